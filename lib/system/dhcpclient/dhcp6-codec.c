/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv6 codec (RFC 8415 §8, §21): building the client's messages and
 * parsing the server's, every option read through the bounds-checked wire
 * reader.  A message whose option framing runs past its end is refused
 * whole; an option with a length or content its RFC forbids is ignored
 * alone (logged at debug).  Names and the captive-portal URI go through
 * the router-advertisement codec's checks (one set of rules for both).
 */
#define LWS_LOGMOD dhcp6
#include "private-dhcp6-pure.h"

enum {
    D6_OPT_CLIENTID = 1,
    D6_OPT_SERVERID = 2,
    D6_OPT_IA_NA = 3,
    D6_OPT_IAADDR = 5,
    D6_OPT_ORO = 6,
    D6_OPT_PREFERENCE = 7,
    D6_OPT_ELAPSED = 8,
    D6_OPT_STATUS = 13,
    D6_OPT_RAPID_COMMIT = 14,
    D6_OPT_DNS = 23,      /* RFC 3646 */
    D6_OPT_DOMAINS = 24,  /* RFC 3646 */
    D6_OPT_SNTP = 31,     /* RFC 4075 */
    D6_OPT_REFRESH = 32,  /* RFC 8415 §21.23 */
    D6_OPT_NTP = 56,      /* RFC 5908 */
    D6_OPT_CAPTIVE = 103, /* RFC 8910 §2.2 */
};

/* RFC 5908 §4 sub-options */
enum { D6_NTP_ADDR = 1, D6_NTP_MCAST = 2, D6_NTP_FQDN = 3 };

/* ------------------------------------------------------------------------
 * Building
 */

static void d6_opt(struct lws__wbuf *b, uint16_t code, uint16_t len)
{
    lws__wbuf_be16(b, code);
    lws__wbuf_be16(b, len);
}

size_t lws__d6_duid(uint8_t *buf, const uint8_t *mac, uint32_t time)
{
    struct lws__wbuf b;

    lws__wbuf_init(&b, buf, 14);
    lws__wbuf_be16(&b, time ? 1 : 3); /* DUID-LLT / DUID-LL (§11.2, §11.4) */
    lws__wbuf_be16(&b, 1);            /* hardware type: Ethernet */
    if (time)
        lws__wbuf_be32(&b, time);
    lws__wbuf_bytes(&b, mac, 6);
    return b.pos;
}

int lws__d6_build(uint8_t *buf, size_t len, const struct lws__d6_tx *t)
{
    static const uint16_t oro[] = {D6_OPT_DNS, D6_OPT_DOMAINS, D6_OPT_SNTP,
                                   D6_OPT_NTP, D6_OPT_CAPTIVE, D6_OPT_REFRESH};
    /* option 32 only in an Information-request (§21.23) */
    size_t noro = sizeof(oro) / sizeof(oro[0]) - (t->type != LWS__D6_INFO_REQ);
    struct lws__wbuf b;

    lws__wbuf_init(&b, buf, len);
    lws__wbuf_be32(&b, (uint32_t)t->type << 24 | (t->xid & 0xffffff));
    d6_opt(&b, D6_OPT_CLIENTID, (uint16_t)t->cid_len);
    lws__wbuf_bytes(&b, t->cid, t->cid_len);
    if (t->sid) {
        d6_opt(&b, D6_OPT_SERVERID, (uint16_t)t->sid_len);
        lws__wbuf_bytes(&b, t->sid, t->sid_len);
    }
    d6_opt(&b, D6_OPT_ELAPSED, 2);
    lws__wbuf_be16(&b, t->elapsed_cs);
    if (t->ia) {
        /* T1 and T2 0: the server chooses (§21.4) */
        d6_opt(&b, D6_OPT_IA_NA, t->addr ? 12 + 4 + 24 : 12);
        lws__wbuf_be32(&b, t->iaid);
        lws__wbuf_zero(&b, 8);
        if (t->addr) {
            d6_opt(&b, D6_OPT_IAADDR, 24);
            lws__wbuf_bytes(&b, t->addr, 16);
            lws__wbuf_zero(&b, 8); /* lifetimes: the server's to set */
        }
    }
    if (t->oro) {
        d6_opt(&b, D6_OPT_ORO, (uint16_t)(noro * 2));
        for (size_t i = 0; i < noro; i++)
            lws__wbuf_be16(&b, oro[i]);
    }
    if (t->rapid_commit)
        d6_opt(&b, D6_OPT_RAPID_COMMIT, 0);
    return b.err ? -ENOSPC : (int)b.pos;
}

