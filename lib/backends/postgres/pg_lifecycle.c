/*
 * PostgreSQL slots of the customer lifecycle: rows owned by a customer,
 * preferences with their provenance, merge records, duplicate keys, and
 * the rewrites erasure needs (events, interaction texts, participants,
 * attachments).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* ------------------------------------------------------------------ */
/* rows owned by a customer                                             */

static const char *owned_table(crm_owned_t what)
{
  switch (what) {
  case CRM_OWNED_IDENTITY:
    return "crm_identities";
  case CRM_OWNED_CASE:
    return "crm_cases";
  case CRM_OWNED_INTERACTION:
    return "crm_interactions";
  }
  return NULL;
}

static void read_id(const PGresult *res, int r, void *out)
{
  *(crm_id *)out = crm__pg_col_int(res, r, 0);
}

crm_status crm__pg_owned_list(crm_backend *b, crm_owned_t what, crm_id customer, crm_row_fn cb,
                              void *payload)
{
  const char *table = owned_table(what);
  if (table == NULL)
    return crm_backend_error(CRM_EINVALID, "unknown owned row kind %d", (int)what);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  /* the SQL text is the statement cache's key: one per table */
  char *sql = g_strdup_printf("SELECT id FROM %s WHERE customer = $1 ORDER BY id", table);
  crm_status st = crm__pg_list(CRM_PG(b), sql, &p, read_id, NULL, sizeof(crm_id), cb, payload,
                               "listing a customer's rows");
  g_free(sql);
  return st;
}

crm_status crm__pg_owned_move(crm_backend *b, crm_owned_t what, crm_id id, crm_id from, crm_id to)
{
  const char *table = owned_table(what);
  if (table == NULL)
    return crm_backend_error(CRM_EINVALID, "unknown owned row kind %d", (int)what);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, to);
  crm__pg_int(&p, id);
  crm__pg_int(&p, from);
  char *sql = g_strdup_printf("UPDATE %s SET customer = $1 WHERE id = $2 AND customer = $3", table);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b), sql, &p, &changed, "moving a row to another customer");
  g_free(sql);
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "%s row %lld does not belong to customer %lld", table,
                             (long long)id, (long long)from);
  return st;
}

/* ------------------------------------------------------------------ */
/* preferences                                                          */

static void read_preference(const PGresult *res, int r, void *out)
{
  crm_preference_row *row = out;
  row->customer = crm__pg_col_int(res, r, 0);
  row->channel = (int)crm__pg_col_int(res, r, 1);
  row->purpose = crm__pg_col_text(res, r, 2);
  row->allowed = (int)crm__pg_col_int(res, r, 3);
  row->source = crm__pg_col_text(res, r, 4);
  row->updated_at = crm__pg_col_int(res, r, 5);
}

crm_status crm__pg_preference_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  return crm__pg_list(CRM_PG(b),
                      "SELECT customer, channel, purpose, allowed, source, updated_at "
                      "FROM crm_preferences WHERE customer = $1 ORDER BY channel, purpose",
                      &p, read_preference, (crm__pg_clear_fn)crm_preference_row_clear,
                      sizeof(crm_preference_row), cb, payload, "listing preferences");
}

crm_status crm__pg_preference_put(crm_backend *b, const crm_preference_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->customer);
  crm__pg_int(&p, row->channel);
  crm__pg_text(&p, row->purpose);
  crm__pg_int(&p, row->allowed);
  crm__pg_text(&p, row->source);
  crm__pg_int(&p, row->updated_at);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_preferences (customer, channel, purpose, allowed, source, "
                      "updated_at) VALUES ($1, $2, $3, $4, $5, $6) "
                      "ON CONFLICT (customer, channel, purpose) DO UPDATE SET "
                      "allowed = excluded.allowed, source = excluded.source, "
                      "updated_at = excluded.updated_at",
                      &p, NULL, "storing a contact preference");
}

crm_status crm__pg_preference_delete(crm_backend *b, crm_id customer, int channel,
                                     const char *purpose)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  crm__pg_int(&p, channel);
  crm__pg_text(&p, purpose);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b),
                               "DELETE FROM crm_preferences WHERE customer = $1 AND channel = $2 "
                               "AND purpose = $3",
                               &p, &changed, "removing a contact preference");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no preference recorded");
  return st;
}

