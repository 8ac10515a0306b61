/*
 * Full-text search (crm/search.h): the user's query parsed here into a
 * small safe form (words, phrases, prefixes) that the backends turn into
 * quoted index terms; ranked hits paged by a (rank, kind, id) keyset.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KINDS_ALL \
  ((1u << CRM_SEARCH_INTERACTION) | (1u << CRM_SEARCH_CASE) | (1u << CRM_SEARCH_CUSTOMER))

struct crm_search_hit {
  crm_search_row row;
  char *cursor;
};

struct crm_search_iterator {
  crm__pager *pager;
};

typedef struct {
  GPtrArray *texts; /* char*: the terms' words */
  GArray *terms;    /* crm_search_term, text borrowed from `texts` */
  crm_search_spec spec;
} search_state;

static void search_state_free(void *p)
{
  search_state *ss = p;
  if (ss == NULL)
    return;
  g_array_unref(ss->terms);
  g_ptr_array_unref(ss->texts);
  g_free(ss);
}

void crm_search_row_clear(crm_search_row *row)
{
  if (row == NULL)
    return;
  free(row->snippet);
  memset(row, 0, sizeof *row);
}

const char *crm_search_kind_name(crm_search_kind_t kind)
{
  switch (kind) {
  case CRM_SEARCH_INTERACTION:
    return "interaction";
  case CRM_SEARCH_CASE:
    return "case";
  case CRM_SEARCH_CUSTOMER:
    return "customer";
  }
  return NULL;
}

crm_status crm_search_options_init(crm_search_options *opts, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(opts, "opts")) != CRM_OK ||
      (st = crm__check_version(version, CRM_SEARCH_OPTIONS_VERSION, "crm_search_options")) !=
          CRM_OK)
    return st;
  memset(opts, 0, sizeof *opts);
  opts->version = version;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the query language                                                   */

static crm_status malformed(const char *query, const char *why)
{
  char *q = crm__quote(query);
  crm_status st = crm__error(CRM_EINVALID, "search query %s: %s", q, why);
  g_free(q);
  return st;
}

/* Whether the words hold at least one letter or digit (the rest is
   punctuation the index never stores). */
static int has_word(const char *s, size_t len)
{
  for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
    if (g_unichar_isalnum(g_utf8_get_char(p)))
      return 1;
  return 0;
}

/* One term: `len` bytes of words at `s`, a prefix when starred. Terms
   without a letter or digit are left out. */
