/*
 * SQLite slots: queues, agents, memberships, cases and links.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* queues and agents                                                    */

static void read_party(sqlite3_stmt *st, crm_party_row *row, int has_email)
{
  row->id = sqlite3_column_int64(st, 0);
  row->name = crm__sqlite_col_text(st, 1);
  row->created_at = sqlite3_column_int64(st, 2);
  row->email = has_email ? crm__sqlite_col_text(st, 3) : NULL;
}

/* Insert a queue or agent; on a taken unique key, report the holder's id. */
static crm_status party_insert(crm_sqlite *s, crm_party_row *row, crm_id *existing,
                               const char *insert_sql, const char *find_sql, const char *find_key,
                               const char *what)
{
  if (existing)
    *existing = 0;
  sqlite3_stmt *st = crm__sqlite_stmt(s, insert_sql);
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, row->name);
  sqlite3_bind_int64(st, 2, row->created_at);
  if (sqlite3_bind_parameter_count(st) >= 3)
    crm__sqlite_bind_text(st, 3, row->email);
  crm_status r = crm__sqlite_exec_stmt(s, st, what);
  if (r == CRM_OK) {
    row->id = sqlite3_last_insert_rowid(s->db);
    return CRM_OK;
  }
  if (r != CRM_EEXISTS)
    return r;
  sqlite3_stmt *f = crm__sqlite_stmt(s, find_sql);
  if (f == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(f, 1, find_key);
  crm_id holder = 0;
  if (crm__sqlite_step_row(s, f, what) == CRM_OK) {
    holder = sqlite3_column_int64(f, 0);
    sqlite3_reset(f);
  }
  if (existing)
    *existing = holder;
  return crm_backend_error(CRM_EEXISTS, "'%s' is already taken by id %lld", find_key,
                           (long long)holder);
}

crm_status crm__sqlite_queue_insert(crm_backend *b, crm_party_row *row, crm_id *existing)
{
  return party_insert(CRM_SQLITE(b), row, existing,
                      "INSERT INTO queues (name, created_at) VALUES (?, ?)",
                      "SELECT id FROM queues WHERE name = ?", row->name, "inserting a queue");
}

crm_status crm__sqlite_agent_insert(crm_backend *b, crm_party_row *row, crm_id *existing)
{
  return party_insert(CRM_SQLITE(b), row, existing,
                      "INSERT INTO agents (name, created_at, email) VALUES (?, ?, ?)",
                      "SELECT id FROM agents WHERE email = ?", row->email, "inserting an agent");
}

static crm_status party_get(crm_sqlite *s, crm_id id, crm_party_row *out, const char *sql,
                            int has_email, const char *what)
{
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql);
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  crm_status r = crm__sqlite_step_row(s, st, "reading");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no %s with id %lld", what, (long long)id);
  if (r != CRM_OK)
    return r;
  read_party(st, out, has_email);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_queue_get(crm_backend *b, crm_id id, crm_party_row *out)
{
  return party_get(CRM_SQLITE(b), id, out, "SELECT id, name, created_at FROM queues WHERE id = ?",
                   0, "queue");
}

crm_status crm__sqlite_agent_get(crm_backend *b, crm_id id, crm_party_row *out)
{
  return party_get(CRM_SQLITE(b), id, out,
                   "SELECT id, name, created_at, email FROM agents WHERE id = ?", 1, "agent");
}

crm_status crm__sqlite_member_set(crm_backend *b, crm_id agent, crm_id queue, int role)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "INSERT INTO members (agent, queue, role) VALUES (?, ?, ?) "
                          "ON CONFLICT (agent, queue) DO UPDATE SET role = excluded.role");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, agent);
  sqlite3_bind_int64(st, 2, queue);
  sqlite3_bind_int(st, 3, role);
  return crm__sqlite_exec_stmt(s, st, "storing a membership");
}

crm_status crm__sqlite_member_get(crm_backend *b, crm_id agent, crm_id queue, int *role)
{
  crm_sqlite *s = CRM_SQLITE(b);
  *role = 0;
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT role FROM members WHERE agent = ? AND queue = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, agent);
  sqlite3_bind_int64(st, 2, queue);
  crm_status r = crm__sqlite_step_row(s, st, "reading a membership");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "agent %lld is not a member of queue %lld",
                             (long long)agent, (long long)queue);
  if (r != CRM_OK)
    return r;
  *role = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_member_delete(crm_backend *b, crm_id agent, crm_id queue)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "DELETE FROM members WHERE agent = ? AND queue = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, agent);
  sqlite3_bind_int64(st, 2, queue);
  crm_status r = crm__sqlite_exec_stmt(s, st, "removing a membership");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "agent %lld is not a member of queue %lld",
                             (long long)agent, (long long)queue);
  return r;
}

