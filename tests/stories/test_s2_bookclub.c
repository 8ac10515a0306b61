/*
 * Story S2, the book club (../shared/stories/STORIES.md): an order that
 * never came and a contract that would not die. Each test is one "What
 * libcrm must do" line of the story, played through the public C API with
 * injected time, on every backend.
 *
 * SPDX-License-Identifier: MIT
 */
#include "story.h"

#include <glib.h>
#include <string.h>

#define DAY STORY_DAY

typedef struct {
  crm_test_db *t;
  crm_id customer;
  crm_id shop_clerk, head_office;
  crm_id complaint_case; /* the case the first e-mail opened */
  GArray *contacts;      /* crm_id of every inbound contact, in order */
} story;

static crm_id record(story *s, crm_channel_t channel, crm_outcome_t outcome, const char *subject,
                     const char *ref, const char *in_reply_to, crm_id case_id)
{
  story_contact c = {.customer = s->customer,
                     .case_id = case_id,
                     .channel = channel,
                     .outcome = outcome,
                     .subject = subject,
                     .external_ref = ref,
                     .in_reply_to = in_reply_to};
  crm_id id = story_record(s->t->db, &c);
  g_array_append_val(s->contacts, id);
  return id;
}

static crm_id case_of(story *s, crm_id interaction)
{
  return crm_test_case_of(s->t->db, interaction);
}

/* The whole episode: every contact of the story, in the order it happened. */
static int play(void **state)
{
  crm_test_setup(state);
  story *s = g_new0(story, 1);
  s->t = *state;
  s->contacts = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_db *db = s->t->db;
  assert_crm_ok(crm_agent_create(&s->shop_clerk, db, "Shop clerk", "clerk@bookclub.example"));
  assert_crm_ok(crm_agent_create(&s->head_office, db, "Head office", "office@bookclub.example"));

  /* He signs up in the street: known by his member number. */
  int created = 0;
  assert_crm_ok(crm_customer_ensure(&s->customer, &created, db, CRM_IDENTITY_EXTERNAL, "BC-0042",
                                    "Mario Rossi"));
  assert_true(created);

  /* The order on the first catalogue's postal card (a letter). */
  record(s, CRM_CHANNEL_LETTER, CRM_OUTCOME_NONE, "Order: catalogue 1, items 3 and 7", NULL, NULL,
         0);

  /* Nothing arrives: he e-mails customer service. */
  s->t->now += 30 * DAY;
  assert_crm_ok(crm_identity_add(db, s->customer, CRM_IDENTITY_EMAIL, "mario.rossi@example.it"));
  crm_id mail1 = record(s, CRM_CHANNEL_EMAIL, CRM_OUTCOME_NONE, "Where is my order?",
                        "<m1@example.it>", NULL, 0);
  s->complaint_case = case_of(s, mail1);

  /* Six calls to the toll-free number: busy three times, then hold music. */
  assert_crm_ok(crm_identity_add(db, s->customer, CRM_IDENTITY_PHONE, "+39 02 1234 5678"));
  const crm_outcome_t calls[] = {CRM_OUTCOME_BUSY,      CRM_OUTCOME_BUSY,
                                 CRM_OUTCOME_BUSY,      CRM_OUTCOME_ABANDONED,
                                 CRM_OUTCOME_ABANDONED, CRM_OUTCOME_ANSWERED};
  for (size_t i = 0; i < G_N_ELEMENTS(calls); i++) {
    s->t->now += 3600;
    record(s, CRM_CHANNEL_PHONE, calls[i], NULL, NULL, NULL, s->complaint_case);
  }

  /* He e-mails again in capitals from his second address, three in copy. */
  s->t->now += 2 * DAY;
  assert_crm_ok(crm_identity_add(db, s->customer, CRM_IDENTITY_EMAIL, "m.rossi@work.example"));
  crm_id mail2 = record(s, CRM_CHANNEL_EMAIL, CRM_OUTCOME_NONE, "I WANT TO CANCEL MY CONTRACT",
                        "<m2@work.example>", "<m1@example.it>", 0);
  const char *cc[] = {"lawyer@example.it", "wife@example.it", "consumer.office@example.it"};
  for (size_t i = 0; i < G_N_ELEMENTS(cc); i++)
    assert_crm_ok(crm_interaction_add_participant(db, mail2, CRM_IDENTITY_EMAIL, cc[i], "cc"));

  /* He faxes the printed e-mail, then goes to a shop. */
  s->t->now += DAY;
  record(s, CRM_CHANNEL_FAX, CRM_OUTCOME_NONE, "Fax: I WANT TO CANCEL MY CONTRACT", NULL, NULL, 0);
  s->t->now += DAY;
  crm_interaction_spec visit = CRM_INTERACTION_SPEC_INIT;
  visit.customer = s->customer;
  visit.case_id = s->complaint_case;
  visit.channel = CRM_CHANNEL_IN_PERSON;
  visit.direction = CRM_DIRECTION_INBOUND;
  visit.outcome = CRM_OUTCOME_ANSWERED;
  visit.agent = s->shop_clerk;
  visit.subject = "Shop visit: asks to cancel the contract";
  crm_id visit_id = 0;
  assert_crm_ok(crm_interaction_record(&visit_id, db, &visit));
  g_array_append_val(s->contacts, visit_id);
  *state = s;
  return 0;
}

