/*
 * Test helpers (see testutil.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#ifdef CRM_TEST_HAVE_PG
#include <libpq-fe.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static crm_time test_clock(void *payload)
{
  return ((crm_test_db *)payload)->now;
}

static void open_handle(crm_test_db *t, crm_db **out)
{
  crm_open_options opts = t->opts;
  opts.clock = test_clock;
  opts.clock_payload = t;
  crm_status st = crm_open(out, t->uri, &opts);
  if (st != CRM_OK)
    fail_msg("crm_open(%s) failed: %d %s", t->uri, st, crm_error_last()->message);
}

/* Which backend the suite runs on: env CRM_TEST_BACKEND = "sqlite" (a
   file, the default), "sqlite-memory" (a shared in-memory database) or
   "postgres" (a schema of its own on the server named by CRM_TEST_PG). */
static const char *test_backend(void)
{
  const char *b = g_getenv("CRM_TEST_BACKEND");
  return (b && *b) ? b : "sqlite";
}

/*
 * Without a server to test on, a PostgreSQL run is skipped as a whole
 * (TAP "1..0 # SKIP"), before cmocka starts: scripts/test always starts
 * one and sets CRM_TEST_PG, and fails when it cannot.
 */
__attribute__((constructor)) static void skip_postgres_without_server(void)
{
  const char *b = g_getenv("CRM_TEST_BACKEND");
  const char *ci = g_getenv("CRM_TEST_PG");
  if (b && strcmp(b, "postgres") == 0 && (ci == NULL || *ci == '\0')) {
    printf("1..0 # SKIP CRM_TEST_PG is not set: no PostgreSQL server to test on\n");
    exit(0);
  }
}

int crm_test_persistent(void)
{
  return strcmp(test_backend(), "sqlite-memory") != 0;
}

int crm_test_readers_see_snapshots(void)
{
  /* Connections sharing one SQLite cache have table locks, not snapshots:
     a reader waits for a writer's transaction to end. */
  return strcmp(test_backend(), "sqlite-memory") != 0;
}

static int is_postgres(void)
{
  return strcmp(test_backend(), "postgres") == 0;
}

#ifdef CRM_TEST_HAVE_PG
/* CRM_TEST_PG without its "postgres:" prefix. */
static const char *pg_conninfo(void)
{
  const char *ci = g_getenv("CRM_TEST_PG");
  if (ci == NULL || *ci == '\0')
    fail_msg("CRM_TEST_PG is not set");
  return g_str_has_prefix(ci, "postgres:") ? ci + strlen("postgres:") : ci;
}

static PGconn *pg_raw(const crm_test_db *t)
{
  char *ci = t ? g_strdup_printf("%s options='-c search_path=%s'", pg_conninfo(), t->path)
               : g_strdup(pg_conninfo());
  PGconn *c = PQconnectdb(ci);
  g_free(ci);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("cannot connect to the test server: %s", PQerrorMessage(c));
  return c;
}

static void pg_exec(PGconn *c, const char *sql)
{
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
}
#endif

