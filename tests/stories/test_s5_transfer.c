/*
 * Story S5, the contact centre interview (../shared/stories/STORIES.md):
 * "not my competence, I'll transfer you". Each test is one "What libcrm
 * must do" line, played through the public C API with the injected clock,
 * on every backend.
 *
 * Monday 16 November 2026, 10:00 Europe/Rome (CET). The contact centre:
 * queues Sales (new offers), Fibre support (fibre, modem) and Billing
 * (billing, invoices), one agent each and a supervisor; office hours
 * Monday to Friday 09-13 and 14-18. Policies, defined on no channel:
 *   "Normal"  normal/low priority: first response 4 business hours
 *             (10:00 -> 10-13 3 h, 14-15 1 h: due 15:00), resolution 8
 *             business hours
 *   "High"    high/urgent: first response 1 business hour (due 11:00)
 * and one told to look at the channel, tried first:
 *   "Chat"    chats: first response 10 minutes, 24x7 (due 10:10)
 *
 * Five contacts at 10:00:
 *   A  Giulia calls Sales about the new fibre offer's modem; Paola passes
 *      her to Marco in Fibre support, who passes her to Elena in Billing
 *      (two transfers); Elena resolves it.
 *   B  Roberto e-mails Billing; Elena answers and resolves: one contact.
 *   C  Carla chats.
 *   D  Dario calls Sales; Paola resolves it on the call: one contact.
 *   E  Enzo e-mails Fibre support twice before Marco resolves it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "story.h"

#include <math.h>
#include <string.h>

#define AT(h, m) story_rome(2026, 11, 16, (h), (m))

enum { A, B, C, D, E, CASES };

typedef struct {
  crm_test_db *t;
  crm_id sales, fibre, billing;
  crm_id paola, marco, elena, sara;
  crm_id normal, high, chat;
  crm_id customers[CASES], cases[CASES];
  crm_channel_t channel[CASES];
} story;

static crm_id policy(crm_db *db, const char *name, int order, crm_id calendar, uint32_t priorities,
                     uint32_t channels, int64_t first_response, int64_t resolution)
{
  crm_sla_policy_spec p = CRM_SLA_POLICY_SPEC_INIT;
  p.name = name;
  p.order = order;
  p.calendar = calendar;
  p.priorities = priorities;
  p.channels = channels;
  p.targets[CRM_SLA_FIRST_RESPONSE] = first_response;
  p.targets[CRM_SLA_RESOLUTION] = resolution;
  crm_id id = 0;
  assert_crm_ok(crm_sla_policy_create(&id, db, &p));
  return id;
}

static crm_id first_contact(story *s, int k, const char *email, crm_channel_t channel)
{
  s->customers[k] = crm_test_customer(s->t->db, email);
  s->channel[k] = channel;
  int sync = channel == CRM_CHANNEL_PHONE || channel == CRM_CHANNEL_CHAT;
  story_contact c = {.customer = s->customers[k],
                     .channel = channel,
                     .outcome = sync ? CRM_OUTCOME_ANSWERED : CRM_OUTCOME_NONE,
                     .subject = "A question"};
  s->cases[k] = crm_test_case_of(s->t->db, story_record(s->t->db, &c));
  return s->cases[k];
}

static void reply(story *s, int k, crm_id agent)
{
  story_contact c = {.customer = s->customers[k],
                     .case_id = s->cases[k],
                     .agent = agent,
                     .channel = s->channel[k],
                     .direction = CRM_DIRECTION_OUTBOUND,
                     .outcome = s->channel[k] == CRM_CHANNEL_EMAIL ? CRM_OUTCOME_NONE
                                                                   : CRM_OUTCOME_ANSWERED,
                     .subject = "Answer"};
  story_record(s->t->db, &c);
}

static int play(void **state)
{
  crm_test_setup(state);
  story *s = g_new0(story, 1);
  s->t = *state;
  crm_db *db = s->t->db;
  s->t->now = story_rome(2026, 11, 2, 9, 0);

  /* The contact centre: queues with skills, agents with skills. */
  assert_crm_ok(crm_queue_create(&s->sales, db, "Sales"));
  assert_crm_ok(crm_queue_create(&s->fibre, db, "Fibre support"));
  assert_crm_ok(crm_queue_create(&s->billing, db, "Billing"));
  assert_crm_ok(crm_queue_add_skill(db, s->sales, "new-offers"));
  assert_crm_ok(crm_queue_add_skill(db, s->fibre, "modem"));
  assert_crm_ok(crm_queue_add_skill(db, s->fibre, "fibre"));
  assert_crm_ok(crm_queue_add_skill(db, s->billing, "invoices"));
  assert_crm_ok(crm_queue_add_skill(db, s->billing, "billing"));
  assert_crm_ok(crm_agent_create(&s->paola, db, "Paola", "paola@telco.example"));
  assert_crm_ok(crm_agent_create(&s->marco, db, "Marco", "marco@telco.example"));
  assert_crm_ok(crm_agent_create(&s->elena, db, "Elena", "elena@telco.example"));
  assert_crm_ok(crm_agent_create(&s->sara, db, "Sara", "sara@telco.example"));
  assert_crm_ok(crm_agent_add_skill(db, s->paola, "new-offers"));
  assert_crm_ok(crm_agent_add_skill(db, s->marco, "fibre"));
  assert_crm_ok(crm_agent_add_skill(db, s->marco, "modem"));
  assert_crm_ok(crm_agent_add_skill(db, s->elena, "billing"));
  assert_crm_ok(crm_agent_join(db, s->paola, s->sales, CRM_ROLE_AGENT));
  assert_crm_ok(crm_agent_join(db, s->marco, s->fibre, CRM_ROLE_AGENT));
  assert_crm_ok(crm_agent_join(db, s->elena, s->billing, CRM_ROLE_AGENT));
  for (crm_id q = s->sales; q <= s->billing; q++)
    assert_crm_ok(crm_agent_join(db, s->sara, q, CRM_ROLE_SUPERVISOR));

  /* The service levels: by priority, the same on every channel, except
     where told otherwise. */
  crm_id office = story_office_calendar(db, "Contact centre", NULL);
  s->chat = policy(db, "Chat", 5, 0, 0, 1u << CRM_CHANNEL_CHAT, 10 * STORY_MINUTE, 0);
  s->high = policy(db, "High", 10, office, (1u << CRM_PRIORITY_HIGH) | (1u << CRM_PRIORITY_URGENT),
                   0, STORY_HOUR, 0);
  s->normal = policy(db, "Normal", 20, office, 0, 0, 4 * STORY_HOUR, 8 * STORY_HOUR);

  /* 10:00: five contacts. */
  s->t->now = AT(10, 0);
  first_contact(s, A, "giulia@example.it", CRM_CHANNEL_PHONE);
  first_contact(s, B, "roberto@example.it", CRM_CHANNEL_EMAIL);
  first_contact(s, C, "carla@example.it", CRM_CHANNEL_CHAT);
  first_contact(s, D, "dario@example.it", CRM_CHANNEL_PHONE);
  first_contact(s, E, "enzo@example.it", CRM_CHANNEL_EMAIL);
  assert_crm_ok(crm_case_assign(db, s->cases[A], s->sales, s->paola, 0));
  assert_crm_ok(crm_case_assign(db, s->cases[B], s->billing, s->elena, 0));
  assert_crm_ok(crm_case_assign(db, s->cases[C], s->sales, 0, 0));
  assert_crm_ok(crm_case_assign(db, s->cases[D], s->sales, s->paola, 0));
  assert_crm_ok(crm_case_assign(db, s->cases[E], s->fibre, s->marco, 0));

  /* A: "not my area, I'll pass you to a colleague", twice. */
  s->t->now = AT(10, 5);
  assert_crm_ok(crm_case_assign(db, s->cases[A], s->fibre, s->marco, 0));
  s->t->now = AT(10, 15);
  assert_crm_ok(crm_case_assign(db, s->cases[A], s->billing, s->elena, 0));
  /* the same assignment again is no hand-off */
  assert_crm_ok(crm_case_assign(db, s->cases[A], s->billing, s->elena, 0));
  reply(s, A, s->elena);

  /* B and D: answered and resolved at the first contact. */
  s->t->now = AT(10, 30);
  reply(s, B, s->elena);
  reply(s, D, s->paola);
  /* E: Enzo writes again before Marco answers. */
  s->t->now = AT(11, 0);
  story_contact again = {.customer = s->customers[E],
                         .case_id = s->cases[E],
                         .channel = CRM_CHANNEL_EMAIL,
                         .subject = "Any news?"};
  story_record(db, &again);
  s->t->now = AT(11, 30);
  reply(s, E, s->marco);

  s->t->now = AT(12, 0);
  for (int k = 0; k < CASES; k++)
    if (k != C)
      assert_crm_ok(crm_case_set_status(db, s->cases[k], CRM_CASE_RESOLVED, 0));
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

