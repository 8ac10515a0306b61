/*
 * The SLA engine: cycles of each metric of a case, moved by the case and
 * interaction hooks inside the caller's transaction, and the warnings and
 * breaches crm_tick records.
 *
 * A cycle's figures are always a replay of its segments with one set of
 * rules (target, warning share, calendar): appending a segment replays the
 * cycle and stores the new figures with a compare-and-swap on the cycle's
 * version, so two handles never both record the same warning or breach.
 * Before a segment at instant t is appended, the warning and breach
 * instants <= t that nobody recorded yet are recorded (a reply six weeks
 * late records the breach first, at the due instant, even if no tick ran).
 *
 * Every hook first brings the case's open cycles in line with the policy
 * the case matches now (recompute, or stop when no target applies).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sla_internal.h"

#define METRICS (CRM_SLA_METRIC_MAX + 1)

/* ------------------------------------------------------------------ */
/* rules                                                                */

void crm__sla_rules_clear(crm__sla_rules *r)
{
  if (r == NULL)
    return;
  crm__sla_policy_clear(&r->policy);
  crm_calendar_free(r->cal);
  memset(r, 0, sizeof *r);
}

static crm_status rules_calendar(crm__sla_rules *r, crm_db *db, int64_t calendar_version)
{
  crm_status st = crm__sla_calendar_get(&r->cal, &r->calendar_version, db, r->policy.calendar,
                                        calendar_version);
  if (st != CRM_OK)
    crm__sla_rules_clear(r);
  return st;
}

crm_status crm__sla_rules_load(crm__sla_rules *out, crm_db *db, crm_id policy, int64_t version)
{
  memset(out, 0, sizeof *out);
  CRM__TRY(crm__sla_policy_get(&out->policy, db, policy, version));
  return rules_calendar(out, db, 0);
}

/* The rules a cycle was last computed with (exact versions). */
static crm_status rules_of_cycle(crm__sla_rules *out, crm_db *db, const crm_sla_cycle_row *c)
{
  memset(out, 0, sizeof *out);
  CRM__TRY(crm__sla_policy_get(&out->policy, db, c->policy, c->policy_version));
  return rules_calendar(out, db, c->calendar_version);
}

/* The rules the case matches now; policy.id 0 when none. */
static crm_status rules_for_case(crm__sla_rules *out, crm_db *db, const crm_case_row *c,
                                 int channel)
{
  memset(out, 0, sizeof *out);
  int any = 0;
  CRM__TRY(crm__sla_any_policy(&any, db));
  if (!any)
    return CRM_OK; /* nothing to match (and no customer to read) */
  crm_customer_row cust;
  memset(&cust, 0, sizeof cust);
  CRM__TRY(CRM__OPS(db)->customer_get(CRM__B(db), c->customer, &cust));
  crm__sla_subject s = {c->priority, c->kind, channel, c->queue, cust.segment};
  crm_status st = crm__sla_policy_match(&out->policy, db, &s);
  crm_customer_row_clear(&cust);
  if (st == CRM_OK && out->policy.id != 0)
    st = rules_calendar(out, db, 0);
  return st;
}

static int rules_same(const crm__sla_rules *r, const crm_sla_cycle_row *c)
{
  return r->policy.id == c->policy && r->policy.version == c->policy_version &&
         r->policy.calendar == c->calendar && r->calendar_version == c->calendar_version;
}

static int64_t warn_target(int64_t target, int warn_percent)
{
  return warn_percent > 0 ? target * warn_percent / 100 : 0;
}

/* ------------------------------------------------------------------ */
/* replay                                                               */

static int64_t business_between(const crm_calendar *cal, crm_time a, crm_time b)
{
  int64_t n = 0;
  if (b <= a || crm_calendar_business_between(&n, cal, a, b) != CRM_OK)
    return 0;
  return n;
}

/* 0 when the calendar cannot say (no business hours in reach). */
static crm_time add_business(const crm_calendar *cal, crm_time start, int64_t n)
{
  crm_time t = 0;
  if (crm_calendar_add_business(&t, cal, start, n) != CRM_OK)
    return 0;
  return t;
}

typedef struct {
  crm__sla_figures *f;
  int64_t target, warn;
  const crm_calendar *cal;
} replay;

/* Count running time from the mark to t, noting where the warning and
   due shares are crossed. */
