/*
 * SQLite slots: SLA calendars and policies (versioned definitions), the
 * per-case SLA facts, cycles and their segments.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* definitions: calendars and policies                                  */

static void read_def(sqlite3_stmt *st, void *p)
{
  crm_sla_def_row *row = p;
  row->id = sqlite3_column_int64(st, 0);
  row->version = sqlite3_column_int64(st, 1);
  row->ord = sqlite3_column_int64(st, 2);
  row->name = crm__sqlite_col_text(st, 3);
  row->definition = crm__sqlite_col_text(st, 4);
  row->saved_at = sqlite3_column_int64(st, 5);
}

/* Keep one version beside the older ones. */
static crm_status def_version_insert(crm_sqlite *s, const crm_sla_def_row *row)
{
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO sla_def_versions (def, version, ord, name, "
                                         "definition, saved_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->id);
  sqlite3_bind_int64(st, 2, row->version);
  sqlite3_bind_int64(st, 3, row->ord);
  crm__sqlite_bind_text(st, 4, row->name);
  crm__sqlite_bind_text(st, 5, row->definition);
  sqlite3_bind_int64(st, 6, row->saved_at);
  return crm__sqlite_exec_stmt(s, st, "storing an SLA definition version");
}

crm_status crm__sqlite_sla_def_insert(crm_backend *b, int kind, crm_sla_def_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO sla_defs (kind, ord, name, version, "
                                         "definition, saved_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, kind);
  sqlite3_bind_int64(st, 2, row->ord);
  crm__sqlite_bind_text(st, 3, row->name);
  sqlite3_bind_int64(st, 4, row->version);
  crm__sqlite_bind_text(st, 5, row->definition);
  sqlite3_bind_int64(st, 6, row->saved_at);
  crm_status r = crm__sqlite_exec_stmt(s, st, "inserting an SLA definition");
  if (r != CRM_OK)
    return r;
  row->id = sqlite3_last_insert_rowid(s->db);
  return def_version_insert(s, row);
}

crm_status crm__sqlite_sla_def_update(crm_backend *b, int kind, const crm_sla_def_row *row,
                                      int64_t old_version)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "UPDATE sla_defs SET ord = ?, name = ?, version = ?, "
                                         "definition = ?, saved_at = ? "
                                         "WHERE id = ? AND kind = ? AND version = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->ord);
  crm__sqlite_bind_text(st, 2, row->name);
  sqlite3_bind_int64(st, 3, row->version);
  crm__sqlite_bind_text(st, 4, row->definition);
  sqlite3_bind_int64(st, 5, row->saved_at);
  sqlite3_bind_int64(st, 6, row->id);
  sqlite3_bind_int(st, 7, kind);
  sqlite3_bind_int64(st, 8, old_version);
  crm_status r = crm__sqlite_exec_stmt(s, st, "updating an SLA definition");
  if (r != CRM_OK)
    return r;
  if (sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ECONFLICT, "SLA definition %lld is not at version %lld",
                             (long long)row->id, (long long)old_version);
  return def_version_insert(s, row);
}

crm_status crm__sqlite_sla_def_get(crm_backend *b, int kind, crm_id id, int64_t version,
                                   crm_sla_def_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  /* the current version when version is 0 */
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT v.def, v.version, v.ord, v.name, v.definition, v.saved_at "
                          "FROM sla_defs d JOIN sla_def_versions v ON v.def = d.id "
                          "AND v.version = CASE WHEN ?3 = 0 THEN d.version ELSE ?3 END "
                          "WHERE d.id = ?1 AND d.kind = ?2");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, kind);
  sqlite3_bind_int64(st, 3, version);
  crm_status r = crm__sqlite_step_row(s, st, "reading an SLA definition");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no SLA definition %lld (version %lld)", (long long)id,
                             (long long)version);
  if (r != CRM_OK)
    return r;
  read_def(st, out);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_sla_def_list(crm_backend *b, int kind, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT id, version, ord, name, definition, saved_at "
                                         "FROM sla_defs WHERE kind = ? ORDER BY ord, id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, kind);
  return crm__sqlite_list(s, st, read_def, (crm__sqlite_clear_fn)crm_sla_def_row_clear,
                          sizeof(crm_sla_def_row), cb, payload, "listing SLA definitions");
}

