/*
 * The handle: open/close, transactions, clock, settings and crm_tick.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* reference counting                                                   */

crm_db *crm__db_ref(crm_db *db)
{
  db->refcount++;
  return db;
}

void crm__db_unref(crm_db *db)
{
  if (db == NULL || --db->refcount > 0)
    return;
  g_free(db->default_phone_region);
  g_free(db->uri);
  crm__perm_free(db);
  g_free(db);
}

crm_status crm__db_check(crm_db *db)
{
  if (db == NULL)
    return crm__error(CRM_EINVALID, "db must not be NULL");
  if (db->backend == NULL)
    return crm__error(CRM_EINVALID, "the database handle was closed (crm_close)");
  return CRM_OK;
}

void crm__log(crm_db *db, int level, const char *fmt, ...)
{
  if (db == NULL || db->log == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  db->log(level, msg, db->log_payload);
  g_free(msg);
}

/* ------------------------------------------------------------------ */
/* open / close                                                         */

crm_status crm_open_options_init(crm_open_options *opts, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(opts, "opts")) != CRM_OK ||
      (st = crm__check_version(version, CRM_OPEN_OPTIONS_VERSION, "crm_open_options")) != CRM_OK)
    return st;
  memset(opts, 0, sizeof *opts);
  opts->version = version;
  return CRM_OK;
}

static crm_status check_options(const crm_open_options *o)
{
  crm_status st;
  if ((st = crm__check_version(o->version, CRM_OPEN_OPTIONS_VERSION, "crm_open_options")) != CRM_OK)
    return st;
  if (o->actor < 0)
    return crm__error(CRM_EINVALID, "actor %lld is not valid (0 or an agent id)",
                      (long long)o->actor);
  if (o->busy_timeout_ms < 0)
    return crm__error(CRM_EINVALID, "busy_timeout_ms %d must not be negative", o->busy_timeout_ms);
  if (o->durable != 0 && o->durable != 1)
    return crm__error(CRM_EINVALID, "durable %d must be 0 or 1", o->durable);
  if (o->default_phone_region) {
    if ((st = crm__check_text(o->default_phone_region, "default_phone_region", 1)) != CRM_OK)
      return st;
    if (!crm__phone_region_known(o->default_phone_region)) {
      char *q = crm__quote(o->default_phone_region);
      crm__error(CRM_EINVALID,
                 "default_phone_region %s is not a region libcrm knows "
                 "(see crm_phone_normalize)",
                 q);
      g_free(q);
      return CRM_EINVALID;
    }
  }
  return CRM_OK;
}

crm_status crm_open(crm_db **out, const char *uri, const crm_open_options *opts)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__check_text(uri, "uri", 1)) != CRM_OK)
    return st;
  crm_open_options defaults = CRM_OPEN_OPTIONS_INIT;
  if (opts == NULL)
    opts = &defaults;
  if ((st = check_options(opts)) != CRM_OK)
    return st;

  crm_db *db = g_new0(crm_db, 1);
  db->refcount = 1;
  db->clock = opts->clock;
  db->clock_payload = opts->clock_payload;
  db->actor = opts->actor;
  db->busy_timeout_ms = opts->busy_timeout_ms ? opts->busy_timeout_ms : 5000;
  db->default_phone_region =
      opts->default_phone_region ? g_ascii_strup(opts->default_phone_region, -1) : NULL;
  db->durable = opts->durable;
  db->log = opts->log;
  db->log_payload = opts->log_payload;
  db->uri = g_strdup(uri);
  db->pending = g_ptr_array_new_with_free_func((GDestroyNotify)crm_event_free);
  db->subscriptions = g_array_new(FALSE, TRUE, sizeof(crm__subscription));
  db->next_token = 1;
  db->sla_any_policy = -1;

  crm_backend_open_params params = {CRM_BACKEND_OPEN_PARAMS_VERSION, NULL, uri, db->busy_timeout_ms,
                                    db->durable};
  st = crm_backend_open(&db->backend, uri, &params);
  if (st != CRM_OK) {
    crm__log(db, CRM_LOG_ERROR, "cannot open %s: %s", uri, crm_error_last()->message);
    g_ptr_array_unref(db->pending);
    g_array_unref(db->subscriptions);
    crm__db_unref(db);
    return st;
  }
  if ((st = crm__actor_check(db)) != CRM_OK) {
    crm_close(db);
    return st;
  }
  crm__log(db, CRM_LOG_INFO, "opened %s (%s backend)", uri, db->backend->ops->name);
  *out = db;
  return CRM_OK;
}

