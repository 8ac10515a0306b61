/*
 * Eight processes on one database, each with its own handle, started at
 * the same moment: they record contacts for customers from one shared
 * pool of e-mail addresses (find-or-create by identity, so they race to
 * create the same customers), file contacts into the same few cases, and
 * change those cases' priority with the version they read just before,
 * and tag them. Each worker writes what it got to a file; afterwards:
 *
 *  - one customer per identity, and every worker got that one;
 *  - every interaction a worker was handed is stored exactly once;
 *  - each case's inbound_count equals the inbound interactions it holds;
 *  - every priority change either went through or was refused with
 *    CRM_ECONFLICT (never lost): the final version of each shared case is
 *    1 + its successful changes + its tags + the contacts filed into it,
 *    and its feed holds one "case.priority" event per success;
 *  - no call failed with CRM_EBUSY: with a generous busy timeout the
 *    library waits its turn.
 *
 * Runs on every backend that other processes can open (not the in-memory
 * SQLite database).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "testutil.h"
#include "worker.h"

#define WORKERS      8
#define ROUNDS       30
#define POOL         10 /* distinct e-mail addresses */
#define SHARED_CASES 3
#define BUSY_TIMEOUT 60000 /* ms: far longer than any writer holds the lock */
#define RACE_WORKERS 8

/* ------------------------------------------------------------------ */
/* the worker                                                           */

/* A failure a worker cannot go on from: reported on stdout, exit 1. */
static int worker_fail(const char *op, crm_status st)
{
  printf("%s %s %d %s\n", st == CRM_EBUSY ? "busy" : "error", op, st, crm_error_last()->message);
  fflush(stdout);
  return 1;
}

static crm_db *worker_open(const char *uri)
{
  crm_open_options o = CRM_OPEN_OPTIONS_INIT;
  o.busy_timeout_ms = BUSY_TIMEOUT;
  crm_db *db = NULL;
  if (crm_open(&db, uri, &o) != CRM_OK) {
    worker_fail("open", crm_error_last()->code);
    exit(1);
  }
  return db;
}

/* An address of the pool, sometimes spelled in capitals: the same identity. */
static char *pool_address(GRand *rng, int k)
{
  return g_rand_boolean(rng) ? g_strdup_printf("user%d@example.com", k)
                             : g_strdup_printf("User%d@EXAMPLE.com", k);
}

static crm_status record_contact(crm_id *out, crm_db *db, crm_id customer, crm_id case_id,
                                 const char *ref)
{
  crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
  s.customer = customer;
  s.case_id = case_id;
  s.channel = CRM_CHANNEL_EMAIL;
  s.direction = CRM_DIRECTION_INBOUND;
  s.subject = "Concurrent contact";
  s.external_ref = ref;
  return crm_interaction_record(out, db, &s);
}

/* Priority of a shared case, changed with the version read just before. */
static crm_status change_priority(int *conflict, crm_db *db, crm_id case_id)
{
  *conflict = 0;
  crm_case *c = NULL;
  crm_status st = crm_case_lookup(&c, db, case_id);
  if (st != CRM_OK)
    return st;
  int64_t version = crm_case_version(c);
  crm_priority_t next = (crm_priority_t)(crm_case_priority(c) % CRM_PRIORITY_URGENT + 1);
  crm_case_free(c);
  sched_yield(); /* let the others in between the read and the write */
  st = crm_case_set_priority(db, case_id, next, version);
  if (st == CRM_ECONFLICT) {
    *conflict = 1;
    return CRM_OK;
  }
  return st;
}