/* ------------------------------------------------------------------ */
/* per-case facts                                                       */

crm_status crm__sqlite_sla_case_get(crm_backend *b, crm_id case_id, crm_sla_case_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT channel, last_reply_at FROM sla_cases WHERE case_id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, case_id);
  crm_status r = crm__sqlite_step_row(s, st, "reading a case's SLA facts");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no SLA facts for case %lld", (long long)case_id);
  if (r != CRM_OK)
    return r;
  out->case_id = case_id;
  out->channel = sqlite3_column_int(st, 0);
  out->last_reply_at = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_sla_case_put(crm_backend *b, const crm_sla_case_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO sla_cases (case_id, channel, last_reply_at) "
                                         "VALUES (?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
                                         "channel = excluded.channel, "
                                         "last_reply_at = excluded.last_reply_at");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->case_id);
  sqlite3_bind_int(st, 2, row->channel);
  sqlite3_bind_int64(st, 3, row->last_reply_at);
  return crm__sqlite_exec_stmt(s, st, "storing a case's SLA facts");
}

/* ------------------------------------------------------------------ */
/* cycles                                                               */

#define CYCLE_COLUMNS                                                                           \
  "id, case_id, metric, cycle, state, warn_percent, policy, calendar, policy_version, "         \
  "calendar_version, target, started_at, mark_at, business_elapsed, calendar_elapsed, due_at, " \
  "warn_at, warned_at, breached_at, met_at, stopped_at, next_fire_at, version"

static void read_cycle(sqlite3_stmt *st, void *p)
{
  crm_sla_cycle_row *row = p;
  int c = 0;
  row->id = sqlite3_column_int64(st, c++);
  row->case_id = sqlite3_column_int64(st, c++);
  row->metric = sqlite3_column_int(st, c++);
  row->cycle = sqlite3_column_int(st, c++);
  row->state = sqlite3_column_int(st, c++);
  row->warn_percent = sqlite3_column_int(st, c++);
  row->policy = sqlite3_column_int64(st, c++);
  row->calendar = sqlite3_column_int64(st, c++);
  row->policy_version = sqlite3_column_int64(st, c++);
  row->calendar_version = sqlite3_column_int64(st, c++);
  row->target = sqlite3_column_int64(st, c++);
  row->started_at = sqlite3_column_int64(st, c++);
  row->mark_at = sqlite3_column_int64(st, c++);
  row->business_elapsed = sqlite3_column_int64(st, c++);
  row->calendar_elapsed = sqlite3_column_int64(st, c++);
  row->due_at = sqlite3_column_int64(st, c++);
  row->warn_at = sqlite3_column_int64(st, c++);
  row->warned_at = sqlite3_column_int64(st, c++);
  row->breached_at = sqlite3_column_int64(st, c++);
  row->met_at = sqlite3_column_int64(st, c++);
  row->stopped_at = sqlite3_column_int64(st, c++);
  row->next_fire_at = sqlite3_column_int64(st, c++);
  row->version = sqlite3_column_int64(st, c++);
}

/* Binds every column but id, from parameter 1 (22 parameters). */
static void bind_cycle_fields(sqlite3_stmt *st, const crm_sla_cycle_row *row)
{
  int i = 1;
  sqlite3_bind_int64(st, i++, row->case_id);
  sqlite3_bind_int(st, i++, row->metric);
  sqlite3_bind_int(st, i++, row->cycle);
  sqlite3_bind_int(st, i++, row->state);
  sqlite3_bind_int(st, i++, row->warn_percent);
  sqlite3_bind_int64(st, i++, row->policy);
  sqlite3_bind_int64(st, i++, row->calendar);
  sqlite3_bind_int64(st, i++, row->policy_version);
  sqlite3_bind_int64(st, i++, row->calendar_version);
  sqlite3_bind_int64(st, i++, row->target);
  sqlite3_bind_int64(st, i++, row->started_at);
  sqlite3_bind_int64(st, i++, row->mark_at);
  sqlite3_bind_int64(st, i++, row->business_elapsed);
  sqlite3_bind_int64(st, i++, row->calendar_elapsed);
  sqlite3_bind_int64(st, i++, row->due_at);
  sqlite3_bind_int64(st, i++, row->warn_at);
  sqlite3_bind_int64(st, i++, row->warned_at);
  sqlite3_bind_int64(st, i++, row->breached_at);
  sqlite3_bind_int64(st, i++, row->met_at);
  sqlite3_bind_int64(st, i++, row->stopped_at);
  sqlite3_bind_int64(st, i++, row->next_fire_at);
  sqlite3_bind_int64(st, i++, row->version);
}

