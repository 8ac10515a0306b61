/*
 * Interactions: recording on every channel, filing into cases (threading,
 * pending -> open, reopen, follow-up), idempotency, moves, attributes and
 * participants, and every error path.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define HOUR ((crm_time)3600)
#define DAY  (24 * HOUR)

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static crm_interaction_spec make_spec(crm_id customer, crm_channel_t channel,
                                      crm_direction_t direction)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.channel = channel;
  s.direction = direction;
  return s;
}

static crm_id record(crm_test_db *t, const crm_interaction_spec *s)
{
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, s));
  assert_true(id > 0);
  return id;
}

static crm_interaction *lookup(crm_test_db *t, crm_id id)
{
  crm_interaction *ix = NULL;
  assert_crm_ok(crm_interaction_lookup(&ix, t->db, id));
  assert_non_null(ix);
  return ix;
}

static crm_case *case_lookup(crm_test_db *t, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  return c;
}

static int64_t case_inbound(crm_test_db *t, crm_id id)
{
  crm_case *c = case_lookup(t, id);
  int64_t n = crm_case_inbound_count(c);
  crm_case_free(c);
  return n;
}

static crm_id open_case(crm_test_db *t, crm_id customer, const char *subject)
{
  crm_case_spec cs = CRM_CASE_SPEC_INIT;
  cs.customer = customer;
  cs.subject = subject;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &cs));
  return id;
}

/* The payload of the newest event of `kind` (NULL when there is none). */
static JsonObject *last_payload(crm_test_db *t, const char *kind)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  char *text = NULL;
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0) {
      g_free(text);
      text = g_strdup(crm_event_payload(ev));
    }
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  if (text == NULL)
    return NULL;
  JsonParser *parser = json_parser_new();
  assert_true(json_parser_load_from_data(parser, text, -1, NULL));
  JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
  g_object_unref(parser);
  g_free(text);
  return o;
}

static long count_kind(crm_test_db *t, const char *kind)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  long n = 0;
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    n += strcmp(crm_event_kind(ev), kind) == 0;
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return n;
}

static int is_synchronous(crm_channel_t ch)
{
  return ch == CRM_CHANNEL_PHONE || ch == CRM_CHANNEL_IVR || ch == CRM_CHANNEL_CHAT ||
         ch == CRM_CHANNEL_IN_PERSON;
}

/* A failing call must leave every table and the feed as they were. */
typedef struct {
  long rows, events;
} snapshot;

static snapshot take_snapshot(crm_test_db *t)
{
  snapshot s = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return s;
}

static void assert_unchanged(crm_test_db *t, snapshot before)
{
  assert_int_equal(crm_test_count_all_rows(t), before.rows);
  assert_int_equal(crm_test_count_events(t->db), before.events);
}

/* Record `s`, expecting `code` with `needle`, out 0 and nothing written. */
static void assert_record_fails(crm_test_db *t, const crm_interaction_spec *s, crm_status code,
                                const char *needle)
{
  snapshot before = take_snapshot(t);
  crm_id id = 77;
  assert_crm_error(crm_interaction_record(&id, t->db, s), code, needle);
  assert_int_equal(id, 0);
  assert_unchanged(t, before);
}

/* ------------------------------------------------------------------ */
/* recording                                                            */

static void test_spec_init(void **state)
{
  (void)state;
  crm_interaction_spec s;
  memset(&s, 0xab, sizeof s);
  assert_crm_ok(crm_interaction_spec_init(&s, CRM_INTERACTION_SPEC_VERSION));
  assert_int_equal(s.version, CRM_INTERACTION_SPEC_VERSION);
  assert_int_equal(s.customer, 0);
  assert_int_equal(s.case_id, 0);
  assert_null(s.subject);
  assert_null(s.external_ref);
  assert_crm_error(crm_interaction_spec_init(NULL, 1), CRM_EINVALID, "spec");
  assert_crm_error(crm_interaction_spec_init(&s, 0), CRM_EINVALID, "version 0");
  assert_crm_error(crm_interaction_spec_init(&s, CRM_INTERACTION_SPEC_VERSION + 1), CRM_EINVALID,
                   "version");
}

/* Every legal (channel, direction, outcome) is recorded and read back. */
static void test_every_channel_direction_outcome(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "all@example.com");
  int recorded = 0;
  for (int ch = 1; ch <= CRM_CHANNEL_MAX; ch++) {
    for (int dir = CRM_DIRECTION_INBOUND; dir <= CRM_DIRECTION_INTERNAL; dir++) {
      if (ch == CRM_CHANNEL_NOTE && dir != CRM_DIRECTION_INTERNAL)
        continue;
      int max_outcome = is_synchronous((crm_channel_t)ch) ? CRM_OUTCOME_MISSED : CRM_OUTCOME_NONE;
      for (int oc = CRM_OUTCOME_NONE; oc <= max_outcome; oc++) {
        crm_interaction_spec s = make_spec(customer, (crm_channel_t)ch, (crm_direction_t)dir);
        s.outcome = (crm_outcome_t)oc;
        crm_id id = record(t, &s);
        crm_interaction *ix = lookup(t, id);
        assert_int_equal(crm_interaction_id(ix), id);
        assert_int_equal(crm_interaction_customer(ix), customer);
        assert_int_equal(crm_interaction_channel(ix), ch);
        assert_int_equal(crm_interaction_direction(ix), dir);
        assert_int_equal(crm_interaction_outcome(ix), oc);
        /* the invariant: inbound always ends in a case; the rest without
           a case or a thread stays out of cases */
        if (dir == CRM_DIRECTION_INBOUND)
          assert_true(crm_interaction_case(ix) > 0);
        else
          assert_int_equal(crm_interaction_case(ix), 0);
        crm_interaction_free(ix);
        recorded++;
      }
    }
  }
  /* 10 channels x 3 directions + note, plus 5 outcomes x 3 directions on
     each of the 4 synchronous channels */
  assert_int_equal(recorded, 10 * 3 + 1 + 4 * 3 * 5);
  assert_int_equal(count_kind(t, "interaction.recorded"), recorded);
}

