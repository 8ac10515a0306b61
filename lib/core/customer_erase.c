/*
 * Erasure (privacy law): every free text stored for a person is
 * overwritten in place, in one transaction; what reports count (cases,
 * their counters, times, channels, SLA figures, CSAT scores) stays. After
 * the commit the store is compacted so the old bytes leave its files.
 *
 * The person is the customer plus every customer merged into it: a merge
 * keeps the loser's row (and the merge record keeps the loser's values).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

#define ERASED_TEXT "(erased)"

/* Payload members whose strings are enum names, never personal text. */
static const char *const enum_members[] = {"channel", "direction", "outcome", "kind",   "from",
                                           "to",      "priority",  "status",  "metric", NULL};

typedef struct {
  crm_db *db;
  crm_id customer;
  GArray *people;         /* the customer and the customers merged into it */
  GHashTable *needles;    /* "kind\x1fvalue" of the person's identities */
  GPtrArray *texts;       /* the person's names and identity values, to find elsewhere */
  GHashTable *own_ix;     /* the person's interaction ids (gint64 keys) */
  int64_t participant_no; /* numbers the anonymised participant values */
  int64_t identities, cases, interactions, attachments, events, participants;
} eraser;

/* ------------------------------------------------------------------ */
/* JSON payloads                                                        */

static int is_enum_member(const char *name)
{
  for (const char *const *m = enum_members; *m; m++)
    if (strcmp(*m, name) == 0)
      return 1;
  return 0;
}

/* Where `needle` occurs in data[0..len), ASCII case-insensitively; NULL if nowhere. */
static const char *find_text(const char *data, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; n > 0 && i + n <= len; i++)
    if (g_ascii_strncasecmp(data + i, needle, n) == 0)
      return data + i;
  return NULL;
}

/* data with every occurrence of the person's texts replaced by ERASED_TEXT;
   NULL when none occurs. */
static GByteArray *redact(const void *data, size_t len, GPtrArray *texts)
{
  GByteArray *out = NULL;
  const char *p = data, *end = p + len;
  while (p < end) {
    const char *first = NULL;
    size_t first_len = 0;
    for (guint k = 0; k < texts->len; k++) {
      const char *hit = find_text(p, (size_t)(end - p), g_ptr_array_index(texts, k));
      if (hit && (first == NULL || hit < first)) {
        first = hit;
        first_len = strlen(g_ptr_array_index(texts, k));
      }
    }
    if (first == NULL)
      break;
    if (out == NULL)
      out = g_byte_array_new();
    g_byte_array_append(out, (const guint8 *)p, (guint)(first - p));
    g_byte_array_append(out, (const guint8 *)ERASED_TEXT, sizeof ERASED_TEXT - 1);
    p = first + first_len;
  }
  if (out)
    g_byte_array_append(out, (const guint8 *)p, (guint)(end - p));
  return out;
}

/* A redacted copy of a string (g_free), or NULL when nothing of the person is in it. */
static char *redact_text(const char *s, GPtrArray *texts)
{
  if (s == NULL)
    return NULL;
  GByteArray *b = redact(s, strlen(s), texts);
  if (b == NULL)
    return NULL;
  g_byte_array_append(b, (const guint8 *)"", 1);
  return (char *)g_byte_array_free(b, FALSE);
}

/* Replace the strings of a node: every one (`texts` NULL) but enum names,
   or those holding one of the person's texts; returns 1 when something
   changed. */
static int scrub_node(JsonNode *node, GPtrArray *texts);

static int scrub_object(JsonObject *o, GPtrArray *texts)
{
  int changed = 0;
  GList *members = json_object_get_members(o);
  for (GList *m = members; m; m = m->next) {
    JsonNode *child = json_object_get_member(o, m->data);
    if (texts == NULL && is_enum_member(m->data) && JSON_NODE_HOLDS_VALUE(child))
      continue;
    changed |= scrub_node(child, texts);
  }
  g_list_free(members);
  return changed;
}

