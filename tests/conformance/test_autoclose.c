/*
 * Unit tests: crm_tick closes resolved cases once "autoclose_after" has
 * passed since their resolution, exactly once across handles.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

static crm_id open_case(crm_test_db *t, crm_id customer)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = "Please close me";
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &spec));
  return id;
}

static crm_id resolved_case(crm_test_db *t, crm_id customer)
{
  crm_id id = open_case(t, customer);
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
  return id;
}

/* "case.status" events that closed a case automatically. */
static long count_auto_closes(crm_db *db, crm_id only_case)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  long n = 0;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), "case.status") == 0 &&
        (only_case == 0 || crm_event_entity_id(ev) == only_case)) {
      JsonParser *p = json_parser_new();
      assert_true(json_parser_load_from_data(p, crm_event_payload(ev), -1, NULL));
      JsonObject *o = json_node_get_object(json_parser_get_root(p));
      if (strcmp(json_object_get_string_member(o, "to"), "closed") == 0) {
        assert_string_equal(json_object_get_string_member(o, "from"), "resolved");
        assert_true(json_object_get_boolean_member(o, "auto"));
        assert_false(json_object_get_boolean_member(o, "reopen"));
        assert_int_equal(json_object_get_int_member(o, "case"), crm_event_entity_id(ev));
        n++;
      }
      g_object_unref(p);
    }
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return n;
}

static void closes_at_the_instant_not_before(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "86400"));
  crm_id customer = crm_test_customer(t->db, "ada@example.com");
  crm_time resolved = t->now;
  crm_id id = resolved_case(t, customer);
  size_t fired = 99;

  /* an explicit `now` one second early: nothing */
  long events = crm_test_count_events(t->db);
  assert_crm_ok(crm_tick(&fired, t->db, resolved + 86399));
  assert_int_equal(fired, 0);
  assert_int_equal(crm_test_case_status(t->db, id), CRM_CASE_RESOLVED);
  assert_int_equal(crm_test_count_events(t->db), events);

  /* now = 0 uses the handle's clock, which is at the instant */
  t->now = resolved + 86400;
  assert_crm_ok(crm_tick(&fired, t->db, 0));
  assert_int_equal(fired, 1);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  assert_int_equal(crm_case_status(c), CRM_CASE_CLOSED);
  assert_int_equal(crm_case_version(c), 3);
  assert_int_equal(crm_case_updated_at(c), resolved + 86400);
  assert_int_equal(crm_case_resolved_at(c), resolved);
  crm_case_free(c);
  assert_int_equal(count_auto_closes(t->db, id), 1);

  /* later ticks find nothing more */
  t->now += 86400 * 10;
  assert_crm_ok(crm_tick(&fired, t->db, 0));
  assert_int_equal(fired, 0);
  assert_int_equal(count_auto_closes(t->db, 0), 1);
}

static void only_resolved_cases_that_are_due(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "3600"));
  crm_id customer = crm_test_customer(t->db, "bo@example.com");
  crm_id early = resolved_case(t, customer);
  crm_id open = open_case(t, customer);
  assert_crm_ok(crm_case_set_status(t->db, open, CRM_CASE_OPEN, 0));
  crm_id reopened = resolved_case(t, customer);
  assert_crm_ok(crm_case_set_status(t->db, reopened, CRM_CASE_OPEN, 0));
  crm_id pending = open_case(t, customer);
  assert_crm_ok(crm_case_set_status(t->db, pending, CRM_CASE_PENDING_CUSTOMER, 0));
  t->now += 1800;
  crm_id late = resolved_case(t, customer);

  size_t fired = 0;
  assert_crm_ok(crm_tick(&fired, t->db, CRM_TEST_T0 + 3600));
  assert_int_equal(fired, 1);
  assert_int_equal(crm_test_case_status(t->db, early), CRM_CASE_CLOSED);
  assert_int_equal(crm_test_case_status(t->db, late), CRM_CASE_RESOLVED);
  assert_int_equal(crm_test_case_status(t->db, open), CRM_CASE_OPEN);
  assert_int_equal(crm_test_case_status(t->db, reopened), CRM_CASE_OPEN);
  assert_int_equal(crm_test_case_status(t->db, pending), CRM_CASE_PENDING_CUSTOMER);

  assert_crm_ok(crm_tick(&fired, t->db, CRM_TEST_T0 + 1800 + 3600));
  assert_int_equal(fired, 1);
  assert_int_equal(crm_test_case_status(t->db, late), CRM_CASE_CLOSED);
  assert_int_equal(count_auto_closes(t->db, 0), 2);
}

