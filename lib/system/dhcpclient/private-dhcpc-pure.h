/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client internals: the wire codec (BOOTP/DHCP messages, IPv4/UDP
 * framing for the raw socket, ARP for conflict detection), the sans-I/O
 * per-interface core (RFC 2131 state machine driven by on_rx / on_timer with
 * a caller-supplied clock, returning actions).  Pure: only the wire header
 * included; the glue is in private-dhcpc.h.
 */
#ifndef LWS_PRIVATE_DHCPC_PURE_H
#define LWS_PRIVATE_DHCPC_PURE_H

#include "private-wire.h"

/* ------------------------------------------------------------------------
 * Codec (dhcpc-codec.c)
 */

/* RFC 2131 §4.1 ports (the platform's filters use the same two, defined
 * again in private-plat.h, which the codec cannot include). */
#define LWS__DHCPC_SERVER_PORT 67
#define LWS__DHCPC_CLIENT_PORT 68

#define LWS__DHCPC_FIXED      236 /* BOOTP header up to the options */
#define LWS__DHCPC_COOKIE     0x63825363u
#define LWS__DHCPC_MAX        1500 /* largest message we build or accept */
#define LWS__DHCPC_IP4UDP_HDR 28   /* IPv4 (no options) + UDP header */

/* RFC 2132 §9.6 message types */
enum {
    LWS__DHCPC_DISCOVER = 1,
    LWS__DHCPC_OFFER = 2,
    LWS__DHCPC_REQUEST = 3,
    LWS__DHCPC_DECLINE = 4,
    LWS__DHCPC_ACK = 5,
    LWS__DHCPC_NAK = 6,
    LWS__DHCPC_RELEASE = 7,
    LWS__DHCPC_INFORM = 8
};

/* Options we send, parse or request */
enum {
    LWS__OPT_PAD = 0,
    LWS__OPT_SUBNET_MASK = 1,
    LWS__OPT_ROUTER = 3,
    LWS__OPT_DNS = 6,
    LWS__OPT_HOSTNAME = 12,
    LWS__OPT_DOMAIN = 15,
    LWS__OPT_MTU = 26,
    LWS__OPT_BROADCAST = 28,
    LWS__OPT_NTP = 42,
    LWS__OPT_REQ_IP = 50,
    LWS__OPT_LEASE = 51,
    LWS__OPT_OVERLOAD = 52,
    LWS__OPT_MSG_TYPE = 53,
    LWS__OPT_SERVER_ID = 54,
    LWS__OPT_PRL = 55,
    LWS__OPT_MESSAGE = 56,
    LWS__OPT_MAX_SIZE = 57,
    LWS__OPT_T1 = 58,
    LWS__OPT_T2 = 59,
    LWS__OPT_CLIENT_ID = 61,
    LWS__OPT_RAPID_COMMIT = 80,
    LWS__OPT_V6ONLY = 108,         /* RFC 8925 IPv6-only preferred */
    LWS__OPT_CAPTIVE_PORTAL = 114, /* RFC 8910 section 2.1 */
    LWS__OPT_DOMAIN_SEARCH = 119,
    LWS__OPT_CLASSLESS_ROUTE = 121,
    LWS__OPT_END = 255
};

/* Which options a parsed message carried (lws__dhcpc_msg.have). */
#define LWS__HAVE_MASK      (1u << 0)
#define LWS__HAVE_LEASE     (1u << 1)
#define LWS__HAVE_SERVER_ID (1u << 2)
#define LWS__HAVE_T1        (1u << 3)
#define LWS__HAVE_T2        (1u << 4)
#define LWS__HAVE_BROADCAST (1u << 5)
#define LWS__HAVE_MTU       (1u << 6)
#define LWS__HAVE_RAPID     (1u << 7)
#define LWS__HAVE_ROUTES121 (1u << 8)
#define LWS__HAVE_V6ONLY    (1u << 9)

/* Captive-portal URI (option 114), NUL included. */
#define LWS__DHCPC_URI_MAX 256

