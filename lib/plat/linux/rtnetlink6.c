/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Linux rtnetlink for the router-advertisement client: one socket
 * subscribed to link and IPv6 address events, the dumps that list what is
 * there at start, and a reader that turns each message into a small event
 * (a link up or down, a global address usable or gone).  It only watches:
 * SLAAC is the kernel's, nothing is configured from here.
 */
#define LWS_LOGMOD ra6
#include "private-plat.h"

#include <errno.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h; glibc's net/if.h lacks it */
#endif

/* Aligned for the netlink headers walked in it. */
union nl6_buf {
    struct nlmsghdr h;
    uint8_t b[8192];
};

int lws__ra6_nl_open(void)
{
    struct sockaddr_nl sa;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    NETLINK_ROUTE);

    if (fd < 0)
        return -errno;
    memset(&sa, 0, sizeof(sa));
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV6_IFADDR;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        int e = -errno;

        close(fd);
        return e;
    }
    return fd;
}

int lws__ra6_nl_dump(int fd, uint32_t seq, bool addrs)
{
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg m; /* as large as struct ifinfomsg's start */
        uint8_t pad[16];
    } r;

    memset(&r, 0, sizeof(r));
    r.h.nlmsg_len = NLMSG_LENGTH(addrs ? sizeof(struct ifaddrmsg)
                                       : sizeof(struct ifinfomsg));
    r.h.nlmsg_type = addrs ? RTM_GETADDR : RTM_GETLINK;
    r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    r.h.nlmsg_seq = seq;
    /* both messages start with their family byte */
    r.m.ifa_family = addrs ? AF_INET6 : AF_UNSPEC;
    return send(fd, &r, r.h.nlmsg_len, 0) < 0 ? -errno : 0;
}

static void nl6_link(const struct nlmsghdr *h, struct lws__ra6_nl_ev *e)
{
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    size_t alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));

    e->ifindex = ifi->ifi_index;
    /* carrier (LOWER_UP) shows before RUNNING does */
    e->up = !e->removed && (ifi->ifi_flags & IFF_UP) &&
            (ifi->ifi_flags & (IFF_LOWER_UP | IFF_RUNNING));
    for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen);
         a = RTA_NEXT(a, alen)) {
        size_t n = RTA_PAYLOAD(a);

        if (a->rta_type != IFLA_IFNAME)
            continue;
        if (n >= sizeof(e->ifname))
            n = sizeof(e->ifname) - 1;
        memcpy(e->ifname, RTA_DATA(a), n);
        e->ifname[n] = '\0';
    }
}

static void nl6_addr(const struct nlmsghdr *h, struct lws__ra6_nl_ev *e)
{
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    size_t alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa));
    uint32_t flags = ifa->ifa_flags;
    bool have = false;

    e->is_addr = true;
    e->ifindex = (int)ifa->ifa_index;
    e->plen = ifa->ifa_prefixlen;
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen);
         a = RTA_NEXT(a, alen)) {
        if (a->rta_type == IFA_ADDRESS && RTA_PAYLOAD(a) == 16) {
            memcpy(e->addr, RTA_DATA(a), 16);
            have = true;
        } else if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == 4) {
            memcpy(&flags, RTA_DATA(a), 4);
        }
    }
    /* DAD not done (or failed): not usable yet */
    e->usable = have && ifa->ifa_family == AF_INET6 &&
                ifa->ifa_scope == RT_SCOPE_UNIVERSE &&
                !(flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
    e->dadfailed = !!(flags & IFA_F_DADFAILED);
    if (!have)
        e->ifindex = 0; /* nothing to say */
}

int lws__ra6_nl_read(int fd,
                     void (*cb)(void *ctx, const struct lws__ra6_nl_ev *e),
                     void *ctx, bool *done)
{
    union nl6_buf buf;

    for (;;) {
        ssize_t n = recv(fd, buf.b, sizeof(buf.b), MSG_DONTWAIT);
        size_t left;

        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                       ? 0
                       : -errno;
        left = (size_t)n;
        for (struct nlmsghdr *h = &buf.h; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left)) {
            struct lws__ra6_nl_ev e;
            int t = h->nlmsg_type;

            if (t == NLMSG_DONE || t == NLMSG_ERROR) {
                *done = true;
                continue;
            }
            memset(&e, 0, sizeof(e));
            e.removed = t == RTM_DELLINK || t == RTM_DELADDR;
            if ((t == RTM_NEWLINK || t == RTM_DELLINK) &&
                h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                nl6_link(h, &e);
            else if ((t == RTM_NEWADDR || t == RTM_DELADDR) &&
                     h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
                nl6_addr(h, &e);
            if (e.ifindex > 0)
                cb(ctx, &e);
        }
    }
}

/* ------------------------------------------------------------------------
 * The one thing configured from here: the address a DHCPv6 IA_NA gave.
 */

static void nl6_attr(struct nlmsghdr *h, uint16_t type, const void *v,
                     size_t len)
{
    /* h is aligned, and so is every attribute after it */
    struct rtattr *a =
        (struct rtattr *)(void *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));

    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), v, len);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

int lws__dhcp6_nl_addr(int ifindex, const uint8_t *addr, uint32_t preferred_s,
                       uint32_t valid_s, bool add)
{
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg m;
        uint8_t attrs[64];
    } r;
    struct ifa_cacheinfo ci;
    union nl6_buf buf;
    ssize_t n;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), e;

    if (fd < 0)
        return -errno;
    memset(&r, 0, sizeof(r));
    r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.m));
    r.h.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
    r.h.nlmsg_flags =
        NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
    r.h.nlmsg_seq = 1;
    r.m.ifa_family = AF_INET6;
    r.m.ifa_prefixlen = 128; /* RFC 8415 §18.2.10.1: no prefix length */
    r.m.ifa_scope = RT_SCOPE_UNIVERSE;
    r.m.ifa_index = (unsigned)ifindex;
    nl6_attr(&r.h, IFA_LOCAL, addr, 16);
    nl6_attr(&r.h, IFA_ADDRESS, addr, 16);
    if (add) {
        memset(&ci, 0, sizeof(ci));
        ci.ifa_prefered = preferred_s;
        ci.ifa_valid = valid_s;
        nl6_attr(&r.h, IFA_CACHEINFO, &ci, sizeof(ci));
    }
    e = send(fd, &r, r.h.nlmsg_len, 0) < 0 ? -errno : -ETIMEDOUT;
    while (e == -ETIMEDOUT && (n = recv(fd, buf.b, sizeof(buf.b), 0)) > 0) {
        size_t left = (size_t)n;

        for (struct nlmsghdr *h = &buf.h; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left))
            if (h->nlmsg_type == NLMSG_ERROR &&
                h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
    }
    close(fd);
    return e;
}
