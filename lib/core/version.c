/*
 * Run-time version.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

void crm_version(int *major, int *minor, int *patch)
{
  if (major)
    *major = CRM_VERSION_MAJOR;
  if (minor)
    *minor = CRM_VERSION_MINOR;
  if (patch)
    *patch = CRM_VERSION_PATCH;
}
