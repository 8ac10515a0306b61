/*
 * Cases: opening, the status state machine, assignment and transfers,
 * tags, links, CSAT, filing interactions and auto-close.
 *
 * Every change to a case is one compare-and-swap on its version through
 * the backend's case_update slot, so a change made meanwhile through
 * another handle is never overwritten.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct crm_case {
  crm_case_row row; /* malloc'd strings, as the backend filled them */
  GPtrArray *tags;  /* sorted, g_malloc'd */
};

struct crm_link {
  crm_link_row row;
};

/* ------------------------------------------------------------------ */
/* reading and writing case rows                                        */

static crm_status case_not_found(crm_id id)
{
  return crm__error(CRM_ENOTFOUND, "case %lld does not exist", (long long)id);
}

/* The stored row; CRM_ENOTFOUND names the case. */
static crm_status case_get(crm_case_row *out, crm_db *db, crm_id id)
{
  memset(out, 0, sizeof *out);
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), id, out);
  if (st == CRM_ENOTFOUND)
    return case_not_found(id);
  return st;
}

static crm_status check_expected_version(const crm_case_row *row, int64_t expected_version)
{
  if (expected_version != 0 && expected_version != row->version)
    return crm__error(CRM_ECONFLICT, "case %lld is at version %lld, not %lld", (long long)row->id,
                      (long long)row->version, (long long)expected_version);
  return CRM_OK;
}

static crm_status check_expected_arg(int64_t expected_version)
{
  if (expected_version < 0)
    return crm__error(CRM_EINVALID, "expected_version %lld must not be negative (0: any)",
                      (long long)expected_version);
  return CRM_OK;
}

/* Read the case a change applies to and check the caller's version. */
static crm_status case_get_versioned(crm_case_row *out, crm_db *db, crm_id id,
                                     int64_t expected_version)
{
  crm_status st = case_get(out, db, id);
  if (st == CRM_OK)
    st = check_expected_version(out, expected_version);
  return st;
}

/* Write back a changed row as its next version, stamped `at`: a
   compare-and-swap on the version the row was read at. */
static crm_status case_store_at(crm_db *db, crm_case_row *row, crm_time at)
{
  int64_t old_version = row->version;
  row->version = old_version + 1;
  row->updated_at = at;
  crm_status st = CRM__OPS(db)->case_update(CRM__B(db), row, old_version);
  if (st == CRM_ECONFLICT)
    return crm__error(CRM_ECONFLICT,
                      "case %lld was changed meanwhile (it is no longer at version %lld)",
                      (long long)row->id, (long long)old_version);
  return st;
}

static crm_status case_store(crm_db *db, crm_case_row *row)
{
  return case_store_at(db, row, crm_now(db));
}

/* A payload naming the case, to which each kind adds its fields. */
static JsonObject *case_payload(crm_id id)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "case", id);
  return o;
}

static crm_status case_emit(crm_db *db, const char *kind, crm_id id, JsonObject *payload)
{
  return crm__event_emit(db, kind, "case", id, payload);
}

/* A deep copy of a borrowed row (strings malloc'd, as backends do). */
static void case_row_copy(crm_case_row *dst, const crm_case_row *src)
{
  *dst = *src;
  dst->subject = crm__strdup0(src->subject);
  dst->csat_comment = crm__strdup0(src->csat_comment);
}

/* ------------------------------------------------------------------ */
/* the state machine                                                    */

#define STATUS_BIT(s) (1u << (s))

/* The statuses each status may move to (crm/case.h). */
static const uint32_t status_moves[] = {
    [CRM_CASE_NEW] = STATUS_BIT(CRM_CASE_OPEN) | STATUS_BIT(CRM_CASE_PENDING_CUSTOMER) |
                     STATUS_BIT(CRM_CASE_PENDING_THIRD_PARTY) | STATUS_BIT(CRM_CASE_RESOLVED),
    [CRM_CASE_OPEN] = STATUS_BIT(CRM_CASE_PENDING_CUSTOMER) |
                      STATUS_BIT(CRM_CASE_PENDING_THIRD_PARTY) | STATUS_BIT(CRM_CASE_RESOLVED),
    [CRM_CASE_PENDING_CUSTOMER] = STATUS_BIT(CRM_CASE_OPEN) |
                                  STATUS_BIT(CRM_CASE_PENDING_THIRD_PARTY) |
                                  STATUS_BIT(CRM_CASE_RESOLVED),
    [CRM_CASE_PENDING_THIRD_PARTY] = STATUS_BIT(CRM_CASE_OPEN) |
                                     STATUS_BIT(CRM_CASE_PENDING_CUSTOMER) |
                                     STATUS_BIT(CRM_CASE_RESOLVED),
    [CRM_CASE_RESOLVED] = STATUS_BIT(CRM_CASE_OPEN) | STATUS_BIT(CRM_CASE_CLOSED),
    [CRM_CASE_CLOSED] = 0,
};

