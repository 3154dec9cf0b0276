/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/dns: the async DNS resolver against a real dnsmasq on loopback.
 * Prints medians, spreads and ratios:
 *   - cache hit: query -> callback cost and hits/s on one core
 *   - misses: distinct names (A + AAAA each) at 1, 8, 32, 50, 64 and 200
 *     lookups in flight, rounds interleaved in this one process against
 *     the baselines at their best on the same dnsmasq and the same kind of
 *     names: bare c-ares 1.18 on libuv (ares_getaddrinfo, AF_UNSPEC,
 *     ARES_AI_NOSORT, lookups "b"), the floor of a fresh port per
 *     question (a bare epoll loop: socket, bind to a random port,
 *     connect, send, receive, close) and the same loop reusing its
 *     sockets, and the glibc resolver (getaddrinfo from up to 8 threads);
 *     beside names/s, this process's CPU time per name (user + system,
 *     context set-up included), which a loaded machine moves far less.
 *     lws-system runs with its defaults (64 lookups on the wire, the rest
 *     queued; a fresh socket per question) and with sockets reused.
 *   - coalescing: 1 000 concurrent queries of one name, queries dnsmasq saw
 *   - source ports: distinct UDP source ports dnsmasq saw over 1 000 names
 *   - memory: bytes per cached entry (name + 2 A + 2 AAAA)
 * Run as root (dnsmasq, a network namespace of its own so that glibc's
 * resolv.conf can name the bench's dnsmasq):
 *   ./bench-dns [names per run, default 2000] [rounds, default 5]
 * LWS_BENCH_DNS_POINTS="1,50" picks the points, LWS_BENCH_DNS_ONLY="03"
 * the contenders (by number, as printed), LWS_BENCH_DNS_MISSES_ONLY=1
 * skips the other measurements; LWS_BENCH_DNS_LOSS=30 measures only
 * lookups one at a time with 30 % of DNS datagrams dropped each way
 * ([names] of them, at most 999; default 200), against glibc.
 */
#include "async-dns/private-adns.h"

#include "adns-util.h"
#include "testutil.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

static struct adns_t_dnsmasq dm_fast, dm_log;
static char srv_fast[64], srv_log[64];

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp_i64);
    return v[n / 2];
}

/* ------------------------------------------------------------------------
 * lws-system side
 */

struct run {
    struct lws_context *cx;
    int next, total, done, found, inflight, window;
    const char *fmt;
};

/* Names in flight may grow by one per answer up to the window (a slow
 * start): an initial burst of 200 datagrams overflows dnsmasq's socket
 * buffer and turns the measurement into one of retry timers. */
static int ramp(int done, int window)
{
    return done + 10 < window ? done + 10 : window;
}

static struct lws *run_cb(struct lws *wsi, const char *ads,
                          const struct addrinfo *result, int n, void *opaque);

static void run_issue(struct run *r)
{
    char name[64];

    snprintf(name, sizeof(name), r->fmt, r->next++);
    r->inflight++;
    if (lws_async_dns_query(r->cx, 0, name, LWS_ADNS_RECORD_A, run_cb, NULL,
                            r) != LADNS_RET_CONTINUING) {
        fprintf(stderr, "query refused\n");
        exit(1);
    }
}

static struct lws *run_cb(struct lws *wsi, const char *ads,
                          const struct addrinfo *result, int n, void *opaque)
{
    struct run *r = opaque;

    (void)ads;
    r->done++;
    r->inflight--;
    r->found += n == LADNS_RET_FOUND;
    lws_async_dns_freeaddrinfo(&result);
    while (r->next < r->total && r->inflight < ramp(r->done, r->window))
        run_issue(r);
    return wsi;
}

static struct lws_context *bench_cx(const char *srv, uint32_t max_waiters,
                                    uint32_t qps)
{
    static const char *servers[2];
    static struct lws_adns_info ai;

    memset(&ai, 0, sizeof(ai));
    ai.questions_per_socket = qps;
    /* max_outstanding stays at its default (64): past it lookups queue. */
    ai.max_waiters = max_waiters;
    ai.query_deadline_ms = 10000;
    servers[0] = srv;
    servers[1] = NULL;
    return adns_t_context(&ai, servers, NULL);
}

/* Resolves @total names from @fmt, @inflight at a time; names/s. */
static double lws_names_per_s(const char *srv, const char *fmt, int total,
                              int inflight, uint32_t qps)
{
    struct run r = {.total = total, .fmt = fmt, .window = inflight};
    lws_usec_t t0;
    double s;

    r.cx = bench_cx(srv, 4096, qps);
    t0 = lws_now_usecs();
    while (r.next < total && r.inflight < ramp(0, inflight))
        run_issue(&r);
    adns_t_run_until(r.cx, &r.done, total, 120000);
    s = (double)(lws_now_usecs() - t0) / 1e6;
    if (r.found != total)
        fprintf(stderr, "warning: %d of %d found\n", r.found, total);
    lws_context_destroy(r.cx);
    return total / s;
}