void crm_close(crm_db *db)
{
  if (db == NULL || db->backend == NULL)
    return;
  if (db->explicit_txn || db->call_depth > 0)
    db->backend->ops->rollback(db->backend);
  db->explicit_txn = 0;
  db->call_depth = 0;
  db->backend->ops->close(db->backend);
  db->backend = NULL;
  g_ptr_array_unref(db->pending);
  db->pending = NULL;
  crm__subscriptions_free(db);
  crm__db_unref(db);
}

/* ------------------------------------------------------------------ */
/* transactions                                                         */

crm_status crm_begin(crm_db *db)
{
  crm_status st = crm__db_check(db);
  if (st != CRM_OK)
    return st;
  if (db->explicit_txn)
    return crm__error(CRM_EINVALID, "a transaction is already open on this handle: crm_begin "
                                    "calls do not nest (commit or roll back first)");
  if (db->call_depth > 0)
    return crm__error(CRM_EINVALID, "crm_begin cannot be called while a libcrm call is running "
                                    "on this handle");
  crm__txn_cache_reset(db);
  st = CRM__OPS(db)->begin(CRM__B(db), 1);
  if (st != CRM_OK)
    return st;
  db->explicit_txn = 1;
  crm__perm_invalidate(db);
  return CRM_OK;
}

crm_status crm_commit(crm_db *db)
{
  crm_status st = crm__db_check(db);
  if (st != CRM_OK)
    return st;
  if (!db->explicit_txn)
    return crm__error(CRM_EINVALID, "crm_commit without crm_begin: no transaction is open");
  crm__txn_cache_reset(db);
  st = CRM__OPS(db)->commit(CRM__B(db));
  if (st != CRM_OK) {
    if (st == CRM_EBUSY)
      return st; /* still open: the caller may retry the commit or roll back */
    CRM__OPS(db)->rollback(CRM__B(db));
    db->explicit_txn = 0;
    crm__events_discard(db);
    return st;
  }
  db->explicit_txn = 0;
  crm__perm_invalidate(db);
  crm__events_deliver(db);
  return CRM_OK;
}

crm_status crm_rollback(crm_db *db)
{
  crm_status st = crm__db_check(db);
  if (st != CRM_OK)
    return st;
  if (!db->explicit_txn)
    return crm__error(CRM_EINVALID, "crm_rollback without crm_begin: no transaction is open");
  crm__txn_cache_reset(db);
  st = CRM__OPS(db)->rollback(CRM__B(db));
  db->explicit_txn = 0;
  crm__perm_invalidate(db);
  crm__events_discard(db);
  return st;
}

int crm__in_write(const crm_db *db)
{
  return db->explicit_txn || db->call_depth > 0;
}

void crm__txn_cache_reset(crm_db *db)
{
  db->sla_any_policy = -1;
}

crm_status crm__write_begin(crm_db *db)
{
  crm_status st = crm__db_check(db);
  if (st != CRM_OK)
    return st;
  if (db->call_depth > 0) {
    db->call_depth++;
    return CRM_OK;
  }
  if (!db->explicit_txn)
    crm__txn_cache_reset(db);
  st = db->explicit_txn ? CRM__OPS(db)->savepoint(CRM__B(db)) : CRM__OPS(db)->begin(CRM__B(db), 1);
  if (st != CRM_OK)
    return st;
  if (!db->explicit_txn)
    crm__perm_invalidate(db); /* memberships are read again for each call */
  db->call_depth = 1;
  db->savepoint_mark = db->pending->len;
  return CRM_OK;
}

