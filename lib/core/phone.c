/*
 * Phone numbers as identities: normalised to E.164 ("+390212345678").
 *
 * An international number starts with "+" or "00" and the country code;
 * a national number is read in a region of the table below:
 *
 *   region  country code  trunk prefix  the trunk prefix ...
 *   IT      39            0             is kept (part of the number)
 *   SM      378           -
 *   VA      39            -             (Vatican numbers: 06 698...)
 *   DE      49            0             is dropped
 *   AT      43            0             is dropped
 *   CH      41            0             is dropped
 *   FR      33            0             is dropped
 *   BE      32            0             is dropped
 *   NL      31            0             is dropped
 *   LU      352           -
 *   ES      34            -
 *   PT      351           -
 *   IE      353           0             is dropped
 *   GB      44            0             is dropped
 *   US, CA  1             1             is dropped ("1 212 555 0100")
 *   SE      46            0             is dropped
 *   DK      45            -
 *   NO      47            -
 *   FI      358           0             is dropped
 *   PL      48            -
 *   GR      30            -
 *
 * Spaces, dots, dashes, slashes and parentheses are ignored; "(0)" after
 * the country code of an international number ("+44 (0)20 7946 0018") is
 * the trunk prefix written out of habit and is dropped where the region
 * drops its trunk prefix. A national significant number has at least 6
 * digits; the whole E.164 number 8 to 15.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "internal.h"

#define PHONE_MIN_NATIONAL 6
#define PHONE_MIN_DIGITS   8
#define PHONE_MAX_DIGITS   15

typedef struct {
  const char *region;       /* ISO 3166 alpha-2 */
  const char *country_code; /* E.164 digits */
  const char *trunk_prefix; /* NULL: none */
  int keeps_trunk;          /* 1: the trunk prefix is part of the number (IT) */
} phone_region;

static const phone_region regions[] = {
    {"IT", "39", "0", 1},  {"SM", "378", NULL, 0}, {"VA", "39", NULL, 0}, {"DE", "49", "0", 0},
    {"AT", "43", "0", 0},  {"CH", "41", "0", 0},   {"FR", "33", "0", 0},  {"BE", "32", "0", 0},
    {"NL", "31", "0", 0},  {"LU", "352", NULL, 0}, {"ES", "34", NULL, 0}, {"PT", "351", NULL, 0},
    {"IE", "353", "0", 0}, {"GB", "44", "0", 0},   {"US", "1", "1", 0},   {"CA", "1", "1", 0},
    {"SE", "46", "0", 0},  {"DK", "45", NULL, 0},  {"NO", "47", NULL, 0}, {"FI", "358", "0", 0},
    {"PL", "48", NULL, 0}, {"GR", "30", NULL, 0},
};

static const phone_region *region_find(const char *region)
{
  if (region == NULL)
    return NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(regions); i++)
    if (g_ascii_strcasecmp(regions[i].region, region) == 0)
      return &regions[i];
  return NULL;
}

int crm__phone_region_known(const char *region)
{
  return region_find(region) != NULL;
}

/* Does a region with country code `cc` (cc_len digits) drop a "0" trunk prefix? */
static int country_drops_zero_trunk(const char *cc, size_t cc_len)
{
  for (size_t i = 0; i < G_N_ELEMENTS(regions); i++)
    if (strlen(regions[i].country_code) == cc_len &&
        memcmp(regions[i].country_code, cc, cc_len) == 0 && regions[i].trunk_prefix != NULL &&
        strcmp(regions[i].trunk_prefix, "0") == 0 && !regions[i].keeps_trunk)
      return 1;
  return 0;
}

static crm_status phone_error(const char *number, const char *fmt, const char *detail)
{
  char *q = crm__quote(number);
  char *reason = g_strdup_printf(fmt, detail);
  crm_status st = crm__error(CRM_EINVALID, "phone number %s %s", q, reason);
  g_free(reason);
  g_free(q);
  return st;
}

static crm_status national_needs_region(const char *number)
{
  char *q = crm__quote(number);
  crm_status st = crm__error(CRM_EINVALID,
                             "national number %s needs a default phone region (or write it "
                             "with +country code)",
                             q);
  g_free(q);
  return st;
}

/* The digits of `number` (separators skipped); *plus says whether it
   started with "+"; *zero_group the digit index where "(0)" was left out,
   -1 if none. */
