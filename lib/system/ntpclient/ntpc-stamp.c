/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's clock-stamp file, which raises the time floor across
 * reboots: decimal Unix seconds, replaced atomically (write a sibling,
 * rename it over).
 */
#define LWS_LOGMOD ntpc
#include "private-ntpc.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

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
        if (v > LWS__NTPC_TIME_MAX_S)
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
