/*
 * Export: everything stored about a person as one JSON document (the
 * format is documented with crm_customer_export in crm/customer.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

#define EXPORT_FORMAT         "libcrm.customer-export"
#define EXPORT_FORMAT_VERSION 1

crm_status crm_customer_export_options_init(crm_customer_export_options *opts, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(opts, "opts")) != CRM_OK ||
      (st = crm__check_version(version, CRM_CUSTOMER_EXPORT_OPTIONS_VERSION,
                               "crm_customer_export_options")) != CRM_OK)
    return st;
  memset(opts, 0, sizeof *opts);
  opts->version = version;
  return CRM_OK;
}

typedef struct {
  crm_db *db;
  int attachment_content;
  GArray *cases, *interactions; /* crm_id */
  GPtrArray *events;            /* crm_event_row*, every entity's */
} exporter;

/* ------------------------------------------------------------------ */
/* JSON helpers                                                         */

static void set_time(JsonObject *o, const char *name, crm_time t)
{
  if (t)
    json_object_set_int_member(o, name, t);
  else
    json_object_set_null_member(o, name);
}

static int add_attribute(const void *row, void *payload)
{
  const crm_attribute_row *a = row;
  json_object_set_string_member(payload, a->key, a->value);
  return 0;
}

static crm_status attributes_json(JsonObject **out, crm_db *db, crm_entity_t entity, crm_id id)
{
  *out = json_object_new();
  return CRM__OPS(db)->attribute_list(CRM__B(db), entity, id, add_attribute, *out);
}

/* ------------------------------------------------------------------ */
/* sections                                                             */

static crm_status customer_json(JsonObject *doc, crm_db *db, crm_id id)
{
  crm_customer_row row = {0};
  CRM__TRY(crm__customer_row(db, id, &row));
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "id", row.id);
  json_object_set_string_member(o, "display_name", row.display_name);
  crm__json_set_str(o, "organization", row.organization);
  crm__json_set_str(o, "language", row.language);
  crm__json_set_str(o, "timezone", row.timezone);
  crm__json_set_str(o, "segment", row.segment);
  crm__json_set_str(o, "status", crm_customer_status_name((crm_customer_status_t)row.status));
  json_object_set_int_member(o, "created_at", row.created_at);
  json_object_set_int_member(o, "updated_at", row.updated_at);
  json_object_set_int_member(o, "version", row.version);
  crm_customer_row_clear(&row);
  JsonObject *attributes = NULL;
  crm_status st = attributes_json(&attributes, db, CRM_ENTITY_CUSTOMER, id);
  json_object_set_object_member(o, "attributes", attributes);
  json_object_set_object_member(doc, "customer", o);
  return st;
}

static int add_identity(const void *row, void *payload)
{
  const crm_identity_row *r = row;
  JsonObject *o = json_object_new();
  crm__json_set_str(o, "kind", crm_identity_kind_name((crm_identity_kind_t)r->kind));
  json_object_set_string_member(o, "value", r->value);
  json_object_set_int_member(o, "created_at", r->created_at);
  json_array_add_object_element(payload, o);
  return 0;
}

static int add_preference(const void *row, void *payload)
{
  const crm_preference_row *r = row;
  JsonObject *o = json_object_new();
  crm__json_set_str(o, "channel", crm_channel_name((crm_channel_t)r->channel));
  json_object_set_string_member(o, "purpose", r->purpose);
  json_object_set_boolean_member(o, "allowed", r->allowed != 0);
  crm__json_set_str(o, "source", r->source);
  json_object_set_int_member(o, "updated_at", r->updated_at);
  json_array_add_object_element(payload, o);
  return 0;
}

/* A section filled by one list slot of the customer. */
typedef crm_status (*customer_list_fn)(crm_backend *b, crm_id customer, crm_row_fn cb,
                                       void *payload);

static crm_status list_section(JsonObject *doc, const char *name, crm_db *db, crm_id customer,
                               customer_list_fn list, crm_row_fn add)
{
  JsonArray *a = json_array_new();
  json_object_set_array_member(doc, name, a);
  return list(CRM__B(db), customer, add, a);
}

static int add_label(const void *row, void *payload)
{
  json_array_add_string_element(payload, row);
  return 0;
}

static int add_link(const void *row, void *payload)
{
  const crm_link_row *l = row;
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "from", l->from);
  crm__json_set_str(o, "kind", crm_link_name((crm_link_t)l->kind));
  json_object_set_int_member(o, "to", l->to);
  json_object_set_int_member(o, "created_at", l->created_at);
  json_array_add_object_element(payload, o);
  return 0;
}

