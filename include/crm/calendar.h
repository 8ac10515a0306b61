/*
 * libcrm: business calendars, the pure time arithmetic behind SLA timers.
 * No database is needed: build a calendar, ask questions, free it.
 *
 * A calendar is an IANA time zone (or "24x7": always open), weekly opening
 * intervals in local wall-clock minutes, holidays (whole local dates closed),
 * exceptional openings (replace one local date's weekly hours) and breaks
 * (a wall-clock range removed on one local date).
 *
 * Semantics (the same as ../shared/sla/cases.json states):
 * - Business intervals are half-open, [open, close): an instant equal to an
 *   opening time is open, one equal to a closing time is closed.
 * - A start outside business hours counts from the next opening.
 * - Adding 0 gives the first business instant >= start.
 * - A due instant that lands exactly on a closing time stays there (it does
 *   not move to the next opening).
 * - Wall-clock times are converted per local date. A time inside a
 *   spring-forward gap is shifted by the gap's length (02:30 becomes 03:30
 *   after a 02:00->03:00 jump), and an interval whose converted end is not
 *   after its converted start is empty. An ambiguous (fall-back) time is its
 *   first, daylight-saving occurrence.
 * - Elapsed business time is real elapsed time: a 25-hour day open from
 *   00:00 to 24:00 counts 25 hours, a 23-hour day 23.
 * - `to < from` is CRM_EINVALID.
 *
 * Days and dates: an interval belongs to the local date it starts on; its
 * end may pass midnight (end_minute up to 2880) for overnight shifts. A
 * holiday closes the whole local date: the date's own intervals (also the
 * part of an overnight shift that runs into the next date) and the part of
 * the previous date's overnight shift that runs into it. Openings added for a
 * date replace that date's weekly intervals; a holiday on the same date wins.
 * Breaks remove a wall-clock range of one date from whatever is open then.
 *
 * Instants are crm_time (seconds since the Unix epoch, UTC) in years 1 to
 * 9999; durations are seconds. Computations cost O(days crossed / 7) plus
 * O(days near a holiday, an opening, a break or a time-zone transition), never
 * per-minute stepping. A computation that finds no business time within 10
 * years of closed days fails with CRM_EINVALID ("... has no business hours
 * ...") instead of searching forever.
 *
 * Threads: a calendar may be read (add, subtract, between, is_open) by many
 * threads at once; changing it needs exclusive use.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CALENDAR_H
#define CRM_CALENDAR_H

#include "buffer.h"
#include "common.h"

CRM_BEGIN_DECL

/** A business calendar (opaque). @since 0.1 */
typedef struct crm_calendar crm_calendar;

