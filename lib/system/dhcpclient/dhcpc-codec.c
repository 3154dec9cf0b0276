/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 wire codec, pure: parses server messages (BOOTP header, magic
 * cookie, options with overload and RFC 3396 concatenation), builds client
 * messages, wraps/unwraps the IPv4 + UDP headers the raw socket needs and
 * builds/parses ARP for conflict detection.  Every read goes through the
 * bounds-checked wire reader.
 */
#define LWS_LOGMOD dhcpc
#include "private-dhcpc-pure.h"

/* BOOTP field offsets (RFC 2131 §2, figure 1) */
#define OFS_SNAME 44
#define LEN_SNAME 64
#define OFS_FILE  108
#define LEN_FILE  128

/* Up to three regions hold options: options, then file, then sname
 * (RFC 2131 §4.1, the order RFC 3396 §5 concatenates in). */
struct opt_regions {
    struct {
        size_t ofs, len;
    } r[3];
    int count;
    const uint8_t *pkt;
    size_t pkt_len;
};

/* Walks one region, adding every instance of @code (RFC 3396) to @out at
 * *@total (past @cap: only counted).  @return how many there were, or
 * -EBADMSG if an option runs past the end of the region (the length byte
 * included).  @code PAD only checks the region. */
static int dhcp4_opt_walk(const uint8_t *pkt, size_t ofs, size_t len,
                          uint8_t code, uint8_t *out, size_t cap, size_t *total)
{
    struct lws__wire w;
    int found = 0;

    lws__wire_init(&w, pkt + ofs, len);
    while (lws__wire_left(&w)) {
        uint8_t c = lws__wire_u8(&w), olen;
        const uint8_t *p;

        if (c == LWS__OPT_PAD)
            continue;
        if (c == LWS__OPT_END)
            break;
        olen = lws__wire_u8(&w); /* the length byte itself must fit */
        p = lws__wire_ptr(&w, olen);
        if (!p) {
            lwsl_debug("option %u runs past the end of its field", c);
            return -EBADMSG;
        }
        if (c != code)
            continue;
        found++;
        if (*total + olen <= cap && olen)
            memcpy(out + *total, p, olen);
        *total += olen;
    }
    /* No END option: tolerated when the last option ends exactly here. */
    return found;
}

/* Concatenates every instance of @code (RFC 3396) into @out.
 * @return the total length, -1 if absent, -2 if longer than @cap. */
static int dhcp4_opt_get(const struct opt_regions *rg, uint8_t code,
                         uint8_t *out, size_t cap)
{
    size_t total = 0;
    int found = 0;

    for (int i = 0; i < rg->count; i++)
        found |= dhcp4_opt_walk(rg->pkt, rg->r[i].ofs, rg->r[i].len, code,
                                out, cap, &total); /* regions were checked */
    return !found ? -1 : total > cap ? -2 : (int)total;
}

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/* RFC 3442: classless static routes, @n bytes at @b.  A malformed option is
 * ignored as a whole (§5: "the client MUST ignore" routes it cannot
 * parse). */
static void dhcp4_opt_routes(const uint8_t *b, int n, struct lws__dhcpc_msg *m)
{
    struct lws__wire w;
    uint8_t count = 0;

    lws__wire_init(&w, b, (size_t)n);
    while (lws__wire_left(&w)) {
        uint8_t plen = lws__wire_u8(&w), sig = (uint8_t)((plen + 7) / 8);
        uint8_t d[4] = {0, 0, 0, 0};
        struct lws_dhcpc_route r = {0};

        if (plen > 32 || !lws__wire_bytes(&w, d, sig))
            goto bad;
        r.prefix = plen;
        /* bits past the prefix cleared (a 0 prefix is the default) */
        r.dest = plen ? be32_at(d) & ~(0xffffffffu >> 1 >> (plen - 1)) : 0;
        r.gw = lws__wire_be32(&w);
        if (w.err)
            goto bad;
        if (count < LWS_DHCPC_MAX_ROUTES)
            m->routes[count++] = r;
    }
    m->route_count = count;
    m->have |= LWS__HAVE_ROUTES121;
    return;
bad:
    lwsl_debug("option 121 malformed, ignored");
}

