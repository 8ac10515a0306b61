/*
 * Roles and per-queue permissions: may the handle's actor do an action on
 * a case, an interaction, a customer, a queue or the configuration? The
 * rules are documented in include/crm/db.h ("Permissions").
 *
 * The actor's memberships are read once and cached on the handle: inside
 * crm_begin for the whole transaction, otherwise for one call (a write
 * call drops the cache when it begins; a read call outside a transaction
 * reads them again, an iterator once per page), and this handle's
 * crm_agent_join / crm_agent_leave drop it at once.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "customer_internal.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* the cached memberships                                               */

void crm__perm_invalidate(crm_db *db)
{
  if (db)
    db->perm_valid = 0;
}

void crm__perm_free(crm_db *db)
{
  if (db && db->perm_members) {
    g_array_unref(db->perm_members);
    db->perm_members = NULL;
  }
  if (db)
    db->perm_valid = 0;
}

static int collect_member(const void *row, void *payload)
{
  g_array_append_vals(payload, row, 1);
  return 0;
}

static crm_status load(crm_db *db)
{
  int in_scope = db->explicit_txn || db->call_depth > 0 || db->perm_pinned > 0;
  if (db->perm_valid && in_scope)
    return CRM_OK;
  if (db->perm_members == NULL)
    db->perm_members = g_array_new(FALSE, TRUE, sizeof(crm_member_row));
  g_array_set_size(db->perm_members, 0);
  crm_status st =
      CRM__OPS(db)->member_list(CRM__B(db), db->actor, collect_member, db->perm_members);
  if (st != CRM_OK)
    return st;
  db->perm_admin = db->perm_supervisor = 0;
  for (guint i = 0; i < db->perm_members->len; i++) {
    int role = g_array_index(db->perm_members, crm_member_row, i).role;
    db->perm_admin |= role == CRM_ROLE_ADMIN;
    db->perm_supervisor |= role >= CRM_ROLE_SUPERVISOR;
  }
  db->perm_valid = in_scope;
  return CRM_OK;
}

/* The actor's role in `queue` (0: not a member); admins have ADMIN everywhere. */
static int role_in(crm_db *db, crm_id queue)
{
  if (db->perm_admin)
    return CRM_ROLE_ADMIN;
  for (guint i = 0; i < db->perm_members->len; i++) {
    const crm_member_row *m = &g_array_index(db->perm_members, crm_member_row, i);
    if (m->queue == queue)
      return m->role;
  }
  return 0;
}

/* May the actor do something needing `need` on an object of `queue` (0: none)? */
static int allowed(crm_db *db, crm_id queue, crm_role_t need)
{
  if (queue == 0)
    return need <= CRM_ROLE_AGENT || (need == CRM_ROLE_SUPERVISOR && db->perm_supervisor) ||
           db->perm_admin;
  return role_in(db, queue) >= (int)need;
}

crm_status crm__actor_check(crm_db *db)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  crm_party_row row;
  memset(&row, 0, sizeof row);
  crm_status st = CRM__OPS(db)->agent_get(CRM__B(db), db->actor, &row);
  crm_party_row_clear(&row);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND,
                      "actor %lld is not an agent of this database (open it with actor 0, "
                      "the system, to create agents)",
                      (long long)db->actor);
  return st;
}

/* ------------------------------------------------------------------ */
/* refusals                                                             */

/* "queue 3 (Billing)", or "no queue". */
static char *queue_label(crm_db *db, crm_id queue)
{
  if (queue == 0)
    return g_strdup("no queue");
  crm_party_row row;
  memset(&row, 0, sizeof row);
  char *label = CRM__OPS(db)->queue_get(CRM__B(db), queue, &row) == CRM_OK
                    ? g_strdup_printf("queue %lld (%s)", (long long)queue, row.name)
                    : g_strdup_printf("queue %lld", (long long)queue);
  crm_party_row_clear(&row);
  return label;
}

static const char *need_name(crm_role_t need)
{
  return crm_role_name(need);
}

