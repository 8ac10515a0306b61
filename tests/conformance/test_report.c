/*
 * Conformance: reports (crm/report.h). One fixed data set built with an
 * injected clock, and every figure of every grouping computed by hand
 * below (the arithmetic is in the comments), so SQLite and PostgreSQL
 * must agree exactly; the permission rules; every argument check.
 *
 * The data set (times from T0 = Monday 2026-03-02 09:00 UTC, "+h:mm";
 * SLA policy on a Mon-Fri 09:00-17:00 UTC calendar: first response 1h,
 * resolution 8h business; the report range is [T0, T0 + 48h) = Monday
 * 09:00 to Wednesday 09:00):
 *
 *  case  created   queue  agent  prio    channel  what happens
 *  C7    -21:00    Q1     A1     normal  email    never answered (before the range)
 *  C1    +0:00     Q1     A1     normal  email    note +0:10, reply +0:30, resolved +1:00, CSAT 5
 *  C2    +1:00     Q1     A1     high    phone    2 abandoned IVR calls (depth 3) +3:00 +3:05,
 *                                                 reply +4:00, resolved +24:30 (Tue 9:30), CSAT 3
 *  C3    +2:00     Q1->Q2 A1->A2 urgent  phone    reply +2:20, transferred +2:30, resolved +3:00,
 *                                                 CSAT 4
 *  C9    +3:00     Q2     A2     normal  email    reply +3:30, resolved +49:00 (Wed 10:00)
 *  C4    +7:00     Q2     A2     normal  email    busy outbound call +7:30, reply +24:30,
 *                                                 abandoned IVR call depth 1 +25:30, abandoned
 *                                                 phone call (no depth) +26:00; stays open
 *  C5    +25:00    Q1     none   low     chat     reply +25:10, resolved +26:00, reopened by a
 *                                                 chat +27:00, resolved +28:00, CSAT 1
 *  C6    +29:00    none   none   normal  email    never answered, stays open
 *  C8    +49:00    Q1     A1     normal  email    (after the range)
 *  crm_tick at +51:00 (Wed 12:00) records the breaches due by then.
 *
 * Business time of the clocks (09:00-17:00 weekdays):
 *  first response: C1 0:30 = 1800 (calendar 1800), C2 3h = 10800 (10800,
 *  breached: due +2:00), C3 1200 (1200), C9 1800 (1800), C4 Mon 16-17 +
 *  Tue 9-9:30 = 5400 (calendar 17.5h = 63000, breached: due Mon 17:00),
 *  C5 600 (600), C6 none (breached by the tick: due Tue 15:00);
 *  resolution (first cycle): C1 3600 (3600), C2 Mon 10-17 + Tue 9-9:30 =
 *  27000 (calendar 23.5h = 84600, met: due Tue 10:00), C3 3600 (3600),
 *  C5 3600 (3600; its second cycle 3600 met too), C9 Mon 12-17 + Tue 8h +
 *  Wed 9-10 = 50400 (calendar 46h = 165600, breached: due Tue 12:00);
 *  C4 breached by the tick (due Tue 16:00); C6 runs (due Wed 14:00).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define H(h, m)    ((crm_time)((h)*3600 + (m)*60))
#define RANGE_FROM CRM_TEST_T0
#define RANGE_TO   (CRM_TEST_T0 + H(48, 0))

typedef struct {
  crm_test_db *t;
  crm_id customer, q1, q2, a1, a2, sara, ada, piero, nobody;
} fixture;

static void at(fixture *f, crm_time offset)
{
  f->t->now = CRM_TEST_T0 + offset;
}

/* One interaction into a case; depth > 0 sets "ivr_depth". */
static void contact(fixture *f, crm_id case_id, crm_time offset, crm_channel_t channel,
                    crm_direction_t direction, crm_outcome_t outcome, crm_id agent, int depth)
{
  at(f, offset);
  crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
  spec.customer = f->customer;
  spec.case_id = case_id;
  spec.channel = channel;
  spec.direction = direction;
  /* only calls and chats have an outcome */
  int synchronous = channel == CRM_CHANNEL_PHONE || channel == CRM_CHANNEL_IVR ||
                    channel == CRM_CHANNEL_CHAT || channel == CRM_CHANNEL_IN_PERSON;
  spec.outcome = synchronous ? outcome : CRM_OUTCOME_NONE;
  spec.agent = agent;
  spec.occurred_at = f->t->now;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, f->t->db, &spec));
  if (depth > 0) {
    char value[8];
    g_snprintf(value, sizeof value, "%d", depth);
    assert_crm_ok(crm_interaction_set_attribute(f->t->db, id, "ivr_depth", value));
  }
}

/* A case opened at `offset` by an inbound contact on `channel`. */
static crm_id open_case(fixture *f, crm_time offset, crm_id queue, crm_id agent, crm_priority_t p,
                        crm_channel_t channel)
{
  at(f, offset);
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = f->customer;
  spec.subject = "report fixture";
  spec.priority = p;
  spec.queue = queue;
  spec.assignee = agent;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, f->t->db, &spec));
  contact(f, id, offset, channel, CRM_DIRECTION_INBOUND, CRM_OUTCOME_ANSWERED, 0, 0);
  return id;
}

static void reply(fixture *f, crm_id case_id, crm_time offset, crm_channel_t channel, crm_id agent)
{
  contact(f, case_id, offset, channel, CRM_DIRECTION_OUTBOUND, CRM_OUTCOME_ANSWERED, agent, 0);
}

static void resolve(fixture *f, crm_id case_id, crm_time offset, int csat)
{
  at(f, offset);
  assert_crm_ok(crm_case_set_status(f->t->db, case_id, CRM_CASE_RESOLVED, 0));
  if (csat)
    assert_crm_ok(crm_case_set_csat(f->t->db, case_id, csat, NULL));
}

