/*
 * Internals shared by the SLA files: stored calendars (calendar_store.c),
 * policies and matching (sla_policy.c), the cycle engine (sla.c) and the
 * timer objects and iterators (sla_timer.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CORE_SLA_INTERNAL_H
#define CRM_CORE_SLA_INTERNAL_H

#include "internal.h"

/* ------------------------------------------------------------------ */
/* stored calendars (calendar_store.c)                                  */

/*
 * One version (0: the current one) of a stored calendar, built; calendar
 * 0 is the 24x7 calendar at version 0. *version (may be NULL) receives the
 * version read. CRM_ENOTFOUND names the calendar.
 */
crm_status crm__sla_calendar_get(crm_calendar **out, int64_t *version, crm_db *db, crm_id id,
                                 int64_t want_version);

/* ------------------------------------------------------------------ */
/* policies (sla_policy.c)                                              */

typedef struct {
  crm_id id; /* 0: none */
  int64_t version;
  int order;
  char *name;
  crm_id calendar;
  uint32_t priorities, kinds, channels;
  crm_id queue;
  char *segment;
  int64_t targets[CRM_SLA_METRIC_MAX + 1];
  int warn_percent;
  uint32_t pause_statuses;
} crm__sla_policy;

void crm__sla_policy_clear(crm__sla_policy *p);

/* One version (0: current) of a policy; CRM_ENOTFOUND names it. */
crm_status crm__sla_policy_get(crm__sla_policy *out, crm_db *db, crm_id id, int64_t version);

/* What a case is matched on. */
typedef struct {
  int priority, kind, channel;
  crm_id queue;
  const char *segment; /* the customer's; NULL: none */
} crm__sla_subject;

/* Whether any SLA policy exists (known for the rest of a write
   transaction once read). */
crm_status crm__sla_any_policy(int *out, crm_db *db);

/* The first policy (by order, id) matching `s`; out->id 0 when none. */
crm_status crm__sla_policy_match(crm__sla_policy *out, crm_db *db, const crm__sla_subject *s);

/* ------------------------------------------------------------------ */
/* the rules a cycle is computed with, and the replay (sla.c)           */

typedef struct {
  crm__sla_policy policy; /* policy.id 0: none */
  crm_calendar *cal;      /* the policy's calendar (24x7 when it names none) */
  int64_t calendar_version;
} crm__sla_rules;

void crm__sla_rules_clear(crm__sla_rules *r);
/* The rules of policy `id` (version 0: current) with its calendar's
   current version. */
crm_status crm__sla_rules_load(crm__sla_rules *out, crm_db *db, crm_id policy, int64_t version);

/* Figures of a cycle replayed from its segments. */
typedef struct {
  int state; /* CRM_SLA_CYCLE_* */
  crm_time started_at, mark_at;
  int64_t business, calendar; /* elapsed up to mark_at */
  crm_time due_at, warn_at;   /* 0: none (paused with time left, no warning) */
  crm_time met_at, stopped_at;
} crm__sla_figures;

/*
 * Replay segments (crm_sla_segment_row, in order) with a target and a
 * calendar: activate / pause / resume / fulfil / stop count; the others
 * are records and change nothing.
 */
void crm__sla_replay(crm__sla_figures *out, const GArray *segments, int64_t target,
                     int warn_percent, const crm_calendar *cal);
/* Business and calendar seconds a running cycle adds from mark to `to`. */
void crm__sla_elapsed_to(int64_t *business, int64_t *calendar, const crm__sla_figures *f,
                         const crm_calendar *cal, crm_time to);

/* A cycle's segments (crm_sla_segment_row) in order. */
crm_status crm__sla_segments(GArray **out, crm_db *db, crm_id cycle);

/* Calendar or policy changed: recompute the open cycles that use it. */
crm_status crm__sla_recompute_calendar(crm_db *db, crm_id calendar);
crm_status crm__sla_recompute_policy(crm_db *db, crm_id policy);

#endif
