/*
 * Reports (crm/report.h): the figures come from the backend's aggregate
 * queries (report_aggregate), one per family; this file checks the spec
 * and the actor's permission, cuts the range into local days when asked,
 * merges the families into rows by key, names the rows and derives the
 * rates.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_DEPTH 99
#define MAX_DAYS  3660
#define METRICS   (CRM_SLA_METRIC_MAX + 1)

enum { T_FIRST_RESPONSE, T_RESOLUTION, T_METRICS };

struct crm_report_row {
  crm_report_group_t group;
  int64_t key;
  char *label;
  int64_t in, out, abandoned;
  int64_t depth[MAX_DEPTH + 1];
  int64_t cases, resolved, fcr, reopened, transfers;
  int64_t csat[6];
  int64_t times[T_METRICS][5]; /* n, median and p90 business, median and p90 calendar */
  int64_t sla[METRICS][2];     /* met, breached */
  int64_t backlog;
};

struct crm_report {
  int refcount;
  crm_time from, to;
  crm_report_group_t group;
  char *timezone;  /* NULL: UTC */
  GPtrArray *rows; /* crm_report_row*, in order */
};

struct crm_report_row_iterator {
  crm_report *report; /* referenced */
  guint pos;
};

static const char *const group_names[] = {"none", "channel", "queue", "agent", "priority", "day"};

const char *crm_report_group_name(crm_report_group_t group)
{
  return (int)group >= CRM_REPORT_BY_NONE && group <= CRM_REPORT_BY_DAY ? group_names[group] : NULL;
}

