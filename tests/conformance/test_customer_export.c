/*
 * Export: crm_customer_export and crm_customer_export_ext write one JSON
 * document with everything stored about a person.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

static JsonNode *export_doc(crm_db *db, crm_id customer, const crm_customer_export_options *opts)
{
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_customer_export_ext(&buf, db, customer, opts));
  assert_non_null(buf.ptr);
  assert_int_equal(strlen(buf.ptr), buf.size);
  assert_true(g_utf8_validate(buf.ptr, -1, NULL));
  JsonNode *root = json_from_string(buf.ptr, NULL);
  crm_buf_dispose(&buf);
  assert_non_null(root);
  return root;
}

static JsonObject *member_object(JsonObject *o, const char *name)
{
  assert_true(json_object_has_member(o, name));
  return json_object_get_object_member(o, name);
}

static JsonArray *member_array(JsonObject *o, const char *name)
{
  assert_true(json_object_has_member(o, name));
  return json_object_get_array_member(o, name);
}

/* A customer with something of every kind; returns it. */
static crm_id everything(crm_test_db *t, crm_id *ix_out, crm_id *case_out)
{
  crm_id c = crm_test_customer(t->db, "mario@example.it");
  assert_crm_ok(crm_identity_add(t->db, c, CRM_IDENTITY_PHONE, "+390212345678"));
  assert_crm_ok(crm_customer_set_attribute(t->db, c, "member", "M-7"));
  assert_crm_ok(
      crm_customer_set_preference_ext(t->db, c, CRM_CHANNEL_LETTER, "marketing", 0, "shop visit"));
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = c;
  s.channel = CRM_CHANNEL_PHONE;
  s.direction = CRM_DIRECTION_INBOUND;
  s.outcome = CRM_OUTCOME_BUSY;
  s.subject = "where is my order";
  s.body = "the body of the call notes";
  s.external_ref = "call-1";
  assert_crm_ok(crm_interaction_record(ix_out, t->db, &s));
  crm_interaction *ix = NULL;
  assert_crm_ok(crm_interaction_lookup(&ix, t->db, *ix_out));
  *case_out = crm_interaction_case(ix);
  crm_interaction_free(ix);
  crm_id att = 0;
  assert_crm_ok(crm_interaction_attach(&att, t->db, *ix_out, "note.txt", "text/plain", "hi!", 3));
  assert_crm_ok(crm_interaction_set_attribute(t->db, *ix_out, "ivr_depth", "3"));
  assert_crm_ok(
      crm_interaction_add_participant(t->db, *ix_out, CRM_IDENTITY_EMAIL, "cc@x.it", "cc"));
  assert_crm_ok(crm_case_tag(t->db, *case_out, "books"));
  assert_crm_ok(crm_case_set_csat(t->db, *case_out, 4, "quick"));
  return c;
}

static void test_document(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = 0, k = 0;
  crm_id c = everything(t, &ix, &k);
  JsonNode *root = export_doc(t->db, c, NULL);
  JsonObject *doc = json_node_get_object(root);
  assert_string_equal(json_object_get_string_member(doc, "format"), "libcrm.customer-export");
  assert_int_equal(json_object_get_int_member(doc, "format_version"), 1);
  assert_int_equal(json_object_get_int_member(doc, "exported_at"), t->now);

  JsonObject *cu = member_object(doc, "customer");
  assert_int_equal(json_object_get_int_member(cu, "id"), c);
  assert_string_equal(json_object_get_string_member(cu, "display_name"), "mario");
  assert_string_equal(json_object_get_string_member(cu, "status"), "active");
  assert_true(json_object_get_null_member(cu, "organization"));
  assert_string_equal(json_object_get_string_member(member_object(cu, "attributes"), "member"),
                      "M-7");

  JsonArray *ids = member_array(doc, "identities");
  assert_int_equal(json_array_get_length(ids), 2);
  JsonObject *phone = json_array_get_object_element(ids, 1);
  assert_string_equal(json_object_get_string_member(phone, "kind"), "phone");
  assert_string_equal(json_object_get_string_member(phone, "value"), "+390212345678");

  JsonArray *prefs = member_array(doc, "preferences");
  assert_int_equal(json_array_get_length(prefs), 1);
  JsonObject *p = json_array_get_object_element(prefs, 0);
  assert_string_equal(json_object_get_string_member(p, "channel"), "letter");
  assert_false(json_object_get_boolean_member(p, "allowed"));
  assert_string_equal(json_object_get_string_member(p, "source"), "shop visit");

  JsonArray *cases = member_array(doc, "cases");
  assert_int_equal(json_array_get_length(cases), 1);
  JsonObject *kc = json_array_get_object_element(cases, 0);
  assert_int_equal(json_object_get_int_member(kc, "id"), k);
  assert_string_equal(json_object_get_string_member(kc, "status"), "new");
  assert_int_equal(json_object_get_int_member(kc, "inbound_count"), 1);
  JsonObject *csat = member_object(kc, "csat");
  assert_int_equal(json_object_get_int_member(csat, "score"), 4);
  assert_string_equal(json_object_get_string_member(csat, "comment"), "quick");
  assert_string_equal(json_array_get_string_element(member_array(kc, "tags"), 0), "books");

  JsonArray *ixs = member_array(doc, "interactions");
  assert_int_equal(json_array_get_length(ixs), 1);
  JsonObject *io = json_array_get_object_element(ixs, 0);
  assert_int_equal(json_object_get_int_member(io, "case"), k);
  assert_string_equal(json_object_get_string_member(io, "outcome"), "busy");
  assert_string_equal(json_object_get_string_member(io, "body"), "the body of the call notes");
  assert_string_equal(json_object_get_string_member(member_object(io, "attributes"), "ivr_depth"),
                      "3");
  JsonObject *part = json_array_get_object_element(member_array(io, "participants"), 0);
  assert_string_equal(json_object_get_string_member(part, "value"), "cc@x.it");
  JsonObject *att = json_array_get_object_element(member_array(io, "attachments"), 0);
  assert_string_equal(json_object_get_string_member(att, "filename"), "note.txt");
  assert_int_equal(json_object_get_int_member(att, "size"), 3);
  assert_false(json_object_has_member(att, "content"));

  /* events of the customer, its case and its interaction, in seq order */
  JsonArray *events = member_array(doc, "events");
  assert_true(json_array_get_length(events) >= 8);
  int64_t last = 0;
  int saw_csat = 0, saw_attachment = 0, saw_created = 0;
  for (guint i = 0; i < json_array_get_length(events); i++) {
    JsonObject *e = json_array_get_object_element(events, i);
    assert_true(json_object_get_int_member(e, "seq") > last);
    last = json_object_get_int_member(e, "seq");
    const char *kind = json_object_get_string_member(e, "kind");
    saw_csat |= strcmp(kind, "case.csat") == 0;
    saw_attachment |= strcmp(kind, "interaction.attachment") == 0;
    saw_created |= strcmp(kind, "customer.created") == 0;
    assert_true(JSON_NODE_HOLDS_OBJECT(json_object_get_member(e, "payload")));
  }
  assert_true(saw_csat && saw_attachment && saw_created);
  assert_int_equal(json_array_get_length(member_array(doc, "merges")), 0);
  json_node_unref(root);
}

