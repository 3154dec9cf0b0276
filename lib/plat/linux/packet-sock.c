/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Linux sockets of the DHCPv4 client: the raw AF_PACKET socket (cooked,
 * IPv4 ethertype) with a BPF filter that lets only UDP to port 68 through,
 * used while the interface has no address; the UDP socket bound to the
 * leased address and the interface for RENEWING and RELEASE; the ARP
 * packet socket for RFC 5227 probes; and the interface index / MAC lookup.
 */
#define LWS_LOGMOD dhcpc
#include "private-plat.h"

#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/* On a cooked socket the filter sees the IPv4 header at offset 0: UDP, not
 * a fragment, destination port 68. */
static struct sock_filter dhcp_code[] = {
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LWS__DHCPC_CLIENT_PORT, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0xffff),
    BPF_STMT(BPF_RET | BPF_K, 0),
};
static struct sock_filter drop_code[] = {BPF_STMT(BPF_RET | BPF_K, 0)};

/* The link-layer address of @proto on @ifindex, to the broadcast MAC. */
static __attribute__((noinline)) void sock_ll(struct sockaddr_ll *ll,
                                              int ifindex, uint16_t proto)
{
    memset(ll, 0, sizeof(*ll));
    ll->sll_family = AF_PACKET;
    ll->sll_protocol = htons(proto);
    ll->sll_ifindex = ifindex;
    ll->sll_halen = 6;
    memset(ll->sll_addr, 0xff, 6);
}

/* A packet socket for @proto on @ifindex, with the DHCP filter (and
 * checksum status) when @dhcp.  Protocol 0 until the filter is on, so
 * nothing unfiltered queues.  @return fd or -errno. */
static int sock_packet_open(int ifindex, uint16_t proto, bool dhcp)
{
    struct sock_fprog prog = {.len = sizeof(dhcp_code) / sizeof(dhcp_code[0]),
                              .filter = dhcp_code};
    struct sockaddr_ll ll;
    int fd, r, one = 1;

    fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    sock_ll(&ll, ifindex, proto);
    if ((dhcp &&
         (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
          setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))) ||
        bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
        r = -errno;
        close(fd);
        return r;
    }
    return fd;
}

int lws__dhcpc_packet_park(int fd, bool park, bool arp)
{
    struct sock_fprog prog = {.len = 1, .filter = drop_code};
    uint8_t junk[64];
    int r = 0, dummy = 0;

    if (!park) {
        prog.len = sizeof(dhcp_code) / sizeof(dhcp_code[0]);
        prog.filter = dhcp_code;
    }
    if (!park && arp)
        r = setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof(dummy));
    else
        r = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
    if (r)
        return -errno;
    /* What queued under the old filter is stale either way. */
    while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_TRUNC) >= 0)
        ;
    return 0;
}

int lws__dhcpc_raw_open(int ifindex)
{
    return sock_packet_open(ifindex, ETH_P_IP, true);
}

static int sock_packet_send(int fd, int ifindex, uint16_t proto,
                            const uint8_t *pkt, size_t len)
{
    struct sockaddr_ll ll;

    sock_ll(&ll, ifindex, proto);
    if (sendto(fd, pkt, len, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
        return -errno;
    return 0;
}

int lws__dhcpc_raw_send(int fd, int ifindex, const uint8_t *pkt, size_t len)
{
    return sock_packet_send(fd, ifindex, ETH_P_IP, pkt, len);
}

int lws__dhcpc_raw_recv(int fd, uint8_t *buf, size_t len, bool *csum_ok)
{
    union {
        struct cmsghdr h;
        uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } cb;
    struct sockaddr_ll ll;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr mh;
    ssize_t n;

    for (;;) {
        memset(&mh, 0, sizeof(mh));
        mh.msg_name = &ll;
        mh.msg_namelen = sizeof(ll);
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = &cb;
        mh.msg_controllen = sizeof(cb);
        n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        if (ll.sll_pkttype == PACKET_OUTGOING)
            continue; /* our own transmission looped back */
        if (csum_ok) {
            *csum_ok = true;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
                 c = CMSG_NXTHDR(&mh, c)) {
                struct tpacket_auxdata aux;

                if (c->cmsg_level != SOL_PACKET ||
                    c->cmsg_type != PACKET_AUXDATA ||
                    c->cmsg_len < CMSG_LEN(sizeof(aux)))
                    continue;
                memcpy(&aux, CMSG_DATA(c), sizeof(aux));
                /* Checksum offload on a local path: not filled in. */
                if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
                    *csum_ok = false;
            }
        }
        return (int)n;
    }
}

static void sock_in(struct sockaddr_in *sin, uint32_t ip, uint16_t port)
{
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.s_addr = htonl(ip);
}

int lws__dhcpc_udp_open(const char *ifname, uint32_t ip)
{
    struct sockaddr_in sin;
    int fd, one = 1, r;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    sock_in(&sin, ip, LWS__DHCPC_CLIENT_PORT);
    /* FREEBIND: the lease may be reported only, not on the interface. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) ||
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
                   (socklen_t)strlen(ifname)) ||
        bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
        r = -errno;
        close(fd);
        return r;
    }
    return fd;
}

int lws__dhcpc_udp_send(int fd, uint32_t dst, const uint8_t *buf, size_t len)
{
    struct sockaddr_in sin;

    sock_in(&sin, dst, LWS__DHCPC_SERVER_PORT);
    if (sendto(fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
        return -errno;
    return 0;
}

#if LWS_WITH_SYS_DHCP_ACD
int lws__dhcpc_arp_open(int ifindex)
{
    return sock_packet_open(ifindex, ETH_P_ARP, false);
}

int lws__dhcpc_arp_send(int fd, int ifindex, const uint8_t *pkt, size_t len)
{
    return sock_packet_send(fd, ifindex, ETH_P_ARP, pkt, len);
}
#endif

bool lws__dhcpc_if_ipv6(const char *ifname)
{
    char path[96], c = '1';
    int fd;

    if (snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
                 ifname) >= (int)sizeof(path))
        return true; /* cannot tell: assume the stricter MTU rule */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno != ENOENT; /* no such file: no IPv6 in this kernel */
    if (read(fd, &c, 1) != 1)
        c = '0';
    close(fd);
    return c == '0';
}
