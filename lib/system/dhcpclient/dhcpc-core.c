/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The sans-I/O DHCPv4 client core for one interface: the RFC 2131 state
 * machine (INIT, SELECTING, REQUESTING, INIT-REBOOT, BOUND, RENEWING,
 * REBINDING) plus RFC 5227 probing (CHECKING) and DECLINE.  It is driven by
 * start / rx / arp / timer / link / stop calls carrying the current
 * monotonic time, and answers with actions (send this, apply that, notify,
 * wake me at T) for the glue to carry out.  No sockets, no clocks, no heap.
 */
#define LWS_LOGMOD dhcpc
#include "private-dhcpc-pure.h"

#include <arpa/inet.h>

#define US_PER_MS      ((lws_usec_t)1000)
#define INFINITE_LEASE 0xffffffffu
#define REQUEST_TRIES  4 /* REQUESTING retransmissions before INIT again */
#define REBOOT_TRIES   2 /* INIT-REBOOT tries, at a quarter of the timeout */

const char *lws__dhcpc_state_name(int s)
{
    return lws__name_at(LWS_DHCPC_STATE_LIST(LWS__NAME_PACK), s);
}

static void core_set_state(struct lws__dhcpc_core *c, int s)
{
    if (c->state != s)
        lwsl_info("%s -> %s", lws__dhcpc_state_name(c->state),
                  lws__dhcpc_state_name(s));
    c->state = s;
}

/* Every entry point: the time and the actions of this call. */
static __attribute__((noinline)) void
core_enter(struct lws__dhcpc_core *c, lws_usec_t now, struct lws__dhcpc_out *o)
{
    c->now = now;
    c->o = o;
    /* everything before the buffers: false, TX_NONE, 0 */
    memset(o, 0, offsetof(struct lws__dhcpc_out, tx_buf));
    o->event = -1;
}

/* Sockets each state listens on. */
static unsigned int core_socks(const struct lws__dhcpc_core *c)
{
    switch (c->state) {
    case LWS_DHCPC_STATE_INIT:
    case LWS_DHCPC_STATE_SELECTING:
    case LWS_DHCPC_STATE_REQUESTING:
    case LWS_DHCPC_STATE_INIT_REBOOT:
    case LWS_DHCPC_STATE_REBINDING:
        return LWS__DHCPC_SOCK_RAW;
    case LWS_DHCPC_STATE_RENEWING:
        return LWS__DHCPC_SOCK_UDP;
    case LWS_DHCPC_STATE_CHECKING:
        return LWS__DHCPC_SOCK_ARP;
    default:
        return 0;
    }
}

static void out_finish(struct lws__dhcpc_core *c)
{
    struct lws__dhcpc_out *o = c->o;

    o->wake = c->wake;
    o->socks = core_socks(c);
    if (o->event >= 0)
        c->last_event = o->event;
}

/* +/- @ms, uniformly. */
static __attribute__((noinline)) int32_t jitter(struct lws__dhcpc_core *c,
                                                uint32_t ms)
{
    return ms ? (int32_t)(c->rand(c->rand_ctx) % (2 * ms + 1)) - (int32_t)ms
              : 0;
}

/* At least 1 ms. */
static __attribute__((noinline)) uint64_t ms_min1(int64_t ms)
{
    return ms > 1 ? (uint64_t)ms : 1;
}

/* The next on_timer @ms from now. */
static __attribute__((noinline)) void wake_in(struct lws__dhcpc_core *c,
                                              uint64_t ms)
{
    c->wake = c->now + (lws_usec_t)ms * US_PER_MS;
}

/* RFC 2131 §4.1: 4, 8, 16, 32, 64 s (doubling up to @max times), each
 * +/- 1 s; all of it divided by 2^@shift. */
static uint64_t retx_ms(struct lws__dhcpc_core *c, int attempt, int shift,
                        int max)
{
    return ms_min1((int64_t)((uint64_t)c->cfg->retx_base_ms
                                 << (attempt > max ? max : attempt) >>
                             shift) +
                   jitter(c, c->cfg->retx_jitter_ms >> shift));
}

/* The DISCOVER / REQUEST schedule.  Fast phase, the first
 * retx_fast_window_ms (60 s) of getting a lease: every retx_fast_ms (2 s)
 * +/- a quarter, so under loss a lost packet costs ~2 s, while a healthy
 * network sees one packet and, at worst, 0.57 per second (0.5 on average).
 * After it, retx_ms(): RFC 2131 §4.1's 4, 8, 16, 32, 64 s, a SHOULD;
 * the latitude used is the first minute. */
static uint64_t acq_ms(struct lws__dhcpc_core *c)
{
    uint32_t f = c->cfg->retx_fast_ms;

    if (!f || c->now - c->acq_start >=
                  (lws_usec_t)c->cfg->retx_fast_window_ms * US_PER_MS)
        return retx_ms(c, c->attempt, 0, 4);
    return ms_min1((int64_t)f + jitter(c, f / 4));
}

static void new_exchange(struct lws__dhcpc_core *c)
{
    lws_usec_t now = c->now;

    c->xid = c->rand(c->rand_ctx);
    c->attempt = 0;
    c->exch_start = now;
}