/**
 * Create an empty calendar (closed at all times until hours are added).
 *
 * @param out      receives the calendar (owned: free with crm_calendar_free);
 *                 NULL after a failure
 * @param iana_tz  an IANA time-zone name ("Europe/Rome", "America/New_York",
 *                 "Etc/UTC"), as GLib's GTimeZone knows it; or "24x7" for a
 *                 calendar that is always open, needs no time zone and takes
 *                 no hours, holidays, openings or breaks
 * @return CRM_OK; CRM_EINVALID (NULL argument, invalid UTF-8, unknown time
 *         zone: the message names it); CRM_ENOMEM
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_new(crm_calendar **out, const char *iana_tz);

/**
 * Add a weekly opening interval [start_minute, end_minute) in local
 * wall-clock minutes after midnight of the weekday. Several intervals per
 * weekday are allowed; overlapping or touching ones are merged.
 *
 * @param cal          the calendar
 * @param iso_weekday  1 = Monday .. 7 = Sunday
 * @param start_minute 0..1439
 * @param end_minute   start_minute+1..2880: past 1440 the interval runs into
 *                     the next day (22:00-06:00 is 1320..1800)
 * @return CRM_OK; CRM_EINVALID (NULL cal, "24x7" calendar, weekday out of
 *         1..7, minute out of range, end <= start)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_add_hours(crm_calendar *cal, int iso_weekday, int start_minute, int end_minute);

/**
 * Close a whole local date (see the file comment for overnight shifts).
 * Adding a date again keeps it closed and replaces its name.
 *
 * @param cal         the calendar
 * @param yyyy_mm_dd  the local date, exactly "YYYY-MM-DD" (year 0001..9999)
 * @param name        the holiday's name (UTF-8, copied), or NULL
 * @return CRM_OK; CRM_EINVALID (NULL cal or date, "24x7" calendar, a date
 *         that is not a valid calendar date such as "2024-02-30", "24-1-1"
 *         or "2024-1-1x", invalid UTF-8 in name)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_add_holiday(crm_calendar *cal, const char *yyyy_mm_dd, const char *name);

/**
 * Add an exceptional opening interval on one local date. All openings added
 * for one date together replace that date's weekly hours (overlapping ones
 * are merged). To close a date use crm_calendar_add_holiday.
 *
 * @param cal          the calendar
 * @param yyyy_mm_dd   the local date, "YYYY-MM-DD"
 * @param start_minute 0..1439
 * @param end_minute   start_minute+1..2880 (past 1440: into the next date)
 * @return CRM_OK; CRM_EINVALID (NULL argument, "24x7" calendar, bad date,
 *         minute out of range, end <= start)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_add_opening(crm_calendar *cal, const char *yyyy_mm_dd, int start_minute,
                         int end_minute);

/**
 * Remove the wall-clock range [start_minute, end_minute) of one local date
 * from the business time (a lunch break on one day, a training afternoon).
 *
 * @param cal          the calendar
 * @param yyyy_mm_dd   the local date, "YYYY-MM-DD"
 * @param start_minute 0..1439
 * @param end_minute   start_minute+1..1440
 * @return CRM_OK; CRM_EINVALID (NULL argument, "24x7" calendar, bad date,
 *         minute out of range, end <= start)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_add_break(crm_calendar *cal, const char *yyyy_mm_dd, int start_minute, int end_minute);

/**
 * The instant at which `business_seconds` of business time after `start`
 * have elapsed (a due instant). A start outside business hours counts from
 * the next opening; 0 gives the first business instant >= start; a result
 * exactly on a closing time stays there.
 *
 * @param out              receives the instant; 0 after a failure
 * @param cal              the calendar
 * @param start            years 1..9999
 * @param business_seconds >= 0
 * @return CRM_OK; CRM_EINVALID (NULL argument, start out of range, negative
 *         duration, the calendar has no business hours (within 10 years of
 *         closed days), or the result would pass the year 9999)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_add_business(crm_time *out, const crm_calendar *cal, crm_time start,
                          int64_t business_seconds);

/**
 * The latest instant p <= start such that
 * crm_calendar_business_between(p, start) == business_seconds: the inverse
 * of crm_calendar_add_business. A start outside business hours counts back
 * from the previous closing time; a result exactly on an opening time stays
 * there; subtracting 0 returns start itself.
 *
 * @param out              receives the instant; 0 after a failure
 * @param cal              the calendar
 * @param start            years 1..9999
 * @param business_seconds >= 0
 * @return CRM_OK; CRM_EINVALID (NULL argument, start out of range, negative
 *         duration, no business hours (within 10 years of closed days), or the
 *         result would fall before the year 1)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_subtract_business(crm_time *out, const crm_calendar *cal, crm_time start,
                               int64_t business_seconds);

/**
 * Business seconds in [from, to): real elapsed seconds during which the
 * calendar is open.
 *
 * @param out  receives the seconds (>= 0); 0 after a failure
 * @param cal  the calendar
 * @param from years 1..9999
 * @param to   years 1..9999, >= from
 * @return CRM_OK; CRM_EINVALID (NULL argument, instant out of range,
 *         to < from)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_calendar_business_between(int64_t *out, const crm_calendar *cal, crm_time from, crm_time to);

/**
 * Whether the calendar is open at instant t (half-open: open at an opening
 * time, closed at a closing time).
 * @return 1 open, 0 closed; 0 for a NULL calendar or t outside years 1..9999
 * @since 0.1
 */
