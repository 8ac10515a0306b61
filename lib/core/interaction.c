/*
 * Interactions: one contact on any channel, filed into a case by the rules
 * of crm/interaction.h; their attributes and participants.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "interaction_internal.h"

struct crm_interaction {
  crm_interaction_row row; /* owns its malloc'd strings */
  GHashTable *attributes;  /* key -> value, g_malloc'd */
};

struct crm_participant {
  crm_identity_kind_t kind;
  char *value, *role;
};

struct crm_participant_iterator {
  crm__pager *pager;
};

/* ------------------------------------------------------------------ */
/* shared internals (interaction_internal.h)                            */

crm_status crm__interaction_get(crm_interaction_row *out, crm_db *db, crm_id id)
{
  crm_status st = CRM__OPS(db)->interaction_get(CRM__B(db), id, out);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "interaction %lld not found", (long long)id);
  return st;
}

crm_status crm__interaction_exists(crm_db *db, crm_id id)
{
  crm_interaction_row row = {0};
  crm_status st = crm__interaction_get(&row, db, id);
  crm_interaction_row_clear(&row);
  return st;
}

static crm_status case_get(crm_case_row *out, crm_db *db, crm_id id)
{
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), id, out);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "case %lld not found", (long long)id);
  return st;
}

crm_status crm__interaction_case_exists(crm_db *db, crm_id id)
{
  crm_case_row row = {0};
  crm_status st = case_get(&row, db, id);
  crm_case_row_clear(&row);
  return st;
}

static int collect_attribute(const void *row, void *payload)
{
  const crm_attribute_row *a = row;
  g_hash_table_replace(payload, g_strdup(a->key), g_strdup(a->value));
  return 0;
}

crm_status crm__interaction_new(crm_interaction **out, crm_db *db, crm_interaction_row *row)
{
  *out = NULL;
  crm_interaction *ix = g_new0(crm_interaction, 1);
  ix->row = *row;
  memset(row, 0, sizeof *row);
  ix->attributes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  crm_status st = CRM__OPS(db)->attribute_list(CRM__B(db), CRM_ENTITY_INTERACTION, ix->row.id,
                                               collect_attribute, ix->attributes);
  if (st != CRM_OK) {
    crm_interaction_free(ix);
    return st;
  }
  *out = ix;
  return CRM_OK;
}

typedef struct {
  crm_id interaction;
  crm__list_fn list;
  int done;
} list_state;

static crm_status fetch_list_once(crm__pager *p, unsigned int want, GPtrArray *items)
{
  (void)want; /* these lists are short: one call returns them whole */
  list_state *ls = p->state;
  if (ls->done)
    return CRM_OK;
  crm_status st = ls->list(p->db, ls->interaction, items);
  if (st == CRM_OK)
    ls->done = 1;
  return st;
}

crm__pager *crm__list_pager_new(crm_db *db, crm_id interaction, crm__list_fn list,
                                GDestroyNotify free_item)
{
  list_state *ls = g_new0(list_state, 1);
  ls->interaction = interaction;
  ls->list = list;
  return crm__pager_new(db, fetch_list_once, free_item, 0, ls, g_free);
}

/* ------------------------------------------------------------------ */
/* validation of a spec                                                 */

crm_status crm_interaction_spec_init(crm_interaction_spec *spec, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = crm__check_version(version, CRM_INTERACTION_SPEC_VERSION, "crm_interaction_spec")) !=
          CRM_OK)
    return st;
  memset(spec, 0, sizeof *spec);
  spec->version = version;
  return CRM_OK;
}

/* 0 (none) or a valid id. */
static crm_status check_optional_id(crm_id id, const char *what)
{
  if (id < 0)
    return crm__error(CRM_EINVALID, "%s id %lld is not valid (0 for none, or an id > 0)", what,
                      (long long)id);
  return CRM_OK;
}

/* Only contacts that happen live can be answered, busy, abandoned... */
static int channel_is_synchronous(crm_channel_t channel)
{
  return channel == CRM_CHANNEL_PHONE || channel == CRM_CHANNEL_IVR ||
         channel == CRM_CHANNEL_CHAT || channel == CRM_CHANNEL_IN_PERSON;
}

