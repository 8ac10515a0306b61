/*
 * Calendar definitions as JSON (crm/calendar.h): the one parser of the
 * "calendar_format" of ../shared/sla/cases.json in libcrm, used by
 * crm_calendar_from_json, by stored calendars (calendar_store.c) and by the
 * crm tool. A definition is replayed through the public crm_calendar_*
 * calls, so a parsed calendar obeys exactly the rules of crm/calendar.h.
 * The writer is crm__calendar_to_json (calendar.c), which alone sees a
 * calendar's fields.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "internal.h"

#define ALWAYS_OPEN "24x7"

static const char *const weekday_keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const known_members[] = {"tz", "hours", "holidays", "special_hours", "breaks"};

/* A printable, double-quoted copy of a member name or value (g_free). */
static char *dquote(const char *s)
{
  char *q = crm__quote(s); /* 'text' */
  q[0] = '"';
  q[strlen(q) - 1] = '"';
  return q;
}

/* "HH:MM" -> minutes (HH 00..48, MM 00..59); -1 when it is not one. */
static int parse_hhmm(JsonNode *node)
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

/* A short JSON rendering of a bad value for messages (g_free). */
static char *node_text(JsonNode *node)
{
  if (node == NULL)
    return g_strdup("nothing");
  char *text = json_to_string(node, FALSE);
  char *q = crm__quote(text); /* cut to 60 bytes, printable */
  g_free(text);
  size_t len = strlen(q);
  memmove(q, q + 1, len - 2); /* drop crm__quote's quotes */
  q[len - 2] = '\0';
  return q;
}

/* ------------------------------------------------------------------ */
/* ranges                                                               */

/* One range of a weekday ("mon") or a date ("2025-12-24"). */
typedef crm_status (*range_fn)(crm_calendar *cal, const char *key, int start, int end);

static crm_status add_weekly(crm_calendar *cal, const char *key, int start, int end)
{
  for (int d = 0; d < 7; d++)
    if (strcmp(key, weekday_keys[d]) == 0)
      return crm_calendar_add_hours(cal, d + 1, start, end);
  return CRM_EINVALID; /* checked before: not reached */
}

static crm_status add_opening(crm_calendar *cal, const char *key, int start, int end)
{
  return crm_calendar_add_opening(cal, key, start, end);
}

static crm_status add_break(crm_calendar *cal, const char *key, int start, int end)
{
  return crm_calendar_add_break(cal, key, start, end);
}

/* [["HH:MM", "HH:MM"], ...] of member."key": each range through `add`. An
   end not after its start runs into the next day. */
static crm_status add_ranges(crm_calendar *cal, const char *member, const char *key, JsonNode *node,
                             range_fn add)
{
  char *where = dquote(key);
  crm_status st = CRM_OK;
  JsonArray *ranges = JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
  if (ranges == NULL) {
    char *got = node_text(node);
    st = crm__error(CRM_EINVALID,
                    "calendar JSON \"%s\".%s is %s, not a list of [\"HH:MM\", \"HH:MM\"] ranges",
                    member, where, got);
    g_free(got);
  }
  for (guint i = 0; ranges != NULL && i < json_array_get_length(ranges) && st == CRM_OK; i++) {
    JsonNode *r = json_array_get_element(ranges, i);
    JsonArray *pair = JSON_NODE_HOLDS_ARRAY(r) ? json_node_get_array(r) : NULL;
    int start = -1, end = -1;
    if (pair != NULL && json_array_get_length(pair) == 2) {
      start = parse_hhmm(json_array_get_element(pair, 0));
      end = parse_hhmm(json_array_get_element(pair, 1));
    }
    char *got = node_text(r);
    if (start < 0 || end < 0) {
      st = crm__error(CRM_EINVALID,
                      "calendar JSON \"%s\".%s range %u is %s, not [\"HH:MM\", \"HH:MM\"] "
                      "(hours 00..48)",
                      member, where, i + 1, got);
    } else {
      if (end <= start && start < 1440)
        end += 1440; /* ["22:00", "06:00"]: overnight */
      if (add(cal, key, start, end) != CRM_OK)
        st = crm__error(CRM_EINVALID, "calendar JSON \"%s\".%s range %u %s: %s", member, where,
                        i + 1, got, crm_error_last()->message);
    }
    g_free(got);
  }
  g_free(where);
  return st;
}

/* The object member `member` ({key: ranges}), or NULL (absent, or an error
   recorded in *st). */
