/*
 * Unit tests: the handle (crm_open's URIs and options, clock, actor, log,
 * close), explicit transactions, objects outliving crm_close, crm_tick.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#define SENTINEL ((crm_db *)(uintptr_t)0x1)

/* Assert that crm_open fails with `code` (message containing `needle`) and
   leaves *out NULL. */
static void assert_open_fails(const char *uri, const crm_open_options *opts, crm_status code,
                              const char *needle)
{
  crm_db *db = SENTINEL;
  assert_crm_error(crm_open(&db, uri, opts), code, needle);
  assert_null(db);
}

/* One customer through `db`, named `name`. */
static crm_id make_customer(crm_db *db, const char *name)
{
  crm_id id = 0;
  assert_crm_ok(crm_customer_create(&id, db, name));
  assert_true(id > 0);
  return id;
}

/* ------------------------------------------------------------------ */
/* URIs                                                                 */

static void open_sqlite_uri(void **state)
{
  crm_test_db *t = *state;
  /* the fixture opened "sqlite:PATH": the file exists and works */
  assert_true(g_str_has_prefix(t->uri, "sqlite:"));
  assert_true(g_file_test(t->path, G_FILE_TEST_IS_REGULAR));
  long before = crm_test_count_events(t->db);
  make_customer(t->db, "Ada");
  assert_int_equal(crm_test_count_events(t->db), before + 1);
}

static void open_plain_path_is_sqlite(void **state)
{
  crm_test_db *t = *state;
  crm_db *db = SENTINEL;
  assert_crm_ok(crm_open(&db, t->path, NULL));
  assert_non_null(db);
  assert_true(db != SENTINEL);
  long before = crm_test_count_events(t->db);
  make_customer(db, "via a plain path");
  crm_close(db);
  /* the same file as "sqlite:PATH" */
  assert_int_equal(crm_test_count_events(t->db), before + 1);
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.created");
}

static void open_memory(void **state)
{
  (void)state;
  crm_db *a = NULL, *b = NULL;
  assert_crm_ok(crm_open(&a, "sqlite::memory:", NULL));
  assert_crm_ok(crm_open(&b, "sqlite::memory:", NULL));
  assert_non_null(a);
  assert_non_null(b);
  make_customer(a, "Ada");
  assert_int_equal(crm_test_count_events(a), 1);
  /* each in-memory database is its own */
  assert_int_equal(crm_test_count_events(b), 0);
  crm_close(a);
  crm_close(b);
  /* nothing was left behind: a new one starts empty */
  assert_crm_ok(crm_open(&a, "sqlite::memory:", NULL));
  assert_int_equal(crm_test_count_events(a), 0);
  crm_close(a);
}

static void open_bad_uris(void **state)
{
  (void)state;
  assert_open_fails("sqlite:", NULL, CRM_EINVALID, "sqlite:");
  assert_open_fails("", NULL, CRM_EINVALID, "uri");
  assert_open_fails("sqlite:\xff\xfe", NULL, CRM_EINVALID, "UTF-8");
  assert_open_fails("mysql://x", NULL, CRM_ENOTSUPPORTED, "mysql");
}

static void open_postgres_without_server(void **state)
{
  (void)state;
  /* Without PostgreSQL support: CRM_ENOTSUPPORTED; with it, no server listens
     on this socket directory: CRM_ERROR. Either way no handle. */
  static const char *const uris[] = {
      "postgresql:///crm?host=/nonexistent-libcrm-test-dir&connect_timeout=1",
      "postgres:host=/nonexistent-libcrm-test-dir dbname=crm connect_timeout=1",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(uris); i++) {
    crm_db *db = SENTINEL;
    crm_status st = crm_open(&db, uris[i], NULL);
    assert_true(st == CRM_ENOTSUPPORTED || st == CRM_ERROR);
    assert_int_equal(crm_error_last()->code, st);
    assert_null(db);
  }
}

static void open_unwritable_path(void **state)
{
  (void)state;
  assert_open_fails("sqlite:/nonexistent-libcrm-test-dir/sub/crm.db", NULL, CRM_ERROR, NULL);
}

