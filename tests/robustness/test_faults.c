/*
 * Fault injection: every mutating call of the public API, run through the
 * "faulty" wrapper backend with its Nth storage call failing, N = 1, 2,
 * 3, ... until the call succeeds. After every failure the database must be
 * exactly as before (a fingerprint of every row of every table, read
 * behind the library's back), with no new event, no event delivered to a
 * subscriber and no id handed out; the failure must reach the caller with
 * the injected message. Each call runs three ways:
 *
 *  - once: only the Nth storage call fails (a passing hiccup);
 *  - persistent: the Nth and every later call fail, except rollbacks (a
 *    store that went away mid-call);
 *  - in a transaction: inside crm_begin, the Nth call fails once, then
 *    crm_commit must commit exactly the state from before the call (a
 *    failed call undoes only its own savepoint).
 *
 * The suite never names a backend: meson runs it on each one.
 *
 * SPDX-License-Identifier: MIT
 */
#include <glib.h>
#include <string.h>

#include "crm/sys/backend.h"
#include "faulty_backend.h"
#include "testutil.h"

/* A storage call count no API call comes near: the loop's bound. */
#define MAX_STORAGE_CALLS 2000

typedef struct fixture fixture;

typedef struct {
  const char *name;
  /* Writes what the call needs (after the shared world), through t->db. */
  void (*prepare)(fixture *f);
  /* The mutating call, through the faulty handle. */
  crm_status (*action)(fixture *f, crm_db *db);
  /* After the call went through (committed): did it do what it should? */
  void (*check)(fixture *f);
  int quiet; /* a change that appends no event (consumer cursors) */
  /* a slot the call runs after its commit and may fail without failing
     the call, as its header documents (crm_customer_erase: compact) */
  const char *after_commit;
} scenario;

struct fixture {
  const scenario *sc;
  crm_test_db *t;
  crm_db *fdb; /* the same database through the faulty wrapper */
  /* the shared world (see build_world) */
  crm_id alice, bob, queue, agent, ix_mail, case_mail, case_open, case_resolved;
  crm_id calendar, policy, incident; /* made by the scenarios that need them */
  crm_id out;                        /* an id the action hands back: 0 after a failure */
  long notified;                     /* events the faulty handle's subscriber received */
};

/* ------------------------------------------------------------------ */
/* fixtures                                                             */

static crm_time fixture_clock(void *payload)
{
  return ((crm_test_db *)payload)->now;
}

static int count_notification(const crm_event *ev, void *payload)
{
  (void)ev;
  ((fixture *)payload)->notified++;
  return 0;
}

static crm_id record_inbound(crm_db *db, crm_id customer, const char *subject, const char *ref)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = subject;
  s.body = "Hello, my order has not arrived.";
  s.external_ref = ref;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &s));
  return id;
}

static crm_id open_case(crm_db *db, crm_id customer, const char *subject)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = subject;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, db, &spec));
  return id;
}

/*
 * What most calls act on: two customers, a queue with an agent, a case
 * filed from an e-mail (tagged), a case opened by hand, and a case
 * resolved at T0 (a later inbound contact reopens it or follows it up).
 */
static void build_world(fixture *f)
{
  crm_db *db = f->t->db;
  f->alice = crm_test_customer(db, "alice@example.com");
  assert_crm_ok(crm_customer_create(&f->bob, db, "Bob Baker"));
  assert_crm_ok(crm_queue_create(&f->queue, db, "support"));
  assert_crm_ok(crm_agent_create(&f->agent, db, "Gina", "gina@example.com"));
  assert_crm_ok(crm_agent_join(db, f->agent, f->queue, CRM_ROLE_AGENT));
  f->ix_mail = record_inbound(db, f->alice, "Where is my order?", "<m1@example.com>");
  f->case_mail = crm_test_case_of(db, f->ix_mail);
  assert_crm_ok(crm_case_tag(db, f->case_mail, "shipping"));
  f->case_open = open_case(db, f->bob, "Invoice question");
  f->case_resolved = open_case(db, f->alice, "Password reset");
  assert_crm_ok(crm_case_set_status(db, f->case_resolved, CRM_CASE_RESOLVED, 0));
  f->t->now += 60;
}

