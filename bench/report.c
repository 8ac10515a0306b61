/*
 * bench_report: crm_report_run over 1 000 000 cases and 5 000 000
 * interactions (SQLite), grouped by each dimension, beside a baseline run
 * in the same process: the bare aggregate SQL of the two big scans (cases
 * created in the range, interactions that occurred in it) through sqlite3,
 * without libcrm. The ratio says what the whole report (every figure
 * family, percentiles, labels) costs over those two scans.
 *
 * The data set is written straight into a fresh file in the library's own
 * schema (the file is created by crm_open, then filled with INSERT ...
 * SELECT over a recursive counter, with deterministic pseudo-random
 * values): cases spread over 90 days, 70% resolved or closed, their
 * first-response and resolution SLA cycles, one channel each; interactions
 * spread over the same 90 days on four channels, a tenth of the calls
 * abandoned, the abandoned IVR calls with an "ivr_depth" attribute. Only
 * the reports are timed; at full size each runs once (with --smoke three
 * times, the median kept).
 *
 *   bench_report           1 000 000 cases, 5 000 000 interactions (minutes)
 *   bench_report --smoke   2 000 cases, 10 000 interactions (about a second)
 *
 * Prints RESULT report_<group>_ms=... (and _cpu_ms, the CPU time it used)
 * for group none, channel, queue, agent, priority and day (90 days), RESULT baseline_ms=..., RESULT
 * report_ratio=... (report by none / baseline) and RESULT peak_rss_mb=... Exit status 1 when the
 * report's counts disagree with the baseline's. The data set is generated
 * in a child process, so peak_rss_mb is that of libcrm and the reports.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "crm.h"

#define T0     1772442000LL /* Monday 2026-03-02 09:00 UTC */
#define DAYS   90
#define SPAN   (DAYS * 86400LL)
#define ROUNDS 3 /* reports per grouping in --smoke; one at full size */

static int rounds = ROUNDS;

static void check(crm_status st, const char *what)
{
  if (st != CRM_OK) {
    fprintf(stderr, "bench_report: %s failed: %s\n", what, crm_error_last()->message);
    exit(2);
  }
}

static void raw_exec(sqlite3 *raw, const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec(raw, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "bench_report: %s\n  in: %.200s\n", err, sql);
    exit(2);
  }
}

/* The schema, 4 queues, 20 agents and one customer through the library. */
static void create(const char *uri)
{
  crm_db *db = NULL;
  check(crm_open(&db, uri, NULL), "crm_open");
  crm_id id = 0;
  check(crm_customer_create(&id, db, "bench"), "crm_customer_create");
  static const char *const queues[] = {"billing", "network", "sales", "moves"};
  for (int q = 0; q < 4; q++)
    check(crm_queue_create(&id, db, queues[q]), "crm_queue_create");
  for (int a = 1; a <= 20; a++) {
    char name[16];
    g_snprintf(name, sizeof name, "agent %02d", a);
    check(crm_agent_create(&id, db, name, NULL), "crm_agent_create");
  }
  crm_close(db);
}

/* h: a deterministic pseudo-random 32-bit value of the row number i (in a
   printf format). */
#define HASHED "SELECT i, (i * 2654435761) %% 4294967296 AS h FROM c"

