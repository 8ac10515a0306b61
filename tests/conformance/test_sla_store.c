/*
 * Stored SLA definitions read back: a stored calendar's name and JSON
 * definition (crm_calendar_name, crm_calendar_load + crm_calendar_to_json),
 * a policy's definition (crm_sla_policy_to_json), every version of them,
 * a damaged stored calendar, and the errors.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define HOUR 3600

/* Every kind of member, non-ASCII names, an overnight shift. */
static const char office_json[] =
    "{\"tz\": \"Europe/Rome\", \"_from\": \"a comment\","
    " \"hours\": {\"mon\": [[\"09:00\", \"13:00\"], [\"14:00\", \"18:00\"]],"
    "  \"tue\": [[\"09:00\", \"18:00\"]], \"sat\": [[\"22:00\", \"06:00\"]]},"
    " \"holidays\": [\"2026-12-26\", [\"2026-12-25\", \"Natale \xe2\x98\x83\"]],"
    " \"special_hours\": {\"2026-12-24\": [[\"09:00\", \"12:00\"]], \"2026-12-31\": []},"
    " \"breaks\": {\"2026-03-03\": [[\"10:00\", \"11:00\"]]}}";

static crm_calendar *parse(const char *json)
{
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_from_json(&cal, json));
  return cal;
}

/* The JSON definition of a calendar (g_free). */
static char *definition(const crm_calendar *cal)
{
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_calendar_to_json(&buf, cal));
  char *text = g_strdup(buf.ptr);
  crm_buf_dispose(&buf);
  return text;
}

/* The definition of stored calendar `id` at `version` (0: current). */
static char *stored_definition(crm_db *db, crm_id id, int64_t version)
{
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_load_version(&cal, db, id, version));
  char *text = definition(cal);
  crm_calendar_free(cal);
  return text;
}

static char *stored_name(crm_db *db, crm_id id)
{
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_calendar_name(&buf, db, id));
  assert_int_equal(strlen(buf.ptr), buf.size);
  char *text = g_strdup(buf.ptr);
  crm_buf_dispose(&buf);
  return text;
}

static void calendar_name_and_definition(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *office = parse(office_json);
  char *want = definition(office);
  crm_id id = 0;
  assert_crm_ok(crm_calendar_save(&id, t->db, "Ufficio di Roma \xe2\x80\x93 sede", office));
  char *name = stored_name(t->db, id), *got = stored_definition(t->db, id, 0);
  assert_string_equal(name, "Ufficio di Roma \xe2\x80\x93 sede");
  assert_string_equal(got, want); /* the definition survives storage unchanged */
  assert_non_null(strstr(got, "[\"2026-12-25\",\"Natale \xe2\x98\x83\"]"));
  assert_non_null(strstr(got, "[\"22:00\",\"30:00\"]"));
  g_free(name);
  g_free(got);

  /* an update keeps the name; version 1 keeps the first definition */
  crm_calendar *shorter = parse("{\"tz\": \"Europe/Rome\", \"hours\": {\"mon\": [[\"09:00\", "
                                "\"10:00\"]]}}");
  assert_crm_ok(crm_calendar_update(t->db, id, shorter));
  name = stored_name(t->db, id);
  assert_string_equal(name, "Ufficio di Roma \xe2\x80\x93 sede");
  char *first = stored_definition(t->db, id, 1), *current = stored_definition(t->db, id, 0);
  char *shorter_text = definition(shorter);
  assert_string_equal(first, want);
  assert_string_equal(current, shorter_text);
  int64_t version = 0;
  assert_crm_ok(crm_calendar_version(&version, t->db, id));
  assert_int_equal(version, 2);

  /* a second calendar has its own name */
  crm_id other = 0;
  assert_crm_ok(crm_calendar_save(&other, t->db, "Night", shorter));
  g_free(name);
  name = stored_name(t->db, other);
  assert_string_equal(name, "Night");

  g_free(name);
  g_free(first);
  g_free(current);
  g_free(shorter_text);
  g_free(want);
  crm_calendar_free(shorter);
  crm_calendar_free(office);
}