static crm_status check_enums(const crm_interaction_spec *s)
{
  crm_status st;
  if ((st = crm__check_enum((int)s->channel, 1, CRM_CHANNEL_MAX, "channel")) != CRM_OK ||
      (st = crm__check_enum((int)s->direction, CRM_DIRECTION_INBOUND, CRM_DIRECTION_INTERNAL,
                            "direction")) != CRM_OK ||
      (st = crm__check_enum((int)s->outcome, CRM_OUTCOME_NONE, CRM_OUTCOME_MISSED, "outcome")) !=
          CRM_OK)
    return st;
  if (s->outcome != CRM_OUTCOME_NONE && !channel_is_synchronous(s->channel))
    return crm__error(CRM_EINVALID,
                      "outcome %s is not allowed on channel %s (only phone, ivr, chat and "
                      "in_person contacts have an outcome)",
                      crm_outcome_name(s->outcome), crm_channel_name(s->channel));
  if (s->channel == CRM_CHANNEL_NOTE && s->direction != CRM_DIRECTION_INTERNAL)
    return crm__error(CRM_EINVALID,
                      "channel note takes direction internal only, not %s (a note is never "
                      "seen by the customer)",
                      crm_direction_name(s->direction));
  return CRM_OK;
}

static crm_status check_texts(const crm_interaction_spec *s)
{
  crm_status st;
  if ((st = crm__check_text(s->subject, "subject", 0)) != CRM_OK ||
      (st = crm__check_text(s->body, "body", 0)) != CRM_OK ||
      (st = crm__check_text(s->in_reply_to, "in_reply_to", 0)) != CRM_OK)
    return st;
  if (s->external_ref)
    return crm__check_text(s->external_ref, "external_ref", 1);
  return CRM_OK;
}

static crm_status check_spec(const crm_interaction_spec *s)
{
  crm_status st;
  if ((st = crm__check_version(s->version, CRM_INTERACTION_SPEC_VERSION, "crm_interaction_spec")) !=
          CRM_OK ||
      (st = crm__check_id(s->customer, "customer")) != CRM_OK ||
      (st = check_optional_id(s->case_id, "case")) != CRM_OK ||
      (st = check_optional_id(s->agent, "agent")) != CRM_OK || (st = check_enums(s)) != CRM_OK)
    return st;
  if (s->occurred_at < 0)
    return crm__error(CRM_EINVALID, "occurred_at %lld must not be negative (0: now)",
                      (long long)s->occurred_at);
  if ((st = crm__check_time(s->occurred_at, "occurred_at")) != CRM_OK)
    return st;
  return check_texts(s);
}

/* ------------------------------------------------------------------ */
/* recording                                                            */

static crm_status ref_taken(crm_channel_t channel, const char *ref, crm_id existing)
{
  char *q = crm__quote(ref);
  crm__error(CRM_EEXISTS,
             "external_ref %s is already recorded on channel %s (interaction %lld): "
             "nothing written",
             q, crm_channel_name(channel), (long long)existing);
  g_free(q);
  return CRM_EEXISTS;
}

/* The case of the interaction recorded as `ref` on `channel` (0: any); 0 if none. */
static crm_status case_of_ref(crm_id *out, crm_db *db, int channel, const char *ref)
{
  *out = 0;
  crm_id found = 0;
  crm_status st = CRM__OPS(db)->interaction_find_ref(CRM__B(db), channel, ref, &found);
  if (st == CRM_ENOTFOUND)
    return CRM_OK;
  if (st != CRM_OK)
    return st;
  crm_interaction_row row = {0};
  st = crm__interaction_get(&row, db, found);
  if (st == CRM_OK)
    *out = row.case_id;
  crm_interaction_row_clear(&row);
  return st;
}

/* The case in_reply_to threads to: the same channel first, then any. */
static crm_status thread_case(crm_id *out, crm_db *db, const crm_interaction_spec *s)
{
  *out = 0;
  if (s->in_reply_to == NULL || s->in_reply_to[0] == '\0')
    return CRM_OK;
  CRM__TRY(case_of_ref(out, db, (int)s->channel, s->in_reply_to));
  if (*out == 0)
    CRM__TRY(case_of_ref(out, db, 0, s->in_reply_to));
  return CRM_OK;
}

/* The interaction's subject, or "<channel> contact": never NULL or empty. */
static char *case_subject(const crm_interaction_spec *s)
{
  if (s->subject && s->subject[0] != '\0')
    return g_strdup(s->subject);
  return g_strdup_printf("%s contact", crm_channel_name(s->channel));
}

/*
 * Which case the interaction lands in (0: none), creating or redirecting
 * as the filing rules say; the case's counters and version are updated.
 * *created: the case is new, opened by this contact.
 */
