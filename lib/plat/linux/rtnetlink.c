/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Linux rtnetlink for the DHCPv4 client: the built-in lease apply (address
 * with prefix, broadcast and lifetimes, MTU, default or classless static
 * routes) and removal, each a short request/ack exchange on its own
 * socket; and the link monitor (link dump at start, then RTMGRP_LINK
 * events) that holds IFACE_COLDPLUG and pauses/resumes the clients.
 */
#define LWS_LOGMOD dhcpc
#include "private-plat.h"

#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_BUF 8192

/* A receive buffer aligned for the netlink headers walked in it (a byte
 * array is only byte-aligned: 32-bit ARM needs 4 for struct nlmsghdr). */
union nl_rxbuf {
    struct nlmsghdr h;
    uint8_t b[NL_BUF];
};

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h; glibc's net/if.h lacks it */
#endif

struct nl_req {
    struct nlmsghdr h;
    uint8_t body[512];
    bool full; /* an attribute did not fit: not sent (-ENOSPC) */
};

static void *nl_tail(struct nl_req *r)
{
    /* From the whole request, not &r->h: the attributes live past it. */
    return (uint8_t *)r + NLMSG_ALIGN(r->h.nlmsg_len);
}

static void nl_attr(struct nl_req *r, uint16_t type, const void *v, size_t len)
{
    struct rtattr *a = nl_tail(r);
    size_t al = RTA_LENGTH(len);

    if (NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(al) >
        offsetof(struct nl_req, full)) {
        r->full = true;
        return;
    }
    a->rta_type = type;
    a->rta_len = (unsigned short)al;
    if (len)
        memcpy(RTA_DATA(a), v, len);
    r->h.nlmsg_len = (uint32_t)(NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(al));
}

static void nl_attr32(struct nl_req *r, uint16_t type, uint32_t v)
{
    nl_attr(r, type, &v, sizeof(v));
}

static void nl_attr_ip(struct nl_req *r, uint16_t type, uint32_t host_ip)
{
    nl_attr32(r, type, htonl(host_ip));
}

/* Sends one request and waits for its ack.  @return 0 or -errno. */
static int nl_talk(int fd, struct nl_req *r)
{
    union nl_rxbuf buf;
    ssize_t n;

    if (r->full)
        return -ENOSPC;
    r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    r->h.nlmsg_seq = 1; /* one request per fresh socket */
    if (send(fd, r, r->h.nlmsg_len, 0) < 0)
        return -errno;
    for (;;) {
        struct nlmsghdr *h;
        size_t left; /* NLMSG_NEXT's count: unsigned, as nlmsg_len is */

        n = recv(fd, buf.b, sizeof(buf.b), 0);
        if (n < 0)
            return -errno;
        left = (size_t)n;
        for (h = &buf.h; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            const struct nlmsgerr *e;

            if (h->nlmsg_seq != r->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
                continue;
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
                return -EBADMSG;
            e = NLMSG_DATA(h);
            return e->error;
        }
    }
}

static __attribute__((noinline)) void nl_init(struct nl_req *r, uint16_t type,
                                              uint16_t flags, size_t body)
{
    memset(r, 0, sizeof(*r));
    r->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
    r->h.nlmsg_type = type;
    r->h.nlmsg_flags = flags;
}

static int nl_addr(int fd, const lws_dhcpc_ifstate_t *is, bool add)
{
    struct ifa_cacheinfo ci;
    struct ifaddrmsg *ifa;
    struct nl_req r;
    int e;

    nl_init(&r, add ? RTM_NEWADDR : RTM_DELADDR,
            add ? (NLM_F_CREATE | NLM_F_REPLACE) : 0, sizeof(*ifa));
    ifa = NLMSG_DATA(&r.h);
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = is->prefix_len;
    ifa->ifa_index = (uint32_t)is->ifindex;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    memset(&ci, 0, sizeof(ci));
    /* The kernel drops the address itself if we die holding it. */
    ci.ifa_prefered = ci.ifa_valid = is->lease_secs;
    nl_attr_ip(&r, IFA_LOCAL, is->ipv4);
    nl_attr_ip(&r, IFA_ADDRESS, is->ipv4);
    if (add && is->broadcast)
        nl_attr_ip(&r, IFA_BROADCAST, is->broadcast);
    if (add)
        nl_attr(&r, IFA_CACHEINFO, &ci, sizeof(ci));
    e = nl_talk(fd, &r);
    if (!add && e == -EADDRNOTAVAIL)
        e = 0;
    return e;
}

static int nl_route(int fd, const lws_dhcpc_ifstate_t *is,
                    const struct lws_dhcpc_route *rt, bool add, uint32_t metric)
{
    struct rtmsg *rtm;
    struct nl_req r;

    nl_init(&r, add ? RTM_NEWROUTE : RTM_DELROUTE,
            add ? (NLM_F_CREATE | NLM_F_REPLACE) : 0, sizeof(*rtm));
    rtm = NLMSG_DATA(&r.h);
    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = rt->prefix;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_DHCP;
    rtm->rtm_scope = rt->gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
    rtm->rtm_type = RTN_UNICAST;
    /* A gateway outside our subnet (a /32 or /31 lease: the core refuses it
     * for any other) is on the link all the same: say so, or the kernel
     * answers ENETUNREACH. */
    if (rt->gw && (rt->gw & is->netmask) != (is->ipv4 & is->netmask))
        rtm->rtm_flags |= RTNH_F_ONLINK;
    if (rt->prefix)
        nl_attr_ip(&r, RTA_DST, rt->dest);
    if (rt->gw)
        nl_attr_ip(&r, RTA_GATEWAY, rt->gw);
    nl_attr32(&r, RTA_OIF, (uint32_t)is->ifindex);
    nl_attr32(&r, RTA_PRIORITY, metric);
    if (add)
        nl_attr_ip(&r, RTA_PREFSRC, is->ipv4);
    return nl_talk(fd, &r);
}

static int nl_mtu(int fd, const lws_dhcpc_ifstate_t *is)
{
    struct ifinfomsg *ifi;
    struct nl_req r;

    nl_init(&r, RTM_NEWLINK, 0, sizeof(*ifi));
    ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = is->ifindex;
    nl_attr32(&r, IFLA_MTU, is->mtu);
    return nl_talk(fd, &r);
}

static int nl_open(uint32_t groups)
{
    struct sockaddr_nl sa;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), e;

    if (fd < 0)
        return -errno;
    memset(&sa, 0, sizeof(sa));
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = groups;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

int lws__dhcpc_nl_apply(const lws_dhcpc_ifstate_t *is, int op, uint32_t metric)
{
    bool add = op == LWS_DHCPC_APPLY_ADD;
    /* The kernel acks at once; the bound only guards the loop thread. */
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    int fd, e = 0;

    if (!is->ifindex || !is->ipv4)
        return -EINVAL;
    fd = nl_open(0);
    if (fd < 0)
        return fd;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (add) {
        e = nl_addr(fd, is, true);
        if (!e && is->mtu)
            e = nl_mtu(fd, is);
    }
    /* Adding: on-link routes first, so gateways behind them resolve, and
     * stop at the first error; removing: every route, then the address. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < is->route_count && (!add || !e); i++)
            if (add ? !!is->routes[i].gw == pass : !pass) {
                int r = nl_route(fd, is, &is->routes[i], add, metric);

                if (r && !e)
                    e = r;
            }
    if (!add) {
        /* gone already (with the address or the link): not worth a line */
        if (e && e != -ESRCH && e != -ENOENT)
            lwsl_debug("route removal: %s", strerror(-e));
        e = nl_addr(fd, is, false);
    }
    close(fd);
    if (e)
        lwsl_err("%s: rtnetlink %s failed: %s", is->ifname,
                 add ? "apply" : "remove", strerror(-e));
    return e;
}

