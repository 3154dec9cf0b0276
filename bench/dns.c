/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/dns: the async DNS resolver against a real dnsmasq on loopback,
 * with bare c-ares 1.18 (select() loop, one channel) as the baseline in the
 * same run.  Prints medians and ratios:
 *   - cache hit: query -> callback cost and hits/s on one core
 *   - misses: 10 000 distinct names (A + AAAA), 100 in flight, names/s
 *     against bare c-ares doing the same questions
 *   - coalescing: 1 000 concurrent queries of one name, queries dnsmasq saw
 *   - source ports: distinct UDP source ports dnsmasq saw over 1 000 names
 *   - memory: bytes per cached entry (name + 2 A + 2 AAAA)
 * Run as root (dnsmasq): ./bench-dns [names]
 */
#include "async-dns/private-adns.h"

#include "adns-util.h"
#include "testutil.h"

#include <ares.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <time.h>

#define INFLIGHT 100

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

static struct lws_context *bench_cx(const char *srv, uint32_t max_waiters)
{
    static const char *servers[2];
    static struct lws_adns_info ai;

    memset(&ai, 0, sizeof(ai));
    ai.max_outstanding = 2 * INFLIGHT;
    ai.max_waiters = max_waiters;
    ai.query_deadline_ms = 10000;
    servers[0] = srv;
    servers[1] = NULL;
    return adns_t_context(&ai, servers, NULL);
}

/* Resolves @total names from @fmt, @inflight at a time; names/s. */
static double lws_names_per_s(const char *srv, const char *fmt, int total,
                              int inflight)
{
    struct run r = {.total = total, .fmt = fmt, .window = inflight};
    lws_usec_t t0;
    double s;

    r.cx = bench_cx(srv, 4096);
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
 * bare c-ares side
 */

struct bare {
    ares_channel ch;
    int next, total, done, found, inflight, window;
    const char *fmt;
};

struct bare_name {
    struct bare *b;
    int pending;
    int found;
};

static void bare_issue(struct bare *b);

static void bare_cb(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
    struct bare_name *bn = arg;
    struct bare *b = bn->b;

    (void)timeouts, (void)abuf, (void)alen;
    bn->found |= status == ARES_SUCCESS;
    if (--bn->pending)
        return;
    b->done++;
    b->inflight--;
    b->found += bn->found;
    free(bn);
    while (b->next < b->total && b->inflight < ramp(b->done, b->window))
        bare_issue(b);
}

static void bare_issue(struct bare *b)
{
    struct bare_name *bn = calloc(1, sizeof(*bn));
    char name[64];

    bn->b = b;
    bn->pending = 2;
    b->inflight++;
    snprintf(name, sizeof(name), b->fmt, b->next++);
    ares_query(b->ch, name, 1 /* IN */, 1 /* A */, bare_cb, bn);
    ares_query(b->ch, name, 1, 28 /* AAAA */, bare_cb, bn);
}

static double bare_names_per_s(const char *srv, const char *fmt, int total,
                               int inflight)
{
    struct ares_options o;
    struct bare b = {.total = total, .fmt = fmt, .window = inflight};
    static char lookups[] = "b";
    lws_usec_t t0;
    double s;

    memset(&o, 0, sizeof(o));
    o.flags = ARES_FLAG_NOSEARCH;
    o.lookups = lookups;
    /* One socket takes every reply: give it room for a burst of 200, or
     * the kernel drops replies and c-ares waits out its 5 s timeout. */
    o.socket_receive_buffer_size = 1 << 20;
    /* The same retry policy as the resolver under test (its defaults). */
    o.timeout = 1000;
    o.tries = 2;
    if (ares_init_options(&b.ch, &o,
                          ARES_OPT_FLAGS | ARES_OPT_LOOKUPS |
                              ARES_OPT_SOCK_RCVBUF | ARES_OPT_TIMEOUTMS |
                              ARES_OPT_TRIES) ||
        ares_set_servers_ports_csv(b.ch, srv)) {
        fprintf(stderr, "c-ares init failed\n");
        exit(1);
    }
    t0 = lws_now_usecs();
    while (b.next < total && b.inflight < ramp(0, inflight))
        bare_issue(&b);
    while (b.done < total) {
        struct timeval tv, *tvp;
        fd_set r, w;
        int nfds;

        FD_ZERO(&r);
        FD_ZERO(&w);
        nfds = ares_fds(b.ch, &r, &w);
        tvp = ares_timeout(b.ch, NULL, &tv);
        select(nfds, &r, &w, NULL, tvp);
        ares_process(b.ch, &r, &w);
    }
    s = (double)(lws_now_usecs() - t0) / 1e6;
    if (b.found != total)
        fprintf(stderr, "warning: bare %d of %d found\n", b.found, total);
    ares_destroy(b.ch);
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

    r.cx = bench_cx(srv_fast, 2 * BATCH);
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
            for (int i = 0; i < 5 && p; i++) /* 6th field */
                p = strchr(p + 1, ' ');
            v = p ? strtol(p, NULL, 10) : -1;
        }
    if (f)
        fclose(f);
    return v;
}

