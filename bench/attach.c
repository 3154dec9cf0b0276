/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/attach: attach-queue throughput and attach->callback latency with
 * 1, 2, 4 and 8 producer threads, against a baseline run in the same
 * process: a bare uv_mutex + list + uv_async_send queue.  Medians of 5 runs.
 * Usage: bench-attach [items-per-run]
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

#define RUNS 5

struct bench {
    long items; /* total per run */
    int threads;
    uint64_t *t_sent; /* per item, ns */
    uint64_t *lat;    /* per item, ns */
    atomic_long next; /* producer slot counter */
    long done;
    int lost;               /* delivered twice / never */
    bool foreign;           /* lws-system on the bench's own loop (uv_run) */
    bool send_after_unlock; /* baseline wakes the loop after unlocking */
    uint8_t *seen;
    struct lws_context *cx;
    /* baseline */
    uv_loop_t loop;
    uv_async_t async;
    uv_mutex_t lock;
    struct bitem *head, *tail;
};

struct bitem {
    struct bitem *next;
    long idx;
};

static void record(struct bench *b, long idx)
{
    b->lat[idx] = uv_hrtime() - b->t_sent[idx];
    if (b->seen[idx]++)
        b->lost++;
    b->done++;
}

/* --- lws-system ---------------------------------------------------------- */

static void lws_item_cb(struct lws_context *cx, int tsi, void *opaque)
{
    struct bench *b = lws_context_user(cx);

    (void)tsi;
    record(b, (long)(intptr_t)opaque);
    if (b->foreign && b->done == b->items)
        uv_stop(&b->loop);
}

static void lws_producer(void *arg)
{
    struct bench *b = arg;

    pin(0);
    const lws_system_ops_t *ops = lws_system_get_ops(b->cx);
    long per = b->items / b->threads;

    for (long i = 0; i < per; i++) {
        long idx = atomic_fetch_add(&b->next, 1);
        b->t_sent[idx] = uv_hrtime();
        if (ops->attach(b->cx, 0, lws_item_cb, LWS_SYSTATE_OPERATIONAL,
                        (void *)(intptr_t)idx, NULL))
            abort();
    }
}

/* --- baseline: mutex + list + uv_async_send ----------------------------- */

static void base_async_cb(uv_async_t *a)
{
    struct bench *b = a->data;
    struct bitem *it, *next;

    uv_mutex_lock(&b->lock);
    it = b->head;
    b->head = b->tail = NULL;
    uv_mutex_unlock(&b->lock);
    for (; it; it = next) {
        next = it->next;
        record(b, it->idx);
        free(it);
    }
    if (b->done == b->items)
        uv_close((uv_handle_t *)&b->async, NULL);
}

