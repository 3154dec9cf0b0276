/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The DHCPv6 client's core: one per interface, sans-I/O.  Driven by the
 * RA's M/O flags: O alone asks for information with Information-request
 * (RFC 8415 §18.2.6) and asks again when its refresh time (option 32, else
 * a day) ends; M runs Solicit (with Rapid Commit) / Advertise / Request /
 * Reply for one IA_NA, then Renew at T1, Rebind at T2, and ends the lease
 * when its valid lifetime does.  Every transmission follows RFC 8415 §15
 * (IRT, MRT, MRC with the ±10 % random factor).  Replies are checked as
 * DHCPv4's are: transaction id, our client id echoed, a server id (the
 * chosen server's where it must be), status codes.  Every call resets the
 * out struct and says what to send, what to take off the interface, when
 * to be called again and what changed.
 */
#define LWS_LOGMOD dhcp6
#include "private-dhcp6-pure.h"

#define D6_S(x) ((lws_usec_t)(x)*LWS_US_PER_SEC)

#define D6_MAX_DELAY_MS 1000  /* SOL_MAX_DELAY, INF_MAX_DELAY (§7.6) */
#define D6_REFRESH_DEF  86400 /* IRT_DEFAULT (§21.23) */
#define D6_REFRESH_MIN  600   /* IRT_MINIMUM */

/* RFC 8415 §7.6 transmission parameters of each sending state. */
static const struct d6_param {
    uint8_t type;
    uint16_t irt_s, mrt_s;
    uint8_t mrc; /* 0: no limit */
} d6_params[] = {
    [LWS__D6_S_INFO] = {LWS__D6_INFO_REQ, 1, 3600, 0},
    [LWS__D6_S_SOLICIT] = {LWS__D6_SOLICIT, 1, 3600, 0},
    [LWS__D6_S_REQUEST] = {LWS__D6_REQUEST, 1, 30, 10},
    [LWS__D6_S_RENEW] = {LWS__D6_RENEW, 10, 600, 0},
    [LWS__D6_S_REBIND] = {LWS__D6_REBIND, 10, 600, 0},
    /* (no MRT: four RTs of 1, 2, 4, 8 s never reach one) */
    [LWS__D6_S_RELEASE] = {LWS__D6_RELEASE, 1, 60, 4},
    [LWS__D6_S_DECLINE] = {LWS__D6_DECLINE, 1, 60, 4},
};

#define D6_STATES(X)                                                           \
    X(STOPPED)                                                                 \
    X(INFO)                                                                    \
    X(STATELESS)                                                               \
    X(SOLICIT) X(REQUEST) X(BOUND) X(RENEW) X(REBIND) X(RELEASE) X(DECLINE)
#define D6_NAME(n) #n,
static const char *const d6_state_names[] = {D6_STATES(D6_NAME)};

const char *lws__d6_state_name(int s)
{
    if (s < 0 || s > LWS__D6_S_DECLINE)
        return "?";
    return d6_state_names[s];
}

static bool d6_sending(int s)
{
    return (1u << LWS__D6_S_INFO | 1u << LWS__D6_S_SOLICIT |
            1u << LWS__D6_S_REQUEST | 1u << LWS__D6_S_RENEW |
            1u << LWS__D6_S_REBIND | 1u << LWS__D6_S_RELEASE |
            1u << LWS__D6_S_DECLINE) >>
               s &
           1;
}

/* Keeps the server id of @m in @dst (LWS__D6_DUID_MAX), its length in
 * *@dlen. */
static __attribute__((noinline)) void d6_sid(uint8_t *dst, uint8_t *dlen,
                                             const struct lws__d6_msg *m)
{
    memcpy(dst, m->sid, m->sid_len);
    *dlen = m->sid_len;
}

/* Whether @m carries the server id @sid[@len]. */
static __attribute__((noinline)) bool d6_sid_is(const struct lws__d6_msg *m,
                                                const uint8_t *sid, uint8_t len)
{
    return m->sid_len == len && !memcmp(m->sid, sid, len);
}

static bool d6_stateful(int s)
{
    return s >= LWS__D6_S_SOLICIT;
}

static void d6_out_reset(struct lws__d6_out *o)
{
    memset(o, 0, offsetof(struct lws__d6_out, pkt));
}

