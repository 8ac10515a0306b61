/*
 * libcrm: cases, their state machine, assignment, tags, links and CSAT.
 *
 * State machine (any other move is CRM_EINVALID naming both states):
 *   new       -> open | pending_customer | pending_third_party | resolved
 *   open      -> pending_customer | pending_third_party | resolved
 *   pending_* -> open | the other pending_* | resolved
 *   resolved  -> open (a reopen: reopen_count + 1) | closed
 *   closed    -> nothing (a new inbound contact opens a follow-up case)
 * Setting the current status again is a no-op: no event, no new version.
 *
 * Versions: a case starts at version 1; every committed change to it (a
 * field, a counter, an interaction filed into it, a tag, a link from it)
 * adds 1. `expected_version` 0 means "any"; another value that is not the
 * current version fails with CRM_ECONFLICT and changes nothing.
 *
 * On a handle opened with an actor (crm/db.h, "Permissions"), every
 * call on a case returns CRM_EPERM, writing nothing, unless the agent is a
 * member of the case's queue (or the case has none): crm_case_lookup,
 * crm_case_set_status, crm_case_tag / _untag, crm_case_link (both cases),
 * crm_case_set_csat, crm_link_iterator_new; crm_case_open needs a
 * membership of spec.queue (supervisor to open it for another agent);
 * crm_case_set_priority needs the supervisor role; crm_case_assign needs
 * the supervisor role in the case's queue and in the new one, except that
 * an agent may take a case of their queue and anyone may assign a case
 * without a queue. crm_case_iterator_new skips the cases the agent cannot
 * see.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CASE_H
#define CRM_CASE_H

#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** Case status. @since 0.1 */
typedef enum {
  CRM_CASE_NEW = 1,
  CRM_CASE_OPEN,
  CRM_CASE_PENDING_CUSTOMER,
  CRM_CASE_PENDING_THIRD_PARTY,
  CRM_CASE_RESOLVED,
  CRM_CASE_CLOSED
} crm_case_status_t;

/** Case priority. @since 0.1 */
typedef enum {
  CRM_PRIORITY_LOW = 1,
  CRM_PRIORITY_NORMAL,
  CRM_PRIORITY_HIGH,
  CRM_PRIORITY_URGENT
} crm_priority_t;

/** Case kind. @since 0.1 */
typedef enum { CRM_CASE_REQUEST = 1, CRM_CASE_INCIDENT, CRM_CASE_PROBLEM } crm_case_kind_t;

/** Typed links between cases (from -> to). @since 0.1 */
typedef enum {
  CRM_LINK_CAUSED_BY = 1, /**< customer case -> incident */
  CRM_LINK_DUPLICATE_OF,
  CRM_LINK_FOLLOW_UP_OF,
  CRM_LINK_RELATED
} crm_link_t;

/** What to open. @since 0.1 */
typedef struct {
  unsigned int version;
  crm_id customer;         /**< required */
  const char *subject;     /**< UTF-8, not empty */
  crm_case_kind_t kind;    /**< 0: request */
  crm_priority_t priority; /**< 0: normal */
  crm_id queue, assignee;  /**< 0: none */
} crm_case_spec;

#define CRM_CASE_SPEC_VERSION 1
#define CRM_CASE_SPEC_INIT    CRM_STRUCT_INIT(CRM_CASE_SPEC_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL spec or unknown version). @since 0.1 */
CRM_EXTERN(crm_status) crm_case_spec_init(crm_case_spec *spec, unsigned int version);

