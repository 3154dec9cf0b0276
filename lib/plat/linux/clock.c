/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The wall clock on Linux (the monotonic clock is libuv's, lws_now_usecs()
 * in lib/core/wire.c).
 */
#include "private-plat.h"

#include <time.h>

lws_usec_t lws__wall_usecs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (lws_usec_t)ts.tv_sec * LWS_US_PER_SEC + ts.tv_nsec / 1000;
}