static void d6_state(struct lws__d6_core *c, int s, struct lws__d6_out *o)
{
    if (c->state != s) {
        lwsl_info("%s -> %s", lws__d6_state_name(c->state),
                  lws__d6_state_name(s));
        c->state = s;
        o->changed |= LWS__D6_CH_STATE;
    }
}

/* @rt plus RAND * @rt (ms), RAND uniform in -0.1..0.1 (0..0.1 if @up: the
 * first Solicit's, §18.2.1), to 10 ms; 32 bits hold twice MRT. */
static uint32_t d6_jitter(struct lws__d6_core *c, uint32_t rt, bool up)
{
    int32_t r = (int32_t)(c->rand(c->rand_ctx) % 2001) - 1000;

    if (up && r < 0)
        r = -r;
    return (uint32_t)((int32_t)rt + (int32_t)(rt / 10) * r / 1000);
}

/* End of a lifetime of @s seconds (all ones: never).  Out of line: one
 * 64-bit multiply for its four callers. */
static __attribute__((noinline)) lws_usec_t d6_expiry(lws_usec_t now,
                                                      uint32_t s)
{
    return s == LWS__D6_INFINITE ? LWS__RA6_NEVER : now + D6_S(s);
}

/* A new exchange in state @s, its first message after @delay_ms. */
static void d6_begin(struct lws__d6_core *c, lws_usec_t now, int s,
                     uint32_t delay_ms, struct lws__d6_out *o)
{
    c->xid = c->rand(c->rand_ctx) & 0xffffff;
    c->tx_count = 0;
    c->rt_ms = 0;
    c->next_tx = now + (lws_usec_t)delay_ms * 1000;
    c->tx_start = c->next_tx;
    if (s == LWS__D6_S_SOLICIT)
        c->have_adv = false;
    d6_state(c, s, o);
}

static void d6_build(struct lws__d6_core *c, lws_usec_t now, uint8_t type,
                     struct lws__d6_out *o)
{
    lws_usec_t el = (now - c->tx_start) / 10000;
    struct lws__d6_tx t = {
        .type = type,
        .xid = c->xid,
        .elapsed_cs = (uint16_t)(el > 0xffff ? 0xffff : el),
        .cid = c->cfg->duid,
        .cid_len = c->cfg->duid_len,
        .ia = type != LWS__D6_INFO_REQ,
        .iaid = c->cfg->iaid,
        .rapid_commit = type == LWS__D6_SOLICIT,
        .oro = type != LWS__D6_RELEASE && type != LWS__D6_DECLINE,
    };
    int n;

    if (type == LWS__D6_REQUEST) {
        t.sid = c->adv_sid;
        t.sid_len = c->adv_sid_len;
        t.addr = c->adv_addr;
    } else if (type != LWS__D6_SOLICIT && type != LWS__D6_INFO_REQ) {
        t.addr = c->addr;
        if (type != LWS__D6_REBIND) { /* §18.2.5: no server id */
            t.sid = c->sid;
            t.sid_len = c->sid_len;
        }
    }
    n = lws__d6_build(o->pkt, sizeof(o->pkt), &t);
    o->len = n > 0 ? (size_t)n : 0;
}

/* The next transmission of the current exchange (§15). */
static void d6_transmit(struct lws__d6_core *c, lws_usec_t now,
                        struct lws__d6_out *o)
{
    const struct d6_param *p = &d6_params[c->state];

    if (!c->tx_count)
        c->rt_ms =
            d6_jitter(c, p->irt_s * 1000u, c->state == LWS__D6_S_SOLICIT);
    else
        c->rt_ms = d6_jitter(c, 2 * c->rt_ms, false);
    if (c->rt_ms > p->mrt_s * 1000u)
        c->rt_ms = d6_jitter(c, p->mrt_s * 1000u, false);
    if (!c->tx_count)
        c->tx_start = now;
    d6_build(c, now, p->type, o);
    c->tx_count++;
    c->next_tx = now + (lws_usec_t)c->rt_ms * 1000;
}

static void d6_unbind(struct lws__d6_core *c, struct lws__d6_out *o)
{
    if (!c->have_addr)
        return;
    c->have_addr = false;
    o->unapply = true;
    memcpy(o->old_addr, c->addr, 16);
    o->changed |= LWS__D6_CH_ADDR;
}

