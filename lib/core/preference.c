/*
 * Contact preferences: may the customer be contacted on a channel for a
 * purpose? Absent a recorded "no", yes; an erased customer never.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

void crm_preference_row_clear(crm_preference_row *row)
{
  if (row == NULL)
    return;
  free(row->purpose);
  free(row->source);
  memset(row, 0, sizeof *row);
}

static crm_status check_preference_args(crm_db *db, crm_id customer, crm_channel_t channel,
                                        const char *purpose)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK ||
      (st = crm__check_enum((int)channel, CRM_CHANNEL_EMAIL, CRM_CHANNEL_MAX, "channel")) !=
          CRM_OK ||
      (st = crm__check_text(purpose, "purpose", 1)) != CRM_OK)
    return st;
  return CRM_OK;
}

/* CRM_EINVALID for an erased customer: nothing is recorded about them any more. */
static crm_status check_not_erased(crm_db *db, crm_id customer)
{
  crm_customer_row row = {0};
  CRM__TRY(crm__customer_row(db, customer, &row));
  int erased = row.status == CRM_CUSTOMER_ERASED;
  crm_customer_row_clear(&row);
  if (erased)
    return crm__error(CRM_EINVALID, "customer %lld was erased and cannot be changed",
                      (long long)customer);
  return CRM_OK;
}

static crm_status set_preference_locked(crm_db *db, const crm_preference_row *p)
{
  CRM__TRY(crm__customer_exists(db, p->customer));
  CRM__TRY(check_not_erased(db, p->customer));
  CRM__TRY(CRM__OPS(db)->preference_put(CRM__B(db), p));
  CRM__TRY(crm__customer_touch(db, p->customer));
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "customer", p->customer);
  crm__json_set_str(o, "channel", crm_channel_name((crm_channel_t)p->channel));
  crm__json_set_str(o, "purpose", p->purpose);
  json_object_set_boolean_member(o, "allowed", p->allowed);
  crm__json_set_str(o, "source", p->source);
  return crm__event_emit(db, "customer.preference", "customer", p->customer, o);
}

crm_status crm_customer_set_preference_ext(crm_db *db, crm_id customer, crm_channel_t channel,
                                           const char *purpose, int allowed, const char *source)
{
  crm_status st = check_preference_args(db, customer, channel, purpose);
  if (st != CRM_OK || (st = crm__check_text(source, "source", 0)) != CRM_OK)
    return st;
  /* Recording the same answer again is kept (and announced): it renews
     the consent's date, which the mailing tool may need. */
  crm_preference_row p = {customer,        (int)channel,   (char *)purpose,
                          allowed ? 1 : 0, (char *)source, crm_now(db)};
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_customer(db, customer, "change the contact preferences of");
  if (st == CRM_OK)
    st = set_preference_locked(db, &p);
  return crm__write_end(db, st);
}

crm_status crm_customer_set_preference(crm_db *db, crm_id customer, crm_channel_t channel,
                                       const char *purpose, int allowed)
{
  return crm_customer_set_preference_ext(db, customer, channel, purpose, allowed, NULL);
}

crm_status crm_customer_may_contact(int *out_allowed, crm_db *db, crm_id customer,
                                    crm_channel_t channel, const char *purpose)
{
  crm_status st;
  if ((st = crm__check_ptr(out_allowed, "out_allowed")) != CRM_OK)
    return st;
  *out_allowed = 0;
  if ((st = check_preference_args(db, customer, channel, purpose)) != CRM_OK ||
      (st = crm__customer_resolve(&customer, db, customer)) != CRM_OK ||
      (st = crm__perm_customer(db, customer, "read the contact preferences of")) != CRM_OK)
    return st; /* a merged customer answers with its survivor's preferences */
  crm_customer_row row = {0};
  st = CRM__OPS(db)->customer_get(CRM__B(db), customer, &row);
  int erased = row.status == CRM_CUSTOMER_ERASED;
  crm_customer_row_clear(&row);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "customer %lld does not exist", (long long)customer);
  if (st != CRM_OK)
    return st;
  if (erased)
    return CRM_OK;
  int allowed = 1;
  st = CRM__OPS(db)->preference_get(CRM__B(db), customer, (int)channel, purpose, &allowed);
  if (st == CRM_ENOTFOUND)
    allowed = 1;
  else if (st != CRM_OK)
    return st;
  *out_allowed = allowed ? 1 : 0;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the preference object and iterator                                   */

struct crm_preference {
  crm_preference_row row;
};

struct crm_preference_iterator {
  crm__pager *pager;
};

void crm_preference_free(crm_preference *p)
{
  if (p == NULL)
    return;
  crm_preference_row_clear(&p->row);
  g_free(p);
}

crm_channel_t crm_preference_channel(const crm_preference *p)
{
  return p ? (crm_channel_t)p->row.channel : (crm_channel_t)0;
}

const char *crm_preference_purpose(const crm_preference *p)
{
  return p ? p->row.purpose : NULL;
}

int crm_preference_allowed(const crm_preference *p)
{
  return p ? p->row.allowed != 0 : 0;
}

const char *crm_preference_source(const crm_preference *p)
{
  return p ? p->row.source : NULL;
}

crm_time crm_preference_updated_at(const crm_preference *p)
{
  return p ? p->row.updated_at : 0;
}

static int collect_preference(const void *row, void *payload)
{
  const crm_preference_row *r = row;
  crm_preference *p = g_new0(crm_preference, 1);
  p->row = *r;
  p->row.purpose = crm__strdup0(r->purpose);
  p->row.source = crm__strdup0(r->source);
  g_ptr_array_add(payload, p);
  return 0;
}

typedef struct {
  crm_id customer;
  int done;
} preference_list_state;

static crm_status fetch_preferences(crm__pager *p, unsigned int want, GPtrArray *items)
{
  (void)want; /* a customer has a handful of preferences: one page holds them */
  preference_list_state *s = p->state;
  if (s->done)
    return CRM_OK;
  crm_status st =
      CRM__OPS(p->db)->preference_list(CRM__B(p->db), s->customer, collect_preference, items);
  if (st == CRM_OK)
    s->done = 1;
  return st;
}

crm_status crm_preference_iterator_new(crm_preference_iterator **out, crm_db *db, crm_id customer)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK ||
      (st = crm__customer_resolve(&customer, db, customer)) != CRM_OK ||
      (st = crm__perm_customer(db, customer, "read the contact preferences of")) != CRM_OK)
    return st;
  preference_list_state *s = g_new0(preference_list_state, 1);
  s->customer = customer;
  crm_preference_iterator *it = g_new0(crm_preference_iterator, 1);
  it->pager =
      crm__pager_new(db, fetch_preferences, (GDestroyNotify)crm_preference_free, 0, s, g_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_preference_next(crm_preference **out, crm_preference_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_preference_iterator_free(crm_preference_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}
