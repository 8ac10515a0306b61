/*
 * One paged-iterator engine behind every crm_*_iterator: fetch a page
 * (one indexed query), hand out its items, fetch the next.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

crm__pager *crm__pager_new(crm_db *db, crm__page_fn fetch, GDestroyNotify free_item,
                           unsigned int limit, void *state, GDestroyNotify free_state)
{
  crm__pager *p = g_new0(crm__pager, 1);
  p->db = crm__db_ref(db);
  p->fetch = fetch;
  p->free_item = free_item;
  p->items = g_ptr_array_new_with_free_func(free_item);
  p->limit = limit;
  p->state = state;
  p->free_state = free_state;
  return p;
}

void crm__pager_filter(crm__pager *p, crm__visible_fn visible)
{
  p->visible = p->db->actor != 0 ? visible : NULL;
}

/* Drop the items of the page the actor may not see. */
static crm_status filter_page(crm__pager *p)
{
  guint kept = 0;
  crm_status st = CRM_OK;
  crm__perm_invalidate(p->db); /* read the memberships once for the page */
  p->db->perm_pinned++;
  for (guint i = 0; i < p->items->len && st == CRM_OK; i++) {
    void *item = g_ptr_array_index(p->items, i);
    int yes = 0;
    st = p->visible(&yes, p->db, item);
    if (st != CRM_OK)
      break;
    g_ptr_array_index(p->items, i) = NULL;
    if (yes)
      g_ptr_array_index(p->items, kept++) = item;
    else
      p->free_item(item);
  }
  p->db->perm_pinned--;
  if (st != CRM_OK)
    return st;
  g_ptr_array_set_size(p->items, kept);
  return CRM_OK;
}

crm_status crm__pager_next(void **out, crm__pager *p)
{
  if (out)
    *out = NULL;
  if (out == NULL || p == NULL)
    return crm__error(CRM_EINVALID, "iterator and out must not be NULL");
  if (p->limit && p->yielded >= p->limit)
    return CRM_ITEROVER;
  if (p->pos >= p->items->len) {
    crm_status st = crm__db_check(p->db);
    if (st != CRM_OK)
      return st;
    g_ptr_array_set_size(p->items, 0);
    p->pos = 0;
    unsigned int want = CRM__PAGE_SIZE;
    if (p->limit && p->limit - p->yielded < want)
      want = p->limit - p->yielded;
    do {
      st = p->fetch(p, want, p->items);
      if (st == CRM_OK && p->items->len == 0)
        return CRM_ITEROVER;
      if (st == CRM_OK && p->visible)
        st = filter_page(p);
    } while (st == CRM_OK && p->items->len == 0);
    if (st != CRM_OK) {
      g_ptr_array_set_size(p->items, 0);
      return st;
    }
  }
  /* Hand the item over without freeing it. */
  *out = g_ptr_array_index(p->items, p->pos);
  g_ptr_array_index(p->items, p->pos) = NULL;
  p->pos++;
  p->yielded++;
  return CRM_OK;
}

void crm__pager_free(crm__pager *p)
{
  if (p == NULL)
    return;
  g_ptr_array_unref(p->items); /* free_item accepts the NULLs of handed-out slots */
  if (p->free_state)
    p->free_state(p->state);
  crm__db_unref(p->db);
  g_free(p);
}
