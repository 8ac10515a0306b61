/*
 * Customers: create, find-or-create by identity, read, update (with
 * optimistic concurrency) and free attributes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

struct crm_customer {
  crm_customer_row row;
  GHashTable *attributes; /* key -> value (g_free) */
  crm_id resolved_from;   /* the merged id the lookup was given; 0: its own */
};

/* ------------------------------------------------------------------ */
/* reading                                                              */

/* Read a customer row; CRM_ENOTFOUND names the id. */
static crm_status customer_get(crm_db *db, crm_id id, crm_customer_row *row)
{
  crm_status st = CRM__OPS(db)->customer_get(CRM__B(db), id, row);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "customer %lld does not exist", (long long)id);
  return st;
}

crm_status crm__customer_exists(crm_db *db, crm_id id)
{
  crm_customer_row row = {0};
  crm_status st = customer_get(db, id, &row);
  int merged = row.status == CRM_CUSTOMER_MERGED;
  crm_customer_row_clear(&row);
  /* a merged customer's records now live with its survivor: nothing more
     may be filed under the old id */
  if (st == CRM_OK && merged)
    return crm__customer_merged_error(db, id);
  return st;
}

crm_status crm__customer_touch(crm_db *db, crm_id id)
{
  crm_customer_row row = {0};
  crm_status st = customer_get(db, id, &row);
  if (st == CRM_OK) {
    int64_t old_version = row.version;
    row.version++;
    row.updated_at = crm_now(db);
    st = CRM__OPS(db)->customer_update(CRM__B(db), &row, old_version);
  }
  crm_customer_row_clear(&row);
  return st;
}

static int collect_attribute(const void *row, void *payload)
{
  const crm_attribute_row *a = row;
  g_hash_table_insert(payload, g_strdup(a->key), g_strdup(a->value));
  return 0;
}

static crm_status customer_attributes(GHashTable *into, crm_db *db, crm_id id)
{
  return CRM__OPS(db)->attribute_list(CRM__B(db), CRM_ENTITY_CUSTOMER, id, collect_attribute, into);
}

static GHashTable *attribute_table_new(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void crm_customer_free(crm_customer *c)
{
  if (c == NULL)
    return;
  crm_customer_row_clear(&c->row);
  if (c->attributes)
    g_hash_table_unref(c->attributes);
  g_free(c);
}

crm_status crm_customer_lookup(crm_customer **out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "customer")) != CRM_OK)
    return st;
  crm_id resolved = 0;
  if ((st = crm__customer_resolve(&resolved, db, id)) != CRM_OK ||
      (st = crm__perm_customer(db, resolved, "read")) != CRM_OK)
    return st;
  crm_customer *c = g_new0(crm_customer, 1);
  c->attributes = attribute_table_new();
  c->resolved_from = resolved != id ? id : 0;
  st = customer_get(db, resolved, &c->row);
  if (st == CRM_OK)
    st = customer_attributes(c->attributes, db, resolved);
  if (st != CRM_OK) {
    crm_customer_free(c);
    return st;
  }
  *out = c;
  return CRM_OK;
}

crm_id crm_customer_id(const crm_customer *c)
{
  return c ? c->row.id : 0;
}

crm_id crm_customer_resolved_from(const crm_customer *c)
{
  return c ? c->resolved_from : 0;
}

const char *crm_customer_name(const crm_customer *c)
{
  return c ? c->row.display_name : NULL;
}

const char *crm_customer_organization(const crm_customer *c)
{
  return c ? c->row.organization : NULL;
}

const char *crm_customer_language(const crm_customer *c)
{
  return c ? c->row.language : NULL;
}

const char *crm_customer_timezone(const crm_customer *c)
{
  return c ? c->row.timezone : NULL;
}

const char *crm_customer_segment(const crm_customer *c)
{
  return c ? c->row.segment : NULL;
}

crm_customer_status_t crm_customer_status(const crm_customer *c)
{
  return c ? (crm_customer_status_t)c->row.status : 0;
}

crm_time crm_customer_created_at(const crm_customer *c)
{
  return c ? c->row.created_at : 0;
}

crm_time crm_customer_updated_at(const crm_customer *c)
{
  return c ? c->row.updated_at : 0;
}

