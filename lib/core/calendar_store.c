/*
 * Persisted calendars: a calendar is stored as its JSON definition (the
 * "calendar_format" of ../shared/sla/cases.json, with holiday names), one
 * row per version; loading rebuilds it through the public crm_calendar_*
 * calls, so a stored calendar obeys exactly the rules of crm/calendar.h.
 *
 *   {"tz": "Europe/Rome",
 *    "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ...},
 *    "holidays": [["2026-12-25", "Natale"], ["2026-12-26", null]],
 *    "special_hours": {"2026-12-24": [["09:00", "12:00"]]},
 *    "breaks": {"2026-03-04": [["10:00", "11:00"]]}}
 *
 * Ends past midnight are written past "24:00" ("30:00" is 06:00 the next
 * day). The definition of a crm_calendar object comes from calendar.c
 * (crm__calendar_to_json), which alone sees its fields.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sla_internal.h"

#define ALWAYS_OPEN "24x7"

static const char *const weekday_keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

void crm_sla_def_row_clear(crm_sla_def_row *row)
{
  if (row == NULL)
    return;
  free(row->name);
  free(row->definition);
  memset(row, 0, sizeof *row);
}

/* ------------------------------------------------------------------ */
/* definition -> calendar                                               */

/* "HH:MM" -> minutes (HH up to 48); -1 when malformed. */
static int parse_hhmm(const char *s)
{
  if (s == NULL || strlen(s) != 5 || s[2] != ':' || !g_ascii_isdigit(s[0]) ||
      !g_ascii_isdigit(s[1]) || !g_ascii_isdigit(s[3]) || !g_ascii_isdigit(s[4]))
    return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  return h > 48 || m > 59 ? -1 : h * 60 + m;
}

static crm_status bad_definition(const char *what)
{
  return crm__error(CRM_ERROR, "stored calendar definition is damaged (%s)", what);
}

/* A [["HH:MM", "HH:MM"], ...] array: each range through `add`. */
typedef crm_status (*range_fn)(crm_calendar *cal, const void *key, int start, int end);

static crm_status add_ranges(crm_calendar *cal, JsonNode *node, range_fn add, const void *key)
{
  if (!JSON_NODE_HOLDS_ARRAY(node))
    return bad_definition("ranges are not an array");
  JsonArray *ranges = json_node_get_array(node);
  for (guint i = 0; i < json_array_get_length(ranges); i++) {
    JsonNode *r = json_array_get_element(ranges, i);
    if (!JSON_NODE_HOLDS_ARRAY(r) || json_array_get_length(json_node_get_array(r)) != 2)
      return bad_definition("a range is not [start, end]");
    JsonArray *pair = json_node_get_array(r);
    int start = parse_hhmm(json_array_get_string_element(pair, 0));
    int end = parse_hhmm(json_array_get_string_element(pair, 1));
    if (start < 0 || end < 0)
      return bad_definition("a time is not HH:MM");
    CRM__TRY(add(cal, key, start, end));
  }
  return CRM_OK;
}

static crm_status add_weekly(crm_calendar *cal, const void *key, int start, int end)
{
  return crm_calendar_add_hours(cal, *(const int *)key, start, end);
}

static crm_status add_opening(crm_calendar *cal, const void *key, int start, int end)
{
  return crm_calendar_add_opening(cal, key, start, end);
}

static crm_status add_break(crm_calendar *cal, const void *key, int start, int end)
{
  return crm_calendar_add_break(cal, key, start, end);
}

static crm_status add_hours(crm_calendar *cal, JsonObject *def)
{
  if (!json_object_has_member(def, "hours"))
    return CRM_OK;
  JsonNode *node = json_object_get_member(def, "hours");
  if (!JSON_NODE_HOLDS_OBJECT(node))
    return bad_definition("hours is not an object");
  JsonObject *hours = json_node_get_object(node);
  for (int d = 0; d < 7; d++) {
    int weekday = d + 1;
    if (json_object_has_member(hours, weekday_keys[d]))
      CRM__TRY(
          add_ranges(cal, json_object_get_member(hours, weekday_keys[d]), add_weekly, &weekday));
  }
  return CRM_OK;
}

