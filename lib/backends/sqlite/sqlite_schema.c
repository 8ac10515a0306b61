/*
 * The SQLite schema and its forward migrations. The schema version lives
 * in PRAGMA user_version; migration N takes a database from version N-1
 * to N. Never edit a published migration: append a new one.
 *
 * Every query a hot path runs has an index here; none scans a table whose
 * size grows with history.
 *
 * SPDX-License-Identifier: MIT
 */
#include "sqlite_internal.h"

/* clang-format off */
/* An FTS5 index over `cols` of `table` (rowid: id), and the triggers that
   keep it in step: an update re-indexes only when one of `watched` changed. */
#define FTS_TOKENIZER "tokenize = 'unicode61 remove_diacritics 2'"
#define FTS(table, cols, watched)                                                               \
  "CREATE VIRTUAL TABLE " #table "_fts USING fts5(" cols ", content = '" #table "',"            \
  " content_rowid = 'id', " FTS_TOKENIZER ");"                                                  \
  "CREATE TRIGGER " #table "_fts_insert AFTER INSERT ON " #table " BEGIN"                       \
  "  INSERT INTO " #table "_fts (rowid, " cols ") SELECT new.id, " FTS_NEW_##table "; END;"     \
  "CREATE TRIGGER " #table "_fts_delete AFTER DELETE ON " #table " BEGIN"                       \
  "  INSERT INTO " #table "_fts (" #table "_fts, rowid, " cols ")"                              \
  "  SELECT 'delete', old.id, " FTS_OLD_##table "; END;"                                        \
  "CREATE TRIGGER " #table "_fts_update AFTER UPDATE OF " watched " ON " #table                 \
  " WHEN " FTS_CHANGED_##table " BEGIN"                                                         \
  "  INSERT INTO " #table "_fts (" #table "_fts, rowid, " cols ")"                              \
  "  SELECT 'delete', old.id, " FTS_OLD_##table ";"                                             \
  "  INSERT INTO " #table "_fts (rowid, " cols ") SELECT new.id, " FTS_NEW_##table "; END;"

/* Migration 2's triggers for the same index: a row above the table's
   search_indexed.upto waits for the catch-up at commit (a trigger on
   search_indexed indexes the rows between the old and the new mark). */
#define FTS_INDEXED(table, row) \
  row ".id <= (SELECT upto FROM search_indexed WHERE tbl = '" #table "')"
#define FTS_AT_COMMIT(table, cols, watched)                                                     \
  "DROP TRIGGER " #table "_fts_insert;"                                                         \
  "DROP TRIGGER " #table "_fts_delete;"                                                         \
  "DROP TRIGGER " #table "_fts_update;"                                                         \
  "CREATE TRIGGER " #table "_fts_insert AFTER INSERT ON " #table                                \
  "  WHEN " FTS_INDEXED(table, "new") " BEGIN"                                                  \
  "  INSERT INTO " #table "_fts (rowid, " cols ") SELECT new.id, " FTS_NEW_##table "; END;"     \
  "CREATE TRIGGER " #table "_fts_delete AFTER DELETE ON " #table                                \
  "  WHEN " FTS_INDEXED(table, "old") " BEGIN"                                                  \
  "  INSERT INTO " #table "_fts (" #table "_fts, rowid, " cols ")"                              \
  "  SELECT 'delete', old.id, " FTS_OLD_##table "; END;"                                        \
  "CREATE TRIGGER " #table "_fts_update AFTER UPDATE OF " watched " ON " #table                 \
  "  WHEN (" FTS_CHANGED_##table ") AND " FTS_INDEXED(table, "old") " BEGIN"                    \
  "  INSERT INTO " #table "_fts (" #table "_fts, rowid, " cols ")"                              \
  "  SELECT 'delete', old.id, " FTS_OLD_##table ";"                                             \
  "  INSERT INTO " #table "_fts (rowid, " cols ") SELECT new.id, " FTS_NEW_##table "; END;"     \
  "CREATE TRIGGER " #table "_fts_catch_up AFTER UPDATE OF upto ON search_indexed"               \
  "  WHEN new.tbl = '" #table "' BEGIN"                                                         \
  "  INSERT INTO " #table "_fts (rowid, " cols ") SELECT id, " cols " FROM " #table             \
  "  WHERE id > old.upto AND id <= new.upto ORDER BY id; END;"