static JsonObject *case_fields(const crm_case_row *c)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "id", c->id);
  json_object_set_string_member(o, "subject", c->subject);
  crm__json_set_str(o, "kind", crm_case_kind_name((crm_case_kind_t)c->kind));
  crm__json_set_str(o, "status", crm_case_status_name((crm_case_status_t)c->status));
  crm__json_set_str(o, "priority", crm_priority_name((crm_priority_t)c->priority));
  crm__json_set_id(o, "queue", c->queue);
  crm__json_set_id(o, "assignee", c->assignee);
  json_object_set_int_member(o, "created_at", c->created_at);
  json_object_set_int_member(o, "updated_at", c->updated_at);
  set_time(o, "resolved_at", c->resolved_at);
  json_object_set_int_member(o, "version", c->version);
  json_object_set_int_member(o, "inbound_count", c->inbound_count);
  json_object_set_int_member(o, "transfer_count", c->transfer_count);
  json_object_set_int_member(o, "reopen_count", c->reopen_count);
  if (c->csat) {
    JsonObject *csat = json_object_new();
    json_object_set_int_member(csat, "score", c->csat);
    crm__json_set_str(csat, "comment", c->csat_comment);
    json_object_set_object_member(o, "csat", csat);
  } else {
    json_object_set_null_member(o, "csat");
  }
  return o;
}

static crm_status case_json(JsonArray *cases, crm_db *db, crm_id id)
{
  crm_case_row c = {0};
  CRM__TRY(CRM__OPS(db)->case_get(CRM__B(db), id, &c));
  JsonObject *o = case_fields(&c);
  crm_case_row_clear(&c);
  json_array_add_object_element(cases, o);
  JsonArray *tags = json_array_new(), *links = json_array_new();
  json_object_set_array_member(o, "tags", tags);
  json_object_set_array_member(o, "links", links);
  CRM__TRY(CRM__OPS(db)->label_list(CRM__B(db), CRM_ENTITY_CASE, id, add_label, tags));
  return CRM__OPS(db)->link_list(CRM__B(db), id, add_link, links);
}

static int add_participant(const void *row, void *payload)
{
  const crm_participant_row *p = row;
  JsonObject *o = json_object_new();
  crm__json_set_str(o, "kind", crm_identity_kind_name((crm_identity_kind_t)p->kind));
  json_object_set_string_member(o, "value", p->value);
  json_object_set_string_member(o, "role", p->role);
  json_array_add_object_element(payload, o);
  return 0;
}

static crm_status attachment_content(JsonObject *o, crm_db *db, crm_id id)
{
  crm_attachment_row row = {0};
  crm_status st = CRM__OPS(db)->attachment_get(CRM__B(db), id, &row);
  if (st == CRM_OK) {
    char *b64 = g_base64_encode(row.data, row.size);
    json_object_set_string_member(o, "content", b64);
    g_free(b64);
  }
  crm_attachment_row_clear(&row);
  return st;
}

static int add_attachment(const void *row, void *payload)
{
  const crm_attachment_row *a = row;
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "id", a->id);
  json_object_set_string_member(o, "filename", a->filename);
  json_object_set_string_member(o, "media_type", a->media_type);
  json_object_set_int_member(o, "size", (gint64)a->size);
  json_object_set_string_member(o, "sha256", a->sha256);
  json_array_add_object_element(payload, o);
  /* the listing's statement is still running: contents are read afterwards */
  return 0;
}

static crm_status attachments_json(JsonArray *list, exporter *x, crm_id interaction)
{
  CRM__TRY(CRM__OPS(x->db)->attachment_list(CRM__B(x->db), interaction, add_attachment, list));
  for (guint i = 0; x->attachment_content && i < json_array_get_length(list); i++) {
    JsonObject *o = json_array_get_object_element(list, i);
    CRM__TRY(attachment_content(o, x->db, json_object_get_int_member(o, "id")));
  }
  return CRM_OK;
}

static JsonObject *interaction_fields(const crm_interaction_row *r)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "id", r->id);
  crm__json_set_id(o, "case", r->case_id);
  crm__json_set_id(o, "agent", r->agent);
  crm__json_set_str(o, "channel", crm_channel_name((crm_channel_t)r->channel));
  crm__json_set_str(o, "direction", crm_direction_name((crm_direction_t)r->direction));
  crm__json_set_str(o, "outcome", r->outcome ? crm_outcome_name((crm_outcome_t)r->outcome) : NULL);
  json_object_set_int_member(o, "occurred_at", r->occurred_at);
  json_object_set_int_member(o, "recorded_at", r->recorded_at);
  crm__json_set_str(o, "subject", r->subject);
  crm__json_set_str(o, "body", r->body);
  crm__json_set_str(o, "external_ref", r->external_ref);
  crm__json_set_str(o, "in_reply_to", r->in_reply_to);
  return o;
}