static uint16_t secs_since(lws_usec_t start, lws_usec_t now)
{
    lws_usec_t s = (now - start) / LWS_US_PER_SEC;

    return (uint16_t)(s > 0xffff ? 0xffff : (s < 0 ? 0 : s));
}

/* Builds a message of @type with ciaddr (and IP source) @ciaddr, options
 * 50 @req_ip and 54 @server_id (0: left out), to @dst: broadcast through
 * the raw socket, or unicast. */
static void send_msg(struct lws__dhcpc_core *c, uint8_t type, uint32_t ciaddr,
                     uint32_t req_ip, uint32_t server_id, uint32_t dst)
{
    lws_usec_t now = c->now;
    struct lws__dhcpc_out *o = c->o;
    struct lws__dhcpc_tx t = {
        .type = type,
        .xid = c->xid,
        .secs = secs_since(c->exch_start, now),
        .ciaddr = ciaddr,
        .req_ip = req_ip,
        .server_id = server_id,
        .mac = c->mac,
        .client_id = c->client_id_len ? c->client_id : NULL,
        .client_id_len = c->client_id_len,
        .hostname = c->cfg->hostname[0] ? c->cfg->hostname : NULL,
        .rapid_commit = c->cfg->rapid_commit, /* DISCOVER only */
        .v6only = c->cfg->v6only,
        /* RFC 2131 §4.4.1: a DECLINE says why */
        .message = type == LWS__DHCPC_DECLINE ? "address in use" : NULL};
    int n = lws__dhcpc_build(o->tx_buf, sizeof(o->tx_buf), &t);

    if (n < 0) {
        lwsl_err("cannot build type %u", type);
        return;
    }
    o->tx = dst == 0xffffffffu ? LWS__DHCPC_TX_BCAST : LWS__DHCPC_TX_UNICAST;
    o->tx_len = (size_t)n;
    o->tx_src = ciaddr;
    o->tx_dst = dst;
    c->last_tx = now;
}

static void send_discover(struct lws__dhcpc_core *c)
{
    core_set_state(c, LWS_DHCPC_STATE_SELECTING);
    /* RFC 2131 §4.4.1: MAY suggest an address */
    send_msg(c, LWS__DHCPC_DISCOVER, 0, c->reboot_ip, 0, 0xffffffffu);
    wake_in(c, acq_ms(c));
}

/* INIT: DISCOVER after @delay ms. */
static void start_init(struct lws__dhcpc_core *c, uint64_t delay)
{
    lws_usec_t now = c->now;

    /* A REQUEST that went unanswered or was NAKed goes on getting the
     * same lease: the fast phase does not start again. */
    if (c->state != LWS_DHCPC_STATE_SELECTING &&
        c->state != LWS_DHCPC_STATE_REQUESTING)
        c->acq_start = now + (lws_usec_t)delay * US_PER_MS;
    new_exchange(c);
    if (delay) {
        core_set_state(c, LWS_DHCPC_STATE_INIT);
        wake_in(c, delay);
        return;
    }
    send_discover(c);
}

static void send_request(struct lws__dhcpc_core *c)
{
    switch (c->state) {
    case LWS_DHCPC_STATE_REQUESTING: /* RFC 2131 §4.3.2 table 5 */
        send_msg(c, LWS__DHCPC_REQUEST, 0, c->offer.ip, c->offer.server,
                 0xffffffffu);
        wake_in(c, acq_ms(c));
        break;
    case LWS_DHCPC_STATE_INIT_REBOOT:
        send_msg(c, LWS__DHCPC_REQUEST, 0, c->reboot_ip, 0, 0xffffffffu);
        wake_in(c, retx_ms(c, c->attempt, 2, 4));
        break;
    default:
        break;
    }
}

/* RFC 2131 §4.4.5: retransmit at half the time remaining until @limit,
 * at least renew_min, never past @limit. */
static lws_usec_t renew_next(const struct lws__dhcpc_core *c, lws_usec_t limit)
{
    lws_usec_t now = c->now;
    lws_usec_t half = (limit - now) / 2,
               min = (lws_usec_t)c->cfg->renew_min_ms * US_PER_MS;

    if (half < min)
        half = min;
    return now + half < limit ? now + half : limit;
}

static __attribute__((noinline)) void send_renew(struct lws__dhcpc_core *c)
{
    bool renewing = c->state == LWS_DHCPC_STATE_RENEWING;

    /* RFC 2131 §4.3.2: ciaddr set, no 50/54; unicast to the server while
     * RENEWING, broadcast while REBINDING. */
    send_msg(c, LWS__DHCPC_REQUEST, c->lease.ip, 0, 0,
             renewing ? c->lease.server : 0xffffffffu);
    c->wake = renew_next(c, renewing ? c->lease_t2 : c->lease_end);
}

/* No lease to remember for INIT-REBOOT any more. */
static __attribute__((noinline)) void forget(struct lws__dhcpc_core *c)
{
    c->reboot_ip = c->reboot_server = 0;
    c->o->forget = true;
}

static void drop_lease(struct lws__dhcpc_core *c, bool forget_it)
{
    struct lws__dhcpc_out *o = c->o;

    if (c->have_lease) {
        c->old = c->lease;
        o->unapply = true;
        c->have_lease = false;
    }
    if (forget_it)
        forget(c);
}

