/*
 * The SQLite backend: opening (schema version check before anything is
 * written), the per-handle statement cache, transactions, and the ops
 * table.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* helpers shared by the slot files                                     */

crm_status crm__sqlite_fail(crm_sqlite *s, int rc, const char *doing)
{
  const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return crm_backend_error(CRM_EBUSY, "%s: the database stayed locked (%s)", doing, msg);
  case SQLITE_CONSTRAINT:
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      return crm_backend_error(CRM_EEXISTS, "%s: already exists (%s)", doing, msg);
    return crm_backend_error(CRM_ERROR, "%s: constraint failed (%s)", doing, msg);
  case SQLITE_NOMEM:
    return crm_backend_error(CRM_ENOMEM, "%s: out of memory", doing);
  default:
    return crm_backend_error(CRM_ERROR, "%s: %s", doing, msg);
  }
}

/*
 * The first step of a statement, waiting out SQLITE_LOCKED: connections
 * sharing one cache (a shared in-memory database) get table locks that
 * the busy handler does not wait for. Retried up to the busy timeout.
 */
static int first_step(crm_sqlite *s, sqlite3_stmt *st)
{
  gint64 deadline = g_get_monotonic_time() + (gint64)s->busy_timeout_ms * 1000;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_LOCKED || (rc & 0xff) == SQLITE_LOCKED) {
    if (g_get_monotonic_time() >= deadline)
      break;
    sqlite3_reset(st);
    g_usleep(1000);
  }
  return rc;
}

sqlite3_stmt *crm__sqlite_stmt(crm_sqlite *s, const char *sql)
{
  /* Slots pass string literals: their address finds the statement without
     hashing the text (a comparison still guards against dynamic text that
     reuses an address). */
  sqlite3_stmt *st = g_hash_table_lookup(s->by_address, sql);
  if (st == NULL || strcmp(sqlite3_sql(st), sql) != 0) {
    st = g_hash_table_lookup(s->stmts, sql);
    if (st)
      g_hash_table_insert(s->by_address, (gpointer)sql, st);
  }
  if (st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
  }
  int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) {
    crm__sqlite_fail(s, rc, "preparing a statement");
    return NULL;
  }
  g_hash_table_insert(s->stmts, g_strdup(sql), st);
  g_hash_table_insert(s->by_address, (gpointer)sql, st);
  return st;
}

crm_status crm__sqlite_exec_stmt(crm_sqlite *s, sqlite3_stmt *st, const char *doing)
{
  int rc = first_step(s, st);
  crm_status result = CRM_OK;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    result = crm__sqlite_fail(s, sqlite3_extended_errcode(s->db), doing);
  sqlite3_reset(st);
  return result;
}

crm_status crm__sqlite_insert(crm_sqlite *s, sqlite3_stmt *st, const char *doing, int64_t *id)
{
  crm_status r = crm__sqlite_exec_stmt(s, st, doing);
  if (r == CRM_OK)
    *id = sqlite3_last_insert_rowid(s->db);
  return r;
}

crm_status crm__sqlite_step_row(crm_sqlite *s, sqlite3_stmt *st, const char *doing)
{
  int rc = first_step(s, st);
  if (rc == SQLITE_ROW)
    return CRM_OK;
  crm_status result;
  if (rc == SQLITE_DONE)
    result = CRM_ENOTFOUND; /* the caller words the message */
  else
    result = crm__sqlite_fail(s, sqlite3_extended_errcode(s->db), doing);
  sqlite3_reset(st);
  return result;
}

crm_status crm__sqlite_exec(crm_sqlite *s, const char *sql, const char *doing)
{
  /* Run each statement of `sql` in turn, through first_step. */
  const char *tail = sql;
  while (tail && *tail) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, tail, -1, &st, &tail);
    if (rc != SQLITE_OK)
      return crm__sqlite_fail(s, sqlite3_extended_errcode(s->db), doing);
    if (st == NULL)
      break; /* trailing white space or comment */
    rc = first_step(s, st);
    while (rc == SQLITE_ROW)
      rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return crm__sqlite_fail(s, rc, doing);
  }
  return CRM_OK;
}

char *crm__sqlite_col_text(sqlite3_stmt *st, int col)
{
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? strdup((const char *)t) : NULL;
}

int crm__sqlite_bind_text(sqlite3_stmt *st, int idx, const char *text)
{
  if (text == NULL)
    return sqlite3_bind_null(st, idx);
  return sqlite3_bind_text(st, idx, text, -1, SQLITE_STATIC);
}