static int forget(void **state)
{
  story *s = *state;
  g_array_unref(s->contacts);
  void *t = s->t;
  g_free(s);
  return crm_test_teardown(&t);
}

/* "every contact on every channel is recorded as an interaction of that
   customer: postal card (letter), e-mail, phone calls including the
   busy/abandoned ones (outcome recorded), fax, in-person visits" */
static void every_contact_is_an_interaction_of_the_customer(void **state)
{
  story *s = *state;
  int per_channel[CRM_CHANNEL_MAX + 1] = {0};
  int busy = 0, abandoned = 0;
  for (guint i = 0; i < s->contacts->len; i++) {
    crm_interaction *ix = NULL;
    assert_crm_ok(crm_interaction_lookup(&ix, s->t->db, g_array_index(s->contacts, crm_id, i)));
    assert_int_equal(crm_interaction_customer(ix), s->customer);
    assert_int_equal(crm_interaction_direction(ix), CRM_DIRECTION_INBOUND);
    per_channel[crm_interaction_channel(ix)]++;
    busy += crm_interaction_outcome(ix) == CRM_OUTCOME_BUSY;
    abandoned += crm_interaction_outcome(ix) == CRM_OUTCOME_ABANDONED;
    crm_interaction_free(ix);
  }
  assert_int_equal(per_channel[CRM_CHANNEL_LETTER], 1);
  assert_int_equal(per_channel[CRM_CHANNEL_EMAIL], 2);
  assert_int_equal(per_channel[CRM_CHANNEL_PHONE], 6);
  assert_int_equal(per_channel[CRM_CHANNEL_FAX], 1);
  assert_int_equal(per_channel[CRM_CHANNEL_IN_PERSON], 1);
  assert_int_equal(busy, 3);
  assert_int_equal(abandoned, 2);
}

/* "the customer is recognised across channels by his identities (e-mail
   addresses, phone number, member number)" */
static void recognised_by_every_identity(void **state)
{
  story *s = *state;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.default_phone_region = "IT";
  crm_db *italy = NULL;
  assert_crm_ok(crm_open(&italy, s->t->uri, &opts));
  const struct {
    crm_identity_kind_t kind;
    const char *value;
  } ids[] = {
      {CRM_IDENTITY_EXTERNAL, "BC-0042"},           {CRM_IDENTITY_EMAIL, "Mario.Rossi@Example.IT"},
      {CRM_IDENTITY_EMAIL, "m.rossi@work.example"}, {CRM_IDENTITY_PHONE, "02 1234 5678"},
      {CRM_IDENTITY_PHONE, "0039 02 12345678"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
    crm_id found = 0;
    assert_crm_ok(crm_customer_find(&found, italy, ids[i].kind, ids[i].value));
    assert_int_equal(found, s->customer);
  }
  crm_close(italy);
}

/* "... and duplicates can be merged": first, a returning customer is
   recognised, so no duplicate is made in the first place. */
static void a_returning_customer_is_not_duplicated(void **state)
{
  story *s = *state;
  crm_id twin = 0;
  int created = 0;
  assert_crm_ok(crm_customer_ensure(&twin, &created, s->t->db, CRM_IDENTITY_EMAIL,
                                    "mario.rossi@example.it", NULL));
  assert_false(created); /* recognised: no duplicate is made in the first place */
  assert_int_equal(twin, s->customer);
}

/* "no inbound message is ever dropped for not matching a type: a complaint
   opens or joins a case exactly like an order does, and an inbound
   message with no case is impossible" */
static void every_inbound_contact_has_a_case(void **state)
{
  story *s = *state;
  for (guint i = 0; i < s->contacts->len; i++)
    assert_true(case_of(s, g_array_index(s->contacts, crm_id, i)) > 0);
  /* the order (a letter) opened a case, the complaint e-mail another */
  crm_id order_case = case_of(s, g_array_index(s->contacts, crm_id, 0));
  assert_true(order_case > 0);
  assert_int_not_equal(order_case, s->complaint_case);
  /* the capitals e-mail threaded to the first one by In-Reply-To */
  assert_int_equal(case_of(s, g_array_index(s->contacts, crm_id, 8)), s->complaint_case);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, s->t->db, s->complaint_case));
  /* e-mail 1, six calls (busy and abandoned too), e-mail 2, the shop visit */
  assert_int_equal(crm_case_inbound_count(c), 9);
  crm_case_free(c);
}

/* "cancelling the contract is a recorded change with an event
   (customer.preference: no postal mailings) that an outbound mailing tool
   can consume from the durable event feed, so the third catalogue is
   never sent" */
static int catalogue_sender(const crm_event *ev, void *payload)
{
  (void)ev;
  (*(int *)payload)++;
  return 0;
}

