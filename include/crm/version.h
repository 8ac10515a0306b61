/*
 * libcrm: compile-time and run-time version.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_VERSION_H
#define CRM_VERSION_H

#include "common.h"

CRM_BEGIN_DECL

#define CRM_VERSION_MAJOR  0
#define CRM_VERSION_MINOR  1
#define CRM_VERSION_PATCH  0
#define CRM_VERSION_STRING "0.1.0"

/** True when the headers are at least version maj.min.pat. @since 0.1 */
#define CRM_CHECK_VERSION(maj, min, pat) \
  (CRM_VERSION_MAJOR > (maj) ||          \
   (CRM_VERSION_MAJOR == (maj) &&        \
    (CRM_VERSION_MINOR > (min) || (CRM_VERSION_MINOR == (min) && CRM_VERSION_PATCH >= (pat)))))

/**
 * The version of the library linked at run time (which may be newer than the
 * headers a program was compiled with). Any argument may be NULL.
 * @since 0.1
 */
CRM_EXTERN(void) crm_version(int *major, int *minor, int *patch);

CRM_END_DECL

#endif