static int scrub_node(JsonNode *node, GPtrArray *texts)
{
  if (JSON_NODE_HOLDS_OBJECT(node))
    return scrub_object(json_node_get_object(node), texts);
  if (JSON_NODE_HOLDS_ARRAY(node)) {
    int changed = 0;
    JsonArray *a = json_node_get_array(node);
    for (guint i = 0; i < json_array_get_length(a); i++)
      changed |= scrub_node(json_array_get_element(a, i), texts);
    return changed;
  }
  if (json_node_get_value_type(node) != G_TYPE_STRING)
    return 0;
  const char *s = json_node_get_string(node);
  if (g_strcmp0(s, ERASED_TEXT) == 0)
    return 0;
  char *redacted = texts ? redact_text(s, texts) : g_strdup(ERASED_TEXT);
  if (redacted == NULL)
    return 0;
  json_node_set_string(node, redacted);
  g_free(redacted);
  return 1;
}

/* The scrubbed JSON text of `text`, or NULL when nothing changed. */
static char *scrub_json(const char *text, GPtrArray *texts)
{
  JsonNode *root = json_from_string(text ? text : "{}", NULL);
  if (root == NULL) /* not JSON: nothing structured to keep */
    return g_strdup("{}");
  char *out = scrub_node(root, texts) ? json_to_string(root, FALSE) : NULL;
  json_node_unref(root);
  return out;
}

/* Rewrite the payloads of an entity's events. */
static crm_status scrub_events(eraser *e, const char *entity, crm_id id, GPtrArray *texts)
{
  GPtrArray *events = g_ptr_array_new_with_free_func(crm__event_row_free);
  crm_status st =
      CRM__OPS(e->db)->event_list_entity(CRM__B(e->db), entity, id, crm__collect_event, events);
  for (guint i = 0; st == CRM_OK && i < events->len; i++) {
    const crm_event_row *ev = g_ptr_array_index(events, i);
    char *payload = scrub_json(ev->payload, texts);
    if (payload == NULL)
      continue;
    st = CRM__OPS(e->db)->event_set_payload(CRM__B(e->db), ev->seq, payload);
    e->events++;
    g_free(payload);
  }
  g_ptr_array_unref(events);
  return st;
}

/* Remember one of the person's texts (too short a one would match everywhere). */
static void add_text(eraser *e, const char *s)
{
  if (s == NULL || strlen(s) < 4)
    return;
  for (guint i = 0; i < e->texts->len; i++)
    if (g_ascii_strcasecmp(g_ptr_array_index(e->texts, i), s) == 0)
      return;
  g_ptr_array_add(e->texts, g_strdup(s));
}

/* ------------------------------------------------------------------ */
/* the customer rows, identities, attributes, preferences, merges       */

static int collect_identity(const void *row, void *payload)
{
  const crm_identity_row *r = row;
  g_hash_table_add(payload, g_strdup_printf("%d\x1f%s", r->kind, r->value));
  return 0;
}

/* Identities are removed (they are lookup keys, nothing else); their
   values are remembered to find the person in others' records. */
static crm_status erase_identities(eraser *e, crm_id person)
{
  GHashTable *mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  crm_status st = CRM__OPS(e->db)->identity_list(CRM__B(e->db), person, collect_identity, mine);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, mine);
  while (st == CRM_OK && g_hash_table_iter_next(&it, &key, NULL)) {
    st =
        CRM__OPS(e->db)->identity_delete(CRM__B(e->db), person, atoi(key), strchr(key, '\x1f') + 1);
    g_hash_table_add(e->needles, g_strdup(key));
    add_text(e, strchr(key, '\x1f') + 1);
    e->identities++;
  }
  g_hash_table_unref(mine);
  return st;
}

static crm_status erase_attributes(crm_db *db, crm_entity_t entity, crm_id id, int remove)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func(crm__attribute_row_free);
  crm_status st =
      CRM__OPS(db)->attribute_list(CRM__B(db), entity, id, crm__collect_attribute, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
    const crm_attribute_row *a = g_ptr_array_index(rows, i);
    st = CRM__OPS(db)->attribute_set(CRM__B(db), entity, id, a->key, remove ? NULL : ERASED_TEXT);
  }
  g_ptr_array_unref(rows);
  return st;
}

/* Preferences stay (the answers are what a mailing tool must respect);
   where they came from may name the person. */
static crm_status erase_preference_sources(crm_db *db, crm_id person)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func(crm__preference_row_free);
  crm_status st = CRM__OPS(db)->preference_list(CRM__B(db), person, crm__collect_preference, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
    crm_preference_row *p = g_ptr_array_index(rows, i);
    if (p->source == NULL)
      continue;
    free(p->source);
    p->source = NULL;
    st = CRM__OPS(db)->preference_put(CRM__B(db), p);
  }
  g_ptr_array_unref(rows);
  return st;
}

