/*
 * The PostgreSQL schema and its forward migrations. The schema version
 * lives in crm_meta ('schema_version'); migration N takes a database from
 * version N-1 to N. Never edit a published migration: append a new one.
 *
 * The tables are created in the connection's current schema (the first of
 * its search_path), all prefixed crm_ so libcrm can share a database with
 * an application. Every query a hot path runs has an index here; none
 * scans a table whose size grows with history. Text that is sorted or
 * compared in a unique key is COLLATE "C": byte order, as in SQLite,
 * whatever the database's locale.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

#define ID       "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
#define KEY_TEXT "text COLLATE \"C\""

/* The characters of a text that are indexed: a tsvector holds at most
   1 MB, a mail body may be longer. */
#define INDEXED_CHARS "100000"

/*
 * crm_fold(text): the text without accents, IMMUTABLE so generated
 * columns may call it. With the unaccent extension (created in public
 * when it is missing and this role may), its full rules; without it, a
 * translate() of the accented Latin letters (Italian, French, Spanish,
 * German, Portuguese). The unaccent one is PL/pgSQL: as SQL it could not
 * be inlined (unaccent() is only STABLE), so every INSERT parsed and
 * planned it again (about 9 us per folded column on the test server);
 * PL/pgSQL keeps its plan for the session. The translate() one is SQL,
 * inlined.
 */
#define FOLD_FUNCTION                                                                                                   \
  "DO $fold$ DECLARE ns text; BEGIN"                                                                                    \
  "  BEGIN"                                                                                                             \
  "    SELECT n.nspname INTO ns FROM pg_extension e"                                                                    \
  "      JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';"                                   \
  "    IF ns IS NULL THEN"                                                                                              \
  "      CREATE EXTENSION unaccent SCHEMA public; ns := 'public';"                                                      \
  "    END IF;"                                                                                                         \
  "    EXECUTE format('CREATE OR REPLACE FUNCTION crm_fold(text) RETURNS text LANGUAGE plpgsql"                         \
  "      IMMUTABLE STRICT PARALLEL SAFE AS %L',"                                                                        \
  "      format('BEGIN RETURN %I.unaccent(%L::regdictionary, $1); END', ns,"                                            \
  "             quote_ident(ns) || '.unaccent'));"                                                                      \
  "    PERFORM crm_fold('perché');"                                                                                    \
  "  EXCEPTION WHEN OTHERS THEN"                                                                                        \
  "    CREATE OR REPLACE FUNCTION crm_fold(text) RETURNS text LANGUAGE sql"                                             \
  "      IMMUTABLE STRICT PARALLEL SAFE AS $f$ SELECT translate($1,"                                                    \
  "      'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÇçÑñÝýÿ'," \
  "      'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNnYyy') $f$;"                                                 \
  "  END;"                                                                                                              \
  "END $fold$;"

