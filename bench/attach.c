/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/attach: attach-queue throughput and attach->callback latency with
 * 1, 2, 4 and 8 producer threads, against a baseline in the same process:
 * a bare uv_mutex + list + uv_async_send queue, run round by round
 * interleaved with lws-system (which goes first alternates).
 *
 * The baseline (bench-queue.h) is what a competent user would write for the
 * job: a malloc'd item (a callback and its argument, as an attach item)
 * linked under the mutex, uv_async_send() after unlocking only when the
 * list was empty (the loop takes the whole list per wakeup), the loop
 * running each item with no lock held, then free().  Both are measured
 * twice, under the same contract each time:
 *  - capped: at most CAP items queued (attached, not yet run), a producer
 *    beyond it refused at once, before allocating (lws-system:
 *    attach_max_queued, -EAGAIN; the baseline: a count checked without the
 *    lock, raised under it and lowered by the loop every 32 items run, as
 *    lws-system does); a refused producer polls again with a pause and a
 *    sched_yield() every 64th time, the same for both;
 *  - unbounded (the default of both): producers never wait, so when they
 *    outrun the loop the queue grows and latency is the backlog's length.
 * Latency runs from the accepted attach to the callback.
 *
 * Saturation (producers push as fast as they can) measures throughput; its
 * latency is how far the producers outrun the loop, not the queue's: a
 * queue whose producers push faster builds a longer backlog in front of
 * the same loop (unbounded), or keeps its loop busier at the cap, so the
 * loop never sleeps and a loaded scheduler makes it wait longer per
 * preemption (capped).  Those figures stay printed, and beside them the
 * latency at an equal offered load: both queues are paced identically,
 * producer j of T sending its i-th item at start + (i * T + j) / rate (at
 * once when behind; waiting with sched_yield(), producers may share a
 * CPU), at 50 % and 90 % of the baseline's saturation rate measured under
 * the same contract earlier in the same invocation (the median of its
 * three runs), with half the items per round.  Paced latency too runs
 * from the attach call, not from the item's due time.
 *
 * A run is RUNS interleaved rounds per producer count (medians); the bench
 * makes three consecutive runs and prints each, then per producer count the
 * median of the three runs' throughput ratios and p99 ratios; the same for
 * the paced runs' p99 ratios.
 * Usage: bench-attach [items-per-round [cap]] (defaults 400000, 1024);
 * LWS_BENCH_ONLY=lws|base runs one side once (LWS_BENCH_THREADS producers,
 * LWS_BENCH_CAP=n to cap, LWS_BENCH_RATE=items/s to pace), for profiling:
 * it prints the loop thread's CPU time per item, its time runnable but not
 * running (schedstat), its context switches, the gaps between callbacks
 * over 1 ms, and the rate at which the producers were through.
 * LWS_BENCH_AA=1 runs the baseline on both sides (the spread of the ratios
 * when both sides are the same queue).
 */
#define _GNU_SOURCE
#include <lws-system.h>

#include <pthread.h>
#include <sched.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "bench-pin.h"
#include "bench-queue.h"

#define RUNS  5 /* rounds per run */
#define NRUNS 3 /* consecutive runs */
#define NTHR  4

struct bench {
    long items; /* total per run */
    int threads;
    unsigned int cap; /* 0 = unbounded */
    uint64_t *t_sent; /* per item, ns */
    uint64_t *lat;    /* per item, ns */
    atomic_long next; /* producer slot counter */
    /* pacing (0: none): producer j sends its i-th item at
     * t_start + (i * threads + j) * gap_ns, or at once when late */
    double gap_ns;
    uint64_t t_start;
    atomic_int slot;
    _Atomic uint64_t t_pushed; /* when the last producer was through */
    long done;
    int lost;                  /* delivered twice / never */
    bool aa;                   /* LWS_BENCH_AA: the baseline against itself */
    uint64_t last_cb;          /* time of the previous callback, ns */
    uint64_t gap_max, gap_sum; /* loop stalls: callback gaps over 1 ms */
    long gap_n;
    uint8_t *seen;
    struct lws_context *cx;
    /* baseline */
    uv_loop_t loop;
    struct bq q;
};

/* What an attach item carries: a callback and its argument. */
struct bitem {
    struct bq_node node;
    void (*cb)(struct bench *b, void *opaque);
    void *opaque;
};

