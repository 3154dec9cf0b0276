/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Unit tests of the SNTP client: the packet codec with crafted bytes (a good
 * reply and each refusal, fraction scaling, era edges, offset and delay),
 * and the sans-I/O core with a virtual clock (burst selection, stray and
 * forged replies, backoff, kiss-o'-death, poll adaptation).
 */
#include "ntpclient/private-ntpc.h"
#include "ntpc-pkt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define NS 1000000000ll
#define US 1000000ll
#define MS 1000ll

/* 2026-01-01T00:00:00Z, the floor used by these tests. */
#define FLOOR_S 1767225600ll

/* Filled with garbage before a core call: the core resets its out struct,
 * so every assertion on it also checks that contract. */
#define POISON(out) memset(&(out), 0xa5, sizeof(out))

/* ------------------------------------------------------------------------
 * Helpers
 */

static uint32_t xs_state = 0x12345678u;

static uint32_t test_rand(void *opaque)
{
    (void)opaque;
    xs_state ^= xs_state << 13;
    xs_state ^= xs_state >> 17;
    xs_state ^= xs_state << 5;
    return xs_state;
}

static void good_reply(struct lws__ntpc_pkt *r, const struct lws__ntpc_ts *org,
                       int64_t t2_ns, int64_t t3_ns)
{
    memset(r, 0, sizeof(*r));
    r->li = 0;
    r->vn = 4;
    r->mode = 4;
    r->stratum = 2;
    r->poll = 6;
    r->precision = -20;
    r->root_delay = 0x00000800; /* ~31 ms */
    r->root_disp = 0x00000400;  /* ~16 ms */
    r->refid = 0x7f000001;
    r->org = *org;
    lws__ntpc_unix_ns_to_ts(t2_ns - 1 * NS, &r->ref);
    lws__ntpc_unix_ns_to_ts(t2_ns, &r->rec);
    lws__ntpc_unix_ns_to_ts(t3_ns, &r->xmt);
}

static size_t enc(uint8_t *buf, const struct lws__ntpc_pkt *r)
{
    int n = lws__ntpc_pkt_write(buf, LWS__NTPC_PKT_LEN, r);

    assert_int_equal(n, LWS__NTPC_PKT_LEN);
    return (size_t)n;
}

static lws_sockaddr46 sa_v4(uint32_t host_addr, uint16_t port)
{
    lws_sockaddr46 sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa4.sin_family = AF_INET;
    sa.sa4.sin_addr.s_addr = htonl(host_addr);
    sa.sa4.sin_port = htons(port);
    return sa;
}

/* ------------------------------------------------------------------------
 * Codec
 */

static void test_ntp_packet_request_layout(void **state)
{
    struct lws__ntpc_ts ck = {0x01020304u, 0x05060708u};
    uint8_t buf[LWS__NTPC_PKT_LEN + 4];
    uint8_t zero[40] = {0};

    (void)state;
    assert_int_equal(lws__ntpc_pkt_write_request(buf, sizeof(buf), &ck), 48);
    /* LI 0, VN 4, mode 3 */
    assert_int_equal(buf[0], 0x23);
    assert_memory_equal(buf + 1, zero, 39);
    assert_int_equal(buf[40], 1);
    assert_int_equal(buf[43], 4);
    assert_int_equal(buf[44], 5);
    assert_int_equal(buf[47], 8);
    assert_int_equal(lws__ntpc_pkt_write_request(buf, 47, &ck), -ENOSPC);
}

static void test_ntp_packet_parse_lengths(void **state)
{
    struct lws__ntpc_ts ck = {1, 2};
    struct lws__ntpc_pkt r, p;
    uint8_t buf[96];

    (void)state;
    good_reply(&r, &ck, FLOOR_S * NS + 5, FLOOR_S * NS + 9);
    enc(buf, &r);
    memset(buf + 48, 0xaa, sizeof(buf) - 48); /* an extension field */
    assert_int_equal(lws__ntpc_pkt_parse(&p, buf, 47), -EMSGSIZE);
    assert_int_equal(lws__ntpc_pkt_parse(&p, buf, 0), -EMSGSIZE);
    assert_int_equal(lws__ntpc_pkt_parse(&p, NULL, 48), -EMSGSIZE);
    assert_int_equal(lws__ntpc_pkt_parse(&p, buf, 48), 0);
    assert_memory_equal(&p, &r, sizeof(p));
    assert_int_equal(lws__ntpc_pkt_parse(&p, buf, sizeof(buf)), 0);
    assert_memory_equal(&p, &r, sizeof(p));
}

static void test_ntp_packet_check_good(void **state)
{
    struct lws__ntpc_ts ck = {0xdeadbeefu, 0x12345679u};
    struct lws__ntpc_pkt r;

    (void)state;
    good_reply(&r, &ck, FLOOR_S * NS, FLOOR_S * NS + 1000);
    assert_int_equal(lws__ntpc_pkt_check(&r, &ck, 5 * US), LWS__NTPC_V_OK);
    r.vn = 3;
    assert_int_equal(lws__ntpc_pkt_check(&r, &ck, 5 * US), LWS__NTPC_V_OK);
    r.li = 1; /* leap second insert pending is fine */
    assert_int_equal(lws__ntpc_pkt_check(&r, &ck, 5 * US), LWS__NTPC_V_OK);
    r.stratum = 15;
    assert_int_equal(lws__ntpc_pkt_check(&r, &ck, 5 * US), LWS__NTPC_V_OK);
}

static int check_mut(void (*mut)(struct lws__ntpc_pkt *r))
{
    struct lws__ntpc_ts ck = {0xdeadbeefu, 0x12345679u};
    struct lws__ntpc_pkt r;

    good_reply(&r, &ck, FLOOR_S * NS, FLOOR_S * NS + 1000);
    mut(&r);
    return lws__ntpc_pkt_check(&r, &ck, 5 * US);
}

static void m_mode3(struct lws__ntpc_pkt *r)
{
    r->mode = 3;
}
static void m_mode5(struct lws__ntpc_pkt *r)
{
    r->mode = 5;
}
static void m_vn2(struct lws__ntpc_pkt *r)
{
    r->vn = 2;
}
static void m_vn5(struct lws__ntpc_pkt *r)
{
    r->vn = 5;
}
static void m_org(struct lws__ntpc_pkt *r)
{
    r->org.frac ^= 0x100;
}
static void m_org0(struct lws__ntpc_pkt *r)
{
    r->org.sec = r->org.frac = 0;
}
static void m_leap(struct lws__ntpc_pkt *r)
{
    r->li = 3;
}
static void m_s0(struct lws__ntpc_pkt *r)
{
    r->stratum = 0;
    r->refid = 0x494e4954;
}
static void m_rate(struct lws__ntpc_pkt *r)
{
    r->stratum = 0;
    r->refid = 0x52415445;
}
static void m_deny(struct lws__ntpc_pkt *r)
{
    r->stratum = 0;
    r->refid = 0x44454e59;
}
static void m_rstr(struct lws__ntpc_pkt *r)
{
    r->stratum = 0;
    r->refid = 0x52535452;
}
static void m_s16(struct lws__ntpc_pkt *r)
{
    r->stratum = 16;
}
static void m_s200(struct lws__ntpc_pkt *r)
{
    r->stratum = 200;
}
static void m_xmt0(struct lws__ntpc_pkt *r)
{
    r->xmt.sec = r->xmt.frac = 0;
}
static void m_rec0(struct lws__ntpc_pkt *r)
{
    r->rec.sec = r->rec.frac = 0;
}
/* 4 s / 2 + 3.1 s = 5.1 s > 5 s */
static void m_rd(struct lws__ntpc_pkt *r)
{
    r->root_delay = 4 << 16;
    r->root_disp = (3 << 16) | 0x199a;
}
/* 4 s / 2 + 2.9 s = 4.9 s: accepted */
static void m_rd_ok(struct lws__ntpc_pkt *r)
{
    r->root_delay = 4 << 16;
    r->root_disp = (2 << 16) | 0xe666;
}

static void test_ntp_packet_check_rejections(void **state)
{
    /* One mutation of a good reply per row, and the verdict it earns. */
    static const struct {
        const char *what;
        void (*mut)(struct lws__ntpc_pkt *r);
        int verdict;
    } rows[] = {
        {"mode 3", m_mode3, LWS__NTPC_V_MODE},
        {"mode 5", m_mode5, LWS__NTPC_V_MODE},
        {"version 2", m_vn2, LWS__NTPC_V_VERSION},
        {"version 5", m_vn5, LWS__NTPC_V_VERSION},
        {"origin off by one bit", m_org, LWS__NTPC_V_ORIGIN},
        {"origin zero", m_org0, LWS__NTPC_V_ORIGIN},
        {"leap unsynchronised", m_leap, LWS__NTPC_V_LEAP},
        {"KoD INIT", m_s0, LWS__NTPC_V_KOD_OTHER},
        {"KoD RATE", m_rate, LWS__NTPC_V_KOD_RATE},
        {"KoD DENY", m_deny, LWS__NTPC_V_KOD_DENY},
        {"KoD RSTR", m_rstr, LWS__NTPC_V_KOD_RSTR},
        {"stratum 16", m_s16, LWS__NTPC_V_STRATUM},
        {"stratum 200", m_s200, LWS__NTPC_V_STRATUM},
        {"transmit zero", m_xmt0, LWS__NTPC_V_ZERO_XMT},
        {"receive zero", m_rec0, LWS__NTPC_V_ZERO_REC},
        {"root distance 5.1 s", m_rd, LWS__NTPC_V_ROOT_DIST},
        {"root distance 4.9 s", m_rd_ok, LWS__NTPC_V_OK},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int v = check_mut(rows[i].mut);

        if (v != rows[i].verdict)
            fail_msg("%s: verdict %s, expected %s", rows[i].what,
                     lws__ntpc_verdict_name(v),
                     lws__ntpc_verdict_name(rows[i].verdict));
    }

    /* Refusals with a wrong cookie are strays, with a right one answers. */
    assert_false(lws__ntpc_verdict_is_answer(LWS__NTPC_V_ORIGIN));
    assert_false(lws__ntpc_verdict_is_answer(LWS__NTPC_V_MODE));
    assert_false(lws__ntpc_verdict_is_answer(LWS__NTPC_V_SOURCE));
    assert_true(lws__ntpc_verdict_is_answer(LWS__NTPC_V_LEAP));
    assert_true(lws__ntpc_verdict_is_answer(LWS__NTPC_V_KOD_DENY));
    assert_string_equal(lws__ntpc_verdict_name(LWS__NTPC_V_ROOT_DIST),
                        "ROOT_DIST");
    assert_string_equal(lws__ntpc_verdict_name(-1), "?");
    assert_string_equal(lws__ntpc_verdict_name(1000), "?");
}

static void test_ntp_packet_fraction_scaling(void **state)
{
    struct lws__ntpc_ts ts;
    int64_t piv = FLOOR_S * NS, base;

    (void)state;
    ts.sec = (uint32_t)(FLOOR_S + LWS__NTPC_UNIX_DELTA);
    ts.frac = 0;
    base = lws__ntpc_ts_to_unix_ns(&ts, piv);
    assert_int_equal(base, FLOOR_S * NS);
    ts.frac = 0x80000000u;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv) - base, 500000000);
    ts.frac = 0x40000000u;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv) - base, 250000000);
    ts.frac = 0x10000000u;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv) - base, 62500000);
    /* lws treated the fraction as nanoseconds: 0xffffffff would have been
     * 4.29 s; it is 1 s minus 0.23 ns. */
    ts.frac = 0xffffffffu;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv) - base, 1000000000);
    ts.frac = 4295u; /* ~1 us */
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv) - base, 1000);
    /* 16.16 short format */
    assert_int_equal(lws__ntpc_short_to_ns(0x00010000u), NS);
    assert_int_equal(lws__ntpc_short_to_ns(0x00008000u), NS / 2);
    assert_int_equal(lws__ntpc_short_to_ns(0), 0);
}

