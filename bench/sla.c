/*
 * bench_sla: due-instant computations per second with crm_calendar_add_business,
 * beside a naive minute-stepping baseline (GLib GDateTime tests every minute)
 * run in the same process on a smaller sample. Both must agree on every
 * sampled input.
 *
 * Calendar: Europe/Rome, Mon-Fri 09:00-13:00 and 14:00-18:00, 30 holidays.
 * Inputs: starts spread over 2025 (minute-aligned, fixed-seed PRNG),
 * durations log-uniform from 1 minute to 30 business days (whole minutes).
 *
 *   bench_sla            full run (a few seconds)
 *   bench_sla --smoke    tiny run for CI (well under a second)
 *
 * Rates are per CPU second of the benchmark's thread (one core).
 * Prints RESULT sla_due_per_sec=..., RESULT naive_due_per_sec=...,
 * RESULT speedup=... Exit status 1 if the two implementations disagree.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "crm.h"

#define YEAR_2025 1735689600LL /* 2025-01-01T00:00:00Z */
#define MAX_BIZ   (30LL * 8 * 3600)
#define OPEN1     (9 * 60)
#define CLOSE1    (13 * 60)
#define OPEN2     (14 * 60)
#define CLOSE2    (18 * 60)

/* Italian public holidays 2025-2026 plus company closures: 30 dates. */
static const char *const holidays[] = {
    "2025-01-01", "2025-01-06", "2025-04-21", "2025-04-25", "2025-05-01", "2025-06-02",
    "2025-08-15", "2025-11-01", "2025-12-08", "2025-12-25", "2025-12-26", "2026-01-01",
    "2026-01-06", "2026-04-06", "2026-04-25", "2026-05-01", "2026-06-02", "2026-08-15",
    "2026-11-01", "2026-12-08", "2026-12-25", "2026-12-26", "2025-08-14", "2025-08-18",
    "2025-12-24", "2025-12-29", "2025-12-30", "2025-12-31", "2025-06-24", "2025-03-19",
};

