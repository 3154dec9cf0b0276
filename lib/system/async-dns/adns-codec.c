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
static inline char adns_fold(uint8_t c)
{
    return (char)((unsigned int)(c - 'A') < 26u ? c | 0x20 : c);
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
        lc[i] = adns_fold((uint8_t)name[i]);
    }
    if (!lab)
        return -EINVAL;
    lc[len] = '\0';
    return (int)len;
}

int lws__adns_build_query(uint8_t *buf, size_t len, const char *name_lc,
                          uint16_t qtype, uint16_t edns_size)
{
    /* After the name: the root, type (set below), class IN; then RFC 6891
     * §6.1.2's OPT: root owner, type OPT, class = UDP payload size (set
     * below), TTL = extended RCODE / version 0 / flags, no options. */
    static const uint8_t tail[16] = {
        0, 0, 0, 0, LWS__ADNS_C_IN, 0, 0, LWS__ADNS_T_OPT};
    size_t n, t = edns_size ? 16 : 5;
    uint8_t *o;

    if (!buf || !name_lc || !*name_lc)
        return -EINVAL;
    o = buf + 12;
    /* the most it takes: a length byte per label, the root, the rest */
    n = strlen(name_lc);
    if (12 + 1 + n + t > len)
        return -ENOSPC;
    /* RFC 1035 §4.1.1 header: ID 0 (the transport sets it), RD set, one
     * question, one additional record (the OPT) with EDNS0. */
    memset(buf, 0, 12);
    buf[2] = 1;
    buf[5] = 1;
    buf[11] = t > 5;
    /* RFC 1035 §4.1.2 question, uncompressed labels. */
    for (const char *p = name_lc; *p;) {
        uint8_t *lab = o++;

        while (*p && *p != '.')
            *o++ = (uint8_t)*p++;
        if (o == lab + 1 || o > lab + 64)
            return -EINVAL;
        *lab = (uint8_t)(o - lab - 1);
        if (*p)
            p++; /* the dot */
    }
    memcpy(o, tail, t);
    o[1] = (uint8_t)(qtype >> 8);
    o[2] = (uint8_t)qtype;
    if (edns_size) {
        o[8] = (uint8_t)(edns_size >> 8);
        o[9] = (uint8_t)edns_size;
    }
    return (int)(o + t - buf);
}

/* The message being parsed and the record last read. */
struct adns_rr {
    const uint8_t *pkt; /* the whole message */
    size_t len;
    unsigned int work; /* name-read steps left for the whole message */
    /* the question's name once checked, and the steps its read took (0
     * before): owners pointing straight at it are not walked again */
    const char *qname;
    unsigned int qsteps;
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
    const uint8_t *pkt = rr->pkt;
    size_t p = *pos, olen = 0, floor_pos = *pos;
    unsigned int jumps = 0;
    bool jumped = false;

    /* A pointer to the question (checked, at 12, below *pos): its name,
     * the steps its walk would take (the pointer's and the question's). */
    if (rr->qsteps && p > 12 && p + 1 < rr->len && pkt[p] == 0xc0 &&
        pkt[p + 1] == 12) {
        if (rr->work <= rr->qsteps)
            return -EBADMSG;
        rr->work -= rr->qsteps + 1;
        *pos = p + 2;
        return (int)strlen(strcpy(out, rr->qname));
    }
    /* (bytes read straight from the message: every index is checked
     * against its length first) */
    for (;;) {
        uint8_t l;

        if (p >= rr->len || !rr->work)
            return -EBADMSG; /* short, or the message's budget is spent */
        rr->work--;
        l = pkt[p++];
        if ((l & 0xc0) == 0xc0) {
            size_t tgt;

            if (p >= rr->len)
                return -EBADMSG;
            tgt = ((size_t)(l & 0x3f) << 8) | pkt[p++];
            if (tgt < 12 || tgt >= floor_pos)
                return -EBADMSG; /* forward, looping or into the header */
            if (++jumps > LWS__ADNS_NAME_JUMPS)
                return -EBADMSG; /* RFC 9267 §2: a chain only to cost us */
            if (!jumped)
                *pos = p;
            jumped = true;
            floor_pos = p = tgt;
            continue;
        }
        if (l & 0xc0)
            return -EBADMSG; /* RFC 6891 §5: extended label types unused */
        if (!l)
            break;
        if (l > rr->len - p || olen + (olen ? 1u : 0u) + l > LWS__ADNS_NAME_MAX)
            return -EBADMSG;
        if (olen)
            out[olen++] = '.';
        for (; l; l--) {
            uint8_t c = pkt[p++];

            if (!adns_label_char_ok(c))
                return -EBADMSG;
            out[olen++] = adns_fold(c);
        }
    }
    out[olen] = '\0';
    if (!jumped)
        *pos = p;
    return (int)olen;
}

