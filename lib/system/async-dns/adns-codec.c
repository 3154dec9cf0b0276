/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DNS codec of the async DNS helper, pure and fuzzed: name validation, the
 * query builder, the answer parser (CNAME chains, address records, the SOA
 * minimum for negative caching) and the hosts(5) / resolv.conf(5) parsers.
 * Every read goes through the bounds-checked wire reader.
 */
#define LWS_LOGMOD adns
#include "private-adns-pure.h"

/* Names are compared in lower case (RFC 4343: DNS names are ASCII
 * case-insensitive); ctype.h is locale-dependent, so fold by hand. */
static __attribute__((noinline)) char adns_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static bool adns_label_char_ok(uint8_t c)
{
    /* Printable ASCII except the separator; anything else in a name we hand
     * to a caller as text is refused. */
    return c > 0x20 && c < 0x7f && c != '.';
}

int lws__adns_name_lc(const char *name, char *lc)
{
    size_t len, lab = 0;

    if (!name || !lc)
        return -EINVAL;
    len = strnlen(name, LWS__ADNS_NAME_MAX + 2);
    if (len && name[len - 1] == '.')
        len--; /* one trailing dot: the name is already absolute */
    if (!len || len > LWS__ADNS_NAME_MAX)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '.') {
            if (!lab)
                return -EINVAL; /* empty label */
            lab = 0;
        } else if (!adns_label_char_ok((uint8_t)name[i]) || ++lab > 63) {
            return -EINVAL; /* RFC 1035 §2.3.4: labels are 63 octets */
        }
        lc[i] = adns_lower(name[i]);
    }
    if (!lab)
        return -EINVAL;
    lc[len] = '\0';
    return (int)len;
}

int lws__adns_build_query(uint8_t *buf, size_t len, const char *name_lc,
                          uint16_t qtype, uint16_t edns_size)
{
    /* RFC 1035 §4.1.1 header: ID 0 (the transport sets it), RD set, one
     * question, one additional record (the OPT) with EDNS0. */
    static const uint8_t hdr[11] = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0};
    /* RFC 6891 §6.1.2: root owner, type OPT, class = UDP payload size,
     * TTL = extended RCODE / version 0 / flags, no options. */
    static const uint8_t opt[3] = {0, 0, LWS__ADNS_T_OPT};
    struct lws__wbuf b;
    const char *p = name_lc;

    if (!buf || !name_lc || !*name_lc)
        return -EINVAL;
    lws__wbuf_init(&b, buf, len);
    lws__wbuf_bytes(&b, hdr, sizeof(hdr));
    lws__wbuf_u8(&b, edns_size ? 1 : 0);
    /* RFC 1035 §4.1.2 question, uncompressed labels. */
    while (*p) {
        size_t l = strcspn(p, ".");

        if (!l || l > 63)
            return -EINVAL;
        lws__wbuf_u8(&b, (uint8_t)l);
        lws__wbuf_bytes(&b, p, l);
        p += l;
        if (*p)
            p++; /* the dot */
    }
    lws__wbuf_u8(&b, 0);
    lws__wbuf_be16(&b, qtype);
    lws__wbuf_be16(&b, LWS__ADNS_C_IN);
    if (edns_size) {
        lws__wbuf_bytes(&b, opt, sizeof(opt));
        lws__wbuf_be16(&b, edns_size);
        lws__wbuf_zero(&b, 6);
    }
    return b.err ? -ENOSPC : (int)b.pos;
}

/* The message being parsed and the record last read. */
struct adns_rr {
    const uint8_t *pkt; /* the whole message */
    size_t len;
    unsigned int work; /* name-read steps left for the whole message */
    char owner[LWS__ADNS_NAME_MAX + 1];
    uint16_t type;
    uint16_t cls;
    uint32_t ttl; /* seconds */
    size_t rdpos; /* offset of RDATA in the packet */
    uint16_t rdlen;
};

