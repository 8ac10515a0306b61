/*
 * SLA policies: validation, storage as versioned JSON definitions, and
 * matching a case to the first policy (by order, then id) whose masks
 * all accept it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "sla_internal.h"

/* Bits that name a value lo..hi. */
#define MASK_RANGE(lo, hi) ((((1u << ((hi) + 1)) - 1)) & ~((1u << (lo)) - 1))

void crm__sla_policy_clear(crm__sla_policy *p)
{
  if (p == NULL)
    return;
  g_free(p->name);
  g_free(p->segment);
  memset(p, 0, sizeof *p);
}

crm_status crm_sla_policy_spec_init(crm_sla_policy_spec *spec, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(spec, "spec")) != CRM_OK ||
      (st = crm__check_version(version, CRM_SLA_POLICY_SPEC_VERSION, "crm_sla_policy_spec")) !=
          CRM_OK)
    return st;
  memset(spec, 0, sizeof *spec);
  spec->version = version;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* validation                                                           */

static crm_status check_mask(uint32_t mask, uint32_t allowed, const char *what)
{
  if (mask & ~allowed)
    return crm__error(CRM_EINVALID,
                      "%s mask 0x%x has bits that name no value (allowed: 0x%x, (1u << value))",
                      what, (unsigned)mask, (unsigned)allowed);
  return CRM_OK;
}

static crm_status check_optional_id(crm_id id, const char *what)
{
  if (id < 0)
    return crm__error(CRM_EINVALID, "%s id %lld is not valid (0: %s, or an id > 0)", what,
                      (long long)id, strcmp(what, "calendar") == 0 ? "24x7" : "any");
  return CRM_OK;
}

static crm_status check_targets(const int64_t *targets)
{
  if (targets[0] != 0)
    return crm__error(CRM_EINVALID,
                      "targets[0] is %lld: it must be 0 (targets are indexed by crm_sla_metric_t, "
                      "from 1)",
                      (long long)targets[0]);
  for (int m = CRM_SLA_FIRST_RESPONSE; m <= CRM_SLA_METRIC_MAX; m++)
    if (targets[m] < 0)
      return crm__error(CRM_EINVALID, "target for %s is %lld seconds: it must not be negative",
                        crm_sla_metric_name((crm_sla_metric_t)m), (long long)targets[m]);
  return CRM_OK;
}

/* Arguments only: existence is checked inside the write. */
static crm_status check_spec(const crm_sla_policy_spec *s)
{
  crm_status st;
  if ((st = crm__check_ptr(s, "spec")) != CRM_OK ||
      (st = crm__check_version(s->version, CRM_SLA_POLICY_SPEC_VERSION, "crm_sla_policy_spec")) !=
          CRM_OK ||
      (st = crm__check_text(s->name, "name", 1)) != CRM_OK ||
      (st = check_optional_id(s->calendar, "calendar")) != CRM_OK ||
      (st = check_optional_id(s->queue, "queue")) != CRM_OK ||
      (st = crm__check_text(s->segment, "segment", 0)) != CRM_OK ||
      (st = check_mask(s->priorities, MASK_RANGE(CRM_PRIORITY_LOW, CRM_PRIORITY_URGENT),
                       "priorities")) != CRM_OK ||
      (st = check_mask(s->kinds, MASK_RANGE(CRM_CASE_REQUEST, CRM_CASE_PROBLEM), "kinds")) !=
          CRM_OK ||
      (st = check_mask(s->channels, MASK_RANGE(CRM_CHANNEL_EMAIL, CRM_CHANNEL_MAX), "channels")) !=
          CRM_OK ||
      (st = check_mask(s->pause_statuses, MASK_RANGE(CRM_CASE_NEW, CRM_CASE_CLOSED),
                       "pause_statuses")) != CRM_OK ||
      (st = check_targets(s->targets)) != CRM_OK)
    return st;
  if (s->warn_percent < 0 || s->warn_percent > 100)
    return crm__error(CRM_EINVALID, "warn_percent %d is out of range (0: no warning, 1..100)",
                      s->warn_percent);
  return CRM_OK;
}

