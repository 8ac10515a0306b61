/*
 * crm mail ingest|reply: e-mail into cases (one message per file, an mbox
 * or a Maildir) and an agent's reply out of one.
 *
 * Each message is filed in its own transaction (crm_mail_ingest), so one bad
 * message never stops the others; ingesting the same mail again files
 * nothing twice (rule "duplicate").
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* ---- mail ingest ----------------------------------------------------------------- */

typedef struct {
  char *mbox, *maildir, *queue;
  crm_mail_options opts;
} ingest_args;

/* The customer's name, for the per-message line (NULL when unreadable). */
static char *customer_name(cli_state *cli, crm_id id)
{
  crm_customer *c = NULL;
  if (crm_customer_lookup(&c, cli->db, id) != CRM_OK)
    return NULL;
  char *name = g_strdup(crm_customer_name(c));
  crm_customer_free(c);
  return name;
}

static cli_obj *describe_filed(cli_state *cli, const char *file, const crm_mail_result *r)
{
  cli_obj *o = cli_obj_new(cli);
  char *name = customer_name(cli, r->customer);
  cli_obj_str(o, "file", "File", file);
  cli_obj_str(o, "rule", "Rule", crm_mail_rule_name(r->rule));
  cli_obj_id(o, "case", "Case", r->case_id);
  cli_obj_id(o, "customer", "Customer", r->customer);
  cli_obj_str(o, "customer_name", "Name", name);
  cli_obj_id(o, "interaction", "Contact", r->interaction);
  cli_obj_bool(o, "created_case", "New case", r->created_case);
  cli_obj_bool(o, "created_customer", NULL, r->created_customer);
  cli_obj_bool(o, "reopened", NULL, r->reopened);
  cli_obj_bool(o, "auto_generated", "Auto", r->auto_generated);
  g_free(name);
  return o;
}

/* Files one message file; CRM_OK with its line added to `filed`. */
static crm_status ingest_file(cli_list *filed, cli_state *cli, const char *path,
                              const crm_mail_options *opts)
{
  char *raw = NULL;
  gsize len = 0;
  crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
  crm_status st = cli_read_input(&raw, &len, path);
  if (st == CRM_OK)
    st = crm_mail_ingest(&r, cli->db, raw, len, opts);
  g_free(raw);
  if (st == CRM_OK)
    cli_list_add(filed, describe_filed(cli, path, &r));
  return st;
}

/* Every file is tried; the exit code is the first failure's (each failure
   is reported as it happens), after the filed ones are printed. */
static int ingest_files(cli_state *cli, int argc, char **argv, const crm_mail_options *opts)
{
  cli_list *filed = cli_list_new();
  int code = CLI_EXIT_OK;
  for (int i = 1; i < argc; i++) {
    crm_status st = ingest_file(filed, cli, argv[i], opts);
    if (st != CRM_OK) {
      char *where = g_strdup_printf("%s %s", cli->command, argv[i]);
      const char *command = cli->command;
      cli->command = where; /* "crm: mail ingest FILE: reason" */
      int failed = cli_fail(cli, st);
      cli->command = command;
      g_free(where);
      code = code == CLI_EXIT_OK ? failed : code;
    }
  }
  if (code == CLI_EXIT_OK || cli_list_size(filed) > 0)
    cli_emit_list(cli, filed);
  else
    cli_list_free(filed);
  return code;
}

static int import_progress(size_t done, size_t total, void *payload)
{
  cli_progress_update(payload, done, total);
  return 0;
}

/* The "<where>: <reason>" lines of an import's failures. */
static GPtrArray *failure_lines(const crm_buf *failures)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  char **split = g_strsplit(failures->ptr != NULL ? failures->ptr : "", "\n", -1);
  for (char **line = split; *line != NULL; line++)
    if (**line != '\0')
      g_ptr_array_add(lines, g_strdup(*line));
  g_strfreev(split);
  return lines;
}

