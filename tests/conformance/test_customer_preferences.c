/*
 * Contact preferences with provenance: crm_customer_set_preference_ext
 * and the preference iterator.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

static void test_source_and_time(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "p@x.it");
  t->now += 10;
  assert_crm_ok(crm_customer_set_preference_ext(t->db, c, CRM_CHANNEL_LETTER, "marketing", 0,
                                                "cancellation letter"));
  JsonObject *o = crm_test_last_payload(t->db);
  assert_string_equal(json_object_get_string_member(o, "source"), "cancellation letter");
  assert_false(json_object_get_boolean_member(o, "allowed"));
  json_object_unref(o);
  t->now += 10;
  assert_crm_ok(crm_customer_set_preference(t->db, c, CRM_CHANNEL_EMAIL, "service", 1));

  crm_preference_iterator *it = NULL;
  assert_crm_ok(crm_preference_iterator_new(&it, t->db, c));
  crm_preference *p = NULL;
  assert_crm_ok(crm_preference_next(&p, it));
  assert_int_equal(crm_preference_channel(p), CRM_CHANNEL_EMAIL);
  assert_string_equal(crm_preference_purpose(p), "service");
  assert_int_equal(crm_preference_allowed(p), 1);
  assert_null(crm_preference_source(p));
  assert_int_equal(crm_preference_updated_at(p), CRM_TEST_T0 + 20);
  crm_preference_free(p);
  assert_crm_ok(crm_preference_next(&p, it));
  assert_int_equal(crm_preference_channel(p), CRM_CHANNEL_LETTER);
  assert_int_equal(crm_preference_allowed(p), 0);
  assert_string_equal(crm_preference_source(p), "cancellation letter");
  assert_int_equal(crm_preference_updated_at(p), CRM_TEST_T0 + 10);
  crm_preference_free(p);
  assert_int_equal(crm_preference_next(&p, it), CRM_ITEROVER);
  assert_null(p);
  crm_preference_iterator_free(it);

  /* the plain call records no source: an older one does not linger */
  t->now += 10;
  assert_crm_ok(crm_customer_set_preference(t->db, c, CRM_CHANNEL_LETTER, "marketing", 1));
  assert_crm_ok(crm_preference_iterator_new(&it, t->db, c));
  assert_crm_ok(crm_preference_next(&p, it));
  crm_preference_free(p);
  assert_crm_ok(crm_preference_next(&p, it));
  assert_null(crm_preference_source(p));
  assert_int_equal(crm_preference_allowed(p), 1);
  crm_preference_free(p);
  crm_preference_iterator_free(it);
}

static void test_errors_write_nothing(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "p@x.it");
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_customer_set_preference_ext(NULL, c, CRM_CHANNEL_SMS, "x", 0, NULL),
                   CRM_EINVALID, "db");
  assert_crm_error(crm_customer_set_preference_ext(t->db, 0, CRM_CHANNEL_SMS, "x", 0, NULL),
                   CRM_EINVALID, "customer id 0");
  assert_crm_error(crm_customer_set_preference_ext(t->db, c, (crm_channel_t)99, "x", 0, NULL),
                   CRM_EINVALID, "channel 99");
  assert_crm_error(crm_customer_set_preference_ext(t->db, c, CRM_CHANNEL_SMS, "", 0, NULL),
                   CRM_EINVALID, "purpose");
  assert_crm_error(crm_customer_set_preference_ext(t->db, c, CRM_CHANNEL_SMS, "x", 0, "\xff\xfe"),
                   CRM_EINVALID, "source");
  assert_crm_error(crm_customer_set_preference_ext(t->db, 404, CRM_CHANNEL_SMS, "x", 0, "s"),
                   CRM_ENOTFOUND, "customer 404");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);

  crm_preference_iterator *it = (crm_preference_iterator *)1;
  assert_crm_error(crm_preference_iterator_new(NULL, t->db, c), CRM_EINVALID, "out");
  assert_crm_error(crm_preference_iterator_new(&it, NULL, c), CRM_EINVALID, "db");
  assert_null(it);
  assert_crm_error(crm_preference_iterator_new(&it, t->db, -1), CRM_EINVALID, "customer id -1");
  assert_crm_error(crm_preference_iterator_new(&it, t->db, 404), CRM_ENOTFOUND, "customer 404");
  assert_null(it);
  crm_preference *p = (crm_preference *)1;
  assert_crm_error(crm_preference_next(&p, NULL), CRM_EINVALID, "iterator");
  assert_null(p);
  assert_int_equal(crm_preference_channel(NULL), 0);
  assert_null(crm_preference_purpose(NULL));
  assert_int_equal(crm_preference_allowed(NULL), 0);
  assert_null(crm_preference_source(NULL));
  assert_int_equal(crm_preference_updated_at(NULL), 0);
  crm_preference_free(NULL);
  crm_preference_iterator_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_source_and_time, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_errors_write_nothing, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
