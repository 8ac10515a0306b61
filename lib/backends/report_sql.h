/*
 * The SQL of the report aggregates (the report_aggregate slot), shared by
 * the built-in backends so that SQLite and PostgreSQL compute exactly the
 * same figures with the same query.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_BACKENDS_REPORT_SQL_H
#define CRM_BACKENDS_REPORT_SQL_H

#include "crm/sys/backend.h"

/* The SQL dialects of the built-in backends. */
typedef enum { CRM__SQL_SQLITE = 1, CRM__SQL_POSTGRES } crm__sql_dialect;

/*
 * The query of aggregate `what` (crm_report_agg_t) grouped by `group`
 * (crm_report_group_t, not DAY), as a g_malloc'd string; NULL for an
 * unknown `what` or `group`. `scoped`: limited to a supervisor's queues.
 * Parameters: 1 = from, 2 = to, 3 = supervisor (0: none); ROLE takes
 * only 1 = the agent. Each result row is key, sub,
 * then the values of crm_report_agg_row.v in order.
 */
char *crm__report_sql(crm__sql_dialect dialect, int what, int group, int scoped);

#endif
