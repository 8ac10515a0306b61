/*
 * libcrm for Python and Lua: the one SWIG interface.
 *
 * Names are the C names without their prefix in both languages: the
 * function crm_<x> is crm.<x>, the constant CRM_<X> is crm.<X>. What the
 * languages share is written once here:
 *  - one crm_status typemap turns a negative code into an exception (Python:
 *    crm.Error and a subclass per code, from crm_swig_errors; Lua: a table
 *    {code=, name=, message=} raised with error(), that pcall returns);
 *    CRM_ITEROVER is the normal end of an iteration, never an error;
 *  - out-parameters are return values, in their order (a tuple in Python,
 *    several results in Lua); owned objects and iterators are freed by the
 *    garbage collector (the library keeps a handle alive while iterators
 *    from it exist, so the collection order never matters);
 *  - spec, options and query structs are a dict (Python keyword arguments,
 *    see crm/__init__.py) or a table (Lua), converted through one field
 *    table per struct (crm_swig_structs);
 *  - the database handle is a box (crm_swig_db) that owns the crm_db, the
 *    clock and log callables and the event subscriptions; crm.close(db)
 *    closes it at once, later calls on it fail with CRM_EINVALID;
 *  - objects expose their getters as read-only fields without the type
 *    prefix (crm_case_status(k) is k.status).
 * Callbacks (clock, log, event subscriptions) are called with the
 * language's protected call: an error inside one is raised again when the
 * libcrm call that triggered it returns (its work is committed), or printed
 * to stderr when libcrm was called from C (a host application).
 *
 * SPDX-License-Identifier: MIT
 */
#ifdef SWIGPYTHON
%module(package="crm", docstring="libcrm: the generated layer (use the crm package)") _crm
#else
%module crm
#endif

%{
#include <crm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
%}

/* ======================================================================== */
/* Shared C: error table, struct field tables, the handle box               */
/* ======================================================================== */