static crm_status check_move(int from, int to)
{
  if (from < CRM_CASE_NEW || from > CRM_CASE_CLOSED || !(status_moves[from] & STATUS_BIT(to)))
    return crm__error(CRM_EINVALID, "status change %s -> %s is not allowed",
                      crm_case_status_name((crm_case_status_t)from),
                      crm_case_status_name((crm_case_status_t)to));
  return CRM_OK;
}

/* Apply a legal move to the row's fields (not yet stored). Returns 1 for a reopen. */
static int move_row(crm_case_row *row, int to, crm_time now)
{
  int reopen = row->status == CRM_CASE_RESOLVED && to == CRM_CASE_OPEN;
  if (reopen) {
    row->reopen_count++;
    row->resolved_at = 0;
  }
  if (to == CRM_CASE_RESOLVED)
    row->resolved_at = now;
  row->status = to;
  return reopen;
}

static crm_status emit_status(crm_db *db, crm_id id, int from, int to, int reopen, int automatic)
{
  JsonObject *o = case_payload(id);
  json_object_set_string_member(o, "from", crm_case_status_name((crm_case_status_t)from));
  json_object_set_string_member(o, "to", crm_case_status_name((crm_case_status_t)to));
  json_object_set_boolean_member(o, "reopen", reopen);
  json_object_set_boolean_member(o, "auto", automatic);
  return case_emit(db, "case.status", id, o);
}

/* Move a case read in this transaction, store it and append "case.status". */
static crm_status change_status(crm_db *db, crm_case_row *row, int to, int automatic, crm_time now)
{
  int from = row->status;
  int reopen = move_row(row, to, now);
  crm_status st = case_store_at(db, row, now);
  if (st == CRM_OK)
    st = emit_status(db, row->id, from, to, reopen, automatic);
  if (st == CRM_OK)
    st = crm__sla_on_status(db, row, from);
  return st;
}

static crm_status set_status_locked(crm_db *db, crm_id id, int status, int64_t expected_version)
{
  crm_case_row row;
  crm_status st = case_get_versioned(&row, db, id, expected_version);
  if (st == CRM_OK && row.status != status) {
    st = check_move(row.status, status);
    if (st == CRM_OK)
      st = change_status(db, &row, status, 0, crm_now(db));
  }
  crm_case_row_clear(&row);
  return st;
}

crm_status crm_case_set_status(crm_db *db, crm_id id, crm_case_status_t status,
                               int64_t expected_version)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "case")) != CRM_OK ||
      (st = crm__check_enum((int)status, CRM_CASE_NEW, CRM_CASE_CLOSED, "status")) != CRM_OK ||
      (st = check_expected_arg(expected_version)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, id, CRM_ROLE_AGENT, "change the status of");
  if (st == CRM_OK)
    st = set_status_locked(db, id, (int)status, expected_version);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* opening                                                              */

crm_status crm_case_spec_init(crm_case_spec *spec, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = crm__check_version(version, CRM_CASE_SPEC_VERSION, "crm_case_spec")) != CRM_OK)
    return st;
  memset(spec, 0, sizeof *spec);
  spec->version = version;
  return CRM_OK;
}

/* Queue / agent 0 means none; others must exist. */
static crm_status check_assignment_exists(crm_db *db, crm_id queue, crm_id agent)
{
  crm_status st = CRM_OK;
  if (queue > 0)
    st = crm__queue_exists(db, queue);
  if (st == CRM_OK && agent > 0)
    st = crm__agent_exists(db, agent);
  return st;
}

static crm_status check_optional_id(crm_id id, const char *what)
{
  if (id < 0)
    return crm__error(CRM_EINVALID, "%s id %lld is not valid (0: none, or an id > 0)", what,
                      (long long)id);
  return CRM_OK;
}

static crm_status check_spec(const crm_case_spec *spec)
{
  crm_status st;
  if ((st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = crm__check_version(spec->version, CRM_CASE_SPEC_VERSION, "crm_case_spec")) != CRM_OK ||
      (st = crm__check_id(spec->customer, "customer")) != CRM_OK ||
      (st = crm__check_text(spec->subject, "subject", 1)) != CRM_OK ||
      (st = crm__check_enum((int)spec->kind, 0, CRM_CASE_PROBLEM, "kind")) != CRM_OK ||
      (st = crm__check_enum((int)spec->priority, 0, CRM_PRIORITY_URGENT, "priority")) != CRM_OK ||
      (st = check_optional_id(spec->queue, "queue")) != CRM_OK ||
      (st = check_optional_id(spec->assignee, "assignee")) != CRM_OK)
    return st;
  return CRM_OK;
}

