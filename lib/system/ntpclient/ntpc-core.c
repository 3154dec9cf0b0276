/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's sans-I/O core.  It is fed the monotonic time (now; the
 * wall time too where it may send: T1), datagrams and timer expiries, and
 * answers in its out struct with actions (send this request, wake me at T,
 * here is a validated sample, give me the next server).  It
 * runs rounds of exchanges: a burst on a first sync or a trigger, where the
 * minimum-delay sample wins, and a single exchange on each periodic
 * re-sync.  It adapts the poll interval, backs off with jitter and handles
 * kiss-o'-death.  No sockets, no clock, no allocation.
 */
#define LWS_LOGMOD ntpc
#include "private-ntpc-pure.h"

#define MAX_BURST 16

/* A few small helpers are kept out of line (noinline): -Os would otherwise
 * copy them, synced() most of all, into each of their callers. */

void lws__ntpc_core_init(struct lws__ntpc_core *c,
                         const struct lws__ntpc_cfg *cfg)
{
    struct lws__ntpc_cfg *k;

    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    k = &c->cfg;
    /* RFC 4330 §10: never poll more often than every 15 s. */
    if (!k->poll_min_s)
        k->poll_min_s = 32;
    if (k->poll_min_s < 15)
        k->poll_min_s = 15;
    if (!k->poll_max_s)
        k->poll_max_s = 2048;
    if (k->poll_max_s < k->poll_min_s)
        k->poll_max_s = k->poll_min_s;
    if (!k->root_dist_max_ms)
        k->root_dist_max_ms = 5000;
    if (!k->reply_timeout_ms)
        k->reply_timeout_ms = 1000;
    if (!k->retry_min_ms)
        k->retry_min_ms = 2000;
    if (!k->retry_max_ms)
        k->retry_max_ms = 300000;
    if (k->retry_max_ms < k->retry_min_ms)
        k->retry_max_ms = k->retry_min_ms;
    if (!k->accuracy_ms)
        k->accuracy_ms = 50;
    if (!k->burst)
        k->burst = 4;
    if (k->burst > MAX_BURST)
        k->burst = MAX_BURST;
    c->poll_s = k->poll_min_s;
    c->phase = LWS__NTPC_IDLE;
}

static uint32_t core_rand(struct lws__ntpc_core *c)
{
    return c->cfg.rand32 ? c->cfg.rand32(c->cfg.rand_opaque) : 0x5eed5eedu;
}

static __attribute__((noinline)) void
wake(struct lws__ntpc_core *c, lws_usec_t at, struct lws__ntpc_out *a)
{
    c->deadline = at;
    a->wake_at = at;
    a->flags |= LWS__NTPC_ACT_WAKE;
}

/* The wait for a reply: reply_timeout_ms until this round has a sample;
 * then 8 of its best round trips + 250 ms (at most reply_timeout_ms), so a
 * datagram lost later in a burst costs a fraction of a second on a near
 * server, not a whole second. */
static lws_usec_t reply_wait_us(const struct lws__ntpc_core *c)
{
    lws_usec_t full = (lws_usec_t)c->cfg.reply_timeout_ms * LWS_US_PER_MS,
               w = (lws_usec_t)(c->best.delay_ns / 1000) * 8 +
                   250 * LWS_US_PER_MS;

    return c->good && w < full ? w : full;
}

static void send_req(struct lws__ntpc_core *c, lws_usec_t now, lws_usec_t wall,
                     struct lws__ntpc_out *a)
{
    int n;

    /* A fresh 64-bit random cookie per exchange; never all zero, so a
     * reply with a zero origin can never match it. */
    c->cookie.sec = core_rand(c);
    c->cookie.frac = core_rand(c) | 1u;
    n = lws__ntpc_pkt_write_request(a->pkt, sizeof(a->pkt), &c->cookie);
    a->pkt_len = n > 0 ? (size_t)n : 0;
    a->flags |= LWS__NTPC_ACT_SEND;
    c->mono_tx_us = now;
    c->wall_tx_us = wall;
    c->tries++;
    c->phase = LWS__NTPC_WAIT_RX;
    wake(c, now + reply_wait_us(c), a);
}

static void start_round(struct lws__ntpc_core *c, bool full, lws_usec_t now,
                        lws_usec_t wall, struct lws__ntpc_out *a)
{
    c->want_good = full ? c->cfg.burst : 1;
    c->max_tries = full ? (uint8_t)(c->cfg.burst * 2) : 3;
    c->tries = 0;
    c->good = 0;
    c->fails_in_row = 0;
    memset(&c->best, 0, sizeof(c->best));
    send_req(c, now, wall, a);
}

