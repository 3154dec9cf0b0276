/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The platform interface: what the layers above need from the operating
 * system and cannot say in C11 + libuv (clocks and the clock setter, raw
 * packet sockets, rtnetlink).  Linux implements it in lib/plat/linux/; a
 * second platform is a second folder with the same functions.  Types are
 * plain C or the public header's; nothing here knows the layers above.
 */
#ifndef LWS_PRIVATE_PLAT_H
#define LWS_PRIVATE_PLAT_H

#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lws-system.h>

/* Log levels left out of the build (LWS_LOG_BUILD_MASK) compile to
 * nothing here too. */
#undef lwsl_info
#undef lwsl_debug
#define lwsl_info(...)                                                         \
    do {                                                                       \
        if (LWS_LOG_BUILD_MASK & LLL_INFO)                                     \
            lws_log_printf(LLL_INFO, __VA_ARGS__);                             \
    } while (0)
#define lwsl_debug(...)                                                        \
    do {                                                                       \
        if (LWS_LOG_BUILD_MASK & LLL_DEBUG)                                    \
            lws_log_printf(LLL_DEBUG, __VA_ARGS__);                            \
    } while (0)

/* ------------------------------------------------------------------------
 * Readiness sets (pollset.c): one kernel set of descriptors that a single
 * loop watcher polls, so a short-lived socket costs one registration and
 * no loop handle of its own.  Closing a descriptor removes it.
 */
#define LWS__PS_IN  1
#define LWS__PS_OUT 2
/* A new empty set: its descriptor, or a negative errno. */
int lws__plat_pollset_new(void);
/* Watches @fd for @events (LWS__PS_*); @added: it is in the set already.
 * @tag comes back with its events.  0 or a negative errno. */
int lws__plat_pollset_ctl(int ps, int fd, int events, bool added, void *tag);
/* Without waiting: up to @max ready descriptors' tags and events.
 * @return how many, or a negative errno. */
int lws__plat_pollset_wait(int ps, void **tags, int *events, int max);

/* ------------------------------------------------------------------------
 * Clocks (clock.c) and the clock setter (clock-set.c)
 */
/* Wall clock, microseconds since the Unix epoch (CLOCK_REALTIME). */
lws_usec_t lws__wall_usecs(void);
/* Steps the clock to @wall_us, or slews it (adjtime) when it is less than
 * 0.5 s away.  0 or a negative errno. */
int lws__plat_set_clock(lws_usec_t wall_us);
/* A descriptor that turns readable when the wall clock is stepped (set
 * discontinuously, by anyone: this process included), or a negative
 * errno.  Watch it for reading; close it when done. */
int lws__plat_clock_watch_open(void);
/* Reads the watch @fd: true when the clock was stepped since the last
 * read, false otherwise. */
bool lws__plat_clock_watch_stepped(int fd);

/* Datagram sockets for lws_create_adopt_udp(): plat-sock.h (inline). */

#define LWS__DHCPC_SERVER_PORT 67
#define LWS__DHCPC_CLIENT_PORT 68

/* ------------------------------------------------------------------------
 * Packet sockets (packet-sock.c) and rtnetlink (rtnetlink.c), for the
 * DHCPv4 client
 */

/* Raw AF_PACKET socket for IPv4 on @ifindex with a BPF filter for UDP to
 * port 68.  @return fd or -errno. */
int lws__dhcpc_raw_open(int ifindex);
/* Parks (@park: a drop-all filter, queue drained) or unparks (the socket's
 * own filter again, queue drained) a packet socket.  Closing a packet
 * socket waits for an RCU grace period (tens of ms on the loop thread), so
 * sockets not needed for a while are parked instead.  @arp selects the
 * ARP socket's filter (none) over the raw DHCP one.  0 or -errno. */
int lws__dhcpc_packet_park(int fd, bool park, bool arp);
/* Sends an IPv4 datagram to the link broadcast address. */
int lws__dhcpc_raw_send(int fd, int ifindex, const uint8_t *pkt, size_t len);
/* Reads one datagram; @return length, 0 if none, -errno.  *@csum_ok is
 * false when the kernel says the checksum is not filled in yet (may be
 * NULL). */
