/*
 * bench_search: full-text search latency through libcrm (crm_search),
 * beside the same FTS5 MATCH run through raw sqlite3 prepared statements
 * in the same run, plus what the erasure's index purge costs.
 *
 * The database holds N interactions (default 5,000,000) of generated
 * Italian-like customer-care text (a Zipf-distributed vocabulary of common
 * words, accented ones among them, and 20,000 rarer made-up words), one
 * case per 10 interactions (spread over 10 queues and no queue), one
 * customer per 5 cases. Rows are written by raw prepared statements into
 * the libcrm schema, then indexed for search as at a libcrm commit (an
 * empty crm_begin/crm_commit), not timed.
 *
 * Timed, median of several runs each, first page of 20 hits:
 *   search_two_word_ms      crm_search("caldaia rotta"), interactions only
 *   search_phrase_ms        crm_search("\"caldaia rotta\""), interactions only
 *   search_all_kinds_ms     crm_search("caldaia rotta"), interactions, cases, customers
 *   search_two_word_1_hit_ms  the same with a page of 1 (the ranking without 19 snippets)
 *   search_actor_ms         as search_two_word_ms, through a handle whose actor is
 *                           an agent of one queue (the permission filter)
 *   raw_two_word_ms         SELECT rowid, snippet(...) FROM interactions_fts WHERE
 *                           interactions_fts MATCH '"caldaia" "rotta"' ORDER BY bm25
 *                           LIMIT 20, raw sqlite3
 *   raw_phrase_ms           the same with the phrase
 *   two_word_ratio, phrase_ratio   libcrm / raw
 *   compact_after_erase_ms  crm_db_compact after one interaction's text is rewritten
 *                           (the FTS5 'optimize' that purges the old tokens, and
 *                           the WAL checkpoint)
 *   compact_again_ms        crm_db_compact with nothing written since
 *
 *   bench_search                 5M interactions (long: builds a multi-GB file)
 *   bench_search --count N       N interactions
 *   bench_search --smoke         3,000 interactions, for CI (a few seconds)
 *
 * The exit status is 1 if libcrm and the raw statements do not find the
 * same set of interactions for a query.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "crm.h"

#define T0       ((crm_time)1772442000)
#define PAGE     20
#define N_QUEUES 10

static const char *const common_words[] = {
    "la",        "il",         "di",         "che",       "non",         "per",       "un",
    "una",       "in",         "mi",         "ho",        "è",           "sono",      "con",
    "del",       "della",      "da",         "ma",        "come",        "più",       "già",
    "perché",    "anche",      "ancora",     "grazie",    "buongiorno",  "salve",     "vorrei",
    "chiedo",    "problema",   "servizio",   "contratto", "bolletta",    "fattura",   "pagamento",
    "linea",     "internet",   "modem",      "router",    "telefono",    "chiamata",  "assistenza",
    "tecnico",   "intervento", "casa",       "città",     "giorni",      "settimana", "mese",
    "ieri",      "oggi",       "domani",     "subito",    "funziona",    "lento",     "rotto",
    "guasto",    "caldaia",    "rotta",      "acqua",     "calda",       "fredda",    "luce",
    "gas",       "contatore",  "lettura",    "rimborso",  "addebito",    "errore",    "importo",
    "cliente",   "codice",     "numero",     "ordine",    "spedizione",  "consegna",  "pacco",
    "ritardo",   "risposta",   "reclamo",    "disdetta",  "attivazione", "offerta",   "costo",
    "euro",      "sconto",     "promozione", "app",       "accesso",     "password",  "email",
    "indirizzo", "cambio",     "nuovo",      "vecchio",   "sempre",      "mai",       "dopo",
    "prima",     "quando",     "dove",       "cosa",      "qualcuno",    "nessuno",   "tutto",
    "niente",    "bene",       "male",       "urgente",   "attesa",      "cordiali",  "saluti"};

typedef struct {
  GPtrArray *words; /* the vocabulary, most frequent first */
  GRand *rand;
} textgen;

