/*
 * Merging two customers into one, with a record of exactly what moved so
 * that the merge can be undone; and how a merged id resolves to its
 * survivor.
 *
 * The merge record (JSON in the merges table, read only here and by
 * erasure): the merged customer's former status, the ids of the
 * identities, cases and interactions that moved, the preferences and
 * attributes that moved, and the loser's preferences and attributes that
 * the survivor's own values beat ("kept": restored by an unmerge). On a
 * preference both have, a refusal beats a consent whichever side it is
 * on: the loser's refusal then moves ("preferences_moved") and the
 * survivor's consent it replaced is recorded ("preferences_replaced").
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

/* A merge chain longer than this is corrupt data, not a real history. */
#define MAX_MERGE_HOPS 64

/* ------------------------------------------------------------------ */
/* helpers shared with the other customer_*.c files                     */

crm_status crm__customer_row(crm_db *db, crm_id id, crm_customer_row *row)
{
  crm_status st = CRM__OPS(db)->customer_get(CRM__B(db), id, row);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "customer %lld does not exist", (long long)id);
  return st;
}

static int collect_id(const void *row, void *payload)
{
  g_array_append_val((GArray *)payload, *(const crm_id *)row);
  return 0;
}

crm_status crm__owned_ids(GArray **out, crm_db *db, crm_owned_t what, crm_id customer)
{
  *out = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st = CRM__OPS(db)->owned_list(CRM__B(db), what, customer, collect_id, *out);
  if (st != CRM_OK) {
    g_array_unref(*out);
    *out = NULL;
  }
  return st;
}

void crm__preference_row_free(void *row)
{
  crm_preference_row_clear(row);
  g_free(row);
}

void crm__attribute_row_free(void *row)
{
  crm_attribute_row_clear(row);
  g_free(row);
}

void crm__merge_row_free(void *row)
{
  crm_merge_row_clear(row);
  g_free(row);
}

void crm__event_row_free(void *row)
{
  crm_event_row_clear(row);
  g_free(row);
}

int crm__collect_preference(const void *row, void *payload)
{
  const crm_preference_row *r = row;
  crm_preference_row *copy = g_new0(crm_preference_row, 1);
  *copy = *r;
  copy->purpose = crm__strdup0(r->purpose);
  copy->source = crm__strdup0(r->source);
  g_ptr_array_add(payload, copy);
  return 0;
}

int crm__collect_attribute(const void *row, void *payload)
{
  const crm_attribute_row *r = row;
  crm_attribute_row *copy = g_new0(crm_attribute_row, 1);
  copy->key = crm__strdup0(r->key);
  copy->value = crm__strdup0(r->value);
  g_ptr_array_add(payload, copy);
  return 0;
}

int crm__collect_merge(const void *row, void *payload)
{
  const crm_merge_row *r = row;
  crm_merge_row *copy = g_new0(crm_merge_row, 1);
  *copy = *r;
  copy->record = crm__strdup0(r->record);
  g_ptr_array_add(payload, copy);
  return 0;
}

int crm__collect_event(const void *row, void *payload)
{
  const crm_event_row *r = row;
  crm_event_row *copy = g_new0(crm_event_row, 1);
  *copy = *r;
  copy->kind = crm__strdup0(r->kind);
  copy->entity = crm__strdup0(r->entity);
  copy->payload = crm__strdup0(r->payload);
  g_ptr_array_add(payload, copy);
  return 0;
}

void crm_merge_row_clear(crm_merge_row *row)
{
  if (row == NULL)
    return;
  free(row->record);
  memset(row, 0, sizeof *row);
}

/* Every merge the customer took part in, oldest first (owned rows). */
static crm_status merges_of(GPtrArray **out, crm_db *db, crm_id customer)
{
  *out = g_ptr_array_new_with_free_func(crm__merge_row_free);
  crm_status st = CRM__OPS(db)->merge_list(CRM__B(db), customer, crm__collect_merge, *out);
  if (st != CRM_OK) {
    g_ptr_array_unref(*out);
    *out = NULL;
  }
  return st;
}

