/*
 * Helpers shared by the C test suites: fresh databases in temporary
 * directories, an injected clock, and row/event counts read straight from
 * the SQLite file to prove that a failed call wrote nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TESTUTIL_H
#define CRM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-glib/json-glib.h>

#include "crm.h"

/* A test database: a SQLite file in its own temporary directory. */
typedef struct {
  crm_db *db;
  char *dir;             /* temporary directory (removed by crm_test_db_free) */
  char *path;            /* the SQLite file */
  char *uri;             /* "sqlite:" + path */
  crm_time now;          /* the injected clock: tests set it directly */
  crm_open_options opts; /* what the handles are opened with (clock added) */
} crm_test_db;

/* 2026-03-02 09:00:00 UTC, a Monday: the clock's start. */
#define CRM_TEST_T0 ((crm_time)1772442000)

/* Open a fresh database with the injected clock (and opts' other fields
   when opts is non-NULL). Fails the test on error. */
crm_test_db *crm_test_db_new(const crm_open_options *opts);
/* 0 when the suite runs on a backend whose data does not survive
   crm_close (SQLite in memory): persistence tests skip() then. */
int crm_test_persistent(void);
/* 0 when a reader on one handle waits for another handle's open write
   transaction instead of reading the last committed state (SQLite in
   memory shares one cache between connections). */
int crm_test_readers_see_snapshots(void);
/* Close and reopen the same database (persistence tests). On a backend
   that does not persist, the new handle is opened before the old one is
   closed, so the data lives on. */
void crm_test_db_reopen(crm_test_db *t);
/* Open a second handle on the same file, with the same clock. */
crm_db *crm_test_db_open_another(crm_test_db *t);
/* The same, acting as `actor` (0: the system). */
crm_db *crm_test_db_open_as(crm_test_db *t, crm_id actor);
void crm_test_db_free(crm_test_db *t);

/* cmocka fixtures: *state becomes a crm_test_db*. */
int crm_test_setup(void **state);
int crm_test_teardown(void **state);

/* Rows in a table of the SQLite file, read through its own connection. */
long crm_test_count_rows(crm_test_db *t, const char *table);
/* Sum of row counts over every table of the schema: changes if anything
   at all was written. */
long crm_test_count_all_rows(crm_test_db *t);
/* A fingerprint of the content of the whole database, read behind the
   library's back: "table=digest" for every table in name order, each
   digest covering every row (in any order) and every column, so two
   fingerprints are equal exactly when no row anywhere differs (g_free). */
char *crm_test_fingerprint(crm_test_db *t);
/* The backend's own check that the stored data is sound (SQLite:
   integrity_check and foreign_key_check; PostgreSQL: amcheck over the
   test schema's tables and indexes); fails the test naming what is not. */
void crm_test_check_integrity(crm_test_db *t);
/* Run raw SQL on the test database behind the library's back (to set up
   states no public call can reach yet). Table names without the
   PostgreSQL "crm_" prefix: "UPDATE customers SET ...". */
void crm_test_exec(crm_test_db *t, const char *sql);
/* Number of events in the feed, read through the public API. */
long crm_test_count_events(crm_db *db);
/* The newest event's kind (static buffer), or "" when there is none. */
const char *crm_test_last_event_kind(crm_db *db);
/* The newest event's payload, parsed (json_object_unref), or NULL when
   there is no event. */
JsonObject *crm_test_last_payload(crm_db *db);

/* Read one figure of a stored object (the test fails when it is not there). */
crm_id crm_test_case_of(crm_db *db, crm_id interaction);
crm_case_status_t crm_test_case_status(crm_db *db, crm_id case_id);
int64_t crm_test_case_version(crm_db *db, crm_id case_id);
int64_t crm_test_customer_version(crm_db *db, crm_id customer);

/* Assert a failure with this code whose message contains `needle`. */
#define assert_crm_error(expr, code, needle) \
  crm_test_assert_error((expr), (code), (needle), #expr, __FILE__, __LINE__)
void crm_test_assert_error(crm_status got, crm_status want, const char *needle, const char *expr,
                           const char *file, int line);

/* Assert CRM_OK, printing the library's message otherwise. */
#define assert_crm_ok(expr) crm_test_assert_ok((expr), #expr, __FILE__, __LINE__)
void crm_test_assert_ok(crm_status got, const char *expr, const char *file, int line);

/* Create a customer with one e-mail identity; returns its id. */
crm_id crm_test_customer(crm_db *db, const char *email);

/* Run a group with TAP output, the group named after the file. */
#define CRM_TEST_MAIN(tests) return cmocka_run_group_tests(tests, NULL, NULL)

#endif
