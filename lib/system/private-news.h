/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Cross-helper news (news.c): one observer list per context.  A helper that
 * learns something others may use (the DHCP client: a lease's DNS and NTP
 * servers, a lease, a link going up or down; the RA client: IPv6 DNS
 * servers, default router and global address; DHCPv6: IPv6 DNS and NTP
 * servers) publishes it; helpers that care (the resolver, the SNTP client,
 * CPD) subscribe at creation and unsubscribe when
 * they go.  Neither side knows the other, and either may be compiled out.
 * The wall clock's steps come as news too (CLOCK_STEP).
 */
#ifndef LWS_PRIVATE_NEWS_H
#define LWS_PRIVATE_NEWS_H

#include "private-core.h"

enum lws__news_kind {
    LWS__NEWS_DNS_SERVERS,  /* @iface's lease: @addrs are DNS servers */
    LWS__NEWS_NTP_SERVERS,  /* @iface's lease: @addrs are NTP servers */
    LWS__NEWS_LINK,         /* a link went @up (or down) */
    LWS__NEWS_DNS6_SERVERS, /* @iface's router advertisements: @sa46 are
                               its IPv6 DNS servers (RDNSS) */
    LWS__NEWS_LEASE,        /* @iface's lease applied: @addrs are its address
                             * and server; @n 0: the lease is gone */
    LWS__NEWS_IP6,          /* @iface's IPv6 (the RA client): @v6 has
                               LWS_DHCPC_V6_ROUTER / _ADDR when it has a
                               default router / a global address */
    /* IPv6 (LWS_WITH_SYS_DHCP6).  DNS6_SERVERS above carries the union of
     * the RA's RDNSS and DHCPv6 option 23 servers of @iface. */
    LWS__NEWS_DHCP6_INFO,   /* @iface's DHCPv6 information changed: @sa46
                             * (n) its DNS servers (option 23), @names
                             * (nnames) its search domains (option 24) */
    LWS__NEWS_NTP6_SERVERS, /* @iface's DHCPv6 NTP servers: @sa46 (n) the
                             * unicast addresses (option 56 sub-option 1,
                             * then option 31), @names (nnames) the FQDNs
                             * (option 56 sub-option 3); n and nnames 0:
                             * none any more */
    LWS__NEWS_CAPTIVE_URI,  /* @iface's network gave a captive-portal URI
                             * (RFC 8910: DHCPv4 option 114, DHCPv6
                             * option 103, RA option 37): @uri, printable
                             * ASCII; NULL or "": none (any more) */
    LWS__NEWS_LEASE6,       /* @iface's DHCPv6 IA_NA address applied: @sa46
                             * (n 1) with @preferred_s / @valid_s (s,
                             * 0xffffffff forever); n 0: it is gone */
    LWS__NEWS_CLOCK_STEP,   /* the wall clock was stepped (set at once, not
                             * slewed), by anyone, this library included:
                             * wall time read before is stale.  Told by
                             * lws_wall_clock_stepped(): the SNTP client's
                             * watch on the plat's clock, or the application
                             * for a wall_clock source of its own */
};

struct lws__news {
    enum lws__news_kind kind;
    const char *iface;
    const uint32_t *addrs;      /* IPv4, host byte order; NULL when @n is 0 */
    const lws_sockaddr46 *sa46; /* DNS6_SERVERS: AF_INET6, n of them */
    const char *uri;            /* CAPTIVE_URI */
    size_t n;
    bool up;
    uint8_t v6;               /* IP6 */
    const char *const *names; /* DHCP6_INFO, NTP6_SERVERS: dotted names */
    size_t nnames;
    uint32_t preferred_s, valid_s; /* LEASE6 */
};

struct lws__news_observer {
    lws_dll2_t list;
    void (*cb)(struct lws_context *cx, const struct lws__news *news,
               void *opaque);
    void *opaque;
};

/* Subscribers are told in the order they subscribed. */
void lws__news_subscribe(struct lws_context *cx, struct lws__news_observer *o);
/* Safe when not subscribed, and from inside a news callback. */
void lws__news_unsubscribe(struct lws__news_observer *o);
void lws__news_publish(struct lws_context *cx, const struct lws__news *news);

#endif