crm_status crm_report_spec_init(crm_report_spec *spec, unsigned int version)
{
  CRM__TRY(crm__check_ptr(spec, "report spec"));
  CRM__TRY(crm__check_version(version, CRM_REPORT_SPEC_VERSION, "report spec version"));
  memset(spec, 0, sizeof *spec);
  spec->version = version;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* rows                                                                 */

static void row_free(crm_report_row *row)
{
  if (row == NULL)
    return;
  g_free(row->label);
  g_free(row);
}

void crm_report_row_free(crm_report_row *row)
{
  row_free(row);
}

static crm_report_row *row_new(crm_report_group_t group, int64_t key)
{
  crm_report_row *row = g_new0(crm_report_row, 1);
  row->group = group;
  row->key = key;
  return row;
}

static int time_index(int metric)
{
  return metric == CRM_SLA_FIRST_RESPONSE ? T_FIRST_RESPONSE
         : metric == CRM_SLA_RESOLUTION   ? T_RESOLUTION
                                          : -1;
}

/* Add one aggregate row of family `what` to a report row. */
static void row_apply(crm_report_row *row, int what, const crm_report_agg_row *a)
{
  const int64_t *v = a->v;
  switch (what) {
  case CRM_REPORT_AGG_CONTACTS:
    row->in += v[0];
    row->out += v[1];
    row->abandoned += v[2];
    break;
  case CRM_REPORT_AGG_DEPTHS:
    row->depth[a->sub >= 0 && a->sub <= MAX_DEPTH ? a->sub : 0] += v[0];
    break;
  case CRM_REPORT_AGG_CASES:
    row->cases += v[0];
    row->resolved += v[1];
    row->fcr += v[2];
    row->reopened += v[3];
    row->transfers += v[4];
    for (int s = 1; s <= 5; s++)
      row->csat[s] += v[4 + s];
    break;
  case CRM_REPORT_AGG_TIMES: {
    int t = time_index((int)a->sub);
    if (t >= 0)
      memcpy(row->times[t], v, sizeof row->times[t]);
    break;
  }
  case CRM_REPORT_AGG_SLA:
    if (a->sub > 0 && a->sub < METRICS) {
      row->sla[a->sub][0] += v[0];
      row->sla[a->sub][1] += v[1];
    }
    break;
  case CRM_REPORT_AGG_BACKLOG:
    row->backlog += v[0];
    break;
  default:
    break;
  }
}

/* ------------------------------------------------------------------ */
/* running the aggregates                                               */

typedef struct {
  int what;
  crm_report_group_t group;
  crm_report_row *fixed; /* every aggregate row goes here (the total, a day) */
  GHashTable *by_key;    /* or: int64 key -> crm_report_row* (owned by rows) */
  GPtrArray *rows;
} collect;

static int collect_agg(const void *r, void *payload)
{
  collect *c = payload;
  const crm_report_agg_row *a = r;
  crm_report_row *row = c->fixed;
  if (row == NULL) {
    row = g_hash_table_lookup(c->by_key, &a->key);
    if (row == NULL) {
      row = row_new(c->group, a->key);
      g_ptr_array_add(c->rows, row);
      g_hash_table_insert(c->by_key, &row->key, row);
    }
  }
  row_apply(row, c->what, a);
  return 0;
}

static const int families[] = {CRM_REPORT_AGG_CONTACTS, CRM_REPORT_AGG_DEPTHS,
                               CRM_REPORT_AGG_CASES,    CRM_REPORT_AGG_TIMES,
                               CRM_REPORT_AGG_SLA,      CRM_REPORT_AGG_BACKLOG};

static crm_status run_families(crm_db *db, const crm_report_scan *scan, collect *c)
{
  for (size_t i = 0; i < G_N_ELEMENTS(families); i++) {
    c->what = families[i];
    CRM__TRY(CRM__OPS(db)->report_aggregate(CRM__B(db), families[i], scan, collect_agg, c));
  }
  return CRM_OK;
}

static gint row_cmp(gconstpointer a, gconstpointer b)
{
  const crm_report_row *x = *(crm_report_row *const *)a, *y = *(crm_report_row *const *)b;
  return x->key < y->key ? -1 : x->key > y->key;
}

/* The rows of one grouping (not by day): the total alone, or one per key. */
static crm_status run_grouped(crm_report *r, crm_db *db, crm_report_scan *scan)
{
  collect c = {0, r->group, NULL, NULL, r->rows};
  if (r->group == CRM_REPORT_BY_NONE) {
    c.fixed = row_new(r->group, 0);
    g_ptr_array_add(r->rows, c.fixed);
    return run_families(db, scan, &c);
  }
  c.by_key = g_hash_table_new(g_int64_hash, g_int64_equal);
  crm_status st = run_families(db, scan, &c);
  g_hash_table_unref(c.by_key);
  g_ptr_array_sort(r->rows, row_cmp);
  return st;
}

/* Local midnight starting the day that holds `t` (`tz` local). */
static GDateTime *day_start(GTimeZone *tz, GDateTime *t)
{
  return g_date_time_new(tz, g_date_time_get_year(t), g_date_time_get_month(t),
                         g_date_time_get_day_of_month(t), 0, 0, 0);
}

/* One row per local day overlapping [from, to), each the total of its part. */
static crm_status run_days(crm_report *r, crm_db *db, crm_report_scan *scan, GTimeZone *tz)
{
  GDateTime *utc = g_date_time_new_from_unix_utc(r->from);
  GDateTime *local = g_date_time_to_timezone(utc, tz);
  GDateTime *day = day_start(tz, local);
  g_date_time_unref(utc);
  g_date_time_unref(local);
  crm_status st = CRM_OK;
  while (st == CRM_OK && day != NULL && g_date_time_to_unix(day) < r->to) {
    GDateTime *later = g_date_time_add_hours(day, 36); /* past any DST change */
    GDateTime *next = later ? day_start(tz, later) : NULL;
    if (later)
      g_date_time_unref(later);
    crm_report_row *row = row_new(CRM_REPORT_BY_DAY, g_date_time_to_unix(day));
    row->label = g_date_time_format(day, "%Y-%m-%d");
    g_ptr_array_add(r->rows, row);
    crm_report_scan part = *scan;
    part.group = CRM_REPORT_BY_NONE;
    part.from = MAX(r->from, row->key);
    part.to = next ? MIN(r->to, g_date_time_to_unix(next)) : r->to;
    collect c = {0, CRM_REPORT_BY_DAY, row, NULL, r->rows};
    st = run_families(db, &part, &c);
    g_date_time_unref(day);
    day = next;
  }
  if (day)
    g_date_time_unref(day);
  return st;
}

/* ------------------------------------------------------------------ */
/* labels                                                               */

static char *party_name(crm_db *db, int agent, crm_id id)
{
  crm_party_row p;
  memset(&p, 0, sizeof p);
  crm_status st = agent ? CRM__OPS(db)->agent_get(CRM__B(db), id, &p)
                        : CRM__OPS(db)->queue_get(CRM__B(db), id, &p);
  char *name = st == CRM_OK && p.name ? g_strdup(p.name) : g_strdup_printf("%lld", (long long)id);
  crm_party_row_clear(&p);
  return name;
}

static char *row_label(crm_db *db, const crm_report_row *row)
{
  if (row->group == CRM_REPORT_BY_NONE)
    return g_strdup("total");
  if (row->key == 0)
    return g_strdup("none");
  const char *name = NULL;
  switch (row->group) {
  case CRM_REPORT_BY_CHANNEL:
    name = crm_channel_name((crm_channel_t)row->key);
    break;
  case CRM_REPORT_BY_PRIORITY:
    name = crm_priority_name((crm_priority_t)row->key);
    break;
  case CRM_REPORT_BY_QUEUE:
    return party_name(db, 0, row->key);
  case CRM_REPORT_BY_AGENT:
    return party_name(db, 1, row->key);
  default:
    break;
  }
  return name ? g_strdup(name) : g_strdup_printf("%lld", (long long)row->key);
}

/* ------------------------------------------------------------------ */
/* crm_report_run                                                       */

static crm_status check_spec(GTimeZone **tz, const crm_report_spec *spec)
{
  *tz = NULL;
  CRM__TRY(crm__check_ptr(spec, "report spec"));
  CRM__TRY(crm__check_version(spec->version, CRM_REPORT_SPEC_VERSION, "report spec version"));
  CRM__TRY(crm__check_time(spec->from, "report from"));
  CRM__TRY(crm__check_time(spec->to, "report to"));
  if (spec->from < 0)
    return crm__error(CRM_EINVALID, "report from %lld is negative", (long long)spec->from);
  if (spec->to <= spec->from)
    return crm__error(CRM_EINVALID, "report range [%lld, %lld) is empty", (long long)spec->from,
                      (long long)spec->to);
  CRM__TRY(crm__check_enum((int)spec->group_by, CRM_REPORT_BY_NONE, CRM_REPORT_BY_DAY,
                           "report group_by"));
  CRM__TRY(crm__check_text(spec->timezone, "report timezone", 0));
  if (spec->group_by == CRM_REPORT_BY_DAY && spec->to - spec->from > (crm_time)MAX_DAYS * 86400)
    return crm__error(CRM_EINVALID, "report range of %lld days is more than %d days by day",
                      (long long)((spec->to - spec->from) / 86400), MAX_DAYS);
  if (spec->timezone)
    *tz = *spec->timezone ? g_time_zone_new_identifier(spec->timezone) : NULL;
  else
    *tz = g_time_zone_new_utc();
  if (*tz == NULL) {
    char *q = crm__quote(spec->timezone);
    crm__error(CRM_EINVALID, "report timezone %s is not a known time zone", q);
    g_free(q);
    return CRM_EINVALID;
  }
  return CRM_OK;
}

/* Who sees what: actor 0 and admins everything; supervisors the cases of
   their queues (*supervisor); anybody else nothing. */
static int collect_role(const void *r, void *payload)
{
  *(int64_t *)payload = ((const crm_report_agg_row *)r)->v[0];
  return 0;
}

static crm_status report_scope(crm_id *supervisor, crm_db *db)
{
  *supervisor = 0;
  if (db->actor == 0)
    return CRM_OK;
  crm_report_scan scan = {0, 0, CRM_REPORT_BY_NONE, 0, db->actor};
  int64_t role = 0;
  CRM__TRY(
      CRM__OPS(db)->report_aggregate(CRM__B(db), CRM_REPORT_AGG_ROLE, &scan, collect_role, &role));
  if (role >= CRM_ROLE_ADMIN)
    return CRM_OK;
  if (role == CRM_ROLE_SUPERVISOR) {
    *supervisor = db->actor;
    return CRM_OK;
  }
  return crm__error(CRM_EPERM,
                    "agent %lld may not run reports: only an admin or a queue's supervisor may",
                    (long long)db->actor);
}

static void report_unref(crm_report *r)
{
  if (r == NULL || --r->refcount > 0)
    return;
  g_ptr_array_unref(r->rows);
  g_free(r->timezone);
  g_free(r);
}

void crm_report_free(crm_report *report)
{
  report_unref(report);
}

crm_status crm_report_run(crm_report **out, crm_db *db, const crm_report_spec *spec)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  *out = NULL;
  CRM__TRY(crm__db_check(db));
  GTimeZone *tz = NULL;
  CRM__TRY(check_spec(&tz, spec));
  crm_report_scan scan = {spec->from, spec->to, (int)spec->group_by, 0, 0};
  crm_status st = report_scope(&scan.supervisor, db);
  if (st != CRM_OK) {
    g_time_zone_unref(tz);
    return st;
  }
  crm_report *r = g_new0(crm_report, 1);
  r->refcount = 1;
  r->from = spec->from;
  r->to = spec->to;
  r->group = spec->group_by;
  r->timezone = g_strdup(spec->timezone);
  r->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
  if (r->group == CRM_REPORT_BY_DAY)
    st = run_days(r, db, &scan, tz);
  else
    st = run_grouped(r, db, &scan);
  g_time_zone_unref(tz);
  for (guint i = 0; st == CRM_OK && i < r->rows->len; i++) {
    crm_report_row *row = g_ptr_array_index(r->rows, i);
    if (row->label == NULL)
      row->label = row_label(db, row);
  }
  if (st != CRM_OK) {
    report_unref(r);
    return st;
  }
  *out = r;
  return CRM_OK;
}

