/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The router-advertisement client's core: one per interface, sans-I/O.
 * At link up it solicits as RFC 4861 §6.3.7 says (a random delay of up to
 * MAX_RTR_SOLICITATION_DELAY, then up to MAX_RTR_SOLICITATIONS RSs
 * RTR_SOLICITATION_INTERVAL apart, until an RA from a default router
 * comes); it keeps what valid RAs say -- default routers, RDNSS servers and
 * DNSSL domains (RFC 8106 §5.3), prefixes, MTU, M/O, the RFC 8910 URI --
 * each with its lifetime on the caller's clock, and the global addresses
 * the kernel made from the prefixes (SLAAC is the kernel's).  Every call
 * resets the out struct and says what to send, when to be called again and
 * what changed.
 */
#define LWS_LOGMOD ra6
#include "private-ra6-pure.h"

#include <arpa/inet.h>
#include <strings.h>

#define RA6_STATES(X) X(STOPPED) X(DELAY) X(SOLICITING) X(IDLE)
#define RA6_NAME(n)   #n,
static const char *const ra6_state_names[] = {RA6_STATES(RA6_NAME)};

const char *lws__ra6_state_name(int s)
{
    if (s < 0 || s > LWS__RA6_ST_IDLE)
        return "?";
    return ra6_state_names[s];
}

static void ra6_out_reset(struct lws__ra6_out *o)
{
    memset(o, 0, sizeof(*o));
}

/* End of a lifetime of @s seconds from @now (RFC 4861 §4.6.2, RFC 8106
 * §5.1: all ones is infinity); 0 for a zero lifetime. */
static lws_usec_t ra6_expiry(lws_usec_t now, uint32_t s)
{
    if (s == LWS__RA6_INFINITE)
        return LWS__RA6_NEVER;
    return s ? now + (lws_usec_t)s * LWS_US_PER_SEC : 0;
}

/* Each kept entry starts with its expiry (monotonic us; 0 = free slot). */
_Static_assert(offsetof(struct lws__ra6_timed, expires) == 0, "expiry first");
_Static_assert(offsetof(struct lws__ra6_domain, expires) == 0, "expiry first");
_Static_assert(offsetof(struct lws__ra6_pfx, expires) == 0, "expiry first");

static lws_usec_t ra6_exp(const void *base, size_t stride, int i)
{
    lws_usec_t e;

    memcpy(&e, (const uint8_t *)base + stride * (size_t)i, sizeof(e));
    return e;
}

typedef bool (*ra6_match_t)(const void *entry, const void *key);

/* The slot of @key in @base[@n] (*@found), else the slot a new entry with
 * lifetime end @exp takes: a free one or, when full, the one that ends
 * first (RFC 8106 §5.3.1); -1 when @exp is 0 or everything held lives
 * longer. */
static int ra6_slot(const void *base, size_t stride, int n, ra6_match_t match,
                    const void *key, lws_usec_t exp, bool *found)
{
    int slot = 0;

    *found = false;
    for (int i = 0; i < n; i++)
        if (ra6_exp(base, stride, i) &&
            match((const uint8_t *)base + stride * (size_t)i, key)) {
            *found = true;
            return i;
        }
    if (!exp)
        return -1;
    for (int i = 1; i < n; i++) {
        lws_usec_t es = ra6_exp(base, stride, slot);
        lws_usec_t ei = ra6_exp(base, stride, i);

        if (es && (!ei || ei < es))
            slot = i;
    }
    return ra6_exp(base, stride, slot) > exp ? -1 : slot;
}

static bool ra6_match_addr(const void *entry, const void *key)
{
    return !memcmp(((const struct lws__ra6_timed *)entry)->addr, key, 16);
}

static bool ra6_match_name(const void *entry, const void *key)
{
    return !strcasecmp(((const struct lws__ra6_domain *)entry)->name, key);
}

static bool ra6_match_prefix(const void *entry, const void *key)
{
    const struct lws__ra6_prefix *a = &((const struct lws__ra6_pfx *)entry)->p;
    const struct lws__ra6_prefix *b = key;

    return a->len == b->len && !memcmp(a->prefix, b->prefix, 16);
}

/* Sets the lifetime of @addr in @t[@n] (0 removes it).  @return true if
 * the set of addresses changed. */
static bool ra6_timed_set(struct lws__ra6_timed *t, int n, const uint8_t *addr,
                          lws_usec_t exp)
{
    bool found;
    int i = ra6_slot(t, sizeof(*t), n, ra6_match_addr, addr, exp, &found);

    if (i < 0)
        return false;
    memcpy(t[i].addr, addr, 16);
    t[i].expires = exp; /* 0 frees it */
    return !found || !exp;
}

static bool ra6_domain_set(struct lws__ra6_domain *d, const char *name,
                           lws_usec_t exp)
{
    bool found;
    int i = ra6_slot(d, sizeof(*d), LWS__RA6_DNSSL, ra6_match_name, name, exp,
                     &found);

    if (i < 0)
        return false;
    memcpy(d[i].name, name, LWS__RA6_NAME_MAX);
    d[i].expires = exp;
    return !found || !exp;
}

static bool ra6_prefix_set(struct lws__ra6_pfx *t,
                           const struct lws__ra6_prefix *p, lws_usec_t exp)
{
    bool found, ch;
    int i = ra6_slot(t, sizeof(*t), LWS__RA6_PREFIXES, ra6_match_prefix, p, exp,
                     &found);

    if (i < 0)
        return false;
    ch = !found || !exp || t[i].p.flags != p->flags;
    t[i].p = *p;
    t[i].expires = exp;
    return ch;
}

/* Drops what ended by @now; the next timer call is due at *@next. */
static unsigned ra6_expire(struct lws__ra6_core *c, lws_usec_t now,
                           lws_usec_t *next)
{
    unsigned ch = 0;
    bool had_router = lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS) > 0;

#define RA6_EXPIRE(arr, n, bit)                                                \
    for (int i = 0; i < (n); i++) {                                            \
        if (!c->arr[i].expires)                                                \
            continue;                                                          \
        if (c->arr[i].expires <= now) {                                        \
            c->arr[i].expires = 0;                                             \
            ch |= (bit);                                                       \
        } else if (c->arr[i].expires < *next)                                  \
            *next = c->arr[i].expires;                                         \
    }
    RA6_EXPIRE(routers, LWS__RA6_ROUTERS, LWS__RA6_CH_ROUTERS)
    RA6_EXPIRE(rdnss, LWS__RA6_RDNSS, LWS__RA6_CH_RDNSS)
    RA6_EXPIRE(dnssl, LWS__RA6_DNSSL, LWS__RA6_CH_DNSSL)
    RA6_EXPIRE(prefixes, LWS__RA6_PREFIXES, LWS__RA6_CH_PREFIXES)
#undef RA6_EXPIRE
    /* The portal URI is the network's: it goes with the last router. */
    if (had_router && c->captive[0] &&
        !lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS)) {
        c->captive[0] = '\0';
        ch |= LWS__RA6_CH_CAPTIVE;
    }
    if (ch)
        lwsl_info("lifetimes ended (changes 0x%x)", ch);
    return ch;
}