static int dhcp4_parse_header(struct lws__wire *w, struct lws__dhcpc_msg *m)
{
    m->op = lws__wire_u8(w);
    m->htype = lws__wire_u8(w);
    m->hlen = lws__wire_u8(w);
    lws__wire_skip(w, 1); /* hops */
    m->xid = lws__wire_be32(w);
    lws__wire_skip(w, 4); /* secs, flags */
    m->ciaddr = lws__wire_be32(w);
    m->yiaddr = lws__wire_be32(w);
    m->siaddr = lws__wire_be32(w);
    m->giaddr = lws__wire_be32(w);
    lws__wire_bytes(w, m->chaddr, sizeof(m->chaddr));
    lws__wire_skip(w, LEN_SNAME + LEN_FILE);
    if (lws__wire_be32(w) != LWS__DHCPC_COOKIE || w->err) {
        lwsl_debug("short message or no magic cookie");
        return -EBADMSG;
    }
    /* RFC 2131 §2: a reply is op 2; we only speak Ethernet (htype 1,
     * hlen 6). */
    if (m->op != 2 || m->htype != 1 || m->hlen != 6) {
        lwsl_debug("op/htype/hlen %u/%u/%u", m->op, m->htype, m->hlen);
        return -EBADMSG;
    }
    return 0;
}

/* Finds the option regions, honouring option 52 (RFC 2131 §4.1). */
static int dhcp4_regions(const uint8_t *pkt, size_t len, struct opt_regions *rg)
{
    uint8_t ov;
    int n;

    rg->pkt = pkt;
    rg->pkt_len = len;
    rg->count = 1;
    rg->r[0].ofs = LWS__DHCPC_FIXED + 4;
    rg->r[0].len = len - rg->r[0].ofs;
    if (dhcp4_opt_walk(pkt, rg->r[0].ofs, rg->r[0].len, LWS__OPT_PAD, NULL, 0,
                       &(size_t){0}) < 0)
        return -EBADMSG;
    n = dhcp4_opt_get(rg, LWS__OPT_OVERLOAD, &ov, 1);
    if (n == -1)
        return 0;
    if (n != 1 || ov < 1 || ov > 3) {
        lwsl_debug("bad option overload");
        return -EBADMSG;
    }
    if (ov & 1) {
        rg->r[rg->count].ofs = OFS_FILE;
        rg->r[rg->count++].len = LEN_FILE;
    }
    if (ov & 2) {
        rg->r[rg->count].ofs = OFS_SNAME;
        rg->r[rg->count++].len = LEN_SNAME;
    }
    for (int i = 1; i < rg->count; i++)
        if (dhcp4_opt_walk(pkt, rg->r[i].ofs, rg->r[i].len, LWS__OPT_PAD, NULL,
                           0, &(size_t){0}) < 0)
            return -EBADMSG;
    return 0;
}

/* How each option we use is parsed (lws__dhcpc_parse()). */
enum {
    K_U32,    /* one 32-bit value; any other length rejects the message */
    K_V6ONLY, /* one 32-bit value; RFC 8925 §3.1: any other length ignored */
    K_MTU,    /* 16 bits, at least 68 (RFC 2132 §5.1) */
    K_RAPID,  /* empty (RFC 4039) */
    K_ADDRS,  /* a list of addresses; extras beyond the room dropped */
    K_TEXT,   /* text, only printable ASCII kept */
    K_URI,    /* RFC 8910 §2.1 captive-portal URI */
    K_ROUTES, /* RFC 3442 */
};

#define MSG_OFS(f) offsetof(struct lws__dhcpc_msg, f)

