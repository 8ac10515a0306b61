/*
 * The backend registry: URI scheme -> ops, locked, with the built-in
 * backends registered on first use (no global init call).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "internal.h"

extern const crm_backend_ops crm__sqlite_ops;
#ifdef CRM_HAVE_POSTGRES
extern const crm_backend_ops crm__postgres_ops;
#endif

static GMutex registry_lock;
static GPtrArray *registry; /* const crm_backend_ops* */

/* Schemes that are never plain file names, whether or not built in. */
static const char *const well_known_schemes[] = {"sqlite", "postgres", "postgresql", NULL};

static const crm_backend_ops *find_locked(const char *scheme)
{
  for (guint i = 0; registry && i < registry->len; i++) {
    const crm_backend_ops *ops = g_ptr_array_index(registry, i);
    for (const char *const *s = ops->schemes; *s; s++)
      if (strcmp(*s, scheme) == 0)
        return ops;
  }
  return NULL;
}

/* Slot lists, one X(slot) per required slot, by the block of
   crm/sys/backend.h they come from (kept by hand: clang-format cannot lay
   out long macros stably). */
// clang-format off
#define CRM__CORE_SLOTS(X) \
  X(open) X(close) X(begin) X(commit) X(rollback) X(savepoint) \
  X(savepoint_release) X(savepoint_rollback) X(setting_get) X(setting_set) \
  X(cursor_get) X(cursor_set) X(event_append) X(event_list) X(customer_insert) \
  X(customer_get) \
  X(customer_update) X(identity_insert) X(identity_find) X(identity_delete) \
  X(identity_list) X(preference_get) X(preference_set) X(attribute_set) \
  X(attribute_list) X(label_add) X(label_remove) X(label_list) X(queue_insert) \
  X(queue_get) X(agent_insert) X(agent_get) X(member_set) X(member_get) \
  X(member_delete) X(member_list) X(case_insert) X(case_get) X(case_update) X(case_query) \
  X(case_list_resolved_before) X(link_insert) X(link_list) X(interaction_insert) \
  X(interaction_get) X(interaction_find_ref) X(interaction_set_case) X(timeline) \
  X(participant_insert) X(participant_list) X(attachment_insert) X(attachment_get) \
  X(attachment_list)

/* SLA: calendars, policies, timers, cycles */
#define CRM__SLA_SLOTS(X) \
  X(sla_def_insert) X(sla_def_update) X(sla_def_get) X(sla_def_list) \
  X(sla_case_get) X(sla_case_put) X(sla_cycle_insert) X(sla_cycle_get) \
  X(sla_cycle_update) X(sla_cycle_list_case) X(sla_cycle_list_fire) \
  X(sla_cycle_list_due) X(sla_cycle_list_open) X(sla_case_list_due) \
  X(sla_segment_insert) X(sla_segment_list)

/* customer lifecycle: merge, duplicates, export, erase */
#define CRM__LIFECYCLE_SLOTS(X) \
  X(owned_list) X(owned_move) X(preference_list) X(preference_put) \
  X(preference_delete) X(merge_insert) X(merge_list) X(merge_update) \
  X(customer_keys_set) X(customer_keys_find) X(event_list_entity) \
  X(event_set_payload) X(interaction_set_texts) X(participant_find) \
  X(participant_set_value) X(attachment_rewrite) X(compact)

/* incidents, search, reports */
#define CRM__INCIDENT_SLOTS(X) \
  X(incident_scope_set) X(incident_scope_list) X(incident_match) X(link_list_to) \
  X(search) X(report_aggregate)

#define REQUIRED_SLOTS(X) \
  CRM__CORE_SLOTS(X) CRM__SLA_SLOTS(X) CRM__LIFECYCLE_SLOTS(X) CRM__INCIDENT_SLOTS(X)
// clang-format on