static crm_status erase_row(eraser *e, crm_id person)
{
  crm_customer_row row = {0};
  CRM__TRY(crm__customer_row(e->db, person, &row));
  int64_t old_version = row.version;
  add_text(e, row.display_name);
  add_text(e, row.organization);
  free(row.display_name);
  row.display_name = strdup(ERASED_TEXT);
  g_clear_pointer(&row.organization, free);
  g_clear_pointer(&row.language, free);
  g_clear_pointer(&row.timezone, free);
  g_clear_pointer(&row.segment, free);
  if (person == e->customer)
    row.status = CRM_CUSTOMER_ERASED; /* a merged one stays merged: it still resolves */
  row.version++;
  row.updated_at = crm_now(e->db);
  crm_status st = CRM__OPS(e->db)->customer_update(CRM__B(e->db), &row, old_version);
  crm_customer_row_clear(&row);
  return st;
}

/* The merge records hold the loser's attribute values and preference
   sources: scrubbed, the ids of what moved kept. */
static crm_status erase_merge_records(eraser *e, crm_id person)
{
  GPtrArray *merges = g_ptr_array_new_with_free_func(crm__merge_row_free);
  crm_status st = CRM__OPS(e->db)->merge_list(CRM__B(e->db), person, crm__collect_merge, merges);
  for (guint i = 0; st == CRM_OK && i < merges->len; i++) {
    crm_merge_row *m = g_ptr_array_index(merges, i);
    char *record = scrub_json(m->record, NULL);
    if (record == NULL)
      continue;
    free(m->record);
    m->record = strdup(record);
    g_free(record);
    st = CRM__OPS(e->db)->merge_update(CRM__B(e->db), m);
  }
  g_ptr_array_unref(merges);
  return st;
}

static crm_status erase_person(eraser *e, crm_id person)
{
  CRM__TRY(erase_identities(e, person));
  CRM__TRY(erase_row(e, person));
  CRM__TRY(erase_attributes(e->db, CRM_ENTITY_CUSTOMER, person, 1));
  CRM__TRY(erase_preference_sources(e->db, person));
  CRM__TRY(erase_merge_records(e, person));
  CRM__TRY(CRM__OPS(e->db)->customer_keys_set(CRM__B(e->db), person, NULL, 0));
  return scrub_events(e, "customer", person, NULL);
}

/* The customer and, recursively, the customers merged into it and not unmerged. */
static crm_status collect_people(eraser *e)
{
  g_array_append_val(e->people, e->customer);
  GPtrArray *merges = g_ptr_array_new_with_free_func(crm__merge_row_free);
  crm_status st = CRM_OK;
  for (guint i = 0; i < e->people->len && st == CRM_OK; i++) {
    crm_id id = g_array_index(e->people, crm_id, i);
    g_ptr_array_set_size(merges, 0);
    st = CRM__OPS(e->db)->merge_list(CRM__B(e->db), id, crm__collect_merge, merges);
    for (guint k = 0; st == CRM_OK && k < merges->len; k++) {
      const crm_merge_row *m = g_ptr_array_index(merges, k);
      if (m->survivor == id && m->undone_at == 0)
        g_array_append_val(e->people, m->merged);
    }
  }
  g_ptr_array_unref(merges);
  return st;
}

/* ------------------------------------------------------------------ */
/* cases and interactions                                               */

static crm_status erase_case(eraser *e, crm_id id)
{
  crm_case_row c = {0};
  crm_status st = CRM__OPS(e->db)->case_get(CRM__B(e->db), id, &c);
  if (st == CRM_OK) {
    int64_t old_version = c.version;
    free(c.subject);
    c.subject = strdup(ERASED_TEXT);
    if (c.csat_comment) { /* the score stays: reports count it */
      free(c.csat_comment);
      c.csat_comment = strdup(ERASED_TEXT);
    }
    c.version++;
    st = CRM__OPS(e->db)->case_update(CRM__B(e->db), &c, old_version);
  }
  crm_case_row_clear(&c);
  if (st == CRM_OK)
    st = scrub_events(e, "case", id, NULL);
  e->cases++;
  return st;
}

