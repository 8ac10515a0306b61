/*
 * Unit tests: the SLA engine (crm/sla.h) on always-open (24x7) policies:
 * policies and their versions, timers started, paused, fulfilled and
 * recomputed by cases and interactions, next-response cycles, warnings
 * and breaches recorded exactly once by crm_tick (also across two handles
 * and two threads), replay views, the due iterator and the case query's
 * due_before, and every error path. Business calendars are tested in
 * test_sla_calendar.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define HOUR   3600
#define MINUTE 60

/* ------------------------------------------------------------------ */
/* helpers                                                              */

typedef struct {
  int64_t fr, nr, res, pu;
} targets;

static crm_id make_policy(crm_db *db, const char *name, int order, crm_id calendar, targets t,
                          int warn, uint32_t pause, uint32_t priorities)
{
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = name;
  s.order = order;
  s.calendar = calendar;
  s.targets[CRM_SLA_FIRST_RESPONSE] = t.fr;
  s.targets[CRM_SLA_NEXT_RESPONSE] = t.nr;
  s.targets[CRM_SLA_RESOLUTION] = t.res;
  s.targets[CRM_SLA_PERIODIC_UPDATE] = t.pu;
  s.warn_percent = warn;
  s.pause_statuses = pause;
  s.priorities = priorities;
  crm_id id = 0;
  assert_crm_ok(crm_sla_policy_create(&id, db, &s));
  assert_true(id > 0);
  return id;
}

static crm_id open_case(crm_test_db *t, crm_id customer, crm_priority_t p, crm_case_kind_t kind)
{
  crm_case_spec s = CRM_CASE_SPEC_INIT;
  s.customer = customer;
  s.subject = "line drops";
  s.priority = p;
  s.kind = kind;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &s));
  return id;
}

static crm_id record(crm_test_db *t, crm_id customer, crm_id case_id, crm_channel_t channel,
                     crm_direction_t direction, crm_time occurred_at)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = channel;
  s.direction = direction;
  s.occurred_at = occurred_at;
  s.body = "text";
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, &s));
  return id;
}

/* The timer of `metric` in `view`, or NULL (owned). */
static crm_sla_timer *timer_of(crm_db *db, crm_id case_id, crm_sla_metric_t metric,
                               crm_sla_view_t view)
{
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_timer_iterator_new(&it, db, case_id, view));
  crm_sla_timer *t = NULL, *found = NULL;
  crm_status st;
  while ((st = crm_sla_timer_next(&t, it)) == CRM_OK) {
    if (found == NULL && crm_sla_timer_metric(t) == metric)
      found = t;
    else
      crm_sla_timer_free(t);
  }
  assert_int_equal(st, CRM_ITEROVER);
  crm_sla_timer_iterator_free(it);
  return found;
}

static crm_sla_timer *reported(crm_db *db, crm_id case_id, crm_sla_metric_t metric)
{
  return timer_of(db, case_id, metric, CRM_SLA_AS_REPORTED);
}

static int count_timers(crm_db *db, crm_id case_id)
{
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_timer_iterator_new(&it, db, case_id, CRM_SLA_AS_REPORTED));
  crm_sla_timer *t = NULL;
  int n = 0;
  while (crm_sla_timer_next(&t, it) == CRM_OK) {
    n++;
    crm_sla_timer_free(t);
  }
  crm_sla_timer_iterator_free(it);
  return n;
}

/* Events of one kind after seq `after`; the last one's payload into *payload (g_free). */
static int count_kind(crm_db *db, const char *kind, char **payload)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  int n = 0;
  if (payload)
    *payload = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0) {
      n++;
      if (payload) {
        g_free(*payload);
        *payload = g_strdup(crm_event_payload(ev));
      }
    }
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return n;
}

static size_t tick(crm_test_db *t, crm_time now)
{
  size_t fired = 99;
  assert_crm_ok(crm_tick(&fired, t->db, now));
  return fired;
}

static const targets normal = {8 * HOUR, 4 * HOUR, 40 * HOUR, 0};

/* ------------------------------------------------------------------ */
/* names and policy specs                                               */

static void names(void **state)
{
  (void)state;
  assert_string_equal(crm_sla_metric_name(CRM_SLA_FIRST_RESPONSE), "first_response");
  assert_string_equal(crm_sla_metric_name(CRM_SLA_NEXT_RESPONSE), "next_response");
  assert_string_equal(crm_sla_metric_name(CRM_SLA_RESOLUTION), "resolution");
  assert_string_equal(crm_sla_metric_name(CRM_SLA_PERIODIC_UPDATE), "periodic_update");
  assert_null(crm_sla_metric_name((crm_sla_metric_t)0));
  assert_null(crm_sla_metric_name((crm_sla_metric_t)5));
  const char *segs[] = {"activate", "pause",   "resume",    "fulfil",
                        "breach",   "warning", "recompute", "stop"};
  for (int k = 1; k <= CRM_SLA_SEGMENT_MAX; k++)
    assert_string_equal(crm_sla_segment_name((crm_sla_segment_t)k), segs[k - 1]);
  assert_null(crm_sla_segment_name((crm_sla_segment_t)0));
  assert_null(crm_sla_segment_name((crm_sla_segment_t)(CRM_SLA_SEGMENT_MAX + 1)));
}

static void policy_spec_init(void **state)
{
  (void)state;
  crm_sla_policy_spec s;
  memset(&s, 0x5a, sizeof s);
  assert_crm_ok(crm_sla_policy_spec_init(&s, CRM_SLA_POLICY_SPEC_VERSION));
  assert_int_equal(s.version, CRM_SLA_POLICY_SPEC_VERSION);
  assert_null(s.name);
  assert_int_equal(s.targets[CRM_SLA_RESOLUTION], 0);
  assert_int_equal(s.warn_percent, 0);
  assert_crm_error(crm_sla_policy_spec_init(NULL, 1), CRM_EINVALID, "spec");
  assert_crm_error(crm_sla_policy_spec_init(&s, 0), CRM_EINVALID, "version");
  assert_crm_error(crm_sla_policy_spec_init(&s, 2), CRM_EINVALID, "version");
}

