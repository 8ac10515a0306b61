/*
 * E-mail addresses as identities: a small scanner of the RFC 5322
 * addr-spec grammar (with the RFC 6531 UTF-8 extension), not a MIME
 * parser. Accepted:
 *
 *   addr-spec    = local-part "@" domain
 *   local-part   = dot-atom / quoted-string
 *   domain       = dot-atom (at least two labels) / "[" IPv4 "]"
 *   dot-atom     = atom *("." atom)
 *   atom (local) = 1*(atext / UTF-8 non-ASCII)
 *   label        = 1*(ALPHA / DIGIT / "-" / UTF-8 letter or digit), no
 *                  hyphen at either end
 *
 * Comments, folding white space and obsolete forms are not accepted: an
 * identity is a bare address.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "internal.h"

#define EMAIL_MAX_LEN       254 /* RFC 5321 path limit minus the angle brackets */
#define EMAIL_LOCAL_MAX_LEN 64
#define EMAIL_LABEL_MAX_LEN 63

/* Why an address is not valid; NULL while it still is. */
typedef struct {
  const char *s;      /* the address being scanned */
  const char *reason; /* static text, or ... */
  char *owned_reason; /* ... a formatted one (g_free) */
} email_scan;

static const char *fail(email_scan *sc, const char *reason)
{
  if (sc->reason == NULL && sc->owned_reason == NULL)
    sc->reason = reason;
  return NULL;
}

/* A reason that names one character (UTF-8) of the address. */
static const char *fail_char(email_scan *sc, const char *p, const char *where)
{
  if (sc->reason == NULL && sc->owned_reason == NULL) {
    char ch[8] = {0};
    memcpy(ch, p, (size_t)(g_utf8_next_char(p) - p));
    sc->owned_reason = g_strdup_printf("character '%s' is not allowed in the %s", ch, where);
  }
  return NULL;
}

static int is_atext(unsigned char c)
{
  return g_ascii_isalnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* The reason a character outside the grammar gives. */
static const char *fail_at(email_scan *sc, const char *p, const char *where)
{
  if (*p == '\0')
    return fail(sc, "no '@' after the local part");
  if (*p == ' ' || *p == '\t')
    return fail(sc, "it contains a space");
  if (*p == '<' || *p == '>')
    return fail(sc, "a display name such as 'Name <addr>' is not accepted: give the bare address");
  if (*p == '@')
    return fail(sc, "it contains more than one '@'");
  return fail_char(sc, p, where);
}

/* A dot-atom local part; returns the character after it, NULL on error. */
static const char *scan_dot_atom_local(email_scan *sc, const char *p)
{
  if (*p == '.')
    return fail(sc, "the local part starts with a dot");
  for (;;) {
    const char *atom = p;
    while (is_atext((unsigned char)*p) || (unsigned char)*p >= 0x80)
      p = g_utf8_next_char(p);
    if (p == atom) /* dots were checked below: some other character */
      return fail_at(sc, p, "local part");
    if (*p != '.')
      return p;
    p++;
    if (*p == '@')
      return fail(sc, "the local part ends with a dot");
    if (*p == '.')
      return fail(sc, "two dots in a row");
  }
}

/* A quoted-string local part: printable ASCII but '"' and '\', spaces,
   quoted pairs, UTF-8. Returns the character after the closing quote. */
static const char *scan_quoted_local(email_scan *sc, const char *p)
{
  const char *start = ++p;
  for (;;) {
    unsigned char c = (unsigned char)*p;
    if (c == '\0')
      return fail(sc, "the quoted local part has no closing quote");
    if (c == '"')
      break;
    if (c == '\\') {
      unsigned char next = (unsigned char)p[1];
      if (next < 0x20 && next != '\t')
        return fail(sc, "a backslash in the quoted local part escapes nothing printable");
      p++;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return fail(sc, "the quoted local part contains a control character");
    }
    p = g_utf8_next_char(p);
  }
  if (p == start)
    return fail(sc, "the quoted local part is empty");
  return p + 1;
}

static int is_label_char(const char *p)
{
  unsigned char c = (unsigned char)*p;
  if (c < 0x80)
    return g_ascii_isalnum(c) || c == '-';
  gunichar u = g_utf8_get_char(p);
  /* letters and digits of any script, and the marks some scripts need */
  return g_unichar_isalnum(u) || g_unichar_ismark(u);
}

/* One domain label; returns the character after it. */
static const char *scan_label(email_scan *sc, const char *p, int *all_digits)
{
  const char *start = p;
  long chars = 0;
  *all_digits = 1;
  while (is_label_char(p)) {
    if (!g_ascii_isdigit(*p))
      *all_digits = 0;
    p = g_utf8_next_char(p);
    chars++;
  }
  if (p == start) {
    if (*p == '.')
      return fail(sc, start[-1] == '@' ? "the domain starts with a dot" : "two dots in a row");
    if (*p == '\0')
      return fail(sc, "the domain ends with a dot");
    return fail_at(sc, p, "domain");
  }
  if (*start == '-' || p[-1] == '-')
    return fail(sc, "a domain label starts or ends with a hyphen");
  if (chars > EMAIL_LABEL_MAX_LEN)
    return fail(sc, "a domain label is longer than 63 characters");
  return p;
}

static const char *scan_dot_atom_domain(email_scan *sc, const char *p)
{
  int labels = 0, all_digits = 0;
  for (;;) {
    if ((p = scan_label(sc, p, &all_digits)) == NULL)
      return NULL;
    labels++;
    if (*p != '.')
      break;
    p++;
  }
  if (*p != '\0')
    return fail_at(sc, p, "domain");
  if (labels < 2)
    return fail(sc, "the domain has no dot");
  if (all_digits)
    return fail(sc, "the top-level domain is all digits (write an IP address as [1.2.3.4])");
  return p;
}

/* "[a.b.c.d]" with each part 0..255 and no leading zeros. */
static const char *scan_domain_literal(email_scan *sc, const char *p)
{
  p++;
  for (int part = 0; part < 4; part++) {
    if (part > 0 && *p++ != '.')
      return fail(sc, "the domain literal is not an IPv4 address [1.2.3.4]");
    int value = 0, digits = 0;
    const char *first = p;
    while (g_ascii_isdigit(*p) && digits < 4) {
      value = value * 10 + (*p++ - '0');
      digits++;
    }
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && *first == '0'))
      return fail(sc, "the domain literal is not an IPv4 address [1.2.3.4]");
  }
  if (*p != ']')
    return fail(sc, "the domain literal is not an IPv4 address [1.2.3.4]");
  if (p[1] != '\0')
    return fail(sc, "there is text after the domain literal");
  return p + 1;
}

