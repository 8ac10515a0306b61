/*
 * Unit tests: the case work list (crm_case_iterator): every filter against
 * an independent model of the data, keyset paging with after_id / limit,
 * argument validation (due_before: tests/unit/test_sla.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <string.h>

/* What the test believes each case is. */
typedef struct {
  crm_id id, customer, queue, assignee;
  crm_case_status_t status;
  crm_case_kind_t kind;
  int vip;
} model_case;

typedef struct {
  crm_test_db *t;
  crm_id customers[3], queues[2], agent;
  GArray *cases; /* model_case, ascending id */
} world;

static const crm_case_status_t status_of[6] = {
    CRM_CASE_NEW,      CRM_CASE_OPEN,  CRM_CASE_PENDING_CUSTOMER, CRM_CASE_PENDING_THIRD_PARTY,
    CRM_CASE_RESOLVED, CRM_CASE_CLOSED};

static void move_to(crm_db *db, crm_id id, crm_case_status_t status)
{
  if (status == CRM_CASE_NEW)
    return;
  if (status == CRM_CASE_CLOSED) {
    assert_crm_ok(crm_case_set_status(db, id, CRM_CASE_RESOLVED, 0));
    assert_crm_ok(crm_case_set_status(db, id, CRM_CASE_CLOSED, 0));
    return;
  }
  assert_crm_ok(crm_case_set_status(db, id, status, 0));
}

/* n cases whose fields follow their index, in one transaction. */
static world *world_new(crm_test_db *t, int n)
{
  world *w = g_new0(world, 1);
  w->t = t;
  w->cases = g_array_new(FALSE, TRUE, sizeof(model_case));
  w->customers[0] = crm_test_customer(t->db, "a@example.com");
  w->customers[1] = crm_test_customer(t->db, "b@example.com");
  w->customers[2] = crm_test_customer(t->db, "c@example.com");
  assert_crm_ok(crm_queue_create(&w->queues[0], t->db, "Q1"));
  assert_crm_ok(crm_queue_create(&w->queues[1], t->db, "Q2"));
  assert_crm_ok(crm_agent_create(&w->agent, t->db, "Ann", NULL));
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < n; i++) {
    model_case m = {0};
    m.customer = w->customers[i % 3];
    m.kind = (crm_case_kind_t)(1 + (i / 3) % 3);
    m.queue = i % 4 < 2 ? w->queues[i % 4] : 0;
    m.assignee = i % 5 == 0 ? w->agent : 0;
    m.status = status_of[(i / 2) % 6];
    m.vip = i % 7 == 0;
    crm_case_spec spec = CRM_CASE_SPEC_INIT;
    spec.customer = m.customer;
    spec.subject = "case";
    spec.kind = m.kind;
    spec.queue = m.queue;
    spec.assignee = m.assignee;
    assert_crm_ok(crm_case_open(&m.id, t->db, &spec));
    move_to(t->db, m.id, m.status);
    if (m.vip)
      assert_crm_ok(crm_case_tag(t->db, m.id, "vip"));
    g_array_append_val(w->cases, m);
  }
  assert_crm_ok(crm_commit(t->db));
  return w;
}

static void world_free(world *w)
{
  g_array_unref(w->cases);
  g_free(w);
}

static int matches(const model_case *m, const crm_case_query *q)
{
  return (q->customer == 0 || m->customer == q->customer) &&
         (q->status_mask == 0 || (q->status_mask & (1u << m->status))) &&
         (q->queue == 0 || m->queue == q->queue) &&
         (q->assignee == 0 || m->assignee == q->assignee) && (q->kind == 0 || m->kind == q->kind) &&
         (q->tag == NULL || (m->vip && strcmp(q->tag, "vip") == 0)) && m->id > q->after_id;
}

/* Run the query and check it yields exactly the model's matches, in order,
   with fields that agree. Returns how many. */
static size_t check_query(world *w, const crm_case_query *q)
{
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, w->t->db, q));
  guint next = 0;
  size_t yielded = 0;
  crm_case *c = NULL;
  crm_status st;
  while ((st = crm_case_next(&c, it)) == CRM_OK) {
    while (next < w->cases->len && !matches(&g_array_index(w->cases, model_case, next), q))
      next++;
    assert_true(next < w->cases->len);
    const model_case *m = &g_array_index(w->cases, model_case, next);
    assert_int_equal(crm_case_id(c), m->id);
    assert_int_equal(crm_case_customer(c), m->customer);
    assert_int_equal(crm_case_status(c), m->status);
    assert_int_equal(crm_case_kind(c), m->kind);
    assert_int_equal(crm_case_queue(c), m->queue);
    assert_int_equal(crm_case_assignee(c), m->assignee);
    assert_int_equal(crm_case_has_tag(c, "vip"), m->vip);
    crm_case_free(c);
    next++;
    yielded++;
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(c);
  crm_case_iterator_free(it);
  if (q->limit == 0) /* nothing was left out */
    for (; next < w->cases->len; next++)
      assert_false(matches(&g_array_index(w->cases, model_case, next), q));
  else
    assert_true(yielded <= q->limit);
  return yielded;
}

