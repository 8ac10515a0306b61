/*
 * libcrm: reports. For a half-open time range [from, to), the contact
 * centre's figures, optionally grouped by channel, queue, agent, priority
 * or day, computed by the store with indexed aggregate queries (no row of
 * history is loaded into memory) and identical on every backend.
 *
 * What each figure counts (every figure is as stored when the report
 * runs; run crm_tick first so that due SLA breaches are recorded):
 *
 *  Contacts: the interactions that occurred ([from, to) on occurred_at),
 *  internal notes excluded.
 *   - contacts_in / contacts_out: inbound / outbound interactions, any
 *     outcome;
 *   - abandoned: inbound interactions with outcome abandoned (any
 *     channel); abandoned_at_depth(d) splits them by the interaction
 *     attribute "ivr_depth" (crm_interaction_set_attribute: the IVR menu
 *     step the caller reached, "1".."99"); depth 0 counts those without
 *     a valid depth. The depths add up to abandoned.
 *
 *  Cases: the cases created in the range ([from, to) on created_at), with
 *  their current status and counters.
 *   - cases: how many; resolved: those now resolved or closed;
 *   - fcr (first-contact resolution): resolved ones with exactly one
 *     inbound contact (crm_case_inbound_count) and no transfer;
 *     fcr_rate = fcr / resolved;
 *   - reopened: cases reopened at least once; reopen_rate = reopened /
 *     cases;
 *   - transfers: the sum of their transfer counts; transfers_per_case =
 *     transfers / cases;
 *   - csat: the cases with a satisfaction score, its average and how
 *     many gave each score 1..5;
 *   - first response and resolution times: the SLA engine's record of
 *     the case's first cycle of that clock (crm/sla.h, as reported),
 *     counted when the clock was fulfilled (first reply given / case
 *     resolved): business seconds (in the policy's calendar) and calendar
 *     seconds the clock ran, pauses excluded. The median and the 90th
 *     percentile use the nearest-rank definition: of n values sorted
 *     ascending, the p-th percentile is the value of rank ceil(p * n / 100)
 *     (the median of 1, 2, 3, 4 is 2). A case whose SLA policy sets no
 *     target for the metric (or that matches no policy) has no clock and
 *     is not counted;
 *   - SLA compliance per metric: the cycles of every SLA clock of those
 *     cases; met = fulfilled without a breach, breached = with a recorded
 *     breach (even if fulfilled later); a running or stopped cycle
 *     without a breach counts in neither; rate = met / (met + breached).
 *
 *  Backlog: the cases created before `to` and not resolved at `to`:
 *  those now neither resolved nor closed, plus those resolved (or
 *  closed) at or after `to`. A case resolved before `to` and reopened
 *  after it counts as open (its last resolution is what is stored).
 *  Grouped by day, each day's backlog is at the end of that day (one
 *  query per day, walking the cases open at the day's end and those
 *  resolved since: a long range of days far in the past costs more).
 *
 * Groups: an interaction falls in the group of its own channel, and of
 * its case's current queue, assignee and priority (0, "none", when it has
 * no case or the case has none). A case falls in the group of its channel
 * (that of its first inbound contact; 0 when it has none), its current
 * queue, assignee and priority. Grouped by day, in the spec's time zone,
 * each local day that overlaps [from, to) is one row (also when empty)
 * covering its part of the range, keyed by the instant it starts. Rows of
 * the other groupings come in ascending key order, one per key that has
 * any figure; CRM_REPORT_BY_NONE gives one row, the total.
 *
 * Permissions: on a handle with an actor (crm_open_options.actor), only
 * an agent with role admin in some queue sees the whole report; an agent
 * who supervises at least one queue (role supervisor) sees the figures of
 * the cases (and of their interactions) whose current queue is one he
 * supervises or administers; anybody else gets CRM_EPERM. Actor 0 (the
 * system) sees everything.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include "buffer.h"
#include "common.h"
#include "sla.h"
#include "types.h"

CRM_BEGIN_DECL

/** How the rows of a report are cut. @since 0.1 */
typedef enum {
  CRM_REPORT_BY_NONE = 0, /**< one row: the total (key 0, label "total") */
  CRM_REPORT_BY_CHANNEL,  /**< key: crm_channel_t (0: none) */
  CRM_REPORT_BY_QUEUE,    /**< key: the queue id (0: none) */
  CRM_REPORT_BY_AGENT,    /**< key: the agent id (0: none) */
  CRM_REPORT_BY_PRIORITY, /**< key: crm_priority_t (0: none) */
  CRM_REPORT_BY_DAY       /**< key: the instant the local day starts */
} crm_report_group_t;

