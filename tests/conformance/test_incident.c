/*
 * Conformance: incidents and mass outages (crm/incident.h), story S3 "the
 * outage": 500 affected customers, the caller who is matched to the
 * incident, one update reaching every linked case, resolution in one call
 * (except a case also caused by a second open incident), events per
 * customer; 10,000 linked cases resolved in one call; every error path.
 *
 * The set-up loops run without crm_begin: inside one explicit transaction
 * every call is a savepoint, and PostgreSQL slows down sharply past 64
 * subtransactions in one transaction.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

typedef struct {
  long rows, events;
} counts;

static counts count_now(crm_test_db *t)
{
  counts c = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return c;
}

#define assert_nothing_written(t, before)                              \
  do {                                                                 \
    assert_int_equal(crm_test_count_all_rows(t), (before).rows);       \
    assert_int_equal(crm_test_count_events((t)->db), (before).events); \
  } while (0)

static crm_id customer_in(crm_test_db *t, const char *email, const char *area)
{
  crm_id id = crm_test_customer(t->db, email);
  if (area)
    assert_crm_ok(crm_customer_set_attribute(t->db, id, "area_code", area));
  return id;
}

static crm_id open_case(crm_test_db *t, crm_id customer, const char *subject, crm_case_kind_t kind)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = subject;
  spec.kind = kind;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, t->db, &spec));
  return id;
}

/* A customer's call about the outage: an inbound contact that opens a case. */
static crm_id call_in(crm_test_db *t, crm_id customer)
{
  crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
  spec.customer = customer;
  spec.channel = CRM_CHANNEL_PHONE;
  spec.direction = CRM_DIRECTION_INBOUND;
  spec.outcome = CRM_OUTCOME_ANSWERED;
  spec.subject = "No line since last night";
  crm_id ix = 0;
  assert_crm_ok(crm_interaction_record(&ix, t->db, &spec));
  crm_interaction *i = NULL;
  assert_crm_ok(crm_interaction_lookup(&i, t->db, ix));
  crm_id case_id = crm_interaction_case(i);
  crm_interaction_free(i);
  return case_id;
}

static crm_case *lookup(crm_test_db *t, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  return c;
}

static int64_t last_seq(crm_db *db)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  int64_t seq = 0;
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    seq = crm_event_seq(ev);
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return seq;
}

/* The events of `kind` after `after_seq`, in order (owned). */
static GPtrArray *events_of(crm_db *db, int64_t after_seq, const char *kind)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)crm_event_free);
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, after_seq));
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0)
      g_ptr_array_add(out, ev);
    else
      crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return out;
}

/* The outbound interactions of a case, newest first (bodies, owned). */
static GPtrArray *outbound_bodies(crm_test_db *t, crm_id case_id)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.case_id = case_id;
  crm_timeline_iterator *it = NULL;
  assert_crm_ok(crm_timeline_iterator_new(&it, t->db, &q));
  crm_interaction *ix = NULL;
  while (crm_timeline_next(&ix, it) == CRM_OK) {
    if (crm_interaction_direction(ix) == CRM_DIRECTION_OUTBOUND) {
      assert_int_equal(crm_interaction_channel(ix), CRM_CHANNEL_WEB);
      g_ptr_array_add(out, g_strdup(crm_interaction_body(ix)));
    }
    crm_interaction_free(ix);
  }
  crm_timeline_iterator_free(it);
  return out;
}

/* The ids of the open incidents covering a customer, in order. */
static GArray *matches(crm_test_db *t, crm_id customer)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_incident_iterator *it = NULL;
  assert_crm_ok(crm_incident_match(&it, t->db, customer));
  crm_case *c = NULL;
  crm_status st;
  while ((st = crm_incident_next(&c, it)) == CRM_OK) {
    assert_int_equal(crm_case_kind(c), CRM_CASE_INCIDENT);
    crm_id id = crm_case_id(c);
    g_array_append_val(ids, id);
    crm_case_free(c);
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(c);
  crm_incident_iterator_free(it);
  return ids;
}

