/*
 * crm sla tick|due|show: the SLA clocks (crm/sla.h). "tick" is crm_tick
 * (also "crm tick"), "due" the running timers whose due instant is near or
 * past, "show" a case's timers or every cycle, as reported and/or
 * recomputed with today's rules.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#define DEFAULT_DUE_WITHIN "1d"

/* What became of a cycle, in one word. */
static const char *timer_state(const crm_sla_timer *t, crm_time now)
{
  if (crm_sla_timer_met_at(t) > 0)
    return crm_sla_timer_breached_at(t) > 0 ? "met_late" : "met";
  if (crm_sla_timer_breached_at(t) > 0)
    return crm_sla_timer_open(t) ? "breached" : "stopped_breached";
  if (!crm_sla_timer_open(t))
    return "stopped";
  if (crm_sla_timer_paused(t))
    return "paused";
  crm_time due = crm_sla_timer_due_at(t);
  return due > 0 && due <= now ? "overdue" : "running";
}

static const char *view_name(crm_sla_view_t view)
{
  return view == CRM_SLA_RECOMPUTED ? "recomputed" : "as_reported";
}

static cli_list *describe_segments(cli_state *cli, const crm_sla_timer *t)
{
  cli_list *list = cli_list_new();
  for (size_t i = 0; i < crm_sla_timer_segment_count(t); i++) {
    cli_obj *o = cli_obj_new(cli);
    cli_obj_str(o, "kind", "Segment", crm_sla_segment_name(crm_sla_timer_segment_kind(t, i)));
    cli_obj_time(o, "at", "At", crm_sla_timer_segment_at(t, i));
    cli_obj_duration(o, "business_elapsed", "Business elapsed",
                     crm_sla_timer_segment_business_elapsed(t, i));
    cli_obj_duration(o, "calendar_elapsed", NULL, crm_sla_timer_segment_calendar_elapsed(t, i));
    cli_obj_time(o, "due_at", "Due", crm_sla_timer_segment_due_at(t, i));
    cli_obj_int(o, "policy_version", "Policy v", crm_sla_timer_segment_policy_version(t, i));
    cli_obj_int(o, "calendar_version", "Calendar v", crm_sla_timer_segment_calendar_version(t, i));
    cli_list_add(list, o);
  }
  return list;
}

/* One cycle; `segments`: with its segments (JSON only: tables have no room). */
static cli_obj *describe_timer(cli_state *cli, const crm_sla_timer *t, gboolean segments)
{
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "case", "Case", crm_sla_timer_case(t));
  cli_obj_str(o, "metric", "Metric", crm_sla_metric_name(crm_sla_timer_metric(t)));
  cli_obj_int(o, "cycle", "Cycle", crm_sla_timer_cycle(t));
  cli_obj_str(o, "view", "View", view_name(crm_sla_timer_view(t)));
  cli_obj_str(o, "state", "State", timer_state(t, crm_now(cli->db)));
  cli_obj_duration(o, "target", "Target", crm_sla_timer_target(t));
  cli_obj_time(o, "started_at", "Started", crm_sla_timer_started_at(t));
  cli_obj_time(o, "due_at", "Due", crm_sla_timer_due_at(t));
  cli_obj_time(o, "warned_at", NULL, crm_sla_timer_warned_at(t));
  cli_obj_time(o, "breached_at", "Breached", crm_sla_timer_breached_at(t));
  cli_obj_time(o, "met_at", "Met", crm_sla_timer_met_at(t));
  cli_obj_time(o, "stopped_at", NULL, crm_sla_timer_stopped_at(t));
  cli_obj_duration(o, "business_elapsed", "Business elapsed", crm_sla_timer_business_elapsed(t));
  cli_obj_duration(o, "calendar_elapsed", NULL, crm_sla_timer_calendar_elapsed(t));
  cli_obj_time(o, "as_of", NULL, crm_sla_timer_as_of(t));
  cli_obj_bool(o, "paused", NULL, crm_sla_timer_paused(t));
  cli_obj_bool(o, "open", NULL, crm_sla_timer_open(t));
  cli_obj_id(o, "policy", "Policy", crm_sla_timer_policy(t));
  cli_obj_int(o, "policy_version", NULL, crm_sla_timer_policy_version(t));
  cli_obj_id(o, "calendar", NULL, crm_sla_timer_calendar(t));
  cli_obj_int(o, "calendar_version", NULL, crm_sla_timer_calendar_version(t));
  if (segments)
    cli_obj_list(o, "segments", NULL, describe_segments(cli, t));
  return o;
}

/* Drains an iterator into a list: each timer described, or with
   `flat_segments` each of its segments as one row (for people). */