static void test_ntp_packet_era_edges(void **state)
{
    struct lws__ntpc_ts ts;
    /* Era 1 starts at 2036-02-07T06:28:16Z. */
    const int64_t era1 = 2085978496ll;
    int64_t piv2026 = FLOOR_S * NS;

    (void)state;
    ts.sec = 0xffffffffu;
    ts.frac = 0;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv2026), (era1 - 1) * NS);
    ts.sec = 0;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv2026), era1 * NS);
    ts.sec = 1000;
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv2026), (era1 + 1000) * NS);
    /* A 1990 pivot still maps seconds 0 to 2036 (within 68 years). */
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, 631152000ll * NS),
                     (era1 + 1000) * NS);
    /* With a 1950 pivot, the same seconds are 1900 + 1000 s. */
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, -631152000ll * NS),
                     (1000 - (int64_t)LWS__NTPC_UNIX_DELTA) * NS);
    /* A 2100 pivot: 2036 + 1000 s still (inside +-68 years). */
    assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, 4102444800ll * NS),
                     (era1 + 1000) * NS);

    /* Round trips across the rollover. */
    for (int64_t t = era1 - 3; t < era1 + 3; t++) {
        lws__ntpc_unix_ns_to_ts(t * NS + 123456789, &ts);
        assert_int_equal(lws__ntpc_ts_to_unix_ns(&ts, piv2026),
                         t * NS + 123456789);
    }
    lws__ntpc_unix_ns_to_ts(0, &ts);
    assert_int_equal(ts.sec, LWS__NTPC_UNIX_DELTA);
    assert_int_equal(ts.frac, 0);
    lws__ntpc_unix_ns_to_ts(-1, &ts);
    assert_int_equal(ts.sec, LWS__NTPC_UNIX_DELTA - 1);
}

