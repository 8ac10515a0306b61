/*
 * The PostgreSQL backend's pipeline (libpq pipeline mode) and its ids
 * reserved in blocks.
 *
 * Inside a write transaction, a statement whose result the core does not
 * need (an event, a case's SLA facts, a row whose id was reserved in
 * advance, a savepoint) is sent without waiting for its answer. The
 * answers are read, in order, with the next statement that needs one (it
 * goes in the same round trip, behind them), and at the end of the call
 * at the latest (savepoint release, commit): so a failed statement still
 * fails the call that sent it, and the call's savepoint rollback undoes
 * all of that call's writes and only those. After a failure PostgreSQL
 * skips what follows it up to the sync point; the first failure is the
 * one reported.
 *
 * Ids of new customers, cases and interactions come from their identity
 * sequences in blocks (nextval, so unique across connections), taken
 * when a block runs out: the insert then needs no answer. A block grows
 * from 2 to 64 ids; ids a handle reserved but did not use leave gaps, as
 * a rolled-back insert does.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* A statement sent whose answer is not read yet. */
typedef struct {
  char *doing;     /* for the error message */
  char *unprepare; /* a PQsendPrepare: its SQL, forgotten if it fails */
} piped;

static void piped_clear(void *p)
{
  piped *e = p;
  g_free(e->doing);
  g_free(e->unprepare);
}

/* The statements a pipeline holds before it is synced anyway (bounds
   memory on long runs of deferred statements). */
#define MAX_PIPED 512

void crm__pg_pipeline_init(crm_pg *s)
{
  s->piped = g_array_new(FALSE, FALSE, sizeof(piped));
  g_array_set_clear_func(s->piped, piped_clear);
}

void crm__pg_pipeline_free(crm_pg *s)
{
  if (s->piped)
    g_array_unref(s->piped);
  s->piped = NULL;
}

int crm__pg_pipeline_busy(const crm_pg *s)
{
  return s->piped && s->piped->len > 0;
}

static crm_status note(crm_pg *s, int sent, const char *doing, const char *unprepare)
{
  if (!sent)
    return crm__pg_fail(s, NULL, doing);
  piped e = {g_strdup(doing), g_strdup(unprepare)};
  g_array_append_val(s->piped, e);
  return CRM_OK;
}

