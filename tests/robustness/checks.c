/*
 * Consistency checks (see checks.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "checks.h"

#include <string.h>

#include "testutil.h"

static long inbound_in_case(crm_db *db, crm_id case_id)
{
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.case_id = case_id;
  crm_timeline_iterator *it = NULL;
  assert_crm_ok(crm_timeline_iterator_new(&it, db, &q));
  long n = 0;
  crm_interaction *ix = NULL;
  crm_status st;
  while ((st = crm_timeline_next(&ix, it)) == CRM_OK) {
    n += crm_interaction_direction(ix) == CRM_DIRECTION_INBOUND;
    crm_interaction_free(ix);
  }
  assert_int_equal(st, CRM_ITEROVER);
  crm_timeline_iterator_free(it);
  return n;
}

long check_case_counters(crm_db *db)
{
  crm_case_iterator *it = NULL;
  assert_crm_ok(crm_case_iterator_new(&it, db, NULL));
  crm_case *c = NULL;
  crm_status st;
  long cases = 0;
  while ((st = crm_case_next(&c, it)) == CRM_OK) {
    long held = inbound_in_case(db, crm_case_id(c));
    if (crm_case_inbound_count(c) != held)
      fail_msg("case %lld counts %lld inbound contacts but holds %ld", (long long)crm_case_id(c),
               (long long)crm_case_inbound_count(c), held);
    cases++;
    crm_case_free(c);
  }
  assert_int_equal(st, CRM_ITEROVER);
  crm_case_iterator_free(it);
  return cases;
}

long count_events_of(crm_db *db, const char *kind, crm_id entity_id)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL;
  crm_status st;
  long n = 0;
  while ((st = crm_event_next(&ev, it)) == CRM_OK) {
    n += strcmp(crm_event_kind(ev), kind) == 0 &&
         (entity_id == 0 || crm_event_entity_id(ev) == entity_id);
    crm_event_free(ev);
  }
  assert_int_equal(st, CRM_ITEROVER);
  crm_event_iterator_free(it);
  return n;
}
