/*
 * Queues and agents: creation, memberships with roles, skills.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A queue or an agent as handed to the user. */
typedef struct {
  crm_party_row row; /* malloc'd strings */
  GPtrArray *skills; /* sorted, g_malloc'd */
} party;

struct crm_queue {
  party p;
};

struct crm_agent {
  party p;
};

typedef crm_status (*party_get_fn)(crm_backend *b, crm_id id, crm_party_row *out);

/* What differs between queues and agents. */
typedef struct {
  const char *noun; /* "queue", "agent" */
  crm_entity_t entity;
  party_get_fn (*get)(crm_db *db);
} party_kind;

static party_get_fn queue_get_slot(crm_db *db)
{
  return CRM__OPS(db)->queue_get;
}

static party_get_fn agent_get_slot(crm_db *db)
{
  return CRM__OPS(db)->agent_get;
}

static const party_kind queue_kind = {"queue", CRM_ENTITY_QUEUE, queue_get_slot};
static const party_kind agent_kind = {"agent", CRM_ENTITY_AGENT, agent_get_slot};

/* The stored row; CRM_ENOTFOUND names the queue or agent. */
static crm_status party_get(crm_party_row *out, crm_db *db, const party_kind *k, crm_id id)
{
  memset(out, 0, sizeof *out);
  crm_status st = k->get(db)(CRM__B(db), id, out);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "%s %lld does not exist", k->noun, (long long)id);
  return st;
}

static crm_status party_exists(crm_db *db, const party_kind *k, crm_id id)
{
  crm_party_row row;
  crm_status st = party_get(&row, db, k, id);
  crm_party_row_clear(&row);
  return st;
}

crm_status crm__queue_exists(crm_db *db, crm_id id)
{
  return party_exists(db, &queue_kind, id);
}

crm_status crm__agent_exists(crm_db *db, crm_id id)
{
  return party_exists(db, &agent_kind, id);
}

/* ------------------------------------------------------------------ */
/* creation                                                             */

static crm_status queue_create_locked(crm_id *out, crm_db *db, const char *name)
{
  crm_party_row row = {0};
  row.name = (char *)name; /* borrowed: the row is not cleared */
  row.created_at = crm_now(db);
  crm_id existing = 0;
  crm_status st = CRM__OPS(db)->queue_insert(CRM__B(db), &row, &existing);
  if (st == CRM_EEXISTS) {
    *out = existing;
    char *q = crm__quote(name);
    crm__error(CRM_EEXISTS, "a queue named %s exists (id %lld)", q, (long long)existing);
    g_free(q);
    return CRM_EEXISTS;
  }
  if (st != CRM_OK)
    return st;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "queue", row.id);
  crm__json_set_str(o, "name", name);
  st = crm__event_emit(db, "queue.created", "queue", row.id, o);
  if (st == CRM_OK)
    *out = row.id;
  return st;
}

/* Run a creation in its own write transaction; an EEXISTS keeps the
   existing id in *out (the call wrote nothing). */
static crm_status finish_create(crm_id *out, crm_db *db, crm_id id, crm_status st)
{
  st = crm__write_end(db, st);
  if (st == CRM_OK || st == CRM_EEXISTS)
    *out = id;
  return st;
}

crm_status crm_queue_create(crm_id *out, crm_db *db, const char *name)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(name, "name", 1)) != CRM_OK)
    return st;
  crm_id id = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "create a queue");
  if (st == CRM_OK)
    st = queue_create_locked(&id, db, name);
  return finish_create(out, db, id, st);
}

static crm_status agent_create_locked(crm_id *out, crm_db *db, const char *name, const char *email)
{
  crm_party_row row = {0};
  row.name = (char *)name;   /* borrowed */
  row.email = (char *)email; /* borrowed, normalised */
  row.created_at = crm_now(db);
  crm_id existing = 0;
  crm_status st = CRM__OPS(db)->agent_insert(CRM__B(db), &row, &existing);
  if (st == CRM_EEXISTS) {
    *out = existing;
    char *q = crm__quote(email);
    crm__error(CRM_EEXISTS, "an agent with email %s exists (id %lld)", q, (long long)existing);
    g_free(q);
    return CRM_EEXISTS;
  }
  if (st != CRM_OK)
    return st;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "agent", row.id);
  crm__json_set_str(o, "name", name);
  crm__json_set_str(o, "email", email);
  st = crm__event_emit(db, "agent.created", "agent", row.id, o);
  if (st == CRM_OK)
    *out = row.id;
  return st;
}