static void run_until(replay *r, crm_time t)
{
  crm__sla_figures *f = r->f;
  if (t <= f->mark_at)
    return;
  int64_t e = business_between(r->cal, f->mark_at, t);
  if (f->due_at == 0 && r->target > 0 && f->business + e >= r->target)
    f->due_at = add_business(r->cal, f->mark_at, r->target - f->business);
  if (f->warn_at == 0 && r->warn > 0 && f->business + e >= r->warn)
    f->warn_at = add_business(r->cal, f->mark_at, r->warn - f->business);
  f->business += e;
  f->calendar += t - f->mark_at;
  f->mark_at = t;
}

static void replay_end(replay *r, int kind, crm_time at)
{
  crm__sla_figures *f = r->f;
  if (f->state == CRM_SLA_CYCLE_RUNNING)
    run_until(r, at);
  if (f->state == CRM_SLA_CYCLE_ENDED || f->state == 0)
    return;
  f->state = CRM_SLA_CYCLE_ENDED;
  f->mark_at = MAX(f->mark_at, at);
  f->stopped_at = f->mark_at;
  if (kind == CRM_SLA_SEGMENT_FULFIL)
    f->met_at = f->mark_at;
}

void crm__sla_replay(crm__sla_figures *out, const GArray *segments, int64_t target,
                     int warn_percent, const crm_calendar *cal)
{
  memset(out, 0, sizeof *out);
  replay r = {out, target, warn_target(target, warn_percent), cal};
  int moved = 0; /* a pause, resume or end happened: activations no longer restart */
  for (guint i = 0; i < segments->len; i++) {
    const crm_sla_segment_row *s = &g_array_index(segments, crm_sla_segment_row, i);
    switch (s->kind) {
    case CRM_SLA_SEGMENT_ACTIVATE:
      if (!moved) {
        memset(out, 0, sizeof *out);
        out->state = CRM_SLA_CYCLE_RUNNING;
        out->started_at = out->mark_at = s->at;
      }
      break;
    case CRM_SLA_SEGMENT_PAUSE:
      if (out->state == CRM_SLA_CYCLE_RUNNING) {
        run_until(&r, s->at);
        out->state = CRM_SLA_CYCLE_PAUSED;
        moved = 1;
      }
      break;
    case CRM_SLA_SEGMENT_RESUME:
      if (out->state == CRM_SLA_CYCLE_PAUSED) {
        out->state = CRM_SLA_CYCLE_RUNNING;
        out->mark_at = MAX(out->mark_at, s->at);
        moved = 1;
      }
      break;
    case CRM_SLA_SEGMENT_FULFIL:
    case CRM_SLA_SEGMENT_STOP:
      replay_end(&r, s->kind, s->at);
      moved = 1;
      break;
    default: /* warnings, breaches, recomputations are records */
      break;
    }
  }
  /* what is left: from the mark (running) or from the end (a hypothetical
     due instant, to compare with met_at) */
  if ((out->state == CRM_SLA_CYCLE_RUNNING || out->state == CRM_SLA_CYCLE_ENDED) &&
      out->due_at == 0 && target > out->business)
    out->due_at = add_business(cal, out->mark_at, target - out->business);
  if (out->state == CRM_SLA_CYCLE_RUNNING && out->warn_at == 0 && r.warn > out->business)
    out->warn_at = add_business(cal, out->mark_at, r.warn - out->business);
}

void crm__sla_elapsed_to(int64_t *business, int64_t *calendar, const crm__sla_figures *f,
                         const crm_calendar *cal, crm_time to)
{
  *business = f->business;
  *calendar = f->calendar;
  if (f->state == CRM_SLA_CYCLE_RUNNING && to > f->mark_at) {
    *business += business_between(cal, f->mark_at, to);
    *calendar += to - f->mark_at;
  }
}

static int collect_segment(const void *row, void *payload)
{
  g_array_append_vals(payload, row, 1);
  return 0;
}

crm_status crm__sla_segments(GArray **out, crm_db *db, crm_id cycle)
{
  *out = g_array_new(FALSE, TRUE, sizeof(crm_sla_segment_row));
  crm_status st = CRM__OPS(db)->sla_segment_list(CRM__B(db), cycle, collect_segment, *out);
  if (st != CRM_OK) {
    g_array_unref(*out);
    *out = NULL;
  }
  return st;
}

/* ------------------------------------------------------------------ */
/* editing one cycle: new figures in memory, then one compare-and-swap  */

typedef struct {
  int kind;
  crm_time at;
} announcement;

typedef struct {
  crm_sla_cycle_row row;
  int64_t old_version; /* 0: a new cycle */
  GArray *segments;    /* crm_sla_segment_row; NULL until needed */
  guint stored;        /* segments[0..stored) are in the store */
  GArray *added;       /* records (warnings, breaches) before the segments are loaded */
  GArray *announce;    /* announcement */
} cycle_edit;

