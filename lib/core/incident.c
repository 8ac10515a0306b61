/*
 * Incidents and mass outages: attaching customer cases, the affected
 * scope and who it covers, updates and resolution fanned out to every
 * linked case (crm/incident.h).
 *
 * The fan-out goes through the public recording and status calls, nested
 * in this call's write transaction, so every linked case moves exactly as
 * if an agent had answered and resolved it by hand (counters, versions,
 * SLA clocks, events), and a failure anywhere undoes the whole call.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct crm_incident_iterator {
  crm__pager *pager;
};

#define OPEN_MASK                                                                     \
  ((1u << CRM_CASE_NEW) | (1u << CRM_CASE_OPEN) | (1u << CRM_CASE_PENDING_CUSTOMER) | \
   (1u << CRM_CASE_PENDING_THIRD_PARTY))

/* ------------------------------------------------------------------ */
/* reading and checking incidents                                       */

static int is_open_status(int status)
{
  return (OPEN_MASK & (1u << status)) != 0;
}

static crm_status case_get(crm_case_row *out, crm_db *db, crm_id id)
{
  memset(out, 0, sizeof *out);
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), id, out);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "case %lld does not exist", (long long)id);
  return st;
}

static crm_status check_kind(const crm_case_row *row)
{
  if (row->kind != CRM_CASE_INCIDENT)
    return crm__error(CRM_EINVALID, "case %lld is a %s, not an incident", (long long)row->id,
                      crm_case_kind_name((crm_case_kind_t)row->kind));
  return CRM_OK;
}

static crm_status check_open(const crm_case_row *row)
{
  if (!is_open_status(row->status))
    return crm__error(CRM_EINVALID, "incident %lld is %s: only an open incident can take this",
                      (long long)row->id, crm_case_status_name((crm_case_status_t)row->status));
  return CRM_OK;
}

/* The stored incident; `open` also requires it to be open. */
static crm_status incident_get(crm_case_row *out, crm_db *db, crm_id id, int open)
{
  CRM__TRY(case_get(out, db, id));
  CRM__TRY(check_kind(out));
  return open ? check_open(out) : CRM_OK;
}

/* A new version of a case changed through a side table (its scope). */
static crm_status touch_case(crm_db *db, crm_case_row *row)
{
  int64_t old_version = row->version;
  row->version = old_version + 1;
  row->updated_at = crm_now(db);
  crm_status st = CRM__OPS(db)->case_update(CRM__B(db), row, old_version);
  if (st == CRM_ECONFLICT)
    return crm__error(CRM_ECONFLICT,
                      "case %lld was changed meanwhile (it is no longer at version %lld)",
                      (long long)row->id, (long long)old_version);
  return st;
}

static int collect_id(const void *row, void *payload)
{
  g_array_append_val((GArray *)payload, *(const crm_id *)row);
  return 0;
}

/* ------------------------------------------------------------------ */
/* attaching                                                            */

static crm_status attach_locked(crm_db *db, crm_id incident, crm_id case_id)
{
  crm_case_row inc, other;
  memset(&other, 0, sizeof other);
  crm_status st = case_get(&inc, db, incident);
  if (st == CRM_OK)
    st = case_get(&other, db, case_id);
  if (st == CRM_OK)
    st = check_kind(&inc);
  if (st == CRM_OK)
    st = check_open(&inc);
  if (st == CRM_OK)
    st = crm_case_link(db, case_id, CRM_LINK_CAUSED_BY, incident);
  crm_case_row_clear(&inc);
  crm_case_row_clear(&other);
  return st;
}

crm_status crm_incident_attach(crm_db *db, crm_id incident, crm_id case_id)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(incident, "incident")) != CRM_OK ||
      (st = crm__check_id(case_id, "case")) != CRM_OK)
    return st;
  if (incident == case_id)
    return crm__error(CRM_EINVALID, "case %lld cannot be attached to itself", (long long)case_id);
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, case_id, CRM_ROLE_AGENT, "attach to an incident");
  if (st == CRM_OK)
    st = crm__perm_case(db, incident, CRM_ROLE_AGENT, "attach a case to");
  if (st == CRM_OK)
    st = attach_locked(db, incident, case_id);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* the affected scope                                                   */

static int collect_entry(const void *row, void *payload)
{
  const crm_attribute_row *a = row;
  g_hash_table_replace(payload, g_strdup(a->key), g_strdup(a->value));
  return 0;
}

