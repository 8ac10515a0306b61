/*
 * Unit tests: the event feed (one event per change, in the change's
 * transaction), iterators, named cursors and subscriptions.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

/* Every event with seq > after_seq (owned crm_event*). */
static GPtrArray *events_after(crm_db *db, int64_t after_seq)
{
  GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)crm_event_free);
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, after_seq));
  crm_event *ev = NULL;
  crm_status st;
  while ((st = crm_event_next(&ev, it)) == CRM_OK)
    g_ptr_array_add(all, ev);
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(ev);
  crm_event_iterator_free(it);
  return all;
}

/* The seq of the newest event (0: none). */
static int64_t last_seq(crm_db *db)
{
  GPtrArray *all = events_after(db, 0);
  int64_t seq = all->len ? crm_event_seq(g_ptr_array_index(all, all->len - 1)) : 0;
  g_ptr_array_unref(all);
  return seq;
}

/* The payload parsed; `parser` owns the object. */
static JsonObject *payload_object(const crm_event *ev, JsonParser *parser)
{
  GError *err = NULL;
  assert_non_null(crm_event_payload(ev));
  if (!json_parser_load_from_data(parser, crm_event_payload(ev), -1, &err))
    fail_msg("payload %s is not JSON: %s", crm_event_payload(ev), err->message);
  JsonNode *root = json_parser_get_root(parser);
  assert_non_null(root);
  assert_true(JSON_NODE_HOLDS_OBJECT(root));
  return json_node_get_object(root);
}

static void assert_int_member(JsonObject *o, const char *name, int64_t want)
{
  assert_true(json_object_has_member(o, name));
  JsonNode *n = json_object_get_member(o, name);
  assert_true(JSON_NODE_HOLDS_VALUE(n));
  assert_int_equal(json_node_get_value_type(n), G_TYPE_INT64);
  assert_int_equal(json_node_get_int(n), want);
}

static void assert_str_member(JsonObject *o, const char *name, const char *want)
{
  assert_true(json_object_has_member(o, name));
  JsonNode *n = json_object_get_member(o, name);
  assert_true(JSON_NODE_HOLDS_VALUE(n));
  assert_int_equal(json_node_get_value_type(n), G_TYPE_STRING);
  assert_string_equal(json_node_get_string(n), want);
}

static crm_id make_customer(crm_db *db, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, db, name));
  assert_true(id > 0);
  return id;
}

/* ------------------------------------------------------------------ */
/* one event per change                                                 */

static void customer_create_appends_one_event(void **state)
{
  crm_test_db *t = *state;
  int64_t before = last_seq(t->db);
  long count = crm_test_count_events(t->db);
  t->now = CRM_TEST_T0 + 1234;
  crm_id id = make_customer(t->db, "Ada Lovelace");
  assert_int_equal(crm_test_count_events(t->db), count + 1);

  GPtrArray *fresh = events_after(t->db, before);
  assert_int_equal(fresh->len, 1);
  const crm_event *ev = g_ptr_array_index(fresh, 0);
  assert_true(crm_event_seq(ev) > before);
  assert_string_equal(crm_event_kind(ev), "customer.created");
  assert_string_equal(crm_event_entity(ev), "customer");
  assert_int_equal(crm_event_entity_id(ev), id);
  assert_int_equal(crm_event_actor(ev), 0);
  assert_int_equal(crm_event_time(ev), CRM_TEST_T0 + 1234);
  JsonParser *parser = json_parser_new();
  JsonObject *o = payload_object(ev, parser);
  assert_int_member(o, "customer", id);
  assert_str_member(o, "display_name", "Ada Lovelace");
  g_object_unref(parser);
  g_ptr_array_unref(fresh);
}

/* Payloads are exactly the text json-glib writes for them (libcrm writes
   flat payloads itself): names and values with characters JSON escapes
   or that look special, ASCII and beyond, nulls and integers. */
static void payloads_are_json_glib_text(void **state)
{
  crm_test_db *t = *state;
  int64_t before = last_seq(t->db);
  const char *names[] = {"Plain Name",        "Quote \" only",
                         "Back\\slash only",  "Tab\tnew\nline",
                         "</script> & 'x' /", "Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80",
                         "\x7f del \x01 ctl"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    crm_id id = make_customer(t->db, names[i]);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer = id;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_INBOUND;
    s.subject = names[i];
    s.external_ref = names[i];
    crm_id ix = 0;
    assert_crm_ok(crm_interaction_record(&ix, t->db, &s));
  }
  GPtrArray *fresh = events_after(t->db, before);
  assert_true(fresh->len >= 3 * G_N_ELEMENTS(names));
  for (guint i = 0; i < fresh->len; i++) {
    const crm_event *ev = g_ptr_array_index(fresh, i);
    JsonParser *parser = json_parser_new();
    JsonObject *o = payload_object(ev, parser);
    JsonNode *root = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(root, o);
    char *again = json_to_string(root, FALSE);
    assert_string_equal(crm_event_payload(ev), again);
    g_free(again);
    json_node_unref(root);
    g_object_unref(parser);
  }
  g_ptr_array_unref(fresh);
}