/* The merge in force that made `merged` part of another customer. */
static crm_status active_merge(crm_merge_row *out, crm_db *db, crm_id merged)
{
  GPtrArray *merges = NULL;
  CRM__TRY(merges_of(&merges, db, merged));
  crm_status st =
      crm__error(CRM_ERROR, "customer %lld is marked merged but no merge in force names it",
                 (long long)merged);
  for (guint i = merges->len; i-- > 0;) {
    crm_merge_row *m = g_ptr_array_index(merges, i);
    if (m->merged == merged && m->undone_at == 0) {
      *out = *m;
      m->record = NULL; /* handed over */
      st = CRM_OK;
      break;
    }
  }
  g_ptr_array_unref(merges);
  return st;
}

crm_status crm__customer_resolve(crm_id *out, crm_db *db, crm_id id)
{
  *out = 0;
  crm_id current = id;
  for (int hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    crm_customer_row row = {0};
    crm_status st = crm__customer_row(db, current, &row);
    int merged = row.status == CRM_CUSTOMER_MERGED;
    crm_customer_row_clear(&row);
    if (st != CRM_OK)
      return st;
    if (!merged) {
      *out = current;
      return CRM_OK;
    }
    crm_merge_row m = {0};
    st = active_merge(&m, db, current);
    current = m.survivor;
    crm_merge_row_clear(&m);
    if (st != CRM_OK)
      return st;
  }
  return crm__error(CRM_ERROR, "customer %lld: the chain of merges is longer than %d",
                    (long long)id, MAX_MERGE_HOPS);
}

crm_status crm__customer_merged_error(crm_db *db, crm_id merged)
{
  crm_id survivor = 0;
  CRM__TRY(crm__customer_resolve(&survivor, db, merged));
  return crm__error(CRM_ENOTFOUND,
                    "customer %lld was merged into customer %lld (change customer %lld instead)",
                    (long long)merged, (long long)survivor, (long long)survivor);
}

/* ------------------------------------------------------------------ */
/* the merge record                                                     */

static JsonArray *ids_json(GArray *ids)
{
  JsonArray *a = json_array_new();
  for (guint i = 0; i < ids->len; i++)
    json_array_add_int_element(a, g_array_index(ids, crm_id, i));
  return a;
}

static JsonObject *preference_json(const crm_preference_row *p)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "channel", p->channel);
  json_object_set_string_member(o, "purpose", p->purpose);
  json_object_set_int_member(o, "allowed", p->allowed);
  crm__json_set_str(o, "source", p->source);
  json_object_set_int_member(o, "updated_at", p->updated_at);
  return o;
}

static void preference_from_json(crm_preference_row *p, JsonObject *o, crm_id customer)
{
  memset(p, 0, sizeof *p);
  p->customer = customer;
  p->channel = (int)json_object_get_int_member(o, "channel");
  p->purpose = (char *)json_object_get_string_member(o, "purpose");
  p->allowed = (int)json_object_get_int_member(o, "allowed");
  p->source = (char *)json_object_get_string_member(o, "source"); /* NULL for null */
  p->updated_at = json_object_get_int_member(o, "updated_at");
}

/* What a merge moved and kept, built while it runs. */
typedef struct {
  GArray *identities, *cases, *interactions;
  JsonArray *prefs_moved, *prefs_kept, *prefs_replaced;
  JsonObject *attrs_moved, *attrs_kept;
} merge_work;

static void merge_work_clear(merge_work *w)
{
  if (w->identities)
    g_array_unref(w->identities);
  if (w->cases)
    g_array_unref(w->cases);
  if (w->interactions)
    g_array_unref(w->interactions);
  if (w->prefs_moved)
    json_array_unref(w->prefs_moved);
  if (w->prefs_kept)
    json_array_unref(w->prefs_kept);
  if (w->prefs_replaced)
    json_array_unref(w->prefs_replaced);
  if (w->attrs_moved)
    json_object_unref(w->attrs_moved);
  if (w->attrs_kept)
    json_object_unref(w->attrs_kept);
}