static void test_getters_and_times(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "getters@example.com");
  crm_id agent = 0;
  assert_crm_ok(crm_agent_create(&agent, t->db, "Anna", "anna@helpdesk.example"));

  /* a letter posted three days before it is keyed in */
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_LETTER, CRM_DIRECTION_INBOUND);
  s.occurred_at = t->now - 3 * DAY;
  s.agent = agent;
  s.subject = "Order from the catalogue";
  s.body = "Please send me \xc3\xa8 book n. 42";
  s.external_ref = "postmark-0001";
  s.in_reply_to = "catalogue-2026-1";
  t->now += 5;
  crm_id id = record(t, &s);
  crm_interaction *ix = lookup(t, id);
  assert_int_equal(crm_interaction_occurred_at(ix), CRM_TEST_T0 - 3 * DAY);
  assert_int_equal(crm_interaction_recorded_at(ix), CRM_TEST_T0 + 5);
  assert_int_equal(crm_interaction_agent(ix), agent);
  assert_string_equal(crm_interaction_subject(ix), "Order from the catalogue");
  assert_string_equal(crm_interaction_body(ix), "Please send me \xc3\xa8 book n. 42");
  assert_string_equal(crm_interaction_external_ref(ix), "postmark-0001");
  assert_string_equal(crm_interaction_in_reply_to(ix), "catalogue-2026-1");
  assert_null(crm_interaction_attribute(ix, "ivr_depth"));
  assert_null(crm_interaction_attribute(ix, NULL));
  crm_interaction_free(ix);

  /* occurred_at 0 is now; text fields left NULL stay NULL */
  t->now += 60;
  crm_interaction_spec n = make_spec(customer, CRM_CHANNEL_SMS, CRM_DIRECTION_OUTBOUND);
  ix = lookup(t, record(t, &n));
  assert_int_equal(crm_interaction_occurred_at(ix), CRM_TEST_T0 + 65);
  assert_int_equal(crm_interaction_recorded_at(ix), CRM_TEST_T0 + 65);
  assert_int_equal(crm_interaction_agent(ix), 0);
  assert_int_equal(crm_interaction_case(ix), 0);
  assert_null(crm_interaction_subject(ix));
  assert_null(crm_interaction_body(ix));
  assert_null(crm_interaction_external_ref(ix));
  assert_null(crm_interaction_in_reply_to(ix));
  crm_interaction_free(ix);

  /* getters and free on NULL */
  assert_int_equal(crm_interaction_id(NULL), 0);
  assert_int_equal(crm_interaction_case(NULL), 0);
  assert_int_equal(crm_interaction_customer(NULL), 0);
  assert_int_equal(crm_interaction_agent(NULL), 0);
  assert_int_equal(crm_interaction_channel(NULL), 0);
  assert_int_equal(crm_interaction_direction(NULL), 0);
  assert_int_equal(crm_interaction_outcome(NULL), CRM_OUTCOME_NONE);
  assert_int_equal(crm_interaction_occurred_at(NULL), 0);
  assert_int_equal(crm_interaction_recorded_at(NULL), 0);
  assert_null(crm_interaction_subject(NULL));
  assert_null(crm_interaction_body(NULL));
  assert_null(crm_interaction_external_ref(NULL));
  assert_null(crm_interaction_in_reply_to(NULL));
  assert_null(crm_interaction_attribute(NULL, "k"));
  crm_interaction_free(NULL);
}

static void test_recorded_event(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "event@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND);
  s.outcome = CRM_OUTCOME_BUSY;
  s.occurred_at = t->now - 100;
  s.external_ref = "call-1";
  crm_id id = record(t, &s);
  crm_id case_id = crm_test_case_of(t->db, id);

  JsonObject *o = last_payload(t, "interaction.recorded");
  assert_non_null(o);
  assert_int_equal(json_object_get_int_member(o, "interaction"), id);
  assert_int_equal(json_object_get_int_member(o, "customer"), customer);
  assert_int_equal(json_object_get_int_member(o, "case"), case_id);
  assert_string_equal(json_object_get_string_member(o, "channel"), "phone");
  assert_string_equal(json_object_get_string_member(o, "direction"), "inbound");
  assert_string_equal(json_object_get_string_member(o, "outcome"), "busy");
  assert_int_equal(json_object_get_int_member(o, "occurred_at"), CRM_TEST_T0 - 100);
  assert_string_equal(json_object_get_string_member(o, "external_ref"), "call-1");
  json_object_unref(o);
  assert_string_equal(crm_test_last_event_kind(t->db), "interaction.recorded");

  /* no outcome, no case, no reference: nulls */
  crm_interaction_spec n = make_spec(customer, CRM_CHANNEL_NOTE, CRM_DIRECTION_INTERNAL);
  record(t, &n);
  o = last_payload(t, "interaction.recorded");
  assert_true(json_object_get_null_member(o, "outcome"));
  assert_true(json_object_get_null_member(o, "case"));
  assert_true(json_object_get_null_member(o, "external_ref"));
  assert_string_equal(json_object_get_string_member(o, "channel"), "note");
  assert_string_equal(json_object_get_string_member(o, "direction"), "internal");
  json_object_unref(o);
}