/* Runs the expiries and sets the wake time. */
static void ra6_schedule(struct lws__ra6_core *c, lws_usec_t now,
                         struct lws__ra6_out *o)
{
    lws_usec_t next = LWS__RA6_NEVER;

    o->changed |= ra6_expire(c, now, &next);
    if ((c->state == LWS__RA6_ST_DELAY || c->state == LWS__RA6_ST_SOLICITING) &&
        c->next_rs < next)
        next = c->next_rs;
    /* an overdue RS (the caller's clock jumped past it) is due now */
    o->wake = next == LWS__RA6_NEVER ? 0 : next < now ? now : next;
}

void lws__ra6_core_init(struct lws__ra6_core *c, const struct lws__ra6_cfg *cfg,
                        lws__ra6_rand_t rnd, void *rctx)
{
    memset(c, 0, sizeof(*c));
    c->cfg = cfg;
    c->rand = rnd;
    c->rand_ctx = rctx;
}

void lws__ra6_core_start(struct lws__ra6_core *c, lws_usec_t now,
                         struct lws__ra6_out *o)
{
    uint32_t delay_ms = c->rand(c->rand_ctx) % (c->cfg->rs_delay_max_ms + 1);

    ra6_out_reset(o);
    /* RFC 4861 §6.3.7: delay the first RS by a random 0..MAX_RTR_SOLICI-
     * TATION_DELAY, so that hosts coming up together do not collide */
    c->state = LWS__RA6_ST_DELAY;
    c->rs_sent = 0;
    c->rs_fail = 0;
    c->next_rs = now + (lws_usec_t)delay_ms * 1000;
    lwsl_info("soliciting in %u ms", delay_ms);
    ra6_schedule(c, now, o);
}

