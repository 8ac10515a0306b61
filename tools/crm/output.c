/*
 * crm: everything the tool prints. Results arrive as cli_obj / cli_list
 * values and leave as JSON (json-glib) or as aligned text with relative
 * times; errors go to stderr.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Table cells longer than this are cut (with an ellipsis): "show" has the rest. */
#define CELL_MAX_CHARS 60

typedef struct {
  char *key;
  char *label; /* NULL: JSON only */
  JsonNode *json;
  char *text; /* human form in "show" views */
  char *cell; /* human form in tables; NULL: same as text */
  cli_obj *obj;
  cli_list *list;
} field;

struct cli_obj {
  cli_state *cli;
  GPtrArray *fields;
};

struct cli_list {
  GPtrArray *objs;
};

static GString *value_error; /* the tool's own message for the next cli_fail */

/* ---- fields ---------------------------------------------------------------- */

static void field_free(gpointer data)
{
  field *f = data;
  g_free(f->key);
  g_free(f->label);
  if (f->json != NULL)
    json_node_unref(f->json);
  g_free(f->text);
  g_free(f->cell);
  cli_obj_free(f->obj);
  cli_list_free(f->list);
  g_free(f);
}

/* Appends a field and hands it back for the caller to fill in. */
static field *add_field(cli_obj *o, const char *key, const char *label)
{
  field *f = g_new0(field, 1);
  f->key = g_strdup(key);
  f->label = g_strdup(label);
  g_ptr_array_add(o->fields, f);
  return f;
}

cli_obj *cli_obj_new(cli_state *cli)
{
  cli_obj *o = g_new0(cli_obj, 1);
  o->cli = cli;
  o->fields = g_ptr_array_new_with_free_func(field_free);
  return o;
}

void cli_obj_free(cli_obj *o)
{
  if (o == NULL)
    return;
  g_ptr_array_unref(o->fields);
  g_free(o);
}

void cli_obj_id(cli_obj *o, const char *key, const char *label, crm_id id)
{
  field *f = add_field(o, key, label);
  f->json = id > 0 ? json_node_init_int(json_node_alloc(), id) : json_node_new(JSON_NODE_NULL);
  f->text = id > 0 ? g_strdup_printf("%" G_GINT64_FORMAT, (gint64)id) : g_strdup("-");
}

void cli_obj_int(cli_obj *o, const char *key, const char *label, int64_t value)
{
  field *f = add_field(o, key, label);
  f->json = json_node_init_int(json_node_alloc(), value);
  f->text = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)value);
}

void cli_obj_str(cli_obj *o, const char *key, const char *label, const char *text)
{
  field *f = add_field(o, key, label);
  f->json =
      text != NULL ? json_node_init_string(json_node_alloc(), text) : json_node_new(JSON_NODE_NULL);
  f->text = g_strdup(text != NULL ? text : "-");
}

void cli_obj_bool(cli_obj *o, const char *key, const char *label, gboolean value)
{
  field *f = add_field(o, key, label);
  f->json = json_node_init_boolean(json_node_alloc(), value);
  f->text = g_strdup(value ? "yes" : "no");
}

/* "3 days ago", "in 2 hours", "just now". */
static char *relative_time(crm_time t, crm_time now)
{
  static const struct {
    int64_t below, unit;
    const char *name;
  } scales[] = {
      {90 * 60, 60, "minute"},
      {36 * 3600, 3600, "hour"},
      {14 * 86400, 86400, "day"},
      {8 * 7 * 86400, 7 * 86400, "week"},
      {365 * 86400, 30 * 86400, "month"},
      {INT64_MAX, 365 * 86400, "year"},
  };
  int64_t diff = now - t;
  int64_t span = diff < 0 ? -diff : diff;

  if (span < 45)
    return g_strdup("just now");
  for (size_t i = 0; i < G_N_ELEMENTS(scales); i++) {
    if (span >= scales[i].below)
      continue;
    int64_t n = MAX((span + scales[i].unit / 2) / scales[i].unit, 1);
    const char *plural = n == 1 ? "" : "s";
    return diff >= 0
               ? g_strdup_printf("%" G_GINT64_FORMAT " %s%s ago", (gint64)n, scales[i].name, plural)
               : g_strdup_printf("in %" G_GINT64_FORMAT " %s%s", (gint64)n, scales[i].name, plural);
  }
  return g_strdup("?");
}