static crm_status emit_created(crm_db *db, const crm_case_row *row, crm_id follow_up_of)
{
  crm__payload p;
  crm__payload_init(&p);
  crm__payload_id(&p, "case", row->id);
  crm__payload_id(&p, "customer", row->customer);
  crm__payload_str(&p, "subject", row->subject);
  crm__payload_str(&p, "kind", crm_case_kind_name((crm_case_kind_t)row->kind));
  crm__payload_str(&p, "priority", crm_priority_name((crm_priority_t)row->priority));
  crm__payload_id(&p, "queue", row->queue);
  crm__payload_id(&p, "assignee", row->assignee);
  if (follow_up_of > 0)
    crm__payload_id(&p, "follow_up_of", follow_up_of);
  return crm__event_emit_payload(db, "case.created", "case", row->id, &p);
}

static crm_status insert_link(crm_db *db, crm_id from, int kind, crm_id to)
{
  crm_link_row link = {from, to, kind, crm_now(db)};
  return CRM__OPS(db)->link_insert(CRM__B(db), &link);
}

static crm_status emit_linked(crm_db *db, crm_id from, int kind, crm_id to)
{
  JsonObject *o = case_payload(from);
  json_object_set_string_member(o, "kind", crm_link_name((crm_link_t)kind));
  crm__json_set_id(o, "to", to);
  return case_emit(db, "case.linked", from, o);
}

/* Insert a new case (`inbound` contacts already counted in: each adds a
   version, as crm__case_file would) with its events and SLA clocks. */
static crm_status case_insert(crm_id *out, crm_db *db, const crm_case_spec *spec,
                              crm_id follow_up_of, int inbound)
{
  *out = 0;
  crm_time now = crm_now(db);
  crm_case_row row = {0};
  row.customer = spec->customer;
  row.subject = (char *)spec->subject; /* borrowed: the row is not cleared */
  row.kind = spec->kind ? (int)spec->kind : CRM_CASE_REQUEST;
  row.status = CRM_CASE_NEW;
  row.priority = spec->priority ? (int)spec->priority : CRM_PRIORITY_NORMAL;
  row.queue = spec->queue;
  row.assignee = spec->assignee;
  row.created_at = row.updated_at = now;
  row.version = 1 + inbound;
  row.inbound_count = inbound;
  crm_status st = CRM__OPS(db)->case_insert(CRM__B(db), &row);
  if (st == CRM_OK)
    st = emit_created(db, &row, follow_up_of);
  /* The link is part of the creation: version 1 already includes it. */
  if (st == CRM_OK && follow_up_of > 0 &&
      (st = insert_link(db, row.id, CRM_LINK_FOLLOW_UP_OF, follow_up_of)) == CRM_OK)
    st = emit_linked(db, row.id, CRM_LINK_FOLLOW_UP_OF, follow_up_of);
  if (st == CRM_OK)
    st = crm__sla_on_case_created(db, &row);
  if (st == CRM_OK)
    *out = row.id;
  return st;
}

crm_status crm__case_create(crm_id *out, crm_db *db, const crm_case_spec *spec, crm_id follow_up_of)
{
  *out = 0;
  crm_status st = crm__customer_exists(db, spec->customer);
  if (st == CRM_OK)
    st = check_assignment_exists(db, spec->queue, spec->assignee);
  if (st != CRM_OK)
    return st;
  return case_insert(out, db, spec, follow_up_of, 0);
}

crm_status crm__case_create_inbound(crm_id *out, crm_db *db, const crm_case_spec *spec)
{
  return case_insert(out, db, spec, 0, 1);
}

crm_status crm_case_open(crm_id *out, crm_db *db, const crm_case_spec *spec)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = check_spec(spec)) != CRM_OK)
    return st;
  crm_id id = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_queue(db, spec->queue, CRM_ROLE_AGENT, "open a case");
  if (st == CRM_OK && spec->assignee != 0 && spec->assignee != db->actor)
    st = crm__perm_queue(db, spec->queue, CRM_ROLE_SUPERVISOR, "open a case for another agent");
  if (st == CRM_OK)
    st = crm__case_create(&id, db, spec, 0);
  st = crm__write_end(db, st);
  if (st == CRM_OK)
    *out = id;
  return st;
}

