/*
 * Attachments of interactions: stored in the database with their SHA-256,
 * listed (metadata only) and read back byte for byte.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "interaction_internal.h"

#define DEFAULT_MEDIA_TYPE "application/octet-stream"

struct crm_attachment {
  crm_id id;
  char *filename, *media_type;
  size_t size;
  char sha256[65];
};

struct crm_attachment_iterator {
  crm__pager *pager;
};

/* ------------------------------------------------------------------ */
/* storing                                                              */

/* An RFC 2045 token character: printable ASCII except tspecials. */
static int is_token_char(char c)
{
  return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* A run of token characters from `s`; returns its length. */
static size_t token_length(const char *s)
{
  size_t n = 0;
  while (s[n] && is_token_char(s[n]))
    n++;
  return n;
}

/* "type/subtype" (no parameters), lower-cased into *out (g_free). */
static crm_status media_type_normalize(char **out, const char *media_type)
{
  *out = NULL;
  size_t type_len = token_length(media_type);
  const char *slash = media_type + type_len;
  size_t sub_len = *slash == '/' ? token_length(slash + 1) : 0;
  if (type_len == 0 || *slash != '/' || sub_len == 0 || slash[1 + sub_len] != '\0') {
    char *q = crm__quote(media_type);
    crm__error(CRM_EINVALID,
               "media_type %s is not a media type like \"application/pdf\" (type/subtype, "
               "no parameters)",
               q);
    g_free(q);
    return CRM_EINVALID;
  }
  *out = g_ascii_strdown(media_type, -1);
  return CRM_OK;
}

/* Lower-case hex SHA-256 of the bytes into hex (65 bytes with the NUL). */
static void sha256_hex(char hex[65], const void *data, size_t len)
{
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  const guchar *p = data;
  while (len > 0) { /* g_checksum_update takes a gssize */
    size_t chunk = len > (size_t)G_MAXINT32 ? (size_t)G_MAXINT32 : len;
    g_checksum_update(sum, p, (gssize)chunk);
    p += chunk;
    len -= chunk;
  }
  g_strlcpy(hex, g_checksum_get_string(sum), 65);
  g_checksum_free(sum);
}

static crm_status emit_attached(crm_db *db, const crm_attachment_row *row)
{
  JsonObject *o = json_object_new();
  crm__json_set_id(o, "interaction", row->interaction);
  crm__json_set_id(o, "attachment", row->id);
  json_object_set_string_member(o, "filename", row->filename);
  json_object_set_string_member(o, "media_type", row->media_type);
  json_object_set_int_member(o, "size", (gint64)row->size);
  json_object_set_string_member(o, "sha256", row->sha256);
  return crm__event_emit(db, "interaction.attachment", "interaction", row->interaction, o);
}

static crm_status attach_locked(crm_id *out, crm_db *db, crm_attachment_row *row)
{
  CRM__TRY(crm__interaction_exists(db, row->interaction));
  CRM__TRY(CRM__OPS(db)->attachment_insert(CRM__B(db), row));
  CRM__TRY(emit_attached(db, row));
  *out = row->id;
  return CRM_OK;
}

static crm_status check_attach_args(crm_db *db, crm_id interaction, const char *filename,
                                    const char *media_type, const void *data, size_t len)
{
  crm_status st;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(interaction, "interaction")) != CRM_OK ||
      (st = crm__check_text(filename, "filename", 1)) != CRM_OK ||
      (st = crm__check_text(media_type, "media_type", 0)) != CRM_OK)
    return st;
  if (data == NULL && len > 0)
    return crm__error(CRM_EINVALID, "data must not be NULL when len is %zu (NULL only for 0 bytes)",
                      len);
  return CRM_OK;
}

