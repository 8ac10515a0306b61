/*
 * Conformance: full-text search (crm/search.h). Italian accented text
 * found with and without its accents, phrases, prefixes, ranking, keyset
 * paging without duplicates or gaps, user input that tries to be query
 * syntax, malformed queries, the actor's permissions, erasure, and every
 * argument check.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

typedef struct {
  int kind;
  crm_id id, customer, case_id;
  double rank;
  char *snippet, *cursor;
} hit;

static void hit_clear(void *p)
{
  hit *h = p;
  g_free(h->snippet);
  g_free(h->cursor);
}

static GArray *hits_new(void)
{
  GArray *a = g_array_new(FALSE, TRUE, sizeof(hit));
  g_array_set_clear_func(a, hit_clear);
  return a;
}

/* Every hit of `query` (kinds 0: all; limit 0: all; after NULL: from the
   best), on `db`, appended to `out`. */
static void search_into(GArray *out, crm_db *db, const char *query, uint32_t kinds,
                        unsigned int limit, const char *after)
{
  crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
  o.kinds = kinds;
  o.limit = limit;
  o.after = after;
  crm_search_iterator *it = NULL;
  assert_crm_ok(crm_search(&it, db, query, &o));
  crm_search_hit *h = NULL;
  crm_status st;
  while ((st = crm_search_next(&h, it)) == CRM_OK) {
    hit x = {(int)crm_search_hit_kind(h),
             crm_search_hit_id(h),
             crm_search_hit_customer(h),
             crm_search_hit_case(h),
             crm_search_hit_rank(h),
             g_strdup(crm_search_hit_snippet(h)),
             g_strdup(crm_search_hit_cursor(h))};
    assert_non_null(x.snippet);
    assert_non_null(x.cursor);
    g_array_append_val(out, x);
    crm_search_hit_free(h);
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_null(h);
  crm_search_iterator_free(it);
}

static GArray *search(crm_db *db, const char *query, uint32_t kinds)
{
  GArray *a = hits_new();
  search_into(a, db, query, kinds, 0, NULL);
  return a;
}

#define IX (1u << CRM_SEARCH_INTERACTION)
#define CS (1u << CRM_SEARCH_CASE)
#define CU (1u << CRM_SEARCH_CUSTOMER)

/* Whether the hits hold (kind, id). */
static int has_hit(GArray *a, int kind, crm_id id)
{
  for (guint i = 0; i < a->len; i++) {
    hit *h = &g_array_index(a, hit, i);
    if (h->kind == kind && h->id == id)
      return 1;
  }
  return 0;
}

static guint count(crm_db *db, const char *query, uint32_t kinds)
{
  GArray *a = search(db, query, kinds);
  guint n = a->len;
  g_array_unref(a);
  return n;
}

static crm_id open_case(crm_db *db, crm_id customer, const char *subject, crm_id queue)
{
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = customer;
  spec.subject = subject;
  spec.queue = queue;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, db, &spec));
  return id;
}

static crm_id note(crm_db *db, crm_id customer, crm_id case_id, const char *subject,
                   const char *body)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = subject;
  s.body = body;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &s));
  return id;
}

static crm_id named_customer(crm_db *db, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, db, name));
  return id;
}

static void rename_customer(crm_db *db, crm_id id, const char *name)
{
  crm_customer_update_spec u = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  u.display_name = name;
  assert_crm_ok(crm_customer_update(db, id, &u, 0));
}

/* ------------------------------------------------------------------ */
/* matching                                                             */

static void test_accents(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Niccolò Bellè");
  crm_id c = open_case(t->db, cu, "Guasto in città", 0);
  crm_id a = note(t->db, cu, c, "Perché?", "Perché la città è senza corrente da ieri?");
  crm_id b = note(t->db, cu, c, "perche", "scritto senza accento: perche citta");
  const char *queries[] = {"perche", "perché", "PERCHÉ", "Perche"};
  for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
    GArray *h = search(t->db, queries[i], IX);
    assert_int_equal(h->len, 2);
    assert_true(has_hit(h, CRM_SEARCH_INTERACTION, a));
    assert_true(has_hit(h, CRM_SEARCH_INTERACTION, b));
    g_array_unref(h);
  }
  GArray *h = search(t->db, "citta", 0);
  assert_int_equal(h->len, 3); /* both notes and the case */
  assert_true(has_hit(h, CRM_SEARCH_CASE, c));
  g_array_unref(h);
  assert_int_equal(count(t->db, "città", 0), 3);
  assert_int_equal(count(t->db, "CITTÀ corrente", 0), 1);
  assert_int_equal(count(t->db, "niccolo belle", CU), 1);
  assert_int_equal(count(t->db, "niccolò", CU), 1);
}