static void failed_change_appends_nothing(void **state)
{
  crm_test_db *t = *state;
  make_customer(t->db, "Ada");
  long count = crm_test_count_events(t->db);
  long rows = crm_test_count_all_rows(t);
  crm_id id = 5;
  assert_crm_error(crm_customer_create(&id, t->db, ""), CRM_EINVALID, NULL);
  assert_int_equal(id, 0);
  assert_crm_error(crm_customer_create(&id, t->db, "\xff\xfe"), CRM_EINVALID, NULL);
  assert_int_equal(crm_test_count_events(t->db), count);
  assert_int_equal(crm_test_count_all_rows(t), rows);
}

static void actor_is_the_handles_option(void **state)
{
  crm_test_db *t = *state;
  crm_id agent = 0;
  t->now = CRM_TEST_T0 + 10;
  assert_crm_ok(crm_agent_create(&agent, t->db, "Grace Hopper", "Grace@Example.com"));
  /* created by the system handle (actor 0) */
  GPtrArray *all = events_after(t->db, 0);
  const crm_event *ev = g_ptr_array_index(all, all->len - 1);
  assert_string_equal(crm_event_kind(ev), "agent.created");
  assert_string_equal(crm_event_entity(ev), "agent");
  assert_int_equal(crm_event_entity_id(ev), agent);
  assert_int_equal(crm_event_actor(ev), 0);
  assert_int_equal(crm_event_time(ev), CRM_TEST_T0 + 10);
  JsonParser *parser = json_parser_new();
  JsonObject *o = payload_object(ev, parser);
  assert_int_member(o, "agent", agent);
  assert_str_member(o, "name", "Grace Hopper");
  assert_str_member(o, "email", "grace@example.com");
  g_object_unref(parser);
  g_ptr_array_unref(all);

  /* a handle opened with opts.actor = agent signs its events */
  t->opts.actor = agent;
  crm_db *as_agent = crm_test_db_open_another(t);
  t->now = CRM_TEST_T0 + 20;
  crm_id c = make_customer(as_agent, "Ada");
  all = events_after(t->db, 0);
  ev = g_ptr_array_index(all, all->len - 1);
  assert_string_equal(crm_event_kind(ev), "customer.created");
  assert_int_equal(crm_event_entity_id(ev), c);
  assert_int_equal(crm_event_actor(ev), agent);
  assert_int_equal(crm_event_time(ev), CRM_TEST_T0 + 20);
  g_ptr_array_unref(all);

  /* and the system handle still signs with 0 */
  make_customer(t->db, "Bob");
  all = events_after(t->db, 0);
  assert_int_equal(crm_event_actor(g_ptr_array_index(all, all->len - 1)), 0);
  g_ptr_array_unref(all);
  crm_close(as_agent);
}

static void queue_and_setting_payloads(void **state)
{
  crm_test_db *t = *state;
  crm_id q = 0;
  int64_t before = last_seq(t->db);
  assert_crm_ok(crm_queue_create(&q, t->db, "Billing"));
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "60"));
  GPtrArray *fresh = events_after(t->db, before);
  assert_int_equal(fresh->len, 2);

  const crm_event *ev = g_ptr_array_index(fresh, 0);
  assert_string_equal(crm_event_kind(ev), "queue.created");
  assert_string_equal(crm_event_entity(ev), "queue");
  assert_int_equal(crm_event_entity_id(ev), q);
  JsonParser *parser = json_parser_new();
  JsonObject *o = payload_object(ev, parser);
  assert_int_member(o, "queue", q);
  assert_str_member(o, "name", "Billing");
  g_object_unref(parser);

  ev = g_ptr_array_index(fresh, 1);
  assert_string_equal(crm_event_kind(ev), "setting.changed");
  assert_string_equal(crm_event_entity(ev), "setting");
  assert_int_equal(crm_event_entity_id(ev), 0);
  parser = json_parser_new();
  o = payload_object(ev, parser);
  assert_str_member(o, "name", "reopen_window");
  assert_str_member(o, "value", "60");
  g_object_unref(parser);
  g_ptr_array_unref(fresh);
}

static void seq_strictly_increasing(void **state)
{
  crm_test_db *t = *state;
  crm_db *other = crm_test_db_open_another(t);
  for (int i = 0; i < 5; i++) {
    char *name = g_strdup_printf("customer %d", i);
    make_customer(i % 2 ? other : t->db, name);
    g_free(name);
  }
  assert_crm_ok(crm_setting_set(other, "subject_tag", "[%id]"));
  GPtrArray *all = events_after(t->db, 0);
  assert_true(all->len >= 6);
  int64_t prev = 0;
  for (guint i = 0; i < all->len; i++) {
    int64_t seq = crm_event_seq(g_ptr_array_index(all, i));
    assert_true(seq > prev);
    prev = seq;
  }
  g_ptr_array_unref(all);
  crm_close(other);
}

/* ------------------------------------------------------------------ */
/* iterators                                                            */

