/*
 * Customers: create, ensure (find or create by identity), find, lookup,
 * update with optimistic concurrency, free attributes, persistence, and
 * the S2 story's "one customer, many identities".
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

static crm_customer *lookup(crm_db *db, crm_id id)
{
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, db, id));
  return c;
}

/* Snapshot of everything stored, to prove a failed call wrote nothing. */
typedef struct {
  long rows, events;
} snapshot;

static snapshot take(crm_test_db *t)
{
  snapshot s = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return s;
}

static void assert_unchanged(crm_test_db *t, snapshot before)
{
  assert_int_equal(crm_test_count_all_rows(t), before.rows);
  assert_int_equal(crm_test_count_events(t->db), before.events);
}

/* ------------------------------------------------------------------ */

static void test_create(void **state)
{
  crm_test_db *t = *state;
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, t->db, "Mario Rossi"));
  assert_true(id > 0);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.created");
  JsonObject *p = crm_test_last_payload(t->db);
  assert_int_equal(json_object_get_int_member(p, "customer"), id);
  assert_string_equal(json_object_get_string_member(p, "display_name"), "Mario Rossi");
  json_object_unref(p);

  crm_customer *c = lookup(t->db, id);
  assert_int_equal(crm_customer_id(c), id);
  assert_string_equal(crm_customer_name(c), "Mario Rossi");
  assert_int_equal(crm_customer_status(c), CRM_CUSTOMER_ACTIVE);
  assert_int_equal(crm_customer_version(c), 1);
  assert_int_equal(crm_customer_created_at(c), CRM_TEST_T0);
  assert_int_equal(crm_customer_updated_at(c), CRM_TEST_T0);
  assert_null(crm_customer_organization(c));
  assert_null(crm_customer_language(c));
  assert_null(crm_customer_timezone(c));
  assert_null(crm_customer_segment(c));
  assert_null(crm_customer_attribute(c, "tier"));
  crm_customer_free(c);

  crm_id second = 0;
  assert_crm_ok(crm_customer_create(&second, t->db, "Mario Rossi")); /* names need not be unique */
  assert_true(second != id);
}

static void test_create_errors(void **state)
{
  crm_test_db *t = *state;
  snapshot before = take(t);
  crm_id id = 99;
  assert_crm_error(crm_customer_create(NULL, t->db, "x"), CRM_EINVALID, "out");
  assert_crm_error(crm_customer_create(&id, NULL, "x"), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  id = 99;
  assert_crm_error(crm_customer_create(&id, t->db, NULL), CRM_EINVALID, "display_name");
  assert_int_equal(id, 0);
  assert_crm_error(crm_customer_create(&id, t->db, ""), CRM_EINVALID, "display_name");
  assert_crm_error(crm_customer_create(&id, t->db, "Ma\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_int_equal(id, 0);
  assert_unchanged(t, before);
}

static void test_ensure(void **state)
{
  crm_test_db *t = *state;
  crm_id id = 0, again = 0;
  int created = -1;
  assert_crm_ok(
      crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EMAIL, "mario.rossi@posta.it", NULL));
  assert_true(id > 0);
  assert_int_equal(created, 1);
  assert_int_equal(crm_test_customer_version(t->db, id),
                   1); /* the identity comes with the customer */
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.identity_added");
  long events = crm_test_count_events(t->db);

  /* the same identity, written differently: the same customer, nothing new */
  assert_crm_ok(crm_customer_ensure(&again, &created, t->db, CRM_IDENTITY_EMAIL,
                                    "  Mario.Rossi@POSTA.it ", "Someone Else"));
  assert_int_equal(again, id);
  assert_int_equal(created, 0);
  assert_int_equal(crm_test_count_events(t->db), events);
  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_name(c), "mario.rossi"); /* display_name ignored */
  assert_int_equal(crm_customer_version(c), 1);
  crm_customer_free(c);

  /* created may be NULL */
  assert_crm_ok(
      crm_customer_ensure(&again, NULL, t->db, CRM_IDENTITY_EMAIL, "mario.rossi@posta.it", NULL));
  assert_int_equal(again, id);

  /* a given display_name is used for a new customer */
  crm_id other = 0;
  assert_crm_ok(crm_customer_ensure(&other, &created, t->db, CRM_IDENTITY_EMAIL, "anna@x.it",
                                    "Anna Bianchi"));
  assert_int_equal(created, 1);
  assert_true(other != id);
  c = lookup(t->db, other);
  assert_string_equal(crm_customer_name(c), "Anna Bianchi");
  crm_customer_free(c);
}

static void assert_derived_name(crm_test_db *t, crm_identity_kind_t kind, const char *value,
                                const char *want)
{
  crm_id id = 0;
  int created = 0;
  assert_crm_ok(crm_customer_ensure(&id, &created, t->db, kind, value, NULL));
  assert_int_equal(created, 1);
  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_name(c), want);
  crm_customer_free(c);
}

