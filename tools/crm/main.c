/*
 * crm: the libcrm command-line tool. Global options, then one subcommand
 * ("customer add", "timeline", ...) found in the dispatch table below.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <locale.h>
#include <string.h>

typedef struct {
  const char *command; /* "customer" */
  const char *verb;    /* "add"; NULL for a command without verbs */
  cli_handler handler;
  const char *summary;
} command_entry;

static const command_entry commands[] = {
    {"init", NULL, cmd_init, "Create the database (or check an existing one)"},
    {"customer", "add", cmd_customer_add, "Add a customer, with identities and fields"},
    {"customer", "find", cmd_customer_find, "Find the customer owning an identity"},
    {"customer", "show", cmd_customer_show, "Show a customer, identities and cases"},
    {"customer", "prefs", cmd_customer_prefs, "Show or set contact preferences"},
    {"customer", "update", cmd_customer_update, "Change a customer's fields"},
    {"customer", "attr", cmd_customer_attr, "Read, set or remove a free attribute"},
    {"customer", "duplicates", cmd_customer_duplicates, "List likely duplicates of a customer"},
    {"customer", "merge", cmd_customer_merge, "Merge a duplicate into a customer"},
    {"customer", "unmerge", cmd_customer_unmerge, "Undo a merge"},
    {"customer", "export", cmd_customer_export, "Everything stored about a person, as JSON"},
    {"customer", "erase", cmd_customer_erase, "Erase a person (privacy law)"},
    {"identity", "add", cmd_identity_add, "Give a customer one more identity"},
    {"identity", "remove", cmd_identity_remove, "Remove an identity from a customer"},
    {"identity", "list", cmd_identity_list, "List a customer's identities"},
    {"case", "open", cmd_case_open, "Open a case for a customer"},
    {"case", "show", cmd_case_show, "Show a case, its tags and links"},
    {"case", "list", cmd_case_list, "List cases (the work list)"},
    {"case", "status", cmd_case_status, "Change a case's status"},
    {"case", "priority", cmd_case_priority, "Change a case's priority"},
    {"case", "assign", cmd_case_assign, "Assign a case to a queue and/or agent"},
    {"case", "tag", cmd_case_tag, "Add tags to a case"},
    {"case", "untag", cmd_case_untag, "Remove tags from a case"},
    {"case", "link", cmd_case_link, "Link a case to another"},
    {"case", "csat", cmd_case_csat, "Record a satisfaction score (1-5)"},
    {"contact", "record", cmd_contact_record, "Record a contact on any channel"},
    {"contact", "show", cmd_contact_show, "Show one recorded contact"},
    {"mail", "ingest", cmd_mail_ingest, "File e-mail: message files, an mbox or a Maildir"},
    {"mail", "reply", cmd_mail_reply, "Compose and record an agent's e-mail reply"},
    {"timeline", NULL, cmd_timeline, "A customer's or a case's contacts, newest first"},
    {"search", NULL, cmd_search, "Full-text search: contacts, case subjects, customer names"},
    {"queue", "create", cmd_queue_create, "Create a queue"},
    {"queue", "show", cmd_queue_show, "Show a queue"},
    {"queue", "skill", cmd_queue_skill, "Add skills to a queue"},
    {"agent", "create", cmd_agent_create, "Create an agent"},
    {"agent", "show", cmd_agent_show, "Show an agent"},
    {"agent", "join", cmd_agent_join, "Make an agent a member of a queue"},
    {"agent", "leave", cmd_agent_leave, "Remove an agent from a queue"},
    {"agent", "skill", cmd_agent_skill, "Add skills to an agent"},
    {"calendar", "define", cmd_calendar_define, "Store a business calendar from a JSON file"},
    {"calendar", "update", cmd_calendar_update, "Replace a stored calendar (a new version)"},
    {"calendar", "show", cmd_calendar_show, "Show a stored calendar"},
    {"policy", "define", cmd_policy_define, "Define an SLA policy from a JSON file"},
    {"policy", "update", cmd_policy_update, "Replace an SLA policy (a new version)"},
    {"policy", "show", cmd_policy_show, "Show an SLA policy's version"},
    {"sla", "tick", cmd_tick, "Record SLA warnings and breaches due (same as tick)"},
    {"sla", "due", cmd_sla_due, "Running SLA timers overdue or due soon"},
    {"sla", "show", cmd_sla_show, "A case's SLA clocks, as reported or recomputed"},
    {"incident", "open", cmd_incident_open, "Open an incident with its affected scope"},
    {"incident", "attach", cmd_incident_attach, "Attach customer cases to an incident"},
    {"incident", "scope", cmd_incident_scope, "Set, remove or show scope entries"},
    {"incident", "match", cmd_incident_match, "Open incidents covering a customer"},
    {"incident", "update", cmd_incident_update, "Publish an update to every linked case"},
    {"incident", "resolve", cmd_incident_resolve, "Resolve an incident and its linked cases"},
    {"incident", "show", cmd_incident_show, "Show an incident and its linked cases"},
    {"incident", "list", cmd_incident_list, "List incidents"},
    {"settings", "get", cmd_settings_get, "Show database settings"},
    {"settings", "set", cmd_settings_set, "Change a database setting"},
    {"events", NULL, cmd_events, "Print the event feed (audit log)"},
    {"tick", NULL, cmd_tick, "Do the time-driven work (auto-close, SLA)"},
    {"report", NULL, cmd_report, "Figures for a time range, by channel, queue, agent, day"},
};