/* Roll back the call's writes without losing the error that caused it. */
static void undo_call(crm_db *db)
{
  crm_error saved = *crm_error_last();
  char *msg = g_strdup(saved.message);
  crm__txn_cache_reset(db);
  if (db->explicit_txn) {
    CRM__OPS(db)->savepoint_rollback(CRM__B(db));
    g_ptr_array_set_size(db->pending, db->savepoint_mark);
  } else {
    CRM__OPS(db)->rollback(CRM__B(db));
    crm__events_discard(db);
  }
  crm__error(saved.code, "%s", msg);
  g_free(msg);
}

crm_status crm__write_end(crm_db *db, crm_status st)
{
  /* crm__write_begin failed (closed handle, busy store): nothing to end,
     and its status (already recorded) is the call's. */
  if (db == NULL || db->call_depth == 0)
    return st != CRM_OK ? st : crm__error(CRM_ERROR, "crm__write_end without crm__write_begin");
  if (--db->call_depth > 0)
    return st;
  if (st != CRM_OK) {
    undo_call(db);
    return st;
  }
  if (!db->explicit_txn)
    crm__txn_cache_reset(db);
  crm_status done = db->explicit_txn ? CRM__OPS(db)->savepoint_release(CRM__B(db))
                                     : CRM__OPS(db)->commit(CRM__B(db));
  if (done != CRM_OK) {
    undo_call(db);
    return done;
  }
  if (!db->explicit_txn)
    crm__events_deliver(db);
  return st;
}

/* ------------------------------------------------------------------ */
/* clock                                                                */

crm_time crm_now(crm_db *db)
{
  if (db == NULL)
    return 0;
  if (db->clock)
    return db->clock(db->clock_payload);
  return (crm_time)(g_get_real_time() / G_USEC_PER_SEC);
}

crm_id crm_actor(crm_db *db)
{
  return db ? db->actor : 0;
}

/* ------------------------------------------------------------------ */
/* settings                                                             */

typedef crm_status (*setting_check_fn)(char **normalised, const char *value);

static crm_status check_seconds(char **normalised, const char *value)
{
  char *end = NULL;
  errno = 0;
  long long v = strtoll(value, &end, 10);
  if (value[0] == '\0' || *end != '\0' || errno != 0 || v < 0 || !g_ascii_isdigit(value[0])) {
    char *q = crm__quote(value);
    crm__error(CRM_EINVALID, "value %s is not a non-negative number of seconds", q);
    g_free(q);
    return CRM_EINVALID;
  }
  *normalised = g_strdup_printf("%lld", v);
  return CRM_OK;
}

static crm_status check_subject_tag(char **normalised, const char *value)
{
  const char *at = strstr(value, "%id");
  if (at == NULL || strstr(at + 3, "%id") != NULL) {
    char *q = crm__quote(value);
    crm__error(CRM_EINVALID, "subject_tag %s must contain \"%%id\" exactly once", q);
    g_free(q);
    return CRM_EINVALID;
  }
  *normalised = g_strdup(value);
  return CRM_OK;
}

static crm_status check_addresses(char **normalised, const char *value)
{
  char **parts = g_strsplit(value, ",", -1);
  GString *out = g_string_new(NULL);
  crm_status st = CRM_OK;
  for (char **p = parts; *p && st == CRM_OK; p++) {
    char *addr = g_strstrip(*p);
    if (*addr == '\0')
      continue;
    char *norm = NULL;
    st = crm__email_normalize(&norm, addr, "helpdesk address");
    if (st == CRM_OK) {
      if (out->len)
        g_string_append_c(out, ',');
      g_string_append(out, norm);
      g_free(norm);
    }
  }
  g_strfreev(parts);
  if (st != CRM_OK) {
    g_string_free(out, TRUE);
    return st;
  }
  *normalised = g_string_free(out, FALSE);
  return CRM_OK;
}

