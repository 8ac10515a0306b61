/*
 * crm queue create|show|skill, crm agent create|show|join|leave|skill.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

typedef crm_status (*skill_fn)(crm_db *db, crm_id id, const char *skill);

static int emit_queue(cli_state *cli, crm_id id)
{
  crm_queue *q = NULL;
  crm_status st = crm_queue_lookup(&q, cli->db, id);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  GPtrArray *skills = g_ptr_array_new();
  for (size_t i = 0; i < crm_queue_skill_count(q); i++)
    g_ptr_array_add(skills, (gpointer)crm_queue_skill_at(q, i));
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "id", "Queue", crm_queue_id(q));
  cli_obj_str(o, "name", "Name", crm_queue_name(q));
  cli_obj_strv(o, "skills", "Skills", skills);
  g_ptr_array_unref(skills);
  crm_queue_free(q);
  return cli_emit_obj(cli, o);
}

static int emit_agent(cli_state *cli, crm_id id)
{
  crm_agent *a = NULL;
  crm_status st = crm_agent_lookup(&a, cli->db, id);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  GPtrArray *skills = g_ptr_array_new();
  for (size_t i = 0; i < crm_agent_skill_count(a); i++)
    g_ptr_array_add(skills, (gpointer)crm_agent_skill_at(a, i));
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "id", "Agent", crm_agent_id(a));
  cli_obj_str(o, "name", "Name", crm_agent_name(a));
  cli_obj_str(o, "email", "E-mail", crm_agent_email(a));
  cli_obj_strv(o, "skills", "Skills", skills);
  g_ptr_array_unref(skills);
  crm_agent_free(a);
  return cli_emit_obj(cli, o);
}

/* ---- creating, with skills, in one transaction ------------------------------------------ */

typedef struct {
  const char *name, *email;
  char **skills;
  gboolean agent;
  crm_id id;
} create_args;

static crm_status add_skills(cli_state *cli, skill_fn add, crm_id id, char **skills)
{
  crm_status st = CRM_OK;
  for (char **s = skills; st == CRM_OK && s != NULL && *s != NULL; s++)
    st = add(cli->db, id, *s);
  return st;
}

static crm_status create_work(cli_state *cli, void *data)
{
  create_args *c = data;
  crm_status st = c->agent ? crm_agent_create(&c->id, cli->db, c->name, c->email)
                           : crm_queue_create(&c->id, cli->db, c->name);
  if (st == CRM_OK)
    st = add_skills(cli, c->agent ? crm_agent_add_skill : crm_queue_add_skill, c->id, c->skills);
  return st;
}