static void d6_take_info(struct lws__d6_core *c, const struct lws__d6_info *in,
                         struct lws__d6_out *o)
{
    if (memcmp(&c->info, in, sizeof(*in))) {
        c->info = *in;
        o->changed |= LWS__D6_CH_INFO;
    }
}

static void d6_schedule(struct lws__d6_core *c, lws_usec_t now,
                        struct lws__d6_out *o)
{
    lws_usec_t next = LWS__RA6_NEVER;

    if (d6_sending(c->state))
        next = c->next_tx;
    if (c->state == LWS__D6_S_BOUND && c->t1_at < next)
        next = c->t1_at;
    if (c->state == LWS__D6_S_RENEW && c->t2_at < next)
        next = c->t2_at;
    if (c->have_addr && c->valid_at < next)
        next = c->valid_at;
    if (c->state == LWS__D6_S_STATELESS)
        next = c->refresh_at;
    o->wake = next == LWS__RA6_NEVER ? 0 : next < now ? now : next;
}

void lws__d6_core_init(struct lws__d6_core *c, const struct lws__d6_cfg *cfg,
                       lws__d6_rand_t rnd, void *rctx)
{
    memset(c, 0, sizeof(*c));
    c->cfg = cfg;
    c->rand = rnd;
    c->rand_ctx = rctx;
}

void lws__d6_core_ra(struct lws__d6_core *c, lws_usec_t now, uint8_t flags,
                     struct lws__d6_out *o)
{
    uint32_t delay = c->rand(c->rand_ctx) % (D6_MAX_DELAY_MS + 1);

    d6_out_reset(o);
    if ((flags & LWS__RA6_F_MANAGED) && !d6_stateful(c->state))
        d6_begin(c, now, LWS__D6_S_SOLICIT, delay, o);
    else if ((flags & LWS__RA6_F_OTHER) && c->state == LWS__D6_S_STOPPED)
        d6_begin(c, now, LWS__D6_S_INFO, delay, o);
    d6_schedule(c, now, o);
}

void lws__d6_core_stop(struct lws__d6_core *c, struct lws__d6_out *o)
{
    d6_out_reset(o);
    d6_unbind(c, o);
    if (c->info.ndns || c->info.ndomain || c->info.nntp || c->info.nntp_fqdn ||
        c->info.captive[0])
        o->changed |= LWS__D6_CH_INFO;
    memset(&c->info, 0, sizeof(c->info));
    d6_state(c, LWS__D6_S_STOPPED, o);
}

/* With @s, the lease's address is given back: off the interface at once
 * (§18.2.7, §18.2.8), then Release or Decline (state @s) retransmitted
 * until a Reply or MRC (§15).  0: nothing changes. */
static void d6_give_back(struct lws__d6_core *c, lws_usec_t now, int s,
                         struct lws__d6_out *o)
{
    d6_out_reset(o);
    if (s) {
        d6_unbind(c, o);
        d6_begin(c, now, s, 0, o);
        d6_transmit(c, now, o);
    }
    d6_schedule(c, now, o);
}

void lws__d6_core_release(struct lws__d6_core *c, lws_usec_t now,
                          struct lws__d6_out *o)
{
    d6_give_back(c, now, c->have_addr ? LWS__D6_S_RELEASE : 0, o);
}

void lws__d6_core_dad(struct lws__d6_core *c, lws_usec_t now,
                      const uint8_t *addr, struct lws__d6_out *o)
{
    int s = c->have_addr && !memcmp(c->addr, addr, 16) ? LWS__D6_S_DECLINE : 0;

    if (s)
        lwsl_warn("DAD failed: address in use, declining");
    d6_give_back(c, now, s, o);
}

/* The end of a Request, Release or Decline exchange (a Reply, or MRC):
 * stopped after Release, else soliciting. */
static void d6_done(struct lws__d6_core *c, lws_usec_t now,
                    struct lws__d6_out *o)
{
    if (c->state == LWS__D6_S_RELEASE)
        d6_state(c, LWS__D6_S_STOPPED, o);
    else
        d6_begin(c, now, LWS__D6_S_SOLICIT, 0, o);
}

/* A Reply that may bind (to Request, Renew, Rebind, or a rapid-commit
 * Solicit). */
