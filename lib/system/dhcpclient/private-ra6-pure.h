/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The IPv6 router-advertisement client's pure half: the codec (Router
 * Advertisements in, Router Solicitations out, RFC 4861 §4.1/§4.2 with the
 * options of RFC 4861 §4.6, RFC 8106 and RFC 8910) and the core, a
 * sans-I/O machine per interface that solicits with RFC 4861 §6.3.7
 * timing and keeps routers, DNS servers, search domains, prefixes, the
 * captive-portal URI and the global addresses the kernel made (SLAAC) with
 * their lifetimes, on a clock the caller passes.  Only the public headers
 * and the wire header are included here.  Addresses are 16 bytes in
 * network byte order.
 */
#ifndef LWS_PRIVATE_RA6_PURE_H
#define LWS_PRIVATE_RA6_PURE_H

#include "private-wire.h"

/* ------------------------------------------------------------------------
 * Codec (ra6-codec.c)
 */

#define LWS__RA6_TYPE_RS 133 /* RFC 4861 §4.1 */
#define LWS__RA6_TYPE_RA 134 /* RFC 4861 §4.2 */
#define LWS__RA6_RS_LEN  8   /* type, code, checksum, reserved */

/* Per-message limits: what one RA can carry into the core; more of a kind
 * is ignored (logged). */
#define LWS__RA6_MSG_PREFIXES 8
#define LWS__RA6_MSG_RDNSS    8
#define LWS__RA6_MSG_DNSSL    4
#define LWS__RA6_NAME_MAX     254 /* a domain name in dotted form, with NUL */
#define LWS__RA6_URI_MAX      256 /* captive-portal URI, with NUL */

/* RA flags (byte 5 of the message, RFC 4861 §4.2, RFC 4191 §2.2). */
#define LWS__RA6_F_MANAGED 0x80 /* M: addresses by DHCPv6 */
#define LWS__RA6_F_OTHER   0x40 /* O: other configuration by DHCPv6 */
/* Prefix information flags (RFC 4861 §4.6.2). */
#define LWS__RA6_PF_ONLINK 0x80 /* L */
#define LWS__RA6_PF_AUTO   0x40 /* A: usable for SLAAC */

#define LWS__RA6_INFINITE 0xffffffffu /* lifetime that never ends */

struct lws__ra6_prefix {
    uint8_t prefix[16];
    uint8_t len;          /* prefix length, bits */
    uint8_t flags;        /* LWS__RA6_PF_* */
    uint32_t valid_s;     /* valid lifetime, s */
    uint32_t preferred_s; /* preferred lifetime, s */
};

/* One parsed Router Advertisement. */
struct lws__ra6_msg {
    uint8_t hop_limit;      /* cur hop limit advertised, 0 = unspecified */
    uint8_t flags;          /* LWS__RA6_F_* */
    uint16_t router_life_s; /* default router lifetime, s; 0 = not one */
    uint32_t reachable_ms;  /* 0 = unspecified */
    uint32_t retrans_ms;    /* 0 = unspecified */
    uint32_t mtu;           /* MTU option, 0 = none (or ignored) */
    uint8_t nprefix, nrdnss, ndnssl;
    bool have_captive; /* option 37 present (URI may be empty) */
    struct lws__ra6_prefix prefix[LWS__RA6_MSG_PREFIXES];
    uint8_t rdnss[LWS__RA6_MSG_RDNSS][16];
    uint32_t rdnss_life_s[LWS__RA6_MSG_RDNSS];
    char dnssl[LWS__RA6_MSG_DNSSL][LWS__RA6_NAME_MAX];
    uint32_t dnssl_life_s[LWS__RA6_MSG_DNSSL];
    char captive[LWS__RA6_URI_MAX]; /* RFC 8910 URI, "" if none */
};

/* Parses an ICMPv6 message (from its type byte on) as an RA.  Checks the
 * message (type 134, code 0, length) and every option length (RFC 4861
 * §6.1.2: a zero length or one past the end discards the whole RA); an
 * option with a length or content its RFC forbids is ignored alone.
 * @return 0, or -EINVAL (logged at debug). */