/*
 * Reads the (possibly compressed) name at *pos into @out, lower case, dotted,
 * no trailing dot ("" for the root).  RFC 1035 §4.1.4 pointers must point
 * below every position visited so far (so a walk always terminates, RFC 9267
 * §2) and never into the header; at most LWS__ADNS_NAME_JUMPS of them are
 * followed, and every label or pointer spends one step of *work, the budget
 * of the whole message (so many names sharing one long chain cannot add up
 * to quadratic work either).  *pos ends after the name as it sits at *pos
 * (after the first pointer, if any).
 */
static int adns_read_name(struct adns_rr *rr, size_t *pos, char *out)
{
    unsigned int *work = &rr->work;
    struct lws__wire w;
    size_t olen = 0, floor_pos = *pos;
    unsigned int jumps = 0;
    bool jumped = false;

    lws__wire_init(&w, rr->pkt, rr->len);
    if (!lws__wire_seek(&w, *pos))
        return -EBADMSG;
    for (;;) {
        uint8_t l = lws__wire_u8(&w);
        const uint8_t *p;

        if (w.err || !*work)
            return -EBADMSG; /* short, or the message's budget is spent */
        (*work)--;
        if ((l & 0xc0) == 0xc0) {
            size_t tgt = ((size_t)(l & 0x3f) << 8) | lws__wire_u8(&w);

            if (w.err || tgt < 12 || tgt >= floor_pos)
                return -EBADMSG; /* forward, looping or into the header */
            if (++jumps > LWS__ADNS_NAME_JUMPS)
                return -EBADMSG; /* RFC 9267 §2: a chain only to cost us */
            if (!jumped)
                *pos = w.pos;
            jumped = true;
            floor_pos = tgt;
            lws__wire_seek(&w, tgt);
            continue;
        }
        if (l & 0xc0)
            return -EBADMSG; /* RFC 6891 §5: extended label types unused */
        if (!l)
            break;
        p = lws__wire_ptr(&w, l);
        if (!p || olen + (olen ? 1u : 0u) + l > LWS__ADNS_NAME_MAX)
            return -EBADMSG;
        if (olen)
            out[olen++] = '.';
        for (size_t i = 0; i < l; i++) {
            if (!adns_label_char_ok(p[i]))
                return -EBADMSG;
            out[olen++] = adns_lower((char)p[i]);
        }
    }
    out[olen] = '\0';
    if (!jumped)
        *pos = w.pos;
    return (int)olen;
}

/* RFC 1035 §4.1.3: reads one resource record at *pos. */
static int adns_rr_read(struct adns_rr *rr, size_t *pos)
{
    struct lws__wire w;

    if (adns_read_name(rr, pos, rr->owner) < 0)
        return -EBADMSG;
    lws__wire_init(&w, rr->pkt, rr->len);
    lws__wire_seek(&w, *pos);
    rr->type = lws__wire_be16(&w);
    rr->cls = lws__wire_be16(&w);
    rr->ttl = lws__wire_be32(&w);
    rr->rdlen = lws__wire_be16(&w);
    rr->rdpos = w.pos;
    lws__wire_skip(&w, rr->rdlen);
    if (w.err)
        return -EBADMSG;
    /* RFC 2181 §8: a TTL with the top bit set is treated as zero. */
    if (rr->ttl & 0x80000000u)
        rr->ttl = 0;
    *pos = w.pos;
    return 0;
}

/* Reads a name that must lie inside the RDATA of @rr. */
static int adns_rdata_name(struct adns_rr *rr, size_t *pos, char *out)
{
    if (adns_read_name(rr, pos, out) < 0 || *pos > rr->rdpos + rr->rdlen)
        return -EBADMSG;
    return 0;
}

/* Skips @count records from *pos, checking each is well formed. */
static int adns_skip_rrs(struct adns_rr *rr, size_t *pos, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
        if (adns_rr_read(rr, pos))
            return -EBADMSG;
    return 0;
}

struct adns_sections {
    size_t an, ns;         /* offsets of the answer and authority */
    unsigned int nan, nns; /* their record counts */
};

