/*
 * crm customer merge|unmerge|erase|export|duplicates: a customer's
 * lifecycle (crm/customer.h): finding and merging the duplicates of one
 * person, undoing a merge, the privacy-law export and erasure.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>

/* The customer (with identities and cases) and, under `key` (unless NULL),
   one more id. */
static int emit_customer_and(cli_state *cli, crm_id customer, const char *key, const char *label,
                             crm_id other)
{
  cli_obj *o = NULL;
  crm_status st = cli_describe_customer(&o, cli, customer, TRUE);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  if (key != NULL)
    cli_obj_id(o, key, label, other);
  return cli_emit_obj(cli, o);
}

/* Two customer references: the survivor and the one merged into it. */
static crm_status resolve_pair(cli_state *cli, crm_id *a, const char *text_a, crm_id *b,
                               const char *text_b)
{
  crm_status st = cli_resolve_customer(a, cli, text_a);
  return st == CRM_OK ? cli_resolve_customer(b, cli, text_b) : st;
}

int cmd_customer_merge(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "SURVIVOR MERGED",
                       "Merge customer MERGED into SURVIVOR: identities, cases, contacts, "
                       "preferences and attributes move to SURVIVOR (where both have a value, "
                       "SURVIVOR's wins). 'crm customer unmerge MERGED' undoes it.",
                       2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id survivor = 0, merged = 0;
  crm_status st = resolve_pair(cli, &survivor, argv[1], &merged, argv[2]);
  if (st == CRM_OK)
    st = crm_customer_merge(cli->db, survivor, merged);
  return st == CRM_OK ? emit_customer_and(cli, survivor, "merged", "Merged", merged)
                      : cli_fail(cli, st);
}

int cmd_customer_unmerge(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "MERGED",
                       "Undo the merge of customer MERGED (an id: its identities now belong to "
                       "the survivor): what the merge moved goes back. Merges undo last in, "
                       "first out.",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id merged = 0;
  crm_customer *c = NULL;
  crm_status st = cli_parse_id(&merged, argv[1], "customer");
  if (st == CRM_OK)
    st = crm_customer_lookup(&c, cli->db, merged); /* the survivor, while merged */
  crm_id survivor = c != NULL ? crm_customer_id(c) : 0;
  crm_customer_free(c);
  if (st == CRM_OK)
    st = crm_customer_unmerge(cli->db, merged);
  return st == CRM_OK ? emit_customer_and(cli, merged, "survivor", "Unmerged from", survivor)
                      : cli_fail(cli, st);
}

int cmd_customer_erase(cli_state *cli, int argc, char **argv)
{
  char *reason = NULL;
  GOptionEntry entries[] = {{"reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
                             "Why (required; no personal data: \"GDPR request 2026-17\")", "TEXT"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER",
                       "Erase a person (privacy law): every free text stored about them is "
                       "anonymised and their identities removed; cases, counters and SLA "
                       "figures stay for the reports. Cannot be undone.",
                       1, 1);
  if (code == CLI_EXIT_OK && reason == NULL)
    code = cli_usage(cli, "--reason is required");
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    crm_status st = cli_resolve_customer(&id, cli, argv[1]);
    if (st == CRM_OK)
      st = crm_customer_erase(cli->db, id, reason);
    code = st == CRM_OK ? emit_customer_and(cli, id, NULL, NULL, 0) : cli_fail(cli, st);
  }
  g_free(reason);
  return code;
}

/* ---- export ------------------------------------------------------------------------------ */

static crm_status write_file(const char *path, const char *text, size_t len)
{
  GError *error = NULL;
  if (g_file_set_contents(path, text, (gssize)len, &error))
    return CRM_OK;
  cli_value_error("cannot write '%s': %s", path, error->message);
  g_error_free(error);
  return CRM_ERROR;
}

