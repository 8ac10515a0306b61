/*
 * crm incident open|attach|scope|match|update|resolve|show|list: incidents
 * and mass outages (crm/incident.h). An incident is a case of kind
 * incident; the customer cases it causes are linked caused_by it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <string.h>

/* The customer cases linked caused_by the incident, as case rows. */
static crm_status linked_cases(cli_list **out, int64_t *open, cli_state *cli, crm_id incident)
{
  crm_link_iterator *it = NULL;
  crm_link *link = NULL;
  *out = NULL;
  *open = 0;
  crm_status st = crm_link_iterator_new(&it, cli->db, incident);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while (st == CRM_OK && (st = crm_link_next(&link, it)) == CRM_OK) {
    if (crm_link_kind(link) == CRM_LINK_CAUSED_BY && crm_link_to(link) == incident) {
      crm_case *c = NULL;
      st = crm_case_lookup(&c, cli->db, crm_link_from(link));
      if (st == CRM_OK) {
        crm_case_status_t s = crm_case_status(c);
        *open += s != CRM_CASE_RESOLVED && s != CRM_CASE_CLOSED;
        cli_list_add(list, cli_describe_case_row(cli, c));
      }
      crm_case_free(c);
    }
    crm_link_free(link);
  }
  crm_link_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

/* The scope entries named by `keys` (null: not set). */
static crm_status scope_obj(cli_obj **out, cli_state *cli, crm_id incident, char **keys)
{
  *out = cli_obj_new(cli);
  for (char **k = keys; k != NULL && *k != NULL; k++) {
    crm_buf value = CRM_BUF_INIT;
    crm_status st = crm_incident_scope_get(&value, cli->db, incident, *k);
    if (st != CRM_OK && st != CRM_ENOTFOUND) {
      cli_obj_free(*out);
      *out = NULL;
      return st;
    }
    cli_obj_str(*out, *k, *k, st == CRM_OK ? value.ptr : NULL);
    crm_buf_dispose(&value);
  }
  return CRM_OK;
}

/* The incident, its scope entries `keys` and its linked cases (and, when
   not negative, how many linked cases a resolution reached). */
static int emit_incident(cli_state *cli, crm_id incident, char **keys, int64_t affected)
{
  cli_obj *o = NULL, *scope = NULL;
  cli_list *cases = NULL;
  int64_t open = 0;
  crm_status st = cli_describe_case(&o, cli, incident, FALSE);
  if (st == CRM_OK)
    st = scope_obj(&scope, cli, incident, keys);
  if (st == CRM_OK)
    st = linked_cases(&cases, &open, cli, incident);
  if (st != CRM_OK) {
    cli_obj_free(o);
    cli_obj_free(scope);
    return cli_fail(cli, st);
  }
  cli_obj_obj(o, "scope", keys != NULL ? "Scope" : NULL, scope);
  cli_obj_int(o, "linked_count", "Linked cases", (int64_t)cli_list_size(cases));
  cli_obj_int(o, "linked_open", "Still open", open);
  if (affected >= 0)
    cli_obj_int(o, "affected", "Notified cases", affected);
  cli_obj_list(o, "cases", "Cases", cases);
  return cli_emit_obj(cli, o);
}

/* "KEY=VALUE" arguments: the keys (for the output) after checking them. */
static crm_status scope_keys(char ***keys, char **pairs)
{
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  crm_status st = CRM_OK;
  for (char **p = pairs; p != NULL && *p != NULL && st == CRM_OK; p++) {
    const char *eq = strchr(*p, '=');
    if (eq == NULL || eq == *p)
      st = cli_value_error("scope entry '%s' is not KEY=VALUE", *p);
    else
      g_ptr_array_add(names, g_strndup(*p, (gsize)(eq - *p)));
  }
  g_ptr_array_add(names, NULL);
  g_ptr_array_set_free_func(names, NULL);
  *keys = (char **)g_ptr_array_free(names, FALSE);
  return st;
}

typedef struct {
  crm_case_spec spec;
  char **pairs;   /* KEY=VALUE to set */
  char **removed; /* KEY to remove */
  crm_id id;
} scope_args;

static crm_status set_scope(cli_state *cli, const scope_args *a)
{
  crm_status st = CRM_OK;
  for (char **p = a->pairs; p != NULL && *p != NULL && st == CRM_OK; p++) {
    char **kv = g_strsplit(*p, "=", 2);
    st = crm_incident_set_scope(cli->db, a->id, kv[0], kv[1]);
    g_strfreev(kv);
  }
  for (char **k = a->removed; k != NULL && *k != NULL && st == CRM_OK; k++)
    st = crm_incident_set_scope(cli->db, a->id, *k, NULL);
  return st;
}

static crm_status scope_work(cli_state *cli, void *data)
{
  return set_scope(cli, data);
}

static crm_status open_work(cli_state *cli, void *data)
{
  scope_args *a = data;
  crm_status st = crm_case_open(&a->id, cli->db, &a->spec);
  return st == CRM_OK ? set_scope(cli, a) : st;
}

int cmd_incident_open(cli_state *cli, int argc, char **argv)
{
  char *priority = NULL, *queue = NULL, *assignee = NULL;
  char **pairs = NULL;
  GOptionEntry entries[] = {
      {"scope", 's', 0, G_OPTION_ARG_STRING_ARRAY, &pairs,
       "Affected scope: customers whose attribute KEY is VALUE (repeatable)", "KEY=VALUE"},
      {"priority", 'p', 0, G_OPTION_ARG_STRING, &priority, "low, normal (default), high, urgent",
       "PRIORITY"},
      {"queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "Queue id", "QUEUE"},
      {"assignee", 'a', 0, G_OPTION_ARG_STRING, &assignee, "Agent id", "AGENT"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER SUBJECT",
                       "Open an incident (a case of kind incident) filed under CUSTOMER (e.g. "
                       "the network operations account), with its affected scope.",
                       2, 2);
  if (code == CLI_EXIT_OK) {
    scope_args a = {CRM_CASE_SPEC_INIT, pairs, NULL, 0};
    char **keys = NULL;
    a.spec.kind = CRM_CASE_INCIDENT;
    a.spec.subject = argv[2];
    crm_status st = scope_keys(&keys, pairs);
    if (st == CRM_OK && priority != NULL)
      st = cli_parse_priority(&a.spec.priority, priority);
    if (st == CRM_OK && queue != NULL)
      st = cli_parse_optional_id(&a.spec.queue, queue, "queue");
    if (st == CRM_OK && assignee != NULL)
      st = cli_parse_optional_id(&a.spec.assignee, assignee, "agent");
    if (st == CRM_OK)
      st = cli_resolve_customer(&a.spec.customer, cli, argv[1]);
    if (st == CRM_OK)
      st = cli_transaction(cli, open_work, &a);
    code = st == CRM_OK ? emit_incident(cli, a.id, keys, -1) : cli_fail(cli, st);
    g_strfreev(keys);
  }
  g_strfreev(pairs);
  g_free(priority);
  g_free(queue);
  g_free(assignee);
  return code;
}

int cmd_incident_scope(cli_state *cli, int argc, char **argv)
{
  char **removed = NULL;
  GOptionEntry entries[] = {{"remove", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &removed,
                             "Remove this scope entry (repeatable)", "KEY"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "INCIDENT [KEY=VALUE|KEY...]",
                       "Set (KEY=VALUE), remove (--remove KEY) or show (KEY) entries of an "
                       "incident's affected scope. A customer is covered when every entry "
                       "equals the customer's attribute of the same key.",
                       1, -1);
  if (code == CLI_EXIT_OK) {
    scope_args a = {CRM_CASE_SPEC_INIT, NULL, removed, 0};
    GPtrArray *pairs = g_ptr_array_new(), *shown = g_ptr_array_new_with_free_func(g_free);
    for (int i = 2; i < argc; i++)
      g_ptr_array_add(strchr(argv[i], '=') != NULL ? pairs : shown,
                      strchr(argv[i], '=') != NULL ? argv[i] : g_strdup(argv[i]));
    g_ptr_array_add(pairs, NULL);
    a.pairs = (char **)pairs->pdata;
    char **keys = NULL;
    crm_status st = scope_keys(&keys, a.pairs);
    for (char **k = keys; k != NULL && *k != NULL; k++)
      g_ptr_array_add(shown, g_strdup(*k));
    for (char **k = removed; k != NULL && *k != NULL; k++)
      g_ptr_array_add(shown, g_strdup(*k));
    g_ptr_array_add(shown, NULL);
    if (st == CRM_OK)
      st = cli_parse_id(&a.id, argv[1], "incident");
    if (st == CRM_OK && (pairs->len > 1 || removed != NULL))
      st = cli_transaction(cli, scope_work, &a);
    cli_obj *o = NULL;
    if (st == CRM_OK)
      st = scope_obj(&o, cli, a.id, (char **)shown->pdata);
    if (st == CRM_OK) {
      cli_obj *wrapper = cli_obj_new(cli);
      cli_obj_id(wrapper, "incident", "Incident", a.id);
      cli_obj_obj(wrapper, "scope", "Scope", o);
      code = cli_emit_obj(cli, wrapper);
    } else {
      code = cli_fail(cli, st);
    }
    g_strfreev(keys);
    g_ptr_array_unref(pairs);
    g_ptr_array_unref(shown);
  }
  g_strfreev(removed);
  return code;
}

/* ---- attach / match ------------------------------------------------------------------------ */

typedef struct {
  crm_id incident;
  char **cases;
} attach_args;

static crm_status attach_work(cli_state *cli, void *data)
{
  attach_args *a = data;
  crm_status st = CRM_OK;
  for (char **c = a->cases; *c != NULL && st == CRM_OK; c++) {
    crm_id id = 0;
    st = cli_parse_id(&id, *c, "case");
    if (st == CRM_OK)
      st = crm_incident_attach(cli->db, a->incident, id);
  }
  return st;
}

int cmd_incident_attach(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "INCIDENT CASE...",
                       "Attach customer cases to an open incident (each is linked caused_by "
                       "it; attaching again changes nothing).",
                       2, -1);
  if (code != CLI_EXIT_OK)
    return code;
  attach_args a = {0, argv + 2};
  crm_status st = cli_parse_id(&a.incident, argv[1], "incident");
  if (st == CRM_OK)
    st = cli_transaction(cli, attach_work, &a);
  return st == CRM_OK ? emit_incident(cli, a.incident, NULL, -1) : cli_fail(cli, st);
}

/* Drains an incident iterator into case rows. */
static crm_status incident_rows(cli_list **out, cli_state *cli, crm_incident_iterator *it)
{
  crm_case *c = NULL;
  crm_status st;
  cli_list *list = cli_list_new();
  while ((st = crm_incident_next(&c, it)) == CRM_OK) {
    cli_list_add(list, cli_describe_case_row(cli, c));
    crm_case_free(c);
  }
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

int cmd_incident_match(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "CUSTOMER",
                       "The open incidents that cover a customer (their scope matches the "
                       "customer's attributes): what the agent taking the call should know.",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id customer = 0;
  crm_incident_iterator *it = NULL;
  cli_list *list = NULL;
  crm_status st = cli_resolve_customer(&customer, cli, argv[1]);
  if (st == CRM_OK)
    st = crm_incident_match(&it, cli->db, customer);
  if (st == CRM_OK)
    st = incident_rows(&list, cli, it);
  crm_incident_iterator_free(it);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  if (cli_list_size(list) == 0)
    cli_note(cli, "(no open incident covers customer %" G_GINT64_FORMAT ")", (gint64)customer);
  return cli_emit_list(cli, list);
}

/* ---- update / resolve ---------------------------------------------------------------------- */

/* update or resolve INCIDENT NOTE. */
static int note_command(cli_state *cli, int argc, char **argv, gboolean resolve)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "INCIDENT NOTE",
                       resolve ? "Resolve an incident: NOTE goes to the incident and every "
                                 "linked case as a public update, and the linked cases are "
                                 "resolved (unless another open incident still causes them); "
                                 "one incident.update event per affected customer."
                               : "Publish an update of an open incident: NOTE is recorded on "
                                 "the incident and every linked case (a public web contact), "
                                 "with one incident.update event per affected customer.",
                       2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  size_t affected = 0;
  crm_status st = cli_parse_id(&id, argv[1], "incident");
  if (st == CRM_OK)
    st = resolve ? crm_incident_resolve(&affected, cli->db, id, argv[2])
                 : crm_incident_update(cli->db, id, argv[2]);
  return st == CRM_OK ? emit_incident(cli, id, NULL, resolve ? (int64_t)affected : -1)
                      : cli_fail(cli, st);
}

int cmd_incident_update(cli_state *cli, int argc, char **argv)
{
  return note_command(cli, argc, argv, FALSE);
}

int cmd_incident_resolve(cli_state *cli, int argc, char **argv)
{
  return note_command(cli, argc, argv, TRUE);
}

/* ---- show / list --------------------------------------------------------------------------- */

int cmd_incident_show(cli_state *cli, int argc, char **argv)
{
  char **keys = NULL;
  GOptionEntry entries[] = {{"scope", 's', 0, G_OPTION_ARG_STRING_ARRAY, &keys,
                             "Also show this scope entry (repeatable)", "KEY"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "INCIDENT",
                       "Show an incident with its linked customer cases.", 1, 1);
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    crm_status st = cli_parse_id(&id, argv[1], "incident");
    code = st == CRM_OK ? emit_incident(cli, id, keys, -1) : cli_fail(cli, st);
  }
  g_strfreev(keys);
  return code;
}

int cmd_incident_list(cli_state *cli, int argc, char **argv)
{
  gboolean open = FALSE;
  GOptionEntry entries[] = {
      {"open", 'o', 0, G_OPTION_ARG_NONE, &open, "Only incidents not resolved or closed", NULL},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "", "List incidents in id order.", 0, 0);
  if (code != CLI_EXIT_OK)
    return code;
  crm_case_query q = CRM_CASE_QUERY_INIT;
  crm_case_iterator *it = NULL;
  crm_case *c = NULL;
  q.kind = CRM_CASE_INCIDENT;
  if (open)
    q.status_mask = (1u << CRM_CASE_NEW) | (1u << CRM_CASE_OPEN) |
                    (1u << CRM_CASE_PENDING_CUSTOMER) | (1u << CRM_CASE_PENDING_THIRD_PARTY);
  crm_status st = crm_case_iterator_new(&it, cli->db, &q);
  cli_list *list = cli_list_new();
  while (st == CRM_OK && (st = crm_case_next(&c, it)) == CRM_OK) {
    cli_list_add(list, cli_describe_case_row(cli, c));
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return cli_fail(cli, st);
  }
  return cli_emit_list(cli, list);
}