static void policy_errors(void **state)
{
  crm_test_db *t = *state;
  crm_sla_policy_spec ok = CRM_SLA_POLICY_SPEC_INIT;
  ok.name = "normal";
  ok.targets[CRM_SLA_FIRST_RESPONSE] = HOUR;
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  crm_id id = 7;
  assert_crm_error(crm_sla_policy_create(NULL, t->db, &ok), CRM_EINVALID, "out");
  assert_crm_error(crm_sla_policy_create(&id, NULL, &ok), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  id = 7;
  assert_crm_error(crm_sla_policy_create(&id, t->db, NULL), CRM_EINVALID, "spec");
  assert_int_equal(id, 0);
  crm_sla_policy_spec b = ok;
  b.version = 2;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "version");
  b = ok;
  b.name = NULL;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "name");
  b.name = "";
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "name");
  b.name = "\xff\xfe";
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "UTF-8");
  b = ok;
  b.segment = "\xff";
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "segment");
  b = ok;
  b.priorities = 1u << 5;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "priorities mask 0x20");
  b = ok;
  b.priorities = 1u;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "priorities");
  b = ok;
  b.kinds = 1u << 4;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "kinds");
  b = ok;
  b.channels = 1u << 12;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "channels");
  b = ok;
  b.pause_statuses = 1u << 7;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "pause_statuses");
  b = ok;
  b.targets[CRM_SLA_RESOLUTION] = -1;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID,
                   "target for resolution is -1");
  b = ok;
  b.targets[0] = 5;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "targets[0]");
  b = ok;
  b.warn_percent = 101;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "warn_percent 101");
  b.warn_percent = -1;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "warn_percent -1");
  b = ok;
  b.calendar = -2;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "calendar id -2");
  b = ok;
  b.queue = -2;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_EINVALID, "queue id -2");
  b = ok;
  b.calendar = 999;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_ENOTFOUND, "calendar 999");
  b = ok;
  b.queue = 999;
  assert_crm_error(crm_sla_policy_create(&id, t->db, &b), CRM_ENOTFOUND, "999");
  assert_int_equal(id, 0);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);

  /* update and version */
  assert_crm_ok(crm_sla_policy_create(&id, t->db, &ok));
  int64_t v = 0;
  assert_crm_ok(crm_sla_policy_version(&v, t->db, id));
  assert_int_equal(v, 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "sla.policy");
  rows = crm_test_count_all_rows(t);
  events = crm_test_count_events(t->db);
  assert_crm_error(crm_sla_policy_update(NULL, id, &ok), CRM_EINVALID, "db");
  assert_crm_error(crm_sla_policy_update(t->db, 0, &ok), CRM_EINVALID, "policy");
  assert_crm_error(crm_sla_policy_update(t->db, id, NULL), CRM_EINVALID, "spec");
  b = ok;
  b.warn_percent = 200;
  assert_crm_error(crm_sla_policy_update(t->db, id, &b), CRM_EINVALID, "warn_percent");
  assert_crm_error(crm_sla_policy_update(t->db, id + 50, &ok), CRM_ENOTFOUND, "policy");
  b = ok;
  b.calendar = 999;
  assert_crm_error(crm_sla_policy_update(t->db, id, &b), CRM_ENOTFOUND, "calendar 999");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_crm_ok(crm_sla_policy_update(t->db, id, &ok));
  assert_crm_ok(crm_sla_policy_version(&v, t->db, id));
  assert_int_equal(v, 2);
  v = 9;
  assert_crm_error(crm_sla_policy_version(&v, t->db, id + 50), CRM_ENOTFOUND, "policy");
  assert_int_equal(v, 0);
  assert_crm_error(crm_sla_policy_version(NULL, t->db, id), CRM_EINVALID, "out");
  assert_crm_error(crm_sla_policy_version(&v, NULL, id), CRM_EINVALID, "db");
  assert_crm_error(crm_sla_policy_version(&v, t->db, -1), CRM_EINVALID, "policy");
}

/* ------------------------------------------------------------------ */
/* timers started and fulfilled                                         */

static void case_without_policy_has_no_timers(void **state)
{
  crm_test_db *t = *state;
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  assert_int_equal(count_timers(t->db, k), 0);
  assert_int_equal(tick(t, t->now + 100 * HOUR), 0);
}

static void case_open_starts_first_response_and_resolution(void **state)
{
  crm_test_db *t = *state;
  crm_id pol = make_policy(t->db, "normal", 10, 0, normal, 75, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  assert_int_equal(count_timers(t->db, k), 2);
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_non_null(fr);
  assert_int_equal(crm_sla_timer_case(fr), k);
  assert_true(crm_sla_timer_id(fr) > 0);
  assert_int_equal(crm_sla_timer_cycle(fr), 1);
  assert_int_equal(crm_sla_timer_view(fr), CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_policy(fr), pol);
  assert_int_equal(crm_sla_timer_policy_version(fr), 1);
  assert_int_equal(crm_sla_timer_calendar(fr), 0);
  assert_int_equal(crm_sla_timer_calendar_version(fr), 0);
  assert_int_equal(crm_sla_timer_target(fr), 8 * HOUR);
  assert_int_equal(crm_sla_timer_started_at(fr), CRM_TEST_T0);
  assert_int_equal(crm_sla_timer_due_at(fr), CRM_TEST_T0 + 8 * HOUR);
  assert_int_equal(crm_sla_timer_warned_at(fr), 0);
  assert_int_equal(crm_sla_timer_breached_at(fr), 0);
  assert_int_equal(crm_sla_timer_met_at(fr), 0);
  assert_int_equal(crm_sla_timer_stopped_at(fr), 0);
  assert_int_equal(crm_sla_timer_paused(fr), 0);
  assert_int_equal(crm_sla_timer_open(fr), 1);
  assert_int_equal(crm_sla_timer_business_elapsed(fr), 0);
  assert_int_equal(crm_sla_timer_as_of(fr), CRM_TEST_T0);
  assert_int_equal(crm_sla_timer_segment_count(fr), 1);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 0), CRM_SLA_SEGMENT_ACTIVATE);
  assert_int_equal(crm_sla_timer_segment_at(fr, 0), CRM_TEST_T0);
  assert_int_equal(crm_sla_timer_segment_due_at(fr, 0), CRM_TEST_T0 + 8 * HOUR);
  assert_int_equal(crm_sla_timer_segment_policy_version(fr, 0), 1);
  assert_int_equal(crm_sla_timer_segment_calendar_version(fr, 0), 0);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 1), 0); /* out of range */
  assert_int_equal(crm_sla_timer_segment_at(fr, 9), 0);
  crm_sla_timer_free(fr);
  crm_sla_timer *res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_due_at(res), CRM_TEST_T0 + 40 * HOUR);
  crm_sla_timer_free(res);
  assert_null(reported(t->db, k, CRM_SLA_NEXT_RESPONSE));
  assert_null(reported(t->db, k, CRM_SLA_PERIODIC_UPDATE));
}