int lws__dhcpc_raw_recv(int fd, uint8_t *buf, size_t len, bool *csum_ok);
/* UDP socket bound to @ip:68 on @ifname (host order).  fd or -errno. */
int lws__dhcpc_udp_open(const char *ifname, uint32_t ip);
int lws__dhcpc_udp_send(int fd, uint32_t dst, const uint8_t *buf, size_t len);
/* ARP packet socket on @ifindex.  fd or -errno. */
int lws__dhcpc_arp_open(int ifindex);
int lws__dhcpc_arp_send(int fd, int ifindex, const uint8_t *pkt, size_t len);
/* True unless IPv6 is off on @ifname (disable_ipv6, or no IPv6 at all). */
bool lws__dhcpc_if_ipv6(const char *ifname);

/* rtnetlink: apply / remove a lease (blocking request + ack). */
int lws__dhcpc_nl_apply(const lws_dhcpc_ifstate_t *is, int op, uint32_t metric);
/* Link monitor socket subscribed to link events; fd or -errno. */
int lws__dhcpc_nl_monitor_open(void);
/* Asks the kernel to dump all links on the monitor socket. */
int lws__dhcpc_nl_dump_links(int fd, uint32_t seq);
/* One parsed link event from the monitor. */
struct lws__dhcpc_link {
    int ifindex;
    char ifname[16];
    bool up;      /* IFF_UP and IFF_RUNNING (carrier) */
    bool removed; /* RTM_DELLINK */
};
/* Reads what is queued; @cb per link, @done set when the dump ended.
 * @return 0, or -errno. */
int lws__dhcpc_nl_monitor_read(int fd,
                               void (*cb)(void *ctx,
                                          const struct lws__dhcpc_link *l),
                               void *ctx, bool *done);

/* ------------------------------------------------------------------------
 * ICMPv6 (icmp6-sock.c) and the IPv6 address monitor (rtnetlink6.c), for
 * the router-advertisement client.  Addresses are 16 bytes, network order.
 */

/* Raw ICMPv6 socket on @ifname that receives only Router Advertisements
 * (ICMP6_FILTER) with their hop limit, and sends with hop limit 255.
 * fd or -errno. */
int lws__ra6_icmp_open(const char *ifname);
/* Sends @pkt (an ICMPv6 message, checksum left to the kernel) to all
 * routers (ff02::2) on @ifindex.  0 or -errno. */
int lws__ra6_icmp_send(int fd, int ifindex, const uint8_t *pkt, size_t len);
/* Reads one message: its source and IPv6 hop limit (-1 if not told).
 * @return length, 0 if none is queued, -errno. */
int lws__ra6_icmp_recv(int fd, uint8_t *buf, size_t len, uint8_t *src,
                       int *hops);

/* rtnetlink socket subscribed to link and IPv6 address events; fd or
 * -errno. */
int lws__ra6_nl_open(void);
/* Asks for a dump of all links (@addrs false) or IPv6 addresses. */
int lws__ra6_nl_dump(int fd, uint32_t seq, bool addrs);
/* One parsed event. */
struct lws__ra6_nl_ev {
    bool is_addr;   /* an address event, else a link event */
    bool removed;   /* RTM_DELLINK / RTM_DELADDR */
    bool up;        /* link: IFF_UP and carrier */
    bool usable;    /* address: global scope, not tentative/dadfailed */
    bool dadfailed; /* address: IFA_F_DADFAILED (a duplicate on the link) */
    int ifindex;
    char ifname[16]; /* link events */
    uint8_t addr[16];
    uint8_t plen;
};
/* Reads what is queued; @cb per event; *@done set when a dump ended.
 * @return 0 or -errno (-ENOBUFS: events were lost, dump again). */
int lws__ra6_nl_read(int fd,
                     void (*cb)(void *ctx, const struct lws__ra6_nl_ev *e),
                     void *ctx, bool *done);

/* The DHCPv6 client (icmp6-sock.c, rtnetlink6.c).  Sends @pkt to ff02::1:2 port
 * 547 on @ifindex.  0 or -errno. */
int lws__dhcp6_sock_send(int fd, int ifindex, const uint8_t *pkt, size_t len);
/* Adds (or updates) / removes an IPv6 address /128 on @ifindex with its
 * preferred and valid lifetimes, s (0xffffffff: forever).  0 or -errno. */
int lws__dhcp6_nl_addr(int ifindex, const uint8_t *addr, uint32_t preferred_s,
                       uint32_t valid_s, bool add);

#endif
