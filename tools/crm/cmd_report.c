/*
 * crm report: the contact centre's figures for a time range (crm/report.h),
 * cut by channel, queue, agent, priority or day: an aligned table for
 * humans, the library's JSON document with --json.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#define DEFAULT_DAYS 7

typedef struct {
  char *from, *to, *by, *tz;
} report_args;

static const char *const group_choices = "channel, queue, agent, priority, day";

static crm_status parse_group(crm_report_group_t *out, const char *text)
{
  *out = CRM_REPORT_BY_NONE;
  if (text == NULL)
    return CRM_OK;
  for (int g = CRM_REPORT_BY_CHANNEL; g <= CRM_REPORT_BY_DAY; g++)
    if (g_strcmp0(text, crm_report_group_name((crm_report_group_t)g)) == 0) {
      *out = (crm_report_group_t)g;
      return CRM_OK;
    }
  return cli_value_error("--by '%s' is not one of %s", text, group_choices);
}

/* --to defaults to just after now (what happened now counts), --from to
   seven days before --to. */
static crm_status parse_spec(crm_report_spec *spec, cli_state *cli, const report_args *a)
{
  crm_status st = parse_group(&spec->group_by, a->by);
  spec->to = crm_now(cli->db) + 1;
  if (st == CRM_OK && a->to != NULL)
    st = cli_parse_time(&spec->to, a->to);
  spec->from = spec->to - (crm_time)DEFAULT_DAYS * 86400;
  if (st == CRM_OK && a->from != NULL)
    st = cli_parse_time(&spec->from, a->from);
  spec->timezone = a->tz;
  return st;
}

/* 3h05m, 2d04h, 45s; "-" when nothing was measured. */
static char *duration(int64_t s)
{
  if (s < 0)
    return g_strdup("-");
  if (s < 60)
    return g_strdup_printf("%llds", (long long)s);
  if (s < 3600)
    return g_strdup_printf("%lldm", (long long)(s / 60));
  if (s < 86400)
    return g_strdup_printf("%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
  return g_strdup_printf("%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

static char *percent(double rate)
{
  return rate < 0 ? g_strdup("-") : g_strdup_printf("%.0f%%", rate * 100.0);
}

static void add_text(cli_obj *o, const char *label, char *text)
{
  cli_obj_str(o, NULL, label, text);
  g_free(text);
}

static void add_time(cli_obj *o, const char *label, const crm_report_row *row, crm_sla_metric_t m,
                     crm_report_time_t which)
{
  add_text(o, label, duration(crm_report_row_time(row, m, which)));
}

/* One table line: the figures a supervisor reads first. */
static cli_obj *describe_row(cli_state *cli, const crm_report_row *row)
{
  cli_obj *o = cli_obj_new(cli);
  const crm_sla_metric_t fr = CRM_SLA_FIRST_RESPONSE, res = CRM_SLA_RESOLUTION;
  cli_obj_str(o, NULL, crm_report_group_name(crm_report_row_group(row)), crm_report_row_label(row));
  cli_obj_int(o, NULL, "IN", crm_report_row_contacts_in(row));
  cli_obj_int(o, NULL, "OUT", crm_report_row_contacts_out(row));
  cli_obj_int(o, NULL, "ABANDONED", crm_report_row_abandoned(row));
  cli_obj_int(o, NULL, "CASES", crm_report_row_cases(row));
  cli_obj_int(o, NULL, "RESOLVED", crm_report_row_resolved(row));
  /* business time; the calendar figures are in --json */
  add_time(o, "FR MED", row, fr, CRM_REPORT_TIME_MEDIAN_BUSINESS);
  add_time(o, "FR P90", row, fr, CRM_REPORT_TIME_P90_BUSINESS);
  add_time(o, "RES MED", row, res, CRM_REPORT_TIME_MEDIAN_BUSINESS);
  add_time(o, "RES P90", row, res, CRM_REPORT_TIME_P90_BUSINESS);
  add_text(o, "SLA FR", percent(crm_report_row_sla_rate(row, fr)));
  add_text(o, "SLA RES", percent(crm_report_row_sla_rate(row, res)));
  add_text(o, "FCR", percent(crm_report_row_fcr_rate(row)));
  add_text(o, "REOPEN", percent(crm_report_row_reopen_rate(row)));
  double per_case = crm_report_row_transfers_per_case(row);
  add_text(o, "TRANSFERS/CASE", per_case < 0 ? g_strdup("-") : g_strdup_printf("%.2f", per_case));
  double csat = crm_report_row_csat_average(row);
  add_text(o, "CSAT",
           csat < 0
               ? g_strdup("-")
               : g_strdup_printf("%.2f (%lld)", csat, (long long)crm_report_row_csat_count(row)));
  cli_obj_int(o, NULL, "BACKLOG", crm_report_row_backlog(row));
  return o;
}

static crm_status report_table(cli_list **out, cli_state *cli, crm_report *report)
{
  crm_report_row_iterator *it = NULL;
  crm_report_row *row = NULL;
  *out = NULL;
  crm_status st = crm_report_row_iterator_new(&it, report);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_report_row_next(&row, it)) == CRM_OK) {
    cli_list_add(list, describe_row(cli, row));
    crm_report_row_free(row);
  }
  crm_report_row_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

static int emit(cli_state *cli, crm_report *report)
{
  if (cli->json) {
    crm_buf buf = CRM_BUF_INIT;
    crm_status st = crm_report_json(&buf, report);
    if (st != CRM_OK)
      return cli_fail(cli, st);
    cli_print_text(buf.ptr);
    cli_print_text("\n");
    crm_buf_dispose(&buf);
    return CLI_EXIT_OK;
  }
  cli_list *list = NULL;
  crm_status st = report_table(&list, cli, report);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  return cli_emit_list(cli, list);
}

int cmd_report(cli_state *cli, int argc, char **argv)
{
  report_args a = {0};
  GOptionEntry entries[] = {{"from", 'f', 0, G_OPTION_ARG_STRING, &a.from,
                             "Start of the range (default: seven days before --to)", "TIME"},
                            {"to", 't', 0, G_OPTION_ARG_STRING, &a.to,
                             "End of the range, excluded (default: just after now)", "TIME"},
                            {"by", 'b', 0, G_OPTION_ARG_STRING, &a.by,
                             "Cut by channel, queue, agent, priority or day", "GROUP"},
                            {"tz", 0, 0, G_OPTION_ARG_STRING, &a.tz,
                             "Time zone of the days of --by day (default UTC)", "ZONE"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "",
                       "Contacts, abandoned calls, response and resolution times, SLA, FCR, "
                       "reopens, transfers, CSAT and backlog for a time range.",
                       0, 0);
  if (code == CLI_EXIT_OK) {
    crm_report_spec spec = CRM_REPORT_SPEC_INIT;
    crm_report *report = NULL;
    crm_status st = parse_spec(&spec, cli, &a);
    if (st == CRM_OK)
      st = crm_report_run(&report, cli->db, &spec);
    code = st == CRM_OK ? emit(cli, report) : cli_fail(cli, st);
    crm_report_free(report);
  }
  g_free(a.from);
  g_free(a.to);
  g_free(a.by);
  g_free(a.tz);
  return code;
}
