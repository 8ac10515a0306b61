/*
 * crm events: the event feed (the audit log and durable outbox), from a
 * sequence number or a named consumer's cursor; --follow polls every second.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#define POLL_INTERVAL_USEC G_USEC_PER_SEC

typedef struct {
  gint64 since, limit;
  gboolean follow;
  char *consumer, *kind;
  int64_t last_seq; /* the last event read (printed or filtered out) */
  int64_t printed;
} events_args;

static cli_obj *describe_event(cli_state *cli, const crm_event *ev)
{
  cli_obj *o = cli_obj_new(cli);
  cli_obj_int(o, "seq", "Seq", crm_event_seq(ev));
  cli_obj_time(o, "time", "Time", crm_event_time(ev));
  cli_obj_id(o, "actor", "Actor", crm_event_actor(ev));
  cli_obj_str(o, "kind", "Kind", crm_event_kind(ev));
  cli_obj_str(o, "entity", "Entity", crm_event_entity(ev));
  cli_obj_int(o, "entity_id", "Id", crm_event_entity_id(ev));
  cli_obj_json(o, "payload", "Payload", crm_event_payload(ev));
  return o;
}

static gboolean limit_reached(const events_args *a)
{
  return a->limit > 0 && a->printed >= a->limit;
}

/* Reads the events after a->last_seq, handing each wanted one to `list`
   (or streaming it when list is NULL). */
static crm_status read_events(cli_state *cli, events_args *a, cli_list *list)
{
  crm_event_iterator *it = NULL;
  crm_event *ev = NULL;
  crm_status st = crm_event_iterator_new(&it, cli->db, a->last_seq);
  while (st == CRM_OK && !limit_reached(a) && (st = crm_event_next(&ev, it)) == CRM_OK) {
    a->last_seq = crm_event_seq(ev);
    if (a->kind == NULL || g_str_has_prefix(crm_event_kind(ev), a->kind)) {
      a->printed++;
      if (list != NULL)
        cli_list_add(list, describe_event(cli, ev));
      else
        cli_emit_stream_item(cli, describe_event(cli, ev));
    }
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  st = st == CRM_ITEROVER ? CRM_OK : st;
  if (st == CRM_OK && a->consumer != NULL)
    st = crm_event_cursor_set(cli->db, a->consumer, a->last_seq);
  return st;
}

static crm_status follow(cli_state *cli, events_args *a)
{
  crm_status st = read_events(cli, a, NULL);
  while (st == CRM_OK && !limit_reached(a)) {
    g_usleep(POLL_INTERVAL_USEC);
    st = read_events(cli, a, NULL);
  }
  return st;
}

int cmd_events(cli_state *cli, int argc, char **argv)
{
  events_args a = {.since = -1};
  GOptionEntry entries[] = {
      {"since", 's', 0, G_OPTION_ARG_INT64, &a.since,
       "Events after sequence number SEQ (default: 0, or the consumer's cursor)", "SEQ"},
      {"follow", 'f', 0, G_OPTION_ARG_NONE, &a.follow,
       "Keep polling for new events every second (one JSON object per line with --json)", NULL},
      {"consumer", 'c', 0, G_OPTION_ARG_STRING, &a.consumer,
       "Start at this consumer's stored cursor and store the new position", "NAME"},
      {"kind", 'k', 0, G_OPTION_ARG_STRING, &a.kind, "Only kinds starting with PREFIX (case.)",
       "PREFIX"},
      {"limit", 'n', 0, G_OPTION_ARG_INT64, &a.limit, "Stop after N events (0: no limit)", "N"},
      G_OPTION_ENTRY_NULL};
  int code =
      cli_parse(cli, &argc, &argv, entries, "", "Print the event feed in commit order.", 0, 0);
  if (code == CLI_EXIT_OK) {
    crm_status st = CRM_OK;
    if (a.since < -1 || a.limit < 0)
      st = cli_value_error("--since and --limit must not be negative");
    if (st == CRM_OK && a.since < 0 && a.consumer != NULL)
      st = crm_event_cursor_get(&a.last_seq, cli->db, a.consumer);
    else if (a.since > 0)
      a.last_seq = a.since;
    if (st == CRM_OK && a.follow) {
      st = follow(cli, &a);
      code = st == CRM_OK ? CLI_EXIT_OK : cli_fail(cli, st);
    } else if (st == CRM_OK) {
      cli_list *list = cli_list_new();
      st = read_events(cli, &a, list);
      code = st == CRM_OK ? cli_emit_list(cli, list) : (cli_list_free(list), cli_fail(cli, st));
    } else {
      code = cli_fail(cli, st);
    }
  }
  g_free(a.consumer);
  g_free(a.kind);
  return code;
}