crm_test_db *crm_test_db_new(const crm_open_options *opts)
{
  static int counter;
  crm_test_db *t = g_new0(crm_test_db, 1);
  GError *err = NULL;
  t->dir = g_dir_make_tmp("crm-test-XXXXXX", &err);
  if (t->dir == NULL)
    fail_msg("cannot make a temporary directory: %s", err->message);
  const char *backend = test_backend();
  if (strcmp(backend, "sqlite") == 0) {
    t->path = g_build_filename(t->dir, "crm.db", NULL);
    t->uri = g_strconcat("sqlite:", t->path, NULL);
  } else if (strcmp(backend, "sqlite-memory") == 0) {
    /* A named shared-cache memory database: the raw counting connection
       can see it while the handle keeps it alive. */
    t->path =
        g_strdup_printf("file:crmtest-%d-%d?mode=memory&cache=shared", (int)getpid(), ++counter);
    t->uri = g_strconcat("sqlite:", t->path, NULL);
  } else if (is_postgres()) {
#ifdef CRM_TEST_HAVE_PG
    /* A fresh schema per test; `path` holds its name. */
    t->path = g_strdup_printf("crm_t_%d_%d", (int)getpid(), ++counter);
    PGconn *c = pg_raw(NULL);
    char *sql =
        g_strdup_printf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", t->path, t->path);
    pg_exec(c, sql);
    g_free(sql);
    PQfinish(c);
    t->uri = g_strdup_printf("postgres:%s options='-c search_path=%s'", pg_conninfo(), t->path);
#else
    fail_msg("this test build has no PostgreSQL support");
#endif
  } else {
    fail_msg("unknown CRM_TEST_BACKEND '%s' (sqlite, sqlite-memory, postgres)", backend);
  }
  t->now = CRM_TEST_T0;
  crm_open_options defaults = CRM_OPEN_OPTIONS_INIT;
  t->opts = opts ? *opts : defaults;
  open_handle(t, &t->db);
  return t;
}

void crm_test_db_reopen(crm_test_db *t)
{
  if (!crm_test_persistent()) {
    /* A memory database lives while one connection is open: open the new
       handle before closing the old one. */
    crm_db *fresh = NULL;
    open_handle(t, &fresh);
    crm_close(t->db);
    t->db = fresh;
    return;
  }
  crm_close(t->db);
  t->db = NULL;
  open_handle(t, &t->db);
}

crm_db *crm_test_db_open_another(crm_test_db *t)
{
  crm_db *db = NULL;
  open_handle(t, &db);
  return db;
}

crm_db *crm_test_db_open_as(crm_test_db *t, crm_id actor)
{
  crm_id saved = t->opts.actor;
  t->opts.actor = actor;
  crm_db *db = NULL;
  open_handle(t, &db);
  t->opts.actor = saved;
  return db;
}

static void remove_tree(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
      char *p = g_build_filename(dir, name, NULL);
      g_remove(p);
      g_free(p);
    }
    g_dir_close(d);
  }
  g_rmdir(dir);
}

void crm_test_db_free(crm_test_db *t)
{
  if (t == NULL)
    return;
  crm_close(t->db);
#ifdef CRM_TEST_HAVE_PG
  if (is_postgres()) {
    PGconn *c = pg_raw(NULL);
    char *sql = g_strdup_printf("DROP SCHEMA IF EXISTS %s CASCADE", t->path);
    pg_exec(c, sql);
    g_free(sql);
    PQfinish(c);
  }
#endif
  remove_tree(t->dir);
  g_free(t->dir);
  g_free(t->path);
  g_free(t->uri);
  g_free(t);
}

int crm_test_setup(void **state)
{
  *state = crm_test_db_new(NULL);
  return 0;
}

int crm_test_teardown(void **state)
{
  crm_test_db_free(*state);
  *state = NULL;
  return 0;
}

static sqlite3 *raw_open(crm_test_db *t)
{
  sqlite3 *raw = NULL;
  if (sqlite3_open_v2(t->path, &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    fail_msg("cannot open %s read-only: %s", t->path, sqlite3_errmsg(raw));
  sqlite3_busy_timeout(raw, 5000);
  return raw;
}

static long count_table(sqlite3 *raw, const char *table)
{
  char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(raw, sql, -1, &stmt, NULL) != SQLITE_OK)
    fail_msg("cannot count %s: %s", table, sqlite3_errmsg(raw));
  sqlite3_free(sql);
  long n = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW)
    n = (long)sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return n;
}

