/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Server processes for the CPD tests and bench that die with the process
 * that started them (PR_SET_PDEATHSIG), so a test killed by its ctest
 * timeout leaves no nginx behind.
 */
#ifndef LWS_CPD_SPAWN_H
#define LWS_CPD_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* Starts argv[0] (a path) with argv, stdout and stderr appended to @log, in
 * its own process group; it gets SIGTERM when the caller's thread exits.
 * Returns the pid, or -1.  Stop it with lt_kill(). */
pid_t cpd_spawn_tied(char *const argv[], const char *log);

/* In a child just forked by the caller: ask for SIGTERM when the parent
 * dies.  Returns 0, or -1 if the parent is already gone. */
int cpd_tie_to_parent(pid_t parent);

/* lt_wait_for() condition: nginx started with "pid <@dir>/nginx.pid;"
 * wrote its pid file, which it does once its listeners are bound. */
bool cpd_nginx_ready(void *dir);

#endif /* LWS_CPD_SPAWN_H */
