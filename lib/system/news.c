/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The context's observer list for cross-helper news (see private-news.h),
 * and the watch that turns the wall clock's steps into news.
 */
#define LWS_LOGMOD context
#include "private-news.h"

#include <unistd.h>

void lws__news_subscribe(struct lws_context *cx, struct lws__news_observer *o)
{
    lws_dll2_add_tail(&o->list, &cx->news);
}

void lws__news_unsubscribe(struct lws__news_observer *o)
{
    if (o->list.owner)
        lws_dll2_remove(&o->list);
}

void lws__news_publish(struct lws_context *cx, const struct lws__news *news)
{
    lws_dll2_t *d = cx->news.head, *next;

    /* A callback may unsubscribe itself: read its successor first. */
    for (; d; d = next) {
        struct lws__news_observer *o =
            lws_container_of(d, struct lws__news_observer, list);

        next = d->next;
        o->cb(cx, news, o->opaque);
    }
}

void lws_wall_clock_stepped(struct lws_context *context)
{
    const struct lws__news step = {.kind = LWS__NEWS_CLOCK_STEP};

    if (!context || lws__cx_gone(context))
        return;
    LWS__LOOP_ONLY(context);
    lwsl_info("wall clock stepped");
    lws__news_publish(context, &step);
}

/* The plat's watch: readable when the clock is stepped.  Nothing runs
 * until it is (no timer, no wakeup). */
struct lws__clock_watch {
    uv_poll_t poll;
    struct lws_context *cx;
    int fd;
};

static void clock_watch_cb(uv_poll_t *h, int status, int events)
{
    struct lws__clock_watch *w = h->data;

    (void)status, (void)events;
    if (lws__plat_clock_watch_stepped(w->fd))
        lws_wall_clock_stepped(w->cx);
}

static void clock_watch_closed(uv_handle_t *h)
{
    struct lws__clock_watch *w = h->data;
    struct lws_context *cx = w->cx;

    lws__free(w);
    lws__handle_closed(cx);
}

void lws__news_clock_watch(struct lws_context *cx, bool on)
{
    struct lws__clock_watch *w = cx->clock_watch;

    if (!on) {
        if (w) {
            cx->clock_watch = NULL;
            uv_close((uv_handle_t *)&w->poll, clock_watch_closed);
            close(w->fd);
        }
        return;
    }
    if (w || cx->wall_clock)
        return;
    w = lws__calloc(1, sizeof(*w));
    if (!w)
        return; /* the steps are seen at the next poll */
    w->fd = lws__plat_clock_watch_open();
    if (w->fd < 0 || uv_poll_init(cx->loop, &w->poll, w->fd)) {
        lwsl_warn("no watch on clock steps: %s",
                  strerror(w->fd < 0 ? -w->fd : EIO));
        if (w->fd >= 0)
            close(w->fd);
        lws__free(w);
        return;
    }
    w->cx = cx;
    w->poll.data = w;
    cx->handles_open++;
    cx->clock_watch = w;
    uv_poll_start(&w->poll, UV_READABLE, clock_watch_cb);
}
