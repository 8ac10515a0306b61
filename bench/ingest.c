/*
 * bench_ingest: inbound contacts per second through libcrm, beside raw
 * prepared statements writing exactly the rows libcrm writes, in the same
 * run.
 *
 * One inbound contact = find-or-create the customer by e-mail address
 * (n/4 distinct customers among n contacts, so three contacts in four come
 * from a returning customer), then record the inbound e-mail (with its
 * Message-ID as external reference) and let it be filed into a new case:
 *
 *   libcrm: crm_customer_ensure + crm_interaction_record
 *   raw:    an identity lookup; for a new customer a customer row, an
 *           identity row and their two events; then the case, its event,
 *           the interaction, its event and the case's SLA facts, with the
 *           same values, event payloads included
 *
 * Contacts are grouped 1, 100 and 10,000 per transaction (crm_begin /
 * crm_commit; BEGIN IMMEDIATE / COMMIT), on a database that already holds
 * 10k and 1M cases (written by set-based SQL, not timed). Before timing,
 * a check runs the same contacts both ways into two fresh databases with
 * one fixed clock and compares every row of every table: the raw path
 * must write exactly what libcrm writes, or the figures mean nothing.
 *
 * Each measurement runs in a child process on its own copy of the
 * pre-populated database, so its peak RSS (getrusage) is its own.
 *
 *   bench_ingest            full run (a few minutes: the 1M database)
 *   bench_ingest --smoke    tiny run for CI (a few seconds)
 *
 * With CRM_BENCH_PG="postgres:CONNINFO" (as CRM_TEST_PG) it also runs on
 * PostgreSQL in a schema of its own (ingest_pg.c), against a naive libpq
 * loop (one prepared statement, one round trip, at a time) writing the
 * same rows, and against two libpq programs that bound what any library
 * can reach there: with and without a call's failure undoing its own
 * writes only.
 *
 * Prints RESULT name=value lines; exit status 1 if the raw path does not
 * write what libcrm writes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sqlite3.h>

#include "crm.h"
#include "ingest.h"

static const sizes full_sizes = {20000, 3, 200};
static const sizes smoke_sizes = {400, 1, 40};
const int batches[N_BATCHES] = {1, 100, 10000};

static crm_time fixed_clock(void *payload)
{
  (void)payload;
  return T0;
}

void die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench_ingest: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(2);
}

/* ------------------------------------------------------------------ */
/* timing                                                               */