static void test_ntp_packet_offset_delay(void **state)
{
    struct lws__ntpc_ts ck = {7, 9};
    struct lws__ntpc_sample s;
    struct lws__ntpc_pkt r;
    /* Local clock at send: 2026 + 100 s; the server is 10.5 s ahead;
     * 5 ms each way, 2 ms in the server. */
    int64_t t1 = (FLOOR_S + 100) * NS;
    int64_t t2 = t1 + 10500 * 1000000ll + 5000000;
    int64_t t3 = t2 + 2000000;

    (void)state;
    good_reply(&r, &ck, t2, t3);
    assert_int_equal(lws__ntpc_sample_compute(&r, t1 / 1000, 777 * US,
                                              777 * US + 12 * MS, FLOOR_S * NS,
                                              &s),
                     LWS__NTPC_V_OK);
    /* 1 ns of rounding from the 2^-32 fraction at most */
    assert_true(llabs(s.offset_ns - 10500 * 1000000ll) <= 2);
    assert_true(llabs(s.delay_ns - 10 * 1000000ll) <= 2);
    assert_true(llabs(s.true_at_rx_ns - (t1 + 12000000 + 10500000000ll)) <= 2);
    assert_int_equal(s.mono_rx_us, 777 * US + 12 * MS);
    assert_int_equal(s.stratum, 2);

    /* A device at 1970 against a 2026 server: a huge positive offset. */
    assert_int_equal(
        lws__ntpc_sample_compute(&r, 5 * US, 0, 12 * MS, FLOOR_S * NS, &s),
        LWS__NTPC_V_OK);
    assert_true(s.offset_ns > (FLOOR_S + 100) * NS);

    /* Server times before the floor are refused. */
    assert_int_equal(lws__ntpc_sample_compute(&r, t1 / 1000, 0, 12 * MS,
                                              (FLOOR_S + 200) * NS, &s),
                     LWS__NTPC_V_BEFORE_FLOOR);
    /* T3 before T2 is refused. */
    good_reply(&r, &ck, t3, t2);
    assert_int_equal(
        lws__ntpc_sample_compute(&r, t1 / 1000, 0, 12 * MS, FLOOR_S * NS, &s),
        LWS__NTPC_V_TIME_ORDER);
    /* A negative delay (server slower than the round trip) clamps to 0. */
    good_reply(&r, &ck, t2, t2 + 50 * 1000000ll);
    assert_int_equal(
        lws__ntpc_sample_compute(&r, t1 / 1000, 0, 12 * MS, FLOOR_S * NS, &s),
        LWS__NTPC_V_OK);
    assert_int_equal(s.delay_ns, 0);
}

