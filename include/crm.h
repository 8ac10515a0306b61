/*
 * libcrm: one include for users. Backend authors also include
 * <crm/sys/backend.h>.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_H
#define CRM_H

#include "crm/common.h"
#include "crm/errors.h"
#include "crm/version.h"
#include "crm/buffer.h"
#include "crm/types.h"
#include "crm/db.h"
#include "crm/customer.h"
#include "crm/interaction.h"
#include "crm/case.h"
#include "crm/queue.h"
#include "crm/timeline.h"
#include "crm/event.h"
#include "crm/calendar.h"
#include "crm/sla.h"
#include "crm/mail.h"
#include "crm/incident.h"
#include "crm/search.h"
#include "crm/report.h"

#endif
