/*
 * libcrm: opening a database, transactions, settings and time-driven work.
 *
 * A crm_db handle and the objects it hands out are used by one thread at a
 * time; open one handle per thread or process (many handles on one
 * database are safe). Closing a handle while objects from it are still
 * alive is allowed: they stay valid and the handle's memory goes with the
 * last of them.
 *
 * Permissions. A handle opened with `actor` = an agent id acts as that
 * agent; actor 0 is the trusted system (the embedding application decides
 * who may open it) and may do everything. An agent's rights come from
 * their memberships (crm_agent_join) and roles:
 *  - admin (role admin in any queue): everything, everywhere: settings,
 *    queues, agents, memberships and skills, calendars and SLA policies,
 *    customer export and erasure, crm_db_compact, crm_tick, mail intake
 *    (crm_mail_ingest, crm_mail_import_*).
 *  - agent (any role in a queue): read and write the cases of that queue
 *    and their interactions, participants, attachments, links, SLA timers
 *    and incident scope; open cases in it; take a case of it (assign it
 *    to oneself in the same queue).
 *  - supervisor (role supervisor in a queue): also reassign cases of that
 *    queue (to another agent, or to another queue where they are
 *    supervisor too), change their priority, open a case there for
 *    another agent, publish updates of and resolve incidents there (the
 *    note then reaches every linked case, whatever its queue), and read
 *    reports.
 *  - a case with no queue is visible to, writable and assignable by every
 *    agent (to any queue: triage); changing its priority needs the
 *    supervisor role in some queue.
 *  - a customer's data (lookup, identities, attributes, preferences,
 *    duplicates, merge, incident matching) is visible to an agent who can
 *    see one of their cases, and to every agent while the customer has no
 *    case at all. To take a call from a new person an agent may create
 *    customers and find them by identity (crm_customer_create, _ensure,
 *    _find: they return ids only), then open a case for any customer in
 *    a queue of theirs (or none), or record an inbound contact that the
 *    library files into a new case: that case makes the customer theirs.
 *    An interaction outside cases follows its customer; one the library
 *    files into a case the agent may not write is refused.
 *  - readable by all: settings, queues, agents and roles, calendars and
 *    SLA policies; event subscriptions (a handle hears only its own
 *    calls) and feed cursors.
 * A refused call returns CRM_EPERM, with a message naming the agent, the
 * action and the queue ("agent 7 may not change the priority of case 12
 * in queue 3 (Billing) ..."), and writes nothing. Iterators over many
 * objects (crm_case_iterator_new, crm_timeline_iterator_new,
 * crm_sla_due_iterator_new, crm_customer_duplicates, crm_incident_match,
 * crm_event_iterator_new) do not fail: they skip what the actor may not
 * see (the event feed skips events of cases, interactions and customers
 * the agent cannot see; events of configuration stay). Iterators of one
 * object's parts (identities, preferences, participants, attachments,
 * links, SLA timers) fail with CRM_EPERM like the object's lookup.
 * The actor's memberships are read once per call, or once per
 * transaction inside crm_begin; this handle's crm_agent_join /
 * crm_agent_leave take effect at once, other handles' at its next call
 * (or next transaction).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_DB_H
#define CRM_DB_H

#include "buffer.h"
#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** The handle's clock: returns "now". @since 0.1 */
typedef crm_time (*crm_clock_fn)(void *payload);

/** Log levels passed to crm_log_fn. @since 0.1 */
enum { CRM_LOG_ERROR = 1, CRM_LOG_WARNING, CRM_LOG_INFO, CRM_LOG_DEBUG };

/** Receives the library's log lines (level is a CRM_LOG_* value). @since 0.1 */
typedef void (*crm_log_fn)(int level, const char *message, void *payload);

/**
 * Options for crm_open. Set `version` to CRM_OPEN_OPTIONS_VERSION (use
 * CRM_OPEN_OPTIONS_INIT or crm_open_options_init); NULL options mean all
 * defaults.
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  crm_clock_fn clock; /**< NULL: the system clock */
  void *clock_payload;
  crm_id actor;                     /**< agent acting through this handle (its rights:
                                       "Permissions" above); 0: the system */
  int busy_timeout_ms;              /**< 0: 5000; negative is invalid */
  const char *default_phone_region; /**< ISO 3166 code for national numbers ("IT");
                                       NULL: national numbers are rejected */
  int durable;                      /**< SQLite: 0 = WAL + synchronous=NORMAL (survives
                                       a process crash), 1 = FULL (also power loss) */
  crm_log_fn log;                   /**< NULL: no logging */
  void *log_payload;
} crm_open_options;

