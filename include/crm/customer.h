/*
 * libcrm: customers, their identities, attributes and contact preferences.
 *
 * A customer is recognised by identities: (kind, normalised value) pairs
 * that belong to exactly one customer. Normalisation:
 *  - email: an RFC 5322 addr-spec (dot-atom or quoted local part; the
 *    domain may be an IDN in UTF-8), lower-cased, surrounding blanks
 *    trimmed; "Name <addr>" is not accepted here.
 *  - phone: E.164 ("+390212345678"). Accepted input: "+" or "00" followed
 *    by the country code, or a national number in the handle's
 *    default_phone_region (see crm_phone_normalize for the regions known);
 *    spaces, dots, dashes, slashes and parentheses are ignored.
 *  - external (member or contract number), social handle, postal address:
 *    trimmed of surrounding blanks, inner runs of blanks folded to one;
 *    social handles are lower-cased.
 *
 * On a handle opened with an actor (crm/db.h, "Permissions"), calls that
 * read or change a customer's data return CRM_EPERM, writing nothing,
 * unless the agent can see one of the customer's cases or the customer has
 * none: crm_customer_lookup, _update, _set_attribute, crm_identity_add /
 * _remove / _iterator_new, crm_customer_set_preference(_ext),
 * crm_customer_may_contact, crm_preference_iterator_new,
 * crm_customer_duplicates (which skips duplicates the agent cannot see),
 * crm_customer_merge (both customers), crm_customer_unmerge (the
 * survivor). crm_customer_export(_ext), crm_customer_erase and
 * crm_db_compact are for admins. crm_customer_create, _ensure, _find and
 * crm_identity_normalize are open to every agent (taking a call from a new
 * person).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_CUSTOMER_H
#define CRM_CUSTOMER_H

#include "buffer.h"
#include "common.h"
#include "types.h"

CRM_BEGIN_DECL

/** Kinds of identity. @since 0.1 */
typedef enum {
  CRM_IDENTITY_EMAIL = 1,
  CRM_IDENTITY_PHONE,
  CRM_IDENTITY_EXTERNAL,
  CRM_IDENTITY_SOCIAL,
  CRM_IDENTITY_POSTAL
} crm_identity_kind_t;

/** Customer status. @since 0.1 */
typedef enum {
  CRM_CUSTOMER_ACTIVE = 1,
  CRM_CUSTOMER_INACTIVE, /**< e.g. a cancelled contract; still a customer */
  CRM_CUSTOMER_ERASED,   /**< anonymised (set only by crm_customer_erase) */
  CRM_CUSTOMER_MERGED    /**< merged into another customer (set only by crm_customer_merge;
                              crm_customer_unmerge restores the status it had) */
} crm_customer_status_t;