static void open_null_arguments(void **state)
{
  (void)state;
  assert_crm_error(crm_open(NULL, "sqlite::memory:", NULL), CRM_EINVALID, "out");
  assert_open_fails(NULL, NULL, CRM_EINVALID, "uri");
}

/* ------------------------------------------------------------------ */
/* options                                                              */

static void options_init(void **state)
{
  (void)state;
  crm_open_options opts;
  memset(&opts, 0xab, sizeof opts);
  assert_crm_ok(crm_open_options_init(&opts, CRM_OPEN_OPTIONS_VERSION));
  assert_int_equal(opts.version, CRM_OPEN_OPTIONS_VERSION);
  assert_null(opts.clock);
  assert_null(opts.clock_payload);
  assert_int_equal(opts.actor, 0);
  assert_int_equal(opts.busy_timeout_ms, 0);
  assert_null(opts.default_phone_region);
  assert_int_equal(opts.durable, 0);
  assert_null(opts.log);
  assert_null(opts.log_payload);

  crm_open_options init = CRM_OPEN_OPTIONS_INIT;
  assert_int_equal(init.version, CRM_OPEN_OPTIONS_VERSION);
  assert_int_equal(init.durable, 0);

  assert_crm_error(crm_open_options_init(NULL, CRM_OPEN_OPTIONS_VERSION), CRM_EINVALID, "opts");
  assert_crm_error(crm_open_options_init(&opts, 0), CRM_EINVALID, "version 0");
  assert_crm_error(crm_open_options_init(&opts, 99), CRM_EINVALID, "version 99");
}

static void options_invalid(void **state)
{
  (void)state;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;

  opts.version = 0;
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "version 0");
  opts.version = 99;
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "version 99");

  crm_open_options_init(&opts, CRM_OPEN_OPTIONS_VERSION);
  opts.busy_timeout_ms = -1;
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "busy_timeout_ms -1");

  crm_open_options_init(&opts, CRM_OPEN_OPTIONS_VERSION);
  opts.durable = 2;
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "durable 2");
  opts.durable = -1;
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "durable -1");

  crm_open_options_init(&opts, CRM_OPEN_OPTIONS_VERSION);
  opts.default_phone_region = "XX";
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "'XX'");
  opts.default_phone_region = "";
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "default_phone_region");
  opts.default_phone_region = "\xff";
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "UTF-8");

  crm_open_options_init(&opts, CRM_OPEN_OPTIONS_VERSION);
  opts.actor = -3;
  assert_open_fails("sqlite::memory:", &opts, CRM_EINVALID, "actor -3");
}

static void options_valid(void **state)
{
  crm_test_db *t = *state;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.busy_timeout_ms = 250;
  opts.durable = 1;
  opts.default_phone_region = "IT";
  crm_db *db = NULL;
  assert_crm_ok(crm_open(&db, t->uri, &opts));
  make_customer(db, "durable");
  crm_close(db);
  /* NULL options: all defaults */
  assert_crm_ok(crm_open(&db, t->uri, NULL));
  assert_int_equal(crm_actor(db), 0);
  crm_close(db);
}

static crm_time fixed_clock(void *payload)
{
  return *(crm_time *)payload;
}

static void clock_is_injected(void **state)
{
  crm_test_db *t = *state;
  assert_int_equal(crm_now(t->db), CRM_TEST_T0);
  t->now = CRM_TEST_T0 + 3600;
  assert_int_equal(crm_now(t->db), CRM_TEST_T0 + 3600);

  crm_time fixed = 123456789;
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.clock = fixed_clock;
  opts.clock_payload = &fixed;
  crm_db *db = NULL;
  assert_crm_ok(crm_open(&db, "sqlite::memory:", &opts));
  assert_int_equal(crm_now(db), 123456789);
  fixed = 42;
  assert_int_equal(crm_now(db), 42);
  crm_close(db);

  assert_int_equal(crm_now(NULL), 0);
}

static void clock_defaults_to_system_time(void **state)
{
  (void)state;
  crm_db *db = NULL;
  assert_crm_ok(crm_open(&db, "sqlite::memory:", NULL));
  crm_time before = (crm_time)(g_get_real_time() / G_USEC_PER_SEC);
  crm_time now = crm_now(db);
  crm_time after = (crm_time)(g_get_real_time() / G_USEC_PER_SEC);
  assert_true(now >= before && now <= after);
  crm_close(db);
}