static void calendar_name_errors(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *office = parse(office_json);
  crm_id id = 0;
  assert_crm_ok(crm_calendar_save(&id, t->db, "Office", office));
  crm_sla_policy_spec spec = CRM_SLA_POLICY_SPEC_INIT;
  spec.name = "p";
  crm_id policy = 0;
  assert_crm_ok(crm_sla_policy_create(&policy, t->db, &spec));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_error(crm_calendar_name(&buf, t->db, id + 100), CRM_ENOTFOUND, "does not exist");
  assert_null(buf.ptr);
  assert_crm_error(crm_calendar_name(&buf, t->db, 0), CRM_EINVALID, "calendar id 0");
  assert_crm_error(crm_calendar_name(&buf, t->db, -3), CRM_EINVALID, "-3");
  assert_crm_error(crm_calendar_name(&buf, NULL, id), CRM_EINVALID, "db");
  assert_crm_error(crm_calendar_name(NULL, t->db, id), CRM_EINVALID, "out");
  assert_int_equal(buf.size, 0);
  /* a policy id is not a calendar id */
  assert_crm_error(crm_calendar_name(&buf, t->db, policy), CRM_ENOTFOUND, "calendar");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  crm_calendar_free(office);
}

/* A stored definition the parser refuses is damage (CRM_ERROR), named. */
static void damaged_stored_calendar(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *office = parse(office_json);
  crm_id id = 0;
  assert_crm_ok(crm_calendar_save(&id, t->db, "Office", office));
  crm_test_exec(t, "UPDATE sla_defs SET definition = '{\"tz\": 5}' WHERE kind = 1");
  crm_test_exec(t, "UPDATE sla_def_versions SET definition = '{\"tz\": 5}'");
  crm_calendar *cal = NULL;
  assert_crm_error(crm_calendar_load(&cal, t->db, id), CRM_ERROR, "is damaged");
  assert_null(cal);
  assert_crm_error(crm_calendar_load(&cal, t->db, id), CRM_ERROR, "\"tz\" is 5");
  /* the name is still readable */
  char *name = stored_name(t->db, id);
  assert_string_equal(name, "Office");
  g_free(name);
  crm_calendar_free(office);
}

/* ------------------------------------------------------------------ */
/* policies                                                             */

/* Policy `id` at `version` as a parsed object (unref the node). */
static JsonObject *policy_json(JsonNode **node, crm_db *db, crm_id id, int64_t version)
{
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_sla_policy_to_json(&buf, db, id, version));
  assert_int_equal(strlen(buf.ptr), buf.size);
  GError *error = NULL;
  *node = json_from_string(buf.ptr, &error);
  if (*node == NULL)
    fail_msg("crm_sla_policy_to_json gave malformed JSON: %s", error->message);
  crm_buf_dispose(&buf);
  assert_true(JSON_NODE_HOLDS_OBJECT(*node));
  return json_node_get_object(*node);
}

/* The names of an array member, joined by ",". */
static char *names(JsonObject *o, const char *member)
{
  JsonArray *a = json_object_get_array_member(o, member);
  assert_non_null(a);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < json_array_get_length(a); i++)
    g_string_append_printf(s, "%s%s", i ? "," : "", json_array_get_string_element(a, i));
  return g_string_free(s, FALSE);
}

static void assert_names(JsonObject *o, const char *member, const char *want)
{
  char *got = names(o, member);
  assert_string_equal(got, want);
  g_free(got);
}