/** Which figure of a time metric crm_report_row_time returns. @since 0.1 */
typedef enum {
  CRM_REPORT_TIME_COUNT = 1,       /**< how many cases were timed */
  CRM_REPORT_TIME_MEDIAN_BUSINESS, /**< seconds */
  CRM_REPORT_TIME_P90_BUSINESS,
  CRM_REPORT_TIME_MEDIAN_CALENDAR,
  CRM_REPORT_TIME_P90_CALENDAR
} crm_report_time_t;

/** What to report on. @since 0.1 */
typedef struct {
  unsigned int version;
  crm_time from, to;           /**< the range [from, to): 0 <= from < to */
  crm_report_group_t group_by; /**< 0: the total only */
  const char *timezone;        /**< IANA zone of the days (BY_DAY); NULL: UTC */
} crm_report_spec;

#define CRM_REPORT_SPEC_VERSION 1
#define CRM_REPORT_SPEC_INIT    CRM_STRUCT_INIT(CRM_REPORT_SPEC_VERSION)

/** A computed report and its rows. @since 0.1 */
typedef struct crm_report crm_report;
typedef struct crm_report_row crm_report_row;
typedef struct crm_report_row_iterator crm_report_row_iterator;

/** @return CRM_OK; CRM_EINVALID (NULL spec or unknown version). @since 0.1 */
CRM_EXTERN(crm_status) crm_report_spec_init(crm_report_spec *spec, unsigned int version);

/**
 * Compute a report (owned: free with crm_report_free). One aggregate query
 * per figure family (per day when grouped by day); a day grouping covers
 * at most 3660 days.
 * @return CRM_OK; CRM_EINVALID (NULL, unknown spec version, negative from,
 *         to <= from, bad group_by, unknown or non-UTF-8 time zone, too
 *         many days); CRM_EPERM (the actor is neither an admin nor a
 *         supervisor: the message names the agent); storage errors
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_report_run(crm_report **out, crm_db *db, const crm_report_spec *spec);

/** The spec it was computed with (NULL report: 0 / NULL). @since 0.1 */
CRM_EXTERN(crm_time) crm_report_from(const crm_report *report);
CRM_EXTERN(crm_time) crm_report_to(const crm_report *report);
CRM_EXTERN(crm_report_group_t) crm_report_group_by(const crm_report *report);
/** Number of rows. @since 0.1 */
CRM_EXTERN(size_t) crm_report_row_count(const crm_report *report);

/**
 * The report as a JSON object: {"from", "to", "group_by" (name),
 * "timezone", "rows": [{"key", "label", "contacts": {"in", "out",
 * "abandoned", "abandoned_by_ivr_depth": {"<depth>": n}}, "cases",
 * "resolved", "first_response" and "resolution": {"count", "business":
 * {"median", "p90"}, "calendar": {"median", "p90"}}, "sla": {"<metric
 * name>": {"met", "breached", "rate"}}, "fcr": {"count", "rate"},
 * "reopened": {"count", "rate"}, "transfers": {"count", "per_case"},
 * "csat": {"count", "average", "scores": [n1..n5]}, "backlog"}]}; a
 * figure with nothing to measure (a rate of 0 / 0, a percentile of no
 * value) is null.
 * @return CRM_OK; CRM_EINVALID (NULL)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_report_json(crm_buf *out, const crm_report *report);

/**
 * Iterate the rows in order. The iterator keeps the report alive.
 * @return CRM_OK; CRM_EINVALID (NULL)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_report_row_iterator_new(crm_report_row_iterator **out, crm_report *report);
/** @return CRM_OK; CRM_ITEROVER; CRM_EINVALID. The row is owned (a copy). @since 0.1 */
CRM_EXTERN(crm_status) crm_report_row_next(crm_report_row **out, crm_report_row_iterator *it);
CRM_EXTERN(void) crm_report_row_iterator_free(crm_report_row_iterator *it);
CRM_EXTERN(void) crm_report_row_free(crm_report_row *row);
CRM_EXTERN(void) crm_report_free(crm_report *report);

