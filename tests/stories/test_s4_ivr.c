/*
 * Story S4, the IVR and the blank screen (../shared/stories/STORIES.md):
 * callers abandon the phone menu after the third step, and the agent who
 * answers never starts from the previous episode. Each test is one "What
 * libcrm must do" line, played through the public C API with the injected
 * clock, on every backend.
 *
 * The IVR menu: 1 language, 2 customer or not, 3 kind of problem, 4 queue
 * for an agent. Eight callers hang up in the menu on Wednesday 18
 * November 2026 (depths 3, 3, 1, 2, 3, 2, 3, 3); Anna, one of them, had
 * written an e-mail the week before, tries twice, gets through on the
 * third call, and chats the day after.
 *
 * SPDX-License-Identifier: MIT
 */
#include "story.h"

#include <stdlib.h>
#include <string.h>

#define CALLERS 8
#define DEPTHS  5 /* 1..4, [0] unused */

typedef struct {
  crm_test_db *t;
  crm_id agent, policy;
  crm_id anna, callers[CALLERS];
  crm_id mail_case, ivr_case, chat_case;
  GArray *anna_contacts; /* crm_id, in the order they happened */
} story;

/* An IVR call and the menu depth it reached, in one transaction. */
static crm_id ivr_call(story *s, crm_id customer, crm_id case_id, crm_outcome_t outcome, int depth)
{
  crm_db *db = s->t->db;
  char value[8];
  g_snprintf(value, sizeof value, "%d", depth);
  assert_crm_ok(crm_begin(db));
  story_contact c = {.customer = customer,
                     .case_id = case_id,
                     .channel = CRM_CHANNEL_IVR,
                     .outcome = outcome,
                     .subject = "Toll-free number"};
  crm_id ix = story_record(db, &c);
  assert_crm_ok(crm_interaction_set_attribute(db, ix, "ivr_depth", value));
  assert_crm_ok(crm_commit(db));
  return ix;
}

static crm_id anna_does(story *s, crm_time at, const story_contact *c)
{
  s->t->now = at;
  crm_id ix = story_record(s->t->db, c);
  g_array_append_val(s->anna_contacts, ix);
  return ix;
}

