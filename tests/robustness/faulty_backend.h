/*
 * A wrapping storage backend that fails the Nth storage call (SQLite's
 * test VFS idea, through the public sys/ interface): "faulty:<inner uri>"
 * opens <inner uri> with crm_backend_open and forwards every slot to it,
 * counting the calls of every handle opened this way in one global
 * counter.
 *
 * Every slot counts, the transaction slots (begin, commit, savepoint*)
 * included, except rollback: it is never counted and always forwarded, so
 * the core can always recover from the failure it was handed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TEST_FAULTY_BACKEND_H
#define CRM_TEST_FAULTY_BACKEND_H

#include "crm.h"

/* The URI scheme the wrapper serves. */
#define FAULTY_SCHEME "faulty"

/* Register the wrapper (once per process; later calls do nothing).
   Returns CRM_OK or the registry's error. */
crm_status faulty_backend_register(void);

/* "faulty:" + inner_uri, g_malloc'd. */
char *faulty_uri(const char *inner_uri);

/*
 * Count storage calls from 0 again and fail the nth one (n >= 1) with
 * `code` and a message naming the call; when `persistent`, every later
 * call fails too (a store that has gone away). n = 0 counts without
 * failing anything.
 */
void faulty_arm(long n, crm_status code, int persistent);

/* Stop failing (the count goes on). */
void faulty_disarm(void);

/* Storage calls counted since the last faulty_arm. */
long faulty_calls(void);

/* Failures injected since the last faulty_arm (0: none). */
long faulty_fired(void);

/* The slot of the first failure injected since the last faulty_arm
   ("" when none). */
const char *faulty_fired_slot(void);

#endif
