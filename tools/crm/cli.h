/*
 * crm, the libcrm command-line tool: what the command files share.
 *
 * main.c parses the global options and dispatches to one handler per
 * "concept verb" (cmd_*.c). Handlers parse their own options with a
 * GOptionContext (cli_parse), call libcrm, describe the result as cli_obj /
 * cli_list values and hand them to output.c, the only place that prints.
 *
 * Exit codes: 0 success, 2 usage error, otherwise 10 + |libcrm status|
 * (CRM_ENOTFOUND -3 exits 13, CRM_EINVALID -5 exits 15). A value the tool
 * itself cannot understand (an unknown channel name, a malformed time) is
 * reported like the library reports a bad value: CRM_EINVALID, exit 15.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CLI_H
#define CRM_CLI_H

#include <crm.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#define CLI_EXIT_OK    0
#define CLI_EXIT_USAGE 2

/* Exit code of a libcrm status: 10 + |status| (0 for CRM_OK). */
#define CLI_EXIT_OF(status) ((status) == CRM_OK ? CLI_EXIT_OK : 10 - (status))

/* The state every handler gets: the global options and the open database. */
typedef struct {
  const char *db_uri;  /* --db, else $CRM_DB, else ./crm.db */
  gboolean json;       /* --json */
  crm_id actor;        /* --as */
  const char *region;  /* --region */
  crm_time now;        /* --now / $CRM_NOW; 0: the system clock */
  crm_db *db;          /* opened by main before the handler runs */
  const char *command; /* "customer add", for messages and --help */
  gboolean may_create; /* the command may create the database (init) */
} cli_state;

/* One handler: argc/argv start with the verb (argv[0]), options follow. */
typedef int (*cli_handler)(cli_state *cli, int argc, char **argv);

/* ---- option parsing (main.c) -------------------------------------------- */

/*
 * Parse a subcommand's options with a GOptionContext named after the
 * command; on return argv holds the positional arguments after argv[0].
 * `params` is the usage's parameter string ("CUSTOMER KIND VALUE"),
 * `min_args`/`max_args` the number of positional arguments allowed
 * (max_args -1: any). Returns CLI_EXIT_OK or CLI_EXIT_USAGE (printed).
 */
int cli_parse(cli_state *cli, int *argc, char ***argv, const GOptionEntry *entries,
              const char *params, const char *summary, int min_args, int max_args);

/*
 * Run `work` in one transaction (crm_begin/crm_commit): a command that makes
 * several calls writes all or nothing. Returns work's status (after a
 * rollback) or the commit's.
 */
typedef crm_status (*cli_work_fn)(cli_state *cli, void *data);
crm_status cli_transaction(cli_state *cli, cli_work_fn work, void *data);

/* ---- value parsing (parse.c) -------------------------------------------- */

/* Each returns CRM_OK, or CRM_EINVALID with a message for cli_fail (see
   cli_value_error). */
crm_status cli_parse_id(crm_id *out, const char *text, const char *what);
crm_status cli_parse_int(int64_t *out, const char *text, const char *what);
/* ISO 8601 ("2025-11-03T09:15:00+01:00", "2025-11-03 09:15" local time,
   "2025-11-03") or epoch seconds. */
crm_status cli_parse_time(crm_time *out, const char *text);
/* Seconds: "3600", or units w d h m s ("90m", "4h", "1d 2h", "1h30m"). */
crm_status cli_parse_duration(int64_t *out, const char *text);
/* "none", "0" or an id. */
crm_status cli_parse_optional_id(crm_id *out, const char *text, const char *what);
/* A customer: an id, an e-mail address, a "+..." phone number, or
   KIND:VALUE with KIND an identity kind name ("external:M-1234"). */
crm_status cli_resolve_customer(crm_id *out, cli_state *cli, const char *text);

/* The bytes of a file ("-": standard input; g_free). CRM_ENOTFOUND for a
   missing file, CRM_ERROR for an unreadable one. */
crm_status cli_read_input(char **data, gsize *len, const char *path);
/* A file holding one JSON object (calendar and policy definitions); the
   object lives as long as *parser (g_object_unref). */
crm_status cli_load_json_object(JsonParser **parser, JsonObject **out, const char *path);

/* Enum names, by walking libcrm's crm_*_name functions; '-' may stand for
   '_' ("in-person"). An unknown name fails naming the accepted ones. */
