/*
 * Unit tests: the SLA engine on business calendars. Stored calendars and
 * their versions; due instants through timers across daylight-saving
 * changes both ways (Europe/Rome, America/New_York), a holiday on a
 * Friday, overnight shifts (also across a DST change), a lunch break;
 * pause while pending customer; a calendar edit recomputing an open timer
 * and not a finished cycle; story S1 (an e-mail answered six weeks late);
 * and the "pauses" cases of ../shared/sla/cases.json through the timer API.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

/* ------------------------------------------------------------------ */
/* helpers                                                              */

/* An instant from a local wall-clock time (not in a DST gap or overlap). */
static crm_time local(const char *tz, int y, int mo, int d, int h, int mi)
{
  GTimeZone *z = g_time_zone_new_identifier(tz);
  assert_non_null(z);
  GDateTime *dt = g_date_time_new(z, y, mo, d, h, mi, 0);
  crm_time t = g_date_time_to_unix(dt);
  g_date_time_unref(dt);
  g_time_zone_unref(z);
  return t;
}

static crm_time utc(int y, int mo, int d, int h, int mi)
{
  return local("UTC", y, mo, d, h, mi);
}

static crm_time iso(const char *s)
{
  GDateTime *dt = g_date_time_new_from_iso8601(s, NULL);
  assert_non_null(dt);
  crm_time t = g_date_time_to_unix(dt);
  g_date_time_unref(dt);
  return t;
}

/* Store a calendar (freed); skips the test when this build cannot. */
static crm_id save(crm_test_db *t, const char *name, crm_calendar *cal)
{
  crm_id id = 0;
  crm_status st = crm_calendar_save(&id, t->db, name, cal);
  crm_calendar_free(cal);
  if (st == CRM_ENOTSUPPORTED) {
    print_message("# %s\n", crm_error_last()->message);
    skip();
  }
  assert_crm_ok(st);
  return id;
}

/* Mon-Fri 09:00-13:00 and 14:00-18:00 in a zone. */
static crm_calendar *office(const char *tz)
{
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, tz));
  for (int d = 1; d <= 5; d++) {
    assert_crm_ok(crm_calendar_add_hours(cal, d, 9 * 60, 13 * 60));
    assert_crm_ok(crm_calendar_add_hours(cal, d, 14 * 60, 18 * 60));
  }
  return cal;
}

static crm_id policy_on(crm_db *db, crm_id calendar, crm_sla_metric_t metric, int64_t target,
                        int warn, uint32_t pause)
{
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = "policy";
  s.calendar = calendar;
  s.targets[metric] = target;
  s.warn_percent = warn;
  s.pause_statuses = pause;
  crm_id id = 0;
  assert_crm_ok(crm_sla_policy_create(&id, db, &s));
  return id;
}

static crm_id open_case_at(crm_test_db *t, crm_id customer, crm_time at)
{
  t->now = at;
  crm_case_spec s = CRM_CASE_SPEC_INIT;
  s.customer = customer;
  s.subject = "subject";
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &s));
  return id;
}

static crm_sla_timer *timer_of(crm_db *db, crm_id case_id, crm_sla_metric_t metric,
                               crm_sla_view_t view)
{
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_timer_iterator_new(&it, db, case_id, view));
  crm_sla_timer *t = NULL, *found = NULL;
  while (crm_sla_timer_next(&t, it) == CRM_OK) {
    if (found == NULL && crm_sla_timer_metric(t) == metric)
      found = t;
    else
      crm_sla_timer_free(t);
  }
  crm_sla_timer_iterator_free(it);
  assert_non_null(found);
  return found;
}

static crm_time due_of(crm_db *db, crm_id case_id, crm_sla_metric_t metric)
{
  crm_sla_timer *t = timer_of(db, case_id, metric, CRM_SLA_AS_REPORTED);
  crm_time due = crm_sla_timer_due_at(t);
  crm_sla_timer_free(t);
  return due;
}

