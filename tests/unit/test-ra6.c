/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Router-advertisement client unit tests: the codec with a table of
 * crafted RAs (every option, broken framing that drops the message,
 * broken options that are dropped alone) and the sans-I/O core on a
 * virtual clock: RFC 4861 solicitation timing, the RFC 4861 §6.1.2 checks,
 * lifetimes of routers, RDNSS, DNSSL and prefixes (0 and infinity
 * included), hostile DNS server addresses, replacement when full, the
 * captive-portal URI, SLAAC addresses and the "usable" rule.  Plus the
 * public API's argument checks on a live context.
 */
#include "private-ra6.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define S(x)  ((lws_usec_t)(x)*LWS_US_PER_SEC)
#define MS(x) ((lws_usec_t)(x)*1000)

/* ------------------------------------------------------------------------
 * Building RAs
 */

struct pkt {
    uint8_t b[1500];
    size_t len;
};

static void put(struct pkt *p, const void *d, size_t n)
{
    assert_true(p->len + n <= sizeof(p->b));
    memcpy(p->b + p->len, d, n);
    p->len += n;
}

static void put8(struct pkt *p, uint8_t v)
{
    put(p, &v, 1);
}

static void put16(struct pkt *p, uint16_t v)
{
    put8(p, (uint8_t)(v >> 8));
    put8(p, (uint8_t)v);
}

static void put32(struct pkt *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p, (uint16_t)v);
}

static void put_ip(struct pkt *p, const char *s)
{
    uint8_t a[16];

    assert_int_equal(inet_pton(AF_INET6, s, a), 1);
    put(p, a, 16);
}

static void ra_hdr(struct pkt *p, uint8_t flags, uint16_t life)
{
    p->len = 0;
    put8(p, 134);
    put8(p, 0);
    put16(p, 0);
    put8(p, 64);
    put8(p, flags);
    put16(p, life);
    put32(p, 30000);
    put32(p, 1000);
}

/* Option header for @units * 8 bytes. */
static void opt(struct pkt *p, uint8_t type, uint8_t units)
{
    put8(p, type);
    put8(p, units);
}

static void opt_prefix(struct pkt *p, const char *pfx, uint8_t len,
                       uint8_t flags, uint32_t valid, uint32_t pref)
{
    opt(p, 3, 4);
    put8(p, len);
    put8(p, flags);
    put32(p, valid);
    put32(p, pref);
    put32(p, 0);
    put_ip(p, pfx);
}

static void opt_rdnss(struct pkt *p, uint32_t life, const char *a,
                      const char *b)
{
    opt(p, 25, b ? 5 : 3);
    put16(p, 0);
    put32(p, life);
    put_ip(p, a);
    if (b)
        put_ip(p, b);
}

/* DNSSL with names given as wire bytes @w (@wl long), padded. */
static void opt_dnssl_raw(struct pkt *p, uint32_t life, const void *w,
                          size_t wl)
{
    size_t total = 8 + wl, pad = (8 - total % 8) % 8;

    opt(p, 31, (uint8_t)((total + pad) / 8));
    put16(p, 0);
    put32(p, life);
    put(p, w, wl);
    for (size_t i = 0; i < pad; i++)
        put8(p, 0);
}

static void opt_captive(struct pkt *p, const char *uri)
{
    size_t total = 2 + strlen(uri), pad = (8 - total % 8) % 8;

    opt(p, 37, (uint8_t)((total + pad) / 8));
    put(p, uri, strlen(uri));
    for (size_t i = 0; i < pad; i++)
        put8(p, 0);
}

static const uint8_t dnssl_two[] = "\7example\3com\0\3lab\7example\0";

/* The RA every good case starts from: each option once. */
static void ra_full(struct pkt *p)
{
    ra_hdr(p, 0xc0, 1800);
    opt(p, 1, 1); /* source link-layer address */
    put(p, "\x02\x00\x00\x00\x00\x01", 6);
    opt_prefix(p, "2001:db8:1::", 64, 0xc0, 86400, 14400);
    opt(p, 5, 1);
    put16(p, 0);
    put32(p, 1500);
    opt_rdnss(p, 600, "2001:db8:1::53", "2001:db8:1::54");
    opt_dnssl_raw(p, 900, dnssl_two, sizeof(dnssl_two) - 1);
    opt_captive(p, "https://portal.example/api");
}