static const struct opt_rule {
    uint8_t code, kind;
    uint8_t max;     /* K_ADDRS: room; K_TEXT / K_URI: buffer size / 4 */
    uint8_t cnt_ofs; /* K_ADDRS: offset of the count */
    uint16_t ofs;    /* where the value goes */
    uint16_t have;   /* LWS__HAVE_* it sets */
} opt_rules[] = {
    {LWS__OPT_SUBNET_MASK, K_U32, 0, 0, MSG_OFS(mask), LWS__HAVE_MASK},
    {LWS__OPT_LEASE, K_U32, 0, 0, MSG_OFS(lease), LWS__HAVE_LEASE},
    {LWS__OPT_SERVER_ID, K_U32, 0, 0, MSG_OFS(server_id), LWS__HAVE_SERVER_ID},
    {LWS__OPT_T1, K_U32, 0, 0, MSG_OFS(t1), LWS__HAVE_T1},
    {LWS__OPT_T2, K_U32, 0, 0, MSG_OFS(t2), LWS__HAVE_T2},
    {LWS__OPT_BROADCAST, K_U32, 0, 0, MSG_OFS(broadcast), LWS__HAVE_BROADCAST},
    {LWS__OPT_V6ONLY, K_V6ONLY, 0, 0, MSG_OFS(v6only), LWS__HAVE_V6ONLY},
    {LWS__OPT_MTU, K_MTU, 0, 0, MSG_OFS(mtu), LWS__HAVE_MTU},
    {LWS__OPT_RAPID_COMMIT, K_RAPID, 0, 0, 0, LWS__HAVE_RAPID},
    {LWS__OPT_ROUTER, K_ADDRS, LWS_DHCPC_MAX_DNS, MSG_OFS(router_count),
     MSG_OFS(router), 0},
    {LWS__OPT_DNS, K_ADDRS, LWS_DHCPC_MAX_DNS, MSG_OFS(dns_count), MSG_OFS(dns),
     0},
    {LWS__OPT_NTP, K_ADDRS, LWS_DHCPC_MAX_NTP, MSG_OFS(ntp_count), MSG_OFS(ntp),
     0},
    {LWS__OPT_DOMAIN, K_TEXT, 64 / 4, 0, MSG_OFS(domain), 0},
    {LWS__OPT_MESSAGE, K_TEXT, 64 / 4, 0, MSG_OFS(message), 0},
    {LWS__OPT_CAPTIVE_PORTAL, K_URI, LWS__DHCPC_URI_MAX / 4, 0,
     MSG_OFS(captive), 0},
    {LWS__OPT_CLASSLESS_ROUTE, K_ROUTES, 0, 0, 0, 0},
};

int lws__dhcpc_parse(const void *buf, size_t len, struct lws__dhcpc_msg *m)
{
    uint8_t b[255 * 3];
    struct opt_regions rg;
    struct lws__wire w;
    uint8_t t;

    memset(m, 0, sizeof(*m));
    if (!buf)
        return -EBADMSG;
    lws__wire_init(&w, buf, len);
    if (dhcp4_parse_header(&w, m) ||
        dhcp4_regions((const uint8_t *)buf, len, &rg))
        return -EBADMSG;
    if (dhcp4_opt_get(&rg, LWS__OPT_MSG_TYPE, &t, 1) != 1 || !t ||
        t > LWS__DHCPC_INFORM) {
        lwsl_debug("missing or bad message type");
        return -EBADMSG;
    }
    m->type = t;
    for (size_t i = 0; i < sizeof(opt_rules) / sizeof(opt_rules[0]); i++) {
        const struct opt_rule *r = &opt_rules[i];
        uint8_t *v = (uint8_t *)m + r->ofs;
        size_t cap = (size_t)r->max * 4, o = 0;
        int n = dhcp4_opt_get(&rg, r->code, b, sizeof(b));

        if (n == -1)
            continue; /* absent; -2 (over 765 bytes) is a bad length */
        switch (r->kind) {
        case K_U32:
        case K_V6ONLY:
            if (n != 4) {
                lwsl_debug("option %u: bad length %d", r->code, n);
                if (r->kind == K_U32)
                    return -EBADMSG; /* mangled timer/server id */
                continue;
            }
            memcpy(v, (uint32_t[]){be32_at(b)}, 4);
            break;
        case K_MTU:
            if (n != 2 || ((b[0] << 8) | b[1]) < 68)
                continue;
            m->mtu = (uint16_t)((b[0] << 8) | b[1]);
            break;
        case K_RAPID:
            if (n)
                continue;
            break;
        case K_ADDRS:
            if (n <= 0 || n % 4) {
                lwsl_debug("option %u: bad length %d", r->code, n);
                continue;
            }
            for (; o < r->max && (int)o * 4 < n; o++)
                ((uint32_t *)(void *)v)[o] = be32_at(b + o * 4);
            *((uint8_t *)m + r->cnt_ofs) = (uint8_t)o;
            break;
        case K_TEXT:
            for (int k = 0; k < n && b[k] && o + 1 < cap; k++)
                if (b[k] >= 0x20 && b[k] < 0x7f)
                    v[o++] = b[k];
            break;
        case K_URI:
            /* kept only when every byte may be in a URI (RFC 3986 §2:
             * printable ASCII, never '"', '\\', '<', '>'), so that it can
             * go into logs and JSON as it is */
            if (n < 0 || (size_t)n >= cap) {
                lwsl_info("captive-portal URI too long (%d): ignored", n);
                continue;
            }
            for (int k = 0; k < n; k++)
                if (b[k] <= ' ' || b[k] >= 0x7f || strchr("\"\\<>", b[k])) {
                    lwsl_info("captive-portal URI ignored: byte %d is 0x%02x",
                              k, b[k]);
                    goto next;
                }
            memcpy(v, b, (size_t)n);
            break;
        default: /* K_ROUTES */
            if (n > 0)
                dhcp4_opt_routes(b, n, m);
            break;
        }
        m->have |= r->have;
    next:;
    }
    return 0;
}

