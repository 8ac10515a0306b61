/*
 * Identities: normalisation of every kind, add / remove (ownership,
 * no-ops, versions, events) and the identity iterator.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* The newest event's payload as text (owned). */
static char *last_payload_text(crm_db *db)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  char *text = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    g_free(text);
    text = g_strdup(crm_event_payload(ev));
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return text;
}

static void assert_last_payload(crm_db *db, crm_id customer, const char *kind, const char *value)
{
  char *text = last_payload_text(db);
  JsonNode *node = json_from_string(text, NULL);
  assert_non_null(node);
  JsonObject *o = json_node_get_object(node);
  assert_int_equal(json_object_get_int_member(o, "customer"), customer);
  assert_string_equal(json_object_get_string_member(o, "kind"), kind);
  assert_string_equal(json_object_get_string_member(o, "value"), value);
  json_node_unref(node);
  g_free(text);
}

typedef struct {
  long rows, events;
} snapshot;

static snapshot take(crm_test_db *t)
{
  snapshot s = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return s;
}

static void assert_unchanged(crm_test_db *t, snapshot before)
{
  assert_int_equal(crm_test_count_all_rows(t), before.rows);
  assert_int_equal(crm_test_count_events(t->db), before.events);
}

/* ------------------------------------------------------------------ */
/* normalisation                                                        */

static void assert_normalized(crm_identity_kind_t kind, const char *value, const char *want)
{
  crm_buf out = CRM_BUF_INIT;
  crm_status st = crm_identity_normalize(&out, NULL, kind, value);
  if (st != CRM_OK)
    fail_msg("%s '%s' rejected: %s", crm_identity_kind_name(kind), value,
             crm_error_last()->message);
  assert_string_equal(out.ptr, want);
  assert_int_equal(out.size, strlen(want));
  crm_buf_dispose(&out);
}

static void test_normalize_kinds(void **state)
{
  (void)state;
  assert_normalized(CRM_IDENTITY_EMAIL, " Bob@Example.COM ", "bob@example.com");
  assert_normalized(CRM_IDENTITY_PHONE, "+39 02 1234 5678", "+390212345678");
  assert_normalized(CRM_IDENTITY_EXTERNAL, "  BC-0042-17\t", "BC-0042-17");
  assert_normalized(CRM_IDENTITY_EXTERNAL, "Contract  No.\t 17", "Contract No. 17");
  assert_normalized(CRM_IDENTITY_EXTERNAL, "ABC-xyz", "ABC-xyz"); /* case is kept */
  assert_normalized(CRM_IDENTITY_SOCIAL, " @Mario_Rossi ", "@mario_rossi");
  assert_normalized(CRM_IDENTITY_SOCIAL, "twitter:  @ÀNNA", "twitter: @ànna");
  assert_normalized(CRM_IDENTITY_POSTAL, "Via Roma 1\n  00100   Roma RM\r\n",
                    "Via Roma 1 00100 Roma RM");
  assert_normalized(CRM_IDENTITY_POSTAL,
                    "Piazza\xc2\xa0"
                    "Duomo 1",
                    "Piazza Duomo 1"); /* NBSP */
}

static void test_normalize_errors(void **state)
{
  crm_test_db *t = *state;
  crm_buf out = CRM_BUF_INIT;
  assert_crm_error(crm_identity_normalize(NULL, t->db, CRM_IDENTITY_EXTERNAL, "x"), CRM_EINVALID,
                   "out");
  assert_crm_error(crm_identity_normalize(&out, t->db, (crm_identity_kind_t)0, "x"), CRM_EINVALID,
                   "identity kind 0");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_POSTAL + 1, "x"), CRM_EINVALID,
                   "identity kind 6");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_EXTERNAL, NULL), CRM_EINVALID,
                   "external id must not be NULL");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_EXTERNAL, ""), CRM_EINVALID,
                   "external id must not be empty");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_SOCIAL, " \t\n"), CRM_EINVALID,
                   "social handle");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_POSTAL, "   "), CRM_EINVALID,
                   "postal address '   ' is blank");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_POSTAL, "Via \xff"),
                   CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_PHONE, "abc"), CRM_EINVALID,
                   "phone number 'abc'");
  assert_crm_error(crm_identity_normalize(&out, t->db, CRM_IDENTITY_EMAIL, "Mario <m@x.it>"),
                   CRM_EINVALID, "Name <addr>");
  assert_null(out.ptr);
}