static int import_mailbox(cli_state *cli, const ingest_args *a)
{
  gboolean mbox = a->mbox != NULL;
  const char *path = mbox ? a->mbox : a->maildir;
  crm_mail_import_stats stats = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  char *label = g_strdup_printf("Importing %s", path);
  cli_progress *bar = cli_progress_new(label);
  g_free(label);
  crm_status st =
      mbox ? crm_mail_import_mbox(&stats, cli->db, path, &a->opts, import_progress, bar)
           : crm_mail_import_maildir(&stats, cli->db, path, &a->opts, import_progress, bar);
  cli_progress_end(bar);
  if (st != CRM_OK) {
    crm_buf_dispose(&stats.failures);
    return cli_fail(cli, st);
  }
  cli_obj *o = cli_obj_new(cli);
  GPtrArray *failures = failure_lines(&stats.failures);
  cli_obj_str(o, "source", mbox ? "Mbox" : "Maildir", path);
  cli_obj_int(o, "filed", "Filed", (int64_t)stats.filed);
  cli_obj_int(o, "duplicate", "Duplicates", (int64_t)stats.duplicate);
  cli_obj_int(o, "auto_generated", "Auto-generated", (int64_t)stats.auto_generated);
  cli_obj_int(o, "failed", "Failed", (int64_t)stats.failed);
  cli_obj_strv(o, "failures", "Failures", failures);
  g_ptr_array_unref(failures);
  crm_buf_dispose(&stats.failures);
  return cli_emit_obj(cli, o);
}

int cmd_mail_ingest(cli_state *cli, int argc, char **argv)
{
  ingest_args a = {0};
  GOptionEntry entries[] = {{"mbox", 0, 0, G_OPTION_ARG_FILENAME, &a.mbox,
                             "Import every message of an mbox file", "FILE"},
                            {"maildir", 0, 0, G_OPTION_ARG_FILENAME, &a.maildir,
                             "Import every message of a Maildir (new/ and cur/)", "DIR"},
                            {"queue", 'q', 0, G_OPTION_ARG_STRING, &a.queue,
                             "Queue for new cases (default: none)", "QUEUE"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "[FILE...]",
                       "File e-mail (RFC 5322 messages) into cases: one message per FILE ('-': "
                       "standard input), or a whole --mbox or --maildir. Prints the rule that "
                       "filed each message (duplicate, in_reply_to, references, subject_tag, "
                       "new_case), or the totals of an import (with a progress bar on a "
                       "terminal). Mail filed before is not filed twice.",
                       0, -1);
  int sources = (argc > 1) + (a.mbox != NULL) + (a.maildir != NULL);
  if (code == CLI_EXIT_OK && sources != 1)
    code = cli_usage(cli, sources == 0 ? "give message FILEs, --mbox FILE or --maildir DIR"
                                       : "give either message FILEs, --mbox or --maildir");
  if (code == CLI_EXIT_OK) {
    crm_mail_options_init(&a.opts, CRM_MAIL_OPTIONS_VERSION);
    crm_status st =
        a.queue != NULL ? cli_parse_optional_id(&a.opts.queue, a.queue, "queue") : CRM_OK;
    if (st != CRM_OK)
      code = cli_fail(cli, st);
    else if (argc > 1)
      code = ingest_files(cli, argc, argv, &a.opts);
    else
      code = import_mailbox(cli, &a);
  }
  g_free(a.mbox);
  g_free(a.maildir);
  g_free(a.queue);
  return code;
}

/* ---- mail reply -------------------------------------------------------------------- */

typedef struct {
  char *body, *body_file, *agent, *from, *out;
  crm_id case_id, agent_id;
  char *body_text; /* read from --body-file */
  crm_mail_options opts;
  crm_buf raw;
} reply_args;

/* Composes and records the reply; with --out, writes it in the same
   transaction, so a reply that could not be written is not recorded. */
static crm_status reply_work(cli_state *cli, void *data)
{
  reply_args *a = data;
  const char *body = a->body_text != NULL ? a->body_text : a->body;
  crm_status st = crm_mail_reply(&a->raw, cli->db, a->case_id, a->agent_id, body, &a->opts);
  GError *error = NULL;
  if (st == CRM_OK && a->out != NULL &&
      !g_file_set_contents(a->out, a->raw.ptr, (gssize)a->raw.size, &error)) {
    cli_value_error("%s", error->message);
    g_error_free(error);
    st = CRM_ERROR;
  }
  return st;
}

/* One header of the composed message, unfolded ("" when absent). */
static char *header_value(const char *raw, const char *name)
{
  GString *value = NULL;
  size_t name_len = strlen(name);
  for (const char *line = raw; *line != '\0' && *line != '\r' && *line != '\n';) {
    const char *end = line + strcspn(line, "\r\n");
    gboolean continued = *line == ' ' || *line == '\t';
    if (value != NULL && !continued)
      break;
    if (value != NULL)
      g_string_append_len(value, line, end - line);
    else if (g_ascii_strncasecmp(line, name, name_len) == 0 && line[name_len] == ':')
      value = g_string_new_len(line + name_len + 1, end - line - (gssize)name_len - 1);
    line = end + strspn(end, "\r") + (end[strspn(end, "\r")] == '\n');
  }
  return value != NULL ? g_strstrip(g_string_free(value, FALSE)) : g_strdup("");
}

/* The outbound interaction the reply recorded (its external_ref is the
   Message-ID), searched newest first in the case's timeline; 0 if none. */
static crm_status find_reply(crm_interaction **out, cli_state *cli, crm_id case_id,
                             const char *message_id)
{
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  crm_timeline_iterator *it = NULL;
  crm_interaction *ix = NULL;
  *out = NULL;
  q.case_id = case_id;
  crm_status st = crm_timeline_iterator_new(&it, cli->db, &q);
  while (st == CRM_OK && *out == NULL && (st = crm_timeline_next(&ix, it)) == CRM_OK) {
    if (g_strcmp0(crm_interaction_external_ref(ix), message_id) == 0)
      *out = ix;
    else
      crm_interaction_free(ix);
  }
  crm_timeline_iterator_free(it);
  return st == CRM_ITEROVER ? CRM_OK : st;
}

/* With --json or --out: what was sent to whom (the message itself only
   in JSON without --out). */
static int emit_reply_summary(cli_state *cli, const reply_args *a)
{
  char *message_id = header_value(a->raw.ptr, "Message-ID");
  char *to = header_value(a->raw.ptr, "To");
  crm_interaction *ix = NULL;
  crm_status st = find_reply(&ix, cli, a->case_id, message_id);
  if (st != CRM_OK) {
    g_free(message_id);
    g_free(to);
    return cli_fail(cli, st);
  }
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "case", "Case", a->case_id);
  cli_obj_id(o, "interaction", "Contact", ix != NULL ? crm_interaction_id(ix) : 0);
  cli_obj_str(o, "to", "To", to);
  cli_obj_str(o, "subject", "Subject", ix != NULL ? crm_interaction_subject(ix) : NULL);
  cli_obj_str(o, "message_id", "Message-ID", message_id);
  cli_obj_int(o, "bytes", "Bytes", (int64_t)a->raw.size);
  cli_obj_str(o, "out", "Written to", a->out);
  if (a->out == NULL) {
    char *text = g_utf8_make_valid(a->raw.ptr, (gssize)a->raw.size);
    cli_obj_str(o, "message", NULL, text);
    g_free(text);
  }
  crm_interaction_free(ix);
  g_free(message_id);
  g_free(to);
  return cli_emit_obj(cli, o);
}