static void read_member(sqlite3_stmt *st, void *p)
{
  crm_member_row *row = p;
  row->agent = sqlite3_column_int64(st, 0);
  row->queue = sqlite3_column_int64(st, 1);
  row->role = sqlite3_column_int(st, 2);
}

crm_status crm__sqlite_member_list(crm_backend *b, crm_id agent, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT agent, queue, role FROM members WHERE agent = ? ORDER BY queue");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, agent);
  return crm__sqlite_list(s, st, read_member, NULL, sizeof(crm_member_row), cb, payload,
                          "listing memberships");
}

/* ------------------------------------------------------------------ */
/* cases                                                                */

#define CASE_COLUMNS                                                                          \
  "c.id, c.customer, c.subject, c.kind, c.status, c.priority, c.queue, c.assignee, "          \
  "c.created_at, c.updated_at, c.resolved_at, c.version, c.inbound_count, c.transfer_count, " \
  "c.reopen_count, c.csat, c.csat_comment"

static void read_case(sqlite3_stmt *st, void *p)
{
  crm_case_row *row = p;
  row->id = sqlite3_column_int64(st, 0);
  row->customer = sqlite3_column_int64(st, 1);
  row->subject = crm__sqlite_col_text(st, 2);
  row->kind = sqlite3_column_int(st, 3);
  row->status = sqlite3_column_int(st, 4);
  row->priority = sqlite3_column_int(st, 5);
  row->queue = crm__sqlite_col_id(st, 6);
  row->assignee = crm__sqlite_col_id(st, 7);
  row->created_at = sqlite3_column_int64(st, 8);
  row->updated_at = sqlite3_column_int64(st, 9);
  row->resolved_at = crm__sqlite_col_id(st, 10);
  row->version = sqlite3_column_int64(st, 11);
  row->inbound_count = sqlite3_column_int64(st, 12);
  row->transfer_count = sqlite3_column_int64(st, 13);
  row->reopen_count = sqlite3_column_int64(st, 14);
  row->csat = sqlite3_column_int(st, 15);
  row->csat_comment = crm__sqlite_col_text(st, 16);
}

/* Binds every column but id, from parameter 1. */
static void bind_case_fields(sqlite3_stmt *st, const crm_case_row *row)
{
  sqlite3_bind_int64(st, 1, row->customer);
  crm__sqlite_bind_text(st, 2, row->subject);
  sqlite3_bind_int(st, 3, row->kind);
  sqlite3_bind_int(st, 4, row->status);
  sqlite3_bind_int(st, 5, row->priority);
  crm__sqlite_bind_id(st, 6, row->queue);
  crm__sqlite_bind_id(st, 7, row->assignee);
  sqlite3_bind_int64(st, 8, row->created_at);
  sqlite3_bind_int64(st, 9, row->updated_at);
  crm__sqlite_bind_id(st, 10, row->resolved_at);
  sqlite3_bind_int64(st, 11, row->version);
  sqlite3_bind_int64(st, 12, row->inbound_count);
  sqlite3_bind_int64(st, 13, row->transfer_count);
  sqlite3_bind_int64(st, 14, row->reopen_count);
  if (row->csat > 0)
    sqlite3_bind_int(st, 15, row->csat);
  else
    sqlite3_bind_null(st, 15);
  crm__sqlite_bind_text(st, 16, row->csat_comment);
}

crm_status crm__sqlite_case_insert(crm_backend *b, crm_case_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO cases (customer, subject, kind, status, priority, queue, assignee, "
         "created_at, updated_at, resolved_at, version, inbound_count, transfer_count, "
         "reopen_count, csat, csat_comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
         "?)");
  if (st == NULL)
    return CRM_ERROR;
  bind_case_fields(st, row);
  return crm__sqlite_insert(s, st, "inserting a case", &row->id);
}