static JsonObject *parse_payload(const crm_event *ev, JsonParser **parser)
{
  *parser = json_parser_new();
  assert_true(json_parser_load_from_data(*parser, crm_event_payload(ev), -1, NULL));
  return json_node_get_object(json_parser_get_root(*parser));
}

static void assert_ids(JsonArray *a, const crm_id *want, guint n)
{
  assert_int_equal(json_array_get_length(a), n);
  for (guint i = 0; i < n; i++)
    assert_int_equal(json_array_get_int_element(a, i), want[i]);
}

/* ------------------------------------------------------------------ */
/* story S3: the outage                                                 */

#define AFFECTED 500

static void story_s3_outage(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Fibre cut in Trastevere", CRM_CASE_INCIDENT);
  assert_crm_ok(crm_incident_set_scope(db, incident, "area_code", "06-58"));
  /* A second outage on the same street, for VoIP customers only. */
  crm_id power = open_case(t, noc, "Power failure at the exchange", CRM_CASE_INCIDENT);
  assert_crm_ok(crm_incident_set_scope(db, power, "area_code", "06-58"));
  assert_crm_ok(crm_incident_set_scope(db, power, "service", "voip"));

  /* 500 customers call in overnight; each call opens a case, attached. */
  crm_id customers[AFFECTED], cases[AFFECTED];
  for (int i = 0; i < AFFECTED; i++) {
    char email[64];
    g_snprintf(email, sizeof email, "subscriber%03d@example.it", i);
    customers[i] = customer_in(t, email, "06-58");
    t->now += 1;
    cases[i] = call_in(t, customers[i]);
    assert_crm_ok(crm_incident_attach(db, incident, cases[i]));
  }
  /* Subscriber 7 is also hit by the power failure. */
  const int both = 7;
  assert_crm_ok(crm_customer_set_attribute(db, customers[both], "service", "voip"));
  assert_crm_ok(crm_incident_attach(db, power, cases[both]));
  /* Attaching again changes nothing. */
  counts before = count_now(t);
  assert_crm_ok(crm_incident_attach(db, incident, cases[0]));
  assert_nothing_written(t, before);

  /* The morning caller on the same street is matched to the outage at once. */
  crm_id caller = customer_in(t, "mario.rossi@example.it", "06-58");
  GArray *seen = matches(t, caller);
  assert_int_equal(seen->len, 1);
  assert_int_equal(g_array_index(seen, crm_id, 0), incident);
  g_array_unref(seen);
  seen = matches(t, customers[both]); /* covered by both */
  assert_int_equal(seen->len, 2);
  assert_int_equal(g_array_index(seen, crm_id, 0), incident);
  assert_int_equal(g_array_index(seen, crm_id, 1), power);
  g_array_unref(seen);
  crm_id elsewhere = customer_in(t, "anna@example.it", "02-11");
  seen = matches(t, elsewhere);
  assert_int_equal(seen->len, 0);
  g_array_unref(seen);
  crm_id unknown_area = customer_in(t, "nobody@example.it", NULL);
  seen = matches(t, unknown_area);
  assert_int_equal(seen->len, 0);
  g_array_unref(seen);

  /* One update reaches every linked case and every affected customer. */
  t->now += 600;
  int64_t seq = last_seq(db);
  assert_crm_ok(crm_incident_update(db, incident, "Technicians are on site; ETA 11:00."));
  GPtrArray *recorded = events_of(db, seq, "interaction.recorded");
  assert_int_equal(recorded->len, AFFECTED + 1); /* + the incident's own */
  g_ptr_array_unref(recorded);
  GPtrArray *updates = events_of(db, seq, "incident.update");
  assert_int_equal(updates->len, AFFECTED);
  for (guint i = 0; i < updates->len; i++) {
    const crm_event *ev = g_ptr_array_index(updates, i);
    assert_string_equal(crm_event_entity(ev), "customer");
    assert_int_equal(crm_event_entity_id(ev), customers[i]);
    JsonParser *p = NULL;
    JsonObject *o = parse_payload(ev, &p);
    assert_int_equal(json_object_get_int_member(o, "incident"), incident);
    assert_int_equal(json_object_get_int_member(o, "customer"), customers[i]);
    assert_ids(json_object_get_array_member(o, "cases"), &cases[i], 1);
    assert_ids(json_object_get_array_member(o, "resolved_cases"), NULL, 0);
    assert_string_equal(json_object_get_string_member(o, "note"),
                        "Technicians are on site; ETA 11:00.");
    assert_false(json_object_get_boolean_member(o, "resolved"));
    g_object_unref(p);
  }
  g_ptr_array_unref(updates);
  for (int i = 0; i < AFFECTED; i++) {
    GPtrArray *bodies = outbound_bodies(t, cases[i]);
    assert_int_equal(bodies->len, 1);
    assert_string_equal(g_ptr_array_index(bodies, 0), "Technicians are on site; ETA 11:00.");
    g_ptr_array_unref(bodies);
    assert_int_equal(crm_test_case_status(t->db, cases[i]), CRM_CASE_NEW);
  }
  GPtrArray *own = outbound_bodies(t, incident);
  assert_int_equal(own->len, 1);
  g_ptr_array_unref(own);

  /* The line is back: one call resolves every case but subscriber 7's. */
  t->now += 3600;
  seq = last_seq(db);
  size_t affected = 0;
  assert_crm_ok(crm_incident_resolve(&affected, db, incident, "Service restored at 10:47."));
  assert_int_equal(affected, AFFECTED);
  assert_int_equal(crm_test_case_status(t->db, incident), CRM_CASE_RESOLVED);
  for (int i = 0; i < AFFECTED; i++) {
    crm_case *c = lookup(t, cases[i]);
    if (i == both) {
      assert_int_equal(crm_case_status(c), CRM_CASE_NEW);
    } else {
      assert_int_equal(crm_case_status(c), CRM_CASE_RESOLVED);
      assert_int_equal(crm_case_resolved_at(c), t->now);
    }
    crm_case_free(c);
    GPtrArray *bodies = outbound_bodies(t, cases[i]);
    assert_int_equal(bodies->len, 2);
    assert_string_equal(g_ptr_array_index(bodies, 0), "Service restored at 10:47.");
    g_ptr_array_unref(bodies);
  }
  GPtrArray *statuses = events_of(db, seq, "case.status");
  assert_int_equal(statuses->len, AFFECTED); /* 499 cases + the incident */
  g_ptr_array_unref(statuses);
  updates = events_of(db, seq, "incident.update");
  assert_int_equal(updates->len, AFFECTED);
  for (guint i = 0; i < updates->len; i++) {
    JsonParser *p = NULL;
    JsonObject *o = parse_payload(g_ptr_array_index(updates, i), &p);
    assert_true(json_object_get_boolean_member(o, "resolved"));
    assert_ids(json_object_get_array_member(o, "resolved_cases"), &cases[i], i == both ? 0 : 1);
    g_object_unref(p);
  }
  g_ptr_array_unref(updates);

  /* The resolved outage covers nobody any more; the power failure still does. */
  seen = matches(t, caller);
  assert_int_equal(seen->len, 0);
  g_array_unref(seen);
  seen = matches(t, customers[both]);
  assert_int_equal(seen->len, 1);
  assert_int_equal(g_array_index(seen, crm_id, 0), power);
  g_array_unref(seen);

  /* When the last incident resolves, subscriber 7's case resolves too. */
  assert_crm_ok(crm_incident_resolve(&affected, db, power, "Power is back."));
  assert_int_equal(affected, 1);
  assert_int_equal(crm_test_case_status(t->db, cases[both]), CRM_CASE_RESOLVED);
}