crm_status cli_parse_channel(crm_channel_t *out, const char *text);
crm_status cli_parse_direction(crm_direction_t *out, const char *text);
crm_status cli_parse_outcome(crm_outcome_t *out, const char *text);
crm_status cli_parse_identity_kind(crm_identity_kind_t *out, const char *text);
crm_status cli_parse_case_status(crm_case_status_t *out, const char *text);
crm_status cli_parse_priority(crm_priority_t *out, const char *text);
crm_status cli_parse_case_kind(crm_case_kind_t *out, const char *text);
crm_status cli_parse_link(crm_link_t *out, const char *text);
crm_status cli_parse_role(crm_role_t *out, const char *text);
crm_status cli_parse_customer_status(crm_customer_status_t *out, const char *text);
crm_status cli_parse_sla_metric(crm_sla_metric_t *out, const char *text);

/* Record a bad value found by the tool itself; returns CRM_EINVALID and
   cli_fail prints this message instead of libcrm's (output.c). */
crm_status cli_value_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Open cli->db (done by cli_parse after a successful parse). `create`:
   init may create the database; other commands refuse a missing SQLite
   file (a typo in --db should not leave a new empty database behind). */
crm_status cli_open_db(cli_state *cli, gboolean create);

/* ---- results: objects and lists (output.c) ------------------------------ */

/*
 * An object is an ordered list of fields, printed as one JSON object (keys)
 * or as aligned "Label: value" lines (labels). A field with a NULL label
 * appears in JSON only. A list of objects prints as a JSON array or as a
 * table whose columns are the labelled fields of its objects.
 */
typedef struct cli_obj cli_obj;
typedef struct cli_list cli_list;

cli_obj *cli_obj_new(cli_state *cli);
void cli_obj_free(cli_obj *o);
void cli_obj_id(cli_obj *o, const char *key, const char *label, crm_id id); /* 0: none */
void cli_obj_int(cli_obj *o, const char *key, const char *label, int64_t value);
void cli_obj_str(cli_obj *o, const char *key, const char *label, const char *text); /* NULL: none */
void cli_obj_bool(cli_obj *o, const char *key, const char *label, gboolean value);
void cli_obj_time(cli_obj *o, const char *key, const char *label, crm_time t); /* 0: none */
void cli_obj_strv(cli_obj *o, const char *key, const char *label, GPtrArray *strings);
/* Seconds: a number in JSON, "2d 4h" for humans. */
void cli_obj_duration(cli_obj *o, const char *key, const char *label, int64_t seconds);
/* A JSON value parsed from text (an event payload); shown as the text. */
void cli_obj_json(cli_obj *o, const char *key, const char *label, const char *json_text);
/* Takes ownership of `child` (an object or a list). */
void cli_obj_obj(cli_obj *o, const char *key, const char *label, cli_obj *child);
void cli_obj_list(cli_obj *o, const char *key, const char *label, cli_list *child);

cli_list *cli_list_new(void);
void cli_list_free(cli_list *l);
void cli_list_add(cli_list *l, cli_obj *o); /* takes ownership */
size_t cli_list_size(const cli_list *l);