static void record(struct bench *b, long idx)
{
    uint64_t now = uv_hrtime();

    if (b->last_cb && now - b->last_cb > 1000000) {
        b->gap_n++;
        b->gap_sum += now - b->last_cb;
        if (now - b->last_cb > b->gap_max)
            b->gap_max = now - b->last_cb;
    }
    b->last_cb = now;
    b->lat[idx] = now - b->t_sent[idx];
    if (b->seen[idx]++)
        b->lost++;
    b->done++;
}

/* A producer's slot in the schedule, and the start of the schedule. */
static int pace_start(struct bench *b)
{
    int slot = atomic_fetch_add(&b->slot, 1);

    if (b->gap_ns)
        while (uv_hrtime() < b->t_start)
            sched_yield();
    return slot;
}

/* Paced rounds: waits until the @i-th item of producer @slot is due (the
 * same schedule for both queues); a producer behind it sends at once. */
static void pace_wait(struct bench *b, int slot, long i)
{
    uint64_t due;

    if (!b->gap_ns)
        return;
    due = b->t_start + (uint64_t)(((double)i * b->threads + slot) * b->gap_ns);
    while (uv_hrtime() < due) /* others may share this CPU: let them run */
        sched_yield();
}

/* A producer is through: the time the last one was (atomic max). */
static void pushed(struct bench *b)
{
    uint64_t now = uv_hrtime(), t = atomic_load(&b->t_pushed);

    while (t < now && !atomic_compare_exchange_weak(&b->t_pushed, &t, now))
        ;
}

/* --- lws-system ---------------------------------------------------------- */

static void lws_item_cb(struct lws_context *cx, int tsi, void *opaque)
{
    struct bench *b = lws_context_user(cx);

    (void)tsi;
    record(b, (long)(intptr_t)opaque);
}

static void lws_producer(void *arg)
{
    struct bench *b = arg;

    pin(0);
    const lws_system_ops_t *ops = lws_system_get_ops(b->cx);
    long per = b->items / b->threads;
    int slot = pace_start(b);

    for (long i = 0; i < per; i++) {
        long idx = atomic_fetch_add(&b->next, 1);
        unsigned int spins = 0;
        int r;

        pace_wait(b, slot, i);
        do {
            b->t_sent[idx] = uv_hrtime();
            r = ops->attach(b->cx, 0, lws_item_cb, LWS_SYSTATE_OPERATIONAL,
                            (void *)(intptr_t)idx, NULL);
            if (r == -EAGAIN)
                bq_backoff(&spins);
            else if (r)
                abort();
        } while (r);
    }
    pushed(b);
}

/* --- baseline: mutex + list + uv_async_send ----------------------------- */

static void base_item_cb(struct bench *b, void *opaque)
{
    record(b, (long)(intptr_t)opaque);
}

static void base_async_cb(uv_async_t *a)
{
    struct bench *b = a->data;
    struct bitem *it = (struct bitem *)bq_take(&b->q), *next;
    unsigned int n = 0;

    for (; it; it = next) {
        next = (struct bitem *)it->node.next;
        it->cb(b, it->opaque);
        free(it);
        if (++n == 32) { /* room back as lws-system gives it */
            bq_done(&b->q, n);
            n = 0;
        }
    }
    bq_done(&b->q, n);
    if (b->done == b->items)
        uv_close((uv_handle_t *)&b->q.async, NULL);
}

/* 0, or -EAGAIN at the cap. */
static int base_attach(struct bench *b, long idx)
{
    struct bitem *it;

    if (bq_full(&b->q)) /* before allocating, as lws-system */
        return -EAGAIN;
    it = malloc(sizeof(*it));
    if (!it)
        abort();
    it->cb = base_item_cb;
    it->opaque = (void *)(intptr_t)idx;
    if (bq_push(&b->q, &it->node)) {
        free(it);
        return -EAGAIN;
    }
    return 0;
}

static void base_producer(void *arg)
{
    struct bench *b = arg;

    pin(0);
    long per = b->items / b->threads;
    int slot = pace_start(b);

    for (long i = 0; i < per; i++) {
        long idx = atomic_fetch_add(&b->next, 1);
        unsigned int spins = 0;

        pace_wait(b, slot, i);
        for (;;) {
            b->t_sent[idx] = uv_hrtime();
            if (!base_attach(b, idx))
                break;
            bq_backoff(&spins);
        }
    }
    pushed(b);
}

