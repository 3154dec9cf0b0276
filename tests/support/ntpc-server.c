/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * In-process NTP server for the SNTP client's tests; see ntpc-server.h.
 * The packets are written by hand here (not with the library's codec), so
 * the codec is checked against an independent encoder.
 */
#define _GNU_SOURCE
#include "ntpc-server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct ntps {
    int fd, fd_other;
    int port;
    int64_t ahead_ns;
    _Atomic int64_t base_ns;   /* 0 = wall clock + ahead */
    _Atomic int64_t base_mono; /* monotonic ns when base_ns was set */
    atomic_int mode;
    atomic_uint requests;
    atomic_bool stop;
    pthread_t thr;
};

static const char *const mode_names[] = {
    "good",     "silent",     "wrong-origin", "kod-rate",  "kod-deny",
    "kod-rstr", "leap3",      "stratum0",     "stratum16", "zero-xmt",
    "short",    "other-port", "ten-years",    "mode3",     "with-ext"};

const char *ntps_mode_name(enum ntps_mode m)
{
    return (unsigned)m < NTPS_MODE_COUNT ? mode_names[m] : "?";
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int64_t server_now_ns(struct ntps *s)
{
    int64_t b = atomic_load(&s->base_ns);

    if (b)
        return b + clock_ns(CLOCK_MONOTONIC) - atomic_load(&s->base_mono);
    return clock_ns(CLOCK_REALTIME) + s->ahead_ns;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Unix ns -> NTP 64-bit timestamp at p. */
static void put_ts(uint8_t *p, int64_t ns)
{
    int64_t sec = ns / 1000000000ll, rem = ns % 1000000000ll;

    put32(p, (uint32_t)(sec + 2208988800ll));
    put32(p + 4, (uint32_t)(((uint64_t)rem << 32) / 1000000000ull));
}

static size_t build(struct ntps *s, int mode, const uint8_t *req, uint8_t *o,
                    int64_t t2)
{
    int li = 0, vn = 4, md = 4, stratum = 3;
    uint32_t refid = 0x7f7f0001, rdisp = 0x00000200;
    int64_t t3;

    memset(o, 0, 68);
    switch (mode) {
    case NTPS_KOD_RATE:
    case NTPS_KOD_DENY:
    case NTPS_KOD_RSTR:
    case NTPS_STRATUM0:
        stratum = 0;
        refid = mode == NTPS_KOD_RATE   ? 0x52415445
                : mode == NTPS_KOD_DENY ? 0x44454e59
                : mode == NTPS_KOD_RSTR ? 0x52535452
                                        : 0x494e4954;
        break;
    case NTPS_LEAP3:
        li = 3;
        break;
    case NTPS_STRATUM16:
        stratum = 16;
        break;
    case NTPS_TEN_YEARS:
        t2 += 315576000ll * 1000000000ll;
        rdisp = 16 << 16;
        break;
    case NTPS_MODE3:
        md = 3;
        break;
    default:
        break;
    }
    t3 = t2 + 20000; /* 20 us in the server */
    o[0] = (uint8_t)((li << 6) | (vn << 3) | md);
    o[1] = (uint8_t)stratum;
    o[2] = 6;
    o[3] = (uint8_t)-20;
    put32(o + 4, 0x00000100);
    put32(o + 8, rdisp);
    put32(o + 12, refid);
    put_ts(o + 16, t2 - 16000000000ll);
    memcpy(o + 24, req + 40, 8); /* origin = request's transmit */
    if (mode == NTPS_WRONG_ORIGIN)
        o[31] ^= 0x55;
    put_ts(o + 32, t2);
    if (mode != NTPS_ZERO_XMT)
        put_ts(o + 40, t3);
    if (mode == NTPS_SHORT)
        return 47;
    if (mode == NTPS_WITH_EXT) {
        put32(o + 48, 0x00ff0014); /* type 0xff, length 20 */
        return 68;
    }
    return 48;
}

static void *ntps_thread(void *arg)
{
    struct ntps *s = arg;
    struct sockaddr_storage ss;
    uint8_t req[512], out[68];
    struct pollfd pfd;
    socklen_t sl;
    ssize_t n;
    size_t len;
    int mode;

    pfd.fd = s->fd;
    pfd.events = POLLIN;
    while (!atomic_load(&s->stop)) {
        if (poll(&pfd, 1, 20) <= 0)
            continue;
        sl = sizeof(ss);
        n = recvfrom(s->fd, req, sizeof(req), 0, (struct sockaddr *)&ss, &sl);
        if (n < 48)
            continue;
        int64_t t2 = server_now_ns(s);

        atomic_fetch_add(&s->requests, 1);
        mode = atomic_load(&s->mode);
        if (mode == NTPS_SILENT)
            continue;
        len = build(s, mode, req, out, t2);
        sendto(mode == NTPS_OTHER_PORT ? s->fd_other : s->fd, out, len, 0,
               (struct sockaddr *)&ss, sl);
    }
    return NULL;
}

static int bind_lo(int *port, int af)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)&ss;
    socklen_t sl = af == AF_INET6 ? sizeof(*sa6) : sizeof(*sa);
    int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    memset(&ss, 0, sizeof(ss));
    if (af == AF_INET6) {
        sa6->sin6_family = AF_INET6;
        sa6->sin6_addr = in6addr_loopback;
    } else {
        sa->sin_family = AF_INET;
        sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    if (bind(fd, (struct sockaddr *)&ss, sl) ||
        getsockname(fd, (struct sockaddr *)&ss, &sl)) {
        close(fd);
        return -1;
    }
    *port = ntohs(af == AF_INET6 ? sa6->sin6_port : sa->sin_port);
    return fd;
}

struct ntps *ntps_start_af(int64_t ahead_ns, int af)
{
    struct ntps *s = calloc(1, sizeof(*s));
    int other;

    if (!s)
        return NULL;
    s->ahead_ns = ahead_ns;
    s->fd = bind_lo(&s->port, af);
    s->fd_other = bind_lo(&other, af);
    if (s->fd < 0 || s->fd_other < 0 ||
        pthread_create(&s->thr, NULL, ntps_thread, s)) {
        if (s->fd >= 0)
            close(s->fd);
        if (s->fd_other >= 0)
            close(s->fd_other);
        free(s);
        return NULL;
    }
    return s;
}

struct ntps *ntps_start(int64_t ahead_ns)
{
    return ntps_start_af(ahead_ns, AF_INET);
}

void ntps_stop(struct ntps *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, true);
    pthread_join(s->thr, NULL);
    close(s->fd);
    close(s->fd_other);
    free(s);
}

int ntps_port(const struct ntps *s)
{
    return s->port;
}

void ntps_set_mode(struct ntps *s, enum ntps_mode m)
{
    atomic_store(&s->mode, (int)m);
}

uint32_t ntps_requests(const struct ntps *s)
{
    return atomic_load(&((struct ntps *)s)->requests);
}

void ntps_set_base(struct ntps *s, int64_t unix_ns)
{
    atomic_store(&s->base_mono, clock_ns(CLOCK_MONOTONIC));
    atomic_store(&s->base_ns, unix_ns);
}