/* ------------------------------------------------------------------------
 * Bare c-ares at its best: what a competent user of c-ares 1.18 would
 * write for throughput.  ares_getaddrinfo(AF_UNSPEC) asks A and AAAA at
 * once; ARES_AI_NOSORT skips the connect()-per-address sort; lookups "b"
 * skips the hosts file; one channel whose sockets stay open
 * (ARES_FLAG_STAYOPEN) with a 1 MiB receive buffer; driven by libuv the
 * way c-ares documents for event loops: sock_state_cb + one uv_poll per
 * socket + a timer following ares_timeout().
 */

struct bare {
    ares_channel ch;
    uv_loop_t loop;
    uv_timer_t timer;
    int next, total, done, found, inflight, window;
    const char *fmt;
};

struct bare_poll {
    uv_poll_t p;
    struct bare *b;
    ares_socket_t fd;
};

static void bare_issue(struct bare *b);
static void bare_timer_cb(uv_timer_t *t);

static void bare_timer_update(struct bare *b)
{
    struct timeval tv;

    if (ares_timeout(b->ch, NULL, &tv))
        uv_timer_start(&b->timer, bare_timer_cb,
                       (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000,
                       0);
    else
        uv_timer_stop(&b->timer);
}

static void bare_timer_cb(uv_timer_t *t)
{
    struct bare *b = t->data;

    ares_process_fd(b->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    bare_timer_update(b);
}

static void bare_poll_cb(uv_poll_t *p, int status, int events)
{
    struct bare_poll *bp = (struct bare_poll *)p;
    struct bare *b = bp->b;
    ares_socket_t fd = bp->fd;

    if (status < 0)
        events = UV_READABLE | UV_WRITABLE;
    ares_process_fd(b->ch, (events & UV_READABLE) ? fd : ARES_SOCKET_BAD,
                    (events & UV_WRITABLE) ? fd : ARES_SOCKET_BAD);
    bare_timer_update(b);
}

static void bare_poll_free(uv_handle_t *h)
{
    free(h);
}

/* One uv_poll per socket, kept in a small table by fd. */
static struct bare_poll *bare_polls[65536];

static void bare_sock_state_cb(void *data, ares_socket_t fd, int readable,
                               int writable)
{
    struct bare *b = data;
    struct bare_poll *bp = fd >= 0 && fd < 65536 ? bare_polls[fd] : NULL;

    if (fd < 0 || fd >= 65536)
        return;
    if (!readable && !writable) {
        if (bp) {
            uv_poll_stop(&bp->p);
            uv_close((uv_handle_t *)&bp->p, bare_poll_free);
            bare_polls[fd] = NULL;
        }
        return;
    }
    if (!bp) {
        bp = calloc(1, sizeof(*bp));
        bp->b = b;
        bp->fd = fd;
        uv_poll_init_socket(&b->loop, &bp->p, fd);
        bare_polls[fd] = bp;
    }
    uv_poll_start(&bp->p,
                  (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0),
                  bare_poll_cb);
}

static void bare_gai_cb(void *arg, int status, int timeouts,
                        struct ares_addrinfo *res)
{
    struct bare *b = arg;

    (void)timeouts;
    b->done++;
    b->inflight--;
    b->found += status == ARES_SUCCESS && res && res->nodes;
    if (res)
        ares_freeaddrinfo(res);
    while (b->next < b->total && b->inflight < ramp(b->done, b->window))
        bare_issue(b);
    if (b->done == b->total)
        uv_stop(&b->loop);
}

static void bare_issue(struct bare *b)
{
    struct ares_addrinfo_hints h;
    char name[64];

    memset(&h, 0, sizeof(h));
    h.ai_family = AF_UNSPEC;
    h.ai_flags = ARES_AI_NOSORT;
    b->inflight++;
    snprintf(name, sizeof(name), b->fmt, b->next++);
    ares_getaddrinfo(b->ch, name, NULL, &h, bare_gai_cb, b);
}

static void bare_close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, h->type == UV_POLL ? bare_poll_free : NULL);
}