void lws__dhcpc_core_init(struct lws__dhcpc_core *c,
                          const struct lws__dhcpc_cfg *cfg, const uint8_t *mac,
                          uint32_t iaid, lws__dhcpc_rand_t rnd, void *rctx)
{
    memset(c, 0, sizeof(*c));
    c->cfg = cfg;
    c->rand = rnd;
    c->rand_ctx = rctx;
    c->last_event = -1;
    memcpy(c->mac, mac, 6);
    switch (cfg->client_id_mode) {
    case LWS_DHCPC_CLIENTID_MAC: /* RFC 2132 §9.14: htype + MAC */
        c->client_id[0] = 1;
        memcpy(c->client_id + 1, mac, 6);
        c->client_id_len = 7;
        break;
    case LWS_DHCPC_CLIENTID_RFC4361: {
        /* RFC 4361 §6.1: 255, IAID, DUID; DUID-LL (RFC 3315 §9.4). */
        uint8_t id[] = {255,
                        (uint8_t)(iaid >> 24),
                        (uint8_t)(iaid >> 16),
                        (uint8_t)(iaid >> 8),
                        (uint8_t)iaid,
                        0,
                        3,
                        0,
                        1};

        memcpy(c->client_id, id, sizeof(id));
        memcpy(c->client_id + sizeof(id), mac, 6);
        c->client_id_len = sizeof(id) + 6;
        break;
    }
    default:
        break;
    }
    c->state = LWS_DHCPC_STATE_STOPPED;
}

void lws__dhcpc_core_start(struct lws__dhcpc_core *c, lws_usec_t now,
                           struct lws__dhcpc_out *o)
{
    core_enter(c, now, o);
    c->nak_count = 0;
    c->apply_fails = 0;
    if (c->have_lease)
        c->reboot_ip = c->lease.ip, c->reboot_server = c->lease.server;
    if (c->reboot_ip) {
        /* RFC 2131 §3.2: verify the remembered address at once. */
        new_exchange(c);
        core_set_state(c, LWS_DHCPC_STATE_INIT_REBOOT);
        send_request(c);
    } else {
        uint32_t max = c->cfg->initial_delay_max_ms;

        start_init(c, max ? c->rand(c->rand_ctx) % (max + 1) : 0);
    }
    out_finish(c);
}

static bool usable_ip(uint32_t ip)
{
    uint8_t a = (uint8_t)(ip >> 24);

    /* 0/8, 127/8, multicast, class E and broadcast are never leases. */
    return a != 0 && a != 127 && a < 224;
}

static uint32_t classful_mask(uint32_t ip)
{
    uint8_t a = (uint8_t)(ip >> 24);

    return a < 128 ? 0xff000000u : (a < 192 ? 0xffff0000u : 0xffffff00u);
}

/* RFC 2131 §4.4.5: defaults 0.5 and 0.875 of the lease; inconsistent
 * server values are replaced by the defaults. */
static void lease_timers(struct lws__dhcpc_lease *l,
                         const struct lws__dhcpc_msg *m)
{
    uint64_t lm = (uint64_t)l->lease * 1000, t1, t2;

    l->lease_ms = lm;
    if (l->lease == INFINITE_LEASE) {
        l->t1 = l->t2 = INFINITE_LEASE;
        l->t1_ms = l->t2_ms = lm;
        return;
    }
    t1 = m->have & LWS__HAVE_T1 ? (uint64_t)m->t1 * 1000 : lm / 2;
    t2 = m->have & LWS__HAVE_T2 ? (uint64_t)m->t2 * 1000 : lm * 7 / 8;
    if (!t1 || t1 >= t2 || t2 >= lm) {
        if (m->have & (LWS__HAVE_T1 | LWS__HAVE_T2))
            lwsl_warn("T1/T2 %u/%u bad for lease %u: defaults", m->t1, m->t2,
                      l->lease);
        t1 = lm / 2;
        t2 = lm * 7 / 8;
    }
    l->t1_ms = t1;
    l->t2_ms = t2;
    l->t1 = (uint32_t)(t1 / 1000);
    l->t2 = (uint32_t)(t2 / 1000);
}

/* A unicast address a host may talk to: not 0/8, 127/8, multicast, class
 * E or the limited broadcast. */
static bool lease_unicast(uint32_t a)
{
    return usable_ip(a);
}

/* Each server address of a lease: unicast, or dropped with a log line. */
static uint8_t lease_servers(uint32_t *out, const uint32_t *in, uint8_t n,
                             const char *what)
{
    uint8_t k = 0;

    for (uint8_t i = 0; i < n; i++) {
        if (!lease_unicast(in[i])) {
            lwsl_warn("%s %08x not unicast: dropped", what, in[i]);
            continue;
        }
        out[k++] = in[i];
    }
    return k;
}

/* A gateway must be a unicast address other than ours, inside the subnet
 * and not its network or broadcast address; a /31 or /32 lease has no room
 * for one, so there it may be anywhere (reached over an on-link host route,
 * as clouds hand out).  0 in option 121 means "on link". */
static bool lease_gw_ok(const struct lws__dhcpc_lease *l, uint32_t gw)
{
    int p = lws__dhcpc_mask_to_prefix(l->mask);

    if (!lease_unicast(gw) || gw == l->ip)
        return false;
    if (p >= 31)
        return true;
    return (gw & l->mask) == (l->ip & l->mask) && (gw & ~l->mask) &&
           (gw | l->mask) != 0xffffffffu;
}

