/*
 * PostgreSQL slots: SLA calendars and policies (versioned definitions),
 * the per-case SLA facts, cycles and their segments.
 *
 * A cycle's compare-and-swap is one UPDATE ... WHERE version = $old: under
 * READ COMMITTED a second ticker waits for the first one's row lock, then
 * re-checks the condition, finds the new version and changes nothing, so
 * a warning or breach is recorded once.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* ------------------------------------------------------------------ */
/* definitions: calendars and policies                                  */

static void read_def(const PGresult *res, int r, void *out)
{
  crm_sla_def_row *row = out;
  row->id = crm__pg_col_int(res, r, 0);
  row->version = crm__pg_col_int(res, r, 1);
  row->ord = crm__pg_col_int(res, r, 2);
  row->name = crm__pg_col_text(res, r, 3);
  row->definition = crm__pg_col_text(res, r, 4);
  row->saved_at = crm__pg_col_int(res, r, 5);
}

/* $1 id, $2 version, $3 ord, $4 name, $5 definition, $6 saved_at */
static void def_params(crm_pg_params *p, const crm_sla_def_row *row)
{
  crm__pg_int(p, row->id);
  crm__pg_int(p, row->version);
  crm__pg_int(p, row->ord);
  crm__pg_text(p, row->name);
  crm__pg_text(p, row->definition);
  crm__pg_int(p, row->saved_at);
}

static crm_status def_version_insert(crm_pg *s, const crm_sla_def_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  def_params(&p, row);
  return crm__pg_exec(s,
                      "INSERT INTO crm_sla_def_versions (def, version, ord, name, definition, "
                      "saved_at) VALUES ($1, $2, $3, $4, $5, $6)",
                      &p, NULL, "storing an SLA definition version");
}

crm_status crm__pg_sla_def_insert(crm_backend *b, int kind, crm_sla_def_row *row)
{
  crm_pg *s = CRM_PG(b);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, kind);
  crm__pg_int(&p, row->ord);
  crm__pg_text(&p, row->name);
  crm__pg_int(&p, row->version);
  crm__pg_text(&p, row->definition);
  crm__pg_int(&p, row->saved_at);
  crm_status st = crm__pg_row_int(s,
                                  "INSERT INTO crm_sla_defs (kind, ord, name, version, definition, "
                                  "saved_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                  &p, &row->id, "inserting an SLA definition");
  if (st != CRM_OK)
    return st;
  return def_version_insert(s, row);
}

crm_status crm__pg_sla_def_update(crm_backend *b, int kind, const crm_sla_def_row *row,
                                  int64_t old_version)
{
  crm_pg *s = CRM_PG(b);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  def_params(&p, row);
  crm__pg_int(&p, kind);
  crm__pg_int(&p, old_version);
  long changed = 0;
  crm_status st = crm__pg_exec(s,
                               "UPDATE crm_sla_defs SET version = $2, ord = $3, name = $4, "
                               "definition = $5, saved_at = $6 "
                               "WHERE id = $1 AND kind = $7 AND version = $8",
                               &p, &changed, "updating an SLA definition");
  if (st != CRM_OK)
    return st;
  if (changed == 0)
    return crm_backend_error(CRM_ECONFLICT, "SLA definition %lld is not at version %lld",
                             (long long)row->id, (long long)old_version);
  return def_version_insert(s, row);
}

crm_status crm__pg_sla_def_get(crm_backend *b, int kind, crm_id id, int64_t version,
                               crm_sla_def_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  crm__pg_int(&p, kind);
  crm__pg_int(&p, version);
  PGresult *res = NULL;
  crm_status st = crm__pg_row(CRM_PG(b),
                              "SELECT v.def, v.version, v.ord, v.name, v.definition, v.saved_at "
                              "FROM crm_sla_defs d JOIN crm_sla_def_versions v ON v.def = d.id "
                              "AND v.version = CASE WHEN $3::bigint = 0 THEN d.version ELSE $3 END "
                              "WHERE d.id = $1 AND d.kind = $2",
                              &p, &res, "reading an SLA definition");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no SLA definition %lld (version %lld)", (long long)id,
                             (long long)version);
  if (st != CRM_OK)
    return st;
  read_def(res, 0, out);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_sla_def_list(crm_backend *b, int kind, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, kind);
  return crm__pg_list(CRM_PG(b),
                      "SELECT id, version, ord, name, definition, saved_at FROM crm_sla_defs "
                      "WHERE kind = $1 ORDER BY ord, id",
                      &p, read_def, (crm__pg_clear_fn)crm_sla_def_row_clear,
                      sizeof(crm_sla_def_row), cb, payload, "listing SLA definitions");
}