static int setup(void **state)
{
  fixture *f = g_new0(fixture, 1);
  f->t = crm_test_db_new(NULL);
  crm_db *db = f->t->db;
  f->customer = crm_test_customer(db, "caller@example.com");
  assert_crm_ok(crm_queue_create(&f->q1, db, "billing"));
  assert_crm_ok(crm_queue_create(&f->q2, db, "network"));
  assert_crm_ok(crm_agent_create(&f->a1, db, "Anna", "anna@example.com"));
  assert_crm_ok(crm_agent_create(&f->a2, db, "Bruno", "bruno@example.com"));
  assert_crm_ok(crm_agent_create(&f->sara, db, "Sara", "sara@example.com"));
  assert_crm_ok(crm_agent_create(&f->ada, db, "Ada", "ada@example.com"));
  assert_crm_ok(crm_agent_create(&f->piero, db, "Piero", "piero@example.com"));
  assert_crm_ok(crm_agent_create(&f->nobody, db, "Nemo", "nemo@example.com"));
  assert_crm_ok(crm_agent_join(db, f->a1, f->q1, CRM_ROLE_AGENT));
  assert_crm_ok(crm_agent_join(db, f->a2, f->q2, CRM_ROLE_AGENT));
  assert_crm_ok(crm_agent_join(db, f->sara, f->q1, CRM_ROLE_SUPERVISOR));
  assert_crm_ok(crm_agent_join(db, f->ada, f->q2, CRM_ROLE_ADMIN));
  assert_crm_ok(crm_agent_join(db, f->piero, f->q1, CRM_ROLE_AGENT));

  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "UTC"));
  for (int day = 1; day <= 5; day++)
    assert_crm_ok(crm_calendar_add_hours(cal, day, 9 * 60, 17 * 60));
  crm_id cal_id = 0;
  assert_crm_ok(crm_calendar_save(&cal_id, db, "office", cal));
  crm_calendar_free(cal);
  crm_sla_policy_spec policy = CRM_SLA_POLICY_SPEC_INIT;
  policy.name = "standard";
  policy.calendar = cal_id;
  policy.targets[CRM_SLA_FIRST_RESPONSE] = 3600;
  policy.targets[CRM_SLA_RESOLUTION] = 8 * 3600;
  crm_id policy_id = 0;
  assert_crm_ok(crm_sla_policy_create(&policy_id, db, &policy));

  /* in time order: the SLA clocks follow the injected clock */
  const crm_channel_t EMAIL = CRM_CHANNEL_EMAIL, PHONE = CRM_CHANNEL_PHONE, IVR = CRM_CHANNEL_IVR,
                      CHAT = CRM_CHANNEL_CHAT;
  const crm_direction_t IN = CRM_DIRECTION_INBOUND, OUT = CRM_DIRECTION_OUTBOUND;
  open_case(f, -H(21, 0), f->q1, f->a1, CRM_PRIORITY_NORMAL, EMAIL); /* C7 */
  crm_id c1 = open_case(f, H(0, 0), f->q1, f->a1, CRM_PRIORITY_NORMAL, EMAIL);
  contact(f, c1, H(0, 10), CRM_CHANNEL_NOTE, CRM_DIRECTION_INTERNAL, CRM_OUTCOME_NONE, f->a1, 0);
  reply(f, c1, H(0, 30), EMAIL, f->a1);
  resolve(f, c1, H(1, 0), 5);
  crm_id c2 = open_case(f, H(1, 0), f->q1, f->a1, CRM_PRIORITY_HIGH, PHONE);
  crm_id c3 = open_case(f, H(2, 0), f->q1, f->a1, CRM_PRIORITY_URGENT, PHONE);
  reply(f, c3, H(2, 20), PHONE, f->a1);
  at(f, H(2, 30));
  assert_crm_ok(crm_case_assign(f->t->db, c3, f->q2, f->a2, 0));
  resolve(f, c3, H(3, 0), 4);
  crm_id c9 = open_case(f, H(3, 0), f->q2, f->a2, CRM_PRIORITY_NORMAL, EMAIL);
  contact(f, c2, H(3, 0), IVR, IN, CRM_OUTCOME_ABANDONED, 0, 3);
  contact(f, c2, H(3, 5), IVR, IN, CRM_OUTCOME_ABANDONED, 0, 3);
  reply(f, c9, H(3, 30), EMAIL, f->a2);
  reply(f, c2, H(4, 0), PHONE, f->a1);
  crm_id c4 = open_case(f, H(7, 0), f->q2, f->a2, CRM_PRIORITY_NORMAL, EMAIL);
  contact(f, c4, H(7, 30), PHONE, OUT, CRM_OUTCOME_BUSY, f->a2, 0);
  reply(f, c4, H(24, 30), EMAIL, f->a2);
  resolve(f, c2, H(24, 30), 3);
  crm_id c5 = open_case(f, H(25, 0), f->q1, 0, CRM_PRIORITY_LOW, CHAT);
  reply(f, c5, H(25, 10), CHAT, f->a1);
  contact(f, c4, H(25, 30), IVR, IN, CRM_OUTCOME_ABANDONED, 0, 1);
  resolve(f, c5, H(26, 0), 0);
  contact(f, c4, H(26, 0), PHONE, IN, CRM_OUTCOME_ABANDONED, 0, 0);
  contact(f, c5, H(27, 0), CHAT, IN, CRM_OUTCOME_NONE, 0, 0); /* reopens C5 */
  resolve(f, c5, H(28, 0), 1);
  open_case(f, H(29, 0), 0, 0, CRM_PRIORITY_NORMAL, EMAIL);         /* C6 */
  open_case(f, H(49, 0), f->q1, f->a1, CRM_PRIORITY_NORMAL, EMAIL); /* C8 */
  resolve(f, c9, H(49, 0), 0);
  at(f, H(51, 0));
  size_t fired = 0;
  assert_crm_ok(crm_tick(&fired, db, 0));
  assert_true(fired > 0);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  crm_test_db_free(f->t);
  g_free(f);
  return 0;
}

