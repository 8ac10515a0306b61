/*
 * Argument validation shared by every public function: each check records
 * a message that names the argument and the offending value.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *crm__quote(const char *s)
{
  if (s == NULL)
    return g_strdup("(null)");
  /* Show at most 60 bytes; invalid UTF-8 and control characters become
     U+FFFD / '?' so the message itself stays valid, printable text. */
  size_t len = strlen(s);
  gssize shown_len = len > 60 ? 60 : (gssize)len;
  char *shown = g_utf8_make_valid(s, shown_len);
  for (char *c = shown; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  char *quoted = g_strdup_printf("'%s%s'", shown, len > 60 ? "..." : "");
  g_free(shown);
  return quoted;
}

crm_status crm__check_ptr(const void *p, const char *what)
{
  if (p == NULL)
    return crm__error(CRM_EINVALID, "%s must not be NULL", what);
  return CRM_OK;
}

crm_status crm__check_text(const char *s, const char *what, int required)
{
  if (s == NULL) {
    if (required)
      return crm__error(CRM_EINVALID, "%s must not be NULL", what);
    return CRM_OK;
  }
  const char *end = NULL;
  if (!g_utf8_validate(s, -1, &end)) {
    char *q = crm__quote(s);
    crm__error(CRM_EINVALID, "%s %s is not valid UTF-8 (bad byte at offset %ld)", what, q,
               (long)(end - s));
    g_free(q);
    return CRM_EINVALID;
  }
  if (required && s[0] == '\0')
    return crm__error(CRM_EINVALID, "%s must not be empty", what);
  return CRM_OK;
}

crm_status crm__check_id(crm_id id, const char *what)
{
  if (id <= 0)
    return crm__error(CRM_EINVALID, "%s id %lld is not valid (ids are > 0)", what, (long long)id);
  return CRM_OK;
}

crm_status crm__check_enum(int value, int lo, int hi, const char *what)
{
  if (value < lo || value > hi)
    return crm__error(CRM_EINVALID, "%s %d is out of range (%d..%d)", what, value, lo, hi);
  return CRM_OK;
}

crm_status crm__check_time(crm_time t, const char *what)
{
  /* Year 1..9999: what GDateTime can represent. */
  if (t < -62135596800LL || t > 253402300799LL)
    return crm__error(CRM_EINVALID, "%s %lld is out of range (years 1 to 9999)", what,
                      (long long)t);
  return CRM_OK;
}

crm_status crm__check_version(unsigned int version, unsigned int max, const char *what)
{
  if (version < 1 || version > max)
    return crm__error(CRM_EINVALID,
                      "%s version %u is not supported (this library knows 1..%u; set it with "
                      "the _INIT macro)",
                      what, version, max);
  return CRM_OK;
}

char *crm__strdup0(const char *s)
{
  return s ? strdup(s) : NULL;
}
