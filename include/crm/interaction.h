/*
 * libcrm: interactions, one per contact on any channel.
 *
 * Invariant: every inbound interaction belongs to a case. Recorded with
 * case_id = 0 it is filed by the library: into the case of the interaction
 * named by in_reply_to if there is one, else into a new case whose subject
 * is the interaction's (or "<channel> contact" when it has none). Filing an
 * inbound contact into a case counts it (crm_case_inbound_count, any
 * outcome), moves a pending_customer case to open, reopens a resolved case
 * within the "reopen_window" setting, and otherwise (a resolved case after
 * the window, or a closed case) opens a new case linked follow_up_of the
 * old one and files the contact there. Nothing inbound is ever dropped.
 *
 * On a handle opened with an actor (crm/db.h, "Permissions"), an
 * interaction is read and changed under its case's rights (one outside
 * cases: its customer's): crm_interaction_lookup, _move (both cases),
 * _set_attribute, _add_participant, _attach, crm_attachment_read,
 * crm_participant_iterator_new and crm_attachment_iterator_new return
 * CRM_EPERM, writing nothing, when the agent is not a member of the case's
 * queue. crm_interaction_record into a given case needs that case's
 * rights; filed by the library, it is refused (and undone) when it lands
 * in a case the agent may not write.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_INTERACTION_H
#define CRM_INTERACTION_H

#include "buffer.h"
#include "common.h"
#include "customer.h"
#include "types.h"

CRM_BEGIN_DECL

/** Direction of a contact. @since 0.1 */
typedef enum {
  CRM_DIRECTION_INBOUND = 1,
  CRM_DIRECTION_OUTBOUND, /**< a public reply: counts for SLA */
  CRM_DIRECTION_INTERNAL  /**< a note the customer never sees */
} crm_direction_t;

/**
 * Outcome of a synchronous contact (phone, ivr, chat, in_person); other
 * channels take CRM_OUTCOME_NONE only.
 * @since 0.1
 */
typedef enum {
  CRM_OUTCOME_NONE = 0,
  CRM_OUTCOME_ANSWERED,
  CRM_OUTCOME_BUSY,
  CRM_OUTCOME_ABANDONED,
  CRM_OUTCOME_VOICEMAIL,
  CRM_OUTCOME_MISSED
} crm_outcome_t;

/** What to record. @since 0.1 */
typedef struct {
  unsigned int version;
  crm_id customer; /**< required */
  crm_id case_id;  /**< 0: the library files it (inbound), or none (outbound/internal
                        without in_reply_to) */
  crm_channel_t channel;
  crm_direction_t direction;
  crm_outcome_t outcome;
  crm_time occurred_at;       /**< when it happened (postmark, call start); 0: now */
  crm_id agent;               /**< 0: none */
  const char *subject, *body; /**< UTF-8 or NULL */
  const char *external_ref;   /**< Message-ID, call id...: unique per channel */
  const char *in_reply_to;    /**< an external_ref this answers */
} crm_interaction_spec;

#define CRM_INTERACTION_SPEC_VERSION 1
#define CRM_INTERACTION_SPEC_INIT    CRM_STRUCT_INIT(CRM_INTERACTION_SPEC_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL spec or unknown version). @since 0.1 */
CRM_EXTERN(crm_status) crm_interaction_spec_init(crm_interaction_spec *spec, unsigned int version);

