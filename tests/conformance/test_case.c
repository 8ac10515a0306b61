/*
 * Unit tests: opening cases, lookup and getters, priority, assignment and
 * transfers, tags, links, CSAT, versions, and how inbound interactions are
 * filed into cases (pending -> open, reopen, follow-up).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

typedef struct {
  long rows, events;
} counts;

static counts count_now(crm_test_db *t)
{
  counts c = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return c;
}

#define assert_nothing_written(t, before)                              \
  do {                                                                 \
    assert_int_equal(crm_test_count_all_rows(t), (before).rows);       \
    assert_int_equal(crm_test_count_events((t)->db), (before).events); \
  } while (0)

static crm_id open_case_full(crm_test_db *t, crm_id customer, const char *subject, crm_id queue,
                             crm_id agent)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = subject;
  spec.queue = queue;
  spec.assignee = agent;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &spec));
  assert_true(id > 0);
  return id;
}

static crm_id open_case(crm_test_db *t, const char *email)
{
  return open_case_full(t, crm_test_customer(t->db, email), "No dial tone", 0, 0);
}

static crm_case *lookup(crm_test_db *t, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  assert_non_null(c);
  return c;
}

static crm_id new_queue(crm_test_db *t, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_queue_create(&id, t->db, name));
  return id;
}

static crm_id new_agent(crm_test_db *t, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_agent_create(&id, t->db, name, NULL));
  return id;
}

/* The newest event, parsed: its kind into `kind`, its payload returned
   (valid until the parser is unreffed). */
static JsonObject *last_event(crm_db *db, JsonParser **parser, char kind[64])
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
  if (strncmp(kind, "case.", 5) == 0)
    assert_string_equal(crm_event_entity(last), "case");
  *parser = json_parser_new();
  assert_true(json_parser_load_from_data(*parser, crm_event_payload(last), -1, NULL));
  crm_event_free(last);
  return json_node_get_object(json_parser_get_root(*parser));
}

/* Events of one kind in the feed. */
static long count_kind(crm_db *db, const char *kind)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  long n = 0;
  while (crm_event_next(&ev, it) == CRM_OK) {
    n += strcmp(crm_event_kind(ev), kind) == 0;
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return n;
}

/* ------------------------------------------------------------------ */
/* opening and reading                                                  */

static void spec_init_sets_version(void **state)
{
  (void)state;
  crm_case_spec spec;
  memset(&spec, 0xab, sizeof spec);
  assert_crm_ok(crm_case_spec_init(&spec, CRM_CASE_SPEC_VERSION));
  assert_int_equal(spec.version, CRM_CASE_SPEC_VERSION);
  assert_int_equal(spec.customer, 0);
  assert_null(spec.subject);
  assert_int_equal(spec.queue, 0);
  assert_crm_error(crm_case_spec_init(NULL, CRM_CASE_SPEC_VERSION), CRM_EINVALID, "spec");
  assert_crm_error(crm_case_spec_init(&spec, 0), CRM_EINVALID, "version 0");
  assert_crm_error(crm_case_spec_init(&spec, 2), CRM_EINVALID, "version 2");
}

static void open_applies_defaults(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "ada@example.com");
  t->now += 5;
  crm_id id = open_case_full(t, customer, "Invoice wrong", 0, 0);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_id(c), id);
  assert_int_equal(crm_case_customer(c), customer);
  assert_string_equal(crm_case_subject(c), "Invoice wrong");
  assert_int_equal(crm_case_kind(c), CRM_CASE_REQUEST);
  assert_int_equal(crm_case_status(c), CRM_CASE_NEW);
  assert_int_equal(crm_case_priority(c), CRM_PRIORITY_NORMAL);
  assert_int_equal(crm_case_queue(c), 0);
  assert_int_equal(crm_case_assignee(c), 0);
  assert_int_equal(crm_case_created_at(c), t->now);
  assert_int_equal(crm_case_updated_at(c), t->now);
  assert_int_equal(crm_case_resolved_at(c), 0);
  assert_int_equal(crm_case_version(c), 1);
  assert_int_equal(crm_case_inbound_count(c), 0);
  assert_int_equal(crm_case_transfer_count(c), 0);
  assert_int_equal(crm_case_reopen_count(c), 0);
  assert_int_equal(crm_case_csat(c), 0);
  assert_null(crm_case_csat_comment(c));
  assert_int_equal(crm_case_tag_count(c), 0);
  assert_null(crm_case_tag_at(c, 0));
  assert_false(crm_case_has_tag(c, "x"));
  crm_case_free(c);

  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.created");
  assert_int_equal(json_object_get_int_member(o, "case"), id);
  assert_int_equal(json_object_get_int_member(o, "customer"), customer);
  assert_string_equal(json_object_get_string_member(o, "subject"), "Invoice wrong");
  assert_string_equal(json_object_get_string_member(o, "kind"), "request");
  assert_string_equal(json_object_get_string_member(o, "priority"), "normal");
  assert_true(json_object_get_null_member(o, "queue"));
  assert_true(json_object_get_null_member(o, "assignee"));
  assert_false(json_object_has_member(o, "follow_up_of"));
  g_object_unref(p);
}

