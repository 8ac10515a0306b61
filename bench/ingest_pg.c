/*
 * bench_ingest on PostgreSQL: libcrm beside three libpq programs writing
 * the same rows, each in a schema of its own on the server named by
 * CRM_BENCH_PG.
 *
 *   naive   one prepared statement, one round trip, at a time: the
 *           baseline of the target (libcrm at 2x its rate)
 *   floor   the least any implementation of libcrm's contract can do: a
 *           call's writes pipelined inside a savepoint and answered in one
 *           round trip before the call returns (a failed call undoes its
 *           own writes and only those); identity lookups remembered for
 *           the transaction; ids reserved 64 at a time; the external
 *           reference checked by the insert itself (ON CONFLICT DO NOTHING
 *           RETURNING id), read with the call's other answers
 *   behind  the least a program can do without that per-call guarantee:
 *           the two answers a contact needs (whose is this address, is
 *           this Message-ID new) one round trip each, and every row written
 *           at COMMIT, one multi-row statement per table
 *
 * floor_vs_naive and behind_vs_naive bound what libcrm can reach on the
 * machine at hand: the round trips and the rows, with no library around
 * them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ingest.h"

typedef enum { DRIVER_LIBCRM, DRIVER_NAIVE, DRIVER_FLOOR, DRIVER_BEHIND, N_DRIVERS } driver;
static const char *const driver_names[N_DRIVERS] = {"libcrm", "naive", "floor", "behind"};

/* The statements the naive loop and the floor share (the floor differs in
   the rows that take a reserved id). */
#define FIND_IDENTITY_SQL "SELECT customer FROM crm_identities WHERE kind = $1 AND value = $2"
#define INSERT_IDENTITY_SQL \
  "INSERT INTO crm_identities (customer, kind, value, created_at) VALUES ($1, $2, $3, $4)"
/* $1: the next event number, counted from the counter locked at BEGIN
   (pg_values passes it), as libcrm numbers its events */
#define INSERT_EVENT_SQL                                                         \
  "INSERT INTO crm_events (seq, time, actor, kind, entity, entity_id, payload) " \
  "VALUES ($1, $2, NULL, $3, $4, $5, $6)"
#define INSERT_SLA_CASE_SQL \
  "INSERT INTO crm_sla_cases (case_id, channel, last_reply_at) VALUES ($1, 1, 0)"

/* The statements of lib/backends/postgres with the values libcrm binds. */
static const char *const naive_sql[Q_COUNT] = {
    [Q_FIND_IDENTITY] = FIND_IDENTITY_SQL,
    [Q_INSERT_CUSTOMER] = "INSERT INTO crm_customers (display_name, organization, language, "
                          "timezone, segment, status, created_at, updated_at, version) "
                          "VALUES ($1, NULL, NULL, NULL, NULL, 1, $2, $3, 1) RETURNING id",
    [Q_INSERT_IDENTITY] = INSERT_IDENTITY_SQL,
    [Q_INSERT_EVENT] = INSERT_EVENT_SQL,
    [Q_INSERT_CASE] = "INSERT INTO crm_cases (customer, subject, kind, status, priority, queue, "
                      "assignee, created_at, updated_at, resolved_at, version, inbound_count, "
                      "transfer_count, reopen_count, csat, csat_comment) VALUES ($1, $2, 1, 1, "
                      "2, NULL, NULL, $3, $4, NULL, 2, 1, 0, 0, NULL, NULL) RETURNING id",
    [Q_INSERT_INTERACTION] = "INSERT INTO crm_interactions (customer, case_id, agent, channel, "
                             "direction, outcome, occurred_at, recorded_at, subject, body, "
                             "external_ref, in_reply_to) VALUES ($1, $2, NULL, 1, 1, 0, $3, $4, "
                             "$5, $6, $7, NULL) RETURNING id",
    [Q_INSERT_SLA_CASE] = INSERT_SLA_CASE_SQL,
};