/**
 * Record one contact.
 * @param out receives the new interaction's id; with CRM_EEXISTS, the id of
 *        the interaction already recorded with that external_ref
 * @return CRM_OK; CRM_EINVALID (NULL, out-of-range channel/direction/
 *         outcome, an outcome on an asynchronous channel, a note that is not
 *         internal, bad UTF-8, negative occurred_at); CRM_ENOTFOUND (customer,
 *         case or agent unknown); CRM_EEXISTS (external_ref already recorded
 *         on this channel: nothing written). Appends "interaction.recorded"
 *         (and "case.created"/"case.status"/"case.linked" when filing does so).
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_interaction_record(crm_id *out, crm_db *db, const crm_interaction_spec *spec);

/**
 * Read an interaction (owned: free with crm_interaction_free).
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_interaction_lookup(crm_interaction **out, crm_db *db, crm_id id);

/**
 * Move an interaction to another case (a wrong threading fixed by hand).
 * Both cases' versions change; inbound counts move with it. Moving to the
 * case it is in is a no-op.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (interaction or case).
 *         Appends "interaction.moved" naming both cases.
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_interaction_move(crm_db *db, crm_id interaction, crm_id to_case);

/**
 * Set a free attribute ("ivr_depth", "duration", ...); NULL value removes.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND. Appends "interaction.attribute".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_interaction_set_attribute(crm_db *db, crm_id interaction, const char *key, const char *value);

/**
 * Record a participant (cc/to/from... identity) of an interaction. The
 * value is normalised like an identity of that kind; the same participant
 * and role twice is a no-op.
 * @param role free text such as "cc", "to", "bcc", "from"; not empty
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND. Appends "interaction.participant".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_interaction_add_participant(crm_db *db, crm_id interaction, crm_identity_kind_t kind,
                                const char *value, const char *role);

/**
 * Store an attachment in the database, with its SHA-256.
 * @param filename UTF-8, not empty; media_type like "application/pdf"
 *        (NULL: "application/octet-stream"); data may be NULL only if len is 0
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND. Appends "interaction.attachment".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_interaction_attach(crm_id *out, crm_db *db, crm_id interaction, const char *filename,
                       const char *media_type, const void *data, size_t len);

/**
 * Read an attachment's bytes into `out`.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_attachment_read(crm_buf *out, crm_db *db, crm_id attachment);

/* Getters: borrow from the object. */
CRM_EXTERN(crm_id) crm_interaction_id(const crm_interaction *ix);
CRM_EXTERN(crm_id) crm_interaction_case(const crm_interaction *ix); /**< 0: none */
CRM_EXTERN(crm_id) crm_interaction_customer(const crm_interaction *ix);
CRM_EXTERN(crm_id) crm_interaction_agent(const crm_interaction *ix); /**< 0: none */
CRM_EXTERN(crm_channel_t) crm_interaction_channel(const crm_interaction *ix);
CRM_EXTERN(crm_direction_t) crm_interaction_direction(const crm_interaction *ix);
CRM_EXTERN(crm_outcome_t) crm_interaction_outcome(const crm_interaction *ix);
CRM_EXTERN(crm_time) crm_interaction_occurred_at(const crm_interaction *ix);
CRM_EXTERN(crm_time) crm_interaction_recorded_at(const crm_interaction *ix);
CRM_EXTERN(const char *) crm_interaction_subject(const crm_interaction *ix);      /**< NULL: none */
CRM_EXTERN(const char *) crm_interaction_body(const crm_interaction *ix);         /**< NULL: none */
CRM_EXTERN(const char *) crm_interaction_external_ref(const crm_interaction *ix); /**< NULL: none */
CRM_EXTERN(const char *) crm_interaction_in_reply_to(const crm_interaction *ix);  /**< NULL: none */
/** The value of free attribute `key`, NULL if not set. @since 0.1 */
CRM_EXTERN(const char *) crm_interaction_attribute(const crm_interaction *ix, const char *key);
CRM_EXTERN(void) crm_interaction_free(crm_interaction *ix);

/** Names of the enums ("inbound", "busy", ...); NULL out of range. @since 0.1 */
CRM_EXTERN(const char *) crm_direction_name(crm_direction_t direction);
CRM_EXTERN(const char *) crm_outcome_name(crm_outcome_t outcome);

/**
 * Iterate an interaction's participants in the order recorded.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_participant_iterator_new(crm_participant_iterator **out, crm_db *db, crm_id interaction);
/** @return CRM_OK; CRM_ITEROVER; CRM_EINVALID. The participant is owned. @since 0.1 */
CRM_EXTERN(crm_status) crm_participant_next(crm_participant **out, crm_participant_iterator *it);
CRM_EXTERN(void) crm_participant_iterator_free(crm_participant_iterator *it);
CRM_EXTERN(crm_identity_kind_t) crm_participant_kind(const crm_participant *p);
CRM_EXTERN(const char *) crm_participant_value(const crm_participant *p);
CRM_EXTERN(const char *) crm_participant_role(const crm_participant *p);
CRM_EXTERN(void) crm_participant_free(crm_participant *p);

/**
 * Iterate an interaction's attachments (metadata only) in the order stored.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_attachment_iterator_new(crm_attachment_iterator **out, crm_db *db, crm_id interaction);
/** @return CRM_OK; CRM_ITEROVER; CRM_EINVALID. The attachment is owned. @since 0.1 */
CRM_EXTERN(crm_status) crm_attachment_next(crm_attachment **out, crm_attachment_iterator *it);
CRM_EXTERN(void) crm_attachment_iterator_free(crm_attachment_iterator *it);
CRM_EXTERN(crm_id) crm_attachment_id(const crm_attachment *a);
CRM_EXTERN(const char *) crm_attachment_filename(const crm_attachment *a);
CRM_EXTERN(const char *) crm_attachment_media_type(const crm_attachment *a);
CRM_EXTERN(size_t) crm_attachment_size(const crm_attachment *a);
/** Lower-case hex SHA-256 of the content (64 characters). @since 0.1 */
CRM_EXTERN(const char *) crm_attachment_sha256(const crm_attachment *a);
CRM_EXTERN(void) crm_attachment_free(crm_attachment *a);

CRM_END_DECL

#endif
