/*
 * PostgreSQL slots: full-text search through the generated tsvector
 * columns ("search", configuration simple, accents folded by crm_fold)
 * and their GIN indexes.
 *
 * The core's terms travel as a text[] parameter; the server folds each
 * one and quotes it as a tsquery lexeme ('words' or 'words':*, quotes and
 * backslashes doubled) before to_tsquery reads it, so nothing a user
 * typed is read as tsquery syntax. One statement ranks the three kinds
 * together (ts_rank), applies the keyset and the actor's permissions,
 * and writes the headlines of the page's hits only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "crm/queue.h"
#include "crm/search.h"
#include "pg_internal.h"

/* A PostgreSQL array literal of the terms' texts, or of their prefix
   flags (`flags`). */
static char *array_literal(const crm_search_spec *q, int flags)
{
  GString *a = g_string_new("{");
  for (size_t i = 0; i < q->n_terms; i++) {
    if (i)
      g_string_append_c(a, ',');
    if (flags) {
      g_string_append(a, q->terms[i].prefix ? "1" : "0");
      continue;
    }
    g_string_append_c(a, '"');
    for (const char *p = q->terms[i].text; *p; p++) {
      if (*p == '"' || *p == '\\')
        g_string_append_c(a, '\\');
      g_string_append_c(a, *p);
    }
    g_string_append_c(a, '"');
  }
  g_string_append_c(a, '}');
  return g_string_free(a, FALSE);
}

/* Parameters: $1 terms, $2 prefix flags, $3 kinds, $4 actor, $5 admin
   role, $6 has_after, $7 after_rank, $8 after_kind, $9 after_id,
   $10 limit. */
#define QUERY "(SELECT q FROM q)"
#define SEES_ALL \
  "($4::bigint = 0 OR EXISTS (SELECT 1 FROM crm_members WHERE agent = $4 AND role = $5))"
#define SEES_CASE(c) \
  "(" c ".queue IS NULL OR " c ".queue IN (SELECT queue FROM crm_members WHERE agent = $4))"
#define SEES_CUSTOMER(id) \
  "EXISTS (SELECT 1 FROM crm_cases v WHERE v.customer = " id " AND " SEES_CASE("v") ")"

static const char search_sql[] =
    "WITH q AS (SELECT to_tsquery('pg_catalog.simple', coalesce(string_agg("
    "  '''' || replace(replace(crm_fold(u.t), '\\', '\\\\'), '''', '''''') || ''''"
    "  || CASE WHEN u.p = 1 THEN ':*' ELSE '' END, ' & ' ORDER BY u.n), '')) AS q"
    " FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS u(t, p, n)),"
    " hits AS ("
    " SELECT 1 AS kind, i.id, i.customer, i.case_id,"
    "  ts_rank(i.search, " QUERY ", 1)::float8 AS score"
    " FROM crm_interactions i LEFT JOIN crm_cases c ON c.id = i.case_id"
    " WHERE ($3::bigint & 2) <> 0 AND i.search @@ " QUERY " AND (" SEES_ALL
    "  OR (i.case_id IS NOT NULL AND " SEES_CASE(
        "c") ")"
             "  OR (i.case_id IS NULL AND " SEES_CUSTOMER(
                 "i.customer") "))"
                               " UNION ALL"
                               " SELECT 2, c.id, c.customer, c.id, ts_rank(c.search, " QUERY
                               ", 1)::float8"
                               " FROM crm_cases c"
                               " WHERE ($3::bigint & 4) <> 0 AND c.search @@ " QUERY
                               " AND (" SEES_ALL " OR " SEES_CASE(
                                   "c") ")"
                                        " UNION ALL"
                                        " SELECT 3, cu.id, cu.id, NULL, ts_rank(cu.search, " QUERY
                                        ", 1)::float8"
                                        " FROM crm_customers cu"
                                        " WHERE ($3::bigint & 8) <> 0 AND cu.search @@ " QUERY
                                        " AND (" SEES_ALL "  OR " SEES_CUSTOMER(
                                            "cu.id") "))"
                                                     " SELECT h.kind, h.id, h.customer, h.case_id, "
                                                     "h.score,"
                                                     "  ts_headline('pg_catalog.simple', CASE "
                                                     "h.kind"
                                                     "   WHEN 1 THEN (SELECT concat_ws(' ', "
                                                     "subject, body) FROM crm_interactions WHERE "
                                                     "id = h.id)"
                                                     "   WHEN 2 THEN (SELECT subject FROM "
                                                     "crm_cases WHERE id = h.id)"
                                                     "   ELSE (SELECT display_name FROM "
                                                     "crm_customers WHERE id = h.id) END, " QUERY
                                                     ","
                                                     "   'StartSel=[, StopSel=], MinWords=4, "
                                                     "MaxWords=12, ShortWord=0')"
                                                     " FROM (SELECT * FROM hits"
                                                     "  WHERE NOT $6::boolean OR score < "
                                                     "$7::float8 OR (score = $7::float8"
                                                     "   AND (kind > $8::int OR (kind = $8::int "
                                                     "AND id > $9::bigint)))"
                                                     "  ORDER BY score DESC, kind, id LIMIT $10) h"
                                                     " ORDER BY h.score DESC, h.kind, h.id";

static void read_hit(const PGresult *res, int r, void *out)
{
  crm_search_row *row = out;
  row->kind = (int)crm__pg_col_int(res, r, 0);
  row->id = crm__pg_col_int(res, r, 1);
  row->customer = crm__pg_col_int(res, r, 2);
  row->case_id = crm__pg_col_int(res, r, 3);
  row->rank = g_ascii_strtod(PQgetvalue(res, r, 4), NULL);
  row->snippet = crm__pg_col_text(res, r, 5);
}

crm_status crm__pg_search(crm_backend *b, const crm_search_spec *q, unsigned int limit,
                          crm_row_fn cb, void *payload)
{
  char *terms = array_literal(q, 0), *flags = array_literal(q, 1);
  char rank[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(rank, sizeof rank, "%.17g", q->after_rank);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_text(&p, terms);
  crm__pg_text(&p, flags);
  crm__pg_int(&p, (int64_t)q->kinds);
  crm__pg_int(&p, q->actor);
  crm__pg_int(&p, CRM_ROLE_ADMIN);
  crm__pg_text(&p, q->has_after ? "true" : "false");
  crm__pg_text(&p, rank);
  crm__pg_int(&p, q->after_kind);
  crm__pg_int(&p, q->after_id);
  crm__pg_int(&p, limit);
  crm_status st =
      crm__pg_list(CRM_PG(b), search_sql, &p, read_hit, (crm__pg_clear_fn)crm_search_row_clear,
                   sizeof(crm_search_row), cb, payload, "searching");
  g_free(terms);
  g_free(flags);
  return st;
}
