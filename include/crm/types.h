/*
 * libcrm: opaque object types and the enums shared by several concepts.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TYPES_H
#define CRM_TYPES_H

#include "common.h"

CRM_BEGIN_DECL

/** An open database (see crm/db.h). @since 0.1 */
typedef struct crm_db crm_db;

typedef struct crm_customer crm_customer;
typedef struct crm_identity crm_identity;
typedef struct crm_identity_iterator crm_identity_iterator;
typedef struct crm_interaction crm_interaction;
typedef struct crm_participant crm_participant;
typedef struct crm_participant_iterator crm_participant_iterator;
typedef struct crm_attachment crm_attachment;
typedef struct crm_attachment_iterator crm_attachment_iterator;
typedef struct crm_case crm_case;
typedef struct crm_case_iterator crm_case_iterator;
typedef struct crm_link crm_link;
typedef struct crm_link_iterator crm_link_iterator;
typedef struct crm_event crm_event;
typedef struct crm_event_iterator crm_event_iterator;
typedef struct crm_timeline_iterator crm_timeline_iterator;

/**
 * Contact channels. CRM_CHANNEL_NOTE is an internal note (direction
 * CRM_DIRECTION_INTERNAL only).
 * @since 0.1
 */
typedef enum {
  CRM_CHANNEL_EMAIL = 1,
  CRM_CHANNEL_PHONE,
  CRM_CHANNEL_IVR,
  CRM_CHANNEL_CHAT,
  CRM_CHANNEL_SMS,
  CRM_CHANNEL_FAX,
  CRM_CHANNEL_LETTER,
  CRM_CHANNEL_WEB,
  CRM_CHANNEL_SOCIAL,
  CRM_CHANNEL_IN_PERSON,
  CRM_CHANNEL_NOTE
} crm_channel_t;

/** The highest crm_channel_t value. @since 0.1 */
#define CRM_CHANNEL_MAX CRM_CHANNEL_NOTE

/**
 * The channel's lower-case name ("email", "in_person", ...), or NULL for a
 * value out of range.
 * @since 0.1
 */
CRM_EXTERN(const char *) crm_channel_name(crm_channel_t channel);

CRM_END_DECL

#endif
