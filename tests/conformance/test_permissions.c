/*
 * The permission matrix (issue 8): every public function of
 * include/crm/ (*.h) has an entry here, and the test fails when one has none
 * (the headers are read at run time from CRM_SOURCE_ROOT/include/crm, the
 * way tests/python/test_parity.py reads them). Each entry says how the
 * function is checked:
 *
 *  - AGENT: needs a membership of the object's queue. Called by an agent
 *    of another queue it returns CRM_EPERM naming the agent and writes
 *    nothing (the database's fingerprint is unchanged); called by an agent
 *    of the queue it succeeds.
 *  - SUPERVISOR: also refused to a plain agent of the queue; a supervisor
 *    of the queue succeeds.
 *  - ADMIN: refused to an agent of the queue; an admin succeeds.
 *  - FILTER: an iterator over many objects: it does not fail, it yields
 *    nothing the outsider may not see, and what the agent may.
 *  - OPEN: checked by nothing on purpose (the reason is given); the
 *    outsider's call succeeds.
 *  - NC: takes no handle or is not a permission question (the reason).
 *
 * Functions added later (crm_search*, crm_report*, ...) get one line in
 * `matrix` below: a call function and a kind.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* the fixture: two queues, four agents, a customer's case in "Billing"  */

typedef struct {
  crm_test_db *t;
  crm_id billing, elsewhere;
  crm_id outsider;   /* agent of "Elsewhere" only */
  crm_id agent;      /* agent of "Billing" */
  crm_id supervisor; /* supervisor of "Billing" and "Elsewhere" */
  crm_id admin;      /* admin of "Elsewhere" (admins are admins everywhere) */
  crm_id customer, customer2, merged;
  crm_id case1, case_b, case2, incident;
  crm_id interaction, attachment;
  crm_id calendar, policy;
} fx;

static crm_id queue_new(crm_db *db, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_queue_create(&id, db, name));
  return id;
}

static crm_id agent_new(crm_db *db, const char *name, crm_id queue, crm_role_t role)
{
  crm_id id = 0;
  assert_crm_ok(crm_agent_create(&id, db, name, NULL));
  assert_crm_ok(crm_agent_join(db, id, queue, role));
  return id;
}

static crm_id case_new(crm_db *db, crm_id customer, const char *subject, crm_id queue,
                       crm_case_kind_t kind)
{
  crm_case_spec s = CRM_CASE_SPEC_INIT;
  s.customer = customer;
  s.subject = subject;
  s.queue = queue;
  s.kind = kind;
  crm_id id = 0;
  assert_crm_ok(crm_case_open(&id, db, &s));
  return id;
}

static crm_id record(crm_db *db, crm_id customer, crm_id case_id, crm_direction_t direction,
                     const char *body)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = direction;
  s.subject = "No dial tone";
  s.body = body;
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, db, &s));
  return id;
}

static void fx_init(fx *f)
{
  memset(f, 0, sizeof *f);
  f->t = crm_test_db_new(NULL);
  crm_db *db = f->t->db;
  assert_crm_ok(crm_setting_set(db, "helpdesk_addresses", "help@example.com"));
  f->billing = queue_new(db, "Billing");
  f->elsewhere = queue_new(db, "Elsewhere");
  f->outsider = agent_new(db, "Olga Outsider", f->elsewhere, CRM_ROLE_AGENT);
  f->agent = agent_new(db, "Ann Agent", f->billing, CRM_ROLE_AGENT);
  f->supervisor = agent_new(db, "Sam Supervisor", f->billing, CRM_ROLE_SUPERVISOR);
  assert_crm_ok(crm_agent_join(db, f->supervisor, f->elsewhere, CRM_ROLE_SUPERVISOR));
  f->admin = agent_new(db, "Ada Admin", f->elsewhere, CRM_ROLE_ADMIN);

  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "24x7"));
  assert_crm_ok(crm_calendar_save(&f->calendar, db, "always", cal));
  crm_calendar_free(cal);
  crm_sla_policy_spec p = CRM_SLA_POLICY_SPEC_INIT;
  p.name = "standard";
  p.targets[CRM_SLA_FIRST_RESPONSE] = 3600;
  assert_crm_ok(crm_sla_policy_create(&f->policy, db, &p));

  f->customer = crm_test_customer(db, "mario@example.com");
  assert_crm_ok(crm_customer_set_attribute(db, f->customer, "area", "0471"));
  f->case1 = case_new(db, f->customer, "No dial tone", f->billing, CRM_CASE_REQUEST);
  f->case_b = case_new(db, f->customer, "Invoice", f->billing, CRM_CASE_REQUEST);
  assert_crm_ok(crm_case_tag(db, f->case1, "vip"));
  f->interaction = record(db, f->customer, f->case1, CRM_DIRECTION_INBOUND, "my line is dead");
  assert_crm_ok(crm_interaction_attach(&f->attachment, db, f->interaction, "photo.txt",
                                       "text/plain", "abc", 3));
  assert_crm_ok(crm_interaction_add_participant(db, f->interaction, CRM_IDENTITY_EMAIL,
                                                "mario@example.com", "from"));

  f->customer2 = crm_test_customer(db, "luigi@example.com");
  f->case2 = case_new(db, f->customer2, "Slow line", f->billing, CRM_CASE_REQUEST);
  f->merged = crm_test_customer(db, "peach@example.com");
  case_new(db, f->merged, "Old contract", f->billing, CRM_CASE_REQUEST);
  assert_crm_ok(crm_customer_merge(db, f->customer, f->merged));

  f->incident = case_new(db, f->customer, "Outage in 0471", f->billing, CRM_CASE_INCIDENT);
  assert_crm_ok(crm_incident_set_scope(db, f->incident, "area", "0471"));
  assert_crm_ok(crm_incident_attach(db, f->incident, f->case1));
}

static void fx_free(fx *f)
{
  crm_test_db_free(f->t);
}

/* ------------------------------------------------------------------ */
/* the calls: one per checked function                                  */

typedef crm_status (*call_fn)(crm_db *db, fx *f, size_t *n);

#define CALL(name) static crm_status call_##name(crm_db *db, fx *f, size_t *n)
#define UNUSED_N   (void)n
#define UNUSED_F   (void)f

static crm_mail_options mail_options(void)
{
  crm_mail_options o = CRM_MAIL_OPTIONS_INIT;
  return o;
}

static const char MESSAGE[] = "From: Mario Rossi <mario@example.com>\r\n"
                              "To: help@example.com\r\n"
                              "Subject: Still no dial tone\r\n"
                              "Message-ID: <perm-1@example.com>\r\n"
                              "Date: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
                              "\r\n"
                              "Hello\r\n";

