/*
 * What a write transaction already knows of customers and identities,
 * kept so that it does not ask the server again.
 *
 * A write transaction holds the event counter row locked from BEGIN to
 * its end (pg.c), so no other libcrm writer can change a row while it
 * runs: a customer row it read or wrote, and an identity it looked up
 * (found or not), stay as they were until this connection itself writes
 * them. Hence, inside a write transaction only:
 *  - identity_find reads the owner's customer row with the identity, and
 *    remembers the answer, a miss included;
 *  - customer_get answers from the rows read or inserted;
 *  - identity_insert of an identity just looked up and not found needs
 *    no answer (no one else can have taken it) and is pipelined;
 *  - the identities of a customer created in the transaction are the
 *    ones it inserted since: identity_list answers from them.
 * Any other statement that writes crm_customers or crm_identities (found
 * by the table names in its SQL) forgets everything, as do a savepoint
 * rollback and the end of the transaction.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

static void customer_free(void *p)
{
  crm_customer_row_clear(p);
  g_free(p);
}

static char *dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

static void identity_free(void *p)
{
  crm_identity_row_clear(p);
  g_free(p);
}

static void identities_free(void *p)
{
  g_ptr_array_unref(p);
}

void crm__pg_cache_init(crm_pg *s)
{
  s->cached_customers = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, customer_free);
  s->cached_identities = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  s->new_customers = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, identities_free);
}

void crm__pg_cache_free(crm_pg *s)
{
  if (s->cached_customers)
    g_hash_table_destroy(s->cached_customers);
  if (s->cached_identities)
    g_hash_table_destroy(s->cached_identities);
  if (s->new_customers)
    g_hash_table_destroy(s->new_customers);
  s->cached_customers = s->cached_identities = s->new_customers = NULL;
}

void crm__pg_cache_clear(crm_pg *s)
{
  if (s->cached_customers)
    g_hash_table_remove_all(s->cached_customers);
  if (s->cached_identities)
    g_hash_table_remove_all(s->cached_identities);
  if (s->new_customers)
    g_hash_table_remove_all(s->new_customers);
}

int crm__pg_cache_on(const crm_pg *s)
{
  return s->in_txn && s->write_txn && s->cached_customers != NULL;
}

void crm__pg_cache_check(crm_pg *s, const char *sql)
{
  if (s->cache_hold || strncmp(sql, "SELECT ", 7) == 0)
    return;
  if (strstr(sql, "crm_customers") || strstr(sql, "crm_identities"))
    crm__pg_cache_clear(s);
}

/* A long transaction forgets now and then rather than grow without end. */
#define MAX_CACHED 4096

void crm__pg_cache_put_customer(crm_pg *s, const crm_customer_row *row)
{
  if (!crm__pg_cache_on(s))
    return;
  if (g_hash_table_size(s->cached_customers) >= MAX_CACHED)
    g_hash_table_remove_all(s->cached_customers);
  crm_customer_row *copy = g_new0(crm_customer_row, 1);
  *copy = *row;
  copy->display_name = dup_or_null(row->display_name);
  copy->organization = dup_or_null(row->organization);
  copy->language = dup_or_null(row->language);
  copy->timezone = dup_or_null(row->timezone);
  copy->segment = dup_or_null(row->segment);
  int64_t *key = g_new(int64_t, 1);
  *key = row->id;
  g_hash_table_replace(s->cached_customers, key, copy);
}

int crm__pg_cache_get_customer(crm_pg *s, crm_id id, crm_customer_row *out)
{
  if (!crm__pg_cache_on(s))
    return 0;
  const crm_customer_row *row = g_hash_table_lookup(s->cached_customers, &id);
  if (row == NULL)
    return 0;
  *out = *row;
  out->display_name = dup_or_null(row->display_name);
  out->organization = dup_or_null(row->organization);
  out->language = dup_or_null(row->language);
  out->timezone = dup_or_null(row->timezone);
  out->segment = dup_or_null(row->segment);
  return 1;
}

static char *identity_key(int kind, const char *value)
{
  return g_strdup_printf("%d:%s", kind, value);
}

void crm__pg_cache_put_identity(crm_pg *s, int kind, const char *value, crm_id customer)
{
  if (!crm__pg_cache_on(s))
    return;
  if (g_hash_table_size(s->cached_identities) >= MAX_CACHED)
    g_hash_table_remove_all(s->cached_identities);
  crm_id *owner = g_new(crm_id, 1);
  *owner = customer;
  g_hash_table_replace(s->cached_identities, identity_key(kind, value), owner);
}

int crm__pg_cache_get_identity(crm_pg *s, int kind, const char *value, crm_id *customer)
{
  if (!crm__pg_cache_on(s))
    return 0;
  char *key = identity_key(kind, value);
  const crm_id *owner = g_hash_table_lookup(s->cached_identities, key);
  g_free(key);
  if (owner == NULL)
    return 0;
  *customer = *owner;
  return 1;
}

void crm__pg_cache_new_customer(crm_pg *s, crm_id id)
{
  if (!crm__pg_cache_on(s))
    return;
  if (g_hash_table_size(s->new_customers) >= MAX_CACHED)
    g_hash_table_remove_all(s->new_customers);
  int64_t *key = g_new(int64_t, 1);
  *key = id;
  g_hash_table_replace(s->new_customers, key, g_ptr_array_new_with_free_func(identity_free));
}

void crm__pg_cache_new_identity(crm_pg *s, const crm_identity_row *row)
{
  GPtrArray *list =
      crm__pg_cache_on(s) ? g_hash_table_lookup(s->new_customers, &row->customer) : NULL;
  if (list == NULL)
    return;
  crm_identity_row *copy = g_new0(crm_identity_row, 1);
  *copy = *row;
  copy->value = dup_or_null(row->value);
  g_ptr_array_add(list, copy);
}

int crm__pg_cache_list_identities(crm_pg *s, crm_id customer, crm_row_fn cb, void *payload,
                                  crm_status *st)
{
  GPtrArray *list = crm__pg_cache_on(s) ? g_hash_table_lookup(s->new_customers, &customer) : NULL;
  if (list == NULL)
    return 0;
  *st = CRM_OK;
  for (guint i = 0; i < list->len && *st == CRM_OK; i++) {
    const crm_identity_row *cached = g_ptr_array_index(list, i);
    crm_identity_row row = *cached;
    row.value = dup_or_null(cached->value);
    int stop = cb(&row, payload);
    crm_identity_row_clear(&row);
    if (stop)
      *st = crm_backend_error(CRM_EUSER, "listing identities: stopped by the caller");
  }
  return 1;
}
