/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Sorted timers: one uv_timer_t per context is armed for the earliest entry
 * of a due-time-sorted list.  Scheduling with 0 defers to the next loop
 * iteration, which is how the library delivers callbacks "from the loop,
 * never inside the call that started the work".
 */
#define LWS_LOGMOD "sul"
#include "private-system.h"

static void sul_timer_cb(uv_timer_t *t);

static void sul_arm(struct lws_context *cx)
{
    lws_sorted_usec_list_t *first;
    lws_usec_t now, delta;
    uint64_t ms;

    if (!cx->sul_owner.head) {
        uv_timer_stop(&cx->sul_timer);
        return;
    }
    first = lws_container_of(cx->sul_owner.head, lws_sorted_usec_list_t, list);
    now = lws_now_usecs();
    delta = first->us - now;
    ms = delta <= 0 ? 0 : (uint64_t)((delta + 999) / 1000);
    uv_timer_start(&cx->sul_timer, sul_timer_cb, ms, 0);
}

void lws_sul_cancel(lws_sorted_usec_list_t *sul)
{
    struct lws_context *cx;
    bool was_first;

    if (!sul || !sul->list.owner)
        return;
    cx = sul->cx;
    was_first = cx->sul_owner.head == &sul->list;
    lws_dll2_remove(&sul->list);
    if (was_first && !cx->destroying)
        sul_arm(cx);
}

void lws_sul_schedule(struct lws_context *cx, int tsi,
                      lws_sorted_usec_list_t *sul, sul_cb_t cb, lws_usec_t us)
{
    lws_dll2_t *d;

    if (!cx || !sul || tsi) {
        lwsl_err("lws_sul_schedule: bad args");
        return;
    }
    LWS__LOOP_ONLY(cx);
    lws_sul_cancel(sul);
    if (us == LWS_SET_TIMER_USEC_CANCEL)
        return;
    if (cx->destroying) {
        lwsl_debug("sul scheduled during destroy ignored");
        return;
    }
    sul->cx = cx;
    sul->cb = cb;
    sul->us = lws_now_usecs() + (us < 0 ? 0 : us);

    /* Insert after every entry due at or before us: FIFO among equals. */
    for (d = cx->sul_owner.tail; d; d = d->prev) {
        lws_sorted_usec_list_t *o =
            lws_container_of(d, lws_sorted_usec_list_t, list);
        if (o->us <= sul->us)
            break;
    }
    if (!d) {
        lws_dll2_add_head(&sul->list, &cx->sul_owner);
        sul_arm(cx);
        return;
    }
    /* link after d */
    sul->list.owner = &cx->sul_owner;
    sul->list.prev = d;
    sul->list.next = d->next;
    if (d->next)
        d->next->prev = &sul->list;
    else
        cx->sul_owner.tail = &sul->list;
    d->next = &sul->list;
    cx->sul_owner.count++;
}

static void sul_timer_cb(uv_timer_t *t)
{
    struct lws_context *cx = t->data;
    lws_usec_t now = lws_now_usecs();

    /* Run everything due; callbacks may schedule or cancel anything. */
    while (cx->sul_owner.head && !cx->destroying) {
        lws_sorted_usec_list_t *s =
            lws_container_of(cx->sul_owner.head, lws_sorted_usec_list_t, list);
        if (s->us > now)
            break;
        lws_dll2_remove(&s->list);
        s->cb(s);
    }
    if (!cx->destroying)
        sul_arm(cx);
    /* On our own loop, lws_service() returns once timers ran instead of
     * blocking in the poll that follows (uv_stop zeroes its timeout).  A
     * foreign loop is never stopped. */
    if (!cx->foreign && cx->in_service)
        uv_stop(cx->loop);
}

int lws__sul_init(struct lws_context *cx)
{
    int r = uv_timer_init(cx->loop, &cx->sul_timer);

    if (r)
        return -EIO;
    cx->sul_timer.data = cx;
    cx->handles_open++;
    return 0;
}

void lws__sul_destroy_all(struct lws_context *cx)
{
    while (cx->sul_owner.head) {
        lws_sorted_usec_list_t *s =
            lws_container_of(cx->sul_owner.head, lws_sorted_usec_list_t, list);
        lws_dll2_remove(&s->list);
    }
    uv_timer_stop(&cx->sul_timer);
}