static int setup(void **state)
{
  fixture *f = g_new0(fixture, 1);
  f->sc = *state;
  f->t = crm_test_db_new(NULL);
  assert_crm_ok(faulty_backend_register());
  crm_open_options opts = f->t->opts;
  opts.clock = fixture_clock;
  opts.clock_payload = f->t;
  char *uri = faulty_uri(f->t->uri);
  crm_status st = crm_open(&f->fdb, uri, &opts);
  g_free(uri);
  assert_crm_ok(st);
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, f->fdb, "", count_notification, f));
  build_world(f);
  if (f->sc->prepare)
    f->sc->prepare(f);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  faulty_disarm();
  crm_close(f->fdb);
  crm_test_db_free(f->t);
  g_free(f);
  return 0;
}

/* ------------------------------------------------------------------ */
/* the loop                                                             */

typedef enum { RUN_ONCE, RUN_PERSISTENT, RUN_IN_TRANSACTION } run_mode;

static const char *const mode_names[] = {"once", "persistent", "in a transaction"};

/* Run the action with storage call n failing; *fired: whether it did. */
static crm_status attempt(fixture *f, run_mode mode, long n, long *fired)
{
  f->out = 0;
  f->notified = 0;
  if (mode == RUN_IN_TRANSACTION)
    assert_crm_ok(crm_begin(f->fdb));
  faulty_arm(n, CRM_ERROR, mode == RUN_PERSISTENT);
  crm_status st = f->sc->action(f, f->fdb);
  *fired = faulty_fired();
  faulty_disarm();
  if (mode == RUN_IN_TRANSACTION) {
    /* keep the call's error readable across the commit */
    crm_error saved = *crm_error_last();
    char *msg = g_strdup(saved.message);
    assert_crm_ok(crm_commit(f->fdb));
    crm_backend_error(saved.code, "%s", msg);
    g_free(msg);
  }
  return st;
}

/* A failed attempt: reported with the injected error, and nothing left. */
static void check_failed_attempt(fixture *f, run_mode mode, long n, crm_status st,
                                 const char *before, long events_before)
{
  const char *what = f->sc->name;
  if (st == CRM_OK)
    fail_msg("%s (%s): storage call %ld (%s) failed, yet the call returned CRM_OK", what,
             mode_names[mode], n, faulty_fired_slot());
  const crm_error *e = crm_error_last();
  if (st != CRM_ERROR || strstr(e->message, "injected failure") == NULL)
    fail_msg("%s (%s): storage call %ld (%s) failed, but the call returned %d \"%s\"", what,
             mode_names[mode], n, faulty_fired_slot(), st, e->message);
  char *after = crm_test_fingerprint(f->t);
  if (strcmp(before, after) != 0)
    fail_msg("%s (%s): storage call %ld (%s) failed and the database changed:\n before %s\n "
             "after  %s",
             what, mode_names[mode], n, faulty_fired_slot(), before, after);
  g_free(after);
  long events = crm_test_count_events(f->t->db);
  if (events != events_before)
    fail_msg("%s (%s): storage call %ld (%s) failed and the feed went from %ld to %ld events", what,
             mode_names[mode], n, faulty_fired_slot(), events_before, events);
  if (f->out != 0)
    fail_msg("%s (%s): storage call %ld failed and the call handed out id %lld", what,
             mode_names[mode], n, (long long)f->out);
  if (f->notified != 0)
    fail_msg("%s (%s): storage call %ld failed and %ld events reached a subscriber", what,
             mode_names[mode], n, f->notified);
}

/*
 * N = 1, 2, ... until the call goes through without a failure; returns
 * how many attempts failed. The database is the same before each attempt
 * (that is what is checked), so every attempt starts from the same state.
 */