/* ------------------------------------------------------------------ */
/* filing interactions                                                  */

/* Whether an inbound contact at `occurred_at` still reopens a case resolved at `resolved_at`. */
static crm_status within_reopen_window(int *within, crm_db *db, crm_time resolved_at,
                                       crm_time occurred_at)
{
  int64_t window = 0;
  crm_status st = crm__setting_int(&window, db, "reopen_window");
  if (st == CRM_OK)
    *within = occurred_at <= resolved_at + window;
  return st;
}

/* Open a follow-up of `old` for a contact that came too late to reopen it. */
static crm_status open_follow_up(crm_id *out, crm_db *db, const crm_case_row *old,
                                 const char *subject)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = old->customer;
  spec.subject = subject && *subject ? subject : old->subject;
  spec.kind = (crm_case_kind_t)old->kind;
  spec.priority = (crm_priority_t)old->priority;
  spec.queue = old->queue;
  return crm__case_create(out, db, &spec, old->id);
}

/* Count one interaction into a case read in this transaction: one new
   version, with the status move an inbound contact causes (if any). */
static crm_status count_into(crm_db *db, crm_case_row *row, crm_direction_t direction, int to)
{
  if (direction == CRM_DIRECTION_INBOUND)
    row->inbound_count++;
  if (to == 0 || to == row->status)
    return case_store(db, row);
  return change_status(db, row, to, 1, crm_now(db));
}

/* The status an inbound contact moves the case to (0: none), or -1 when
   it needs a follow-up case. */
static crm_status inbound_target(int *to, crm_db *db, const crm_case_row *row, crm_time occurred_at)
{
  *to = 0;
  if (row->status == CRM_CASE_PENDING_CUSTOMER)
    *to = CRM_CASE_OPEN;
  else if (row->status == CRM_CASE_CLOSED)
    *to = -1;
  else if (row->status == CRM_CASE_RESOLVED) {
    int within = 0;
    CRM__TRY(within_reopen_window(&within, db, row->resolved_at, occurred_at));
    *to = within ? CRM_CASE_OPEN : -1;
  }
  return CRM_OK;
}

static crm_status file_locked(crm_id *filed, crm_db *db, crm_case_row *row,
                              crm_direction_t direction, crm_time occurred_at, const char *subject)
{
  int to = 0;
  if (direction == CRM_DIRECTION_INBOUND)
    CRM__TRY(inbound_target(&to, db, row, occurred_at));
  if (to >= 0) {
    CRM__TRY(count_into(db, row, direction, to));
    *filed = row->id;
    return CRM_OK;
  }
  crm_id follow_up = 0;
  CRM__TRY(open_follow_up(&follow_up, db, row, subject));
  crm_case_row fresh;
  crm_status st = case_get(&fresh, db, follow_up);
  if (st == CRM_OK)
    st = count_into(db, &fresh, direction, 0);
  crm_case_row_clear(&fresh);
  if (st == CRM_OK)
    *filed = follow_up;
  return st;
}

crm_status crm__case_file(crm_id *filed, crm_db *db, crm_id case_id, crm_direction_t direction,
                          crm_time occurred_at, const char *subject)
{
  *filed = 0;
  crm_case_row row;
  crm_status st = case_get(&row, db, case_id);
  if (st == CRM_OK)
    st = file_locked(filed, db, &row, direction, occurred_at, subject);
  crm_case_row_clear(&row);
  if (st != CRM_OK)
    *filed = 0;
  return st;
}

crm_status crm__case_unfile(crm_db *db, crm_id case_id, crm_direction_t direction)
{
  crm_case_row row;
  crm_status st = case_get(&row, db, case_id);
  if (st == CRM_OK) {
    if (direction == CRM_DIRECTION_INBOUND && row.inbound_count > 0)
      row.inbound_count--;
    st = case_store(db, &row);
  }
  crm_case_row_clear(&row);
  return st;
}

/* ------------------------------------------------------------------ */
/* auto-close                                                           */

static int collect_case_row(const void *row, void *payload)
{
  crm_case_row *copy = g_new0(crm_case_row, 1);
  case_row_copy(copy, row);
  g_ptr_array_add(payload, copy);
  return 0;
}

static void case_row_free(void *row)
{
  crm_case_row_clear(row);
  g_free(row);
}

