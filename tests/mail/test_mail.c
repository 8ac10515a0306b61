/*
 * Mail ingestion (crm/mail.h): the corpus in tests/data/mail with the
 * expected result of every message, the threading rules in order, the
 * duplicate path, loop protection, never-lost messages, replies, mbox and
 * Maildir imports, and every error path.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define HOUR ((crm_time)3600)
#define DAY  (24 * HOUR)

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static char *read_message(const char *name, gsize *len)
{
  char *path = g_build_filename(MAIL_DATA_DIR, name, NULL);
  char *data = NULL;
  GError *err = NULL;
  if (!g_file_get_contents(path, &data, len, &err))
    fail_msg("cannot read %s: %s", path, err->message);
  g_free(path);
  return data;
}

static crm_mail_result ingest_bytes(crm_test_db *t, const void *raw, size_t len,
                                    const crm_mail_options *opts)
{
  crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
  assert_crm_ok(crm_mail_ingest(&r, t->db, raw, len, opts));
  assert_true(r.interaction > 0);
  assert_true(r.case_id > 0);
  assert_true(r.customer > 0);
  return r;
}

static crm_mail_result ingest(crm_test_db *t, const char *name)
{
  gsize len = 0;
  char *raw = read_message(name, &len);
  crm_mail_result r = ingest_bytes(t, raw, len, NULL);
  g_free(raw);
  return r;
}

static crm_interaction *lookup(crm_test_db *t, crm_id id)
{
  crm_interaction *ix = NULL;
  assert_crm_ok(crm_interaction_lookup(&ix, t->db, id));
  return ix;
}

static crm_case *case_lookup(crm_test_db *t, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  return c;
}

static int64_t inbound_count(crm_test_db *t, crm_id id)
{
  crm_case *c = case_lookup(t, id);
  int64_t n = crm_case_inbound_count(c);
  crm_case_free(c);
  return n;
}

/* The interaction's attribute (copied), NULL if unset. */
static char *attribute(crm_test_db *t, crm_id ix_id, const char *key)
{
  crm_interaction *ix = lookup(t, ix_id);
  char *v = g_strdup(crm_interaction_attribute(ix, key));
  crm_interaction_free(ix);
  return v;
}

static void assert_attribute(crm_test_db *t, crm_id ix_id, const char *key, const char *want)
{
  char *v = attribute(t, ix_id, key);
  if (want == NULL)
    assert_null(v);
  else {
    assert_non_null(v);
    assert_string_equal(v, want);
  }
  g_free(v);
}

typedef struct {
  size_t count;
  char *name[8], *media_type[8], *sha256[8];
  size_t size[8];
} attachment_list;

static void attachments(attachment_list *out, crm_test_db *t, crm_id ix)
{
  memset(out, 0, sizeof *out);
  crm_attachment_iterator *it = NULL;
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, ix));
  crm_attachment *a = NULL;
  while (crm_attachment_next(&a, it) == CRM_OK) {
    if (out->count < 8) {
      out->name[out->count] = g_strdup(crm_attachment_filename(a));
      out->media_type[out->count] = g_strdup(crm_attachment_media_type(a));
      out->sha256[out->count] = g_strdup(crm_attachment_sha256(a));
      out->size[out->count] = crm_attachment_size(a);
    }
    out->count++;
    crm_attachment_free(a);
  }
  crm_attachment_iterator_free(it);
}

static void attachments_clear(attachment_list *l)
{
  for (size_t i = 0; i < 8; i++) {
    g_free(l->name[i]);
    g_free(l->media_type[i]);
    g_free(l->sha256[i]);
  }
}

/* "role:value,role:value" of an interaction's participants. */
static char *participants(crm_test_db *t, crm_id ix)
{
  crm_participant_iterator *it = NULL;
  assert_crm_ok(crm_participant_iterator_new(&it, t->db, ix));
  GString *s = g_string_new(NULL);
  crm_participant *p = NULL;
  while (crm_participant_next(&p, it) == CRM_OK) {
    g_string_append_printf(s, "%s%s:%s", s->len ? "," : "", crm_participant_role(p),
                           crm_participant_value(p));
    crm_participant_free(p);
  }
  crm_participant_iterator_free(it);
  return g_string_free(s, FALSE);
}

static char *customer_name(crm_test_db *t, crm_id id)
{
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, id));
  char *name = g_strdup(crm_customer_name(c));
  crm_customer_free(c);
  return name;
}

/* The customer's first identity as "kind:value". */
static char *first_identity(crm_test_db *t, crm_id customer)
{
  crm_identity_iterator *it = NULL;
  assert_crm_ok(crm_identity_iterator_new(&it, t->db, customer));
  crm_identity *id = NULL;
  assert_crm_ok(crm_identity_next(&id, it));
  char *s = g_strdup_printf("%s:%s", crm_identity_kind_name(crm_identity_kind(id)),
                            crm_identity_value(id));
  crm_identity_free(id);
  crm_identity_iterator_free(it);
  return s;
}

/* Events of `kind` whose payload contains `needle`. */
static size_t count_events(crm_test_db *t, const char *kind, const char *needle)
{
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  crm_event *ev = NULL;
  size_t n = 0;
  while (crm_event_next(&ev, it) == CRM_OK) {
    if (strcmp(crm_event_kind(ev), kind) == 0 && strstr(crm_event_payload(ev), needle))
      n++;
    crm_event_free(ev);
  }
  crm_event_iterator_free(it);
  return n;
}

static void set_status(crm_test_db *t, crm_id case_id, crm_case_status_t s)
{
  assert_crm_ok(crm_case_set_status(t->db, case_id, s, 0));
}

/* A temporary directory removed (recursively) by rm_tree. */
static char *make_tmp_dir(void)
{
  GError *err = NULL;
  char *dir = g_dir_make_tmp("crm-mail-XXXXXX", &err);
  if (dir == NULL)
    fail_msg("cannot make a temporary directory: %s", err->message);
  return dir;
}

static void rm_tree(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
      char *p = g_build_filename(path, name, NULL);
      rm_tree(p);
      g_free(p);
    }
    g_dir_close(d);
    g_rmdir(path);
  } else {
    g_remove(path);
  }
}

static void write_file(const char *path, const void *data, size_t len)
{
  GError *err = NULL;
  if (!g_file_set_contents(path, data, (gssize)len, &err))
    fail_msg("cannot write %s: %s", path, err->message);
}

/* ------------------------------------------------------------------ */
/* the corpus: every message with its expected result                   */

/*
 * Ingested in this order into one database (case 1 is the printer fire of
 * 01-plain.eml); `case_id` 0 means "a new case", otherwise the case it
 * must join. `flags` is the "mail.flags" attribute. `attachments` counts
 * message.eml too; `att_name`/`att_sha` check the second attachment.
 */
typedef struct {
  const char *file;
  crm_mail_rule_t rule;
  crm_id case_id;
  int auto_generated;
  const char *subject; /* NULL: none */
  const char *customer;
  size_t attachments;
  const char *flags;
  const char *att_name, *att_sha;
  const char *body_has; /* a piece of the body; NULL: no check */
} corpus_entry;

#define SHA_PDF "68cad5b6a83a7c4ef4a9e256690a0a63b98dc7590cf97fc1d1e3a6e52b71fe51"
#define SHA_PNG "59454449eef25b8fc0e40e15cbe641d61042c2daad70864bb10bd2db7866fe43"
#define SHA_CSV "cfc17c40eb0b2c5e78fd2b74831c1f55914f75686f9f3539d5d85409e4f0ae82"
#define SHA_LOG "f80b17edebf36578f28b6c006d7e9f7b8da0a55f6046cdf52932cefe2e9d0ba1"
#define SHA_ICS "c99d84d4da606ea4858486e116f38dc6f7878d20d3300bc1539ccdbec1da1cc7"
#define NEW     CRM_MAIL_NEW_CASE

