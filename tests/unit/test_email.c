/*
 * E-mail identities: the addr-spec scanner behind
 * crm_identity_normalize(CRM_IDENTITY_EMAIL), table-driven.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  const char *input;
  const char *normalized;
} valid_case;

typedef struct {
  const char *input;
  const char *reason; /* a substring of the message */
} invalid_case;

static const valid_case valid[] = {
    {"bob@example.com", "bob@example.com"},
    {"Bob@Example.COM", "bob@example.com"},
    {"  mario.rossi@posta.it \t", "mario.rossi@posta.it"},
    {"first.middle.last@sub.domain.example.org", "first.middle.last@sub.domain.example.org"},
    {"user+tag@example.com", "user+tag@example.com"},
    {"o'brien@example.ie", "o'brien@example.ie"},
    {"!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com"},
    {"x@a-b.example.com", "x@a-b.example.com"},
    {"x@xn--citt-8na.it", "x@xn--citt-8na.it"},
    {"a1@123.example.com", "a1@123.example.com"},
    /* IDN domains in UTF-8 */
    {"mario@città.it", "mario@città.it"},
    {"MARIO@CITTÀ.IT", "mario@città.it"},
    {"mario@citta\xcc\x80.it", "mario@città.it"}, /* decomposed à composes */
    {"info@münchen.de", "info@münchen.de"},
    {"user@пример.рф", "user@пример.рф"},
    {"user@例え.jp", "user@例え.jp"},
    /* UTF-8 local parts (RFC 6531) */
    {"josé@example.es", "josé@example.es"},
    {"Ünal@example.de", "ünal@example.de"},
    /* quoted local parts */
    {"\"john doe\"@example.com", "\"john doe\"@example.com"},
    {"\"a@b\"@example.com", "\"a@b\"@example.com"},
    {"\"a..b\"@example.com", "\"a..b\"@example.com"},
    {"\"quote\\\"inside\"@example.com", "\"quote\\\"inside\"@example.com"},
    {"\"<x>\"@example.com", "\"<x>\"@example.com"},
    /* domain literals */
    {"root@[192.168.1.10]", "root@[192.168.1.10]"},
    {"root@[0.0.0.0]", "root@[0.0.0.0]"},
};

static const invalid_case invalid[] = {
    {"", "must not be empty"},
    {"   ", "it is empty"},
    {"bob", "no '@'"},
    {"bob@", "no domain"},
    {"@x.it", "no local part"},
    {"a..b@x.it", "two dots in a row"},
    {".a@x.it", "starts with a dot"},
    {"a.@x.it", "ends with a dot"},
    {"a@x..it", "two dots in a row"},
    {"a@.x.it", "domain starts with a dot"},
    {"a@x.it.", "domain ends with a dot"},
    {"a@localhost", "has no dot"},
    {"Mario <m@x.it>", "Name <addr>"},
    {"<m@x.it>", "Name <addr>"},
    {"mario rossi@x.it", "space"},
    {"mario@x .it", "space"},
    {"a@b@x.it", "more than one '@'"},
    {"a(b)@x.it", "character '('"},
    {"a,b@x.it", "character ','"},
    {"a@x_y.it", "character '_'"},
    {"a@-x.it", "hyphen"},
    {"a@x-.it", "hyphen"},
    {"a@1.2.3.4", "all digits"},
    {"a@x.it€", "character '€'"},
    {"\"unterminated@x.it", "no closing quote"},
    {"\"\"@x.it", "quoted local part is empty"},
    {"\"a\"b@x.it", "character 'b'"},
    {"\"a\"", "no '@'"},
    {"\"a@b\"", "no '@' after the local part"},
    {"root@[300.1.1.1]", "IPv4"},
    {"root@[1.2.3]", "IPv4"},
    {"root@[01.2.3.4]", "IPv4"},
    {"root@[1.2.3.4", "IPv4"},
    {"root@[1.2.3.4]x", "after the domain literal"},
    {"a@x.\xe2\x80\x8bit", "character"}, /* zero-width space is not a letter */
};

