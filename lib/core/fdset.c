/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Descriptor sets on the loop: many short-lived sockets watched through
 * one platform readiness set (private-plat.h) and one uv_poll on it, so
 * that opening and closing a socket costs one registration and no loop
 * handle.  Readiness is handed to the owner a batch at a time: a socket
 * the owner closes while handling the batch may still appear later in it,
 * so owners keep what a tag points to alive until the batch returns.
 */
#include "private-core.h"
#include "private-plat.h"

#include <unistd.h>

/* The platform's readiness bits are libuv's: nothing to convert. */
_Static_assert(LWS__PS_IN == UV_READABLE && LWS__PS_OUT == UV_WRITABLE,
               "readiness bits");

struct lws__fdset {
    uv_poll_t poll;
    struct lws_context *cx;
    lws__fdset_cb cb;
    void *opaque;
    int ps;
    bool closing;
};

static void fdset_poll_cb(uv_poll_t *h, int status, int events)
{
    struct lws__fdset *s = h->data;
    void *tags[64];
    int ev[64], n;

    (void)status, (void)events;
    do {
        n = lws__plat_pollset_wait(s->ps, tags, ev, 64);
        if (n <= 0)
            return;
        s->cb(s->opaque, tags, ev, n);
    } while (n == 64 && !s->closing);
}

struct lws__fdset *lws__fdset_new(struct lws_context *cx, lws__fdset_cb cb,
                                  void *opaque)
{
    struct lws__fdset *s = lws__calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->cx = cx;
    s->cb = cb;
    s->opaque = opaque;
    s->ps = LWS__FI_OR(cx, "core.fdset", -EMFILE, lws__plat_pollset_new());
    if (s->ps < 0 || uv_poll_init(cx->loop, &s->poll, s->ps)) {
        lwsl_err("fdset: no readiness set: %s",
                 strerror(s->ps < 0 ? -s->ps : EIO));
        if (s->ps >= 0)
            close(s->ps);
        lws__free(s);
        return NULL;
    }
    s->poll.data = s;
    cx->handles_open++;
    uv_poll_start(&s->poll, UV_READABLE, fdset_poll_cb);
    return s;
}

int lws__fdset_watch(struct lws__fdset *s, int fd, int uv_events, bool added,
                     void *tag)
{
    return lws__plat_pollset_ctl(s->ps, fd, uv_events, added, tag);
}

static void fdset_closed(uv_handle_t *h)
{
    struct lws__fdset *s = h->data;
    struct lws_context *cx = s->cx;

    lws__free(s);
    lws__handle_closed(cx);
}

void lws__fdset_destroy(struct lws__fdset *s)
{
    if (!s || s->closing)
        return;
    s->closing = true;
    /* uv_close stops polling at once, so the descriptor can go now. */
    uv_close((uv_handle_t *)&s->poll, fdset_closed);
    close(s->ps);
}