static void open_with_everything(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "bo@example.com");
  crm_id queue = new_queue(t, "Billing"), agent = new_agent(t, "Ann");
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = "Outage in Milano — fibre";
  spec.kind = CRM_CASE_INCIDENT;
  spec.priority = CRM_PRIORITY_URGENT;
  spec.queue = queue;
  spec.assignee = agent;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &spec));
  crm_case *c = lookup(t, id);
  assert_string_equal(crm_case_subject(c), "Outage in Milano — fibre");
  assert_int_equal(crm_case_kind(c), CRM_CASE_INCIDENT);
  assert_int_equal(crm_case_priority(c), CRM_PRIORITY_URGENT);
  assert_int_equal(crm_case_queue(c), queue);
  assert_int_equal(crm_case_assignee(c), agent);
  assert_int_equal(crm_case_transfer_count(c), 0); /* the first assignment */
  crm_case_free(c);

  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.created");
  assert_string_equal(json_object_get_string_member(o, "kind"), "incident");
  assert_string_equal(json_object_get_string_member(o, "priority"), "urgent");
  assert_int_equal(json_object_get_int_member(o, "queue"), queue);
  assert_int_equal(json_object_get_int_member(o, "assignee"), agent);
  g_object_unref(p);
}

static void open_rejects_bad_input(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "cy@example.com");
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = "ok";
  counts before = count_now(t);
  crm_id id = 99;

  assert_crm_error(crm_case_open(NULL, t->db, &spec), CRM_EINVALID, "out");
  assert_crm_error(crm_case_open(&id, NULL, &spec), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  id = 99;
  assert_crm_error(crm_case_open(&id, t->db, NULL), CRM_EINVALID, "spec");
  assert_int_equal(id, 0);

  crm_case_spec bad = spec;
  bad.version = 0;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "version");
  bad = spec;
  bad.version = CRM_CASE_SPEC_VERSION + 1;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "version");
  bad = spec;
  bad.customer = 0;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "customer");
  bad.customer = -3;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "-3");
  bad = spec;
  bad.subject = NULL;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "subject");
  bad.subject = "";
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "subject");
  bad.subject = "\xff\xfe";
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "UTF-8");
  bad = spec;
  bad.kind = (crm_case_kind_t)4;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "kind 4");
  bad.kind = (crm_case_kind_t)-1;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "kind -1");
  bad = spec;
  bad.priority = (crm_priority_t)5;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "priority 5");
  bad = spec;
  bad.queue = -1;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "queue");
  bad = spec;
  bad.assignee = -1;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_EINVALID, "assignee");

  bad = spec;
  bad.customer = customer + 100;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_ENOTFOUND, NULL);
  bad = spec;
  bad.queue = 77;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_ENOTFOUND, "queue 77");
  bad = spec;
  bad.assignee = 78;
  assert_crm_error(crm_case_open(&id, t->db, &bad), CRM_ENOTFOUND, "agent 78");
  assert_int_equal(id, 0);
  assert_nothing_written(t, before);
}

static void lookup_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "dee@example.com");
  crm_case *c = (crm_case *)1;
  assert_crm_error(crm_case_lookup(NULL, t->db, id), CRM_EINVALID, "out");
  assert_crm_error(crm_case_lookup(&c, NULL, id), CRM_EINVALID, "db");
  assert_null(c);
  c = (crm_case *)1;
  assert_crm_error(crm_case_lookup(&c, t->db, 0), CRM_EINVALID, "case");
  assert_null(c);
  c = (crm_case *)1;
  assert_crm_error(crm_case_lookup(&c, t->db, id + 1), CRM_ENOTFOUND, "does not exist");
  assert_null(c);
}

static void getters_accept_null(void **state)
{
  (void)state;
  assert_int_equal(crm_case_id(NULL), 0);
  assert_int_equal(crm_case_customer(NULL), 0);
  assert_null(crm_case_subject(NULL));
  assert_int_equal(crm_case_kind(NULL), 0);
  assert_int_equal(crm_case_status(NULL), 0);
  assert_int_equal(crm_case_priority(NULL), 0);
  assert_int_equal(crm_case_version(NULL), 0);
  assert_int_equal(crm_case_tag_count(NULL), 0);
  assert_null(crm_case_tag_at(NULL, 0));
  assert_false(crm_case_has_tag(NULL, "x"));
  assert_null(crm_case_csat_comment(NULL));
  crm_case_free(NULL);
  assert_int_equal(crm_link_from(NULL), 0);
  assert_int_equal(crm_link_to(NULL), 0);
  assert_int_equal(crm_link_kind(NULL), 0);
  assert_int_equal(crm_link_created_at(NULL), 0);
  crm_link_free(NULL);
  crm_link_iterator_free(NULL);
}

