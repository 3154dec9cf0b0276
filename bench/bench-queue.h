/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The baseline of the queue benches (attach, smd): the bare queue a
 * competent user writes for "other threads hand work to the loop": a
 * uv_mutex-guarded singly linked list, uv_async_send() after unlocking only
 * when the list was empty (the loop takes the whole list per wakeup), and,
 * for like-for-like comparisons with a bounded queue, an optional bound on
 * items pushed and not yet done: checked without the lock first, raised
 * under it, lowered by the loop as it finishes items; a push beyond it is
 * refused at once.  Also the refused producer's wait, the same for both
 * sides of a bench.  Items start with a struct bq_node.
 */
#ifndef LWS_BENCH_QUEUE_H
#define LWS_BENCH_QUEUE_H

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <uv.h>

struct bq_node {
    struct bq_node *next;
};

struct bq {
    uv_mutex_t lock;
    struct bq_node *head, *tail;
    atomic_uint queued; /* pushed, not yet done (counted with a cap) */
    unsigned int cap;   /* 0 = unbounded */
    uv_async_t async;
};

static inline void bq_init(struct bq *q, uv_loop_t *loop, uv_async_cb cb,
                           void *data, unsigned int cap)
{
    uv_mutex_init(&q->lock);
    q->head = q->tail = NULL;
    atomic_store(&q->queued, 0);
    q->cap = cap;
    uv_async_init(loop, &q->async, cb);
    q->async.data = data;
}

/* Any thread: at the cap now (seen without the lock). */
static inline bool bq_full(struct bq *q)
{
    return q->cap &&
           atomic_load_explicit(&q->queued, memory_order_relaxed) >= q->cap;
}

/* Any thread.  @return 0, or -EAGAIN at the cap (the caller keeps @n). */
static inline int bq_push(struct bq *q, struct bq_node *n)
{
    bool wake;

    if (bq_full(q))
        return -EAGAIN;
    n->next = NULL;
    uv_mutex_lock(&q->lock);
    if (q->cap) {
        if (atomic_load_explicit(&q->queued, memory_order_relaxed) >= q->cap) {
            uv_mutex_unlock(&q->lock);
            return -EAGAIN;
        }
        atomic_fetch_add_explicit(&q->queued, 1, memory_order_relaxed);
    }
    wake = !q->tail;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    uv_mutex_unlock(&q->lock);
    if (wake)
        uv_async_send(&q->async);
    return 0;
}

/* Loop thread: everything pushed so far, oldest first. */
static inline struct bq_node *bq_take(struct bq *q)
{
    struct bq_node *n;

    uv_mutex_lock(&q->lock);
    n = q->head;
    q->head = q->tail = NULL;
    uv_mutex_unlock(&q->lock);
    return n;
}

/* Loop thread: @n items are done; their room goes back. */
static inline void bq_done(struct bq *q, unsigned int n)
{
    if (q->cap && n)
        atomic_fetch_sub_explicit(&q->queued, n, memory_order_release);
}

static inline void bq_fini(struct bq *q)
{
    uv_mutex_destroy(&q->lock);
}

/* A refused producer's wait before it tries again: a pause instruction,
 * and a sched_yield() every 64th time (yielding every time hands the CPU
 * to whatever else runs on a loaded machine). */
static inline void bq_backoff(unsigned int *spins)
{
    if (!(++*spins & 63))
        sched_yield();
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif /* LWS_BENCH_QUEUE_H */