/* ------------------------------------------------------------------ */
/* expected rows                                                        */

typedef struct {
  int64_t key;
  const char *label;
  int64_t in, out, abandoned, depth0, depth1, depth3;
  int64_t cases, resolved, fcr, reopened, transfers;
  int64_t csat[5];
  int64_t fr[5], res[5];         /* n, median and p90 business, median and p90 calendar */
  int64_t fr_sla[2], res_sla[2]; /* met, breached */
  int64_t backlog;
} expect;

static crm_report *run(crm_db *db, crm_report_group_t group, const char *tz)
{
  crm_report_spec spec = CRM_REPORT_SPEC_INIT;
  spec.from = RANGE_FROM;
  spec.to = RANGE_TO;
  spec.group_by = group;
  spec.timezone = tz;
  crm_report *r = NULL;
  assert_crm_ok(crm_report_run(&r, db, &spec));
  assert_int_equal(crm_report_from(r), RANGE_FROM);
  assert_int_equal(crm_report_to(r), RANGE_TO);
  assert_int_equal(crm_report_group_by(r), group);
  return r;
}

static void check_time(const crm_report_row *row, crm_sla_metric_t m, const int64_t *want)
{
  for (int w = CRM_REPORT_TIME_COUNT; w <= CRM_REPORT_TIME_P90_CALENDAR; w++)
    assert_int_equal(crm_report_row_time(row, m, (crm_report_time_t)w),
                     want[0] == 0 ? -1 : want[w - 1]);
}

static double ratio(int64_t a, int64_t b)
{
  return b > 0 ? (double)a / (double)b : -1.0;
}

static void check_row(const crm_report_row *row, crm_report_group_t group, const expect *e)
{
  assert_int_equal(crm_report_row_group(row), group);
  assert_int_equal(crm_report_row_key(row), e->key);
  assert_string_equal(crm_report_row_label(row), e->label);
  assert_int_equal(crm_report_row_contacts_in(row), e->in);
  assert_int_equal(crm_report_row_contacts_out(row), e->out);
  assert_int_equal(crm_report_row_abandoned(row), e->abandoned);
  assert_int_equal(crm_report_row_abandoned_at_depth(row, 0), e->depth0);
  assert_int_equal(crm_report_row_abandoned_at_depth(row, 1), e->depth1);
  assert_int_equal(crm_report_row_abandoned_at_depth(row, 2), 0);
  assert_int_equal(crm_report_row_abandoned_at_depth(row, 3), e->depth3);
  assert_int_equal(crm_report_row_max_depth(row), e->depth3 ? 3 : e->depth1 ? 1 : 0);
  assert_int_equal(crm_report_row_cases(row), e->cases);
  assert_int_equal(crm_report_row_resolved(row), e->resolved);
  assert_int_equal(crm_report_row_fcr(row), e->fcr);
  assert_true(crm_report_row_fcr_rate(row) == ratio(e->fcr, e->resolved));
  assert_int_equal(crm_report_row_reopened(row), e->reopened);
  assert_true(crm_report_row_reopen_rate(row) == ratio(e->reopened, e->cases));
  assert_int_equal(crm_report_row_transfers(row), e->transfers);
  assert_true(crm_report_row_transfers_per_case(row) == ratio(e->transfers, e->cases));
  int64_t n = 0, sum = 0;
  for (int s = 1; s <= 5; s++) {
    assert_int_equal(crm_report_row_csat_score(row, s), e->csat[s - 1]);
    n += e->csat[s - 1];
    sum += s * e->csat[s - 1];
  }
  assert_int_equal(crm_report_row_csat_count(row), n);
  assert_true(crm_report_row_csat_average(row) == ratio(sum, n));
  check_time(row, CRM_SLA_FIRST_RESPONSE, e->fr);
  check_time(row, CRM_SLA_RESOLUTION, e->res);
  assert_int_equal(crm_report_row_sla_met(row, CRM_SLA_FIRST_RESPONSE), e->fr_sla[0]);
  assert_int_equal(crm_report_row_sla_breached(row, CRM_SLA_FIRST_RESPONSE), e->fr_sla[1]);
  assert_true(crm_report_row_sla_rate(row, CRM_SLA_FIRST_RESPONSE) ==
              ratio(e->fr_sla[0], e->fr_sla[0] + e->fr_sla[1]));
  assert_int_equal(crm_report_row_sla_met(row, CRM_SLA_RESOLUTION), e->res_sla[0]);
  assert_int_equal(crm_report_row_sla_breached(row, CRM_SLA_RESOLUTION), e->res_sla[1]);
  assert_true(crm_report_row_sla_rate(row, CRM_SLA_RESOLUTION) ==
              ratio(e->res_sla[0], e->res_sla[0] + e->res_sla[1]));
  /* no next-response target, no incident: no cycles */
  assert_int_equal(crm_report_row_sla_met(row, CRM_SLA_NEXT_RESPONSE), 0);
  assert_int_equal(crm_report_row_sla_breached(row, CRM_SLA_PERIODIC_UPDATE), 0);
  assert_true(crm_report_row_sla_rate(row, CRM_SLA_NEXT_RESPONSE) == -1.0);
  assert_int_equal(crm_report_row_backlog(row), e->backlog);
}

