/*
 * crm: command-line values to libcrm values (ids, times, enum names,
 * customer references).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers --------------------------------------------------------------- */

static gboolean parse_digits(int64_t *out, const char *text)
{
  char *end = NULL;
  if (text == NULL || !g_ascii_isdigit(text[0]))
    return FALSE;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno != 0 || *end != '\0')
    return FALSE;
  *out = value;
  return TRUE;
}

crm_status cli_parse_int(int64_t *out, const char *text, const char *what)
{
  *out = 0;
  gboolean negative = text != NULL && text[0] == '-';
  if (!parse_digits(out, negative ? text + 1 : text))
    return cli_value_error("%s '%s' is not a number", what, text != NULL ? text : "");
  if (negative)
    *out = -*out;
  return CRM_OK;
}

crm_status cli_parse_id(crm_id *out, const char *text, const char *what)
{
  *out = 0;
  const char *digits = text != NULL && text[0] == '#' ? text + 1 : text; /* "#12" as printed */
  if (!parse_digits(out, digits) || *out <= 0) {
    *out = 0;
    return cli_value_error("%s id '%s' is not a positive number", what, text != NULL ? text : "");
  }
  return CRM_OK;
}

crm_status cli_parse_optional_id(crm_id *out, const char *text, const char *what)
{
  *out = 0;
  if (g_strcmp0(text, "none") == 0 || g_strcmp0(text, "0") == 0)
    return CRM_OK;
  return cli_parse_id(out, text, what);
}

/* ---- times ------------------------------------------------------------------ */

/*
 * GLib's ISO 8601 parser wants seconds; people type "2025-11-03 09:15" or
 * just a date. Complete those to "2025-11-03 09:15:00" / "...T00:00:00".
 */
static char *complete_iso8601(const char *text)
{
  size_t len = strlen(text);
  if (len == 10)
    return g_strconcat(text, "T00:00:00", NULL);
  if (len >= 16 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ') && text[13] == ':' &&
      text[16] != ':')
    return g_strdup_printf("%.16s:00%s", text, text + 16);
  return g_strdup(text);
}

crm_status cli_parse_time(crm_time *out, const char *text)
{
  int64_t epoch = 0;
  *out = 0;
  if (text == NULL)
    return cli_value_error("missing time");
  if (parse_digits(&epoch, text)) {
    *out = epoch;
    return CRM_OK;
  }
  char *iso = complete_iso8601(text);
  GTimeZone *local = g_time_zone_new_local();
  GDateTime *dt = g_date_time_new_from_iso8601(iso, local);
  g_time_zone_unref(local);
  g_free(iso);
  if (dt == NULL)
    return cli_value_error("time '%s' is neither ISO 8601 (2025-11-03T09:15:00+01:00, "
                           "2025-11-03 09:15) nor epoch seconds",
                           text);
  *out = g_date_time_to_unix(dt);
  g_date_time_unref(dt);
  if (*out < 0) {
    *out = 0;
    return cli_value_error("time '%s' is before 1970", text);
  }
  return CRM_OK;
}

/* ---- durations --------------------------------------------------------------- */