/* The incident's scope as key -> value (g_hash_table_unref). */
static crm_status scope_read(GHashTable **out, crm_db *db, crm_id incident)
{
  *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  crm_status st = CRM__OPS(db)->incident_scope_list(CRM__B(db), incident, collect_entry, *out);
  if (st != CRM_OK) {
    g_hash_table_unref(*out);
    *out = NULL;
  }
  return st;
}

static crm_status emit_scope(crm_db *db, crm_id incident, const char *key, const char *value)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "incident", incident);
  crm__json_set_str(o, "key", key);
  crm__json_set_str(o, "value", value);
  return crm__event_emit(db, "incident.scope", "case", incident, o);
}

static crm_status set_scope_locked(crm_db *db, crm_id incident, const char *key, const char *value)
{
  crm_case_row row;
  GHashTable *scope = NULL;
  crm_status st = incident_get(&row, db, incident, 0);
  if (st == CRM_OK)
    st = scope_read(&scope, db, incident);
  if (st == CRM_OK && g_strcmp0(g_hash_table_lookup(scope, key), value) != 0) {
    st = CRM__OPS(db)->incident_scope_set(CRM__B(db), incident, key, value);
    if (st == CRM_OK)
      st = touch_case(db, &row);
    if (st == CRM_OK)
      st = emit_scope(db, incident, key, value);
  }
  if (scope)
    g_hash_table_unref(scope);
  crm_case_row_clear(&row);
  return st;
}

crm_status crm_incident_set_scope(crm_db *db, crm_id incident, const char *key, const char *value)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(incident, "incident")) != CRM_OK ||
      (st = crm__check_text(key, "key", 1)) != CRM_OK ||
      (st = crm__check_text(value, "value", 0)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, incident, CRM_ROLE_AGENT, "change the scope of");
  if (st == CRM_OK)
    st = set_scope_locked(db, incident, key, value);
  return crm__write_end(db, st);
}

crm_status crm_incident_scope_get(crm_buf *out, crm_db *db, crm_id incident, const char *key)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(incident, "incident")) != CRM_OK ||
      (st = crm__check_text(key, "key", 1)) != CRM_OK)
    return st;
  crm_case_row row;
  GHashTable *scope = NULL;
  st = incident_get(&row, db, incident, 0);
  if (st == CRM_OK)
    st = crm__perm_case_row(db, &row, CRM_ROLE_AGENT, "read the scope of");
  crm_case_row_clear(&row);
  if (st == CRM_OK)
    st = scope_read(&scope, db, incident);
  if (st != CRM_OK)
    return st;
  const char *value = g_hash_table_lookup(scope, key);
  if (value)
    st = crm__buf_set_str(out, value);
  else {
    char *q = crm__quote(key);
    st = crm__error(CRM_ENOTFOUND, "incident %lld has no scope entry %s", (long long)incident, q);
    g_free(q);
  }
  g_hash_table_unref(scope);
  return st;
}

/* ------------------------------------------------------------------ */
/* matching a customer                                                  */

typedef struct {
  crm_id customer, after_id;
} match_state;

/* One page of ids, then the cases (no backend call runs inside another's
   row callback). */
static crm_status fetch_matches(crm__pager *p, unsigned int want, GPtrArray *items)
{
  match_state *ms = p->state;
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st = CRM__OPS(p->db)->incident_match(CRM__B(p->db), ms->customer, OPEN_MASK,
                                                  ms->after_id, want, collect_id, ids);
  for (guint i = 0; st == CRM_OK && i < ids->len; i++) {
    crm_case_row row;
    st = case_get(&row, p->db, g_array_index(ids, crm_id, i));
    crm_case *c = NULL;
    if (st == CRM_OK)
      st = crm__case_from_row(&c, p->db, &row);
    if (st == CRM_OK)
      g_ptr_array_add(items, c);
    crm_case_row_clear(&row);
  }
  if (st == CRM_OK && ids->len > 0)
    ms->after_id = g_array_index(ids, crm_id, ids->len - 1);
  g_array_unref(ids);
  return st;
}

crm_status crm_incident_match(crm_incident_iterator **out, crm_db *db, crm_id customer)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK ||
      (st = crm__customer_exists(db, customer)) != CRM_OK ||
      (st = crm__perm_customer(db, customer, "match incidents for")) != CRM_OK)
    return st;
  match_state *ms = g_new0(match_state, 1);
  ms->customer = customer;
  crm_incident_iterator *it = g_new0(crm_incident_iterator, 1);
  it->pager = crm__pager_new(db, fetch_matches, (GDestroyNotify)crm_case_free, 0, ms, g_free);
  crm__pager_filter(it->pager, crm__visible_case);
  *out = it;
  return CRM_OK;
}