static JsonObject *keyed_member(crm_status *st, JsonObject *def, const char *member,
                                const char *keys_are)
{
  JsonNode *node = json_object_get_member(def, member);
  if (node == NULL || JSON_NODE_HOLDS_OBJECT(node))
    return node != NULL ? json_node_get_object(node) : NULL;
  char *got = node_text(node);
  *st = crm__error(CRM_EINVALID, "calendar JSON \"%s\" is %s, not an object of ranges by %s",
                   member, got, keys_are);
  g_free(got);
  return NULL;
}

static crm_status add_hours(crm_calendar *cal, JsonObject *def)
{
  crm_status st = CRM_OK;
  JsonObject *hours = keyed_member(&st, def, "hours", "weekday");
  GList *keys = hours != NULL ? json_object_get_members(hours) : NULL;
  for (GList *k = keys; k != NULL && st == CRM_OK; k = k->next) {
    gboolean known = FALSE;
    for (int d = 0; d < 7; d++)
      known = known || strcmp(k->data, weekday_keys[d]) == 0;
    if (known) {
      st = add_ranges(cal, "hours", k->data, json_object_get_member(hours, k->data), add_weekly);
    } else {
      char *q = dquote(k->data);
      st = crm__error(CRM_EINVALID,
                      "calendar JSON \"hours\" has an unknown weekday %s (mon, tue, wed, thu, fri, "
                      "sat, sun)",
                      q);
      g_free(q);
    }
  }
  g_list_free(keys);
  return st;
}

/* "special_hours" and "breaks": ranges by date; special hours of [] close
   the date. */
static crm_status add_dated(crm_calendar *cal, JsonObject *def, const char *member, range_fn add)
{
  crm_status st = CRM_OK;
  JsonObject *dates = keyed_member(&st, def, member, "date");
  GList *keys = dates != NULL ? json_object_get_members(dates) : NULL;
  for (GList *k = keys; k != NULL && st == CRM_OK; k = k->next) {
    JsonNode *ranges = json_object_get_member(dates, k->data);
    if (add == add_opening && JSON_NODE_HOLDS_ARRAY(ranges) &&
        json_array_get_length(json_node_get_array(ranges)) == 0) {
      if (crm_calendar_add_holiday(cal, k->data, NULL) != CRM_OK) {
        char *q = dquote(k->data);
        st = crm__error(CRM_EINVALID, "calendar JSON \"%s\".%s: %s", member, q,
                        crm_error_last()->message);
        g_free(q);
      }
    } else {
      st = add_ranges(cal, member, k->data, ranges, add);
    }
  }
  g_list_free(keys);
  return st;
}

/* "holidays": ["YYYY-MM-DD" or ["YYYY-MM-DD", name or null], ...]. */
static crm_status add_holidays(crm_calendar *cal, JsonObject *def)
{
  JsonNode *node = json_object_get_member(def, "holidays");
  if (node == NULL)
    return CRM_OK;
  crm_status st = CRM_OK;
  JsonArray *list = JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
  if (list == NULL) {
    char *got = node_text(node);
    st = crm__error(CRM_EINVALID, "calendar JSON \"holidays\" is %s, not a list of dates", got);
    g_free(got);
  }
  for (guint i = 0; list != NULL && i < json_array_get_length(list) && st == CRM_OK; i++) {
    JsonNode *h = json_array_get_element(list, i);
    JsonArray *pair = JSON_NODE_HOLDS_ARRAY(h) ? json_node_get_array(h) : NULL;
    JsonNode *date = h, *name = NULL;
    if (pair != NULL && json_array_get_length(pair) == 2) {
      date = json_array_get_element(pair, 0);
      name = json_array_get_element(pair, 1);
    }
    gboolean date_ok =
        JSON_NODE_HOLDS_VALUE(date) && json_node_get_value_type(date) == G_TYPE_STRING;
    gboolean name_ok =
        name == NULL || JSON_NODE_HOLDS_NULL(name) ||
        (JSON_NODE_HOLDS_VALUE(name) && json_node_get_value_type(name) == G_TYPE_STRING);
    char *got = node_text(h);
    if (!date_ok || !name_ok)
      st = crm__error(CRM_EINVALID,
                      "calendar JSON \"holidays\" item %u is %s, neither \"YYYY-MM-DD\" nor "
                      "[\"YYYY-MM-DD\", name or null]",
                      i + 1, got);
    else if (crm_calendar_add_holiday(cal, json_node_get_string(date),
                                      name != NULL && !JSON_NODE_HOLDS_NULL(name)
                                          ? json_node_get_string(name)
                                          : NULL) != CRM_OK)
      st = crm__error(CRM_EINVALID, "calendar JSON \"holidays\" item %u %s: %s", i + 1, got,
                      crm_error_last()->message);
    g_free(got);
  }
  return st;
}

