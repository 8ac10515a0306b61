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
 * gives the case its targets. What is printed is the definition libcrm
 * stored, read back with crm_sla_policy_to_json.
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

static const struct {
  const char *member;
  size_t offset; /* of the uint32_t mask in crm_sla_policy_spec */
  enum_parser parse;
} masks[] = {
    {"priorities", offsetof(crm_sla_policy_spec, priorities), priority_of},
    {"kinds", offsetof(crm_sla_policy_spec, kinds), kind_of},
    {"channels", offsetof(crm_sla_policy_spec, channels), channel_of},
    {"pause_statuses", offsetof(crm_sla_policy_spec, pause_statuses), status_of},
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

/* The label of a member of libcrm's policy JSON: "pause_statuses" ->
   "Pause statuses" (g_free). */
static char *member_label(const char *member)
{
  if (strcmp(member, "id") == 0)
    return g_strdup("Policy");
  if (strcmp(member, "warn_percent") == 0)
    return g_strdup("Warn at %");
  char *label = g_strdup(member);
  label[0] = g_ascii_toupper(label[0]);
  g_strdelimit(label, "_", ' ');
  return label;
}

/* One member of the definition as a field: lists of names, targets as
   durations, numbers, strings, null. */
static void add_member(cli_obj *o, cli_state *cli, const char *member, JsonNode *value)
{
  char *label = member_label(member);
  if (JSON_NODE_HOLDS_ARRAY(value)) {
    GPtrArray *names = g_ptr_array_new();
    JsonArray *a = json_node_get_array(value);
    for (guint i = 0; i < json_array_get_length(a); i++)
      g_ptr_array_add(names, (gpointer)json_array_get_string_element(a, i));
    cli_obj_strv(o, member, label, names);
    g_ptr_array_unref(names);
  } else if (JSON_NODE_HOLDS_OBJECT(value)) { /* targets: metric -> business seconds */
    cli_obj *child = cli_obj_new(cli);
    JsonObject *targets = json_node_get_object(value);
    GList *metrics = json_object_get_members(targets);
    for (GList *m = metrics; m != NULL; m = m->next)
      cli_obj_duration(child, m->data, m->data, json_object_get_int_member(targets, m->data));
    g_list_free(metrics);
    cli_obj_obj(o, member, label, child);
  } else if (JSON_NODE_HOLDS_VALUE(value) && json_node_get_value_type(value) == G_TYPE_INT64) {
    cli_obj_int(o, member, label, json_node_get_int(value));
  } else {
    cli_obj_str(o, member, label, JSON_NODE_HOLDS_NULL(value) ? NULL : json_node_get_string(value));
  }
  g_free(label);
}

/* A policy's definition as libcrm reads it back (crm_sla_policy_to_json):
   in --json exactly that object. */
static int emit_policy(cli_state *cli, crm_id id, int64_t version)
{
  crm_buf def = CRM_BUF_INIT;
  crm_status st = crm_sla_policy_to_json(&def, cli->db, id, version);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  JsonNode *root = json_from_string(def.ptr, NULL);
  crm_buf_dispose(&def);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
    return cli_fail(cli, cli_value_error("libcrm returned a malformed policy definition"));
  cli_obj *o = cli_obj_new(cli);
  JsonObject *object = json_node_get_object(root);
  GList *members = json_object_get_members(object);
  for (GList *m = members; m != NULL; m = m->next)
    add_member(o, cli, m->data, json_object_get_member(object, m->data));
  g_list_free(members);
  json_node_unref(root);
  return cli_emit_obj(cli, o);
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
  code = st == CRM_OK ? emit_policy(cli, id, 0) : cli_fail(cli, st);
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
  gint64 version = 0;
  GOptionEntry entries[] = {{"version", 'v', 0, G_OPTION_ARG_INT64, &version,
                             "This version (1: as first defined; default: the current one)", "N"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "POLICY",
                       "Show an SLA policy's definition: name, order, calendar, what it "
                       "applies to, targets, warning and pausing statuses (libcrm keeps every "
                       "version; 'crm sla show CASE' shows which one each case's figures used).",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_status st = cli_parse_id(&id, argv[1], "policy");
  if (st == CRM_OK && version < 0)
    st = cli_value_error("version %" G_GINT64_FORMAT " is negative", version);
  return st == CRM_OK ? emit_policy(cli, id, version) : cli_fail(cli, st);
}