/* ------------------------------------------------------------------ */
/* per-case facts                                                       */

crm_status crm__pg_sla_case_get(crm_backend *b, crm_id case_id, crm_sla_case_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, case_id);
  PGresult *res = NULL;
  crm_status st =
      crm__pg_row(CRM_PG(b), "SELECT channel, last_reply_at FROM crm_sla_cases WHERE case_id = $1",
                  &p, &res, "reading a case's SLA facts");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no SLA facts for case %lld", (long long)case_id);
  if (st != CRM_OK)
    return st;
  out->case_id = case_id;
  out->channel = (int)crm__pg_col_int(res, 0, 0);
  out->last_reply_at = crm__pg_col_int(res, 0, 1);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_sla_case_put(crm_backend *b, const crm_sla_case_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->case_id);
  crm__pg_int(&p, row->channel);
  crm__pg_int(&p, row->last_reply_at);
  return crm__pg_defer(CRM_PG(b),
                       "INSERT INTO crm_sla_cases (case_id, channel, last_reply_at) "
                       "VALUES ($1, $2, $3) ON CONFLICT (case_id) DO UPDATE SET "
                       "channel = excluded.channel, last_reply_at = excluded.last_reply_at",
                       &p, "storing a case's SLA facts");
}

/* ------------------------------------------------------------------ */
/* cycles                                                               */

#define CYCLE_COLUMNS                                                                           \
  "id, case_id, metric, cycle, state, warn_percent, policy, calendar, policy_version, "         \
  "calendar_version, target, started_at, mark_at, business_elapsed, calendar_elapsed, due_at, " \
  "warn_at, warned_at, breached_at, met_at, stopped_at, next_fire_at, version"

static void read_cycle(const PGresult *res, int r, void *out)
{
  crm_sla_cycle_row *row = out;
  int c = 0;
  row->id = crm__pg_col_int(res, r, c++);
  row->case_id = crm__pg_col_int(res, r, c++);
  row->metric = (int)crm__pg_col_int(res, r, c++);
  row->cycle = (int)crm__pg_col_int(res, r, c++);
  row->state = (int)crm__pg_col_int(res, r, c++);
  row->warn_percent = (int)crm__pg_col_int(res, r, c++);
  row->policy = crm__pg_col_int(res, r, c++);
  row->calendar = crm__pg_col_int(res, r, c++);
  row->policy_version = crm__pg_col_int(res, r, c++);
  row->calendar_version = crm__pg_col_int(res, r, c++);
  row->target = crm__pg_col_int(res, r, c++);
  row->started_at = crm__pg_col_int(res, r, c++);
  row->mark_at = crm__pg_col_int(res, r, c++);
  row->business_elapsed = crm__pg_col_int(res, r, c++);
  row->calendar_elapsed = crm__pg_col_int(res, r, c++);
  row->due_at = crm__pg_col_int(res, r, c++);
  row->warn_at = crm__pg_col_int(res, r, c++);
  row->warned_at = crm__pg_col_int(res, r, c++);
  row->breached_at = crm__pg_col_int(res, r, c++);
  row->met_at = crm__pg_col_int(res, r, c++);
  row->stopped_at = crm__pg_col_int(res, r, c++);
  row->next_fire_at = crm__pg_col_int(res, r, c++);
  row->version = crm__pg_col_int(res, r, c++);
}

