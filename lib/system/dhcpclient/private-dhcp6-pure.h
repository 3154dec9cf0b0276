/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The DHCPv6 client's pure half (RFC 8415): the codec (client messages
 * out, Advertise and Reply in, with the options of RFC 8415 §21, DNS
 * servers and domains (RFC 3646), SNTP (RFC 4075), NTP servers (RFC 5908)
 * and the captive-portal URI (RFC 8910)) and the core, a sans-I/O machine
 * per interface: stateless (Information-request, RA O flag) or stateful
 * with one IA_NA (RA M flag), RFC 8415 §15 retransmission, on a clock the
 * caller passes.  Addresses are 16 bytes in network byte order.
 */
#ifndef LWS_PRIVATE_DHCP6_PURE_H
#define LWS_PRIVATE_DHCP6_PURE_H

#include "private-ra6-pure.h"

/* ------------------------------------------------------------------------
 * Codec (dhcp6-codec.c)
 */

/* Message types (RFC 8415 §7.3). */
enum {
    LWS__D6_SOLICIT = 1,
    LWS__D6_ADVERTISE = 2,
    LWS__D6_REQUEST = 3,
    LWS__D6_RENEW = 5,
    LWS__D6_REBIND = 6,
    LWS__D6_REPLY = 7,
    LWS__D6_RELEASE = 8,
    LWS__D6_DECLINE = 9,
    LWS__D6_RECONFIGURE = 10,
    LWS__D6_INFO_REQ = 11,
};

/* Status codes (RFC 8415 §21.13). */
enum {
    LWS__D6_ST_SUCCESS = 0,
    LWS__D6_ST_UNSPEC_FAIL = 1,
    LWS__D6_ST_NO_ADDRS = 2,
    LWS__D6_ST_NO_BINDING = 3,
    LWS__D6_ST_NOT_ON_LINK = 4,
    LWS__D6_ST_USE_MULTICAST = 5,
    LWS__D6_ST_NONE = 0xffff, /* no status code option */
};

#define LWS__D6_DUID_MAX   130 /* type (2) + up to 128 (RFC 8415 §11.1) */
#define LWS__D6_MSG_ADDRS  2   /* IAADDRs kept from one IA_NA */
#define LWS__D6_MAX_DNS    4
#define LWS__D6_MAX_DOMAIN 4
#define LWS__D6_MAX_NTP    4
#define LWS__D6_MAX_NTPFQ  2
#define LWS__D6_TX_MAX     320 /* largest message we send */
#define LWS__D6_INFINITE   0xffffffffu

/* What the network configures besides addresses. */
struct lws__d6_info {
    uint8_t ndns, ndomain, nntp, nntp_fqdn;
    uint8_t dns[LWS__D6_MAX_DNS][16];                   /* option 23 */
    char domain[LWS__D6_MAX_DOMAIN][LWS__RA6_NAME_MAX]; /* option 24 */
    uint8_t ntp[LWS__D6_MAX_NTP][16]; /* 56 addr / mcast, then 31 */
    char ntp_fqdn[LWS__D6_MAX_NTPFQ][LWS__RA6_NAME_MAX]; /* 56 FQDN */
    char captive[LWS__RA6_URI_MAX];                      /* 103, "" none */
};

struct lws__d6_iaaddr {
    uint8_t addr[16];
    uint32_t preferred_s, valid_s;
};

/* One parsed server message. */
struct lws__d6_msg {
    uint8_t type;
    uint32_t xid; /* 24 bits */
    uint8_t cid_len, sid_len;
    uint8_t cid[LWS__D6_DUID_MAX];
    uint8_t sid[LWS__D6_DUID_MAX];
    uint8_t pref; /* option 7, 0 if absent */
    bool rapid_commit;
    bool have_ia;      /* an IA_NA with our IAID */
    bool have_refresh; /* option 32 */
    uint16_t status;   /* top-level status, LWS__D6_ST_NONE if absent */
    uint16_t ia_status;
    uint8_t naddr;
    uint32_t iaid, t1_s, t2_s, refresh_s;
    struct lws__d6_iaaddr addr[LWS__D6_MSG_ADDRS];
    struct lws__d6_info info;
};

/* Parses a server message, keeping the IA_NA whose IAID is @iaid.
 * Checks the framing of every option, and of those in our IA_NA (one past
 * its end discards the whole message); an option whose length or content
 * its RFC forbids is ignored alone.  @return 0, -EINVAL (framing, short, a
 * client message type) or -EPROTO (a DUID out of bounds). */
int lws__d6_parse(const uint8_t *buf, size_t len, uint32_t iaid,
                  struct lws__d6_msg *m);

/* What to send. */
struct lws__d6_tx {
    uint8_t type;
    uint32_t xid;
    uint16_t elapsed_cs; /* option 8, centiseconds */
    const uint8_t *cid;  /* our DUID */
    size_t cid_len;
    const uint8_t *sid; /* server DUID, NULL: none */
    size_t sid_len;
    bool ia; /* an IA_NA with @iaid */
    uint32_t iaid;
    const uint8_t *addr; /* an IAADDR in it, NULL: none */
    bool rapid_commit;
    bool oro; /* ask for the options we use */
};