int lws__adns_reply_match(const uint8_t *buf, size_t len, uint16_t id,
                          const char *name_lc, uint16_t qtype)
{
    struct lws__wire w;
    struct adns_rr rr;
    uint16_t flags;
    size_t pos = 12;

    rr.pkt = buf;
    rr.len = len;
    rr.work = LWS__ADNS_MSG_WORK(len);
    lws__wire_init(&w, buf, len);
    if (lws__wire_be16(&w) != id)
        return -ESRCH;
    flags = lws__wire_be16(&w);
    if (lws__wire_be16(&w) != 1 || !(flags & 0x8000) ||
        adns_read_name(&rr, &pos, rr.owner) < 0 || strcmp(rr.owner, name_lc))
        return -ESRCH;
    lws__wire_seek(&w, pos);
    if (lws__wire_be16(&w) != qtype || lws__wire_be16(&w) != LWS__ADNS_C_IN ||
        w.err)
        return -ESRCH;
    return flags;
}

/* RFC 1035 §4.1.1/§4.1.2: header and question checks, section offsets. */
static int adns_parse_head(struct adns_rr *rr, const char *name_lc,
                           uint16_t qtype, struct adns_sections *s, int *rcode)
{
    struct lws__wire w;
    uint16_t flags, qd, ar;
    size_t pos;

    lws__wire_init(&w, rr->pkt, rr->len);
    lws__wire_be16(&w); /* ID: the transport matched it */
    flags = lws__wire_be16(&w);
    qd = lws__wire_be16(&w);
    s->nan = lws__wire_be16(&w);
    s->nns = lws__wire_be16(&w);
    ar = lws__wire_be16(&w);
    if (w.err || !(flags & 0x8000) || ((flags >> 11) & 0xf) || qd != 1)
        return -EBADMSG; /* short, not a response, not QUERY, not 1 qn */
    *rcode = flags & 0xf;
    pos = w.pos;
    if (adns_read_name(rr, &pos, rr->owner) < 0)
        return -EBADMSG;
    lws__wire_seek(&w, pos);
    if (lws__wire_be16(&w) != qtype || lws__wire_be16(&w) != LWS__ADNS_C_IN ||
        w.err || strcmp(rr->owner, name_lc))
        return -EBADMSG; /* an answer to some other question */
    s->an = w.pos;
    pos = w.pos;
    if (adns_skip_rrs(rr, &pos, s->nan))
        return -EBADMSG;
    s->ns = pos;
    /* Counts larger than the records present are malformed. */
    if (adns_skip_rrs(rr, &pos, s->nns) || adns_skip_rrs(rr, &pos, ar))
        return -EBADMSG;
    return 0;
}

static uint32_t adns_min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Reads records from *@pos (*@left of them to go) up to the next one of
 * @type, class IN, owned by @owner (any owner if NULL), into @rr.
 * @return 1 found, 0 none left, -EBADMSG. */
static int adns_next_rr(struct adns_rr *rr, size_t *pos, unsigned int *left,
                        uint16_t type, const char *owner)
{
    while (*left) {
        (*left)--;
        if (adns_rr_read(rr, pos))
            return -EBADMSG;
        if (rr->type == type && rr->cls == LWS__ADNS_C_IN &&
            (!owner || !strcmp(rr->owner, owner)))
            return 1;
    }
    return 0;
}

/* Finds the CNAME owned by @cur in the answer section; on success moves
 * @cur to its target and lowers *ttl. @return 1 found, 0 none, <0 bad. */
static int adns_follow_cname(const struct adns_sections *s, char *cur,
                             uint32_t *ttl, struct adns_rr *rr)
{
    size_t pos = s->an, np;
    unsigned int left = s->nan;
    int r = adns_next_rr(rr, &pos, &left, LWS__ADNS_T_CNAME, cur);

    if (r <= 0)
        return r;
    np = rr->rdpos;
    if (adns_rdata_name(rr, &np, cur) || !*cur)
        return -EBADMSG;
    *ttl = adns_min_u32(*ttl, rr->ttl);
    return 1;
}

void lws__adns_answer_clear(struct lws__adns_answer *ans)
{
    lws__free(ans->more);
    memset(ans, 0, sizeof(*ans));
}