static void test_ensure_derives_names(void **state)
{
  crm_test_db *t = *state;
  assert_derived_name(t, CRM_IDENTITY_EMAIL, "Giulia.Verdi@Example.com", "giulia.verdi");
  assert_derived_name(t, CRM_IDENTITY_EMAIL, "\"giulia verdi\"@example.com", "giulia verdi");
  assert_derived_name(t, CRM_IDENTITY_PHONE, "+39 333 123 4567", "+393331234567");
  assert_derived_name(t, CRM_IDENTITY_EXTERNAL, "  BC-0042  17 ", "BC-0042 17");
  assert_derived_name(t, CRM_IDENTITY_SOCIAL, "@GiuliaV", "@giuliav");
  assert_derived_name(t, CRM_IDENTITY_POSTAL, "Via Roma 1\n00100 Roma", "Via Roma 1 00100 Roma");
}

static void test_ensure_errors(void **state)
{
  crm_test_db *t = *state;
  snapshot before = take(t);
  crm_id id = 99;
  int created = 7;
  assert_crm_error(crm_customer_ensure(NULL, &created, t->db, CRM_IDENTITY_EMAIL, "a@x.it", NULL),
                   CRM_EINVALID, "out");
  assert_crm_error(crm_customer_ensure(&id, &created, NULL, CRM_IDENTITY_EMAIL, "a@x.it", NULL),
                   CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  assert_int_equal(created, 0);
  id = 99;
  created = 7;
  assert_crm_error(
      crm_customer_ensure(&id, &created, t->db, (crm_identity_kind_t)0, "a@x.it", NULL),
      CRM_EINVALID, "identity kind 0");
  assert_int_equal(id, 0);
  assert_int_equal(created, 0);
  assert_crm_error(
      crm_customer_ensure(&id, &created, t->db, (crm_identity_kind_t)6, "a@x.it", NULL),
      CRM_EINVALID, "identity kind 6");
  assert_crm_error(crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EMAIL, "bob@", NULL),
                   CRM_EINVALID, "email 'bob@' is not a valid address");
  assert_crm_error(crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EMAIL, NULL, NULL),
                   CRM_EINVALID, "email must not be NULL");
  assert_crm_error(
      crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EXTERNAL, "\xff\xfe", NULL),
      CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EMAIL, "a@x.it", ""),
                   CRM_EINVALID, "display_name");
  assert_crm_error(
      crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EMAIL, "a@x.it", "\xff\xfe"),
      CRM_EINVALID, "UTF-8");
  /* no default phone region on this handle */
  assert_crm_error(
      crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_PHONE, "02 1234 5678", NULL),
      CRM_EINVALID, "needs a default phone region");
  assert_int_equal(id, 0);
  assert_int_equal(created, 0);
  assert_unchanged(t, before);
}