static void test_phrase_and_prefix(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Anna Verdi");
  crm_id c = open_case(t->db, cu, "Riscaldamento", 0);
  crm_id a = note(t->db, cu, c, NULL, "La caldaia rotta in cucina non parte");
  crm_id b = note(t->db, cu, c, NULL, "Rotta la porta, la caldaia invece va");
  crm_id f = note(t->db, cu, c, "Fatturazione", "errore nella fattura di marzo");

  assert_int_equal(count(t->db, "caldaia rotta", IX), 2);
  GArray *h = search(t->db, "\"caldaia rotta\"", IX);
  assert_int_equal(h->len, 1);
  assert_int_equal(g_array_index(h, hit, 0).id, a);
  g_array_unref(h);
  h = search(t->db, "\"rotta la\"", IX);
  assert_int_equal(h->len, 1);
  assert_int_equal(g_array_index(h, hit, 0).id, b);
  g_array_unref(h);
  assert_int_equal(count(t->db, "\"rotta caldaia\"", IX), 0);

  /* prefixes */
  h = search(t->db, "fattur*", IX);
  assert_int_equal(h->len, 1);
  assert_int_equal(g_array_index(h, hit, 0).id, f);
  g_array_unref(h);
  assert_int_equal(count(t->db, "fattur", IX), 0);
  assert_int_equal(count(t->db, "cald*", IX), 2);
  assert_int_equal(count(t->db, "cald** rott*", IX), 2);
  assert_int_equal(count(t->db, "\"caldaia rot\"*", IX), 1);
  assert_int_equal(count(t->db, "\"errore nella fatt*\"", IX), 1);
}

static void test_kinds_and_hits(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Giulia Ferretti");
  crm_id c = open_case(t->db, cu, "Contratto Ferretti da rinnovare", 0);
  crm_id ix = note(t->db, cu, c, "Rinnovo", "La signora Ferretti chiede il rinnovo");
  GArray *h = search(t->db, "ferretti", 0);
  assert_int_equal(h->len, 3);
  for (guint i = 0; i < h->len; i++) {
    hit *x = &g_array_index(h, hit, i);
    assert_int_equal(x->customer, cu);
    if (x->kind == CRM_SEARCH_INTERACTION) {
      assert_int_equal(x->id, ix);
      assert_int_equal(x->case_id, c);
    } else if (x->kind == CRM_SEARCH_CASE) {
      assert_int_equal(x->id, c);
      assert_int_equal(x->case_id, c);
    } else {
      assert_int_equal(x->kind, CRM_SEARCH_CUSTOMER);
      assert_int_equal(x->id, cu);
      assert_int_equal(x->case_id, 0);
    }
    /* the snippet marks the match */
    char *lower = g_utf8_strdown(x->snippet, -1);
    assert_non_null(strstr(lower, "[ferretti]"));
    g_free(lower);
    if (i > 0)
      assert_true(x->rank <= g_array_index(h, hit, i - 1).rank);
  }
  g_array_unref(h);
  assert_int_equal(count(t->db, "ferretti", IX), 1);
  assert_int_equal(count(t->db, "ferretti", CS | CU), 2);
  assert_int_equal(count(t->db, "ferretti", CU), 1);
  assert_int_equal(count(t->db, "rinnovo", IX | CS), 1);

  /* the index follows changes: a new name, a moved interaction */
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.display_name = "Giulia Marchetti";
  assert_crm_ok(crm_customer_update(t->db, cu, &spec, 0));
  assert_int_equal(count(t->db, "ferretti", CU), 0);
  assert_int_equal(count(t->db, "marchetti", CU), 1);
  crm_id other = open_case(t->db, cu, "Altro", 0);
  assert_crm_ok(crm_interaction_move(t->db, ix, other));
  h = search(t->db, "signora", IX);
  assert_int_equal(h->len, 1);
  assert_int_equal(g_array_index(h, hit, 0).case_id, other);
  g_array_unref(h);

  /* a write rolled back leaves no hit */
  assert_crm_ok(crm_begin(t->db));
  note(t->db, cu, c, NULL, "parola fantasmagorica");
  assert_int_equal(count(t->db, "fantasmagorica", 0), 1);
  assert_crm_ok(crm_rollback(t->db));
  assert_int_equal(count(t->db, "fantasmagorica", 0), 0);
}