static const corpus_entry corpus[] = {
    {"01-plain.eml", NEW, 0, 0, "Printer on fire", "Alice Example", 1, "", NULL, NULL,
     "second floor is on fire"},
    {"02-alternative.eml", NEW, 0, 0, "Invoice question", "Dan Dawson", 1, "", NULL, NULL,
     "charged twice for invoice 1001?"},
    {"03-html-only.eml", NEW, 0, 0, "HTML only", "erin", 1, "html_only", NULL, NULL,
     "my order #77 arrived broken.\n\n- one cup\n- two plates"},
    {"04-attachment-pdf.eml", NEW, 0, 0, "Invoice attached", "frank", 2, "", "invoice.pdf", SHA_PDF,
     "invoice attached"},
    {"05-inline-image.eml", NEW, 0, 0, "Screenshot of the error", "grace", 2, "html_only",
     "part-1.bin", SHA_PNG, "See the error:"},
    {"06-rfc2047-utf8.eml", NEW, 0, 0,
     "\320\237\321\200\320\270\320\262\320\265\321\202, \320\267\320\260\320\272\320\260\320\267 "
     "\342\204\22642 \320\275\320\265 \320\277\321\200\320\270\321\210\321\221\320\273",
     "J\303\274rgen M\303\274ller", 1, "", NULL, NULL, "Gr\303\274\303\237e, J\303\274rgen"},
    {"07-rfc2047-latin1.eml", NEW, 0, 0, "Caf\303\251 cr\303\250me", "Ren\303\251e Lef\303\250vre",
     1, "", NULL, NULL, "Le caf\303\251 \303\251tait froid"},
    {"08-rfc2231-filename.eml", NEW, 0, 0, "Rates and notes", "heidi", 3, "",
     "\342\202\254 rates \303\274ber.csv", SHA_CSV, "Two files."},
    {"09-reply-in-reply-to.eml", CRM_MAIL_IN_REPLY_TO, 1, 0, "Re: Printer on fire", "Alice Example",
     1, "", NULL, NULL, "Still burning."},
    {"10-reply-references.eml", CRM_MAIL_REFERENCES, 1, 0, "Re: Printer on fire", "Alice Example",
     1, "", NULL, NULL, "Any news?"},
    {"11-outlook-tag-reply.eml", CRM_MAIL_SUBJECT_TAG, 1, 0, "RE: Printer on fire [#1]",
     "Alice Example", 1, "", NULL, NULL, "-----Original Message-----"},
    {"12-tag-stranger.eml", NEW, 0, 0, "Re: Printer on fire [#1]", "Mallory", 1,
     "subject_tag_rejected", NULL, NULL, NULL},
    {"13-tag-participant.eml", CRM_MAIL_SUBJECT_TAG, 1, 0, "Printer on fire [#1] - photos", "Bob",
     1, "", NULL, NULL, NULL},
    {"14-forwarded.eml", NEW, 0, 0, "Fwd: Original subject", "ivan", 2, "", "part-1.eml", NULL,
     "See the mail below."},
    {"15-bounce.eml", NEW, 0, 1, "Undelivered Mail Returned to Sender", "Mail Delivery System", 3,
     "auto_generated,no_autoreply", "part-1.bin", NULL, "could not be delivered"},
    {"16-out-of-office.eml", CRM_MAIL_IN_REPLY_TO, 1, 1, "Automatic reply: Printer on fire",
     "Alice Example", 1, "auto_generated,no_autoreply", NULL, NULL, NULL},
    {"17-list.eml", NEW, 0, 0, "[announce] Release 2.0", "Newsletter", 1, "precedence,no_autoreply",
     NULL, NULL, NULL},
    {"18-no-message-id.eml", NEW, 0, 0, "No Message-ID here", "judy", 1, "no_message_id", NULL,
     NULL, NULL},
    {"19-no-date.eml", NEW, 0, 0, "No Date header", "ken", 1, "date", NULL, NULL, NULL},
    {"20-8bit-utf8-headers.eml", NEW, 0, 0, "Trasig leverans \342\200\223 hj\303\244lp",
     "Zo\303\253 \303\205ngstr\303\266m", 1, "", NULL, NULL, "L\303\245dan var trasig."},
    {"21-8bit-latin1-headers.eml", NEW, 0, 0, "R\303\251clamation", "H\303\251l\303\250ne", 1,
     "malformed", NULL, NULL, "arriv\303\251 ab\303\256m\303\251"},
    {"22-broken-boundary.eml", NEW, 0, 0, "Broken boundary", "leo", 1, "malformed", NULL, NULL,
     "not the declared one"},
    {"23-unknown-charset.eml", NEW, 0, 0, "Unknown charset", "mia", 1, "charset", NULL, NULL,
     "Qapla' \303\251\303\250 text."},
    {"24-empty-body.eml", NEW, 0, 0, "Empty body", "nina", 1, "no_body", NULL, NULL, NULL},
    {"25-not-headers.eml", NEW, 0, 0, NULL, "Unknown sender", 1,
     "no_message_id,date,malformed,sender", NULL, NULL, "this is not an e-mail at all"},
    {"26-unparsable-from.eml", NEW, 0, 0, "Sender cannot be parsed", "@@@ ;;; <<<", 1,
     "malformed,sender", NULL, NULL, "Who am I?"},
    {"27-postmaster.eml", NEW, 0, 1, "Delivery delayed", "postmaster", 1,
     "auto_generated,no_autoreply", NULL, NULL, NULL},
    {"28-x-autoreply.eml", NEW, 0, 1, "Re: Your question", "oscar", 1,
     "auto_generated,no_autoreply", NULL, NULL, NULL},
    {"29-auto-submitted-no.eml", NEW, 0, 0, "A human wrote this", "pia", 1, "", NULL, NULL, NULL},
    {"30-reused-message-id.eml", NEW, 0, 0, "Printer on fire", "Alice Example", 1,
     "message_id_reused", NULL, NULL, "reuses the Message-ID"},
    {"33-html-entities.eml", NEW, 0, 0, "Entities &amp; lists", "quinn", 1, "html_only", NULL, NULL,
     "Caf\303\251 & cr\303\250me\nsecond line\na b"},
    {"34-quoted-reply.eml", NEW, 0, 0, "Re: Delivery", "rita", 1, "", NULL, NULL,
     "> Please try again."},
    {"35-multiple-attachments.eml", NEW, 0, 0, "Three files", "sam", 4, "", "app.log", SHA_LOG,
     "Logs, order and a binary."},
    {"36-nested-multipart.eml", NEW, 0, 0, "Nested parts", "tina", 3, "", "pixel.png", SHA_PNG,
     "Plain version of the nested mail."},
    {"37-group-address.eml", NEW, 0, 0, "Group address", "uma", 1, "", NULL, NULL, NULL},
    {"38-idn-address.eml", NEW, 0, 0, "IDN sender", "K\303\244the", 1, "", NULL, NULL, NULL},
    {"39-base64-text.eml", NEW, 0, 0, "Base64 body", "victor", 1, "", NULL, NULL,
     "na\303\257ve caf\303\251 \342\230\225"},
    {"40-qp-soft-breaks.eml", NEW, 0, 0, "Quoted-printable", "wendy", 1, "", NULL, NULL,
     "soft line break here and continues. Gr\303\274\303\237e = equal."},
    {"41-reply-after-close.eml", CRM_MAIL_IN_REPLY_TO, 1, 0, "Re: Printer on fire", "Alice Example",
     1, "", NULL, NULL, NULL},
    {"42-iso-2022-jp.eml", NEW, 0, 0,
     "\343\201\212\345\225\217\343\201\204\345\220\210\343\202\217\343\201\233", NULL, 1, "", NULL,
     NULL,
     "\346\263\250\346\226\207\343\201\214\345\261\212\343\201\215\343\201\276\343\201\233\343\202"
     "\223\343\200\202"},
    {"43-future-date.eml", NEW, 0, 0, "From the future", "xena", 1, "date", NULL, NULL, NULL},
    {"44-sender-only.eml", NEW, 0, 0, "Only a Sender header", "Yusuf", 1, "", NULL, NULL, NULL},
    {"45-calendar.eml", NEW, 0, 0, "Meeting", "zack", 2, "", "part-1.bin", SHA_ICS, NULL},
    {"46-read-receipt.eml", NEW, 0, 1, "Read: Printer on fire", "Alice Example", 2,
     "auto_generated,no_autoreply", NULL, NULL, NULL},
    {"47-truncated-multipart.eml", NEW, 0, 0, "Truncated", "amy", 1, "malformed", NULL, NULL,
     "never arrived"},
    {"48-no-boundary-param.eml", NEW, 0, 0, "Multipart without boundary", "ben", 1, "malformed",
     NULL, NULL, "Some text anyway."},
    {"31-duplicate-other-transport.eml", CRM_MAIL_DUPLICATE, 1, 0, "Printer on fire",
     "Alice Example", 1, "", NULL, NULL, NULL},
};