/* Close one page of due cases; *closed counts those this handle closed. */
static crm_status autoclose_page(size_t *closed, size_t *seen, crm_db *db, crm_time before,
                                 crm_time now)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func(case_row_free);
  crm_status st = CRM__OPS(db)->case_list_resolved_before(CRM__B(db), CRM_CASE_RESOLVED, before,
                                                          CRM__PAGE_SIZE, collect_case_row, rows);
  *seen = rows->len;
  for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
    crm_case_row *row = g_ptr_array_index(rows, i);
    st = change_status(db, row, CRM_CASE_CLOSED, 1, now);
    if (st == CRM_ECONFLICT) {
      st = CRM_OK; /* another handle closed it first */
      continue;
    }
    if (st == CRM_OK)
      (*closed)++;
  }
  g_ptr_array_unref(rows);
  return st;
}

crm_status crm__case_autoclose(size_t *fired, crm_db *db, crm_time now)
{
  int64_t after = 0;
  crm_status st = crm__setting_int(&after, db, "autoclose_after");
  if (st != CRM_OK || after <= 0)
    return st;
  /* One transaction per page; a page that closes nothing ends the run, so
     rows another handle keeps changing cannot loop us forever. */
  for (;;) {
    size_t closed = 0, seen = 0;
    st = crm__write_begin(db);
    if (st == CRM_OK)
      st = autoclose_page(&closed, &seen, db, now - after, now);
    st = crm__write_end(db, st);
    if (st != CRM_OK)
      return st;
    *fired += closed;
    if (seen < CRM__PAGE_SIZE || closed == 0)
      return CRM_OK;
  }
}

/* ------------------------------------------------------------------ */
/* priority and assignment                                              */

static crm_status set_priority_locked(crm_db *db, crm_id id, int priority, int64_t expected_version)
{
  crm_case_row row;
  crm_status st = case_get_versioned(&row, db, id, expected_version);
  if (st == CRM_OK && row.priority != priority) {
    int from = row.priority;
    row.priority = priority;
    st = case_store(db, &row);
    if (st == CRM_OK) {
      JsonObject *o = case_payload(id);
      json_object_set_string_member(o, "from", crm_priority_name((crm_priority_t)from));
      json_object_set_string_member(o, "to", crm_priority_name((crm_priority_t)priority));
      st = case_emit(db, "case.priority", id, o);
    }
    if (st == CRM_OK)
      st = crm__sla_on_case_changed(db, &row); /* the policy may change */
  }
  crm_case_row_clear(&row);
  return st;
}

crm_status crm_case_set_priority(crm_db *db, crm_id id, crm_priority_t p, int64_t expected_version)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "case")) != CRM_OK ||
      (st = crm__check_enum((int)p, CRM_PRIORITY_LOW, CRM_PRIORITY_URGENT, "priority")) != CRM_OK ||
      (st = check_expected_arg(expected_version)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, id, CRM_ROLE_SUPERVISOR, "change the priority of");
  if (st == CRM_OK)
    st = set_priority_locked(db, id, (int)p, expected_version);
  return crm__write_end(db, st);
}

/* A transfer moves the case away from a queue or an agent it had; the
   first assignment (from none) is not one, and one call counts at most one. */
static int is_transfer(const crm_case_row *row, crm_id queue, crm_id agent)
{
  return (row->queue != 0 && row->queue != queue) || (row->assignee != 0 && row->assignee != agent);
}

static crm_status emit_assigned(crm_db *db, crm_id id, crm_id from_queue, crm_id from_agent,
                                crm_id queue, crm_id agent, int transfer)
{
  JsonObject *o = case_payload(id);
  crm__json_set_id(o, "from_queue", from_queue);
  crm__json_set_id(o, "from_agent", from_agent);
  crm__json_set_id(o, "queue", queue);
  crm__json_set_id(o, "agent", agent);
  json_object_set_boolean_member(o, "transfer", transfer);
  return case_emit(db, "case.assigned", id, o);
}

static crm_status assign_row(crm_db *db, crm_case_row *row, crm_id queue, crm_id agent)
{
  if (row->status == CRM_CASE_CLOSED)
    return crm__error(CRM_EINVALID, "case %lld is closed and cannot be assigned",
                      (long long)row->id);
  if (row->queue == queue && row->assignee == agent)
    return CRM_OK;
  crm_id from_queue = row->queue, from_agent = row->assignee;
  int transfer = is_transfer(row, queue, agent);
  row->transfer_count += transfer;
  row->queue = queue;
  row->assignee = agent;
  CRM__TRY(case_store(db, row));
  CRM__TRY(emit_assigned(db, row->id, from_queue, from_agent, queue, agent, transfer));
  return from_queue != queue ? crm__sla_on_case_changed(db, row) : CRM_OK;
}