static void test_ranking(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Rita Neri");
  crm_id c = open_case(t->db, cu, "Linea", 0);
  crm_id weak = note(t->db, cu, c, "Varie",
                     "Buongiorno, vi scrivo per molte cose: la bolletta, il contratto, "
                     "il trasloco, la linea, il router e infine anche il modem, grazie");
  crm_id strong = note(t->db, cu, c, "Modem guasto", "Il modem non si accende, modem rotto");
  crm_id middle = note(t->db, cu, c, "Assistenza", "Il modem lampeggia");
  GArray *h = search(t->db, "modem", IX);
  assert_int_equal(h->len, 3);
  assert_int_equal(g_array_index(h, hit, 0).id, strong);
  assert_int_equal(g_array_index(h, hit, 1).id, middle);
  assert_int_equal(g_array_index(h, hit, 2).id, weak);
  assert_true(g_array_index(h, hit, 0).rank > g_array_index(h, hit, 1).rank);
  assert_true(g_array_index(h, hit, 1).rank > g_array_index(h, hit, 2).rank);
  g_array_unref(h);
}

/* 300 hits in tied groups, paged through by cursor 64 at a time and by
   the iterator's own pages: the same order, each hit once. */
static void test_keyset_paging(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Paolo Gialli");
  crm_id c = open_case(t->db, cu, "Bollette", 0);
  assert_crm_ok(crm_begin(t->db));
  for (int i = 0; i < 300; i++) {
    GString *body = g_string_new("bolletta");
    for (int k = 0; k < i % 4; k++)
      g_string_append(body, " bolletta");
    g_string_append(body, " di marzo");
    note(t->db, cu, c, NULL, body->str);
    g_string_free(body, TRUE);
  }
  assert_crm_ok(crm_commit(t->db));
  GArray *all = search(t->db, "bolletta", 0);
  assert_int_equal(all->len, 300);
  GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (guint i = 0; i < all->len; i++) {
    hit *h = &g_array_index(all, hit, i);
    assert_true(g_hash_table_add(seen, &h->id));
    if (i > 0) {
      hit *p = &g_array_index(all, hit, i - 1);
      assert_true(p->rank > h->rank || (p->rank == h->rank && p->id < h->id));
    }
  }
  g_hash_table_unref(seen);

  GArray *paged = hits_new();
  char *after = NULL;
  for (int pages = 0;; pages++) {
    assert_true(pages < 10);
    guint before = paged->len;
    search_into(paged, t->db, "bolletta", 0, 64, after);
    g_free(after);
    after = NULL;
    if (paged->len == before)
      break;
    assert_true(paged->len - before <= 64);
    after = g_strdup(g_array_index(paged, hit, paged->len - 1).cursor);
  }
  assert_int_equal(paged->len, 300);
  for (guint i = 0; i < 300; i++)
    assert_int_equal(g_array_index(paged, hit, i).id, g_array_index(all, hit, i).id);
  g_array_unref(paged);

  /* a hit added between pages does not move the ones already seen */
  GArray *first = hits_new();
  search_into(first, t->db, "bolletta", 0, 100, NULL);
  note(t->db, cu, c, NULL, "una bolletta nuova");
  GArray *rest = hits_new();
  search_into(rest, t->db, "bolletta", 0, 0, g_array_index(first, hit, first->len - 1).cursor);
  GHashTable *ids = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (guint i = 0; i < first->len; i++)
    assert_true(g_hash_table_add(ids, &g_array_index(first, hit, i).id));
  for (guint i = 0; i < rest->len; i++)
    assert_true(g_hash_table_add(ids, &g_array_index(rest, hit, i).id));
  for (guint i = 0; i < all->len; i++)
    assert_true(g_hash_table_contains(ids, &g_array_index(all, hit, i).id));
  g_hash_table_unref(ids);
  g_array_unref(first);
  g_array_unref(rest);
  g_array_unref(all);
}