static void test_external_ref_idempotent(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "idem@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.subject = "Where is my order?";
  s.external_ref = "<m1@example.com>";
  crm_id first = record(t, &s);

  /* the same message again, even with other content: the first id, nothing written */
  snapshot before = take_snapshot(t);
  s.body = "a different body";
  crm_id again = 0;
  assert_crm_error(crm_interaction_record(&again, t->db, &s), CRM_EEXISTS, "<m1@example.com>");
  assert_int_equal(again, first);
  assert_unchanged(t, before);

  /* an explicit case does not change that */
  crm_id other_case = open_case(t, customer, "other");
  before = take_snapshot(t);
  s.case_id = other_case;
  again = 0;
  assert_crm_error(crm_interaction_record(&again, t->db, &s), CRM_EEXISTS, "already recorded");
  assert_int_equal(again, first);
  assert_unchanged(t, before);
  assert_int_equal(crm_test_case_version(t->db, other_case), 1);

  /* unique per channel: the same reference on another channel is new */
  crm_interaction_spec p = make_spec(customer, CRM_CHANNEL_SMS, CRM_DIRECTION_INBOUND);
  p.external_ref = "<m1@example.com>";
  crm_id sms = record(t, &p);
  assert_true(sms != first);
}

/* ------------------------------------------------------------------ */
/* filing                                                               */

static void test_inbound_opens_case(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "filing@example.com");
  long created_before = count_kind(t, "case.created");

  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.subject = "Line drops every night";
  crm_id id = record(t, &s);
  crm_id case_id = crm_test_case_of(t->db, id);
  assert_true(case_id > 0);
  crm_case *c = case_lookup(t, case_id);
  assert_int_equal(crm_case_customer(c), customer);
  assert_string_equal(crm_case_subject(c), "Line drops every night");
  assert_int_equal(crm_case_inbound_count(c), 1);
  crm_case_free(c);
  assert_int_equal(count_kind(t, "case.created"), created_before + 1);

  /* without a subject: "<channel> contact"; a second contact opens another case */
  crm_interaction_spec p = make_spec(customer, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND);
  p.outcome = CRM_OUTCOME_ANSWERED;
  crm_id call_case = crm_test_case_of(t->db, record(t, &p));
  assert_true(call_case > 0 && call_case != case_id);
  c = case_lookup(t, call_case);
  assert_string_equal(crm_case_subject(c), "phone contact");
  crm_case_free(c);

  crm_interaction_spec f = make_spec(customer, CRM_CHANNEL_IN_PERSON, CRM_DIRECTION_INBOUND);
  f.subject = "";
  c = case_lookup(t, crm_test_case_of(t->db, record(t, &f)));
  assert_string_equal(crm_case_subject(c), "in_person contact");
  crm_case_free(c);
}

static void test_in_reply_to_threading(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "thread@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.subject = "Third catalogue";
  s.external_ref = "<a@customer>";
  crm_id first = record(t, &s);
  crm_id case_id = crm_test_case_of(t->db, first);

  /* the agent's reply threads to it, and so does the customer's answer */
  crm_interaction_spec r = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND);
  r.external_ref = "<b@helpdesk>";
  r.in_reply_to = "<a@customer>";
  int64_t v = crm_test_case_version(t->db, case_id);
  crm_id reply = record(t, &r);
  assert_int_equal(crm_test_case_of(t->db, reply), case_id);
  assert_int_equal(crm_test_case_version(t->db, case_id), v + 1);
  assert_int_equal(case_inbound(t, case_id), 1);

  crm_interaction_spec a = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  a.in_reply_to = "<b@helpdesk>";
  a.subject = "Re: Third catalogue";
  assert_int_equal(crm_test_case_of(t->db, record(t, &a)), case_id);
  assert_int_equal(case_inbound(t, case_id), 2);

  /* across channels: a fax answering the e-mail joins its case */
  crm_interaction_spec f = make_spec(customer, CRM_CHANNEL_FAX, CRM_DIRECTION_INBOUND);
  f.in_reply_to = "<b@helpdesk>";
  assert_int_equal(crm_test_case_of(t->db, record(t, &f)), case_id);
  assert_int_equal(case_inbound(t, case_id), 3);

  /* an unknown reference opens a new case */
  crm_interaction_spec u = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  u.in_reply_to = "<never-seen@x>";
  crm_id other = crm_test_case_of(t->db, record(t, &u));
  assert_true(other > 0 && other != case_id);

  /* outbound without a thread: no case; an internal note threads too */
  crm_interaction_spec o = make_spec(customer, CRM_CHANNEL_LETTER, CRM_DIRECTION_OUTBOUND);
  assert_int_equal(crm_test_case_of(t->db, record(t, &o)), 0);
  crm_interaction_spec n = make_spec(customer, CRM_CHANNEL_NOTE, CRM_DIRECTION_INTERNAL);
  n.in_reply_to = "<a@customer>";
  assert_int_equal(crm_test_case_of(t->db, record(t, &n)), case_id);
  assert_int_equal(case_inbound(t, case_id), 3);

  /* an explicit case wins over in_reply_to */
  crm_interaction_spec e = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  e.case_id = other;
  e.in_reply_to = "<a@customer>";
  assert_int_equal(crm_test_case_of(t->db, record(t, &e)), other);
}

/* A reply to a reference whose same-channel interaction has no case: any channel. */
static void test_in_reply_to_without_case(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "nocase@example.com");
  crm_interaction_spec e = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  e.external_ref = "ref-1";
  crm_id email_case = crm_test_case_of(t->db, record(t, &e));
  crm_interaction_spec o = make_spec(customer, CRM_CHANNEL_SMS, CRM_DIRECTION_OUTBOUND);
  o.external_ref = "ref-1"; /* the same reference on SMS: an outbound campaign, no case */
  assert_int_equal(crm_test_case_of(t->db, record(t, &o)), 0);

  crm_interaction_spec r = make_spec(customer, CRM_CHANNEL_SMS, CRM_DIRECTION_INBOUND);
  r.in_reply_to = "ref-1";
  assert_int_equal(crm_test_case_of(t->db, record(t, &r)), email_case);
  assert_int_equal(case_inbound(t, email_case), 2);
}

