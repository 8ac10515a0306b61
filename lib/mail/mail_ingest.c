/*
 * crm_mail_ingest: one parsed message filed by the rules of crm/mail.h,
 * in one transaction (every public call made here joins it).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "interaction_internal.h"
#include "mail_internal.h"

/* A Date: more than this after receipt is a broken clock. */
#define MAIL_MAX_CLOCK_SKEW ((crm_time)86400)
#define MAIL_EARLIEST_DATE  ((crm_time)631152000) /* 1990-01-01 */
/* How much of a digest tells a reused Message-ID's messages apart. */
#define REUSED_SUFFIX_LEN 12

/* ------------------------------------------------------------------ */
/* options, names, settings                                             */

crm_status crm_mail_options_init(crm_mail_options *opts, unsigned int version)
{
  crm_status st;
  if ((st = crm__check_ptr(opts, "opts")) != CRM_OK ||
      (st = crm__check_version(version, CRM_MAIL_OPTIONS_VERSION, "crm_mail_options")) != CRM_OK)
    return st;
  memset(opts, 0, sizeof *opts);
  opts->version = version;
  return CRM_OK;
}

crm_status crm__mail_options_check(crm_mail_options *out, const crm_mail_options *opts)
{
  crm_mail_options defaults = CRM_MAIL_OPTIONS_INIT;
  *out = defaults;
  if (opts == NULL)
    return CRM_OK;
  crm_status st;
  if ((st = crm__check_version(opts->version, CRM_MAIL_OPTIONS_VERSION, "crm_mail_options")) !=
      CRM_OK)
    return st;
  if (opts->received_at < 0)
    return crm__error(CRM_EINVALID, "received_at %lld must not be negative (0: now)",
                      (long long)opts->received_at);
  if (opts->received_at && (st = crm__check_time(opts->received_at, "received_at")) != CRM_OK)
    return st;
  if (opts->queue < 0)
    return crm__error(CRM_EINVALID, "queue id %lld is not valid (0: none, or an id > 0)",
                      (long long)opts->queue);
  if (opts->from_address && (st = crm__check_text(opts->from_address, "from_address", 1)) != CRM_OK)
    return st;
  *out = *opts;
  return CRM_OK;
}

const char *crm_mail_rule_name(crm_mail_rule_t rule)
{
  static const char *const names[] = {NULL,         "duplicate",   "in_reply_to",
                                      "references", "subject_tag", "new_case"};
  if ((int)rule < CRM_MAIL_DUPLICATE || rule > CRM_MAIL_NEW_CASE)
    return NULL;
  return names[rule];
}

static crm_status setting(char **out, crm_db *db, const char *name)
{
  crm_buf buf = CRM_BUF_INIT;
  crm_status st = crm_setting_get(&buf, db, name);
  *out = st == CRM_OK ? g_strdup(buf.ptr ? buf.ptr : "") : NULL;
  crm_buf_dispose(&buf);
  return st;
}

crm_status crm__mail_helpdesk_addresses(GPtrArray **out, crm_db *db)
{
  *out = NULL;
  char *value = NULL;
  CRM__TRY(setting(&value, db, "helpdesk_addresses"));
  GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
  char **parts = g_strsplit(value, ",", -1);
  for (char **p = parts; *p; p++) {
    g_strstrip(*p);
    if (**p)
      g_ptr_array_add(list, g_ascii_strdown(*p, -1));
  }
  g_strfreev(parts);
  g_free(value);
  *out = list;
  return CRM_OK;
}

