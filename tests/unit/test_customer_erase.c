/*
 * Erasure, the SQLite part: after crm_customer_erase and a compaction none
 * of the person's strings is left in the SQLite file's bytes (the rest of
 * erasure is tested on every backend: tests/conformance).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testperson.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* The number of times `needle` occurs in the file (0 when it does not exist). */
static int occurrences(const char *path, const char *needle)
{
  gchar *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, NULL))
    return 0;
  int n = 0;
  size_t nl = strlen(needle);
  for (gsize i = 0; i + nl <= len; i++)
    if (memcmp(data + i, needle, nl) == 0)
      n++;
  g_free(data);
  return n;
}

static int occurrences_in_store(crm_test_db *t, const char *needle)
{
  char *wal = g_strconcat(t->path, "-wal", NULL);
  int n = occurrences(t->path, needle) + occurrences(wal, needle);
  g_free(wal);
  return n;
}

/* ------------------------------------------------------------------ */

/* Search hits for `query`. */
static int search_hits(crm_db *db, const char *query)
{
  crm_search_iterator *it = NULL;
  assert_crm_ok(crm_search(&it, db, query, NULL));
  crm_search_hit *h = NULL;
  int n = 0;
  while (crm_search_next(&h, it) == CRM_OK) {
    crm_search_hit_free(h);
    n++;
  }
  crm_search_iterator_free(it);
  return n;
}

static void test_no_byte_left(void **state)
{
  crm_test_db *t = *state;
  /* unit tests run on a SQLite file (PostgreSQL: tests/postgres) */
  assert_true(g_file_test(t->path, G_FILE_TEST_IS_REGULAR));
  person p = make_person(t);
  assert_crm_ok(crm_db_compact(t->db));
  for (const char *const *s = person_strings; *s; s++)
    if (occurrences_in_store(t, *s) == 0) /* the scan can find them */
      fail_msg("'%s' is not in the database file before the erasure", *s);
  assert_int_equal(search_hits(t->db, "quaglierini"), 1);
  assert_true(search_hits(t->db, "rossi") >= 4); /* him, his cases, mail and call */

  long events = crm_test_count_events(t->db);
  assert_crm_ok(crm_customer_erase(t->db, p.customer, "GDPR request 2026-17"));
  assert_int_equal(crm_test_count_events(t->db), events + 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.erased");

  for (const char *const *s = person_strings; *s; s++)
    if (occurrences_in_store(t, *s) != 0)
      fail_msg("'%s' is still in the database file", *s);
  /* the index no longer finds him (Anna's mail keeps "Mario") */
  assert_int_equal(search_hits(t->db, "quaglierini"), 0);
  assert_int_equal(search_hits(t->db, "rossi"), 0);
  assert_int_equal(search_hits(t->db, "mario"), 1);
  /* after closing too (the WAL is checkpointed on close) */
  crm_test_db_reopen(t);
  for (const char *const *s = person_strings; *s; s++)
    assert_int_equal(occurrences_in_store(t, *s), 0);
  /* Anna's own data stays */
  assert_true(occurrences_in_store(t, "anna@example.org") > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_no_byte_left, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
