/*
 * libcrm: service-level agreements. Persisted business calendars, policies
 * that say which cases get which targets, and per-case timers whose history
 * can be replayed as reported or recomputed with today's rules.
 *
 * Metrics (Zendesk's definitions):
 *  - first response: from the first inbound contact (or the case's
 *    creation, whichever is earlier) to the first public outbound reply;
 *    a case resolved before any reply and brought back by an inbound
 *    contact waits for a first response again (a new cycle from that
 *    contact);
 *  - next response: from the oldest unanswered inbound contact after a
 *    reply to the next public outbound reply (a conversation of N
 *    exchanges has N - 1 next-response cycles);
 *  - resolution: from creation to resolved, paused while the case is in
 *    one of the policy's `pause_statuses`; a reopen starts a new cycle;
 *  - periodic update (incidents only): at most the target between public
 *    outbound updates; each update fulfils the running cycle and starts
 *    the next one.
 * Internal notes never move a clock, nor do auto-generated messages
 * (crm/mail.h), outbound calls that did not reach the customer (busy,
 * missed...) or moving an interaction to another case. Resolving or
 * closing a case stops the response and update clocks that are still
 * running (a "stop" segment: not met, not breached unless the breach
 * happened before).
 *
 * Cycles and segments. Each metric of a case is a series of cycles; each
 * cycle is an append-only list of segments (activate, pause, resume,
 * fulfil, breach, warning, recompute, stop), each stamped with the
 * calendar and policy versions in force and the business and calendar
 * seconds elapsed at its instant. A "timer" is the current (latest) cycle
 * of one metric.
 *
 * Policies are tried in ascending `order` (then id): the first whose
 * masks all match the case wins. Every change of a calendar or a policy
 * stores a new version (old versions are kept). Creating a case, filing a
 * public interaction into it, changing its status, priority or queue, and
 * updating a calendar or a policy update the open timers in the same
 * transaction as the change; finished cycles keep their figures.
 *
 * Warnings and breaches are recorded by crm_tick (crm/db.h), exactly once
 * across handles, at their own instants (a breach is recorded at the due
 * instant, not at the tick that noticed it), with the events "sla.warning"
 * and "sla.breached" (crm/event.h).
 *
 * On a handle opened with an actor (crm/db.h, "Permissions"),
 * crm_calendar_save / _update and crm_sla_policy_create / _update return
 * CRM_EPERM, writing nothing, unless the agent is an admin; loading
 * calendars and policy versions is open to every agent;
 * crm_sla_timer_iterator_new and crm_sla_cycle_iterator_new need the
 * case's rights (CRM_EPERM); crm_sla_due_iterator_new skips timers of
 * cases the agent cannot see.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_SLA_H
#define CRM_SLA_H

#include "buffer.h"
#include "calendar.h"
#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** SLA metrics. @since 0.1 */
typedef enum {
  CRM_SLA_FIRST_RESPONSE = 1,
  CRM_SLA_NEXT_RESPONSE,
  CRM_SLA_RESOLUTION,
  CRM_SLA_PERIODIC_UPDATE
} crm_sla_metric_t;

/** The highest crm_sla_metric_t value. @since 0.1 */
#define CRM_SLA_METRIC_MAX CRM_SLA_PERIODIC_UPDATE

/** What happened to a cycle at one instant. @since 0.1 */
typedef enum {
  CRM_SLA_SEGMENT_ACTIVATE = 1, /**< the clock starts (a later one moves the start back) */
  CRM_SLA_SEGMENT_PAUSE,        /**< the clock stops counting (a pausing status) */
  CRM_SLA_SEGMENT_RESUME,       /**< the clock counts again */
  CRM_SLA_SEGMENT_FULFIL,       /**< the target was met (a reply, a resolution) */
  CRM_SLA_SEGMENT_BREACH,       /**< the due instant passed (recorded by crm_tick) */
  CRM_SLA_SEGMENT_WARNING,      /**< the warning instant passed (recorded by crm_tick) */
  CRM_SLA_SEGMENT_RECOMPUTE,    /**< new figures: priority, queue, policy or calendar changed */
  CRM_SLA_SEGMENT_STOP          /**< ended without being met (resolved, closed, no policy) */
} crm_sla_segment_t;

/** The highest crm_sla_segment_t value. @since 0.1 */
#define CRM_SLA_SEGMENT_MAX CRM_SLA_SEGMENT_STOP

