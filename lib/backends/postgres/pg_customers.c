/*
 * PostgreSQL slots: customers, identities, contact preferences, and the
 * attributes and labels of any entity.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

#define CUSTOMER_COLUMNS                                                              \
  "id, display_name, organization, language, timezone, segment, status, created_at, " \
  "updated_at, version"

static void read_customer(const PGresult *res, int r, crm_customer_row *row)
{
  row->id = crm__pg_col_int(res, r, 0);
  row->display_name = crm__pg_col_text(res, r, 1);
  row->organization = crm__pg_col_text(res, r, 2);
  row->language = crm__pg_col_text(res, r, 3);
  row->timezone = crm__pg_col_text(res, r, 4);
  row->segment = crm__pg_col_text(res, r, 5);
  row->status = (int)crm__pg_col_int(res, r, 6);
  row->created_at = crm__pg_col_int(res, r, 7);
  row->updated_at = crm__pg_col_int(res, r, 8);
  row->version = crm__pg_col_int(res, r, 9);
}

/* The fields shared by insert and update, as $1..$9. */
static void customer_params(crm_pg_params *p, const crm_customer_row *row)
{
  crm__pg_text(p, row->display_name);
  crm__pg_text(p, row->organization);
  crm__pg_text(p, row->language);
  crm__pg_text(p, row->timezone);
  crm__pg_text(p, row->segment);
  crm__pg_int(p, row->status);
  crm__pg_int(p, row->created_at);
  crm__pg_int(p, row->updated_at);
  crm__pg_int(p, row->version);
}

crm_status crm__pg_customer_insert(crm_backend *b, crm_customer_row *row)
{
  crm_pg *s = CRM_PG(b);
  int64_t id = 0;
  crm_status st = crm__pg_take_id(s, CRM_PG_ID_CUSTOMER, &id);
  if (st != CRM_OK)
    return st;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  customer_params(&p, row);
  crm__pg_int(&p, id);
  s->cache_hold = 1;
  st = crm__pg_defer(s,
                     "INSERT INTO crm_customers (display_name, organization, language, "
                     "timezone, segment, status, created_at, updated_at, version, id) "
                     "OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     &p, "inserting a customer");
  s->cache_hold = 0;
  if (st == CRM_OK) {
    row->id = id;
    crm__pg_cache_put_customer(s, row);
    crm__pg_cache_new_customer(s, id);
  }
  return st;
}

crm_status crm__pg_customer_get(crm_backend *b, crm_id id, crm_customer_row *out)
{
  memset(out, 0, sizeof *out);
  crm_pg *s = CRM_PG(b);
  if (crm__pg_cache_get_customer(s, id, out))
    return CRM_OK;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, id);
  PGresult *res = NULL;
  crm_status st = crm__pg_row(s, "SELECT " CUSTOMER_COLUMNS " FROM crm_customers WHERE id = $1", &p,
                              &res, "reading a customer");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no customer with id %lld", (long long)id);
  if (st != CRM_OK)
    return st;
  read_customer(res, 0, out);
  PQclear(res);
  crm__pg_cache_put_customer(s, out);
  return CRM_OK;
}

crm_status crm__pg_customer_update(crm_backend *b, const crm_customer_row *row, int64_t old_version)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  customer_params(&p, row);
  crm__pg_int(&p, row->id);
  crm__pg_int(&p, old_version);
  long changed = 0;
  crm_status st = crm__pg_exec(
      CRM_PG(b),
      "UPDATE crm_customers SET display_name = $1, organization = $2, language = $3, "
      "timezone = $4, segment = $5, status = $6, created_at = $7, updated_at = $8, version = $9 "
      "WHERE id = $10 AND version = $11",
      &p, &changed, "updating a customer");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ECONFLICT,
                             "customer %lld is no longer at version %lld (changed meanwhile)",
                             (long long)row->id, (long long)old_version);
  return st;
}

static crm_status no_identity(const char *value)
{
  return crm_backend_error(CRM_ENOTFOUND, "no customer has identity '%s'", value);
}

/* In a write transaction the owner's row comes along, for customer_get. */
static crm_status identity_find_cached(crm_pg *s, int kind, const char *value, crm_id *customer)
{
  if (crm__pg_cache_get_identity(s, kind, value, customer))
    return *customer ? CRM_OK : no_identity(value);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, kind);
  crm__pg_text(&p, value);
  PGresult *res = NULL;
  crm_status st = crm__pg_row(s,
                              "SELECT c.id, c.display_name, c.organization, c.language, "
                              "c.timezone, c.segment, c.status, c.created_at, c.updated_at, "
                              "c.version FROM crm_identities i JOIN crm_customers c ON "
                              "c.id = i.customer WHERE i.kind = $1 AND i.value = $2",
                              &p, &res, "finding an identity");
  if (st == CRM_ENOTFOUND) {
    crm__pg_cache_put_identity(s, kind, value, 0);
    return no_identity(value);
  }
  if (st != CRM_OK)
    return st;
  crm_customer_row row = {0};
  read_customer(res, 0, &row);
  PQclear(res);
  crm__pg_cache_put_customer(s, &row);
  crm__pg_cache_put_identity(s, kind, value, row.id);
  *customer = row.id;
  crm_customer_row_clear(&row);
  return CRM_OK;
}