/* A parsed server message.  Every value in host byte order. */
struct lws__dhcpc_msg {
    /* small members first: short Thumb-2 offsets */
    uint8_t type; /* option 53 */
    uint8_t router_count, dns_count, ntp_count, route_count;
    uint16_t mtu;
    uint32_t xid;
    uint32_t yiaddr;
    uint32_t have; /* LWS__HAVE_* */
    uint32_t mask, broadcast, server_id;
    uint32_t lease, t1, t2; /* seconds */
    uint32_t v6only;        /* option 108, seconds */
    uint8_t chaddr[16];
    uint32_t router[LWS_DHCPC_MAX_DNS];
    uint32_t dns[LWS_DHCPC_MAX_DNS];
    uint32_t ntp[LWS_DHCPC_MAX_NTP];
    struct lws_dhcpc_route routes[LWS_DHCPC_MAX_ROUTES];
    char domain[64];  /* option 15, NUL-terminated, printable only */
    char message[64]; /* option 56, for logs */
    char captive[LWS__DHCPC_URI_MAX]; /* option 114 (see the codec) */
};

/* What to put in a client message. */
struct lws__dhcpc_tx {
    uint8_t type; /* LWS__DHCPC_* */
    uint32_t xid;
    uint16_t secs;
    uint32_t ciaddr;    /* host order; 0 unless RENEWING/REBINDING/RELEASE */
    uint32_t req_ip;    /* option 50, 0 = absent */
    uint32_t server_id; /* option 54, 0 = absent */
    const uint8_t *mac; /* 6 bytes */
    const uint8_t *client_id; /* option 61 bytes, or NULL */
    size_t client_id_len;
    const char *hostname; /* option 12, or NULL */
    bool rapid_commit;    /* option 80 (DISCOVER only) */
    bool v6only;          /* ask for option 108 (RFC 8925) */
    const char *message;  /* option 56 (DECLINE), or NULL */
};

/* Parses a BOOTREPLY.  @return 0, or -EBADMSG (reason logged at DEBUG). */
int lws__dhcpc_parse(const void *buf, size_t len,
                     struct lws__dhcpc_msg *m) LWS__MUST_CHECK;
/* Builds a client message into @buf.  @return its length, or -ENOSPC. */
int lws__dhcpc_build(void *buf, size_t len,
                     const struct lws__dhcpc_tx *t) LWS__MUST_CHECK;

/* Wraps @plen payload bytes already at @buf + LWS__DHCPC_IP4UDP_HDR in an IPv4
 * + UDP header (68 -> 67) with both checksums.  Host-order addresses.
 * @return total length, or -EINVAL. */
int lws__dhcpc_ip4udp_wrap(uint8_t *buf, size_t len, size_t plen, uint32_t src,
                           uint32_t dst) LWS__MUST_CHECK;
/* Checks an IPv4 datagram (header, lengths, checksums, UDP to port 68, not
 * fragmented) and finds its UDP payload.  @udp_csum false skips the UDP
 * checksum (the kernel says it was never computed: offload on a local
 * link).  @return 0 or -EBADMSG. */
int lws__dhcpc_ip4udp_unwrap(const uint8_t *pkt, size_t len, bool udp_csum,
                             size_t *payload_ofs, size_t *payload_len,
                             uint32_t *src) LWS__MUST_CHECK;

/* ARP over Ethernet (RFC 826), for RFC 5227 probes and conflict checks. */
#define LWS__DHCPC_ARP_LEN 28
struct lws__dhcpc_arp {
    uint16_t op;            /* 1 request, 2 reply */
    uint8_t sha[6], tha[6]; /* sender / target hardware address */
    uint32_t spa, tpa;      /* sender / target IPv4 address, host order */
};
int lws__dhcpc_arp_build(uint8_t *buf, size_t len,
                         const struct lws__dhcpc_arp *a);
int lws__dhcpc_arp_parse(const uint8_t *buf, size_t len,
                         struct lws__dhcpc_arp *a) LWS__MUST_CHECK;

/* Mask <-> prefix; -1 for a non-contiguous mask. */
int lws__dhcpc_mask_to_prefix(uint32_t mask);