/* Puts one option, splitting values longer than 255 bytes (RFC 3396). */
static void dhcp4_put_opt(struct lws__wbuf *b, uint8_t code, const void *v,
                          size_t len)
{
    const uint8_t *p = (const uint8_t *)v;

    do {
        size_t n = len > 255 ? 255 : len;

        lws__wbuf_u8(b, code);
        lws__wbuf_u8(b, (uint8_t)n);
        lws__wbuf_bytes(b, p, n);
        p += n;
        len -= n;
    } while (len);
}

static void dhcp4_put_u32(struct lws__wbuf *b, uint8_t code, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};

    dhcp4_put_opt(b, code, x, 4);
}

static void dhcp4_put_header(struct lws__wbuf *b, const struct lws__dhcpc_tx *t)
{
    lws__wbuf_u8(b, 1); /* BOOTREQUEST */
    lws__wbuf_u8(b, 1); /* Ethernet */
    lws__wbuf_u8(b, 6);
    lws__wbuf_u8(b, 0);
    lws__wbuf_be32(b, t->xid);
    lws__wbuf_be16(b, t->secs);
    lws__wbuf_be16(b, 0); /* flags: we can receive unicast (raw socket) */
    lws__wbuf_be32(b, t->ciaddr);
    lws__wbuf_zero(b, 12); /* yiaddr, siaddr, giaddr */
    lws__wbuf_bytes(b, t->mac, 6);
    lws__wbuf_zero(b, 10 + LEN_SNAME + LEN_FILE);
    lws__wbuf_be32(b, LWS__DHCPC_COOKIE);
}

