/*
 * SQLite slots: report aggregates (the SQL is shared: ../report_sql.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include "../report_sql.h"
#include "sqlite_internal.h"

static void read_agg(sqlite3_stmt *st, void *p)
{
  crm_report_agg_row *row = p;
  int cols = sqlite3_column_count(st);
  row->key = sqlite3_column_int64(st, 0);
  row->sub = sqlite3_column_int64(st, 1);
  for (int i = 2; i < cols && i - 2 < CRM_REPORT_AGG_VALUES; i++)
    row->v[i - 2] = sqlite3_column_int64(st, i);
}

crm_status crm__sqlite_report_aggregate(crm_backend *b, int what, const crm_report_scan *scan,
                                        crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  char *sql = crm__report_sql(CRM__SQL_SQLITE, what, scan->group, scan->supervisor > 0);
  if (sql == NULL)
    return crm_backend_error(CRM_EINVALID, "report aggregate %d by group %d is not known", what,
                             scan->group);
  sqlite3_stmt *st = crm__sqlite_stmt(s, sql);
  g_free(sql);
  if (st == NULL)
    return CRM_ERROR;
  if (what == CRM_REPORT_AGG_ROLE) {
    sqlite3_bind_int64(st, 1, scan->agent);
  } else {
    sqlite3_bind_int64(st, 1, scan->from);
    sqlite3_bind_int64(st, 2, scan->to);
    sqlite3_bind_int64(st, 3, scan->supervisor);
  }
  return crm__sqlite_list(s, st, read_agg, NULL, sizeof(crm_report_agg_row), cb, payload,
                          "computing a report");
}