static const char exit_codes_text[] =
    "Exit status:\n"
    "  0   success\n"
    "  2   usage error (unknown command or option, wrong arguments)\n"
    "  11  error (storage failure)\n"
    "  13  not found (unknown customer, case, agent...)\n"
    "  14  already exists\n"
    "  15  invalid value (also an unknown enum name or a malformed time)\n"
    "  16  conflict (stale --expect-version)\n"
    "  17  database busy\n"
    "  18  permission denied\n"
    "  19  not supported\n"
    "  20  database written by a newer libcrm\n"
    "  otherwise 10 + |libcrm status|\n";

static char *commands_help(const char *only)
{
  GString *text = g_string_new(only == NULL ? "Commands:\n" : "");
  int width = 0; /* of the longest "command verb" */
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    width = MAX(width, (int)(strlen(commands[i].command) + 1 +
                             (commands[i].verb ? strlen(commands[i].verb) : 0)));
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
    const command_entry *e = &commands[i];
    if (only != NULL && strcmp(only, e->command) != 0)
      continue;
    char *name = g_strdup_printf("%s%s%s", e->command, e->verb ? " " : "", e->verb ? e->verb : "");
    g_string_append_printf(text, "  %-*s  %s\n", width, name, e->summary);
    g_free(name);
  }
  return g_string_free(text, FALSE);
}

/* ---- the database -------------------------------------------------------------- */

static crm_time injected_clock(void *payload)
{
  return *(const crm_time *)payload;
}

/* The SQLite file a URI names, or NULL for other backends and :memory:. */
static const char *sqlite_path(const char *uri)
{
  if (g_str_has_prefix(uri, "postgresql://") || g_str_has_prefix(uri, "postgres:"))
    return NULL;
  const char *path = g_str_has_prefix(uri, "sqlite:") ? uri + strlen("sqlite:") : uri;
  return strcmp(path, ":memory:") == 0 ? NULL : path;
}

crm_status cli_open_db(cli_state *cli, gboolean create)
{
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  const char *path = sqlite_path(cli->db_uri);

  if (!create && path != NULL && !g_file_test(path, G_FILE_TEST_EXISTS)) {
    cli_value_error("no database at '%s' (create it with 'crm init', or give --db or CRM_DB)",
                    path);
    return CRM_ENOTFOUND;
  }
  opts.actor = cli->actor;
  opts.default_phone_region = cli->region;
  if (cli->now > 0) {
    opts.clock = injected_clock;
    opts.clock_payload = &cli->now;
  }
  return crm_open(&cli->db, cli->db_uri, &opts);
}