static crm_status timer_rows(cli_list **out, cli_state *cli, crm_sla_timer_iterator *it,
                             gboolean flat_segments)
{
  crm_sla_timer *t = NULL;
  crm_status st;
  cli_list *list = cli_list_new();
  while ((st = crm_sla_timer_next(&t, it)) == CRM_OK) {
    if (!flat_segments) {
      cli_list_add(list, describe_timer(cli, t, TRUE));
    } else {
      for (size_t i = 0; i < crm_sla_timer_segment_count(t); i++) {
        cli_obj *o = cli_obj_new(cli);
        cli_obj_str(o, "metric", "Metric", crm_sla_metric_name(crm_sla_timer_metric(t)));
        cli_obj_int(o, "cycle", "Cycle", crm_sla_timer_cycle(t));
        cli_obj_str(o, "view", "View", view_name(crm_sla_timer_view(t)));
        cli_obj_str(o, "kind", "Segment", crm_sla_segment_name(crm_sla_timer_segment_kind(t, i)));
        cli_obj_time(o, "at", "At", crm_sla_timer_segment_at(t, i));
        cli_obj_duration(o, "business_elapsed", "Business elapsed",
                         crm_sla_timer_segment_business_elapsed(t, i));
        cli_obj_time(o, "due_at", "Due", crm_sla_timer_segment_due_at(t, i));
        cli_list_add(list, o);
      }
    }
    crm_sla_timer_free(t);
  }
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

int cmd_sla_show(cli_state *cli, int argc, char **argv)
{
  gboolean all = FALSE, recomputed = FALSE, both = FALSE, segments = FALSE;
  GOptionEntry entries[] = {
      {"all", 'a', 0, G_OPTION_ARG_NONE, &all,
       "Every cycle, finished and open (default: the current cycle of each metric)", NULL},
      {"recomputed", 'r', 0, G_OPTION_ARG_NONE, &recomputed,
       "Replay with the current policy and calendar instead of as reported", NULL},
      {"both", 'b', 0, G_OPTION_ARG_NONE, &both, "Each cycle as reported, then recomputed", NULL},
      {"segments", 's', 0, G_OPTION_ARG_NONE, &segments,
       "One row per segment (activate, pause, fulfil, breach...) instead of per cycle", NULL},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CASE",
                       "A case's SLA clocks: first response, next response, resolution and "
                       "periodic update, with target, due and breach instants, as reported "
                       "(the rules in force then) or recomputed (today's rules). --json always "
                       "includes the segments.",
                       1, 1);
  if (code == CLI_EXIT_OK && recomputed && both)
    code = cli_usage(cli, "--recomputed and --both exclude each other");
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_sla_timer_iterator *it = NULL;
  cli_list *list = NULL;
  crm_sla_view_t view = both         ? (crm_sla_view_t)(CRM_SLA_AS_REPORTED | CRM_SLA_RECOMPUTED)
                        : recomputed ? CRM_SLA_RECOMPUTED
                                     : CRM_SLA_AS_REPORTED;
  crm_status st = cli_parse_id(&id, argv[1], "case");
  if (st == CRM_OK)
    st = all ? crm_sla_cycle_iterator_new(&it, cli->db, id, view)
             : crm_sla_timer_iterator_new(&it, cli->db, id, view);
  if (st == CRM_OK)
    st = timer_rows(&list, cli, it, segments && !cli->json);
  crm_sla_timer_iterator_free(it);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  if (cli_list_size(list) == 0)
    cli_note(cli, "(no SLA clock: no policy matches case %" G_GINT64_FORMAT ")", (gint64)id);
  return cli_emit_list(cli, list);
}

int cmd_sla_due(cli_state *cli, int argc, char **argv)
{
  char *within = NULL, *before = NULL;
  gint64 limit = 0;
  GOptionEntry entries[] = {
      {"within", 'w', 0, G_OPTION_ARG_STRING, &within,
       "Due from now to this far ahead, and overdue (default " DEFAULT_DUE_WITHIN ")", "DURATION"},
      {"before", 'b', 0, G_OPTION_ARG_STRING, &before, "Due before TIME instead", "TIME"},
      {"limit", 'n', 0, G_OPTION_ARG_INT64, &limit, "At most N timers (0: all)", "N"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "",
                       "The running SLA timers of every case that are overdue or fall due soon, "
                       "soonest first: the work to do next.",
                       0, 0);
  if (code == CLI_EXIT_OK && within != NULL && before != NULL)
    code = cli_usage(cli, "--within and --before exclude each other");
  if (code == CLI_EXIT_OK) {
    int64_t ahead = 0;
    crm_time until = 0;
    crm_sla_timer_iterator *it = NULL;
    crm_sla_timer *t = NULL;
    crm_status st = before != NULL
                        ? cli_parse_time(&until, before)
                        : cli_parse_duration(&ahead, within != NULL ? within : DEFAULT_DUE_WITHIN);
    if (st == CRM_OK && limit < 0)
      st = cli_value_error("limit %" G_GINT64_FORMAT " must not be negative", limit);
    if (before == NULL)
      until = crm_now(cli->db) + ahead + 1; /* "before" is exclusive */
    if (st == CRM_OK)
      st = crm_sla_due_iterator_new(&it, cli->db, until);
    cli_list *list = cli_list_new();
    while (st == CRM_OK && (limit == 0 || (gint64)cli_list_size(list) < limit) &&
           (st = crm_sla_timer_next(&t, it)) == CRM_OK) {
      cli_list_add(list, describe_timer(cli, t, FALSE));
      crm_sla_timer_free(t);
    }
    crm_sla_timer_iterator_free(it);
    if (st == CRM_OK || st == CRM_ITEROVER) {
      code = cli_emit_list(cli, list);
    } else {
      cli_list_free(list);
      code = cli_fail(cli, st);
    }
  }
  g_free(within);
  g_free(before);
  return code;
}