CRM_EXTERN(int) crm_calendar_is_open(const crm_calendar *cal, crm_time t);

/**
 * The calendar's time-zone name as given to crm_calendar_new ("24x7" for an
 * always-open calendar); borrowed: valid as long as the calendar. NULL for a
 * NULL calendar.
 * @since 0.1
 */
CRM_EXTERN(const char *) crm_calendar_timezone(const crm_calendar *cal);

/** Free a calendar; NULL is a no-op. @since 0.1 */
CRM_EXTERN(void) crm_calendar_free(crm_calendar *cal);

/* ------------------------------------------------------------------ */
/* JSON definitions                                                     */

/**
 * Build a calendar from its JSON definition: the "calendar_format" of
 * libcrm's SLA test data (../shared/sla/cases.json), which is also what
 * crm_calendar_to_json writes, what crm_calendar_save stores and what the
 * crm tool reads (crm(1), CALENDAR FILES):
 *
 *   {"tz": "Europe/Rome",
 *    "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]],
 *              "sat": [["22:00", "06:00"]]},
 *    "holidays": ["2025-12-25", ["2025-12-26", "Santo Stefano"]],
 *    "special_hours": {"2025-12-24": [["09:00", "12:00"]], "2025-12-31": []},
 *    "breaks": {"2025-11-04": [["10:00", "11:00"]]}}
 *
 * - "tz" (required): as crm_calendar_new; "24x7" takes nothing else (empty
 *   members are allowed).
 * - "hours": weekly ranges by weekday "mon".."sun" (crm_calendar_add_hours);
 *   a missing day is closed.
 * - "holidays": dates closed all day, each "YYYY-MM-DD" or
 *   ["YYYY-MM-DD", name or null] (crm_calendar_add_holiday).
 * - "special_hours": ranges that replace one date's weekly hours
 *   (crm_calendar_add_opening); [] closes the date (as an unnamed holiday).
 * - "breaks": ranges removed from one date (crm_calendar_add_break).
 * - A range is ["HH:MM", "HH:MM"], local wall-clock time, half-open; hours
 *   00..48 ("24:00" ends a day, "30:00" is 06:00 the next day). An end not
 *   after its start runs into the next day (["22:00", "06:00"] is
 *   ["22:00", "30:00"]).
 * - Members whose name starts with "_" are comments and are ignored; any
 *   other member is an error.
 *
 * @param out   receives the calendar (owned: crm_calendar_free); NULL after
 *              a failure
 * @param json  the definition, UTF-8 JSON text
 * @return CRM_OK; CRM_EINVALID (NULL argument, invalid UTF-8, text that is
 *         not a JSON object, a missing or non-string "tz", an unknown
 *         member or weekday, a malformed range, time or holiday, or any
 *         value the crm_calendar_add_* calls refuse: the message names the
 *         member and the value); CRM_ENOMEM
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_from_json(crm_calendar **out, const char *json);

/**
 * The calendar's JSON definition (the format of crm_calendar_from_json):
 * compact JSON text with every member ("tz" only for "24x7"), weekly ranges
 * merged and sorted, holidays as ["YYYY-MM-DD", name or null], ends past
 * midnight past "24:00". crm_calendar_from_json of this text gives a
 * calendar that answers every question exactly as `cal` does.
 *
 * @param out  receives the text (dispose with crm_buf_dispose); empty
 *             after a failure
 * @param cal  the calendar
 * @return CRM_OK; CRM_EINVALID (NULL argument); CRM_ENOMEM
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_calendar_to_json(crm_buf *out, const crm_calendar *cal);

CRM_END_DECL

#endif
