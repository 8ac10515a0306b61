/*
 * Unit tests: the per-thread last error, crm_strerror, crm_version,
 * crm_buf_dispose and the names of the public enums.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

/* Provoke a failure that needs no database: CRM_EINVALID naming "opts". */
static crm_status fail_somehow(void)
{
  return crm_open_options_init(NULL, CRM_OPEN_OPTIONS_VERSION);
}

static void error_last_is_never_null_and_starts_clean(void **state)
{
  (void)state;
  const crm_error *e = crm_error_last();
  assert_non_null(e);
  assert_int_equal(e->code, CRM_OK);
  assert_non_null(e->message);
  assert_string_equal(e->message, "no error");
}

static void error_last_records_a_failure(void **state)
{
  (void)state;
  assert_int_equal(fail_somehow(), CRM_EINVALID);
  const crm_error *e = crm_error_last();
  assert_non_null(e);
  assert_int_equal(e->code, CRM_EINVALID);
  assert_non_null(strstr(e->message, "opts"));
}

static void error_clear_resets(void **state)
{
  (void)state;
  assert_int_equal(fail_somehow(), CRM_EINVALID);
  crm_error_clear();
  const crm_error *e = crm_error_last();
  assert_non_null(e);
  assert_int_equal(e->code, CRM_OK);
  assert_string_equal(e->message, "no error");
  /* clearing twice is harmless */
  crm_error_clear();
  assert_int_equal(crm_error_last()->code, CRM_OK);
  assert_string_equal(crm_error_last()->message, "no error");
}

static void error_message_is_replaced_by_the_next_failure(void **state)
{
  (void)state;
  crm_open_options opts;
  assert_int_equal(crm_open_options_init(&opts, 99), CRM_EINVALID);
  assert_non_null(strstr(crm_error_last()->message, "99"));
  assert_int_equal(fail_somehow(), CRM_EINVALID);
  assert_null(strstr(crm_error_last()->message, "99"));
  assert_non_null(strstr(crm_error_last()->message, "opts"));
}

typedef struct {
  crm_status code;
  char *message;
  int before_code;
} thread_report;

static gpointer fail_on_another_thread(gpointer data)
{
  thread_report *r = data;
  r->before_code = crm_error_last()->code;
  r->code = crm_open(NULL, "sqlite::memory:", NULL); /* NULL out: EINVALID naming "out" */
  r->message = g_strdup(crm_error_last()->message);
  return NULL;
}

static void error_last_is_per_thread(void **state)
{
  (void)state;
  crm_error_clear();
  thread_report r = {0, NULL, 1};
  GThread *th = g_thread_new("failer", fail_on_another_thread, &r);
  g_thread_join(th);
  /* the other thread started clean and saw its own failure */
  assert_int_equal(r.before_code, CRM_OK);
  assert_int_equal(r.code, CRM_EINVALID);
  assert_non_null(r.message);
  assert_non_null(strstr(r.message, "out"));
  g_free(r.message);
  /* this thread did not */
  assert_int_equal(crm_error_last()->code, CRM_OK);
  assert_string_equal(crm_error_last()->message, "no error");

  /* and a failure here is not clobbered by a success elsewhere */
  assert_int_equal(fail_somehow(), CRM_EINVALID);
  r.message = NULL;
  th = g_thread_new("failer", fail_on_another_thread, &r);
  g_thread_join(th);
  g_free(r.message);
  assert_int_equal(crm_error_last()->code, CRM_EINVALID);
  assert_non_null(strstr(crm_error_last()->message, "opts"));
}

