/*
 * Mailbox imports: mbox (split by GMime's mbox parser) and Maildir (new/
 * and cur/). Each message is one crm_mail_ingest call, so one bad message
 * never stops an import, and re-importing files nothing twice.
 *
 * SPDX-License-Identifier: MIT
 */
#include <fcntl.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mail_internal.h"

typedef struct {
  crm_db *db;
  const crm_mail_options *opts;
  crm_progress_fn cb;
  void *payload;
  crm_mail_import_stats stats; /* failures unused: see `failures` */
  GString *failures;
  size_t done, total;
} import_state;

static crm_status reset_stats(crm_mail_import_stats *out)
{
  crm_status st;
  if ((st = crm__check_ptr(out, "out")) != CRM_OK ||
      (st = crm__check_version(out->version, CRM_MAIL_IMPORT_STATS_VERSION,
                               "crm_mail_import_stats")) != CRM_OK)
    return st;
  unsigned int version = out->version;
  memset(out, 0, sizeof *out);
  out->version = version;
  return CRM_OK;
}

static crm_status check_import_args(crm_mail_import_stats *out, crm_db *db, const char *path,
                                    crm_mail_options *o, const crm_mail_options *opts)
{
  crm_status st;
  if ((st = reset_stats(out)) != CRM_OK || (st = crm__db_check(db)) != CRM_OK ||
      (st = crm__check_text(path, "path", 1)) != CRM_OK ||
      (st = crm__mail_options_check(o, opts)) != CRM_OK ||
      (st = crm__perm_admin(db, "import mail")) != CRM_OK)
    return st;
  return CRM_OK;
}

static void import_init(import_state *s, crm_db *db, const crm_mail_options *opts,
                        crm_progress_fn cb, void *payload)
{
  memset(s, 0, sizeof *s);
  s->db = db;
  s->opts = opts;
  s->cb = cb;
  s->payload = payload;
  s->failures = g_string_new(NULL);
}

static void add_failure(import_state *s, const char *where, const char *why)
{
  s->stats.failed++;
  g_string_append_printf(s->failures, "%s: %s\n", where, why);
}

/* One more message handled; CRM_EUSER when the callback says stop. */
static crm_status count_done(import_state *s)
{
  s->done++;
  if (s->cb && s->cb(s->done, s->total, s->payload) != 0)
    return crm__error(CRM_EUSER, "the progress callback stopped the import after %zu message(s)",
                      s->done);
  return CRM_OK;
}

/* File one message and count it; CRM_EUSER when the callback says stop. */
static crm_status import_one(import_state *s, const char *where, const void *raw, size_t len)
{
  crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
  crm_status st = crm_mail_ingest(&r, s->db, raw ? raw : "", len, s->opts);
  if (st != CRM_OK)
    add_failure(s, where, crm_error_last()->message);
  else if (r.rule == CRM_MAIL_DUPLICATE)
    s->stats.duplicate++;
  else {
    s->stats.filed++;
    s->stats.auto_generated += r.auto_generated != 0;
  }
  return count_done(s);
}

/* Hand the counts to the caller (also after CRM_EUSER: they are committed). */
static crm_status import_finish(crm_mail_import_stats *out, import_state *s, crm_status st)
{
  if (st == CRM_OK || st == CRM_EUSER) {
    unsigned int version = out->version;
    *out = s->stats;
    out->version = version;
    if (s->failures->len) {
      crm_status copied = crm__buf_set(&out->failures, s->failures->str, s->failures->len);
      if (copied != CRM_OK)
        st = copied;
    }
  }
  g_string_free(s->failures, TRUE);
  return st;
}

static crm_status file_error(const char *path, GError *err)
{
  crm_status code =
      err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_NOENT ? CRM_ENOTFOUND : CRM_ERROR;
  char *q = crm__quote(path);
  crm__error(code, "cannot read %s: %s", q, err->message);
  g_free(q);
  g_error_free(err);
  return code;
}

/* ------------------------------------------------------------------ */
/* mbox                                                                 */

/* The start of the next "From " line after `at`; len if none. */
static size_t next_from_line(const char *data, size_t at, size_t len)
{
  const char *hit = at < len ? g_strstr_len(data + at, (gssize)(len - at), "\nFrom ") : NULL;
  return hit ? (size_t)(hit - data) + 1 : len;
}

/*
 * The messages of data[base..len) with a fresh GMime mbox parser. Each
 * message's bytes are sliced from the mapped file at the offsets the parser
 * reports, so they are filed exactly as stored. *resume receives where to
 * go on after a message GMime could not parse (filed as text), or len.
 */
