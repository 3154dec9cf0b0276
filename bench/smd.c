/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/smd: lws_smd throughput, messages/s from 1, 2 and 4 publisher
 * threads to 1, 4 and 8 peers, against a baseline in the same process, run
 * round by round interleaved with it (which goes first alternates).
 *
 * The baseline is the bare fan-out a competent user would write for the same
 * job, held to the same contract so that it is like-for-like:
 *  - the same message: a malloc'd block with the same 32-byte payload,
 *    written the same way, freed by the loop after delivery;
 *  - the same bound: at most DEPTH messages sent and not yet delivered
 *    (lws's smd_queue_depth semantics), a send beyond it refused at once;
 *    the count is checked without the lock first, raised under the lock and
 *    given back every 16 messages delivered, as lws_smd does (an unbounded
 *    baseline would compare a queue that may grow without limit with one
 *    that may not);
 *  - the same wakeup: uv_async_send() after unlocking, only when the list
 *    was empty (the loop takes the whole list per wakeup), which measured
 *    faster than a send per message;
 *  - the same loop work: a uv_mutex-guarded list taken whole, every peer's
 *    callback called for each message with no lock held.
 * What the baseline does not do and lws_smd does: class filters, the
 * registration sequence check, TTL, a send stamp, peers that may unregister
 * inside a delivery.
 * A refused publisher polls again, the same way on both sides
 * (bq_backoff() in bench-queue.h, which also holds the baseline).  Both loops
 * run on CPU 0 and publishers on the other CPUs (bench-pin.h).
 *
 * Prints, per point, the median of RUNS rounds of each, the spread
 * (min-max) and the ratio of the medians.
 * Usage: bench-smd [messages-per-round [depth]] (defaults 200000, 1024);
 * LWS_BENCH_ONLY=lws|base runs one side only (for profiling).
 */
#define _GNU_SOURCE
#include <lws-system.h>

#include <pthread.h>
#include <sched.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "bench-pin.h"
#include "bench-queue.h"

#define RUNS     5
#define PAYLOAD  32
#define MAXPEERS 8
#define CHUNK    16 /* room given back per messages delivered, as lws_smd */
#define CL       (1u << LWSSMDCL_USER_BASE_BITNUM)

struct bmsg {
    struct bq_node node;
    size_t len;
    char payload[PAYLOAD];
};

struct bench {
    long msgs; /* per run, all publishers together */
    int threads, peers;
    unsigned int depth;
    long delivered; /* peer callbacks run (loop thread) */
    uint64_t sink;
    struct lws_context *cx;
    /* baseline */
    uv_loop_t loop;
    struct bq q;
};

struct pub {
    struct bench *b;
    uv_thread_t t;
    long n;
    int id;
};

/* The publisher's work on the payload, the same for both. */
static void fill(char *p, int id, long i)
{
    static const char tmpl[PAYLOAD] = "{\"p\":0,\"n\":0000000000000000000}";

    memcpy(p, tmpl, PAYLOAD);
    memcpy(p + 5, &id, 1);
    memcpy(p + 12, &i, sizeof(i));
}

/* The peer callback's work, the same for both. */
static void consume(struct bench *b, const void *buf, size_t len)
{
    b->sink += ((const unsigned char *)buf)[len / 2];
    b->delivered++;
}

/* --- lws_smd ------------------------------------------------------------- */

static int lws_peer_cb(void *opaque, lws_smd_class_t c, lws_usec_t ts,
                       void *buf, size_t len)
{
    (void)c, (void)ts;
    consume(opaque, buf, len);
    return 0;
}

static void lws_pub(void *arg)
{
    struct pub *p = arg;

    pin(0);
    for (long i = 0; i < p->n; i++) {
        void *m = lws_smd_msg_alloc(p->b->cx, CL, PAYLOAD);
        unsigned int spins = 0;

        if (!m)
            abort();
        fill(m, p->id, i);
        while (lws_smd_msg_send(p->b->cx, m)) /* full: try again */
            bq_backoff(&spins);
    }
}

/* --- baseline: mutex + list + uv_async_send, bounded --------------------- */

static void base_async_cb(uv_async_t *a)
{
    struct bench *b = a->data;
    struct bmsg *m = (struct bmsg *)bq_take(&b->q);
    unsigned int n = 0;

    while (m) {
        struct bmsg *next = (struct bmsg *)m->node.next;

        for (int i = 0; i < b->peers; i++)
            consume(b, m->payload, m->len);
        free(m);
        m = next;
        if (++n == CHUNK) {
            bq_done(&b->q, n);
            n = 0;
        }
    }
    bq_done(&b->q, n);
}

static void base_pub(void *arg)
{
    struct pub *p = arg;
    struct bench *b = p->b;

    pin(0);
    for (long i = 0; i < p->n; i++) {
        struct bmsg *m = malloc(sizeof(*m));
        unsigned int spins = 0;

        if (!m)
            abort();
        m->len = PAYLOAD;
        fill(m->payload, p->id, i);
        while (bq_push(&b->q, &m->node)) /* full: try again */
            bq_backoff(&spins);
    }
}

/* --- runs ---------------------------------------------------------------- */

static void start_pubs(struct bench *b, struct pub *p, uv_thread_cb fn)
{
    for (int i = 0; i < b->threads; i++) {
        p[i].b = b;
        p[i].id = i;
        p[i].n = b->msgs / b->threads;
        uv_thread_create(&p[i].t, fn, &p[i]);
    }
}

static void join_pubs(struct bench *b, struct pub *p)
{
    for (int i = 0; i < b->threads; i++)
        uv_thread_join(&p[i].t);
}

static long want(const struct bench *b)
{
    return (b->msgs / b->threads) * b->threads * b->peers;
}

static double run_lws(struct bench *b)
{
    struct lws_context_creation_info info = {0};
    struct pub p[8];
    uint64_t t0;

    info.target_state = LWS_SYSTATE_INITIALIZED;
    info.smd_queue_depth = (uint16_t)b->depth;
    info.smd_ttl_us = 60 * LWS_US_PER_SEC;
    b->cx = lws_create_context(&info);
    if (!b->cx)
        abort();
    for (int i = 0; i < b->peers; i++)
        if (!lws_smd_register(b->cx, b, 0, CL, lws_peer_cb))
            abort();
    b->delivered = 0;
    t0 = uv_hrtime();
    start_pubs(b, p, lws_pub);
    while (b->delivered < want(b))
        lws_service(b->cx, 0);
    t0 = uv_hrtime() - t0;
    join_pubs(b, p);
    lws_context_destroy(b->cx);
    return (double)(b->msgs / b->threads * b->threads) / ((double)t0 / 1e9);
}

static double run_base(struct bench *b)
{
    struct pub p[8];
    uint64_t t0;

    uv_loop_init(&b->loop);
    bq_init(&b->q, &b->loop, base_async_cb, b, b->depth);
    b->delivered = 0;
    t0 = uv_hrtime();
    start_pubs(b, p, base_pub);
    while (b->delivered < want(b))
        uv_run(&b->loop, UV_RUN_ONCE);
    t0 = uv_hrtime() - t0;
    join_pubs(b, p);
    base_async_cb(&b->q.async); /* nothing left, but be sure */
    uv_close((uv_handle_t *)&b->q.async, NULL);
    uv_run(&b->loop, UV_RUN_DEFAULT);
    uv_loop_close(&b->loop);
    bq_fini(&b->q);
    return (double)(b->msgs / b->threads * b->threads) / ((double)t0 / 1e9);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    static const int threads[] = {1, 2, 4}, peers[] = {1, 4, 8};
    const char *only = getenv("LWS_BENCH_ONLY"); /* "lws" or "base" */
    struct bench b = {0};
    double worst = 1e9;

    b.msgs = argc > 1 ? atol(argv[1]) : 200000;
    if (b.msgs < 1000)
        b.msgs = 1000;
    b.depth = argc > 2 ? (unsigned int)atol(argv[2]) : 1024;
    if (b.depth < 1 || b.depth > 65535) {
        fprintf(stderr, "bench-smd: depth must be 1..65535\n");
        return 1;
    }
    lws_set_log_level(LLL_ERR, NULL);
    pin(1);
    printf("bench-smd: %ld messages/round of %d bytes, queue depth %u for "
           "both, median of %d interleaved rounds (min-max),\n"
           "lws_smd vs a bounded mutex+list+uv_async_send fan-out\n",
           b.msgs, PAYLOAD, b.depth, RUNS);
    printf("%-8s %-6s %-28s %-28s %s\n", "threads", "peers", "lws_smd msg/s",
           "baseline msg/s", "ratio");
    for (size_t ti = 0; ti < 3; ti++)
        for (size_t pi = 0; pi < 3; pi++) {
            double l[RUNS], s[RUNS], ratio;

            b.threads = threads[ti];
            b.peers = peers[pi];
            for (int r = 0; r < RUNS; r++) { /* interleaved, order swapped */
                if (only) {                  /* one side, for profiling */
                    l[r] = s[r] = only[0] == 'l' ? run_lws(&b) : run_base(&b);
                } else if (r & 1) {
                    s[r] = run_base(&b);
                    l[r] = run_lws(&b);
                } else {
                    l[r] = run_lws(&b);
                    s[r] = run_base(&b);
                }
            }
            qsort(l, RUNS, sizeof(l[0]), cmp_dbl);
            qsort(s, RUNS, sizeof(s[0]), cmp_dbl);
            ratio = l[RUNS / 2] / s[RUNS / 2];
            if (ratio < worst)
                worst = ratio;
            printf("%-8d %-6d %9.0f (%8.0f-%8.0f)  %9.0f (%8.0f-%8.0f)  "
                   "%.2fx\n",
                   b.threads, b.peers, l[RUNS / 2], l[0], l[RUNS - 1],
                   s[RUNS / 2], s[0], s[RUNS - 1], ratio);
            fflush(stdout);
        }
    printf("lowest ratio %.2fx\n", worst);
    return b.sink == 42; /* keeps the consumer's work */
}
