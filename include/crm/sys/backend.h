/*
 * libcrm: the storage backend interface, for backend authors only.
 *
 * A backend stores and fetches; it never decides whether a change is legal,
 * who may make it or when something is due: lib/core does that, once, for
 * every backend. Slots are storage primitives: insert / get / update by id,
 * lookups by an index, range and page queries, and transactions.
 *
 * Conventions for every slot:
 *  - it returns CRM_OK or a negative crm_status; on failure it reports the
 *    reason with crm_backend_error() (which also returns the code);
 *  - CRM_ENOTFOUND when the keyed row does not exist, CRM_EEXISTS when a
 *    unique key is taken, CRM_ECONFLICT when a compare-and-swap on version
 *    matched no row, CRM_EBUSY when the store stayed locked past the busy
 *    timeout, CRM_ERROR for anything else;
 *  - strings in rows the backend fills are allocated with malloc() and
 *    freed by the caller with free() (crm_*_row_clear); rows passed to
 *    callbacks are borrowed for the duration of the call;
 *  - list slots call `cb(row, payload)` for each row in the documented
 *    order; a non-zero return stops the listing, and the slot returns
 *    CRM_EUSER;
 *  - every write happens inside a transaction the core opened with
 *    `begin(b, 1)`; the core reads outside transactions too.
 *
 * Slots marked (required) are checked once by crm_backend_register.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_SYS_BACKEND_H
#define CRM_SYS_BACKEND_H

#include "../case.h"
#include "../common.h"
#include "../errors.h"

CRM_BEGIN_DECL

typedef struct crm_backend crm_backend;
typedef struct crm_backend_ops crm_backend_ops;

/** Every backend object embeds this as its first member. @since 0.1 */
struct crm_backend {
  const crm_backend_ops *ops;
};

/** Parameters the core passes to `open`. @since 0.1 */
typedef struct {
  unsigned int version;
  const char *location; /**< the URI without its scheme ("/tmp/crm.db", ":memory:") */
  const char *uri;      /**< the URI as given to crm_open */
  int busy_timeout_ms;  /**< > 0 */
  int durable;          /**< 1: survive power loss (fsync on every commit) */
} crm_backend_open_params;

#define CRM_BACKEND_OPEN_PARAMS_VERSION 1

/** Objects that carry free attributes or string sets. @since 0.1 */
typedef enum {
  CRM_ENTITY_CUSTOMER = 1,
  CRM_ENTITY_INTERACTION,
  CRM_ENTITY_CASE,
  CRM_ENTITY_QUEUE,
  CRM_ENTITY_AGENT
} crm_entity_t;

/** A customer row. @since 0.1 */
typedef struct {
  crm_id id;
  char *display_name, *organization, *language, *timezone, *segment; /**< NULL: unset */
  int status;
  crm_time created_at, updated_at;
  int64_t version;
} crm_customer_row;

/** An identity row (kind is a crm_identity_kind_t; value normalised). @since 0.1 */
typedef struct {
  crm_id customer;
  int kind;
  char *value;
  crm_time created_at;
} crm_identity_row;

/** A case row. @since 0.1 */
typedef struct {
  crm_id id, customer;
  char *subject;
  int kind, status, priority;
  crm_id queue, assignee;                       /**< 0: none */
  crm_time created_at, updated_at, resolved_at; /**< resolved_at 0: not resolved */
  int64_t version, inbound_count, transfer_count, reopen_count;
  int csat;           /**< 0: none */
  char *csat_comment; /**< NULL: none */
} crm_case_row;

/** An interaction row. @since 0.1 */
typedef struct {
  crm_id id, customer, case_id, agent; /**< case_id, agent 0: none */
  int channel, direction, outcome;
  crm_time occurred_at, recorded_at;
  char *subject, *body, *external_ref, *in_reply_to; /**< NULL: none */
} crm_interaction_row;