/* --- runs ---------------------------------------------------------------- */

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
    double loop_cpu_ns; /* the loop thread's CPU time per item */
    double wait_ms;     /* the loop thread's time runnable, not running */
    long nvcsw, nivcsw; /* its voluntary / involuntary context switches */
    double push_rate;   /* items / the time until the producers were through */
};

/* The calling thread's time spent runnable but waiting for a CPU (ns). */
static uint64_t thread_wait_ns(void)
{
    unsigned long long run = 0, wait = 0;
    FILE *f = fopen("/proc/thread-self/schedstat", "r");

    if (f) {
        if (fscanf(f, "%llu %llu", &run, &wait) != 2)
            wait = 0;
        fclose(f);
    }
    return wait;
}

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The loop thread's counters at the start of a round. */
struct loopstat {
    uint64_t t0, cpu, wait;
    long nvcsw, nivcsw;
};

static void loopstat_take(struct loopstat *s)
{
    struct rusage ru;

    getrusage(RUSAGE_THREAD, &ru);
    s->nvcsw = ru.ru_nvcsw;
    s->nivcsw = ru.ru_nivcsw;
    s->wait = thread_wait_ns();
    s->cpu = thread_cpu_ns();
    s->t0 = uv_hrtime();
}

static void bench_reset(struct bench *b)
{
    b->last_cb = 0;
    b->gap_max = b->gap_sum = 0;
    b->gap_n = 0;
    atomic_store(&b->next, 0);
    atomic_store(&b->slot, 0);
    atomic_store(&b->t_pushed, 0);
    b->done = 0;
    b->lost = 0;
    memset(b->seen, 0, (size_t)b->items);
}

static struct result finish(struct bench *b, const struct loopstat *s0)
{
    struct loopstat s1;
    struct result r;
    double secs;

    loopstat_take(&s1);
    secs = (double)(s1.t0 - s0->t0) / 1e9;
    r.loop_cpu_ns = (double)(s1.cpu - s0->cpu) / (double)b->done;
    r.wait_ms = (double)(s1.wait - s0->wait) / 1e6;
    r.nvcsw = s1.nvcsw - s0->nvcsw;
    r.nivcsw = s1.nivcsw - s0->nivcsw;

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
    struct loopstat s0;
    struct result r;

    bench_reset(b);
    memset(&info, 0, sizeof(info));
    info.user = b;
    info.attach_max_queued = b->cap;
    b->cx = lws_create_context(&info);
    if (!b->cx)
        abort();
    while (lws_system_get_state_manager(b->cx)->state < LWS_SYSTATE_OPERATIONAL)
        lws_service(b->cx, 0);
    loopstat_take(&s0);
    b->t_start = s0.t0 + 1000000; /* paced: 1 ms to start them all */
    for (int i = 0; i < b->threads; i++)
        uv_thread_create(&t[i], lws_producer, b);
    while (b->done < b->items)
        lws_service(b->cx, 0);
    r = finish(b, &s0);
    for (int i = 0; i < b->threads; i++)
        uv_thread_join(&t[i]);
    r.push_rate =
        (double)b->done / ((double)(atomic_load(&b->t_pushed) - s0.t0) / 1e9);
    lws_context_destroy(b->cx);
    return r;
}

static struct result run_base(struct bench *b)
{
    uv_thread_t t[8];
    struct loopstat s0;
    struct result r;

    bench_reset(b);
    uv_loop_init(&b->loop);
    bq_init(&b->q, &b->loop, base_async_cb, b, b->cap);
    loopstat_take(&s0);
    b->t_start = s0.t0 + 1000000; /* paced: 1 ms to start them all */
    for (int i = 0; i < b->threads; i++)
        uv_thread_create(&t[i], base_producer, b);
    uv_run(&b->loop, UV_RUN_DEFAULT);
    r = finish(b, &s0);
    for (int i = 0; i < b->threads; i++)
        uv_thread_join(&t[i]);
    r.push_rate =
        (double)b->done / ((double)(atomic_load(&b->t_pushed) - s0.t0) / 1e9);
    uv_loop_close(&b->loop);
    bq_fini(&b->q);
    return r;
}

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_dbl);
    return v[n / 2];
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
    m.rate = median_of(a, RUNS);
    m.p50_us = median_of(p, RUNS);
    m.p99_us = median_of(q, RUNS);
    return m;
}

