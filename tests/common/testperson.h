/*
 * The person of the erasure tests (story S2): Mario Rossi, known by two
 * e-mail addresses and a phone number, on mail and phone, with a merged
 * second record and a neighbour's mail that names him.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TESTPERSON_H
#define CRM_TESTPERSON_H

#include "testutil.h"

#define NAME  "Mario Rossi"
#define EMAIL "mario.rossi@example.com"
#define PHONE "+390212345678"
#define ORG   "Rossi Libri Srl"
#define OTHER "m.rossi@altrove.example" /* a second record of him, merged */
/* Said on the phone: the search index stores it folded ("quaglierini"),
   a form no table holds, so finding those bytes means finding the index. */
#define NICKNAME "Quaglierìni"
#define FOLDED   "quaglierini"

/* What make_person stored. */
typedef struct {
  crm_id customer, mail_case, phone_case, other_customer, other_ix;
} person;

/* Store everything the person told us, on every channel (fails the test
   on error). */
person make_person(crm_test_db *t);

/* Every string of the person: none may survive an erasure. */
extern const char *const person_strings[];

#endif
