/*
 * Unit tests: queues and agents, memberships with roles, skills.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct {
  long rows, events;
} counts;

static counts count_now(crm_test_db *t)
{
  counts c = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return c;
}

#define assert_nothing_written(t, before)                              \
  do {                                                                 \
    assert_int_equal(crm_test_count_all_rows(t), (before).rows);       \
    assert_int_equal(crm_test_count_events((t)->db), (before).events); \
  } while (0)

/* The newest event: kind, entity and entity id checked, payload returned
   (valid until the parser is unreffed). */
static JsonObject *last_event(crm_db *db, JsonParser **parser, const char *kind, const char *entity,
                              crm_id entity_id)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *ev = NULL, *last = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    crm_event_free(last);
    last = ev;
  }
  crm_event_iterator_free(it);
  assert_non_null(last);
  assert_string_equal(crm_event_kind(last), kind);
  assert_string_equal(crm_event_entity(last), entity);
  assert_int_equal(crm_event_entity_id(last), entity_id);
  *parser = json_parser_new();
  assert_true(json_parser_load_from_data(*parser, crm_event_payload(last), -1, NULL));
  crm_event_free(last);
  return json_node_get_object(json_parser_get_root(*parser));
}

static crm_id queue(crm_test_db *t, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_queue_create(&id, t->db, name));
  assert_true(id > 0);
  return id;
}

static crm_id agent(crm_test_db *t, const char *name, const char *email)
{
  crm_id id = 0;
  assert_crm_ok(crm_agent_create(&id, t->db, name, email));
  assert_true(id > 0);
  return id;
}

/* ------------------------------------------------------------------ */
/* queues                                                               */

static void queue_create_and_lookup(void **state)
{
  crm_test_db *t = *state;
  crm_id id = queue(t, "Billing – Italia");
  JsonParser *p = NULL;
  JsonObject *o = last_event(t->db, &p, "queue.created", "queue", id);
  assert_int_equal(json_object_get_int_member(o, "queue"), id);
  assert_string_equal(json_object_get_string_member(o, "name"), "Billing – Italia");
  g_object_unref(p);

  crm_queue *q = NULL;
  assert_crm_ok(crm_queue_lookup(&q, t->db, id));
  assert_int_equal(crm_queue_id(q), id);
  assert_string_equal(crm_queue_name(q), "Billing – Italia");
  assert_int_equal(crm_queue_skill_count(q), 0);
  assert_null(crm_queue_skill_at(q, 0));
  crm_queue_free(q);
  assert_true(queue(t, "Sales") != id);
}

static void queue_names_are_unique(void **state)
{
  crm_test_db *t = *state;
  crm_id id = queue(t, "Support");
  counts before = count_now(t);
  crm_id again = 0;
  assert_crm_error(crm_queue_create(&again, t->db, "Support"), CRM_EEXISTS, "Support");
  assert_int_equal(again, id);
  assert_nothing_written(t, before);
}