static int worker_round(crm_db *db, GRand *rng, int index, int round, const crm_id *shared)
{
  int k = g_rand_int_range(rng, 0, POOL);
  char *address = pool_address(rng, k);
  crm_id customer = 0;
  crm_status st = crm_customer_ensure(&customer, NULL, db, CRM_IDENTITY_EMAIL, address, NULL);
  g_free(address);
  if (st != CRM_OK)
    return worker_fail("ensure", st);
  printf("ensure %d %lld\n", k, (long long)customer);

  /* half the contacts open a case of their own, half join a shared one */
  crm_id target = g_rand_boolean(rng) ? shared[g_rand_int_range(rng, 0, SHARED_CASES)] : 0;
  char *ref = g_strdup_printf("<w%d-r%d@example.com>", index, round);
  crm_id interaction = 0;
  st = record_contact(&interaction, db, customer, target, ref);
  if (st == CRM_OK)
    printf("ix %s %lld %lld\n", ref, (long long)interaction, (long long)target);
  g_free(ref);
  if (st != CRM_OK)
    return worker_fail("record", st);

  crm_id c = shared[g_rand_int_range(rng, 0, SHARED_CASES)];
  int conflict = 0;
  if ((st = change_priority(&conflict, db, c)) != CRM_OK)
    return worker_fail("priority", st);
  printf("prio %lld %s\n", (long long)c, conflict ? "conflict" : "ok");

  c = shared[g_rand_int_range(rng, 0, SHARED_CASES)];
  char *tag = g_strdup_printf("w%d-r%d", index, round);
  st = crm_case_tag(db, c, tag);
  g_free(tag);
  if (st != CRM_OK)
    return worker_fail("tag", st);
  printf("tag %lld ok\n", (long long)c);
  return 0;
}

/* argv: mix URI INDEX CASE1,CASE2,CASE3 */
static int worker_mix(char **argv)
{
  const char *uri = argv[0];
  int index = atoi(argv[1]);
  char **ids = g_strsplit(argv[2], ",", -1);
  crm_id shared[SHARED_CASES];
  for (int i = 0; i < SHARED_CASES; i++)
    shared[i] = g_ascii_strtoll(ids[i], NULL, 10);
  g_strfreev(ids);
  worker_gate_wait();
  crm_db *db = worker_open(uri);
  GRand *rng = g_rand_new_with_seed((guint32)(7919 * index + 1));
  int failed = 0;
  for (int r = 0; r < ROUNDS && !failed; r++)
    failed = worker_round(db, rng, index, r, shared);
  g_rand_free(rng);
  crm_close(db);
  fflush(stdout);
  return failed;
}

/* argv: race URI ADDRESS: find-or-create one address at the same moment. */
static int worker_race(char **argv)
{
  worker_gate_wait();
  crm_db *db = worker_open(argv[0]);
  crm_id customer = 0;
  int created = 0;
  crm_status st = crm_customer_ensure(&customer, &created, db, CRM_IDENTITY_EMAIL, argv[1], NULL);
  crm_close(db);
  if (st != CRM_OK)
    return worker_fail("ensure", st);
  printf("ensure %lld %d\n", (long long)customer, created);
  fflush(stdout);
  return 0;
}

static int worker_main(int argc, char **argv)
{
  if (argc >= 5 && strcmp(argv[2], "mix") == 0)
    return worker_mix(argv + 3);
  if (argc >= 5 && strcmp(argv[2], "race") == 0)
    return worker_race(argv + 3);
  fprintf(stderr, "usage: %s " WORKER_FLAG " mix|race ...\n", argv[0]);
  return 2;
}

/* ------------------------------------------------------------------ */
/* running the workers                                                  */

/* The line where a worker said why it stopped. */
static const char *failure_line(const char *output)
{
  const char *line = strstr(output, "busy ");
  if (line == NULL)
    line = strstr(output, "error ");
  return line ? line : "(it said nothing)";
}

/* Start n workers with the same arguments plus their index where "%i"
   stands, all waiting at one gate; open the gate, wait for them all and
   return each one's output. Fails the test if one did not exit 0. */
static char **run_workers(crm_test_db *t, int n, const char *const *args)
{
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0)
    fail_msg("pipe: %s", g_strerror(errno));
  pid_t pids[WORKERS > RACE_WORKERS ? WORKERS : RACE_WORKERS];
  char **outputs = g_new0(char *, n + 1);
  char *paths[G_N_ELEMENTS(pids)];
  for (int i = 0; i < n; i++) {
    paths[i] = g_strdup_printf("%s/worker-%d.out", t->dir, i);
    int fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
      fail_msg("%s: %s", paths[i], g_strerror(errno));
    char index[16];
    g_snprintf(index, sizeof index, "%d", i);
    const char *argv[8];
    int a = 0;
    for (; args[a]; a++)
      argv[a] = strcmp(args[a], "%i") == 0 ? index : args[a];
    argv[a] = NULL;
    pids[i] = worker_spawn(gate[0], fd, argv);
    close(fd);
  }
  close(gate[0]);
  close(gate[1]); /* everyone starts now */
  GString *failures = g_string_new(NULL);
  for (int i = 0; i < n; i++) {
    int status = worker_wait(pids[i]);
    if (!g_file_get_contents(paths[i], &outputs[i], NULL, NULL))
      outputs[i] = g_strdup("");
    if (status != 0)
      g_string_append_printf(failures, "worker %d exited with %d: %s\n", i, status,
                             failure_line(outputs[i]));
    g_free(paths[i]);
  }
  if (failures->len)
    fail_msg("%s", failures->str);
  g_string_free(failures, TRUE);
  return outputs;
}

