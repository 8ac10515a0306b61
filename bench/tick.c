/*
 * bench_tick: the time crm_tick takes to record 100 due SLA breaches when
 * 1 000 timers are open, and when 1 000 000 are: the two must be close,
 * because crm_tick finds what is due through an index on the next firing
 * instant instead of scanning the open timers.
 *
 * Each run is a fresh SQLite file: one 24x7 policy (first response 1h),
 * ROUNDS x DUE cases opened through the API an hour apart (their timers
 * fall due an hour apart), and the other open timers written straight into
 * the file (far from due) so that a million of them take seconds, not
 * hours. Each round ticks at the instant its DUE timers fall due and must
 * record exactly DUE breaches; the median round is reported.
 *
 *   bench_tick            1 000 and 1 000 000 open timers, 100 due (about 20 s)
 *   bench_tick --smoke    1 000 and 10 000 open timers, 20 due (well under a second)
 *
 * Prints RESULT tick_1k_ms=..., RESULT tick_1m_ms=..., RESULT tick_ratio=...
 * (with --smoke: tick_10k_ms for the larger run). Exit status 1 when a
 * round records a number of breaches other than DUE.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "crm.h"

#define T0     1772442000LL /* Monday 2026-03-02 09:00 UTC */
#define HOUR   3600LL
#define ROUNDS 9

static crm_time bench_now;

static crm_time bench_clock(void *payload)
{
  (void)payload;
  return bench_now;
}

static void check(crm_status st, const char *what)
{
  if (st != CRM_OK) {
    fprintf(stderr, "bench_tick: %s failed: %s\n", what, crm_error_last()->message);
    exit(2);
  }
}

static crm_id open_case(crm_db *db, crm_id customer)
{
  crm_case_spec s = CRM_CASE_SPEC_INIT;
  s.customer = customer;
  s.subject = "waiting";
  crm_id id = 0;
  check(crm_case_open(&id, db, &s), "crm_case_open");
  return id;
}

/* `n` open resolution timers of one case, due in ten years, straight into
   the file (the library's own schema, the same partial indexes); then a
   checkpoint, so that both runs start with an empty write-ahead log. */
static void add_filler_timers(const char *path, crm_id case_id, crm_id policy, long n)
{
  sqlite3 *raw = NULL;
  if (sqlite3_open(path, &raw) != SQLITE_OK) {
    fprintf(stderr, "bench_tick: cannot open %s\n", path);
    exit(2);
  }
  char *sql = g_strdup_printf(
      "BEGIN;"
      "WITH RECURSIVE c(i) AS (SELECT 1 WHERE %ld > 0 UNION ALL SELECT i + 1 FROM c WHERE i < %ld) "
      "INSERT INTO sla_cycles (case_id, metric, cycle, state, warn_percent, policy, calendar, "
      "policy_version, calendar_version, target, started_at, mark_at, business_elapsed, "
      "calendar_elapsed, due_at, warn_at, warned_at, breached_at, met_at, stopped_at, "
      "next_fire_at, version) SELECT %lld, 3, i + 10, 1, 0, %lld, 0, 1, 0, 3600, %lld, %lld, 0, "
      "0, %lld + i, 0, 0, 0, 0, 0, %lld + i, 1 FROM c;"
      "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
      n, n, (long long)case_id, (long long)policy, T0, T0, T0 + 3650 * 24 * HOUR,
      T0 + 3650 * 24 * HOUR);
  char *err = NULL;
  if (sqlite3_exec(raw, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "bench_tick: filling the timers failed: %s\n", err);
    exit(2);
  }
  g_free(sql);
  sqlite3_close(raw);
}

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The median milliseconds of a tick recording `due` breaches among `open`
   open timers; -1 when a round recorded another number. */
static double run(long open, int due)
{
  char *dir = g_dir_make_tmp("crm-bench-tick-XXXXXX", NULL);
  char *path = g_build_filename(dir, "crm.db", NULL);
  char *uri = g_strconcat("sqlite:", path, NULL);
  crm_open_options o = CRM_OPEN_OPTIONS_INIT;
  o.clock = bench_clock;
  bench_now = T0;
  crm_db *db = NULL;
  check(crm_open(&db, uri, &o), "crm_open");
  crm_sla_policy_spec s = CRM_SLA_POLICY_SPEC_INIT;
  s.name = "24x7";
  s.targets[CRM_SLA_FIRST_RESPONSE] = HOUR;
  crm_id policy = 0;
  check(crm_sla_policy_create(&policy, db, &s), "crm_sla_policy_create");
  crm_id customer = 0;
  check(crm_customer_create(&customer, db, "bench"), "crm_customer_create");
  crm_id filler = open_case(db, customer);
  check(crm_case_set_status(db, filler, CRM_CASE_RESOLVED, 0), "resolving the filler case");
  check(crm_begin(db), "crm_begin");
  for (int r = 0; r < ROUNDS; r++) {
    bench_now = T0 + r * HOUR;
    for (int i = 0; i < due; i++)
      open_case(db, customer);
  }
  check(crm_commit(db), "crm_commit");
  long api_timers = (long)ROUNDS * due;
  add_filler_timers(path, filler, policy, open > api_timers ? open - api_timers : 0);

  double ms[ROUNDS];
  int ok = 1;
  for (int r = 0; r < ROUNDS; r++) {
    size_t fired = 0;
    crm_time at = T0 + (r + 1) * HOUR;
    bench_now = at;
    gint64 t0 = g_get_monotonic_time();
    check(crm_tick(&fired, db, at), "crm_tick");
    ms[r] = (double)(g_get_monotonic_time() - t0) / 1000.0;
    if (fired != (size_t)due) {
      fprintf(stderr, "bench_tick: round %d recorded %zu breaches, not %d\n", r, fired, due);
      ok = 0;
    }
  }
  crm_close(db);
  g_unlink(path);
  char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
  g_unlink(wal);
  g_unlink(shm);
  g_rmdir(dir);
  g_free(wal);
  g_free(shm);
  g_free(uri);
  g_free(path);
  g_free(dir);
  qsort(ms, ROUNDS, sizeof ms[0], compare_double);
  return ok ? ms[ROUNDS / 2] : -1;
}

int main(int argc, char **argv)
{
  int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  if (argc > 1 && !smoke) {
    fprintf(stderr, "usage: %s [--smoke]\n", argv[0]);
    return 2;
  }
  int due = smoke ? 20 : 100;
  long big = smoke ? 10000 : 1000000;
  double small_ms = run(1000, due);
  double big_ms = run(big, due);
  if (small_ms < 0 || big_ms < 0)
    return 1;
  printf("RESULT tick_1k_ms=%.3f\n", small_ms);
  printf("RESULT tick_%s_ms=%.3f\n", smoke ? "10k" : "1m", big_ms);
  printf("RESULT tick_ratio=%.2f\n", big_ms / small_ms);
  return 0;
}
