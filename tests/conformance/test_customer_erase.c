/*
 * Erasure: crm_customer_erase anonymises every free text of a person and
 * keeps what reports count; crm_db_compact. (The byte scan of the SQLite
 * file is in tests/unit/test_customer_erase.c.)
 *
 * SPDX-License-Identifier: MIT
 */
#include "testperson.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* Reports read these: they must not change. */
typedef struct {
  crm_case_status_t status;
  int64_t inbound, transfers, reopens;
  int csat;
  crm_time created, resolved;
} case_figures;

static case_figures figures(crm_db *db, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, id));
  case_figures f;
  memset(&f, 0, sizeof f); /* padding too: the test compares the bytes */
  f.status = crm_case_status(c);
  f.inbound = crm_case_inbound_count(c);
  f.transfers = crm_case_transfer_count(c);
  f.reopens = crm_case_reopen_count(c);
  f.csat = crm_case_csat(c);
  f.created = crm_case_created_at(c);
  f.resolved = crm_case_resolved_at(c);
  crm_case_free(c);
  return f;
}

/* Every report over the last year, one per grouping, as JSON (g_free). */
static char *all_reports(crm_db *db)
{
  GString *all = g_string_new(NULL);
  for (int by = CRM_REPORT_BY_NONE; by <= CRM_REPORT_BY_DAY; by++) {
    crm_report_spec spec = CRM_REPORT_SPEC_INIT;
    spec.to = crm_now(db) + 1;
    spec.from = spec.to - 366 * 86400; /* the person's contacts are this year's */
    spec.group_by = (crm_report_group_t)by;
    crm_report *r = NULL;
    assert_crm_ok(crm_report_run(&r, db, &spec));
    if (by == CRM_REPORT_BY_NONE) { /* the person's cases are there to compare */
      crm_report_row_iterator *it = NULL;
      crm_report_row *row = NULL;
      assert_crm_ok(crm_report_row_iterator_new(&it, r));
      assert_crm_ok(crm_report_row_next(&row, it));
      assert_true(crm_report_row_cases(row) >= 2);
      assert_true(crm_report_row_csat_count(row) >= 1);
      crm_report_row_free(row);
      crm_report_row_iterator_free(it);
    }
    crm_buf json = CRM_BUF_INIT;
    assert_crm_ok(crm_report_json(&json, r));
    g_string_append_printf(all, "%s\n", json.ptr);
    crm_buf_dispose(&json);
    crm_report_free(r);
  }
  return g_string_free(all, FALSE);
}

static void test_reports_unchanged(void **state)
{
  crm_test_db *t = *state;
  person p = make_person(t);
  case_figures mail_before = figures(t->db, p.mail_case);
  case_figures phone_before = figures(t->db, p.phone_case);
  char *reports_before = all_reports(t->db);
  assert_crm_ok(crm_customer_erase(t->db, p.customer, "request"));
  char *reports_after = all_reports(t->db);
  assert_string_equal(reports_before, reports_after); /* counts, SLA compliance, CSAT */
  g_free(reports_before);
  g_free(reports_after);
  case_figures mail_after = figures(t->db, p.mail_case);
  case_figures phone_after = figures(t->db, p.phone_case);
  assert_memory_equal(&mail_before, &mail_after, sizeof mail_before);
  assert_memory_equal(&phone_before, &phone_after, sizeof phone_before);
  assert_int_equal(phone_after.csat, 2);

  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, p.phone_case));
  assert_string_equal(crm_case_subject(c), "(erased)");
  assert_string_equal(crm_case_csat_comment(c), "(erased)");
  assert_int_equal(crm_case_customer(c), p.customer);
  crm_case_free(c);

  crm_customer *cu = NULL;
  assert_crm_ok(crm_customer_lookup(&cu, t->db, p.customer));
  assert_int_equal(crm_customer_status(cu), CRM_CUSTOMER_ERASED);
  assert_string_equal(crm_customer_name(cu), "(erased)");
  assert_null(crm_customer_organization(cu));
  assert_null(crm_customer_attribute(cu, "member"));
  crm_customer_free(cu);
  int allowed = 1;
  assert_crm_ok(
      crm_customer_may_contact(&allowed, t->db, p.customer, CRM_CHANNEL_EMAIL, "service"));
  assert_int_equal(allowed, 0);
  crm_id found = 0;
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, EMAIL), CRM_ENOTFOUND,
                   EMAIL);
  /* the timeline keeps its shape: channels, directions, outcomes, times */
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = p.customer;
  crm_timeline_iterator *it = NULL;
  assert_crm_ok(crm_timeline_iterator_new(&it, t->db, &q));
  crm_interaction *ix = NULL;
  int n = 0;
  while (crm_timeline_next(&ix, it) == CRM_OK) {
    assert_string_equal(crm_interaction_subject(ix), "(erased)");
    if (crm_interaction_channel(ix) == CRM_CHANNEL_PHONE)
      assert_int_equal(crm_interaction_outcome(ix), CRM_OUTCOME_ANSWERED);
    crm_interaction_free(ix);
    n++;
  }
  crm_timeline_iterator_free(it);
  assert_int_equal(n, 2);
}

