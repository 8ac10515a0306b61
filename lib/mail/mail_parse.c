/*
 * One raw message -> crm__mail_msg, with GMime 3 doing all the MIME,
 * RFC 2047 and RFC 2231 work. Parsing never fails: what GMime cannot make
 * sense of is flagged, and a message it cannot parse at all keeps its whole
 * text as the body.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "mail_internal.h"

/* Dates before this are taken for broken clocks (1990-01-01). */
#define MAIL_EARLIEST_DATE ((crm_time)631152000)

/* ------------------------------------------------------------------ */
/* process-wide initialisation                                          */

static gpointer init_once(gpointer unused)
{
  (void)unused;
  g_mime_init();
  xmlInitParser();
  return NULL;
}

void crm__mail_global_init(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, init_once, NULL);
}

/* ------------------------------------------------------------------ */
/* small helpers                                                        */

void crm__mail_sha256(char hex[65], const void *data, size_t len)
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

char *crm__mail_bracket_id(const char *id)
{
  return g_strdup_printf("<%s>", id);
}

/* A valid UTF-8 copy with NULs and other C0 controls (but tab and
   newline) removed; NULL for NULL or a string that ends up empty. */
static char *clean_text(const char *s, int keep_newlines)
{
  if (s == NULL)
    return NULL;
  char *valid = g_utf8_make_valid(s, -1);
  GString *out = g_string_sized_new(strlen(valid));
  for (const char *p = valid; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 && c != '\t' && !(keep_newlines && c == '\n'))
      c = keep_newlines && c == '\r' ? 0 : ' ';
    if (c)
      g_string_append_c(out, (char)c);
  }
  g_free(valid);
  if (!keep_newlines)
    g_strstrip(out->str);
  if (out->str[0] == '\0') {
    g_string_free(out, TRUE);
    return NULL;
  }
  return g_string_free(out, FALSE);
}

/* Append `item` to a comma-separated list unless it is already there. */
static void list_add(GString *list, const char *item)
{
  char **items = g_strsplit(list->str, ",", -1);
  gboolean present = g_strv_contains((const char *const *)items, item);
  g_strfreev(items);
  if (present)
    return;
  if (list->len)
    g_string_append_c(list, ',');
  g_string_append(list, item);
}

/* ------------------------------------------------------------------ */
/* parser findings                                                      */

static const char *warning_name(GMimeParserWarning code)
{
  switch (code) {
  case GMIME_WARN_DUPLICATED_HEADER:
    return "duplicated_header";
  case GMIME_WARN_DUPLICATED_PARAMETER:
    return "duplicated_parameter";
  case GMIME_WARN_UNENCODED_8BIT_HEADER:
    return "unencoded_8bit_header";
  case GMIME_WARN_INVALID_CONTENT_TYPE:
    return "invalid_content_type";
  case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
    return "invalid_rfc2047_header";
  case GMIME_WARN_MALFORMED_MULTIPART:
    return "malformed_multipart";
  case GMIME_WARN_TRUNCATED_MESSAGE:
    return "truncated_message";
  case GMIME_WARN_MALFORMED_MESSAGE:
    return "malformed_message";
  case GMIME_CRIT_INVALID_HEADER_NAME:
    return "invalid_header_name";
  case GMIME_CRIT_CONFLICTING_HEADER:
    return "conflicting_header";
  case GMIME_CRIT_CONFLICTING_PARAMETER:
    return "conflicting_parameter";
  case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
    return "multipart_without_boundary";
  case GMIME_WARN_INVALID_PARAMETER:
    return "invalid_parameter";
  case GMIME_WARN_INVALID_ADDRESS_LIST:
    return "invalid_address_list";
  case GMIME_CRIT_NESTING_OVERFLOW:
    return "nesting_overflow";
  case GMIME_WARN_PART_WITHOUT_CONTENT:
    return "part_without_content";
  case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
    return "part_without_headers_or_content";
  }
  return "parser_warning";
}