/**
 * Create a customer with no identity.
 * @param display_name UTF-8, not empty
 * @return CRM_OK; CRM_EINVALID (NULL/empty name, invalid UTF-8); CRM_EBUSY;
 *         CRM_ERROR. Appends "customer.created".
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_customer_create(crm_id *out, crm_db *db, const char *display_name);

/**
 * Find the customer owning identity (kind, value), or create one with that
 * identity. `display_name` NULL derives a name from the identity (the
 * e-mail's local part, the phone number, ...); it is ignored when the
 * customer already exists.
 * @param created receives 1 if a customer was created, else 0 (may be NULL)
 * @return CRM_OK; CRM_EINVALID (bad kind, value or UTF-8); CRM_EBUSY; CRM_ERROR
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_ensure(crm_id *out, int *created, crm_db *db, crm_identity_kind_t kind,
                    const char *value, const char *display_name);

/**
 * Find the customer owning identity (kind, value) (the value is normalised
 * first).
 * @return CRM_OK; CRM_ENOTFOUND; CRM_EINVALID (bad kind, value or UTF-8)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_find(crm_id *out, crm_db *db, crm_identity_kind_t kind, const char *value);

/**
 * Give a customer one more identity. Adding an identity the customer
 * already has is a no-op.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such customer);
 *         CRM_EEXISTS (the identity belongs to another customer, named in
 *         the message). Appends "customer.identity_added".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_identity_add(crm_db *db, crm_id customer, crm_identity_kind_t kind, const char *value);

/**
 * Remove one of a customer's identities.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such customer, or the
 *         customer has no such identity). Appends "customer.identity_removed".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_identity_remove(crm_db *db, crm_id customer, crm_identity_kind_t kind, const char *value);

/**
 * Normalise an identity value as the library stores it, without touching
 * the database (the handle gives the default phone region; db may be NULL
 * for kinds other than national phone numbers).
 * @return CRM_OK; CRM_EINVALID (message says what is wrong with the value)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_identity_normalize(crm_buf *out, crm_db *db, crm_identity_kind_t kind, const char *value);

/**
 * Normalise a phone number to E.164. `region` is an ISO 3166 alpha-2 code
 * used for national numbers (may be NULL when the number is international).
 * Known regions and their trunk prefix: IT (+39, keeps the leading 0),
 * SM (+378), VA (+39), DE (+49, 0), AT (+43, 0), CH (+41, 0), FR (+33, 0),
 * BE (+32, 0), NL (+31, 0), LU (+352), ES (+34), PT (+351), IE (+353, 0),
 * GB (+44, 0), US and CA (+1, 1), SE (+46, 0), DK (+45), NO (+47),
 * FI (+358, 0), PL (+48), GR (+30).
 * @return CRM_OK; CRM_EINVALID (unknown region, not a phone number)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_phone_normalize(crm_buf *out, const char *number, const char *region);

/** The customer status name ("active", "inactive", "erased"), NULL if out of range. @since 0.1 */
CRM_EXTERN(const char *) crm_customer_status_name(crm_customer_status_t status);

/** The identity kind's name ("email", "phone", ...), NULL if out of range. @since 0.1 */
CRM_EXTERN(const char *) crm_identity_kind_name(crm_identity_kind_t kind);

/**
 * Iterate a customer's identities, oldest first.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such customer)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_identity_iterator_new(crm_identity_iterator **out, crm_db *db, crm_id customer);
/**
 * Next identity (owned: free with crm_identity_free).
 * @return CRM_OK; CRM_ITEROVER at the end; CRM_EINVALID (NULL argument)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_identity_next(crm_identity **out, crm_identity_iterator *it);
CRM_EXTERN(void) crm_identity_iterator_free(crm_identity_iterator *it);
CRM_EXTERN(crm_identity_kind_t) crm_identity_kind(const crm_identity *identity);
/** The normalised value. @since 0.1 */
CRM_EXTERN(const char *) crm_identity_value(const crm_identity *identity);
CRM_EXTERN(crm_id) crm_identity_customer(const crm_identity *identity);
CRM_EXTERN(void) crm_identity_free(crm_identity *identity);

/**
 * Read a customer (owned: free with crm_customer_free).
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_customer_lookup(crm_customer **out, crm_db *db, crm_id id);
CRM_EXTERN(crm_id) crm_customer_id(const crm_customer *c);
CRM_EXTERN(const char *) crm_customer_name(const crm_customer *c);
/** NULL when not set (also for the other optional text getters). @since 0.1 */
CRM_EXTERN(const char *) crm_customer_organization(const crm_customer *c);
CRM_EXTERN(const char *) crm_customer_language(const crm_customer *c);
CRM_EXTERN(const char *) crm_customer_timezone(const crm_customer *c);
CRM_EXTERN(const char *) crm_customer_segment(const crm_customer *c);
CRM_EXTERN(crm_customer_status_t) crm_customer_status(const crm_customer *c);
CRM_EXTERN(crm_time) crm_customer_created_at(const crm_customer *c);
CRM_EXTERN(crm_time) crm_customer_updated_at(const crm_customer *c);
CRM_EXTERN(int64_t) crm_customer_version(const crm_customer *c);
/** The value of free attribute `key`, NULL if not set. @since 0.1 */
CRM_EXTERN(const char *) crm_customer_attribute(const crm_customer *c, const char *key);
CRM_EXTERN(void) crm_customer_free(crm_customer *c);

