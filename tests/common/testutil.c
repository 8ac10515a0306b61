/*
 * Test helpers (see testutil.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
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
   file, the default) or "sqlite-memory" (a shared in-memory database). */
static const char *test_backend(void)
{
  const char *b = g_getenv("CRM_TEST_BACKEND");
  return (b && *b) ? b : "sqlite";
}

int crm_test_persistent(void)
{
  return strcmp(test_backend(), "sqlite-memory") != 0;
}

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
  } else if (strcmp(backend, "sqlite-memory") == 0) {
    /* A named shared-cache memory database: the raw counting connection
       can see it while the handle keeps it alive. */
    t->path =
        g_strdup_printf("file:crmtest-%d-%d?mode=memory&cache=shared", (int)getpid(), ++counter);
  } else {
    fail_msg("unknown CRM_TEST_BACKEND '%s' (sqlite, sqlite-memory)", backend);
  }
  t->uri = g_strconcat("sqlite:", t->path, NULL);
  t->now = CRM_TEST_T0;
  crm_open_options defaults = CRM_OPEN_OPTIONS_INIT;
  t->opts = opts ? *opts : defaults;
  open_handle(t, &t->db);
  return t;
}

void crm_test_db_reopen(crm_test_db *t)
{
  if (!crm_test_persistent())
    skip(); /* nothing survives crm_close on this backend */
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

long crm_test_count_rows(crm_test_db *t, const char *table)
{
  sqlite3 *raw = raw_open(t);
  long n = count_table(raw, table);
  sqlite3_close(raw);
  return n;
}

long crm_test_count_all_rows(crm_test_db *t)
{
  sqlite3 *raw = raw_open(t);
  sqlite3_stmt *stmt = NULL;
  const char *sql = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite_%' ORDER BY name";
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
