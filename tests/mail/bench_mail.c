/*
 * Mail ingestion throughput: a generated Maildir of 10k messages (a third
 * new threads, the rest replies by In-Reply-To, every tenth with an
 * attachment), ingested into a fresh SQLite file
 *   1. in batches of 500 per transaction (crm_begin/crm_commit), and
 *   2. by crm_mail_import_maildir (one transaction per message).
 * Prints "RESULT mail_msgs_per_sec=..." and "RESULT mail_import_msgs_per_sec=...".
 *
 *   bench_mail [--smoke]     (--smoke: 200 messages)
 *
 * SPDX-License-Identifier: MIT
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define BATCH 500

static void die(const char *what)
{
  fprintf(stderr, "bench_mail: %s: %s\n", what, crm_error_last()->message);
  exit(1);
}

static char *message(size_t i)
{
  GString *m = g_string_new(NULL);
  size_t customer = i % 997;
  g_string_append_printf(m,
                         "From: Customer %zu <customer%zu@example.com>\n"
                         "To: support@helpdesk.example\n"
                         "Subject: Question number %zu\n"
                         "Message-ID: <bench-%zu@example.com>\n"
                         "Date: Mon, 23 Feb 2026 10:%02zu:00 +0100\n"
                         "MIME-Version: 1.0\n",
                         customer, customer, i / 3, i, i % 60);
  if (i % 3 != 0)
    g_string_append_printf(m, "In-Reply-To: <bench-%zu@example.com>\n", i - i % 3);
  if (i % 10 == 0)
    g_string_append(m, "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
                       "Content-Type: text/plain; charset=utf-8\n\n");
  else
    g_string_append(m, "Content-Type: text/plain; charset=utf-8\n\n");
  for (int line = 0; line < 12; line++)
    g_string_append_printf(
        m, "Line %d of message %zu: the parcel did not arrive, gr\303\274\303\237e.\n", line, i);
  if (i % 10 == 0)
    g_string_append(m,
                    "\n--B\nContent-Type: application/pdf\n"
                    "Content-Disposition: attachment; filename=\"invoice.pdf\"\n"
                    "Content-Transfer-Encoding: base64\n\n"
                    "JVBERi0xLjQKJSBmYWtlIGludm9pY2UKMSAwIG9iaiA8PD4+IGVuZG9iagp0cmFpbGVyIDw8Pj4K\n"
                    "--B--\n");
  return g_string_free(m, FALSE);
}

static GPtrArray *make_maildir(const char *dir, size_t n)
{
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  char *sub = g_build_filename(dir, "new", NULL);
  g_mkdir_with_parents(sub, 0700);
  for (size_t i = 0; i < n; i++) {
    char *name = g_strdup_printf("%s/%010zu.M%zuP1.bench", sub, 1772000000 + i, i);
    char *m = message(i);
    if (!g_file_set_contents(name, m, -1, NULL)) {
      fprintf(stderr, "bench_mail: cannot write %s\n", name);
      exit(1);
    }
    g_free(m);
    g_ptr_array_add(files, name);
  }
  g_free(sub);
  return files;
}

static crm_db *open_db(const char *dir, const char *name)
{
  char *path = g_build_filename(dir, name, NULL);
  crm_db *db = NULL;
  if (crm_open(&db, path, NULL) != CRM_OK)
    die("crm_open");
  g_free(path);
  return db;
}

static double batched(const char *dir, GPtrArray *files)
{
  crm_db *db = open_db(dir, "batched.db");
  gint64 start = g_get_monotonic_time();
  for (guint i = 0; i < files->len; i++) {
    if (i % BATCH == 0 && crm_begin(db) != CRM_OK)
      die("crm_begin");
    char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(files->pdata[i], &data, &len, NULL))
      exit(1);
    crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
    if (crm_mail_ingest(&r, db, data, len, NULL) != CRM_OK)
      die("crm_mail_ingest");
    g_free(data);
    if ((i + 1) % BATCH == 0 || i + 1 == files->len)
      if (crm_commit(db) != CRM_OK)
        die("crm_commit");
  }
  double secs = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
  crm_close(db);
  return files->len / secs;
}

static double imported(const char *dir, size_t n)
{
  crm_db *db = open_db(dir, "import.db");
  crm_mail_import_stats s = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  gint64 start = g_get_monotonic_time();
  if (crm_mail_import_maildir(&s, db, dir, NULL, NULL, NULL) != CRM_OK)
    die("crm_mail_import_maildir");
  double secs = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
  if (s.filed != n) {
    fprintf(stderr, "bench_mail: filed %zu of %zu\n%s", s.filed, n, s.failures.ptr);
    exit(1);
  }
  crm_buf_dispose(&s.failures);
  crm_close(db);
  return n / secs;
}

static void rm_tree(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  if (d == NULL) {
    g_remove(path);
    return;
  }
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    char *p = g_build_filename(path, name, NULL);
    rm_tree(p);
    g_free(p);
  }
  g_dir_close(d);
  g_rmdir(path);
}

int main(int argc, char **argv)
{
  size_t n = argc > 1 && strcmp(argv[1], "--smoke") == 0 ? 200 : 10000;
  char *dir = g_dir_make_tmp("crm-bench-mail-XXXXXX", NULL);
  if (dir == NULL)
    return 1;
  GPtrArray *files = make_maildir(dir, n);
  double rate = batched(dir, files);
  double import_rate = imported(dir, n);
  printf("messages: %zu (batches of %d)\n", n, BATCH);
  printf("RESULT mail_msgs_per_sec=%.1f\n", rate);
  printf("RESULT mail_import_msgs_per_sec=%.1f\n", import_rate);
  g_ptr_array_unref(files);
  rm_tree(dir);
  g_free(dir);
  return 0;
}