crm_status crm__sqlite_sla_cycle_insert(crm_backend *b, crm_sla_cycle_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO sla_cycles (case_id, metric, cycle, state, warn_percent, policy, calendar, "
         "policy_version, calendar_version, target, started_at, mark_at, business_elapsed, "
         "calendar_elapsed, due_at, warn_at, warned_at, breached_at, met_at, stopped_at, "
         "next_fire_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
         "?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  bind_cycle_fields(st, row);
  return crm__sqlite_insert(s, st, "inserting an SLA cycle", &row->id);
}

crm_status crm__sqlite_sla_cycle_get(crm_backend *b, crm_id id, crm_sla_cycle_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT " CYCLE_COLUMNS " FROM sla_cycles WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  crm_status r = crm__sqlite_step_row(s, st, "reading an SLA cycle");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no SLA cycle with id %lld", (long long)id);
  if (r != CRM_OK)
    return r;
  read_cycle(st, out);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_sla_cycle_update(crm_backend *b, const crm_sla_cycle_row *row,
                                        int64_t old_version)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "UPDATE sla_cycles SET case_id = ?, metric = ?, cycle = ?, state = ?, warn_percent = ?, "
         "policy = ?, calendar = ?, policy_version = ?, calendar_version = ?, target = ?, "
         "started_at = ?, mark_at = ?, business_elapsed = ?, calendar_elapsed = ?, due_at = ?, "
         "warn_at = ?, warned_at = ?, breached_at = ?, met_at = ?, stopped_at = ?, "
         "next_fire_at = ?, version = ? WHERE id = ? AND version = ?");
  if (st == NULL)
    return CRM_ERROR;
  bind_cycle_fields(st, row);
  sqlite3_bind_int64(st, 23, row->id);
  sqlite3_bind_int64(st, 24, old_version);
  crm_status r = crm__sqlite_exec_stmt(s, st, "updating an SLA cycle");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ECONFLICT, "SLA cycle %lld is no longer at version %lld",
                             (long long)row->id, (long long)old_version);
  return r;
}

static crm_status list_cycles(crm_sqlite *s, sqlite3_stmt *st, crm_row_fn cb, void *payload)
{
  return crm__sqlite_list(s, st, read_cycle, NULL, sizeof(crm_sla_cycle_row), cb, payload,
                          "listing SLA cycles");
}

crm_status crm__sqlite_sla_cycle_list_case(crm_backend *b, crm_id case_id, int latest_only,
                                           crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, latest_only ? "SELECT " CYCLE_COLUMNS " FROM sla_cycles c WHERE case_id = ?1 AND "
                       "cycle = (SELECT MAX(cycle) FROM sla_cycles m WHERE m.case_id = ?1 "
                       "AND m.metric = c.metric) ORDER BY metric, cycle"
                     : "SELECT " CYCLE_COLUMNS " FROM sla_cycles WHERE case_id = ?1 "
                       "ORDER BY metric, cycle");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, case_id);
  return list_cycles(s, st, cb, payload);
}

crm_status crm__sqlite_sla_cycle_list_fire(crm_backend *b, crm_time before, unsigned int limit,
                                           crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT " CYCLE_COLUMNS " FROM sla_cycles "
                                         "WHERE next_fire_at > 0 AND next_fire_at <= ? "
                                         "ORDER BY next_fire_at, id LIMIT ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, before);
  sqlite3_bind_int64(st, 2, limit);
  return list_cycles(s, st, cb, payload);
}

crm_status crm__sqlite_sla_cycle_list_due(crm_backend *b, crm_time before, crm_time after_due,
                                          crm_id after_id, unsigned int limit, crm_row_fn cb,
                                          void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT " CYCLE_COLUMNS " FROM sla_cycles WHERE state = 1 AND due_at > 0 AND "
         "due_at < ?1 AND (due_at > ?2 OR (due_at = ?2 AND id > ?3)) "
         "ORDER BY due_at, id LIMIT ?4");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, before);
  sqlite3_bind_int64(st, 2, after_due);
  sqlite3_bind_int64(st, 3, after_id);
  sqlite3_bind_int64(st, 4, limit);
  return list_cycles(s, st, cb, payload);
}