static const struct {
  const char *name, *fallback;
  setting_check_fn check;
} settings[] = {
    {"reopen_window", "604800", check_seconds},
    {"autoclose_after", "2419200", check_seconds},
    {"subject_tag", "[#%id]", check_subject_tag},
    {"helpdesk_addresses", "", check_addresses},
};

static int setting_index(const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS(settings); i++)
    if (strcmp(settings[i].name, name) == 0)
      return (int)i;
  char *q = crm__quote(name);
  crm__error(CRM_EINVALID,
             "unknown setting %s (known: reopen_window, autoclose_after, "
             "subject_tag, helpdesk_addresses)",
             q);
  g_free(q);
  return -1;
}

/* Store an already validated, normalised value and its event. */
static crm_status setting_set_locked(crm_db *db, const char *name, const char *norm)
{
  crm_status st = CRM__OPS(db)->setting_set(CRM__B(db), name, norm);
  if (st != CRM_OK)
    return st;
  JsonObject *o = json_object_new();
  json_object_set_string_member(o, "name", name);
  json_object_set_string_member(o, "value", norm);
  return crm__event_emit(db, "setting.changed", "setting", 0, o);
}

crm_status crm_setting_set(crm_db *db, const char *name, const char *value)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(name, "name", 1)) != CRM_OK ||
      (st = crm__check_text(value, "value", 0)) != CRM_OK ||
      (st = crm__check_ptr(value, "value")) != CRM_OK)
    return st;
  int i = setting_index(name);
  if (i < 0)
    return CRM_EINVALID;
  /* the value is an argument: checked before the store is touched */
  char *norm = NULL;
  if ((st = settings[i].check(&norm, value)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change settings");
  if (st == CRM_OK)
    st = setting_set_locked(db, name, norm);
  g_free(norm);
  return crm__write_end(db, st);
}

/* The stored value or the default, g_malloc'd. */
static crm_status setting_value(char **out, crm_db *db, const char *name)
{
  *out = NULL;
  int i = setting_index(name);
  if (i < 0)
    return CRM_EINVALID;
  char *stored = NULL;
  crm_status st = CRM__OPS(db)->setting_get(CRM__B(db), name, &stored);
  if (st == CRM_ENOTFOUND) {
    *out = g_strdup(settings[i].fallback);
    return CRM_OK;
  }
  if (st != CRM_OK)
    return st;
  *out = g_strdup(stored);
  free(stored);
  return CRM_OK;
}

crm_status crm_setting_get(crm_buf *out, crm_db *db, const char *name)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(name, "name", 1)) != CRM_OK)
    return st;
  char *value = NULL;
  if ((st = setting_value(&value, db, name)) != CRM_OK)
    return st;
  st = crm__buf_set_str(out, value);
  g_free(value);
  return st;
}

crm_status crm__setting_int(int64_t *out, crm_db *db, const char *name)
{
  char *value = NULL;
  crm_status st = setting_value(&value, db, name);
  if (st != CRM_OK)
    return st;
  *out = g_ascii_strtoll(value, NULL, 10);
  g_free(value);
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* time-driven work                                                     */

crm_status crm_tick(size_t *out_fired, crm_db *db, crm_time now)
{
  if (out_fired)
    *out_fired = 0;
  crm_status st = crm__db_check(db);
  if (st != CRM_OK)
    return st;
  if (now < 0)
    return crm__error(CRM_EINVALID, "now %lld must not be negative (0: the handle's clock)",
                      (long long)now);
  if (now == 0)
    now = crm_now(db);
  /* One transaction for all of it (the work's own pages nest in it): a
     failed tick leaves nothing half done. */
  size_t fired = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "run the time-driven work (crm_tick)");
  if (st == CRM_OK)
    st = crm__case_autoclose(&fired, db, now);
  if (st == CRM_OK)
    st = crm__sla_tick(&fired, db, now);
  st = crm__write_end(db, st);
  if (out_fired && st == CRM_OK)
    *out_fired = fired;
  return st;
}
