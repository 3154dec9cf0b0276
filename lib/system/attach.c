/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The attach queue: other threads queue callbacks to run on the loop thread
 * once the system state reaches a gate.  Items are kept in one FIFO per gate
 * level with a global sequence number: taking the oldest ready item is
 * O(levels) however many unready items wait, and the built-in op's drain
 * splices every ready FIFO out under one short lock hold.  The application
 * may supply the lock (its attach op wraps __lws_system_attach()); otherwise
 * a built-in mutex-guarded op is used.
 */
#define LWS_LOGMOD "attach"
#include "private-system.h"

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

/* Among fifos [0, n), the one whose head is oldest, or NULL. */
static struct lws__attach_fifo *fifo_oldest(struct lws__attach_fifo *f, int n)
{
    struct lws__attach_fifo *best = NULL;

    for (int lvl = 0; lvl < n; lvl++)
        if (f[lvl].head && (!best || f[lvl].head->seq < best->head->seq))
            best = &f[lvl];
    return best;
}

static int attach_ready_levels(struct lws_context *cx, bool all)
{
    int s = cx->mgr_system.state;

    if (all)
        return LWS__ATTACH_LEVELS;
    /* Destroy's states compare higher than OPERATIONAL: nothing is ready. */
    return s > LWS_SYSTATE_OPERATIONAL ? 0 : s + 1;
}

static struct lws_attach_item *attach_take_locked(struct lws_context *cx,
                                                  bool all)
{
    struct lws__attach_fifo *f =
        fifo_oldest(cx->attach_level, attach_ready_levels(cx, all));

    return f ? fifo_pop(f) : NULL;
}

/* Links a new item and wakes the loop.  Under the attach lock, which also
 * guards attach_closed: destroy closes the queue under that lock before it
 * closes the wakeup handle, so the send cannot race the close. */
static void attach_add_locked(struct lws_context *cx,
                              struct lws_attach_item *it, lws_attach_cb_t cb,
                              lws_system_states_t state, void *opaque)
{
    it->cb = cb;
    it->opaque = opaque;
    it->state = (int)state;
    it->seq = cx->attach_seq++;
    fifo_push(&cx->attach_level[state], it);
    uv_async_send(&cx->wake);
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
         * hand back every item, ready or not, to be discarded. */
        if (cx->destroying)
            cx->attach_closed = true;
        *get = attach_take_locked(cx, cx->destroying);
        return 0;
    }
    if (attach_check_args(cb, state))
        return -EINVAL;
    if (cx->attach_closed) {
        lwsl_err("attach: context is being destroyed; item refused");
        return -ECANCELED;
    }
    it = lws__malloc(sizeof(*it));
    if (!it) {
        lwsl_err("attach: out of memory");
        return -ENOMEM;
    }
    attach_add_locked(cx, it, cb, state, opaque);
    return 0;
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
    if (get) {
        uv_mutex_lock(&cx->attach_lock);
        r = __lws_system_attach(cx, tsi, cb, state, opaque, get);
        uv_mutex_unlock(&cx->attach_lock);
        return r;
    }
    if (attach_check_args(cb, state))
        return -EINVAL;
    /* Reuse a run item when the pool has one: no allocation and still one
     * lock hold.  The relaxed count is only a hint; an empty pool found
     * under the lock falls back to allocating. */
    it = NULL;
    if (atomic_load_explicit(&cx->attach_pool_n, memory_order_relaxed) <= 0)
        it = lws__malloc(sizeof(*it));
    uv_mutex_lock(&cx->attach_lock);
    if (!it && cx->attach_pool) {
        it = cx->attach_pool;
        cx->attach_pool = it->next;
        atomic_fetch_sub_explicit(&cx->attach_pool_n, 1, memory_order_relaxed);
    }
    if (!it) {
        uv_mutex_unlock(&cx->attach_lock);
        it = lws__malloc(sizeof(*it));
        if (!it) {
            lwsl_err("attach: out of memory");
            return -ENOMEM;
        }
        uv_mutex_lock(&cx->attach_lock);
    }
    if (cx->attach_closed) {
        uv_mutex_unlock(&cx->attach_lock);
        lws__free(it);
        lwsl_err("attach: context is being destroyed; item refused");
        return -ECANCELED;
    }
    attach_add_locked(cx, it, cb, state, opaque);
    uv_mutex_unlock(&cx->attach_lock);
    return 0;
}

/* Runs (or, once destroy began, discards) a chain of items, then frees
 * them, or with @spent non-NULL hands them back there for reuse. */