static void check_entry(crm_test_db *t, const corpus_entry *e, const crm_mail_result *r)
{
  print_message("# %s\n", e->file);
  assert_int_equal(r->rule, e->rule);
  assert_int_equal(r->auto_generated, e->auto_generated);
  if (e->case_id) {
    assert_int_equal(r->case_id, e->case_id);
    assert_int_equal(r->created_case, 0);
  } else {
    assert_int_equal(r->created_case, 1);
  }
  assert_int_equal(r->reopened, 0);
  crm_interaction *ix = lookup(t, r->interaction);
  assert_int_equal(crm_interaction_channel(ix), CRM_CHANNEL_EMAIL);
  assert_int_equal(crm_interaction_direction(ix), CRM_DIRECTION_INBOUND);
  assert_int_equal(crm_interaction_case(ix), r->case_id);
  if (e->subject)
    assert_string_equal(crm_interaction_subject(ix), e->subject);
  else
    assert_null(crm_interaction_subject(ix));
  if (e->body_has && strstr(crm_interaction_body(ix), e->body_has) == NULL)
    fail_msg("%s: body \"%s\" lacks \"%s\"", e->file, crm_interaction_body(ix), e->body_has);
  assert_string_equal(crm_interaction_attribute(ix, "mail.flags"), e->flags);
  assert_non_null(crm_interaction_attribute(ix, "mail.digest"));
  crm_interaction_free(ix);
  if (e->customer) {
    char *name = customer_name(t, r->customer);
    assert_string_equal(name, e->customer);
    g_free(name);
  }
  attachment_list l;
  attachments(&l, t, r->interaction);
  assert_int_equal(l.count, e->attachments);
  assert_string_equal(l.name[0], "message.eml");
  assert_string_equal(l.media_type[0], "message/rfc822");
  if (e->att_name)
    assert_string_equal(l.name[1], e->att_name);
  if (e->att_sha)
    assert_string_equal(l.sha256[1], e->att_sha);
  attachments_clear(&l);
}

static void test_corpus(void **state)
{
  crm_test_db *t = *state;
  t->now = CRM_TEST_T0;
  for (size_t i = 0; i < G_N_ELEMENTS(corpus); i++) {
    const corpus_entry *e = &corpus[i];
    if (strcmp(e->file, "41-reply-after-close.eml") == 0) {
      /* a reply that comes while the case is open joins it */
      assert_int_equal(crm_test_case_status(t->db, 1), CRM_CASE_NEW);
    }
    crm_mail_result r = ingest(t, e->file);
    check_entry(t, e, &r);
  }
}

/* The raw message is kept byte for byte, and the decoded parts too. */
static void test_raw_message_kept(void **state)
{
  crm_test_db *t = *state;
  gsize len = 0;
  char *raw = read_message("08-rfc2231-filename.eml", &len);
  crm_mail_result r = ingest_bytes(t, raw, len, NULL);
  attachment_list l;
  attachments(&l, t, r.interaction);
  assert_int_equal(l.count, 3);
  assert_int_equal(l.size[0], len);
  assert_string_equal(l.name[2], "Notizen f\303\274r den Kunden.txt");
  assert_string_equal(l.sha256[2],
                      "19af540e45c659c2c364858027dd7a3ccf1c67b6ceb6e6c133d2572fbdcb5de6");
  attachments_clear(&l);
  crm_attachment_iterator *it = NULL;
  assert_crm_ok(crm_attachment_iterator_new(&it, t->db, r.interaction));
  crm_attachment *a = NULL;
  assert_crm_ok(crm_attachment_next(&a, it));
  crm_buf buf = CRM_BUF_INIT;
  assert_crm_ok(crm_attachment_read(&buf, t->db, crm_attachment_id(a)));
  assert_int_equal(buf.size, len);
  assert_memory_equal(buf.ptr, raw, len);
  crm_buf_dispose(&buf);
  crm_attachment_free(a);
  crm_attachment_iterator_free(it);
  g_free(raw);
}

static void test_participants_and_identity(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result r = ingest(t, "01-plain.eml");
  assert_int_equal(r.created_customer, 1);
  char *p = participants(t, r.interaction);
  assert_string_equal(p, "to:support@helpdesk.example,cc:bob@example.com,cc:carol@example.com");
  g_free(p);
  char *id = first_identity(t, r.customer);
  assert_string_equal(id, "email:alice@example.com");
  g_free(id);
  assert_attribute(t, r.interaction, "mail.message_id", "<plain-1@example.com>");
  crm_interaction *ix = lookup(t, r.interaction);
  assert_string_equal(crm_interaction_external_ref(ix), "<plain-1@example.com>");
  /* Date: Mon, 23 Feb 2026 10:15:00 +0100 */
  assert_int_equal(crm_interaction_occurred_at(ix), 1771838100);
  assert_int_equal(crm_interaction_recorded_at(ix), CRM_TEST_T0);
  crm_interaction_free(ix);
  /* a group address yields no participant */
  r = ingest(t, "37-group-address.eml");
  p = participants(t, r.interaction);
  assert_string_equal(p, "");
  g_free(p);
  /* the same sender later: the same customer, not created again */
  r = ingest(t, "09-reply-in-reply-to.eml");
  assert_int_equal(r.created_customer, 0);
  assert_int_equal(r.customer, 1);
  assert_attribute(t, r.interaction, "mail.quote_offset", "16");
  ix = lookup(t, r.interaction);
  assert_string_equal(crm_interaction_in_reply_to(ix), "<plain-1@example.com>");
  crm_interaction_free(ix);
}

/* ------------------------------------------------------------------ */
/* rule 1: duplicates                                                   */

