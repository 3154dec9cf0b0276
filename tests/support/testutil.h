/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Helpers shared by the tests: finding and running real servers, waiting for
 * conditions with a deadline (never a fixed sleep), scratch directories and
 * free loopback ports.
 */
#ifndef LWS_TESTUTIL_H
#define LWS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Exit code that ctest treats as "skipped". */
#define LT_SKIP 77

bool lt_is_root(void);
/* Full path (written to buf) of an executable in PATH or /usr/sbin, /sbin,
 * or NULL. */
const char *lt_which(const char *name, char *buf, size_t len);

/* Creates a fresh directory under $TMPDIR (or /tmp); returns 0. */
int lt_mkdtemp(char *buf, size_t len, const char *tag);
/* Removes a directory tree made by lt_mkdtemp(). */
void lt_rmtree(const char *dir);
/* Writes a whole file; returns 0. */
int lt_write_file(const char *path, const char *content);
/* Reads up to len-1 bytes of a file, NUL-terminated; returns bytes or -1. */
ssize_t lt_read_file(const char *path, char *buf, size_t len);

/* Starts argv[0] with argv (NULL-terminated), stdout+stderr appended to
 * logpath (or /dev/null if NULL), in its own process group.  If netns is
 * non-NULL the child enters /run/netns/<netns> first.  Returns pid or -1. */
pid_t lt_spawn(char *const argv[], const char *logpath, const char *netns);
/* SIGTERM, then SIGKILL after timeout_ms; reaps.  Returns exit status. */
int lt_kill(pid_t pid, int timeout_ms);
/* Runs a command to completion (same netns rule); returns its exit code. */
int lt_run(char *const argv[], const char *logpath, const char *netns);
/* Runs a shell command line; returns its exit code. */
int lt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Polls cond(arg) every few ms until true or timeout_ms passed. */
bool lt_wait_for(bool (*cond)(void *arg), void *arg, int timeout_ms);
/* True once the file contains needle (e.g. a server's "started" line). */
bool lt_wait_file_contains(const char *path, const char *needle,
                           int timeout_ms);
/* A random loopback port in 20000..31999, free for UDP and TCP now. */
int lt_free_port(bool udp);

/* Monotonic milliseconds. */
long long lt_now_ms(void);
/* How many descriptors the process has open (/proc/self/fd). */
int lt_count_fds(void);
/* ctest timeout scale (LWS_TEST_TIMEOUT_SCALE env), >= 1. */
int lt_timeout_scale(void);

#endif /* LWS_TESTUTIL_H */
