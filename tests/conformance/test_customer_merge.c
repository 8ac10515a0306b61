/*
 * Merging customers and undoing it: crm_customer_merge,
 * crm_customer_unmerge, and how a merged id resolves to its survivor.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static crm_id record(crm_db *db, crm_id customer, const char *subject)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = subject;
  s.body = "body";
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &s));
  return id;
}

static crm_id owner_of(crm_db *db, crm_identity_kind_t kind, const char *value)
{
  crm_id id = 0;
  assert_crm_ok(crm_customer_find(&id, db, kind, value));
  return id;
}

static crm_id interaction_customer(crm_db *db, crm_id ix)
{
  crm_interaction *i = NULL;
  assert_crm_ok(crm_interaction_lookup(&i, db, ix));
  crm_id c = crm_interaction_customer(i);
  crm_interaction_free(i);
  return c;
}

static crm_id case_customer(crm_db *db, crm_id id, int64_t *version)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, id));
  crm_id customer = crm_case_customer(c);
  if (version)
    *version = crm_case_version(c);
  crm_case_free(c);
  return customer;
}

static int may(crm_db *db, crm_id customer, crm_channel_t channel, const char *purpose)
{
  int allowed = -1;
  assert_crm_ok(crm_customer_may_contact(&allowed, db, customer, channel, purpose));
  return allowed;
}

static char *attribute(crm_db *db, crm_id customer, const char *key)
{
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, db, customer));
  char *v = g_strdup(crm_customer_attribute(c, key));
  crm_customer_free(c);
  return v;
}

/* The export without what a merge and its undo change by design: the
   export time, versions and update times, the merge history and the
   events (the audit log records both). */
static char *export_content(crm_db *db, crm_id customer)
{
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_customer_export(&buf, db, customer));
  JsonNode *root = json_from_string(buf.ptr, NULL);
  crm_buf_dispose(&buf);
  assert_non_null(root);
  JsonObject *doc = json_node_get_object(root);
  json_object_remove_member(doc, "exported_at");
  json_object_remove_member(doc, "events");
  json_object_remove_member(doc, "merges");
  JsonObject *c = json_object_get_object_member(doc, "customer");
  json_object_remove_member(c, "version");
  json_object_remove_member(c, "updated_at");
  JsonArray *cases = json_object_get_array_member(doc, "cases");
  for (guint i = 0; i < json_array_get_length(cases); i++)
    json_object_remove_member(json_array_get_object_element(cases, i), "version");
  char *text = json_to_string(root, TRUE);
  json_node_unref(root);
  return text;
}

/* A customer with a bit of everything: two identities, a case with an
   interaction, an attachment and a participant, a preference and an attribute. */
static crm_id rich_customer(crm_db *db, const char *email, const char *phone, crm_id *ix)
{
  crm_id id = crm_test_customer(db, email);
  assert_crm_ok(crm_identity_add(db, id, CRM_IDENTITY_PHONE, phone));
  *ix = record(db, id, "my order");
  crm_id att = 0;
  assert_crm_ok(crm_interaction_attach(&att, db, *ix, "a.txt", "text/plain", "hello", 5));
  assert_crm_ok(crm_interaction_add_participant(db, *ix, CRM_IDENTITY_EMAIL, "cc@x.it", "cc"));
  assert_crm_ok(
      crm_customer_set_preference_ext(db, id, CRM_CHANNEL_LETTER, "marketing", 0, "shop"));
  assert_crm_ok(crm_customer_set_attribute(db, id, "member", email));
  return id;
}

/* ------------------------------------------------------------------ */
/* merge                                                                */