crm_status crm__pg_identity_find(crm_backend *b, int kind, const char *value, crm_id *customer)
{
  *customer = 0;
  crm_pg *s = CRM_PG(b);
  if (crm__pg_cache_on(s))
    return identity_find_cached(s, kind, value, customer);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, kind);
  crm__pg_text(&p, value);
  crm_status st =
      crm__pg_row_int(s, "SELECT customer FROM crm_identities WHERE kind = $1 AND value = $2", &p,
                      customer, "finding an identity");
  if (st == CRM_ENOTFOUND)
    return no_identity(value);
  return st;
}

crm_status crm__pg_identity_insert(crm_backend *b, const crm_identity_row *row, crm_id *owner)
{
  if (owner)
    *owner = 0;
  crm_pg *s = CRM_PG(b);
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, row->customer);
  crm__pg_int(&p, row->kind);
  crm__pg_text(&p, row->value);
  crm__pg_int(&p, row->created_at);
  crm_id known = 0;
  s->cache_hold = 1;
  crm_status st;
  long inserted = 0;
  if (crm__pg_cache_get_identity(s, row->kind, row->value, &known) && known == 0) {
    /* looked up in this write transaction and not found: no one else can
       have taken it since (pg_cache.c), so no answer is needed */
    st = crm__pg_defer(s,
                       "INSERT INTO crm_identities (customer, kind, value, created_at) "
                       "VALUES ($1, $2, $3, $4)",
                       &p, "inserting an identity");
    inserted = 1;
  } else {
    /* DO NOTHING instead of an error that would abort the transaction; a
       concurrent inserter makes this wait for its commit, then yield. */
    st = crm__pg_exec(s,
                      "INSERT INTO crm_identities (customer, kind, value, created_at) "
                      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                      &p, &inserted, "inserting an identity");
  }
  s->cache_hold = 0;
  if (st != CRM_OK)
    return st;
  if (inserted == 1) {
    crm__pg_cache_put_identity(s, row->kind, row->value, row->customer);
    crm__pg_cache_new_identity(s, row);
    return CRM_OK;
  }
  crm_id holder = 0;
  if (crm__pg_identity_find(b, row->kind, row->value, &holder) == CRM_OK && owner)
    *owner = holder;
  return crm_backend_error(CRM_EEXISTS, "identity '%s' belongs to customer %lld", row->value,
                           (long long)holder);
}

crm_status crm__pg_identity_delete(crm_backend *b, crm_id customer, int kind, const char *value)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  crm__pg_int(&p, kind);
  crm__pg_text(&p, value);
  long changed = 0;
  crm_status st = crm__pg_exec(
      CRM_PG(b), "DELETE FROM crm_identities WHERE customer = $1 AND kind = $2 AND value = $3", &p,
      &changed, "removing an identity");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "customer %lld has no identity '%s'",
                             (long long)customer, value);
  return st;
}

static void read_identity(const PGresult *res, int r, void *out)
{
  crm_identity_row *row = out;
  row->customer = crm__pg_col_int(res, r, 0);
  row->kind = (int)crm__pg_col_int(res, r, 1);
  row->value = crm__pg_col_text(res, r, 2);
  row->created_at = crm__pg_col_int(res, r, 3);
}

crm_status crm__pg_identity_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload)
{
  crm_status st;
  if (crm__pg_cache_list_identities(CRM_PG(b), customer, cb, payload, &st))
    return st;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  return crm__pg_list(CRM_PG(b),
                      "SELECT customer, kind, value, created_at FROM crm_identities "
                      "WHERE customer = $1 ORDER BY id",
                      &p, read_identity, (crm__pg_clear_fn)crm_identity_row_clear,
                      sizeof(crm_identity_row), cb, payload, "listing identities");
}

