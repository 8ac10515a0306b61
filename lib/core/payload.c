/*
 * Event payloads written as text: a flat JSON object of integers,
 * strings, booleans and nulls, members in the order they are added, the
 * same text json-glib's generator writes for it (checked by
 * tests/conformance/test_event.c). A contact's own events (customer,
 * identity, case, interaction) are built here rather than as JsonObjects,
 * whose allocations were a sixth of a contact's cost in bench/ingest.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "internal.h"

void crm__payload_init(crm__payload *p)
{
  p->text = g_string_sized_new(192);
  g_string_append_c(p->text, '{');
}

static void member(crm__payload *p, const char *name)
{
  if (p->text->len > 1)
    g_string_append_c(p->text, ',');
  g_string_append_c(p->text, '"');
  g_string_append(p->text, name);
  g_string_append(p->text, "\":");
}

/* Text json-glib writes as it is: printable ASCII but the quote and the
   backslash, and UTF-8 beyond ASCII (the caller checked it is valid). */
static int json_plain(const char *s)
{
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if (*c < 0x20 || *c == '"' || *c == '\\' || *c == 0x7f)
      return 0;
  return 1;
}

void crm__payload_int(crm__payload *p, const char *name, int64_t v)
{
  member(p, name);
  /* printf's digits without printf (the cost of a payload was mostly
     formatting) */
  char digits[24];
  int n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    digits[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u > 0);
  if (v < 0)
    g_string_append_c(p->text, '-');
  while (n > 0)
    g_string_append_c(p->text, digits[--n]);
}

void crm__payload_id(crm__payload *p, const char *name, crm_id id)
{
  if (id > 0)
    crm__payload_int(p, name, id);
  else
    crm__payload_null(p, name);
}

void crm__payload_str(crm__payload *p, const char *name, const char *v)
{
  if (v == NULL) {
    crm__payload_null(p, name);
    return;
  }
  member(p, name);
  if (json_plain(v)) {
    g_string_append_c(p->text, '"');
    g_string_append(p->text, v);
    g_string_append_c(p->text, '"');
    return;
  }
  /* escapes as json-glib writes them, by json-glib */
  JsonNode *node = json_node_init_string(json_node_alloc(), v);
  char *literal = json_to_string(node, FALSE);
  g_string_append(p->text, literal);
  g_free(literal);
  json_node_unref(node);
}

void crm__payload_bool(crm__payload *p, const char *name, int v)
{
  member(p, name);
  g_string_append(p->text, v ? "true" : "false");
}

void crm__payload_null(crm__payload *p, const char *name)
{
  member(p, name);
  g_string_append(p->text, "null");
}

int crm__payload_add(crm__payload *p, const char *name, JsonNode *node)
{
  if (!json_plain(name))
    return 0;
  if (JSON_NODE_HOLDS_NULL(node)) {
    crm__payload_null(p, name);
    return 1;
  }
  if (!JSON_NODE_HOLDS_VALUE(node))
    return 0;
  switch (json_node_get_value_type(node)) {
  case G_TYPE_INT64:
    crm__payload_int(p, name, json_node_get_int(node));
    return 1;
  case G_TYPE_BOOLEAN:
    crm__payload_bool(p, name, json_node_get_boolean(node));
    return 1;
  case G_TYPE_STRING:
    crm__payload_str(p, name, json_node_get_string(node));
    return 1;
  default:
    return 0;
  }
}

char *crm__payload_end(crm__payload *p)
{
  g_string_append_c(p->text, '}');
  char *text = g_string_free(p->text, FALSE);
  p->text = NULL;
  return text;
}

void crm__payload_clear(crm__payload *p)
{
  if (p->text)
    g_string_free(p->text, TRUE);
  p->text = NULL;
}
