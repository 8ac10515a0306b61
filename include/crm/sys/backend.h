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

/** An agent's membership of a queue (role: a crm_role_t). @since 0.1 */
typedef struct {
  crm_id agent, queue;
  int role;
} crm_member_row;

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

/** Kinds of SLA definitions (the sla_def_* slots). @since 0.1 */
#define CRM_SLA_DEF_CALENDAR 1
#define CRM_SLA_DEF_POLICY   2

/** One version of a stored calendar or policy. @since 0.1 */
typedef struct {
  crm_id id;
  int64_t version;
  int64_t ord; /**< policies: their order (listings sort by it); calendars: 0 */
  char *name;
  char *definition; /**< JSON text, written and read by the core only */
  crm_time saved_at;
} crm_sla_def_row;

/** The SLA facts of a case that its row does not hold. @since 0.1 */
typedef struct {
  crm_id case_id;
  int channel;            /**< channel of the first inbound contact; 0: none yet */
  crm_time last_reply_at; /**< the latest public outbound reply; 0: none yet */
} crm_sla_case_row;

/** States of an SLA cycle, for the indexes. @since 0.1 */
#define CRM_SLA_CYCLE_RUNNING 1
#define CRM_SLA_CYCLE_PAUSED  2
#define CRM_SLA_CYCLE_ENDED   3

/** One cycle of one SLA metric of a case. @since 0.1 */
typedef struct {
  crm_id id, case_id;
  int metric, cycle, state; /**< state: CRM_SLA_CYCLE_* */
  int warn_percent;
  crm_id policy, calendar; /**< calendar 0: 24x7 */
  int64_t policy_version, calendar_version;
  int64_t target;
  crm_time started_at, mark_at; /**< mark_at: elapsed figures are counted up to it */
  int64_t business_elapsed, calendar_elapsed;
  crm_time due_at, warn_at;                            /**< 0: none (paused, ended, no warning) */
  crm_time warned_at, breached_at, met_at, stopped_at; /**< 0: not yet */
  crm_time next_fire_at; /**< the next warning or due instant not yet recorded; 0: none */
  int64_t version;
} crm_sla_cycle_row;

/** One segment of an SLA cycle (append-only). @since 0.1 */
typedef struct {
  crm_id cycle;
  int kind; /**< crm_sla_segment_t */
  crm_time at, recorded_at;
  int64_t business_elapsed, calendar_elapsed;
  crm_time due_at;
  int64_t calendar_version, policy_version;
} crm_sla_segment_row;

/** A contact preference (source NULL: none recorded). @since 0.1 */
typedef struct {
  crm_id customer;
  int channel;
  char *purpose;
  int allowed;
  char *source;
  crm_time updated_at;
} crm_preference_row;

/** A customer merge; `record` is JSON written and read by the core only. @since 0.1 */
typedef struct {
  crm_id id, survivor, merged;
  crm_time created_at, undone_at; /**< undone_at 0: in force */
  char *record;
} crm_merge_row;

/** A duplicate-detection key of a customer (reason: the core's code). @since 0.1 */
typedef struct {
  crm_id customer;
  int reason;
  char *key;
} crm_customer_key_row;

/** One term of a search: words (a phrase when several), already checked
    by the core; `prefix`: the last word is a prefix. @since 0.1 */
typedef struct {
  const char *text;
  int prefix;
} crm_search_term;

/** A parsed search (the search slot). Every term must match (AND). The
    order is (rank descending, kind, id); with `has_after`, only hits
    strictly after (after_rank, after_kind, after_id) in it. @since 0.1 */
typedef struct {
  const crm_search_term *terms;
  size_t n_terms;
  uint32_t kinds; /**< (1u << CRM_SEARCH_*) bits, never 0 */
  crm_id actor;   /**< 0: no permission filter */
  int has_after;
  double after_rank;
  int after_kind;
  crm_id after_id;
} crm_search_spec;

/** A search hit; case_id 0: none. @since 0.1 */
typedef struct {
  int kind;
  crm_id id, customer, case_id;
  double rank; /**< higher is better */
  char *snippet;
} crm_search_row;

