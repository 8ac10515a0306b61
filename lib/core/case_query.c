/*
 * The agent's work list: cases matching a query, in ascending id order,
 * one indexed backend query per page (keyset paging on the id).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "internal.h"

/* The statuses a mask may name: bits 1..6. */
#define STATUS_MASK_ALL (((1u << (CRM_CASE_CLOSED + 1)) - 1) & ~1u)

struct crm_case_iterator {
  crm__pager *pager;
};

typedef struct {
  crm_case_query query; /* the caller's, with `tag` owned */
  char *tag;
  crm_id after_id; /* the last case handed out */
} query_state;

static void query_state_free(void *p)
{
  query_state *qs = p;
  g_free(qs->tag);
  g_free(qs);
}

crm_status crm_case_query_init(crm_case_query *query, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(query, "query")) != CRM_OK ||
      (st = crm__check_version(version, CRM_CASE_QUERY_VERSION, "crm_case_query")) != CRM_OK)
    return st;
  memset(query, 0, sizeof *query);
  query->version = version;
  return CRM_OK;
}

static crm_status check_filter_id(crm_id id, const char *what)
{
  if (id < 0)
    return crm__error(CRM_EINVALID, "%s %lld must not be negative (0: any)", what, (long long)id);
  return CRM_OK;
}

static crm_status check_query(const crm_case_query *q)
{
  crm_status st;
  if ((st = crm__check_version(q->version, CRM_CASE_QUERY_VERSION, "crm_case_query")) != CRM_OK ||
      (st = check_filter_id(q->customer, "customer")) != CRM_OK ||
      (st = check_filter_id(q->queue, "queue")) != CRM_OK ||
      (st = check_filter_id(q->assignee, "assignee")) != CRM_OK ||
      (st = check_filter_id(q->after_id, "after_id")) != CRM_OK ||
      (st = crm__check_enum((int)q->kind, 0, CRM_CASE_PROBLEM, "kind")) != CRM_OK ||
      (st = crm__check_text(q->tag, "tag", 0)) != CRM_OK)
    return st;
  if (q->status_mask & ~STATUS_MASK_ALL)
    return crm__error(CRM_EINVALID,
                      "status_mask 0x%x has bits that name no status (allowed: 0x%x, "
                      "(1u << status) for statuses 1..6)",
                      (unsigned)q->status_mask, (unsigned)STATUS_MASK_ALL);
  if (q->due_before < 0)
    return crm__error(CRM_EINVALID, "due_before %lld must not be negative (0: any)",
                      (long long)q->due_before);
  return CRM_OK;
}

static void case_row_free(void *row)
{
  crm_case_row_clear(row);
  g_free(row);
}

static int collect_row(const void *row, void *payload)
{
  crm_case_row *copy = g_new0(crm_case_row, 1);
  *copy = *(const crm_case_row *)row;
  copy->subject = crm__strdup0(copy->subject);
  copy->csat_comment = crm__strdup0(copy->csat_comment);
  g_ptr_array_add(payload, copy);
  return 0;
}

/* One page query; the tags of each case are read once it has finished
   (no backend call runs inside another's row callback). */
static crm_status fetch_cases(crm__pager *p, unsigned int want, GPtrArray *items)
{
  query_state *qs = p->state;
  GPtrArray *rows = g_ptr_array_new_with_free_func(case_row_free);
  crm_status st =
      CRM__OPS(p->db)->case_query(CRM__B(p->db), &qs->query, qs->after_id, want, collect_row, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
    crm_case *c = NULL;
    st = crm__case_from_row(&c, p->db, g_ptr_array_index(rows, i));
    if (st == CRM_OK)
      g_ptr_array_add(items, c);
  }
  if (st == CRM_OK && rows->len > 0)
    qs->after_id = ((crm_case_row *)g_ptr_array_index(rows, rows->len - 1))->id;
  g_ptr_array_unref(rows);
  return st;
}

/* ---- due_before: cases with a running SLA timer due before it ---------- */

static int collect_id(const void *row, void *payload)
{
  g_array_append_vals(payload, row, 1);
  return 0;
}

/* The other filters, applied by the core to a case the SLA index found
   (the tag once the case object holds its tags). */
static int due_case_matches(const crm_case_query *q, const crm_case_row *row)
{
  return !((q->customer && row->customer != q->customer) || (q->queue && row->queue != q->queue) ||
           (q->assignee && row->assignee != q->assignee) ||
           (q->kind && row->kind != (int)q->kind) ||
           (q->status_mask && !(q->status_mask & (1u << row->status))));
}

/* The case `id` as an object when it passes every filter, else NULL. */
static crm_status due_case(crm_case **out, crm__pager *p, const crm_case_query *q, crm_id id)
{
  *out = NULL;
  crm_case_row row;
  memset(&row, 0, sizeof row);
  crm_status st = CRM__OPS(p->db)->case_get(CRM__B(p->db), id, &row);
  if (st == CRM_OK && due_case_matches(q, &row))
    st = crm__case_from_row(out, p->db, &row);
  crm_case_row_clear(&row);
  if (st == CRM_OK && *out && q->tag && !crm_case_has_tag(*out, q->tag)) {
    crm_case_free(*out);
    *out = NULL;
  }
  return st;
}

/* Pages of case ids from the SLA index, filtered, until `want` cases or
   the index has no more. */
static crm_status fetch_due_cases(crm__pager *p, unsigned int want, GPtrArray *items)
{
  query_state *qs = p->state;
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st = CRM_OK;
  while (st == CRM_OK && items->len < want) {
    g_array_set_size(ids, 0);
    st = CRM__OPS(p->db)->sla_case_list_due(CRM__B(p->db), qs->query.due_before, qs->after_id, want,
                                            collect_id, ids);
    for (guint i = 0; st == CRM_OK && i < ids->len; i++) {
      crm_case *c = NULL;
      qs->after_id = g_array_index(ids, crm_id, i);
      st = due_case(&c, p, &qs->query, qs->after_id);
      if (c)
        g_ptr_array_add(items, c);
    }
    if (ids->len < want)
      break;
  }
  g_array_unref(ids);
  return st;
}

crm_status crm_case_iterator_new(crm_case_iterator **out, crm_db *db, const crm_case_query *query)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK)
    return st;
  crm_case_query every = CRM_CASE_QUERY_INIT;
  if (query == NULL)
    query = &every;
  if ((st = check_query(query)) != CRM_OK)
    return st;
  query_state *qs = g_new0(query_state, 1);
  qs->query = *query;
  qs->tag = g_strdup(query->tag);
  qs->query.tag = qs->tag;
  qs->after_id = query->after_id;
  crm_case_iterator *it = g_new0(crm_case_iterator, 1);
  it->pager = crm__pager_new(db, query->due_before ? fetch_due_cases : fetch_cases,
                             (GDestroyNotify)crm_case_free, query->limit, qs, query_state_free);
  crm__pager_filter(it->pager, crm__visible_case);
  *out = it;
  return CRM_OK;
}

crm_status crm_case_next(crm_case **out, crm_case_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_case_iterator_free(crm_case_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}
