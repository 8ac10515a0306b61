/*
 * Per-thread last error (libgit2's giterr model).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>

#include "internal.h"

typedef struct {
  crm_error public;
  char *message; /* owned */
} crm__thread_error;

static void thread_error_free(gpointer p)
{
  crm__thread_error *e = p;
  g_free(e->message);
  g_free(e);
}

static GPrivate thread_error_key = G_PRIVATE_INIT(thread_error_free);

static crm__thread_error *thread_error(void)
{
  crm__thread_error *e = g_private_get(&thread_error_key);
  if (e == NULL) {
    e = g_new0(crm__thread_error, 1);
    e->public.code = CRM_OK;
    e->public.message = "no error";
    g_private_set(&thread_error_key, e);
  }
  return e;
}

crm_status crm__error_v(crm_status code, const char *fmt, va_list ap)
{
  crm__thread_error *e = thread_error();
  char *msg = g_strdup_vprintf(fmt, ap);
  g_free(e->message);
  e->message = msg;
  e->public.code = code;
  e->public.message = msg;
  return code;
}

crm_status crm__error(crm_status code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  crm__error_v(code, fmt, ap);
  va_end(ap);
  return code;
}

crm_status crm_backend_error(crm_status code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  crm__error_v(code, fmt, ap);
  va_end(ap);
  return code;
}

const crm_error *crm_error_last(void)
{
  return &thread_error()->public;
}

void crm_error_clear(void)
{
  crm__thread_error *e = thread_error();
  g_free(e->message);
  e->message = NULL;
  e->public.code = CRM_OK;
  e->public.message = "no error";
}

const char *crm_strerror(crm_status code)
{
  switch (code) {
  case CRM_OK:
    return "success";
  case CRM_ERROR:
    return "error";
  case CRM_ENOTFOUND:
    return "not found";
  case CRM_EEXISTS:
    return "already exists";
  case CRM_EINVALID:
    return "invalid argument";
  case CRM_ECONFLICT:
    return "conflict: changed by someone else";
  case CRM_EBUSY:
    return "database busy";
  case CRM_EPERM:
    return "permission denied";
  case CRM_ENOTSUPPORTED:
    return "not supported";
  case CRM_EVERSION:
    return "database version is newer than this library";
  case CRM_ENOMEM:
    return "out of memory";
  case CRM_EUSER:
    return "stopped by a callback";
  case CRM_ITEROVER:
    return "end of iteration";
  default:
    return "unknown error code";
  }
}