/** A participant of an interaction. @since 0.1 */
typedef struct {
  crm_id interaction;
  int kind;
  char *value, *role;
} crm_participant_row;

/** An attachment; `data` is set only by attachment_get. @since 0.1 */
typedef struct {
  crm_id id, interaction;
  char *filename, *media_type;
  char sha256[65]; /**< lower-case hex */
  size_t size;
  void *data;
} crm_attachment_row;

/** A link between cases. @since 0.1 */
typedef struct {
  crm_id from, to;
  int kind;
  crm_time created_at;
} crm_link_row;

/** A queue or an agent (email: agents only, NULL: none). @since 0.1 */
typedef struct {
  crm_id id;
  char *name, *email;
  crm_time created_at;
} crm_party_row;

/** An event; `seq` is assigned by event_append. @since 0.1 */
typedef struct {
  int64_t seq;
  crm_time time;
  crm_id actor;
  char *kind, *entity;
  crm_id entity_id;
  char *payload;
} crm_event_row;

/** A key/value pair (attributes); value never NULL in listings. @since 0.1 */
typedef struct {
  char *key, *value;
} crm_attribute_row;

/** Callback of the list slots: `row` points to the slot's row type. */
typedef int (*crm_row_fn)(const void *row, void *payload);

/**
 * The operations of a backend: `static const`, never changed after
 * registration. New slots are appended and announced by `version`.
 * @since 0.1
 */
struct crm_backend_ops {
  unsigned int version; /**< CRM_BACKEND_OPS_VERSION */
  const char *name;     /**< "sqlite", "postgres", ... */
  /** URI schemes served, NULL-terminated: {"sqlite", NULL} */
  const char *const *schemes;
  uint64_t caps; /**< CRM_BACKEND_CAP_* bits */

  /* --- lifecycle (required) ------------------------------------------- */
  /** Open or create the store, bring its schema up to date; CRM_EVERSION
      (touching nothing) when it was written by a newer schema. */
  crm_status (*open)(crm_backend **out, const crm_backend_open_params *params);
  void (*close)(crm_backend *b);

  /* --- transactions (required) ---------------------------------------- */
  /** Start a transaction; `write` 1 takes the write lock at once. */
  crm_status (*begin)(crm_backend *b, int write);
  crm_status (*commit)(crm_backend *b);
  crm_status (*rollback)(crm_backend *b);
  /** One level of savepoint inside a transaction. */
  crm_status (*savepoint)(crm_backend *b);
  crm_status (*savepoint_release)(crm_backend *b);
  crm_status (*savepoint_rollback)(crm_backend *b);

  /* --- settings and consumer cursors (required) ------------------------ */
  /** *out malloc'd; CRM_ENOTFOUND when never set. */
  crm_status (*setting_get)(crm_backend *b, const char *name, char **out);
  crm_status (*setting_set)(crm_backend *b, const char *name, const char *value);
  /** CRM_ENOTFOUND when never set. */
  crm_status (*cursor_get)(crm_backend *b, const char *consumer, int64_t *out);
  crm_status (*cursor_set)(crm_backend *b, const char *consumer, int64_t seq);

  /* --- events (required) ---------------------------------------------- */
  /** Append; sets row->seq. Sequence numbers grow in commit order. */
  crm_status (*event_append)(crm_backend *b, crm_event_row *row);
  /** Events with seq > after_seq, ascending, at most `limit` (> 0). */
  crm_status (*event_list)(crm_backend *b, int64_t after_seq, unsigned int limit, crm_row_fn cb,
                           void *payload);