crm_status crm__mail_subject_tag(char **prefix, char **suffix, crm_db *db)
{
  *prefix = *suffix = NULL;
  char *tag = NULL;
  CRM__TRY(setting(&tag, db, "subject_tag"));
  const char *at = strstr(tag, "%id");
  if (at == NULL) { /* the setting is checked when set: only a default could lack it */
    *prefix = g_strdup("[#");
    *suffix = g_strdup("]");
  } else {
    *prefix = g_strndup(tag, (gsize)(at - tag));
    *suffix = g_strdup(at + 3);
  }
  g_free(tag);
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* the state of one ingestion                                           */

typedef struct {
  crm_db *db;
  const crm_mail_options *opts;
  crm__mail_msg *m;
  const void *raw;
  size_t len;
  crm_time now, occurred_at;
  char *ref;           /* the external_ref to record */
  char *sender;        /* normalised sender address; NULL: placeholder */
  GPtrArray *flags;    /* flag names, in order */
  GHashTable *details; /* flag or attribute name -> value */
  crm_mail_result res;
} ingest;

/* Flag something notable: "mail.<name>" = value, and name in "mail.flags". */
static void flag(ingest *in, const char *name, const char *value)
{
  if (!g_hash_table_contains(in->details, name))
    g_ptr_array_add(in->flags, g_strdup(name));
  g_hash_table_replace(in->details, g_strdup(name), g_strdup(value));
}

static void ingest_clear(ingest *in)
{
  g_free(in->ref);
  g_free(in->sender);
  g_ptr_array_unref(in->flags);
  g_hash_table_unref(in->details);
}

/* ------------------------------------------------------------------ */
/* rule 1: the same message again                                       */

/* The email interaction recorded with `ref` (0: none). */
static crm_status find_ref(crm_id *out, crm_db *db, int channel, const char *ref)
{
  *out = 0;
  crm_status st = CRM__OPS(db)->interaction_find_ref(CRM__B(db), channel, ref, out);
  if (st == CRM_ENOTFOUND) {
    *out = 0;
    return CRM_OK;
  }
  return st;
}

/* If interaction `id` has our digest, fill the result as its duplicate. */
static crm_status same_message(int *same, ingest *in, crm_id id)
{
  *same = 0;
  crm_interaction *ix = NULL;
  CRM__TRY(crm_interaction_lookup(&ix, in->db, id));
  const char *digest = crm_interaction_attribute(ix, "mail.digest");
  if (digest && strcmp(digest, in->m->digest) == 0) {
    *same = 1;
    in->res.rule = CRM_MAIL_DUPLICATE;
    in->res.interaction = id;
    in->res.case_id = crm_interaction_case(ix);
    in->res.customer = crm_interaction_customer(ix);
    in->res.auto_generated = crm_interaction_attribute(ix, "mail.auto_generated") != NULL;
  }
  crm_interaction_free(ix);
  return CRM_OK;
}

/*
 * Rule 1. Sets in->ref to the reference to record: the Message-ID, or a
 * synthetic one from the digest, or (a reused Message-ID) the id with a
 * digest suffix. *dup = 1 when the message is already filed.
 */
static crm_status check_duplicate(int *dup, ingest *in)
{
  *dup = 0;
  crm__mail_msg *m = in->m;
  char *base = m->message_id ? crm__mail_bracket_id(m->message_id)
                             : g_strdup_printf("<%s@digest.invalid>", m->digest);
  if (m->message_id == NULL)
    flag(in, "no_message_id", "1");
  crm_id found = 0;
  crm_status st = find_ref(&found, in->db, CRM_CHANNEL_EMAIL, base);
  if (st == CRM_OK && found)
    st = same_message(dup, in, found);
  if (st != CRM_OK || *dup || found == 0) {
    in->ref = base;
    return st;
  }
  /* a reused Message-ID: this content gets a reference of its own */
  in->ref = g_strdup_printf("%s#%.*s", base, REUSED_SUFFIX_LEN, m->digest);
  flag(in, "message_id_reused", base);
  g_free(base);
  st = find_ref(&found, in->db, CRM_CHANNEL_EMAIL, in->ref);
  if (st == CRM_OK && found)
    st = same_message(dup, in, found);
  if (st == CRM_OK && found && !*dup) { /* a 48-bit collision: use the whole digest */
    char *longer =
        g_strdup_printf("%.*s%s", (int)(strlen(in->ref) - REUSED_SUFFIX_LEN), in->ref, m->digest);
    g_free(in->ref);
    in->ref = longer;
  }
  return st;
}

/* ------------------------------------------------------------------ */
/* the sender                                                           */

/* A customer for a sender that is no usable address. */
static crm_status ensure_placeholder(ingest *in)
{
  crm__mail_msg *m = in->m;
  char hex[65];
  const char *source = m->from_text ? m->from_text : m->digest;
  crm__mail_sha256(hex, source, strlen(source));
  char *value = g_strdup_printf("mail-sender:%.32s", hex);
  const char *name = m->from_name ? m->from_name : m->from_text ? m->from_text : "Unknown sender";
  char *short_name = g_utf8_substring(name, 0, MIN(g_utf8_strlen(name, -1), 200));
  crm_status st = crm_customer_ensure(&in->res.customer, &in->res.created_customer, in->db,
                                      CRM_IDENTITY_EXTERNAL, value, short_name);
  g_free(short_name);
  g_free(value);
  return st;
}

static crm_status ensure_sender(ingest *in)
{
  crm__mail_msg *m = in->m;
  if (m->sender == CRM__SENDER_OK &&
      crm__email_normalize(&in->sender, m->from_addr, "sender") != CRM_OK) {
    flag(in, "sender", "invalid");
    g_free(in->sender);
    in->sender = NULL;
  } else if (m->sender != CRM__SENDER_OK) {
    flag(in, "sender", m->sender == CRM__SENDER_MISSING ? "missing" : "unparsed");
  }
  if (in->sender == NULL)
    return ensure_placeholder(in);
  return crm_customer_ensure(&in->res.customer, &in->res.created_customer, in->db,
                             CRM_IDENTITY_EMAIL, in->sender, m->from_name);
}

/* ------------------------------------------------------------------ */
/* rules 2 and 3: threading                                             */

/* The case of the message `id` (bare) if we recorded it; 0 if not. */
static crm_status case_of_message(crm_id *out, crm_db *db, const char *id)
{
  *out = 0;
  char *bracketed = crm__mail_bracket_id(id);
  crm_id found = 0;
  crm_status st = find_ref(&found, db, CRM_CHANNEL_EMAIL, bracketed);
  if (st == CRM_OK && found == 0)
    st = find_ref(&found, db, 0, bracketed);
  if (st == CRM_OK && found == 0)
    st = find_ref(&found, db, 0, id);
  g_free(bracketed);
  if (st != CRM_OK || found == 0)
    return st;
  crm_interaction_row row = {0};
  st = crm__interaction_get(&row, db, found);
  if (st == CRM_OK)
    *out = row.case_id;
  crm_interaction_row_clear(&row);
  return st;
}

/* Rule 2: In-Reply-To, then References newest first. */
static crm_status thread_by_ids(crm_id *target, ingest *in)
{
  GPtrArray *irt = in->m->in_reply_to, *refs = in->m->references;
  for (guint i = 0; i < irt->len && *target == 0; i++) {
    CRM__TRY(case_of_message(target, in->db, irt->pdata[i]));
    if (*target)
      in->res.rule = CRM_MAIL_IN_REPLY_TO;
  }
  for (guint i = refs->len; i > 0 && *target == 0; i--) {
    CRM__TRY(case_of_message(target, in->db, refs->pdata[i - 1]));
    if (*target)
      in->res.rule = CRM_MAIL_REFERENCES;
  }
  return CRM_OK;
}

/* The ids of a case's interactions, one timeline page after another. */
typedef struct {
  GArray *ids;
  crm_time last_time;
  crm_id last_id;
} id_page;

static int collect_id(const void *row, void *payload)
{
  const crm_interaction_row *r = row;
  id_page *p = payload;
  g_array_append_val(p->ids, r->id);
  p->last_time = r->occurred_at;
  p->last_id = r->id;
  return 0;
}

typedef struct {
  const char *address;
  int found;
} participant_search;

static int match_participant(const void *row, void *payload)
{
  const crm_participant_row *r = row;
  participant_search *s = payload;
  if (r->kind == CRM_IDENTITY_EMAIL && r->value && strcmp(r->value, s->address) == 0) {
    s->found = 1;
    return 1; /* stop */
  }
  return 0;
}

/* Whether `address` is a participant of one of the case's interactions. */
static crm_status is_case_participant(int *found, crm_db *db, crm_id case_id, const char *address)
{
  *found = 0;
  id_page page = {g_array_new(FALSE, FALSE, sizeof(crm_id)), 0, 0};
  crm_status st = CRM_OK;
  for (;;) {
    g_array_set_size(page.ids, 0);
    st = CRM__OPS(db)->timeline(CRM__B(db), 0, case_id, page.last_time, page.last_id,
                                CRM__PAGE_SIZE, collect_id, &page);
    for (guint i = 0; st == CRM_OK && i < page.ids->len && !*found; i++) {
      participant_search s = {address, 0};
      st = CRM__OPS(db)->participant_list(CRM__B(db), g_array_index(page.ids, crm_id, i),
                                          match_participant, &s);
      if (st == CRM_EUSER)
        st = CRM_OK; /* we stopped it */
      *found = s.found;
    }
    if (st != CRM_OK || *found || page.ids->len < CRM__PAGE_SIZE)
      break;
  }
  g_array_unref(page.ids);
  return st;
}

static int is_helpdesk_address(GPtrArray *helpdesk, const char *address)
{
  for (guint i = 0; i < helpdesk->len; i++)
    if (strcmp(helpdesk->pdata[i], address) == 0)
      return 1;
  return 0;
}

/* Rule 3's guard: the sender belongs to the case (blocks injection). */
static crm_status sender_belongs(int *ok, ingest *in, crm_id case_id)
{
  *ok = 0;
  if (in->sender == NULL)
    return CRM_OK;
  GPtrArray *helpdesk = NULL;
  CRM__TRY(crm__mail_helpdesk_addresses(&helpdesk, in->db));
  int ours = is_helpdesk_address(helpdesk, in->sender);
  g_ptr_array_unref(helpdesk);
  if (ours)
    return CRM_OK;
  crm_case_row c = {0};
  crm_status st = CRM__OPS(in->db)->case_get(CRM__B(in->db), case_id, &c);
  crm_id owner = 0;
  if (st == CRM_OK) {
    st = CRM__OPS(in->db)->identity_find(CRM__B(in->db), CRM_IDENTITY_EMAIL, in->sender, &owner);
    if (st == CRM_ENOTFOUND)
      st = CRM_OK;
  }
  if (st == CRM_OK && owner != 0 && owner == c.customer)
    *ok = 1;
  crm_case_row_clear(&c);
  if (st == CRM_OK && !*ok)
    st = is_case_participant(ok, in->db, case_id, in->sender);
  return st;
}

/* The first "<prefix><digits><suffix>" in the subject naming a case; 0: none. */
static crm_status tagged_case(crm_id *out, crm_db *db, const char *subject, const char *prefix,
                              const char *suffix)
{
  *out = 0;
  size_t plen = strlen(prefix), slen = strlen(suffix);
  for (const char *p = subject; p && *p;) {
    const char *hit = plen ? strstr(p, prefix) : p;
    if (hit == NULL)
      break;
    const char *digits = hit + plen, *end = digits;
    while (g_ascii_isdigit(*end) && end - digits < 18)
      end++;
    if (end > digits && !g_ascii_isdigit(*end) && strncmp(end, suffix, slen) == 0) {
      crm_id id = g_ascii_strtoll(digits, NULL, 10);
      crm_case_row c = {0};
      crm_status st = CRM__OPS(db)->case_get(CRM__B(db), id, &c);
      crm_case_row_clear(&c);
      if (st == CRM_OK) {
        *out = id;
        return CRM_OK;
      }
      if (st != CRM_ENOTFOUND)
        return st;
    }
    p = hit + (plen ? plen : 1);
  }
  return CRM_OK;
}

/* Rule 3: a case tag in the subject, from someone who belongs to the case. */
static crm_status thread_by_tag(crm_id *target, ingest *in)
{
  if (in->m->subject == NULL)
    return CRM_OK;
  char *prefix = NULL, *suffix = NULL;
  CRM__TRY(crm__mail_subject_tag(&prefix, &suffix, in->db));
  crm_id tagged = 0;
  crm_status st = tagged_case(&tagged, in->db, in->m->subject, prefix, suffix);
  g_free(prefix);
  g_free(suffix);
  int ok = 0;
  if (st == CRM_OK && tagged)
    st = sender_belongs(&ok, in, tagged);
  if (st != CRM_OK || tagged == 0)
    return st;
  if (ok) {
    *target = tagged;
    in->res.rule = CRM_MAIL_SUBJECT_TAG;
  } else {
    char *id = g_strdup_printf("%lld", (long long)tagged);
    flag(in, "subject_tag_rejected", id);
    g_free(id);
  }
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* filing                                                               */

static crm_status create_case(crm_id *out, ingest *in)
{
  crm_case_spec cs = CRM_CASE_SPEC_INIT;
  cs.customer = in->res.customer;
  cs.subject = in->m->subject ? in->m->subject : "(no subject)";
  cs.queue = in->opts->queue;
  in->res.created_case = 1;
  return crm__case_create(out, in->db, &cs, 0);
}

static void fill_row(crm_interaction_row *row, ingest *in, crm_id case_id, char *in_reply_to)
{
  memset(row, 0, sizeof *row);
  row->customer = in->res.customer;
  row->case_id = case_id;
  row->channel = CRM_CHANNEL_EMAIL;
  row->direction = CRM_DIRECTION_INBOUND;
  row->occurred_at = in->occurred_at;
  row->recorded_at = in->now;
  /* borrowed: the row is not cleared */
  row->subject = in->m->subject;
  row->body = in->m->body;
  row->external_ref = in->ref;
  row->in_reply_to = in_reply_to;
}

static crm_status emit_recorded(crm_db *db, const crm_interaction_row *row)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "interaction", row->id);
  crm__json_set_id(o, "customer", row->customer);
  crm__json_set_id(o, "case", row->case_id);
  json_object_set_string_member(o, "channel", crm_channel_name(CRM_CHANNEL_EMAIL));
  json_object_set_string_member(o, "direction", crm_direction_name(CRM_DIRECTION_INBOUND));
  crm__json_set_str(o, "outcome", NULL);
  json_object_set_int_member(o, "occurred_at", row->occurred_at);
  crm__json_set_str(o, "external_ref", row->external_ref);
  return crm__event_emit(db, "interaction.recorded", "interaction", row->id, o);
}