static void reply_fulfils_first_response_notes_do_not(void **state)
{
  crm_test_db *t = *state;
  make_policy(t->db, "normal", 10, 0, normal, 0, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  /* an inbound e-mail opens the case */
  crm_id ix = record(t, cust, 0, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, 0);
  crm_interaction *i = NULL;
  assert_crm_ok(crm_interaction_lookup(&i, t->db, ix));
  crm_id k = crm_interaction_case(i);
  crm_interaction_free(i);
  t->now += HOUR;
  crm_interaction_spec note = CRM_INTERACTION_SPEC_INIT;
  note.customer = cust;
  note.case_id = k;
  note.channel = CRM_CHANNEL_NOTE;
  note.direction = CRM_DIRECTION_INTERNAL;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, &note));
  /* a missed outbound call answers nothing */
  crm_interaction_spec call = CRM_INTERACTION_SPEC_INIT;
  call.customer = cust;
  call.case_id = k;
  call.channel = CRM_CHANNEL_PHONE;
  call.direction = CRM_DIRECTION_OUTBOUND;
  call.outcome = CRM_OUTCOME_MISSED;
  assert_crm_ok(crm_interaction_record(&id, t->db, &call));
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_open(fr), 1);
  assert_int_equal(crm_sla_timer_segment_count(fr), 1);
  crm_sla_timer_free(fr);
  /* the reply */
  t->now += HOUR;
  record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND, 0);
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_open(fr), 0);
  assert_int_equal(crm_sla_timer_met_at(fr), CRM_TEST_T0 + 2 * HOUR);
  assert_int_equal(crm_sla_timer_stopped_at(fr), CRM_TEST_T0 + 2 * HOUR);
  assert_int_equal(crm_sla_timer_business_elapsed(fr), 2 * HOUR);
  assert_int_equal(crm_sla_timer_calendar_elapsed(fr), 2 * HOUR);
  assert_int_equal(crm_sla_timer_breached_at(fr), 0);
  assert_int_equal(crm_sla_timer_segment_count(fr), 2);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 1), CRM_SLA_SEGMENT_FULFIL);
  assert_int_equal(crm_sla_timer_segment_business_elapsed(fr, 1), 2 * HOUR);
  assert_int_equal(crm_sla_timer_segment_calendar_elapsed(fr, 1), 2 * HOUR);
  crm_sla_timer_free(fr);
  /* nothing is due any more for first response */
  assert_int_equal(tick(t, t->now + 100 * HOUR) > 0, 1); /* resolution only */
  assert_int_equal(count_kind(t->db, "sla.breached", NULL), 1);
}

static void email_filed_late_moves_the_start_back(void **state)
{
  crm_test_db *t = *state;
  make_policy(t->db, "normal", 10, 0, normal, 0, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  /* written an hour ago, filed now */
  record(t, cust, 0, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, CRM_TEST_T0 - HOUR);
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.customer = cust;
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, t->db, &q));
  crm_case *c = NULL;
  assert_crm_ok(crm_case_next(&c, it));
  crm_id k = crm_case_id(c);
  crm_case_free(c);
  crm_case_iterator_free(it);
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_started_at(fr), CRM_TEST_T0 - HOUR);
  assert_int_equal(crm_sla_timer_due_at(fr), CRM_TEST_T0 + 7 * HOUR);
  assert_int_equal(crm_sla_timer_segment_count(fr), 2);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 1), CRM_SLA_SEGMENT_ACTIVATE);
  crm_sla_timer_free(fr);
}

/* ------------------------------------------------------------------ */
/* next response over a conversation                                    */