crm_status cli_parse_duration(int64_t *out, const char *text)
{
  static const struct {
    char suffix;
    int64_t unit;
  } units[] = {{'w', 7 * 86400}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  *out = 0;
  if (text == NULL || *text == '\0')
    return cli_value_error("missing duration");
  if (parse_digits(out, text))
    return CRM_OK;
  const char *p = text;
  while (*p != '\0') {
    while (*p == ' ')
      p++;
    char *end = NULL;
    if (!g_ascii_isdigit(*p))
      break;
    gint64 n = g_ascii_strtoll(p, &end, 10);
    size_t u = 0;
    while (u < G_N_ELEMENTS(units) && *end != units[u].suffix)
      u++;
    if (u == G_N_ELEMENTS(units) || n > G_MAXINT32) {
      p = text; /* malformed */
      break;
    }
    *out += n * units[u].unit;
    p = end + 1;
    while (*p == ' ')
      p++;
  }
  if (*p != '\0' || p == text) {
    *out = 0;
    return cli_value_error("duration '%s' is neither seconds nor like 90m, 4h, 2d, 1h30m", text);
  }
  return CRM_OK;
}

/* ---- enum names -------------------------------------------------------------- */

typedef const char *(*name_of_fn)(int value);

/* The value whose name is `text` ('-' standing for '_'), or -1. */
static int enum_lookup(const char *text, int first, name_of_fn name_of)
{
  if (text == NULL)
    return -1;
  char *wanted = g_strdelimit(g_ascii_strdown(text, -1), "-", '_');
  int found = -1;
  for (int v = first; name_of(v) != NULL && found < 0; v++)
    if (strcmp(name_of(v), wanted) == 0)
      found = v;
  g_free(wanted);
  return found;
}

static crm_status enum_parse(int *out, const char *text, const char *what, int first,
                             name_of_fn name_of)
{
  *out = enum_lookup(text, first, name_of);
  if (*out >= 0)
    return CRM_OK;
  *out = 0;
  GString *names = g_string_new(NULL);
  for (int v = first; name_of(v) != NULL; v++)
    g_string_append_printf(names, "%s%s", v > first ? ", " : "", name_of(v));
  crm_status st =
      cli_value_error("unknown %s '%s' (one of: %s)", what, text != NULL ? text : "", names->str);
  g_string_free(names, TRUE);
  return st;
}

/* One typed parser per enum, over libcrm's own name function: the names
   live in the library only. */
#define ENUM_PARSER(parser, type, name_fn, first, what)                      \
  static const char *parser##_name_of(int value)                             \
  {                                                                          \
    return name_fn((type)value);                                             \
  }                                                                          \
  crm_status parser(type *out, const char *text)                             \
  {                                                                          \
    int value = 0;                                                           \
    crm_status st = enum_parse(&value, text, what, first, parser##_name_of); \
    *out = (type)value;                                                      \
    return st;                                                               \
  }

ENUM_PARSER(cli_parse_channel, crm_channel_t, crm_channel_name, 1, "channel")
ENUM_PARSER(cli_parse_direction, crm_direction_t, crm_direction_name, 1, "direction")
ENUM_PARSER(cli_parse_outcome, crm_outcome_t, crm_outcome_name, 0, "outcome")
ENUM_PARSER(cli_parse_identity_kind, crm_identity_kind_t, crm_identity_kind_name, 1,
            "identity kind")
ENUM_PARSER(cli_parse_case_status, crm_case_status_t, crm_case_status_name, 1, "case status")
ENUM_PARSER(cli_parse_priority, crm_priority_t, crm_priority_name, 1, "priority")
ENUM_PARSER(cli_parse_case_kind, crm_case_kind_t, crm_case_kind_name, 1, "case kind")
ENUM_PARSER(cli_parse_link, crm_link_t, crm_link_name, 1, "link kind")
ENUM_PARSER(cli_parse_role, crm_role_t, crm_role_name, 1, "role")
ENUM_PARSER(cli_parse_sla_metric, crm_sla_metric_t, crm_sla_metric_name, 1, "SLA metric")
ENUM_PARSER(cli_parse_customer_status, crm_customer_status_t, crm_customer_status_name, 1,
            "customer status")

/* ---- input files ----------------------------------------------------------------- */

/* The bytes of `path` ("-": standard input). CRM_ENOTFOUND for a missing
   file, CRM_ERROR for an unreadable one, with the reason for cli_fail. */
crm_status cli_read_input(char **data, gsize *len, const char *path)
{
  GError *error = NULL;
  *data = NULL;
  *len = 0;
  if (strcmp(path, "-") == 0) {
    GString *text = g_string_new(NULL);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
      g_string_append_len(text, chunk, (gssize)n);
    *len = text->len;
    *data = g_string_free(text, FALSE);
    return CRM_OK;
  }
  if (g_file_get_contents(path, data, len, &error))
    return CRM_OK;
  crm_status st =
      g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? CRM_ENOTFOUND : CRM_ERROR;
  cli_value_error("%s", error->message);
  g_error_free(error);
  return st;
}

crm_status cli_load_json_object(JsonParser **parser, JsonObject **out, const char *path)
{
  GError *error = NULL;
  char *text = NULL;
  gsize len = 0;
  *out = NULL;
  *parser = json_parser_new();
  crm_status st = cli_read_input(&text, &len, path);
  if (st == CRM_OK && !json_parser_load_from_data(*parser, text, (gssize)len, &error)) {
    st = cli_value_error("%s: %s", path, error->message);
    g_error_free(error);
  }
  g_free(text);
  if (st != CRM_OK)
    return st;
  JsonNode *root = json_parser_get_root(*parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
    return cli_value_error("%s: not a JSON object", path);
  *out = json_node_get_object(root);
  return CRM_OK;
}

/* ---- customers --------------------------------------------------------------- */

/* Which identity a reference names: KIND:VALUE, an e-mail address, or a
   "+" phone number; FALSE when it names none. */
static gboolean identity_of_reference(crm_identity_kind_t *kind, const char **value,
                                      const char *text)
{
  const char *colon = strchr(text, ':');
  if (colon != NULL) {
    char *prefix = g_strndup(text, (gsize)(colon - text));
    int found = enum_lookup(prefix, 1, cli_parse_identity_kind_name_of);
    g_free(prefix);
    if (found > 0) {
      *kind = (crm_identity_kind_t)found;
      *value = colon + 1;
      return TRUE;
    }
  }
  *value = text;
  if (strchr(text, '@') != NULL)
    *kind = CRM_IDENTITY_EMAIL;
  else if (text[0] == '+')
    *kind = CRM_IDENTITY_PHONE;
  else
    return FALSE;
  return TRUE;
}

crm_status cli_resolve_customer(crm_id *out, cli_state *cli, const char *text)
{
  crm_identity_kind_t kind = 0;
  const char *value = NULL;
  *out = 0;
  if (text != NULL && identity_of_reference(&kind, &value, text))
    return crm_customer_find(out, cli->db, kind, value);
  crm_status st = cli_parse_id(out, text, "customer");
  if (st != CRM_OK)
    return cli_value_error("customer '%s' is neither an id, an e-mail address, a +phone "
                           "number nor KIND:VALUE",
                           text != NULL ? text : "");
  return st;
}