int crm__sqlite_bind_id(sqlite3_stmt *st, int idx, crm_id id)
{
  if (id <= 0)
    return sqlite3_bind_null(st, idx);
  return sqlite3_bind_int64(st, idx, id);
}

crm_id crm__sqlite_col_id(sqlite3_stmt *st, int col)
{
  return sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, col);
}

crm_status crm__sqlite_list(crm_sqlite *s, sqlite3_stmt *st, crm__sqlite_read_fn read,
                            crm__sqlite_clear_fn clear, size_t row_size, crm_row_fn cb,
                            void *payload, const char *doing)
{
  /* Rows are small fixed structs: a stack buffer large enough for any. */
  union {
    crm_case_row c;
    crm_interaction_row i;
    crm_customer_row cu;
    crm_attachment_row a;
    crm_event_row e;
    char raw[512];
  } row;
  g_assert(row_size <= sizeof row);
  int rc = first_step(s, st);
  crm_status result = CRM_OK;
  for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
    memset(&row, 0, row_size);
    read(st, &row);
    int stop = cb(&row, payload);
    if (clear)
      clear(&row);
    if (stop) {
      result = crm_backend_error(CRM_EUSER, "%s: stopped by the caller", doing);
      break;
    }
  }
  if (result == CRM_OK && rc != SQLITE_DONE)
    result = crm__sqlite_fail(s, sqlite3_extended_errcode(s->db), doing);
  sqlite3_reset(st);
  return result;
}

/* ------------------------------------------------------------------ */
/* open / close                                                         */

static void stmt_finalize(gpointer p)
{
  sqlite3_finalize(p);
}

static int read_user_version(sqlite3 *db, int *out)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int(st, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

static void sqlite_close(crm_backend *b)
{
  crm_sqlite *s = CRM_SQLITE(b);
  if (s == NULL)
    return;
  if (s->by_address)
    g_hash_table_destroy(s->by_address);
  if (s->stmts)
    g_hash_table_destroy(s->stmts);
  sqlite3_close_v2(s->db);
  g_free(s);
}

static crm_status sqlite_open(crm_backend **out, const crm_backend_open_params *p)
{
  *out = NULL;
  crm_sqlite *s = g_new0(crm_sqlite, 1);
  s->base.ops = NULL; /* set by the ops table below */
  s->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, stmt_finalize);
  s->by_address = g_hash_table_new(g_direct_hash, g_direct_equal);
  /* SQLITE_OPEN_URI: "sqlite:file:name?mode=memory&cache=shared" names a shared in-memory
     database (the conformance tests use it); plain paths are unaffected. */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  /* A memory database keeps its journals in memory whatever the VFS, and
     shares its cache only with connections of the same VFS: the default. */
  int in_memory = strcmp(p->location, ":memory:") == 0 ||
                  (g_str_has_prefix(p->location, "file:") && strstr(p->location, "mode=memory"));
  const char *vfs = in_memory ? NULL : crm__sqlite_vfs();
  int rc = sqlite3_open_v2(p->location, &s->db, flags, vfs);
  if (rc != SQLITE_OK) {
    crm_status st = crm_backend_error(CRM_ERROR, "cannot open SQLite database '%s': %s",
                                      p->location, s->db ? sqlite3_errmsg(s->db) : "no memory");
    sqlite_close(&s->base);
    return st;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, p->busy_timeout_ms);
  s->busy_timeout_ms = p->busy_timeout_ms;

  /* Read the schema version before writing anything: a newer file stays untouched. */
  int version = 0;
  rc = read_user_version(s->db, &version);
  if (rc != SQLITE_OK) {
    crm_status st = crm__sqlite_fail(s, rc, "reading the schema version");
    if (st == CRM_ERROR)
      st = crm_backend_error(CRM_ERROR, "'%s' is not a libcrm SQLite database: %s", p->location,
                             sqlite3_errmsg(s->db));
    sqlite_close(&s->base);
    return st;
  }
  if (version > crm__sqlite_schema_version) {
    sqlite_close(&s->base);
    return crm_backend_error(CRM_EVERSION,
                             "database '%s' has schema version %d, newer than the %d this "
                             "libcrm knows: upgrade libcrm (the file was not changed)",
                             p->location, version, crm__sqlite_schema_version);
  }

  /* secure_delete: deleted and overwritten content is zeroed, so an erased
     customer leaves no bytes behind once the WAL is checkpointed.
     temp_store=FILE: temporary files go through the libcrm VFS, which
     keeps them in memory and keeps the sub-journal of each call's
     savepoint inside crm_begin from being freed and allocated again at
     every call (sqlite_vfs.c); without that VFS, MEMORY (otherwise each
     page a call changes costs a write system call).
     cache_size 16 MiB (default 2): the index pages a big database's
     inserts land on stay cached, so a contact costs about the same at 1M
     cases as at 10k. */
  char *pragmas = g_strdup_printf("PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; "
                                  "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; "
                                  "PRAGMA temp_store=%s; PRAGMA cache_size=-16384;",
                                  p->durable ? "FULL" : "NORMAL", vfs ? "FILE" : "MEMORY");
  crm_status st = crm__sqlite_exec(s, pragmas, "setting up the connection");
  g_free(pragmas);
  if (st == CRM_OK)
    st = crm__sqlite_search_register(s);
  if (st == CRM_OK && version < crm__sqlite_schema_version)
    st = crm__sqlite_migrate(s, version);
  if (st != CRM_OK) {
    sqlite_close(&s->base);
    return st;
  }
  *out = &s->base;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* transactions                                                         */

/* Run one cached statement without parameters (transaction control:
   prepared once per connection, not parsed again on every call). */
static crm_status run_cached(crm_sqlite *s, const char *sql, const char *doing)
{
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql);
  return st ? crm__sqlite_exec_stmt(s, st, doing) : CRM_ERROR;
}