#define FTS_NEW_interactions     "new.subject, new.body"
#define FTS_OLD_interactions     "old.subject, old.body"
#define FTS_CHANGED_interactions "old.subject IS NOT new.subject OR old.body IS NOT new.body"
#define FTS_NEW_cases            "new.subject"
#define FTS_OLD_cases            "old.subject"
#define FTS_CHANGED_cases        "old.subject IS NOT new.subject"
#define FTS_NEW_customers        "new.display_name"
#define FTS_OLD_customers        "old.display_name"
#define FTS_CHANGED_customers    "old.display_name IS NOT new.display_name"
/* clang-format on */

static const char *const migrations[] = {
    /* 1: the foundation */
    "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE cursors (consumer TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  time INTEGER NOT NULL, actor INTEGER, kind TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id INTEGER NOT NULL, payload TEXT NOT NULL);"
    "CREATE INDEX events_entity ON events (entity, entity_id);"

    "CREATE TABLE customers ("
    "  id INTEGER PRIMARY KEY,"
    "  display_name TEXT NOT NULL, organization TEXT, language TEXT, timezone TEXT,"
    "  segment TEXT, status INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL);"
    "CREATE TABLE identities ("
    "  id INTEGER PRIMARY KEY,"
    "  customer INTEGER NOT NULL REFERENCES customers (id),"
    "  kind INTEGER NOT NULL, value TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  UNIQUE (kind, value));"
    "CREATE INDEX identities_customer ON identities (customer, id);"
    "CREATE TABLE preferences ("
    "  customer INTEGER NOT NULL REFERENCES customers (id),"
    "  channel INTEGER NOT NULL, purpose TEXT NOT NULL, allowed INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (customer, channel, purpose)) WITHOUT ROWID;"
    "CREATE TABLE attributes ("
    "  entity INTEGER NOT NULL, id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (entity, id, key)) WITHOUT ROWID;"
    "CREATE TABLE labels ("
    "  entity INTEGER NOT NULL, id INTEGER NOT NULL, label TEXT NOT NULL,"
    "  PRIMARY KEY (entity, id, label)) WITHOUT ROWID;"
    "CREATE INDEX labels_by_label ON labels (entity, label, id);"

    "CREATE TABLE queues ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);"
    "CREATE TABLE agents ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE members ("
    "  agent INTEGER NOT NULL REFERENCES agents (id),"
    "  queue INTEGER NOT NULL REFERENCES queues (id),"
    "  role INTEGER NOT NULL, PRIMARY KEY (agent, queue)) WITHOUT ROWID;"
    "CREATE INDEX members_queue ON members (queue, agent);"

    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  customer INTEGER NOT NULL REFERENCES customers (id),"
    "  subject TEXT NOT NULL, kind INTEGER NOT NULL, status INTEGER NOT NULL,"
    "  priority INTEGER NOT NULL,"
    "  queue INTEGER REFERENCES queues (id), assignee INTEGER REFERENCES agents (id),"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, resolved_at INTEGER,"
    "  version INTEGER NOT NULL, inbound_count INTEGER NOT NULL,"
    "  transfer_count INTEGER NOT NULL, reopen_count INTEGER NOT NULL,"
    "  csat INTEGER, csat_comment TEXT);"
    "CREATE INDEX cases_customer ON cases (customer, id);"
    "CREATE INDEX cases_queue ON cases (queue, id);"
    "CREATE INDEX cases_assignee ON cases (assignee, id);"
    "CREATE INDEX cases_status_resolved ON cases (status, resolved_at);"
    "CREATE TABLE links ("
    "  from_case INTEGER NOT NULL REFERENCES cases (id), kind INTEGER NOT NULL,"
    "  to_case INTEGER NOT NULL REFERENCES cases (id), created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (from_case, kind, to_case));"
    "CREATE INDEX links_to ON links (to_case);"

    "CREATE TABLE interactions ("
    "  id INTEGER PRIMARY KEY,"
    "  customer INTEGER NOT NULL REFERENCES customers (id),"
    "  case_id INTEGER REFERENCES cases (id), agent INTEGER REFERENCES agents (id),"
    "  channel INTEGER NOT NULL, direction INTEGER NOT NULL, outcome INTEGER NOT NULL,"
    "  occurred_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,"
    "  subject TEXT, body TEXT, external_ref TEXT, in_reply_to TEXT,"
    "  UNIQUE (channel, external_ref));"
    "CREATE INDEX interactions_customer_time ON interactions (customer, occurred_at, id);"
    "CREATE INDEX interactions_case_time ON interactions (case_id, occurred_at, id);"
    "CREATE INDEX interactions_ref ON interactions (external_ref) WHERE external_ref IS NOT NULL;"
    "CREATE TABLE participants ("
    "  id INTEGER PRIMARY KEY,"
    "  interaction INTEGER NOT NULL REFERENCES interactions (id),"
    "  kind INTEGER NOT NULL, value TEXT NOT NULL, role TEXT NOT NULL,"
    "  UNIQUE (interaction, kind, value, role));"
    "CREATE INDEX participants_value ON participants (kind, value);"
    "CREATE TABLE attachments ("
    "  id INTEGER PRIMARY KEY,"
    "  interaction INTEGER NOT NULL REFERENCES interactions (id),"
    "  filename TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL, data BLOB NOT NULL);"
    "CREATE INDEX attachments_interaction ON attachments (interaction, id);"

    /* SLA: calendars, policies, timers, cycles */
    "CREATE TABLE sla_defs ("
    "  id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, ord INTEGER NOT NULL,"
    "  name TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,"
    "  saved_at INTEGER NOT NULL);"
    "CREATE INDEX sla_defs_order ON sla_defs (kind, ord, id);"
    "CREATE TABLE sla_def_versions ("
    "  def INTEGER NOT NULL REFERENCES sla_defs (id), version INTEGER NOT NULL,"
    "  ord INTEGER NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL,"
    "  saved_at INTEGER NOT NULL, PRIMARY KEY (def, version)) WITHOUT ROWID;"
    "CREATE TABLE sla_cases ("
    "  case_id INTEGER PRIMARY KEY REFERENCES cases (id), channel INTEGER NOT NULL,"
    "  last_reply_at INTEGER NOT NULL);"
    "CREATE TABLE sla_cycles ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases (id),"
    "  metric INTEGER NOT NULL, cycle INTEGER NOT NULL, state INTEGER NOT NULL,"
    "  warn_percent INTEGER NOT NULL, policy INTEGER NOT NULL, calendar INTEGER NOT NULL,"
    "  policy_version INTEGER NOT NULL, calendar_version INTEGER NOT NULL,"
    "  target INTEGER NOT NULL, started_at INTEGER NOT NULL, mark_at INTEGER NOT NULL,"
    "  business_elapsed INTEGER NOT NULL, calendar_elapsed INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL, warn_at INTEGER NOT NULL, warned_at INTEGER NOT NULL,"
    "  breached_at INTEGER NOT NULL, met_at INTEGER NOT NULL, stopped_at INTEGER NOT NULL,"
    "  next_fire_at INTEGER NOT NULL, version INTEGER NOT NULL,"
    "  UNIQUE (case_id, metric, cycle));"
    /* crm_tick: what is due to fire, never a scan of every timer */
    "CREATE INDEX sla_cycles_fire ON sla_cycles (next_fire_at, id) WHERE next_fire_at > 0;"
    "CREATE INDEX sla_cycles_due ON sla_cycles (due_at, id) WHERE state = 1 AND due_at > 0;"
    "CREATE INDEX sla_cycles_case_due ON sla_cycles (case_id, due_at)"
    "  WHERE state = 1 AND due_at > 0;"
    "CREATE INDEX sla_cycles_open_calendar ON sla_cycles (calendar, id) WHERE state < 3;"
    "CREATE INDEX sla_cycles_open_policy ON sla_cycles (policy, id) WHERE state < 3;"
    "CREATE TABLE sla_segments ("
    "  id INTEGER PRIMARY KEY,"
    "  cycle INTEGER NOT NULL REFERENCES sla_cycles (id), kind INTEGER NOT NULL,"
    "  at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,"
    "  business_elapsed INTEGER NOT NULL, calendar_elapsed INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL, calendar_version INTEGER NOT NULL,"
    "  policy_version INTEGER NOT NULL);"
    "CREATE INDEX sla_segments_cycle ON sla_segments (cycle, id);"

    /* customer lifecycle: preference provenance, merges, duplicate keys */
    "ALTER TABLE preferences ADD COLUMN source TEXT;"
    "CREATE TABLE merges ("
    "  id INTEGER PRIMARY KEY,"
    "  survivor INTEGER NOT NULL REFERENCES customers (id),"
    "  merged INTEGER NOT NULL REFERENCES customers (id),"
    "  created_at INTEGER NOT NULL, undone_at INTEGER NOT NULL, record TEXT NOT NULL);"
    "CREATE INDEX merges_survivor ON merges (survivor, id);"
    "CREATE INDEX merges_merged ON merges (merged, id);"
    "CREATE TABLE customer_keys ("
    "  reason INTEGER NOT NULL, key TEXT NOT NULL,"
    "  customer INTEGER NOT NULL REFERENCES customers (id),"
    "  PRIMARY KEY (reason, key, customer)) WITHOUT ROWID;"
    "CREATE INDEX customer_keys_customer ON customer_keys (customer);"

    /* incidents: affected scopes; the cases linked to an incident */
    "CREATE TABLE incident_scopes ("
    "  incident INTEGER NOT NULL REFERENCES cases (id), key TEXT NOT NULL,"
    "  value TEXT NOT NULL, PRIMARY KEY (incident, key)) WITHOUT ROWID;"
    "CREATE INDEX incident_scopes_value ON incident_scopes (key, value, incident);"
    "CREATE INDEX links_to_kind ON links (to_case, kind, from_case);"

    /* search: FTS5 indexes over the texts (external content: the index
       holds tokens only, the text stays in its table), kept in step by
       triggers in the transaction of each write */
    FTS(interactions, "subject, body", "subject, body") FTS(cases, "subject", "subject")
        FTS(customers, "display_name", "display_name")
    /* reports: cases created in a range; interactions occurred in a range (covering
       what the report reads of them); the backlog */
    "CREATE INDEX cases_created ON cases (created_at);"
    "CREATE INDEX cases_status_created ON cases (status, created_at);"
    "CREATE INDEX interactions_report ON interactions"
    "  (occurred_at, direction, channel, outcome, case_id);",

    /* 2: search indexes catch up at commit. FTS5 writes its pending
       tokens out as a new segment at every savepoint and statement
       journal, so indexing each row as it was written made one segment
       per row (and merges of them) inside a long transaction. Rows above
       search_indexed.upto are indexed by crm__sqlite_search_catch_up, in
       one statement before COMMIT; rows at or below it (already indexed,
       or given an old id again) keep being indexed by the triggers. */
    "CREATE TABLE search_indexed (tbl TEXT PRIMARY KEY, upto INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO search_indexed (tbl, upto)"
    "  SELECT 'interactions', coalesce(max(id), 0) FROM interactions UNION ALL"
    "  SELECT 'cases', coalesce(max(id), 0) FROM cases UNION ALL"
    "  SELECT 'customers', coalesce(max(id), 0) FROM customers;" FTS_AT_COMMIT(
        interactions, "subject, body", "subject, body") FTS_AT_COMMIT(cases, "subject", "subject")
        FTS_AT_COMMIT(customers, "display_name", "display_name"),
};

const int crm__sqlite_schema_version = (int)(sizeof migrations / sizeof migrations[0]);

crm_status crm__sqlite_migrate(crm_sqlite *s, int from)
{
  crm_status st = crm__sqlite_exec(s, "BEGIN IMMEDIATE", "starting the schema migration");
  if (st != CRM_OK)
    return st;
  /* Another process may have migrated while we waited for the lock. */
  sqlite3_stmt *v = NULL;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK &&
      sqlite3_step(v) == SQLITE_ROW)
    from = sqlite3_column_int(v, 0);
  sqlite3_finalize(v);

  for (int i = from; i < crm__sqlite_schema_version && st == CRM_OK; i++) {
    st = crm__sqlite_exec(s, migrations[i], "migrating the schema");
    if (st == CRM_OK) {
      char *sql = sqlite3_mprintf("PRAGMA user_version = %d", i + 1);
      st = crm__sqlite_exec(s, sql, "recording the schema version");
      sqlite3_free(sql);
    }
  }
  if (st == CRM_OK)
    st = crm__sqlite_exec(s, "COMMIT", "committing the schema migration");
  if (st != CRM_OK)
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  return st;
}