static char *record_text(const merge_work *w, int merged_status)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "status", merged_status);
  json_object_set_array_member(o, "identities", ids_json(w->identities));
  json_object_set_array_member(o, "cases", ids_json(w->cases));
  json_object_set_array_member(o, "interactions", ids_json(w->interactions));
  json_object_set_array_member(o, "preferences_moved", json_array_ref(w->prefs_moved));
  json_object_set_array_member(o, "preferences_kept", json_array_ref(w->prefs_kept));
  json_object_set_array_member(o, "preferences_replaced", json_array_ref(w->prefs_replaced));
  json_object_set_object_member(o, "attributes_moved", json_object_ref(w->attrs_moved));
  json_object_set_object_member(o, "attributes_kept", json_object_ref(w->attrs_kept));
  JsonNode *root = json_node_new(JSON_NODE_OBJECT);
  json_node_take_object(root, o);
  char *text = json_to_string(root, FALSE);
  json_node_unref(root);
  return text;
}

/* ------------------------------------------------------------------ */
/* moving rows                                                          */

/* A case changes hands: its version goes up (the customer is one of its fields). */
static crm_status bump_case_version(crm_db *db, crm_id case_id)
{
  crm_case_row row = {0};
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), case_id, &row);
  if (st == CRM_OK) {
    int64_t old_version = row.version;
    row.version++;
    st = CRM__OPS(db)->case_update(CRM__B(db), &row, old_version);
  }
  crm_case_row_clear(&row);
  return st;
}

/*
 * Move the listed rows of `what` from one customer to the other. With
 * `skip_gone`, a row that no longer belongs to `from` is left out of
 * `moved` (an unmerge after later changes); otherwise it is an error.
 */
static crm_status move_rows(GArray *moved, crm_db *db, crm_owned_t what, GArray *ids, crm_id from,
                            crm_id to, int skip_gone)
{
  for (guint i = 0; i < ids->len; i++) {
    crm_id id = g_array_index(ids, crm_id, i);
    crm_status st = CRM__OPS(db)->owned_move(CRM__B(db), what, id, from, to);
    if (st == CRM_ENOTFOUND && skip_gone)
      continue;
    CRM__TRY(st);
    if (what == CRM_OWNED_CASE)
      CRM__TRY(bump_case_version(db, id));
    g_array_append_val(moved, id);
  }
  return CRM_OK;
}

static crm_status move_owned(GArray **moved, crm_db *db, crm_owned_t what, crm_id from, crm_id to)
{
  GArray *ids = NULL;
  CRM__TRY(crm__owned_ids(&ids, db, what, from));
  *moved = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st = move_rows(*moved, db, what, ids, from, to, 0);
  g_array_unref(ids);
  return st;
}

static char *preference_key(int channel, const char *purpose)
{
  return g_strdup_printf("%d\x1f%s", channel, purpose);
}

/* (channel, purpose) -> crm_preference_row* of a customer (the table owns the rows). */
static crm_status preference_table(GHashTable **out, GPtrArray **rows, crm_db *db, crm_id customer)
{
  *rows = g_ptr_array_new_with_free_func(crm__preference_row_free);
  *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  crm_status st =
      CRM__OPS(db)->preference_list(CRM__B(db), customer, crm__collect_preference, *rows);
  for (guint i = 0; st == CRM_OK && i < (*rows)->len; i++) {
    crm_preference_row *p = g_ptr_array_index(*rows, i);
    g_hash_table_insert(*out, preference_key(p->channel, p->purpose), p);
  }
  return st;
}

static crm_status move_preferences(merge_work *w, crm_db *db, crm_id survivor, crm_id merged)
{
  GHashTable *theirs = NULL, *ours = NULL;
  GPtrArray *their_rows = NULL, *our_rows = NULL;
  crm_status st = preference_table(&theirs, &their_rows, db, merged);
  if (st == CRM_OK)
    st = preference_table(&ours, &our_rows, db, survivor);
  for (guint i = 0; st == CRM_OK && i < their_rows->len; i++) {
    crm_preference_row *p = g_ptr_array_index(their_rows, i);
    char *key = preference_key(p->channel, p->purpose);
    const crm_preference_row *mine = g_hash_table_lookup(ours, key);
    g_free(key);
    st = CRM__OPS(db)->preference_delete(CRM__B(db), merged, p->channel, p->purpose);
    if (st != CRM_OK)
      break;
    if (mine && !(mine->allowed && !p->allowed)) {
      /* the survivor's answer wins; the loser's is kept for an unmerge */
      json_array_add_object_element(w->prefs_kept, preference_json(p));
      continue;
    }
    if (mine) /* the loser's refusal beats the survivor's consent */
      json_array_add_object_element(w->prefs_replaced, preference_json(mine));
    crm_preference_row moved = *p;
    moved.customer = survivor;
    st = CRM__OPS(db)->preference_put(CRM__B(db), &moved);
    json_array_add_object_element(w->prefs_moved, preference_json(p));
  }
  if (theirs)
    g_hash_table_unref(theirs);
  if (ours)
    g_hash_table_unref(ours);
  if (their_rows)
    g_ptr_array_unref(their_rows);
  if (our_rows)
    g_ptr_array_unref(our_rows);
  return st;
}