/* ------------------------------------------------------------------ */
/* merges                                                               */

crm_status crm__pg_merge_insert(crm_backend *b, crm_merge_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->survivor);
  crm__pg_int(&p, row->merged);
  crm__pg_int(&p, row->created_at);
  crm__pg_int(&p, row->undone_at);
  crm__pg_text(&p, row->record ? row->record : "{}");
  return crm__pg_row_int(CRM_PG(b),
                         "INSERT INTO crm_merges (survivor, merged, created_at, undone_at, "
                         "record) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         &p, &row->id, "recording a merge");
}

static void read_merge(const PGresult *res, int r, void *out)
{
  crm_merge_row *row = out;
  row->id = crm__pg_col_int(res, r, 0);
  row->survivor = crm__pg_col_int(res, r, 1);
  row->merged = crm__pg_col_int(res, r, 2);
  row->created_at = crm__pg_col_int(res, r, 3);
  row->undone_at = crm__pg_col_int(res, r, 4);
  row->record = crm__pg_col_text(res, r, 5);
}

crm_status crm__pg_merge_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  return crm__pg_list(CRM_PG(b),
                      "SELECT id, survivor, merged, created_at, undone_at, record FROM crm_merges "
                      "WHERE survivor = $1 UNION "
                      "SELECT id, survivor, merged, created_at, undone_at, record FROM crm_merges "
                      "WHERE merged = $1 ORDER BY id",
                      &p, read_merge, (crm__pg_clear_fn)crm_merge_row_clear, sizeof(crm_merge_row),
                      cb, payload, "listing merges");
}

crm_status crm__pg_merge_update(crm_backend *b, const crm_merge_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->undone_at);
  crm__pg_text(&p, row->record ? row->record : "{}");
  crm__pg_int(&p, row->id);
  long changed = 0;
  crm_status st =
      crm__pg_exec(CRM_PG(b), "UPDATE crm_merges SET undone_at = $1, record = $2 WHERE id = $3", &p,
                   &changed, "updating a merge");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no merge with id %lld", (long long)row->id);
  return st;
}

/* ------------------------------------------------------------------ */
/* duplicate keys                                                       */

crm_status crm__pg_customer_keys_set(crm_backend *b, crm_id customer,
                                     const crm_customer_key_row *keys, size_t n)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  crm_status st = crm__pg_defer(CRM_PG(b), "DELETE FROM crm_customer_keys WHERE customer = $1", &p,
                                "replacing duplicate keys");
  for (size_t i = 0; i < n && st == CRM_OK; i++) {
    crm_pg_params k = CRM_PG_PARAMS_INIT;
    crm__pg_int(&k, keys[i].reason);
    crm__pg_text(&k, keys[i].key);
    crm__pg_int(&k, customer);
    st = crm__pg_defer(CRM_PG(b),
                       "INSERT INTO crm_customer_keys (reason, key, customer) VALUES ($1, $2, $3) "
                       "ON CONFLICT DO NOTHING",
                       &k, "storing a duplicate key");
  }
  return st;
}

static void read_key(const PGresult *res, int r, void *out)
{
  crm_customer_key_row *row = out;
  row->reason = (int)crm__pg_col_int(res, r, 0);
  row->key = crm__pg_col_text(res, r, 1);
  row->customer = crm__pg_col_int(res, r, 2);
}

crm_status crm__pg_customer_keys_find(crm_backend *b, int reason, const char *key, crm_row_fn cb,
                                      void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, reason);
  crm__pg_text(&p, key);
  return crm__pg_list(CRM_PG(b),
                      "SELECT reason, key, customer FROM crm_customer_keys "
                      "WHERE reason = $1 AND key = $2 ORDER BY customer",
                      &p, read_key, (crm__pg_clear_fn)crm_customer_key_row_clear,
                      sizeof(crm_customer_key_row), cb, payload, "finding duplicate keys");
}

/* ------------------------------------------------------------------ */
/* events                                                               */