static crm_status check_refs_exist(crm_db *db, const crm_sla_policy_spec *s)
{
  if (s->calendar > 0) {
    crm_sla_def_row row = {0};
    crm_status st =
        CRM__OPS(db)->sla_def_get(CRM__B(db), CRM_SLA_DEF_CALENDAR, s->calendar, 0, &row);
    crm_sla_def_row_clear(&row);
    if (st == CRM_ENOTFOUND)
      return crm__error(CRM_ENOTFOUND, "calendar %lld does not exist", (long long)s->calendar);
    CRM__TRY(st);
  }
  if (s->queue > 0)
    CRM__TRY(crm__queue_exists(db, s->queue));
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* JSON definitions                                                     */

static char *spec_to_json(const crm_sla_policy_spec *s)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "calendar", s->calendar);
  json_object_set_int_member(o, "priorities", s->priorities);
  json_object_set_int_member(o, "kinds", s->kinds);
  json_object_set_int_member(o, "channels", s->channels);
  json_object_set_int_member(o, "queue", s->queue);
  crm__json_set_str(o, "segment", s->segment);
  JsonObject *t = json_object_new();
  for (int m = CRM_SLA_FIRST_RESPONSE; m <= CRM_SLA_METRIC_MAX; m++)
    json_object_set_int_member(t, crm_sla_metric_name((crm_sla_metric_t)m), s->targets[m]);
  json_object_set_object_member(o, "targets", t);
  json_object_set_int_member(o, "warn_percent", s->warn_percent);
  json_object_set_int_member(o, "pause_statuses", s->pause_statuses);
  JsonNode *root = json_node_init_object(json_node_alloc(), o);
  json_object_unref(o);
  char *text = json_to_string(root, FALSE);
  json_node_unref(root);
  return text;
}

static int64_t int_member(JsonObject *o, const char *name)
{
  return o && json_object_has_member(o, name) ? json_object_get_int_member(o, name) : 0;
}

static crm_status policy_from_row(crm__sla_policy *out, const crm_sla_def_row *row)
{
  memset(out, 0, sizeof *out);
  JsonParser *parser = json_parser_new();
  JsonObject *o = NULL;
  if (json_parser_load_from_data(parser, row->definition, -1, NULL)) {
    JsonNode *root = json_parser_get_root(parser);
    o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
  }
  if (o == NULL) {
    g_object_unref(parser);
    return crm__error(CRM_ERROR, "stored definition of policy %lld is damaged", (long long)row->id);
  }
  out->id = row->id;
  out->version = row->version;
  out->order = (int)row->ord;
  out->name = g_strdup(row->name);
  out->calendar = int_member(o, "calendar");
  out->priorities = (uint32_t)int_member(o, "priorities");
  out->kinds = (uint32_t)int_member(o, "kinds");
  out->channels = (uint32_t)int_member(o, "channels");
  out->queue = int_member(o, "queue");
  JsonNode *seg = json_object_get_member(o, "segment");
  out->segment = seg && JSON_NODE_HOLDS_VALUE(seg) ? g_strdup(json_node_get_string(seg)) : NULL;
  JsonObject *t =
      json_object_has_member(o, "targets") ? json_object_get_object_member(o, "targets") : NULL;
  for (int m = CRM_SLA_FIRST_RESPONSE; m <= CRM_SLA_METRIC_MAX; m++)
    out->targets[m] = int_member(t, crm_sla_metric_name((crm_sla_metric_t)m));
  out->warn_percent = (int)int_member(o, "warn_percent");
  out->pause_statuses = (uint32_t)int_member(o, "pause_statuses");
  g_object_unref(parser);
  return CRM_OK;
}

crm_status crm__sla_policy_get(crm__sla_policy *out, crm_db *db, crm_id id, int64_t version)
{
  memset(out, 0, sizeof *out);
  crm_sla_def_row row = {0};
  crm_status st = CRM__OPS(db)->sla_def_get(CRM__B(db), CRM_SLA_DEF_POLICY, id, version, &row);
  if (st == CRM_ENOTFOUND)
    st = crm__error(CRM_ENOTFOUND, "SLA policy %lld does not exist", (long long)id);
  if (st == CRM_OK)
    st = policy_from_row(out, &row);
  crm_sla_def_row_clear(&row);
  return st;
}

/* ------------------------------------------------------------------ */
/* create / update                                                      */

