/*
 * Likely duplicates: crm_customer_duplicates and its reasons and scores.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  crm_id customer;
  uint32_t reasons;
  crm_duplicate_reason_t reason;
  int score;
} match;

/* The duplicates of `customer`, best first (at most 8). */
static int duplicates(match out[8], crm_db *db, crm_id customer)
{
  crm_duplicate_iterator *it = NULL;
  assert_crm_ok(crm_customer_duplicates(&it, db, customer));
  crm_duplicate *d = NULL;
  int n = 0;
  crm_status st;
  while ((st = crm_duplicate_next(&d, it)) == CRM_OK) {
    assert_true(n < 8);
    out[n].customer = crm_duplicate_customer(d);
    out[n].reasons = crm_duplicate_reasons(d);
    out[n].reason = crm_duplicate_reason(d);
    out[n].score = crm_duplicate_score(d);
    assert_true(out[n].score >= 1 && out[n].score <= 99);
    crm_duplicate_free(d);
    n++;
  }
  assert_int_equal(st, CRM_ITEROVER);
  crm_duplicate_iterator_free(it);
  return n;
}

static crm_id named(crm_db *db, const char *name, const char *org)
{
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, db, name));
  if (org) {
    crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
    spec.organization = org;
    assert_crm_ok(crm_customer_update(db, id, &spec, 0));
  }
  return id;
}

static void test_gmail_aliases(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "mario.rossi@gmail.com");
  crm_id b = crm_test_customer(t->db, "MarioRossi+books@googlemail.com");
  crm_id c = crm_test_customer(t->db, "m.a.r.i.o.r.o.s.s.i@gmail.com");
  crm_test_customer(t->db, "mario.rossi@example.com"); /* not an alias domain */
  crm_test_customer(t->db, "mario.rossi2@gmail.com");
  match d[8];
  assert_int_equal(duplicates(d, t->db, a), 2);
  assert_int_equal(d[0].customer, b);
  assert_int_equal(d[1].customer, c);
  assert_int_equal(d[0].reason, CRM_DUPLICATE_EMAIL_ALIAS);
  assert_int_equal(d[0].reasons, 1u << CRM_DUPLICATE_EMAIL_ALIAS);
  assert_string_equal(crm_duplicate_reason_name(d[0].reason), "email_alias");
  assert_int_equal(duplicates(d, t->db, b), 2);
}

static void test_phone_in_a_social_identity(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "a@x.it");
  assert_crm_ok(crm_identity_add(t->db, a, CRM_IDENTITY_PHONE, "+39 02 1234 5678"));
  crm_id b = crm_test_customer(t->db, "b@y.it");
  assert_crm_ok(crm_identity_add(t->db, b, CRM_IDENTITY_SOCIAL, "whatsapp:+390212345678"));
  crm_id c = crm_test_customer(t->db, "c@y.it");
  assert_crm_ok(crm_identity_add(t->db, c, CRM_IDENTITY_EXTERNAL, "0212345678")); /* a member no. */
  match d[8];
  assert_int_equal(duplicates(d, t->db, a), 1);
  assert_int_equal(d[0].customer, b);
  assert_int_equal(d[0].reason, CRM_DUPLICATE_PHONE);
  /* removing the identity removes the match */
  assert_crm_ok(crm_identity_remove(t->db, b, CRM_IDENTITY_SOCIAL, "whatsapp:+390212345678"));
  assert_int_equal(duplicates(d, t->db, a), 0);
}

static void test_name_and_organisation(void **state)
{
  crm_test_db *t = *state;
  crm_id a = named(t->db, "Mario Rossi", "Libri  Srl");
  crm_id b = named(t->db, "mario ROSSI", "libri srl");
  named(t->db, "Mario Rossi", NULL); /* a name alone says little */
  named(t->db, "Mario Rossi", "Other Spa");
  match d[8];
  assert_int_equal(duplicates(d, t->db, a), 1);
  assert_int_equal(d[0].customer, b);
  assert_int_equal(d[0].reason, CRM_DUPLICATE_NAME_ORGANIZATION);
  /* an update moves the key */
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.organization = "Other Spa";
  assert_crm_ok(crm_customer_update(t->db, b, &spec, 0));
  assert_int_equal(duplicates(d, t->db, a), 0);
}