int64_t crm_customer_version(const crm_customer *c)
{
  return c ? c->row.version : 0;
}

const char *crm_customer_attribute(const crm_customer *c, const char *key)
{
  if (c == NULL || key == NULL)
    return NULL;
  return g_hash_table_lookup(c->attributes, key);
}

/* ------------------------------------------------------------------ */
/* creating and finding                                                 */

/* Insert a new active customer at version 1 and append its event. */
static crm_status insert_customer(crm_id *out, crm_db *db, const char *display_name)
{
  crm_time now = crm_now(db);
  crm_customer_row row = {0};
  row.display_name = (char *)display_name;
  row.status = CRM_CUSTOMER_ACTIVE;
  row.created_at = row.updated_at = now;
  row.version = 1;
  CRM__TRY(CRM__OPS(db)->customer_insert(CRM__B(db), &row));
  crm__payload p;
  crm__payload_init(&p);
  crm__payload_id(&p, "customer", row.id);
  crm__payload_str(&p, "display_name", display_name);
  CRM__TRY(crm__event_emit_payload(db, "customer.created", "customer", row.id, &p));
  *out = row.id;
  return CRM_OK;
}

crm_status crm_customer_create(crm_id *out, crm_db *db, const char *display_name)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_text(display_name, "display_name", 1)) != CRM_OK)
    return st;
  crm_id id = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = insert_customer(&id, db, display_name);
  if ((st = crm__write_end(db, st)) == CRM_OK)
    *out = id;
  return st;
}

/* The owner of a normalised identity; CRM_ENOTFOUND names it. */
static crm_status identity_owner(crm_id *out, crm_db *db, crm_identity_kind_t kind,
                                 const char *normalized)
{
  crm_status st = CRM__OPS(db)->identity_find(CRM__B(db), (int)kind, normalized, out);
  if (st == CRM_ENOTFOUND) {
    char *q = crm__quote(normalized);
    st = crm__error(CRM_ENOTFOUND, "no customer has the %s %s", crm_identity_kind_name(kind), q);
    g_free(q);
  }
  if (st != CRM_OK)
    *out = 0;
  return st;
}

crm_status crm_customer_find(crm_id *out, crm_db *db, crm_identity_kind_t kind, const char *value)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK)
    return st;
  char *normalized = NULL;
  if ((st = crm__identity_normalize(&normalized, db, kind, value)) != CRM_OK)
    return st;
  st = identity_owner(out, db, kind, normalized);
  g_free(normalized);
  return st;
}

/* A display name for a customer known only by this identity. */
static char *derived_name(crm_identity_kind_t kind, const char *normalized)
{
  if (kind != CRM_IDENTITY_EMAIL)
    return g_strdup(normalized);
  /* the local part; a quoted one without its quotes */
  const char *at = strrchr(normalized, '@');
  if (normalized[0] == '"' && at - normalized >= 2 && at[-1] == '"')
    return g_strndup(normalized + 1, (gsize)(at - normalized - 2));
  return g_strndup(normalized, (gsize)(at - normalized));
}

static crm_status ensure_locked(crm_id *out, int *created, crm_db *db, crm_identity_kind_t kind,
                                const char *normalized, const char *display_name)
{
  crm_status st = CRM__OPS(db)->identity_find(CRM__B(db), (int)kind, normalized, out);
  if (st != CRM_ENOTFOUND)
    return st;
  char *name = display_name ? g_strdup(display_name) : derived_name(kind, normalized);
  st = insert_customer(out, db, name);
  g_free(name);
  if (st != CRM_OK)
    return st;
  /* the identity comes with the new customer: still version 1 */
  CRM__TRY(crm__identity_insert(db, *out, kind, normalized, NULL));
  *created = 1;
  return CRM_OK;
}

