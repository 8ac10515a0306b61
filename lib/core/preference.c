/*
 * Contact preferences: may the customer be contacted on a channel for a
 * purpose? Absent a recorded "no", yes; an erased customer never.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

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

static crm_status set_preference_locked(crm_db *db, crm_id customer, crm_channel_t channel,
                                        const char *purpose, int allowed)
{
  CRM__TRY(crm__customer_exists(db, customer));
  CRM__TRY(CRM__OPS(db)->preference_set(CRM__B(db), customer, (int)channel, purpose, allowed,
                                        crm_now(db)));
  CRM__TRY(crm__customer_touch(db, customer));
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "customer", customer);
  crm__json_set_str(o, "channel", crm_channel_name(channel));
  crm__json_set_str(o, "purpose", purpose);
  json_object_set_boolean_member(o, "allowed", allowed);
  return crm__event_emit(db, "customer.preference", "customer", customer, o);
}

crm_status crm_customer_set_preference(crm_db *db, crm_id customer, crm_channel_t channel,
                                       const char *purpose, int allowed)
{
  crm_status st = check_preference_args(db, customer, channel, purpose);
  if (st != CRM_OK)
    return st;
  /* Recording the same answer again is kept (and announced): it renews
     the consent's date, which the mailing tool may need. */
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = set_preference_locked(db, customer, channel, purpose, allowed ? 1 : 0);
  return crm__write_end(db, st);
}

crm_status crm_customer_may_contact(int *out_allowed, crm_db *db, crm_id customer,
                                    crm_channel_t channel, const char *purpose)
{
  crm_status st;
  if ((st = crm__check_ptr(out_allowed, "out_allowed")) != CRM_OK)
    return st;
  *out_allowed = 0;
  if ((st = check_preference_args(db, customer, channel, purpose)) != CRM_OK)
    return st;
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
