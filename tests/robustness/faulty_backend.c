/*
 * The fault-injecting wrapper backend (see faulty_backend.h).
 *
 * Every slot of struct crm_backend_ops is forwarded. FAULTY_SLOTS lists
 * the counted ones in the order of the struct; a static assertion below
 * compares the struct's size with the slots forwarded here, so a slot
 * added to crm/sys/backend.h stops this file from compiling until it is
 * forwarded too (never a silent NULL slot in the wrapper).
 *
 * SPDX-License-Identifier: MIT
 */
#include "faulty_backend.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "crm/sys/backend.h"

typedef struct {
  crm_backend base;
  crm_backend *inner;
} faulty;

static struct {
  long calls, fail_at, fired;
  crm_status code;
  int persistent;
  const char *fired_slot;
} fault;

void faulty_arm(long n, crm_status code, int persistent)
{
  fault.calls = 0;
  fault.fired = 0;
  fault.fail_at = n;
  fault.code = code;
  fault.persistent = persistent;
  fault.fired_slot = "";
}

void faulty_disarm(void)
{
  fault.fail_at = 0;
}

long faulty_calls(void)
{
  return fault.calls;
}

long faulty_fired(void)
{
  return fault.fired;
}

const char *faulty_fired_slot(void)
{
  return fault.fired_slot ? fault.fired_slot : "";
}

/* Count one call of `slot`; non-zero (with the error recorded) when it
   is the one to fail. */
static crm_status count_call(const char *slot)
{
  long n = ++fault.calls;
  int hit = fault.fail_at > 0 && (n == fault.fail_at || (fault.persistent && n > fault.fail_at));
  if (!hit)
    return CRM_OK;
  if (fault.fired++ == 0)
    fault.fired_slot = slot;
  return crm_backend_error(fault.code, "faulty backend: injected failure of storage call %ld (%s)",
                           n, slot);
}

#define I (((faulty *)b)->inner)