static void next_response_cycles_over_five_exchanges(void **state)
{
  crm_test_db *t = *state;
  make_policy(t->db, "normal", 10, 0, normal, 0, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  for (int i = 0; i < 5; i++) {
    record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, 0);
    t->now += (i + 1) * HOUR; /* answers take 1, 2, 3, 4, 5 hours */
    record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND, 0);
    t->now += HOUR;
  }
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_cycle_iterator_new(&it, t->db, k, CRM_SLA_AS_REPORTED));
  crm_sla_timer *c = NULL;
  int nr = 0, fr = 0, res = 0;
  while (crm_sla_timer_next(&c, it) == CRM_OK) {
    switch (crm_sla_timer_metric(c)) {
    case CRM_SLA_FIRST_RESPONSE:
      fr++;
      assert_int_equal(crm_sla_timer_business_elapsed(c), HOUR);
      break;
    case CRM_SLA_NEXT_RESPONSE:
      nr++;
      assert_int_equal(crm_sla_timer_cycle(c), nr);
      assert_int_equal(crm_sla_timer_business_elapsed(c), (nr + 1) * HOUR);
      assert_int_equal(crm_sla_timer_met_at(c), crm_sla_timer_stopped_at(c));
      /* the reply of 5 hours breached the 4 hour target, at the due instant */
      if (nr == 4)
        assert_int_equal(crm_sla_timer_breached_at(c), crm_sla_timer_started_at(c) + 4 * HOUR);
      else
        assert_int_equal(crm_sla_timer_breached_at(c), 0);
      break;
    case CRM_SLA_RESOLUTION:
      res++;
      break;
    default:
      fail();
    }
    crm_sla_timer_free(c);
  }
  crm_sla_timer_iterator_free(it);
  assert_int_equal(fr, 1);
  assert_int_equal(nr, 4);
  assert_int_equal(res, 1);
  /* the late reply recorded its breach without any tick */
  assert_int_equal(count_kind(t->db, "sla.breached", NULL), 1);
  crm_sla_timer *latest = reported(t->db, k, CRM_SLA_NEXT_RESPONSE);
  assert_int_equal(crm_sla_timer_cycle(latest), 4);
  crm_sla_timer_free(latest);
}

/* ------------------------------------------------------------------ */
/* pause while pending customer                                         */

static void resolution_pauses_while_pending_customer(void **state)
{
  crm_test_db *t = *state;
  make_policy(t->db, "normal", 10, 0, normal, 0, 1u << CRM_CASE_PENDING_CUSTOMER, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  t->now += 2 * HOUR;
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_PENDING_CUSTOMER, 0));
  crm_sla_timer *res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_paused(res), 1);
  assert_int_equal(crm_sla_timer_open(res), 1);
  assert_int_equal(crm_sla_timer_due_at(res), 0);
  assert_int_equal(crm_sla_timer_business_elapsed(res), 2 * HOUR);
  crm_sla_timer_free(res);
  /* first response is not paused */
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_paused(fr), 0);
  crm_sla_timer_free(fr);
  /* a week pending: nothing is due for resolution */
  t->now += 7 * 24 * HOUR;
  tick(t, t->now);
  res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_breached_at(res), 0);
  crm_sla_timer_free(res);
  /* the customer writes: the case opens, the clock resumes */
  crm_time resumed = t->now;
  record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, 0);
  res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_paused(res), 0);
  assert_int_equal(crm_sla_timer_due_at(res), resumed + 38 * HOUR);
  assert_int_equal(crm_sla_timer_segment_count(res), 3);
  assert_int_equal(crm_sla_timer_segment_kind(res, 1), CRM_SLA_SEGMENT_PAUSE);
  assert_int_equal(crm_sla_timer_segment_kind(res, 2), CRM_SLA_SEGMENT_RESUME);
  crm_sla_timer_free(res);
  /* resolved 3 hours later: 5 business hours, 5 calendar hours counted */
  t->now += 3 * HOUR;
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
  res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_open(res), 0);
  assert_int_equal(crm_sla_timer_met_at(res), t->now);
  assert_int_equal(crm_sla_timer_business_elapsed(res), 5 * HOUR);
  assert_int_equal(crm_sla_timer_calendar_elapsed(res), 5 * HOUR);
  crm_sla_timer_free(res);
  /* the first response, never answered, was breached then stopped */
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_open(fr), 0);
  assert_int_equal(crm_sla_timer_met_at(fr), 0);
  assert_int_equal(crm_sla_timer_breached_at(fr), CRM_TEST_T0 + 8 * HOUR);
  crm_sla_timer_free(fr);
  /* a reopen starts resolution cycle 2 */
  t->now += HOUR;
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_OPEN, 0));
  res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_cycle(res), 2);
  assert_int_equal(crm_sla_timer_started_at(res), t->now);
  crm_sla_timer_free(res);
}

/* ------------------------------------------------------------------ */
/* priority change mid-cycle                                            */

static void priority_change_rematches_the_policy(void **state)
{
  crm_test_db *t = *state;
  crm_id pn = make_policy(t->db, "normal", 20, 0, normal, 0, 0, 0);
  targets urgent = {HOUR, HOUR, 8 * HOUR, 0};
  crm_id pu = make_policy(t->db, "urgent", 10, 0, urgent, 0, 0, 1u << CRM_PRIORITY_URGENT);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, CRM_PRIORITY_NORMAL, 0);
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy(fr), pn);
  crm_sla_timer_free(fr);
  t->now += 30 * MINUTE;
  assert_crm_ok(crm_case_set_priority(t->db, k, CRM_PRIORITY_URGENT, 0));
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy(fr), pu);
  assert_int_equal(crm_sla_timer_target(fr), HOUR);
  assert_int_equal(crm_sla_timer_due_at(fr), CRM_TEST_T0 + HOUR); /* from the cycle's start */
  assert_int_equal(crm_sla_timer_segment_count(fr), 2);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 1), CRM_SLA_SEGMENT_RECOMPUTE);
  assert_int_equal(crm_sla_timer_segment_at(fr, 1), t->now);
  crm_sla_timer_free(fr);
  crm_sla_timer *res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_due_at(res), CRM_TEST_T0 + 8 * HOUR);
  crm_sla_timer_free(res);
  /* lowering it again goes back to the normal policy */
  assert_crm_ok(crm_case_set_priority(t->db, k, CRM_PRIORITY_LOW, 0));
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy(fr), pn);
  assert_int_equal(crm_sla_timer_due_at(fr), CRM_TEST_T0 + 8 * HOUR);
  crm_sla_timer_free(fr);
}