crm_status crm_incident_next(crm_case **out, crm_incident_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_incident_iterator_free(crm_incident_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

/* ------------------------------------------------------------------ */
/* updates and resolution, fanned out to the linked cases               */

/* What one call did to one customer's cases, for its event. */
typedef struct {
  GArray *cases, *resolved; /* crm_id */
} customer_fanout;

static void customer_fanout_free(gpointer p)
{
  customer_fanout *f = p;
  g_array_unref(f->cases);
  g_array_unref(f->resolved);
  g_free(f);
}

typedef struct {
  crm_id incident;
  const char *subject, *note;
  int resolving;
  size_t affected;
  GHashTable *customers; /* crm_id* -> customer_fanout* */
} fanout;

static void fanout_note(fanout *f, crm_id customer, crm_id case_id, int resolved)
{
  customer_fanout *cf = g_hash_table_lookup(f->customers, &customer);
  if (cf == NULL) {
    cf = g_new0(customer_fanout, 1);
    cf->cases = g_array_new(FALSE, FALSE, sizeof(crm_id));
    cf->resolved = g_array_new(FALSE, FALSE, sizeof(crm_id));
    g_hash_table_insert(f->customers, g_memdup2(&customer, sizeof customer), cf);
  }
  g_array_append_val(cf->cases, case_id);
  if (resolved)
    g_array_append_val(cf->resolved, case_id);
  f->affected++;
}

/* The note as a public reply filed into one case. */
static crm_status record_note(crm_db *db, const fanout *f, crm_id customer, crm_id case_id)
{
  crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
  spec.customer = customer;
  spec.case_id = case_id;
  spec.channel = CRM_CHANNEL_WEB;
  spec.direction = CRM_DIRECTION_OUTBOUND;
  spec.agent = crm_actor(db);
  spec.subject = f->subject;
  spec.body = f->note;
  crm_id id = 0;
  return crm_interaction_record(&id, db, &spec);
}

typedef struct {
  crm_id incident, case_id;
  GArray *targets; /* crm_id: what the case is caused_by, besides the incident */
} link_scan;

static int collect_cause(const void *row, void *payload)
{
  const crm_link_row *l = row;
  link_scan *ls = payload;
  if (l->from == ls->case_id && l->kind == CRM_LINK_CAUSED_BY && l->to != ls->incident)
    g_array_append_val(ls->targets, l->to);
  return 0;
}

/* Whether the case is also caused_by another open incident. */
static crm_status has_other_open_incident(int *out, crm_db *db, crm_id incident, crm_id case_id)
{
  *out = 0;
  link_scan ls = {incident, case_id, g_array_new(FALSE, FALSE, sizeof(crm_id))};
  crm_status st = CRM__OPS(db)->link_list(CRM__B(db), case_id, collect_cause, &ls);
  for (guint i = 0; st == CRM_OK && !*out && i < ls.targets->len; i++) {
    crm_case_row other;
    st = case_get(&other, db, g_array_index(ls.targets, crm_id, i));
    if (st == CRM_OK)
      *out = other.kind == CRM_CASE_INCIDENT && is_open_status(other.status);
    crm_case_row_clear(&other);
  }
  g_array_unref(ls.targets);
  return st;
}

/* The note into one linked case, and its resolution when it is due. */
static crm_status fan_out_case(crm_db *db, fanout *f, crm_id case_id)
{
  crm_case_row row;
  crm_status st = case_get(&row, db, case_id);
  if (st == CRM_OK)
    st = record_note(db, f, row.customer, case_id);
  int resolve = 0;
  if (st == CRM_OK && f->resolving && is_open_status(row.status)) {
    int blocked = 0;
    st = has_other_open_incident(&blocked, db, f->incident, case_id);
    resolve = !blocked;
  }
  if (st == CRM_OK && resolve)
    st = crm_case_set_status(db, case_id, CRM_CASE_RESOLVED, 0);
  if (st == CRM_OK)
    fanout_note(f, row.customer, case_id, resolve);
  crm_case_row_clear(&row);
  return st;
}

/* Every linked case, a page of ids at a time through the link index. */
static crm_status fan_out_all(crm_db *db, fanout *f)
{
  crm_id after = 0;
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st = CRM_OK;
  for (;;) {
    g_array_set_size(ids, 0);
    st = CRM__OPS(db)->link_list_to(CRM__B(db), f->incident, CRM_LINK_CAUSED_BY, after,
                                    CRM__PAGE_SIZE, collect_id, ids);
    for (guint i = 0; st == CRM_OK && i < ids->len; i++)
      st = fan_out_case(db, f, g_array_index(ids, crm_id, i));
    if (st != CRM_OK || ids->len < CRM__PAGE_SIZE)
      break;
    after = g_array_index(ids, crm_id, ids->len - 1);
  }
  g_array_unref(ids);
  return st;
}

static JsonArray *id_array(const GArray *ids)
{
  JsonArray *a = json_array_sized_new(ids->len);
  for (guint i = 0; i < ids->len; i++)
    json_array_add_int_element(a, g_array_index(ids, crm_id, i));
  return a;
}

static gint compare_ids(gconstpointer a, gconstpointer b)
{
  crm_id x = *(const crm_id *)a, y = *(const crm_id *)b;
  return (x > y) - (x < y);
}

/* One "incident.update" per affected customer, by customer id. */
static crm_status emit_updates(crm_db *db, const fanout *f)
{
  GArray *customers = g_array_new(FALSE, FALSE, sizeof(crm_id));
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init(&iter, f->customers);
  while (g_hash_table_iter_next(&iter, &key, NULL))
    g_array_append_val(customers, *(crm_id *)key);
  g_array_sort(customers, compare_ids);
  crm_status st = CRM_OK;
  for (guint i = 0; st == CRM_OK && i < customers->len; i++) {
    crm_id customer = g_array_index(customers, crm_id, i);
    customer_fanout *cf = g_hash_table_lookup(f->customers, &customer);
    JsonObject *o = json_object_new();
    crm__json_set_id(o, "incident", f->incident);
    crm__json_set_id(o, "customer", customer);
    json_object_set_array_member(o, "cases", id_array(cf->cases));
    json_object_set_array_member(o, "resolved_cases", id_array(cf->resolved));
    crm__json_set_str(o, "note", f->note);
    json_object_set_boolean_member(o, "resolved", f->resolving);
    st = crm__event_emit(db, "incident.update", "customer", customer, o);
  }
  g_array_unref(customers);
  return st;
}

static crm_status publish_locked(size_t *affected, crm_db *db, crm_id incident, const char *note,
                                 int resolving)
{
  crm_case_row inc;
  crm_status st = incident_get(&inc, db, incident, 1);
  fanout f = {
      incident, inc.subject,
      note,     resolving,
      0,        g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, customer_fanout_free)};
  /* The incident's own update first (its periodic-update clock), then its
     resolution, so a linked case sees it as no longer open. */
  if (st == CRM_OK)
    st = record_note(db, &f, inc.customer, incident);
  if (st == CRM_OK && resolving)
    st = crm_case_set_status(db, incident, CRM_CASE_RESOLVED, 0);
  if (st == CRM_OK)
    st = fan_out_all(db, &f);
  if (st == CRM_OK)
    st = emit_updates(db, &f);
  if (st == CRM_OK)
    *affected = f.affected;
  g_hash_table_unref(f.customers);
  crm_case_row_clear(&inc);
  return st;
}

static crm_status publish(size_t *affected, crm_db *db, crm_id incident, const char *note,
                          int resolving)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(incident, "incident")) != CRM_OK ||
      (st = crm__check_text(note, "public_note", 1)) != CRM_OK)
    return st;
  size_t n = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, incident, CRM_ROLE_SUPERVISOR,
                        resolving ? "resolve the incident" : "publish an update of the incident");
  /* permitted as a whole: the note reaches linked cases of every queue */
  db->perm_trusted += st == CRM_OK;
  if (st == CRM_OK) {
    st = publish_locked(&n, db, incident, note, resolving);
    db->perm_trusted--;
  }
  st = crm__write_end(db, st);
  if (st == CRM_OK && affected)
    *affected = n;
  return st;
}

crm_status crm_incident_update(crm_db *db, crm_id incident, const char *public_note)
{
  return publish(NULL, db, incident, public_note, 0);
}

crm_status crm_incident_resolve(size_t *out_affected, crm_db *db, crm_id incident,
                                const char *public_note)
{
  crm_status st;
  if ((st = crm__check_ptr(out_affected, "out_affected")) != CRM_OK)
    return st;
  *out_affected = 0;
  return publish(out_affected, db, incident, public_note, 1);
}
