/*
 * Worker processes (see worker.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "worker.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

pid_t worker_spawn(int in_fd, int out_fd, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) "/proc/self/exe");
  g_ptr_array_add(argv, (gpointer)WORKER_FLAG);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add(argv, (gpointer)*a);
  g_ptr_array_add(argv, NULL);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0)
    fail_msg("fork: %s", g_strerror(errno));
  if (pid == 0) {
    if (in_fd >= 0 && in_fd != STDIN_FILENO)
      dup2(in_fd, STDIN_FILENO);
    if (out_fd >= 0 && out_fd != STDOUT_FILENO)
      dup2(out_fd, STDOUT_FILENO);
    execv("/proc/self/exe", (char **)argv->pdata);
    fprintf(stderr, "exec /proc/self/exe: %s\n", g_strerror(errno));
    _exit(127);
  }
  g_ptr_array_free(argv, TRUE);
  return pid;
}

int worker_wait(pid_t pid)
{
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      fail_msg("waitpid %d: %s", (int)pid, g_strerror(errno));
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

void worker_gate_wait(void)
{
  char c;
  while (read(STDIN_FILENO, &c, 1) > 0)
    ;
}