static void test_pending_customer_opens(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "pending@example.com");
  crm_id case_id = open_case(t, customer, "Cancel my contract");
  assert_crm_ok(crm_case_set_status(t->db, case_id, CRM_CASE_PENDING_CUSTOMER, 0));
  int64_t v = crm_test_case_version(t->db, case_id);

  /* an outbound reply does not change the status */
  crm_interaction_spec o = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND);
  o.case_id = case_id;
  record(t, &o);
  assert_int_equal(crm_test_case_status(t->db, case_id), CRM_CASE_PENDING_CUSTOMER);
  assert_int_equal(crm_test_case_version(t->db, case_id), v + 1);

  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_CHAT, CRM_DIRECTION_INBOUND);
  s.case_id = case_id;
  s.outcome = CRM_OUTCOME_ANSWERED;
  crm_id id = record(t, &s);
  assert_int_equal(crm_test_case_of(t->db, id), case_id);
  assert_int_equal(crm_test_case_status(t->db, case_id), CRM_CASE_OPEN);
  assert_int_equal(case_inbound(t, case_id), 1);
  JsonObject *p = last_payload(t, "case.status");
  assert_string_equal(json_object_get_string_member(p, "from"), "pending_customer");
  assert_string_equal(json_object_get_string_member(p, "to"), "open");
  json_object_unref(p);
}

/* A case resolved at the current t->now, with a one-hour reopen window. */
static crm_id resolved_case(crm_test_db *t, crm_id customer, const char *subject)
{
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "3600"));
  crm_id case_id = open_case(t, customer, subject);
  assert_crm_ok(crm_case_set_status(t->db, case_id, CRM_CASE_OPEN, 0));
  assert_crm_ok(crm_case_set_status(t->db, case_id, CRM_CASE_RESOLVED, 0));
  return case_id;
}

static crm_id inbound_into(crm_test_db *t, crm_id customer, crm_id case_id)
{
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.case_id = case_id;
  s.subject = "It happened again";
  return record(t, &s);
}

/* The follow-up case `from` points to with follow_up_of, 0 if none. */
static crm_id follow_up_target(crm_test_db *t, crm_id from)
{
  crm_link_iterator *it = NULL;
  assert_crm_ok(crm_link_iterator_new(&it, t->db, from));
  crm_link *l = NULL;
  crm_id to = 0;
  while (crm_link_next(&l, it) == CRM_OK) {
    if (crm_link_from(l) == from && crm_link_kind(l) == CRM_LINK_FOLLOW_UP_OF)
      to = crm_link_to(l);
    crm_link_free(l);
  }
  crm_link_iterator_free(it);
  return to;
}

static void test_reopen_within_window(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "reopen@example.com");
  crm_id case_id = resolved_case(t, customer, "Invoice not expected");
  t->now += 3599;
  crm_id id = inbound_into(t, customer, case_id);
  assert_int_equal(crm_test_case_of(t->db, id), case_id);
  crm_case *c = case_lookup(t, case_id);
  assert_int_equal(crm_case_status(c), CRM_CASE_OPEN);
  assert_int_equal(crm_case_reopen_count(c), 1);
  assert_int_equal(crm_case_inbound_count(c), 1);
  crm_case_free(c);
}

static void test_follow_up_after_window(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "followup@example.com");
  crm_id case_id = resolved_case(t, customer, "Invoice not expected");
  t->now += 3601;
  crm_id id = inbound_into(t, customer, case_id);
  crm_id landed = crm_test_case_of(t->db, id);
  assert_true(landed > 0 && landed != case_id);
  assert_int_equal(follow_up_target(t, landed), case_id);
  assert_int_equal(crm_test_case_status(t->db, case_id), CRM_CASE_RESOLVED);
  assert_int_equal(case_inbound(t, case_id), 0);
  crm_case *c = case_lookup(t, landed);
  assert_int_equal(crm_case_customer(c), customer);
  assert_int_equal(crm_case_inbound_count(c), 1);
  crm_case_free(c);

  /* the window counts from when the contact happened, not when it was keyed in */
  crm_id late = resolved_case(t, customer, "Keyed in late");
  t->now += 10 * DAY;
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_LETTER, CRM_DIRECTION_INBOUND);
  s.case_id = late;
  s.occurred_at = t->now - 10 * DAY + 60; /* posted a minute after the resolution */
  assert_int_equal(crm_test_case_of(t->db, record(t, &s)), late);
  assert_int_equal(crm_test_case_status(t->db, late), CRM_CASE_OPEN);
}

static void test_closed_case_follow_up(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "closed@example.com");
  crm_id case_id = resolved_case(t, customer, "Contract cancelled");
  assert_crm_ok(crm_case_set_status(t->db, case_id, CRM_CASE_CLOSED, 0));
  t->now += 60; /* well within the window: closed is closed */
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.case_id = case_id;
  s.external_ref = "<again@customer>";
  s.subject = "A catalogue came anyway";
  crm_id landed = crm_test_case_of(t->db, record(t, &s));
  assert_true(landed != case_id);
  assert_int_equal(follow_up_target(t, landed), case_id);
  assert_int_equal(crm_test_case_status(t->db, case_id), CRM_CASE_CLOSED);

  /* threading to a message of the closed case: a follow-up too */
  crm_id closed2 = resolved_case(t, customer, "Second");
  crm_interaction_spec m = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND);
  m.case_id = closed2;
  m.external_ref = "<confirm@helpdesk>";
  record(t, &m);
  assert_crm_ok(crm_case_set_status(t->db, closed2, CRM_CASE_CLOSED, 0));
  crm_interaction_spec r = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  r.in_reply_to = "<confirm@helpdesk>";
  crm_id landed2 = crm_test_case_of(t->db, record(t, &r));
  assert_true(landed2 != closed2 && landed2 > 0);
  assert_int_equal(follow_up_target(t, landed2), closed2);
  /* a contact without a subject: the follow-up keeps the old case's */
  crm_case *c = case_lookup(t, landed2);
  assert_string_equal(crm_case_subject(c), "Second");
  assert_int_equal(crm_case_customer(c), customer);
  crm_case_free(c);
  /* with one: the follow-up is named after the contact */
  c = case_lookup(t, landed);
  assert_string_equal(crm_case_subject(c), "A catalogue came anyway");
  crm_case_free(c);
}