crm_status crm__sqlite_case_get(crm_backend *b, crm_id id, crm_case_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT " CASE_COLUMNS " FROM cases c WHERE c.id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  crm_status r = crm__sqlite_step_row(s, st, "reading a case");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no case with id %lld", (long long)id);
  if (r != CRM_OK)
    return r;
  read_case(st, out);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_case_update(crm_backend *b, const crm_case_row *row, int64_t old_version)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "UPDATE cases SET customer = ?, subject = ?, kind = ?, status = ?, priority = ?, "
         "queue = ?, assignee = ?, created_at = ?, updated_at = ?, resolved_at = ?, version = ?, "
         "inbound_count = ?, transfer_count = ?, reopen_count = ?, csat = ?, csat_comment = ? "
         "WHERE id = ? AND version = ?");
  if (st == NULL)
    return CRM_ERROR;
  bind_case_fields(st, row);
  sqlite3_bind_int64(st, 17, row->id);
  sqlite3_bind_int64(st, 18, old_version);
  crm_status r = crm__sqlite_exec_stmt(s, st, "updating a case");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ECONFLICT,
                             "case %lld is no longer at version %lld (changed meanwhile)",
                             (long long)row->id, (long long)old_version);
  return r;
}

crm_status crm__sqlite_case_query(crm_backend *b, const crm_case_query *q, crm_id after_id,
                                  unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  /* The WHERE clause depends only on which filters are set, so the cache
     holds at most one statement per combination. */
  GString *sql = g_string_new("SELECT " CASE_COLUMNS " FROM cases c WHERE c.id > ?1");
  if (q && q->customer)
    g_string_append(sql, " AND c.customer = ?2");
  if (q && q->queue)
    g_string_append(sql, " AND c.queue = ?3");
  if (q && q->assignee)
    g_string_append(sql, " AND c.assignee = ?4");
  if (q && q->kind)
    g_string_append(sql, " AND c.kind = ?5");
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
  if (q && q->tag)
    g_string_append(sql, " AND EXISTS (SELECT 1 FROM labels l WHERE l.entity = 3 AND "
                         "l.label = ?6 AND l.id = c.id)");
  g_string_append(sql, " ORDER BY c.id LIMIT ?7");

  sqlite3_stmt *st = crm__sqlite_stmt(s, sql->str);
  g_string_free(sql, TRUE);
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, after_id);
  if (q) {
    sqlite3_bind_int64(st, 2, q->customer);
    sqlite3_bind_int64(st, 3, q->queue);
    sqlite3_bind_int64(st, 4, q->assignee);
    sqlite3_bind_int(st, 5, (int)q->kind);
    crm__sqlite_bind_text(st, 6, q->tag);
  }
  sqlite3_bind_int64(st, 7, limit);
  return crm__sqlite_list(s, st, read_case, (crm__sqlite_clear_fn)crm_case_row_clear,
                          sizeof(crm_case_row), cb, payload, "querying cases");
}

crm_status crm__sqlite_case_list_resolved_before(crm_backend *b, int status, crm_time before,
                                                 unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT " CASE_COLUMNS " FROM cases c WHERE c.status = ? AND c.resolved_at > 0 AND "
         "c.resolved_at <= ? ORDER BY c.resolved_at, c.id LIMIT ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, status);
  sqlite3_bind_int64(st, 2, before);
  sqlite3_bind_int64(st, 3, limit);
  return crm__sqlite_list(s, st, read_case, (crm__sqlite_clear_fn)crm_case_row_clear,
                          sizeof(crm_case_row), cb, payload, "listing resolved cases");
}

/* ------------------------------------------------------------------ */
/* links                                                                */

crm_status crm__sqlite_link_insert(crm_backend *b, const crm_link_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO links (from_case, kind, to_case, created_at) VALUES (?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->from);
  sqlite3_bind_int(st, 2, row->kind);
  sqlite3_bind_int64(st, 3, row->to);
  sqlite3_bind_int64(st, 4, row->created_at);
  return crm__sqlite_exec_stmt(s, st, "linking cases");
}

static void read_link(sqlite3_stmt *st, void *p)
{
  crm_link_row *row = p;
  row->from = sqlite3_column_int64(st, 0);
  row->kind = sqlite3_column_int(st, 1);
  row->to = sqlite3_column_int64(st, 2);
  row->created_at = sqlite3_column_int64(st, 3);
}

crm_status crm__sqlite_link_list(crm_backend *b, crm_id case_id, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT from_case, kind, to_case, created_at, rowid FROM links WHERE from_case = ?1 "
         "UNION ALL SELECT from_case, kind, to_case, created_at, rowid FROM links WHERE "
         "to_case = ?1 AND from_case <> ?1 ORDER BY 4, 5");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, case_id);
  return crm__sqlite_list(s, st, read_link, NULL, sizeof(crm_link_row), cb, payload,
                          "listing links");
}
