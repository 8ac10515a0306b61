/*
 * Story S1, the flat-rate subscriber (../shared/stories/STORIES.md): two
 * calls and an e-mail about line drops at the start of November, the
 * answer in mid-December, a billing e-mail at Christmas never answered.
 * Each test is one "What libcrm must do" line, played through the public
 * C API with the injected clock, on every backend.
 *
 * The help desk's calendar: Europe/Rome, Monday to Friday 09:00-13:00 and
 * 14:00-18:00 (8 business hours a day), closed on 1 November, 8 December,
 * 25 and 26 December, 1 and 6 January. Its policy: first response within
 * 8 business hours, warning at 75% (6 business hours). November and
 * December 2026 are on CET (UTC+1) throughout: no DST change in the story.
 *
 * SPDX-License-Identifier: MIT
 */
#include "story.h"

#include <string.h>

#define FIRST_RESPONSE_TARGET (8 * STORY_HOUR)

typedef struct {
  crm_test_db *t;
  crm_id calendar, policy, tech, billing, luca, billing_office;
  crm_id customer, line_case, billing_case;
  crm_id call1, call2, mail, reply;
  crm_time mail_at, reply_at, christmas_mail_at;
  /* the line e-mail's first-response timer right after it arrived */
  crm_time started_at, due_at;
  int64_t target;
  crm_id timer_calendar;
  /* how many warnings/breaches each tick around the instants fired */
  size_t before_warning, at_warning, before_breach, at_breach, until_reply, after_christmas;
  crm_mail_result christmas;
} story;

/* 2026-11-04 10:00 + 6 business hours: 10-13 (3 h) and 14-17 (3 h). */
#define LINE_WARNING story_rome(2026, 11, 4, 17, 0)
/* + 8 business hours: Wednesday 10-13, 14-18 (7 h), Thursday 09-10 (1 h). */
#define LINE_DUE story_rome(2026, 11, 5, 10, 0)
/* Written on Christmas evening (a holiday), then Saturday 26 (a holiday)
   and Sunday: the clock starts on Monday 28 December at 09:00; 6 business
   hours are 09-13 and 14-16, 8 are 09-13 and 14-18. */
#define BILLING_WARNING story_rome(2026, 12, 28, 16, 0)
#define BILLING_DUE     story_rome(2026, 12, 28, 18, 0)

static crm_id phone_call(story *s, crm_time at, crm_id case_id, const char *subject)
{
  s->t->now = at;
  /* the caller id recognises him */
  crm_id who = 0;
  assert_crm_ok(crm_customer_find(&who, s->t->db, CRM_IDENTITY_PHONE, "+39 06 5555 0101"));
  assert_int_equal(who, s->customer);
  story_contact c = {.customer = who,
                     .case_id = case_id,
                     .agent = s->luca,
                     .channel = CRM_CHANNEL_PHONE,
                     .outcome = CRM_OUTCOME_ANSWERED,
                     .subject = subject};
  return story_record(s->t->db, &c);
}

/* The agent reads the FAQ, blames the telephone company and closes the call. */
static void faq_answer(story *s, crm_time at)
{
  s->t->now = at;
  story_contact note = {.customer = s->customer,
                        .case_id = s->line_case,
                        .agent = s->luca,
                        .channel = CRM_CHANNEL_NOTE,
                        .direction = CRM_DIRECTION_INTERNAL,
                        .subject = "FAQ 7 read: the telephone company's line"};
  story_record(s->t->db, &note);
  assert_crm_ok(crm_case_set_status(s->t->db, s->line_case, CRM_CASE_RESOLVED, 0));
}

static size_t tick_at(story *s, crm_time at)
{
  return story_tick(s->t, at, at, 1);
}