static void cancellation_reaches_the_mailing_tool(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  int64_t cursor = 0;
  assert_crm_ok(crm_event_cursor_get(&cursor, db, "catalogue-mailer"));
  int heard = 0, token = 0;
  assert_crm_ok(crm_subscribe(&token, db, "customer.preference", catalogue_sender, &heard));

  assert_crm_ok(crm_customer_set_preference(db, s->customer, CRM_CHANNEL_LETTER, "marketing", 0));
  assert_int_equal(heard, 1);

  /* The mailing tool is another process: it reads the durable feed from
     its cursor, in its own handle. */
  crm_db *mailer = crm_test_db_open_another(s->t);
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, mailer, cursor));
  crm_event *ev = NULL;
  int stop_orders = 0;
  int64_t last = cursor;
  while (crm_event_next(&ev, it) == CRM_OK) {
    last = crm_event_seq(ev);
    if (strcmp(crm_event_kind(ev), "customer.preference") == 0 &&
        crm_event_entity_id(ev) == s->customer && strstr(crm_event_payload(ev), "\"letter\"") &&
        strstr(crm_event_payload(ev), "\"marketing\"") && strstr(crm_event_payload(ev), "false"))
      stop_orders++;
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  assert_int_equal(stop_orders, 1);
  assert_crm_ok(crm_event_cursor_set(mailer, "catalogue-mailer", last));

  int allowed = 1;
  assert_crm_ok(
      crm_customer_may_contact(&allowed, mailer, s->customer, CRM_CHANNEL_LETTER, "marketing"));
  assert_false(allowed);
  /* the service letters (the written confirmation) still go out */
  assert_crm_ok(
      crm_customer_may_contact(&allowed, mailer, s->customer, CRM_CHANNEL_LETTER, "service"));
  assert_true(allowed);
  crm_close(mailer);
}

/* "agents see the whole timeline: the shop clerk and head office start
   from the previous episode, not from zero" */
static void head_office_starts_from_the_previous_episode(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  /* The clerk resolved the case; a month later the third catalogue comes
     and he calls head office: the case is reopened within the window. */
  assert_crm_ok(crm_case_set_status(db, s->complaint_case, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_setting_set(db, "reopen_window", "3456000")); /* 40 days */
  s->t->now += 30 * DAY;
  crm_interaction_spec call = CRM_INTERACTION_SPEC_INIT;
  call.customer = s->customer;
  call.case_id = s->complaint_case;
  call.channel = CRM_CHANNEL_PHONE;
  call.direction = CRM_DIRECTION_INBOUND;
  call.outcome = CRM_OUTCOME_ANSWERED;
  call.agent = s->head_office;
  call.subject = "Third catalogue arrived";
  crm_id head_call = 0;
  assert_crm_ok(crm_interaction_record(&head_call, db, &call));
  assert_int_equal(case_of(s, head_call), s->complaint_case);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, s->complaint_case));
  assert_int_equal(crm_case_status(c), CRM_CASE_OPEN);
  assert_int_equal(crm_case_reopen_count(c), 1);
  crm_case_free(c);

  /* Head office reads the whole story across channels, newest first,
     two pages of 7. */
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = s->customer;
  q.limit = 7;
  crm_channel_t seen[32];
  size_t n = 0;
  crm_time prev_time = INT64_MAX;
  for (int page = 0; page < 3; page++) {
    crm_timeline_iterator *it = NULL;
    assert_crm_ok(crm_timeline_iterator_new(&it, db, &q));
    crm_interaction *ix = NULL;
    size_t in_page = 0;
    while (crm_timeline_next(&ix, it) == CRM_OK) {
      assert_true(crm_interaction_occurred_at(ix) <= prev_time);
      prev_time = crm_interaction_occurred_at(ix);
      assert_true(n < G_N_ELEMENTS(seen));
      seen[n++] = crm_interaction_channel(ix);
      q.before = crm_interaction_occurred_at(ix);
      q.before_id = crm_interaction_id(ix);
      in_page++;
      crm_interaction_free(ix);
    }
    crm_timeline_iterator_free(it);
    if (in_page == 0)
      break;
  }
  /* 12 contacts: the head-office call first, the postal card last */
  assert_int_equal(n, 12);
  assert_int_equal(seen[0], CRM_CHANNEL_PHONE);
  assert_int_equal(seen[1], CRM_CHANNEL_IN_PERSON);
  assert_int_equal(seen[2], CRM_CHANNEL_FAX);
  assert_int_equal(seen[n - 1], CRM_CHANNEL_LETTER);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_contact_is_an_interaction_of_the_customer, play,
                                      forget),
      cmocka_unit_test_setup_teardown(recognised_by_every_identity, play, forget),
      cmocka_unit_test_setup_teardown(a_returning_customer_is_not_duplicated, play, forget),
      cmocka_unit_test_setup_teardown(every_inbound_contact_has_a_case, play, forget),
      cmocka_unit_test_setup_teardown(cancellation_reaches_the_mailing_tool, play, forget),
      cmocka_unit_test_setup_teardown(head_office_starts_from_the_previous_episode, play, forget),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