static crm_status sqlite_begin(crm_backend *b, int write)
{
  return run_cached(CRM_SQLITE(b), write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED",
                    "starting a transaction");
}

static crm_status sqlite_commit(crm_backend *b)
{
  crm_sqlite *s = CRM_SQLITE(b);
  crm_status st = crm__sqlite_search_catch_up(s);
  return st == CRM_OK ? run_cached(s, "COMMIT", "committing") : st;
}

static crm_status sqlite_rollback(crm_backend *b)
{
  crm_sqlite *s = CRM_SQLITE(b);
  if (sqlite3_get_autocommit(s->db))
    return CRM_OK; /* SQLite already rolled back (e.g. after an I/O error) */
  return crm__sqlite_exec(s, "ROLLBACK", "rolling back");
}

static crm_status sqlite_savepoint(crm_backend *b)
{
  return run_cached(CRM_SQLITE(b), "SAVEPOINT crm_call", "starting a savepoint");
}

static crm_status sqlite_savepoint_release(crm_backend *b)
{
  return run_cached(CRM_SQLITE(b), "RELEASE crm_call", "releasing a savepoint");
}

static crm_status sqlite_savepoint_rollback(crm_backend *b)
{
  return crm__sqlite_exec(CRM_SQLITE(b), "ROLLBACK TO crm_call; RELEASE crm_call",
                          "rolling back a savepoint");
}

/* ------------------------------------------------------------------ */
/* the ops table                                                        */

static const char *const sqlite_schemes[] = {"sqlite", NULL};

static crm_status sqlite_open_with_ops(crm_backend **out, const crm_backend_open_params *p);

