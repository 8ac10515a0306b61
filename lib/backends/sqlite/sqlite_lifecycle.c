/*
 * SQLite slots of the customer lifecycle: rows owned by a customer,
 * preferences with their provenance, merge records, duplicate keys, and
 * the rewrites erasure needs (events, interaction texts, participants,
 * attachments), plus the compaction that scrubs the files afterwards.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* rows owned by a customer                                             */

static const char *owned_table(crm_owned_t what)
{
  switch (what) {
  case CRM_OWNED_IDENTITY:
    return "identities";
  case CRM_OWNED_CASE:
    return "cases";
  case CRM_OWNED_INTERACTION:
    return "interactions";
  }
  return NULL;
}

static void read_id(sqlite3_stmt *st, void *p)
{
  *(crm_id *)p = sqlite3_column_int64(st, 0);
}

crm_status crm__sqlite_owned_list(crm_backend *b, crm_owned_t what, crm_id customer, crm_row_fn cb,
                                  void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  const char *table = owned_table(what);
  if (table == NULL)
    return crm_backend_error(CRM_EINVALID, "unknown owned row kind %d", (int)what);
  /* One cached statement per table: the SQL text is the cache key. */
  char *sql = g_strdup_printf("SELECT id FROM %s WHERE customer = ? ORDER BY id", table);
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql);
  g_free(sql);
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  return crm__sqlite_list(s, st, read_id, NULL, sizeof(crm_id), cb, payload,
                          "listing a customer's rows");
}

crm_status crm__sqlite_owned_move(crm_backend *b, crm_owned_t what, crm_id id, crm_id from,
                                  crm_id to)
{
  crm_sqlite *s = CRM_SQLITE(b);
  const char *table = owned_table(what);
  if (table == NULL)
    return crm_backend_error(CRM_EINVALID, "unknown owned row kind %d", (int)what);
  char *sql = g_strdup_printf("UPDATE %s SET customer = ? WHERE id = ? AND customer = ?", table);
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql);
  g_free(sql);
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, to);
  sqlite3_bind_int64(st, 2, id);
  sqlite3_bind_int64(st, 3, from);
  crm_status r = crm__sqlite_exec_stmt(s, st, "moving a row to another customer");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "%s row %lld does not belong to customer %lld", table,
                             (long long)id, (long long)from);
  return r;
}

/* ------------------------------------------------------------------ */
/* preferences                                                          */

static void read_preference(sqlite3_stmt *st, void *p)
{
  crm_preference_row *row = p;
  row->customer = sqlite3_column_int64(st, 0);
  row->channel = sqlite3_column_int(st, 1);
  row->purpose = crm__sqlite_col_text(st, 2);
  row->allowed = sqlite3_column_int(st, 3);
  row->source = crm__sqlite_col_text(st, 4);
  row->updated_at = sqlite3_column_int64(st, 5);
}

crm_status crm__sqlite_preference_list(crm_backend *b, crm_id customer, crm_row_fn cb,
                                       void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT customer, channel, purpose, allowed, source, updated_at FROM preferences "
         "WHERE customer = ? ORDER BY channel, purpose");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  return crm__sqlite_list(s, st, read_preference, (crm__sqlite_clear_fn)crm_preference_row_clear,
                          sizeof(crm_preference_row), cb, payload, "listing preferences");
}

crm_status crm__sqlite_preference_put(crm_backend *b, const crm_preference_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO preferences (customer, channel, purpose, allowed, source, updated_at) "
         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (customer, channel, purpose) DO UPDATE SET "
         "allowed = excluded.allowed, source = excluded.source, updated_at = excluded.updated_at");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->customer);
  sqlite3_bind_int(st, 2, row->channel);
  crm__sqlite_bind_text(st, 3, row->purpose);
  sqlite3_bind_int(st, 4, row->allowed);
  crm__sqlite_bind_text(st, 5, row->source);
  sqlite3_bind_int64(st, 6, row->updated_at);
  return crm__sqlite_exec_stmt(s, st, "storing a contact preference");
}

crm_status crm__sqlite_preference_delete(crm_backend *b, crm_id customer, int channel,
                                         const char *purpose)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "DELETE FROM preferences WHERE customer = ? AND channel = ? AND purpose = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  sqlite3_bind_int(st, 2, channel);
  crm__sqlite_bind_text(st, 3, purpose);
  crm_status r = crm__sqlite_exec_stmt(s, st, "removing a contact preference");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no preference recorded");
  return r;
}

/* ------------------------------------------------------------------ */
/* merges                                                               */

