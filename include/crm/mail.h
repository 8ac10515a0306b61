/*
 * libcrm: e-mail ingestion, threading, replies and mailbox imports.
 *
 * crm_mail_ingest files one raw RFC 5322 message (parsed with GMime) as an
 * inbound interaction on channel email and says which rule filed it:
 *
 *  1. CRM_MAIL_DUPLICATE: the same message was ingested before (the same
 *     Message-ID and the same content digest, a SHA-256 over From, Date,
 *     Subject and body, never transport headers such as Received): nothing
 *     is written and the first result's ids are returned. A Message-ID
 *     reused with different content is a new message, flagged.
 *  2. CRM_MAIL_IN_REPLY_TO, CRM_MAIL_REFERENCES: In-Reply-To, then
 *     References (newest first) name a message already recorded: its case.
 *  3. CRM_MAIL_SUBJECT_TAG: the subject carries a case tag (the
 *     "subject_tag" setting, default "[#%id]") and the sender is an e-mail
 *     identity of that case's customer or a recorded participant of one of
 *     the case's interactions (helpdesk addresses excepted); a stranger's
 *     mail with a tag goes on to rule 4 (flagged "mail.subject_tag_rejected").
 *  4. CRM_MAIL_NEW_CASE: a new case for the sender's customer (found or
 *     created from From:, display name decoded).
 *
 * A message filed into a resolved case reopens it within the reopen
 * window, else opens a follow-up case (crm/interaction.h), exactly as
 * crm_interaction_record does.
 *
 * Auto-generated mail (Auto-Submitted other than "no", X-Autoreply,
 * X-Autorespond, multipart/report, a MAILER-DAEMON or postmaster sender) is
 * recorded with auto_generated = 1: it joins the case it threads to without
 * reopening it, changing its status or opening a follow-up (the case's
 * version and inbound count still go up by 1), and if it threads to none
 * it is filed into a new case created closed. `Precedence: bulk/junk/list`
 * alone files the mail normally. Both set the interaction attribute
 * "mail.no_autoreply" = "1": an application must not auto-reply to it.
 *
 * Nothing is lost: broken or missing headers, unknown charsets, malformed
 * MIME and empty bodies are filed and flagged; only empty input is refused.
 *
 * What an ingested interaction carries:
 *  - external_ref: the Message-ID in angle brackets ("<id@host>"); a reused
 *    Message-ID with other content gets "<id@host>#<12 hex digits of the
 *    digest>"; a message without one gets "<sha256-hex@digest.invalid>";
 *  - in_reply_to: the first In-Reply-To message id, if any;
 *  - subject (RFC 2047 decoded, UTF-8) and body: the first text/plain part
 *    (later inline text/plain parts appended), else the text of the HTML
 *    part; quoted history is kept, and "mail.quote_offset" gives the byte
 *    offset where it starts;
 *  - occurred_at: the Date: header when plausible (after 1990 and at most
 *    one day after receipt), else the receipt time;
 *  - participants: every To and Cc address (roles "to", "cc");
 *  - attachments: first "message.eml" (message/rfc822): the raw message
 *    byte for byte, so a later version can parse it again; then every
 *    attachment and inline part that is not the body, with its media type,
 *    file name (RFC 2231 / RFC 2047 decoded; "part-N" when it has none) and
 *    SHA-256;
 *  - attributes: "mail.digest" (hex SHA-256), "mail.message_id" (the
 *    Message-ID header, when there is one), "mail.flags" (a comma-separated
 *    list of what was wrong or notable, empty when nothing was) and, per
 *    flag, an attribute with details: "mail.no_message_id",
 *    "mail.message_id_reused", "mail.date" ("missing", "implausible"),
 *    "mail.sender" ("missing", "unparsed", "invalid"), "mail.charset"
 *    (unknown charsets), "mail.malformed" (what GMime's parser reported),
 *    "mail.no_body", "mail.html_only", "mail.auto_generated" (the reason),
 *    "mail.precedence", "mail.no_autoreply", "mail.subject_tag_rejected".
 *
 * A sender that cannot be parsed (or has no valid address) becomes a
 * customer with an external identity "mail-sender:<hex>" derived from the
 * From text (or, without one, from the digest), flagged "mail.sender".
 *
 * Permissions (crm/db.h): on a handle opened with an actor,
 * crm_mail_ingest and crm_mail_import_mbox / _maildir (intake into any
 * queue) need an admin, crm_mail_reply the rights of the case; otherwise
 * CRM_EPERM, writing nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_MAIL_H
#define CRM_MAIL_H

#include "buffer.h"
#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** Which rule filed a message (see above). @since 0.1 */
typedef enum {
  CRM_MAIL_DUPLICATE = 1,
  CRM_MAIL_IN_REPLY_TO,
  CRM_MAIL_REFERENCES,
  CRM_MAIL_SUBJECT_TAG,
  CRM_MAIL_NEW_CASE
} crm_mail_rule_t;

/** What crm_mail_ingest did. The caller sets `version`. @since 0.1 */
typedef struct {
  unsigned int version; /**< caller sets CRM_MAIL_RESULT_VERSION */
  crm_id interaction, case_id, customer;
  int created_case;     /**< 1: a new case (rule 4, or a follow-up) */
  int created_customer; /**< 1: the sender was not known */
  int reopened;         /**< 1: a resolved case was reopened */
  int auto_generated;   /**< 1: auto-generated mail (loop protection) */
  crm_mail_rule_t rule; /**< which rule filed it */
} crm_mail_result;
#define CRM_MAIL_RESULT_VERSION 1

