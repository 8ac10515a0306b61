/*
 * The timeline: a customer's or a case's interactions across channels and
 * cases, newest first, keyset-paged by (occurred_at, id).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <string.h>

#define HOUR ((crm_time)3600)
#define DAY  (24 * HOUR)

static crm_id record_at(crm_test_db *t, crm_id customer, crm_id case_id, crm_channel_t channel,
                        crm_direction_t direction, crm_outcome_t outcome, crm_time occurred_at,
                        const char *subject)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = channel;
  s.direction = direction;
  s.outcome = outcome;
  s.occurred_at = occurred_at;
  s.subject = subject;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, &s));
  return id;
}

/* Every interaction of a timeline query, in the order it yields them. */
static GArray *collect(crm_test_db *t, const crm_timeline_query *q)
{
  crm_timeline_iterator *it = NULL;
  assert_crm_ok(crm_timeline_iterator_new(&it, t->db, q));
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_interaction *ix = NULL;
  crm_status st;
  crm_time prev_at = 0;
  crm_id prev_id = 0;
  while ((st = crm_timeline_next(&ix, it)) == CRM_OK) {
    crm_id id = crm_interaction_id(ix);
    crm_time at = crm_interaction_occurred_at(ix);
    /* strictly descending by (occurred_at, id) */
    if (ids->len > 0)
      assert_true(at < prev_at || (at == prev_at && id < prev_id));
    prev_at = at;
    prev_id = id;
    g_array_append_val(ids, id);
    crm_interaction_free(ix);
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(ix);
  crm_timeline_iterator_free(it);
  return ids;
}

static void assert_ids(GArray *got, const crm_id *want, size_t n)
{
  assert_int_equal(got->len, n);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(g_array_index(got, crm_id, i), want[i]);
}

/* ------------------------------------------------------------------ */
/* S2: the book club                                                    */

static void test_s2_every_channel_newest_first(void **state)
{
  crm_test_db *t = *state;
  crm_id man = crm_test_customer(t->db, "reader@example.com");
  crm_id stranger = crm_test_customer(t->db, "stranger@example.com");
  crm_time t0 = t->now - 60 * DAY;

  /* the order by postal card opens the first case */
  crm_id card = record_at(t, man, 0, CRM_CHANNEL_LETTER, CRM_DIRECTION_INBOUND, CRM_OUTCOME_NONE,
                          t0, "Order from the first catalogue");
  crm_id order_case = crm_test_case_of(t->db, card);
  crm_id mail1 = record_at(t, man, order_case, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND,
                           CRM_OUTCOME_NONE, t0 + 20 * DAY, "Where is my order?");
  crm_id calls[4];
  for (int i = 0; i < 3; i++)
    calls[i] = record_at(t, man, order_case, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND,
                         CRM_OUTCOME_BUSY, t0 + 23 * DAY + i * HOUR, NULL);
  calls[3] = record_at(t, man, order_case, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND,
                       CRM_OUTCOME_ANSWERED, t0 + 23 * DAY + 3 * HOUR, NULL);
  /* the complaint in capitals opens the second case */
  crm_id mail2 = record_at(t, man, 0, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, CRM_OUTCOME_NONE,
                           t0 + 25 * DAY, "CANCEL MY CONTRACT");
  crm_id cancel_case = crm_test_case_of(t->db, mail2);
  assert_true(cancel_case != order_case);
  crm_id fax = record_at(t, man, cancel_case, CRM_CHANNEL_FAX, CRM_DIRECTION_INBOUND,
                         CRM_OUTCOME_NONE, t0 + 26 * DAY, "printed e-mail");
  /* the shop visit, keyed in after the written confirmation was sent:
     the timeline orders by when it happened */
  crm_id letter = record_at(t, man, cancel_case, CRM_CHANNEL_LETTER, CRM_DIRECTION_OUTBOUND,
                            CRM_OUTCOME_NONE, t0 + 40 * DAY, "Confirmation of cancellation");
  crm_id shop = record_at(t, man, cancel_case, CRM_CHANNEL_IN_PERSON, CRM_DIRECTION_INBOUND,
                          CRM_OUTCOME_ANSWERED, t0 + 27 * DAY, "Visit to the shop");
  crm_id note = record_at(t, man, cancel_case, CRM_CHANNEL_NOTE, CRM_DIRECTION_INTERNAL,
                          CRM_OUTCOME_NONE, t0 + 27 * DAY + HOUR, "clerk promised to cancel");
  /* someone else's contact never shows */
  record_at(t, stranger, 0, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, CRM_OUTCOME_NONE,
            t0 + 30 * DAY, "unrelated");

  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = man;
  GArray *got = collect(t, &q);
  const crm_id want[] = {letter,   note,     shop,     fax,   mail2, calls[3],
                         calls[2], calls[1], calls[0], mail1, card};
  assert_ids(got, want, G_N_ELEMENTS(want));
  g_array_unref(got);

  /* each case's own timeline */
  crm_timeline_query qc = CRM_TIMELINE_QUERY_INIT;
  qc.case_id = order_case;
  got = collect(t, &qc);
  const crm_id want_order[] = {calls[3], calls[2], calls[1], calls[0], mail1, card};
  assert_ids(got, want_order, G_N_ELEMENTS(want_order));
  g_array_unref(got);
  qc.case_id = cancel_case;
  got = collect(t, &qc);
  const crm_id want_cancel[] = {letter, note, shop, fax, mail2};
  assert_ids(got, want_cancel, G_N_ELEMENTS(want_cancel));
  g_array_unref(got);

  /* the objects are full interactions: channel, outcome, attributes */
  assert_crm_ok(crm_interaction_set_attribute(t->db, calls[0], "queue_wait", "0"));
  crm_timeline_iterator *it = NULL;
  qc.case_id = order_case;
  qc.limit = 4;
  assert_crm_ok(crm_timeline_iterator_new(&it, t->db, &qc));
  crm_interaction *ix = NULL;
  for (int i = 3; i >= 0; i--) {
    assert_crm_ok(crm_timeline_next(&ix, it));
    assert_int_equal(crm_interaction_id(ix), calls[i]);
    assert_int_equal(crm_interaction_channel(ix), CRM_CHANNEL_PHONE);
    assert_int_equal(crm_interaction_outcome(ix), i == 3 ? CRM_OUTCOME_ANSWERED : CRM_OUTCOME_BUSY);
    assert_int_equal(crm_interaction_case(ix), order_case);
    if (i == 0)
      assert_string_equal(crm_interaction_attribute(ix, "queue_wait"), "0");
    else
      assert_null(crm_interaction_attribute(ix, "queue_wait"));
    crm_interaction_free(ix);
  }
  /* the limit caps the total */
  assert_int_equal(crm_timeline_next(&ix, it), CRM_ITEROVER);
  assert_null(ix);
  crm_timeline_iterator_free(it);
}

/* Interactions without a case (an outbound mailing) are on the customer's timeline only. */
static void test_customer_timeline_includes_caseless(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "mailing@example.com");
  crm_id mailing = record_at(t, c, 0, CRM_CHANNEL_LETTER, CRM_DIRECTION_OUTBOUND, CRM_OUTCOME_NONE,
                             t->now - DAY, "Catalogue 3");
  crm_id call = record_at(t, c, 0, CRM_CHANNEL_PHONE, CRM_DIRECTION_INBOUND, CRM_OUTCOME_ANSWERED,
                          t->now, NULL);
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = c;
  GArray *got = collect(t, &q);
  const crm_id want[] = {call, mailing};
  assert_ids(got, want, 2);
  g_array_unref(got);
  q.customer = 0;
  q.case_id = crm_test_case_of(t->db, call);
  got = collect(t, &q);
  assert_ids(got, want, 1);
  g_array_unref(got);

  /* a customer with no interactions: an empty timeline */
  q.case_id = 0;
  q.customer = crm_test_customer(t->db, "quiet@example.com");
  got = collect(t, &q);
  assert_int_equal(got->len, 0);
  g_array_unref(got);
}

