/*
 * SQLite slots: settings, consumer cursors and the event feed.
 *
 * Sequence numbers are in commit order because every write transaction
 * takes SQLite's single write lock at BEGIN IMMEDIATE: events are numbered
 * by AUTOINCREMENT in the order their transactions hold that lock.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

crm_status crm__sqlite_setting_get(crm_backend *b, const char *name, char **out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  *out = NULL;
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT value FROM settings WHERE name = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, name);
  crm_status r = crm__sqlite_step_row(s, st, "reading a setting");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "setting '%s' was never set", name);
  if (r != CRM_OK)
    return r;
  *out = crm__sqlite_col_text(st, 0);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_setting_set(crm_backend *b, const char *name, const char *value)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO settings (name, value) VALUES (?, ?) "
                                         "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, name);
  crm__sqlite_bind_text(st, 2, value);
  return crm__sqlite_exec_stmt(s, st, "storing a setting");
}

crm_status crm__sqlite_cursor_get(crm_backend *b, const char *consumer, int64_t *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  *out = 0;
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT seq FROM cursors WHERE consumer = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, consumer);
  crm_status r = crm__sqlite_step_row(s, st, "reading a cursor");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "consumer '%s' has no cursor", consumer);
  if (r != CRM_OK)
    return r;
  *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_cursor_set(crm_backend *b, const char *consumer, int64_t seq)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO cursors (consumer, seq) VALUES (?, ?) "
                                         "ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, consumer);
  sqlite3_bind_int64(st, 2, seq);
  return crm__sqlite_exec_stmt(s, st, "storing a cursor");
}

crm_status crm__sqlite_event_append(crm_backend *b, crm_event_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "INSERT INTO events (time, actor, kind, entity, entity_id, payload) "
                          "VALUES (?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->time);
  crm__sqlite_bind_id(st, 2, row->actor);
  crm__sqlite_bind_text(st, 3, row->kind);
  crm__sqlite_bind_text(st, 4, row->entity);
  sqlite3_bind_int64(st, 5, row->entity_id);
  crm__sqlite_bind_text(st, 6, row->payload);
  return crm__sqlite_insert(s, st, "appending an event", &row->seq);
}

void crm__sqlite_read_event(sqlite3_stmt *st, void *p)
{
  crm_event_row *row = p;
  row->seq = sqlite3_column_int64(st, 0);
  row->time = sqlite3_column_int64(st, 1);
  row->actor = crm__sqlite_col_id(st, 2);
  row->kind = crm__sqlite_col_text(st, 3);
  row->entity = crm__sqlite_col_text(st, 4);
  row->entity_id = sqlite3_column_int64(st, 5);
  row->payload = crm__sqlite_col_text(st, 6);
}

crm_status crm__sqlite_event_list(crm_backend *b, int64_t after_seq, unsigned int limit,
                                  crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT seq, time, actor, kind, entity, entity_id, payload FROM events "
                          "WHERE seq > ? ORDER BY seq LIMIT ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, after_seq);
  sqlite3_bind_int64(st, 2, limit);
  return crm__sqlite_list(s, st, crm__sqlite_read_event, (crm__sqlite_clear_fn)crm_event_row_clear,
                          sizeof(crm_event_row), cb, payload, "reading events");
}