/* Permissions (crm/db.h): a case without a queue may be assigned by any
   agent; an agent may take a case of their queue; anything else is a
   reassignment by a supervisor of the case's queue and of the new one. */
static crm_status may_assign(crm_db *db, const crm_case_row *row, crm_id queue, crm_id agent)
{
  if (crm__perm_trusted(db) || row->queue == 0)
    return CRM_OK;
  if (queue == row->queue && agent == db->actor)
    return crm__perm_case_row(db, row, CRM_ROLE_AGENT, "take");
  CRM__TRY(crm__perm_case_row(db, row, CRM_ROLE_SUPERVISOR, "reassign"));
  if (queue != 0 && queue != row->queue)
    return crm__perm_queue(db, queue, CRM_ROLE_SUPERVISOR, "move a case");
  return CRM_OK;
}

static crm_status assign_locked(crm_db *db, crm_id id, crm_id queue, crm_id agent,
                                int64_t expected_version)
{
  crm_case_row row;
  crm_status st = case_get(&row, db, id);
  if (st == CRM_OK)
    st = may_assign(db, &row, queue, agent);
  if (st == CRM_OK)
    st = check_assignment_exists(db, queue, agent);
  if (st == CRM_OK)
    st = check_expected_version(&row, expected_version);
  if (st == CRM_OK)
    st = assign_row(db, &row, queue, agent);
  crm_case_row_clear(&row);
  return st;
}

crm_status crm_case_assign(crm_db *db, crm_id id, crm_id queue, crm_id agent,
                           int64_t expected_version)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "case")) != CRM_OK ||
      (st = check_optional_id(queue, "queue")) != CRM_OK ||
      (st = check_optional_id(agent, "agent")) != CRM_OK ||
      (st = check_expected_arg(expected_version)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = assign_locked(db, id, queue, agent, expected_version);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* tags                                                                 */

static crm_status check_tag(const char *tag)
{
  CRM__TRY(crm__check_text(tag, "tag", 1));
  gunichar first = g_utf8_get_char(tag);
  gunichar last = g_utf8_get_char(g_utf8_prev_char(tag + strlen(tag)));
  if (g_unichar_isspace(first) || g_unichar_isspace(last)) {
    char *q = crm__quote(tag);
    crm__error(CRM_EINVALID, "tag %s must not start or end with blanks", q);
    g_free(q);
    return CRM_EINVALID;
  }
  return CRM_OK;
}

static crm_status emit_tag_event(crm_db *db, const char *kind, crm_id id, const char *tag)
{
  JsonObject *o = case_payload(id);
  json_object_set_string_member(o, "tag", tag);
  return case_emit(db, kind, id, o);
}

/* Bump the version of a case changed through a side table (tags, links). */
static crm_status touch_case(crm_db *db, crm_case_row *row)
{
  return case_store(db, row);
}

static crm_status tag_locked(crm_db *db, crm_id id, const char *tag)
{
  crm_case_row row;
  crm_status st = case_get(&row, db, id);
  if (st == CRM_OK) {
    st = CRM__OPS(db)->label_add(CRM__B(db), CRM_ENTITY_CASE, id, tag);
    if (st == CRM_EEXISTS)
      st = CRM_OK; /* already tagged: nothing changes */
    else if (st == CRM_OK && (st = touch_case(db, &row)) == CRM_OK)
      st = emit_tag_event(db, "case.tagged", id, tag);
  }
  crm_case_row_clear(&row);
  return st;
}

static crm_status untag_locked(crm_db *db, crm_id id, const char *tag)
{
  crm_case_row row;
  crm_status st = case_get(&row, db, id);
  if (st == CRM_OK) {
    st = CRM__OPS(db)->label_remove(CRM__B(db), CRM_ENTITY_CASE, id, tag);
    if (st == CRM_ENOTFOUND) {
      char *q = crm__quote(tag);
      crm__error(CRM_ENOTFOUND, "case %lld has no tag %s", (long long)id, q);
      g_free(q);
    } else if (st == CRM_OK && (st = touch_case(db, &row)) == CRM_OK)
      st = emit_tag_event(db, "case.untagged", id, tag);
  }
  crm_case_row_clear(&row);
  return st;
}

typedef crm_status (*tag_fn)(crm_db *db, crm_id id, const char *tag);

static crm_status change_tag(crm_db *db, crm_id id, const char *tag, tag_fn fn)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "case")) != CRM_OK ||
      (st = check_tag(tag)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, id, CRM_ROLE_AGENT, "change the tags of");
  if (st == CRM_OK)
    st = fn(db, id, tag);
  return crm__write_end(db, st);
}

