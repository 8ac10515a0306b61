/*
 * libcrm: full-text search over interaction subjects and bodies, case
 * subjects and customer names, without a separate server.
 *
 * The index lives in the database and is kept in step with every write
 * in the same transaction (SQLite: FTS5 tables; PostgreSQL: tsvector
 * columns with GIN indexes). Matching ignores case and accents: "perche"
 * finds "perché" and "Citta" finds "città".
 *
 * The query language is deliberately small and never passed to the
 * database as syntax:
 *  - words separated by spaces: every word must match (AND);
 *  - "quoted words": a phrase, the words next to each other in that order;
 *  - a trailing star, word* or "quoted phr"*: the last word is a prefix;
 *  - everything else is text: NEAR, OR, AND, NOT, parentheses, '-', ':'
 *    and the like are searched for as words (or, when they hold no letter
 *    or digit, ignored).
 * A query with an unbalanced quote, nothing to search for, more than
 * CRM_SEARCH_MAX_TERMS terms or longer than CRM_SEARCH_MAX_QUERY bytes is
 * rejected with CRM_EINVALID.
 *
 * Erased text (crm_customer_erase) leaves the index in the erasing
 * transaction; on SQLite the compaction that follows also rewrites the
 * index so the old tokens leave the file's bytes.
 *
 * Hits come best first (rank descending), ties broken by kind, then id:
 * a total order, so paging with crm_search_hit_cursor (opts.after) gives
 * every hit exactly once while the index does not change between pages.
 *
 * With a handle opened with an actor (crm_open_options.actor), hits are
 * limited to what that agent may see: an agent with role admin in any
 * queue sees everything; otherwise a case is visible when it has no queue
 * or its queue is one the agent is a member of, an interaction when its
 * case is visible (without a case: when its customer is), a customer
 * when one of their cases is visible. Actor 0 sees everything.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_SEARCH_H
#define CRM_SEARCH_H

#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** What a hit is. @since 0.1 */
typedef enum {
  CRM_SEARCH_INTERACTION = 1, /**< matched in its subject or body */
  CRM_SEARCH_CASE,            /**< matched in its subject */
  CRM_SEARCH_CUSTOMER         /**< matched in the display name */
} crm_search_kind_t;

/** Longest query accepted, in bytes. @since 0.1 */
#define CRM_SEARCH_MAX_QUERY 1024
/** Most words and phrases in one query. @since 0.1 */
#define CRM_SEARCH_MAX_TERMS 32

/**
 * Options of crm_search (NULL: every kind, every hit, from the best).
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  uint32_t kinds;     /**< (1u << crm_search_kind_t) bits; 0: every kind */
  unsigned int limit; /**< most hits the iterator yields; 0: all */
  const char *after;  /**< a crm_search_hit_cursor: continue after that hit; NULL: from
                           the best */
} crm_search_options;

#define CRM_SEARCH_OPTIONS_VERSION 1
#define CRM_SEARCH_OPTIONS_INIT    CRM_STRUCT_INIT(CRM_SEARCH_OPTIONS_VERSION)

/** One hit (owned: crm_search_hit_free). @since 0.1 */
typedef struct crm_search_hit crm_search_hit;
/** An iterator over hits. @since 0.1 */
typedef struct crm_search_iterator crm_search_iterator;

/** @return CRM_OK; CRM_EINVALID (NULL opts or unknown version). @since 0.1 */
CRM_EXTERN(crm_status) crm_search_options_init(crm_search_options *opts, unsigned int version);

/**
 * Search the index for `query` (the language above). Each page of hits is
 * one ranked query of the index, filtered by the handle's actor.
 * @return CRM_OK; CRM_EINVALID (NULL, bad UTF-8, a malformed query: the
 *         message says why; bad options version, kind bits or cursor)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_search(crm_search_iterator **out, crm_db *db, const char *query,
           const crm_search_options *opts);
/** The next hit (owned). @return CRM_OK; CRM_ITEROVER; CRM_EINVALID; storage
    errors. @since 0.1 */
CRM_EXTERN(crm_status) crm_search_next(crm_search_hit **out, crm_search_iterator *it);
CRM_EXTERN(void) crm_search_iterator_free(crm_search_iterator *it);

/** Getters; the strings live as long as the hit. @since 0.1 */
CRM_EXTERN(crm_search_kind_t) crm_search_hit_kind(const crm_search_hit *h);
/** The interaction, case or customer id. */
CRM_EXTERN(crm_id) crm_search_hit_id(const crm_search_hit *h);
/** The customer the hit belongs to (a customer hit: itself). */
CRM_EXTERN(crm_id) crm_search_hit_customer(const crm_search_hit *h);
/** The case (an interaction's case, 0 without one; a case hit: itself;
    a customer hit: 0). */
CRM_EXTERN(crm_id) crm_search_hit_case(const crm_search_hit *h);
/** Relevance: higher is better; comparable within one search only. */
CRM_EXTERN(double) crm_search_hit_rank(const crm_search_hit *h);
/** A short excerpt of the matched text, matched words in [brackets]
    (PostgreSQL brackets the words as they were typed: an accent-free
    query finds "città" but leaves it unbracketed). */
CRM_EXTERN(const char *) crm_search_hit_snippet(const crm_search_hit *h);
/** An opaque position to pass as crm_search_options.after. */
CRM_EXTERN(const char *) crm_search_hit_cursor(const crm_search_hit *h);
CRM_EXTERN(void) crm_search_hit_free(crm_search_hit *h);

/** "interaction", "case", "customer"; NULL out of range. @since 0.1 */
CRM_EXTERN(const char *) crm_search_kind_name(crm_search_kind_t kind);

CRM_END_DECL

#endif