static void every_filter(void **state)
{
  crm_test_db *t = *state;
  world *w = world_new(t, 84);
  crm_case_query q = CRM_CASE_QUERY_INIT;
  assert_int_equal(check_query(w, &q), 84);

  q.customer = w->customers[1];
  assert_int_equal(check_query(w, &q), 28);
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.status_mask = 1u << CRM_CASE_RESOLVED;
  assert_int_equal(check_query(w, &q), 14);
  q.status_mask |= 1u << CRM_CASE_NEW;
  assert_int_equal(check_query(w, &q), 28);
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.queue = w->queues[0];
  assert_int_equal(check_query(w, &q), 21);
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.assignee = w->agent;
  assert_int_equal(check_query(w, &q), 17);
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.kind = CRM_CASE_PROBLEM;
  assert_int_equal(check_query(w, &q), 27);
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.tag = "vip";
  assert_int_equal(check_query(w, &q), 12);
  q.tag = "nobody-has-this";
  assert_int_equal(check_query(w, &q), 0);

  /* everything at once */
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.customer = w->customers[0];
  q.status_mask = (1u << CRM_CASE_NEW) | (1u << CRM_CASE_OPEN) | (1u << CRM_CASE_CLOSED);
  q.queue = w->queues[0];
  q.kind = CRM_CASE_REQUEST;
  size_t n = check_query(w, &q);
  assert_true(n > 0);
  q.assignee = w->agent;
  check_query(w, &q);
  q.tag = "vip";
  check_query(w, &q);
  world_free(w);
}

static void a_null_query_is_every_case(void **state)
{
  crm_test_db *t = *state;
  world *w = world_new(t, 10);
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, t->db, NULL));
  crm_case *c = NULL;
  size_t n = 0;
  while (crm_case_next(&c, it) == CRM_OK) {
    assert_int_equal(crm_case_id(c), g_array_index(w->cases, model_case, n).id);
    crm_case_free(c);
    n++;
  }
  assert_int_equal(n, 10);
  crm_case_iterator_free(it);
  world_free(w);
}

/* Page through the query `limit` at a time with after_id. */
static GArray *page_through(crm_db *db, const crm_case_query *base, unsigned int limit)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_case_query q = *base;
  q.limit = limit;
  for (;;) {
    crm_case_iterator *it = NULL;
    assert_crm_ok(crm_case_iterator_new(&it, db, &q));
    crm_case *c = NULL;
    unsigned int got = 0;
    while (crm_case_next(&c, it) == CRM_OK) {
      crm_id id = crm_case_id(c);
      g_array_append_val(ids, id);
      q.after_id = id;
      crm_case_free(c);
      got++;
    }
    crm_case_iterator_free(it);
    assert_true(got <= limit);
    if (got < limit)
      return ids;
  }
}

static void keyset_paging_over_600_cases(void **state)
{
  crm_test_db *t = *state;
  world *w = world_new(t, 600);
  crm_case_query q = CRM_CASE_QUERY_INIT;
  assert_int_equal(check_query(w, &q), 600); /* more than two backend pages */

  const unsigned int limits[] = {1, 7, 50, 256, 257, 599, 600, 1000};
  for (size_t l = 0; l < G_N_ELEMENTS(limits); l++) {
    GArray *ids = page_through(t->db, &q, limits[l]);
    assert_int_equal(ids->len, 600);
    for (guint i = 0; i < ids->len; i++)
      assert_int_equal(g_array_index(ids, crm_id, i), g_array_index(w->cases, model_case, i).id);
    g_array_unref(ids);
  }

  /* with a filter: pages are filtered too, no gap and no duplicate */
  q.status_mask = 1u << CRM_CASE_OPEN;
  q.queue = w->queues[1];
  q.limit = 0;
  size_t all = check_query(w, &q);
  GArray *ids = page_through(t->db, &q, 9);
  assert_int_equal(ids->len, all);
  for (guint i = 1; i < ids->len; i++)
    assert_true(g_array_index(ids, crm_id, i) > g_array_index(ids, crm_id, i - 1));
  g_array_unref(ids);

  /* after_id in the middle, and a limit */
  q = (crm_case_query)CRM_CASE_QUERY_INIT;
  q.after_id = g_array_index(w->cases, model_case, 299).id;
  assert_int_equal(check_query(w, &q), 300);
  q.limit = 13;
  assert_int_equal(check_query(w, &q), 13);
  q.after_id = g_array_index(w->cases, model_case, 599).id;
  assert_int_equal(check_query(w, &q), 0);
  world_free(w);
}