static double bare_names_per_s(const char *srv, const char *fmt, int total,
                               int inflight)
{
    struct ares_options o;
    struct bare b = {.total = total, .fmt = fmt, .window = inflight};
    static char lookups[] = "b";
    int64_t t0;
    double s;

    memset(&o, 0, sizeof(o));
    o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_STAYOPEN;
    o.lookups = lookups;
    o.socket_receive_buffer_size = 1 << 20;
    /* The same retry policy as the resolver under test (its defaults). */
    o.timeout = 500;
    o.tries = 4;
    o.sock_state_cb = bare_sock_state_cb;
    o.sock_state_cb_data = &b;
    uv_loop_init(&b.loop);
    uv_timer_init(&b.loop, &b.timer);
    b.timer.data = &b;
    if (ares_init_options(&b.ch, &o,
                          ARES_OPT_FLAGS | ARES_OPT_LOOKUPS |
                              ARES_OPT_SOCK_RCVBUF | ARES_OPT_TIMEOUTMS |
                              ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB) ||
        ares_set_servers_ports_csv(b.ch, srv)) {
        fprintf(stderr, "c-ares init failed\n");
        exit(1);
    }
    t0 = now_ns();
    while (b.next < total && b.inflight < ramp(0, inflight))
        bare_issue(&b);
    bare_timer_update(&b);
    uv_run(&b.loop, UV_RUN_DEFAULT);
    s = (double)(now_ns() - t0) / 1e9;
    if (b.found != total)
        fprintf(stderr, "warning: bare c-ares %d of %d found\n", b.found,
                total);
    ares_destroy(b.ch);
    uv_walk(&b.loop, bare_close_walk, NULL);
    uv_run(&b.loop, UV_RUN_DEFAULT);
    uv_loop_close(&b.loop);
    return total / s;
}

/* ------------------------------------------------------------------------
 * The floor of a fresh port per question: a bare epoll loop, no library.
 * Each question: socket, bind to a random port, connect, send, (epoll)
 * receive, close.  With @reuse, each of the 2 x @inflight sockets is bound
 * once and asks question after question.  Replies are matched by ID.
 */

struct floor_q {
    int fd;
    uint16_t id;
    int name; /* index into the names of the run; -1 = free */
    uint16_t qtype;
};

static uint64_t floor_rng = 0x9e3779b97f4a7c15ull;

static uint32_t floor_rand(void)
{
    floor_rng ^= floor_rng << 13;
    floor_rng ^= floor_rng >> 7;
    floor_rng ^= floor_rng << 17;
    return (uint32_t)(floor_rng >> 16);
}

static int floor_socket(const struct sockaddr_in *srv, int ep, int slot)
{
    struct sockaddr_in sin;
    struct epoll_event ev;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    for (int i = 0; i < 16; i++) {
        sin.sin_port = htons((uint16_t)(1024 + floor_rand() % (65536 - 1024)));
        if (!bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
            break;
    }
    if (connect(fd, (const struct sockaddr *)srv, sizeof(*srv))) {
        perror("floor connect");
        exit(1);
    }
    ev.events = EPOLLIN;
    ev.data.u32 = (uint32_t)slot;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return fd;
}

static void floor_send(struct floor_q *q, const char *fmt, int name)
{
    char n[64], lc[LWS__ADNS_NAME_MAX + 1];
    uint8_t buf[300];
    int len;

    snprintf(n, sizeof(n), fmt, name);
    lws__adns_name_lc(n, lc);
    len = lws__adns_build_query(buf, sizeof(buf), lc, q->qtype,
                                LWS__ADNS_EDNS_SIZE);
    q->id = (uint16_t)floor_rand();
    buf[0] = (uint8_t)(q->id >> 8);
    buf[1] = (uint8_t)q->id;
    q->name = name;
    if (send(q->fd, buf, (size_t)len, 0) != len)
        perror("floor send");
}

static double floor_names_per_s(const char *srv, const char *fmt, int total,
                                int inflight, bool reuse)
{
    struct floor_q *q = calloc((size_t)(2 * inflight), sizeof(*q));
    int *left = calloc((size_t)total, sizeof(int));
    struct epoll_event ev[64];
    struct sockaddr_in sin;
    int ep = epoll_create1(EPOLL_CLOEXEC), next = 0, done = 0, active = 0;
    int64_t t0;
    char host[64], *colon;

    snprintf(host, sizeof(host), "%s", srv);
    colon = strchr(host, ':');
    *colon = '\0';
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, host, &sin.sin_addr);
    sin.sin_port = htons((uint16_t)atoi(colon + 1));
    for (int i = 0; i < 2 * inflight; i++) {
        q[i].name = -1;
        q[i].fd = reuse ? floor_socket(&sin, ep, i) : -1;
        q[i].qtype = (i & 1) ? LWS__ADNS_T_AAAA : LWS__ADNS_T_A;
    }
    t0 = now_ns();
    while (done < total) {
        int n;

        /* Fill free pairs of slots (A, AAAA) with the next names. */
        for (int i = 0;
             i < inflight && next < total && active < ramp(done, inflight);
             i++) {
            if (q[2 * i].name >= 0 || q[2 * i + 1].name >= 0)
                continue;
            left[next] = 2;
            for (int k = 0; k < 2; k++) {
                if (!reuse)
                    q[2 * i + k].fd = floor_socket(&sin, ep, 2 * i + k);
                floor_send(&q[2 * i + k], fmt, next);
            }
            next++;
            active++;
        }
        n = epoll_wait(ep, ev, 64, 1000);
        if (!n) /* lost: ask the outstanding ones again */
            for (int i = 0; i < 2 * inflight; i++)
                if (q[i].name >= 0)
                    floor_send(&q[i], fmt, q[i].name);
        for (int e = 0; e < n; e++) {
            struct floor_q *x = &q[ev[e].data.u32];
            uint8_t buf[1500];
            ssize_t r = recv(x->fd, buf, sizeof(buf), 0);

            if (r < 12 || x->name < 0 || ((buf[0] << 8) | buf[1]) != x->id)
                continue; /* zero-length, stray or not ours */
            if (!--left[x->name]) {
                done++;
                active--;
            }
            x->name = -1;
            if (!reuse) {
                close(x->fd);
                x->fd = -1;
            }
        }
    }
    for (int i = 0; i < 2 * inflight; i++)
        if (q[i].fd >= 0)
            close(q[i].fd);
    close(ep);
    free(q);
    free(left);
    return total / ((double)(now_ns() - t0) / 1e9);
}