static void actor_is_the_option(void **state)
{
  crm_test_db *t = *state;
  assert_int_equal(crm_actor(t->db), 0);
  crm_id agent = 0;
  assert_crm_ok(crm_agent_create(&agent, t->db, "Grace", "grace@example.com"));
  t->opts.actor = agent;
  crm_db *db = crm_test_db_open_another(t);
  assert_int_equal(crm_actor(db), agent);
  crm_close(db);
  assert_int_equal(crm_actor(NULL), 0);
}

typedef struct {
  GPtrArray *lines;
  int levels_ok;
} log_capture;

static void capture_log(int level, const char *message, void *payload)
{
  log_capture *c = payload;
  if (level < CRM_LOG_ERROR || level > CRM_LOG_DEBUG || message == NULL)
    c->levels_ok = 0;
  g_ptr_array_add(c->lines, g_strdup_printf("%d %s", level, message ? message : "(null)"));
}

static int log_has(log_capture *c, const char *needle)
{
  for (guint i = 0; i < c->lines->len; i++)
    if (strstr(g_ptr_array_index(c->lines, i), needle))
      return 1;
  return 0;
}

static void log_callback_hears_open(void **state)
{
  crm_test_db *t = *state;
  log_capture c = {g_ptr_array_new_with_free_func(g_free), 1};
  crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
  opts.log = capture_log;
  opts.log_payload = &c;
  crm_db *db = NULL;
  assert_crm_ok(crm_open(&db, t->uri, &opts));
  assert_true(log_has(&c, "opened"));
  assert_true(log_has(&c, t->path));
  assert_true(c.levels_ok);
  crm_close(db);

  /* a failed open is logged as an error */
  g_ptr_array_set_size(c.lines, 0);
  db = SENTINEL;
  assert_int_equal(crm_open(&db, "sqlite:/nonexistent-libcrm-test-dir/sub/crm.db", &opts),
                   CRM_ERROR);
  assert_null(db);
  char *want = g_strdup_printf("%d ", CRM_LOG_ERROR);
  assert_true(log_has(&c, want));
  g_free(want);
  g_ptr_array_unref(c.lines);
}

static void close_null_is_a_no_op(void **state)
{
  (void)state;
  crm_close(NULL);
}

/* ------------------------------------------------------------------ */
/* transactions                                                         */

static void begin_commit_rollback_null(void **state)
{
  (void)state;
  assert_crm_error(crm_begin(NULL), CRM_EINVALID, "db");
  assert_crm_error(crm_commit(NULL), CRM_EINVALID, "db");
  assert_crm_error(crm_rollback(NULL), CRM_EINVALID, "db");
}

static void begin_does_not_nest(void **state)
{
  crm_test_db *t = *state;
  assert_crm_ok(crm_begin(t->db));
  assert_crm_error(crm_begin(t->db), CRM_EINVALID, "already open");
  /* the first transaction is still usable */
  make_customer(t->db, "inside");
  assert_crm_ok(crm_commit(t->db));
  assert_string_equal(crm_test_last_event_kind(t->db), "customer.created");
}

static void commit_or_rollback_without_begin(void **state)
{
  crm_test_db *t = *state;
  assert_crm_error(crm_commit(t->db), CRM_EINVALID, "without crm_begin");
  assert_crm_error(crm_rollback(t->db), CRM_EINVALID, "without crm_begin");
  /* nor after the transaction ended */
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_commit(t->db));
  assert_crm_error(crm_commit(t->db), CRM_EINVALID, "without crm_begin");
  assert_crm_ok(crm_begin(t->db));
  assert_crm_ok(crm_rollback(t->db));
  assert_crm_error(crm_rollback(t->db), CRM_EINVALID, "without crm_begin");
}