const crm_backend_ops crm__sqlite_ops = {
    .version = CRM_BACKEND_OPS_VERSION,
    .name = "sqlite",
    .schemes = sqlite_schemes,
    .caps = CRM_BACKEND_CAP_PERSISTENT,
    .open = sqlite_open_with_ops,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .savepoint = sqlite_savepoint,
    .savepoint_release = sqlite_savepoint_release,
    .savepoint_rollback = sqlite_savepoint_rollback,
    .setting_get = crm__sqlite_setting_get,
    .setting_set = crm__sqlite_setting_set,
    .cursor_get = crm__sqlite_cursor_get,
    .cursor_set = crm__sqlite_cursor_set,
    .event_append = crm__sqlite_event_append,
    .event_list = crm__sqlite_event_list,
    .customer_insert = crm__sqlite_customer_insert,
    .customer_get = crm__sqlite_customer_get,
    .customer_update = crm__sqlite_customer_update,
    .identity_insert = crm__sqlite_identity_insert,
    .identity_find = crm__sqlite_identity_find,
    .identity_delete = crm__sqlite_identity_delete,
    .identity_list = crm__sqlite_identity_list,
    .preference_get = crm__sqlite_preference_get,
    .preference_set = crm__sqlite_preference_set,
    .attribute_set = crm__sqlite_attribute_set,
    .attribute_list = crm__sqlite_attribute_list,
    .label_add = crm__sqlite_label_add,
    .label_remove = crm__sqlite_label_remove,
    .label_list = crm__sqlite_label_list,
    .queue_insert = crm__sqlite_queue_insert,
    .queue_get = crm__sqlite_queue_get,
    .agent_insert = crm__sqlite_agent_insert,
    .agent_get = crm__sqlite_agent_get,
    .member_set = crm__sqlite_member_set,
    .member_get = crm__sqlite_member_get,
    .member_delete = crm__sqlite_member_delete,
    .member_list = crm__sqlite_member_list,
    .case_insert = crm__sqlite_case_insert,
    .case_get = crm__sqlite_case_get,
    .case_update = crm__sqlite_case_update,
    .case_query = crm__sqlite_case_query,
    .case_list_resolved_before = crm__sqlite_case_list_resolved_before,
    .link_insert = crm__sqlite_link_insert,
    .link_list = crm__sqlite_link_list,
    .interaction_insert = crm__sqlite_interaction_insert,
    .interaction_get = crm__sqlite_interaction_get,
    .interaction_find_ref = crm__sqlite_interaction_find_ref,
    .interaction_set_case = crm__sqlite_interaction_set_case,
    .timeline = crm__sqlite_timeline,
    .participant_insert = crm__sqlite_participant_insert,
    .participant_list = crm__sqlite_participant_list,
    .attachment_insert = crm__sqlite_attachment_insert,
    .attachment_get = crm__sqlite_attachment_get,
    .attachment_list = crm__sqlite_attachment_list,
    .sla_def_insert = crm__sqlite_sla_def_insert,
    .sla_def_update = crm__sqlite_sla_def_update,
    .sla_def_get = crm__sqlite_sla_def_get,
    .sla_def_list = crm__sqlite_sla_def_list,
    .sla_case_get = crm__sqlite_sla_case_get,
    .sla_case_put = crm__sqlite_sla_case_put,
    .sla_cycle_insert = crm__sqlite_sla_cycle_insert,
    .sla_cycle_get = crm__sqlite_sla_cycle_get,
    .sla_cycle_update = crm__sqlite_sla_cycle_update,
    .sla_cycle_list_case = crm__sqlite_sla_cycle_list_case,
    .sla_cycle_list_fire = crm__sqlite_sla_cycle_list_fire,
    .sla_cycle_list_due = crm__sqlite_sla_cycle_list_due,
    .sla_cycle_list_open = crm__sqlite_sla_cycle_list_open,
    .sla_case_list_due = crm__sqlite_sla_case_list_due,
    .sla_segment_insert = crm__sqlite_sla_segment_insert,
    .sla_segment_list = crm__sqlite_sla_segment_list,
    /* customer lifecycle */
    .owned_list = crm__sqlite_owned_list,
    .owned_move = crm__sqlite_owned_move,
    .preference_list = crm__sqlite_preference_list,
    .preference_put = crm__sqlite_preference_put,
    .preference_delete = crm__sqlite_preference_delete,
    .merge_insert = crm__sqlite_merge_insert,
    .merge_list = crm__sqlite_merge_list,
    .merge_update = crm__sqlite_merge_update,
    .customer_keys_set = crm__sqlite_customer_keys_set,
    .customer_keys_find = crm__sqlite_customer_keys_find,
    .event_list_entity = crm__sqlite_event_list_entity,
    .event_set_payload = crm__sqlite_event_set_payload,
    .interaction_set_texts = crm__sqlite_interaction_set_texts,
    .participant_find = crm__sqlite_participant_find,
    .participant_set_value = crm__sqlite_participant_set_value,
    .attachment_rewrite = crm__sqlite_attachment_rewrite,
    .compact = crm__sqlite_compact,
    /* incidents, search, reports */
    .incident_scope_set = crm__sqlite_incident_scope_set,
    .incident_scope_list = crm__sqlite_incident_scope_list,
    .incident_match = crm__sqlite_incident_match,
    .link_list_to = crm__sqlite_link_list_to,
    .search = crm__sqlite_search,
    .report_aggregate = crm__sqlite_report_aggregate,
};

static crm_status sqlite_open_with_ops(crm_backend **out, const crm_backend_open_params *p)
{
  crm_status st = sqlite_open(out, p);
  if (st == CRM_OK)
    (*out)->ops = &crm__sqlite_ops;
  return st;
}