static crm_status emit_policy(crm_db *db, const crm_sla_def_row *row)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "policy", row->id);
  crm__json_set_str(o, "name", row->name);
  json_object_set_int_member(o, "version", row->version);
  json_object_set_int_member(o, "order", row->ord);
  return crm__event_emit(db, "sla.policy", "sla_policy", row->id, o);
}

static crm_status create_locked(crm_id *out, crm_db *db, const crm_sla_policy_spec *spec)
{
  CRM__TRY(check_refs_exist(db, spec));
  char *definition = spec_to_json(spec);
  crm_sla_def_row row = {0, 1, spec->order, (char *)spec->name, definition, crm_now(db)};
  crm__txn_cache_reset(db);
  crm_status st = CRM__OPS(db)->sla_def_insert(CRM__B(db), CRM_SLA_DEF_POLICY, &row);
  if (st == CRM_OK)
    st = emit_policy(db, &row);
  g_free(definition);
  if (st == CRM_OK)
    *out = row.id;
  return st;
}

crm_status crm_sla_policy_create(crm_id *out, crm_db *db, const crm_sla_policy_spec *spec)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = check_spec(spec)) != CRM_OK)
    return st;
  crm_id id = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "create an SLA policy");
  if (st == CRM_OK)
    st = create_locked(&id, db, spec);
  st = crm__write_end(db, st);
  if (st == CRM_OK)
    *out = id;
  return st;
}

static crm_status update_locked(crm_db *db, crm_id id, const crm_sla_policy_spec *spec)
{
  crm__sla_policy cur;
  CRM__TRY(crm__sla_policy_get(&cur, db, id, 0));
  int64_t old_version = cur.version;
  crm__sla_policy_clear(&cur);
  CRM__TRY(check_refs_exist(db, spec));
  char *definition = spec_to_json(spec);
  crm_sla_def_row row = {id,         old_version + 1, spec->order, (char *)spec->name,
                         definition, crm_now(db)};
  crm__txn_cache_reset(db);
  crm_status st = CRM__OPS(db)->sla_def_update(CRM__B(db), CRM_SLA_DEF_POLICY, &row, old_version);
  if (st == CRM_OK)
    st = emit_policy(db, &row);
  g_free(definition);
  if (st == CRM_OK)
    st = crm__sla_recompute_policy(db, id);
  return st;
}

crm_status crm_sla_policy_update(crm_db *db, crm_id id, const crm_sla_policy_spec *spec)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "policy")) != CRM_OK ||
      (st = check_spec(spec)) != CRM_OK)
    return st;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_admin(db, "change an SLA policy");
  if (st == CRM_OK)
    st = update_locked(db, id, spec);
  return crm__write_end(db, st);
}

crm_status crm_sla_policy_version(int64_t *out, crm_db *db, crm_id id)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "policy")) != CRM_OK)
    return st;
  crm__sla_policy p;
  st = crm__sla_policy_get(&p, db, id, 0);
  if (st == CRM_OK)
    *out = p.version;
  crm__sla_policy_clear(&p);
  return st;
}

/* ------------------------------------------------------------------ */
/* matching                                                             */

static int mask_accepts(uint32_t mask, int value)
{
  return mask == 0 || (value > 0 && value < 32 && (mask & (1u << value)));
}

static int policy_matches(const crm__sla_policy *p, const crm__sla_subject *s)
{
  return mask_accepts(p->priorities, s->priority) && mask_accepts(p->kinds, s->kind) &&
         mask_accepts(p->channels, s->channel) && (p->queue == 0 || p->queue == s->queue) &&
         (p->segment == NULL || (s->segment && strcmp(p->segment, s->segment) == 0));
}

typedef struct {
  const crm__sla_subject *subject;
  crm__sla_policy *out;
  crm_status st;
} match_state;

static int match_row(const void *row, void *payload)
{
  match_state *m = payload;
  crm__sla_policy p;
  m->st = policy_from_row(&p, row);
  if (m->st != CRM_OK)
    return 1;
  if (!policy_matches(&p, m->subject)) {
    crm__sla_policy_clear(&p);
    return 0;
  }
  *m->out = p;
  return 1; /* the first match wins: stop the listing */
}

static int stop_at_first(const void *row, void *payload)
{
  (void)row;
  *(int *)payload = 1;
  return 1;
}

