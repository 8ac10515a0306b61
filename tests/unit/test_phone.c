/*
 * Phone numbers: crm_phone_normalize to E.164, table-driven over every
 * region of the table, and the phone identities built on it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

typedef struct {
  const char *number;
  const char *region; /* NULL: none */
  const char *e164;
} valid_case;

typedef struct {
  const char *number;
  const char *region;
  const char *reason; /* a substring of the message */
} invalid_case;

static const valid_case valid[] = {
    /* international forms, any region or none */
    {"+39 02 1234 5678", NULL, "+390212345678"},
    {"0039021234 5678", NULL, "+390212345678"},
    {"+39 02 1234 5678", "DE", "+390212345678"},
    {"00 49 30 1234567", "IT", "+49301234567"},
    {"+1 (212) 555-0100", NULL, "+12125550100"},
    {"+44 (0)20 7946 0018", NULL, "+442079460018"}, /* "(0)" is GB's trunk prefix */
    {"+49 (0)30 1234567", NULL, "+49301234567"},
    {"+39 (0)2 1234 5678", NULL, "+390212345678"}, /* IT keeps its 0 */
    {" +33.1.23.45.67.89 ", NULL, "+33123456789"},
    {"+41/44/668 18 00", NULL, "+41446681800"},
    {"+123456789012345", NULL, "+123456789012345"}, /* 15 digits */
    /* one national number per region of the table */
    {"02 1234 5678", "IT", "+390212345678"},
    {"333 1234567", "IT", "+393331234567"},
    {"06 1234 5678", "it", "+390612345678"}, /* region case does not matter */
    {"0549 123456", "SM", "+3780549123456"},
    {"06 6988 1234", "VA", "+390669881234"},
    {"030 1234567", "DE", "+49301234567"},
    {"30 1234567", "DE", "+49301234567"}, /* without the trunk prefix */
    {"01 234 5678", "AT", "+4312345678"},
    {"044 668 18 00", "CH", "+41446681800"},
    {"01 23 45 67 89", "FR", "+33123456789"},
    {"02 123 45 67", "BE", "+3221234567"},
    {"020-123 4567", "NL", "+31201234567"},
    {"26 12 34 56", "LU", "+35226123456"},
    {"912 345 678", "ES", "+34912345678"},
    {"21 123 4567", "PT", "+351211234567"},
    {"01 234 5678", "IE", "+35312345678"},
    {"020 7946 0018", "GB", "+442079460018"},
    {"(212) 555-0100", "US", "+12125550100"},
    {"1 212 555 0100", "US", "+12125550100"},
    {"212.555.0100", "US", "+12125550100"},
    {"(416) 555-0199", "CA", "+14165550199"},
    {"1-416-555-0199", "CA", "+14165550199"},
    {"08-123 456 78", "SE", "+46812345678"},
    {"32 12 34 56", "DK", "+4532123456"},
    {"22 12 34 56", "NO", "+4722123456"},
    {"09 1234 5678", "FI", "+358912345678"},
    {"22 123 45 67", "PL", "+48221234567"},
    {"21 0123 4567", "GR", "+302101234567"},
};

static const invalid_case invalid[] = {
    {"", "IT", "must not be empty"},
    {"   ", "IT", "has no digits"},
    {"+", NULL, "has no digits"},
    {"02 1234 5678", NULL, "national number '02 1234 5678' needs a default phone region"},
    {"02 1234 5678", "XX", "phone region 'XX' is not known"},
    {"+39 02 1234 5678", "ZZ", "phone region 'ZZ' is not known"},
    {"call 02 1234", "IT", "contains a letter ('c')"},
    {"02 1234 5678 ext. 5", "IT", "contains a letter ('e')"},
    {"0800-FLOWERS", "US", "contains a letter ('F')"},
    {"02 1234 56°", "IT", "contains '°'"},
    {"02 1234 5678 è", "IT", "contains a letter ('è')"},
    {"02#1234", "IT", "contains '#'"},
    {"02 1234+5678", "IT", "contains '+'"},
    {"12345", "IT", "too short"},    /* 5 national digits */
    {"030 123", "DE", "too short"},  /* 5 after the trunk prefix */
    {"+39 1234", NULL, "too short"}, /* 6 digits with the country code */
    {"+1234567890123456", NULL, "too long"},
    {"0039 1234567890123456", NULL, "too long"},
    {"02 1234 5678 9012 345", "IT", "too long"},
    {"+0 123 4567 89", NULL, "country code starting with 0"},
    {"000 123 4567 89", NULL, "country code starting with 0"},
};

