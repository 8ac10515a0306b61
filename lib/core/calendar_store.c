/*
 * Persisted calendars: a calendar is stored as its JSON definition (the
 * "calendar_format" of ../shared/sla/cases.json, with holiday names), one
 * row per version, written by crm_calendar_to_json and read back by
 * crm_calendar_from_json (calendar_json.c), so a stored calendar obeys
 * exactly the rules of crm/calendar.h.
 *
 *   {"tz": "Europe/Rome",
 *    "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ...},
 *    "holidays": [["2026-12-25", "Natale"], ["2026-12-26", null]],
 *    "special_hours": {"2026-12-24": [["09:00", "12:00"]]},
 *    "breaks": {"2026-03-04": [["10:00", "11:00"]]}}
 *
 * Ends past midnight are written past "24:00" ("30:00" is 06:00 the next
 * day).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sla_internal.h"

#define ALWAYS_OPEN "24x7"

void crm_sla_def_row_clear(crm_sla_def_row *row)
{
  if (row == NULL)
    return;
  free(row->name);
  free(row->definition);
  memset(row, 0, sizeof *row);
}

/* A stored definition, parsed by the one parser (calendar_json.c). A
   definition the library wrote and cannot read back is damage. */
static crm_status calendar_from_row(crm_calendar **out, const crm_sla_def_row *row)
{
  if (crm_calendar_from_json(out, row->definition) != CRM_OK)
    return crm__error(CRM_ERROR, "stored calendar %lld version %lld is damaged (%s)",
                      (long long)row->id, (long long)row->version, crm_error_last()->message);
  return CRM_OK;
}

/* A calendar that can be stored: it has business hours somewhere; its
   definition in *definition (free()). */
static crm_status check_storable(char **definition, const crm_calendar *cal)
{
  *definition = NULL;
  crm_time probe = 0;
  if (crm_calendar_add_business(&probe, cal, 1767225600 /* 2026-01-01 */, 0) != CRM_OK)
    return crm__error(CRM_EINVALID, "calendar (%s) has no business hours: it cannot time an SLA",
                      crm_calendar_timezone(cal));
  crm_buf text = CRM_BUF_INIT;
  CRM__TRY(crm_calendar_to_json(&text, cal));
  *definition = text.ptr;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the public calls                                                     */

static crm_status calendar_not_found(crm_id id, int64_t version)
{
  if (version > 0)
    return crm__error(CRM_ENOTFOUND, "calendar %lld has no version %lld", (long long)id,
                      (long long)version);
  return crm__error(CRM_ENOTFOUND, "calendar %lld does not exist", (long long)id);
}

static crm_status def_get(crm_sla_def_row *out, crm_db *db, crm_id id, int64_t version)
{
  crm_status st = CRM__OPS(db)->sla_def_get(CRM__B(db), CRM_SLA_DEF_CALENDAR, id, version, out);
  if (st == CRM_ENOTFOUND)
    return calendar_not_found(id, version);
  return st;
}

static crm_status emit_saved(crm_db *db, const crm_sla_def_row *row)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "calendar", row->id);
  crm__json_set_str(o, "name", row->name);
  json_object_set_int_member(o, "version", row->version);
  return crm__event_emit(db, "calendar.saved", "calendar", row->id, o);
}

static crm_status save_locked(crm_sla_def_row *row, crm_db *db)
{
  CRM__TRY(CRM__OPS(db)->sla_def_insert(CRM__B(db), CRM_SLA_DEF_CALENDAR, row));
  return emit_saved(db, row);
}

crm_status crm_calendar_save(crm_id *out, crm_db *db, const char *name, const crm_calendar *cal)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_text(name, "name", 1)) != CRM_OK ||
      (st = crm__check_ptr(cal, "cal")) != CRM_OK)
    return st;
  char *definition = NULL;
  if ((st = check_storable(&definition, cal)) != CRM_OK)
    return st;
  crm_sla_def_row row = {0, 1, 0, (char *)name, definition, crm_now(db)};
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "save a calendar");
  if (st == CRM_OK)
    st = save_locked(&row, db);
  st = crm__write_end(db, st);
  free(definition);
  if (st == CRM_OK)
    *out = row.id;
  return st;
}

static crm_status update_locked(crm_db *db, crm_id id, char *definition)
{
  crm_sla_def_row cur = {0};
  CRM__TRY(def_get(&cur, db, id, 0));
  crm_sla_def_row row = {id, cur.version + 1, 0, cur.name, definition, crm_now(db)};
  crm_status st = CRM__OPS(db)->sla_def_update(CRM__B(db), CRM_SLA_DEF_CALENDAR, &row, cur.version);
  if (st == CRM_OK)
    st = emit_saved(db, &row);
  crm_sla_def_row_clear(&cur);
  if (st == CRM_OK)
    st = crm__sla_recompute_calendar(db, id);
  return st;
}

crm_status crm_calendar_update(crm_db *db, crm_id id, const crm_calendar *cal)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK ||
      (st = crm__check_ptr(cal, "cal")) != CRM_OK)
    return st;
  char *definition = NULL;
  if ((st = check_storable(&definition, cal)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change a calendar");
  if (st == CRM_OK)
    st = update_locked(db, id, definition);
  st = crm__write_end(db, st);
  free(definition);
  return st;
}

crm_status crm__sla_calendar_get(crm_calendar **out, int64_t *version, crm_db *db, crm_id id,
                                 int64_t want_version)
{
  *out = NULL;
  if (version)
    *version = 0;
  if (id == 0)
    return crm_calendar_new(out, ALWAYS_OPEN);
  crm_sla_def_row row = {0};
  CRM__TRY(def_get(&row, db, id, want_version));
  crm_status st = calendar_from_row(out, &row);
  if (st == CRM_OK && version)
    *version = row.version;
  crm_sla_def_row_clear(&row);
  return st;
}

crm_status crm_calendar_load_version(crm_calendar **out, crm_db *db, crm_id id, int64_t version)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK)
    return st;
  if (version < 0)
    return crm__error(CRM_EINVALID, "version %lld must not be negative (0: the current one)",
                      (long long)version);
  return crm__sla_calendar_get(out, NULL, db, id, version);
}

crm_status crm_calendar_load(crm_calendar **out, crm_db *db, crm_id id)
{
  return crm_calendar_load_version(out, db, id, 0);
}

crm_status crm_calendar_version(int64_t *out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK)
    return st;
  crm_sla_def_row row = {0};
  st = def_get(&row, db, id, 0);
  if (st == CRM_OK)
    *out = row.version;
  crm_sla_def_row_clear(&row);
  return st;
}

crm_status crm_calendar_name(crm_buf *out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "calendar")) != CRM_OK)
    return st;
  crm_sla_def_row row = {0};
  st = def_get(&row, db, id, 0);
  if (st == CRM_OK)
    st = crm__buf_set_str(out, row.name);
  crm_sla_def_row_clear(&row);
  return st;
}
