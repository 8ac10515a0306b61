/*
 * crm search: full-text search over contacts, case subjects and customer
 * names (crm/search.h), best first, paged by cursor (--limit, --after).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "cli.h"

/* --kind NAME (repeatable, or comma separated): the kinds mask. */
static crm_status parse_kinds(uint32_t *out, char **names)
{
  *out = 0;
  for (char **n = names; n && *n; n++) {
    char **parts = g_strsplit(*n, ",", -1);
    crm_status st = CRM_OK;
    for (char **p = parts; st == CRM_OK && *p; p++) {
      crm_search_kind_t k = 0;
      for (int i = CRM_SEARCH_INTERACTION; i <= CRM_SEARCH_CUSTOMER; i++)
        if (strcmp(*p, crm_search_kind_name((crm_search_kind_t)i)) == 0)
          k = (crm_search_kind_t)i;
      if (strcmp(*p, "contact") == 0)
        k = CRM_SEARCH_INTERACTION;
      if (k == 0)
        st = cli_value_error("unknown kind '%s' (interaction, case, customer)", *p);
      *out |= 1u << k;
    }
    g_strfreev(parts);
    if (st != CRM_OK)
      return st;
  }
  return CRM_OK;
}

static cli_obj *describe_hit(cli_state *cli, const crm_search_hit *h)
{
  cli_obj *o = cli_obj_new(cli);
  cli_obj_str(o, "kind", "Kind", crm_search_kind_name(crm_search_hit_kind(h)));
  cli_obj_id(o, "id", "Id", crm_search_hit_id(h));
  cli_obj_id(o, "customer", "Customer", crm_search_hit_customer(h));
  cli_obj_id(o, "case", "Case", crm_search_hit_case(h));
  char rank[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(rank, sizeof rank, "%.4f", crm_search_hit_rank(h));
  cli_obj_json(o, "rank", "Rank", rank); /* a number in --json */
  cli_obj_str(o, "snippet", "Snippet", crm_search_hit_snippet(h));
  cli_obj_str(o, "cursor", "Cursor", crm_search_hit_cursor(h));
  return o;
}

static crm_status search_rows(cli_list **out, char **last, cli_state *cli, const char *query,
                              const crm_search_options *o)
{
  crm_search_iterator *it = NULL;
  crm_search_hit *h = NULL;
  *out = NULL;
  crm_status st = crm_search(&it, cli->db, query, o);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_search_next(&h, it)) == CRM_OK) {
    cli_list_add(list, describe_hit(cli, h));
    g_free(*last);
    *last = g_strdup(crm_search_hit_cursor(h));
    crm_search_hit_free(h);
  }
  crm_search_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

int cmd_search(cli_state *cli, int argc, char **argv)
{
  char **kinds = NULL, *after = NULL;
  gint64 limit = 20;
  GOptionEntry entries[] = {
      {"kind", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &kinds,
       "Only hits of this kind: interaction, case, customer (repeatable)", "KIND"},
      {"limit", 'n', 0, G_OPTION_ARG_INT64, &limit, "At most N hits (default 20; 0: all)", "N"},
      {"after", 'a', 0, G_OPTION_ARG_STRING, &after,
       "Continue after this hit (the cursor of the last one of the previous page)", "CURSOR"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "QUERY",
                       "Full-text search over contacts, case subjects and customer names, best "
                       "first. QUERY: words (all must match), \"a phrase\", prefix*.",
                       1, 1);
  if (code == CLI_EXIT_OK) {
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    cli_list *list = NULL;
    char *last = NULL;
    crm_status st = parse_kinds(&o.kinds, kinds);
    if (st == CRM_OK && (limit < 0 || limit > G_MAXUINT))
      st = cli_value_error("limit %" G_GINT64_FORMAT " is out of range", limit);
    o.limit = (unsigned int)limit;
    o.after = after;
    if (st == CRM_OK)
      st = search_rows(&list, &last, cli, argv[1], &o);
    gboolean full_page = st == CRM_OK && o.limit > 0 && cli_list_size(list) == o.limit;
    code = st == CRM_OK ? cli_emit_list(cli, list) : cli_fail(cli, st);
    if (full_page)
      cli_note(cli, "(next page: --after %s)", last);
    g_free(last);
  }
  g_strfreev(kinds);
  g_free(after);
  return code;
}