static void test_merge_moves_everything(void **state)
{
  crm_test_db *t = *state;
  crm_id ixa = 0, ixb = 0;
  crm_id a = rich_customer(t->db, "a@x.it", "+390211111111", &ixa);
  crm_id b = rich_customer(t->db, "b@y.it", "+390222222222", &ixb);
  assert_crm_ok(crm_identity_add(t->db, b, CRM_IDENTITY_EXTERNAL, "M-1"));
  crm_id kb = crm_test_case_of(t->db, ixb);
  int64_t v_before = 0;
  case_customer(t->db, kb, &v_before);
  long events = crm_test_count_events(t->db);
  t->now += 60;

  assert_crm_ok(crm_customer_merge(t->db, a, b));

  assert_int_equal(crm_test_count_events(t->db), events + 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.merged");
  JsonObject *p = crm_test_last_payload(t->db);
  assert_int_equal(json_object_get_int_member(p, "survivor"), a);
  assert_int_equal(json_object_get_int_member(p, "merged"), b);
  assert_true(json_object_get_int_member(p, "merge") > 0);
  JsonObject *moved = json_object_get_object_member(p, "moved");
  assert_int_equal(json_object_get_int_member(moved, "identities"), 3);
  assert_int_equal(json_object_get_int_member(moved, "cases"), 1);
  assert_int_equal(json_object_get_int_member(moved, "interactions"), 1);
  JsonObject *kept = json_object_get_object_member(p, "kept");
  assert_int_equal(json_object_get_int_member(kept, "preferences"), 1); /* letter/marketing */
  assert_int_equal(json_object_get_int_member(kept, "attributes"), 1);  /* member */
  json_object_unref(p);

  /* identities, cases, interactions now belong to the survivor */
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_EMAIL, "b@y.it"), a);
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_PHONE, "+390222222222"), a);
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_EXTERNAL, "M-1"), a);
  int64_t v_after = 0;
  assert_int_equal(case_customer(t->db, kb, &v_after), a);
  assert_int_equal(v_after, v_before + 1);
  assert_int_equal(interaction_customer(t->db, ixb), a);

  /* the merged id resolves to the survivor, and says so */
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, b));
  assert_int_equal(crm_customer_id(c), a);
  assert_int_equal(crm_customer_resolved_from(c), b);
  assert_string_equal(crm_customer_name(c), "a");
  crm_customer_free(c);
  assert_crm_ok(crm_customer_lookup(&c, t->db, a));
  assert_int_equal(crm_customer_resolved_from(c), 0);
  crm_customer_free(c);
  assert_int_equal(may(t->db, b, CRM_CHANNEL_LETTER, "marketing"), 0);
  /* survivor wins on conflict */
  char *member = attribute(t->db, a, "member");
  assert_string_equal(member, "a@x.it");
  g_free(member);
}

static void test_merge_moves_what_the_survivor_lacks(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  assert_crm_ok(
      crm_customer_set_preference_ext(t->db, b, CRM_CHANNEL_LETTER, "marketing", 0, "phone call"));
  assert_crm_ok(crm_customer_set_attribute(t->db, b, "contract", "C-9"));
  assert_int_equal(may(t->db, a, CRM_CHANNEL_LETTER, "marketing"), 1);
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  assert_int_equal(may(t->db, a, CRM_CHANNEL_LETTER, "marketing"), 0);
  char *contract = attribute(t->db, a, "contract");
  assert_string_equal(contract, "C-9");
  g_free(contract);
  crm_preference_iterator *it = NULL;
  assert_crm_ok(crm_preference_iterator_new(&it, t->db, b)); /* the merged id lists a's */
  crm_preference *p = NULL;
  assert_crm_ok(crm_preference_next(&p, it));
  assert_int_equal(crm_preference_channel(p), CRM_CHANNEL_LETTER);
  assert_string_equal(crm_preference_source(p), "phone call");
  crm_preference_free(p);
  assert_int_equal(crm_preference_next(&p, it), CRM_ITEROVER);
  crm_preference_iterator_free(it);
}

