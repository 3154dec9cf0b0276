/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's optional built-in clock setter on Linux: step with
 * clock_settime(), slew small offsets with adjtime().
 */
#define LWS_LOGMOD ntpc
#include "private-plat.h"

#include <errno.h>
#include <sys/time.h>
#include <time.h>

/* The SNTP client sets the clock: a 32-bit time_t wraps in 2038 (32-bit
 * glibc targets need _TIME_BITS=64, which the build sets). */
_Static_assert(sizeof(time_t) >= 8, "time_t must be 64-bit (_TIME_BITS=64)");

/* Offsets below this are slewed rather than stepped. */
#define SLEW_MAX_US 500000

int lws__plat_set_clock(lws_usec_t wall_us)
{
    lws_usec_t off = wall_us - lws__wall_usecs();
    struct timespec ts;
    struct timeval tv;

    if (off > -SLEW_MAX_US && off < SLEW_MAX_US) {
        tv.tv_sec = (time_t)(off / LWS_US_PER_SEC);
        tv.tv_usec = (suseconds_t)(off % LWS_US_PER_SEC);
        if (tv.tv_usec < 0) {
            tv.tv_sec--;
            tv.tv_usec += 1000000;
        }
        if (adjtime(&tv, NULL))
            return -errno;
        lwsl_info("clock slewed by %lld us", (long long)off);
        return 0;
    }
    ts.tv_sec = (time_t)(wall_us / LWS_US_PER_SEC);
    ts.tv_nsec = (long)(wall_us % LWS_US_PER_SEC) * 1000;
    if (clock_settime(CLOCK_REALTIME, &ts))
        return -errno;
    lwsl_notice("clock stepped by %lld us", (long long)off);
    return 0;
}