elapsed now_elapsed(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  elapsed e = {(double)g_get_monotonic_time() / 1e6,
               (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6};
  return e;
}

elapsed since(elapsed start)
{
  elapsed e = now_elapsed();
  e.wall -= start.wall;
  e.cpu -= start.cpu;
  return e;
}

/* ------------------------------------------------------------------ */
/* the workload                                                         */

workload workload_new(const char *tag, long n)
{
  workload w = {tag, n, g_new(int, n)};
  long pool = n / 4 > 0 ? n / 4 : 1;
  for (long i = 0; i < n; i++)
    w.customer_of[i] = (int)(i % pool);
  GRand *rng = g_rand_new_with_seed(20260302);
  for (long i = n - 1; i > 0; i--) {
    long j = g_rand_int_range(rng, 0, (gint32)(i + 1));
    int tmp = w.customer_of[i];
    w.customer_of[i] = w.customer_of[j];
    w.customer_of[j] = tmp;
  }
  g_rand_free(rng);
  return w;
}

void workload_free(workload *w)
{
  g_free(w->customer_of);
}

static void contact_make(contact *c, const workload *w, long i)
{
  g_snprintf(c->email, sizeof c->email, "%s%d@bench.example", w->tag, w->customer_of[i]);
  g_snprintf(c->subject, sizeof c->subject, "Order %s-%ld", w->tag, i);
  g_snprintf(c->ref, sizeof c->ref, "<%s-%ld@mail.bench.example>", w->tag, i);
}

/* ------------------------------------------------------------------ */
/* through libcrm                                                       */

crm_db *libcrm_open(const char *uri)
{
  crm_open_options o = CRM_OPEN_OPTIONS_INIT;
  o.clock = fixed_clock;
  crm_db *db = NULL;
  if (crm_open(&db, uri, &o) != CRM_OK)
    die("crm_open %s: %s", uri, crm_error_last()->message);
  return db;
}

static void libcrm_contact(crm_db *db, const contact *c)
{
  crm_id customer = 0;
  if (crm_customer_ensure(&customer, NULL, db, CRM_IDENTITY_EMAIL, c->email, NULL) != CRM_OK)
    die("crm_customer_ensure: %s", crm_error_last()->message);
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = c->subject;
  s.body = BODY;
  s.external_ref = c->ref;
  crm_id id = 0;
  if (crm_interaction_record(&id, db, &s) != CRM_OK)
    die("crm_interaction_record: %s", crm_error_last()->message);
}

/* The contacts in transactions of `batch`; the time they took. */
elapsed libcrm_run(const char *uri, const workload *w, int batch)
{
  crm_db *db = libcrm_open(uri);
  elapsed start = now_elapsed();
  contact c;
  for (long i = 0; i < w->n; i += batch) {
    if (crm_begin(db) != CRM_OK)
      die("crm_begin: %s", crm_error_last()->message);
    for (long j = i; j < i + batch && j < w->n; j++) {
      contact_make(&c, w, j);
      libcrm_contact(db, &c);
    }
    if (crm_commit(db) != CRM_OK)
      die("crm_commit: %s", crm_error_last()->message);
  }
  elapsed took = since(start);
  crm_close(db);
  return took;
}

/* ------------------------------------------------------------------ */
/* raw statements: one driver per store                                 */

/* SQLite: the statements of lib/backends/sqlite with the values libcrm binds */
static const char *const sqlite_sql[Q_COUNT] = {
    [Q_FIND_IDENTITY] = "SELECT customer FROM identities WHERE kind = ? AND value = ?",
    [Q_INSERT_CUSTOMER] = "INSERT INTO customers (display_name, organization, language, "
                          "timezone, segment, status, created_at, updated_at, version) "
                          "VALUES (?, NULL, NULL, NULL, NULL, 1, ?, ?, 1)",
    [Q_INSERT_IDENTITY] = "INSERT INTO identities (customer, kind, value, created_at) "
                          "VALUES (?, ?, ?, ?)",
    [Q_INSERT_EVENT] = "INSERT INTO events (time, actor, kind, entity, entity_id, payload) "
                       "VALUES (?, NULL, ?, ?, ?, ?)",
    [Q_INSERT_CASE] = "INSERT INTO cases (customer, subject, kind, status, priority, queue, "
                      "assignee, created_at, updated_at, resolved_at, version, inbound_count, "
                      "transfer_count, reopen_count, csat, csat_comment) "
                      "VALUES (?, ?, 1, 1, 2, NULL, NULL, ?, ?, NULL, 2, 1, 0, 0, NULL, NULL)",
    [Q_INSERT_INTERACTION] = "INSERT INTO interactions (customer, case_id, agent, channel, "
                             "direction, outcome, occurred_at, recorded_at, subject, body, "
                             "external_ref, in_reply_to) "
                             "VALUES (?, ?, NULL, 1, 1, 0, ?, ?, ?, ?, ?, NULL)",
    [Q_INSERT_SLA_CASE] = "INSERT INTO sla_cases (case_id, channel, last_reply_at) "
                          "VALUES (?, 1, 0)",
};

/* crm__sqlite_search_catch_up: the search indexes take the transaction's
   rows in one statement before COMMIT */
static const char sqlite_catch_up_sql[] =
    "UPDATE search_indexed SET upto = m.top FROM ("
    "  SELECT 'interactions' AS tbl, max(id) AS top FROM interactions UNION ALL"
    "  SELECT 'cases', max(id) FROM cases UNION ALL"
    "  SELECT 'customers', max(id) FROM customers) AS m"
    " WHERE search_indexed.tbl = m.tbl AND m.top > search_indexed.upto";

typedef struct {
  raw base;
  sqlite3 *db;
  sqlite3_stmt *stmts[Q_COUNT];
  sqlite3_stmt *catch_up;
} raw_sqlite;

static void sqlite_check(sqlite3 *db, int rc, const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    die("%s: %s", what, sqlite3_errmsg(db));
}

static void raw_sqlite_run(raw *r, int q, const param *ps, int n, int64_t *out)
{
  raw_sqlite *s = (raw_sqlite *)r;
  sqlite3_stmt *st = s->stmts[q];
  for (int i = 0; i < n; i++) {
    if (ps[i].kind == P_INT)
      sqlite3_bind_int64(st, i + 1, ps[i].i);
    else if (ps[i].kind == P_TEXT)
      sqlite3_bind_text(st, i + 1, ps[i].s, -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(st, i + 1);
  }
  int rc = sqlite3_step(st);
  sqlite_check(s->db, rc, sqlite_sql[q]);
  if (out)
    *out = q == Q_FIND_IDENTITY ? (rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0)
                                : sqlite3_last_insert_rowid(s->db);
  sqlite3_reset(st);
}

static void raw_sqlite_exec(raw *r, const char *sql)
{
  raw_sqlite *s = (raw_sqlite *)r;
  sqlite_check(s->db, sqlite3_exec(s->db, sql, NULL, NULL, NULL), sql);
}

static void raw_sqlite_begin(raw *r)
{
  raw_sqlite_exec(r, "BEGIN IMMEDIATE");
}

static void raw_sqlite_commit(raw *r)
{
  raw_sqlite *s = (raw_sqlite *)r;
  sqlite_check(s->db, sqlite3_step(s->catch_up), sqlite_catch_up_sql);
  sqlite3_reset(s->catch_up);
  raw_sqlite_exec(r, "COMMIT");
}

static void raw_sqlite_close(raw *r)
{
  raw_sqlite *s = (raw_sqlite *)r;
  sqlite3_finalize(s->catch_up);
  for (int q = 0; q < Q_COUNT; q++)
    sqlite3_finalize(s->stmts[q]);
  sqlite3_close(s->db);
  g_free(s);
}

/* The connection set up as the SQLite backend sets up its own. */
static raw *raw_sqlite_open(const char *path)
{
  raw_sqlite *s = g_new0(raw_sqlite, 1);
  s->base = (raw){raw_sqlite_run,    raw_sqlite_exec,  raw_sqlite_begin,
                  raw_sqlite_commit, raw_sqlite_close, NULL};
  /* libcrm's VFS (temporary files in memory, lib/backends/sqlite/sqlite_vfs.c):
     registered by the first crm_open of this process, which comes before */
  if (sqlite3_vfs_find("libcrm") == NULL)
    die("the libcrm VFS is not registered: open a libcrm database first");
  if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, "libcrm") !=
      SQLITE_OK)
    die("cannot open %s: %s", path, sqlite3_errmsg(s->db));
  sqlite3_busy_timeout(s->db, 5000);
  raw_sqlite_exec(&s->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                            "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; "
                            "PRAGMA temp_store=FILE; PRAGMA cache_size=-16384;");
  for (int q = 0; q < Q_COUNT; q++)
    sqlite_check(
        s->db,
        sqlite3_prepare_v3(s->db, sqlite_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->stmts[q], NULL),
        sqlite_sql[q]);
  sqlite_check(s->db,
               sqlite3_prepare_v3(s->db, sqlite_catch_up_sql, -1, SQLITE_PREPARE_PERSISTENT,
                                  &s->catch_up, NULL),
               sqlite_catch_up_sql);
  return &s->base;
}

