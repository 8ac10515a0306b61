/*
 * PostgreSQL slots: interactions, the timeline, participants and
 * attachments (bytea, sent and read in binary).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

#define INTERACTION_COLUMNS                                                               \
  "id, customer, case_id, agent, channel, direction, outcome, occurred_at, recorded_at, " \
  "subject, body, external_ref, in_reply_to"

static void read_interaction(const PGresult *res, int r, void *out)
{
  crm_interaction_row *row = out;
  row->id = crm__pg_col_int(res, r, 0);
  row->customer = crm__pg_col_int(res, r, 1);
  row->case_id = crm__pg_col_int(res, r, 2);
  row->agent = crm__pg_col_int(res, r, 3);
  row->channel = (int)crm__pg_col_int(res, r, 4);
  row->direction = (int)crm__pg_col_int(res, r, 5);
  row->outcome = (int)crm__pg_col_int(res, r, 6);
  row->occurred_at = crm__pg_col_int(res, r, 7);
  row->recorded_at = crm__pg_col_int(res, r, 8);
  row->subject = crm__pg_col_text(res, r, 9);
  row->body = crm__pg_col_text(res, r, 10);
  row->external_ref = crm__pg_col_text(res, r, 11);
  row->in_reply_to = crm__pg_col_text(res, r, 12);
}

crm_status crm__pg_interaction_find_ref(crm_backend *b, int channel, const char *external_ref,
                                        crm_id *out)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, external_ref);
  if (channel)
    crm__pg_int(&p, channel);
  crm_status st = crm__pg_row_int(
      CRM_PG(b),
      channel ? "SELECT id FROM crm_interactions WHERE external_ref = $1 AND channel = $2"
              : "SELECT id FROM crm_interactions WHERE external_ref = $1 ORDER BY id LIMIT 1",
      &p, out, "finding an interaction by reference");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with external_ref '%s'", external_ref);
  return st;
}

/* Pipelined (pg_pipeline.c): the (channel, external_ref) key cannot be
   taken meanwhile, since the core looked it up in this write transaction
   and writers take turns (pg.c); were it taken all the same, the unique
   violation fails the call when it ends, as CRM_EEXISTS. */
crm_status crm__pg_interaction_insert(crm_backend *b, crm_interaction_row *row, crm_id *existing)
{
  if (existing)
    *existing = 0;
  crm_pg *s = CRM_PG(b);
  int64_t id = 0;
  crm_status st = crm__pg_take_id(s, CRM_PG_ID_INTERACTION, &id);
  if (st != CRM_OK)
    return st;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->customer);
  crm__pg_id(&p, row->case_id);
  crm__pg_id(&p, row->agent);
  crm__pg_int(&p, row->channel);
  crm__pg_int(&p, row->direction);
  crm__pg_int(&p, row->outcome);
  crm__pg_int(&p, row->occurred_at);
  crm__pg_int(&p, row->recorded_at);
  crm__pg_text(&p, row->subject);
  crm__pg_text(&p, row->body);
  crm__pg_text(&p, row->external_ref);
  crm__pg_text(&p, row->in_reply_to);
  crm__pg_int(&p, id);
  if (row->external_ref == NULL) {
    st = crm__pg_defer(s,
                       "INSERT INTO crm_interactions (customer, case_id, agent, channel, "
                       "direction, outcome, occurred_at, recorded_at, subject, body, "
                       "external_ref, in_reply_to, id) OVERRIDING SYSTEM VALUE VALUES ($1, $2, "
                       "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                       &p, "inserting an interaction");
    if (st == CRM_OK)
      row->id = id;
    return st;
  }
  /* A reference is answered at once: the core learns from this insert
     alone that the channel already has it, and which interaction holds it
     (crm_interaction_record returns that id). */
  int64_t inserted = 0;
  st =
      crm__pg_row_int(s,
                      "INSERT INTO crm_interactions (customer, case_id, agent, channel, direction, "
                      "outcome, occurred_at, recorded_at, subject, body, external_ref, "
                      "in_reply_to, id) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, "
                      "$7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id",
                      &p, &inserted, "inserting an interaction");
  if (st == CRM_OK) {
    row->id = inserted;
    return CRM_OK;
  }
  if (st != CRM_ENOTFOUND) /* ENOTFOUND: the (channel, external_ref) key was taken */
    return st;
  crm_id found = 0;
  crm__pg_interaction_find_ref(b, row->channel, row->external_ref, &found);
  if (existing)
    *existing = found;
  return crm_backend_error(CRM_EEXISTS, "external_ref '%s' is already recorded as interaction %lld",
                           row->external_ref, (long long)found);
}

crm_status crm__pg_interaction_get(crm_backend *b, crm_id id, crm_interaction_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  PGresult *res = NULL;
  crm_status st =
      crm__pg_row(CRM_PG(b), "SELECT " INTERACTION_COLUMNS " FROM crm_interactions WHERE id = $1",
                  &p, &res, "reading an interaction");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with id %lld", (long long)id);
  if (st != CRM_OK)
    return st;
  read_interaction(res, 0, out);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_interaction_set_case(crm_backend *b, crm_id id, crm_id case_id)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_id(&p, case_id);
  crm__pg_int(&p, id);
  long changed = 0;
  crm_status st = crm__pg_exec(CRM_PG(b), "UPDATE crm_interactions SET case_id = $1 WHERE id = $2",
                               &p, &changed, "moving an interaction");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "no interaction with id %lld", (long long)id);
  return st;
}