static void test_duplicate_writes_nothing(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result first = ingest(t, "01-plain.eml");
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  t->now += HOUR;
  const char *again[] = {"01-plain.eml", "31-duplicate-other-transport.eml"};
  for (size_t i = 0; i < G_N_ELEMENTS(again); i++) {
    crm_mail_result r = ingest(t, again[i]);
    assert_int_equal(r.rule, CRM_MAIL_DUPLICATE);
    assert_int_equal(r.interaction, first.interaction);
    assert_int_equal(r.case_id, first.case_id);
    assert_int_equal(r.customer, first.customer);
    assert_int_equal(r.created_case, 0);
    assert_int_equal(r.created_customer, 0);
    assert_int_equal(r.auto_generated, 0);
  }
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  /* an auto-generated duplicate says so again */
  crm_mail_result bounce = ingest(t, "15-bounce.eml");
  crm_mail_result again_bounce = ingest(t, "15-bounce.eml");
  assert_int_equal(again_bounce.rule, CRM_MAIL_DUPLICATE);
  assert_int_equal(again_bounce.auto_generated, 1);
  assert_int_equal(again_bounce.interaction, bounce.interaction);
}

static void test_reused_message_id(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result first = ingest(t, "01-plain.eml");
  crm_mail_result other = ingest(t, "30-reused-message-id.eml");
  assert_int_not_equal(other.interaction, first.interaction);
  assert_int_equal(other.rule, CRM_MAIL_NEW_CASE);
  assert_attribute(t, other.interaction, "mail.message_id_reused", "<plain-1@example.com>");
  crm_interaction *ix = lookup(t, other.interaction);
  const char *ref = crm_interaction_external_ref(ix);
  assert_true(g_str_has_prefix(ref, "<plain-1@example.com>#"));
  assert_int_equal(strlen(ref), strlen("<plain-1@example.com>#") + 12);
  crm_interaction_free(ix);
  /* the second content ingested again is its own duplicate */
  long rows = crm_test_count_all_rows(t);
  crm_mail_result again = ingest(t, "30-reused-message-id.eml");
  assert_int_equal(again.rule, CRM_MAIL_DUPLICATE);
  assert_int_equal(again.interaction, other.interaction);
  again = ingest(t, "01-plain.eml");
  assert_int_equal(again.interaction, first.interaction);
  assert_int_equal(crm_test_count_all_rows(t), rows);
}

static void test_synthetic_message_id_is_stable(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result r = ingest(t, "18-no-message-id.eml");
  crm_interaction *ix = lookup(t, r.interaction);
  char *digest = attribute(t, r.interaction, "mail.digest");
  char *want = g_strdup_printf("<%s@digest.invalid>", digest);
  assert_string_equal(crm_interaction_external_ref(ix), want);
  g_free(want);
  g_free(digest);
  crm_interaction_free(ix);
  assert_attribute(t, r.interaction, "mail.message_id", NULL);
  t->now += DAY;
  crm_mail_result again = ingest(t, "18-no-message-id.eml");
  assert_int_equal(again.rule, CRM_MAIL_DUPLICATE);
  assert_int_equal(again.interaction, r.interaction);
}

/* ------------------------------------------------------------------ */
/* rules 2-4 and filing                                                 */

static void test_reply_reopens_resolved_case(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result first = ingest(t, "01-plain.eml");
  set_status(t, first.case_id, CRM_CASE_RESOLVED);
  t->now += HOUR;
  /* Date: 24 Feb 2026, before the case was resolved: within the window */
  crm_mail_result r = ingest(t, "09-reply-in-reply-to.eml");
  assert_int_equal(r.rule, CRM_MAIL_IN_REPLY_TO);
  assert_int_equal(r.case_id, first.case_id);
  assert_int_equal(r.reopened, 1);
  assert_int_equal(r.created_case, 0);
  assert_int_equal(crm_test_case_status(t->db, first.case_id), CRM_CASE_OPEN);
}

static void test_reply_to_closed_case_opens_follow_up(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result first = ingest(t, "01-plain.eml");
  set_status(t, first.case_id, CRM_CASE_RESOLVED);
  set_status(t, first.case_id, CRM_CASE_CLOSED);
  crm_mail_result r = ingest(t, "41-reply-after-close.eml");
  assert_int_equal(r.rule, CRM_MAIL_IN_REPLY_TO);
  assert_int_not_equal(r.case_id, first.case_id);
  assert_int_equal(r.created_case, 1);
  assert_int_equal(r.reopened, 0);
  assert_int_equal(crm_test_case_status(t->db, first.case_id), CRM_CASE_CLOSED);
  crm_link_iterator *it = NULL;
  assert_crm_ok(crm_link_iterator_new(&it, t->db, r.case_id));
  crm_link *l = NULL;
  assert_crm_ok(crm_link_next(&l, it));
  assert_int_equal(crm_link_kind(l), CRM_LINK_FOLLOW_UP_OF);
  assert_int_equal(crm_link_to(l), first.case_id);
  crm_link_free(l);
  crm_link_iterator_free(it);
}

static void test_subject_tag_needs_a_known_sender(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result first = ingest(t, "01-plain.eml");
  assert_int_equal(first.case_id, 1);
  crm_mail_result stranger = ingest(t, "12-tag-stranger.eml");
  assert_int_equal(stranger.rule, CRM_MAIL_NEW_CASE);
  assert_int_not_equal(stranger.case_id, 1);
  assert_attribute(t, stranger.interaction, "mail.subject_tag_rejected", "1");
  /* Bob was on Cc of the first message: a participant */
  crm_mail_result bob = ingest(t, "13-tag-participant.eml");
  assert_int_equal(bob.rule, CRM_MAIL_SUBJECT_TAG);
  assert_int_equal(bob.case_id, 1);
  /* the customer herself, Outlook style (no In-Reply-To, no References) */
  crm_mail_result alice = ingest(t, "11-outlook-tag-reply.eml");
  assert_int_equal(alice.rule, CRM_MAIL_SUBJECT_TAG);
  assert_int_equal(alice.case_id, 1);
}

static void test_subject_tag_setting_and_unknown_case(void **state)
{
  crm_test_db *t = *state;
  ingest(t, "01-plain.eml");
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "{CASE-%id}"));
  const char *tagged = "From: alice@example.com\nSubject: Re: fire {CASE-1}\n"
                       "Message-ID: <custom-tag@example.com>\n\nstill\n";
  crm_mail_result r = ingest_bytes(t, tagged, strlen(tagged), NULL);
  assert_int_equal(r.rule, CRM_MAIL_SUBJECT_TAG);
  assert_int_equal(r.case_id, 1);
  /* the old tag form no longer counts; a tag naming no case is ignored */
  const char *old = "From: alice@example.com\nSubject: Re: fire [#1] {CASE-999}\n"
                    "Message-ID: <old-tag@example.com>\n\nstill\n";
  r = ingest_bytes(t, old, strlen(old), NULL);
  assert_int_equal(r.rule, CRM_MAIL_NEW_CASE);
  assert_int_equal(r.created_case, 1);
  assert_attribute(t, r.interaction, "mail.subject_tag_rejected", NULL);
}

static void test_helpdesk_address_cannot_use_tag(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses", "support@helpdesk.example"));
  ingest(t, "01-plain.eml"); /* support@ is a "to" participant of case 1 */
  const char *spoof = "From: support@helpdesk.example\nSubject: [#1] spoofed\n"
                      "Message-ID: <spoof@example.com>\n\nhello\n";
  crm_mail_result r = ingest_bytes(t, spoof, strlen(spoof), NULL);
  assert_int_equal(r.rule, CRM_MAIL_NEW_CASE);
  assert_attribute(t, r.interaction, "mail.subject_tag_rejected", "1");
}

