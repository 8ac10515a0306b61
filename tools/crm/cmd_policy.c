/*
 * crm policy define|update|show: SLA policies (crm/sla.h), defined in a
 * small JSON file (crm.1, POLICY FILES):
 *
 *   {"order": 10, "calendar": 1, "priorities": ["high", "urgent"],
 *    "kinds": ["request"], "channels": [], "queue": 2, "segment": "gold",
 *    "targets": {"first_response": "4h", "resolution": "3d"},
 *    "warn_percent": 80, "pause_statuses": ["pending_customer"]}
 *
 * A policy is "assigned" by what it matches: the first policy (by order)
 * whose lists all match a case (an empty or missing list matches any)
 * gives the case its targets.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stddef.h>
#include <string.h>

typedef crm_status (*enum_parser)(int *out, const char *text);

/* One parser per enum the masks hold; each wraps a typed cli_parse_*. */
#define MASK_PARSER(fn, type, parser)              \
  static crm_status fn(int *out, const char *text) \
  {                                                \
    type value = 0;                                \
    crm_status st = parser(&value, text);          \
    *out = (int)value;                             \
    return st;                                     \
  }
MASK_PARSER(priority_of, crm_priority_t, cli_parse_priority)
MASK_PARSER(kind_of, crm_case_kind_t, cli_parse_case_kind)
MASK_PARSER(channel_of, crm_channel_t, cli_parse_channel)
MASK_PARSER(status_of, crm_case_status_t, cli_parse_case_status)

typedef const char *(*enum_namer)(int value);
static const char *priority_name(int v)
{
  return crm_priority_name((crm_priority_t)v);
}
static const char *kind_name(int v)
{
  return crm_case_kind_name((crm_case_kind_t)v);
}
static const char *channel_name(int v)
{
  return crm_channel_name((crm_channel_t)v);
}
static const char *status_name(int v)
{
  return crm_case_status_name((crm_case_status_t)v);
}

static const struct {
  const char *member;
  size_t offset; /* of the uint32_t mask in crm_sla_policy_spec */
  enum_parser parse;
  enum_namer name;
} masks[] = {
    {"priorities", offsetof(crm_sla_policy_spec, priorities), priority_of, priority_name},
    {"kinds", offsetof(crm_sla_policy_spec, kinds), kind_of, kind_name},
    {"channels", offsetof(crm_sla_policy_spec, channels), channel_of, channel_name},
    {"pause_statuses", offsetof(crm_sla_policy_spec, pause_statuses), status_of, status_name},
};

static const char *const other_members[] = {"order",   "calendar", "queue",
                                            "segment", "targets",  "warn_percent"};

static uint32_t *mask_at(crm_sla_policy_spec *spec, size_t i)
{
  return (uint32_t *)((char *)spec + masks[i].offset);
}

/* A JSON string, or NULL when `node` is not one. */
static const char *string_of(JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
                 json_node_get_value_type(node) == G_TYPE_STRING
             ? json_node_get_string(node)
             : NULL;
}

/* An integer member (absent: `*out` unchanged). */
static crm_status int_member(int64_t *out, JsonObject *def, const char *member)
{
  JsonNode *node = json_object_get_member(def, member);
  if (node == NULL)
    return CRM_OK;
  if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
    return cli_value_error("\"%s\" is not a whole number", member);
  *out = json_node_get_int(node);
  return CRM_OK;
}

static crm_status mask_member(uint32_t *mask, JsonObject *def, size_t i)
{
  JsonNode *node = json_object_get_member(def, masks[i].member);
  if (node == NULL)
    return CRM_OK;
  JsonArray *names = JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
  if (names == NULL)
    return cli_value_error("\"%s\" is not a list of names", masks[i].member);
  for (guint n = 0; n < json_array_get_length(names); n++) {
    int value = 0;
    const char *name = string_of(json_array_get_element(names, n));
    crm_status st =
        name != NULL ? masks[i].parse(&value, name)
                     : cli_value_error("\"%s\" holds a value that is not a name", masks[i].member);
    if (st != CRM_OK)
      return st;
    *mask |= 1u << value;
  }
  return CRM_OK;
}