/**
 * Open a case (status new, version 1). A queue or assignee given here is
 * the first assignment, not a transfer.
 * @return CRM_OK; CRM_EINVALID (NULL, empty subject, bad enum or UTF-8);
 *         CRM_ENOTFOUND (customer, queue or agent unknown). Appends
 *         "case.created".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_case_open(crm_id *out, crm_db *db, const crm_case_spec *spec);

/**
 * Read a case (owned: free with crm_case_free).
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_case_lookup(crm_case **out, crm_db *db, crm_id id);

/**
 * Change a case's status along the state machine above.
 * @return CRM_OK; CRM_EINVALID (bad enum, or an illegal move: the message
 *         names both states); CRM_ENOTFOUND; CRM_ECONFLICT. Appends
 *         "case.status".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_case_set_status(crm_db *db, crm_id id, crm_case_status_t status, int64_t expected_version);

/**
 * Change a case's priority (the same priority again is a no-op).
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND; CRM_ECONFLICT. Appends
 *         "case.priority".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_case_set_priority(crm_db *db, crm_id id, crm_priority_t p, int64_t expected_version);

/**
 * Assign a case to a queue and/or agent; 0 means none (unassigned). Every
 * change of queue or agent after the case's first assignment counts one
 * transfer (crm_case_transfer_count). The same assignment again is a no-op.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (case, queue or agent);
 *         CRM_ECONFLICT; CRM_EINVALID on a closed case. Appends "case.assigned".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_case_assign(crm_db *db, crm_id id, crm_id queue, crm_id agent, int64_t expected_version);

/**
 * Add a tag (UTF-8, not empty, no leading/trailing blanks). Adding a tag the
 * case has is a no-op.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND. Appends "case.tagged".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_case_tag(crm_db *db, crm_id id, const char *tag);

/**
 * Remove a tag.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such case, or the case
 *         has no such tag). Appends "case.untagged".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_case_untag(crm_db *db, crm_id id, const char *tag);

/**
 * Link case `from` to case `to`. A case cannot link to itself; the same link
 * twice is a no-op.
 * @return CRM_OK; CRM_EINVALID (bad kind, from == to); CRM_ENOTFOUND.
 *         Appends "case.linked".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_case_link(crm_db *db, crm_id from, crm_link_t kind, crm_id to);

/**
 * Record customer satisfaction (1-5) with an optional comment, in any
 * status; a later score replaces the earlier.
 * @return CRM_OK; CRM_EINVALID (score out of 1..5, bad UTF-8);
 *         CRM_ENOTFOUND. Appends "case.csat".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_case_set_csat(crm_db *db, crm_id id, int score_1_to_5, const char *comment);

/* Getters: borrow from the object. */
CRM_EXTERN(crm_id) crm_case_id(const crm_case *c);
CRM_EXTERN(crm_id) crm_case_customer(const crm_case *c);
CRM_EXTERN(const char *) crm_case_subject(const crm_case *c);
CRM_EXTERN(crm_case_kind_t) crm_case_kind(const crm_case *c);
CRM_EXTERN(crm_case_status_t) crm_case_status(const crm_case *c);
CRM_EXTERN(crm_priority_t) crm_case_priority(const crm_case *c);
CRM_EXTERN(crm_id) crm_case_queue(const crm_case *c);    /**< 0: none */
CRM_EXTERN(crm_id) crm_case_assignee(const crm_case *c); /**< 0: none */
CRM_EXTERN(crm_time) crm_case_created_at(const crm_case *c);
CRM_EXTERN(crm_time) crm_case_updated_at(const crm_case *c);
CRM_EXTERN(crm_time) crm_case_resolved_at(const crm_case *c); /**< 0: not resolved */
CRM_EXTERN(int64_t) crm_case_version(const crm_case *c);
/** Inbound interactions filed into the case, of any outcome. @since 0.1 */
CRM_EXTERN(int64_t) crm_case_inbound_count(const crm_case *c);
CRM_EXTERN(int64_t) crm_case_transfer_count(const crm_case *c);
CRM_EXTERN(int64_t) crm_case_reopen_count(const crm_case *c);
CRM_EXTERN(int) crm_case_csat(const crm_case *c);                  /**< 0: none */
CRM_EXTERN(const char *) crm_case_csat_comment(const crm_case *c); /**< NULL: none */
/** Number of tags, and the i-th (0-based, sorted), NULL past the end. @since 0.1 */
CRM_EXTERN(size_t) crm_case_tag_count(const crm_case *c);
CRM_EXTERN(const char *) crm_case_tag_at(const crm_case *c, size_t i);
/** 1 if the case has the tag. @since 0.1 */
CRM_EXTERN(int) crm_case_has_tag(const crm_case *c, const char *tag);
CRM_EXTERN(void) crm_case_free(crm_case *c);

/** Enum names ("pending_customer", "urgent", "incident", "caused_by"); NULL out of range. */
CRM_EXTERN(const char *) crm_case_status_name(crm_case_status_t status);
CRM_EXTERN(const char *) crm_priority_name(crm_priority_t priority);
CRM_EXTERN(const char *) crm_case_kind_name(crm_case_kind_t kind);
CRM_EXTERN(const char *) crm_link_name(crm_link_t kind);

/**
 * Iterate the links of a case, both those from it and those to it, oldest
 * first.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_link_iterator_new(crm_link_iterator **out, crm_db *db, crm_id case_id);
/** @return CRM_OK; CRM_ITEROVER; CRM_EINVALID. The link is owned. @since 0.1 */
CRM_EXTERN(crm_status) crm_link_next(crm_link **out, crm_link_iterator *it);
CRM_EXTERN(void) crm_link_iterator_free(crm_link_iterator *it);
CRM_EXTERN(crm_id) crm_link_from(const crm_link *l);
CRM_EXTERN(crm_link_t) crm_link_kind(const crm_link *l);
CRM_EXTERN(crm_id) crm_link_to(const crm_link *l);
CRM_EXTERN(crm_time) crm_link_created_at(const crm_link *l);
CRM_EXTERN(void) crm_link_free(crm_link *l);

/**
 * The agent's work list: every field 0/NULL means "any". Cases come in
 * ascending id order; `after_id` continues after a case already seen
 * (keyset paging) and `limit` caps how many the iterator yields (0: all).
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  crm_id customer;
  uint32_t status_mask; /**< (1u << crm_case_status_t) bits */
  crm_id queue, assignee;
  crm_case_kind_t kind;
  const char *tag;
  crm_time due_before; /**< cases with a running SLA timer due before this (crm/sla.h);
                            0: any; negative: CRM_EINVALID */
  crm_id after_id;
  unsigned int limit;
} crm_case_query;

#define CRM_CASE_QUERY_VERSION 1
#define CRM_CASE_QUERY_INIT    CRM_STRUCT_INIT(CRM_CASE_QUERY_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL query or unknown version). @since 0.1 */
CRM_EXTERN(crm_status) crm_case_query_init(crm_case_query *query, unsigned int version);

/**
 * Iterate the cases matching `query` (NULL: every case). Each page is one
 * indexed query (with due_before: one indexed query over the SLA timers
 * due, then each such case is read and filtered).
 * @return CRM_OK; CRM_EINVALID (bad version, status mask bits, kind, UTF-8,
 *         negative due_before)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_case_iterator_new(crm_case_iterator **out, crm_db *db, const crm_case_query *query);
/** @return CRM_OK; CRM_ITEROVER; CRM_EINVALID; storage errors. The case is owned. */
CRM_EXTERN(crm_status) crm_case_next(crm_case **out, crm_case_iterator *it);
CRM_EXTERN(void) crm_case_iterator_free(crm_case_iterator *it);

CRM_END_DECL

#endif
