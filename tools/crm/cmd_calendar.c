/*
 * crm calendar define|update|show: stored business calendars (crm/sla.h),
 * defined in a small JSON file that libcrm parses (crm_calendar_from_json;
 * the format of crm.1, CALENDAR FILES):
 *
 *   {"tz": "Europe/Rome",
 *    "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ...},
 *    "holidays": ["2025-12-25", ["2025-12-26", "Santo Stefano"]],
 *    "special_hours": {"2025-12-24": [["09:00", "12:00"]]},
 *    "breaks": {"2025-11-04": [["10:00", "11:00"]]}}
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <string.h>

#define WEEK (7 * 86400)

static const char *const weekday_keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* A calendar from its definition file ("-": standard input). */
static crm_status load_calendar(crm_calendar **out, const char *path)
{
  char *text = NULL;
  gsize len = 0;
  *out = NULL;
  crm_status st = cli_read_input(&text, &len, path);
  if (st == CRM_OK)
    st = crm_calendar_from_json(out, text);
  if (st == CRM_EINVALID && text != NULL)
    st = cli_value_error("%s: %s", path, crm_error_last()->message);
  g_free(text);
  return st;
}

/* ---- show -------------------------------------------------------------------------------- */

/* "09:00-13:00, 14:00-18:00" of [["09:00", "13:00"], ["14:00", "18:00"]]
   (g_free); "closed" for []. */
static char *ranges_text(JsonArray *ranges)
{
  GString *text = g_string_new(NULL);
  for (guint i = 0; i < json_array_get_length(ranges); i++) {
    JsonArray *r = json_array_get_array_element(ranges, i);
    g_string_append_printf(text, "%s%s-%s", i > 0 ? ", " : "", json_array_get_string_element(r, 0),
                           json_array_get_string_element(r, 1));
  }
  if (text->len == 0)
    g_string_append(text, "closed");
  return g_string_free(text, FALSE);
}

/* {key: ranges} as one "key: ranges" line per key under `label` (weekday
   keys capitalised); "none" when there are none. */
static void add_ranges_obj(cli_obj *o, cli_state *cli, const char *key, const char *label,
                           JsonObject *keyed)
{
  GList *keys = json_object_get_members(keyed);
  if (keys == NULL) {
    cli_obj_str(o, key, label, "none");
    return;
  }
  cli_obj *child = cli_obj_new(cli);
  for (GList *k = keys; k != NULL; k = k->next) {
    char *text = ranges_text(json_object_get_array_member(keyed, k->data));
    char *name = g_strdup(k->data);
    for (size_t d = 0; d < G_N_ELEMENTS(weekday_keys); d++)
      if (strcmp(name, weekday_keys[d]) == 0)
        name[0] = g_ascii_toupper(name[0]);
    cli_obj_str(child, k->data, name, text);
    g_free(name);
    g_free(text);
  }
  g_list_free(keys);
  cli_obj_obj(o, key, label, child);
}

/* The hours, holidays, special hours and breaks of a definition, for
   people (--json has the definition itself). */
static void describe_definition(cli_obj *o, cli_state *cli, JsonObject *def)
{
  if (!json_object_has_member(def, "hours")) { /* 24x7 */
    cli_obj_str(o, "hours", "Hours", "always open");
    return;
  }
  GPtrArray *holidays = g_ptr_array_new_with_free_func(g_free);
  JsonArray *list = json_object_get_array_member(def, "holidays");
  for (guint i = 0; i < json_array_get_length(list); i++) {
    JsonArray *h = json_array_get_array_element(list, i);
    const char *date = json_array_get_string_element(h, 0);
    const char *name =
        json_array_get_null_element(h, 1) ? NULL : json_array_get_string_element(h, 1);
    g_ptr_array_add(holidays,
                    name != NULL ? g_strdup_printf("%s (%s)", date, name) : g_strdup(date));
  }
  add_ranges_obj(o, cli, "hours", "Hours", json_object_get_object_member(def, "hours"));
  cli_obj_strv(o, "holidays", "Holidays", holidays);
  g_ptr_array_unref(holidays);
  add_ranges_obj(o, cli, "special_hours", "Special hours",
                 json_object_get_object_member(def, "special_hours"));
  add_ranges_obj(o, cli, "breaks", "Breaks", json_object_get_object_member(def, "breaks"));
}