crm_time crm_report_from(const crm_report *report)
{
  return report ? report->from : 0;
}

crm_time crm_report_to(const crm_report *report)
{
  return report ? report->to : 0;
}

crm_report_group_t crm_report_group_by(const crm_report *report)
{
  return report ? report->group : CRM_REPORT_BY_NONE;
}

size_t crm_report_row_count(const crm_report *report)
{
  return report ? report->rows->len : 0;
}

/* ------------------------------------------------------------------ */
/* the row iterator                                                     */

crm_status crm_report_row_iterator_new(crm_report_row_iterator **out, crm_report *report)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  *out = NULL;
  CRM__TRY(crm__check_ptr(report, "report"));
  crm_report_row_iterator *it = g_new0(crm_report_row_iterator, 1);
  it->report = report;
  report->refcount++;
  *out = it;
  return CRM_OK;
}

crm_status crm_report_row_next(crm_report_row **out, crm_report_row_iterator *it)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  *out = NULL;
  CRM__TRY(crm__check_ptr(it, "iterator"));
  if (it->pos >= it->report->rows->len)
    return CRM_ITEROVER;
  const crm_report_row *row = g_ptr_array_index(it->report->rows, it->pos++);
  crm_report_row *copy = g_memdup2(row, sizeof *row);
  copy->label = g_strdup(row->label);
  *out = copy;
  return CRM_OK;
}