static void rollback_leaves_nothing(void **state)
{
  crm_test_db *t = *state;
  make_customer(t->db, "before");
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);
  /* opened first: opening may need the write lock the transaction holds */
  crm_db *other = crm_test_db_open_another(t);

  assert_crm_ok(crm_begin(t->db));
  crm_id a = make_customer(t->db, "Ada");
  make_customer(t->db, "Bob");
  assert_crm_ok(crm_setting_set(t->db, "reopen_window", "3600"));
  /* the handle sees its own uncommitted work... */
  assert_int_equal(crm_test_count_events(t->db), events + 3);
  /* ...another handle does not */
  assert_int_equal(crm_test_count_events(other), events);
  assert_crm_ok(crm_rollback(t->db));

  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_int_equal(crm_test_count_events(other), events);
  crm_customer *c = (crm_customer *)(uintptr_t)0x1;
  assert_crm_error(crm_customer_lookup(&c, t->db, a), CRM_ENOTFOUND, NULL);
  assert_null(c);
  crm_buf b = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&b, t->db, "reopen_window"));
  assert_string_equal(b.ptr, "604800");
  crm_buf_dispose(&b);
  crm_close(other);

  /* the handle works normally afterwards */
  make_customer(t->db, "after");
  assert_int_equal(crm_test_count_events(t->db), events + 1);
}

static void commit_persists(void **state)
{
  crm_test_db *t = *state;
  long events = crm_test_count_events(t->db);
  assert_crm_ok(crm_begin(t->db));
  crm_id a = make_customer(t->db, "Ada");
  assert_crm_ok(crm_setting_set(t->db, "subject_tag", "[T%id]"));
  assert_crm_ok(crm_commit(t->db));

  crm_test_db_reopen(t);
  assert_int_equal(crm_test_count_events(t->db), events + 2);
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, a));
  assert_string_equal(crm_customer_name(c), "Ada");
  crm_customer_free(c);
  crm_buf b = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&b, t->db, "subject_tag"));
  assert_string_equal(b.ptr, "[T%id]");
  crm_buf_dispose(&b);
}

static void failed_call_in_transaction_undoes_only_itself(void **state)
{
  crm_test_db *t = *state;
  long events = crm_test_count_events(t->db);
  crm_id q = 0;
  assert_crm_ok(crm_queue_create(&q, t->db, "billing"));

  assert_crm_ok(crm_begin(t->db));
  crm_id a = make_customer(t->db, "Ada");
  crm_id bad = 77;
  assert_crm_error(crm_customer_create(&bad, t->db, ""), CRM_EINVALID, NULL);
  assert_int_equal(bad, 0);
  /* a failure found by the storage (a taken unique name) */
  crm_id dup = 0;
  assert_int_equal(crm_queue_create(&dup, t->db, "billing"), CRM_EEXISTS);
  assert_crm_error(crm_setting_set(t->db, "reopen_window", "-5"), CRM_EINVALID, "-5");
  crm_id b = make_customer(t->db, "Bob");
  assert_crm_ok(crm_commit(t->db));

  /* queue + Ada + Bob */
  assert_int_equal(crm_test_count_events(t->db), events + 3);
  crm_test_db_reopen(t);
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, a));
  assert_string_equal(crm_customer_name(c), "Ada");
  crm_customer_free(c);
  assert_crm_ok(crm_customer_lookup(&c, t->db, b));
  assert_string_equal(crm_customer_name(c), "Bob");
  crm_customer_free(c);
}

static void close_rolls_back_an_open_transaction(void **state)
{
  crm_test_db *t = *state;
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "never committed");
  crm_test_db_reopen(t);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  /* and the file is not left locked */
  make_customer(t->db, "after");
  assert_int_equal(crm_test_count_events(t->db), events + 1);
}

/* ------------------------------------------------------------------ */
/* objects outliving the handle                                         */

static void iterator_outlives_close(void **state)
{
  crm_test_db *t = *state;
  make_customer(t->db, "Ada");
  crm_event_iterator *it = NULL;
  assert_crm_ok(crm_event_iterator_new(&it, t->db, 0));
  crm_close(t->db);
  t->db = NULL;
  crm_event *ev = (crm_event *)(uintptr_t)0x1;
  assert_crm_error(crm_event_next(&ev, it), CRM_EINVALID, "closed");
  assert_null(ev);
  /* asking again is still safe */
  assert_crm_error(crm_event_next(&ev, it), CRM_EINVALID, "closed");
  crm_event_iterator_free(it);
  crm_test_db_reopen(t); /* for the teardown */
}