/* ------------------------------------------------------------------------
 * Core (dhcpc-core.c): sans-I/O RFC 2131 machine for one interface.
 */

struct lws__dhcpc_cfg {
    bool rapid_commit; /* the flags first: short Thumb-2 offsets */
    bool acd;
    bool v6only;            /* ask for option 108 and honour it (RFC 8925) */
    uint8_t client_id_mode; /* LWS_DHCPC_CLIENTID_* */
    uint32_t retx_base_ms;
    uint32_t retx_jitter_ms;
    uint32_t retx_fast_ms;        /* 0: no fast phase */
    uint32_t retx_fast_window_ms; /* fast phase length from acq_start */
    uint32_t renew_min_ms;
    uint32_t decline_wait_ms;
    uint32_t initial_delay_max_ms;
    uint32_t acd_probe_count;
    uint32_t acd_probe_ms;
    uint32_t acd_wait_ms;
    uint32_t route_metric; /* for the glue's built-in apply */
    char hostname[64];     /* "" = none */
};

/* A lease as held by the core.  Host byte order. */
struct lws__dhcpc_lease {
    uint32_t ip, mask;
    /* From here to routes[] the members of lws_dhcpc_ifstate_t from
     * broadcast to routes[], in the same order (copied as one block). */
    uint32_t broadcast, server;
    uint32_t lease;  /* seconds, as granted (0xffffffff: infinite) */
    uint32_t t1, t2; /* seconds, validated */
    uint16_t mtu;
    uint8_t dns_count, ntp_count, route_count;
    uint8_t rapid;
    uint32_t dns[LWS_DHCPC_MAX_DNS];
    uint32_t ntp[LWS_DHCPC_MAX_NTP];
    struct lws_dhcpc_route routes[LWS_DHCPC_MAX_ROUTES];
    char domain[64];
    char captive[LWS__DHCPC_URI_MAX];
    uint64_t lease_ms, t1_ms, t2_ms; /* validated: 0 < t1 < t2 < lease */
};

/* Transmission kinds an action can ask for. */
enum {
    LWS__DHCPC_TX_NONE,
    LWS__DHCPC_TX_BCAST,   /* raw socket, IP/UDP built by us, to broadcast */
    LWS__DHCPC_TX_UNICAST, /* UDP socket bound to the lease, to tx_dst:67 */
};

/* Sockets the current state needs (bits). */
#define LWS__DHCPC_SOCK_RAW (1u << 0)
#define LWS__DHCPC_SOCK_UDP (1u << 1)
#define LWS__DHCPC_SOCK_ARP (1u << 2)

/* What the glue must do after a core call, in this order: unapply,
 * apply, save/forget, send, ARP, notify, re-arm the timer, sockets. */
struct lws__dhcpc_out {
    bool unapply;            /* remove the old lease (in the core's 'old') */
    bool apply;              /* put the current lease on the interface */
    bool save;               /* remember the lease for INIT-REBOOT */
    bool forget;             /* forget the remembered lease */
    int tx;                  /* LWS__DHCPC_TX_* */
    uint32_t tx_src, tx_dst; /* host order */
    size_t tx_len;
    bool arp;           /* send arp_buf on the ARP socket */
    int event;          /* lws_dhcpc_event_t, or -1 */
    lws_usec_t wake;    /* absolute time of the next on_timer, 0 = none */
    unsigned int socks; /* LWS__DHCPC_SOCK_* wanted now */
    /* The buffers last: out_reset() clears what is before them. */
    uint8_t tx_buf[LWS__DHCPC_MAX]; /* the DHCP message (no IP/UDP) */
    uint8_t arp_buf[LWS__DHCPC_ARP_LEN];
};

typedef uint32_t (*lws__dhcpc_rand_t)(void *ctx);

