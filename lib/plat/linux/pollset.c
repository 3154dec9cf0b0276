/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Readiness sets on Linux: an epoll instance.  A descriptor costs one
 * epoll_ctl() when it joins and nothing when it closes (the kernel drops
 * it from the set with its last reference).
 */
#include "private-plat.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

int lws__plat_pollset_new(void)
{
    int fd = epoll_create1(EPOLL_CLOEXEC);

    return fd < 0 ? -errno : fd;
}

static uint32_t ps_events(int events)
{
    return ((events & LWS__PS_IN) ? EPOLLIN : 0u) |
           ((events & LWS__PS_OUT) ? EPOLLOUT : 0u);
}

int lws__plat_pollset_ctl(int ps, int fd, int events, bool added, void *tag)
{
    struct epoll_event ev;

    ev.events = ps_events(events);
    ev.data.ptr = tag;
    if (epoll_ctl(ps, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev))
        return -errno;
    return 0;
}

int lws__plat_pollset_wait(int ps, void **tags, int *events, int max)
{
    struct epoll_event ev[64];
    int n;

    if (max > 64)
        max = 64;
    n = epoll_wait(ps, ev, max, 0);
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        tags[i] = ev[i].data.ptr;
        /* An error or hang-up is reported as readable: the owner's read
         * sees it. */
        events[i] =
            ((ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? LWS__PS_IN
                                                              : 0) |
            ((ev[i].events & EPOLLOUT) ? LWS__PS_OUT : 0);
    }
    return n;
}