/* ------------------------------------------------------------------ */
/* priority                                                             */

static void priority_changes(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "eve@example.com");
  t->now += 30;
  assert_crm_ok(crm_case_set_priority(t->db, id, CRM_PRIORITY_HIGH, 1));
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_priority(c), CRM_PRIORITY_HIGH);
  assert_int_equal(crm_case_version(c), 2);
  assert_int_equal(crm_case_updated_at(c), t->now);
  crm_case_free(c);
  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.priority");
  assert_int_equal(json_object_get_int_member(o, "case"), id);
  assert_string_equal(json_object_get_string_member(o, "from"), "normal");
  assert_string_equal(json_object_get_string_member(o, "to"), "high");
  g_object_unref(p);

  /* the same priority again: no event, no version */
  counts before = count_now(t);
  assert_crm_ok(crm_case_set_priority(t->db, id, CRM_PRIORITY_HIGH, 0));
  assert_nothing_written(t, before);
  assert_int_equal(crm_test_case_version(t->db, id), 2);
}

static void priority_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "fay@example.com");
  counts before = count_now(t);
  assert_crm_error(crm_case_set_priority(NULL, id, CRM_PRIORITY_LOW, 0), CRM_EINVALID, "db");
  assert_crm_error(crm_case_set_priority(t->db, 0, CRM_PRIORITY_LOW, 0), CRM_EINVALID, "case");
  assert_crm_error(crm_case_set_priority(t->db, id, (crm_priority_t)0, 0), CRM_EINVALID,
                   "priority 0");
  assert_crm_error(crm_case_set_priority(t->db, id, (crm_priority_t)5, 0), CRM_EINVALID,
                   "priority 5");
  assert_crm_error(crm_case_set_priority(t->db, id, CRM_PRIORITY_LOW, -2), CRM_EINVALID,
                   "expected_version");
  assert_crm_error(crm_case_set_priority(t->db, id + 5, CRM_PRIORITY_LOW, 0), CRM_ENOTFOUND,
                   "does not exist");
  assert_crm_error(crm_case_set_priority(t->db, id, CRM_PRIORITY_LOW, 2), CRM_ECONFLICT,
                   "is at version 1, not 2");
  assert_nothing_written(t, before);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_priority(c), CRM_PRIORITY_NORMAL);
  crm_case_free(c);
}

/* ------------------------------------------------------------------ */
/* assignment                                                           */

static void check_assigned_event(crm_test_db *t, crm_id id, crm_id fq, crm_id fa, crm_id q,
                                 crm_id a, int transfer)
{
  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.assigned");
  assert_int_equal(json_object_get_int_member(o, "case"), id);
  const struct {
    const char *name;
    crm_id want;
  } ids[] = {{"from_queue", fq}, {"from_agent", fa}, {"queue", q}, {"agent", a}};
  for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
    if (ids[i].want == 0)
      assert_true(json_object_get_null_member(o, ids[i].name));
    else
      assert_int_equal(json_object_get_int_member(o, ids[i].name), ids[i].want);
  }
  assert_int_equal(json_object_get_boolean_member(o, "transfer"), transfer);
  g_object_unref(p);
}

static void assign_counts_transfers(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "gus@example.com");
  crm_id q1 = new_queue(t, "Tier 1"), q2 = new_queue(t, "Tier 2");
  crm_id a1 = new_agent(t, "Ann"), a2 = new_agent(t, "Ben");

  /* first assignment from none: not a transfer */
  assert_crm_ok(crm_case_assign(t->db, id, q1, 0, 1));
  check_assigned_event(t, id, 0, 0, q1, 0, 0);
  /* adding an agent where there was none: not a transfer */
  assert_crm_ok(crm_case_assign(t->db, id, q1, a1, 2));
  check_assigned_event(t, id, q1, 0, q1, a1, 0);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_transfer_count(c), 0);
  assert_int_equal(crm_case_version(c), 3);
  crm_case_free(c);

  /* another agent: one transfer */
  assert_crm_ok(crm_case_assign(t->db, id, q1, a2, 3));
  check_assigned_event(t, id, q1, a1, q1, a2, 1);
  /* queue and agent both change in one call: still one transfer */
  assert_crm_ok(crm_case_assign(t->db, id, q2, a1, 0));
  check_assigned_event(t, id, q1, a2, q2, a1, 1);
  c = lookup(t, id);
  assert_int_equal(crm_case_transfer_count(c), 2);
  assert_int_equal(crm_case_queue(c), q2);
  assert_int_equal(crm_case_assignee(c), a1);
  assert_int_equal(crm_case_version(c), 5);
  crm_case_free(c);

  /* the same assignment again: a no-op */
  counts before = count_now(t);
  assert_crm_ok(crm_case_assign(t->db, id, q2, a1, 0));
  assert_nothing_written(t, before);

  /* unassigning the agent moves the case away from one: a transfer */
  assert_crm_ok(crm_case_assign(t->db, id, q2, 0, 0));
  check_assigned_event(t, id, q2, a1, q2, 0, 1);
  c = lookup(t, id);
  assert_int_equal(crm_case_transfer_count(c), 3);
  assert_int_equal(crm_case_assignee(c), 0);
  crm_case_free(c);
}