/* ------------------------------------------------------------------------
 * The glibc resolver: getaddrinfo(AF_UNSPEC) from min(@inflight, 8)
 * threads (its usual use: blocking calls on a thread pool).  It reads
 * /etc/resolv.conf, so this bench runs in a network namespace of its own
 * with /etc/netns/NAME/resolv.conf naming the bench's dnsmasq.
 */

struct gai_run {
    pthread_mutex_t mu;
    int next, total, found;
    const char *fmt;
};

static void *gai_thread(void *arg)
{
    struct gai_run *g = arg;
    struct addrinfo h, *res;
    char name[64];

    memset(&h, 0, sizeof(h));
    h.ai_family = AF_UNSPEC;
    h.ai_socktype = SOCK_DGRAM;
    for (;;) {
        int i;

        pthread_mutex_lock(&g->mu);
        i = g->next < g->total ? g->next++ : -1;
        pthread_mutex_unlock(&g->mu);
        if (i < 0)
            return NULL;
        snprintf(name, sizeof(name), g->fmt, i);
        if (!getaddrinfo(name, NULL, &h, &res)) {
            freeaddrinfo(res);
            pthread_mutex_lock(&g->mu);
            g->found++;
            pthread_mutex_unlock(&g->mu);
        }
    }
}

static double gai_names_per_s(const char *fmt, int total, int inflight)
{
    struct gai_run g = {.total = total, .fmt = fmt};
    int nt = inflight < 8 ? inflight : 8;
    pthread_t t[8];
    int64_t t0;
    double s;

    pthread_mutex_init(&g.mu, NULL);
    t0 = now_ns();
    for (int i = 0; i < nt; i++)
        pthread_create(&t[i], NULL, gai_thread, &g);
    for (int i = 0; i < nt; i++)
        pthread_join(t[i], NULL);
    s = (double)(now_ns() - t0) / 1e9;
    if (g.found != total)
        fprintf(stderr, "warning: glibc %d of %d found\n", g.found, total);
    pthread_mutex_destroy(&g.mu);
    return total / s;
}

/* ------------------------------------------------------------------------
 * Measurements
 */

static void bench_cache_hits(void)
{
    enum { BATCH = 10000, ROUNDS = 15, LAT = 2001 };
    static int64_t batch_ns[ROUNDS], lat_ns[LAT];
    struct run r = {.total = 0, .fmt = "hit.bench.test"};
    struct adns_t_res one;
    struct lws_adns_stats st;

    r.cx = bench_cx(srv_fast, 2 * BATCH, 0);
    memset(&one, 0, sizeof(one));
    lws_async_dns_query(r.cx, 0, "hit.bench.test", LWS_ADNS_RECORD_A, adns_t_cb,
                        NULL, &one);
    adns_t_run_until(r.cx, &one.calls, 1, 5000);
    for (int k = 0; k < ROUNDS; k++) {
        lws_usec_t t0 = lws_now_usecs();

        r.done = r.found = 0;
        for (int i = 0; i < BATCH; i++)
            lws_async_dns_query(r.cx, 0, "hit.bench.test", LWS_ADNS_RECORD_A,
                                run_cb, NULL, &r);
        adns_t_run_until(r.cx, &r.done, BATCH, 10000);
        batch_ns[k] = (lws_now_usecs() - t0) * 1000 / BATCH;
    }
    for (int k = 0; k < LAT; k++) {
        int64_t t0;

        r.done = 0;
        t0 = now_ns();
        lws_async_dns_query(r.cx, 0, "hit.bench.test", LWS_ADNS_RECORD_A,
                            run_cb, NULL, &r);
        adns_t_run_until(r.cx, &r.done, 1, 1000);
        lat_ns[k] = now_ns() - t0;
    }
    lws_adns_get_stats(r.cx, &st);
    lws_context_destroy(r.cx);
    {
        int64_t per = median(batch_ns, ROUNDS);

        printf("cache hit, batched: median %lld ns per query->callback, "
               "%.2f M hits/s (target >= 1.00 M/s: %s)\n",
               (long long)per, 1e3 / (double)per,
               1e3 / (double)per >= 1.0 ? "met" : "MISSED");
        printf("cache hit, one at a time (incl. a loop wake-up): median %lld "
               "ns\n",
               (long long)median(lat_ns, LAT));
        printf("  (%llu cache hits counted)\n",
               (unsigned long long)st.cache_hits);
    }
}