static void edit_init(cycle_edit *e)
{
  memset(e, 0, sizeof *e);
  e->added = g_array_new(FALSE, TRUE, sizeof(crm_sla_segment_row));
  e->announce = g_array_new(FALSE, TRUE, sizeof(announcement));
}

static void edit_open(cycle_edit *e, const crm_sla_cycle_row *row)
{
  edit_init(e);
  e->row = *row;
  e->old_version = row->version;
}

static void edit_clear(cycle_edit *e)
{
  if (e->segments)
    g_array_unref(e->segments);
  g_array_unref(e->added);
  g_array_unref(e->announce);
  memset(e, 0, sizeof *e);
}

static crm_status edit_load_segments(cycle_edit *e, crm_db *db)
{
  if (e->segments)
    return CRM_OK;
  if (e->old_version == 0) {
    e->segments = g_array_new(FALSE, TRUE, sizeof(crm_sla_segment_row));
  } else
    CRM__TRY(crm__sla_segments(&e->segments, db, e->row.id));
  e->stored = e->segments->len;
  g_array_append_vals(e->segments, e->added->data, e->added->len);
  g_array_set_size(e->added, 0);
  return CRM_OK;
}

static void edit_add_segment(cycle_edit *e, const crm_sla_segment_row *s)
{
  g_array_append_vals(e->segments ? e->segments : e->added, s, 1);
}

static crm_time next_fire(const crm_sla_cycle_row *c)
{
  if (c->state != CRM_SLA_CYCLE_RUNNING)
    return 0;
  crm_time n = 0;
  if (c->warn_at && !c->warned_at)
    n = c->warn_at;
  if (c->due_at && !c->breached_at && (n == 0 || c->due_at < n))
    n = c->due_at;
  return n;
}

/* A warning or breach record at `at` with the share of the target it marks. */
static void record_crossing(cycle_edit *e, int kind, crm_time at, int64_t business, crm_db *db)
{
  crm_sla_cycle_row *c = &e->row;
  crm_sla_segment_row s = {c->id,
                           kind,
                           at,
                           crm_now(db),
                           business,
                           c->calendar_elapsed + (at > c->mark_at ? at - c->mark_at : 0),
                           c->due_at,
                           c->calendar_version,
                           c->policy_version};
  edit_add_segment(e, &s);
  announcement a = {kind, at};
  g_array_append_val(e->announce, a);
}

/* Record the warning and breach instants <= upto that are not yet. */
static void edit_settle(cycle_edit *e, crm_db *db, crm_time upto)
{
  crm_sla_cycle_row *c = &e->row;
  if (c->state != CRM_SLA_CYCLE_RUNNING)
    return;
  if (c->warn_at && !c->warned_at && c->warn_at <= upto) {
    c->warned_at = c->warn_at;
    record_crossing(e, CRM_SLA_SEGMENT_WARNING, c->warn_at, warn_target(c->target, c->warn_percent),
                    db);
  }
  if (c->due_at && !c->breached_at && c->due_at <= upto) {
    c->breached_at = c->due_at;
    record_crossing(e, CRM_SLA_SEGMENT_BREACH, c->due_at, c->target, db);
  }
  c->next_fire_at = next_fire(c);
}

/* Append a segment computed with `r` (which becomes the cycle's rules). */
static crm_status edit_push(cycle_edit *e, crm_db *db, const crm__sla_rules *r, int kind,
                            crm_time at)
{
  crm_sla_cycle_row *c = &e->row;
  if (kind != CRM_SLA_SEGMENT_ACTIVATE && at < c->mark_at)
    at = c->mark_at; /* segments never go back in time */
  /* met exactly at the due instant is met on time */
  int ends = kind == CRM_SLA_SEGMENT_FULFIL || kind == CRM_SLA_SEGMENT_STOP;
  edit_settle(e, db, ends ? at - 1 : at);
  CRM__TRY(edit_load_segments(e, db));
  c->policy = r->policy.id;
  c->policy_version = r->policy.version;
  c->calendar = r->policy.calendar;
  c->calendar_version = r->calendar_version;
  c->target = r->policy.targets[c->metric];
  c->warn_percent = r->policy.warn_percent;
  crm_sla_segment_row s = {
      c->id, kind, at, crm_now(db), 0, 0, 0, r->calendar_version, r->policy.version};
  g_array_append_val(e->segments, s);
  crm__sla_figures f;
  crm__sla_replay(&f, e->segments, c->target, c->warn_percent, r->cal);
  c->state = f.state;
  c->started_at = f.started_at;
  c->mark_at = f.mark_at;
  c->business_elapsed = f.business;
  c->calendar_elapsed = f.calendar;
  c->due_at = f.due_at;
  c->warn_at = f.warn_at;
  c->met_at = f.met_at;
  c->stopped_at = f.stopped_at;
  c->next_fire_at = next_fire(c);
  crm_sla_segment_row *added =
      &g_array_index(e->segments, crm_sla_segment_row, e->segments->len - 1);
  crm__sla_elapsed_to(&added->business_elapsed, &added->calendar_elapsed, &f, r->cal, at);
  added->due_at = c->state == CRM_SLA_CYCLE_ENDED ? 0 : c->due_at;
  /* a crossing the new figures put before this instant is recorded now */
  edit_settle(e, db, ends ? at - 1 : at);
  return CRM_OK;
}

