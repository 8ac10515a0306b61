/*
 * Scenario-building helpers shared by the story tests (story.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "story.h"

#include <inttypes.h>
#include <string.h>

crm_time story_rome(int y, int mo, int d, int h, int mi)
{
  GTimeZone *z = g_time_zone_new_identifier("Europe/Rome");
  assert_non_null(z);
  GDateTime *dt = g_date_time_new(z, y, mo, d, h, mi, 0);
  assert_non_null(dt);
  crm_time t = g_date_time_to_unix(dt);
  g_date_time_unref(dt);
  g_time_zone_unref(z);
  return t;
}

crm_id story_office_calendar(crm_db *db, const char *name, const char *const *holidays)
{
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "Europe/Rome"));
  for (int day = 1; day <= 5; day++) {
    assert_crm_ok(crm_calendar_add_hours(cal, day, 9 * 60, 13 * 60));
    assert_crm_ok(crm_calendar_add_hours(cal, day, 14 * 60, 18 * 60));
  }
  for (size_t i = 0; holidays && holidays[i]; i++)
    assert_crm_ok(crm_calendar_add_holiday(cal, holidays[i], NULL));
  crm_id id = 0;
  assert_crm_ok(crm_calendar_save(&id, db, name, cal));
  crm_calendar_free(cal);
  return id;
}

crm_id story_record(crm_db *db, const story_contact *c)
{
  crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
  spec.customer = c->customer;
  spec.case_id = c->case_id;
  spec.agent = c->agent;
  spec.channel = c->channel;
  spec.direction = c->direction ? c->direction : CRM_DIRECTION_INBOUND;
  spec.outcome = c->outcome;
  spec.subject = c->subject;
  spec.external_ref = c->external_ref;
  spec.in_reply_to = c->in_reply_to;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &spec));
  return id;
}

crm_case *story_case(crm_db *db, crm_id case_id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, case_id));
  return c;
}

crm_sla_timer *story_timer(crm_db *db, crm_id case_id, crm_sla_metric_t metric, crm_sla_view_t view)
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

GPtrArray *story_cycles(crm_db *db, crm_id case_id, crm_sla_metric_t metric)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)crm_sla_timer_free);
  crm_sla_timer_iterator *it = NULL;
  assert_crm_ok(crm_sla_cycle_iterator_new(&it, db, case_id, CRM_SLA_AS_REPORTED));
  crm_sla_timer *t = NULL;
  while (crm_sla_timer_next(&t, it) == CRM_OK) {
    if (crm_sla_timer_metric(t) == metric)
      g_ptr_array_add(out, t);
    else
      crm_sla_timer_free(t);
  }
  crm_sla_timer_iterator_free(it);
  return out;
}

int64_t story_last_seq(crm_db *db)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  int64_t seq = 0;
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    seq = crm_event_seq(ev);
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return seq;
}

GPtrArray *story_events(crm_db *db, int64_t after_seq, const char *kind)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)crm_event_free);
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, after_seq));
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0)
      g_ptr_array_add(out, ev);
    else
      crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return out;
}

JsonObject *story_payload(const crm_event *ev)
{
  JsonParser *p = json_parser_new();
  assert_true(json_parser_load_from_data(p, crm_event_payload(ev), -1, NULL));
  JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(p)));
  g_object_unref(p);
  return o;
}

size_t story_tick(crm_test_db *t, crm_time from, crm_time to, crm_time step)
{
  size_t fired = 0;
  for (crm_time now = from; now <= to; now += step) {
    size_t n = 0;
    t->now = now;
    assert_crm_ok(crm_tick(&n, t->db, now));
    fired += n;
  }
  return fired;
}

GPtrArray *story_report(crm_db *db, crm_time from, crm_time to, crm_report_group_t by)
{
  crm_report_spec spec = CRM_REPORT_SPEC_INIT;
  spec.from = from;
  spec.to = to;
  spec.group_by = by;
  crm_report *r = NULL;
  assert_crm_ok(crm_report_run(&r, db, &spec));
  assert_int_equal(crm_report_group_by(r), by);
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)crm_report_row_free);
  crm_report_row_iterator *it = NULL;
  assert_crm_ok(crm_report_row_iterator_new(&it, r));
  crm_report_free(r); /* the iterator keeps it alive */
  crm_report_row *row = NULL;
  while (crm_report_row_next(&row, it) == CRM_OK)
    g_ptr_array_add(rows, row);
  crm_report_row_iterator_free(it);
  return rows;
}

const crm_report_row *story_report_row(GPtrArray *rows, int64_t key)
{
  for (guint i = 0; i < rows->len; i++)
    if (crm_report_row_key(g_ptr_array_index(rows, i)) == key)
      return g_ptr_array_index(rows, i);
  fail_msg("no report row with key %" PRId64, key);
  return NULL;
}