crm_status crm_interaction_attach(crm_id *out, crm_db *db, crm_id interaction, const char *filename,
                                  const char *media_type, const void *data, size_t len)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = 0;
  if ((st = check_attach_args(db, interaction, filename, media_type, data, len)) != CRM_OK)
    return st;
  char *type = NULL;
  if ((st = media_type_normalize(&type, media_type ? media_type : DEFAULT_MEDIA_TYPE)) != CRM_OK)
    return st;

  static const char empty[1] = {0};
  crm_attachment_row row = {0}; /* borrows every pointer: never cleared */
  row.interaction = interaction;
  row.filename = (char *)filename;
  row.media_type = type;
  row.size = len;
  row.data = (void *)(data ? data : empty);
  sha256_hex(row.sha256, data, len);

  crm_id id = 0;
  st = crm__write_begin(db);
  if (st == CRM_OK)
    st = crm__perm_interaction(db, interaction, CRM_ROLE_AGENT,
                               "attach a file to an interaction of");
  if (st == CRM_OK)
    st = attach_locked(&id, db, &row);
  st = crm__write_end(db, st);
  g_free(type);
  if (st == CRM_OK)
    *out = id;
  return st;
}

/* ------------------------------------------------------------------ */
/* reading                                                              */

crm_status crm_attachment_read(crm_buf *out, crm_db *db, crm_id attachment)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  out->ptr = NULL;
  out->size = out->reserved = 0;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(attachment, "attachment")) != CRM_OK)
    return st;
  crm_attachment_row row = {0};
  st = CRM__OPS(db)->attachment_get(CRM__B(db), attachment, &row);
  if (st == CRM_ENOTFOUND)
    st = crm__error(CRM_ENOTFOUND, "attachment %lld not found", (long long)attachment);
  if (st == CRM_OK)
    st = crm__perm_interaction(db, row.interaction, CRM_ROLE_AGENT, "read an attachment of");
  if (st == CRM_OK)
    st = crm__buf_set(out, row.data, row.size);
  crm_attachment_row_clear(&row);
  return st;
}

static int collect_attachment(const void *row, void *payload)
{
  const crm_attachment_row *r = row;
  crm_attachment *a = g_new0(crm_attachment, 1);
  a->id = r->id;
  a->filename = g_strdup(r->filename);
  a->media_type = g_strdup(r->media_type);
  a->size = r->size;
  g_strlcpy(a->sha256, r->sha256, sizeof a->sha256);
  g_ptr_array_add(payload, a);
  return 0;
}

static crm_status list_attachments(crm_db *db, crm_id interaction, GPtrArray *items)
{
  return CRM__OPS(db)->attachment_list(CRM__B(db), interaction, collect_attachment, items);
}

crm_status crm_attachment_iterator_new(crm_attachment_iterator **out, crm_db *db,
                                       crm_id interaction)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK)
    return st;
  *out = NULL;
  if ((st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_id(interaction, "interaction")) != CRM_OK ||
      (st = crm__interaction_exists(db, interaction)) != CRM_OK ||
      (st = crm__perm_interaction(db, interaction, CRM_ROLE_AGENT, "read an interaction of")) !=
          CRM_OK)
    return st;
  crm_attachment_iterator *it = g_new0(crm_attachment_iterator, 1);
  it->pager =
      crm__list_pager_new(db, interaction, list_attachments, (GDestroyNotify)crm_attachment_free);
  *out = it;
  return CRM_OK;
}

crm_status crm_attachment_next(crm_attachment **out, crm_attachment_iterator *it)
{
  if (it == NULL) {
    if (out)
      *out = NULL;
    return crm__error(CRM_EINVALID, "iterator must not be NULL");
  }
  return crm__pager_next((void **)out, it->pager);
}

void crm_attachment_iterator_free(crm_attachment_iterator *it)
{
  if (it == NULL)
    return;
  crm__pager_free(it->pager);
  g_free(it);
}

crm_id crm_attachment_id(const crm_attachment *a)
{
  return a ? a->id : 0;
}

const char *crm_attachment_filename(const crm_attachment *a)
{
  return a ? a->filename : NULL;
}

const char *crm_attachment_media_type(const crm_attachment *a)
{
  return a ? a->media_type : NULL;
}

size_t crm_attachment_size(const crm_attachment *a)
{
  return a ? a->size : 0;
}

const char *crm_attachment_sha256(const crm_attachment *a)
{
  return a ? a->sha256 : NULL;
}

void crm_attachment_free(crm_attachment *a)
{
  if (a == NULL)
    return;
  g_free(a->filename);
  g_free(a->media_type);
  g_free(a);
}