/* ------------------------------------------------------------------ */
/* one contact through raw statements                                   */

static void raw_event(raw *r, const char *kind, const char *entity, int64_t id, const char *payload)
{
  param ps[] = {PI(T0), PS(kind), PS(entity), PI(id), PS(payload)};
  r->run(r, Q_INSERT_EVENT, ps, 5, NULL);
}

/* A new customer known by `email`, named after its local part, with its
   identity and the two events libcrm appends. */
static int64_t raw_new_customer(raw *r, const char *email)
{
  char name[64], payload[256];
  g_strlcpy(name, email, MIN(sizeof name, (size_t)(strchr(email, '@') - email) + 1));
  int64_t customer = 0;
  param pc[] = {PS(name), PI(T0), PI(T0)};
  r->run(r, Q_INSERT_CUSTOMER, pc, 3, &customer);
  g_snprintf(payload, sizeof payload, "{\"customer\":%" PRId64 ",\"display_name\":\"%s\"}",
             customer, name);
  raw_event(r, "customer.created", "customer", customer, payload);
  param pi[] = {PI(customer), PI(CRM_IDENTITY_EMAIL), PS(email), PI(T0)};
  r->run(r, Q_INSERT_IDENTITY, pi, 4, NULL);
  g_snprintf(payload, sizeof payload,
             "{\"customer\":%" PRId64 ",\"kind\":\"email\",\"value\":\"%s\"}", customer, email);
  raw_event(r, "customer.identity_added", "customer", customer, payload);
  return customer;
}

