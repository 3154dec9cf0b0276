/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Sorted timers: one uv_timer_t per context is armed for the earliest entry
 * of a due-time-sorted list.  Scheduling with 0 defers to a later pass, which
 * is how the library delivers callbacks "from the loop, never inside the call
 * that started the work".  A 0-delay sul scheduled from a sul callback goes
 * through an idle handle instead of the timer: libuv 1.44 would run a timer
 * re-armed with 0 again in the same timers phase, so a callback that keeps
 * rescheduling itself would starve the loop; the idle phase runs once per
 * iteration, with a non-blocking poll in between.
 */
#define LWS_LOGMOD "sul"
#include "private-core.h"

static void sul_timer_cb(uv_timer_t *t);
static void sul_idle_cb(uv_idle_t *i);

static void sul_arm(struct lws_context *cx)
{
    lws_sorted_usec_list_t *first;
    lws_usec_t now, delta;
    uint64_t ms;

    if (!cx->sul_owner.head) {
        uv_timer_stop(&cx->sul_timer);
        uv_idle_stop(&cx->sul_idle);
        return;
    }
    first = lws_container_of(cx->sul_owner.head, lws_sorted_usec_list_t, list);
    now = lws_now_usecs();
    delta = first->us - now;
    /* Round up without overflowing for far-future (clamped) due times. */
    ms = delta <= 0 ? 0 : (uint64_t)(delta / 1000 + (delta % 1000 != 0));
    if (!ms && cx->sul_running) {
        uv_timer_stop(&cx->sul_timer);
        uv_idle_start(&cx->sul_idle, sul_idle_cb);
        return;
    }
    uv_idle_stop(&cx->sul_idle);
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
        lwsl_err("%s: bad args", __func__);
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
    if (us < 0)
        us = 0;
    sul->us = lws_now_usecs();
    /* Clamp: a huge delay must not wrap to the past and starve the rest. */
    sul->us = us > INT64_MAX - sul->us ? INT64_MAX : sul->us + us;

    /* Insert after every entry due at or before us: FIFO among equals.
     * Due before all of them (0-delay work): at the head, without a walk. */
    d = cx->sul_owner.head;
    if (d && lws_container_of(d, lws_sorted_usec_list_t, list)->us > sul->us)
        d = NULL;
    else
        d = cx->sul_owner.tail;
    for (; d; d = d->prev) {
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

static void sul_run(struct lws_context *cx)
{
    lws_usec_t now = lws_now_usecs();
    lws_dll2_owner_t due = {0};

    /* Take what is due now first: a sul (re)scheduled by one of these
     * callbacks, even with 0, runs on a later pass, never in this one. */
    while (cx->sul_owner.head) {
        lws_sorted_usec_list_t *s =
            lws_container_of(cx->sul_owner.head, lws_sorted_usec_list_t, list);
        if (s->us > now)
            break;
        lws_dll2_add_tail(&s->list, &due);
    }
    /* Callbacks may schedule, cancel (also entries still in "due") or
     * destroy the context. */
    cx->sul_running = true;
    while (due.head && !cx->destroying) {
        lws_sorted_usec_list_t *s =
            lws_container_of(due.head, lws_sorted_usec_list_t, list);
        lws_dll2_remove(&s->list);
        s->cb(s);
    }
    cx->sul_running = false;
    while (due.head) /* destroyed: whatever is left is dropped */
        lws_dll2_remove(due.head);
    if (!cx->destroying) {
        cx->sul_running = true; /* arm a 0-delay follow-up as idle work */
        sul_arm(cx);
        cx->sul_running = false;
    }
    /* On our own loop, lws_service() returns once timers ran instead of
     * blocking in the poll that follows (uv_stop zeroes its timeout).  A
     * foreign loop is never stopped. */
    if (!cx->foreign && cx->in_service)
        uv_stop(cx->loop);
}

static void sul_timer_cb(uv_timer_t *t)
{
    sul_run(t->data);
}

static void sul_idle_cb(uv_idle_t *i)
{
    uv_idle_stop(i);
    sul_run(i->data);
}

int lws__sul_init(struct lws_context *cx)
{
    if (LWS__FI_OR(cx, "core.timer", UV_ENOMEM,
                   uv_timer_init(cx->loop, &cx->sul_timer)))
        return -EIO;
    cx->sul_timer.data = cx;
    cx->handles_open++;
    if (uv_idle_init(cx->loop, &cx->sul_idle))
        return -EIO;
    cx->sul_idle.data = cx;
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
    uv_idle_stop(&cx->sul_idle);
}