crm_status crm_customer_ensure(crm_id *out, int *created, crm_db *db, crm_identity_kind_t kind,
                               const char *value, const char *display_name)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if (created)
    *created = 0;
  if ((st = crm__db_check(db)) != CRM_OK)
    return st;
  char *normalized = NULL;
  if ((st = crm__identity_normalize(&normalized, db, kind, value)) != CRM_OK)
    return st;
  if (display_name != NULL && (st = crm__check_text(display_name, "display_name", 1)) != CRM_OK) {
    g_free(normalized);
    return st;
  }
  crm_id id = 0;
  int was_created = 0;
  /* Most contacts come from known customers: find them without taking
     the write lock; only a miss writes (and looks again, under the lock). */
  st = CRM__OPS(db)->identity_find(CRM__B(db), (int)kind, normalized, &id);
  if (st == CRM_ENOTFOUND) {
    st = crm__write_begin(db);
    if (st == CRM_OK)
      st = ensure_locked(&id, &was_created, db, kind, normalized, display_name);
    st = crm__write_end(db, st);
  }
  if (st == CRM_OK) {
    *out = id;
    if (created)
      *created = was_created;
  }
  g_free(normalized);
  return st;
}

/* ------------------------------------------------------------------ */
/* updating                                                             */

crm_status crm_customer_update_spec_init(crm_customer_update_spec *spec, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = crm__check_version(version, CRM_CUSTOMER_UPDATE_SPEC_VERSION,
                               "crm_customer_update_spec")) != CRM_OK)
    return st;
  memset(spec, 0, sizeof *spec);
  spec->version = version;
  return CRM_OK;
}

static crm_status invalid_value(const char *what, const char *value, const char *why)
{
  char *q = crm__quote(value);
  crm_status st = crm__error(CRM_EINVALID, "%s %s is not valid (%s)", what, q, why);
  g_free(q);
  return st;
}

/* Letters, digits and hyphens, 2 to 35 characters, no empty subtag:
   the shape of a BCP 47 tag ("it", "pt-BR", "zh-Hant-TW"). */
static crm_status check_language(const char *tag)
{
  size_t len = strlen(tag);
  if (len < 2 || len > 35)
    return invalid_value("language", tag, "a BCP 47 tag has 2 to 35 characters");
  if (tag[0] == '-' || tag[len - 1] == '-' || strstr(tag, "--") != NULL)
    return invalid_value("language", tag, "empty subtag");
  for (const char *p = tag; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-')
      return invalid_value("language", tag, "a BCP 47 tag has only letters, digits and hyphens");
  return CRM_OK;
}

static crm_status check_timezone(const char *zone)
{
  GTimeZone *tz = g_time_zone_new_identifier(zone);
  if (tz == NULL)
    return invalid_value("timezone", zone, "not a time zone this system knows");
  g_time_zone_unref(tz);
  return CRM_OK;
}

static crm_status check_update_spec(const crm_customer_update_spec *spec)
{
  crm_status st;
  if ((st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = crm__check_version(spec->version, CRM_CUSTOMER_UPDATE_SPEC_VERSION,
                               "crm_customer_update_spec")) != CRM_OK ||
      (st = crm__check_text(spec->organization, "organization", 0)) != CRM_OK ||
      (st = crm__check_text(spec->language, "language", 0)) != CRM_OK ||
      (st = crm__check_text(spec->timezone, "timezone", 0)) != CRM_OK ||
      (st = crm__check_text(spec->segment, "segment", 0)) != CRM_OK)
    return st;
  if (spec->display_name && (st = crm__check_text(spec->display_name, "display_name", 1)) != CRM_OK)
    return st;
  if (spec->language && *spec->language && (st = check_language(spec->language)) != CRM_OK)
    return st;
  if (spec->timezone && *spec->timezone && (st = check_timezone(spec->timezone)) != CRM_OK)
    return st;
  if (spec->status == CRM_CUSTOMER_ERASED)
    return crm__error(CRM_EINVALID,
                      "status erased cannot be set by crm_customer_update (only by erasing the "
                      "customer)");
  if (spec->status != 0)
    return crm__check_enum((int)spec->status, CRM_CUSTOMER_ACTIVE, CRM_CUSTOMER_INACTIVE, "status");
  return CRM_OK;
}

/* Apply one optional text field: NULL keeps it, "" clears it. Records the
   change in `changed` and returns 1 when the value differs. */
static int apply_text(char **field, const char *wanted, int optional, const char *name,
                      JsonObject *changed)
{
  if (wanted == NULL)
    return 0;
  const char *value = optional && *wanted == '\0' ? NULL : wanted;
  if (g_strcmp0(*field, value) == 0)
    return 0;
  free(*field);
  *field = crm__strdup0(value);
  crm__json_set_str(changed, name, value);
  return 1;
}

static crm_status update_locked(crm_db *db, crm_id id, const crm_customer_update_spec *spec,
                                int64_t expected_version)
{
  crm_customer_row row = {0};
  crm_status st = customer_get(db, id, &row);
  if (st != CRM_OK)
    return st;
  JsonObject *changed = json_object_new();
  int64_t old_version = row.version;
  if (expected_version != 0 && expected_version != old_version) {
    st = crm__error(CRM_ECONFLICT, "customer %lld is at version %lld, not %lld", (long long)id,
                    (long long)old_version, (long long)expected_version);
    goto done;
  }
  if (row.status == CRM_CUSTOMER_ERASED) {
    st = crm__error(CRM_EINVALID, "customer %lld was erased and cannot be changed", (long long)id);
    goto done;
  }
  if (row.status == CRM_CUSTOMER_MERGED) {
    st = crm__customer_merged_error(db, id);
    goto done;
  }
  int n = 0;
  n += apply_text(&row.display_name, spec->display_name, 0, "display_name", changed);
  n += apply_text(&row.organization, spec->organization, 1, "organization", changed);
  n += apply_text(&row.language, spec->language, 1, "language", changed);
  n += apply_text(&row.timezone, spec->timezone, 1, "timezone", changed);
  n += apply_text(&row.segment, spec->segment, 1, "segment", changed);
  if (spec->status != 0 && (int)spec->status != row.status) {
    row.status = (int)spec->status;
    crm__json_set_str(changed, "status", crm_customer_status_name(spec->status));
    n++;
  }
  if (n == 0)
    goto done; /* every field already has its value: a no-op */
  row.version = old_version + 1;
  row.updated_at = crm_now(db);
  if ((st = CRM__OPS(db)->customer_update(CRM__B(db), &row, old_version)) != CRM_OK ||
      (st = crm__customer_keys_refresh(db, id)) != CRM_OK)
    goto done;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "customer", id);
  json_object_set_int_member(o, "version", row.version);
  json_object_set_object_member(o, "changed", json_object_ref(changed));
  st = crm__event_emit(db, "customer.updated", "customer", id, o);
done:
  json_object_unref(changed);
  crm_customer_row_clear(&row);
  return st;
}