/*
 * Count an auto-generated message into its case with no filing rule: no
 * status change, no reopen, no follow-up; a case opened for it is closed
 * at once (new -> closed, the one move only loop protection makes).
 */
static crm_status count_auto_generated(ingest *in, crm_id case_id, int close)
{
  crm_case_row c = {0};
  crm_status st = CRM__OPS(in->db)->case_get(CRM__B(in->db), case_id, &c);
  if (st != CRM_OK)
    return st;
  int64_t old_version = c.version;
  int from = c.status;
  c.version++;
  c.inbound_count++;
  c.updated_at = in->now;
  if (close) {
    c.status = CRM_CASE_CLOSED;
    c.resolved_at = in->now;
  }
  st = CRM__OPS(in->db)->case_update(CRM__B(in->db), &c, old_version);
  crm_case_row_clear(&c);
  if (st != CRM_OK || !close)
    return st;
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "case", case_id);
  json_object_set_string_member(o, "from", crm_case_status_name((crm_case_status_t)from));
  json_object_set_string_member(o, "to", crm_case_status_name(CRM_CASE_CLOSED));
  json_object_set_boolean_member(o, "reopen", FALSE);
  json_object_set_boolean_member(o, "auto", TRUE);
  return crm__event_emit(in->db, "case.status", "case", case_id, o);
}

