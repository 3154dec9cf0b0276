/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * A recycler of same-size blocks for queues whose producers allocate on one
 * thread and whose loop frees on another (attach items, smd messages).
 * Handing blocks back and forth through malloc costs the allocator's
 * cross-thread path on every message; here blocks given back go onto a
 * lock-free stack (any thread, one compare-and-swap per block or per
 * chain), and takers pop under a flag they only ever try to take (a lock
 * that is never waited for: a taker that finds it taken, or the pool
 * empty, allocates instead, so nobody waits or spins).
 * Takers refill their private list by taking the whole stack with one
 * exchange, which has no ABA problem (only whole-stack takes, never a pop
 * by compare-and-swap).  The pool keeps at most @max blocks; more given
 * back are freed.  A free block's first word is its link.  A bare pool's
 * blocks carry no allocator header (the pool knows their size): a queue's
 * backlog costs its items' bytes, not a header each on top.
 */
#define LWS_LOGMOD pool
#include "private-core.h"

void lws__pool_init(struct lws__pool *p, size_t size, unsigned int max,
                    bool bare)
{
    p->take = NULL;
    atomic_store_explicit(&p->given, NULL, memory_order_relaxed);
    atomic_store_explicit(&p->given_n, 0, memory_order_relaxed);
    atomic_store_explicit(&p->taken_n, 0, memory_order_relaxed);
    atomic_store_explicit(&p->busy, false, memory_order_relaxed);
    p->size = (uint32_t)(size < sizeof(void *) ? sizeof(void *) : size);
    p->max = max;
    p->bare = bare;
    p->counted = lws__alloc_tracking();
}

void lws__pool_free(struct lws__pool *p, void *b)
{
    if (p->bare)
        lws__free_bare(b, p->size, p->counted);
    else
        lws__free(b);
}

/* Blocks in the pool now (a hint: givers count before they link). */
unsigned int lws__pool_held(struct lws__pool *p)
{
    return atomic_load_explicit(&p->given_n, memory_order_relaxed) -
           atomic_load_explicit(&p->taken_n, memory_order_relaxed);
}

void *lws__pool_get(struct lws__pool *p)
{
    void *b = NULL;

    /* Acquire / release: one taker at a time owns @take and taken_n. */
    if (lws__pool_held(p) &&
        !atomic_exchange_explicit(&p->busy, true, memory_order_acquire)) {
        if (!p->take) /* acquire: the givers' links and contents */
            p->take =
                atomic_exchange_explicit(&p->given, NULL, memory_order_acquire);
        b = p->take;
        if (b) {
            p->take = *(void **)b;
            atomic_store_explicit(
                &p->taken_n,
                atomic_load_explicit(&p->taken_n, memory_order_relaxed) + 1,
                memory_order_relaxed);
        }
        atomic_store_explicit(&p->busy, false, memory_order_release);
    }
    if (b)
        return b;
    return p->bare ? lws__malloc_bare(p->size, p->counted)
                   : lws__malloc(p->size);
}

void lws__pool_put_chain(struct lws__pool *p, void *head, void *tail,
                         unsigned int n)
{
    void *top;

    if (!head)
        return;
    if (lws__pool_held(p) + n > p->max) {
        while (head) { /* full: back to the allocator */
            void *next = head == tail ? NULL : *(void **)head;

            lws__pool_free(p, head);
            head = next;
        }
        return;
    }
    atomic_fetch_add_explicit(&p->given_n, n, memory_order_relaxed);
    top = atomic_load_explicit(&p->given, memory_order_relaxed);
    do
        *(void **)tail = top;
    while (!atomic_compare_exchange_weak_explicit(
        &p->given, &top, head, memory_order_release, memory_order_relaxed));
}

void lws__pool_put(struct lws__pool *p, void *b)
{
    lws__pool_put_chain(p, b, b, 1);
}

void lws__pool_trim(struct lws__pool *p, unsigned int keep)
{
    unsigned int taken;
    void *b;

    if (lws__pool_held(p) <= keep ||
        atomic_exchange_explicit(&p->busy, true, memory_order_acquire))
        return; /* a taker holds the pool: the next quiet moment trims */
    taken = atomic_load_explicit(&p->taken_n, memory_order_relaxed);
    while (atomic_load_explicit(&p->given_n, memory_order_relaxed) - taken >
           keep) {
        if (!p->take)
            p->take =
                atomic_exchange_explicit(&p->given, NULL, memory_order_acquire);
        b = p->take;
        if (!b)
            break;
        p->take = *(void **)b;
        lws__pool_free(p, b);
        taken++;
    }
    atomic_store_explicit(&p->taken_n, taken, memory_order_relaxed);
    atomic_store_explicit(&p->busy, false, memory_order_release);
}

void lws__pool_fini(struct lws__pool *p)
{
    void *b = atomic_exchange_explicit(&p->given, NULL, memory_order_acquire);

    for (int i = 0; i < 2; i++) {
        while (b) {
            void *next = *(void **)b;

            lws__pool_free(p, b);
            b = next;
        }
        b = p->take;
        p->take = NULL;
    }
    atomic_store_explicit(&p->given_n, 0, memory_order_relaxed);
    atomic_store_explicit(&p->taken_n, 0, memory_order_relaxed);
}
