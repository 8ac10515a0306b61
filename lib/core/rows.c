/*
 * Freeing the rows backends fill (their strings are malloc'd).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void crm_customer_row_clear(crm_customer_row *row)
{
  if (row == NULL)
    return;
  free(row->display_name);
  free(row->organization);
  free(row->language);
  free(row->timezone);
  free(row->segment);
  memset(row, 0, sizeof *row);
}

void crm_identity_row_clear(crm_identity_row *row)
{
  if (row == NULL)
    return;
  free(row->value);
  memset(row, 0, sizeof *row);
}

void crm_case_row_clear(crm_case_row *row)
{
  if (row == NULL)
    return;
  free(row->subject);
  free(row->csat_comment);
  memset(row, 0, sizeof *row);
}

void crm_interaction_row_clear(crm_interaction_row *row)
{
  if (row == NULL)
    return;
  free(row->subject);
  free(row->body);
  free(row->external_ref);
  free(row->in_reply_to);
  memset(row, 0, sizeof *row);
}

void crm_participant_row_clear(crm_participant_row *row)
{
  if (row == NULL)
    return;
  free(row->value);
  free(row->role);
  memset(row, 0, sizeof *row);
}

void crm_attachment_row_clear(crm_attachment_row *row)
{
  if (row == NULL)
    return;
  free(row->filename);
  free(row->media_type);
  free(row->data);
  memset(row, 0, sizeof *row);
}

void crm_party_row_clear(crm_party_row *row)
{
  if (row == NULL)
    return;
  free(row->name);
  free(row->email);
  memset(row, 0, sizeof *row);
}

void crm_event_row_clear(crm_event_row *row)
{
  if (row == NULL)
    return;
  free(row->kind);
  free(row->entity);
  free(row->payload);
  memset(row, 0, sizeof *row);
}

void crm_attribute_row_clear(crm_attribute_row *row)
{
  if (row == NULL)
    return;
  free(row->key);
  free(row->value);
  memset(row, 0, sizeof *row);
}