static void test_queue_and_received_at(void **state)
{
  crm_test_db *t = *state;
  crm_id queue = 0;
  assert_crm_ok(crm_queue_create(&queue, t->db, "Support"));
  crm_mail_options o;
  assert_crm_ok(crm_mail_options_init(&o, CRM_MAIL_OPTIONS_VERSION));
  o.queue = queue;
  o.received_at = CRM_TEST_T0 - DAY;
  gsize len = 0;
  char *raw = read_message("19-no-date.eml", &len);
  crm_mail_result r = ingest_bytes(t, raw, len, &o);
  g_free(raw);
  crm_case *c = case_lookup(t, r.case_id);
  assert_int_equal(crm_case_queue(c), queue);
  assert_string_equal(crm_case_subject(c), "No Date header");
  crm_case_free(c);
  crm_interaction *ix = lookup(t, r.interaction);
  assert_int_equal(crm_interaction_occurred_at(ix), CRM_TEST_T0 - DAY);
  crm_interaction_free(ix);
  assert_attribute(t, r.interaction, "mail.date", "missing");
  /* a Date: more than a day after receipt is a broken clock */
  raw = read_message("43-future-date.eml", &len);
  r = ingest_bytes(t, raw, len, &o);
  g_free(raw);
  ix = lookup(t, r.interaction);
  assert_int_equal(crm_interaction_occurred_at(ix), CRM_TEST_T0 - DAY);
  crm_interaction_free(ix);
  assert_attribute(t, r.interaction, "mail.date", "implausible");
}

/* ------------------------------------------------------------------ */
/* loop protection                                                      */

static void test_auto_reply_joins_without_reopening(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result first = ingest(t, "01-plain.eml");
  set_status(t, first.case_id, CRM_CASE_RESOLVED);
  crm_case *before = case_lookup(t, first.case_id);
  int64_t version = crm_case_version(before), count = crm_case_inbound_count(before);
  crm_case_free(before);
  crm_mail_result r = ingest(t, "16-out-of-office.eml");
  assert_int_equal(r.auto_generated, 1);
  assert_int_equal(r.rule, CRM_MAIL_IN_REPLY_TO);
  assert_int_equal(r.case_id, first.case_id);
  assert_int_equal(r.reopened, 0);
  assert_int_equal(r.created_case, 0);
  crm_case *after = case_lookup(t, first.case_id);
  assert_int_equal(crm_case_status(after), CRM_CASE_RESOLVED);
  assert_int_equal(crm_case_reopen_count(after), 0);
  assert_int_equal(crm_case_version(after), version + 1);
  assert_int_equal(crm_case_inbound_count(after), count + 1);
  crm_case_free(after);
  assert_attribute(t, r.interaction, "mail.no_autoreply", "1");
  assert_attribute(t, r.interaction, "mail.auto_generated", "auto-submitted: auto-replied");
  /* even on a closed case: no follow-up */
  set_status(t, first.case_id, CRM_CASE_CLOSED);
  const char *ooo = "From: alice@example.com\nAuto-Submitted: auto-replied\n"
                    "In-Reply-To: <plain-1@example.com>\nSubject: away\n"
                    "Message-ID: <ooo-2@example.com>\n\naway\n";
  r = ingest_bytes(t, ooo, strlen(ooo), NULL);
  assert_int_equal(r.case_id, first.case_id);
  assert_int_equal(r.created_case, 0);
  assert_int_equal(crm_test_case_status(t->db, first.case_id), CRM_CASE_CLOSED);
}

static void test_unthreaded_auto_mail_gets_a_closed_case(void **state)
{
  crm_test_db *t = *state;
  const char *files[] = {"15-bounce.eml", "27-postmaster.eml", "28-x-autoreply.eml",
                         "46-read-receipt.eml"};
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    crm_mail_result r = ingest(t, files[i]);
    assert_int_equal(r.auto_generated, 1);
    assert_int_equal(r.created_case, 1);
    assert_int_equal(r.rule, CRM_MAIL_NEW_CASE);
    assert_int_equal(crm_test_case_status(t->db, r.case_id), CRM_CASE_CLOSED);
    assert_int_equal(inbound_count(t, r.case_id), 1);
  }
  /* each closing is in the feed: new -> closed, automatic */
  assert_int_equal(count_events(t, "case.status", "\"to\":\"closed\""), G_N_ELEMENTS(files));
}

static void test_precedence_only_suppresses_autoreplies(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result r = ingest(t, "17-list.eml");
  assert_int_equal(r.auto_generated, 0);
  assert_int_equal(crm_test_case_status(t->db, r.case_id), CRM_CASE_NEW);
  assert_attribute(t, r.interaction, "mail.precedence", "list");
  assert_attribute(t, r.interaction, "mail.no_autoreply", "1");
  assert_attribute(t, r.interaction, "mail.auto_generated", NULL);
  r = ingest(t, "29-auto-submitted-no.eml");
  assert_int_equal(r.auto_generated, 0);
  assert_attribute(t, r.interaction, "mail.no_autoreply", NULL);
}

/* ------------------------------------------------------------------ */
/* never lost                                                           */

static void test_never_lost(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result r = ingest(t, "25-not-headers.eml");
  assert_attribute(t, r.interaction, "mail.sender", "missing");
  char *id = first_identity(t, r.customer);
  assert_true(g_str_has_prefix(id, "external:mail-sender:"));
  g_free(id);
  r = ingest(t, "26-unparsable-from.eml");
  assert_attribute(t, r.interaction, "mail.sender", "unparsed");
  assert_attribute(t, r.interaction, "mail.malformed", "invalid_address_list");
  /* the same unparsable sender maps to the same placeholder customer */
  const char *again =
      "From: @@@ ;;; <<<\nSubject: again\nMessage-ID: <again-26@example.com>\n\nx\n";
  crm_mail_result r2 = ingest_bytes(t, again, strlen(again), NULL);
  assert_int_equal(r2.customer, r.customer);
  assert_int_equal(r2.created_customer, 0);
  r = ingest(t, "23-unknown-charset.eml");
  assert_attribute(t, r.interaction, "mail.charset", "x-klingon-9");
  r = ingest(t, "24-empty-body.eml");
  assert_attribute(t, r.interaction, "mail.no_body", "1");
  r = ingest(t, "48-no-boundary-param.eml");
  assert_attribute(t, r.interaction, "mail.malformed", "multipart_without_boundary");
  /* an address the identity rules refuse (no dot in the domain) */
  const char *local = "From: root@localhost\nSubject: cron\nMessage-ID: <cron@localhost>\n\nout\n";
  r = ingest_bytes(t, local, strlen(local), NULL);
  assert_attribute(t, r.interaction, "mail.sender", "invalid");
  /* binary garbage with NUL bytes and invalid UTF-8 */
  const char garbage[] = "\xff\xfe\x00\x01Subject: \xc3\x28\n\n\x80\x81\x00zz";
  r = ingest_bytes(t, garbage, sizeof garbage - 1, NULL);
  crm_interaction *ix = lookup(t, r.interaction);
  assert_true(g_utf8_validate(crm_interaction_body(ix), -1, NULL));
  crm_interaction_free(ix);
}

static void test_ten_megabyte_attachment(void **state)
{
  crm_test_db *t = *state;
  size_t size = 10u * 1024 * 1024;
  guchar *blob = g_malloc(size);
  guint32 x = 12345;
  for (size_t i = 0; i < size; i++) { /* a cheap deterministic generator */
    x = x * 1103515245u + 12345u;
    blob[i] = (guchar)(x >> 24);
  }
  char *b64 = g_base64_encode(blob, size);
  GString *msg = g_string_new("From: big@example.com\nSubject: Big file\n"
                              "Message-ID: <big@example.com>\nMIME-Version: 1.0\n"
                              "Content-Type: multipart/mixed; boundary=\"BIG\"\n\n"
                              "--BIG\nContent-Type: text/plain\n\nA big file.\n\n"
                              "--BIG\nContent-Type: application/octet-stream\n"
                              "Content-Disposition: attachment; filename=\"big.bin\"\n"
                              "Content-Transfer-Encoding: base64\n\n");
  for (size_t i = 0, n = strlen(b64); i < n; i += 76) {
    g_string_append_len(msg, b64 + i, (gssize)MIN((size_t)76, n - i));
    g_string_append_c(msg, '\n');
  }
  g_string_append(msg, "--BIG--\n");
  char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, blob, size);
  crm_mail_result r = ingest_bytes(t, msg->str, msg->len, NULL);
  attachment_list l;
  attachments(&l, t, r.interaction);
  assert_int_equal(l.count, 2);
  assert_int_equal(l.size[0], msg->len);
  assert_string_equal(l.name[1], "big.bin");
  assert_int_equal(l.size[1], size);
  assert_string_equal(l.sha256[1], sha);
  attachments_clear(&l);
  g_free(sha);
  g_free(b64);
  g_free(blob);
  g_string_free(msg, TRUE);
}