/** Rows that belong to one customer (owned_list, owned_move). @since 0.1 */
typedef enum { CRM_OWNED_IDENTITY = 1, CRM_OWNED_CASE, CRM_OWNED_INTERACTION } crm_owned_t;

/**
 * The aggregate families of crm_report_run (crm/report.h defines what each
 * counts). Each row is a crm_report_agg_row: `key` is the group's key
 * (0 for CRM_REPORT_BY_NONE), `sub` and `v` as listed:
 *  - CONTACTS: v = inbound, outbound, abandoned inbound;
 *  - DEPTHS: sub = IVR depth (1..99; 0: none or not a number), v[0] =
 *    abandoned inbound contacts;
 *  - CASES: v = cases, resolved or closed, FCR, reopened, transfers
 *    (sum), then the CSAT scores 1..5 (how many each);
 *  - TIMES: sub = metric (first response, resolution), v = n, then
 *    nearest-rank median and p90 of business seconds, then of calendar
 *    seconds (cycle 1, fulfilled);
 *  - SLA: sub = metric, v = cycles met without breach, breached;
 *  - BACKLOG: v[0] = cases created before `to`, not resolved at `to`;
 *  - ROLE: one row, v[0] = the highest role `agent` has in any queue
 *    (0: none).
 * Rows by (key, sub) ascending.
 * @since 0.1
 */
typedef enum {
  CRM_REPORT_AGG_CONTACTS = 1,
  CRM_REPORT_AGG_DEPTHS,
  CRM_REPORT_AGG_CASES,
  CRM_REPORT_AGG_TIMES,
  CRM_REPORT_AGG_SLA,
  CRM_REPORT_AGG_BACKLOG,
  CRM_REPORT_AGG_ROLE
} crm_report_agg_t;

/** The range, grouping and scope of one aggregate query. @since 0.1 */
typedef struct {
  crm_time from, to;
  int group;         /**< crm_report_group_t, never CRM_REPORT_BY_DAY */
  crm_id supervisor; /**< > 0: only the cases (and their interactions) whose
                          queue this agent has a role >= supervisor in */
  crm_id agent;      /**< ROLE: the agent asked about */
} crm_report_scan;

#define CRM_REPORT_AGG_VALUES 10