/**
 * Names: "first_response", "next_response", "resolution",
 * "periodic_update"; "activate", "pause", "resume", "fulfil", "breach",
 * "warning", "recompute", "stop". NULL for a value out of range.
 * @since 0.1
 */
CRM_EXTERN(const char *) crm_sla_metric_name(crm_sla_metric_t metric);
CRM_EXTERN(const char *) crm_sla_segment_name(crm_sla_segment_t kind);

/* ------------------------------------------------------------------ */
/* persisted calendars                                                  */

/**
 * Store a copy of a calendar under a name (version 1), for policies to
 * use. Appends "calendar.saved".
 *
 * @param out   receives the calendar's id; 0 after a failure
 * @param db    the database
 * @param name  UTF-8, not empty (names need not be unique)
 * @param cal   the calendar (not kept: later changes to it are not stored)
 * @return CRM_OK; CRM_EINVALID (NULL argument, invalid UTF-8, a calendar
 *         with no business hours at all); CRM_EBUSY; CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_save(crm_id *out, crm_db *db, const char *name, const crm_calendar *cal);

/**
 * Replace a stored calendar's definition: a new version (the old one is
 * kept). Open timers of cases whose policy uses the calendar are
 * recomputed in the same transaction; finished cycles keep their figures.
 * Appends "calendar.saved".
 *
 * @return CRM_OK; CRM_EINVALID (NULL argument, id <= 0, no business hours);
 *         CRM_ENOTFOUND (no such calendar); CRM_EBUSY; CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_update(crm_db *db, crm_id id, const crm_calendar *cal);

/**
 * Load the current version of a stored calendar.
 * @param out receives the calendar (owned: crm_calendar_free); NULL after a failure
 * @return CRM_OK; CRM_EINVALID (NULL argument, id <= 0); CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_load(crm_calendar **out, crm_db *db, crm_id id);

/**
 * Load one version (1 = as first saved) of a stored calendar; version 0
 * is the current one.
 * @return CRM_OK; CRM_EINVALID (NULL argument, id <= 0, negative version);
 *         CRM_ENOTFOUND (no such calendar or version)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_load_version(crm_calendar **out, crm_db *db, crm_id id, int64_t version);

/**
 * The current version number of a stored calendar.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_version(int64_t *out, crm_db *db, crm_id id);

/**
 * The name a stored calendar was saved with (crm_calendar_save; updates
 * keep it). The definition itself: crm_calendar_load, then
 * crm_calendar_to_json.
 *
 * @param out receives the name (dispose with crm_buf_dispose); empty after
 *            a failure
 * @return CRM_OK; CRM_EINVALID (NULL argument, id <= 0); CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_name(crm_buf *out, crm_db *db, crm_id id);

/* ------------------------------------------------------------------ */
/* policies                                                             */

/**
 * Which cases a policy applies to and what it promises. Masks are bit
 * masks of enum values, (1u << value); 0 means any.
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  const char *name;        /**< UTF-8, not empty */
  int order;               /**< lower order is tried first (ties: lower id) */
  crm_id calendar;         /**< a stored calendar; 0: 24x7 */
  uint32_t priorities;     /**< (1u << crm_priority_t) bits */
  uint32_t kinds;          /**< (1u << crm_case_kind_t) bits */
  uint32_t channels;       /**< (1u << crm_channel_t) bits of the case's first inbound contact */
  crm_id queue;            /**< 0: any */
  const char *segment;     /**< the customer's segment; NULL: any */
  int64_t targets[5];      /**< business seconds, indexed by crm_sla_metric_t ([0] unused,
                                must be 0); 0: no target for that metric */
  int warn_percent;        /**< 1..100: warn when this share of a target has elapsed; 0: never */
  uint32_t pause_statuses; /**< (1u << crm_case_status_t) bits that pause resolution */
} crm_sla_policy_spec;

#define CRM_SLA_POLICY_SPEC_VERSION 1
#define CRM_SLA_POLICY_SPEC_INIT    CRM_STRUCT_INIT(CRM_SLA_POLICY_SPEC_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL spec or unknown version). @since 0.1 */
CRM_EXTERN(crm_status)
crm_sla_policy_spec_init(crm_sla_policy_spec *spec, unsigned int version);

