/*
 * Worker processes for the multi-process tests: the test binary runs
 * itself again (fork + exec of /proc/self/exe) in a worker mode, so each
 * worker opens its own handle in a fresh process; nothing libcrm opened
 * in the parent crosses a fork.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CRM_TEST_WORKER_H
#define CRM_TEST_WORKER_H

#include <sys/types.h>

/* The argument that puts the binary in worker mode: argv[1]. */
#define WORKER_FLAG "--worker"

/*
 * Start this binary as `binary --worker args...` (args NULL-terminated);
 * `in_fd` >= 0 becomes the worker's stdin (a start gate: see
 * worker_gate_wait), `out_fd` >= 0 its stdout (a pipe or a file). Fails
 * the test when it cannot start. Returns the worker's pid.
 */
pid_t worker_spawn(int in_fd, int out_fd, const char *const *args);

/* In a worker: block until the parent closes the write end of the gate
   pipe given as stdin, so that every worker starts at the same moment. */
void worker_gate_wait(void);

/* Wait for a worker; returns its exit status, or 128 + the signal that
   ended it. */
int worker_wait(pid_t pid);

#endif