static void die(const char *what, const char *detail)
{
  fprintf(stderr, "bench_search: %s: %s\n", what, detail ? detail : "");
  exit(2);
}

static void check(crm_status st, const char *what)
{
  if (st != CRM_OK)
    die(what, crm_error_last()->message);
}

static void textgen_init(textgen *g)
{
  static const char *const syllables[] = {"ca", "lo", "ri",  "ne", "ta",  "mo",  "ve", "si",
                                          "pa", "du", "gno", "fe", "bra", "zio", "ce", "tu"};
  g->rand = g_rand_new_with_seed(42);
  g->words = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < G_N_ELEMENTS(common_words); i++)
    g_ptr_array_add(g->words, g_strdup(common_words[i]));
  for (int i = 0; i < 20000; i++) {
    GString *w = g_string_new(NULL);
    for (int k = i, n = 0; n < 3 || k > 0; n++, k /= 16)
      g_string_append(w, syllables[k % 16]);
    g_ptr_array_add(g->words, g_string_free(w, FALSE));
  }
}

/* A word, Zipf-like: low indexes far more often. */
static const char *textgen_word(textgen *g)
{
  double u = g_rand_double(g->rand);
  guint i = (guint)(g->words->len * u * u * u * u);
  return g_ptr_array_index(g->words, MIN(i, g->words->len - 1));
}

static void textgen_fill(textgen *g, GString *out, int n_words)
{
  g_string_truncate(out, 0);
  for (int i = 0; i < n_words; i++) {
    if (i)
      g_string_append_c(out, i % 11 == 10 ? '.' : ' ');
    if (i % 11 == 10)
      g_string_append_c(out, ' ');
    g_string_append(out, textgen_word(g));
  }
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    die(sql, sqlite3_errmsg(db));
  return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
  if (sqlite3_step(st) != SQLITE_DONE)
    die("writing", sqlite3_errmsg(db));
  sqlite3_reset(st);
}

static void exec(sqlite3 *db, const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
    die(sql, err);
}

static crm_time fixed_clock(void *payload)
{
  (void)payload;
  return T0;
}

static crm_db *open_db(const char *uri, crm_id actor)
{
  crm_open_options o = CRM_OPEN_OPTIONS_INIT;
  o.clock = fixed_clock;
  o.actor = actor;
  crm_db *db = NULL;
  check(crm_open(&db, uri, &o), "crm_open");
  return db;
}

