/*
 * What only the SQLite backend promises: the schema version, a newer file
 * left untouched (CRM_EVERSION), WAL and synchronous modes, persistence
 * across close/open, a file that is not a database, one database per
 * ":memory:" handle, search indexes that match their tables after an
 * upgrade from the first schema, and savepoints that undo a failed call
 * after hundreds of calls in one transaction (the sub-journal in the
 * libcrm VFS).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

static sqlite3 *raw_open(const char *path)
{
  sqlite3 *raw = NULL;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  sqlite3_busy_timeout(raw, 5000);
  return raw;
}

static long long raw_int(sqlite3 *raw, const char *sql)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void test_schema_version_recorded(void **state)
{
  crm_test_db *t = *state;
  sqlite3 *raw = raw_open(t->path);
  assert_true(raw_int(raw, "PRAGMA user_version") >= 1);
  /* The tables the core relies on exist. */
  assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                "name IN ('customers', 'identities', 'cases', 'interactions', "
                                "'events', 'settings')"),
                   6);
  sqlite3_close(raw);
}

/* The text `sql`'s first row holds in its first column, on the file at `path`. */
static void assert_first_text(const char *path, const char *sql, const char *expected)
{
  sqlite3 *raw = raw_open(path);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), expected);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

static void test_wal_and_synchronous(void **state)
{
  crm_test_db *t = *state;
  assert_first_text(t->path, "PRAGMA journal_mode", "wal");
}

static gchar *read_file(const char *path, gsize *len)
{
  gchar *data = NULL;
  assert_true(g_file_get_contents(path, &data, len, NULL));
  return data;
}

static void test_newer_schema_is_refused_and_untouched(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "newer@example.com");
  assert_true(c > 0);
  crm_close(t->db);
  t->db = NULL;

  /* A later libcrm bumped the schema: simulate it, checkpoint, remove the WAL. */
  sqlite3 *raw = raw_open(t->path);
  int ours = raw_int(raw, "PRAGMA user_version");
  assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 999; PRAGMA journal_mode = DELETE;",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(raw);
  gsize before_len = 0;
  gchar *before = read_file(t->path, &before_len);

  crm_db *db = NULL;
  assert_crm_error(crm_open(&db, t->uri, NULL), CRM_EVERSION, "999");
  assert_null(db);

  gsize after_len = 0;
  gchar *after = read_file(t->path, &after_len);
  assert_int_equal(before_len, after_len);
  assert_memory_equal(before, after, before_len);
  char *wal = g_strconcat(t->path, "-wal", NULL);
  assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
  g_free(wal);
  g_free(before);
  g_free(after);

  /* Back to our version: it opens again with the data intact. */
  raw = raw_open(t->path);
  char *sql = g_strdup_printf("PRAGMA user_version = %d", ours);
  assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
  g_free(sql);
  sqlite3_close(raw);
  crm_test_db_reopen(t);
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "newer@example.com"));
  assert_int_equal(found, c);
}

static void test_persistence_across_reopen(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "keep@example.com");
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "3600"));
  long events = crm_test_count_events(t->db);
  crm_test_db_reopen(t);
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "KEEP@example.com"));
  assert_int_equal(found, c);
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&buf, t->db, "reopen_window"));
  assert_string_equal(buf.ptr, "3600");
  crm_buf_dispose(&buf);
  assert_int_equal(crm_test_count_events(t->db), events);
}

static void test_durable_option_opens(void **state)
{
  crm_test_db *t = *state;
  crm_close(t->db);
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.durable = 1;
  assert_crm_ok(crm_open(&t->db, t->uri, &opts));
  crm_id c = crm_test_customer(t->db, "durable@example.com");
  assert_true(c > 0);
}

static void test_not_a_database(void **state)
{
  crm_test_db *t = *state;
  char *path = g_build_filename(t->dir, "garbage.db", NULL);
  char junk[4096];
  memset(junk, 'x', sizeof junk);
  assert_true(g_file_set_contents(path, junk, sizeof junk, NULL));
  char *uri = g_strconcat("sqlite:", path, NULL);
  crm_db *db = NULL;
  assert_crm_error(crm_open(&db, uri, NULL), CRM_ERROR, "not a");
  assert_null(db);
  g_free(uri);
  g_free(path);
}