/* Busy and abandoned calls are contacts too. */
static void test_inbound_count_any_outcome(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "calls@example.com");
  crm_id case_id = open_case(t, customer, "Six calls");
  const crm_outcome_t outcomes[] = {CRM_OUTCOME_BUSY,      CRM_OUTCOME_BUSY,
                                    CRM_OUTCOME_BUSY,      CRM_OUTCOME_ABANDONED,
                                    CRM_OUTCOME_VOICEMAIL, CRM_OUTCOME_ANSWERED};
  for (size_t i = 0; i < G_N_ELEMENTS(outcomes); i++) {
    crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND);
    s.case_id = case_id;
    s.outcome = outcomes[i];
    record(t, &s);
  }
  crm_interaction_spec ivr = make_spec(customer, CRM_CHANNEL_IVR, CRM_DIRECTION_INBOUND);
  ivr.case_id = case_id;
  ivr.outcome = CRM_OUTCOME_MISSED;
  record(t, &ivr);
  crm_interaction_spec out = make_spec(customer, CRM_CHANNEL_PHONE, CRM_DIRECTION_OUTBOUND);
  out.case_id = case_id;
  out.outcome = CRM_OUTCOME_ANSWERED;
  record(t, &out);
  crm_case *c = case_lookup(t, case_id);
  assert_int_equal(crm_case_inbound_count(c), 7);
  assert_int_equal(crm_case_version(c), 1 + 8);
  crm_case_free(c);
}

/* ------------------------------------------------------------------ */
/* moving                                                               */

static void test_move(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "move@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.subject = "billing question";
  crm_id id = record(t, &s);
  crm_id from = crm_test_case_of(t->db, id);
  crm_id to = open_case(t, customer, "Billing");
  assert_crm_ok(crm_case_set_status(t->db, to, CRM_CASE_PENDING_CUSTOMER, 0));
  int64_t v_from = crm_test_case_version(t->db, from), v_to = crm_test_case_version(t->db, to);
  assert_int_equal(case_inbound(t, from), 1);

  assert_crm_ok(crm_interaction_move(t->db, id, to));
  assert_int_equal(crm_test_case_of(t->db, id), to);
  assert_int_equal(case_inbound(t, from), 0);
  assert_int_equal(case_inbound(t, to), 1);
  assert_int_equal(crm_test_case_version(t->db, from), v_from + 1);
  assert_int_equal(crm_test_case_version(t->db, to), v_to + 1);
  /* a move is a correction, not a contact: no status change */
  assert_int_equal(crm_test_case_status(t->db, to), CRM_CASE_PENDING_CUSTOMER);
  JsonObject *o = last_payload(t, "interaction.moved");
  assert_non_null(o);
  assert_int_equal(json_object_get_int_member(o, "interaction"), id);
  assert_int_equal(json_object_get_int_member(o, "from_case"), from);
  assert_int_equal(json_object_get_int_member(o, "to_case"), to);
  json_object_unref(o);
  assert_int_equal(count_kind(t, "interaction.moved"), 1);

  /* to the case it is in: a no-op */
  snapshot before = take_snapshot(t);
  assert_crm_ok(crm_interaction_move(t->db, id, to));
  assert_unchanged(t, before);
  assert_int_equal(crm_test_case_version(t->db, to), v_to + 1);

  /* an outbound reply without a case moves into one without counting */
  crm_interaction_spec r = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND);
  crm_id reply = record(t, &r);
  assert_crm_ok(crm_interaction_move(t->db, reply, from));
  assert_int_equal(crm_test_case_of(t->db, reply), from);
  assert_int_equal(case_inbound(t, from), 0);
  assert_int_equal(crm_test_case_version(t->db, from), v_from + 2);
  o = last_payload(t, "interaction.moved");
  assert_true(json_object_get_null_member(o, "from_case"));
  json_object_unref(o);
}

static void test_move_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "moveerr@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  crm_id id = record(t, &s);
  crm_id case_id = crm_test_case_of(t->db, id);
  snapshot before = take_snapshot(t);
  assert_crm_error(crm_interaction_move(NULL, id, case_id), CRM_EINVALID, "db");
  assert_crm_error(crm_interaction_move(t->db, 0, case_id), CRM_EINVALID, "interaction");
  assert_crm_error(crm_interaction_move(t->db, id, 0), CRM_EINVALID, "case");
  assert_crm_error(crm_interaction_move(t->db, id, -4), CRM_EINVALID, "-4");
  assert_crm_error(crm_interaction_move(t->db, 9999, case_id), CRM_ENOTFOUND, "9999");
  assert_crm_error(crm_interaction_move(t->db, id, 8888), CRM_ENOTFOUND, "8888");
  assert_unchanged(t, before);
  assert_int_equal(crm_test_case_of(t->db, id), case_id);
}

/* ------------------------------------------------------------------ */
/* attributes                                                           */