/* The host's count of UDP datagrams dropped for a full receive buffer
 * (RcvbufErrors in /proc/net/snmp): each drop costs a retry timeout. */
static long udp_rcvbuf_errors(void)
{
    char line[512], *p;
    FILE *f = fopen("/proc/net/snmp", "r");
    long v = -1;
    int n = 0;

    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "Udp: ", 5) && n++ == 1) {
            p = line + 5;
            for (int i = 0; i < 4 && p; i++) /* 5th field */
                p = strchr(p + 1, ' ');
            v = p ? strtol(p, NULL, 10) : -1;
        }
    if (f)
        fclose(f);
    return v;
}

/* Contenders of the miss sweep, run in this order (rotated every round). */
enum {
    C_OURS,       /* lws-system, default: a fresh socket per question */
    C_OURS_REUSE, /* lws-system, sockets reused freely */
    C_CARES,      /* bare c-ares at its best */
    C_FLOOR,      /* bare epoll loop, fresh socket per question */
    C_FLOOR_REUSE,
    C_GLIBC,
    C_COUNT
};
static const char *const c_name[C_COUNT] = {
    "lws-system (default)", "lws-system (reuse)", "bare c-ares",
    "floor (fresh port)",   "floor (reused)",     "glibc (threads)"};

static double run_one(int c, const char *fmt, int names, int inflight)
{
    switch (c) {
    case C_OURS:
        return lws_names_per_s(srv_fast, fmt, names, inflight, 0);
    case C_OURS_REUSE:
        return lws_names_per_s(srv_fast, fmt, names, inflight,
                               LWS_ADNS_REUSE_FREELY);
    case C_CARES:
        return bare_names_per_s(srv_fast, fmt, names, inflight);
    case C_FLOOR:
        return floor_names_per_s(srv_fast, fmt, names, inflight, false);
    case C_FLOOR_REUSE:
        return floor_names_per_s(srv_fast, fmt, names, inflight, true);
    default:
        return gai_names_per_s(fmt, names, inflight);
    }
}