static const char *const migrations[] = {
    /* 1: the foundation */
    "CREATE TABLE crm_settings (name " KEY_TEXT " PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE crm_cursors (consumer " KEY_TEXT " PRIMARY KEY, seq bigint NOT NULL);"
    /* One row whose lock orders event numbers by commit (pg_feed.c). */
    "CREATE TABLE crm_event_seq (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
    "  seq bigint NOT NULL);"
    "INSERT INTO crm_event_seq (one, seq) VALUES (true, 0);"
    "CREATE TABLE crm_events ("
    "  seq bigint PRIMARY KEY,"
    "  time bigint NOT NULL, actor bigint, kind text NOT NULL,"
    "  entity text NOT NULL, entity_id bigint NOT NULL, payload text NOT NULL);"
    "CREATE INDEX crm_events_entity ON crm_events (entity, entity_id);"

    "CREATE TABLE crm_customers ("
    "  id " ID ","
    "  display_name text NOT NULL, organization text, language text, timezone text,"
    "  segment text, status integer NOT NULL,"
    "  created_at bigint NOT NULL, updated_at bigint NOT NULL, version bigint NOT NULL);"
    "CREATE TABLE crm_identities ("
    "  id " ID ","
    "  customer bigint NOT NULL REFERENCES crm_customers (id),"
    "  kind integer NOT NULL, value " KEY_TEXT " NOT NULL, created_at bigint NOT NULL,"
    "  UNIQUE (kind, value));"
    "CREATE INDEX crm_identities_customer ON crm_identities (customer, id);"
    "CREATE TABLE crm_preferences ("
    "  customer bigint NOT NULL REFERENCES crm_customers (id),"
    "  channel integer NOT NULL, purpose " KEY_TEXT " NOT NULL, allowed integer NOT NULL,"
    "  updated_at bigint NOT NULL,"
    "  PRIMARY KEY (customer, channel, purpose));"
    "CREATE TABLE crm_attributes ("
    "  entity integer NOT NULL, id bigint NOT NULL, key " KEY_TEXT " NOT NULL,"
    "  value text NOT NULL, PRIMARY KEY (entity, id, key));"
    "CREATE TABLE crm_labels ("
    "  entity integer NOT NULL, id bigint NOT NULL, label " KEY_TEXT " NOT NULL,"
    "  PRIMARY KEY (entity, id, label));"
    "CREATE INDEX crm_labels_by_label ON crm_labels (entity, label, id);"

    "CREATE TABLE crm_queues ("
    "  id " ID ", name " KEY_TEXT " NOT NULL UNIQUE, created_at bigint NOT NULL);"
    "CREATE TABLE crm_agents ("
    "  id " ID ", name text NOT NULL, email " KEY_TEXT " UNIQUE,"
    "  created_at bigint NOT NULL);"
    "CREATE TABLE crm_members ("
    "  agent bigint NOT NULL REFERENCES crm_agents (id),"
    "  queue bigint NOT NULL REFERENCES crm_queues (id),"
    "  role integer NOT NULL, PRIMARY KEY (agent, queue));"
    "CREATE INDEX crm_members_queue ON crm_members (queue, agent);"

    "CREATE TABLE crm_cases ("
    "  id " ID ","
    "  customer bigint NOT NULL REFERENCES crm_customers (id),"
    "  subject text NOT NULL, kind integer NOT NULL, status integer NOT NULL,"
    "  priority integer NOT NULL,"
    "  queue bigint REFERENCES crm_queues (id), assignee bigint REFERENCES crm_agents (id),"
    "  created_at bigint NOT NULL, updated_at bigint NOT NULL, resolved_at bigint,"
    "  version bigint NOT NULL, inbound_count bigint NOT NULL,"
    "  transfer_count bigint NOT NULL, reopen_count bigint NOT NULL,"
    "  csat integer, csat_comment text);"
    "CREATE INDEX crm_cases_customer ON crm_cases (customer, id);"
    "CREATE INDEX crm_cases_queue ON crm_cases (queue, id);"
    "CREATE INDEX crm_cases_assignee ON crm_cases (assignee, id);"
    "CREATE INDEX crm_cases_status_resolved ON crm_cases (status, resolved_at, id);"
    "CREATE TABLE crm_links ("
    "  id " ID ","
    "  from_case bigint NOT NULL REFERENCES crm_cases (id), kind integer NOT NULL,"
    "  to_case bigint NOT NULL REFERENCES crm_cases (id), created_at bigint NOT NULL,"
    "  UNIQUE (from_case, kind, to_case));"
    "CREATE INDEX crm_links_to ON crm_links (to_case);"

    "CREATE TABLE crm_interactions ("
    "  id " ID ","
    "  customer bigint NOT NULL REFERENCES crm_customers (id),"
    "  case_id bigint REFERENCES crm_cases (id), agent bigint REFERENCES crm_agents (id),"
    "  channel integer NOT NULL, direction integer NOT NULL, outcome integer NOT NULL,"
    "  occurred_at bigint NOT NULL, recorded_at bigint NOT NULL,"
    "  subject text, body text, external_ref " KEY_TEXT ", in_reply_to text,"
    "  UNIQUE (channel, external_ref));"
    "CREATE INDEX crm_interactions_customer_time"
    "  ON crm_interactions (customer, occurred_at, id);"
    "CREATE INDEX crm_interactions_case_time ON crm_interactions (case_id, occurred_at, id);"
    "CREATE INDEX crm_interactions_ref ON crm_interactions (external_ref, id)"
    "  WHERE external_ref IS NOT NULL;"
    "CREATE TABLE crm_participants ("
    "  id " ID ","
    "  interaction bigint NOT NULL REFERENCES crm_interactions (id),"
    "  kind integer NOT NULL, value " KEY_TEXT " NOT NULL, role " KEY_TEXT " NOT NULL,"
    "  UNIQUE (interaction, kind, value, role));"
    "CREATE INDEX crm_participants_interaction ON crm_participants (interaction, id);"
    "CREATE INDEX crm_participants_value ON crm_participants (kind, value);"
    "CREATE TABLE crm_attachments ("
    "  id " ID ","
    "  interaction bigint NOT NULL REFERENCES crm_interactions (id),"
    "  filename text NOT NULL, media_type text NOT NULL, size bigint NOT NULL,"
    "  sha256 text NOT NULL, data bytea NOT NULL);"
    "CREATE INDEX crm_attachments_interaction ON crm_attachments (interaction, id);"

    /* SLA: calendars, policies, timers, cycles */
    "CREATE TABLE crm_sla_defs ("
    "  id " ID ", kind integer NOT NULL, ord bigint NOT NULL,"
    "  name text NOT NULL, version bigint NOT NULL, definition text NOT NULL,"
    "  saved_at bigint NOT NULL);"
    "CREATE INDEX crm_sla_defs_order ON crm_sla_defs (kind, ord, id);"
    "CREATE TABLE crm_sla_def_versions ("
    "  def bigint NOT NULL REFERENCES crm_sla_defs (id), version bigint NOT NULL,"
    "  ord bigint NOT NULL, name text NOT NULL, definition text NOT NULL,"
    "  saved_at bigint NOT NULL, PRIMARY KEY (def, version));"
    "CREATE TABLE crm_sla_cases ("
    "  case_id bigint PRIMARY KEY REFERENCES crm_cases (id), channel integer NOT NULL,"
    "  last_reply_at bigint NOT NULL);"
    "CREATE TABLE crm_sla_cycles ("
    "  id " ID ","
    "  case_id bigint NOT NULL REFERENCES crm_cases (id),"
    "  metric integer NOT NULL, cycle integer NOT NULL, state integer NOT NULL,"
    "  warn_percent integer NOT NULL, policy bigint NOT NULL, calendar bigint NOT NULL,"
    "  policy_version bigint NOT NULL, calendar_version bigint NOT NULL,"
    "  target bigint NOT NULL, started_at bigint NOT NULL, mark_at bigint NOT NULL,"
    "  business_elapsed bigint NOT NULL, calendar_elapsed bigint NOT NULL,"
    "  due_at bigint NOT NULL, warn_at bigint NOT NULL, warned_at bigint NOT NULL,"
    "  breached_at bigint NOT NULL, met_at bigint NOT NULL, stopped_at bigint NOT NULL,"
    "  next_fire_at bigint NOT NULL, version bigint NOT NULL,"
    "  UNIQUE (case_id, metric, cycle));"
    /* crm_tick: what is due to fire, never a scan of every timer */
    "CREATE INDEX crm_sla_cycles_fire ON crm_sla_cycles (next_fire_at, id)"
    "  WHERE next_fire_at > 0;"
    "CREATE INDEX crm_sla_cycles_due ON crm_sla_cycles (due_at, id)"
    "  WHERE state = 1 AND due_at > 0;"
    "CREATE INDEX crm_sla_cycles_case_due ON crm_sla_cycles (case_id, due_at)"
    "  WHERE state = 1 AND due_at > 0;"
    "CREATE INDEX crm_sla_cycles_open_calendar ON crm_sla_cycles (calendar, id)"
    "  WHERE state < 3;"
    "CREATE INDEX crm_sla_cycles_open_policy ON crm_sla_cycles (policy, id) WHERE state < 3;"
    "CREATE TABLE crm_sla_segments ("
    "  id " ID ","
    "  cycle bigint NOT NULL REFERENCES crm_sla_cycles (id), kind integer NOT NULL,"
    "  at bigint NOT NULL, recorded_at bigint NOT NULL,"
    "  business_elapsed bigint NOT NULL, calendar_elapsed bigint NOT NULL,"
    "  due_at bigint NOT NULL, calendar_version bigint NOT NULL,"
    "  policy_version bigint NOT NULL);"
    "CREATE INDEX crm_sla_segments_cycle ON crm_sla_segments (cycle, id);"

    /* customer lifecycle: preference provenance, merges, duplicate keys */
    "ALTER TABLE crm_preferences ADD COLUMN source text;"
    "CREATE TABLE crm_merges ("
    "  id " ID ","
    "  survivor bigint NOT NULL REFERENCES crm_customers (id),"
    "  merged bigint NOT NULL REFERENCES crm_customers (id),"
    "  created_at bigint NOT NULL, undone_at bigint NOT NULL, record text NOT NULL);"
    "CREATE INDEX crm_merges_survivor ON crm_merges (survivor, id);"
    "CREATE INDEX crm_merges_merged ON crm_merges (merged, id);"
    "CREATE TABLE crm_customer_keys ("
    "  reason integer NOT NULL, key " KEY_TEXT " NOT NULL,"
    "  customer bigint NOT NULL REFERENCES crm_customers (id),"
    "  PRIMARY KEY (reason, key, customer));"
    "CREATE INDEX crm_customer_keys_customer ON crm_customer_keys (customer);"

    /* incidents: affected scopes; the cases linked to an incident */
    "CREATE TABLE crm_incident_scopes ("
    "  incident bigint NOT NULL REFERENCES crm_cases (id), key " KEY_TEXT " NOT NULL,"
    "  value text NOT NULL, PRIMARY KEY (incident, key));"
    "CREATE INDEX crm_incident_scopes_value ON crm_incident_scopes (key, value, incident);"
    "CREATE INDEX crm_links_to_kind ON crm_links (to_case, kind, from_case);"

    /* search: crm_fold (accents off, for documents and queries alike),
       tsvector columns the server computes in the writing statement, GIN
       indexes over them */
    FOLD_FUNCTION "ALTER TABLE crm_interactions ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('pg_catalog.simple', crm_fold(left(coalesce(subject, "
    "''), " INDEXED_CHARS "))), 'A') ||"
    "  setweight(to_tsvector('pg_catalog.simple', crm_fold(left(coalesce(body, ''), " INDEXED_CHARS
    "))), 'B')) STORED;"
    "CREATE INDEX crm_interactions_search ON crm_interactions USING gin (search);"
    "ALTER TABLE crm_cases ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('pg_catalog.simple', crm_fold(left(subject, " INDEXED_CHARS
    "))), 'A')) STORED;"
    "CREATE INDEX crm_cases_search ON crm_cases USING gin (search);"
    "ALTER TABLE crm_customers ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('pg_catalog.simple', crm_fold(left(display_name, " INDEXED_CHARS
    "))), 'A')) STORED;"
    "CREATE INDEX crm_customers_search ON crm_customers USING gin (search);"
    /* reports: cases created in a range; interactions occurred in a range (covering
       what the report reads of them); the backlog */
    "CREATE INDEX crm_cases_created ON crm_cases (created_at);"
    "CREATE INDEX crm_cases_status_created ON crm_cases (status, created_at);"
    "CREATE INDEX crm_interactions_report ON crm_interactions"
    "  (occurred_at, direction, channel, outcome, case_id);",
};