/* "queues with skills and agents" */
static void queues_with_skills_and_agents(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  crm_queue *q = NULL;
  assert_crm_ok(crm_queue_lookup(&q, db, s->fibre));
  assert_string_equal(crm_queue_name(q), "Fibre support");
  assert_int_equal(crm_queue_skill_count(q), 2);
  assert_string_equal(crm_queue_skill_at(q, 0), "fibre"); /* sorted */
  assert_string_equal(crm_queue_skill_at(q, 1), "modem");
  assert_null(crm_queue_skill_at(q, 2));
  crm_queue_free(q);
  crm_agent *a = NULL;
  assert_crm_ok(crm_agent_lookup(&a, db, s->marco));
  assert_int_equal(crm_agent_skill_count(a), 2);
  assert_string_equal(crm_agent_skill_at(a, 0), "fibre");
  assert_string_equal(crm_agent_email(a), "marco@telco.example");
  crm_agent_free(a);
  crm_role_t role = 0;
  assert_crm_ok(crm_agent_role(&role, db, s->marco, s->fibre));
  assert_int_equal(role, CRM_ROLE_AGENT);
  assert_crm_ok(crm_agent_role(&role, db, s->sara, s->billing));
  assert_int_equal(role, CRM_ROLE_SUPERVISOR);
  /* Paola is not a member of Fibre support: she cannot be its answer */
  assert_crm_error(crm_agent_role(&role, db, s->paola, s->fibre), CRM_ENOTFOUND, "member");

  /* "who knows about modems?": the queue and the agent with the skill */
  crm_id modem_queue = 0;
  for (crm_id id = s->sales; id <= s->billing; id++) {
    assert_crm_ok(crm_queue_lookup(&q, db, id));
    for (size_t i = 0; i < crm_queue_skill_count(q); i++)
      if (strcmp(crm_queue_skill_at(q, i), "modem") == 0)
        modem_queue = id;
    crm_queue_free(q);
  }
  assert_int_equal(modem_queue, s->fibre);
}