static void test_postal_and_combined_score(void **state)
{
  crm_test_db *t = *state;
  crm_id a = named(t->db, "Mario Rossi", "Libri Srl");
  assert_crm_ok(crm_identity_add(t->db, a, CRM_IDENTITY_POSTAL, "Via Roma 1, 20100 Milano"));
  crm_id b = named(t->db, "Anna Bianchi", NULL);
  assert_crm_ok(crm_identity_add(t->db, b, CRM_IDENTITY_POSTAL, "via roma 1 - 20100 MILANO"));
  crm_id c = named(t->db, "mario rossi", "libri srl");
  assert_crm_ok(crm_identity_add(t->db, c, CRM_IDENTITY_POSTAL, "VIA ROMA 1 20100 Milano."));
  match d[8];
  assert_int_equal(duplicates(d, t->db, a), 2);
  /* two reasons beat one */
  assert_int_equal(d[0].customer, c);
  assert_int_equal(d[0].reasons,
                   (1u << CRM_DUPLICATE_POSTAL) | (1u << CRM_DUPLICATE_NAME_ORGANIZATION));
  assert_int_equal(d[0].reason, CRM_DUPLICATE_NAME_ORGANIZATION);
  assert_int_equal(d[1].customer, b);
  assert_int_equal(d[1].reason, CRM_DUPLICATE_POSTAL);
  assert_true(d[0].score > d[1].score);
}

static void test_merged_and_erased_are_not_listed(void **state)
{
  crm_test_db *t = *state;
  crm_id a = crm_test_customer(t->db, "mario.rossi@gmail.com");
  crm_id b = crm_test_customer(t->db, "mariorossi@gmail.com");
  crm_id c = crm_test_customer(t->db, "mario.r.ossi@gmail.com");
  match d[8];
  assert_int_equal(duplicates(d, t->db, a), 2);
  assert_crm_ok(crm_customer_merge(t->db, a, b));
  assert_crm_ok(crm_customer_erase(t->db, c, "request"));
  /* b's address is a's now: no one else matches */
  assert_int_equal(duplicates(d, t->db, a), 0);
  /* the merged id lists its survivor's */
  crm_id e = crm_test_customer(t->db, "m.ario.rossi@gmail.com");
  assert_int_equal(duplicates(d, t->db, b), 1);
  assert_int_equal(d[0].customer, e);
  assert_int_equal(duplicates(d, t->db, c), 0);
  assert_crm_ok(crm_customer_unmerge(t->db, b));
  assert_int_equal(duplicates(d, t->db, a), 2);
}

static void test_errors(void **state)
{
  crm_test_db *t = *state;
  crm_duplicate_iterator *it = (crm_duplicate_iterator *)1;
  assert_crm_error(crm_customer_duplicates(NULL, t->db, 1), CRM_EINVALID, "out");
  assert_crm_error(crm_customer_duplicates(&it, NULL, 1), CRM_EINVALID, "db");
  assert_null(it);
  it = (crm_duplicate_iterator *)1;
  assert_crm_error(crm_customer_duplicates(&it, t->db, 0), CRM_EINVALID, "customer id 0");
  assert_null(it);
  it = (crm_duplicate_iterator *)1;
  assert_crm_error(crm_customer_duplicates(&it, t->db, 42), CRM_ENOTFOUND, "customer 42");
  assert_null(it);
  crm_duplicate *d = (crm_duplicate *)1;
  assert_crm_error(crm_duplicate_next(&d, NULL), CRM_EINVALID, "iterator");
  assert_null(d);
  assert_null(crm_duplicate_reason_name((crm_duplicate_reason_t)0));
  assert_null(crm_duplicate_reason_name((crm_duplicate_reason_t)5));
  assert_int_equal(crm_duplicate_customer(NULL), 0);
  assert_int_equal(crm_duplicate_reasons(NULL), 0);
  assert_int_equal(crm_duplicate_reason(NULL), 0);
  assert_int_equal(crm_duplicate_score(NULL), 0);
  crm_duplicate_free(NULL);
  crm_duplicate_iterator_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_gmail_aliases, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_phone_in_a_social_identity, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_name_and_organisation, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_postal_and_combined_score, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_merged_and_erased_are_not_listed, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_errors, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