static int play(void **state)
{
  crm_test_setup(state);
  story *s = g_new0(story, 1);
  s->t = *state;
  crm_db *db = s->t->db;
  s->t->now = story_rome(2026, 10, 1, 9, 0);

  /* The ISP's help desk, set up before any customer calls. */
  const char *holidays[] = {"2026-11-01", "2026-12-08", "2026-12-25", "2026-12-26",
                            "2027-01-01", "2027-01-06", NULL};
  s->calendar = story_office_calendar(db, "ISP help desk", holidays);
  crm_sla_policy_spec p = CRM_SLA_POLICY_SPEC_INIT;
  p.name = "Standard";
  p.calendar = s->calendar;
  p.targets[CRM_SLA_FIRST_RESPONSE] = FIRST_RESPONSE_TARGET;
  p.warn_percent = 75;
  assert_crm_ok(crm_sla_policy_create(&s->policy, db, &p));
  assert_crm_ok(crm_queue_create(&s->tech, db, "Technical support"));
  assert_crm_ok(crm_queue_create(&s->billing, db, "Billing"));
  assert_crm_ok(crm_agent_create(&s->luca, db, "Luca, first line", "luca@isp.example"));
  assert_crm_ok(crm_agent_create(&s->billing_office, db, "Billing office", "billing@isp.example"));
  assert_crm_ok(crm_agent_join(db, s->luca, s->tech, CRM_ROLE_AGENT));
  assert_crm_ok(crm_agent_join(db, s->billing_office, s->billing, CRM_ROLE_AGENT));
  assert_crm_ok(crm_setting_set(db, "helpdesk_addresses", "billing@isp.example,help@isp.example"));

  /* The subscriber of a 24h flat rate: contract, phone line, e-mail. */
  int created = 0;
  assert_crm_ok(crm_customer_ensure(&s->customer, &created, db, CRM_IDENTITY_EXTERNAL, "ISP-778812",
                                    "Giorgio Bianchi"));
  assert_crm_ok(crm_identity_add(db, s->customer, CRM_IDENTITY_PHONE, "+39 06 5555 0101"));
  assert_crm_ok(
      crm_identity_add(db, s->customer, CRM_IDENTITY_EMAIL, "giorgio.bianchi@example.it"));

  /* Monday 2 November, 09:15: the first call opens the line case. */
  s->call1 = phone_call(s, story_rome(2026, 11, 2, 9, 15), 0, "Line drops, slow transfers");
  s->line_case = crm_test_case_of(db, s->call1);
  assert_crm_ok(crm_case_assign(db, s->line_case, s->tech, s->luca, 0));
  faq_answer(s, story_rome(2026, 11, 2, 9, 25));

  /* Tuesday 3 November, 11:00: the second call, about the same problem. */
  s->call2 = phone_call(s, story_rome(2026, 11, 3, 11, 0), s->line_case, "Line drops again");
  faq_answer(s, story_rome(2026, 11, 3, 11, 10));

  /* Wednesday 4 November, 10:00: he writes an e-mail, filed by the help
     desk into the case of the line problem. */
  s->mail_at = story_rome(2026, 11, 4, 10, 0);
  s->t->now = s->mail_at;
  crm_id sender = 0;
  assert_crm_ok(crm_customer_find(&sender, db, CRM_IDENTITY_EMAIL, "Giorgio.Bianchi@example.it"));
  story_contact mail = {.customer = sender,
                        .case_id = s->line_case,
                        .channel = CRM_CHANNEL_EMAIL,
                        .subject = "Line drops and failed connections: third report",
                        .external_ref = "<line-20261104@example.it>"};
  s->mail = story_record(db, &mail);
  crm_sla_timer *fr = story_timer(db, s->line_case, CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  s->started_at = crm_sla_timer_started_at(fr);
  s->due_at = crm_sla_timer_due_at(fr);
  s->target = crm_sla_timer_target(fr);
  s->timer_calendar = crm_sla_timer_calendar(fr);
  crm_sla_timer_free(fr);

  /* The application ticks; around the warning and the due instant. */
  s->before_warning = tick_at(s, LINE_WARNING - 1);
  s->at_warning = tick_at(s, LINE_WARNING);
  s->before_breach = tick_at(s, LINE_DUE - 1);
  s->at_breach = tick_at(s, LINE_DUE);
  /* ... then every six hours for six weeks: nothing fires twice */
  s->reply_at = story_rome(2026, 12, 15, 11, 0);
  s->until_reply = story_tick(s->t, LINE_DUE + 1, s->reply_at - 1, 6 * STORY_HOUR);

  /* Tuesday 15 December, 11:00: the answer. */
  s->t->now = s->reply_at;
  story_contact reply = {.customer = s->customer,
                         .case_id = s->line_case,
                         .agent = s->luca,
                         .channel = CRM_CHANNEL_EMAIL,
                         .direction = CRM_DIRECTION_OUTBOUND,
                         .subject = "Re: Line drops and failed connections",
                         .in_reply_to = "<line-20261104@example.it>"};
  s->reply = story_record(db, &reply);
  s->t->now += 5 * STORY_MINUTE;
  assert_crm_ok(crm_case_set_status(db, s->line_case, CRM_CASE_RESOLVED, 0));

  /* Christmas evening: an invoice he did not expect; his e-mail to the
     billing office comes through the mail gateway. */
  s->christmas_mail_at = story_rome(2026, 12, 25, 20, 30);
  s->t->now = s->christmas_mail_at + 2 * STORY_MINUTE;
  const char *raw = "From: Giorgio Bianchi <giorgio.bianchi@example.it>\r\n"
                    "To: billing@isp.example\r\n"
                    "Subject: Unexpected invoice of December\r\n"
                    "Date: Fri, 25 Dec 2026 20:30:00 +0100\r\n"
                    "Message-ID: <invoice-20261225@example.it>\r\n"
                    "\r\n"
                    "I have a flat rate. Why is this invoice 89 euro?\r\n";
  crm_mail_options mo = CRM_MAIL_OPTIONS_INIT;
  mo.queue = s->billing;
  s->christmas.version = CRM_MAIL_RESULT_VERSION;
  assert_crm_ok(crm_mail_ingest(&s->christmas, db, raw, strlen(raw), &mo));
  s->billing_case = s->christmas.case_id;
  /* nobody ever answers: ticks every six hours until mid-January */
  s->after_christmas = story_tick(s->t, s->t->now, story_rome(2027, 1, 15, 9, 0), 6 * STORY_HOUR);
  *state = s;
  return 0;
}

static int forget(void **state)
{
  story *s = *state;
  void *t = s->t;
  g_free(s);
  return crm_test_teardown(&t);
}

/* "the two calls and the e-mail land on one customer and one case (the
   line problem), the billing e-mail on a second case of the same
   customer: nothing is dropped" */
static void calls_and_email_on_one_case_billing_on_another(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  assert_int_equal(crm_test_case_of(db, s->call1), s->line_case);
  assert_int_equal(crm_test_case_of(db, s->call2), s->line_case);
  assert_int_equal(crm_test_case_of(db, s->mail), s->line_case);

  /* the line case's own timeline: the reply, the e-mail, two calls (and
     the agents' two FAQ notes), newest first, all of this customer */
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.case_id = s->line_case;
  crm_timeline_iterator *it = NULL;
  assert_crm_ok(crm_timeline_iterator_new(&it, db, &q));
  crm_interaction *ix = NULL;
  crm_id inbound[3];
  size_t n_in = 0, n = 0;
  while (crm_timeline_next(&ix, it) == CRM_OK) {
    assert_int_equal(crm_interaction_customer(ix), s->customer);
    if (n == 0)
      assert_int_equal(crm_interaction_id(ix), s->reply);
    if (crm_interaction_direction(ix) == CRM_DIRECTION_INBOUND) {
      assert_true(n_in < 3);
      inbound[n_in++] = crm_interaction_id(ix);
    }
    n++;
    crm_interaction_free(ix);
  }
  crm_timeline_iterator_free(it);
  assert_int_equal(n, 6);
  assert_int_equal(n_in, 3);
  assert_int_equal(inbound[0], s->mail);
  assert_int_equal(inbound[1], s->call2);
  assert_int_equal(inbound[2], s->call1);

  /* the billing e-mail: the same customer (not a new one), a second case
     in the billing queue */
  assert_int_equal(s->christmas.customer, s->customer);
  assert_false(s->christmas.created_customer);
  assert_true(s->christmas.created_case);
  assert_int_equal(s->christmas.rule, CRM_MAIL_NEW_CASE);
  assert_int_not_equal(s->billing_case, s->line_case);
  crm_case *b = story_case(db, s->billing_case);
  assert_int_equal(crm_case_customer(b), s->customer);
  assert_int_equal(crm_case_queue(b), s->billing);
  assert_int_equal(crm_case_inbound_count(b), 1);
  crm_case_free(b);
  crm_interaction *m = NULL;
  assert_crm_ok(crm_interaction_lookup(&m, db, s->christmas.interaction));
  assert_int_equal(crm_interaction_occurred_at(m), s->christmas_mail_at);
  assert_string_equal(crm_interaction_subject(m), "Unexpected invoice of December");
  crm_interaction_free(m);

  /* his cases: exactly these two */
  crm_case_query cq = CRM_CASE_QUERY_INIT;
  cq.customer = s->customer;
  crm_case_iterator *ci = NULL;
  assert_crm_ok(crm_case_iterator_new(&ci, db, &cq));
  crm_case *c = NULL;
  crm_id seen[2] = {0, 0};
  size_t cases = 0;
  while (crm_case_next(&c, ci) == CRM_OK) {
    if (cases < 2)
      seen[cases] = crm_case_id(c);
    cases++;
    crm_case_free(c);
  }
  crm_case_iterator_free(ci);
  assert_int_equal(cases, 2);
  assert_int_equal(seen[0], s->line_case);
  assert_int_equal(seen[1], s->billing_case);
}

/* "the e-mail starts a first-response SLA timer (business hours)" */
static void email_starts_a_business_hours_first_response_timer(void **state)
{
  story *s = *state;
  assert_int_equal(s->started_at, s->mail_at);
  assert_int_equal(s->target, FIRST_RESPONSE_TARGET);
  assert_int_equal(s->timer_calendar, s->calendar);
  /* business hours, not 8 wall-clock hours (that would be 18:00) */
  assert_int_equal(s->due_at, LINE_DUE);
  assert_int_not_equal(s->due_at, s->mail_at + FIRST_RESPONSE_TARGET);
}

/* "... a sla.warning and a sla.breached event were emitted at the right
   instants" */
static void warning_and_breach_at_the_right_instants(void **state)
{
  story *s = *state;
  /* a tick one second early fires nothing; at the instant, one each */
  assert_int_equal(s->before_warning, 0);
  assert_int_equal(s->at_warning, 1);
  assert_int_equal(s->before_breach, 0);
  assert_int_equal(s->at_breach, 1);
  assert_int_equal(s->until_reply, 0); /* six weeks of ticks: never again */

  GPtrArray *warnings = story_events(s->t->db, 0, "sla.warning");
  GPtrArray *breaches = story_events(s->t->db, 0, "sla.breached");
  /* the line e-mail's, then the billing e-mail's */
  assert_int_equal(warnings->len, 2);
  assert_int_equal(breaches->len, 2);
  const crm_time warn_at[] = {LINE_WARNING, BILLING_WARNING};
  const crm_time due_at[] = {LINE_DUE, BILLING_DUE};
  const crm_id cases[] = {s->line_case, s->billing_case};
  for (guint i = 0; i < 2; i++) {
    for (int kind = 0; kind < 2; kind++) {
      const crm_event *ev = g_ptr_array_index(kind ? breaches : warnings, i);
      assert_string_equal(crm_event_entity(ev), "case");
      assert_int_equal(crm_event_entity_id(ev), cases[i]);
      JsonObject *o = story_payload(ev);
      assert_string_equal(json_object_get_string_member(o, "metric"), "first_response");
      assert_int_equal(json_object_get_int_member(o, "case"), cases[i]);
      assert_int_equal(json_object_get_int_member(o, "at"), kind ? due_at[i] : warn_at[i]);
      assert_int_equal(json_object_get_int_member(o, "due_at"), due_at[i]);
      assert_int_equal(json_object_get_int_member(o, "target"), FIRST_RESPONSE_TARGET);
      assert_int_equal(json_object_get_int_member(o, "policy"), s->policy);
      json_object_unref(o);
    }
  }
  /* the line's were seen by the ticks at their instants */
  assert_int_equal(crm_event_time(g_ptr_array_index(warnings, 0)), LINE_WARNING);
  assert_int_equal(crm_event_time(g_ptr_array_index(breaches, 0)), LINE_DUE);
  g_ptr_array_unref(warnings);
  g_ptr_array_unref(breaches);
}

/* "by the time six weeks pass the timer has long been breached ... and the
   breach stays recorded after the late reply" */
static void breach_stays_recorded_after_the_late_reply(void **state)
{
  story *s = *state;
  const crm_sla_view_t views[] = {CRM_SLA_AS_REPORTED, CRM_SLA_RECOMPUTED};
  for (size_t v = 0; v < G_N_ELEMENTS(views); v++) {
    crm_sla_timer *fr = story_timer(s->t->db, s->line_case, CRM_SLA_FIRST_RESPONSE, views[v]);
    assert_false(crm_sla_timer_open(fr));
    assert_int_equal(crm_sla_timer_started_at(fr), s->mail_at);
    assert_int_equal(crm_sla_timer_due_at(fr), LINE_DUE);
    assert_int_equal(crm_sla_timer_warned_at(fr), LINE_WARNING);
    assert_int_equal(crm_sla_timer_breached_at(fr), LINE_DUE);
    assert_int_equal(crm_sla_timer_met_at(fr), s->reply_at);
    /* Wed 4 Nov 10-18 (7 h), Thu 5 and Fri 6 (16 h), five weeks from
       9 November less Tuesday 8 December (24 days, 192 h), Monday 14
       December (8 h), Tuesday 15 09-11 (2 h): 225 business hours, in
       41 days and 1 hour of calendar time */
    assert_int_equal(crm_sla_timer_business_elapsed(fr), 225 * STORY_HOUR);
    assert_int_equal(crm_sla_timer_calendar_elapsed(fr), 41 * STORY_DAY + STORY_HOUR);
    crm_sla_timer_free(fr);
  }
  /* the reply (and resolving) added no breach nor took one away */
  GPtrArray *breaches = story_events(s->t->db, 0, "sla.breached");
  assert_int_equal(breaches->len, 2);
  g_ptr_array_unref(breaches);
  /* ... nor did closing it: crm_tick closed it 28 days after resolution */
  crm_case *c = story_case(s->t->db, s->line_case);
  assert_int_equal(crm_case_status(c), CRM_CASE_CLOSED);
  crm_case_free(c);
}

/* "his e-mail to the billing office gets no answer at all": the timer
   stays breached and running, and the case is on the overdue list. */
static void unanswered_billing_email_stays_overdue(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  /* its warning and breach, and the line case's auto-close on 12 January */
  assert_int_equal(s->after_christmas, 3);
  crm_sla_timer *fr = story_timer(db, s->billing_case, CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  assert_true(crm_sla_timer_open(fr));
  assert_int_equal(crm_sla_timer_started_at(fr), s->christmas_mail_at);
  assert_int_equal(crm_sla_timer_warned_at(fr), BILLING_WARNING);
  assert_int_equal(crm_sla_timer_breached_at(fr), BILLING_DUE);
  assert_int_equal(crm_sla_timer_met_at(fr), 0);
  crm_sla_timer_free(fr);

  /* the supervisor's list of overdue cases: only the billing case */
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.due_before = s->t->now;
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, db, &q));
  crm_case *c = NULL;
  assert_crm_ok(crm_case_next(&c, it));
  assert_int_equal(crm_case_id(c), s->billing_case);
  crm_case_free(c);
  assert_int_equal(crm_case_next(&c, it), CRM_ITEROVER);
  crm_case_iterator_free(it);
}