/* case.h */
CALL(crm_case_open)
{
  UNUSED_N;
  crm_case_spec s = CRM_CASE_SPEC_INIT;
  s.customer = f->customer;
  s.subject = "Another question";
  s.queue = f->billing;
  crm_id id = 0;
  return crm_case_open(&id, db, &s);
}
CALL(crm_case_lookup)
{
  UNUSED_N;
  crm_case *c = NULL;
  crm_status st = crm_case_lookup(&c, db, f->case1);
  crm_case_free(c);
  return st;
}
CALL(crm_case_set_status)
{
  UNUSED_N;
  return crm_case_set_status(db, f->case1, CRM_CASE_PENDING_CUSTOMER, 0);
}
CALL(crm_case_set_priority)
{
  UNUSED_N;
  return crm_case_set_priority(db, f->case1, CRM_PRIORITY_URGENT, 0);
}
CALL(crm_case_assign)
{
  UNUSED_N;
  return crm_case_assign(db, f->case1, f->billing, f->outsider, 0);
}
CALL(crm_case_tag)
{
  UNUSED_N;
  return crm_case_tag(db, f->case1, "callback");
}
CALL(crm_case_untag)
{
  UNUSED_N;
  return crm_case_untag(db, f->case1, "vip");
}
CALL(crm_case_link)
{
  UNUSED_N;
  return crm_case_link(db, f->case1, CRM_LINK_RELATED, f->case2);
}
CALL(crm_case_set_csat)
{
  UNUSED_N;
  return crm_case_set_csat(db, f->case1, 4, "quick");
}
CALL(crm_link_iterator_new)
{
  UNUSED_N;
  crm_link_iterator *it = NULL;
  crm_status st = crm_link_iterator_new(&it, db, f->case1);
  crm_link_iterator_free(it);
  return st;
}
CALL(crm_case_iterator_new)
{
  UNUSED_F;
  crm_case_iterator *it = NULL;
  crm_status st = crm_case_iterator_new(&it, db, NULL);
  crm_case *c = NULL;
  while (st == CRM_OK && (st = crm_case_next(&c, it)) == CRM_OK) {
    ++*n;
    crm_case_free(c);
  }
  crm_case_iterator_free(it);
  return st == CRM_ITEROVER ? CRM_OK : st;
}

/* customer.h */
CALL(crm_customer_create)
{
  UNUSED_N;
  UNUSED_F;
  crm_id id = 0;
  return crm_customer_create(&id, db, "A new caller");
}
CALL(crm_customer_ensure)
{
  UNUSED_N;
  UNUSED_F;
  crm_id id = 0;
  return crm_customer_ensure(&id, NULL, db, CRM_IDENTITY_PHONE, "+39 0471 123456", NULL);
}
CALL(crm_customer_find)
{
  UNUSED_N;
  crm_id id = 0;
  crm_status st = crm_customer_find(&id, db, CRM_IDENTITY_EMAIL, "mario@example.com");
  assert_int_equal(id, st == CRM_OK ? f->customer : 0);
  return st;
}
CALL(crm_identity_add)
{
  UNUSED_N;
  return crm_identity_add(db, f->customer, CRM_IDENTITY_PHONE, "+39 0471 654321");
}
CALL(crm_identity_remove)
{
  UNUSED_N;
  return crm_identity_remove(db, f->customer, CRM_IDENTITY_EMAIL, "mario@example.com");
}
CALL(crm_identity_normalize)
{
  UNUSED_N;
  UNUSED_F;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_identity_normalize(&b, db, CRM_IDENTITY_EMAIL, "Mario@Example.com");
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_identity_iterator_new)
{
  UNUSED_N;
  crm_identity_iterator *it = NULL;
  crm_status st = crm_identity_iterator_new(&it, db, f->customer);
  crm_identity_iterator_free(it);
  return st;
}
CALL(crm_customer_lookup)
{
  UNUSED_N;
  crm_customer *c = NULL;
  crm_status st = crm_customer_lookup(&c, db, f->customer);
  crm_customer_free(c);
  return st;
}
CALL(crm_customer_update)
{
  UNUSED_N;
  crm_customer_update_spec s = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  s.segment = "gold";
  return crm_customer_update(db, f->customer, &s, 0);
}
CALL(crm_customer_set_attribute)
{
  UNUSED_N;
  return crm_customer_set_attribute(db, f->customer, "contract", "fibre");
}
CALL(crm_customer_set_preference)
{
  UNUSED_N;
  return crm_customer_set_preference(db, f->customer, CRM_CHANNEL_EMAIL, "marketing", 0);
}
CALL(crm_customer_may_contact)
{
  UNUSED_N;
  int allowed = 0;
  return crm_customer_may_contact(&allowed, db, f->customer, CRM_CHANNEL_EMAIL, "service");
}
CALL(crm_customer_set_preference_ext)
{
  UNUSED_N;
  return crm_customer_set_preference_ext(db, f->customer, CRM_CHANNEL_PHONE, "billing", 1,
                                         "phone call");
}
CALL(crm_preference_iterator_new)
{
  UNUSED_N;
  crm_preference_iterator *it = NULL;
  crm_status st = crm_preference_iterator_new(&it, db, f->customer);
  crm_preference_iterator_free(it);
  return st;
}
CALL(crm_customer_duplicates)
{
  UNUSED_N;
  crm_duplicate_iterator *it = NULL;
  crm_status st = crm_customer_duplicates(&it, db, f->customer);
  crm_duplicate_iterator_free(it);
  return st;
}
CALL(crm_customer_merge)
{
  UNUSED_N;
  return crm_customer_merge(db, f->customer, f->customer2);
}
CALL(crm_customer_unmerge)
{
  UNUSED_N;
  return crm_customer_unmerge(db, f->merged);
}
CALL(crm_customer_export)
{
  UNUSED_N;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_customer_export(&b, db, f->customer);
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_customer_export_ext)
{
  UNUSED_N;
  crm_customer_export_options o = CRM_CUSTOMER_EXPORT_OPTIONS_INIT;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_customer_export_ext(&b, db, f->customer, &o);
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_customer_erase)
{
  UNUSED_N;
  return crm_customer_erase(db, f->customer2, "asked to be forgotten");
}
CALL(crm_db_compact)
{
  UNUSED_N;
  UNUSED_F;
  return crm_db_compact(db);
}

/* db.h */
CALL(crm_setting_set)
{
  UNUSED_N;
  UNUSED_F;
  return crm_setting_set(db, "reopen_window", "3600");
}
CALL(crm_setting_get)
{
  UNUSED_N;
  UNUSED_F;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_setting_get(&b, db, "subject_tag");
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_tick)
{
  UNUSED_N;
  UNUSED_F;
  return crm_tick(NULL, db, 0);
}

/* event.h */
static int personal_event(const crm_event *e)
{
  const char *entity = crm_event_entity(e);
  return strcmp(entity, "case") == 0 || strcmp(entity, "interaction") == 0 ||
         strcmp(entity, "customer") == 0;
}
CALL(crm_event_iterator_new)
{
  UNUSED_F;
  crm_event_iterator *it = NULL;
  crm_status st = crm_event_iterator_new(&it, db, 0);
  crm_event *e = NULL;
  while (st == CRM_OK && (st = crm_event_next(&e, it)) == CRM_OK) {
    *n += (size_t)personal_event(e);
    crm_event_free(e);
  }
  crm_event_iterator_free(it);
  return st == CRM_ITEROVER ? CRM_OK : st;
}
static int ignore_event(const crm_event *e, void *payload)
{
  (void)e;
  (void)payload;
  return 0;
}
CALL(crm_subscribe)
{
  UNUSED_N;
  UNUSED_F;
  int token = 0;
  crm_status st = crm_subscribe(&token, db, "case.", ignore_event, NULL);
  if (st == CRM_OK)
    assert_crm_ok(crm_unsubscribe(db, token));
  return st;
}
CALL(crm_unsubscribe)
{
  return call_crm_subscribe(db, f, n);
}
CALL(crm_event_cursor_get)
{
  UNUSED_N;
  UNUSED_F;
  int64_t seq = 0;
  return crm_event_cursor_get(&seq, db, "mailer");
}
CALL(crm_event_cursor_set)
{
  UNUSED_N;
  UNUSED_F;
  return crm_event_cursor_set(db, "mailer", 1);
}

