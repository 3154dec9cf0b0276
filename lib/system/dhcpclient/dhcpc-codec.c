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
            lwsl_debug("option %u truncated", c);
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
        found |= dhcp4_opt_walk(rg->pkt, rg->r[i].ofs, rg->r[i].len, code, out,
                                cap, &total); /* regions were checked */
    return !found ? -1 : total > cap ? -2 : (int)total;
}

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static unsigned int be16_at(const uint8_t *p)
{
    return (unsigned int)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, unsigned int v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static __attribute__((noinline)) void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* RFC 3442: classless static routes, @n bytes at @b.  A malformed option is
 * ignored as a whole (§5: "the client MUST ignore" routes it cannot
 * parse). */
static __attribute__((noinline)) void dhcp4_opt_routes(const uint8_t *b, int n,
                                                       struct lws__dhcpc_msg *m)
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

/* The fixed BOOTP header (RFC 2131 §2): a reply (op 2) over Ethernet
 * (htype 1, hlen 6), with the magic cookie. */
static int dhcp4_parse_header(const uint8_t *p, size_t len,
                              struct lws__dhcpc_msg *m)
{
    if (len < LWS__DHCPC_FIXED + 4 ||
        be32_at(p + LWS__DHCPC_FIXED) != LWS__DHCPC_COOKIE) {
        lwsl_debug("short or no cookie");
        return -EBADMSG;
    }
    m->xid = be32_at(p + 4);
    m->yiaddr = be32_at(p + 16);
    memcpy(m->chaddr, p + 28, sizeof(m->chaddr));
    if (p[0] != 2 || p[1] != 1 || p[2] != 6) {
        lwsl_debug("op/htype/hlen %u/%u/%u", p[0], p[1], p[2]);
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
    uint8_t t;

    memset(m, 0, sizeof(*m));
    if (!buf)
        return -EBADMSG;
    if (dhcp4_parse_header(buf, len, m) ||
        dhcp4_regions((const uint8_t *)buf, len, &rg))
        return -EBADMSG;
    if (dhcp4_opt_get(&rg, LWS__OPT_MSG_TYPE, &t, 1) != 1 || !t ||
        t > LWS__DHCPC_INFORM) {
        lwsl_debug("bad message type");
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
            if (n != 2 || be16_at(b) < 68)
                continue;
            m->mtu = (uint16_t)be16_at(b);
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
                lwsl_info("URI too long (%d): ignored", n);
                continue;
            }
            for (int k = 0; k < n; k++)
                if (b[k] <= ' ' || b[k] >= 0x7f || strchr("\"\\<>", b[k])) {
                    lwsl_info("URI byte %d is 0x%02x: ignored", k, b[k]);
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
    uint8_t *p = buf;
    struct lws__wbuf b;

    /* RFC 1542 §3.3 / RFC 2131 §2: at least the 300-byte BOOTP minimum
     * that some relays and servers still expect, zero-padded. */
    if (len < 300)
        return -ENOSPC;
    memset(p, 0, 300);
    p[0] = 1; /* BOOTREQUEST */
    p[1] = 1; /* Ethernet */
    p[2] = 6;
    put32(p + 4, t->xid);
    put16(p + 8, t->secs); /* flags 0: we can receive unicast (raw socket) */
    put32(p + 12, t->ciaddr);
    memcpy(p + 28, t->mac, 6);
    put32(p + LWS__DHCPC_FIXED, LWS__DHCPC_COOKIE);
    lws__wbuf_init(&b, buf, len);
    b.pos = LWS__DHCPC_FIXED + 4;
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
    return b.err ? -ENOSPC : b.pos < 300 ? 300 : (int)b.pos;
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

static __attribute__((noinline)) uint16_t csum_fold(uint32_t sum)
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
    /* IPv4, 20-byte header, DSCP low delay (as other clients do), DF, TTL
     * 64, UDP; then UDP 68 -> 67.  Lengths, addresses and checksums below. */
    static const uint8_t hdr[LWS__DHCPC_IP4UDP_HDR] = {
        0x45, 0x10, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 0, 0,
        0,    0,    0, 0, 0, 0, 0,    0, 0,  0,  0, 0, 0, 0};
    size_t total = LWS__DHCPC_IP4UDP_HDR + plen;
    unsigned int c;

    if (total > len || total > 0xffff)
        return -EINVAL;
    memcpy(buf, hdr, sizeof(hdr));
    put16(buf + 2, (unsigned int)total);
    put32(buf + 12, src);
    put32(buf + 16, dst);
    put16(buf + 20, LWS__DHCPC_CLIENT_PORT);
    put16(buf + 22, LWS__DHCPC_SERVER_PORT);
    put16(buf + 24, (unsigned int)(8 + plen));
    put16(buf + 10, csum_fold(csum_add(0, buf, 20)));
    c = udp_csum(buf, buf + 20, 8 + plen);
    /* RFC 768: a computed zero is sent as all ones */
    put16(buf + 26, c ? c : 0xffff);
    return (int)total;
}

int lws__dhcpc_ip4udp_unwrap(const uint8_t *pkt, size_t len, bool check_udp,
                             size_t *payload_ofs, size_t *payload_len,
                             uint32_t *src)
{
    size_t ihl, tot, ulen;
    const uint8_t *u;

    if (len < 20)
        return -EBADMSG;
    ihl = (size_t)(pkt[0] & 0xf) * 4;
    tot = be16_at(pkt + 2);
    /* IPv4, a whole datagram (not a fragment) of UDP, header checksum */
    if ((pkt[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || tot > len ||
        pkt[9] != 17 || (be16_at(pkt + 6) & 0x3fff) ||
        csum_fold(csum_add(0, pkt, ihl)))
        return -EBADMSG;
    *src = be32_at(pkt + 12);
    u = pkt + ihl; /* the UDP header is inside tot */
    ulen = be16_at(u + 4);
    if (be16_at(u + 2) != LWS__DHCPC_CLIENT_PORT || ulen < 8 ||
        ulen > tot - ihl)
        return -EBADMSG;
    /* A zero UDP checksum means "none" (RFC 768). */
    if (check_udp && (u[6] || u[7]) && udp_csum(pkt, u, ulen))
        return -EBADMSG;
    *payload_ofs = ihl + 8;
    *payload_len = ulen - 8;
    return 0;
}

#if LWS_WITH_SYS_DHCP_ACD
/* Ethernet, IPv4, 6- and 4-byte addresses */
static const uint8_t arp_hdr[6] = {0, 1, 8, 0, 6, 4};

int lws__dhcpc_arp_build(uint8_t *buf, size_t len,
                         const struct lws__dhcpc_arp *a)
{
    if (len < LWS__DHCPC_ARP_LEN)
        return -ENOSPC;
    memcpy(buf, arp_hdr, sizeof(arp_hdr));
    put16(buf + 6, a->op);
    memcpy(buf + 8, a->sha, 6);
    put32(buf + 14, a->spa);
    memcpy(buf + 18, a->tha, 6);
    put32(buf + 24, a->tpa);
    return LWS__DHCPC_ARP_LEN;
}

int lws__dhcpc_arp_parse(const uint8_t *buf, size_t len,
                         struct lws__dhcpc_arp *a)
{
    if (len < LWS__DHCPC_ARP_LEN || memcmp(buf, arp_hdr, sizeof(arp_hdr)))
        return -EBADMSG;
    a->op = (uint16_t)be16_at(buf + 6);
    memcpy(a->sha, buf + 8, 6);
    a->spa = be32_at(buf + 14);
    memcpy(a->tha, buf + 18, 6);
    a->tpa = be32_at(buf + 24);
    return 0;
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