/**
 * Fields to change in crm_customer_update: NULL (or 0 for status) leaves a
 * field unchanged; "" clears an optional field.
 * @since 0.1
 */
typedef struct {
  unsigned int version;
  const char *display_name; /**< not empty */
  const char *organization;
  const char *language;         /**< a BCP 47 tag such as "it" or "pt-BR" */
  const char *timezone;         /**< an IANA zone such as "Europe/Rome" */
  const char *segment;          /**< free text: "gold", "smb", ... */
  crm_customer_status_t status; /**< ACTIVE or INACTIVE; 0: unchanged */
} crm_customer_update_spec;

#define CRM_CUSTOMER_UPDATE_SPEC_VERSION 1
#define CRM_CUSTOMER_UPDATE_SPEC_INIT    CRM_STRUCT_INIT(CRM_CUSTOMER_UPDATE_SPEC_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL spec or unknown version). @since 0.1 */
CRM_EXTERN(crm_status)
crm_customer_update_spec_init(crm_customer_update_spec *spec, unsigned int version);

/**
 * Change a customer's fields. A change that sets every field to its current
 * value is a no-op (no event, no new version).
 * @param expected_version the version the caller read; 0: any
 * @return CRM_OK; CRM_EINVALID (bad field value, UTF-8 or status);
 *         CRM_ENOTFOUND; CRM_ECONFLICT (the customer changed since
 *         expected_version). Appends "customer.updated".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_update(crm_db *db, crm_id id, const crm_customer_update_spec *spec,
                    int64_t expected_version);

/**
 * Set a free attribute (key and value UTF-8; NULL value removes it).
 * Changes the customer's version. Setting the current value is a no-op.
 * @return CRM_OK; CRM_EINVALID (NULL/empty key, bad UTF-8); CRM_ENOTFOUND.
 *         Appends "customer.attribute".
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_set_attribute(crm_db *db, crm_id id, const char *key, const char *value);

/**
 * Record whether the customer may be contacted on `channel` for `purpose`
 * ("service", "marketing", "billing" or any free text). Appends a
 * "customer.preference" event (an outbound mailing tool consumes it).
 * @return CRM_OK; CRM_EINVALID (bad channel, empty purpose, bad UTF-8);
 *         CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_set_preference(crm_db *db, crm_id customer, crm_channel_t channel, const char *purpose,
                            int allowed);

/**
 * May the customer be contacted on `channel` for `purpose`? 1 unless a
 * preference says otherwise; always 0 for an erased customer.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_may_contact(int *out_allowed, crm_db *db, crm_id customer, crm_channel_t channel,
                         const char *purpose);

/* ------------------------------------------------------------------ */
/* customer lifecycle: merged ids, preferences with provenance,        */
/* duplicates, merge and unmerge, export, erasure                       */

/**
 * The id that was asked for when crm_customer_lookup was given the id of
 * a customer merged into another one: the lookup then returns the
 * survivor (crm_customer_id) and says so here. 0 when the customer was
 * read under its own id.
 * @since 0.1
 */
CRM_EXTERN(crm_id) crm_customer_resolved_from(const crm_customer *c);

typedef struct crm_preference crm_preference;
typedef struct crm_preference_iterator crm_preference_iterator;

