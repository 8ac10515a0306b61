/*
 * Names of the public enums, as used in event payloads, JSON and the CLI.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#define NAME_AT(table, value) \
  (((int)(value) >= 0 && (size_t)(value) < G_N_ELEMENTS(table)) ? (table)[(int)(value)] : NULL)

static const char *const channel_names[] = {NULL,   "email",  "phone",     "ivr",
                                            "chat", "sms",    "fax",       "letter",
                                            "web",  "social", "in_person", "note"};
static const char *const identity_names[] = {NULL,       "email",  "phone",
                                             "external", "social", "postal"};
static const char *const direction_names[] = {NULL, "inbound", "outbound", "internal"};
static const char *const outcome_names[] = {"none",      "answered",  "busy",
                                            "abandoned", "voicemail", "missed"};
static const char *const status_names[] = {
    NULL, "new", "open", "pending_customer", "pending_third_party", "resolved", "closed"};
static const char *const priority_names[] = {NULL, "low", "normal", "high", "urgent"};
static const char *const kind_names[] = {NULL, "request", "incident", "problem"};
static const char *const link_names[] = {NULL, "caused_by", "duplicate_of", "follow_up_of",
                                         "related"};
static const char *const role_names[] = {NULL, "agent", "supervisor", "admin"};
static const char *const customer_status_names[] = {NULL, "active", "inactive", "erased", "merged"};

const char *crm_channel_name(crm_channel_t channel)
{
  return NAME_AT(channel_names, channel);
}

const char *crm_identity_kind_name(crm_identity_kind_t kind)
{
  return NAME_AT(identity_names, kind);
}

const char *crm_direction_name(crm_direction_t direction)
{
  return NAME_AT(direction_names, direction);
}

const char *crm_outcome_name(crm_outcome_t outcome)
{
  return NAME_AT(outcome_names, outcome);
}

const char *crm_case_status_name(crm_case_status_t status)
{
  return NAME_AT(status_names, status);
}

const char *crm_priority_name(crm_priority_t priority)
{
  return NAME_AT(priority_names, priority);
}

const char *crm_case_kind_name(crm_case_kind_t kind)
{
  return NAME_AT(kind_names, kind);
}

const char *crm_link_name(crm_link_t kind)
{
  return NAME_AT(link_names, kind);
}

const char *crm_role_name(crm_role_t role)
{
  return NAME_AT(role_names, role);
}

const char *crm_customer_status_name(crm_customer_status_t status)
{
  return NAME_AT(customer_status_names, status);
}