crm_status crm__sqlite_merge_insert(crm_backend *b, crm_merge_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO merges (survivor, merged, created_at, "
                                         "undone_at, record) VALUES (?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->survivor);
  sqlite3_bind_int64(st, 2, row->merged);
  sqlite3_bind_int64(st, 3, row->created_at);
  sqlite3_bind_int64(st, 4, row->undone_at);
  crm__sqlite_bind_text(st, 5, row->record ? row->record : "{}");
  return crm__sqlite_insert(s, st, "recording a merge", &row->id);
}

static void read_merge(sqlite3_stmt *st, void *p)
{
  crm_merge_row *row = p;
  row->id = sqlite3_column_int64(st, 0);
  row->survivor = sqlite3_column_int64(st, 1);
  row->merged = sqlite3_column_int64(st, 2);
  row->created_at = sqlite3_column_int64(st, 3);
  row->undone_at = sqlite3_column_int64(st, 4);
  row->record = crm__sqlite_col_text(st, 5);
}

crm_status crm__sqlite_merge_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  /* Two index lookups (survivor, merged), not an OR over the table. */
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT id, survivor, merged, created_at, undone_at, record FROM merges "
                          "WHERE survivor = ?1 UNION "
                          "SELECT id, survivor, merged, created_at, undone_at, record FROM merges "
                          "WHERE merged = ?1 ORDER BY id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  return crm__sqlite_list(s, st, read_merge, (crm__sqlite_clear_fn)crm_merge_row_clear,
                          sizeof(crm_merge_row), cb, payload, "listing merges");
}

crm_status crm__sqlite_merge_update(crm_backend *b, const crm_merge_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "UPDATE merges SET undone_at = ?, record = ? WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->undone_at);
  crm__sqlite_bind_text(st, 2, row->record ? row->record : "{}");
  sqlite3_bind_int64(st, 3, row->id);
  crm_status r = crm__sqlite_exec_stmt(s, st, "updating a merge");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no merge with id %lld", (long long)row->id);
  return r;
}

/* ------------------------------------------------------------------ */
/* duplicate keys                                                       */

crm_status crm__sqlite_customer_keys_set(crm_backend *b, crm_id customer,
                                         const crm_customer_key_row *keys, size_t n)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "DELETE FROM customer_keys WHERE customer = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  crm_status r = crm__sqlite_exec_stmt(s, st, "replacing duplicate keys");
  for (size_t i = 0; i < n && r == CRM_OK; i++) {
    st = crm__sqlite_stmt(s, "INSERT OR IGNORE INTO customer_keys (reason, key, customer) "
                             "VALUES (?, ?, ?)");
    if (st == NULL)
      return CRM_ERROR;
    sqlite3_bind_int(st, 1, keys[i].reason);
    crm__sqlite_bind_text(st, 2, keys[i].key);
    sqlite3_bind_int64(st, 3, customer);
    r = crm__sqlite_exec_stmt(s, st, "storing a duplicate key");
  }
  return r;
}

static void read_key(sqlite3_stmt *st, void *p)
{
  crm_customer_key_row *row = p;
  row->reason = sqlite3_column_int(st, 0);
  row->key = crm__sqlite_col_text(st, 1);
  row->customer = sqlite3_column_int64(st, 2);
}

crm_status crm__sqlite_customer_keys_find(crm_backend *b, int reason, const char *key,
                                          crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT reason, key, customer FROM customer_keys "
                                         "WHERE reason = ? AND key = ? ORDER BY customer");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, reason);
  crm__sqlite_bind_text(st, 2, key);
  return crm__sqlite_list(s, st, read_key, (crm__sqlite_clear_fn)crm_customer_key_row_clear,
                          sizeof(crm_customer_key_row), cb, payload, "finding duplicate keys");
}

/* ------------------------------------------------------------------ */
/* events                                                               */

crm_status crm__sqlite_event_list_entity(crm_backend *b, const char *entity, crm_id entity_id,
                                         crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT seq, time, actor, kind, entity, entity_id, payload FROM events "
                          "WHERE entity = ? AND entity_id = ? ORDER BY seq");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, entity);
  sqlite3_bind_int64(st, 2, entity_id);
  return crm__sqlite_list(s, st, crm__sqlite_read_event, (crm__sqlite_clear_fn)crm_event_row_clear,
                          sizeof(crm_event_row), cb, payload, "listing an entity's events");
}

crm_status crm__sqlite_event_set_payload(crm_backend *b, int64_t seq, const char *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "UPDATE events SET payload = ? WHERE seq = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, payload);
  sqlite3_bind_int64(st, 2, seq);
  crm_status r = crm__sqlite_exec_stmt(s, st, "rewriting an event");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no event with seq %lld", (long long)seq);
  return r;
}