static crm_time cli_clock(const cli_state *cli)
{
  return cli->now > 0 ? cli->now : (crm_time)(g_get_real_time() / G_USEC_PER_SEC);
}

void cli_obj_time(cli_obj *o, const char *key, const char *label, crm_time t)
{
  field *f = add_field(o, key, label);
  if (t <= 0) {
    f->json = json_node_new(JSON_NODE_NULL);
    f->text = g_strdup("-");
    return;
  }
  f->json = json_node_init_int(json_node_alloc(), t);
  f->cell = relative_time(t, cli_clock(o->cli));
  GDateTime *dt = g_date_time_new_from_unix_local(t);
  char *absolute = dt != NULL ? g_date_time_format(dt, "%Y-%m-%d %H:%M %Z") : NULL;
  f->text = g_strdup_printf("%s (%s)", absolute != NULL ? absolute : "?", f->cell);
  g_free(absolute);
  if (dt != NULL)
    g_date_time_unref(dt);
}

/* "40h", "1h 30m", "45s", "5d 2h" (days from 100 hours up: SLA targets are
   business hours); at most the two largest units. */
static char *duration_text(int64_t seconds)
{
  static const struct {
    int64_t unit;
    const char *suffix;
  } units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  GString *text = g_string_new(seconds < 0 ? "-" : "");
  int64_t left = seconds < 0 ? -seconds : seconds;
  int shown = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(units) && shown < 2; i++) {
    int64_t n = left / units[i].unit;
    if ((n == 0 && !(shown == 0 && units[i].unit == 1)) ||
        (units[i].unit == 86400 && left < 100 * 3600))
      continue;
    g_string_append_printf(text, "%s%" G_GINT64_FORMAT "%s", shown > 0 ? " " : "", (gint64)n,
                           units[i].suffix);
    left -= n * units[i].unit;
    shown++;
    if (left == 0)
      break;
  }
  return g_string_free(text, FALSE);
}

void cli_obj_duration(cli_obj *o, const char *key, const char *label, int64_t seconds)
{
  field *f = add_field(o, key, label);
  f->json = json_node_init_int(json_node_alloc(), seconds);
  f->text = duration_text(seconds);
}

void cli_obj_strv(cli_obj *o, const char *key, const char *label, GPtrArray *strings)
{
  field *f = add_field(o, key, label);
  JsonArray *array = json_array_new();
  GString *joined = g_string_new(NULL);
  for (guint i = 0; i < strings->len; i++) {
    const char *s = g_ptr_array_index(strings, i);
    json_array_add_string_element(array, s);
    g_string_append_printf(joined, "%s%s", i > 0 ? ", " : "", s);
  }
  f->json = json_node_init_array(json_node_alloc(), array);
  json_array_unref(array);
  if (joined->len == 0)
    g_string_append(joined, "-");
  f->text = g_string_free(joined, FALSE);
}

void cli_obj_json(cli_obj *o, const char *key, const char *label, const char *json_text)
{
  field *f = add_field(o, key, label);
  f->json = json_text != NULL ? json_from_string(json_text, NULL) : NULL;
  if (f->json == NULL)
    f->json = json_text != NULL ? json_node_init_string(json_node_alloc(), json_text)
                                : json_node_new(JSON_NODE_NULL);
  f->text = g_strdup(json_text != NULL ? json_text : "-");
}

void cli_obj_obj(cli_obj *o, const char *key, const char *label, cli_obj *child)
{
  add_field(o, key, label)->obj = child;
}

void cli_obj_list(cli_obj *o, const char *key, const char *label, cli_list *child)
{
  add_field(o, key, label)->list = child;
}

