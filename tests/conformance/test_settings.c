/*
 * Unit tests: per-database settings (crm_setting_set / crm_setting_get).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

static const char *const names[] = {"reopen_window", "autoclose_after", "subject_tag",
                                    "helpdesk_addresses"};
static const char *const defaults[] = {"604800", "2419200", "[#%id]", ""};

/* Assert that setting `name` reads `want`; the buffer is well formed. */
static void assert_setting(crm_db *db, const char *name, const char *want)
{
  crm_buf b = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&b, db, name));
  assert_non_null(b.ptr);
  assert_string_equal(b.ptr, want);
  assert_int_equal(b.size, strlen(want));
  assert_true(b.reserved >= b.size + 1);
  crm_buf_dispose(&b);
  assert_null(b.ptr);
}

/* Assert that a set fails with `code`/`needle` and writes nothing. */
static void assert_set_fails(crm_test_db *t, crm_db *db, const char *name, const char *value,
                             crm_status code, const char *needle)
{
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);
  assert_crm_error(crm_setting_set(db, name, value), code, needle);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

static void defaults_when_never_set(void **state)
{
  crm_test_db *t = *state;
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
    assert_setting(t->db, names[i], defaults[i]);
  assert_setting(t->db, "reopen_window", "604800");
  assert_setting(t->db, "autoclose_after", "2419200");
  assert_setting(t->db, "subject_tag", "[#%id]");
  assert_setting(t->db, "helpdesk_addresses", "");
}

static void set_get_round_trip_and_persistence(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "3600"));
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "0"));
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "[Ticket %id]"));
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", "help@example.com"));
  assert_setting(t->db, "reopen_window", "3600");
  assert_setting(t->db, "autoclose_after", "0");
  assert_setting(t->db, "subject_tag", "[Ticket %id]");
  assert_setting(t->db, "helpdesk_addresses", "help@example.com");

  /* another handle sees them at once, a reopened one too */
  crm_db *other = crm_test_db_open_another(t);
  assert_setting(other, "reopen_window", "3600");
  crm_close(other);
  crm_test_db_reopen(t);
  assert_setting(t->db, "reopen_window", "3600");
  assert_setting(t->db, "autoclose_after", "0");
  assert_setting(t->db, "subject_tag", "[Ticket %id]");
  assert_setting(t->db, "helpdesk_addresses", "help@example.com");

  /* a later set replaces the value; the others keep theirs */
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "7200"));
  assert_setting(t->db, "reopen_window", "7200");
  assert_setting(t->db, "autoclose_after", "0");
  /* setting the default value explicitly reads back the same */
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "[#%id]"));
  assert_setting(t->db, "subject_tag", "[#%id]");
}

static void seconds_are_normalised(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "007"));
  assert_setting(t->db, "reopen_window", "7");
  assert_crm_ok(crm_setting_set(t->db, "autoclose_after", "9223372036854775807"));
  assert_setting(t->db, "autoclose_after", "9223372036854775807");
}

static void seconds_must_be_non_negative_integers(void **state)
{
  crm_test_db *t = *state;
  static const char *const bad[] = {"-5", "abc", "12x", "",     " 5",
                                    "5 ", "+5",  "1.5", "0x10", "99999999999999999999"};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    assert_set_fails(t, t->db, "reopen_window", bad[i], CRM_EINVALID, "seconds");
    assert_set_fails(t, t->db, "autoclose_after", bad[i], CRM_EINVALID, "seconds");
  }
  /* the message quotes the value */
  assert_set_fails(t, t->db, "reopen_window", "12x", CRM_EINVALID, "'12x'");
  assert_setting(t->db, "reopen_window", "604800");
  assert_setting(t->db, "autoclose_after", "2419200");
}