/* The due instant of a resolution target started at `start` on `cal`. */
static crm_time due_through_timer(crm_test_db *t, crm_calendar *cal, crm_time start, int64_t target)
{
  crm_id c = save(t, "calendar", cal);
  policy_on(t->db, c, CRM_SLA_RESOLUTION, target, 0, 0);
  crm_id k = open_case_at(t, crm_test_customer(t->db, "a@example.com"), start);
  return due_of(t->db, k, CRM_SLA_RESOLUTION);
}

static int count_kind(crm_db *db, const char *kind, crm_time *last_time)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  int n = 0;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0) {
      n++;
      if (last_time) {
        JsonParser *p = json_parser_new();
        assert_true(json_parser_load_from_data(p, crm_event_payload(ev), -1, NULL));
        *last_time =
            json_object_get_int_member(json_node_get_object(json_parser_get_root(p)), "at");
        g_object_unref(p);
      }
    }
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return n;
}

/* ------------------------------------------------------------------ */
/* stored calendars                                                     */

static void calendar_store_and_versions(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = office("Europe/Rome");
  assert_crm_ok(crm_calendar_add_holiday(cal, "2026-12-25", "Natale"));
  assert_crm_ok(crm_calendar_add_opening(cal, "2026-12-24", 9 * 60, 12 * 60));
  assert_crm_ok(crm_calendar_add_break(cal, "2026-03-04", 10 * 60, 11 * 60));
  assert_crm_ok(crm_calendar_add_hours(cal, 6, 22 * 60, 30 * 60)); /* Sat night shift */
  crm_id id = save(t, "Rome office", cal);
  assert_string_equal(crm_test_last_event_kind(t->db), "calendar.saved");
  int64_t v = 0;
  assert_crm_ok(crm_calendar_version(&v, t->db, id));
  assert_int_equal(v, 1);
  crm_calendar *back = NULL;
  assert_crm_ok(crm_calendar_load(&back, t->db, id));
  assert_string_equal(crm_calendar_timezone(back), "Europe/Rome");
  crm_calendar *orig = office("Europe/Rome");
  assert_crm_ok(crm_calendar_add_holiday(orig, "2026-12-25", "Natale"));
  assert_crm_ok(crm_calendar_add_opening(orig, "2026-12-24", 9 * 60, 12 * 60));
  assert_crm_ok(crm_calendar_add_break(orig, "2026-03-04", 10 * 60, 11 * 60));
  assert_crm_ok(crm_calendar_add_hours(orig, 6, 22 * 60, 30 * 60));
  /* the same answers over a year, hour by hour */
  for (crm_time x = utc(2026, 1, 1, 0, 0); x < utc(2027, 1, 1, 0, 0); x += HOUR + 17)
    assert_int_equal(crm_calendar_is_open(back, x), crm_calendar_is_open(orig, x));
  crm_calendar_free(back);
  /* an update is version 2; version 1 stays readable */
  crm_calendar *shorter = NULL;
  assert_crm_ok(crm_calendar_new(&shorter, "Europe/Rome"));
  assert_crm_ok(crm_calendar_add_hours(shorter, 1, 9 * 60, 10 * 60));
  assert_crm_ok(crm_calendar_update(t->db, id, shorter));
  crm_calendar_free(shorter);
  assert_crm_ok(crm_calendar_version(&v, t->db, id));
  assert_int_equal(v, 2);
  assert_crm_ok(crm_calendar_load(&back, t->db, id));
  assert_int_equal(crm_calendar_is_open(back, local("Europe/Rome", 2026, 3, 2, 11, 0)), 0);
  crm_calendar_free(back);
  assert_crm_ok(crm_calendar_load_version(&back, t->db, id, 1));
  assert_int_equal(crm_calendar_is_open(back, local("Europe/Rome", 2026, 3, 2, 11, 0)), 1);
  crm_calendar_free(back);
  /* a 24x7 calendar can be stored too */
  crm_calendar *always = NULL;
  assert_crm_ok(crm_calendar_new(&always, "24x7"));
  crm_id a = save(t, "always", always);
  assert_crm_ok(crm_calendar_load(&back, t->db, a));
  assert_string_equal(crm_calendar_timezone(back), "24x7");
  crm_calendar_free(back);

  /* errors, writing nothing */
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  crm_id out = 5;
  assert_crm_error(crm_calendar_save(NULL, t->db, "x", orig), CRM_EINVALID, "out");
  assert_crm_error(crm_calendar_save(&out, NULL, "x", orig), CRM_EINVALID, "db");
  assert_int_equal(out, 0);
  assert_crm_error(crm_calendar_save(&out, t->db, NULL, orig), CRM_EINVALID, "name");
  assert_crm_error(crm_calendar_save(&out, t->db, "", orig), CRM_EINVALID, "name");
  assert_crm_error(crm_calendar_save(&out, t->db, "\xff\xfe", orig), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_calendar_save(&out, t->db, "x", NULL), CRM_EINVALID, "cal");
  crm_calendar *closed = NULL;
  assert_crm_ok(crm_calendar_new(&closed, "Europe/Rome"));
  assert_crm_error(crm_calendar_save(&out, t->db, "closed", closed), CRM_EINVALID,
                   "no business hours");
  assert_crm_error(crm_calendar_update(t->db, id, closed), CRM_EINVALID, "no business hours");
  crm_calendar_free(closed);
  assert_crm_error(crm_calendar_update(NULL, id, orig), CRM_EINVALID, "db");
  assert_crm_error(crm_calendar_update(t->db, 0, orig), CRM_EINVALID, "calendar");
  assert_crm_error(crm_calendar_update(t->db, id, NULL), CRM_EINVALID, "cal");
  assert_crm_error(crm_calendar_update(t->db, 999, orig), CRM_ENOTFOUND, "calendar 999");
  crm_calendar *c = (crm_calendar *)1;
  assert_crm_error(crm_calendar_load(&c, t->db, 999), CRM_ENOTFOUND, "calendar 999");
  assert_null(c);
  assert_crm_error(crm_calendar_load(NULL, t->db, id), CRM_EINVALID, "out");
  assert_crm_error(crm_calendar_load(&c, NULL, id), CRM_EINVALID, "db");
  assert_crm_error(crm_calendar_load(&c, t->db, -1), CRM_EINVALID, "calendar");
  assert_crm_error(crm_calendar_load_version(&c, t->db, id, -1), CRM_EINVALID, "version -1");
  assert_crm_error(crm_calendar_load_version(&c, t->db, id, 3), CRM_ENOTFOUND, "version 3");
  v = 4;
  assert_crm_error(crm_calendar_version(&v, t->db, 999), CRM_ENOTFOUND, "999");
  assert_int_equal(v, 0);
  assert_crm_error(crm_calendar_version(NULL, t->db, id), CRM_EINVALID, "out");
  assert_crm_error(crm_calendar_version(&v, t->db, 0), CRM_EINVALID, "calendar");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  crm_calendar_free(orig);
}