static crm_status file_auto_generated(ingest *in, crm_id target, char *in_reply_to)
{
  int close = target == 0;
  if (close)
    CRM__TRY(create_case(&target, in));
  crm_interaction_row row;
  fill_row(&row, in, target, in_reply_to);
  CRM__TRY(CRM__OPS(in->db)->interaction_insert(CRM__B(in->db), &row, NULL));
  CRM__TRY(emit_recorded(in->db, &row));
  CRM__TRY(count_auto_generated(in, target, close));
  in->res.interaction = row.id;
  in->res.case_id = target;
  return CRM_OK;
}

static crm_status case_status(int *out, crm_db *db, crm_id case_id)
{
  crm_case_row c = {0};
  crm_status st = CRM__OPS(db)->case_get(CRM__B(db), case_id, &c);
  *out = st == CRM_OK ? c.status : 0;
  crm_case_row_clear(&c);
  return st;
}

/* A human message: the filing rules of crm_interaction_record apply. */
static crm_status file_normal(ingest *in, crm_id target, char *in_reply_to)
{
  int before = 0;
  if (target == 0)
    CRM__TRY(create_case(&target, in));
  else
    CRM__TRY(case_status(&before, in->db, target));
  crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
  spec.customer = in->res.customer;
  spec.case_id = target;
  spec.channel = CRM_CHANNEL_EMAIL;
  spec.direction = CRM_DIRECTION_INBOUND;
  spec.occurred_at = in->occurred_at;
  spec.subject = in->m->subject;
  spec.body = in->m->body;
  spec.external_ref = in->ref;
  spec.in_reply_to = in_reply_to;
  CRM__TRY(crm_interaction_record(&in->res.interaction, in->db, &spec));
  crm_interaction_row row = {0};
  CRM__TRY(crm__interaction_get(&row, in->db, in->res.interaction));
  in->res.case_id = row.case_id;
  crm_interaction_row_clear(&row);
  if (in->res.case_id != target)
    in->res.created_case = 1; /* a follow-up of a closed or long-resolved case */
  else if (before == CRM_CASE_RESOLVED)
    in->res.reopened = 1;
  return CRM_OK;
}