int lws__dhcpc_build(void *buf, size_t len, const struct lws__dhcpc_tx *t)
{
    /* RFC 2132 options we ask for; 121 before 3 does not matter, the
     * server decides, but we always ask for it (RFC 3442 §4). */
    static const uint8_t prl[] = {LWS__OPT_SUBNET_MASK,
                                  LWS__OPT_ROUTER,
                                  LWS__OPT_DNS,
                                  LWS__OPT_DOMAIN,
                                  LWS__OPT_MTU,
                                  LWS__OPT_BROADCAST,
                                  LWS__OPT_NTP,
                                  LWS__OPT_LEASE,
                                  LWS__OPT_SERVER_ID,
                                  LWS__OPT_T1,
                                  LWS__OPT_T2,
                                  LWS__OPT_DOMAIN_SEARCH,
                                  LWS__OPT_CAPTIVE_PORTAL,
                                  LWS__OPT_CLASSLESS_ROUTE,
                                  LWS__OPT_V6ONLY};
    bool full = t->type == LWS__DHCPC_DISCOVER || t->type == LWS__DHCPC_REQUEST;
    struct lws__wbuf b;

    lws__wbuf_init(&b, buf, len);
    dhcp4_put_header(&b, t);
    dhcp4_put_opt(&b, LWS__OPT_MSG_TYPE, &t->type, 1);
    if (t->client_id && t->client_id_len)
        dhcp4_put_opt(&b, LWS__OPT_CLIENT_ID, t->client_id, t->client_id_len);
    if (t->req_ip)
        dhcp4_put_u32(&b, LWS__OPT_REQ_IP, t->req_ip);
    if (t->server_id)
        dhcp4_put_u32(&b, LWS__OPT_SERVER_ID, t->server_id);
    if (full) {
        uint8_t ms[2] = {LWS__DHCPC_MAX >> 8, LWS__DHCPC_MAX & 0xff};

        dhcp4_put_opt(&b, LWS__OPT_MAX_SIZE, ms, 2);
        /* 108 last: left out unless IPv6-only capable (RFC 8925 §3.2) */
        dhcp4_put_opt(&b, LWS__OPT_PRL, prl, sizeof(prl) - !t->v6only);
        if (t->hostname && t->hostname[0])
            dhcp4_put_opt(&b, LWS__OPT_HOSTNAME, t->hostname,
                          strlen(t->hostname));
    }
    if (t->rapid_commit && t->type == LWS__DHCPC_DISCOVER)
        dhcp4_put_opt(&b, LWS__OPT_RAPID_COMMIT, NULL, 0);
    if (t->message)
        dhcp4_put_opt(&b, LWS__OPT_MESSAGE, t->message, strlen(t->message));
    lws__wbuf_u8(&b, LWS__OPT_END);
    /* RFC 1542 §3.3 / RFC 2131 §2: pad to the 300-byte BOOTP minimum that
     * some relays and servers still expect. */
    if (b.pos < 300)
        lws__wbuf_zero(&b, 300 - b.pos);
    return b.err ? -ENOSPC : (int)b.pos;
}

/* RFC 1071 one's complement sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)((p[i] << 8) | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* UDP checksum over the pseudo-header (RFC 768) and @udp_len bytes. */
static uint16_t udp_csum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
    uint32_t sum = csum_add(0, ip + 12, 8); /* source + destination */

    sum += 17 + (uint32_t)ulen;
    return csum_fold(csum_add(sum, udp, ulen));
}

int lws__dhcpc_ip4udp_wrap(uint8_t *buf, size_t len, size_t plen, uint32_t src,
                           uint32_t dst)
{
    size_t total = LWS__DHCPC_IP4UDP_HDR + plen;
    struct lws__wbuf b;
    uint16_t c;

    if (total > len || total > 0xffff)
        return -EINVAL;
    lws__wbuf_init(&b, buf, LWS__DHCPC_IP4UDP_HDR);
    lws__wbuf_u8(&b, 0x45); /* v4, 20-byte header */
    lws__wbuf_u8(&b, 0x10); /* DSCP: low delay, as other clients do */
    lws__wbuf_be16(&b, (uint16_t)total);
    lws__wbuf_be16(&b, 0);      /* id */
    lws__wbuf_be16(&b, 0x4000); /* DF */
    lws__wbuf_u8(&b, 64);       /* TTL */
    lws__wbuf_u8(&b, 17);       /* UDP */
    lws__wbuf_be16(&b, 0);      /* checksum, below */
    lws__wbuf_be32(&b, src);
    lws__wbuf_be32(&b, dst);
    lws__wbuf_be16(&b, LWS__DHCPC_CLIENT_PORT);
    lws__wbuf_be16(&b, LWS__DHCPC_SERVER_PORT);
    lws__wbuf_be16(&b, (uint16_t)(8 + plen));
    lws__wbuf_be16(&b, 0);
    c = csum_fold(csum_add(0, buf, 20));
    buf[10] = (uint8_t)(c >> 8);
    buf[11] = (uint8_t)c;
    c = udp_csum(buf, buf + 20, 8 + plen);
    if (!c)
        c = 0xffff; /* RFC 768: a computed zero is sent as all ones */
    buf[26] = (uint8_t)(c >> 8);
    buf[27] = (uint8_t)c;
    return (int)total;
}