/* ------------------------------------------------------------------ */
/* 10,000 linked cases in one call                                      */

#define MANY           10000
#define MANY_CUSTOMERS 100

static void ten_thousand_linked_cases(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Regional backbone down", CRM_CASE_INCIDENT);
  crm_id customers[MANY_CUSTOMERS];
  for (int i = 0; i < MANY_CUSTOMERS; i++) {
    char email[64];
    g_snprintf(email, sizeof email, "c%03d@example.it", i);
    customers[i] = customer_in(t, email, NULL);
  }
  for (int i = 0; i < MANY; i++) {
    crm_id k = open_case(t, customers[i % MANY_CUSTOMERS], "Outage", CRM_CASE_REQUEST);
    assert_crm_ok(crm_incident_attach(db, incident, k));
  }

  int64_t seq = last_seq(db);
  size_t affected = 0;
  assert_crm_ok(crm_incident_resolve(&affected, db, incident, "Backbone restored."));
  assert_int_equal(affected, MANY);

  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.kind = CRM_CASE_REQUEST;
  q.status_mask = 1u << CRM_CASE_RESOLVED;
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, db, &q));
  size_t resolved = 0;
  crm_case *c = NULL;
  while (crm_case_next(&c, it) == CRM_OK) {
    resolved++;
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  assert_int_equal(resolved, MANY);

  GPtrArray *updates = events_of(db, seq, "incident.update");
  assert_int_equal(updates->len, MANY_CUSTOMERS); /* one per customer */
  JsonParser *p = NULL;
  JsonObject *o = parse_payload(g_ptr_array_index(updates, 0), &p);
  assert_int_equal(json_array_get_length(json_object_get_array_member(o, "cases")),
                   MANY / MANY_CUSTOMERS);
  g_object_unref(p);
  g_ptr_array_unref(updates);
  GPtrArray *recorded = events_of(db, seq, "interaction.recorded");
  assert_int_equal(recorded->len, MANY + 1);
  g_ptr_array_unref(recorded);
}