static void strerror_every_code(void **state)
{
  (void)state;
  static const crm_status codes[] = {
      CRM_OK,        CRM_ERROR, CRM_ENOTFOUND, CRM_EEXISTS,       CRM_EINVALID,
      CRM_ECONFLICT, CRM_EBUSY, CRM_EPERM,     CRM_ENOTSUPPORTED, CRM_EVERSION,
      CRM_ENOMEM,    CRM_EUSER, CRM_ITEROVER};
  const char *unknown = crm_strerror(-2);
  assert_non_null(unknown);
  assert_true(strlen(unknown) > 0);
  for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
    const char *text = crm_strerror(codes[i]);
    assert_non_null(text);
    assert_true(strlen(text) > 0);
    /* each known code has its own text, different from the unknown one */
    assert_string_not_equal(text, unknown);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(text, crm_strerror(codes[j]));
  }
  assert_string_equal(crm_strerror(CRM_ENOTFOUND), "not found");
  /* unknown codes, including positive and extreme ones */
  assert_string_equal(crm_strerror(-1000), unknown);
  assert_string_equal(crm_strerror(42), unknown);
  assert_string_equal(crm_strerror(INT32_MIN), unknown);
}

static void version_matches_headers(void **state)
{
  (void)state;
  int major = -1, minor = -1, patch = -1;
  crm_version(&major, &minor, &patch);
  assert_int_equal(major, CRM_VERSION_MAJOR);
  assert_int_equal(minor, CRM_VERSION_MINOR);
  assert_int_equal(patch, CRM_VERSION_PATCH);
  char *s = g_strdup_printf("%d.%d.%d", major, minor, patch);
  assert_string_equal(s, CRM_VERSION_STRING);
  g_free(s);
  /* any argument may be NULL */
  crm_version(NULL, NULL, NULL);
  minor = -1;
  crm_version(NULL, &minor, NULL);
  assert_int_equal(minor, CRM_VERSION_MINOR);

  assert_true(CRM_CHECK_VERSION(CRM_VERSION_MAJOR, CRM_VERSION_MINOR, CRM_VERSION_PATCH));
  assert_true(CRM_CHECK_VERSION(0, 0, 0));
  assert_false(CRM_CHECK_VERSION(CRM_VERSION_MAJOR + 1, 0, 0));
  assert_false(CRM_CHECK_VERSION(CRM_VERSION_MAJOR, CRM_VERSION_MINOR + 1, 0));
  assert_false(CRM_CHECK_VERSION(CRM_VERSION_MAJOR, CRM_VERSION_MINOR, CRM_VERSION_PATCH + 1));
}

static void buf_dispose_null_and_empty(void **state)
{
  (void)state;
  crm_buf_dispose(NULL);
  crm_buf b = CRM_BUF_INIT;
  crm_buf_dispose(&b);
  assert_null(b.ptr);
  assert_int_equal(b.size, 0);
  assert_int_equal(b.reserved, 0);
  /* twice is fine */
  crm_buf_dispose(&b);
  assert_null(b.ptr);
}

static void buf_dispose_frees_and_resets(void **state)
{
  crm_test_db *t = *state;
  crm_buf b = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&b, t->db, "subject_tag"));
  assert_non_null(b.ptr);
  assert_int_equal(b.size, strlen(b.ptr));
  crm_buf_dispose(&b);
  assert_null(b.ptr);
  assert_int_equal(b.size, 0);
  assert_int_equal(b.reserved, 0);
}

typedef const char *(*name_fn)(int value);

/* names[i] is the name of value first + i; below first and past the end: NULL. */
static void check_names(name_fn fn, int first, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    const char *got = fn(first + (int)i);
    assert_non_null(got);
    assert_string_equal(got, names[i]);
  }
  assert_null(fn(first - 1));
  assert_null(fn(first + (int)n));
  assert_null(fn(-1));
  assert_null(fn(1000));
  assert_null(fn(INT32_MIN));
}

/* Adapters: the name functions take enums; call them with any int. */
#define ADAPT(fn, type)                \
  static const char *fn##_i(int value) \
  {                                    \
    return fn((type)value);            \
  }
ADAPT(crm_channel_name, crm_channel_t)
ADAPT(crm_identity_kind_name, crm_identity_kind_t)
ADAPT(crm_direction_name, crm_direction_t)
ADAPT(crm_outcome_name, crm_outcome_t)
ADAPT(crm_case_status_name, crm_case_status_t)
ADAPT(crm_priority_name, crm_priority_t)
ADAPT(crm_case_kind_name, crm_case_kind_t)
ADAPT(crm_link_name, crm_link_t)
ADAPT(crm_role_name, crm_role_t)
ADAPT(crm_customer_status_name, crm_customer_status_t)