/* ------------------------------------------------------------------ */
/* checks                                                               */

typedef struct {
  crm_id customer_of[POOL]; /* 0: address never used */
  GHashTable *interactions; /* id -> ref */
  GHashTable *filed;        /* shared case -> contacts filed into it */
  GHashTable *prio_ok, *prio_conflict, *tags;
  long prio_attempts, contacts;
} tally;

static void count_in(GHashTable *h, crm_id key)
{
  gpointer k = GINT_TO_POINTER((int)key);
  g_hash_table_insert(h, k, GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(h, k)) + 1));
}

static long count_of(GHashTable *h, crm_id key)
{
  return GPOINTER_TO_INT(g_hash_table_lookup(h, GINT_TO_POINTER((int)key)));
}

static void tally_line(tally *ty, crm_test_db *t, const char *line)
{
  char ref[128];
  long long a = 0, b = 0, c = 0;
  char word[16];
  if (sscanf(line, "ensure %lld %lld", &a, &b) == 2) {
    if (ty->customer_of[a] != 0 && ty->customer_of[a] != b)
      fail_msg("address %lld was given to customers %lld and %lld", a,
               (long long)ty->customer_of[a], b);
    ty->customer_of[a] = b;
  } else if (sscanf(line, "ix %127s %lld %lld", ref, &b, &c) == 3) {
    if (g_hash_table_contains(ty->interactions, GINT_TO_POINTER((int)b)))
      fail_msg("interaction %lld was handed out twice", b);
    g_hash_table_insert(ty->interactions, GINT_TO_POINTER((int)b), g_strdup(ref));
    ty->contacts++;
    if (c)
      count_in(ty->filed, c);
    /* stored, with its reference, in the case it was filed into */
    crm_interaction *ix = NULL;
    assert_crm_ok(crm_interaction_lookup(&ix, t->db, b));
    assert_string_equal(crm_interaction_external_ref(ix), ref);
    if (c)
      assert_int_equal(crm_interaction_case(ix), c);
    crm_interaction_free(ix);
  } else if (sscanf(line, "prio %lld %15s", &a, word) == 2) {
    ty->prio_attempts++;
    count_in(strcmp(word, "ok") == 0 ? ty->prio_ok : ty->prio_conflict, a);
  } else if (sscanf(line, "tag %lld", &a) == 1) {
    count_in(ty->tags, a);
  } else if (*line) {
    fail_msg("unexpected worker output: %s", line);
  }
}

/* The version of a shared case accounts for every change that went through. */
static void check_shared_case(crm_test_db *t, tally *ty, crm_id id)
{
  crm_case *c = NULL;
  assert_crm_ok(crm_case_lookup(&c, t->db, id));
  long ok = count_of(ty->prio_ok, id), tags = count_of(ty->tags, id),
       filed = count_of(ty->filed, id);
  int64_t want = 1 + ok + tags + filed;
  if (crm_case_version(c) != want)
    fail_msg("case %lld is at version %lld, expected 1 + %ld priority changes + %ld tags + %ld "
             "contacts = %lld",
             (long long)id, (long long)crm_case_version(c), ok, tags, filed, (long long)want);
  assert_int_equal(crm_case_inbound_count(c), filed);
  assert_int_equal(crm_case_tag_count(c), tags);
  crm_case_free(c);
  assert_int_equal(count_events_of(t->db, "case.priority", id), ok);
}

/* ------------------------------------------------------------------ */
/* tests                                                                */