static void iterator_after_seq(void **state)
{
  crm_test_db *t = *state;
  crm_id ids[4];
  for (int i = 0; i < 4; i++)
    ids[i] = make_customer(t->db, "someone");
  GPtrArray *all = events_after(t->db, 0);
  assert_true(all->len >= 4);
  /* the last four are ours, in order */
  for (int i = 0; i < 4; i++)
    assert_int_equal(crm_event_entity_id(g_ptr_array_index(all, all->len - 4 + i)), ids[i]);

  /* from the middle: exactly the ones after it */
  guint mid = all->len / 2;
  int64_t mid_seq = crm_event_seq(g_ptr_array_index(all, mid));
  GPtrArray *rest = events_after(t->db, mid_seq);
  assert_int_equal(rest->len, all->len - mid - 1);
  for (guint i = 0; i < rest->len; i++)
    assert_int_equal(crm_event_seq(g_ptr_array_index(rest, i)),
                     crm_event_seq(g_ptr_array_index(all, mid + 1 + i)));
  g_ptr_array_unref(rest);

  /* from the last one, or past it: nothing */
  int64_t last = crm_event_seq(g_ptr_array_index(all, all->len - 1));
  rest = events_after(t->db, last);
  assert_int_equal(rest->len, 0);
  g_ptr_array_unref(rest);
  rest = events_after(t->db, last + 1000);
  assert_int_equal(rest->len, 0);
  g_ptr_array_unref(rest);
  g_ptr_array_unref(all);
}

static void iterator_sees_later_commits(void **state)
{
  crm_test_db *t = *state;
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, last_seq(t->db)));
  crm_event *ev = NULL;
  assert_int_equal(crm_event_next(&ev, it), CRM_ITEROVER);
  assert_null(ev);

  crm_id a = make_customer(t->db, "Ada");
  assert_crm_ok(crm_event_next(&ev, it));
  assert_int_equal(crm_event_entity_id(ev), a);
  crm_event_free(ev);
  assert_int_equal(crm_event_next(&ev, it), CRM_ITEROVER);

  /* also when written by another handle */
  crm_db *other = crm_test_db_open_another(t);
  crm_id b = make_customer(other, "Bob");
  crm_id c = make_customer(other, "Carl");
  assert_crm_ok(crm_event_next(&ev, it));
  assert_int_equal(crm_event_entity_id(ev), b);
  crm_event_free(ev);
  assert_crm_ok(crm_event_next(&ev, it));
  assert_int_equal(crm_event_entity_id(ev), c);
  crm_event_free(ev);
  assert_int_equal(crm_event_next(&ev, it), CRM_ITEROVER);
  crm_event_iterator_free(it);
  crm_close(other);
}

static void iterator_pages_through_many(void **state)
{
  crm_test_db *t = *state;
  /* more than one page (256) in one transaction */
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 600; i++)
    make_customer(t->db, "bulk");
  assert_crm_ok(crm_commit(t->db));
  GPtrArray *all = events_after(t->db, 0);
  assert_int_equal(all->len, 600);
  int64_t prev = 0;
  for (guint i = 0; i < all->len; i++) {
    assert_true(crm_event_seq(g_ptr_array_index(all, i)) > prev);
    prev = crm_event_seq(g_ptr_array_index(all, i));
  }
  g_ptr_array_unref(all);
}

static void iterator_arguments(void **state)
{
  crm_test_db *t = *state;
  crm_event_iterator *it = (crm_event_iterator *)(uintptr_t)0x1;
  assert_crm_error(crm_event_iterator_new(&it, t->db, -1), CRM_EINVALID, "-1");
  assert_null(it);
  it = (crm_event_iterator *)(uintptr_t)0x1;
  assert_crm_error(crm_event_iterator_new(&it, NULL, 0), CRM_EINVALID, "db");
  assert_null(it);
  assert_crm_error(crm_event_iterator_new(NULL, t->db, 0), CRM_EINVALID, "out");

  crm_event *ev = (crm_event *)(uintptr_t)0x1;
  assert_crm_error(crm_event_next(&ev, NULL), CRM_EINVALID, "iterator");
  assert_null(ev);
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  assert_crm_error(crm_event_next(NULL, it), CRM_EINVALID, "out");
  crm_event_iterator_free(it);
  crm_event_iterator_free(NULL);
}

