/*
 * libcrm: incidents and mass outages.
 *
 * An incident is a case of kind CRM_CASE_INCIDENT (crm_case_open). The
 * customer cases it causes are attached to it: each is linked caused_by
 * the incident (crm_case_link), so crm_link_iterator_new on either side
 * shows the link. An incident may carry an affected scope: free key/value
 * entries (an area code, a product, a service id) compared with the
 * customers' attributes (crm_customer_set_attribute), so the agent who
 * takes a call sees at once the open incidents that cover the caller.
 *
 * "Open" means any status but resolved and closed.
 *
 * Updates reach the customers through their cases: each is recorded as a
 * public (outbound) interaction on channel web, by the handle's actor,
 * with the incident's subject, filed into every linked case (so it
 * fulfils their next-response and periodic-update clocks) and into the
 * incident itself (its own periodic-update clock).
 *
 * Events, besides those of the interactions and status changes:
 *  - "incident.update" (customer): one per affected customer and call, for
 *    proactive notification: incident, customer, cases (the customer's
 *    linked case ids that received the note), resolved_cases (those this
 *    call resolved; [] for crm_incident_update), note, resolved (true when
 *    sent by crm_incident_resolve)
 *  - "incident.scope" (case, the incident): incident, key, value (null:
 *    removed)
 *
 * Permissions (crm/db.h): on a handle opened with an actor,
 * crm_incident_attach needs the rights of both cases, crm_incident_set_scope
 * and crm_incident_scope_get those of the incident, crm_incident_update and
 * crm_incident_resolve the supervisor role in the incident's queue (the
 * note then reaches linked cases of every queue); otherwise CRM_EPERM,
 * writing nothing. crm_incident_match needs the customer visible and skips
 * incidents the agent cannot see (keep incidents without a queue to show
 * them to every agent).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_INCIDENT_H
#define CRM_INCIDENT_H

#include "buffer.h"
#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** Iterator over matching incidents. @since 0.1 */
typedef struct crm_incident_iterator crm_incident_iterator;

/**
 * Attach a customer case to an incident: link `case_id` caused_by
 * `incident` (appends "case.linked"; the same attachment again is a no-op).
 * @return CRM_OK; CRM_EINVALID (bad id, case_id == incident, `incident` is
 *         not of kind incident or is resolved or closed); CRM_ENOTFOUND
 *         (either case)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_incident_attach(crm_db *db, crm_id incident, crm_id case_id);

/**
 * Set one entry of an incident's affected scope (value NULL removes it).
 * A customer is covered by an open incident when every entry of the
 * incident's scope equals the customer's attribute of the same key; an
 * incident without scope covers nobody. Changing the scope adds 1 to the
 * incident's version; setting the value it has, or removing an entry it
 * does not have, is a no-op.
 * @return CRM_OK; CRM_EINVALID (NULL or empty key, bad UTF-8, not an
 *         incident); CRM_ENOTFOUND (no such case). Appends
 *         "incident.scope".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_incident_set_scope(crm_db *db, crm_id incident, const char *key, const char *value);

/**
 * Read one entry of an incident's scope into `out` (dispose with
 * crm_buf_dispose).
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such incident, or no
 *         such entry)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_incident_scope_get(crm_buf *out, crm_db *db, crm_id incident, const char *key);

/**
 * Iterate the open incidents that cover `customer`, by ascending id: each
 * page is one query driven by the customer's attributes through an index
 * on the scope entries, never a scan of the cases.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such customer)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_incident_match(crm_incident_iterator **out, crm_db *db, crm_id customer);
/** The next incident (owned: free with crm_case_free).
    @return CRM_OK; CRM_ITEROVER; CRM_EINVALID; storage errors. @since 0.1 */
CRM_EXTERN(crm_status) crm_incident_next(crm_case **out, crm_incident_iterator *it);
CRM_EXTERN(void) crm_incident_iterator_free(crm_incident_iterator *it);

/**
 * Publish an update of an open incident: `public_note` is recorded once on
 * the incident and once on every linked case, in one transaction, and one
 * "incident.update" is appended per affected customer.
 * @return CRM_OK; CRM_EINVALID (NULL or empty note, bad UTF-8, not an
 *         incident, the incident is resolved or closed); CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_incident_update(crm_db *db, crm_id incident, const char *public_note);

/**
 * Resolve an open incident, in one transaction: the incident moves to
 * resolved; `public_note` is recorded as a public update on the incident
 * and on every linked case; each linked case that is not resolved or
 * closed and is not caused_by another open incident is resolved (the
 * others get the update only, and are resolved when their last incident
 * is). One "incident.update" (resolved: true) per affected customer.
 * Works through the linked cases a page at a time (any number of them).
 * @param out_affected receives the number of linked cases that got the note
 * @return CRM_OK; CRM_EINVALID (NULL or empty note, bad UTF-8, not an
 *         incident, the incident is already resolved or closed);
 *         CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_incident_resolve(size_t *out_affected, crm_db *db, crm_id incident, const char *public_note);

CRM_END_DECL

#endif