const int crm__pg_schema_version = (int)(sizeof migrations / sizeof migrations[0]);

/* Serialises migrations of every process on the database: "libcrm" in
   ASCII, an arbitrary key no other user of advisory locks should pick. */
#define MIGRATION_LOCK_KEY "119199878050413"

crm_status crm__pg_read_version(crm_pg *s, int *out)
{
  *out = 0;
  /* to_regclass resolves through the search_path like every query here,
     and returns NULL (no error) on a database libcrm never touched. */
  PGresult *res = PQexec(s->conn, "SELECT to_regclass('crm_meta') IS NOT NULL");
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    crm_status st = crm__pg_fail(s, res, "reading the schema version");
    PQclear(res);
    return st;
  }
  int exists = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
  PQclear(res);
  if (!exists)
    return CRM_OK;
  res = PQexec(s->conn, "SELECT value FROM crm_meta WHERE key = 'schema_version'");
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    crm_status st = crm__pg_fail(s, res, "reading the schema version");
    PQclear(res);
    return st;
  }
  if (PQntuples(res) == 1)
    *out = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
  PQclear(res);
  return CRM_OK;
}

static crm_status too_new(int version, const char *where)
{
  return crm_backend_error(CRM_EVERSION,
                           "PostgreSQL database '%s' has libcrm schema version %d, newer than "
                           "the %d this libcrm knows: upgrade libcrm (the database was not "
                           "changed)",
                           where, version, crm__pg_schema_version);
}