static void test_unopenable_path(void **state)
{
  (void)state;
  crm_db *db = NULL;
  assert_crm_error(crm_open(&db, "sqlite:/nonexistent-dir/sub/crm.db", NULL), CRM_ERROR,
                   "/nonexistent-dir/sub/crm.db");
  assert_null(db);
}

static void test_memory_databases_are_separate(void **state)
{
  (void)state;
  crm_db *a = NULL, *b = NULL;
  assert_crm_ok(crm_open(&a, "sqlite::memory:", NULL));
  assert_crm_ok(crm_open(&b, "sqlite::memory:", NULL));
  crm_id c = crm_test_customer(a, "mem@example.com");
  assert_true(c > 0);
  crm_id found = 0;
  assert_crm_error(crm_customer_find(&found, b, CRM_IDENTITY_EMAIL, "mem@example.com"),
                   CRM_ENOTFOUND, NULL);
  assert_crm_ok(crm_customer_find(&found, a, CRM_IDENTITY_EMAIL, "mem@example.com"));
  assert_int_equal(found, c);
  crm_close(a);
  crm_close(b);
}

static void test_two_handles_see_each_other(void **state)
{
  crm_test_db *t = *state;
  crm_db *other = crm_test_db_open_another(t);
  crm_id c = crm_test_customer(other, "shared@example.com");
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "shared@example.com"));
  assert_int_equal(found, c);
  crm_close(other);
}

static void test_busy_when_another_handle_holds_the_write_lock(void **state)
{
  crm_test_db *t = *state;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.busy_timeout_ms = 50;
  crm_db *impatient = NULL;
  assert_crm_ok(crm_open(&impatient, t->uri, &opts));
  assert_crm_ok(crm_begin(t->db)); /* takes the write lock */
  crm_id c = 0;
  assert_crm_error(crm_customer_create(&c, impatient, "Blocked"), CRM_EBUSY, "locked");
  assert_int_equal(c, 0);
  assert_crm_ok(crm_rollback(t->db));
  assert_crm_ok(crm_customer_create(&c, impatient, "Free now"));
  assert_true(c > 0);
  crm_close(impatient);
}

/* How many hits a search for `query` has. */
static int hits(crm_db *db, const char *query)
{
  crm_search_iterator *it = NULL;
  assert_crm_ok(crm_search(&it, db, query, NULL));
  crm_search_hit *h = NULL;
  int n = 0;
  while (crm_search_next(&h, it) == CRM_OK) {
    n++;
    crm_search_hit_free(h);
  }
  crm_search_iterator_free(it);
  return n;
}