static void many_cases_over_several_pages(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "60"));
  crm_id customer = crm_test_customer(t->db, "cy@example.com");
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 600; i++)
    resolved_case(t, customer);
  assert_crm_ok(crm_commit(t->db));
  size_t fired = 0;
  t->now += 60;
  assert_crm_ok(crm_tick(&fired, t->db, 0));
  assert_int_equal(fired, 600);
  assert_int_equal(count_auto_closes(t->db, 0), 600);
  assert_crm_ok(crm_tick(&fired, t->db, 0));
  assert_int_equal(fired, 0);
}

static void exactly_once_with_two_handles(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "600"));
  crm_id customer = crm_test_customer(t->db, "dee@example.com");
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 40; i++)
    resolved_case(t, customer);
  assert_crm_ok(crm_commit(t->db));
  crm_db *other = crm_test_db_open_another(t);
  t->now += 600;
  size_t a = 9, b = 9, b_again = 9;
  /* the second handle closes them; the first, ticking after, finds none */
  assert_crm_ok(crm_tick(&b, other, 0));
  assert_crm_ok(crm_tick(&a, t->db, 0));
  assert_crm_ok(crm_tick(&b_again, other, 0));
  assert_int_equal(b, 40);
  assert_int_equal(a, 0);
  assert_int_equal(b_again, 0);
  assert_int_equal(count_auto_closes(t->db, 0), 40);

  /* both tick the same due cases */
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 40; i++)
    resolved_case(t, customer);
  assert_crm_ok(crm_commit(t->db));
  t->now += 600;
  assert_crm_ok(crm_tick(&a, t->db, 0));
  assert_crm_ok(crm_tick(&b, other, 0));
  assert_int_equal(a + b, 40);
  assert_int_equal(count_auto_closes(other, 0), 80);
  crm_close(other);
}

static gpointer tick_thread(gpointer data)
{
  crm_db *db = data;
  size_t fired = 0;
  crm_status st = crm_tick(&fired, db, 0);
  return GSIZE_TO_POINTER(st == CRM_OK ? fired + 1 : 0);
}

static void exactly_once_with_two_handles_at_once(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "600"));
  crm_id customer = crm_test_customer(t->db, "eve@example.com");
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 300; i++)
    resolved_case(t, customer);
  assert_crm_ok(crm_commit(t->db));
  crm_db *other = crm_test_db_open_another(t);
  t->now += 600;
  GThread *th1 = g_thread_new("tick1", tick_thread, t->db);
  GThread *th2 = g_thread_new("tick2", tick_thread, other);
  size_t r1 = GPOINTER_TO_SIZE(g_thread_join(th1));
  size_t r2 = GPOINTER_TO_SIZE(g_thread_join(th2));
  assert_true(r1 > 0); /* both succeeded */
  assert_true(r2 > 0);
  assert_int_equal((r1 - 1) + (r2 - 1), 300);
  assert_int_equal(count_auto_closes(t->db, 0), 300);
  crm_close(other);
}

static void zero_disables(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "0"));
  crm_id id = resolved_case(t, crm_test_customer(t->db, "fay@example.com"));
  long events = crm_test_count_events(t->db);
  long rows = crm_test_count_all_rows(t);
  size_t fired = 7;
  assert_crm_ok(crm_tick(&fired, t->db, CRM_TEST_T0 + 86400 * 365 * 10LL));
  assert_int_equal(fired, 0);
  assert_int_equal(crm_test_case_status(t->db, id), CRM_CASE_RESOLVED);
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_int_equal(crm_test_count_all_rows(t), rows);
}

static void the_default_is_four_weeks(void **state)
{
  crm_test_db *t = *state;
  crm_id id = resolved_case(t, crm_test_customer(t->db, "gus@example.com"));
  size_t fired = 0;
  assert_crm_ok(crm_tick(&fired, t->db, CRM_TEST_T0 + 2419200 - 1));
  assert_int_equal(fired, 0);
  assert_crm_ok(crm_tick(&fired, t->db, CRM_TEST_T0 + 2419200));
  assert_int_equal(fired, 1);
  assert_int_equal(crm_test_case_status(t->db, id), CRM_CASE_CLOSED);
}

static void tick_arguments(void **state)
{
  crm_test_db *t = *state;
  size_t fired = 5;
  assert_crm_error(crm_tick(&fired, NULL, 0), CRM_EINVALID, "db");
  assert_int_equal(fired, 0);
  assert_crm_error(crm_tick(&fired, t->db, -1), CRM_EINVALID, "now");
  assert_crm_ok(crm_tick(NULL, t->db, 0)); /* out_fired may be NULL */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(closes_at_the_instant_not_before),
      T(only_resolved_cases_that_are_due),
      T(many_cases_over_several_pages),
      T(exactly_once_with_two_handles),
      T(exactly_once_with_two_handles_at_once),
      T(zero_disables),
      T(the_default_is_four_weeks),
      T(tick_arguments),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
