/*
 * The PostgreSQL backend: connecting (schema version check before
 * anything is written), the per-connection prepared-statement cache,
 * error mapping, transactions, and the ops table.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* ------------------------------------------------------------------ */
/* parameters                                                           */

static void add_param(crm_pg_params *p, const char *value, int length, int format)
{
  g_assert(p->n < CRM_PG_MAX_PARAMS);
  p->values[p->n] = value;
  p->lengths[p->n] = length;
  p->formats[p->n] = format;
  p->n++;
}

void crm__pg_int(crm_pg_params *p, int64_t v)
{
  g_assert(p->n < CRM_PG_MAX_PARAMS);
  snprintf(p->ints[p->n], sizeof p->ints[p->n], "%lld", (long long)v);
  add_param(p, p->ints[p->n], 0, 0);
}

void crm__pg_id(crm_pg_params *p, int64_t id)
{
  if (id > 0)
    crm__pg_int(p, id);
  else
    add_param(p, NULL, 0, 0);
}

void crm__pg_text(crm_pg_params *p, const char *text)
{
  add_param(p, text, 0, 0);
}

void crm__pg_bytes(crm_pg_params *p, const void *data, size_t size)
{
  g_assert(size <= G_MAXINT);
  /* a non-NULL pointer even for 0 bytes: NULL would be SQL NULL */
  add_param(p, data && size ? (const char *)data : "", (int)size, 1);
}

/* ------------------------------------------------------------------ */
/* errors                                                               */

/* SQLSTATEs meaning "locked or lost a race: try again". */
static int is_busy_state(const char *state)
{
  return strcmp(state, "40001") == 0     /* serialization_failure */
         || strcmp(state, "40P01") == 0  /* deadlock_detected */
         || strcmp(state, "55P03") == 0; /* lock_not_available (lock_timeout) */
}

crm_status crm__pg_fail(crm_pg *s, const PGresult *res, const char *doing)
{
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  char *msg = g_strdup(primary ? primary : PQerrorMessage(s->conn));
  g_strstrip(msg);
  if (*msg == '\0' && PQstatus(s->conn) == CONNECTION_BAD) {
    g_free(msg);
    msg = g_strdup("the connection to the server was lost");
  }
  crm_status code = CRM_ERROR;
  if (state && strcmp(state, "23505") == 0) /* unique_violation */
    code = CRM_EEXISTS;
  else if (state && is_busy_state(state))
    code = CRM_EBUSY;
  crm_status st;
  if (code == CRM_EBUSY)
    st = crm_backend_error(code, "%s: the database stayed locked (%s)", doing, msg);
  else if (code == CRM_EEXISTS)
    st = crm_backend_error(code, "%s: already exists (%s)", doing, msg);
  else
    st = crm_backend_error(code, "%s: %s%s%s%s", doing, msg, state ? " (SQLSTATE " : "",
                           state ? state : "", state ? ")" : "");
  g_free(msg);
  return st;
}

/* ------------------------------------------------------------------ */
/* running statements                                                   */

static int result_ok(const PGresult *res)
{
  ExecStatusType t = PQresultStatus(res);
  return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

crm_status crm__pg_exec_simple(crm_pg *s, const char *sql, const char *doing)
{
  crm__pg_cache_check(s, sql);
  /* several statements in one string: not in pipeline mode */
  crm_status st = crm__pg_pipeline_sync(s, NULL, NULL);
  if (st != CRM_OK)
    return st;
  PGresult *res = PQexec(s->conn, sql);
  st = result_ok(res) ? CRM_OK : crm__pg_fail(s, res, doing);
  PQclear(res);
  return st;
}

static crm_status set_up_session(crm_pg *s);

/* A connection lost between transactions (server restart, idle timeout)
   is opened again, with its session settings; its prepared statements
   died with it. Inside a transaction the loss is the transaction's: the
   error goes to the caller, and the next begin reconnects. */
static crm_status reconnect_if_lost(crm_pg *s)
{
  if (PQstatus(s->conn) == CONNECTION_OK)
    return CRM_OK;
  if (s->in_txn)
    return crm_backend_error(CRM_ERROR, "the connection to PostgreSQL was lost during the "
                                        "transaction (nothing of it was committed)");
  g_array_set_size(s->piped, 0);
  PQreset(s->conn);
  if (PQstatus(s->conn) != CONNECTION_OK) {
    char *msg = g_strstrip(g_strdup(PQerrorMessage(s->conn)));
    crm_status st = crm_backend_error(
        CRM_ERROR, "lost the connection to PostgreSQL, and cannot reconnect: %s", msg);
    g_free(msg);
    return st;
  }
  g_hash_table_remove_all(s->stmts);
  return set_up_session(s);
}

/* Outside a transaction, a statement that failed because the connection
   had gone may run once more on a new one: libcrm writes only inside
   transactions, so it was a read, or a BEGIN. */
static int may_retry(crm_pg *s)
{
  return !s->in_txn && PQstatus(s->conn) == CONNECTION_BAD && reconnect_if_lost(s) == CRM_OK;
}

/* *name receives this connection's prepared statement for `sql`,
   prepared on first use. */
static crm_status prepared(const char **name, crm_pg *s, const char *sql, int nparams,
                           const char *doing)
{
  *name = g_hash_table_lookup(s->stmts, sql);
  if (*name)
    return CRM_OK;
  char *fresh = g_strdup_printf("crm_%u", ++s->next_stmt);
  PGresult *res = PQprepare(s->conn, fresh, sql, nparams, NULL);
  crm_status st = CRM_OK;
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    st = crm__pg_fail(s, res, doing);
    g_free(fresh);
  } else {
    g_hash_table_insert(s->stmts, g_strdup(sql), fresh);
    *name = fresh;
  }
  PQclear(res);
  return st;
}

