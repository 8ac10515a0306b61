/*
 * SQLite slots: customers, identities, contact preferences, and the
 * attributes and labels of any entity.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

#define CUSTOMER_COLUMNS                                                              \
  "id, display_name, organization, language, timezone, segment, status, created_at, " \
  "updated_at, version"

static void read_customer(sqlite3_stmt *st, crm_customer_row *row)
{
  row->id = sqlite3_column_int64(st, 0);
  row->display_name = crm__sqlite_col_text(st, 1);
  row->organization = crm__sqlite_col_text(st, 2);
  row->language = crm__sqlite_col_text(st, 3);
  row->timezone = crm__sqlite_col_text(st, 4);
  row->segment = crm__sqlite_col_text(st, 5);
  row->status = sqlite3_column_int(st, 6);
  row->created_at = sqlite3_column_int64(st, 7);
  row->updated_at = sqlite3_column_int64(st, 8);
  row->version = sqlite3_column_int64(st, 9);
}

/* Binds the fields shared by insert and update, from parameter 1. */
static void bind_customer_fields(sqlite3_stmt *st, const crm_customer_row *row)
{
  crm__sqlite_bind_text(st, 1, row->display_name);
  crm__sqlite_bind_text(st, 2, row->organization);
  crm__sqlite_bind_text(st, 3, row->language);
  crm__sqlite_bind_text(st, 4, row->timezone);
  crm__sqlite_bind_text(st, 5, row->segment);
  sqlite3_bind_int(st, 6, row->status);
  sqlite3_bind_int64(st, 7, row->created_at);
  sqlite3_bind_int64(st, 8, row->updated_at);
  sqlite3_bind_int64(st, 9, row->version);
}

crm_status crm__sqlite_customer_insert(crm_backend *b, crm_customer_row *row)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO customers (display_name, organization, language, timezone, segment, "
         "status, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  bind_customer_fields(st, row);
  return crm__sqlite_insert(s, st, "inserting a customer", &row->id);
}

crm_status crm__sqlite_customer_get(crm_backend *b, crm_id id, crm_customer_row *out)
{
  crm_sqlite *s = CRM_SQLITE(b);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT " CUSTOMER_COLUMNS " FROM customers WHERE id = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, id);
  crm_status r = crm__sqlite_step_row(s, st, "reading a customer");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no customer with id %lld", (long long)id);
  if (r != CRM_OK)
    return r;
  read_customer(st, out);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_customer_update(crm_backend *b, const crm_customer_row *row,
                                       int64_t old_version)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "UPDATE customers SET display_name = ?, organization = ?, language = ?, timezone = ?, "
         "segment = ?, status = ?, created_at = ?, updated_at = ?, version = ? "
         "WHERE id = ? AND version = ?");
  if (st == NULL)
    return CRM_ERROR;
  bind_customer_fields(st, row);
  sqlite3_bind_int64(st, 10, row->id);
  sqlite3_bind_int64(st, 11, old_version);
  crm_status r = crm__sqlite_exec_stmt(s, st, "updating a customer");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ECONFLICT,
                             "customer %lld is no longer at version %lld (changed meanwhile)",
                             (long long)row->id, (long long)old_version);
  return r;
}

crm_status crm__sqlite_identity_find(crm_backend *b, int kind, const char *value, crm_id *customer)
{
  crm_sqlite *s = CRM_SQLITE(b);
  *customer = 0;
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT customer FROM identities WHERE kind = ? AND value = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, kind);
  crm__sqlite_bind_text(st, 2, value);
  crm_status r = crm__sqlite_step_row(s, st, "finding an identity");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no customer has identity '%s'", value);
  if (r != CRM_OK)
    return r;
  *customer = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_identity_insert(crm_backend *b, const crm_identity_row *row, crm_id *owner)
{
  crm_sqlite *s = CRM_SQLITE(b);
  if (owner)
    *owner = 0;
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO identities (customer, kind, value, created_at) VALUES (?, ?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, row->customer);
  sqlite3_bind_int(st, 2, row->kind);
  crm__sqlite_bind_text(st, 3, row->value);
  sqlite3_bind_int64(st, 4, row->created_at);
  crm_status r = crm__sqlite_exec_stmt(s, st, "inserting an identity");
  if (r == CRM_EEXISTS) {
    crm_id existing = 0;
    if (crm__sqlite_identity_find(b, row->kind, row->value, &existing) == CRM_OK && owner)
      *owner = existing;
    return crm_backend_error(CRM_EEXISTS, "identity '%s' belongs to customer %lld", row->value,
                             (long long)existing);
  }
  return r;
}

crm_status crm__sqlite_identity_delete(crm_backend *b, crm_id customer, int kind, const char *value)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "DELETE FROM identities WHERE customer = ? AND kind = ? AND value = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  sqlite3_bind_int(st, 2, kind);
  crm__sqlite_bind_text(st, 3, value);
  crm_status r = crm__sqlite_exec_stmt(s, st, "removing an identity");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "customer %lld has no identity '%s'",
                             (long long)customer, value);
  return r;
}

static void read_identity(sqlite3_stmt *st, void *p)
{
  crm_identity_row *row = p;
  row->customer = sqlite3_column_int64(st, 0);
  row->kind = sqlite3_column_int(st, 1);
  row->value = crm__sqlite_col_text(st, 2);
  row->created_at = sqlite3_column_int64(st, 3);
}