crm_status crm_agent_create(crm_id *out, crm_db *db, const char *name, const char *email)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(name, "name", 1)) != CRM_OK ||
      (st = crm__check_text(email, "email", 0)) != CRM_OK)
    return st;
  char *norm = NULL;
  if (email && (st = crm__email_normalize(&norm, email, "email")) != CRM_OK)
    return st;
  crm_id id = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "create an agent");
  if (st == CRM_OK)
    st = agent_create_locked(&id, db, name, norm);
  g_free(norm);
  return finish_create(out, db, id, st);
}

/* ------------------------------------------------------------------ */
/* memberships                                                          */

static crm_status check_member_args(crm_db *db, crm_id agent, crm_id queue)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(agent, "agent")) != CRM_OK ||
      (st = crm__check_id(queue, "queue")) != CRM_OK)
    return st;
  return CRM_OK;
}

static crm_status check_member_exists(crm_db *db, crm_id agent, crm_id queue)
{
  CRM__TRY(crm__agent_exists(db, agent));
  return crm__queue_exists(db, queue);
}

/* The membership's role; CRM_ENOTFOUND names both sides. */
static crm_status member_get(int *role, crm_db *db, crm_id agent, crm_id queue)
{
  *role = 0;
  crm_status st = CRM__OPS(db)->member_get(CRM__B(db), agent, queue, role);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "agent %lld is not a member of queue %lld", (long long)agent,
                      (long long)queue);
  return st;
}

static JsonObject *member_payload(crm_id agent, crm_id queue)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "agent", agent);
  crm__json_set_id(o, "queue", queue);
  return o;
}

static crm_status join_locked(crm_db *db, crm_id agent, crm_id queue, int role)
{
  CRM__TRY(check_member_exists(db, agent, queue));
  int current = 0;
  crm_status st = member_get(&current, db, agent, queue);
  if (st == CRM_OK && current == role)
    return CRM_OK; /* the same role again */
  if (st != CRM_OK && st != CRM_ENOTFOUND)
    return st;
  CRM__TRY(CRM__OPS(db)->member_set(CRM__B(db), agent, queue, role));
  JsonObject *o = member_payload(agent, queue);
  json_object_set_string_member(o, "role", crm_role_name((crm_role_t)role));
  return crm__event_emit(db, "agent.joined", "agent", agent, o);
}

crm_status crm_agent_join(crm_db *db, crm_id agent, crm_id queue, crm_role_t role)
{
  crm_status st;
  if ((st = check_member_args(db, agent, queue)) != CRM_OK ||
      (st = crm__check_enum((int)role, CRM_ROLE_AGENT, CRM_ROLE_ADMIN, "role")) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change memberships");
  if (st == CRM_OK)
    st = join_locked(db, agent, queue, (int)role);
  crm__perm_invalidate(db);
  return crm__write_end(db, st);
}

static crm_status leave_locked(crm_db *db, crm_id agent, crm_id queue)
{
  CRM__TRY(check_member_exists(db, agent, queue));
  int role = 0;
  CRM__TRY(member_get(&role, db, agent, queue));
  CRM__TRY(CRM__OPS(db)->member_delete(CRM__B(db), agent, queue));
  return crm__event_emit(db, "agent.left", "agent", agent, member_payload(agent, queue));
}

crm_status crm_agent_leave(crm_db *db, crm_id agent, crm_id queue)
{
  crm_status st;
  if ((st = check_member_args(db, agent, queue)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change memberships");
  if (st == CRM_OK)
    st = leave_locked(db, agent, queue);
  crm__perm_invalidate(db);
  return crm__write_end(db, st);
}

crm_status crm_agent_role(crm_role_t *out, crm_db *db, crm_id agent, crm_id queue)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = (crm_role_t)0;
  if ((st = check_member_args(db, agent, queue)) != CRM_OK ||
      (st = check_member_exists(db, agent, queue)) != CRM_OK)
    return st;
  int role = 0;
  if ((st = member_get(&role, db, agent, queue)) != CRM_OK)
    return st;
  *out = (crm_role_t)role;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* skills                                                               */

static crm_status add_skill_locked(crm_db *db, const party_kind *k, crm_id id, const char *skill)
{
  CRM__TRY(party_exists(db, k, id));
  crm_status st = CRM__OPS(db)->label_add(CRM__B(db), k->entity, id, skill);
  if (st == CRM_EEXISTS)
    return CRM_OK; /* a skill already there */
  if (st != CRM_OK)
    return st;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, k->noun, id);
  json_object_set_string_member(o, "skill", skill);
  char *kind = g_strdup_printf("%s.skill", k->noun);
  st = crm__event_emit(db, kind, k->noun, id, o);
  g_free(kind);
  return st;
}

static crm_status add_skill(crm_db *db, const party_kind *k, crm_id id, const char *skill)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, k->noun)) != CRM_OK ||
      (st = crm__check_text(skill, "skill", 1)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change skills");
  if (st == CRM_OK)
    st = add_skill_locked(db, k, id, skill);
  return crm__write_end(db, st);
}

