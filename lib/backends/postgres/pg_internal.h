/*
 * The PostgreSQL backend's private parts: the backend object, the
 * per-connection prepared-statement cache, parameters, and the helpers
 * every slot uses.
 *
 * Statements are prepared once per connection (PQprepare, named "crm_N")
 * and run with PQexecPrepared; parameters go as text, except bytea, which
 * goes as binary. Results come as text, except where a slot asks for
 * binary (attachment data); the column helpers read both.
 *
 * A statement that fails inside a transaction aborts the whole
 * PostgreSQL transaction, so the slots that may hit a unique key use
 * INSERT ... ON CONFLICT DO NOTHING and report CRM_EEXISTS themselves:
 * the core may go on after a CRM_EEXISTS inside its transaction. (Not
 * where the key was looked up in the same write transaction: writers
 * take turns, so those inserts are pipelined, see pg_pipeline.c.)
 *
 * Inside a write transaction, statements whose result nobody needs are
 * pipelined and read at the next statement that needs an answer or at
 * the end of the call (pg_pipeline.c), and what the transaction read or
 * wrote of customers and identities is remembered (pg_cache.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_PG_INTERNAL_H
#define CRM_PG_INTERNAL_H

#include <glib.h>
#include <libpq-fe.h>

#include "crm/sys/backend.h"

/* Ids reserved in blocks (pg_pipeline.c). */
typedef enum {
  CRM_PG_ID_CUSTOMER,
  CRM_PG_ID_CASE,
  CRM_PG_ID_INTERACTION,
  CRM_PG_ID_COUNT
} crm_pg_id_kind;

typedef struct {
  int64_t ids[64];
  int count, next; /* ids[next..count) are still free */
} crm_pg_id_block;

typedef struct {
  crm_backend base; /* must be first */
  PGconn *conn;
  GHashTable *stmts; /* SQL text -> statement name, prepared on this connection */
  unsigned int next_stmt;
  int in_txn;    /* between begin and commit/rollback */
  int write_txn; /* ... of a write transaction */
  GArray *piped; /* statements sent, answers not read yet (pg_pipeline.c) */
  crm_pg_id_block ids[CRM_PG_ID_COUNT];
  /* what the write transaction knows (pg_cache.c) */
  GHashTable *cached_customers;  /* crm_id -> crm_customer_row */
  GHashTable *cached_identities; /* "kind:value" -> owner (0: none) */
  GHashTable *new_customers;     /* created here: crm_id -> GPtrArray of crm_identity_row */
  int cache_hold;                /* a cache-aware slot is writing */
  /* Event numbers of the open write transaction, taken in memory: the
     counter row is locked from BEGIN and stored once, at COMMIT. */
  int64_t seq;           /* the last number taken */
  int64_t seq_stored;    /* the counter row's value */
  int64_t seq_savepoint; /* `seq` when the call's savepoint began */
  int release_pending;   /* the call's savepoint is released with the next statement */
  int busy_timeout_ms;   /* for the session set-up after a reconnect */
  int durable;
} crm_pg;

#define CRM_PG(b) ((crm_pg *)(b))

/* The schema version this library writes (pg_schema.c). */
extern const int crm__pg_schema_version;
/* Read the stored schema version (0: no libcrm schema yet). */
crm_status crm__pg_read_version(crm_pg *s, int *out);
/* Bring the schema up to crm__pg_schema_version, serialised across
   processes; CRM_EVERSION (nothing changed) when it is newer. */
crm_status crm__pg_migrate(crm_pg *s, const char *where);

/* ------------------------------------------------------------------ */
/* parameters                                                           */

#define CRM_PG_MAX_PARAMS 32 /* the widest row: an SLA cycle update, 24 */

typedef struct {
  int n;
  const char *values[CRM_PG_MAX_PARAMS];
  int lengths[CRM_PG_MAX_PARAMS];
  int formats[CRM_PG_MAX_PARAMS];
  char ints[CRM_PG_MAX_PARAMS][24]; /* integers as decimal text */
} crm_pg_params;