static void test_eight_processes(void **state)
{
  crm_test_db *t = *state;
  crm_id owner = crm_test_customer(t->db, "shared@example.com");
  crm_id shared[SHARED_CASES];
  crm_case_spec spec = CRM_CASE_SPEC_INIT;
  spec.customer = owner;
  spec.subject = "Shared";
  for (int i = 0; i < SHARED_CASES; i++)
    assert_crm_ok(crm_case_open(&shared[i], t->db, &spec));
  char ids[96];
  g_snprintf(ids, sizeof ids, "%lld,%lld,%lld", (long long)shared[0], (long long)shared[1],
             (long long)shared[2]);
  const char *args[] = {"mix", t->uri, "%i", ids, NULL};
  char **outputs = run_workers(t, WORKERS, args);

  tally ty = {0};
  ty.interactions = g_hash_table_new_full(NULL, NULL, NULL, g_free);
  ty.filed = g_hash_table_new(NULL, NULL);
  ty.prio_ok = g_hash_table_new(NULL, NULL);
  ty.prio_conflict = g_hash_table_new(NULL, NULL);
  ty.tags = g_hash_table_new(NULL, NULL);
  for (int i = 0; i < WORKERS; i++) {
    char **lines = g_strsplit(outputs[i], "\n", -1);
    for (char **l = lines; *l; l++)
      tally_line(&ty, t, *l);
    g_strfreev(lines);
  }
  g_strfreev(outputs);

  /* one customer per identity, and that is the one every worker got */
  long used = 0;
  for (int k = 0; k < POOL; k++) {
    if (ty.customer_of[k] == 0)
      continue;
    used++;
    char *address = g_strdup_printf("user%d@example.com", k);
    crm_id found = 0;
    assert_crm_ok(crm_customer_find(&found, t->db, CRM_IDENTITY_EMAIL, address));
    assert_int_equal(found, ty.customer_of[k]);
    g_free(address);
  }
  assert_int_equal(crm_test_count_rows(t, "customers"), used + 1);
  assert_int_equal(crm_test_count_rows(t, "identities"), used + 1);

  /* every contact a worker was told about is there, exactly once */
  assert_int_equal(ty.contacts, WORKERS * ROUNDS);
  assert_int_equal(g_hash_table_size(ty.interactions), WORKERS * ROUNDS);
  assert_int_equal(crm_test_count_rows(t, "interactions"), WORKERS * ROUNDS);
  assert_int_equal(count_events_of(t->db, "interaction.recorded", 0), WORKERS * ROUNDS);

  /* counters equal the rows they count; nothing lost or doubled */
  long cases = check_case_counters(t->db);
  long own_cases = WORKERS * ROUNDS;
  for (int i = 0; i < SHARED_CASES; i++)
    own_cases -= count_of(ty.filed, shared[i]);
  assert_int_equal(cases, SHARED_CASES + own_cases);

  /* each priority change went through or was refused as stale */
  assert_int_equal(ty.prio_attempts, WORKERS * ROUNDS);
  long conflicts = 0;
  for (int i = 0; i < SHARED_CASES; i++) {
    check_shared_case(t, &ty, shared[i]);
    conflicts += count_of(ty.prio_conflict, shared[i]);
  }
  print_message("# %d workers x %d rounds: %ld customers, %ld cases, %ld of %ld priority "
                "changes refused as stale\n",
                WORKERS, ROUNDS, used, cases, conflicts, ty.prio_attempts);

  g_hash_table_unref(ty.interactions);
  g_hash_table_unref(ty.filed);
  g_hash_table_unref(ty.prio_ok);
  g_hash_table_unref(ty.prio_conflict);
  g_hash_table_unref(ty.tags);
}

/* Eight find-or-creates of one new address at the same moment: one customer. */
static void test_ensure_race(void **state)
{
  crm_test_db *t = *state;
  const char *args[] = {"race", t->uri, "Racer@Example.com", NULL};
  char **outputs = run_workers(t, RACE_WORKERS, args);
  crm_id first = 0;
  int created = 0;
  for (int i = 0; i < RACE_WORKERS; i++) {
    long long id = 0;
    int c = 0;
    if (sscanf(outputs[i], "ensure %lld %d", &id, &c) != 2)
      fail_msg("worker %d said: %s", i, outputs[i]);
    if (first == 0)
      first = id;
    assert_int_equal(id, first);
    created += c;
  }
  g_strfreev(outputs);
  assert_int_equal(created, 1);
  assert_int_equal(crm_test_count_rows(t, "customers"), 1);
  assert_int_equal(crm_test_count_rows(t, "identities"), 1);
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], WORKER_FLAG) == 0)
    return worker_main(argc, argv);
  if (!crm_test_persistent()) {
    printf("1..0 # SKIP other processes cannot open an in-memory database\n");
    return 0;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_ensure_race, crm_test_setup, crm_test_teardown),
      cmocka_unit_test_setup_teardown(test_eight_processes, crm_test_setup, crm_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
