/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the router-advertisement client's glue (ra6-glue.c):
 * the helper instance with its rtnetlink monitor, and one entry per
 * requested interface with its core, ICMPv6 socket and timer.  The codec
 * and the core (pure) are in private-ra6-pure.h.
 */
#ifndef LWS_PRIVATE_RA6_H
#define LWS_PRIVATE_RA6_H

#include "private-dhcp6.h"

#define LWS__RA6_PROTOCOL "lws-ra6"

struct lws__ra6;

/* One requested interface. */
struct lws__ra6_if {
    lws_dll2_t list;
    struct lws__ra6 *r;
    char ifname[16];
    int ifindex;  /* 0 until the interface is seen */
    bool link_up; /* with carrier */
    struct lws__ra6_core core;
    struct lws *wsi; /* the ICMPv6 socket */
    lws_sorted_usec_list_t sul;
    int ndns_pub;             /* DNS servers last handed to the resolver */
    uint8_t v6_pub;           /* LWS_DHCPC_V6_ROUTER / _ADDR last published */
    struct lws__dhcp6_if *d6; /* the DHCPv6 client, run on M/O */
};

/* The helper instance (LWS__HELPER(cx, RA6)). */
struct lws__ra6 {
    struct lws_context *cx;
    struct lws_vhost *vh;
    struct lws__ra6_cfg cfg;
    lws_dll2_owner_t ifs;
    lws_dll2_owner_t releasing; /* removed DHCPv6 clients' Releases */
    struct lws *wsi_nl;         /* link + IPv6 address monitor */
    uint32_t nl_seq;
    int dump;    /* 0: links being listed, 1: addresses, 2: done */
    bool redump; /* list the addresses again when this dump ends */
    struct lws__news_observer news; /* DHCPv6 DNS servers to merge */
};

#endif /* LWS_PRIVATE_RA6_H */