/* @return the length written, or -ENOSPC. */
int lws__d6_build(uint8_t *buf, size_t len, const struct lws__d6_tx *t);

/* DUID-LLT (@time not 0: seconds since 2000-01-01) or DUID-LL (@time 0)
 * from an Ethernet @mac.  @return its length (at most 14). */
size_t lws__d6_duid(uint8_t *buf, const uint8_t *mac, uint32_t time);

/* ------------------------------------------------------------------------
 * Core (dhcp6-core.c)
 */

enum lws__d6_state {
    LWS__D6_S_STOPPED,
    LWS__D6_S_INFO,      /* Information-request sent (stateless) */
    LWS__D6_S_STATELESS, /* information held until its refresh time */
    LWS__D6_S_SOLICIT,   /* Solicit sent, collecting Advertises */
    LWS__D6_S_REQUEST,
    LWS__D6_S_BOUND,
    LWS__D6_S_RENEW,
    LWS__D6_S_REBIND,
    LWS__D6_S_RELEASE, /* address given back, Release sent */
    LWS__D6_S_DECLINE, /* address found in use, Decline sent */
};

/* lws__d6_out.changed bits */
#define LWS__D6_CH_INFO  (1u << 0) /* lws__d6_info changed */
#define LWS__D6_CH_ADDR  (1u << 1) /* the leased address or its lifetimes */
#define LWS__D6_CH_STATE (1u << 2)

struct lws__d6_out {
    lws_usec_t wake; /* absolute time of the next timer call, 0 = none */
    unsigned changed;
    bool unapply; /* take @old_addr off the interface */
    uint8_t old_addr[16];
    size_t len; /* > 0: send pkt[len] to ff02::1:2 port 547 */
    uint8_t pkt[LWS__D6_TX_MAX];
};

struct lws__d6_cfg {
    uint8_t duid[LWS__D6_DUID_MAX];
    uint8_t duid_len;
    uint32_t iaid;
};

typedef uint32_t (*lws__d6_rand_t)(void *ctx);

struct lws__d6_core {
    const struct lws__d6_cfg *cfg;
    lws__d6_rand_t rand;
    void *rand_ctx;
    int state; /* enum lws__d6_state */
    uint32_t xid;
    lws_usec_t tx_start; /* first transmission of this exchange */
    lws_usec_t next_tx;
    uint32_t rt_ms;    /* the current retransmission timeout */
    uint32_t tx_count; /* transmissions of this exchange */
    /* the best Advertise so far */
    bool have_adv;
    uint8_t adv_pref, adv_sid_len;
    uint8_t adv_sid[LWS__D6_DUID_MAX];
    uint8_t adv_addr[16];
    /* the lease */
    bool have_addr;
    uint8_t addr[16];
    uint8_t sid_len;
    uint8_t sid[LWS__D6_DUID_MAX];
    uint32_t preferred_s, valid_s, t1_s, t2_s;
    lws_usec_t bound_at, t1_at, t2_at, valid_at;
    bool rapid;            /* the lease came by Rapid Commit */
    lws_usec_t refresh_at; /* stateless: the next Information-request */
    struct lws__d6_info info;
    uint32_t replies, dropped, refused;
};

void lws__d6_core_init(struct lws__d6_core *c, const struct lws__d6_cfg *cfg,
                       lws__d6_rand_t rnd, void *rctx);
/* The RA's M / O flags (LWS__RA6_F_*), at link up or when they change:
 * M starts a stateful exchange (unless one runs), O alone an
 * Information-request (unless information is held).  Flags going away
 * change nothing (RFC 8415 §6: they are hints). */
void lws__d6_core_ra(struct lws__d6_core *c, lws_usec_t now, uint8_t flags,
                     struct lws__d6_out *o);
/* Stop, without a Release: the address is unapplied and the information
 * forgotten. */
void lws__d6_core_stop(struct lws__d6_core *c, struct lws__d6_out *o);
/* Gives a held lease back (RFC 8415 §18.2.7): the address is unapplied at
 * once, then Release is sent and retransmitted (REL_TIMEOUT 1 s doubling,
 * REL_MAX_RC 4) until a Reply with its transaction id (any status) or the
 * last RT ends: then STOPPED.  Without a lease: nothing. */
void lws__d6_core_release(struct lws__d6_core *c, lws_usec_t now,
                          struct lws__d6_out *o);
/* Duplicate address detection failed for @addr (16 bytes): if it is the
 * lease's, it is unapplied and declined (§18.2.8: Decline, DEC_TIMEOUT 1 s
 * doubling, DEC_MAX_RC 4), then Solicit starts again. */
void lws__d6_core_dad(struct lws__d6_core *c, lws_usec_t now,
                      const uint8_t *addr, struct lws__d6_out *o);
void lws__d6_core_rx(struct lws__d6_core *c, lws_usec_t now, const uint8_t *buf,
                     size_t len, struct lws__d6_out *o);
void lws__d6_core_timer(struct lws__d6_core *c, lws_usec_t now,
                        struct lws__d6_out *o);
const char *lws__d6_state_name(int s);

#endif /* LWS_PRIVATE_DHCP6_PURE_H */
