/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the DHCPv6 client's glue (dhcp6-glue.c): one entry
 * per interface the router-advertisement glue (its only caller) watches,
 * with its core, UDP socket and timer.  The RA glue tells it the link
 * state and the RA's M/O flags; what it learns goes out on the news list
 * (LWS__NEWS_DHCP6_INFO, NTP6_SERVERS, CAPTIVE_URI, LEASE6) and to
 * lws_smd, and the IA_NA address onto the interface (the application's
 * dhcpc6_apply op, or rtnetlink).  The codec and the core (pure) are in
 * private-dhcp6-pure.h.
 */
#ifndef LWS_PRIVATE_DHCP6_H
#define LWS_PRIVATE_DHCP6_H

#include "private-dhcp6-pure.h"
#include "private-news.h"

struct lws__dhcp6_if {
    lws_dll2_t list; /* on the RA glue's list while a Release lingers */
    struct lws_context *cx;
    struct lws_vhost *vh;
    const char *proto; /* the caller's protocol, for the socket */
    char ifname[16];
    int ifindex;
    uint8_t flags; /* the RA's M/O as last told */
    struct lws__d6_cfg cfg;
    struct lws__d6_core core;
    struct lws *wsi; /* UDP port 546 */
    lws_sorted_usec_list_t sul;
    lws_sorted_usec_list_t sul_apply; /* runs d6_sync() from the loop */
    lws_dhcpc6_lease_t ap;            /* what the last ADD put there */
    bool applied;                     /* @ap is on the interface */
    bool apply_due; /* the core's address or lifetimes changed */
    bool busy;      /* the dhcpc6_apply op runs: @d must stay */
    bool dead;      /* freed when the op returns */
    bool linger;    /* removed, its Release retransmitted */
};

/* @sa: the IPv6 address @a, no port, no scope. */
void lws__d6_sa6(lws_sockaddr46 *sa, const uint8_t *a);

/* Seconds from @now to @exp, LWS__D6_INFINITE if @exp is LWS__RA6_NEVER. */
uint32_t lws__d6_left(lws_usec_t exp, lws_usec_t now);

/* The socket is made on protocol @proto of @vh with the lws__dhcp6_if as
 * its opaque: the caller's callback hands its datagrams to
 * lws__dhcp6_if_rx() and its close to lws__dhcp6_if_closed(). */
struct lws__dhcp6_if *lws__dhcp6_if_new(struct lws_context *cx,
                                        struct lws_vhost *vh,
                                        const char *ifname, const char *proto);
void lws__dhcp6_if_rx(struct lws__dhcp6_if *d, const void *in, size_t len);
void lws__dhcp6_if_closed(struct lws__dhcp6_if *d);
/* The link on @ifindex is @up (or not) with the RA's @flags: starts,
 * restarts or stops the client (down: no Release, the lease is dropped). */
void lws__dhcp6_if_ra(struct lws__dhcp6_if *d, int ifindex, bool up,
                      uint8_t flags);
/* Stops, removes the address and frees; while the dhcpc6_apply op runs on
 * @d, it is freed when the op returns.  With @linger and a lease held, @d
 * instead goes on @linger and lives on (its socket and timer) while its
 * Release is retransmitted, then frees itself; free it (NULL @linger) when
 * @linger's owner goes.  The caller forgets @d first: the op may call
 * lws_dhcpc6_remove() or destroy the context from inside this. */
void lws__dhcp6_if_free(struct lws__dhcp6_if *d, lws_dll2_owner_t *linger);
/* The kernel says duplicate address detection failed for @addr (16
 * bytes): declined if it is the lease's. */
void lws__dhcp6_if_dad(struct lws__dhcp6_if *d, const uint8_t *addr);
/* The DHCPv6 DNS servers (option 23) into @sa (up to @max).  @return how
 * many. */
size_t lws__dhcp6_if_dns(const struct lws__dhcp6_if *d, lws_sockaddr46 *sa,
                         size_t max);
/* Fills the dhcp6_* members of @is. */
void lws__dhcp6_if_fill(const struct lws__dhcp6_if *d,
                        lws_dhcpc6_ifstate_t *is);

#endif /* LWS_PRIVATE_DHCP6_H */