static crm_status import_mbox_from(size_t *resume, size_t *index, import_state *s,
                                   GMimeStream *file, const char *data, size_t base, size_t len)
{
  *resume = len;
  GMimeStream *sub = g_mime_stream_substream(file, (gint64)base, (gint64)len);
  GMimeParser *parser = g_mime_parser_new_with_stream(sub);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
  crm_status st = CRM_OK;
  while (st == CRM_OK && !g_mime_parser_eos(parser)) {
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    /* offsets are the file's: a substream keeps its parent's positions */
    size_t begin =
        (size_t)MAX(0, msg ? g_mime_parser_get_headers_begin(parser) : g_mime_parser_tell(parser));
    size_t end = msg ? (size_t)MAX(0, g_mime_parser_tell(parser)) : 0;
    if (msg == NULL) {
      if (begin >= len || *index == 0)
        break; /* the end, or no mbox at all */
      end = *resume = next_from_line(data, begin, len);
    }
    if (msg)
      g_object_unref(msg);
    begin = MIN(begin, len);
    end = MIN(MAX(end, begin), len);
    char *where = g_strdup_printf("message %zu at byte %zu", ++*index, begin);
    st = import_one(s, where, data + begin, end - begin);
    g_free(where);
    if (msg == NULL)
      break;
  }
  g_object_unref(parser);
  g_object_unref(sub);
  return st;
}

static crm_status import_mbox_stream(import_state *s, GMimeStream *file, const char *data,
                                     size_t len)
{
  size_t base = 0, index = 0, resume = len;
  crm_status st = CRM_OK;
  do {
    st = import_mbox_from(&resume, &index, s, file, data, base, len);
    if (resume <= base)
      break; /* no progress: never loop */
    base = resume;
  } while (st == CRM_OK && base < len);
  if (st == CRM_OK && index == 0 && len > 0)
    add_failure(s, "mbox", "no message found (an mbox starts with a \"From \" line)");
  return st;
}

crm_status crm_mail_import_mbox(crm_mail_import_stats *out, crm_db *db, const char *path,
                                const crm_mail_options *opts, crm_progress_fn cb, void *payload)
{
  crm_mail_options o;
  crm_status st = check_import_args(out, db, path, &o, opts);
  if (st != CRM_OK)
    return st;
  GError *err = NULL;
  GMappedFile *map = g_mapped_file_new(path, FALSE, &err);
  if (map == NULL)
    return file_error(path, err);
  crm__mail_global_init();
  import_state s;
  import_init(&s, db, &o, cb, payload);
  const char *data = g_mapped_file_get_contents(map);
  size_t len = g_mapped_file_get_length(map);
  GMimeStream *stream = g_mime_stream_fs_open(path, O_RDONLY, 0, &err);
  if (stream == NULL)
    st = file_error(path, err);
  else {
    st = import_mbox_stream(&s, stream, data ? data : "", len);
    g_object_unref(stream);
  }
  g_mapped_file_unref(map);
  return import_finish(out, &s, st);
}

/* ------------------------------------------------------------------ */
/* Maildir                                                              */

/* The message files of one Maildir subdirectory (dot files skipped). */
static int list_dir(GPtrArray *files, const char *maildir, const char *sub)
{
  char *dir = g_build_filename(maildir, sub, NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
      if (name[0] != '.')
        g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
  }
  g_free(dir);
  return d != NULL;
}

/* Delivery order: Maildir names start with the delivery time. */
static gint by_basename(gconstpointer a, gconstpointer b)
{
  char *x = g_path_get_basename(*(char *const *)a), *y = g_path_get_basename(*(char *const *)b);
  gint c = strcmp(x, y);
  g_free(x);
  g_free(y);
  return c;
}

static crm_status import_files(import_state *s, GPtrArray *files)
{
  crm_status st = CRM_OK;
  for (guint i = 0; i < files->len && st == CRM_OK; i++) {
    char *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    char *where = g_path_get_basename(files->pdata[i]);
    if (!g_file_get_contents(files->pdata[i], &data, &len, &err)) {
      add_failure(s, where, err->message);
      g_error_free(err);
      st = count_done(s);
    } else {
      st = import_one(s, where, data, len);
    }
    g_free(where);
    g_free(data);
  }
  return st;
}

crm_status crm_mail_import_maildir(crm_mail_import_stats *out, crm_db *db, const char *path,
                                   const crm_mail_options *opts, crm_progress_fn cb, void *payload)
{
  crm_mail_options o;
  crm_status st = check_import_args(out, db, path, &o, opts);
  if (st != CRM_OK)
    return st;
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  int found = list_dir(files, path, "new");
  found |= list_dir(files, path, "cur");
  if (!found) {
    g_ptr_array_unref(files);
    char *q = crm__quote(path);
    crm__error(CRM_ENOTFOUND, "%s is not a Maildir (it has neither new/ nor cur/)", q);
    g_free(q);
    return CRM_ENOTFOUND;
  }
  g_ptr_array_sort(files, by_basename);
  import_state s;
  import_init(&s, db, &o, cb, payload);
  s.total = files->len;
  st = import_files(&s, files);
  g_ptr_array_unref(files);
  return import_finish(out, &s, st);
}