int lws__ra6_parse(const uint8_t *buf, size_t len, struct lws__ra6_msg *m);
/* Writes a Router Solicitation (no options: the source link-layer address
 * option is optional, and forbidden from the unspecified address, RFC 4861
 * §4.1) into @buf.  @return its length, or 0 if @len is too small. */
size_t lws__ra6_rs_build(uint8_t *buf, size_t len);

/* Reads one RFC 1035 name (uncompressed; letters, digits, '-', '_')
 * into @out (LWS__RA6_NAME_MAX), dotted.  @return 1, 0 for the root (the
 * end of a list), -1 if malformed.  Shared with the DHCPv6 codec. */
int lws__ra6_name(struct lws__wire *w, char *out);
/* Copies a captive-portal URI of at most @len bytes (up to a NUL) into
 * @out (LWS__RA6_URI_MAX) if it fits and has only URI characters.
 * @return 0, or -1 (logged). */
int lws__ra6_uri(const uint8_t *p, size_t len, char *out);

/* Address classes (RFC 4291 §2.4). */
bool lws__ra6_addr_linklocal(const uint8_t *a);
/* Usable as a DNS server: not unspecified, loopback, multicast or
 * IPv4-mapped. */
bool lws__ra6_addr_unicast(const uint8_t *a);

/* ------------------------------------------------------------------------
 * Core (ra6-core.c)
 */

/* What the core keeps per interface. */
#define LWS__RA6_ROUTERS  4
#define LWS__RA6_RDNSS    4 /* RFC 8106 §5.3.1: a bounded list */
#define LWS__RA6_DNSSL    4
#define LWS__RA6_PREFIXES 4
#define LWS__RA6_ADDRS    4

#define LWS__RA6_NEVER INT64_MAX /* an expiry that never comes */

struct lws__ra6_cfg {
    uint32_t rs_count;        /* RFC 4861 §10 MAX_RTR_SOLICITATIONS: 3 */
    uint32_t rs_interval_ms;  /* RTR_SOLICITATION_INTERVAL: 4000 */
    uint32_t rs_delay_max_ms; /* MAX_RTR_SOLICITATION_DELAY: 1000 */
};

typedef uint32_t (*lws__ra6_rand_t)(void *ctx);

enum lws__ra6_state {
    LWS__RA6_ST_STOPPED,    /* not started, or the link is down */
    LWS__RA6_ST_DELAY,      /* waiting the random delay before the 1st RS */
    LWS__RA6_ST_SOLICITING, /* RS sent, no RA yet */
    LWS__RA6_ST_IDLE,       /* an RA came, or the solicitations ran out */
};

/* What changed in a core call (lws__ra6_out.changed bits). */
#define LWS__RA6_CH_ROUTERS  (1u << 0)
#define LWS__RA6_CH_RDNSS    (1u << 1)
#define LWS__RA6_CH_DNSSL    (1u << 2)
#define LWS__RA6_CH_PREFIXES (1u << 3)
#define LWS__RA6_CH_CAPTIVE  (1u << 4)
#define LWS__RA6_CH_FLAGS    (1u << 5) /* M/O or MTU */
#define LWS__RA6_CH_ADDRS    (1u << 6)

/* What the glue must do after a core call.  Every call resets it. */
struct lws__ra6_out {
    bool send_rs;     /* send a Router Solicitation to ff02::2 now */
    lws_usec_t wake;  /* absolute time of the next timer call, 0 = none */
    unsigned changed; /* LWS__RA6_CH_* */
};

/* An address with a lifetime: a default router (the link-local source
 * of its RAs) or a DNS server. */
struct lws__ra6_timed {
    lws_usec_t expires; /* monotonic us; 0 = free slot, LWS__RA6_NEVER
                           (first in each kept entry, see ra6-core.c) */
    uint8_t addr[16];
};

struct lws__ra6_domain {
    lws_usec_t expires; /* as above */
    char name[LWS__RA6_NAME_MAX];
};