/* The floor's: new rows take a reserved id (the last value). */
static const char *const floor_sql[Q_COUNT] = {
    [Q_FIND_IDENTITY] = FIND_IDENTITY_SQL,
    [Q_INSERT_CUSTOMER] = "INSERT INTO crm_customers (display_name, organization, language, "
                          "timezone, segment, status, created_at, updated_at, version, id) "
                          "OVERRIDING SYSTEM VALUE VALUES ($1, NULL, NULL, NULL, NULL, 1, $2, $3, "
                          "1, $4)",
    [Q_INSERT_IDENTITY] = INSERT_IDENTITY_SQL,
    [Q_INSERT_EVENT] = INSERT_EVENT_SQL,
    [Q_INSERT_CASE] = "INSERT INTO crm_cases (customer, subject, kind, status, priority, queue, "
                      "assignee, created_at, updated_at, resolved_at, version, inbound_count, "
                      "transfer_count, reopen_count, csat, csat_comment, id) OVERRIDING SYSTEM "
                      "VALUE VALUES ($1, $2, 1, 1, 2, NULL, NULL, $3, $4, NULL, 2, 1, 0, 0, NULL, "
                      "NULL, $5)",
    [Q_INSERT_INTERACTION] = "INSERT INTO crm_interactions (customer, case_id, agent, channel, "
                             "direction, outcome, occurred_at, recorded_at, subject, body, "
                             "external_ref, in_reply_to, id) OVERRIDING SYSTEM VALUE VALUES ($1, "
                             "$2, NULL, 1, 1, 0, $3, $4, $5, $6, $7, NULL, $8) "
                             "ON CONFLICT DO NOTHING RETURNING id",
    [Q_INSERT_SLA_CASE] = INSERT_SLA_CASE_SQL,
};

/* Written behind: each value is an array of the rows' values, in the
   order the floor's statements take them. */
static const char *const behind_sql[Q_COUNT] = {
    [Q_FIND_IDENTITY] = FIND_IDENTITY_SQL,
    [Q_INSERT_CUSTOMER] = "INSERT INTO crm_customers (display_name, organization, language, "
                          "timezone, segment, status, created_at, updated_at, version, id) "
                          "OVERRIDING SYSTEM VALUE SELECT n, NULL, NULL, NULL, NULL, 1, c, u, 1, i "
                          "FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) "
                          "AS r(n, c, u, i)",
    [Q_INSERT_IDENTITY] = "INSERT INTO crm_identities (customer, kind, value, created_at) "
                          "SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[])",
    [Q_INSERT_EVENT] = "INSERT INTO crm_events (seq, time, actor, kind, entity, entity_id, "
                       "payload) SELECT s, t, NULL, k, e, i, p FROM unnest($1::bigint[], "
                       "$2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[]) "
                       "AS r(s, t, k, e, i, p)",
    [Q_INSERT_CASE] = "INSERT INTO crm_cases (customer, subject, kind, status, priority, queue, "
                      "assignee, created_at, updated_at, resolved_at, version, inbound_count, "
                      "transfer_count, reopen_count, csat, csat_comment, id) OVERRIDING SYSTEM "
                      "VALUE SELECT cu, s, 1, 1, 2, NULL, NULL, c, u, NULL, 2, 1, 0, 0, NULL, "
                      "NULL, i FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], "
                      "$5::bigint[]) AS r(cu, s, c, u, i)",
    [Q_INSERT_INTERACTION] =
        "INSERT INTO crm_interactions (customer, case_id, agent, channel, "
        "direction, outcome, occurred_at, recorded_at, subject, body, "
        "external_ref, in_reply_to, id) OVERRIDING SYSTEM VALUE SELECT cu, "
        "ca, NULL, 1, 1, 0, o, re, s, b, x, NULL, i FROM unnest("
        "$1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], "
        "$6::text[], $7::text[], $8::bigint[]) AS r(cu, ca, o, re, s, b, x, i)",
    [Q_INSERT_SLA_CASE] = "INSERT INTO crm_sla_cases (case_id, channel, last_reply_at) "
                          "SELECT c, 1, 0 FROM unnest($1::bigint[]) AS r(c)",
};

/* The behind driver's rows go parents first (foreign keys). */
static const int behind_order[] = {Q_INSERT_CUSTOMER,    Q_INSERT_IDENTITY, Q_INSERT_CASE,
                                   Q_INSERT_INTERACTION, Q_INSERT_SLA_CASE, Q_INSERT_EVENT};

#define MAX_VALUES 9
#define ID_BLOCK   64

/* A write transaction as the PostgreSQL backend begins one: the event
   counter row locked until the end, so sequence numbers follow commits;
   the events are numbered from it in memory and the counter is stored
   before COMMIT (updating it at every event would make each update walk
   the row's earlier versions: a quadratic cost no sensible loop has). */
