/*
 * PostgreSQL slots: report aggregates (the SQL is shared: ../report_sql.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <glib.h>

#include "../report_sql.h"
#include "pg_internal.h"

static void read_agg(const PGresult *res, int r, void *out)
{
  crm_report_agg_row *row = out;
  int cols = PQnfields(res);
  row->key = crm__pg_col_int(res, r, 0);
  row->sub = crm__pg_col_int(res, r, 1);
  for (int i = 2; i < cols && i - 2 < CRM_REPORT_AGG_VALUES; i++)
    row->v[i - 2] = crm__pg_col_int(res, r, i);
}

crm_status crm__pg_report_aggregate(crm_backend *b, int what, const crm_report_scan *scan,
                                    crm_row_fn cb, void *payload)
{
  char *sql = crm__report_sql(CRM__SQL_POSTGRES, what, scan->group, scan->supervisor > 0);
  if (sql == NULL)
    return crm_backend_error(CRM_EINVALID, "report aggregate %d by group %d is not known", what,
                             scan->group);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  if (what == CRM_REPORT_AGG_ROLE) {
    crm__pg_int(&p, scan->agent);
  } else {
    crm__pg_int(&p, scan->from);
    crm__pg_int(&p, scan->to);
    crm__pg_int(&p, scan->supervisor);
  }
  crm_status st = crm__pg_list(CRM_PG(b), sql, &p, read_agg, NULL, sizeof(crm_report_agg_row), cb,
                               payload, "computing a report");
  g_free(sql);
  return st;
}