/* "targets": {"first_response": "4h" or seconds, ...}. */
static crm_status targets_member(crm_sla_policy_spec *spec, JsonObject *def)
{
  JsonNode *node = json_object_get_member(def, "targets");
  if (node == NULL)
    return CRM_OK;
  if (!JSON_NODE_HOLDS_OBJECT(node))
    return cli_value_error("\"targets\" is not an object");
  JsonObject *targets = json_node_get_object(node);
  GList *keys = json_object_get_members(targets);
  crm_status st = CRM_OK;
  for (GList *k = keys; k != NULL && st == CRM_OK; k = k->next) {
    crm_sla_metric_t metric = 0;
    JsonNode *value = json_object_get_member(targets, k->data);
    st = cli_parse_sla_metric(&metric, k->data);
    if (st == CRM_OK && JSON_NODE_HOLDS_VALUE(value) &&
        json_node_get_value_type(value) == G_TYPE_INT64)
      spec->targets[metric] = json_node_get_int(value);
    else if (st == CRM_OK && string_of(value) != NULL)
      st = cli_parse_duration(&spec->targets[metric], string_of(value));
    else if (st == CRM_OK)
      st = cli_value_error("target \"%s\" is neither seconds nor a duration such as \"4h\"",
                           (const char *)k->data);
  }
  g_list_free(keys);
  return st;
}

static crm_status check_members(JsonObject *def, const char *path)
{
  GList *members = json_object_get_members(def);
  crm_status st = CRM_OK;
  for (GList *m = members; m != NULL && st == CRM_OK; m = m->next) {
    gboolean known = FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(masks); i++)
      known = known || strcmp(m->data, masks[i].member) == 0;
    for (size_t i = 0; i < G_N_ELEMENTS(other_members); i++)
      known = known || strcmp(m->data, other_members[i]) == 0;
    if (!known)
      st = cli_value_error("%s: unknown member \"%s\" (see crm(1), POLICY FILES)", path,
                           (const char *)m->data);
  }
  g_list_free(members);
  return st;
}

/* The spec a definition file gives; strings point into *parser. */
static crm_status load_policy(crm_sla_policy_spec *spec, JsonParser **parser, const char *path)
{
  JsonObject *def = NULL;
  int64_t order = 0, calendar = 0, queue = 0, warn = 0;
  crm_status st = cli_load_json_object(parser, &def, path);
  if (st == CRM_OK)
    st = check_members(def, path);
  if (st == CRM_OK)
    st = int_member(&order, def, "order");
  if (st == CRM_OK)
    st = int_member(&calendar, def, "calendar");
  if (st == CRM_OK)
    st = int_member(&queue, def, "queue");
  if (st == CRM_OK)
    st = int_member(&warn, def, "warn_percent");
  for (size_t i = 0; i < G_N_ELEMENTS(masks) && st == CRM_OK; i++)
    st = mask_member(mask_at(spec, i), def, i);
  if (st == CRM_OK)
    st = targets_member(spec, def);
  if (st == CRM_OK && json_object_has_member(def, "segment")) {
    spec->segment = string_of(json_object_get_member(def, "segment"));
    if (spec->segment == NULL && !json_object_get_null_member(def, "segment"))
      st = cli_value_error("\"segment\" is not a string");
  }
  if (st == CRM_OK && (order < G_MININT || order > G_MAXINT || warn < G_MININT || warn > G_MAXINT))
    st = cli_value_error("\"order\" or \"warn_percent\" is out of range");
  spec->order = (int)order;
  spec->calendar = calendar;
  spec->queue = queue;
  spec->warn_percent = (int)warn;
  return st;
}

/* ---- output --------------------------------------------------------------------------------- */

