/*
 * Conformance: the response clocks of a case brought back by the customer
 * (crm/sla.h). A case resolved without any public reply stops its
 * first-response clock; the inbound contact that reopens it waits for a
 * first response again (a new cycle from the contact), while a case that
 * was answered before starts a next-response cycle instead, and a reopen
 * by hand starts no response clock (story S1: the e-mail after two calls
 * "answered" from the FAQ).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>

#define HOUR 3600

static void policy(crm_test_db *t)
{
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = "24x7";
  s.targets[CRM_SLA_FIRST_RESPONSE] = 4 * HOUR;
  s.targets[CRM_SLA_NEXT_RESPONSE] = 2 * HOUR;
  crm_id id = 0;
  assert_crm_ok(crm_sla_policy_create(&id, t->db, &s));
}

static crm_id contact(crm_test_db *t, crm_id customer, crm_id case_id, crm_direction_t dir,
                      crm_time occurred_at)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = dir;
  s.occurred_at = occurred_at;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, &s));
  crm_interaction *ix = NULL;
  assert_crm_ok(crm_interaction_lookup(&ix, t->db, id));
  crm_id k = crm_interaction_case(ix);
  crm_interaction_free(ix);
  return k;
}

/* The cycles of one metric, oldest first (owned). */
static GPtrArray *cycles(crm_test_db *t, crm_id case_id, crm_sla_metric_t metric)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)crm_sla_timer_free);
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_cycle_iterator_new(&it, t->db, case_id, CRM_SLA_AS_REPORTED));
  crm_sla_timer *tm = NULL;
  while (crm_sla_timer_next(&tm, it) == CRM_OK) {
    if (crm_sla_timer_metric(tm) == metric)
      g_ptr_array_add(out, tm);
    else
      crm_sla_timer_free(tm);
  }
  crm_sla_timer_iterator_free(it);
  return out;
}

#define CYCLE(a, i) ((crm_sla_timer *)g_ptr_array_index((a), (i)))

static void unanswered_case_reopened_by_the_customer_waits_for_a_first_response(void **state)
{
  crm_test_db *t = *state;
  policy(t);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = contact(t, cust, 0, CRM_DIRECTION_INBOUND, 0);
  t->now += HOUR;
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
  /* two days later he writes again; the mail was written an hour earlier */
  t->now += 2 * 86400;
  crm_time written = t->now - HOUR;
  assert_int_equal(contact(t, cust, k, CRM_DIRECTION_INBOUND, written), k);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, k));
  assert_int_equal(crm_case_reopen_count(c), 1);
  crm_case_free(c);

  GPtrArray *fr = cycles(t, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(fr->len, 2);
  /* the first cycle keeps its figures: stopped, neither met nor breached */
  assert_false(crm_sla_timer_open(CYCLE(fr, 0)));
  assert_int_equal(crm_sla_timer_met_at(CYCLE(fr, 0)), 0);
  assert_int_equal(crm_sla_timer_breached_at(CYCLE(fr, 0)), 0);
  assert_int_equal(crm_sla_timer_stopped_at(CYCLE(fr, 0)), CRM_TEST_T0 + HOUR);
  /* the second runs from the contact */
  assert_int_equal(crm_sla_timer_cycle(CYCLE(fr, 1)), 2);
  assert_true(crm_sla_timer_open(CYCLE(fr, 1)));
  assert_int_equal(crm_sla_timer_started_at(CYCLE(fr, 1)), written);
  assert_int_equal(crm_sla_timer_due_at(CYCLE(fr, 1)), written + 4 * HOUR);
  g_ptr_array_unref(fr);
  GPtrArray *nr = cycles(t, k, CRM_SLA_NEXT_RESPONSE);
  assert_int_equal(nr->len, 0);
  g_ptr_array_unref(nr);

  /* a second contact before any reply does not start another cycle */
  t->now += 60;
  contact(t, cust, k, CRM_DIRECTION_INBOUND, 0);
  fr = cycles(t, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(fr->len, 2);
  g_ptr_array_unref(fr);

  /* the reply meets it */
  t->now += HOUR;
  contact(t, cust, k, CRM_DIRECTION_OUTBOUND, 0);
  fr = cycles(t, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_met_at(CYCLE(fr, 1)), t->now);
  assert_int_equal(crm_sla_timer_breached_at(CYCLE(fr, 1)), 0);
  g_ptr_array_unref(fr);
}

static void answered_case_reopened_by_the_customer_waits_for_a_next_response(void **state)
{
  crm_test_db *t = *state;
  policy(t);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = contact(t, cust, 0, CRM_DIRECTION_INBOUND, 0);
  t->now += HOUR;
  contact(t, cust, k, CRM_DIRECTION_OUTBOUND, 0);
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
  t->now += 86400;
  contact(t, cust, k, CRM_DIRECTION_INBOUND, 0);
  GPtrArray *fr = cycles(t, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(fr->len, 1);
  assert_int_equal(crm_sla_timer_met_at(CYCLE(fr, 0)), CRM_TEST_T0 + HOUR);
  g_ptr_array_unref(fr);
  GPtrArray *nr = cycles(t, k, CRM_SLA_NEXT_RESPONSE);
  assert_int_equal(nr->len, 1);
  assert_true(crm_sla_timer_open(CYCLE(nr, 0)));
  assert_int_equal(crm_sla_timer_started_at(CYCLE(nr, 0)), t->now);
  g_ptr_array_unref(nr);
}

static void reopened_by_hand_starts_no_response_clock(void **state)
{
  crm_test_db *t = *state;
  policy(t);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = contact(t, cust, 0, CRM_DIRECTION_INBOUND, 0);
  t->now += HOUR;
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
  t->now += HOUR;
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_OPEN, 0));
  GPtrArray *fr = cycles(t, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(fr->len, 1);
  assert_false(crm_sla_timer_open(CYCLE(fr, 0)));
  g_ptr_array_unref(fr);
  /* a contact filed after the window opens a follow-up case: its own cycle 1 */
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_CLOSED, 0));
  t->now += HOUR;
  crm_id follow = contact(t, cust, k, CRM_DIRECTION_INBOUND, 0);
  assert_int_not_equal(follow, k);
  fr = cycles(t, follow, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(fr->len, 1);
  assert_int_equal(crm_sla_timer_cycle(CYCLE(fr, 0)), 1);
  assert_true(crm_sla_timer_open(CYCLE(fr, 0)));
  g_ptr_array_unref(fr);
  fr = cycles(t, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(fr->len, 1);
  g_ptr_array_unref(fr);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(unanswered_case_reopened_by_the_customer_waits_for_a_first_response),
      T(answered_case_reopened_by_the_customer_waits_for_a_next_response),
      T(reopened_by_hand_starts_no_response_clock),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