/* Walks the @qtype records owned by the canonical name; with @n NULL
 * copies them (room for all is there), else counts them into *@n. */
static int adns_walk_addrs(const struct adns_sections *s, uint16_t qtype,
                           struct lws__adns_answer *ans, struct adns_rr *rr,
                           int *n)
{
    size_t pos = s->an, want = qtype == LWS__ADNS_T_A ? 4 : 16;
    unsigned int left = s->nan;
    int r;

    while ((r = adns_next_rr(rr, &pos, &left, qtype, ans->canon)) > 0) {
        if (rr->rdlen != want)
            return -EBADMSG; /* RFC 1035 §3.4.1, RFC 3596 §2.2 */
        if (n) {
            (*n)++;
            continue;
        }
        memcpy((uint8_t *)lws__adns_answer_addr(ans, ans->naddr++),
               rr->pkt + rr->rdpos, want);
        ans->ttl = adns_min_u32(ans->ttl, rr->ttl);
    }
    return r;
}

/* Collects every @qtype record owned by the canonical name, in answer
 * order: as many as the message holds (no fixed cap). */
static int adns_collect_addrs(const struct adns_sections *s, uint16_t qtype,
                              struct lws__adns_answer *ans, struct adns_rr *rr)
{
    int n = 0;

    if (adns_walk_addrs(s, qtype, ans, rr, &n))
        return -EBADMSG;
    if (n > LWS__ADNS_INLINE_ADDRS) {
        ans->more = lws__malloc((size_t)(n - LWS__ADNS_INLINE_ADDRS) *
                                sizeof(ans->more[0]));
        if (!ans->more)
            return -ENOMEM;
    }
    return adns_walk_addrs(s, qtype, ans, rr, NULL);
}

/* RFC 2308 §5: the negative TTL is the smaller of the SOA record's TTL and
 * its MINIMUM field. */
static int adns_find_soa(const struct adns_sections *s,
                         struct lws__adns_answer *ans, struct adns_rr *rr)
{
    size_t pos = s->ns, np;
    unsigned int left = s->nns;
    struct lws__wire w;
    char tmp[LWS__ADNS_NAME_MAX + 1];
    int r = adns_next_rr(rr, &pos, &left, LWS__ADNS_T_SOA, NULL);

    if (r <= 0)
        return r;
    np = rr->rdpos;
    if (adns_rdata_name(rr, &np, tmp) || adns_rdata_name(rr, &np, tmp))
        return -EBADMSG;
    lws__wire_init(&w, rr->pkt, rr->rdpos + rr->rdlen);
    lws__wire_seek(&w, np);
    lws__wire_skip(&w, 16); /* serial refresh retry expire */
    ans->neg_ttl = adns_min_u32(rr->ttl, lws__wire_be32(&w));
    if (w.err)
        return -EBADMSG;
    ans->has_soa = true;
    return 0;
}

int lws__adns_parse_answer(const uint8_t *buf, size_t len, const char *name_lc,
                           uint16_t qtype, struct lws__adns_answer *ans)
{
    struct adns_sections s;
    struct adns_rr rr;
    int depth, r;

    memset(ans, 0, sizeof(*ans));
    rr.pkt = buf;
    rr.len = len;
    rr.work = LWS__ADNS_MSG_WORK(len);
    if (!buf || !name_lc ||
        adns_parse_head(&rr, name_lc, qtype, &s, &ans->rcode))
        goto bad;
    ans->ttl = UINT32_MAX;
    strcpy(ans->canon, name_lc); /* both <= LWS__ADNS_NAME_MAX + 1 */
    for (depth = 0; depth < LWS__ADNS_CNAME_DEPTH; depth++) {
        r = adns_follow_cname(&s, ans->canon, &ans->ttl, &rr);
        if (r < 0)
            goto bad;
        if (!r)
            break;
        ans->has_cname = true;
        if (qtype == LWS__ADNS_T_CNAME)
            break; /* the first link is the answer */
    }
    if (qtype != LWS__ADNS_T_CNAME && adns_collect_addrs(&s, qtype, ans, &rr))
        goto bad;
    if ((qtype == LWS__ADNS_T_CNAME ? !ans->has_cname : !ans->naddr) &&
        adns_find_soa(&s, ans, &rr))
        goto bad;
    if (ans->ttl == UINT32_MAX)
        ans->ttl = 0;
    return 0;

bad:
    lwsl_info("bad answer for %s (type %u, %zu bytes) dropped",
              name_lc ? name_lc : "?", qtype, len);
    lws__adns_answer_clear(ans);
    return -EBADMSG;
}

