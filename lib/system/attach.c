/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The attach queue: other threads queue callbacks to run on the loop thread
 * once the system state reaches a gate.  The built-in op is lock-free for
 * producers: an intrusive multi-producer, single-consumer FIFO (one atomic
 * exchange of the tail and one store linking the item from its predecessor),
 * which the loop thread alone pops in arrival order, one pass, no reversal.
 * While nothing waits for its gate, items popped run at once; once one has
 * to wait, items are sorted, with a sequence number, into one FIFO per gate
 * level.  A bitmask of non-empty levels makes taking the oldest ready item
 * O(levels) however many unready items wait.  An application that supplies
 * its own lock (its attach op wraps __lws_system_attach()) gets the same
 * gate FIFOs under that lock instead.
 *
 * Items are recycled through a pool (lib/core/pool.c) instead of going
 * through malloc on the producer and free on the loop thread, and a
 * producer wakes the loop only when it finds the queue empty (the loop
 * empties it, or wakes itself when a drain stops with items left).
 * With attach_max_queued set, producers reserve a place before they push
 * (a compare-and-swap that never goes past the cap) and get -EAGAIN at
 * once when there is none; the loop gives places back as items run.
 */
#define LWS_LOGMOD "attach"
#include "private-core.h"

#include <sched.h>

/* Items kept for reuse without a cap (with one, the cap). */
#define ATTACH_POOL_MAX 1024

/* Items run (or discarded) and not yet given back: one chain for the pool
 * and one subtraction from the cap's count per drain, not one per item. */
struct attach_done {
    struct lws_attach_item *head, *tail;
    unsigned int n;
};

/* A place under the cap, or -EAGAIN at once.  Never goes past the cap, so
 * a refused producer never makes another one fail. */
static int attach_reserve(struct lws_context *cx)
{
    unsigned int q;

    if (!cx->attach_max)
        return 0;
    q = atomic_load_explicit(&cx->attach_queued, memory_order_relaxed);
    do
        if (q >= cx->attach_max)
            return -EAGAIN;
    while (!atomic_compare_exchange_weak_explicit(&cx->attach_queued, &q, q + 1,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed));
    return 0;
}

static void attach_done_flush(struct lws_context *cx, struct attach_done *d)
{
    lws__pool_put_chain(&cx->attach_pool, d->head, d->tail, d->n);
    if (cx->attach_max && d->n)
        atomic_fetch_sub_explicit(&cx->attach_queued, d->n,
                                  memory_order_relaxed);
    d->head = d->tail = NULL;
    d->n = 0;
}

/* Given back every ATTACH_DONE_CHUNK items, while they are still in the
 * cache (a backlog can be far larger than the pool). */
#define ATTACH_DONE_CHUNK 32
static void attach_done_add(struct lws_context *cx, struct attach_done *d,
                            struct lws_attach_item *it)
{
    it->next = d->head;
    d->head = it;
    if (!d->tail)
        d->tail = it;
    if (++d->n == ATTACH_DONE_CHUNK)
        attach_done_flush(cx, d);
}

static void fifo_push(struct lws__attach_fifo *f, struct lws_attach_item *it)
{
    it->next = NULL;
    if (f->tail)
        f->tail->next = it;
    else
        f->head = it;
    f->tail = it;
}

static struct lws_attach_item *fifo_pop(struct lws__attach_fifo *f)
{
    struct lws_attach_item *it = f->head;

    if (it) {
        f->head = it->next;
        if (!f->head)
            f->tail = NULL;
        it->next = NULL;
    }
    return it;
}

/* Among the levels in @mask, the fifo whose head is oldest, or NULL. */
static struct lws__attach_fifo *fifo_oldest(struct lws__attach_fifo *f,
                                            uint32_t mask)
{
    struct lws__attach_fifo *best = NULL;

    for (int lvl = 0; mask; lvl++, mask >>= 1)
        if ((mask & 1) && f[lvl].head &&
            (!best || f[lvl].head->seq < best->head->seq))
            best = &f[lvl];
    return best;
}

/* Levels whose items may run now.  Destroy's states compare higher than
 * OPERATIONAL: nothing is ready then. */