void crm_report_row_iterator_free(crm_report_row_iterator *it)
{
  if (it == NULL)
    return;
  report_unref(it->report);
  g_free(it);
}

/* ------------------------------------------------------------------ */
/* getters                                                              */

static double ratio(int64_t num, int64_t den)
{
  return den > 0 ? (double)num / (double)den : -1.0;
}

static int metric_ok(crm_sla_metric_t m)
{
  return (int)m >= CRM_SLA_FIRST_RESPONSE && m <= CRM_SLA_METRIC_MAX;
}

#define ROW_GETTER(type, name, expr, none)              \
  type crm_report_row_##name(const crm_report_row *row) \
  {                                                     \
    return row ? (expr) : (none);                       \
  }

ROW_GETTER(crm_report_group_t, group, row->group, CRM_REPORT_BY_NONE)
ROW_GETTER(int64_t, key, row->key, 0)
ROW_GETTER(const char *, label, row->label, NULL)
ROW_GETTER(int64_t, contacts_in, row->in, 0)
ROW_GETTER(int64_t, contacts_out, row->out, 0)
ROW_GETTER(int64_t, abandoned, row->abandoned, 0)
ROW_GETTER(int64_t, cases, row->cases, 0)
ROW_GETTER(int64_t, resolved, row->resolved, 0)
ROW_GETTER(int64_t, fcr, row->fcr, 0)
ROW_GETTER(double, fcr_rate, ratio(row->fcr, row->resolved), -1.0)
ROW_GETTER(int64_t, reopened, row->reopened, 0)
ROW_GETTER(double, reopen_rate, ratio(row->reopened, row->cases), -1.0)
ROW_GETTER(int64_t, transfers, row->transfers, 0)
ROW_GETTER(double, transfers_per_case, ratio(row->transfers, row->cases), -1.0)
ROW_GETTER(int64_t, backlog, row->backlog, 0)