static void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
                              gpointer user_data)
{
  (void)offset;
  (void)item;
  list_add(((crm__mail_msg *)user_data)->malformed, warning_name(code));
}

static GMimeParserOptions *parser_options(crm__mail_msg *m)
{
  /* 8-bit header text: UTF-8 if it is, else Latin-1 (which accepts any byte) */
  static const char *fallback[] = {"utf-8", "iso-8859-1", NULL};
  GMimeParserOptions *o = g_mime_parser_options_new();
  g_mime_parser_options_set_fallback_charsets(o, fallback);
  g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain(o, TRUE);
  g_mime_parser_options_set_warning_callback(o, on_parser_warning, m);
  return o;
}

/* ------------------------------------------------------------------ */
/* text in any charset -> UTF-8                                         */

static int charset_is_utf8(const char *charset)
{
  return g_ascii_strcasecmp(charset, "utf-8") == 0 || g_ascii_strcasecmp(charset, "utf8") == 0 ||
         g_ascii_strcasecmp(charset, "us-ascii") == 0 || g_ascii_strcasecmp(charset, "ascii") == 0;
}

/* Convert with GMime's iconv (which knows the charset aliases mail uses);
   NULL when the charset is unknown or the text is not in it. */
static char *convert_declared(crm__mail_msg *m, const char *data, size_t len, const char *charset)
{
  iconv_t cd = g_mime_iconv_open("UTF-8", charset);
  if (cd == (iconv_t)-1) {
    char *name = clean_text(charset, 0);
    if (name && strchr(name, ',') == NULL)
      list_add(m->charsets, name);
    g_free(name);
    return NULL;
  }
  char *s = g_mime_iconv_strndup(cd, data, len);
  g_mime_iconv_close(cd);
  if (s && !g_utf8_validate(s, -1, NULL)) {
    g_free(s);
    s = NULL;
  }
  return s;
}

/* UTF-8 text of a part's decoded bytes in `charset` (NULL: undeclared):
   the declared charset, else UTF-8 if valid, else Latin-1. */
static char *text_to_utf8(crm__mail_msg *m, const char *data, size_t len, const char *charset)
{
  char *s = NULL;
  if (charset && !charset_is_utf8(charset))
    s = convert_declared(m, data, len, charset);
  if (s == NULL && g_utf8_validate_len(data, len, NULL))
    s = g_strndup(data, len);
  if (s == NULL)
    s = g_convert(data, (gssize)len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (s == NULL)
    s = g_utf8_make_valid(data, (gssize)len);
  char *clean = clean_text(s, 1);
  g_free(s);
  return clean ? clean : g_strdup("");
}

/* ------------------------------------------------------------------ */
/* headers                                                              */

static const char *header(GMimeObject *o, const char *name)
{
  const char *v = g_mime_object_get_header(o, name);
  return v && *v ? v : NULL;
}

/* The first mailbox of an address list, descending into groups. */
static InternetAddressMailbox *first_mailbox(InternetAddressList *list)
{
  int n = list ? internet_address_list_length(list) : 0;
  for (int i = 0; i < n; i++) {
    InternetAddress *a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a))
      return INTERNET_ADDRESS_MAILBOX(a);
    if (INTERNET_ADDRESS_IS_GROUP(a)) {
      InternetAddressMailbox *mb =
          first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
      if (mb)
        return mb;
    }
  }
  return NULL;
}

/* Every mailbox address of a list, groups flattened. */
static void collect_addresses(GPtrArray *out, InternetAddressList *list)
{
  int n = list ? internet_address_list_length(list) : 0;
  for (int i = 0; i < n; i++) {
    InternetAddress *a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(a)) {
      collect_addresses(out, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
      continue;
    }
    char *addr = clean_text(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), 0);
    if (addr)
      g_ptr_array_add(out, addr);
  }
}

static InternetAddressList *parse_addresses(GMimeParserOptions *o, const char *text)
{
  return text ? internet_address_list_parse(o, text) : NULL;
}