void lws__ra6_core_stop(struct lws__ra6_core *c, lws_usec_t now,
                        struct lws__ra6_out *o)
{
    static const unsigned kinds[] = {LWS__RA6_CH_ROUTERS, LWS__RA6_CH_RDNSS,
                                     LWS__RA6_CH_DNSSL, LWS__RA6_CH_PREFIXES};

    (void)now;
    ra6_out_reset(o);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (lws__ra6_core_count(c, kinds[i]))
            o->changed |= kinds[i];
    if (c->captive[0])
        o->changed |= LWS__RA6_CH_CAPTIVE;
    if (c->flags || c->mtu)
        o->changed |= LWS__RA6_CH_FLAGS;
    memset(c->routers, 0, sizeof(c->routers));
    memset(c->rdnss, 0, sizeof(c->rdnss));
    memset(c->dnssl, 0, sizeof(c->dnssl));
    memset(c->prefixes, 0, sizeof(c->prefixes));
    c->captive[0] = '\0';
    c->flags = 0;
    c->mtu = 0;
    c->hop_limit = 0;
    c->state = LWS__RA6_ST_STOPPED;
}

void lws__ra6_core_timer(struct lws__ra6_core *c, lws_usec_t now,
                         struct lws__ra6_out *o)
{
    ra6_out_reset(o);
    if ((c->state == LWS__RA6_ST_DELAY || c->state == LWS__RA6_ST_SOLICITING) &&
        now >= c->next_rs) {
        if (c->rs_sent >= c->cfg->rs_count) {
            /* RFC 4861 §6.3.7: no RA after MAX_RTR_SOLICITATIONS: no
             * router for now; unsolicited RAs still count */
            lwsl_info("no router answered %u solicitations", c->rs_sent);
            c->state = LWS__RA6_ST_IDLE;
        } else {
            o->send_rs = true;
            c->rs_sent++;
            c->state = LWS__RA6_ST_SOLICITING;
            c->next_rs = now + (lws_usec_t)c->cfg->rs_interval_ms * 1000;
        }
    }
    ra6_schedule(c, now, o);
}

void lws__ra6_core_rs_failed(struct lws__ra6_core *c, lws_usec_t now,
                             struct lws__ra6_out *o)
{
    ra6_out_reset(o);
    if (c->state == LWS__RA6_ST_SOLICITING && c->rs_sent &&
        c->rs_fail < LWS__RA6_RS_RETRIES) {
        /* RFC 4861 §6.3.7 counts solicitations sent; this one was not */
        c->rs_fail++;
        c->rs_sent--;
        c->next_rs = now + (lws_usec_t)LWS__RA6_RS_RETRY_MS * 1000;
    }
    ra6_schedule(c, now, o);
}

static unsigned ra6_take_options(struct lws__ra6_core *c, lws_usec_t now,
                                 const struct lws__ra6_msg *m)
{
    unsigned ch = 0;

    for (int i = 0; i < m->nrdnss; i++) {
        if (!lws__ra6_addr_unicast(m->rdnss[i])) {
            /* loopback, multicast, unspecified: never a server for us */
            lwsl_warn("RA: RDNSS address that is not unicast ignored");
            c->opts_refused++;
            continue;
        }
        if (ra6_timed_set(c->rdnss, LWS__RA6_RDNSS, m->rdnss[i],
                          ra6_expiry(now, m->rdnss_life_s[i])))
            ch |= LWS__RA6_CH_RDNSS;
    }
    for (int i = 0; i < m->ndnssl; i++)
        if (ra6_domain_set(c->dnssl, m->dnssl[i],
                           ra6_expiry(now, m->dnssl_life_s[i])))
            ch |= LWS__RA6_CH_DNSSL;
    for (int i = 0; i < m->nprefix; i++)
        if (ra6_prefix_set(c->prefixes, &m->prefix[i],
                           ra6_expiry(now, m->prefix[i].valid_s)))
            ch |= LWS__RA6_CH_PREFIXES;
    if (m->have_captive && strcmp(c->captive, m->captive)) {
        /* RFC 8910 §2: the latest URI the network gave */
        memcpy(c->captive, m->captive, sizeof(c->captive));
        ch |= LWS__RA6_CH_CAPTIVE;
    }
    if (m->flags != c->flags || (m->mtu && m->mtu != c->mtu)) {
        c->flags = m->flags;
        if (m->mtu)
            c->mtu = m->mtu;
        ch |= LWS__RA6_CH_FLAGS;
    }
    if (m->hop_limit)
        c->hop_limit = m->hop_limit;
    return ch;
}