#define CRM_PG_PARAMS_INIT \
  {                        \
    0                      \
  }

/* Append $n+1. Strings are borrowed until the statement has run. */
void crm__pg_int(crm_pg_params *p, int64_t v);
/* An id (or time) where 0 means NULL. */
void crm__pg_id(crm_pg_params *p, int64_t id);
/* Text; NULL is SQL NULL. */
void crm__pg_text(crm_pg_params *p, const char *text);
/* Binary data (bytea). */
void crm__pg_bytes(crm_pg_params *p, const void *data, size_t size);

/* ------------------------------------------------------------------ */
/* running statements                                                   */

/* Map a failed result (or, with res NULL, the connection's error) to a
   crm_status and record the server's message. */
crm_status crm__pg_fail(crm_pg *s, const PGresult *res, const char *doing);
/* Run plain SQL without parameters (simple protocol: may hold several
   statements). */
crm_status crm__pg_exec_simple(crm_pg *s, const char *sql, const char *doing);
/* Run `sql` as a prepared statement of this connection. On CRM_OK *out
   (PQclear it) holds the result; `binary` asks for binary columns. */
crm_status crm__pg_run(crm_pg *s, const char *sql, const crm_pg_params *p, int binary,
                       PGresult **out, const char *doing);
/* Run a statement and drop its result; *changed (may be NULL) receives
   the number of rows it touched or returned. */
crm_status crm__pg_exec(crm_pg *s, const char *sql, const crm_pg_params *p, long *changed,
                        const char *doing);
/* A single-row query: CRM_OK with *out holding the row, CRM_ENOTFOUND
   (not recorded: the caller words the message) without a row. */
crm_status crm__pg_row(crm_pg *s, const char *sql, const crm_pg_params *p, PGresult **out,
                       const char *doing);
/* A single-row query returning one integer (an id): CRM_ENOTFOUND
   without a row, as crm__pg_row. */
crm_status crm__pg_row_int(crm_pg *s, const char *sql, const crm_pg_params *p, int64_t *out,
                           const char *doing);

/* ------------------------------------------------------------------ */
/* the pipeline (pg_pipeline.c)                                         */

void crm__pg_pipeline_init(crm_pg *s);
void crm__pg_pipeline_free(crm_pg *s);
/* Statements were sent whose answers are not read yet. */
int crm__pg_pipeline_busy(const crm_pg *s);
/* Send a prepared statement (prepared on first use, in the pipeline too:
   any one statement, SAVEPOINT and COMMIT included) without waiting for
   its answer. */
crm_status crm__pg_pipeline_send(crm_pg *s, const char *sql, const crm_pg_params *p, int binary,
                                 const char *doing);
/* Read every answer (one round trip) and leave pipeline mode: the first
   failure is the status. *last (may be NULL; PQclear it) receives the
   last statement's result when all succeeded; *last_failed (may be
   NULL): the failure was the last statement's. */
crm_status crm__pg_pipeline_sync(crm_pg *s, PGresult **last, int *last_failed);
/* Read and drop every answer, keeping the error already recorded. */
void crm__pg_pipeline_discard(crm_pg *s);
/* Run a statement whose result nobody needs: inside a write transaction
   it is pipelined (its failure fails the current call at the latest when
   the call ends); elsewhere it runs at once. */
crm_status crm__pg_defer(crm_pg *s, const char *sql, const crm_pg_params *p, const char *doing);
/* The next id of a new row, from a block reserved from the table's
   identity sequence (insert it with OVERRIDING SYSTEM VALUE). */
crm_status crm__pg_take_id(crm_pg *s, crm_pg_id_kind kind, int64_t *out);

/* ------------------------------------------------------------------ */
/* what a write transaction knows (pg_cache.c)                          */