/* ------------------------------------------------------------------ */
/* due instants through timers                                          */

static void dst_spring_forward_rome(void **state)
{
  crm_test_db *t = *state;
  /* Fri 17:00 CET + 2h: 1h on Friday, 1h on Monday after the change (CEST) */
  crm_time due = due_through_timer(t, office("Europe/Rome"),
                                   local("Europe/Rome", 2026, 3, 27, 17, 0), 2 * HOUR);
  assert_int_equal(due, utc(2026, 3, 30, 8, 0));
}

static void dst_fall_back_rome(void **state)
{
  crm_test_db *t = *state;
  crm_time due = due_through_timer(t, office("Europe/Rome"),
                                   local("Europe/Rome", 2026, 10, 23, 17, 0), 2 * HOUR);
  assert_int_equal(due, utc(2026, 10, 26, 9, 0));
}

static void dst_both_ways_new_york(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "America/New_York"));
  for (int d = 1; d <= 5; d++)
    assert_crm_ok(crm_calendar_add_hours(cal, d, 9 * 60, 17 * 60));
  crm_id c = save(t, "New York", cal);
  policy_on(t->db, c, CRM_SLA_RESOLUTION, 2 * HOUR, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id spring = open_case_at(t, cust, iso("2026-03-06T16:00:00-05:00"));
  assert_int_equal(due_of(t->db, spring, CRM_SLA_RESOLUTION), iso("2026-03-09T14:00:00Z"));
  crm_id fall = open_case_at(t, cust, iso("2026-10-30T16:00:00-04:00"));
  assert_int_equal(due_of(t->db, fall, CRM_SLA_RESOLUTION), iso("2026-11-02T15:00:00Z"));
}