static long fail_every_call(fixture *f, run_mode mode)
{
  char *before = crm_test_fingerprint(f->t);
  long events_before = crm_test_count_events(f->t->db);
  long failures = 0;
  for (long n = 1; n <= MAX_STORAGE_CALLS; n++) {
    long fired = 0;
    crm_status st = attempt(f, mode, n, &fired);
    int absorbed = fired && st == CRM_OK && f->sc->after_commit &&
                   strcmp(faulty_fired_slot(), f->sc->after_commit) == 0;
    if (fired == 0 || absorbed) {
      assert_crm_ok(st);
      /* a success must write, or the comparisons above proved nothing */
      char *after = crm_test_fingerprint(f->t);
      if (strcmp(before, after) == 0)
        fail_msg("%s (%s): the call succeeded and wrote nothing", f->sc->name, mode_names[mode]);
      g_free(after);
      if (!f->sc->quiet)
        assert_true(crm_test_count_events(f->t->db) > events_before);
      if (f->sc->check)
        f->sc->check(f);
      g_free(before);
      return failures;
    }
    failures++;
    check_failed_attempt(f, mode, n, st, before, events_before);
  }
  fail_msg("%s (%s): still failing after %d storage calls", f->sc->name, mode_names[mode],
           MAX_STORAGE_CALLS);
  return failures;
}

/*
 * One mode per fresh database: the first success changes the state the
 * next mode would start from.
 */
static void run_mode_test(void **state, run_mode mode)
{
  fixture *f = *state;
  long failures = fail_every_call(f, mode);
  /* the first storage call of any mutating call can fail */
  assert_true(failures >= 1);
}

static void test_once(void **state)
{
  run_mode_test(state, RUN_ONCE);
}

static void test_persistent(void **state)
{
  run_mode_test(state, RUN_PERSISTENT);
}

static void test_in_transaction(void **state)
{
  run_mode_test(state, RUN_IN_TRANSACTION);
}

/* ------------------------------------------------------------------ */
/* the calls                                                            */

/* customers */

static crm_status do_customer_create(fixture *f, crm_db *db)
{
  return crm_customer_create(&f->out, db, "Carol Clark");
}

static crm_status do_customer_ensure_new(fixture *f, crm_db *db)
{
  int created = 0;
  return crm_customer_ensure(&f->out, &created, db, CRM_IDENTITY_EMAIL, "carol@example.com", NULL);
}

static void check_customer_ensure_new(fixture *f)
{
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, f->t->db, CRM_IDENTITY_EMAIL, "carol@example.com"));
  assert_int_equal(found, f->out);
}

static crm_status do_customer_update(fixture *f, crm_db *db)
{
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.display_name = "Alice Adams";
  spec.organization = "Acme";
  spec.segment = "gold";
  return crm_customer_update(db, f->alice, &spec, crm_test_customer_version(f->t->db, f->alice));
}

static crm_status do_customer_set_attribute(fixture *f, crm_db *db)
{
  return crm_customer_set_attribute(db, f->alice, "member_since", "2019");
}

static void prepare_attribute(fixture *f)
{
  assert_crm_ok(crm_customer_set_attribute(f->t->db, f->alice, "member_since", "2018"));
}

static crm_status do_customer_remove_attribute(fixture *f, crm_db *db)
{
  return crm_customer_set_attribute(db, f->alice, "member_since", NULL);
}

static crm_status do_customer_set_preference(fixture *f, crm_db *db)
{
  return crm_customer_set_preference(db, f->alice, CRM_CHANNEL_LETTER, "marketing", 0);
}

static crm_status do_identity_add(fixture *f, crm_db *db)
{
  return crm_identity_add(db, f->alice, CRM_IDENTITY_PHONE, "+39 06 1234 5678");
}

static void prepare_second_identity(fixture *f)
{
  assert_crm_ok(crm_identity_add(f->t->db, f->alice, CRM_IDENTITY_EMAIL, "alice@work.example"));
}

static crm_status do_identity_remove(fixture *f, crm_db *db)
{
  return crm_identity_remove(db, f->alice, CRM_IDENTITY_EMAIL, "alice@work.example");
}

/* interactions */

