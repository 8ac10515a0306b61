/*
 * SQLite slots: full-text search through the FTS5 tables of the schema
 * (interactions_fts, cases_fts, customers_fts), which triggers keep in
 * step with their tables.
 *
 * The core's terms become an FTS5 expression of quoted strings only
 * ("words" and "words" *), so nothing a user typed is read as FTS5
 * syntax. One query ranks the three kinds together (crm_rank below:
 * higher is better), applies the keyset and the actor's permissions and
 * writes the snippets.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "crm/queue.h"
#include "crm/search.h"
#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* ranking                                                              */

/*
 * crm_rank(fts_table, weight...): the relevance of the current row from
 * the row alone. bm25 weighs terms by their frequency in the whole index,
 * so every write would move every score and a cursor taken before it
 * would skip or repeat hits; this score is a saturated, length-normalised
 * count of each phrase's occurrences per column (the shape of BM25
 * without its corpus statistics), so a hit keeps its place in the order
 * until its own text changes. Column weights are the arguments (1.0 when
 * missing).
 */
#define RANK_K1         1.2
#define RANK_B          0.75
#define RANK_AVG_TOKENS 40.0

static void rank_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                          int nargs, sqlite3_value **args)
{
  int n_phrases = api->xPhraseCount(fts), n_cols = api->xColumnCount(fts), n_inst = 0;
  int rc = api->xInstCount(fts, &n_inst);
  int *counts = rc == SQLITE_OK ? g_new0(int, (gsize)n_phrases *(gsize)n_cols + 1) : NULL;
  for (int i = 0; rc == SQLITE_OK && i < n_inst; i++) {
    int phrase = 0, col = 0, off = 0;
    rc = api->xInst(fts, i, &phrase, &col, &off);
    if (rc == SQLITE_OK && phrase < n_phrases && col < n_cols)
      counts[phrase * n_cols + col]++;
  }
  double score = 0;
  for (int c = 0; rc == SQLITE_OK && c < n_cols; c++) {
    int tokens = 0;
    rc = api->xColumnSize(fts, c, &tokens);
    double weight = c < nargs ? sqlite3_value_double(args[c]) : 1.0;
    double norm = RANK_K1 * (1 - RANK_B + RANK_B * tokens / RANK_AVG_TOKENS);
    for (int p = 0; rc == SQLITE_OK && p < n_phrases; p++) {
      double tf = counts[p * n_cols + c];
      score += weight * tf * (RANK_K1 + 1) / (tf + norm);
    }
  }
  g_free(counts);
  if (rc == SQLITE_OK)
    sqlite3_result_double(ctx, score);
  else
    sqlite3_result_error_code(ctx, rc);
}