static crm_status add_term(search_state *ss, const char *query, const char *s, size_t len,
                           int prefix)
{
  if (!has_word(s, len))
    return CRM_OK;
  if (ss->terms->len >= CRM_SEARCH_MAX_TERMS)
    return malformed(query,
                     "too many words and phrases (at most " G_STRINGIFY(CRM_SEARCH_MAX_TERMS) ")");
  char *text = g_strndup(s, len);
  g_ptr_array_add(ss->texts, text);
  crm_search_term t = {text, prefix};
  g_array_append_val(ss->terms, t);
  return CRM_OK;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trailing stars off [s, *end): 1 when there were any. */
static int strip_stars(const char *s, const char **end)
{
  int prefix = 0;
  while (*end > s && (*end)[-1] == '*') {
    (*end)--;
    prefix = 1;
  }
  return prefix;
}

/* Words, "phrases" and trailing-star prefixes (crm/search.h). */
static crm_status parse_query(search_state *ss, const char *query)
{
  const char *p = query;
  crm_status st = CRM_OK;
  while (st == CRM_OK && *p) {
    if (is_space(*p)) {
      p++;
      continue;
    }
    if (*p == '"') {
      const char *start = p + 1, *close = strchr(start, '"');
      if (close == NULL)
        return malformed(query, "a quote is not closed");
      const char *end = close;
      int prefix = strip_stars(start, &end);
      p = close + 1;
      for (; *p == '*'; p++)
        prefix = 1;
      if (!has_word(start, (size_t)(end - start)))
        return malformed(query, "a quoted phrase holds no word");
      st = add_term(ss, query, start, (size_t)(end - start), prefix);
      continue;
    }
    const char *start = p;
    while (*p && !is_space(*p) && *p != '"')
      p++;
    const char *end = p;
    int prefix = strip_stars(start, &end);
    st = add_term(ss, query, start, (size_t)(end - start), prefix);
  }
  if (st == CRM_OK && ss->terms->len == 0)
    return malformed(query, "there is no word to search for");
  return st;
}

/* ------------------------------------------------------------------ */
/* cursors: "rank:kind:id", the rank in C-locale %.17g (exact)         */

static char *cursor_format(const crm_search_row *row)
{
  char rank[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(rank, sizeof rank, "%.17g", row->rank);
  return g_strdup_printf("%s:%d:%lld", rank, row->kind, (long long)row->id);
}

static crm_status cursor_parse(crm_search_spec *spec, const char *cursor)
{
  char **parts = g_strsplit(cursor, ":", -1);
  int ok = g_strv_length(parts) == 3;
  char *end = NULL;
  double rank = 0;
  gint64 kind = 0, id = 0;
  if (ok) {
    rank = g_ascii_strtod(parts[0], &end);
    ok = end != parts[0] && *end == '\0' && isfinite(rank);
  }
  ok = ok && g_ascii_string_to_signed(parts[1], 10, CRM_SEARCH_INTERACTION, CRM_SEARCH_CUSTOMER,
                                      &kind, NULL);
  ok = ok && g_ascii_string_to_signed(parts[2], 10, 1, G_MAXINT64, &id, NULL);
  g_strfreev(parts);
  if (!ok) {
    char *q = crm__quote(cursor);
    crm_status st =
        crm__error(CRM_EINVALID, "after %s is not a search cursor (use crm_search_hit_cursor)", q);
    g_free(q);
    return st;
  }
  spec->has_after = 1;
  spec->after_rank = rank;
  spec->after_kind = (int)kind;
  spec->after_id = id;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the iterator                                                         */

static void hit_free(void *p)
{
  crm_search_hit_free(p);
}

static int collect_hit(const void *row, void *payload)
{
  const crm_search_row *r = row;
  crm_search_hit *h = g_new0(crm_search_hit, 1);
  h->row = *r;
  h->row.snippet = crm__strdup0(r->snippet ? r->snippet : "");
  h->cursor = cursor_format(r);
  g_ptr_array_add(payload, h);
  return 0;
}

static crm_status fetch_hits(crm__pager *p, unsigned int want, GPtrArray *items)
{
  search_state *ss = p->state;
  guint before = items->len;
  crm_status st = CRM__OPS(p->db)->search(CRM__B(p->db), &ss->spec, want, collect_hit, items);
  if (st == CRM_OK && items->len > before) {
    const crm_search_hit *last = g_ptr_array_index(items, items->len - 1);
    ss->spec.has_after = 1;
    ss->spec.after_rank = last->row.rank;
    ss->spec.after_kind = last->row.kind;
    ss->spec.after_id = last->row.id;
  }
  return st;
}

static crm_status check_options(const crm_search_options *o)
{
  crm_status st;
  if ((st = crm__check_version(o->version, CRM_SEARCH_OPTIONS_VERSION, "crm_search_options")) !=
          CRM_OK ||
      (st = crm__check_text(o->after, "after", 0)) != CRM_OK)
    return st;
  if (o->kinds & ~KINDS_ALL)
    return crm__error(CRM_EINVALID,
                      "kinds 0x%x has bits that name no search kind (allowed: 0x%x, "
                      "(1u << kind) for kinds 1..3)",
                      (unsigned)o->kinds, (unsigned)KINDS_ALL);
  return CRM_OK;
}

crm_status crm_search(crm_search_iterator **out, crm_db *db, const char *query,
                      const crm_search_options *opts)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  crm_search_options defaults = CRM_SEARCH_OPTIONS_INIT;
  if (opts == NULL)
    opts = &defaults;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(query, "query", 1)) != CRM_OK ||
      (st = check_options(opts)) != CRM_OK)
    return st;
  if (strlen(query) > CRM_SEARCH_MAX_QUERY)
    return crm__error(CRM_EINVALID, "search query of %zu bytes is too long (at most %d)",
                      strlen(query), CRM_SEARCH_MAX_QUERY);
  search_state *ss = g_new0(search_state, 1);
  ss->texts = g_ptr_array_new_with_free_func(g_free);
  ss->terms = g_array_new(FALSE, FALSE, sizeof(crm_search_term));
  st = parse_query(ss, query);
  if (st == CRM_OK && opts->after)
    st = cursor_parse(&ss->spec, opts->after);
  if (st != CRM_OK) {
    search_state_free(ss);
    return st;
  }
  ss->spec.terms = (const crm_search_term *)(void *)ss->terms->data;
  ss->spec.n_terms = ss->terms->len;
  ss->spec.kinds = opts->kinds ? opts->kinds : KINDS_ALL;
  ss->spec.actor = db->actor;
  crm_search_iterator *it = g_new0(crm_search_iterator, 1);
  it->pager = crm__pager_new(db, fetch_hits, hit_free, opts->limit, ss, search_state_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_search_next(crm_search_hit **out, crm_search_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_search_iterator_free(crm_search_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

/* ------------------------------------------------------------------ */
/* hits                                                                 */

crm_search_kind_t crm_search_hit_kind(const crm_search_hit *h)
{
  return h ? (crm_search_kind_t)h->row.kind : (crm_search_kind_t)0;
}

crm_id crm_search_hit_id(const crm_search_hit *h)
{
  return h ? h->row.id : 0;
}

crm_id crm_search_hit_customer(const crm_search_hit *h)
{
  return h ? h->row.customer : 0;
}

crm_id crm_search_hit_case(const crm_search_hit *h)
{
  return h ? h->row.case_id : 0;
}

double crm_search_hit_rank(const crm_search_hit *h)
{
  return h ? h->row.rank : 0;
}

const char *crm_search_hit_snippet(const crm_search_hit *h)
{
  return h ? h->row.snippet : NULL;
}

const char *crm_search_hit_cursor(const crm_search_hit *h)
{
  return h ? h->cursor : NULL;
}

void crm_search_hit_free(crm_search_hit *h)
{
  if (h == NULL)
    return;
  crm_search_row_clear(&h->row);
  g_free(h->cursor);
  g_free(h);
}