static void no_policy_any_more_stops_the_timer(void **state)
{
  crm_test_db *t = *state;
  targets urgent = {HOUR, 0, 0, 0};
  make_policy(t->db, "urgent only", 10, 0, urgent, 0, 0, 1u << CRM_PRIORITY_URGENT);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, CRM_PRIORITY_NORMAL, 0);
  assert_int_equal(count_timers(t->db, k), 0);
  t->now += 10 * MINUTE;
  /* matched later: the clock counts from the case's creation */
  assert_crm_ok(crm_case_set_priority(t->db, k, CRM_PRIORITY_URGENT, 0));
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_started_at(fr), CRM_TEST_T0);
  crm_sla_timer_free(fr);
  t->now += 10 * MINUTE;
  assert_crm_ok(crm_case_set_priority(t->db, k, CRM_PRIORITY_HIGH, 0));
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_open(fr), 0);
  assert_int_equal(crm_sla_timer_stopped_at(fr), t->now);
  assert_int_equal(crm_sla_timer_met_at(fr), 0);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 1), CRM_SLA_SEGMENT_STOP);
  crm_sla_timer_free(fr);
}

static void queue_and_channel_and_segment_masks(void **state)
{
  crm_test_db *t = *state;
  crm_id q = 0;
  assert_crm_ok(crm_queue_create(&q, t->db, "billing"));
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = "billing by phone";
  s.order = 1;
  s.queue = q;
  s.channels = 1u << CRM_CHANNEL_PHONE;
  s.targets[CRM_SLA_FIRST_RESPONSE] = HOUR;
  crm_id billing = 0;
  assert_crm_ok(crm_sla_policy_create(&billing, t->db, &s));
  crm_id fallback = make_policy(t->db, "any", 5000, 0, normal, 0, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy(fr), fallback);
  crm_sla_timer_free(fr);
  assert_crm_ok(crm_case_assign(t->db, k, q, 0, 0));
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy(fr), fallback); /* no channel yet */
  crm_sla_timer_free(fr);
  record(t, cust, k, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND, 0);
  fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy(fr), billing);
  assert_int_equal(crm_sla_timer_due_at(fr), CRM_TEST_T0 + HOUR);
  crm_sla_timer_free(fr);
  /* the resolution metric has no target in the billing policy: stopped */
  crm_sla_timer *res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_open(res), 0);
  crm_sla_timer_free(res);
}

/* ------------------------------------------------------------------ */
/* tick: warnings and breaches exactly once                             */

static void tick_records_warning_and_breach_once(void **state)
{
  crm_test_db *t = *state;
  targets tg = {4 * HOUR, 0, 0, 0};
  make_policy(t->db, "normal", 10, 0, tg, 75, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  assert_int_equal(tick(t, CRM_TEST_T0 + 3 * HOUR - 1), 0);
  assert_int_equal(tick(t, CRM_TEST_T0 + 3 * HOUR), 1);
  assert_int_equal(tick(t, CRM_TEST_T0 + 3 * HOUR), 0);
  char *payload = NULL;
  assert_int_equal(count_kind(t->db, "sla.warning", &payload), 1);
  JsonParser *p = json_parser_new();
  assert_true(json_parser_load_from_data(p, payload, -1, NULL));
  JsonObject *o = json_node_get_object(json_parser_get_root(p));
  assert_int_equal(json_object_get_int_member(o, "case"), k);
  assert_string_equal(json_object_get_string_member(o, "metric"), "first_response");
  assert_int_equal(json_object_get_int_member(o, "cycle"), 1);
  assert_int_equal(json_object_get_int_member(o, "at"), CRM_TEST_T0 + 3 * HOUR);
  assert_int_equal(json_object_get_int_member(o, "due_at"), CRM_TEST_T0 + 4 * HOUR);
  assert_int_equal(json_object_get_int_member(o, "target"), 4 * HOUR);
  assert_true(json_object_get_int_member(o, "policy") > 0);
  g_object_unref(p);
  g_free(payload);
  /* a late tick records the breach at the due instant */
  assert_int_equal(tick(t, CRM_TEST_T0 + 9 * HOUR), 1);
  assert_int_equal(tick(t, CRM_TEST_T0 + 10 * HOUR), 0);
  assert_int_equal(count_kind(t->db, "sla.breached", &payload), 1);
  assert_non_null(strstr(payload, "\"at\":1772456400"));
  g_free(payload);
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_warned_at(fr), CRM_TEST_T0 + 3 * HOUR);
  assert_int_equal(crm_sla_timer_breached_at(fr), CRM_TEST_T0 + 4 * HOUR);
  assert_int_equal(crm_sla_timer_open(fr), 1);
  assert_int_equal(crm_sla_timer_segment_count(fr), 3);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 1), CRM_SLA_SEGMENT_WARNING);
  assert_int_equal(crm_sla_timer_segment_business_elapsed(fr, 1), 3 * HOUR);
  assert_int_equal(crm_sla_timer_segment_kind(fr, 2), CRM_SLA_SEGMENT_BREACH);
  assert_int_equal(crm_sla_timer_segment_at(fr, 2), CRM_TEST_T0 + 4 * HOUR);
  crm_sla_timer_free(fr);
  /* tick argument errors */
  assert_crm_error(crm_tick(NULL, NULL, 0), CRM_EINVALID, "db");
  assert_crm_error(crm_tick(NULL, t->db, -5), CRM_EINVALID, "now");
}