static int play(void **state)
{
  crm_test_setup(state);
  story *s = g_new0(story, 1);
  s->t = *state;
  s->anna_contacts = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_db *db = s->t->db;
  s->t->now = story_rome(2026, 11, 1, 9, 0);
  crm_sla_policy_spec p = CRM_SLA_POLICY_SPEC_INIT;
  p.name = "Standard";
  p.targets[CRM_SLA_FIRST_RESPONSE] = 4 * STORY_HOUR;
  assert_crm_ok(crm_sla_policy_create(&s->policy, db, &p));
  assert_crm_ok(crm_agent_create(&s->agent, db, "Marta", "marta@telco.example"));
  s->anna = crm_test_customer(db, "anna.verdi@example.it");
  assert_crm_ok(crm_identity_add(db, s->anna, CRM_IDENTITY_PHONE, "+39 06 7777 1234"));

  /* Monday 9 November: her e-mail, answered, resolved. */
  story_contact mail = {.customer = s->anna,
                        .channel = CRM_CHANNEL_EMAIL,
                        .subject = "The modem does not sync",
                        .external_ref = "<modem-1@example.it>"};
  s->mail_case = crm_test_case_of(db, anna_does(s, story_rome(2026, 11, 9, 10, 0), &mail));
  story_contact reply = {.customer = s->anna,
                         .case_id = s->mail_case,
                         .agent = s->agent,
                         .channel = CRM_CHANNEL_EMAIL,
                         .direction = CRM_DIRECTION_OUTBOUND,
                         .subject = "Re: The modem does not sync",
                         .in_reply_to = "<modem-1@example.it>"};
  anna_does(s, story_rome(2026, 11, 9, 11, 30), &reply);
  s->t->now = story_rome(2026, 11, 10, 9, 0);
  assert_crm_ok(crm_case_set_status(db, s->mail_case, CRM_CASE_RESOLVED, 0));

  /* Wednesday 18 November: the menu loses eight callers; Anna is the
     first, twice at the third step, and gets through the third time. */
  const int depths[CALLERS] = {3, 3, 1, 2, 3, 2, 3, 3};
  s->callers[0] = s->anna;
  for (int i = 1; i < CALLERS; i++) {
    char email[64];
    g_snprintf(email, sizeof email, "caller%d@example.it", i);
    s->callers[i] = crm_test_customer(db, email);
  }
  for (int i = 0; i < CALLERS; i++) {
    s->t->now = story_rome(2026, 11, 18, 9, 0) + i * 5 * STORY_MINUTE;
    crm_id ix = ivr_call(s, s->callers[i], 0, CRM_OUTCOME_ABANDONED, depths[i]);
    if (i == 0) {
      g_array_append_val(s->anna_contacts, ix);
      s->ivr_case = crm_test_case_of(db, ix);
    }
  }
  s->t->now = story_rome(2026, 11, 18, 9, 45);
  crm_id again = ivr_call(s, s->anna, s->ivr_case, CRM_OUTCOME_ABANDONED, 3);
  g_array_append_val(s->anna_contacts, again);
  s->t->now = story_rome(2026, 11, 18, 10, 0);
  crm_id through = ivr_call(s, s->anna, s->ivr_case, CRM_OUTCOME_ANSWERED, 4);
  g_array_append_val(s->anna_contacts, through);
  story_contact call = {.customer = s->anna,
                        .case_id = s->ivr_case,
                        .agent = s->agent,
                        .channel = CRM_CHANNEL_PHONE,
                        .outcome = CRM_OUTCOME_ANSWERED,
                        .subject = "Modem: no sync again"};
  anna_does(s, story_rome(2026, 11, 18, 10, 2), &call);
  story_contact note = {.customer = s->anna,
                        .case_id = s->ivr_case,
                        .agent = s->agent,
                        .channel = CRM_CHANNEL_NOTE,
                        .direction = CRM_DIRECTION_INTERNAL,
                        .subject = "Same modem as the e-mail of 9 Nov; replacement sent"};
  anna_does(s, story_rome(2026, 11, 18, 10, 15), &note);
  story_contact sms = {.customer = s->anna,
                       .case_id = s->ivr_case,
                       .agent = s->agent,
                       .channel = CRM_CHANNEL_SMS,
                       .direction = CRM_DIRECTION_OUTBOUND,
                       .subject = "Your new modem ships today"};
  anna_does(s, story_rome(2026, 11, 18, 10, 20), &sms);

  /* Thursday: a chat about the delivery, a case of its own. */
  story_contact chat = {.customer = s->anna,
                        .channel = CRM_CHANNEL_CHAT,
                        .outcome = CRM_OUTCOME_ANSWERED,
                        .subject = "When does the courier come?"};
  s->chat_case = crm_test_case_of(db, anna_does(s, story_rome(2026, 11, 19, 16, 0), &chat));
  *state = s;
  return 0;
}

static int forget(void **state)
{
  story *s = *state;
  g_array_unref(s->anna_contacts);
  void *t = s->t;
  g_free(s);
  return crm_test_teardown(&t);
}

/* "abandoned IVR calls are interactions too (channel ivr, outcome
   abandoned, with the menu depth reached), so abandonment is measurable
   per menu step" */
