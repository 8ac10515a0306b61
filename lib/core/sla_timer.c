/*
 * SLA timers as users see them: a case's timers (current cycles) and
 * cycles, as reported or recomputed with today's rules, and the running
 * timers due before an instant (one indexed query per page).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sla_internal.h"

#define VIEW_BOTH (CRM_SLA_AS_REPORTED | CRM_SLA_RECOMPUTED)

static const char *const metric_names[] = {NULL, "first_response", "next_response", "resolution",
                                           "periodic_update"};
static const char *const segment_names[] = {NULL,     "activate", "pause",     "resume", "fulfil",
                                            "breach", "warning",  "recompute", "stop"};

const char *crm_sla_metric_name(crm_sla_metric_t metric)
{
  int m = (int)metric;
  return m > 0 && (size_t)m < G_N_ELEMENTS(metric_names) ? metric_names[m] : NULL;
}

const char *crm_sla_segment_name(crm_sla_segment_t kind)
{
  int k = (int)kind;
  return k > 0 && (size_t)k < G_N_ELEMENTS(segment_names) ? segment_names[k] : NULL;
}

struct crm_sla_timer {
  crm_sla_cycle_row row; /* the figures of this view */
  crm_sla_view_t view;
  crm_time as_of;
  GArray *segments; /* crm_sla_segment_row, as stored; NULL: not loaded */
};

struct crm_sla_timer_iterator {
  crm__pager *pager;
};

void crm_sla_timer_free(crm_sla_timer *t)
{
  if (t == NULL)
    return;
  if (t->segments)
    g_array_unref(t->segments);
  g_free(t);
}

static crm_sla_timer *timer_new(const crm_sla_cycle_row *row, crm_sla_view_t view)
{
  crm_sla_timer *t = g_new0(crm_sla_timer, 1);
  t->row = *row;
  t->view = view;
  t->as_of = row->mark_at;
  return t;
}

static crm_sla_timer *timer_copy(const crm_sla_timer *src)
{
  crm_sla_timer *t = g_new0(crm_sla_timer, 1);
  *t = *src;
  if (src->segments)
    t->segments = g_array_ref(src->segments);
  return t;
}

/* Crossed by `end` under these figures: the instant, else 0. */
static crm_time passed(crm_time instant, crm_time end)
{
  return instant && instant <= end ? instant : 0;
}

/* Replay the cycle with the current version of its policy and of that
   policy's calendar; open cycles are counted up to `now`. */