static void event_getters_and_dup(void **state)
{
  crm_test_db *t = *state;
  assert_int_equal(crm_event_seq(NULL), 0);
  assert_int_equal(crm_event_time(NULL), 0);
  assert_int_equal(crm_event_actor(NULL), 0);
  assert_null(crm_event_kind(NULL));
  assert_null(crm_event_entity(NULL));
  assert_int_equal(crm_event_entity_id(NULL), 0);
  assert_null(crm_event_payload(NULL));
  assert_null(crm_event_dup(NULL));
  crm_event_free(NULL);

  crm_id a = make_customer(t->db, "Ada");
  GPtrArray *all = events_after(t->db, 0);
  const crm_event *ev = g_ptr_array_index(all, all->len - 1);
  crm_event *copy = crm_event_dup(ev);
  assert_non_null(copy);
  assert_int_equal(crm_event_seq(copy), crm_event_seq(ev));
  assert_int_equal(crm_event_time(copy), crm_event_time(ev));
  assert_int_equal(crm_event_actor(copy), crm_event_actor(ev));
  assert_string_equal(crm_event_kind(copy), crm_event_kind(ev));
  assert_string_equal(crm_event_entity(copy), crm_event_entity(ev));
  assert_int_equal(crm_event_entity_id(copy), a);
  assert_string_equal(crm_event_payload(copy), crm_event_payload(ev));
  /* the copy owns its strings */
  assert_true(crm_event_kind(copy) != crm_event_kind(ev));
  g_ptr_array_unref(all);
  assert_string_equal(crm_event_kind(copy), "customer.created");
  crm_event_free(copy);
}

/* ------------------------------------------------------------------ */
/* cursors                                                              */

static void cursors(void **state)
{
  crm_test_db *t = *state;
  int64_t seq = 99;
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "mailer"));
  assert_int_equal(seq, 0);

  assert_crm_ok(crm_event_cursor_set(t->db, "mailer", 17));
  assert_crm_ok(crm_event_cursor_set(t->db, "exporter", 3));
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "mailer"));
  assert_int_equal(seq, 17);
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "exporter"));
  assert_int_equal(seq, 3);
  /* moves both ways, back to 0 too */
  assert_crm_ok(crm_event_cursor_set(t->db, "mailer", 5));
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "mailer"));
  assert_int_equal(seq, 5);
  assert_crm_ok(crm_event_cursor_set(t->db, "exporter", 0));
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "exporter"));
  assert_int_equal(seq, 0);
  /* UTF-8 names are distinct keys */
  assert_crm_ok(crm_event_cursor_set(t->db, "città", 8));
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "citta"));
  assert_int_equal(seq, 0);

  /* stored in the database: other handles and reopened ones see them */
  crm_db *other = crm_test_db_open_another(t);
  assert_crm_ok(crm_event_cursor_get(&seq, other, "mailer"));
  assert_int_equal(seq, 5);
  crm_close(other);
  crm_test_db_reopen(t);
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "mailer"));
  assert_int_equal(seq, 5);
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "città"));
  assert_int_equal(seq, 8);
}

static void cursor_rolled_back_with_transaction(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_event_cursor_set(t->db, "mailer", 4));
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_event_cursor_set(t->db, "mailer", 9));
  assert_crm_ok(crm_rollback(t->db));
  int64_t seq = 0;
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "mailer"));
  assert_int_equal(seq, 4);
}

