/*
 * crm customer add|find|show|prefs|update|attr, crm identity add|remove|list.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <string.h>

/* ---- describing a customer ------------------------------------------------------ */

static crm_status identity_list(cli_list **out, cli_state *cli, crm_id customer)
{
  crm_identity_iterator *it = NULL;
  crm_identity *identity = NULL;
  *out = NULL;
  crm_status st = crm_identity_iterator_new(&it, cli->db, customer);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_identity_next(&identity, it)) == CRM_OK) {
    cli_obj *o = cli_obj_new(cli);
    cli_obj_str(o, "kind", "Kind", crm_identity_kind_name(crm_identity_kind(identity)));
    cli_obj_str(o, "value", "Value", crm_identity_value(identity));
    cli_list_add(list, o);
    crm_identity_free(identity);
  }
  crm_identity_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

static crm_status case_list_of(cli_list **out, cli_state *cli, crm_id customer)
{
  crm_case_query q = CRM_CASE_QUERY_INIT;
  crm_case_iterator *it = NULL;
  crm_case *c = NULL;
  *out = NULL;
  q.customer = customer;
  crm_status st = crm_case_iterator_new(&it, cli->db, &q);
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

static cli_obj *customer_fields(cli_state *cli, const crm_customer *c)
{
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "id", "Customer", crm_customer_id(c));
  cli_obj_str(o, "name", "Name", crm_customer_name(c));
  cli_obj_str(o, "organization", "Organization", crm_customer_organization(c));
  cli_obj_str(o, "language", "Language", crm_customer_language(c));
  cli_obj_str(o, "timezone", "Time zone", crm_customer_timezone(c));
  cli_obj_str(o, "segment", "Segment", crm_customer_segment(c));
  cli_obj_str(o, "status", "Status", crm_customer_status_name(crm_customer_status(c)));
  cli_obj_int(o, "version", "Version", crm_customer_version(c));
  cli_obj_time(o, "created_at", "Created", crm_customer_created_at(c));
  cli_obj_time(o, "updated_at", "Updated", crm_customer_updated_at(c));
  crm_id asked = crm_customer_resolved_from(c); /* a merged customer's id reads the survivor */
  cli_obj_id(o, "resolved_from", asked > 0 ? "Merged id" : NULL, asked);
  return o;
}

crm_status cli_describe_customer(cli_obj **out, cli_state *cli, crm_id id, gboolean details)
{
  crm_customer *c = NULL;
  cli_list *identities = NULL, *cases = NULL;
  *out = NULL;
  crm_status st = crm_customer_lookup(&c, cli->db, id);
  if (st == CRM_OK && details)
    st = identity_list(&identities, cli, id);
  if (st == CRM_OK && details)
    st = case_list_of(&cases, cli, id);
  if (st == CRM_OK) {
    *out = customer_fields(cli, c);
    if (details) {
      cli_obj_list(*out, "identities", "Identities", identities);
      cli_obj_list(*out, "cases", "Cases", cases);
      identities = cases = NULL;
    }
  }
  cli_list_free(identities);
  cli_list_free(cases);
  crm_customer_free(c);
  return st;
}

/* Print a customer (after a change, or found); the usual tail of a command. */
static int emit_customer(cli_state *cli, crm_id id, gboolean details)
{
  cli_obj *o = NULL;
  crm_status st = cli_describe_customer(&o, cli, id, details);
  return st == CRM_OK ? cli_emit_obj(cli, o) : cli_fail(cli, st);
}

/* ---- customer add ------------------------------------------------------------------ */

typedef struct {
  char *name, *org, *language, *timezone, *segment;
  char **identities[CRM_IDENTITY_POSTAL + 1]; /* by kind */
  crm_id id;
} add_args;

/* The update spec for the optional fields; FALSE when none is given. */
static gboolean fields_spec(crm_customer_update_spec *spec, char *name, char *org, char *language,
                            char *timezone, char *segment)
{
  crm_customer_update_spec_init(spec, CRM_CUSTOMER_UPDATE_SPEC_VERSION);
  spec->display_name = name;
  spec->organization = org;
  spec->language = language;
  spec->timezone = timezone;
  spec->segment = segment;
  return name || org || language || timezone || segment;
}

/* The first identity creates the customer (or proves it exists: EEXISTS);
   the others are added to it. */
