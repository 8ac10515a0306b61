/*
 * crm contact record|show: one contact on any channel.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* ---- describing an interaction ------------------------------------------------------- */

cli_obj *cli_describe_interaction(cli_state *cli, const crm_interaction *ix, gboolean details)
{
#define SHOWN(label) (details ? (label) : NULL)
  cli_obj *o = cli_obj_new(cli);
  crm_outcome_t outcome = crm_interaction_outcome(ix);

  cli_obj_id(o, "id", "Contact", crm_interaction_id(ix));
  cli_obj_time(o, "occurred_at", "Occurred", crm_interaction_occurred_at(ix));
  cli_obj_str(o, "channel", "Channel", crm_channel_name(crm_interaction_channel(ix)));
  cli_obj_str(o, "direction", "Direction", crm_direction_name(crm_interaction_direction(ix)));
  cli_obj_str(o, "outcome", "Outcome",
              outcome != CRM_OUTCOME_NONE ? crm_outcome_name(outcome) : NULL);
  cli_obj_id(o, "customer", SHOWN("Customer"), crm_interaction_customer(ix));
  cli_obj_id(o, "case", "Case", crm_interaction_case(ix));
  cli_obj_id(o, "agent", "Agent", crm_interaction_agent(ix));
  cli_obj_str(o, "subject", "Subject", crm_interaction_subject(ix));
  cli_obj_str(o, "external_ref", SHOWN("Reference"), crm_interaction_external_ref(ix));
  cli_obj_str(o, "in_reply_to", SHOWN("In reply to"), crm_interaction_in_reply_to(ix));
  cli_obj_time(o, "recorded_at", SHOWN("Recorded"), crm_interaction_recorded_at(ix));
  cli_obj_str(o, "body", SHOWN("Body"), crm_interaction_body(ix));
  return o;
#undef SHOWN
}

/* Adds the case's status (after filing: new, reopened...) and the
   attributes asked for to a described interaction. */
static crm_status add_details(cli_obj *o, cli_state *cli, const crm_interaction *ix, char **keys)
{
  crm_case *c = NULL;
  crm_id case_id = crm_interaction_case(ix);
  crm_status st = case_id > 0 ? crm_case_lookup(&c, cli->db, case_id) : CRM_OK;
  if (st != CRM_OK)
    return st;
  cli_obj_str(o, "case_status", "Case status",
              c != NULL ? crm_case_status_name(crm_case_status(c)) : NULL);
  crm_case_free(c);
  if (keys == NULL)
    return CRM_OK;
  cli_obj *attributes = cli_obj_new(cli);
  for (char **k = keys; *k != NULL; k++)
    cli_obj_str(attributes, *k, *k, crm_interaction_attribute(ix, *k));
  cli_obj_obj(o, "attributes", "Attributes", attributes);
  return CRM_OK;
}

static int emit_interaction(cli_state *cli, crm_id id, char **keys)
{
  crm_interaction *ix = NULL;
  crm_status st = crm_interaction_lookup(&ix, cli->db, id);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  cli_obj *o = cli_describe_interaction(cli, ix, TRUE);
  st = add_details(o, cli, ix, keys);
  crm_interaction_free(ix);
  if (st != CRM_OK) {
    cli_obj_free(o);
    return cli_fail(cli, st);
  }
  return cli_emit_obj(cli, o);
}

/* ---- contact record -------------------------------------------------------------------- */

typedef struct {
  char *customer, *channel, *direction, *outcome, *case_id, *in_reply_to, *ref, *at, *subject,
      *body, *agent;
  char **attrs; /* "key=value" */
  char **keys;  /* the attribute keys, for the output */
  char *stdin_body;
  crm_interaction_spec spec;
  crm_id id;
} record_args;

static char *read_stdin(void)
{
  GString *text = g_string_new(NULL);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    g_string_append_len(text, chunk, (gssize)n);
  return g_string_free(text, FALSE);
}

/* Options to the spec; the direction defaults to inbound (internal for a
   note) and the agent to --as. */
static crm_status record_spec(record_args *a, cli_state *cli)
{
  crm_interaction_spec *spec = &a->spec;
  crm_status st = cli_parse_channel(&spec->channel, a->channel);
  spec->direction =
      spec->channel == CRM_CHANNEL_NOTE ? CRM_DIRECTION_INTERNAL : CRM_DIRECTION_INBOUND;
  if (st == CRM_OK && a->direction != NULL)
    st = cli_parse_direction(&spec->direction, a->direction);
  if (st == CRM_OK && a->outcome != NULL)
    st = cli_parse_outcome(&spec->outcome, a->outcome);
  if (st == CRM_OK && a->case_id != NULL)
    st = cli_parse_id(&spec->case_id, a->case_id, "case");
  if (st == CRM_OK && a->at != NULL)
    st = cli_parse_time(&spec->occurred_at, a->at);
  spec->agent = cli->actor;
  if (st == CRM_OK && a->agent != NULL)
    st = cli_parse_optional_id(&spec->agent, a->agent, "agent");
  for (char **kv = a->attrs; st == CRM_OK && kv != NULL && *kv != NULL; kv++)
    if (strchr(*kv, '=') == NULL || **kv == '=')
      st = cli_value_error("attribute '%s' is not KEY=VALUE", *kv);
  if (st == CRM_OK && g_strcmp0(a->body, "-") == 0)
    a->stdin_body = read_stdin();
  spec->subject = a->subject;
  spec->body = a->stdin_body != NULL ? a->stdin_body : a->body;
  spec->external_ref = a->ref;
  spec->in_reply_to = a->in_reply_to;
  if (st == CRM_OK)
    st = cli_resolve_customer(&spec->customer, cli, a->customer);
  return st;
}