static crm_status erase_texts(crm_db *db, crm_id id)
{
  crm_interaction_row r = {0};
  crm_status st = CRM__OPS(db)->interaction_get(CRM__B(db), id, &r);
  if (st == CRM_OK) {
    /* a subject or body that was there is replaced, one that was not stays absent */
    crm_interaction_row texts = {0};
    texts.id = id;
    texts.subject = r.subject ? ERASED_TEXT : NULL;
    texts.body = r.body ? ERASED_TEXT : NULL;
    st = CRM__OPS(db)->interaction_set_texts(CRM__B(db), &texts);
  }
  crm_interaction_row_clear(&r);
  return st;
}

static int collect_participant(const void *row, void *payload)
{
  const crm_participant_row *p = row;
  crm_participant_row *copy = g_new0(crm_participant_row, 1);
  copy->interaction = p->interaction;
  copy->kind = p->kind;
  copy->value = crm__strdup0(p->value);
  copy->role = crm__strdup0(p->role);
  g_ptr_array_add(payload, copy);
  return 0;
}

static void participant_free(void *p)
{
  crm_participant_row_clear(p);
  g_free(p);
}

/* A participant's value becomes "(erased N)": distinct, so the rows stay
   distinct under their unique key. */
static crm_status anonymise_participant(eraser *e, const crm_participant_row *p, GHashTable *done)
{
  char *key = g_strdup_printf("%d\x1f%s", p->kind, p->value);
  if (!g_hash_table_add(done, key))
    return CRM_OK; /* the same value under another role: already rewritten */
  char *value = g_strdup_printf(ERASED_TEXT " %lld", (long long)++e->participant_no);
  crm_status st = CRM__OPS(e->db)->participant_set_value(CRM__B(e->db), p->interaction, p->kind,
                                                         p->value, value);
  g_free(value);
  e->participants++;
  return st;
}

static crm_status erase_participants(eraser *e, crm_id interaction)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func(participant_free);
  GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  crm_status st =
      CRM__OPS(e->db)->participant_list(CRM__B(e->db), interaction, collect_participant, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++)
    st = anonymise_participant(e, g_ptr_array_index(rows, i), done);
  g_hash_table_unref(done);
  g_ptr_array_unref(rows);
  return st;
}

static void set_sha256(crm_attachment_row *row, const void *data, size_t len)
{
  char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data ? data : "", len);
  g_strlcpy(row->sha256, hex, sizeof row->sha256);
  g_free(hex);
}

static int collect_attachment_id(const void *row, void *payload)
{
  crm_id id = ((const crm_attachment_row *)row)->id;
  g_array_append_val((GArray *)payload, id);
  return 0;
}

/* Name and bytes go (the raw mail among them); an empty file remains. */
static crm_status erase_attachments(eraser *e, crm_id interaction)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st =
      CRM__OPS(e->db)->attachment_list(CRM__B(e->db), interaction, collect_attachment_id, ids);
  for (guint i = 0; st == CRM_OK && i < ids->len; i++) {
    crm_attachment_row row = {0};
    row.id = g_array_index(ids, crm_id, i);
    char *name = g_strdup_printf("erased-%lld", (long long)row.id);
    row.filename = name;
    row.media_type = "application/octet-stream";
    set_sha256(&row, NULL, 0);
    st = CRM__OPS(e->db)->attachment_rewrite(CRM__B(e->db), &row);
    g_free(name);
    e->attachments++;
  }
  g_array_unref(ids);
  return st;
}

static crm_status erase_interaction(eraser *e, crm_id id)
{
  CRM__TRY(erase_texts(e->db, id));
  CRM__TRY(erase_attributes(e->db, CRM_ENTITY_INTERACTION, id, 0));
  CRM__TRY(erase_participants(e, id));
  CRM__TRY(erase_attachments(e, id));
  e->interactions++;
  return scrub_events(e, "interaction", id, NULL);
}

typedef crm_status (*erase_one_fn)(eraser *e, crm_id id);

static crm_status erase_owned(eraser *e, crm_owned_t what, erase_one_fn one)
{
  GArray *ids = NULL;
  CRM__TRY(crm__owned_ids(&ids, e->db, what, e->customer));
  crm_status st = CRM_OK;
  for (guint i = 0; i < ids->len && st == CRM_OK; i++) {
    crm_id id = g_array_index(ids, crm_id, i);
    if (what == CRM_OWNED_INTERACTION)
      g_hash_table_add(e->own_ix, g_memdup2(&id, sizeof id));
    st = one(e, id);
  }
  g_array_unref(ids);
  return st;
}

