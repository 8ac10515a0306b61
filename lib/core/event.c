/*
 * The event feed: append in the change's transaction, read by sequence
 * number, named cursors, and subscribers called after commit.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct crm_event {
  int64_t seq;
  crm_time time;
  crm_id actor;
  char *kind, *entity, *payload;
  crm_id entity_id;
};

static crm_event *event_from_row(const crm_event_row *row)
{
  crm_event *ev = g_new0(crm_event, 1);
  ev->seq = row->seq;
  ev->time = row->time;
  ev->actor = row->actor;
  ev->kind = g_strdup(row->kind);
  ev->entity = g_strdup(row->entity);
  ev->entity_id = row->entity_id;
  ev->payload = g_strdup(row->payload ? row->payload : "{}");
  return ev;
}

void crm__json_set_id(JsonObject *o, const char *name, crm_id id)
{
  if (id > 0)
    json_object_set_int_member(o, name, id);
  else
    json_object_set_null_member(o, name);
}

void crm__json_set_str(JsonObject *o, const char *name, const char *s)
{
  if (s)
    json_object_set_string_member(o, name, s);
  else
    json_object_set_null_member(o, name);
}

/* A flat payload (integers, strings, booleans, nulls) is written by
   crm__payload, anything else by json-glib's generator: the same text. */
char *crm__json_text(JsonObject *payload)
{
  JsonObject *o = payload ? payload : json_object_new();
  crm__payload flat;
  crm__payload_init(&flat);
  JsonObjectIter it;
  const char *name;
  JsonNode *node;
  int is_flat = 1;
  json_object_iter_init_ordered(&it, o);
  while (is_flat && json_object_iter_next_ordered(&it, &name, &node))
    is_flat = crm__payload_add(&flat, name, node);
  if (is_flat) {
    json_object_unref(o);
    return crm__payload_end(&flat);
  }
  crm__payload_clear(&flat);
  JsonNode *root = json_node_new(JSON_NODE_OBJECT);
  json_node_take_object(root, o);
  char *text = json_to_string(root, FALSE);
  json_node_unref(root);
  return text;
}

/* The event row of `text` (taken) appended, and kept for the subscribers. */
static crm_status emit_text(crm_db *db, const char *kind, const char *entity, crm_id entity_id,
                            char *text)
{
  g_return_val_if_fail(db->call_depth > 0 || db->explicit_txn, CRM_ERROR);
  crm_event_row row = {0};
  row.time = crm_now(db);
  row.actor = db->actor;
  row.kind = (char *)kind;
  row.entity = (char *)entity;
  row.entity_id = entity_id;
  row.payload = text;
  crm_status st = CRM__OPS(db)->event_append(CRM__B(db), &row);
  if (st == CRM_OK)
    g_ptr_array_add(db->pending, event_from_row(&row));
  g_free(text);
  return st;
}

crm_status crm__event_emit(crm_db *db, const char *kind, const char *entity, crm_id entity_id,
                           JsonObject *payload)
{
  return emit_text(db, kind, entity, entity_id, crm__json_text(payload));
}

crm_status crm__event_emit_payload(crm_db *db, const char *kind, const char *entity,
                                   crm_id entity_id, crm__payload *payload)
{
  return emit_text(db, kind, entity, entity_id, crm__payload_end(payload));
}

/* ------------------------------------------------------------------ */
/* subscriptions                                                        */

crm_status crm_subscribe(int *out_token, crm_db *db, const char *kind_prefix, crm_event_fn cb,
                         void *payload)
{
  crm_status st;
  if ((st = crm__check_ptr(out_token, "out_token")) != CRM_OK)
    return st;
  *out_token = 0;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_text(kind_prefix, "kind_prefix", 0)) != CRM_OK ||
      (st = crm__check_ptr(kind_prefix, "kind_prefix")) != CRM_OK ||
      (st = crm__check_ptr((const void *)(uintptr_t)cb, "cb")) != CRM_OK)
    return st;
  crm__subscription sub = {db->next_token++, g_strdup(kind_prefix), cb, payload, 0};
  g_array_append_val(db->subscriptions, sub);
  *out_token = sub.token;
  return CRM_OK;
}

static void subscription_clear(crm__subscription *s)
{
  g_free(s->prefix);
  s->prefix = NULL;
}

/* Drop dead subscriptions, unless a delivery is walking the array. */
static void compact_subscriptions(crm_db *db)
{
  if (db->delivering)
    return;
  for (guint i = db->subscriptions->len; i-- > 0;) {
    crm__subscription *s = &g_array_index(db->subscriptions, crm__subscription, i);
    if (s->dead) {
      subscription_clear(s);
      g_array_remove_index(db->subscriptions, i);
    }
  }
}

crm_status crm_unsubscribe(crm_db *db, int token)
{
  if (db == NULL)
    return crm__error(CRM_EINVALID, "db must not be NULL");
  for (guint i = 0; db->subscriptions && i < db->subscriptions->len; i++) {
    crm__subscription *s = &g_array_index(db->subscriptions, crm__subscription, i);
    if (s->token == token && !s->dead) {
      s->dead = 1;
      compact_subscriptions(db);
      return CRM_OK;
    }
  }
  return crm__error(CRM_ENOTFOUND, "no subscription with token %d on this handle", token);
}

void crm__subscriptions_free(crm_db *db)
{
  if (db->subscriptions == NULL)
    return;
  for (guint i = 0; i < db->subscriptions->len; i++)
    subscription_clear(&g_array_index(db->subscriptions, crm__subscription, i));
  g_array_unref(db->subscriptions);
  db->subscriptions = NULL;
}

void crm__events_discard(crm_db *db)
{
  if (db->pending)
    g_ptr_array_set_size(db->pending, 0);
}

