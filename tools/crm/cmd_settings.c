/*
 * crm init, crm settings get|set, crm tick: the database as a whole.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

/* The settings libcrm knows (crm/db.h), listed by "settings get". */
static const char *const known_settings[] = {"reopen_window", "autoclose_after", "subject_tag",
                                             "helpdesk_addresses"};

int cmd_init(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "",
                       "Create the database named by --db (or $CRM_DB, else ./crm.db); an "
                       "existing database is checked and left as it is.",
                       0, 0);
  if (code != CLI_EXIT_OK)
    return code;
  int major = 0, minor = 0, patch = 0;
  crm_version(&major, &minor, &patch);
  char *version = g_strdup_printf("%d.%d.%d", major, minor, patch);
  cli_obj *o = cli_obj_new(cli);
  cli_obj_str(o, "db", "Database", cli->db_uri);
  cli_obj_str(o, "libcrm", "libcrm", version);
  g_free(version);
  return cli_emit_obj(cli, o);
}

static crm_status setting_obj(cli_obj **out, cli_state *cli, const char *name)
{
  crm_buf value = CRM_BUF_INIT;
  *out = NULL;
  crm_status st = crm_setting_get(&value, cli->db, name);
  if (st != CRM_OK)
    return st;
  *out = cli_obj_new(cli);
  cli_obj_str(*out, "name", "Name", name);
  cli_obj_str(*out, "value", "Value", value.ptr);
  crm_buf_dispose(&value);
  return CRM_OK;
}

int cmd_settings_get(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "[NAME]",
                       "Show one setting, or all: reopen_window and autoclose_after (seconds), "
                       "subject_tag, helpdesk_addresses.",
                       0, 1);
  if (code != CLI_EXIT_OK)
    return code;
  cli_obj *o = NULL;
  crm_status st = CRM_OK;
  if (argc == 2) {
    st = setting_obj(&o, cli, argv[1]);
    return st == CRM_OK ? cli_emit_obj(cli, o) : cli_fail(cli, st);
  }
  cli_list *list = cli_list_new();
  for (size_t i = 0; i < G_N_ELEMENTS(known_settings) && st == CRM_OK; i++) {
    st = setting_obj(&o, cli, known_settings[i]);
    if (st == CRM_OK)
      cli_list_add(list, o);
  }
  if (st != CRM_OK) {
    cli_list_free(list);
    return cli_fail(cli, st);
  }
  return cli_emit_list(cli, list);
}

int cmd_settings_set(cli_state *cli, int argc, char **argv)
{
  int code = cli_parse(cli, &argc, &argv, NULL, "NAME VALUE", "Change a database setting.", 2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  cli_obj *o = NULL;
  crm_status st = crm_setting_set(cli->db, argv[1], argv[2]);
  if (st == CRM_OK)
    st = setting_obj(&o, cli, argv[1]);
  return st == CRM_OK ? cli_emit_obj(cli, o) : cli_fail(cli, st);
}

int cmd_tick(cli_state *cli, int argc, char **argv)
{
  char *at = NULL;
  GOptionEntry entries[] = {
      {"at", 0, 0, G_OPTION_ARG_STRING, &at, "Do the work due at TIME (default: now)", "TIME"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "",
                       "Do the time-driven work due now: auto-close of resolved cases (and, "
                       "with the SLA engine, warnings and breaches). Run it every minute.",
                       0, 0);
  if (code == CLI_EXIT_OK) {
    crm_time when = 0;
    size_t fired = 0;
    crm_status st = at != NULL ? cli_parse_time(&when, at) : CRM_OK;
    if (st == CRM_OK)
      st = crm_tick(&fired, cli->db, when);
    if (st == CRM_OK) {
      cli_obj *o = cli_obj_new(cli);
      cli_obj_time(o, "at", "At", when > 0 ? when : crm_now(cli->db));
      cli_obj_int(o, "fired", "Fired", (int64_t)fired);
      code = cli_emit_obj(cli, o);
    } else {
      code = cli_fail(cli, st);
    }
  }
  g_free(at);
  return code;
}