/* ------------------------------------------------------------------ */
/* rewriting interactions, participants, attachments                    */

crm_status crm__sqlite_interaction_set_texts(crm_backend *b, const crm_interaction_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "UPDATE interactions SET subject = ?, body = ?, "
                                         "external_ref = ?, in_reply_to = ? WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, row->subject);
  crm__sqlite_bind_text(st, 2, row->body);
  crm__sqlite_bind_text(st, 3, row->external_ref);
  crm__sqlite_bind_text(st, 4, row->in_reply_to);
  sqlite3_bind_int64(st, 5, row->id);
  crm_status r = crm__sqlite_exec_stmt(s, st, "rewriting an interaction");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with id %lld", (long long)row->id);
  return r;
}

static void read_participant(sqlite3_stmt *st, void *p)
{
  crm_participant_row *row = p;
  row->interaction = sqlite3_column_int64(st, 0);
  row->kind = sqlite3_column_int(st, 1);
  row->value = crm__sqlite_col_text(st, 2);
  row->role = crm__sqlite_col_text(st, 3);
}

crm_status crm__sqlite_participant_find(crm_backend *b, int kind, const char *value, crm_row_fn cb,
                                        void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT interaction, kind, value, role FROM participants "
                                         "WHERE kind = ? AND value = ? ORDER BY interaction, id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, kind);
  crm__sqlite_bind_text(st, 2, value);
  return crm__sqlite_list(s, st, read_participant, (crm__sqlite_clear_fn)crm_participant_row_clear,
                          sizeof(crm_participant_row), cb, payload, "finding participants");
}

crm_status crm__sqlite_participant_set_value(crm_backend *b, crm_id interaction, int kind,
                                             const char *value, const char *new_value)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "UPDATE participants SET value = ? WHERE "
                                         "interaction = ? AND kind = ? AND value = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, new_value);
  sqlite3_bind_int64(st, 2, interaction);
  sqlite3_bind_int(st, 3, kind);
  crm__sqlite_bind_text(st, 4, value);
  return crm__sqlite_exec_stmt(s, st, "rewriting a participant");
}

crm_status crm__sqlite_attachment_rewrite(crm_backend *b, const crm_attachment_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "UPDATE attachments SET filename = ?, media_type = ?, "
                                         "size = ?, sha256 = ?, data = ? WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  crm__sqlite_bind_text(st, 1, row->filename);
  crm__sqlite_bind_text(st, 2, row->media_type);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)row->size);
  crm__sqlite_bind_text(st, 4, row->sha256);
  if (row->size == 0 || row->data == NULL)
    sqlite3_bind_zeroblob(st, 5, 0);
  else
    sqlite3_bind_blob64(st, 5, row->data, row->size, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, row->id);
  crm_status r = crm__sqlite_exec_stmt(s, st, "rewriting an attachment");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no attachment with id %lld", (long long)row->id);
  return r;
}

/* ------------------------------------------------------------------ */
/* compaction                                                           */

crm_status crm__sqlite_compact(crm_backend *b)
{
  crm_sqlite *s = CRM_SQLITE(b);
  if (!sqlite3_get_autocommit(s->db))
    return crm_backend_error(CRM_EINVALID, "compaction cannot run inside a transaction");
  /* The search indexes keep a deleted row's tokens in their older
     segments (SQLite before 3.42 has no FTS5 secure-delete) until a merge
     rewrites them: 'optimize' merges every segment into one, and
     secure_delete zeroes the pages the old segments held. Cheap when an
     index is already one segment (nothing written since). */
  crm_status st =
      crm__sqlite_exec(s,
                       "BEGIN IMMEDIATE;"
                       "INSERT INTO interactions_fts (interactions_fts) VALUES ('optimize');"
                       "INSERT INTO cases_fts (cases_fts) VALUES ('optimize');"
                       "INSERT INTO customers_fts (customers_fts) VALUES ('optimize');"
                       "COMMIT",
                       "merging the search indexes");
  if (st != CRM_OK) {
    if (!sqlite3_get_autocommit(s->db))
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
  }
  /* secure_delete (set at open) zeroed what the transactions freed; the
     old page images still live in the WAL until a checkpoint copies the
     new ones over them and TRUNCATE empties the log. */
  int log_frames = -1, checkpointed = -1;
  int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames,
                                     &checkpointed);
  if (rc != SQLITE_OK)
    return crm__sqlite_fail(s, sqlite3_extended_errcode(s->db), "checkpointing the WAL");
  return CRM_OK;
}