/* ------------------------------------------------------------------ */
/* resolution and the linked cases' states                              */

static void resolve_leaves_resolved_and_closed_cases_alone(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id a = customer_in(t, "a@example.it", NULL), b = customer_in(t, "b@example.it", NULL);
  crm_id incident = open_case(t, noc, "Mail server down", CRM_CASE_INCIDENT);
  crm_id pending = open_case(t, a, "No mail", CRM_CASE_REQUEST);
  crm_id done = open_case(t, a, "No mail either", CRM_CASE_REQUEST);
  crm_id closed = open_case(t, b, "Mail bounced", CRM_CASE_REQUEST);
  /* A resolved incident does not hold a case back. */
  crm_id old = open_case(t, noc, "Last week's outage", CRM_CASE_INCIDENT);
  for (crm_id k = pending; k <= closed; k++) {
    assert_crm_ok(crm_incident_attach(db, incident, k));
    assert_crm_ok(crm_incident_attach(db, old, k));
  }
  size_t n = 0;
  assert_crm_ok(crm_incident_resolve(&n, db, old, "Fixed last week."));
  assert_int_equal(n, 3);
  assert_crm_ok(crm_case_set_status(db, pending, CRM_CASE_OPEN, 0));
  assert_crm_ok(crm_case_set_status(db, pending, CRM_CASE_PENDING_CUSTOMER, 0));
  assert_crm_ok(crm_case_set_status(db, done, CRM_CASE_OPEN, 0));
  assert_crm_ok(crm_case_set_status(db, closed, CRM_CASE_OPEN, 0));
  assert_crm_ok(crm_case_set_status(db, closed, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_case_set_status(db, closed, CRM_CASE_CLOSED, 0));
  assert_int_equal(crm_test_case_status(t->db, done), CRM_CASE_OPEN);
  assert_crm_ok(crm_case_set_status(db, done, CRM_CASE_RESOLVED, 0));

  int64_t seq = last_seq(db);
  int64_t v_closed = crm_test_case_version(t->db, closed);
  assert_crm_ok(crm_incident_resolve(&n, db, incident, "Mail flows again."));
  assert_int_equal(n, 3);
  assert_int_equal(crm_test_case_status(t->db, pending), CRM_CASE_RESOLVED);
  assert_int_equal(crm_test_case_status(t->db, done), CRM_CASE_RESOLVED);
  assert_int_equal(crm_test_case_status(t->db, closed), CRM_CASE_CLOSED);
  assert_int_equal(crm_test_case_version(t->db, closed), v_closed + 1); /* the note only */
  GPtrArray *updates = events_of(db, seq, "incident.update");
  assert_int_equal(updates->len, 2);
  JsonParser *p = NULL;
  JsonObject *o = parse_payload(g_ptr_array_index(updates, 0), &p);
  assert_int_equal(json_object_get_int_member(o, "customer"), a);
  crm_id both[] = {pending, done};
  assert_ids(json_object_get_array_member(o, "cases"), both, 2);
  assert_ids(json_object_get_array_member(o, "resolved_cases"), &pending, 1);
  g_object_unref(p);
  o = parse_payload(g_ptr_array_index(updates, 1), &p);
  assert_int_equal(json_object_get_int_member(o, "customer"), b);
  assert_ids(json_object_get_array_member(o, "resolved_cases"), NULL, 0);
  g_object_unref(p);
  g_ptr_array_unref(updates);
}

static void incident_without_cases(void **state)
{
  crm_test_db *t = *state;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Planned maintenance", CRM_CASE_INCIDENT);
  int64_t seq = last_seq(t->db);
  assert_crm_ok(crm_incident_update(t->db, incident, "Starting at 02:00."));
  GPtrArray *updates = events_of(t->db, seq, "incident.update");
  assert_int_equal(updates->len, 0);
  g_ptr_array_unref(updates);
  size_t n = 99;
  assert_crm_ok(crm_incident_resolve(&n, t->db, incident, "Done."));
  assert_int_equal(n, 0);
  assert_int_equal(crm_test_case_status(t->db, incident), CRM_CASE_RESOLVED);
}

static void resolve_inside_a_rolled_back_transaction_writes_nothing(void **state)
{
  crm_test_db *t = *state;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "DNS outage", CRM_CASE_INCIDENT);
  crm_id k = open_case(t, customer_in(t, "x@example.it", NULL), "Sites down", CRM_CASE_REQUEST);
  assert_crm_ok(crm_incident_attach(t->db, incident, k));
  counts before = count_now(t);
  assert_crm_ok(crm_begin(t->db));
  size_t n = 0;
  assert_crm_ok(crm_incident_resolve(&n, t->db, incident, "Resolved."));
  assert_int_equal(n, 1);
  assert_crm_ok(crm_rollback(t->db));
  assert_nothing_written(t, before);
  assert_int_equal(crm_test_case_status(t->db, k), CRM_CASE_NEW);
}