static void cursor_arguments(void **state)
{
  crm_test_db *t = *state;
  long rows = crm_test_count_all_rows(t);
  int64_t seq = 99;
  assert_crm_error(crm_event_cursor_get(NULL, t->db, "x"), CRM_EINVALID, "out_seq");
  assert_crm_error(crm_event_cursor_get(&seq, NULL, "x"), CRM_EINVALID, "db");
  assert_int_equal(seq, 0);
  seq = 99;
  assert_crm_error(crm_event_cursor_get(&seq, t->db, NULL), CRM_EINVALID, "consumer");
  assert_int_equal(seq, 0);
  seq = 99;
  assert_crm_error(crm_event_cursor_get(&seq, t->db, ""), CRM_EINVALID, "consumer");
  assert_int_equal(seq, 0);
  seq = 99;
  assert_crm_error(crm_event_cursor_get(&seq, t->db, "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_int_equal(seq, 0);

  assert_crm_error(crm_event_cursor_set(NULL, "x", 1), CRM_EINVALID, "db");
  assert_crm_error(crm_event_cursor_set(t->db, NULL, 1), CRM_EINVALID, "consumer");
  assert_crm_error(crm_event_cursor_set(t->db, "", 1), CRM_EINVALID, "consumer");
  assert_crm_error(crm_event_cursor_set(t->db, "\xff\xfe", 1), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_event_cursor_set(t->db, "x", -1), CRM_EINVALID, "-1");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_crm_ok(crm_event_cursor_get(&seq, t->db, "x"));
  assert_int_equal(seq, 0);
}

/* ------------------------------------------------------------------ */
/* subscriptions                                                        */

/* What a recording subscriber saw. */
typedef struct recorder {
  GPtrArray *kinds; /* g_strdup'd */
  GArray *seqs;     /* int64_t */
  int stop_after;   /* return non-zero on this call (1-based); 0: never */
  crm_db *db;       /* for callbacks that call back into libcrm */
  crm_db *reader;   /* another handle, to check the event is committed */
  int token;
  int committed;         /* every event was readable through `reader` */
  crm_status unsub;      /* unsubscribe_self: what its crm_unsubscribe returned */
  struct recorder *late; /* subscribe_more: the recorder it subscribes */
} recorder;

static void recorder_init(recorder *r)
{
  memset(r, 0, sizeof *r);
  r->kinds = g_ptr_array_new_with_free_func(g_free);
  r->seqs = g_array_new(FALSE, FALSE, sizeof(int64_t));
  r->committed = 1;
}

static void recorder_clear(recorder *r)
{
  g_ptr_array_unref(r->kinds);
  g_array_unref(r->seqs);
}

static const char *kind_at(recorder *r, guint i)
{
  assert_true(i < r->kinds->len);
  return g_ptr_array_index(r->kinds, i);
}

/* 1 when the event with this seq can be read through another handle. */
static int readable_elsewhere(crm_db *reader, int64_t seq)
{
  crm_event_iterator *it = NULL;
  if (crm_event_iterator_new(&it, reader, seq - 1) != CRM_OK)
    return 0;
  crm_event *ev = NULL;
  int found = crm_event_next(&ev, it) == CRM_OK && crm_event_seq(ev) == seq;
  crm_event_free(ev);
  crm_event_iterator_free(it);
  return found;
}

static int record(const crm_event *ev, void *payload)
{
  recorder *r = payload;
  int64_t seq = crm_event_seq(ev);
  g_ptr_array_add(r->kinds, g_strdup(crm_event_kind(ev)));
  g_array_append_val(r->seqs, seq);
  if (r->reader && !readable_elsewhere(r->reader, seq))
    r->committed = 0;
  return r->stop_after && (int)r->kinds->len == r->stop_after;
}

static void subscribe_by_prefix(void **state)
{
  crm_test_db *t = *state;
  recorder all, customers, settings;
  recorder_init(&all);
  recorder_init(&customers);
  recorder_init(&settings);
  int t1 = 0, t2 = 0, t3 = 0;
  assert_crm_ok(crm_subscribe(&t1, t->db, "", record, &all));
  assert_crm_ok(crm_subscribe(&t2, t->db, "customer.", record, &customers));
  assert_crm_ok(crm_subscribe(&t3, t->db, "setting.changed", record, &settings));
  assert_true(t1 != 0 && t2 != 0 && t3 != 0);
  assert_true(t1 != t2 && t2 != t3 && t1 != t3);

  crm_id q = 0;
  make_customer(t->db, "Ada");
  assert_crm_ok(crm_queue_create(&q, t->db, "billing"));
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "60"));
  make_customer(t->db, "Bob");

  assert_int_equal(all.kinds->len, 4);
  assert_string_equal(kind_at(&all, 0), "customer.created");
  assert_string_equal(kind_at(&all, 1), "queue.created");
  assert_string_equal(kind_at(&all, 2), "setting.changed");
  assert_string_equal(kind_at(&all, 3), "customer.created");
  assert_int_equal(customers.kinds->len, 2);
  assert_string_equal(kind_at(&customers, 0), "customer.created");
  assert_string_equal(kind_at(&customers, 1), "customer.created");
  assert_int_equal(settings.kinds->len, 1);
  assert_string_equal(kind_at(&settings, 0), "setting.changed");

  /* the seqs the subscriber saw are the feed's */
  GPtrArray *feed = events_after(t->db, 0);
  assert_int_equal(feed->len, 4);
  for (guint i = 0; i < feed->len; i++)
    assert_int_equal(g_array_index(all.seqs, int64_t, i),
                     crm_event_seq(g_ptr_array_index(feed, i)));
  g_ptr_array_unref(feed);

  /* a failed call calls nobody */
  crm_id bad = 0;
  assert_int_equal(crm_customer_create(&bad, t->db, ""), CRM_EINVALID);
  assert_int_equal(all.kinds->len, 4);

  recorder_clear(&all);
  recorder_clear(&customers);
  recorder_clear(&settings);
}

static void called_after_commit(void **state)
{
  crm_test_db *t = *state;
  recorder r;
  recorder_init(&r);
  r.reader = crm_test_db_open_another(t);
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", record, &r));
  make_customer(t->db, "Ada");
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "[%id]"));
  assert_int_equal(r.kinds->len, 2);
  /* while the callback ran, its event was already visible to others */
  assert_true(r.committed);
  crm_close(r.reader);
  recorder_clear(&r);
}

static void never_for_rolled_back_work(void **state)
{
  crm_test_db *t = *state;
  recorder r;
  recorder_init(&r);
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", record, &r));
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Ada");
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "1"));
  assert_int_equal(r.kinds->len, 0);
  assert_crm_ok(crm_rollback(t->db));
  assert_int_equal(r.kinds->len, 0);

  /* nor later, with the next commit */
  make_customer(t->db, "Bob");
  assert_int_equal(r.kinds->len, 1);

  /* a call that failed inside a committed transaction: only the others */
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Carl");
  crm_id bad = 0;
  assert_int_equal(crm_customer_create(&bad, t->db, ""), CRM_EINVALID);
  assert_int_equal(crm_setting_set(t->db, "subject_tag", "nothing"), CRM_EINVALID);
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(r.kinds->len, 2);
  recorder_clear(&r);
}