crm_status crm_case_tag(crm_db *db, crm_id id, const char *tag)
{
  return change_tag(db, id, tag, tag_locked);
}

crm_status crm_case_untag(crm_db *db, crm_id id, const char *tag)
{
  return change_tag(db, id, tag, untag_locked);
}

/* ------------------------------------------------------------------ */
/* links                                                                */

static crm_status link_locked(crm_db *db, crm_id from, int kind, crm_id to)
{
  crm_case_row row, other;
  crm_status st = case_get(&row, db, from);
  memset(&other, 0, sizeof other);
  if (st == CRM_OK)
    st = case_get(&other, db, to);
  if (st == CRM_OK) {
    st = insert_link(db, from, kind, to);
    if (st == CRM_EEXISTS)
      st = CRM_OK; /* the same link again: nothing changes */
    else if (st == CRM_OK && (st = touch_case(db, &row)) == CRM_OK)
      st = emit_linked(db, from, kind, to);
  }
  crm_case_row_clear(&row);
  crm_case_row_clear(&other);
  return st;
}

crm_status crm_case_link(crm_db *db, crm_id from, crm_link_t kind, crm_id to)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(from, "from case")) != CRM_OK ||
      (st = crm__check_enum((int)kind, CRM_LINK_CAUSED_BY, CRM_LINK_RELATED, "link kind")) !=
          CRM_OK ||
      (st = crm__check_id(to, "to case")) != CRM_OK)
    return st;
  if (from == to)
    return crm__error(CRM_EINVALID, "case %lld cannot be linked to itself", (long long)from);
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, from, CRM_ROLE_AGENT, "link");
  if (st == CRM_OK)
    st = crm__perm_case(db, to, CRM_ROLE_AGENT, "link to");
  if (st == CRM_OK)
    st = link_locked(db, from, (int)kind, to);
  return crm__write_end(db, st);
}

struct crm_link_iterator {
  crm__pager *pager;
};

typedef struct {
  crm_id case_id;
  GPtrArray *links; /* every link, read by the first fetch */
  guint next;
  int loaded;
} link_state;

static void link_state_free(void *p)
{
  link_state *ls = p;
  if (ls->links)
    g_ptr_array_unref(ls->links);
  g_free(ls);
}

static int collect_link(const void *row, void *payload)
{
  crm_link *l = g_new0(crm_link, 1);
  l->row = *(const crm_link_row *)row;
  g_ptr_array_add(payload, l);
  return 0;
}

/* link_list has no paging (a case has few links): read them all once,
   then hand them out a page at a time. */
static crm_status fetch_links(crm__pager *p, unsigned int want, GPtrArray *items)
{
  link_state *ls = p->state;
  if (!ls->loaded) {
    CRM__TRY(CRM__OPS(p->db)->link_list(CRM__B(p->db), ls->case_id, collect_link, ls->links));
    ls->loaded = 1;
  }
  for (; want > 0 && ls->next < ls->links->len; want--, ls->next++) {
    g_ptr_array_add(items, g_ptr_array_index(ls->links, ls->next));
    g_ptr_array_index(ls->links, ls->next) = NULL;
  }
  return CRM_OK;
}

