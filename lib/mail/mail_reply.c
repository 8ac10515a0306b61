/*
 * crm_mail_reply: compose an agent's reply with GMime, record it as the
 * case's outbound e-mail interaction, return the RFC 5322 bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <gmime/gmime.h>

#include "interaction_internal.h"
#include "mail_internal.h"

typedef struct {
  crm_db *db;
  crm_id case_id, agent;
  const char *body;
  const crm_mail_options *opts;
  crm_case_row c;   /* the case */
  char *from;       /* normalised From address */
  char *to;         /* the customer's first e-mail identity */
  char *to_name;    /* the customer's display name */
  char *subject;    /* "Re: ... [#id]" */
  char *parent_ref; /* external_ref of the last inbound message with a Message-ID */
  char *parent_id;  /* its Message-ID, "<...>" */
  char *message_id; /* ours, "<...>" */
  char *raw;        /* the composed message */
  size_t raw_len;
} reply;

static void reply_clear(reply *r)
{
  crm_case_row_clear(&r->c);
  g_free(r->from);
  g_free(r->to);
  g_free(r->to_name);
  g_free(r->subject);
  g_free(r->parent_ref);
  g_free(r->parent_id);
  g_free(r->message_id);
  g_free(r->raw);
}

/* ------------------------------------------------------------------ */
/* who, what, to which message                                          */

static crm_status resolve_from(reply *r)
{
  if (r->opts->from_address)
    return crm__email_normalize(&r->from, r->opts->from_address, "from_address");
  GPtrArray *helpdesk = NULL;
  CRM__TRY(crm__mail_helpdesk_addresses(&helpdesk, r->db));
  if (helpdesk->len)
    r->from = g_strdup(helpdesk->pdata[0]);
  g_ptr_array_unref(helpdesk);
  if (r->from == NULL)
    return crm__error(CRM_EINVALID, "no From address for the reply: set opts->from_address or "
                                    "the \"helpdesk_addresses\" setting");
  return CRM_OK;
}

static int first_email(const void *row, void *payload)
{
  const crm_identity_row *id = row;
  if (id->kind != CRM_IDENTITY_EMAIL)
    return 0;
  *(char **)payload = g_strdup(id->value);
  return 1; /* stop */
}

static crm_status resolve_to(reply *r)
{
  crm_status st = CRM__OPS(r->db)->identity_list(CRM__B(r->db), r->c.customer, first_email, &r->to);
  if (st == CRM_EUSER)
    st = CRM_OK; /* we stopped at the first */
  if (st != CRM_OK)
    return st;
  if (r->to == NULL)
    return crm__error(CRM_EINVALID, "customer %lld of case %lld has no e-mail identity to reply to",
                      (long long)r->c.customer, (long long)r->case_id);
  crm_customer_row cust = {0};
  st = CRM__OPS(r->db)->customer_get(CRM__B(r->db), r->c.customer, &cust);
  if (st == CRM_OK && cust.display_name && *cust.display_name)
    r->to_name = g_strdup(cust.display_name);
  crm_customer_row_clear(&cust);
  return st;
}

/* "Re: <subject> <tag>", without piling up "Re:" or tags. */
static crm_status make_subject(reply *r)
{
  char *prefix = NULL, *suffix = NULL;
  CRM__TRY(crm__mail_subject_tag(&prefix, &suffix, r->db));
  char *tag = g_strdup_printf("%s%lld%s", prefix, (long long)r->case_id, suffix);
  const char *s = r->c.subject ? r->c.subject : "";
  while (g_ascii_strncasecmp(s, "re:", 3) == 0) {
    s += 3;
    while (*s == ' ')
      s++;
  }
  r->subject = strstr(s, tag) ? g_strdup_printf("Re: %s", s) : g_strdup_printf("Re: %s %s", s, tag);
  g_free(tag);
  g_free(prefix);
  g_free(suffix);
  return CRM_OK;
}

typedef struct {
  GArray *ids; /* inbound e-mail interactions, newest first */
  crm_time last_time;
  crm_id last_id;
  guint rows;
} inbound_page;

static int collect_inbound(const void *row, void *payload)
{
  const crm_interaction_row *ix = row;
  inbound_page *p = payload;
  if (ix->channel == CRM_CHANNEL_EMAIL && ix->direction == CRM_DIRECTION_INBOUND)
    g_array_append_val(p->ids, ix->id);
  p->last_time = ix->occurred_at;
  p->last_id = ix->id;
  p->rows++;
  return 0;
}

/* If interaction `id` carries a Message-ID, it is the parent; an
   auto-generated message (an out-of-office, a bounce) never is: the reply
   answers the customer. */
static crm_status try_parent(reply *r, crm_id id)
{
  crm_interaction *ix = NULL;
  CRM__TRY(crm_interaction_lookup(&ix, r->db, id));
  const char *mid = crm_interaction_attribute(ix, "mail.message_id");
  int automatic = crm_interaction_attribute(ix, "mail.auto_generated") != NULL;
  if (mid && crm_interaction_external_ref(ix) && !automatic) {
    r->parent_id = g_strdup(mid);
    r->parent_ref = g_strdup(crm_interaction_external_ref(ix));
  }
  crm_interaction_free(ix);
  return CRM_OK;
}

/* The newest inbound message of the case that has a Message-ID and was
   written by a person. */