static void base_producer(void *arg)
{
    struct bench *b = arg;

    pin(0);
    long per = b->items / b->threads;

    for (long i = 0; i < per; i++) {
        long idx = atomic_fetch_add(&b->next, 1);
        struct bitem *it = malloc(sizeof(*it));

        if (!it)
            abort();
        b->t_sent[idx] = uv_hrtime();
        it->next = NULL;
        it->idx = idx;
        uv_mutex_lock(&b->lock);
        if (b->tail)
            b->tail->next = it;
        else
            b->head = it;
        b->tail = it;
        if (!b->send_after_unlock)
            uv_async_send(&b->async);
        uv_mutex_unlock(&b->lock);
        if (b->send_after_unlock)
            uv_async_send(&b->async);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct result {
    double rate;
    double p50_us, p99_us;
};

static void bench_reset(struct bench *b)
{
    atomic_store(&b->next, 0);
    b->done = 0;
    b->lost = 0;
    memset(b->seen, 0, (size_t)b->items);
}

static struct result finish(struct bench *b, uint64_t t0)
{
    struct result r;
    double secs = (double)(uv_hrtime() - t0) / 1e9;

    qsort(b->lat, (size_t)b->done, sizeof(*b->lat), cmp_u64);
    r.rate = (double)b->done / secs;
    r.p50_us = (double)b->lat[b->done / 2] / 1e3;
    r.p99_us = (double)b->lat[(b->done * 99) / 100] / 1e3;
    for (long i = 0; i < b->items; i++)
        if (b->seen[i] != 1)
            b->lost++;
    return r;
}

static struct result run_lws(struct bench *b)
{
    struct lws_context_creation_info info;
    uv_thread_t t[8];
    uint64_t t0;
    struct result r;

    bench_reset(b);
    memset(&info, 0, sizeof(info));
    info.user = b;
    b->cx = lws_create_context(&info);
    if (!b->cx)
        abort();
    while (lws_system_get_state_manager(b->cx)->state < LWS_SYSTATE_OPERATIONAL)
        lws_service(b->cx, 0);
    t0 = uv_hrtime();
    for (int i = 0; i < b->threads; i++)
        uv_thread_create(&t[i], lws_producer, b);
    while (b->done < b->items)
        lws_service(b->cx, 0);
    r = finish(b, t0);
    for (int i = 0; i < b->threads; i++)
        uv_thread_join(&t[i]);
    lws_context_destroy(b->cx);
    return r;
}

static struct result run_base(struct bench *b)
{
    uv_thread_t t[8];
    uint64_t t0;
    struct result r;

    bench_reset(b);
    uv_loop_init(&b->loop);
    uv_mutex_init(&b->lock);
    uv_async_init(&b->loop, &b->async, base_async_cb);
    b->async.data = b;
    b->head = b->tail = NULL;
    t0 = uv_hrtime();
    for (int i = 0; i < b->threads; i++)
        uv_thread_create(&t[i], base_producer, b);
    uv_run(&b->loop, UV_RUN_DEFAULT);
    r = finish(b, t0);
    for (int i = 0; i < b->threads; i++)
        uv_thread_join(&t[i]);
    uv_loop_close(&b->loop);
    uv_mutex_destroy(&b->lock);
    return r;
}

static struct result median(struct result *v)
{
    double a[RUNS], p[RUNS], q[RUNS];
    struct result m;

    for (int i = 0; i < RUNS; i++) {
        a[i] = v[i].rate;
        p[i] = v[i].p50_us;
        q[i] = v[i].p99_us;
    }
    qsort(a, RUNS, sizeof(double), cmp_dbl);
    qsort(p, RUNS, sizeof(double), cmp_dbl);
    qsort(q, RUNS, sizeof(double), cmp_dbl);
    m.rate = a[RUNS / 2];
    m.p50_us = p[RUNS / 2];
    m.p99_us = q[RUNS / 2];
    return m;
}

int main(int argc, char **argv)
{
    static const int threads[] = {1, 2, 4, 8};
    struct bench b;
    int bad = 0;

    memset(&b, 0, sizeof(b));
    b.items = argc > 1 ? strtol(argv[1], NULL, 10) : 400000;
    b.items -= b.items % 8;
    b.t_sent = calloc((size_t)b.items, sizeof(uint64_t));
    b.lat = calloc((size_t)b.items, sizeof(uint64_t));
    b.seen = calloc((size_t)b.items, 1);
    if (!b.t_sent || !b.lat || !b.seen)
        return 1;
    lws_set_log_level(LLL_ERR, NULL);
    pin(1);
    printf("bench/attach: %ld items per run, median of %d runs\n", b.items,
           RUNS);
    printf("%-8s %14s %14s %7s %10s %10s %10s %10s\n", "threads", "lws items/s",
           "base items/s", "ratio", "lws p50us", "lws p99us", "base p50us",
           "base p99us");
    /* Profiling aid: LWS_BENCH_ONLY=lws|base runs just one side once, with
     * LWS_BENCH_THREADS producers (default 1). */
    if (getenv("LWS_BENCH_ONLY")) {
        bool lws = !strcmp(getenv("LWS_BENCH_ONLY"), "lws");
        struct result r;

        b.foreign = getenv("LWS_BENCH_FOREIGN") != NULL;
        b.send_after_unlock = getenv("LWS_BENCH_SEND_AFTER_UNLOCK") != NULL;
        b.threads = getenv("LWS_BENCH_THREADS")
                        ? (int)strtol(getenv("LWS_BENCH_THREADS"), NULL, 10)
                        : 1;
        r = lws ? run_lws(&b) : run_base(&b);
        printf("%s: %.0f items/s p50 %.1f us\n", lws ? "lws" : "base", r.rate,
               r.p50_us);
        return b.lost ? 1 : 0;
    }
    for (int ti = 0; ti < 4; ti++) {
        struct result l[RUNS], s[RUNS], ml, ms;

        b.threads = threads[ti];
        for (int i = 0; i < RUNS; i++) {
            /* interleave, alternating which goes first, so drift and
             * allocator warm-up affect both alike */
            if (i & 1) {
                s[i] = run_base(&b);
                bad |= b.lost;
            }
            l[i] = run_lws(&b);
            bad |= b.lost;
            if (!(i & 1)) {
                s[i] = run_base(&b);
                bad |= b.lost;
            }
        }
        ml = median(l);
        ms = median(s);
        printf("%-8d %14.0f %14.0f %6.2fx %10.1f %10.1f %10.1f %10.1f\n",
               b.threads, ml.rate, ms.rate, ml.rate / ms.rate, ml.p50_us,
               ml.p99_us, ms.p50_us, ms.p99_us);
    }
    printf("every item delivered exactly once: %s\n", bad ? "NO" : "yes");
    free(b.t_sent);
    free(b.lat);
    free(b.seen);
    return bad ? 1 : 0;
}
