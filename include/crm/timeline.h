/*
 * libcrm: the timeline, a customer's or a case's interactions across every
 * channel and case, newest first.
 *
 * Permissions (crm/db.h): on a handle opened with an actor, the timeline
 * skips interactions the agent cannot see (those of cases outside the
 * agent's queues).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TIMELINE_H
#define CRM_TIMELINE_H

#include "common.h"
#include "interaction.h"
#include "types.h"

CRM_BEGIN_DECL

/**
 * Which timeline. Set exactly one of customer / case_id. Interactions come
 * ordered by (occurred_at, id), newest first. To get the next page, pass the
 * last interaction's occurred_at and id as before / before_id (keyset
 * paging: an interaction recorded meanwhile never shifts a page).
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  crm_id customer, case_id; /**< one of them */
  crm_time before;          /**< 0: start from the newest */
  crm_id before_id;         /**< with before: continue after this interaction */
  unsigned int limit;       /**< 0: no limit */
} crm_timeline_query;

#define CRM_TIMELINE_QUERY_VERSION 1
#define CRM_TIMELINE_QUERY_INIT    CRM_STRUCT_INIT(CRM_TIMELINE_QUERY_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL query or unknown version). @since 0.1 */
CRM_EXTERN(crm_status) crm_timeline_query_init(crm_timeline_query *q, unsigned int version);

/**
 * Start a timeline.
 * @return CRM_OK; CRM_EINVALID (both or neither of customer/case_id,
 *         negative before); CRM_ENOTFOUND (customer or case unknown)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_timeline_iterator_new(crm_timeline_iterator **out, crm_db *db, const crm_timeline_query *q);
/**
 * Next interaction (owned: free with crm_interaction_free).
 * @return CRM_OK; CRM_ITEROVER; CRM_EINVALID; storage errors
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_timeline_next(crm_interaction **out, crm_timeline_iterator *it);
CRM_EXTERN(void) crm_timeline_iterator_free(crm_timeline_iterator *it);

CRM_END_DECL

#endif
