/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * chronyd in a private network namespace; see ntpc-chrony.h.
 */
#define _GNU_SOURCE
#include "ntpc-chrony.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct ntpc_chrony *cleanup_c;

static void chrony_cleanup(void)
{
    struct ntpc_chrony *c = cleanup_c;

    if (!c)
        return;
    ntpc_chrony_stop(c);
    if (c->in_netns)
        lt_sh("ip netns del %s 2>/dev/null", c->netns);
    lt_rmtree(c->dir);
    cleanup_c = NULL;
}

int ntpc_chrony_setup(struct ntpc_chrony *c)
{
    char buf[1024], path[128];
    int fd;

    memset(c, 0, sizeof(*c));
    if (!lt_is_root() || !lt_which("chronyd", buf, sizeof(buf)) ||
        !lt_which("ip", buf, sizeof(buf))) {
        fprintf(stderr, "skip: needs root, chronyd and ip\n");
        return LT_SKIP;
    }
    snprintf(c->netns, sizeof(c->netns), "ntpc-%d", (int)getpid());
    if (lt_mkdtemp(c->dir, sizeof(c->dir), "ntpc-chrony"))
        return -1;
    cleanup_c = c;
    atexit(chrony_cleanup);
    /* A namespace with our pid can only be a stale one from a process that
     * was killed before its cleanup ran. */
    lt_sh("ip netns del %s 2>/dev/null", c->netns);
    if (lt_sh("ip netns add %s && ip -n %s link set lo up", c->netns, c->netns))
        return -1;
    c->in_netns = true;
    snprintf(path, sizeof(path), "/run/netns/%s", c->netns);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET)) {
        perror("setns");
        return -1;
    }
    close(fd);
    snprintf(c->conf, sizeof(c->conf), "%s/chrony.conf", c->dir);
    snprintf(c->log, sizeof(c->log), "%s/chronyd.log", c->dir);
    snprintf(buf, sizeof(buf),
             "port 123\nbindaddress 127.0.0.1\nallow 127.0.0.1\n"
             "local stratum 10\ncmdport 0\npidfile %s/chronyd.pid\n"
             "driftfile %s/drift\n",
             c->dir, c->dir);
    return lt_write_file(c->conf, buf) ? -1 : 0;
}

int ntpc_chrony_start(struct ntpc_chrony *c)
{
    char bin[256];
    char *argv[] = {bin, "-d", "-x", "-u", "root", "-f", c->conf, NULL};

    if (!lt_which("chronyd", bin, sizeof(bin)))
        return -1;
    c->pid = lt_spawn(argv, c->log, NULL);
    if (c->pid <= 0)
        return -1;
    /* Ready when it answers as a synchronised server. */
    for (long long end = lt_now_ms() + 10000 * lt_timeout_scale();
         lt_now_ms() < end;)
        if (ntpc_ntp_probe(123, 200))
            return 0;
    fprintf(stderr, "chronyd did not come up; see %s\n", c->log);
    return -1;
}

static const char *faketime_lib(void)
{
    static const char *const libs[] = {
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/faketime/libfaketimeMT.so.1", NULL};

    for (int i = 0; libs[i]; i++)
        if (!access(libs[i], R_OK))
            return libs[i];
    return NULL;
}

int ntpc_chrony_start_shifted(struct ntpc_chrony *c, const char *shift)
{
    const char *lib = faketime_lib();
    int r;

    if (!lib)
        return LT_SKIP;
    /* Only chronyd gets the shifted wall clock; its monotonic clock and
     * everything of ours stay real.  No other thread runs here. */
    setenv("LD_PRELOAD", lib, 1);
    setenv("FAKETIME", shift, 1);
    setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
    r = ntpc_chrony_start(c);
    unsetenv("LD_PRELOAD");
    unsetenv("FAKETIME");
    unsetenv("FAKETIME_DONT_FAKE_MONOTONIC");
    return r;
}

void ntpc_chrony_stop(struct ntpc_chrony *c)
{
    if (c->pid > 0)
        lt_kill(c->pid, 3000);
    c->pid = 0;
}

bool ntpc_ntp_probe(int port, int timeout_ms)
{
    struct sockaddr_in sa;
    uint8_t req[48] = {0x23}, rep[128];
    struct pollfd pfd;
    bool ok = false;
    ssize_t n;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return false;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    req[40] = 0x5a;
    req[47] = 0xa5;
    if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        goto out;
    pfd.fd = fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, timeout_ms) != 1)
        goto out;
    n = recv(fd, rep, sizeof(rep), 0);
    ok = n >= 48 && (rep[0] & 7) == 4 && (rep[0] >> 6) != 3 && rep[1] &&
         rep[1] < 16 && rep[24] == 0x5a && rep[31] == 0xa5;
out:
    close(fd);
    return ok;
}

/* Finds `"offset":` in ntpdig's JSON, or "wrong by X seconds" in chronyd's
 * -Q output. */
static int parse_offset(const char *buf, const char *key, int64_t *off_us)
{
    const char *p = strstr(buf, key);
    char *end;
    double v;

    if (!p)
        return -1;
    v = strtod(p + strlen(key), &end);
    if (end == p + strlen(key))
        return -1;
    *off_us = (int64_t)(v * 1e6 + (v < 0 ? -0.5 : 0.5));
    return 0;
}

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int ref_run(struct ntpc_chrony *c, int64_t *off_us)
{
    char bin[256], out[400], buf[2048];

    snprintf(out, sizeof(out), "%s/ref.out", c->dir);
    if (lt_which("ntpdig", bin, sizeof(bin))) {
        if (lt_sh("%s -j -t 2 127.0.0.1 > %s 2>&1", bin, out) ||
            lt_read_file(out, buf, sizeof(buf)) <= 0)
            return -1;
        return parse_offset(buf, "\"offset\":", off_us);
    }
    /* chronyd -Q prints how wrong the local clock is (positive: the
     * server is ahead), without touching the clock. */
    if (lt_sh("chronyd -Q -u root -f /dev/null -t 5 'server 127.0.0.1 "
              "iburst maxsamples 1' > %s 2>&1",
              out) ||
        lt_read_file(out, buf, sizeof(buf)) <= 0)
        return -1;
    return parse_offset(buf, "wrong by ", off_us);
}

int ntpc_ref_offset_us(struct ntpc_chrony *c, int64_t *off_us, int64_t *span_us)
{
    int64_t t0 = mono_us();
    int r = ref_run(c, off_us);

    if (span_us)
        *span_us = mono_us() - t0;
    return r;
}
