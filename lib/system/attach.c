/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The attach queue: other threads queue callbacks to run on the loop thread
 * once the system state reaches a gate.  The built-in op is lock-free for
 * producers: they push onto an intrusive stack with one compare-and-swap
 * (the item's link written before it, so no producer ever waits for
 * another, nor the loop for a producer descheduled mid-push), and the loop
 * thread takes the whole stack with one exchange and reverses it into
 * arrival order.  An item taken runs at once when it is ready and no older
 * ready item waits; otherwise it joins the waiting list, in arrival order,
 * which a drain walks once the state has opened some waiting item's gate
 * (a count of waiting items per gate level tells, in O(levels), whether
 * any waiting item is ready).  An application that supplies its own lock (its
 * attach op wraps __lws_system_attach()) gets the same waiting list under that
 * lock.
 *
 * An item is three words: its gate travels in the low bits of the reference
 * that leads to it (items are 16-byte aligned on 64-bit targets; 32-bit
 * ones keep it in a fourth word), so a backlog costs what the bare
 * mutex + list queue's items cost.  Items are recycled through a pool
 * (lib/core/pool.c, blocks without the allocator's header) instead of going
 * through malloc on the producer and free on the loop thread, and a
 * producer wakes the loop only when it finds the stack empty (each take
 * empties it: one wakeup per batch).
 * With attach_max_queued set, producers reserve a place before they push
 * (a compare-and-swap that never goes past the cap) and get -EAGAIN at
 * once when there is none; the loop gives places back as items run.
 */
#define LWS_LOGMOD attach
#include "private-core.h"

#include <sched.h>
#include <stdalign.h>
#include <limits.h>
#include <stddef.h>

/* The attach pool.  While a backlog drains, every item run goes
 * back to the pool (producers take from it before they allocate): the
 * loop, the side a backlog waits for, frees nothing per item.  A producer
 * that finds the pool taken by another allocates instead, so the items in
 * circulation creep up under contention; a while after the queue was
 * found empty the loop trims the pool back to the most items one drain
 * ran since the last trim (attach_hw), at most ATTACH_POOL_MAX: it keeps
 * what the traffic needs, not what contention added. */
#define ATTACH_POOL_MAX 1024

/* A reference to an item: its address, with its gate in the low bits where
 * items are aligned enough. */
#if LWS__ATTACH_TAGGED
#define REF_MASK ((uintptr_t)15)
_Static_assert(LWS__ATTACH_LEVELS <= 16 && LWS__BARE_ALIGN >= 16,
               "the gate fits the low bits of an item's address (pool blocks "
               "are aligned to LWS__BARE_ALIGN)");
static uintptr_t ref_make(struct lws_attach_item *it, int state)
{
    return (uintptr_t)it | (uintptr_t)state;
}
#define ref_gate(r) ((int)((r)&REF_MASK))
#else
#define REF_MASK    ((uintptr_t)0)
static uintptr_t ref_make(struct lws_attach_item *it, int state)
{
    it->state = state;
    return (uintptr_t)it;
}
#define ref_gate(r) (((struct lws_attach_item *)(r))->state)
#endif
#define ref_item(r) ((struct lws_attach_item *)((r) & ~REF_MASK))

/* Items run (or discarded) and not yet given back: one chain for the pool
 * and one subtraction from the cap's count per drain, not one per item. */
struct attach_done {
    struct lws_attach_item *head, *tail;
    unsigned int n;
    unsigned int total; /* given back by this drain */
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
    d->total += d->n;
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
    it->done_next = d->head;
    d->head = it;
    if (!d->tail)
        d->tail = it;
    if (++d->n == ATTACH_DONE_CHUNK)
        attach_done_flush(cx, d);
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

/* Appends @r's item to the waiting list: under the application op's lock,
 * or on the loop thread with the built-in op. */
static void wait_append(struct lws_context *cx, uintptr_t r)
{
    int g = ref_gate(r);

    ref_item(r)->next = 0;
    if (cx->wait_tail)
        cx->wait_tail->next = r;
    else
        cx->wait_head = r;
    cx->wait_tail = ref_item(r);
    if (!cx->wait_count[g]++)
        cx->attach_nonempty |= 1u << g;
}

/* Unlinks the item *@link refers to (@prev: the item holding @link, or NULL
 * for the head); @return it. */
static struct lws_attach_item *wait_unlink(struct lws_context *cx,
                                           uintptr_t *link,
                                           struct lws_attach_item *prev)
{
    struct lws_attach_item *it = ref_item(*link);
    int g = ref_gate(*link);

    *link = it->next;
    if (cx->wait_tail == it)
        cx->wait_tail = prev;
    if (!--cx->wait_count[g])
        cx->attach_nonempty &= ~(1u << g);
    return it;
}

/* The oldest waiting item of a level in @ready, unlinked, or NULL.
 * @limited (an application op's drain): none past cx->attach_limit, the
 * newest item when the drain began, and the walk resumes where the last
 * one took an item (the unready items it passed stay unready while the
 * state does not move), so a drain walks past them once. */
static struct lws_attach_item *wait_take(struct lws_context *cx, uint32_t ready,
                                         bool limited)
{
    struct lws_attach_item *prev = NULL, *it;
    uintptr_t *link = &cx->wait_head;

    if (limited && cx->attach_limit_hit)
        return NULL;
    if (!(cx->attach_nonempty & ready))
        return NULL;
    if (limited && cx->wait_cur && cx->wait_cur_state == cx->mgr_system.state) {
        link = cx->wait_cur;
        prev = cx->wait_cur_prev;
    }
    for (; *link; prev = it, link = &it->next) {
        it = ref_item(*link);
        if (limited && it == cx->attach_limit)
            cx->attach_limit_hit = true;
        if (ready & (1u << ref_gate(*link))) {
            if (limited) {
                cx->wait_cur = link;
                cx->wait_cur_prev = prev;
                cx->wait_cur_state = cx->mgr_system.state;
            }
            return wait_unlink(cx, link, prev);
        }
        if (limited && cx->attach_limit_hit)
            break;
    }
    return NULL;
}

/* Producer side of the built-in queue: a lock-free stack.  The item's link
 * is written before the compare-and-swap that publishes it, so the loop
 * never finds an item whose link is still to come: a producer descheduled
 * at any point delays nobody (its CAS fails and it retries once it runs
 * again).  Pushes only, and takes of the whole stack, so there is no ABA
 * problem.  @return true if this producer wakes the loop: it found the
 * stack empty (each take empties it) and the loop not awake.  The push and
 * the read of attach_awake are seq_cst, as are the loop's clearing of the
 * flag and its last look at the stack (attach_sleep()): either the loop
 * sees this item, or this producer sees the flag cleared. */
static bool push_item(struct lws_context *cx, uintptr_t r)
{
    struct lws_attach_item *it = ref_item(r);
    uintptr_t top = atomic_load_explicit(&cx->push_top, memory_order_relaxed);

    do
        it->next = top;
    while (!atomic_compare_exchange_weak_explicit(
        &cx->push_top, &top, r, memory_order_seq_cst, memory_order_relaxed));
    return !top &&
           !atomic_load_explicit(&cx->attach_awake, memory_order_seq_cst);
}

/* Loop side: a chain taken from the stack (newest first) reversed into
 * arrival order. */
static uintptr_t reverse_refs(uintptr_t r)
{
    uintptr_t fifo = 0, next;

    for (; r; r = next) {
        next = ref_item(r)->next;
        ref_item(r)->next = fifo;
        fifo = r;
    }
    return fifo;
}

/* Loop side: everything pushed so far, oldest first (a reference, linked
 * through next), or 0.  The take empties the stack. */
static uintptr_t take_pushed(struct lws_context *cx)
{
    return reverse_refs(
        atomic_exchange_explicit(&cx->push_top, 0, memory_order_acquire));
}

void lws__attach_init(struct lws_context *cx,
                      const struct lws_context_creation_info *info)
{
    atomic_store_explicit(&cx->push_top, 0, memory_order_relaxed);
    atomic_store_explicit(&cx->attach_awake, false, memory_order_relaxed);
    atomic_store_explicit(&cx->attach_queued, 0, memory_order_relaxed);
    cx->attach_max = info->attach_max_queued;
    lws__pool_init(&cx->attach_pool, sizeof(struct lws_attach_item),
                   cx->attach_max ? cx->attach_max : UINT_MAX, true);
}

/* Built-in op, loop thread: what producers queued into the waiting list, in
 * arrival order. */
static void attach_pull(struct lws_context *cx)
{
    uintptr_t r = take_pushed(cx), next;

    for (; r; r = next) {
        next = ref_item(r)->next;
        wait_append(cx, r);
    }
}

/* Both ops.  @builtin: the lock-free queue (producers counted against
 * destroy, see below); otherwise the application's lock is held and items
 * join the waiting list at once. */
static int attach_op(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                     lws_system_states_t state, void *opaque,
                     struct lws_attach_item **get, bool builtin)
{
    struct lws_attach_item *it;
    int r;

    if (!cx || tsi) {
        lwsl_err("attach: bad context or tsi %d", tsi);
        return -EINVAL;
    }
    if (get) {
        /* Loop side.  Once destroy has begun, close the queue for good and
         * hand back every item, ready or not, to be discarded.  A drain
         * takes only items older than its first get, so a callback that
         * attaches again cannot keep the drain going forever. */
        if (builtin) /* loop thread: the waiting list is its own */
            attach_pull(cx);
        if (cx->destroying) {
            cx->attach_closed = true;
            *get = wait_take(cx, attach_ready_mask(cx, true), false);
            return 0;
        }
        if (cx->attach_limit_pending) {
            cx->attach_limit = cx->wait_tail;
            cx->attach_limit_hit = !cx->wait_tail;
            cx->attach_limit_pending = false;
            cx->wait_cur = NULL;
        }
        *get = wait_take(cx, attach_ready_mask(cx, false), true);
        return 0;
    }
    if (!cb || (int)state < 0 || state > LWS_SYSTATE_OPERATIONAL) {
        lwsl_err("attach: bad cb or state %d (gate must be <= OPERATIONAL)",
                 (int)state);
        return -EINVAL;
    }
    /* Built-in op: counted from here to the end, so destroy waits for this
     * call before it frees anything; it sets wake_closing first (seq_cst
     * both ways: either this call sees the flag, or destroy sees the
     * count).  Under an application's lock, destroy closes the queue
     * through that lock before it closes the wakeup handle. */
    if (builtin)
        atomic_fetch_add_explicit(&cx->wake_users, 1, memory_order_seq_cst);
    r = -ECANCELED;
    if ((!builtin && cx->attach_closed) ||
        atomic_load_explicit(&cx->wake_closing, memory_order_seq_cst))
        goto out;
    r = attach_reserve(cx);
    if (r) /* -EAGAIN: the producer retries, so no log line per refusal */
        goto out;
    it = lws__pool_get(&cx->attach_pool);
    r = -ENOMEM;
    if (!it) {
        if (cx->attach_max)
            atomic_fetch_sub_explicit(&cx->attach_queued, 1,
                                      memory_order_relaxed);
        goto out;
    }
    it->cb = cb;
    it->opaque = opaque;
    r = 0;
    if (!builtin)
        wait_append(cx, ref_make(it, (int)state));
    if (!builtin || push_item(cx, ref_make(it, (int)state)))
        uv_async_send(&cx->wake);
out:
    if (builtin)
        atomic_fetch_sub_explicit(&cx->wake_users, 1, memory_order_release);
    if (r == -ECANCELED)
        lwsl_err("attach: context is being destroyed; item refused");
    else if (r == -ENOMEM)
        lwsl_err("attach: out of memory");
    return r;
}

int __lws_system_attach(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get)
{
    return attach_op(cx, tsi, cb, state, opaque, get, false);
}

int lws__attach_builtin(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get)
{
    return attach_op(cx, tsi, cb, state, opaque, get, true);
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

/* Runs (or, once destroy began, discards) one item into @d.  Loop thread. */
static void attach_run_one(struct lws_context *cx, struct lws_attach_item *it,
                           struct attach_done *d)
{
    if (!cx->destroying)
        it->cb(cx, 0, it->opaque);
    else if (cx->ops.attach_discarded)
        cx->ops.attach_discarded(cx, it->cb, it->opaque);
    attach_done_add(cx, d, it);
}

/* With the context's memory: nothing runs or attaches any more. */
void lws__attach_free_all(struct lws_context *cx)
{
    uintptr_t r = take_pushed(cx), next;

    for (; r; r = next) {
        next = ref_item(r)->next;
        lws__pool_free(&cx->attach_pool, ref_item(r));
    }
    while (cx->wait_head)
        lws__pool_free(&cx->attach_pool, wait_unlink(cx, &cx->wait_head, NULL));
    lws__pool_fini(&cx->attach_pool);
    lws__free(cx->attach_batch);
    cx->attach_batch = NULL;
    cx->attach_batch_cap = 0;
}

/* One item of the batch, in arrival order: run at once when it is ready
 * and no older ready item waits; otherwise it waits in the list, in order. */
static void attach_run_ref(struct lws_context *cx, uintptr_t r,
                           struct attach_done *d)
{
    if (!cx->destroying &&
        ((cx->attach_nonempty & attach_ready_mask(cx, false)) ||
         !(attach_ready_mask(cx, false) & (1u << ref_gate(r)))))
        wait_append(cx, r);
    else /* runs it, or discards it once destroy has begun */
        attach_run_one(cx, ref_item(r), d);
}

/* Room for @n references in the loop's batch array, or false. */
static bool attach_batch_room(struct lws_context *cx, size_t n)
{
    size_t cap = cx->attach_batch_cap ? cx->attach_batch_cap * 2 : 256;
    uintptr_t *b;

    if (n < cx->attach_batch_cap)
        return true;
    if (cap > SIZE_MAX / sizeof(*b))
        return false;
    b = lws__realloc(cx->attach_batch, cap * sizeof(*b));
    if (!b)
        return false;
    cx->attach_batch = b;
    cx->attach_batch_cap = cap;
    return true;
}

/* The steady state: what producers queued, the batch the take found (an
 * item that attaches itself again waits for the next turn), in arrival
 * order.  The walk down the stack (newest first) only reads each item's
 * link and keeps the references, up to ATTACH_BATCH_STACK on the stack and
 * beyond that in an array kept until the queue is quiet; the run then
 * goes backwards through them, fetching items ahead of their turn.
 * Without memory for the array, the older rest is reversed in place and
 * runs first.  A destroy from a callback leaves the rest of the batch
 * here: discarded. */
#define ATTACH_BATCH_STACK 64
#define ATTACH_AHEAD       8
static void attach_run_direct(struct lws_context *cx, struct attach_done *d)
{
    uintptr_t small[ATTACH_BATCH_STACK], *refs = small, rest, next;
    size_t n = 0;

    rest = atomic_exchange_explicit(&cx->push_top, 0, memory_order_acquire);
    for (; rest && n < ATTACH_BATCH_STACK; rest = ref_item(rest)->next)
        small[n++] = rest;
    if (rest && attach_batch_room(cx, n)) {
        memcpy(cx->attach_batch, small, sizeof(small));
        for (; rest && attach_batch_room(cx, n); rest = ref_item(rest)->next)
            cx->attach_batch[n++] = rest;
        refs = cx->attach_batch;
    }
    if (rest) /* no memory for the whole batch: its older part first */
        for (rest = reverse_refs(rest); rest; rest = next) {
            next = ref_item(rest)->next;
            attach_run_ref(cx, rest, d);
        }
    while (n--) {
        if (n >= ATTACH_AHEAD)
            __builtin_prefetch(ref_item(refs[n - ATTACH_AHEAD]));
        attach_run_ref(cx, refs[n], d);
    }
}

/* Built-in op: the waiting items now ready, oldest first, then what
 * producers queued, then what that made ready.  Each pass takes the ready
 * items off the list before running them (a destroy from a callback then
 * finds them gone, and they are discarded here); items attached by the
 * callbacks wait for the next wakeup. */
static void attach_run_waiting(struct lws_context *cx, struct attach_done *d)
{
    struct lws_attach_item *prev = NULL, *it, *head = NULL, **tail = &head;
    uint32_t ready = attach_ready_mask(cx, false);
    uintptr_t *link = &cx->wait_head;

    if (!(cx->attach_nonempty & ready))
        return;
    while (*link) { /* one walk: the ready ones out, in order */
        it = ref_item(*link);
        if (ready & (1u << ref_gate(*link))) {
            *tail = wait_unlink(cx, link, prev);
            tail = &it->done_next;
        } else {
            prev = it;
            link = &it->next;
        }
    }
    *tail = NULL;
    while ((it = head)) {
        head = it->done_next;
        attach_run_one(cx, it, d);
    }
}

static void attach_drain_builtin(struct lws_context *cx, struct attach_done *d)
{
    attach_run_waiting(cx, d);
    attach_run_direct(cx, d);
    attach_run_waiting(cx, d);
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
        attach_run_one(cx, it, d);
    }
    cx->attach_limit_pending = false;
    cx->attach_limit = NULL;
    cx->wait_cur = NULL;
}

static void attach_idle_cb(uv_idle_t *h)
{
    struct lws_context *cx = h->data;

    if (!cx->destroying)
        lws__attach_drain(cx);
}

/* A while after the queue was last found empty: the pool back to its idle
 * size and the batch array freed (not at once: a burst often empties the
 * queue for a moment, and freeing then would only allocate again). */
#define ATTACH_TRIM_US (100 * LWS_US_PER_MS)
static void attach_trim_cb(lws_sorted_usec_list_t *sul)
{
    struct lws_context *cx =
        lws_container_of(sul, struct lws_context, attach_trim);

    lws__pool_trim(&cx->attach_pool, cx->attach_hw < ATTACH_POOL_MAX
                                         ? cx->attach_hw
                                         : ATTACH_POOL_MAX);
    cx->attach_hw = 0;
    lws__free(cx->attach_batch);
    cx->attach_batch = NULL;
    cx->attach_batch_cap = 0;
}

/* Built-in op, the end of a drain: while producers keep pushing, the loop
 * stays awake and drains again on its next turn (an idle handle: the loop
 * polls without blocking meanwhile, and producers make no wakeup call);
 * once a last look finds the stack empty after the flag is cleared, the
 * next push wakes it (see push_item()). */
static void attach_sleep(struct lws_context *cx)
{
    if (!atomic_load_explicit(&cx->push_top, memory_order_relaxed)) {
        atomic_store_explicit(&cx->attach_awake, false, memory_order_seq_cst);
        if (!atomic_load_explicit(&cx->push_top, memory_order_seq_cst)) {
            uv_idle_stop(&cx->attach_idle);
            if ((cx->attach_batch ||
                 lws__pool_held(&cx->attach_pool) > cx->attach_hw) &&
                !cx->attach_trim.list.owner)
                lws_sul_schedule(cx, 0, &cx->attach_trim, attach_trim_cb,
                                 ATTACH_TRIM_US);
            return;
        }
        atomic_store_explicit(&cx->attach_awake, true, memory_order_relaxed);
    }
    uv_idle_start(&cx->attach_idle, attach_idle_cb);
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
    if (cx->ops_attach_builtin) /* pushes from now on need no wakeup */
        atomic_store_explicit(&cx->attach_awake, true, memory_order_relaxed);
    do {
        cx->attach_redrain = false;
        if (cx->ops_attach_builtin)
            attach_drain_builtin(cx, &d);
        else
            attach_drain_app(cx, &d);
        attach_done_flush(cx, &d);
    } while (cx->attach_redrain && !cx->destroying);
    if (d.total > cx->attach_hw)
        cx->attach_hw = (uint16_t)(d.total < UINT16_MAX ? d.total : UINT16_MAX);
    cx->attach_draining = false;
    if (cx->ops_attach_builtin && !cx->destroying)
        attach_sleep(cx);
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
        attach_run_one(cx, it, &d); /* discards it: destroy has begun */
        n++;
    }
    attach_done_flush(cx, &d);
    if (n)
        lwsl_info("discarded %u attach items at destroy", n);
}