crm_status crm_queue_add_skill(crm_db *db, crm_id queue, const char *skill)
{
  return add_skill(db, &queue_kind, queue, skill);
}

crm_status crm_agent_add_skill(crm_db *db, crm_id agent, const char *skill)
{
  return add_skill(db, &agent_kind, agent, skill);
}

/* ------------------------------------------------------------------ */
/* objects                                                              */

static int collect_label(const void *row, void *payload)
{
  g_ptr_array_add(payload, g_strdup((const char *)row));
  return 0;
}

static void party_clear(party *p)
{
  crm_party_row_clear(&p->row);
  if (p->skills)
    g_ptr_array_unref(p->skills);
  p->skills = NULL;
}

static crm_status party_load(party *p, crm_db *db, const party_kind *k, crm_id id)
{
  p->skills = g_ptr_array_new_with_free_func(g_free);
  crm_status st = party_get(&p->row, db, k, id);
  if (st == CRM_OK)
    st = CRM__OPS(db)->label_list(CRM__B(db), k->entity, id, collect_label, p->skills);
  if (st != CRM_OK)
    party_clear(p);
  return st;
}

/* A queue or agent object: crm_queue and crm_agent both start with a party. */
static crm_status party_lookup(party **out, crm_db *db, const party_kind *k, crm_id id)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, k->noun)) != CRM_OK)
    return st;
  party *p = g_new0(party, 1);
  if ((st = party_load(p, db, k, id)) != CRM_OK) {
    g_free(p);
    return st;
  }
  *out = p;
  return CRM_OK;
}

crm_status crm_queue_lookup(crm_queue **out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  party *p = NULL;
  st = party_lookup(&p, db, &queue_kind, id);
  *out = (crm_queue *)p;
  return st;
}

crm_status crm_agent_lookup(crm_agent **out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  party *p = NULL;
  st = party_lookup(&p, db, &agent_kind, id);
  *out = (crm_agent *)p;
  return st;
}

static const char *skill_at(const party *p, size_t i)
{
  if (i >= p->skills->len)
    return NULL;
  return g_ptr_array_index(p->skills, i);
}

crm_id crm_queue_id(const crm_queue *q)
{
  return q ? q->p.row.id : 0;
}

const char *crm_queue_name(const crm_queue *q)
{
  return q ? q->p.row.name : NULL;
}

size_t crm_queue_skill_count(const crm_queue *q)
{
  return q ? q->p.skills->len : 0;
}

const char *crm_queue_skill_at(const crm_queue *q, size_t i)
{
  return q ? skill_at(&q->p, i) : NULL;
}

void crm_queue_free(crm_queue *q)
{
  if (q == NULL)
    return;
  party_clear(&q->p);
  g_free(q);
}

crm_id crm_agent_id(const crm_agent *a)
{
  return a ? a->p.row.id : 0;
}

const char *crm_agent_name(const crm_agent *a)
{
  return a ? a->p.row.name : NULL;
}

const char *crm_agent_email(const crm_agent *a)
{
  return a ? a->p.row.email : NULL;
}

size_t crm_agent_skill_count(const crm_agent *a)
{
  return a ? a->p.skills->len : 0;
}

const char *crm_agent_skill_at(const crm_agent *a, size_t i)
{
  return a ? skill_at(&a->p, i) : NULL;
}

void crm_agent_free(crm_agent *a)
{
  if (a == NULL)
    return;
  party_clear(&a->p);
  g_free(a);
}