crm_status crm_customer_update(crm_db *db, crm_id id, const crm_customer_update_spec *spec,
                               int64_t expected_version)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "customer")) != CRM_OK ||
      (st = check_update_spec(spec)) != CRM_OK)
    return st;
  if (expected_version < 0)
    return crm__error(CRM_EINVALID, "expected_version %lld must not be negative",
                      (long long)expected_version);
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_customer(db, id, "change");
  if (st == CRM_OK)
    st = update_locked(db, id, spec, expected_version);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* attributes                                                           */

static crm_status set_attribute_locked(crm_db *db, crm_id id, const char *key, const char *value)
{
  CRM__TRY(crm__customer_exists(db, id));
  GHashTable *attributes = attribute_table_new();
  crm_status st = customer_attributes(attributes, db, id);
  if (st != CRM_OK || g_strcmp0(g_hash_table_lookup(attributes, key), value) == 0)
    goto done; /* an error, or the value it already has */
  if ((st = CRM__OPS(db)->attribute_set(CRM__B(db), CRM_ENTITY_CUSTOMER, id, key, value)) !=
          CRM_OK ||
      (st = crm__customer_touch(db, id)) != CRM_OK)
    goto done;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "customer", id);
  crm__json_set_str(o, "key", key);
  crm__json_set_str(o, "value", value);
  st = crm__event_emit(db, "customer.attribute", "customer", id, o);
done:
  g_hash_table_unref(attributes);
  return st;
}

crm_status crm_customer_set_attribute(crm_db *db, crm_id id, const char *key, const char *value)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "customer")) != CRM_OK ||
      (st = crm__check_text(key, "key", 1)) != CRM_OK ||
      (st = crm__check_text(value, "value", 0)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_customer(db, id, "change");
  if (st == CRM_OK)
    st = set_attribute_locked(db, id, key, value);
  return crm__write_end(db, st);
}
