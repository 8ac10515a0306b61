/*
 * Crash safety: a worker process records contacts in transactions
 * (crm_begin, a customer, 2 to 5 interactions threaded into one case, an
 * attribute, crm_commit) with small random pauses, and reports each
 * commit through a pipe; the test kills it with SIGKILL at a random
 * moment. After each kill (20 seeded runs per backend, on one database)
 * the database opens, passes the backend's integrity check and the
 * library's own consistency checks, holds every transaction the worker
 * reported committed, and no part of any other: transaction k of run r
 * wrote interactions "<rR-txK-I@example.com>" for I < n(k), all or none.
 *
 * Runs on every backend that other processes can open.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "testutil.h"
#include "worker.h"

#define RUNS           20
#define RUN_CUSTOMERS  4
#define MAX_TXNS       100000 /* a worker that is never killed stops here */
#define KILL_AFTER_MIN 5      /* ms */
#define KILL_AFTER_MAX 300    /* ms after the worker is ready */
#define PAUSE_MAX      2000   /* us between two calls of a transaction */
#define SEED           20260302u

/* The interactions of transaction k: 2..5. */
static int txn_size(long k)
{
  return 2 + (int)(k % 4);
}

static char *run_address(int run, long k)
{
  return g_strdup_printf("crash-r%d-c%ld@example.com", run, k % RUN_CUSTOMERS);
}

static char *txn_ref(int run, long k, int i)
{
  return g_strdup_printf("<r%d-tx%ld-%d@example.com>", run, k, i);
}

/* ------------------------------------------------------------------ */
/* the worker                                                           */

static void worker_die(const char *op)
{
  printf("error %s %d %s\n", op, crm_error_last()->code, crm_error_last()->message);
  fflush(stdout);
  exit(1);
}

static void pause_a_little(GRand *rng)
{
  g_usleep((gulong)g_rand_int_range(rng, 0, PAUSE_MAX));
}

/* One transaction's calls; a failure ends the worker. */
static void write_txn(crm_db *db, GRand *rng, int run, long k)
{
  char *address = run_address(run, k);
  crm_id customer = 0;
  if (crm_customer_ensure(&customer, NULL, db, CRM_IDENTITY_EMAIL, address, NULL) != CRM_OK)
    worker_die("ensure");
  g_free(address);
  char *first = txn_ref(run, k, 0);
  for (int i = 0; i < txn_size(k); i++) {
    pause_a_little(rng);
    char *ref = txn_ref(run, k, i);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer = customer;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_INBOUND;
    s.subject = "Crash test";
    s.external_ref = ref;
    s.in_reply_to = i > 0 ? first : NULL; /* all of them in one case */
    crm_id id = 0;
    if (crm_interaction_record(&id, db, &s) != CRM_OK)
      worker_die("record");
    g_free(ref);
  }
  g_free(first);
  char value[32];
  g_snprintf(value, sizeof value, "%ld", k);
  if (crm_customer_set_attribute(db, customer, "last_tx", value) != CRM_OK)
    worker_die("set_attribute");
}

/* argv: URI RUN. Says "ready" once open, then "tx K" once transaction K
   has committed. */
static int worker_main(char **argv)
{
  int run = atoi(argv[3]);
  crm_open_options o = CRM_OPEN_OPTIONS_INIT;
  o.busy_timeout_ms = 30000;
  crm_db *db = NULL;
  if (crm_open(&db, argv[2], &o) != CRM_OK)
    worker_die("open");
  GRand *rng = g_rand_new_with_seed(SEED + (guint32)run);
  /* the kill is timed from here: how long a process takes to start
     depends on the machine's load */
  if (write(STDOUT_FILENO, "ready\n", 6) != 6)
    return 1;
  for (long k = 0; k < MAX_TXNS; k++) {
    if (crm_begin(db) != CRM_OK)
      worker_die("begin");
    write_txn(db, rng, run, k);
    pause_a_little(rng);
    if (crm_commit(db) != CRM_OK)
      worker_die("commit");
    /* straight to the pipe: nothing reported may wait in a buffer */
    char line[32];
    int len = g_snprintf(line, sizeof line, "tx %ld\n", k);
    if (write(STDOUT_FILENO, line, (size_t)len) != len)
      return 1;
  }
  crm_close(db);
  return 0;
}

/* ------------------------------------------------------------------ */
/* the parent                                                           */