/* ------------------------------------------------------------------ */
/* paging                                                               */

#define N_PAGED 1000

/* 1,000 interactions in groups of 10 sharing an occurred_at, recorded in
   an order unrelated to their times; returns the customer. */
static crm_id many_interactions(crm_test_db *t, crm_id *case_out)
{
  crm_id c = crm_test_customer(t->db, "paging@example.com");
  crm_id first = record_at(t, c, 0, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, CRM_OUTCOME_NONE,
                           t->now - 200 * DAY, "long story");
  *case_out = crm_test_case_of(t->db, first);
  assert_crm_ok(crm_begin(t->db));
  for (int i = 1; i < N_PAGED; i++) {
    int slot = (i * 389) % N_PAGED; /* 389 is prime to 1000: a permutation */
    crm_time at = t->now - DAY + (crm_time)(slot / 10) * 60;
    int in_case = i % 3 != 0;
    record_at(t, c, in_case ? *case_out : 0, in_case ? CRM_CHANNEL_CHAT : CRM_CHANNEL_SMS,
              in_case ? CRM_DIRECTION_INBOUND : CRM_DIRECTION_OUTBOUND,
              in_case ? CRM_OUTCOME_ANSWERED : CRM_OUTCOME_NONE, at, NULL);
  }
  assert_crm_ok(crm_commit(t->db));
  return c;
}