static void test_find(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "luca@example.com");
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, " LUCA@Example.com"));
  assert_int_equal(found, id);

  found = 99;
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "nobody@example.com"),
                   CRM_ENOTFOUND, "nobody@example.com");
  assert_int_equal(found, 0);
  /* the same value under another kind is another identity */
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_EXTERNAL, "luca@example.com"),
                   CRM_ENOTFOUND, "luca@example.com");

  found = 99;
  assert_crm_error(crm_customer_find(NULL, t->db, CRM_IDENTITY_EMAIL, "luca@example.com"),
                   CRM_EINVALID, "out");
  assert_crm_error(crm_customer_find(&found, NULL, CRM_IDENTITY_EMAIL, "luca@example.com"),
                   CRM_EINVALID, "db");
  assert_int_equal(found, 0);
  assert_crm_error(crm_customer_find(&found, t->db, (crm_identity_kind_t)9, "luca@example.com"),
                   CRM_EINVALID, "identity kind 9");
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "luca@"), CRM_EINVALID,
                   "no domain");
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, NULL), CRM_EINVALID,
                   "NULL");
  assert_crm_error(crm_customer_find(&found, t->db, CRM_IDENTITY_SOCIAL, "\xff"), CRM_EINVALID,
                   "UTF-8");
}

static void test_lookup_errors(void **state)
{
  crm_test_db *t = *state;
  crm_customer *c = (crm_customer *)&c;
  assert_crm_error(crm_customer_lookup(&c, t->db, 12345), CRM_ENOTFOUND, "customer 12345");
  assert_null(c);
  c = (crm_customer *)&c;
  assert_crm_error(crm_customer_lookup(&c, t->db, 0), CRM_EINVALID, "id 0");
  assert_null(c);
  assert_crm_error(crm_customer_lookup(&c, t->db, -4), CRM_EINVALID, "id -4");
  assert_crm_error(crm_customer_lookup(&c, NULL, 1), CRM_EINVALID, "db");
  assert_crm_error(crm_customer_lookup(NULL, t->db, 1), CRM_EINVALID, "out");
  /* getters and free accept NULL */
  assert_int_equal(crm_customer_id(NULL), 0);
  assert_null(crm_customer_name(NULL));
  assert_null(crm_customer_organization(NULL));
  assert_null(crm_customer_language(NULL));
  assert_null(crm_customer_timezone(NULL));
  assert_null(crm_customer_segment(NULL));
  assert_int_equal(crm_customer_status(NULL), 0);
  assert_int_equal(crm_customer_created_at(NULL), 0);
  assert_int_equal(crm_customer_updated_at(NULL), 0);
  assert_int_equal(crm_customer_version(NULL), 0);
  assert_null(crm_customer_attribute(NULL, "k"));
  crm_customer_free(NULL);
  crm_id id = crm_test_customer(t->db, "k@x.it");
  c = lookup(t->db, id);
  assert_null(crm_customer_attribute(c, NULL));
  crm_customer_free(c);
}

/* ------------------------------------------------------------------ */
/* update                                                               */

static void test_update_spec_init(void **state)
{
  (void)state;
  crm_customer_update_spec spec;
  memset(&spec, 0xab, sizeof spec);
  assert_crm_ok(crm_customer_update_spec_init(&spec, CRM_CUSTOMER_UPDATE_SPEC_VERSION));
  assert_int_equal(spec.version, CRM_CUSTOMER_UPDATE_SPEC_VERSION);
  assert_null(spec.display_name);
  assert_null(spec.timezone);
  assert_int_equal(spec.status, 0);
  assert_crm_error(crm_customer_update_spec_init(NULL, 1), CRM_EINVALID, "spec");
  assert_crm_error(crm_customer_update_spec_init(&spec, 0), CRM_EINVALID, "version 0");
  assert_crm_error(crm_customer_update_spec_init(&spec, 2), CRM_EINVALID, "version 2");
}

/* Apply `spec` and check: version + 1, updated_at = now, one event whose
   "changed" object has exactly `field` = `value` (NULL: cleared). */