static void objects_outlive_close(void **state)
{
  crm_test_db *t = *state;
  crm_id a = make_customer(t->db, "Ada");
  crm_event_iterator *it1 = NULL, *it2 = NULL;
  assert_crm_ok(crm_event_iterator_new(&it1, t->db, 0));
  assert_crm_ok(crm_event_iterator_new(&it2, t->db, 0));
  /* an event already fetched stays readable */
  crm_event *ev = NULL;
  assert_crm_ok(crm_event_next(&ev, it2));
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, a));
  crm_close(t->db);
  t->db = NULL;
  assert_string_equal(crm_customer_name(c), "Ada");
  assert_int_equal(crm_customer_id(c), a);
  assert_string_equal(crm_event_kind(ev), "customer.created");
  /* free in any order */
  crm_event_iterator_free(it1);
  crm_customer_free(c);
  crm_event_free(ev);
  crm_event_iterator_free(it2);
  crm_test_db_reopen(t);
}

/* ------------------------------------------------------------------ */
/* crm_tick                                                             */

static void tick_arguments(void **state)
{
  crm_test_db *t = *state;
  size_t fired = 99;
  assert_crm_error(crm_tick(&fired, NULL, 0), CRM_EINVALID, "db");
  assert_int_equal(fired, 0);
  fired = 99;
  assert_crm_error(crm_tick(&fired, t->db, -1), CRM_EINVALID, "-1");
  assert_int_equal(fired, 0);
}

static void tick_with_nothing_to_do(void **state)
{
  crm_test_db *t = *state;
  make_customer(t->db, "Ada");
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);
  size_t fired = 99;
  assert_crm_ok(crm_tick(&fired, t->db, 0));
  assert_int_equal(fired, 0);
  fired = 99;
  assert_crm_ok(crm_tick(&fired, t->db, CRM_TEST_T0 + 365 * 86400));
  assert_int_equal(fired, 0);
  assert_crm_ok(crm_tick(NULL, t->db, CRM_TEST_T0));
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_int_equal(crm_test_count_all_rows(t), rows);
}

/* ------------------------------------------------------------------ */
/* a wrapping backend that fails one slot call on request               */

#include "crm/sys/backend.h"

static struct {
  const char *slot; /* the slot to fail; NULL: none */
  int skip;         /* calls of it to let through first */
  crm_status code;
} inject;

static crm_backend_ops failing_ops;
static const crm_backend_ops *sqlite_ops;

static void inject_failure(const char *slot, int skip, crm_status code)
{
  inject.slot = slot;
  inject.skip = skip;
  inject.code = code;
}

static int should_fail(const char *slot)
{
  if (inject.slot == NULL || strcmp(inject.slot, slot) != 0)
    return 0;
  if (inject.skip-- > 0)
    return 0;
  inject.slot = NULL;
  return 1;
}

