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

/* The four kinds kept with a lifetime, in struct and LWS__RA6_CH_* bit
 * order: each entry starts with its expiry (monotonic us; 0 = free slot),
 * then its key.  @mlen: bytes of the key that identify it (0: a name,
 * matched without case); @clen: bytes whose change is news; @cpy: bytes
 * kept. */
_Static_assert(offsetof(struct lws__ra6_timed, expires) == 0, "expiry first");
_Static_assert(offsetof(struct lws__ra6_domain, expires) == 0, "expiry first");
_Static_assert(offsetof(struct lws__ra6_pfx, expires) == 0, "expiry first");
_Static_assert(offsetof(struct lws__ra6_timed, addr) == 8 &&
                   offsetof(struct lws__ra6_domain, name) == 8 &&
                   offsetof(struct lws__ra6_pfx, p) == 8 &&
                   offsetof(struct lws__ra6_prefix, len) == 16 &&
                   offsetof(struct lws__ra6_prefix, flags) == 17,
               "key after the expiry");
_Static_assert(LWS__RA6_ROUTERS == 4 && LWS__RA6_RDNSS == 4 &&
                   LWS__RA6_DNSSL == 4 && LWS__RA6_PREFIXES == 4 &&
                   LWS__RA6_ADDRS == 4,
               "four of each kind");
#define RA6_N     4
#define RA6_KINDS 4

#define RA6_M(f) offsetof(struct lws__ra6_msg, f)
static const struct ra6_kind {
    uint16_t off, stride;
    uint8_t mlen, clen, cpy;
    /* where an RA carries them (not the routers: the RA's source) */
    uint8_t mn;
    uint16_t mkey, mks, mlife, mls;
} ra6_kinds[RA6_KINDS] = {
    {offsetof(struct lws__ra6_core, routers), sizeof(struct lws__ra6_timed), 16,
     16, 16, 0, 0, 0, 0, 0},
    {offsetof(struct lws__ra6_core, rdnss), sizeof(struct lws__ra6_timed), 16,
     16, 16, RA6_M(nrdnss), RA6_M(rdnss), 16, RA6_M(rdnss_life_s), 4},
    {offsetof(struct lws__ra6_core, dnssl), sizeof(struct lws__ra6_domain), 0,
     0, LWS__RA6_NAME_MAX, RA6_M(ndnssl), RA6_M(dnssl), LWS__RA6_NAME_MAX,
     RA6_M(dnssl_life_s), 4},
    {offsetof(struct lws__ra6_core, prefixes), sizeof(struct lws__ra6_pfx), 17,
     18, sizeof(struct lws__ra6_prefix), RA6_M(nprefix), RA6_M(prefix),
     sizeof(struct lws__ra6_prefix), RA6_M(prefix[0].valid_s),
     sizeof(struct lws__ra6_prefix)},
};

static uint8_t *ra6_entry(const struct lws__ra6_core *c, int k, int i)
{
    return (uint8_t *)c + ra6_kinds[k].off + ra6_kinds[k].stride * i;
}

static lws_usec_t ra6_exp(const struct lws__ra6_core *c, int k, int i)
{
    lws_usec_t e;

    memcpy(&e, ra6_entry(c, k, i), sizeof(e));
    return e;
}

/* Sets the lifetime end of @key (0 removes it) in kind @k: its slot, else
 * a free one or, when full, the one that ends first (RFC 8106 §5.3.1); not
 * kept when @exp is 0 or everything held lives longer.  @return true if
 * the set changed. */
static bool ra6_set(struct lws__ra6_core *c, int k, const void *key,
                    lws_usec_t now, uint32_t life_s)
{
    lws_usec_t exp = ra6_expiry(now, life_s);
    const struct ra6_kind *kd = &ra6_kinds[k];
    int slot = -1;
    uint8_t *e;
    bool ch;

    for (int i = 0; i < RA6_N && slot < 0; i++) {
        e = ra6_entry(c, k, i) + 8;
        if (ra6_exp(c, k, i) && (kd->mlen ? !memcmp(e, key, kd->mlen)
                                          : !strcasecmp((char *)e, key)))
            slot = i;
    }
    ch = slot < 0;
    if (ch) {
        if (!exp)
            return false;
        slot = 0;
        for (int i = 1; i < RA6_N; i++) {
            lws_usec_t es = ra6_exp(c, k, slot), ei = ra6_exp(c, k, i);

            if (es && (!ei || ei < es))
                slot = i;
        }
        if (ra6_exp(c, k, slot) > exp)
            return false;
    }
    e = ra6_entry(c, k, slot);
    ch = ch || !exp || memcmp(e + 8, key, kd->clen);
    memcpy(e, &exp, sizeof(exp)); /* 0 frees it */
    memcpy(e + 8, key, kd->cpy);
    return ch;
}

