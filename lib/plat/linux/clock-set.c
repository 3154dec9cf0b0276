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
    bool slew = off > -SLEW_MAX_US && off < SLEW_MAX_US;
    /* A slew is under half a second either way: no whole seconds (glibc's
     * and musl's adjtime() take a negative tv_usec as it is). */
    struct timeval tv = {0, (suseconds_t)off};
    struct timespec ts = {(time_t)(wall_us / LWS_US_PER_SEC),
                          (long)(wall_us % LWS_US_PER_SEC) * 1000};

    if (slew ? adjtime(&tv, NULL) : clock_settime(CLOCK_REALTIME, &ts))
        return -errno;
    lwsl_notice("clock %s by %lld us", slew ? "slewed" : "stepped",
                (long long)off);
    return 0;
}
