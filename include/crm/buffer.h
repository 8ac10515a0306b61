/*
 * libcrm: buffers for text and bytes the caller owns.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_BUFFER_H
#define CRM_BUFFER_H

#include "common.h"

CRM_BEGIN_DECL

/**
 * Text or bytes returned to the caller. `ptr` is always NUL-terminated
 * (the terminator is not counted in `size`), so text can be used directly.
 * `reserved` is the allocated size; treat it as private.
 * @since 0.1
 */
typedef struct {
  char *ptr;
  size_t size;
  size_t reserved;
} crm_buf;

#define CRM_BUF_INIT \
  {                  \
    NULL, 0, 0       \
  }

/**
 * Free the memory of a buffer filled by libcrm and reset it to CRM_BUF_INIT.
 * NULL, and a buffer that was never filled, are no-ops.
 * @since 0.1
 */
CRM_EXTERN(void) crm_buf_dispose(crm_buf *buf);

CRM_END_DECL

#endif