crm_status crm__pg_timeline(crm_backend *b, crm_id customer, crm_id case_id, crm_time before,
                            crm_id before_id, unsigned int limit, crm_row_fn cb, void *payload)
{
  /* Keyset paging on the (owner, occurred_at, id) indexes: the row
     comparison is an index range condition, so each page is one seek. */
  static const char *const sql[2][2] = {
      {"SELECT " INTERACTION_COLUMNS " FROM crm_interactions WHERE customer = $1 "
       "ORDER BY occurred_at DESC, id DESC LIMIT $2",
       "SELECT " INTERACTION_COLUMNS " FROM crm_interactions WHERE customer = $1 "
       "AND (occurred_at, id) < ($3, $4) ORDER BY occurred_at DESC, id DESC LIMIT $2"},
      {"SELECT " INTERACTION_COLUMNS " FROM crm_interactions WHERE case_id = $1 "
       "ORDER BY occurred_at DESC, id DESC LIMIT $2",
       "SELECT " INTERACTION_COLUMNS " FROM crm_interactions WHERE case_id = $1 "
       "AND (occurred_at, id) < ($3, $4) ORDER BY occurred_at DESC, id DESC LIMIT $2"},
  };
  int by_case = customer == 0;
  int paged = before > 0;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, by_case ? case_id : customer);
  crm__pg_int(&p, limit);
  if (paged) {
    crm__pg_int(&p, before);
    /* before_id 0 means "everything at `before` too is excluded". */
    crm__pg_int(&p, before_id > 0 ? before_id : 0);
  }
  return crm__pg_list(CRM_PG(b), sql[by_case][paged], &p, read_interaction,
                      (crm__pg_clear_fn)crm_interaction_row_clear, sizeof(crm_interaction_row), cb,
                      payload, "reading a timeline");
}

/* ------------------------------------------------------------------ */
/* participants                                                         */

crm_status crm__pg_participant_insert(crm_backend *b, const crm_participant_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->interaction);
  crm__pg_int(&p, row->kind);
  crm__pg_text(&p, row->value);
  crm__pg_text(&p, row->role);
  long inserted = 0;
  crm_status st = crm__pg_exec(CRM_PG(b),
                               "INSERT INTO crm_participants (interaction, kind, value, role) "
                               "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               &p, &inserted, "recording a participant");
  if (st == CRM_OK && inserted == 0)
    return crm_backend_error(CRM_EEXISTS, "'%s' already takes part as '%s'", row->value, row->role);
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

crm_status crm__pg_participant_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                    void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, interaction);
  return crm__pg_list(CRM_PG(b),
                      "SELECT interaction, kind, value, role FROM crm_participants "
                      "WHERE interaction = $1 ORDER BY id",
                      &p, read_participant, (crm__pg_clear_fn)crm_participant_row_clear,
                      sizeof(crm_participant_row), cb, payload, "listing participants");
}

/* ------------------------------------------------------------------ */
/* attachments                                                          */

crm_status crm__pg_attachment_insert(crm_backend *b, crm_attachment_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->interaction);
  crm__pg_text(&p, row->filename);
  crm__pg_text(&p, row->media_type);
  crm__pg_int(&p, (int64_t)row->size);
  crm__pg_text(&p, row->sha256);
  crm__pg_bytes(&p, row->data, row->size);
  return crm__pg_row_int(CRM_PG(b),
                         "INSERT INTO crm_attachments (interaction, filename, media_type, size, "
                         "sha256, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         &p, &row->id, "storing an attachment");
}

static void read_attachment_meta(const PGresult *res, int r, void *out)
{
  crm_attachment_row *row = out;
  row->id = crm__pg_col_int(res, r, 0);
  row->interaction = crm__pg_col_int(res, r, 1);
  row->filename = crm__pg_col_text(res, r, 2);
  row->media_type = crm__pg_col_text(res, r, 3);
  row->size = (size_t)crm__pg_col_int(res, r, 4);
  g_strlcpy(row->sha256, PQgetisnull(res, r, 5) ? "" : PQgetvalue(res, r, 5), sizeof row->sha256);
}

crm_status crm__pg_attachment_get(crm_backend *b, crm_id id, crm_attachment_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg *s = CRM_PG(b);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  /* Binary results: the bytes of data as stored, no hex escaping. */
  PGresult *res = NULL;
  crm_status st = crm__pg_run(s,
                              "SELECT id, interaction, filename, media_type, size, sha256, data "
                              "FROM crm_attachments WHERE id = $1",
                              &p, 1, &res, "reading an attachment");
  if (st != CRM_OK)
    return st;
  if (PQntuples(res) == 0) {
    PQclear(res);
    return crm_backend_error(CRM_ENOTFOUND, "no attachment with id %lld", (long long)id);
  }
  read_attachment_meta(res, 0, out);
  size_t n = (size_t)PQgetlength(res, 0, 6);
  out->data = malloc(n ? n : 1);
  if (out->data == NULL) {
    PQclear(res);
    crm_attachment_row_clear(out);
    return crm_backend_error(CRM_ENOMEM, "out of memory reading attachment %lld", (long long)id);
  }
  if (n)
    memcpy(out->data, PQgetvalue(res, 0, 6), n);
  out->size = n;
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_attachment_list(crm_backend *b, crm_id interaction, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, interaction);
  return crm__pg_list(CRM_PG(b),
                      "SELECT id, interaction, filename, media_type, size, sha256 "
                      "FROM crm_attachments WHERE interaction = $1 ORDER BY id",
                      &p, read_attachment_meta, (crm__pg_clear_fn)crm_attachment_row_clear,
                      sizeof(crm_attachment_row), cb, payload, "listing attachments");
}
