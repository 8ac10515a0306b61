/*
 * Internals of the customer lifecycle shared by customer.c, identity.c,
 * preference.c and the customer_*.c files: merged ids, duplicate keys,
 * and the small JSON/row helpers merge, export and erasure share.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CORE_CUSTOMER_INTERNAL_H
#define CRM_CORE_CUSTOMER_INTERNAL_H

#include "internal.h"

/*
 * The customer a (possibly merged) id stands for today: `id` itself, or
 * the survivor of the merges it went through (customer_merge.c).
 * CRM_ENOTFOUND names an unknown id.
 */
crm_status crm__customer_resolve(crm_id *out, crm_db *db, crm_id id);

/* CRM_ENOTFOUND naming the survivor: a merged customer cannot change. */
crm_status crm__customer_merged_error(crm_db *db, crm_id merged);

/*
 * Inside the caller's write: recompute the customer's duplicate keys from
 * its identities, name and organisation (customer_duplicates.c). Merged
 * and erased customers have none.
 */
crm_status crm__customer_keys_refresh(crm_db *db, crm_id customer);
/* The same after the customer gained one identity: its keys are the old
   ones and this identity's, so nothing is read or written when the
   identity makes no key (most addresses and numbers do not). */
crm_status crm__customer_keys_added(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                                    const char *value);

/* Read a customer row; CRM_ENOTFOUND names the id (customer_merge.c). */
crm_status crm__customer_row(crm_db *db, crm_id id, crm_customer_row *row);

/* Every id a list slot of owned rows returns, in order (customer_merge.c). */
crm_status crm__owned_ids(GArray **out, crm_db *db, crm_owned_t what, crm_id customer);

/* Collectors for list slots: append copies to a GPtrArray (customer_merge.c).
   The arrays free their items with the matching free functions below. */
int crm__collect_preference(const void *row, void *payload);
int crm__collect_attribute(const void *row, void *payload);
int crm__collect_merge(const void *row, void *payload);
int crm__collect_event(const void *row, void *payload);
void crm__preference_row_free(void *row);
void crm__attribute_row_free(void *row);
void crm__merge_row_free(void *row);
void crm__event_row_free(void *row);

#endif