static crm_status announce(crm_db *db, const crm_sla_cycle_row *c, const announcement *a)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "case", c->case_id);
  json_object_set_string_member(o, "metric", crm_sla_metric_name((crm_sla_metric_t)c->metric));
  json_object_set_int_member(o, "cycle", c->cycle);
  crm__json_set_id(o, "policy", c->policy);
  json_object_set_int_member(o, "at", a->at);
  json_object_set_int_member(o, "due_at", c->due_at);
  json_object_set_int_member(o, "target", c->target);
  return crm__event_emit(db, a->kind == CRM_SLA_SEGMENT_WARNING ? "sla.warning" : "sla.breached",
                         "case", c->case_id, o);
}

/* Store the cycle (insert, or compare-and-swap: CRM_ECONFLICT and nothing
   written when another handle changed it), its new segments, its events. */
static crm_status edit_store(cycle_edit *e, crm_db *db)
{
  crm_sla_cycle_row *c = &e->row;
  if (e->old_version == 0) {
    c->version = 1;
    CRM__TRY(CRM__OPS(db)->sla_cycle_insert(CRM__B(db), c));
  } else {
    c->version = e->old_version + 1;
    CRM__TRY(CRM__OPS(db)->sla_cycle_update(CRM__B(db), c, e->old_version));
  }
  GArray *fresh = e->segments ? e->segments : e->added;
  for (guint i = e->segments ? e->stored : 0; i < fresh->len; i++) {
    crm_sla_segment_row *s = &g_array_index(fresh, crm_sla_segment_row, i);
    s->cycle = c->id;
    CRM__TRY(CRM__OPS(db)->sla_segment_insert(CRM__B(db), s));
  }
  for (guint i = 0; i < e->announce->len; i++)
    CRM__TRY(announce(db, c, &g_array_index(e->announce, announcement, i)));
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* a case's SLA state                                                   */

typedef struct {
  crm_db *db;
  const crm_case_row *c;
  crm_sla_case_row facts;
  int have_facts;
  crm_sla_cycle_row latest[METRICS];
  int have[METRICS];
  crm__sla_rules rules; /* what the case matches now */
} sla_ctx;

static int collect_latest(const void *row, void *payload)
{
  sla_ctx *x = payload;
  const crm_sla_cycle_row *c = row;
  if (c->metric > 0 && c->metric < METRICS) {
    x->latest[c->metric] = *c;
    x->have[c->metric] = 1;
  }
  return 0;
}

static void ctx_close(sla_ctx *x)
{
  crm__sla_rules_clear(&x->rules);
}

static crm_status ctx_rematch(sla_ctx *x)
{
  crm__sla_rules_clear(&x->rules);
  return rules_for_case(&x->rules, x->db, x->c, x->facts.channel);
}

static crm_status ctx_open(sla_ctx *x, crm_db *db, const crm_case_row *c)
{
  memset(x, 0, sizeof *x);
  x->db = db;
  x->c = c;
  crm_status st = CRM__OPS(db)->sla_case_get(CRM__B(db), c->id, &x->facts);
  if (st == CRM_OK)
    x->have_facts = 1;
  else if (st == CRM_ENOTFOUND)
    x->facts.case_id = c->id;
  else
    return st;
  CRM__TRY(CRM__OPS(db)->sla_cycle_list_case(CRM__B(db), c->id, 1, collect_latest, x));
  return ctx_rematch(x);
}

static int is_open(const sla_ctx *x, int metric)
{
  return x->have[metric] && x->latest[metric].state != CRM_SLA_CYCLE_ENDED;
}

static int has_target(const crm__sla_rules *r, int metric)
{
  return r->policy.id != 0 && r->policy.targets[metric] > 0;
}

static crm_status ctx_store(sla_ctx *x, cycle_edit *e)
{
  crm_status st = edit_store(e, x->db);
  if (st == CRM_ECONFLICT)
    st = crm__error(CRM_ECONFLICT, "the SLA timers of case %lld were changed meanwhile",
                    (long long)x->c->id);
  if (st == CRM_OK) {
    x->latest[e->row.metric] = e->row;
    x->have[e->row.metric] = 1;
  }
  edit_clear(e);
  return st;
}

/* Start the next cycle of a metric at `at` when the policy has a target. */
static crm_status ctx_start(sla_ctx *x, int metric, crm_time at)
{
  if (!has_target(&x->rules, metric) || is_open(x, metric))
    return CRM_OK;
  cycle_edit e;
  edit_init(&e);
  e.row.case_id = x->c->id;
  e.row.metric = metric;
  e.row.cycle = x->have[metric] ? x->latest[metric].cycle + 1 : 1;
  crm_status st = edit_push(&e, x->db, &x->rules, CRM_SLA_SEGMENT_ACTIVATE, at);
  if (st != CRM_OK) {
    edit_clear(&e);
    return st;
  }
  return ctx_store(x, &e);
}

/* Append a segment to the open cycle of a metric, with rules `r`. */
static crm_status ctx_push_with(sla_ctx *x, int metric, const crm__sla_rules *r, int kind,
                                crm_time at)
{
  if (!is_open(x, metric))
    return CRM_OK;
  cycle_edit e;
  edit_open(&e, &x->latest[metric]);
  crm_status st = edit_push(&e, x->db, r, kind, at);
  if (st != CRM_OK) {
    edit_clear(&e);
    return st;
  }
  return ctx_store(x, &e);
}

static crm_status ctx_push(sla_ctx *x, int metric, int kind, crm_time at)
{
  return ctx_push_with(x, metric, &x->rules, kind, at);
}

/* Stop an open cycle with the rules it was computed with. */
static crm_status ctx_stop_own(sla_ctx *x, int metric, crm_time at)
{
  crm__sla_rules own;
  CRM__TRY(rules_of_cycle(&own, x->db, &x->latest[metric]));
  crm_status st = ctx_push_with(x, metric, &own, CRM_SLA_SEGMENT_STOP, at);
  crm__sla_rules_clear(&own);
  return st;
}

/* Bring every open cycle in line with the rules the case matches now. */
static crm_status ctx_sync(sla_ctx *x, crm_time now)
{
  for (int m = 1; m < METRICS; m++) {
    if (!is_open(x, m) ||
        (rules_same(&x->rules, &x->latest[m]) && x->rules.policy.targets[m] == x->latest[m].target))
      continue;
    if (has_target(&x->rules, m))
      CRM__TRY(ctx_push(x, m, CRM_SLA_SEGMENT_RECOMPUTE, now));
    else
      CRM__TRY(ctx_stop_own(x, m, now));
  }
  return CRM_OK;
}

static int case_is_done(const crm_case_row *c)
{
  return c->status == CRM_CASE_RESOLVED || c->status == CRM_CASE_CLOSED;
}

static int is_incident(const crm_case_row *c)
{
  return c->kind == CRM_CASE_INCIDENT;
}

static int pauses(const crm__sla_rules *r, int status)
{
  return r->policy.id != 0 && (r->policy.pause_statuses & (1u << status)) != 0;
}

/* Metrics that never had a cycle start now that a policy gives them a
   target (a case matched no policy before): from the case's creation,
   unless already answered or done. */
static crm_status ctx_ensure(sla_ctx *x)
{
  const crm_case_row *c = x->c;
  if (case_is_done(c))
    return CRM_OK;
  if (!x->have[CRM_SLA_FIRST_RESPONSE] && x->facts.last_reply_at == 0)
    CRM__TRY(ctx_start(x, CRM_SLA_FIRST_RESPONSE, c->created_at));
  if (!x->have[CRM_SLA_RESOLUTION]) {
    CRM__TRY(ctx_start(x, CRM_SLA_RESOLUTION, c->created_at));
    if (pauses(&x->rules, c->status))
      CRM__TRY(ctx_push(x, CRM_SLA_RESOLUTION, CRM_SLA_SEGMENT_PAUSE, crm_now(x->db)));
  }
  if (!x->have[CRM_SLA_PERIODIC_UPDATE] && is_incident(c))
    CRM__TRY(ctx_start(x, CRM_SLA_PERIODIC_UPDATE, MAX(c->created_at, x->facts.last_reply_at)));
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* hooks                                                                */

typedef crm_status (*ctx_fn)(sla_ctx *x, const void *arg);

static crm_status with_case(crm_db *db, const crm_case_row *c, ctx_fn fn, const void *arg)
{
  sla_ctx x;
  crm_status st = ctx_open(&x, db, c);
  if (st == CRM_OK)
    st = fn(&x, arg);
  ctx_close(&x);
  return st;
}

static crm_status created(sla_ctx *x, const void *arg)
{
  (void)arg;
  return ctx_ensure(x);
}

crm_status crm__sla_on_case_created(crm_db *db, const crm_case_row *row)
{
  /* a new case has no clocks yet: without a policy none starts */
  int any = 0;
  CRM__TRY(crm__sla_any_policy(&any, db));
  return any ? with_case(db, row, created, NULL) : CRM_OK;
}

/* The resolution clock pauses while the case's status is one the policy
   pauses on, and runs otherwise. */
static crm_status ctx_align_pause(sla_ctx *x, crm_time now)
{
  if (!is_open(x, CRM_SLA_RESOLUTION))
    return CRM_OK;
  int paused = x->latest[CRM_SLA_RESOLUTION].state == CRM_SLA_CYCLE_PAUSED;
  int should = pauses(&x->rules, x->c->status);
  if (should && !paused)
    return ctx_push(x, CRM_SLA_RESOLUTION, CRM_SLA_SEGMENT_PAUSE, now);
  if (!should && paused)
    return ctx_push(x, CRM_SLA_RESOLUTION, CRM_SLA_SEGMENT_RESUME, now);
  return CRM_OK;
}

static crm_status status_changed(sla_ctx *x, const void *arg)
{
  int from = *(const int *)arg;
  crm_time now = crm_now(x->db);
  CRM__TRY(ctx_sync(x, now));
  if (case_is_done(x->c)) {
    CRM__TRY(ctx_push(x, CRM_SLA_RESOLUTION, CRM_SLA_SEGMENT_FULFIL, now));
    CRM__TRY(ctx_push(x, CRM_SLA_FIRST_RESPONSE, CRM_SLA_SEGMENT_STOP, now));
    CRM__TRY(ctx_push(x, CRM_SLA_NEXT_RESPONSE, CRM_SLA_SEGMENT_STOP, now));
    return ctx_push(x, CRM_SLA_PERIODIC_UPDATE, CRM_SLA_SEGMENT_STOP, now);
  }
  if (from == CRM_CASE_RESOLVED) { /* a reopen: new resolution and update cycles */
    CRM__TRY(ctx_start(x, CRM_SLA_RESOLUTION, now));
    if (is_incident(x->c))
      CRM__TRY(ctx_start(x, CRM_SLA_PERIODIC_UPDATE, now));
  }
  return ctx_align_pause(x, now);
}

crm_status crm__sla_on_status(crm_db *db, const crm_case_row *row, int from)
{
  return with_case(db, row, status_changed, &from);
}

static crm_status case_changed(sla_ctx *x, const void *arg)
{
  (void)arg;
  crm_time now = crm_now(x->db);
  CRM__TRY(ctx_sync(x, now));
  CRM__TRY(ctx_ensure(x));
  return ctx_align_pause(x, now);
}

crm_status crm__sla_on_case_changed(crm_db *db, const crm_case_row *row)
{
  return with_case(db, row, case_changed, NULL);
}

/* Only an activation so far: the clock may still move its start back. */
static crm_status only_activated(int *out, sla_ctx *x, int metric)
{
  *out = 0;
  if (!is_open(x, metric))
    return CRM_OK;
  GArray *segs = NULL;
  CRM__TRY(crm__sla_segments(&segs, x->db, x->latest[metric].id));
  *out = 1;
  for (guint i = 0; i < segs->len; i++)
    if (g_array_index(segs, crm_sla_segment_row, i).kind != CRM_SLA_SEGMENT_ACTIVATE)
      *out = 0;
  g_array_unref(segs);
  return CRM_OK;
}

/* A contact that happened before the clock started (an e-mail filed after
   its case was opened) moves the start back, while nothing else happened. */
static crm_status backdate(sla_ctx *x, int metric, crm_time at)
{
  if (!is_open(x, metric) || at >= x->latest[metric].started_at)
    return CRM_OK;
  int early = 0;
  CRM__TRY(only_activated(&early, x, metric));
  return early ? ctx_push(x, metric, CRM_SLA_SEGMENT_ACTIVATE, at) : CRM_OK;
}

static crm_status inbound(sla_ctx *x, const crm_interaction_row *ix)
{
  if (x->facts.channel == 0) { /* the first contact names the case's channel */
    x->facts.channel = ix->channel;
    CRM__TRY(CRM__OPS(x->db)->sla_case_put(CRM__B(x->db), &x->facts));
    CRM__TRY(ctx_rematch(x));
  }
  CRM__TRY(ctx_sync(x, crm_now(x->db)));
  CRM__TRY(ctx_ensure(x));
  CRM__TRY(backdate(x, CRM_SLA_FIRST_RESPONSE, ix->occurred_at));
  CRM__TRY(backdate(x, CRM_SLA_RESOLUTION, ix->occurred_at));
  /* never answered, its first-response clock stopped when the case was
     resolved: the contact that brings the case back waits for a first
     response again (a new cycle from the contact) */
  if (x->facts.last_reply_at == 0 && !case_is_done(x->c))
    CRM__TRY(ctx_start(x, CRM_SLA_FIRST_RESPONSE, ix->occurred_at));
  /* answered before, and written after the last answer: it waits for the next one */
  if (x->facts.last_reply_at != 0 && ix->occurred_at >= x->facts.last_reply_at &&
      !case_is_done(x->c))
    CRM__TRY(ctx_start(x, CRM_SLA_NEXT_RESPONSE, ix->occurred_at));
  return CRM_OK;
}

static crm_status outbound(sla_ctx *x, const crm_interaction_row *ix)
{
  crm_time at = ix->occurred_at;
  if (at > x->facts.last_reply_at) {
    x->facts.last_reply_at = at;
    CRM__TRY(CRM__OPS(x->db)->sla_case_put(CRM__B(x->db), &x->facts));
  }
  CRM__TRY(ctx_sync(x, crm_now(x->db)));
  CRM__TRY(ctx_push(x, CRM_SLA_FIRST_RESPONSE, CRM_SLA_SEGMENT_FULFIL, at));
  CRM__TRY(ctx_push(x, CRM_SLA_NEXT_RESPONSE, CRM_SLA_SEGMENT_FULFIL, at));
  if (is_open(x, CRM_SLA_PERIODIC_UPDATE)) {
    CRM__TRY(ctx_push(x, CRM_SLA_PERIODIC_UPDATE, CRM_SLA_SEGMENT_FULFIL, at));
    if (!case_is_done(x->c))
      CRM__TRY(ctx_start(x, CRM_SLA_PERIODIC_UPDATE, x->latest[CRM_SLA_PERIODIC_UPDATE].mark_at));
  }
  return CRM_OK;
}

static crm_status interaction_filed(sla_ctx *x, const void *arg)
{
  const crm_interaction_row *ix = arg;
  if (ix->direction == CRM_DIRECTION_INBOUND)
    return inbound(x, ix);
  return outbound(x, ix);
}

/* An outbound contact the customer did not get (a busy or missed call)
   answers nothing. */
static int is_public_reply(const crm_interaction_row *ix)
{
  return ix->direction == CRM_DIRECTION_OUTBOUND &&
         (ix->outcome == CRM_OUTCOME_NONE || ix->outcome == CRM_OUTCOME_ANSWERED);
}

crm_status crm__sla_on_interaction(crm_db *db, const crm_interaction_row *ix, int new_case)
{
  if (ix->case_id == 0 || (ix->direction != CRM_DIRECTION_INBOUND && !is_public_reply(ix)))
    return CRM_OK; /* notes and unanswered calls move no clock */
  int any = 1;
  if (new_case && ix->direction == CRM_DIRECTION_INBOUND)
    CRM__TRY(crm__sla_any_policy(&any, db));
  if (!any) {
    /* a case this contact opened, and no policy: no clock ran or starts,
       only the facts (its channel) are new, as inbound() would store them */
    crm_sla_case_row facts = {ix->case_id, ix->channel, 0};
    return CRM__OPS(db)->sla_case_put(CRM__B(db), &facts);
  }
  crm_case_row c;
  memset(&c, 0, sizeof c);
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), ix->case_id, &c);
  if (st == CRM_OK)
    st = with_case(db, &c, interaction_filed, ix);
  crm_case_row_clear(&c);
  return st;
}