static const char *ip6s(const uint8_t *a)
{
    static char buf[4][INET6_ADDRSTRLEN];
    static int n;

    n = (n + 1) % 4;
    inet_ntop(AF_INET6, a, buf[n], sizeof(buf[n]));
    return buf[n];
}

/* ------------------------------------------------------------------------
 * Codec
 */

static void test_ra6_codec_parses_every_option(void **state)
{
    struct lws__ra6_msg m;
    struct pkt p;

    (void)state;
    ra_full(&p);
    assert_int_equal(lws__ra6_parse(p.b, p.len, &m), 0);
    assert_int_equal(m.flags, LWS__RA6_F_MANAGED | LWS__RA6_F_OTHER);
    assert_int_equal(m.hop_limit, 64);
    assert_int_equal(m.router_life_s, 1800);
    assert_int_equal(m.reachable_ms, 30000);
    assert_int_equal(m.retrans_ms, 1000);
    assert_int_equal(m.nprefix, 1);
    assert_string_equal(ip6s(m.prefix[0].prefix), "2001:db8:1::");
    assert_int_equal(m.prefix[0].len, 64);
    assert_int_equal(m.prefix[0].flags, LWS__RA6_PF_ONLINK | LWS__RA6_PF_AUTO);
    assert_int_equal(m.prefix[0].valid_s, 86400);
    assert_int_equal(m.prefix[0].preferred_s, 14400);
    assert_int_equal(m.mtu, 1500);
    assert_int_equal(m.nrdnss, 2);
    assert_string_equal(ip6s(m.rdnss[0]), "2001:db8:1::53");
    assert_string_equal(ip6s(m.rdnss[1]), "2001:db8:1::54");
    assert_int_equal(m.rdnss_life_s[1], 600);
    assert_int_equal(m.ndnssl, 2);
    assert_string_equal(m.dnssl[0], "example.com");
    assert_string_equal(m.dnssl[1], "lab.example");
    assert_int_equal(m.dnssl_life_s[0], 900);
    assert_true(m.have_captive);
    assert_string_equal(m.captive, "https://portal.example/api");
}

/* Messages that must be dropped whole (RFC 4861 §6.1.2). */
static void test_ra6_codec_drops_broken_messages(void **state)
{
    static const struct {
        const char *what;
        size_t cut; /* bytes off the end of the full RA, or 0 */
        int byte;   /* index to overwrite, or -1 */
        uint8_t val;
        bool add_tail; /* append a 1-byte truncated option header */
        bool zero_opt; /* append an option of length 0 */
        bool long_opt; /* append an option claiming more than is there */
    } bad[] = {
        {"shorter than the fixed part", 0, -1, 0, false, false, false},
        {"not an RA (type 133)", 0, 0, 133, false, false, false},
        {"code not 0", 0, 1, 1, false, false, false},
        {"truncated option header", 0, -1, 0, true, false, false},
        {"option of length 0", 0, -1, 0, false, true, false},
        {"option past the end", 0, -1, 0, false, false, true},
        {"last option cut short", 5, -1, 0, false, false, false},
    };
    struct lws__ra6_msg m;
    struct pkt p;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ra_full(&p);
        if (i == 0)
            p.len = 15;
        p.len -= bad[i].cut;
        if (bad[i].byte >= 0)
            p.b[bad[i].byte] = bad[i].val;
        if (bad[i].add_tail)
            put8(&p, 25);
        if (bad[i].zero_opt) {
            opt(&p, 25, 0);
            put(&p, "\0\0\0\0\0\0", 6);
        }
        if (bad[i].long_opt) {
            opt(&p, 25, 5);
            put(&p, "\0\0\0\0\0\0", 6);
        }
        print_message("case: %s\n", bad[i].what);
        assert_int_equal(lws__ra6_parse(p.b, p.len, &m), -EINVAL);
    }
    assert_int_equal(lws__ra6_parse(NULL, 0, &m), -EINVAL);
}