static void policy_definition_and_versions(void **state)
{
  crm_test_db *t = *state;
  crm_calendar *office = parse(office_json);
  crm_id cal = 0, queue = 0, p = 0;
  assert_crm_ok(crm_calendar_save(&cal, t->db, "Office", office));
  assert_crm_ok(crm_queue_create(&queue, t->db, "Billing"));
  crm_sla_policy_spec spec = CRM_SLA_POLICY_SPEC_INIT;
  spec.name = "Gold \xe2\x98\x85";
  spec.order = -5;
  spec.calendar = cal;
  spec.queue = queue;
  spec.segment = "gold";
  spec.priorities = (1u << CRM_PRIORITY_URGENT) | (1u << CRM_PRIORITY_HIGH);
  spec.kinds = 1u << CRM_CASE_REQUEST;
  spec.channels = (1u << CRM_CHANNEL_PHONE) | (1u << CRM_CHANNEL_EMAIL);
  spec.pause_statuses = (1u << CRM_CASE_PENDING_CUSTOMER) | (1u << CRM_CASE_PENDING_THIRD_PARTY);
  spec.targets[CRM_SLA_FIRST_RESPONSE] = 4 * HOUR;
  spec.targets[CRM_SLA_RESOLUTION] = 52 * HOUR;
  spec.warn_percent = 80;
  assert_crm_ok(crm_sla_policy_create(&p, t->db, &spec));

  JsonNode *node = NULL;
  JsonObject *o = policy_json(&node, t->db, p, 0);
  assert_int_equal(json_object_get_int_member(o, "id"), p);
  assert_int_equal(json_object_get_int_member(o, "version"), 1);
  assert_string_equal(json_object_get_string_member(o, "name"), "Gold \xe2\x98\x85");
  assert_int_equal(json_object_get_int_member(o, "order"), -5);
  assert_int_equal(json_object_get_int_member(o, "calendar"), cal);
  assert_int_equal(json_object_get_int_member(o, "queue"), queue);
  assert_string_equal(json_object_get_string_member(o, "segment"), "gold");
  assert_names(o, "priorities", "high,urgent");
  assert_names(o, "kinds", "request");
  assert_names(o, "channels", "email,phone");
  assert_names(o, "pause_statuses", "pending_customer,pending_third_party");
  JsonObject *targets = json_object_get_object_member(o, "targets");
  assert_int_equal(json_object_get_size(targets), 2);
  assert_int_equal(json_object_get_int_member(targets, "first_response"), 4 * HOUR);
  assert_int_equal(json_object_get_int_member(targets, "resolution"), 52 * HOUR);
  assert_int_equal(json_object_get_int_member(o, "warn_percent"), 80);
  assert_int_equal(json_object_get_size(o), 13);
  json_node_unref(node);

  /* version 2: everything cleared */
  crm_sla_policy_spec plain = CRM_SLA_POLICY_SPEC_INIT;
  plain.name = "Plain";
  plain.targets[CRM_SLA_PERIODIC_UPDATE] = 1800;
  assert_crm_ok(crm_sla_policy_update(t->db, p, &plain));
  o = policy_json(&node, t->db, p, 0);
  assert_int_equal(json_object_get_int_member(o, "version"), 2);
  assert_string_equal(json_object_get_string_member(o, "name"), "Plain");
  assert_int_equal(json_object_get_int_member(o, "order"), 0);
  assert_true(json_object_get_null_member(o, "calendar"));
  assert_true(json_object_get_null_member(o, "queue"));
  assert_true(json_object_get_null_member(o, "segment"));
  assert_names(o, "priorities", "");
  assert_names(o, "kinds", "");
  assert_names(o, "channels", "");
  assert_names(o, "pause_statuses", "");
  targets = json_object_get_object_member(o, "targets");
  assert_int_equal(json_object_get_size(targets), 1);
  assert_int_equal(json_object_get_int_member(targets, "periodic_update"), 1800);
  assert_int_equal(json_object_get_int_member(o, "warn_percent"), 0);
  json_node_unref(node);

  /* version 1 is kept as it was */
  o = policy_json(&node, t->db, p, 1);
  assert_int_equal(json_object_get_int_member(o, "version"), 1);
  assert_string_equal(json_object_get_string_member(o, "name"), "Gold \xe2\x98\x85");
  assert_names(o, "priorities", "high,urgent");
  json_node_unref(node);
  o = policy_json(&node, t->db, p, 2);
  assert_string_equal(json_object_get_string_member(o, "name"), "Plain");
  json_node_unref(node);
  crm_calendar_free(office);
}

static void policy_to_json_errors(void **state)
{
  crm_test_db *t = *state;
  crm_sla_policy_spec spec = CRM_SLA_POLICY_SPEC_INIT;
  spec.name = "p";
  crm_id p = 0;
  assert_crm_ok(crm_sla_policy_create(&p, t->db, &spec));
  crm_calendar *office = parse(office_json);
  crm_id cal = 0;
  assert_crm_ok(crm_calendar_save(&cal, t->db, "Office", office));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_error(crm_sla_policy_to_json(&buf, t->db, p, 2), CRM_ENOTFOUND, "no version 2");
  assert_null(buf.ptr);
  assert_crm_error(crm_sla_policy_to_json(&buf, t->db, p + 100, 0), CRM_ENOTFOUND,
                   "does not exist");
  assert_crm_error(crm_sla_policy_to_json(&buf, t->db, p + 100, 1), CRM_ENOTFOUND,
                   "does not exist");
  assert_crm_error(crm_sla_policy_to_json(&buf, t->db, p, -1), CRM_EINVALID, "-1");
  assert_crm_error(crm_sla_policy_to_json(&buf, t->db, 0, 0), CRM_EINVALID, "policy id 0");
  assert_crm_error(crm_sla_policy_to_json(&buf, NULL, p, 0), CRM_EINVALID, "db");
  assert_crm_error(crm_sla_policy_to_json(NULL, t->db, p, 0), CRM_EINVALID, "out");
  assert_null(buf.ptr);
  /* a calendar id is not a policy id */
  assert_crm_error(crm_sla_policy_to_json(&buf, t->db, cal, 0), CRM_ENOTFOUND, "policy");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  crm_calendar_free(office);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(calendar_name_and_definition),   T(calendar_name_errors),  T(damaged_stored_calendar),
      T(policy_definition_and_versions), T(policy_to_json_errors),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