#define PG_BEGIN "BEGIN; SELECT seq FROM crm_event_seq FOR NO KEY UPDATE"

typedef struct {
  raw base;
  PGconn *conn;
  driver kind;
  int64_t seq, seq_stored; /* the last event number taken; the one stored */
  /* floor and behind */
  GHashTable *known; /* address -> customer (0: none) of this transaction */
  int64_t ids[3][ID_BLOCK];
  int id_next[3], id_count[3];
  int piped;   /* statements sent, answers not read */
  int in_call; /* floor: the call's savepoint is sent */
  /* behind: each statement's values, as array literals without braces */
  GString *rows[Q_COUNT][MAX_VALUES];
  int n_values[Q_COUNT];
} raw_pg;

static PGresult *pg_ok(PGconn *c, PGresult *res, const char *what)
{
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    die("%s: %s", what, PQerrorMessage(c));
  return res;
}

static const char *const *driver_sql(const raw_pg *p)
{
  return p->kind == DRIVER_FLOOR ? floor_sql : p->kind == DRIVER_BEHIND ? behind_sql : naive_sql;
}

/* The values of statement q as text into values[] (numbers in nums): an
   event's number first, then ps, then a reserved id when nonzero. */
static int pg_values(raw_pg *p, int q, const param *ps, int n, int64_t id,
                     char nums[MAX_VALUES][24], const char *values[MAX_VALUES])
{
  int k = 0;
  if (q == Q_INSERT_EVENT) {
    g_snprintf(nums[k], sizeof nums[k], "%" PRId64, ++p->seq);
    values[k] = nums[k];
    k++;
  }
  for (int i = 0; i < n; i++, k++) {
    if (ps[i].kind == P_INT) {
      g_snprintf(nums[k], sizeof nums[k], "%" PRId64, ps[i].i);
      values[k] = nums[k];
    } else {
      values[k] = ps[i].kind == P_TEXT ? ps[i].s : NULL;
    }
  }
  if (id) {
    g_snprintf(nums[k], sizeof nums[k], "%" PRId64, id);
    values[k] = nums[k];
    k++;
  }
  g_assert(k <= MAX_VALUES);
  return k;
}

static void statement_name(char *name, size_t size, int q)
{
  g_snprintf(name, size, "q%d", q);
}

/* ------------------------------------------------------------------ */
/* naive: one statement, one round trip                                 */

static void naive_run(raw *r, int q, const param *ps, int n, int64_t *out)
{
  raw_pg *p = (raw_pg *)r;
  char nums[MAX_VALUES][24], name[8];
  const char *values[MAX_VALUES];
  int k = pg_values(p, q, ps, n, 0, nums, values);
  statement_name(name, sizeof name, q);
  PGresult *res =
      pg_ok(p->conn, PQexecPrepared(p->conn, name, k, values, NULL, NULL, 0), naive_sql[q]);
  if (out)
    *out = PQntuples(res) > 0 ? g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
  PQclear(res);
}

static void raw_pg_exec(raw *r, const char *sql)
{
  raw_pg *p = (raw_pg *)r;
  PQclear(pg_ok(p->conn, PQexec(p->conn, sql), sql));
}

static void raw_pg_begin(raw *r)
{
  raw_pg *p = (raw_pg *)r;
  PGresult *res = pg_ok(p->conn, PQexec(p->conn, PG_BEGIN), PG_BEGIN);
  p->seq = p->seq_stored = g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
  PQclear(res);
  if (p->known)
    g_hash_table_remove_all(p->known);
}

/* The counter stored, then COMMIT: a statement per round trip. */
static void naive_commit(raw *r)
{
  raw_pg *p = (raw_pg *)r;
  if (p->seq != p->seq_stored) {
    char sql[64];
    g_snprintf(sql, sizeof sql, "UPDATE crm_event_seq SET seq = %" PRId64, p->seq);
    raw_pg_exec(r, sql);
  }
  raw_pg_exec(r, "COMMIT");
}

static void raw_pg_close(raw *r)
{
  raw_pg *p = (raw_pg *)r;
  PQfinish(p->conn);
  if (p->known)
    g_hash_table_unref(p->known);
  for (int q = 0; q < Q_COUNT; q++)
    for (int i = 0; i < MAX_VALUES; i++)
      if (p->rows[q][i])
        g_string_free(p->rows[q][i], TRUE);
  g_free(p);
}