static crm_status file_interaction(crm_id *filed, int *created, crm_db *db,
                                   const crm_interaction_spec *s, crm_time occurred_at)
{
  *filed = 0;
  *created = 0;
  crm_id target = s->case_id;
  if (target == 0)
    CRM__TRY(thread_case(&target, db, s));
  if (target == 0 && s->direction == CRM_DIRECTION_INBOUND) {
    /* the invariant: an inbound contact always ends in a case, here a new
       one with this contact already counted (the customer was checked) */
    char *subject = case_subject(s);
    crm_case_spec cs = CRM_CASE_SPEC_INIT;
    cs.customer = s->customer;
    cs.subject = subject;
    crm_status st = crm__case_create_inbound(filed, db, &cs);
    g_free(subject);
    if (st == CRM_OK)
      *created = 1;
    return st;
  }
  if (target == 0)
    return CRM_OK;
  /* without a subject of its own, a follow-up case takes the old case's */
  return crm__case_file(filed, db, target, s->direction, occurred_at, s->subject);
}

static crm_status emit_recorded(crm_db *db, const crm_interaction_row *row)
{
  crm__payload p;
  crm__payload_init(&p);
  crm__payload_id(&p, "interaction", row->id);
  crm__payload_id(&p, "customer", row->customer);
  crm__payload_id(&p, "case", row->case_id);
  crm__payload_str(&p, "channel", crm_channel_name(row->channel));
  crm__payload_str(&p, "direction", crm_direction_name(row->direction));
  crm__payload_str(&p, "outcome",
                   row->outcome == CRM_OUTCOME_NONE ? NULL : crm_outcome_name(row->outcome));
  crm__payload_int(&p, "occurred_at", row->occurred_at);
  crm__payload_str(&p, "external_ref", row->external_ref);
  return crm__event_emit_payload(db, "interaction.recorded", "interaction", row->id, &p);
}

static crm_status record_locked(crm_id *out, crm_id *existing, crm_db *db,
                                const crm_interaction_spec *s)
{
  CRM__TRY(crm__customer_exists(db, s->customer));
  if (s->case_id)
    CRM__TRY(crm__interaction_case_exists(db, s->case_id));
  if (s->agent)
    CRM__TRY(crm__agent_exists(db, s->agent));

  crm_time now = crm_now(db);
  crm_interaction_row row = {0};
  row.customer = s->customer;
  row.agent = s->agent;
  row.channel = (int)s->channel;
  row.direction = (int)s->direction;
  row.outcome = (int)s->outcome;
  row.occurred_at = s->occurred_at ? s->occurred_at : now;
  row.recorded_at = now;
  /* borrowed: the row is not cleared */
  row.subject = (char *)s->subject;
  row.body = (char *)s->body;
  row.external_ref = (char *)s->external_ref;
  row.in_reply_to = (char *)s->in_reply_to;
  int created = 0;
  CRM__TRY(file_interaction(&row.case_id, &created, db, s, row.occurred_at));

  /* a known external_ref is refused by the store's unique key, not looked
     up first: the case filed for it above goes with the call's undo */
  crm_status st = CRM__OPS(db)->interaction_insert(CRM__B(db), &row, existing);
  if (st == CRM_EEXISTS)
    return ref_taken(s->channel, s->external_ref, *existing);
  if (st != CRM_OK)
    return st;
  CRM__TRY(emit_recorded(db, &row));
  CRM__TRY(crm__sla_on_interaction(db, &row, created)); /* public contacts move SLA clocks */
  *out = row.id;
  return CRM_OK;
}

crm_status crm_interaction_record(crm_id *out, crm_db *db, const crm_interaction_spec *spec)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = check_spec(spec)) != CRM_OK)
    return st;
  crm_id id = 0, existing = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK && spec->case_id)
    st = crm__perm_case(db, spec->case_id, CRM_ROLE_AGENT, "record an interaction in");
  if (st == CRM_OK)
    st = record_locked(&id, &existing, db, spec);
  /* filed by the library: refused (and undone) when it lands in a case
     the actor may not write */
  if (st == CRM_OK && !spec->case_id)
    st = crm__perm_interaction(db, id, CRM_ROLE_AGENT, "record an interaction in");
  st = crm__write_end(db, st);
  /* the one documented exception: a known reference returns its id */
  *out = st == CRM_OK ? id : st == CRM_EEXISTS ? existing : 0;
  return st;
}

/* ------------------------------------------------------------------ */
/* reading                                                              */

crm_status crm_interaction_lookup(crm_interaction **out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "interaction")) != CRM_OK)
    return st;
  crm_interaction_row row = {0};
  st = crm__interaction_get(&row, db, id);
  if (st == CRM_OK)
    st = crm__perm_interaction_row(db, &row, CRM_ROLE_AGENT, "read an interaction of");
  if (st == CRM_OK)
    st = crm__interaction_new(out, db, &row);
  crm_interaction_row_clear(&row);
  return st;
}