/* Every column but id, as $1..$22. */
static void cycle_params(crm_pg_params *p, const crm_sla_cycle_row *row)
{
  crm__pg_int(p, row->case_id);
  crm__pg_int(p, row->metric);
  crm__pg_int(p, row->cycle);
  crm__pg_int(p, row->state);
  crm__pg_int(p, row->warn_percent);
  crm__pg_int(p, row->policy);
  crm__pg_int(p, row->calendar);
  crm__pg_int(p, row->policy_version);
  crm__pg_int(p, row->calendar_version);
  crm__pg_int(p, row->target);
  crm__pg_int(p, row->started_at);
  crm__pg_int(p, row->mark_at);
  crm__pg_int(p, row->business_elapsed);
  crm__pg_int(p, row->calendar_elapsed);
  crm__pg_int(p, row->due_at);
  crm__pg_int(p, row->warn_at);
  crm__pg_int(p, row->warned_at);
  crm__pg_int(p, row->breached_at);
  crm__pg_int(p, row->met_at);
  crm__pg_int(p, row->stopped_at);
  crm__pg_int(p, row->next_fire_at);
  crm__pg_int(p, row->version);
}

crm_status crm__pg_sla_cycle_insert(crm_backend *b, crm_sla_cycle_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  cycle_params(&p, row);
  return crm__pg_row_int(
      CRM_PG(b),
      "INSERT INTO crm_sla_cycles (case_id, metric, cycle, state, warn_percent, policy, calendar, "
      "policy_version, calendar_version, target, started_at, mark_at, business_elapsed, "
      "calendar_elapsed, due_at, warn_at, warned_at, breached_at, met_at, stopped_at, "
      "next_fire_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
      &p, &row->id, "inserting an SLA cycle");
}

crm_status crm__pg_sla_cycle_get(crm_backend *b, crm_id id, crm_sla_cycle_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  PGresult *res = NULL;
  crm_status st =
      crm__pg_row(CRM_PG(b), "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles WHERE id = $1", &p, &res,
                  "reading an SLA cycle");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no SLA cycle with id %lld", (long long)id);
  if (st != CRM_OK)
    return st;
  read_cycle(res, 0, out);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_sla_cycle_update(crm_backend *b, const crm_sla_cycle_row *row,
                                    int64_t old_version)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  cycle_params(&p, row);
  crm__pg_int(&p, row->id);
  crm__pg_int(&p, old_version);
  long changed = 0;
  crm_status st = crm__pg_exec(
      CRM_PG(b),
      "UPDATE crm_sla_cycles SET case_id = $1, metric = $2, cycle = $3, state = $4, "
      "warn_percent = $5, policy = $6, calendar = $7, policy_version = $8, "
      "calendar_version = $9, target = $10, started_at = $11, mark_at = $12, "
      "business_elapsed = $13, calendar_elapsed = $14, due_at = $15, warn_at = $16, "
      "warned_at = $17, breached_at = $18, met_at = $19, stopped_at = $20, next_fire_at = $21, "
      "version = $22 WHERE id = $23 AND version = $24",
      &p, &changed, "updating an SLA cycle");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ECONFLICT, "SLA cycle %lld is no longer at version %lld",
                             (long long)row->id, (long long)old_version);
  return st;
}

static crm_status list_cycles(crm_pg *s, const char *sql, const crm_pg_params *p, crm_row_fn cb,
                              void *payload)
{
  return crm__pg_list(s, sql, p, read_cycle, NULL, sizeof(crm_sla_cycle_row), cb, payload,
                      "listing SLA cycles");
}

crm_status crm__pg_sla_cycle_list_case(crm_backend *b, crm_id case_id, int latest_only,
                                       crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, case_id);
  return list_cycles(CRM_PG(b),
                     latest_only ? "SELECT DISTINCT ON (metric) " CYCLE_COLUMNS
                                   " FROM crm_sla_cycles WHERE case_id = $1 "
                                   "ORDER BY metric, cycle DESC"
                                 : "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles "
                                   "WHERE case_id = $1 ORDER BY metric, cycle",
                     &p, cb, payload);
}

crm_status crm__pg_sla_cycle_list_fire(crm_backend *b, crm_time before, unsigned int limit,
                                       crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, before);
  crm__pg_int(&p, limit);
  return list_cycles(CRM_PG(b),
                     "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles WHERE next_fire_at > 0 AND "
                     "next_fire_at <= $1 ORDER BY next_fire_at, id LIMIT $2",
                     &p, cb, payload);
}