void crm__pg_cache_init(crm_pg *s);
void crm__pg_cache_free(crm_pg *s);
void crm__pg_cache_clear(crm_pg *s);
/* In a write transaction: the cache may be used. */
int crm__pg_cache_on(const crm_pg *s);
/* Before running `sql`: a write naming the cached tables forgets all. */
void crm__pg_cache_check(crm_pg *s, const char *sql);
void crm__pg_cache_put_customer(crm_pg *s, const crm_customer_row *row);
/* 1 with *out a copy (crm_customer_row_clear it), 0 when not known. */
int crm__pg_cache_get_customer(crm_pg *s, crm_id id, crm_customer_row *out);
/* An identity's owner; 0: it has none. */
void crm__pg_cache_put_identity(crm_pg *s, int kind, const char *value, crm_id customer);
int crm__pg_cache_get_identity(crm_pg *s, int kind, const char *value, crm_id *customer);
/* A customer created in the transaction, and each identity inserted:
   the customer's identities, in order (1 with *st set: listed from
   memory; 0: not known). */
void crm__pg_cache_new_customer(crm_pg *s, crm_id id);
void crm__pg_cache_new_identity(crm_pg *s, const crm_identity_row *row);
int crm__pg_cache_list_identities(crm_pg *s, crm_id customer, crm_row_fn cb, void *payload,
                                  crm_status *st);

/* Column readers: a malloc'd copy of a text column (NULL stays NULL), an
   integer column (NULL as 0). Text and binary results alike. */
char *crm__pg_col_text(const PGresult *res, int row, int col);
int64_t crm__pg_col_int(const PGresult *res, int row, int col);

/* Run `sql` and call cb for each row built by `read` into a stack row
   cleared by `clear` (may be NULL): the shared loop of every list slot. */
typedef void (*crm__pg_read_fn)(const PGresult *res, int row, void *out);
typedef void (*crm__pg_clear_fn)(void *row);
crm_status crm__pg_list(crm_pg *s, const char *sql, const crm_pg_params *p, crm__pg_read_fn read,
                        crm__pg_clear_fn clear, size_t row_size, crm_row_fn cb, void *payload,
                        const char *doing);

/* A crm_events row (seq, time, actor, kind, entity, entity_id, payload)
   into a crm_event_row (pg_feed.c; the erase slots read events too). */
void crm__pg_read_event(const PGresult *res, int r, void *out);

/* ------------------------------------------------------------------ */
/* slots, by file                                                       */

/* pg_feed.c: settings, cursors, events */
crm_status crm__pg_setting_get(crm_backend *b, const char *name, char **out);
crm_status crm__pg_setting_set(crm_backend *b, const char *name, const char *value);
crm_status crm__pg_cursor_get(crm_backend *b, const char *consumer, int64_t *out);
crm_status crm__pg_cursor_set(crm_backend *b, const char *consumer, int64_t seq);
crm_status crm__pg_event_append(crm_backend *b, crm_event_row *row);
crm_status crm__pg_event_list(crm_backend *b, int64_t after_seq, unsigned int limit, crm_row_fn cb,
                              void *payload);

/* pg_customers.c: customers, identities, preferences, attributes, labels */
crm_status crm__pg_customer_insert(crm_backend *b, crm_customer_row *row);
crm_status crm__pg_customer_get(crm_backend *b, crm_id id, crm_customer_row *out);
crm_status crm__pg_customer_update(crm_backend *b, const crm_customer_row *row,
                                   int64_t old_version);
crm_status crm__pg_identity_insert(crm_backend *b, const crm_identity_row *row, crm_id *owner);
crm_status crm__pg_identity_find(crm_backend *b, int kind, const char *value, crm_id *customer);
crm_status crm__pg_identity_delete(crm_backend *b, crm_id customer, int kind, const char *value);
crm_status crm__pg_identity_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
crm_status crm__pg_preference_get(crm_backend *b, crm_id customer, int channel, const char *purpose,
                                  int *allowed);
crm_status crm__pg_preference_set(crm_backend *b, crm_id customer, int channel, const char *purpose,
                                  int allowed, crm_time at);
crm_status crm__pg_attribute_set(crm_backend *b, crm_entity_t entity, crm_id id, const char *key,
                                 const char *value);