/* ------------------------------------------------------------------ */
/* errors                                                               */

static void test_ingest_errors(void **state)
{
  crm_test_db *t = *state;
  const char *raw = "From: a@example.com\nSubject: x\n\nbody\n";
  size_t len = strlen(raw);
  crm_mail_result r = {.version = CRM_MAIL_RESULT_VERSION};
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  assert_crm_error(crm_mail_ingest(NULL, t->db, raw, len, NULL), CRM_EINVALID, "out");
  assert_crm_error(crm_mail_ingest(&r, NULL, raw, len, NULL), CRM_EINVALID, "db");
  assert_int_equal(r.interaction, 0);
  assert_crm_error(crm_mail_ingest(&r, t->db, NULL, len, NULL), CRM_EINVALID, "raw");
  assert_crm_error(crm_mail_ingest(&r, t->db, raw, 0, NULL), CRM_EINVALID, "empty");
  crm_mail_result bad = {.version = 99};
  assert_crm_error(crm_mail_ingest(&bad, t->db, raw, len, NULL), CRM_EINVALID, "crm_mail_result");
  crm_mail_options o = CRM_MAIL_OPTIONS_INIT;
  o.version = 0;
  assert_crm_error(crm_mail_ingest(&r, t->db, raw, len, &o), CRM_EINVALID, "crm_mail_options");
  o.version = CRM_MAIL_OPTIONS_VERSION;
  o.received_at = -1;
  assert_crm_error(crm_mail_ingest(&r, t->db, raw, len, &o), CRM_EINVALID, "received_at -1");
  o.received_at = 0;
  o.queue = -2;
  assert_crm_error(crm_mail_ingest(&r, t->db, raw, len, &o), CRM_EINVALID, "queue id -2");
  o.queue = 42;
  assert_crm_error(crm_mail_ingest(&r, t->db, raw, len, &o), CRM_ENOTFOUND, "42");
  o.queue = 0;
  o.from_address = "\xff\xfe";
  assert_crm_error(crm_mail_ingest(&r, t->db, raw, len, &o), CRM_EINVALID, "from_address");
  assert_int_equal(r.interaction, 0);
  assert_int_equal(r.case_id, 0);
  assert_int_equal(r.rule, 0);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

static void test_options_init_and_names(void **state)
{
  (void)state;
  crm_mail_options o;
  memset(&o, 0xff, sizeof o);
  assert_crm_ok(crm_mail_options_init(&o, CRM_MAIL_OPTIONS_VERSION));
  assert_int_equal(o.version, CRM_MAIL_OPTIONS_VERSION);
  assert_int_equal(o.queue, 0);
  assert_int_equal(o.received_at, 0);
  assert_null(o.from_address);
  assert_crm_error(crm_mail_options_init(NULL, CRM_MAIL_OPTIONS_VERSION), CRM_EINVALID, "opts");
  assert_crm_error(crm_mail_options_init(&o, 2), CRM_EINVALID, "crm_mail_options");
  assert_string_equal(crm_mail_rule_name(CRM_MAIL_DUPLICATE), "duplicate");
  assert_string_equal(crm_mail_rule_name(CRM_MAIL_IN_REPLY_TO), "in_reply_to");
  assert_string_equal(crm_mail_rule_name(CRM_MAIL_REFERENCES), "references");
  assert_string_equal(crm_mail_rule_name(CRM_MAIL_SUBJECT_TAG), "subject_tag");
  assert_string_equal(crm_mail_rule_name(CRM_MAIL_NEW_CASE), "new_case");
  assert_null(crm_mail_rule_name((crm_mail_rule_t)0));
  assert_null(crm_mail_rule_name((crm_mail_rule_t)6));
}

/* ------------------------------------------------------------------ */
/* replies                                                              */

static void test_reply_threads_back(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_setting_set(t->db, "helpdesk_addresses",
                                "Support@Helpdesk.example, other@helpdesk.example"));
  crm_id agent = 0;
  assert_crm_ok(crm_agent_create(&agent, t->db, "Agent Smith", "smith@helpdesk.example"));
  crm_mail_result first = ingest(t, "01-plain.eml");
  t->now += HOUR;
  crm_buf raw = CRM_BUF_INIT;
  assert_crm_ok(crm_mail_reply(&raw, t->db, first.case_id, agent,
                               "We are on our way. \342\200\224 Smith", NULL));
  assert_non_null(raw.ptr);
  assert_int_equal(strlen(raw.ptr), raw.size);
  assert_non_null(strstr(raw.ptr, "From: support@helpdesk.example\r\n"));
  assert_non_null(strstr(raw.ptr, "To: Alice Example <alice@example.com>\r\n"));
  assert_non_null(strstr(raw.ptr, "Subject: Re: Printer on fire [#1]\r\n"));
  assert_non_null(strstr(raw.ptr, "In-Reply-To: <plain-1@example.com>\r\n"));
  assert_non_null(strstr(raw.ptr, "References: <plain-1@example.com>\r\n"));
  assert_null(strstr(raw.ptr, "\n\n")); /* CRLF only */

  /* recorded as the outbound interaction, with the Message-ID as reference */
  crm_mail_result parsed = {.version = CRM_MAIL_RESULT_VERSION};
  long rows = crm_test_count_all_rows(t);
  assert_crm_ok(crm_mail_ingest(&parsed, t->db, raw.ptr, raw.size, NULL));
  assert_int_equal(parsed.rule, CRM_MAIL_DUPLICATE); /* a Bcc copy of our own reply */
  assert_int_equal(crm_test_count_all_rows(t), rows);
  crm_interaction *ix = lookup(t, parsed.interaction);
  assert_int_equal(crm_interaction_direction(ix), CRM_DIRECTION_OUTBOUND);
  assert_int_equal(crm_interaction_agent(ix), agent);
  assert_int_equal(crm_interaction_case(ix), first.case_id);
  assert_string_equal(crm_interaction_in_reply_to(ix), "<plain-1@example.com>");
  assert_string_equal(crm_interaction_body(ix), "We are on our way. \342\200\224 Smith");
  char *mid = g_strdup(crm_interaction_external_ref(ix));
  crm_interaction_free(ix);
  assert_true(g_str_has_suffix(mid, "@helpdesk.example>"));
  char *hdr = g_strdup_printf("Message-Id: %s\r\n", mid);
  char *hdr2 = g_strdup_printf("Message-ID: %s\r\n", mid);
  assert_true(strstr(raw.ptr, hdr) || strstr(raw.ptr, hdr2));
  g_free(hdr);
  g_free(hdr2);
  crm_buf_dispose(&raw);

  /* the customer answers the reply: In-Reply-To names our Message-ID */
  set_status(t, first.case_id, CRM_CASE_PENDING_CUSTOMER);
  char *answer = g_strdup_printf("From: Alice Example <alice@example.com>\n"
                                 "Subject: Re: Re: Printer on fire [#1]\nIn-Reply-To: %s\n"
                                 "Message-ID: <answer@example.com>\n\nThanks!\n",
                                 mid);
  crm_mail_result r = ingest_bytes(t, answer, strlen(answer), NULL);
  assert_int_equal(r.rule, CRM_MAIL_IN_REPLY_TO);
  assert_int_equal(r.case_id, first.case_id);
  assert_int_equal(crm_test_case_status(t->db, first.case_id), CRM_CASE_OPEN);
  g_free(answer);
  g_free(mid);

  /* the next reply answers the newest inbound message, and keeps one tag */
  crm_mail_options o = CRM_MAIL_OPTIONS_INIT;
  o.from_address = "Other@Helpdesk.example";
  assert_crm_ok(crm_mail_reply(&raw, t->db, first.case_id, 0, "Good.", &o));
  assert_non_null(strstr(raw.ptr, "From: other@helpdesk.example\r\n"));
  assert_non_null(strstr(raw.ptr, "In-Reply-To: <answer@example.com>\r\n"));
  assert_non_null(strstr(raw.ptr, "Subject: Re: Printer on fire [#1]\r\n"));
  crm_buf_dispose(&raw);

  /* an out-of-office joins the case, but the next reply still answers the
     customer's own message, not the robot's */
  const char *ooo = "From: Alice Example <alice@example.com>\n"
                    "Subject: Out of office: Re: Printer on fire [#1]\n"
                    "Auto-Submitted: auto-replied\nIn-Reply-To: <answer@example.com>\n"
                    "Message-ID: <ooo-after-answer@example.com>\n\nBack on Monday.\n";
  crm_mail_result away = ingest_bytes(t, ooo, strlen(ooo), NULL);
  assert_int_equal(away.case_id, first.case_id);
  assert_true(away.auto_generated);
  assert_crm_ok(crm_mail_reply(&raw, t->db, first.case_id, 0, "Noted.", &o));
  assert_non_null(strstr(raw.ptr, "In-Reply-To: <answer@example.com>\r\n"));
  assert_null(strstr(raw.ptr, "ooo-after-answer"));
  crm_buf_dispose(&raw);
}