static void d6_reply(struct lws__d6_core *c, lws_usec_t now,
                     const struct lws__d6_msg *m, struct lws__d6_out *o)
{
    const struct lws__d6_iaaddr *a = &m->addr[0];
    uint32_t t1 = m->t1_s, t2 = m->t2_s, p = a->preferred_s;

    if (m->status != LWS__D6_ST_NONE && m->status != LWS__D6_ST_SUCCESS) {
        /* UseMulticast: we only multicast; UnspecFail: try again.  Both
         * wait for the next retransmission (§18.2.10). */
        lwsl_warn("Reply with status %u: refused", m->status);
        c->refused++;
        return;
    }
    if (m->ia_status == LWS__D6_ST_NO_BINDING &&
        c->state != LWS__D6_S_SOLICIT && c->state != LWS__D6_S_REQUEST) {
        /* §18.2.10.1: the server lost our binding: Request it again */
        lwsl_warn("NoBinding: requesting again");
        c->refused++;
        d6_sid(c->adv_sid, &c->adv_sid_len, m);
        memcpy(c->adv_addr, c->addr, 16);
        d6_begin(c, now, LWS__D6_S_REQUEST, 0, o);
        return;
    }
    if (!m->have_ia ||
        (m->ia_status != LWS__D6_ST_NONE &&
         m->ia_status != LWS__D6_ST_SUCCESS) ||
        !m->naddr || !a->valid_s || (t2 && t1 > t2)) {
        /* NoAddrsAvail, NotOnLink, an address withdrawn, T1 > T2 */
        lwsl_warn("Reply: IA status %u, %u addresses: soliciting", m->ia_status,
                  m->naddr);
        c->refused++;
        d6_unbind(c, o);
        d6_begin(c, now, LWS__D6_S_SOLICIT, 0, o);
        return;
    }
    /* §14.2: T1 / T2 of 0 are the client's to choose: 0.5 and 0.8 times
     * the preferred lifetime */
    if (!t1)
        t1 = p == LWS__D6_INFINITE ? p : p / 2;
    if (!t2)
        t2 = p == LWS__D6_INFINITE ? p : (uint32_t)((uint64_t)p * 4 / 5);
    if (t1 > t2)
        t1 = t2;
    if (c->have_addr && memcmp(c->addr, a->addr, 16))
        d6_unbind(c, o);
    c->rapid = c->state == LWS__D6_S_SOLICIT;
    c->have_addr = true;
    memcpy(c->addr, a->addr, 16);
    d6_sid(c->sid, &c->sid_len, m);
    c->preferred_s = a->preferred_s;
    c->valid_s = a->valid_s;
    c->t1_s = t1;
    c->t2_s = t2;
    c->bound_at = now;
    c->t1_at = d6_expiry(now, t1);
    c->t2_at = d6_expiry(now, t2);
    c->valid_at = d6_expiry(now, a->valid_s);
    o->changed |= LWS__D6_CH_ADDR;
    d6_take_info(c, &m->info, o);
    d6_state(c, LWS__D6_S_BOUND, o);
    /* (the glue logs the address and its lifetimes as it applies it) */
    lwsl_notice("bound: T1 %us T2 %us%s", t1, t2,
                c->rapid ? " (rapid commit)" : "");
}

static void d6_advertise(struct lws__d6_core *c, lws_usec_t now,
                         const struct lws__d6_msg *m, struct lws__d6_out *o)
{
    if (m->status == LWS__D6_ST_NO_ADDRS || !m->have_ia || !m->naddr ||
        (m->ia_status != LWS__D6_ST_NONE &&
         m->ia_status != LWS__D6_ST_SUCCESS)) {
        /* §18.2.9: no addresses for us there */
        lwsl_info("Advertise without address ignored");
        c->refused++;
        return;
    }
    if (!c->have_adv || m->pref > c->adv_pref) {
        c->have_adv = true;
        c->adv_pref = m->pref;
        d6_sid(c->adv_sid, &c->adv_sid_len, m);
        memcpy(c->adv_addr, m->addr[0].addr, 16);
    }
    /* §18.2.1: collect for the first RT, unless preference 255 */
    if (m->pref == 255 || c->tx_count > 1)
        d6_begin(c, now, LWS__D6_S_REQUEST, 0, o);
}

/* Why @m is not for us, or NULL.  (Kept out of line: inlined, every reason
 * got a branch of its own to the log call.) */