static void assert_update_changes(crm_test_db *t, crm_id id, const crm_customer_update_spec *spec,
                                  const char *field, const char *value)
{
  int64_t v = crm_test_customer_version(t->db, id);
  long events = crm_test_count_events(t->db);
  t->now += 60;
  assert_crm_ok(crm_customer_update(t->db, id, spec, v));
  assert_int_equal(crm_test_count_events(t->db), events + 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.updated");
  JsonObject *p = crm_test_last_payload(t->db);
  assert_int_equal(json_object_get_int_member(p, "customer"), id);
  assert_int_equal(json_object_get_int_member(p, "version"), v + 1);
  JsonObject *changed = json_object_get_object_member(p, "changed");
  assert_int_equal(json_object_get_size(changed), 1);
  assert_true(json_object_has_member(changed, field));
  if (value)
    assert_string_equal(json_object_get_string_member(changed, field), value);
  else
    assert_true(json_object_get_null_member(changed, field));
  json_object_unref(p);
  crm_customer *c = lookup(t->db, id);
  assert_int_equal(crm_customer_version(c), v + 1);
  assert_int_equal(crm_customer_updated_at(c), t->now);
  assert_int_equal(crm_customer_created_at(c), CRM_TEST_T0);
  crm_customer_free(c);
}

static void test_update_each_field(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "f@x.it");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;

  spec.display_name = "Franca Neri";
  assert_update_changes(t, id, &spec, "display_name", "Franca Neri");
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.organization = "ACME S.p.A.";
  assert_update_changes(t, id, &spec, "organization", "ACME S.p.A.");
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.language = "pt-BR";
  assert_update_changes(t, id, &spec, "language", "pt-BR");
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.timezone = "Europe/Rome";
  assert_update_changes(t, id, &spec, "timezone", "Europe/Rome");
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.segment = "gold";
  assert_update_changes(t, id, &spec, "segment", "gold");
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.status = CRM_CUSTOMER_INACTIVE;
  assert_update_changes(t, id, &spec, "status", "inactive");

  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_name(c), "Franca Neri");
  assert_string_equal(crm_customer_organization(c), "ACME S.p.A.");
  assert_string_equal(crm_customer_language(c), "pt-BR");
  assert_string_equal(crm_customer_timezone(c), "Europe/Rome");
  assert_string_equal(crm_customer_segment(c), "gold");
  assert_int_equal(crm_customer_status(c), CRM_CUSTOMER_INACTIVE);
  assert_int_equal(crm_customer_version(c), 7);
  crm_customer_free(c);

  /* "" clears an optional field */
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.organization = "";
  assert_update_changes(t, id, &spec, "organization", NULL);
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.timezone = "";
  assert_update_changes(t, id, &spec, "timezone", NULL);
  spec = (crm_customer_update_spec)CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.status = CRM_CUSTOMER_ACTIVE;
  assert_update_changes(t, id, &spec, "status", "active");
  c = lookup(t->db, id);
  assert_null(crm_customer_organization(c));
  assert_null(crm_customer_timezone(c));
  assert_string_equal(crm_customer_segment(c), "gold");
  crm_customer_free(c);
}

static void test_update_several_fields_one_version(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "s@x.it");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.language = "it";
  spec.timezone = "America/New_York";
  spec.segment = "smb";
  assert_crm_ok(crm_customer_update(t->db, id, &spec, 0)); /* 0: any version */
  assert_int_equal(crm_test_customer_version(t->db, id), 2);
  JsonObject *p = crm_test_last_payload(t->db);
  assert_int_equal(json_object_get_size(json_object_get_object_member(p, "changed")), 3);
  json_object_unref(p);
}

static void test_update_noop(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "n@x.it");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.segment = "gold";
  spec.timezone = "Europe/Rome";
  assert_crm_ok(crm_customer_update(t->db, id, &spec, 1));
  snapshot before = take(t);
  t->now += 3600;

  /* the same values again, the name it has, "" on an unset field, nothing at all */
  spec.display_name = "n";
  spec.organization = "";
  spec.status = CRM_CUSTOMER_ACTIVE;
  assert_crm_ok(crm_customer_update(t->db, id, &spec, 2));
  crm_customer_update_spec empty = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  assert_crm_ok(crm_customer_update(t->db, id, &empty, 0));
  assert_unchanged(t, before);
  crm_customer *c = lookup(t->db, id);
  assert_int_equal(crm_customer_version(c), 2);
  assert_int_equal(crm_customer_updated_at(c), CRM_TEST_T0);
  crm_customer_free(c);
}