/* Every row of the report against `want`, in order, through the iterator. */
static void check_report(crm_report *r, crm_report_group_t group, const expect *want, size_t n)
{
  assert_int_equal(crm_report_row_count(r), n);
  crm_report_row_iterator *it = NULL;
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  crm_report_free(r); /* the iterator keeps it alive */
  for (size_t i = 0; i < n; i++) {
    crm_report_row *row = NULL;
    assert_crm_ok(crm_report_row_next(&row, it));
    check_row(row, group, &want[i]);
    crm_report_row_free(row);
  }
  crm_report_row *row = (crm_report_row *)1;
  assert_int_equal(crm_report_row_next(&row, it), CRM_ITEROVER);
  assert_null(row);
  crm_report_row_iterator_free(it);
}

/*
 * The total. Contacts in the range (the note is internal; C7's and C8's
 * contacts fall outside): inbound C1 1 + C2 1 + C3 1 + C9 1 + IVR 2 + C4 1
 * + C5 2 + IVR 1 + phone 1 + C6 1 = 12; outbound C1, C2, C3, C9, C4 busy
 * call, C4 reply, C5 = 7; abandoned 4: depth 3 twice, depth 1 once, no
 * depth once.
 * Cases created in the range: C1 C2 C3 C9 C4 C5 C6 = 7; resolved now: C1
 * C2 C3 C5 C9 = 5; FCR (one inbound, no transfer): C1 C9 = 2 (C2 had 3
 * inbound, C3 a transfer, C5 2 inbound); reopened C5 = 1; transfers 1;
 * CSAT 5, 3, 4, 1: one each of 1, 3, 4, 5.
 * First response, business sorted 600 1200 1800 1800 5400 10800: median
 * rank ceil(6 * .5) = 3 -> 1800, p90 rank ceil(5.4) = 6 -> 10800;
 * calendar 600 1200 1800 1800 10800 63000 -> 1800, 63000.
 * Resolution, business 3600 3600 3600 27000 50400: median rank ceil(2.5)
 * = 3 -> 3600, p90 rank ceil(4.5) = 5 -> 50400; calendar 3600 3600 3600
 * 84600 165600 -> 3600, 165600.
 * SLA first response met C1 C3 C9 C5 = 4, breached C2 C4 C6 = 3;
 * resolution met C1 C2 C3 C5 (two cycles) = 5, breached C9 C4 = 2.
 * Backlog at Wednesday 09:00: open C4 C6 C7, resolved later C9 = 4.
 */
// clang-format off
static const expect TOTAL = {
    0, "total", 12, 7, 4, 1, 1, 2, 7, 5, 2, 1, 1, {1, 0, 1, 1, 1},
    {6, 1800, 10800, 1800, 63000}, {5, 3600, 50400, 3600, 165600}, {4, 3}, {5, 2}, 4};
// clang-format on

static void test_total(void **state)
{
  fixture *f = *state;
  crm_report *r = run(f->t->db, CRM_REPORT_BY_NONE, NULL);
  /* the derived figures, by hand */
  crm_report_row_iterator *it = NULL;
  crm_report_row *row = NULL;
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  assert_crm_ok(crm_report_row_next(&row, it));
  assert_true(crm_report_row_fcr_rate(row) == 0.4);        /* 2 / 5 */
  assert_true(crm_report_row_csat_average(row) == 3.25);   /* 13 / 4 */
  assert_true(crm_report_row_reopen_rate(row) == 1.0 / 7); /* 1 / 7 */
  assert_true(crm_report_row_sla_rate(row, CRM_SLA_FIRST_RESPONSE) == 4.0 / 7);
  crm_report_row_free(row);
  crm_report_row_iterator_free(it);
  check_report(r, CRM_REPORT_BY_NONE, &TOTAL, 1);
}

/*
 * By channel: interactions by their own channel, cases by their first
 * contact's. Email (1): in C1 C9 C4 C6 = 4, out C1 C9 C4 = 3; cases C1 C9
 * C4 C6: resolved C1 C9, both FCR; CSAT 5; first response 1800 1800 5400
 * (calendar 1800 1800 63000): median rank 2, p90 rank 3; resolution 3600
 * 50400 (calendar 3600 165600): median rank 1, p90 rank 2; SLA first
 * response met C1 C9, breached C4 C6; resolution met C1, breached C9 C4;
 * backlog C4 C6 C7 C9.
 * Phone (2): in C2 C3 + the abandoned call = 3, out C2 C3 + busy call = 3,
 * abandoned 1 (no depth); cases C2 C3, both resolved, no FCR, 1 transfer;
 * CSAT 3 and 4; first response 1200 10800 (same calendar); resolution
 * 3600 27000 (calendar 3600 84600); SLA first response 1 met (C3), 1
 * breached (C2); resolution 2 met.
 * IVR (3): the three abandoned calls, no case begins on IVR.
 * Chat (4): C5: in 2, out 1, reopened, CSAT 1, 600 and 3600, two
 * resolution cycles met.
 */
static void test_by_channel(void **state)
{
  fixture *f = *state;
  // clang-format off
  /* key, label, contacts in out abandoned depth0 depth1 depth3, cases resolved fcr reopened
     transfers, CSAT 1..5, first response {n, median and p90 business, median and p90 calendar},
     resolution {same}, SLA first response {met, breached}, resolution {met, breached}, backlog */
  const expect want[] = {
    {CRM_CHANNEL_EMAIL, "email", 4, 3, 0, 0, 0, 0, 4, 2, 2, 0, 0, {0, 0, 0, 0, 1},
     {3, 1800, 5400, 1800, 63000}, {2, 3600, 50400, 3600, 165600}, {2, 2}, {1, 2}, 4},
    {CRM_CHANNEL_PHONE, "phone", 3, 3, 1, 1, 0, 0, 2, 2, 0, 0, 1, {0, 0, 1, 1, 0},
     {2, 1200, 10800, 1200, 10800}, {2, 3600, 27000, 3600, 84600}, {1, 1}, {2, 0}, 0},
    {CRM_CHANNEL_IVR, "ivr", 3, 0, 3, 0, 1, 2, 0, 0, 0, 0, 0, {0, 0, 0, 0, 0},
     {0}, {0}, {0, 0}, {0, 0}, 0},
    {CRM_CHANNEL_CHAT, "chat", 2, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, {1, 0, 0, 0, 0},
     {1, 600, 600, 600, 600}, {1, 3600, 3600, 3600, 3600}, {1, 0}, {2, 0}, 0},
  };
  // clang-format on
  check_report(run(f->t->db, CRM_REPORT_BY_CHANNEL, NULL), CRM_REPORT_BY_CHANNEL, want,
               G_N_ELEMENTS(want));
}