crm_status crm__pg_event_list_entity(crm_backend *b, const char *entity, crm_id entity_id,
                                     crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, entity);
  crm__pg_int(&p, entity_id);
  return crm__pg_list(CRM_PG(b),
                      "SELECT seq, time, actor, kind, entity, entity_id, payload FROM crm_events "
                      "WHERE entity = $1 AND entity_id = $2 ORDER BY seq",
                      &p, crm__pg_read_event, (crm__pg_clear_fn)crm_event_row_clear,
                      sizeof(crm_event_row), cb, payload, "listing an entity's events");
}

crm_status crm__pg_event_set_payload(crm_backend *b, int64_t seq, const char *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, payload);
  crm__pg_int(&p, seq);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b), "UPDATE crm_events SET payload = $1 WHERE seq = $2", &p,
                               &changed, "rewriting an event");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no event with seq %lld", (long long)seq);
  return st;
}

/* ------------------------------------------------------------------ */
/* rewriting interactions, participants, attachments                    */

crm_status crm__pg_interaction_set_texts(crm_backend *b, const crm_interaction_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, row->subject);
  crm__pg_text(&p, row->body);
  crm__pg_text(&p, row->external_ref);
  crm__pg_text(&p, row->in_reply_to);
  crm__pg_int(&p, row->id);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b),
                               "UPDATE crm_interactions SET subject = $1, body = $2, "
                               "external_ref = $3, in_reply_to = $4 WHERE id = $5",
                               &p, &changed, "rewriting an interaction");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with id %lld", (long long)row->id);
  return st;
}

static void read_participant(const PGresult *res, int r, void *out)
{
  crm_participant_row *row = out;
  row->interaction = crm__pg_col_int(res, r, 0);
  row->kind = (int)crm__pg_col_int(res, r, 1);
  row->value = crm__pg_col_text(res, r, 2);
  row->role = crm__pg_col_text(res, r, 3);
}

crm_status crm__pg_participant_find(crm_backend *b, int kind, const char *value, crm_row_fn cb,
                                    void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, kind);
  crm__pg_text(&p, value);
  return crm__pg_list(CRM_PG(b),
                      "SELECT interaction, kind, value, role FROM crm_participants "
                      "WHERE kind = $1 AND value = $2 ORDER BY interaction, id",
                      &p, read_participant, (crm__pg_clear_fn)crm_participant_row_clear,
                      sizeof(crm_participant_row), cb, payload, "finding participants");
}

crm_status crm__pg_participant_set_value(crm_backend *b, crm_id interaction, int kind,
                                         const char *value, const char *new_value)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, new_value);
  crm__pg_int(&p, interaction);
  crm__pg_int(&p, kind);
  crm__pg_text(&p, value);
  return crm__pg_exec(CRM_PG(b),
                      "UPDATE crm_participants SET value = $1 WHERE interaction = $2 AND "
                      "kind = $3 AND value = $4",
                      &p, NULL, "rewriting a participant");
}

crm_status crm__pg_attachment_rewrite(crm_backend *b, const crm_attachment_row *row)
{
  static const char empty[1] = {0};
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, row->filename);
  crm__pg_text(&p, row->media_type);
  crm__pg_int(&p, (int64_t)row->size);
  crm__pg_text(&p, row->sha256);
  crm__pg_bytes(&p, row->data ? row->data : empty, row->size);
  crm__pg_int(&p, row->id);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b),
                               "UPDATE crm_attachments SET filename = $1, media_type = $2, "
                               "size = $3, sha256 = $4, data = $5 WHERE id = $6",
                               &p, &changed, "rewriting an attachment");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no attachment with id %lld", (long long)row->id);
  return st;
}

/* ------------------------------------------------------------------ */
/* compaction                                                           */

crm_status crm__pg_compact(crm_backend *b)
{
  /* No row holds the old values once the erasing transaction commits;
     the dead tuple versions are PostgreSQL's to reclaim (autovacuum).
     Scrubbing them from the data files needs VACUUM FULL on the whole
     table, a decision for the database's administrator, not per call. */
  (void)b;
  return CRM_OK;
}