static void assert_e164(const char *number, const char *region, const char *want)
{
  crm_buf out = CRM_BUF_INIT;
  const char *where = region ? region : "(none)";
  crm_status st = crm_phone_normalize(&out, number, region);
  if (st != CRM_OK)
    fail_msg("'%s' in %s was rejected: %s", number, where, crm_error_last()->message);
  if (strcmp(out.ptr, want) != 0) {
    print_error("'%s' in %s:\n", number, where);
    assert_string_equal(out.ptr, want);
  }
  assert_int_equal(out.size, strlen(want));
  crm_buf_dispose(&out);
}

static void test_valid_numbers(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
    assert_e164(valid[i].number, valid[i].region, valid[i].e164);
}

static void test_invalid_numbers(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    crm_buf out = CRM_BUF_INIT;
    crm_status st = crm_phone_normalize(&out, invalid[i].number, invalid[i].region);
    if (st != CRM_EINVALID)
      fail_msg("'%s' in %s gave %d ('%s'), want CRM_EINVALID", invalid[i].number,
               invalid[i].region ? invalid[i].region : "(none)", st, out.ptr ? out.ptr : "");
    const char *msg = crm_error_last()->message;
    if (strstr(msg, invalid[i].reason) == NULL)
      fail_msg("'%s': message '%s' does not say '%s'", invalid[i].number, msg, invalid[i].reason);
    assert_null(out.ptr);
  }
}

/* Every region of the header's list is known, and nothing else. */
static void test_region_table(void **state)
{
  (void)state;
  static const char *const known[] = {"IT", "SM", "VA", "DE", "AT", "CH", "FR", "BE",
                                      "NL", "LU", "ES", "PT", "IE", "GB", "US", "CA",
                                      "SE", "DK", "NO", "FI", "PL", "GR"};
  crm_buf out = CRM_BUF_INIT;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    assert_crm_ok(crm_phone_normalize(&out, "+39 02 1234 5678", known[i]));
    crm_buf_dispose(&out);
  }
  static const char *const unknown[] = {"JP", "BR", "EU", "I", "ITA", ""};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    assert_int_equal(crm_phone_normalize(&out, "+39 02 1234 5678", unknown[i]), CRM_EINVALID);
}

static void test_bad_arguments(void **state)
{
  (void)state;
  crm_buf out = CRM_BUF_INIT;
  assert_crm_error(crm_phone_normalize(NULL, "+390212345678", NULL), CRM_EINVALID, "out");
  assert_crm_error(crm_phone_normalize(&out, NULL, "IT"), CRM_EINVALID,
                   "phone number must not be NULL");
  assert_crm_error(crm_phone_normalize(&out, "+39 \xff\xfe", NULL), CRM_EINVALID, "UTF-8");
  assert_crm_error(crm_phone_normalize(&out, "+390212345678", "\xff\xfe"), CRM_EINVALID, "UTF-8");
  assert_null(out.ptr);
}

/* Phone identities use the handle's default_phone_region. */
static void test_identity_uses_default_region(void **state)
{
  (void)state;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.default_phone_region = "GB";
  crm_test_db *t = crm_test_db_new(&opts);
  crm_buf out = CRM_BUF_INIT;
  assert_crm_ok(crm_identity_normalize(&out, t->db, CRM_IDENTITY_PHONE, "020 7946 0018"));
  assert_string_equal(out.ptr, "+442079460018");
  crm_buf_dispose(&out);
  /* without a handle (or a region) a national number cannot be read */
  assert_crm_error(crm_identity_normalize(&out, NULL, CRM_IDENTITY_PHONE, "020 7946 0018"),
                   CRM_EINVALID, "needs a default phone region");
  assert_crm_ok(crm_identity_normalize(&out, NULL, CRM_IDENTITY_PHONE, "+44 20 7946 0018"));
  assert_string_equal(out.ptr, "+442079460018");
  crm_buf_dispose(&out);
  crm_test_db_free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_numbers),
      cmocka_unit_test(test_invalid_numbers),
      cmocka_unit_test(test_region_table),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_identity_uses_default_region),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