static void attach_run_list(struct lws_context *cx, struct lws_attach_item *it,
                            struct lws__attach_fifo *spent)
{
    while (it) {
        struct lws_attach_item *next = it->next;

        if (!cx->destroying)
            it->cb(cx, 0, it->opaque);
        else if (cx->ops.attach_discarded)
            cx->ops.attach_discarded(cx, it->cb, it->opaque);
        if (spent)
            fifo_push(spent, it);
        else
            lws__free(it);
        it = next;
    }
}

/* Keeps run items for the pool (joined at the next drain's lock hold), up to
 * its cap; frees the rest.  Loop thread only. */
static void attach_recycle(struct lws_context *cx, struct lws__attach_fifo *sp)
{
    struct lws_attach_item *it;

    while ((it = fifo_pop(sp))) {
        if (cx->attach_spent_n < LWS__ATTACH_POOL_MAX && !cx->destroying) {
            fifo_push(&cx->attach_spent, it);
            cx->attach_spent_n++;
        } else {
            lws__free(it);
        }
    }
}

/* Under the attach lock: move kept items into the pool, up to its cap. */
static void attach_pool_fill_locked(struct lws_context *cx)
{
    struct lws_attach_item *it;

    while (atomic_load_explicit(&cx->attach_pool_n, memory_order_relaxed) <
               LWS__ATTACH_POOL_MAX &&
           (it = fifo_pop(&cx->attach_spent))) {
        cx->attach_spent_n--;
        it->next = cx->attach_pool;
        cx->attach_pool = it;
        atomic_fetch_add_explicit(&cx->attach_pool_n, 1, memory_order_relaxed);
    }
}

void lws__attach_pool_free(struct lws_context *cx)
{
    struct lws_attach_item *it;

    while ((it = cx->attach_pool)) {
        cx->attach_pool = it->next;
        lws__free(it);
    }
    atomic_store_explicit(&cx->attach_pool_n, 0, memory_order_relaxed);
    while ((it = fifo_pop(&cx->attach_spent)))
        lws__free(it);
    cx->attach_spent_n = 0;
}

/* Built-in op: splice every ready FIFO out under one short lock hold, then
 * run the items oldest first outside it.  Items attached by the callbacks
 * wait for the next wakeup. */
static void attach_drain_builtin(struct lws_context *cx)
{
    struct lws__attach_fifo batch[LWS__ATTACH_LEVELS], spent;
    struct lws__attach_fifo *f;
    int n;

    memset(batch, 0, sizeof(batch));
    uv_mutex_lock(&cx->attach_lock);
    attach_pool_fill_locked(cx);
    n = attach_ready_levels(cx, false);
    for (int lvl = 0; lvl < n; lvl++) {
        batch[lvl] = cx->attach_level[lvl];
        cx->attach_level[lvl].head = cx->attach_level[lvl].tail = NULL;
    }
    uv_mutex_unlock(&cx->attach_lock);

    /* Merge by sequence while several levels hold items; the last one left
     * (the steady state: only one) is walked without comparisons. */
    memset(&spent, 0, sizeof(spent));
    while ((f = fifo_oldest(batch, n))) {
        struct lws_attach_item *it;
        int nonempty = 0;

        for (int lvl = 0; lvl < n; lvl++)
            nonempty += !!batch[lvl].head;
        if (nonempty == 1) {
            attach_run_list(cx, f->head, &spent);
            break;
        }
        it = fifo_pop(f);
        attach_run_list(cx, it, &spent);
    }
    attach_recycle(cx, &spent);
}

void lws__attach_drain(struct lws_context *cx)
{
    struct lws_attach_item *it;

    if (cx->ops_attach_builtin) {
        attach_drain_builtin(cx);
        return;
    }
    while (!cx->destroying) {
        it = NULL;
        if (cx->ops.attach(cx, 0, NULL, LWS_SYSTATE_UNKNOWN, NULL, &it)) {
            lwsl_err("attach: application op failed in get mode");
            return;
        }
        if (!it)
            return;
        it->cb(cx, 0, it->opaque);
        lws__free(it);
    }
}

void lws__attach_discard_all(struct lws_context *cx)
{
    struct lws_attach_item *it;
    unsigned int n = 0;

    for (;;) {
        it = NULL;
        /* Through the op, so the application's lock guards closing. */
        if (cx->ops.attach(cx, 0, NULL, LWS_SYSTATE_UNKNOWN, NULL, &it) || !it)
            break;
        if (cx->ops.attach_discarded)
            cx->ops.attach_discarded(cx, it->cb, it->opaque);
        lws__free(it);
        n++;
    }
    if (n)
        lwsl_info("discarded %u attach items at destroy", n);
}