static crm_status do_record_new_case(fixture *f, crm_db *db)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->bob;
  s.channel = CRM_CHANNEL_PHONE;
  s.direction = CRM_DIRECTION_INBOUND;
  s.outcome = CRM_OUTCOME_ANSWERED;
  s.subject = "Billing call";
  s.external_ref = "call-77";
  return crm_interaction_record(&f->out, db, &s);
}

static crm_status do_record_threaded(fixture *f, crm_db *db)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->alice;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = "Re: Where is my order?";
  s.external_ref = "<m2@example.com>";
  s.in_reply_to = "<m1@example.com>";
  return crm_interaction_record(&f->out, db, &s);
}

static void check_record_threaded(fixture *f)
{
  assert_int_equal(crm_test_case_of(f->t->db, f->out), f->case_mail);
}

/* An inbound contact on the resolved case, within the reopen window. */
static crm_status do_record_reopening(fixture *f, crm_db *db)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->alice;
  s.case_id = f->case_resolved;
  s.channel = CRM_CHANNEL_CHAT;
  s.direction = CRM_DIRECTION_INBOUND;
  s.body = "It still does not work";
  return crm_interaction_record(&f->out, db, &s);
}

/* The same, after the reopen window: a follow-up case. */
static void prepare_late(fixture *f)
{
  f->t->now += 30 * 86400;
}

static void check_record_reopening(fixture *f)
{
  assert_int_equal(crm_test_case_of(f->t->db, f->out), f->case_resolved);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, f->t->db, f->case_resolved));
  assert_int_equal(crm_case_status(c), CRM_CASE_OPEN);
  assert_int_equal(crm_case_reopen_count(c), 1);
  crm_case_free(c);
}

static crm_status do_record_follow_up(fixture *f, crm_db *db)
{
  return do_record_reopening(f, db);
}

static void check_record_follow_up(fixture *f)
{
  assert_int_not_equal(crm_test_case_of(f->t->db, f->out), f->case_resolved);
}

static crm_status do_record_outbound(fixture *f, crm_db *db)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->alice;
  s.case_id = f->case_mail;
  s.agent = f->agent;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_OUTBOUND;
  s.body = "Your parcel left today.";
  s.in_reply_to = "<m1@example.com>";
  return crm_interaction_record(&f->out, db, &s);
}

static crm_status do_record_note(fixture *f, crm_db *db)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->alice;
  s.case_id = f->case_mail;
  s.channel = CRM_CHANNEL_NOTE;
  s.direction = CRM_DIRECTION_INTERNAL;
  s.body = "Called the carrier.";
  return crm_interaction_record(&f->out, db, &s);
}

static crm_status do_interaction_move(fixture *f, crm_db *db)
{
  return crm_interaction_move(db, f->ix_mail, f->case_open);
}

static crm_status do_interaction_set_attribute(fixture *f, crm_db *db)
{
  return crm_interaction_set_attribute(db, f->ix_mail, "sentiment", "negative");
}

static crm_status do_interaction_add_participant(fixture *f, crm_db *db)
{
  return crm_interaction_add_participant(db, f->ix_mail, CRM_IDENTITY_EMAIL, "Dave@Example.com",
                                         "cc");
}

static crm_status do_interaction_attach(fixture *f, crm_db *db)
{
  static const char data[] = "%PDF-1.4 a receipt";
  return crm_interaction_attach(&f->out, db, f->ix_mail, "receipt.pdf", "application/pdf", data,
                                sizeof data - 1);
}

/* cases */

static crm_status do_case_open(fixture *f, crm_db *db)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = f->alice;
  spec.subject = "Refund";
  spec.priority = CRM_PRIORITY_HIGH;
  spec.queue = f->queue;
  spec.assignee = f->agent;
  return crm_case_open(&f->out, db, &spec);
}

static crm_status do_case_set_status(fixture *f, crm_db *db)
{
  return crm_case_set_status(db, f->case_mail, CRM_CASE_PENDING_CUSTOMER,
                             crm_test_case_version(f->t->db, f->case_mail));
}

static crm_status do_case_resolve(fixture *f, crm_db *db)
{
  return crm_case_set_status(db, f->case_open, CRM_CASE_RESOLVED, 0);
}