/* ------------------------------------------------------------------------
 * Core with a virtual clock
 */

struct vclock {
    lws_usec_t mono;
    lws_usec_t wall_delta;   /* wall = mono + delta */
    int64_t server_ahead_ns; /* server true time = wall + this */
};

static lws_usec_t vwall(const struct vclock *v)
{
    return v->mono + v->wall_delta;
}

static void core_new(struct lws__ntpc_core *c, bool applied)
{
    struct lws__ntpc_cfg cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.rand32 = test_rand;
    cfg.floor_ns = FLOOR_S * NS;
    cfg.clock_applied = applied;
    lws__ntpc_core_init(c, &cfg);
}

/* Builds the server's reply to the request in @req: the request reached it
 * at local mono + @owd_ms, the reply leaves 1 ms later. */
static size_t serve(const struct vclock *v, const struct lws__ntpc_out *req,
                    int owd_ms, uint8_t *out)
{
    struct lws__ntpc_pkt q, r;
    int64_t t2;

    assert_true(req->flags & LWS__NTPC_ACT_SEND);
    assert_int_equal(lws__ntpc_pkt_parse(&q, req->pkt, req->pkt_len), 0);
    assert_int_equal(q.mode, 3);
    t2 = (vwall(v) + owd_ms * MS) * 1000 + v->server_ahead_ns;
    good_reply(&r, &q.xmt, t2, t2 + 1000000);
    return enc(out, &r);
}

/* One exchange: @owd_ms out, 1 ms in the server, 2 * @owd_ms back (the
 * asymmetry makes a sample's offset err by -@owd_ms / 2). */
static int exchange(struct lws__ntpc_core *c, struct vclock *v,
                    const lws_sockaddr46 *from, struct lws__ntpc_out *req,
                    int owd_ms, struct lws__ntpc_out *a)
{
    uint8_t buf[LWS__NTPC_PKT_LEN];
    size_t n = serve(v, req, owd_ms, buf);

    v->mono += 3 * owd_ms * MS + 1 * MS;
    memset(a, 0, sizeof(*a));
    return lws__ntpc_core_on_rx(c, v->mono, vwall(v), from, buf, n, a);
}

