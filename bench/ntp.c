/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/ntp: the SNTP client against a real chronyd (started here, in a
 * private network namespace; the clock is never set).
 *
 *  1. Offset agreement: 20 triggered syncs, each followed by one
 *     measurement of the reference client (ntpdig, else chronyd -Q)
 *     against the same server; medians compared.  Target: within 200 us.
 *  2. Trigger -> validated sync latency, burst included, median over the
 *     same 20 syncs.  Target: < 50 ms.  Baseline in the same run: the time
 *     of the same number of bare SNTP exchanges on a plain blocking
 *     socket; the ratio shows the client's overhead.
 *
 * Exit code 0 when both targets are met, 1 when one is missed, 77 when it
 * cannot run (not root, chronyd missing).
 */
#include "ntpclient/private-ntpc.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ntpc-chrony.h"
#include "testutil.h"

#define RUNS  20
#define BURST 4

static int rec_set_clock(lws_usec_t us)
{
    (void)us; /* never touch the machine's clock */
    return 0;
}

static lws_sorted_usec_list_t beat;

static void beat_cb(lws_sorted_usec_list_t *sul)
{
    lws_sul_schedule(sul->cx, 0, sul, beat_cb, 5 * LWS_US_PER_MS);
}

static uint32_t syncs(struct lws_context *cx)
{
    struct lws__ntpc_stats st;

    return lws__ntpc_get_stats(cx, &st) ? 0 : st.syncs;
}

static bool wait_syncs(struct lws_context *cx, uint32_t want, int ms)
{
    long long end = lt_now_ms() + ms;

    memset(&beat, 0, sizeof(beat));
    lws_sul_schedule(cx, 0, &beat, beat_cb, 5 * LWS_US_PER_MS);
    while (syncs(cx) < want && lt_now_ms() < end)
        lws_service(cx, 0);
    lws_sul_cancel(&beat);
    return syncs(cx) >= want;
}

/* The baseline: @n plain SNTP exchanges on one blocking socket, without
 * any validation; returns the elapsed us, or -1. */
static int64_t bare_exchanges(int n)
{
    struct sockaddr_in sa;
    uint8_t req[48] = {0x23}, rep[128];
    struct pollfd pfd;
    lws_usec_t t0;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(123);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pfd.fd = fd;
    pfd.events = POLLIN;
    t0 = lws_now_usecs();
    for (int i = 0; i < n; i++) {
        req[47] = (uint8_t)i;
        if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&sa,
                   sizeof(sa)) < 0 ||
            poll(&pfd, 1, 1000) != 1 || recv(fd, rep, sizeof(rep), 0) < 48) {
            close(fd);
            return -1;
        }
    }
    t0 = lws_now_usecs() - t0;
    close(fd);
    return t0;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct series {
    int64_t ours[RUNS], ref[RUNS], pair[RUNS], lat[RUNS], bare[RUNS];
    int64_t maxl;
};

/* RUNS triggered syncs, each followed by one reference measurement and
 * one baseline burst.  0 or -1. */
static int measure(struct lws_context *cx, struct ntpc_chrony *ch,
                   struct series *s)
{
    struct lws_ntpc_status st;

    s->maxl = 0;
    for (int i = 0; i < RUNS; i++) {
        uint32_t want = syncs(cx) + 1;
        lws_usec_t t0 = lws_now_usecs();

        lws_ntpc_trigger(cx);
        if (!wait_syncs(cx, want, 3000))
            return -1;
        s->lat[i] = lws_now_usecs() - t0;
        lws_ntpc_get_status(cx, &st);
        s->ours[i] = st.offset_us;
        if (ntpc_ref_offset_us(ch, &s->ref[i], NULL))
            return -1;
        s->pair[i] = s->ours[i] - s->ref[i];
        if (s->lat[i] > s->maxl)
            s->maxl = s->lat[i];
        s->bare[i] = bare_exchanges(BURST);
        if (s->bare[i] < 0)
            return -1;
    }
    return 0;
}

/* Prints one series; returns true when both targets are met. */
static bool report(const char *title, struct series *s)
{
    int64_t mo = median(s->ours, RUNS), mr = median(s->ref, RUNS);
    int64_t ml = median(s->lat, RUNS), mb = median(s->bare, RUNS);
    bool ok = llabs(mo - mr) < 200 && ml < 50000;

    printf("bench/ntp: %s: %d syncs, burst %d\n", title, RUNS, BURST);
    printf("  offset median: lws-system %lld us, reference %lld us, "
           "|difference| %lld us (target < 200 us), median paired "
           "difference %lld us\n",
           (long long)mo, (long long)mr, llabs(mo - mr),
           (long long)median(s->pair, RUNS));
    printf("  trigger -> validated sync: median %lld us, max %lld us "
           "(target < 50000 us)\n",
           (long long)ml, (long long)s->maxl);
    printf("  baseline, %d bare exchanges on one blocking socket: median "
           "%lld us; ratio client/baseline %.2f\n",
           BURST, (long long)mb, mb ? (double)ml / (double)mb : 0.0);
    printf("  %s\n", ok ? "PASS" : "MISS");
    return ok;
}

int main(void)
{
    static const lws_system_ops_t ops = {.set_clock = rec_set_clock};
    static const char *const servers[] = {"127.0.0.1", NULL};
    static struct series s;
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    static struct ntpc_chrony ch; /* its cleanup runs at exit */
    struct lws_context *cx;
    bool ok;
    int r;

    r = ntpc_chrony_setup(&ch);
    if (r)
        return r == LT_SKIP ? LT_SKIP : 1;
    if (ntpc_chrony_start(&ch))
        return 1;
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

    memset(&ni, 0, sizeof(ni));
    ni.servers = servers;
    ni.burst = BURST;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.system_ops = &ops;
    cx = lws_create_context(&info);
    if (!cx || !wait_syncs(cx, 1, 5000)) {
        fprintf(stderr, "no first sync\n");
        return 1;
    }
    if (measure(cx, &ch, &s))
        return 1;
    ok = report("chronyd (local stratum 10) serving this clock", &s);

    /* The same with chronyd's clock 2.5 s ahead, when libfaketime is
     * installed: agreement at a real offset. */
    ntpc_chrony_stop(&ch);
    r = ntpc_chrony_start_shifted(&ch, "+2.5");
    if (r == LT_SKIP)
        printf("bench/ntp: libfaketime not installed: no shifted run\n");
    else if (r || measure(cx, &ch, &s))
        return 1;
    else
        ok = report("chronyd with its clock 2.5 s ahead", &s) && ok;
    lws_context_destroy(cx);
    return ok ? 0 : 1;
}