static void names_of_every_enum(void **state)
{
  (void)state;
  static const char *const channels[] = {"email",  "phone", "ivr",    "chat",      "sms", "fax",
                                         "letter", "web",   "social", "in_person", "note"};
  assert_int_equal(G_N_ELEMENTS(channels), CRM_CHANNEL_MAX);
  check_names(crm_channel_name_i, CRM_CHANNEL_EMAIL, channels, G_N_ELEMENTS(channels));
  assert_string_equal(crm_channel_name(CRM_CHANNEL_IN_PERSON), "in_person");

  static const char *const identities[] = {"email", "phone", "external", "social", "postal"};
  check_names(crm_identity_kind_name_i, CRM_IDENTITY_EMAIL, identities, G_N_ELEMENTS(identities));
  assert_string_equal(crm_identity_kind_name(CRM_IDENTITY_POSTAL), "postal");

  static const char *const directions[] = {"inbound", "outbound", "internal"};
  check_names(crm_direction_name_i, CRM_DIRECTION_INBOUND, directions, G_N_ELEMENTS(directions));

  static const char *const outcomes[] = {"none",      "answered",  "busy",
                                         "abandoned", "voicemail", "missed"};
  check_names(crm_outcome_name_i, CRM_OUTCOME_NONE, outcomes, G_N_ELEMENTS(outcomes));
  assert_string_equal(crm_outcome_name(CRM_OUTCOME_MISSED), "missed");

  static const char *const statuses[] = {
      "new", "open", "pending_customer", "pending_third_party", "resolved", "closed"};
  check_names(crm_case_status_name_i, CRM_CASE_NEW, statuses, G_N_ELEMENTS(statuses));
  assert_string_equal(crm_case_status_name(CRM_CASE_CLOSED), "closed");

  static const char *const priorities[] = {"low", "normal", "high", "urgent"};
  check_names(crm_priority_name_i, CRM_PRIORITY_LOW, priorities, G_N_ELEMENTS(priorities));
  assert_string_equal(crm_priority_name(CRM_PRIORITY_URGENT), "urgent");

  static const char *const kinds[] = {"request", "incident", "problem"};
  check_names(crm_case_kind_name_i, CRM_CASE_REQUEST, kinds, G_N_ELEMENTS(kinds));

  static const char *const links[] = {"caused_by", "duplicate_of", "follow_up_of", "related"};
  check_names(crm_link_name_i, CRM_LINK_CAUSED_BY, links, G_N_ELEMENTS(links));

  static const char *const roles[] = {"agent", "supervisor", "admin"};
  check_names(crm_role_name_i, CRM_ROLE_AGENT, roles, G_N_ELEMENTS(roles));

  static const char *const customer_statuses[] = {"active", "inactive", "erased", "merged"};
  check_names(crm_customer_status_name_i, CRM_CUSTOMER_ACTIVE, customer_statuses,
              G_N_ELEMENTS(customer_statuses));
  assert_string_equal(crm_customer_status_name(CRM_CUSTOMER_ERASED), "erased");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      /* first: nothing has failed on this thread yet */
      cmocka_unit_test(error_last_is_never_null_and_starts_clean),
      cmocka_unit_test(error_last_records_a_failure),
      cmocka_unit_test(error_clear_resets),
      cmocka_unit_test(error_message_is_replaced_by_the_next_failure),
      cmocka_unit_test(error_last_is_per_thread),
      cmocka_unit_test(strerror_every_code),
      cmocka_unit_test(version_matches_headers),
      cmocka_unit_test(buf_dispose_null_and_empty),
      cmocka_unit_test_setup_teardown(buf_dispose_frees_and_resets, crm_test_setup,
                                      crm_test_teardown),
      cmocka_unit_test(names_of_every_enum),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