/* key -> value of a customer's attributes (g_free'd copies). */
static crm_status attribute_table(GHashTable **out, crm_db *db, crm_id customer)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func(crm__attribute_row_free);
  *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  crm_status st = CRM__OPS(db)->attribute_list(CRM__B(db), CRM_ENTITY_CUSTOMER, customer,
                                               crm__collect_attribute, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
    crm_attribute_row *a = g_ptr_array_index(rows, i);
    g_hash_table_insert(*out, g_strdup(a->key), g_strdup(a->value));
  }
  g_ptr_array_unref(rows);
  return st;
}

static crm_status move_attributes(merge_work *w, crm_db *db, crm_id survivor, crm_id merged)
{
  GHashTable *theirs = NULL, *ours = NULL;
  crm_status st = attribute_table(&theirs, db, merged);
  if (st == CRM_OK)
    st = attribute_table(&ours, db, survivor);
  GHashTableIter it;
  gpointer key, value;
  if (st == CRM_OK)
    g_hash_table_iter_init(&it, theirs);
  while (st == CRM_OK && g_hash_table_iter_next(&it, &key, &value)) {
    st = CRM__OPS(db)->attribute_set(CRM__B(db), CRM_ENTITY_CUSTOMER, merged, key, NULL);
    if (st != CRM_OK)
      break;
    if (g_hash_table_contains(ours, key)) {
      json_object_set_string_member(w->attrs_kept, key, value);
      continue;
    }
    st = CRM__OPS(db)->attribute_set(CRM__B(db), CRM_ENTITY_CUSTOMER, survivor, key, value);
    json_object_set_string_member(w->attrs_moved, key, value);
  }
  if (theirs)
    g_hash_table_unref(theirs);
  if (ours)
    g_hash_table_unref(ours);
  return st;
}

/* Write a customer row's new status (and version + 1, updated_at now). */
static crm_status set_status(crm_db *db, crm_customer_row *row, int status)
{
  int64_t old_version = row->version;
  row->status = status;
  row->version++;
  row->updated_at = crm_now(db);
  return CRM__OPS(db)->customer_update(CRM__B(db), row, old_version);
}

/* ------------------------------------------------------------------ */
/* merge                                                                */

static crm_status check_mergeable(crm_db *db, const crm_customer_row *row)
{
  if (row->status == CRM_CUSTOMER_ERASED)
    return crm__error(CRM_EINVALID, "customer %lld was erased and cannot be merged",
                      (long long)row->id);
  if (row->status == CRM_CUSTOMER_MERGED) {
    crm_id survivor = 0;
    CRM__TRY(crm__customer_resolve(&survivor, db, row->id));
    return crm__error(CRM_EINVALID, "customer %lld was already merged into customer %lld",
                      (long long)row->id, (long long)survivor);
  }
  return CRM_OK;
}

static JsonObject *counts_json(const merge_work *w)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "identities", w->identities->len);
  json_object_set_int_member(o, "cases", w->cases->len);
  json_object_set_int_member(o, "interactions", w->interactions->len);
  json_object_set_int_member(o, "preferences", json_array_get_length(w->prefs_moved));
  json_object_set_int_member(o, "attributes", json_object_get_size(w->attrs_moved));
  return o;
}

static crm_status emit_merge_event(crm_db *db, const char *kind, crm_id survivor, crm_id merged,
                                   crm_id merge, const char *counts_name, JsonObject *counts,
                                   JsonObject *kept)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "survivor", survivor);
  crm__json_set_id(o, "merged", merged);
  crm__json_set_id(o, "merge", merge);
  json_object_set_object_member(o, counts_name, counts);
  if (kept)
    json_object_set_object_member(o, "kept", kept);
  return crm__event_emit(db, kind, "customer", survivor, o);
}