static void subject_tag_needs_one_id(void **state)
{
  crm_test_db *t = *state;
  assert_set_fails(t, t->db, "subject_tag", "[#]", CRM_EINVALID, "%id");
  assert_set_fails(t, t->db, "subject_tag", "", CRM_EINVALID, "%id");
  assert_set_fails(t, t->db, "subject_tag", "[%id-%id]", CRM_EINVALID, "'[%id-%id]'");
  assert_set_fails(t, t->db, "subject_tag", "%i d", CRM_EINVALID, "%id");
  assert_setting(t->db, "subject_tag", "[#%id]");
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "%id"));
  assert_setting(t->db, "subject_tag", "%id");
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "«Pratica n° %id»"));
  assert_setting(t->db, "subject_tag", "«Pratica n° %id»");
}

static void helpdesk_addresses_are_validated_and_normalised(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", " Help@Example.COM , b@x.it"));
  assert_setting(t->db, "helpdesk_addresses", "help@example.com,b@x.it");
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", "SUPPORT@EXAMPLE.ORG"));
  assert_setting(t->db, "helpdesk_addresses", "support@example.org");

  assert_set_fails(t, t->db, "helpdesk_addresses", "a@x.it, bob@", CRM_EINVALID, "'bob@'");
  assert_set_fails(t, t->db, "helpdesk_addresses", "not an address", CRM_EINVALID,
                   "not an address");
  assert_setting(t->db, "helpdesk_addresses", "support@example.org");

  /* empty clears the list; empty items are skipped */
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", ""));
  assert_setting(t->db, "helpdesk_addresses", "");
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", "a@x.it,,b@x.it,"));
  assert_setting(t->db, "helpdesk_addresses", "a@x.it,b@x.it");
}

static void set_argument_errors(void **state)
{
  crm_test_db *t = *state;
  assert_set_fails(t, NULL, "reopen_window", "5", CRM_EINVALID, "db");
  assert_set_fails(t, t->db, NULL, "5", CRM_EINVALID, "name");
  assert_set_fails(t, t->db, "", "5", CRM_EINVALID, "name");
  assert_set_fails(t, t->db, "reopen_window", NULL, CRM_EINVALID, "value");
  assert_set_fails(t, t->db, "no_such_setting", "5", CRM_EINVALID, "'no_such_setting'");
  assert_set_fails(t, t->db, "Reopen_Window", "5", CRM_EINVALID, "unknown setting");
  assert_set_fails(t, t->db, "reopen_window\xff", "5", CRM_EINVALID, "UTF-8");
  assert_set_fails(t, t->db, "subject_tag", "[%id]\xff\xfe", CRM_EINVALID, "UTF-8");
  assert_set_fails(t, t->db, "helpdesk_addresses", "\xc3(@x.it", CRM_EINVALID, "UTF-8");
}

static void get_argument_errors(void **state)
{
  crm_test_db *t = *state;
  assert_crm_error(crm_setting_get(NULL, t->db, "reopen_window"), CRM_EINVALID, "out");

  /* out is reset on failure, whatever it held */
  char junk[] = "junk";
  crm_buf b = {junk, 4, 5};
  assert_crm_error(crm_setting_get(&b, NULL, "reopen_window"), CRM_EINVALID, "db");
  assert_null(b.ptr);
  assert_int_equal(b.size, 0);
  assert_int_equal(b.reserved, 0);
  b.ptr = junk;
  assert_crm_error(crm_setting_get(&b, t->db, NULL), CRM_EINVALID, "name");
  assert_null(b.ptr);
  b.ptr = junk;
  assert_crm_error(crm_setting_get(&b, t->db, "bogus"), CRM_EINVALID, "'bogus'");
  assert_null(b.ptr);
  assert_crm_error(crm_setting_get(&b, t->db, "\xff"), CRM_EINVALID, "UTF-8");
  assert_null(b.ptr);
  assert_crm_error(crm_setting_get(&b, t->db, ""), CRM_EINVALID, "name");
  assert_null(b.ptr);
}