static crm_status find_parent(reply *r)
{
  inbound_page page = {g_array_new(FALSE, FALSE, sizeof(crm_id)), 0, 0, 0};
  crm_status st = CRM_OK;
  while (st == CRM_OK && r->parent_id == NULL) {
    g_array_set_size(page.ids, 0);
    page.rows = 0;
    st = CRM__OPS(r->db)->timeline(CRM__B(r->db), 0, r->case_id, page.last_time, page.last_id,
                                   CRM__PAGE_SIZE, collect_inbound, &page);
    for (guint i = 0; st == CRM_OK && i < page.ids->len && r->parent_id == NULL; i++)
      st = try_parent(r, g_array_index(page.ids, crm_id, i));
    if (page.rows < CRM__PAGE_SIZE)
      break;
  }
  g_array_unref(page.ids);
  return st;
}

/* ------------------------------------------------------------------ */
/* composing                                                            */

static void set_ids(reply *r, GMimeMessage *msg)
{
  const char *domain = strrchr(r->from, '@');
  char *id = g_mime_utils_generate_message_id(domain ? domain + 1 : "localhost");
  g_mime_message_set_message_id(msg, id);
  r->message_id = crm__mail_bracket_id(id);
  g_free(id);
  if (r->parent_id) {
    g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", r->parent_id, NULL);
    g_mime_object_set_header(GMIME_OBJECT(msg), "References", r->parent_id, NULL);
  }
}

static void compose(reply *r, crm_time now)
{
  crm__mail_global_init();
  GMimeMessage *msg = g_mime_message_new(TRUE);
  g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, NULL, r->from);
  g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, r->to_name, r->to);
  g_mime_message_set_subject(msg, r->subject, "utf-8");
  GDateTime *date = g_date_time_new_from_unix_utc(now);
  g_mime_message_set_date(msg, date);
  g_date_time_unref(date);
  set_ids(r, msg);
  GMimeTextPart *text = g_mime_text_part_new_with_subtype("plain");
  g_mime_text_part_set_text(text, r->body);
  g_mime_message_set_mime_part(msg, GMIME_OBJECT(text));
  g_object_unref(text);
  g_mime_object_encode(GMIME_OBJECT(msg), GMIME_ENCODING_CONSTRAINT_7BIT);
  GMimeFormatOptions *fo = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
  r->raw = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
  r->raw_len = strlen(r->raw);
  g_mime_format_options_free(fo);
  g_object_unref(msg);
}

/* ------------------------------------------------------------------ */
/* recording                                                            */

static crm_status record(reply *r)
{
  crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
  spec.customer = r->c.customer;
  spec.case_id = r->case_id;
  spec.channel = CRM_CHANNEL_EMAIL;
  spec.direction = CRM_DIRECTION_OUTBOUND;
  spec.agent = r->agent;
  spec.subject = r->subject;
  spec.body = r->body;
  spec.external_ref = r->message_id;
  spec.in_reply_to = r->parent_ref;
  crm_id ix = 0, attachment = 0;
  CRM__TRY(crm_interaction_record(&ix, r->db, &spec));
  /* the digest lets a copy of this very message (a Bcc to the helpdesk)
     be recognised as a duplicate when a mailbox is imported */
  crm__mail_msg *parsed = crm__mail_parse(r->raw, r->raw_len);
  crm_status st = crm_interaction_set_attribute(r->db, ix, "mail.digest", parsed->digest);
  crm__mail_msg_free(parsed);
  if (st == CRM_OK)
    st = crm_interaction_set_attribute(r->db, ix, "mail.message_id", r->message_id);
  if (st == CRM_OK)
    st = crm_interaction_attach(&attachment, r->db, ix, "message.eml", "message/rfc822", r->raw,
                                r->raw_len);
  return st;
}

static crm_status reply_locked(reply *r)
{
  crm_status st = CRM__OPS(r->db)->case_get(CRM__B(r->db), r->case_id, &r->c);
  if (st == CRM_ENOTFOUND)
    return crm__error(CRM_ENOTFOUND, "case %lld does not exist", (long long)r->case_id);
  CRM__TRY(st);
  if (r->agent)
    CRM__TRY(crm__agent_exists(r->db, r->agent));
  CRM__TRY(resolve_from(r));
  CRM__TRY(resolve_to(r));
  CRM__TRY(make_subject(r));
  CRM__TRY(find_parent(r));
  compose(r, crm_now(r->db));
  return record(r);
}

crm_status crm_mail_reply(crm_buf *out_raw, crm_db *db, crm_id case_id, crm_id agent,
                          const char *body, const crm_mail_options *opts)
{
  crm_status st;
  if ((st = crm__check_ptr(out_raw, "out_raw")) != CRM_OK)
    return st;
  out_raw->ptr = NULL;
  out_raw->size = out_raw->reserved = 0;
  crm_mail_options o;
  if ((st = crm__db_check(db)) != CRM_OK || (st = crm__check_id(case_id, "case")) != CRM_OK ||
      (st = crm__check_text(body, "body", 0)) != CRM_OK ||
      (st = crm__check_ptr(body, "body")) != CRM_OK ||
      (st = crm__mail_options_check(&o, opts)) != CRM_OK)
    return st;
  if (agent < 0)
    return crm__error(CRM_EINVALID, "agent id %lld is not valid (0: none, or an id > 0)",
                      (long long)agent);
  reply r = {.db = db, .case_id = case_id, .agent = agent, .body = body, .opts = &o};
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_case(db, case_id, CRM_ROLE_AGENT, "reply by mail in");
  if (st == CRM_OK)
    st = reply_locked(&r);
  st = crm__write_end(db, st);
  if (st == CRM_OK)
    st = crm__buf_set(out_raw, r.raw, r.raw_len);
  reply_clear(&r);
  return st;
}