static crm_status merge_rows(merge_work *w, crm_db *db, crm_id survivor, crm_id merged)
{
  CRM__TRY(move_owned(&w->identities, db, CRM_OWNED_IDENTITY, merged, survivor));
  CRM__TRY(move_owned(&w->cases, db, CRM_OWNED_CASE, merged, survivor));
  CRM__TRY(move_owned(&w->interactions, db, CRM_OWNED_INTERACTION, merged, survivor));
  CRM__TRY(move_preferences(w, db, survivor, merged));
  return move_attributes(w, db, survivor, merged);
}

static crm_status merge_locked(crm_db *db, crm_id survivor, crm_id merged)
{
  crm_customer_row s_row = {0}, m_row = {0};
  merge_work w = {0};
  w.prefs_moved = json_array_new();
  w.prefs_kept = json_array_new();
  w.prefs_replaced = json_array_new();
  w.attrs_moved = json_object_new();
  w.attrs_kept = json_object_new();
  crm_status st = crm__customer_row(db, survivor, &s_row);
  if (st == CRM_OK)
    st = crm__customer_row(db, merged, &m_row);
  if (st == CRM_OK)
    st = check_mergeable(db, &s_row);
  if (st == CRM_OK)
    st = check_mergeable(db, &m_row);
  int old_status = m_row.status;
  if (st == CRM_OK)
    st = merge_rows(&w, db, survivor, merged);
  if (st == CRM_OK)
    st = set_status(db, &m_row, CRM_CUSTOMER_MERGED);
  if (st == CRM_OK)
    st = crm__customer_touch(db, survivor);
  if (st == CRM_OK)
    st = crm__customer_keys_refresh(db, survivor);
  if (st == CRM_OK)
    st = crm__customer_keys_refresh(db, merged);
  crm_merge_row m = {0};
  if (st == CRM_OK) {
    m.survivor = survivor;
    m.merged = merged;
    m.created_at = crm_now(db);
    m.record = record_text(&w, old_status);
    st = CRM__OPS(db)->merge_insert(CRM__B(db), &m);
  }
  if (st == CRM_OK) {
    JsonObject *kept = json_object_new();
    json_object_set_int_member(kept, "preferences", json_array_get_length(w.prefs_kept));
    json_object_set_int_member(kept, "attributes", json_object_get_size(w.attrs_kept));
    st = emit_merge_event(db, "customer.merged", survivor, merged, m.id, "moved", counts_json(&w),
                          kept);
  }
  g_free(m.record);
  m.record = NULL;
  merge_work_clear(&w);
  crm_customer_row_clear(&s_row);
  crm_customer_row_clear(&m_row);
  return st;
}

crm_status crm_customer_merge(crm_db *db, crm_id survivor, crm_id merged)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(survivor, "survivor")) != CRM_OK ||
      (st = crm__check_id(merged, "merged")) != CRM_OK)
    return st;
  if (survivor == merged)
    return crm__error(CRM_EINVALID, "customer %lld cannot be merged into itself",
                      (long long)merged);
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_customer(db, survivor, "merge into");
  if (st == CRM_OK)
    st = crm__perm_customer(db, merged, "merge");
  if (st == CRM_OK)
    st = merge_locked(db, survivor, merged);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* unmerge                                                              */

/* CRM_ECONFLICT when a merge after `m` involves its survivor. */
static crm_status check_nothing_on_top(crm_db *db, const crm_merge_row *m)
{
  GPtrArray *merges = NULL;
  CRM__TRY(merges_of(&merges, db, m->survivor));
  crm_status st = CRM_OK;
  for (guint i = 0; i < merges->len && st == CRM_OK; i++) {
    const crm_merge_row *later = g_ptr_array_index(merges, i);
    if (later->id > m->id && later->undone_at == 0)
      st = crm__error(CRM_ECONFLICT,
                      "customer %lld cannot be unmerged from customer %lld: merge %lld (customer "
                      "%lld into customer %lld) came after it; unmerge customer %lld first",
                      (long long)m->merged, (long long)m->survivor, (long long)later->id,
                      (long long)later->merged, (long long)later->survivor,
                      (long long)later->merged);
  }
  g_ptr_array_unref(merges);
  return st;
}