static uint32_t attach_ready_mask(struct lws_context *cx, bool all)
{
    int s = cx->mgr_system.state;

    if (all)
        return (1u << LWS__ATTACH_LEVELS) - 1;
    if (s < 0 || s > LWS_SYSTATE_OPERATIONAL)
        return 0;
    return (2u << s) - 1;
}

/* The oldest ready item (any item once destroy began), if older than
 * @limit. */
static struct lws_attach_item *attach_take_locked(struct lws_context *cx,
                                                  bool all, uint64_t limit)
{
    uint32_t mask = cx->attach_nonempty & attach_ready_mask(cx, all);
    struct lws__attach_fifo *f = fifo_oldest(cx->attach_level, mask);
    struct lws_attach_item *it;

    if (!f || f->head->seq >= limit)
        return NULL;
    it = fifo_pop(f);
    if (!f->head)
        cx->attach_nonempty &= ~(1u << (f - cx->attach_level));
    return it;
}

/* Links a new item into its gate FIFO: under the application op's lock, or
 * on the loop thread with the built-in op. */
static void attach_link_locked(struct lws_context *cx,
                               struct lws_attach_item *it, lws_attach_cb_t cb,
                               lws_system_states_t state, void *opaque)
{
    it->cb = cb;
    it->opaque = opaque;
    it->state = (int)state;
    it->seq = cx->attach_seq++;
    fifo_push(&cx->attach_level[state], it);
    cx->attach_nonempty |= 1u << state;
}

static int attach_check_args(lws_attach_cb_t cb, lws_system_states_t state)
{
    if (!cb || (int)state < 0 || state > LWS_SYSTATE_OPERATIONAL) {
        lwsl_err("attach: bad cb or state %d (gate must be <= OPERATIONAL)",
                 (int)state);
        return -EINVAL;
    }
    return 0;
}

int __lws_system_attach(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get)
{
    struct lws_attach_item *it;

    if (!cx || tsi) {
        lwsl_err("__lws_system_attach: bad context or tsi %d", tsi);
        return -EINVAL;
    }
    if (get) {
        /* Loop side.  Once destroy has begun, close the queue for good and
         * hand back every item, ready or not, to be discarded.  A drain
         * takes only items older than its first get, so a callback that
         * attaches again cannot keep the drain going forever. */
        if (cx->destroying) {
            cx->attach_closed = true;
            *get = attach_take_locked(cx, true, UINT64_MAX);
            return 0;
        }
        if (cx->attach_limit_pending) {
            cx->attach_get_limit = cx->attach_seq;
            cx->attach_limit_pending = false;
        }
        *get = attach_take_locked(cx, false, cx->attach_get_limit);
        return 0;
    }
    if (attach_check_args(cb, state))
        return -EINVAL;
    if (cx->attach_closed ||
        atomic_load_explicit(&cx->wake_closing, memory_order_seq_cst)) {
        lwsl_err("attach: context is being destroyed; item refused");
        return -ECANCELED;
    }
    if (attach_reserve(cx))
        return -EAGAIN; /* the producer retries: no log line per refusal */
    it = lws__pool_get(&cx->attach_pool);
    if (!it) {
        if (cx->attach_max)
            atomic_fetch_sub_explicit(&cx->attach_queued, 1,
                                      memory_order_relaxed);
        lwsl_err("attach: out of memory");
        return -ENOMEM;
    }
    attach_link_locked(cx, it, cb, state, opaque);
    /* Under the application's lock: destroy closes the queue through that
     * lock before it closes the wakeup handle. */
    uv_async_send(&cx->wake);
    return 0;
}

/* Producer side of the built-in queue.  The tail exchange (acq_rel) orders
 * the item's fields and its NULL link before the next producer's link into
 * it; the link (or push_first) publishes the item to the loop thread.
 * @return true if the loop needs a wakeup: the queue was empty, or the loop
 * stalled on this item's link (the link and the flag are seq_cst, as are
 * the loop's flag and link reads: one side sees the other). */
static bool push_item(struct lws_context *cx, struct lws_attach_item *it)
{
    struct lws_attach_item *prev;

    atomic_store_explicit(&it->push_next, NULL, memory_order_relaxed);
    prev = atomic_exchange_explicit(&cx->push_tail, it, memory_order_acq_rel);
    if (!prev) {
        atomic_store_explicit(&cx->push_first, it, memory_order_release);
        return true;
    }
    atomic_store_explicit(&prev->push_next, it, memory_order_seq_cst);
    return atomic_load_explicit(&cx->attach_stalled, memory_order_seq_cst) &&
           atomic_exchange_explicit(&cx->attach_stalled, false,
                                    memory_order_relaxed);
}