#define FAIL_POINT(slot)  \
  if (should_fail(#slot)) \
  return crm_backend_error(inject.code, "injected failure in %s", #slot)

static crm_status failing_begin(crm_backend *b, int write)
{
  FAIL_POINT(begin);
  return sqlite_ops->begin(b, write);
}

static crm_status failing_commit(crm_backend *b)
{
  FAIL_POINT(commit);
  return sqlite_ops->commit(b);
}

static crm_status failing_savepoint(crm_backend *b)
{
  FAIL_POINT(savepoint);
  return sqlite_ops->savepoint(b);
}

static crm_status failing_savepoint_release(crm_backend *b)
{
  FAIL_POINT(savepoint_release);
  return sqlite_ops->savepoint_release(b);
}

static crm_status failing_event_append(crm_backend *b, crm_event_row *row)
{
  FAIL_POINT(event_append);
  return sqlite_ops->event_append(b, row);
}

static crm_status failing_setting_set(crm_backend *b, const char *name, const char *value)
{
  FAIL_POINT(setting_set);
  return sqlite_ops->setting_set(b, name, value);
}

/* "failing:PATH" opens the SQLite file PATH with the failing slots. */
static crm_status failing_open(crm_backend **out, const crm_backend_open_params *params)
{
  char *uri = g_strconcat("sqlite:", params->location, NULL);
  crm_status st = crm_backend_open(out, uri, params);
  g_free(uri);
  if (st == CRM_OK)
    (*out)->ops = &failing_ops;
  return st;
}

static const char *const failing_schemes[] = {"failing", NULL};

static void register_failing_backend(void)
{
  if (sqlite_ops)
    return;
  crm_backend *probe = NULL;
  crm_backend_open_params params = {CRM_BACKEND_OPEN_PARAMS_VERSION, NULL, NULL, 5000, 0};
  assert_crm_ok(crm_backend_open(&probe, "sqlite::memory:", &params));
  sqlite_ops = probe->ops;
  sqlite_ops->close(probe);
  failing_ops = *sqlite_ops;
  failing_ops.name = "failing";
  failing_ops.schemes = failing_schemes;
  failing_ops.open = failing_open;
  failing_ops.begin = failing_begin;
  failing_ops.commit = failing_commit;
  failing_ops.savepoint = failing_savepoint;
  failing_ops.savepoint_release = failing_savepoint_release;
  failing_ops.event_append = failing_event_append;
  failing_ops.setting_set = failing_setting_set;
  assert_crm_ok(crm_backend_register(&failing_ops));
}

/* The fixture's database, reopened through the failing backend. */
static int failing_setup(void **state)
{
  register_failing_backend();
  inject_failure(NULL, 0, CRM_OK);
  crm_test_db *t = crm_test_db_new(NULL);
  g_free(t->uri);
  t->uri = g_strconcat("failing:", t->path, NULL);
  crm_test_db_reopen(t);
  *state = t;
  return 0;
}

static int count_calls(const crm_event *ev, void *payload)
{
  (void)ev;
  (*(int *)payload)++;
  return 0;
}

static void failure_after_a_write_undoes_the_call(void **state)
{
  crm_test_db *t = *state;
  /* what one customer adds */
  long rows0 = crm_test_count_all_rows(t);
  make_customer(t->db, "first");
  long one = crm_test_count_all_rows(t) - rows0;
  assert_true(one > 0);

  int calls = 0, token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", count_calls, &calls));
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);
  /* the customer row is written, then appending its event fails */
  inject_failure("event_append", 0, CRM_ERROR);
  crm_id id = 9;
  assert_crm_error(crm_customer_create(&id, t->db, "Ada"), CRM_ERROR, "injected");
  assert_int_equal(id, 0);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);
  assert_int_equal(calls, 0);

  /* the same inside an explicit transaction: only that call is undone */
  assert_crm_ok(crm_begin(t->db));
  crm_id a = make_customer(t->db, "Ada");
  inject_failure("event_append", 0, CRM_ERROR);
  assert_crm_error(crm_customer_create(&id, t->db, "Bob"), CRM_ERROR, "injected");
  assert_int_equal(id, 0);
  /* the store refuses the setting */
  inject_failure("setting_set", 0, CRM_ERROR);
  assert_crm_error(crm_setting_set(t->db, "reopen_window", "60"), CRM_ERROR, "injected");
  /* a setting written, then its event fails */
  inject_failure("event_append", 0, CRM_ERROR);
  assert_crm_error(crm_setting_set(t->db, "reopen_window", "60"), CRM_ERROR, "injected");
  crm_id c = make_customer(t->db, "Carl");
  assert_int_equal(calls, 0);
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(calls, 2);
  assert_int_equal(crm_test_count_all_rows(t), rows + 2 * one);
  assert_int_equal(crm_test_count_events(t->db), events + 2);
  crm_customer *cust = NULL;
  assert_crm_ok(crm_customer_lookup(&cust, t->db, a));
  crm_customer_free(cust);
  assert_crm_ok(crm_customer_lookup(&cust, t->db, c));
  crm_customer_free(cust);
  crm_buf b = CRM_BUF_INIT;
  assert_crm_ok(crm_setting_get(&b, t->db, "reopen_window"));
  assert_string_equal(b.ptr, "604800");
  crm_buf_dispose(&b);
}

static void failure_to_start_a_call(void **state)
{
  crm_test_db *t = *state;
  long rows = crm_test_count_all_rows(t);
  /* the store is locked: the call reports it as is */
  inject_failure("begin", 0, CRM_EBUSY);
  crm_id id = 9;
  assert_crm_error(crm_customer_create(&id, t->db, "Ada"), CRM_EBUSY, "injected");
  assert_int_equal(id, 0);
  inject_failure("begin", 0, CRM_EBUSY);
  assert_crm_error(crm_setting_set(t->db, "reopen_window", "5"), CRM_EBUSY, "injected");
  inject_failure("begin", 0, CRM_EBUSY);
  assert_crm_error(crm_begin(t->db), CRM_EBUSY, "injected");
  /* no transaction was left open */
  assert_crm_error(crm_commit(t->db), CRM_EINVALID, "without crm_begin");
  /* arguments are checked before the store is touched */
  inject_failure("begin", 0, CRM_EBUSY);
  assert_crm_error(crm_setting_set(t->db, "reopen_window", "x"), CRM_EINVALID, "seconds");
  assert_crm_error(crm_customer_create(&id, t->db, ""), CRM_EINVALID, NULL);
  assert_crm_error(crm_setting_set(t->db, "reopen_window", "5"), CRM_EBUSY, "injected");
  assert_int_equal(crm_test_count_all_rows(t), rows);

  /* inside a transaction: the savepoint cannot start */
  assert_crm_ok(crm_begin(t->db));
  inject_failure("savepoint", 0, CRM_ERROR);
  assert_crm_error(crm_customer_create(&id, t->db, "Ada"), CRM_ERROR, "injected");
  crm_id b = make_customer(t->db, "Bob");
  assert_crm_ok(crm_commit(t->db));
  crm_customer *c = NULL;
  assert_crm_ok(crm_customer_lookup(&c, t->db, b));
  crm_customer_free(c);
}

static void failure_to_finish_a_call(void **state)
{
  crm_test_db *t = *state;
  int calls = 0, token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", count_calls, &calls));
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);
  inject_failure("commit", 0, CRM_EBUSY);
  crm_id id = 9;
  assert_crm_error(crm_customer_create(&id, t->db, "Ada"), CRM_EBUSY, "injected");
  assert_int_equal(id, 0);
  assert_int_equal(calls, 0);
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events);

  assert_crm_ok(crm_begin(t->db));
  inject_failure("savepoint_release", 0, CRM_ERROR);
  assert_crm_error(crm_customer_create(&id, t->db, "Bob"), CRM_ERROR, "injected");
  assert_int_equal(id, 0);
  make_customer(t->db, "Carl");
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(calls, 1);
  assert_int_equal(crm_test_count_events(t->db), events + 1);
}