static crm_status register_locked(const crm_backend_ops *ops)
{
  if (ops == NULL)
    return crm__error(CRM_EINVALID, "backend ops must not be NULL");
  if (ops->version < 1 || ops->version > CRM_BACKEND_OPS_VERSION)
    return crm__error(CRM_EINVALID, "backend ops version %u is not supported (1..%u)", ops->version,
                      CRM_BACKEND_OPS_VERSION);
  if (ops->name == NULL || ops->schemes == NULL || ops->schemes[0] == NULL)
    return crm__error(CRM_EINVALID, "backend ops need a name and at least one scheme");
#define CHECK_SLOT(slot) \
  if (ops->slot == NULL) \
    return crm__error(CRM_EINVALID, "backend '%s' lacks the required slot '%s'", ops->name, #slot);
  REQUIRED_SLOTS(CHECK_SLOT)
#undef CHECK_SLOT
  for (const char *const *s = ops->schemes; *s; s++)
    if (find_locked(*s))
      return crm__error(CRM_EEXISTS, "a backend is already registered for scheme '%s'", *s);
  if (registry == NULL)
    registry = g_ptr_array_new();
  g_ptr_array_add(registry, (gpointer)ops);
  return CRM_OK;
}

static void register_builtins_locked(void)
{
  static int done;
  if (done)
    return;
  done = 1;
  register_locked(&crm__sqlite_ops);
#ifdef CRM_HAVE_POSTGRES
  register_locked(&crm__postgres_ops);
#endif
}

crm_status crm_backend_register(const crm_backend_ops *ops)
{
  g_mutex_lock(&registry_lock);
  register_builtins_locked();
  crm_status st = register_locked(ops);
  g_mutex_unlock(&registry_lock);
  return st;
}

/* Split "scheme:rest"; a plain path has no scheme (SQLite). */
static char *uri_scheme(const char *uri, const char **rest)
{
  const char *colon = strchr(uri, ':');
  *rest = uri;
  if (colon == NULL || colon - uri < 2)
    return NULL; /* "C:\..." style or no scheme at all */
  for (const char *c = uri; c < colon; c++)
    if (!g_ascii_isalnum(*c) && *c != '+' && *c != '-' && *c != '.')
      return NULL;
  char *scheme = g_ascii_strdown(uri, colon - uri);
  int known = 0;
  for (const char *const *s = well_known_schemes; *s; s++)
    known |= strcmp(*s, scheme) == 0;
  g_mutex_lock(&registry_lock);
  register_builtins_locked();
  known |= find_locked(scheme) != NULL;
  g_mutex_unlock(&registry_lock);
  if (!known && strncmp(colon, "://", 3) != 0) {
    g_free(scheme);
    return NULL; /* "notes:2024.db" is a file name */
  }
  *rest = colon + 1;
  return scheme;
}

crm_status crm_backend_open(crm_backend **out, const char *uri,
                            const crm_backend_open_params *params)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__check_text(uri, "uri", 1)) != CRM_OK ||
      (st = crm__check_ptr(params, "params")) != CRM_OK)
    return st;

  const char *rest;
  char *scheme = uri_scheme(uri, &rest);
  const char *lookup = scheme ? scheme : "sqlite";
  g_mutex_lock(&registry_lock);
  register_builtins_locked();
  const crm_backend_ops *ops = find_locked(lookup);
  g_mutex_unlock(&registry_lock);
  if (ops == NULL) {
    st = crm__error(CRM_ENOTSUPPORTED, "no storage backend for scheme '%s' in this build of libcrm",
                    lookup);
    g_free(scheme);
    return st;
  }
  crm_backend_open_params p = *params;
  p.uri = uri;
  /* "scheme://..." is a URI the backend parses itself (libpq's): hand it over whole. */
  p.location = strncmp(rest, "//", 2) == 0 ? uri : rest;
  if (scheme && strcmp(scheme, "sqlite") == 0 && p.location[0] == '\0') {
    g_free(scheme);
    return crm__error(CRM_EINVALID, "uri 'sqlite:' names no file (use sqlite:PATH or "
                                    "sqlite::memory:)");
  }
  g_free(scheme);
  st = ops->open(out, &p);
  if (st != CRM_OK)
    *out = NULL;
  return st;
}