crm_status crm__sqlite_search_register(crm_sqlite *s)
{
  fts5_api *api = NULL;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  if (api == NULL || api->iVersion < 2)
    return crm_backend_error(CRM_ENOTSUPPORTED, "this SQLite has no FTS5 (libcrm's search needs "
                                                "it)");
  int rc = api->xCreateFunction(api, "crm_rank", NULL, rank_function, NULL);
  if (rc != SQLITE_OK)
    return crm__sqlite_fail(s, rc, "registering the search rank");
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* searching                                                            */

/* The FTS5 expression: each term a quoted string (quotes doubled). */
static char *match_expression(const crm_search_spec *q)
{
  GString *m = g_string_new(NULL);
  for (size_t i = 0; i < q->n_terms; i++) {
    if (i)
      g_string_append_c(m, ' ');
    g_string_append_c(m, '"');
    for (const char *p = q->terms[i].text; *p; p++) {
      if (*p == '"')
        g_string_append_c(m, '"');
      g_string_append_c(m, *p);
    }
    g_string_append(m, q->terms[i].prefix ? "\" *" : "\"");
  }
  return g_string_free(m, FALSE);
}

/* Parameters: ?1 match, ?2 kinds, ?3 actor, ?4 admin role, ?5 has_after,
   ?6 after_rank, ?7 after_kind, ?8 after_id, ?9 limit. */
/* A snippet is computed while the scan has the row's positions at hand
   (a query per hit afterwards would seek every term's doclist again). */
#define SNIPPET(table) "snippet(" table ", -1, '[', ']', '...', 12)"
#define SEES_ALL       "(?3 = 0 OR EXISTS (SELECT 1 FROM members WHERE agent = ?3 AND role = ?4))"
#define SEES_CASE(c) \
  "(" c ".queue IS NULL OR " c ".queue IN (SELECT queue FROM members WHERE agent = ?3))"
#define SEES_CUSTOMER(id) \
  "EXISTS (SELECT 1 FROM cases v WHERE v.customer = " id " AND " SEES_CASE("v") ")"

static const char search_sql[] =
    "SELECT kind, id, customer, case_id, score, snippet FROM ("
    " SELECT 1 AS kind, i.id AS id, i.customer AS customer, i.case_id AS case_id,"
    "  crm_rank(interactions_fts, 2.0, 1.0) AS score, " SNIPPET(
        "interactions_fts") " AS snippet"
                            " FROM interactions_fts JOIN interactions i ON i.id = "
                            "interactions_fts.rowid"
                            " LEFT JOIN cases c ON c.id = i.case_id"
                            " WHERE (?2 & 2) != 0 AND interactions_fts MATCH ?1 AND (" SEES_ALL
                            "  OR (i.case_id IS NOT NULL AND " SEES_CASE(
                                "c") ")"
                                     "  OR (i.case_id IS NULL AND " SEES_CUSTOMER(
                                         "i.customer") "))"
                                                       " UNION ALL"
                                                       " SELECT 2, c.id, c.customer, c.id, "
                                                       "crm_rank(cases_fts), " SNIPPET(
                                                           "cases_fts") " FROM cases_fts JOIN "
                                                                        "cases c ON c.id = "
                                                                        "cases_fts.rowid"
                                                                        " WHERE (?2 & 4) != 0 AND "
                                                                        "cases_fts MATCH ?1 AND "
                                                                        "(" SEES_ALL
                                                                        " OR " SEES_CASE(
                                                                            "c") ")"
                                                                                 " UNION ALL"
                                                                                 " SELECT 3, "
                                                                                 "cu.id, cu.id, "
                                                                                 "NULL, "
                                                                                 "crm_rank("
                                                                                 "customers_fts),"
                                                                                 " " SNIPPET(
                                                                                     "customers_"
                                                                                     "fts") " FROM "
                                                                                            "custom"
                                                                                            "ers_"
                                                                                            "fts "
                                                                                            "JOIN "
                                                                                            "custom"
                                                                                            "ers "
                                                                                            "cu ON "
                                                                                            "cu.id "
                                                                                            "= "
                                                                                            "custom"
                                                                                            "ers_"
                                                                                            "fts."
                                                                                            "rowid"
                                                                                            " WHERE"
                                                                                            " (?2 "
                                                                                            "& 8) "
                                                                                            "!= 0 "
                                                                                            "AND "
                                                                                            "custom"
                                                                                            "ers_"
                                                                                            "fts "
                                                                                            "MATCH "
                                                                                            "?1 "
                                                                                            "AND "
                                                                                            "(" SEES_ALL
                                                                                            "  "
                                                                                            "OR"
                                                                                            " " SEES_CUSTOMER(
                                                                                                "cu"
                                                                                                ".i"
                                                                                                "d") "))"
                                                                                                     " WHERE ?5 = 0 OR score < ?6 OR (score = ?6 "
                                                                                                     "AND (kind > ?7 OR (kind = ?7 AND id > ?8)))"
                                                                                                     " ORDER BY score DESC, kind, id LIMIT ?9";

static void read_hit(sqlite3_stmt *st, void *p)
{
  crm_search_row *row = p;
  row->kind = sqlite3_column_int(st, 0);
  row->id = sqlite3_column_int64(st, 1);
  row->customer = sqlite3_column_int64(st, 2);
  row->case_id = crm__sqlite_col_id(st, 3);
  row->rank = sqlite3_column_double(st, 4);
  row->snippet = crm__sqlite_col_text(st, 5);
}

/* Every index up to the last row of its table (see migration 2): the
   trigger on search_indexed indexes the rows between the two marks. */
static const char catch_up_sql[] =
    "UPDATE search_indexed SET upto = m.top FROM ("
    "  SELECT 'interactions' AS tbl, max(id) AS top FROM interactions UNION ALL"
    "  SELECT 'cases', max(id) FROM cases UNION ALL"
    "  SELECT 'customers', max(id) FROM customers) AS m"
    " WHERE search_indexed.tbl = m.tbl AND m.top > search_indexed.upto";

crm_status crm__sqlite_search_catch_up(crm_sqlite *s)
{
  /* Only a write transaction can have rows waiting: every one that
     committed caught up before its COMMIT. */
  if (sqlite3_txn_state(s->db, "main") != SQLITE_TXN_WRITE)
    return CRM_OK;
  sqlite3_stmt *st = crm__sqlite_stmt(s, catch_up_sql);
  return st ? crm__sqlite_exec_stmt(s, st, "bringing the search indexes up to date") : CRM_ERROR;
}

crm_status crm__sqlite_search(crm_backend *b, const crm_search_spec *q, unsigned int limit,
                              crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  crm_status caught_up = crm__sqlite_search_catch_up(s);
  if (caught_up != CRM_OK)
    return caught_up;
  sqlite3_stmt *st = crm__sqlite_stmt(s, search_sql);
  if (st == NULL)
    return CRM_ERROR;
  char *match = match_expression(q);
  crm__sqlite_bind_text(st, 1, match);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)q->kinds);
  sqlite3_bind_int64(st, 3, q->actor);
  sqlite3_bind_int(st, 4, CRM_ROLE_ADMIN);
  sqlite3_bind_int(st, 5, q->has_after);
  sqlite3_bind_double(st, 6, q->after_rank);
  sqlite3_bind_int(st, 7, q->after_kind);
  sqlite3_bind_int64(st, 8, q->after_id);
  sqlite3_bind_int64(st, 9, limit);
  crm_status r = crm__sqlite_list(s, st, read_hit, (crm__sqlite_clear_fn)crm_search_row_clear,
                                  sizeof(crm_search_row), cb, payload, "searching");
  g_free(match);
  return r;
}