static void raw_contact(raw *r, const contact *c)
{
  char payload[512];
  int64_t customer = 0;
  param pf[] = {PI(CRM_IDENTITY_EMAIL), PS(c->email)};
  r->run(r, Q_FIND_IDENTITY, pf, 2, &customer);
  if (customer == 0)
    customer = raw_new_customer(r, c->email);
  if (r->call_end)
    r->call_end(r);

  int64_t case_id = 0;
  param pc[] = {PI(customer), PS(c->subject), PI(T0), PI(T0)};
  r->run(r, Q_INSERT_CASE, pc, 4, &case_id);
  g_snprintf(payload, sizeof payload,
             "{\"case\":%" PRId64 ",\"customer\":%" PRId64 ",\"subject\":\"%s\",\"kind\":"
             "\"request\",\"priority\":\"normal\",\"queue\":null,\"assignee\":null}",
             case_id, customer, c->subject);
  raw_event(r, "case.created", "case", case_id, payload);

  int64_t ix = 0;
  param pi[] = {PI(customer), PI(case_id), PI(T0), PI(T0), PS(c->subject), PS(BODY), PS(c->ref)};
  r->run(r, Q_INSERT_INTERACTION, pi, 7, &ix);
  param ps[] = {PI(case_id)};
  r->run(r, Q_INSERT_SLA_CASE, ps, 1, NULL);
  g_snprintf(payload, sizeof payload,
             "{\"interaction\":%" PRId64 ",\"customer\":%" PRId64 ",\"case\":%" PRId64
             ",\"channel\":\"email\",\"direction\":\"inbound\",\"outcome\":null,"
             "\"occurred_at\":%" PRId64 ",\"external_ref\":\"%s\"}",
             ix, customer, case_id, (int64_t)T0, c->ref);
  raw_event(r, "interaction.recorded", "interaction", ix, payload);
  if (r->call_end)
    r->call_end(r);
}

elapsed raw_run(raw *r, const workload *w, int batch)
{
  elapsed start = now_elapsed();
  contact c;
  for (long i = 0; i < w->n; i += batch) {
    r->begin(r);
    for (long j = i; j < i + batch && j < w->n; j++) {
      contact_make(&c, w, j);
      raw_contact(r, &c);
    }
    r->commit(r);
  }
  return since(start);
}

/* ------------------------------------------------------------------ */
/* the row-for-row check                                                */

static int compare_lines(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines sorted and joined (g_free); frees `lines`. */
char *sorted_text(GPtrArray *lines)
{
  g_ptr_array_sort(lines, compare_lines);
  g_ptr_array_add(lines, NULL);
  char *text = g_strjoinv("\n", (char **)lines->pdata);
  g_ptr_array_unref(lines);
  return text;
}

/* Every row of every table, sorted, as text (g_free). */
static char *sqlite_dump(const char *path)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    die("cannot open %s", path);
  sqlite3_stmt *tables = NULL;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1,
                     &tables, NULL);
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(tables, 0);
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
    sqlite3_stmt *rows = NULL;
    sqlite_check(db, sqlite3_prepare_v2(db, sql, -1, &rows, NULL), sql);
    sqlite3_free(sql);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      GString *line = g_string_new(name);
      for (int c = 0; c < sqlite3_column_count(rows); c++) {
        const char *v = (const char *)sqlite3_column_text(rows, c);
        g_string_append_printf(line, "|%s", v ? v : "NULL");
      }
      g_ptr_array_add(lines, g_string_free(line, FALSE));
    }
    sqlite3_finalize(rows);
  }
  sqlite3_finalize(tables);
  sqlite3_close(db);
  return sorted_text(lines);
}