/* From:, else Sender:, else Reply-To: (the first with a mailbox). */
static void read_sender(crm__mail_msg *m, GMimeObject *msg, GMimeParserOptions *o)
{
  static const char *names[] = {"From", "Sender", "Reply-To"};
  m->sender = CRM__SENDER_MISSING;
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    const char *text = header(msg, names[i]);
    if (text == NULL)
      continue;
    if (m->from_text == NULL)
      m->from_text = clean_text(text, 0);
    m->sender = CRM__SENDER_UNPARSED;
    InternetAddressList *list = parse_addresses(o, text);
    InternetAddressMailbox *mb = first_mailbox(list);
    char *addr = mb ? clean_text(internet_address_mailbox_get_addr(mb), 0) : NULL;
    if (addr) {
      m->sender = CRM__SENDER_OK;
      m->from_addr = addr;
      m->from_name = clean_text(internet_address_get_name(INTERNET_ADDRESS(mb)), 0);
    }
    if (list)
      g_object_unref(list);
    if (addr)
      return;
  }
}

/* Message ids (without brackets) named in a header, in order. */
static void read_ids(GPtrArray *out, GMimeObject *msg, const char *name, GMimeParserOptions *o)
{
  const char *text = header(msg, name);
  GMimeReferences *refs = text ? g_mime_references_parse(o, text) : NULL;
  int n = refs ? g_mime_references_length(refs) : 0;
  for (int i = 0; i < n; i++) {
    char *id = clean_text(g_mime_references_get_message_id(refs, i), 0);
    if (id)
      g_ptr_array_add(out, id);
  }
  if (refs)
    g_mime_references_free(refs);
}

static void read_date(crm__mail_msg *m, GMimeMessage *msg)
{
  m->has_date = header(GMIME_OBJECT(msg), "Date") != NULL;
  GDateTime *d = g_mime_message_get_date(msg);
  if (d)
    m->date = (crm_time)g_date_time_to_unix(d);
  if (m->date < MAIL_EARLIEST_DATE)
    m->date = 0;
}

/* Loop protection (RFC 3834 and the usual vacation/bounce markers). */
static void read_auto(crm__mail_msg *m, GMimeObject *msg)
{
  const char *as = header(msg, "Auto-Submitted");
  if (as) {
    char *value = g_ascii_strdown(as, -1);
    char *semi = strchr(value, ';');
    if (semi)
      *semi = '\0';
    g_strstrip(value);
    if (strcmp(value, "no") != 0)
      m->auto_reason = g_strdup_printf("auto-submitted: %s", value);
    g_free(value);
  }
  if (m->auto_reason == NULL && header(msg, "X-Autoreply"))
    m->auto_reason = g_strdup("x-autoreply");
  if (m->auto_reason == NULL && header(msg, "X-Autorespond"))
    m->auto_reason = g_strdup("x-autorespond");
  if (m->auto_reason == NULL && m->from_addr) {
    const char *at = strchr(m->from_addr, '@');
    size_t local = at ? (size_t)(at - m->from_addr) : strlen(m->from_addr);
    if ((local == 13 && g_ascii_strncasecmp(m->from_addr, "mailer-daemon", 13) == 0) ||
        (local == 10 && g_ascii_strncasecmp(m->from_addr, "postmaster", 10) == 0))
      m->auto_reason = g_strdup("mailer-daemon sender");
  }
  const char *prec = header(msg, "Precedence");
  if (prec) {
    char *value = g_ascii_strdown(prec, -1);
    g_strstrip(value);
    if (strcmp(value, "bulk") == 0 || strcmp(value, "junk") == 0 || strcmp(value, "list") == 0)
      m->precedence = value;
    else
      g_free(value);
  }
}

