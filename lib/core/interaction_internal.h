/*
 * Internals shared by interaction.c, attachment.c and timeline.c: one
 * row -> object function, existence checks with messages that name the id,
 * and a pager over the list slots that return everything in one call.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CORE_INTERACTION_INTERNAL_H
#define CRM_CORE_INTERACTION_INTERNAL_H

#include "internal.h"

/*
 * The public object for a backend row, with its attributes loaded. Takes
 * the row's strings (the row is zeroed, even on failure).
 */
crm_status crm__interaction_new(crm_interaction **out, crm_db *db, crm_interaction_row *row);

/* Fetch an interaction row; CRM_ENOTFOUND names the id. */
crm_status crm__interaction_get(crm_interaction_row *out, crm_db *db, crm_id id);
/* CRM_ENOTFOUND (naming the id) unless the interaction / case exists. */
crm_status crm__interaction_exists(crm_db *db, crm_id id);
crm_status crm__interaction_case_exists(crm_db *db, crm_id id);

/*
 * A list slot that returns every row of one interaction in a single call
 * (participants, attachments): `list` appends owned items to `items`.
 */
typedef crm_status (*crm__list_fn)(crm_db *db, crm_id interaction, GPtrArray *items);
/* A pager that calls `list` once, then reports the end. */
crm__pager *crm__list_pager_new(crm_db *db, crm_id interaction, crm__list_fn list,
                                GDestroyNotify free_item);

#endif