/* incident.h */
CALL(crm_incident_attach)
{
  UNUSED_N;
  return crm_incident_attach(db, f->incident, f->case2);
}
CALL(crm_incident_set_scope)
{
  UNUSED_N;
  return crm_incident_set_scope(db, f->incident, "product", "fibre");
}
CALL(crm_incident_scope_get)
{
  UNUSED_N;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_incident_scope_get(&b, db, f->incident, "area");
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_incident_match)
{
  UNUSED_N;
  crm_incident_iterator *it = NULL;
  crm_status st = crm_incident_match(&it, db, f->customer);
  crm_incident_iterator_free(it);
  return st;
}
CALL(crm_incident_update)
{
  UNUSED_N;
  return crm_incident_update(db, f->incident, "Engineers are on site.");
}
CALL(crm_incident_resolve)
{
  UNUSED_N;
  size_t affected = 0;
  return crm_incident_resolve(&affected, db, f->incident, "Fixed.");
}

/* interaction.h */
CALL(crm_interaction_record)
{
  UNUSED_N;
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = f->customer;
  s.case_id = f->case1;
  s.channel = CRM_CHANNEL_PHONE;
  s.direction = CRM_DIRECTION_OUTBOUND;
  s.body = "called back";
  crm_id id = 0;
  return crm_interaction_record(&id, db, &s);
}
CALL(crm_interaction_lookup)
{
  UNUSED_N;
  crm_interaction *ix = NULL;
  crm_status st = crm_interaction_lookup(&ix, db, f->interaction);
  crm_interaction_free(ix);
  return st;
}
CALL(crm_interaction_move)
{
  UNUSED_N;
  return crm_interaction_move(db, f->interaction, f->case_b);
}
CALL(crm_interaction_set_attribute)
{
  UNUSED_N;
  return crm_interaction_set_attribute(db, f->interaction, "mood", "angry");
}
CALL(crm_interaction_add_participant)
{
  UNUSED_N;
  return crm_interaction_add_participant(db, f->interaction, CRM_IDENTITY_EMAIL, "help@example.com",
                                         "to");
}
CALL(crm_interaction_attach)
{
  UNUSED_N;
  crm_id id = 0;
  return crm_interaction_attach(&id, db, f->interaction, "log.txt", NULL, "x", 1);
}
CALL(crm_attachment_read)
{
  UNUSED_N;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_attachment_read(&b, db, f->attachment);
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_participant_iterator_new)
{
  UNUSED_N;
  crm_participant_iterator *it = NULL;
  crm_status st = crm_participant_iterator_new(&it, db, f->interaction);
  crm_participant_iterator_free(it);
  return st;
}
CALL(crm_attachment_iterator_new)
{
  UNUSED_N;
  crm_attachment_iterator *it = NULL;
  crm_status st = crm_attachment_iterator_new(&it, db, f->interaction);
  crm_attachment_iterator_free(it);
  return st;
}

/* mail.h */
CALL(crm_mail_ingest)
{
  UNUSED_N;
  UNUSED_F;
  crm_mail_result r = {CRM_MAIL_RESULT_VERSION, 0, 0, 0, 0, 0, 0, 0, 0};
  crm_mail_options o = mail_options();
  return crm_mail_ingest(&r, db, MESSAGE, sizeof MESSAGE - 1, &o);
}
CALL(crm_mail_reply)
{
  UNUSED_N;
  crm_buf b = CRM_BUF_INIT;
  crm_mail_options o = mail_options();
  crm_status st = crm_mail_reply(&b, db, f->case1, 0, "We are on it.", &o);
  crm_buf_dispose(&b);
  return st;
}
static crm_status import(crm_db *db, fx *f, int maildir)
{
  crm_mail_import_stats s;
  memset(&s, 0, sizeof s);
  s.version = CRM_MAIL_IMPORT_STATS_VERSION;
  crm_mail_options o = mail_options();
  char *path = NULL;
  if (maildir) {
    path = g_build_filename(f->t->dir, "Maildir", NULL);
    char *cur = g_build_filename(path, "cur", NULL), *fresh = g_build_filename(path, "new", NULL),
         *tmp = g_build_filename(path, "tmp", NULL);
    g_mkdir_with_parents(cur, 0700);
    g_mkdir_with_parents(fresh, 0700);
    g_mkdir_with_parents(tmp, 0700);
    char *file = g_build_filename(cur, "1.host:2,S", NULL);
    assert_true(g_file_set_contents(file, MESSAGE, -1, NULL));
    g_free(file);
    g_free(cur);
    g_free(fresh);
    g_free(tmp);
  } else {
    path = g_build_filename(f->t->dir, "in.mbox", NULL);
    char *text = g_strconcat("From mario@example.com Mon Mar  2 09:00:00 2026\n", MESSAGE, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
  }
  crm_status st = maildir ? crm_mail_import_maildir(&s, db, path, &o, NULL, NULL)
                          : crm_mail_import_mbox(&s, db, path, &o, NULL, NULL);
  crm_buf_dispose(&s.failures);
  g_free(path);
  return st;
}
CALL(crm_mail_import_mbox)
{
  UNUSED_N;
  return import(db, f, 0);
}
CALL(crm_mail_import_maildir)
{
  UNUSED_N;
  return import(db, f, 1);
}

/* queue.h */
CALL(crm_queue_create)
{
  UNUSED_N;
  UNUSED_F;
  crm_id id = 0;
  return crm_queue_create(&id, db, "Fibre");
}
CALL(crm_agent_create)
{
  UNUSED_N;
  UNUSED_F;
  crm_id id = 0;
  return crm_agent_create(&id, db, "New Hire", "hire@example.com");
}
CALL(crm_agent_join)
{
  UNUSED_N;
  return crm_agent_join(db, f->outsider, f->billing, CRM_ROLE_AGENT);
}
CALL(crm_agent_leave)
{
  UNUSED_N;
  return crm_agent_leave(db, f->supervisor, f->elsewhere);
}
CALL(crm_agent_role)
{
  UNUSED_N;
  crm_role_t role = 0;
  return crm_agent_role(&role, db, f->agent, f->billing);
}
CALL(crm_queue_add_skill)
{
  UNUSED_N;
  return crm_queue_add_skill(db, f->billing, "italian");
}
CALL(crm_agent_add_skill)
{
  UNUSED_N;
  return crm_agent_add_skill(db, f->agent, "italian");
}
CALL(crm_queue_lookup)
{
  UNUSED_N;
  crm_queue *q = NULL;
  crm_status st = crm_queue_lookup(&q, db, f->billing);
  crm_queue_free(q);
  return st;
}
CALL(crm_agent_lookup)
{
  UNUSED_N;
  crm_agent *a = NULL;
  crm_status st = crm_agent_lookup(&a, db, f->agent);
  crm_agent_free(a);
  return st;
}

/* sla.h */
CALL(crm_calendar_save)
{
  UNUSED_N;
  UNUSED_F;
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "24x7"));
  crm_id id = 0;
  crm_status st = crm_calendar_save(&id, db, "another", cal);
  crm_calendar_free(cal);
  return st;
}
CALL(crm_calendar_update)
{
  UNUSED_N;
  crm_calendar *cal = NULL;
  assert_crm_ok(crm_calendar_new(&cal, "24x7"));
  crm_status st = crm_calendar_update(db, f->calendar, cal);
  crm_calendar_free(cal);
  return st;
}
CALL(crm_calendar_load)
{
  UNUSED_N;
  crm_calendar *cal = NULL;
  crm_status st = crm_calendar_load(&cal, db, f->calendar);
  crm_calendar_free(cal);
  return st;
}
CALL(crm_calendar_load_version)
{
  UNUSED_N;
  crm_calendar *cal = NULL;
  crm_status st = crm_calendar_load_version(&cal, db, f->calendar, 1);
  crm_calendar_free(cal);
  return st;
}
CALL(crm_calendar_version)
{
  UNUSED_N;
  int64_t v = 0;
  return crm_calendar_version(&v, db, f->calendar);
}
CALL(crm_calendar_name)
{
  UNUSED_N;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_calendar_name(&b, db, f->calendar);
  crm_buf_dispose(&b);
  return st;
}
CALL(crm_sla_policy_to_json)
{
  UNUSED_N;
  crm_buf b = CRM_BUF_INIT;
  crm_status st = crm_sla_policy_to_json(&b, db, f->policy, 0);
  crm_buf_dispose(&b);
  return st;
}
static crm_sla_policy_spec policy_spec(void)
{
  crm_sla_policy_spec p = CRM_SLA_POLICY_SPEC_INIT;
  p.name = "urgent";
  p.priorities = 1u << CRM_PRIORITY_URGENT;
  p.targets[CRM_SLA_FIRST_RESPONSE] = 600;
  return p;
}
CALL(crm_sla_policy_create)
{
  UNUSED_N;
  UNUSED_F;
  crm_sla_policy_spec p = policy_spec();
  crm_id id = 0;
  return crm_sla_policy_create(&id, db, &p);
}
CALL(crm_sla_policy_update)
{
  UNUSED_N;
  crm_sla_policy_spec p = policy_spec();
  return crm_sla_policy_update(db, f->policy, &p);
}
CALL(crm_sla_policy_version)
{
  UNUSED_N;
  int64_t v = 0;
  return crm_sla_policy_version(&v, db, f->policy);
}
static crm_status timers(crm_db *db, fx *f, int cycles)
{
  crm_sla_timer_iterator *it = NULL;
  crm_status st = cycles ? crm_sla_cycle_iterator_new(&it, db, f->case1, CRM_SLA_AS_REPORTED)
                         : crm_sla_timer_iterator_new(&it, db, f->case1, CRM_SLA_AS_REPORTED);
  crm_sla_timer_iterator_free(it);
  return st;
}
CALL(crm_sla_timer_iterator_new)
{
  UNUSED_N;
  return timers(db, f, 0);
}
CALL(crm_sla_cycle_iterator_new)
{
  UNUSED_N;
  return timers(db, f, 1);
}
CALL(crm_sla_due_iterator_new)
{
  UNUSED_F;
  crm_sla_timer_iterator *it = NULL;
  crm_status st = crm_sla_due_iterator_new(&it, db, CRM_TEST_T0 + 86400 * 365);
  crm_sla_timer *tm = NULL;
  while (st == CRM_OK && (st = crm_sla_timer_next(&tm, it)) == CRM_OK) {
    ++*n;
    crm_sla_timer_free(tm);
  }
  crm_sla_timer_iterator_free(it);
  return st == CRM_ITEROVER ? CRM_OK : st;
}