static void dst_days_count_real_hours(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "Europe/Rome"));
  for (int d = 1; d <= 7; d++)
    assert_crm_ok(crm_calendar_add_hours(cal, d, 0, 1440));
  crm_id c = save(t, "every day", cal);
  policy_on(t->db, c, CRM_SLA_RESOLUTION, 24 * HOUR, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_time s1 = local("Europe/Rome", 2026, 3, 28, 12, 0);
  crm_id k1 = open_case_at(t, cust, s1);
  assert_int_equal(due_of(t->db, k1, CRM_SLA_RESOLUTION), s1 + 24 * HOUR); /* 13:00 CEST */
  crm_time s2 = local("Europe/Rome", 2026, 10, 24, 12, 0);
  crm_id k2 = open_case_at(t, cust, s2);
  assert_int_equal(due_of(t->db, k2, CRM_SLA_RESOLUTION), s2 + 24 * HOUR); /* 11:00 CET */
}

static void holiday_on_a_friday(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = office("Europe/Rome");
  assert_crm_ok(crm_calendar_add_holiday(cal, "2026-12-25", "Natale")); /* a Friday */
  crm_time due = due_through_timer(t, cal, local("Europe/Rome", 2026, 12, 24, 17, 0), 2 * HOUR);
  assert_int_equal(due, local("Europe/Rome", 2026, 12, 28, 10, 0));
}

static void overnight_shift_across_midnight_and_dst(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "Europe/Rome"));
  for (int d = 1; d <= 7; d++)
    assert_crm_ok(crm_calendar_add_hours(cal, d, 22 * 60, 30 * 60));
  crm_id c = save(t, "nights", cal);
  policy_on(t->db, c, CRM_SLA_RESOLUTION, 4 * HOUR, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  /* Mon 23:00 + 4h: Tue 03:00 */
  crm_id k1 = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 2, 23, 0));
  assert_int_equal(due_of(t->db, k1, CRM_SLA_RESOLUTION), local("Europe/Rome", 2026, 3, 3, 3, 0));
  /* the night of the change has 7 real hours (22:00 CET - 06:00 CEST): 4h fit */
  crm_id k2 = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 28, 22, 0));
  assert_int_equal(due_of(t->db, k2, CRM_SLA_RESOLUTION), iso("2026-03-29T01:00:00Z"));
  /* 8h do not: 7h that night, 1h the next */
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = "longer";
  s.order = -1;
  s.calendar = c;
  s.targets[CRM_SLA_RESOLUTION] = 8 * HOUR;
  crm_id longer = 0;
  assert_crm_ok(crm_sla_policy_create(&longer, t->db, &s));
  crm_id k3 = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 28, 22, 0));
  assert_int_equal(due_of(t->db, k3, CRM_SLA_RESOLUTION), iso("2026-03-29T21:00:00Z"));
}