/* ------------------------------------------------------------------ */
/* add / remove                                                         */

static void test_add(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "first@x.it");
  t->now += 30;
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EMAIL, " Second@X.it"));
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.identity_added");
  assert_last_payload(t->db, id, "email", "second@x.it");
  assert_int_equal(crm_test_customer_version(t->db, id), 2);
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, id));
  assert_int_equal(crm_customer_updated_at(c), CRM_TEST_T0 + 30);
  crm_customer_free(c);

  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "second@x.it"));
  assert_int_equal(found, id);

  /* adding what the customer already has: a no-op */
  snapshot before = take(t);
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EMAIL, "SECOND@x.it"));
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EMAIL, "first@x.it"));
  assert_unchanged(t, before);
  assert_int_equal(crm_test_customer_version(t->db, id), 2);

  /* the same text under another kind is another identity */
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "first@x.it"));
  assert_int_equal(crm_test_customer_version(t->db, id), 3);
}

static void test_add_owned_by_another(void **state)
{
  crm_test_db *t = *state;
  crm_id anna = crm_test_customer(t->db, "anna@x.it");
  crm_id bruno = crm_test_customer(t->db, "bruno@x.it");
  snapshot before = take(t);
  char needle[64];
  snprintf(needle, sizeof needle, "belongs to customer %lld", (long long)anna);
  assert_crm_error(crm_identity_add(t->db, bruno, CRM_IDENTITY_EMAIL, "Anna@X.it"), CRM_EEXISTS,
                   needle);
  assert_unchanged(t, before);
  assert_int_equal(crm_test_customer_version(t->db, bruno), 1);
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "anna@x.it"));
  assert_int_equal(found, anna);
}

static void test_add_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "ae@x.it");
  snapshot before = take(t);
  assert_crm_error(crm_identity_add(NULL, id, CRM_IDENTITY_EXTERNAL, "x"), CRM_EINVALID, "db");
  assert_crm_error(crm_identity_add(t->db, 0, CRM_IDENTITY_EXTERNAL, "x"), CRM_EINVALID, "id 0");
  assert_crm_error(crm_identity_add(t->db, id, (crm_identity_kind_t)0, "x"), CRM_EINVALID,
                   "identity kind 0");
  assert_crm_error(crm_identity_add(t->db, id, (crm_identity_kind_t)99, "x"), CRM_EINVALID,
                   "identity kind 99");
  assert_crm_error(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, NULL), CRM_EINVALID, "NULL");
  assert_crm_error(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "\xff"), CRM_EINVALID,
                   "UTF-8");
  assert_crm_error(crm_identity_add(t->db, id, CRM_IDENTITY_EMAIL, "a..b@x.it"), CRM_EINVALID,
                   "two dots");
  assert_crm_error(crm_identity_add(t->db, id, CRM_IDENTITY_PHONE, "02 1234 5678"), CRM_EINVALID,
                   "needs a default phone region");
  /* arguments are checked before existence */
  assert_crm_error(crm_identity_add(t->db, 555, CRM_IDENTITY_EMAIL, "bob@"), CRM_EINVALID,
                   "no domain");
  assert_crm_error(crm_identity_add(t->db, 555, CRM_IDENTITY_EXTERNAL, "x"), CRM_ENOTFOUND,
                   "customer 555");
  assert_unchanged(t, before);
}

