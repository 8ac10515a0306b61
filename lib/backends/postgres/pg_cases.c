/*
 * PostgreSQL slots: queues, agents, memberships, cases and links.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* ------------------------------------------------------------------ */
/* queues and agents                                                    */

static void read_party(const PGresult *res, crm_party_row *row, int has_email)
{
  row->id = crm__pg_col_int(res, 0, 0);
  row->name = crm__pg_col_text(res, 0, 1);
  row->created_at = crm__pg_col_int(res, 0, 2);
  row->email = has_email ? crm__pg_col_text(res, 0, 3) : NULL;
}

/* Insert a queue or agent; on a taken unique key, report the holder's id. */
static crm_status party_insert(crm_pg *s, crm_party_row *row, crm_id *existing, int has_email,
                               const char *insert_sql, const char *find_sql, const char *find_key,
                               const char *what)
{
  if (existing)
    *existing = 0;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, row->name);
  crm__pg_int(&p, row->created_at);
  if (has_email)
    crm__pg_text(&p, row->email);
  crm_id id = 0;
  crm_status st = crm__pg_row_int(s, insert_sql, &p, &id, what);
  if (st == CRM_OK) {
    row->id = id;
    return CRM_OK;
  }
  if (st != CRM_ENOTFOUND) /* ENOTFOUND: ON CONFLICT DO NOTHING returned no row */
    return st;
  crm_pg_params f = CRM_PG_PARAMS_INIT;
  crm__pg_text(&f, find_key);
  crm_id holder = 0;
  crm__pg_row_int(s, find_sql, &f, &holder, what);
  if (existing)
    *existing = holder;
  return crm_backend_error(CRM_EEXISTS, "'%s' is already taken by id %lld", find_key,
                           (long long)holder);
}

crm_status crm__pg_queue_insert(crm_backend *b, crm_party_row *row, crm_id *existing)
{
  return party_insert(CRM_PG(b), row, existing, 0,
                      "INSERT INTO crm_queues (name, created_at) VALUES ($1, $2) "
                      "ON CONFLICT DO NOTHING RETURNING id",
                      "SELECT id FROM crm_queues WHERE name = $1", row->name, "inserting a queue");
}

crm_status crm__pg_agent_insert(crm_backend *b, crm_party_row *row, crm_id *existing)
{
  return party_insert(CRM_PG(b), row, existing, 1,
                      "INSERT INTO crm_agents (name, created_at, email) VALUES ($1, $2, $3) "
                      "ON CONFLICT DO NOTHING RETURNING id",
                      "SELECT id FROM crm_agents WHERE email = $1", row->email,
                      "inserting an agent");
}

static crm_status party_get(crm_pg *s, crm_id id, crm_party_row *out, const char *sql,
                            int has_email, const char *what)
{
  memset(out, 0, sizeof *out);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  PGresult *res = NULL;
  crm_status st = crm__pg_row(s, sql, &p, &res, "reading");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no %s with id %lld", what, (long long)id);
  if (st != CRM_OK)
    return st;
  read_party(res, out, has_email);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_queue_get(crm_backend *b, crm_id id, crm_party_row *out)
{
  return party_get(CRM_PG(b), id, out, "SELECT id, name, created_at FROM crm_queues WHERE id = $1",
                   0, "queue");
}

crm_status crm__pg_agent_get(crm_backend *b, crm_id id, crm_party_row *out)
{
  return party_get(CRM_PG(b), id, out,
                   "SELECT id, name, created_at, email FROM crm_agents WHERE id = $1", 1, "agent");
}

static void membership_params(crm_pg_params *p, crm_id agent, crm_id queue)
{
  crm__pg_int(p, agent);
  crm__pg_int(p, queue);
}

static crm_status not_a_member(crm_id agent, crm_id queue)
{
  return crm_backend_error(CRM_ENOTFOUND, "agent %lld is not a member of queue %lld",
                           (long long)agent, (long long)queue);
}

crm_status crm__pg_member_set(crm_backend *b, crm_id agent, crm_id queue, int role)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  membership_params(&p, agent, queue);
  crm__pg_int(&p, role);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_members (agent, queue, role) VALUES ($1, $2, $3) "
                      "ON CONFLICT (agent, queue) DO UPDATE SET role = excluded.role",
                      &p, NULL, "storing a membership");
}

crm_status crm__pg_member_get(crm_backend *b, crm_id agent, crm_id queue, int *role)
{
  *role = 0;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  membership_params(&p, agent, queue);
  int64_t value = 0;
  crm_status st =
      crm__pg_row_int(CRM_PG(b), "SELECT role FROM crm_members WHERE agent = $1 AND queue = $2", &p,
                      &value, "reading a membership");
  if (st == CRM_ENOTFOUND)
    return not_a_member(agent, queue);
  if (st == CRM_OK)
    *role = (int)value;
  return st;
}