/* ------------------------------------------------------------------ */
/* the definition                                                       */

static crm_status check_members(JsonObject *def)
{
  GList *members = json_object_get_members(def);
  crm_status st = CRM_OK;
  for (GList *m = members; m != NULL && st == CRM_OK; m = m->next) {
    const char *name = m->data;
    gboolean known = name[0] == '_'; /* a comment ("_from") */
    for (size_t i = 0; i < G_N_ELEMENTS(known_members); i++)
      known = known || strcmp(name, known_members[i]) == 0;
    if (!known) {
      char *q = dquote(name);
      st = crm__error(CRM_EINVALID,
                      "calendar JSON has an unknown member %s (tz, hours, holidays, "
                      "special_hours, breaks; members starting with \"_\" are comments)",
                      q);
      g_free(q);
    }
  }
  g_list_free(members);
  return st;
}

static crm_status new_calendar(crm_calendar **out, JsonObject *def)
{
  JsonNode *tz = json_object_get_member(def, "tz");
  if (tz == NULL)
    return crm__error(CRM_EINVALID,
                      "calendar JSON needs \"tz\": an IANA time zone such as \"Europe/Rome\", or "
                      "\"24x7\"");
  if (!JSON_NODE_HOLDS_VALUE(tz) || json_node_get_value_type(tz) != G_TYPE_STRING) {
    char *got = node_text(tz);
    crm_status st = crm__error(CRM_EINVALID,
                               "calendar JSON \"tz\" is %s, not a string (an IANA time zone "
                               "such as \"Europe/Rome\", or \"24x7\")",
                               got);
    g_free(got);
    return st;
  }
  if (crm_calendar_new(out, json_node_get_string(tz)) != CRM_OK)
    return crm__error(CRM_EINVALID, "calendar JSON \"tz\": %s", crm_error_last()->message);
  return CRM_OK;
}

/* The calendar a definition object describes. Special hours come before
   holidays so that a named holiday keeps its name when special_hours also
   closes its date. */
static crm_status build(crm_calendar **out, JsonObject *def)
{
  crm_status st = check_members(def);
  crm_calendar *cal = NULL;
  if (st == CRM_OK)
    st = new_calendar(&cal, def);
  if (st == CRM_OK)
    st = add_hours(cal, def);
  if (st == CRM_OK)
    st = add_dated(cal, def, "special_hours", add_opening);
  if (st == CRM_OK)
    st = add_holidays(cal, def);
  if (st == CRM_OK)
    st = add_dated(cal, def, "breaks", add_break);
  if (st != CRM_OK) {
    crm_calendar_free(cal);
    return st;
  }
  *out = cal;
  return CRM_OK;
}

crm_status crm_calendar_from_json(crm_calendar **out, const char *json)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__check_text(json, "calendar JSON", 1)) != CRM_OK)
    return st;
  JsonParser *parser = json_parser_new();
  GError *error = NULL;
  if (!json_parser_load_from_data(parser, json, -1, &error)) {
    st = crm__error(CRM_EINVALID, "calendar JSON is not valid JSON: %s", error->message);
    g_error_free(error);
  } else {
    JsonNode *root = json_parser_get_root(parser);
    if (root != NULL && JSON_NODE_HOLDS_OBJECT(root))
      st = build(out, json_node_get_object(root));
    else {
      char *got = node_text(root);
      st = crm__error(CRM_EINVALID, "calendar JSON is %s, not an object", got);
      g_free(got);
    }
  }
  g_object_unref(parser);
  return st;
}

crm_status crm_calendar_to_json(crm_buf *out, const crm_calendar *cal)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__check_ptr(cal, "calendar")) != CRM_OK)
    return st;
  JsonObject *def = crm__calendar_to_json(cal);
  JsonNode *root = json_node_init_object(json_node_alloc(), def);
  json_object_unref(def);
  char *text = json_to_string(root, FALSE);
  json_node_unref(root);
  st = crm__buf_set_str(out, text);
  g_free(text);
  return st;
}
