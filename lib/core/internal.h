/*
 * libcrm internals shared by lib/core: the handle, errors, validation,
 * per-call transactions, events and paged iterators.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CORE_INTERNAL_H
#define CRM_CORE_INTERNAL_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "crm.h"
#include "crm/sys/backend.h"

/* ------------------------------------------------------------------ */
/* errors (error.c)                                                     */

/* Record this thread's last error and return `code`. */
crm_status crm__error(crm_status code, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
crm_status crm__error_v(crm_status code, const char *fmt, va_list ap);

/* ------------------------------------------------------------------ */
/* the handle (db.c)                                                    */

typedef struct {
  int token;
  char *prefix;
  crm_event_fn cb;
  void *payload;
  int dead; /* unsubscribed while a delivery was running */
} crm__subscription;

struct crm_db {
  int refcount;         /* the handle itself + every live iterator */
  crm_backend *backend; /* NULL once closed */
  crm_clock_fn clock;
  void *clock_payload;
  crm_id actor;
  int busy_timeout_ms;
  char *default_phone_region; /* NULL: none */
  int durable;
  crm_log_fn log;
  void *log_payload;
  char *uri;

  int explicit_txn;      /* crm_begin is open */
  int call_depth;        /* nesting of crm__write_begin inside one API call */
  GPtrArray *pending;    /* crm_event*: appended in the open transaction */
  guint savepoint_mark;  /* pending->len when the current call's savepoint began */
  GArray *subscriptions; /* crm__subscription */
  int next_token;
  int delivering; /* subscribers are being called */
  /* Known inside a write transaction only (writers take turns, so no
     other handle changes policies meanwhile): whether any SLA policy
     exists; -1: not known (read it again). */
  int sla_any_policy;

  /* the actor's memberships (permission.c) */
  GArray *perm_members; /* crm_member_row */
  int perm_valid;       /* cached for the current call / transaction */
  int perm_admin, perm_supervisor;
  int perm_trusted; /* > 0: inside work already permitted as a whole */
  int perm_pinned;  /* > 0: one read (an iterator's page) keeps the cache */
};

/* Take / drop a reference (iterators keep their handle alive). */
crm_db *crm__db_ref(crm_db *db);
void crm__db_unref(crm_db *db);

/* CRM_EINVALID unless db is non-NULL and open. */
crm_status crm__db_check(crm_db *db);

void crm__log(crm_db *db, int level, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* An integer setting with its default applied. */
crm_status crm__setting_int(int64_t *out, crm_db *db, const char *name);

/*
 * Per-call write transactions. Every mutating API call does:
 *
 *   crm_status st = crm__write_begin(db);
 *   if (st == CRM_OK)
 *     st = do_the_work(db, ...);
 *   return crm__write_end(db, st);
 *
 * Outside crm_begin this is its own transaction (committed, then events
 * delivered, on CRM_OK; rolled back otherwise). Inside crm_begin it is a
 * savepoint, so a failed call undoes only its own writes. Calls nest: an
 * inner begin/end pair inside an outer one joins the outer.
 */
crm_status crm__write_begin(crm_db *db);
crm_status crm__write_end(crm_db *db, crm_status st);
/* 1 inside a write transaction (crm_begin, or a call's own). */
int crm__in_write(const crm_db *db);
/* Forget what is known only for the current write transaction. */
void crm__txn_cache_reset(crm_db *db);

/* ------------------------------------------------------------------ */
/* validation (validate.c): each returns CRM_OK or records CRM_EINVALID  */
/* with a message naming `what` and the value.                          */

crm_status crm__check_ptr(const void *p, const char *what);
/* UTF-8 text; `required` also rejects NULL and "" */
crm_status crm__check_text(const char *s, const char *what, int required);
crm_status crm__check_id(crm_id id, const char *what);
crm_status crm__check_enum(int value, int lo, int hi, const char *what);
crm_status crm__check_time(crm_time t, const char *what);
/* The struct's version: 1..max. */
crm_status crm__check_version(unsigned int version, unsigned int max, const char *what);
/* A printable copy of a (possibly invalid UTF-8) value for messages. */
char *crm__quote(const char *s);

/* ------------------------------------------------------------------ */
/* events (event.c)                                                     */

/*
 * Append an event for the current write transaction: `payload` (owned,
 * may be NULL for {}) is serialised with json-glib. Delivered to
 * subscribers after the outermost commit.
 */
crm_status crm__event_emit(crm_db *db, const char *kind, const char *entity, crm_id entity_id,
                           JsonObject *payload);
/* Deliver pending events after a commit, or drop them after a rollback. */
void crm__events_deliver(crm_db *db);
void crm__events_discard(crm_db *db);
void crm__subscriptions_free(crm_db *db);

/* The text of an event payload (owned, may be NULL for {}), as
   json_to_string writes it; flat payloads skip the JsonGenerator. */
char *crm__json_text(JsonObject *payload);

/*
 * A flat event payload written as text (payload.c): the members in the
 * order they are added, the text json-glib would write for them, without
 * a JsonObject's allocations (a contact's own events use it). Names are
 * plain ASCII; 0 ids and NULL strings become null.
 */
typedef struct {
  GString *text;
} crm__payload;
void crm__payload_init(crm__payload *p);
void crm__payload_int(crm__payload *p, const char *name, int64_t v);
void crm__payload_id(crm__payload *p, const char *name, crm_id id);
void crm__payload_str(crm__payload *p, const char *name, const char *v);
void crm__payload_bool(crm__payload *p, const char *name, int v);
void crm__payload_null(crm__payload *p, const char *name);
/* A json-glib member if it is flat: 1, else 0 (the payload is then unfinished). */
int crm__payload_add(crm__payload *p, const char *name, JsonNode *node);
/* The finished text (g_free); the payload is spent. */
char *crm__payload_end(crm__payload *p);
void crm__payload_clear(crm__payload *p);
/* crm__event_emit for a payload built as text (spent, even on failure). */
crm_status crm__event_emit_payload(crm_db *db, const char *kind, const char *entity,
                                   crm_id entity_id, crm__payload *payload);

/* JSON payload helpers: 0 ids and NULL strings become null. */
void crm__json_set_id(JsonObject *o, const char *name, crm_id id);
void crm__json_set_str(JsonObject *o, const char *name, const char *s);

/* ------------------------------------------------------------------ */
/* paged iterators (pager.c)                                            */

/*
 * A pager fetches pages of at most `want` items into `items` (owned
 * pointers freed with the pager's `free_item`); a fetch that adds nothing
 * means the end (a later call fetches again: feeds may grow). `free_item`
 * must accept NULL.
 */
typedef struct crm__pager crm__pager;
typedef crm_status (*crm__page_fn)(crm__pager *p, unsigned int want, GPtrArray *items);
/* *yes = 1 when the handle's actor may see `item` (permission.c). */
typedef crm_status (*crm__visible_fn)(int *yes, crm_db *db, const void *item);

struct crm__pager {
  crm_db *db; /* referenced */
  crm__page_fn fetch;
  GDestroyNotify free_item;
  GPtrArray *items;   /* the current page */
  guint pos;          /* next item in `items` */
  unsigned int limit; /* 0: none */
  unsigned int yielded;
  void *state; /* the iterator's own query state (freed with free_state) */
  GDestroyNotify free_state;
  crm__visible_fn visible; /* NULL: every item; else items it hides are dropped */
};

crm__pager *crm__pager_new(crm_db *db, crm__page_fn fetch, GDestroyNotify free_item,
                           unsigned int limit, void *state, GDestroyNotify free_state);
/* Iterators filter rather than fail: with an actor, keep only the items
   `visible` accepts (fetching further pages while one is all hidden). */
void crm__pager_filter(crm__pager *p, crm__visible_fn visible);
/* *out receives an owned item; CRM_ITEROVER at the end. */
crm_status crm__pager_next(void **out, crm__pager *p);
void crm__pager_free(crm__pager *p);

#define CRM__PAGE_SIZE 256u

/* ------------------------------------------------------------------ */
/* permissions (permission.c): the rules of crm/db.h. Each check is     */
/* CRM_OK at once for actor 0 and otherwise records CRM_EPERM with a    */
/* message naming the agent, the action ("change the priority of") and  */
/* the queue. `need` is the least role required in the object's queue. */

/* 1 for the system (actor 0), and inside work permitted as a whole
   (an incident's update reaching every linked case). */
static inline int crm__perm_trusted(const crm_db *db)
{
  return db->actor == 0 || db->perm_trusted > 0;
}
/* CRM_ENOTFOUND unless the handle's actor is 0 or an agent (crm_open). */
crm_status crm__actor_check(crm_db *db);
/* Drop the cached memberships (membership changes, transactions). */
void crm__perm_invalidate(crm_db *db);
void crm__perm_free(crm_db *db);
/* Admin-only work: configuration, erasure, export, the event feed. */
crm_status crm__perm_admin(crm_db *db, const char *action);
/* Work in a queue (0: none), e.g. "open a case". */
crm_status crm__perm_queue(crm_db *db, crm_id queue, crm_role_t need, const char *action);
/* A case (a missing case passes: the call names it). */
crm_status crm__perm_case(crm_db *db, crm_id case_id, crm_role_t need, const char *action);
crm_status crm__perm_case_row(crm_db *db, const crm_case_row *row, crm_role_t need,
                              const char *action);
/* An interaction: its case's, or for one outside cases its customer's. */
crm_status crm__perm_interaction(crm_db *db, crm_id interaction, crm_role_t need,
                                 const char *action);
crm_status crm__perm_interaction_row(crm_db *db, const crm_interaction_row *row, crm_role_t need,
                                     const char *action);
/* A customer's data: visible when one of their cases is, or they have none. */
crm_status crm__perm_customer(crm_db *db, crm_id customer, const char *action);
/* Filters for iterators: *yes = 1 when the actor sees it. */
crm_status crm__perm_sees_queue(int *yes, crm_db *db, crm_id queue);
crm_status crm__perm_sees_customer(int *yes, crm_db *db, crm_id customer);
crm_status crm__perm_sees_interaction_row(int *yes, crm_db *db, const crm_interaction_row *row);
/* crm__visible_fn of iterator items: crm_case, crm_interaction,
   crm_sla_timer, crm_duplicate. */
crm_status crm__visible_case(int *yes, crm_db *db, const void *item);
crm_status crm__visible_interaction(int *yes, crm_db *db, const void *item);
crm_status crm__visible_sla_timer(int *yes, crm_db *db, const void *item);
crm_status crm__visible_duplicate(int *yes, crm_db *db, const void *item);
/* Events of a case, interaction or customer follow them; the others
   (queues, agents, settings, calendars, policies) are seen by all. */
crm_status crm__visible_event(int *yes, crm_db *db, const void *item);

/* ------------------------------------------------------------------ */
/* hooks into other concepts                                            */

/* 1 if `region` is an ISO 3166 code the phone table knows (phone.c). */
int crm__phone_region_known(const char *region);
/* Validate and lower-case an e-mail addr-spec into *out (g_free) (email.c). */
crm_status crm__email_normalize(char **out, const char *value, const char *what);
/* Normalise an identity value of any kind into *out (g_free), with the
   handle's default phone region (identity.c); CRM_EINVALID names it. */
crm_status crm__identity_normalize(char **out, crm_db *db, crm_identity_kind_t kind,
                                   const char *value);
/* CRM_ENOTFOUND unless the customer / agent / queue exists (customer.c, queue.c). */
crm_status crm__customer_exists(crm_db *db, crm_id id);
/* Inside the caller's write: version + 1 and updated_at = now (customer.c). */
crm_status crm__customer_touch(crm_db *db, crm_id id);
/* Inside the caller's write: store a normalised identity and append
   "customer.identity_added" (CRM_EEXISTS with *owner when taken), without
   touching the version (identity.c). */
crm_status crm__identity_insert(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                                const char *normalized, crm_id *owner);
crm_status crm__agent_exists(crm_db *db, crm_id id);
crm_status crm__queue_exists(crm_db *db, crm_id id);
/*
 * Cases as seen by interactions (case.c). Both run inside the caller's
 * write transaction and append their own events.
 *
 * crm__case_create opens a case (spec already validated by the caller;
 * follow_up_of > 0 also links the new case follow_up_of that case and
 * names it in the "case.created" payload).
 *
 * crm__case_file files one interaction into `case_id`: for an inbound
 * contact it applies the filing rules of crm/interaction.h
 * (pending_customer -> open; resolved within "reopen_window" of
 * `occurred_at` -> reopened; resolved after it, or closed -> a new
 * follow-up case) and counts it; any interaction adds 1 to the version of
 * the case it lands in. *filed receives that case (case_id, or the new
 * follow-up case). `subject` names a follow-up case.
 *
 * crm__case_unfile undoes the counting when an interaction leaves a case
 * (crm_interaction_move): the version goes up, an inbound count goes down.
 */
crm_status crm__case_create(crm_id *out, crm_db *db, const crm_case_spec *spec,
                            crm_id follow_up_of);
/* A new case for an inbound contact of a customer the caller checked (no
   queue, no assignee), filed as crm__case_file would file it: one inbound
   contact counted, version 2. */
crm_status crm__case_create_inbound(crm_id *out, crm_db *db, const crm_case_spec *spec);
crm_status crm__case_file(crm_id *filed, crm_db *db, crm_id case_id, crm_direction_t direction,
                          crm_time occurred_at, const char *subject);
crm_status crm__case_unfile(crm_db *db, crm_id case_id, crm_direction_t direction);
/* A case object (with its tags) from a borrowed row (case.c; the query
   iterator uses it too). */
crm_status crm__case_from_row(crm_case **out, crm_db *db, const crm_case_row *row);
/* crm_tick's work: auto-close resolved cases (case.c). */
crm_status crm__case_autoclose(size_t *fired, crm_db *db, crm_time now);

/* ------------------------------------------------------------------ */
/* SLA clocks (sla.c): each runs inside the caller's write transaction  */
/* and moves the case's timers for the change just stored.             */

/* A case was inserted (crm__case_create). */
crm_status crm__sla_on_case_created(crm_db *db, const crm_case_row *row);
/* A stored case moved from status `from` to row->status. */
crm_status crm__sla_on_status(crm_db *db, const crm_case_row *row, int from);
/* A stored case changed what its policy is matched on (priority, queue). */
crm_status crm__sla_on_case_changed(crm_db *db, const crm_case_row *row);
/* An interaction was recorded into row->case_id (crm_interaction_record);
   `new_case`: that case was opened by this contact, in this call. */
crm_status crm__sla_on_interaction(crm_db *db, const crm_interaction_row *row, int new_case);
/* crm_tick's work: record due warnings and breaches (sla.c). */
crm_status crm__sla_tick(size_t *fired, crm_db *db, crm_time now);

/* The full definition of a calendar as a new JSON object in the
   "calendar_format" of ../shared/sla/cases.json, holidays as
   [date, name-or-null] and ends past midnight past "24:00" (calendar.c;
   crm_calendar_to_json's text); NULL for a NULL calendar. */
JsonObject *crm__calendar_to_json(const crm_calendar *cal);

/* ------------------------------------------------------------------ */
/* small helpers                                                        */

/* Fill a caller's buffer with a copy of data / of a string (buffer.c). */
crm_status crm__buf_set(crm_buf *buf, const void *data, size_t len);
crm_status crm__buf_set_str(crm_buf *buf, const char *s);

/* strdup that maps NULL to NULL (malloc, for rows). */
char *crm__strdup0(const char *s);

/* Status of a backend slot call that already recorded its error. */
#define CRM__TRY(expr)            \
  do {                            \
    crm_status crm__st_ = (expr); \
    if (crm__st_ != CRM_OK)       \
      return crm__st_;            \
  } while (0)

#define CRM__B(db)   ((db)->backend)
#define CRM__OPS(db) ((db)->backend->ops)

#endif