crm_status crm__sqlite_sla_cycle_list_open(crm_backend *b, crm_id calendar, crm_id policy,
                                           crm_id after_id, unsigned int limit, crm_row_fn cb,
                                           void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  /* one statement per filter, so each uses its partial index */
  const char *sql =
      calendar > 0 ? "SELECT " CYCLE_COLUMNS " FROM sla_cycles WHERE state < 3 AND calendar = ?1 "
                     "AND id > ?3 ORDER BY calendar, id LIMIT ?4"
      : policy > 0 ? "SELECT " CYCLE_COLUMNS " FROM sla_cycles WHERE state < 3 AND policy = ?2 "
                     "AND id > ?3 ORDER BY policy, id LIMIT ?4"
                   : "SELECT " CYCLE_COLUMNS " FROM sla_cycles WHERE state < 3 AND id > ?3 "
                     "ORDER BY id LIMIT ?4";
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql);
  if (st == NULL)
    return CRM_ERROR;
  if (calendar > 0)
    sqlite3_bind_int64(st, 1, calendar);
  if (policy > 0 && calendar <= 0)
    sqlite3_bind_int64(st, 2, policy);
  sqlite3_bind_int64(st, 3, after_id);
  sqlite3_bind_int64(st, 4, limit);
  return list_cycles(s, st, cb, payload);
}

static void read_id(sqlite3_stmt *st, void *p)
{
  *(crm_id *)p = sqlite3_column_int64(st, 0);
}

crm_status crm__sqlite_sla_case_list_due(crm_backend *b, crm_time before, crm_id after_id,
                                         unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT DISTINCT case_id FROM sla_cycles WHERE state = 1 AND due_at > 0 AND "
         "due_at < ? AND case_id > ? ORDER BY case_id LIMIT ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, before);
  sqlite3_bind_int64(st, 2, after_id);
  sqlite3_bind_int64(st, 3, limit);
  return crm__sqlite_list(s, st, read_id, NULL, sizeof(crm_id), cb, payload,
                          "listing cases with SLA timers due");
}

/* ------------------------------------------------------------------ */
/* segments                                                             */

crm_status crm__sqlite_sla_segment_insert(crm_backend *b, const crm_sla_segment_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO sla_segments (cycle, kind, at, recorded_at, business_elapsed, "
         "calendar_elapsed, due_at, calendar_version, policy_version) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->cycle);
  sqlite3_bind_int(st, 2, row->kind);
  sqlite3_bind_int64(st, 3, row->at);
  sqlite3_bind_int64(st, 4, row->recorded_at);
  sqlite3_bind_int64(st, 5, row->business_elapsed);
  sqlite3_bind_int64(st, 6, row->calendar_elapsed);
  sqlite3_bind_int64(st, 7, row->due_at);
  sqlite3_bind_int64(st, 8, row->calendar_version);
  sqlite3_bind_int64(st, 9, row->policy_version);
  return crm__sqlite_exec_stmt(s, st, "inserting an SLA segment");
}

static void read_segment(sqlite3_stmt *st, void *p)
{
  crm_sla_segment_row *row = p;
  row->cycle = sqlite3_column_int64(st, 0);
  row->kind = sqlite3_column_int(st, 1);
  row->at = sqlite3_column_int64(st, 2);
  row->recorded_at = sqlite3_column_int64(st, 3);
  row->business_elapsed = sqlite3_column_int64(st, 4);
  row->calendar_elapsed = sqlite3_column_int64(st, 5);
  row->due_at = sqlite3_column_int64(st, 6);
  row->calendar_version = sqlite3_column_int64(st, 7);
  row->policy_version = sqlite3_column_int64(st, 8);
}

crm_status crm__sqlite_sla_segment_list(crm_backend *b, crm_id cycle, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT cycle, kind, at, recorded_at, business_elapsed, calendar_elapsed, due_at, "
         "calendar_version, policy_version FROM sla_segments WHERE cycle = ? ORDER BY id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, cycle);
  return crm__sqlite_list(s, st, read_segment, NULL, sizeof(crm_sla_segment_row), cb, payload,
                          "listing SLA segments");
}