static crm_status do_case_reopen(fixture *f, crm_db *db)
{
  return crm_case_set_status(db, f->case_resolved, CRM_CASE_OPEN, 0);
}

static crm_status do_case_set_priority(fixture *f, crm_db *db)
{
  return crm_case_set_priority(db, f->case_mail, CRM_PRIORITY_URGENT,
                               crm_test_case_version(f->t->db, f->case_mail));
}

static crm_status do_case_assign(fixture *f, crm_db *db)
{
  return crm_case_assign(db, f->case_mail, f->queue, f->agent, 0);
}

static void prepare_assigned(fixture *f)
{
  assert_crm_ok(crm_case_assign(f->t->db, f->case_mail, f->queue, 0, 0));
}

/* a transfer: the second assignment of the case */
static crm_status do_case_transfer(fixture *f, crm_db *db)
{
  return crm_case_assign(db, f->case_mail, 0, f->agent, 0);
}

static crm_status do_case_tag(fixture *f, crm_db *db)
{
  return crm_case_tag(db, f->case_mail, "vip");
}

static crm_status do_case_untag(fixture *f, crm_db *db)
{
  return crm_case_untag(db, f->case_mail, "shipping");
}

static crm_status do_case_link(fixture *f, crm_db *db)
{
  return crm_case_link(db, f->case_open, CRM_LINK_RELATED, f->case_mail);
}

static crm_status do_case_set_csat(fixture *f, crm_db *db)
{
  return crm_case_set_csat(db, f->case_resolved, 4, "quick and kind");
}

/* queues and agents */

static crm_status do_queue_create(fixture *f, crm_db *db)
{
  return crm_queue_create(&f->out, db, "billing");
}

static crm_status do_agent_create(fixture *f, crm_db *db)
{
  return crm_agent_create(&f->out, db, "Hank", "hank@example.com");
}

static crm_status do_agent_join(fixture *f, crm_db *db)
{
  return crm_agent_join(db, f->agent, f->queue, CRM_ROLE_SUPERVISOR);
}

static crm_status do_agent_leave(fixture *f, crm_db *db)
{
  return crm_agent_leave(db, f->agent, f->queue);
}

static crm_status do_queue_add_skill(fixture *f, crm_db *db)
{
  return crm_queue_add_skill(db, f->queue, "german");
}

static crm_status do_agent_add_skill(fixture *f, crm_db *db)
{
  return crm_agent_add_skill(db, f->agent, "german");
}

/* the handle */

static crm_status do_setting_set(fixture *f, crm_db *db)
{
  (void)f;
  return crm_setting_set(db, "reopen_window", "86400");
}

static crm_status do_event_cursor_set(fixture *f, crm_db *db)
{
  (void)f;
  return crm_event_cursor_set(db, "mailer", 3);
}

/* past the auto-close delay of the resolved case */
static void prepare_autoclose(fixture *f)
{
  assert_crm_ok(crm_setting_set(f->t->db, "autoclose_after", "3600"));
  f->t->now += 7200;
}

static crm_status do_tick_autoclose(fixture *f, crm_db *db)
{
  size_t fired = 0;
  crm_status st = crm_tick(&fired, db, 0);
  f->out = (crm_id)fired; /* 0 after a failure, like an id */
  return st;
}

static void check_tick_autoclose(fixture *f)
{
  assert_int_equal(f->out, 1);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, f->t->db, f->case_resolved));
  assert_int_equal(crm_case_status(c), CRM_CASE_CLOSED);
  crm_case_free(c);
}

/* mail */

static const char new_mail[] = "From: Erin Evans <erin@example.com>\r\n"
                               "To: help@example.com\r\n"
                               "Subject: Broken lid\r\n"
                               "Date: Mon, 02 Mar 2026 09:30:00 +0000\r\n"
                               "Message-ID: <lid-1@example.com>\r\n"
                               "MIME-Version: 1.0\r\n"
                               "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                               "\r\n"
                               "--b1\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "\r\n"
                               "The lid arrived broken.\r\n"
                               "--b1\r\n"
                               "Content-Type: image/png\r\n"
                               "Content-Disposition: attachment; filename=\"lid.png\"\r\n"
                               "Content-Transfer-Encoding: base64\r\n"
                               "\r\n"
                               "iVBORw0KGgo=\r\n"
                               "--b1--\r\n";