/* Options whose content is wrong are dropped alone; the RA stays. */
static void test_ra6_codec_drops_bad_options_alone(void **state)
{
    static const uint8_t compressed[] = "\7example\xc0\x0c";
    static const uint8_t badchar[] = "\7exa mpl\0";
    static const uint8_t badpad[] = "\3com\0\1";
    static const uint8_t longlabel[] =
        "\100aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaa\0";
    struct lws__ra6_msg m;
    struct pkt p;
    char uri[300];

    (void)state;
    for (int i = 0; i < 14; i++) {
        ra_hdr(&p, 0, 1800);
        switch (i) {
        case 0: /* prefix option of 3 units */
            opt(&p, 3, 3);
            put(&p, "\100\xc0", 2);
            for (int k = 0; k < 20; k++)
                put8(&p, 0);
            break;
        case 1: /* prefix length over 128 */
            opt_prefix(&p, "2001:db8::", 129, 0xc0, 100, 10);
            break;
        case 2: /* preferred > valid, RFC 4862 §5.5.3 c) */
            opt_prefix(&p, "2001:db8::", 64, 0xc0, 100, 200);
            break;
        case 3: /* the link-local prefix, RFC 4862 §5.5.3 b) */
            opt_prefix(&p, "fe80::", 64, 0xc0, 100, 10);
            break;
        case 4: /* MTU under 1280 */
            opt(&p, 5, 1);
            put16(&p, 0);
            put32(&p, 1279);
            break;
        case 5: /* RDNSS of 2 units: no address */
            opt(&p, 25, 2);
            put16(&p, 0);
            put32(&p, 600);
            put(&p, "\0\0\0\0\0\0\0\0", 8);
            break;
        case 6: /* RDNSS of 4 units (even) */
            opt(&p, 25, 4);
            put16(&p, 0);
            put32(&p, 600);
            put_ip(&p, "2001:db8::53");
            put(&p, "\0\0\0\0\0\0\0\0", 8);
            break;
        case 7: /* DNSSL of 1 unit */
            opt(&p, 31, 1);
            put16(&p, 0);
            put32(&p, 600);
            break;
        case 8: /* DNSSL with a compression pointer */
            opt_dnssl_raw(&p, 600, compressed, sizeof(compressed) - 1);
            break;
        case 9: /* DNSSL with a space in a label */
            opt_dnssl_raw(&p, 600, badchar, sizeof(badchar) - 1);
            break;
        case 10: /* DNSSL with garbage after the names */
            opt_dnssl_raw(&p, 600, badpad, sizeof(badpad) - 1);
            break;
        case 11: /* a label of 64 */
            opt_dnssl_raw(&p, 600, longlabel, sizeof(longlabel) - 1);
            break;
        case 12: /* captive URI with a space */
            opt_captive(&p, "http://a b/");
            break;
        case 13: /* captive URI longer than kept */
            memset(uri, 'a', sizeof(uri) - 1);
            uri[sizeof(uri) - 1] = '\0';
            opt_captive(&p, uri);
            break;
        }
        opt_rdnss(&p, 300, "2001:db8::99", NULL); /* a good one after it */
        print_message("case %d\n", i);
        assert_int_equal(lws__ra6_parse(p.b, p.len, &m), 0);
        assert_int_equal(m.nprefix, 0);
        assert_int_equal(m.mtu, 0);
        assert_int_equal(m.ndnssl, 0);
        assert_false(m.have_captive);
        assert_int_equal(m.nrdnss, 1);
        assert_string_equal(ip6s(m.rdnss[0]), "2001:db8::99");
    }
}

