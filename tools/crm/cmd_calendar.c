/*
 * crm calendar define|update|show: stored business calendars (crm/sla.h),
 * defined in a small JSON file (the format of crm.1, CALENDAR FILES):
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

/* "HH:MM" to minutes after midnight (HH up to 48), or -1. */
static int hhmm(JsonNode *node)
{
  const char *s =
      node != NULL && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING
          ? json_node_get_string(node)
          : NULL;
  if (s == NULL || strlen(s) != 5 || s[2] != ':' || !g_ascii_isdigit(s[0]) ||
      !g_ascii_isdigit(s[1]) || !g_ascii_isdigit(s[3]) || !g_ascii_isdigit(s[4]))
    return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  return h > 48 || m > 59 ? -1 : h * 60 + m;
}

typedef crm_status (*range_fn)(crm_calendar *cal, const char *key, int start, int end);

/* [["HH:MM", "HH:MM"], ...]: each range through `add`; an end not after
   its start runs into the next day ("22:00"-"06:00"). */
static crm_status add_ranges(crm_calendar *cal, JsonNode *node, const char *where, range_fn add,
                             const char *key)
{
  JsonArray *ranges = JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
  if (ranges == NULL)
    return cli_value_error("%s: not a list of [\"HH:MM\", \"HH:MM\"] ranges", where);
  for (guint i = 0; i < json_array_get_length(ranges); i++) {
    JsonNode *r = json_array_get_element(ranges, i);
    JsonArray *pair = JSON_NODE_HOLDS_ARRAY(r) ? json_node_get_array(r) : NULL;
    int start = pair != NULL && json_array_get_length(pair) == 2
                    ? hhmm(json_array_get_element(pair, 0))
                    : -1;
    int end = start >= 0 ? hhmm(json_array_get_element(pair, 1)) : -1;
    if (start < 0 || end < 0)
      return cli_value_error("%s: range %u is not [\"HH:MM\", \"HH:MM\"]", where, i + 1);
    if (end <= start && start < 1440)
      end += 1440;
    crm_status st = add(cal, key, start, end);
    if (st != CRM_OK)
      return cli_value_error("%s: range %u: %s", where, i + 1, crm_error_last()->message);
  }
  return CRM_OK;
}

static crm_status add_weekly(crm_calendar *cal, const char *key, int start, int end)
{
  for (int d = 0; d < 7; d++)
    if (strcmp(key, weekday_keys[d]) == 0)
      return crm_calendar_add_hours(cal, d + 1, start, end);
  return cli_value_error("unknown weekday '%s' (mon, tue, wed, thu, fri, sat, sun)", key);
}

static crm_status add_opening(crm_calendar *cal, const char *key, int start, int end)
{
  return crm_calendar_add_opening(cal, key, start, end);
}

static crm_status add_break(crm_calendar *cal, const char *key, int start, int end)
{
  return crm_calendar_add_break(cal, key, start, end);
}

/* {"KEY": ranges, ...} (hours by weekday, special hours and breaks by
   date); special hours of [] close the date. */
static crm_status add_keyed(crm_calendar *cal, JsonObject *def, const char *member, range_fn add)
{
  JsonNode *node = json_object_get_member(def, member);
  if (node == NULL)
    return CRM_OK;
  if (!JSON_NODE_HOLDS_OBJECT(node))
    return cli_value_error("\"%s\" is not an object", member);
  JsonObject *keyed = json_node_get_object(node);
  GList *keys = json_object_get_members(keyed);
  crm_status st = CRM_OK;
  for (GList *k = keys; k != NULL && st == CRM_OK; k = k->next) {
    JsonNode *ranges = json_object_get_member(keyed, k->data);
    char *where = g_strdup_printf("\"%s\" of \"%s\"", (const char *)k->data, member);
    if (add == add_opening && JSON_NODE_HOLDS_ARRAY(ranges) &&
        json_array_get_length(json_node_get_array(ranges)) == 0)
      st = crm_calendar_add_holiday(cal, k->data, NULL);
    else
      st = add_ranges(cal, ranges, where, add, k->data);
    g_free(where);
  }
  g_list_free(keys);
  return st;
}

/* "holidays": ["YYYY-MM-DD" or ["YYYY-MM-DD", "name"], ...]. */
static crm_status add_holidays(crm_calendar *cal, JsonObject *def)
{
  JsonNode *node = json_object_get_member(def, "holidays");
  if (node == NULL)
    return CRM_OK;
  JsonArray *list = JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
  if (list == NULL)
    return cli_value_error("\"holidays\" is not a list");
  for (guint i = 0; i < json_array_get_length(list); i++) {
    JsonNode *h = json_array_get_element(list, i);
    JsonArray *pair = JSON_NODE_HOLDS_ARRAY(h) ? json_node_get_array(h) : NULL;
    JsonNode *date =
        pair != NULL && json_array_get_length(pair) == 2 ? json_array_get_element(pair, 0) : h;
    JsonNode *name = pair != NULL ? json_array_get_element(pair, 1) : NULL;
    const char *date_text = JSON_NODE_HOLDS_VALUE(date) ? json_node_get_string(date) : NULL;
    const char *name_text =
        name != NULL && JSON_NODE_HOLDS_VALUE(name) ? json_node_get_string(name) : NULL;
    if (date_text == NULL)
      return cli_value_error("holiday %u is neither \"YYYY-MM-DD\" nor [date, name]", i + 1);
    if (crm_calendar_add_holiday(cal, date_text, name_text) != CRM_OK)
      return cli_value_error("holiday %u: %s", i + 1, crm_error_last()->message);
  }
  return CRM_OK;
}