static GArray *ids_from_json(JsonObject *record, const char *name)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  JsonArray *a = json_object_get_array_member(record, name);
  for (guint i = 0; a && i < json_array_get_length(a); i++) {
    crm_id id = json_array_get_int_element(a, i);
    g_array_append_val(ids, id);
  }
  return ids;
}

static crm_status restore_owned(GArray **moved, crm_db *db, crm_owned_t what, JsonObject *record,
                                const char *name, crm_id survivor, crm_id merged)
{
  GArray *ids = ids_from_json(record, name);
  *moved = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st = move_rows(*moved, db, what, ids, survivor, merged, 1);
  g_array_unref(ids);
  return st;
}

static int same_preference(const crm_preference_row *a, const crm_preference_row *b)
{
  return a->allowed == b->allowed && a->updated_at == b->updated_at &&
         g_strcmp0(a->source, b->source) == 0;
}

/* The loser's preferences go back; a moved one leaves the survivor unless
   the survivor changed it since the merge, and then the survivor's own
   consent it replaced comes back. */
static crm_status restore_preferences(size_t *restored, crm_db *db, JsonObject *record,
                                      crm_id survivor, crm_id merged)
{
  GHashTable *ours = NULL;
  GPtrArray *our_rows = NULL;
  crm_status st = preference_table(&ours, &our_rows, db, survivor);
  GHashTable *left = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const char *lists[] = {"preferences_moved", "preferences_kept", "preferences_replaced"};
  for (int l = 0; l < 3 && st == CRM_OK; l++) {
    JsonArray *a = json_object_get_array_member(record, lists[l]);
    for (guint i = 0; a && i < json_array_get_length(a) && st == CRM_OK; i++) {
      crm_preference_row p;
      preference_from_json(&p, json_array_get_object_element(a, i), l == 2 ? survivor : merged);
      char *key = preference_key(p.channel, p.purpose);
      const crm_preference_row *now = g_hash_table_lookup(ours, key);
      if (l == 0 && now && same_preference(now, &p)) {
        st = CRM__OPS(db)->preference_delete(CRM__B(db), survivor, p.channel, p.purpose);
        g_hash_table_add(left, g_strdup(key));
      }
      if (st == CRM_OK && (l < 2 || g_hash_table_contains(left, key)))
        st = CRM__OPS(db)->preference_put(CRM__B(db), &p);
      g_free(key);
      if (l == 0)
        (*restored)++;
    }
  }
  g_hash_table_unref(left);
  g_hash_table_unref(ours);
  g_ptr_array_unref(our_rows);
  return st;
}

static crm_status restore_attributes(size_t *restored, crm_db *db, JsonObject *record,
                                     crm_id survivor, crm_id merged)
{
  GHashTable *ours = NULL;
  crm_status st = attribute_table(&ours, db, survivor);
  const char *lists[] = {"attributes_moved", "attributes_kept"};
  for (int l = 0; l < 2 && st == CRM_OK; l++) {
    JsonObject *o = json_object_get_object_member(record, lists[l]);
    GList *keys = o ? json_object_get_members(o) : NULL;
    for (GList *k = keys; k && st == CRM_OK; k = k->next) {
      const char *key = k->data, *value = json_object_get_string_member(o, key);
      if (l == 0 && g_strcmp0(g_hash_table_lookup(ours, key), value) == 0)
        st = CRM__OPS(db)->attribute_set(CRM__B(db), CRM_ENTITY_CUSTOMER, survivor, key, NULL);
      if (st == CRM_OK)
        st = CRM__OPS(db)->attribute_set(CRM__B(db), CRM_ENTITY_CUSTOMER, merged, key, value);
      if (l == 0)
        (*restored)++;
    }
    g_list_free(keys);
  }
  g_hash_table_unref(ours);
  return st;
}

static crm_status parse_record(JsonNode **out, const crm_merge_row *m)
{
  GError *error = NULL;
  *out = json_from_string(m->record, &error);
  if (*out == NULL || !JSON_NODE_HOLDS_OBJECT(*out)) {
    crm_status st = crm__error(CRM_ERROR, "the record of merge %lld is unreadable: %s",
                               (long long)m->id, error ? error->message : "not an object");
    g_clear_error(&error);
    if (*out)
      json_node_unref(*out);
    *out = NULL;
    return st;
  }
  return CRM_OK;
}

