/*
 * crm timeline: a customer's or a case's contacts across every channel,
 * newest first, paged by keyset (--limit, --before CONTACT).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

typedef struct {
  char *case_id, *before, *until;
  gint64 limit;
} timeline_args;

/* Where the page starts: after contact --before, or before time --until. */
static crm_status page_start(crm_timeline_query *q, cli_state *cli, const timeline_args *a)
{
  crm_status st = CRM_OK;
  if (a->before != NULL && a->until != NULL)
    return cli_value_error("--before and --until exclude each other");
  if (a->limit < 0 || a->limit > G_MAXUINT)
    return cli_value_error("limit %" G_GINT64_FORMAT " is out of range", a->limit);
  q->limit = (unsigned int)a->limit;
  if (a->until != NULL)
    return cli_parse_time(&q->before, a->until);
  if (a->before != NULL) {
    crm_interaction *ix = NULL;
    st = cli_parse_id(&q->before_id, a->before, "contact");
    if (st == CRM_OK)
      st = crm_interaction_lookup(&ix, cli->db, q->before_id);
    if (st == CRM_OK)
      q->before = crm_interaction_occurred_at(ix);
    crm_interaction_free(ix);
  }
  return st;
}

static crm_status timeline_rows(cli_list **out, crm_id *last, cli_state *cli,
                                const crm_timeline_query *q)
{
  crm_timeline_iterator *it = NULL;
  crm_interaction *ix = NULL;
  *out = NULL;
  crm_status st = crm_timeline_iterator_new(&it, cli->db, q);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_timeline_next(&ix, it)) == CRM_OK) {
    cli_list_add(list, cli_describe_interaction(cli, ix, FALSE));
    *last = crm_interaction_id(ix);
    crm_interaction_free(ix);
  }
  crm_timeline_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

int cmd_timeline(cli_state *cli, int argc, char **argv)
{
  timeline_args a = {0};
  GOptionEntry entries[] = {
      {"case", 'c', 0, G_OPTION_ARG_STRING, &a.case_id, "A case's timeline instead", "CASE"},
      {"limit", 'n', 0, G_OPTION_ARG_INT64, &a.limit, "At most N contacts (0: all)", "N"},
      {"before", 'b', 0, G_OPTION_ARG_STRING, &a.before,
       "Continue after this contact (the last one of the previous page)", "CONTACT"},
      {"until", 0, 0, G_OPTION_ARG_STRING, &a.until, "Only contacts that happened before TIME",
       "TIME"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "[CUSTOMER]",
                       "A customer's (or with --case, a case's) contacts on every channel, "
                       "newest first.",
                       0, 1);
  if (code == CLI_EXIT_OK && (argc == 2) == (a.case_id != NULL))
    code = cli_usage(cli, "give either CUSTOMER or --case CASE");
  if (code == CLI_EXIT_OK) {
    crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
    cli_list *list = NULL;
    crm_id last = 0;
    crm_status st = page_start(&q, cli, &a);
    if (st == CRM_OK)
      st = a.case_id != NULL ? cli_parse_id(&q.case_id, a.case_id, "case")
                             : cli_resolve_customer(&q.customer, cli, argv[1]);
    if (st == CRM_OK)
      st = timeline_rows(&list, &last, cli, &q);
    gboolean full_page = st == CRM_OK && q.limit > 0 && cli_list_size(list) == q.limit;
    code = st == CRM_OK ? cli_emit_list(cli, list) : cli_fail(cli, st);
    if (full_page)
      cli_note(cli, "(next page: --before %" G_GINT64_FORMAT ")", (gint64)last);
  }
  g_free(a.case_id);
  g_free(a.before);
  g_free(a.until);
  return code;
}