static void abandoned_ivr_calls_are_measurable_per_menu_step(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  int abandoned[DEPTHS] = {0}, reached[DEPTHS] = {0};
  for (int i = 0; i < CALLERS; i++) {
    crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
    q.customer = s->callers[i];
    crm_timeline_iterator *it = NULL;
    assert_crm_ok(crm_timeline_iterator_new(&it, db, &q));
    crm_interaction *ix = NULL;
    while (crm_timeline_next(&ix, it) == CRM_OK) {
      if (crm_interaction_channel(ix) == CRM_CHANNEL_IVR) {
        assert_int_equal(crm_interaction_direction(ix), CRM_DIRECTION_INBOUND);
        assert_true(crm_interaction_case(ix) > 0); /* not dropped either */
        const char *depth = crm_interaction_attribute(ix, "ivr_depth");
        assert_non_null(depth);
        int d = atoi(depth);
        assert_true(d >= 1 && d < DEPTHS);
        reached[d]++;
        if (crm_interaction_outcome(ix) == CRM_OUTCOME_ABANDONED)
          abandoned[d]++;
        else
          assert_int_equal(crm_interaction_outcome(ix), CRM_OUTCOME_ANSWERED);
      }
      crm_interaction_free(ix);
    }
    crm_timeline_iterator_free(it);
  }
  /* the third step loses the most: six of nine abandoned calls */
  assert_int_equal(abandoned[1], 1);
  assert_int_equal(abandoned[2], 2);
  assert_int_equal(abandoned[3], 6);
  assert_int_equal(abandoned[4], 0);
  assert_int_equal(reached[4], 1); /* Anna's third call got through */

  /* the depth is in the durable feed as well, for an outside counter */
  GPtrArray *attrs = story_events(db, 0, "interaction.attribute");
  assert_int_equal(attrs->len, CALLERS + 2);
  JsonObject *o = story_payload(g_ptr_array_index(attrs, 0));
  assert_string_equal(json_object_get_string_member(o, "key"), "ivr_depth");
  assert_string_equal(json_object_get_string_member(o, "value"), "3");
  json_object_unref(o);
  g_ptr_array_unref(attrs);

  /* and the report measures it on its own: Wednesday's IVR contacts,
     by channel. By hand: nine abandoned calls (the eight callers and
     Anna's second try) at depths 3, 3, 1, 2, 3, 2, 3, 3 and 3, i.e. one at
     step 1, two at step 2, six at step 3, none at step 4; ten inbound IVR
     calls with the one that got through; the agent's call is a phone
     contact, answered */
  GPtrArray *rows = story_report(db, story_rome(2026, 11, 18, 0, 0), story_rome(2026, 11, 19, 0, 0),
                                 CRM_REPORT_BY_CHANNEL);
  const crm_report_row *ivr = story_report_row(rows, CRM_CHANNEL_IVR);
  assert_string_equal(crm_report_row_label(ivr), "ivr");
  assert_int_equal(crm_report_row_contacts_in(ivr), 10);
  assert_int_equal(crm_report_row_abandoned(ivr), 9);
  assert_int_equal(crm_report_row_abandoned_at_depth(ivr, 0), 0); /* none without a depth */
  assert_int_equal(crm_report_row_abandoned_at_depth(ivr, 1), 1);
  assert_int_equal(crm_report_row_abandoned_at_depth(ivr, 2), 2);
  assert_int_equal(crm_report_row_abandoned_at_depth(ivr, 3), 6);
  assert_int_equal(crm_report_row_abandoned_at_depth(ivr, 4), 0);
  assert_int_equal(crm_report_row_max_depth(ivr), 3);
  const crm_report_row *phone = story_report_row(rows, CRM_CHANNEL_PHONE);
  assert_int_equal(crm_report_row_contacts_in(phone), 1);
  assert_int_equal(crm_report_row_abandoned(phone), 0);
  g_ptr_array_unref(rows);

  /* the repeat calls are counted on Anna's case, abandoned ones too */
  crm_case *c = story_case(db, s->ivr_case);
  assert_int_equal(crm_case_inbound_count(c), 4); /* three IVR calls and the agent's call */
  crm_case_free(c);
}

/* "a customer timeline across all channels and cases, newest first,
   paged, is one call" */
