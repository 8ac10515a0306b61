/*
 * The SQLite backend's private parts: the backend object, the statement
 * cache and the helpers every slot uses.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_SQLITE_INTERNAL_H
#define CRM_SQLITE_INTERNAL_H

#include <glib.h>
#include <sqlite3.h>

#include "crm/sys/backend.h"

typedef struct {
  crm_backend base; /* must be first */
  sqlite3 *db;
  GHashTable *stmts;      /* SQL text -> sqlite3_stmt*, prepared once per handle */
  GHashTable *by_address; /* SQL text's address -> a statement of `stmts` (a hint: the
                             text is compared before use) */
  int busy_timeout_ms;
} crm_sqlite;

#define CRM_SQLITE(b) ((crm_sqlite *)(b))

/* The schema version this library writes (sqlite_schema.c). */
extern const int crm__sqlite_schema_version;
/* Bring the schema from `from` up to crm__sqlite_schema_version. */
crm_status crm__sqlite_migrate(crm_sqlite *s, int from);

/* A cached, reset statement for `sql` (NULL on error, recorded). */
sqlite3_stmt *crm__sqlite_stmt(crm_sqlite *s, const char *sql);
/* Map a SQLite result code to a crm_status, recording the message. */
crm_status crm__sqlite_fail(crm_sqlite *s, int rc, const char *doing);
/* Run a statement that returns no rows; CRM_EEXISTS on a UNIQUE violation. */
crm_status crm__sqlite_exec_stmt(crm_sqlite *s, sqlite3_stmt *st, const char *doing);
/* Run an INSERT and store the new rowid in *id on success. */
crm_status crm__sqlite_insert(crm_sqlite *s, sqlite3_stmt *st, const char *doing, int64_t *id);
/* Step a single-row query: CRM_OK with a row, CRM_ENOTFOUND without. */
crm_status crm__sqlite_step_row(crm_sqlite *s, sqlite3_stmt *st, const char *doing);
/* Run plain SQL (no parameters). */
crm_status crm__sqlite_exec(crm_sqlite *s, const char *sql, const char *doing);

/* Column helpers: malloc'd copy of a text column (NULL stays NULL). */
char *crm__sqlite_col_text(sqlite3_stmt *st, int col);
/* Bind text or NULL. */
int crm__sqlite_bind_text(sqlite3_stmt *st, int idx, const char *text);
/* Bind an id, 0 as NULL. */
int crm__sqlite_bind_id(sqlite3_stmt *st, int idx, crm_id id);
/* An id column, NULL as 0. */
crm_id crm__sqlite_col_id(sqlite3_stmt *st, int col);

/* Run `st` and call cb for each row built by `read` into a stack row
   cleared by `clear`: the shared loop of every list slot. */
typedef void (*crm__sqlite_read_fn)(sqlite3_stmt *st, void *row);
typedef void (*crm__sqlite_clear_fn)(void *row);
crm_status crm__sqlite_list(crm_sqlite *s, sqlite3_stmt *st, crm__sqlite_read_fn read,
                            crm__sqlite_clear_fn clear, size_t row_size, crm_row_fn cb,
                            void *payload, const char *doing);

/* An events row (seq, time, actor, kind, entity, entity_id, payload) into a
   crm_event_row (sqlite_feed.c; the erase slots read events too). */
void crm__sqlite_read_event(sqlite3_stmt *st, void *p);

/* Slots, by file. */
/* sqlite_feed.c: settings, cursors, events */
crm_status crm__sqlite_setting_get(crm_backend *b, const char *name, char **out);
crm_status crm__sqlite_setting_set(crm_backend *b, const char *name, const char *value);
crm_status crm__sqlite_cursor_get(crm_backend *b, const char *consumer, int64_t *out);
crm_status crm__sqlite_cursor_set(crm_backend *b, const char *consumer, int64_t seq);
crm_status crm__sqlite_event_append(crm_backend *b, crm_event_row *row);
crm_status crm__sqlite_event_list(crm_backend *b, int64_t after_seq, unsigned int limit,
                                  crm_row_fn cb, void *payload);

/* sqlite_customers.c: customers, identities, preferences, attributes, labels */
crm_status crm__sqlite_customer_insert(crm_backend *b, crm_customer_row *row);
crm_status crm__sqlite_customer_get(crm_backend *b, crm_id id, crm_customer_row *out);
crm_status crm__sqlite_customer_update(crm_backend *b, const crm_customer_row *row,
                                       int64_t old_version);
crm_status crm__sqlite_identity_insert(crm_backend *b, const crm_identity_row *row, crm_id *owner);
crm_status crm__sqlite_identity_find(crm_backend *b, int kind, const char *value, crm_id *customer);
crm_status crm__sqlite_identity_delete(crm_backend *b, crm_id customer, int kind,
                                       const char *value);