static void test_ra6_codec_limits_and_unknown_options(void **state)
{
    static const uint8_t five[] = "\1a\0\1b\0\1c\0\1d\0\1e\0";
    struct lws__ra6_msg m;
    struct pkt p;

    (void)state;
    ra_hdr(&p, 0, 0);
    opt(&p, 200, 2); /* unknown: skipped */
    for (int i = 0; i < 14; i++)
        put8(&p, 0xff);
    opt_dnssl_raw(&p, 60, five, sizeof(five) - 1);
    for (int i = 0; i < 5; i++)
        opt_rdnss(&p, 60, "2001:db8::1", "2001:db8::2");
    opt_captive(&p, "urn:ietf:params:capport:unrestricted");
    assert_int_equal(lws__ra6_parse(p.b, p.len, &m), 0);
    assert_int_equal(m.ndnssl, LWS__RA6_MSG_DNSSL);
    assert_string_equal(m.dnssl[3], "d");
    assert_int_equal(m.nrdnss, LWS__RA6_MSG_RDNSS);
    assert_string_equal(m.captive, "urn:ietf:params:capport:unrestricted");
    assert_int_equal(m.router_life_s, 0);
}

static void test_ra6_codec_rs_and_address_classes(void **state)
{
    static const char *const not_unicast[] = {"::", "::1", "ff02::1",
                                              "ff05::1:3", "::ffff:10.0.0.1"};
    uint8_t buf[16], a[16];

    (void)state;
    assert_int_equal(lws__ra6_rs_build(buf, sizeof(buf)), LWS__RA6_RS_LEN);
    assert_int_equal(buf[0], 133);
    for (int i = 1; i < LWS__RA6_RS_LEN; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(lws__ra6_rs_build(buf, 7), 0);
    for (size_t i = 0; i < sizeof(not_unicast) / sizeof(not_unicast[0]); i++) {
        inet_pton(AF_INET6, not_unicast[i], a);
        assert_false(lws__ra6_addr_unicast(a));
    }
    inet_pton(AF_INET6, "fe80::1", a);
    assert_true(lws__ra6_addr_unicast(a));
    assert_true(lws__ra6_addr_linklocal(a));
    inet_pton(AF_INET6, "2001:db8::1", a);
    assert_true(lws__ra6_addr_unicast(a));
    assert_false(lws__ra6_addr_linklocal(a));
}

/* ------------------------------------------------------------------------
 * Core on a virtual clock
 */

struct h {
    struct lws__ra6_cfg cfg;
    struct lws__ra6_core c;
    struct lws__ra6_out o;
    uint32_t seed;
    lws_usec_t now;
    uint8_t router[16];
};

static uint32_t h_rand(void *ctx)
{
    struct h *h = ctx;

    h->seed = h->seed * 1103515245u + 12345u;
    return h->seed >> 4;
}

static void h_init(struct h *h)
{
    memset(h, 0, sizeof(*h));
    h->cfg.rs_count = 3;
    h->cfg.rs_interval_ms = 4000;
    h->cfg.rs_delay_max_ms = 1000;
    h->seed = 7;
    h->now = S(1000);
    inet_pton(AF_INET6, "fe80::1", h->router);
    lws__ra6_core_init(&h->c, &h->cfg, h_rand, h);
}

static void h_rx_from(struct h *h, const uint8_t *src, int hops,
                      const struct pkt *p)
{
    lws__ra6_core_rx(&h->c, h->now, src, hops, p->b, p->len, &h->o);
}

static void h_rx(struct h *h, const struct pkt *p)
{
    h_rx_from(h, h->router, 255, p);
}

/* Advance to the wake time the core asked for, and fire it. */
static void h_fire(struct h *h)
{
    assert_true(h->o.wake >= h->now);
    h->now = h->o.wake;
    lws__ra6_core_timer(&h->c, h->now, &h->o);
}

static int count(struct h *h, unsigned ch)
{
    return lws__ra6_core_count(&h->c, ch);
}

static void test_ra6_core_solicits_with_rfc4861_timing(void **state)
{
    lws_usec_t start, sent[3];
    struct h h;
    int n = 0;

    (void)state;
    for (uint32_t seed = 1; seed < 40; seed++) {
        h_init(&h);
        h.seed = seed;
        start = h.now;
        lws__ra6_core_start(&h.c, h.now, &h.o);
        assert_false(h.o.send_rs);
        assert_int_equal(h.c.state, LWS__RA6_ST_DELAY);
        /* RFC 4861 §6.3.7: the first RS after a random 0..1 s */
        assert_true(h.o.wake >= start && h.o.wake <= start + S(1));
        for (n = 0; h.o.wake;) {
            h_fire(&h);
            if (h.o.send_rs) {
                assert_true(n < 3);
                sent[n++] = h.now;
            }
        }
        assert_int_equal(n, 3);
        /* then 4 s apart, and nothing after the third (plus 4 s) */
        assert_int_equal(sent[1] - sent[0], S(4));
        assert_int_equal(sent[2] - sent[1], S(4));
        assert_int_equal(h.now, sent[2] + S(4));
        assert_int_equal(h.c.state, LWS__RA6_ST_IDLE);
    }
}

/* An RS that could not leave (no source address during DAD) is retried
 * after LWS__RA6_RS_RETRY_MS and not counted, a bounded number of times. */
static void test_ra6_core_rs_not_sent_is_retried(void **state)
{
    lws_usec_t t = 0;
    struct h h;
    int tries = 0;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    h_fire(&h);
    assert_true(h.o.send_rs);
    lws__ra6_core_rs_failed(&h.c, h.now, &h.o);
    assert_int_equal(h.o.wake, h.now + MS(LWS__RA6_RS_RETRY_MS));
    assert_int_equal(h.c.rs_sent, 0);
    /* never able to send: every attempt fails */
    for (tries = 1; h.o.wake; h_fire(&h))
        if (h.o.send_rs) {
            t = h.now;
            lws__ra6_core_rs_failed(&h.c, h.now, &h.o);
            tries++;
        }
    /* RETRIES of them uncounted, then the 3 of RFC 4861 that count */
    assert_int_equal(tries, LWS__RA6_RS_RETRIES + 3);
    assert_int_equal(h.now, t + S(4));
    assert_int_equal(h.c.state, LWS__RA6_ST_IDLE);
}

/* A caller whose clock went past a pending RS gets it due now, never a
 * wake time in the past (found by the fuzzer). */
static void test_ra6_core_overdue_rs_is_due_now(void **state)
{
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    h.now += S(60);
    ra_hdr(&p, 0, 0); /* no router: soliciting goes on */
    h_rx(&h, &p);
    assert_int_equal(h.o.wake, h.now);
    h_fire(&h);
    assert_true(h.o.send_rs);
}

static void test_ra6_core_ra_ends_soliciting_and_learns(void **state)
{
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    h_fire(&h);
    assert_true(h.o.send_rs);
    h.now += MS(300);
    ra_full(&p);
    h_rx(&h, &p);
    assert_int_equal(h.c.state, LWS__RA6_ST_IDLE);
    assert_int_equal(h.o.changed, LWS__RA6_CH_ROUTERS | LWS__RA6_CH_RDNSS |
                                      LWS__RA6_CH_DNSSL | LWS__RA6_CH_PREFIXES |
                                      LWS__RA6_CH_CAPTIVE | LWS__RA6_CH_FLAGS);
    assert_int_equal(count(&h, LWS__RA6_CH_ROUTERS), 1);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 2);
    assert_int_equal(count(&h, LWS__RA6_CH_DNSSL), 2);
    assert_int_equal(count(&h, LWS__RA6_CH_PREFIXES), 1);
    assert_string_equal(h.c.captive, "https://portal.example/api");
    assert_int_equal(h.c.mtu, 1500);
    assert_int_equal(h.c.flags, LWS__RA6_F_MANAGED | LWS__RA6_F_OTHER);
    /* next event: the RDNSS lifetime (600 s), no more RS */
    assert_int_equal(h.o.wake, h.now + S(600));
    /* the same RA again changes nothing */
    h.now += S(1);
    h_rx(&h, &p);
    assert_int_equal(h.o.changed, 0);
    assert_false(h.o.send_rs);
}