static void lunch_break(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = office("Europe/Rome");
  assert_crm_ok(crm_calendar_add_break(cal, "2026-03-03", 15 * 60, 16 * 60)); /* a meeting */
  crm_id c = save(t, "office", cal);
  policy_on(t->db, c, CRM_SLA_RESOLUTION, HOUR, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k1 = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 2, 12, 30));
  assert_int_equal(due_of(t->db, k1, CRM_SLA_RESOLUTION), local("Europe/Rome", 2026, 3, 2, 14, 30));
  crm_id k2 = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 3, 14, 30));
  assert_int_equal(due_of(t->db, k2, CRM_SLA_RESOLUTION), local("Europe/Rome", 2026, 3, 3, 16, 30));
  /* resolved at 15:30 the next day: 2h30 of business time (13-14 excluded) */
  crm_id k3 = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 4, 12, 0));
  t->now = local("Europe/Rome", 2026, 3, 4, 15, 30);
  assert_crm_ok(crm_case_set_status(t->db, k3, CRM_CASE_RESOLVED, 0));
  crm_sla_timer *r = timer_of(t->db, k3, CRM_SLA_RESOLUTION, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_business_elapsed(r), 2 * HOUR + 1800);
  assert_int_equal(crm_sla_timer_calendar_elapsed(r), 3 * HOUR + 1800);
  /* 1h from 12:00 ends on the 13:00 closing time, and stays there */
  assert_int_equal(crm_sla_timer_breached_at(r), local("Europe/Rome", 2026, 3, 4, 13, 0));
  assert_int_equal(crm_sla_timer_calendar(r), c);
  assert_int_equal(crm_sla_timer_calendar_version(r), 1);
  crm_sla_timer_free(r);
}

static void pause_while_pending_customer(void **state)
{
  crm_test_db *t = *state;
  crm_id c = save(t, "office", office("Europe/Rome"));
  policy_on(t->db, c, CRM_SLA_RESOLUTION, 8 * HOUR, 0, 1u << CRM_CASE_PENDING_CUSTOMER);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id k = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 2, 9, 0));
  assert_int_equal(due_of(t->db, k, CRM_SLA_RESOLUTION), local("Europe/Rome", 2026, 3, 2, 18, 0));
  t->now = local("Europe/Rome", 2026, 3, 2, 11, 0); /* 2h used */
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_PENDING_CUSTOMER, 0));
  t->now = local("Europe/Rome", 2026, 3, 4, 16, 0); /* the customer answers two days later */
  assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_OPEN, 0));
  /* 6h left from Wed 16:00: 2h Wed, 4h Thu morning */
  assert_int_equal(due_of(t->db, k, CRM_SLA_RESOLUTION), local("Europe/Rome", 2026, 3, 5, 13, 0));
}

static void calendar_edit_recomputes_open_not_finished(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *nine_to_six = NULL;
  assert_crm_ok(crm_calendar_new(&nine_to_six, "Europe/Rome"));
  for (int d = 1; d <= 5; d++)
    assert_crm_ok(crm_calendar_add_hours(nine_to_six, d, 9 * 60, 18 * 60));
  crm_id c = save(t, "office", nine_to_six);
  policy_on(t->db, c, CRM_SLA_RESOLUTION, 4 * HOUR, 0, 0);
  crm_id cust = crm_test_customer(t->db, "a@example.com");
  crm_id done = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 2, 9, 0));
  t->now = local("Europe/Rome", 2026, 3, 2, 12, 0);
  assert_crm_ok(crm_case_set_status(t->db, done, CRM_CASE_RESOLVED, 0));
  crm_id open = open_case_at(t, cust, local("Europe/Rome", 2026, 3, 2, 12, 0));
  assert_int_equal(due_of(t->db, open, CRM_SLA_RESOLUTION),
                   local("Europe/Rome", 2026, 3, 2, 16, 0));
  /* the office now closes at 13:00 */
  crm_calendar *mornings = NULL;
  assert_crm_ok(crm_calendar_new(&mornings, "Europe/Rome"));
  for (int d = 1; d <= 5; d++)
    assert_crm_ok(crm_calendar_add_hours(mornings, d, 9 * 60, 13 * 60));
  t->now = local("Europe/Rome", 2026, 3, 2, 12, 30);
  assert_crm_ok(crm_calendar_update(t->db, c, mornings));
  crm_calendar_free(mornings);
  crm_sla_timer *o = timer_of(t->db, open, CRM_SLA_RESOLUTION, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_calendar_version(o), 2);
  /* 1h on Monday, 3h on Tuesday morning */
  assert_int_equal(crm_sla_timer_due_at(o), local("Europe/Rome", 2026, 3, 3, 12, 0));
  size_t n = crm_sla_timer_segment_count(o);
  assert_int_equal(crm_sla_timer_segment_kind(o, n - 1), CRM_SLA_SEGMENT_RECOMPUTE);
  assert_int_equal(crm_sla_timer_segment_calendar_version(o, n - 1), 2);
  crm_sla_timer_free(o);
  crm_sla_timer *d = timer_of(t->db, done, CRM_SLA_RESOLUTION, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_calendar_version(d), 1);
  assert_int_equal(crm_sla_timer_business_elapsed(d), 3 * HOUR);
  assert_int_equal(crm_sla_timer_segment_count(d), 2);
  crm_sla_timer_free(d);
  d = timer_of(t->db, done, CRM_SLA_RESOLUTION, CRM_SLA_RECOMPUTED);
  assert_int_equal(crm_sla_timer_calendar_version(d), 2);
  assert_int_equal(crm_sla_timer_business_elapsed(d), 3 * HOUR); /* 9-12 is still open */
  /* its hypothetical due: the hour left, counted from its end */
  assert_int_equal(crm_sla_timer_due_at(d), local("Europe/Rome", 2026, 3, 2, 13, 0));
  crm_sla_timer_free(d);
}