static crm_status apply_migrations(crm_pg *s, int from)
{
  crm_status st = CRM_OK;
  if (from == 0)
    st = crm__pg_exec_simple(s,
                             "CREATE TABLE crm_meta (key text COLLATE \"C\" PRIMARY KEY, "
                             "value text NOT NULL)",
                             "creating the schema");
  for (int i = from; i < crm__pg_schema_version && st == CRM_OK; i++)
    st = crm__pg_exec_simple(s, migrations[i], "migrating the schema");
  if (st == CRM_OK) {
    char *sql = g_strdup_printf("INSERT INTO crm_meta (key, value) VALUES ('schema_version', "
                                "'%d') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                crm__pg_schema_version);
    st = crm__pg_exec_simple(s, sql, "recording the schema version");
    g_free(sql);
  }
  return st;
}

crm_status crm__pg_migrate(crm_pg *s, const char *where)
{
  /* Read the version before writing anything: a newer schema stays untouched. */
  int version = 0;
  crm_status st = crm__pg_read_version(s, &version);
  if (st != CRM_OK)
    return st;
  if (version > crm__pg_schema_version)
    return too_new(version, where);
  if (version == crm__pg_schema_version)
    return CRM_OK;

  st = crm__pg_exec_simple(s, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATION_LOCK_KEY ")",
                           "locking the schema for migration");
  /* Another process may have migrated while we waited for the lock (READ
     COMMITTED: this read sees what it committed). */
  if (st == CRM_OK)
    st = crm__pg_read_version(s, &version);
  if (st == CRM_OK && version > crm__pg_schema_version)
    st = too_new(version, where);
  if (st == CRM_OK && version < crm__pg_schema_version)
    st = apply_migrations(s, version);
  if (st == CRM_OK)
    st = crm__pg_exec_simple(s, "COMMIT", "committing the schema migration");
  if (st != CRM_OK && PQtransactionStatus(s->conn) != PQTRANS_IDLE) {
    PGresult *res = PQexec(s->conn, "ROLLBACK");
    PQclear(res);
  }
  return st;
}
