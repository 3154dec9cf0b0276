/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Clocks on Linux: the monotonic clock (libuv's, lws_now_usecs() of the
 * public API) and the wall clock.
 */
#include "private-plat.h"

#include <time.h>
#include <uv.h>

lws_usec_t lws_now_usecs(void)
{
    return (lws_usec_t)(uv_hrtime() / 1000u);
}

lws_usec_t lws__wall_usecs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (lws_usec_t)ts.tv_sec * LWS_US_PER_SEC + ts.tv_nsec / 1000;
}