/* ------------------------------------------------------------------ */
/* hostile and malformed input                                          */

static void test_injection(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Marco Blu");
  crm_id c = open_case(t->db, cu, "Varie", 0);
  crm_id near = note(t->db, cu, c, NULL, "ci vediamo near the station or not");
  crm_id boiler = note(t->db, cu, c, NULL, "caldaia rotta, l'acqua è fredda");
  crm_id drop = note(t->db, cu, c, NULL, "please drop table reservations");
  long rows = crm_test_count_all_rows(t);

  GArray *h = search(t->db, "NEAR", 0);
  assert_int_equal(h->len, 1);
  assert_int_equal(g_array_index(h, hit, 0).id, near);
  g_array_unref(h);
  assert_int_equal(count(t->db, "NEAR(ci station)", 0), 0); /* the word "near(ci" is not there */
  assert_int_equal(count(t->db, "station OR", 0), 1);       /* "or" is a word of the text */
  assert_int_equal(count(t->db, "station OR caldaia", 0), 0);
  assert_int_equal(count(t->db, "caldaia NOT rotta", 0), 0);
  assert_int_equal(count(t->db, "caldaia AND rotta", 0), 0);
  h = search(t->db, "(caldaia) -rotta", 0);
  assert_int_equal(h->len, 1); /* parentheses and '-' are not operators */
  assert_int_equal(g_array_index(h, hit, 0).id, boiler);
  g_array_unref(h);
  assert_int_equal(count(t->db, "l'acqua", 0), 1);
  assert_int_equal(count(t->db, "\"l'acqua\"", 0), 1);
  assert_int_equal(count(t->db, "caldaia*)", 0), 1);
  h = search(t->db, "'; DROP TABLE reservations; --", 0);
  assert_int_equal(h->len, 1);
  assert_int_equal(g_array_index(h, hit, 0).id, drop);
  g_array_unref(h);
  const char *hostile[] = {"'; DROP TABLE interactions; --",
                           "\"); DROP TABLE cases; --\"",
                           "caldaia' OR '1'='1",
                           "subject:caldaia",
                           "{subject body}: caldaia",
                           "^caldaia",
                           "caldaia \\",
                           "x\\' | y:*",
                           "a & b | !c <-> d",
                           "\"caldaia\" + \"rotta\"",
                           "caldaia NEAR/2 rotta",
                           "*caldaia",
                           "ca*ldaia",
                           "caldaia ''''",
                           "NULL",
                           "%",
                           "_"};
  for (size_t i = 0; i < G_N_ELEMENTS(hostile); i++) {
    crm_search_iterator *it = NULL;
    crm_status st = crm_search(&it, t->db, hostile[i], NULL);
    if (st == CRM_OK) {
      crm_search_hit *x = NULL;
      while ((st = crm_search_next(&x, it)) == CRM_OK)
        crm_search_hit_free(x);
      if (st != CRM_ITEROVER)
        fail_msg("query <%s> failed: %s", hostile[i], crm_error_last()->message);
      crm_search_iterator_free(it);
    } else
      assert_crm_error(st, CRM_EINVALID, "search query");
  }
  assert_int_equal(count(t->db, "\"caldaia\" + \"rotta\"", 0), 1);
  assert_int_equal(count(t->db, "{subject body}: caldaia", 0), 0);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(count(t->db, "caldaia", 0), 1);
}

static void expect_invalid(crm_db *db, const char *query, const char *needle)
{
  crm_search_iterator *it = (crm_search_iterator *)db; /* must be reset to NULL */
  assert_crm_error(crm_search(&it, db, query, NULL), CRM_EINVALID, needle);
  assert_null(it);
}