/* ------------------------------------------------------------------ */
/* scope                                                                */

static void scope_set_get_and_remove(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Città senza rete", CRM_CASE_INCIDENT);
  int64_t v = crm_test_case_version(t->db, incident);
  assert_crm_ok(crm_incident_set_scope(db, incident, "area_code", "06-58"));
  assert_int_equal(crm_test_case_version(t->db, incident), v + 1);
  assert_string_equal(crm_test_last_event_kind(db), "incident.scope");
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_incident_scope_get(&buf, db, incident, "area_code"));
  assert_string_equal(buf.ptr, "06-58");
  crm_buf_dispose(&buf);

  /* The same value again, or removing what is absent: nothing happens. */
  counts before = count_now(t);
  assert_crm_ok(crm_incident_set_scope(db, incident, "area_code", "06-58"));
  assert_crm_ok(crm_incident_set_scope(db, incident, "product", NULL));
  assert_nothing_written(t, before);

  assert_crm_ok(crm_incident_set_scope(db, incident, "area_code", "06-59"));
  assert_crm_ok(crm_incident_scope_get(&buf, db, incident, "area_code"));
  assert_string_equal(buf.ptr, "06-59");
  crm_buf_dispose(&buf);
  assert_crm_ok(crm_incident_set_scope(db, incident, "area_code", NULL));
  assert_int_equal(crm_test_case_version(t->db, incident), v + 3);
  assert_crm_error(crm_incident_scope_get(&buf, db, incident, "area_code"), CRM_ENOTFOUND,
                   "no scope entry 'area_code'");
  assert_null(buf.ptr);
}