static void test_update_conflict(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "c@x.it");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.segment = "gold";
  assert_crm_ok(crm_customer_update(t->db, id, &spec, 1));

  /* another agent read version 1 and changes the segment too */
  snapshot before = take(t);
  spec.segment = "silver";
  assert_crm_error(crm_customer_update(t->db, id, &spec, 1), CRM_ECONFLICT,
                   "is at version 2, not 1");
  assert_crm_error(crm_customer_update(t->db, id, &spec, 3), CRM_ECONFLICT, "not 3");
  assert_unchanged(t, before);
  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_segment(c), "gold");
  assert_int_equal(crm_customer_version(c), 2);
  crm_customer_free(c);

  /* a second handle sees the same version and the same conflict */
  crm_db *other = crm_test_db_open_another(t);
  assert_crm_error(crm_customer_update(other, id, &spec, 1), CRM_ECONFLICT, "version");
  assert_crm_ok(crm_customer_update(other, id, &spec, 2));
  crm_close(other);
  assert_int_equal(crm_test_customer_version(t->db, id), 3);
}

static void test_update_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "e@x.it");
  snapshot before = take(t);
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.segment = "gold";
  assert_crm_error(crm_customer_update(NULL, id, &spec, 0), CRM_EINVALID, "db");
  assert_crm_error(crm_customer_update(t->db, 0, &spec, 0), CRM_EINVALID, "id 0");
  assert_crm_error(crm_customer_update(t->db, id, NULL, 0), CRM_EINVALID, "spec");
  assert_crm_error(crm_customer_update(t->db, 4242, &spec, 0), CRM_ENOTFOUND, "customer 4242");
  assert_crm_error(crm_customer_update(t->db, id, &spec, -1), CRM_EINVALID, "expected_version");

  crm_customer_update_spec bad = spec;
  bad.version = 0;
  assert_crm_error(crm_customer_update(t->db, id, &bad, 0), CRM_EINVALID, "version 0");
  bad.version = 2;
  assert_crm_error(crm_customer_update(t->db, id, &bad, 0), CRM_EINVALID, "version 2");

  static const struct {
    const char *display_name, *organization, *language, *timezone, *segment;
    crm_customer_status_t status;
    const char *needle;
  } cases[] = {
      {"", NULL, NULL, NULL, NULL, 0, "display_name must not be empty"},
      {"\xff", NULL, NULL, NULL, NULL, 0, "UTF-8"},
      {NULL, "\xc3\x28", NULL, NULL, NULL, 0, "organization"},
      {NULL, NULL, NULL, NULL, "\xff", 0, "segment"},
      {NULL, NULL, "e", NULL, NULL, 0, "language 'e'"},
      {NULL, NULL, "en_US", NULL, NULL, 0, "language 'en_US'"},
      {NULL, NULL, "-en", NULL, NULL, 0, "language '-en'"},
      {NULL, NULL, "en--us", NULL, NULL, 0, "empty subtag"},
      {NULL, NULL, "abcdefghij-abcdefghij-abcdefghij-abc", NULL, NULL, 0, "2 to 35"},
      {NULL, NULL, NULL, "Mars/Olympus_Mons", NULL, 0, "timezone 'Mars/Olympus_Mons'"},
      {NULL, NULL, NULL, "Europe/Rom", NULL, 0, "timezone"},
      {NULL, NULL, NULL, NULL, NULL, CRM_CUSTOMER_ERASED, "erased"},
      {NULL, NULL, NULL, NULL, NULL, (crm_customer_status_t)4, "status 4"},
      {NULL, NULL, NULL, NULL, NULL, (crm_customer_status_t)-1, "status -1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    crm_customer_update_spec s = CRM_CUSTOMER_UPDATE_SPEC_INIT;
    s.display_name = cases[i].display_name;
    s.organization = cases[i].organization;
    s.language = cases[i].language;
    s.timezone = cases[i].timezone;
    s.segment = cases[i].segment;
    s.status = cases[i].status;
    assert_crm_error(crm_customer_update(t->db, id, &s, 0), CRM_EINVALID, cases[i].needle);
  }
  assert_unchanged(t, before);
  assert_int_equal(crm_test_customer_version(t->db, id), 1);
}

/* crm_customer_erase does not exist yet: mark the row erased directly. */
static void mark_erased(crm_test_db *t, crm_id id)
{
  char *sql = g_strdup_printf("UPDATE customers SET status = %d WHERE id = %lld",
                              (int)CRM_CUSTOMER_ERASED, (long long)id);
  crm_test_exec(t, sql);
  g_free(sql);
}

