/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Platform side of the SNTP client on Linux: the optional built-in clock
 * setter (step with clock_settime(), slew small offsets with adjtime()) and
 * the clock-stamp file that raises the time floor across reboots.
 */
#define LWS_LOGMOD "ntpc"
#include "private-ntpclient.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The SNTP client sets the clock: a 32-bit time_t wraps in 2038 (32-bit
 * glibc targets need _TIME_BITS=64, which the build sets). */
_Static_assert(sizeof(time_t) >= 8, "time_t must be 64-bit (_TIME_BITS=64)");

/* Offsets below this are slewed rather than stepped. */
#define SLEW_MAX_US 500000

int lws__ntpc_linux_set_clock(lws_usec_t wall_us)
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

int lws__ntpc_stamp_file_load(const char *path, lws_usec_t *wall_us)
{
    char buf[32];
    int64_t v = 0;
    ssize_t r;
    size_t i = 0;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    r = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (r <= 0)
        return -EINVAL;
    /* Decimal Unix seconds, optionally followed by white space. */
    for (; i < (size_t)r && buf[i] >= '0' && buf[i] <= '9'; i++) {
        v = v * 10 + (buf[i] - '0');
        if (v > 100000000000ll)
            return -EINVAL;
    }
    if (!i ||
        (i < (size_t)r && buf[i] != '\n' && buf[i] != ' ' && buf[i] != '\r'))
        return -EINVAL;
    *wall_us = (lws_usec_t)v * LWS_US_PER_SEC;
    return 0;
}

int lws__ntpc_stamp_file_save(const char *path, lws_usec_t wall_us)
{
    char buf[32], *tmp;
    size_t pl = strlen(path);
    int fd, n, r = 0;

    tmp = lws__malloc(pl + 5);
    if (!tmp)
        return -ENOMEM;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp", 5);
    n = snprintf(buf, sizeof(buf), "%lld\n",
                 (long long)(wall_us / LWS_US_PER_SEC));
    /* Write a sibling and rename it over, so a crash never leaves a torn
     * stamp. */
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        r = -errno;
        goto out_free;
    }
    if (write(fd, buf, (size_t)n) != n)
        r = -EIO;
    if (close(fd) && !r)
        r = -errno;
    if (!r && rename(tmp, path))
        r = -errno;
    if (r)
        unlink(tmp);
out_free:
    lws__free(tmp);
    return r;
}