crm_status crm__pg_attribute_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                                  void *payload);
crm_status crm__pg_label_add(crm_backend *b, crm_entity_t entity, crm_id id, const char *label);
crm_status crm__pg_label_remove(crm_backend *b, crm_entity_t entity, crm_id id, const char *label);
crm_status crm__pg_label_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                              void *payload);

/* pg_cases.c: queues, agents, memberships, cases, links */
crm_status crm__pg_queue_insert(crm_backend *b, crm_party_row *row, crm_id *existing);
crm_status crm__pg_queue_get(crm_backend *b, crm_id id, crm_party_row *out);
crm_status crm__pg_agent_insert(crm_backend *b, crm_party_row *row, crm_id *existing);
crm_status crm__pg_agent_get(crm_backend *b, crm_id id, crm_party_row *out);
crm_status crm__pg_member_set(crm_backend *b, crm_id agent, crm_id queue, int role);
crm_status crm__pg_member_get(crm_backend *b, crm_id agent, crm_id queue, int *role);
crm_status crm__pg_member_delete(crm_backend *b, crm_id agent, crm_id queue);
crm_status crm__pg_member_list(crm_backend *b, crm_id agent, crm_row_fn cb, void *payload);
crm_status crm__pg_case_insert(crm_backend *b, crm_case_row *row);
crm_status crm__pg_case_get(crm_backend *b, crm_id id, crm_case_row *out);
crm_status crm__pg_case_update(crm_backend *b, const crm_case_row *row, int64_t old_version);
crm_status crm__pg_case_query(crm_backend *b, const crm_case_query *q, crm_id after_id,
                              unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__pg_case_list_resolved_before(crm_backend *b, int status, crm_time before,
                                             unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__pg_link_insert(crm_backend *b, const crm_link_row *row);
crm_status crm__pg_link_list(crm_backend *b, crm_id case_id, crm_row_fn cb, void *payload);

/* pg_interactions.c: interactions, timeline, participants, attachments */
crm_status crm__pg_interaction_insert(crm_backend *b, crm_interaction_row *row, crm_id *existing);
crm_status crm__pg_interaction_get(crm_backend *b, crm_id id, crm_interaction_row *out);
crm_status crm__pg_interaction_find_ref(crm_backend *b, int channel, const char *external_ref,
                                        crm_id *out);
crm_status crm__pg_interaction_set_case(crm_backend *b, crm_id id, crm_id case_id);
crm_status crm__pg_timeline(crm_backend *b, crm_id customer, crm_id case_id, crm_time before,
                            crm_id before_id, unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__pg_participant_insert(crm_backend *b, const crm_participant_row *row);
crm_status crm__pg_participant_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                    void *payload);
crm_status crm__pg_attachment_insert(crm_backend *b, crm_attachment_row *row);
crm_status crm__pg_attachment_get(crm_backend *b, crm_id id, crm_attachment_row *out);
crm_status crm__pg_attachment_list(crm_backend *b, crm_id interaction, crm_row_fn cb,
                                   void *payload);

/* pg_sla.c: SLA calendars, policies, timers, cycles */
crm_status crm__pg_sla_def_insert(crm_backend *b, int kind, crm_sla_def_row *row);
crm_status crm__pg_sla_def_update(crm_backend *b, int kind, const crm_sla_def_row *row,
                                  int64_t old_version);
crm_status crm__pg_sla_def_get(crm_backend *b, int kind, crm_id id, int64_t version,
                               crm_sla_def_row *out);
crm_status crm__pg_sla_def_list(crm_backend *b, int kind, crm_row_fn cb, void *payload);
crm_status crm__pg_sla_case_get(crm_backend *b, crm_id case_id, crm_sla_case_row *out);
crm_status crm__pg_sla_case_put(crm_backend *b, const crm_sla_case_row *row);
crm_status crm__pg_sla_cycle_insert(crm_backend *b, crm_sla_cycle_row *row);
crm_status crm__pg_sla_cycle_get(crm_backend *b, crm_id id, crm_sla_cycle_row *out);
crm_status crm__pg_sla_cycle_update(crm_backend *b, const crm_sla_cycle_row *row,
                                    int64_t old_version);
crm_status crm__pg_sla_cycle_list_case(crm_backend *b, crm_id case_id, int latest_only,
                                       crm_row_fn cb, void *payload);
crm_status crm__pg_sla_cycle_list_fire(crm_backend *b, crm_time before, unsigned int limit,
                                       crm_row_fn cb, void *payload);
crm_status crm__pg_sla_cycle_list_due(crm_backend *b, crm_time before, crm_time after_due,
                                      crm_id after_id, unsigned int limit, crm_row_fn cb,
                                      void *payload);
crm_status crm__pg_sla_cycle_list_open(crm_backend *b, crm_id calendar, crm_id policy,
                                       crm_id after_id, unsigned int limit, crm_row_fn cb,
                                       void *payload);
crm_status crm__pg_sla_case_list_due(crm_backend *b, crm_time before, crm_id after_id,
                                     unsigned int limit, crm_row_fn cb, void *payload);
crm_status crm__pg_sla_segment_insert(crm_backend *b, const crm_sla_segment_row *row);
crm_status crm__pg_sla_segment_list(crm_backend *b, crm_id cycle, crm_row_fn cb, void *payload);

/* pg_lifecycle.c: customer lifecycle (merge, duplicates, export, erase) */
crm_status crm__pg_owned_list(crm_backend *b, crm_owned_t what, crm_id customer, crm_row_fn cb,
                              void *payload);
crm_status crm__pg_owned_move(crm_backend *b, crm_owned_t what, crm_id id, crm_id from, crm_id to);
crm_status crm__pg_preference_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
crm_status crm__pg_preference_put(crm_backend *b, const crm_preference_row *row);
crm_status crm__pg_preference_delete(crm_backend *b, crm_id customer, int channel,
                                     const char *purpose);
crm_status crm__pg_merge_insert(crm_backend *b, crm_merge_row *row);
crm_status crm__pg_merge_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
crm_status crm__pg_merge_update(crm_backend *b, const crm_merge_row *row);
crm_status crm__pg_customer_keys_set(crm_backend *b, crm_id customer,
                                     const crm_customer_key_row *keys, size_t n);
crm_status crm__pg_customer_keys_find(crm_backend *b, int reason, const char *key, crm_row_fn cb,
                                      void *payload);
crm_status crm__pg_event_list_entity(crm_backend *b, const char *entity, crm_id entity_id,
                                     crm_row_fn cb, void *payload);
crm_status crm__pg_event_set_payload(crm_backend *b, int64_t seq, const char *payload);
crm_status crm__pg_interaction_set_texts(crm_backend *b, const crm_interaction_row *row);
crm_status crm__pg_participant_find(crm_backend *b, int kind, const char *value, crm_row_fn cb,
                                    void *payload);
crm_status crm__pg_participant_set_value(crm_backend *b, crm_id interaction, int kind,
                                         const char *value, const char *new_value);
crm_status crm__pg_attachment_rewrite(crm_backend *b, const crm_attachment_row *row);
crm_status crm__pg_compact(crm_backend *b);

/* pg_incidents.c: incidents, search, reports */
crm_status crm__pg_incident_scope_set(crm_backend *b, crm_id incident, const char *key,
                                      const char *value);
crm_status crm__pg_incident_scope_list(crm_backend *b, crm_id incident, crm_row_fn cb,
                                       void *payload);
crm_status crm__pg_incident_match(crm_backend *b, crm_id customer, uint32_t status_mask,
                                  crm_id after_id, unsigned int limit, crm_row_fn cb,
                                  void *payload);
crm_status crm__pg_link_list_to(crm_backend *b, crm_id to, int kind, crm_id after_id,
                                unsigned int limit, crm_row_fn cb, void *payload);
/* pg_search.c: full-text search (tsvector, GIN) */
crm_status crm__pg_search(crm_backend *b, const crm_search_spec *q, unsigned int limit,
                          crm_row_fn cb, void *payload);

/* pg_reports.c: report aggregates */
crm_status crm__pg_report_aggregate(crm_backend *b, int what, const crm_report_scan *scan,
                                    crm_row_fn cb, void *payload);

#endif