/*
 * By queue (the case's current queue; C3 now in Q2):
 * none: C6 only: in 1; first response breached by the tick; backlog 1.
 * Q1 (C1 C2 C5; interactions C1 1/1, C2 1/1 + 2 abandoned depth 3, C5
 * 2/1): in 6, out 3; cases 3, resolved 3, FCR C1; reopened C5; CSAT 5 3
 * 1; first response 600 1800 10800 -> median 1800, p90 10800; resolution
 * 3600 3600 27000 (calendar 3600 3600 84600) -> 3600, 27000 (84600); SLA
 * first response 2 met 1 breached (C2), resolution 4 met; backlog C7.
 * Q2 (C3 C9 C4; interactions C3 1/1, C9 1/1, C4 1/2 + 2 abandoned): in 5,
 * out 4, abandoned 2 (depth 1, none); cases 3, resolved C3 C9, FCR C9, 1
 * transfer, CSAT 4; first response 1200 1800 5400 (calendar 1200 1800
 * 63000); resolution 3600 50400 (3600 165600); SLA first response 2/1,
 * resolution 1/2; backlog C4 C9.
 */
// clang-format off
static const expect Q2_OR_A2 = {
    0, NULL, 5, 4, 2, 1, 1, 0, 3, 2, 1, 0, 1, {0, 0, 0, 1, 0},
    {3, 1800, 5400, 1800, 63000}, {2, 3600, 50400, 3600, 165600}, {2, 1}, {1, 2}, 2};
// clang-format on

static void test_by_queue(void **state)
{
  fixture *f = *state;
  // clang-format off
  /* key, label, contacts in out abandoned depth0 depth1 depth3, cases resolved fcr reopened
     transfers, CSAT 1..5, first response {n, median and p90 business, median and p90 calendar},
     resolution {same}, SLA first response {met, breached}, resolution {met, breached}, backlog */
  expect want[] = {
    {0, "none", 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, {0, 0, 0, 0, 0},
     {0}, {0}, {0, 1}, {0, 0}, 1},
    {f->q1, "billing", 6, 3, 2, 0, 0, 2, 3, 3, 1, 1, 0, {1, 0, 1, 0, 1},
     {3, 1800, 10800, 1800, 10800}, {3, 3600, 27000, 3600, 84600}, {2, 1}, {4, 0}, 1},
    Q2_OR_A2,
  };
  // clang-format on
  want[2].key = f->q2;
  want[2].label = "network";
  check_report(run(f->t->db, CRM_REPORT_BY_QUEUE, NULL), CRM_REPORT_BY_QUEUE, want,
               G_N_ELEMENTS(want));
}

/*
 * By agent (the case's current assignee; C3 now A2's; C5 and C6 have
 * none):
 * none: C5 and C6: in 3 (C5 2, C6 1), out 1; cases 2, resolved C5,
 * reopened C5, CSAT 1; times of C5 only; SLA first response met C5,
 * breached C6; resolution 2 met (C5); backlog C6.
 * A1 (C1 C2): in 4 (C1, C2, 2 abandoned), out 2; resolved both, FCR C1,
 * CSAT 5 3; first response 1800 10800; resolution 3600 27000 (calendar
 * 3600 84600); SLA first response 1/1, resolution 2/0; backlog C7.
 * A2: the same cases as Q2.
 */
static void test_by_agent(void **state)
{
  fixture *f = *state;
  // clang-format off
  /* key, label, contacts in out abandoned depth0 depth1 depth3, cases resolved fcr reopened
     transfers, CSAT 1..5, first response {n, median and p90 business, median and p90 calendar},
     resolution {same}, SLA first response {met, breached}, resolution {met, breached}, backlog */
  expect want[] = {
    {0, "none", 3, 1, 0, 0, 0, 0, 2, 1, 0, 1, 0, {1, 0, 0, 0, 0},
     {1, 600, 600, 600, 600}, {1, 3600, 3600, 3600, 3600}, {1, 1}, {2, 0}, 1},
    {f->a1, "Anna", 4, 2, 2, 0, 0, 2, 2, 2, 1, 0, 0, {0, 0, 1, 0, 1},
     {2, 1800, 10800, 1800, 10800}, {2, 3600, 27000, 3600, 84600}, {1, 1}, {2, 0}, 1},
    Q2_OR_A2,
  };
  // clang-format on
  want[2].key = f->a2;
  want[2].label = "Bruno";
  check_report(run(f->t->db, CRM_REPORT_BY_AGENT, NULL), CRM_REPORT_BY_AGENT, want,
               G_N_ELEMENTS(want));
}

/*
 * By priority: low C5; normal C1 C9 C4 C6 (interactions C1 1/1, C9 1/1, C4
 * 1/2 + 2 abandoned, C6 1/0: in 6, out 4; first response 1800 1800 5400;
 * resolution 3600 50400; SLA first response met C1 C9, breached C4 C6;
 * resolution met C1, breached C9 C4; backlog C4 C6 C7 C9); high C2 (in 1 +
 * 2 abandoned depth 3); urgent C3 (the transfer).
 */
