/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The attach queue: other threads queue callbacks to run on the loop thread
 * once the system state reaches a gate.  Items are kept in one FIFO per gate
 * level with a global sequence number, so taking the oldest ready item is
 * O(levels) however many unready items wait.  The application may supply the
 * lock (its attach op wraps __lws_system_attach()); otherwise a built-in
 * mutex-guarded op is used.
 */
#define LWS_LOGMOD "attach"
#include "private-system.h"

static struct lws_attach_item *attach_take_locked(struct lws_context *cx,
                                                  int ceiling)
{
    struct lws_attach_item *best = NULL;

    for (int lvl = 0; lvl <= ceiling && lvl < LWS__ATTACH_LEVELS; lvl++) {
        lws_dll2_t *h = cx->attach_level[lvl].head;
        struct lws_attach_item *it;

        if (!h)
            continue;
        it = lws_container_of(h, struct lws_attach_item, list);
        if (!best || it->seq < best->seq)
            best = it;
    }
    if (best)
        lws_dll2_remove(&best->list);
    return best;
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
        if (cx->destroying) {
            cx->attach_closed = true;
            *get = attach_take_locked(cx, LWS__ATTACH_LEVELS - 1);
        } else {
            int s = cx->mgr_system.state;
            *get = s > LWS_SYSTATE_OPERATIONAL ? NULL
                                               : attach_take_locked(cx, s);
        }
        return 0;
    }
    if (!cb || (int)state < 0 || state > LWS_SYSTATE_OPERATIONAL) {
        lwsl_err("attach: bad cb or state %d (gate must be <= OPERATIONAL)",
                 (int)state);
        return -EINVAL;
    }
    if (cx->attach_closed) {
        lwsl_err("attach: context is being destroyed; item refused");
        return -ECANCELED;
    }
    it = lws__malloc(sizeof(*it));
    if (!it) {
        lwsl_err("attach: out of memory");
        return -ENOMEM;
    }
    memset(&it->list, 0, sizeof(it->list));
    it->cb = cb;
    it->opaque = opaque;
    it->state = (int)state;
    it->seq = cx->attach_seq++;
    lws_dll2_add_tail(&it->list, &cx->attach_level[state]);
    lws_cancel_service(cx);
    return 0;
}

int lws__attach_builtin(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get);

int lws__attach_builtin(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get)
{
    int r;

    if (!cx) {
        lwsl_err("attach: NULL context");
        return -EINVAL;
    }
    uv_mutex_lock(&cx->attach_lock);
    r = __lws_system_attach(cx, tsi, cb, state, opaque, get);
    uv_mutex_unlock(&cx->attach_lock);
    return r;
}

/* Built-in op: take every ready item under one lock hold, run them outside
 * it.  Items attached by the callbacks wait for the next wakeup. */
static void attach_drain_builtin(struct lws_context *cx)
{
    lws_dll2_owner_t batch = {0};
    struct lws_attach_item *it;
    int s = cx->mgr_system.state;

    if (s > LWS_SYSTATE_OPERATIONAL)
        return;
    uv_mutex_lock(&cx->attach_lock);
    while ((it = attach_take_locked(cx, s)))
        lws_dll2_add_tail(&it->list, &batch);
    uv_mutex_unlock(&cx->attach_lock);

    while (batch.head) {
        it = lws_container_of(batch.head, struct lws_attach_item, list);
        lws_dll2_remove(&it->list);
        if (!cx->destroying)
            it->cb(cx, 0, it->opaque);
        else if (cx->ops.attach_discarded)
            cx->ops.attach_discarded(cx, it->cb, it->opaque);
        lws__free(it);
    }
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
        if (cx->ops.attach(cx, 0, NULL, LWS_SYSTATE_UNKNOWN, NULL, &it) ||
            !it)
            break;
        if (cx->ops.attach_discarded)
            cx->ops.attach_discarded(cx, it->cb, it->opaque);
        lws__free(it);
        n++;
    }
    if (n)
        lwsl_info("discarded %u attach items at destroy", n);
}