/* Page through with `limit` per page via before/before_id. */
static GArray *page_through(crm_test_db *t, crm_timeline_query q, unsigned int limit,
                            unsigned int *pages)
{
  GArray *all = g_array_new(FALSE, FALSE, sizeof(crm_id));
  *pages = 0;
  q.limit = limit;
  for (;;) {
    crm_timeline_iterator *it = NULL;
    assert_crm_ok(crm_timeline_iterator_new(&it, t->db, &q));
    crm_interaction *ix = NULL;
    unsigned int n = 0;
    while (crm_timeline_next(&ix, it) == CRM_OK) {
      crm_id id = crm_interaction_id(ix);
      g_array_append_val(all, id);
      q.before = crm_interaction_occurred_at(ix);
      q.before_id = id;
      crm_interaction_free(ix);
      n++;
    }
    crm_timeline_iterator_free(it);
    assert_true(n <= limit);
    if (n == 0)
      break;
    (*pages)++;
  }
  return all;
}

static void assert_same_sequence(GArray *a, GArray *b)
{
  assert_int_equal(a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_int_equal(g_array_index(a, crm_id, i), g_array_index(b, crm_id, i));
}

static void assert_no_duplicates(GArray *ids)
{
  GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (guint i = 0; i < ids->len; i++)
    assert_true(g_hash_table_add(seen, &g_array_index(ids, crm_id, i)));
  g_hash_table_unref(seen);
}

static void test_paging_1000(void **state)
{
  crm_test_db *t = *state;
  crm_id case_id = 0;
  crm_id c = many_interactions(t, &case_id);

  /* one iterator crosses its internal pages (256) inside groups of equal times */
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = c;
  GArray *whole = collect(t, &q);
  assert_int_equal(whole->len, N_PAGED);
  assert_no_duplicates(whole);

  /* pages of 37 via before/before_id: the same sequence, no gap, no duplicate */
  unsigned int pages = 0;
  GArray *paged = page_through(t, q, 37, &pages);
  assert_int_equal(pages, (N_PAGED + 36) / 37);
  assert_same_sequence(paged, whole);
  g_array_unref(paged);

  /* the case's timeline: only its interactions, paged the same way */
  crm_timeline_query qc = CRM_TIMELINE_QUERY_INIT;
  qc.case_id = case_id;
  GArray *case_whole = collect(t, &qc);
  assert_int_equal(case_whole->len, 1 + (N_PAGED - 1) - (N_PAGED - 1) / 3);
  paged = page_through(t, qc, 37, &pages);
  assert_same_sequence(paged, case_whole);
  g_array_unref(paged);
  g_array_unref(case_whole);
  g_array_unref(whole);
}

/* An interaction recorded between two pages never shifts the next page. */
static void test_keyset_stable_under_inserts(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "stable@example.com");
  crm_id ids[10];
  for (int i = 0; i < 10; i++)
    ids[i] = record_at(t, c, 0, CRM_CHANNEL_SMS, CRM_DIRECTION_OUTBOUND, CRM_OUTCOME_NONE,
                       t->now - 100 + i, NULL);
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = c;
  q.limit = 4;
  GArray *p1 = collect(t, &q);
  const crm_id want1[] = {ids[9], ids[8], ids[7], ids[6]};
  assert_ids(p1, want1, 4);
  g_array_unref(p1);

  /* a newer one arrives; the next page continues where the first ended */
  record_at(t, c, 0, CRM_CHANNEL_SMS, CRM_DIRECTION_OUTBOUND, CRM_OUTCOME_NONE, t->now, NULL);
  q.before = t->now - 100 + 6;
  q.before_id = ids[6];
  GArray *p2 = collect(t, &q);
  const crm_id want2[] = {ids[5], ids[4], ids[3], ids[2]};
  assert_ids(p2, want2, 4);
  g_array_unref(p2);

  /* before alone: strictly older than that instant */
  q.before_id = 0;
  q.before = t->now - 100 + 3;
  q.limit = 0;
  GArray *p3 = collect(t, &q);
  const crm_id want3[] = {ids[2], ids[1], ids[0]};
  assert_ids(p3, want3, 3);
  g_array_unref(p3);
}

