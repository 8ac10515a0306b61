/*
 * crm case open|show|list|status|priority|assign|tag|untag|link|csat.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <string.h>

/* ---- describing a case ------------------------------------------------------------ */

/* The case's fields; in a table row only the labelled columns show, the
   JSON object is the same either way. */
static cli_obj *case_fields(cli_state *cli, const crm_case *c, gboolean row)
{
#define SHOWN(label) (row ? NULL : (label))
  cli_obj *o = cli_obj_new(cli);
  GPtrArray *tags = g_ptr_array_new();
  for (size_t i = 0; i < crm_case_tag_count(c); i++)
    g_ptr_array_add(tags, (gpointer)crm_case_tag_at(c, i));

  cli_obj_id(o, "id", "Case", crm_case_id(c));
  cli_obj_id(o, "customer", "Customer", crm_case_customer(c));
  cli_obj_str(o, "status", "Status", crm_case_status_name(crm_case_status(c)));
  cli_obj_str(o, "priority", "Priority", crm_priority_name(crm_case_priority(c)));
  cli_obj_str(o, "kind", SHOWN("Kind"), crm_case_kind_name(crm_case_kind(c)));
  cli_obj_id(o, "queue", "Queue", crm_case_queue(c));
  cli_obj_id(o, "assignee", "Assignee", crm_case_assignee(c));
  cli_obj_str(o, "subject", "Subject", crm_case_subject(c));
  cli_obj_int(o, "version", SHOWN("Version"), crm_case_version(c));
  cli_obj_int(o, "inbound_count", SHOWN("Inbound contacts"), crm_case_inbound_count(c));
  cli_obj_int(o, "transfer_count", SHOWN("Transfers"), crm_case_transfer_count(c));
  cli_obj_int(o, "reopen_count", SHOWN("Reopens"), crm_case_reopen_count(c));
  if (crm_case_csat(c) > 0)
    cli_obj_int(o, "csat", SHOWN("CSAT"), crm_case_csat(c));
  else
    cli_obj_str(o, "csat", SHOWN("CSAT"), NULL);
  cli_obj_str(o, "csat_comment", SHOWN("CSAT comment"), crm_case_csat_comment(c));
  cli_obj_strv(o, "tags", SHOWN("Tags"), tags);
  cli_obj_time(o, "created_at", SHOWN("Created"), crm_case_created_at(c));
  cli_obj_time(o, "updated_at", "Updated", crm_case_updated_at(c));
  cli_obj_time(o, "resolved_at", SHOWN("Resolved"), crm_case_resolved_at(c));
  g_ptr_array_unref(tags);
  return o;
#undef SHOWN
}

cli_obj *cli_describe_case_row(cli_state *cli, const crm_case *c)
{
  return case_fields(cli, c, TRUE);
}