/* "a transfer between queues or agents is recorded and counted per case" */
static void transfers_recorded_and_counted_per_case(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  const int64_t want[CASES] = {[A] = 2};
  for (int k = 0; k < CASES; k++) {
    crm_case *c = story_case(db, s->cases[k]);
    assert_int_equal(crm_case_transfer_count(c), want[k]);
    crm_case_free(c);
  }
  crm_case *c = story_case(db, s->cases[A]);
  assert_int_equal(crm_case_queue(c), s->billing);
  assert_int_equal(crm_case_assignee(c), s->elena);
  crm_case_free(c);

  /* each hand-off of A is in the feed: from whom, to whom */
  GPtrArray *ev = story_events(db, 0, "case.assigned");
  const struct {
    crm_id from_queue, from_agent, queue, agent;
    gboolean transfer;
    crm_time at;
  } hops[] = {
      {0, 0, s->sales, s->paola, FALSE, AT(10, 0)},
      {s->sales, s->paola, s->fibre, s->marco, TRUE, AT(10, 5)},
      {s->fibre, s->marco, s->billing, s->elena, TRUE, AT(10, 15)},
  };
  size_t n = 0;
  for (guint i = 0; i < ev->len; i++) {
    const crm_event *e = g_ptr_array_index(ev, i);
    if (crm_event_entity_id(e) != s->cases[A])
      continue;
    assert_true(n < G_N_ELEMENTS(hops));
    JsonObject *o = story_payload(e);
#define ID_OR_0(m) (json_object_get_null_member(o, m) ? 0 : json_object_get_int_member(o, m))
    assert_int_equal(ID_OR_0("from_queue"), hops[n].from_queue);
    assert_int_equal(ID_OR_0("from_agent"), hops[n].from_agent);
    assert_int_equal(ID_OR_0("queue"), hops[n].queue);
    assert_int_equal(ID_OR_0("agent"), hops[n].agent);
#undef ID_OR_0
    assert_int_equal(json_object_get_boolean_member(o, "transfer"), hops[n].transfer);
    assert_int_equal(crm_event_time(e), hops[n].at);
    json_object_unref(o);
    n++;
  }
  assert_int_equal(n, G_N_ELEMENTS(hops));
  g_ptr_array_unref(ev);
}