crm_status crm__sqlite_identity_list(crm_backend *b, crm_id customer, crm_row_fn cb, void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT customer, kind, value, created_at FROM "
                                         "identities WHERE customer = ? ORDER BY id");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  return crm__sqlite_list(s, st, read_identity, (crm__sqlite_clear_fn)crm_identity_row_clear,
                          sizeof(crm_identity_row), cb, payload, "listing identities");
}

crm_status crm__sqlite_preference_get(crm_backend *b, crm_id customer, int channel,
                                      const char *purpose, int *allowed)
{
  crm_sqlite *s = CRM_SQLITE(b);
  *allowed = 1;
  sqlite3_stmt *st = crm__sqlite_stmt(s, "SELECT allowed FROM preferences WHERE customer = ? "
                                         "AND channel = ? AND purpose = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  sqlite3_bind_int(st, 2, channel);
  crm__sqlite_bind_text(st, 3, purpose);
  crm_status r = crm__sqlite_step_row(s, st, "reading a contact preference");
  if (r == CRM_ENOTFOUND)
    return crm_backend_error(CRM_ENOTFOUND, "no preference recorded");
  if (r != CRM_OK)
    return r;
  *allowed = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return CRM_OK;
}

crm_status crm__sqlite_preference_set(crm_backend *b, crm_id customer, int channel,
                                      const char *purpose, int allowed, crm_time at)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "INSERT INTO preferences (customer, channel, purpose, allowed, updated_at) "
         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer, channel, purpose) DO UPDATE SET "
         "allowed = excluded.allowed, updated_at = excluded.updated_at");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int64(st, 1, customer);
  sqlite3_bind_int(st, 2, channel);
  crm__sqlite_bind_text(st, 3, purpose);
  sqlite3_bind_int(st, 4, allowed);
  sqlite3_bind_int64(st, 5, at);
  return crm__sqlite_exec_stmt(s, st, "storing a contact preference");
}

crm_status crm__sqlite_attribute_set(crm_backend *b, crm_entity_t entity, crm_id id,
                                     const char *key, const char *value)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      value ? crm__sqlite_stmt(s, "INSERT INTO attributes (entity, id, key, value) VALUES "
                                  "(?, ?, ?, ?) ON CONFLICT (entity, id, key) DO UPDATE SET "
                                  "value = excluded.value")
            : crm__sqlite_stmt(s, "DELETE FROM attributes WHERE entity = ? AND id = ? AND "
                                  "key = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, (int)entity);
  sqlite3_bind_int64(st, 2, id);
  crm__sqlite_bind_text(st, 3, key);
  if (value)
    crm__sqlite_bind_text(st, 4, value);
  return crm__sqlite_exec_stmt(s, st, "storing an attribute");
}

static void read_attribute(sqlite3_stmt *st, void *p)
{
  crm_attribute_row *row = p;
  row->key = crm__sqlite_col_text(st, 0);
  row->value = crm__sqlite_col_text(st, 1);
}

crm_status crm__sqlite_attribute_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                                      void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(
      s, "SELECT key, value FROM attributes WHERE entity = ? AND id = ? ORDER BY key");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, (int)entity);
  sqlite3_bind_int64(st, 2, id);
  return crm__sqlite_list(s, st, read_attribute, (crm__sqlite_clear_fn)crm_attribute_row_clear,
                          sizeof(crm_attribute_row), cb, payload, "listing attributes");
}

crm_status crm__sqlite_label_add(crm_backend *b, crm_entity_t entity, crm_id id, const char *label)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st = crm__sqlite_stmt(s, "INSERT INTO labels (entity, id, label) VALUES (?, ?, ?)");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, (int)entity);
  sqlite3_bind_int64(st, 2, id);
  crm__sqlite_bind_text(st, 3, label);
  return crm__sqlite_exec_stmt(s, st, "adding a label");
}

crm_status crm__sqlite_label_remove(crm_backend *b, crm_entity_t entity, crm_id id,
                                    const char *label)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "DELETE FROM labels WHERE entity = ? AND id = ? AND label = ?");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, (int)entity);
  sqlite3_bind_int64(st, 2, id);
  crm__sqlite_bind_text(st, 3, label);
  crm_status r = crm__sqlite_exec_stmt(s, st, "removing a label");
  if (r == CRM_OK && sqlite3_changes(s->db) == 0)
    return crm_backend_error(CRM_ENOTFOUND, "'%s' is not there", label);
  return r;
}

static void read_label(sqlite3_stmt *st, void *p)
{
  /* The row handed to the callback is the label text itself. */
  *(char **)p = crm__sqlite_col_text(st, 0);
}

static void clear_label(void *p)
{
  free(*(char **)p);
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

crm_status crm__sqlite_label_list(crm_backend *b, crm_entity_t entity, crm_id id, crm_row_fn cb,
                                  void *payload)
{
  crm_sqlite *s = CRM_SQLITE(b);
  sqlite3_stmt *st =
      crm__sqlite_stmt(s, "SELECT label FROM labels WHERE entity = ? AND id = ? ORDER BY label");
  if (st == NULL)
    return CRM_ERROR;
  sqlite3_bind_int(st, 1, (int)entity);
  sqlite3_bind_int64(st, 2, id);
  label_forward f = {cb, payload};
  return crm__sqlite_list(s, st, read_label, clear_label, sizeof(char *), forward_label, &f,
                          "listing labels");
}