/* Loop side: the link out of @it, which is not the tail any more.  Its
 * producer is between its exchange and its link for a few instructions,
 * unless it was descheduled there: then the loop stops and that producer
 * wakes it once it links. */
static struct lws_attach_item *wait_link(struct lws_context *cx,
                                         struct lws_attach_item *it)
{
    struct lws_attach_item *next;

    for (int i = 0; i < 256; i++) {
        next = atomic_load_explicit(&it->push_next, memory_order_acquire);
        if (next)
            return next;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    atomic_store_explicit(&cx->attach_stalled, true, memory_order_seq_cst);
    return atomic_load_explicit(&it->push_next, memory_order_seq_cst);
}

/* Loop side: the oldest pushed item, unlinked, or NULL (none, or stalled
 * as above). */
static struct lws_attach_item *pop_pushed(struct lws_context *cx)
{
    struct lws_attach_item *it = cx->pop_head, *next, *expect;

    if (!it) {
        it = atomic_exchange_explicit(&cx->push_first, NULL,
                                      memory_order_acquire);
        if (!it)
            return NULL;
    }
    next = atomic_load_explicit(&it->push_next, memory_order_acquire);
    if (!next) {
        expect = it;
        if (atomic_compare_exchange_strong_explicit(&cx->push_tail, &expect,
                                                    NULL, memory_order_acq_rel,
                                                    memory_order_acquire)) {
            cx->pop_head = NULL; /* empty: the next push wakes the loop */
            return it;
        }
        next = wait_link(cx, it);
        if (!next) {
            cx->pop_head = it;
            return NULL;
        }
    }
    cx->pop_head = next;
    return it;
}

/* The last item pushed so far (a drain stops after it), or NULL. */
static struct lws_attach_item *pushed_last(struct lws_context *cx)
{
    return atomic_load_explicit(&cx->push_tail, memory_order_acquire);
}

void lws__attach_init(struct lws_context *cx,
                      const struct lws_context_creation_info *info)
{
    atomic_store_explicit(&cx->push_tail, NULL, memory_order_relaxed);
    atomic_store_explicit(&cx->push_first, NULL, memory_order_relaxed);
    atomic_store_explicit(&cx->attach_stalled, false, memory_order_relaxed);
    cx->pop_head = NULL;
    atomic_store_explicit(&cx->attach_queued, 0, memory_order_relaxed);
    cx->attach_max = info->attach_max_queued;
    lws__pool_init(&cx->attach_pool, sizeof(struct lws_attach_item),
                   cx->attach_max ? cx->attach_max : ATTACH_POOL_MAX, true);
}

/* Loop side, after popping @it: true if it was the drain's @last item.
 * Items pushed behind it woke nobody: the loop wakes itself for them. */
static bool pop_end(struct lws_context *cx, struct lws_attach_item *it,
                    struct lws_attach_item *last)
{
    if (it != last)
        return false;
    if (cx->pop_head && !cx->destroying)
        uv_async_send(&cx->wake);
    return true;
}

/* Built-in op, loop thread: sort what producers queued into the gate FIFOs,
 * in arrival order, up to the last item pushed when it starts. */
static void attach_pull(struct lws_context *cx)
{
    struct lws_attach_item *last = pushed_last(cx), *it;

    while (last && (it = pop_pushed(cx))) {
        attach_link_locked(cx, it, it->cb, (lws_system_states_t)it->state,
                           it->opaque);
        if (pop_end(cx, it, last))
            break;
    }
}

int lws__attach_builtin(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get)
{
    struct lws_attach_item *it;
    int r;

    if (!cx || tsi) {
        lwsl_err("attach: bad context or tsi %d", tsi);
        return -EINVAL;
    }
    if (get) { /* loop thread: the gate FIFOs are its own */
        attach_pull(cx);
        return __lws_system_attach(cx, tsi, cb, state, opaque, get);
    }
    if (attach_check_args(cb, state))
        return -EINVAL;
    /* Counted from here to the end, so destroy waits for this call before
     * it frees anything; it sets wake_closing first (seq_cst both ways:
     * either this call sees the flag, or destroy sees the count). */
    atomic_fetch_add_explicit(&cx->wake_users, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&cx->wake_closing, memory_order_seq_cst)) {
        r = -ECANCELED;
        goto out;
    }
    r = attach_reserve(cx);
    if (r) /* -EAGAIN: the producer retries, so no log line per refusal */
        goto out;
    it = lws__pool_get(&cx->attach_pool);
    if (!it) {
        if (cx->attach_max)
            atomic_fetch_sub_explicit(&cx->attach_queued, 1,
                                      memory_order_relaxed);
        r = -ENOMEM;
        goto out;
    }
    it->cb = cb;
    it->opaque = opaque;
    it->state = (int)state;
    if (push_item(cx, it))
        uv_async_send(&cx->wake);
out:
    atomic_fetch_sub_explicit(&cx->wake_users, 1, memory_order_release);
    if (r == -ECANCELED)
        lwsl_err("attach: context is being destroyed; item refused");
    else if (r == -ENOMEM)
        lwsl_err("attach: out of memory");
    return r;
}

