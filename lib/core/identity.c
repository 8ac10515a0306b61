/*
 * Identities: the (kind, normalised value) pairs that recognise a
 * customer. Normalisation per kind (crm/customer.h), adding and removing
 * them, and iterating a customer's identities.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

/* The word messages use for a value of this kind. */
static const char *identity_what(crm_identity_kind_t kind)
{
  switch (kind) {
  case CRM_IDENTITY_EMAIL:
    return "email";
  case CRM_IDENTITY_PHONE:
    return "phone number";
  case CRM_IDENTITY_EXTERNAL:
    return "external id";
  case CRM_IDENTITY_SOCIAL:
    return "social handle";
  case CRM_IDENTITY_POSTAL:
    return "postal address";
  }
  return "identity";
}

/* Trim, fold inner runs of white space to one space, compose (NFC). */
static crm_status fold_blanks(char **out, const char *value, const char *what)
{
  GString *folded = g_string_new(NULL);
  int in_blank = 0;
  for (const char *p = value; *p; p = g_utf8_next_char(p)) {
    if (g_unichar_isspace(g_utf8_get_char(p))) {
      in_blank = 1;
      continue;
    }
    if (in_blank && folded->len > 0)
      g_string_append_c(folded, ' ');
    in_blank = 0;
    g_string_append_len(folded, p, g_utf8_next_char(p) - p);
  }
  if (folded->len == 0) {
    g_string_free(folded, TRUE);
    char *q = crm__quote(value);
    crm_status st = crm__error(CRM_EINVALID, "%s %s is blank", what, q);
    g_free(q);
    return st;
  }
  *out = g_utf8_normalize(folded->str, (gssize)folded->len, G_NORMALIZE_NFC);
  g_string_free(folded, TRUE);
  return CRM_OK;
}

static crm_status phone_identity(char **out, crm_db *db, const char *value)
{
  crm_buf buf = CRM_BUF_INIT;
  crm_status st = crm_phone_normalize(&buf, value, db ? db->default_phone_region : NULL);
  if (st == CRM_OK)
    *out = g_strdup(buf.ptr);
  crm_buf_dispose(&buf);
  return st;
}

crm_status crm__identity_normalize(char **out, crm_db *db, crm_identity_kind_t kind,
                                   const char *value)
{
  *out = NULL;
  crm_status st =
      crm__check_enum((int)kind, CRM_IDENTITY_EMAIL, CRM_IDENTITY_POSTAL, "identity kind");
  if (st != CRM_OK)
    return st;
  const char *what = identity_what(kind);
  if (kind == CRM_IDENTITY_EMAIL)
    return crm__email_normalize(out, value, what);
  if ((st = crm__check_text(value, what, 1)) != CRM_OK)
    return st;
  if (kind == CRM_IDENTITY_PHONE)
    return phone_identity(out, db, value);
  if ((st = fold_blanks(out, value, what)) != CRM_OK)
    return st;
  if (kind == CRM_IDENTITY_SOCIAL) {
    char *lower = g_utf8_strdown(*out, -1);
    g_free(*out);
    *out = lower;
  }
  return CRM_OK;
}

crm_status crm_identity_normalize(crm_buf *out, crm_db *db, crm_identity_kind_t kind,
                                  const char *value)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if (db != NULL && (st = crm__db_check(db)) != CRM_OK)
    return st;
  char *normalized = NULL;
  if ((st = crm__identity_normalize(&normalized, db, kind, value)) != CRM_OK)
    return st;
  st = crm__buf_set_str(out, normalized);
  g_free(normalized);
  return st;
}

/* ------------------------------------------------------------------ */
/* adding and removing                                                  */

/* The checks shared by add and remove; *normalized (g_free) on CRM_OK. */
static crm_status identity_args(char **normalized, crm_db *db, crm_id customer,
                                crm_identity_kind_t kind, const char *value)
{
  *normalized = NULL;
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK)
    return st;
  return crm__identity_normalize(normalized, db, kind, value);
}

static crm_status identity_event(crm_db *db, const char *event_kind, crm_id customer,
                                 crm_identity_kind_t kind, const char *value)
{
  crm__payload p;
  crm__payload_init(&p);
  crm__payload_id(&p, "customer", customer);
  crm__payload_str(&p, "kind", crm_identity_kind_name(kind));
  crm__payload_str(&p, "value", value);
  return crm__event_emit_payload(db, event_kind, "customer", customer, &p);
}

static crm_status identity_taken(crm_identity_kind_t kind, const char *value, crm_id owner)
{
  char *q = crm__quote(value);
  crm_status st = crm__error(CRM_EEXISTS, "%s %s belongs to customer %lld", identity_what(kind), q,
                             (long long)owner);
  g_free(q);
  return st;
}

crm_status crm__identity_insert(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                                const char *normalized, crm_id *owner)
{
  crm_identity_row row = {customer, (int)kind, (char *)normalized, crm_now(db)};
  CRM__TRY(CRM__OPS(db)->identity_insert(CRM__B(db), &row, owner));
  CRM__TRY(crm__customer_keys_added(db, customer, kind, normalized));
  return identity_event(db, "customer.identity_added", customer, kind, normalized);
}

