/*
 * libcrm: error codes and the per-thread last error.
 *
 * Every fallible function returns a crm_status: CRM_OK (0) or one of the
 * negative codes below. After a failure, crm_error_last() gives a message
 * that names the offending value, e.g. "email 'bob@' is not a valid address".
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_ERRORS_H
#define CRM_ERRORS_H

#include "common.h"

CRM_BEGIN_DECL

/** Status codes. @since 0.1 */
enum {
  CRM_OK = 0,
  CRM_ERROR = -1,         /**< generic failure (e.g. storage I/O error) */
  CRM_ENOTFOUND = -3,     /**< no object with that id / key */
  CRM_EEXISTS = -4,       /**< the object already exists */
  CRM_EINVALID = -5,      /**< invalid argument or illegal change */
  CRM_ECONFLICT = -6,     /**< stale expected_version / concurrent change */
  CRM_EBUSY = -7,         /**< the database stayed locked past the busy timeout */
  CRM_EPERM = -8,         /**< the acting agent may not do this */
  CRM_ENOTSUPPORTED = -9, /**< not available in this build or backend */
  CRM_EVERSION = -10,     /**< database schema newer than this library */
  CRM_ENOMEM = -11,       /**< out of memory */
  CRM_EUSER = -12,        /**< a user callback asked to stop */
  CRM_ITEROVER = -31      /**< end of an iteration (not an error) */
};

/** The last failure on this thread. @since 0.1 */
typedef struct {
  crm_status code;     /**< one of the CRM_E* codes */
  const char *message; /**< human-readable, names the offending value */
} crm_error;

/**
 * This thread's last failure; never NULL. Read it right after a function
 * returned a negative status: later calls may overwrite it. Before any
 * failure it is {CRM_OK, "no error"}.
 * @since 0.1
 */
CRM_EXTERN(const crm_error *) crm_error_last(void);

/**
 * Fixed English text for a status code ("not found", ...); never NULL, also
 * for unknown codes.
 * @since 0.1
 */
CRM_EXTERN(const char *) crm_strerror(crm_status code);

/**
 * Forget this thread's last error (crm_error_last() becomes CRM_OK).
 * @since 0.1
 */
CRM_EXTERN(void) crm_error_clear(void);

CRM_END_DECL

#endif