static crm_status run_once(crm_pg *s, const char *sql, const crm_pg_params *p, int binary,
                           PGresult **out, const char *doing)
{
  if (crm__pg_pipeline_busy(s)) {
    /* behind the statements sent before it: one round trip for all */
    crm_status st = crm__pg_pipeline_send(s, sql, p, binary, doing);
    if (st == CRM_OK)
      st = crm__pg_pipeline_sync(s, out, NULL);
    return st;
  }
  int n = p ? p->n : 0;
  const char *name = NULL;
  crm_status st = prepared(&name, s, sql, n, doing);
  if (st != CRM_OK)
    return st;
  PGresult *res = PQexecPrepared(s->conn, name, n, p ? p->values : NULL, p ? p->lengths : NULL,
                                 p ? p->formats : NULL, binary ? 1 : 0);
  if (!result_ok(res)) {
    st = crm__pg_fail(s, res, doing);
    PQclear(res);
    return st;
  }
  *out = res;
  return CRM_OK;
}

crm_status crm__pg_run(crm_pg *s, const char *sql, const crm_pg_params *p, int binary,
                       PGresult **out, const char *doing)
{
  *out = NULL;
  crm__pg_cache_check(s, sql);
  crm_status st = reconnect_if_lost(s);
  if (st == CRM_OK)
    st = run_once(s, sql, p, binary, out, doing);
  if (st != CRM_OK && may_retry(s))
    st = run_once(s, sql, p, binary, out, doing);
  return st;
}