static void commit_failures(void **state)
{
  crm_test_db *t = *state;
  int calls = 0, token = 0;
  assert_crm_ok(crm_subscribe(&token, t->db, "", count_calls, &calls));
  long rows = crm_test_count_all_rows(t);
  long events = crm_test_count_events(t->db);

  /* busy: the transaction stays open, the commit can be retried */
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Ada");
  inject_failure("commit", 0, CRM_EBUSY);
  assert_crm_error(crm_commit(t->db), CRM_EBUSY, "injected");
  assert_int_equal(calls, 0);
  assert_crm_ok(crm_commit(t->db));
  assert_int_equal(calls, 1);
  assert_int_equal(crm_test_count_events(t->db), events + 1);
  rows = crm_test_count_all_rows(t);

  /* any other failure: rolled back, nobody called, no transaction left */
  assert_crm_ok(crm_begin(t->db));
  make_customer(t->db, "Bob");
  inject_failure("commit", 0, CRM_ERROR);
  assert_crm_error(crm_commit(t->db), CRM_ERROR, "injected");
  assert_int_equal(calls, 1);
  assert_crm_error(crm_rollback(t->db), CRM_EINVALID, "without crm_begin");
  assert_int_equal(crm_test_count_all_rows(t), rows);
  assert_int_equal(crm_test_count_events(t->db), events + 1);
  /* and the next call works */
  make_customer(t->db, "Carl");
  assert_int_equal(calls, 2);
}

/* ------------------------------------------------------------------ */
/* the backend registry                                                 */