/* ------------------------------------------------------------------------
 * Parsing
 */

/* Status code option (§21.13): the code; the message is UTF-8 text, only
 * logged. */
static uint16_t d6_status(struct lws__wire *w, size_t olen)
{
    uint16_t code;

    if (olen < 2)
        return LWS__D6_ST_NONE;
    code = lws__wire_be16(w);
    lwsl_debug("status %u: '%.*s'", code, (int)(olen - 2),
               (const char *)lws__wire_ptr(w, olen - 2));
    return code;
}

/* Addresses (a multiple of 16 bytes) into @dst (up to @max, counted in
 * *@n): unicast ones, or multicast ones if @mcast (RFC 5908 sub-option
 * 2). */
static __attribute__((noinline)) void d6_addrs(struct lws__wire *w, size_t olen,
                                               uint8_t (*dst)[16], uint8_t *n,
                                               int max, bool mcast)
{
    if (olen % 16) {
        lwsl_debug("address list of %u bytes ignored", (unsigned)olen);
        return;
    }
    for (size_t i = 0; i < olen / 16; i++) {
        const uint8_t *a = lws__wire_ptr(w, 16);

        if (!a || *n >= max)
            return;
        if (mcast ? a[0] == 0xff : lws__ra6_addr_unicast(a))
            memcpy(dst[(*n)++], a, 16);
        else
            lwsl_info("unusable server address ignored");
    }
}

/* Domain search list (RFC 3646 §4): names back to back, no padding. */
static void d6_domains(struct lws__wire *w, struct lws__d6_info *in)
{
    char name[LWS__RA6_NAME_MAX];

    while (lws__wire_left(w)) {
        int r;

        memset(name, 0, sizeof(name)); /* compared whole by the core */
        r = lws__ra6_name(w, name);

        if (r < 0) {
            lwsl_debug("bad domain name: rest ignored");
            return;
        }
        if (r && in->ndomain < LWS__D6_MAX_DOMAIN)
            memcpy(in->domain[in->ndomain++], name, sizeof(name));
    }
}

/* NTP server option (RFC 5908 §4): sub-options. */
static void d6_ntp(struct lws__wire *w, struct lws__d6_info *in)
{
    while (lws__wire_left(w) >= 4) {
        uint16_t code = lws__wire_be16(w), len = lws__wire_be16(w);
        struct lws__wire s;
        const uint8_t *p = lws__wire_ptr(w, len);
        char name[LWS__RA6_NAME_MAX];

        if (!p)
            return; /* past the option's end: the rest is ignored */
        lws__wire_init(&s, p, len);
        memset(name, 0, sizeof(name));
        if ((code == D6_NTP_ADDR || code == D6_NTP_MCAST) && len == 16) {
            d6_addrs(&s, 16, in->ntp, &in->nntp, LWS__D6_MAX_NTP,
                     code == D6_NTP_MCAST);
        } else if (code == D6_NTP_FQDN && lws__ra6_name(&s, name) > 0 &&
                   !lws__wire_left(&s)) {
            if (in->nntp_fqdn < LWS__D6_MAX_NTPFQ)
                memcpy(in->ntp_fqdn[in->nntp_fqdn++], name, sizeof(name));
        } else {
            lwsl_debug("NTP sub-option %u ignored", code);
        }
    }
}

/* IA_NA (§21.4) with its IAADDRs (§21.6) and status.  @return -EINVAL if
 * an option inside ours runs past its end, else 0. */
static int d6_ia_na(struct lws__wire *w, size_t olen, uint32_t iaid,
                    struct lws__d6_msg *m)
{
    size_t end = w->pos + olen;
    uint32_t id;

