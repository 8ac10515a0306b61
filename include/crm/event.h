/*
 * libcrm: the event feed. Every change appends one event in the same
 * transaction as the change; the feed is the audit log, the durable outbox
 * other tools consume (by sequence number, with named cursors), and the
 * source of in-process callbacks fired after commit (never for work that
 * was rolled back).
 *
 * Sequence numbers grow in commit order on every backend: a consumer that
 * remembers the last seq it handled and asks for events after it never
 * skips one.
 *
 * Kinds, their entity, and their JSON payload fields (ids are numbers,
 * enums are their names as given by crm_*_name, times are epoch seconds):
 *  - "customer.created" (customer): customer, display_name
 *  - "customer.updated" (customer): customer, version, changed (an object
 *    of the fields that changed, with their new values; null = cleared)
 *  - "customer.identity_added", "customer.identity_removed" (customer):
 *    customer, kind, value
 *  - "customer.attribute" (customer): customer, key, value (null: removed)
 *  - "customer.preference" (customer): customer, channel, purpose, allowed
 *  - "interaction.recorded" (interaction): interaction, customer, case
 *    (null: none), channel, direction, outcome (null: none), occurred_at,
 *    external_ref (null: none)
 *  - "interaction.moved" (interaction): interaction, from_case, to_case
 *  - "interaction.attribute" (interaction): interaction, key, value
 *  - "interaction.participant" (interaction): interaction, kind, value, role
 *  - "interaction.attachment" (interaction): interaction, attachment,
 *    filename, media_type, size, sha256
 *  - "case.created" (case): case, customer, subject, kind, priority, queue,
 *    assignee (null: none), follow_up_of (present for a follow-up case)
 *  - "case.status" (case): case, from, to, reopen (true when resolved ->
 *    open), auto (true when done by crm_tick or by an inbound contact)
 *  - "case.priority" (case): case, from, to
 *  - "case.assigned" (case): case, from_queue, from_agent, queue, agent
 *    (null: none), transfer (true when counted as a transfer)
 *  - "case.tagged", "case.untagged" (case): case, tag
 *  - "case.linked" (case, the from side): case, kind, to
 *  - "case.csat" (case): case, score, comment (null: none)
 *  - "queue.created" (queue): queue, name; "queue.skill" (queue): queue, skill
 *  - "agent.created" (agent): agent, name, email; "agent.skill" (agent):
 *    agent, skill; "agent.joined" (agent): agent, queue, role;
 *    "agent.left" (agent): agent, queue
 *  - "setting.changed" (setting, id 0): name, value
 *  - "sla.warning", "sla.breached" (case): case, metric (crm_sla_metric_name),
 *    cycle, policy, at (the warning / due instant, not when crm_tick saw
 *    it), due_at, target (business seconds); each once per cycle
 *  - "sla.policy" (sla_policy): policy, name, version, order
 *  - "calendar.saved" (calendar): calendar, name, version
 *  - "customer.merged", "customer.unmerged", "customer.erased" (customer):
 *    documented with crm_customer_merge, crm_customer_unmerge and
 *    crm_customer_erase in crm/customer.h; "customer.preference" also
 *    carries `source` when set with crm_customer_set_preference_ext
 *  - "incident.update" (customer), "incident.scope" (case): documented at
 *    the top of crm/incident.h
 *
 * Permissions (crm/db.h): on a handle opened with an actor,
 * crm_event_iterator_new skips the events of cases, interactions and
 * customers the agent cannot see (configuration events stay); subscribers
 * hear only this handle's own calls, and cursors hold no personal data, so
 * neither is checked.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_EVENT_H
#define CRM_EVENT_H

#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/**
 * Iterate the events with seq > after_seq, in seq order (0: from the start).
 * Events committed after the iterator was created are seen too, when it
 * reaches them.
 * @return CRM_OK; CRM_EINVALID (NULL, negative after_seq)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_event_iterator_new(crm_event_iterator **out, crm_db *db, int64_t after_seq);
/**
 * Next event (owned: free with crm_event_free).
 * @return CRM_OK; CRM_ITEROVER; CRM_EINVALID; storage errors
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_event_next(crm_event **out, crm_event_iterator *it);
CRM_EXTERN(void) crm_event_iterator_free(crm_event_iterator *it);

CRM_EXTERN(int64_t) crm_event_seq(const crm_event *ev);
CRM_EXTERN(crm_time) crm_event_time(const crm_event *ev);
CRM_EXTERN(crm_id) crm_event_actor(const crm_event *ev); /**< 0: the system */
CRM_EXTERN(const char *) crm_event_kind(const crm_event *ev);
CRM_EXTERN(const char *) crm_event_entity(const crm_event *ev);
CRM_EXTERN(crm_id) crm_event_entity_id(const crm_event *ev);
/** JSON object text; its fields per kind are listed above. */
CRM_EXTERN(const char *) crm_event_payload(const crm_event *ev);
/** A copy of an event (e.g. to keep one passed to a subscriber). NULL on ENOMEM. */
CRM_EXTERN(crm_event *) crm_event_dup(const crm_event *ev);
CRM_EXTERN(void) crm_event_free(crm_event *ev);

/**
 * Called after commit for each event whose kind starts with the
 * subscription's prefix. `ev` is borrowed for the call. Return non-zero to
 * unsubscribe. The callback may call libcrm on the same handle (its
 * changes are committed on their own, and their events delivered after).
 * @since 0.1
 */
typedef int (*crm_event_fn)(const crm_event *ev, void *payload);

/**
 * Subscribe to this handle's events (changes made through other handles
 * are read from the feed, not called back).
 * @param kind_prefix "case." or "case.status" or "" for every event
 * @return CRM_OK; CRM_EINVALID (NULL argument, bad UTF-8)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_subscribe(int *out_token, crm_db *db, const char *kind_prefix, crm_event_fn cb, void *payload);
/** @return CRM_OK; CRM_EINVALID (NULL db); CRM_ENOTFOUND (unknown token). @since 0.1 */
CRM_EXTERN(crm_status) crm_unsubscribe(crm_db *db, int token);

/**
 * A named consumer's position in the feed (0 for a consumer never set).
 * @return CRM_OK; CRM_EINVALID (NULL, empty name, bad UTF-8)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_event_cursor_get(int64_t *out_seq, crm_db *db, const char *consumer);
/**
 * Store a named consumer's position.
 * @return CRM_OK; CRM_EINVALID (NULL, empty name, bad UTF-8, negative seq)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_event_cursor_set(crm_db *db, const char *consumer, int64_t seq);

CRM_END_DECL

#endif