/* "first-contact resolution (resolved with one inbound contact and no
   transfer) is a report metric" and "every report metric ... can be cut
   by channel, queue and agent": the stored facts it is computed from,
   cut by channel, queue and agent here by hand (the report itself in
   every_report_metric_by_channel_queue_agent) */
static void first_contact_resolution_facts_by_channel_queue_agent(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.status_mask = 1u << CRM_CASE_RESOLVED;
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, db, &q));
  crm_case *c = NULL;
  int resolved = 0, fcr = 0;
  int fcr_phone = 0, fcr_email = 0, fcr_billing = 0, fcr_sales = 0, fcr_fibre = 0;
  int fcr_elena = 0, fcr_paola = 0, fcr_marco = 0;
  while (crm_case_next(&c, it) == CRM_OK) {
    resolved++;
    int first = crm_case_inbound_count(c) == 1 && crm_case_transfer_count(c) == 0;
    fcr += first;
    if (first) {
      crm_id id = crm_case_id(c);
      assert_true(id == s->cases[B] || id == s->cases[D]);
      /* the channel of the first contact: the oldest of the case's timeline */
      crm_timeline_query tq = CRM_TIMELINE_QUERY_INIT;
      tq.case_id = id;
      crm_timeline_iterator *tl = NULL;
      assert_crm_ok(crm_timeline_iterator_new(&tl, db, &tq));
      crm_interaction *ix = NULL, *oldest = NULL;
      while (crm_timeline_next(&ix, tl) == CRM_OK) {
        crm_interaction_free(oldest);
        oldest = ix;
      }
      crm_timeline_iterator_free(tl);
      assert_non_null(oldest);
      fcr_phone += crm_interaction_channel(oldest) == CRM_CHANNEL_PHONE;
      fcr_email += crm_interaction_channel(oldest) == CRM_CHANNEL_EMAIL;
      crm_interaction_free(oldest);
      fcr_billing += crm_case_queue(c) == s->billing;
      fcr_sales += crm_case_queue(c) == s->sales;
      fcr_fibre += crm_case_queue(c) == s->fibre;
      fcr_elena += crm_case_assignee(c) == s->elena;
      fcr_paola += crm_case_assignee(c) == s->paola;
      fcr_marco += crm_case_assignee(c) == s->marco;
    }
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  /* A (two transfers) and E (two contacts) are not; B and D are */
  assert_int_equal(resolved, 4);
  assert_int_equal(fcr, 2);
  assert_int_equal(fcr_phone, 1);
  assert_int_equal(fcr_email, 1);
  assert_int_equal(fcr_billing, 1);
  assert_int_equal(fcr_sales, 1);
  assert_int_equal(fcr_fibre, 0);
  assert_int_equal(fcr_elena, 1);
  assert_int_equal(fcr_paola, 1);
  assert_int_equal(fcr_marco, 0);
  crm_case *e = story_case(db, s->cases[E]);
  assert_int_equal(crm_case_inbound_count(e), 2);
  assert_int_equal(crm_case_transfer_count(e), 0);
  crm_case_free(e);
}