static const char reply_mail[] = "From: alice@example.com\r\n"
                                 "To: help@example.com\r\n"
                                 "Subject: Re: Where is my order?\r\n"
                                 "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
                                 "Message-ID: <m3@example.com>\r\n"
                                 "In-Reply-To: <m1@example.com>\r\n"
                                 "\r\n"
                                 "Any news?\r\n";

static crm_status ingest(fixture *f, crm_db *db, const char *raw)
{
  crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
  crm_status st = crm_mail_ingest(&r, db, raw, strlen(raw), NULL);
  f->out = r.interaction;
  return st;
}

static crm_status do_mail_ingest_new(fixture *f, crm_db *db)
{
  return ingest(f, db, new_mail);
}

static crm_status do_mail_ingest_reply(fixture *f, crm_db *db)
{
  return ingest(f, db, reply_mail);
}

/* SLA: calendars, policies, and the clocks that cases carry */

static crm_calendar *office_hours(void)
{
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "Europe/Rome"));
  for (int day = 1; day <= 5; day++)
    assert_crm_ok(crm_calendar_add_hours(cal, day, 9 * 60, 18 * 60));
  return cal;
}

static crm_status do_calendar_save(fixture *f, crm_db *db)
{
  crm_calendar *cal = office_hours();
  crm_status st = crm_calendar_save(&f->out, db, "Rome office", cal);
  crm_calendar_free(cal);
  return st;
}

static void prepare_calendar(fixture *f)
{
  crm_calendar *cal = office_hours();
  assert_crm_ok(crm_calendar_save(&f->calendar, f->t->db, "Rome office", cal));
  crm_calendar_free(cal);
}

static crm_status do_calendar_update(fixture *f, crm_db *db)
{
  crm_calendar *cal = office_hours();
  assert_crm_ok(crm_calendar_add_holiday(cal, "2026-04-06", "Easter Monday"));
  crm_status st = crm_calendar_update(db, f->calendar, cal);
  crm_calendar_free(cal);
  return st;
}

static void gold_policy(crm_sla_policy_spec *spec, int64_t first_response)
{
  crm_sla_policy_spec init = CRM_SLA_POLICY_SPEC_INIT;
  *spec = init;
  spec->name = "Gold";
  spec->targets[CRM_SLA_FIRST_RESPONSE] = first_response;
  spec->targets[CRM_SLA_NEXT_RESPONSE] = 2 * first_response;
  spec->targets[CRM_SLA_RESOLUTION] = 24 * 3600;
  spec->warn_percent = 80;
  spec->pause_statuses = 1u << CRM_CASE_PENDING_CUSTOMER;
}

static crm_status do_sla_policy_create(fixture *f, crm_db *db)
{
  crm_sla_policy_spec spec;
  gold_policy(&spec, 3600);
  return crm_sla_policy_create(&f->out, db, &spec);
}

static void prepare_policy(fixture *f)
{
  crm_sla_policy_spec spec;
  gold_policy(&spec, 3600);
  assert_crm_ok(crm_sla_policy_create(&f->policy, f->t->db, &spec));
}

static crm_status do_sla_policy_update(fixture *f, crm_db *db)
{
  crm_sla_policy_spec spec;
  gold_policy(&spec, 1800);
  return crm_sla_policy_update(db, f->policy, &spec);
}

/* a case opened under the policy, with its clocks running */
static void prepare_sla_case(fixture *f)
{
  prepare_policy(f);
  f->case_open =
      crm_test_case_of(f->t->db, record_inbound(f->t->db, f->bob, "Late parcel", "<sla@x>"));
  f->t->now += 600;
}

static crm_status do_sla_record_new_case(fixture *f, crm_db *db)
{
  return do_record_new_case(f, db);
}

static crm_status do_sla_reply(fixture *f, crm_db *db)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->bob;
  s.case_id = f->case_open;
  s.agent = f->agent;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_OUTBOUND;
  s.body = "On its way.";
  return crm_interaction_record(&f->out, db, &s);
}