static void test_malformed(void **state)
{
  crm_test_db *t = *state;
  expect_invalid(t->db, "\"caldaia rotta", "quote is not closed");
  expect_invalid(t->db, "caldaia \"", "quote is not closed");
  expect_invalid(t->db, "\"", "quote is not closed");
  expect_invalid(t->db, "\"\"", "phrase holds no word");
  expect_invalid(t->db, "caldaia \"  \"", "phrase holds no word");
  expect_invalid(t->db, "*", "no word");
  expect_invalid(t->db, "   ", "no word");
  expect_invalid(t->db, "- ( ) ; '", "no word");
  expect_invalid(t->db, "", "query");
  GString *many = g_string_new(NULL);
  for (int i = 0; i <= CRM_SEARCH_MAX_TERMS; i++)
    g_string_append_printf(many, "w%d ", i);
  expect_invalid(t->db, many->str, "too many");
  g_string_free(many, TRUE);
  char *long_query = g_strnfill(CRM_SEARCH_MAX_QUERY + 1, 'a');
  expect_invalid(t->db, long_query, "too long");
  g_free(long_query);
}

static void test_arguments(void **state)
{
  crm_test_db *t = *state;
  crm_search_iterator *it = NULL;
  long rows = crm_test_count_all_rows(t);
  assert_crm_error(crm_search(NULL, t->db, "x", NULL), CRM_EINVALID, "out");
  assert_crm_error(crm_search(&it, NULL, "x", NULL), CRM_EINVALID, "db");
  assert_crm_error(crm_search(&it, t->db, NULL, NULL), CRM_EINVALID, "query");
  assert_crm_error(crm_search(&it, t->db, "caf\xc3", NULL), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_search(&it, t->db, "\xff\xfe", NULL), CRM_EINVALID, "UTF-8");
  crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
  o.version = 0;
  assert_crm_error(crm_search(&it, t->db, "x", &o), CRM_EINVALID, "crm_search_options");
  o.version = CRM_SEARCH_OPTIONS_VERSION + 1;
  assert_crm_error(crm_search(&it, t->db, "x", &o), CRM_EINVALID, "crm_search_options");
  assert_crm_ok(crm_search_options_init(&o, CRM_SEARCH_OPTIONS_VERSION));
  o.kinds = 1u << 5;
  assert_crm_error(crm_search(&it, t->db, "x", &o), CRM_EINVALID, "kinds 0x20");
  o.kinds = 1u;
  assert_crm_error(crm_search(&it, t->db, "x", &o), CRM_EINVALID, "kinds 0x1");
  o.kinds = 0;
  const char *bad_cursors[] = {"",        "abc",     "1.5:2",     "1.5:9:3",
                               "1.5:1:0", "nan:1:3", "1.5:1:3:4", "x:1:2"};
  for (size_t i = 0; i < G_N_ELEMENTS(bad_cursors); i++) {
    o.after = bad_cursors[i];
    assert_crm_error(crm_search(&it, t->db, "x", &o), CRM_EINVALID, "cursor");
  }
  o.after = "\xff";
  assert_crm_error(crm_search(&it, t->db, "x", &o), CRM_EINVALID, "UTF-8");
  assert_null(it);
  assert_crm_error(crm_search_options_init(NULL, 1), CRM_EINVALID, "opts");
  assert_crm_error(crm_search_options_init(&o, 2), CRM_EINVALID, "crm_search_options");
  crm_search_hit *h = (crm_search_hit *)t; /* must be reset to NULL */
  assert_crm_error(crm_search_next(&h, NULL), CRM_EINVALID, "iterator");
  assert_null(h);
  assert_crm_ok(crm_search(&it, t->db, "x", NULL));
  assert_crm_error(crm_search_next(NULL, it), CRM_EINVALID, "out");
  assert_int_equal(crm_search_next(&h, it), CRM_ITEROVER);
  crm_search_iterator_free(it);
  crm_search_iterator_free(NULL);
  crm_search_hit_free(NULL);
  assert_int_equal(crm_search_hit_kind(NULL), 0);
  assert_int_equal(crm_search_hit_id(NULL), 0);
  assert_null(crm_search_hit_snippet(NULL));
  assert_null(crm_search_hit_cursor(NULL));
  assert_string_equal(crm_search_kind_name(CRM_SEARCH_CASE), "case");
  assert_null(crm_search_kind_name((crm_search_kind_t)9));
  assert_int_equal(crm_test_count_all_rows(t), rows);
}