static void test_ntpc_core_burst_min_delay_wins(void **state)
{
    struct vclock v = {1000 * US, (FLOOR_S + 50) * US, 3 * NS};
    lws_sockaddr46 srv = sa_v4(0x7f000001, 12345);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    static const int owd[] = {30, 5, 20, 40};

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &srv, true, &a);
    assert_int_equal(a.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    assert_int_equal(a.wake_at, v.mono + 1000 * MS);

    for (int i = 0; i < 4; i++) {
        /* The longer the path, the larger the asymmetry error: the
         * minimum-delay sample errs least. */
        assert_int_equal(exchange(&c, &v, &srv, &a, owd[i], &b),
                         LWS__NTPC_V_OK);
        if (i < 3) {
            /* with a sample in the round the wait is 8 of its best round
             * trips + 250 ms: 8 * 90 + 250, then 8 * 15 + 250 */
            lws_usec_t want = (i ? 8 * 15 + 250 : 8 * 90 + 250) * MS;

            assert_int_equal(b.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
            assert_true(b.wake_at >= v.mono + want - MS &&
                        b.wake_at <= v.mono + want + MS);
            a = b;
        }
    }
    assert_true(b.flags & LWS__NTPC_ACT_SYNCED);
    assert_false(b.flags & LWS__NTPC_ACT_SEND);
    assert_true(llabs(b.sample.delay_ns - 15 * 1000000ll) <= 2);
    assert_true(llabs(b.sample.offset_ns - (3 * NS - 2500000)) <= 2);
    assert_int_equal(b.sample.stratum, 2);
    /* next poll after poll_min (32 s) plus up to 1/16 jitter */
    assert_true(b.wake_at >= v.mono + 32 * US);
    assert_true(b.wake_at <= v.mono + 34 * US);
    assert_int_equal(c.phase, LWS__NTPC_POLL);
}

static void test_ntpc_core_ignores_strays(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, -2 * NS};
    lws_sockaddr46 srv = sa_v4(0x7f000001, 12345);
    lws_sockaddr46 other_port = sa_v4(0x7f000001, 12346);
    lws_sockaddr46 other_ip = sa_v4(0x7f000002, 12345);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    struct lws__ntpc_pkt r;
    uint8_t buf[LWS__NTPC_PKT_LEN];
    size_t n;

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &srv, true, &a);
    n = serve(&v, &a, 1, buf);
    POISON(b);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &other_port, buf, n, &b),
        LWS__NTPC_V_SOURCE);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &other_ip, buf, n, &b),
        LWS__NTPC_V_SOURCE);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), NULL, buf, n, &b),
        LWS__NTPC_V_SOURCE);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &srv, buf, 47, &b),
        LWS__NTPC_V_SHORT);
    /* wrong origin, and a forged DENY with a wrong origin */
    assert_int_equal(lws__ntpc_pkt_parse(&r, buf, n), 0);
    r.org.sec ^= 1;
    enc(buf, &r);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &srv, buf, n, &b),
        LWS__NTPC_V_ORIGIN);
    r.stratum = 0;
    r.refid = 0x44454e59;
    enc(buf, &r);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &srv, buf, n, &b),
        LWS__NTPC_V_ORIGIN);
    assert_int_equal(b.flags, 0);
    assert_int_equal(c.phase, LWS__NTPC_WAIT_RX);
    /* The genuine reply is still accepted, and a replay of it is not. */
    n = serve(&v, &a, 1, buf);
    v.mono += 3 * MS;
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &srv, buf, n, &b),
        LWS__NTPC_V_OK);
    POISON(a);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &srv, buf, n, &a),
        LWS__NTPC_V_ORIGIN);
}

static void test_ntpc_core_wall_step_does_not_skew(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 250 * 1000000ll};
    lws_sockaddr46 srv = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    uint8_t buf[LWS__NTPC_PKT_LEN];
    size_t n;

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &srv, true, &a);
    n = serve(&v, &a, 4, buf);
    /* Someone steps the wall clock by an hour while we wait: the sample is
     * computed from the monotonic elapsed time, so it is unaffected. */
    v.mono += 9 * MS;
    POISON(b);
    assert_int_equal(lws__ntpc_core_on_rx(&c, v.mono, vwall(&v) + 3600 * US,
                                          &srv, buf, n, &b),
                     LWS__NTPC_V_OK);
    assert_true(llabs(c.best.offset_ns - 250 * 1000000ll) <= 2);
    assert_true(llabs(c.best.delay_ns - 8 * 1000000ll) <= 2);
}