static void test_event_has_no_personal_data(void **state)
{
  crm_test_db *t = *state;
  person p = make_person(t);
  assert_crm_ok(crm_customer_erase(t->db, p.customer, "GDPR request 2026-17"));
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  crm_event *ev = NULL, *last = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    for (const char *const *s = person_strings; *s; s++)
      if (strstr(crm_event_payload(ev), *s))
        fail_msg("event %s still names '%s': %s", crm_event_kind(ev), *s, crm_event_payload(ev));
    crm_event_free(last);
    last = ev;
  }
  crm_event_iterator_free(it);
  JsonNode *n = json_from_string(crm_event_payload(last), NULL);
  JsonObject *o = json_node_get_object(n);
  assert_int_equal(json_object_get_int_member(o, "customer"), p.customer);
  assert_string_equal(json_object_get_string_member(o, "reason"), "GDPR request 2026-17");
  JsonObject *counts = json_object_get_object_member(o, "erased");
  assert_int_equal(json_object_get_int_member(counts, "merged_customers"), 1);
  assert_int_equal(json_object_get_int_member(counts, "cases"), 2);
  assert_int_equal(json_object_get_int_member(counts, "interactions"), 2);
  json_node_unref(n);
  crm_event_free(last);
}

static void test_erase_again_only_compacts(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "x@y.it");
  assert_crm_ok(crm_customer_erase(t->db, id, "request"));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_ok(crm_customer_erase(t->db, id, "request"));
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  /* an erased customer takes no new preferences or changes */
  assert_crm_error(crm_customer_set_preference(t->db, id, CRM_CHANNEL_SMS, "service", 1),
                   CRM_EINVALID, "erased");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.display_name = "Back";
  assert_crm_error(crm_customer_update(t->db, id, &spec, 0), CRM_EINVALID, "erased");
  /* its identity is free for someone new */
  crm_id again = crm_test_customer(t->db, "x@y.it");
  assert_true(again != id);
}

static void test_erase_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_customer_erase(NULL, a, "r"), CRM_EINVALID, "db");
  assert_crm_error(crm_customer_erase(t->db, 0, "r"), CRM_EINVALID, "customer id 0");
  assert_crm_error(crm_customer_erase(t->db, a, NULL), CRM_EINVALID, "reason");
  assert_crm_error(crm_customer_erase(t->db, a, ""), CRM_EINVALID, "reason");
  assert_crm_error(crm_customer_erase(t->db, a, "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_customer_erase(t->db, 999, "r"), CRM_ENOTFOUND, "customer 999");
  assert_crm_error(crm_customer_erase(t->db, b, "r"), CRM_EINVALID, "merged into customer");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_crm_error(crm_db_compact(NULL), CRM_EINVALID, "db");
}

static void test_erase_in_transaction(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_customer_erase(t->db, a, "request"));
  assert_crm_error(crm_db_compact(t->db), CRM_EINVALID, "transaction");
  assert_crm_ok(crm_rollback(t->db));
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, a));
  assert_int_equal(crm_customer_status(c), CRM_CUSTOMER_ACTIVE);
  crm_customer_free(c);
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_customer_erase(t->db, a, "request"));
  assert_crm_ok(crm_commit(t->db));
  assert_crm_ok(crm_db_compact(t->db));
  assert_crm_ok(crm_customer_lookup(&c, t->db, a));
  assert_int_equal(crm_customer_status(c), CRM_CUSTOMER_ERASED);
  crm_customer_free(c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_reports_unchanged, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_event_has_no_personal_data, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_erase_again_only_compacts, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_erase_errors, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_erase_in_transaction, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