/* The counted slots, in struct order: X(slot, (parameters), (arguments)). */
#define FAULTY_SLOTS(X)                                                                            \
  X(begin, (crm_backend * b, int write), (I, write))                                               \
  X(commit, (crm_backend * b), (I))                                                                \
  X(savepoint, (crm_backend * b), (I))                                                             \
  X(savepoint_release, (crm_backend * b), (I))                                                     \
  X(savepoint_rollback, (crm_backend * b), (I))                                                    \
  X(setting_get, (crm_backend * b, const char *name, char **out), (I, name, out))                  \
  X(setting_set, (crm_backend * b, const char *name, const char *value), (I, name, value))         \
  X(cursor_get, (crm_backend * b, const char *consumer, int64_t *out), (I, consumer, out))         \
  X(cursor_set, (crm_backend * b, const char *consumer, int64_t seq), (I, consumer, seq))          \
  X(event_append, (crm_backend * b, crm_event_row * row), (I, row))                                \
  X(event_list,                                                                                    \
    (crm_backend * b, int64_t after_seq, unsigned int limit, crm_row_fn cb, void *payload),        \
    (I, after_seq, limit, cb, payload))                                                            \
  X(customer_insert, (crm_backend * b, crm_customer_row * row), (I, row))                          \
  X(customer_get, (crm_backend * b, crm_id id, crm_customer_row * out), (I, id, out))              \
  X(customer_update, (crm_backend * b, const crm_customer_row *row, int64_t old_version),          \
    (I, row, old_version))                                                                         \
  X(identity_insert, (crm_backend * b, const crm_identity_row *row, crm_id *owner),                \
    (I, row, owner))                                                                               \
  X(identity_find, (crm_backend * b, int kind, const char *value, crm_id *customer),               \
    (I, kind, value, customer))                                                                    \
  X(identity_delete, (crm_backend * b, crm_id customer, int kind, const char *value),              \
    (I, customer, kind, value))                                                                    \
  X(identity_list, (crm_backend * b, crm_id customer, crm_row_fn cb, void *payload),               \
    (I, customer, cb, payload))                                                                    \
  X(preference_get,                                                                                \
    (crm_backend * b, crm_id customer, int channel, const char *purpose, int *allowed),            \
    (I, customer, channel, purpose, allowed))                                                      \
  X(preference_set,                                                                                \
    (crm_backend * b, crm_id customer, int channel, const char *purpose, int allowed,              \
     crm_time at),                                                                                 \
    (I, customer, channel, purpose, allowed, at))                                                  \
  X(attribute_set,                                                                                 \
    (crm_backend * b, crm_entity_t entity, crm_id id, const char *key, const char *value),         \
    (I, entity, id, key, value))                                                                   \
  X(attribute_list,                                                                                \
    (crm_backend * b, crm_entity_t entity, crm_id id, crm_row_fn cb, void *payload),               \
    (I, entity, id, cb, payload))                                                                  \
  X(label_add, (crm_backend * b, crm_entity_t entity, crm_id id, const char *label),               \
    (I, entity, id, label))                                                                        \
  X(label_remove, (crm_backend * b, crm_entity_t entity, crm_id id, const char *label),            \
    (I, entity, id, label))                                                                        \
  X(label_list, (crm_backend * b, crm_entity_t entity, crm_id id, crm_row_fn cb, void *payload),   \
    (I, entity, id, cb, payload))                                                                  \
  X(queue_insert, (crm_backend * b, crm_party_row * row, crm_id * existing), (I, row, existing))   \
  X(queue_get, (crm_backend * b, crm_id id, crm_party_row * out), (I, id, out))                    \
  X(agent_insert, (crm_backend * b, crm_party_row * row, crm_id * existing), (I, row, existing))   \
  X(agent_get, (crm_backend * b, crm_id id, crm_party_row * out), (I, id, out))                    \
  X(member_set, (crm_backend * b, crm_id agent, crm_id queue, int role), (I, agent, queue, role))  \
  X(member_get, (crm_backend * b, crm_id agent, crm_id queue, int *role), (I, agent, queue, role)) \
  X(member_delete, (crm_backend * b, crm_id agent, crm_id queue), (I, agent, queue))               \
  X(member_list, (crm_backend * b, crm_id agent, crm_row_fn cb, void *payload),                    \
    (I, agent, cb, payload))                                                                       \
  X(case_insert, (crm_backend * b, crm_case_row * row), (I, row))                                  \
  X(case_get, (crm_backend * b, crm_id id, crm_case_row * out), (I, id, out))                      \
  X(case_update, (crm_backend * b, const crm_case_row *row, int64_t old_version),                  \
    (I, row, old_version))                                                                         \
  X(case_query,                                                                                    \
    (crm_backend * b, const crm_case_query *q, crm_id after_id, unsigned int limit, crm_row_fn cb, \
     void *payload),                                                                               \
    (I, q, after_id, limit, cb, payload))                                                          \
  X(case_list_resolved_before,                                                                     \
    (crm_backend * b, int status, crm_time before, unsigned int limit, crm_row_fn cb,              \
     void *payload),                                                                               \
    (I, status, before, limit, cb, payload))                                                       \
  X(link_insert, (crm_backend * b, const crm_link_row *row), (I, row))                             \
  X(link_list, (crm_backend * b, crm_id case_id, crm_row_fn cb, void *payload),                    \
    (I, case_id, cb, payload))                                                                     \
  X(interaction_insert, (crm_backend * b, crm_interaction_row * row, crm_id * existing),           \
    (I, row, existing))                                                                            \
  X(interaction_get, (crm_backend * b, crm_id id, crm_interaction_row * out), (I, id, out))        \
  X(interaction_find_ref, (crm_backend * b, int channel, const char *external_ref, crm_id *out),   \
    (I, channel, external_ref, out))                                                               \
  X(interaction_set_case, (crm_backend * b, crm_id id, crm_id case_id), (I, id, case_id))          \
  X(timeline,                                                                                      \
    (crm_backend * b, crm_id customer, crm_id case_id, crm_time before, crm_id before_id,          \
     unsigned int limit, crm_row_fn cb, void *payload),                                            \
    (I, customer, case_id, before, before_id, limit, cb, payload))                                 \
  X(participant_insert, (crm_backend * b, const crm_participant_row *row), (I, row))               \
  X(participant_list, (crm_backend * b, crm_id interaction, crm_row_fn cb, void *payload),         \
    (I, interaction, cb, payload))                                                                 \
  X(attachment_insert, (crm_backend * b, crm_attachment_row * row), (I, row))                      \
  X(attachment_get, (crm_backend * b, crm_id id, crm_attachment_row * out), (I, id, out))          \
  X(attachment_list, (crm_backend * b, crm_id interaction, crm_row_fn cb, void *payload),          \
    (I, interaction, cb, payload))                                                                 \
  X(sla_def_insert, (crm_backend * b, int kind, crm_sla_def_row *row), (I, kind, row))             \
  X(sla_def_update, (crm_backend * b, int kind, const crm_sla_def_row *row, int64_t old_version),  \
    (I, kind, row, old_version))                                                                   \
  X(sla_def_get, (crm_backend * b, int kind, crm_id id, int64_t version, crm_sla_def_row *out),    \
    (I, kind, id, version, out))                                                                   \
  X(sla_def_list, (crm_backend * b, int kind, crm_row_fn cb, void *payload),                       \
    (I, kind, cb, payload))                                                                        \
  X(sla_case_get, (crm_backend * b, crm_id case_id, crm_sla_case_row * out), (I, case_id, out))    \
  X(sla_case_put, (crm_backend * b, const crm_sla_case_row *row), (I, row))                        \
  X(sla_cycle_insert, (crm_backend * b, crm_sla_cycle_row * row), (I, row))                        \
  X(sla_cycle_get, (crm_backend * b, crm_id id, crm_sla_cycle_row * out), (I, id, out))            \
  X(sla_cycle_update, (crm_backend * b, const crm_sla_cycle_row *row, int64_t old_version),        \
    (I, row, old_version))                                                                         \
  X(sla_cycle_list_case,                                                                           \
    (crm_backend * b, crm_id case_id, int latest_only, crm_row_fn cb, void *payload),              \
    (I, case_id, latest_only, cb, payload))                                                        \
  X(sla_cycle_list_fire,                                                                           \
    (crm_backend * b, crm_time before, unsigned int limit, crm_row_fn cb, void *payload),          \
    (I, before, limit, cb, payload))                                                               \
  X(sla_cycle_list_due,                                                                            \
    (crm_backend * b, crm_time before, crm_time after_due, crm_id after_id, unsigned int limit,    \
     crm_row_fn cb, void *payload),                                                                \
    (I, before, after_due, after_id, limit, cb, payload))                                          \
  X(sla_cycle_list_open,                                                                           \
    (crm_backend * b, crm_id calendar, crm_id policy, crm_id after_id, unsigned int limit,         \
     crm_row_fn cb, void *payload),                                                                \
    (I, calendar, policy, after_id, limit, cb, payload))                                           \
  X(sla_case_list_due,                                                                             \
    (crm_backend * b, crm_time before, crm_id after_id, unsigned int limit, crm_row_fn cb,         \
     void *payload),                                                                               \
    (I, before, after_id, limit, cb, payload))                                                     \
  X(sla_segment_insert, (crm_backend * b, const crm_sla_segment_row *row), (I, row))               \
  X(sla_segment_list, (crm_backend * b, crm_id cycle, crm_row_fn cb, void *payload),               \
    (I, cycle, cb, payload))                                                                       \
  X(owned_list,                                                                                    \
    (crm_backend * b, crm_owned_t what, crm_id customer, crm_row_fn cb, void *payload),            \
    (I, what, customer, cb, payload))                                                              \
  X(owned_move, (crm_backend * b, crm_owned_t what, crm_id id, crm_id from, crm_id to),            \
    (I, what, id, from, to))                                                                       \
  X(preference_list, (crm_backend * b, crm_id customer, crm_row_fn cb, void *payload),             \
    (I, customer, cb, payload))                                                                    \
  X(preference_put, (crm_backend * b, const crm_preference_row *row), (I, row))                    \
  X(preference_delete, (crm_backend * b, crm_id customer, int channel, const char *purpose),       \
    (I, customer, channel, purpose))                                                               \
  X(merge_insert, (crm_backend * b, crm_merge_row * row), (I, row))                                \
  X(merge_list, (crm_backend * b, crm_id customer, crm_row_fn cb, void *payload),                  \
    (I, customer, cb, payload))                                                                    \
  X(merge_update, (crm_backend * b, const crm_merge_row *row), (I, row))                           \
  X(customer_keys_set,                                                                             \
    (crm_backend * b, crm_id customer, const crm_customer_key_row *keys, size_t n),                \
    (I, customer, keys, n))                                                                        \
  X(customer_keys_find,                                                                            \
    (crm_backend * b, int reason, const char *key, crm_row_fn cb, void *payload),                  \
    (I, reason, key, cb, payload))                                                                 \
  X(event_list_entity,                                                                             \
    (crm_backend * b, const char *entity, crm_id entity_id, crm_row_fn cb, void *payload),         \
    (I, entity, entity_id, cb, payload))                                                           \
  X(event_set_payload, (crm_backend * b, int64_t seq, const char *payload), (I, seq, payload))     \
  X(interaction_set_texts, (crm_backend * b, const crm_interaction_row *row), (I, row))            \
  X(participant_find,                                                                              \
    (crm_backend * b, int kind, const char *value, crm_row_fn cb, void *payload),                  \
    (I, kind, value, cb, payload))                                                                 \
  X(participant_set_value,                                                                         \
    (crm_backend * b, crm_id interaction, int kind, const char *value, const char *new_value),     \
    (I, interaction, kind, value, new_value))                                                      \
  X(attachment_rewrite, (crm_backend * b, const crm_attachment_row *row), (I, row))                \
  X(compact, (crm_backend * b), (I))                                                               \
  X(incident_scope_set, (crm_backend * b, crm_id incident, const char *key, const char *value),    \
    (I, incident, key, value))                                                                     \
  X(incident_scope_list, (crm_backend * b, crm_id incident, crm_row_fn cb, void *payload),         \
    (I, incident, cb, payload))                                                                    \
  X(incident_match,                                                                                \
    (crm_backend * b, crm_id customer, uint32_t status_mask, crm_id after_id, unsigned int limit,  \
     crm_row_fn cb, void *payload),                                                                \
    (I, customer, status_mask, after_id, limit, cb, payload))                                      \
  X(link_list_to,                                                                                  \
    (crm_backend * b, crm_id to, int kind, crm_id after_id, unsigned int limit, crm_row_fn cb,     \
     void *payload),                                                                               \
    (I, to, kind, after_id, limit, cb, payload))                                                   \
  X(search,                                                                                        \
    (crm_backend * b, const crm_search_spec *q, unsigned int limit, crm_row_fn cb, void *payload), \
    (I, q, limit, cb, payload))                                                                    \
  X(report_aggregate,                                                                              \
    (crm_backend * b, int what, const crm_report_scan *scan, crm_row_fn cb, void *payload),        \
    (I, what, scan, cb, payload))

