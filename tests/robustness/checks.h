/*
 * Consistency checks shared by the multi-process tests, through the
 * public API only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TEST_CHECKS_H
#define CRM_TEST_CHECKS_H

#include "crm.h"

/* Fail the test unless every case's inbound_count equals the inbound
   interactions it holds; returns the number of cases. */
long check_case_counters(crm_db *db);

/* Events of `kind` in the feed (entity_id 0: about any entity). */
long count_events_of(crm_db *db, const char *kind, crm_id entity_id);

#endif