static void validation(void **state)
{
  crm_test_db *t = *state;
  crm_case_query q = CRM_CASE_QUERY_INIT;
  crm_case_iterator *it = (crm_case_iterator *)1;
  assert_crm_error(crm_case_iterator_new(NULL, t->db, &q), CRM_EINVALID, "out");
  assert_crm_error(crm_case_iterator_new(&it, NULL, &q), CRM_EINVALID, "db");
  assert_null(it);

  crm_case_query b = q;
  b.version = 0;
  it = (crm_case_iterator *)1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "version");
  assert_null(it);
  b = q;
  b.version = CRM_CASE_QUERY_VERSION + 1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "version");
  b = q;
  b.status_mask = 1u; /* bit 0 names no status */
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "status_mask 0x1");
  b.status_mask = 1u << 7;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "status_mask 0x80");
  b.status_mask = (1u << CRM_CASE_OPEN) | (1u << 31);
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "status_mask");
  b = q;
  b.kind = (crm_case_kind_t)4;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "kind 4");
  b.kind = (crm_case_kind_t)-1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "kind -1");
  b = q;
  b.tag = "\xff\xfe";
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "UTF-8");
  b = q;
  b.customer = -1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "customer");
  b = q;
  b.queue = -1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "queue");
  b = q;
  b.assignee = -1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "assignee");
  b = q;
  b.after_id = -1;
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "after_id");
  b = q;
  b.due_before = -1; /* due_before itself is tested with the SLA engine (unit/test_sla.c) */
  assert_crm_error(crm_case_iterator_new(&it, t->db, &b), CRM_EINVALID, "due_before -1");
  assert_null(it);

  /* every status bit is accepted */
  b = q;
  b.status_mask = 0x7e;
  assert_crm_ok(crm_case_iterator_new(&it, t->db, &b));
  crm_case *c = (crm_case *)1;
  assert_int_equal(crm_case_next(&c, it), CRM_ITEROVER);
  assert_null(c);
  assert_crm_error(crm_case_next(NULL, it), CRM_EINVALID, NULL);
  crm_case_iterator_free(it);
  c = (crm_case *)1;
  assert_crm_error(crm_case_next(&c, NULL), CRM_EINVALID, "iterator");
  assert_null(c);
  crm_case_iterator_free(NULL);
}

static void query_init(void **state)
{
  (void)state;
  crm_case_query q;
  memset(&q, 0x5a, sizeof q);
  assert_crm_ok(crm_case_query_init(&q, CRM_CASE_QUERY_VERSION));
  assert_int_equal(q.version, CRM_CASE_QUERY_VERSION);
  assert_int_equal(q.customer, 0);
  assert_int_equal(q.status_mask, 0);
  assert_null(q.tag);
  assert_int_equal(q.due_before, 0);
  assert_int_equal(q.limit, 0);
  assert_crm_error(crm_case_query_init(NULL, CRM_CASE_QUERY_VERSION), CRM_EINVALID, "query");
  assert_crm_error(crm_case_query_init(&q, 0), CRM_EINVALID, "version");
  assert_crm_error(crm_case_query_init(&q, 2), CRM_EINVALID, "version");
}

static void the_query_is_copied(void **state)
{
  crm_test_db *t = *state;
  world *w = world_new(t, 21);
  char tag[8] = "vip";
  crm_case_query q = CRM_CASE_QUERY_INIT;
  q.tag = tag;
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, t->db, &q));
  strcpy(tag, "zzz"); /* the caller's buffer changes: the iterator kept its copy */
  q.customer = 999;
  size_t n = 0;
  crm_case *c = NULL;
  while (crm_case_next(&c, it) == CRM_OK) {
    assert_true(crm_case_has_tag(c, "vip"));
    crm_case_free(c);
    n++;
  }
  assert_int_equal(n, 3);
  crm_case_iterator_free(it);
  world_free(w);
}

static void iterator_outlives_the_handle(void **state)
{
  crm_test_db *t = *state;
  world *w = world_new(t, 3);
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, t->db, NULL));
  crm_close(t->db);
  t->db = NULL;
  crm_case *c = NULL;
  assert_crm_error(crm_case_next(&c, it), CRM_EINVALID, "closed");
  assert_null(c);
  crm_case_iterator_free(it);
  world_free(w);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(every_filter),
      T(a_null_query_is_every_case),
      T(keyset_paging_over_600_cases),
      T(validation),
      cmocka_unit_test(query_init),
      T(the_query_is_copied),
      T(iterator_outlives_the_handle),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