static void test_attachment_content(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = 0, k = 0;
  crm_id c = everything(t, &ix, &k);
  crm_customer_export_options opts;
  assert_crm_ok(crm_customer_export_options_init(&opts, CRM_CUSTOMER_EXPORT_OPTIONS_VERSION));
  assert_int_equal(opts.attachment_content, 0);
  opts.attachment_content = 1;
  JsonNode *root = export_doc(t->db, c, &opts);
  JsonObject *io = json_array_get_object_element(
      json_object_get_array_member(json_node_get_object(root), "interactions"), 0);
  JsonObject *att =
      json_array_get_object_element(json_object_get_array_member(io, "attachments"), 0);
  assert_string_equal(json_object_get_string_member(att, "content"), "aGkh"); /* "hi!" */
  json_node_unref(root);
}

static void test_merged_id_exports_the_survivor(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@x.it");
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  JsonNode *root = export_doc(t->db, b, NULL);
  JsonObject *doc = json_node_get_object(root);
  assert_int_equal(json_object_get_int_member(member_object(doc, "customer"), "id"), a);
  assert_int_equal(json_array_get_length(member_array(doc, "identities")), 2);
  JsonObject *m = json_array_get_object_element(member_array(doc, "merges"), 0);
  assert_int_equal(json_object_get_int_member(m, "merged"), b);
  assert_true(json_object_get_null_member(m, "undone_at"));
  /* b's own history comes along: its customer.created event */
  int b_created = 0;
  JsonArray *events = member_array(doc, "events");
  for (guint i = 0; i < json_array_get_length(events); i++) {
    JsonObject *e = json_array_get_object_element(events, i);
    b_created |= strcmp(json_object_get_string_member(e, "kind"), "customer.created") == 0 &&
                 json_object_get_int_member(e, "entity_id") == b;
  }
  assert_true(b_created);
  json_node_unref(root);
}

static void test_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id c = crm_test_customer(t->db, "a@x.it");
  crm_buf buf = {(char *)"x", 1, 0};
  assert_crm_error(crm_customer_export(NULL, t->db, c), CRM_EINVALID, "out_json");
  assert_crm_error(crm_customer_export(&buf, NULL, c), CRM_EINVALID, "db");
  assert_null(buf.ptr);
  assert_crm_error(crm_customer_export(&buf, t->db, -2), CRM_EINVALID, "customer id -2");
  assert_crm_error(crm_customer_export(&buf, t->db, 77), CRM_ENOTFOUND, "customer 77");
  assert_null(buf.ptr);
  assert_int_equal(buf.size, 0);
  crm_customer_export_options opts = CRM_CUSTOMER_EXPORT_OPTIONS_INIT;
  opts.version = 9;
  assert_crm_error(crm_customer_export_ext(&buf, t->db, c, &opts), CRM_EINVALID, "version 9");
  opts.version = CRM_CUSTOMER_EXPORT_OPTIONS_VERSION;
  opts.attachment_content = 2;
  assert_crm_error(crm_customer_export_ext(&buf, t->db, c, &opts), CRM_EINVALID,
                   "attachment_content 2");
  assert_null(buf.ptr);
  assert_crm_error(crm_customer_export_options_init(NULL, 1), CRM_EINVALID, "opts");
  assert_crm_error(crm_customer_export_options_init(&opts, 0), CRM_EINVALID, "version 0");
  /* reading writes nothing */
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_ok(crm_customer_export(&buf, t->db, c));
  crm_buf_dispose(&buf);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_document, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_attachment_content, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_merged_id_exports_the_survivor, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_errors, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