static void test_attributes(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "ivr@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_IVR, CRM_DIRECTION_INBOUND);
  s.outcome = CRM_OUTCOME_ABANDONED;
  crm_id id = record(t, &s);
  assert_crm_ok(crm_interaction_set_attribute(t->db, id, "ivr_depth", "3"));
  assert_crm_ok(crm_interaction_set_attribute(t->db, id, "duration", "95"));
  crm_interaction *ix = lookup(t, id);
  assert_string_equal(crm_interaction_attribute(ix, "ivr_depth"), "3");
  assert_string_equal(crm_interaction_attribute(ix, "duration"), "95");
  assert_null(crm_interaction_attribute(ix, "menu"));
  crm_interaction_free(ix);
  JsonObject *o = last_payload(t, "interaction.attribute");
  assert_int_equal(json_object_get_int_member(o, "interaction"), id);
  assert_string_equal(json_object_get_string_member(o, "key"), "duration");
  assert_string_equal(json_object_get_string_member(o, "value"), "95");
  json_object_unref(o);

  /* replace, then remove */
  assert_crm_ok(crm_interaction_set_attribute(t->db, id, "ivr_depth", "4"));
  assert_crm_ok(crm_interaction_set_attribute(t->db, id, "duration", NULL));
  ix = lookup(t, id);
  assert_string_equal(crm_interaction_attribute(ix, "ivr_depth"), "4");
  assert_null(crm_interaction_attribute(ix, "duration"));
  crm_interaction_free(ix);
  o = last_payload(t, "interaction.attribute");
  assert_true(json_object_get_null_member(o, "value"));
  json_object_unref(o);
  assert_int_equal(count_kind(t, "interaction.attribute"), 4);

  snapshot before = take_snapshot(t);
  assert_crm_error(crm_interaction_set_attribute(NULL, id, "k", "v"), CRM_EINVALID, "db");
  assert_crm_error(crm_interaction_set_attribute(t->db, 0, "k", "v"), CRM_EINVALID, "interaction");
  assert_crm_error(crm_interaction_set_attribute(t->db, id, NULL, "v"), CRM_EINVALID, "key");
  assert_crm_error(crm_interaction_set_attribute(t->db, id, "", "v"), CRM_EINVALID, "key");
  assert_crm_error(crm_interaction_set_attribute(t->db, id, "\xff\xfe", "v"), CRM_EINVALID,
                   "UTF-8");
  assert_crm_error(crm_interaction_set_attribute(t->db, id, "k", "\xff\xfe"), CRM_EINVALID,
                   "value");
  assert_crm_error(crm_interaction_set_attribute(t->db, 4242, "k", "v"), CRM_ENOTFOUND, "4242");
  assert_unchanged(t, before);
}

/* ------------------------------------------------------------------ */
/* participants                                                         */