static void deliver_one(crm_db *db, const crm_event *ev)
{
  /* Subscriptions added during delivery are not called for this event. */
  guint n = db->subscriptions->len;
  for (guint i = 0; i < n && db->subscriptions; i++) {
    crm__subscription *s = &g_array_index(db->subscriptions, crm__subscription, i);
    if (s->dead || !g_str_has_prefix(ev->kind, s->prefix))
      continue;
    /* the array may have grown (and moved), or been freed by crm_close,
       during the callback: index it again */
    if (s->cb(ev, s->payload) != 0 && db->subscriptions)
      g_array_index(db->subscriptions, crm__subscription, i).dead = 1;
  }
}

void crm__events_deliver(crm_db *db)
{
  if (db->delivering || db->pending == NULL || db->pending->len == 0)
    return;
  crm__db_ref(db); /* a callback may crm_close the handle */
  db->delivering = 1;
  /* A callback may write (its events join `pending`, delivered in the next
     round) or open a transaction with crm_begin (its events wait for that
     crm_commit, which delivers them). */
  while (db->pending && db->pending->len > 0 && db->subscriptions && !db->explicit_txn) {
    GPtrArray *batch = db->pending;
    db->pending = g_ptr_array_new_with_free_func((GDestroyNotify)crm_event_free);
    for (guint i = 0; i < batch->len && db->subscriptions; i++)
      deliver_one(db, g_ptr_array_index(batch, i));
    g_ptr_array_unref(batch);
    if (db->backend == NULL) { /* closed by a callback */
      if (db->pending) {
        g_ptr_array_unref(db->pending);
        db->pending = NULL;
      }
    }
  }
  if (db->pending && !db->explicit_txn)
    g_ptr_array_set_size(db->pending, 0);
  db->delivering = 0;
  if (db->subscriptions)
    compact_subscriptions(db);
  crm__db_unref(db);
}

/* ------------------------------------------------------------------ */
/* reading the feed                                                     */

struct crm_event_iterator {
  crm__pager *pager;
};

typedef struct {
  int64_t after_seq;
} feed_state;

static int collect_event(const void *row, void *payload)
{
  GPtrArray *items = payload;
  g_ptr_array_add(items, event_from_row(row));
  return 0;
}

static crm_status fetch_events(crm__pager *p, unsigned int want, GPtrArray *items)
{
  feed_state *fs = p->state;
  crm_status st =
      CRM__OPS(p->db)->event_list(CRM__B(p->db), fs->after_seq, want, collect_event, items);
  if (st == CRM_OK && items->len > 0)
    fs->after_seq = ((crm_event *)g_ptr_array_index(items, items->len - 1))->seq;
  return st;
}

crm_status crm_event_iterator_new(crm_event_iterator **out, crm_db *db, int64_t after_seq)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK)
    return st;
  if (after_seq < 0)
    return crm__error(CRM_EINVALID, "after_seq %lld must not be negative", (long long)after_seq);
  feed_state *fs = g_new0(feed_state, 1);
  fs->after_seq = after_seq;
  crm_event_iterator *it = g_new0(crm_event_iterator, 1);
  it->pager = crm__pager_new(db, fetch_events, (GDestroyNotify)crm_event_free, 0, fs, g_free);
  crm__pager_filter(it->pager, crm__visible_event);
  *out = it;
  return CRM_OK;
}

crm_status crm_event_next(crm_event **out, crm_event_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_event_iterator_free(crm_event_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

int64_t crm_event_seq(const crm_event *ev)
{
  return ev ? ev->seq : 0;
}

crm_time crm_event_time(const crm_event *ev)
{
  return ev ? ev->time : 0;
}

crm_id crm_event_actor(const crm_event *ev)
{
  return ev ? ev->actor : 0;
}

const char *crm_event_kind(const crm_event *ev)
{
  return ev ? ev->kind : NULL;
}

const char *crm_event_entity(const crm_event *ev)
{
  return ev ? ev->entity : NULL;
}

crm_id crm_event_entity_id(const crm_event *ev)
{
  return ev ? ev->entity_id : 0;
}

const char *crm_event_payload(const crm_event *ev)
{
  return ev ? ev->payload : NULL;
}

crm_event *crm_event_dup(const crm_event *ev)
{
  if (ev == NULL)
    return NULL;
  crm_event_row row = {ev->seq,    ev->time,      ev->actor,  ev->kind,
                       ev->entity, ev->entity_id, ev->payload};
  return event_from_row(&row);
}

void crm_event_free(crm_event *ev)
{
  if (ev == NULL)
    return;
  g_free(ev->kind);
  g_free(ev->entity);
  g_free(ev->payload);
  g_free(ev);
}

/* ------------------------------------------------------------------ */
/* named cursors                                                        */

crm_status crm_event_cursor_get(int64_t *out_seq, crm_db *db, const char *consumer)
{
  crm_status st;
  if ((st = crm__check_ptr(out_seq, "out_seq")) != CRM_OK)
    return st;
  *out_seq = 0;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_text(consumer, "consumer", 1)) != CRM_OK)
    return st;
  int64_t seq = 0;
  st = CRM__OPS(db)->cursor_get(CRM__B(db), consumer, &seq);
  if (st == CRM_ENOTFOUND)
    return CRM_OK;
  if (st == CRM_OK)
    *out_seq = seq;
  return st;
}

crm_status crm_event_cursor_set(crm_db *db, const char *consumer, int64_t seq)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_text(consumer, "consumer", 1)) != CRM_OK)
    return st;
  if (seq < 0)
    return crm__error(CRM_EINVALID, "seq %lld must not be negative", (long long)seq);
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = CRM__OPS(db)->cursor_set(CRM__B(db), consumer, seq);
  return crm__write_end(db, st);
}