static crm_status interaction_json(JsonArray *list, exporter *x, crm_id id)
{
  crm_db *db = x->db;
  crm_interaction_row r = {0};
  CRM__TRY(CRM__OPS(db)->interaction_get(CRM__B(db), id, &r));
  JsonObject *o = interaction_fields(&r);
  crm_interaction_row_clear(&r);
  json_array_add_object_element(list, o);
  JsonObject *attributes = NULL;
  crm_status st = attributes_json(&attributes, db, CRM_ENTITY_INTERACTION, id);
  json_object_set_object_member(o, "attributes", attributes);
  CRM__TRY(st);
  JsonArray *participants = json_array_new(), *attachments = json_array_new();
  json_object_set_array_member(o, "participants", participants);
  json_object_set_array_member(o, "attachments", attachments);
  CRM__TRY(CRM__OPS(db)->participant_list(CRM__B(db), id, add_participant, participants));
  return attachments_json(attachments, x, id);
}

/* ------------------------------------------------------------------ */
/* events and merges                                                    */

static crm_status entity_events(exporter *x, const char *entity, crm_id id)
{
  return CRM__OPS(x->db)->event_list_entity(CRM__B(x->db), entity, id, crm__collect_event,
                                            x->events);
}

static gint by_seq(gconstpointer a, gconstpointer b)
{
  const crm_event_row *x = *(crm_event_row *const *)a, *y = *(crm_event_row *const *)b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static JsonObject *event_json(const crm_event_row *e)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "seq", e->seq);
  json_object_set_int_member(o, "time", e->time);
  crm__json_set_id(o, "actor", e->actor);
  json_object_set_string_member(o, "kind", e->kind);
  json_object_set_string_member(o, "entity", e->entity);
  json_object_set_int_member(o, "entity_id", e->entity_id);
  JsonNode *payload = json_from_string(e->payload ? e->payload : "{}", NULL);
  json_object_set_member(o, "payload", payload ? payload : json_node_new(JSON_NODE_NULL));
  return o;
}

static JsonArray *events_json(GPtrArray *events)
{
  g_ptr_array_sort(events, by_seq);
  JsonArray *a = json_array_new();
  int64_t last = 0;
  for (guint i = 0; i < events->len; i++) {
    const crm_event_row *e = g_ptr_array_index(events, i);
    if (e->seq != last) /* an event is listed once however many entities name it */
      json_array_add_object_element(a, event_json(e));
    last = e->seq;
  }
  return a;
}

static JsonObject *merge_json(const crm_merge_row *m)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "id", m->id);
  json_object_set_int_member(o, "survivor", m->survivor);
  json_object_set_int_member(o, "merged", m->merged);
  json_object_set_int_member(o, "created_at", m->created_at);
  set_time(o, "undone_at", m->undone_at);
  return o;
}

/* The merges the customer took part in, and the events of every customer
   merged into it (and into those, ...): the same person's history. */
static crm_status merges_and_customer_events(JsonObject *doc, exporter *x, crm_id customer)
{
  GArray *todo = g_array_new(FALSE, FALSE, sizeof(crm_id));
  g_array_append_val(todo, customer);
  GPtrArray *merges = g_ptr_array_new_with_free_func(crm__merge_row_free);
  JsonArray *list = json_array_new();
  json_object_set_array_member(doc, "merges", list);
  crm_status st = CRM_OK;
  for (guint i = 0; i < todo->len && st == CRM_OK && i < 1024; i++) {
    crm_id id = g_array_index(todo, crm_id, i);
    st = entity_events(x, "customer", id);
    g_ptr_array_set_size(merges, 0);
    if (st == CRM_OK)
      st = CRM__OPS(x->db)->merge_list(CRM__B(x->db), id, crm__collect_merge, merges);
    for (guint k = 0; st == CRM_OK && k < merges->len; k++) {
      const crm_merge_row *m = g_ptr_array_index(merges, k);
      if (i == 0)
        json_array_add_object_element(list, merge_json(m));
      if (m->survivor == id && m->undone_at == 0)
        g_array_append_val(todo, m->merged);
    }
  }
  g_ptr_array_unref(merges);
  g_array_unref(todo);
  return st;
}

