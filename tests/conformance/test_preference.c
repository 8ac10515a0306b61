/*
 * Contact preferences: crm_customer_set_preference and
 * crm_customer_may_contact.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

static int may(crm_db *db, crm_id customer, crm_channel_t channel, const char *purpose)
{
  int allowed = -1;
  assert_crm_ok(crm_customer_may_contact(&allowed, db, customer, channel, purpose));
  assert_true(allowed == 0 || allowed == 1);
  return allowed;
}

static void test_default_is_allowed(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "p@x.it");
  for (int ch = CRM_CHANNEL_EMAIL; ch <= CRM_CHANNEL_MAX; ch++)
    assert_int_equal(may(t->db, id, (crm_channel_t)ch, "marketing"), 1);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_PHONE, "any free text purpose"), 1);
}

static void test_set_and_read(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "p@x.it");
  long events = crm_test_count_events(t->db);
  t->now += 100;
  assert_crm_ok(crm_customer_set_preference(t->db, id, CRM_CHANNEL_EMAIL, "marketing", 0));
  assert_int_equal(crm_test_count_events(t->db), events + 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.preference");
  JsonObject *p = crm_test_last_payload(t->db);
  assert_int_equal(json_object_get_int_member(p, "customer"), id);
  assert_string_equal(json_object_get_string_member(p, "channel"), "email");
  assert_string_equal(json_object_get_string_member(p, "purpose"), "marketing");
  assert_false(json_object_get_boolean_member(p, "allowed"));
  json_object_unref(p);

  assert_int_equal(may(t->db, id, CRM_CHANNEL_EMAIL, "marketing"), 0);
  /* other purposes and channels are untouched */
  assert_int_equal(may(t->db, id, CRM_CHANNEL_EMAIL, "service"), 1);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_SMS, "marketing"), 1);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_EMAIL, "Marketing"), 1); /* purposes are exact */

  /* the customer's version and updated_at move */
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, id));
  assert_int_equal(crm_customer_version(c), 2);
  assert_int_equal(crm_customer_updated_at(c), CRM_TEST_T0 + 100);
  crm_customer_free(c);

  /* any non-zero allowed means yes */
  assert_crm_ok(crm_customer_set_preference(t->db, id, CRM_CHANNEL_EMAIL, "marketing", 42));
  assert_int_equal(may(t->db, id, CRM_CHANNEL_EMAIL, "marketing"), 1);
  p = crm_test_last_payload(t->db);
  assert_true(json_object_get_boolean_member(p, "allowed"));
  json_object_unref(p);
  assert_int_equal(crm_test_customer_version(t->db, id), 3);

  /* preferences of one customer are not another's */
  crm_id other = crm_test_customer(t->db, "q@x.it");
  assert_crm_ok(crm_customer_set_preference(t->db, id, CRM_CHANNEL_PHONE, "service", 0));
  assert_int_equal(may(t->db, other, CRM_CHANNEL_PHONE, "service"), 1);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_PHONE, "service"), 0);

  /* and they survive a reopen */
  crm_test_db_reopen(t);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_PHONE, "service"), 0);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_EMAIL, "marketing"), 1);
}

static void test_erased_customer_is_never_contacted(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "gone@x.it");
  assert_crm_ok(crm_customer_set_preference(t->db, id, CRM_CHANNEL_EMAIL, "service", 1));
  /* crm_customer_erase does not exist yet: mark the row erased directly */
  char *sql = g_strdup_printf("UPDATE customers SET status = %d WHERE id = %lld",
                              (int)CRM_CUSTOMER_ERASED, (long long)id);
  crm_test_exec(t, sql);
  g_free(sql);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_EMAIL, "service"), 0);
  assert_int_equal(may(t->db, id, CRM_CHANNEL_PHONE, "anything"), 0);
}

static void test_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "e@x.it");
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);

  assert_crm_error(crm_customer_set_preference(NULL, id, CRM_CHANNEL_EMAIL, "service", 0),
                   CRM_EINVALID, "db");
  assert_crm_error(crm_customer_set_preference(t->db, 0, CRM_CHANNEL_EMAIL, "service", 0),
                   CRM_EINVALID, "id 0");
  assert_crm_error(crm_customer_set_preference(t->db, id, (crm_channel_t)0, "service", 0),
                   CRM_EINVALID, "channel 0");
  assert_crm_error(
      crm_customer_set_preference(t->db, id, (crm_channel_t)(CRM_CHANNEL_MAX + 1), "service", 0),
      CRM_EINVALID, "channel 12");
  assert_crm_error(crm_customer_set_preference(t->db, id, CRM_CHANNEL_EMAIL, NULL, 0), CRM_EINVALID,
                   "purpose");
  assert_crm_error(crm_customer_set_preference(t->db, id, CRM_CHANNEL_EMAIL, "", 0), CRM_EINVALID,
                   "purpose must not be empty");
  assert_crm_error(crm_customer_set_preference(t->db, id, CRM_CHANNEL_EMAIL, "\xff\xfe", 0),
                   CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_customer_set_preference(t->db, 404, CRM_CHANNEL_EMAIL, "service", 0),
                   CRM_ENOTFOUND, "customer 404");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);

  int allowed = 7;
  assert_crm_error(crm_customer_may_contact(NULL, t->db, id, CRM_CHANNEL_EMAIL, "service"),
                   CRM_EINVALID, "out_allowed");
  assert_crm_error(crm_customer_may_contact(&allowed, NULL, id, CRM_CHANNEL_EMAIL, "service"),
                   CRM_EINVALID, "db");
  assert_int_equal(allowed, 0);
  allowed = 7;
  assert_crm_error(crm_customer_may_contact(&allowed, t->db, -2, CRM_CHANNEL_EMAIL, "service"),
                   CRM_EINVALID, "id -2");
  assert_int_equal(allowed, 0);
  assert_crm_error(crm_customer_may_contact(&allowed, t->db, id, (crm_channel_t)99, "service"),
                   CRM_EINVALID, "channel 99");
  assert_crm_error(crm_customer_may_contact(&allowed, t->db, id, CRM_CHANNEL_EMAIL, ""),
                   CRM_EINVALID, "purpose");
  assert_crm_error(crm_customer_may_contact(&allowed, t->db, id, CRM_CHANNEL_EMAIL, "\xc3"),
                   CRM_EINVALID, "UTF-8");
  allowed = 7;
  assert_crm_error(crm_customer_may_contact(&allowed, t->db, 404, CRM_CHANNEL_EMAIL, "service"),
                   CRM_ENOTFOUND, "customer 404");
  assert_int_equal(allowed, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(test_default_is_allowed),
      T(test_set_and_read),
      T(test_erased_customer_is_never_contacted),
      T(test_errors),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