/* The first line where two dumps differ, for the report. */
void report_difference(const char *a, const char *b)
{
  char **la = g_strsplit(a, "\n", -1), **lb = g_strsplit(b, "\n", -1);
  for (int i = 0; la[i] || lb[i]; i++)
    if (!la[i] || !lb[i] || strcmp(la[i], lb[i]) != 0) {
      fprintf(stderr, "bench_ingest: first difference at row %d:\n  libcrm: %s\n  raw:    %s\n", i,
              la[i] ? la[i] : "(none)", lb[i] ? lb[i] : "(none)");
      break;
    }
  g_strfreev(la);
  g_strfreev(lb);
}

/* ------------------------------------------------------------------ */
/* the pre-populated database                                           */

/* `existing` closed cases of existing/4 customers, each with its inbound
   interaction, events and SLA facts, as libcrm would have written them;
   set-based SQL (SQLite: a recursive series). */
static void sqlite_populate(const char *path, long existing)
{
  crm_db *db = libcrm_open(path); /* the schema */
  crm_close(db);
  raw *r = raw_sqlite_open(path);
  long customers = existing / 4 > 0 ? existing / 4 : 1;
  char *sql = g_strdup_printf(
      "BEGIN;"
      "CREATE TEMP TABLE n (g INTEGER PRIMARY KEY);"
      "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %ld) "
      "INSERT INTO n SELECT g FROM s;"
      "INSERT INTO customers (id, display_name, status, created_at, updated_at, version) "
      "  SELECT g, 'p' || g, 1, %lld, %lld, 1 FROM n WHERE g <= %ld;"
      "INSERT INTO identities (customer, kind, value, created_at) "
      "  SELECT g, 1, 'p' || g || '@bench.example', %lld FROM n WHERE g <= %ld;"
      "INSERT INTO cases (id, customer, subject, kind, status, priority, created_at, updated_at,"
      "  resolved_at, version, inbound_count, transfer_count, reopen_count) "
      "  SELECT g, (g - 1) %% %ld + 1, 'Order p-' || g, 1, 6, 2, %lld, %lld, %lld, 4, 1, 0, 0 "
      "  FROM n;"
      "INSERT INTO interactions (id, customer, case_id, channel, direction, outcome,"
      "  occurred_at, recorded_at, subject, body, external_ref) "
      "  SELECT g, (g - 1) %% %ld + 1, g, 1, 1, 0, %lld, %lld, 'Order p-' || g, '" BODY "',"
      "  '<p-' || g || '@mail.bench.example>' FROM n;"
      "INSERT INTO sla_cases (case_id, channel, last_reply_at) SELECT g, 1, 0 FROM n;"
      "INSERT INTO events (time, kind, entity, entity_id, payload) "
      "  SELECT %lld, 'case.created', 'case', g, '{\"case\":' || g || '}' FROM n;"
      "INSERT INTO events (time, kind, entity, entity_id, payload) "
      "  SELECT %lld, 'interaction.recorded', 'interaction', g, '{\"interaction\":' || g || '}'"
      "  FROM n;"
      "DROP TABLE n;",
      existing, (long long)T0, (long long)T0, customers, (long long)T0, customers, customers,
      (long long)T0, (long long)T0, (long long)T0, customers, (long long)T0, (long long)T0,
      (long long)T0, (long long)T0);
  r->exec(r, sql);
  g_free(sql);
  r->commit(r); /* the search indexes take the rows, as libcrm's commit does */
  /* merged as in a database that grew to this size over time, not left in
     the segments of one bulk insert, which the first commits after it
     would spend their time merging (crm_db_compact does the same) */
  r->exec(r, "INSERT INTO interactions_fts (interactions_fts) VALUES ('optimize');"
             "INSERT INTO cases_fts (cases_fts) VALUES ('optimize');"
             "INSERT INTO customers_fts (customers_fts) VALUES ('optimize');"
             "PRAGMA wal_checkpoint(TRUNCATE)");
  r->close(r);
}

/* Remove a SQLite database with its WAL and shared-memory files. */
static void remove_db(const char *path)
{
  char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
  g_remove(path);
  g_remove(wal);
  g_remove(shm);
  g_free(wal);
  g_free(shm);
}

/* A streaming copy: the 1M database does not fit in a small RSS. */
static void copy_file(const char *from, const char *to)
{
  remove_db(to);
  int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0)
    die("copying %s to %s: %s", from, to, g_strerror(errno));
  static char buf[1 << 20];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n)
      die("writing %s: %s", to, g_strerror(errno));
  if (n < 0)
    die("reading %s: %s", from, g_strerror(errno));
  close(in);
  close(out);
}