static void test_by_priority(void **state)
{
  fixture *f = *state;
  // clang-format off
  /* key, label, contacts in out abandoned depth0 depth1 depth3, cases resolved fcr reopened
     transfers, CSAT 1..5, first response {n, median and p90 business, median and p90 calendar},
     resolution {same}, SLA first response {met, breached}, resolution {met, breached}, backlog */
  const expect want[] = {
    {CRM_PRIORITY_LOW, "low", 2, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, {1, 0, 0, 0, 0},
     {1, 600, 600, 600, 600}, {1, 3600, 3600, 3600, 3600}, {1, 0}, {2, 0}, 0},
    {CRM_PRIORITY_NORMAL, "normal", 6, 4, 2, 1, 1, 0, 4, 2, 2, 0, 0, {0, 0, 0, 0, 1},
     {3, 1800, 5400, 1800, 63000}, {2, 3600, 50400, 3600, 165600}, {2, 2}, {1, 2}, 4},
    {CRM_PRIORITY_HIGH, "high", 3, 1, 2, 0, 0, 2, 1, 1, 0, 0, 0, {0, 0, 1, 0, 0},
     {1, 10800, 10800, 10800, 10800}, {1, 27000, 27000, 84600, 84600}, {0, 1}, {1, 0}, 0},
    {CRM_PRIORITY_URGENT, "urgent", 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, {0, 0, 0, 1, 0},
     {1, 1200, 1200, 1200, 1200}, {1, 3600, 3600, 3600, 3600}, {1, 0}, {1, 0}, 0},
  };
  // clang-format on
  check_report(run(f->t->db, CRM_REPORT_BY_PRIORITY, NULL), CRM_REPORT_BY_PRIORITY, want,
               G_N_ELEMENTS(want));
}

/*
 * By day (UTC): Monday from 09:00, Tuesday, Wednesday to 09:00.
 * Monday: interactions C1 1/1, C2 1/0, C3 1/1, C9 1/1, 2 abandoned, C4 in
 * and busy call, C2's reply: in 7, out 5; cases C1 C2 C3 C9 C4: resolved
 * C1 C2 C3 C9, FCR C1 C9, 1 transfer, CSAT 5 3 4; first response 1200
 * 1800 1800 5400 10800 -> median rank 3 = 1800, p90 rank 5 = 10800
 * (calendar 1200 1800 1800 10800 63000 -> 1800, 63000); resolution 3600
 * 3600 27000 50400 -> median rank 2 = 3600, p90 rank 4 = 50400 (calendar
 * 3600 3600 84600 165600 -> 3600, 165600); SLA first response met C1 C3
 * C9, breached C2 C4; resolution met C1 C2 C3, breached C9 C4; backlog at
 * Tuesday 00:00: C7 C4 open, C2 and C9 resolved later = 4.
 * Tuesday: C4's reply, C5 2 in / 1 out, 2 abandoned, C6 in: in 5, out 2;
 * cases C5 C6; backlog at Wednesday 00:00: C4 C6 C7 open, C9 = 4.
 * Wednesday: nothing happened before 09:00; backlog 4.
 */