/* ------------------------------------------------------------------ */
/* story S1: an e-mail answered six weeks late                          */

static void story_s1_email_answered_six_weeks_late(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *cal = office("Europe/Rome");
  const char *holidays[] = {"2026-11-01", "2026-12-08", "2026-12-25", "2026-12-26"};
  for (size_t i = 0; i < G_N_ELEMENTS(holidays); i++)
    assert_crm_ok(crm_calendar_add_holiday(cal, holidays[i], NULL));
  crm_id c = save(t, "ISP help desk", cal);
  policy_on(t->db, c, CRM_SLA_FIRST_RESPONSE, 8 * HOUR, 75, 0);
  crm_id cust = crm_test_customer(t->db, "subscriber@example.com");
  /* the e-mail, written Monday 2 November at 10:00 */
  crm_time wrote = local("Europe/Rome", 2026, 11, 2, 10, 0);
  t->now = wrote + 120;
  crm_interaction_spec in = CRM_INTERACTION_SPEC_INIT;
  in.customer = cust;
  in.channel = CRM_CHANNEL_EMAIL;
  in.direction = CRM_DIRECTION_INBOUND;
  in.occurred_at = wrote;
  in.subject = "line drops";
  in.external_ref = "<m1@example.com>";
  crm_id ix = 0;
  assert_crm_ok(crm_interaction_record(&ix, t->db, &in));
  crm_interaction *i = NULL;
  assert_crm_ok(crm_interaction_lookup(&i, t->db, ix));
  crm_id k = crm_interaction_case(i);
  crm_interaction_free(i);
  crm_time warn = local("Europe/Rome", 2026, 11, 2, 17, 0); /* 6 business hours */
  crm_time due = local("Europe/Rome", 2026, 11, 3, 10, 0);  /* 8 business hours */
  assert_int_equal(due_of(t->db, k, CRM_SLA_FIRST_RESPONSE), due);
  /* the application ticks every few hours for six weeks */
  size_t fired = 0;
  for (crm_time now = wrote; now < local("Europe/Rome", 2026, 12, 15, 11, 0); now += 5 * HOUR) {
    size_t n = 0;
    t->now = now;
    assert_crm_ok(crm_tick(&n, t->db, now));
    fired += n;
  }
  assert_int_equal(fired, 2);
  /* the late answer */
  t->now = local("Europe/Rome", 2026, 12, 15, 11, 0);
  crm_interaction_spec out = CRM_INTERACTION_SPEC_INIT;
  out.customer = cust;
  out.case_id = k;
  out.channel = CRM_CHANNEL_EMAIL;
  out.direction = CRM_DIRECTION_OUTBOUND;
  out.in_reply_to = "<m1@example.com>";
  assert_crm_ok(crm_interaction_record(&ix, t->db, &out));
  crm_sla_timer *fr = timer_of(t->db, k, CRM_SLA_FIRST_RESPONSE, CRM_SLA_AS_REPORTED);
  assert_int_equal(crm_sla_timer_open(fr), 0);
  assert_int_equal(crm_sla_timer_due_at(fr), due);
  assert_int_equal(crm_sla_timer_breached_at(fr), due);
  assert_int_equal(crm_sla_timer_warned_at(fr), warn);
  assert_int_equal(crm_sla_timer_met_at(fr), t->now);
  assert_true(crm_sla_timer_business_elapsed(fr) > 8 * HOUR);
  crm_sla_timer_free(fr);
  crm_time at = 0;
  assert_int_equal(count_kind(t->db, "sla.breached", &at), 1);
  assert_int_equal(at, due);
  assert_int_equal(count_kind(t->db, "sla.warning", &at), 1);
  assert_int_equal(at, warn);
  /* the same as recomputed with today's rules */
  fr = timer_of(t->db, k, CRM_SLA_FIRST_RESPONSE, CRM_SLA_RECOMPUTED);
  assert_int_equal(crm_sla_timer_breached_at(fr), due);
  crm_sla_timer_free(fr);
}