static crm_status recompute(crm_sla_timer *t, crm_db *db, crm_time now)
{
  crm__sla_rules r;
  CRM__TRY(crm__sla_rules_load(&r, db, t->row.policy, 0));
  crm_sla_cycle_row *c = &t->row;
  crm__sla_figures f;
  c->target = r.policy.targets[c->metric];
  c->warn_percent = r.policy.warn_percent;
  crm__sla_replay(&f, t->segments, c->target, c->warn_percent, r.cal);
  crm_time end = f.state == CRM_SLA_CYCLE_ENDED    ? f.stopped_at
                 : f.state == CRM_SLA_CYCLE_PAUSED ? f.mark_at
                                                   : MAX(now, f.mark_at);
  crm__sla_elapsed_to(&c->business_elapsed, &c->calendar_elapsed, &f, r.cal, end);
  c->policy_version = r.policy.version;
  c->calendar = r.policy.calendar;
  c->calendar_version = r.calendar_version;
  c->state = f.state;
  c->started_at = f.started_at;
  c->mark_at = f.mark_at;
  c->due_at = f.due_at;
  c->warn_at = f.warn_at;
  c->warned_at = passed(f.warn_at, end);
  c->breached_at = passed(f.due_at, end);
  c->met_at = f.met_at;
  c->stopped_at = f.stopped_at;
  c->next_fire_at = 0;
  t->view = CRM_SLA_RECOMPUTED;
  t->as_of = end;
  crm__sla_rules_clear(&r);
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* a case's timers or cycles                                            */

typedef struct {
  crm_id case_id;
  int latest_only;
  crm_sla_view_t view;
  crm_time now;      /* recomputed open cycles count up to the iterator's creation */
  GPtrArray *timers; /* built by the first fetch */
  guint next;
} case_state;

static void case_state_free(void *p)
{
  case_state *cs = p;
  if (cs->timers)
    g_ptr_array_unref(cs->timers);
  g_free(cs);
}

static int collect_cycle(const void *row, void *payload)
{
  g_array_append_vals(payload, row, 1);
  return 0;
}

/* The timers of one cycle in the iterator's view(s). */
static crm_status add_views(case_state *cs, crm_db *db, const crm_sla_cycle_row *row)
{
  crm_sla_timer *t = timer_new(row, CRM_SLA_AS_REPORTED);
  crm_status st = crm__sla_segments(&t->segments, db, row->id);
  if (st == CRM_OK && (cs->view & CRM_SLA_AS_REPORTED))
    g_ptr_array_add(cs->timers, timer_copy(t));
  if (st == CRM_OK && (cs->view & CRM_SLA_RECOMPUTED)) {
    st = recompute(t, db, cs->now);
    if (st == CRM_OK)
      g_ptr_array_add(cs->timers, timer_copy(t));
  }
  crm_sla_timer_free(t);
  return st;
}

static crm_status load_case(case_state *cs, crm_db *db)
{
  GArray *rows = g_array_new(FALSE, TRUE, sizeof(crm_sla_cycle_row));
  crm_status st = CRM__OPS(db)->sla_cycle_list_case(CRM__B(db), cs->case_id, cs->latest_only,
                                                    collect_cycle, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++)
    st = add_views(cs, db, &g_array_index(rows, crm_sla_cycle_row, i));
  g_array_unref(rows);
  return st;
}

/* A case has a handful of cycles: read them once, hand them out by page. */
static crm_status fetch_case(crm__pager *p, unsigned int want, GPtrArray *items)
{
  case_state *cs = p->state;
  if (cs->timers == NULL) {
    cs->timers = g_ptr_array_new_with_free_func((GDestroyNotify)crm_sla_timer_free);
    crm_status st = load_case(cs, p->db);
    if (st != CRM_OK) {
      g_ptr_array_unref(cs->timers);
      cs->timers = NULL;
      return st;
    }
  }
  for (; want > 0 && cs->next < cs->timers->len; want--, cs->next++) {
    g_ptr_array_add(items, g_ptr_array_index(cs->timers, cs->next));
    g_ptr_array_index(cs->timers, cs->next) = NULL;
  }
  return CRM_OK;
}

static crm_status case_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_id case_id,
                                    crm_sla_view_t view, int latest_only)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(case_id, "case")) != CRM_OK)
    return st;
  if ((int)view < CRM_SLA_AS_REPORTED || (int)view > VIEW_BOTH)
    return crm__error(CRM_EINVALID,
                      "view %d is not valid (CRM_SLA_AS_REPORTED, CRM_SLA_RECOMPUTED or both)",
                      (int)view);
  crm_case_row row;
  memset(&row, 0, sizeof row);
  st = CRM__OPS(db)->case_get(CRM__B(db), case_id, &row);
  crm_case_row_clear(&row);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "case %lld does not exist", (long long)case_id);
  if (st == CRM_OK)
    st = crm__perm_case(db, case_id, CRM_ROLE_AGENT, "read the SLA timers of");
  if (st != CRM_OK)
    return st;
  case_state *cs = g_new0(case_state, 1);
  cs->case_id = case_id;
  cs->latest_only = latest_only;
  cs->view = view;
  cs->now = crm_now(db);
  crm_sla_timer_iterator *it = g_new0(crm_sla_timer_iterator, 1);
  it->pager =
      crm__pager_new(db, fetch_case, (GDestroyNotify)crm_sla_timer_free, 0, cs, case_state_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_sla_timer_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_id case_id,
                                      crm_sla_view_t view)
{
  return case_iterator_new(out, db, case_id, view, 1);
}

crm_status crm_sla_cycle_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_id case_id,
                                      crm_sla_view_t view)
{
  return case_iterator_new(out, db, case_id, view, 0);
}

/* ------------------------------------------------------------------ */
/* running timers due before an instant                                 */

typedef struct {
  crm_time before, after_due;
  crm_id after_id;
} due_state;

static int collect_due(const void *row, void *payload)
{
  g_ptr_array_add(payload, timer_new(row, CRM_SLA_AS_REPORTED));
  return 0;
}