/* ------------------------------------------------------------------ */
/* recomputation after a calendar or policy change                      */

static int collect_case_of_cycle(const void *row, void *payload)
{
  const crm_sla_cycle_row *c = row;
  GArray *ids = payload;
  crm_id id = c->case_id;
  g_array_append_val(ids, c->id); /* pairs: cycle id, case id */
  g_array_append_val(ids, id);
  return 0;
}

static crm_status resync_case(crm_db *db, crm_id case_id)
{
  crm_case_row c;
  memset(&c, 0, sizeof c);
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), case_id, &c);
  if (st == CRM_OK)
    st = with_case(db, &c, case_changed, NULL);
  crm_case_row_clear(&c);
  return st;
}

static crm_status recompute_open(crm_db *db, crm_id calendar, crm_id policy)
{
  GHashTable *done = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  GArray *page = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_id after = 0;
  crm_status st = CRM_OK;
  for (;;) {
    g_array_set_size(page, 0);
    st = CRM__OPS(db)->sla_cycle_list_open(CRM__B(db), calendar, policy, after, CRM__PAGE_SIZE,
                                           collect_case_of_cycle, page);
    for (guint i = 0; st == CRM_OK && i + 1 < page->len; i += 2) {
      crm_id case_id = g_array_index(page, crm_id, i + 1);
      after = g_array_index(page, crm_id, i);
      if (g_hash_table_contains(done, &case_id))
        continue;
      g_hash_table_add(done, g_memdup2(&case_id, sizeof case_id));
      st = resync_case(db, case_id);
    }
    if (st != CRM_OK || page->len / 2 < CRM__PAGE_SIZE)
      break;
  }
  g_array_unref(page);
  g_hash_table_unref(done);
  return st;
}

