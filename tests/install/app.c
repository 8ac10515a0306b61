/*
 * A program built against an installed libcrm only (<crm.h> and
 * `pkg-config --cflags --libs libcrm`): the install test compiles and runs it.
 *
 *   app DATABASE_FILE
 *
 * Exits 0 when every check passed, 1 (with a message) otherwise.
 *
 * SPDX-License-Identifier: MIT
 */
#include <crm.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void expect(int ok, const char *what)
{
  if (!ok) {
    fprintf(stderr, "app: FAILED: %s\n", what);
    failures++;
  }
}

static int expect_ok(crm_status st, const char *what)
{
  if (st != CRM_OK) {
    fprintf(stderr, "app: FAILED: %s: %s (%s)\n", what, crm_error_last()->message,
            crm_strerror(st));
    failures++;
  }
  return st == CRM_OK;
}

/* Does the feed hold an event of this kind about this entity id? */
static int feed_has(crm_db *db, const char *kind, crm_id entity_id)
{
  crm_event_iterator *it = NULL;
  crm_event *ev = NULL;
  int found = 0;
  if (!expect_ok(crm_event_iterator_new(&it, db, 0), "crm_event_iterator_new"))
    return 0;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0 && crm_event_entity_id(ev) == entity_id)
      found = 1;
    expect(crm_event_seq(ev) > 0, "event sequence numbers are positive");
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return found;
}

int main(int argc, char **argv)
{
  crm_db *db = NULL;
  crm_id id = 0, again = 0, by_phone = 0, nobody = 0;
  int created = -1, major = -1;

  if (argc != 2) {
    fprintf(stderr, "usage: app DATABASE_FILE\n");
    return 2;
  }

  crm_version(&major, NULL, NULL);
  expect(major == CRM_VERSION_MAJOR, "the run-time major version matches the headers");

  if (!expect_ok(crm_open(&db, argv[1], NULL), "crm_open"))
    return 1;

  expect_ok(crm_customer_ensure(&id, &created, db, CRM_IDENTITY_EMAIL, "Ada@Example.org", NULL),
            "crm_customer_ensure (creates)");
  expect(id > 0 && created == 1, "a new customer was created");

  expect_ok(
      crm_customer_ensure(&again, &created, db, CRM_IDENTITY_EMAIL, " ada@example.ORG ", NULL),
      "crm_customer_ensure (finds)");
  expect(again == id && created == 0, "ensure finds the same customer by the same identity");

  expect_ok(crm_customer_find(&again, db, CRM_IDENTITY_EMAIL, "ADA@example.org"),
            "crm_customer_find by e-mail");
  expect(again == id, "find by e-mail gives the customer");

  expect_ok(crm_identity_add(db, id, CRM_IDENTITY_PHONE, "+39 02 1234 5678"), "crm_identity_add");
  expect_ok(crm_customer_find(&by_phone, db, CRM_IDENTITY_PHONE, "0039 02-1234-5678"),
            "crm_customer_find by phone");
  expect(by_phone == id, "find by the added phone gives the customer");

  expect(crm_customer_find(&nobody, db, CRM_IDENTITY_EMAIL, "nobody@example.org") == CRM_ENOTFOUND,
         "an unknown identity is CRM_ENOTFOUND");
  expect(nobody == 0 && crm_error_last()->code == CRM_ENOTFOUND,
         "the out-parameter stays 0 and crm_error_last() says why");

  expect(feed_has(db, "customer.created", id), "the feed has customer.created");
  expect(feed_has(db, "customer.identity_added", id), "the feed has customer.identity_added");

  crm_close(db);
  if (failures == 0)
    printf("app: ok (customer %lld)\n", (long long)id);
  return failures == 0 ? 0 : 1;
}