static void test_by_day(void **state)
{
  fixture *f = *state;
  const crm_time monday = CRM_TEST_T0 - H(9, 0);
  // clang-format off
  /* key, label, contacts in out abandoned depth0 depth1 depth3, cases resolved fcr reopened
     transfers, CSAT 1..5, first response {n, median and p90 business, median and p90 calendar},
     resolution {same}, SLA first response {met, breached}, resolution {met, breached}, backlog */
  const expect want[] = {
    {monday, "2026-03-02", 7, 5, 2, 0, 0, 2, 5, 4, 2, 0, 1, {0, 0, 1, 1, 1},
     {5, 1800, 10800, 1800, 63000}, {4, 3600, 50400, 3600, 165600}, {3, 2}, {3, 2}, 4},
    {monday + H(24, 0), "2026-03-03", 5, 2, 2, 1, 1, 0, 2, 1, 0, 1, 0, {1, 0, 0, 0, 0},
     {1, 600, 600, 600, 600}, {1, 3600, 3600, 3600, 3600}, {1, 1}, {2, 0}, 4},
    {monday + H(48, 0), "2026-03-04", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {0, 0, 0, 0, 0},
     {0}, {0}, {0, 0}, {0, 0}, 4},
  };
  // clang-format on
  check_report(run(f->t->db, CRM_REPORT_BY_DAY, NULL), CRM_REPORT_BY_DAY, want, G_N_ELEMENTS(want));
  check_report(run(f->t->db, CRM_REPORT_BY_DAY, "UTC"), CRM_REPORT_BY_DAY, want,
               G_N_ELEMENTS(want));

  /* In Rome (UTC+1 in March) the days start at 23:00 UTC: Monday's row
     starts on Sunday 23:00 UTC, and still three rows cover the range. */
  crm_report *r = run(f->t->db, CRM_REPORT_BY_DAY, "Europe/Rome");
  assert_int_equal(crm_report_row_count(r), 3);
  crm_report_row_iterator *it = NULL;
  crm_report_row *row = NULL;
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  assert_crm_ok(crm_report_row_next(&row, it));
  assert_int_equal(crm_report_row_key(row), monday - H(1, 0));
  assert_string_equal(crm_report_row_label(row), "2026-03-02");
  assert_int_equal(crm_report_row_cases(row), 5);
  crm_report_row_free(row);
  crm_report_row_iterator_free(it);
  crm_report_free(r);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static void test_json(void **state)
{
  fixture *f = *state;
  crm_report *r = run(f->t->db, CRM_REPORT_BY_QUEUE, NULL);
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_report_json(&buf, r));
  JsonParser *p = json_parser_new();
  assert_true(json_parser_load_from_data(p, buf.ptr, (gssize)buf.size, NULL));
  JsonObject *o = json_node_get_object(json_parser_get_root(p));
  assert_string_equal(json_object_get_string_member(o, "group_by"), "queue");
  assert_int_equal(json_object_get_int_member(o, "from"), RANGE_FROM);
  JsonArray *rows = json_object_get_array_member(o, "rows");
  assert_int_equal(json_array_get_length(rows), 3);
  /* the "none" row: no case timed, no resolved case */
  JsonObject *none = json_array_get_object_element(rows, 0);
  assert_string_equal(json_object_get_string_member(none, "label"), "none");
  JsonObject *fr = json_object_get_object_member(none, "first_response");
  assert_int_equal(json_object_get_int_member(fr, "count"), 0);
  assert_true(json_object_get_null_member(json_object_get_object_member(fr, "business"), "median"));
  assert_true(json_object_get_null_member(json_object_get_object_member(none, "fcr"), "rate"));
  /* billing: abandoned by depth, CSAT scores, SLA, rates */
  JsonObject *q1 = json_array_get_object_element(rows, 1);
  assert_int_equal(json_object_get_int_member(q1, "key"), f->q1);
  JsonObject *contacts = json_object_get_object_member(q1, "contacts");
  assert_int_equal(json_object_get_int_member(contacts, "in"), 6);
  JsonObject *depths = json_object_get_object_member(contacts, "abandoned_by_ivr_depth");
  assert_int_equal(json_object_get_size(depths), 1);
  assert_int_equal(json_object_get_int_member(depths, "3"), 2);
  JsonObject *csat = json_object_get_object_member(q1, "csat");
  assert_true(json_object_get_double_member(csat, "average") == 3.0);
  JsonArray *scores = json_object_get_array_member(csat, "scores");
  assert_int_equal(json_array_get_int_element(scores, 0), 1);
  assert_int_equal(json_array_get_int_element(scores, 4), 1);
  JsonObject *res = json_object_get_object_member(q1, "resolution");
  assert_int_equal(
      json_object_get_int_member(json_object_get_object_member(res, "calendar"), "p90"), 84600);
  JsonObject *sla =
      json_object_get_object_member(json_object_get_object_member(q1, "sla"), "first_response");
  assert_int_equal(json_object_get_int_member(sla, "breached"), 1);
  assert_true(json_object_get_double_member(json_object_get_object_member(q1, "fcr"), "rate") ==
              1.0 / 3);
  assert_int_equal(json_object_get_int_member(q1, "backlog"), 1);
  g_object_unref(p);
  crm_buf_dispose(&buf);
  crm_report_free(r);
}

/* ------------------------------------------------------------------ */
/* permissions                                                          */

static crm_db *as(fixture *f, crm_id actor)
{
  f->t->opts.actor = actor;
  crm_db *db = crm_test_db_open_another(f->t);
  f->t->opts.actor = 0;
  return db;
}

static void test_permissions(void **state)
{
  fixture *f = *state;
  /* an admin of any queue sees everything */
  crm_db *db = as(f, f->ada);
  check_report(run(db, CRM_REPORT_BY_NONE, NULL), CRM_REPORT_BY_NONE, &TOTAL, 1);
  crm_close(db);

  /* a supervisor of billing sees billing's cases and their contacts:
     the figures of the billing row */
  db = as(f, f->sara);
  crm_report *r = run(db, CRM_REPORT_BY_QUEUE, NULL);
  assert_int_equal(crm_report_row_count(r), 1);
  crm_report_row_iterator *it = NULL;
  crm_report_row *row = NULL;
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  assert_crm_ok(crm_report_row_next(&row, it));
  assert_int_equal(crm_report_row_key(row), f->q1);
  assert_int_equal(crm_report_row_contacts_in(row), 6);
  assert_int_equal(crm_report_row_cases(row), 3);
  assert_int_equal(crm_report_row_backlog(row), 1);
  crm_report_row_free(row);
  crm_report_row_iterator_free(it);
  crm_report_free(r);
  r = run(db, CRM_REPORT_BY_NONE, NULL);
  assert_int_equal(crm_report_row_count(r), 1);
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  assert_crm_ok(crm_report_row_next(&row, it));
  assert_int_equal(crm_report_row_cases(row), 3);
  assert_int_equal(crm_report_row_abandoned(row), 2);
  crm_report_row_free(row);
  crm_report_row_iterator_free(it);
  crm_report_free(r);
  crm_close(db);

  /* a plain agent, an agent of no queue: refused (an unknown agent cannot
     open a handle at all: test_permissions.c) */
  crm_id refused[] = {f->piero, f->nobody};
  for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
    db = as(f, refused[i]);
    crm_report_spec spec = CRM_REPORT_SPEC_INIT;
    spec.from = RANGE_FROM;
    spec.to = RANGE_TO;
    r = (crm_report *)1;
    char *needle = g_strdup_printf("agent %lld", (long long)refused[i]);
    assert_crm_error(crm_report_run(&r, db, &spec), CRM_EPERM, needle);
    assert_null(r);
    /* the arguments are checked first */
    spec.to = spec.from;
    assert_crm_error(crm_report_run(&r, db, &spec), CRM_EINVALID, "empty");
    g_free(needle);
    crm_close(db);
  }
}

/* ------------------------------------------------------------------ */
/* arguments                                                            */