static void assign_at_open_then_change_is_a_transfer(void **state)
{
  crm_test_db *t = *state;
  crm_id q1 = new_queue(t, "Sales"), q2 = new_queue(t, "Retention");
  crm_id id = open_case_full(t, crm_test_customer(t->db, "hal@example.com"), "Cancel", q1, 0);
  assert_crm_ok(crm_case_assign(t->db, id, q2, 0, 0));
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_transfer_count(c), 1);
  crm_case_free(c);
}

static void assign_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "ivy@example.com");
  crm_id q = new_queue(t, "Q"), a = new_agent(t, "A");
  counts before = count_now(t);
  assert_crm_error(crm_case_assign(NULL, id, q, a, 0), CRM_EINVALID, "db");
  assert_crm_error(crm_case_assign(t->db, 0, q, a, 0), CRM_EINVALID, "case");
  assert_crm_error(crm_case_assign(t->db, id, -1, a, 0), CRM_EINVALID, "queue");
  assert_crm_error(crm_case_assign(t->db, id, q, -1, 0), CRM_EINVALID, "agent");
  assert_crm_error(crm_case_assign(t->db, id, q, a, -1), CRM_EINVALID, "expected_version");
  assert_crm_error(crm_case_assign(t->db, id + 9, q, a, 0), CRM_ENOTFOUND, "does not exist");
  assert_crm_error(crm_case_assign(t->db, id, q + 9, a, 0), CRM_ENOTFOUND, "queue");
  assert_crm_error(crm_case_assign(t->db, id, q, a + 9, 0), CRM_ENOTFOUND, "agent");
  assert_crm_error(crm_case_assign(t->db, id, q, a, 4), CRM_ECONFLICT, "not 4");
  assert_nothing_written(t, before);

  /* a closed case cannot be assigned */
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_CLOSED, 0));
  before = count_now(t);
  assert_crm_error(crm_case_assign(t->db, id, q, a, 0), CRM_EINVALID, "closed");
  assert_nothing_written(t, before);
}

/* ------------------------------------------------------------------ */
/* tags                                                                 */

static void tags_are_sorted_and_idempotent(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "jo@example.com");
  assert_crm_ok(crm_case_tag(t->db, id, "vip"));
  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.tagged");
  assert_int_equal(json_object_get_int_member(o, "case"), id);
  assert_string_equal(json_object_get_string_member(o, "tag"), "vip");
  g_object_unref(p);
  assert_crm_ok(crm_case_tag(t->db, id, "billing"));
  assert_crm_ok(crm_case_tag(t->db, id, "città"));
  assert_int_equal(crm_test_case_version(t->db, id), 4);

  counts before = count_now(t);
  assert_crm_ok(crm_case_tag(t->db, id, "vip"));
  assert_nothing_written(t, before);
  assert_int_equal(crm_test_case_version(t->db, id), 4);

  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_tag_count(c), 3);
  assert_string_equal(crm_case_tag_at(c, 0), "billing");
  assert_string_equal(crm_case_tag_at(c, 1), "città");
  assert_string_equal(crm_case_tag_at(c, 2), "vip");
  assert_null(crm_case_tag_at(c, 3));
  assert_true(crm_case_has_tag(c, "vip"));
  assert_false(crm_case_has_tag(c, "VIP"));
  crm_case_free(c);

  assert_crm_ok(crm_case_untag(t->db, id, "vip"));
  o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.untagged");
  assert_string_equal(json_object_get_string_member(o, "tag"), "vip");
  g_object_unref(p);
  c = lookup(t, id);
  assert_int_equal(crm_case_tag_count(c), 2);
  assert_false(crm_case_has_tag(c, "vip"));
  assert_int_equal(crm_case_version(c), 5);
  crm_case_free(c);
}