int64_t crm_report_row_abandoned_at_depth(const crm_report_row *row, int depth)
{
  return row && depth >= 0 && depth <= MAX_DEPTH ? row->depth[depth] : 0;
}

int crm_report_row_max_depth(const crm_report_row *row)
{
  for (int d = MAX_DEPTH; row && d > 0; d--)
    if (row->depth[d] > 0)
      return d;
  return 0;
}

int64_t crm_report_row_time(const crm_report_row *row, crm_sla_metric_t metric,
                            crm_report_time_t which)
{
  int t = time_index((int)metric);
  if (row == NULL || t < 0 || (int)which < CRM_REPORT_TIME_COUNT ||
      which > CRM_REPORT_TIME_P90_CALENDAR || row->times[t][0] == 0)
    return -1;
  return row->times[t][which - 1];
}

int64_t crm_report_row_sla_met(const crm_report_row *row, crm_sla_metric_t metric)
{
  return row && metric_ok(metric) ? row->sla[metric][0] : 0;
}

int64_t crm_report_row_sla_breached(const crm_report_row *row, crm_sla_metric_t metric)
{
  return row && metric_ok(metric) ? row->sla[metric][1] : 0;
}

double crm_report_row_sla_rate(const crm_report_row *row, crm_sla_metric_t metric)
{
  if (row == NULL || !metric_ok(metric))
    return -1.0;
  return ratio(row->sla[metric][0], row->sla[metric][0] + row->sla[metric][1]);
}

int64_t crm_report_row_csat_count(const crm_report_row *row)
{
  int64_t n = 0;
  for (int s = 1; row && s <= 5; s++)
    n += row->csat[s];
  return n;
}

double crm_report_row_csat_average(const crm_report_row *row)
{
  int64_t sum = 0;
  for (int s = 1; row && s <= 5; s++)
    sum += s * row->csat[s];
  return ratio(sum, crm_report_row_csat_count(row));
}