static void delivered_after_commit_in_order(void **state)
{
  crm_test_db *t = *state;
  recorder r;
  recorder_init(&r);
  r.reader = crm_test_db_open_another(t);
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", record, &r));
  int64_t before = last_seq(t->db);
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Ada");
  crm_id q = 0;
  assert_crm_ok(crm_queue_create(&q, t->db, "billing"));
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "1"));
  assert_int_equal(r.kinds->len, 0);
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(r.kinds->len, 3);
  assert_string_equal(kind_at(&r, 0), "customer.created");
  assert_string_equal(kind_at(&r, 1), "queue.created");
  assert_string_equal(kind_at(&r, 2), "setting.changed");
  int64_t prev = before;
  for (guint i = 0; i < r.seqs->len; i++) {
    assert_true(g_array_index(r.seqs, int64_t, i) > prev);
    prev = g_array_index(r.seqs, int64_t, i);
  }
  assert_true(r.committed);
  crm_close(r.reader);
  recorder_clear(&r);
}

static void nonzero_return_unsubscribes(void **state)
{
  crm_test_db *t = *state;
  recorder once, always;
  recorder_init(&once);
  recorder_init(&always);
  once.stop_after = 1;
  int t1 = 0, t2 = 0;
  assert_crm_ok(crm_subscribe(&t1, t->db, "", record, &once));
  assert_crm_ok(crm_subscribe(&t2, t->db, "", record, &always));
  make_customer(t->db, "Ada");
  make_customer(t->db, "Bob");
  assert_int_equal(once.kinds->len, 1);
  assert_int_equal(always.kinds->len, 2);
  /* gone: unsubscribing again finds nothing */
  assert_crm_error(crm_unsubscribe(t->db, t1), CRM_ENOTFOUND, NULL);
  assert_crm_ok(crm_unsubscribe(t->db, t2));
  make_customer(t->db, "Carl");
  assert_int_equal(always.kinds->len, 2);

  /* within one batch: stops in the middle of a transaction's events */
  recorder two;
  recorder_init(&two);
  two.stop_after = 2;
  assert_crm_ok(crm_subscribe(&t1, t->db, "", record, &two));
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 4; i++)
    make_customer(t->db, "bulk");
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(two.kinds->len, 2);
  recorder_clear(&once);
  recorder_clear(&always);
  recorder_clear(&two);
}

static void unsubscribe(void **state)
{
  crm_test_db *t = *state;
  assert_crm_error(crm_unsubscribe(t->db, 12345), CRM_ENOTFOUND, "12345");
  assert_crm_error(crm_unsubscribe(t->db, 0), CRM_ENOTFOUND, NULL);
  assert_crm_error(crm_unsubscribe(NULL, 1), CRM_EINVALID, "db");
  recorder r;
  recorder_init(&r);
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", record, &r));
  make_customer(t->db, "Ada");
  assert_int_equal(r.kinds->len, 1);
  assert_crm_ok(crm_unsubscribe(t->db, token));
  make_customer(t->db, "Bob");
  assert_int_equal(r.kinds->len, 1);
  assert_crm_error(crm_unsubscribe(t->db, token), CRM_ENOTFOUND, NULL);
  /* a token is never reused */
  int again = 0;
  assert_crm_ok(crm_subscribe(&again, t->db, "", record, &r));
  assert_true(again != token);
  recorder_clear(&r);
}

static int null_payload_calls;

static int count_null_payload(const crm_event *ev, void *payload)
{
  (void)ev;
  if (payload == NULL)
    null_payload_calls++;
  return 0;
}

static void subscribe_arguments(void **state)
{
  crm_test_db *t = *state;
  recorder r;
  recorder_init(&r);
  int token = 99;
  assert_crm_error(crm_subscribe(NULL, t->db, "", record, &r), CRM_EINVALID, "out_token");
  assert_crm_error(crm_subscribe(&token, NULL, "", record, &r), CRM_EINVALID, "db");
  assert_int_equal(token, 0);
  token = 99;
  assert_crm_error(crm_subscribe(&token, t->db, NULL, record, &r), CRM_EINVALID, "kind_prefix");
  assert_int_equal(token, 0);
  token = 99;
  assert_crm_error(crm_subscribe(&token, t->db, "case.\xff", record, &r), CRM_EINVALID, "UTF-8");
  assert_int_equal(token, 0);
  token = 99;
  assert_crm_error(crm_subscribe(&token, t->db, "", NULL, &r), CRM_EINVALID, "cb");
  assert_int_equal(token, 0);
  /* none of them subscribed anything */
  make_customer(t->db, "Ada");
  assert_int_equal(r.kinds->len, 0);
  /* payload may be NULL */
  null_payload_calls = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "customer.", count_null_payload, NULL));
  make_customer(t->db, "Bob");
  assert_int_equal(null_payload_calls, 1);
  recorder_clear(&r);
}

/* A callback that writes through the same handle. */
typedef struct {
  recorder rec;
  crm_id created; /* by the callback */
  crm_status status;
} writer;

static int write_back(const crm_event *ev, void *payload)
{
  writer *w = payload;
  record(ev, &w->rec);
  if (w->created == 0 && strcmp(crm_event_kind(ev), "customer.created") == 0)
    w->status = crm_customer_create(&w->created, w->rec.db, "created by a callback");
  return 0;
}

