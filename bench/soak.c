/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench-soak: the device side of bench/soak.  Brings a context up with
 * every helper (DHCP on --iface, SNTP with a fixed --ntp-poll, async DNS,
 * CPD over HTTP and HTTPS), keeps it running for --time seconds while the
 * loop resolves a fresh name every --lookup-ms and two threads attach
 * callbacks every --attach-ms.  It measures RSS, open fds and the timers
 * scheduled every 100 ms, and prints one JSON sample every --sample seconds
 * with the maxima since the last one, the state, the CPD result and
 * counters.  The heap's maximum is not sampled but the true peak of the
 * library's heap since the last sample (its allocator's high-water mark,
 * lws__heap_peak_take()): a block held for a few milliseconds (a TLS
 * session of a CPD check) counts whenever it happens, not only when a
 * 100 ms measurement falls on it.  Beside it, "held": the heap at the
 * sample's instant, what the library keeps between its transients.
 * Then destroys the context and exits 0.
 */
#include "private-core.h"

#include <lws-system.h>

#include <dirent.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct soak {
    struct lws_context *cx;
    lws_sorted_usec_list_t sul_sample, sul_lookup, sul_end, sul_measure;
    long max_rss;
    int max_fds;
    size_t max_heap;
    unsigned int max_timers, measures;
    int sample_s, lookup_ms, attach_ms;
    lws_usec_t t0;
    unsigned int lookups, lookups_ok, lookups_failed, syncs;
    atomic_uint attached;
    atomic_bool stop;
    bool done;
} s = {.sample_s = 5, .lookup_ms = 200, .attach_ms = 100};

static long rss_kb(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the directory's own fd */
}

/* Every 100 ms: the maxima since the last sample. */
static void measure_cb(lws_sorted_usec_list_t *sul)
{
    long rss = rss_kb();
    int fds = open_fds();
    unsigned int timers = (unsigned int)s.cx->sul_owner.count;

    s.max_rss = rss > s.max_rss ? rss : s.max_rss;
    s.max_fds = fds > s.max_fds ? fds : s.max_fds;
    s.max_timers = timers > s.max_timers ? timers : s.max_timers;
    s.measures++;
    lws_sul_schedule(s.cx, 0, sul, measure_cb, 100 * LWS_US_PER_MS);
}

static void sample_cb(lws_sorted_usec_list_t *sul)
{
    lws_state_manager_t *m = lws_system_get_state_manager(s.cx);

    s.max_heap = lws__heap_peak_take();
    printf("{\"t_s\":%.1f,\"rss_kb\":%ld,\"fds\":%d,\"heap\":%zu,"
           "\"timers\":%u,\"measures\":%u,\"state\":\"%s\",\"cpd\":\"%s\","
           "\"lookups_ok\":%u,\"lookups_failed\":%u,\"attached\":%u,"
           "\"syncs\":%u,\"held\":%zu}\n",
           (double)(lws_now_usecs() - s.t0) / 1e6, s.max_rss, s.max_fds,
           s.max_heap, s.max_timers, s.measures, lws_state_name(m, m->state),
           lws_cpd_result_name(lws_system_cpd_state_get(s.cx)), s.lookups_ok,
           s.lookups_failed, atomic_load(&s.attached), s.syncs,
           lws__heap_in_use());
    fflush(stdout);
    s.max_rss = s.max_fds = 0;
    s.max_heap = s.max_timers = s.measures = 0;
    lws_sul_schedule(s.cx, 0, sul, sample_cb,
                     (lws_usec_t)s.sample_s * LWS_US_PER_SEC);
}

static struct lws *lookup_done(struct lws *wsi, const char *ads,
                               const struct addrinfo *res, int n, void *opaque)
{
    (void)ads, (void)n, (void)opaque;
    if (res)
        s.lookups_ok++;
    else
        s.lookups_failed++;
    lws_async_dns_freeaddrinfo(&res);
    return wsi;
}

static void lookup_cb(lws_sorted_usec_list_t *sul)
{
    char name[64];

    /* Fixed width: a name does not get longer as the count does, so the
     * heap pending lookups hold is the same in every third of the run. */
    snprintf(name, sizeof(name), "s%010u.time.lws.test", ++s.lookups);
    if (lws_async_dns_query(s.cx, 0, name, LWS_ADNS_RECORD_A, lookup_done, NULL,
                            NULL) == LADNS_RET_FAILED)
        s.lookups_failed++;
    lws_sul_schedule(s.cx, 0, sul, lookup_cb,
                     (lws_usec_t)s.lookup_ms * LWS_US_PER_MS);
}

static void end_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;
    s.done = true;
}