int cmd_mail_reply(cli_state *cli, int argc, char **argv)
{
  reply_args a = {0};
  GOptionEntry entries[] = {
      {"body", 'b', 0, G_OPTION_ARG_STRING, &a.body, "The reply's text", "TEXT"},
      {"body-file", 0, 0, G_OPTION_ARG_FILENAME, &a.body_file,
       "Read the reply's text (UTF-8) from FILE ('-': standard input)", "FILE"},
      {"agent", 0, 0, G_OPTION_ARG_STRING, &a.agent, "The replying agent (default: --as)", "AGENT"},
      {"from", 0, 0, G_OPTION_ARG_STRING, &a.from,
       "From: address (default: the first helpdesk_addresses setting)", "ADDR"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out,
       "Write the message to FILE instead of standard output", "FILE"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CASE",
                       "Compose the agent's e-mail reply to CASE's customer, record it as the "
                       "case's outbound e-mail (a public reply: it counts for the SLA) and print "
                       "the RFC 5322 message for your mailer to send (e.g. | sendmail -t).",
                       1, 1);
  if (code == CLI_EXIT_OK && (a.body != NULL) == (a.body_file != NULL))
    code = cli_usage(cli, "give either --body or --body-file");
  if (code == CLI_EXIT_OK) {
    gsize len = 0;
    crm_mail_options_init(&a.opts, CRM_MAIL_OPTIONS_VERSION);
    a.opts.from_address = a.from;
    crm_status st = cli_parse_id(&a.case_id, argv[1], "case");
    a.agent_id = cli->actor;
    if (st == CRM_OK && a.agent != NULL)
      st = cli_parse_optional_id(&a.agent_id, a.agent, "agent");
    if (st == CRM_OK && a.body_file != NULL)
      st = cli_read_input(&a.body_text, &len, a.body_file);
    if (st == CRM_OK)
      st = cli_transaction(cli, reply_work, &a);
    if (st != CRM_OK)
      code = cli_fail(cli, st);
    else if (cli->json || a.out != NULL)
      code = emit_reply_summary(cli, &a);
    else
      cli_print_bytes(a.raw.ptr, a.raw.size);
  }
  crm_buf_dispose(&a.raw);
  g_free(a.body);
  g_free(a.body_file);
  g_free(a.body_text);
  g_free(a.agent);
  g_free(a.from);
  g_free(a.out);
  return code;
}