static crm_status unmerge_rows(JsonObject *counts, crm_db *db, JsonObject *record, crm_id survivor,
                               crm_id merged)
{
  static const struct {
    crm_owned_t what;
    const char *name;
  } owned[] = {{CRM_OWNED_IDENTITY, "identities"},
               {CRM_OWNED_CASE, "cases"},
               {CRM_OWNED_INTERACTION, "interactions"}};
  for (size_t i = 0; i < G_N_ELEMENTS(owned); i++) {
    GArray *moved = NULL;
    crm_status st =
        restore_owned(&moved, db, owned[i].what, record, owned[i].name, survivor, merged);
    if (moved) {
      json_object_set_int_member(counts, owned[i].name, moved->len);
      g_array_unref(moved);
    }
    CRM__TRY(st);
  }
  size_t prefs = 0, attrs = 0;
  CRM__TRY(restore_preferences(&prefs, db, record, survivor, merged));
  CRM__TRY(restore_attributes(&attrs, db, record, survivor, merged));
  json_object_set_int_member(counts, "preferences", (gint64)prefs);
  json_object_set_int_member(counts, "attributes", (gint64)attrs);
  return CRM_OK;
}

static crm_status unmerge_with(crm_db *db, crm_customer_row *m_row, crm_merge_row *m)
{
  crm_customer_row s_row = {0};
  CRM__TRY(crm__customer_row(db, m->survivor, &s_row));
  int erased = s_row.status == CRM_CUSTOMER_ERASED;
  crm_customer_row_clear(&s_row);
  if (erased)
    return crm__error(CRM_EINVALID,
                      "customer %lld was erased: its merge of customer %lld cannot "
                      "be undone",
                      (long long)m->survivor, (long long)m->merged);
  CRM__TRY(check_nothing_on_top(db, m));
  JsonNode *root = NULL;
  CRM__TRY(parse_record(&root, m));
  JsonObject *record = json_node_get_object(root);
  JsonObject *counts = json_object_new();
  crm_status st = unmerge_rows(counts, db, record, m->survivor, m->merged);
  int old_status =
      (int)json_object_get_int_member_with_default(record, "status", CRM_CUSTOMER_ACTIVE);
  json_node_unref(root);
  if (st == CRM_OK)
    st = set_status(db, m_row, old_status);
  if (st == CRM_OK)
    st = crm__customer_touch(db, m->survivor);
  if (st == CRM_OK)
    st = crm__customer_keys_refresh(db, m->survivor);
  if (st == CRM_OK)
    st = crm__customer_keys_refresh(db, m->merged);
  if (st == CRM_OK) {
    m->undone_at = crm_now(db);
    st = CRM__OPS(db)->merge_update(CRM__B(db), m);
  }
  if (st != CRM_OK) {
    json_object_unref(counts);
    return st;
  }
  return emit_merge_event(db, "customer.unmerged", m->survivor, m->merged, m->id, "restored",
                          counts, NULL);
}

static crm_status unmerge_locked(crm_db *db, crm_id merged)
{
  crm_customer_row m_row = {0};
  CRM__TRY(crm__customer_row(db, merged, &m_row));
  crm_status st = CRM_OK;
  if (m_row.status != CRM_CUSTOMER_MERGED)
    st = crm__error(CRM_EINVALID, "customer %lld is not merged into another customer",
                    (long long)merged);
  crm_merge_row m = {0};
  if (st == CRM_OK)
    st = active_merge(&m, db, merged);
  if (st == CRM_OK)
    st = unmerge_with(db, &m_row, &m);
  crm_merge_row_clear(&m);
  crm_customer_row_clear(&m_row);
  return st;
}

crm_status crm_customer_unmerge(crm_db *db, crm_id merged)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(merged, "merged")) != CRM_OK)
    return st;
  crm_id survivor = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK && (st = crm__customer_resolve(&survivor, db, merged)) == CRM_OK)
    st = crm__perm_customer(db, survivor, "unmerge from");
  if (st == CRM_OK)
    st = unmerge_locked(db, merged);
  return crm__write_end(db, st);
}