static void tick_both_crossings_at_once(void **state)
{
  crm_test_db *t = *state;
  targets tg = {4 * HOUR, 0, 0, 0};
  make_policy(t->db, "normal", 10, 0, tg, 50, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  for (int i = 0; i < 3; i++)
    open_case(t, cust, 0, 0);
  assert_int_equal(tick(t, CRM_TEST_T0 + 5 * HOUR), 6);
  assert_int_equal(count_kind(t->db, "sla.warning", NULL), 3);
  assert_int_equal(count_kind(t->db, "sla.breached", NULL), 3);
  assert_int_equal(tick(t, CRM_TEST_T0 + 50 * HOUR), 0);
  /* tick(0) uses the handle's clock */
  assert_int_equal(tick(t, 0), 0);
}

static void tick_exactly_once_across_two_handles(void **state)
{
  crm_test_db *t = *state;
  targets tg = {HOUR, 0, 0, 0};
  make_policy(t->db, "normal", 10, 0, tg, 50, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  for (int i = 0; i < 20; i++)
    open_case(t, cust, 0, 0);
  crm_db *other = crm_test_db_open_another(t);
  size_t a = 0, b = 0;
  assert_crm_ok(crm_tick(&a, other, CRM_TEST_T0 + 40 * MINUTE));
  assert_crm_ok(crm_tick(&b, t->db, CRM_TEST_T0 + 40 * MINUTE));
  assert_int_equal(a + b, 20);
  assert_int_equal(b, 0);
  assert_crm_ok(crm_tick(&b, t->db, CRM_TEST_T0 + 2 * HOUR));
  assert_crm_ok(crm_tick(&a, other, CRM_TEST_T0 + 2 * HOUR));
  assert_int_equal(a + b, 20);
  assert_int_equal(count_kind(t->db, "sla.warning", NULL), 20);
  assert_int_equal(count_kind(t->db, "sla.breached", NULL), 20);
  crm_close(other);
}

typedef struct {
  crm_test_db *t;
  size_t fired;
  crm_status st;
} ticker;

static gpointer tick_thread(gpointer p)
{
  ticker *tk = p;
  crm_db *db = crm_test_db_open_another(tk->t);
  tk->st = CRM_OK;
  for (int i = 0; i < 20 && tk->st == CRM_OK; i++) {
    size_t n = 0;
    tk->st = crm_tick(&n, db, CRM_TEST_T0 + (crm_time)(i + 1) * 6 * MINUTE);
    tk->fired += n;
  }
  crm_close(db);
  return NULL;
}

static void tick_exactly_once_across_two_threads(void **state)
{
  crm_test_db *t = *state;
  targets tg = {HOUR, 0, 0, 0};
  make_policy(t->db, "normal", 10, 0, tg, 50, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  for (int i = 0; i < 60; i++) {
    t->now = CRM_TEST_T0 + i * MINUTE;
    open_case(t, cust, 0, 0);
  }
  ticker a = {t, 0, CRM_OK}, b = {t, 0, CRM_OK};
  GThread *ta = g_thread_new("a", tick_thread, &a);
  GThread *tb = g_thread_new("b", tick_thread, &b);
  g_thread_join(ta);
  g_thread_join(tb);
  assert_crm_ok(a.st);
  assert_crm_ok(b.st);
  assert_int_equal(a.fired + b.fired, 120);
  assert_int_equal(count_kind(t->db, "sla.warning", NULL), 60);
  assert_int_equal(count_kind(t->db, "sla.breached", NULL), 60);
}

static void tick_stops_timers_of_cases_closed_behind_its_back(void **state)
{
  crm_test_db *t = *state;
  targets tg = {HOUR, 0, 0, 0};
  make_policy(t->db, "normal", 10, 0, tg, 0, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  /* as the mail importer does for an auto-reply that threads to nothing */
  char *sql = g_strdup_printf("UPDATE cases SET status = 6, resolved_at = %lld WHERE id = %lld",
                              (long long)(CRM_TEST_T0 + 10), (long long)k);
  crm_test_exec(t, sql);
  g_free(sql);
  assert_int_equal(tick(t, CRM_TEST_T0 + 5 * HOUR), 0);
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_open(fr), 0);
  assert_int_equal(crm_sla_timer_stopped_at(fr), CRM_TEST_T0 + 10);
  assert_int_equal(crm_sla_timer_breached_at(fr), 0);
  crm_sla_timer_free(fr);
  assert_int_equal(count_kind(t->db, "sla.breached", NULL), 0);
}

/* ------------------------------------------------------------------ */
/* periodic updates for incidents                                       */

static void periodic_updates_of_an_incident(void **state)
{
  crm_test_db *t = *state;
  targets tg = {0, 0, 0, 2 * HOUR};
  make_policy(t->db, "incidents", 10, 0, tg, 0, 0, 1u << CRM_PRIORITY_NORMAL);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id request = open_case(t, cust, 0, CRM_CASE_REQUEST);
  assert_int_equal(count_timers(t->db, request), 0);
  crm_id k = open_case(t, cust, 0, CRM_CASE_INCIDENT);
  t->now += HOUR;
  record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND, 0);
  t->now += 3 * HOUR;
  record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND, 0);
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_cycle_iterator_new(&it, t->db, k, CRM_SLA_AS_REPORTED));
  crm_sla_timer *c = NULL;
  int n = 0;
  while (crm_sla_timer_next(&c, it) == CRM_OK) {
    n++;
    assert_int_equal(crm_sla_timer_metric(c), CRM_SLA_PERIODIC_UPDATE);
    if (n == 1)
      assert_int_equal(crm_sla_timer_met_at(c), CRM_TEST_T0 + HOUR);
    if (n == 2)
      assert_int_equal(crm_sla_timer_breached_at(c), CRM_TEST_T0 + 3 * HOUR);
    if (n == 3)
      assert_int_equal(crm_sla_timer_open(c), 1);
    crm_sla_timer_free(c);
  }
  crm_sla_timer_iterator_free(it);
  assert_int_equal(n, 3);
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
  crm_sla_timer *pu = reported(t->db, k, CRM_SLA_PERIODIC_UPDATE);
  assert_int_equal(crm_sla_timer_open(pu), 0);
  assert_int_equal(crm_sla_timer_segment_kind(pu, 1), CRM_SLA_SEGMENT_STOP);
  crm_sla_timer_free(pu);
}

/* ------------------------------------------------------------------ */
/* replay                                                               */