static void test_ntpc_core_backoff_and_next_server(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123), s2 = sa_v4(0x7f000002, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a;
    uint32_t expect = 2000;

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    for (int round = 0; round < 10; round++) {
        /* Each round before a sync: three timeouts, then a backoff and
         * the next server. */
        for (int t = 0; t < 3; t++) {
            assert_true(a.flags & LWS__NTPC_ACT_WAKE);
            v.mono = a.wake_at;
            POISON(a);
            lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
            if (t < 2)
                assert_int_equal(a.flags,
                                 LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
        }
        assert_int_equal(a.flags,
                         LWS__NTPC_ACT_NEXT_SERVER | LWS__NTPC_ACT_WAKE);
        assert_int_equal(c.backoff_ms, expect);
        assert_true(a.wake_at >= v.mono + expect * MS);
        assert_true(a.wake_at <= v.mono + (expect + expect / 4) * MS);
        expect = expect * 2 > 300000 ? 300000 : expect * 2;
        /* The glue supplies the next server; the round waits for the
         * backoff, and an early timer just re-arms. */
        lws_usec_t due = a.wake_at;
        POISON(a);
        lws__ntpc_core_set_server(&c, v.mono, vwall(&v),
                                  (round & 1) ? &s1 : &s2, false, &a);
        assert_int_equal(a.flags, 0);
        lws__ntpc_core_on_timer(&c, due - 1, vwall(&v), &a);
        assert_int_equal(a.flags, LWS__NTPC_ACT_WAKE);
        assert_int_equal(a.wake_at, due);
        v.mono = due;
        POISON(a);
        lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
        assert_int_equal(a.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    }
    assert_int_equal(c.backoff_ms, 300000);
    /* A trigger resets the backoff and, mid-round, changes nothing. */
    POISON(a);
    lws__ntpc_core_kick(&c, v.mono, vwall(&v), &a);
    assert_int_equal(a.flags, 0);
    assert_int_equal(c.backoff_ms, 0);
}

static void test_ntpc_core_backoff_timer_without_server(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a;

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    for (int t = 0; t < 3; t++) { /* three timeouts before a sync */
        v.mono = a.wake_at;
        POISON(a);
        lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
    }
    assert_true(a.flags & LWS__NTPC_ACT_NEXT_SERVER);
    /* The glue is still resolving when the backoff ends: ask again, then
     * start as soon as a server arrives. */
    v.mono = a.wake_at;
    POISON(a);
    lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
    assert_int_equal(a.flags, LWS__NTPC_ACT_NEXT_SERVER);
    assert_int_equal(c.phase, LWS__NTPC_NEED_SRV);
    POISON(a);
    lws__ntpc_core_on_timer(&c, v.mono + US, vwall(&v), &a);
    assert_int_equal(a.flags, 0);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, false, &a);
    assert_int_equal(a.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
}

static size_t kod(const struct lws__ntpc_out *req, uint32_t code, uint8_t *buf)
{
    struct lws__ntpc_pkt q, r;

    assert_int_equal(lws__ntpc_pkt_parse(&q, req->pkt, req->pkt_len), 0);
    memset(&r, 0, sizeof(r));
    r.vn = 4;
    r.mode = 4;
    r.stratum = 0;
    r.refid = code;
    r.org = q.xmt;
    return enc(buf, &r);
}

static void test_ntpc_core_kod(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    uint8_t buf[LWS__NTPC_PKT_LEN];
    size_t n;

    (void)state;
    /* RATE: same server, poll doubled, wait at least that long. */
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    n = kod(&a, 0x52415445, buf);
    POISON(b);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b),
        LWS__NTPC_V_KOD_RATE);
    assert_int_equal(b.flags, LWS__NTPC_ACT_WAKE);
    assert_int_equal(c.poll_s, 64);
    assert_true(b.wake_at >= v.mono + 64 * US);
    assert_true(c.have_server);
    v.mono = b.wake_at;
    POISON(a);
    lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
    assert_true(a.flags & LWS__NTPC_ACT_SEND);

    /* RATE after a good sample in the burst: sync with what we have. */
    assert_int_equal(exchange(&c, &v, &s1, &a, 2, &b), LWS__NTPC_V_OK);
    n = kod(&b, 0x52415445, buf);
    POISON(a);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &a),
        LWS__NTPC_V_KOD_RATE);
    assert_true(a.flags & LWS__NTPC_ACT_SYNCED);
    assert_int_equal(c.poll_s, 128);

    /* DENY and RSTR: drop the server and move on. */
    for (int i = 0; i < 2; i++) {
        core_new(&c, true);
        POISON(a);
        lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
        n = kod(&a, i ? 0x52535452 : 0x44454e59, buf);
        POISON(b);
        assert_int_equal(
            lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b),
            i ? LWS__NTPC_V_KOD_RSTR : LWS__NTPC_V_KOD_DENY);
        assert_int_equal(b.flags, LWS__NTPC_ACT_NEXT_SERVER |
                                      LWS__NTPC_ACT_DROP_SERVER |
                                      LWS__NTPC_ACT_WAKE);
        assert_false(c.have_server);
    }

    /* Another kiss code is a bad answer: three of them end the round
     * before a sync. */
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    n = kod(&a, 0x494e4954, buf);
    POISON(b);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b),
        LWS__NTPC_V_KOD_OTHER);
    assert_int_equal(b.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    n = kod(&b, 0x494e4954, buf);
    POISON(a);
    lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &a);
    assert_int_equal(a.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    n = kod(&a, 0x494e4954, buf);
    POISON(b);
    lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b);
    assert_int_equal(b.flags, LWS__NTPC_ACT_NEXT_SERVER | LWS__NTPC_ACT_WAKE);
}