int cmd_queue_create(cli_state *cli, int argc, char **argv)
{
  char **skills = NULL;
  GOptionEntry entries[] = {{"skill", 's', 0, G_OPTION_ARG_STRING_ARRAY, &skills,
                             "A skill the queue needs (repeatable)", "SKILL"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "NAME",
                       "Create a queue (names are unique: an existing name exits 14).", 1, 1);
  if (code == CLI_EXIT_OK) {
    create_args c = {argv[1], NULL, skills, FALSE, 0};
    crm_status st = cli_transaction(cli, create_work, &c);
    code = st == CRM_OK ? emit_queue(cli, c.id) : cli_fail(cli, st);
  }
  g_strfreev(skills);
  return code;
}

int cmd_agent_create(cli_state *cli, int argc, char **argv)
{
  char **skills = NULL;
  char *email = NULL;
  GOptionEntry entries[] = {
      {"email", 'e', 0, G_OPTION_ARG_STRING, &email, "E-mail address (unique among agents)",
       "ADDR"},
      {"skill", 's', 0, G_OPTION_ARG_STRING_ARRAY, &skills, "A skill (repeatable)", "SKILL"},
      G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "NAME", "Create an agent.", 1, 1);
  if (code == CLI_EXIT_OK) {
    create_args c = {argv[1], email, skills, TRUE, 0};
    crm_status st = cli_transaction(cli, create_work, &c);
    code = st == CRM_OK ? emit_agent(cli, c.id) : cli_fail(cli, st);
  }
  g_free(email);
  g_strfreev(skills);
  return code;
}

/* ---- show / skill ---------------------------------------------------------------------- */

typedef struct {
  skill_fn add;
  crm_id id;
  char **skills;
} skill_args;

static crm_status skill_work(cli_state *cli, void *data)
{
  skill_args *s = data;
  return add_skills(cli, s->add, s->id, s->skills);
}

/* "show ID" (add NULL) or "skill ID SKILL..." for a queue or an agent. */
static int id_command(cli_state *cli, int argc, char **argv, gboolean agent, skill_fn add,
                      const char *summary)
{
  const char *what = agent ? "agent" : "queue";
  char *params = g_strdup_printf("%s%s", agent ? "AGENT" : "QUEUE", add ? " SKILL..." : "");
  int code = cli_parse(cli, &argc, &argv, NULL, params, summary, add ? 2 : 1, add ? -1 : 1);
  g_free(params);
  if (code != CLI_EXIT_OK)
    return code;
  skill_args s = {add, 0, argv + 2};
  crm_status st = cli_parse_id(&s.id, argv[1], what);
  if (st == CRM_OK && add != NULL)
    st = cli_transaction(cli, skill_work, &s);
  if (st != CRM_OK)
    return cli_fail(cli, st);
  return agent ? emit_agent(cli, s.id) : emit_queue(cli, s.id);
}

int cmd_queue_show(cli_state *cli, int argc, char **argv)
{
  return id_command(cli, argc, argv, FALSE, NULL, "Show a queue and its skills.");
}

int cmd_queue_skill(cli_state *cli, int argc, char **argv)
{
  return id_command(cli, argc, argv, FALSE, crm_queue_add_skill, "Add skills to a queue.");
}

int cmd_agent_show(cli_state *cli, int argc, char **argv)
{
  return id_command(cli, argc, argv, TRUE, NULL, "Show an agent and their skills.");
}

int cmd_agent_skill(cli_state *cli, int argc, char **argv)
{
  return id_command(cli, argc, argv, TRUE, crm_agent_add_skill, "Add skills to an agent.");
}

/* ---- membership ------------------------------------------------------------------------- */

static int emit_membership(cli_state *cli, crm_id agent, crm_id queue, crm_role_t role)
{
  cli_obj *o = cli_obj_new(cli);
  cli_obj_id(o, "agent", "Agent", agent);
  cli_obj_id(o, "queue", "Queue", queue);
  cli_obj_str(o, "role", "Role", crm_role_name(role));
  return cli_emit_obj(cli, o);
}

int cmd_agent_join(cli_state *cli, int argc, char **argv)
{
  char *role_name = NULL;
  GOptionEntry entries[] = {{"role", 'r', 0, G_OPTION_ARG_STRING, &role_name,
                             "agent (default), supervisor or admin", "ROLE"},
                            G_OPTION_ENTRY_NULL};
  int code = cli_parse(cli, &argc, &argv, entries, "AGENT QUEUE",
                       "Make an agent a member of a queue (joining again changes the role).", 2, 2);
  if (code == CLI_EXIT_OK) {
    crm_id agent = 0, queue = 0;
    crm_role_t role = CRM_ROLE_AGENT;
    crm_status st = role_name != NULL ? cli_parse_role(&role, role_name) : CRM_OK;
    if (st == CRM_OK)
      st = cli_parse_id(&agent, argv[1], "agent");
    if (st == CRM_OK)
      st = cli_parse_id(&queue, argv[2], "queue");
    if (st == CRM_OK)
      st = crm_agent_join(cli->db, agent, queue, role);
    code = st == CRM_OK ? emit_membership(cli, agent, queue, role) : cli_fail(cli, st);
  }
  g_free(role_name);
  return code;
}

int cmd_agent_leave(cli_state *cli, int argc, char **argv)
{
  int code =
      cli_parse(cli, &argc, &argv, NULL, "AGENT QUEUE", "Remove an agent from a queue.", 2, 2);
  if (code != CLI_EXIT_OK)
    return code;
  crm_id agent = 0, queue = 0;
  crm_status st = cli_parse_id(&agent, argv[1], "agent");
  if (st == CRM_OK)
    st = cli_parse_id(&queue, argv[2], "queue");
  if (st == CRM_OK)
    st = crm_agent_leave(cli->db, agent, queue);
  return st == CRM_OK ? emit_membership(cli, agent, queue, 0) : cli_fail(cli, st);
}