static void test_reply_errors(void **state)
{
  crm_test_db *t = *state;
  crm_mail_result r = ingest(t, "01-plain.eml");
  crm_mail_result anon = ingest(t, "25-not-headers.eml");
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  crm_buf raw = CRM_BUF_INIT;
  assert_crm_error(crm_mail_reply(NULL, t->db, r.case_id, 0, "x", NULL), CRM_EINVALID, "out_raw");
  assert_crm_error(crm_mail_reply(&raw, NULL, r.case_id, 0, "x", NULL), CRM_EINVALID, "db");
  assert_crm_error(crm_mail_reply(&raw, t->db, 0, 0, "x", NULL), CRM_EINVALID, "case");
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, -1, "x", NULL), CRM_EINVALID, "agent");
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, 0, NULL, NULL), CRM_EINVALID, "body");
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, 0, "\xff\xfe", NULL), CRM_EINVALID,
                   "body");
  crm_mail_options o = CRM_MAIL_OPTIONS_INIT;
  o.version = 7;
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, 0, "x", &o), CRM_EINVALID,
                   "crm_mail_options");
  assert_crm_error(crm_mail_reply(&raw, t->db, 999, 0, "x", NULL), CRM_ENOTFOUND, "case 999");
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, 77, "x", NULL), CRM_ENOTFOUND, "77");
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, 0, "x", NULL), CRM_EINVALID,
                   "helpdesk_addresses");
  o.version = CRM_MAIL_OPTIONS_VERSION;
  o.from_address = "not an address";
  assert_crm_error(crm_mail_reply(&raw, t->db, r.case_id, 0, "x", &o), CRM_EINVALID,
                   "from_address");
  o.from_address = "support@helpdesk.example";
  assert_crm_error(crm_mail_reply(&raw, t->db, anon.case_id, 0, "x", &o), CRM_EINVALID,
                   "no e-mail identity");
  assert_null(raw.ptr);
  assert_int_equal(raw.size, 0);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
}

/* ------------------------------------------------------------------ */
/* mailboxes                                                            */

static const char *const mailbox_files[] = {
    "01-plain.eml",       "02-alternative.eml",          "09-reply-in-reply-to.eml",
    "15-bounce.eml",      "16-out-of-office.eml",        "18-no-message-id.eml",
    "25-not-headers.eml", "35-multiple-attachments.eml", "31-duplicate-other-transport.eml"};

/* An mbox of the mailbox files ("From " lines in bodies escaped). */
static char *build_mbox(const char *dir)
{
  GString *mbox = g_string_new(NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(mailbox_files); i++) {
    gsize len = 0;
    char *raw = read_message(mailbox_files[i], &len);
    g_string_append(mbox, "From sender@example.com Mon Feb 23 10:15:00 2026\n");
    char **lines = g_strsplit(raw, "\n", -1);
    for (char **l = lines; *l; l++) {
      if (l[1] == NULL && **l == '\0')
        break;
      if (g_str_has_prefix(*l, "From "))
        g_string_append_c(mbox, '>');
      g_string_append(mbox, *l);
      g_string_append_c(mbox, '\n');
    }
    g_strfreev(lines);
    g_string_append_c(mbox, '\n');
    g_free(raw);
  }
  char *path = g_build_filename(dir, "inbox.mbox", NULL);
  write_file(path, mbox->str, mbox->len);
  g_string_free(mbox, TRUE);
  return path;
}

typedef struct {
  size_t calls, last_done, last_total, stop_after;
} progress_log;

static int on_progress(size_t done, size_t total, void *payload)
{
  progress_log *p = payload;
  p->calls++;
  p->last_done = done;
  p->last_total = total;
  return p->stop_after && done >= p->stop_after;
}

static void test_import_mbox(void **state)
{
  crm_test_db *t = *state;
  char *dir = make_tmp_dir();
  char *path = build_mbox(dir);
  crm_mail_import_stats s = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  progress_log p = {0};
  assert_crm_ok(crm_mail_import_mbox(&s, t->db, path, NULL, on_progress, &p));
  /* 9 messages: 31 is a duplicate of 01 (other transport, CRLF) */
  assert_int_equal(s.filed, 8);
  assert_int_equal(s.duplicate, 1);
  assert_int_equal(s.auto_generated, 2);
  assert_int_equal(s.failed, 0);
  assert_null(s.failures.ptr);
  assert_int_equal(p.calls, 9);
  assert_int_equal(p.last_done, 9);
  assert_int_equal(p.last_total, 0);
  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);

  /* the reply was threaded inside the import too */
  gsize len = 0;
  char *raw = read_message("09-reply-in-reply-to.eml", &len);
  crm_mail_result r = ingest_bytes(t, raw, len, NULL);
  g_free(raw);
  assert_int_equal(r.rule, CRM_MAIL_DUPLICATE);
  assert_int_equal(r.case_id, 1);

  /* importing again doubles nothing */
  crm_mail_import_stats again = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  assert_crm_ok(crm_mail_import_mbox(&again, t->db, path, NULL, NULL, NULL));
  assert_int_equal(again.filed, 0);
  assert_int_equal(again.duplicate, 9);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);

  /* a callback that stops: CRM_EUSER, with the counts so far */
  progress_log stop = {.stop_after = 3};
  assert_crm_error(crm_mail_import_mbox(&again, t->db, path, NULL, on_progress, &stop), CRM_EUSER,
                   "stopped");
  assert_int_equal(again.duplicate, 3);
  assert_int_equal(stop.calls, 3);

  /* a file that is no mbox: one failure, with its reason */
  char *not_mbox = g_build_filename(dir, "plain.txt", NULL);
  write_file(not_mbox, "hello\n", 6);
  assert_crm_ok(crm_mail_import_mbox(&again, t->db, not_mbox, NULL, NULL, NULL));
  assert_int_equal(again.failed, 1);
  assert_non_null(strstr(again.failures.ptr, "no message found"));
  crm_buf_dispose(&again.failures);
  /* an empty file: nothing at all */
  write_file(not_mbox, "", 0);
  assert_crm_ok(crm_mail_import_mbox(&again, t->db, not_mbox, NULL, NULL, NULL));
  assert_int_equal(again.failed + again.filed + again.duplicate, 0);
  g_free(not_mbox);
  rm_tree(dir);
  g_free(path);
  g_free(dir);
}

