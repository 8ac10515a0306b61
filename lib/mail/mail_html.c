/*
 * HTML-only mail bodies -> text, with libxml2's HTML parser (which copes
 * with the tag soup mail clients send). Text nodes are collected in
 * document order; block elements break lines, <br> breaks a line, list
 * items get "- ", blockquotes (quoted history) get "> " on each line;
 * script, style and head are skipped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <libxml/HTMLparser.h>

#include "mail_internal.h"

/* Nesting beyond this is not walked (libxml2 limits depth too). */
#define MAX_DEPTH 256

typedef struct {
  GString *out;
  int quote_depth; /* open <blockquote> elements */
  int pre_depth;   /* open <pre> elements: keep white space */
  int newlines;    /* pending line breaks (collapsed to at most 2) */
  int at_start;    /* nothing written yet */
  int space;       /* a pending space between words */
} text_builder;

static int name_is(const xmlNode *n, const char *name)
{
  return n->name && g_ascii_strcasecmp((const char *)n->name, name) == 0;
}

static int name_in(const xmlNode *n, const char *const *names)
{
  for (; *names; names++)
    if (name_is(n, *names))
      return 1;
  return 0;
}

static const char *const skipped[] = {"script", "style", "head", "title", "template", NULL};
static const char *const blocks[] = {
    "p",      "div",    "h1",      "h2",    "h3",         "h4",  "h5",   "h6",      "ul",
    "ol",     "li",     "tr",      "table", "blockquote", "pre", "hr",   "section", "article",
    "header", "footer", "address", "dl",    "dt",         "dd",  "form", "center",  NULL};

static void break_line(text_builder *b, int count)
{
  if (!b->at_start && b->newlines < count)
    b->newlines = count;
  b->space = 0;
}

/* Flush pending breaks; start each new line with the quote markers. */
static void begin_text(text_builder *b)
{
  int line_start = b->at_start || b->newlines > 0;
  for (int i = 0; i < b->newlines; i++)
    g_string_append_c(b->out, '\n');
  if (line_start && b->quote_depth > 0) {
    for (int q = 0; q < b->quote_depth; q++)
      g_string_append_c(b->out, '>');
    g_string_append_c(b->out, ' ');
  } else if (!line_start && b->space) {
    g_string_append_c(b->out, ' ');
  }
  b->newlines = 0;
  b->space = 0;
  b->at_start = 0;
}

static void add_text(text_builder *b, const char *text)
{
  if (b->pre_depth > 0) {
    for (const char *p = text; *p; p++) {
      if (*p == '\n') {
        b->newlines++;
        continue;
      }
      if (b->newlines || b->at_start)
        begin_text(b);
      g_string_append_c(b->out, *p);
    }
    return;
  }
  const char *p = text;
  while (*p) {
    if (g_ascii_isspace(*p)) {
      b->space = 1;
      p++;
      continue;
    }
    const char *word = p;
    while (*p && !g_ascii_isspace(*p))
      p++;
    begin_text(b);
    g_string_append_len(b->out, word, p - word);
  }
}

static void walk(text_builder *b, const xmlNode *n, int depth)
{
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        add_text(b, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE || name_in(n, skipped) || depth >= MAX_DEPTH)
      continue;
    if (name_is(n, "br")) {
      if (!b->at_start)
        b->newlines++;
      continue;
    }
    int block = name_in(n, blocks);
    int quote = name_is(n, "blockquote"), pre = name_is(n, "pre");
    if (block)
      break_line(b, name_is(n, "p") || quote ? 2 : 1);
    if (name_is(n, "li")) {
      begin_text(b);
      g_string_append(b->out, "- ");
    }
    b->quote_depth += quote;
    b->pre_depth += pre;
    walk(b, n->children, depth + 1);
    b->quote_depth -= quote;
    b->pre_depth -= pre;
    if (block)
      break_line(b, name_is(n, "p") || quote ? 2 : 1);
    else if (name_is(n, "td") || name_is(n, "th"))
      b->space = 1;
  }
}

char *crm__mail_html_to_text(const char *html, size_t len)
{
  crm__mail_global_init();
  if (len > (size_t)G_MAXINT32)
    len = (size_t)G_MAXINT32;
  htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_COMPACT);
  text_builder b = {g_string_new(NULL), 0, 0, 0, 1, 0};
  if (doc) {
    walk(&b, xmlDocGetRootElement(doc), 0);
    xmlFreeDoc(doc);
  }
  g_string_replace(b.out, "\302\240", " ", 0); /* &nbsp; is a space in plain text */
  char *text = g_utf8_make_valid(b.out->str, (gssize)b.out->len);
  g_string_free(b.out, TRUE);
  return text;
}