crm_status crm__pg_member_delete(crm_backend *b, crm_id agent, crm_id queue)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  membership_params(&p, agent, queue);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b), "DELETE FROM crm_members WHERE agent = $1 AND queue = $2",
                               &p, &changed, "removing a membership");
  if (st == CRM_OK && changed == 0)
    return not_a_member(agent, queue);
  return st;
}

static void read_member(const PGresult *res, int r, void *out)
{
  crm_member_row *row = out;
  row->agent = crm__pg_col_int(res, r, 0);
  row->queue = crm__pg_col_int(res, r, 1);
  row->role = (int)crm__pg_col_int(res, r, 2);
}

crm_status crm__pg_member_list(crm_backend *b, crm_id agent, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, agent);
  return crm__pg_list(
      CRM_PG(b), "SELECT agent, queue, role FROM crm_members WHERE agent = $1 ORDER BY queue", &p,
      read_member, NULL, sizeof(crm_member_row), cb, payload, "listing memberships");
}

/* ------------------------------------------------------------------ */
/* cases                                                                */

#define CASE_COLUMNS                                                                          \
  "c.id, c.customer, c.subject, c.kind, c.status, c.priority, c.queue, c.assignee, "          \
  "c.created_at, c.updated_at, c.resolved_at, c.version, c.inbound_count, c.transfer_count, " \
  "c.reopen_count, c.csat, c.csat_comment"

static void read_case(const PGresult *res, int r, void *out)
{
  crm_case_row *row = out;
  row->id = crm__pg_col_int(res, r, 0);
  row->customer = crm__pg_col_int(res, r, 1);
  row->subject = crm__pg_col_text(res, r, 2);
  row->kind = (int)crm__pg_col_int(res, r, 3);
  row->status = (int)crm__pg_col_int(res, r, 4);
  row->priority = (int)crm__pg_col_int(res, r, 5);
  row->queue = crm__pg_col_int(res, r, 6);
  row->assignee = crm__pg_col_int(res, r, 7);
  row->created_at = crm__pg_col_int(res, r, 8);
  row->updated_at = crm__pg_col_int(res, r, 9);
  row->resolved_at = crm__pg_col_int(res, r, 10);
  row->version = crm__pg_col_int(res, r, 11);
  row->inbound_count = crm__pg_col_int(res, r, 12);
  row->transfer_count = crm__pg_col_int(res, r, 13);
  row->reopen_count = crm__pg_col_int(res, r, 14);
  row->csat = (int)crm__pg_col_int(res, r, 15);
  row->csat_comment = crm__pg_col_text(res, r, 16);
}

/* Every column but id, as $1..$16. */
static void case_params(crm_pg_params *p, const crm_case_row *row)
{
  crm__pg_int(p, row->customer);
  crm__pg_text(p, row->subject);
  crm__pg_int(p, row->kind);
  crm__pg_int(p, row->status);
  crm__pg_int(p, row->priority);
  crm__pg_id(p, row->queue);
  crm__pg_id(p, row->assignee);
  crm__pg_int(p, row->created_at);
  crm__pg_int(p, row->updated_at);
  crm__pg_id(p, row->resolved_at);
  crm__pg_int(p, row->version);
  crm__pg_int(p, row->inbound_count);
  crm__pg_int(p, row->transfer_count);
  crm__pg_int(p, row->reopen_count);
  crm__pg_id(p, row->csat);
  crm__pg_text(p, row->csat_comment);
}

crm_status crm__pg_case_insert(crm_backend *b, crm_case_row *row)
{
  crm_pg *s = CRM_PG(b);
  int64_t id = 0;
  crm_status st = crm__pg_take_id(s, CRM_PG_ID_CASE, &id);
  if (st != CRM_OK)
    return st;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  case_params(&p, row);
  crm__pg_int(&p, id);
  st = crm__pg_defer(
      s,
      "INSERT INTO crm_cases (customer, subject, kind, status, priority, queue, assignee, "
      "created_at, updated_at, resolved_at, version, inbound_count, transfer_count, "
      "reopen_count, csat, csat_comment, id) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
      &p, "inserting a case");
  if (st == CRM_OK)
    row->id = id;
  return st;
}

crm_status crm__pg_case_get(crm_backend *b, crm_id id, crm_case_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  PGresult *res = NULL;
  crm_status st = crm__pg_row(CRM_PG(b), "SELECT " CASE_COLUMNS " FROM crm_cases c WHERE c.id = $1",
                              &p, &res, "reading a case");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no case with id %lld", (long long)id);
  if (st != CRM_OK)
    return st;
  read_case(res, 0, out);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_case_update(crm_backend *b, const crm_case_row *row, int64_t old_version)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  case_params(&p, row);
  crm__pg_int(&p, row->id);
  crm__pg_int(&p, old_version);
  long changed = 0;
  crm_status st = crm__pg_exec(
      CRM_PG(b),
      "UPDATE crm_cases SET customer = $1, subject = $2, kind = $3, status = $4, priority = $5, "
      "queue = $6, assignee = $7, created_at = $8, updated_at = $9, resolved_at = $10, "
      "version = $11, inbound_count = $12, transfer_count = $13, reopen_count = $14, "
      "csat = $15, csat_comment = $16 WHERE id = $17 AND version = $18",
      &p, &changed, "updating a case");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ECONFLICT,
                             "case %lld is no longer at version %lld (changed meanwhile)",
                             (long long)row->id, (long long)old_version);
  return st;
}