/* Customers, cases and interactions into the libcrm database `uri` at `path`. */
static void populate(const char *uri, const char *path, long n)
{
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK)
    die("opening", path);
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN");
  sqlite3_stmt *cu = prepare(db, "INSERT INTO customers (id, display_name, status, created_at, "
                                 "updated_at, version) VALUES (?, ?, 1, ?, ?, 1)");
  sqlite3_stmt *cs = prepare(db, "INSERT INTO cases (id, customer, subject, kind, status, "
                                 "priority, queue, created_at, updated_at, version, "
                                 "inbound_count, transfer_count, reopen_count) VALUES "
                                 "(?, ?, ?, 1, 2, 2, ?, ?, ?, 1, 10, 0, 0)");
  sqlite3_stmt *ix = prepare(db, "INSERT INTO interactions (customer, case_id, channel, "
                                 "direction, outcome, occurred_at, recorded_at, subject, body) "
                                 "VALUES (?, ?, 1, 1, 0, ?, ?, ?, ?)");
  textgen g;
  textgen_init(&g);
  GString *subject = g_string_new(NULL), *body = g_string_new(NULL);
  static const char *const names[] = {"Mario Rossi",     "Anna Bianchi", "Luca Ferrari",
                                      "Giulia Esposito", "Marco Romano", "Sara Colombo",
                                      "Niccolò Bellè",   "Chiara Ricci", "Paolo Greco"};
  for (long i = 0; i < n; i++) {
    crm_id case_id = i / 10 + 1, customer = case_id / 5 + 1;
    crm_time at = T0 - (n - i) * 30;
    if (i % 50 == 0) {
      char *name = g_strdup_printf("%s %ld", names[customer % G_N_ELEMENTS(names)], customer);
      sqlite3_bind_int64(cu, 1, customer);
      sqlite3_bind_text(cu, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(cu, 3, at);
      sqlite3_bind_int64(cu, 4, at);
      step_done(db, cu);
      g_free(name);
    }
    if (i % 10 == 0) {
      textgen_fill(&g, subject, 3 + (int)(i % 4));
      sqlite3_bind_int64(cs, 1, case_id);
      sqlite3_bind_int64(cs, 2, customer);
      sqlite3_bind_text(cs, 3, subject->str, (int)subject->len, SQLITE_TRANSIENT);
      if (case_id % (N_QUEUES + 1))
        sqlite3_bind_int64(cs, 4, case_id % (N_QUEUES + 1));
      else
        sqlite3_bind_null(cs, 4);
      sqlite3_bind_int64(cs, 5, at);
      sqlite3_bind_int64(cs, 6, at);
      step_done(db, cs);
    }
    textgen_fill(&g, subject, 2 + (int)(i % 5));
    textgen_fill(&g, body, 15 + (int)g_rand_int_range(g.rand, 0, 60));
    sqlite3_bind_int64(ix, 1, customer);
    sqlite3_bind_int64(ix, 2, case_id);
    sqlite3_bind_int64(ix, 3, at);
    sqlite3_bind_int64(ix, 4, at);
    sqlite3_bind_text(ix, 5, subject->str, (int)subject->len, SQLITE_TRANSIENT);
    sqlite3_bind_text(ix, 6, body->str, (int)body->len, SQLITE_TRANSIENT);
    step_done(db, ix);
    if (i % 200000 == 199999) {
      exec(db, "COMMIT; BEGIN");
      fprintf(stderr, "bench_search: %ld of %ld interactions written\n", i + 1, n);
    }
  }
  exec(db, "COMMIT");
  /* the search indexes take every row written since libcrm's last commit
     at its next one */
  crm_db *lib = open_db(uri, 0);
  check(crm_begin(lib), "crm_begin");
  check(crm_commit(lib), "crm_commit");
  crm_close(lib);
  /* as a long-lived database would be after its automatic merges */
  exec(db, "INSERT INTO interactions_fts (interactions_fts) VALUES ('optimize');"
           "INSERT INTO cases_fts (cases_fts) VALUES ('optimize');"
           "INSERT INTO customers_fts (customers_fts) VALUES ('optimize');"
           "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_finalize(cu);
  sqlite3_finalize(cs);
  sqlite3_finalize(ix);
  sqlite3_close(db);
  g_string_free(subject, TRUE);
  g_string_free(body, TRUE);
  g_ptr_array_unref(g.words);
  g_rand_free(g.rand);
}

/* ------------------------------------------------------------------ */
/* timing                                                               */

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, compare_double);
  return v[n / 2];
}

/* One first page through libcrm; the interaction ids into `ids` (may be NULL). */
static double time_libcrm(crm_db *db, const char *query, uint32_t kinds, unsigned int limit,
                          GArray *ids)
{
  crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
  o.kinds = kinds;
  o.limit = limit;
  gint64 start = g_get_monotonic_time();
  crm_search_iterator *it = NULL;
  check(crm_search(&it, db, query, &o), "crm_search");
  crm_search_hit *h = NULL;
  crm_status st;
  while ((st = crm_search_next(&h, it)) == CRM_OK) {
    if (ids && crm_search_hit_kind(h) == CRM_SEARCH_INTERACTION) {
      crm_id id = crm_search_hit_id(h);
      g_array_append_val(ids, id);
    }
    crm_search_hit_free(h);
  }
  if (st != CRM_ITEROVER)
    check(st, "crm_search_next");
  crm_search_iterator_free(it);
  return (double)(g_get_monotonic_time() - start) / 1000.0;
}