crm_status crm__sla_recompute_calendar(crm_db *db, crm_id calendar)
{
  return recompute_open(db, calendar, 0);
}

crm_status crm__sla_recompute_policy(crm_db *db, crm_id policy)
{
  return recompute_open(db, 0, policy);
}

/* ------------------------------------------------------------------ */
/* crm_tick                                                             */

static int collect_cycle(const void *row, void *payload)
{
  g_array_append_vals(payload, row, 1);
  return 0;
}

/* A timer still running on a case that ended behind the engine's back
   (a case closed directly by the mail importer): stop it when the case
   last changed, recording what was due before. */
static int orphaned(const crm_sla_cycle_row *c, const crm_case_row *kase)
{
  if (kase->status == CRM_CASE_CLOSED)
    return 1;
  return kase->status == CRM_CASE_RESOLVED && c->metric != CRM_SLA_RESOLUTION;
}

static crm_status stop_orphan(crm_db *db, cycle_edit *e, const crm_case_row *kase)
{
  crm__sla_rules own;
  CRM__TRY(rules_of_cycle(&own, db, &e->row));
  crm_status st =
      edit_push(e, db, &own,
                e->row.metric == CRM_SLA_RESOLUTION ? CRM_SLA_SEGMENT_FULFIL : CRM_SLA_SEGMENT_STOP,
                kase->resolved_at ? kase->resolved_at : kase->updated_at);
  crm__sla_rules_clear(&own);
  return st;
}