static void read_headers(crm__mail_msg *m, GMimeMessage *msg, GMimeParserOptions *o)
{
  GMimeObject *obj = GMIME_OBJECT(msg);
  read_sender(m, obj, o);
  collect_addresses(m->to, g_mime_message_get_to(msg));
  collect_addresses(m->cc, g_mime_message_get_cc(msg));
  m->subject = clean_text(g_mime_message_get_subject(msg), 0);
  read_date(m, msg);
  m->message_id = clean_text(g_mime_message_get_message_id(msg), 0);
  if (m->message_id && (strchr(m->message_id, ' ') || strchr(m->message_id, '\t'))) {
    g_free(m->message_id); /* not an id GMime could parse */
    m->message_id = NULL;
  }
  read_ids(m->in_reply_to, obj, "In-Reply-To", o);
  read_ids(m->references, obj, "References", o);
  read_auto(m, obj);
}

/* ------------------------------------------------------------------ */
/* body and attachments                                                 */

typedef struct {
  crm__mail_msg *m;
  GString *plain; /* inline text/plain parts, in order */
  char *html;     /* the first inline text/html part, as UTF-8 */
  int part_no;    /* for names of parts without one */
} walk_state;

/* The transfer-decoded bytes of a leaf part. */
static GBytes *part_bytes(GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  GMimeStream *mem = g_mime_stream_mem_new();
  if (content)
    g_mime_data_wrapper_write_to_stream(content, mem);
  GByteArray *array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
  g_object_unref(mem);
  return g_byte_array_free_to_bytes(array);
}

/* An object written back out as bytes (embedded messages). */
static GBytes *object_bytes(GMimeObject *o)
{
  GMimeStream *mem = g_mime_stream_mem_new();
  g_mime_object_write_to_stream(o, NULL, mem);
  GByteArray *array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
  g_object_unref(mem);
  return g_byte_array_free_to_bytes(array);
}

static int is_token_char(char c)
{
  return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static int is_token(const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s; s++)
    if (!is_token_char(*s))
      return 0;
  return 1;
}

/* "type/subtype" in lower case; application/octet-stream when odd. */
static char *media_type_of(GMimeObject *o)
{
  GMimeContentType *ct = g_mime_object_get_content_type(o);
  const char *type = ct ? g_mime_content_type_get_media_type(ct) : NULL;
  const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
  if (type == NULL || sub == NULL || !is_token(type) || !is_token(sub))
    return g_strdup("application/octet-stream");
  char *both = g_strdup_printf("%s/%s", type, sub);
  char *lower = g_ascii_strdown(both, -1);
  g_free(both);
  return lower;
}