crm_status crm_link_iterator_new(crm_link_iterator **out, crm_db *db, crm_id case_id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(case_id, "case")) != CRM_OK)
    return st;
  crm_case_row row;
  st = case_get(&row, db, case_id);
  if (st == CRM_OK)
    st = crm__perm_case_row(db, &row, CRM_ROLE_AGENT, "read the links of");
  crm_case_row_clear(&row);
  if (st != CRM_OK)
    return st;
  link_state *ls = g_new0(link_state, 1);
  ls->case_id = case_id;
  ls->links = g_ptr_array_new_with_free_func((GDestroyNotify)crm_link_free);
  crm_link_iterator *it = g_new0(crm_link_iterator, 1);
  it->pager =
      crm__pager_new(db, fetch_links, (GDestroyNotify)crm_link_free, 0, ls, link_state_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_link_next(crm_link **out, crm_link_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_link_iterator_free(crm_link_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

crm_id crm_link_from(const crm_link *l)
{
  return l ? l->row.from : 0;
}

crm_link_t crm_link_kind(const crm_link *l)
{
  return l ? (crm_link_t)l->row.kind : (crm_link_t)0;
}

crm_id crm_link_to(const crm_link *l)
{
  return l ? l->row.to : 0;
}

crm_time crm_link_created_at(const crm_link *l)
{
  return l ? l->row.created_at : 0;
}

void crm_link_free(crm_link *l)
{
  g_free(l);
}

/* ------------------------------------------------------------------ */
/* CSAT                                                                 */

static crm_status csat_locked(crm_db *db, crm_id id, int score, const char *comment)
{
  crm_case_row row;
  crm_status st = case_get(&row, db, id);
  if (st == CRM_OK) {
    row.csat = score;
    free(row.csat_comment);
    row.csat_comment = crm__strdup0(comment);
    st = case_store(db, &row);
  }
  if (st == CRM_OK) {
    JsonObject *o = case_payload(id);
    json_object_set_int_member(o, "score", score);
    crm__json_set_str(o, "comment", comment);
    st = case_emit(db, "case.csat", id, o);
  }
  crm_case_row_clear(&row);
  return st;
}

crm_status crm_case_set_csat(crm_db *db, crm_id id, int score_1_to_5, const char *comment)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "case")) != CRM_OK ||
      (st = crm__check_enum(score_1_to_5, 1, 5, "csat score")) != CRM_OK ||
      (st = crm__check_text(comment, "comment", 0)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, id, CRM_ROLE_AGENT, "record the satisfaction of");
  if (st == CRM_OK)
    st = csat_locked(db, id, score_1_to_5, comment);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* case objects                                                         */

static int collect_label(const void *row, void *payload)
{
  g_ptr_array_add(payload, g_strdup((const char *)row));
  return 0;
}

crm_status crm__case_from_row(crm_case **out, crm_db *db, const crm_case_row *row)
{
  *out = NULL;
  crm_case *c = g_new0(crm_case, 1);
  case_row_copy(&c->row, row);
  c->tags = g_ptr_array_new_with_free_func(g_free);
  crm_status st =
      CRM__OPS(db)->label_list(CRM__B(db), CRM_ENTITY_CASE, row->id, collect_label, c->tags);
  if (st != CRM_OK) {
    crm_case_free(c);
    return st;
  }
  *out = c;
  return CRM_OK;
}

crm_status crm_case_lookup(crm_case **out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "case")) != CRM_OK)
    return st;
  crm_case_row row;
  st = case_get(&row, db, id);
  if (st == CRM_OK)
    st = crm__perm_case_row(db, &row, CRM_ROLE_AGENT, "read");
  if (st == CRM_OK)
    st = crm__case_from_row(out, db, &row);
  crm_case_row_clear(&row);
  return st;
}

void crm_case_free(crm_case *c)
{
  if (c == NULL)
    return;
  crm_case_row_clear(&c->row);
  if (c->tags)
    g_ptr_array_unref(c->tags);
  g_free(c);
}

#define CASE_GETTER(type, name, expr)     \
  type crm_case_##name(const crm_case *c) \
  {                                       \
    return c ? (type)(expr) : (type)0;    \
  }

CASE_GETTER(crm_id, id, c->row.id)
CASE_GETTER(crm_id, customer, c->row.customer)
CASE_GETTER(crm_case_kind_t, kind, c->row.kind)
CASE_GETTER(crm_case_status_t, status, c->row.status)
CASE_GETTER(crm_priority_t, priority, c->row.priority)
CASE_GETTER(crm_id, queue, c->row.queue)
CASE_GETTER(crm_id, assignee, c->row.assignee)
CASE_GETTER(crm_time, created_at, c->row.created_at)
CASE_GETTER(crm_time, updated_at, c->row.updated_at)
CASE_GETTER(crm_time, resolved_at, c->row.resolved_at)
CASE_GETTER(int64_t, version, c->row.version)
CASE_GETTER(int64_t, inbound_count, c->row.inbound_count)
CASE_GETTER(int64_t, transfer_count, c->row.transfer_count)
CASE_GETTER(int64_t, reopen_count, c->row.reopen_count)
CASE_GETTER(int, csat, c->row.csat)
CASE_GETTER(size_t, tag_count, c->tags->len)

const char *crm_case_subject(const crm_case *c)
{
  return c ? c->row.subject : NULL;
}

const char *crm_case_csat_comment(const crm_case *c)
{
  return c ? c->row.csat_comment : NULL;
}

const char *crm_case_tag_at(const crm_case *c, size_t i)
{
  if (c == NULL || i >= c->tags->len)
    return NULL;
  return g_ptr_array_index(c->tags, i);
}

int crm_case_has_tag(const crm_case *c, const char *tag)
{
  if (c == NULL || tag == NULL)
    return 0;
  for (guint i = 0; i < c->tags->len; i++)
    if (strcmp(g_ptr_array_index(c->tags, i), tag) == 0)
      return 1;
  return 0;
}
