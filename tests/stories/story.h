/*
 * Scenario-building helpers shared by the story tests (tests/stories/):
 * local wall-clock instants, contacts recorded in one line, the SLA
 * timer of a case, the events of one kind in the feed, a clock that ticks.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_STORY_H
#define CRM_STORY_H

#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>

#define STORY_MINUTE ((crm_time)60)
#define STORY_HOUR   ((crm_time)3600)
#define STORY_DAY    ((crm_time)86400)

/* The instant of a wall-clock time in Europe/Rome (not in a DST gap). */
crm_time story_rome(int y, int mo, int d, int h, int mi);

/* Mon-Fri 09:00-13:00 and 14:00-18:00 in Europe/Rome, with the Italian
   public holidays `holidays` ("YYYY-MM-DD", NULL-terminated), stored
   under `name`; returns the stored calendar's id. */
crm_id story_office_calendar(crm_db *db, const char *name, const char *const *holidays);

/* One contact: returns the interaction's id (case_id 0: filed by libcrm). */
typedef struct {
  crm_id customer, case_id, agent;
  crm_channel_t channel;
  crm_direction_t direction; /* 0: inbound */
  crm_outcome_t outcome;
  const char *subject, *external_ref, *in_reply_to;
} story_contact;
crm_id story_record(crm_db *db, const story_contact *c);

/* A case (owned: crm_case_free). */
crm_case *story_case(crm_db *db, crm_id case_id);

/* A case's current timer of one metric (owned: crm_sla_timer_free);
   fails the test when it has none. */
crm_sla_timer *story_timer(crm_db *db, crm_id case_id, crm_sla_metric_t metric,
                           crm_sla_view_t view);
/* Every cycle of one metric of a case, oldest first (owned, of crm_sla_timer*). */
GPtrArray *story_cycles(crm_db *db, crm_id case_id, crm_sla_metric_t metric);

/* The seq of the newest event (0: none). */
int64_t story_last_seq(crm_db *db);
/* The events of exactly `kind` after `after_seq`, in order (owned, of crm_event*). */
GPtrArray *story_events(crm_db *db, int64_t after_seq, const char *kind);
/* An event's payload (owned: json_object_unref). */
JsonObject *story_payload(const crm_event *ev);

/* crm_tick every `step` seconds from `from` up to `to` (both included),
   moving the injected clock; returns how many warnings and breaches fired. */
size_t story_tick(crm_test_db *t, crm_time from, crm_time to, crm_time step);

/* The rows of the report over [from, to) grouped `by`, in order (owned,
   of crm_report_row*). */
GPtrArray *story_report(crm_db *db, crm_time from, crm_time to, crm_report_group_t by);
/* The row of `rows` with key `key`; fails the test when there is none. */
const crm_report_row *story_report_row(GPtrArray *rows, int64_t key);

#endif
