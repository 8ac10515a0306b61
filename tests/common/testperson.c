/*
 * The person of the erasure tests (testperson.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testperson.h"

#include <string.h>

static const char mail_from_him[] = "From: " NAME " <" EMAIL ">\r\n"
                                    "To: support@helpdesk.example\r\n"
                                    "Cc: Anna Bianchi <anna@example.org>\r\n"
                                    "Subject: Order 12 by " NAME " never arrived\r\n"
                                    "Message-ID: <order12." EMAIL ">\r\n"
                                    "Date: Mon, 02 Mar 2026 08:00:00 +0000\r\n"
                                    "\r\n"
                                    "I am " NAME ", call me on " PHONE ".\r\n";

static const char mail_with_him_in_cc[] = "From: Anna Bianchi <anna@example.org>\r\n"
                                          "To: support@helpdesk.example\r\n"
                                          "Cc: " NAME " <" EMAIL ">\r\n"
                                          "Subject: Book club\r\n"
                                          "Message-ID: <anna.1@example.org>\r\n"
                                          "Date: Mon, 02 Mar 2026 08:30:00 +0000\r\n"
                                          "\r\n"
                                          "Mario and I want to cancel.\r\n";

static crm_mail_result ingest(crm_test_db *t, const char *raw)
{
  crm_mail_result r = {CRM_MAIL_RESULT_VERSION, 0, 0, 0, 0, 0, 0, 0, 0};
  assert_crm_ok(crm_mail_ingest(&r, t->db, raw, strlen(raw), NULL));
  return r;
}

static crm_id call(crm_db *db, crm_id customer, crm_id case_id)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = CRM_CHANNEL_PHONE;
  s.direction = CRM_DIRECTION_INBOUND;
  s.outcome = CRM_OUTCOME_ANSWERED;
  s.subject = "Call from " NAME;
  s.body = NAME " (" NICKNAME ") says the shop promised to cancel; phone " PHONE;
  s.external_ref = "call-" PHONE;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &s));
  return id;
}

person make_person(crm_test_db *t)
{
  person p = {0};
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", "support@helpdesk.example"));
  crm_mail_result r = ingest(t, mail_from_him);
  p.customer = r.customer;
  p.mail_case = r.case_id;
  crm_customer_update_spec spec = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  spec.display_name = NAME;
  spec.organization = ORG;
  spec.segment = "gold";
  assert_crm_ok(crm_customer_update(t->db, p.customer, &spec, 0));
  assert_crm_ok(crm_identity_add(t->db, p.customer, CRM_IDENTITY_PHONE, PHONE));
  assert_crm_ok(crm_customer_set_attribute(t->db, p.customer, "member", "Member " NAME));
  assert_crm_ok(crm_customer_set_preference_ext(t->db, p.customer, CRM_CHANNEL_LETTER, "marketing",
                                                0, "told " NAME " at the shop"));
  /* a second record of him, merged into the first */
  crm_id other = crm_test_customer(t->db, OTHER);
  assert_crm_ok(crm_customer_set_attribute(t->db, other, "member", NAME " (old card)"));
  assert_crm_ok(crm_customer_merge(t->db, p.customer, other));
  /* a phone call in a case of its own, with an attachment and a CSAT */
  crm_case_spec cs = CRM_CASE_SPEC_INIT;
  cs.customer = p.customer;
  cs.subject = "Cancel the contract of " NAME;
  assert_crm_ok(crm_case_open(&p.phone_case, t->db, &cs));
  crm_id ix = call(t->db, p.customer, p.phone_case);
  crm_id att = 0;
  const char letter[] = "Dear " NAME ", your contract is cancelled.";
  assert_crm_ok(crm_interaction_attach(&att, t->db, ix, NAME " letter.txt", "text/plain", letter,
                                       sizeof letter - 1));
  assert_crm_ok(crm_interaction_set_attribute(t->db, ix, "caller", PHONE));
  assert_crm_ok(crm_interaction_add_participant(t->db, ix, CRM_IDENTITY_PHONE, PHONE, "caller"));
  assert_crm_ok(crm_case_set_csat(t->db, p.phone_case, 2, NAME " was not happy"));
  assert_crm_ok(crm_case_set_status(t->db, p.phone_case, CRM_CASE_RESOLVED, 0));
  /* Anna's mail with him in Cc: her record names him */
  r = ingest(t, mail_with_him_in_cc);
  p.other_customer = r.customer;
  p.other_ix = r.interaction;
  return p;
}

const char *const person_strings[] = {NAME, "Rossi", EMAIL,    "mario.rossi", PHONE, "0212345678",
                                      ORG,  OTHER,   NICKNAME, FOLDED,        NULL};