int64_t crm_report_row_csat_score(const crm_report_row *row, int score)
{
  return row && score >= 1 && score <= 5 ? row->csat[score] : 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static void add_rate(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (v < 0)
    json_builder_add_null_value(b);
  else
    json_builder_add_double_value(b, v);
}

static void add_int(JsonBuilder *b, const char *name, int64_t v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

/* A figure that may be missing (-1). */
static void add_opt(JsonBuilder *b, const char *name, int64_t v)
{
  json_builder_set_member_name(b, name);
  if (v < 0)
    json_builder_add_null_value(b);
  else
    json_builder_add_int_value(b, v);
}

static void add_times(JsonBuilder *b, const crm_report_row *row, crm_sla_metric_t m)
{
  json_builder_set_member_name(b, crm_sla_metric_name(m));
  json_builder_begin_object(b);
  add_int(b, "count", MAX(0, crm_report_row_time(row, m, CRM_REPORT_TIME_COUNT)));
  static const char *const kinds[] = {"business", "calendar"};
  for (int k = 0; k < 2; k++) {
    json_builder_set_member_name(b, kinds[k]);
    json_builder_begin_object(b);
    add_opt(b, "median", crm_report_row_time(row, m, CRM_REPORT_TIME_MEDIAN_BUSINESS + 2 * k));
    add_opt(b, "p90", crm_report_row_time(row, m, CRM_REPORT_TIME_P90_BUSINESS + 2 * k));
    json_builder_end_object(b);
  }
  json_builder_end_object(b);
}

static void add_count_rate(JsonBuilder *b, const char *name, const char *rate_name, int64_t n,
                           double rate)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_int(b, "count", n);
  add_rate(b, rate_name, rate);
  json_builder_end_object(b);
}

static void add_row(JsonBuilder *b, const crm_report_row *row)
{
  json_builder_begin_object(b);
  add_int(b, "key", row->key);
  json_builder_set_member_name(b, "label");
  json_builder_add_string_value(b, row->label);

  json_builder_set_member_name(b, "contacts");
  json_builder_begin_object(b);
  add_int(b, "in", row->in);
  add_int(b, "out", row->out);
  add_int(b, "abandoned", row->abandoned);
  json_builder_set_member_name(b, "abandoned_by_ivr_depth");
  json_builder_begin_object(b);
  for (int d = 0; d <= MAX_DEPTH; d++)
    if (row->depth[d] > 0) {
      char name[8];
      g_snprintf(name, sizeof name, "%d", d);
      add_int(b, name, row->depth[d]);
    }
  json_builder_end_object(b);
  json_builder_end_object(b);

  add_int(b, "cases", row->cases);
  add_int(b, "resolved", row->resolved);
  add_times(b, row, CRM_SLA_FIRST_RESPONSE);
  add_times(b, row, CRM_SLA_RESOLUTION);

  json_builder_set_member_name(b, "sla");
  json_builder_begin_object(b);
  for (int m = CRM_SLA_FIRST_RESPONSE; m < METRICS; m++) {
    json_builder_set_member_name(b, crm_sla_metric_name((crm_sla_metric_t)m));
    json_builder_begin_object(b);
    add_int(b, "met", row->sla[m][0]);
    add_int(b, "breached", row->sla[m][1]);
    add_rate(b, "rate", crm_report_row_sla_rate(row, (crm_sla_metric_t)m));
    json_builder_end_object(b);
  }
  json_builder_end_object(b);

  add_count_rate(b, "fcr", "rate", row->fcr, crm_report_row_fcr_rate(row));
  add_count_rate(b, "reopened", "rate", row->reopened, crm_report_row_reopen_rate(row));
  add_count_rate(b, "transfers", "per_case", row->transfers,
                 crm_report_row_transfers_per_case(row));

  json_builder_set_member_name(b, "csat");
  json_builder_begin_object(b);
  add_int(b, "count", crm_report_row_csat_count(row));
  add_rate(b, "average", crm_report_row_csat_average(row));
  json_builder_set_member_name(b, "scores");
  json_builder_begin_array(b);
  for (int s = 1; s <= 5; s++)
    json_builder_add_int_value(b, row->csat[s]);
  json_builder_end_array(b);
  json_builder_end_object(b);

  add_int(b, "backlog", row->backlog);
  json_builder_end_object(b);
}

crm_status crm_report_json(crm_buf *out, const crm_report *report)
{
  CRM__TRY(crm__check_ptr(out, "out"));
  CRM__TRY(crm__check_ptr(report, "report"));
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  add_int(b, "from", report->from);
  add_int(b, "to", report->to);
  json_builder_set_member_name(b, "group_by");
  json_builder_add_string_value(b, crm_report_group_name(report->group));
  json_builder_set_member_name(b, "timezone");
  json_builder_add_string_value(b, report->timezone ? report->timezone : "UTC");
  json_builder_set_member_name(b, "rows");
  json_builder_begin_array(b);
  for (guint i = 0; i < report->rows->len; i++)
    add_row(b, g_ptr_array_index(report->rows, i));
  json_builder_end_array(b);
  json_builder_end_object(b);
  JsonNode *root = json_builder_get_root(b);
  g_object_unref(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_root(gen, root);
  char *text = json_generator_to_data(gen, NULL);
  g_object_unref(gen);
  json_node_unref(root);
  crm_status st = crm__buf_set_str(out, text);
  g_free(text);
  return st;
}