static void test_import_maildir(void **state)
{
  crm_test_db *t = *state;
  char *dir = make_tmp_dir();
  const char *subs[] = {"new", "cur", "tmp"};
  for (size_t i = 0; i < G_N_ELEMENTS(subs); i++) {
    char *sub = g_build_filename(dir, subs[i], NULL);
    g_mkdir(sub, 0700);
    g_free(sub);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(mailbox_files); i++) {
    gsize len = 0;
    char *raw = read_message(mailbox_files[i], &len);
    char *name = g_strdup_printf("%s/%s/17720000%02zu.M%zuP1.host%s", dir, i % 2 ? "cur" : "new", i,
                                 i, i % 2 ? ":2,S" : "");
    write_file(name, raw, len);
    g_free(name);
    g_free(raw);
  }
  char *empty = g_build_filename(dir, "new", "1772000099.empty.host", NULL);
  write_file(empty, "", 0);
  char *in_tmp = g_build_filename(dir, "tmp", "1772000100.tmp.host", NULL);
  const char *undelivered = "From: x@example.com\n\nnot delivered yet\n";
  write_file(in_tmp, undelivered, strlen(undelivered));
  char *dot = g_build_filename(dir, "new", ".hidden", NULL);
  write_file(dot, "junk", 4);
  crm_mail_import_stats s = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  progress_log p = {0};
  assert_crm_ok(crm_mail_import_maildir(&s, t->db, dir, NULL, on_progress, &p));
  assert_int_equal(s.filed, 8);
  assert_int_equal(s.duplicate, 1);
  assert_int_equal(s.auto_generated, 2);
  assert_int_equal(s.failed, 1);
  assert_non_null(strstr(s.failures.ptr, "1772000099.empty.host: "));
  assert_non_null(strstr(s.failures.ptr, "empty"));
  crm_buf_dispose(&s.failures);
  assert_int_equal(p.calls, 10);
  assert_int_equal(p.last_total, 10);
  /* in delivery order: the reply (09) came after 01 and joined its case */
  gsize len = 0;
  char *raw = read_message("09-reply-in-reply-to.eml", &len);
  crm_mail_result r = ingest_bytes(t, raw, len, NULL);
  g_free(raw);
  assert_int_equal(r.rule, CRM_MAIL_DUPLICATE);
  assert_int_equal(r.case_id, 1);

  long rows = crm_test_count_all_rows(t), events = crm_test_count_events(t->db);
  crm_mail_import_stats again = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  assert_crm_ok(crm_mail_import_maildir(&again, t->db, dir, NULL, NULL, NULL));
  assert_int_equal(again.filed, 0);
  assert_int_equal(again.duplicate, 9);
  assert_int_equal(again.failed, 1);
  crm_buf_dispose(&again.failures);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  g_free(empty);
  g_free(in_tmp);
  g_free(dot);
  rm_tree(dir);
  g_free(dir);
}

/* Inside crm_begin the import joins the caller's transaction. */
static void test_import_inside_transaction(void **state)
{
  crm_test_db *t = *state;
  char *dir = make_tmp_dir();
  char *path = build_mbox(dir);
  long rows = crm_test_count_all_rows(t);
  assert_crm_ok(crm_begin(t->db));
  crm_mail_import_stats s = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  assert_crm_ok(crm_mail_import_mbox(&s, t->db, path, NULL, NULL, NULL));
  assert_int_equal(s.filed, 8);
  assert_crm_ok(crm_rollback(t->db));
  assert_int_equal(crm_test_count_all_rows(t), rows);
  rm_tree(dir);
  g_free(path);
  g_free(dir);
}

static void test_import_errors(void **state)
{
  crm_test_db *t = *state;
  crm_mail_import_stats s = {.version = CRM_MAIL_IMPORT_STATS_VERSION};
  assert_crm_error(crm_mail_import_mbox(NULL, t->db, "/x", NULL, NULL, NULL), CRM_EINVALID, "out");
  assert_crm_error(crm_mail_import_mbox(&s, NULL, "/x", NULL, NULL, NULL), CRM_EINVALID, "db");
  assert_crm_error(crm_mail_import_mbox(&s, t->db, NULL, NULL, NULL, NULL), CRM_EINVALID, "path");
  assert_crm_error(crm_mail_import_mbox(&s, t->db, "\xff", NULL, NULL, NULL), CRM_EINVALID, "path");
  crm_mail_options o = CRM_MAIL_OPTIONS_INIT;
  o.version = 5;
  assert_crm_error(crm_mail_import_mbox(&s, t->db, "/x", &o, NULL, NULL), CRM_EINVALID,
                   "crm_mail_options");
  crm_mail_import_stats bad = {.version = 3};
  assert_crm_error(crm_mail_import_mbox(&bad, t->db, "/x", NULL, NULL, NULL), CRM_EINVALID,
                   "crm_mail_import_stats");
  assert_crm_error(crm_mail_import_maildir(&bad, t->db, "/x", NULL, NULL, NULL), CRM_EINVALID,
                   "crm_mail_import_stats");
  assert_crm_error(crm_mail_import_mbox(&s, t->db, "/nonexistent/inbox.mbox", NULL, NULL, NULL),
                   CRM_ENOTFOUND, "/nonexistent/inbox.mbox");
  assert_crm_error(crm_mail_import_maildir(&s, t->db, "/nonexistent/Maildir", NULL, NULL, NULL),
                   CRM_ENOTFOUND, "not a Maildir");
  assert_crm_error(crm_mail_import_maildir(NULL, t->db, "/x", NULL, NULL, NULL), CRM_EINVALID,
                   "out");
  assert_int_equal(s.filed + s.failed + s.duplicate, 0);
  assert_null(s.failures.ptr);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, crm_test_setup, crm_test_teardown)
      T(test_corpus),
      T(test_raw_message_kept),
      T(test_participants_and_identity),
      T(test_duplicate_writes_nothing),
      T(test_reused_message_id),
      T(test_synthetic_message_id_is_stable),
      T(test_reply_reopens_resolved_case),
      T(test_reply_to_closed_case_opens_follow_up),
      T(test_subject_tag_needs_a_known_sender),
      T(test_subject_tag_setting_and_unknown_case),
      T(test_helpdesk_address_cannot_use_tag),
      T(test_queue_and_received_at),
      T(test_auto_reply_joins_without_reopening),
      T(test_unthreaded_auto_mail_gets_a_closed_case),
      T(test_precedence_only_suppresses_autoreplies),
      T(test_never_lost),
      T(test_ten_megabyte_attachment),
      T(test_ingest_errors),
      T(test_options_init_and_names),
      T(test_reply_threads_back),
      T(test_reply_errors),
      T(test_import_mbox),
      T(test_import_maildir),
      T(test_import_inside_transaction),
      T(test_import_errors),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
