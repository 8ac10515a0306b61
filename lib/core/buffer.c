/*
 * crm_buf: caller-owned text and bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void crm_buf_dispose(crm_buf *buf)
{
  if (buf == NULL)
    return;
  free(buf->ptr);
  buf->ptr = NULL;
  buf->size = 0;
  buf->reserved = 0;
}

crm_status crm__buf_set(crm_buf *buf, const void *data, size_t len)
{
  char *p = malloc(len + 1);
  if (p == NULL)
    return crm__error(CRM_ENOMEM, "out of memory allocating %zu bytes", len + 1);
  if (len > 0)
    memcpy(p, data, len);
  p[len] = '\0';
  buf->ptr = p;
  buf->size = len;
  buf->reserved = len + 1;
  return CRM_OK;
}

crm_status crm__buf_set_str(crm_buf *buf, const char *s)
{
  return crm__buf_set(buf, s, strlen(s));
}