static void test_update_erased_customer(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "gone@x.it");
  mark_erased(t, id);
  snapshot before = take(t);
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.segment = "gold";
  assert_crm_error(crm_customer_update(t->db, id, &spec, 0), CRM_EINVALID, "was erased");
  /* the version is checked before legality */
  assert_crm_error(crm_customer_update(t->db, id, &spec, 9), CRM_ECONFLICT, "not 9");
  assert_unchanged(t, before);
  crm_customer *c = lookup(t->db, id);
  assert_int_equal(crm_customer_status(c), CRM_CUSTOMER_ERASED);
  crm_customer_free(c);
}

/* ------------------------------------------------------------------ */
/* attributes                                                           */

static void test_attributes(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "a@x.it");
  t->now += 10;
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "tier", "gold"));
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "contract", "BC-2019-77"));
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.attribute");
  JsonObject *p = crm_test_last_payload(t->db);
  assert_int_equal(json_object_get_int_member(p, "customer"), id);
  assert_string_equal(json_object_get_string_member(p, "key"), "contract");
  assert_string_equal(json_object_get_string_member(p, "value"), "BC-2019-77");
  json_object_unref(p);

  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_attribute(c, "tier"), "gold");
  assert_string_equal(crm_customer_attribute(c, "contract"), "BC-2019-77");
  assert_null(crm_customer_attribute(c, "missing"));
  assert_int_equal(crm_customer_version(c), 3);
  assert_int_equal(crm_customer_updated_at(c), CRM_TEST_T0 + 10);
  crm_customer_free(c);

  /* the same value again, or removing an absent key: no-ops */
  snapshot before = take(t);
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "tier", "gold"));
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "never-set", NULL));
  assert_unchanged(t, before);
  assert_int_equal(crm_test_customer_version(t->db, id), 3);

  /* change and remove */
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "tier", "platinum"));
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "contract", NULL));
  p = crm_test_last_payload(t->db);
  assert_true(json_object_get_null_member(p, "value"));
  json_object_unref(p);
  c = lookup(t->db, id);
  assert_string_equal(crm_customer_attribute(c, "tier"), "platinum");
  assert_null(crm_customer_attribute(c, "contract"));
  assert_int_equal(crm_customer_version(c), 5);
  crm_customer_free(c);

  /* "" is a value, not a removal */
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "note", ""));
  c = lookup(t->db, id);
  assert_string_equal(crm_customer_attribute(c, "note"), "");
  crm_customer_free(c);
}

static void test_attribute_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "ae@x.it");
  snapshot before = take(t);
  assert_crm_error(crm_customer_set_attribute(NULL, id, "k", "v"), CRM_EINVALID, "db");
  assert_crm_error(crm_customer_set_attribute(t->db, 0, "k", "v"), CRM_EINVALID, "id 0");
  assert_crm_error(crm_customer_set_attribute(t->db, id, NULL, "v"), CRM_EINVALID, "key");
  assert_crm_error(crm_customer_set_attribute(t->db, id, "", "v"), CRM_EINVALID, "key");
  assert_crm_error(crm_customer_set_attribute(t->db, id, "\xff", "v"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_customer_set_attribute(t->db, id, "k", "\xfe"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_customer_set_attribute(t->db, 777, "k", "v"), CRM_ENOTFOUND, "customer 777");
  assert_unchanged(t, before);
}

/* ------------------------------------------------------------------ */
/* persistence and concurrency                                          */

static void test_persistence(void **state)
{
  crm_test_db *t = *state;
  crm_id id = crm_test_customer(t->db, "p@x.it");
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.display_name = "Paola";
  spec.language = "it";
  spec.timezone = "Europe/Rome";
  t->now += 5;
  assert_crm_ok(crm_customer_update(t->db, id, &spec, 1));
  assert_crm_ok(crm_customer_set_attribute(t->db, id, "tier", "gold"));
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "M-1"));

  crm_test_db_reopen(t);
  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_name(c), "Paola");
  assert_string_equal(crm_customer_language(c), "it");
  assert_string_equal(crm_customer_timezone(c), "Europe/Rome");
  assert_string_equal(crm_customer_attribute(c, "tier"), "gold");
  assert_int_equal(crm_customer_version(c), 4);
  assert_int_equal(crm_customer_created_at(c), CRM_TEST_T0);
  assert_int_equal(crm_customer_updated_at(c), CRM_TEST_T0 + 5);
  crm_customer_free(c);
  crm_id found = 0;
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EXTERNAL, "M-1"));
  assert_int_equal(found, id);
  assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, "p@x.it"));
  assert_int_equal(found, id);
}