static crm_status add_locked(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                             const char *value)
{
  CRM__TRY(crm__customer_exists(db, customer));
  crm_id owner = 0;
  crm_status st = crm__identity_insert(db, customer, kind, value, &owner);
  if (st == CRM_EEXISTS)
    return owner == customer ? CRM_OK : identity_taken(kind, value, owner);
  if (st != CRM_OK)
    return st;
  return crm__customer_touch(db, customer);
}

crm_status crm_identity_add(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                            const char *value)
{
  char *normalized = NULL;
  crm_status st = identity_args(&normalized, db, customer, kind, value);
  if (st != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_customer(db, customer, "change the identities of");
  if (st == CRM_OK)
    st = add_locked(db, customer, kind, normalized);
  st = crm__write_end(db, st);
  g_free(normalized);
  return st;
}

static crm_status remove_locked(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                                const char *value)
{
  CRM__TRY(crm__customer_exists(db, customer));
  crm_status st = CRM__OPS(db)->identity_delete(CRM__B(db), customer, (int)kind, value);
  if (st == CRM_ENOTFOUND) {
    char *q = crm__quote(value);
    st = crm__error(CRM_ENOTFOUND, "customer %lld has no %s %s", (long long)customer,
                    identity_what(kind), q);
    g_free(q);
  }
  if (st != CRM_OK)
    return st;
  CRM__TRY(crm__customer_touch(db, customer));
  CRM__TRY(crm__customer_keys_refresh(db, customer));
  return identity_event(db, "customer.identity_removed", customer, kind, value);
}

crm_status crm_identity_remove(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                               const char *value)
{
  char *normalized = NULL;
  crm_status st = identity_args(&normalized, db, customer, kind, value);
  if (st != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_customer(db, customer, "change the identities of");
  if (st == CRM_OK)
    st = remove_locked(db, customer, kind, normalized);
  st = crm__write_end(db, st);
  g_free(normalized);
  return st;
}

/* ------------------------------------------------------------------ */
/* the identity object and iterator                                     */

struct crm_identity {
  crm_id customer;
  crm_identity_kind_t kind;
  char *value;
};

struct crm_identity_iterator {
  crm__pager *pager;
};

void crm_identity_free(crm_identity *identity)
{
  if (identity == NULL)
    return;
  g_free(identity->value);
  g_free(identity);
}

crm_identity_kind_t crm_identity_kind(const crm_identity *identity)
{
  return identity ? identity->kind : 0;
}

const char *crm_identity_value(const crm_identity *identity)
{
  return identity ? identity->value : NULL;
}

crm_id crm_identity_customer(const crm_identity *identity)
{
  return identity ? identity->customer : 0;
}

/*
 * The identity_list slot has no keyset: each page lists the customer's
 * identities (a handful) and skips those already handed out, so removals
 * and additions during the iteration neither repeat nor hide one.
 */
typedef struct {
  crm_id customer;
  GHashTable *seen; /* "kind:value" */
} identity_list_state;

typedef struct {
  identity_list_state *state;
  GPtrArray *items;
  unsigned int want;
} identity_page;

static void identity_list_state_free(void *p)
{
  identity_list_state *s = p;
  g_hash_table_unref(s->seen);
  g_free(s);
}

static int collect_identity(const void *row, void *payload)
{
  const crm_identity_row *r = row;
  identity_page *page = payload;
  char *key = g_strdup_printf("%d:%s", r->kind, r->value);
  if (g_hash_table_contains(page->state->seen, key)) {
    g_free(key);
    return 0;
  }
  g_hash_table_add(page->state->seen, key);
  crm_identity *identity = g_new0(crm_identity, 1);
  identity->customer = r->customer;
  identity->kind = (crm_identity_kind_t)r->kind;
  identity->value = g_strdup(r->value);
  g_ptr_array_add(page->items, identity);
  return page->items->len >= page->want; /* a full page stops the listing */
}

static crm_status fetch_identities(crm__pager *p, unsigned int want, GPtrArray *items)
{
  identity_list_state *s = p->state;
  identity_page page = {s, items, want};
  crm_status st =
      CRM__OPS(p->db)->identity_list(CRM__B(p->db), s->customer, collect_identity, &page);
  return st == CRM_EUSER ? CRM_OK : st;
}

crm_status crm_identity_iterator_new(crm_identity_iterator **out, crm_db *db, crm_id customer)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  /* a merged customer's id lists its survivor's identities */
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK ||
      (st = crm__customer_resolve(&customer, db, customer)) != CRM_OK ||
      (st = crm__perm_customer(db, customer, "read the identities of")) != CRM_OK)
    return st;
  identity_list_state *s = g_new0(identity_list_state, 1);
  s->customer = customer;
  s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  crm_identity_iterator *it = g_new0(crm_identity_iterator, 1);
  it->pager = crm__pager_new(db, fetch_identities, (GDestroyNotify)crm_identity_free, 0, s,
                             identity_list_state_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_identity_next(crm_identity **out, crm_identity_iterator *it)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__check_ptr(it, "it")) != CRM_OK)
    return st;
  return crm__pager_next((void **)out, it->pager);
}

void crm_identity_iterator_free(crm_identity_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}