static void normalized_as(const char *input, const char *want)
{
  crm_buf out = CRM_BUF_INIT;
  crm_status st = crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, input);
  if (st != CRM_OK)
    fail_msg("'%s' was rejected: %s", input, crm_error_last()->message);
  assert_non_null(out.ptr);
  if (strcmp(out.ptr, want) != 0)
    fail_msg("'%s' normalised to '%s', want '%s'", input, out.ptr, want);
  assert_int_equal(out.size, strlen(want));
  crm_buf_dispose(&out);
}

static void test_valid_addresses(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
    normalized_as(valid[i].input, valid[i].normalized);
}

static void test_invalid_addresses(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    crm_buf out = CRM_BUF_INIT;
    crm_status st = crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, invalid[i].input);
    if (st != CRM_EINVALID)
      fail_msg("'%s' gave %d (%s), want CRM_EINVALID", invalid[i].input, st,
               out.ptr ? out.ptr : "");
    const char *msg = crm_error_last()->message;
    if (strstr(msg, invalid[i].reason) == NULL)
      fail_msg("'%s': message '%s' does not say '%s'", invalid[i].input, msg, invalid[i].reason);
    assert_null(out.ptr);
    assert_int_equal(out.size, 0);
  }
}

static void test_message_names_the_address(void **state)
{
  (void)state;
  crm_buf out = CRM_BUF_INIT;
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, "bob@"), CRM_EINVALID,
                   "email 'bob@' is not a valid address (no domain)");
}

static void test_length_limits(void **state)
{
  (void)state;
  /* 64-byte local part is the most allowed; 254 bytes in all */
  char local64[65], local65[66];
  memset(local64, 'a', 64);
  local64[64] = '\0';
  memset(local65, 'a', 65);
  local65[65] = '\0';
  char *ok = g_strconcat(local64, "@x.it", NULL);
  char *lower = g_ascii_strdown(ok, -1);
  normalized_as(ok, lower);
  g_free(lower);
  g_free(ok);
  char *too_long_local = g_strconcat(local65, "@x.it", NULL);
  crm_buf out = CRM_BUF_INIT;
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, too_long_local),
                   CRM_EINVALID, "longer than 64");
  g_free(too_long_local);

  /* long labels: 64 + 1 + 189 = 254 bytes pass, 255 fail */
  char label[64];
  memset(label, 'b', 63);
  label[63] = '\0';
  char *domain = g_strdup_printf("%s.%s.%.58s.it", label, label, label); /* 63+1+63+1+58+3 */
  char *addr254 = g_strconcat(local64, "@", domain, NULL);
  assert_int_equal(strlen(addr254), 254);
  normalized_as(addr254, addr254);
  char *addr255 = g_strconcat("a", addr254, NULL);
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, addr255), CRM_EINVALID,
                   "longer than 254");
  char *long_label = g_strdup_printf("a@%sb.it", label);
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, long_label), CRM_EINVALID,
                   "longer than 63");
  g_free(long_label);
  g_free(addr255);
  g_free(addr254);
  g_free(domain);
}

static void test_bad_arguments(void **state)
{
  (void)state;
  crm_buf out = CRM_BUF_INIT;
  assert_crm_error(crm_identity_normalize(NULL, NULL, CRM_IDENTITY_EMAIL, "a@x.it"), CRM_EINVALID,
                   "out");
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, NULL), CRM_EINVALID,
                   "email must not be NULL");
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_EMAIL, "\xff\xfe@x.it"),
                   CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_identity_normalize(&out, NULL, (crm_identity_kind_t)0, "a@x.it"),
                   CRM_EINVALID, "identity kind 0");
  assert_crm_error(crm_identity_normalize(&out, NULL, (crm_identity_kind_t)6, "a@x.it"),
                   CRM_EINVALID, "identity kind 6");
  assert_null(out.ptr);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_addresses),
      cmocka_unit_test(test_invalid_addresses),
      cmocka_unit_test(test_message_names_the_address),
      cmocka_unit_test(test_length_limits),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