static crm_status add_dated(crm_calendar *cal, JsonObject *def, const char *member, range_fn add)
{
  if (!json_object_has_member(def, member))
    return CRM_OK;
  JsonNode *node = json_object_get_member(def, member);
  if (!JSON_NODE_HOLDS_OBJECT(node))
    return bad_definition("dated ranges are not an object");
  JsonObject *dates = json_node_get_object(node);
  GList *keys = json_object_get_members(dates);
  crm_status st = CRM_OK;
  for (GList *k = keys; k && st == CRM_OK; k = k->next)
    st = add_ranges(cal, json_object_get_member(dates, k->data), add, k->data);
  g_list_free(keys);
  return st;
}

/* Holidays: "YYYY-MM-DD" or ["YYYY-MM-DD", name-or-null]. */
static crm_status add_holidays(crm_calendar *cal, JsonObject *def)
{
  if (!json_object_has_member(def, "holidays"))
    return CRM_OK;
  JsonNode *node = json_object_get_member(def, "holidays");
  if (!JSON_NODE_HOLDS_ARRAY(node))
    return bad_definition("holidays is not an array");
  JsonArray *list = json_node_get_array(node);
  for (guint i = 0; i < json_array_get_length(list); i++) {
    JsonNode *h = json_array_get_element(list, i);
    const char *date = NULL, *name = NULL;
    if (JSON_NODE_HOLDS_VALUE(h) && json_node_get_value_type(h) == G_TYPE_STRING)
      date = json_node_get_string(h);
    else if (JSON_NODE_HOLDS_ARRAY(h) && json_array_get_length(json_node_get_array(h)) == 2) {
      JsonArray *pair = json_node_get_array(h);
      JsonNode *d = json_array_get_element(pair, 0), *n = json_array_get_element(pair, 1);
      date = JSON_NODE_HOLDS_VALUE(d) ? json_node_get_string(d) : NULL;
      name = JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : NULL;
    }
    if (date == NULL)
      return bad_definition("a holiday is not a date");
    CRM__TRY(crm_calendar_add_holiday(cal, date, name));
  }
  return CRM_OK;
}

static crm_status calendar_from_definition(crm_calendar **out, const char *text)
{
  *out = NULL;
  JsonParser *parser = json_parser_new();
  JsonObject *def = NULL;
  if (json_parser_load_from_data(parser, text, -1, NULL)) {
    JsonNode *root = json_parser_get_root(parser);
    def = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
  }
  crm_status st = CRM_OK;
  const char *tz =
      def && json_object_has_member(def, "tz") ? json_object_get_string_member(def, "tz") : NULL;
  if (tz == NULL)
    st = bad_definition("no time zone");
  crm_calendar *cal = NULL;
  if (st == CRM_OK)
    st = crm_calendar_new(&cal, tz);
  if (st == CRM_OK && strcmp(tz, ALWAYS_OPEN) != 0) {
    st = add_hours(cal, def);
    if (st == CRM_OK)
      st = add_holidays(cal, def);
    if (st == CRM_OK)
      st = add_dated(cal, def, "special_hours", add_opening);
    if (st == CRM_OK)
      st = add_dated(cal, def, "breaks", add_break);
  }
  g_object_unref(parser);
  if (st != CRM_OK) {
    crm_calendar_free(cal);
    return st;
  }
  *out = cal;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* calendar -> definition                                               */

/* The definition text of a calendar (g_free), or NULL when this build
   cannot describe it. */
static char *calendar_definition(const crm_calendar *cal)
{
  JsonObject *def = crm__calendar_to_json(cal);
  if (def == NULL)
    return NULL;
  JsonNode *root = json_node_init_object(json_node_alloc(), def);
  json_object_unref(def);
  char *text = json_to_string(root, FALSE);
  json_node_unref(root);
  return text;
}

/* A calendar that can be stored: it has business hours somewhere. */
static crm_status check_storable(char **definition, const crm_calendar *cal)
{
  *definition = NULL;
  crm_time probe = 0;
  if (crm_calendar_add_business(&probe, cal, 1767225600 /* 2026-01-01 */, 0) != CRM_OK)
    return crm__error(CRM_EINVALID, "calendar (%s) has no business hours: it cannot time an SLA",
                      crm_calendar_timezone(cal));
  *definition = calendar_definition(cal);
  if (*definition == NULL)
    return crm__error(CRM_ENOTSUPPORTED,
                      "this build cannot describe a calendar for storage (calendar.c lacks "
                      "crm__calendar_to_json)");
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the public calls                                                     */

static crm_status calendar_not_found(crm_id id, int64_t version)
{
  if (version > 0)
    return crm__error(CRM_ENOTFOUND, "calendar %lld has no version %lld", (long long)id,
                      (long long)version);
  return crm__error(CRM_ENOTFOUND, "calendar %lld does not exist", (long long)id);
}

static crm_status def_get(crm_sla_def_row *out, crm_db *db, crm_id id, int64_t version)
{
  crm_status st = CRM__OPS(db)->sla_def_get(CRM__B(db), CRM_SLA_DEF_CALENDAR, id, version, out);
  if (st == CRM_ENOTFOUND)
    return calendar_not_found(id, version);
  return st;
}

static crm_status emit_saved(crm_db *db, const crm_sla_def_row *row)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "calendar", row->id);
  crm__json_set_str(o, "name", row->name);
  json_object_set_int_member(o, "version", row->version);
  return crm__event_emit(db, "calendar.saved", "calendar", row->id, o);
}

