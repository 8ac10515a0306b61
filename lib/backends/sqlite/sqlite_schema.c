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
    "CREATE INDEX attachments_interaction ON attachments (interaction, id);",
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