static void test_ntpc_core_bad_answers_never_sync(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    struct lws__ntpc_pkt r;
    uint8_t buf[LWS__NTPC_PKT_LEN];
    size_t n;

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    /* LI=3, stratum 16, ten years ahead with a bad root distance, and ten
     * years before the floor: none is a sample. */
    for (int i = 0; i < 9; i++) {
        n = serve(&v, &a, 1, buf);
        assert_int_equal(lws__ntpc_pkt_parse(&r, buf, n), 0);
        switch (i % 4) {
        case 0:
            r.li = 3;
            break;
        case 1:
            r.stratum = 16;
            break;
        case 2:
            r.root_disp = 10 << 16;
            r.xmt.sec += 315360000u;
            r.rec.sec += 315360000u;
            break;
        default:
            r.xmt.sec -= 315360000u;
            r.rec.sec -= 315360000u;
            break;
        }
        enc(buf, &r);
        POISON(b);
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b);
        assert_false(b.flags & LWS__NTPC_ACT_SYNCED);
        if (i % 3 == 2) {
            /* three bad answers in a row (before a sync): next server */
            assert_true(b.flags & LWS__NTPC_ACT_NEXT_SERVER);
            lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &b);
        }
        a = b;
    }
    assert_false(c.synced);
}

static void sync_once(struct lws__ntpc_core *c, struct vclock *v,
                      const lws_sockaddr46 *s, struct lws__ntpc_out *a)
{
    struct lws__ntpc_out b;

    v->mono = a->wake_at;
    POISON(b);
    lws__ntpc_core_on_timer(c, v->mono, vwall(v), &b);
    assert_int_equal(b.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    assert_int_equal(exchange(c, v, s, &b, 2, a), LWS__NTPC_V_OK);
    assert_true(a->flags & LWS__NTPC_ACT_SYNCED);
}

static void test_ntpc_core_poll_adapts(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 1 * 1000000ll};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    uint32_t expect = 32;

    (void)state;
    core_new(&c, true);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(exchange(&c, &v, &s1, &a, 2, &b), LWS__NTPC_V_OK);
        a = b;
    }
    assert_int_equal(c.poll_s, 32);
    /* small residual offsets: the interval doubles up to the maximum */
    for (int i = 0; i < 9; i++) {
        sync_once(&c, &v, &s1, &a);
        expect = expect * 2 > 2048 ? 2048 : expect * 2;
        assert_int_equal(c.poll_s, expect);
        assert_true(a.wake_at >= v.mono + (lws_usec_t)expect * US);
    }
    /* a large residual (the clock drifts badly): it halves to the minimum */
    v.server_ahead_ns = 200 * 1000000ll;
    for (int i = 0; i < 8; i++) {
        sync_once(&c, &v, &s1, &a);
        expect = expect / 2 < 32 ? 32 : expect / 2;
        assert_int_equal(c.poll_s, expect);
    }

    /* Report-only: the error is the change in offset between syncs. */
    core_new(&c, false);
    v.server_ahead_ns = 40 * NS;
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    for (int i = 0; i < 4; i++) {
        exchange(&c, &v, &s1, &a, 2, &b);
        a = b;
    }
    sync_once(&c, &v, &s1, &a);
    assert_int_equal(c.poll_s, 64);
}

static void test_ntpc_core_not_waiting_and_kick(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;
    uint8_t buf[LWS__NTPC_PKT_LEN];
    size_t n;

    (void)state;
    core_new(&c, true);
    POISON(a);
    /* no server: a kick does nothing, a timer does nothing */
    lws__ntpc_core_kick(&c, v.mono, vwall(&v), &a);
    lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
    assert_int_equal(a.flags, 0);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    for (int i = 0; i < 4; i++) {
        n = serve(&v, &a, 1, buf);
        POISON(b);
        assert_int_equal(
            lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b),
            LWS__NTPC_V_OK);
        a = b;
    }
    assert_int_equal(c.phase, LWS__NTPC_POLL);
    POISON(b);
    assert_int_equal(
        lws__ntpc_core_on_rx(&c, v.mono, vwall(&v), &s1, buf, n, &b),
        LWS__NTPC_V_NOT_WAITING);
    /* a kick while polling starts a full burst now */
    lws__ntpc_core_kick(&c, v.mono, vwall(&v), &b);
    assert_int_equal(b.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    assert_int_equal(c.want_good, 4);
    /* clearing the server mid-round abandons it */
    lws__ntpc_core_clear_server(&c);
    assert_int_equal(c.phase, LWS__NTPC_NEED_SRV);
}