/* ------------------------------------------------------------------ */
/* permissions and erasure                                              */

static crm_db *as_actor(crm_test_db *t, crm_id actor)
{
  crm_id saved = t->opts.actor;
  t->opts.actor = actor;
  crm_db *db = crm_test_db_open_another(t);
  t->opts.actor = saved;
  return db;
}

static void test_permissions(void **state)
{
  crm_test_db *t = *state;
  crm_id q1 = 0, q2 = 0, member = 0, admin = 0, stranger = 0, supervisor = 0;
  assert_crm_ok(crm_queue_create(&q1, t->db, "Fibra"));
  assert_crm_ok(crm_queue_create(&q2, t->db, "Mobile"));
  assert_crm_ok(crm_agent_create(&member, t->db, "Ada", "ada@helpdesk.example"));
  assert_crm_ok(crm_agent_create(&admin, t->db, "Bea", "bea@helpdesk.example"));
  assert_crm_ok(crm_agent_create(&stranger, t->db, "Cloe", "cloe@helpdesk.example"));
  assert_crm_ok(crm_agent_create(&supervisor, t->db, "Dora", "dora@helpdesk.example"));
  assert_crm_ok(crm_agent_join(t->db, member, q1, CRM_ROLE_AGENT));
  assert_crm_ok(crm_agent_join(t->db, admin, q2, CRM_ROLE_ADMIN));
  assert_crm_ok(crm_agent_join(t->db, supervisor, q2, CRM_ROLE_SUPERVISOR));

  crm_id x = named_customer(t->db, "Zefiro Uno"), y = named_customer(t->db, "Zefiro Due"),
         z = named_customer(t->db, "Zefiro Tre"), lonely = named_customer(t->db, "Zefiro Solo");
  crm_id c1 = open_case(t->db, x, "zefiro fibra", q1);
  crm_id c2 = open_case(t->db, y, "zefiro mobile", q2);
  crm_id c3 = open_case(t->db, z, "zefiro senza coda", 0);
  crm_id i1 = note(t->db, x, c1, NULL, "zefiro uno");
  crm_id i2 = note(t->db, y, c2, NULL, "zefiro due");
  crm_id i3 = note(t->db, z, c3, NULL, "zefiro tre");

  assert_int_equal(count(t->db, "zefiro", 0), 10); /* actor 0: everything */
  crm_db *db = as_actor(t, admin);
  assert_int_equal(count(db, "zefiro", 0), 10);
  crm_close(db);

  db = as_actor(t, member);
  GArray *h = search(db, "zefiro", 0);
  assert_int_equal(h->len, 6);
  assert_true(has_hit(h, CRM_SEARCH_CASE, c1) && has_hit(h, CRM_SEARCH_CASE, c3));
  assert_true(has_hit(h, CRM_SEARCH_INTERACTION, i1) && has_hit(h, CRM_SEARCH_INTERACTION, i3));
  assert_true(has_hit(h, CRM_SEARCH_CUSTOMER, x) && has_hit(h, CRM_SEARCH_CUSTOMER, z));
  assert_false(has_hit(h, CRM_SEARCH_CASE, c2) || has_hit(h, CRM_SEARCH_INTERACTION, i2) ||
               has_hit(h, CRM_SEARCH_CUSTOMER, y) || has_hit(h, CRM_SEARCH_CUSTOMER, lonely));
  g_array_unref(h);
  /* paging under the filter */
  h = hits_new();
  search_into(h, db, "zefiro", 0, 4, NULL);
  assert_int_equal(h->len, 4);
  search_into(h, db, "zefiro", 0, 0, g_array_index(h, hit, 3).cursor);
  assert_int_equal(h->len, 6);
  g_array_unref(h);
  crm_close(db);

  db = as_actor(t, supervisor); /* a supervisor is no admin */
  h = search(db, "zefiro", 0);
  assert_int_equal(h->len, 6);
  assert_true(has_hit(h, CRM_SEARCH_CASE, c2) && has_hit(h, CRM_SEARCH_CASE, c3));
  g_array_unref(h);
  crm_close(db);

  db = as_actor(t, stranger);
  h = search(db, "zefiro", 0);
  assert_int_equal(h->len, 3);
  assert_true(has_hit(h, CRM_SEARCH_CASE, c3) && has_hit(h, CRM_SEARCH_INTERACTION, i3) &&
              has_hit(h, CRM_SEARCH_CUSTOMER, z));
  g_array_unref(h);
  crm_close(db);

  /* membership changes apply at once */
  assert_crm_ok(crm_agent_leave(t->db, member, q1));
  db = as_actor(t, member);
  assert_int_equal(count(db, "zefiro", 0), 3);
  crm_close(db);
}