/* CPU time of this process (every thread), us. */
static double cpu_us(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* LWS_BENCH_DNS_ONLY: was contender @c measured? */
static bool ran(int c)
{
    const char *only = getenv("LWS_BENCH_DNS_ONLY");

    return !only || strchr(only, '0' + c);
}

/* One ratio of two contenders' medians, or n/a when either was skipped;
 * @target 0: no verdict. */
static void ratio(const char *what, const double *m, int a, int b,
                  double target)
{
    if (!ran(a) || !ran(b)) {
        printf("%s n/a", what);
        return;
    }
    printf("%s %.2f", what, m[a] / m[b]);
    if (target > 0)
        printf(" (target >= %.2f: %s)", target,
               m[a] / m[b] >= target ? "met" : "MISSED");
}

static void bench_verdicts(const double *med, const double *cmed,
                           const long *drops, int nc, bool with_glibc)
{
    ratio("      CPU ratios: floor/default", cmed, C_FLOOR, C_OURS, 0);
    ratio(", c-ares/reuse", cmed, C_CARES, C_OURS_REUSE, 0);
    printf("\n      datagrams dropped at full receive buffers:");
    for (int c = 0; c < nc; c++)
        printf(" %ld", drops[c]);
    printf("\n");
    ratio("      ratios: default/floor", med, C_OURS, C_FLOOR, 0.9);
    ratio(", reuse/c-ares", med, C_OURS_REUSE, C_CARES, 0.95);
    if (with_glibc) {
        ratio(", default/glibc", med, C_OURS, C_GLIBC, 1);
        ratio(", reuse/glibc", med, C_OURS_REUSE, C_GLIBC, 0);
    }
    printf("\n");
}

#define ROUNDS_MAX 15

static void bench_misses(int names, int rounds, bool with_glibc)
{
    static const int all[] = {1, 8, 32, 50, 64, 200};
    int conc[16], npts = 0;
    double v[C_COUNT][ROUNDS_MAX], med[C_COUNT], cpu[C_COUNT][ROUNDS_MAX],
        cmed[C_COUNT];
    long drops[C_COUNT];
    char fmt[64], *e = getenv("LWS_BENCH_DNS_POINTS"), *end;

    /* LWS_BENCH_DNS_POINTS="1,50" runs only those points. */
    while (e && *e && npts < 16) {
        conc[npts] = (int)strtol(e, &end, 10);
        if (end == e || conc[npts] < 1)
            break;
        npts++;
        e = *end ? end + 1 : end;
    }
    if (!npts)
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            conc[npts++] = all[i];

    printf("misses: %d distinct names (A+AAAA) per run, %d rounds per "
           "point, contenders interleaved in each round, names/s median "
           "[min-max]:\n",
           names, rounds);
    for (int p = 0; p < npts; p++) {
        int nc = with_glibc ? C_COUNT : C_GLIBC;

        memset(drops, 0, sizeof(drops));
        for (int k = 0; k < rounds; k++)
            for (int j = 0; j < nc; j++) {
                int c = (j + k) % nc;

                /* LWS_BENCH_DNS_ONLY="03": only contenders 0 and 3. */
                if (!ran(c)) {
                    v[c][k] = cpu[c][k] = 1;
                    continue;
                }
                /* Fresh names every run: nothing cached anywhere. */
                snprintf(fmt, sizeof(fmt), "n%%d.c%dr%dk%d.bench.test", conc[p],
                         k, c);
                drops[c] -= udp_rcvbuf_errors();
                cpu[c][k] = -cpu_us();
                v[c][k] = run_one(c, fmt, names, conc[p]);
                cpu[c][k] = (cpu[c][k] + cpu_us()) / names;
                drops[c] += udp_rcvbuf_errors();
            }
        printf("  %3d in flight:", conc[p]);
        for (int c = 0; c < nc; c++) {
            qsort(v[c], (size_t)rounds, sizeof(double), cmp_dbl);
            med[c] = v[c][rounds / 2];
            printf(" %s %.0f [%.0f-%.0f]%s", c_name[c], med[c], v[c][0],
                   v[c][rounds - 1], c + 1 < nc ? "," : "\n");
        }
        /* CPU per name is steadier than names/s on a loaded machine (the
         * server's share and waiting are not in it). */
        printf("      this process's CPU us per name, median [min-max]:");
        for (int c = 0; c < nc; c++) {
            qsort(cpu[c], (size_t)rounds, sizeof(double), cmp_dbl);
            cmed[c] = cpu[c][rounds / 2];
            printf(" %.1f [%.1f-%.1f]", cmed[c], cpu[c][0], cpu[c][rounds - 1]);
        }
        printf("\n");
        bench_verdicts(med, cmed, drops, nc, with_glibc);
        fflush(stdout);
    }
}

static void bench_coalescing(void)
{
    static struct adns_t_res r[1000];
    struct lws_context *cx = bench_cx(srv_log, 2000, 0);
    int before = adns_t_dnsmasq_count(&dm_log, "query[A] coal.bench.test ");
    int calls = 0, seen;

    memset(r, 0, sizeof(r));
    for (int i = 0; i < 1000; i++)
        lws_async_dns_query(cx, 0, "coal.bench.test", LWS_ADNS_RECORD_A,
                            adns_t_cb, NULL, &r[i]);
    for (int t = 0; t < 100000 && calls < 1000; t++) {
        lws_service(cx, 0);
        calls = 0;
        for (int i = 0; i < 1000; i++)
            calls += r[i].calls;
    }
    lws_context_destroy(cx);
    seen = adns_t_dnsmasq_count(&dm_log, "query[A] coal.bench.test ") - before;
    printf("coalescing: 1000 concurrent queries of one name, %d callbacks, "
           "dnsmasq saw %d A question(s) (target 1: %s)\n",
           calls, seen, seen == 1 ? "met" : "MISSED");
}

/* Distinct source ports in dnsmasq's log for A questions of @tag. */
static int ports_seen(const char *tag)
{
    static char ports[65536];
    char line[1024];
    FILE *f = fopen(dm_log.log, "r");
    int n = 0;

    memset(ports, 0, sizeof(ports));
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *q = strstr(line, "query[A] ");
        char *slash = strstr(line, "127.0.0.1/");
        long p;

        if (!q || !strstr(q, tag) || !slash)
            continue;
        p = strtol(slash + 10, NULL, 10);
        if (p > 0 && p < 65536 && !ports[p]) {
            ports[p] = 1;
            n++;
        }
    }
    fclose(f);
    return n;
}