/* A stored calendar: its name, version and definition, and as it stands at
   the tool's "now": open or not, the next opening, the business hours of
   the coming week. */
static int emit_calendar(cli_state *cli, crm_id id, int64_t version)
{
  crm_calendar *cal = NULL;
  crm_buf name = CRM_BUF_INIT, def = CRM_BUF_INIT;
  int64_t current = 0, week = 0;
  crm_time now = crm_now(cli->db), next_open = 0;
  crm_status st = crm_calendar_load_version(&cal, cli->db, id, version);
  if (st == CRM_OK)
    st = crm_calendar_version(&current, cli->db, id);
  if (st == CRM_OK)
    st = crm_calendar_name(&name, cli->db, id);
  if (st == CRM_OK)
    st = crm_calendar_to_json(&def, cal);
  if (st == CRM_OK)
    st = crm_calendar_add_business(&next_open, cal, now, 0);
  if (st == CRM_OK)
    st = crm_calendar_business_between(&week, cal, now, now + WEEK);
  if (st != CRM_OK) {
    crm_calendar_free(cal);
    crm_buf_dispose(&name);
    crm_buf_dispose(&def);
    return cli_fail(cli, st);
  }
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "id", "Calendar", id);
  cli_obj_str(o, "name", "Name", name.ptr);
  cli_obj_int(o, "version", "Version", version > 0 ? version : current);
  cli_obj_int(o, "current_version", NULL, current);
  cli_obj_str(o, "timezone", "Time zone", crm_calendar_timezone(cal));
  cli_obj_bool(o, "open_now", "Open now", crm_calendar_is_open(cal, now));
  cli_obj_time(o, "next_open", "Next business time", next_open);
  cli_obj_duration(o, "business_next_week", "Business time next 7 days", week);
  if (cli->json) {
    cli_obj_json(o, "definition", NULL, def.ptr);
  } else {
    JsonNode *node = json_from_string(def.ptr, NULL);
    describe_definition(o, cli, json_node_get_object(node));
    json_node_unref(node);
  }
  crm_calendar_free(cal);
  crm_buf_dispose(&name);
  crm_buf_dispose(&def);
  return cli_emit_obj(cli, o);
}

int cmd_calendar_show(cli_state *cli, int argc, char **argv)
{
  gint64 version = 0;
  GOptionEntry entries[] = {{"version", 'v', 0, G_OPTION_ARG_INT64, &version,
                             "This version (1: as first saved; default: the current one)", "N"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CALENDAR",
                       "Show a stored calendar: its name, version, time zone, hours, holidays, "
                       "special hours and breaks (--json: \"definition\", the calendar file), "
                       "whether it is open now, the next business time and the business time "
                       "of the coming week.",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_status st = cli_parse_id(&id, argv[1], "calendar");
  if (st == CRM_OK && version < 0)
    st = cli_value_error("version %" G_GINT64_FORMAT " is negative", version);
  return st == CRM_OK ? emit_calendar(cli, id, version) : cli_fail(cli, st);
}

/* ---- define / update ------------------------------------------------------------------------ */

int cmd_calendar_define(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "NAME FILE",
                       "Store a business calendar defined in a JSON file (- reads standard "
                       "input; the format is in crm(1), CALENDAR FILES). Policies use it by "
                       "its id.",
                       2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_calendar *cal = NULL;
  crm_id id = 0;
  crm_status st = load_calendar(&cal, argv[2]);
  if (st == CRM_OK)
    st = crm_calendar_save(&id, cli->db, argv[1], cal);
  crm_calendar_free(cal);
  return st == CRM_OK ? emit_calendar(cli, id, 0) : cli_fail(cli, st);
}

int cmd_calendar_update(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "CALENDAR FILE",
                       "Replace a stored calendar's definition (a new version; the old ones "
                       "are kept). Open SLA timers that use it are recomputed.",
                       2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_calendar *cal = NULL;
  crm_id id = 0;
  crm_status st = cli_parse_id(&id, argv[1], "calendar");
  if (st == CRM_OK)
    st = load_calendar(&cal, argv[2]);
  if (st == CRM_OK)
    st = crm_calendar_update(cli->db, id, cal);
  crm_calendar_free(cal);
  return st == CRM_OK ? emit_calendar(cli, id, 0) : cli_fail(cli, st);
}