/* One report row as computed by hand: -1 where there is nothing to
   measure (a rate of 0 / 0, any time figure, its count too, of no case). */
typedef struct {
  int64_t key;
  int64_t in, out, cases, resolved, fcr, reopened, transfers, csat;
  double fcr_rate, reopen_rate, per_case, csat_average;
  int64_t fr_count, fr_median, fr_p90, fr_met, fr_breached;
  int64_t res_count, res_median, res_met;
  int64_t backlog;
} want_row;

#define assert_rate_equal(got, want) assert_true(fabs((got) - (want)) < 1e-9)

static void assert_report(crm_db *db, crm_report_group_t by, const want_row *want, size_t n)
{
  GPtrArray *rows = story_report(db, AT(0, 0), story_rome(2026, 11, 17, 0, 0), by);
  assert_int_equal(rows->len, n);
  for (size_t i = 0; i < n; i++) {
    const crm_report_row *r = g_ptr_array_index(rows, i);
    const want_row *w = &want[i];
    assert_int_equal(crm_report_row_key(r), w->key);
    assert_int_equal(crm_report_row_contacts_in(r), w->in);
    assert_int_equal(crm_report_row_contacts_out(r), w->out);
    assert_int_equal(crm_report_row_cases(r), w->cases);
    assert_int_equal(crm_report_row_resolved(r), w->resolved);
    assert_int_equal(crm_report_row_fcr(r), w->fcr);
    assert_rate_equal(crm_report_row_fcr_rate(r), w->fcr_rate);
    assert_int_equal(crm_report_row_reopened(r), w->reopened);
    assert_rate_equal(crm_report_row_reopen_rate(r), w->reopen_rate);
    assert_int_equal(crm_report_row_transfers(r), w->transfers);
    assert_rate_equal(crm_report_row_transfers_per_case(r), w->per_case);
    assert_int_equal(crm_report_row_csat_count(r), w->csat);
    assert_rate_equal(crm_report_row_csat_average(r), w->csat_average);
    const crm_sla_metric_t fr = CRM_SLA_FIRST_RESPONSE, res = CRM_SLA_RESOLUTION;
    assert_int_equal(crm_report_row_time(r, fr, CRM_REPORT_TIME_COUNT), w->fr_count);
    /* all in office hours: business and calendar times are the same */
    assert_int_equal(crm_report_row_time(r, fr, CRM_REPORT_TIME_MEDIAN_BUSINESS), w->fr_median);
    assert_int_equal(crm_report_row_time(r, fr, CRM_REPORT_TIME_MEDIAN_CALENDAR), w->fr_median);
    assert_int_equal(crm_report_row_time(r, fr, CRM_REPORT_TIME_P90_BUSINESS), w->fr_p90);
    assert_int_equal(crm_report_row_time(r, fr, CRM_REPORT_TIME_P90_CALENDAR), w->fr_p90);
    assert_int_equal(crm_report_row_sla_met(r, fr), w->fr_met);
    assert_int_equal(crm_report_row_sla_breached(r, fr), w->fr_breached);
    assert_int_equal(crm_report_row_time(r, res, CRM_REPORT_TIME_COUNT), w->res_count);
    assert_int_equal(crm_report_row_time(r, res, CRM_REPORT_TIME_MEDIAN_BUSINESS), w->res_median);
    assert_int_equal(crm_report_row_sla_met(r, res), w->res_met);
    assert_int_equal(crm_report_row_sla_breached(r, res), 0);
    assert_int_equal(crm_report_row_backlog(r), w->backlog);
  }
  g_ptr_array_unref(rows);
}