cli_list *cli_list_new(void)
{
  cli_list *l = g_new0(cli_list, 1);
  l->objs = g_ptr_array_new_with_free_func((GDestroyNotify)cli_obj_free);
  return l;
}

void cli_list_free(cli_list *l)
{
  if (l == NULL)
    return;
  g_ptr_array_unref(l->objs);
  g_free(l);
}

void cli_list_add(cli_list *l, cli_obj *o)
{
  g_ptr_array_add(l->objs, o);
}

size_t cli_list_size(const cli_list *l)
{
  return l->objs->len;
}

/* ---- JSON ------------------------------------------------------------------ */

static JsonNode *list_to_json(const cli_list *l);

static JsonNode *obj_to_json(const cli_obj *o)
{
  JsonObject *object = json_object_new();
  for (guint i = 0; i < o->fields->len; i++) {
    const field *f = g_ptr_array_index(o->fields, i);
    JsonNode *value = f->obj != NULL    ? obj_to_json(f->obj)
                      : f->list != NULL ? list_to_json(f->list)
                                        : json_node_copy(f->json);
    json_object_set_member(object, f->key, value);
  }
  JsonNode *node = json_node_init_object(json_node_alloc(), object);
  json_object_unref(object);
  return node;
}

static JsonNode *list_to_json(const cli_list *l)
{
  JsonArray *array = json_array_new();
  for (guint i = 0; i < l->objs->len; i++)
    json_array_add_element(array, obj_to_json(g_ptr_array_index(l->objs, i)));
  JsonNode *node = json_node_init_array(json_node_alloc(), array);
  json_array_unref(array);
  return node;
}

static void print_json(JsonNode *node, gboolean pretty)
{
  JsonGenerator *gen = json_generator_new();
  json_generator_set_pretty(gen, pretty);
  json_generator_set_indent(gen, 2);
  json_generator_set_root(gen, node);
  char *text = json_generator_to_data(gen, NULL);
  fputs(text, stdout);
  fputc('\n', stdout);
  fflush(stdout);
  g_free(text);
  g_object_unref(gen);
  json_node_unref(node);
}

/* ---- human text -------------------------------------------------------------- */

static gboolean is_scalar(const field *f)
{
  return f->obj == NULL && f->list == NULL;
}

/* A table cell: one line, cut to CELL_MAX_CHARS characters. */
static char *cell_text(const field *f)
{
  char *one_line = g_strdup(f->cell != NULL ? f->cell : f->text);
  g_strdelimit(one_line, "\r\n\t", ' ');
  if (g_utf8_strlen(one_line, -1) <= CELL_MAX_CHARS)
    return one_line;
  char *end = g_utf8_offset_to_pointer(one_line, CELL_MAX_CHARS - 1);
  char *cut = g_strdup_printf("%.*s…", (int)(end - one_line), one_line);
  g_free(one_line);
  return cut;
}

static void pad_to(GString *out, const char *text, size_t width)
{
  g_string_append(out, text);
  for (size_t n = g_utf8_strlen(text, -1); n < width; n++)
    g_string_append_c(out, ' ');
}

