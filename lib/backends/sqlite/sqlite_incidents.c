/*
 * SQLite slots: incidents (affected scopes, matching, linked cases).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

crm_status crm__sqlite_incident_scope_set(crm_backend *b, crm_id incident, const char *key,
                                          const char *value)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      value ? crm__sqlite_stmt(s, "INSERT INTO incident_scopes (incident, key, value) VALUES "
                                  "(?, ?, ?) ON CONFLICT (incident, key) DO UPDATE SET "
                                  "value = excluded.value")
            : crm__sqlite_stmt(s, "DELETE FROM incident_scopes WHERE incident = ? AND key = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, incident);
  crm__sqlite_bind_text(st, 2, key);
  if (value)
    crm__sqlite_bind_text(st, 3, value);
  return crm__sqlite_exec_stmt(s, st, "storing an incident scope");
}

static void read_entry(sqlite3_stmt *st, void *p)
{
  crm_attribute_row *row = p;
  row->key = crm__sqlite_col_text(st, 0);
  row->value = crm__sqlite_col_text(st, 1);
}

crm_status crm__sqlite_incident_scope_list(crm_backend *b, crm_id incident, crm_row_fn cb,
                                           void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT key, value FROM incident_scopes WHERE incident = ? ORDER BY key");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, incident);
  return crm__sqlite_list(s, st, read_entry, (crm__sqlite_clear_fn)crm_attribute_row_clear,
                          sizeof(crm_attribute_row), cb, payload, "listing an incident scope");
}

static void read_id(sqlite3_stmt *st, void *p)
{
  *(crm_id *)p = sqlite3_column_int64(st, 0);
}

crm_status crm__sqlite_incident_match(crm_backend *b, crm_id customer, uint32_t status_mask,
                                      crm_id after_id, unsigned int limit, crm_row_fn cb,
                                      void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  /* From the customer's few attributes to the scope entries holding the
     same (key, value); an incident matches when every one of its entries
     was met (its entry count, read from its primary key). */
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT e.incident FROM attributes a"
         " JOIN incident_scopes e ON e.key = a.key AND e.value = a.value"
         " JOIN cases c ON c.id = e.incident"
         " WHERE a.entity = ?1 AND a.id = ?2 AND e.incident > ?3 AND ((?4 >> c.status) & 1) = 1"
         " GROUP BY e.incident"
         " HAVING count(*) = (SELECT count(*) FROM incident_scopes t WHERE t.incident = e.incident)"
         " ORDER BY e.incident LIMIT ?5");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, CRM_ENTITY_CUSTOMER);
  sqlite3_bind_int64(st, 2, customer);
  sqlite3_bind_int64(st, 3, after_id);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)status_mask);
  sqlite3_bind_int64(st, 5, limit);
  return crm__sqlite_list(s, st, read_id, NULL, sizeof(crm_id), cb, payload, "matching incidents");
}

crm_status crm__sqlite_link_list_to(crm_backend *b, crm_id to, int kind, crm_id after_id,
                                    unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT from_case FROM links WHERE to_case = ? AND kind = ? AND "
                          "from_case > ? ORDER BY from_case LIMIT ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, to);
  sqlite3_bind_int(st, 2, kind);
  sqlite3_bind_int64(st, 3, after_id);
  sqlite3_bind_int64(st, 4, limit);
  return crm__sqlite_list(s, st, read_id, NULL, sizeof(crm_id), cb, payload,
                          "listing linked cases");
}