/* Append " AND <column> = $n" with the next parameter. */
static void filter_id(GString *sql, crm_pg_params *p, const char *column, int64_t value)
{
  crm__pg_int(p, value);
  g_string_append_printf(sql, " AND %s = $%d", column, p->n);
}

crm_status crm__pg_case_query(crm_backend *b, const crm_case_query *q, crm_id after_id,
                              unsigned int limit, crm_row_fn cb, void *payload)
{
  /* The SQL text depends only on which filters are set (and the status
     set), so the connection prepares at most one statement per
     combination. Parameters are numbered as they are used. */
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  GString *sql = g_string_new("SELECT " CASE_COLUMNS " FROM crm_cases c WHERE c.id > $1");
  crm__pg_int(&p, after_id);
  if (q && q->customer)
    filter_id(sql, &p, "c.customer", q->customer);
  if (q && q->queue)
    filter_id(sql, &p, "c.queue", q->queue);
  if (q && q->assignee)
    filter_id(sql, &p, "c.assignee", q->assignee);
  if (q && q->kind)
    filter_id(sql, &p, "c.kind", (int64_t)q->kind);
  if (q && q->status_mask) {
    g_string_append(sql, " AND c.status IN (");
    const char *sep = "";
    for (int status = 1; status <= 31; status++)
      if (q->status_mask & (1u << status)) {
        g_string_append_printf(sql, "%s%d", sep, status);
        sep = ", ";
      }
    g_string_append(sql, ")");
  }
  if (q && q->tag) {
    crm__pg_text(&p, q->tag);
    g_string_append_printf(sql,
                           " AND EXISTS (SELECT 1 FROM crm_labels l WHERE l.entity = %d AND "
                           "l.label = $%d AND l.id = c.id)",
                           (int)CRM_ENTITY_CASE, p.n);
  }
  crm__pg_int(&p, limit);
  g_string_append_printf(sql, " ORDER BY c.id LIMIT $%d", p.n);
  crm_status st =
      crm__pg_list(CRM_PG(b), sql->str, &p, read_case, (crm__pg_clear_fn)crm_case_row_clear,
                   sizeof(crm_case_row), cb, payload, "querying cases");
  g_string_free(sql, TRUE);
  return st;
}

crm_status crm__pg_case_list_resolved_before(crm_backend *b, int status, crm_time before,
                                             unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, status);
  crm__pg_int(&p, before);
  crm__pg_int(&p, limit);
  return crm__pg_list(CRM_PG(b),
                      "SELECT " CASE_COLUMNS " FROM crm_cases c WHERE c.status = $1 AND "
                      "c.resolved_at > 0 AND c.resolved_at <= $2 "
                      "ORDER BY c.resolved_at, c.id LIMIT $3",
                      &p, read_case, (crm__pg_clear_fn)crm_case_row_clear, sizeof(crm_case_row), cb,
                      payload, "listing resolved cases");
}

/* ------------------------------------------------------------------ */
/* links                                                                */

crm_status crm__pg_link_insert(crm_backend *b, const crm_link_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->from);
  crm__pg_int(&p, row->kind);
  crm__pg_int(&p, row->to);
  crm__pg_int(&p, row->created_at);
  long inserted = 0;
  crm_status st = crm__pg_exec(CRM_PG(b),
                               "INSERT INTO crm_links (from_case, kind, to_case, created_at) "
                               "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               &p, &inserted, "linking cases");
  if (st == CRM_OK && inserted == 0)
    return crm_backend_error(CRM_EEXISTS, "linking cases: case %lld is already linked so to %lld",
                             (long long)row->from, (long long)row->to);
  return st;
}

static void read_link(const PGresult *res, int r, void *out)
{
  crm_link_row *row = out;
  row->from = crm__pg_col_int(res, r, 0);
  row->kind = (int)crm__pg_col_int(res, r, 1);
  row->to = crm__pg_col_int(res, r, 2);
  row->created_at = crm__pg_col_int(res, r, 3);
}

crm_status crm__pg_link_list(crm_backend *b, crm_id case_id, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, case_id);
  /* Two index lookups (from_case, to_case) rather than an OR scan. */
  return crm__pg_list(CRM_PG(b),
                      "SELECT from_case, kind, to_case, created_at, id FROM crm_links "
                      "WHERE from_case = $1 UNION ALL "
                      "SELECT from_case, kind, to_case, created_at, id FROM crm_links "
                      "WHERE to_case = $1 AND from_case <> $1 ORDER BY 4, 5",
                      &p, read_link, NULL, sizeof(crm_link_row), cb, payload, "listing links");
}