static void fill(const char *path, long cases, long interactions)
{
  sqlite3 *raw = NULL;
  if (sqlite3_open(path, &raw) != SQLITE_OK) {
    fprintf(stderr, "bench_report: cannot open %s\n", path);
    exit(2);
  }
  raw_exec(raw, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
                "PRAGMA cache_size = -65536; BEGIN");
  char n_cases[32], n_ix[32];
  g_snprintf(n_cases, sizeof n_cases, "%ld", cases);
  g_snprintf(n_ix, sizeof n_ix, "%ld", interactions);
  /* status: 60% resolved, 10% closed, 10% each open, new, pending */
  char *sql = g_strdup_printf(
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %s), "
      "h AS (" HASHED "), "
      "s AS (SELECT i, h, %lld + i * %lld / %s AS t,"
      " CASE WHEN h %% 10 < 6 THEN 5 WHEN h %% 10 = 6 THEN 6 WHEN h %% 10 = 7 THEN 2"
      " WHEN h %% 10 = 8 THEN 1 ELSE 3 END AS st FROM h) "
      "INSERT INTO cases (id, customer, subject, kind, status, priority, queue, assignee,"
      " created_at, updated_at, resolved_at, version, inbound_count, transfer_count,"
      " reopen_count, csat, csat_comment) "
      "SELECT i, 1, 'bench', 1, st, 1 + (h / 10) %% 4,"
      " CASE WHEN (h / 40) %% 10 = 0 THEN NULL ELSE 1 + (h / 40) %% 4 END,"
      " CASE WHEN (h / 400) %% 8 = 0 THEN NULL ELSE 1 + (h / 400) %% 20 END,"
      " t, t, CASE WHEN st >= 5 THEN t + 600 + (h / 8000) %% 200000 END, 1,"
      " 1 + (h / 7) %% 3, (h / 11) %% 3 / 2, CASE WHEN (h / 13) %% 10 = 0 THEN 1 ELSE 0 END,"
      " CASE WHEN (h / 17) %% 3 = 0 THEN 1 + (h / 51) %% 5 END, NULL FROM s",
      n_cases, T0, SPAN, n_cases);
  raw_exec(raw, sql);
  g_free(sql);
  raw_exec(raw, "INSERT INTO sla_cases (case_id, channel, last_reply_at)"
                " SELECT id, 1 + (id * 7919) % 4, 0 FROM cases");
  /* first response of every case (met, some late), resolution of the resolved */
  raw_exec(raw,
           "INSERT INTO sla_cycles (case_id, metric, cycle, state, warn_percent, policy, calendar,"
           " policy_version, calendar_version, target, started_at, mark_at, business_elapsed,"
           " calendar_elapsed, due_at, warn_at, warned_at, breached_at, met_at, stopped_at,"
           " next_fire_at, version)"
           " SELECT id, m, 1, 3, 0, 1, 0, 1, 0, target, created_at, created_at + e, e * 2 / 3, e,"
           " created_at + target, 0, 0, CASE WHEN e > target THEN created_at + target ELSE 0 END,"
           " created_at + e, created_at + e, 0, 1 FROM ("
           "  SELECT id, 1 AS m, 3600 AS target, created_at, 60 + (id * 48271) % 14400 AS e"
           "  FROM cases UNION ALL"
           "  SELECT id, 3, 86400, created_at, resolved_at - created_at FROM cases"
           "  WHERE resolved_at IS NOT NULL)");
  /* interactions: email, phone, ivr, chat; in or out; a tenth of the calls abandoned */
  sql = g_strdup_printf(
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %s), "
      "h AS (" HASHED "), "
      "s AS (SELECT i, h, 1 + (h / 3) %% 4 AS ch, 1 + (h / 12) %% 2 AS dir FROM h) "
      "INSERT INTO interactions (id, customer, case_id, agent, channel, direction, outcome,"
      " occurred_at, recorded_at) "
      "SELECT i, 1, 1 + h %% %s, NULL, ch, dir,"
      " CASE WHEN ch = 1 THEN 0 WHEN dir = 1 AND (h / 24) %% 10 = 0 THEN 3 ELSE 1 END,"
      " %lld + i * %lld / %s, %lld + i * %lld / %s FROM s",
      n_ix, n_cases, T0, SPAN, n_ix, T0, SPAN, n_ix);
  raw_exec(raw, sql);
  g_free(sql);
  raw_exec(raw, "INSERT INTO attributes (entity, id, key, value)"
                " SELECT 2, id, 'ivr_depth', CAST(1 + id % 5 AS TEXT) FROM interactions"
                " WHERE channel = 3 AND direction = 1 AND outcome = 3");
  raw_exec(raw, "COMMIT; PRAGMA journal_mode = WAL");
  sqlite3_close(raw);
}

/* CPU milliseconds (user + system) this process used so far: on a loaded
   machine the figure that does not count the waits for a core. */