/* splitmix64: a fixed, portable sequence */
static guint64 rng_state = 0x5eed2025u;
static guint64 rng_next(void)
{
  guint64 z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double rng_unit(void)
{
  return (double)(rng_next() >> 11) / 9007199254740992.0;
}

typedef struct {
  crm_time start;
  int64_t seconds;
} input;

static input random_input(void)
{
  input in;
  in.start = YEAR_2025 + (crm_time)(rng_next() % (365 * 1440)) * 60;
  double minutes = exp(rng_unit() * log((double)MAX_BIZ / 60.0)); /* 1 .. 43200 */
  in.seconds = (int64_t)minutes * 60;
  if (in.seconds < 60)
    in.seconds = 60;
  return in;
}

static crm_calendar *make_calendar(void)
{
  crm_calendar *cal = NULL;
  if (crm_calendar_new(&cal, "Europe/Rome") != CRM_OK)
    return NULL;
  for (int d = 1; d <= 5; d++) {
    crm_calendar_add_hours(cal, d, OPEN1, CLOSE1);
    crm_calendar_add_hours(cal, d, OPEN2, CLOSE2);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(holidays); i++)
    if (crm_calendar_add_holiday(cal, holidays[i], NULL) != CRM_OK) {
      crm_calendar_free(cal);
      return NULL;
    }
  return cal;
}

/* ---- the naive baseline: test every minute with GDateTime ---------------- */

typedef struct {
  GTimeZone *tz;
  int holiday_keys[G_N_ELEMENTS(holidays)]; /* yyyymmdd, sorted */
} naive;

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void naive_init(naive *nv)
{
  nv->tz = g_time_zone_new_identifier("Europe/Rome");
  for (size_t i = 0; i < G_N_ELEMENTS(holidays); i++)
    nv->holiday_keys[i] =
        atoi(holidays[i]) * 10000 + atoi(holidays[i] + 5) * 100 + atoi(holidays[i] + 8);
  qsort(nv->holiday_keys, G_N_ELEMENTS(holidays), sizeof(int), cmp_int);
}

static int naive_open(const naive *nv, gint64 t)
{
  GDateTime *dt = g_date_time_new_from_unix_utc(t);
  GDateTime *local = g_date_time_to_timezone(dt, nv->tz);
  int wd = g_date_time_get_day_of_week(local);
  int minute = g_date_time_get_hour(local) * 60 + g_date_time_get_minute(local);
  int key = g_date_time_get_year(local) * 10000 + g_date_time_get_month(local) * 100 +
            g_date_time_get_day_of_month(local);
  g_date_time_unref(local);
  g_date_time_unref(dt);
  if (wd > 5 || bsearch(&key, nv->holiday_keys, G_N_ELEMENTS(holidays), sizeof(int), cmp_int))
    return 0;
  return (minute >= OPEN1 && minute < CLOSE1) || (minute >= OPEN2 && minute < CLOSE2);
}

/* start and duration are whole minutes; the result ends the last counted minute */
static crm_time naive_add(const naive *nv, crm_time start, int64_t seconds)
{
  int64_t left = seconds / 60;
  for (gint64 t = start;; t += 60)
    if (naive_open(nv, t) && --left == 0)
      return t + 60;
}

/* CPU seconds of this thread: "per second on one core", steady when the
   machine is busy with other work. */
static double cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the run --------------------------------------------------------------- */

int main(int argc, char **argv)
{
  int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  if (argc > 1 && !smoke) {
    fprintf(stderr, "usage: %s [--smoke]\n", argv[0]);
    return 2;
  }
  size_t fast_n = smoke ? 20000 : 4000000, naive_n = smoke ? 8 : 300;

  crm_calendar *cal = make_calendar();
  if (cal == NULL) {
    fprintf(stderr, "bench_sla: cannot build the calendar: %s\n", crm_error_last()->message);
    return 1;
  }
  naive nv;
  naive_init(&nv);

  /* the library, over many inputs (generated before timing) */
  input *inputs = g_new(input, fast_n);
  for (size_t i = 0; i < fast_n; i++)
    inputs[i] = random_input();
  crm_time warm;
  crm_calendar_add_business(&warm, cal, inputs[0].start, inputs[0].seconds);
  guint64 checksum = 0;
  double t0 = cpu_seconds();
  gint64 wall0 = g_get_monotonic_time();
  for (size_t i = 0; i < fast_n; i++) {
    crm_time due = 0;
    if (crm_calendar_add_business(&due, cal, inputs[i].start, inputs[i].seconds) != CRM_OK) {
      fprintf(stderr, "bench_sla: add_business failed: %s\n", crm_error_last()->message);
      return 1;
    }
    checksum += (guint64)due;
  }
  double fast_s = cpu_seconds() - t0;
  double fast_wall = (double)(g_get_monotonic_time() - wall0) / 1e6;

  /* the baseline, on a smaller sample; both must agree */
  int disagree = 0;
  double naive_s = 0;
  for (size_t i = 0; i < naive_n; i++) {
    input in = random_input();
    double t1 = cpu_seconds();
    crm_time want = naive_add(&nv, in.start, in.seconds);
    naive_s += cpu_seconds() - t1;
    crm_time got = 0;
    crm_calendar_add_business(&got, cal, in.start, in.seconds);
    if (got != want) {
      fprintf(stderr, "bench_sla: disagreement: start %lld + %lld s: library %lld, naive %lld\n",
              (long long)in.start, (long long)in.seconds, (long long)got, (long long)want);
      disagree++;
    }
  }

  double fast_rate = (double)fast_n / fast_s, naive_rate = (double)naive_n / naive_s;
  printf("# %zu computations in %.3f s CPU (%.3f s wall, checksum %llu); naive: %zu in %.3f s "
         "CPU; %d disagreements\n",
         fast_n, fast_s, fast_wall, (unsigned long long)checksum, naive_n, naive_s, disagree);
  printf("RESULT sla_due_per_sec=%.0f\n", fast_rate);
  printf("RESULT naive_due_per_sec=%.1f\n", naive_rate);
  printf("RESULT speedup=%.0f\n", fast_rate / naive_rate);

  g_free(inputs);
  g_time_zone_unref(nv.tz);
  crm_calendar_free(cal);
  return disagree ? 1 : 0;
}