/* timeline.h */
CALL(crm_timeline_iterator_new)
{
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  q.customer = f->customer;
  crm_timeline_iterator *it = NULL;
  crm_status st = crm_timeline_iterator_new(&it, db, &q);
  crm_interaction *ix = NULL;
  while (st == CRM_OK && (st = crm_timeline_next(&ix, it)) == CRM_OK) {
    ++*n;
    crm_interaction_free(ix);
  }
  crm_timeline_iterator_free(it);
  return st == CRM_ITEROVER ? CRM_OK : st;
}

CALL(crm_report_run)
{
  /* supervisors read the reports of their queues; plain agents none */
  UNUSED_N;
  (void)f;
  crm_report_spec spec = CRM_REPORT_SPEC_INIT;
  spec.from = 0;
  spec.to = crm_now(db) + 1;
  spec.group_by = CRM_REPORT_BY_QUEUE;
  crm_report *r = NULL;
  crm_status st = crm_report_run(&r, db, &spec);
  crm_report_free(r);
  return st;
}

CALL(crm_search)
{
  /* "line": an interaction of case1 and case2's subject, both in Billing */
  crm_search_iterator *it = NULL;
  crm_status st = crm_search(&it, db, "line", NULL);
  crm_search_hit *h = NULL;
  (void)f;
  while (st == CRM_OK && (st = crm_search_next(&h, it)) == CRM_OK) {
    ++*n;
    crm_search_hit_free(h);
  }
  crm_search_iterator_free(it);
  return st == CRM_ITEROVER ? CRM_OK : st;
}

/* ------------------------------------------------------------------ */
/* the matrix                                                           */

typedef enum { NC = 1, OPEN, AGENT, SUPERVISOR, ADMIN, FILTER } kind_t;

typedef struct {
  const char *name;
  kind_t kind;
  call_fn call; /* NULL for NC */
  const char *why;
} entry;

/* reasons */
#define FREES  "frees memory the caller owns"
#define NEXT   "continues an iterator: checked or filtered when it was created"
#define INIT   "fills the caller's struct with defaults"
#define PURE   "a pure function: no handle, no storage"
#define GETTER "reads an object the caller obtained through a checked call"
#define HANDLE "the handle itself, not an object of any queue"

#define E(fn, kind)            \
  {                            \
#fn, kind, call_##fn, NULL \
  }
#define NC(fn, why)    \
  {                    \
#fn, NC, NULL, why \
  }
#define OK(fn, why)           \
  {                           \
#fn, OPEN, call_##fn, why \
  }