static void attached_cb(struct lws_context *cx, int tsi, void *opaque)
{
    (void)cx, (void)tsi, (void)opaque;
    atomic_fetch_add(&s.attached, 1);
}

/* Attaches a callback gated on OPERATIONAL every attach_ms until stopped. */
static void attacher(void *arg)
{
    (void)arg;
    while (!atomic_load(&s.stop)) {
        lws_system_get_ops(s.cx)->attach(s.cx, 0, attached_cb,
                                         LWS_SYSTATE_OPERATIONAL, NULL, NULL);
        usleep((useconds_t)s.attach_ms * 1000);
    }
}

static void synced(struct lws_context *cx, int status,
                   const struct lws_ntpc_status *st, void *user)
{
    (void)cx, (void)status, (void)st, (void)user;
    s.syncs++;
}

int main(int argc, char **argv)
{
    const char *iface = NULL, *ntp[2] = {NULL, NULL}, *dns[2] = {NULL, NULL};
    struct lws_cpd_info cpd = {0};
    struct lws_ntpc_info ntpc = {0};
    struct lws_dhcpc_info dhcpc = {0};
    struct lws_context_creation_info info;
    int time_s = 3600, poll_s = 15;
    uv_thread_t th[2];

    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];

        if (!strcmp(a, "--iface"))
            iface = v;
        else if (!strcmp(a, "--ntp"))
            ntp[0] = v;
        else if (!strcmp(a, "--dns"))
            dns[0] = v;
        else if (!strcmp(a, "--cpd-url") && !strncmp(v, "https:", 6))
            cpd.https_url = v;
        else if (!strcmp(a, "--cpd-url"))
            cpd.http_url = v;
        else if (!strcmp(a, "--ca"))
            cpd.ca_bundle = v;
        else if (!strcmp(a, "--time"))
            time_s = atoi(v);
        else if (!strcmp(a, "--sample"))
            s.sample_s = atoi(v);
        else if (!strcmp(a, "--ntp-poll"))
            poll_s = atoi(v);
        else if (!strcmp(a, "--lookup-ms"))
            s.lookup_ms = atoi(v);
        else if (!strcmp(a, "--attach-ms"))
            s.attach_ms = atoi(v);
        else {
            fprintf(stderr, "bench-soak: unknown option %s\n", a);
            return 1;
        }
    }
    if (!iface || s.sample_s <= 0 || s.lookup_ms <= 0 || s.attach_ms <= 0) {
        fprintf(stderr, "usage: bench-soak --iface IF [--ntp S] [--dns A] "
                        "[--cpd-url URL]... [--ca PEM] [--time S] "
                        "[--sample S] [--ntp-poll S] [--lookup-ms MS] "
                        "[--attach-ms MS]\n");
        return 1;
    }
    lws__alloc_track(true);
    (void)lws__heap_peak_take(); /* counted from here on */
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    ntpc.servers = ntp[0] ? ntp : NULL;
    ntpc.flags = LWS_NTPC_FLAG_NO_POOL;
    ntpc.poll_min_s = ntpc.poll_max_s = (uint32_t)poll_s;
    ntpc.sync_cb = synced;
    memset(&info, 0, sizeof(info));
    info.async_dns_servers = dns[0] ? dns : NULL;
    info.ntpc = &ntpc;
    info.dhcpc = &dhcpc;
    info.cpd = &cpd;
    s.cx = lws_create_context(&info);
    if (!s.cx)
        return 1;
    s.t0 = lws_now_usecs();
    if (lws_dhcpc_request(s.cx, iface, AF_INET, NULL, NULL))
        fprintf(stderr, "bench-soak: DHCP request on %s refused\n", iface);
    for (int i = 0; i < 2; i++)
        uv_thread_create(&th[i], attacher, NULL);
    measure_cb(&s.sul_measure);
    lws_sul_schedule(s.cx, 0, &s.sul_sample, sample_cb,
                     (lws_usec_t)s.sample_s * LWS_US_PER_SEC);
    lws_sul_schedule(s.cx, 0, &s.sul_lookup, lookup_cb, 0);
    lws_sul_schedule(s.cx, 0, &s.sul_end, end_cb,
                     (lws_usec_t)time_s * LWS_US_PER_SEC);
    while (!s.done)
        lws_service(s.cx, 0);
    atomic_store(&s.stop, true);
    for (int i = 0; i < 2; i++)
        uv_thread_join(&th[i]);
    lws_sul_cancel(&s.sul_sample);
    lws_sul_cancel(&s.sul_measure);
    lws_sul_cancel(&s.sul_lookup);
    lws_context_destroy(s.cx);
    return 0;
}
