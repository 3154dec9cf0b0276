/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Linux ICMPv6 socket for the router-advertisement client: a raw socket
 * tied to one interface whose kernel filter passes only Router
 * Advertisements (type 134), that reports each message's IPv6 hop limit
 * (RFC 4861 §6.1.2 needs 255) and source, and sends Router Solicitations
 * to all-routers with hop limit 255.  The kernel checks and fills the
 * ICMPv6 checksum of a raw ICMPv6 socket.
 */
#define LWS_LOGMOD ra6
#include "private-plat.h"

#include <errno.h>
#include <string.h>

#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int lws__ra6_icmp_open(const char *ifname)
{
    struct icmp6_filter f;
    int fd, on = 1, hops = 255;

    fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                IPPROTO_ICMPV6);
    if (fd < 0)
        return -errno;
    ICMP6_FILTER_SETBLOCKALL(&f);
    ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
    if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ||
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
                   (socklen_t)strlen(ifname)) ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
                   sizeof(hops)) ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops))) {
        int e = -errno;

        close(fd);
        return e;
    }
    return fd;
}

/* Sends @pkt to ff02::2 (all routers) or, for DHCPv6, to ff02::1:2 port
 * 547 (RFC 8415 §7.2: All_DHCP_Relay_Agents_and_Servers) on @ifindex. */
static int i6_send(int fd, int ifindex, const uint8_t *pkt, size_t len,
                   bool dhcp)
{
    struct sockaddr_in6 to;

    memset(&to, 0, sizeof(to));
    to.sin6_family = AF_INET6;
    to.sin6_port = dhcp ? htons(547) : 0;
    to.sin6_addr.s6_addr[0] = 0xff;
    to.sin6_addr.s6_addr[1] = 0x02;
    to.sin6_addr.s6_addr[13] = dhcp;
    to.sin6_addr.s6_addr[15] = 0x02;
    to.sin6_scope_id = (uint32_t)ifindex;
    return sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0
               ? -errno
               : 0;
}

int lws__ra6_icmp_send(int fd, int ifindex, const uint8_t *pkt, size_t len)
{
    return i6_send(fd, ifindex, pkt, len, false);
}

int lws__ra6_icmp_recv(int fd, uint8_t *buf, size_t len, uint8_t *src,
                       int *hops)
{
    union {
        struct cmsghdr h;
        uint8_t b[CMSG_SPACE(sizeof(int))];
    } cbuf;
    struct sockaddr_in6 from;
    struct iovec iov = {buf, len};
    struct msghdr mh = {.msg_name = &from,
                        .msg_namelen = sizeof(from),
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = cbuf.b,
                        .msg_controllen = sizeof(cbuf.b)};
    ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                   ? 0
                   : -errno;
    *hops = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
            c->cmsg_len >= CMSG_LEN(sizeof(int)))
            memcpy(hops, CMSG_DATA(c), sizeof(int));
    memcpy(src, &from.sin6_addr, 16);
    /* a zero-length read would look like "nothing queued" */
    return n ? (int)n : -EAGAIN;
}

/* The DHCPv6 client's messages, from port 546. */
int lws__dhcp6_sock_send(int fd, int ifindex, const uint8_t *pkt, size_t len)
{
    return i6_send(fd, ifindex, pkt, len, true);
}