/* ------------------------------------------------------------------ */
/* the "pauses" peer cases                                              */

static int hhmm(const char *s)
{
  return atoi(s) * 60 + atoi(s + 3);
}

static crm_calendar *calendar_from_spec(JsonObject *spec)
{
  static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, json_object_get_string_member(spec, "tz")));
  JsonObject *hours = json_object_get_object_member(spec, "hours");
  for (int d = 0; d < 7; d++) {
    if (!json_object_has_member(hours, days[d]))
      continue;
    JsonArray *ranges = json_object_get_array_member(hours, days[d]);
    for (guint r = 0; r < json_array_get_length(ranges); r++) {
      JsonArray *p = json_array_get_array_element(ranges, r);
      assert_crm_ok(crm_calendar_add_hours(cal, d + 1, hhmm(json_array_get_string_element(p, 0)),
                                           hhmm(json_array_get_string_element(p, 1))));
    }
  }
  if (json_object_has_member(spec, "holidays")) {
    JsonArray *hol = json_object_get_array_member(spec, "holidays");
    for (guint i = 0; i < json_array_get_length(hol); i++)
      assert_crm_ok(crm_calendar_add_holiday(cal, json_array_get_string_element(hol, i), NULL));
  }
  /* the pause cases use weekly hours and holidays only */
  assert_false(json_object_has_member(spec, "special_hours"));
  assert_false(json_object_has_member(spec, "breaks"));
  return cal;
}

static char *cases_path(void)
{
  const char *dir = g_getenv("CRM_SHARED_DIR");
  return g_build_filename(dir ? dir : "../shared", "sla", "cases.json", NULL);
}

