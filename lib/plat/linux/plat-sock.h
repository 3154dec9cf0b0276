/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Datagram sockets on Linux for lws_create_adopt_udp(): a UDP socket bound
 * or connected to an address, optionally tied to an interface
 * (SO_BINDTODEVICE), and an AF_PACKET socket that sees the IPv4 datagrams
 * of one interface.  Part of the platform interface, inline: its only user
 * is wsi.c, and out of line the two calls cost more text than they hold.
 */
#ifndef LWS_PLAT_SOCK_H
#define LWS_PLAT_SOCK_H

#include "private-plat.h"

#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

/* UDP socket (non-blocking) for @sa at @port (host order; written into
 * @sa): bound when @bind_it, else connected; SO_BROADCAST when @broadcast,
 * tied to @ifname when not NULL.  fd or -errno. */
static inline int lws__plat_udp_open(lws_sockaddr46 *sa, uint16_t port,
                                     bool bind_it, bool broadcast,
                                     const char *ifname)
{
    socklen_t sl;
    int fd, one = 1;

    if (sa->sa4.sin_family == AF_INET) {
        sa->sa4.sin_port = htons(port);
        sl = sizeof(sa->sa4);
    } else {
        sa->sa6.sin6_port = htons(port);
        sl = sizeof(sa->sa6);
    }
    fd = socket(sa->sa4.sin_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0)
        return -errno;
    if (broadcast &&
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)))
        goto fail;
    if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
                             (socklen_t)strlen(ifname)))
        goto fail;
    if (bind_it) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)sa, sl))
            goto fail;
    } else if (connect(fd, (struct sockaddr *)sa, sl)) {
        goto fail;
    }
    return fd;

fail:
    one = -errno;
    close(fd);
    return one;
}

/* AF_PACKET datagram socket receiving the IPv4 packets of @ifname.  fd or
 * -errno (-ENODEV: no such interface). */
static inline int lws__plat_packet_ip_open(const char *ifname)
{
    struct sockaddr_ll ll;
    int fd;

    if (!ifname)
        return -EINVAL;
    memset(&ll, 0, sizeof(ll));
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_IP);
    ll.sll_ifindex = (int)if_nametoindex(ifname);
    if (!ll.sll_ifindex)
        return -ENODEV;
    fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                htons(ETH_P_IP));
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

#endif /* LWS_PLAT_SOCK_H */