crm_status crm__sla_any_policy(int *out, crm_db *db)
{
  if (crm__in_write(db) && db->sla_any_policy >= 0) {
    *out = db->sla_any_policy;
    return CRM_OK;
  }
  int any = 0;
  crm_status st = CRM__OPS(db)->sla_def_list(CRM__B(db), CRM_SLA_DEF_POLICY, stop_at_first, &any);
  if (st != CRM_OK && st != CRM_EUSER)
    return st;
  *out = any;
  if (crm__in_write(db))
    db->sla_any_policy = any;
  return CRM_OK;
}

crm_status crm__sla_policy_match(crm__sla_policy *out, crm_db *db, const crm__sla_subject *s)
{
  memset(out, 0, sizeof *out);
  match_state m = {s, out, CRM_OK};
  crm_status st = CRM__OPS(db)->sla_def_list(CRM__B(db), CRM_SLA_DEF_POLICY, match_row, &m);
  if (m.st != CRM_OK)
    return m.st;
  return st == CRM_EUSER ? CRM_OK : st;
}

/* ------------------------------------------------------------------ */
/* reading a definition back                                            */

typedef const char *(*value_namer)(int value);

static const char *priority_namer(int v)
{
  return crm_priority_name((crm_priority_t)v);
}

static const char *kind_namer(int v)
{
  return crm_case_kind_name((crm_case_kind_t)v);
}

static const char *channel_namer(int v)
{
  return crm_channel_name((crm_channel_t)v);
}

static const char *status_namer(int v)
{
  return crm_case_status_name((crm_case_status_t)v);
}

/* The names of the values whose bits are set, in value order. */
static void set_mask_member(JsonObject *o, const char *member, uint32_t mask, value_namer name)
{
  JsonArray *names = json_array_new();
  for (int v = 0; v < 32; v++)
    if ((mask & (1u << v)) && name(v) != NULL)
      json_array_add_string_element(names, name(v));
  json_object_set_array_member(o, member, names);
}

static char *policy_json_text(const crm__sla_policy *p)
{
  JsonObject *o = json_object_new();
  json_object_set_int_member(o, "id", p->id);
  json_object_set_int_member(o, "version", p->version);
  crm__json_set_str(o, "name", p->name);
  json_object_set_int_member(o, "order", p->order);
  crm__json_set_id(o, "calendar", p->calendar);
  crm__json_set_id(o, "queue", p->queue);
  crm__json_set_str(o, "segment", p->segment);
  set_mask_member(o, "priorities", p->priorities, priority_namer);
  set_mask_member(o, "kinds", p->kinds, kind_namer);
  set_mask_member(o, "channels", p->channels, channel_namer);
  set_mask_member(o, "pause_statuses", p->pause_statuses, status_namer);
  JsonObject *targets = json_object_new();
  for (int m = CRM_SLA_FIRST_RESPONSE; m <= CRM_SLA_METRIC_MAX; m++)
    if (p->targets[m] > 0)
      json_object_set_int_member(targets, crm_sla_metric_name((crm_sla_metric_t)m), p->targets[m]);
  json_object_set_object_member(o, "targets", targets);
  json_object_set_int_member(o, "warn_percent", p->warn_percent);
  JsonNode *root = json_node_init_object(json_node_alloc(), o);
  json_object_unref(o);
  char *text = json_to_string(root, FALSE);
  json_node_unref(root);
  return text;
}

crm_status crm_sla_policy_to_json(crm_buf *out, crm_db *db, crm_id id, int64_t version)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(id, "policy")) != CRM_OK)
    return st;
  if (version < 0)
    return crm__error(CRM_EINVALID, "version %lld must not be negative (0: the current one)",
                      (long long)version);
  crm__sla_policy p;
  st = crm__sla_policy_get(&p, db, id, version);
  if (st == CRM_ENOTFOUND && version > 0) { /* no such version, or no such policy? */
    crm__sla_policy cur;
    if (crm__sla_policy_get(&cur, db, id, 0) == CRM_OK)
      st =
          crm__error(CRM_ENOTFOUND, "SLA policy %lld has no version %lld (the current one is %lld)",
                     (long long)id, (long long)version, (long long)cur.version);
    crm__sla_policy_clear(&cur);
  }
  if (st == CRM_OK) {
    char *text = policy_json_text(&p);
    st = crm__buf_set_str(out, text);
    g_free(text);
  }
  crm__sla_policy_clear(&p);
  return st;
}