static double cpu_ms(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct {
  int64_t cases, contacts;
  double cpu_ms; /* per report, on average */
} totals;

/* The median milliseconds of `rounds` reports grouped by `group`; *t: the
   sums over its rows of cases and of contacts in and out. */
static double time_report(totals *t, crm_db *db, crm_report_group_t group)
{
  double ms[ROUNDS], cpu0 = cpu_ms();
  for (int r = 0; r < rounds; r++) {
    crm_report_spec spec = CRM_REPORT_SPEC_INIT;
    spec.from = T0;
    spec.to = T0 + SPAN + 86400;
    spec.group_by = group;
    crm_report *report = NULL;
    gint64 t0 = g_get_monotonic_time();
    check(crm_report_run(&report, db, &spec), "crm_report_run");
    ms[r] = (double)(g_get_monotonic_time() - t0) / 1000.0;
    crm_report_row_iterator *it = NULL;
    crm_report_row *row = NULL;
    check(crm_report_row_iterator_new(&it, report), "crm_report_row_iterator_new");
    t->cases = t->contacts = 0;
    while (crm_report_row_next(&row, it) == CRM_OK) {
      t->cases += crm_report_row_cases(row);
      t->contacts += crm_report_row_contacts_in(row) + crm_report_row_contacts_out(row);
      crm_report_row_free(row);
    }
    crm_report_row_iterator_free(it);
    crm_report_free(report);
  }
  t->cpu_ms = (cpu_ms() - cpu0) / rounds;
  qsort(ms, (size_t)rounds, sizeof ms[0], compare_double);
  return ms[rounds / 2];
}

static int64_t raw_count(sqlite3 *raw, const char *sql)
{
  sqlite3_stmt *st = NULL;
  int64_t n = -1;
  if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, T0);
    sqlite3_bind_int64(st, 2, T0 + SPAN + 86400);
    if (sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return n;
}

/* The baseline: the two bare scans, through sqlite3 alone. */
static double time_baseline(totals *t, const char *path)
{
  sqlite3 *raw = NULL;
  if (sqlite3_open(path, &raw) != SQLITE_OK)
    exit(2);
  double ms[ROUNDS];
  for (int r = 0; r < rounds; r++) {
    gint64 t0 = g_get_monotonic_time();
    t->cases = raw_count(raw, "SELECT COUNT(*) + 0 * SUM(CASE WHEN status IN (5, 6) THEN 1"
                              " ELSE 0 END) FROM cases WHERE created_at >= ?1"
                              " AND created_at < ?2");
    t->contacts = raw_count(raw, "SELECT COUNT(*) FROM interactions WHERE occurred_at >= ?1"
                                 " AND occurred_at < ?2 AND direction IN (1, 2)");
    ms[r] = (double)(g_get_monotonic_time() - t0) / 1000.0;
  }
  sqlite3_close(raw);
  qsort(ms, (size_t)rounds, sizeof ms[0], compare_double);
  return ms[rounds / 2];
}

static void remove_db(char *dir, char *path)
{
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    char *f = g_strconcat(path, suffixes[i], NULL);
    g_unlink(f);
    g_free(f);
  }
  g_rmdir(dir);
}

int main(int argc, char **argv)
{
  int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  if (argc > 1 && !smoke) {
    fprintf(stderr, "usage: %s [--smoke]\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* each RESULT as soon as it is known */
  long cases = smoke ? 2000 : 1000000, interactions = smoke ? 10000 : 5000000;
  rounds = smoke ? ROUNDS : 1;
  char *dir = g_dir_make_tmp("crm-bench-report-XXXXXX", NULL);
  char *path = g_build_filename(dir, "crm.db", NULL);
  char *uri = g_strconcat("sqlite:", path, NULL);
  create(uri);
  gint64 g0 = g_get_monotonic_time();
  /* generated in a child process: the peak RSS below is the report's */
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    fill(path, cases, interactions);
    _exit(0);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    fprintf(stderr, "bench_report: generating the data set failed\n");
    return 2;
  }
  printf("RESULT generate_s=%.1f\n", (double)(g_get_monotonic_time() - g0) / 1e6);

  crm_db *db = NULL;
  check(crm_open(&db, uri, NULL), "crm_open");
  totals base = {0, 0, 0};
  double base_ms = time_baseline(&base, path);
  static const crm_report_group_t groups[] = {CRM_REPORT_BY_NONE,     CRM_REPORT_BY_CHANNEL,
                                              CRM_REPORT_BY_QUEUE,    CRM_REPORT_BY_AGENT,
                                              CRM_REPORT_BY_PRIORITY, CRM_REPORT_BY_DAY};
  int ok = base.cases == cases && base.contacts == interactions;
  double none_ms = 0;
  for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
    totals t = {0, 0, 0};
    double ms = time_report(&t, db, groups[g]);
    if (t.cases != base.cases || t.contacts != base.contacts) {
      fprintf(stderr, "bench_report: by %s: %lld cases, %lld contacts; baseline %lld, %lld\n",
              crm_report_group_name(groups[g]), (long long)t.cases, (long long)t.contacts,
              (long long)base.cases, (long long)base.contacts);
      ok = 0;
    }
    if (groups[g] == CRM_REPORT_BY_NONE)
      none_ms = ms;
    printf("RESULT report_%s_ms=%.1f\n", crm_report_group_name(groups[g]), ms);
    printf("RESULT report_%s_cpu_ms=%.1f\n", crm_report_group_name(groups[g]), t.cpu_ms);
  }
  crm_close(db);
  printf("RESULT baseline_ms=%.1f\n", base_ms);
  printf("RESULT report_ratio=%.2f\n", none_ms / base_ms);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("RESULT peak_rss_mb=%.1f\n", (double)ru.ru_maxrss / 1024.0);
  remove_db(dir, path);
  g_free(uri);
  g_free(path);
  g_free(dir);
  return ok ? 0 : 1;
}