static void tag_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "kim@example.com");
  assert_crm_ok(crm_case_tag(t->db, id, "vip"));
  counts before = count_now(t);
  typedef crm_status (*tag_fn)(crm_db *, crm_id, const char *);
  tag_fn fns[] = {crm_case_tag, crm_case_untag};
  for (size_t i = 0; i < 2; i++) {
    assert_crm_error(fns[i](NULL, id, "x"), CRM_EINVALID, "db");
    assert_crm_error(fns[i](t->db, 0, "x"), CRM_EINVALID, "case");
    assert_crm_error(fns[i](t->db, id, NULL), CRM_EINVALID, "tag");
    assert_crm_error(fns[i](t->db, id, ""), CRM_EINVALID, "tag");
    assert_crm_error(fns[i](t->db, id, "\xff\xfe"), CRM_EINVALID, "UTF-8");
    assert_crm_error(fns[i](t->db, id, " vip"), CRM_EINVALID, "blanks");
    assert_crm_error(fns[i](t->db, id, "vip\t"), CRM_EINVALID, "blanks");
    assert_crm_error(fns[i](t->db, id + 3, "x"), CRM_ENOTFOUND, "does not exist");
  }
  assert_crm_error(crm_case_untag(t->db, id, "gold"), CRM_ENOTFOUND, "no tag 'gold'");
  assert_nothing_written(t, before);
}

/* ------------------------------------------------------------------ */
/* links                                                                */

typedef struct {
  crm_id from, to;
  crm_link_t kind;
} link_want;

static void check_links(crm_test_db *t, crm_id id, const link_want *want, size_t n)
{
  crm_link_iterator *it = NULL;
  assert_crm_ok(crm_link_iterator_new(&it, t->db, id));
  crm_link *l = NULL;
  size_t i = 0;
  crm_status st;
  while ((st = crm_link_next(&l, it)) == CRM_OK) {
    assert_true(i < n);
    assert_int_equal(crm_link_from(l), want[i].from);
    assert_int_equal(crm_link_to(l), want[i].to);
    assert_int_equal(crm_link_kind(l), want[i].kind);
    assert_true(crm_link_created_at(l) >= CRM_TEST_T0);
    crm_link_free(l);
    i++;
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(l);
  assert_int_equal(i, n);
  crm_link_iterator_free(it);
}

static void links_from_and_to(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "lu@example.com");
  crm_id a = open_case_full(t, customer, "A", 0, 0);
  crm_id b = open_case_full(t, customer, "B", 0, 0);
  crm_id c = open_case_full(t, customer, "C", 0, 0);
  t->now += 10;
  assert_crm_ok(crm_case_link(t->db, a, CRM_LINK_CAUSED_BY, b));
  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.linked");
  assert_int_equal(json_object_get_int_member(o, "case"), a);
  assert_string_equal(json_object_get_string_member(o, "kind"), "caused_by");
  assert_int_equal(json_object_get_int_member(o, "to"), b);
  g_object_unref(p);
  assert_crm_ok(crm_case_link(t->db, c, CRM_LINK_DUPLICATE_OF, a));
  assert_crm_ok(crm_case_link(t->db, a, CRM_LINK_RELATED, c));

  /* the from side's version goes up, the to side's does not */
  assert_int_equal(crm_test_case_version(t->db, a), 3);
  assert_int_equal(crm_test_case_version(t->db, b), 1);
  assert_int_equal(crm_test_case_version(t->db, c), 2);

  /* the same link again: a no-op; another kind between the same cases is not */
  counts before = count_now(t);
  assert_crm_ok(crm_case_link(t->db, a, CRM_LINK_CAUSED_BY, b));
  assert_nothing_written(t, before);

  link_want for_a[] = {
      {a, b, CRM_LINK_CAUSED_BY}, {c, a, CRM_LINK_DUPLICATE_OF}, {a, c, CRM_LINK_RELATED}};
  check_links(t, a, for_a, G_N_ELEMENTS(for_a));
  link_want for_b[] = {{a, b, CRM_LINK_CAUSED_BY}};
  check_links(t, b, for_b, 1);
  crm_id lonely = open_case_full(t, customer, "D", 0, 0);
  check_links(t, lonely, NULL, 0);
}