int lws__dhcpc_ip4udp_unwrap(const uint8_t *pkt, size_t len, bool check_udp,
                             size_t *payload_ofs, size_t *payload_len,
                             uint32_t *src)
{
    struct lws__wire w;
    uint8_t vihl;
    size_t ihl, tot, ulen;
    uint16_t frag, dport;

    lws__wire_init(&w, pkt, len);
    vihl = lws__wire_u8(&w);
    ihl = (size_t)(vihl & 0xf) * 4;
    lws__wire_skip(&w, 1);
    tot = lws__wire_be16(&w);
    lws__wire_skip(&w, 2);
    frag = lws__wire_be16(&w);
    lws__wire_skip(&w, 1);
    if (w.err || (vihl >> 4) != 4 || ihl < 20 || tot < ihl + 8 || tot > len ||
        lws__wire_u8(&w) != 17 || (frag & 0x3fff) ||
        csum_fold(csum_add(0, pkt, ihl)))
        return -EBADMSG;
    lws__wire_skip(&w, 2);
    *src = lws__wire_be32(&w);
    if (!lws__wire_seek(&w, ihl))
        return -EBADMSG;
    lws__wire_skip(&w, 2);
    dport = lws__wire_be16(&w);
    ulen = lws__wire_be16(&w);
    if (w.err || dport != LWS__DHCPC_CLIENT_PORT || ulen < 8 ||
        ulen > tot - ihl)
        return -EBADMSG;
    /* A zero UDP checksum means "none" (RFC 768). */
    if (check_udp && (pkt[ihl + 6] || pkt[ihl + 7]) &&
        udp_csum(pkt, pkt + ihl, ulen))
        return -EBADMSG;
    *payload_ofs = ihl + 8;
    *payload_len = ulen - 8;
    return 0;
}

#if LWS_WITH_SYS_DHCP_ACD
int lws__dhcpc_arp_build(uint8_t *buf, size_t len,
                         const struct lws__dhcpc_arp *a)
{
    struct lws__wbuf b;

    lws__wbuf_init(&b, buf, len);
    lws__wbuf_be16(&b, 1);      /* Ethernet */
    lws__wbuf_be16(&b, 0x0800); /* IPv4 */
    lws__wbuf_u8(&b, 6);
    lws__wbuf_u8(&b, 4);
    lws__wbuf_be16(&b, a->op);
    lws__wbuf_bytes(&b, a->sha, 6);
    lws__wbuf_be32(&b, a->spa);
    lws__wbuf_bytes(&b, a->tha, 6);
    lws__wbuf_be32(&b, a->tpa);
    return b.err ? -ENOSPC : (int)b.pos;
}

int lws__dhcpc_arp_parse(const uint8_t *buf, size_t len,
                         struct lws__dhcpc_arp *a)
{
    struct lws__wire w;

    lws__wire_init(&w, buf, len);
    if (lws__wire_be16(&w) != 1 || lws__wire_be16(&w) != 0x0800 ||
        lws__wire_u8(&w) != 6 || lws__wire_u8(&w) != 4)
        return -EBADMSG;
    a->op = lws__wire_be16(&w);
    lws__wire_bytes(&w, a->sha, 6);
    a->spa = lws__wire_be32(&w);
    lws__wire_bytes(&w, a->tha, 6);
    a->tpa = lws__wire_be32(&w);
    return w.err ? -EBADMSG : 0;
}
#endif /* LWS_WITH_SYS_DHCP_ACD */

int lws__dhcpc_mask_to_prefix(uint32_t mask)
{
    int n = 0;

    while (n < 32 && (mask & (0x80000000u >> n)))
        n++;
    if (n < 32 && (mask << n))
        return -1;
    return n;
}