/* Inside crm_begin, a failed call undoes only itself; rollback undoes all. */
static void test_inside_explicit_transaction(void **state)
{
  crm_test_db *t = *state;
  snapshot before = take(t);
  assert_crm_ok(crm_begin(t->db));
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, t->db, "Temp"));
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.timezone = "Nowhere/Else";
  assert_int_equal(crm_customer_update(t->db, id, &spec, 0), CRM_EINVALID);
  crm_customer *c = lookup(t->db, id);
  assert_string_equal(crm_customer_name(c), "Temp");
  crm_customer_free(c);
  assert_crm_ok(crm_rollback(t->db));
  assert_unchanged(t, before);
}

/* ------------------------------------------------------------------ */
/* S2: one customer, many ways to recognise him                         */

static void test_s2_one_customer_many_identities(void **state)
{
  (void)state;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.default_phone_region = "IT";
  crm_test_db *t = crm_test_db_new(&opts);

  crm_id id = 0;
  int created = 0;
  assert_crm_ok(crm_customer_ensure(&id, &created, t->db, CRM_IDENTITY_EMAIL,
                                    "carlo.bianchi@posta.it", "Carlo Bianchi"));
  assert_int_equal(created, 1);
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EMAIL, "C.Bianchi@Lavoro.IT"));
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_PHONE, "02 1234 5678"));
  assert_crm_ok(crm_identity_add(t->db, id, CRM_IDENTITY_EXTERNAL, "BC-0042-17"));

  static const struct {
    crm_identity_kind_t kind;
    const char *value;
  } ways[] = {
      {CRM_IDENTITY_EMAIL, "carlo.bianchi@posta.it"},
      {CRM_IDENTITY_EMAIL, "CARLO.BIANCHI@POSTA.IT"},
      {CRM_IDENTITY_EMAIL, "c.bianchi@lavoro.it"},
      {CRM_IDENTITY_PHONE, "+39 02 1234 5678"},
      {CRM_IDENTITY_PHONE, "0039021234 5678"},
      {CRM_IDENTITY_PHONE, "02-12345678"},
      {CRM_IDENTITY_EXTERNAL, " BC-0042-17 "},
  };
  for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
    crm_id found = 0;
    assert_crm_ok(crm_customer_find(&found, t->db, ways[i].kind, ways[i].value));
    assert_int_equal(found, id);
    /* ensure recognises him too, and creates nobody */
    assert_crm_ok(crm_customer_ensure(&found, &created, t->db, ways[i].kind, ways[i].value, NULL));
    assert_int_equal(found, id);
    assert_int_equal(created, 0);
  }

  crm_buf phone = CRM_BUF_INIT;
  assert_crm_ok(crm_identity_normalize(&phone, t->db, CRM_IDENTITY_PHONE, "02 1234 5678"));
  assert_string_equal(phone.ptr, "+390212345678");
  crm_buf_dispose(&phone);
  assert_int_equal(crm_test_count_rows(t, "customers"), 1);
  assert_int_equal(crm_test_customer_version(t->db, id), 4);
  crm_test_db_free(t);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(test_create),
      T(test_create_errors),
      T(test_ensure),
      T(test_ensure_derives_names),
      T(test_ensure_errors),
      T(test_find),
      T(test_lookup_errors),
      cmocka_unit_test(test_update_spec_init),
      T(test_update_each_field),
      T(test_update_several_fields_one_version),
      T(test_update_noop),
      T(test_update_conflict),
      T(test_update_errors),
      T(test_update_erased_customer),
      T(test_attributes),
      T(test_attribute_errors),
      T(test_persistence),
      T(test_inside_explicit_transaction),
      cmocka_unit_test(test_s2_one_customer_many_identities),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