static void lease_route_add(struct lws__dhcpc_lease *l,
                            const struct lws_dhcpc_route *r)
{
    if (r->gw && !lease_gw_ok(l, r->gw)) {
        lwsl_warn("route %08x/%u via %08x dropped", r->dest, r->prefix, r->gw);
        return;
    }
    l->routes[l->route_count++] = *r;
}

static void lease_routes(struct lws__dhcpc_lease *l,
                         const struct lws__dhcpc_msg *m)
{
    if (m->have & LWS__HAVE_ROUTES121) {
        /* RFC 3442 §1: with 121, the client MUST ignore option 3. */
        for (uint8_t i = 0; i < m->route_count && i < LWS_DHCPC_MAX_ROUTES; i++)
            lease_route_add(l, &m->routes[i]);
        return;
    }
    /* RFC 2132 §3.5: routers in order of preference; the first usable one
     * is the default route. */
    for (uint8_t i = 0; i < m->router_count && !l->route_count; i++) {
        struct lws_dhcpc_route r = {.gw = m->router[i]};

        if (m->router[i])
            lease_route_add(l, &r);
    }
}

/* Option 26 (RFC 2132 §5.1): below 576 no IPv4 host must cope; below 1280
 * IPv6 stops working on the link (the kernel turns it off), so while it is
 * enabled such an MTU is refused too.  The link keeps its own MTU. */
static uint16_t lease_mtu(uint16_t mtu, bool ipv6)
{
    if (!mtu)
        return 0;
    if (mtu < 576 || (ipv6 && mtu < 1280)) {
        lwsl_warn("MTU %u < 576 (IPv6: 1280)", mtu);
        return 0;
    }
    return mtu;
}

/* Option 28 (RFC 2132 §5.3): the broadcast address of our subnet or
 * nothing; anything else is replaced by the computed one. */
static uint32_t lease_broadcast(const struct lws__dhcpc_lease *l,
                                const struct lws__dhcpc_msg *m)
{
    /* RFC 3021 §2.3: a /31 (and a /32) has no broadcast address. */
    uint32_t bc =
        lws__dhcpc_mask_to_prefix(l->mask) >= 31 ? 0 : l->ip | ~l->mask;

    if ((m->have & LWS__HAVE_BROADCAST) && m->broadcast != bc)
        lwsl_warn("broadcast %08x wrong: %08x used", m->broadcast, bc);
    return bc;
}

/* Checks a server's OFFER or ACK and turns it into a lease.
 * @return 0, or -EINVAL (logged). */
static int lease_from_msg(struct lws__dhcpc_lease *l,
                          const struct lws__dhcpc_msg *m, bool ipv6)
{
    int p;

    memset(l, 0, sizeof(*l));
    l->ip = m->yiaddr;
    l->server = m->server_id;
    l->lease = m->lease; /* 0 when absent */
    l->mask = m->have & LWS__HAVE_MASK ? m->mask : classful_mask(l->ip);
    p = lws__dhcpc_mask_to_prefix(l->mask);
    /* A unicast address (usable_ip() leaves out the limited broadcast too)
     * and a lease time.  Option 54 is where REQUESTs point and renewals are
     * unicast to (RFC 2131 §4.4.5): a host we may talk to, not us.
     * RFC 3021: a /31 has no network or broadcast address; a /32 is the
     * address alone.  Otherwise those two are never ours. */
    if (!usable_ip(l->ip) || !l->lease || !lease_unicast(l->server) ||
        l->server == l->ip || p < 1 ||
        (p < 31 &&
         ((l->ip & ~l->mask) == 0 || (l->ip | l->mask) == 0xffffffffu))) {
        lwsl_warn("unusable lease %08x/%08x from %08x, %us", l->ip, l->mask,
                  l->server, l->lease);
        return -EINVAL;
    }
    /* Each field below has its rule; what fails one is dropped (logged) and
     * the rest of the lease still applies. */
    l->broadcast = lease_broadcast(l, m);
    lease_timers(l, m);
    l->mtu = lease_mtu(m->mtu, ipv6);
    l->dns_count = lease_servers(l->dns, m->dns, m->dns_count, "DNS");
    l->ntp_count = lease_servers(l->ntp, m->ntp, m->ntp_count, "NTP");
    lease_routes(l, m);
    memcpy(l->domain, m->domain, sizeof(l->domain));
    memcpy(l->captive, m->captive, sizeof(l->captive));
    l->rapid = (m->have & LWS__HAVE_RAPID) && m->type == LWS__DHCPC_ACK;
    return 0;
}

static bool lease_differs(const struct lws__dhcpc_lease *a,
                          const struct lws__dhcpc_lease *b)
{
#define LOFS(f) offsetof(struct lws__dhcpc_lease, f)
    /* All but T1, T2 and rapid commit (lease_from_msg() zeroed the rest of
     * each string and array, and the padding). */
    return memcmp(a, b, LOFS(t1)) ||
           memcmp(&a->mtu, &b->mtu, LOFS(rapid) - LOFS(mtu)) ||
           memcmp(a->dns, b->dns,
                  LOFS(captive) + sizeof(a->captive) - LOFS(dns));
}