int lws__dhcpc_nl_monitor_open(void)
{
    return nl_open(RTMGRP_LINK);
}

int lws__dhcpc_nl_dump_links(int fd, uint32_t seq)
{
    struct nl_req r;
    struct ifinfomsg *ifi;

    nl_init(&r, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, sizeof(*ifi));
    ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    r.h.nlmsg_seq = seq;
    return send(fd, &r, r.h.nlmsg_len, 0) < 0 ? -errno : 0;
}

static void nl_link(const struct nlmsghdr *h,
                    void (*cb)(void *ctx, const struct lws__dhcpc_link *l),
                    void *ctx)
{
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    struct lws__dhcpc_link l;
    const struct rtattr *a;
    size_t alen;

    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
        return;
    memset(&l, 0, sizeof(l));
    l.ifindex = ifi->ifi_index;
    l.removed = h->nlmsg_type == RTM_DELLINK;
    /* Carrier (LOWER_UP) shows at once; RUNNING waits for the kernel's
     * rate-limited link watcher, up to a second later. */
    l.up = !l.removed && (ifi->ifi_flags & IFF_UP) &&
           (ifi->ifi_flags & (IFF_LOWER_UP | IFF_RUNNING));
    alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
    for (a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        size_t n = RTA_PAYLOAD(a);

        if (a->rta_type != IFLA_IFNAME)
            continue;
        if (n >= sizeof(l.ifname))
            n = sizeof(l.ifname) - 1;
        memcpy(l.ifname, RTA_DATA(a), n);
        l.ifname[n] = '\0';
    }
    if (l.ifname[0])
        cb(ctx, &l);
}

int lws__dhcpc_nl_monitor_read(int fd,
                               void (*cb)(void *ctx,
                                          const struct lws__dhcpc_link *l),
                               void *ctx, bool *done)
{
    union nl_rxbuf buf;

    for (;;) {
        ssize_t n = recv(fd, buf.b, sizeof(buf.b), MSG_DONTWAIT);
        struct nlmsghdr *h;
        size_t left;

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return 0;
            /* ENOBUFS: events were lost; the caller re-dumps. */
            return -errno;
        }
        left = (size_t)n;
        for (h = &buf.h; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
                *done = true;
            else if (h->nlmsg_type == RTM_NEWLINK ||
                     h->nlmsg_type == RTM_DELLINK)
                nl_link(h, cb, ctx);
        }
    }
}