static cli_obj *describe_policy(cli_state *cli, crm_id id, int64_t version,
                                crm_sla_policy_spec *spec)
{
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "id", "Policy", id);
  cli_obj_int(o, "version", "Version", version);
  if (spec == NULL)
    return o;
  cli_obj_str(o, "name", "Name", spec->name);
  cli_obj_int(o, "order", "Order", spec->order);
  cli_obj_id(o, "calendar", "Calendar", spec->calendar);
  cli_obj_id(o, "queue", "Queue", spec->queue);
  cli_obj_str(o, "segment", "Segment", spec->segment);
  for (size_t i = 0; i < G_N_ELEMENTS(masks); i++) {
    GPtrArray *names = g_ptr_array_new();
    uint32_t mask = *mask_at(spec, i);
    for (int v = 0; v < 32; v++)
      if ((mask & (1u << v)) && masks[i].name(v) != NULL)
        g_ptr_array_add(names, (gpointer)masks[i].name(v));
    char *label = g_strdup(masks[i].member);
    label[0] = g_ascii_toupper(label[0]);
    g_strdelimit(label, "_", ' ');
    cli_obj_strv(o, masks[i].member, label, names);
    g_free(label);
    g_ptr_array_unref(names);
  }
  cli_obj *targets = cli_obj_new(cli);
  for (int m = CRM_SLA_FIRST_RESPONSE; m <= CRM_SLA_METRIC_MAX; m++)
    if (spec->targets[m] > 0)
      cli_obj_duration(targets, crm_sla_metric_name((crm_sla_metric_t)m),
                       crm_sla_metric_name((crm_sla_metric_t)m), spec->targets[m]);
  cli_obj_obj(o, "targets", "Targets", targets);
  cli_obj_int(o, "warn_percent", "Warn at %", spec->warn_percent);
  return o;
}

static int emit_policy(cli_state *cli, crm_id id, crm_sla_policy_spec *spec)
{
  int64_t version = 0;
  crm_status st = crm_sla_policy_version(&version, cli->db, id);
  return st == CRM_OK ? cli_emit_obj(cli, describe_policy(cli, id, version, spec))
                      : cli_fail(cli, st);
}

/* ---- commands ------------------------------------------------------------------------------- */

static const char file_help[] =
    "The JSON file (- reads standard input) says which cases the policy applies to and its "
    "targets; the format is in crm(1), POLICY FILES. Policies are tried by ascending order: "
    "the first that matches a case gives its targets.";

/* define NAME FILE (id NULL) or update POLICY NAME FILE. */
static int define_command(cli_state *cli, int argc, char **argv, gboolean update)
{
  char *summary = g_strdup_printf("%s %s",
                                  update ? "Replace an SLA policy (a new version; open "
                                           "timers are recomputed)."
                                         : "Define an SLA policy.",
                                  file_help);
  int code = cli_parse(cli, &argc, &argv, NULL, update ? "POLICY NAME FILE" : "NAME FILE", summary,
                       update ? 3 : 2, update ? 3 : 2);
  g_free(summary);
  if (code != CLI_EXIT_OK)
    return code;
  crm_sla_policy_spec spec = CRM_SLA_POLICY_SPEC_INIT;
  JsonParser *parser = NULL;
  crm_id id = 0;
  char **args = argv + (update ? 2 : 1);
  crm_status st = update ? cli_parse_id(&id, argv[1], "policy") : CRM_OK;
  spec.name = args[0];
  if (st == CRM_OK)
    st = load_policy(&spec, &parser, args[1]);
  if (st == CRM_OK)
    st = update ? crm_sla_policy_update(cli->db, id, &spec)
                : crm_sla_policy_create(&id, cli->db, &spec);
  code = st == CRM_OK ? emit_policy(cli, id, &spec) : cli_fail(cli, st);
  if (parser != NULL)
    g_object_unref(parser);
  return code;
}

int cmd_policy_define(cli_state *cli, int argc, char **argv)
{
  return define_command(cli, argc, argv, FALSE);
}

int cmd_policy_update(cli_state *cli, int argc, char **argv)
{
  return define_command(cli, argc, argv, TRUE);
}

int cmd_policy_show(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "POLICY",
                       "Show an SLA policy's current version (libcrm keeps every version; "
                       "'crm sla show CASE' shows which one each case's figures used).",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_status st = cli_parse_id(&id, argv[1], "policy");
  return st == CRM_OK ? emit_policy(cli, id, NULL) : cli_fail(cli, st);
}