static void test_ra6_core_rfc4861_checks(void **state)
{
    uint8_t global[16];
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    ra_full(&p);
    /* not started: ignored */
    h_rx(&h, &p);
    assert_int_equal(h.o.changed, 0);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    h_rx_from(&h, h.router, 254, &p); /* forwarded by someone */
    assert_int_equal(h.o.changed, 0);
    h_rx_from(&h, h.router, -1, &p); /* hop limit unknown */
    assert_int_equal(h.o.changed, 0);
    inet_pton(AF_INET6, "2001:db8::1", global);
    h_rx_from(&h, global, 255, &p); /* source not link-local */
    assert_int_equal(h.o.changed, 0);
    p.b[1] = 1; /* code 1 */
    h_rx(&h, &p);
    assert_int_equal(h.o.changed, 0);
    assert_int_equal(h.c.ras, 0);
    assert_int_equal(h.c.state, LWS__RA6_ST_DELAY);
}

static void test_ra6_core_lifetimes_expire(void **state)
{
    struct pkt p;
    struct h h;
    lws_usec_t t0;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    ra_hdr(&p, 0, 100);
    opt_rdnss(&p, 30, "2001:db8::53", NULL);
    opt_dnssl_raw(&p, 60, dnssl_two, sizeof(dnssl_two) - 1);
    opt_prefix(&p, "2001:db8:1::", 64, 0xc0, 200, 100);
    opt_captive(&p, "http://portal.example/");
    t0 = h.now;
    h_rx(&h, &p);
    assert_int_equal(h.o.wake, t0 + S(30));
    h_fire(&h);
    assert_int_equal(h.o.changed, LWS__RA6_CH_RDNSS);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 0);
    assert_int_equal(h.o.wake, t0 + S(60));
    h_fire(&h);
    assert_int_equal(h.o.changed, LWS__RA6_CH_DNSSL);
    assert_int_equal(h.o.wake, t0 + S(100));
    h_fire(&h); /* the router, and with the last one the portal URI */
    assert_int_equal(h.o.changed, LWS__RA6_CH_ROUTERS | LWS__RA6_CH_CAPTIVE);
    assert_string_equal(h.c.captive, "");
    assert_int_equal(h.o.wake, t0 + S(200));
    h_fire(&h);
    assert_int_equal(h.o.changed, LWS__RA6_CH_PREFIXES);
    assert_int_equal(h.o.wake, 0);
}