/**
 * crm_customer_set_preference with the preference's provenance: `source`
 * says where the answer came from ("phone call 2026-03-02", "web form",
 * "letter"; NULL: not recorded). The time is the handle's clock.
 * Appends "customer.preference" (with source).
 * @return CRM_OK; CRM_EINVALID (bad channel, empty purpose, bad UTF-8, an
 *         erased customer); CRM_ENOTFOUND (no such customer, or one merged
 *         into another: the message names the survivor)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_set_preference_ext(crm_db *db, crm_id customer, crm_channel_t channel,
                                const char *purpose, int allowed, const char *source);

/**
 * Iterate the contact preferences recorded for a customer, by (channel,
 * purpose). A merged customer's id lists the survivor's.
 * @return CRM_OK; CRM_EINVALID; CRM_ENOTFOUND (no such customer)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_preference_iterator_new(crm_preference_iterator **out, crm_db *db, crm_id customer);
/**
 * Next preference (owned: free with crm_preference_free).
 * @return CRM_OK; CRM_ITEROVER at the end; CRM_EINVALID (NULL argument)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_preference_next(crm_preference **out, crm_preference_iterator *it);
CRM_EXTERN(void) crm_preference_iterator_free(crm_preference_iterator *it);
CRM_EXTERN(crm_channel_t) crm_preference_channel(const crm_preference *p);
CRM_EXTERN(const char *) crm_preference_purpose(const crm_preference *p);
/** 1: may be contacted, 0: may not. @since 0.1 */
CRM_EXTERN(int) crm_preference_allowed(const crm_preference *p);
/** Where the answer came from; NULL when not recorded. @since 0.1 */
CRM_EXTERN(const char *) crm_preference_source(const crm_preference *p);
CRM_EXTERN(crm_time) crm_preference_updated_at(const crm_preference *p);
CRM_EXTERN(void) crm_preference_free(crm_preference *p);

/** Why two customers look like one person. @since 0.1 */
typedef enum {
  /** the same E.164 number (a phone identity, or a social or external
      identity such as "whatsapp:+39 333 1234567") */
  CRM_DUPLICATE_PHONE = 1,
  /** the same mailbox at an alias domain: gmail.com and googlemail.com,
      dots and "+suffix" in the local part ignored */
  CRM_DUPLICATE_EMAIL_ALIAS,
  /** the same display name and organisation, ignoring case and runs of blanks */
  CRM_DUPLICATE_NAME_ORGANIZATION,
  /** the same postal address, ignoring case, punctuation and runs of blanks */
  CRM_DUPLICATE_POSTAL
} crm_duplicate_reason_t;

/** The reason's name ("phone", "email_alias", "name_organization", "postal"), NULL if out of
    range. @since 0.1 */
CRM_EXTERN(const char *) crm_duplicate_reason_name(crm_duplicate_reason_t reason);

typedef struct crm_duplicate crm_duplicate;
typedef struct crm_duplicate_iterator crm_duplicate_iterator;

/**
 * List the customers that are likely the same person as `customer`, best
 * score first (then by id). Every customer has match keys (normalised
 * phone numbers, alias-folded mailboxes, name + organisation, postal
 * address) kept up to date as identities and fields change; candidates
 * are found through an index on those keys, never by comparing every
 * customer. Merged and erased customers are never listed. A merged
 * customer's id lists the survivor's duplicates.
 * @return CRM_OK; CRM_EINVALID (NULL, bad id); CRM_ENOTFOUND (no such customer)
 * @since 0.1
 */
CRM_EXTERN(crm_status)
crm_customer_duplicates(crm_duplicate_iterator **out, crm_db *db, crm_id customer);
/**
 * Next likely duplicate (owned: free with crm_duplicate_free).
 * @return CRM_OK; CRM_ITEROVER at the end; CRM_EINVALID (NULL argument)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_duplicate_next(crm_duplicate **out, crm_duplicate_iterator *it);
CRM_EXTERN(void) crm_duplicate_iterator_free(crm_duplicate_iterator *it);
/** The other customer. @since 0.1 */
CRM_EXTERN(crm_id) crm_duplicate_customer(const crm_duplicate *d);
/** The strongest reason they matched. @since 0.1 */
CRM_EXTERN(crm_duplicate_reason_t) crm_duplicate_reason(const crm_duplicate *d);
/** Every reason they matched: bits (1u << crm_duplicate_reason_t). @since 0.1 */
CRM_EXTERN(uint32_t) crm_duplicate_reasons(const crm_duplicate *d);
/** How likely they are one person, 1..99 (several reasons add up). @since 0.1 */
CRM_EXTERN(int) crm_duplicate_score(const crm_duplicate *d);
CRM_EXTERN(void) crm_duplicate_free(crm_duplicate *d);

