/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Test helpers: see testutil.h.
 */
#define _GNU_SOURCE
#include "testutil.h"
#include "private-core.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

bool lt_is_root(void)
{
    return geteuid() == 0;
}

const char *lt_which(const char *name, char *buf, size_t len)
{
    const char *path = getenv("PATH");
    char all[4096];
    char *save = NULL, *dir;

    snprintf(all, sizeof(all), "%s:/usr/sbin:/sbin:/usr/bin:/bin",
             path ? path : "");
    for (dir = strtok_r(all, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        snprintf(buf, len, "%s/%s", dir, name);
        if (!access(buf, X_OK))
            return buf;
    }
    return NULL;
}

int lt_mkdtemp(char *buf, size_t len, const char *tag)
{
    const char *t = getenv("TMPDIR");

    snprintf(buf, len, "%s/lwst-%s-XXXXXX", t && *t ? t : "/tmp", tag);
    return mkdtemp(buf) ? 0 : -1;
}

void lt_rmtree(const char *dir)
{
    if (dir && *dir && strstr(dir, "/lwst-"))
        lt_sh("rm -rf '%s'", dir);
}

int lt_write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");
    int r;

    if (!f)
        return -1;
    r = fputs(content, f) < 0 ? -1 : 0;
    if (fclose(f))
        r = -1;
    return r;
}

ssize_t lt_read_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n, tot = 0;

    if (fd < 0 || !len)
        return -1;
    while (tot < (ssize_t)len - 1 &&
           (n = read(fd, buf + tot, len - 1 - (size_t)tot)) > 0)
        tot += n;
    close(fd);
    buf[tot] = '\0';
    return tot;
}

static void lt_child_setup(const char *logpath, const char *netns)
{
    int fd;

    setpgid(0, 0);
    if (netns) {
        char p[256];

        snprintf(p, sizeof(p), "/run/netns/%s", netns);
        fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET)) {
            perror("setns");
            _exit(126);
        }
        close(fd);
    }
    fd = open(logpath ? logpath : "/dev/null",
              O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    fd = open("/dev/null", O_RDONLY);
    if (fd >= 0)
        dup2(fd, 0);
}

pid_t lt_spawn(char *const argv[], const char *logpath, const char *netns)
{
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (!pid) {
        lt_child_setup(logpath, netns);
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    setpgid(pid, pid);
    return pid;
}

int lt_kill(pid_t pid, int timeout_ms)
{
    long long end = lt_now_ms() + timeout_ms;
    int st = 0;

    if (pid <= 0)
        return -1;
    kill(pid, SIGTERM);
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);

        if (r == pid)
            break;
        if (r < 0)
            return -1;
        if (lt_now_ms() > end) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        usleep(2000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int lt_run(char *const argv[], const char *logpath, const char *netns)
{
    pid_t pid = lt_spawn(argv, logpath, netns);
    int st;

    if (pid < 0)
        return -1;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int lt_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    st = system(cmd);
    if (st == -1)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

long long lt_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lt_timeout_scale(void)
{
    const char *s = getenv("LWS_TEST_TIMEOUT_SCALE");
    int n = s ? (int)strtol(s, NULL, 10) : 1;

    return n < 1 ? 1 : n;
}

bool lt_wait_for(bool (*cond)(void *arg), void *arg, int timeout_ms)
{
    long long end = lt_now_ms() + (long long)timeout_ms * lt_timeout_scale();

    for (;;) {
        if (cond(arg))
            return true;
        if (lt_now_ms() > end)
            return false;
        usleep(5000);
    }
}

struct lt_fc {
    const char *path;
    const char *needle;
};

static bool lt_file_contains(void *arg)
{
    struct lt_fc *fc = arg;
    static char buf[1 << 16];

    return lt_read_file(fc->path, buf, sizeof(buf)) > 0 &&
           strstr(buf, fc->needle);
}

bool lt_wait_file_contains(const char *path, const char *needle, int timeout_ms)
{
    struct lt_fc fc = {path, needle};

    return lt_wait_for(lt_file_contains, &fc, timeout_ms);
}

static bool lt_port_free(int type, int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, type, 0);
    bool ok;

    if (fd < 0)
        return false;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    ok = !bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);
    return ok;
}

/* A random port below the kernel's ephemeral range (32768+), free for both
 * UDP and TCP: tests running in parallel, each picking ports then starting
 * a server on them, then rarely pick the same one (port 0 hands out
 * neighbouring ports to neighbouring callers). */
int lt_free_port(bool udp)
{
    static unsigned int seed;

    (void)udp;
    if (!seed)
        seed = (unsigned int)getpid() ^ (unsigned int)lt_now_ms();
    for (int tries = 0; tries < 200; tries++) {
        int port = 20000 + (int)(rand_r(&seed) % 12000);

        if (lt_port_free(SOCK_DGRAM, port) && lt_port_free(SOCK_STREAM, port))
            return port;
    }
    return -1;
}

/* Every test binary counts the library's heap and can fail allocations. */
__attribute__((constructor)) static void lt_alloc_track_on(void)
{
    lws__alloc_track(true);
}

int lt_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* not the one reading the directory */
}