static crm_status fetch_due(crm__pager *p, unsigned int want, GPtrArray *items)
{
  due_state *ds = p->state;
  guint before = items->len;
  CRM__TRY(CRM__OPS(p->db)->sla_cycle_list_due(CRM__B(p->db), ds->before, ds->after_due,
                                               ds->after_id, want, collect_due, items));
  if (items->len > before) {
    const crm_sla_timer *last = g_ptr_array_index(items, items->len - 1);
    ds->after_due = last->row.due_at;
    ds->after_id = last->row.id;
  }
  return CRM_OK;
}

crm_status crm_sla_due_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_time before)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK)
    return st;
  if (before <= 0)
    return crm__error(CRM_EINVALID, "before %lld must be an instant > 0", (long long)before);
  due_state *ds = g_new0(due_state, 1);
  ds->before = before;
  crm_sla_timer_iterator *it = g_new0(crm_sla_timer_iterator, 1);
  it->pager = crm__pager_new(db, fetch_due, (GDestroyNotify)crm_sla_timer_free, 0, ds, g_free);
  crm__pager_filter(it->pager, crm__visible_sla_timer);
  *out = it;
  return CRM_OK;
}

crm_status crm_sla_timer_next(crm_sla_timer **out, crm_sla_timer_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_sla_timer_iterator_free(crm_sla_timer_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

/* ------------------------------------------------------------------ */
/* getters                                                              */

#define TIMER_GETTER(type, name, expr)              \
  type crm_sla_timer_##name(const crm_sla_timer *t) \
  {                                                 \
    return t ? (type)(expr) : (type)0;              \
  }

TIMER_GETTER(crm_id, id, t->row.id)
TIMER_GETTER(crm_id, case, t->row.case_id)
TIMER_GETTER(crm_sla_metric_t, metric, t->row.metric)
TIMER_GETTER(int, cycle, t->row.cycle)
TIMER_GETTER(crm_sla_view_t, view, t->view)
TIMER_GETTER(crm_id, policy, t->row.policy)
TIMER_GETTER(int64_t, policy_version, t->row.policy_version)
TIMER_GETTER(crm_id, calendar, t->row.calendar)
TIMER_GETTER(int64_t, calendar_version, t->row.calendar_version)
TIMER_GETTER(int64_t, target, t->row.target)
TIMER_GETTER(crm_time, started_at, t->row.started_at)
TIMER_GETTER(crm_time, due_at, t->row.due_at)
TIMER_GETTER(crm_time, warned_at, t->row.warned_at)
TIMER_GETTER(crm_time, breached_at, t->row.breached_at)
TIMER_GETTER(crm_time, met_at, t->row.met_at)
TIMER_GETTER(crm_time, stopped_at, t->row.stopped_at)
TIMER_GETTER(int64_t, business_elapsed, t->row.business_elapsed)
TIMER_GETTER(int64_t, calendar_elapsed, t->row.calendar_elapsed)
TIMER_GETTER(crm_time, as_of, t->as_of)
TIMER_GETTER(int, paused, t->row.state == CRM_SLA_CYCLE_PAUSED)
TIMER_GETTER(int, open,
             t->row.state == CRM_SLA_CYCLE_RUNNING || t->row.state == CRM_SLA_CYCLE_PAUSED)
TIMER_GETTER(size_t, segment_count, t->segments ? t->segments->len : 0)

static const crm_sla_segment_row *segment_at(const crm_sla_timer *t, size_t i)
{
  if (t == NULL || t->segments == NULL || i >= t->segments->len)
    return NULL;
  return &g_array_index(t->segments, crm_sla_segment_row, i);
}

#define SEGMENT_GETTER(type, name, field)                             \
  type crm_sla_timer_segment_##name(const crm_sla_timer *t, size_t i) \
  {                                                                   \
    const crm_sla_segment_row *s = segment_at(t, i);                  \
    return s ? (type)s->field : (type)0;                              \
  }

SEGMENT_GETTER(crm_sla_segment_t, kind, kind)
SEGMENT_GETTER(crm_time, at, at)
SEGMENT_GETTER(int64_t, business_elapsed, business_elapsed)
SEGMENT_GETTER(int64_t, calendar_elapsed, calendar_elapsed)
SEGMENT_GETTER(crm_time, due_at, due_at)
SEGMENT_GETTER(int64_t, calendar_version, calendar_version)
SEGMENT_GETTER(int64_t, policy_version, policy_version)