/**
 * Merge customer `merged` into `survivor`, as one change with one record
 * that crm_customer_unmerge can undo:
 *  - identities, cases and interactions of `merged` move to `survivor`
 *    (each case's version goes up);
 *  - contact preferences and free attributes move too; where both have
 *    one (same channel and purpose, same key) the survivor's wins and the
 *    loser's value is kept in the merge record, except that a refusal
 *    beats a consent whichever side it is on: when the loser refused what
 *    the survivor allowed, the loser's refusal (with its source and time)
 *    becomes the survivor's and the survivor's consent is kept in the
 *    merge record (it counts as moved, not kept);
 *  - `merged` keeps its row with status CRM_CUSTOMER_MERGED: looking it
 *    up (crm_customer_lookup, crm_customer_may_contact, the preference
 *    and duplicate iterators, crm_customer_export) reads the survivor,
 *    and crm_customer_resolved_from says so; changing it (identities,
 *    fields, attributes, preferences, new cases or interactions) fails
 *    with CRM_ENOTFOUND naming the survivor;
 *  - both customers' versions go up;
 *  - appends one "customer.merged" event (entity: the survivor) with
 *    survivor, merged, merge (the merge's id), moved {identities, cases,
 *    interactions, preferences, attributes: counts} and kept
 *    {preferences, attributes: counts of the loser's values the
 *    survivor's beat}.
 * @return CRM_OK; CRM_EINVALID (NULL db, bad ids, survivor == merged, an
 *         erased customer, a customer already merged into another: the
 *         message names its survivor); CRM_ENOTFOUND (no such customer)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_customer_merge(crm_db *db, crm_id survivor, crm_id merged);

/**
 * Undo the merge that made `merged` part of another customer: what the
 * merge moved goes back (identities, cases and interactions still with
 * the survivor; the loser's preferences and attributes as they were, and
 * the survivor's consents a refusal of the loser replaced, unless the
 * survivor's preference changed since the merge),
 * what was added to either customer since stays with the survivor, and
 * `merged` gets back the status it had. Merges undo last-in first-out.
 * Appends one "customer.unmerged" event (entity: the survivor) with
 * survivor, merged, merge and restored {identities, cases, interactions,
 * preferences, attributes: counts}.
 * @return CRM_OK; CRM_EINVALID (NULL db, bad id, a customer that is not
 *         merged, an erased survivor); CRM_ENOTFOUND (no such customer);
 *         CRM_ECONFLICT (a later merge involves the survivor: the message
 *         names it; unmerge that one first)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_customer_unmerge(crm_db *db, crm_id merged);

/** Options of crm_customer_export_ext (NULL: defaults). @since 0.1 */
typedef struct {
  unsigned int version;
  int attachment_content; /**< 1: each attachment's bytes as base64 ("content") */
} crm_customer_export_options;

#define CRM_CUSTOMER_EXPORT_OPTIONS_VERSION 1
#define CRM_CUSTOMER_EXPORT_OPTIONS_INIT    CRM_STRUCT_INIT(CRM_CUSTOMER_EXPORT_OPTIONS_VERSION)

/** @return CRM_OK; CRM_EINVALID (NULL opts or unknown version). @since 0.1 */
CRM_EXTERN(crm_status)
crm_customer_export_options_init(crm_customer_export_options *opts, unsigned int version);