void lws__ra6_core_rx(struct lws__ra6_core *c, lws_usec_t now,
                      const uint8_t *src, int hops, const uint8_t *buf,
                      size_t len, struct lws__ra6_out *o)
{
    struct lws__ra6_msg m;

    ra6_out_reset(o);
    if (c->state == LWS__RA6_ST_STOPPED)
        goto out;
    /* RFC 4861 §6.1.2: hop limit 255 (nothing off-link forged it) and a
     * link-local source */
    if (hops != 255 || !lws__ra6_addr_linklocal(src)) {
        char a[48];

        inet_ntop(AF_INET6, src, a, sizeof(a));
        lwsl_info("RA from %s dropped: hop limit %d or source not link-local",
                  a, hops);
        c->ras_dropped++;
        goto out;
    }
    if (lws__ra6_parse(buf, len, &m)) {
        lwsl_info("RA dropped: malformed");
        c->ras_dropped++;
        goto out;
    }
    c->ras++;
    if (ra6_timed_set(c->routers, LWS__RA6_ROUTERS, src,
                      ra6_expiry(now, m.router_life_s)))
        o->changed |= LWS__RA6_CH_ROUTERS;
    /* RFC 4861 §6.3.7: an RA from a default router ends soliciting */
    if (m.router_life_s &&
        (c->state == LWS__RA6_ST_DELAY || c->state == LWS__RA6_ST_SOLICITING))
        c->state = LWS__RA6_ST_IDLE;
    o->changed |= ra6_take_options(c, now, &m);
    if (lws__log_enabled(LLL_DEBUG)) {
        char a[48];

        inet_ntop(AF_INET6, src, a, sizeof(a));
        lwsl_debug("RA from %s: flags 0x%x life %us, %d prefix(es), %d DNS, "
                   "%d domain(s)",
                   a, m.flags, m.router_life_s, m.nprefix, m.nrdnss, m.ndnssl);
    }
out:
    ra6_schedule(c, now, o);
}

void lws__ra6_core_addr(struct lws__ra6_core *c, lws_usec_t now,
                        const uint8_t *addr, uint8_t plen, bool gone,
                        struct lws__ra6_out *o)
{
    int free_slot = -1;

    ra6_out_reset(o);
    for (int i = 0; i < LWS__RA6_ADDRS; i++) {
        if (!c->addrs[i].used) {
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        if (memcmp(c->addrs[i].addr, addr, 16))
            continue;
        if (gone) {
            c->addrs[i].used = false;
            o->changed |= LWS__RA6_CH_ADDRS;
        } else if (c->addrs[i].plen != plen) {
            c->addrs[i].plen = plen;
            o->changed |= LWS__RA6_CH_ADDRS;
        }
        goto out;
    }
    if (gone)
        goto out;
    if (free_slot < 0) {
        lwsl_info("more than %d global addresses: not all reported",
                  LWS__RA6_ADDRS);
        goto out;
    }
    memcpy(c->addrs[free_slot].addr, addr, 16);
    c->addrs[free_slot].plen = plen;
    c->addrs[free_slot].used = true;
    o->changed |= LWS__RA6_CH_ADDRS;
out:
    ra6_schedule(c, now, o);
}

int lws__ra6_core_count(const struct lws__ra6_core *c, unsigned ch)
{
    int n = 0;

#define RA6_COUNT(arr, nn, f)                                                  \
    for (int i = 0; i < (nn); i++)                                             \
        n += !!c->arr[i].f;
    switch (ch) {
    case LWS__RA6_CH_ROUTERS:
        RA6_COUNT(routers, LWS__RA6_ROUTERS, expires)
        break;
    case LWS__RA6_CH_RDNSS:
        RA6_COUNT(rdnss, LWS__RA6_RDNSS, expires)
        break;
    case LWS__RA6_CH_DNSSL:
        RA6_COUNT(dnssl, LWS__RA6_DNSSL, expires)
        break;
    case LWS__RA6_CH_PREFIXES:
        RA6_COUNT(prefixes, LWS__RA6_PREFIXES, expires)
        break;
    case LWS__RA6_CH_ADDRS:
        RA6_COUNT(addrs, LWS__RA6_ADDRS, used)
        break;
    default:
        break;
    }
#undef RA6_COUNT
    return n;
}

bool lws__ra6_core_usable(const struct lws__ra6_core *c)
{
    return lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS) &&
           lws__ra6_core_count(c, LWS__RA6_CH_ADDRS) &&
           lws__ra6_core_count(c, LWS__RA6_CH_RDNSS);
}