/* "first-contact resolution (resolved with one inbound contact and no
   transfer) is a report metric" and "every report metric (first response
   time, resolution time, SLA compliance, transfers, FCR, reopen rate,
   CSAT) can be cut by channel, queue and agent" */
static void every_report_metric_by_channel_queue_agent(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  /* the afternoon: Giulia (A) scores 2, Roberto (B) 4, Dario (D) 5;
     Enzo's modem fails again and Marco reopens E; the application ticks,
     recording the breach of Carla's chat (due 10:10, never answered) */
  s->t->now = AT(13, 0);
  assert_crm_ok(crm_case_set_csat(db, s->cases[A], 2, "Three people for one question"));
  assert_crm_ok(crm_case_set_csat(db, s->cases[B], 4, NULL));
  assert_crm_ok(crm_case_set_csat(db, s->cases[D], 5, NULL));
  s->t->now = AT(14, 0);
  assert_crm_ok(crm_case_set_status(db, s->cases[E], CRM_CASE_OPEN, 0));
  assert_int_equal(story_tick(s->t, AT(14, 0), AT(14, 0), 1), 1);

  /* By hand, per case (times in seconds, all within 10-13 office hours):
       case channel queue   agent  first response  resolved   FCR transfers CSAT
       A    phone   Billing Elena  10:15    900    12:00 7200  no  2         2
       B    e-mail  Billing Elena  10:30   1800    12:00 7200  yes 0         4
       C    chat    Sales   -      breached  -     open  -     no  0         -
       D    phone   Sales   Paola  10:30   1800    12:00 7200  yes 0         5
       E    e-mail  Fibre   Marco  11:30   5400    12:00 7200  no  0         -
     E was resolved at 12:00 (its first resolution cycle is timed and met)
     and is open again: reopened, not resolved, in the backlog with C.
     C's chat policy sets no resolution target: no resolution clock.
     Contacts in: one each, two for E (Enzo wrote twice); out: the four
     replies. Nearest rank: of n times, the median is the ceil(n/2)-th,
     the 90th percentile the ceil(0.9 n)-th. */
  const int64_t M = STORY_MINUTE;
  const want_row total[] = {
      {0,   6,        4, 5,      3,      2, 1, 2, 3,       2.0 / 3, 0.2,
       0.4, 11.0 / 3, 4, 30 * M, 90 * M, 4, 1, 4, 120 * M, 4,       2},
  };
  assert_report(db, CRM_REPORT_BY_NONE, total, G_N_ELEMENTS(total));
  /* by the channel of the first contact, in key order */
  const want_row by_channel[] = {
      {CRM_CHANNEL_EMAIL, 3, 2, 2, 1, 1, 1, 0, 1, 1.0, 0.5, 0.0, 4.0, 2, 30 * M, 90 * M, 2, 0, 2,
       120 * M,           2, 1},
      {CRM_CHANNEL_PHONE, 2, 2, 2, 2, 1, 0, 2, 2, 0.5, 0.0, 1.0, 3.5, 2, 15 * M, 30 * M, 2, 0, 2,
       120 * M,           2, 0},
      {CRM_CHANNEL_CHAT, 1, 0, 1, 0, 0, 0, 0, 0, -1, 0.0, 0.0, -1, -1, -1, -1, 0, 1, -1, -1, 0, 1},
  };
  assert_report(db, CRM_REPORT_BY_CHANNEL, by_channel, G_N_ELEMENTS(by_channel));
  /* by the case's current queue */
  const want_row billing = {s->billing, 2,   2, 2,      2,      1, 0, 2, 2,       0.5, 0.0,
                            1.0,        3.0, 2, 15 * M, 30 * M, 2, 0, 2, 120 * M, 2,   0};
  const want_row fibre = {s->fibre, 2,  1, 1,      0,      0, 1, 0, 0,       -1, 1.0,
                          0.0,      -1, 1, 90 * M, 90 * M, 1, 0, 1, 120 * M, 1,  1};
  const want_row by_queue[] = {
      {s->sales, 2,   1, 2,      1,      1, 0, 0, 1,       1.0, 0.0,
       0.0,      5.0, 1, 30 * M, 30 * M, 1, 1, 1, 120 * M, 1,   1},
      fibre,
      billing,
  };
  assert_report(db, CRM_REPORT_BY_QUEUE, by_queue, G_N_ELEMENTS(by_queue));
  /* by the current assignee: Elena has Billing's cases, Marco Fibre's,
     Paola D; nobody C */
  want_row elena = billing, marco = fibre;
  elena.key = s->elena;
  marco.key = s->marco;
  const want_row by_agent[] = {
      {0, 1, 0, 1, 0, 0, 0, 0, 0, -1, 0.0, 0.0, -1, -1, -1, -1, 0, 1, -1, -1, 0, 1},
      {s->paola, 1,   1, 1,      1,      1, 0, 0, 1,       1.0, 0.0,
       0.0,      5.0, 1, 30 * M, 30 * M, 1, 0, 1, 120 * M, 1,   0},
      marco,
      elena,
  };
  assert_report(db, CRM_REPORT_BY_AGENT, by_agent, G_N_ELEMENTS(by_agent));
}

