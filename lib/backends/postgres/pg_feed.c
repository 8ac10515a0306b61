/*
 * PostgreSQL slots: settings, consumer cursors and the event feed.
 *
 * Sequence numbers must grow in commit order, or a consumer polling
 * "seq > last seen" skips an event whose transaction took its number
 * early and committed late. A sequence (nextval) gives no such order: it
 * hands numbers out at once and never waits. So events take their numbers
 * from the one row of crm_event_seq, which every write transaction locks
 * at BEGIN and holds until it ends (pg.c): a writer counts on from the
 * value it read there (in memory; the new value is stored with its
 * COMMIT) only after the previous holder has committed or rolled back, and
 * PostgreSQL makes a commit visible before it releases its locks. Hence
 * every number a reader can see belongs to a transaction that committed
 * after every smaller number's did. A rolled-back transaction also rolls
 * back its increments: the numbers have no gaps.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

crm_status crm__pg_setting_get(crm_backend *b, const char *name, char **out)
{
  *out = NULL;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, name);
  PGresult *res = NULL;
  crm_status st = crm__pg_row(CRM_PG(b), "SELECT value FROM crm_settings WHERE name = $1", &p, &res,
                              "reading a setting");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "setting '%s' was never set", name);
  if (st != CRM_OK)
    return st;
  *out = crm__pg_col_text(res, 0, 0);
  PQclear(res);
  return CRM_OK;
}

crm_status crm__pg_setting_set(crm_backend *b, const char *name, const char *value)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, name);
  crm__pg_text(&p, value);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_settings (name, value) VALUES ($1, $2) "
                      "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                      &p, NULL, "storing a setting");
}

crm_status crm__pg_cursor_get(crm_backend *b, const char *consumer, int64_t *out)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, consumer);
  crm_status st = crm__pg_row_int(CRM_PG(b), "SELECT seq FROM crm_cursors WHERE consumer = $1", &p,
                                  out, "reading a cursor");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "consumer '%s' has no cursor", consumer);
  return st;
}

crm_status crm__pg_cursor_set(crm_backend *b, const char *consumer, int64_t seq)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, consumer);
  crm__pg_int(&p, seq);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_cursors (consumer, seq) VALUES ($1, $2) "
                      "ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq",
                      &p, NULL, "storing a cursor");
}

crm_status crm__pg_event_append(crm_backend *b, crm_event_row *row)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->time);
  crm__pg_id(&p, row->actor);
  crm__pg_text(&p, row->kind);
  crm__pg_text(&p, row->entity);
  crm__pg_int(&p, row->entity_id);
  crm__pg_text(&p, row->payload ? row->payload : "{}");
  /* The next number of this write transaction (pg.c keeps the count in
     memory while the counter row stays locked, and stores it at COMMIT). */
  crm_pg *s = CRM_PG(b);
  crm__pg_int(&p, s->seq + 1);
  crm_status st = crm__pg_defer(s,
                                "INSERT INTO crm_events (time, actor, kind, entity, entity_id, "
                                "payload, seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                &p, "appending an event");
  if (st == CRM_OK)
    row->seq = ++s->seq;
  return st;
}

void crm__pg_read_event(const PGresult *res, int r, void *out)
{
  crm_event_row *row = out;
  row->seq = crm__pg_col_int(res, r, 0);
  row->time = crm__pg_col_int(res, r, 1);
  row->actor = crm__pg_col_int(res, r, 2);
  row->kind = crm__pg_col_text(res, r, 3);
  row->entity = crm__pg_col_text(res, r, 4);
  row->entity_id = crm__pg_col_int(res, r, 5);
  row->payload = crm__pg_col_text(res, r, 6);
}

crm_status crm__pg_event_list(crm_backend *b, int64_t after_seq, unsigned int limit, crm_row_fn cb,
                              void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, after_seq);
  crm__pg_int(&p, limit);
  return crm__pg_list(CRM_PG(b),
                      "SELECT seq, time, actor, kind, entity, entity_id, payload FROM crm_events "
                      "WHERE seq > $1 ORDER BY seq LIMIT $2",
                      &p, crm__pg_read_event, (crm__pg_clear_fn)crm_event_row_clear,
                      sizeof(crm_event_row), cb, payload, "reading events");
}