static crm_status add_identities(cli_state *cli, add_args *a)
{
  for (int kind = CRM_IDENTITY_EMAIL; kind <= CRM_IDENTITY_POSTAL; kind++) {
    for (char **v = a->identities[kind]; v != NULL && *v != NULL; v++) {
      crm_status st;
      if (a->id == 0) {
        int created = 0;
        st = crm_customer_ensure(&a->id, &created, cli->db, (crm_identity_kind_t)kind, *v, a->name);
        if (st == CRM_OK && !created) {
          cli_value_error("%s '%s' already belongs to customer %" G_GINT64_FORMAT,
                          crm_identity_kind_name((crm_identity_kind_t)kind), *v, (gint64)a->id);
          return CRM_EEXISTS;
        }
      } else {
        st = crm_identity_add(cli->db, a->id, (crm_identity_kind_t)kind, *v);
      }
      if (st != CRM_OK)
        return st;
    }
  }
  return CRM_OK;
}

static crm_status add_work(cli_state *cli, void *data)
{
  add_args *a = data;
  crm_customer_update_spec spec;
  crm_status st = add_identities(cli, a);
  if (st == CRM_OK && a->id == 0)
    st = crm_customer_create(&a->id, cli->db, a->name);
  if (st == CRM_OK && fields_spec(&spec, NULL, a->org, a->language, a->timezone, a->segment))
    st = crm_customer_update(cli->db, a->id, &spec, 0);
  return st;
}

static void add_args_clear(add_args *a)
{
  g_free(a->name);
  g_free(a->org);
  g_free(a->language);
  g_free(a->timezone);
  g_free(a->segment);
  for (size_t i = 0; i < G_N_ELEMENTS(a->identities); i++)
    g_strfreev(a->identities[i]);
}

int cmd_customer_add(cli_state *cli, int argc, char **argv)
{
  add_args a = {0};
  GOptionEntry entries[] = {
      {"name", 'n', 0, G_OPTION_ARG_STRING, &a.name, "Display name (default: from the identity)",
       "NAME"},
      {"email", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &a.identities[CRM_IDENTITY_EMAIL],
       "E-mail address (repeatable)", "ADDR"},
      {"phone", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &a.identities[CRM_IDENTITY_PHONE],
       "Phone number (repeatable)", "NUMBER"},
      {"external", 'x', 0, G_OPTION_ARG_STRING_ARRAY, &a.identities[CRM_IDENTITY_EXTERNAL],
       "Member or contract number (repeatable)", "ID"},
      {"social", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a.identities[CRM_IDENTITY_SOCIAL],
       "Social handle (repeatable)", "HANDLE"},
      {"postal", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a.identities[CRM_IDENTITY_POSTAL],
       "Postal address (repeatable)", "ADDRESS"},
      {"org", 0, 0, G_OPTION_ARG_STRING, &a.org, "Organization", "ORG"},
      {"language", 0, 0, G_OPTION_ARG_STRING, &a.language, "Language (BCP 47, e.g. it)", "TAG"},
      {"timezone", 0, 0, G_OPTION_ARG_STRING, &a.timezone, "Time zone (e.g. Europe/Rome)", "TZ"},
      {"segment", 0, 0, G_OPTION_ARG_STRING, &a.segment, "Segment (gold, smb...)", "SEGMENT"},
      G_OPTION_ENTRY_NULL};
  int code =
      cli_parse(cli, &argc, &argv, entries, "", "Add a customer: --name and/or identities.", 0, 0);
  gboolean has_identity = FALSE;
  for (size_t i = 0; i < G_N_ELEMENTS(a.identities); i++)
    has_identity = has_identity || a.identities[i] != NULL;
  if (code == CLI_EXIT_OK && a.name == NULL && !has_identity)
    code = cli_usage(cli, "give --name or an identity (--email, --phone, ...)");
  if (code == CLI_EXIT_OK) {
    crm_status st = cli_transaction(cli, add_work, &a);
    code = st == CRM_OK ? emit_customer(cli, a.id, TRUE) : cli_fail(cli, st);
  }
  add_args_clear(&a);
  return code;
}

/* ---- customer find / show ------------------------------------------------------------ */