crm_status crm__sqlite_identity_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
crm_status crm__sqlite_preference_get(crm_backend *b, crm_id customer, int channel,
                                      const char *purpose, int *allowed);
crm_status crm__sqlite_preference_set(crm_backend *b, crm_id customer, int channel,
                                      const char *purpose, int allowed, crm_time at);
crm_status crm__sqlite_attribute_set(crm_backend *b, crm_entity_t entity, crm_id id,
                                     const char *key, const char *value);
crm_status crm__sqlite_attribute_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                                      void *payload);
crm_status crm__sqlite_label_add(crm_backend *b, crm_entity_t entity, crm_id id, const char *label);
crm_status crm__sqlite_label_remove(crm_backend *b, crm_entity_t entity, crm_id id,
                                    const char *label);
crm_status crm__sqlite_label_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                                  void *payload);

/* sqlite_cases.c: queues, agents, memberships, cases, links */
crm_status crm__sqlite_queue_insert(crm_backend *b, crm_party_row *row, crm_id *existing);
crm_status crm__sqlite_queue_get(crm_backend *b, crm_id id, crm_party_row *out);
crm_status crm__sqlite_agent_insert(crm_backend *b, crm_party_row *row, crm_id *existing);
crm_status crm__sqlite_agent_get(crm_backend *b, crm_id id, crm_party_row *out);
crm_status crm__sqlite_member_set(crm_backend *b, crm_id agent, crm_id queue, int role);
crm_status crm__sqlite_member_get(crm_backend *b, crm_id agent, crm_id queue, int *role);
crm_status crm__sqlite_member_delete(crm_backend *b, crm_id agent, crm_id queue);
crm_status crm__sqlite_member_list(crm_backend *b, crm_id agent, crm_row_fn cb, void *payload);
crm_status crm__sqlite_case_insert(crm_backend *b, crm_case_row *row);
crm_status crm__sqlite_case_get(crm_backend *b, crm_id id, crm_case_row *out);
crm_status crm__sqlite_case_update(crm_backend *b, const crm_case_row *row, int64_t old_version);
crm_status crm__sqlite_case_query(crm_backend *b, const crm_case_query *q, crm_id after_id,
                                  unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__sqlite_case_list_resolved_before(crm_backend *b, int status, crm_time before,
                                                 unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__sqlite_link_insert(crm_backend *b, const crm_link_row *row);
crm_status crm__sqlite_link_list(crm_backend *b, crm_id case_id, crm_row_fn cb, void *payload);

/* sqlite_interactions.c: interactions, timeline, participants, attachments */
crm_status crm__sqlite_interaction_insert(crm_backend *b, crm_interaction_row *row,
                                          crm_id *existing);
crm_status crm__sqlite_interaction_get(crm_backend *b, crm_id id, crm_interaction_row *out);
crm_status crm__sqlite_interaction_find_ref(crm_backend *b, int channel, const char *external_ref,
                                            crm_id *out);
crm_status crm__sqlite_interaction_set_case(crm_backend *b, crm_id id, crm_id case_id);
crm_status crm__sqlite_timeline(crm_backend *b, crm_id customer, crm_id case_id, crm_time before,
                                crm_id before_id, unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__sqlite_participant_insert(crm_backend *b, const crm_participant_row *row);
crm_status crm__sqlite_participant_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                        void *payload);
crm_status crm__sqlite_attachment_insert(crm_backend *b, crm_attachment_row *row);
crm_status crm__sqlite_attachment_get(crm_backend *b, crm_id id, crm_attachment_row *out);
crm_status crm__sqlite_attachment_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                       void *payload);

/* sqlite_sla.c: SLA calendars, policies, timers, cycles */
crm_status crm__sqlite_sla_def_insert(crm_backend *b, int kind, crm_sla_def_row *row);
crm_status crm__sqlite_sla_def_update(crm_backend *b, int kind, const crm_sla_def_row *row,
                                      int64_t old_version);
crm_status crm__sqlite_sla_def_get(crm_backend *b, int kind, crm_id id, int64_t version,
                                   crm_sla_def_row *out);
crm_status crm__sqlite_sla_def_list(crm_backend *b, int kind, crm_row_fn cb, void *payload);
crm_status crm__sqlite_sla_case_get(crm_backend *b, crm_id case_id, crm_sla_case_row *out);
crm_status crm__sqlite_sla_case_put(crm_backend *b, const crm_sla_case_row *row);
crm_status crm__sqlite_sla_cycle_insert(crm_backend *b, crm_sla_cycle_row *row);
crm_status crm__sqlite_sla_cycle_get(crm_backend *b, crm_id id, crm_sla_cycle_row *out);
crm_status crm__sqlite_sla_cycle_update(crm_backend *b, const crm_sla_cycle_row *row,
                                        int64_t old_version);
crm_status crm__sqlite_sla_cycle_list_case(crm_backend *b, crm_id case_id, int latest_only,
                                           crm_row_fn cb, void *payload);
crm_status crm__sqlite_sla_cycle_list_fire(crm_backend *b, crm_time before, unsigned int limit,
                                           crm_row_fn cb, void *payload);
crm_status crm__sqlite_sla_cycle_list_due(crm_backend *b, crm_time before, crm_time after_due,
                                          crm_id after_id, unsigned int limit, crm_row_fn cb,
                                          void *payload);
crm_status crm__sqlite_sla_cycle_list_open(crm_backend *b, crm_id calendar, crm_id policy,
                                           crm_id after_id, unsigned int limit, crm_row_fn cb,
                                           void *payload);
crm_status crm__sqlite_sla_case_list_due(crm_backend *b, crm_time before, crm_id after_id,
                                         unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__sqlite_sla_segment_insert(crm_backend *b, const crm_sla_segment_row *row);
crm_status crm__sqlite_sla_segment_list(crm_backend *b, crm_id cycle, crm_row_fn cb, void *payload);

/* sqlite_lifecycle.c: customer lifecycle (merge, duplicates, export, erase) */
crm_status crm__sqlite_owned_list(crm_backend *b, crm_owned_t what, crm_id customer, crm_row_fn cb,
                                  void *payload);
crm_status crm__sqlite_owned_move(crm_backend *b, crm_owned_t what, crm_id id, crm_id from,
                                  crm_id to);
crm_status crm__sqlite_preference_list(crm_backend *b, crm_id customer, crm_row_fn cb,
                                       void *payload);
crm_status crm__sqlite_preference_put(crm_backend *b, const crm_preference_row *row);
crm_status crm__sqlite_preference_delete(crm_backend *b, crm_id customer, int channel,
                                         const char *purpose);
crm_status crm__sqlite_merge_insert(crm_backend *b, crm_merge_row *row);
crm_status crm__sqlite_merge_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
crm_status crm__sqlite_merge_update(crm_backend *b, const crm_merge_row *row);
crm_status crm__sqlite_customer_keys_set(crm_backend *b, crm_id customer,
                                         const crm_customer_key_row *keys, size_t n);
crm_status crm__sqlite_customer_keys_find(crm_backend *b, int reason, const char *key,
                                          crm_row_fn cb, void *payload);
crm_status crm__sqlite_event_list_entity(crm_backend *b, const char *entity, crm_id entity_id,
                                         crm_row_fn cb, void *payload);
crm_status crm__sqlite_event_set_payload(crm_backend *b, int64_t seq, const char *payload);
crm_status crm__sqlite_interaction_set_texts(crm_backend *b, const crm_interaction_row *row);
crm_status crm__sqlite_participant_find(crm_backend *b, int kind, const char *value, crm_row_fn cb,
                                        void *payload);
crm_status crm__sqlite_participant_set_value(crm_backend *b, crm_id interaction, int kind,
                                             const char *value, const char *new_value);
crm_status crm__sqlite_attachment_rewrite(crm_backend *b, const crm_attachment_row *row);
crm_status crm__sqlite_compact(crm_backend *b);

/* sqlite_incidents.c: incidents, search, reports */
crm_status crm__sqlite_incident_scope_set(crm_backend *b, crm_id incident, const char *key,
                                          const char *value);
crm_status crm__sqlite_incident_scope_list(crm_backend *b, crm_id incident, crm_row_fn cb,
                                           void *payload);
crm_status crm__sqlite_incident_match(crm_backend *b, crm_id customer, uint32_t status_mask,
                                      crm_id after_id, unsigned int limit, crm_row_fn cb,
                                      void *payload);
crm_status crm__sqlite_link_list_to(crm_backend *b, crm_id to, int kind, crm_id after_id,
                                    unsigned int limit, crm_row_fn cb, void *payload);
/* sqlite_vfs.c: the name of the VFS libcrm opens its databases with (the
   default one, with temporary files in memory), registered on first use;
   NULL if it could not be. */
const char *crm__sqlite_vfs(void);

/* sqlite_search.c: full-text search (FTS5) */
/* Register the search's rank function (crm_rank) on the connection. */
crm_status crm__sqlite_search_register(crm_sqlite *s);
/* Index the rows written in this write transaction that the search
   indexes do not hold yet; nothing outside a write transaction. Runs
   before every COMMIT and before a search. */
crm_status crm__sqlite_search_catch_up(crm_sqlite *s);
crm_status crm__sqlite_search(crm_backend *b, const crm_search_spec *q, unsigned int limit,
                              crm_row_fn cb, void *payload);

/* sqlite_reports.c: report aggregates */
crm_status crm__sqlite_report_aggregate(crm_backend *b, int what, const crm_report_scan *scan,
                                        crm_row_fn cb, void *payload);

#endif