/**
 * Create a policy (version 1). Cases opened from now on may match it;
 * existing cases are matched again when their priority or queue changes.
 * Appends "sla.policy".
 *
 * @param out receives the policy's id; 0 after a failure
 * @return CRM_OK; CRM_EINVALID (NULL argument, bad version, empty name,
 *         invalid UTF-8, mask bits that name no value, negative target or
 *         id, targets[0] not 0, warn_percent out of 0..100);
 *         CRM_ENOTFOUND (the calendar or queue does not exist); CRM_EBUSY;
 *         CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_sla_policy_create(crm_id *out, crm_db *db, const crm_sla_policy_spec *spec);

/**
 * Replace a policy's definition: a new version (the old one is kept).
 * The cases with open timers computed with this policy are matched again
 * and their open timers recomputed in the same transaction (a case that
 * only now matches the policy moves to it at its next change); finished
 * cycles keep their figures. Appends "sla.policy".
 *
 * @return as crm_sla_policy_create, and CRM_ENOTFOUND (no such policy)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_sla_policy_update(crm_db *db, crm_id id, const crm_sla_policy_spec *spec);

/**
 * The current version number of a policy.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_sla_policy_version(int64_t *out, crm_db *db, crm_id id);

/**
 * One version of a policy's definition as a JSON object (compact text):
 *
 *   {"id": 3, "version": 2, "name": "Gold", "order": 5, "calendar": 1,
 *    "queue": null, "segment": "gold",
 *    "priorities": ["high", "urgent"], "kinds": ["request"],
 *    "channels": ["email", "phone"], "pause_statuses": ["pending_customer"],
 *    "targets": {"first_response": 14400, "resolution": 187200},
 *    "warn_percent": 80}
 *
 * The masks of crm_sla_policy_spec become lists of value names
 * (crm_priority_name, crm_case_kind_name, crm_channel_name,
 * crm_case_status_name) in value order; [] matches any. An id that is 0 in
 * the spec (calendar: 24x7, queue: any) and a NULL segment are null.
 * "targets" holds the metrics (crm_sla_metric_name) that have a target, in
 * business seconds.
 *
 * @param out     receives the JSON text (dispose with crm_buf_dispose);
 *                empty after a failure
 * @param id      the policy
 * @param version 1 = as first created, ...; 0: the current one
 * @return CRM_OK; CRM_EINVALID (NULL argument, id <= 0, negative version);
 *         CRM_ENOTFOUND (no such policy or version); CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_sla_policy_to_json(crm_buf *out, crm_db *db, crm_id id, int64_t version);

/* ------------------------------------------------------------------ */
/* timers and cycles                                                    */

/**
 * Which figures a timer carries:
 *  - CRM_SLA_AS_REPORTED: as stored, with the calendar and policy versions
 *    in force when they were computed;
 *  - CRM_SLA_RECOMPUTED: the cycle's activations, pauses, resumes and end
 *    replayed with the current version of its policy and of that policy's
 *    calendar (warned_at / breached_at are the instants these rules give,
 *    whether or not crm_tick has seen them yet);
 *  - both bits (CRM_SLA_AS_REPORTED | CRM_SLA_RECOMPUTED): each cycle twice,
 *    side by side, as reported first.
 * @since 0.1
 */
typedef enum { CRM_SLA_AS_REPORTED = 1, CRM_SLA_RECOMPUTED } crm_sla_view_t;

/** One cycle of one metric of a case (opaque). @since 0.1 */
typedef struct crm_sla_timer crm_sla_timer;
/** @since 0.1 */
typedef struct crm_sla_timer_iterator crm_sla_timer_iterator;

/**
 * Iterate a case's timers: the current cycle of each metric that has one,
 * in metric order, with their segments.
 *
 * @param out     receives the iterator (owned); NULL after a failure
 * @param case_id the case
 * @param view    CRM_SLA_AS_REPORTED, CRM_SLA_RECOMPUTED or both bits
 * @return CRM_OK; CRM_EINVALID (NULL argument, id <= 0, view out of 1..3);
 *         CRM_ENOTFOUND (no such case)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_sla_timer_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_id case_id,
                           crm_sla_view_t view);

/**
 * Iterate every cycle of a case, finished and open: by metric, then cycle
 * number, with their segments. Arguments and errors as
 * crm_sla_timer_iterator_new.
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_sla_cycle_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_id case_id,
                           crm_sla_view_t view);

/**
 * Iterate the running timers (of every case) whose due instant is before
 * `before`, by due instant then id, as reported. One indexed query per
 * page; the timers come without their segments (segment_count 0).
 * @return CRM_OK; CRM_EINVALID (NULL argument, before <= 0)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_sla_due_iterator_new(crm_sla_timer_iterator **out, crm_db *db, crm_time before);

/**
 * Next timer (owned: free with crm_sla_timer_free).
 * @return CRM_OK; CRM_ITEROVER; CRM_EINVALID (NULL argument); storage errors
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_sla_timer_next(crm_sla_timer **out, crm_sla_timer_iterator *it);
/** NULL is a no-op. @since 0.1 */
CRM_EXTERN(void) crm_sla_timer_iterator_free(crm_sla_timer_iterator *it);
/** NULL is a no-op. @since 0.1 */
CRM_EXTERN(void) crm_sla_timer_free(crm_sla_timer *t);