/* ------------------------------------------------------------------ */
/* measuring in a child process                                         */

/* Run `fn` in a child; the seconds it took and the child's peak RSS. */
measurement measure(run_fn fn, const void *arg)
{
  int fds[2];
  if (pipe(fds) != 0)
    die("pipe: %s", g_strerror(errno));
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    die("fork: %s", g_strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    measurement m = {fn(arg), 0};
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    m.maxrss_kb = ru.ru_maxrss;
    if (write(fds[1], &m, sizeof m) != sizeof m)
      _exit(1);
    _exit(0);
  }
  close(fds[1]);
  measurement m = {{0, 0}, 0};
  ssize_t got = read(fds[0], &m, sizeof m);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof m || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die("a measurement failed (status %d)", status);
  return m;
}

typedef struct {
  const char *base, *work;
  const workload *w;
  int batch;
  int use_libcrm;
} sqlite_job;

static elapsed sqlite_job_run(const void *arg)
{
  const sqlite_job *j = arg;
  if (j->use_libcrm)
    return libcrm_run(j->work, j->w, j->batch);
  raw *r = raw_sqlite_open(j->work);
  elapsed took = raw_run(r, j->w, j->batch);
  r->close(r);
  return took;
}

long peak_rss_kb;

void result_double(const char *name, double v)
{
  printf("RESULT %s=%.3f\n", name, v);
  fflush(stdout);
}

void result_long(const char *name, long v)
{
  printf("RESULT %s=%ld\n", name, v);
  fflush(stdout);
}

const char *count_label(long n)
{
  static char buf[8][16];
  static int next;
  char *b = buf[next++ % 8];
  if (n >= 1000000 && n % 1000000 == 0)
    g_snprintf(b, 16, "%ldM", n / 1000000);
  else if (n >= 1000 && n % 1000 == 0)
    g_snprintf(b, 16, "%ldk", n / 1000);
  else
    g_snprintf(b, 16, "%ld", n);
  return b;
}

/* The best of `reps` runs each way, taken in turns (libcrm, baseline,
   libcrm, ...): a change in the machine's load during a measurement
   weighs on both sides alike. */
void best_rates(run_rate_fn run, const void *arg, int reps, double *lib, double *baseline)
{
  *lib = *baseline = 0;
  for (int rep = 0; rep < reps; rep++) {
    double l = run(arg, 1, rep), b = run(arg, 0, rep);
    *lib = MAX(*lib, l);
    *baseline = MAX(*baseline, b);
  }
}

void note_rss(const measurement *m)
{
  if (m->maxrss_kb > peak_rss_kb)
    peak_rss_kb = m->maxrss_kb;
}

typedef struct {
  const char *base, *work;
  const workload *w;
  int batch;
} sqlite_runs;

/* A run on a fresh copy of the pre-populated database. */
static double sqlite_rate(const void *arg, int use_libcrm, int rep)
{
  (void)rep;
  const sqlite_runs *r = arg;
  copy_file(r->base, r->work);
  sqlite_job j = {r->base, r->work, r->w, r->batch, use_libcrm};
  measurement m = measure(sqlite_job_run, &j);
  note_rss(&m);
  return (double)r->w->n / m.took.cpu;
}

/* ------------------------------------------------------------------ */
/* SQLite                                                               */

/* The raw path writes what libcrm writes: the same contacts into two
   fresh databases, every row compared. */
static int sqlite_rows_match(const char *dir, long n)
{
  char *a = g_build_filename(dir, "check-libcrm.db", NULL);
  char *b = g_build_filename(dir, "check-raw.db", NULL);
  workload w = workload_new("c", n);
  crm_close(libcrm_open(b)); /* the same schema, written by libcrm */
  libcrm_run(a, &w, 7);
  raw *r = raw_sqlite_open(b);
  raw_run(r, &w, 7);
  r->close(r);
  workload_free(&w);
  char *da = sqlite_dump(a), *db = sqlite_dump(b);
  int same = strcmp(da, db) == 0;
  if (!same)
    report_difference(da, db);
  g_free(da);
  g_free(db);
  remove_db(a);
  remove_db(b);
  g_free(a);
  g_free(b);
  return same;
}

typedef struct {
  const char *path;
  long existing;
} populate_job;