/* @ms into the lease. */
static __attribute__((noinline)) lws_usec_t
lease_at(const struct lws__dhcpc_core *c, uint64_t ms)
{
    return c->lease_start + (lws_usec_t)ms * US_PER_MS;
}

static void commit(struct lws__dhcpc_core *c, const struct lws__dhcpc_lease *l)
{
    lws_usec_t now = c->now;
    struct lws__dhcpc_out *o = c->o;
    int from = c->state;

    /* A new address, mask or route set replaces the old one as a whole
     * (the apply op adds and removes whole leases). */
    if (c->have_lease &&
        (c->lease.ip != l->ip || c->lease.mask != l->mask ||
         c->lease.route_count != l->route_count ||
         memcmp(c->lease.routes, l->routes, sizeof(l->routes)))) {
        c->old = c->lease;
        o->unapply = true;
    }
    if (from == LWS_DHCPC_STATE_RENEWING || from == LWS_DHCPC_STATE_REBINDING)
        c->apply_fails = 0; /* the lease we renew was applied */
    if (from == LWS_DHCPC_STATE_RENEWING)
        o->event = !c->have_lease || lease_differs(&c->lease, l)
                       ? LWS_DHCPC_EVENT_RENEWED
                       : -1;
    else if (from == LWS_DHCPC_STATE_REBINDING)
        o->event = LWS_DHCPC_EVENT_REBOUND;
    else
        o->event = LWS_DHCPC_EVENT_BOUND;
    c->lease = *l;
    c->have_lease = true;
    /* RFC 2131 §4.4.1: the lease runs from when the REQUEST was sent. */
    c->lease_start = c->last_tx ? c->last_tx : now;
    c->lease_t1 = l->lease == INFINITE_LEASE ? 0 /* no renewal */
                                             : lease_at(c, l->t1_ms);
    c->lease_t2 = lease_at(c, l->t2_ms);
    c->lease_end = lease_at(c, l->lease_ms);
    o->apply = true;
    if (c->reboot_ip != l->ip || c->reboot_server != l->server)
        o->save = true;
    c->reboot_ip = l->ip;
    c->reboot_server = l->server;
    c->nak_count = 0;
    core_set_state(c, LWS_DHCPC_STATE_BOUND);
    c->wake = c->lease_t1;
    lwsl_info("bound %08x/%08x lease %us from %08x", l->ip, l->mask, l->lease,
              l->server);
}

#if LWS_WITH_SYS_DHCP_ACD
static void send_arp(struct lws__dhcpc_core *c, uint32_t spa, uint32_t tpa)
{
    struct lws__dhcpc_out *o = c->o;
    struct lws__dhcpc_arp a = {.op = 1, .spa = spa, .tpa = tpa};

    memcpy(a.sha, c->mac, 6);
    o->arp = lws__dhcpc_arp_build(o->arp_buf, sizeof(o->arp_buf), &a) ==
             LWS__DHCPC_ARP_LEN;
}

static void timer_checking(struct lws__dhcpc_core *c)
{
    struct lws__dhcpc_lease l;

    if (c->acd_sent < (int)c->cfg->acd_probe_count) {
        c->acd_sent++;
        send_arp(c, 0, c->offer.ip);
        wake_in(c, c->acd_sent >= (int)c->cfg->acd_probe_count
                       ? c->cfg->acd_wait_ms
                       : c->cfg->acd_probe_ms);
        return;
    }
    /* RFC 5227 §2.3: announce the address we now use. */
    send_arp(c, c->offer.ip, c->offer.ip);
    l = c->offer;
    commit(c, &l);
}
#endif

static void got_ack(struct lws__dhcpc_core *c, const struct lws__dhcpc_lease *l)
{

#if LWS_WITH_SYS_DHCP_ACD
    bool fresh = c->state == LWS_DHCPC_STATE_SELECTING ||
                 c->state == LWS_DHCPC_STATE_REQUESTING ||
                 c->state == LWS_DHCPC_STATE_INIT_REBOOT;

    if (c->cfg->acd && fresh && !(c->have_lease && c->lease.ip == l->ip)) {
        /* RFC 5227 §2.1.1: probe before using the address.  The first
         * probe goes at once (PROBE_WAIT's random wait is 0 here). */
        c->offer = *l;
        c->acd_sent = 0;
        core_set_state(c, LWS_DHCPC_STATE_CHECKING);
        timer_checking(c);
        return;
    }
#endif
    commit(c, l);
}

static void got_nak(struct lws__dhcpc_core *c, const struct lws__dhcpc_msg *m)
{
    struct lws__dhcpc_out *o = c->o;
    uint64_t delay = 0;

    lwsl_notice("NAK from %08x: %s", m->server_id, m->message);
    drop_lease(c, true);
    o->event = LWS_DHCPC_EVENT_NAK;
    /* Restart at once the first time, then back off (RFC 2131 §3.1 step
     * 5 says restart; repeated NAKs must not make a packet storm). */
    if (c->nak_count++)
        delay = retx_ms(c, c->nak_count - 2, 2, 4);
    start_init(c, delay);
}