static void timeline_across_channels_and_cases_is_one_call_per_page(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  const unsigned int page = 4;
  GArray *got = g_array_new(FALSE, FALSE, sizeof(crm_id));
  GHashTable *cases = g_hash_table_new(g_int64_hash, g_int64_equal);
  GHashTable *channels = g_hash_table_new(g_direct_hash, g_direct_equal);
  crm_id case_ids[16];
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = s->anna;
  q.limit = page;
  int calls = 0;
  crm_time prev = INT64_MAX;
  for (;;) {
    crm_timeline_iterator *it = NULL;
    assert_crm_ok(crm_timeline_iterator_new(&it, db, &q)); /* one call per page */
    calls++;
    crm_interaction *ix = NULL;
    unsigned int n = 0;
    while (crm_timeline_next(&ix, it) == CRM_OK) {
      crm_id id = crm_interaction_id(ix);
      assert_true(crm_interaction_occurred_at(ix) <= prev);
      prev = crm_interaction_occurred_at(ix);
      assert_true(got->len < G_N_ELEMENTS(case_ids));
      case_ids[got->len] = crm_interaction_case(ix);
      g_hash_table_add(cases, &case_ids[got->len]);
      g_array_append_val(got, id);
      g_hash_table_add(channels, GINT_TO_POINTER(crm_interaction_channel(ix)));
      q.before = crm_interaction_occurred_at(ix);
      q.before_id = id;
      n++;
      crm_interaction_free(ix);
    }
    crm_timeline_iterator_free(it);
    assert_true(n <= page);
    if (n < page)
      break;
  }
  /* nine contacts in pages of 4, 4, 1: exactly her contacts, newest first */
  assert_int_equal(calls, 3);
  assert_int_equal(got->len, s->anna_contacts->len);
  for (guint i = 0; i < got->len; i++)
    assert_int_equal(g_array_index(got, crm_id, i),
                     g_array_index(s->anna_contacts, crm_id, got->len - 1 - i));
  /* across her three cases and six channels (e-mail, IVR, phone, note,
     SMS, chat) */
  assert_int_equal(g_hash_table_size(cases), 3);
  assert_true(g_hash_table_contains(cases, &s->mail_case));
  assert_true(g_hash_table_contains(cases, &s->ivr_case));
  assert_true(g_hash_table_contains(cases, &s->chat_case));
  assert_int_equal(g_hash_table_size(channels), 6);
  /* the agent who answered at 10:02 saw the previous episode: the
     e-mail case is in the same timeline, before the IVR attempts */
  assert_int_equal(case_ids[got->len - 1], s->mail_case);
  g_hash_table_unref(cases);
  g_hash_table_unref(channels);
  g_array_unref(got);
}

/* "after resolution a satisfaction score (CSAT 1-5, with comment) can be
   recorded on the case, and reports show it beside response times" */