static const int threads[NTHR] = {1, 2, 4, 8};
/* Paced rounds: offered loads, percent of the baseline's saturation rate. */
#define NLOAD 2
static const int loads[NLOAD] = {50, 90};

/* RUNS rounds of both at b->threads producers, interleaved (which goes
 * first alternates); their medians.  @return non-zero if an item was lost
 * or delivered twice. */
static int rounds(struct bench *b, struct result *ml, struct result *ms)
{
    struct result l[RUNS], s[RUNS];
    int bad = 0;

    for (int i = 0; i < RUNS; i++) {
        if (i & 1) {
            s[i] = run_base(b);
            bad |= b->lost;
        }
        l[i] = b->aa ? run_base(b) : run_lws(b);
        bad |= b->lost;
        if (!(i & 1)) {
            s[i] = run_base(b);
            bad |= b->lost;
        }
    }
    *ml = median(l);
    *ms = median(s);
    return bad;
}

static double median_copy(const double *v, int n)
{
    double c[NRUNS];

    memcpy(c, v, (size_t)n * sizeof(*c));
    return median_of(c, n);
}

/* Latency at an equal offered load: both queues get the same schedule,
 * loads[] percent of the baseline's saturation rate (@base_rate: its three
 * runs' medians per producer count, from this sweep), half the items per
 * round; three runs, then per producer count and load the median of the
 * runs' p99 ratios. */
static int sweep_paced(struct bench *b, double base_rate[NTHR][NRUNS])
{
    double p99r[NLOAD][NTHR][NRUNS];
    long items = b->items;
    int bad = 0;

    b->items = items / 2 - (items / 2) % 8;
    printf("paced (%s): both queues offered the same load, the same "
           "schedule per producer,\n%d%% and %d%% of the baseline's "
           "saturation rate above (median of its %d runs), %ld items per "
           "round\n",
           b->cap ? "capped" : "unbounded", loads[0], loads[1], NRUNS,
           b->items);
    printf("%-4s %-8s %5s %10s %10s %10s %9s %9s %9s %9s %7s\n", "run",
           "threads", "load", "offered/s", "lws got/s", "base got/s",
           "lws p50us", "lws p99us", "base p50us", "base p99us", "p99");
    for (int run = 0; run < NRUNS; run++)
        for (int ti = 0; ti < NTHR; ti++)
            for (int li = 0; li < NLOAD; li++) {
                double rate =
                    median_copy(base_rate[ti], NRUNS) * loads[li] / 100.0;
                struct result ml, ms;

                b->threads = threads[ti];
                b->gap_ns = 1e9 / rate;
                bad |= rounds(b, &ml, &ms);
                p99r[li][ti][run] = ml.p99_us / ms.p99_us;
                printf("%-4d %-8d %4d%% %10.0f %10.0f %10.0f %9.1f %9.1f "
                       "%9.1f %9.1f %6.2fx\n",
                       run + 1, b->threads, loads[li], rate, ml.rate, ms.rate,
                       ml.p50_us, ml.p99_us, ms.p50_us, ms.p99_us,
                       p99r[li][ti][run]);
                fflush(stdout);
            }
    printf("median of the %d paced runs (%s):\n", NRUNS,
           b->cap ? "capped" : "unbounded");
    for (int ti = 0; ti < NTHR; ti++)
        printf("  %d producer(s): p99 latency %.2fx the baseline's at %d%%, "
               "%.2fx at %d%%\n",
               threads[ti], median_copy(p99r[0][ti], NRUNS), loads[0],
               median_copy(p99r[1][ti], NRUNS), loads[1]);
    b->gap_ns = 0;
    b->items = items;
    return bad;
}

/* Three runs of every producer count at saturation (producers push as fast
 * as they can), then the paced runs; @return non-zero if an item was lost
 * or delivered twice. */
