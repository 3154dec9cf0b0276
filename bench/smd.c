/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/smd: lws_smd throughput, messages/s from 1, 2 and 4 publisher
 * threads to 1, 4 and 8 peers, against a baseline run in the same process,
 * interleaved run by run: a bare fan-out of the same shape (a malloc'd
 * message, uv_mutex + list + uv_async_send, the loop calling every peer
 * callback, then free).  Both publish the same 32-byte payload and both
 * loops run on CPU 0 with publishers on the other CPUs.  Prints the median
 * of 5 runs of each, the spread (min-max) and the ratio of the medians.
 * Usage: bench-smd [messages-per-run]; LWS_BENCH_ONLY=lws|base runs one
 * side only (for profiling).
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

#define RUNS     5
#define PAYLOAD  32
#define MAXPEERS 8
#define CL       (1u << LWSSMDCL_USER_BASE_BITNUM)

struct bmsg {
    struct bmsg *next;
    size_t len;
    char payload[PAYLOAD];
};

struct bench {
    long msgs; /* per run, all publishers together */
    int threads, peers;
    long delivered; /* peer callbacks run (loop thread) */
    uint64_t sink;
    struct lws_context *cx;
    /* baseline */
    uv_loop_t loop;
    uv_async_t async;
    uv_mutex_t lock;
    struct bmsg *head, *tail;
};

struct pub {
    struct bench *b;
    uv_thread_t t;
    long n;
    int id;
};

static void fill(char *p, int id, long i)
{
    memset(p, ' ', PAYLOAD);
    snprintf(p, PAYLOAD, "{\"p\":%d,\"n\":%ld}", id, i);
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

        if (!m)
            abort();
        fill(m, p->id, i);
        while (lws_smd_msg_send(p->b->cx, m)) /* full: try again */
            sched_yield();
    }
}

/* --- baseline: mutex + list + uv_async_send ------------------------------- */

static void base_async_cb(uv_async_t *a)
{
    struct bench *b = a->data;
    struct bmsg *m;

    uv_mutex_lock(&b->lock);
    m = b->head;
    b->head = b->tail = NULL;
    uv_mutex_unlock(&b->lock);
    while (m) {
        struct bmsg *next = m->next;

        for (int i = 0; i < b->peers; i++)
            consume(b, m->payload, m->len);
        free(m);
        m = next;
    }
}

static void base_pub(void *arg)
{
    struct pub *p = arg;
    struct bench *b = p->b;

    pin(0);
    for (long i = 0; i < p->n; i++) {
        struct bmsg *m = malloc(sizeof(*m));

        if (!m)
            abort();
        m->next = NULL;
        m->len = PAYLOAD;
        fill(m->payload, p->id, i);
        uv_mutex_lock(&b->lock);
        if (b->tail)
            b->tail->next = m;
        else
            b->head = m;
        b->tail = m;
        uv_mutex_unlock(&b->lock);
        uv_async_send(&b->async);
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
    info.smd_queue_depth = 65535;
    info.smd_ttl_us = 60 * LWS_US_PER_SEC;
    b->cx = lws_create_context(&info);
    for (int i = 0; i < b->peers; i++)
        lws_smd_register(b->cx, b, 0, CL, lws_peer_cb);
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
    uv_mutex_init(&b->lock);
    uv_async_init(&b->loop, &b->async, base_async_cb);
    b->async.data = b;
    b->delivered = 0;
    t0 = uv_hrtime();
    start_pubs(b, p, base_pub);
    while (b->delivered < want(b))
        uv_run(&b->loop, UV_RUN_ONCE);
    t0 = uv_hrtime() - t0;
    join_pubs(b, p);
    base_async_cb(&b->async); /* nothing left, but be sure */
    uv_close((uv_handle_t *)&b->async, NULL);
    uv_run(&b->loop, UV_RUN_DEFAULT);
    uv_loop_close(&b->loop);
    uv_mutex_destroy(&b->lock);
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

    b.msgs = argc > 1 ? atol(argv[1]) : 200000;
    if (b.msgs < 1000)
        b.msgs = 1000;
    lws_set_log_level(LLL_ERR, NULL);
    pin(1);
    printf("bench-smd: %ld messages/run of %d bytes, median of %d runs "
           "(min-max), lws_smd vs mutex+list+uv_async_send fan-out\n",
           b.msgs, PAYLOAD, RUNS);
    printf("%-8s %-6s %-26s %-26s %s\n", "threads", "peers", "lws_smd msg/s",
           "baseline msg/s", "ratio");
    for (size_t ti = 0; ti < 3; ti++)
        for (size_t pi = 0; pi < 3; pi++) {
            double l[RUNS], s[RUNS];

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
            printf("%-8d %-6d %9.0f (%7.0f-%7.0f)  %9.0f (%7.0f-%7.0f)  "
                   "%.2fx\n",
                   b.threads, b.peers, l[RUNS / 2], l[0], l[RUNS - 1],
                   s[RUNS / 2], s[0], s[RUNS - 1], l[RUNS / 2] / s[RUNS / 2]);
            fflush(stdout);
        }
    return b.sink == 42; /* keeps the consumer's work */
}