static void csat_after_resolution_beside_the_response_time(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  s->t->now = story_rome(2026, 11, 20, 9, 0);
  assert_crm_ok(crm_case_set_status(db, s->ivr_case, CRM_CASE_RESOLVED, 0));
  s->t->now += STORY_HOUR;
  crm_case *c = story_case(db, s->ivr_case);
  int64_t version = crm_case_version(c);
  assert_int_equal(crm_case_csat(c), 0); /* none yet */
  assert_null(crm_case_csat_comment(c));
  crm_case_free(c);

  /* out of 1..5: refused, nothing written */
  assert_crm_error(crm_case_set_csat(db, s->ivr_case, 0, "meh"), CRM_EINVALID, "0");
  assert_crm_error(crm_case_set_csat(db, s->ivr_case, 6, "wow"), CRM_EINVALID, "6");
  c = story_case(db, s->ivr_case);
  assert_int_equal(crm_case_version(c), version);
  crm_case_free(c);

  int64_t seq = story_last_seq(db);
  assert_crm_ok(crm_case_set_csat(db, s->ivr_case, 2, "I had to go through the menu three times"));
  /* she is asked again after the new modem works: the later score replaces it */
  s->t->now += STORY_DAY;
  assert_crm_ok(crm_case_set_csat(db, s->ivr_case, 4, "The agent knew my e-mail"));
  c = story_case(db, s->ivr_case);
  assert_int_equal(crm_case_status(c), CRM_CASE_RESOLVED);
  assert_int_equal(crm_case_csat(c), 4);
  assert_string_equal(crm_case_csat_comment(c), "The agent knew my e-mail");
  crm_case_free(c);
  GPtrArray *ev = story_events(db, seq, "case.csat");
  assert_int_equal(ev->len, 2);
  JsonObject *o = story_payload(g_ptr_array_index(ev, 1));
  assert_int_equal(json_object_get_int_member(o, "case"), s->ivr_case);
  assert_int_equal(json_object_get_int_member(o, "score"), 4);
  assert_string_equal(json_object_get_string_member(o, "comment"), "The agent knew my e-mail");
  json_object_unref(o);
  g_ptr_array_unref(ev);

  /* beside it, the same case's response time: from the first abandoned
     IVR call (09:00) to the first public reply, the SMS at 10:20 */
  crm_sla_timer *fr = story_timer(db, s->ivr_case, CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_started_at(fr), story_rome(2026, 11, 18, 9, 0));
  assert_int_equal(crm_sla_timer_met_at(fr), story_rome(2026, 11, 18, 10, 20));
  assert_int_equal(crm_sla_timer_business_elapsed(fr), 80 * STORY_MINUTE);
  assert_int_equal(crm_sla_timer_breached_at(fr), 0);
  crm_sla_timer_free(fr);

  /* and the report of Wednesday's cases shows both in one row. By hand:
     eight cases (one per caller's first call), one scored (Anna's, 4,
     the later score), one first response given: Anna's, 80 minutes in
     the 24x7 "Standard" policy, within its 4 hours; the seven others
     still wait (no breach recorded: no tick ran) */
  GPtrArray *rows = story_report(db, story_rome(2026, 11, 18, 0, 0), story_rome(2026, 11, 19, 0, 0),
                                 CRM_REPORT_BY_NONE);
  assert_int_equal(rows->len, 1);
  const crm_report_row *total = g_ptr_array_index(rows, 0);
  assert_int_equal(crm_report_row_cases(total), CALLERS);
  assert_int_equal(crm_report_row_csat_count(total), 1);
  assert_true(crm_report_row_csat_average(total) == 4.0);
  assert_int_equal(crm_report_row_csat_score(total, 4), 1);
  assert_int_equal(crm_report_row_csat_score(total, 2), 0); /* replaced */
  assert_int_equal(crm_report_row_time(total, CRM_SLA_FIRST_RESPONSE, CRM_REPORT_TIME_COUNT), 1);
  assert_int_equal(
      crm_report_row_time(total, CRM_SLA_FIRST_RESPONSE, CRM_REPORT_TIME_MEDIAN_BUSINESS),
      80 * STORY_MINUTE);
  assert_int_equal(crm_report_row_time(total, CRM_SLA_FIRST_RESPONSE, CRM_REPORT_TIME_P90_BUSINESS),
                   80 * STORY_MINUTE);
  assert_int_equal(
      crm_report_row_time(total, CRM_SLA_FIRST_RESPONSE, CRM_REPORT_TIME_MEDIAN_CALENDAR),
      80 * STORY_MINUTE);
  assert_int_equal(crm_report_row_sla_met(total, CRM_SLA_FIRST_RESPONSE), 1);
  assert_int_equal(crm_report_row_sla_breached(total, CRM_SLA_FIRST_RESPONSE), 0);
  g_ptr_array_unref(rows);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, play, forget)
  const struct CMUnitTest tests[] = {
      T(abandoned_ivr_calls_are_measurable_per_menu_step),
      T(timeline_across_channels_and_cases_is_one_call_per_page),
      T(csat_after_resolution_beside_the_response_time),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