#define FORWARD(slot, params, args)               \
  static crm_status faulty_##slot params          \
  {                                               \
    crm_status st = count_call(#slot);            \
    return st != CRM_OK ? st : I->ops->slot args; \
  }
FAULTY_SLOTS(FORWARD)
#undef FORWARD

/* Never counted, never failed: the way back from any injected failure. */
static crm_status faulty_rollback(crm_backend *b)
{
  return I->ops->rollback(I);
}

static void faulty_close(crm_backend *b)
{
  if (b == NULL)
    return;
  I->ops->close(I);
  g_free(b);
}

#undef I

static crm_status faulty_open(crm_backend **out, const crm_backend_open_params *params);

static const char *const faulty_schemes[] = {FAULTY_SCHEME, NULL};

#define SLOT_INIT(slot, params, args) .slot = faulty_##slot,
static const crm_backend_ops faulty_ops = {.version = CRM_BACKEND_OPS_VERSION,
                                           .name = "faulty",
                                           .schemes = faulty_schemes,
                                           .caps = CRM_BACKEND_CAP_PERSISTENT,
                                           .open = faulty_open,
                                           .close = faulty_close,
                                           .rollback = faulty_rollback,
                                           FAULTY_SLOTS(SLOT_INIT)};
#undef SLOT_INIT

/* open, close and rollback, plus the counted slots. */
#define COUNT_SLOT(slot, params, args) +1
enum { FORWARDED_SLOTS = 3 FAULTY_SLOTS(COUNT_SLOT) };
#undef COUNT_SLOT

_Static_assert(sizeof(crm_backend_ops) ==
                   offsetof(crm_backend_ops, open) + FORWARDED_SLOTS * sizeof(void (*)(void)),
               "struct crm_backend_ops changed: forward every slot in "
               "tests/robustness/faulty_backend.c (FAULTY_SLOTS)");

static crm_status faulty_open(crm_backend **out, const crm_backend_open_params *params)
{
  *out = NULL;
  /* params->location is "<inner uri>": the part after "faulty:" */
  crm_backend *inner = NULL;
  crm_status st = crm_backend_open(&inner, params->location, params);
  if (st != CRM_OK)
    return st;
  faulty *f = g_new0(faulty, 1);
  f->base.ops = &faulty_ops;
  f->inner = inner;
  *out = &f->base;
  return CRM_OK;
}

crm_status faulty_backend_register(void)
{
  static int registered;
  if (registered)
    return CRM_OK;
  crm_status st = crm_backend_register(&faulty_ops);
  if (st == CRM_OK)
    registered = 1;
  return st;
}

char *faulty_uri(const char *inner_uri)
{
  return g_strconcat(FAULTY_SCHEME ":", inner_uri, NULL);
}
