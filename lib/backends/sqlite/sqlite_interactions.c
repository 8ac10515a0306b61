/*
 * SQLite slots: interactions, the timeline, participants and attachments.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

#define INTERACTION_COLUMNS                                                               \
  "id, customer, case_id, agent, channel, direction, outcome, occurred_at, recorded_at, " \
  "subject, body, external_ref, in_reply_to"

static void read_interaction(sqlite3_stmt *st, void *p)
{
  crm_interaction_row *row = p;
  row->id = sqlite3_column_int64(st, 0);
  row->customer = sqlite3_column_int64(st, 1);
  row->case_id = crm__sqlite_col_id(st, 2);
  row->agent = crm__sqlite_col_id(st, 3);
  row->channel = sqlite3_column_int(st, 4);
  row->direction = sqlite3_column_int(st, 5);
  row->outcome = sqlite3_column_int(st, 6);
  row->occurred_at = sqlite3_column_int64(st, 7);
  row->recorded_at = sqlite3_column_int64(st, 8);
  row->subject = crm__sqlite_col_text(st, 9);
  row->body = crm__sqlite_col_text(st, 10);
  row->external_ref = crm__sqlite_col_text(st, 11);
  row->in_reply_to = crm__sqlite_col_text(st, 12);
}

crm_status crm__sqlite_interaction_find_ref(crm_backend *b, int channel, const char *external_ref,
                                            crm_id *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  *out = 0;
  sqlite3_stmt *st =
      channel ? crm__sqlite_stmt(s, "SELECT id FROM interactions WHERE channel = ?1 AND "
                                    "external_ref = ?2")
              : crm__sqlite_stmt(s, "SELECT id FROM interactions WHERE external_ref = ?2 "
                                    "ORDER BY id LIMIT 1");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, channel);
  crm__sqlite_bind_text(st, 2, external_ref);
  crm_status r = crm__sqlite_step_row(s, st, "finding an interaction by reference");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with external_ref '%s'", external_ref);
  if (r != CRM_OK)
    return r;
  *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_interaction_insert(crm_backend *b, crm_interaction_row *row,
                                          crm_id *existing)
{
  crm_sqlite *s = CRM_SQLITE(b);
  if (existing)
    *existing = 0;
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO interactions (customer, case_id, agent, channel, direction, outcome, "
         "occurred_at, recorded_at, subject, body, external_ref, in_reply_to) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->customer);
  crm__sqlite_bind_id(st, 2, row->case_id);
  crm__sqlite_bind_id(st, 3, row->agent);
  sqlite3_bind_int(st, 4, row->channel);
  sqlite3_bind_int(st, 5, row->direction);
  sqlite3_bind_int(st, 6, row->outcome);
  sqlite3_bind_int64(st, 7, row->occurred_at);
  sqlite3_bind_int64(st, 8, row->recorded_at);
  crm__sqlite_bind_text(st, 9, row->subject);
  crm__sqlite_bind_text(st, 10, row->body);
  crm__sqlite_bind_text(st, 11, row->external_ref);
  crm__sqlite_bind_text(st, 12, row->in_reply_to);
  crm_status r = crm__sqlite_exec_stmt(s, st, "inserting an interaction");
  if (r == CRM_OK) {
    row->id = sqlite3_last_insert_rowid(s->db);
    return CRM_OK;
  }
  if (r == CRM_EEXISTS && row->external_ref) {
    crm_id found = 0;
    crm__sqlite_interaction_find_ref(b, row->channel, row->external_ref, &found);
    if (existing)
      *existing = found;
    return crm_backend_error(CRM_EEXISTS,
                             "external_ref '%s' is already recorded as interaction "
                             "%lld",
                             row->external_ref, (long long)found);
  }
  return r;
}

crm_status crm__sqlite_interaction_get(crm_backend *b, crm_id id, crm_interaction_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT " INTERACTION_COLUMNS " FROM interactions WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  crm_status r = crm__sqlite_step_row(s, st, "reading an interaction");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with id %lld", (long long)id);
  if (r != CRM_OK)
    return r;
  read_interaction(st, out);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_interaction_set_case(crm_backend *b, crm_id id, crm_id case_id)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "UPDATE interactions SET case_id = ? WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_id(st, 1, case_id);
  sqlite3_bind_int64(st, 2, id);
  crm_status r = crm__sqlite_exec_stmt(s, st, "moving an interaction");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with id %lld", (long long)id);
  return r;
}

crm_status crm__sqlite_timeline(crm_backend *b, crm_id customer, crm_id case_id, crm_time before,
                                crm_id before_id, unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  /* Keyset paging on the (owner, occurred_at, id) indexes: the row-value
     comparison lets SQLite seek straight to the page. */
  static const char *const sql[2][2] = {
      {"SELECT " INTERACTION_COLUMNS " FROM interactions WHERE customer = ?1 "
       "ORDER BY occurred_at DESC, id DESC LIMIT ?4",
       "SELECT " INTERACTION_COLUMNS " FROM interactions WHERE customer = ?1 "
       "AND (occurred_at, id) < (?2, ?3) ORDER BY occurred_at DESC, id DESC LIMIT ?4"},
      {"SELECT " INTERACTION_COLUMNS " FROM interactions WHERE case_id = ?1 "
       "ORDER BY occurred_at DESC, id DESC LIMIT ?4",
       "SELECT " INTERACTION_COLUMNS " FROM interactions WHERE case_id = ?1 "
       "AND (occurred_at, id) < (?2, ?3) ORDER BY occurred_at DESC, id DESC LIMIT ?4"},
  };
  int by_case = customer == 0;
  int paged = before > 0;
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql[by_case][paged]);
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, by_case ? case_id : customer);
  /* before_id 0 means "everything at `before` too is excluded". */
  sqlite3_bind_int64(st, 2, before);
  sqlite3_bind_int64(st, 3, before_id > 0 ? before_id : 0);
  sqlite3_bind_int64(st, 4, limit);
  return crm__sqlite_list(s, st, read_interaction, (crm__sqlite_clear_fn)crm_interaction_row_clear,
                          sizeof(crm_interaction_row), cb, payload, "reading a timeline");
}