/** One aggregate row. @since 0.1 */
typedef struct {
  int64_t key, sub;
  int64_t v[CRM_REPORT_AGG_VALUES];
} crm_report_agg_row;

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
  /** An agent's memberships by queue (crm_member_row). */
  crm_status (*member_list)(crm_backend *b, crm_id agent, crm_row_fn cb, void *payload);

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

  /* --- SLA: calendars, policies, timers, cycles (required) --- */
  /** Insert a new definition of `kind` (CRM_SLA_DEF_*) as its version
      row->version; sets row->id. */
  crm_status (*sla_def_insert)(crm_backend *b, int kind, crm_sla_def_row *row);
  /** Make `row` the current version (row->version) of the definition,
      keeping the older versions, where the current version is
      `old_version`; CRM_ECONFLICT otherwise, CRM_ENOTFOUND without it. */
  crm_status (*sla_def_update)(crm_backend *b, int kind, const crm_sla_def_row *row,
                               int64_t old_version);
  /** One version of a definition (0: the current one); CRM_ENOTFOUND. */
  crm_status (*sla_def_get)(crm_backend *b, int kind, crm_id id, int64_t version,
                            crm_sla_def_row *out);
  /** The current version of every definition of `kind`, by (ord, id)
      (crm_sla_def_row). */
  crm_status (*sla_def_list)(crm_backend *b, int kind, crm_row_fn cb, void *payload);
  /** CRM_ENOTFOUND when never stored. */
  crm_status (*sla_case_get)(crm_backend *b, crm_id case_id, crm_sla_case_row *out);
  /** Insert or replace. */
  crm_status (*sla_case_put)(crm_backend *b, const crm_sla_case_row *row);
  /** Sets row->id; CRM_EEXISTS when (case_id, metric, cycle) exists. */
  crm_status (*sla_cycle_insert)(crm_backend *b, crm_sla_cycle_row *row);
  crm_status (*sla_cycle_get)(crm_backend *b, crm_id id, crm_sla_cycle_row *out);
  /** Compare-and-swap like case_update (row->version is the new version). */
  crm_status (*sla_cycle_update)(crm_backend *b, const crm_sla_cycle_row *row, int64_t old_version);
  /** A case's cycles by (metric, cycle); `latest_only`: only the highest
      cycle of each metric (crm_sla_cycle_row). */
  crm_status (*sla_cycle_list_case)(crm_backend *b, crm_id case_id, int latest_only, crm_row_fn cb,
                                    void *payload);
  /** Cycles with 0 < next_fire_at <= before, by (next_fire_at, id), at
      most `limit`, through an index on next_fire_at (crm_sla_cycle_row). */
  crm_status (*sla_cycle_list_fire)(crm_backend *b, crm_time before, unsigned int limit,
                                    crm_row_fn cb, void *payload);
  /** Running cycles with 0 < due_at < before and (due_at, id) after
      (after_due, after_id), by (due_at, id), at most `limit`, through an
      index (crm_sla_cycle_row). */
  crm_status (*sla_cycle_list_due)(crm_backend *b, crm_time before, crm_time after_due,
                                   crm_id after_id, unsigned int limit, crm_row_fn cb,
                                   void *payload);
  /** Running or paused cycles with id > after_id, by id, at most `limit`;
      calendar > 0 keeps those computed with that calendar, policy > 0
      those of that policy (crm_sla_cycle_row). */
  crm_status (*sla_cycle_list_open)(crm_backend *b, crm_id calendar, crm_id policy, crm_id after_id,
                                    unsigned int limit, crm_row_fn cb, void *payload);
  /** Cases with a running cycle whose 0 < due_at < before and id >
      after_id, ascending, each once, at most `limit` (row: a const crm_id *). */
  crm_status (*sla_case_list_due)(crm_backend *b, crm_time before, crm_id after_id,
                                  unsigned int limit, crm_row_fn cb, void *payload);
  crm_status (*sla_segment_insert)(crm_backend *b, const crm_sla_segment_row *row);
  /** A cycle's segments in insertion order (crm_sla_segment_row). */
  crm_status (*sla_segment_list)(crm_backend *b, crm_id cycle, crm_row_fn cb, void *payload);

  /* --- customer lifecycle: merge, duplicates, export, erase (required) --- */
  /** Ids of the rows of `what` that belong to `customer`, ascending (row:
      a const crm_id *). */
  crm_status (*owned_list)(crm_backend *b, crm_owned_t what, crm_id customer, crm_row_fn cb,
                           void *payload);
  /** Give row `id` of `what` to customer `to` where it belongs to `from`;
      CRM_ENOTFOUND otherwise. Touches no other column. */
  crm_status (*owned_move)(crm_backend *b, crm_owned_t what, crm_id id, crm_id from, crm_id to);
  /** A customer's preferences by (channel, purpose) (crm_preference_row). */
  crm_status (*preference_list)(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
  /** Insert or replace every field of the (customer, channel, purpose) row. */
  crm_status (*preference_put)(crm_backend *b, const crm_preference_row *row);
  /** CRM_ENOTFOUND when absent. */
  crm_status (*preference_delete)(crm_backend *b, crm_id customer, int channel,
                                  const char *purpose);
  /** Insert; sets row->id. */
  crm_status (*merge_insert)(crm_backend *b, crm_merge_row *row);
  /** Merges whose survivor or merged customer is `customer`, oldest first
      (crm_merge_row). */
  crm_status (*merge_list)(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload);
  /** Write undone_at and record of merge row->id; CRM_ENOTFOUND without it. */
  crm_status (*merge_update)(crm_backend *b, const crm_merge_row *row);
  /** Replace every key of `customer` by keys[0..n). */
  crm_status (*customer_keys_set)(crm_backend *b, crm_id customer, const crm_customer_key_row *keys,
                                  size_t n);
  /** The rows holding (reason, key), by customer, through an index
      (crm_customer_key_row). */
  crm_status (*customer_keys_find)(crm_backend *b, int reason, const char *key, crm_row_fn cb,
                                   void *payload);
  /** Events of one entity, oldest first, through an index (crm_event_row). */
  crm_status (*event_list_entity)(crm_backend *b, const char *entity, crm_id entity_id,
                                  crm_row_fn cb, void *payload);
  /** Replace the payload of event `seq`; CRM_ENOTFOUND without it. */
  crm_status (*event_set_payload)(crm_backend *b, int64_t seq, const char *payload);
  /** Write subject, body, external_ref and in_reply_to of interaction
      row->id; CRM_ENOTFOUND without it. */
  crm_status (*interaction_set_texts)(crm_backend *b, const crm_interaction_row *row);
  /** Participants (kind, value) of any interaction, through an index
      (crm_participant_row). */
  crm_status (*participant_find)(crm_backend *b, int kind, const char *value, crm_row_fn cb,
                                 void *payload);
  /** Replace the value of the participants (interaction, kind, value), any role. */
  crm_status (*participant_set_value)(crm_backend *b, crm_id interaction, int kind,
                                      const char *value, const char *new_value);
  /** Write filename, media_type, size, sha256 and data of attachment
      row->id; CRM_ENOTFOUND without it. */
  crm_status (*attachment_rewrite)(crm_backend *b, const crm_attachment_row *row);
  /** Outside any transaction: make content deleted or overwritten by
      committed transactions unrecoverable from the store's own files
      (SQLite: a TRUNCATE checkpoint of the WAL; CRM_EBUSY while readers
      hold old pages). */
  crm_status (*compact)(crm_backend *b);

  /* --- incidents, search, reports (required) --- */
  /** Set (value NULL: delete, no error when absent) one entry of an
      incident's affected scope. */
  crm_status (*incident_scope_set)(crm_backend *b, crm_id incident, const char *key,
                                   const char *value);
  /** An incident's scope entries sorted by key (crm_attribute_row). */
  crm_status (*incident_scope_list)(crm_backend *b, crm_id incident, crm_row_fn cb, void *payload);
  /** Incidents with id > after_id whose status bit (1u << status) is in
      `status_mask`, that have at least one scope entry and whose every
      scope entry equals the customer attribute (CRM_ENTITY_CUSTOMER) of
      the same key; ascending, at most `limit`, driven by the customer's
      attributes through an index on (key, value) of the scope entries
      (row: a const crm_id *). */
  crm_status (*incident_match)(crm_backend *b, crm_id customer, uint32_t status_mask,
                               crm_id after_id, unsigned int limit, crm_row_fn cb, void *payload);
  /** The cases linked `kind` to case `to` (links from_case -> to) with id >
      after_id, ascending, at most `limit`, through an index on (to_case,
      kind, from_case) (row: a const crm_id *). */
  crm_status (*link_list_to)(crm_backend *b, crm_id to, int kind, crm_id after_id,
                             unsigned int limit, crm_row_fn cb, void *payload);
  /** Full-text search: at most `limit` hits of `q` in its order
      (crm_search_row), through the text index (SQLite FTS5, PostgreSQL
      GIN), each page one query; the terms are bound or quoted as data,
      never spliced into query syntax. Hits the actor may not see (see
      crm/search.h) are left out by the query itself. */
  crm_status (*search)(crm_backend *b, const crm_search_spec *q, unsigned int limit, crm_row_fn cb,
                       void *payload);
  /** One aggregate family `what` (crm_report_agg_t) over `scan`, through
      indexes on cases (created_at; status with created_at / resolved_at)
      and interactions (occurred_at) (crm_report_agg_row). */
  crm_status (*report_aggregate)(crm_backend *b, int what, const crm_report_scan *scan,
                                 crm_row_fn cb, void *payload);
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
CRM_EXTERN(void) crm_sla_def_row_clear(crm_sla_def_row *row);
CRM_EXTERN(void) crm_preference_row_clear(crm_preference_row *row);
CRM_EXTERN(void) crm_merge_row_clear(crm_merge_row *row);
CRM_EXTERN(void) crm_customer_key_row_clear(crm_customer_key_row *row);
CRM_EXTERN(void) crm_search_row_clear(crm_search_row *row);

CRM_END_DECL

#endif