static const entry matrix[] = {
    /* case.h */
    E(crm_case_open, AGENT),
    E(crm_case_lookup, AGENT),
    E(crm_case_set_status, AGENT),
    E(crm_case_set_priority, SUPERVISOR),
    E(crm_case_assign, SUPERVISOR),
    E(crm_case_tag, AGENT),
    E(crm_case_untag, AGENT),
    E(crm_case_link, AGENT),
    E(crm_case_set_csat, AGENT),
    E(crm_link_iterator_new, AGENT),
    E(crm_case_iterator_new, FILTER),
    /* customer.h */
    OK(crm_customer_create, "taking a call from a new person: the customer has no case yet"),
    OK(crm_customer_ensure, "taking a call: returns an id only (reading needs a case)"),
    OK(crm_customer_find, "taking a call: returns an id only (reading needs a case)"),
    OK(crm_identity_normalize, "normalises a value; reads nothing stored"),
    E(crm_identity_add, AGENT),
    E(crm_identity_remove, AGENT),
    E(crm_identity_iterator_new, AGENT),
    E(crm_customer_lookup, AGENT),
    E(crm_customer_update, AGENT),
    E(crm_customer_set_attribute, AGENT),
    E(crm_customer_set_preference, AGENT),
    E(crm_customer_may_contact, AGENT),
    E(crm_customer_set_preference_ext, AGENT),
    E(crm_preference_iterator_new, AGENT),
    E(crm_customer_duplicates, AGENT),
    E(crm_customer_merge, AGENT),
    E(crm_customer_unmerge, AGENT),
    E(crm_customer_export, ADMIN),
    E(crm_customer_export_ext, ADMIN),
    E(crm_customer_erase, ADMIN),
    E(crm_db_compact, ADMIN),
    /* db.h */
    NC(crm_open, "validates the actor itself (test_open_unknown_actor)"),
    NC(crm_close, HANDLE),
    NC(crm_begin, HANDLE),
    NC(crm_commit, HANDLE),
    NC(crm_rollback, HANDLE),
    NC(crm_now, HANDLE),
    NC(crm_actor, HANDLE),
    E(crm_setting_set, ADMIN),
    OK(crm_setting_get, "settings hold no personal data"),
    E(crm_tick, ADMIN),
    /* event.h */
    E(crm_event_iterator_new, FILTER),
    OK(crm_subscribe, "a subscriber hears only its own handle's (checked) calls"),
    OK(crm_unsubscribe, "a subscriber hears only its own handle's (checked) calls"),
    OK(crm_event_cursor_get, "a consumer's bookmark: a number, no personal data"),
    OK(crm_event_cursor_set, "a consumer's bookmark: a number, no personal data"),
    /* incident.h */
    E(crm_incident_attach, AGENT),
    E(crm_incident_set_scope, AGENT),
    E(crm_incident_scope_get, AGENT),
    E(crm_incident_match, AGENT),
    E(crm_incident_update, SUPERVISOR),
    E(crm_incident_resolve, SUPERVISOR),
    /* interaction.h */
    E(crm_interaction_record, AGENT),
    E(crm_interaction_lookup, AGENT),
    E(crm_interaction_move, AGENT),
    E(crm_interaction_set_attribute, AGENT),
    E(crm_interaction_add_participant, AGENT),
    E(crm_interaction_attach, AGENT),
    E(crm_attachment_read, AGENT),
    E(crm_participant_iterator_new, AGENT),
    E(crm_attachment_iterator_new, AGENT),
    /* mail.h */
    E(crm_mail_ingest, ADMIN),
    E(crm_mail_reply, AGENT),
    E(crm_mail_import_mbox, ADMIN),
    E(crm_mail_import_maildir, ADMIN),
    /* queue.h */
    E(crm_queue_create, ADMIN),
    E(crm_agent_create, ADMIN),
    E(crm_agent_join, ADMIN),
    E(crm_agent_leave, ADMIN),
    OK(crm_agent_role, "the team directory is open to every agent"),
    E(crm_queue_add_skill, ADMIN),
    E(crm_agent_add_skill, ADMIN),
    OK(crm_queue_lookup, "the team directory is open to every agent"),
    OK(crm_agent_lookup, "the team directory is open to every agent"),
    /* sla.h */
    E(crm_calendar_save, ADMIN),
    E(crm_calendar_update, ADMIN),
    OK(crm_calendar_load, "configuration, no personal data"),
    OK(crm_calendar_load_version, "configuration, no personal data"),
    OK(crm_calendar_version, "configuration, no personal data"),
    OK(crm_calendar_name, "configuration, no personal data"),
    OK(crm_sla_policy_to_json, "configuration, no personal data"),
    E(crm_sla_policy_create, ADMIN),
    E(crm_sla_policy_update, ADMIN),
    OK(crm_sla_policy_version, "configuration, no personal data"),
    E(crm_sla_timer_iterator_new, AGENT),
    E(crm_sla_cycle_iterator_new, AGENT),
    E(crm_sla_due_iterator_new, FILTER),
    /* report.h */
    E(crm_report_run, SUPERVISOR),
    /* search.h */
    E(crm_search, FILTER),
    /* timeline.h */
    E(crm_timeline_iterator_new, FILTER),

    /* buffer.h: no handle */
    NC(crm_buf_dispose, FREES),
    /* calendar.h: no handle */
    NC(crm_calendar_new, PURE),
    NC(crm_calendar_add_hours, PURE),
    NC(crm_calendar_add_holiday, PURE),
    NC(crm_calendar_add_opening, PURE),
    NC(crm_calendar_add_break, PURE),
    NC(crm_calendar_add_business, PURE),
    NC(crm_calendar_subtract_business, PURE),
    NC(crm_calendar_business_between, PURE),
    NC(crm_calendar_is_open, PURE),
    NC(crm_calendar_timezone, PURE),
    NC(crm_calendar_from_json, PURE),
    NC(crm_calendar_to_json, PURE),
    NC(crm_calendar_free, FREES),
    /* case.h: no handle */
    NC(crm_case_spec_init, INIT),
    NC(crm_case_id, GETTER),
    NC(crm_case_customer, GETTER),
    NC(crm_case_subject, GETTER),
    NC(crm_case_kind, GETTER),
    NC(crm_case_status, GETTER),
    NC(crm_case_priority, GETTER),
    NC(crm_case_queue, GETTER),
    NC(crm_case_assignee, GETTER),
    NC(crm_case_created_at, GETTER),
    NC(crm_case_updated_at, GETTER),
    NC(crm_case_resolved_at, GETTER),
    NC(crm_case_version, GETTER),
    NC(crm_case_inbound_count, GETTER),
    NC(crm_case_transfer_count, GETTER),
    NC(crm_case_reopen_count, GETTER),
    NC(crm_case_csat, GETTER),
    NC(crm_case_csat_comment, GETTER),
    NC(crm_case_tag_count, GETTER),
    NC(crm_case_tag_at, GETTER),
    NC(crm_case_has_tag, GETTER),
    NC(crm_case_free, FREES),
    NC(crm_case_status_name, PURE),
    NC(crm_priority_name, PURE),
    NC(crm_case_kind_name, PURE),
    NC(crm_link_name, PURE),
    NC(crm_link_next, NEXT),
    NC(crm_link_iterator_free, FREES),
    NC(crm_link_from, GETTER),
    NC(crm_link_kind, GETTER),
    NC(crm_link_to, GETTER),
    NC(crm_link_created_at, GETTER),
    NC(crm_link_free, FREES),
    NC(crm_case_query_init, INIT),
    NC(crm_case_next, NEXT),
    NC(crm_case_iterator_free, FREES),
    /* report.h: no handle (a report was computed by a checked call) */
    NC(crm_report_spec_init, INIT),
    NC(crm_report_json, GETTER),
    NC(crm_report_row_iterator_new, GETTER),
    NC(crm_report_row_next, NEXT),
    NC(crm_report_row_iterator_free, FREES),
    NC(crm_report_row_free, FREES),
    NC(crm_report_free, FREES),
    NC(crm_report_group_name, PURE),
    NC(crm_report_from, GETTER),
    NC(crm_report_to, GETTER),
    NC(crm_report_group_by, GETTER),
    NC(crm_report_row_count, GETTER),
    NC(crm_report_row_group, GETTER),
    NC(crm_report_row_key, GETTER),
    NC(crm_report_row_label, GETTER),
    NC(crm_report_row_contacts_in, GETTER),
    NC(crm_report_row_contacts_out, GETTER),
    NC(crm_report_row_abandoned, GETTER),
    NC(crm_report_row_abandoned_at_depth, GETTER),
    NC(crm_report_row_max_depth, GETTER),
    NC(crm_report_row_cases, GETTER),
    NC(crm_report_row_resolved, GETTER),
    NC(crm_report_row_time, GETTER),
    NC(crm_report_row_sla_met, GETTER),
    NC(crm_report_row_sla_breached, GETTER),
    NC(crm_report_row_sla_rate, GETTER),
    NC(crm_report_row_fcr, GETTER),
    NC(crm_report_row_fcr_rate, GETTER),
    NC(crm_report_row_reopened, GETTER),
    NC(crm_report_row_reopen_rate, GETTER),
    NC(crm_report_row_transfers, GETTER),
    NC(crm_report_row_transfers_per_case, GETTER),
    NC(crm_report_row_csat_count, GETTER),
    NC(crm_report_row_csat_average, GETTER),
    NC(crm_report_row_csat_score, GETTER),
    NC(crm_report_row_backlog, GETTER),
    /* search.h: no handle */
    NC(crm_search_options_init, INIT),
    NC(crm_search_next, NEXT),
    NC(crm_search_iterator_free, FREES),
    NC(crm_search_hit_kind, GETTER),
    NC(crm_search_hit_id, GETTER),
    NC(crm_search_hit_customer, GETTER),
    NC(crm_search_hit_case, GETTER),
    NC(crm_search_hit_rank, GETTER),
    NC(crm_search_hit_snippet, GETTER),
    NC(crm_search_hit_cursor, GETTER),
    NC(crm_search_hit_free, FREES),
    NC(crm_search_kind_name, PURE),
    /* customer.h: no handle */
    NC(crm_phone_normalize, PURE),
    NC(crm_customer_status_name, PURE),
    NC(crm_identity_kind_name, PURE),
    NC(crm_identity_next, NEXT),
    NC(crm_identity_iterator_free, FREES),
    NC(crm_identity_kind, GETTER),
    NC(crm_identity_value, GETTER),
    NC(crm_identity_customer, GETTER),
    NC(crm_identity_free, FREES),
    NC(crm_customer_id, GETTER),
    NC(crm_customer_name, PURE),
    NC(crm_customer_organization, GETTER),
    NC(crm_customer_language, GETTER),
    NC(crm_customer_timezone, GETTER),
    NC(crm_customer_segment, GETTER),
    NC(crm_customer_status, GETTER),
    NC(crm_customer_created_at, GETTER),
    NC(crm_customer_updated_at, GETTER),
    NC(crm_customer_version, GETTER),
    NC(crm_customer_attribute, GETTER),
    NC(crm_customer_free, FREES),
    NC(crm_customer_update_spec_init, INIT),
    NC(crm_customer_resolved_from, GETTER),
    NC(crm_preference_next, NEXT),
    NC(crm_preference_iterator_free, FREES),
    NC(crm_preference_channel, GETTER),
    NC(crm_preference_purpose, GETTER),
    NC(crm_preference_allowed, GETTER),
    NC(crm_preference_source, GETTER),
    NC(crm_preference_updated_at, GETTER),
    NC(crm_preference_free, FREES),
    NC(crm_duplicate_reason_name, PURE),
    NC(crm_duplicate_next, NEXT),
    NC(crm_duplicate_iterator_free, FREES),
    NC(crm_duplicate_customer, GETTER),
    NC(crm_duplicate_reason, GETTER),
    NC(crm_duplicate_reasons, GETTER),
    NC(crm_duplicate_score, GETTER),
    NC(crm_duplicate_free, FREES),
    NC(crm_customer_export_options_init, INIT),
    /* db.h: no handle */
    NC(crm_open_options_init, INIT),
    /* errors.h: no handle */
    NC(crm_error_last, PURE),
    NC(crm_strerror, PURE),
    NC(crm_error_clear, PURE),
    /* event.h: no handle */
    NC(crm_event_next, NEXT),
    NC(crm_event_iterator_free, FREES),
    NC(crm_event_seq, GETTER),
    NC(crm_event_time, GETTER),
    NC(crm_event_actor, GETTER),
    NC(crm_event_kind, GETTER),
    NC(crm_event_entity, GETTER),
    NC(crm_event_entity_id, GETTER),
    NC(crm_event_payload, GETTER),
    NC(crm_event_dup, GETTER),
    NC(crm_event_free, FREES),
    /* incident.h: no handle */
    NC(crm_incident_next, NEXT),
    NC(crm_incident_iterator_free, FREES),
    /* interaction.h: no handle */
    NC(crm_interaction_spec_init, INIT),
    NC(crm_interaction_id, GETTER),
    NC(crm_interaction_case, GETTER),
    NC(crm_interaction_customer, GETTER),
    NC(crm_interaction_agent, GETTER),
    NC(crm_interaction_channel, GETTER),
    NC(crm_interaction_direction, GETTER),
    NC(crm_interaction_outcome, GETTER),
    NC(crm_interaction_occurred_at, GETTER),
    NC(crm_interaction_recorded_at, GETTER),
    NC(crm_interaction_subject, GETTER),
    NC(crm_interaction_body, GETTER),
    NC(crm_interaction_external_ref, GETTER),
    NC(crm_interaction_in_reply_to, GETTER),
    NC(crm_interaction_attribute, GETTER),
    NC(crm_interaction_free, FREES),
    NC(crm_direction_name, PURE),
    NC(crm_outcome_name, PURE),
    NC(crm_participant_next, NEXT),
    NC(crm_participant_iterator_free, FREES),
    NC(crm_participant_kind, GETTER),
    NC(crm_participant_value, GETTER),
    NC(crm_participant_role, GETTER),
    NC(crm_participant_free, FREES),
    NC(crm_attachment_next, NEXT),
    NC(crm_attachment_iterator_free, FREES),
    NC(crm_attachment_id, GETTER),
    NC(crm_attachment_filename, GETTER),
    NC(crm_attachment_media_type, GETTER),
    NC(crm_attachment_size, GETTER),
    NC(crm_attachment_sha256, GETTER),
    NC(crm_attachment_free, FREES),
    /* mail.h: no handle */
    NC(crm_mail_options_init, INIT),
    NC(crm_mail_rule_name, PURE),
    /* queue.h: no handle */
    NC(crm_queue_id, GETTER),
    NC(crm_queue_name, PURE),
    NC(crm_queue_skill_count, GETTER),
    NC(crm_queue_skill_at, GETTER),
    NC(crm_queue_free, FREES),
    NC(crm_agent_id, GETTER),
    NC(crm_agent_name, PURE),
    NC(crm_agent_email, GETTER),
    NC(crm_agent_skill_count, GETTER),
    NC(crm_agent_skill_at, GETTER),
    NC(crm_agent_free, FREES),
    NC(crm_role_name, PURE),
    /* sla.h: no handle */
    NC(crm_sla_metric_name, PURE),
    NC(crm_sla_segment_name, PURE),
    NC(crm_sla_policy_spec_init, INIT),
    NC(crm_sla_timer_next, NEXT),
    NC(crm_sla_timer_iterator_free, FREES),
    NC(crm_sla_timer_free, FREES),
    NC(crm_sla_timer_id, GETTER),
    NC(crm_sla_timer_case, GETTER),
    NC(crm_sla_timer_metric, GETTER),
    NC(crm_sla_timer_cycle, GETTER),
    NC(crm_sla_timer_view, GETTER),
    NC(crm_sla_timer_policy, GETTER),
    NC(crm_sla_timer_policy_version, GETTER),
    NC(crm_sla_timer_calendar, GETTER),
    NC(crm_sla_timer_calendar_version, GETTER),
    NC(crm_sla_timer_target, GETTER),
    NC(crm_sla_timer_started_at, GETTER),
    NC(crm_sla_timer_due_at, GETTER),
    NC(crm_sla_timer_warned_at, GETTER),
    NC(crm_sla_timer_breached_at, GETTER),
    NC(crm_sla_timer_met_at, GETTER),
    NC(crm_sla_timer_stopped_at, GETTER),
    NC(crm_sla_timer_business_elapsed, GETTER),
    NC(crm_sla_timer_calendar_elapsed, GETTER),
    NC(crm_sla_timer_as_of, GETTER),
    NC(crm_sla_timer_paused, GETTER),
    NC(crm_sla_timer_open, GETTER),
    NC(crm_sla_timer_segment_count, GETTER),
    NC(crm_sla_timer_segment_kind, GETTER),
    NC(crm_sla_timer_segment_at, GETTER),
    NC(crm_sla_timer_segment_business_elapsed, GETTER),
    NC(crm_sla_timer_segment_calendar_elapsed, GETTER),
    NC(crm_sla_timer_segment_due_at, GETTER),
    NC(crm_sla_timer_segment_calendar_version, GETTER),
    NC(crm_sla_timer_segment_policy_version, GETTER),
    /* timeline.h: no handle */
    NC(crm_timeline_query_init, INIT),
    NC(crm_timeline_next, NEXT),
    NC(crm_timeline_iterator_free, FREES),
    /* types.h: no handle */
    NC(crm_channel_name, PURE),
    /* version.h: no handle */
    NC(crm_version, PURE),
};

