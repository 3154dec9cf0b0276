/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Service loop for the SNTP client's tests; see ntpc-loop.h.
 */
#include "ntpc-loop.h"
#include "testutil.h"

#include <string.h>

static lws_sorted_usec_list_t beat;

static void beat_cb(lws_sorted_usec_list_t *sul)
{
    lws_sul_schedule(sul->cx, 0, sul, beat_cb, 5 * LWS_US_PER_MS);
}

bool ntpc_run_until(struct lws_context *cx, ntpc_cond_t cond, void *arg,
                    int timeout_ms)
{
    long long end = lt_now_ms() + timeout_ms * lt_timeout_scale();

    memset(&beat, 0, sizeof(beat));
    lws_sul_schedule(cx, 0, &beat, beat_cb, 5 * LWS_US_PER_MS);
    while (!cond(cx, arg) && lt_now_ms() < end)
        lws_service(cx, 0);
    lws_sul_cancel(&beat);
    return cond(cx, arg);
}