static void test_ntpc_core_burst_interval(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_cfg cfg;
    struct lws__ntpc_core c;
    struct lws__ntpc_out a, b;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.rand32 = test_rand;
    cfg.floor_ns = FLOOR_S * NS;
    cfg.burst = 2;
    cfg.burst_interval_ms = 500;
    cfg.poll_min_s = 1; /* raised to the RFC 4330 minimum of 15 */
    lws__ntpc_core_init(&c, &cfg);
    assert_int_equal(c.cfg.poll_min_s, 15);
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, true, &a);
    assert_int_equal(exchange(&c, &v, &s1, &a, 1, &b), LWS__NTPC_V_OK);
    assert_int_equal(b.flags, LWS__NTPC_ACT_WAKE);
    assert_int_equal(b.wake_at, v.mono + 500 * MS);
    v.mono = b.wake_at;
    POISON(a);
    lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
    assert_int_equal(a.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
    assert_int_equal(exchange(&c, &v, &s1, &a, 1, &b), LWS__NTPC_V_OK);
    assert_true(b.flags & LWS__NTPC_ACT_SYNCED);
}

static void test_ntpc_core_no_server_backs_off(void **state)
{
    struct vclock v = {5 * US, (FLOOR_S + 50) * US, 0};
    lws_sockaddr46 s1 = sa_v4(0x7f000001, 123);
    struct lws__ntpc_core c;
    struct lws__ntpc_out a;

    (void)state;
    core_new(&c, true);
    /* The glue found nothing usable (a name did not resolve): back off,
     * doubling, then ask for a server again. */
    for (uint32_t expect = 2000; expect <= 8000; expect *= 2) {
        POISON(a);
        lws__ntpc_core_no_server(&c, v.mono, &a);
        assert_int_equal(a.flags, LWS__NTPC_ACT_WAKE);
        assert_int_equal(c.backoff_ms, expect);
        assert_true(a.wake_at >= v.mono + expect * MS);
        v.mono = a.wake_at;
        POISON(a);
        lws__ntpc_core_on_timer(&c, v.mono, vwall(&v), &a);
        assert_int_equal(a.flags, LWS__NTPC_ACT_NEXT_SERVER);
    }
    POISON(a);
    lws__ntpc_core_set_server(&c, v.mono, vwall(&v), &s1, false, &a);
    assert_int_equal(a.flags, LWS__NTPC_ACT_SEND | LWS__NTPC_ACT_WAKE);
}

static void test_ntpc_sa46_equal(void **state)
{
    lws_sockaddr46 a, b;

    (void)state;
    POISON(a);
    POISON(b);
    assert_false(lws__sa46_equal(&a, &b)); /* AF_UNSPEC */
    a.sa6.sin6_family = b.sa6.sin6_family = AF_INET6;
    a.sa6.sin6_port = b.sa6.sin6_port = htons(123);
    a.sa6.sin6_addr.s6_addr[15] = b.sa6.sin6_addr.s6_addr[15] = 1;
    assert_true(lws__sa46_equal(&a, &b));
    b.sa6.sin6_addr.s6_addr[0] = 0xfe;
    assert_false(lws__sa46_equal(&a, &b));
    a = sa_v4(1, 2);
    assert_false(lws__sa46_equal(&a, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ntp_packet_request_layout),
        cmocka_unit_test(test_ntp_packet_parse_lengths),
        cmocka_unit_test(test_ntp_packet_check_good),
        cmocka_unit_test(test_ntp_packet_check_rejections),
        cmocka_unit_test(test_ntp_packet_fraction_scaling),
        cmocka_unit_test(test_ntp_packet_era_edges),
        cmocka_unit_test(test_ntp_packet_offset_delay),
        cmocka_unit_test(test_ntpc_core_burst_min_delay_wins),
        cmocka_unit_test(test_ntpc_core_ignores_strays),
        cmocka_unit_test(test_ntpc_core_wall_step_does_not_skew),
        cmocka_unit_test(test_ntpc_core_backoff_and_next_server),
        cmocka_unit_test(test_ntpc_core_backoff_timer_without_server),
        cmocka_unit_test(test_ntpc_core_kod),
        cmocka_unit_test(test_ntpc_core_bad_answers_never_sync),
        cmocka_unit_test(test_ntpc_core_poll_adapts),
        cmocka_unit_test(test_ntpc_core_not_waiting_and_kick),
        cmocka_unit_test(test_ntpc_core_burst_interval),
        cmocka_unit_test(test_ntpc_core_no_server_backs_off),
        cmocka_unit_test(test_ntpc_sa46_equal),
    };

    return cmocka_run_group_tests_name("ntpc", tests, NULL, NULL);
}
