/*
 * Likely duplicates: every customer has match keys (reason, key) kept in
 * an indexed table as its identities and fields change; the duplicates of
 * a customer are the other customers holding one of its keys. Finding
 * them costs one index lookup per key, never a comparison of every pair.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

/* How strongly each reason alone says "the same person", in percent. */
static const int reason_score[] = {
    [CRM_DUPLICATE_PHONE] = 90,
    [CRM_DUPLICATE_EMAIL_ALIAS] = 95,
    [CRM_DUPLICATE_NAME_ORGANIZATION] = 70,
    [CRM_DUPLICATE_POSTAL] = 60,
};

static const char *const reason_names[] = {NULL, "phone", "email_alias", "name_organization",
                                           "postal"};

const char *crm_duplicate_reason_name(crm_duplicate_reason_t reason)
{
  if ((int)reason < CRM_DUPLICATE_PHONE || (int)reason > CRM_DUPLICATE_POSTAL)
    return NULL;
  return reason_names[reason];
}

void crm_customer_key_row_clear(crm_customer_key_row *row)
{
  if (row == NULL)
    return;
  free(row->key);
  memset(row, 0, sizeof *row);
}

/* ------------------------------------------------------------------ */
/* keys                                                                 */

/* Lower-case (case-folded), runs of anything but letters and digits
   folded to one space (with `punctuation`) or only blanks folded. */
static char *fold_text(const char *s, int punctuation)
{
  char *folded = g_utf8_casefold(s, -1);
  char *normal = g_utf8_normalize(folded, -1, G_NORMALIZE_NFKC);
  g_free(folded);
  GString *out = g_string_new(NULL);
  int gap = 0;
  for (const char *p = normal; p && *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    int keep = punctuation ? g_unichar_isalnum(c) : !g_unichar_isspace(c);
    if (!keep) {
      gap = 1;
      continue;
    }
    if (gap && out->len > 0)
      g_string_append_c(out, ' ');
    gap = 0;
    g_string_append_unichar(out, c);
  }
  g_free(normal);
  return g_string_free(out, FALSE);
}

/* gmail.com and googlemail.com are one mailbox; Gmail ignores dots and
   anything after '+' in the local part. NULL for other domains. */
static char *email_alias_key(const char *address)
{
  const char *at = strrchr(address, '@');
  if (at == NULL || address[0] == '"')
    return NULL;
  const char *domain = at + 1;
  if (g_ascii_strcasecmp(domain, "gmail.com") != 0 &&
      g_ascii_strcasecmp(domain, "googlemail.com") != 0)
    return NULL;
  GString *local = g_string_new(NULL);
  for (const char *p = address; p < at && *p != '+'; p++)
    if (*p != '.')
      g_string_append_c(local, g_ascii_tolower(*p));
  g_string_append(local, "@gmail.com");
  return g_string_free(local, FALSE);
}

/* A social or external identity that is a phone number ("+39 333 1234567",
   "whatsapp:+393331234567"), in E.164; NULL otherwise. */
static char *phone_in_text(crm_db *db, const char *value)
{
  const char *colon = strrchr(value, ':');
  const char *number = colon ? colon + 1 : value;
  while (g_ascii_isspace(*number))
    number++;
  if (*number != '+' && !(number[0] == '0' && number[1] == '0'))
    return NULL; /* only international numbers: a bare member number is not a phone */
  crm_buf buf = CRM_BUF_INIT;
  char *e164 = NULL;
  if (crm_phone_normalize(&buf, number, db->default_phone_region) == CRM_OK)
    e164 = g_strdup(buf.ptr);
  crm_buf_dispose(&buf);
  return e164;
}

typedef struct {
  crm_db *db;
  GHashTable *keys; /* "reason\x1fkey" -> crm_customer_key_row* (owned) */
} key_set;

static void key_row_free(void *p)
{
  crm_customer_key_row *row = p;
  g_free(row->key);
  g_free(row);
}

/* Takes `key` (g_malloc'd; NULL adds nothing). */
static void add_key(key_set *ks, crm_duplicate_reason_t reason, char *key)
{
  if (key == NULL || *key == '\0') {
    g_free(key);
    return;
  }
  char *id = g_strdup_printf("%d\x1f%s", (int)reason, key);
  if (g_hash_table_contains(ks->keys, id)) {
    g_free(id);
    g_free(key);
    return;
  }
  crm_customer_key_row *row = g_new0(crm_customer_key_row, 1);
  row->reason = (int)reason;
  row->key = key;
  g_hash_table_insert(ks->keys, id, row);
}