static void bench_ports(void)
{
    int ours, bare;

    lws_names_per_s(srv_log, "p%d.portl.bench.test", 1000, 50, 0);
    bare_names_per_s(srv_log, "p%d.portb.bench.test", 1000, 50);
    ours = ports_seen(".portl.bench.test");
    bare = ports_seen(".portb.bench.test");
    printf("source ports: over 1000 A questions dnsmasq saw %d distinct "
           "ports from lws-system (target >= 900: %s), %d from bare "
           "c-ares\n",
           ours, ours >= 900 ? "met" : "MISSED", bare);
}

static void bench_memory(void)
{
    static const char *addrs[] = {"192.0.2.1", "192.0.2.2", "2001:db8::1",
                                  "2001:db8::2"};
    const char *name = "www.example.com";
    struct lws__adns_cache c;
    struct lws__adns_res *r;
    lws_sockaddr46 sa[4];
    size_t h0, h1;

    if (lws__adns_cache_setup(&c, 16, 1 << 20))
        return;
    for (int i = 0; i < 4; i++) {
        memset(&sa[i], 0, sizeof(sa[i]));
        lws_sa46_parse_numeric(&sa[i], addrs[i]);
    }
    h0 = lws__heap_in_use();
    r = lws__adns_res_create(sa, 4, name);
    if (!r || lws__adns_cache_put(&c, name, LWS__ADNS_CLS_ADDR, LADNS_RET_FOUND,
                                  r, LWS_US_PER_SEC))
        return;
    lws__adns_res_unref(r);
    h1 = lws__heap_in_use();
    printf("memory: one cached entry \"%s\" + 2 A + 2 AAAA = %zu bytes of "
           "heap (%zu accounted against cache_max_bytes)\n",
           name, h1 - h0, c.bytes);
    lws__adns_cache_destroy(&c);
}

/* The glibc resolver reads /etc/resolv.conf: the bench re-runs itself in
 * a network namespace of its own ("ip netns exec" bind-mounts
 * /etc/netns/NAME/resolv.conf there), where dnsmasq takes 127.0.0.1:53 and
 * no query can leave the machine.  @return the child's exit status, or -1
 * when no namespace could be made (the bench then runs without glibc). */
static int run_in_netns(char **argv)
{
    char ns[32], dir[96], path[128], self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    int status = -1;
    FILE *f;
    pid_t pid;

    if (n <= 0 || !lt_which("ip", path, sizeof(path)))
        return -1;
    self[n] = '\0';
    snprintf(ns, sizeof(ns), "lwsdnsb%d", (int)getpid());
    snprintf(dir, sizeof(dir), "/etc/netns/%s", ns);
    snprintf(path, sizeof(path), "%s/resolv.conf", dir);
    if (lt_sh("ip netns add %s", ns))
        return -1;
    mkdir("/etc/netns", 0755);
    mkdir(dir, 0755);
    f = fopen(path, "w");
    if (f) {
        fputs("nameserver 127.0.0.1\noptions timeout:1 attempts:2\n", f);
        fclose(f);
        setenv("LWS_BENCH_DNS_NETNS", ns, 1);
        pid = fork();
        if (!pid) {
            char *av[16] = {"ip", "netns", "exec", ns, self};
            int k = 5;

            for (int i = 1; argv[i] && k < 15; i++)
                av[k++] = argv[i];
            av[k] = NULL;
            execvp("ip", av);
            _exit(127);
        }
        if (pid > 0 && waitpid(pid, &status, 0) == pid)
            status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    unlink(path);
    rmdir(dir);
    lt_sh("ip netns del %s", ns);
    return status;
}

/* ------------------------------------------------------------------------
 * Lookups under loss (LWS_BENCH_DNS_LOSS=N, in the namespace only): N % of
 * the DNS datagrams dropped each way (nftables numgen on the namespace's
 * loopback), names with both A and AAAA asked one at a time: time per
 * lookup for lws-system (defaults) and glibc (resolv.conf: timeout:1
 * attempts:2), interleaved name by name.
 */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return x < y ? -1 : x > y;
}

static void loss_print(const char *who, int *ms, int n, int ok, int partial)
{
    qsort(ms, (size_t)n, sizeof(int), cmp_int);
    printf("  %s: median %d ms, p90 %d ms, max %d ms; %d of %d answered "
           "(%d with one family only)\n",
           who, ms[n / 2], ms[n * 9 / 10], ms[n - 1], ok, n, partial);
}