static void queue_create_errors(void **state)
{
  crm_test_db *t = *state;
  counts before = count_now(t);
  crm_id id = 5;
  assert_crm_error(crm_queue_create(NULL, t->db, "Q"), CRM_EINVALID, "out");
  assert_crm_error(crm_queue_create(&id, NULL, "Q"), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  id = 5;
  assert_crm_error(crm_queue_create(&id, t->db, NULL), CRM_EINVALID, "name");
  assert_int_equal(id, 0);
  assert_crm_error(crm_queue_create(&id, t->db, ""), CRM_EINVALID, "name");
  assert_crm_error(crm_queue_create(&id, t->db, "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_nothing_written(t, before);

  crm_queue *q = (crm_queue *)1;
  assert_crm_error(crm_queue_lookup(NULL, t->db, 1), CRM_EINVALID, "out");
  assert_crm_error(crm_queue_lookup(&q, NULL, 1), CRM_EINVALID, "db");
  assert_null(q);
  q = (crm_queue *)1;
  assert_crm_error(crm_queue_lookup(&q, t->db, 0), CRM_EINVALID, "queue");
  assert_null(q);
  q = (crm_queue *)1;
  assert_crm_error(crm_queue_lookup(&q, t->db, 42), CRM_ENOTFOUND, "queue 42");
  assert_null(q);
}

/* ------------------------------------------------------------------ */
/* agents                                                               */

static void agent_create_and_lookup(void **state)
{
  crm_test_db *t = *state;
  crm_id id = agent(t, "Ann Lee", "Ann.Lee@Example.COM");
  JsonParser *p = NULL;
  JsonObject *o = last_event(t->db, &p, "agent.created", "agent", id);
  assert_int_equal(json_object_get_int_member(o, "agent"), id);
  assert_string_equal(json_object_get_string_member(o, "name"), "Ann Lee");
  assert_string_equal(json_object_get_string_member(o, "email"), "ann.lee@example.com");
  g_object_unref(p);

  crm_agent *a = NULL;
  assert_crm_ok(crm_agent_lookup(&a, t->db, id));
  assert_int_equal(crm_agent_id(a), id);
  assert_string_equal(crm_agent_name(a), "Ann Lee");
  assert_string_equal(crm_agent_email(a), "ann.lee@example.com");
  assert_int_equal(crm_agent_skill_count(a), 0);
  crm_agent_free(a);

  /* without an e-mail, several agents may exist */
  crm_id b = agent(t, "Bot", NULL);
  crm_id c = agent(t, "Bot", NULL);
  assert_true(b != c);
  assert_crm_ok(crm_agent_lookup(&a, t->db, b));
  assert_null(crm_agent_email(a));
  crm_agent_free(a);
  o = last_event(t->db, &p, "agent.created", "agent", c);
  assert_true(json_object_get_null_member(o, "email"));
  g_object_unref(p);
}

static void agent_email_is_unique(void **state)
{
  crm_test_db *t = *state;
  crm_id id = agent(t, "Ann", "ann@example.com");
  counts before = count_now(t);
  crm_id again = 0;
  assert_crm_error(crm_agent_create(&again, t->db, "Ann B", "ANN@example.com"), CRM_EEXISTS,
                   "ann@example.com");
  assert_int_equal(again, id);
  assert_nothing_written(t, before);
}

static void agent_create_errors(void **state)
{
  crm_test_db *t = *state;
  counts before = count_now(t);
  crm_id id = 5;
  assert_crm_error(crm_agent_create(NULL, t->db, "A", NULL), CRM_EINVALID, "out");
  assert_crm_error(crm_agent_create(&id, NULL, "A", NULL), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  assert_crm_error(crm_agent_create(&id, t->db, NULL, NULL), CRM_EINVALID, "name");
  assert_crm_error(crm_agent_create(&id, t->db, "", NULL), CRM_EINVALID, "name");
  assert_crm_error(crm_agent_create(&id, t->db, "\xff\xfe", NULL), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_agent_create(&id, t->db, "A", "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_agent_create(&id, t->db, "A", "bob@"), CRM_EINVALID, "bob@");
  assert_int_equal(id, 0);
  assert_nothing_written(t, before);

  crm_agent *a = (crm_agent *)1;
  assert_crm_error(crm_agent_lookup(NULL, t->db, 1), CRM_EINVALID, "out");
  assert_crm_error(crm_agent_lookup(&a, NULL, 1), CRM_EINVALID, "db");
  assert_null(a);
  a = (crm_agent *)1;
  assert_crm_error(crm_agent_lookup(&a, t->db, -1), CRM_EINVALID, "agent");
  assert_null(a);
  a = (crm_agent *)1;
  assert_crm_error(crm_agent_lookup(&a, t->db, 42), CRM_ENOTFOUND, "agent 42");
  assert_null(a);
}

/* ------------------------------------------------------------------ */
/* memberships                                                          */

static void join_change_role_and_leave(void **state)
{
  crm_test_db *t = *state;
  crm_id q = queue(t, "Q"), a = agent(t, "A", NULL);
  assert_crm_ok(crm_agent_join(t->db, a, q, CRM_ROLE_AGENT));
  JsonParser *p = NULL;
  JsonObject *o = last_event(t->db, &p, "agent.joined", "agent", a);
  assert_int_equal(json_object_get_int_member(o, "agent"), a);
  assert_int_equal(json_object_get_int_member(o, "queue"), q);
  assert_string_equal(json_object_get_string_member(o, "role"), "agent");
  g_object_unref(p);
  crm_role_t role = 0;
  assert_crm_ok(crm_agent_role(&role, t->db, a, q));
  assert_int_equal(role, CRM_ROLE_AGENT);

  /* the same role again: a no-op */
  counts before = count_now(t);
  assert_crm_ok(crm_agent_join(t->db, a, q, CRM_ROLE_AGENT));
  assert_nothing_written(t, before);

  /* another role changes it */
  assert_crm_ok(crm_agent_join(t->db, a, q, CRM_ROLE_SUPERVISOR));
  o = last_event(t->db, &p, "agent.joined", "agent", a);
  assert_string_equal(json_object_get_string_member(o, "role"), "supervisor");
  g_object_unref(p);
  assert_crm_ok(crm_agent_role(&role, t->db, a, q));
  assert_int_equal(role, CRM_ROLE_SUPERVISOR);

  assert_crm_ok(crm_agent_leave(t->db, a, q));
  o = last_event(t->db, &p, "agent.left", "agent", a);
  assert_int_equal(json_object_get_int_member(o, "queue"), q);
  g_object_unref(p);
  role = 9;
  assert_crm_error(crm_agent_role(&role, t->db, a, q), CRM_ENOTFOUND, "not a member");
  assert_int_equal(role, 0);
  before = count_now(t);
  assert_crm_error(crm_agent_leave(t->db, a, q), CRM_ENOTFOUND, "not a member");
  assert_nothing_written(t, before);
}

static void membership_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id q = queue(t, "Q"), a = agent(t, "A", NULL);
  counts before = count_now(t);
  assert_crm_error(crm_agent_join(NULL, a, q, CRM_ROLE_AGENT), CRM_EINVALID, "db");
  assert_crm_error(crm_agent_join(t->db, 0, q, CRM_ROLE_AGENT), CRM_EINVALID, "agent");
  assert_crm_error(crm_agent_join(t->db, a, 0, CRM_ROLE_AGENT), CRM_EINVALID, "queue");
  assert_crm_error(crm_agent_join(t->db, a, q, (crm_role_t)0), CRM_EINVALID, "role 0");
  assert_crm_error(crm_agent_join(t->db, a, q, (crm_role_t)4), CRM_EINVALID, "role 4");
  assert_crm_error(crm_agent_join(t->db, a + 9, q, CRM_ROLE_AGENT), CRM_ENOTFOUND, "agent");
  assert_crm_error(crm_agent_join(t->db, a, q + 9, CRM_ROLE_AGENT), CRM_ENOTFOUND, "queue");
  assert_crm_error(crm_agent_leave(NULL, a, q), CRM_EINVALID, "db");
  assert_crm_error(crm_agent_leave(t->db, -1, q), CRM_EINVALID, "agent");
  assert_crm_error(crm_agent_leave(t->db, a, -1), CRM_EINVALID, "queue");
  assert_crm_error(crm_agent_leave(t->db, a + 9, q), CRM_ENOTFOUND, "agent");
  assert_crm_error(crm_agent_leave(t->db, a, q + 9), CRM_ENOTFOUND, "queue");
  assert_nothing_written(t, before);

  crm_role_t role = 7;
  assert_crm_error(crm_agent_role(NULL, t->db, a, q), CRM_EINVALID, "out");
  assert_crm_error(crm_agent_role(&role, NULL, a, q), CRM_EINVALID, "db");
  assert_int_equal(role, 0);
  assert_crm_error(crm_agent_role(&role, t->db, 0, q), CRM_EINVALID, "agent");
  assert_crm_error(crm_agent_role(&role, t->db, a, 0), CRM_EINVALID, "queue");
  assert_crm_error(crm_agent_role(&role, t->db, a + 9, q), CRM_ENOTFOUND, "agent");
  assert_crm_error(crm_agent_role(&role, t->db, a, q + 9), CRM_ENOTFOUND, "queue");
  assert_crm_error(crm_agent_role(&role, t->db, a, q), CRM_ENOTFOUND, "not a member");
}

/* ------------------------------------------------------------------ */
/* skills                                                               */

static void skills_are_sorted_and_idempotent(void **state)
{
  crm_test_db *t = *state;
  crm_id q = queue(t, "Q"), a = agent(t, "A", NULL);
  assert_crm_ok(crm_queue_add_skill(t->db, q, "fibre"));
  JsonParser *p = NULL;
  JsonObject *o = last_event(t->db, &p, "queue.skill", "queue", q);
  assert_int_equal(json_object_get_int_member(o, "queue"), q);
  assert_string_equal(json_object_get_string_member(o, "skill"), "fibre");
  g_object_unref(p);
  assert_crm_ok(crm_queue_add_skill(t->db, q, "billing"));
  assert_crm_ok(crm_agent_add_skill(t->db, a, "italian"));
  o = last_event(t->db, &p, "agent.skill", "agent", a);
  assert_int_equal(json_object_get_int_member(o, "agent"), a);
  assert_string_equal(json_object_get_string_member(o, "skill"), "italian");
  g_object_unref(p);
  assert_crm_ok(crm_agent_add_skill(t->db, a, "english"));

  counts before = count_now(t);
  assert_crm_ok(crm_queue_add_skill(t->db, q, "fibre"));
  assert_crm_ok(crm_agent_add_skill(t->db, a, "italian"));
  assert_nothing_written(t, before);

  crm_queue *qq = NULL;
  assert_crm_ok(crm_queue_lookup(&qq, t->db, q));
  assert_int_equal(crm_queue_skill_count(qq), 2);
  assert_string_equal(crm_queue_skill_at(qq, 0), "billing");
  assert_string_equal(crm_queue_skill_at(qq, 1), "fibre");
  assert_null(crm_queue_skill_at(qq, 2));
  crm_queue_free(qq);
  crm_agent *aa = NULL;
  assert_crm_ok(crm_agent_lookup(&aa, t->db, a));
  assert_int_equal(crm_agent_skill_count(aa), 2);
  assert_string_equal(crm_agent_skill_at(aa, 0), "english");
  assert_string_equal(crm_agent_skill_at(aa, 1), "italian");
  assert_null(crm_agent_skill_at(aa, 2));
  crm_agent_free(aa);
}

static void skill_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id q = queue(t, "Q"), a = agent(t, "A", NULL);
  counts before = count_now(t);
  typedef crm_status (*skill_fn)(crm_db *, crm_id, const char *);
  const struct {
    skill_fn fn;
    crm_id id;
    const char *noun;
  } cases[] = {{crm_queue_add_skill, q, "queue"}, {crm_agent_add_skill, a, "agent"}};
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    assert_crm_error(cases[i].fn(NULL, cases[i].id, "x"), CRM_EINVALID, "db");
    assert_crm_error(cases[i].fn(t->db, 0, "x"), CRM_EINVALID, cases[i].noun);
    assert_crm_error(cases[i].fn(t->db, cases[i].id, NULL), CRM_EINVALID, "skill");
    assert_crm_error(cases[i].fn(t->db, cases[i].id, ""), CRM_EINVALID, "skill");
    assert_crm_error(cases[i].fn(t->db, cases[i].id, "\xff\xfe"), CRM_EINVALID, "UTF-8");
    assert_crm_error(cases[i].fn(t->db, cases[i].id + 9, "x"), CRM_ENOTFOUND, cases[i].noun);
  }
  assert_nothing_written(t, before);
}

static void getters_accept_null(void **state)
{
  (void)state;
  assert_int_equal(crm_queue_id(NULL), 0);
  assert_null(crm_queue_name(NULL));
  assert_int_equal(crm_queue_skill_count(NULL), 0);
  assert_null(crm_queue_skill_at(NULL, 0));
  crm_queue_free(NULL);
  assert_int_equal(crm_agent_id(NULL), 0);
  assert_null(crm_agent_name(NULL));
  assert_null(crm_agent_email(NULL));
  assert_int_equal(crm_agent_skill_count(NULL), 0);
  assert_null(crm_agent_skill_at(NULL, 0));
  crm_agent_free(NULL);
  assert_string_equal(crm_role_name(CRM_ROLE_ADMIN), "admin");
  assert_null(crm_role_name((crm_role_t)0));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
  const struct CMUnitTest tests[] = {
      T(queue_create_and_lookup),
      T(queue_names_are_unique),
      T(queue_create_errors),
      T(agent_create_and_lookup),
      T(agent_email_is_unique),
      T(agent_create_errors),
      T(join_change_role_and_leave),
      T(membership_errors),
      T(skills_are_sorted_and_idempotent),
      T(skill_errors),
      cmocka_unit_test(getters_accept_null),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
