/*
 * Story S3, the outage (../shared/stories/STORIES.md): a whole
 * neighbourhood loses its line overnight; a customer calls in the
 * morning; the line is back an hour later. Each test is one "What libcrm
 * must do" line, played through the public C API with the injected clock,
 * on every backend. (tests/conformance/test_incident.c covers the
 * incident API's every path; this is the story, with its SLAs.)
 *
 * Tuesday 10 November 2026, Europe/Rome (CET, UTC+1), 24x7 policies
 * defined weeks before:
 *   "Outage updates"  incidents: a public update every 30 minutes, warning
 *                     at 75% (22 min 30 s)
 *   "High priority"   high/urgent requests: first response 1 h, resolution 8 h
 *   "Normal"          other requests: first response 8 h, resolution 40 h
 *
 * 02:15 the NOC opens the incident (cabinet ROMA-TRA-07);
 * 02:16 line monitoring opens a high-priority case for each of the 500
 *       subscribers on the cabinet, each attached to the incident;
 * 02:40 first public update (the incident's cycle 1 met; cycle 2 from
 *       02:40, warning 03:02:30, due 03:10: nobody updates until 08:30);
 * 07:50 subscriber 42 calls;
 * 08:30 second update (cycle 2 met late; cycle 3 due 09:00);
 * 08:50 the line is back: resolved with one call.
 *
 * The set-up loop runs without crm_begin (see test_incident.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include "story.h"

#include <string.h>

#define AFFECTED 500
#define CALLER   42
#define CABINET  "ROMA-TRA-07"
#define CAUSE    "Fibre cut by road works at cabinet " CABINET

#define AT(h, m) story_rome(2026, 11, 10, (h), (m))

typedef struct {
  crm_test_db *t;
  crm_id outage_policy, high_policy, normal_policy;
  crm_id noc, incident;
  crm_id customers[AFFECTED], cases[AFFECTED];
  crm_id elsewhere; /* a subscriber on another cabinet */
  /* warnings/breaches fired by ticks around the incident's instants */
  size_t before_warning, at_warning, before_breach, at_breach, until_morning;
} story;

static crm_id subscriber(crm_db *db, int i, const char *cabinet)
{
  char email[64];
  g_snprintf(email, sizeof email, "subscriber%03d@example.it", i);
  crm_id c = crm_test_customer(db, email);
  assert_crm_ok(crm_customer_set_attribute(db, c, "cabinet", cabinet));
  return c;
}

static crm_id policy(crm_db *db, const char *name, int order, uint32_t kinds, uint32_t priorities,
                     crm_sla_metric_t m1, int64_t t1, crm_sla_metric_t m2, int64_t t2, int warn)
{
  crm_sla_policy_spec p = CRM_SLA_POLICY_SPEC_INIT;
  p.name = name;
  p.order = order;
  p.kinds = kinds;
  p.priorities = priorities;
  p.targets[m1] = t1;
  if (m2)
    p.targets[m2] = t2;
  p.warn_percent = warn;
  crm_id id = 0;
  assert_crm_ok(crm_sla_policy_create(&id, db, &p));
  return id;
}

static size_t tick_at(story *s, crm_time at)
{
  return story_tick(s->t, at, at, 1);
}