static crm_status redact_attributes(eraser *e, crm_id id)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func(crm__attribute_row_free);
  crm_status st = CRM__OPS(e->db)->attribute_list(CRM__B(e->db), CRM_ENTITY_INTERACTION, id,
                                                  crm__collect_attribute, rows);
  for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
    const crm_attribute_row *a = g_ptr_array_index(rows, i);
    char *value = redact_text(a->value, e->texts);
    if (value)
      st = CRM__OPS(e->db)->attribute_set(CRM__B(e->db), CRM_ENTITY_INTERACTION, id, a->key, value);
    g_free(value);
  }
  g_ptr_array_unref(rows);
  return st;
}

static crm_status redact_attachment(eraser *e, crm_id id)
{
  crm_attachment_row row = {0};
  crm_status st = CRM__OPS(e->db)->attachment_get(CRM__B(e->db), id, &row);
  GByteArray *data = st == CRM_OK ? redact(row.data, row.size, e->texts) : NULL;
  char *name = st == CRM_OK ? redact_text(row.filename, e->texts) : NULL;
  if (data || name) {
    crm_attachment_row w = row;
    w.filename = name ? name : row.filename;
    if (data) {
      w.data = data->data;
      w.size = data->len;
    }
    set_sha256(&w, w.data, w.size);
    st = CRM__OPS(e->db)->attachment_rewrite(CRM__B(e->db), &w);
  }
  if (data)
    g_byte_array_unref(data);
  g_free(name);
  crm_attachment_row_clear(&row);
  return st;
}

static crm_status redact_attachments(eraser *e, crm_id interaction)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(crm_id));
  crm_status st =
      CRM__OPS(e->db)->attachment_list(CRM__B(e->db), interaction, collect_attachment_id, ids);
  for (guint i = 0; st == CRM_OK && i < ids->len; i++)
    st = redact_attachment(e, g_array_index(ids, crm_id, i));
  g_array_unref(ids);
  return st;
}

/* Another customer's interaction the person took part in: their texts
   go from its subject, body, attributes, attachments (the raw mail's
   headers) and events. */
static crm_status redact_interaction(eraser *e, crm_id id)
{
  crm_db *db = e->db;
  crm_interaction_row r = {0};
  crm_status st = CRM__OPS(db)->interaction_get(CRM__B(db), id, &r);
  char *texts[4] = {redact_text(r.subject, e->texts), redact_text(r.body, e->texts),
                    redact_text(r.external_ref, e->texts), redact_text(r.in_reply_to, e->texts)};
  if (st == CRM_OK && (texts[0] || texts[1] || texts[2] || texts[3])) {
    crm_interaction_row w = {0};
    w.id = id;
    w.subject = texts[0] ? texts[0] : r.subject;
    w.body = texts[1] ? texts[1] : r.body;
    w.external_ref = texts[2] ? texts[2] : r.external_ref;
    w.in_reply_to = texts[3] ? texts[3] : r.in_reply_to;
    st = CRM__OPS(db)->interaction_set_texts(CRM__B(db), &w);
  }
  for (int i = 0; i < 4; i++)
    g_free(texts[i]);
  crm_interaction_row_clear(&r);
  if (st == CRM_OK)
    st = redact_attributes(e, id);
  if (st == CRM_OK)
    st = redact_attachments(e, id);
  if (st == CRM_OK)
    st = scrub_events(e, "interaction", id, e->texts);
  return st;
}

/* The person as a participant of other customers' interactions (a Cc:). */
static crm_status erase_elsewhere(eraser *e)
{
  GHashTableIter it;
  gpointer key;
  crm_status st = CRM_OK;
  GHashTable *others = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_iter_init(&it, e->needles);
  while (st == CRM_OK && g_hash_table_iter_next(&it, &key, NULL)) {
    GPtrArray *rows = g_ptr_array_new_with_free_func(participant_free);
    st = CRM__OPS(e->db)->participant_find(CRM__B(e->db), atoi(key), strchr(key, '\x1f') + 1,
                                           collect_participant, rows);
    GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; st == CRM_OK && i < rows->len; i++) {
      const crm_participant_row *p = g_ptr_array_index(rows, i);
      if (g_hash_table_contains(e->own_ix, &p->interaction))
        continue;
      g_hash_table_remove_all(done); /* one rewrite per interaction */
      st = anonymise_participant(e, p, done);
      g_hash_table_add(others, g_memdup2(&p->interaction, sizeof p->interaction));
    }
    g_hash_table_unref(done);
    g_ptr_array_unref(rows);
  }
  g_hash_table_iter_init(&it, others);
  while (st == CRM_OK && g_hash_table_iter_next(&it, &key, NULL))
    st = redact_interaction(e, *(crm_id *)key);
  g_hash_table_unref(others);
  return st;
}