static const entry *find_entry(const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS(matrix); i++)
    if (strcmp(matrix[i].name, name) == 0)
      return &matrix[i];
  return NULL;
}

/* ------------------------------------------------------------------ */
/* the public functions, read from the headers                          */

typedef struct {
  char *name;
  int takes_db;
} public_fn;

static GPtrArray *public_functions(void)
{
  const char *root = g_getenv("CRM_SOURCE_ROOT");
  assert_non_null(root);
  char *dir = g_build_filename(root, "include", "crm", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  assert_non_null(d);
  GRegex *comments = g_regex_new("/\\*.*?\\*/", G_REGEX_DOTALL, 0, NULL);
  GRegex *decl = g_regex_new("CRM_EXTERN\\(([^)]*)\\)\\s*(crm_\\w+)\\s*\\(([^)]*)\\)",
                             G_REGEX_DOTALL, 0, NULL);
  GPtrArray *out = g_ptr_array_new();
  const char *file;
  while ((file = g_dir_read_name(d)) != NULL) {
    if (!g_str_has_suffix(file, ".h"))
      continue;
    char *path = g_build_filename(dir, file, NULL), *text = NULL;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    char *bare = g_regex_replace_literal(comments, text, -1, 0, "", 0, NULL);
    GMatchInfo *m = NULL;
    g_regex_match(decl, bare, 0, &m);
    while (g_match_info_matches(m)) {
      public_fn *fn = g_new0(public_fn, 1);
      fn->name = g_match_info_fetch(m, 2);
      char *params = g_match_info_fetch(m, 3);
      fn->takes_db = strstr(params, "crm_db *") != NULL;
      g_free(params);
      g_ptr_array_add(out, fn);
      g_match_info_next(m, NULL);
    }
    g_match_info_free(m);
    g_free(bare);
    g_free(text);
    g_free(path);
  }
  g_dir_close(d);
  g_regex_unref(comments);
  g_regex_unref(decl);
  g_free(dir);
  return out;
}

static void public_functions_free(GPtrArray *fns)
{
  for (guint i = 0; i < fns->len; i++) {
    public_fn *fn = g_ptr_array_index(fns, i);
    g_free(fn->name);
    g_free(fn);
  }
  g_ptr_array_unref(fns);
}

/* The reasons that only hold for functions without a handle. */
static int handle_free_reason(const char *why)
{
  return strcmp(why, GETTER) == 0 || strcmp(why, PURE) == 0 || strcmp(why, FREES) == 0 ||
         strcmp(why, NEXT) == 0 || strcmp(why, INIT) == 0;
}

/* Every public function has an entry; every entry names one; a function
   that takes a handle is never waved through as a getter or pure. */
static void test_every_function_has_an_entry(void **state)
{
  (void)state;
  GPtrArray *fns = public_functions();
  assert_true(fns->len > 250);
  GString *missing = g_string_new(NULL);
  for (guint i = 0; i < fns->len; i++) {
    const public_fn *fn = g_ptr_array_index(fns, i);
    const entry *e = find_entry(fn->name);
    if (e == NULL)
      g_string_append_printf(missing, " %s", fn->name);
    else if (fn->takes_db && e->kind == NC && handle_free_reason(e->why))
      g_string_append_printf(missing, " %s(takes a handle: not a getter)", fn->name);
    else if (!fn->takes_db && e->kind != NC)
      g_string_append_printf(missing, " %s(takes no handle: NC)", fn->name);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(matrix); i++) {
    int found = 0;
    for (guint j = 0; j < fns->len && !found; j++)
      found = strcmp(((public_fn *)g_ptr_array_index(fns, j))->name, matrix[i].name) == 0;
    if (!found)
      g_string_append_printf(missing, " %s(no such function)", matrix[i].name);
  }
  if (missing->len)
    fail_msg("permission matrix entries missing or wrong:%s", missing->str);
  g_string_free(missing, TRUE);
  public_functions_free(fns);
}

/* ------------------------------------------------------------------ */
/* running an entry                                                     */

/* `who` calls the entry: CRM_EPERM naming the agent, and nothing written. */
static void assert_refused(fx *f, const entry *e, crm_id who)
{
  char *before = crm_test_fingerprint(f->t);
  crm_db *db = crm_test_db_open_as(f->t, who);
  size_t n = 0;
  crm_status st = e->call(db, f, &n);
  char *needle = g_strdup_printf("agent %lld may not", (long long)who);
  if (st != CRM_EPERM || strstr(crm_error_last()->message, needle) == NULL)
    fail_msg("%s as agent %lld: want CRM_EPERM \"%s...\", got %d: %s", e->name, (long long)who,
             needle, st, crm_error_last()->message);
  g_free(needle);
  crm_close(db);
  char *after = crm_test_fingerprint(f->t);
  if (strcmp(before, after) != 0)
    fail_msg("%s as agent %lld was refused but wrote:\n%s\n%s", e->name, (long long)who, before,
             after);
  g_free(before);
  g_free(after);
}

static size_t assert_allowed(fx *f, const entry *e, crm_id who)
{
  crm_db *db = crm_test_db_open_as(f->t, who);
  size_t n = 0;
  crm_status st = e->call(db, f, &n);
  if (st != CRM_OK)
    fail_msg("%s as agent %lld: want CRM_OK, got %d: %s", e->name, (long long)who, st,
             crm_error_last()->message);
  crm_close(db);
  return n;
}

static void run_entry(const entry *e)
{
  fx f;
  fx_init(&f);
  switch (e->kind) {
  case AGENT:
    assert_refused(&f, e, f.outsider);
    assert_allowed(&f, e, f.agent);
    break;
  case SUPERVISOR:
    assert_refused(&f, e, f.outsider);
    assert_refused(&f, e, f.agent);
    assert_allowed(&f, e, f.supervisor);
    break;
  case ADMIN:
    assert_refused(&f, e, f.outsider);
    assert_refused(&f, e, f.agent);
    assert_refused(&f, e, f.supervisor);
    assert_allowed(&f, e, f.admin);
    break;
  case FILTER: {
    char *before = crm_test_fingerprint(f.t);
    if (assert_allowed(&f, e, f.outsider) != 0)
      fail_msg("%s showed the outsider something of another queue", e->name);
    char *after = crm_test_fingerprint(f.t);
    assert_string_equal(before, after);
    g_free(before);
    g_free(after);
    if (assert_allowed(&f, e, f.agent) == 0)
      fail_msg("%s showed the queue's agent nothing", e->name);
    break;
  }
  case OPEN:
    assert_allowed(&f, e, f.outsider);
    break;
  case NC:
    break;
  }
  fx_free(&f);
}

static void run_kind(kind_t kind)
{
  for (size_t i = 0; i < G_N_ELEMENTS(matrix); i++)
    if (matrix[i].kind == kind)
      run_entry(&matrix[i]);
}

static void test_agent_entries(void **state)
{
  (void)state;
  run_kind(AGENT);
}

static void test_supervisor_entries(void **state)
{
  (void)state;
  run_kind(SUPERVISOR);
}

static void test_admin_entries(void **state)
{
  (void)state;
  run_kind(ADMIN);
}

static void test_filter_entries(void **state)
{
  (void)state;
  run_kind(FILTER);
}

static void test_open_entries(void **state)
{
  (void)state;
  run_kind(OPEN);
}

/* ------------------------------------------------------------------ */
/* the rules beyond the matrix                                          */

static void test_open_unknown_actor(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_open_options o = f.t->opts;
  o.actor = f.admin + 100;
  crm_db *db = NULL;
  assert_crm_error(crm_open(&db, f.t->uri, &o), CRM_ENOTFOUND, "is not an agent");
  assert_null(db);
  db = crm_test_db_open_as(f.t, f.agent);
  assert_int_equal(crm_actor(db), f.agent);
  crm_close(db);
  fx_free(&f);
}

static void test_message_names_agent_action_queue(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_db *db = crm_test_db_open_as(f.t, f.agent);
  assert_int_equal(crm_case_set_priority(db, f.case1, CRM_PRIORITY_HIGH, 0), CRM_EPERM);
  char *want = g_strdup_printf("agent %lld may not change the priority of case %lld in queue "
                               "%lld (Billing)",
                               (long long)f.agent, (long long)f.case1, (long long)f.billing);
  assert_non_null(strstr(crm_error_last()->message, want));
  g_free(want);
  crm_close(db);
  fx_free(&f);
}

/* A case without a queue: every agent sees it, writes it, assigns it. */
static void test_case_without_queue(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_id open_case = case_new(f.t->db, f.customer2, "Who handles this?", 0, CRM_CASE_REQUEST);
  crm_db *db = crm_test_db_open_as(f.t, f.outsider);
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, db, open_case));
  crm_case_free(c);
  assert_crm_ok(crm_case_tag(db, open_case, "triage"));
  /* the customer is now visible through that case */
  crm_customer *cu = NULL;
  assert_crm_ok(crm_customer_lookup(&cu, db, f.customer2));
  crm_customer_free(cu);
  /* triage: into a queue of someone else */
  assert_crm_ok(crm_case_assign(db, open_case, f.billing, 0, 0));
  assert_crm_error(crm_case_lookup(&c, db, open_case), CRM_EPERM, "queue");
  crm_close(db);
  fx_free(&f);
}