/* One case: resolution paused (pending customer) during each pause. */
static void run_pause_case(crm_test_db *t, JsonObject *c, JsonObject *calendars, int n)
{
  const char *id = json_object_get_string_member(c, "id");
  JsonObject *spec =
      json_object_get_object_member(calendars, json_object_get_string_member(c, "calendar"));
  crm_id cal = save(t, id, calendar_from_spec(spec));
  int add = strcmp(json_object_get_string_member(c, "op"), "add") == 0;
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = id;
  s.order = -n; /* the newest policy wins */
  s.calendar = cal;
  s.targets[CRM_SLA_RESOLUTION] = add ? json_object_get_int_member(c, "duration_seconds") : 1;
  s.pause_statuses = 1u << CRM_CASE_PENDING_CUSTOMER;
  crm_id pol = 0;
  assert_crm_ok(crm_sla_policy_create(&pol, t->db, &s));
  char email[64];
  g_snprintf(email, sizeof email, "c%d@example.com", n);
  crm_id k = open_case_at(t, crm_test_customer(t->db, email),
                          iso(json_object_get_string_member(c, "start")));
  JsonArray *pauses = json_object_get_array_member(c, "pauses");
  for (guint i = 0; i < json_array_get_length(pauses); i++) {
    JsonArray *p = json_array_get_array_element(pauses, i);
    t->now = iso(json_array_get_string_element(p, 0));
    assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_PENDING_CUSTOMER, 0));
    t->now = iso(json_array_get_string_element(p, 1));
    assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_OPEN, 0));
  }
  crm_sla_timer *r = NULL;
  if (add) {
    r = timer_of(t->db, k, CRM_SLA_RESOLUTION, CRM_SLA_AS_REPORTED);
    crm_time want = iso(json_object_get_string_member(c, "libcrm_expected"));
    if (crm_sla_timer_due_at(r) != want)
      fail_msg("%s: due %lld, want %lld", id, (long long)crm_sla_timer_due_at(r), (long long)want);
  } else {
    t->now = iso(json_object_get_string_member(c, "end"));
    assert_crm_ok(crm_case_set_status(t->db, k, CRM_CASE_RESOLVED, 0));
    r = timer_of(t->db, k, CRM_SLA_RESOLUTION, CRM_SLA_AS_REPORTED);
    int64_t want = (int64_t)json_object_get_double_member(c, "libcrm_expected_seconds");
    if (crm_sla_timer_business_elapsed(r) != want)
      fail_msg("%s: elapsed %lld s, want %lld s", id, (long long)crm_sla_timer_business_elapsed(r),
               (long long)want);
  }
  crm_sla_timer_free(r);
}

static void peer_cases_with_pauses(void **state)
{
  crm_test_db *t = *state;
  char *path = cases_path();
  JsonParser *parser = json_parser_new();
  GError *err = NULL;
  if (!json_parser_load_from_file(parser, path, &err))
    fail_msg("cannot load %s: %s", path, err->message);
  JsonObject *root = json_node_get_object(json_parser_get_root(parser));
  JsonObject *calendars = json_object_get_object_member(root, "calendars");
  JsonArray *cases = json_object_get_array_member(root, "cases");
  int run = 0;
  for (guint i = 0; i < json_array_get_length(cases); i++) {
    JsonObject *c = json_array_get_object_element(cases, i);
    if (json_object_has_member(c, "pauses"))
      run_pause_case(t, c, calendars, ++run);
  }
  print_message("# cases.json: %d cases with \"pauses\" asserted through the SLA timers\n", run);
  assert_true(run >= 11);
  g_object_unref(parser);
  g_free(path);
}

/* Whether this build can store calendars (calendar.c describes them). */
static int can_store_calendars(void)
{
  crm_db *db = NULL;
  crm_calendar *cal = NULL;
  crm_id id = 0;
  if (crm_open(&db, "sqlite::memory:", NULL) != CRM_OK ||
      crm_calendar_new(&cal, "Europe/Rome") != CRM_OK ||
      crm_calendar_add_hours(cal, 1, 540, 600) != CRM_OK)
    return 1; /* let the tests say what is wrong */
  crm_status st = crm_calendar_save(&id, db, "probe", cal);
  crm_calendar_free(cal);
  crm_close(db);
  return st != CRM_ENOTSUPPORTED;
}

int main(void)
{
  if (!can_store_calendars()) {
    /* a TAP plan of nothing for meson, 77 (skipped) for everyone else */
    printf("1..0 # SKIP %s\n", crm_error_last()->message);
    const char *output = getenv("CMOCKA_MESSAGE_OUTPUT");
    return output && g_ascii_strcasecmp(output, "tap") == 0 ? 0 : 77;
  }
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, crm_test_setup, crm_test_teardown)
      T(calendar_store_and_versions),
      T(dst_spring_forward_rome),
      T(dst_fall_back_rome),
      T(dst_both_ways_new_york),
      T(dst_days_count_real_hours),
      T(holiday_on_a_friday),
      T(overnight_shift_across_midnight_and_dst),
      T(lunch_break),
      T(pause_while_pending_customer),
      T(calendar_edit_recomputes_open_not_finished),
      T(story_s1_email_answered_six_weeks_late),
      T(peer_cases_with_pauses),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