static crm_status refuse_in_queue(crm_db *db, const char *action, const char *object, crm_id id,
                                  crm_id queue, crm_role_t need)
{
  char *where = queue_label(db, queue);
  int has = queue ? role_in(db, queue) : 0;
  crm_status st = crm__error(
      CRM_EPERM, "agent %lld may not %s %s %lld in %s (needs role %s there; agent %lld has %s)",
      (long long)db->actor, action, object, (long long)id, where, need_name(need),
      (long long)db->actor, has ? crm_role_name((crm_role_t)has) : "no role");
  g_free(where);
  return st;
}

/* ------------------------------------------------------------------ */
/* checks                                                               */

crm_status crm__perm_admin(crm_db *db, const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  CRM__TRY(load(db));
  if (db->perm_admin)
    return CRM_OK;
  return crm__error(CRM_EPERM,
                    "agent %lld may not %s (needs role admin in some queue; agent %lld is "
                    "admin of no queue)",
                    (long long)db->actor, action, (long long)db->actor);
}

crm_status crm__perm_queue(crm_db *db, crm_id queue, crm_role_t need, const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  CRM__TRY(load(db));
  if (allowed(db, queue, need))
    return CRM_OK;
  char *where = queue_label(db, queue);
  int has = queue ? role_in(db, queue) : 0;
  crm_status st =
      crm__error(CRM_EPERM, "agent %lld may not %s in %s (needs role %s there; agent %lld has %s)",
                 (long long)db->actor, action, where, need_name(need), (long long)db->actor,
                 has ? crm_role_name((crm_role_t)has) : "no role");
  g_free(where);
  return st;
}

crm_status crm__perm_sees_queue(int *yes, crm_db *db, crm_id queue)
{
  *yes = 1;
  if (crm__perm_trusted(db))
    return CRM_OK;
  CRM__TRY(load(db));
  *yes = allowed(db, queue, CRM_ROLE_AGENT);
  return CRM_OK;
}

crm_status crm__perm_case_row(crm_db *db, const crm_case_row *row, crm_role_t need,
                              const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  CRM__TRY(load(db));
  if (allowed(db, row->queue, need))
    return CRM_OK;
  return refuse_in_queue(db, action, "case", row->id, row->queue, need);
}

crm_status crm__perm_case(crm_db *db, crm_id case_id, crm_role_t need, const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  crm_case_row row;
  memset(&row, 0, sizeof row);
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), case_id, &row);
  if (st == CRM_OK)
    st = crm__perm_case_row(db, &row, need, action);
  else if (st == CRM_ENOTFOUND)
    st = CRM_OK; /* the call itself names the missing case */
  crm_case_row_clear(&row);
  return st;
}

crm_status crm__perm_interaction_row(crm_db *db, const crm_interaction_row *row, crm_role_t need,
                                     const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  if (row->case_id != 0)
    return crm__perm_case(db, row->case_id, need, action);
  return crm__perm_customer(db, row->customer, action);
}

crm_status crm__perm_interaction(crm_db *db, crm_id interaction, crm_role_t need,
                                 const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  crm_interaction_row row;
  memset(&row, 0, sizeof row);
  crm_status st = CRM__OPS(db)->interaction_get(CRM__B(db), interaction, &row);
  if (st == CRM_OK)
    st = crm__perm_interaction_row(db, &row, need, action);
  else if (st == CRM_ENOTFOUND)
    st = CRM_OK;
  crm_interaction_row_clear(&row);
  return st;
}

crm_status crm__perm_sees_interaction_row(int *yes, crm_db *db, const crm_interaction_row *row)
{
  *yes = 1;
  if (crm__perm_trusted(db))
    return CRM_OK;
  if (row->case_id == 0)
    return crm__perm_sees_customer(yes, db, row->customer);
  crm_case_row c;
  memset(&c, 0, sizeof c);
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), row->case_id, &c);
  if (st == CRM_OK)
    st = crm__perm_sees_queue(yes, db, c.queue);
  else if (st == CRM_ENOTFOUND) {
    *yes = 0;
    st = CRM_OK;
  }
  crm_case_row_clear(&c);
  return st;
}