static __attribute__((noinline)) const char *
d6_check(struct lws__d6_core *c, const struct lws__d6_msg *m)
{
    if (m->type == LWS__D6_RECONFIGURE)
        return "Reconfigure unsupported";
    if (m->xid != c->xid)
        return "transaction id";
    if (m->cid_len != c->cfg->duid_len ||
        memcmp(m->cid, c->cfg->duid, m->cid_len))
        return "client id";
    if (!m->sid_len ||
        (c->state == LWS__D6_S_REQUEST &&
         !d6_sid_is(m, c->adv_sid, c->adv_sid_len)) ||
        (c->state == LWS__D6_S_RENEW && !d6_sid_is(m, c->sid, c->sid_len)))
        return "server id";
    if (m->type == LWS__D6_ADVERTISE
            ? c->state != LWS__D6_S_SOLICIT
            : (c->state == LWS__D6_S_SOLICIT && !m->rapid_commit))
        return "type";
    return NULL;
}

void lws__d6_core_rx(struct lws__d6_core *c, lws_usec_t now, const uint8_t *buf,
                     size_t len, struct lws__d6_out *o)
{
    const char *why = "nothing asked";
    struct lws__d6_msg m;

    d6_out_reset(o);
    if (!d6_sending(c->state) ||
        (why = lws__d6_parse(buf, len, c->cfg->iaid, &m) ? "malformed"
                                                         : d6_check(c, &m))) {
        lwsl_info("message dropped: %s", why);
        c->dropped++;
        goto out;
    }
    c->replies++;
    if (m.type == LWS__D6_ADVERTISE) {
        d6_advertise(c, now, &m, o);
    } else if (c->state >= LWS__D6_S_RELEASE) {
        d6_done(c, now, o); /* any status ends it (§18.2.7, §18.2.8) */
    } else if (c->state != LWS__D6_S_INFO) {
        d6_reply(c, now, &m, o);
    } else if (m.status != LWS__D6_ST_NONE && m.status != LWS__D6_ST_SUCCESS) {
        lwsl_warn("Reply with status %u: refused", m.status);
        c->refused++;
    } else {
        uint32_t r = m.have_refresh ? m.refresh_s : D6_REFRESH_DEF;

        if (r < D6_REFRESH_MIN)
            r = D6_REFRESH_MIN;
        c->refresh_at = d6_expiry(now, r);
        d6_sid(c->sid, &c->sid_len, &m);
        d6_take_info(c, &m.info, o);
        d6_state(c, LWS__D6_S_STATELESS, o);
    }
out:
    if (d6_sending(c->state) && !c->tx_count && c->next_tx <= now)
        d6_transmit(c, now, o); /* a new exchange begun just now */
    d6_schedule(c, now, o);
}

void lws__d6_core_timer(struct lws__d6_core *c, lws_usec_t now,
                        struct lws__d6_out *o)
{
    d6_out_reset(o);
    if (c->have_addr && now >= c->valid_at) {
        lwsl_warn("lease expired");
        d6_unbind(c, o);
        d6_begin(c, now, LWS__D6_S_SOLICIT, 0, o);
    }
    switch (c->state) {
    case LWS__D6_S_BOUND:
        if (now >= c->t1_at)
            d6_begin(c, now, LWS__D6_S_RENEW, 0, o);
        break;
    case LWS__D6_S_RENEW:
        if (now >= c->t2_at)
            d6_begin(c, now, LWS__D6_S_REBIND, 0, o);
        break;
    case LWS__D6_S_STATELESS:
        if (now >= c->refresh_at)
            d6_begin(c, now, LWS__D6_S_INFO, 0, o);
        break;
    case LWS__D6_S_SOLICIT:
        if (now >= c->next_tx && c->have_adv)
            d6_begin(c, now, LWS__D6_S_REQUEST, 0, o);
        break;
    case LWS__D6_S_REQUEST:
    case LWS__D6_S_RELEASE:
    case LWS__D6_S_DECLINE:
        if (now >= c->next_tx && c->tx_count >= d6_params[c->state].mrc) {
            lwsl_warn("no Reply to %u %s", c->tx_count,
                      lws__d6_state_name(c->state));
            d6_done(c, now, o);
        }
        break;
    default:
        break;
    }
    if (d6_sending(c->state) && now >= c->next_tx)
        d6_transmit(c, now, o);
    d6_schedule(c, now, o);
}
