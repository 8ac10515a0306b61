/*
 * bench_ingest's shared parts: the workload, the raw-statement drivers'
 * interface, timing in a child process and the RESULT lines. ingest.c
 * holds them with the SQLite runs; ingest_pg.c the PostgreSQL runs.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef BENCH_INGEST_H
#define BENCH_INGEST_H

#include <stdint.h>

#include <glib.h>

#include "crm.h"

#define T0   ((crm_time)1772442000) /* the fixed clock of every run */
#define BODY "Hello, the parcel I ordered last week has not arrived yet. Could you check?"

typedef struct {
  long contacts;   /* contacts timed per measurement */
  int reps;        /* best of */
  long check_size; /* contacts of the row-for-row check */
} sizes;

/* Wall-clock and CPU (user + system) seconds of this process. The rates
   and ratios use CPU time: on a shared machine, wall time mostly measures
   the other processes. */
typedef struct {
  double wall, cpu;
} elapsed;

/* Contact i of a run: its customer's address, subject and Message-ID.
   Customers are `pool` = n/4 addresses, each one used four times, in a
   fixed shuffled order. */
typedef struct {
  const char *tag; /* keeps the runs on one database apart */
  long n;
  int *customer_of; /* contact -> customer index */
} workload;

typedef struct {
  char email[64], subject[64], ref[64];
} contact;

enum {
  Q_FIND_IDENTITY,
  Q_INSERT_CUSTOMER,
  Q_INSERT_IDENTITY,
  Q_INSERT_EVENT,
  Q_INSERT_CASE,
  Q_INSERT_INTERACTION,
  Q_INSERT_SLA_CASE,
  Q_COUNT
};

typedef enum { P_NULL, P_INT, P_TEXT } param_kind;

typedef struct {
  param_kind kind;
  int64_t i;
  const char *s;
} param;

#define PI(v) ((param){P_INT, (v), NULL})
#define PS(v) ((param){P_TEXT, 0, (v)})
#define PN    ((param){P_NULL, 0, NULL})

typedef struct raw raw;
struct raw {
  /* run query q; *out: the new row's id, or the id found (0: none) */
  void (*run)(raw *r, int q, const param *ps, int n, int64_t *out);
  void (*exec)(raw *r, const char *sql);
  /* what the backend runs to begin and to commit a write transaction */
  void (*begin)(raw *r);
  void (*commit)(raw *r);
  void (*close)(raw *r);
  /* a call of libcrm's API ends here (after the customer is ensured and
     after the interaction is recorded); NULL: nothing to do */
  void (*call_end)(raw *r);
};

typedef struct {
  elapsed took;
  long maxrss_kb;
} measurement;

/* Runs the contacts; returns the seconds they took (open and close not
   counted). */
typedef elapsed (*run_fn)(const void *arg);

/* One run's rate (contacts per second), through libcrm or the baseline. */
typedef double (*run_rate_fn)(const void *arg, int use_libcrm, int rep);

#define N_BATCHES 3
extern const int batches[N_BATCHES]; /* contacts per transaction */

void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

elapsed now_elapsed(void);
elapsed since(elapsed start);

workload workload_new(const char *tag, long n);
void workload_free(workload *w);

/* through libcrm: a handle on the fixed clock; a run's contacts in
   transactions of `batch` */
crm_db *libcrm_open(const char *uri);
elapsed libcrm_run(const char *uri, const workload *w, int batch);

/* through a raw driver: the same contacts, the same rows */
elapsed raw_run(raw *r, const workload *w, int batch);

/* the row-for-row check: lines sorted and joined (g_free; frees `lines`),
   and the first difference of two such dumps, reported on stderr */
char *sorted_text(GPtrArray *lines);
void report_difference(const char *a, const char *b);

/* Run `fn` in a child; the seconds it took and the child's peak RSS. */
measurement measure(run_fn fn, const void *arg);
/* The largest peak RSS seen, for the last RESULT line. */
extern long peak_rss_kb;
void note_rss(const measurement *m);

void result_double(const char *name, double v);
void result_long(const char *name, long v);
/* 10000 -> "10k", 1000000 -> "1M" (a static buffer among 8) */
const char *count_label(long n);
/* The best of `reps` runs each way, libcrm and the baseline in turns. */
void best_rates(run_rate_fn run, const void *arg, int reps, double *lib, double *baseline);

#ifdef BENCH_HAVE_PG
/* The PostgreSQL runs (ingest_pg.c); 0 if the row-for-row check failed. */
int pg_bench(const char *uri, const sizes *sz, const long *existing, int n_existing);
#endif

#endif