/* ------------------------------------------------------------------ */
/* customers                                                            */

typedef struct {
  crm_db *db;
  int any, visible;
  crm_id last;
} customer_scan;

static int scan_case(const void *row, void *payload)
{
  const crm_case_row *c = row;
  customer_scan *s = payload;
  s->any = 1;
  s->last = c->id;
  s->visible = allowed(s->db, c->queue, CRM_ROLE_AGENT);
  return s->visible;
}

crm_status crm__perm_sees_customer(int *yes, crm_db *db, crm_id customer)
{
  *yes = 1;
  if (crm__perm_trusted(db))
    return CRM_OK;
  CRM__TRY(load(db));
  if (db->perm_admin)
    return CRM_OK;
  /* a merged customer is seen as its survivor; a missing one passes (the
     call names it) */
  crm_status st = crm__customer_resolve(&customer, db, customer);
  if (st == CRM_ENOTFOUND)
    return CRM_OK;
  CRM__TRY(st);
  /* the customer's cases, a page at a time, until one is visible */
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.customer = customer;
  customer_scan s = {db, 0, 0, 0};
  for (;;) {
    crm_id before = s.last;
    st = CRM__OPS(db)->case_query(CRM__B(db), &q, s.last, CRM__PAGE_SIZE, scan_case, &s);
    if (st != CRM_OK && !(st == CRM_EUSER && s.visible))
      return st;
    if (s.visible || s.last == before)
      break;
  }
  /* a customer without cases belongs to no queue: every agent sees them */
  *yes = s.visible || !s.any;
  return CRM_OK;
}

crm_status crm__perm_customer(crm_db *db, crm_id customer, const char *action)
{
  if (crm__perm_trusted(db))
    return CRM_OK;
  int yes = 0;
  CRM__TRY(crm__perm_sees_customer(&yes, db, customer));
  if (yes)
    return CRM_OK;
  return crm__error(CRM_EPERM,
                    "agent %lld may not %s customer %lld (none of their cases is in a queue of "
                    "agent %lld or without a queue)",
                    (long long)db->actor, action, (long long)customer, (long long)db->actor);
}

/* ------------------------------------------------------------------ */
/* iterator items                                                       */

crm_status crm__visible_case(int *yes, crm_db *db, const void *item)
{
  return crm__perm_sees_queue(yes, db, crm_case_queue(item));
}

crm_status crm__visible_interaction(int *yes, crm_db *db, const void *item)
{
  crm_interaction_row row = {0};
  row.case_id = crm_interaction_case(item);
  row.customer = crm_interaction_customer(item);
  return crm__perm_sees_interaction_row(yes, db, &row);
}

crm_status crm__visible_sla_timer(int *yes, crm_db *db, const void *item)
{
  crm_interaction_row row = {0};
  row.case_id = crm_sla_timer_case(item);
  return crm__perm_sees_interaction_row(yes, db, &row);
}

crm_status crm__visible_duplicate(int *yes, crm_db *db, const void *item)
{
  return crm__perm_sees_customer(yes, db, crm_duplicate_customer(item));
}

crm_status crm__visible_event(int *yes, crm_db *db, const void *item)
{
  *yes = 1;
  const char *entity = crm_event_entity(item);
  crm_id id = crm_event_entity_id(item);
  if (crm__perm_trusted(db) || entity == NULL || id == 0)
    return CRM_OK;
  crm_interaction_row row = {0};
  if (strcmp(entity, "case") == 0) {
    row.case_id = id;
    return crm__perm_sees_interaction_row(yes, db, &row);
  }
  if (strcmp(entity, "customer") == 0)
    return crm__perm_sees_customer(yes, db, id);
  if (strcmp(entity, "interaction") == 0) {
    crm_status st = CRM__OPS(db)->interaction_get(CRM__B(db), id, &row);
    if (st == CRM_OK)
      st = crm__perm_sees_interaction_row(yes, db, &row);
    crm_interaction_row_clear(&row);
    return st == CRM_ENOTFOUND ? CRM_OK : st;
  }
  return CRM_OK;
}