static void policy_update_recomputes_open_not_finished(void **state)
{
  crm_test_db *t = *state;
  crm_id pol = make_policy(t->db, "normal", 10, 0, normal, 0, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  t->now += 2 * HOUR;
  record(t, cust, k, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUTBOUND, 0); /* FR met in 2h */
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = "normal, tighter";
  s.order = 10;
  s.targets[CRM_SLA_FIRST_RESPONSE] = HOUR;
  s.targets[CRM_SLA_RESOLUTION] = 20 * HOUR;
  assert_crm_ok(crm_sla_policy_update(t->db, pol, &s));
  /* the open resolution timer is recomputed */
  crm_sla_timer *res = reported(t->db, k, CRM_SLA_RESOLUTION);
  assert_int_equal(crm_sla_timer_policy_version(res), 2);
  assert_int_equal(crm_sla_timer_due_at(res), CRM_TEST_T0 + 20 * HOUR);
  crm_sla_timer_free(res);
  /* the finished first response keeps its figures as reported... */
  crm_sla_timer *fr = reported(t->db, k, CRM_SLA_FIRST_RESPONSE);
  assert_int_equal(crm_sla_timer_policy_version(fr), 1);
  assert_int_equal(crm_sla_timer_target(fr), 8 * HOUR);
  assert_int_equal(crm_sla_timer_breached_at(fr), 0);
  crm_sla_timer_free(fr);
  /* ...and recomputed with today's rules it would have been breached */
  fr = timer_of(t->db, k, CRM_SLA_FIRST_RESPONSE, CRM_SLA_RECOMPUTED);
  assert_int_equal(crm_sla_timer_view(fr), CRM_SLA_RECOMPUTED);
  assert_int_equal(crm_sla_timer_policy_version(fr), 2);
  assert_int_equal(crm_sla_timer_target(fr), HOUR);
  assert_int_equal(crm_sla_timer_due_at(fr), CRM_TEST_T0 + HOUR);
  assert_int_equal(crm_sla_timer_breached_at(fr), CRM_TEST_T0 + HOUR);
  assert_int_equal(crm_sla_timer_met_at(fr), CRM_TEST_T0 + 2 * HOUR);
  assert_int_equal(crm_sla_timer_business_elapsed(fr), 2 * HOUR);
  assert_int_equal(crm_sla_timer_segment_count(fr), 2); /* the stored segments */
  crm_sla_timer_free(fr);
  /* both views side by side */
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_timer_iterator_new(
      &it, t->db, k, (crm_sla_view_t)(CRM_SLA_AS_REPORTED | CRM_SLA_RECOMPUTED)));
  crm_sla_timer *a = NULL, *b = NULL;
  assert_crm_ok(crm_sla_timer_next(&a, it));
  assert_crm_ok(crm_sla_timer_next(&b, it));
  assert_int_equal(crm_sla_timer_metric(a), crm_sla_timer_metric(b));
  assert_int_equal(crm_sla_timer_id(a), crm_sla_timer_id(b));
  assert_int_equal(crm_sla_timer_view(a), CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_view(b), CRM_SLA_RECOMPUTED);
  crm_sla_timer_free(a);
  crm_sla_timer_free(b);
  crm_sla_timer_iterator_free(it);
  /* an open timer recomputed counts up to now */
  t->now += HOUR;
  res = timer_of(t->db, k, CRM_SLA_RESOLUTION, CRM_SLA_RECOMPUTED);
  assert_int_equal(crm_sla_timer_business_elapsed(res), 3 * HOUR);
  assert_int_equal(crm_sla_timer_as_of(res), t->now);
  crm_sla_timer_free(res);
}

/* ------------------------------------------------------------------ */
/* due iterator and due_before                                          */

static void due_iterator_and_case_query(void **state)
{
  crm_test_db *t = *state;
  targets tg = {0, 0, 10 * HOUR, 0};
  make_policy(t->db, "normal", 10, 0, tg, 0, 1u << CRM_CASE_PENDING_CUSTOMER, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id other = crm_test_customer(t->db, "b@example.com");
  crm_id ids[6];
  for (int i = 0; i < 6; i++) {
    t->now = CRM_TEST_T0 + (5 - i) * HOUR; /* later cases are due earlier */
    ids[i] = open_case(t, i % 2 ? other : cust, 0, 0);
  }
  /* a paused one is not due */
  assert_crm_ok(crm_case_set_status(t->db, ids[5], CRM_CASE_PENDING_CUSTOMER, 0));
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_due_iterator_new(&it, t->db, CRM_TEST_T0 + 14 * HOUR + 1));
  crm_sla_timer *tm = NULL;
  crm_time last = 0;
  int n = 0;
  while (crm_sla_timer_next(&tm, it) == CRM_OK) {
    assert_true(crm_sla_timer_due_at(tm) >= last);
    last = crm_sla_timer_due_at(tm);
    assert_true(last <= CRM_TEST_T0 + 14 * HOUR);
    assert_int_equal(crm_sla_timer_segment_count(tm), 0);
    assert_true(crm_sla_timer_case(tm) != ids[5]);
    n++;
    crm_sla_timer_free(tm);
  }
  crm_sla_timer_iterator_free(it);
  assert_int_equal(n, 4); /* due at +11h .. +14h: cases 4, 3, 2, 1 (not 0 at +15h) */
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.due_before = CRM_TEST_T0 + 14 * HOUR + 1;
  crm_case_iterator *ci = NULL;
  assert_crm_ok(crm_case_iterator_new(&ci, t->db, &q));
  crm_case *c = NULL;
  crm_id got[6];
  n = 0;
  while (crm_case_next(&c, ci) == CRM_OK) {
    got[n++] = crm_case_id(c);
    crm_case_free(c);
  }
  crm_case_iterator_free(ci);
  assert_int_equal(n, 4);
  for (int i = 0; i < 4; i++)
    assert_int_equal(got[i], ids[i + 1]); /* ascending ids */
  q.customer = other;
  assert_crm_ok(crm_case_iterator_new(&ci, t->db, &q));
  n = 0;
  while (crm_case_next(&c, ci) == CRM_OK) {
    assert_int_equal(crm_case_customer(c), other);
    n++;
    crm_case_free(c);
  }
  crm_case_iterator_free(ci);
  assert_int_equal(n, 2); /* cases 1 and 3 */
  q.customer = 0;
  q.tag = "vip";
  assert_crm_ok(crm_case_tag(t->db, ids[2], "vip"));
  assert_crm_ok(crm_case_iterator_new(&ci, t->db, &q));
  assert_crm_ok(crm_case_next(&c, ci));
  assert_int_equal(crm_case_id(c), ids[2]);
  crm_case_free(c);
  assert_int_equal(crm_case_next(&c, ci), CRM_ITEROVER);
  crm_case_iterator_free(ci);
  /* errors */
  it = (crm_sla_timer_iterator *)1;
  assert_crm_error(crm_sla_due_iterator_new(&it, t->db, 0), CRM_EINVALID, "before 0");
  assert_null(it);
  assert_crm_error(crm_sla_due_iterator_new(NULL, t->db, 5), CRM_EINVALID, "out");
  assert_crm_error(crm_sla_due_iterator_new(&it, NULL, 5), CRM_EINVALID, "db");
}

