/*
 * Internals of lib/mail: a parsed message (GMime does the parsing; this is
 * what libcrm keeps of it) and the helpers the mail files share.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_MAIL_INTERNAL_H
#define CRM_MAIL_INTERNAL_H

#include "internal.h"

/* Why a sender could not be used as an e-mail identity. */
typedef enum {
  CRM__SENDER_OK = 0,
  CRM__SENDER_MISSING,  /* no From:, Sender: or Reply-To: at all */
  CRM__SENDER_UNPARSED, /* a header, but no mailbox in it */
} crm__sender_state;

/* One attachment (or inline part that is not the body). */
typedef struct {
  char *filename;   /* UTF-8, never empty */
  char *media_type; /* "type/subtype", lower case */
  GBytes *data;
} crm__mail_part;

/* What libcrm keeps of one message. Every string is valid UTF-8. */
typedef struct {
  crm__sender_state sender;
  char *from_addr;    /* the mailbox's address as written (not validated) */
  char *from_name;    /* decoded display name; NULL: none */
  char *from_text;    /* the sender header's text; NULL: none */
  GPtrArray *to, *cc; /* char *: addresses as written */

  char *subject;          /* decoded; NULL: none */
  int has_date;           /* a Date: header was there */
  crm_time date;          /* 0: missing or unparseable */
  char *message_id;       /* without angle brackets; NULL: none */
  GPtrArray *in_reply_to; /* char *: ids without brackets */
  GPtrArray *references;  /* char *: ids without brackets, oldest first */

  char *body;          /* never NULL */
  gssize quote_offset; /* byte offset of the quoted history; -1: none */
  int html_only;       /* the body is the text of the HTML part */
  int no_body;         /* no text part at all */
  int parse_failed;    /* GMime found no message: the whole input is the body */

  char *auto_reason;  /* NULL: not auto-generated */
  char *precedence;   /* "bulk", "junk", "list"; NULL: none of them */
  GString *malformed; /* comma-separated parser findings ("" if none) */
  GString *charsets;  /* comma-separated unknown charsets ("" if none) */

  char digest[65];  /* hex SHA-256 over From, Date, Subject and body */
  GPtrArray *parts; /* crm__mail_part * */
} crm__mail_msg;

/* Initialise GMime and libxml2 once per process (thread-safe). */
void crm__mail_global_init(void);

/* Parse raw bytes (never fails: a broken message is flagged). */
crm__mail_msg *crm__mail_parse(const void *raw, size_t len);
void crm__mail_msg_free(crm__mail_msg *m);

/* The text of an HTML document (UTF-8 in, UTF-8 out; g_free). Blockquotes
   come out as "> " lines, script and style are dropped. */
char *crm__mail_html_to_text(const char *html, size_t len);

/* Hex SHA-256 of bytes into hex[65]. */
void crm__mail_sha256(char hex[65], const void *data, size_t len);

/* "<id>" for a bare message id (g_free). */
char *crm__mail_bracket_id(const char *id);

/* Lower-case e-mail addresses of the "helpdesk_addresses" setting. */
crm_status crm__mail_helpdesk_addresses(GPtrArray **out, crm_db *db);

/* Split the "subject_tag" setting around "%id" (g_free both). */
crm_status crm__mail_subject_tag(char **prefix, char **suffix, crm_db *db);

/* Check a crm_mail_options (NULL allowed) and fill *out with defaults applied. */
crm_status crm__mail_options_check(crm_mail_options *out, const crm_mail_options *opts);

#endif