/* Is a NAK from @server one we should believe? */
static bool nak_from_our_server(const struct lws__dhcpc_core *c,
                                uint32_t server)
{
    switch (c->state) {
    case LWS_DHCPC_STATE_REQUESTING:
        return server == c->offer.server;
    case LWS_DHCPC_STATE_RENEWING:
    case LWS_DHCPC_STATE_REBINDING:
        /* While REBINDING any server may ACK (RFC 2131 §4.4.5), but a NAK
         * is believed only from the server that granted the lease: a
         * forged NAK must not take the address away; if the network
         * really changed, the lease runs out anyway. */
        return server == c->lease.server;
    case LWS_DHCPC_STATE_INIT_REBOOT:
        return !c->reboot_server || server == c->reboot_server;
    default:
        return false;
    }
}

static int rx_check(const struct lws__dhcpc_core *c,
                    const struct lws__dhcpc_msg *m)
{
    if (m->xid != c->xid || memcmp(m->chaddr, c->mac, 6)) {
        lwsl_debug("not for us (xid %08x)", m->xid);
        return -1;
    }
    /* RFC 2131 table 3: OFFER, ACK and NAK MUST carry option 54. */
    if (!(m->have & LWS__HAVE_SERVER_ID) || !m->server_id) {
        lwsl_warn("type %u without server id", m->type);
        return -1;
    }
    return 0;
}

static void rx_offer(struct lws__dhcpc_core *c, const struct lws__dhcpc_msg *m)
{
    /* While SELECTING no earlier offer matters. */
    if (lease_from_msg(&c->offer, m, c->ipv6))
        return;
    c->attempt = 0;
    core_set_state(c, LWS_DHCPC_STATE_REQUESTING);
    send_request(c);
}

static void rx_ack(struct lws__dhcpc_core *c, const struct lws__dhcpc_msg *m)
{
    struct lws__dhcpc_lease l;

    if (c->state == LWS_DHCPC_STATE_SELECTING &&
        !(c->cfg->rapid_commit && (m->have & LWS__HAVE_RAPID))) {
        lwsl_debug("unasked rapid ACK ignored");
        return;
    }
    if ((c->state == LWS_DHCPC_STATE_REQUESTING &&
         m->server_id != c->offer.server) ||
        (c->state == LWS_DHCPC_STATE_RENEWING &&
         m->server_id != c->lease.server)) {
        lwsl_warn("ACK from %08x: not asked", m->server_id);
        return;
    }
    if (lease_from_msg(&l, m, c->ipv6))
        return; /* keep what we have; retransmission goes on */
    got_ack(c, &l);
}

/* RFC 8925 §3.2: an offer (or a rapid-commit ACK, or the ACK to an
 * INIT-REBOOT) saying "IPv6-only preferred" on a link whose IPv6 works:
 * no REQUEST, no address (a remembered one is dropped and forgotten),
 * IPv4 off for the option's time but at least MIN_V6ONLY_WAIT (300 s,
 * §3.4), then INIT. */
static bool v6only(struct lws__dhcpc_core *c, const struct lws__dhcpc_msg *m)
{
    lws_usec_t now = c->now;
    struct lws__dhcpc_out *o = c->o;

    /* without working IPv6 the offer is taken as usual */
    if (!c->cfg->v6only || !c->v6_ok || !(m->have & LWS__HAVE_V6ONLY) ||
        m->type == LWS__DHCPC_NAK ||
        (c->state != LWS_DHCPC_STATE_SELECTING &&
         c->state != LWS_DHCPC_STATE_INIT_REBOOT))
        return false;
    drop_lease(c, true);
    c->v6only_secs = m->v6only < 300 ? 300 : m->v6only;
    lwsl_notice("option 108: IPv4 off for %u s", c->v6only_secs);
    core_set_state(c, LWS_DHCPC_STATE_V6ONLY_WAIT);
    o->event = LWS_DHCPC_EVENT_V6ONLY;
    c->wake = now + (lws_usec_t)c->v6only_secs * LWS_US_PER_SEC;
    return true;
}

void lws__dhcpc_core_rx(struct lws__dhcpc_core *c, lws_usec_t now,
                        const uint8_t *buf, size_t len,
                        struct lws__dhcpc_out *o)
{
    struct lws__dhcpc_msg m;

    core_enter(c, now, o);
    if (lws__dhcpc_parse(buf, len, &m)) {
        lwsl_info("bad message dropped (%zu bytes)", len);
        goto done;
    }
    if (rx_check(c, &m) || v6only(c, &m))
        goto done;
    switch (m.type) {
    case LWS__DHCPC_OFFER:
        if (c->state == LWS_DHCPC_STATE_SELECTING)
            rx_offer(c, &m);
        break;
    case LWS__DHCPC_ACK:
        if (c->state == LWS_DHCPC_STATE_SELECTING ||
            c->state == LWS_DHCPC_STATE_REQUESTING ||
            c->state == LWS_DHCPC_STATE_INIT_REBOOT ||
            c->state == LWS_DHCPC_STATE_RENEWING ||
            c->state == LWS_DHCPC_STATE_REBINDING)
            rx_ack(c, &m);
        break;
    case LWS__DHCPC_NAK:
        if (nak_from_our_server(c, m.server_id))
            got_nak(c, &m);
        else
            lwsl_warn("NAK from %08x ignored in %s", m.server_id,
                      lws__dhcpc_state_name(c->state));
        break;
    default:
        break;
    }
done:
    out_finish(c);
}