struct lws__dhcpc_core {
    /* The most used members first: short offsets, short instructions. */
    int state; /* lws_dhcpc_state_t */
    uint32_t xid;
    int attempt;              /* transmissions in this exchange */
    int nak_count;            /* consecutive NAKs, for backoff */
    struct lws__dhcpc_out *o; /* the actions of the call running */
    const struct lws__dhcpc_cfg *cfg;
    bool ipv6;  /* IPv6 is enabled on the link (MTU >= 1280) */
    bool v6_ok; /* set by the glue: a default router and a global
                 * IPv6 address (RFC 8925 §3.2) */
    bool have_lease;
    uint32_t reboot_ip, reboot_server; /* remembered lease */
    int acd_sent;
    int last_event;
    int apply_fails;      /* leases in a row the glue could not apply */
    uint32_t v6only_secs; /* V6ONLY_WAIT: the wait, s */
    lws__dhcpc_rand_t rand;
    void *rand_ctx;
    lws_usec_t now;         /* of the call running */
    lws_usec_t wake;        /* pending timer */
    lws_usec_t exch_start;  /* start of this exchange (secs field) */
    lws_usec_t acq_start;   /* start of getting a lease (fast phase) */
    lws_usec_t last_tx;     /* last REQUEST sent (lease start, §4.4.1) */
    lws_usec_t lease_start; /* monotonic */
    /* the same, at T1 (0: never, an infinite lease), T2 and the end */
    lws_usec_t lease_t1, lease_t2, lease_end;
    uint8_t mac[6];
    uint8_t client_id[32];
    size_t client_id_len;

    struct lws__dhcpc_lease offer; /* candidate in REQUESTING/CHECKING */
    struct lws__dhcpc_lease lease; /* current (applied if have_lease) */
    struct lws__dhcpc_lease old;   /* what 'unapply' must remove */
};

void lws__dhcpc_core_init(struct lws__dhcpc_core *c,
                          const struct lws__dhcpc_cfg *cfg, const uint8_t *mac,
                          uint32_t iaid, lws__dhcpc_rand_t rnd, void *rctx);
/* Begin (or after link-up, resume): INIT-REBOOT with a known lease. */
void lws__dhcpc_core_start(struct lws__dhcpc_core *c, lws_usec_t now,
                           struct lws__dhcpc_out *o);
/* A DHCP message (UDP payload) arrived. */
void lws__dhcpc_core_rx(struct lws__dhcpc_core *c, lws_usec_t now,
                        const uint8_t *buf, size_t len,
                        struct lws__dhcpc_out *o);
/* An ARP packet arrived (only looked at while CHECKING or BOUND). */
void lws__dhcpc_core_arp(struct lws__dhcpc_core *c, lws_usec_t now,
                         const uint8_t *buf, size_t len,
                         struct lws__dhcpc_out *o);
void lws__dhcpc_core_timer(struct lws__dhcpc_core *c, lws_usec_t now,
                           struct lws__dhcpc_out *o);
void lws__dhcpc_core_link(struct lws__dhcpc_core *c, lws_usec_t now, bool up,
                          struct lws__dhcpc_out *o);
/* Stop: RELEASE if @release and bound; unapply. */
void lws__dhcpc_core_stop(struct lws__dhcpc_core *c, lws_usec_t now,
                          bool release, struct lws__dhcpc_out *o);
/* Applying the lease failed: drop it and restart. */
void lws__dhcpc_core_apply_failed(struct lws__dhcpc_core *c, lws_usec_t now,
                                  struct lws__dhcpc_out *o);
/* Fills the lease part of @is (zeroed by the caller) from the core (host
 * order + sa46). */
void lws__dhcpc_core_ifstate(const struct lws__dhcpc_core *c,
                             const struct lws__dhcpc_lease *l,
                             lws_dhcpc_ifstate_t *is);
bool lws__dhcpc_core_bound(const struct lws__dhcpc_core *c);
/* The DHCP step's policy (LWS_DHCPC_POLICY_*) for one interface: is it
 * usable with IPv4 @v4 bound and IPv6 @v6 (LWS_DHCPC_V6_* bits)? */
bool lws__dhcpc_policy_ok(int policy, bool v4, unsigned v6);
const char *lws__dhcpc_state_name(int s);

#endif /* LWS_PRIVATE_DHCPC_PURE_H */