static void test_remove(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "r@x.it");
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_SOCIAL, "@Remo"));
  assert_int_equal(crm_test_customer_version(t->db, id), 2);
  t->now += 7;
  assert_crm_ok(crm_identity_remove(t->db, id, CRM_IDENTITY_SOCIAL, " @REMO "));
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.identity_removed");
  assert_last_payload(t->db, id, "social", "@remo");
  assert_int_equal(crm_test_customer_version(t->db, id), 3);
  crm_id found = 99;
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_SOCIAL, "@remo"), CRM_ENOTFOUND,
                   "@remo");
  assert_int_equal(found, 0);

  /* the value is free again: another customer may take it */
  crm_id other = 0;
  int created = 0;
  assert_crm_ok(
      crm_customer_ensure(&other, &created, t->db, CRM_IDENTITY_SOCIAL, "@remo", "Remo 2"));
  assert_int_equal(created, 1);
  assert_true(other != id);
}

static void test_remove_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id anna = crm_test_customer(t->db, "anna@x.it");
  crm_id bruno = crm_test_customer(t->db, "bruno@x.it");
  snapshot before = take(t);
  char needle[64];
  snprintf(needle, sizeof needle, "customer %lld has no email 'anna@x.it'", (long long)bruno);
  assert_crm_error(crm_identity_remove(t->db, bruno, CRM_IDENTITY_EMAIL, "anna@x.it"),
                   CRM_ENOTFOUND, needle);
  assert_crm_error(crm_identity_remove(t->db, anna, CRM_IDENTITY_EXTERNAL, "anna@x.it"),
                   CRM_ENOTFOUND, "has no external id");
  assert_crm_error(crm_identity_remove(t->db, 999, CRM_IDENTITY_EMAIL, "anna@x.it"), CRM_ENOTFOUND,
                   "customer 999");
  assert_crm_error(crm_identity_remove(NULL, anna, CRM_IDENTITY_EMAIL, "anna@x.it"), CRM_EINVALID,
                   "db");
  assert_crm_error(crm_identity_remove(t->db, -1, CRM_IDENTITY_EMAIL, "anna@x.it"), CRM_EINVALID,
                   "id -1");
  assert_crm_error(crm_identity_remove(t->db, anna, (crm_identity_kind_t)7, "anna@x.it"),
                   CRM_EINVALID, "identity kind 7");
  assert_crm_error(crm_identity_remove(t->db, anna, CRM_IDENTITY_EMAIL, NULL), CRM_EINVALID,
                   "NULL");
  assert_crm_error(crm_identity_remove(t->db, anna, CRM_IDENTITY_EMAIL, "\xfe"), CRM_EINVALID,
                   "UTF-8");
  assert_unchanged(t, before);
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "anna@x.it"));
  assert_int_equal(found, anna);
}

/* ------------------------------------------------------------------ */
/* the iterator                                                         */

static void test_iterator(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "it@x.it");
  t->now += 1;
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_PHONE, "+39 333 1234567"));
  t->now += 1;
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "M-7"));
  crm_test_customer(t->db, "someone.else@x.it");

  static const struct {
    crm_identity_kind_t kind;
    const char *value;
  } want[] = {
      {CRM_IDENTITY_EMAIL, "it@x.it"},
      {CRM_IDENTITY_PHONE, "+393331234567"},
      {CRM_IDENTITY_EXTERNAL, "M-7"},
  };
  crm_identity_iterator *it = NULL;
  assert_crm_ok(crm_identity_iterator_new(&it, t->db, id));
  crm_identity *identity = NULL;
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    assert_crm_ok(crm_identity_next(&identity, it));
    assert_int_equal(crm_identity_kind(identity), want[i].kind);
    assert_string_equal(crm_identity_value(identity), want[i].value);
    assert_int_equal(crm_identity_customer(identity), id);
    crm_identity_free(identity);
  }
  identity = (crm_identity *)&identity;
  assert_int_equal(crm_identity_next(&identity, it), CRM_ITEROVER);
  assert_null(identity);
  assert_int_equal(crm_identity_next(&identity, it), CRM_ITEROVER);
  crm_identity_iterator_free(it);
}