/* Row getters (NULL row: 0 / NULL / -1). */
CRM_EXTERN(crm_report_group_t) crm_report_row_group(const crm_report_row *row);
/** The group's key (see crm_report_group_t). @since 0.1 */
CRM_EXTERN(int64_t) crm_report_row_key(const crm_report_row *row);
/** "email", a queue's or agent's name, "urgent", "2026-11-02" (local),
    "total"; "none" for key 0. @since 0.1 */
CRM_EXTERN(const char *) crm_report_row_label(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_contacts_in(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_contacts_out(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_abandoned(const crm_report_row *row);
/** Abandoned contacts at IVR depth `depth` (0: unknown); 0 out of range. @since 0.1 */
CRM_EXTERN(int64_t) crm_report_row_abandoned_at_depth(const crm_report_row *row, int depth);
/** The deepest IVR depth with an abandoned contact (0: none). @since 0.1 */
CRM_EXTERN(int) crm_report_row_max_depth(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_cases(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_resolved(const crm_report_row *row);
/**
 * A figure of the first-response (CRM_SLA_FIRST_RESPONSE) or resolution
 * (CRM_SLA_RESOLUTION) time; -1 when no case was timed, or for another
 * metric or figure.
 * @since 0.1
 */
CRM_EXTERN(int64_t)
crm_report_row_time(const crm_report_row *row, crm_sla_metric_t metric, crm_report_time_t which);
/** SLA cycles of `metric` met / breached (0 for an unknown metric). @since 0.1 */
CRM_EXTERN(int64_t) crm_report_row_sla_met(const crm_report_row *row, crm_sla_metric_t metric);
CRM_EXTERN(int64_t)
crm_report_row_sla_breached(const crm_report_row *row, crm_sla_metric_t metric);
/** met / (met + breached); -1 when both are 0. @since 0.1 */
CRM_EXTERN(double) crm_report_row_sla_rate(const crm_report_row *row, crm_sla_metric_t metric);
CRM_EXTERN(int64_t) crm_report_row_fcr(const crm_report_row *row);
/** fcr / resolved; -1 when no case was resolved. @since 0.1 */
CRM_EXTERN(double) crm_report_row_fcr_rate(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_reopened(const crm_report_row *row);
/** reopened / cases; -1 without cases. @since 0.1 */
CRM_EXTERN(double) crm_report_row_reopen_rate(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_transfers(const crm_report_row *row);
/** transfers / cases; -1 without cases. @since 0.1 */
CRM_EXTERN(double) crm_report_row_transfers_per_case(const crm_report_row *row);
CRM_EXTERN(int64_t) crm_report_row_csat_count(const crm_report_row *row);
/** The average score; -1 without scores. @since 0.1 */
CRM_EXTERN(double) crm_report_row_csat_average(const crm_report_row *row);
/** How many cases scored `score` (1..5; 0 otherwise). @since 0.1 */
CRM_EXTERN(int64_t) crm_report_row_csat_score(const crm_report_row *row, int score);
CRM_EXTERN(int64_t) crm_report_row_backlog(const crm_report_row *row);

/** "none", "channel", "queue", "agent", "priority", "day"; NULL out of range. @since 0.1 */
CRM_EXTERN(const char *) crm_report_group_name(crm_report_group_t group);

CRM_END_DECL

#endif