#ifdef CRM_TEST_HAVE_PG
/* PostgreSQL tables are prefixed "crm_" in the test's schema. */
static long pg_count(crm_test_db *t, const char *table)
{
  PGconn *c = pg_raw(t);
  long total = 0;
  PGresult *r = PQexec(c, "SELECT table_name FROM information_schema.tables WHERE "
                          "table_schema = current_schema() AND table_type = 'BASE TABLE' "
                          "ORDER BY 1");
  if (PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("cannot list tables: %s", PQerrorMessage(c));
  int matched = 0;
  for (int i = 0; i < PQntuples(r); i++) {
    const char *name = PQgetvalue(r, i, 0);
    if (table && strcmp(name, table) != 0 &&
        !(g_str_has_prefix(name, "crm_") && strcmp(name + 4, table) == 0))
      continue;
    matched++;
    char *sql = g_strdup_printf("SELECT count(*) FROM \"%s\"", name);
    PGresult *n = PQexec(c, sql);
    g_free(sql);
    if (PQresultStatus(n) != PGRES_TUPLES_OK)
      fail_msg("cannot count %s: %s", name, PQerrorMessage(c));
    total += atol(PQgetvalue(n, 0, 0));
    PQclear(n);
  }
  PQclear(r);
  PQfinish(c);
  if (table && matched == 0)
    fail_msg("no table %s in the test schema", table);
  return total;
}
#endif

long crm_test_count_rows(crm_test_db *t, const char *table)
{
#ifdef CRM_TEST_HAVE_PG
  if (is_postgres())
    return pg_count(t, table);
#endif
  sqlite3 *raw = raw_open(t);
  long n = count_table(raw, table);
  sqlite3_close(raw);
  return n;
}

long crm_test_count_all_rows(crm_test_db *t)
{
#ifdef CRM_TEST_HAVE_PG
  if (is_postgres())
    return pg_count(t, NULL);
#endif
  sqlite3 *raw = raw_open(t);
  sqlite3_stmt *stmt = NULL;
  /* not the search indexes: how many rows FTS5 keeps depends on when it
     writes its segments, not on what was stored */
  const char *sql = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite_%' AND name NOT LIKE '%\\_fts' ESCAPE '\\' AND name NOT LIKE "
                    "'%\\_fts\\_%' ESCAPE '\\' ORDER BY name";
  if (sqlite3_prepare_v2(raw, sql, -1, &stmt, NULL) != SQLITE_OK)
    fail_msg("cannot list tables: %s", sqlite3_errmsg(raw));
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    g_ptr_array_add(names, g_strdup((const char *)sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  long total = 0;
  for (guint i = 0; i < names->len; i++)
    total += count_table(raw, g_ptr_array_index(names, i));
  g_ptr_array_unref(names);
  sqlite3_close(raw);
  return total;
}

static int compare_row_text(gconstpointer a, gconstpointer b)
{
  const GString *x = *(GString *const *)a, *y = *(GString *const *)b;
  int c = memcmp(x->str, y->str, MIN(x->len, y->len));
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void free_row_text(gpointer row)
{
  g_string_free(row, TRUE);
}

/* ------------------------------------------------------------------ */
/* content fingerprints                                                 */

/* One digest over a table's rows, sorted so row order does not matter. */
static void fingerprint_add_table(GString *out, const char *table, GPtrArray *rows)
{
  g_ptr_array_sort(rows, compare_row_text);
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  for (guint i = 0; i < rows->len; i++) {
    GString *row = g_ptr_array_index(rows, i);
    g_checksum_update(sum, (const guchar *)row->str, (gssize)row->len);
    g_checksum_update(sum, (const guchar *)"\n", 1);
  }
  g_string_append_printf(out, "%s%s=%u:%.16s", out->len ? " " : "", table, rows->len,
                         g_checksum_get_string(sum));
  g_checksum_free(sum);
}

/* A value with its type and length, so no two rows serialise alike. */
static void row_append_value(GString *row, char type, const void *data, size_t len)
{
  g_string_append_printf(row, "%c%zu:", type, len);
  g_string_append_len(row, data, (gssize)len);
  g_string_append_c(row, '|');
}

static GPtrArray *sqlite_table_rows(sqlite3 *raw, const char *table)
{
  char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", table);
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(raw, sql, -1, &stmt, NULL) != SQLITE_OK)
    fail_msg("cannot read %s: %s", table, sqlite3_errmsg(raw));
  sqlite3_free(sql);
  GPtrArray *rows = g_ptr_array_new_with_free_func(free_row_text);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    GString *row = g_string_new(NULL);
    for (int c = 0; c < sqlite3_column_count(stmt); c++) {
      int type = sqlite3_column_type(stmt, c);
      const void *data = type == SQLITE_BLOB ? sqlite3_column_blob(stmt, c)
                                             : (const void *)sqlite3_column_text(stmt, c);
      size_t len = type == SQLITE_NULL ? 0 : (size_t)sqlite3_column_bytes(stmt, c);
      row_append_value(row, "?iftbn"[type], data ? data : "", len);
    }
    g_ptr_array_add(rows, row);
  }
  if (rc != SQLITE_DONE)
    fail_msg("cannot read %s: %s", table, sqlite3_errmsg(raw));
  sqlite3_finalize(stmt);
  return rows;
}

#ifdef CRM_TEST_HAVE_PG
/* The fingerprint's connection, kept for the next fingerprint of the same
   schema: a fresh server process loads the catalog of every table again. */
static PGconn *fingerprint_conn(crm_test_db *t)
{
  static PGconn *conn;
  static char *schema;
  if (conn && schema && strcmp(schema, t->path) == 0 && PQstatus(conn) == CONNECTION_OK)
    return conn;
  if (conn)
    PQfinish(conn);
  g_free(schema);
  conn = pg_raw(t);
  schema = g_strdup(t->path);
  return conn;
}

static char *pg_fingerprint(crm_test_db *t)
{
  PGconn *c = fingerprint_conn(t);
  /* pg_catalog, not information_schema: this runs after every injected
     failure, and the views are slow */
  PGresult *r = PQexec(c, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                          "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN "
                          "('r', 'p') ORDER BY 1");
  if (PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("cannot list tables: %s", PQerrorMessage(c));
  GString *out = g_string_new(NULL);
  for (int i = 0; i < PQntuples(r); i++) {
    const char *name = PQgetvalue(r, i, 0);
    char *sql = g_strdup_printf("SELECT * FROM \"%s\"", name);
    PGresult *rows_res = PQexec(c, sql);
    g_free(sql);
    if (PQresultStatus(rows_res) != PGRES_TUPLES_OK)
      fail_msg("cannot read %s: %s", name, PQerrorMessage(c));
    GPtrArray *rows = g_ptr_array_new_with_free_func(free_row_text);
    for (int row_i = 0; row_i < PQntuples(rows_res); row_i++) {
      GString *row = g_string_new(NULL);
      for (int col = 0; col < PQnfields(rows_res); col++) {
        int null = PQgetisnull(rows_res, row_i, col);
        row_append_value(row, null ? 'n' : 'v', PQgetvalue(rows_res, row_i, col),
                         null ? 0 : (size_t)PQgetlength(rows_res, row_i, col));
      }
      g_ptr_array_add(rows, row);
    }
    PQclear(rows_res);
    fingerprint_add_table(out, name, rows);
    g_ptr_array_unref(rows);
  }
  PQclear(r);
  return g_string_free(out, FALSE);
}
#endif

char *crm_test_fingerprint(crm_test_db *t)
{
#ifdef CRM_TEST_HAVE_PG
  if (is_postgres())
    return pg_fingerprint(t);
#endif
  sqlite3 *raw = raw_open(t);
  sqlite3_stmt *stmt = NULL;
  /* sqlite_sequence too: a half-undone AUTOINCREMENT shows there */
  const char *sql = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
  if (sqlite3_prepare_v2(raw, sql, -1, &stmt, NULL) != SQLITE_OK)
    fail_msg("cannot list tables: %s", sqlite3_errmsg(raw));
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    g_ptr_array_add(names, g_strdup((const char *)sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < names->len; i++) {
    GPtrArray *rows = sqlite_table_rows(raw, g_ptr_array_index(names, i));
    fingerprint_add_table(out, g_ptr_array_index(names, i), rows);
    g_ptr_array_unref(rows);
  }
  g_ptr_array_unref(names);
  sqlite3_close(raw);
  return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------------ */
/* integrity                                                            */

#ifdef CRM_TEST_HAVE_PG
/* amcheck is database-wide: another test process may be creating it too. */
static void pg_ensure_amcheck(PGconn *c)
{
  PGresult *r = PQexec(c, "CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public");
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (ok)
    return;
  r = PQexec(c, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'");
  ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  PQclear(r);
  if (!ok)
    fail_msg("cannot create the amcheck extension: %s", PQerrorMessage(c));
}

static void pg_check_integrity(crm_test_db *t)
{
  PGconn *c = pg_raw(t);
  pg_ensure_amcheck(c);
  /* every row of every table readable and well-formed: a row per problem */
  PGresult *r = PQexec(c, "SELECT c.relname || ': ' || v.msg FROM pg_class c "
                          "JOIN pg_namespace n ON n.oid = c.relnamespace, "
                          "LATERAL public.verify_heapam(c.oid) v "
                          "WHERE n.nspname = current_schema() AND c.relkind = 'r'");
  if (PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("verify_heapam: %s", PQerrorMessage(c));
  if (PQntuples(r) > 0)
    fail_msg("verify_heapam: %s", PQgetvalue(r, 0, 0));
  PQclear(r);
  /* every index agrees with its table: an error names the first that does not */
  r = PQexec(c, "SELECT public.bt_index_check(c.oid, true) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
                "WHERE n.nspname = current_schema() AND c.relkind = 'i' AND a.amname = 'btree'");
  if (PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("bt_index_check: %s", PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}
#endif

void crm_test_check_integrity(crm_test_db *t)
{
#ifdef CRM_TEST_HAVE_PG
  if (is_postgres()) {
    pg_check_integrity(t);
    return;
  }
#endif
  sqlite3 *raw = raw_open(t);
  /* integrity_check answers "ok"; foreign_key_check answers nothing */
  static const struct {
    const char *sql, *sound;
  } checks[] = {{"PRAGMA integrity_check", "ok;"}, {"PRAGMA foreign_key_check", ""}};
  for (size_t i = 0; i < G_N_ELEMENTS(checks); i++) {
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(raw, checks[i].sql, -1, &stmt, NULL) != SQLITE_OK)
      fail_msg("%s: %s", checks[i].sql, sqlite3_errmsg(raw));
    GString *found = g_string_new(NULL);
    while (sqlite3_step(stmt) == SQLITE_ROW)
      for (int col = 0; col < sqlite3_column_count(stmt); col++)
        g_string_append_printf(found, "%s;", (const char *)sqlite3_column_text(stmt, col));
    sqlite3_finalize(stmt);
    if (strcmp(found->str, checks[i].sound) != 0)
      fail_msg("%s: %s", checks[i].sql, found->str);
    g_string_free(found, TRUE);
  }
  sqlite3_close(raw);
}

long crm_test_count_events(crm_db *db)
{
  crm_event_iterator *it = NULL;
  crm_test_assert_ok(crm_event_iterator_new(&it, db, 0), "crm_event_iterator_new", __FILE__,
                     __LINE__);
  long n = 0;
  crm_event *ev = NULL;
  crm_status st;
  while ((st = crm_event_next(&ev, it)) == CRM_OK) {
    n++;
    crm_event_free(ev);
  }
  assert_int_equal(st, CRM_ITEROVER);
  crm_event_iterator_free(it);
  return n;
}

const char *crm_test_last_event_kind(crm_db *db)
{
  static char kind[128];
  kind[0] = '\0';
  crm_event_iterator *it = NULL;
  crm_test_assert_ok(crm_event_iterator_new(&it, db, 0), "crm_event_iterator_new", __FILE__,
                     __LINE__);
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    g_strlcpy(kind, crm_event_kind(ev), sizeof kind);
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return kind;
}

crm_id crm_test_case_of(crm_db *db, crm_id interaction)
{
  crm_interaction *ix = NULL;
  assert_crm_ok(crm_interaction_lookup(&ix, db, interaction));
  crm_id c = crm_interaction_case(ix);
  crm_interaction_free(ix);
  return c;
}

crm_case_status_t crm_test_case_status(crm_db *db, crm_id case_id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, case_id));
  crm_case_status_t s = crm_case_status(c);
  crm_case_free(c);
  return s;
}

int64_t crm_test_case_version(crm_db *db, crm_id case_id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, case_id));
  int64_t v = crm_case_version(c);
  crm_case_free(c);
  return v;
}

int64_t crm_test_customer_version(crm_db *db, crm_id customer)
{
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, db, customer));
  int64_t v = crm_customer_version(c);
  crm_customer_free(c);
  return v;
}

JsonObject *crm_test_last_payload(crm_db *db)
{
  crm_event_iterator *it = NULL;
  crm_test_assert_ok(crm_event_iterator_new(&it, db, 0), "crm_event_iterator_new", __FILE__,
                     __LINE__);
  crm_event *ev = NULL, *last = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    crm_event_free(last);
    last = ev;
  }
  crm_event_iterator_free(it);
  if (last == NULL)
    return NULL;
  JsonNode *node = json_from_string(crm_event_payload(last), NULL);
  crm_event_free(last);
  assert_non_null(node);
  assert_true(JSON_NODE_HOLDS_OBJECT(node));
  JsonObject *o = json_object_ref(json_node_get_object(node));
  json_node_unref(node);
  return o;
}

void crm_test_assert_error(crm_status got, crm_status want, const char *needle, const char *expr,
                           const char *file, int line)
{
  const crm_error *e = crm_error_last();
  if (got != want)
    fail_msg("%s:%d: %s returned %d (%s), expected %d", file, line, expr, got,
             got ? e->message : "ok", want);
  if (e->code != want)
    fail_msg("%s:%d: %s: crm_error_last()->code is %d, expected %d", file, line, expr, e->code,
             want);
  if (needle && strstr(e->message, needle) == NULL)
    fail_msg("%s:%d: %s: message \"%s\" does not mention \"%s\"", file, line, expr, e->message,
             needle);
}

void crm_test_assert_ok(crm_status got, const char *expr, const char *file, int line)
{
  if (got != CRM_OK)
    fail_msg("%s:%d: %s returned %d: %s", file, line, expr, got, crm_error_last()->message);
}

crm_id crm_test_customer(crm_db *db, const char *email)
{
  crm_id id = 0;
  int created = 0;
  crm_test_assert_ok(crm_customer_ensure(&id, &created, db, CRM_IDENTITY_EMAIL, email, NULL),
                     "crm_customer_ensure", __FILE__, __LINE__);
  return id;
}

void crm_test_exec(crm_test_db *t, const char *sql)
{
#ifdef CRM_TEST_HAVE_PG
  if (is_postgres()) {
    /* The PostgreSQL tables carry a "crm_" prefix: the SQL names them
       without it and this adds it to the first table name after the verb. */
    PGconn *c = pg_raw(t);
    char *pg_sql = NULL;
    const char *verbs[] = {"UPDATE ", "INSERT INTO ", "DELETE FROM ", NULL};
    for (int i = 0; verbs[i] && pg_sql == NULL; i++)
      if (g_str_has_prefix(sql, verbs[i]))
        pg_sql = g_strconcat(verbs[i], "crm_", sql + strlen(verbs[i]), NULL);
    pg_exec(c, pg_sql ? pg_sql : sql);
    g_free(pg_sql);
    PQfinish(c);
    return;
  }
#endif
  sqlite3 *raw = NULL;
  if (sqlite3_open_v2(t->path, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    fail_msg("cannot open %s: %s", t->path, sqlite3_errmsg(raw));
  sqlite3_busy_timeout(raw, 5000);
  char *err = NULL;
  if (sqlite3_exec(raw, sql, NULL, NULL, &err) != SQLITE_OK)
    fail_msg("%s: %s", sql, err);
  sqlite3_close(raw);
}