/* ------------------------------------------------------------------ */
/* the document                                                         */

static crm_status owned_section(JsonObject *doc, const char *name, exporter *x, crm_owned_t what,
                                crm_id customer, GArray **ids,
                                crm_status (*one)(JsonArray *, exporter *, crm_id))
{
  JsonArray *list = json_array_new();
  json_object_set_array_member(doc, name, list);
  CRM__TRY(crm__owned_ids(ids, x->db, what, customer));
  for (guint i = 0; i < (*ids)->len; i++)
    CRM__TRY(one(list, x, g_array_index(*ids, crm_id, i)));
  return CRM_OK;
}

static crm_status case_one(JsonArray *list, exporter *x, crm_id id)
{
  return case_json(list, x->db, id);
}

static crm_status build(JsonObject *doc, exporter *x, crm_id customer)
{
  crm_db *db = x->db;
  json_object_set_string_member(doc, "format", EXPORT_FORMAT);
  json_object_set_int_member(doc, "format_version", EXPORT_FORMAT_VERSION);
  json_object_set_int_member(doc, "exported_at", crm_now(db));
  CRM__TRY(customer_json(doc, db, customer));
  CRM__TRY(
      list_section(doc, "identities", db, customer, CRM__OPS(db)->identity_list, add_identity));
  CRM__TRY(list_section(doc, "preferences", db, customer, CRM__OPS(db)->preference_list,
                        add_preference));
  CRM__TRY(owned_section(doc, "cases", x, CRM_OWNED_CASE, customer, &x->cases, case_one));
  CRM__TRY(owned_section(doc, "interactions", x, CRM_OWNED_INTERACTION, customer, &x->interactions,
                         interaction_json));
  CRM__TRY(merges_and_customer_events(doc, x, customer));
  for (guint i = 0; i < x->cases->len; i++)
    CRM__TRY(entity_events(x, "case", g_array_index(x->cases, crm_id, i)));
  for (guint i = 0; i < x->interactions->len; i++)
    CRM__TRY(entity_events(x, "interaction", g_array_index(x->interactions, crm_id, i)));
  json_object_set_array_member(doc, "events", events_json(x->events));
  return CRM_OK;
}

static char *document_text(JsonObject *doc)
{
  JsonNode *root = json_node_new(JSON_NODE_OBJECT);
  json_node_set_object(root, doc);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  char *text = json_generator_to_data(gen, NULL);
  g_object_unref(gen);
  json_node_unref(root);
  return text;
}

static crm_status check_options(const crm_customer_export_options *opts)
{
  if (opts == NULL)
    return CRM_OK;
  crm_status st = crm__check_version(opts->version, CRM_CUSTOMER_EXPORT_OPTIONS_VERSION,
                                     "crm_customer_export_options");
  if (st != CRM_OK)
    return st;
  if (opts->attachment_content != 0 && opts->attachment_content != 1)
    return crm__error(CRM_EINVALID, "attachment_content %d must be 0 or 1",
                      opts->attachment_content);
  return CRM_OK;
}

crm_status crm_customer_export_ext(crm_buf *out_json, crm_db *db, crm_id customer,
                                   const crm_customer_export_options *opts)
{
  crm_status st;
  if ((st = crm__check_ptr(out_json, "out_json")) != CRM_OK)
    return st;
  out_json->ptr = NULL;
  out_json->size = out_json->reserved = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(customer, "customer")) != CRM_OK ||
      (st = check_options(opts)) != CRM_OK)
    return st;
  crm_id resolved = 0;
  if ((st = crm__perm_admin(db, "export a customer")) != CRM_OK ||
      (st = crm__customer_resolve(&resolved, db, customer)) != CRM_OK)
    return st;
  exporter x = {db, opts ? opts->attachment_content : 0, NULL, NULL,
                g_ptr_array_new_with_free_func(crm__event_row_free)};
  JsonObject *doc = json_object_new();
  st = build(doc, &x, resolved);
  if (st == CRM_OK) {
    char *text = document_text(doc);
    st = crm__buf_set_str(out_json, text);
    g_free(text);
  }
  json_object_unref(doc);
  if (x.cases)
    g_array_unref(x.cases);
  if (x.interactions)
    g_array_unref(x.interactions);
  g_ptr_array_unref(x.events);
  return st;
}

crm_status crm_customer_export(crm_buf *out_json, crm_db *db, crm_id customer)
{
  return crm_customer_export_ext(out_json, db, customer, NULL);
}