/* "the repeat contact about the same problem is visible as a repeat
   (reopen count / contacts per case), so 'recurring problem' is a query,
   not a feeling" */
static void repeat_contact_is_a_query(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  /* the recurring problems: the cases reopened, with their contacts */
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.customer = s->customer;
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, db, &q));
  crm_case *c = NULL;
  size_t recurring = 0;
  while (crm_case_next(&c, it) == CRM_OK) {
    if (crm_case_reopen_count(c) > 0) {
      recurring++;
      assert_int_equal(crm_case_id(c), s->line_case);
      assert_int_equal(crm_case_reopen_count(c), 2);  /* the second call, the e-mail */
      assert_int_equal(crm_case_inbound_count(c), 3); /* two calls and the e-mail */
    } else {
      assert_int_equal(crm_case_inbound_count(c), 1);
    }
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  assert_int_equal(recurring, 1);

  /* each repeat is in the feed too: two reopens of the line case, both
     made by the customer's contacts */
  GPtrArray *st = story_events(db, 0, "case.status");
  int reopens = 0;
  for (guint i = 0; i < st->len; i++) {
    JsonObject *o = story_payload(g_ptr_array_index(st, i));
    if (json_object_get_boolean_member(o, "reopen")) {
      reopens++;
      assert_int_equal(json_object_get_int_member(o, "case"), s->line_case);
      assert_true(json_object_get_boolean_member(o, "auto"));
    }
    json_object_unref(o);
  }
  g_ptr_array_unref(st);
  assert_int_equal(reopens, 2);

  /* and the reopen rate is a report figure. By hand, over November and
     December: two cases (the line, the billing e-mail), one of them
     reopened (twice, counted once): 1 / 2. By queue: Technical support
     1 / 1, Billing 0 / 1. The first responses: the line case's, due on
     5 November at 10:00 and answered on 15 December, and the billing
     e-mail's, due on 28 December at 18:00 and never answered, are both
     breached, none met (the line case's two earlier cycles, stopped
     unanswered when the calls were closed, count in neither) */
  crm_time from = story_rome(2026, 11, 1, 0, 0), to = story_rome(2027, 1, 1, 0, 0);
  GPtrArray *rows = story_report(db, from, to, CRM_REPORT_BY_NONE);
  assert_int_equal(rows->len, 1);
  const crm_report_row *total = g_ptr_array_index(rows, 0);
  assert_int_equal(crm_report_row_cases(total), 2);
  assert_int_equal(crm_report_row_reopened(total), 1);
  assert_true(crm_report_row_reopen_rate(total) == 0.5);
  assert_int_equal(crm_report_row_sla_breached(total, CRM_SLA_FIRST_RESPONSE), 2);
  assert_int_equal(crm_report_row_sla_met(total, CRM_SLA_FIRST_RESPONSE), 0);
  assert_true(crm_report_row_sla_rate(total, CRM_SLA_FIRST_RESPONSE) == 0.0);
  g_ptr_array_unref(rows);

  rows = story_report(db, from, to, CRM_REPORT_BY_QUEUE);
  assert_int_equal(rows->len, 2);
  const crm_report_row *tech = story_report_row(rows, s->tech);
  assert_string_equal(crm_report_row_label(tech), "Technical support");
  assert_int_equal(crm_report_row_reopened(tech), 1);
  assert_true(crm_report_row_reopen_rate(tech) == 1.0);
  assert_int_equal(crm_report_row_sla_breached(tech, CRM_SLA_FIRST_RESPONSE), 1);
  const crm_report_row *billing = story_report_row(rows, s->billing);
  assert_int_equal(crm_report_row_reopened(billing), 0);
  assert_true(crm_report_row_reopen_rate(billing) == 0.0);
  assert_int_equal(crm_report_row_sla_breached(billing, CRM_SLA_FIRST_RESPONSE), 1);
  g_ptr_array_unref(rows);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, play, forget)
  const struct CMUnitTest tests[] = {
      T(calls_and_email_on_one_case_billing_on_another),
      T(email_starts_a_business_hours_first_response_timer),
      T(warning_and_breach_at_the_right_instants),
      T(breach_stays_recorded_after_the_late_reply),
      T(unanswered_billing_email_stays_overdue),
      T(repeat_contact_is_a_query),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
