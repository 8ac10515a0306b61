/*
 * Attachments: stored with their SHA-256, listed in order, read back byte
 * for byte (binary, NUL bytes, empty files), and every error path.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define SHA256_ABC   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static crm_id new_interaction(crm_test_db *t)
{
  crm_id customer = crm_test_customer(t->db, "fax@example.com");
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.channel = CRM_CHANNEL_FAX;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = "printed e-mail";
  crm_id id = 0;
  assert_crm_ok(crm_interaction_record(&id, t->db, &s));
  return id;
}

static crm_id attach(crm_test_db *t, crm_id ix, const char *name, const char *type,
                     const void *data, size_t len)
{
  crm_id id = 0;
  assert_crm_ok(crm_interaction_attach(&id, t->db, ix, name, type, data, len));
  assert_true(id > 0);
  return id;
}

static void assert_read_back(crm_test_db *t, crm_id att, const void *data, size_t len)
{
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_attachment_read(&buf, t->db, att));
  assert_int_equal(buf.size, len);
  assert_non_null(buf.ptr);
  if (len > 0)
    assert_memory_equal(buf.ptr, data, len);
  assert_int_equal(buf.ptr[len], '\0'); /* always terminated */
  crm_buf_dispose(&buf);
  assert_null(buf.ptr);
}

typedef struct {
  long rows, events;
} snapshot;

static snapshot take_snapshot(crm_test_db *t)
{
  snapshot s = {crm_test_count_all_rows(t), crm_test_count_events(t->db)};
  return s;
}

static void assert_unchanged(crm_test_db *t, snapshot before)
{
  assert_int_equal(crm_test_count_all_rows(t), before.rows);
  assert_int_equal(crm_test_count_events(t->db), before.events);
}

/* The payload of the newest event (parsed). */
static JsonObject *last_payload(crm_test_db *t)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  char *text = NULL;
  crm_event *ev = NULL;
  while (crm_event_next(&ev, it) == CRM_OK) {
    g_free(text);
    text = g_strdup(crm_event_payload(ev));
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  assert_non_null(text);
  JsonParser *parser = json_parser_new();
  assert_true(json_parser_load_from_data(parser, text, -1, NULL));
  JsonObject *o = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
  g_object_unref(parser);
  g_free(text);
  return o;
}

static void test_store_and_read(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = new_interaction(t);
  crm_id abc = attach(t, ix, "abc.txt", "text/plain", "abc", 3);
  assert_read_back(t, abc, "abc", 3);

  JsonObject *o = last_payload(t);
  assert_string_equal(crm_test_last_event_kind(t->db), "interaction.attachment");
  assert_int_equal(json_object_get_int_member(o, "interaction"), ix);
  assert_int_equal(json_object_get_int_member(o, "attachment"), abc);
  assert_string_equal(json_object_get_string_member(o, "filename"), "abc.txt");
  assert_string_equal(json_object_get_string_member(o, "media_type"), "text/plain");
  assert_int_equal(json_object_get_int_member(o, "size"), 3);
  assert_string_equal(json_object_get_string_member(o, "sha256"), SHA256_ABC);
  json_object_unref(o);
}

