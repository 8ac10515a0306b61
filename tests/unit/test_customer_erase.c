/*
 * Erasure: crm_customer_erase anonymises every free text of a person,
 * keeps what reports count, and leaves none of the person's strings in
 * the SQLite file's bytes; crm_db_compact.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define NAME  "Mario Rossi"
#define EMAIL "mario.rossi@example.com"
#define PHONE "+390212345678"
#define ORG   "Rossi Libri Srl"
#define OTHER "m.rossi@altrove.example" /* a second record of him, merged */
/* Said on the phone: the search index stores it folded ("quaglierini"),
   a form no table holds, so finding those bytes means finding the index. */
#define NICKNAME "Quaglierìni"
#define FOLDED   "quaglierini"

/* What the person told us, on every channel: returns the customer. */
typedef struct {
  crm_id customer, mail_case, phone_case, other_customer, other_ix;
} person;

static const char mail_from_him[] = "From: " NAME " <" EMAIL ">\r\n"
                                    "To: support@helpdesk.example\r\n"
                                    "Cc: Anna Bianchi <anna@example.org>\r\n"
                                    "Subject: Order 12 by " NAME " never arrived\r\n"
                                    "Message-ID: <order12." EMAIL ">\r\n"
                                    "Date: Mon, 02 Mar 2026 08:00:00 +0000\r\n"
                                    "\r\n"
                                    "I am " NAME ", call me on " PHONE ".\r\n";

static const char mail_with_him_in_cc[] = "From: Anna Bianchi <anna@example.org>\r\n"
                                          "To: support@helpdesk.example\r\n"
                                          "Cc: " NAME " <" EMAIL ">\r\n"
                                          "Subject: Book club\r\n"
                                          "Message-ID: <anna.1@example.org>\r\n"
                                          "Date: Mon, 02 Mar 2026 08:30:00 +0000\r\n"
                                          "\r\n"
                                          "Mario and I want to cancel.\r\n";

static crm_mail_result ingest(crm_test_db *t, const char *raw)
{
  crm_mail_result r = {CRM_MAIL_RESULT_VERSION, 0, 0, 0, 0, 0, 0, 0, 0};
  assert_crm_ok(crm_mail_ingest(&r, t->db, raw, strlen(raw), NULL));
  return r;
}

static crm_id call(crm_db *db, crm_id customer, crm_id case_id)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = CRM_CHANNEL_PHONE;
  s.direction = CRM_DIRECTION_INBOUND;
  s.outcome = CRM_OUTCOME_ANSWERED;
  s.subject = "Call from " NAME;
  s.body = NAME " (" NICKNAME ") says the shop promised to cancel; phone " PHONE;
  s.external_ref = "call-" PHONE;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &s));
  return id;
}

static person make_person(crm_test_db *t)
{
  person p = {0};
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", "support@helpdesk.example"));
  crm_mail_result r = ingest(t, mail_from_him);
  p.customer = r.customer;
  p.mail_case = r.case_id;
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.display_name = NAME;
  spec.organization = ORG;
  spec.segment = "gold";
  assert_crm_ok(crm_customer_update(t->db, p.customer, &spec, 0));
  assert_crm_ok(crm_identity_add(t->db, p.customer, CRM_IDENTITY_PHONE, PHONE));
  assert_crm_ok(crm_customer_set_attribute(t->db, p.customer, "member", "Member " NAME));
  assert_crm_ok(crm_customer_set_preference_ext(t->db, p.customer, CRM_CHANNEL_LETTER, "marketing",
                                                0, "told " NAME " at the shop"));
  /* a second record of him, merged into the first */
  crm_id other = crm_test_customer(t->db, OTHER);
  assert_crm_ok(crm_customer_set_attribute(t->db, other, "member", NAME " (old card)"));
  assert_crm_ok(crm_customer_merge(t->db, p.customer, other));
  /* a phone call in a case of its own, with an attachment and a CSAT */
  crm_case_spec cs = CRM_CASE_SPEC_INIT;
  cs.customer = p.customer;
  cs.subject = "Cancel the contract of " NAME;
  assert_crm_ok(crm_case_open(&p.phone_case, t->db, &cs));
  crm_id ix = call(t->db, p.customer, p.phone_case);
  crm_id att = 0;
  const char letter[] = "Dear " NAME ", your contract is cancelled.";
  assert_crm_ok(crm_interaction_attach(&att, t->db, ix, NAME " letter.txt", "text/plain", letter,
                                       sizeof letter - 1));
  assert_crm_ok(crm_interaction_set_attribute(t->db, ix, "caller", PHONE));
  assert_crm_ok(crm_interaction_add_participant(t->db, ix, CRM_IDENTITY_PHONE, PHONE, "caller"));
  assert_crm_ok(crm_case_set_csat(t->db, p.phone_case, 2, NAME " was not happy"));
  assert_crm_ok(crm_case_set_status(t->db, p.phone_case, CRM_CASE_RESOLVED, 0));
  /* Anna's mail with him in Cc: her record names him */
  r = ingest(t, mail_with_him_in_cc);
  p.other_customer = r.customer;
  p.other_ix = r.interaction;
  return p;
}

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

static const char *const person_strings[] = {
    NAME, "Rossi", EMAIL, "mario.rossi", PHONE, "0212345678", ORG, OTHER, NICKNAME, FOLDED, NULL};

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

/* ------------------------------------------------------------------ */

static void test_no_byte_left(void **state)
{
  crm_test_db *t = *state;
  if (!g_file_test(t->path, G_FILE_TEST_IS_REGULAR))
    skip(); /* a byte scan needs the SQLite file (PostgreSQL: tests/postgres) */
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

static void test_reports_unchanged(void **state)
{
  crm_test_db *t = *state;
  person p = make_person(t);
  case_figures mail_before = figures(t->db, p.mail_case);
  case_figures phone_before = figures(t->db, p.phone_case);
  assert_crm_ok(crm_customer_erase(t->db, p.customer, "request"));
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
      cmocka_unit_test_setup_teardown(test_no_byte_left, crm_test_setup, crm_test_teardown),
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