/* Appends the table of `l` to `out`, each line prefixed by `indent`. */
static void render_table(GString *out, const cli_list *l, const char *indent)
{
  if (l->objs->len == 0) {
    g_string_append_printf(out, "%s(none)\n", indent);
    return;
  }
  const cli_obj *first = g_ptr_array_index(l->objs, 0);
  GPtrArray *columns = g_ptr_array_new(); /* indexes of the labelled scalar fields */
  for (guint i = 0; i < first->fields->len; i++) {
    const field *f = g_ptr_array_index(first->fields, i);
    if (f->label != NULL && is_scalar(f))
      g_ptr_array_add(columns, GUINT_TO_POINTER(i));
  }
  guint rows = l->objs->len + 1;
  char **cells = g_new0(char *, (gsize)rows * columns->len);
  size_t *widths = g_new0(size_t, columns->len);
  for (guint c = 0; c < columns->len; c++) {
    guint index = GPOINTER_TO_UINT(g_ptr_array_index(columns, c));
    const field *head = g_ptr_array_index(first->fields, index);
    cells[c] = g_ascii_strup(head->label, -1);
    for (guint r = 1; r < rows; r++) {
      const cli_obj *o = g_ptr_array_index(l->objs, r - 1);
      const field *f = index < o->fields->len ? g_ptr_array_index(o->fields, index) : NULL;
      cells[r * columns->len + c] = f != NULL ? cell_text(f) : g_strdup("");
    }
    for (guint r = 0; r < rows; r++)
      widths[c] = MAX(widths[c], (size_t)g_utf8_strlen(cells[r * columns->len + c], -1));
  }
  for (guint r = 0; r < rows; r++) {
    GString *line = g_string_new(indent);
    for (guint c = 0; c < columns->len; c++) {
      gboolean last = c + 1 == columns->len;
      pad_to(line, cells[r * columns->len + c], last ? 0 : widths[c] + 2);
    }
    g_string_append_printf(out, "%s\n", line->str);
    g_string_free(line, TRUE);
  }
  for (guint i = 0; i < rows * columns->len; i++)
    g_free(cells[i]);
  g_free(cells);
  g_free(widths);
  g_ptr_array_unref(columns);
}

/* "Label:  value" lines, aligned; nested objects and lists below their label. */
static void render_obj(GString *out, const cli_obj *o, const char *indent)
{
  size_t width = 0;
  for (guint i = 0; i < o->fields->len; i++) {
    const field *f = g_ptr_array_index(o->fields, i);
    if (f->label != NULL && is_scalar(f))
      width = MAX(width, (size_t)g_utf8_strlen(f->label, -1) + 1);
  }
  for (guint i = 0; i < o->fields->len; i++) {
    const field *f = g_ptr_array_index(o->fields, i);
    if (f->label == NULL)
      continue;
    char *label = g_strdup_printf("%s:", f->label);
    char *deeper = g_strdup_printf("%s  ", indent);
    g_string_append(out, indent);
    if (is_scalar(f)) {
      pad_to(out, label, width + 2);
      g_string_append_printf(out, "%s\n", f->text);
    } else if (f->obj != NULL) {
      g_string_append_printf(out, "%s\n", label);
      render_obj(out, f->obj, deeper);
    } else {
      g_string_append_printf(out, "%s\n", label);
      render_table(out, f->list, deeper);
    }
    g_free(label);
    g_free(deeper);
  }
}

static void print_text(GString *text)
{
  fputs(text->str, stdout);
  fflush(stdout);
  g_string_free(text, TRUE);
}

int cli_emit_obj(cli_state *cli, cli_obj *o)
{
  if (cli->json) {
    print_json(obj_to_json(o), TRUE);
  } else {
    GString *out = g_string_new(NULL);
    render_obj(out, o, "");
    print_text(out);
  }
  cli_obj_free(o);
  return CLI_EXIT_OK;
}

int cli_emit_list(cli_state *cli, cli_list *l)
{
  if (cli->json) {
    print_json(list_to_json(l), TRUE);
  } else {
    GString *out = g_string_new(NULL);
    render_table(out, l, "");
    print_text(out);
  }
  cli_list_free(l);
  return CLI_EXIT_OK;
}

int cli_emit_json_text(cli_state *cli, const char *json_text)
{
  GError *error = NULL;
  JsonNode *node = json_from_string(json_text, &error);
  if (node == NULL) {
    crm_status st = cli_value_error("libcrm returned malformed JSON (%s)", error->message);
    g_error_free(error);
    return cli_fail(cli, st);
  }
  print_json(node, TRUE);
  return CLI_EXIT_OK;
}