crm_id crm_interaction_id(const crm_interaction *ix)
{
  return ix ? ix->row.id : 0;
}

crm_id crm_interaction_case(const crm_interaction *ix)
{
  return ix ? ix->row.case_id : 0;
}

crm_id crm_interaction_customer(const crm_interaction *ix)
{
  return ix ? ix->row.customer : 0;
}

crm_id crm_interaction_agent(const crm_interaction *ix)
{
  return ix ? ix->row.agent : 0;
}

crm_channel_t crm_interaction_channel(const crm_interaction *ix)
{
  return ix ? (crm_channel_t)ix->row.channel : (crm_channel_t)0;
}

crm_direction_t crm_interaction_direction(const crm_interaction *ix)
{
  return ix ? (crm_direction_t)ix->row.direction : (crm_direction_t)0;
}

crm_outcome_t crm_interaction_outcome(const crm_interaction *ix)
{
  return ix ? (crm_outcome_t)ix->row.outcome : CRM_OUTCOME_NONE;
}

crm_time crm_interaction_occurred_at(const crm_interaction *ix)
{
  return ix ? ix->row.occurred_at : 0;
}

crm_time crm_interaction_recorded_at(const crm_interaction *ix)
{
  return ix ? ix->row.recorded_at : 0;
}

const char *crm_interaction_subject(const crm_interaction *ix)
{
  return ix ? ix->row.subject : NULL;
}

const char *crm_interaction_body(const crm_interaction *ix)
{
  return ix ? ix->row.body : NULL;
}

const char *crm_interaction_external_ref(const crm_interaction *ix)
{
  return ix ? ix->row.external_ref : NULL;
}

const char *crm_interaction_in_reply_to(const crm_interaction *ix)
{
  return ix ? ix->row.in_reply_to : NULL;
}

const char *crm_interaction_attribute(const crm_interaction *ix, const char *key)
{
  if (ix == NULL || key == NULL)
    return NULL;
  return g_hash_table_lookup(ix->attributes, key);
}

void crm_interaction_free(crm_interaction *ix)
{
  if (ix == NULL)
    return;
  crm_interaction_row_clear(&ix->row);
  if (ix->attributes)
    g_hash_table_unref(ix->attributes);
  g_free(ix);
}

/* ------------------------------------------------------------------ */
/* moving to another case                                               */

/*
 * The receiving side of a move: version + 1 and the inbound count, with
 * no filing rule (a move never reopens or redirects).
 */
static crm_status count_into_case(crm_db *db, crm_id case_id, crm_direction_t direction)
{
  crm_case_row c = {0};
  CRM__TRY(case_get(&c, db, case_id));
  int64_t old_version = c.version;
  c.version++;
  if (direction == CRM_DIRECTION_INBOUND)
    c.inbound_count++;
  c.updated_at = crm_now(db);
  crm_status st = CRM__OPS(db)->case_update(CRM__B(db), &c, old_version);
  crm_case_row_clear(&c);
  return st;
}

static crm_status emit_moved(crm_db *db, crm_id interaction, crm_id from, crm_id to)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "interaction", interaction);
  crm__json_set_id(o, "from_case", from);
  crm__json_set_id(o, "to_case", to);
  return crm__event_emit(db, "interaction.moved", "interaction", interaction, o);
}

static crm_status move_locked(crm_db *db, crm_id interaction, crm_id to_case)
{
  crm_interaction_row row = {0};
  CRM__TRY(crm__interaction_get(&row, db, interaction));
  crm_id from = row.case_id;
  crm_direction_t direction = (crm_direction_t)row.direction;
  crm_interaction_row_clear(&row);
  CRM__TRY(crm__interaction_case_exists(db, to_case));
  if (from == to_case)
    return CRM_OK;
  if (from != 0)
    CRM__TRY(crm__case_unfile(db, from, direction));
  CRM__TRY(CRM__OPS(db)->interaction_set_case(CRM__B(db), interaction, to_case));
  CRM__TRY(count_into_case(db, to_case, direction));
  return emit_moved(db, interaction, from, to_case);
}

crm_status crm_interaction_move(crm_db *db, crm_id interaction, crm_id to_case)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(interaction, "interaction")) != CRM_OK ||
      (st = crm__check_id(to_case, "case")) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_interaction(db, interaction, CRM_ROLE_AGENT, "move an interaction out of");
  if (st == CRM_OK)
    st = crm__perm_case(db, to_case, CRM_ROLE_AGENT, "move an interaction into");
  if (st == CRM_OK)
    st = move_locked(db, interaction, to_case);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* attributes                                                           */