static void test_binary_and_empty(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = new_interaction(t);
  unsigned char bin[4096];
  for (size_t i = 0; i < sizeof bin; i++)
    bin[i] = (unsigned char)(i * 7 + (i >> 8)); /* every byte value, NULs included */
  bin[0] = 0;
  bin[sizeof bin - 1] = 0;
  crm_id b = attach(t, ix, "scan.tiff", "image/tiff", bin, sizeof bin);
  assert_read_back(t, b, bin, sizeof bin);

  crm_id e = attach(t, ix, "empty.dat", NULL, NULL, 0);
  assert_read_back(t, e, "", 0);
  crm_id e2 = attach(t, ix, "empty2.dat", NULL, "ignored", 0);
  assert_read_back(t, e2, "", 0);

  crm_attachment_iterator *it = NULL;
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, ix));
  crm_attachment *a = NULL;
  assert_crm_ok(crm_attachment_next(&a, it));
  assert_int_equal(crm_attachment_id(a), b);
  assert_int_equal(crm_attachment_size(a), sizeof bin);
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, bin, sizeof bin);
  assert_string_equal(crm_attachment_sha256(a), g_checksum_get_string(sum));
  g_checksum_free(sum);
  crm_attachment_free(a);
  assert_crm_ok(crm_attachment_next(&a, it));
  assert_int_equal(crm_attachment_id(a), e);
  assert_int_equal(crm_attachment_size(a), 0);
  assert_string_equal(crm_attachment_media_type(a), "application/octet-stream");
  assert_string_equal(crm_attachment_sha256(a), SHA256_EMPTY);
  crm_attachment_free(a);
  assert_crm_ok(crm_attachment_next(&a, it));
  assert_int_equal(crm_attachment_id(a), e2);
  crm_attachment_free(a);
  assert_int_equal(crm_attachment_next(&a, it), CRM_ITEROVER);
  assert_null(a);
  crm_attachment_iterator_free(it);
}

static void test_list_in_order(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = new_interaction(t);
  const char *names[] = {"order-card.pdf", "catalogue.jpg", "r\xc3\xa9ponse.txt"};
  const char *types[] = {"application/pdf", "IMAGE/JPEG", NULL};
  const char *want_types[] = {"application/pdf", "image/jpeg", "application/octet-stream"};
  crm_id ids[3];
  for (int i = 0; i < 3; i++)
    ids[i] = attach(t, ix, names[i], types[i], "abc", 3);

  crm_attachment_iterator *it = NULL;
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, ix));
  crm_attachment *a = NULL;
  int n = 0;
  crm_status st;
  while ((st = crm_attachment_next(&a, it)) == CRM_OK) {
    assert_true(n < 3);
    assert_int_equal(crm_attachment_id(a), ids[n]);
    assert_string_equal(crm_attachment_filename(a), names[n]);
    assert_string_equal(crm_attachment_media_type(a), want_types[n]);
    assert_int_equal(crm_attachment_size(a), 3);
    assert_string_equal(crm_attachment_sha256(a), SHA256_ABC);
    crm_attachment_free(a);
    n++;
  }
  assert_int_equal(st, CRM_ITEROVER);
  assert_int_equal(n, 3);
  crm_attachment_iterator_free(it);

  /* another interaction has none of them */
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = crm_test_customer(t->db, "other@example.com");
  s.channel = CRM_CHANNEL_NOTE;
  s.direction = CRM_DIRECTION_INTERNAL;
  crm_id other = 0;
  assert_crm_ok(crm_interaction_record(&other, t->db, &s));
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, other));
  assert_int_equal(crm_attachment_next(&a, it), CRM_ITEROVER);
  crm_attachment_iterator_free(it);

  /* getters on NULL */
  assert_int_equal(crm_attachment_id(NULL), 0);
  assert_null(crm_attachment_filename(NULL));
  assert_null(crm_attachment_media_type(NULL));
  assert_int_equal(crm_attachment_size(NULL), 0);
  assert_null(crm_attachment_sha256(NULL));
  crm_attachment_free(NULL);
  crm_attachment_iterator_free(NULL);
}