/* ------------------------------------------------------------------ */
/* participants                                                         */

crm_status crm__sqlite_participant_insert(crm_backend *b, const crm_participant_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO participants (interaction, kind, value, role) VALUES (?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->interaction);
  sqlite3_bind_int(st, 2, row->kind);
  crm__sqlite_bind_text(st, 3, row->value);
  crm__sqlite_bind_text(st, 4, row->role);
  return crm__sqlite_exec_stmt(s, st, "recording a participant");
}

static void read_participant(sqlite3_stmt *st, void *p)
{
  crm_participant_row *row = p;
  row->interaction = sqlite3_column_int64(st, 0);
  row->kind = sqlite3_column_int(st, 1);
  row->value = crm__sqlite_col_text(st, 2);
  row->role = crm__sqlite_col_text(st, 3);
}

crm_status crm__sqlite_participant_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                        void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT interaction, kind, value, role FROM "
                                         "participants WHERE interaction = ? ORDER BY id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, interaction);
  return crm__sqlite_list(s, st, read_participant, (crm__sqlite_clear_fn)crm_participant_row_clear,
                          sizeof(crm_participant_row), cb, payload, "listing participants");
}

/* ------------------------------------------------------------------ */
/* attachments                                                          */

crm_status crm__sqlite_attachment_insert(crm_backend *b, crm_attachment_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO attachments (interaction, filename, media_type, size, sha256, data) "
         "VALUES (?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->interaction);
  crm__sqlite_bind_text(st, 2, row->filename);
  crm__sqlite_bind_text(st, 3, row->media_type);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)row->size);
  crm__sqlite_bind_text(st, 5, row->sha256);
  /* zeroblob keeps a 0-byte attachment NOT NULL */
  if (row->size == 0)
    sqlite3_bind_zeroblob(st, 6, 0);
  else
    sqlite3_bind_blob64(st, 6, row->data, row->size, SQLITE_STATIC);
  return crm__sqlite_insert(s, st, "storing an attachment", &row->id);
}

static void read_attachment_meta(sqlite3_stmt *st, void *p)
{
  crm_attachment_row *row = p;
  row->id = sqlite3_column_int64(st, 0);
  row->interaction = sqlite3_column_int64(st, 1);
  row->filename = crm__sqlite_col_text(st, 2);
  row->media_type = crm__sqlite_col_text(st, 3);
  row->size = (size_t)sqlite3_column_int64(st, 4);
  const unsigned char *sha = sqlite3_column_text(st, 5);
  g_strlcpy(row->sha256, sha ? (const char *)sha : "", sizeof row->sha256);
}

crm_status crm__sqlite_attachment_get(crm_backend *b, crm_id id, crm_attachment_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT id, interaction, filename, media_type, size, "
                                         "sha256, data FROM attachments WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  crm_status r = crm__sqlite_step_row(s, st, "reading an attachment");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no attachment with id %lld", (long long)id);
  if (r != CRM_OK)
    return r;
  read_attachment_meta(st, out);
  const void *data = sqlite3_column_blob(st, 6);
  size_t n = (size_t)sqlite3_column_bytes(st, 6);
  out->data = malloc(n ? n : 1);
  if (out->data == NULL) {
    sqlite3_reset(st);
    crm_attachment_row_clear(out);
    return crm_backend_error(CRM_ENOMEM, "out of memory reading attachment %lld", (long long)id);
  }
  if (n)
    memcpy(out->data, data, n);
  out->size = n;
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_attachment_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                       void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT id, interaction, filename, media_type, size, "
                                         "sha256 FROM attachments WHERE interaction = ? ORDER "
                                         "BY id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, interaction);
  return crm__sqlite_list(s, st, read_attachment_meta,
                          (crm__sqlite_clear_fn)crm_attachment_row_clear,
                          sizeof(crm_attachment_row), cb, payload, "listing attachments");
}
