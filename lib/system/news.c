/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The context's observer list for cross-helper news (see private-news.h),
 * and the wall clock's steps as news.
 */
#include "private-news.h"

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
    lws__news_publish(context, &step);
}