/* Taking a call from a new person: create, identify, open a case. */
static void test_new_caller(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_db *db = crm_test_db_open_as(f.t, f.agent);
  crm_id id = 0;
  int created = 0;
  assert_crm_ok(crm_customer_ensure(&id, &created, db, CRM_IDENTITY_PHONE, "+39 0471 999999",
                                    "Nuovo Cliente"));
  assert_int_equal(created, 1);
  assert_crm_ok(crm_identity_add(db, id, CRM_IDENTITY_EMAIL, "nuovo@example.com"));
  crm_id case_id = case_new(db, id, "First call", f.billing, CRM_CASE_REQUEST);
  record(db, id, case_id, CRM_DIRECTION_INBOUND, "hello");
  crm_close(db);
  /* the outsider saw the customer while it had no case; not any more */
  db = crm_test_db_open_as(f.t, f.outsider);
  crm_customer *c = NULL;
  assert_crm_error(crm_customer_lookup(&c, db, id), CRM_EPERM, "customer");
  crm_close(db);
  fx_free(&f);
}

/* An agent takes a case of their queue; handing it on is a supervisor's. */
static void test_take_a_case(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_db *db = crm_test_db_open_as(f.t, f.agent);
  assert_crm_ok(crm_case_assign(db, f.case1, f.billing, f.agent, 0));
  assert_crm_error(crm_case_assign(db, f.case1, f.billing, f.supervisor, 0), CRM_EPERM, "reassign");
  crm_close(db);
  /* the supervisor moves it across their queues, not into others */
  crm_id third = queue_new(f.t->db, "Third");
  db = crm_test_db_open_as(f.t, f.supervisor);
  assert_crm_error(crm_case_assign(db, f.case1, third, 0, 0), CRM_EPERM, "Third");
  assert_crm_ok(crm_case_assign(db, f.case1, f.elsewhere, 0, 0));
  crm_close(db);
  fx_free(&f);
}

