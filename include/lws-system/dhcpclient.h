/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client (RFC 2131/2132): the whole life of a lease on any number of
 * interfaces -- DISCOVER/OFFER/REQUEST/ACK (or Rapid Commit, RFC 4039),
 * INIT-REBOOT from a remembered lease, RENEWING at T1 by unicast, REBINDING
 * at T2 by broadcast, expiry, NAK, RELEASE -- applied to the interface
 * (the application's dhcpc_apply system op, or the built-in Linux rtnetlink
 * implementation), with an rtnetlink link monitor and optional RFC 5227
 * address conflict detection.
 *
 * Thread rule: every function here is loop-thread only ("Thread: loop.");
 * the per-interface callback always runs on the loop thread, never inside
 * the call that started the work.
 *
 * Byte order: every address and number in struct lws_dhcpc_ifstate is in
 * HOST byte order, except the members of the lws-compatible sa46[] array,
 * which are real struct sockaddr_in (network byte order, usable with
 * inet_ntop()).
 */
#ifndef LWS_SYSTEM_DHCPCLIENT_H
#define LWS_SYSTEM_DHCPCLIENT_H

#include <lws-system/system.h>

#ifdef __cplusplus
extern "C" {
#endif

/* lws-compatible indexes of lws_dhcpc_ifstate_t.nums[] (host byte order). */
typedef enum {
    LWSDH_IPV4_SUBNET_MASK, /**< e.g. 0xffffff00 */
    LWSDH_IPV4_BROADCAST,   /**< broadcast address */
    LWSDH_LEASE_SECS,       /**< lease time, s (0xffffffff: infinite) */
    LWSDH_REBINDING_SECS,   /**< T2, s from the start of the lease */
    LWSDH_RENEWAL_SECS,     /**< T1, s from the start of the lease */

    LWSDH_COUNT
} lws_dhcpc_nums_t;

/* lws-compatible indexes of lws_dhcpc_ifstate_t.sa46[] (AF_INET sockaddrs,
 * network byte order; sin_family is 0 for an absent value). */
typedef enum {
    LWSDH_SA46_IP,
    LWSDH_SA46_DNS_SRV_1,
    LWSDH_SA46_DNS_SRV_2,
    LWSDH_SA46_DNS_SRV_3,
    LWSDH_SA46_DNS_SRV_4,
    LWSDH_SA46_IPV4_ROUTER,
    LWSDH_SA46_NTP_SERVER,  /**< first option 42 server (not option 4) */
    LWSDH_SA46_DHCP_SERVER, /**< server identifier, option 54 */

    LWSDH_SA46_COUNT
} lws_dhcpc_sa46_t;

/* Why the callback runs (lws_dhcpc_ifstate_t.event). */
#define LWS_DHCPC_EVENT_LIST(X)                                                \
    X(BOUND)     /* a new lease is in place (DORA or INIT-REBOOT) */           \
    X(RENEWED)   /* RENEWING succeeded and something in the lease changed */   \
    X(REBOUND)   /* REBINDING succeeded (maybe from another server) */         \
    X(NAK)       /* the server refused: lease dropped, restarting */           \
    X(EXPIRED)   /* the lease ran out: address removed, back to INIT */        \
    X(RELEASED)  /* lws_dhcpc_remove(): RELEASE sent (if configured) */        \
    X(LINK_DOWN) /* carrier lost: client paused, lease kept */                 \
    X(LINK_UP)   /* carrier back: re-verifying the lease */                    \
    X(CONFLICT)  /* ACD: address in use, DECLINE sent; ipv4 = that address */  \
    X(APPLY_FAILED) /* applying the lease failed: restarting */                \
    X(V6ONLY)       /* RFC 8925: IPv6-only preferred, IPv4 off for a while */

#define LWS__DHCPC_EVENT_ENUM(n) LWS_DHCPC_EVENT_##n,
typedef enum {
    LWS_DHCPC_EVENT_LIST(LWS__DHCPC_EVENT_ENUM) LWS_DHCPC_EVENT_COUNT
} lws_dhcpc_event_t;
#undef LWS__DHCPC_EVENT_ENUM

/* RFC 2131 client states (lws_dhcpc_ifstate_t.state). */
#define LWS_DHCPC_STATE_LIST(X)                                                \
    X(STOPPED)                                                                 \
    X(INIT)                                                                    \
    X(SELECTING)                                                               \
    X(REQUESTING)                                                              \
    X(INIT_REBOOT)                                                             \
    X(CHECKING) /* RFC 5227 probing of the offered address */                  \
    X(BOUND)                                                                   \
    X(RENEWING)                                                                \
    X(REBINDING)                                                               \
    X(LINK_DOWN)                                                               \
    X(DECLINED)    /* waiting before a new DISCOVER after a conflict */        \
    X(V6ONLY_WAIT) /* RFC 8925: IPv4 off for v6only_secs, then DISCOVER */

#define LWS__DHCPC_STATE_ENUM(n) LWS_DHCPC_STATE_##n,
typedef enum {
    LWS_DHCPC_STATE_LIST(LWS__DHCPC_STATE_ENUM) LWS_DHCPC_STATE_COUNT
} lws_dhcpc_state_t;
#undef LWS__DHCPC_STATE_ENUM

#define LWS_DHCPC_MAX_DNS    4
#define LWS_DHCPC_MAX_NTP    4
#define LWS_DHCPC_MAX_ROUTES 8

/** One route learned from option 121 (or the default route from option 3).
 *  Host byte order. */
struct lws_dhcpc_route {
    uint32_t dest;  /**< destination network */
    uint32_t gw;    /**< gateway, 0 for an on-link route */
    uint8_t prefix; /**< destination prefix length, 0..32 */
};

/* Operations of the dhcpc_apply system op. */
#define LWS_DHCPC_APPLY_ADD    1 /**< put the lease on the interface */
#define LWS_DHCPC_APPLY_REMOVE 2 /**< take it off (expiry, NAK, release) */

/**
 * What the client knows about one interface, given to the callback and to
 * the dhcpc_apply op.  The first five members are lws's layout; the rest are
 * lws-system additions, all in host byte order.
 */
typedef struct lws_dhcpc_ifstate {
    char ifname[16];                       /**< interface name */
    char domain[64];                       /**< option 15, NUL-terminated */
    uint8_t mac[6];                        /**< our hardware address */
    uint32_t nums[LWSDH_COUNT];            /**< host byte order, see above */
    lws_sockaddr46 sa46[LWSDH_SA46_COUNT]; /**< network byte order */

    /* lws-system additions */
    int event;            /**< lws_dhcpc_event_t: why this call */
    int state;            /**< lws_dhcpc_state_t after the event */
    int ifindex;          /**< kernel interface index, 0 if unknown */
    uint32_t ipv4;        /**< leased address, 0 = none */
    uint32_t netmask;     /**< subnet mask */
    uint8_t prefix_len;   /**< mask as a prefix length */
    uint32_t broadcast;   /**< broadcast address */
    uint32_t server;      /**< server identifier (option 54) */
    uint32_t lease_secs;  /**< lease time, s; 0xffffffff = infinite */
    uint32_t t1_secs;     /**< renewal time, s (validated) */
    uint32_t t2_secs;     /**< rebinding time, s (validated) */
    uint16_t mtu;         /**< option 26, 0 = not given */
    uint8_t dns_count;    /**< entries used in dns[] */
    uint8_t ntp_count;    /**< entries used in ntp[] */
    uint8_t route_count;  /**< entries used in routes[] */
    uint8_t rapid_commit; /**< 1 if the lease came by Rapid Commit */
    uint32_t dns[LWS_DHCPC_MAX_DNS]; /**< option 6 */
    uint32_t ntp[LWS_DHCPC_MAX_NTP]; /**< option 42 */
    /** Option 121 routes if given (option 3 then ignored, RFC 3442),
     *  else one default route via the first option 3 router. */
    struct lws_dhcpc_route routes[LWS_DHCPC_MAX_ROUTES];
    lws_usec_t lease_start; /**< monotonic time the lease was granted, us */
    /** V6ONLY_WAIT: how long IPv4 stays off, s (option 108, at least 300,
     *  RFC 8925 §3.4); 0 otherwise. */
    uint32_t v6only_secs;
    uint8_t policy; /**< LWS_DHCPC_POLICY_* of the interface */
    /** What the interface has on IPv6 (LWS_DHCPC_V6_* bits), as the RA
     *  client (lws_dhcpc6_request()) and DHCPv6 report it; details in
     *  lws_dhcpc6_get_ifstate(). */
    uint8_t v6;
    /** 1: usable by its policy (what the DHCP system state waits for). */
    uint8_t usable;
} lws_dhcpc_ifstate_t;

/* lws_dhcpc_ifstate_t.v6 */
#define LWS_DHCPC_V6_ROUTER 1 /**< a default router (RA) */
#define LWS_DHCPC_V6_ADDR   2 /**< a global address on the interface */
#define LWS_DHCPC_V6_DNS    4 /**< DNS servers (RA RDNSS or DHCPv6) */

/* When an interface counts as usable for the DHCP system state (the
 * per-interface policy, lws_dhcpc_req.policy).  IPv6 usable means a
 * default router, a global address and DNS servers, which needs
 * lws_dhcpc6_request() on the interface too. */
#define LWS_DHCPC_POLICY_EITHER 0 /**< default: IPv4 bound or IPv6 usable */
#define LWS_DHCPC_POLICY_V4     1 /**< IPv4 bound */
#define LWS_DHCPC_POLICY_V6     2 /**< IPv6 usable */
#define LWS_DHCPC_POLICY_BOTH   3 /**< IPv4 bound and IPv6 usable */

/**
 * The per-interface callback (lws's shape).  @is is borrowed for the call.
 * The return value is ignored.  Thread: loop.
 */
typedef int (*dhcpc_cb_t)(void *opaque, lws_dhcpc_ifstate_t *is);

/* Client identifier (option 61) flavours. */
#define LWS_DHCPC_CLIENTID_RFC4361 0 /**< default: IAID + DUID-LL */
#define LWS_DHCPC_CLIENTID_MAC     1 /**< htype 1 + MAC (RFC 2132) */
#define LWS_DHCPC_CLIENTID_NONE    2 /**< send no option 61 */

/**
 * A remembered lease for INIT-REBOOT, as given to / returned by the
 * persistence callbacks.  Host byte order.
 */
struct lws_dhcpc_saved_lease {
    uint32_t ipv4;   /**< the address to ask for again */
    uint32_t server; /**< the server that granted it */
    uint8_t mac[6];  /**< the hardware address it was granted to */
};

/**
 * Optional configuration, pointed to by lws_context_creation_info.dhcpc.
 * Zero everywhere means the default; the struct is copied at
 * lws_create_context().
 */
struct lws_dhcpc_info {
    /** 1: don't apply leases with the built-in rtnetlink code (report
     *  only, or the dhcpc_apply system op when the application gives it;
     *  the op always wins).  Default 0: apply.  Whoever applies it: a
     *  server answers a renewal by unicast to the leased address, so the
     *  address must really be on the interface for RENEWING to succeed. */
    uint8_t no_builtin_apply;
    /** 1: don't ask for Rapid Commit (RFC 4039).  Default 0: ask. */
    uint8_t no_rapid_commit;
    /** 1: probe the address with ARP before using it (RFC 5227) and
     *  DECLINE it on conflict.  Default 0: off (it adds
     *  (acd_probe_count - 1) * acd_probe_ms + acd_wait_ms to every new
     *  lease: 4 s at the defaults).  Ignored, with a warning, in a build
     *  with LWS_WITH_SYS_DHCP_ACD off (the lean profile). */
    uint8_t acd;
    /** LWS_DHCPC_CLIENTID_*.  Default RFC 4361. */
    uint8_t client_id_mode;
    /** 1: don't RELEASE the lease on lws_dhcpc_remove().  Default 0. */
    uint8_t no_release_on_remove;
    /** 1: the DHCP system state waits for every requested interface to be
     *  BOUND.  Default 0: any one. */
    uint8_t wait_all;
    /** 1: no rtnetlink link monitor (IFACE_COLDPLUG passes at once, link
     *  changes are not seen).  Default 0: monitor. */
    uint8_t no_link_monitor;
    /** 1: not IPv6-only capable: don't ask for option 108 (RFC 8925) and
     *  ignore it.  Default 0: ask; when an OFFER (or the ACK to an
     *  INIT-REBOOT, dropping the remembered lease) carries it and the
     *  interface has a default router and a global IPv6 address (seen by
     *  lws_dhcpc6_request() on it), the address is not requested and
     *  IPv4 stays off for the option's time (V6ONLY_WAIT, at least
     *  300 s), then DISCOVER again. */
    uint8_t no_ipv6_only;

    /** Option 12 hostname to send, or NULL.  Copied. */
    const char *hostname;
    /** Directory for one lease file per interface ("dhcpc-<ifname>.lease")
     *  used for INIT-REBOOT across restarts, or NULL.  Copied. */
    const char *lease_dir;
    /** Load a remembered lease for @ifname into @sl; return 0 if one was
     *  found.  Optional; wins over lease_dir.  Thread: loop. */
    int (*lease_load)(void *user, const char *ifname,
                      struct lws_dhcpc_saved_lease *sl);
    /** Save (@sl != NULL) or forget (@sl == NULL) the lease of @ifname.
     *  Optional; wins over lease_dir.  Thread: loop. */
    int (*lease_save)(void *user, const char *ifname,
                      const struct lws_dhcpc_saved_lease *sl);
    /** Opaque for lease_load / lease_save. */
    void *lease_user;

    /** Random delay before the first DISCOVER, 0..this ms.  Default 0
     *  (RFC 2131 §4.4.1 suggests 1..10 s; devices want speed). */
    uint32_t initial_delay_max_ms;
    /** DISCOVER / REQUEST retransmission interval once the fast phase is
     *  over, ms; doubles up to 16x (RFC 2131 §4.1: 4, 8, 16, 32, 64 s).
     *  Default 4000.  Tests shorten it. */
    uint32_t retx_base_ms;
    /** Retransmission jitter, +/- ms.  Default 1000 (RFC 2131 §4.1). */
    uint32_t retx_jitter_ms;
    /** Minimum renew/rebind retransmission, ms.  Default 60000
     *  (RFC 2131 §4.4.5).  Tests shorten it. */
    uint32_t renew_min_ms;
    /** Wait after a DECLINE before a new DISCOVER, ms.  Default 10000
     *  (RFC 2131 §3.1.5). */
    uint32_t decline_wait_ms;
    /** ACD: number of ARP probes (default 3, RFC 5227 PROBE_NUM). */
    uint32_t acd_probe_count;
    /** ACD: interval between probes, ms (default 1000; RFC 5227 uses a
     *  random 1..2 s). */
    uint32_t acd_probe_ms;
    /** ACD: wait after the last probe, ms (default 2000, ANNOUNCE_WAIT). */
    uint32_t acd_wait_ms;
    /** Route metric for routes the built-in apply adds.  Default 100. */
    uint32_t route_metric;
    /** Fast phase: during the first retx_fast_window_ms of getting a lease
     *  (from INIT or a failed INIT-REBOOT until BOUND), DISCOVER and
     *  REQUEST are retransmitted every retx_fast_ms +/- a quarter of it,
     *  not on the doubling schedule.  Default 2000 (at most retx_base_ms):
     *  at most ~0.57 packets/s, on average 0.5, so a lost packet costs
     *  ~2 s instead of 4..64 s.  RFC 2131 §4.1's 4 s doubled to 64 s is a
     *  SHOULD; the rate stays under one packet per second and the jitter
     *  keeps devices that boot together apart. */
    uint32_t retx_fast_ms;
    /** Length of the fast phase, ms.  Default 60000. */
    uint32_t retx_fast_window_ms;
};

/**
 * lws_dhcpc_request() - start (or keep) a DHCP client on @iface.
 *
 * Creates a client in INIT (or INIT-REBOOT if a lease is remembered) which
 * sends its first DISCOVER from the loop (after the configured initial
 * delay): once the link monitor's first listing of the links is read (at
 * most 100 ms; at once without a monitor), or as soon as the monitor sees
 * @iface up.  @cb is
 * called on every change of the lease (see lws_dhcpc_event_t), never inside
 * this call.  The interface need not exist yet.
 *
 * @param[in] context  the context
 * @param[in] iface    interface name (copied), < 16 characters
 * @param[in] af       AF_INET (0 is taken as AF_INET); AF_INET6 is not
 *                     supported
 * @param[in] cb       callback, or NULL
 * @param[in] opaque   passed to @cb
 * @return 0 on success, or if @iface is already managed (nothing changes);
 *         1 on failure (lws compatibility): bad arguments, unsupported
 *         family, out of memory, context being destroyed, or the helper
 *         compiled out.  The reason is logged.
 * Thread: loop.
 */
LWS_API int lws_dhcpc_request(struct lws_context *context, const char *iface,
                              int af, dhcpc_cb_t cb, void *opaque);

/** lws_dhcpc_request_ex()'s arguments: lws_dhcpc_request()'s, plus the
 *  interface's policy.  Zero everywhere but iface is the default. */
typedef struct lws_dhcpc_req {
    const char *iface; /**< interface name (copied), < 16 characters */
    int af;            /**< AF_INET or 0 */
    dhcpc_cb_t cb;     /**< callback, or NULL */
    void *opaque;      /**< passed to @cb */
    /** LWS_DHCPC_POLICY_*: when the interface lets the DHCP system state
     *  pass.  With lws_dhcpc_info.wait_all, every interface must be usable
     *  by its own policy, else any one. */
    uint8_t policy;
} lws_dhcpc_req_t;

/**
 * lws_dhcpc_request_ex() - lws_dhcpc_request() with a policy.
 *
 * As lws_dhcpc_request(), which is this with LWS_DHCPC_POLICY_EITHER; on
 * an interface already managed, only the policy changes.
 *
 * @return 0, or 1 on failure (as lws_dhcpc_request(); also a bad policy).
 * Thread: loop.
 */
LWS_API int lws_dhcpc_request_ex(struct lws_context *context,
                                 const lws_dhcpc_req_t *req);

/**
 * lws_dhcpc_remove() - stop the client on @iface (NULL: on all).
 *
 * Sends a RELEASE for a held lease (unless no_release_on_remove), removes
 * the lease from the interface and forgets the DNS/NTP servers it gave.
 * The callback of each removed client is called once more, with event
 * RELEASED, before this returns -- the one exception to "never inside the
 * starting call", since the client ceases to exist here.
 *
 * @return 0 if something was removed, 1 if nothing matched or the helper is
 *         compiled out.
 * Thread: loop.
 */
LWS_API int lws_dhcpc_remove(struct lws_context *context, const char *iface);

/**
 * lws_dhcpc_status() - is any managed interface bound?
 *
 * @param[out] sa46  if non-NULL and an interface is bound, receives that
 *                   interface's first DNS server (AF_INET, network order;
 *                   sin_family 0 if it got none)
 * @return 1 if an interface is BOUND (or RENEWING/REBINDING with its
 *         lease still valid), 0 otherwise (also when compiled out).
 * Thread: loop.
 */
LWS_API int lws_dhcpc_status(struct lws_context *context, lws_sockaddr46 *sa46);

/**
 * lws_dhcpc_get_ifstate() - copy the current state of @iface.
 *
 * Both families: the IPv4 lease and state, the policy, a summary of
 * IPv6 (v6) and whether the interface is usable by its policy; the IPv6
 * details (routers, addresses, DNS servers) are in
 * lws_dhcpc6_get_ifstate().
 * @param[out] is  receives the state (event set to the last event)
 * @return 0, -ENOENT (not managed), -EINVAL, or -ENOTSUP when compiled out.
 * Thread: loop.
 */
LWS_API int lws_dhcpc_get_ifstate(struct lws_context *context,
                                  const char *iface, lws_dhcpc_ifstate_t *is);

/** Name of a lws_dhcpc_state_t ("BOUND"), or "?".  Thread: any. */
LWS_API const char *lws_dhcpc_state_name(int state);
/** Name of a lws_dhcpc_event_t ("RENEWED"), or "?".  Thread: any. */
LWS_API const char *lws_dhcpc_event_name(int event);

/* ------------------------------------------------------------------------
 * IPv6 (LWS_WITH_SYS_DHCP6): router advertisements.  For each interface
 * given to lws_dhcpc6_request() the library listens for Router
 * Advertisements (RFC 4861) on an ICMPv6 socket, solicits them at link up,
 * and keeps what they say: default routers, DNS servers and search domains
 * (RDNSS/DNSSL, RFC 8106), prefixes, MTU, the M/O flags and the captive-
 * portal URI (RFC 8910), each until its lifetime ends.  The kernel does
 * stateless address autoconfiguration (SLAAC); the library only watches
 * (rtnetlink) which global addresses it made, and configures no route and
 * no IPv6 address but the one a DHCPv6 IA_NA gave.  DNS servers go to the
 * resolver (unless link-local: the resolver cannot use a scope), whether
 * the interface has a default router and a global address goes to the
 * DHCPv4 client (the DHCP step's policy, RFC 8925), and every change is
 * published on lws_smd (class LWSSMDCL_NETWORK, "type":"ra6").
 *
 * DHCPv6 (RFC 8415) runs on the same interfaces when the RAs ask: O alone
 * (stateless): Information-request for DNS servers (option 23), domains
 * (24), SNTP (31) and NTP servers (56) and the captive-portal URI (103),
 * asked again at the refresh time (32, else a day); M (stateful): Solicit
 * (with Rapid Commit) / Advertise / Request / Reply for one IA_NA, Renew
 * at T1, Rebind at T2, expiry; the address goes on the interface as a /128
 * with its lifetimes (the application's dhcpc6_apply system op, or the
 * built-in rtnetlink code; see lws_dhcpc6_lease_t), is removed and
 * declined when duplicate address detection fails for it (then Solicit
 * again), and is removed and released by lws_dhcpc6_remove().  Its DNS servers
 * join the RA's for the resolver; its state changes are on lws_smd
 * ("type":"dhcp6").  What it holds is in the dhcp6_* members of
 * lws_dhcpc6_ifstate_t. Every address here is AF_INET6 in network byte order;
 * link-local ones carry the interface index in sin6_scope_id.
 */

#define LWS_DHCPC6_MAX_ROUTERS  4
#define LWS_DHCPC6_MAX_DNS      4
#define LWS_DHCPC6_MAX_DOMAINS  4
#define LWS_DHCPC6_MAX_PREFIXES 4
#define LWS_DHCPC6_MAX_ADDRS    4

/* lws_dhcpc6_ifstate_t.ra_state */
#define LWS_DHCPC6_RA_STOPPED    0 /**< link down or not started */
#define LWS_DHCPC6_RA_DELAY      1 /**< random delay before the first RS */
#define LWS_DHCPC6_RA_SOLICITING 2 /**< RS sent, no RA from a router yet */
#define LWS_DHCPC6_RA_IDLE       3 /**< a router answered, or none did */

/* lws_dhcpc6_ifstate_t.dhcp6_state */
#define LWS_DHCPC6_D6_STOPPED   0 /**< no M/O flag seen, or link down */
#define LWS_DHCPC6_D6_INFO      1 /**< Information-request sent */
#define LWS_DHCPC6_D6_STATELESS 2 /**< information held until refresh */
#define LWS_DHCPC6_D6_SOLICIT   3 /**< Solicit sent */
#define LWS_DHCPC6_D6_REQUEST   4 /**< Request sent */
#define LWS_DHCPC6_D6_BOUND     5 /**< IA_NA address held */
#define LWS_DHCPC6_D6_RENEW     6 /**< Renew sent (after T1) */
#define LWS_DHCPC6_D6_REBIND    7 /**< Rebind sent (after T2) */
#define LWS_DHCPC6_D6_RELEASE   8 /**< Release sent (after remove; not seen) */
#define LWS_DHCPC6_D6_DECLINE   9 /**< Decline sent (DAD failed) */

/** A prefix from a Prefix Information option. */
struct lws_dhcpc6_prefix {
    uint8_t prefix[16];      /**< network byte order */
    uint8_t len;             /**< prefix length, bits */
    uint8_t onlink;          /**< L flag */
    uint8_t autoconf;        /**< A flag: SLAAC may use it */
    uint32_t valid_secs;     /**< remaining valid lifetime, s (0xffffffff:
                                  infinite) */
    uint32_t preferred_secs; /**< preferred lifetime as advertised, s */
};

/** What the IPv6 side knows about one interface (lws_dhcpc6_get_ifstate). */
typedef struct lws_dhcpc6_ifstate {
    char ifname[16];
    int ifindex;       /**< kernel interface index, 0 if unknown */
    int ra_state;      /**< LWS_DHCPC6_RA_* */
    uint32_t ras;      /**< valid RAs taken since the link came up */
    uint8_t managed;   /**< M flag of the latest RA (DHCPv6 addresses) */
    uint8_t other;     /**< O flag of the latest RA (DHCPv6 other config) */
    uint8_t hop_limit; /**< cur hop limit of the latest RA, 0 = none */
    uint8_t usable;    /**< 1: a default router, a global address and a
                            DNS server, RDNSS or DHCPv6 (the "v6" policy) */
    uint32_t mtu;      /**< latest MTU option, 0 = none */
    uint8_t router_count, dns_count, domain_count, prefix_count, addr_count;
    /** Default routers (link-local, scope set). */
    lws_sockaddr46 routers[LWS_DHCPC6_MAX_ROUTERS];
    /** RDNSS servers, and their remaining lifetimes, s (0xffffffff:
     *  infinite). */
    lws_sockaddr46 dns[LWS_DHCPC6_MAX_DNS];
    uint32_t dns_secs[LWS_DHCPC6_MAX_DNS];
    /** DNSSL search domains, dotted, NUL-terminated. */
    char domains[LWS_DHCPC6_MAX_DOMAINS][254];
    struct lws_dhcpc6_prefix prefixes[LWS_DHCPC6_MAX_PREFIXES];
    /** Global addresses the kernel put on the interface, with their prefix
     *  lengths (rtnetlink; tentative ones are not counted). */
    lws_sockaddr46 addrs[LWS_DHCPC6_MAX_ADDRS];
    uint8_t addr_plen[LWS_DHCPC6_MAX_ADDRS];
    /** RFC 8910 captive-portal URI from RA option 37, "" if none. */
    char captive_portal[256];
    uint32_t ras_dropped;  /**< RAs refused whole since the link came up:
                            *   hop limit not 255, source not link-local,
                            *   broken option framing */
    uint32_t opts_refused; /**< options refused alone (an RDNSS address that
                            *   is not unicast) */

    /* DHCPv6 (RFC 8415), run when an RA sets M (stateful) or O alone
     * (stateless).  Lifetimes are as the server granted them. */
    int dhcp6_state; /**< LWS_DHCPC6_D6_* */
    /** IA_NA address (a /128 put on the interface by the dhcpc6_apply
     *  op or the library), family 0 if none */
    lws_sockaddr46 dhcp6_addr;
    uint32_t dhcp6_preferred_secs; /**< 0xffffffff: infinite */
    uint32_t dhcp6_valid_secs;     /**< 0xffffffff: infinite */
    uint32_t dhcp6_valid_left;     /**< remaining valid lifetime now, s */
    uint32_t dhcp6_t1_secs, dhcp6_t2_secs; /**< renew / rebind times */
    uint8_t dhcp6_rapid_commit;     /**< the lease came by Rapid Commit */
    uint8_t dhcp6_server_duid_len;  /**< 0: no server yet */
    uint8_t dhcp6_server_duid[130]; /**< the server's DUID (option 2) */
    uint32_t dhcp6_replies; /**< valid Advertise / Reply messages taken */
    uint32_t dhcp6_dropped; /**< dropped: framing, transaction id, client
                             *   id, server id, unexpected type */
    uint32_t dhcp6_refused; /**< valid but refused: a failure status
                             *   (NoAddrsAvail, NoBinding, UseMulticast,
                             *   UnspecFail, ...) or no usable address */
    uint8_t dhcp6_dns_count, dhcp6_domain_count, dhcp6_ntp_count,
        dhcp6_ntp_fqdn_count;
    lws_sockaddr46 dhcp6_dns[LWS_DHCPC6_MAX_DNS];    /**< option 23 */
    char dhcp6_domains[LWS_DHCPC6_MAX_DOMAINS][254]; /**< option 24 */
    /** option 56 server and multicast addresses, then option 31 */
    lws_sockaddr46 dhcp6_ntp[LWS_DHCPC6_MAX_DNS];
    char dhcp6_ntp_fqdn[2][254];    /**< option 56 FQDNs */
    char dhcp6_captive_portal[256]; /**< option 103, "" if none */
} lws_dhcpc6_ifstate_t;

/**
 * The DHCPv6 IA_NA address, as given to the dhcpc6_apply system op
 * (lws_system_ops_t), the IPv6 sibling of dhcpc_apply:
 * op(cx, l, LWS_DHCPC_APPLY_ADD) when the address is bound and again at
 * each renewal or rebinding (new lifetimes), LWS_DHCPC_APPLY_REMOVE when
 * it goes (expiry, a new address, link down, lws_dhcpc6_remove() as its
 * Release is first sent, duplicate address detection failing,
 * lws_context_destroy()); a REMOVE always names what the last
 * successful ADD put there.  With the op the library puts nothing on the
 * interface itself; without it the built-in rtnetlink code adds the /128
 * with these lifetimes (so the kernel drops it at valid_secs if nothing
 * else does).  A failed ADD (a negative return) is logged, not retried
 * until the next renewal; the client keeps its lease (unlike DHCPv4, it
 * does not restart: a DHCPv6 server answers on multicast, not at the
 * address).  An ADD returning -EADDRINUSE means duplicate
 * address detection failed for it (the built-in code sees the kernel's
 * IFA_F_DADFAILED itself): the client declines the address (Decline,
 * retransmitted as RFC 8415 §18.2.8 says) and solicits again.  The op runs
 * on the loop thread, from a timer of its own,
 * never inside a library call other than lws_dhcpc6_remove() and
 * lws_context_destroy(); it may call lws_dhcpc6_remove() or destroy the
 * context (then a REMOVE for the address it holds follows, and nothing
 * more).  There is no persistence op: the server keys the binding on our
 * DUID-LL and IAID, both derived from the MAC, so it hands the same
 * address again after a restart without us storing anything, and with
 * Rapid Commit that takes one exchange, as DHCPv4's INIT-REBOOT does.
 */
typedef struct lws_dhcpc6_lease {
    char ifname[16]; /**< interface name */
    int ifindex;     /**< kernel interface index */
    /** The address (AF_INET6, network byte order). */
    lws_sockaddr46 addr;
    /** 128: an IA_NA address carries no prefix (RFC 8415 §21.6); the
     *  on-link prefix is the RA's. */
    uint8_t prefix_len;
    uint32_t preferred_secs; /**< as granted, from now; 0xffffffff: infinite */
    uint32_t valid_secs;     /**< as granted, from now; 0xffffffff: infinite */
    uint32_t t1_secs, t2_secs; /**< renew / rebind times, s */
} lws_dhcpc6_lease_t;

/**
 * lws_dhcpc6_request() - watch router advertisements on @iface.
 *
 * Opens an ICMPv6 socket on @iface (filtered to RAs) and, once the link is
 * up, solicits routers (RFC 4861 §6.3.7: up to 3 RS, 4 s apart, after a
 * random delay of up to 1 s).  The interface need not exist yet.
 *
 * @return 0 (also when @iface is already watched), -EINVAL (bad
 *         arguments), -ENOMEM, -ECANCELED (context being destroyed) or
 *         -ENOTSUP (LWS_WITH_SYS_DHCP6 off).  Failures are logged.
 * Thread: loop.
 */
LWS_API int lws_dhcpc6_request(struct lws_context *context, const char *iface);

/**
 * lws_dhcpc6_remove() - stop watching @iface (NULL: all).  Its DNS servers
 * are taken back from the resolver; a DHCPv6 lease's address is removed
 * from the interface (the dhcpc6_apply op's REMOVE runs inside this call;
 * it may destroy the context) and the lease released: Release is sent now
 * and retransmitted from the loop (1, 2, 4, 8 s, RFC 8415 §18.2.7) until a
 * Reply or the fourth try, unless the context is destroyed first (then no
 * more).  lws_context_destroy() itself sends no Release.
 *
 * @return 0, -ENOENT (nothing matched) or -ENOTSUP.
 * Thread: loop.
 */
LWS_API int lws_dhcpc6_remove(struct lws_context *context, const char *iface);

/**
 * lws_dhcpc6_get_ifstate() - copy what the IPv6 side knows about @iface.
 *
 * @param[out] is  receives it (lifetimes as remaining seconds now)
 * @return 0, -ENOENT (not watched), -EINVAL, or -ENOTSUP.
 * Thread: loop.
 */
LWS_API int lws_dhcpc6_get_ifstate(struct lws_context *context,
                                   const char *iface, lws_dhcpc6_ifstate_t *is);

/**
 * lws_dhcpc6_status() - the IPv6 sibling of lws_dhcpc_status(): is IPv6
 * usable on any watched interface (a default router, a global address and
 * an RDNSS or DHCPv6 DNS server, all within their lifetimes)?
 * lws_dhcpc_status() itself reports DHCPv4 only.
 *
 * @param[out] sa46  if non-NULL and one is usable, receives its first DNS
 *                   server (AF_INET6)
 * @return 1 if usable, 0 otherwise (also when compiled out).
 * Thread: loop.
 */
LWS_API int lws_dhcpc6_status(struct lws_context *context,
                              lws_sockaddr46 *sa46);

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_DHCPCLIENT_H */
