/*
 * The SQL of the report aggregates, written once for both built-in
 * backends: "@" stands for the table prefix and "?N" for parameter N, both
 * rewritten for the dialect. Percentiles are nearest-rank (the value of
 * rank ceil(p * n / 100), integer arithmetic), computed with ROW_NUMBER()
 * in both dialects, so SQLite and PostgreSQL give the same figures.
 *
 * Each query is driven by an index on the range it filters: cases by
 * created_at, interactions by occurred_at, the backlog by (status,
 * created_at) and (status, resolved_at).
 *
 * SPDX-License-Identifier: MIT
 */
#include "report_sql.h"

#include <glib.h>
#include <string.h>

#include "crm/report.h"

/* The group key of a case (c, with its SLA facts s) and of an interaction
   (i, with its case c), per crm_report_group_t. */
static const char *case_key(int group)
{
  switch (group) {
  case CRM_REPORT_BY_NONE:
    return "0";
  case CRM_REPORT_BY_CHANNEL:
    return "COALESCE(s.channel, 0)";
  case CRM_REPORT_BY_QUEUE:
    return "COALESCE(c.queue, 0)";
  case CRM_REPORT_BY_AGENT:
    return "COALESCE(c.assignee, 0)";
  case CRM_REPORT_BY_PRIORITY:
    return "c.priority";
  default:
    return NULL;
  }
}

static const char *interaction_key(int group)
{
  switch (group) {
  case CRM_REPORT_BY_NONE:
    return "0";
  case CRM_REPORT_BY_CHANNEL:
    return "i.channel";
  case CRM_REPORT_BY_QUEUE:
    return "COALESCE(c.queue, 0)";
  case CRM_REPORT_BY_AGENT:
    return "COALESCE(c.assignee, 0)";
  case CRM_REPORT_BY_PRIORITY:
    return "COALESCE(c.priority, 0)";
  default:
    return NULL;
  }
}

// clang-format off
/* {S}: the scope (see rewrite_into); {J}: the interaction's case, when needed */
#define SCOPE "{S}"
#define COHORT "c.created_at >= ?1 AND c.created_at < ?2 AND " SCOPE
#define COUNT_IF(cond) "SUM(CASE WHEN " cond " THEN 1 ELSE 0 END)"

#define CONTACT_VALUES \
  COUNT_IF("i.direction = 1") ", " \
  COUNT_IF("i.direction = 2") ", " \
  COUNT_IF("i.direction = 1 AND i.outcome = 3")
#define IN_RANGE \
  " FROM @interactions i{J}" \
  " WHERE i.occurred_at >= ?1 AND i.occurred_at < ?2 AND i.direction IN (1, 2) AND " SCOPE

/* resolved = resolved or closed (5, 6) */
#define CASE_VALUES \
  "COUNT(*), " \
  COUNT_IF("c.status IN (5, 6)") ", " \
  COUNT_IF("c.status IN (5, 6) AND c.inbound_count = 1 AND c.transfer_count = 0") ", " \
  COUNT_IF("c.reopen_count > 0") ", " \
  "SUM(c.transfer_count), " \
  COUNT_IF("c.csat = 1") ", " COUNT_IF("c.csat = 2") ", " COUNT_IF("c.csat = 3") ", " \
  COUNT_IF("c.csat = 4") ", " COUNT_IF("c.csat = 5")

#define SLA_VALUES \
  COUNT_IF("y.met_at > 0 AND y.breached_at = 0") ", " COUNT_IF("y.breached_at > 0")

/* nearest rank: ceil(p * n / 100) = (p * n + 99) / 100 */
#define TIME_VALUES \
  "MAX(n)," \
  " MAX(CASE WHEN rb = (n * 50 + 99) / 100 THEN b END)," \
  " MAX(CASE WHEN rb = (n * 90 + 99) / 100 THEN b END)," \
  " MAX(CASE WHEN rc = (n * 50 + 99) / 100 THEN cal END)," \
  " MAX(CASE WHEN rc = (n * 90 + 99) / 100 THEN cal END)"
// clang-format on

/* A supervisor (?3 > 0) sees the cases of the queues he supervises or
   administers (role >= CRM_ROLE_SUPERVISOR); without one the condition is
   ?3 = 0 (true, and every query keeps its three parameters). */
#define SUPERVISED          "c.queue IN (SELECT m.queue FROM @members m WHERE m.agent = ?3 AND m.role >= 2)"
#define CASE_OF_INTERACTION " LEFT JOIN @cases c ON c.id = i.case_id"

/* ?N -> $N::bigint, @ -> crm_ (PostgreSQL) or "" (SQLite), {S} -> the
   scope, {J} -> the join of an interaction's case (only when the scope or
   the group reads the case: the scan of the interactions then stays in
   its covering index). */
static void rewrite_into(GString *out, crm__sql_dialect dialect, const char *sql, int scoped,
                         int join)
{
  for (const char *p = sql; *p; p++) {
    if (p[0] == '{' && (p[1] == 'S' || p[1] == 'J') && p[2] == '}') {
      if (p[1] == 'S')
        rewrite_into(out, dialect, scoped ? SUPERVISED : "?3 = 0", 0, 0);
      else if (join)
        rewrite_into(out, dialect, CASE_OF_INTERACTION, 0, 0);
      p += 2;
    } else if (*p == '@') {
      if (dialect == CRM__SQL_POSTGRES)
        g_string_append(out, "crm_");
    } else if (*p == '?' && g_ascii_isdigit(p[1])) {
      g_string_append_c(out, dialect == CRM__SQL_POSTGRES ? '$' : '?');
      for (p++; g_ascii_isdigit(*p); p++)
        g_string_append_c(out, *p);
      p--;
      if (dialect == CRM__SQL_POSTGRES)
        g_string_append(out, "::bigint");
    } else
      g_string_append_c(out, *p);
  }
}