/* Everything until the morning call. */
static int night(void **state)
{
  crm_test_setup(state);
  story *s = g_new0(story, 1);
  s->t = *state;
  crm_db *db = s->t->db;

  /* Weeks before: the service levels, per kind and priority. */
  s->t->now = story_rome(2026, 10, 1, 9, 0);
  s->outage_policy = policy(db, "Outage updates", 10, 1u << CRM_CASE_INCIDENT, 0,
                            CRM_SLA_PERIODIC_UPDATE, 30 * STORY_MINUTE, 0, 0, 75);
  s->high_policy =
      policy(db, "High priority", 20, 1u << CRM_CASE_REQUEST,
             (1u << CRM_PRIORITY_HIGH) | (1u << CRM_PRIORITY_URGENT), CRM_SLA_FIRST_RESPONSE,
             STORY_HOUR, CRM_SLA_RESOLUTION, 8 * STORY_HOUR, 0);
  s->normal_policy = policy(db, "Normal", 30, 1u << CRM_CASE_REQUEST, 0, CRM_SLA_FIRST_RESPONSE,
                            8 * STORY_HOUR, CRM_SLA_RESOLUTION, 40 * STORY_HOUR, 0);
  s->noc = crm_test_customer(db, "noc@isp.example");
  for (int i = 0; i < AFFECTED; i++)
    s->customers[i] = subscriber(db, i, CABINET);
  s->elsewhere = subscriber(db, 999, "ROMA-OST-02");

  /* 02:15: the NOC opens the incident, with its cause and scope. */
  s->t->now = AT(2, 15);
  crm_case_spec inc = CRM_CASE_SPEC_INIT;
  inc.customer = s->noc;
  inc.subject = CAUSE;
  inc.kind = CRM_CASE_INCIDENT;
  inc.priority = CRM_PRIORITY_URGENT;
  assert_crm_ok(crm_case_open(&s->incident, db, &inc));
  assert_crm_ok(crm_incident_set_scope(db, s->incident, "cabinet", CABINET));
  assert_crm_ok(crm_case_set_status(db, s->incident, CRM_CASE_OPEN, 0));

  /* 02:16: a case per affected subscriber, attached. */
  s->t->now = AT(2, 16);
  for (int i = 0; i < AFFECTED; i++) {
    crm_case_spec k = CRM_CASE_SPEC_INIT;
    k.customer = s->customers[i];
    k.subject = "No line: outage " CABINET;
    k.priority = CRM_PRIORITY_HIGH;
    assert_crm_ok(crm_case_open(&s->cases[i], db, &k));
    assert_crm_ok(crm_incident_attach(db, s->incident, s->cases[i]));
  }

  /* 02:40: the first public update. */
  s->t->now = AT(2, 40);
  assert_crm_ok(crm_incident_update(db, s->incident, "Fibre cut located; a crew is on its way."));
  /* the application ticks: around the warning (02:40 + 22:30) and the
     due instant (02:40 + 30:00) of the incident's second cycle */
  crm_time warn = AT(2, 40) + 22 * STORY_MINUTE + 30;
  s->before_warning = tick_at(s, warn - 1);
  s->at_warning = tick_at(s, warn);
  s->before_breach = tick_at(s, AT(3, 10) - 1);
  s->at_breach = tick_at(s, AT(3, 10));
  s->until_morning = story_tick(s->t, AT(3, 15), AT(7, 45), 15 * STORY_MINUTE);
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

static void publish_second_update(story *s)
{
  s->t->now = AT(8, 30);
  assert_crm_ok(crm_incident_update(s->t->db, s->incident, "Splice done; lines back from 08:45."));
}

/* "an incident (a case of kind incident) links the many customer cases it
   causes" */
static void incident_links_the_cases_it_causes(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  crm_case *inc = story_case(db, s->incident);
  assert_int_equal(crm_case_kind(inc), CRM_CASE_INCIDENT);
  crm_case_free(inc);
  crm_link_iterator *it = NULL;
  assert_crm_ok(crm_link_iterator_new(&it, db, s->incident));
  crm_link *l = NULL;
  int n = 0;
  while (crm_link_next(&l, it) == CRM_OK) {
    assert_true(n < AFFECTED);
    assert_int_equal(crm_link_from(l), s->cases[n]);
    assert_int_equal(crm_link_kind(l), CRM_LINK_CAUSED_BY);
    assert_int_equal(crm_link_to(l), s->incident);
    n++;
    crm_link_free(l);
  }
  crm_link_iterator_free(it);
  assert_int_equal(n, AFFECTED);
  crm_buf scope = CRM_BUF_INIT;
  assert_crm_ok(crm_incident_scope_get(&scope, db, s->incident, "cabinet"));
  assert_string_equal(scope.ptr, CABINET);
  crm_buf_dispose(&scope);
}

/* "a customer who calls is matched to the open incident that covers him,
   and the agent sees its status and cause" */
static void caller_is_matched_and_sees_status_and_cause(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  s->t->now = AT(7, 50);
  crm_id caller = 0;
  assert_crm_ok(crm_customer_find(&caller, db, CRM_IDENTITY_EMAIL, "subscriber042@example.it"));
  assert_int_equal(caller, s->customers[CALLER]);

  /* the agent's screen: the open incidents covering the caller */
  crm_incident_iterator *it = NULL;
  assert_crm_ok(crm_incident_match(&it, db, caller));
  crm_case *inc = NULL;
  assert_crm_ok(crm_incident_next(&inc, it));
  assert_int_equal(crm_case_id(inc), s->incident);
  assert_int_equal(crm_case_status(inc), CRM_CASE_OPEN);
  assert_string_equal(crm_case_subject(inc), CAUSE);
  assert_int_equal(crm_case_created_at(inc), AT(2, 15)); /* since 02:15 */
  crm_case_free(inc);
  assert_int_equal(crm_incident_next(&inc, it), CRM_ITEROVER);
  crm_incident_iterator_free(it);
  /* ... and the latest public update on it, one timeline call */
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.case_id = s->incident;
  q.limit = 1;
  crm_timeline_iterator *tl = NULL;
  assert_crm_ok(crm_timeline_iterator_new(&tl, db, &q));
  crm_interaction *last = NULL;
  assert_crm_ok(crm_timeline_next(&last, tl));
  assert_int_equal(crm_interaction_direction(last), CRM_DIRECTION_OUTBOUND);
  assert_string_equal(crm_interaction_body(last), "Fibre cut located; a crew is on its way.");
  assert_int_equal(crm_interaction_occurred_at(last), AT(2, 40));
  crm_interaction_free(last);
  crm_timeline_iterator_free(tl);

  /* his call joins his case, already linked to the incident */
  story_contact call = {.customer = caller,
                        .case_id = s->cases[CALLER],
                        .channel = CRM_CHANNEL_PHONE,
                        .outcome = CRM_OUTCOME_ANSWERED,
                        .subject = "No line since last night"};
  crm_id ix = story_record(db, &call);
  assert_int_equal(crm_test_case_of(db, ix), s->cases[CALLER]);

  /* a subscriber on another cabinet is covered by nothing */
  assert_crm_ok(crm_incident_match(&it, db, s->elsewhere));
  assert_int_equal(crm_incident_next(&inc, it), CRM_ITEROVER);
  crm_incident_iterator_free(it);
}

/* "the incident carries its own periodic-update SLA ('tell affected
   customers every N minutes')" */
static void incident_has_a_periodic_update_sla(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  assert_int_equal(s->before_warning, 0);
  assert_int_equal(s->at_warning, 1);
  assert_int_equal(s->before_breach, 0);
  assert_int_equal(s->at_breach, 1);
  assert_int_equal(s->until_morning, 0);
  publish_second_update(s);

  GPtrArray *cycles = story_cycles(db, s->incident, CRM_SLA_PERIODIC_UPDATE);
  assert_int_equal(cycles->len, 3);
  crm_sla_timer *c1 = g_ptr_array_index(cycles, 0), *c2 = g_ptr_array_index(cycles, 1),
                *c3 = g_ptr_array_index(cycles, 2);
  assert_int_equal(crm_sla_timer_policy(c1), s->outage_policy);
  assert_int_equal(crm_sla_timer_target(c1), 30 * STORY_MINUTE);
  /* 02:15 -> due 02:45, met by the 02:40 update */
  assert_int_equal(crm_sla_timer_started_at(c1), AT(2, 15));
  assert_int_equal(crm_sla_timer_due_at(c1), AT(2, 45));
  assert_int_equal(crm_sla_timer_met_at(c1), AT(2, 40));
  assert_int_equal(crm_sla_timer_breached_at(c1), 0);
  /* 02:40 -> due 03:10: breached, met late at 08:30 */
  assert_int_equal(crm_sla_timer_started_at(c2), AT(2, 40));
  assert_int_equal(crm_sla_timer_warned_at(c2), AT(2, 40) + 22 * STORY_MINUTE + 30);
  assert_int_equal(crm_sla_timer_breached_at(c2), AT(3, 10));
  assert_int_equal(crm_sla_timer_met_at(c2), AT(8, 30));
  /* 08:30 -> due 09:00, running */
  assert_true(crm_sla_timer_open(c3));
  assert_int_equal(crm_sla_timer_started_at(c3), AT(8, 30));
  assert_int_equal(crm_sla_timer_due_at(c3), AT(9, 0));
  g_ptr_array_unref(cycles);

  GPtrArray *breaches = story_events(db, 0, "sla.breached");
  assert_int_equal(breaches->len, 1);
  const crm_event *ev = g_ptr_array_index(breaches, 0);
  assert_int_equal(crm_event_entity_id(ev), s->incident);
  JsonObject *o = story_payload(ev);
  assert_string_equal(json_object_get_string_member(o, "metric"), "periodic_update");
  assert_int_equal(json_object_get_int_member(o, "cycle"), 2);
  assert_int_equal(json_object_get_int_member(o, "at"), AT(3, 10));
  json_object_unref(o);
  g_ptr_array_unref(breaches);
}

/* "... (updating the linked cases)": one update reaches every linked case
   and every affected customer */
static void one_update_reaches_every_linked_case(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  int64_t seq = story_last_seq(db);
  publish_second_update(s);
  GPtrArray *updates = story_events(db, seq, "incident.update");
  assert_int_equal(updates->len, AFFECTED);
  for (guint i = 0; i < updates->len; i++) {
    const crm_event *ev = g_ptr_array_index(updates, i);
    assert_int_equal(crm_event_entity_id(ev), s->customers[i]);
    JsonObject *o = story_payload(ev);
    JsonArray *cases = json_object_get_array_member(o, "cases");
    assert_int_equal(json_array_get_length(cases), 1);
    assert_int_equal(json_array_get_int_element(cases, 0), s->cases[i]);
    assert_false(json_object_get_boolean_member(o, "resolved"));
    json_object_unref(o);
  }
  g_ptr_array_unref(updates);
  for (int i = 0; i < AFFECTED; i++) {
    crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
    q.case_id = s->cases[i];
    q.limit = 1;
    crm_timeline_iterator *it = NULL;
    assert_crm_ok(crm_timeline_iterator_new(&it, db, &q));
    crm_interaction *ix = NULL;
    assert_crm_ok(crm_timeline_next(&ix, it));
    assert_int_equal(crm_interaction_direction(ix), CRM_DIRECTION_OUTBOUND);
    assert_int_equal(crm_interaction_occurred_at(ix), AT(8, 30));
    assert_string_equal(crm_interaction_body(ix), "Splice done; lines back from 08:45.");
    crm_interaction_free(ix);
    crm_timeline_iterator_free(it);
  }
}

/* "resolving it resolves or updates the linked cases with one call,
   emitting one event per affected customer so they can be notified
   proactively" */
static void resolved_with_one_call_one_event_per_customer(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  publish_second_update(s);
  /* 08:40: subscriber 7's VoIP also fails, from a power cut at the exchange */
  s->t->now = AT(8, 40);
  const int voip = 7;
  crm_case_spec ps = CRM_CASE_SPEC_INIT;
  ps.customer = s->noc;
  ps.subject = "Power failure at the exchange";
  ps.kind = CRM_CASE_INCIDENT;
  crm_id power = 0;
  assert_crm_ok(crm_case_open(&power, db, &ps));
  assert_crm_ok(crm_incident_attach(db, power, s->cases[voip]));

  s->t->now = AT(8, 50);
  int64_t seq = story_last_seq(db);
  size_t affected = 0;
  assert_crm_ok(crm_incident_resolve(&affected, db, s->incident,
                                     "Service restored at 08:47. Cause: " CAUSE "."));
  assert_int_equal(affected, AFFECTED);
  crm_case *inc = story_case(db, s->incident);
  assert_int_equal(crm_case_status(inc), CRM_CASE_RESOLVED);
  assert_int_equal(crm_case_resolved_at(inc), AT(8, 50));
  crm_case_free(inc);
  /* resolved, or (subscriber 7, still caused by the power failure) updated */
  for (int i = 0; i < AFFECTED; i++) {
    crm_case *c = story_case(db, s->cases[i]);
    assert_int_equal(crm_case_status(c), i == voip ? CRM_CASE_NEW : CRM_CASE_RESOLVED);
    assert_int_equal(crm_case_resolved_at(c), i == voip ? 0 : AT(8, 50));
    crm_case_free(c);
  }
  GPtrArray *updates = story_events(db, seq, "incident.update");
  assert_int_equal(updates->len, AFFECTED);
  for (guint i = 0; i < updates->len; i++) {
    const crm_event *ev = g_ptr_array_index(updates, i);
    assert_string_equal(crm_event_entity(ev), "customer");
    assert_int_equal(crm_event_entity_id(ev), s->customers[i]);
    JsonObject *o = story_payload(ev);
    assert_true(json_object_get_boolean_member(o, "resolved"));
    assert_int_equal(json_object_get_int_member(o, "incident"), s->incident);
    assert_string_equal(json_object_get_string_member(o, "note"),
                        "Service restored at 08:47. Cause: " CAUSE ".");
    JsonArray *cases = json_object_get_array_member(o, "cases");
    assert_int_equal(json_array_get_length(cases), 1);
    assert_int_equal(json_array_get_int_element(cases, 0), s->cases[i]);
    JsonArray *resolved = json_object_get_array_member(o, "resolved_cases");
    assert_int_equal(json_array_get_length(resolved), i == voip ? 0 : 1);
    if (i != voip)
      assert_int_equal(json_array_get_int_element(resolved, 0), s->cases[i]);
    json_object_unref(o);
  }
  g_ptr_array_unref(updates);
  /* when the power is back, his case resolves too */
  s->t->now = AT(9, 0);
  assert_crm_ok(crm_incident_resolve(&affected, db, power, "Power is back."));
  assert_int_equal(affected, 1);
  crm_case *c7 = story_case(db, s->cases[voip]);
  assert_int_equal(crm_case_status(c7), CRM_CASE_RESOLVED);
  crm_case_free(c7);
  /* the final note met the incident's third update cycle (due 09:00);
     resolving ended its update clock: nothing runs on it any more */
  GPtrArray *cycles = story_cycles(db, s->incident, CRM_SLA_PERIODIC_UPDATE);
  assert_true(cycles->len >= 3);
  crm_sla_timer *c3 = g_ptr_array_index(cycles, 2);
  assert_int_equal(crm_sla_timer_met_at(c3), AT(8, 50));
  assert_int_equal(crm_sla_timer_breached_at(c3), 0);
  for (guint i = 0; i < cycles->len; i++)
    assert_false(crm_sla_timer_open(g_ptr_array_index(cycles, i)));
  g_ptr_array_unref(cycles);
  /* the resolved outage covers nobody any more */
  crm_incident_iterator *it = NULL;
  assert_crm_ok(crm_incident_match(&it, db, s->customers[CALLER]));
  assert_int_equal(crm_incident_next(&inc, it), CRM_ITEROVER);
  crm_incident_iterator_free(it);
}

/* "service levels are defined up front and per priority, not discovered
   after the fact" */
static void service_levels_up_front_per_priority(void **state)
{
  story *s = *state;
  crm_db *db = s->t->db;
  /* every outage case had its promise from the minute it was opened, from
     the high-priority policy; the proactive 02:40 update kept it */
  for (int i = 0; i < AFFECTED; i++) {
    crm_sla_timer *fr = story_timer(db, s->cases[i], CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
    assert_int_equal(crm_sla_timer_policy(fr), s->high_policy);
    assert_int_equal(crm_sla_timer_policy_version(fr), 1);
    assert_int_equal(crm_sla_timer_started_at(fr), AT(2, 16));
    assert_int_equal(crm_sla_timer_due_at(fr), AT(3, 16));
    assert_int_equal(crm_sla_timer_met_at(fr), AT(2, 40));
    assert_int_equal(crm_sla_timer_breached_at(fr), 0);
    crm_sla_timer_free(fr);
    crm_sla_timer *res = story_timer(db, s->cases[i], CRM_SLA_RESOLUTION, CRM_SLA_AS_REPORTED);
    assert_int_equal(crm_sla_timer_due_at(res), AT(10, 16));
    crm_sla_timer_free(res);
  }
  /* a normal-priority request opened now gets the normal promise at once */
  s->t->now = AT(7, 55);
  crm_case_spec k = CRM_CASE_SPEC_INIT;
  k.customer = s->elsewhere;
  k.subject = "Change of address";
  crm_id normal = 0;
  assert_crm_ok(crm_case_open(&normal, db, &k));
  crm_sla_timer *fr = story_timer(db, normal, CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_policy(fr), s->normal_policy);
  assert_int_equal(crm_sla_timer_due_at(fr), AT(15, 55));
  crm_sla_timer_free(fr);
  /* raising it to high moves it to the high promise, from its start */
  assert_crm_ok(crm_case_set_priority(db, normal, CRM_PRIORITY_HIGH, 0));
  fr = story_timer(db, normal, CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_policy(fr), s->high_policy);
  assert_int_equal(crm_sla_timer_due_at(fr), AT(8, 55));
  crm_sla_timer_free(fr);
  /* no customer case breached anything during the night */
  GPtrArray *breaches = story_events(db, 0, "sla.breached");
  for (guint i = 0; i < breaches->len; i++)
    assert_int_equal(crm_event_entity_id(g_ptr_array_index(breaches, i)), s->incident);
  g_ptr_array_unref(breaches);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, night, forget)
  const struct CMUnitTest tests[] = {
      T(incident_links_the_cases_it_causes),
      T(caller_is_matched_and_sees_status_and_cause),
      T(incident_has_a_periodic_update_sla),
      T(one_update_reaches_every_linked_case),
      T(resolved_with_one_call_one_event_per_customer),
      T(service_levels_up_front_per_priority),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