static crm_status enter(crm_pg *s, const char *doing)
{
  if (PQpipelineStatus(s->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(s->conn))
    return crm__pg_fail(s, NULL, doing);
  return CRM_OK;
}

crm_status crm__pg_pipeline_send(crm_pg *s, const char *sql, const crm_pg_params *p, int binary,
                                 const char *doing)
{
  crm_status st = enter(s, doing);
  if (st != CRM_OK)
    return st;
  int n = p ? p->n : 0;
  const char *name = g_hash_table_lookup(s->stmts, sql);
  if (name == NULL) {
    char *fresh = g_strdup_printf("crm_%u", ++s->next_stmt);
    int sent = PQsendPrepare(s->conn, fresh, sql, n, NULL);
    if (!sent) {
      g_free(fresh);
      return crm__pg_fail(s, NULL, doing);
    }
    g_hash_table_insert(s->stmts, g_strdup(sql), fresh);
    name = fresh;
    if ((st = note(s, 1, doing, sql)) != CRM_OK)
      return st;
  }
  return note(s,
              PQsendQueryPrepared(s->conn, name, n, p ? p->values : NULL, p ? p->lengths : NULL,
                                  p ? p->formats : NULL, binary ? 1 : 0),
              doing, NULL);
}

static int result_ok(const PGresult *res)
{
  ExecStatusType t = PQresultStatus(res);
  return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* The connection back out of pipeline mode, whatever is left in it
   (only after a connection failure: the answers left are dropped). */
static void leave(crm_pg *s)
{
  g_array_set_size(s->piped, 0);
  for (int i = 0; i < 2 * MAX_PIPED && PQpipelineStatus(s->conn) != PQ_PIPELINE_OFF &&
                  !PQexitPipelineMode(s->conn) && PQstatus(s->conn) == CONNECTION_OK;
       i++)
    PQclear(PQgetResult(s->conn));
}

crm_status crm__pg_pipeline_sync(crm_pg *s, PGresult **last, int *last_failed)
{
  if (last)
    *last = NULL;
  if (last_failed)
    *last_failed = 0;
  if (!crm__pg_pipeline_busy(s))
    return CRM_OK;
  crm_status st = CRM_OK;
  if (!PQpipelineSync(s->conn)) {
    st = crm__pg_fail(s, NULL, g_array_index(s->piped, piped, 0).doing);
    leave(s);
    return st;
  }
  guint n = s->piped->len;
  for (guint i = 0; i < n; i++) {
    piped *e = &g_array_index(s->piped, piped, i);
    PGresult *res = PQgetResult(s->conn);
    if (res == NULL) { /* the connection went */
      if (st == CRM_OK)
        st = crm__pg_fail(s, NULL, e->doing);
      break;
    }
    PGresult *more;
    while ((more = PQgetResult(s->conn)) != NULL)
      PQclear(more);
    if (!result_ok(res)) {
      if (e->unprepare)
        g_hash_table_remove(s->stmts, e->unprepare);
      if (st == CRM_OK) {
        st = crm__pg_fail(s, res, e->doing);
        if (last_failed)
          *last_failed = i == n - 1;
      }
    }
    if (st == CRM_OK && last && i == n - 1)
      *last = res;
    else
      PQclear(res);
  }
  PGresult *res = PQgetResult(s->conn); /* PGRES_PIPELINE_SYNC */
  if (res && PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
    PQclear(res);
    g_array_set_size(s->piped, 0);
    if (PQexitPipelineMode(s->conn))
      return st;
  } else {
    PQclear(res);
  }
  /* out of step with the server: only a lost connection does that */
  if (st == CRM_OK)
    st = crm__pg_fail(s, NULL, "reading the answers of a pipeline");
  if (last && *last) {
    PQclear(*last);
    *last = NULL;
  }
  leave(s);
  return st;
}

void crm__pg_pipeline_discard(crm_pg *s)
{
  if (!crm__pg_pipeline_busy(s))
    return;
  crm_error saved = *crm_error_last();
  char *msg = g_strdup(saved.message);
  crm__pg_pipeline_sync(s, NULL, NULL);
  crm_backend_error(saved.code, "%s", msg); /* the error that made the caller discard */
  g_free(msg);
}

crm_status crm__pg_defer(crm_pg *s, const char *sql, const crm_pg_params *p, const char *doing)
{
  crm__pg_cache_check(s, sql);
  if (!s->in_txn || !s->write_txn || PQstatus(s->conn) != CONNECTION_OK)
    return crm__pg_exec(s, sql, p, NULL, doing);
  crm_status st = crm__pg_pipeline_send(s, sql, p, 0, doing);
  if (st == CRM_OK && s->piped->len >= MAX_PIPED)
    st = crm__pg_pipeline_sync(s, NULL, NULL);
  return st;
}

/* ------------------------------------------------------------------ */
/* ids in blocks                                                        */

static const char *const id_tables[CRM_PG_ID_COUNT] = {
    [CRM_PG_ID_CUSTOMER] = "crm_customers",
    [CRM_PG_ID_CASE] = "crm_cases",
    [CRM_PG_ID_INTERACTION] = "crm_interactions",
};

#define MAX_BLOCK 64

crm_status crm__pg_take_id(crm_pg *s, crm_pg_id_kind kind, int64_t *out)
{
  *out = 0;
  crm_pg_id_block *b = &s->ids[kind];
  if (b->next == b->count) {
    int want = b->count == 0 ? 2 : MIN(2 * b->count, MAX_BLOCK);
    crm_pg_params p = CRM_PG_PARAMS_INIT;
    crm__pg_text(&p, id_tables[kind]);
    crm__pg_int(&p, want);
    PGresult *res = NULL;
    crm_status st = crm__pg_run(
        s, "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2::int)", &p,
        0, &res, "reserving ids");
    if (st != CRM_OK)
      return st;
    int got = PQntuples(res);
    g_assert(got == want && want <= (int)G_N_ELEMENTS(b->ids));
    for (int i = 0; i < got; i++)
      b->ids[i] = crm__pg_col_int(res, i, 0);
    PQclear(res);
    b->count = got;
    b->next = 0;
  }
  *out = b->ids[b->next++];
  return CRM_OK;
}