static elapsed populate_run(const void *arg)
{
  const populate_job *j = arg;
  elapsed start = now_elapsed();
  sqlite_populate(j->path, j->existing);
  return since(start);
}

static void sqlite_bench(const char *dir, const sizes *sz, const long *existing, int n_existing,
                         double *min_ratio)
{
  double rate_at[2][G_N_ELEMENTS(batches)];
  for (int e = 0; e < n_existing; e++) {
    char *base = g_build_filename(dir, "base.db", NULL);
    char *work = g_build_filename(dir, "work.db", NULL);
    remove_db(base);
    /* in a child: the set-based writes grow a process to ~200 MB, which
       forked measurements would inherit (their peak RSS, and copy-on-write
       faults in their timing) */
    populate_job pj = {base, existing[e]};
    measurement m = measure(populate_run, &pj);
    fprintf(stderr, "bench_ingest: %s existing cases written in %.1f s\n", count_label(existing[e]),
            m.took.wall);
    workload w = workload_new("m", sz->contacts);
    for (size_t b = 0; b < G_N_ELEMENTS(batches); b++) {
      sqlite_runs runs = {base, work, &w, batches[b]};
      double lib = 0, raw_rate = 0;
      best_rates(sqlite_rate, &runs, sz->reps, &lib, &raw_rate);
      char name[96];
      const char *prefix = "sqlite";
      g_snprintf(name, sizeof name, "%s_existing%s_batch%d_libcrm_per_sec", prefix,
                 count_label(existing[e]), batches[b]);
      result_double(name, lib);
      g_snprintf(name, sizeof name, "%s_existing%s_batch%d_raw_per_sec", prefix,
                 count_label(existing[e]), batches[b]);
      result_double(name, raw_rate);
      g_snprintf(name, sizeof name, "%s_existing%s_batch%d_libcrm_vs_raw", prefix,
                 count_label(existing[e]), batches[b]);
      result_double(name, lib / raw_rate);
      if (lib / raw_rate < *min_ratio)
        *min_ratio = lib / raw_rate;
      rate_at[e][b] = lib;
    }
    workload_free(&w);
    remove_db(base);
    remove_db(work);
    g_free(base);
    g_free(work);
  }
  /* per-contact cost on the big database over the small one (flat: ~1) */
  for (size_t b = 0; n_existing == 2 && b < G_N_ELEMENTS(batches); b++) {
    char name[96];
    g_snprintf(name, sizeof name, "sqlite_batch%d_cost_%s_vs_%s", batches[b],
               count_label(existing[1]), count_label(existing[0]));
    result_double(name, rate_at[0][b] / rate_at[1][b]);
  }
}

/* ------------------------------------------------------------------ */
/* PostgreSQL                                                           */

int main(int argc, char **argv)
{
  int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  if (argc > 1 && !smoke) {
    fprintf(stderr, "usage: %s [--smoke]\n", argv[0]);
    return 2;
  }
  const sizes *sz = smoke ? &smoke_sizes : &full_sizes;
#ifdef __GLIBC__
  /* Fixed allocator thresholds: glibc raises its mmap and trim thresholds
     when a large block is freed, and forked measurements inherit them, so
     a run's speed depended on what this process had freed before (the
     raw path's 64 KiB statement journals went from sbrk/trim per
     statement to none: 1.7x at one contact per transaction). */
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
  const long existing[2] = {smoke ? 200 : 10000, smoke ? 2000 : 1000000};
  GError *err = NULL;
  char *dir = g_dir_make_tmp("bench-ingest-XXXXXX", &err);
  if (dir == NULL)
    die("%s", err->message);

  int same = sqlite_rows_match(dir, sz->check_size);
  result_long("sqlite_rows_match", same);
  double min_ratio = 1e9;
  if (same)
    sqlite_bench(dir, sz, existing, 2, &min_ratio);
  if (same)
    result_double("sqlite_min_libcrm_vs_raw", min_ratio);
#ifdef BENCH_HAVE_PG
  const char *pg = g_getenv("CRM_BENCH_PG");
  if (same && pg && *pg)
    same = pg_bench(pg, sz, existing, 2);
#endif
  result_long("peak_rss_kb", peak_rss_kb);
  g_rmdir(dir);
  g_free(dir);
  return same ? 0 : 1;
}