static crm_status do_sla_set_priority(fixture *f, crm_db *db)
{
  return crm_case_set_priority(db, f->case_open, CRM_PRIORITY_URGENT, 0);
}

static crm_status do_sla_pause(fixture *f, crm_db *db)
{
  return crm_case_set_status(db, f->case_open, CRM_CASE_PENDING_CUSTOMER, 0);
}

static crm_status do_sla_resolve(fixture *f, crm_db *db)
{
  return crm_case_set_status(db, f->case_open, CRM_CASE_RESOLVED, 0);
}

/* past the warning and due instants of the first response */
static void prepare_sla_due(fixture *f)
{
  prepare_sla_case(f);
  f->t->now += 2 * 3600;
}

static crm_status do_sla_tick(fixture *f, crm_db *db)
{
  size_t fired = 0;
  crm_status st = crm_tick(&fired, db, 0);
  f->out = (crm_id)fired;
  return st;
}

static void check_sla_tick(fixture *f)
{
  assert_true(f->out >= 1);
}

/* customer lifecycle */

static crm_status do_customer_set_preference_ext(fixture *f, crm_db *db)
{
  return crm_customer_set_preference_ext(db, f->alice, CRM_CHANNEL_EMAIL, "newsletter", 1,
                                         "web form");
}

static crm_status do_customer_merge(fixture *f, crm_db *db)
{
  return crm_customer_merge(db, f->bob, f->alice);
}

static void prepare_merged(fixture *f)
{
  assert_crm_ok(crm_customer_merge(f->t->db, f->bob, f->alice));
}

static crm_status do_customer_unmerge(fixture *f, crm_db *db)
{
  return crm_customer_unmerge(db, f->alice);
}

static crm_status do_customer_erase(fixture *f, crm_db *db)
{
  return crm_customer_erase(db, f->alice, "GDPR request 12");
}

/* incidents */

static void prepare_incident(fixture *f)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = f->bob;
  spec.subject = "Carrier outage";
  spec.kind = CRM_CASE_INCIDENT;
  assert_crm_ok(crm_case_open(&f->incident, f->t->db, &spec));
}

static void prepare_incident_attached(fixture *f)
{
  prepare_incident(f);
  assert_crm_ok(crm_incident_attach(f->t->db, f->incident, f->case_mail));
}

static crm_status do_incident_attach(fixture *f, crm_db *db)
{
  return crm_incident_attach(db, f->incident, f->case_mail);
}

static crm_status do_incident_set_scope(fixture *f, crm_db *db)
{
  return crm_incident_set_scope(db, f->incident, "area", "0039-06");
}

static crm_status do_incident_update(fixture *f, crm_db *db)
{
  return crm_incident_update(db, f->incident, "The carrier is working on it.");
}

static crm_status do_incident_resolve(fixture *f, crm_db *db)
{
  size_t affected = 0;
  crm_status st = crm_incident_resolve(&affected, db, f->incident, "Deliveries resumed.");
  f->out = (crm_id)affected;
  return st;
}

static void check_incident_resolve(fixture *f)
{
  assert_int_equal(f->out, 1);
}