/**
 * Everything stored about a person as one JSON document (UTF-8 text in
 * *out_json, owned by the caller: crm_buf_dispose). Format
 * "libcrm.customer-export", version 1; members:
 *  - "format", "format_version" (1), "exported_at" (epoch seconds);
 *  - "customer": id, display_name, organization, language, timezone,
 *    segment (null: unset), status (name), created_at, updated_at,
 *    version, attributes (object key -> value);
 *  - "identities": [{kind, value, created_at}], oldest first;
 *  - "preferences": [{channel, purpose, allowed (bool), source,
 *    updated_at}], by channel and purpose;
 *  - "cases": [{id, subject, kind, status, priority, queue, assignee,
 *    created_at, updated_at, resolved_at, version, inbound_count,
 *    transfer_count, reopen_count, csat: null or {score, comment},
 *    tags: [..], links: [{from, kind, to, created_at}]}], by id;
 *  - "interactions": [{id, case, agent, channel, direction, outcome,
 *    occurred_at, recorded_at, subject, body, external_ref, in_reply_to,
 *    attributes: {..}, participants: [{kind, value, role}],
 *    attachments: [{id, filename, media_type, size, sha256, and with
 *    attachment_content the bytes as base64 in "content"}]}], by id;
 *  - "merges": [{id, survivor, merged, created_at, undone_at (null: in
 *    force)}] the customer took part in;
 *  - "events": [{seq, time, actor, kind, entity, entity_id, payload
 *    (object)}] of the customer, its cases and its interactions, by seq.
 * Ids and times are numbers, enums their names, absent values null.
 * Later versions only add members. A merged customer's id exports the
 * survivor (whose document holds what was merged into it).
 * @return CRM_OK; CRM_EINVALID (NULL, bad id, bad options); CRM_ENOTFOUND
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_customer_export(crm_buf *out_json, crm_db *db, crm_id customer);
/** crm_customer_export with options. @since 0.1 */
CRM_EXTERN(crm_status)
crm_customer_export_ext(crm_buf *out_json, crm_db *db, crm_id customer,
                        const crm_customer_export_options *opts);

/**
 * Erase a person (privacy law): anonymise in place every free text stored
 * for them: the customer's fields and attributes, identities (removed),
 * preference sources, case subjects and CSAT comments, interaction
 * subjects, bodies, references, attribute values, participants,
 * attachment names and contents (the raw mail too), the payloads of the
 * events of the customer, its cases and interactions, the customers
 * merged into it and their merge records, and the person's addresses
 * where they were a participant of someone else's interaction. Cases,
 * their counters, statuses, times, SLA figures, channels and CSAT scores
 * stay, so reports do not change. The status becomes CRM_CUSTOMER_ERASED
 * and crm_customer_may_contact answers 0 from then on. Appends one
 * "customer.erased" event with customer, reason and erased
 * {merged_customers, identities, cases, interactions, attachments,
 * participants, events: counts}, no personal data (`reason` must not
 * hold any either: "GDPR request 2026-17"). Erased texts read "(erased)";
 * participants "(erased N)"; attachments become empty files named
 * "erased-<id>"; external references and in-reply-to are cleared.
 * After the commit the store is compacted (crm_db_compact) so that no
 * byte of the old texts remains in its files; inside crm_begin the
 * caller runs crm_db_compact after crm_commit. A compaction that cannot
 * run now (readers holding old pages) is logged, not an error: the
 * erasure is committed; run crm_db_compact later.
 * Erasing an erased customer again only compacts.
 * @param reason UTF-8, not empty
 * @return CRM_OK; CRM_EINVALID (NULL db or reason, bad id or UTF-8, a
 *         customer merged into another: erase the survivor);
 *         CRM_ENOTFOUND (no such customer)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_customer_erase(crm_db *db, crm_id customer, const char *reason);

/**
 * Make content deleted or overwritten by committed changes unrecoverable
 * from the store's files (SQLite: secure_delete is always on, and this
 * merges each search index into one segment, so that no old token stays,
 * then checkpoints the WAL and truncates it; PostgreSQL: nothing to do
 * per call, rows no longer hold the old values). Outside crm_begin only.
 * Also worth running after a bulk import on SQLite: the search indexes
 * are then merged once instead of by the writes that follow.
 * @return CRM_OK; CRM_EINVALID (NULL or closed db, inside crm_begin);
 *         CRM_EBUSY (another connection still reads old pages: retry)
 * @since 0.1
 */
CRM_EXTERN(crm_status) crm_db_compact(crm_db *db);

CRM_END_DECL

#endif
