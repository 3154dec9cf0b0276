/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the DHCPv4 client glue: the instance and its interfaces,
 * sockets, lease persistence and applying.  The codec and the core (pure)
 * are in private-dhcpc-pure.h.
 */
#ifndef LWS_PRIVATE_DHCPC_H
#define LWS_PRIVATE_DHCPC_H

#include "private-dhcpc-pure.h"
#include "private-news.h"

/* ------------------------------------------------------------------------
 * Glue (dhcpc-glue.c: protocol, state, link monitor, API;
 * dhcpc-io.c: sockets, sending, applying, persistence)
 */

#define LWS__DHCPC_PROTOCOL "lws-dhcp4client"
/* Its entry (dhcpc-glue.c): the name's one copy for the other files. */
extern const struct lws_protocols lws__protocols_dhcpc[];

struct lws__dhcpc;

/* One requested interface. */
struct lws__dhcpc_if {
    /* The name (a pointer to it is no add), flags and scalars first:
     * short Thumb-2 offsets; the core last. */
    char ifname[16];
    bool have_mac;
    bool link_known; /* the monitor has told us about this interface */
    bool link_up;
    bool started; /* the core runs (not STOPPED) */
    bool dead;    /* removed while its callback runs */
    bool held;    /* its start waited for the links' first listing */
    bool raw_parked, arp_parked; /* kept open but deaf, see park() */
    uint8_t policy;              /* LWS_DHCPC_POLICY_* */
    uint8_t v6;                  /* LWS_DHCPC_V6_*: IP6 and DNS6_SERVERS news */
    lws_dll2_t list;
    struct lws__dhcpc *d;
    int ifindex;
    int busy; /* inside the user callback */
    struct lws *wsi_raw, *wsi_udp, *wsi_arp;
    dhcpc_cb_t cb;
    void *opaque;
    lws_sorted_usec_list_t sul; /* core timer and deferred kick */
    struct lws__dhcpc_core core;
};

/* The helper instance (lws_context.dhcpc). */
struct lws__dhcpc {
    struct lws_context *cx;
    struct lws_vhost *vh;
    bool coldplug_done;
    char *lease_dir;
    lws_dll2_owner_t ifs;
    struct lws *wsi_nl;
    uint32_t nl_seq;
    struct lws_dhcpc_info info; /* copy; strings in lease_dir, cfg */
    struct lws__dhcpc_cfg cfg;
    /* Freed with the context's memory, not at teardown: a callback may
     * destroy the context under one of our frames (lws__cx_gone()). */
    struct lws__later later;
    lws_state_notify_link_t nl;
    lws_sorted_usec_list_t sul_redrive;
    struct lws__news_observer news; /* IPv6 state of our interfaces */
};

/* RFC 8925's "IPv6 works": a default router and a global address. */
#define LWS__DHCPC_V6_OK(v6)                                                   \
    (((v6) & (LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR)) ==                     \
     (LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR))
/* Whether @ifc is usable by its policy. */
bool lws__dhcpc_usable(const struct lws__dhcpc_if *ifc);

int lws__dhcpc_lease_load(struct lws__dhcpc *d, const char *ifname,
                          struct lws_dhcpc_saved_lease *sl);
/* @sl NULL: forget. */
int lws__dhcpc_lease_save(struct lws__dhcpc *d, const char *ifname,
                          const struct lws_dhcpc_saved_lease *sl);
/* Opens, parks or closes the sockets so that exactly @want listen. */
void lws__dhcpc_socks(struct lws__dhcpc_if *ifc, unsigned int want);
/* Sends what the core put in @o (DHCP message and/or ARP). */
void lws__dhcpc_send(struct lws__dhcpc_if *ifc, const struct lws__dhcpc_out *o);
/* The state of @ifc as the user sees it, from lease @l. */
void lws__dhcpc_fill(struct lws__dhcpc_if *ifc,
                     const struct lws__dhcpc_lease *l, lws_dhcpc_ifstate_t *is);
/* Saves or forgets the lease as @o says. */
void lws__dhcpc_persist(struct lws__dhcpc_if *ifc,
                        const struct lws__dhcpc_out *o);
/* Removes / applies leases as @o says, handing DNS and NTP servers on.
 * @return false if applying failed (already undone). */
bool lws__dhcpc_do_apply(struct lws__dhcpc_if *ifc,
                         const struct lws__dhcpc_out *o);

#endif /* LWS_PRIVATE_DHCPC_H */