static crm_status save_locked(crm_sla_def_row *row, crm_db *db)
{
  CRM__TRY(CRM__OPS(db)->sla_def_insert(CRM__B(db), CRM_SLA_DEF_CALENDAR, row));
  return emit_saved(db, row);
}

crm_status crm_calendar_save(crm_id *out, crm_db *db, const char *name, const crm_calendar *cal)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(name, "name", 1)) != CRM_OK ||
      (st = crm__check_ptr(cal, "cal")) != CRM_OK)
    return st;
  char *definition = NULL;
  if ((st = check_storable(&definition, cal)) != CRM_OK)
    return st;
  crm_sla_def_row row = {0, 1, 0, (char *)name, definition, crm_now(db)};
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "save a calendar");
  if (st == CRM_OK)
    st = save_locked(&row, db);
  st = crm__write_end(db, st);
  g_free(definition);
  if (st == CRM_OK)
    *out = row.id;
  return st;
}

static crm_status update_locked(crm_db *db, crm_id id, char *definition)
{
  crm_sla_def_row cur = {0};
  CRM__TRY(def_get(&cur, db, id, 0));
  crm_sla_def_row row = {id, cur.version + 1, 0, cur.name, definition, crm_now(db)};
  crm_status st = CRM__OPS(db)->sla_def_update(CRM__B(db), CRM_SLA_DEF_CALENDAR, &row, cur.version);
  if (st == CRM_OK)
    st = emit_saved(db, &row);
  crm_sla_def_row_clear(&cur);
  if (st == CRM_OK)
    st = crm__sla_recompute_calendar(db, id);
  return st;
}

crm_status crm_calendar_update(crm_db *db, crm_id id, const crm_calendar *cal)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK ||
      (st = crm__check_ptr(cal, "cal")) != CRM_OK)
    return st;
  char *definition = NULL;
  if ((st = check_storable(&definition, cal)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change a calendar");
  if (st == CRM_OK)
    st = update_locked(db, id, definition);
  st = crm__write_end(db, st);
  g_free(definition);
  return st;
}

crm_status crm__sla_calendar_get(crm_calendar **out, int64_t *version, crm_db *db, crm_id id,
                                 int64_t want_version)
{
  *out = NULL;
  if (version)
    *version = 0;
  if (id == 0)
    return crm_calendar_new(out, ALWAYS_OPEN);
  crm_sla_def_row row = {0};
  CRM__TRY(def_get(&row, db, id, want_version));
  crm_status st = calendar_from_definition(out, row.definition);
  if (st == CRM_OK && version)
    *version = row.version;
  crm_sla_def_row_clear(&row);
  return st;
}

crm_status crm_calendar_load_version(crm_calendar **out, crm_db *db, crm_id id, int64_t version)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK)
    return st;
  if (version < 0)
    return crm__error(CRM_EINVALID, "version %lld must not be negative (0: the current one)",
                      (long long)version);
  return crm__sla_calendar_get(out, NULL, db, id, version);
}

crm_status crm_calendar_load(crm_calendar **out, crm_db *db, crm_id id)
{
  return crm_calendar_load_version(out, db, id, 0);
}

crm_status crm_calendar_version(int64_t *out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK)
    return st;
  crm_sla_def_row row = {0};
  st = def_get(&row, db, id, 0);
  if (st == CRM_OK)
    *out = row.version;
  crm_sla_def_row_clear(&row);
  return st;
}
