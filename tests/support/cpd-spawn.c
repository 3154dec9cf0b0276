/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * See cpd-spawn.h.
 */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include "cpd-spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int cpd_tie_to_parent(pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGTERM))
        return -1;
    /* The parent may have died before the prctl(). */
    return getppid() == parent ? 0 : -1;
}

pid_t cpd_spawn_tied(char *const argv[], const char *log)
{
    pid_t parent = getpid(), pid = fork();
    int fd;

    if (pid)
        return pid;
    if (cpd_tie_to_parent(parent))
        _exit(127);
    setpgid(0, 0);
    fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execv(argv[0], argv);
    _exit(127);
}

bool cpd_nginx_ready(void *dir)
{
    char path[PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/nginx.pid", (const char *)dir);
    return access(path, R_OK) == 0;
}