static uint32_t next_backoff(struct lws__ntpc_core *c)
{
    uint64_t b =
        c->backoff_ms ? (uint64_t)c->backoff_ms * 2 : c->cfg.retry_min_ms;

    if (b > c->cfg.retry_max_ms)
        b = c->cfg.retry_max_ms;
    c->backoff_ms = (uint32_t)b;
    /* Up to 25% jitter so a fleet that lost its server does not return in
     * lock step. */
    return (uint32_t)b + core_rand(c) % ((uint32_t)b / 4 + 1);
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Doubles the poll interval, up to poll_max_s. */
static __attribute__((noinline)) void poll_up(struct lws__ntpc_core *c)
{
    c->poll_s =
        c->poll_s > c->cfg.poll_max_s / 2 ? c->cfg.poll_max_s : c->poll_s * 2;
}

/* Waits the next backoff (at least @min_ms) without a server. */
static void backoff(struct lws__ntpc_core *c, uint64_t min_ms, lws_usec_t now,
                    struct lws__ntpc_out *a)
{
    uint64_t w = next_backoff(c);

    if (w < min_ms)
        w = min_ms;
    c->phase = LWS__NTPC_BACKOFF;
    wake(c, now + (lws_usec_t)w * LWS_US_PER_MS, a);
}

static __attribute__((noinline)) void synced(struct lws__ntpc_core *c,
                                             bool adapt, lws_usec_t now,
                                             struct lws__ntpc_out *a)
{
    int64_t err;
    uint32_t j;

    a->flags |= LWS__NTPC_ACT_SYNCED;
    a->sample = c->best;
    if (adapt && c->synced) {
        /* The error is the offset left after the previous correction: the
         * offset itself when each sync sets the clock, else its change. */
        err = c->cfg.clock_applied ? c->best.offset_ns
                                   : c->best.offset_ns - c->prev_offset_ns;
        if (abs64(err) < (int64_t)c->cfg.accuracy_ms * 1000000)
            poll_up(c);
        else
            c->poll_s = c->poll_s / 2 < c->cfg.poll_min_s ? c->cfg.poll_min_s
                                                          : c->poll_s / 2;
    }
    c->prev_offset_ns = c->best.offset_ns;
    c->synced = true;
    c->backoff_ms = 0;
    c->phase = LWS__NTPC_POLL;
    /* A little jitter (up to 1/16 of the interval) on the poll too. */
    j = core_rand(c) % (c->poll_s * 1000u / 16u + 1u);
    wake(c, now + ((lws_usec_t)c->poll_s * 1000 + j) * LWS_US_PER_MS, a);
}

static void failed(struct lws__ntpc_core *c, bool drop, lws_usec_t now,
                   struct lws__ntpc_out *a)
{
    a->flags |= LWS__NTPC_ACT_NEXT_SERVER;
    if (drop)
        a->flags |= LWS__NTPC_ACT_DROP_SERVER;
    c->have_server = false;
    backoff(c, 0, now, a);
}

static void rate_limited(struct lws__ntpc_core *c, lws_usec_t now,
                         struct lws__ntpc_out *a)
{
    /* RFC 5905 §7.4: RATE asks us to slow down; keep the server, double
     * the poll interval and wait at least that long (or the backoff). */
    poll_up(c);
    if (c->good) {
        synced(c, false, now, a);
        return;
    }
    backoff(c, (uint64_t)c->poll_s * 1000, now, a);
}

/* A round without a sample gives up after two timeouts or bad answers in a
 * row, three before the first sync: on a lossy link (30 % each way, half
 * the exchanges lost) a third try makes a failed round and its backoff half
 * as likely, and the first sync is what holds TIME_VALID. */
static void after_exchange(struct lws__ntpc_core *c, lws_usec_t now,
                           lws_usec_t wall, struct lws__ntpc_out *a)
{
    if (c->good >= c->want_good || c->tries >= c->max_tries ||
        (!c->good && c->fails_in_row >= (c->synced ? 2 : 3))) {
        if (c->good)
            synced(c, true, now, a);
        else
            failed(c, false, now, a);
        return;
    }
    if (c->cfg.burst_interval_ms) {
        c->phase = LWS__NTPC_GAP;
        wake(c, now + (lws_usec_t)c->cfg.burst_interval_ms * LWS_US_PER_MS, a);
        return;
    }
    send_req(c, now, wall, a);
}

void lws__ntpc_core_set_server(struct lws__ntpc_core *c, lws_usec_t now,
                               lws_usec_t wall, const lws_sockaddr46 *sa46,
                               bool start, struct lws__ntpc_out *a)
{
    memset(a, 0, sizeof(*a));
    c->server = *sa46;
    c->have_server = true;
    if (start || c->phase == LWS__NTPC_IDLE || c->phase == LWS__NTPC_NEED_SRV)
        start_round(c, !c->synced || start, now, wall, a);
}

void lws__ntpc_core_no_server(struct lws__ntpc_core *c, lws_usec_t now,
                              struct lws__ntpc_out *a)
{
    memset(a, 0, sizeof(*a));
    c->have_server = false;
    backoff(c, 0, now, a);
}

void lws__ntpc_core_clear_server(struct lws__ntpc_core *c)
{
    c->have_server = false;
    if (c->phase == LWS__NTPC_WAIT_RX || c->phase == LWS__NTPC_GAP)
        c->phase = LWS__NTPC_NEED_SRV;
}

void lws__ntpc_core_kick(struct lws__ntpc_core *c, lws_usec_t now,
                         lws_usec_t wall, struct lws__ntpc_out *a)
{
    memset(a, 0, sizeof(*a));
    c->backoff_ms = 0;
    if (!c->have_server || c->phase == LWS__NTPC_WAIT_RX ||
        c->phase == LWS__NTPC_GAP)
        return;
    start_round(c, true, now, wall, a);
}

static void take_sample(struct lws__ntpc_core *c,
                        const struct lws__ntpc_sample *s)
{
    /* RFC 4330 §5 / RFC 5905 §10: of a burst, the sample with the least
     * round-trip delay carries the least error. */
    if (!c->good || s->delay_ns < c->best.delay_ns)
        c->best = *s;
    c->good++;
    c->fails_in_row = 0;
}

int lws__ntpc_core_on_rx(struct lws__ntpc_core *c, lws_usec_t now,
                         lws_usec_t wall, const lws_sockaddr46 *from,
                         const uint8_t *buf, size_t len,
                         struct lws__ntpc_out *a)
{
    struct lws__ntpc_sample s;
    struct lws__ntpc_pkt p;
    int v;

    memset(a, 0, sizeof(*a));
    if (c->phase != LWS__NTPC_WAIT_RX)
        return c->last_verdict = LWS__NTPC_V_NOT_WAITING;
    /* RFC 4330 §5: only the address and port we asked may answer. */
    if (!from || !c->have_server || !lws__sa46_equal(from, &c->server))
        return c->last_verdict = LWS__NTPC_V_SOURCE;
    if (lws__ntpc_pkt_parse(&p, buf, len))
        return c->last_verdict = LWS__NTPC_V_SHORT;
    v = lws__ntpc_pkt_check(&p, &c->cookie,
                            (int64_t)c->cfg.root_dist_max_ms * 1000);
    if (!lws__ntpc_verdict_is_answer(v))
        return c->last_verdict = v; /* stray: keep waiting */
    if (v == LWS__NTPC_V_OK)
        v = lws__ntpc_sample_compute(&p, c->wall_tx_us, c->mono_tx_us, now,
                                     c->cfg.floor_ns, &s);
    if (v == LWS__NTPC_V_OK && c->cfg.ceil_ns &&
        s.true_at_rx_ns > c->cfg.ceil_ns)
        v = LWS__NTPC_V_BEYOND_HORIZON; /* no step that far is believed */
    c->last_verdict = v;
    /* This reply answered our request: the cookie is spent. */
    memset(&c->cookie, 0, sizeof(c->cookie));

    switch (v) {
    case LWS__NTPC_V_OK:
        take_sample(c, &s);
        break;
    case LWS__NTPC_V_KOD_RATE:
        rate_limited(c, now, a);
        return v;
    case LWS__NTPC_V_KOD_DENY:
    case LWS__NTPC_V_KOD_RSTR:
        /* RFC 5905 §7.4: stop talking to this server. */
        failed(c, true, now, a);
        return v;
    default:
        c->fails_in_row++;
        break;
    }
    after_exchange(c, now, wall, a);

    return v;
}

void lws__ntpc_core_on_timer(struct lws__ntpc_core *c, lws_usec_t now,
                             lws_usec_t wall, struct lws__ntpc_out *a)
{
    memset(a, 0, sizeof(*a));
    if (c->phase == LWS__NTPC_IDLE || c->phase == LWS__NTPC_NEED_SRV)
        return;
    if (now < c->deadline) {
        wake(c, c->deadline, a); /* early: re-arm */
        return;
    }
    switch (c->phase) {
    case LWS__NTPC_WAIT_RX:
        /* No (acceptable) answer in time. */
        memset(&c->cookie, 0, sizeof(c->cookie));
        c->fails_in_row++;
        after_exchange(c, now, wall, a);
        break;
    case LWS__NTPC_GAP:
        send_req(c, now, wall, a);
        break;
    case LWS__NTPC_POLL:
    case LWS__NTPC_BACKOFF:
        if (!c->have_server) {
            c->phase = LWS__NTPC_NEED_SRV;
            a->flags |= LWS__NTPC_ACT_NEXT_SERVER;
            break;
        }
        start_round(c, !c->synced, now, wall, a);
        break;
    default:
        break;
    }
}