/* FTS5's own check that each index holds exactly its table's texts. */
static void assert_indexes_match_tables(const char *path)
{
  sqlite3 *raw = raw_open(path);
  const char *tables[] = {"interactions_fts", "cases_fts", "customers_fts"};
  for (size_t i = 0; i < G_N_ELEMENTS(tables); i++) {
    char *sql = sqlite3_mprintf("INSERT INTO %s (%s, rank) VALUES ('integrity-check', 1)",
                                tables[i], tables[i]);
    int rc = sqlite3_exec(raw, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
      fail_msg("%s: %s", tables[i], sqlite3_errmsg(raw));
    sqlite3_free(sql);
  }
  sqlite3_close(raw);
}

/* A database of the first schema, whose triggers indexed every row as it
   was written, takes the second (rows indexed at commit): what it held
   stays searchable, what comes after is indexed, and the indexes match
   their tables throughout. */
static void test_search_indexes_across_the_upgrade(void **state)
{
  crm_test_db *t = *state;
  crm_id first = 0;
  assert_crm_ok(crm_customer_create(&first, t->db, "Bartolomeo Primo"));
  crm_close(t->db);
  t->db = NULL;

  /* back to schema 1: its triggers (bodies aside) and no search_indexed
     (dropping it drops the catch-up triggers on it) */
  sqlite3 *raw = raw_open(t->path);
  GString *sql = g_string_new("BEGIN; DROP TABLE search_indexed;");
  const char *tables[] = {"interactions", "cases", "customers"};
  const char *events[] = {"insert", "delete", "update"};
  for (size_t i = 0; i < G_N_ELEMENTS(tables); i++) {
    for (size_t e = 0; e < G_N_ELEMENTS(events); e++)
      g_string_append_printf(sql,
                             "DROP TRIGGER %s_fts_%s; CREATE TRIGGER %s_fts_%s AFTER %s ON %s "
                             "BEGIN SELECT 1; END;",
                             tables[i], events[e], tables[i], events[e], events[e], tables[i]);
  }
  g_string_append(sql, "PRAGMA user_version = 1; COMMIT;");
  if (sqlite3_exec(raw, sql->str, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s", sqlite3_errmsg(raw));
  g_string_free(sql, TRUE);
  sqlite3_close(raw);

  crm_test_db_reopen(t);
  raw = raw_open(t->path);
  assert_true(raw_int(raw, "PRAGMA user_version") > 1);
  assert_int_equal(raw_int(raw, "SELECT upto FROM search_indexed WHERE tbl = 'customers'"), first);
  sqlite3_close(raw);
  assert_int_equal(hits(t->db, "Bartolomeo"), 1);

  crm_id second = 0;
  assert_crm_ok(crm_customer_create(&second, t->db, "Bartolomeo Secondo"));
  assert_crm_ok(crm_begin(t->db));
  crm_id third = 0;
  assert_crm_ok(crm_customer_create(&third, t->db, "Bartolomeo Terzo"));
  crm_customer_update_spec u = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  u.display_name = "Bortolo Primo"; /* indexed before: re-indexed by its trigger */
  assert_crm_ok(crm_customer_update(t->db, first, &u, 0));
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(hits(t->db, "Bartolomeo"), 2);
  assert_int_equal(hits(t->db, "Bortolo"), 1);
  assert_int_equal(hits(t->db, "Terzo"), 1);
  assert_indexes_match_tables(t->path);
}

static crm_id inbound(crm_db *db, crm_id customer, const char *ref, const char *in_reply_to)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = "Guasto";
  s.body = "La caldaia non parte";
  s.external_ref = ref;
  s.in_reply_to = in_reply_to;
  crm_id id = 0;
  crm_status st = crm_interaction_record(&id, db, &s);
  return st == CRM_OK ? id : -(crm_id)st;
}

/* Hundreds of calls in one transaction (each call's savepoint copies the
   pages it changes to the sub-journal, which outgrows its first 64 KiB
   and is then reused from the start by each call): a call that fails
   after writing, here a reply that reopened and counted into an old case
   before its reference turned out to be taken, leaves every page as it
   was before it, and the calls before it stay. */
static void test_failed_call_undone_late_in_a_long_transaction(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "caldaia@example.com");
  crm_id first = inbound(t->db, customer, "<first@example.com>", NULL);
  assert_true(first > 0);
  crm_id old_case = crm_test_case_of(t->db, first);

  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 300; i++) {
    char address[64], ref[68];
    g_snprintf(address, sizeof address, "bulk-%d@example.com", i);
    g_snprintf(ref, sizeof ref, "<%s>", address);
    assert_true(inbound(t->db, crm_test_customer(t->db, address), ref, NULL) > 0);
  }
  char *before = crm_test_fingerprint(t);
  int64_t version = crm_test_case_version(t->db, old_case);
  /* threads into the old case (filed there, counted), then is refused */
  assert_int_equal(inbound(t->db, customer, "<bulk-7@example.com>", "<first@example.com>"),
                   -(crm_id)CRM_EEXISTS);
  assert_int_equal(crm_test_case_version(t->db, old_case), version);
  char *after = crm_test_fingerprint(t);
  assert_string_equal(before, after);
  assert_true(inbound(t->db, customer, "<second@example.com>", "<first@example.com>") > 0);
  assert_crm_ok(crm_commit(t->db));
  g_free(before);
  g_free(after);

  assert_int_equal(crm_test_count_rows(t, "interactions"), 302);
  assert_first_text(t->path, "PRAGMA integrity_check", "ok");
  assert_indexes_match_tables(t->path);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_schema_version_recorded, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_wal_and_synchronous, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_newer_schema_is_refused_and_untouched, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_persistence_across_reopen, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_durable_option_opens, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_not_a_database, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_unopenable_path, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_memory_databases_are_separate, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_two_handles_see_each_other, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_busy_when_another_handle_holds_the_write_lock,
                                      crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_search_indexes_across_the_upgrade, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_failed_call_undone_late_in_a_long_transaction,
                                      crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