static void callback_may_call_the_library(void **state)
{
  crm_test_db *t = *state;
  writer w = {0};
  recorder_init(&w.rec);
  w.rec.db = t->db;
  w.rec.reader = crm_test_db_open_another(t);
  recorder other;
  recorder_init(&other);
  int t1 = 0, t2 = 0;
  assert_crm_ok(crm_subscribe(&t1, t->db, "", write_back, &w));
  assert_crm_ok(crm_subscribe(&t2, t->db, "customer.", record, &other));

  crm_id a = make_customer(t->db, "Ada");
  assert_int_equal(w.status, CRM_OK);
  assert_true(w.created > 0 && w.created != a);
  /* the callback's own event was delivered after, to everyone */
  assert_int_equal(w.rec.kinds->len, 2);
  assert_int_equal(other.kinds->len, 2);
  assert_true(g_array_index(w.rec.seqs, int64_t, 1) > g_array_index(w.rec.seqs, int64_t, 0));
  assert_int_equal(g_array_index(other.seqs, int64_t, 0), g_array_index(w.rec.seqs, int64_t, 0));
  assert_int_equal(g_array_index(other.seqs, int64_t, 1), g_array_index(w.rec.seqs, int64_t, 1));
  assert_true(w.rec.committed);
  /* and committed */
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, w.rec.reader, w.created));
  assert_string_equal(crm_customer_name(c), "created by a callback");
  crm_customer_free(c);

  /* the same after an explicit transaction */
  w.created = 0;
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Bob");
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(w.status, CRM_OK);
  assert_true(w.created > 0);
  assert_int_equal(w.rec.kinds->len, 4);
  assert_int_equal(other.kinds->len, 4);

  crm_close(w.rec.reader);
  recorder_clear(&w.rec);
  recorder_clear(&other);
}

/* A callback that unsubscribes itself and returns 0. */
static int unsubscribe_self(const crm_event *ev, void *payload)
{
  recorder *r = payload;
  record(ev, r);
  r->unsub = crm_unsubscribe(r->db, r->token);
  return 0;
}

static void callback_may_unsubscribe_itself(void **state)
{
  crm_test_db *t = *state;
  recorder self, before, after;
  recorder_init(&self);
  recorder_init(&before);
  recorder_init(&after);
  self.db = t->db;
  self.unsub = CRM_ERROR;
  int tb = 0, ta = 0;
  assert_crm_ok(crm_subscribe(&tb, t->db, "", record, &before));
  assert_crm_ok(crm_subscribe(&self.token, t->db, "", unsubscribe_self, &self));
  assert_crm_ok(crm_subscribe(&ta, t->db, "", record, &after));

  /* two events in one delivery */
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Ada");
  make_customer(t->db, "Bob");
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(self.kinds->len, 1);
  assert_int_equal(self.unsub, CRM_OK);
  /* the neighbours were not disturbed */
  assert_int_equal(before.kinds->len, 2);
  assert_int_equal(after.kinds->len, 2);
  make_customer(t->db, "Carl");
  assert_int_equal(self.kinds->len, 1);
  assert_int_equal(before.kinds->len, 3);
  assert_int_equal(after.kinds->len, 3);
  assert_crm_error(crm_unsubscribe(t->db, self.token), CRM_ENOTFOUND, NULL);
  recorder_clear(&self);
  recorder_clear(&before);
  recorder_clear(&after);
}

/* A callback that subscribes another recorder (once). */
static int subscribe_more(const crm_event *ev, void *payload)
{
  recorder *r = payload;
  record(ev, r);
  if (r->kinds->len == 1)
    r->unsub = crm_subscribe(&r->late->token, r->db, "", record, r->late);
  return 0;
}

static void callback_may_subscribe(void **state)
{
  crm_test_db *t = *state;
  recorder first, late;
  recorder_init(&first);
  recorder_init(&late);
  first.db = t->db;
  first.late = &late;
  first.unsub = CRM_ERROR;
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", subscribe_more, &first));
  make_customer(t->db, "Ada");
  assert_int_equal(first.unsub, CRM_OK);
  assert_true(late.token > 0);
  /* not called for the event being delivered, called for the next */
  assert_int_equal(late.kinds->len, 0);
  make_customer(t->db, "Bob");
  assert_int_equal(first.kinds->len, 2);
  assert_int_equal(late.kinds->len, 1);
  recorder_clear(&first);
  recorder_clear(&late);
}

/* A callback that opens a transaction and writes in it, without committing. */
static int begin_in_callback(const crm_event *ev, void *payload)
{
  recorder *r = payload;
  record(ev, r);
  if (r->kinds->len == 1) {
    crm_id id = 0;
    r->unsub = crm_begin(r->db);
    if (r->unsub == CRM_OK)
      r->unsub = crm_customer_create(&id, r->db, "in the callback's transaction");
  }
  return 0;
}