static const char *const known_members[] = {"tz", "hours", "holidays", "special_hours", "breaks"};

/* A calendar from its definition file. */
static crm_status load_calendar(crm_calendar **out, const char *path)
{
  JsonParser *parser = NULL;
  JsonObject *def = NULL;
  crm_calendar *cal = NULL;
  *out = NULL;
  crm_status st = cli_load_json_object(&parser, &def, path);
  GList *members = st == CRM_OK ? json_object_get_members(def) : NULL;
  for (GList *m = members; m != NULL && st == CRM_OK; m = m->next) {
    gboolean known = FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(known_members); i++)
      known = known || strcmp(m->data, known_members[i]) == 0;
    if (!known)
      st = cli_value_error("%s: unknown member \"%s\" (tz, hours, holidays, special_hours, "
                           "breaks)",
                           path, (const char *)m->data);
  }
  g_list_free(members);
  JsonNode *tz_node = st == CRM_OK ? json_object_get_member(def, "tz") : NULL;
  const char *tz = tz_node != NULL && JSON_NODE_HOLDS_VALUE(tz_node) &&
                           json_node_get_value_type(tz_node) == G_TYPE_STRING
                       ? json_node_get_string(tz_node)
                       : NULL;
  if (st == CRM_OK && tz == NULL)
    st = cli_value_error("%s: \"tz\" (an IANA time zone, or \"24x7\") is required", path);
  if (st == CRM_OK)
    st = crm_calendar_new(&cal, tz);
  if (st == CRM_OK && strcmp(tz, "24x7") != 0) {
    st = add_keyed(cal, def, "hours", add_weekly);
    if (st == CRM_OK)
      st = add_holidays(cal, def);
    if (st == CRM_OK)
      st = add_keyed(cal, def, "special_hours", add_opening);
    if (st == CRM_OK)
      st = add_keyed(cal, def, "breaks", add_break);
  }
  g_object_unref(parser);
  if (st != CRM_OK) {
    crm_calendar_free(cal);
    return st;
  }
  *out = cal;
  return CRM_OK;
}

/* ---- show -------------------------------------------------------------------------------- */

/* A stored calendar as it stands at the tool's "now": open or not, the next
   opening, the business hours of the coming week. */
static int emit_calendar(cli_state *cli, crm_id id, int64_t version, const char *name)
{
  crm_calendar *cal = NULL;
  int64_t current = 0, week = 0;
  crm_time now = crm_now(cli->db), next_open = 0;
  crm_status st = crm_calendar_load_version(&cal, cli->db, id, version);
  if (st == CRM_OK)
    st = crm_calendar_version(&current, cli->db, id);
  if (st == CRM_OK)
    st = crm_calendar_add_business(&next_open, cal, now, 0);
  if (st == CRM_OK)
    st = crm_calendar_business_between(&week, cal, now, now + WEEK);
  if (st != CRM_OK) {
    crm_calendar_free(cal);
    return cli_fail(cli, st);
  }
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "id", "Calendar", id);
  if (name != NULL)
    cli_obj_str(o, "name", "Name", name);
  cli_obj_int(o, "version", "Version", version > 0 ? version : current);
  cli_obj_int(o, "current_version", NULL, current);
  cli_obj_str(o, "timezone", "Time zone", crm_calendar_timezone(cal));
  cli_obj_bool(o, "open_now", "Open now", crm_calendar_is_open(cal, now));
  cli_obj_time(o, "next_open", "Next business time", next_open);
  cli_obj_duration(o, "business_next_week", "Business time next 7 days", week);
  crm_calendar_free(cal);
  return cli_emit_obj(cli, o);
}

int cmd_calendar_show(cli_state *cli, int argc, char **argv)
{
  gint64 version = 0;
  GOptionEntry entries[] = {{"version", 'v', 0, G_OPTION_ARG_INT64, &version,
                             "This version (1: as first saved; default: the current one)", "N"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CALENDAR",
                       "Show a stored calendar: its time zone and version, whether it is open "
                       "now, the next business time and the business time of the coming week.",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_status st = cli_parse_id(&id, argv[1], "calendar");
  if (st == CRM_OK && version < 0)
    st = cli_value_error("version %" G_GINT64_FORMAT " is negative", version);
  return st == CRM_OK ? emit_calendar(cli, id, version, NULL) : cli_fail(cli, st);
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
  return st == CRM_OK ? emit_calendar(cli, id, 0, argv[1]) : cli_fail(cli, st);
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
  return st == CRM_OK ? emit_calendar(cli, id, 0, NULL) : cli_fail(cli, st);
}