/* A file name without directories; NULL if nothing usable is left. */
static char *clean_filename(const char *name)
{
  char *clean = clean_text(name, 0);
  if (clean == NULL)
    return NULL;
  const char *base = clean;
  for (const char *p = clean; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  char *out = *base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0 ? g_strdup(base) : NULL;
  g_free(clean);
  return out;
}

static void add_part(walk_state *ws, GMimeObject *o, const char *filename, GBytes *data,
                     const char *default_ext)
{
  crm__mail_part *p = g_new0(crm__mail_part, 1);
  ws->part_no++;
  p->filename = clean_filename(filename);
  if (p->filename == NULL)
    p->filename = g_strdup_printf("part-%d%s", ws->part_no, default_ext);
  p->media_type = media_type_of(o);
  p->data = data;
  g_ptr_array_add(ws->m->parts, p);
}

static char *part_text(crm__mail_msg *m, GMimePart *part)
{
  GBytes *bytes = part_bytes(part);
  gsize len = 0;
  const char *data = g_bytes_get_data(bytes, &len);
  char *text =
      text_to_utf8(m, data ? data : "", len,
                   g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset"));
  g_bytes_unref(bytes);
  return text;
}

/* Body text, in the order the parts come. */
static void add_plain(walk_state *ws, const char *text)
{
  char *clean = clean_text(text, 1);
  if (clean == NULL)
    return;
  if (ws->plain->len)
    g_string_append(ws->plain, "\n\n");
  g_string_append(ws->plain, clean);
  g_free(clean);
}

static void walk_leaf(walk_state *ws, GMimePart *part)
{
  GMimeObject *o = GMIME_OBJECT(part);
  GMimeContentType *ct = g_mime_object_get_content_type(o);
  const char *filename = g_mime_part_get_filename(part);
  int attachment = g_mime_part_is_attachment(part) || filename != NULL;
  if (!attachment && ct && g_mime_content_type_is_type(ct, "text", "plain")) {
    char *text = part_text(ws->m, part);
    add_plain(ws, text);
    g_free(text);
    return;
  }
  if (!attachment && ct && g_mime_content_type_is_type(ct, "text", "html")) {
    if (ws->html == NULL) {
      ws->html = part_text(ws->m, part);
      return;
    }
  }
  add_part(ws, o, filename, part_bytes(part), ".bin");
}

static void walk(walk_state *ws, GMimeObject *o)
{
  if (GMIME_IS_MULTIPART(o)) {
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    if (ct && g_mime_content_type_is_type(ct, "multipart", "report") && !ws->m->auto_reason)
      ws->m->auto_reason = g_strdup("multipart/report");
    GMimeMultipart *mp = GMIME_MULTIPART(o);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; i++)
      walk(ws, g_mime_multipart_get_part(mp, i));
    if (n == 0) /* boundary missing or wrong: the text is all in the prologue */
      add_plain(ws, g_mime_multipart_get_prologue(mp));
  } else if (GMIME_IS_MESSAGE_PART(o)) {
    /* a forwarded or bounced message: kept whole, as a .eml */
    GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
    GBytes *data = inner ? object_bytes(GMIME_OBJECT(inner)) : g_bytes_new(NULL, 0);
    add_part(ws, o, g_mime_object_get_content_disposition_parameter(o, "filename"), data, ".eml");
  } else if (GMIME_IS_PART(o)) {
    walk_leaf(ws, GMIME_PART(o));
  } else {
    add_part(ws, o, NULL, object_bytes(o), ".bin"); /* message/partial and the like */
  }
}

/* Where quoted history starts: a "> " line (with the "On ... wrote:" line
   before it) or an Outlook "Original Message" separator; -1 if none. */
static gssize find_quote(const char *body)
{
  gssize prev_line = -1;
  const char *line = body;
  while (*line) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    if (line[0] == '>') {
      if (prev_line >= 0) {
        const char *p = body + prev_line;
        const char *pe = strchr(p, '\n');
        char *prev = g_strndup(p, (gsize)(pe - p));
        g_strchomp(prev);
        int intro = g_str_has_suffix(prev, ":");
        g_free(prev);
        if (intro)
          return prev_line;
      }
      return line - body;
    }
    char *copy = g_strndup(line, len);
    int separator = strstr(copy, "-----Original Message-----") != NULL ||
                    strstr(copy, "-------- Original Message --------") != NULL;
    g_free(copy);
    if (separator)
      return line - body;
    if (len > 0)
      prev_line = line - body;
    if (end == NULL)
      break;
    line = end + 1;
  }
  return -1;
}

static void read_body(crm__mail_msg *m, GMimeMessage *msg)
{
  walk_state ws = {m, g_string_new(NULL), NULL, 0};
  GMimeObject *top = g_mime_message_get_mime_part(msg);
  if (top)
    walk(&ws, top);
  if (ws.plain->len > 0) {
    m->body = g_string_free(ws.plain, FALSE);
    g_free(ws.html);
  } else if (ws.html) {
    g_string_free(ws.plain, TRUE);
    m->body = crm__mail_html_to_text(ws.html, strlen(ws.html));
    m->html_only = 1;
    g_free(ws.html);
  } else {
    g_string_free(ws.plain, TRUE);
    m->body = g_strdup("");
  }
  g_strchomp(m->body);
  m->no_body = m->body[0] == '\0';
}

/* ------------------------------------------------------------------ */
/* the content digest                                                   */

static void digest_add(GChecksum *sum, const char *s)
{
  if (s)
    g_checksum_update(sum, (const guchar *)s, (gssize)strlen(s));
  g_checksum_update(sum, (const guchar *)"", 1); /* field separator */
}

/* The body bytes as they travel, with line ends and trailing blanks
   normalised: transports change those, never the content. */