static void register_rejects_bad_ops(void **state)
{
  (void)state;
  register_failing_backend();
  assert_crm_error(crm_backend_register(NULL), CRM_EINVALID, "NULL");
  static crm_backend_ops bad;
  bad = failing_ops;
  bad.version = 0;
  assert_crm_error(crm_backend_register(&bad), CRM_EINVALID, "version 0");
  bad = failing_ops;
  static const char *const other_schemes[] = {"other", NULL};
  bad.schemes = other_schemes;
  bad.event_list = NULL;
  assert_crm_error(crm_backend_register(&bad), CRM_EINVALID, "event_list");
  bad = failing_ops;
  bad.schemes = NULL;
  assert_crm_error(crm_backend_register(&bad), CRM_EINVALID, "scheme");
  /* a scheme is served once */
  bad = failing_ops;
  assert_crm_error(crm_backend_register(&bad), CRM_EEXISTS, "failing");
  static const char *const sqlite_schemes[] = {"sqlite", NULL};
  bad.schemes = sqlite_schemes;
  assert_crm_error(crm_backend_register(&bad), CRM_EEXISTS, "sqlite");
  /* nothing above was registered */
  crm_db *db = (crm_db *)(uintptr_t)0x1;
  assert_crm_error(crm_open(&db, "other://x", NULL), CRM_ENOTSUPPORTED, "other");
  assert_null(db);
}

static void backend_open_arguments(void **state)
{
  (void)state;
  crm_backend_open_params params = {CRM_BACKEND_OPEN_PARAMS_VERSION, NULL, NULL, 5000, 0};
  crm_backend *b = (crm_backend *)(uintptr_t)0x1;
  assert_crm_error(crm_backend_open(NULL, "sqlite::memory:", &params), CRM_EINVALID, "out");
  assert_crm_error(crm_backend_open(&b, NULL, &params), CRM_EINVALID, "uri");
  assert_null(b);
  b = (crm_backend *)(uintptr_t)0x1;
  assert_crm_error(crm_backend_open(&b, "sqlite::memory:", NULL), CRM_EINVALID, "params");
  assert_null(b);
  /* a name with a colon that is no scheme is a file name */
  char *dir = g_dir_make_tmp("crm-test-XXXXXX", NULL);
  assert_non_null(dir);
  char *path = g_build_filename(dir, "notes:2024.db", NULL);
  crm_db *db = NULL;
  assert_crm_ok(crm_open(&db, path, NULL));
  crm_close(db);
  assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
  g_remove(path);
  /* WAL side files, if any */
  char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
  g_remove(wal);
  g_remove(shm);
  g_rmdir(dir);
  g_free(wal);
  g_free(shm);
  g_free(path);
  g_free(dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, crm_test_setup, crm_test_teardown)
#define F(fn) cmocka_unit_test_setup_teardown(fn, failing_setup, crm_test_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(open_sqlite_uri),
      T(open_plain_path_is_sqlite),
      cmocka_unit_test(open_memory),
      cmocka_unit_test(open_bad_uris),
      cmocka_unit_test(open_postgres_without_server),
      cmocka_unit_test(open_unwritable_path),
      cmocka_unit_test(open_null_arguments),
      cmocka_unit_test(options_init),
      cmocka_unit_test(options_invalid),
      T(options_valid),
      T(clock_is_injected),
      cmocka_unit_test(clock_defaults_to_system_time),
      T(actor_is_the_option),
      T(log_callback_hears_open),
      cmocka_unit_test(close_null_is_a_no_op),
      cmocka_unit_test(begin_commit_rollback_null),
      T(begin_does_not_nest),
      T(commit_or_rollback_without_begin),
      T(rollback_leaves_nothing),
      T(commit_persists),
      T(failed_call_in_transaction_undoes_only_itself),
      T(close_rolls_back_an_open_transaction),
      T(iterator_outlives_close),
      T(objects_outlive_close),
      T(tick_arguments),
      T(tick_with_nothing_to_do),
      F(failure_after_a_write_undoes_the_call),
      F(failure_to_start_a_call),
      F(failure_to_finish_a_call),
      F(commit_failures),
      cmocka_unit_test(register_rejects_bad_ops),
      cmocka_unit_test(backend_open_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