struct lws__ra6_pfx {
    lws_usec_t expires;       /* end of the valid lifetime, as above */
    struct lws__ra6_prefix p; /* as last advertised */
};

/* A global address on the interface (from rtnetlink). */
struct lws__ra6_addr {
    uint8_t addr[16];
    uint8_t plen;
    bool used; /* slot in use */
};

struct lws__ra6_core {
    const struct lws__ra6_cfg *cfg;
    lws__ra6_rand_t rand;
    void *rand_ctx;
    int state;        /* enum lws__ra6_state */
    uint32_t rs_sent; /* in this round of solicitation */
    uint32_t rs_fail; /* RSs that could not leave, this round */
    lws_usec_t next_rs;
    uint32_t ras;          /* RAs accepted since start */
    uint32_t ras_dropped;  /* RAs refused whole (hop limit, source, framing) */
    uint32_t opts_refused; /* options refused alone (non-unicast RDNSS) */
    uint8_t flags;         /* LWS__RA6_F_* of the latest RA */
    uint32_t mtu;          /* latest MTU option, 0 = none */
    uint8_t hop_limit;
    char captive[LWS__RA6_URI_MAX]; /* latest RFC 8910 URI, "" none */
    struct lws__ra6_timed routers[LWS__RA6_ROUTERS];
    struct lws__ra6_timed rdnss[LWS__RA6_RDNSS];
    struct lws__ra6_domain dnssl[LWS__RA6_DNSSL];
    struct lws__ra6_pfx prefixes[LWS__RA6_PREFIXES];
    struct lws__ra6_addr addrs[LWS__RA6_ADDRS];
};

void lws__ra6_core_init(struct lws__ra6_core *c, const struct lws__ra6_cfg *cfg,
                        lws__ra6_rand_t rnd, void *rctx);
/* The link is up (RFC 4861 §6.3.7: solicit after a random delay). */
void lws__ra6_core_start(struct lws__ra6_core *c, lws_usec_t now,
                         struct lws__ra6_out *o);
/* The link went down: stop soliciting, forget what was learnt (the
 * network may be another when it comes back). */
void lws__ra6_core_stop(struct lws__ra6_core *c, lws_usec_t now,
                        struct lws__ra6_out *o);
/* An ICMPv6 message from @src (16 bytes) arrived with IPv6 hop limit
 * @hops.  RFC 4861 §6.1.2: dropped unless @hops is 255 and @src is
 * link-local. */
void lws__ra6_core_rx(struct lws__ra6_core *c, lws_usec_t now,
                      const uint8_t *src, int hops, const uint8_t *buf,
                      size_t len, struct lws__ra6_out *o);
/* The RS the core asked for could not leave (no usable source address
 * while DAD runs): it does not count, and is tried again in
 * LWS__RA6_RS_RETRY_MS, up to LWS__RA6_RS_RETRIES times per start. */
#define LWS__RA6_RS_RETRY_MS 500
#define LWS__RA6_RS_RETRIES  8
void lws__ra6_core_rs_failed(struct lws__ra6_core *c, lws_usec_t now,
                             struct lws__ra6_out *o);
/* The timer set by a previous out.wake fired. */
void lws__ra6_core_timer(struct lws__ra6_core *c, lws_usec_t now,
                         struct lws__ra6_out *o);
/* A global address appeared (@gone false) or went away on the interface. */
void lws__ra6_core_addr(struct lws__ra6_core *c, lws_usec_t now,
                        const uint8_t *addr, uint8_t plen, bool gone,
                        struct lws__ra6_out *o);
/* Counts of what is held now. */
int lws__ra6_core_count(const struct lws__ra6_core *c, unsigned ch);
/* True when IPv6 is usable: a default router, a global address and a DNS
 * server (the "v6" DHCP-step policy). */
bool lws__ra6_core_usable(const struct lws__ra6_core *c);
const char *lws__ra6_state_name(int s);

#endif /* LWS_PRIVATE_RA6_PURE_H */