/* ------------------------------------------------------------------ */
/* what is stored besides the interaction                               */

static crm_status store_parts(ingest *in)
{
  crm_id id = 0;
  CRM__TRY(crm_interaction_attach(&id, in->db, in->res.interaction, "message.eml", "message/rfc822",
                                  in->raw, in->len));
  for (guint i = 0; i < in->m->parts->len; i++) {
    crm__mail_part *p = in->m->parts->pdata[i];
    gsize size = 0;
    const void *data = g_bytes_get_data(p->data, &size);
    CRM__TRY(crm_interaction_attach(&id, in->db, in->res.interaction, p->filename, p->media_type,
                                    size ? data : NULL, size));
  }
  return CRM_OK;
}

static crm_status store_participants(ingest *in, GPtrArray *addresses, const char *role)
{
  for (guint i = 0; i < addresses->len; i++) {
    char *norm = NULL;
    if (crm__email_normalize(&norm, addresses->pdata[i], role) != CRM_OK)
      continue; /* not an address we can record (undisclosed-recipients and the like) */
    crm_status st = crm_interaction_add_participant(in->db, in->res.interaction, CRM_IDENTITY_EMAIL,
                                                    norm, role);
    g_free(norm);
    CRM__TRY(st);
  }
  return CRM_OK;
}