void cli_emit_stream_item(cli_state *cli, cli_obj *o)
{
  if (cli->json) {
    print_json(obj_to_json(o), FALSE);
  } else {
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < o->fields->len; i++) {
      const field *f = g_ptr_array_index(o->fields, i);
      if (f->label == NULL || !is_scalar(f))
        continue;
      char *cell = cell_text(f);
      g_string_append_printf(out, "%s%s", out->len > 0 ? "  " : "", cell);
      g_free(cell);
    }
    g_string_append_c(out, '\n');
    print_text(out);
  }
  cli_obj_free(o);
}

void cli_note(cli_state *cli, const char *format, ...)
{
  if (cli->json)
    return;
  va_list ap;
  va_start(ap, format);
  char *text = g_strdup_vprintf(format, ap);
  va_end(ap);
  fprintf(stderr, "%s\n", text);
  g_free(text);
}

/* ---- progress bars ---------------------------------------------------------------- */

#define PROGRESS_WIDTH      30                    /* characters of the bar */
#define PROGRESS_EVERY_USEC (G_USEC_PER_SEC / 10) /* redraw at most this often */

struct cli_progress {
  char *what;
  gint64 drawn_at; /* monotonic time of the last redraw */
};

cli_progress *cli_progress_new(const char *what)
{
  if (!isatty(fileno(stderr)))
    return NULL;
  cli_progress *p = g_new0(cli_progress, 1);
  p->what = g_strdup(what);
  return p;
}

void cli_progress_update(cli_progress *p, size_t done, size_t total)
{
  if (p == NULL)
    return;
  gint64 t = g_get_monotonic_time();
  if (done != total && t - p->drawn_at < PROGRESS_EVERY_USEC)
    return;
  p->drawn_at = t;
  if (total == 0) { /* not known in advance (an mbox) */
    fprintf(stderr, "\r%s: %zu\033[K", p->what, done);
  } else {
    size_t filled = MIN(done, total) * PROGRESS_WIDTH / total;
    char bar[PROGRESS_WIDTH + 1];
    memset(bar, '#', filled);
    memset(bar + filled, '-', PROGRESS_WIDTH - filled);
    bar[PROGRESS_WIDTH] = '\0';
    fprintf(stderr, "\r%s: [%s] %zu/%zu\033[K", p->what, bar, done, total);
  }
  fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
  if (p == NULL)
    return;
  if (p->drawn_at != 0)
    fputs("\r\033[K", stderr); /* the result follows on stdout */
  fflush(stderr);
  g_free(p->what);
  g_free(p);
}

void cli_print_bytes(const void *data, size_t len)
{
  fwrite(data, 1, len, stdout);
  fflush(stdout);
}

/* ---- failures ------------------------------------------------------------------ */

crm_status cli_value_error(const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  if (value_error == NULL)
    value_error = g_string_new(NULL);
  g_string_vprintf(value_error, format, ap);
  va_end(ap);
  return CRM_EINVALID;
}

int cli_fail(cli_state *cli, crm_status st)
{
  const char *message = crm_error_last()->code == st ? crm_error_last()->message : NULL;
  if (value_error != NULL && value_error->len > 0)
    message = value_error->str;
  cli_print_error("%s%s%s (%s)", cli->command != NULL ? cli->command : "",
                  cli->command != NULL ? ": " : "", message != NULL ? message : crm_strerror(st),
                  crm_strerror(st));
  if (value_error != NULL)
    g_string_truncate(value_error, 0);
  return CLI_EXIT_OF(st);
}

int cli_usage(cli_state *cli, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  char *text = g_strdup_vprintf(format, ap);
  va_end(ap);
  cli_print_error("%s", text);
  fprintf(stderr, "Try 'crm %s%s--help'.\n", cli->command != NULL ? cli->command : "",
          cli->command != NULL ? " " : "");
  g_free(text);
  return CLI_EXIT_USAGE;
}

void cli_print_text(const char *text)
{
  fputs(text, stdout);
  fflush(stdout);
}

void cli_print_error(const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  char *text = g_strdup_vprintf(format, ap);
  va_end(ap);
  fprintf(stderr, "crm: %s\n", text);
  g_free(text);
}
