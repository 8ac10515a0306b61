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
  CRM_CUSTOMER_ERASED    /**< anonymised (set only by crm_customer_erase) */
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

CRM_END_DECL

#endif