/* Parse the JSON payload of `ev`; the parser owns the returned object. */
static JsonObject *payload_object(const crm_event *ev, JsonParser *parser)
{
  GError *err = NULL;
  if (!json_parser_load_from_data(parser, crm_event_payload(ev), -1, &err))
    fail_msg("payload %s is not JSON: %s", crm_event_payload(ev), err->message);
  JsonNode *root = json_parser_get_root(parser);
  assert_non_null(root);
  assert_true(JSON_NODE_HOLDS_OBJECT(root));
  return json_node_get_object(root);
}

/* The newest event (owned), or fail. */
static crm_event *last_event(crm_db *db)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, db, 0));
  crm_event *last = NULL, *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    crm_event_free(last);
    last = ev;
  }
  crm_event_iterator_free(it);
  assert_non_null(last);
  return last;
}

static void one_event_per_successful_set(void **state)
{
  crm_test_db *t = *state;
  long events = crm_test_count_events(t->db);
  t->now = CRM_TEST_T0 + 90;
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", " Help@Example.COM , b@x.it"));
  assert_int_equal(crm_test_count_events(t->db), events + 1);

  crm_event *ev = last_event(t->db);
  assert_string_equal(crm_event_kind(ev), "setting.changed");
  assert_string_equal(crm_event_entity(ev), "setting");
  assert_int_equal(crm_event_entity_id(ev), 0);
  assert_int_equal(crm_event_actor(ev), 0);
  assert_int_equal(crm_event_time(ev), CRM_TEST_T0 + 90);
  JsonParser *parser = json_parser_new();
  JsonObject *o = payload_object(ev, parser);
  assert_string_equal(json_object_get_string_member(o, "name"), "helpdesk_addresses");
  /* the stored (normalised) value */
  assert_string_equal(json_object_get_string_member(o, "value"), "help@example.com,b@x.it");
  g_object_unref(parser);
  crm_event_free(ev);

  /* a failed set appends none; a repeated set appends one more */
  assert_set_fails(t, t->db, "reopen_window", "abc", CRM_EINVALID, NULL);
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "60"));
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "60"));
  assert_int_equal(crm_test_count_events(t->db), events + 3);
  ev = last_event(t->db);
  parser = json_parser_new();
  o = payload_object(ev, parser);
  assert_string_equal(json_object_get_string_member(o, "name"), "reopen_window");
  assert_string_equal(json_object_get_string_member(o, "value"), "60");
  g_object_unref(parser);
  crm_event_free(ev);
}

static void buffers_are_independent(void **state)
{
  crm_test_db *t = *state;
  crm_buf a = CRM_BUF_INIT, b = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&a, t->db, "subject_tag"));
  assert_crm_ok(crm_setting_get(&b, t->db, "subject_tag"));
  assert_true(a.ptr != b.ptr);
  /* the caller owns the text: writing to it changes nothing stored */
  a.ptr[0] = 'X';
  crm_buf_dispose(&a);
  assert_string_equal(b.ptr, "[#%id]");
  crm_buf_dispose(&b);
  assert_setting(t->db, "subject_tag", "[#%id]");
  /* the empty default is still a NUL-terminated, owned string */
  assert_crm_ok(crm_setting_get(&a, t->db, "helpdesk_addresses"));
  assert_non_null(a.ptr);
  assert_int_equal(a.size, 0);
  assert_int_equal(a.ptr[0], '\0');
  crm_buf_dispose(&a);
}

static void set_inside_a_transaction(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "1"));
  /* visible to its own transaction */
  assert_setting(t->db, "reopen_window", "1");
  assert_crm_ok(crm_rollback(t->db));
  assert_setting(t->db, "reopen_window", "604800");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, crm_test_setup, crm_test_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(defaults_when_never_set),      T(set_get_round_trip_and_persistence),
      T(seconds_are_normalised),       T(seconds_must_be_non_negative_integers),
      T(subject_tag_needs_one_id),     T(helpdesk_addresses_are_validated_and_normalised),
      T(set_argument_errors),          T(get_argument_errors),
      T(one_event_per_successful_set), T(buffers_are_independent),
      T(set_inside_a_transaction),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