static int sweep(struct bench *b, unsigned int cap)
{
    double ratio[NTHR][NRUNS], p99r[NTHR][NRUNS], base_rate[NTHR][NRUNS];
    int bad = 0;

    b->cap = cap;
    if (cap)
        printf("\ncapped: at most %u items queued for both, refused "
               "producers poll again\n",
               cap);
    else
        printf("\nunbounded (the default of both): producers never wait\n");
    printf("saturation: producers push as fast as they can\n");
    printf("%-4s %-8s %12s %12s %7s %9s %9s %9s %9s\n", "run", "threads",
           "lws items/s", "base items/s", "ratio", "lws p50us", "lws p99us",
           "base p50us", "base p99us");
    for (int run = 0; run < NRUNS; run++)
        for (int ti = 0; ti < NTHR; ti++) {
            struct result ml, ms;

            b->threads = threads[ti];
            bad |= rounds(b, &ml, &ms);
            ratio[ti][run] = ml.rate / ms.rate;
            p99r[ti][run] = ml.p99_us / ms.p99_us;
            base_rate[ti][run] = ms.rate;
            printf("%-4d %-8d %12.0f %12.0f %6.2fx %9.1f %9.1f %9.1f "
                   "%9.1f\n",
                   run + 1, b->threads, ml.rate, ms.rate, ratio[ti][run],
                   ml.p50_us, ml.p99_us, ms.p50_us, ms.p99_us);
            fflush(stdout);
        }
    printf("median of the %d runs (%s, saturation):\n", NRUNS,
           cap ? "capped" : "unbounded");
    for (int ti = 0; ti < NTHR; ti++)
        printf("  %d producer(s): throughput %.2fx the baseline's, "
               "p99 latency %.2fx the baseline's\n",
               threads[ti], median_copy(ratio[ti], NRUNS),
               median_copy(p99r[ti], NRUNS));
    return bad | sweep_paced(b, base_rate);
}

int main(int argc, char **argv)
{
    struct bench b;
    unsigned int cap;
    int bad = 0;

    memset(&b, 0, sizeof(b));
    b.items = argc > 1 ? strtol(argv[1], NULL, 10) : 400000;
    b.items -= b.items % 8;
    if (b.items < 8000)
        b.items = 8000;
    cap = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 1024;
    b.t_sent = calloc((size_t)b.items, sizeof(uint64_t));
    b.lat = calloc((size_t)b.items, sizeof(uint64_t));
    b.seen = calloc((size_t)b.items, 1);
    if (!b.t_sent || !b.lat || !b.seen)
        return 1;
    lws_set_log_level(LLL_ERR, NULL);
    pin(1);
    if (getenv("LWS_BENCH_ONLY")) { /* one side once, for profiling */
        bool lws = !strcmp(getenv("LWS_BENCH_ONLY"), "lws");
        struct result r;

        b.threads = getenv("LWS_BENCH_THREADS")
                        ? (int)strtol(getenv("LWS_BENCH_THREADS"), NULL, 10)
                        : 1;
        if (b.threads < 1 || b.threads > 8)
            b.threads = 1;
        b.cap = getenv("LWS_BENCH_CAP")
                    ? (unsigned int)strtoul(getenv("LWS_BENCH_CAP"), NULL, 10)
                    : 0;
        if (getenv("LWS_BENCH_RATE")) /* paced, items/s */
            b.gap_ns = 1e9 / strtod(getenv("LWS_BENCH_RATE"), NULL);
        r = lws ? run_lws(&b) : run_base(&b);
        printf("%s: %.0f items/s (producers through at %.0f items/s) p50 %.1f "
               "us p99 %.1f us loop-cpu %.1f "
               "ns/item; loop thread: runnable-not-running %.2f ms, "
               "%ld voluntary / %ld involuntary switches, %ld stalls over "
               "1 ms (callback gaps) totalling %.2f ms, longest %.2f ms\n",
               lws ? "lws" : "base", r.rate, r.push_rate, r.p50_us, r.p99_us,
               r.loop_cpu_ns, r.wait_ms, r.nvcsw, r.nivcsw, b.gap_n,
               (double)b.gap_sum / 1e6, (double)b.gap_max / 1e6);
        bad = b.lost;
        goto out;
    }
    b.aa = getenv("LWS_BENCH_AA") != NULL;
    if (b.aa)
        printf("LWS_BENCH_AA: the \"lws\" columns are the baseline again "
               "(its spread against itself)\n");
    printf("bench/attach: %ld items per round, %d interleaved rounds per "
           "run (medians), %d consecutive runs\n",
           b.items, RUNS, NRUNS);
    if (cap)
        bad |= sweep(&b, cap);
    bad |= sweep(&b, 0);
    printf("every item delivered exactly once: %s\n", bad ? "NO" : "yes");
out:
    free(b.t_sent);
    free(b.lat);
    free(b.seen);
    return bad ? 1 : 0;
}