int cmd_customer_export(cli_state *cli, int argc, char **argv)
{
  char *out = NULL;
  gboolean attachments = FALSE;
  GOptionEntry entries[] = {
      {"attachments", 0, 0, G_OPTION_ARG_NONE, &attachments,
       "Include each attachment's bytes (base64)", NULL},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the document to FILE", "FILE"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER",
                       "Everything stored about a person as one JSON document "
                       "(\"libcrm.customer-export\"): fields, identities, preferences, cases, "
                       "contacts, merges and events. Printed, or written to --out.",
                       1, 1);
  if (code == CLI_EXIT_OK) {
    crm_customer_export_options opts = CRM_CUSTOMER_EXPORT_OPTIONS_INIT;
    crm_buf doc = CRM_BUF_INIT;
    crm_id id = 0;
    opts.attachment_content = attachments;
    crm_status st = cli_resolve_customer(&id, cli, argv[1]);
    if (st == CRM_OK)
      st = crm_customer_export_ext(&doc, cli->db, id, &opts);
    if (st == CRM_OK && out != NULL)
      st = write_file(out, doc.ptr, doc.size);
    if (st != CRM_OK) {
      code = cli_fail(cli, st);
    } else if (out == NULL) {
      code = cli_emit_json_text(cli, doc.ptr);
    } else {
      cli_obj *o = cli_obj_new(cli);
      cli_obj_id(o, "customer", "Customer", id);
      cli_obj_str(o, "file", "Written to", out);
      cli_obj_int(o, "bytes", "Bytes", (int64_t)doc.size);
      code = cli_emit_obj(cli, o);
    }
    crm_buf_dispose(&doc);
  }
  g_free(out);
  return code;
}

/* ---- duplicates ---------------------------------------------------------------------------- */

static cli_obj *describe_duplicate(cli_state *cli, const crm_duplicate *d)
{
  cli_obj *o = cli_obj_new(cli);
  crm_customer *c = NULL;
  GPtrArray *reasons = g_ptr_array_new();
  uint32_t bits = crm_duplicate_reasons(d);
  for (int r = CRM_DUPLICATE_PHONE; crm_duplicate_reason_name(r) != NULL; r++)
    if (bits & (1u << r))
      g_ptr_array_add(reasons, (gpointer)crm_duplicate_reason_name(r));
  cli_obj_id(o, "customer", "Customer", crm_duplicate_customer(d));
  if (crm_customer_lookup(&c, cli->db, crm_duplicate_customer(d)) == CRM_OK)
    cli_obj_str(o, "name", "Name", crm_customer_name(c));
  else
    cli_obj_str(o, "name", "Name", NULL);
  cli_obj_int(o, "score", "Score", crm_duplicate_score(d));
  cli_obj_str(o, "reason", "Reason", crm_duplicate_reason_name(crm_duplicate_reason(d)));
  cli_obj_strv(o, "reasons", "Reasons", reasons);
  g_ptr_array_unref(reasons);
  crm_customer_free(c);
  return o;
}

int cmd_customer_duplicates(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "CUSTOMER",
                       "List the customers that are likely the same person (same phone number, "
                       "an alias of the same mailbox, same name and organisation, same postal "
                       "address), best score first.",
                       1, 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_duplicate_iterator *it = NULL;
  crm_duplicate *d = NULL;
  crm_id id = 0;
  crm_status st = cli_resolve_customer(&id, cli, argv[1]);
  if (st == CRM_OK)
    st = crm_customer_duplicates(&it, cli->db, id);
  cli_list *list = cli_list_new();
  while (st == CRM_OK && (st = crm_duplicate_next(&d, it)) == CRM_OK) {
    cli_list_add(list, describe_duplicate(cli, d));
    crm_duplicate_free(d);
  }
  crm_duplicate_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return cli_fail(cli, st);
  }
  if (cli_list_size(list) == 0)
    cli_note(cli, "(no likely duplicates)");
  return cli_emit_list(cli, list);
}