static void scope_errors(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Outage", CRM_CASE_INCIDENT);
  crm_id request = open_case(t, noc, "A question", CRM_CASE_REQUEST);
  counts before = count_now(t);
  assert_crm_error(crm_incident_set_scope(NULL, incident, "k", "v"), CRM_EINVALID, "db");
  assert_crm_error(crm_incident_set_scope(db, 0, "k", "v"), CRM_EINVALID, "incident id 0");
  assert_crm_error(crm_incident_set_scope(db, -2, "k", "v"), CRM_EINVALID, "incident id -2");
  assert_crm_error(crm_incident_set_scope(db, incident, NULL, "v"), CRM_EINVALID, "key");
  assert_crm_error(crm_incident_set_scope(db, incident, "", "v"), CRM_EINVALID, "key");
  assert_crm_error(crm_incident_set_scope(db, incident, "\xff\xfe", "v"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_incident_set_scope(db, incident, "k", "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_incident_set_scope(db, 9999, "k", "v"), CRM_ENOTFOUND, "case 9999");
  assert_crm_error(crm_incident_set_scope(db, request, "k", "v"), CRM_EINVALID,
                   "is a request, not an incident");
  assert_nothing_written(t, before);

  crm_buf buf = CRM_BUF_INIT;
  assert_crm_error(crm_incident_scope_get(NULL, db, incident, "k"), CRM_EINVALID, "out");
  assert_crm_error(crm_incident_scope_get(&buf, NULL, incident, "k"), CRM_EINVALID, "db");
  assert_crm_error(crm_incident_scope_get(&buf, db, 0, "k"), CRM_EINVALID, "incident id 0");
  assert_crm_error(crm_incident_scope_get(&buf, db, incident, NULL), CRM_EINVALID, "key");
  assert_crm_error(crm_incident_scope_get(&buf, db, incident, "\xff"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_incident_scope_get(&buf, db, 9999, "k"), CRM_ENOTFOUND, "case 9999");
  assert_crm_error(crm_incident_scope_get(&buf, db, request, "k"), CRM_EINVALID, "not an incident");
  assert_crm_error(crm_incident_scope_get(&buf, db, incident, "k"), CRM_ENOTFOUND, "'k'");
  assert_null(buf.ptr);
}

/* ------------------------------------------------------------------ */
/* matching                                                             */

static void match_needs_every_scope_entry(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id fibre = open_case(t, noc, "Fibre cut", CRM_CASE_INCIDENT);
  assert_crm_ok(crm_incident_set_scope(db, fibre, "area_code", "06-58"));
  assert_crm_ok(crm_incident_set_scope(db, fibre, "product", "fibra 1000"));
  crm_id unscoped = open_case(t, noc, "Unscoped incident", CRM_CASE_INCIDENT);
  (void)unscoped;
  crm_id c = customer_in(t, "c@example.it", "06-58");
  GArray *seen = matches(t, c);
  assert_int_equal(seen->len, 0); /* the product is missing */
  g_array_unref(seen);
  assert_crm_ok(crm_customer_set_attribute(db, c, "product", "fibra 100"));
  seen = matches(t, c);
  assert_int_equal(seen->len, 0); /* another product */
  g_array_unref(seen);
  assert_crm_ok(crm_customer_set_attribute(db, c, "product", "fibra 1000"));
  assert_crm_ok(crm_customer_set_attribute(db, c, "segment", "business"));
  seen = matches(t, c);
  assert_int_equal(seen->len, 1); /* extra attributes do not matter */
  assert_int_equal(g_array_index(seen, crm_id, 0), fibre);
  g_array_unref(seen);
  /* Pending incidents are open; closed ones are not. */
  assert_crm_ok(crm_case_set_status(db, fibre, CRM_CASE_PENDING_THIRD_PARTY, 0));
  seen = matches(t, c);
  assert_int_equal(seen->len, 1);
  g_array_unref(seen);
  assert_crm_ok(crm_case_set_status(db, fibre, CRM_CASE_RESOLVED, 0));
  assert_crm_ok(crm_case_set_status(db, fibre, CRM_CASE_CLOSED, 0));
  seen = matches(t, c);
  assert_int_equal(seen->len, 0);
  g_array_unref(seen);
}

static void match_pages_through_many_incidents(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id c = customer_in(t, "c@example.it", "06-58");
  enum { N = 300 }; /* more than one page */
  crm_id ids[N];
  for (int i = 0; i < N; i++) {
    ids[i] = open_case(t, noc, "Outage", CRM_CASE_INCIDENT);
    assert_crm_ok(crm_incident_set_scope(db, ids[i], "area_code", i % 2 ? "06-58" : "02-11"));
  }
  GArray *seen = matches(t, c);
  assert_int_equal(seen->len, N / 2);
  for (guint i = 0; i < seen->len; i++)
    assert_int_equal(g_array_index(seen, crm_id, i), ids[2 * i + 1]);
  g_array_unref(seen);
}

static void match_errors(void **state)
{
  crm_test_db *t = *state;
  crm_incident_iterator *it = NULL;
  crm_id c = customer_in(t, "c@example.it", "06-58");
  assert_crm_error(crm_incident_match(NULL, t->db, c), CRM_EINVALID, "out");
  assert_crm_error(crm_incident_match(&it, NULL, c), CRM_EINVALID, "db");
  assert_null(it);
  assert_crm_error(crm_incident_match(&it, t->db, 0), CRM_EINVALID, "customer id 0");
  assert_crm_error(crm_incident_match(&it, t->db, 4242), CRM_ENOTFOUND, "4242");
  assert_null(it);
  crm_case *k = (crm_case *)&it;
  assert_crm_error(crm_incident_next(&k, NULL), CRM_EINVALID, "iterator");
  assert_null(k);
  assert_crm_ok(crm_incident_match(&it, t->db, c));
  assert_crm_error(crm_incident_next(NULL, it), CRM_EINVALID, "out");
  crm_incident_iterator_free(it);
  crm_incident_iterator_free(NULL);
}

/* ------------------------------------------------------------------ */
/* attach, update and resolve errors                                    */

static void attach_errors(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Outage", CRM_CASE_INCIDENT);
  crm_id request = open_case(t, noc, "A question", CRM_CASE_REQUEST);
  crm_id other = open_case(t, noc, "Another question", CRM_CASE_REQUEST);
  crm_id gone = open_case(t, noc, "Old outage", CRM_CASE_INCIDENT);
  assert_crm_ok(crm_case_set_status(db, gone, CRM_CASE_RESOLVED, 0));
  counts before = count_now(t);
  assert_crm_error(crm_incident_attach(NULL, incident, request), CRM_EINVALID, "db");
  assert_crm_error(crm_incident_attach(db, 0, request), CRM_EINVALID, "incident id 0");
  assert_crm_error(crm_incident_attach(db, incident, -1), CRM_EINVALID, "case id -1");
  assert_crm_error(crm_incident_attach(db, incident, incident), CRM_EINVALID, "itself");
  assert_crm_error(crm_incident_attach(db, 9999, request), CRM_ENOTFOUND, "case 9999");
  assert_crm_error(crm_incident_attach(db, incident, 9998), CRM_ENOTFOUND, "case 9998");
  assert_crm_error(crm_incident_attach(db, request, other), CRM_EINVALID,
                   "is a request, not an incident");
  assert_crm_error(crm_incident_attach(db, gone, request), CRM_EINVALID, "is resolved");
  assert_nothing_written(t, before);

  /* Success: a caused_by link from the case, one new version of the case. */
  int64_t v = crm_test_case_version(t->db, request);
  assert_crm_ok(crm_incident_attach(db, incident, request));
  assert_int_equal(crm_test_case_version(t->db, request), v + 1);
  assert_string_equal(crm_test_last_event_kind(db), "case.linked");
  crm_link_iterator *it = NULL;
  assert_crm_ok(crm_link_iterator_new(&it, db, incident));
  crm_link *l = NULL;
  assert_crm_ok(crm_link_next(&l, it));
  assert_int_equal(crm_link_from(l), request);
  assert_int_equal(crm_link_kind(l), CRM_LINK_CAUSED_BY);
  assert_int_equal(crm_link_to(l), incident);
  crm_link_free(l);
  crm_link_iterator_free(it);
}

static void update_and_resolve_errors(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = t->db;
  crm_id noc = customer_in(t, "noc@isp.example", NULL);
  crm_id incident = open_case(t, noc, "Outage", CRM_CASE_INCIDENT);
  crm_id request = open_case(t, noc, "A question", CRM_CASE_REQUEST);
  assert_crm_ok(crm_incident_attach(db, incident, request));
  crm_id gone = open_case(t, noc, "Old outage", CRM_CASE_INCIDENT);
  assert_crm_ok(crm_case_set_status(db, gone, CRM_CASE_RESOLVED, 0));
  counts before = count_now(t);
  assert_crm_error(crm_incident_update(NULL, incident, "x"), CRM_EINVALID, "db");
  assert_crm_error(crm_incident_update(db, 0, "x"), CRM_EINVALID, "incident id 0");
  assert_crm_error(crm_incident_update(db, incident, NULL), CRM_EINVALID, "public_note");
  assert_crm_error(crm_incident_update(db, incident, ""), CRM_EINVALID, "public_note");
  assert_crm_error(crm_incident_update(db, incident, "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_incident_update(db, 9999, "x"), CRM_ENOTFOUND, "case 9999");
  assert_crm_error(crm_incident_update(db, request, "x"), CRM_EINVALID, "not an incident");
  assert_crm_error(crm_incident_update(db, gone, "x"), CRM_EINVALID, "incident");
  size_t n = 77;
  assert_crm_error(crm_incident_resolve(NULL, db, incident, "x"), CRM_EINVALID, "out_affected");
  assert_crm_error(crm_incident_resolve(&n, NULL, incident, "x"), CRM_EINVALID, "db");
  assert_int_equal(n, 0);
  n = 77;
  assert_crm_error(crm_incident_resolve(&n, db, -5, "x"), CRM_EINVALID, "incident id -5");
  assert_int_equal(n, 0);
  assert_crm_error(crm_incident_resolve(&n, db, incident, NULL), CRM_EINVALID, "public_note");
  assert_crm_error(crm_incident_resolve(&n, db, incident, "\xc3"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_incident_resolve(&n, db, 9999, "x"), CRM_ENOTFOUND, "case 9999");
  assert_crm_error(crm_incident_resolve(&n, db, request, "x"), CRM_EINVALID, "not an incident");
  n = 77;
  assert_crm_error(crm_incident_resolve(&n, db, gone, "x"), CRM_EINVALID, "is resolved");
  assert_int_equal(n, 0);
  assert_nothing_written(t, before);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(story_s3_outage),
      T(ten_thousand_linked_cases),
      T(resolve_leaves_resolved_and_closed_cases_alone),
      T(incident_without_cases),
      T(resolve_inside_a_rolled_back_transaction_writes_nothing),
      T(scope_set_get_and_remove),
      T(scope_errors),
      T(match_needs_every_scope_entry),
      T(match_pages_through_many_incidents),
      T(match_errors),
      T(attach_errors),
      T(update_and_resolve_errors),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
