/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Liveness and re-entrancy guard of a context, one for every layer: a
 * library call that may run application callbacks outside lws_service() is
 * bracketed by lws__api_enter() / lws__api_leave(), and a destroy requested
 * inside such a call is finished at the outermost leave.  Closed uv handles
 * are counted down here too.  lws__cx_gone() is the one liveness check
 * every layer makes after calling application code (true = gone); a frame
 * that sees it returns without touching helper state, and helpers free
 * their instance at teardown, or hand it to lws__cx_free_later() when
 * frames of their own still read it on the way out (freed with the
 * context's memory, docs/map.md, "The helper contract").  What "finish" and
 * "free" mean belongs to the context (lib/system/context.c), which hands
 * them in as callbacks at creation: this file calls nothing above lib/core.
 */
#include "private-core.h"

#include <stdio.h>
#include <stdlib.h>

void lws__handle_closed(struct lws_context *cx)
{
    cx->handles_open--;
    if (cx->foreign && cx->finalised && !cx->handles_open)
        cx->guard_free(cx);
}

bool lws__cx_gone(const struct lws_context *cx)
{
    return cx->destroying || cx->destroy_requested;
}

void lws__cx_free_later(struct lws_context *cx, struct lws__later *l,
                        void (*free_fn)(struct lws__later *l))
{
    l->free_fn = free_fn;
    l->next = cx->later;
    cx->later = l;
}

void lws__cx_free_held(struct lws_context *cx)
{
    while (cx->later) {
        struct lws__later *l = cx->later;

        cx->later = l->next;
        l->free_fn(l);
    }
}

void lws__api_leave(struct lws_context *cx)
{
    if (!--cx->api_depth)
        lws__context_unwind(cx);
}

void lws__context_unwind(struct lws_context *cx)
{
    if (cx->free_at_unwind && !cx->in_service && !cx->api_depth) {
        cx->free_at_unwind = false;
        cx->guard_finish(cx);
    }
}

#if LWS_THREAD_CHECKS
/* Out of line: inline at each of the loop-only entry points it costs
 * several times the call. */
void lws__loop_check(const struct lws_context *cx, const char *fn)
{
    uv_thread_t self;

    if (!cx)
        return;
    self = uv_thread_self();
    if (uv_thread_equal(&self, &cx->loop_thread))
        return;
    lwsl_err("%s() called off the loop thread: aborting", fn);
    fprintf(stderr, "lws-system: %s() called off the loop thread\n", fn);
    abort();
}
#endif
