/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Router Advertisement codec (RFC 4861 §4.2) on the bounds-checked wire
 * reader: the fixed part, then each option by its 8-octet length -- prefix
 * information and MTU (RFC 4861 §4.6), RDNSS and DNSSL (RFC 8106 §5) and
 * the captive-portal URI (RFC 8910 §2.3).  A broken option framing drops
 * the whole message, as RFC 4861 §6.1.2 says; an option whose own content
 * is wrong is dropped alone.  Plus the 8-byte Router Solicitation and the
 * address classes the core checks.  Pure: no loop, no sockets.
 */
#define LWS_LOGMOD ra6
#include "private-ra6-pure.h"

#define RA6_FIXED 16 /* type .. retrans timer */

enum {
    RA6_OPT_SLLA = 1,     /* source link-layer address */
    RA6_OPT_PREFIX = 3,   /* RFC 4861 §4.6.2 */
    RA6_OPT_MTU = 5,      /* RFC 4861 §4.6.4 */
    RA6_OPT_RDNSS = 25,   /* RFC 8106 §5.1 */
    RA6_OPT_DNSSL = 31,   /* RFC 8106 §5.2 */
    RA6_OPT_CAPTIVE = 37, /* RFC 8910 §2.3 */
};

bool lws__ra6_addr_linklocal(const uint8_t *a)
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; /* fe80::/10 */
}

bool lws__ra6_addr_unicast(const uint8_t *a)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
                                       0, 0, 0, 0, 0xff, 0xff};
    bool zero12 = true;

    if (a[0] == 0xff) /* multicast */
        return false;
    for (int i = 0; i < 12; i++)
        zero12 = zero12 && !a[i];
    if (zero12 && !a[12] && !a[13] && !a[14] && a[15] <= 1)
        return false;                              /* :: and ::1 */
    return memcmp(a, mapped, sizeof(mapped)) != 0; /* ::ffff:a.b.c.d */
}

size_t lws__ra6_rs_build(uint8_t *buf, size_t len)
{
    struct lws__wbuf b;

    lws__wbuf_init(&b, buf, len);
    lws__wbuf_u8(&b, LWS__RA6_TYPE_RS);
    /* code 0; checksum 0 (the kernel fills it in); reserved 0 */
    lws__wbuf_zero(&b, LWS__RA6_RS_LEN - 1);
    return b.err ? 0 : b.pos;
}

/* RFC 4861 §4.6.2: exactly 4 units. */
static void ra6_opt_prefix(struct lws__wire *w, size_t olen,
                           struct lws__ra6_msg *m)
{
    struct lws__ra6_prefix p;

    if (olen != 32)
        goto bad;
    p.len = lws__wire_u8(w);
    p.flags = lws__wire_u8(w) & (LWS__RA6_PF_ONLINK | LWS__RA6_PF_AUTO);
    p.valid_s = lws__wire_be32(w);
    p.preferred_s = lws__wire_be32(w);
    lws__wire_skip(w, 4);
    lws__wire_bytes(w, p.prefix, 16);
    /* RFC 4862 §5.5.3 c): preferred > valid is ignored */
    if (p.len > 128 || p.preferred_s > p.valid_s)
        goto bad;
    if (lws__ra6_addr_linklocal(p.prefix))
        return; /* RFC 4862 §5.5.3 b): the link-local prefix is ignored */
    if (m->nprefix >= LWS__RA6_MSG_PREFIXES) {
        lwsl_info("RA: only %d %s kept", LWS__RA6_MSG_PREFIXES, "prefixes");
        return;
    }
    m->prefix[m->nprefix++] = p;
    return;
bad:
    lwsl_debug("RA: bad %s option ignored", "prefix");
}

/* RFC 4861 §4.6.4: one unit; below the IPv6 minimum MTU it is useless. */
static void ra6_opt_mtu(struct lws__wire *w, size_t olen,
                        struct lws__ra6_msg *m)
{
    uint32_t mtu;

    if (olen != 8)
        return;
    lws__wire_skip(w, 2);
    mtu = lws__wire_be32(w);
    if (mtu >= 1280) /* RFC 8200 §5 */
        m->mtu = mtu;
}

/* RFC 8106 §5.1: length 3, 5, 7 ... (an odd number of units, at least 3). */
static void ra6_opt_rdnss(struct lws__wire *w, size_t olen,
                          struct lws__ra6_msg *m)
{
    uint32_t life;

    if (olen < 24 || !((olen / 8) & 1)) {
        lwsl_debug("RA: bad %s option ignored", "RDNSS");
        return;
    }
    lws__wire_skip(w, 2);
    life = lws__wire_be32(w);
    for (size_t i = 0; i < (olen - 8) / 16; i++) {
        if (m->nrdnss >= LWS__RA6_MSG_RDNSS) {
            lwsl_info("RA: only %d %s kept", LWS__RA6_MSG_RDNSS, "RDNSS");
            return;
        }
        m->rdnss_life_s[m->nrdnss] = life;
        lws__wire_bytes(w, m->rdnss[m->nrdnss++], 16);
    }
}

/* One uncompressed name (RFC 1035 §3.1) in dotted form into @out.
 * @return 1 a name, 0 the zero padding after the last one, -1 broken. */