static void test_ra6_core_zero_and_infinite_lifetimes(void **state)
{
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    h.c.state = LWS__RA6_ST_IDLE; /* no RS timer in the way */
    ra_hdr(&p, 0, 0xffff);
    opt_rdnss(&p, 0xffffffff, "2001:db8::53", NULL);
    opt_prefix(&p, "2001:db8:1::", 64, 0xc0, 0xffffffff, 0xffffffff);
    h_rx(&h, &p);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 1);
    /* infinite RDNSS and prefix: only the router's 65535 s remain */
    assert_int_equal(h.o.wake, h.now + S(0xffff));
    h.now += S(1000000);
    lws__ra6_core_timer(&h.c, h.now, &h.o);
    assert_int_equal(h.o.changed, LWS__RA6_CH_ROUTERS);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 1);
    assert_int_equal(count(&h, LWS__RA6_CH_PREFIXES), 1);
    assert_int_equal(h.o.wake, 0);
    /* lifetime 0 removes (RFC 8106 §5.1, RFC 4861 §6.3.4) */
    ra_hdr(&p, 0, 0);
    opt_rdnss(&p, 0, "2001:db8::53", NULL);
    opt_prefix(&p, "2001:db8:1::", 64, 0xc0, 0, 0);
    h_rx(&h, &p);
    assert_int_equal(h.o.changed, LWS__RA6_CH_RDNSS | LWS__RA6_CH_PREFIXES);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 0);
    assert_int_equal(count(&h, LWS__RA6_CH_ROUTERS), 0);
}

static void test_ra6_core_refuses_hostile_dns_servers(void **state)
{
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    ra_hdr(&p, 0, 1800);
    opt_rdnss(&p, 600, "::1", "ff02::1");
    opt_rdnss(&p, 600, "::", "::ffff:127.0.0.1");
    h_rx(&h, &p);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 0);
    assert_int_equal(h.o.changed, LWS__RA6_CH_ROUTERS);
}