static void test_participants(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "caps@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.subject = "I WANT TO CANCEL";
  crm_id id = record(t, &s);
  assert_crm_ok(crm_interaction_add_participant(t->db, id, CRM_IDENTITY_EMAIL,
                                                "Support@BookClub.example", "to"));
  assert_crm_ok(crm_interaction_add_participant(t->db, id, CRM_IDENTITY_EMAIL,
                                                "Boss@BookClub.example", "cc"));
  assert_crm_ok(
      crm_interaction_add_participant(t->db, id, CRM_IDENTITY_EMAIL, "press@news.example", "cc"));
  JsonObject *o = last_payload(t, "interaction.participant");
  assert_int_equal(json_object_get_int_member(o, "interaction"), id);
  assert_string_equal(json_object_get_string_member(o, "kind"), "email");
  assert_string_equal(json_object_get_string_member(o, "value"), "press@news.example");
  assert_string_equal(json_object_get_string_member(o, "role"), "cc");
  json_object_unref(o);

  /* the same participant and role again: a no-op, nothing written */
  snapshot before = take_snapshot(t);
  assert_crm_ok(crm_interaction_add_participant(t->db, id, CRM_IDENTITY_EMAIL,
                                                "boss@bookclub.example", "cc"));
  assert_unchanged(t, before);
  /* another role is another participant */
  assert_crm_ok(crm_interaction_add_participant(t->db, id, CRM_IDENTITY_EMAIL,
                                                "boss@bookclub.example", "to"));

  const char *want[][2] = {{"support@bookclub.example", "to"},
                           {"boss@bookclub.example", "cc"},
                           {"press@news.example", "cc"},
                           {"boss@bookclub.example", "to"}};
  crm_participant_iterator *it = NULL;
  assert_crm_ok(crm_participant_iterator_new(&it, t->db, id));
  crm_participant *p = NULL;
  size_t n = 0;
  crm_status st;
  while ((st = crm_participant_next(&p, it)) == CRM_OK) {
    assert_true(n < G_N_ELEMENTS(want));
    assert_int_equal(crm_participant_kind(p), CRM_IDENTITY_EMAIL);
    assert_string_equal(crm_participant_value(p), want[n][0]);
    assert_string_equal(crm_participant_role(p), want[n][1]);
    crm_participant_free(p);
    n++;
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(p);
  assert_int_equal(n, G_N_ELEMENTS(want));
  assert_int_equal(crm_participant_next(&p, it), CRM_ITEROVER);
  crm_participant_iterator_free(it);

  /* an interaction without participants */
  crm_interaction_spec fax = make_spec(customer, CRM_CHANNEL_FAX, CRM_DIRECTION_INBOUND);
  crm_id other = record(t, &fax);
  assert_crm_ok(crm_participant_iterator_new(&it, t->db, other));
  assert_int_equal(crm_participant_next(&p, it), CRM_ITEROVER);
  crm_participant_iterator_free(it);

  assert_int_equal(crm_participant_kind(NULL), 0);
  assert_null(crm_participant_value(NULL));
  assert_null(crm_participant_role(NULL));
  crm_participant_free(NULL);
  crm_participant_iterator_free(NULL);
}

static void test_participant_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "perr@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  crm_id id = record(t, &s);
  snapshot before = take_snapshot(t);
  crm_db *db = t->db;
  assert_crm_error(
      crm_interaction_add_participant(NULL, id, CRM_IDENTITY_EMAIL, "a@b.example", "cc"),
      CRM_EINVALID, "db");
  assert_crm_error(crm_interaction_add_participant(db, 0, CRM_IDENTITY_EMAIL, "a@b.example", "cc"),
                   CRM_EINVALID, "interaction");
  assert_crm_error(crm_interaction_add_participant(db, id, 0, "a@b.example", "cc"), CRM_EINVALID,
                   "kind");
  assert_crm_error(
      crm_interaction_add_participant(db, id, CRM_IDENTITY_POSTAL + 1, "a@b.example", "cc"),
      CRM_EINVALID, "kind");
  assert_crm_error(crm_interaction_add_participant(db, id, CRM_IDENTITY_EMAIL, NULL, "cc"),
                   CRM_EINVALID, "value");
  assert_crm_error(crm_interaction_add_participant(db, id, CRM_IDENTITY_EMAIL, "\xff\xfe", "cc"),
                   CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_interaction_add_participant(db, id, CRM_IDENTITY_EMAIL, "bob@", "cc"),
                   CRM_EINVALID, "bob@");
  assert_crm_error(crm_interaction_add_participant(db, id, CRM_IDENTITY_EMAIL, "a@b.example", NULL),
                   CRM_EINVALID, "role");
  assert_crm_error(crm_interaction_add_participant(db, id, CRM_IDENTITY_EMAIL, "a@b.example", ""),
                   CRM_EINVALID, "role");
  assert_crm_error(
      crm_interaction_add_participant(db, id, CRM_IDENTITY_EMAIL, "a@b.example", "\xff\xfe"),
      CRM_EINVALID, "role");
  assert_crm_error(
      crm_interaction_add_participant(db, 5555, CRM_IDENTITY_EMAIL, "a@b.example", "cc"),
      CRM_ENOTFOUND, "5555");
  assert_unchanged(t, before);

  crm_participant_iterator *it = (crm_participant_iterator *)&before;
  assert_crm_error(crm_participant_iterator_new(NULL, db, id), CRM_EINVALID, "out");
  assert_crm_error(crm_participant_iterator_new(&it, NULL, id), CRM_EINVALID, "db");
  assert_null(it);
  it = (crm_participant_iterator *)&before;
  assert_crm_error(crm_participant_iterator_new(&it, db, 0), CRM_EINVALID, "interaction");
  assert_null(it);
  it = (crm_participant_iterator *)&before;
  assert_crm_error(crm_participant_iterator_new(&it, db, 5555), CRM_ENOTFOUND, "5555");
  assert_null(it);
  crm_participant *p = (crm_participant *)&before;
  assert_crm_error(crm_participant_next(&p, NULL), CRM_EINVALID, "iterator");
  assert_null(p);
  assert_crm_ok(crm_participant_iterator_new(&it, db, id));
  assert_crm_error(crm_participant_next(NULL, it), CRM_EINVALID, "out");
  crm_participant_iterator_free(it);
}

/* ------------------------------------------------------------------ */
/* errors                                                               */

static void test_record_argument_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "errors@example.com");
  crm_interaction_spec good = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  snapshot before = take_snapshot(t);

  assert_crm_error(crm_interaction_record(NULL, t->db, &good), CRM_EINVALID, "out");
  crm_id id = 5;
  assert_crm_error(crm_interaction_record(&id, NULL, &good), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  id = 5;
  assert_crm_error(crm_interaction_record(&id, t->db, NULL), CRM_EINVALID, "spec");
  assert_int_equal(id, 0);
  assert_unchanged(t, before);

  crm_interaction_spec s = good;
  s.version = 0;
  assert_record_fails(t, &s, CRM_EINVALID, "version 0");
  s.version = CRM_INTERACTION_SPEC_VERSION + 1;
  assert_record_fails(t, &s, CRM_EINVALID, "version");
  s = good;
  s.customer = 0;
  assert_record_fails(t, &s, CRM_EINVALID, "customer");
  s.customer = -3;
  assert_record_fails(t, &s, CRM_EINVALID, "-3");
  s = good;
  s.case_id = -1;
  assert_record_fails(t, &s, CRM_EINVALID, "case");
  s = good;
  s.agent = -2;
  assert_record_fails(t, &s, CRM_EINVALID, "agent");

  /* enums out of range */
  s = good;
  s.channel = 0;
  assert_record_fails(t, &s, CRM_EINVALID, "channel 0");
  s.channel = (crm_channel_t)(CRM_CHANNEL_MAX + 1);
  assert_record_fails(t, &s, CRM_EINVALID, "channel 12");
  s = good;
  s.direction = 0;
  assert_record_fails(t, &s, CRM_EINVALID, "direction 0");
  s.direction = (crm_direction_t)4;
  assert_record_fails(t, &s, CRM_EINVALID, "direction 4");
  s = make_spec(customer, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND);
  s.outcome = (crm_outcome_t)-1;
  assert_record_fails(t, &s, CRM_EINVALID, "outcome -1");
  s.outcome = (crm_outcome_t)(CRM_OUTCOME_MISSED + 1);
  assert_record_fails(t, &s, CRM_EINVALID, "outcome 6");

  /* an outcome on every asynchronous channel */
  const crm_channel_t async[] = {CRM_CHANNEL_EMAIL,  CRM_CHANNEL_SMS, CRM_CHANNEL_FAX,
                                 CRM_CHANNEL_LETTER, CRM_CHANNEL_WEB, CRM_CHANNEL_SOCIAL};
  for (size_t i = 0; i < G_N_ELEMENTS(async); i++) {
    s = make_spec(customer, async[i], CRM_DIRECTION_INBOUND);
    s.outcome = CRM_OUTCOME_ANSWERED;
    char *needle = g_strdup_printf("outcome answered is not allowed on channel %s",
                                   crm_channel_name(async[i]));
    assert_record_fails(t, &s, CRM_EINVALID, needle);
    g_free(needle);
  }
  s = make_spec(customer, CRM_CHANNEL_NOTE, CRM_DIRECTION_INTERNAL);
  s.outcome = CRM_OUTCOME_BUSY;
  assert_record_fails(t, &s, CRM_EINVALID, "outcome busy");

  /* a note that is not internal */
  s = make_spec(customer, CRM_CHANNEL_NOTE, CRM_DIRECTION_INBOUND);
  assert_record_fails(t, &s, CRM_EINVALID, "note");
  s.direction = CRM_DIRECTION_OUTBOUND;
  assert_record_fails(t, &s, CRM_EINVALID, "outbound");

  /* times */
  s = good;
  s.occurred_at = -1;
  assert_record_fails(t, &s, CRM_EINVALID, "occurred_at");
  s.occurred_at = (crm_time)300000000000LL;
  assert_record_fails(t, &s, CRM_EINVALID, "occurred_at");

  /* text */
  s = good;
  s.subject = "\xff\xfe";
  assert_record_fails(t, &s, CRM_EINVALID, "subject");
  s = good;
  s.body = "ok \xc3";
  assert_record_fails(t, &s, CRM_EINVALID, "body");
  s = good;
  s.external_ref = "\xff\xfe";
  assert_record_fails(t, &s, CRM_EINVALID, "external_ref");
  s.external_ref = "";
  assert_record_fails(t, &s, CRM_EINVALID, "external_ref");
  s = good;
  s.in_reply_to = "\xfe";
  assert_record_fails(t, &s, CRM_EINVALID, "in_reply_to");
}