static crm_status set_attr(ingest *in, const char *key, const char *value)
{
  char *full = g_strconcat("mail.", key, NULL);
  crm_status st = crm_interaction_set_attribute(in->db, in->res.interaction, full, value);
  g_free(full);
  return st;
}

static crm_status store_attributes(ingest *in)
{
  crm__mail_msg *m = in->m;
  CRM__TRY(set_attr(in, "digest", m->digest));
  if (m->message_id) {
    char *id = crm__mail_bracket_id(m->message_id);
    crm_status st = set_attr(in, "message_id", id);
    g_free(id);
    CRM__TRY(st);
  }
  if (m->quote_offset >= 0) {
    char *offset = g_strdup_printf("%lld", (long long)m->quote_offset);
    crm_status st = set_attr(in, "quote_offset", offset);
    g_free(offset);
    CRM__TRY(st);
  }
  GString *names = g_string_new(NULL);
  crm_status st = CRM_OK;
  for (guint i = 0; i < in->flags->len && st == CRM_OK; i++) {
    const char *name = in->flags->pdata[i];
    st = set_attr(in, name, g_hash_table_lookup(in->details, name));
    g_string_append_printf(names, "%s%s", i ? "," : "", name);
  }
  if (st == CRM_OK)
    st = set_attr(in, "flags", names->str);
  g_string_free(names, TRUE);
  return st;
}