static void test_ra6_core_replaces_the_shortest_when_full(void **state)
{
    static const char *const srv[] = {"2001:db8::1", "2001:db8::2",
                                      "2001:db8::3", "2001:db8::4"};
    uint8_t five[16];
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    for (int i = 0; i < 4; i++) {
        ra_hdr(&p, 0, 1800);
        opt_rdnss(&p, (uint32_t)(100 + i * 100), srv[i], NULL);
        h_rx(&h, &p);
    }
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 4);
    /* shorter than all held: not taken */
    ra_hdr(&p, 0, 1800);
    opt_rdnss(&p, 50, "2001:db8::5", NULL);
    h_rx(&h, &p);
    assert_int_equal(h.o.changed, 0);
    /* longer: replaces ::1 (RFC 8106 §5.3.1) */
    ra_hdr(&p, 0, 1800);
    opt_rdnss(&p, 1000, "2001:db8::5", NULL);
    h_rx(&h, &p);
    assert_int_equal(h.o.changed, LWS__RA6_CH_RDNSS);
    inet_pton(AF_INET6, "2001:db8::5", five);
    for (int i = 0; i < LWS__RA6_RDNSS; i++)
        assert_string_not_equal(ip6s(h.c.rdnss[i].addr), "2001:db8::1");
    assert_memory_equal(h.c.rdnss[0].addr, five, 16);
}

static void test_ra6_core_addresses_and_usable(void **state)
{
    uint8_t a[16];
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    inet_pton(AF_INET6, "2001:db8:1::1234", a);
    lws__ra6_core_addr(&h.c, h.now, a, 64, false, &h.o);
    assert_int_equal(h.o.changed, LWS__RA6_CH_ADDRS);
    lws__ra6_core_addr(&h.c, h.now, a, 64, false, &h.o);
    assert_int_equal(h.o.changed, 0);
    assert_false(lws__ra6_core_usable(&h.c));
    ra_full(&p);
    h_rx(&h, &p);
    assert_true(lws__ra6_core_usable(&h.c));
    lws__ra6_core_addr(&h.c, h.now, a, 64, true, &h.o);
    assert_int_equal(h.o.changed, LWS__RA6_CH_ADDRS);
    assert_false(lws__ra6_core_usable(&h.c));
    /* more than kept: the rest are not reported */
    for (int i = 0; i < LWS__RA6_ADDRS + 2; i++) {
        a[15] = (uint8_t)i;
        lws__ra6_core_addr(&h.c, h.now, a, 64, false, &h.o);
    }
    assert_int_equal(count(&h, LWS__RA6_CH_ADDRS), LWS__RA6_ADDRS);
}

static void test_ra6_core_link_down_forgets(void **state)
{
    struct pkt p;
    struct h h;

    (void)state;
    h_init(&h);
    lws__ra6_core_start(&h.c, h.now, &h.o);
    ra_full(&p);
    h_rx(&h, &p);
    lws__ra6_core_stop(&h.c, h.now, &h.o);
    assert_int_equal(h.o.changed, LWS__RA6_CH_ROUTERS | LWS__RA6_CH_RDNSS |
                                      LWS__RA6_CH_DNSSL | LWS__RA6_CH_PREFIXES |
                                      LWS__RA6_CH_CAPTIVE | LWS__RA6_CH_FLAGS);
    assert_int_equal(h.o.wake, 0);
    assert_int_equal(h.c.state, LWS__RA6_ST_STOPPED);
    assert_int_equal(count(&h, LWS__RA6_CH_RDNSS), 0);
    assert_string_equal(lws__ra6_state_name(h.c.state), "STOPPED");
    assert_string_equal(lws__ra6_state_name(99), "?");
    /* back up: solicits again */
    lws__ra6_core_start(&h.c, h.now, &h.o);
    h_fire(&h);
    assert_true(h.o.send_rs);
}

/* ------------------------------------------------------------------------
 * API on a live context (no interface needed)
 */