/* The IVR depth attribute as 1..99, 0 when missing or not such a number. */
static const char *depth_expr(crm__sql_dialect dialect)
{
  return dialect == CRM__SQL_POSTGRES
             ? "CASE WHEN a.value ~ '^[1-9][0-9]?$' THEN CAST(a.value AS integer) ELSE 0 END"
             : "CASE WHEN a.value GLOB '[1-9]' OR a.value GLOB '[1-9][0-9]'"
               " THEN CAST(a.value AS INTEGER) ELSE 0 END";
}

static char *case_from(int group)
{
  return g_strconcat(
      " FROM @cases c",
      group == CRM_REPORT_BY_CHANNEL ? " LEFT JOIN @sla_cases s ON s.case_id = c.id" : "", NULL);
}

/* One row per key; for the total (a constant key) no GROUP BY, which would
   sort every row scanned, and no row when nothing was scanned. */
static const char *per_key(int group)
{
  return group == CRM_REPORT_BY_NONE ? " HAVING COUNT(*) > 0" : " GROUP BY 1 ORDER BY 1";
}

static char *build(crm__sql_dialect dialect, int what, int group, const char *ck, const char *ik,
                   const char *from)
{
  switch (what) {
  case CRM_REPORT_AGG_CONTACTS:
    return g_strdup_printf("SELECT %s, 0, " CONTACT_VALUES IN_RANGE "%s", ik, per_key(group));
  case CRM_REPORT_AGG_DEPTHS:
    return g_strdup_printf(
        "SELECT %s, %s, COUNT(*) FROM @interactions i{J}"
        " LEFT JOIN @attributes a ON a.entity = 2 AND a.id = i.id AND a.key = 'ivr_depth'"
        " WHERE i.occurred_at >= ?1 AND i.occurred_at < ?2 AND i.direction = 1"
        " AND i.outcome = 3 AND " SCOPE " GROUP BY 1, 2 ORDER BY 1, 2",
        ik, depth_expr(dialect));
  case CRM_REPORT_AGG_CASES:
    return g_strdup_printf("SELECT %s, 0, " CASE_VALUES "%s WHERE " COHORT "%s", ck, from,
                           per_key(group));
  case CRM_REPORT_AGG_TIMES:
    return g_strdup_printf(
        "SELECT k, m, " TIME_VALUES " FROM (SELECT %s AS k, y.metric AS m,"
        " y.business_elapsed AS b, y.calendar_elapsed AS cal,"
        " ROW_NUMBER() OVER (PARTITION BY %s, y.metric ORDER BY y.business_elapsed) AS rb,"
        " ROW_NUMBER() OVER (PARTITION BY %s, y.metric ORDER BY y.calendar_elapsed) AS rc,"
        " COUNT(*) OVER (PARTITION BY %s, y.metric) AS n"
        "%s JOIN @sla_cycles y ON y.case_id = c.id AND y.metric IN (1, 3) AND y.cycle = 1"
        " AND y.met_at > 0 WHERE " COHORT ") t GROUP BY k, m ORDER BY k, m",
        ck, ck, ck, ck, from);
  case CRM_REPORT_AGG_SLA:
    return g_strdup_printf("SELECT %s, y.metric, " SLA_VALUES "%s JOIN @sla_cycles y"
                           " ON y.case_id = c.id WHERE " COHORT " GROUP BY 1, 2 ORDER BY 1, 2",
                           ck, from);
  case CRM_REPORT_AGG_BACKLOG:
    /* two index ranges: open now (status, created_at), and resolved only
       at or after `to` (status, resolved_at: the unary + keeps the planner
       off created_at, which would walk every resolved case of history)
       (?1 < ?2 always holds: it keeps the parameters of every query alike) */
    return g_strdup_printf(
        "SELECT %s, 0, COUNT(*) FROM (SELECT %s AS k%s"
        " WHERE c.status IN (1, 2, 3, 4) AND c.created_at < ?2 AND " SCOPE
        " UNION ALL SELECT %s%s WHERE c.status IN (5, 6)"
        " AND c.resolved_at >= ?2 AND +c.created_at < ?2 AND " SCOPE ") t WHERE ?1 < ?2%s",
        group == CRM_REPORT_BY_NONE ? "0" : "k", ck, from, ck, from,
        group == CRM_REPORT_BY_NONE ? " HAVING COUNT(*) > 0" : " GROUP BY k ORDER BY k");
  case CRM_REPORT_AGG_ROLE:
    return g_strdup("SELECT 0, 0, COALESCE(MAX(m.role), 0) FROM @members m WHERE m.agent = ?1");
  default:
    return NULL;
  }
}

char *crm__report_sql(crm__sql_dialect dialect, int what, int group, int scoped)
{
  const char *ck = case_key(group), *ik = interaction_key(group);
  if (ck == NULL || ik == NULL)
    return NULL;
  char *from = case_from(group);
  char *sql = build(dialect, what, group, ck, ik, from);
  g_free(from);
  if (sql == NULL)
    return NULL;
  int join = scoped || (group != CRM_REPORT_BY_NONE && group != CRM_REPORT_BY_CHANNEL);
  GString *out = g_string_sized_new(strlen(sql) + 128);
  rewrite_into(out, dialect, sql, scoped, join);
  g_free(sql);
  return g_string_free(out, FALSE);
}
