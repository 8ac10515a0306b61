/*
 * Unit tests: the case state machine, every (from, to) pair of
 * crm_case_set_status, the no-op rule, reopens and resolved_at.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define N_STATUS 6

/* The table of crm/case.h, written out independently of the library:
   legal[from][to]. */
static const int legal[N_STATUS + 1][N_STATUS + 1] = {
    [CRM_CASE_NEW] = {[CRM_CASE_OPEN] = 1,
                      [CRM_CASE_PENDING_CUSTOMER] = 1,
                      [CRM_CASE_PENDING_THIRD_PARTY] = 1,
                      [CRM_CASE_RESOLVED] = 1},
    [CRM_CASE_OPEN] = {[CRM_CASE_PENDING_CUSTOMER] = 1,
                       [CRM_CASE_PENDING_THIRD_PARTY] = 1,
                       [CRM_CASE_RESOLVED] = 1},
    [CRM_CASE_PENDING_CUSTOMER] =
        {[CRM_CASE_OPEN] = 1, [CRM_CASE_PENDING_THIRD_PARTY] = 1, [CRM_CASE_RESOLVED] = 1},
    [CRM_CASE_PENDING_THIRD_PARTY] =
        {[CRM_CASE_OPEN] = 1, [CRM_CASE_PENDING_CUSTOMER] = 1, [CRM_CASE_RESOLVED] = 1},
    [CRM_CASE_RESOLVED] = {[CRM_CASE_OPEN] = 1, [CRM_CASE_CLOSED] = 1},
    [CRM_CASE_CLOSED] = {0},
};

static const char *const names[] = {
    NULL, "new", "open", "pending_customer", "pending_third_party", "resolved", "closed"};

static crm_id open_case(crm_test_db *t, crm_id customer)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = "Router keeps rebooting";
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &spec));
  return id;
}

/* Drive a new case into `status` along legal moves. */
static void bring_to(crm_test_db *t, crm_id id, crm_case_status_t status)
{
  if (status == CRM_CASE_NEW)
    return;
  if (status == CRM_CASE_CLOSED) {
    assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
    assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_CLOSED, 0));
    return;
  }
  assert_crm_ok(crm_case_set_status(t->db, id, status, 0));
}

typedef struct {
  crm_case_status_t status;
  int64_t version, reopens;
  crm_time resolved_at, updated_at;
} snapshot;

static snapshot snap(crm_test_db *t, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  snapshot s = {crm_case_status(c), crm_case_version(c), crm_case_reopen_count(c),
                crm_case_resolved_at(c), crm_case_updated_at(c)};
  crm_case_free(c);
  return s;
}

/* The newest event's payload, parsed (caller unrefs the parser). */
static JsonObject *last_payload(crm_db *db, JsonParser **parser, char kind[64])
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL, *last = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    crm_event_free(last);
    last = ev;
  }
  crm_event_iterator_free(it);
  assert_non_null(last);
  g_strlcpy(kind, crm_event_kind(last), 64);
  *parser = json_parser_new();
  assert_true(json_parser_load_from_data(*parser, crm_event_payload(last), -1, NULL));
  crm_event_free(last);
  return json_node_get_object(json_parser_get_root(*parser));
}

static void check_legal_move(crm_test_db *t, crm_id id, int from, int to, snapshot before,
                             long events_before)
{
  snapshot after = snap(t, id);
  assert_int_equal(after.status, to);
  assert_int_equal(after.version, before.version + 1);
  assert_int_equal(after.updated_at, t->now);
  assert_int_equal(crm_test_count_events(t->db), events_before + 1);
  int reopen = from == CRM_CASE_RESOLVED && to == CRM_CASE_OPEN;
  assert_int_equal(after.reopens, before.reopens + reopen);
  if (to == CRM_CASE_RESOLVED)
    assert_int_equal(after.resolved_at, t->now);
  else if (reopen)
    assert_int_equal(after.resolved_at, 0);
  else
    assert_int_equal(after.resolved_at, before.resolved_at);

  JsonParser *parser = NULL;
  char kind[64];
  JsonObject *o = last_payload(t->db, &parser, kind);
  assert_string_equal(kind, "case.status");
  assert_int_equal(json_object_get_int_member(o, "case"), id);
  assert_string_equal(json_object_get_string_member(o, "from"), names[from]);
  assert_string_equal(json_object_get_string_member(o, "to"), names[to]);
  assert_int_equal(json_object_get_boolean_member(o, "reopen"), reopen);
  assert_false(json_object_get_boolean_member(o, "auto"));
  g_object_unref(parser);
}