/*
 * The destroy guard (a store-buffering / Dekker pattern):
 *
 *   producer (attach, lws_cancel_service)   destroy (context_teardown)
 *   P1 wake_users += 1          seq_cst     D1 wake_closing = true  seq_cst
 *   P2 read wake_closing        seq_cst     D2 read wake_users      seq_cst
 *      (if set: -= 1, refuse)                  (until 0, then close the
 *   P3 push, uv_async_send                      wakeup handle, free)
 *   P4 wake_users -= 1          release
 *
 * Safety needs "P2 reads false" and "D2 reads 0 before P1" never to happen
 * together.  All four of P1, P2, D1, D2 being seq_cst puts them in one total
 * order S: if D2 precedes P1 in S then D1 precedes P2 and P2 reads true.  D2
 * must be seq_cst for that: an acquire load is outside S, and may be
 * satisfied before D1's store is visible to other cores (ARMv8.3 LDAPR may
 * pass an earlier STLR).  On x86-64 the seq_cst store D1 is an XCHG, a full
 * barrier, which is why the acquire load never failed there.  P4 releases and
 * D2, an acquire as well, reads it: everything the producer did to the
 * handle and the stack happens before destroy closes and frees them.
 */
void lws__wake_quiesce(struct lws_context *cx)
{
    while (atomic_load_explicit(&cx->wake_users, memory_order_seq_cst))
        sched_yield();
}

/* Runs (or, once destroy began, discards) a chain of items into @d.
 * Loop thread. */
static void attach_run_list(struct lws_context *cx, struct lws_attach_item *it,
                            struct attach_done *d)
{
    while (it) {
        struct lws_attach_item *next = it->next;

        if (!cx->destroying)
            it->cb(cx, 0, it->opaque);
        else if (cx->ops.attach_discarded)
            cx->ops.attach_discarded(cx, it->cb, it->opaque);
        attach_done_add(cx, d, it);
        it = next;
    }
}

/* With the context's memory: nothing runs or attaches any more. */
void lws__attach_free_all(struct lws_context *cx)
{
    struct lws_attach_item *it;

    while ((it = pop_pushed(cx)))
        lws__pool_free(&cx->attach_pool, it);
    for (int lvl = 0; lvl < LWS__ATTACH_LEVELS; lvl++)
        while ((it = fifo_pop(&cx->attach_level[lvl])))
            lws__pool_free(&cx->attach_pool, it);
    cx->attach_nonempty = 0;
    lws__pool_fini(&cx->attach_pool);
}

/* One item popped, in arrival order: run now, or into the
 * gate FIFOs once one item has had to wait (FIFO among ready items). */
static void attach_direct_one(struct lws_context *cx,
                              struct lws_attach_item *it, struct attach_done *d)
{
    if (!cx->destroying &&
        (cx->attach_nonempty ||
         !(attach_ready_mask(cx, false) & (1u << it->state)))) {
        attach_link_locked(cx, it, it->cb, (lws_system_states_t)it->state,
                           it->opaque);
    } else { /* runs it, or discards it once destroy has begun */
        it->next = NULL;
        attach_run_list(cx, it, d);
    }
}