crm_status cli_transaction(cli_state *cli, cli_work_fn work, void *data)
{
  crm_status st = crm_begin(cli->db);
  if (st != CRM_OK)
    return st;
  st = work(cli, data);
  if (st != CRM_OK) {
    crm_rollback(cli->db); /* keeps the failed call's message in crm_error_last */
    return st;
  }
  return crm_commit(cli->db);
}

/* ---- subcommand options ----------------------------------------------------------- */

/* GOption leaves the "--" that ends the options in argv ("case open 1 --
   -subject"); it is not an argument. */
static void drop_separator(int *argc, char **argv)
{
  for (int i = 1; i < *argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof *argv);
      (*argc)--;
      return;
    }
  }
}

int cli_parse(cli_state *cli, int *argc, char ***argv, const GOptionEntry *entries,
              const char *params, const char *summary, int min_args, int max_args)
{
  GError *error = NULL;
  GOptionContext *ctx = g_option_context_new(params);
  char *prgname = g_strdup_printf("crm %s", cli->command);

  g_set_prgname(prgname);
  g_option_context_set_summary(ctx, summary);
  if (entries != NULL)
    g_option_context_add_main_entries(ctx, entries, NULL);
  gboolean parsed = g_option_context_parse(ctx, argc, argv, &error);
  g_option_context_free(ctx);
  g_set_prgname("crm");
  g_free(prgname);
  if (!parsed) {
    int code = cli_usage(cli, "%s", error->message);
    g_error_free(error);
    return code;
  }
  drop_separator(argc, *argv);
  int positional = *argc - 1;
  if (positional < min_args)
    return cli_usage(cli, "missing arguments: %s", params);
  if (max_args >= 0 && positional > max_args)
    return cli_usage(cli, "unexpected argument '%s' (usage: crm %s %s)", (*argv)[1 + max_args],
                     cli->command, params);
  crm_status st = cli_open_db(cli, cli->may_create);
  return st == CRM_OK ? CLI_EXIT_OK : cli_fail(cli, st);
}

/* ---- main --------------------------------------------------------------------------- */

static const command_entry *find_command(const char *command, const char *verb)
{
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
    const command_entry *e = &commands[i];
    if (strcmp(e->command, command) == 0 && (e->verb == NULL || g_strcmp0(e->verb, verb) == 0))
      return e;
  }
  return NULL;
}

static gboolean is_command(const char *command)
{
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    if (strcmp(commands[i].command, command) == 0)
      return TRUE;
  return FALSE;
}