#if LWS_WITH_SYS_DHCP_ACD
static void decline(struct lws__dhcpc_core *c)
{
    struct lws__dhcpc_out *o = c->o;

    /* RFC 2131 §4.4.1: DECLINE carries 50 and 54, then wait >= 10 s. */
    send_msg(c, LWS__DHCPC_DECLINE, 0, c->offer.ip, c->offer.server,
             0xffffffffu);
    forget(c);
    o->event = LWS_DHCPC_EVENT_CONFLICT;
    core_set_state(c, LWS_DHCPC_STATE_DECLINED);
    wake_in(c, c->cfg->decline_wait_ms);
}

void lws__dhcpc_core_arp(struct lws__dhcpc_core *c, lws_usec_t now,
                         const uint8_t *buf, size_t len,
                         struct lws__dhcpc_out *o)
{
    struct lws__dhcpc_arp a;
    uint32_t ip = c->offer.ip;

    core_enter(c, now, o);
    if (c->state != LWS_DHCPC_STATE_CHECKING ||
        lws__dhcpc_arp_parse(buf, len, &a) || !memcmp(a.sha, c->mac, 6))
        goto done;
    /* RFC 5227 §2.1.1: a conflict is any ARP from another host whose
     * sender address is ours, or a probe (sender 0) for our target. */
    if (a.spa == ip || (a.op == 1 && !a.spa && a.tpa == ip)) {
        lwsl_warn("%08x in use: declining", ip);
        decline(c);
    }
done:
    out_finish(c);
}

#endif /* LWS_WITH_SYS_DHCP_ACD */

static __attribute__((noinline)) void expire(struct lws__dhcpc_core *c,
                                             bool restart)
{
    struct lws__dhcpc_out *o = c->o;

    lwsl_notice("lease on %08x expired", c->lease.ip);
    drop_lease(c, true);
    o->event = LWS_DHCPC_EVENT_EXPIRED;
    if (restart)
        start_init(c, 0);
    else
        c->wake = 0;
}

static void timer_renewing(struct lws__dhcpc_core *c)
{
    lws_usec_t now = c->now;

    if (c->state == LWS_DHCPC_STATE_BOUND) {
        new_exchange(c);
        core_set_state(c, LWS_DHCPC_STATE_RENEWING);
    }
    if (c->state == LWS_DHCPC_STATE_RENEWING && now >= c->lease_t2) {
        new_exchange(c);
        core_set_state(c, LWS_DHCPC_STATE_REBINDING);
    }
    if (c->state == LWS_DHCPC_STATE_REBINDING && now >= c->lease_end) {
        expire(c, true);
        return;
    }
    send_renew(c);
}

static void timer_retx(struct lws__dhcpc_core *c)
{
    lws_usec_t now = c->now;

    c->attempt++;
    if (c->state == LWS_DHCPC_STATE_REQUESTING && c->attempt >= REQUEST_TRIES) {
        lwsl_info("REQUEST unanswered: INIT");
        start_init(c, 0);
        return;
    }
    if (c->state == LWS_DHCPC_STATE_INIT_REBOOT && c->attempt >= REBOOT_TRIES) {
        if (c->have_lease && now < c->lease_end) {
            /* RFC 2131 §3.2 step 4: no answer; keep using the lease. */
            lwsl_info("INIT-REBOOT unanswered: lease kept");
            core_set_state(c, LWS_DHCPC_STATE_BOUND);
            c->wake = c->lease_t1;
            if (c->wake && c->wake <= now)
                timer_renewing(c);
            return;
        }
        start_init(c, 0);
        return;
    }
    if (c->state == LWS_DHCPC_STATE_SELECTING)
        send_discover(c);
    else
        send_request(c);
}

void lws__dhcpc_core_timer(struct lws__dhcpc_core *c, lws_usec_t now,
                           struct lws__dhcpc_out *o)
{
    core_enter(c, now, o);
    if (!c->wake || now < c->wake)
        goto done; /* early or stale wake-up */
    c->wake = 0;
    switch (c->state) {
    case LWS_DHCPC_STATE_INIT:
    case LWS_DHCPC_STATE_DECLINED:
    case LWS_DHCPC_STATE_V6ONLY_WAIT:
        start_init(c, 0);
        break;
    case LWS_DHCPC_STATE_SELECTING:
    case LWS_DHCPC_STATE_REQUESTING:
    case LWS_DHCPC_STATE_INIT_REBOOT:
        timer_retx(c);
        break;
#if LWS_WITH_SYS_DHCP_ACD
    case LWS_DHCPC_STATE_CHECKING:
        timer_checking(c);
        break;
#endif
    case LWS_DHCPC_STATE_BOUND:
    case LWS_DHCPC_STATE_RENEWING:
    case LWS_DHCPC_STATE_REBINDING:
        timer_renewing(c);
        break;
    case LWS_DHCPC_STATE_LINK_DOWN:
        if (c->have_lease)
            expire(c, false);
        break;
    default:
        break;
    }
done:
    out_finish(c);
}