/* ------------------------------------------------------------------ */
/* the call                                                             */

static crm_status emit_erased(eraser *e, const char *reason)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "customer", e->customer);
  json_object_set_string_member(o, "reason", reason);
  JsonObject *n = json_object_new();
  json_object_set_int_member(n, "merged_customers", (gint64)e->people->len - 1);
  json_object_set_int_member(n, "identities", e->identities);
  json_object_set_int_member(n, "cases", e->cases);
  json_object_set_int_member(n, "interactions", e->interactions);
  json_object_set_int_member(n, "attachments", e->attachments);
  json_object_set_int_member(n, "participants", e->participants);
  json_object_set_int_member(n, "events", e->events);
  json_object_set_object_member(o, "erased", n);
  return crm__event_emit(e->db, "customer.erased", "customer", e->customer, o);
}

static crm_status check_erasable(int *already, crm_db *db, crm_id customer)
{
  crm_customer_row row = {0};
  CRM__TRY(crm__customer_row(db, customer, &row));
  int status = row.status;
  crm_customer_row_clear(&row);
  *already = status == CRM_CUSTOMER_ERASED;
  if (status != CRM_CUSTOMER_MERGED)
    return CRM_OK;
  crm_id survivor = 0;
  CRM__TRY(crm__customer_resolve(&survivor, db, customer));
  return crm__error(CRM_EINVALID,
                    "customer %lld was merged into customer %lld: erase customer %lld (the "
                    "person's whole record)",
                    (long long)customer, (long long)survivor, (long long)survivor);
}

static crm_status erase_locked(crm_db *db, crm_id customer, const char *reason)
{
  int already = 0;
  CRM__TRY(check_erasable(&already, db, customer));
  if (already)
    return CRM_OK; /* nothing left to erase: only the compaction runs again */
  eraser e = {0};
  e.db = db;
  e.customer = customer;
  e.people = g_array_new(FALSE, FALSE, sizeof(crm_id));
  e.needles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  e.texts = g_ptr_array_new_with_free_func(g_free);
  e.own_ix = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  crm_status st = collect_people(&e);
  for (guint i = 0; st == CRM_OK && i < e.people->len; i++)
    st = erase_person(&e, g_array_index(e.people, crm_id, i));
  if (st == CRM_OK)
    st = erase_owned(&e, CRM_OWNED_CASE, erase_case);
  if (st == CRM_OK)
    st = erase_owned(&e, CRM_OWNED_INTERACTION, erase_interaction);
  if (st == CRM_OK)
    st = erase_elsewhere(&e);
  if (st == CRM_OK)
    st = emit_erased(&e, reason);
  g_array_unref(e.people);
  g_hash_table_unref(e.needles);
  g_ptr_array_unref(e.texts);
  g_hash_table_unref(e.own_ix);
  return st;
}

static crm_status compact(crm_db *db)
{
  if (db->explicit_txn || db->call_depth > 0)
    return crm__error(CRM_EINVALID, "crm_db_compact cannot run inside a transaction (call it "
                                    "after crm_commit)");
  return CRM__OPS(db)->compact(CRM__B(db));
}

crm_status crm_db_compact(crm_db *db)
{
  crm_status st = crm__db_check(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "compact the database");
  if (st != CRM_OK)
    return st;
  return compact(db);
}

crm_status crm_customer_erase(crm_db *db, crm_id customer, const char *reason)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK ||
      (st = crm__check_text(reason, "reason", 1)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "erase a customer");
  if (st == CRM_OK)
    st = erase_locked(db, customer, reason);
  st = crm__write_end(db, st);
  if (st != CRM_OK || db->explicit_txn || db->call_depth > 0)
    return st; /* inside crm_begin: the caller compacts after crm_commit */
  /* The erasure is committed: a compaction that cannot run now is not
     the call's failure. */
  if (compact(db) != CRM_OK)
    crm__log(db, CRM_LOG_WARNING,
             "customer %lld erased; compacting the store failed (%s): run crm_db_compact later",
             (long long)customer, crm_error_last()->message);
  return CRM_OK;
}