static double time_raw(sqlite3_stmt *st, const char *match, GArray *ids)
{
  gint64 start = g_get_monotonic_time();
  sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    crm_id id = sqlite3_column_int64(st, 0);
    (void)sqlite3_column_text(st, 1);
    if (ids)
      g_array_append_val(ids, id);
  }
  if (rc != SQLITE_DONE)
    die("raw search", sqlite3_errmsg(sqlite3_db_handle(st)));
  sqlite3_reset(st);
  return (double)(g_get_monotonic_time() - start) / 1000.0;
}

static gint compare_id(gconstpointer a, gconstpointer b)
{
  crm_id x = *(const crm_id *)a, y = *(const crm_id *)b;
  return (x > y) - (x < y);
}

/* Every matching interaction id, sorted, both ways: the sets must agree
   (and not be empty when `common`: the words are everywhere, so no match
   means nothing was indexed). */
static int same_matches(crm_db *db, sqlite3 *raw, const char *query, const char *match, int common)
{
  GArray *a = g_array_new(FALSE, FALSE, sizeof(crm_id)),
         *b = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
  o.kinds = 1u << CRM_SEARCH_INTERACTION;
  crm_search_iterator *it = NULL;
  check(crm_search(&it, db, query, &o), "crm_search");
  crm_search_hit *h = NULL;
  while (crm_search_next(&h, it) == CRM_OK) {
    crm_id id = crm_search_hit_id(h);
    g_array_append_val(a, id);
    crm_search_hit_free(h);
  }
  crm_search_iterator_free(it);
  sqlite3_stmt *st =
      prepare(raw, "SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?");
  sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    crm_id id = sqlite3_column_int64(st, 0);
    g_array_append_val(b, id);
  }
  sqlite3_finalize(st);
  g_array_sort(a, compare_id);
  g_array_sort(b, compare_id);
  /* the query's words are common: no match means nothing was indexed */
  int same = (b->len > 0 || !common) && a->len == b->len &&
             memcmp(a->data, b->data, a->len * sizeof(crm_id)) == 0;
  printf("RESULT %s_matches=%u\n", strchr(query, '"') ? "phrase" : "two_word", b->len);
  if (!same)
    fprintf(stderr, "bench_search: %s: libcrm found %u interactions, raw FTS5 %u\n", query, a->len,
            b->len);
  g_array_unref(a);
  g_array_unref(b);
  return same;
}