static void every_pair_follows_the_table(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "ada@example.com");
  int legal_seen = 0, illegal_seen = 0, noop_seen = 0;
  for (int from = CRM_CASE_NEW; from <= CRM_CASE_CLOSED; from++) {
    for (int to = CRM_CASE_NEW; to <= CRM_CASE_CLOSED; to++) {
      crm_id id = open_case(t, customer);
      bring_to(t, id, (crm_case_status_t)from);
      t->now += 60; /* so updated_at / resolved_at show the move's time */
      snapshot before = snap(t, id);
      long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
      crm_status st = crm_case_set_status(t->db, id, (crm_case_status_t)to, 0);
      if (from == to) {
        assert_crm_ok(st);
        snapshot after = snap(t, id);
        assert_int_equal(after.version, before.version);
        assert_int_equal(after.updated_at, before.updated_at);
        assert_int_equal(crm_test_count_all_rows(t), rows);
        assert_int_equal(crm_test_count_events(t->db), events);
        noop_seen++;
      } else if (legal[from][to]) {
        assert_crm_ok(st);
        check_legal_move(t, id, from, to, before, events);
        legal_seen++;
      } else {
        char *msg =
            g_strdup_printf("status change %s -> %s is not allowed", names[from], names[to]);
        assert_crm_error(st, CRM_EINVALID, msg);
        g_free(msg);
        snapshot after = snap(t, id);
        assert_int_equal(after.status, from);
        assert_int_equal(after.version, before.version);
        assert_int_equal(crm_test_count_all_rows(t), rows);
        assert_int_equal(crm_test_count_events(t->db), events);
        illegal_seen++;
      }
    }
  }
  assert_int_equal(noop_seen, 6);
  assert_int_equal(legal_seen, 4 + 3 + 3 + 3 + 2);
  assert_int_equal(illegal_seen, 36 - 6 - 15);
}

static void the_documented_message(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, crm_test_customer(t->db, "bob@example.com"));
  bring_to(t, id, CRM_CASE_RESOLVED);
  assert_crm_error(crm_case_set_status(t->db, id, CRM_CASE_NEW, 0), CRM_EINVALID,
                   "status change resolved -> new is not allowed");
}

static void new_case_starts_new_at_version_1(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, crm_test_customer(t->db, "cy@example.com"));
  snapshot s = snap(t, id);
  assert_int_equal(s.status, CRM_CASE_NEW);
  assert_int_equal(s.version, 1);
  assert_int_equal(s.reopens, 0);
  assert_int_equal(s.resolved_at, 0);
}

static void reopen_counts_and_clears_resolved_at(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, crm_test_customer(t->db, "dee@example.com"));
  for (int round = 1; round <= 3; round++) {
    t->now += 3600;
    assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
    snapshot s = snap(t, id);
    assert_int_equal(s.resolved_at, t->now);
    t->now += 3600;
    assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_OPEN, 0));
    s = snap(t, id);
    assert_int_equal(s.reopens, round);
    assert_int_equal(s.resolved_at, 0);
  }
  /* open -> resolved -> closed keeps the resolution time */
  t->now += 10;
  crm_time resolved = t->now;
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
  t->now += 10;
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_CLOSED, 0));
  snapshot s = snap(t, id);
  assert_int_equal(s.status, CRM_CASE_CLOSED);
  assert_int_equal(s.resolved_at, resolved);
  assert_int_equal(s.reopens, 3);
}

static void pending_moves_between_each_other(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, crm_test_customer(t->db, "eve@example.com"));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_PENDING_CUSTOMER, 0));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_PENDING_THIRD_PARTY, 0));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_PENDING_CUSTOMER, 0));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_OPEN, 0));
  snapshot s = snap(t, id);
  assert_int_equal(s.status, CRM_CASE_OPEN);
  assert_int_equal(s.version, 5);
  assert_int_equal(s.reopens, 0);
}

static void expected_version_is_checked(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, crm_test_customer(t->db, "fay@example.com"));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_OPEN, 1));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  char *msg = g_strdup_printf("case %lld is at version 2, not 1", (long long)id);
  assert_crm_error(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 1), CRM_ECONFLICT, msg);
  g_free(msg);
  assert_crm_error(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 7), CRM_ECONFLICT, "not 7");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_int_equal(snap(t, id).status, CRM_CASE_OPEN);
  /* the stale version wins over the illegal move: version comes first */
  assert_crm_error(crm_case_set_status(t->db, id, CRM_CASE_NEW, 1), CRM_ECONFLICT, "version");
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 2));
  assert_int_equal(snap(t, id).version, 3);
}

static void bad_arguments(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, crm_test_customer(t->db, "gus@example.com"));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_case_set_status(NULL, id, CRM_CASE_OPEN, 0), CRM_EINVALID, "db");
  assert_crm_error(crm_case_set_status(t->db, 0, CRM_CASE_OPEN, 0), CRM_EINVALID, "case");
  assert_crm_error(crm_case_set_status(t->db, -4, CRM_CASE_OPEN, 0), CRM_EINVALID, "-4");
  assert_crm_error(crm_case_set_status(t->db, id, (crm_case_status_t)0, 0), CRM_EINVALID,
                   "status 0");
  assert_crm_error(crm_case_set_status(t->db, id, (crm_case_status_t)7, 0), CRM_EINVALID,
                   "status 7");
  assert_crm_error(crm_case_set_status(t->db, id, CRM_CASE_OPEN, -1), CRM_EINVALID,
                   "expected_version");
  assert_crm_error(crm_case_set_status(t->db, id + 1000, CRM_CASE_OPEN, 0), CRM_ENOTFOUND,
                   "does not exist");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_pair_follows_the_table, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(the_documented_message, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(new_case_starts_new_at_version_1, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(reopen_counts_and_clears_resolved_at, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(pending_moves_between_each_other, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(expected_version_is_checked, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(bad_arguments, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