static void test_iterator_removal_during_iteration(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "a@x.it");
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "E-1"));
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "E-2"));
  crm_identity_iterator *it = NULL;
  assert_crm_ok(crm_identity_iterator_new(&it, t->db, id));
  crm_identity *identity = NULL;
  assert_crm_ok(crm_identity_next(&identity, it));
  assert_string_equal(crm_identity_value(identity), "a@x.it");
  crm_identity_free(identity);
  assert_crm_ok(crm_identity_remove(t->db, id, CRM_IDENTITY_EMAIL, "a@x.it"));
  assert_crm_ok(crm_identity_next(&identity, it));
  assert_string_equal(crm_identity_value(identity), "E-1");
  crm_identity_free(identity);
  assert_crm_ok(crm_identity_next(&identity, it));
  assert_string_equal(crm_identity_value(identity), "E-2");
  crm_identity_free(identity);
  assert_int_equal(crm_identity_next(&identity, it), CRM_ITEROVER);
  crm_identity_iterator_free(it);
}

/* More identities than one page holds: every one exactly once, in order. */
static void test_iterator_many_pages(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "many@x.it");
  enum { N = 600 };
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < N; i++) {
    char value[32];
    snprintf(value, sizeof value, "M-%04d", i);
    assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, value));
  }
  assert_crm_ok(crm_commit(t->db));
  crm_identity_iterator *it = NULL;
  assert_crm_ok(crm_identity_iterator_new(&it, t->db, id));
  crm_identity *identity = NULL;
  assert_crm_ok(crm_identity_next(&identity, it));
  assert_string_equal(crm_identity_value(identity), "many@x.it");
  crm_identity_free(identity);
  for (int i = 0; i < N; i++) {
    char value[32];
    snprintf(value, sizeof value, "M-%04d", i);
    assert_crm_ok(crm_identity_next(&identity, it));
    assert_string_equal(crm_identity_value(identity), value);
    crm_identity_free(identity);
  }
  assert_int_equal(crm_identity_next(&identity, it), CRM_ITEROVER);
  crm_identity_iterator_free(it);
  assert_int_equal(crm_test_customer_version(t->db, id), 1 + N);
}

static void test_iterator_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "ie@x.it");
  crm_identity_iterator *it = (crm_identity_iterator *)&it;
  assert_crm_error(crm_identity_iterator_new(&it, t->db, 31337), CRM_ENOTFOUND, "customer 31337");
  assert_null(it);
  assert_crm_error(crm_identity_iterator_new(&it, t->db, 0), CRM_EINVALID, "id 0");
  assert_crm_error(crm_identity_iterator_new(&it, NULL, id), CRM_EINVALID, "db");
  assert_crm_error(crm_identity_iterator_new(NULL, t->db, id), CRM_EINVALID, "out");
  crm_identity *identity = NULL;
  assert_crm_error(crm_identity_next(&identity, NULL), CRM_EINVALID, "it");
  assert_crm_ok(crm_identity_iterator_new(&it, t->db, id));
  assert_crm_error(crm_identity_next(NULL, it), CRM_EINVALID, "out");
  /* the iterator outlives its handle without crashing */
  crm_close(t->db);
  t->db = NULL;
  assert_int_equal(crm_identity_next(&identity, it), CRM_EINVALID);
  assert_null(identity);
  crm_identity_iterator_free(it);
  crm_identity_iterator_free(NULL);
  crm_identity_free(NULL);
  assert_int_equal(crm_identity_kind(NULL), 0);
  assert_null(crm_identity_value(NULL));
  assert_int_equal(crm_identity_customer(NULL), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normalize_kinds),
      T(test_normalize_errors),
      T(test_add),
      T(test_add_owned_by_another),
      T(test_add_errors),
      T(test_remove),
      T(test_remove_errors),
      T(test_iterator),
      T(test_iterator_removal_during_iteration),
      T(test_iterator_many_pages),
      T(test_iterator_errors),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