static void link_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "max@example.com");
  crm_id a = open_case_full(t, customer, "A", 0, 0);
  crm_id b = open_case_full(t, customer, "B", 0, 0);
  counts before = count_now(t);
  assert_crm_error(crm_case_link(NULL, a, CRM_LINK_RELATED, b), CRM_EINVALID, "db");
  assert_crm_error(crm_case_link(t->db, 0, CRM_LINK_RELATED, b), CRM_EINVALID, "from");
  assert_crm_error(crm_case_link(t->db, a, CRM_LINK_RELATED, -1), CRM_EINVALID, "to");
  assert_crm_error(crm_case_link(t->db, a, (crm_link_t)0, b), CRM_EINVALID, "kind 0");
  assert_crm_error(crm_case_link(t->db, a, (crm_link_t)5, b), CRM_EINVALID, "kind 5");
  assert_crm_error(crm_case_link(t->db, a, CRM_LINK_RELATED, a), CRM_EINVALID, "itself");
  assert_crm_error(crm_case_link(t->db, a + 50, CRM_LINK_RELATED, b), CRM_ENOTFOUND,
                   "does not exist");
  assert_crm_error(crm_case_link(t->db, a, CRM_LINK_RELATED, b + 50), CRM_ENOTFOUND,
                   "does not exist");
  assert_nothing_written(t, before);

  crm_link_iterator *it = (crm_link_iterator *)1;
  assert_crm_error(crm_link_iterator_new(NULL, t->db, a), CRM_EINVALID, "out");
  assert_crm_error(crm_link_iterator_new(&it, NULL, a), CRM_EINVALID, "db");
  assert_null(it);
  it = (crm_link_iterator *)1;
  assert_crm_error(crm_link_iterator_new(&it, t->db, 0), CRM_EINVALID, "case");
  assert_null(it);
  it = (crm_link_iterator *)1;
  assert_crm_error(crm_link_iterator_new(&it, t->db, b + 50), CRM_ENOTFOUND, "does not exist");
  assert_null(it);
  crm_link *l = (crm_link *)1;
  assert_crm_error(crm_link_next(&l, NULL), CRM_EINVALID, "iterator");
  assert_null(l);
  assert_crm_ok(crm_link_iterator_new(&it, t->db, a));
  assert_crm_error(crm_link_next(NULL, it), CRM_EINVALID, NULL);
  crm_link_iterator_free(it);
}

/* ------------------------------------------------------------------ */
/* CSAT                                                                 */

static void csat_is_recorded_and_replaced(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "ned@example.com");
  assert_crm_ok(crm_case_set_csat(t->db, id, 4, "Quick and kind"));
  JsonParser *p = NULL;
  char kind[64];
  JsonObject *o = last_event(t->db, &p, kind);
  assert_string_equal(kind, "case.csat");
  assert_int_equal(json_object_get_int_member(o, "case"), id);
  assert_int_equal(json_object_get_int_member(o, "score"), 4);
  assert_string_equal(json_object_get_string_member(o, "comment"), "Quick and kind");
  g_object_unref(p);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_csat(c), 4);
  assert_string_equal(crm_case_csat_comment(c), "Quick and kind");
  assert_int_equal(crm_case_version(c), 2);
  crm_case_free(c);

  /* any status, a later score replaces the earlier, NULL comment clears */
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_CLOSED, 0));
  assert_crm_ok(crm_case_set_csat(t->db, id, 1, NULL));
  o = last_event(t->db, &p, kind);
  assert_true(json_object_get_null_member(o, "comment"));
  g_object_unref(p);
  c = lookup(t, id);
  assert_int_equal(crm_case_csat(c), 1);
  assert_null(crm_case_csat_comment(c));
  assert_int_equal(crm_case_version(c), 5);
  crm_case_free(c);
  assert_crm_ok(crm_case_set_csat(t->db, id, 5, ""));
  c = lookup(t, id);
  assert_int_equal(crm_case_csat(c), 5);
  crm_case_free(c);
}

static void csat_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "ola@example.com");
  counts before = count_now(t);
  assert_crm_error(crm_case_set_csat(NULL, id, 3, NULL), CRM_EINVALID, "db");
  assert_crm_error(crm_case_set_csat(t->db, 0, 3, NULL), CRM_EINVALID, "case");
  assert_crm_error(crm_case_set_csat(t->db, id, 0, NULL), CRM_EINVALID, "score 0");
  assert_crm_error(crm_case_set_csat(t->db, id, 6, NULL), CRM_EINVALID, "score 6");
  assert_crm_error(crm_case_set_csat(t->db, id, 3, "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_case_set_csat(t->db, id + 1, 3, NULL), CRM_ENOTFOUND, "does not exist");
  assert_nothing_written(t, before);
}

/* ------------------------------------------------------------------ */
/* versions across handles                                              */

static void stale_version_from_another_handle(void **state)
{
  crm_test_db *t = *state;
  crm_id id = open_case(t, "pia@example.com");
  crm_db *other = crm_test_db_open_another(t);
  assert_crm_ok(crm_case_set_priority(other, id, CRM_PRIORITY_LOW, 1));
  counts before = count_now(t);
  assert_crm_error(crm_case_set_status(t->db, id, CRM_CASE_OPEN, 1), CRM_ECONFLICT,
                   "is at version 2, not 1");
  assert_crm_error(crm_case_assign(t->db, id, 0, 0, 1), CRM_ECONFLICT, "not 1");
  assert_nothing_written(t, before);
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_OPEN, 2));
  assert_int_equal(crm_test_case_version(t->db, id), 3);
  crm_close(other);
}