/* Memberships are cached per call or transaction, and this handle's own
   changes take effect at once. */
static void test_membership_changes(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_db *db = crm_test_db_open_as(f.t, f.outsider);
  crm_case *c = NULL;
  assert_crm_error(crm_case_lookup(&c, db, f.case1), CRM_EPERM, "queue");
  /* another handle makes the outsider a member: seen at the next call */
  assert_crm_ok(crm_agent_join(f.t->db, f.outsider, f.billing, CRM_ROLE_AGENT));
  assert_crm_ok(crm_case_lookup(&c, db, f.case1));
  crm_case_free(c);
  /* an admin's handle: leaving takes effect on that handle at once */
  crm_db *adm = crm_test_db_open_as(f.t, f.admin);
  assert_crm_ok(crm_begin(adm));
  assert_crm_ok(crm_case_lookup(&c, adm, f.case1));
  crm_case_free(c);
  assert_crm_ok(crm_agent_leave(adm, f.admin, f.elsewhere));
  assert_crm_error(crm_case_lookup(&c, adm, f.case1), CRM_EPERM, "queue");
  assert_crm_ok(crm_rollback(adm));
  assert_crm_ok(crm_case_lookup(&c, adm, f.case1));
  crm_case_free(c);
  crm_close(adm);
  crm_close(db);
  fx_free(&f);
}

/* The timeline of a customer with cases in two queues shows each agent
   their part. */
static void test_timeline_filters(void **state)
{
  (void)state;
  fx f;
  fx_init(&f);
  crm_id other = case_new(f.t->db, f.customer, "Elsewhere", f.elsewhere, CRM_CASE_REQUEST);
  record(f.t->db, f.customer, other, CRM_DIRECTION_INBOUND, "other question");
  const entry *e = find_entry("crm_timeline_iterator_new");
  size_t outsider = assert_allowed(&f, e, f.outsider);
  size_t agent = assert_allowed(&f, e, f.agent);
  size_t all = assert_allowed(&f, e, 0);
  assert_int_equal(outsider, 1);
  assert_int_equal(outsider + agent, all);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_function_has_an_entry),
      cmocka_unit_test(test_agent_entries),
      cmocka_unit_test(test_supervisor_entries),
      cmocka_unit_test(test_admin_entries),
      cmocka_unit_test(test_filter_entries),
      cmocka_unit_test(test_open_entries),
      cmocka_unit_test(test_open_unknown_actor),
      cmocka_unit_test(test_message_names_agent_action_queue),
      cmocka_unit_test(test_case_without_queue),
      cmocka_unit_test(test_new_caller),
      cmocka_unit_test(test_take_a_case),
      cmocka_unit_test(test_membership_changes),
      cmocka_unit_test(test_timeline_filters),
  };
  CRM_TEST_MAIN(tests);
}