/** Options of the mail functions; NULL means defaults. @since 0.1 */
typedef struct {
  unsigned int version;
  crm_time received_at; /**< 0: now (the handle's clock) */
  crm_id queue;         /**< queue for new cases; 0: none */
  /** crm_mail_reply's From: address; NULL: the first of the
      "helpdesk_addresses" setting */
  const char *from_address;
} crm_mail_options;
#define CRM_MAIL_OPTIONS_VERSION 1
#define CRM_MAIL_OPTIONS_INIT    CRM_STRUCT_INIT(CRM_MAIL_OPTIONS_VERSION)

/**
 * Initialise options to their defaults.
 * @return CRM_OK; CRM_EINVALID (NULL, unknown version)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_mail_options_init(crm_mail_options *opts, unsigned int version);

/**
 * File one raw RFC 5322 message, in one transaction.
 * @param out its version set by the caller; the other fields are filled
 *        (0 after a failure). A duplicate returns CRM_OK with rule =
 *        CRM_MAIL_DUPLICATE and the first ingestion's ids.
 * @param raw the message bytes (any charset, LF or CRLF line ends)
 * @param opts NULL: defaults (received now, no queue)
 * @return CRM_OK; CRM_EINVALID (NULL out/db/raw, unknown struct versions,
 *         empty input, negative received_at or queue); CRM_ENOTFOUND
 *         (opts->queue unknown). Appends "interaction.recorded" and the
 *         events of the customer, case, attribute, participant and
 *         attachment changes it makes.
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_mail_ingest(crm_mail_result *out, crm_db *db, const void *raw, size_t len,
                const crm_mail_options *opts);

/**
 * Compose the agent's reply to a case and record it as the case's outbound
 * e-mail interaction (a public reply: it counts for SLA first/next
 * response), in one transaction.
 *
 * From: opts->from_address, else the first "helpdesk_addresses" setting;
 * To: the customer's first e-mail identity; Subject: "Re: <case subject>"
 * with the case tag appended (unless already there); In-Reply-To and
 * References: the last inbound message of the case with a Message-ID;
 * a fresh Message-ID, which becomes the interaction's external_ref. The
 * message is stored as its "message.eml" attachment too.
 *
 * @param out_raw receives the RFC 5322 bytes (CRLF line ends) for the
 *        application to send; free with crm_buf_dispose
 * @param agent the replying agent; 0: none (the system)
 * @param body the text of the reply (UTF-8)
 * @return CRM_OK; CRM_EINVALID (NULL, bad UTF-8, no From address
 *         configured, a customer without an e-mail identity);
 *         CRM_ENOTFOUND (case or agent unknown)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_mail_reply(crm_buf *out_raw, crm_db *db, crm_id case_id, crm_id agent, const char *body,
               const crm_mail_options *opts);

/**
 * Counts of a mailbox import. The caller sets `version` and disposes of
 * `failures` with crm_buf_dispose (the import overwrites it without
 * freeing it first).
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  size_t filed;          /**< new messages filed (auto-generated ones included) */
  size_t duplicate;      /**< messages found already filed */
  size_t auto_generated; /**< of `filed`, how many were auto-generated */
  size_t failed;         /**< messages that could not be filed */
  /** one line per failed message: "<where>: <reason>\n" (where: the file
      name in a Maildir, "message N at byte B" in an mbox); empty if none */
  crm_buf failures;
} crm_mail_import_stats;
#define CRM_MAIL_IMPORT_STATS_VERSION 1

/**
 * Progress of an import: `done` messages of `total` (0: not known in
 * advance, as in an mbox). A non-zero return stops the import.
 * @since 0.1
 */
typedef int (*crm_progress_fn)(size_t done, size_t total, void *payload);

/**
 * Ingest every message of an mbox file (GMime's mbox parser), each in its
 * own transaction (crm_mail_ingest): one bad message never stops the
 * import; re-importing the same mailbox files nothing twice.
 * @param out its version set by the caller; filled also when the callback
 *        stops the import (the messages before the stop stay filed)
 * @param cb NULL: no progress reports
 * @return CRM_OK; CRM_EINVALID (NULL, unknown versions); CRM_ENOTFOUND (no
 *         such file); CRM_ERROR (unreadable); CRM_EUSER (cb stopped it)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_mail_import_mbox(crm_mail_import_stats *out, crm_db *db, const char *path,
                     const crm_mail_options *opts, crm_progress_fn cb, void *payload);

/**
 * Ingest every message of a Maildir (the files of new/ and cur/, in name
 * order), as crm_mail_import_mbox does; total is the number of files.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (neither new/ nor cur/
 *         exists under path); CRM_EUSER (cb stopped it)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_mail_import_maildir(crm_mail_import_stats *out, crm_db *db, const char *path,
                        const crm_mail_options *opts, crm_progress_fn cb, void *payload);

/** The rule's name ("duplicate", "in_reply_to", "references", "subject_tag",
    "new_case"), or NULL out of range. @since 0.1 */
CRM_EXTERN(const char *) crm_mail_rule_name(crm_mail_rule_t rule);

CRM_END_DECL

#endif