static void test_merged_id_cannot_change(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_identity_add(t->db, b, CRM_IDENTITY_EMAIL, "c@z.it"), CRM_ENOTFOUND,
                   "merged into customer");
  assert_crm_error(crm_customer_set_attribute(t->db, b, "k", "v"), CRM_ENOTFOUND,
                   "merged into customer");
  assert_crm_error(crm_customer_set_preference(t->db, b, CRM_CHANNEL_SMS, "service", 0),
                   CRM_ENOTFOUND, "merged into customer");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.segment = "gold";
  assert_crm_error(crm_customer_update(t->db, b, &spec, 0), CRM_ENOTFOUND, "merged into customer");
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = b;
  s.channel = CRM_CHANNEL_PHONE;
  s.direction = CRM_DIRECTION_INBOUND;
  crm_id ix = 0;
  assert_crm_error(crm_interaction_record(&ix, t->db, &s), CRM_ENOTFOUND, "merged into customer");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  /* the identity iterator follows the merged id to the survivor */
  crm_identity_iterator *it = NULL;
  assert_crm_ok(crm_identity_iterator_new(&it, t->db, b));
  crm_identity *i = NULL;
  int n = 0;
  while (crm_identity_next(&i, it) == CRM_OK) {
    assert_int_equal(crm_identity_customer(i), a);
    crm_identity_free(i);
    n++;
  }
  crm_identity_iterator_free(it);
  assert_int_equal(n, 2);
}

static void assert_merge_fails(crm_test_db *t, crm_db *db, crm_id s, crm_id m, crm_status code,
                               const char *needle)
{
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_customer_merge(db, s, m), code, needle);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

static void test_merge_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  crm_id c = crm_test_customer(t->db, "c@z.it");
  assert_merge_fails(t, NULL, a, b, CRM_EINVALID, "db");
  assert_merge_fails(t, t->db, 0, b, CRM_EINVALID, "survivor id 0");
  assert_merge_fails(t, t->db, a, -1, CRM_EINVALID, "merged id -1");
  assert_merge_fails(t, t->db, a, a, CRM_EINVALID, "into itself");
  assert_merge_fails(t, t->db, a, 999, CRM_ENOTFOUND, "customer 999");
  assert_merge_fails(t, t->db, 999, a, CRM_ENOTFOUND, "customer 999");
  assert_crm_ok(crm_customer_erase(t->db, c, "test"));
  assert_merge_fails(t, t->db, a, c, CRM_EINVALID, "erased");
  assert_merge_fails(t, t->db, c, a, CRM_EINVALID, "erased");
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  assert_merge_fails(t, t->db, a, b, CRM_EINVALID, "already merged into customer");
  assert_merge_fails(t, t->db, b, a, CRM_EINVALID, "already merged into customer");
}

/* ------------------------------------------------------------------ */
/* unmerge                                                              */

static void test_round_trip(void **state)
{
  crm_test_db *t = *state;
  crm_id ixa = 0, ixb = 0;
  crm_id a = rich_customer(t->db, "a@x.it", "+390211111111", &ixa);
  crm_id b = rich_customer(t->db, "b@y.it", "+390222222222", &ixb);
  assert_crm_ok(crm_customer_set_preference_ext(t->db, b, CRM_CHANNEL_SMS, "service", 1, NULL));
  assert_crm_ok(crm_customer_set_attribute(t->db, b, "only_b", "x"));
  assert_crm_ok(crm_case_set_csat(t->db, crm_test_case_of(t->db, ixb), 4, "ok"));
  char *before_a = export_content(t->db, a), *before_b = export_content(t->db, b);

  t->now += 3600;
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  char *merged = export_content(t->db, a);
  assert_string_not_equal(merged, before_a);
  g_free(merged);
  t->now += 3600;
  long events = crm_test_count_events(t->db);
  assert_crm_ok(crm_customer_unmerge(t->db, b));
  assert_int_equal(crm_test_count_events(t->db), events + 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.unmerged");

  char *after_a = export_content(t->db, a), *after_b = export_content(t->db, b);
  assert_string_equal(after_a, before_a);
  assert_string_equal(after_b, before_b);
  g_free(before_a);
  g_free(before_b);
  g_free(after_a);
  g_free(after_b);

  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, b));
  assert_int_equal(crm_customer_id(c), b);
  assert_int_equal(crm_customer_resolved_from(c), 0);
  assert_int_equal(crm_customer_status(c), CRM_CUSTOMER_ACTIVE);
  crm_customer_free(c);
  /* and it can be merged again */
  assert_crm_ok(crm_customer_merge(t->db, a, b));
}

