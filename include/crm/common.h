/*
 * libcrm: common definitions shared by every public header.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_COMMON_H
#define CRM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CRM_BEGIN_DECL extern "C" {
#define CRM_END_DECL   }
#else
#define CRM_BEGIN_DECL
#define CRM_END_DECL
#endif

/* Marks a function exported from libcrm.so; everything else is hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define CRM_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define CRM_EXTERN(type) extern type
#endif

/*
 * Initialiser of a versioned options/spec struct: the version set, every
 * other field 0 (designated in C, so -Wmissing-field-initializers stays quiet).
 * C++ before C++20 has no designated initialisers: there it is a value that
 * converts to any such struct, value-initialised with its version set.
 */
#ifdef __cplusplus
struct crm_struct_init_ {
  unsigned int version;
  template <typename T> operator T() const
  {
    T t = T();
    t.version = version;
    return t;
  }
};
#define CRM_STRUCT_INIT(version_value) (crm_struct_init_{(version_value)})
#else
#define CRM_STRUCT_INIT(version_value) \
  {                                    \
    .version = (version_value)         \
  }
#endif

CRM_BEGIN_DECL

/** 0 (CRM_OK) on success, a negative CRM_E* code on failure. @since 0.1 */
typedef int crm_status;

/** Identifier of a stored object: always > 0; 0 means "none". @since 0.1 */
typedef int64_t crm_id;

/** An instant: seconds since the Unix epoch, UTC. @since 0.1 */
typedef int64_t crm_time;

CRM_END_DECL

#endif