    id = olen >= 12 ? lws__wire_be32(w) : ~iaid;
    if (id != iaid || m->have_ia) {
        lwsl_debug("IA_NA ignored");
        return 0;
    }
    m->have_ia = true;
    m->iaid = id;
    m->t1_s = lws__wire_be32(w);
    m->t2_s = lws__wire_be32(w);
    while (w->pos + 4 <= end) {
        uint16_t code = lws__wire_be16(w), len = lws__wire_be16(w);
        size_t next = w->pos + len;
        struct lws__d6_iaaddr a;

        if (next > end)
            return -EINVAL;
        if (code == D6_OPT_STATUS) {
            m->ia_status = d6_status(w, len);
        } else if (code == D6_OPT_IAADDR && len >= 24) {
            lws__wire_bytes(w, a.addr, 16);
            a.preferred_s = lws__wire_be32(w);
            a.valid_s = lws__wire_be32(w);
            /* its own failure status, preferred > valid (§21.6), an
             * address that is no global unicast: ignored */
            if ((len >= 30 && lws__wire_be16(w) == D6_OPT_STATUS &&
                 lws__wire_be16(w) >= 2 && lws__wire_be16(w)) ||
                a.preferred_s > a.valid_s || !lws__ra6_addr_unicast(a.addr) ||
                lws__ra6_addr_linklocal(a.addr)) {
                lwsl_info("IAADDR ignored");
            } else if (m->naddr < LWS__D6_MSG_ADDRS) {
                m->addr[m->naddr++] = a;
            }
        }
        lws__wire_seek(w, next);
    }
    return 0;
}

static int d6_duid(struct lws__wire *w, size_t olen, uint8_t *dst,
                   uint8_t *dlen)
{
    if (olen < 2 || olen > LWS__D6_DUID_MAX)
        return -EPROTO;
    *dlen = (uint8_t)olen;
    lws__wire_bytes(w, dst, olen);
    return 0;
}

static int d6_option(struct lws__wire *w, uint16_t code, size_t olen,
                     uint32_t iaid, struct lws__d6_msg *m)
{
    struct lws__d6_info *in = &m->info;
    struct lws__wire s;
    const uint8_t *p;

    switch (code) {
    case D6_OPT_CLIENTID:
        return d6_duid(w, olen, m->cid, &m->cid_len);
    case D6_OPT_SERVERID:
        return d6_duid(w, olen, m->sid, &m->sid_len);
    case D6_OPT_IA_NA:
        return d6_ia_na(w, olen, iaid, m);
    case D6_OPT_PREFERENCE:
        if (olen == 1)
            m->pref = lws__wire_u8(w);
        return 0;
    case D6_OPT_STATUS:
        m->status = d6_status(w, olen);
        return 0;
    case D6_OPT_RAPID_COMMIT:
        m->rapid_commit = !olen;
        return 0;
    case D6_OPT_REFRESH:
        if (olen == 4) {
            m->have_refresh = true;
            m->refresh_s = lws__wire_be32(w);
        }
        return 0;
    case D6_OPT_DNS:
        d6_addrs(w, olen, in->dns, &in->ndns, LWS__D6_MAX_DNS, false);
        return 0;
    case D6_OPT_SNTP:
        d6_addrs(w, olen, in->ntp, &in->nntp, LWS__D6_MAX_NTP, false);
        return 0;
    }
    p = lws__wire_ptr(w, olen);
    lws__wire_init(&s, p, olen);
    if (code == D6_OPT_DOMAINS)
        d6_domains(&s, in);
    else if (code == D6_OPT_NTP)
        d6_ntp(&s, in);
    else if (code == D6_OPT_CAPTIVE && olen)
        lws__ra6_uri(p, olen, in->captive);
    /* others (reconfigure accept, unicast, ...) are not used */
    return 0;
}

int lws__d6_parse(const uint8_t *buf, size_t len, uint32_t iaid,
                  struct lws__d6_msg *m)
{
    struct lws__wire w;
    uint32_t h;

    memset(m, 0, sizeof(*m));
    m->status = m->ia_status = LWS__D6_ST_NONE;
    lws__wire_init(&w, buf, len);
    h = lws__wire_be32(&w);
    m->type = (uint8_t)(h >> 24);
    m->xid = h & 0xffffff;
    if (w.err || (m->type != LWS__D6_ADVERTISE && m->type != LWS__D6_REPLY &&
                  m->type != LWS__D6_RECONFIGURE)) {
        lwsl_debug("type %u: not for a client", m->type);
        return -EINVAL;
    }
    while (lws__wire_left(&w)) {
        uint16_t code = lws__wire_be16(&w), olen = lws__wire_be16(&w);
        size_t next = w.pos + olen;
        int r = w.err || olen > lws__wire_left(&w)
                    ? -EINVAL /* an option past the end: all dropped */
                    : d6_option(&w, code, olen, iaid, m);

        if (r) {
            lwsl_debug("option %u out of bounds", code);
            return r;
        }
        lws__wire_seek(&w, next);
    }
    return w.err ? -EINVAL : 0;
}