/* Scan the trimmed address; sets sc->reason / owned_reason on failure. */
static void scan_addr_spec(email_scan *sc)
{
  const char *s = sc->s;
  if (*s == '\0') {
    fail(sc, "it is empty");
    return;
  }
  if (strlen(s) > EMAIL_MAX_LEN) {
    fail(sc, "it is longer than 254 bytes");
    return;
  }
  if (*s != '"' && strchr(s, '<') != NULL && strchr(s, '>') != NULL) {
    fail(sc, "a display name such as 'Name <addr>' is not accepted: give the bare address");
    return;
  }
  if (strchr(s, '@') == NULL) {
    fail(sc, "no '@'");
    return;
  }
  if (*s == '@') {
    fail(sc, "no local part");
    return;
  }
  const char *p = *s == '"' ? scan_quoted_local(sc, s) : scan_dot_atom_local(sc, s);
  if (p == NULL)
    return;
  if (*p != '@') {
    fail_at(sc, p, "local part");
    return;
  }
  if (p - s > EMAIL_LOCAL_MAX_LEN) {
    fail(sc, "the local part is longer than 64 bytes");
    return;
  }
  p++;
  if (*p == '\0')
    fail(sc, "no domain");
  else if (*p == '[')
    scan_domain_literal(sc, p);
  else
    scan_dot_atom_domain(sc, p);
}

crm_status crm__email_normalize(char **out, const char *value, const char *what)
{
  *out = NULL;
  crm_status st = crm__check_text(value, what, 1);
  if (st != CRM_OK)
    return st;
  char *trimmed = g_strstrip(g_strdup(value));
  email_scan sc = {trimmed, NULL, NULL};
  scan_addr_spec(&sc);
  if (sc.reason != NULL || sc.owned_reason != NULL) {
    char *q = crm__quote(value);
    st = crm__error(CRM_EINVALID, "%s %s is not a valid address (%s)", what, q,
                    sc.reason ? sc.reason : sc.owned_reason);
    g_free(q);
    g_free(sc.owned_reason);
    g_free(trimmed);
    return st;
  }
  /* lower-case, then compose, so "citta\u0300" and "citt\u00e0" are one
     domain; ASCII, the common case, is already composed */
  if (g_str_is_ascii(trimmed)) {
    *out = g_ascii_strdown(trimmed, -1);
  } else {
    char *lower = g_utf8_strdown(trimmed, -1);
    *out = g_utf8_normalize(lower, -1, G_NORMALIZE_NFC);
    g_free(lower);
  }
  g_free(trimmed);
  return CRM_OK;
}