  /* --- customers and identities (required) ---------------------------- */
  /** Insert; sets row->id. */
  crm_status (*customer_insert)(crm_backend *b, crm_customer_row *row);
  crm_status (*customer_get)(crm_backend *b, crm_id id, crm_customer_row *out);
  /** Write every field of `row` (row->version is the new version) where
      the stored version is `old_version`; CRM_ECONFLICT otherwise. */
  crm_status (*customer_update)(crm_backend *b, const crm_customer_row *row, int64_t old_version);
  /** CRM_EEXISTS when (kind, value) exists; *owner (may be NULL) then
      receives its customer. */
  crm_status (*identity_insert)(crm_backend *b, const crm_identity_row *row, crm_id *owner);
  crm_status (*identity_find)(crm_backend *b, int kind, const char *value, crm_id *customer);
  /** CRM_ENOTFOUND when the customer has no such identity. */
  crm_status (*identity_delete)(crm_backend *b, crm_id customer, int kind, const char *value);
  /** A customer's identities, oldest first (crm_identity_row). */
  crm_status (*identity_list)(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
  /** Contact preference; CRM_ENOTFOUND when none recorded. */
  crm_status (*preference_get)(crm_backend *b, crm_id customer, int channel, const char *purpose,
                               int *allowed);
  crm_status (*preference_set)(crm_backend *b, crm_id customer, int channel, const char *purpose,
                               int allowed, crm_time at);

  /* --- attributes and string sets of any entity (required) ------------ */
  /** value NULL deletes (no error when absent). */
  crm_status (*attribute_set)(crm_backend *b, crm_entity_t entity, crm_id id, const char *key,
                              const char *value);
  /** Attributes sorted by key (crm_attribute_row). */
  crm_status (*attribute_list)(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                               void *payload);
  /** Tags of cases, skills of queues and agents. CRM_EEXISTS when present. */
  crm_status (*label_add)(crm_backend *b, crm_entity_t entity, crm_id id, const char *label);
  /** CRM_ENOTFOUND when absent. */
  crm_status (*label_remove)(crm_backend *b, crm_entity_t entity, crm_id id, const char *label);
  /** Labels sorted (row is a `const char *`). */
  crm_status (*label_list)(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                           void *payload);

  /* --- queues, agents, memberships (required) -------------------------- */
  /** Sets row->id; CRM_EEXISTS (name taken), *existing receives its id. */
  crm_status (*queue_insert)(crm_backend *b, crm_party_row *row, crm_id *existing);
  crm_status (*queue_get)(crm_backend *b, crm_id id, crm_party_row *out);
  /** Sets row->id; CRM_EEXISTS (email taken), *existing receives its id. */
  crm_status (*agent_insert)(crm_backend *b, crm_party_row *row, crm_id *existing);
  crm_status (*agent_get)(crm_backend *b, crm_id id, crm_party_row *out);
  /** Insert or replace the membership. */
  crm_status (*member_set)(crm_backend *b, crm_id agent, crm_id queue, int role);
  crm_status (*member_get)(crm_backend *b, crm_id agent, crm_id queue, int *role);
  crm_status (*member_delete)(crm_backend *b, crm_id agent, crm_id queue);

  /* --- cases (required) ----------------------------------------------- */
  crm_status (*case_insert)(crm_backend *b, crm_case_row *row);
  crm_status (*case_get)(crm_backend *b, crm_id id, crm_case_row *out);
  /** Compare-and-swap like customer_update. */
  crm_status (*case_update)(crm_backend *b, const crm_case_row *row, int64_t old_version);
  /** Cases matching `q` (its after_id, limit and due_before are ignored)
      with id > after_id, ascending, at most `limit` (crm_case_row). */
  crm_status (*case_query)(crm_backend *b, const crm_case_query *q, crm_id after_id,
                           unsigned int limit, crm_row_fn cb, void *payload);
  /** Cases with `status` and 0 < resolved_at <= before, oldest resolution
      first, at most `limit` (crm_case_row). */
  crm_status (*case_list_resolved_before)(crm_backend *b, int status, crm_time before,
                                          unsigned int limit, crm_row_fn cb, void *payload);
  /** CRM_EEXISTS when the same (from, kind, to) exists. */
  crm_status (*link_insert)(crm_backend *b, const crm_link_row *row);
  /** Links from or to `case_id`, oldest first (crm_link_row). */
  crm_status (*link_list)(crm_backend *b, crm_id case_id, crm_row_fn cb, void *payload);

  /* --- interactions (required) ---------------------------------------- */
  /** Sets row->id; CRM_EEXISTS when (channel, external_ref) exists, and
   *existing (may be NULL) receives its id. */
  crm_status (*interaction_insert)(crm_backend *b, crm_interaction_row *row, crm_id *existing);
  crm_status (*interaction_get)(crm_backend *b, crm_id id, crm_interaction_row *out);
  /** By external reference; channel 0: any channel (lowest id wins). */
  crm_status (*interaction_find_ref)(crm_backend *b, int channel, const char *external_ref,
                                     crm_id *out);
  crm_status (*interaction_set_case)(crm_backend *b, crm_id id, crm_id case_id);
  /** A customer's (case_id 0) or a case's (customer 0) interactions ordered
      by (occurred_at, id) descending, strictly before (before, before_id)
      when before > 0, at most `limit` (crm_interaction_row). */
  crm_status (*timeline)(crm_backend *b, crm_id customer, crm_id case_id, crm_time before,
                         crm_id before_id, unsigned int limit, crm_row_fn cb, void *payload);
  /** CRM_EEXISTS when the same (kind, value, role) exists. */
  crm_status (*participant_insert)(crm_backend *b, const crm_participant_row *row);
  /** In insertion order (crm_participant_row). */
  crm_status (*participant_list)(crm_backend *b, crm_id interaction, crm_row_fn cb, void *payload);
  /** Stores row->data (row->size bytes); sets row->id. */
  crm_status (*attachment_insert)(crm_backend *b, crm_attachment_row *row);
  /** With data (malloc'd; non-NULL even when size is 0). */
  crm_status (*attachment_get)(crm_backend *b, crm_id id, crm_attachment_row *out);
  /** Metadata only, in insertion order (crm_attachment_row). */
  crm_status (*attachment_list)(crm_backend *b, crm_id interaction, crm_row_fn cb, void *payload);
};

#define CRM_BACKEND_OPS_VERSION 1

/** Capability bits. @since 0.1 */
#define CRM_BACKEND_CAP_PERSISTENT (1u << 0) /**< data survives crm_close */

/**
 * Register a backend for its URI schemes. `ops` must stay valid for the
 * life of the process.
 * @return CRM_OK; CRM_EINVALID (NULL, unknown version, a required slot
 *         missing: the message names it); CRM_EEXISTS (a scheme is taken)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_backend_register(const crm_backend_ops *ops);

/**
 * Open a backend by URI, as crm_open does (for wrapping backends).
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_backend_open(crm_backend **out, const char *uri, const crm_backend_open_params *params);

/**
 * Record a failure for crm_error_last(); returns `code`. printf-like.
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_backend_error(crm_status code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/** Free the strings of a row and zero it (NULL is a no-op). @since 0.1 */
CRM_EXTERN(void) crm_customer_row_clear(crm_customer_row *row);
CRM_EXTERN(void) crm_identity_row_clear(crm_identity_row *row);
CRM_EXTERN(void) crm_case_row_clear(crm_case_row *row);
CRM_EXTERN(void) crm_interaction_row_clear(crm_interaction_row *row);
CRM_EXTERN(void) crm_participant_row_clear(crm_participant_row *row);
CRM_EXTERN(void) crm_attachment_row_clear(crm_attachment_row *row);
CRM_EXTERN(void) crm_party_row_clear(crm_party_row *row);
CRM_EXTERN(void) crm_event_row_clear(crm_event_row *row);
CRM_EXTERN(void) crm_attribute_row_clear(crm_attribute_row *row);

CRM_END_DECL

#endif