crm_status crm__pg_exec(crm_pg *s, const char *sql, const crm_pg_params *p, long *changed,
                        const char *doing)
{
  if (changed)
    *changed = 0;
  PGresult *res = NULL;
  crm_status st = crm__pg_run(s, sql, p, 0, &res, doing);
  if (st != CRM_OK)
    return st;
  if (changed) {
    const char *tuples = PQcmdTuples(res);
    *changed = *tuples ? strtol(tuples, NULL, 10) : PQntuples(res);
  }
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_row(crm_pg *s, const char *sql, const crm_pg_params *p, PGresult **out,
                       const char *doing)
{
  crm_status st = crm__pg_run(s, sql, p, 0, out, doing);
  if (st == CRM_OK && PQntuples(*out) == 0) {
    PQclear(*out);
    *out = NULL;
    return CRM_ENOTFOUND;
  }
  return st;
}

crm_status crm__pg_row_int(crm_pg *s, const char *sql, const crm_pg_params *p, int64_t *out,
                           const char *doing)
{
  *out = 0;
  PGresult *res = NULL;
  crm_status st = crm__pg_row(s, sql, p, &res, doing);
  if (st != CRM_OK)
    return st;
  *out = crm__pg_col_int(res, 0, 0);
  PQclear(res);
  return CRM_OK;
}

char *crm__pg_col_text(const PGresult *res, int row, int col)
{
  if (PQgetisnull(res, row, col))
    return NULL;
  size_t len = (size_t)PQgetlength(res, row, col);
  char *copy = malloc(len + 1);
  if (copy) {
    memcpy(copy, PQgetvalue(res, row, col), len);
    copy[len] = '\0';
  }
  return copy;
}

/* A big-endian signed integer of `len` bytes (binary results). */
static int64_t read_be(const unsigned char *p, int len)
{
  uint64_t v = 0;
  for (int i = 0; i < len; i++)
    v = (v << 8) | p[i];
  int shift = 64 - 8 * len;
  return shift > 0 ? (int64_t)(v << shift) >> shift : (int64_t)v;
}

int64_t crm__pg_col_int(const PGresult *res, int row, int col)
{
  if (PQgetisnull(res, row, col))
    return 0;
  const char *v = PQgetvalue(res, row, col);
  if (PQfformat(res, col) == 0)
    return strtoll(v, NULL, 10);
  int len = PQgetlength(res, row, col);
  return len == 2 || len == 4 || len == 8 ? read_be((const unsigned char *)v, len) : 0;
}

crm_status crm__pg_list(crm_pg *s, const char *sql, const crm_pg_params *p, crm__pg_read_fn read,
                        crm__pg_clear_fn clear, size_t row_size, crm_row_fn cb, void *payload,
                        const char *doing)
{
  PGresult *res = NULL;
  crm_status st = crm__pg_run(s, sql, p, 0, &res, doing);
  if (st != CRM_OK)
    return st;
  /* Rows are small fixed structs: a stack buffer large enough for any. */
  union {
    crm_case_row c;
    crm_interaction_row i;
    crm_customer_row cu;
    crm_attachment_row a;
    crm_event_row e;
    char raw[512];
  } row;
  g_assert(row_size <= sizeof row);
  int n = PQntuples(res);
  for (int i = 0; i < n && st == CRM_OK; i++) {
    memset(&row, 0, row_size);
    read(res, i, &row);
    int stop = cb(&row, payload);
    if (clear)
      clear(&row);
    if (stop)
      st = crm_backend_error(CRM_EUSER, "%s: stopped by the caller", doing);
  }
  PQclear(res);
  return st;
}

/* ------------------------------------------------------------------ */
/* open / close                                                         */

/* A library prints nothing: server notices ("there is no transaction in
   progress"...) are dropped rather than written to stderr. */
static void ignore_notice(void *payload, const char *message)
{
  (void)payload;
  (void)message;
}

static void pg_close(crm_backend *b)
{
  crm_pg *s = CRM_PG(b);
  if (s == NULL)
    return;
  if (s->stmts)
    g_hash_table_destroy(s->stmts);
  crm__pg_pipeline_free(s);
  crm__pg_cache_free(s);
  PQfinish(s->conn);
  g_free(s);
}

/* Session settings: UTF-8 text, UTC, the busy timeout as the lock wait
   limit; durable connections never trust an asynchronous commit. */
static crm_status set_up_session(crm_pg *s)
{
  char *sql =
      g_strdup_printf("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
                      "SET lock_timeout = %d;%s",
                      s->busy_timeout_ms, s->durable ? " SET synchronous_commit = on;" : "");
  crm_status st = crm__pg_exec_simple(s, sql, "setting up the connection");
  g_free(sql);
  return st;
}

static crm_status pg_open(crm_backend **out, const crm_backend_open_params *p)
{
  *out = NULL;
  crm_pg *s = g_new0(crm_pg, 1);
  s->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  crm__pg_pipeline_init(s);
  crm__pg_cache_init(s);
  s->busy_timeout_ms = p->busy_timeout_ms > 0 ? p->busy_timeout_ms : 5000;
  s->durable = p->durable;
  /* location is a conninfo string or a postgres[ql]:// URI: libpq expands
     either from dbname; the keywords after it win over the user's. */
  const char *const keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
  const char *const values[] = {p->location ? p->location : "", "libcrm", "UTF8", NULL};
  s->conn = PQconnectdbParams(keys, values, 1);
  if (s->conn == NULL) {
    g_free(s);
    return crm_backend_error(CRM_ENOMEM, "out of memory connecting to PostgreSQL");
  }
  PQsetNoticeProcessor(s->conn, ignore_notice, NULL);
  crm_status st;
  if (PQstatus(s->conn) != CONNECTION_OK) {
    char *msg = g_strstrip(g_strdup(PQerrorMessage(s->conn)));
    st = crm_backend_error(CRM_ERROR, "cannot connect to PostgreSQL: %s", msg);
    g_free(msg);
  } else if (PQserverVersion(s->conn) < 100000) {
    st = crm_backend_error(CRM_ENOTSUPPORTED,
                           "PostgreSQL server version %d is too old (libcrm needs 10 or newer)",
                           PQserverVersion(s->conn));
  } else {
    st = set_up_session(s);
    if (st == CRM_OK)
      st = crm__pg_migrate(s, PQdb(s->conn));
  }
  if (st != CRM_OK) {
    pg_close(&s->base);
    return st;
  }
  *out = &s->base;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* transactions                                                         */

/*
 * A write transaction runs READ COMMITTED and, in the same round trip as
 * its BEGIN, locks the one row of crm_event_seq until it ends: writers
 * take turns, as SQLite's BEGIN IMMEDIATE makes them. Three reasons:
 *  - event numbers follow commit order (see pg_feed.c): the counter is
 *    only ever incremented by the transaction holding it;
 *  - no deadlock between that counter and the rows writers change: had a
 *    writer locked the counter at its first event only, one holding the
 *    counter and updating case A would deadlock with one that updated
 *    case A first and then appends its event;
 *  - a writer's reads see every commit made before it began, so a
 *    read-then-insert (crm_customer_ensure) finds what a concurrent
 *    writer just created instead of failing on its unique key.
 * Readers never wait: they read committed snapshots. Waiting longer than
 * the busy timeout (lock_timeout) gives CRM_EBUSY.
 */
static const char begin_write_sql[] = "BEGIN ISOLATION LEVEL READ COMMITTED; "
                                      "SELECT seq FROM crm_event_seq FOR NO KEY UPDATE";
/* A read-only transaction sees one snapshot, as SQLite's does. */
static const char begin_read_sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/* BEGIN; a write transaction also reads the event counter it locks. */
static crm_status begin_once(crm_pg *s, int write)
{
  PGresult *res = PQexec(s->conn, write ? begin_write_sql : begin_read_sql);
  crm_status st = result_ok(res) ? CRM_OK : crm__pg_fail(s, res, "starting a transaction");
  if (st == CRM_OK && write) {
    if (PQntuples(res) != 1)
      st = crm_backend_error(CRM_ERROR, "starting a transaction: the event counter row is missing");
    else
      s->seq = s->seq_stored = s->seq_savepoint = crm__pg_col_int(res, 0, 0);
  }
  PQclear(res);
  return st;
}

static crm_status pg_begin(crm_backend *b, int write)
{
  crm_pg *s = CRM_PG(b);
  crm_status st = reconnect_if_lost(s);
  if (st != CRM_OK)
    return st;
  s->release_pending = 0;
  g_array_set_size(s->piped, 0); /* none: every transaction ends synced */
  crm__pg_cache_clear(s);
  st = begin_once(s, write);
  if (st != CRM_OK && may_retry(s))
    st = begin_once(s, write);
  if (st != CRM_OK && PQtransactionStatus(s->conn) == PQTRANS_INERROR) {
    /* BEGIN ran but the lock did not come: the core will not roll back
       a transaction that failed to start. */
    PGresult *res = PQexec(s->conn, "ROLLBACK");
    PQclear(res);
  }
  s->in_txn = st == CRM_OK;
  s->write_txn = write;
  return st;
}

static crm_status pg_commit(crm_backend *b)
{
  crm_pg *s = CRM_PG(b);
  /* the event numbers taken, stored in the same round trip as COMMIT */
  char sql[96];
  if (s->seq != s->seq_stored)
    g_snprintf(sql, sizeof sql, "UPDATE crm_event_seq SET seq = %lld; COMMIT", (long long)s->seq);
  else
    g_strlcpy(sql, "COMMIT", sizeof sql);
  s->release_pending = 0;
  PGresult *res = NULL;
  crm_status st = CRM_OK;
  int commit_failed = 1;
  if (crm__pg_pipeline_busy(s)) {
    /* the statements sent, the counter and COMMIT: one round trip */
    if (s->seq != s->seq_stored) {
      crm_pg_params p = CRM_PG_PARAMS_INIT;
      crm__pg_int(&p, s->seq);
      st = crm__pg_pipeline_send(s, "UPDATE crm_event_seq SET seq = $1", &p, 0, "committing");
    }
    if (st == CRM_OK)
      st = crm__pg_pipeline_send(s, "COMMIT", NULL, 0, "committing");
    if (st == CRM_OK)
      st = crm__pg_pipeline_sync(s, &res, &commit_failed);
    else
      crm__pg_pipeline_discard(s);
  } else {
    res = PQexec(s->conn, sql);
    if (!result_ok(res))
      st = crm__pg_fail(s, res, "committing");
  }
  if (st != CRM_OK) {
    /* PostgreSQL ends the transaction on a failed COMMIT: retrying the
       commit would commit nothing, so never invite it with CRM_EBUSY. */
    if (st == CRM_EBUSY && commit_failed && PQtransactionStatus(s->conn) != PQTRANS_INTRANS)
      st = crm_backend_error(CRM_ERROR, "%s (the transaction was rolled back)",
                             crm_error_last()->message);
  } else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
    /* COMMIT of a transaction a failed statement had aborted */
    st = crm_backend_error(CRM_ERROR, "committing: a statement had failed, so PostgreSQL "
                                      "rolled the transaction back");
  } else {
    st = CRM_OK;
    s->seq_stored = s->seq;
  }
  PQclear(res);
  if (PQtransactionStatus(s->conn) != PQTRANS_INTRANS)
    s->in_txn = 0;
  crm__pg_cache_clear(s);
  return st;
}

static crm_status pg_rollback(crm_backend *b)
{
  crm_pg *s = CRM_PG(b);
  s->in_txn = 0;
  s->release_pending = 0;
  crm__pg_pipeline_discard(s);
  crm__pg_cache_clear(s);
  PGTransactionStatusType ts = PQtransactionStatus(s->conn);
  if (ts == PQTRANS_IDLE || ts == PQTRANS_UNKNOWN)
    return CRM_OK; /* ended by the server (a failed COMMIT), or the connection is gone */
  return crm__pg_exec_simple(s, "ROLLBACK", "rolling back");
}

/* A call's savepoint, sent without waiting: its answer comes with the
   call's first statement that needs one. The previous call's RELEASE
   waits for it when that call had nothing else to send (a released
   savepoint has nothing left to fail, and COMMIT or ROLLBACK ends it as
   well). */
static crm_status pg_savepoint(crm_backend *b)
{
  crm_pg *s = CRM_PG(b);
  crm_status st = CRM_OK;
  if (s->release_pending)
    st = crm__pg_pipeline_send(s, "RELEASE SAVEPOINT crm_call", NULL, 0, "starting a savepoint");
  if (st == CRM_OK)
    st = crm__pg_pipeline_send(s, "SAVEPOINT crm_call", NULL, 0, "starting a savepoint");
  if (st == CRM_OK)
    s->release_pending = 0;
  s->seq_savepoint = s->seq;
  return st;
}

/* The end of a call: the answers of what it sent are read now, so that
   its failure is this call's. */
static crm_status pg_savepoint_release(crm_backend *b)
{
  crm_pg *s = CRM_PG(b);
  if (!crm__pg_pipeline_busy(s)) {
    s->release_pending = 1;
    return CRM_OK;
  }
  crm_status st = crm__pg_pipeline_send(s, "RELEASE SAVEPOINT crm_call", NULL, 0, "ending a call");
  if (st == CRM_OK)
    st = crm__pg_pipeline_sync(s, NULL, NULL);
  s->release_pending = 0;
  return st;
}

static crm_status pg_savepoint_rollback(crm_backend *b)
{
  crm_pg *s = CRM_PG(b);
  s->seq = s->seq_savepoint;
  s->release_pending = 0;
  crm__pg_pipeline_discard(s);
  crm__pg_cache_clear(s);
  return crm__pg_exec_simple(s, "ROLLBACK TO SAVEPOINT crm_call; RELEASE SAVEPOINT crm_call",
                             "rolling back a savepoint");
}

/* ------------------------------------------------------------------ */
/* the ops table                                                        */

static const char *const pg_schemes[] = {"postgresql", "postgres", NULL};

static crm_status pg_open_with_ops(crm_backend **out, const crm_backend_open_params *p);

const crm_backend_ops crm__postgres_ops = {
    .version = CRM_BACKEND_OPS_VERSION,
    .name = "postgres",
    .schemes = pg_schemes,
    .caps = CRM_BACKEND_CAP_PERSISTENT,
    .open = pg_open_with_ops,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .savepoint = pg_savepoint,
    .savepoint_release = pg_savepoint_release,
    .savepoint_rollback = pg_savepoint_rollback,
    .setting_get = crm__pg_setting_get,
    .setting_set = crm__pg_setting_set,
    .cursor_get = crm__pg_cursor_get,
    .cursor_set = crm__pg_cursor_set,
    .event_append = crm__pg_event_append,
    .event_list = crm__pg_event_list,
    .customer_insert = crm__pg_customer_insert,
    .customer_get = crm__pg_customer_get,
    .customer_update = crm__pg_customer_update,
    .identity_insert = crm__pg_identity_insert,
    .identity_find = crm__pg_identity_find,
    .identity_delete = crm__pg_identity_delete,
    .identity_list = crm__pg_identity_list,
    .preference_get = crm__pg_preference_get,
    .preference_set = crm__pg_preference_set,
    .attribute_set = crm__pg_attribute_set,
    .attribute_list = crm__pg_attribute_list,
    .label_add = crm__pg_label_add,
    .label_remove = crm__pg_label_remove,
    .label_list = crm__pg_label_list,
    .queue_insert = crm__pg_queue_insert,
    .queue_get = crm__pg_queue_get,
    .agent_insert = crm__pg_agent_insert,
    .agent_get = crm__pg_agent_get,
    .member_set = crm__pg_member_set,
    .member_get = crm__pg_member_get,
    .member_delete = crm__pg_member_delete,
    .member_list = crm__pg_member_list,
    .case_insert = crm__pg_case_insert,
    .case_get = crm__pg_case_get,
    .case_update = crm__pg_case_update,
    .case_query = crm__pg_case_query,
    .case_list_resolved_before = crm__pg_case_list_resolved_before,
    .link_insert = crm__pg_link_insert,
    .link_list = crm__pg_link_list,
    .interaction_insert = crm__pg_interaction_insert,
    .interaction_get = crm__pg_interaction_get,
    .interaction_find_ref = crm__pg_interaction_find_ref,
    .interaction_set_case = crm__pg_interaction_set_case,
    .timeline = crm__pg_timeline,
    .participant_insert = crm__pg_participant_insert,
    .participant_list = crm__pg_participant_list,
    .attachment_insert = crm__pg_attachment_insert,
    .attachment_get = crm__pg_attachment_get,
    .attachment_list = crm__pg_attachment_list,
    .sla_def_insert = crm__pg_sla_def_insert,
    .sla_def_update = crm__pg_sla_def_update,
    .sla_def_get = crm__pg_sla_def_get,
    .sla_def_list = crm__pg_sla_def_list,
    .sla_case_get = crm__pg_sla_case_get,
    .sla_case_put = crm__pg_sla_case_put,
    .sla_cycle_insert = crm__pg_sla_cycle_insert,
    .sla_cycle_get = crm__pg_sla_cycle_get,
    .sla_cycle_update = crm__pg_sla_cycle_update,
    .sla_cycle_list_case = crm__pg_sla_cycle_list_case,
    .sla_cycle_list_fire = crm__pg_sla_cycle_list_fire,
    .sla_cycle_list_due = crm__pg_sla_cycle_list_due,
    .sla_cycle_list_open = crm__pg_sla_cycle_list_open,
    .sla_case_list_due = crm__pg_sla_case_list_due,
    .sla_segment_insert = crm__pg_sla_segment_insert,
    .sla_segment_list = crm__pg_sla_segment_list,
    /* customer lifecycle */
    .owned_list = crm__pg_owned_list,
    .owned_move = crm__pg_owned_move,
    .preference_list = crm__pg_preference_list,
    .preference_put = crm__pg_preference_put,
    .preference_delete = crm__pg_preference_delete,
    .merge_insert = crm__pg_merge_insert,
    .merge_list = crm__pg_merge_list,
    .merge_update = crm__pg_merge_update,
    .customer_keys_set = crm__pg_customer_keys_set,
    .customer_keys_find = crm__pg_customer_keys_find,
    .event_list_entity = crm__pg_event_list_entity,
    .event_set_payload = crm__pg_event_set_payload,
    .interaction_set_texts = crm__pg_interaction_set_texts,
    .participant_find = crm__pg_participant_find,
    .participant_set_value = crm__pg_participant_set_value,
    .attachment_rewrite = crm__pg_attachment_rewrite,
    .compact = crm__pg_compact,
    /* incidents, search, reports */
    .incident_scope_set = crm__pg_incident_scope_set,
    .incident_scope_list = crm__pg_incident_scope_list,
    .incident_match = crm__pg_incident_match,
    .link_list_to = crm__pg_link_list_to,
    .search = crm__pg_search,
    .report_aggregate = crm__pg_report_aggregate,
};

static crm_status pg_open_with_ops(crm_backend **out, const crm_backend_open_params *p)
{
  crm_status st = pg_open(out, p);
  if (st == CRM_OK)
    (*out)->ops = &crm__postgres_ops;
  return st;
}