int cmd_customer_find(cli_state *cli, int argc, char **argv)
{
  char *kind_name = NULL;
  GOptionEntry entries[] = {{"kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name,
                             "Identity kind (email, phone, external, social, postal)", "KIND"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "IDENTITY",
                       "Find the customer owning an identity: an e-mail address, a +phone "
                       "number, KIND:VALUE, or VALUE with --kind.",
                       1, 1);
  if (code == CLI_EXIT_OK) {
    crm_identity_kind_t kind = 0;
    crm_id id = 0;
    crm_status st = CRM_OK;
    if (kind_name != NULL) {
      st = cli_parse_identity_kind(&kind, kind_name);
      if (st == CRM_OK)
        st = crm_customer_find(&id, cli->db, kind, argv[1]);
    } else {
      st = cli_resolve_customer(&id, cli, argv[1]);
    }
    code = st == CRM_OK ? emit_customer(cli, id, FALSE) : cli_fail(cli, st);
  }
  g_free(kind_name);
  return code;
}

/* The attributes asked for with --attr, as one object (null: not set). */
static crm_status attributes_obj(cli_obj **out, cli_state *cli, crm_id id, char **keys)
{
  crm_customer *c = NULL;
  *out = NULL;
  crm_status st = crm_customer_lookup(&c, cli->db, id);
  if (st != CRM_OK)
    return st;
  *out = cli_obj_new(cli);
  for (char **k = keys; *k != NULL; k++)
    cli_obj_str(*out, *k, *k, crm_customer_attribute(c, *k));
  crm_customer_free(c);
  return CRM_OK;
}

int cmd_customer_show(cli_state *cli, int argc, char **argv)
{
  char **attrs = NULL;
  GOptionEntry entries[] = {{"attr", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &attrs,
                             "Also show this free attribute (repeatable)", "KEY"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER",
                       "Show a customer with identities and cases. CUSTOMER is an id, an e-mail "
                       "address, a +phone number or KIND:VALUE.",
                       1, 1);
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    cli_obj *o = NULL, *attributes = NULL;
    crm_status st = cli_resolve_customer(&id, cli, argv[1]);
    if (st == CRM_OK)
      st = cli_describe_customer(&o, cli, id, TRUE);
    if (st == CRM_OK && attrs != NULL)
      st = attributes_obj(&attributes, cli, id, attrs);
    if (attributes != NULL)
      cli_obj_obj(o, "attributes", "Attributes", attributes);
    code = st == CRM_OK ? cli_emit_obj(cli, o) : (cli_obj_free(o), cli_fail(cli, st));
  }
  g_strfreev(attrs);
  return code;
}

/* ---- customer prefs ------------------------------------------------------------------ */

typedef struct {
  crm_id customer;
  const char *purpose;
  GArray *channels; /* crm_channel_t */
  int allowed;
  const char *source;
} prefs_args;

static crm_status prefs_work(cli_state *cli, void *data)
{
  prefs_args *p = data;
  crm_status st = CRM_OK;
  for (guint i = 0; i < p->channels->len && st == CRM_OK; i++)
    st = crm_customer_set_preference_ext(cli->db, p->customer,
                                         g_array_index(p->channels, crm_channel_t, i), p->purpose,
                                         p->allowed, p->source);
  return st;
}

/* The preferences recorded for the customer, with where they came from. */
static crm_status recorded_prefs(cli_list **out, cli_state *cli, crm_id customer)
{
  crm_preference_iterator *it = NULL;
  crm_preference *pref = NULL;
  *out = NULL;
  crm_status st = crm_preference_iterator_new(&it, cli->db, customer);
  if (st != CRM_OK)
    return st;
  cli_list *list = cli_list_new();
  while ((st = crm_preference_next(&pref, it)) == CRM_OK) {
    cli_obj *o = cli_obj_new(cli);
    cli_obj_str(o, "channel", "Channel", crm_channel_name(crm_preference_channel(pref)));
    cli_obj_str(o, "purpose", "Purpose", crm_preference_purpose(pref));
    cli_obj_bool(o, "allowed", "Allowed", crm_preference_allowed(pref));
    cli_obj_str(o, "source", "Source", crm_preference_source(pref));
    cli_obj_time(o, "updated_at", "Updated", crm_preference_updated_at(pref));
    cli_list_add(list, o);
    crm_preference_free(pref);
  }
  crm_preference_iterator_free(it);
  if (st != CRM_ITEROVER) {
    cli_list_free(list);
    return st;
  }
  *out = list;
  return CRM_OK;
}

static crm_status prefs_obj(cli_obj **out, cli_state *cli, const prefs_args *p)
{
  cli_list *list = cli_list_new(), *recorded = NULL;
  crm_status st = CRM_OK;
  *out = NULL;
  for (guint i = 0; i < p->channels->len && st == CRM_OK; i++) {
    crm_channel_t channel = g_array_index(p->channels, crm_channel_t, i);
    int allowed = 0;
    st = crm_customer_may_contact(&allowed, cli->db, p->customer, channel, p->purpose);
    cli_obj *o = cli_obj_new(cli);
    cli_obj_str(o, "channel", "Channel", crm_channel_name(channel));
    cli_obj_bool(o, "allowed", "Allowed", allowed);
    cli_list_add(list, o);
  }
  if (st == CRM_OK)
    st = recorded_prefs(&recorded, cli, p->customer);
  if (st != CRM_OK) {
    cli_list_free(list);
    return st;
  }
  *out = cli_obj_new(cli);
  cli_obj_id(*out, "customer", "Customer", p->customer);
  cli_obj_str(*out, "purpose", "Purpose", p->purpose);
  cli_obj_list(*out, "channels", "Channels", list);
  cli_obj_list(*out, "recorded", "Recorded", recorded);
  return CRM_OK;
}

/* The channels named (every channel when none is). */
static crm_status channels_of(GArray *out, char **names)
{
  for (int c = CRM_CHANNEL_EMAIL; names == NULL && c <= CRM_CHANNEL_MAX; c++) {
    crm_channel_t channel = (crm_channel_t)c;
    g_array_append_val(out, channel);
  }
  for (char **n = names; n != NULL && *n != NULL; n++) {
    crm_channel_t channel = 0;
    crm_status st = cli_parse_channel(&channel, *n);
    if (st != CRM_OK)
      return st;
    g_array_append_val(out, channel);
  }
  return CRM_OK;
}

int cmd_customer_prefs(cli_state *cli, int argc, char **argv)
{
  char *purpose = NULL, *source = NULL;
  char **channels = NULL;
  gboolean allow = FALSE, deny = FALSE;
  GOptionEntry entries[] = {
      {"purpose", 'p', 0, G_OPTION_ARG_STRING, &purpose,
       "Purpose (service, marketing, billing...; default: service)", "PURPOSE"},
      {"channel", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &channels,
       "Channel (repeatable; default: every channel)", "CHANNEL"},
      {"allow", 0, 0, G_OPTION_ARG_NONE, &allow, "Allow contact on the channels", NULL},
      {"deny", 0, 0, G_OPTION_ARG_NONE, &deny, "Deny contact on the channels", NULL},
      {"source", 0, 0, G_OPTION_ARG_STRING, &source,
       "Where the answer came from (\"phone call\", \"letter\")", "TEXT"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER",
                       "Show whether a customer may be contacted on each channel for a purpose; "
                       "with --allow or --deny (and --channel), record a preference first.",
                       1, 1);
  if (code == CLI_EXIT_OK && allow && deny)
    code = cli_usage(cli, "--allow and --deny exclude each other");
  if (code == CLI_EXIT_OK && source != NULL && !allow && !deny)
    code = cli_usage(cli, "--source goes with --allow or --deny");
  if (code == CLI_EXIT_OK && (allow || deny) && channels == NULL)
    code = cli_usage(cli, "--allow/--deny need at least one --channel");
  if (code == CLI_EXIT_OK) {
    prefs_args p = {0, purpose != NULL ? purpose : "service",
                    g_array_new(FALSE, FALSE, sizeof(crm_channel_t)), allow, source};
    cli_obj *o = NULL;
    crm_status st = channels_of(p.channels, channels);
    if (st == CRM_OK)
      st = cli_resolve_customer(&p.customer, cli, argv[1]);
    if (st == CRM_OK && (allow || deny))
      st = cli_transaction(cli, prefs_work, &p);
    if (st == CRM_OK)
      st = prefs_obj(&o, cli, &p);
    code = st == CRM_OK ? cli_emit_obj(cli, o) : cli_fail(cli, st);
    g_array_unref(p.channels);
  }
  g_free(purpose);
  g_free(source);
  g_strfreev(channels);
  return code;
}

/* ---- customer update / attr ------------------------------------------------------------- */

int cmd_customer_update(cli_state *cli, int argc, char **argv)
{
  char *name = NULL, *org = NULL, *language = NULL, *timezone = NULL, *segment = NULL;
  char *status = NULL;
  gint64 expected = 0;
  GOptionEntry entries[] = {
      {"name", 'n', 0, G_OPTION_ARG_STRING, &name, "Display name", "NAME"},
      {"org", 0, 0, G_OPTION_ARG_STRING, &org, "Organization (\"\" clears)", "ORG"},
      {"language", 0, 0, G_OPTION_ARG_STRING, &language, "Language (\"\" clears)", "TAG"},
      {"timezone", 0, 0, G_OPTION_ARG_STRING, &timezone, "Time zone (\"\" clears)", "TZ"},
      {"segment", 0, 0, G_OPTION_ARG_STRING, &segment, "Segment (\"\" clears)", "SEGMENT"},
      {"status", 0, 0, G_OPTION_ARG_STRING, &status, "active or inactive", "STATUS"},
      {"expect-version", 0, 0, G_OPTION_ARG_INT64, &expected,
       "Fail (exit 16) unless the customer is at this version", "N"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER", "Change a customer's fields.", 1, 1);
  crm_customer_update_spec spec;
  gboolean any = fields_spec(&spec, name, org, language, timezone, segment);
  if (code == CLI_EXIT_OK && !any && status == NULL)
    code = cli_usage(cli, "nothing to change: give --name, --org, --language, --timezone, "
                          "--segment or --status");
  if (code == CLI_EXIT_OK) {
    crm_id id = 0;
    crm_status st = status != NULL ? cli_parse_customer_status(&spec.status, status) : CRM_OK;
    if (st == CRM_OK)
      st = cli_resolve_customer(&id, cli, argv[1]);
    if (st == CRM_OK)
      st = crm_customer_update(cli->db, id, &spec, expected);
    code = st == CRM_OK ? emit_customer(cli, id, FALSE) : cli_fail(cli, st);
  }
  g_free(name);
  g_free(org);
  g_free(language);
  g_free(timezone);
  g_free(segment);
  g_free(status);
  return code;
}

int cmd_customer_attr(cli_state *cli, int argc, char **argv)
{
  gboolean unset = FALSE;
  GOptionEntry entries[] = {
      {"unset", 'u', 0, G_OPTION_ARG_NONE, &unset, "Remove the attribute", NULL},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "CUSTOMER KEY [VALUE]",
                       "Print a customer's free attribute; with VALUE set it, with --unset "
                       "remove it.",
                       2, 3);
  if (code == CLI_EXIT_OK && unset && argc == 4)
    code = cli_usage(cli, "--unset takes no VALUE");
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_customer *c = NULL;
  const char *key = argv[2];
  crm_status st = cli_resolve_customer(&id, cli, argv[1]);
  if (st == CRM_OK && (unset || argc == 4))
    st = crm_customer_set_attribute(cli->db, id, key, unset ? NULL : argv[3]);
  if (st == CRM_OK)
    st = crm_customer_lookup(&c, cli->db, id);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  const char *value = crm_customer_attribute(c, key);
  if (value == NULL && !unset) {
    cli_value_error("customer %" G_GINT64_FORMAT " has no attribute '%s'", (gint64)id, key);
    crm_customer_free(c);
    return cli_fail(cli, CRM_ENOTFOUND);
  }
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "customer", "Customer", id);
  cli_obj_str(o, "key", "Key", key);
  cli_obj_str(o, "value", "Value", value);
  crm_customer_free(c);
  return cli_emit_obj(cli, o);
}

/* ---- identity add / remove / list ----------------------------------------------------------- */

typedef crm_status (*identity_change_fn)(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                                         const char *value);

/* Parse CUSTOMER [KIND VALUE], apply `change` (if any), print the identities. */
static int identity_command(cli_state *cli, int argc, char **argv, identity_change_fn change,
                            const char *summary)
{
  int code = cli_parse(cli, &argc, &argv, NULL, change ? "CUSTOMER KIND VALUE" : "CUSTOMER",
                       summary, change ? 3 : 1, change ? 3 : 1);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id id = 0;
  crm_identity_kind_t kind = 0;
  cli_list *list = NULL;
  crm_status st = change != NULL ? cli_parse_identity_kind(&kind, argv[2]) : CRM_OK;
  if (st == CRM_OK)
    st = cli_resolve_customer(&id, cli, argv[1]);
  if (st == CRM_OK && change != NULL)
    st = change(cli->db, id, kind, argv[3]);
  if (st == CRM_OK)
    st = identity_list(&list, cli, id);
  return st == CRM_OK ? cli_emit_list(cli, list) : cli_fail(cli, st);
}

int cmd_identity_add(cli_state *cli, int argc, char **argv)
{
  return identity_command(cli, argc, argv, crm_identity_add,
                          "Give a customer one more identity (KIND: email, phone, external, "
                          "social, postal); prints the customer's identities.");
}

int cmd_identity_remove(cli_state *cli, int argc, char **argv)
{
  return identity_command(cli, argc, argv, crm_identity_remove,
                          "Remove one of a customer's identities; prints those left.");
}

int cmd_identity_list(cli_state *cli, int argc, char **argv)
{
  return identity_command(cli, argc, argv, NULL, "List a customer's identities, oldest first.");
}