/* Fire one cycle; *fired counts its warnings and breaches. A cycle another
   handle fired meanwhile is skipped. */
static crm_status fire_one(size_t *fired, crm_db *db, const crm_sla_cycle_row *c, crm_time now)
{
  crm_case_row kase;
  memset(&kase, 0, sizeof kase);
  CRM__TRY(CRM__OPS(db)->case_get(CRM__B(db), c->case_id, &kase));
  cycle_edit e;
  edit_open(&e, c);
  crm_status st = CRM_OK;
  if (orphaned(c, &kase))
    st = stop_orphan(db, &e, &kase);
  else
    edit_settle(&e, db, now);
  crm_case_row_clear(&kase);
  size_t n = e.announce->len;
  if (st == CRM_OK)
    st = edit_store(&e, db);
  edit_clear(&e);
  if (st == CRM_ECONFLICT)
    return CRM_OK; /* another handle recorded it */
  if (st == CRM_OK)
    *fired += n;
  return st;
}

static crm_status tick_page(size_t *fired, size_t *seen, crm_db *db, crm_time now)
{
  GArray *due = g_array_new(FALSE, TRUE, sizeof(crm_sla_cycle_row));
  crm_status st =
      CRM__OPS(db)->sla_cycle_list_fire(CRM__B(db), now, CRM__PAGE_SIZE, collect_cycle, due);
  *seen = due->len;
  for (guint i = 0; st == CRM_OK && i < due->len; i++)
    st = fire_one(fired, db, &g_array_index(due, crm_sla_cycle_row, i), now);
  g_array_unref(due);
  return st;
}

crm_status crm__sla_tick(size_t *fired, crm_db *db, crm_time now)
{
  /* One transaction per page: a long backlog does not hold the lock for
     ever, and a page that records nothing new ends the loop. */
  for (;;) {
    size_t done = 0, seen = 0;
    crm_status st = crm__write_begin(db);
    if (st == CRM_OK)
      st = tick_page(&done, &seen, db, now);
    st = crm__write_end(db, st);
    if (st != CRM_OK)
      return st;
    *fired += done;
    if (seen < CRM__PAGE_SIZE || done == 0)
      return CRM_OK;
  }
}