static int key_of_identity(const void *row, void *payload)
{
  const crm_identity_row *r = row;
  key_set *ks = payload;
  switch ((crm_identity_kind_t)r->kind) {
  case CRM_IDENTITY_EMAIL:
    add_key(ks, CRM_DUPLICATE_EMAIL_ALIAS, email_alias_key(r->value));
    break;
  case CRM_IDENTITY_PHONE:
    add_key(ks, CRM_DUPLICATE_PHONE, g_strdup(r->value));
    break;
  case CRM_IDENTITY_EXTERNAL:
  case CRM_IDENTITY_SOCIAL:
    add_key(ks, CRM_DUPLICATE_PHONE, phone_in_text(ks->db, r->value));
    break;
  case CRM_IDENTITY_POSTAL:
    add_key(ks, CRM_DUPLICATE_POSTAL, fold_text(r->value, 1));
    break;
  }
  return 0;
}

static char *name_organization_key(const crm_customer_row *row)
{
  if (row->organization == NULL || row->organization[0] == '\0')
    return NULL; /* a name alone is too common to suggest anything */
  char *name = fold_text(row->display_name, 0);
  char *org = fold_text(row->organization, 0);
  char *key = *name && *org ? g_strdup_printf("%s\x1f%s", name, org) : NULL;
  g_free(name);
  g_free(org);
  return key;
}

/* The keys of a customer (none for a merged or erased one). */
static crm_status compute_keys(key_set *ks, const crm_customer_row *row)
{
  if (row->status == CRM_CUSTOMER_MERGED || row->status == CRM_CUSTOMER_ERASED)
    return CRM_OK;
  add_key(ks, CRM_DUPLICATE_NAME_ORGANIZATION, name_organization_key(row));
  return CRM__OPS(ks->db)->identity_list(CRM__B(ks->db), row->id, key_of_identity, ks);
}

static key_set key_set_new(crm_db *db)
{
  key_set ks = {db, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, key_row_free)};
  return ks;
}

crm_status crm__customer_keys_refresh(crm_db *db, crm_id customer)
{
  crm_customer_row row = {0};
  CRM__TRY(crm__customer_row(db, customer, &row));
  key_set ks = key_set_new(db);
  crm_status st = compute_keys(&ks, &row);
  if (st == CRM_OK) {
    GArray *keys = g_array_new(FALSE, TRUE, sizeof(crm_customer_key_row));
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, ks.keys);
    while (g_hash_table_iter_next(&it, NULL, &value))
      g_array_append_vals(keys, value, 1);
    st = CRM__OPS(db)->customer_keys_set(
        CRM__B(db), customer, (const crm_customer_key_row *)(void *)keys->data, keys->len);
    g_array_unref(keys);
  }
  g_hash_table_unref(ks.keys);
  crm_customer_row_clear(&row);
  return st;
}