/* clang-format off */
#define SCENARIO(name, prepare) {#name, prepare, do_##name, NULL, 0, NULL}
#define SCENARIO_CHECKED(name, prepare) {#name, prepare, do_##name, check_##name, 0, NULL}
#define SCENARIO_QUIET(name, prepare) {#name, prepare, do_##name, NULL, 1, NULL}
#define SCENARIO_THEN(name, prepare, slot) {#name, prepare, do_##name, NULL, 0, slot}
/* clang-format on */
static const scenario scenarios[] = {
    SCENARIO(customer_create, NULL),
    SCENARIO_CHECKED(customer_ensure_new, NULL),
    SCENARIO(customer_update, NULL),
    SCENARIO(customer_set_attribute, NULL),
    SCENARIO(customer_remove_attribute, prepare_attribute),
    SCENARIO(customer_set_preference, NULL),
    SCENARIO(identity_add, NULL),
    SCENARIO(identity_remove, prepare_second_identity),
    SCENARIO(record_new_case, NULL),
    SCENARIO_CHECKED(record_threaded, NULL),
    SCENARIO_CHECKED(record_reopening, NULL),
    SCENARIO_CHECKED(record_follow_up, prepare_late),
    SCENARIO(record_outbound, NULL),
    SCENARIO(record_note, NULL),
    SCENARIO(interaction_move, NULL),
    SCENARIO(interaction_set_attribute, NULL),
    SCENARIO(interaction_add_participant, NULL),
    SCENARIO(interaction_attach, NULL),
    SCENARIO(case_open, NULL),
    SCENARIO(case_set_status, NULL),
    SCENARIO(case_resolve, NULL),
    SCENARIO(case_reopen, NULL),
    SCENARIO(case_set_priority, NULL),
    SCENARIO(case_assign, NULL),
    SCENARIO(case_transfer, prepare_assigned),
    SCENARIO(case_tag, NULL),
    SCENARIO(case_untag, NULL),
    SCENARIO(case_link, NULL),
    SCENARIO(case_set_csat, NULL),
    SCENARIO(queue_create, NULL),
    SCENARIO(agent_create, NULL),
    SCENARIO(agent_join, NULL),
    SCENARIO(agent_leave, NULL),
    SCENARIO(queue_add_skill, NULL),
    SCENARIO(agent_add_skill, NULL),
    SCENARIO(setting_set, NULL),
    SCENARIO_QUIET(event_cursor_set, NULL),
    SCENARIO_CHECKED(tick_autoclose, prepare_autoclose),
    SCENARIO(mail_ingest_new, NULL),
    SCENARIO(mail_ingest_reply, NULL),
    SCENARIO(calendar_save, NULL),
    SCENARIO(calendar_update, prepare_calendar),
    SCENARIO(sla_policy_create, NULL),
    SCENARIO(sla_policy_update, prepare_policy),
    SCENARIO(sla_record_new_case, prepare_policy),
    SCENARIO(sla_reply, prepare_sla_case),
    SCENARIO(sla_set_priority, prepare_sla_case),
    SCENARIO(sla_pause, prepare_sla_case),
    SCENARIO(sla_resolve, prepare_sla_case),
    SCENARIO_CHECKED(sla_tick, prepare_sla_due),
    SCENARIO(customer_set_preference_ext, NULL),
    SCENARIO(customer_merge, NULL),
    SCENARIO(customer_unmerge, prepare_merged),
    SCENARIO_THEN(customer_erase, NULL, "compact"),
    SCENARIO(incident_attach, prepare_incident),
    SCENARIO(incident_set_scope, prepare_incident),
    SCENARIO(incident_update, prepare_incident_attached),
    SCENARIO_CHECKED(incident_resolve, prepare_incident_attached),
};

#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

int main(void)
{
  /* each scenario in each mode, on a fresh database */
  static struct CMUnitTest tests[N_SCENARIOS * 3];
  static char names[N_SCENARIOS * 3][96];
  static void (*const modes[3])(void **) = {test_once, test_persistent, test_in_transaction};
  size_t n = 0;
  for (size_t i = 0; i < N_SCENARIOS; i++)
    for (int m = 0; m < 3; m++, n++) {
      g_snprintf(names[n], sizeof names[n], "%s (%s)", scenarios[i].name, mode_names[m]);
      tests[n] = (struct CMUnitTest){names[n], modes[m], setup, teardown, (void *)&scenarios[i]};
    }
  /* CRM_TEST_FILTER="sla_*" runs only the matching scenarios,
     CRM_TEST_SKIP="calendar_*" leaves them out (debugging) */
  if (g_getenv("CRM_TEST_FILTER"))
    cmocka_set_test_filter(g_getenv("CRM_TEST_FILTER"));
  if (g_getenv("CRM_TEST_SKIP"))
    cmocka_set_skip_filter(g_getenv("CRM_TEST_SKIP"));
  return cmocka_run_group_tests(tests, NULL, NULL);
}