crm_status crm__pg_sla_cycle_list_due(crm_backend *b, crm_time before, crm_time after_due,
                                      crm_id after_id, unsigned int limit, crm_row_fn cb,
                                      void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, before);
  crm__pg_int(&p, after_due);
  crm__pg_int(&p, after_id);
  crm__pg_int(&p, limit);
  return list_cycles(CRM_PG(b),
                     "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles WHERE state = 1 AND "
                     "due_at > 0 AND due_at < $1 AND (due_at, id) > ($2, $3) "
                     "ORDER BY due_at, id LIMIT $4",
                     &p, cb, payload);
}

crm_status crm__pg_sla_cycle_list_open(crm_backend *b, crm_id calendar, crm_id policy,
                                       crm_id after_id, unsigned int limit, crm_row_fn cb,
                                       void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, calendar);
  crm__pg_int(&p, policy);
  crm__pg_int(&p, after_id);
  crm__pg_int(&p, limit);
  /* one statement per filter, so each uses its partial index */
  const char *sql =
      calendar > 0 ? "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles WHERE state < 3 AND "
                     "calendar = $1 AND $2::bigint >= 0 AND id > $3 ORDER BY id LIMIT $4"
      : policy > 0 ? "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles WHERE state < 3 AND "
                     "$1::bigint >= 0 AND policy = $2 AND id > $3 ORDER BY id LIMIT $4"
                   : "SELECT " CYCLE_COLUMNS " FROM crm_sla_cycles WHERE state < 3 AND "
                     "$1::bigint >= 0 AND $2::bigint >= 0 AND id > $3 ORDER BY id LIMIT $4";
  return list_cycles(CRM_PG(b), sql, &p, cb, payload);
}

static void read_id(const PGresult *res, int r, void *out)
{
  *(crm_id *)out = crm__pg_col_int(res, r, 0);
}

crm_status crm__pg_sla_case_list_due(crm_backend *b, crm_time before, crm_id after_id,
                                     unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, before);
  crm__pg_int(&p, after_id);
  crm__pg_int(&p, limit);
  return crm__pg_list(CRM_PG(b),
                      "SELECT DISTINCT case_id FROM crm_sla_cycles WHERE state = 1 AND "
                      "due_at > 0 AND due_at < $1 AND case_id > $2 ORDER BY case_id LIMIT $3",
                      &p, read_id, NULL, sizeof(crm_id), cb, payload,
                      "listing cases with SLA timers due");
}

/* ------------------------------------------------------------------ */
/* segments                                                             */

crm_status crm__pg_sla_segment_insert(crm_backend *b, const crm_sla_segment_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->cycle);
  crm__pg_int(&p, row->kind);
  crm__pg_int(&p, row->at);
  crm__pg_int(&p, row->recorded_at);
  crm__pg_int(&p, row->business_elapsed);
  crm__pg_int(&p, row->calendar_elapsed);
  crm__pg_int(&p, row->due_at);
  crm__pg_int(&p, row->calendar_version);
  crm__pg_int(&p, row->policy_version);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_sla_segments (cycle, kind, at, recorded_at, "
                      "business_elapsed, calendar_elapsed, due_at, calendar_version, "
                      "policy_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                      &p, NULL, "inserting an SLA segment");
}

static void read_segment(const PGresult *res, int r, void *out)
{
  crm_sla_segment_row *row = out;
  row->cycle = crm__pg_col_int(res, r, 0);
  row->kind = (int)crm__pg_col_int(res, r, 1);
  row->at = crm__pg_col_int(res, r, 2);
  row->recorded_at = crm__pg_col_int(res, r, 3);
  row->business_elapsed = crm__pg_col_int(res, r, 4);
  row->calendar_elapsed = crm__pg_col_int(res, r, 5);
  row->due_at = crm__pg_col_int(res, r, 6);
  row->calendar_version = crm__pg_col_int(res, r, 7);
  row->policy_version = crm__pg_col_int(res, r, 8);
}

crm_status crm__pg_sla_segment_list(crm_backend *b, crm_id cycle, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, cycle);
  return crm__pg_list(CRM_PG(b),
                      "SELECT cycle, kind, at, recorded_at, business_elapsed, calendar_elapsed, "
                      "due_at, calendar_version, policy_version FROM crm_sla_segments "
                      "WHERE cycle = $1 ORDER BY id",
                      &p, read_segment, NULL, sizeof(crm_sla_segment_row), cb, payload,
                      "listing SLA segments");
}
