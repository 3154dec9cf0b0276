/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Clocks on Linux: the monotonic clock (libuv's, lws_now_usecs() of the
 * public API), the wall clock, and a watch on the wall clock's steps.
 */
#include "private-plat.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
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

/* A CLOCK_REALTIME timer that never expires (the far future), armed with
 * TFD_TIMER_CANCEL_ON_SET: a read fails with ECANCELED once the clock has
 * been set discontinuously (clock_settime(), settimeofday(), a step by an
 * NTP daemon), never for a slew.  That read also rearms the watch for the
 * next step (the kernel notes the clock's new offset). */
int lws__plat_clock_watch_open(void)
{
    struct itimerspec its = {.it_value.tv_sec = (time_t)1
                                                << (sizeof(time_t) * 8 - 2)};
    int fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK), e;

    if (fd < 0)
        return -errno;
    if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its,
                        NULL)) {
        e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

bool lws__plat_clock_watch_stepped(int fd)
{
    uint64_t ticks;

    return read(fd, &ticks, sizeof(ticks)) < 0 && errno == ECANCELED;
}