/*
 * Getters (0 / NULL for a NULL timer). Times are 0 for "not (yet)".
 *  - _id: the cycle's id; _case; _metric; _cycle: 1, 2, ... per metric
 *  - _view: CRM_SLA_AS_REPORTED or CRM_SLA_RECOMPUTED
 *  - _policy, _policy_version, _calendar (0: 24x7), _calendar_version:
 *    the rules the figures were computed with
 *  - _target: business seconds; _started_at: when the clock started
 *  - _due_at: when the target is (or was) reached; 0 while paused with
 *    time left
 *  - _warned_at, _breached_at: the warning / due instants, once recorded
 *    (as reported) or once passed (recomputed)
 *  - _met_at: when it was fulfilled; _stopped_at: when it ended either way
 *  - _business_elapsed, _calendar_elapsed: seconds counted up to _as_of
 *    (the last segment as reported; the end, or the iterator's creation
 *    for an open cycle, recomputed)
 *  - _paused: 1 while paused; _open: 1 while running or paused
 * @since 0.1
 */
CRM_EXTERN(crm_id) crm_sla_timer_id(const crm_sla_timer *t);
CRM_EXTERN(crm_id) crm_sla_timer_case(const crm_sla_timer *t);
CRM_EXTERN(crm_sla_metric_t) crm_sla_timer_metric(const crm_sla_timer *t);
CRM_EXTERN(int) crm_sla_timer_cycle(const crm_sla_timer *t);
CRM_EXTERN(crm_sla_view_t) crm_sla_timer_view(const crm_sla_timer *t);
CRM_EXTERN(crm_id) crm_sla_timer_policy(const crm_sla_timer *t);
CRM_EXTERN(int64_t) crm_sla_timer_policy_version(const crm_sla_timer *t);
CRM_EXTERN(crm_id) crm_sla_timer_calendar(const crm_sla_timer *t);
CRM_EXTERN(int64_t) crm_sla_timer_calendar_version(const crm_sla_timer *t);
CRM_EXTERN(int64_t) crm_sla_timer_target(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_started_at(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_due_at(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_warned_at(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_breached_at(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_met_at(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_stopped_at(const crm_sla_timer *t);
CRM_EXTERN(int64_t) crm_sla_timer_business_elapsed(const crm_sla_timer *t);
CRM_EXTERN(int64_t) crm_sla_timer_calendar_elapsed(const crm_sla_timer *t);
CRM_EXTERN(crm_time) crm_sla_timer_as_of(const crm_sla_timer *t);
CRM_EXTERN(int) crm_sla_timer_paused(const crm_sla_timer *t);
CRM_EXTERN(int) crm_sla_timer_open(const crm_sla_timer *t);

/*
 * The timer's segments, oldest first (i in 0..count-1; out of range: 0).
 * Elapsed figures are those of the cycle at the segment's instant; due_at
 * the due instant it gave (0 while paused or stopped).
 * @since 0.1
 */
CRM_EXTERN(size_t) crm_sla_timer_segment_count(const crm_sla_timer *t);
CRM_EXTERN(crm_sla_segment_t) crm_sla_timer_segment_kind(const crm_sla_timer *t, size_t i);
CRM_EXTERN(crm_time) crm_sla_timer_segment_at(const crm_sla_timer *t, size_t i);
CRM_EXTERN(int64_t) crm_sla_timer_segment_business_elapsed(const crm_sla_timer *t, size_t i);
CRM_EXTERN(int64_t) crm_sla_timer_segment_calendar_elapsed(const crm_sla_timer *t, size_t i);
CRM_EXTERN(crm_time) crm_sla_timer_segment_due_at(const crm_sla_timer *t, size_t i);
CRM_EXTERN(int64_t) crm_sla_timer_segment_calendar_version(const crm_sla_timer *t, size_t i);
CRM_EXTERN(int64_t) crm_sla_timer_segment_policy_version(const crm_sla_timer *t, size_t i);

CRM_END_DECL

#endif