static void bench_misses(int names)
{
    double ours[3], bare[3];
    long drops_ours = 0, drops_bare = 0, d0;
    char fmt[3][40];

    for (int k = 0; k < 3; k++) {
        /* Fresh names each round: nothing cached anywhere. */
        snprintf(fmt[k], sizeof(fmt[k]), "n%%d.r%dl.bench.test", k);
        d0 = udp_rcvbuf_errors();
        ours[k] = lws_names_per_s(srv_fast, fmt[k], names, INFLIGHT);
        drops_ours += udp_rcvbuf_errors() - d0;
        snprintf(fmt[k], sizeof(fmt[k]), "n%%d.r%db.bench.test", k);
        d0 = udp_rcvbuf_errors();
        bare[k] = bare_names_per_s(srv_fast, fmt[k], names, INFLIGHT);
        drops_bare += udp_rcvbuf_errors() - d0;
        printf("  round %d: lws-system %.0f names/s, bare c-ares %.0f "
               "names/s\n",
               k, ours[k], bare[k]);
    }
    printf("  UDP datagrams dropped (full receive buffers) during the "
           "rounds: %ld lws-system, %ld bare c-ares\n",
           drops_ours, drops_bare);
    for (int i = 0; i < 3; i++) /* sort three */
        for (int j = i + 1; j < 3; j++) {
            double t;
            if (ours[j] < ours[i])
                t = ours[i], ours[i] = ours[j], ours[j] = t;
            if (bare[j] < bare[i])
                t = bare[i], bare[i] = bare[j], bare[j] = t;
        }
    printf("misses: %d distinct names (A+AAAA), %d in flight: lws-system "
           "%.0f names/s, bare c-ares %.0f names/s, ratio %.2f "
           "(target >= 0.95: %s)\n",
           names, INFLIGHT, ours[1], bare[1], ours[1] / bare[1],
           ours[1] / bare[1] >= 0.95 ? "met" : "MISSED");
}

static void bench_coalescing(void)
{
    static struct adns_t_res r[1000];
    struct lws_context *cx = bench_cx(srv_log, 2000);
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

    lws_names_per_s(srv_log, "p%d.portl.bench.test", 1000, INFLIGHT);
    bare_names_per_s(srv_log, "p%d.portb.bench.test", 1000, INFLIGHT);
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

int main(int argc, char **argv)
{
    const char *extra[] = {"--address=/bench.test/10.1.2.3", "--local-ttl=300",
                           NULL};
    int names = argc > 1 ? atoi(argv[1]) : 10000;

    if (names < 100)
        names = 100;
    if (!adns_t_can_run_dnsmasq())
        return 0;
    lws_set_log_level(LLL_ERR, NULL);
    if (adns_t_dnsmasq_start2(&dm_fast, "127.0.0.1", 0, extra, false) ||
        adns_t_dnsmasq_start2(&dm_log, "127.0.0.2", 0, extra, true))
        return 1;
    snprintf(srv_fast, sizeof(srv_fast), "127.0.0.1:%d", dm_fast.port);
    snprintf(srv_log, sizeof(srv_log), "127.0.0.2:%d", dm_log.port);
    printf("bench/dns: c-ares %s, dnsmasq on loopback\n", ares_version(NULL));
    bench_cache_hits();
    bench_misses(names);
    bench_coalescing();
    bench_ports();
    bench_memory();
    adns_t_dnsmasq_stop(&dm_fast);
    adns_t_dnsmasq_stop(&dm_log);
    return 0;
}