#define CRM_OPEN_OPTIONS_VERSION 1
#define CRM_OPEN_OPTIONS_INIT    CRM_STRUCT_INIT(CRM_OPEN_OPTIONS_VERSION)

/**
 * Initialise `opts` with defaults for the given struct version.
 * @return CRM_OK, or CRM_EINVALID (NULL opts, or a version this library
 *         does not know).
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_open_options_init(crm_open_options *opts, unsigned int version);

/**
 * Open (creating if needed) a database.
 *
 * @param out  receives the handle (NULL on failure); free with crm_close
 * @param uri  "sqlite:PATH", "sqlite::memory:", a plain PATH (= SQLite),
 *             "postgresql://..." (a libpq URI) or "postgres:CONNINFO"
 * @param opts NULL for defaults
 * @return CRM_OK; CRM_EINVALID (NULL out/uri, bad options, unknown phone
 *         region); CRM_ENOTFOUND (`actor` is not an agent of the
 *         database: a fresh database has none, so open it with actor 0
 *         to create agents first; the new database's schema stays);
 *         CRM_ENOTSUPPORTED (no backend for the scheme in this
 *         build); CRM_EVERSION (the database was written by a newer libcrm:
 *         it is left untouched); CRM_EBUSY; CRM_ERROR (cannot open or create)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_open(crm_db **out, const char *uri, const crm_open_options *opts);

/**
 * Close a handle. An open transaction is rolled back. NULL is a no-op.
 * Objects obtained from the handle stay usable for their getters.
 * @since 0.1
 */
CRM_EXTERN(void) crm_close(crm_db *db);

/**
 * Group the following calls into one transaction, until crm_commit or
 * crm_rollback. Without it each call is its own transaction. Inside a
 * transaction a failed call still undoes its own writes (and only those).
 * @return CRM_OK; CRM_EINVALID (NULL db, or a transaction is already open:
 *         transactions do not nest); CRM_EBUSY
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_begin(crm_db *db);

/**
 * Commit the transaction opened by crm_begin; event subscribers are called
 * after the commit.
 * @return CRM_OK; CRM_EINVALID (NULL db or no open transaction); CRM_EBUSY;
 *         CRM_ERROR (the transaction was rolled back)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_commit(crm_db *db);

/**
 * Undo everything since crm_begin; no subscriber hears of it.
 * @return CRM_OK; CRM_EINVALID (NULL db or no open transaction)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_rollback(crm_db *db);

/** The handle's clock (the injected one, else the system clock); 0 for NULL db. @since 0.1 */
CRM_EXTERN(crm_time) crm_now(crm_db *db);

/** The acting agent the handle was opened with (0: system). @since 0.1 */
CRM_EXTERN(crm_id) crm_actor(crm_db *db);

/**
 * Set a per-database setting. Known names and defaults:
 *  - "reopen_window": seconds after resolution in which an inbound contact
 *    reopens the case (default 604800, 7 days); a non-negative integer
 *  - "autoclose_after": seconds after resolution at which crm_tick closes a
 *    resolved case (default 2419200, 28 days); 0 disables auto-close
 *  - "subject_tag": printf-like case tag for mail subjects, must contain
 *    "%id" once (default "[#%id]")
 *  - "helpdesk_addresses": comma-separated e-mail addresses of the
 *    helpdesk (default empty)
 * Appends a "setting.changed" event.
 * @return CRM_OK; CRM_EINVALID (NULL argument, unknown name, invalid value
 *         or UTF-8); CRM_EPERM (not an admin); CRM_EBUSY; CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_setting_set(crm_db *db, const char *name, const char *value);

/**
 * Read a setting (its default if never set) into `out` (dispose it with
 * crm_buf_dispose).
 * @return CRM_OK; CRM_EINVALID (NULL argument or unknown name); CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_setting_get(crm_buf *out, crm_db *db, const char *name);

/**
 * Do the time-driven work due at `now` (0: the handle's clock): auto-close
 * of resolved cases past "autoclose_after" and, with the SLA engine, SLA
 * warnings and breaches. Each piece of work is done exactly once even when
 * several handles tick at the same time.
 * @param out_fired receives how many things this call did (may be NULL)
 * @return CRM_OK; CRM_EINVALID (NULL db, negative now); CRM_EPERM (not an
 *         admin); CRM_EBUSY; CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_tick(size_t *out_fired, crm_db *db, crm_time now);

CRM_END_DECL

#endif