/* ------------------------------------------------------------------ */
/* filing interactions                                                  */

static crm_id record(crm_test_db *t, crm_id customer, crm_id case_id, crm_direction_t dir,
                     crm_time occurred_at, const char *subject)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = dir == CRM_DIRECTION_INTERNAL ? CRM_CHANNEL_NOTE : CRM_CHANNEL_EMAIL;
  s.direction = dir;
  s.occurred_at = occurred_at;
  s.subject = subject;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, &s));
  return id;
}

static void filing_counts_and_bumps_versions(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "quin@example.com");
  crm_id id = open_case_full(t, customer, "Slow line", 0, 0);
  record(t, customer, id, CRM_DIRECTION_INBOUND, 0, "hello");
  record(t, customer, id, CRM_DIRECTION_OUTBOUND, 0, "re: hello");
  record(t, customer, id, CRM_DIRECTION_INTERNAL, 0, NULL);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_inbound_count(c), 1);
  assert_int_equal(crm_case_version(c), 4);
  assert_int_equal(crm_case_status(c), CRM_CASE_NEW);
  crm_case_free(c);
}

static void inbound_on_pending_customer_opens(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "rex@example.com");
  crm_id id = open_case_full(t, customer, "Refund", 0, 0);
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_PENDING_CUSTOMER, 0));
  crm_id ix = record(t, customer, id, CRM_DIRECTION_INBOUND, 0, "here you go");
  assert_int_equal(crm_test_case_of(t->db, ix), id);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_status(c), CRM_CASE_OPEN);
  assert_int_equal(crm_case_inbound_count(c), 1);
  assert_int_equal(crm_case_reopen_count(c), 0);
  crm_case_free(c);
  assert_int_equal(count_kind(t->db, "case.status"), 2);

  /* outbound on pending_customer does not open it */
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_PENDING_CUSTOMER, 0));
  record(t, customer, id, CRM_DIRECTION_OUTBOUND, 0, "reminder");
  c = lookup(t, id);
  assert_int_equal(crm_case_status(c), CRM_CASE_PENDING_CUSTOMER);
  crm_case_free(c);
}

static void inbound_within_window_reopens(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "3600"));
  crm_id customer = crm_test_customer(t->db, "sam@example.com");
  crm_id id = open_case_full(t, customer, "Modem", 0, 0);
  assert_crm_ok(crm_case_set_status(t->db, id, CRM_CASE_RESOLVED, 0));
  crm_time resolved = t->now;
  t->now += 3600;
  crm_id ix = record(t, customer, id, CRM_DIRECTION_INBOUND, resolved + 3600, "still broken");
  assert_int_equal(crm_test_case_of(t->db, ix), id);
  crm_case *c = lookup(t, id);
  assert_int_equal(crm_case_status(c), CRM_CASE_OPEN);
  assert_int_equal(crm_case_reopen_count(c), 1);
  assert_int_equal(crm_case_resolved_at(c), 0);
  assert_int_equal(crm_case_inbound_count(c), 1);
  crm_case_free(c);
  assert_int_equal(count_kind(t->db, "case.created"), 1);
}

/* The follow_up_of field of the case's "case.created" event (0: absent). */
static crm_id created_follow_up_of(crm_db *db, crm_id case_id)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  crm_id found = 0;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), "case.created") == 0 && crm_event_entity_id(ev) == case_id) {
      JsonParser *p = json_parser_new();
      assert_true(json_parser_load_from_data(p, crm_event_payload(ev), -1, NULL));
      JsonObject *o = json_node_get_object(json_parser_get_root(p));
      if (json_object_has_member(o, "follow_up_of"))
        found = json_object_get_int_member(o, "follow_up_of");
      g_object_unref(p);
    }
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return found;
}