/* The source of a customer's preference (channel, purpose) (static). */
static const char *preference_source(crm_db *db, crm_id customer, crm_channel_t channel,
                                     const char *purpose)
{
  static char source[64];
  source[0] = '\0';
  crm_preference_iterator *it = NULL;
  assert_crm_ok(crm_preference_iterator_new(&it, db, customer));
  crm_preference *p = NULL;
  while (crm_preference_next(&p, it) == CRM_OK) {
    if (crm_preference_channel(p) == channel && strcmp(crm_preference_purpose(p), purpose) == 0)
      g_strlcpy(source, crm_preference_source(p) ? crm_preference_source(p) : "", sizeof source);
    crm_preference_free(p);
  }
  crm_preference_iterator_free(it);
  return source;
}

/* Conflicting answers: a refusal beats a consent on either side, and an
   unmerge gives both their own answers back exactly. */
static void test_refusal_wins_either_side(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it"), b = crm_test_customer(t->db, "b@y.it");
  assert_crm_ok(
      crm_customer_set_preference_ext(t->db, a, CRM_CHANNEL_EMAIL, "marketing", 1, "web form"));
  assert_crm_ok(crm_customer_set_preference_ext(t->db, a, CRM_CHANNEL_SMS, "service", 0, "call"));
  t->now += 60;
  assert_crm_ok(
      crm_customer_set_preference_ext(t->db, b, CRM_CHANNEL_EMAIL, "marketing", 0, "letter"));
  assert_crm_ok(crm_customer_set_preference_ext(t->db, b, CRM_CHANNEL_SMS, "service", 1, "app"));
  assert_crm_ok(crm_customer_set_preference_ext(t->db, b, CRM_CHANNEL_PHONE, "billing", 1, NULL));
  char *before_a = export_content(t->db, a), *before_b = export_content(t->db, b);

  t->now += 3600;
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  /* the loser's refusal wins over the survivor's consent */
  assert_int_equal(may(t->db, a, CRM_CHANNEL_EMAIL, "marketing"), 0);
  assert_string_equal(preference_source(t->db, a, CRM_CHANNEL_EMAIL, "marketing"), "letter");
  /* the survivor's refusal wins over the loser's consent */
  assert_int_equal(may(t->db, a, CRM_CHANNEL_SMS, "service"), 0);
  assert_string_equal(preference_source(t->db, a, CRM_CHANNEL_SMS, "service"), "call");
  /* no conflict: the loser's consent moves */
  assert_int_equal(may(t->db, a, CRM_CHANNEL_PHONE, "billing"), 1);
  JsonObject *o = crm_test_last_payload(t->db);
  JsonObject *moved = json_object_get_object_member(o, "moved");
  JsonObject *kept = json_object_get_object_member(o, "kept");
  assert_int_equal(json_object_get_int_member(moved, "preferences"), 2);
  assert_int_equal(json_object_get_int_member(kept, "preferences"), 1);
  json_object_unref(o);

  t->now += 3600;
  assert_crm_ok(crm_customer_unmerge(t->db, b));
  char *after_a = export_content(t->db, a), *after_b = export_content(t->db, b);
  assert_string_equal(after_a, before_a);
  assert_string_equal(after_b, before_b);
  assert_int_equal(may(t->db, a, CRM_CHANNEL_EMAIL, "marketing"), 1);
  assert_string_equal(preference_source(t->db, a, CRM_CHANNEL_EMAIL, "marketing"), "web form");
  assert_int_equal(may(t->db, b, CRM_CHANNEL_EMAIL, "marketing"), 0);
  g_free(before_a);
  g_free(before_b);
  g_free(after_a);
  g_free(after_b);

  /* merged again, the survivor answers anew: the unmerge keeps that answer */
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  t->now += 60;
  assert_crm_ok(
      crm_customer_set_preference_ext(t->db, a, CRM_CHANNEL_EMAIL, "marketing", 1, "renewed"));
  assert_crm_ok(crm_customer_unmerge(t->db, b));
  assert_int_equal(may(t->db, a, CRM_CHANNEL_EMAIL, "marketing"), 1);
  assert_string_equal(preference_source(t->db, a, CRM_CHANNEL_EMAIL, "marketing"), "renewed");
  assert_int_equal(may(t->db, b, CRM_CHANNEL_EMAIL, "marketing"), 0);
  assert_string_equal(preference_source(t->db, b, CRM_CHANNEL_EMAIL, "marketing"), "letter");
}