/* The steady state, no gated item waiting: run what producers queued in
 * arrival order without sorting it into FIFOs, while each item is ready,
 * up to the last item pushed when the drain starts: one that attaches
 * itself again waits for the next wakeup (the loop wakes itself when it
 * stops with items left).  The first item not yet ready, and everything
 * after it, goes to the FIFOs and the sorted path takes over, keeping FIFO
 * order among ready items. */
static void attach_run_direct(struct lws_context *cx, struct attach_done *d)
{
    struct lws_attach_item *last, *it;

    if (cx->attach_nonempty)
        return;
    last = pushed_last(cx);
    while (last && (it = pop_pushed(cx))) {
        attach_direct_one(cx, it, d);
        if (pop_end(cx, it, last))
            break;
    }
}

/* Built-in op: pull what producers queued, take every ready FIFO, run the
 * items oldest first.  Items attached by the callbacks wait for the next
 * wakeup. */
static void attach_drain_builtin(struct lws_context *cx, struct attach_done *d)
{
    struct lws__attach_fifo batch[LWS__ATTACH_LEVELS];
    struct lws__attach_fifo *f;
    uint32_t ready;

    attach_run_direct(cx, d);
    /* Nothing waits at a gate: what producers pushed meanwhile waits for
     * the wakeup its push sent (the direct path then runs it without the
     * sorting below). */
    if (!cx->attach_nonempty)
        return;
    attach_pull(cx);
    ready = cx->attach_nonempty & attach_ready_mask(cx, false);
    for (uint32_t m = ready, lvl = 0; m; m >>= 1, lvl++) {
        if (!(m & 1))
            continue;
        batch[lvl] = cx->attach_level[lvl];
        cx->attach_level[lvl].head = cx->attach_level[lvl].tail = NULL;
    }
    cx->attach_nonempty &= ~ready;

    /* Merge by sequence while several levels hold items; the last one left
     * (the steady state: only one) is walked without comparisons. */
    while (ready) {
        if (!(ready & (ready - 1))) { /* one level left */
            attach_run_list(cx, batch[__builtin_ctz(ready)].head, d);
            return;
        }
        f = fifo_oldest(batch, ready);
        attach_run_list(cx, fifo_pop(f), d);
        if (!f->head)
            ready &= ~(1u << (f - batch));
    }
}

/* Application op: items one at a time through its get mode, only those
 * older than the drain (the first get snapshots the limit). */
static void attach_drain_app(struct lws_context *cx, struct attach_done *d)
{
    struct lws_attach_item *it;

    cx->attach_limit_pending = true;
    while (!cx->destroying) {
        it = NULL;
        if (cx->ops.attach(cx, 0, NULL, LWS_SYSTATE_UNKNOWN, NULL, &it)) {
            lwsl_err("attach: application op failed in get mode");
            break;
        }
        if (!it)
            break;
        it->cb(cx, 0, it->opaque);
        attach_done_add(cx, d, it);
    }
    cx->attach_limit_pending = false;
}

/* A state change inside an attach callback asks for another drain; it runs
 * after the current batch, so older ready items keep their turn. */
void lws__attach_drain(struct lws_context *cx)
{
    struct attach_done d = {0};

    if (cx->attach_draining) {
        cx->attach_redrain = true;
        return;
    }
    cx->attach_draining = true;
    do {
        cx->attach_redrain = false;
        if (cx->ops_attach_builtin)
            attach_drain_builtin(cx, &d);
        else
            attach_drain_app(cx, &d);
        attach_done_flush(cx, &d);
    } while (cx->attach_redrain && !cx->destroying);
    cx->attach_draining = false;
}

void lws__attach_discard_all(struct lws_context *cx)
{
    struct attach_done d = {0};
    struct lws_attach_item *it;
    unsigned int n = 0;

    for (;;) {
        it = NULL;
        /* Through the op, so the application's lock guards closing. */
        if (cx->ops.attach(cx, 0, NULL, LWS_SYSTATE_UNKNOWN, NULL, &it) || !it)
            break;
        if (cx->ops.attach_discarded)
            cx->ops.attach_discarded(cx, it->cb, it->opaque);
        attach_done_add(cx, &d, it);
        n++;
    }
    attach_done_flush(cx, &d);
    if (n)
        lwsl_info("discarded %u attach items at destroy", n);
}