static void inbound_after_window_opens_a_follow_up(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "3600"));
  crm_id customer = crm_test_customer(t->db, "tia@example.com");
  crm_id q = new_queue(t, "Fibre");
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = "Fibre down";
  spec.kind = CRM_CASE_INCIDENT;
  spec.priority = CRM_PRIORITY_HIGH;
  spec.queue = q;
  crm_id old = 0;
  assert_crm_ok(crm_case_open(&old, t->db, &spec));
  assert_crm_ok(crm_case_set_status(t->db, old, CRM_CASE_RESOLVED, 0));
  int64_t old_version = crm_test_case_version(t->db, old);
  crm_time resolved = t->now;
  t->now += 3601;
  crm_id ix = record(t, customer, old, CRM_DIRECTION_INBOUND, resolved + 3601, "down again");
  crm_id fresh = crm_test_case_of(t->db, ix);
  assert_true(fresh != old);

  crm_case *c = lookup(t, fresh);
  assert_int_equal(crm_case_customer(c), customer);
  assert_int_equal(crm_case_queue(c), q);
  assert_int_equal(crm_case_kind(c), CRM_CASE_INCIDENT);
  assert_int_equal(crm_case_priority(c), CRM_PRIORITY_HIGH);
  assert_int_equal(crm_case_status(c), CRM_CASE_NEW);
  assert_int_equal(crm_case_inbound_count(c), 1);
  crm_case_free(c);
  c = lookup(t, old);
  assert_int_equal(crm_case_status(c), CRM_CASE_RESOLVED);
  assert_int_equal(crm_case_version(c), old_version);
  assert_int_equal(crm_case_inbound_count(c), 0);
  crm_case_free(c);

  link_want links[] = {{fresh, old, CRM_LINK_FOLLOW_UP_OF}};
  check_links(t, fresh, links, 1);
  assert_int_equal(count_kind(t->db, "case.linked"), 1);
  assert_int_equal(created_follow_up_of(t->db, fresh), old);
}

static void inbound_on_closed_opens_a_follow_up(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "uma@example.com");
  crm_id old = open_case_full(t, customer, "Bill", 0, 0);
  assert_crm_ok(crm_case_set_status(t->db, old, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_case_set_status(t->db, old, CRM_CASE_CLOSED, 0));
  crm_id ix = record(t, customer, old, CRM_DIRECTION_INBOUND, 0, "one more thing");
  crm_id fresh = crm_test_case_of(t->db, ix);
  assert_true(fresh != old);
  crm_case *c = lookup(t, fresh);
  assert_int_equal(crm_case_inbound_count(c), 1);
  crm_case_free(c);
  c = lookup(t, old);
  assert_int_equal(crm_case_status(c), CRM_CASE_CLOSED);
  crm_case_free(c);
  link_want links[] = {{fresh, old, CRM_LINK_FOLLOW_UP_OF}};
  check_links(t, old, links, 1);
}

static void moving_an_interaction_moves_its_count(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "vic@example.com");
  crm_id a = open_case_full(t, customer, "A", 0, 0);
  crm_id b = open_case_full(t, customer, "B", 0, 0);
  crm_id ix = record(t, customer, a, CRM_DIRECTION_INBOUND, 0, "wrong thread");
  crm_id note = record(t, customer, a, CRM_DIRECTION_INTERNAL, 0, NULL);
  assert_int_equal(crm_test_case_version(t->db, a), 3);
  assert_crm_ok(crm_interaction_move(t->db, ix, b));
  crm_case *c = lookup(t, a);
  assert_int_equal(crm_case_inbound_count(c), 0);
  assert_int_equal(crm_case_version(c), 4);
  crm_case_free(c);
  c = lookup(t, b);
  assert_int_equal(crm_case_inbound_count(c), 1);
  assert_int_equal(crm_case_version(c), 2);
  crm_case_free(c);
  /* a note moves no inbound count, but both versions change */
  assert_crm_ok(crm_interaction_move(t->db, note, b));
  c = lookup(t, a);
  assert_int_equal(crm_case_inbound_count(c), 0);
  assert_int_equal(crm_case_version(c), 5);
  crm_case_free(c);
  c = lookup(t, b);
  assert_int_equal(crm_case_inbound_count(c), 1);
  assert_int_equal(crm_case_version(c), 3);
  crm_case_free(c);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_init_sets_version),
      T(open_applies_defaults),
      T(open_with_everything),
      T(open_rejects_bad_input),
      T(lookup_errors),
      cmocka_unit_test(getters_accept_null),
      T(priority_changes),
      T(priority_errors),
      T(assign_counts_transfers),
      T(assign_at_open_then_change_is_a_transfer),
      T(assign_errors),
      T(tags_are_sorted_and_idempotent),
      T(tag_errors),
      T(links_from_and_to),
      T(link_errors),
      T(csat_is_recorded_and_replaced),
      T(csat_errors),
      T(stale_version_from_another_handle),
      T(filing_counts_and_bumps_versions),
      T(inbound_on_pending_customer_opens),
      T(inbound_within_window_reopens),
      T(inbound_after_window_opens_a_follow_up),
      T(inbound_on_closed_opens_a_follow_up),
      T(moving_an_interaction_moves_its_count),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
