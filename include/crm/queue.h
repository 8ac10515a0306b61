/*
 * libcrm: queues and agents, memberships with roles, skills.
 *
 * On a handle opened with an actor (crm/db.h, "Permissions"), creating
 * queues and agents, memberships (crm_agent_join, crm_agent_leave) and
 * skills return CRM_EPERM, writing nothing, unless the agent is an admin;
 * lookups and crm_agent_role are open to every agent.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_QUEUE_H
#define CRM_QUEUE_H

#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

typedef struct crm_queue crm_queue;
typedef struct crm_agent crm_agent;

/** An agent's role in a queue. @since 0.1 */
typedef enum { CRM_ROLE_AGENT = 1, CRM_ROLE_SUPERVISOR, CRM_ROLE_ADMIN } crm_role_t;

/**
 * Create a queue; names are unique.
 * @return CRM_OK; CRM_EINVALID (NULL/empty name, bad UTF-8); CRM_EEXISTS
 *         (a queue has that name; `out` receives its id). Appends "queue.created".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_queue_create(crm_id *out, crm_db *db, const char *name);

/**
 * Create an agent. `email` (may be NULL) is validated and lower-cased like
 * an e-mail identity, and unique among agents.
 * @return CRM_OK; CRM_EINVALID; CRM_EEXISTS (an agent has that e-mail;
 *         `out` receives its id). Appends "agent.created".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_agent_create(crm_id *out, crm_db *db, const char *name, const char *email);

/**
 * Make an agent a member of a queue with a role; joining again changes the
 * role (the same role again is a no-op).
 * @return CRM_OK; CRM_EINVALID (bad role); CRM_ENOTFOUND (agent or queue).
 *         Appends "agent.joined".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_agent_join(crm_db *db, crm_id agent, crm_id queue, crm_role_t role);

/**
 * Remove an agent from a queue.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (agent, queue, or not a
 *         member). Appends "agent.left".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_agent_leave(crm_db *db, crm_id agent, crm_id queue);

/**
 * The agent's role in the queue.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (agent, queue, or not a member)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_agent_role(crm_role_t *out, crm_db *db, crm_id agent, crm_id queue);

/**
 * Add a free-text skill ("billing", "fibre", "italian") to a queue or an
 * agent; a skill already there is a no-op.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND. Appends "queue.skill" / "agent.skill".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_queue_add_skill(crm_db *db, crm_id queue, const char *skill);
CRM_EXTERN(crm_status) crm_agent_add_skill(crm_db *db, crm_id agent, const char *skill);

/**
 * Read a queue / an agent (owned: free with crm_queue_free / crm_agent_free).
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_queue_lookup(crm_queue **out, crm_db *db, crm_id id);
CRM_EXTERN(crm_id) crm_queue_id(const crm_queue *q);
CRM_EXTERN(const char *) crm_queue_name(const crm_queue *q);
/** Skills, sorted; crm_queue_skill_at returns NULL past the end. */
CRM_EXTERN(size_t) crm_queue_skill_count(const crm_queue *q);
CRM_EXTERN(const char *) crm_queue_skill_at(const crm_queue *q, size_t i);
CRM_EXTERN(void) crm_queue_free(crm_queue *q);

CRM_EXTERN(crm_status) crm_agent_lookup(crm_agent **out, crm_db *db, crm_id id);
CRM_EXTERN(crm_id) crm_agent_id(const crm_agent *a);
CRM_EXTERN(const char *) crm_agent_name(const crm_agent *a);
CRM_EXTERN(const char *) crm_agent_email(const crm_agent *a); /**< NULL: none */
CRM_EXTERN(size_t) crm_agent_skill_count(const crm_agent *a);
CRM_EXTERN(const char *) crm_agent_skill_at(const crm_agent *a, size_t i);
CRM_EXTERN(void) crm_agent_free(crm_agent *a);

/** The role's name ("agent", "supervisor", "admin"); NULL out of range. */
CRM_EXTERN(const char *) crm_role_name(crm_role_t role);

CRM_END_DECL

#endif