static void bench_loss(int pct, int n)
{
    static int ours_ms[1000], gai_ms[1000];
    static const char *servers[] = {srv_fast, NULL};
    struct lws_adns_info ai = {0}; /* every default: deadline 5 s */
    struct lws_context *cx = adns_t_context(&ai, servers, NULL);
    int ok_ours = 0, ok_gai = 0, partial = 0;
    char name[64];

    if (n > 1000)
        n = 1000;
    if (lt_sh("nft add table inet lwsloss && nft add chain inet lwsloss out "
              "'{ type filter hook output priority 0; }' && nft add rule "
              "inet lwsloss out udp dport 53 numgen random mod 100 '<' %d "
              "drop && nft add rule inet lwsloss out udp sport 53 numgen "
              "random mod 100 '<' %d drop",
              pct, pct)) {
        fprintf(stderr, "no nftables: loss not measured\n");
        lws_context_destroy(cx);
        return;
    }
    for (int i = 0; i < n; i++) {
        struct adns_t_res r;
        struct addrinfo h, *res;
        int64_t t0;

        memset(&r, 0, sizeof(r));
        snprintf(name, sizeof(name), "n%d.l%d.both.test", i, pct);
        t0 = now_ns();
        if (lws_async_dns_query(cx, 0, name, LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                &r) == LADNS_RET_CONTINUING)
            adns_t_run_until(cx, &r.calls, 1, 20000);
        ours_ms[i] = (int)((now_ns() - t0) / 1000000);
        ok_ours += r.n == LADNS_RET_FOUND;
        partial += r.n == LADNS_RET_FOUND && r.naddr == 1;
        snprintf(name, sizeof(name), "g%d.l%d.both.test", i, pct);
        memset(&h, 0, sizeof(h));
        h.ai_family = AF_UNSPEC;
        h.ai_socktype = SOCK_DGRAM;
        t0 = now_ns();
        if (!getaddrinfo(name, NULL, &h, &res)) {
            ok_gai++;
            freeaddrinfo(res);
        }
        gai_ms[i] = (int)((now_ns() - t0) / 1000000);
    }
    lt_sh("nft delete table inet lwsloss");
    lws_context_destroy(cx);
    printf("lookups under %d %% loss each way, %d names with A and AAAA, "
           "one at a time:\n",
           pct, n);
    loss_print("lws-system", ours_ms, n, ok_ours, partial);
    loss_print("glibc", gai_ms, n, ok_gai, 0);
}

int main(int argc, char **argv)
{
    const char *extra[] = {
        "--address=/bench.test/10.1.2.3", "--address=/both.test/10.1.2.4",
        "--address=/both.test/fd00::4", "--local-ttl=300", NULL};
    int names = argc > 1 ? atoi(argv[1]) : 2000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    bool in_ns = getenv("LWS_BENCH_DNS_NETNS") != NULL;

    if (names < 100)
        names = 100;
    if (rounds < 1 || rounds > ROUNDS_MAX)
        rounds = 5;
    if (!adns_t_can_run_dnsmasq())
        return 0;
    if (!in_ns && !getenv("LWS_BENCH_DNS_NO_NETNS")) {
        int r = run_in_netns(argv);

        if (r >= 0)
            return r;
        fprintf(stderr, "no network namespace: running without glibc\n");
    }
    if (in_ns) {
        lt_sh("ip link set lo up");
        /* This namespace's own default: room for a burst of 200 names'
         * questions at dnsmasq's socket, for every contender alike. */
        lt_write_file("/proc/sys/net/core/rmem_max", "4194304\n");
        lt_write_file("/proc/sys/net/core/rmem_default", "4194304\n");
    }
    lws_set_log_level(LLL_ERR, NULL);
    if (adns_t_dnsmasq_start2(&dm_fast, "127.0.0.1", in_ns ? 53 : 0, extra,
                              false) ||
        adns_t_dnsmasq_start2(&dm_log, "127.0.0.2", 0, extra, true))
        return 1;
    snprintf(srv_fast, sizeof(srv_fast), "127.0.0.1:%d", dm_fast.port);
    snprintf(srv_log, sizeof(srv_log), "127.0.0.2:%d", dm_log.port);
    printf("bench/dns: c-ares %s, libuv %s, dnsmasq on loopback%s\n",
           ares_version(NULL), uv_version_string(),
           in_ns ? " in a namespace of its own" : "");
    if (in_ns && getenv("LWS_BENCH_DNS_LOSS")) {
        bench_loss(atoi(getenv("LWS_BENCH_DNS_LOSS")),
                   names < 1000 ? names : 200);
        adns_t_dnsmasq_stop(&dm_fast);
        adns_t_dnsmasq_stop(&dm_log);
        return 0;
    }
    if (!getenv("LWS_BENCH_DNS_MISSES_ONLY"))
        bench_cache_hits();
    bench_misses(names, rounds, in_ns);
    if (!getenv("LWS_BENCH_DNS_MISSES_ONLY")) {
        bench_coalescing();
        bench_ports();
        bench_memory();
    }
    adns_t_dnsmasq_stop(&dm_fast);
    adns_t_dnsmasq_stop(&dm_log);
    return 0;
}