/* ------------------------------------------------------------------ */
/* floor and behind: what they share                                    */

static void pipe_send(raw_pg *p, const char *name, int n, const char *const *values)
{
  if (PQpipelineStatus(p->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(p->conn))
    die("entering pipeline mode: %s", PQerrorMessage(p->conn));
  if (!PQsendQueryPrepared(p->conn, name, n, values, NULL, NULL, 0))
    die("sending %s: %s", name, PQerrorMessage(p->conn));
  p->piped++;
}

/* Every answer sent for, in one round trip; *last (may be NULL; PQclear
   it) receives the last one. Another RETURNING that returned nothing is
   an external reference already recorded: not in these workloads. */
static void pipe_sync(raw_pg *p, PGresult **last)
{
  if (!PQpipelineSync(p->conn))
    die("syncing the pipeline: %s", PQerrorMessage(p->conn));
  for (int i = 0; i < p->piped; i++) {
    PGresult *res = pg_ok(p->conn, PQgetResult(p->conn), "a pipelined statement");
    int asked = last && i == p->piped - 1;
    if (!asked && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 0)
      die("a pipelined insert returned no row");
    PGresult *more;
    while ((more = PQgetResult(p->conn)) != NULL)
      PQclear(more);
    if (asked)
      *last = res;
    else
      PQclear(res);
  }
  PGresult *res = PQgetResult(p->conn);
  if (PQresultStatus(res) != PGRES_PIPELINE_SYNC)
    die("the pipeline is out of step");
  PQclear(res);
  p->piped = 0;
  if (!PQexitPipelineMode(p->conn))
    die("leaving pipeline mode: %s", PQerrorMessage(p->conn));
}

/* A statement whose answer is needed now: behind the ones sent, if any. */
static PGresult *ask(raw_pg *p, const char *name, int n, const char *const *values)
{
  if (p->piped == 0)
    return pg_ok(p->conn, PQexecPrepared(p->conn, name, n, values, NULL, NULL, 0), name);
  PGresult *res = NULL;
  pipe_send(p, name, n, values);
  pipe_sync(p, &res);
  return res;
}

/* The next id of a customer, case or interaction, reserved in blocks. */
static int64_t take_id(raw_pg *p, int q)
{
  int k = q == Q_INSERT_CUSTOMER ? 0 : q == Q_INSERT_CASE ? 1 : 2;
  static const char *const tables[] = {"crm_customers", "crm_cases", "crm_interactions"};
  if (p->id_next[k] == p->id_count[k]) {
    const char *values[] = {tables[k]};
    PGresult *res = ask(p, "ids", 1, values);
    g_assert(PQntuples(res) == ID_BLOCK);
    for (int i = 0; i < ID_BLOCK; i++)
      p->ids[k][i] = g_ascii_strtoll(PQgetvalue(res, i, 0), NULL, 10);
    PQclear(res);
    p->id_next[k] = 0;
    p->id_count[k] = ID_BLOCK;
  }
  return p->ids[k][p->id_next[k]++];
}

/* Whose address this is: from this transaction's answers, else asked. */
static int64_t find_identity(raw_pg *p, const param *ps, int n)
{
  int64_t *known = g_hash_table_lookup(p->known, ps[1].s);
  if (known)
    return *known;
  char nums[MAX_VALUES][24], name[8];
  const char *values[MAX_VALUES];
  int k = pg_values(p, Q_FIND_IDENTITY, ps, n, 0, nums, values);
  statement_name(name, sizeof name, Q_FIND_IDENTITY);
  PGresult *res = ask(p, name, k, values);
  int64_t customer = PQntuples(res) > 0 ? g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
  PQclear(res);
  int64_t *v = g_new(int64_t, 1);
  *v = customer;
  g_hash_table_replace(p->known, g_strdup(ps[1].s), v);
  return customer;
}

static void remember_identity(raw_pg *p, const param *ps)
{
  int64_t *v = g_new(int64_t, 1);
  *v = ps[0].i;
  g_hash_table_replace(p->known, g_strdup(ps[2].s), v);
}

static int64_t reserved_id(raw_pg *p, int q)
{
  return q == Q_INSERT_CUSTOMER || q == Q_INSERT_CASE || q == Q_INSERT_INTERACTION ? take_id(p, q)
                                                                                   : 0;
}

/* ------------------------------------------------------------------ */
/* floor: a call's writes in one round trip, inside its savepoint       */

static void floor_run(raw *r, int q, const param *ps, int n, int64_t *out)
{
  raw_pg *p = (raw_pg *)r;
  if (q == Q_FIND_IDENTITY) {
    *out = find_identity(p, ps, n);
    return;
  }
  int64_t id = reserved_id(p, q);
  if (!p->in_call) {
    pipe_send(p, "savepoint", 0, NULL);
    p->in_call = 1;
  }
  if (q == Q_INSERT_IDENTITY)
    remember_identity(p, ps);
  char nums[MAX_VALUES][24], name[8];
  const char *values[MAX_VALUES];
  int k = pg_values(p, q, ps, n, id, nums, values);
  statement_name(name, sizeof name, q);
  pipe_send(p, name, k, values);
  if (out)
    *out = id;
}

static void floor_call_end(raw *r)
{
  raw_pg *p = (raw_pg *)r;
  if (!p->in_call)
    return;
  pipe_send(p, "release", 0, NULL);
  pipe_sync(p, NULL);
  p->in_call = 0;
}

/* The counter and COMMIT in one round trip. */
static void floor_commit(raw *r)
{
  raw_pg *p = (raw_pg *)r;
  char sql[80];
  g_snprintf(sql, sizeof sql, "UPDATE crm_event_seq SET seq = %" PRId64 "; COMMIT", p->seq);
  raw_pg_exec(r, sql);
}

/* ------------------------------------------------------------------ */
/* behind: rows kept until COMMIT                                       */

/* Append a value to an array literal (without its braces). */
static void array_append(GString *a, const char *value)
{
  if (a->len > 0)
    g_string_append_c(a, ',');
  if (value == NULL) {
    g_string_append(a, "NULL");
    return;
  }
  g_string_append_c(a, '"');
  for (const char *c = value; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(a, '\\');
    g_string_append_c(a, *c);
  }
  g_string_append_c(a, '"');
}

static void behind_run(raw *r, int q, const param *ps, int n, int64_t *out)
{
  raw_pg *p = (raw_pg *)r;
  if (q == Q_FIND_IDENTITY) {
    *out = find_identity(p, ps, n);
    return;
  }
  if (q == Q_INSERT_INTERACTION) { /* is this Message-ID new? */
    const char *values[] = {ps[6].s, "1"};
    PGresult *res = ask(p, "ref", 2, values);
    if (PQntuples(res) > 0)
      die("external reference %s already recorded", ps[6].s);
    PQclear(res);
  }
  int64_t id = reserved_id(p, q);
  if (q == Q_INSERT_IDENTITY)
    remember_identity(p, ps);
  char nums[MAX_VALUES][24];
  const char *values[MAX_VALUES];
  int k = pg_values(p, q, ps, n, id, nums, values);
  for (int i = 0; i < k; i++) {
    if (p->rows[q][i] == NULL)
      p->rows[q][i] = g_string_new(NULL);
    array_append(p->rows[q][i], values[i]);
  }
  p->n_values[q] = k;
  if (out)
    *out = id;
}

/* Each table's rows in one statement, the counter and COMMIT: one round
   trip. */
static void behind_commit(raw *r)
{
  raw_pg *p = (raw_pg *)r;
  for (size_t o = 0; o < G_N_ELEMENTS(behind_order); o++) {
    int q = behind_order[o];
    if (p->n_values[q] == 0 || p->rows[q][0]->len == 0)
      continue;
    char *arrays[MAX_VALUES], name[8];
    for (int i = 0; i < p->n_values[q]; i++)
      arrays[i] = g_strdup_printf("{%s}", p->rows[q][i]->str);
    statement_name(name, sizeof name, q);
    pipe_send(p, name, p->n_values[q], (const char *const *)arrays);
    for (int i = 0; i < p->n_values[q]; i++) {
      g_free(arrays[i]);
      g_string_truncate(p->rows[q][i], 0);
    }
  }
  char seq[24];
  g_snprintf(seq, sizeof seq, "%" PRId64, p->seq);
  const char *values[] = {seq};
  pipe_send(p, "store_seq", 1, values);
  pipe_send(p, "commit", 0, NULL);
  pipe_sync(p, NULL);
}

/* ------------------------------------------------------------------ */
/* connections                                                          */

static void prepare(raw_pg *p, const char *name, const char *sql)
{
  PQclear(pg_ok(p->conn, PQprepare(p->conn, name, sql, 0, NULL), sql));
}

/* A connection for `kind`, its statements prepared; DRIVER_LIBCRM: a
   bare connection for set-up work. */
static raw *raw_pg_open(const char *conninfo, driver kind)
{
  raw_pg *p = g_new0(raw_pg, 1);
  p->kind = kind;
  p->base = (raw){naive_run, raw_pg_exec, raw_pg_begin, naive_commit, raw_pg_close, NULL};
  if (kind == DRIVER_FLOOR) {
    p->base.run = floor_run;
    p->base.commit = floor_commit;
    p->base.call_end = floor_call_end;
  } else if (kind == DRIVER_BEHIND) {
    p->base.run = behind_run;
    p->base.commit = behind_commit;
  }
  p->conn = PQconnectdb(conninfo);
  if (PQstatus(p->conn) != CONNECTION_OK)
    die("cannot connect: %s", PQerrorMessage(p->conn));
  if (kind == DRIVER_LIBCRM)
    return &p->base;
  const char *const *sql = driver_sql(p);
  for (int q = 0; q < Q_COUNT; q++) {
    char name[8];
    statement_name(name, sizeof name, q);
    prepare(p, name, sql[q]);
  }
  if (kind == DRIVER_FLOOR || kind == DRIVER_BEHIND) {
    p->known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    prepare(p, "ids",
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, 64)");
    prepare(p, "savepoint", "SAVEPOINT crm_call");
    prepare(p, "release", "RELEASE SAVEPOINT crm_call");
    prepare(p, "ref", "SELECT id FROM crm_interactions WHERE external_ref = $1 AND channel = $2");
    prepare(p, "store_seq", "UPDATE crm_event_seq SET seq = $1");
    prepare(p, "commit", "COMMIT");
  }
  return &p->base;
}

typedef struct {
  char *conninfo; /* libpq, with the schema as search_path */
  char *uri;      /* libcrm */
} pg_target;

/* A fresh schema on the server, with libcrm's tables in it. */
static pg_target pg_schema_new(const char *base_conninfo, const char *schema)
{
  raw *admin = raw_pg_open(base_conninfo, DRIVER_LIBCRM);
  char *sql = g_strdup_printf(
      "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
      schema, schema);
  admin->exec(admin, sql);
  g_free(sql);
  admin->close(admin);
  pg_target t;
  t.conninfo = g_strdup_printf("%s options='-c search_path=%s'", base_conninfo, schema);
  t.uri = g_strdup_printf("postgres:%s", t.conninfo);
  crm_close(libcrm_open(t.uri));
  return t;
}

static void pg_schema_drop(const char *base_conninfo, const char *schema, pg_target *t)
{
  raw *admin = raw_pg_open(base_conninfo, DRIVER_LIBCRM);
  char *sql = g_strdup_printf("SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE",
                              schema);
  admin->exec(admin, sql);
  g_free(sql);
  admin->close(admin);
  g_free(t->conninfo);
  g_free(t->uri);
}

/* ------------------------------------------------------------------ */
/* the row-for-row check                                                */

static char *pg_dump(const char *conninfo)
{
  PGconn *c = PQconnectdb(conninfo);
  if (PQstatus(c) != CONNECTION_OK)
    die("cannot connect: %s", PQerrorMessage(c));
  PGresult *tables = pg_ok(c,
                           PQexec(c, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON "
                                     "n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                                     "AND c.relkind = 'r' ORDER BY 1"),
                           "listing tables");
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  for (int t = 0; t < PQntuples(tables); t++) {
    const char *name = PQgetvalue(tables, t, 0);
    char *sql = g_strdup_printf("SELECT * FROM %s", name);
    PGresult *rows = pg_ok(c, PQexec(c, sql), sql);
    g_free(sql);
    for (int r = 0; r < PQntuples(rows); r++) {
      GString *line = g_string_new(name);
      for (int f = 0; f < PQnfields(rows); f++)
        g_string_append_printf(line, "|%s",
                               PQgetisnull(rows, r, f) ? "NULL" : PQgetvalue(rows, r, f));
      g_ptr_array_add(lines, g_string_free(line, FALSE));
    }
    PQclear(rows);
  }
  PQclear(tables);
  PQfinish(c);
  return sorted_text(lines);
}

/* The same contacts through `kind` into a fresh schema: every row. */
static char *pg_rows_of(const char *base_conninfo, driver kind, const workload *w)
{
  char *schema = g_strdup_printf("crm_bench_%d_check_%s", (int)getpid(), driver_names[kind]);
  pg_target t = pg_schema_new(base_conninfo, schema);
  if (kind == DRIVER_LIBCRM) {
    libcrm_run(t.uri, w, 7);
  } else {
    raw *r = raw_pg_open(t.conninfo, kind);
    raw_run(r, w, 7);
    r->close(r);
  }
  char *rows = pg_dump(t.conninfo);
  pg_schema_drop(base_conninfo, schema, &t);
  g_free(schema);
  return rows;
}

/* Every driver writes what libcrm writes. */
static int pg_rows_match(const char *base_conninfo, long n)
{
  workload w = workload_new("c", n);
  char *expected = pg_rows_of(base_conninfo, DRIVER_LIBCRM, &w);
  int same = 1;
  for (driver d = DRIVER_NAIVE; d < N_DRIVERS && same; d++) {
    char *rows = pg_rows_of(base_conninfo, d, &w);
    same = strcmp(expected, rows) == 0;
    if (!same) {
      fprintf(stderr, "bench_ingest: the %s driver does not write what libcrm writes\n",
              driver_names[d]);
      report_difference(expected, rows);
    }
    g_free(rows);
  }
  g_free(expected);
  workload_free(&w);
  return same;
}

/* ------------------------------------------------------------------ */
/* the pre-populated database                                           */

/* `existing` cases as sqlite_populate writes them, with set-based SQL. */
static void pg_populate(const pg_target *t, long existing)
{
  raw *r = raw_pg_open(t->conninfo, DRIVER_LIBCRM);
  long customers = existing / 4 > 0 ? existing / 4 : 1;
  char *sql = g_strdup_printf(
      "BEGIN;"
      "INSERT INTO crm_customers (id, display_name, status, created_at, updated_at, version) "
      "  OVERRIDING SYSTEM VALUE SELECT g, 'p' || g, 1, %lld, %lld, 1 "
      "  FROM generate_series(1, %ld) g;"
      "INSERT INTO crm_identities (customer, kind, value, created_at) "
      "  SELECT g, 1, 'p' || g || '@bench.example', %lld FROM generate_series(1, %ld) g;"
      "INSERT INTO crm_cases (id, customer, subject, kind, status, priority, created_at,"
      "  updated_at, resolved_at, version, inbound_count, transfer_count, reopen_count) "
      "  OVERRIDING SYSTEM VALUE SELECT g, (g - 1) %% %ld + 1, 'Order p-' || g, 1, 6, 2, %lld,"
      "  %lld, %lld, 4, 1, 0, 0 FROM generate_series(1, %ld) g;"
      "INSERT INTO crm_interactions (id, customer, case_id, channel, direction, outcome,"
      "  occurred_at, recorded_at, subject, body, external_ref) "
      "  OVERRIDING SYSTEM VALUE SELECT g, (g - 1) %% %ld + 1, g, 1, 1, 0, %lld, %lld,"
      "  'Order p-' || g, '" BODY "', '<p-' || g || '@mail.bench.example>' "
      "  FROM generate_series(1, %ld) g;"
      "INSERT INTO crm_sla_cases (case_id, channel, last_reply_at) "
      "  SELECT g, 1, 0 FROM generate_series(1, %ld) g;"
      "INSERT INTO crm_events (seq, time, kind, entity, entity_id, payload) "
      "  SELECT 2 * g - 1, %lld, 'case.created', 'case', g, '{\"case\":' || g || '}' "
      "  FROM generate_series(1, %ld) g;"
      "INSERT INTO crm_events (seq, time, kind, entity, entity_id, payload) "
      "  SELECT 2 * g, %lld, 'interaction.recorded', 'interaction', g,"
      "  '{\"interaction\":' || g || '}' FROM generate_series(1, %ld) g;"
      "UPDATE crm_event_seq SET seq = %ld;"
      "SELECT setval(pg_get_serial_sequence('crm_customers', 'id'), %ld);"
      "SELECT setval(pg_get_serial_sequence('crm_cases', 'id'), %ld);"
      "SELECT setval(pg_get_serial_sequence('crm_interactions', 'id'), %ld);"
      "COMMIT;"
      /* this schema's tables only: a database-wide ANALYZE locks other
         schemas' tables (a test suite dropping its own schemas meanwhile
         deadlocked with it) */
      "ANALYZE crm_customers, crm_identities, crm_cases, crm_interactions, crm_sla_cases,"
      "  crm_events;",
      (long long)T0, (long long)T0, customers, (long long)T0, customers, customers, (long long)T0,
      (long long)T0, (long long)T0, existing, customers, (long long)T0, (long long)T0, existing,
      existing, (long long)T0, existing, (long long)T0, existing, 2 * existing, customers, existing,
      existing);
  r->exec(r, sql);
  g_free(sql);
  r->close(r);
}

/* ------------------------------------------------------------------ */
/* the runs                                                             */

typedef struct {
  const pg_target *t;
  const workload *w;
  int batch;
  driver kind;
} pg_job;

static elapsed pg_job_run(const void *arg)
{
  const pg_job *j = arg;
  if (j->kind == DRIVER_LIBCRM)
    return libcrm_run(j->t->uri, j->w, j->batch);
  raw *r = raw_pg_open(j->t->conninfo, j->kind);
  elapsed took = raw_run(r, j->w, j->batch);
  r->close(r);
  return took;
}

/* Contacts per wall-clock second (the server's work is not this
   process's CPU time); each run has customers of its own. */
static double pg_rate(const pg_target *t, long n, int batch, driver kind, int rep)
{
  char tag[32];
  g_snprintf(tag, sizeof tag, "%c%d-%d", driver_names[kind][0], batch, rep);
  workload w = workload_new(tag, n);
  pg_job j = {t, &w, batch, kind};
  measurement m = measure(pg_job_run, &j);
  workload_free(&w);
  note_rss(&m);
  return (double)n / m.took.wall;
}

static void result_pg(long existing, int batch, const char *what, double v)
{
  char name[96];
  g_snprintf(name, sizeof name, "pg_existing%s_batch%d_%s", count_label(existing), batch, what);
  result_double(name, v);
}

int pg_bench(const char *uri, const sizes *sz, const long *existing, int n_existing)
{
  const char *base = g_str_has_prefix(uri, "postgres:") ? uri + strlen("postgres:") : uri;
  int same = pg_rows_match(base, sz->check_size);
  result_long("pg_rows_match", same);
  if (!same)
    return 0;
  /* fewer contacts: every statement is a round trip */
  long n = sz->contacts / 4;
  for (int e = 0; e < n_existing; e++) {
    char *schema = g_strdup_printf("crm_bench_%d_%ld", (int)getpid(), existing[e]);
    pg_target t = pg_schema_new(base, schema);
    gint64 start = g_get_monotonic_time();
    pg_populate(&t, existing[e]);
    fprintf(stderr, "bench_ingest: %s existing cases written on PostgreSQL in %.1f s\n",
            count_label(existing[e]), (double)(g_get_monotonic_time() - start) / 1e6);
    for (int b = 0; b < N_BATCHES; b++) {
      /* the best of reps for each driver, the drivers in turns: a change
         in the machine's load weighs on all alike */
      double rate[N_DRIVERS] = {0};
      for (int rep = 0; rep < sz->reps; rep++)
        for (driver d = 0; d < N_DRIVERS; d++) {
          double r = pg_rate(&t, n, batches[b], d, rep);
          rate[d] = MAX(rate[d], r);
        }
      char what[32];
      for (driver d = 0; d < N_DRIVERS; d++) {
        g_snprintf(what, sizeof what, "%s_per_sec", driver_names[d]);
        result_pg(existing[e], batches[b], what, rate[d]);
      }
      for (driver d = 0; d < N_DRIVERS; d++) {
        if (d == DRIVER_NAIVE)
          continue;
        g_snprintf(what, sizeof what, "%s_vs_naive", driver_names[d]);
        result_pg(existing[e], batches[b], what, rate[d] / rate[DRIVER_NAIVE]);
      }
    }
    pg_schema_drop(base, schema, &t);
    g_free(schema);
  }
  return 1;
}