static void test_arguments(void **state)
{
  fixture *f = *state;
  crm_db *db = f->t->db;
  crm_report_spec spec = CRM_REPORT_SPEC_INIT;
  spec.from = RANGE_FROM;
  spec.to = RANGE_TO;
  crm_report *r = (crm_report *)1;
  assert_crm_error(crm_report_run(NULL, db, &spec), CRM_EINVALID, "out");
  assert_crm_error(crm_report_run(&r, NULL, &spec), CRM_EINVALID, "");
  assert_null(r);
  assert_crm_error(crm_report_run(&r, db, NULL), CRM_EINVALID, "report spec");
  crm_report_spec bad = spec;
  bad.version = 99;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "99");
  bad = spec;
  bad.version = 0;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "version");
  bad = spec;
  bad.from = -1;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "-1");
  bad = spec;
  bad.to = bad.from;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "empty");
  bad.to = bad.from - 10;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "empty");
  bad = spec;
  bad.to = (crm_time)400000000000LL;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "out of range");
  bad = spec;
  bad.group_by = (crm_report_group_t)6;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "group_by");
  bad.group_by = (crm_report_group_t)-1;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "group_by");
  bad = spec;
  bad.group_by = CRM_REPORT_BY_DAY;
  bad.timezone = "Mars/Olympus_Mons";
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "Mars/Olympus_Mons");
  bad.timezone = "";
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "timezone");
  bad.timezone = "Europe/\xff";
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "timezone");
  bad.timezone = NULL;
  bad.to = bad.from + (crm_time)4000 * 86400;
  assert_crm_error(crm_report_run(&r, db, &bad), CRM_EINVALID, "days");
  assert_null(r);
  /* a long range is fine when not cut by day */
  bad.group_by = CRM_REPORT_BY_QUEUE;
  assert_crm_ok(crm_report_run(&r, db, &bad));
  crm_report_free(r);

  assert_crm_error(crm_report_spec_init(NULL, CRM_REPORT_SPEC_VERSION), CRM_EINVALID, "");
  assert_crm_error(crm_report_spec_init(&bad, 2), CRM_EINVALID, "2");
  assert_crm_ok(crm_report_spec_init(&bad, CRM_REPORT_SPEC_VERSION));
  assert_int_equal(bad.version, CRM_REPORT_SPEC_VERSION);
  assert_int_equal(bad.group_by, CRM_REPORT_BY_NONE);
  assert_null(bad.timezone);

  crm_buf buf = CRM_BUF_INIT;
  assert_crm_error(crm_report_json(&buf, NULL), CRM_EINVALID, "report");
  assert_crm_error(crm_report_json(NULL, (crm_report *)1), CRM_EINVALID, "out");
  crm_report_row_iterator *it = (crm_report_row_iterator *)1;
  assert_crm_error(crm_report_row_iterator_new(&it, NULL), CRM_EINVALID, "report");
  assert_null(it);
  crm_report_row *row = (crm_report_row *)1;
  assert_crm_error(crm_report_row_next(&row, NULL), CRM_EINVALID, "iterator");
  assert_null(row);

  /* getters tolerate NULL and out-of-range arguments */
  assert_int_equal(crm_report_row_count(NULL), 0);
  assert_int_equal(crm_report_from(NULL), 0);
  assert_int_equal(crm_report_to(NULL), 0);
  assert_int_equal(crm_report_group_by(NULL), CRM_REPORT_BY_NONE);
  assert_null(crm_report_row_label(NULL));
  assert_int_equal(crm_report_row_key(NULL), 0);
  assert_int_equal(crm_report_row_cases(NULL), 0);
  assert_true(crm_report_row_fcr_rate(NULL) == -1.0);
  assert_int_equal(crm_report_row_time(NULL, CRM_SLA_FIRST_RESPONSE, CRM_REPORT_TIME_COUNT), -1);
  r = run(db, CRM_REPORT_BY_NONE, NULL);
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  assert_crm_ok(crm_report_row_next(&row, it));
  assert_int_equal(crm_report_row_time(row, CRM_SLA_NEXT_RESPONSE, CRM_REPORT_TIME_COUNT), -1);
  assert_int_equal(crm_report_row_time(row, CRM_SLA_FIRST_RESPONSE, (crm_report_time_t)0), -1);
  assert_int_equal(crm_report_row_time(row, CRM_SLA_FIRST_RESPONSE, (crm_report_time_t)6), -1);
  assert_int_equal(crm_report_row_sla_met(row, (crm_sla_metric_t)0), 0);
  assert_int_equal(crm_report_row_sla_breached(row, (crm_sla_metric_t)5), 0);
  assert_true(crm_report_row_sla_rate(row, (crm_sla_metric_t)9) == -1.0);
  assert_int_equal(crm_report_row_csat_score(row, 0), 0);
  assert_int_equal(crm_report_row_csat_score(row, 6), 0);
  assert_int_equal(crm_report_row_abandoned_at_depth(row, -1), 0);
  assert_int_equal(crm_report_row_abandoned_at_depth(row, 100), 0);
  crm_report_row_free(row);
  crm_report_row_iterator_free(it);
  crm_report_free(r);
  crm_report_free(NULL);
  crm_report_row_free(NULL);
  crm_report_row_iterator_free(NULL);

  assert_string_equal(crm_report_group_name(CRM_REPORT_BY_NONE), "none");
  assert_string_equal(crm_report_group_name(CRM_REPORT_BY_DAY), "day");
  assert_null(crm_report_group_name((crm_report_group_t)6));
  assert_null(crm_report_group_name((crm_report_group_t)-1));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_total),       cmocka_unit_test(test_by_channel),
      cmocka_unit_test(test_by_queue),    cmocka_unit_test(test_by_agent),
      cmocka_unit_test(test_by_priority), cmocka_unit_test(test_by_day),
      cmocka_unit_test(test_json),        cmocka_unit_test(test_permissions),
      cmocka_unit_test(test_arguments),
  };
  /* one data set for every test: they only read */
  return cmocka_run_group_tests(tests, setup, teardown);
}