/* Global options; argv is left with the subcommand first. */
static int parse_global(cli_state *cli, int *argc, char ***argv)
{
  char *db = NULL, *as = NULL, *region = NULL, *now = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_STRING, &db, "Database (default: $CRM_DB, else ./crm.db)", "URI"},
      {"json", 0, 0, G_OPTION_ARG_NONE, &cli->json, "Print machine-readable JSON", NULL},
      {"as", 0, 0, G_OPTION_ARG_STRING, &as, "Act as this agent (id)", "AGENT"},
      {"region", 0, 0, G_OPTION_ARG_STRING, &region,
       "Default phone region for national numbers (e.g. IT)", "CC"},
      {"now", 0, 0, G_OPTION_ARG_STRING, &now,
       "Pretend the time is TIME (default: $CRM_NOW, else the clock)", "TIME"},
      {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL},
      G_OPTION_ENTRY_NULL};
  GError *error = NULL;
  GOptionContext *ctx = g_option_context_new("COMMAND [VERB] [ARGUMENTS...]");
  char *listing = commands_help(NULL);
  char *description = g_strdup_printf(
      "%s\nRun 'crm COMMAND VERB --help' for a command's options.\n\n%s", listing, exit_codes_text);

  g_option_context_set_summary(ctx, "Customer care from the shell: customers, contacts on "
                                    "every channel, cases, queues, SLAs, incidents and the "
                                    "event feed.");
  g_option_context_set_description(ctx, description);
  g_option_context_set_strict_posix(ctx, TRUE); /* stop at the subcommand */
  g_option_context_add_main_entries(ctx, entries, NULL);
  gboolean parsed = g_option_context_parse(ctx, argc, argv, &error);
  g_option_context_free(ctx);
  g_free(listing);
  g_free(description);

  int code = CLI_EXIT_OK;
  if (!parsed) {
    code = cli_usage(cli, "%s", error->message);
    g_error_free(error);
  } else if (version) {
    int major = 0, minor = 0, patch = 0;
    crm_version(&major, &minor, &patch);
    char *text = g_strdup_printf("crm (libcrm) %d.%d.%d\n", major, minor, patch);
    cli_print_text(text);
    g_free(text);
    code = -1; /* done, exit 0 */
  } else {
    const char *env_db = g_getenv("CRM_DB");
    const char *env_now = g_getenv("CRM_NOW");
    cli->db_uri = g_strdup(db != NULL ? db : env_db != NULL && *env_db ? env_db : "./crm.db");
    if (as != NULL && cli_parse_id(&cli->actor, as, "agent") != CRM_OK)
      code = cli_fail(cli, CRM_EINVALID);
    else if (now == NULL && env_now != NULL && *env_now)
      now = g_strdup(env_now);
    if (code == CLI_EXIT_OK && now != NULL && cli_parse_time(&cli->now, now) != CRM_OK)
      code = cli_fail(cli, CRM_EINVALID);
    cli->region = region != NULL ? g_strdup(region) : NULL;
  }
  g_free(db);
  g_free(as);
  g_free(region);
  g_free(now);
  return code;
}

static int run_command(cli_state *cli, int argc, char **argv)
{
  if (argc < 2)
    return cli_usage(cli, "missing command (see crm --help)");
  const char *command = argv[1];
  const char *verb = argc > 2 ? argv[2] : NULL;
  const command_entry *e = find_command(command, verb);
  if (e == NULL) {
    if (!is_command(command))
      return cli_usage(cli, "unknown command '%s'", command);
    char *verbs = commands_help(command);
    if (g_strcmp0(verb, "--help") == 0 || g_strcmp0(verb, "-h") == 0) {
      char *help = g_strdup_printf("Usage:\n  crm %s VERB [OPTION...] [ARGUMENT...]\n\nVerbs:\n%s",
                                   command, verbs);
      cli_print_text(help);
      g_free(help);
      g_free(verbs);
      return CLI_EXIT_OK;
    }
    int code = verb == NULL || verb[0] == '-'
                   ? cli_usage(cli, "'%s' needs a verb:\n%s", command, verbs)
                   : cli_usage(cli, "unknown verb '%s %s'; one of:\n%s", command, verb, verbs);
    g_free(verbs);
    return code;
  }
  char *name = g_strdup_printf("%s%s%s", e->command, e->verb ? " " : "", e->verb ? e->verb : "");
  cli->command = name;
  cli->may_create = e->handler == cmd_init;
  int skip = e->verb != NULL ? 2 : 1; /* the handler's argv[0] is the verb (or the command) */
  int code = e->handler(cli, argc - skip, argv + skip);
  cli->command = NULL;
  g_free(name);
  return code;
}

int main(int argc, char **argv)
{
  cli_state cli = {0};

  setlocale(LC_ALL, ""); /* GLib's help text and messages in the user's charset */
  g_set_prgname("crm");
  int code = parse_global(&cli, &argc, &argv);
  if (code == CLI_EXIT_OK)
    code = run_command(&cli, argc, argv);
  else if (code < 0)
    code = CLI_EXIT_OK;
  crm_close(cli.db);
  g_free((char *)cli.db_uri);
  g_free((char *)cli.region);
  return code;
}