/* Drops what ended by @now; the next timer call is due at *@next. */
static unsigned ra6_expire(struct lws__ra6_core *c, lws_usec_t now,
                           lws_usec_t *next)
{
    unsigned ch = 0;
    bool had_router = lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS) > 0;

    for (int k = 0; k < RA6_KINDS; k++)
        for (int i = 0; i < RA6_N; i++) {
            lws_usec_t e = ra6_exp(c, k, i);

            if (!e)
                continue;
            if (e <= now) {
                memset(ra6_entry(c, k, i), 0, sizeof(e));
                ch |= 1u << k;
            } else if (e < *next)
                *next = e;
        }
    /* The portal URI is the network's: it goes with the last router. */
    if (had_router && c->captive[0] &&
        !lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS)) {
        c->captive[0] = '\0';
        ch |= LWS__RA6_CH_CAPTIVE;
    }
    if (ch)
        lwsl_info("expired: changes 0x%x", ch);
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
    (void)now;
    ra6_out_reset(o);
    for (int k = 0; k < RA6_KINDS; k++)
        if (lws__ra6_core_count(c, 1u << k))
            o->changed |= 1u << k;
    if (c->captive[0])
        o->changed |= LWS__RA6_CH_CAPTIVE;
    if (c->flags || c->mtu)
        o->changed |= LWS__RA6_CH_FLAGS;
    /* routers, RDNSS, DNSSL and prefixes lie back to back */
    memset(c->routers, 0,
           offsetof(struct lws__ra6_core, addrs) -
               offsetof(struct lws__ra6_core, routers));
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
            lwsl_info("no RA after %u RSs", c->rs_sent);
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
    const uint8_t *mb = (const uint8_t *)m;
    unsigned ch = 0;

    for (int k = 1; k < RA6_KINDS; k++) {
        const struct ra6_kind *kd = &ra6_kinds[k];

        for (int i = 0; i < mb[kd->mn]; i++) {
            const uint8_t *key = mb + kd->mkey + kd->mks * i;
            uint32_t life;

            memcpy(&life, mb + kd->mlife + kd->mls * i, sizeof(life));
            if (k == 1 && !lws__ra6_addr_unicast(key)) {
                /* loopback, multicast, unspecified: never a server */
                lwsl_warn("RA: non-unicast RDNSS ignored");
                c->opts_refused++;
                continue;
            }
            if (ra6_set(c, k, key, now, life))
                ch |= 1u << k;
        }
    }
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
    char a[48];

    ra6_out_reset(o);
    if (c->state == LWS__RA6_ST_STOPPED)
        goto out;
    inet_ntop(AF_INET6, src, a, sizeof(a));
    /* RFC 4861 §6.1.2: hop limit 255 (nothing off-link forged it) and a
     * link-local source */
    if (hops != 255 || !lws__ra6_addr_linklocal(src)) {
        lwsl_info("RA from %s dropped: hops %d or not link-local", a, hops);
        c->ras_dropped++;
        goto out;
    }
    if (lws__ra6_parse(buf, len, &m)) {
        lwsl_info("RA from %s dropped: malformed", a);
        c->ras_dropped++;
        goto out;
    }
    c->ras++;
    if (ra6_set(c, 0, src, now, m.router_life_s))
        o->changed |= LWS__RA6_CH_ROUTERS;
    /* RFC 4861 §6.3.7: an RA from a default router ends soliciting */
    if (m.router_life_s &&
        (c->state == LWS__RA6_ST_DELAY || c->state == LWS__RA6_ST_SOLICITING))
        c->state = LWS__RA6_ST_IDLE;
    o->changed |= ra6_take_options(c, now, &m);
    /* (what it changed, the glue logs) */
    lwsl_debug("RA from %s: flags 0x%x life %us", a, m.flags, m.router_life_s);
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
        lwsl_info("only %d global addresses kept", LWS__RA6_ADDRS);
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
    int n = 0, k = __builtin_ctz(ch | 1u << 31);

    for (int i = 0; i < RA6_N; i++)
        n += ch == LWS__RA6_CH_ADDRS          ? c->addrs[i].used
             : k < RA6_KINDS && ch == 1u << k ? !!ra6_exp(c, k, i)
                                              : 0;
    return n;
}

bool lws__ra6_core_usable(const struct lws__ra6_core *c)
{
    return lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS) &&
           lws__ra6_core_count(c, LWS__RA6_CH_ADDRS) &&
           lws__ra6_core_count(c, LWS__RA6_CH_RDNSS);
}