static crm_status link_list(cli_list **out, cli_state *cli, crm_id case_id)
{
  crm_link_iterator *it = NULL;
  crm_link *link = NULL;
  *out = NULL;
  crm_status st = crm_link_iterator_new(&it, cli->db, case_id);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_link_next(&link, it)) == CRM_OK) {
    cli_obj *o = cli_obj_new(cli);
    cli_obj_id(o, "from", "From", crm_link_from(link));
    cli_obj_str(o, "kind", "Kind", crm_link_name(crm_link_kind(link)));
    cli_obj_id(o, "to", "To", crm_link_to(link));
    cli_obj_time(o, "created_at", "Created", crm_link_created_at(link));
    cli_list_add(list, o);
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

crm_status cli_describe_case(cli_obj **out, cli_state *cli, crm_id id, gboolean details)
{
  crm_case *c = NULL;
  cli_list *links = NULL;
  *out = NULL;
  crm_status st = crm_case_lookup(&c, cli->db, id);
  if (st == CRM_OK && details)
    st = link_list(&links, cli, id);
  if (st == CRM_OK) {
    *out = case_fields(cli, c, FALSE);
    if (details)
      cli_obj_list(*out, "links", "Links", links);
  }
  crm_case_free(c);
  return st;
}

static int emit_case(cli_state *cli, crm_id id)
{
  cli_obj *o = NULL;
  crm_status st = cli_describe_case(&o, cli, id, TRUE);
  return st == CRM_OK ? cli_emit_obj(cli, o) : cli_fail(cli, st);
}

/* The end of most case commands: the change's status, then the case. */
static int finish(cli_state *cli, crm_status st, crm_id id)
{
  return st == CRM_OK ? emit_case(cli, id) : cli_fail(cli, st);
}

/* The version the case is at now (for a guarded read-modify-write). */
static crm_status current_case(crm_case **out, cli_state *cli, const char *text, crm_id *id)
{
  *out = NULL;
  crm_status st = cli_parse_id(id, text, "case");
  return st == CRM_OK ? crm_case_lookup(out, cli->db, *id) : st;
}

/* ---- case open / show / list --------------------------------------------------------- */

int cmd_case_open(cli_state *cli, int argc, char **argv)
{
  char *kind = NULL, *priority = NULL, *queue = NULL, *assignee = NULL;
  GOptionEntry entries[] = {
      {"kind", 'k', 0, G_OPTION_ARG_STRING, &kind, "request (default), incident or problem",
       "KIND"},
      {"priority", 'p', 0, G_OPTION_ARG_STRING, &priority, "low, normal (default), high, urgent",
       "PRIORITY"},
      {"queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "Queue id", "QUEUE"},
      {"assignee", 'a', 0, G_OPTION_ARG_STRING, &assignee, "Agent id", "AGENT"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER SUBJECT", "Open a case.", 2, 2);
  if (code == CLI_EXIT_OK) {
    crm_case_spec spec = CRM_CASE_SPEC_INIT;
    crm_id id = 0;
    crm_status st = kind != NULL ? cli_parse_case_kind(&spec.kind, kind) : CRM_OK;
    if (st == CRM_OK && priority != NULL)
      st = cli_parse_priority(&spec.priority, priority);
    if (st == CRM_OK && queue != NULL)
      st = cli_parse_optional_id(&spec.queue, queue, "queue");
    if (st == CRM_OK && assignee != NULL)
      st = cli_parse_optional_id(&spec.assignee, assignee, "agent");
    if (st == CRM_OK)
      st = cli_resolve_customer(&spec.customer, cli, argv[1]);
    spec.subject = argv[2];
    if (st == CRM_OK)
      st = crm_case_open(&id, cli->db, &spec);
    code = finish(cli, st, id);
  }
  g_free(kind);
  g_free(priority);
  g_free(queue);
  g_free(assignee);
  return code;
}

int cmd_case_show(cli_state *cli, int argc, char **argv)
{
  int code =
      cli_parse(cli, &argc, &argv, NULL, "CASE", "Show a case with its tags and links.", 1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_status st = cli_parse_id(&id, argv[1], "case");
  return finish(cli, st, id);
}

/* Statuses from repeated and/or comma-separated names, as a query mask. */
static crm_status status_mask(uint32_t *mask, char **names)
{
  crm_status st = CRM_OK;
  for (char **n = names; n != NULL && *n != NULL && st == CRM_OK; n++) {
    char **parts = g_strsplit(*n, ",", -1);
    for (char **p = parts; *p != NULL && st == CRM_OK; p++) {
      crm_case_status_t status = 0;
      st = cli_parse_case_status(&status, g_strstrip(*p));
      *mask |= 1u << status;
    }
    g_strfreev(parts);
  }
  return st;
}

typedef struct {
  char *customer, *queue, *assignee, *kind, *tag, *after;
  char **statuses;
  gboolean open;
  gint64 limit;
} list_args;

static crm_status list_query(crm_case_query *q, cli_state *cli, const list_args *a)
{
  crm_status st = status_mask(&q->status_mask, a->statuses);
  if (a->open)
    q->status_mask |= (1u << CRM_CASE_NEW) | (1u << CRM_CASE_OPEN) |
                      (1u << CRM_CASE_PENDING_CUSTOMER) | (1u << CRM_CASE_PENDING_THIRD_PARTY);
  if (st == CRM_OK && a->queue != NULL)
    st = cli_parse_id(&q->queue, a->queue, "queue");
  if (st == CRM_OK && a->assignee != NULL)
    st = cli_parse_id(&q->assignee, a->assignee, "agent");
  if (st == CRM_OK && a->kind != NULL)
    st = cli_parse_case_kind(&q->kind, a->kind);
  if (st == CRM_OK && a->after != NULL)
    st = cli_parse_id(&q->after_id, a->after, "case");
  if (st == CRM_OK && a->limit < 0)
    st = cli_value_error("limit %" G_GINT64_FORMAT " must not be negative", a->limit);
  if (st == CRM_OK && a->customer != NULL)
    st = cli_resolve_customer(&q->customer, cli, a->customer);
  q->tag = a->tag;
  q->limit = (unsigned int)MIN(a->limit, (gint64)G_MAXUINT);
  return st;
}

static crm_status case_rows(cli_list **out, cli_state *cli, const crm_case_query *q)
{
  crm_case_iterator *it = NULL;
  crm_case *c = NULL;
  *out = NULL;
  crm_status st = crm_case_iterator_new(&it, cli->db, q);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_case_next(&c, it)) == CRM_OK) {
    cli_list_add(list, cli_describe_case_row(cli, c));
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

int cmd_case_list(cli_state *cli, int argc, char **argv)
{
  list_args a = {0};
  GOptionEntry entries[] = {
      {"customer", 'c', 0, G_OPTION_ARG_STRING, &a.customer, "Only this customer's cases",
       "CUSTOMER"},
      {"status", 's', 0, G_OPTION_ARG_STRING_ARRAY, &a.statuses,
       "Only these statuses (repeatable or comma-separated)", "STATUS"},
      {"open", 'o', 0, G_OPTION_ARG_NONE, &a.open, "Only cases not resolved or closed", NULL},
      {"queue", 'q', 0, G_OPTION_ARG_STRING, &a.queue, "Only this queue", "QUEUE"},
      {"assignee", 'a', 0, G_OPTION_ARG_STRING, &a.assignee, "Only this agent's", "AGENT"},
      {"kind", 'k', 0, G_OPTION_ARG_STRING, &a.kind, "Only this kind", "KIND"},
      {"tag", 't', 0, G_OPTION_ARG_STRING, &a.tag, "Only cases with this tag", "TAG"},
      {"limit", 'n', 0, G_OPTION_ARG_INT64, &a.limit, "At most N cases (0: all)", "N"},
      {"after", 0, 0, G_OPTION_ARG_STRING, &a.after, "Continue after this case id (paging)",
       "CASE"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "",
                       "List cases in id order, filtered (the agent's work list).", 0, 0);
  if (code == CLI_EXIT_OK) {
    crm_case_query q = CRM_CASE_QUERY_INIT;
    cli_list *list = NULL;
    crm_status st = list_query(&q, cli, &a);
    if (st == CRM_OK)
      st = case_rows(&list, cli, &q);
    code = st == CRM_OK ? cli_emit_list(cli, list) : cli_fail(cli, st);
  }
  g_free(a.customer);
  g_free(a.queue);
  g_free(a.assignee);
  g_free(a.kind);
  g_free(a.tag);
  g_free(a.after);
  g_strfreev(a.statuses);
  return code;
}

/* ---- changes ----------------------------------------------------------------------------- */

static const char expect_help[] = "Fail (exit 16) unless the case is at this version";

int cmd_case_status(cli_state *cli, int argc, char **argv)
{
  gint64 expected = 0;
  GOptionEntry entries[] = {
      {"expect-version", 0, 0, G_OPTION_ARG_INT64, &expected, expect_help, "N"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CASE STATUS",
                       "Change a case's status (new, open, pending_customer, "
                       "pending_third_party, resolved, closed).",
                       2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_case_status_t status = 0;
  crm_status st = cli_parse_id(&id, argv[1], "case");
  if (st == CRM_OK)
    st = cli_parse_case_status(&status, argv[2]);
  if (st == CRM_OK)
    st = crm_case_set_status(cli->db, id, status, expected);
  return finish(cli, st, id);
}

int cmd_case_priority(cli_state *cli, int argc, char **argv)
{
  gint64 expected = 0;
  GOptionEntry entries[] = {
      {"expect-version", 0, 0, G_OPTION_ARG_INT64, &expected, expect_help, "N"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CASE PRIORITY",
                       "Change a case's priority (low, normal, high, urgent).", 2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_priority_t priority = 0;
  crm_status st = cli_parse_id(&id, argv[1], "case");
  if (st == CRM_OK)
    st = cli_parse_priority(&priority, argv[2]);
  if (st == CRM_OK)
    st = crm_case_set_priority(cli->db, id, priority, expected);
  return finish(cli, st, id);
}

int cmd_case_assign(cli_state *cli, int argc, char **argv)
{
  char *queue = NULL, *agent = NULL;
  gint64 expected = 0;
  GOptionEntry entries[] = {
      {"queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "Queue id, or none", "QUEUE"},
      {"agent", 'a', 0, G_OPTION_ARG_STRING, &agent, "Agent id, or none", "AGENT"},
      {"expect-version", 0, 0, G_OPTION_ARG_INT64, &expected, expect_help, "N"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CASE",
                       "Assign a case; what is not given stays as it is. A change after the "
                       "first assignment counts as a transfer.",
                       1, 1);
  if (code == CLI_EXIT_OK && queue == NULL && agent == NULL)
    code = cli_usage(cli, "give --queue and/or --agent");
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    crm_case *c = NULL;
    crm_status st = current_case(&c, cli, argv[1], &id);
    crm_id queue_id = c != NULL ? crm_case_queue(c) : 0;
    crm_id agent_id = c != NULL ? crm_case_assignee(c) : 0;
    /* guard the read-modify-write with the version read, unless told otherwise */
    int64_t version = expected != 0 ? expected : c != NULL ? crm_case_version(c) : 0;
    crm_case_free(c);
    if (st == CRM_OK && queue != NULL)
      st = cli_parse_optional_id(&queue_id, queue, "queue");
    if (st == CRM_OK && agent != NULL)
      st = cli_parse_optional_id(&agent_id, agent, "agent");
    if (st == CRM_OK)
      st = crm_case_assign(cli->db, id, queue_id, agent_id, version);
    code = finish(cli, st, id);
  }
  g_free(queue);
  g_free(agent);
  return code;
}

typedef struct {
  crm_id id;
  char **tags;
  crm_status (*apply)(crm_db *db, crm_id id, const char *tag);
} tag_args;

static crm_status tag_work(cli_state *cli, void *data)
{
  tag_args *t = data;
  crm_status st = CRM_OK;
  for (char **tag = t->tags; *tag != NULL && st == CRM_OK; tag++)
    st = t->apply(cli->db, t->id, *tag);
  return st;
}

static int tag_command(cli_state *cli, int argc, char **argv,
                       crm_status (*apply)(crm_db *db, crm_id id, const char *tag),
                       const char *summary)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "CASE TAG...", summary, 2, -1);
  if (code != CLI_EXIT_OK)
    return code;
  tag_args t = {0, argv + 2, apply};
  crm_status st = cli_parse_id(&t.id, argv[1], "case");
  if (st == CRM_OK)
    st = cli_transaction(cli, tag_work, &t);
  return finish(cli, st, t.id);
}

int cmd_case_tag(cli_state *cli, int argc, char **argv)
{
  return tag_command(cli, argc, argv, crm_case_tag, "Add tags to a case.");
}

int cmd_case_untag(cli_state *cli, int argc, char **argv)
{
  return tag_command(cli, argc, argv, crm_case_untag, "Remove tags from a case.");
}

int cmd_case_link(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "FROM KIND TO",
                       "Link case FROM to case TO (KIND: caused_by, duplicate_of, follow_up_of, "
                       "related).",
                       3, 3);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id from = 0, to = 0;
  crm_link_t kind = 0;
  crm_status st = cli_parse_id(&from, argv[1], "case");
  if (st == CRM_OK)
    st = cli_parse_link(&kind, argv[2]);
  if (st == CRM_OK)
    st = cli_parse_id(&to, argv[3], "case");
  if (st == CRM_OK)
    st = crm_case_link(cli->db, from, kind, to);
  return finish(cli, st, from);
}

int cmd_case_csat(cli_state *cli, int argc, char **argv)
{
  char *comment = NULL;
  GOptionEntry entries[] = {
      {"comment", 'm', 0, G_OPTION_ARG_STRING, &comment, "The customer's comment", "TEXT"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CASE SCORE",
                       "Record customer satisfaction (SCORE 1-5); a later score replaces the "
                       "earlier.",
                       2, 2);
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    int64_t score = 0;
    crm_status st = cli_parse_id(&id, argv[1], "case");
    if (st == CRM_OK)
      st = cli_parse_int(&score, argv[2], "score");
    if (st == CRM_OK && (score < G_MININT || score > G_MAXINT))
      st = cli_value_error("score %" G_GINT64_FORMAT " is not between 1 and 5", (gint64)score);
    if (st == CRM_OK)
      st = crm_case_set_csat(cli->db, id, (int)score, comment);
    code = finish(cli, st, id);
  }
  g_free(comment);
  return code;
}