int lws__ra6_name(struct lws__wire *w, char *out)
{
    size_t o = 0;
    uint8_t l = lws__wire_u8(w);

    if (!l)
        return 0;
    for (; l && !w->err; l = lws__wire_u8(w)) {
        const uint8_t *p;

        if (l > 63 || o + l + 1 >= LWS__RA6_NAME_MAX)
            return -1; /* compression pointer, or too long */
        p = lws__wire_ptr(w, l);
        if (!p)
            return -1;
        for (size_t i = 0; i < l; i++) {
            uint8_t ch = p[i];

            /* letters, digits, hyphen and underscore only */
            if (!((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') &&
                !(ch >= '0' && ch <= '9') && ch != '-' && ch != '_')
                return -1;
        }
        if (o)
            out[o++] = '.';
        memcpy(out + o, p, l);
        o += l;
    }
    out[o] = '\0';
    return w->err ? -1 : 1;
}

/* RFC 8106 §5.2: at least 2 units; names, then zero padding.  The names
 * go straight into @m, taken back if the option turns out broken. */
static void ra6_opt_dnssl(struct lws__wire *w, size_t olen,
                          struct lws__ra6_msg *m)
{
    struct lws__wire nw;
    uint8_t n0 = m->ndnssl;
    uint32_t life;
    int r;

    if (olen < 16)
        goto bad;
    lws__wire_skip(w, 2);
    life = lws__wire_be32(w);
    lws__wire_init(&nw, lws__wire_ptr(w, olen - 8), olen - 8);
    while (lws__wire_left(&nw)) {
        char name[LWS__RA6_NAME_MAX];

        r = lws__ra6_name(&nw, name);
        if (!r)
            break;
        if (r < 0)
            goto bad;
        if (m->ndnssl < LWS__RA6_MSG_DNSSL) {
            m->dnssl_life_s[m->ndnssl] = life;
            memcpy(m->dnssl[m->ndnssl++], name, sizeof(name));
        } else
            lwsl_info("RA: only %d %s kept", LWS__RA6_MSG_DNSSL, "DNSSL");
    }
    /* RFC 8106 §5.2: what follows the last name is zero padding */
    while (lws__wire_left(&nw))
        if (lws__wire_u8(&nw))
            goto bad;
    return;
bad:
    lwsl_debug("RA: bad %s option ignored", "DNSSL");
    m->ndnssl = n0;
}

int lws__ra6_uri(const uint8_t *p, size_t len, char *out)
{
    size_t n = 0;

    while (n < len && p[n])
        n++;
    if (n >= LWS__RA6_URI_MAX) {
        goto bad;
    }
    for (size_t i = 0; i < n; i++)
        /* RFC 3986 §2: printable ASCII; never '"', '\\', '<', '>' */
        if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\' ||
            p[i] == '<' || p[i] == '>')
            goto bad;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
bad:
    lwsl_info("bad captive-portal URI (%u bytes) ignored", (unsigned)n);
    return -1;
}

/* RFC 8910 §2.3: the URI, NUL-padded to the option's length. */
static void ra6_opt_captive(struct lws__wire *w, size_t olen,
                            struct lws__ra6_msg *m)
{
    const uint8_t *p = lws__wire_ptr(w, olen - 2);

    if (p && !lws__ra6_uri(p, olen - 2, m->captive))
        m->have_captive = true;
}

int lws__ra6_parse(const uint8_t *buf, size_t len, struct lws__ra6_msg *m)
{
    struct lws__wire w;

    memset(m, 0, sizeof(*m));
    lws__wire_init(&w, buf, len);
    /* RFC 4861 §6.1.2: ICMP length >= 16, code 0 (the checksum is the
     * kernel's: a raw ICMPv6 socket only delivers good ones) */
    if (len < RA6_FIXED || lws__wire_u8(&w) != LWS__RA6_TYPE_RA ||
        lws__wire_u8(&w) != 0)
        goto bad;
    lws__wire_skip(&w, 2);
    m->hop_limit = lws__wire_u8(&w);
    m->flags = lws__wire_u8(&w) & (LWS__RA6_F_MANAGED | LWS__RA6_F_OTHER);
    m->router_life_s = lws__wire_be16(&w);
    m->reachable_ms = lws__wire_be32(&w);
    m->retrans_ms = lws__wire_be32(&w);
    while (lws__wire_left(&w)) {
        size_t start = w.pos, olen;
        uint8_t type;

        if (lws__wire_left(&w) < 2)
            goto bad;
        type = lws__wire_u8(&w);
        olen = (size_t)lws__wire_u8(&w) * 8;
        /* RFC 4861 §6.1.2: every option longer than zero, inside */
        if (!olen || olen > len - start)
            goto bad;
        switch (type) {
        case RA6_OPT_PREFIX:
            ra6_opt_prefix(&w, olen, m);
            break;
        case RA6_OPT_MTU:
            ra6_opt_mtu(&w, olen, m);
            break;
        case RA6_OPT_RDNSS:
            ra6_opt_rdnss(&w, olen, m);
            break;
        case RA6_OPT_DNSSL:
            ra6_opt_dnssl(&w, olen, m);
            break;
        case RA6_OPT_CAPTIVE:
            ra6_opt_captive(&w, olen, m);
            break;
        default: /* RFC 4861 §4.6: unknown options are skipped */
            break;
        }
        /* on to the next option, whatever this one's parser read */
        lws__wire_seek(&w, start + olen);
    }
    if (!w.err)
        return 0;
bad:
    lwsl_debug("not an RA, or a broken option (%u bytes)", (unsigned)len);
    return -EINVAL;
}