static void test_record_existence_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "exist@example.com");
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.customer = 424242;
  assert_record_fails(t, &s, CRM_ENOTFOUND, "424242");
  s.customer = customer;
  s.case_id = 31337;
  assert_record_fails(t, &s, CRM_ENOTFOUND, "31337");
  s.case_id = 0;
  s.agent = 777;
  assert_record_fails(t, &s, CRM_ENOTFOUND, "777");
  /* existence comes before the duplicate check */
  s.agent = 0;
  s.external_ref = "<dup@x>";
  crm_id first = record(t, &s);
  s.case_id = 31337;
  assert_record_fails(t, &s, CRM_ENOTFOUND, "31337");
  s.case_id = 0;
  crm_id again = 0;
  assert_crm_error(crm_interaction_record(&again, t->db, &s), CRM_EEXISTS, "<dup@x>");
  assert_int_equal(again, first);
}

static void test_lookup_errors(void **state)
{
  crm_test_db *t = *state;
  crm_interaction *ix = (crm_interaction *)t;
  assert_crm_error(crm_interaction_lookup(NULL, t->db, 1), CRM_EINVALID, "out");
  assert_crm_error(crm_interaction_lookup(&ix, NULL, 1), CRM_EINVALID, "db");
  assert_null(ix);
  ix = (crm_interaction *)t;
  assert_crm_error(crm_interaction_lookup(&ix, t->db, 0), CRM_EINVALID, "interaction");
  assert_null(ix);
  ix = (crm_interaction *)t;
  assert_crm_error(crm_interaction_lookup(&ix, t->db, -1), CRM_EINVALID, "-1");
  assert_null(ix);
  ix = (crm_interaction *)t;
  assert_crm_error(crm_interaction_lookup(&ix, t->db, 123456), CRM_ENOTFOUND, "123456");
  assert_null(ix);
}

/* Inside crm_begin, a duplicate undoes only its own call. */
static void test_duplicate_inside_transaction(void **state)
{
  crm_test_db *t = *state;
  crm_id customer = crm_test_customer(t->db, "txn@example.com");
  assert_crm_ok(crm_begin(t->db));
  crm_interaction_spec s = make_spec(customer, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND);
  s.external_ref = "<txn@x>";
  crm_id id = record(t, &s);
  crm_id again = 0;
  assert_crm_error(crm_interaction_record(&again, t->db, &s), CRM_EEXISTS, "<txn@x>");
  assert_int_equal(again, id);
  assert_crm_ok(crm_commit(t->db));
  crm_interaction *ix = lookup(t, id);
  assert_string_equal(crm_interaction_external_ref(ix), "<txn@x>");
  crm_interaction_free(ix);
  assert_int_equal(count_kind(t, "interaction.recorded"), 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
      cmocka_unit_test(test_spec_init),
      T(test_every_channel_direction_outcome),
      T(test_getters_and_times),
      T(test_recorded_event),
      T(test_external_ref_idempotent),
      T(test_inbound_opens_case),
      T(test_in_reply_to_threading),
      T(test_in_reply_to_without_case),
      T(test_pending_customer_opens),
      T(test_reopen_within_window),
      T(test_follow_up_after_window),
      T(test_closed_case_follow_up),
      T(test_inbound_count_any_outcome),
      T(test_move),
      T(test_move_errors),
      T(test_attributes),
      T(test_participants),
      T(test_participant_errors),
      T(test_record_argument_errors),
      T(test_record_existence_errors),
      T(test_lookup_errors),
      T(test_duplicate_inside_transaction),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
