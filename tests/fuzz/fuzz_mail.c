/*
 * libFuzzer target for crm_mail_ingest on an in-memory database. Checks the
 * promises of crm/mail.h on any input: no crash or sanitizer report; every
 * non-empty input is filed (never lost); the same bytes again are a
 * duplicate of the first ingestion (never doubled); a reply to the case
 * either succeeds or is refused with CRM_EINVALID (a sender without an
 * e-mail address).
 *
 * Built and run by tests/fuzz/build.sh (clang -fsanitize=fuzzer,address).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "crm.h"

static crm_time fixed_clock(void *payload)
{
  (void)payload;
  return (crm_time)1772442000; /* 2026-03-02 09:00 UTC */
}

static void broken(const char *promise, crm_status st)
{
  fprintf(stderr, "fuzz_mail: %s (status %d: %s)\n", promise, st, crm_error_last()->message);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One database for the whole run (opening one costs more than an input);
   each input runs in a transaction that is rolled back, so inputs stay
   independent and a crash reproduces from its input alone. */
static crm_db *shared_db(void)
{
  static crm_db *db = NULL;
  if (db == NULL) {
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = fixed_clock;
    crm_status st = crm_open(&db, "sqlite::memory:", &o);
    if (st != CRM_OK)
      broken("cannot open sqlite::memory:", st);
  }
  return db;
}

static void check_input(crm_db *db, const uint8_t *data, size_t size)
{
  crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
  crm_status st = crm_mail_ingest(&r, db, size ? (const void *)data : "", size, NULL);
  if (size == 0) {
    if (st != CRM_EINVALID)
      broken("empty input must be CRM_EINVALID", st);
    return;
  }
  if (st != CRM_OK)
    broken("a non-empty message must be filed", st);
  crm_mail_result again = {.version = CRM_MAIL_RESULT_VERSION};
  st = crm_mail_ingest(&again, db, data, size, NULL);
  if (st != CRM_OK || again.rule != CRM_MAIL_DUPLICATE || again.interaction != r.interaction)
    broken("the same bytes again must be a duplicate", st);
  crm_mail_options mo = CRM_MAIL_OPTIONS_INIT;
  mo.from_address = "support@helpdesk.example";
  crm_buf raw = CRM_BUF_INIT;
  st = crm_mail_reply(&raw, db, r.case_id, 0, "Thank you.", &mo);
  if (st != CRM_OK && st != CRM_EINVALID)
    broken("a reply must succeed or be refused as invalid", st);
  crm_buf_dispose(&raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  crm_db *db = shared_db();
  crm_status st = crm_begin(db);
  if (st != CRM_OK)
    broken("crm_begin", st);
  check_input(db, data, size);
  st = crm_rollback(db);
  if (st != CRM_OK)
    broken("crm_rollback", st);
  return 0;
}