/* Print (JSON or human) and free; return CLI_EXIT_OK. */
int cli_emit_obj(cli_state *cli, cli_obj *o);
int cli_emit_list(cli_state *cli, cli_list *l);
/* A JSON document (an export) printed as indented JSON in both modes. */
int cli_emit_json_text(cli_state *cli, const char *json_text);
/* One compact JSON line (or one table-less line) per object: for streams. */
void cli_emit_stream_item(cli_state *cli, cli_obj *o);
/* A note for humans on stderr (not in --json mode): hints, "no cases". */
void cli_note(cli_state *cli, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* A progress bar on stderr, only when stderr is a terminal: new returns
   NULL otherwise, and update/end accept NULL. `what` labels the bar;
   total 0: not known in advance (a count is shown). end clears the line. */
typedef struct cli_progress cli_progress;
cli_progress *cli_progress_new(const char *what);
void cli_progress_update(cli_progress *p, size_t done, size_t total);
void cli_progress_end(cli_progress *p);

/* Raw bytes to stdout (a composed e-mail). */
void cli_print_bytes(const void *data, size_t len);

/* ---- failures (output.c) ------------------------------------------------ */

/* Print libcrm's last error for `st` and return its exit code. */
int cli_fail(cli_state *cli, crm_status st);
/* Print a usage error (and where to get help) and return CLI_EXIT_USAGE. */
int cli_usage(cli_state *cli, const char *format, ...) G_GNUC_PRINTF(2, 3);
/* Plain text to stdout/stderr for main's help listing. */
void cli_print_text(const char *text);
void cli_print_error(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* ---- shared describers (the objects several commands print) -------------- */

/* Look the object up and describe it; CRM_OK or the lookup's status. */
crm_status cli_describe_customer(cli_obj **out, cli_state *cli, crm_id id, gboolean details);
crm_status cli_describe_case(cli_obj **out, cli_state *cli, crm_id id, gboolean details);
cli_obj *cli_describe_case_row(cli_state *cli, const crm_case *c);
cli_obj *cli_describe_interaction(cli_state *cli, const crm_interaction *ix, gboolean details);

/* ---- handlers (cmd_*.c) -------------------------------------------------- */

int cmd_init(cli_state *cli, int argc, char **argv);
int cmd_customer_add(cli_state *cli, int argc, char **argv);
int cmd_customer_find(cli_state *cli, int argc, char **argv);
int cmd_customer_show(cli_state *cli, int argc, char **argv);
int cmd_customer_prefs(cli_state *cli, int argc, char **argv);
int cmd_customer_update(cli_state *cli, int argc, char **argv);
int cmd_customer_attr(cli_state *cli, int argc, char **argv);
int cmd_customer_duplicates(cli_state *cli, int argc, char **argv);
int cmd_customer_merge(cli_state *cli, int argc, char **argv);
int cmd_customer_unmerge(cli_state *cli, int argc, char **argv);
int cmd_customer_export(cli_state *cli, int argc, char **argv);
int cmd_customer_erase(cli_state *cli, int argc, char **argv);
int cmd_identity_add(cli_state *cli, int argc, char **argv);
int cmd_identity_remove(cli_state *cli, int argc, char **argv);
int cmd_identity_list(cli_state *cli, int argc, char **argv);
int cmd_case_open(cli_state *cli, int argc, char **argv);
int cmd_case_show(cli_state *cli, int argc, char **argv);
int cmd_case_list(cli_state *cli, int argc, char **argv);
int cmd_case_status(cli_state *cli, int argc, char **argv);
int cmd_case_priority(cli_state *cli, int argc, char **argv);
int cmd_case_assign(cli_state *cli, int argc, char **argv);
int cmd_case_tag(cli_state *cli, int argc, char **argv);
int cmd_case_untag(cli_state *cli, int argc, char **argv);
int cmd_case_link(cli_state *cli, int argc, char **argv);
int cmd_case_csat(cli_state *cli, int argc, char **argv);
int cmd_contact_record(cli_state *cli, int argc, char **argv);
int cmd_contact_show(cli_state *cli, int argc, char **argv);
int cmd_timeline(cli_state *cli, int argc, char **argv);
int cmd_search(cli_state *cli, int argc, char **argv);
int cmd_queue_create(cli_state *cli, int argc, char **argv);
int cmd_queue_show(cli_state *cli, int argc, char **argv);
int cmd_queue_skill(cli_state *cli, int argc, char **argv);
int cmd_agent_create(cli_state *cli, int argc, char **argv);
int cmd_agent_show(cli_state *cli, int argc, char **argv);
int cmd_agent_join(cli_state *cli, int argc, char **argv);
int cmd_agent_leave(cli_state *cli, int argc, char **argv);
int cmd_agent_skill(cli_state *cli, int argc, char **argv);
int cmd_calendar_define(cli_state *cli, int argc, char **argv);
int cmd_calendar_update(cli_state *cli, int argc, char **argv);
int cmd_calendar_show(cli_state *cli, int argc, char **argv);
int cmd_policy_define(cli_state *cli, int argc, char **argv);
int cmd_policy_update(cli_state *cli, int argc, char **argv);
int cmd_policy_show(cli_state *cli, int argc, char **argv);
int cmd_sla_due(cli_state *cli, int argc, char **argv);
int cmd_sla_show(cli_state *cli, int argc, char **argv);
int cmd_incident_open(cli_state *cli, int argc, char **argv);
int cmd_incident_attach(cli_state *cli, int argc, char **argv);
int cmd_incident_scope(cli_state *cli, int argc, char **argv);
int cmd_incident_match(cli_state *cli, int argc, char **argv);
int cmd_incident_update(cli_state *cli, int argc, char **argv);
int cmd_incident_resolve(cli_state *cli, int argc, char **argv);
int cmd_incident_show(cli_state *cli, int argc, char **argv);
int cmd_incident_list(cli_state *cli, int argc, char **argv);
int cmd_settings_get(cli_state *cli, int argc, char **argv);
int cmd_settings_set(cli_state *cli, int argc, char **argv);
int cmd_events(cli_state *cli, int argc, char **argv);
int cmd_tick(cli_state *cli, int argc, char **argv);
int cmd_mail_ingest(cli_state *cli, int argc, char **argv);
int cmd_mail_reply(cli_state *cli, int argc, char **argv);
int cmd_report(cli_state *cli, int argc, char **argv);

#endif