crm_status crm__pg_preference_get(crm_backend *b, crm_id customer, int channel, const char *purpose,
                                  int *allowed)
{
  *allowed = 1;
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  crm__pg_int(&p, channel);
  crm__pg_text(&p, purpose);
  int64_t value = 0;
  crm_status st = crm__pg_row_int(CRM_PG(b),
                                  "SELECT allowed FROM crm_preferences WHERE customer = $1 AND "
                                  "channel = $2 AND purpose = $3",
                                  &p, &value, "reading a contact preference");
  if (st == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no preference recorded");
  if (st == CRM_OK)
    *allowed = (int)value;
  return st;
}

crm_status crm__pg_preference_set(crm_backend *b, crm_id customer, int channel, const char *purpose,
                                  int allowed, crm_time at)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, customer);
  crm__pg_int(&p, channel);
  crm__pg_text(&p, purpose);
  crm__pg_int(&p, allowed);
  crm__pg_int(&p, at);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_preferences (customer, channel, purpose, allowed, "
                      "updated_at) VALUES ($1, $2, $3, $4, $5) "
                      "ON CONFLICT (customer, channel, purpose) DO UPDATE SET "
                      "allowed = excluded.allowed, updated_at = excluded.updated_at",
                      &p, NULL, "storing a contact preference");
}

crm_status crm__pg_attribute_set(crm_backend *b, crm_entity_t entity, crm_id id, const char *key,
                                 const char *value)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, (int)entity);
  crm__pg_int(&p, id);
  crm__pg_text(&p, key);
  if (value == NULL)
    return crm__pg_exec(CRM_PG(b),
                        "DELETE FROM crm_attributes WHERE entity = $1 AND id = $2 AND key = $3", &p,
                        NULL, "removing an attribute");
  crm__pg_text(&p, value);
  return crm__pg_exec(CRM_PG(b),
                      "INSERT INTO crm_attributes (entity, id, key, value) VALUES ($1, $2, $3, $4) "
                      "ON CONFLICT (entity, id, key) DO UPDATE SET value = excluded.value",
                      &p, NULL, "storing an attribute");
}

static void read_attribute(const PGresult *res, int r, void *out)
{
  crm_attribute_row *row = out;
  row->key = crm__pg_col_text(res, r, 0);
  row->value = crm__pg_col_text(res, r, 1);
}

crm_status crm__pg_attribute_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                                  void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, (int)entity);
  crm__pg_int(&p, id);
  return crm__pg_list(CRM_PG(b),
                      "SELECT key, value FROM crm_attributes WHERE entity = $1 AND id = $2 "
                      "ORDER BY key",
                      &p, read_attribute, (crm__pg_clear_fn)crm_attribute_row_clear,
                      sizeof(crm_attribute_row), cb, payload, "listing attributes");
}

crm_status crm__pg_label_add(crm_backend *b, crm_entity_t entity, crm_id id, const char *label)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, (int)entity);
  crm__pg_int(&p, id);
  crm__pg_text(&p, label);
  long inserted = 0;
  crm_status st = crm__pg_exec(CRM_PG(b),
                               "INSERT INTO crm_labels (entity, id, label) VALUES ($1, $2, $3) "
                               "ON CONFLICT DO NOTHING",
                               &p, &inserted, "adding a label");
  if (st == CRM_OK && inserted == 0)
    return crm_backend_error(CRM_EEXISTS, "'%s' is already there", label);
  return st;
}

crm_status crm__pg_label_remove(crm_backend *b, crm_entity_t entity, crm_id id, const char *label)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, (int)entity);
  crm__pg_int(&p, id);
  crm__pg_text(&p, label);
  long changed = 0;
  crm_status st =
      crm__pg_exec(CRM_PG(b), "DELETE FROM crm_labels WHERE entity = $1 AND id = $2 AND label = $3",
                   &p, &changed, "removing a label");
  if (st == CRM_OK && changed == 0)
    return crm_backend_error(CRM_ENOTFOUND, "'%s' is not there", label);
  return st;
}

static void read_label(const PGresult *res, int r, void *out)
{
  /* The row handed to the callback is the label text itself. */
  *(char **)out = crm__pg_col_text(res, r, 0);
}

static void clear_label(void *row)
{
  free(*(char **)row);
}

/* Labels are passed as `const char *`: adapt the shared loop's row pointer. */
typedef struct {
  crm_row_fn cb;
  void *payload;
} label_forward;

static int forward_label(const void *row, void *payload)
{
  label_forward *f = payload;
  return f->cb(*(const char *const *)row, f->payload);
}

crm_status crm__pg_label_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                              void *payload)
{
  crm_pg_params p = CRM_PG_PARAMS_INIT;
  crm__pg_int(&p, (int)entity);
  crm__pg_int(&p, id);
  label_forward f = {cb, payload};
  return crm__pg_list(
      CRM_PG(b), "SELECT label FROM crm_labels WHERE entity = $1 AND id = $2 ORDER BY label", &p,
      read_label, clear_label, sizeof(char *), forward_label, &f, "listing labels");
}