static void test_erasure(void **state)
{
  crm_test_db *t = *state;
  crm_id cu = named_customer(t->db, "Ottavio Quaglierini");
  crm_id c = open_case(t->db, cu, "Rimborso Quaglierini", 0);
  note(t->db, cu, c, "Quaglierini", "Sono Ottavio Quaglierini, chiedo il rimborso");
  crm_id other = named_customer(t->db, "Ada Rimborsi");
  crm_id oc = open_case(t->db, other, "Un altro rimborso", 0);
  note(t->db, other, oc, NULL, "anche io chiedo il rimborso");
  assert_int_equal(count(t->db, "quaglierini", 0), 3);
  assert_int_equal(count(t->db, "ottavio", 0), 2);
  assert_int_equal(count(t->db, "rimborso", 0), 4);
  assert_crm_ok(crm_customer_erase(t->db, cu, "GDPR request"));
  assert_int_equal(count(t->db, "quaglierini", 0), 0);
  assert_int_equal(count(t->db, "ottavio", 0), 0);
  assert_int_equal(count(t->db, "quaglier*", 0), 0);
  assert_int_equal(count(t->db, "rimborso", 0), 2); /* the other customer's stay */
  assert_crm_ok(crm_db_compact(t->db));
  assert_int_equal(count(t->db, "rimborso", 0), 2);
}

/* ------------------------------------------------------------------ */
/* transactions                                                         */

/* Inside crm_begin a search sees the transaction's own writes with their
   latest texts, before and after it has searched once; a rollback takes
   them out of the index again. */
static void test_open_transaction(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_begin(t->db));
  /* written and renamed before any search */
  crm_id a = named_customer(t->db, "Zebulon Adriatico");
  rename_customer(t->db, a, "Quintilio Adriatico");
  crm_id c = open_case(t->db, a, "Lavatrice rumorosa", 0);
  note(t->db, a, c, "Rumore", "La lavatrice fa un rumore metallico");
  assert_int_equal(count(t->db, "Zebulon", 0), 0);
  assert_int_equal(count(t->db, "Quintilio", CU), 1);
  assert_int_equal(count(t->db, "metallico", IX), 1);
  assert_int_equal(count(t->db, "rumorosa", CS), 1);
  /* renamed again after a search */
  rename_customer(t->db, a, "Ottavio Adriatico");
  assert_int_equal(count(t->db, "Quintilio", 0), 0);
  assert_int_equal(count(t->db, "Ottavio", CU), 1);
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(count(t->db, "Ottavio", CU), 1);
  assert_int_equal(count(t->db, "Adriatico", CU), 1);
  assert_int_equal(count(t->db, "Quintilio", 0), 0);
  assert_int_equal(count(t->db, "Zebulon", 0), 0);

  /* rolled back: neither searchable inside after a search, nor after */
  assert_crm_ok(crm_begin(t->db));
  crm_id b = named_customer(t->db, "Ermenegildo Tirreno");
  assert_true(b > a);
  assert_int_equal(count(t->db, "Ermenegildo", CU), 1);
  assert_crm_ok(crm_rollback(t->db));
  assert_int_equal(count(t->db, "Ermenegildo", 0), 0);
  /* the id the rolled-back customer had is given again, and indexed */
  crm_id d = named_customer(t->db, "Ermenegildo Ionio");
  assert_int_equal(count(t->db, "Ermenegildo", CU), 1);
  assert_int_equal(count(t->db, "Tirreno", 0), 0);
  assert_true(d > a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_accents, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_phrase_and_prefix, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_kinds_and_hits, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_ranking, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_keyset_paging, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_injection, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_malformed, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_arguments, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_permissions, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_erasure, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_open_transaction, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