/* "SLA policies that do not depend on the channel unless told to: an
   e-mail gets the same first-response target as a call of the same
   priority" */
static void same_first_response_target_on_every_channel(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  const int same[] = {A, B, D, E}; /* two calls, two e-mails, all normal */
  for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
    crm_sla_timer *fr =
        story_timer(db, s->cases[same[i]], CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
    assert_int_equal(crm_sla_timer_policy(fr), s->normal);
    assert_int_equal(crm_sla_timer_target(fr), 4 * STORY_HOUR);
    assert_int_equal(crm_sla_timer_due_at(fr), AT(15, 0));
    crm_sla_timer_free(fr);
  }
  /* the chat policy was told to look at the channel */
  crm_sla_timer *fr = story_timer(db, s->cases[C], CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_policy(fr), s->chat);
  assert_int_equal(crm_sla_timer_due_at(fr), AT(10, 10));
  crm_sla_timer_free(fr);

  /* high priority: a fax and a call at 14:00 both get 1 business hour */
  s->t->now = AT(14, 0);
  crm_id fax = first_contact(s, B, "fax.sender@example.it", CRM_CHANNEL_FAX);
  crm_id call = first_contact(s, D, "caller@example.it", CRM_CHANNEL_PHONE);
  assert_crm_ok(crm_case_set_priority(db, fax, CRM_PRIORITY_HIGH, 0));
  assert_crm_ok(crm_case_set_priority(db, call, CRM_PRIORITY_HIGH, 0));
  const crm_id high[] = {fax, call};
  for (size_t i = 0; i < G_N_ELEMENTS(high); i++) {
    fr = story_timer(db, high[i], CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
    assert_int_equal(crm_sla_timer_policy(fr), s->high);
    assert_int_equal(crm_sla_timer_due_at(fr), AT(15, 0));
    crm_sla_timer_free(fr);
  }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, play, forget)
  const struct CMUnitTest tests[] = {
      T(queues_with_skills_and_agents),
      T(transfers_recorded_and_counted_per_case),
      T(first_contact_resolution_facts_by_channel_queue_agent),
      T(every_report_metric_by_channel_queue_agent),
      T(same_first_response_target_on_every_channel),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