static void digest_body(GChecksum *sum, const char *body, size_t len)
{
  while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == ' ' ||
                     body[len - 1] == '\t'))
    len--;
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (body[i] == '\r' && i + 1 < len && body[i + 1] == '\n') {
      g_checksum_update(sum, (const guchar *)body + start, (gssize)(i - start));
      start = i + 1;
    }
  }
  g_checksum_update(sum, (const guchar *)body + start, (gssize)(len - start));
}

/* SHA-256 over From, Date, Subject (as GMime decodes them) and the body
   bytes after the header block (the whole input when unparsed). */
static void compute_digest(crm__mail_msg *m, GMimeMessage *msg, const char *raw, size_t len,
                           gint64 headers_end)
{
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  if (msg) {
    digest_add(sum, header(GMIME_OBJECT(msg), "From"));
    digest_add(sum, header(GMIME_OBJECT(msg), "Date"));
    digest_add(sum, header(GMIME_OBJECT(msg), "Subject"));
  }
  size_t body_start = headers_end > 0 && (size_t)headers_end <= len ? (size_t)headers_end : 0;
  digest_body(sum, raw + body_start, len - body_start);
  g_strlcpy(m->digest, g_checksum_get_string(sum), sizeof m->digest);
  g_checksum_free(sum);
}

/* ------------------------------------------------------------------ */
/* entry points                                                         */

static void part_free(gpointer p)
{
  crm__mail_part *part = p;
  g_free(part->filename);
  g_free(part->media_type);
  g_bytes_unref(part->data);
  g_free(part);
}

static crm__mail_msg *msg_new(void)
{
  crm__mail_msg *m = g_new0(crm__mail_msg, 1);
  m->to = g_ptr_array_new_with_free_func(g_free);
  m->cc = g_ptr_array_new_with_free_func(g_free);
  m->in_reply_to = g_ptr_array_new_with_free_func(g_free);
  m->references = g_ptr_array_new_with_free_func(g_free);
  m->malformed = g_string_new(NULL);
  m->charsets = g_string_new(NULL);
  m->parts = g_ptr_array_new_with_free_func(part_free);
  m->quote_offset = -1;
  return m;
}

/* Nothing GMime recognises as a message: keep the text as the body. */
static void fall_back_to_text(crm__mail_msg *m, const char *raw, size_t len)
{
  m->parse_failed = 1;
  m->sender = CRM__SENDER_MISSING;
  m->body = text_to_utf8(m, raw, len, NULL);
  g_strchomp(m->body);
  m->no_body = m->body[0] == '\0';
}

crm__mail_msg *crm__mail_parse(const void *raw, size_t len)
{
  crm__mail_global_init();
  crm__mail_msg *m = msg_new();
  GMimeParserOptions *o = parser_options(m);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *msg = g_mime_parser_construct_message(parser, o);
  gint64 headers_end = msg ? g_mime_parser_get_headers_end(parser) : 0;
  if (msg) {
    read_headers(m, msg, o);
    read_body(m, msg);
  } else {
    fall_back_to_text(m, raw, len);
  }
  m->quote_offset = find_quote(m->body);
  compute_digest(m, msg, raw, len, headers_end);
  if (msg)
    g_object_unref(msg);
  g_object_unref(parser);
  g_object_unref(stream);
  g_mime_parser_options_free(o);
  return m;
}

void crm__mail_msg_free(crm__mail_msg *m)
{
  if (m == NULL)
    return;
  g_free(m->from_addr);
  g_free(m->from_name);
  g_free(m->from_text);
  g_ptr_array_unref(m->to);
  g_ptr_array_unref(m->cc);
  g_free(m->subject);
  g_free(m->message_id);
  g_ptr_array_unref(m->in_reply_to);
  g_ptr_array_unref(m->references);
  g_free(m->body);
  g_free(m->auto_reason);
  g_free(m->precedence);
  g_string_free(m->malformed, TRUE);
  g_string_free(m->charsets, TRUE);
  g_ptr_array_unref(m->parts);
  g_free(m);
}