static crm_status set_attribute_locked(crm_db *db, crm_id interaction, const char *key,
                                       const char *value)
{
  CRM__TRY(crm__interaction_exists(db, interaction));
  CRM__TRY(
      CRM__OPS(db)->attribute_set(CRM__B(db), CRM_ENTITY_INTERACTION, interaction, key, value));
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "interaction", interaction);
  json_object_set_string_member(o, "key", key);
  crm__json_set_str(o, "value", value);
  return crm__event_emit(db, "interaction.attribute", "interaction", interaction, o);
}

crm_status crm_interaction_set_attribute(crm_db *db, crm_id interaction, const char *key,
                                         const char *value)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(interaction, "interaction")) != CRM_OK ||
      (st = crm__check_text(key, "key", 1)) != CRM_OK ||
      (st = crm__check_text(value, "value", 0)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_interaction(db, interaction, CRM_ROLE_AGENT, "change an interaction of");
  if (st == CRM_OK)
    st = set_attribute_locked(db, interaction, key, value);
  return crm__write_end(db, st);
}

/* ------------------------------------------------------------------ */
/* participants                                                         */

static crm_status add_participant_locked(crm_db *db, const crm_participant_row *p)
{
  CRM__TRY(crm__interaction_exists(db, p->interaction));
  crm_status st = CRM__OPS(db)->participant_insert(CRM__B(db), p);
  if (st == CRM_EEXISTS)
    return CRM_OK; /* the same participant and role again: a no-op */
  if (st != CRM_OK)
    return st;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "interaction", p->interaction);
  json_object_set_string_member(o, "kind", crm_identity_kind_name(p->kind));
  json_object_set_string_member(o, "value", p->value);
  json_object_set_string_member(o, "role", p->role);
  return crm__event_emit(db, "interaction.participant", "interaction", p->interaction, o);
}

crm_status crm_interaction_add_participant(crm_db *db, crm_id interaction, crm_identity_kind_t kind,
                                           const char *value, const char *role)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(interaction, "interaction")) != CRM_OK ||
      (st = crm__check_enum((int)kind, CRM_IDENTITY_EMAIL, CRM_IDENTITY_POSTAL, "identity kind")) !=
          CRM_OK ||
      (st = crm__check_text(value, "value", 1)) != CRM_OK ||
      (st = crm__check_text(role, "role", 1)) != CRM_OK)
    return st;
  char *normalised = NULL;
  if ((st = crm__identity_normalize(&normalised, db, kind, value)) != CRM_OK)
    return st;
  crm_participant_row p = {interaction, (int)kind, normalised, (char *)role};
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_interaction(db, interaction, CRM_ROLE_AGENT, "change an interaction of");
  if (st == CRM_OK)
    st = add_participant_locked(db, &p);
  st = crm__write_end(db, st);
  g_free(normalised);
  return st;
}

static int collect_participant(const void *row, void *payload)
{
  const crm_participant_row *r = row;
  crm_participant *p = g_new0(crm_participant, 1);
  p->kind = (crm_identity_kind_t)r->kind;
  p->value = g_strdup(r->value);
  p->role = g_strdup(r->role);
  g_ptr_array_add(payload, p);
  return 0;
}

static crm_status list_participants(crm_db *db, crm_id interaction, GPtrArray *items)
{
  return CRM__OPS(db)->participant_list(CRM__B(db), interaction, collect_participant, items);
}

crm_status crm_participant_iterator_new(crm_participant_iterator **out, crm_db *db,
                                        crm_id interaction)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(interaction, "interaction")) != CRM_OK ||
      (st = crm__interaction_exists(db, interaction)) != CRM_OK ||
      (st = crm__perm_interaction(db, interaction, CRM_ROLE_AGENT, "read an interaction of")) !=
          CRM_OK)
    return st;
  crm_participant_iterator *it = g_new0(crm_participant_iterator, 1);
  it->pager =
      crm__list_pager_new(db, interaction, list_participants, (GDestroyNotify)crm_participant_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_participant_next(crm_participant **out, crm_participant_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_participant_iterator_free(crm_participant_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

crm_identity_kind_t crm_participant_kind(const crm_participant *p)
{
  return p ? p->kind : (crm_identity_kind_t)0;
}

const char *crm_participant_value(const crm_participant *p)
{
  return p ? p->value : NULL;
}

const char *crm_participant_role(const crm_participant *p)
{
  return p ? p->role : NULL;
}

void crm_participant_free(crm_participant *p)
{
  if (p == NULL)
    return;
  g_free(p->value);
  g_free(p->role);
  g_free(p);
}