/* ------------------------------------------------------------------ */
/* errors                                                               */

static void test_query_init(void **state)
{
  (void)state;
  crm_timeline_query q;
  memset(&q, 0xcd, sizeof q);
  assert_crm_ok(crm_timeline_query_init(&q, CRM_TIMELINE_QUERY_VERSION));
  assert_int_equal(q.version, CRM_TIMELINE_QUERY_VERSION);
  assert_int_equal(q.customer, 0);
  assert_int_equal(q.case_id, 0);
  assert_int_equal(q.before, 0);
  assert_int_equal(q.before_id, 0);
  assert_int_equal(q.limit, 0);
  assert_crm_error(crm_timeline_query_init(NULL, 1), CRM_EINVALID, "query");
  assert_crm_error(crm_timeline_query_init(&q, 0), CRM_EINVALID, "version 0");
  assert_crm_error(crm_timeline_query_init(&q, CRM_TIMELINE_QUERY_VERSION + 1), CRM_EINVALID,
                   "version");
}

static void assert_iterator_fails(crm_test_db *t, const crm_timeline_query *q, crm_status code,
                                  const char *needle)
{
  crm_timeline_iterator *it = (crm_timeline_iterator *)t;
  assert_crm_error(crm_timeline_iterator_new(&it, t->db, q), code, needle);
  assert_null(it);
}

static void test_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "err@example.com");
  crm_id ix =
      record_at(t, c, 0, CRM_CHANNEL_EMAIL, CRM_DIRECTION_INBOUND, CRM_OUTCOME_NONE, 0, "hello");
  crm_id case_id = crm_test_case_of(t->db, ix);
  crm_timeline_query good = CRM_TIMELINE_QUERY_INIT;
  good.customer = c;

  crm_timeline_iterator *it = (crm_timeline_iterator *)t;
  assert_crm_error(crm_timeline_iterator_new(NULL, t->db, &good), CRM_EINVALID, "out");
  assert_crm_error(crm_timeline_iterator_new(&it, NULL, &good), CRM_EINVALID, "db");
  assert_null(it);
  assert_iterator_fails(t, NULL, CRM_EINVALID, "query");

  crm_timeline_query q = good;
  q.version = 0;
  assert_iterator_fails(t, &q, CRM_EINVALID, "version 0");
  q.version = CRM_TIMELINE_QUERY_VERSION + 1;
  assert_iterator_fails(t, &q, CRM_EINVALID, "version");
  q = good;
  q.customer = 0;
  assert_iterator_fails(t, &q, CRM_EINVALID, "exactly one");
  q.customer = c;
  q.case_id = case_id;
  assert_iterator_fails(t, &q, CRM_EINVALID, "exactly one");
  q = good;
  q.customer = -5;
  assert_iterator_fails(t, &q, CRM_EINVALID, "-5");
  q = good;
  q.customer = 0;
  q.case_id = -6;
  assert_iterator_fails(t, &q, CRM_EINVALID, "-6");
  q = good;
  q.before = -1;
  assert_iterator_fails(t, &q, CRM_EINVALID, "before");
  q = good;
  q.before = t->now;
  q.before_id = -1;
  assert_iterator_fails(t, &q, CRM_EINVALID, "before_id");
  q = good;
  q.before_id = ix;
  assert_iterator_fails(t, &q, CRM_EINVALID, "before_id");
  q = good;
  q.customer = 98765;
  assert_iterator_fails(t, &q, CRM_ENOTFOUND, "98765");
  q = good;
  q.customer = 0;
  q.case_id = 56789;
  assert_iterator_fails(t, &q, CRM_ENOTFOUND, "56789");

  crm_interaction *obj = (crm_interaction *)t;
  assert_crm_error(crm_timeline_next(&obj, NULL), CRM_EINVALID, "iterator");
  assert_null(obj);
  assert_crm_ok(crm_timeline_iterator_new(&it, t->db, &good));
  assert_crm_error(crm_timeline_next(NULL, it), CRM_EINVALID, "out");
  /* the handle closed under a live iterator: an error, and free is safe */
  crm_close(t->db);
  t->db = NULL;
  assert_crm_error(crm_timeline_next(&obj, it), CRM_EINVALID, "closed");
  assert_null(obj);
  crm_timeline_iterator_free(it);
  crm_timeline_iterator_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
      T(test_s2_every_channel_newest_first),
      T(test_customer_timeline_includes_caseless),
      T(test_paging_1000),
      T(test_keyset_stable_under_inserts),
      cmocka_unit_test(test_query_init),
      T(test_errors),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