/* RFC 1035 §4.1.3: reads one resource record at *pos. */
static int adns_rr_read(struct adns_rr *rr, size_t *pos)
{
    const uint8_t *p;

    /* (the name read leaves *pos within the message) */
    if (adns_read_name(rr, pos, rr->owner) < 0 || rr->len - *pos < 10)
        return -EBADMSG;
    p = rr->pkt + *pos;
    rr->type = (uint16_t)(p[0] << 8 | p[1]);
    rr->cls = (uint16_t)(p[2] << 8 | p[3]);
    /* RFC 2181 §8: a TTL with the top bit set is treated as zero. */
    rr->ttl = p[4] & 0x80 ? 0
                          : (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
                                (uint32_t)p[6] << 8 | p[7];
    rr->rdlen = (uint16_t)(p[8] << 8 | p[9]);
    rr->rdpos = *pos + 10;
    if (rr->len - rr->rdpos < rr->rdlen)
        return -EBADMSG;
    *pos = rr->rdpos + rr->rdlen;
    return 0;
}

/* Reads a name that must lie inside the RDATA of @rr. */
static int adns_rdata_name(struct adns_rr *rr, size_t *pos, char *out)
{
    if (adns_read_name(rr, pos, out) < 0 || *pos > rr->rdpos + rr->rdlen)
        return -EBADMSG;
    return 0;
}

/* Skips @count records from *pos, checking each is well formed.
 * @return how many of them are CNAMEs, or -EBADMSG. */
static int adns_skip_rrs(struct adns_rr *rr, size_t *pos, unsigned int count)
{
    int cnames = 0;

    for (unsigned int i = 0; i < count; i++) {
        if (adns_rr_read(rr, pos))
            return -EBADMSG;
        cnames += rr->type == LWS__ADNS_T_CNAME;
    }
    return cnames;
}

struct adns_sections {
    size_t an, ns;         /* offsets of the answer and authority */
    unsigned int nan, nns; /* their record counts */
    int ncname;            /* CNAMEs in the answer section */
};

/* The one question (at 12) of a message: its name is plain labels (no
 * pointer may point below it).  @return the steps reading it takes (labels
 * + 1), *pos after the question; -1 when it is cut short. */
static int adns_question_is(const uint8_t *pkt, size_t len, size_t *pos)
{
    size_t p = 12;
    int steps = 1;

    for (;; steps++) {
        uint8_t l;

        if (p >= len)
            return -1;
        l = pkt[p++];
        if (!l)
            break;
        if (l > 63 || l > len - p)
            return -1;
        p += l;
    }
    if (len - p < 4)
        return -1;
    *pos = p + 4;
    return steps;
}

/* RFC 5452 §9.1: the question of @buf is (@qname, @qtype, IN), @qname as
 * we sent it (wire form, lower case), compared in place: the same bytes,
 * or a letter of it in upper case. */
static bool adns_echoes(const uint8_t *buf, size_t len, const uint8_t *qname,
                        size_t qnlen, uint16_t qtype)
{
    const uint8_t *p = buf + 12;
    size_t lab = 0;

    if (len < 12 + qnlen + 4)
        return false;
    if (memcmp(p, qname, qnlen))
        for (size_t i = 0; i < qnlen; i++) {
            uint8_t c = p[i], e = qname[i];

            if (i == lab)
                lab += 1u + e; /* a label's length: the same */
            else if ((c | 0x20) == e && (unsigned int)(e - 'a') < 26u)
                continue;
            if (c != e)
                return false;
        }
    p += qnlen;
    return p[0] == qtype >> 8 && p[1] == (qtype & 0xff) && !p[2] &&
           p[3] == LWS__ADNS_C_IN;
}

int lws__adns_reply_match(const uint8_t *buf, size_t len, uint16_t id,
                          const uint8_t *qname, size_t qnlen, uint16_t qtype)
{
    if (len < 12 || ((buf[0] << 8) | buf[1]) != id || !(buf[2] & 0x80) ||
        buf[4] || buf[5] != 1 || !adns_echoes(buf, len, qname, qnlen, qtype))
        return -ESRCH;
    return (buf[2] << 8) | buf[3];
}

/* RFC 1035 §4.1.1/§4.1.2: header and question checks, section offsets. */
static int adns_parse_head(struct adns_rr *rr, const char *name_lc,
                           bool matched, struct adns_sections *s, int *rcode)
{
    /* (@rr's record fields are outputs: every read writes them first; its
     * caller sets the rest) */
    // cppcheck-suppress ctuuninitvar
    const uint8_t *h = rr->pkt; /* (the ID: the transport matched it) */
    size_t pos;
    int steps;

    if (rr->len < 12 || !(h[2] & 0x80) || (h[2] & 0x78) || h[4] || h[5] != 1)
        return -EBADMSG; /* short, not a response, not QUERY, not 1 qn */
    *rcode = h[3] & 0xf;
    s->nan = (unsigned int)(h[6] << 8 | h[7]);
    s->nns = (unsigned int)(h[8] << 8 | h[9]);
    steps = adns_question_is(h, rr->len, &pos);
    if (steps < 0 || !matched)
        return -EBADMSG; /* cut short, or an answer to another question */
    rr->work -= (unsigned int)steps; /* (the budget is above any name's) */
    rr->qname = name_lc;
    rr->qsteps = (unsigned int)steps;
    s->an = pos;
    s->ncname = adns_skip_rrs(rr, &pos, s->nan);
    s->ns = pos;
    /* Counts larger than the records present are malformed. */
    if (s->ncname < 0 || adns_skip_rrs(rr, &pos, s->nns) < 0 ||
        adns_skip_rrs(rr, &pos, (unsigned int)(h[10] << 8 | h[11])) < 0)
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

/* Walks the @qtype records owned by the canonical name, copying the
 * first @room of them.  @return how many there are, or -EBADMSG. */
static int adns_walk_addrs(const struct adns_sections *s, uint16_t qtype,
                           struct lws__adns_answer *ans, struct adns_rr *rr,
                           int room)
{
    size_t pos = s->an, want = qtype == LWS__ADNS_T_A ? 4 : 16;
    unsigned int left = s->nan;
    int r, n = 0;

    while ((r = adns_next_rr(rr, &pos, &left, qtype, ans->canon)) > 0) {
        if (rr->rdlen != want)
            return -EBADMSG; /* RFC 1035 §3.4.1, RFC 3596 §2.2 */
        if (n < room) {
            memcpy((uint8_t *)lws__adns_answer_addr(ans, n),
                   rr->pkt + rr->rdpos, want);
            ans->ttl = adns_min_u32(ans->ttl, rr->ttl);
        }
        n++;
    }
    return r < 0 ? r : n;
}

/* Collects every @qtype record owned by the canonical name, in answer
 * order: as many as the message holds (no fixed cap).  One walk when they
 * fit inline; past that a second one, with room for all. */
static int adns_collect_addrs(const struct adns_sections *s, uint16_t qtype,
                              struct lws__adns_answer *ans, struct adns_rr *rr)
{
    int n = adns_walk_addrs(s, qtype, ans, rr, LWS__ADNS_INLINE_ADDRS);

    if (n > LWS__ADNS_INLINE_ADDRS) {
        ans->more = lws__malloc((size_t)(n - LWS__ADNS_INLINE_ADDRS) *
                                sizeof(ans->more[0]));
        if (!ans->more)
            return -ENOMEM;
        n = adns_walk_addrs(s, qtype, ans, rr, n);
    }
    ans->naddr = n < 0 ? 0 : n;
    return n < 0 ? -EBADMSG : 0;
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

int lws__adns_parse_reply(const uint8_t *buf, size_t len, const char *name_lc,
                          uint16_t qtype, struct lws__adns_answer *ans,
                          bool matched)
{
    struct adns_sections s;
    struct adns_rr rr;
    int depth, r;

    /* (canon[] is written below up to its NUL, or all zeroed on failure:
     * the rest of it is never read) */
    memset(ans, 0, offsetof(struct lws__adns_answer, canon));
    rr.pkt = buf;
    rr.len = len;
    rr.work = LWS__ADNS_MSG_WORK(len);
    rr.qsteps = 0;
    if (!buf || !name_lc ||
        adns_parse_head(&rr, name_lc, matched, &s, &ans->rcode))
        goto bad;
    ans->ttl = UINT32_MAX;
    strcpy(ans->canon, name_lc); /* both <= LWS__ADNS_NAME_MAX + 1 */
    /* (no CNAME in the answer: no chain to look for) */
    for (depth = 0; s.ncname && depth < LWS__ADNS_CNAME_DEPTH; depth++) {
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