static crm_status record_work(cli_state *cli, void *data)
{
  record_args *a = data;
  crm_status st = crm_interaction_record(&a->id, cli->db, &a->spec);
  for (char **kv = a->attrs; st == CRM_OK && kv != NULL && *kv != NULL; kv++) {
    char **pair = g_strsplit(*kv, "=", 2);
    st = crm_interaction_set_attribute(cli->db, a->id, pair[0], pair[1]);
    g_strfreev(pair);
  }
  return st;
}

/* The attribute keys of "key=value" arguments (NULL when none). */
static char **attribute_keys(char **attrs)
{
  if (attrs == NULL)
    return NULL;
  GPtrArray *keys = g_ptr_array_new();
  for (char **kv = attrs; *kv != NULL; kv++)
    g_ptr_array_add(keys, g_strndup(*kv, strcspn(*kv, "=")));
  g_ptr_array_add(keys, NULL);
  return (char **)g_ptr_array_free(keys, FALSE);
}

static void record_args_clear(record_args *a)
{
  char **strings[] = {&a->customer, &a->channel,     &a->direction, &a->outcome,
                      &a->case_id,  &a->in_reply_to, &a->ref,       &a->at,
                      &a->subject,  &a->body,        &a->agent,     &a->stdin_body};
  for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
    g_free(*strings[i]);
  g_strfreev(a->attrs);
  g_strfreev(a->keys);
}

int cmd_contact_record(cli_state *cli, int argc, char **argv)
{
  record_args a = {0};
  GOptionEntry entries[] = {
      {"channel", 'c', 0, G_OPTION_ARG_STRING, &a.channel,
       "email, phone, ivr, chat, sms, fax, letter, web, social, in_person, note (required)",
       "CHANNEL"},
      {"direction", 'd', 0, G_OPTION_ARG_STRING, &a.direction,
       "inbound (default), outbound or internal (default for a note)", "DIRECTION"},
      {"outcome", 'o', 0, G_OPTION_ARG_STRING, &a.outcome,
       "answered, busy, abandoned, voicemail, missed (synchronous channels)", "OUTCOME"},
      {"case", 0, 0, G_OPTION_ARG_STRING, &a.case_id,
       "File into this case (default: the library files it)", "CASE"},
      {"in-reply-to", 0, 0, G_OPTION_ARG_STRING, &a.in_reply_to,
       "The reference of the contact this answers", "REF"},
      {"ref", 'r', 0, G_OPTION_ARG_STRING, &a.ref,
       "External reference (Message-ID, call id), unique per channel", "REF"},
      {"at", 0, 0, G_OPTION_ARG_STRING, &a.at, "When it happened (default: now)", "TIME"},
      {"subject", 's', 0, G_OPTION_ARG_STRING, &a.subject, "Subject", "TEXT"},
      {"body", 'b', 0, G_OPTION_ARG_STRING, &a.body, "Body text (- reads standard input)", "TEXT"},
      {"agent", 0, 0, G_OPTION_ARG_STRING, &a.agent, "Agent id (default: --as)", "AGENT"},
      {"attr", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a.attrs,
       "Free attribute, e.g. ivr_depth=3 (repeatable)", "KEY=VALUE"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER",
                       "Record one contact of CUSTOMER on any channel. An inbound contact "
                       "without --case is filed by the library (threaded by --in-reply-to, "
                       "else into a new case; a resolved case is reopened).",
                       1, 1);
  if (code == CLI_EXIT_OK && a.channel == NULL)
    code = cli_usage(cli, "--channel is required");
  if (code == CLI_EXIT_OK) {
    crm_interaction_spec_init(&a.spec, CRM_INTERACTION_SPEC_VERSION);
    a.customer = g_strdup(argv[1]);
    a.keys = attribute_keys(a.attrs);
    crm_status st = record_spec(&a, cli);
    if (st == CRM_OK)
      st = cli_transaction(cli, record_work, &a);
    code = st == CRM_OK ? emit_interaction(cli, a.id, a.keys) : cli_fail(cli, st);
  }
  record_args_clear(&a);
  return code;
}

int cmd_contact_show(cli_state *cli, int argc, char **argv)
{
  char **keys = NULL;
  GOptionEntry entries[] = {{"attr", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &keys,
                             "Also show this free attribute (repeatable)", "KEY"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CONTACT", "Show one recorded contact.", 1, 1);
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    crm_status st = cli_parse_id(&id, argv[1], "contact");
    code = st == CRM_OK ? emit_interaction(cli, id, keys) : cli_fail(cli, st);
  }
  g_strfreev(keys);
  return code;
}