static void test_unmerge_keeps_later_additions(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  crm_id old = record(t->db, b, "before");
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  crm_id later = record(t->db, owner_of(t->db, CRM_IDENTITY_EMAIL, "b@y.it"), "after");
  assert_crm_ok(crm_identity_add(t->db, a, CRM_IDENTITY_EMAIL, "new@x.it"));
  assert_crm_ok(crm_identity_remove(t->db, a, CRM_IDENTITY_EMAIL, "b@y.it"));
  assert_crm_ok(crm_customer_unmerge(t->db, b));
  assert_int_equal(interaction_customer(t->db, old), b);
  assert_int_equal(interaction_customer(t->db, later), a);
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_EMAIL, "new@x.it"), a);
  crm_id id = 0;
  assert_crm_error(crm_customer_find(&id, t->db, CRM_IDENTITY_EMAIL, "b@y.it"), CRM_ENOTFOUND,
                   "b@y.it");
}

static void test_unmerge_conflicts_with_later_merge(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  crm_id c = crm_test_customer(t->db, "c@z.it");
  crm_id d = crm_test_customer(t->db, "d@w.it");
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  assert_crm_ok(crm_customer_merge(t->db, a, c));
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  char needle[64];
  g_snprintf(needle, sizeof needle, "customer %lld into customer %lld", (long long)c, (long long)a);
  assert_crm_error(crm_customer_unmerge(t->db, b), CRM_ECONFLICT, needle);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  /* the survivor merged into another one: also on top */
  assert_crm_ok(crm_customer_unmerge(t->db, c));
  assert_crm_ok(crm_customer_merge(t->db, d, a));
  g_snprintf(needle, sizeof needle, "customer %lld into customer %lld", (long long)a, (long long)d);
  assert_crm_error(crm_customer_unmerge(t->db, b), CRM_ECONFLICT, needle);
  /* lookups follow the chain */
  crm_customer *cu = NULL;
  assert_crm_ok(crm_customer_lookup(&cu, t->db, b));
  assert_int_equal(crm_customer_id(cu), d);
  crm_customer_free(cu);
  assert_crm_ok(crm_customer_unmerge(t->db, a));
  assert_crm_ok(crm_customer_unmerge(t->db, b));
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_EMAIL, "b@y.it"), b);
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_EMAIL, "a@x.it"), a);
}

static void test_unmerge_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_customer_unmerge(NULL, b), CRM_EINVALID, "db");
  assert_crm_error(crm_customer_unmerge(t->db, 0), CRM_EINVALID, "merged id 0");
  assert_crm_error(crm_customer_unmerge(t->db, 999), CRM_ENOTFOUND, "customer 999");
  assert_crm_error(crm_customer_unmerge(t->db, b), CRM_EINVALID, "is not merged");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  /* a survivor erased since: the merge cannot be undone */
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  assert_crm_ok(crm_customer_erase(t->db, a, "test"));
  rows = crm_test_count_all_rows(t);
  events = crm_test_count_events(t->db);
  assert_crm_error(crm_customer_unmerge(t->db, b), CRM_EINVALID, "erased");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

static void test_merge_in_explicit_transaction_rolls_back(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  crm_id b = crm_test_customer(t->db, "b@y.it");
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  assert_crm_ok(crm_rollback(t->db));
  assert_int_equal(owner_of(t->db, CRM_IDENTITY_EMAIL, "b@y.it"), b);
  assert_crm_error(crm_customer_unmerge(t->db, b), CRM_EINVALID, "is not merged");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_merge_moves_everything, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_merge_moves_what_the_survivor_lacks, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_merged_id_cannot_change, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_merge_errors, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_round_trip, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_refusal_wins_either_side, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_unmerge_keeps_later_additions, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_unmerge_conflicts_with_later_merge, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_unmerge_errors, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_merge_in_explicit_transaction_rolls_back, crm_test_setup,
                                      crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