/* ------------------------------------------------------------------ */
/* the flags of the parse                                               */

static void flag_parse(ingest *in)
{
  crm__mail_msg *m = in->m;
  crm_time received = in->opts->received_at ? in->opts->received_at : in->now;
  in->occurred_at = received;
  if (!m->has_date)
    flag(in, "date", "missing");
  else if (m->date < MAIL_EARLIEST_DATE || m->date > received + MAIL_MAX_CLOCK_SKEW)
    flag(in, "date", "implausible");
  else
    in->occurred_at = m->date;
  if (m->charsets->len)
    flag(in, "charset", m->charsets->str);
  if (m->parse_failed)
    flag(in, "malformed", "not a MIME message");
  else if (m->malformed->len)
    flag(in, "malformed", m->malformed->str);
  if (m->no_body)
    flag(in, "no_body", "1");
  if (m->html_only)
    flag(in, "html_only", "1");
  if (m->auto_reason)
    flag(in, "auto_generated", m->auto_reason);
  if (m->precedence)
    flag(in, "precedence", m->precedence);
  if (m->auto_reason || m->precedence)
    flag(in, "no_autoreply", "1");
}

static crm_status ingest_locked(ingest *in)
{
  if (in->opts->queue)
    CRM__TRY(crm__queue_exists(in->db, in->opts->queue));
  int dup = 0;
  CRM__TRY(check_duplicate(&dup, in));
  if (dup)
    return CRM_OK;
  flag_parse(in);
  CRM__TRY(ensure_sender(in));
  crm_id target = 0;
  CRM__TRY(thread_by_ids(&target, in));
  if (target == 0)
    CRM__TRY(thread_by_tag(&target, in));
  if (target == 0)
    in->res.rule = CRM_MAIL_NEW_CASE;
  in->res.auto_generated = in->m->auto_reason != NULL;
  char *in_reply_to =
      in->m->in_reply_to->len ? crm__mail_bracket_id(in->m->in_reply_to->pdata[0]) : NULL;
  crm_status st = in->res.auto_generated ? file_auto_generated(in, target, in_reply_to)
                                         : file_normal(in, target, in_reply_to);
  g_free(in_reply_to);
  CRM__TRY(st);
  CRM__TRY(store_attributes(in));
  CRM__TRY(store_participants(in, in->m->to, "to"));
  CRM__TRY(store_participants(in, in->m->cc, "cc"));
  return store_parts(in);
}

/* Zero the fields of the caller's result version. */
static crm_status reset_result(crm_mail_result *out)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK ||
      (st = crm__check_version(out->version, CRM_MAIL_RESULT_VERSION, "crm_mail_result")) != CRM_OK)
    return st;
  unsigned int version = out->version;
  memset(out, 0, sizeof *out);
  out->version = version;
  return CRM_OK;
}

crm_status crm_mail_ingest(crm_mail_result *out, crm_db *db, const void *raw, size_t len,
                           const crm_mail_options *opts)
{
  crm_status st;
  crm_mail_options o;
  if ((st = reset_result(out)) != CRM_OK || (st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_ptr(raw, "raw")) != CRM_OK ||
      (st = crm__mail_options_check(&o, opts)) != CRM_OK ||
      (st = crm__perm_admin(db, "ingest mail")) != CRM_OK)
    return st;
  if (len == 0)
    return crm__error(CRM_EINVALID, "the message is empty (0 bytes): there is nothing to file");
  ingest in = {db,
               &o,
               crm__mail_parse(raw, len),
               raw,
               len,
               crm_now(db),
               0,
               NULL,
               NULL,
               g_ptr_array_new_with_free_func(g_free),
               g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
               {CRM_MAIL_RESULT_VERSION, 0, 0, 0, 0, 0, 0, 0, 0}};
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = ingest_locked(&in);
  st = crm__write_end(db, st);
  if (st == CRM_OK) {
    in.res.version = out->version;
    *out = in.res;
  }
  crm__mail_msg_free(in.m);
  ingest_clear(&in);
  return st;
}