static void test_attach_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = new_interaction(t);
  crm_db *db = t->db;
  snapshot before = take_snapshot(t);
  crm_id id = 9;
  assert_crm_error(crm_interaction_attach(NULL, db, ix, "a", NULL, "x", 1), CRM_EINVALID, "out");
  assert_crm_error(crm_interaction_attach(&id, NULL, ix, "a", NULL, "x", 1), CRM_EINVALID, "db");
  assert_int_equal(id, 0);
  struct {
    crm_id ix;
    const char *name, *type;
    const void *data;
    size_t len;
    crm_status code;
    const char *needle;
  } bad[] = {
      {0, "a", NULL, "x", 1, CRM_EINVALID, "interaction"},
      {-1, "a", NULL, "x", 1, CRM_EINVALID, "-1"},
      {ix, NULL, NULL, "x", 1, CRM_EINVALID, "filename"},
      {ix, "", NULL, "x", 1, CRM_EINVALID, "filename"},
      {ix, "\xff\xfe", NULL, "x", 1, CRM_EINVALID, "UTF-8"},
      {ix, "a", "\xff\xfe", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "pdf", "x", 1, CRM_EINVALID, "'pdf'"},
      {ix, "a", "application/", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "/pdf", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "application/pdf/x", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "text/plain; charset=utf-8", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "text /plain", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", "text/pl\xc3\xa8in", "x", 1, CRM_EINVALID, "media_type"},
      {ix, "a", NULL, NULL, 1, CRM_EINVALID, "data"},
      {4711, "a", NULL, "x", 1, CRM_ENOTFOUND, "4711"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    id = 9;
    assert_crm_error(crm_interaction_attach(&id, db, bad[i].ix, bad[i].name, bad[i].type,
                                            bad[i].data, bad[i].len),
                     bad[i].code, bad[i].needle);
    assert_int_equal(id, 0);
  }
  assert_unchanged(t, before);
}

static void test_read_and_iterator_errors(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = new_interaction(t);
  crm_id att = attach(t, ix, "abc.txt", NULL, "abc", 3);
  crm_buf buf = {(char *)t, 5, 5};
  assert_crm_error(crm_attachment_read(NULL, t->db, att), CRM_EINVALID, "out");
  assert_crm_error(crm_attachment_read(&buf, NULL, att), CRM_EINVALID, "db");
  assert_null(buf.ptr);
  assert_int_equal(buf.size, 0);
  assert_crm_error(crm_attachment_read(&buf, t->db, 0), CRM_EINVALID, "attachment");
  assert_crm_error(crm_attachment_read(&buf, t->db, 999), CRM_ENOTFOUND, "999");
  assert_null(buf.ptr);

  crm_attachment_iterator *it = (crm_attachment_iterator *)t;
  assert_crm_error(crm_attachment_iterator_new(NULL, t->db, ix), CRM_EINVALID, "out");
  assert_crm_error(crm_attachment_iterator_new(&it, NULL, ix), CRM_EINVALID, "db");
  assert_null(it);
  it = (crm_attachment_iterator *)t;
  assert_crm_error(crm_attachment_iterator_new(&it, t->db, 0), CRM_EINVALID, "interaction");
  assert_null(it);
  it = (crm_attachment_iterator *)t;
  assert_crm_error(crm_attachment_iterator_new(&it, t->db, 888), CRM_ENOTFOUND, "888");
  assert_null(it);
  crm_attachment *a = (crm_attachment *)t;
  assert_crm_error(crm_attachment_next(&a, NULL), CRM_EINVALID, "iterator");
  assert_null(a);
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, ix));
  assert_crm_error(crm_attachment_next(NULL, it), CRM_EINVALID, "out");
  crm_attachment_iterator_free(it);
}

/* Closing the handle under a live iterator: next reports it, free is safe. */
static void test_iterator_outlives_handle(void **state)
{
  crm_test_db *t = *state;
  crm_id ix = new_interaction(t);
  attach(t, ix, "abc.txt", NULL, "abc", 3);
  crm_attachment_iterator *it = NULL;
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, ix));
  crm_close(t->db);
  t->db = NULL;
  crm_attachment *a = NULL;
  assert_crm_error(crm_attachment_next(&a, it), CRM_EINVALID, "closed");
  assert_null(a);
  crm_attachment_iterator_free(it);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
      T(test_store_and_read), T(test_binary_and_empty),         T(test_list_in_order),
      T(test_attach_errors),  T(test_read_and_iterator_errors), T(test_iterator_outlives_handle),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