static void callback_transaction_waits_for_its_commit(void **state)
{
  crm_test_db *t = *state;
  recorder r;
  recorder_init(&r);
  r.db = t->db;
  r.unsub = CRM_ERROR;
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", begin_in_callback, &r));
  make_customer(t->db, "Ada");
  assert_int_equal(r.unsub, CRM_OK);
  /* the callback's write is not committed: not delivered */
  assert_int_equal(r.kinds->len, 1);
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(r.kinds->len, 2);
  assert_string_equal(kind_at(&r, 1), "customer.created");
  recorder_clear(&r);
}

/* A callback that closes the handle it is called from (a binding's
   garbage collector may do that), then asks to be unsubscribed. */
static int close_in_callback(const crm_event *ev, void *payload)
{
  (void)ev;
  crm_test_db *t = payload;
  crm_close(t->db);
  t->db = NULL;
  return 1;
}

static void callback_may_close_the_handle(void **state)
{
  crm_test_db *t = *state;
  int t1 = 0, t2 = 0;
  recorder r;
  recorder_init(&r);
  assert_crm_ok(crm_subscribe(&t1, t->db, "", close_in_callback, t));
  assert_crm_ok(crm_subscribe(&t2, t->db, "", record, &r));
  crm_db *db = t->db;
  assert_crm_ok(crm_begin(db));
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, db, "Ada"));
  assert_crm_ok(crm_customer_create(&id, db, "Bob"));
  assert_crm_ok(crm_commit(db));
  assert_null(t->db);
  /* the subscriptions went with the handle */
  assert_int_equal(r.kinds->len, 0);
  recorder_clear(&r);
  /* the work was committed before the callbacks ran */
  if (crm_test_persistent()) {
    crm_test_db_reopen(t);
    assert_int_equal(crm_test_count_events(t->db), 2);
  }
}

static void no_callbacks_for_other_handles(void **state)
{
  crm_test_db *t = *state;
  recorder r;
  recorder_init(&r);
  int token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", record, &r));
  crm_db *b = crm_test_db_open_another(t);
  make_customer(b, "written by B");
  assert_int_equal(r.kinds->len, 0);
  crm_close(b);
  recorder_clear(&r);
}

/* ------------------------------------------------------------------ */
/* two handles on one file                                              */

static void events_of_b_read_by_a(void **state)
{
  crm_test_db *t = *state;
  crm_db *b = crm_test_db_open_another(t);
  int64_t before = last_seq(t->db);
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, before));
  t->now = CRM_TEST_T0 + 77;
  crm_id id = make_customer(b, "from B");
  assert_crm_ok(crm_setting_set(b, "reopen_window", "5"));

  crm_event *ev = NULL;
  assert_crm_ok(crm_event_next(&ev, it));
  assert_string_equal(crm_event_kind(ev), "customer.created");
  assert_int_equal(crm_event_entity_id(ev), id);
  assert_int_equal(crm_event_time(ev), CRM_TEST_T0 + 77);
  JsonParser *parser = json_parser_new();
  JsonObject *o = payload_object(ev, parser);
  assert_str_member(o, "display_name", "from B");
  g_object_unref(parser);
  crm_event_free(ev);
  assert_crm_ok(crm_event_next(&ev, it));
  assert_string_equal(crm_event_kind(ev), "setting.changed");
  crm_event_free(ev);
  assert_int_equal(crm_event_next(&ev, it), CRM_ITEROVER);
  crm_event_iterator_free(it);

  /* B's open transaction is invisible to A until committed */
  if (!crm_test_readers_see_snapshots()) {
    crm_close(b);
    return;
  }
  assert_crm_ok(crm_event_iterator_new(&it, t->db, last_seq(t->db)));
  assert_crm_ok(crm_begin(b));
  make_customer(b, "pending");
  assert_int_equal(crm_event_next(&ev, it), CRM_ITEROVER);
  assert_crm_ok(crm_commit(b));
  assert_crm_ok(crm_event_next(&ev, it));
  assert_string_equal(crm_event_kind(ev), "customer.created");
  crm_event_free(ev);
  crm_event_iterator_free(it);
  crm_close(b);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, crm_test_setup, crm_test_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(customer_create_appends_one_event),
      T(payloads_are_json_glib_text),
      T(failed_change_appends_nothing),
      T(actor_is_the_handles_option),
      T(queue_and_setting_payloads),
      T(seq_strictly_increasing),
      T(iterator_after_seq),
      T(iterator_sees_later_commits),
      T(iterator_pages_through_many),
      T(iterator_arguments),
      T(event_getters_and_dup),
      T(cursors),
      T(cursor_rolled_back_with_transaction),
      T(cursor_arguments),
      T(subscribe_by_prefix),
      T(called_after_commit),
      T(never_for_rolled_back_work),
      T(delivered_after_commit_in_order),
      T(nonzero_return_unsubscribes),
      T(unsubscribe),
      T(subscribe_arguments),
      T(callback_may_call_the_library),
      T(callback_may_unsubscribe_itself),
      T(callback_may_subscribe),
      T(callback_transaction_waits_for_its_commit),
      T(callback_may_close_the_handle),
      T(no_callbacks_for_other_handles),
      T(events_of_b_read_by_a),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
