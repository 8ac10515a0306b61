/*
 * PostgreSQL slots: incidents (affected scopes, matching, linked cases).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

crm_status crm__pg_incident_scope_set(crm_backend *b, crm_id incident, const char *key,
                                      const char *value)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, incident);
  crm__pg_text(&p, key);
  if (value == NULL)
    return crm__pg_exec(CRM_PG(b),
                        "DELETE FROM crm_incident_scopes WHERE incident = $1 AND key = $2", &p,
                        NULL, "removing an incident scope");
  crm__pg_text(&p, value);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_incident_scopes (incident, key, value) VALUES ($1, $2, $3) "
                      "ON CONFLICT (incident, key) DO UPDATE SET value = excluded.value",
                      &p, NULL, "storing an incident scope");
}

static void read_entry(const PGresult *res, int r, void *out)
{
  crm_attribute_row *row = out;
  row->key = crm__pg_col_text(res, r, 0);
  row->value = crm__pg_col_text(res, r, 1);
}

crm_status crm__pg_incident_scope_list(crm_backend *b, crm_id incident, crm_row_fn cb,
                                       void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, incident);
  return crm__pg_list(CRM_PG(b),
                      "SELECT key, value FROM crm_incident_scopes WHERE incident = $1 ORDER BY key",
                      &p, read_entry, (crm__pg_clear_fn)crm_attribute_row_clear,
                      sizeof(crm_attribute_row), cb, payload, "listing an incident scope");
}

static void read_id(const PGresult *res, int r, void *out)
{
  *(crm_id *)out = crm__pg_col_int(res, r, 0);
}

crm_status crm__pg_incident_match(crm_backend *b, crm_id customer, uint32_t status_mask,
                                  crm_id after_id, unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, CRM_ENTITY_CUSTOMER);
  crm__pg_int(&p, customer);
  crm__pg_int(&p, after_id);
  crm__pg_int(&p, (int64_t)status_mask);
  crm__pg_int(&p, limit);
  /* From the customer's few attributes to the scope entries holding the
     same (key, value); an incident matches when every one of its entries
     was met. */
  return crm__pg_list(CRM_PG(b),
                      "SELECT e.incident FROM crm_attributes a"
                      " JOIN crm_incident_scopes e ON e.key = a.key AND e.value = a.value"
                      " JOIN crm_cases c ON c.id = e.incident"
                      " WHERE a.entity = $1 AND a.id = $2 AND e.incident > $3"
                      "   AND (($4::bigint >> c.status) & 1) = 1"
                      " GROUP BY e.incident"
                      " HAVING count(*) = (SELECT count(*) FROM crm_incident_scopes t"
                      "                    WHERE t.incident = e.incident)"
                      " ORDER BY e.incident LIMIT $5",
                      &p, read_id, NULL, sizeof(crm_id), cb, payload, "matching incidents");
}

crm_status crm__pg_link_list_to(crm_backend *b, crm_id to, int kind, crm_id after_id,
                                unsigned int limit, crm_row_fn cb, void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, to);
  crm__pg_int(&p, kind);
  crm__pg_int(&p, after_id);
  crm__pg_int(&p, limit);
  return crm__pg_list(CRM_PG(b),
                      "SELECT from_case FROM crm_links WHERE to_case = $1 AND kind = $2 AND "
                      "from_case > $3 ORDER BY from_case LIMIT $4",
                      &p, read_id, NULL, sizeof(crm_id), cb, payload, "listing linked cases");
}