%{
/* The exception classes: one row per status code that has its own class;
   every other negative code raises the generic crm.Error. */
typedef struct {
  crm_status code;
  const char *name;
  const char *doc;
} crm_swig_error_row;

static const crm_swig_error_row crm_swig_errors[] = {
    {CRM_ENOTFOUND, "NotFound", "No object with that id or key (CRM_ENOTFOUND)."},
    {CRM_EEXISTS, "AlreadyExists",
     "The object already exists (CRM_EEXISTS); existing_id names it when known."},
    {CRM_EINVALID, "InvalidInput", "Invalid argument or illegal change (CRM_EINVALID)."},
    {CRM_ECONFLICT, "Conflict", "Stale expected_version or concurrent change (CRM_ECONFLICT)."},
    {CRM_EBUSY, "Busy", "The database stayed locked past the busy timeout (CRM_EBUSY)."},
    {CRM_EPERM, "PermissionDenied", "The acting agent may not do this (CRM_EPERM)."},
    {CRM_ENOTSUPPORTED, "NotSupported", "Not available in this build or backend (CRM_ENOTSUPPORTED)."},
    {CRM_EVERSION, "VersionMismatch", "Database schema newer than this library (CRM_EVERSION)."},
};
#define CRM_SWIG_N_ERRORS (sizeof crm_swig_errors / sizeof crm_swig_errors[0])

static const char *crm_swig_error_name(crm_status code)
{
  for (size_t i = 0; i < CRM_SWIG_N_ERRORS; i++)
    if (crm_swig_errors[i].code == code)
      return crm_swig_errors[i].name;
  return "Error";
}

/* A message for an error the binding itself detected (e.g. a closed
   handle); preferred over crm_error_last() by the next raise. */
static char crm_swig_own_message[512];

static crm_status crm_swig_fail(crm_status code, const char *message)
{
  snprintf(crm_swig_own_message, sizeof crm_swig_own_message, "%s", message);
  return code;
}

static const char *crm_swig_message(crm_status code)
{
  if (crm_swig_own_message[0] != '\0')
    return crm_swig_own_message;
  const crm_error *e = crm_error_last();
  return e->code == code && e->message ? e->message : crm_strerror(code);
}

/* Status returned by hand-written wrappers when the language's own
   exception is already set (Python) or pushed (Lua). */
#define CRM_SWIG_LANGERR (-1000)

/* ---- struct field tables ---------------------------------------------- */

enum {
  CRM_SWIG_F_UINT = 1, /* unsigned int (version, limit) */
  CRM_SWIG_F_U32,      /* uint32_t bit mask: an integer or a list of enum values */
  CRM_SWIG_F_INT,      /* int or an enum (also a boolean) */
  CRM_SWIG_F_ID,       /* crm_id: an integer or an object with an id */
  CRM_SWIG_F_TIME,     /* crm_time: an integer (Python: also a datetime) */
  CRM_SWIG_F_STR,      /* const char *: text (Python: also bytes) */
  CRM_SWIG_F_SIZE      /* size_t (results only) */
};

typedef struct {
  const char *name;
  int kind;
  size_t offset;
} crm_swig_field;

typedef struct {
  const char *name;
  size_t size;
  unsigned int version;
  const crm_swig_field *fields;
} crm_swig_struct;

#define CRM_SWIG_FIELD(type, field, kind) {#field, kind, offsetof(type, field)}
#define CRM_SWIG_END                      {NULL, 0, 0}

static const crm_swig_field crm_swig_open_options_fields[] = {
    CRM_SWIG_FIELD(crm_open_options, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_open_options, actor, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_open_options, busy_timeout_ms, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_open_options, default_phone_region, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_open_options, durable, CRM_SWIG_F_INT),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_customer_update_spec_fields[] = {
    CRM_SWIG_FIELD(crm_customer_update_spec, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_customer_update_spec, display_name, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_customer_update_spec, organization, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_customer_update_spec, language, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_customer_update_spec, timezone, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_customer_update_spec, segment, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_customer_update_spec, status, CRM_SWIG_F_INT),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_interaction_spec_fields[] = {
    CRM_SWIG_FIELD(crm_interaction_spec, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_interaction_spec, customer, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_interaction_spec, case_id, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_interaction_spec, channel, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_interaction_spec, direction, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_interaction_spec, outcome, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_interaction_spec, occurred_at, CRM_SWIG_F_TIME),
    CRM_SWIG_FIELD(crm_interaction_spec, agent, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_interaction_spec, subject, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_interaction_spec, body, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_interaction_spec, external_ref, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_interaction_spec, in_reply_to, CRM_SWIG_F_STR),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_case_spec_fields[] = {
    CRM_SWIG_FIELD(crm_case_spec, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_case_spec, customer, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_case_spec, subject, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_case_spec, kind, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_case_spec, priority, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_case_spec, queue, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_case_spec, assignee, CRM_SWIG_F_ID),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_case_query_fields[] = {
    CRM_SWIG_FIELD(crm_case_query, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_case_query, customer, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_case_query, status_mask, CRM_SWIG_F_U32),
    CRM_SWIG_FIELD(crm_case_query, queue, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_case_query, assignee, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_case_query, kind, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_case_query, tag, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_case_query, due_before, CRM_SWIG_F_TIME),
    CRM_SWIG_FIELD(crm_case_query, after_id, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_case_query, limit, CRM_SWIG_F_UINT),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_timeline_query_fields[] = {
    CRM_SWIG_FIELD(crm_timeline_query, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_timeline_query, customer, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_timeline_query, case_id, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_timeline_query, before, CRM_SWIG_F_TIME),
    CRM_SWIG_FIELD(crm_timeline_query, before_id, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_timeline_query, limit, CRM_SWIG_F_UINT),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_search_options_fields[] = {
    CRM_SWIG_FIELD(crm_search_options, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_search_options, kinds, CRM_SWIG_F_U32),
    CRM_SWIG_FIELD(crm_search_options, limit, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_search_options, after, CRM_SWIG_F_STR),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_mail_options_fields[] = {
    CRM_SWIG_FIELD(crm_mail_options, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_mail_options, received_at, CRM_SWIG_F_TIME),
    CRM_SWIG_FIELD(crm_mail_options, queue, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_mail_options, from_address, CRM_SWIG_F_STR),
    CRM_SWIG_END};

static const crm_swig_field crm_swig_mail_result_fields[] = {
    CRM_SWIG_FIELD(crm_mail_result, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_mail_result, interaction, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_mail_result, case_id, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_mail_result, customer, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_mail_result, created_case, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_mail_result, created_customer, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_mail_result, reopened, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_mail_result, auto_generated, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_mail_result, rule, CRM_SWIG_F_INT),
    CRM_SWIG_END};

/* (failures, a crm_buf, is added by the typemap) */
static const crm_swig_field crm_swig_mail_import_stats_fields[] = {
    CRM_SWIG_FIELD(crm_mail_import_stats, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_mail_import_stats, filed, CRM_SWIG_F_SIZE),
    CRM_SWIG_FIELD(crm_mail_import_stats, duplicate, CRM_SWIG_F_SIZE),
    CRM_SWIG_FIELD(crm_mail_import_stats, auto_generated, CRM_SWIG_F_SIZE),
    CRM_SWIG_FIELD(crm_mail_import_stats, failed, CRM_SWIG_F_SIZE),
    CRM_SWIG_END};

#define CRM_SWIG_STRUCT(type, upper) \
  {#type, sizeof(type), upper##_VERSION, crm_swig_##type##_fields}
#define crm_swig_crm_open_options_fields         crm_swig_open_options_fields
#define crm_swig_crm_customer_update_spec_fields crm_swig_customer_update_spec_fields
#define crm_swig_crm_interaction_spec_fields     crm_swig_interaction_spec_fields
#define crm_swig_crm_case_spec_fields            crm_swig_case_spec_fields
#define crm_swig_crm_case_query_fields           crm_swig_case_query_fields
#define crm_swig_crm_timeline_query_fields       crm_swig_timeline_query_fields
#define crm_swig_crm_mail_options_fields         crm_swig_mail_options_fields
#define crm_swig_crm_search_options_fields       crm_swig_search_options_fields
#define crm_swig_crm_mail_result_fields          crm_swig_mail_result_fields
#define crm_swig_crm_mail_import_stats_fields    crm_swig_mail_import_stats_fields

static const crm_swig_struct crm_swig_open_options_s =
    CRM_SWIG_STRUCT(crm_open_options, CRM_OPEN_OPTIONS);
static const crm_swig_struct crm_swig_customer_update_spec_s =
    CRM_SWIG_STRUCT(crm_customer_update_spec, CRM_CUSTOMER_UPDATE_SPEC);
static const crm_swig_struct crm_swig_interaction_spec_s =
    CRM_SWIG_STRUCT(crm_interaction_spec, CRM_INTERACTION_SPEC);
static const crm_swig_struct crm_swig_case_spec_s = CRM_SWIG_STRUCT(crm_case_spec, CRM_CASE_SPEC);
static const crm_swig_struct crm_swig_case_query_s =
    CRM_SWIG_STRUCT(crm_case_query, CRM_CASE_QUERY);
static const crm_swig_struct crm_swig_timeline_query_s =
    CRM_SWIG_STRUCT(crm_timeline_query, CRM_TIMELINE_QUERY);

static const crm_swig_struct crm_swig_search_options_s =
    CRM_SWIG_STRUCT(crm_search_options, CRM_SEARCH_OPTIONS);
static const crm_swig_struct crm_swig_mail_options_s =
    CRM_SWIG_STRUCT(crm_mail_options, CRM_MAIL_OPTIONS);
static const crm_swig_struct crm_swig_mail_result_s =
    CRM_SWIG_STRUCT(crm_mail_result, CRM_MAIL_RESULT);
static const crm_swig_struct crm_swig_mail_import_stats_s =
    CRM_SWIG_STRUCT(crm_mail_import_stats, CRM_MAIL_IMPORT_STATS);

/* SLA policies: targets[] as one field per metric */
#define CRM_SWIG_SLA_TARGET(metric, name) \
  {name, CRM_SWIG_F_ID, offsetof(crm_sla_policy_spec, targets) + (metric) * sizeof(int64_t)}
static const crm_swig_field crm_swig_crm_sla_policy_spec_fields[] = {
    CRM_SWIG_FIELD(crm_sla_policy_spec, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_sla_policy_spec, name, CRM_SWIG_F_STR),
    CRM_SWIG_FIELD(crm_sla_policy_spec, order, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_sla_policy_spec, calendar, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_sla_policy_spec, priorities, CRM_SWIG_F_U32),
    CRM_SWIG_FIELD(crm_sla_policy_spec, kinds, CRM_SWIG_F_U32),
    CRM_SWIG_FIELD(crm_sla_policy_spec, channels, CRM_SWIG_F_U32),
    CRM_SWIG_FIELD(crm_sla_policy_spec, queue, CRM_SWIG_F_ID),
    CRM_SWIG_FIELD(crm_sla_policy_spec, segment, CRM_SWIG_F_STR),
    CRM_SWIG_SLA_TARGET(CRM_SLA_FIRST_RESPONSE, "first_response"),
    CRM_SWIG_SLA_TARGET(CRM_SLA_NEXT_RESPONSE, "next_response"),
    CRM_SWIG_SLA_TARGET(CRM_SLA_RESOLUTION, "resolution"),
    CRM_SWIG_SLA_TARGET(CRM_SLA_PERIODIC_UPDATE, "periodic_update"),
    CRM_SWIG_FIELD(crm_sla_policy_spec, warn_percent, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_sla_policy_spec, pause_statuses, CRM_SWIG_F_U32),
    CRM_SWIG_END};
static const crm_swig_struct crm_swig_sla_policy_spec_s =
    CRM_SWIG_STRUCT(crm_sla_policy_spec, CRM_SLA_POLICY_SPEC);

/* reports: the spec */
static const crm_swig_field crm_swig_crm_report_spec_fields[] = {
    CRM_SWIG_FIELD(crm_report_spec, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_report_spec, from, CRM_SWIG_F_TIME),
    CRM_SWIG_FIELD(crm_report_spec, to, CRM_SWIG_F_TIME),
    CRM_SWIG_FIELD(crm_report_spec, group_by, CRM_SWIG_F_INT),
    CRM_SWIG_FIELD(crm_report_spec, timezone, CRM_SWIG_F_STR),
    CRM_SWIG_END};
static const crm_swig_struct crm_swig_report_spec_s =
    CRM_SWIG_STRUCT(crm_report_spec, CRM_REPORT_SPEC);

/* customer lifecycle: export options */
static const crm_swig_field crm_swig_crm_customer_export_options_fields[] = {
    CRM_SWIG_FIELD(crm_customer_export_options, version, CRM_SWIG_F_UINT),
    CRM_SWIG_FIELD(crm_customer_export_options, attachment_content, CRM_SWIG_F_INT),
    CRM_SWIG_END};
static const crm_swig_struct crm_swig_customer_export_options_s =
    CRM_SWIG_STRUCT(crm_customer_export_options, CRM_CUSTOMER_EXPORT_OPTIONS);

static const crm_swig_field *crm_swig_find_field(const crm_swig_struct *s, const char *name)
{
  for (const crm_swig_field *f = s->fields; f->name; f++)
    if (strcmp(f->name, name) == 0)
      return f;
  return NULL;
}

static int crm_swig_is_extra(const char *name, const char *const *extra)
{
  for (; extra && *extra; extra++)
    if (strcmp(*extra, name) == 0)
      return 1;
  return 0;
}

/* A struct with every field 0 but its version. */
static void crm_swig_struct_reset(const crm_swig_struct *s, void *dst)
{
  memset(dst, 0, s->size);
  *(unsigned int *)dst = s->version;
}

/* Store an integer into a field of kind UINT/U32/INT/ID/TIME; 0 if it does
   not fit. */
static int crm_swig_store_int(const crm_swig_field *f, char *base, long long v)
{
  void *p = base + f->offset;
  switch (f->kind) {
  case CRM_SWIG_F_UINT:
    if (v < 0 || (unsigned long long)v > 0xffffffffull)
      return 0;
    *(unsigned int *)p = (unsigned int)v;
    return 1;
  case CRM_SWIG_F_U32:
    if (v < 0 || (unsigned long long)v > 0xffffffffull)
      return 0;
    *(uint32_t *)p = (uint32_t)v;
    return 1;
  case CRM_SWIG_F_INT:
    if (v < INT32_MIN || v > INT32_MAX)
      return 0;
    *(int *)p = (int)v;
    return 1;
  case CRM_SWIG_F_SIZE:
    if (v < 0)
      return 0;
    *(size_t *)p = (size_t)v;
    return 1;
  default: /* ID, TIME */
    *(int64_t *)p = (int64_t)v;
    return 1;
  }
}

static long long crm_swig_load_int(const crm_swig_field *f, const char *base)
{
  const void *p = base + f->offset;
  switch (f->kind) {
  case CRM_SWIG_F_UINT: return *(const unsigned int *)p;
  case CRM_SWIG_F_U32: return *(const uint32_t *)p;
  case CRM_SWIG_F_INT: return *(const int *)p;
  case CRM_SWIG_F_SIZE: return (long long)*(const size_t *)p;
  default: return *(const int64_t *)p;
  }
}

/* The name of each function that takes the handle: these are also methods
   of the handle (db.case_open(...) / db:case_open{...}). The parity tests
   check this list against the headers. */
static const char *const crm_swig_db_function_names[] = {
    "begin", "commit", "rollback", "now", "actor", "setting_set", "setting_get", "tick",
    "close", "customer_create", "customer_ensure", "customer_find", "identity_add",
    "identity_remove", "identity_normalize", "identity_iterator_new", "customer_lookup",
    "customer_update", "customer_set_attribute", "customer_set_preference",
    "customer_may_contact", "interaction_record", "interaction_lookup", "interaction_move",
    "interaction_set_attribute", "interaction_add_participant", "interaction_attach",
    "attachment_read", "participant_iterator_new", "attachment_iterator_new", "case_open",
    "case_lookup", "case_set_status", "case_set_priority", "case_assign", "case_tag",
    "case_untag", "case_link", "case_set_csat", "link_iterator_new", "case_iterator_new",
    "queue_create", "agent_create", "agent_join", "agent_leave", "agent_role",
    "queue_add_skill", "agent_add_skill", "queue_lookup", "agent_lookup",
    "timeline_iterator_new", "event_iterator_new", "subscribe", "unsubscribe",
    "event_cursor_get", "event_cursor_set", "mail_ingest", "mail_reply", "mail_import_mbox",
    "mail_import_maildir",
    /* customer lifecycle */
    "customer_set_preference_ext", "preference_iterator_new", "customer_duplicates",
    "customer_merge", "customer_unmerge", "customer_export", "customer_export_ext",
    "customer_erase", "db_compact",
    /* incidents */
    "incident_attach", "incident_set_scope", "incident_scope_get", "incident_match",
    "incident_update", "incident_resolve",
    /* search */
    "search",
    /* SLA */
    "calendar_save", "calendar_update", "calendar_load", "calendar_load_version",
    "calendar_version", "sla_policy_create", "sla_policy_update", "sla_policy_version",
    "sla_timer_iterator_new", "sla_cycle_iterator_new", "sla_due_iterator_new",
    /* SLA definitions read back */
    "calendar_name", "sla_policy_to_json",
    /* reports */
    "report_run"};

/* The enums, for crm.<Enum> (Python IntEnum, Lua constant table):
   "ClassName c_type PREFIX_ MEMBER MEMBER ..."; the members' values are the
   module constants PREFIX_MEMBER. */
static const char *const crm_swig_enum_specs[] = {
    "Channel crm_channel_t CHANNEL_ EMAIL PHONE IVR CHAT SMS FAX LETTER WEB SOCIAL IN_PERSON NOTE",
    "IdentityKind crm_identity_kind_t IDENTITY_ EMAIL PHONE EXTERNAL SOCIAL POSTAL",
    "CustomerStatus crm_customer_status_t CUSTOMER_ ACTIVE INACTIVE ERASED MERGED",
    "DuplicateReason crm_duplicate_reason_t DUPLICATE_ PHONE EMAIL_ALIAS NAME_ORGANIZATION POSTAL",
    "Direction crm_direction_t DIRECTION_ INBOUND OUTBOUND INTERNAL",
    "Outcome crm_outcome_t OUTCOME_ NONE ANSWERED BUSY ABANDONED VOICEMAIL MISSED",
    "CaseStatus crm_case_status_t CASE_ NEW OPEN PENDING_CUSTOMER PENDING_THIRD_PARTY RESOLVED "
    "CLOSED",
    "Priority crm_priority_t PRIORITY_ LOW NORMAL HIGH URGENT",
    "CaseKind crm_case_kind_t CASE_ REQUEST INCIDENT PROBLEM",
    "LinkKind crm_link_t LINK_ CAUSED_BY DUPLICATE_OF FOLLOW_UP_OF RELATED",
    "Role crm_role_t ROLE_ AGENT SUPERVISOR ADMIN",
    "MailRule crm_mail_rule_t MAIL_ DUPLICATE IN_REPLY_TO REFERENCES SUBJECT_TAG NEW_CASE",
    "LogLevel int LOG_ ERROR WARNING INFO DEBUG",
    "SlaMetric crm_sla_metric_t SLA_ FIRST_RESPONSE NEXT_RESPONSE RESOLUTION PERIODIC_UPDATE",
    "SlaSegment crm_sla_segment_t SLA_SEGMENT_ ACTIVATE PAUSE RESUME FULFIL BREACH WARNING "
    "RECOMPUTE STOP",
    "SlaView crm_sla_view_t SLA_ AS_REPORTED RECOMPUTED",
    "SearchKind crm_search_kind_t SEARCH_ INTERACTION CASE CUSTOMER",
    "ReportGroup crm_report_group_t REPORT_BY_ NONE CHANNEL QUEUE AGENT PRIORITY DAY",
    "ReportTime crm_report_time_t REPORT_TIME_ COUNT MEDIAN_BUSINESS P90_BUSINESS "
    "MEDIAN_CALENDAR P90_CALENDAR"};

/* A read-only list of strings handed to the language (tags, skills, ...). */
typedef struct {
  size_t count;
  const void *obj;
  const char *(*at)(const void *obj, size_t i);
} crm_swig_strings;

static const char *crm_swig_name_at(const void *obj, size_t i)
{
  return ((const char *const *)obj)[i];
}
%}

/* ======================================================================== */
/* Language runtime: raising, callbacks, struct conversion                  */
/* ======================================================================== */

#ifdef SWIGPYTHON
%{
/* Language value held by the binding (a strong reference). */
typedef PyObject *crm_swig_ref;
#define CRM_SWIG_NOREF NULL
typedef PyObject *crm_swig_obj;
%}
#else
%{
typedef int crm_swig_ref; /* a LUA_REGISTRYINDEX reference */
#define CRM_SWIG_NOREF LUA_NOREF
/* A Lua argument: its state and stack index (0: none/nil). */
typedef struct {
  lua_State *L;
  int index;
} crm_swig_obj;
%}
#endif

%{
struct crm_swig_db;

/* One event subscription: the callable, kept alive while subscribed. */
typedef struct crm_swig_sub {
  struct crm_swig_sub *next;
  struct crm_swig_db *box;
  int token;
  crm_swig_ref cb;
  int busy; /* its callback is running */
  int dead; /* unsubscribed: free when no longer busy */
} crm_swig_sub;

/* The handle as the languages see it. */
typedef struct crm_swig_db {
  crm_db *db; /* NULL once closed */
  int owned;  /* closed by crm.close / the collector; 0: a host's handle */
  crm_swig_ref clock, log;
  crm_swig_sub *subs;
#ifdef SWIGLUA
  lua_State *L; /* the main thread, for callbacks from C */
#endif
} crm_swig_db;

/* Nesting of wrapped calls (callbacks' errors are raised when it drops)
   and of running callbacks. The bindings are for one thread. */
static int crm_swig_depth;
static int crm_swig_in_callback;
%}

#ifdef SWIGPYTHON
%{
/* Objects registered by the Python layer: "Error", the class per code by
   name, "Time", and the IntEnum classes by C type name. */
static PyObject *crm_swig_registry;

static PyObject *crm_swig_registered(const char *name)
{
  return crm_swig_registry ? PyDict_GetItemString(crm_swig_registry, name) : NULL;
}

static PyObject *crm_swig_py_register(const char *name, PyObject *obj)
{
  if (crm_swig_registry == NULL && (crm_swig_registry = PyDict_New()) == NULL)
    return NULL;
  if (PyDict_SetItemString(crm_swig_registry, name, obj) < 0)
    return NULL;
  Py_RETURN_NONE;
}

static void crm_swig_raise(crm_status code, const char *message, crm_id existing)
{
  PyObject *cls = crm_swig_registered(crm_swig_error_name(code));
  if (cls == NULL)
    cls = crm_swig_registered("Error");
  if (cls == NULL) {
    PyErr_Format(PyExc_RuntimeError, "libcrm error %d: %s", code, message);
    return;
  }
  PyObject *exc = PyObject_CallFunction(cls, "is", code, message);
  if (exc == NULL)
    return;
  if (existing > 0) {
    PyObject *id = PyLong_FromLongLong(existing);
    if (id)
      PyObject_SetAttrString(exc, "existing_id", id);
    Py_XDECREF(id);
  }
  PyErr_SetObject(cls, exc);
  Py_DECREF(exc);
}

/* ---- conversions ---- */

static PyObject *crm_swig_py_time_obj(crm_time t)
{
  PyObject *cls = crm_swig_registered("Time");
  return cls ? PyObject_CallFunction(cls, "L", (long long)t) : PyLong_FromLongLong(t);
}

static PyObject *crm_swig_py_enum(const char *ctype, long value)
{
  PyObject *cls = crm_swig_registered(ctype);
  if (cls) {
    PyObject *r = PyObject_CallFunction(cls, "l", value);
    if (r)
      return r;
    PyErr_Clear(); /* a value the enum does not know: a plain int */
  }
  return PyLong_FromLong(value);
}

static int crm_swig_py_int(PyObject *o, long long *out, const char *what)
{
  if (!PyLong_Check(o)) {
    PyErr_Format(PyExc_TypeError, "%s must be an integer, not %.80s", what, Py_TYPE(o)->tp_name);
    return 0;
  }
  *out = PyLong_AsLongLong(o);
  return !(*out == -1 && PyErr_Occurred());
}

/* An id: an integer, or an object with an integer `id` (a customer, a case...). */
static int crm_swig_py_id(PyObject *o, crm_id *out, const char *what)
{
  long long v = 0;
  if (!PyLong_Check(o) && PyObject_HasAttrString(o, "id")) {
    PyObject *id = PyObject_GetAttrString(o, "id");
    int ok = id && crm_swig_py_int(id, &v, what);
    Py_XDECREF(id);
    *out = v;
    return ok;
  }
  int ok = crm_swig_py_int(o, &v, what);
  *out = v;
  return ok;
}

/* A time: epoch seconds, or a datetime (a naive one is taken as UTC). */
static int crm_swig_py_time(PyObject *o, crm_time *out, const char *what)
{
  if (PyLong_Check(o) || !PyObject_HasAttrString(o, "timestamp")) {
    long long v = 0;
    int ok = crm_swig_py_int(o, &v, what);
    *out = v;
    return ok;
  }
  PyObject *dt = NULL, *ts = NULL;
  PyObject *tz = PyObject_GetAttrString(o, "tzinfo");
  if (tz == Py_None) {
    PyObject *mod = PyImport_ImportModule("datetime");
    PyObject *tzcls = mod ? PyObject_GetAttrString(mod, "timezone") : NULL;
    PyObject *utc = tzcls ? PyObject_GetAttrString(tzcls, "utc") : NULL;
    PyObject *replace = utc ? PyObject_GetAttrString(o, "replace") : NULL;
    PyObject *kw = replace ? Py_BuildValue("{s:O}", "tzinfo", utc) : NULL;
    PyObject *args = kw ? PyTuple_New(0) : NULL;
    dt = args ? PyObject_Call(replace, args, kw) : NULL;
    Py_XDECREF(args);
    Py_XDECREF(kw);
    Py_XDECREF(replace);
    Py_XDECREF(utc);
    Py_XDECREF(tzcls);
    Py_XDECREF(mod);
  } else if (tz) {
    Py_INCREF(o);
    dt = o;
  }
  Py_XDECREF(tz);
  if (dt)
    ts = PyObject_CallMethod(dt, "timestamp", NULL);
  Py_XDECREF(dt);
  if (ts == NULL)
    return 0;
  double seconds = PyFloat_AsDouble(ts);
  Py_DECREF(ts);
  if (seconds == -1.0 && PyErr_Occurred())
    return 0;
  *out = (crm_time)seconds;
  if ((double)*out > seconds) /* floor for instants before 1970 */
    (*out)--;
  return 1;
}

static int crm_swig_py_field(const crm_swig_field *f, char *base, PyObject *v, const char *sname)
{
  char what[128];
  snprintf(what, sizeof what, "%s.%s", sname, f->name);
  long long n = 0;
  switch (f->kind) {
  case CRM_SWIG_F_STR:
    if (PyUnicode_Check(v))
      *(const char **)(base + f->offset) = PyUnicode_AsUTF8(v);
    else if (PyBytes_Check(v))
      *(const char **)(base + f->offset) = PyBytes_AsString(v);
    else {
      PyErr_Format(PyExc_TypeError, "%s must be a str, not %.80s", what, Py_TYPE(v)->tp_name);
      return 0;
    }
    return *(const char **)(base + f->offset) != NULL;
  case CRM_SWIG_F_ID: {
    crm_id id = 0;
    if (!crm_swig_py_id(v, &id, what))
      return 0;
    n = id;
    break;
  }
  case CRM_SWIG_F_TIME: {
    crm_time t = 0;
    if (!crm_swig_py_time(v, &t, what))
      return 0;
    n = t;
    break;
  }
  case CRM_SWIG_F_U32:
    if (!PyLong_Check(v)) { /* an iterable of enum values: their bits */
      PyObject *it = PyObject_GetIter(v), *item;
      if (it == NULL)
        return 0;
      while ((item = PyIter_Next(it)) != NULL) {
        long long bit = 0;
        int ok = crm_swig_py_int(item, &bit, what) && bit >= 0 && bit < 32;
        Py_DECREF(item);
        if (!ok) {
          Py_DECREF(it);
          if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "%s: values must be within 0..31", what);
          return 0;
        }
        n |= 1ll << bit;
      }
      Py_DECREF(it);
      if (PyErr_Occurred())
        return 0;
      break;
    }
    /* fall through */
  default:
    if (!crm_swig_py_int(v, &n, what))
      return 0;
  }
  if (!crm_swig_store_int(f, base, n)) {
    PyErr_Format(PyExc_OverflowError, "%s: %lld is out of range", what, n);
    return 0;
  }
  return 1;
}

/* Fill a struct from a dict of fields (None values are left 0/NULL). The
   strings point into the dict's values: use the struct during the call. */
static int crm_swig_py_fill(const crm_swig_struct *s, void *dst, PyObject *obj,
                            const char *const *extra)
{
  crm_swig_struct_reset(s, dst);
  if (obj == NULL || obj == Py_None)
    return 1;
  if (!PyDict_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s: expected a dict of fields, not %.80s", s->name,
                 Py_TYPE(obj)->tp_name);
    return 0;
  }
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(obj, &pos, &key, &value)) {
    const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
    if (name == NULL) {
      if (!PyErr_Occurred())
        PyErr_Format(PyExc_TypeError, "%s: field names must be str", s->name);
      return 0;
    }
    if (crm_swig_is_extra(name, extra))
      continue;
    const crm_swig_field *f = crm_swig_find_field(s, name);
    if (f == NULL) {
      PyErr_Format(PyExc_TypeError, "%s has no field '%s'", s->name, name);
      return 0;
    }
    if (value != Py_None && !crm_swig_py_field(f, dst, value, s->name))
      return 0;
  }
  return 1;
}

/* A dict of every field of a struct (for the *_init functions). */
static PyObject *crm_swig_py_dict(const crm_swig_struct *s, const void *src)
{
  PyObject *d = PyDict_New();
  for (const crm_swig_field *f = s->fields; d && f->name; f++) {
    PyObject *v;
    if (f->kind == CRM_SWIG_F_STR) {
      const char *str = *(const char *const *)((const char *)src + f->offset);
      v = str ? PyUnicode_FromString(str) : (Py_INCREF(Py_None), Py_None);
    } else {
      v = PyLong_FromLongLong(crm_swig_load_int(f, src));
    }
    if (v == NULL || PyDict_SetItemString(d, f->name, v) < 0) {
      Py_XDECREF(v);
      Py_DECREF(d);
      return NULL;
    }
    Py_DECREF(v);
  }
  return d;
}

static PyObject *crm_swig_py_strings(crm_swig_strings s)
{
  PyObject *t = PyTuple_New((Py_ssize_t)s.count);
  for (size_t i = 0; t && i < s.count; i++) {
    const char *str = s.at(s.obj, i);
    PyObject *v = PyUnicode_FromString(str ? str : "");
    if (v == NULL) {
      Py_DECREF(t);
      return NULL;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
  }
  return t;
}

/* Out-parameters: one value, or a tuple of them in their order. */
static PyObject *crm_swig_py_append(PyObject *result, PyObject *obj)
{
  if (obj == NULL) {
    Py_XDECREF(result);
    return NULL;
  }
  if (result == NULL || result == Py_None) {
    Py_XDECREF(result);
    return obj;
  }
  PyObject *t;
  if (PyTuple_Check(result)) {
    Py_ssize_t n = PyTuple_GET_SIZE(result);
    t = PyTuple_New(n + 1);
    for (Py_ssize_t i = 0; t && i < n; i++) {
      PyObject *item = PyTuple_GET_ITEM(result, i);
      Py_INCREF(item);
      PyTuple_SET_ITEM(t, i, item);
    }
    if (t)
      PyTuple_SET_ITEM(t, n, obj);
  } else {
    t = PyTuple_New(2);
    if (t) {
      Py_INCREF(result);
      PyTuple_SET_ITEM(t, 0, result);
      PyTuple_SET_ITEM(t, 1, obj);
    }
  }
  if (t == NULL)
    Py_DECREF(obj);
  Py_DECREF(result);
  return t;
}

/* ---- callbacks ---- */

/* The first exception raised by a callback during a wrapped call, raised
   again when that call returns. */
static PyObject *crm_swig_pending_type, *crm_swig_pending_value, *crm_swig_pending_tb;

static void crm_swig_callback_failed(PyObject *callable)
{
  if (crm_swig_depth > 0 && crm_swig_pending_type == NULL) {
    PyErr_Fetch(&crm_swig_pending_type, &crm_swig_pending_value, &crm_swig_pending_tb);
    PyErr_NormalizeException(&crm_swig_pending_type, &crm_swig_pending_value,
                             &crm_swig_pending_tb);
  } else {
    PyErr_WriteUnraisable(callable); /* prints it; never exits */
  }
}

/* Raise the pending callback error; 1 if there was one. */
static int crm_swig_raise_pending(void)
{
  if (crm_swig_depth > 0 || crm_swig_pending_type == NULL)
    return 0;
  PyErr_Restore(crm_swig_pending_type, crm_swig_pending_value, crm_swig_pending_tb);
  crm_swig_pending_type = crm_swig_pending_value = crm_swig_pending_tb = NULL;
  return 1;
}

static void crm_swig_unref(crm_swig_db *box, crm_swig_ref *ref)
{
  (void)box;
  Py_CLEAR(*ref);
}

static crm_time crm_swig_clock_cb(void *payload)
{
  crm_swig_db *box = payload;
  PyGILState_STATE gil = PyGILState_Ensure();
  crm_time now = (crm_time)time(NULL);
  PyObject *r = PyObject_CallNoArgs(box->clock);
  if (r == NULL || !crm_swig_py_time(r, &now, "the clock's result")) {
    now = (crm_time)time(NULL);
    crm_swig_callback_failed(box->clock);
  }
  Py_XDECREF(r);
  PyGILState_Release(gil);
  return now;
}

static void crm_swig_log_cb(int level, const char *message, void *payload)
{
  crm_swig_db *box = payload;
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject *r = PyObject_CallFunction(box->log, "is", level, message);
  if (r == NULL)
    crm_swig_callback_failed(box->log);
  Py_XDECREF(r);
  PyGILState_Release(gil);
}

/* A mail import's progress callable(done, total); true: stop. */
static int crm_swig_progress_cb(size_t done, size_t total, void *payload)
{
  PyObject *cb = payload;
  PyGILState_STATE gil = PyGILState_Ensure();
  int stop = 0;
  PyObject *r = PyObject_CallFunction(cb, "nn", (Py_ssize_t)done, (Py_ssize_t)total);
  if (r == NULL || (stop = PyObject_IsTrue(r)) < 0) {
    stop = 1;
    crm_swig_callback_failed(cb);
  }
  Py_XDECREF(r);
  PyGILState_Release(gil);
  return stop;
}

/* Call a subscriber with its own copy of the event; 1: unsubscribe. */
static int crm_swig_call_subscriber(crm_swig_sub *sub, const crm_event *ev)
{
  PyGILState_STATE gil = PyGILState_Ensure();
  int stop = 0;
  crm_event *copy = crm_event_dup(ev);
  PyObject *arg = copy ? SWIG_NewPointerObj(copy, SWIGTYPE_p_crm_event, SWIG_POINTER_OWN) : NULL;
  PyObject *r = arg ? PyObject_CallOneArg(sub->cb, arg) : NULL;
  if (r == NULL || (stop = PyObject_IsTrue(r)) < 0) {
    stop = 0;
    crm_swig_callback_failed(sub->cb);
  }
  Py_XDECREF(r);
  Py_XDECREF(arg);
  PyGILState_Release(gil);
  return stop;
}
%}
#else
%{
static void crm_swig_push_error(lua_State *L, crm_status code, const char *message,
                                crm_id existing);

static void crm_swig_raise_L(lua_State *L, crm_status code, const char *message, crm_id existing)
{
  crm_swig_push_error(L, code, message, existing);
}

/* A tostring for the error tables: "message (Name, code)". */
static int crm_swig_error_tostring(lua_State *L)
{
  lua_getfield(L, 1, "message");
  lua_getfield(L, 1, "name");
  lua_getfield(L, 1, "code");
  lua_pushfstring(L, "%s (%s, %d)", lua_tostring(L, -3), lua_tostring(L, -2),
                  (int)lua_tointeger(L, -1));
  return 1;
}

static void crm_swig_push_error(lua_State *L, crm_status code, const char *message,
                                crm_id existing)
{
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, code);
  lua_setfield(L, -2, "code");
  lua_pushstring(L, crm_swig_error_name(code));
  lua_setfield(L, -2, "name");
  lua_pushstring(L, message);
  lua_setfield(L, -2, "message");
  if (existing > 0) {
    lua_pushinteger(L, existing);
    lua_setfield(L, -2, "existing_id");
  }
  if (luaL_newmetatable(L, "crm.error")) {
    lua_pushcfunction(L, crm_swig_error_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_setmetatable(L, -2);
}

/* ---- conversions ---- */

static int crm_swig_lua_integer(lua_State *L, int index, long long *out)
{
  int isnum = 0;
  if (lua_type(L, index) == LUA_TBOOLEAN) {
    *out = lua_toboolean(L, index);
    return 1;
  }
  lua_Integer v = lua_tointegerx(L, index, &isnum);
  *out = v;
  return isnum;
}

/* An id: an integer, or a userdata/table with an integer `id` field. */
static int crm_swig_lua_id(lua_State *L, int index, crm_id *out)
{
  long long v = 0;
  int t = lua_type(L, index);
  if (t == LUA_TUSERDATA || t == LUA_TTABLE) {
    lua_getfield(L, index, "id");
    int ok = lua_type(L, -1) == LUA_TNUMBER && crm_swig_lua_integer(L, -1, &v);
    lua_pop(L, 1);
    *out = v;
    return ok;
  }
  int ok = t == LUA_TNUMBER && crm_swig_lua_integer(L, index, &v);
  *out = v;
  return ok;
}

static char crm_swig_lua_msg[256];

/* Fill a struct from a table; NULL or an error message. Strings point into
   the table (which the caller's stack keeps alive). */
static const char *crm_swig_lua_fill(const crm_swig_struct *s, void *dst, lua_State *L, int index,
                                     const char *const *extra)
{
  crm_swig_struct_reset(s, dst);
  if (index == 0 || lua_isnoneornil(L, index))
    return NULL;
  index = lua_absindex(L, index);
  if (!lua_istable(L, index)) {
    snprintf(crm_swig_lua_msg, sizeof crm_swig_lua_msg, "%s: expected a table of fields, got %s",
             s->name, luaL_typename(L, index));
    return crm_swig_lua_msg;
  }
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    const crm_swig_field *f = name ? crm_swig_find_field(s, name) : NULL;
    if (name && crm_swig_is_extra(name, extra)) {
      lua_pop(L, 1);
      continue;
    }
    if (f == NULL) {
      snprintf(crm_swig_lua_msg, sizeof crm_swig_lua_msg, "%s has no field '%s'", s->name,
               name ? name : luaL_typename(L, -2));
      lua_pop(L, 2);
      return crm_swig_lua_msg;
    }
    long long n = 0;
    int ok;
    char *base = dst;
    if (f->kind == CRM_SWIG_F_STR) {
      ok = lua_type(L, -1) == LUA_TSTRING;
      if (ok)
        *(const char **)(base + f->offset) = lua_tostring(L, -1);
    } else if (f->kind == CRM_SWIG_F_ID) {
      crm_id id = 0;
      ok = crm_swig_lua_id(L, -1, &id);
      n = id;
      ok = ok && crm_swig_store_int(f, base, n);
    } else if (f->kind == CRM_SWIG_F_U32 && lua_istable(L, -1)) {
      ok = 1;
      for (lua_Integer i = 1; ok; i++) {
        long long bit = 0;
        if (lua_geti(L, -1, i) == LUA_TNIL) {
          lua_pop(L, 1);
          break;
        }
        ok = crm_swig_lua_integer(L, -1, &bit) && bit >= 0 && bit < 32;
        n |= 1ll << (ok ? bit : 0);
        lua_pop(L, 1);
      }
      ok = ok && crm_swig_store_int(f, base, n);
    } else {
      ok = lua_type(L, -1) != LUA_TSTRING && crm_swig_lua_integer(L, -1, &n) &&
           crm_swig_store_int(f, base, n);
    }
    if (!ok) {
      snprintf(crm_swig_lua_msg, sizeof crm_swig_lua_msg, "%s.%s: bad value (%s)", s->name,
               f->name, luaL_typename(L, -1));
      lua_pop(L, 2);
      return crm_swig_lua_msg;
    }
    lua_pop(L, 1);
  }
  return NULL;
}

static void crm_swig_lua_table(lua_State *L, const crm_swig_struct *s, const void *src)
{
  lua_newtable(L);
  for (const crm_swig_field *f = s->fields; f->name; f++) {
    if (f->kind == CRM_SWIG_F_STR)
      lua_pushstring(L, *(const char *const *)((const char *)src + f->offset));
    else
      lua_pushinteger(L, crm_swig_load_int(f, src));
    lua_setfield(L, -2, f->name);
  }
}

static void crm_swig_lua_strings(lua_State *L, crm_swig_strings s)
{
  lua_createtable(L, (int)s.count, 0);
  for (size_t i = 0; i < s.count; i++) {
    lua_pushstring(L, s.at(s.obj, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* ---- callbacks ---- */

/* The thread running the current wrapped call (callbacks run there). */
static lua_State *crm_swig_current_L;
/* The first error raised by a callback during a wrapped call. */
static int crm_swig_pending_ref = LUA_NOREF;

static lua_State *crm_swig_callback_L(crm_swig_db *box)
{
  return crm_swig_current_L ? crm_swig_current_L : box->L;
}

/* The error value is on top of L: keep it for the wrapped call to raise,
   or print it when libcrm was called from C. Pops it. */
static void crm_swig_callback_failed(lua_State *L, const char *what)
{
  if (crm_swig_depth > 0 && crm_swig_pending_ref == LUA_NOREF) {
    crm_swig_pending_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return;
  }
  fprintf(stderr, "crm: error in a Lua %s callback: %s\n", what, luaL_tolstring(L, -1, NULL));
  lua_pop(L, 2);
}

/* Push the pending callback error; 1 if there was one. */
static int crm_swig_raise_pending(lua_State *L)
{
  if (crm_swig_depth > 0 || crm_swig_pending_ref == LUA_NOREF)
    return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, crm_swig_pending_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, crm_swig_pending_ref);
  crm_swig_pending_ref = LUA_NOREF;
  return 1;
}

static void crm_swig_unref(crm_swig_db *box, crm_swig_ref *ref)
{
  if (*ref != LUA_NOREF && *ref != LUA_REFNIL)
    luaL_unref(box->L, LUA_REGISTRYINDEX, *ref);
  *ref = LUA_NOREF;
}

static crm_time crm_swig_clock_cb(void *payload)
{
  crm_swig_db *box = payload;
  lua_State *L = crm_swig_callback_L(box);
  crm_time now = (crm_time)time(NULL);
  lua_checkstack(L, 4);
  lua_rawgeti(L, LUA_REGISTRYINDEX, box->clock);
  if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
    crm_swig_callback_failed(L, "clock");
    return now;
  }
  long long v = 0;
  if (lua_type(L, -1) == LUA_TNUMBER && crm_swig_lua_integer(L, -1, &v)) {
    now = v;
    lua_pop(L, 1);
  } else {
    lua_pushfstring(L, "the clock returned %s, not an integer", luaL_typename(L, -1));
    lua_remove(L, -2);
    crm_swig_callback_failed(L, "clock");
  }
  return now;
}

static void crm_swig_log_cb(int level, const char *message, void *payload)
{
  crm_swig_db *box = payload;
  lua_State *L = crm_swig_callback_L(box);
  lua_checkstack(L, 4);
  lua_rawgeti(L, LUA_REGISTRYINDEX, box->log);
  lua_pushinteger(L, level);
  lua_pushstring(L, message);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK)
    crm_swig_callback_failed(L, "log");
}

static int crm_swig_progress_cb(size_t done, size_t total, void *payload)
{
  const crm_swig_obj *cb = payload;
  lua_State *L = crm_swig_current_L ? crm_swig_current_L : cb->L;
  lua_checkstack(L, 4);
  lua_pushvalue(cb->L, cb->index);
  if (L != cb->L)
    lua_xmove(cb->L, L, 1);
  lua_pushinteger(L, (lua_Integer)done);
  lua_pushinteger(L, (lua_Integer)total);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    crm_swig_callback_failed(L, "progress");
    return 1;
  }
  int stop = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return stop;
}

static int crm_swig_call_subscriber(crm_swig_sub *sub, const crm_event *ev)
{
  lua_State *L = crm_swig_callback_L(sub->box);
  crm_event *copy = crm_event_dup(ev);
  if (copy == NULL)
    return 0;
  lua_checkstack(L, 4);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sub->cb);
  SWIG_NewPointerObj(L, copy, SWIGTYPE_p_crm_event, 1);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    crm_swig_callback_failed(L, "event");
    return 0;
  }
  int stop = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return stop;
}
%}
#endif

%{
/* ---- the box: subscriptions and closing (language-neutral) ---- */

static void crm_swig_sub_free(crm_swig_sub *sub)
{
  crm_swig_unref(sub->box, &sub->cb);
  free(sub);
}

/* Forget a subscription the library no longer calls. */
static void crm_swig_sub_drop(crm_swig_sub *sub)
{
  crm_swig_sub **p = &sub->box->subs;
  while (*p && *p != sub)
    p = &(*p)->next;
  if (*p)
    *p = sub->next;
  sub->dead = 1;
  if (!sub->busy)
    crm_swig_sub_free(sub);
}

static int crm_swig_event_cb(const crm_event *ev, void *payload)
{
  crm_swig_sub *sub = payload;
  if (sub->dead)
    return 1;
  sub->busy++;
  crm_swig_in_callback++;
  int stop = crm_swig_call_subscriber(sub, ev);
  crm_swig_in_callback--;
  sub->busy--;
  if (sub->dead && !sub->busy) {
    crm_swig_sub_free(sub);
    return 1;
  }
  if (stop)
    crm_swig_sub_drop(sub);
  return stop;
}

/* Close the handle (owned) or detach from it (a host's handle), and drop
   every language reference. */
static void crm_swig_db_release(crm_swig_db *box)
{
  if (box->db) {
    if (box->owned) {
      crm_close(box->db);
    } else {
      for (crm_swig_sub *s = box->subs; s; s = s->next)
        crm_unsubscribe(box->db, s->token);
    }
    box->db = NULL;
  }
  while (box->subs) {
    crm_swig_sub *s = box->subs;
    box->subs = s->next;
    crm_swig_sub_free(s);
  }
  crm_swig_unref(box, &box->clock);
  crm_swig_unref(box, &box->log);
}

static crm_status crm_swig_close(crm_swig_db *box)
{
  if (box == NULL)
    return CRM_OK;
  if (crm_swig_in_callback > 0)
    return crm_swig_fail(CRM_EINVALID, "crm.close cannot be called from an event callback");
  crm_swig_db_release(box);
  return CRM_OK;
}

static crm_swig_db *crm_swig_box_new(void)
{
  crm_swig_db *box = calloc(1, sizeof *box);
  if (box) {
    box->clock = CRM_SWIG_NOREF;
    box->log = CRM_SWIG_NOREF;
  }
  return box;
}

static crm_status crm_swig_subscribe_ref(int *out_token, crm_swig_db *box, const char *prefix,
                                         crm_swig_ref cb)
{
  crm_swig_sub *sub = calloc(1, sizeof *sub);
  if (sub == NULL) {
    crm_swig_unref(box, &cb);
    return crm_swig_fail(CRM_ENOMEM, "out of memory");
  }
  sub->box = box;
  sub->cb = cb;
  crm_status st = crm_subscribe(&sub->token, box->db, prefix, crm_swig_event_cb, sub);
  if (st != CRM_OK) {
    crm_swig_sub_free(sub);
    return st;
  }
  sub->next = box->subs;
  box->subs = sub;
  *out_token = sub->token;
  return CRM_OK;
}

static crm_status crm_swig_unsubscribe(crm_swig_db *box, int token)
{
  crm_status st = crm_unsubscribe(box->db, token);
  if (st != CRM_OK)
    return st;
  for (crm_swig_sub *s = box->subs; s; s = s->next)
    if (s->token == token) {
      crm_swig_sub_drop(s);
      break;
    }
  return CRM_OK;
}
%}

/* ======================================================================== */
/* Typemaps                                                                 */
/* ======================================================================== */

/* ---- crm_status: raise on a negative code (CRM_ITEROVER is not one) ---- */

#ifdef SWIGPYTHON
%define CRM_STATUS_CHECK(status, existing)
  if ((status) == CRM_SWIG_LANGERR) {
    crm_swig_own_message[0] = '\0';
    SWIG_fail;
  }
  if ((status) < 0 && (status) != CRM_ITEROVER) {
    crm_swig_raise((status), crm_swig_message(status), (existing));
    crm_swig_own_message[0] = '\0';
    SWIG_fail;
  }
  $result = SWIG_Py_Void();
%enddef
#else
%define CRM_STATUS_CHECK(status, existing)
  if ((status) == CRM_SWIG_LANGERR) {
    crm_swig_own_message[0] = '\0';
    SWIG_fail;
  }
  if ((status) < 0 && (status) != CRM_ITEROVER) {
    crm_swig_raise_L(L, (status), crm_swig_message(status), (existing));
    crm_swig_own_message[0] = '\0';
    SWIG_fail;
  }
%enddef
#endif

%typemap(out) crm_status { CRM_STATUS_CHECK($1, 0) }
/* crm_error_last()->code is a value, not a status to check. */
#ifdef SWIGPYTHON
%typemap(out) crm_status code "$result = PyLong_FromLong($1);"
#else
%typemap(out) crm_status code "lua_pushinteger(L, $1); SWIG_arg++;"
#endif
/* These return the existing object's id with CRM_EEXISTS. */
%typemap(out) crm_status crm_interaction_record, crm_status crm_queue_create,
    crm_status crm_agent_create { CRM_STATUS_CHECK($1, ($1 == CRM_EEXISTS ? *arg1 : 0)) }

/* Every call: callbacks' errors are raised when the outermost call returns. */
#ifdef SWIGPYTHON
%exception {
  crm_swig_depth++;
  $action
  crm_swig_depth--;
  if (crm_swig_raise_pending())
    SWIG_fail;
}
#else
%exception {
  lua_State *crm_swig_saved_L = crm_swig_current_L;
  crm_swig_current_L = L;
  crm_swig_depth++;
  $action
  crm_swig_depth--;
  crm_swig_current_L = crm_swig_saved_L;
  if (crm_swig_raise_pending(L))
    SWIG_fail;
}
#endif

/* ---- scalars ---- */

#ifdef SWIGPYTHON
%typemap(in) crm_id (crm_id tmp) {
  if (!crm_swig_py_id($input, &tmp, "argument $argnum of $symname"))
    SWIG_fail;
  $1 = tmp;
}
%typemap(in) crm_time (crm_time tmp) {
  if (!crm_swig_py_time($input, &tmp, "argument $argnum of $symname"))
    SWIG_fail;
  $1 = tmp;
}
%typemap(in) int64_t (long long tmp) {
  if (!crm_swig_py_int($input, &tmp, "argument $argnum of $symname"))
    SWIG_fail;
  $1 = (int64_t)tmp;
}
%typemap(out) crm_id, int64_t "$result = PyLong_FromLongLong((long long)$1);"
%typemap(out) crm_time "$result = crm_swig_py_time_obj($1);"
%typemap(out) int crm_case_has_tag, int crm_calendar_is_open "$result = PyBool_FromLong($1);"
#else
%typemap(in) crm_id, crm_time, int64_t {
  {
    long long tmp = 0;
    if (lua_type(L, $input) != LUA_TNUMBER || !crm_swig_lua_integer(L, $input, &tmp))
      SWIG_fail_arg("$symname", $argnum, "integer");
    $1 = ($1_ltype)tmp;
  }
}
%typemap(in) crm_id {
  {
    crm_id tmp = 0;
    if (!crm_swig_lua_id(L, $input, &tmp))
      SWIG_fail_arg("$symname", $argnum, "id (an integer, or an object with an id)");
    $1 = tmp;
  }
}
/* Integers are Lua integers (1, not 1.0). */
%typemap(out) int, unsigned int, long, long long, size_t, int64_t, crm_id, crm_time,
    enum SWIGTYPE "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
%typemap(out) int crm_case_has_tag, int crm_calendar_is_open "lua_pushboolean(L, $1); SWIG_arg++;"
/* A flag: a boolean or a number. */
%typemap(in) int allowed "$1 = lua_isboolean(L, $input) ? lua_toboolean(L, $input) : (int)lua_tointeger(L, $input);"
#endif

/* Enums come out as IntEnum members in Python. */
#ifdef SWIGPYTHON
%define CRM_ENUM_OUT(ctype)
%typemap(out) ctype { $result = crm_swig_py_enum(#ctype, (long)$1); }
%typemap(in, numinputs=0) ctype *out (ctype tmp = (ctype)0) "$1 = &tmp;"
%typemap(argout) ctype *out { $result = crm_swig_py_append($result, crm_swig_py_enum(#ctype, (long)tmp$argnum)); }
%enddef
#else
%define CRM_ENUM_OUT(ctype)
%typemap(in, numinputs=0) ctype *out (ctype tmp = (ctype)0) "$1 = &tmp;"
%typemap(argout) ctype *out "lua_pushinteger(L, (lua_Integer)tmp$argnum); SWIG_arg++;"
%enddef
#endif
CRM_ENUM_OUT(crm_channel_t)
CRM_ENUM_OUT(crm_identity_kind_t)
CRM_ENUM_OUT(crm_customer_status_t)
CRM_ENUM_OUT(crm_direction_t)
CRM_ENUM_OUT(crm_outcome_t)
CRM_ENUM_OUT(crm_case_status_t)
CRM_ENUM_OUT(crm_priority_t)
CRM_ENUM_OUT(crm_case_kind_t)
CRM_ENUM_OUT(crm_link_t)
CRM_ENUM_OUT(crm_role_t)
CRM_ENUM_OUT(crm_duplicate_reason_t)
CRM_ENUM_OUT(crm_report_group_t)

/* ---- out-parameters ---- */

#ifdef SWIGPYTHON
%define CRM_OUT_SCALAR(decl, ctype, pyconv, luaconv)
%typemap(in, numinputs=0) decl (ctype tmp = 0) "$1 = &tmp;"
%typemap(argout) decl "$result = crm_swig_py_append($result, pyconv);"
%enddef
#else
%define CRM_OUT_SCALAR(decl, ctype, pyconv, luaconv)
%typemap(in, numinputs=0) decl (ctype tmp = 0) "$1 = &tmp;"
%typemap(argout) decl "luaconv; SWIG_arg++;"
%enddef
#endif

CRM_OUT_SCALAR(crm_id *out, crm_id, PyLong_FromLongLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(int64_t *out, int64_t, PyLong_FromLongLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(int64_t *out_seq, int64_t, PyLong_FromLongLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(crm_time *out, crm_time, crm_swig_py_time_obj(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(size_t *out_fired, size_t, PyLong_FromSize_t(tmp$argnum), lua_pushinteger(L, (lua_Integer)tmp$argnum))
CRM_OUT_SCALAR(size_t *out_affected, size_t, PyLong_FromSize_t(tmp$argnum), lua_pushinteger(L, (lua_Integer)tmp$argnum))
CRM_OUT_SCALAR(int *out_token, int, PyLong_FromLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(int *created, int, PyBool_FromLong(tmp$argnum), lua_pushboolean(L, tmp$argnum))
CRM_OUT_SCALAR(int *out_allowed, int, PyBool_FromLong(tmp$argnum), lua_pushboolean(L, tmp$argnum))
CRM_OUT_SCALAR(int *major, int, PyLong_FromLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(int *minor, int, PyLong_FromLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))
CRM_OUT_SCALAR(int *patch, int, PyLong_FromLong(tmp$argnum), lua_pushinteger(L, tmp$argnum))

/* Text the caller owns: a str (TEXT), bytes (BYTES: an attachment). */
%typemap(in, numinputs=0) crm_buf *TEXT (crm_buf tmp), crm_buf *BYTES (crm_buf tmp) {
  tmp.ptr = NULL;
  tmp.size = 0;
  tmp.reserved = 0;
  $1 = &tmp;
}
%typemap(freearg) crm_buf *TEXT, crm_buf *BYTES "crm_buf_dispose($1);"
#ifdef SWIGPYTHON
%typemap(argout) crm_buf *TEXT {
  $result = crm_swig_py_append($result, $1->ptr ? PyUnicode_DecodeUTF8($1->ptr, (Py_ssize_t)$1->size, "surrogateescape") : SWIG_Py_Void());
}
%typemap(argout) crm_buf *BYTES {
  $result = crm_swig_py_append($result, PyBytes_FromStringAndSize($1->ptr ? $1->ptr : "", (Py_ssize_t)$1->size));
}
#else
%typemap(argout) crm_buf *TEXT, crm_buf *BYTES {
  if ($1->ptr)
    lua_pushlstring(L, $1->ptr, $1->size);
  else
    lua_pushnil(L);
  SWIG_arg++;
}
#endif
%apply crm_buf *TEXT { crm_buf *out, crm_buf *out_json };

/* Owned objects and iterators: freed by the collector. */
#ifdef SWIGPYTHON
%define CRM_OWNED_OUT(type)
%typemap(in, numinputs=0) type **out (type *tmp = NULL) "$1 = &tmp;"
%typemap(argout) type **out {
  $result = crm_swig_py_append($result, tmp$argnum ? SWIG_NewPointerObj(tmp$argnum, $descriptor(type *), SWIG_POINTER_OWN) : SWIG_Py_Void());
  tmp$argnum = NULL;
}
%enddef
#else
%define CRM_OWNED_OUT(type)
%typemap(in, numinputs=0) type **out (type *tmp = NULL) "$1 = &tmp;"
%typemap(argout) type **out {
  if (tmp$argnum)
    SWIG_NewPointerObj(L, tmp$argnum, $descriptor(type *), 1);
  else
    lua_pushnil(L);
  SWIG_arg++;
  tmp$argnum = NULL;
}
%enddef
#endif
%define CRM_OWNED(type)
CRM_OWNED_OUT(type)
struct type {};
%extend type {
  ~type() { type##_free($self); }
}
%ignore type##_free;
%enddef

/* ---- spec / options / query structs ---- */

#ifdef SWIGPYTHON
%define CRM_STRUCT_IN(type, sdesc)
%typemap(in) const type * (type tmp) {
  if (!crm_swig_py_fill(&sdesc, &tmp, $input, NULL))
    SWIG_fail;
  $1 = &tmp;
}
%typemap(in, numinputs=0) type * (type tmp) "$1 = &tmp; crm_swig_struct_reset(&sdesc, &tmp);"
%typemap(argout) type * "$result = crm_swig_py_append($result, crm_swig_py_dict(&sdesc, &tmp$argnum));"
%typemap(default) const type * "$1 = NULL;"
%typemap(argout) const type * ""
%ignore type;
%enddef
#else
%define CRM_STRUCT_IN(type, sdesc)
%typemap(in) const type * (type tmp) {
  {
    const char *crm_swig_err = crm_swig_lua_fill(&sdesc, &tmp, L, $input, NULL);
    if (crm_swig_err) {
      crm_swig_raise_L(L, CRM_EINVALID, crm_swig_err, 0);
      SWIG_fail;
    }
  }
  $1 = &tmp;
}
%typemap(in, numinputs=0) type * (type tmp) "$1 = &tmp; crm_swig_struct_reset(&sdesc, &tmp);"
%typemap(argout) type * "crm_swig_lua_table(L, &sdesc, &tmp$argnum); SWIG_arg++;"
%typemap(default) const type * "$1 = NULL;"
%typemap(argout) const type * ""
%ignore type;
%enddef
#endif

CRM_STRUCT_IN(crm_open_options, crm_swig_open_options_s)
CRM_STRUCT_IN(crm_customer_update_spec, crm_swig_customer_update_spec_s)
CRM_STRUCT_IN(crm_interaction_spec, crm_swig_interaction_spec_s)
CRM_STRUCT_IN(crm_case_spec, crm_swig_case_spec_s)
CRM_STRUCT_IN(crm_case_query, crm_swig_case_query_s)
CRM_STRUCT_IN(crm_timeline_query, crm_swig_timeline_query_s)
CRM_STRUCT_IN(crm_search_options, crm_swig_search_options_s)
CRM_STRUCT_IN(crm_customer_export_options, crm_swig_customer_export_options_s)
CRM_STRUCT_IN(crm_sla_policy_spec, crm_swig_sla_policy_spec_s)
CRM_STRUCT_IN(crm_report_spec, crm_swig_report_spec_s)

/* customer lifecycle: a reasons mask, a flag, an optional source */
#ifdef SWIGPYTHON
%typemap(out) uint32_t "$result = PyLong_FromUnsignedLong((unsigned long)$1);"
%typemap(out) int crm_preference_allowed "$result = PyBool_FromLong($1);"
#else
%typemap(out) uint32_t "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
%typemap(out) int crm_preference_allowed "lua_pushboolean(L, $1); SWIG_arg++;"
#endif
%typemap(default) const char *source "$1 = NULL;"

/* ---- the handle ---- */

%typemap(in) crm_db * (crm_swig_db *box = NULL) {
#ifdef SWIGPYTHON
  if ($input == Py_None) {
    $1 = NULL;
  } else {
    if (!SWIG_IsOK(SWIG_ConvertPtr($input, (void **)&box, $descriptor(crm_swig_db *), 0)))
      SWIG_exception_fail(SWIG_TypeError, "in '$symname': expected a database handle (crm.open)");
    if (box->db == NULL) {
      crm_swig_raise(CRM_EINVALID, "the database handle was closed (crm.close)", 0);
      SWIG_fail;
    }
    $1 = box->db;
  }
#else
  if (lua_isnoneornil(L, $input)) {
    $1 = NULL;
  } else {
    if (!SWIG_IsOK(SWIG_ConvertPtr(L, $input, (void **)&box, $descriptor(crm_swig_db *), 0)))
      SWIG_fail_arg("$symname", $argnum, "database handle (crm.open)");
    if (box->db == NULL) {
      crm_swig_raise_L(L, CRM_EINVALID, "the database handle was closed (crm.close)", 0);
      SWIG_fail;
    }
    $1 = box->db;
  }
#endif
}

%typemap(in, numinputs=0) crm_swig_db **out (crm_swig_db *tmp = NULL) "$1 = &tmp;"
#ifdef SWIGPYTHON
%typemap(argout) crm_swig_db **out {
  $result = crm_swig_py_append($result, SWIG_NewPointerObj(tmp$argnum, $descriptor(crm_swig_db *), SWIG_POINTER_OWN));
}
%typemap(in) crm_swig_obj "$1 = $input;"
%typemap(default) crm_swig_obj "$1 = Py_None;"
%typemap(out) crm_swig_strings "$result = crm_swig_py_strings($1);"
%typemap(out) crm_swig_strings * "$result = crm_swig_py_strings(*$1);"
#else
%typemap(argout) crm_swig_db **out {
  SWIG_NewPointerObj(L, tmp$argnum, $descriptor(crm_swig_db *), 1);
  SWIG_arg++;
}
%typemap(in) crm_swig_obj "$1.L = L; $1.index = lua_isnoneornil(L, $input) ? 0 : $input;"
%typemap(default) crm_swig_obj "$1.L = L; $1.index = 0;"
%typemap(out) crm_swig_strings "crm_swig_lua_strings(L, $1); SWIG_arg++;"
%typemap(out) crm_swig_strings * "crm_swig_lua_strings(L, *$1); SWIG_arg++;"
#endif

/* Bytes in: Python bytes-like or str (UTF-8), Lua string. */
#ifdef SWIGPYTHON
%typemap(in) (const void *data, size_t len) (Py_buffer view) {
  view.obj = NULL;
  if ($input == Py_None) {
    $1 = NULL;
    $2 = 0;
  } else if (PyUnicode_Check($input)) {
    Py_ssize_t n = 0;
    $1 = (void *)PyUnicode_AsUTF8AndSize($input, &n);
    if ($1 == NULL)
      SWIG_fail;
    $2 = (size_t)n;
  } else {
    if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
      SWIG_fail;
    $1 = view.buf;
    $2 = (size_t)view.len;
  }
}
%typemap(freearg) (const void *data, size_t len) "if (view$argnum.obj) PyBuffer_Release(&view$argnum);"
#else
%typemap(in) (const void *data, size_t len) {
  if (lua_isnil(L, $input)) {
    $1 = NULL;
    $2 = 0;
  } else {
    if (lua_type(L, $input) != LUA_TSTRING)
      SWIG_fail_arg("$symname", $argnum, "string");
    $1 = (void *)lua_tolstring(L, $input, &$2);
  }
}
#endif

%apply (const void *data, size_t len) { (const void *raw, size_t len) };

/* Mail: the result and the import statistics come back as a dict/table. */
CRM_STRUCT_IN(crm_mail_options, crm_swig_mail_options_s)
%typemap(in, numinputs=0) crm_mail_result *out (crm_mail_result tmp) "crm_swig_struct_reset(&crm_swig_mail_result_s, &tmp); $1 = &tmp;"
%typemap(in, numinputs=0) crm_mail_import_stats *out (crm_mail_import_stats tmp) "crm_swig_struct_reset(&crm_swig_mail_import_stats_s, &tmp); $1 = &tmp;"
%typemap(freearg) crm_mail_import_stats *out "if ($1) crm_buf_dispose(&$1->failures);"
%apply crm_buf *BYTES { crm_buf *out_raw };
#ifdef SWIGPYTHON
%typemap(argout) crm_mail_result *out "$result = crm_swig_py_append($result, crm_swig_py_dict(&crm_swig_mail_result_s, $1));"
%typemap(argout) crm_mail_import_stats *out {
  {
    PyObject *d = crm_swig_py_dict(&crm_swig_mail_import_stats_s, $1);
    PyObject *f = d ? PyUnicode_DecodeUTF8($1->failures.ptr ? $1->failures.ptr : "", (Py_ssize_t)$1->failures.size, "replace") : NULL;
    if (f)
      PyDict_SetItemString(d, "failures", f);
    Py_XDECREF(f);
    $result = crm_swig_py_append($result, d);
  }
}
%typemap(in) (crm_progress_fn cb, void *payload) {
  if ($input == Py_None) {
    $1 = NULL;
    $2 = NULL;
  } else {
    if (!PyCallable_Check($input))
      SWIG_exception_fail(SWIG_TypeError, "in '$symname': progress must be callable or None");
    $1 = crm_swig_progress_cb;
    $2 = $input;
  }
}
#else
%typemap(argout) crm_mail_result *out "crm_swig_lua_table(L, &crm_swig_mail_result_s, $1); SWIG_arg++;"
%typemap(argout) crm_mail_import_stats *out {
  crm_swig_lua_table(L, &crm_swig_mail_import_stats_s, $1);
  lua_pushlstring(L, $1->failures.ptr ? $1->failures.ptr : "", $1->failures.size);
  lua_setfield(L, -2, "failures");
  SWIG_arg++;
}
%typemap(in) (crm_progress_fn cb, void *payload) (crm_swig_obj progress) {
  if (lua_isnoneornil(L, $input)) {
    $1 = NULL;
    $2 = NULL;
  } else {
    if (!lua_isfunction(L, $input))
      SWIG_fail_arg("$symname", $argnum, "function");
    progress.L = L;
    progress.index = $input;
    $1 = crm_swig_progress_cb;
    $2 = &progress;
  }
}
#endif
%typemap(default) (crm_progress_fn cb, void *payload) "$1 = NULL; $2 = NULL;"

/* Optional trailing arguments. */
%typemap(default) int64_t expected_version "$1 = 0;"
%typemap(default) int64_t after_seq "$1 = 0;"
%typemap(default) crm_time now "$1 = 0;"
%typemap(default) const char *display_name, const char *email, const char *comment,
    const char *region "$1 = NULL;"

/* ======================================================================== */
/* The API                                                                  */
/* ======================================================================== */

%feature("kwargs");
%nodefaultctor;
%rename("%(regex:/^(crm_|CRM_)(.*)$/\\2/)s") "";

/* Replaced by the box-aware functions below (same names in the languages). */
%ignore crm_open;
%ignore crm_close;
%ignore crm_subscribe;
%ignore crm_unsubscribe;
/* The collector frees; CRM_BUF_INIT buffers are converted. */
%ignore crm_buf_dispose;
%ignore crm_buf;
%ignore crm_identity_iterator_free;
%ignore crm_participant_iterator_free;
%ignore crm_attachment_iterator_free;
%ignore crm_case_iterator_free;
%ignore crm_link_iterator_free;
%ignore crm_event_iterator_free;
%ignore crm_timeline_iterator_free;
%ignore crm_preference_iterator_free;
%ignore crm_duplicate_iterator_free;
%ignore crm_incident_iterator_free;
%ignore crm_search_iterator_free;
%ignore crm_sla_timer_iterator_free;
%ignore crm_report_row_iterator_free;
%newobject crm_event_dup;

#define CRM_EXTERN(type) extern type
#define CRM_BEGIN_DECL
#define CRM_END_DECL

CRM_OWNED(crm_customer)
CRM_OWNED(crm_identity)
CRM_OWNED(crm_interaction)
CRM_OWNED(crm_participant)
CRM_OWNED(crm_attachment)
CRM_OWNED(crm_case)
CRM_OWNED(crm_link)
CRM_OWNED(crm_event)
CRM_OWNED(crm_queue)
CRM_OWNED(crm_agent)
CRM_OWNED(crm_calendar)
CRM_OWNED(crm_preference)
CRM_OWNED(crm_duplicate)
%define CRM_ITERATOR(type)
CRM_OWNED(type)
%enddef
CRM_ITERATOR(crm_identity_iterator)
CRM_ITERATOR(crm_participant_iterator)
CRM_ITERATOR(crm_attachment_iterator)
CRM_ITERATOR(crm_case_iterator)
CRM_ITERATOR(crm_link_iterator)
CRM_ITERATOR(crm_event_iterator)
CRM_ITERATOR(crm_timeline_iterator)
CRM_ITERATOR(crm_preference_iterator)
CRM_ITERATOR(crm_duplicate_iterator)
CRM_ITERATOR(crm_incident_iterator)
CRM_OWNED(crm_search_hit)
CRM_ITERATOR(crm_search_iterator)
CRM_OWNED(crm_sla_timer)
CRM_ITERATOR(crm_sla_timer_iterator)
CRM_OWNED(crm_report)
CRM_OWNED(crm_report_row)
CRM_ITERATOR(crm_report_row_iterator)


%include "crm/common.h"
%immutable;
%include "crm/errors.h"
%mutable;
%include "crm/version.h"
%include "crm/types.h"
%include "crm/db.h"
%include "crm/customer.h"
%apply crm_buf *BYTES { crm_buf *out };
%include "crm/interaction.h"
%apply crm_buf *TEXT { crm_buf *out };
%include "crm/case.h"
%include "crm/queue.h"
%include "crm/timeline.h"
%include "crm/event.h"
%include "crm/calendar.h"
%include "crm/sla.h"
%ignore crm_mail_result;
%ignore crm_mail_import_stats;
%include "crm/mail.h"
%include "crm/incident.h"
%include "crm/search.h"
%include "crm/report.h"

/* ---- read-only fields: the getters without the type prefix ---- */

%define CRM_FIELD(type, name, ctype)
%extend type { const ctype name; }
%{
#define type##_##name##_get(self_) type##_##name(self_)
%}
%enddef

%immutable;
CRM_FIELD(crm_customer, id, crm_id)
CRM_FIELD(crm_customer, name, char *)
CRM_FIELD(crm_customer, organization, char *)
CRM_FIELD(crm_customer, language, char *)
CRM_FIELD(crm_customer, timezone, char *)
CRM_FIELD(crm_customer, segment, char *)
CRM_FIELD(crm_customer, status, crm_customer_status_t)
CRM_FIELD(crm_customer, created_at, crm_time)
CRM_FIELD(crm_customer, updated_at, crm_time)
CRM_FIELD(crm_customer, version, int64_t)
CRM_FIELD(crm_customer, resolved_from, crm_id)

CRM_FIELD(crm_preference, channel, crm_channel_t)
CRM_FIELD(crm_preference, purpose, char *)
CRM_FIELD(crm_preference, allowed, int)
CRM_FIELD(crm_preference, source, char *)
CRM_FIELD(crm_preference, updated_at, crm_time)

CRM_FIELD(crm_duplicate, customer, crm_id)
CRM_FIELD(crm_duplicate, reason, crm_duplicate_reason_t)
CRM_FIELD(crm_duplicate, reasons, uint32_t)
CRM_FIELD(crm_duplicate, score, int)

CRM_FIELD(crm_identity, kind, crm_identity_kind_t)
CRM_FIELD(crm_identity, value, char *)
CRM_FIELD(crm_identity, customer, crm_id)

CRM_FIELD(crm_interaction, id, crm_id)
CRM_FIELD(crm_interaction, customer, crm_id)
CRM_FIELD(crm_interaction, agent, crm_id)
CRM_FIELD(crm_interaction, channel, crm_channel_t)
CRM_FIELD(crm_interaction, direction, crm_direction_t)
CRM_FIELD(crm_interaction, outcome, crm_outcome_t)
CRM_FIELD(crm_interaction, occurred_at, crm_time)
CRM_FIELD(crm_interaction, recorded_at, crm_time)
CRM_FIELD(crm_interaction, subject, char *)
CRM_FIELD(crm_interaction, body, char *)
CRM_FIELD(crm_interaction, external_ref, char *)
CRM_FIELD(crm_interaction, in_reply_to, char *)
/* "case" is a C keyword: declared as case_, named case. */
%rename(case) crm_interaction::case_;
%extend crm_interaction { const crm_id case_; }
%{
#define crm_interaction_case__get(self_) crm_interaction_case(self_)
%}

CRM_FIELD(crm_search_hit, kind, crm_search_kind_t)
CRM_FIELD(crm_search_hit, id, crm_id)
CRM_FIELD(crm_search_hit, customer, crm_id)
CRM_FIELD(crm_search_hit, rank, double)
CRM_FIELD(crm_search_hit, snippet, char *)
CRM_FIELD(crm_search_hit, cursor, char *)
%rename(case) crm_search_hit::case_;
%extend crm_search_hit { const crm_id case_; }
%{
#define crm_search_hit_case__get(self_) crm_search_hit_case(self_)
%}

CRM_FIELD(crm_participant, kind, crm_identity_kind_t)
CRM_FIELD(crm_participant, value, char *)
CRM_FIELD(crm_participant, role, char *)

CRM_FIELD(crm_attachment, id, crm_id)
CRM_FIELD(crm_attachment, filename, char *)
CRM_FIELD(crm_attachment, media_type, char *)
CRM_FIELD(crm_attachment, size, size_t)
CRM_FIELD(crm_attachment, sha256, char *)

CRM_FIELD(crm_case, id, crm_id)
CRM_FIELD(crm_case, customer, crm_id)
CRM_FIELD(crm_case, subject, char *)
CRM_FIELD(crm_case, kind, crm_case_kind_t)
CRM_FIELD(crm_case, status, crm_case_status_t)
CRM_FIELD(crm_case, priority, crm_priority_t)
CRM_FIELD(crm_case, queue, crm_id)
CRM_FIELD(crm_case, assignee, crm_id)
CRM_FIELD(crm_case, created_at, crm_time)
CRM_FIELD(crm_case, updated_at, crm_time)
CRM_FIELD(crm_case, resolved_at, crm_time)
CRM_FIELD(crm_case, version, int64_t)
CRM_FIELD(crm_case, inbound_count, int64_t)
CRM_FIELD(crm_case, transfer_count, int64_t)
CRM_FIELD(crm_case, reopen_count, int64_t)
CRM_FIELD(crm_case, csat, int)
CRM_FIELD(crm_case, csat_comment, char *)
CRM_FIELD(crm_case, tag_count, size_t)

#ifdef SWIGPYTHON
%rename(from_) crm_link::from;
#endif
CRM_FIELD(crm_link, from, crm_id)
CRM_FIELD(crm_link, kind, crm_link_t)
CRM_FIELD(crm_link, to, crm_id)
CRM_FIELD(crm_link, created_at, crm_time)

CRM_FIELD(crm_event, seq, int64_t)
CRM_FIELD(crm_event, time, crm_time)
CRM_FIELD(crm_event, actor, crm_id)
CRM_FIELD(crm_event, kind, char *)
CRM_FIELD(crm_event, entity, char *)
CRM_FIELD(crm_event, entity_id, crm_id)
CRM_FIELD(crm_event, payload, char *)

CRM_FIELD(crm_queue, id, crm_id)
CRM_FIELD(crm_queue, name, char *)
CRM_FIELD(crm_queue, skill_count, size_t)

CRM_FIELD(crm_agent, id, crm_id)
CRM_FIELD(crm_agent, name, char *)
CRM_FIELD(crm_agent, email, char *)
CRM_FIELD(crm_agent, skill_count, size_t)

CRM_FIELD(crm_calendar, timezone, char *)

CRM_FIELD(crm_sla_timer, id, crm_id)
CRM_FIELD(crm_sla_timer, metric, crm_sla_metric_t)
CRM_FIELD(crm_sla_timer, cycle, int)
CRM_FIELD(crm_sla_timer, view, crm_sla_view_t)
CRM_FIELD(crm_sla_timer, policy, crm_id)
CRM_FIELD(crm_sla_timer, policy_version, int64_t)
CRM_FIELD(crm_sla_timer, calendar, crm_id)
CRM_FIELD(crm_sla_timer, calendar_version, int64_t)
CRM_FIELD(crm_sla_timer, target, int64_t)
CRM_FIELD(crm_sla_timer, started_at, crm_time)
CRM_FIELD(crm_sla_timer, due_at, crm_time)
CRM_FIELD(crm_sla_timer, warned_at, crm_time)
CRM_FIELD(crm_sla_timer, breached_at, crm_time)
CRM_FIELD(crm_sla_timer, met_at, crm_time)
CRM_FIELD(crm_sla_timer, stopped_at, crm_time)
CRM_FIELD(crm_sla_timer, business_elapsed, int64_t)
CRM_FIELD(crm_sla_timer, calendar_elapsed, int64_t)
CRM_FIELD(crm_sla_timer, as_of, crm_time)
CRM_FIELD(crm_sla_timer, paused, int)
CRM_FIELD(crm_sla_timer, open, int)
CRM_FIELD(crm_sla_timer, segment_count, size_t)
%rename(case) crm_sla_timer::case_;
%extend crm_sla_timer { const crm_id case_; }
%{
#define crm_sla_timer_case__get(self_) crm_sla_timer_case(self_)
%}

CRM_FIELD(crm_report_row, group, crm_report_group_t)
CRM_FIELD(crm_report_row, key, int64_t)
CRM_FIELD(crm_report_row, label, char *)
CRM_FIELD(crm_report_row, contacts_in, int64_t)
CRM_FIELD(crm_report_row, contacts_out, int64_t)
CRM_FIELD(crm_report_row, abandoned, int64_t)
CRM_FIELD(crm_report_row, max_depth, int)
CRM_FIELD(crm_report_row, cases, int64_t)
CRM_FIELD(crm_report_row, resolved, int64_t)
CRM_FIELD(crm_report_row, fcr, int64_t)
CRM_FIELD(crm_report_row, fcr_rate, double)
CRM_FIELD(crm_report_row, reopened, int64_t)
CRM_FIELD(crm_report_row, reopen_rate, double)
CRM_FIELD(crm_report_row, transfers, int64_t)
CRM_FIELD(crm_report_row, transfers_per_case, double)
CRM_FIELD(crm_report_row, csat_count, int64_t)
CRM_FIELD(crm_report_row, csat_average, double)
CRM_FIELD(crm_report_row, backlog, int64_t)

/* Lists of strings: k.tags, q.skills, a.skills. */
%define CRM_STRINGS_FIELD(type, name, count_fn, at_fn)
%extend type { const crm_swig_strings *name; }
%{
static const char *type##_##name##_at(const void *obj, size_t i)
{
  return at_fn((const type *)obj, i);
}
static crm_swig_strings *type##_##name##_get(type *self_)
{
  static crm_swig_strings s;
  s.count = count_fn(self_);
  s.obj = self_;
  s.at = type##_##name##_at;
  return &s;
}
%}
%enddef
CRM_STRINGS_FIELD(crm_case, tags, crm_case_tag_count, crm_case_tag_at)
CRM_STRINGS_FIELD(crm_queue, skills, crm_queue_skill_count, crm_queue_skill_at)
CRM_STRINGS_FIELD(crm_agent, skills, crm_agent_skill_count, crm_agent_skill_at)
%mutable;

/* ---- the handle box and its functions ---- */

%rename(db) crm_swig_db;
struct crm_swig_db {};
typedef struct crm_swig_db crm_swig_db;
%extend crm_swig_db {
  ~crm_swig_db() {
    crm_swig_db_release($self);
    free($self);
  }
  /* True once closed. */
  const bool closed;
}
%{
#define crm_swig_db_closed_get(box_) ((box_)->db == NULL)
%}

%rename(close) crm_swig_close;
%rename(subscribe) crm_swig_subscribe;
%rename(unsubscribe) crm_swig_unsubscribe;
%rename(open) crm_swig_open;
%rename(_db_functions) crm_swig_db_functions;
%rename(_enum_spec) crm_swig_enum_spec;
%rename(_error_classes) crm_swig_error_classes;
%rename(_error_doc) crm_swig_error_doc;
%rename(_error_code) crm_swig_error_code;

crm_status crm_swig_close(crm_swig_db *db);
crm_status crm_swig_unsubscribe(crm_swig_db *db, int token);

%inline %{
/* Names of the functions that are also methods of the handle. */
static crm_swig_strings crm_swig_db_functions(void)
{
  crm_swig_strings s = {sizeof crm_swig_db_function_names / sizeof crm_swig_db_function_names[0],
                        crm_swig_db_function_names, crm_swig_name_at};
  return s;
}

/* "ClassName c_type PREFIX_ MEMBER..." for the i-th enum; NULL past the end. */
static const char *crm_swig_enum_spec(int i)
{
  int n = (int)(sizeof crm_swig_enum_specs / sizeof crm_swig_enum_specs[0]);
  return i >= 0 && i < n ? crm_swig_enum_specs[i] : NULL;
}

/* The exception classes, from crm_swig_errors. */
static int crm_swig_error_classes(void)
{
  return (int)CRM_SWIG_N_ERRORS;
}
static int crm_swig_error_code(int i)
{
  return i >= 0 && i < (int)CRM_SWIG_N_ERRORS ? crm_swig_errors[i].code : 0;
}
static const char *crm_swig_error_doc(int i)
{
  return i >= 0 && i < (int)CRM_SWIG_N_ERRORS ? crm_swig_errors[i].doc : NULL;
}
%}
%rename(_error_name) crm_swig_error_name_of;
%inline %{
static const char *crm_swig_error_name_of(int code)
{
  return crm_swig_error_name(code);
}
%}

#ifdef SWIGPYTHON
%rename(_register) crm_swig_py_register;
PyObject *crm_swig_py_register(const char *name, PyObject *obj);

%inline %{
/* Open a database: opts is a dict of crm_open_options fields, plus
   "clock" (a callable returning epoch seconds or a datetime) and "log"
   (a callable taking level, message). */
static crm_status crm_swig_open(crm_swig_db **out, const char *uri, crm_swig_obj opts)
{
  static const char *const extra[] = {"clock", "log", NULL};
  crm_open_options o;
  *out = NULL;
  if (!crm_swig_py_fill(&crm_swig_open_options_s, &o, opts, extra))
    return CRM_SWIG_LANGERR;
  crm_swig_db *box = crm_swig_box_new();
  if (box == NULL)
    return crm_swig_fail(CRM_ENOMEM, "out of memory");
  PyObject *clock = opts != Py_None ? PyDict_GetItemString(opts, "clock") : NULL;
  PyObject *log = opts != Py_None ? PyDict_GetItemString(opts, "log") : NULL;
  if ((clock && clock != Py_None && !PyCallable_Check(clock)) ||
      (log && log != Py_None && !PyCallable_Check(log))) {
    free(box);
    PyErr_SetString(PyExc_TypeError, "open: clock and log must be callables");
    return CRM_SWIG_LANGERR;
  }
  if (clock && clock != Py_None) {
    Py_INCREF(clock);
    box->clock = clock;
    o.clock = crm_swig_clock_cb;
    o.clock_payload = box;
  }
  if (log && log != Py_None) {
    Py_INCREF(log);
    box->log = log;
    o.log = crm_swig_log_cb;
    o.log_payload = box;
  }
  crm_status st = crm_open(&box->db, uri, &o);
  if (st != CRM_OK) {
    crm_swig_db_release(box);
    free(box);
    return st;
  }
  box->owned = 1;
  *out = box;
  return CRM_OK;
}

/* Call `callback(event)` after each commit for events whose kind starts
   with kind_prefix; a true result unsubscribes. */
static crm_status crm_swig_subscribe(int *out_token, crm_swig_db *db, const char *kind_prefix,
                                     crm_swig_obj callback)
{
  *out_token = 0;
  if (db->db == NULL)
    return crm_swig_fail(CRM_EINVALID, "the database handle was closed (crm.close)");
  if (!PyCallable_Check(callback)) {
    PyErr_SetString(PyExc_TypeError, "subscribe: callback must be callable");
    return CRM_SWIG_LANGERR;
  }
  Py_INCREF(callback);
  return crm_swig_subscribe_ref(out_token, db, kind_prefix, callback);
}
%}
#else
%newobject crm_swig_wrap_handle;
%rename(wrap_handle) crm_swig_wrap_handle;
%inline %{
static crm_status crm_swig_open(crm_swig_db **out, const char *uri, crm_swig_obj opts)
{
  static const char *const extra[] = {"clock", "log", NULL};
  crm_open_options o;
  lua_State *L = opts.L;
  *out = NULL;
  const char *err = crm_swig_lua_fill(&crm_swig_open_options_s, &o, L, opts.index, extra);
  if (err)
    return crm_swig_fail(CRM_EINVALID, err);
  crm_swig_db *box = crm_swig_box_new();
  if (box == NULL)
    return crm_swig_fail(CRM_ENOMEM, "out of memory");
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  box->L = lua_tothread(L, -1);
  lua_pop(L, 1);
  if (opts.index) {
    static const char *const names[] = {"clock", "log"};
    for (int i = 0; i < 2; i++) {
      int t = lua_getfield(L, opts.index, names[i]);
      if (t == LUA_TNIL) {
        lua_pop(L, 1);
        continue;
      }
      if (t != LUA_TFUNCTION && !luaL_getmetafield(L, -1, "__call")) {
        lua_pop(L, 1);
        crm_swig_db_release(box);
        free(box);
        return crm_swig_fail(CRM_EINVALID, "open: clock and log must be functions");
      }
      if (t != LUA_TFUNCTION)
        lua_pop(L, 1); /* the __call field */
      int ref = luaL_ref(L, LUA_REGISTRYINDEX);
      if (i == 0) {
        box->clock = ref;
        o.clock = crm_swig_clock_cb;
        o.clock_payload = box;
      } else {
        box->log = ref;
        o.log = crm_swig_log_cb;
        o.log_payload = box;
      }
    }
  }
  crm_status st = crm_open(&box->db, uri, &o);
  if (st != CRM_OK) {
    crm_swig_db_release(box);
    free(box);
    return st;
  }
  box->owned = 1;
  *out = box;
  return CRM_OK;
}

static crm_status crm_swig_subscribe(int *out_token, crm_swig_db *db, const char *kind_prefix,
                                     crm_swig_obj callback)
{
  lua_State *L = callback.L;
  *out_token = 0;
  if (db->db == NULL)
    return crm_swig_fail(CRM_EINVALID, "the database handle was closed (crm.close)");
  if (callback.index == 0 || (lua_type(L, callback.index) != LUA_TFUNCTION &&
                              !luaL_getmetafield(L, callback.index, "__call")))
    return crm_swig_fail(CRM_EINVALID, "subscribe: callback must be a function");
  if (lua_type(L, callback.index) != LUA_TFUNCTION)
    lua_pop(L, 1);
  lua_pushvalue(L, callback.index);
  return crm_swig_subscribe_ref(out_token, db, kind_prefix, luaL_ref(L, LUA_REGISTRYINDEX));
}

/* For host applications: a handle for a crm_db* the host opened, passed
   as a light userdata. The host keeps ownership: crm.close only detaches,
   and the host must close the Lua state before closing the database. */
static crm_swig_db *crm_swig_wrap_handle(crm_swig_obj ptr)
{
  lua_State *L = ptr.L;
  if (ptr.index == 0 || !lua_islightuserdata(L, ptr.index))
    return NULL;
  crm_swig_db *box = crm_swig_box_new();
  if (box == NULL)
    return NULL;
  box->db = lua_touserdata(L, ptr.index);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  box->L = lua_tothread(L, -1);
  lua_pop(L, 1);
  return box;
}
%}
#endif

/* ======================================================================== */
/* Language layers                                                          */
/* ======================================================================== */

#ifdef SWIGPYTHON
%pythoncode %{
class Error(Exception):
    """A libcrm failure: ``code`` (a negative CRM_E* value), ``message``
    (names the offending value) and ``name``; ``existing_id`` is set on
    AlreadyExists when the function returns the existing object's id."""

    code = ERROR

    def __init__(self, code, message=None):
        super().__init__(code, message)
        self.code = code
        self.message = message if message is not None else strerror(code)
        self.name = _error_name(code)
        self.existing_id = None

    def __str__(self):
        return "%s (%s, %d)" % (self.message, self.name, self.code)


_register("Error", Error)
for _i in range(_error_classes()):
    _code = _error_code(_i)
    _cls = type(_error_name(_code), (Error,), {"__doc__": _error_doc(_i), "code": _code,
                                               "__module__": "crm"})
    globals()[_cls.__name__] = _cls
    _register(_cls.__name__, _cls)
Error.__module__ = "crm"
del _i, _code, _cls
%}
#else
%luacode {
  local crm = crm
  -- Iterators are callable: for x in crm.case_iterator_new(db, q) do ... end
  local iterators = { identity_iterator = "identity_next", participant_iterator =
    "participant_next", attachment_iterator = "attachment_next", case_iterator = "case_next",
    link_iterator = "link_next", event_iterator = "event_next", timeline_iterator =
    "timeline_next", preference_iterator = "preference_next",
    duplicate_iterator = "duplicate_next", incident_iterator = "incident_next",
    sla_timer_iterator = "sla_timer_next", search_iterator = "search_next",
    report_row_iterator = "report_row_next" }
  local registry = debug.getregistry()["SW" .. "IG"]
  for class, next_name in pairs(iterators) do
    local mt = registry and registry[class]
    local next_fn = crm[next_name]
    if mt then
      rawset(mt, "__call", function(self) return next_fn(self) end)
    end
  end
  -- Getters that take an argument are methods too: k:has_tag("x").
  local object_methods = { customer = { attribute = "customer_attribute" },
    interaction = { attribute = "interaction_attribute" },
    case = { has_tag = "case_has_tag", tag_at = "case_tag_at" },
    queue = { skill_at = "queue_skill_at" }, agent = { skill_at = "agent_skill_at" },
    report_row = { abandoned_at_depth = "report_row_abandoned_at_depth",
      time = "report_row_time", sla_met = "report_row_sla_met",
      sla_breached = "report_row_sla_breached", sla_rate = "report_row_sla_rate",
      csat_score = "report_row_csat_score" } }
  for class, methods in pairs(object_methods) do
    local fn = registry and registry[class] and rawget(registry[class], ".fn")
    if fn then
      for method, name in pairs(methods) do fn[method] = crm[name] end
    end
  end
  -- Methods of the handle: db:case_open{...} is crm.case_open(db, {...}).
  local dbmt = registry and registry["db"]
  if dbmt then
    local fn = rawget(dbmt, ".fn")
    for _, name in ipairs(crm._db_functions()) do
      fn[name] = crm[name]
    end
    -- db:transaction(function() ... end): commit, or roll back and re-raise.
    function fn.transaction(db, body, ...)
      crm.begin(db)
      local results = table.pack(pcall(body, ...))
      if results[1] then
        crm.commit(db)
        return table.unpack(results, 2, results.n)
      end
      pcall(crm.rollback, db)
      error(results[2], 0)
    end
    crm.transaction = fn.transaction
  end
  -- Enums as constant tables: crm.CaseStatus.OPEN == crm.CASE_OPEN.
  local i = 0
  while true do
    local spec = crm._enum_spec(i)
    if not spec then break end
    local words = {}
    for w in spec:gmatch("%S+") do words[#words + 1] = w end
    local t = {}
    for k = 4, #words do t[words[k]] = crm[words[3] .. words[k]] end
    crm[words[1]] = t
    i = i + 1
  end
}
#endif