int main(int argc, char **argv)
{
  long n = 5000000;
  int reps = 7;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--smoke") == 0) {
      n = 3000;
      reps = 3;
    } else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
      n = strtol(argv[++i], NULL, 10);
    } else {
      fprintf(stderr, "usage: bench_search [--smoke | --count N]\n");
      return 2;
    }
  }
  if (n < 100)
    die("--count", "must be at least 100");
  char *dir = g_dir_make_tmp("crm-bench-search-XXXXXX", NULL);
  char *path = g_build_filename(dir, "search.db", NULL);
  char *uri = g_strconcat("sqlite:", path, NULL);

  /* the schema, the queues and an agent of one queue, through libcrm */
  crm_db *db = open_db(uri, 0);
  crm_id agent = 0;
  for (int q = 1; q <= N_QUEUES; q++) {
    char name[32];
    crm_id id = 0;
    g_snprintf(name, sizeof name, "queue %d", q);
    check(crm_queue_create(&id, db, name), "crm_queue_create");
  }
  check(crm_agent_create(&agent, db, "Ada", "ada@helpdesk.example"), "crm_agent_create");
  check(crm_agent_join(db, agent, 1, CRM_ROLE_AGENT), "crm_agent_join");
  crm_close(db);
  gint64 start = g_get_monotonic_time();
  populate(uri, path, n);
  printf("RESULT interactions=%ld\n", n);
  printf("RESULT populate_s=%.1f\n", (double)(g_get_monotonic_time() - start) / 1e6);

  db = open_db(uri, 0);
  crm_db *as_agent = open_db(uri, agent);
  sqlite3 *raw = NULL;
  if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    die("opening", path);
  sqlite3_stmt *raw_st =
      prepare(raw, "SELECT rowid, snippet(interactions_fts, -1, '[', ']', "
                   "'...', 12) FROM interactions_fts WHERE interactions_fts "
                   "MATCH ? ORDER BY bm25(interactions_fts) LIMIT " G_STRINGIFY(PAGE));

  int ok = same_matches(db, raw, "caldaia rotta", "\"caldaia\" \"rotta\"", 1) &
           same_matches(db, raw, "\"caldaia rotta\"", "\"caldaia rotta\"", 0);

  const uint32_t ix_only = 1u << CRM_SEARCH_INTERACTION;
  double *t = g_new(double, (gsize)reps);
  struct {
    const char *name;
    double ms;
  } r[7];
  const char *names[] = {"search_two_word_ms",      "search_phrase_ms", "search_all_kinds_ms",
                         "search_actor_ms",         "raw_two_word_ms",  "raw_phrase_ms",
                         "search_two_word_1_hit_ms"};
  for (int m = 0; m < 7; m++) {
    /* one warm-up run, then the timed ones */
    for (int k = -1; k < reps; k++) {
      double ms = 0;
      switch (m) {
      case 0:
        ms = time_libcrm(db, "caldaia rotta", ix_only, PAGE, NULL);
        break;
      case 1:
        ms = time_libcrm(db, "\"caldaia rotta\"", ix_only, PAGE, NULL);
        break;
      case 2:
        ms = time_libcrm(db, "caldaia rotta", 0, PAGE, NULL);
        break;
      case 3:
        ms = time_libcrm(as_agent, "caldaia rotta", ix_only, PAGE, NULL);
        break;
      case 4:
        ms = time_raw(raw_st, "\"caldaia\" \"rotta\"", NULL);
        break;
      case 5:
        ms = time_raw(raw_st, "\"caldaia rotta\"", NULL);
        break;
      default:
        ms = time_libcrm(db, "caldaia rotta", ix_only, 1, NULL);
        break;
      }
      if (k >= 0)
        t[k] = ms;
    }
    r[m].name = names[m];
    r[m].ms = median(t, reps);
    printf("RESULT %s=%.3f\n", r[m].name, r[m].ms);
  }
  printf("RESULT two_word_ratio=%.2f\n", r[0].ms / r[4].ms);
  printf("RESULT phrase_ratio=%.2f\n", r[1].ms / r[5].ms);
  sqlite3_finalize(raw_st);
  sqlite3_close(raw);
  crm_close(as_agent);

  /* the erasure's purge: rewrite one interaction's text, then compact */
  sqlite3 *w = NULL;
  if (sqlite3_open(path, &w) != SQLITE_OK)
    die("opening", path);
  exec(w, "UPDATE interactions SET subject = '(erased)', body = '(erased)' WHERE id = 1");
  sqlite3_close(w);
  start = g_get_monotonic_time();
  check(crm_db_compact(db), "crm_db_compact");
  printf("RESULT compact_after_erase_ms=%.1f\n", (double)(g_get_monotonic_time() - start) / 1e3);
  start = g_get_monotonic_time();
  check(crm_db_compact(db), "crm_db_compact");
  printf("RESULT compact_again_ms=%.1f\n", (double)(g_get_monotonic_time() - start) / 1e3);
  crm_close(db);

  g_free(t);
  char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
  g_remove(wal);
  g_remove(shm);
  g_remove(path);
  g_rmdir(dir);
  g_free(wal);
  g_free(shm);
  g_free(path);
  g_free(uri);
  g_free(dir);
  return ok ? 0 : 1;
}