void lws__dhcpc_core_link(struct lws__dhcpc_core *c, lws_usec_t now, bool up,
                          struct lws__dhcpc_out *o)
{
    core_enter(c, now, o);
    if (c->state == LWS_DHCPC_STATE_STOPPED)
        goto done;
    if (!up && c->state != LWS_DHCPC_STATE_LINK_DOWN) {
        core_set_state(c, LWS_DHCPC_STATE_LINK_DOWN);
        o->event = LWS_DHCPC_EVENT_LINK_DOWN;
        /* Paused: only the lease's own expiry still runs. */
        c->wake = c->have_lease && c->lease.lease != INFINITE_LEASE
                      ? c->lease_end
                      : 0;
    } else if (up && c->state == LWS_DHCPC_STATE_LINK_DOWN) {
        lws__dhcpc_core_start(c, now, o);
        o->event = LWS_DHCPC_EVENT_LINK_UP;
        return;
    }
done:
    out_finish(c);
}

void lws__dhcpc_core_stop(struct lws__dhcpc_core *c, lws_usec_t now,
                          bool release, struct lws__dhcpc_out *o)
{
    core_enter(c, now, o);
    if (c->have_lease && release) {
        /* RFC 2131 §4.4.6: unicast to the server, ciaddr and 54 set. */
        new_exchange(c);
        send_msg(c, LWS__DHCPC_RELEASE, c->lease.ip, 0, c->lease.server,
                 c->lease.server);
        forget(c);
    }
    drop_lease(c, false);
    o->event = LWS_DHCPC_EVENT_RELEASED;
    core_set_state(c, LWS_DHCPC_STATE_STOPPED);
    c->wake = 0;
    out_finish(c);
}

void lws__dhcpc_core_apply_failed(struct lws__dhcpc_core *c, lws_usec_t now,
                                  struct lws__dhcpc_out *o)
{
    uint64_t delay;

    core_enter(c, now, o);
    c->have_lease = false; /* the glue already cleaned up what it could */
    forget(c);
    o->event = LWS_DHCPC_EVENT_APPLY_FAILED;
    /* The same lease would fail the same way: back off 4, 8, ... 256 s
     * (retx_base_ms doubling, +/- jitter) rather than loop every few
     * seconds for ever. */
    delay = retx_ms(c, c->apply_fails, 0, 6);
    if (c->apply_fails < 16)
        c->apply_fails++;
    lwsl_warn("apply failed %d times: DISCOVER in %u ms", c->apply_fails,
              (unsigned)delay); /* 256 s and jitter at most by default */
    start_init(c, delay);
    out_finish(c);
}

bool lws__dhcpc_core_bound(const struct lws__dhcpc_core *c)
{
    return c->have_lease && (c->state == LWS_DHCPC_STATE_BOUND ||
                             c->state == LWS_DHCPC_STATE_RENEWING ||
                             c->state == LWS_DHCPC_STATE_REBINDING);
}

bool lws__dhcpc_policy_ok(int policy, bool v4, unsigned v6)
{
    const unsigned all =
        LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR | LWS_DHCPC_V6_DNS;
    bool six = (v6 & all) == all;

    switch (policy) {
    case LWS_DHCPC_POLICY_V4:
        return v4;
    case LWS_DHCPC_POLICY_V6:
        return six;
    case LWS_DHCPC_POLICY_BOTH:
        return v4 && six;
    default:
        return v4 || six;
    }
}

void lws__dhcpc_core_ifstate(const struct lws__dhcpc_core *c,
                             const struct lws__dhcpc_lease *l,
                             lws_dhcpc_ifstate_t *is)
{
    int p;

    memcpy(is->mac, c->mac, 6);
    is->state = c->state;
    memcpy(is->domain, l->domain, sizeof(is->domain));
    /* broadcast .. routes[]: the same members in the same order */
    _Static_assert(offsetof(lws_dhcpc_ifstate_t, routes) -
                           offsetof(lws_dhcpc_ifstate_t, broadcast) ==
                       LOFS(routes) - LOFS(broadcast),
                   "lease and ifstate blocks differ");
    memcpy(&is->broadcast, &l->broadcast,
           LOFS(routes) + sizeof(l->routes) - LOFS(broadcast));
    is->nums[LWSDH_IPV4_SUBNET_MASK] = is->netmask = l->mask;
    is->nums[LWSDH_IPV4_BROADCAST] = l->broadcast;
    is->nums[LWSDH_LEASE_SECS] = l->lease;
    is->nums[LWSDH_REBINDING_SECS] = l->t2;
    is->nums[LWSDH_RENEWAL_SECS] = l->t1;
    is->ipv4 = l->ip;
    p = lws__dhcpc_mask_to_prefix(l->mask);
    is->prefix_len = (uint8_t)(p < 0 ? 0 : p);
    is->lease_start = c->lease_start;
    is->v6only_secs =
        c->state == LWS_DHCPC_STATE_V6ONLY_WAIT ? c->v6only_secs : 0;
    /* A lease's unused entries are 0: absent (sin_family 0). */
    const uint32_t sa[LWSDH_SA46_COUNT] = {
        l->ip,     l->dns[0],       l->dns[1], l->dns[2],
        l->dns[3], l->routes[0].gw, l->ntp[0], l->server};

    for (int i = 0; i < LWSDH_SA46_COUNT; i++)
        if (sa[i]) {
            is->sa46[i].sa4.sin_family = AF_INET;
            is->sa46[i].sa4.sin_addr.s_addr = htonl(sa[i]);
        }
}