/* ------------------------------------------------------------------------
 * hosts(5) and resolv.conf(5) (LWS_WITH_SYS_ASYNC_DNS_FILES)
 */
#if LWS_WITH_SYS_ASYNC_DNS_FILES

struct adns_line {
    const char *p; /* rest of the line */
    const char *end;
};

static bool adns_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Next whitespace-separated token of the line into @tok (NUL-terminated).
 * @return its length, 0 at end of line, -1 for a token too long (skipped). */
static int adns_token(struct adns_line *l, char *tok, size_t toklen)
{
    const char *s;
    size_t n;

    while (l->p < l->end && adns_is_blank(*l->p))
        l->p++;
    s = l->p;
    while (l->p < l->end && !adns_is_blank(*l->p))
        l->p++;
    n = (size_t)(l->p - s);
    if (!n)
        return 0;
    if (n >= toklen)
        return -1;
    memcpy(tok, s, n);
    tok[n] = '\0';
    return (int)n;
}

/* Splits @buf into lines with comments (from @comment chars) cut off;
 * @return false once done. */
static bool adns_next_line(const char **cur, const char *end,
                           struct adns_line *l, const char *comments)
{
    const char *nl;

    if (*cur >= end)
        return false;
    nl = memchr(*cur, '\n', (size_t)(end - *cur));
    l->p = *cur;
    l->end = nl ? nl : end;
    *cur = nl ? nl + 1 : end;
    for (const char *c = l->p; c < l->end; c++)
        if (strchr(comments, *c) && *c) {
            l->end = c;
            break;
        }
    return true;
}

int lws__adns_hosts_find(const char *buf, size_t len, const char *name_lc,
                         lws_sockaddr46 *out, int max)
{
    const char *cur = buf, *end = buf ? buf + len : NULL;
    char addr[64], tok[LWS__ADNS_NAME_MAX + 2];
    struct adns_line l;
    int n = 0;

    if (!buf || !name_lc || !out)
        return 0;
    while (n < max && adns_next_line(&cur, end, &l, "#")) {
        lws_sockaddr46 sa;

        int t;

        if (adns_token(&l, addr, sizeof(addr)) <= 0 ||
            lws_sa46_parse_numeric(&sa, addr))
            continue;
        while ((t = adns_token(&l, tok, sizeof(tok))) != 0) {
            /* lower-cased in place; one that is no valid name cannot
             * match a query's */
            if (t > 0 && lws__adns_name_lc(tok, tok) >= 0 &&
                !strcmp(tok, name_lc)) {
                out[n++] = sa;
                break;
            }
        }
    }
    return n;
}

int lws__adns_resolv_parse(const char *buf, size_t len, lws_sockaddr46 *out,
                           int max)
{
    const char *cur = buf, *end = buf ? buf + len : NULL;
    char kw[16], addr[64];
    struct adns_line l;
    int n = 0;

    if (!buf || !out)
        return 0;
    while (n < max && adns_next_line(&cur, end, &l, "#;")) {
        if (adns_token(&l, kw, sizeof(kw)) <= 0 || strcmp(kw, "nameserver") ||
            adns_token(&l, addr, sizeof(addr)) <= 0)
            continue;
        /* Scoped (link-local) addresses are not supported: skip them. */
        if (strchr(addr, '%') || lws_sa46_parse_numeric(&out[n], addr))
            continue;
        n++;
    }
    return n;
}
#endif /* LWS_WITH_SYS_ASYNC_DNS_FILES */