static void test_ra6_api_arguments(void **state)
{
    struct lws_context_creation_info info;
    lws_dhcpc6_ifstate_t is;
    struct lws_context *cx;
    lws_sockaddr46 sa;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    assert_non_null(cx);
    assert_int_equal(lws_dhcpc6_request(cx, NULL), -EINVAL);
    assert_int_equal(lws_dhcpc6_request(cx, ""), -EINVAL);
    assert_int_equal(lws_dhcpc6_request(cx, "a-name-far-too-long0"), -EINVAL);
    assert_int_equal(lws_dhcpc6_request(NULL, "eth0"), -EINVAL);
    assert_int_equal(lws_dhcpc6_get_ifstate(cx, "nope0", &is), -ENOENT);
    assert_int_equal(lws_dhcpc6_get_ifstate(cx, NULL, &is), -EINVAL);
    assert_int_equal(lws_dhcpc6_request(cx, "lwsnone0"), 0);
    assert_int_equal(lws_dhcpc6_request(cx, "lwsnone0"), 0);
    assert_int_equal(lws_dhcpc6_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_string_equal(is.ifname, "lwsnone0");
    assert_int_equal(is.ra_state, LWS_DHCPC6_RA_STOPPED);
    assert_int_equal(lws_dhcpc6_status(cx, &sa), 0);
    lws_service(cx, 0); /* the first look: no such interface, no crash */
    assert_int_equal(lws_dhcpc6_remove(cx, "other0"), -ENOENT);
    assert_int_equal(lws_dhcpc6_remove(cx, NULL), 0);
    assert_int_equal(lws_dhcpc6_remove(cx, NULL), -ENOENT);
    assert_int_equal(lws_dhcpc6_request(cx, "lwsnone1"), 0);
    lws_context_destroy(cx); /* with one still requested */
}

/* Every allocation of context creation and lws_dhcpc6_request() failed
 * in turn: each failure is clean and leaks nothing. */
static void test_ra6_api_oom(void **state)
{
    size_t base = lws__heap_in_use();
    int ok = 0;

    (void)state;
    for (long n = 1; n < 200 && !ok; n++) {
        struct lws_context_creation_info info;
        struct lws_context *cx;
        int r;

        memset(&info, 0, sizeof(info));
        lws__alloc_fail_nth(n);
        cx = lws_create_context(&info);
        if (!cx) {
            lws__alloc_fail_nth(0);
            assert_int_equal(lws__heap_in_use(), base);
            continue;
        }
        r = lws_dhcpc6_request(cx, "lwsnone0");
        lws__alloc_fail_nth(0);
        if (!r) {
            lws_service(cx, 0);
            ok = 1;
        } else {
            assert_int_equal(r, -ENOMEM);
        }
        lws_context_destroy(cx);
        assert_int_equal(lws__heap_in_use(), base);
    }
    lws__alloc_fail_nth(0);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ra6_codec_parses_every_option),
        cmocka_unit_test(test_ra6_codec_drops_broken_messages),
        cmocka_unit_test(test_ra6_codec_drops_bad_options_alone),
        cmocka_unit_test(test_ra6_codec_limits_and_unknown_options),
        cmocka_unit_test(test_ra6_codec_rs_and_address_classes),
        cmocka_unit_test(test_ra6_core_solicits_with_rfc4861_timing),
        cmocka_unit_test(test_ra6_core_rs_not_sent_is_retried),
        cmocka_unit_test(test_ra6_core_overdue_rs_is_due_now),
        cmocka_unit_test(test_ra6_core_ra_ends_soliciting_and_learns),
        cmocka_unit_test(test_ra6_core_rfc4861_checks),
        cmocka_unit_test(test_ra6_core_lifetimes_expire),
        cmocka_unit_test(test_ra6_core_zero_and_infinite_lifetimes),
        cmocka_unit_test(test_ra6_core_refuses_hostile_dns_servers),
        cmocka_unit_test(test_ra6_core_replaces_the_shortest_when_full),
        cmocka_unit_test(test_ra6_core_addresses_and_usable),
        cmocka_unit_test(test_ra6_core_link_down_forgets),
        cmocka_unit_test(test_ra6_api_arguments),
        cmocka_unit_test(test_ra6_api_oom),
    };

    return cmocka_run_group_tests_name("ra6", tests, NULL, NULL);
}