crm_status crm__customer_keys_added(crm_db *db, crm_id customer, crm_identity_kind_t kind,
                                    const char *value)
{
  key_set ks = key_set_new(db);
  crm_identity_row identity = {customer, (int)kind, (char *)value, 0};
  key_of_identity(&identity, &ks);
  guint added = g_hash_table_size(ks.keys);
  g_hash_table_unref(ks.keys);
  return added ? crm__customer_keys_refresh(db, customer) : CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the duplicate object and iterator                                    */

struct crm_duplicate {
  crm_id customer;
  uint32_t reasons;
  int score;
};

struct crm_duplicate_iterator {
  crm__pager *pager;
};

void crm_duplicate_free(crm_duplicate *d)
{
  g_free(d);
}

crm_id crm_duplicate_customer(const crm_duplicate *d)
{
  return d ? d->customer : 0;
}

uint32_t crm_duplicate_reasons(const crm_duplicate *d)
{
  return d ? d->reasons : 0;
}

int crm_duplicate_score(const crm_duplicate *d)
{
  return d ? d->score : 0;
}

crm_duplicate_reason_t crm_duplicate_reason(const crm_duplicate *d)
{
  int best = 0;
  for (int r = CRM_DUPLICATE_PHONE; d && r <= CRM_DUPLICATE_POSTAL; r++)
    if ((d->reasons & (1u << r)) && (best == 0 || reason_score[r] > reason_score[best]))
      best = r;
  return (crm_duplicate_reason_t)best;
}

/* Independent reasons add up: 1 - product of (1 - p), capped below 100. */
static int combined_score(uint32_t reasons)
{
  double miss = 1.0;
  for (int r = CRM_DUPLICATE_PHONE; r <= CRM_DUPLICATE_POSTAL; r++)
    if (reasons & (1u << r))
      miss *= (100 - reason_score[r]) / 100.0;
  int score = (int)((1.0 - miss) * 100.0 + 0.5);
  return score > 99 ? 99 : score;
}

typedef struct {
  crm_id self;
  GHashTable *found; /* customer id -> crm_duplicate* (owned by `list`) */
  GPtrArray *list;
} match_state;

static int collect_match(const void *row, void *payload)
{
  const crm_customer_key_row *r = row;
  match_state *ms = payload;
  if (r->customer == ms->self)
    return 0;
  crm_duplicate *d = g_hash_table_lookup(ms->found, &r->customer);
  if (d == NULL) {
    d = g_new0(crm_duplicate, 1);
    d->customer = r->customer;
    g_ptr_array_add(ms->list, d);
    g_hash_table_insert(ms->found, &d->customer, d);
  }
  d->reasons |= 1u << r->reason;
  return 0;
}

static gint by_score(gconstpointer a, gconstpointer b)
{
  const crm_duplicate *x = *(crm_duplicate *const *)a, *y = *(crm_duplicate *const *)b;
  if (x->score != y->score)
    return y->score - x->score;
  return x->customer < y->customer ? -1 : x->customer > y->customer;
}

/* The customer's keys (computed as crm__customer_keys_refresh stores
   them), then each key's other holders through the index. */
static crm_status find_duplicates(GPtrArray *out, crm_db *db, crm_id customer)
{
  crm_customer_row row = {0};
  CRM__TRY(crm__customer_row(db, customer, &row));
  key_set ks = key_set_new(db);
  crm_status st = compute_keys(&ks, &row);
  crm_customer_row_clear(&row);
  match_state ms = {customer, g_hash_table_new(g_int64_hash, g_int64_equal), out};
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, ks.keys);
  while (st == CRM_OK && g_hash_table_iter_next(&it, NULL, &value)) {
    const crm_customer_key_row *k = value;
    st = CRM__OPS(db)->customer_keys_find(CRM__B(db), k->reason, k->key, collect_match, &ms);
  }
  g_hash_table_unref(ms.found);
  g_hash_table_unref(ks.keys);
  for (guint i = 0; i < out->len; i++) {
    crm_duplicate *d = g_ptr_array_index(out, i);
    d->score = combined_score(d->reasons);
  }
  g_ptr_array_sort(out, by_score);
  return st;
}

typedef struct {
  crm_id customer;
  int done;
} duplicates_state;

static crm_status fetch_duplicates(crm__pager *p, unsigned int want, GPtrArray *items)
{
  (void)want; /* a customer has a handful of duplicates: one page holds them */
  duplicates_state *ds = p->state;
  if (ds->done)
    return CRM_OK;
  crm_status st = find_duplicates(items, p->db, ds->customer);
  if (st == CRM_OK)
    ds->done = 1;
  return st;
}

crm_status crm_customer_duplicates(crm_duplicate_iterator **out, crm_db *db, crm_id customer)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK)
    return st;
  crm_id resolved = 0;
  if ((st = crm__customer_resolve(&resolved, db, customer)) != CRM_OK ||
      (st = crm__perm_customer(db, resolved, "look for duplicates of")) != CRM_OK)
    return st;
  duplicates_state *ds = g_new0(duplicates_state, 1);
  ds->customer = resolved;
  crm_duplicate_iterator *it = g_new0(crm_duplicate_iterator, 1);
  it->pager =
      crm__pager_new(db, fetch_duplicates, (GDestroyNotify)crm_duplicate_free, 0, ds, g_free);
  crm__pager_filter(it->pager, crm__visible_duplicate);
  *out = it;
  return CRM_OK;
}

crm_status crm_duplicate_next(crm_duplicate **out, crm_duplicate_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_duplicate_iterator_free(crm_duplicate_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}
