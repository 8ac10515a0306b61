/*
 * The timeline: a customer's or a case's interactions across every channel
 * and case, newest first, paged by the keyset (occurred_at, id).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "interaction_internal.h"

struct crm_timeline_iterator {
  crm__pager *pager;
};

/* Where the next page starts: strictly before (before, before_id). */
typedef struct {
  crm_id customer, case_id;
  crm_time before; /* 0: from the newest */
  crm_id before_id;
  int done; /* the oldest possible key was reached */
} timeline_state;

crm_status crm_timeline_query_init(crm_timeline_query *q, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(q, "query")) != CRM_OK ||
      (st = crm__check_version(version, CRM_TIMELINE_QUERY_VERSION, "crm_timeline_query")) !=
          CRM_OK)
    return st;
  memset(q, 0, sizeof *q);
  q->version = version;
  return CRM_OK;
}

static void row_free(gpointer p)
{
  crm_interaction_row_clear(p);
  g_free(p);
}

/* Copy each borrowed row: objects are built after the listing ends, so
   that loading their attributes never runs inside the slot's query. */
static int copy_row(const void *row, void *payload)
{
  const crm_interaction_row *r = row;
  crm_interaction_row *c = g_new(crm_interaction_row, 1);
  *c = *r;
  c->subject = crm__strdup0(r->subject);
  c->body = crm__strdup0(r->body);
  c->external_ref = crm__strdup0(r->external_ref);
  c->in_reply_to = crm__strdup0(r->in_reply_to);
  g_ptr_array_add(payload, c);
  return 0;
}

static crm_status objects_from_rows(crm_db *db, GPtrArray *rows, GPtrArray *items)
{
  for (guint i = 0; i < rows->len; i++) {
    crm_interaction *ix = NULL;
    CRM__TRY(crm__interaction_new(&ix, db, g_ptr_array_index(rows, i)));
    g_ptr_array_add(items, ix);
  }
  return CRM_OK;
}

static void advance_key(timeline_state *ts, const crm_interaction *last)
{
  ts->before = crm_interaction_occurred_at(last);
  ts->before_id = crm_interaction_id(last);
  /* before 0 means "newest": nothing can come after occurred_at 0 */
  if (ts->before <= 0)
    ts->done = 1;
}

static crm_status fetch_timeline(crm__pager *p, unsigned int want, GPtrArray *items)
{
  timeline_state *ts = p->state;
  if (ts->done)
    return CRM_OK;
  GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
  crm_status st = CRM__OPS(p->db)->timeline(CRM__B(p->db), ts->customer, ts->case_id, ts->before,
                                            ts->before_id, want, copy_row, rows);
  if (st == CRM_OK)
    st = objects_from_rows(p->db, rows, items);
  g_ptr_array_unref(rows);
  if (st == CRM_OK && items->len > 0)
    advance_key(ts, g_ptr_array_index(items, items->len - 1));
  return st;
}

static crm_status check_query(const crm_timeline_query *q)
{
  crm_status st;
  if ((st = crm__check_version(q->version, CRM_TIMELINE_QUERY_VERSION, "crm_timeline_query")) !=
      CRM_OK)
    return st;
  if ((q->customer == 0) == (q->case_id == 0))
    return crm__error(CRM_EINVALID,
                      "set exactly one of customer (%lld) and case_id (%lld) in the timeline "
                      "query",
                      (long long)q->customer, (long long)q->case_id);
  if (q->customer < 0 || q->case_id < 0)
    return crm__check_id(q->customer < 0 ? q->customer : q->case_id,
                         q->customer < 0 ? "customer" : "case");
  if (q->before < 0)
    return crm__error(CRM_EINVALID, "before %lld must not be negative (0: from the newest)",
                      (long long)q->before);
  if (q->before_id < 0)
    return crm__error(CRM_EINVALID, "before_id %lld must not be negative", (long long)q->before_id);
  if (q->before_id > 0 && q->before == 0)
    return crm__error(CRM_EINVALID,
                      "before_id %lld needs before (the occurred_at of that interaction)",
                      (long long)q->before_id);
  return CRM_OK;
}

crm_status crm_timeline_iterator_new(crm_timeline_iterator **out, crm_db *db,
                                     const crm_timeline_query *q)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_ptr(q, "query")) != CRM_OK ||
      (st = check_query(q)) != CRM_OK)
    return st;
  st = q->customer ? crm__customer_exists(db, q->customer)
                   : crm__interaction_case_exists(db, q->case_id);
  if (st != CRM_OK)
    return st;
  timeline_state *ts = g_new0(timeline_state, 1);
  ts->customer = q->customer;
  ts->case_id = q->case_id;
  ts->before = q->before;
  ts->before_id = q->before_id;
  crm_timeline_iterator *it = g_new0(crm_timeline_iterator, 1);
  it->pager = crm__pager_new(db, fetch_timeline, (GDestroyNotify)crm_interaction_free, q->limit, ts,
                             g_free);
  crm__pager_filter(it->pager, crm__visible_interaction);
  *out = it;
  return CRM_OK;
}

crm_status crm_timeline_next(crm_interaction **out, crm_timeline_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_timeline_iterator_free(crm_timeline_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}