static crm_status phone_digits(GString *digits, int *plus, long *zero_group, const char *number)
{
  const char *p = number;
  while (g_ascii_isspace(*p))
    p++;
  *plus = *p == '+';
  *zero_group = -1;
  if (*plus)
    p++;
  for (; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (g_ascii_isdigit(c)) {
      g_string_append_c(digits, (char)c);
    } else if (strncmp(p, "(0)", 3) == 0 && *zero_group < 0) {
      *zero_group = (long)digits->len;
      p += 2;
    } else if (g_ascii_isspace(c) || strchr(".-/()", c) != NULL) {
      continue;
    } else {
      char ch[8] = {0};
      memcpy(ch, p, (size_t)(g_utf8_next_char(p) - p));
      int letter = g_unichar_isalpha(g_utf8_get_char(p));
      return phone_error(number,
                         letter ? "contains a letter ('%s')"
                                : "contains '%s', which is not part of a phone number",
                         ch);
    }
  }
  return CRM_OK;
}

/* "(0)" stays a digit unless it is the dropped trunk prefix right after
   the country code of an international number. */
static void phone_restore_zero_group(GString *digits, int international, long zero_group)
{
  if (zero_group < 0)
    return;
  if (international && zero_group >= 1 && zero_group <= 3 &&
      country_drops_zero_trunk(digits->str, (size_t)zero_group))
    return;
  g_string_insert_c(digits, zero_group, '0');
}

/* The national significant number of a national number in `r`. */
static const char *phone_national(const phone_region *r, const char *digits)
{
  if (r->trunk_prefix != NULL && !r->keeps_trunk && g_str_has_prefix(digits, r->trunk_prefix))
    return digits + strlen(r->trunk_prefix);
  return digits;
}

static crm_status phone_to_e164(char **out, const char *number, const char *region)
{
  GString *digits = g_string_new(NULL);
  int plus = 0;
  long zero_group = -1;
  crm_status st = phone_digits(digits, &plus, &zero_group, number);
  if (st != CRM_OK)
    goto done;
  int international = plus;
  if (!plus && g_str_has_prefix(digits->str, "00")) {
    g_string_erase(digits, 0, 2);
    zero_group = zero_group >= 2 ? zero_group - 2 : zero_group;
    international = 1;
  }
  phone_restore_zero_group(digits, international, zero_group);
  if (digits->len == 0) {
    st = phone_error(number, "has no digits%s", "");
    goto done;
  }
  GString *e164 = g_string_new("+");
  if (international) {
    if (digits->str[0] == '0')
      st = phone_error(number, "has a country code starting with 0%s", "");
    g_string_append(e164, digits->str);
  } else {
    const phone_region *r = region_find(region);
    if (region == NULL)
      st = national_needs_region(number);
    else if (r == NULL)
      st = phone_error(number, "cannot be read: phone region '%s' is not known", region);
    else {
      const char *national = phone_national(r, digits->str);
      if (strlen(national) < PHONE_MIN_NATIONAL)
        st = phone_error(number, "is too short (a national number has at least %s digits)",
                         G_STRINGIFY(PHONE_MIN_NATIONAL));
      g_string_append(e164, r->country_code);
      g_string_append(e164, national);
    }
  }
  size_t total = e164->len - 1;
  if (st == CRM_OK && total < PHONE_MIN_DIGITS)
    st = phone_error(number, "is too short (at least %s digits with the country code)",
                     G_STRINGIFY(PHONE_MIN_DIGITS));
  if (st == CRM_OK && total > PHONE_MAX_DIGITS)
    st = phone_error(number, "is too long (at most %s digits with the country code)",
                     G_STRINGIFY(PHONE_MAX_DIGITS));
  if (st == CRM_OK)
    *out = g_strdup(e164->str);
  g_string_free(e164, TRUE);
done:
  g_string_free(digits, TRUE);
  return st;
}

crm_status crm_phone_normalize(crm_buf *out, const char *number, const char *region)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__check_text(number, "phone number", 1)) != CRM_OK ||
      (st = crm__check_text(region, "region", 0)) != CRM_OK)
    return st;
  if (region != NULL && !crm__phone_region_known(region)) {
    char *q = crm__quote(region);
    st = crm__error(CRM_EINVALID, "phone region %s is not known (see crm_phone_normalize)", q);
    g_free(q);
    return st;
  }
  char *e164 = NULL;
  if ((st = phone_to_e164(&e164, number, region)) != CRM_OK)
    return st;
  st = crm__buf_set_str(out, e164);
  g_free(e164);
  return st;
}