/* Read from fd into `into` until EOF or until it holds `until`. */
static void read_until(GString *into, int fd, const char *until)
{
  char buf[4096];
  ssize_t n;
  while ((until == NULL || strstr(into->str, until) == NULL) &&
         (n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail_msg("reading from a worker: %s", g_strerror(errno));
    g_string_append_len(into, buf, n);
  }
}

/* Run one worker, kill it `delay_ms` after it is ready; its committed
   transactions. */
static GArray *run_and_kill(crm_test_db *t, int run, int delay_ms)
{
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    fail_msg("pipe: %s", g_strerror(errno));
  char run_arg[16];
  g_snprintf(run_arg, sizeof run_arg, "%d", run);
  const char *args[] = {t->uri, run_arg, NULL};
  pid_t pid = worker_spawn(-1, out[1], args);
  close(out[1]);
  GString *said = g_string_new(NULL);
  read_until(said, out[0], "ready\n");
  g_usleep((gulong)delay_ms * 1000);
  kill(pid, SIGKILL);
  int status = worker_wait(pid);
  read_until(said, out[0], NULL);
  close(out[0]);
  if (status != 128 + SIGKILL)
    fail_msg("run %d: the worker ended by itself (%d) before the kill: %s", run, status, said->str);
  GArray *committed = g_array_new(FALSE, FALSE, sizeof(long));
  char **lines = g_strsplit(said->str, "\n", -1);
  for (char **l = lines; *l; l++) {
    long k = 0;
    if (sscanf(*l, "tx %ld", &k) == 1)
      g_array_append_val(committed, k);
    else if (**l && strcmp(*l, "ready") != 0)
      fail_msg("run %d: unexpected worker output: %s", run, *l);
  }
  g_strfreev(lines);
  g_string_free(said, TRUE);
  return committed;
}

/* How many interactions of each transaction of `run` are stored (index k). */
static GArray *stored_per_txn(crm_db *db, int run)
{
  GArray *counts = g_array_new(FALSE, TRUE, sizeof(int));
  char *prefix = g_strdup_printf("<r%d-tx", run);
  for (long c = 0; c < RUN_CUSTOMERS; c++) {
    char *address = run_address(run, c);
    crm_id customer = 0;
    crm_status st = crm_customer_find(&customer, db, CRM_IDENTITY_EMAIL, address);
    g_free(address);
    if (st == CRM_ENOTFOUND)
      continue; /* none of its transactions committed */
    assert_crm_ok(st);
    crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
    q.customer = customer;
    crm_timeline_iterator *it = NULL;
    assert_crm_ok(crm_timeline_iterator_new(&it, db, &q));
    crm_interaction *ix = NULL;
    while ((st = crm_timeline_next(&ix, it)) == CRM_OK) {
      const char *ref = crm_interaction_external_ref(ix);
      long k = -1;
      int i = -1;
      if (!g_str_has_prefix(ref, prefix) || sscanf(ref + strlen(prefix), "%ld-%d", &k, &i) != 2)
        fail_msg("run %d: a stranger in the timeline: %s", run, ref);
      if ((guint)k >= counts->len)
        g_array_set_size(counts, (guint)k + 1);
      g_array_index(counts, int, k)++;
      crm_interaction_free(ix);
    }
    assert_int_equal(st, CRM_ITEROVER);
    crm_timeline_iterator_free(it);
  }
  g_free(prefix);
  return counts;
}

/* The customer attribute names the last transaction that committed for it. */
static void check_last_tx(crm_db *db, int run, const GArray *stored)
{
  for (long c = 0; c < RUN_CUSTOMERS; c++) {
    long last = -1;
    for (long k = c; k < (long)stored->len; k += RUN_CUSTOMERS)
      if (g_array_index(stored, int, k) > 0)
        last = k;
    char *address = run_address(run, c);
    crm_id id = 0;
    crm_status st = crm_customer_find(&id, db, CRM_IDENTITY_EMAIL, address);
    g_free(address);
    if (last < 0) {
      assert_int_equal(st, CRM_ENOTFOUND);
      continue;
    }
    assert_crm_ok(st);
    crm_customer *cu = NULL;
    assert_crm_ok(crm_customer_lookup(&cu, db, id));
    const char *value = crm_customer_attribute(cu, "last_tx");
    if (value == NULL || atol(value) != last)
      fail_msg("run %d: customer %ld says its last transaction was %s, not %ld", run, c,
               value ? value : "(none)", last);
    crm_customer_free(cu);
  }
}

/* Every reported transaction whole; every other one whole or absent. */
static long check_run(crm_test_db *t, int run, const GArray *committed)
{
  GArray *stored = stored_per_txn(t->db, run);
  for (guint i = 0; i < committed->len; i++) {
    long k = g_array_index(committed, long, i);
    int n = (guint)k < stored->len ? g_array_index(stored, int, k) : 0;
    if (n != txn_size(k))
      fail_msg("run %d: transaction %ld was reported committed; %d of its %d interactions are "
               "stored",
               run, k, n, txn_size(k));
  }
  long whole = 0;
  for (guint k = 0; k < stored->len; k++) {
    int n = g_array_index(stored, int, k);
    if (n != 0 && n != txn_size(k))
      fail_msg("run %d: transaction %u is stored in part: %d of %d interactions", run, k, n,
               txn_size(k));
    whole += n != 0;
  }
  check_last_tx(t->db, run, stored);
  g_array_unref(stored);
  return whole;
}

static void test_kill_during_transactions(void **state)
{
  crm_test_db *t = *state;
  GRand *rng = g_rand_new_with_seed(SEED);
  long reported = 0, stored = 0;
  for (int run = 0; run < RUNS; run++) {
    GArray *committed =
        run_and_kill(t, run, g_rand_int_range(rng, KILL_AFTER_MIN, KILL_AFTER_MAX + 1));
    /* the database opens, and is sound */
    crm_test_db_reopen(t);
    crm_test_check_integrity(t);
    check_case_counters(t->db);
    assert_int_equal(count_events_of(t->db, "interaction.recorded", 0),
                     crm_test_count_rows(t, "interactions"));
    /* everything reported, nothing half */
    long whole = check_run(t, run, committed);
    assert_true(whole >= (long)committed->len);
    assert_true(whole <= (long)committed->len + 1); /* committed, killed before reporting */
    reported += committed->len;
    print_message("# run %d: %u transactions reported committed, %ld stored\n", run, committed->len,
                  whole);
    stored += whole;
    g_array_unref(committed);
  }
  g_rand_free(rng);
  /* the kills must have come while there was work to lose */
  assert_true(reported > 0);
  print_message("# %d kills: %ld transactions reported committed, %ld stored\n", RUNS, reported,
                stored);
}

int main(int argc, char **argv)
{
  if (argc >= 4 && strcmp(argv[1], WORKER_FLAG) == 0)
    return worker_main(argv);
  if (!crm_test_persistent()) {
    printf("1..0 # SKIP other processes cannot open an in-memory database\n");
    return 0;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_kill_during_transactions, crm_test_setup,
                                      crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