/* ------------------------------------------------------------------ */
/* iterator and getter errors                                           */

static void timer_iterator_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case(t, cust, 0, 0);
  crm_sla_timer_iterator *it = (crm_sla_timer_iterator *)1;
  assert_crm_error(crm_sla_timer_iterator_new(NULL, t->db, k, CRM_SLA_AS_REPORTED), CRM_EINVALID,
                   "out");
  assert_crm_error(crm_sla_timer_iterator_new(&it, NULL, k, CRM_SLA_AS_REPORTED), CRM_EINVALID,
                   "db");
  assert_null(it);
  assert_crm_error(crm_sla_timer_iterator_new(&it, t->db, 0, CRM_SLA_AS_REPORTED), CRM_EINVALID,
                   "case");
  assert_crm_error(crm_sla_timer_iterator_new(&it, t->db, k, (crm_sla_view_t)0), CRM_EINVALID,
                   "view 0");
  assert_crm_error(crm_sla_timer_iterator_new(&it, t->db, k, (crm_sla_view_t)4), CRM_EINVALID,
                   "view 4");
  assert_crm_error(crm_sla_timer_iterator_new(&it, t->db, k + 100, CRM_SLA_AS_REPORTED),
                   CRM_ENOTFOUND, "case");
  assert_crm_error(crm_sla_cycle_iterator_new(&it, t->db, k + 100, CRM_SLA_RECOMPUTED),
                   CRM_ENOTFOUND, "case");
  assert_null(it);
  crm_sla_timer *tm = (crm_sla_timer *)1;
  assert_crm_error(crm_sla_timer_next(&tm, NULL), CRM_EINVALID, "iterator");
  assert_null(tm);
  assert_crm_ok(crm_sla_timer_iterator_new(&it, t->db, k, CRM_SLA_AS_REPORTED));
  assert_crm_error(crm_sla_timer_next(NULL, it), CRM_EINVALID, NULL);
  assert_int_equal(crm_sla_timer_next(&tm, it), CRM_ITEROVER);
  assert_null(tm);
  crm_sla_timer_iterator_free(it);
  crm_sla_timer_iterator_free(NULL);
  crm_sla_timer_free(NULL);
  /* getters on NULL */
  assert_int_equal(crm_sla_timer_id(NULL), 0);
  assert_int_equal(crm_sla_timer_case(NULL), 0);
  assert_int_equal(crm_sla_timer_metric(NULL), 0);
  assert_int_equal(crm_sla_timer_cycle(NULL), 0);
  assert_int_equal(crm_sla_timer_view(NULL), 0);
  assert_int_equal(crm_sla_timer_due_at(NULL), 0);
  assert_int_equal(crm_sla_timer_paused(NULL), 0);
  assert_int_equal(crm_sla_timer_open(NULL), 0);
  assert_int_equal(crm_sla_timer_segment_count(NULL), 0);
  assert_int_equal(crm_sla_timer_segment_kind(NULL, 0), 0);
  assert_int_equal(crm_sla_timer_segment_policy_version(NULL, 0), 0);
  /* an iterator outlives its handle */
  crm_id pol = make_policy(t->db, "normal", 10, 0, normal, 0, 0, 0);
  (void)pol;
  crm_id k2 = open_case(t, cust, 0, 0);
  assert_crm_ok(crm_sla_timer_iterator_new(&it, t->db, k2, CRM_SLA_AS_REPORTED));
  crm_close(t->db);
  assert_crm_error(crm_sla_timer_next(&tm, it), CRM_EINVALID, "closed");
  crm_sla_timer_iterator_free(it);
  t->db = crm_test_db_open_another(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(names),
      cmocka_unit_test(policy_spec_init),
#define T(name) cmocka_unit_test_setup_teardown(name, crm_test_setup, crm_test_teardown)
      T(policy_errors),
      T(case_without_policy_has_no_timers),
      T(case_open_starts_first_response_and_resolution),
      T(reply_fulfils_first_response_notes_do_not),
      T(email_filed_late_moves_the_start_back),
      T(next_response_cycles_over_five_exchanges),
      T(resolution_pauses_while_pending_customer),
      T(priority_change_rematches_the_policy),
      T(no_policy_any_more_stops_the_timer),
      T(queue_and_channel_and_segment_masks),
      T(tick_records_warning_and_breach_once),
      T(tick_both_crossings_at_once),
      T(tick_exactly_once_across_two_handles),
      T(tick_exactly_once_across_two_threads),
      T(tick_stops_timers_of_cases_closed_behind_its_back),
      T(periodic_updates_of_an_incident),
      T(policy_update_recomputes_open_not_finished),
      T(due_iterator_and_case_query),
      T(timer_iterator_errors),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
