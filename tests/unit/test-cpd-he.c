/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Unit tests of Happy Eyeballs v2 in the CPD client (pure core): RFC 6724
 * destination ordering (rules 1, 2, 5, 6, 8, 9 with the default policy
 * table), the family interleaving of RFC 8305 section 4, and the race on a
 * virtual clock: the head start, the alternation with the connection
 * attempt delay, a fast failure starting the next attempt at once, every
 * attempt failing, a black-holed IPv6 address losing to IPv4 250 ms in,
 * and the hedged connects: a connect unanswered for conn_ms keeps running
 * while a fresh one starts beside it (bounded), none on a healthy link.
 */
#include "private-cpd-he.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define MS(x) ((lws_usec_t)(x)*LWS_US_PER_MS)

static void cand(struct lws__cpd_he_cand *c, const char *dst, const char *src)
{
    memset(c, 0, sizeof(*c));
    assert_int_equal(lws_sa46_parse_numeric(&c->dst, dst), 0);
    if (src)
        assert_int_equal(lws_sa46_parse_numeric(&c->src, src), 0);
}

static const char *ad(const lws_sockaddr46 *sa, char *buf)
{
    lws_sa46_write_numeric_address(sa, buf, 64);
    return buf;
}

static void expect_order(const struct lws__cpd_he_cand *c, int n,
                         const char *const *want)
{
    char b[64];

    for (int i = 0; i < n; i++)
        assert_string_equal(ad(&c[i].dst, b), want[i]);
}

static void test_he_rfc6724_rules(void **state)
{
    struct lws__cpd_he_cand c[4];
    (void)state;

    /* rule 1: a destination without a source goes last */
    cand(&c[0], "2001:db8::1", NULL);
    cand(&c[1], "192.0.2.1", "192.0.2.100");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2, (const char *const[]){"192.0.2.1", "2001:db8::1"});

    /* rule 6: global IPv6 (precedence 40) before IPv4 (35) */
    cand(&c[0], "198.51.100.1", "198.51.100.7");
    cand(&c[1], "2001:db8::1", "2001:db8::99");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2, (const char *const[]){"2001:db8::1", "198.51.100.1"});

    /* rule 2: matching scope wins over precedence (RFC 6724 section 10.2:
     * a link-local-only IPv6 source for a global destination) */
    cand(&c[0], "2001:db8::1", "fe80::1");
    cand(&c[1], "198.51.100.1", "198.51.100.7");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2, (const char *const[]){"198.51.100.1", "2001:db8::1"});

    /* rule 6 again: ULA (precedence 3) after IPv4 (35), 6to4 (30) after
     * IPv4, native before 6to4 */
    cand(&c[0], "fd00::1", "fd00::2");
    cand(&c[1], "2002:c000:201::1", "2002:c000:202::1");
    cand(&c[2], "10.1.1.1", "10.1.1.2");
    cand(&c[3], "2001:db8:1::1", "2001:db8:1::2");
    lws__cpd_rfc6724_sort(c, 4);
    expect_order(c, 4,
                 (const char *const[]){"2001:db8:1::1", "10.1.1.1",
                                       "2002:c000:201::1", "fd00::1"});

    /* rule 5: matching label (6to4 source for a 6to4 destination) before
     * a native destination reached from a 6to4 source */
    cand(&c[0], "2001:db8::1", "2002:c000:202::1");
    cand(&c[1], "2002:c000:201::1", "2002:c000:202::1");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2,
                 (const char *const[]){"2002:c000:201::1", "2001:db8::1"});

    /* rule 8: smaller scope first (link-local before global IPv4) */
    cand(&c[0], "198.51.100.1", "198.51.100.7");
    cand(&c[1], "169.254.1.1", "169.254.9.9");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2, (const char *const[]){"169.254.1.1", "198.51.100.1"});

    /* rule 9: the longer common prefix with the source first */
    cand(&c[0], "2001:db8:ffff::1", "2001:db8:1::9");
    cand(&c[1], "2001:db8:1::1", "2001:db8:1::9");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2,
                 (const char *const[]){"2001:db8:1::1", "2001:db8:ffff::1"});

    /* rule 10: otherwise the resolver's order stays (stable) */
    cand(&c[0], "198.51.100.2", "198.51.100.7");
    cand(&c[1], "198.51.100.1", "198.51.100.7");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2, (const char *const[]){"198.51.100.2", "198.51.100.1"});
    /* loopback ::1 (precedence 50) before 127.0.0.1 */
    cand(&c[0], "127.0.0.1", "127.0.0.1");
    cand(&c[1], "::1", "::1");
    lws__cpd_rfc6724_sort(c, 2);
    expect_order(c, 2, (const char *const[]){"::1", "127.0.0.1"});
}

static void test_he_interleave(void **state)
{
    struct lws__cpd_he_cand c[6];
    lws_sockaddr46 o[6];
    char b[64];
    (void)state;

    cand(&c[0], "2001:db8::1", "2001:db8::9");
    cand(&c[1], "2001:db8::2", "2001:db8::9");
    cand(&c[2], "2001:db8::3", "2001:db8::9");
    cand(&c[3], "192.0.2.1", "192.0.2.9");
    cand(&c[4], "192.0.2.2", "192.0.2.9");
    cand(&c[5], "198.51.100.1", NULL); /* unusable: left out */
    lws__cpd_rfc6724_sort(c, 6);
    assert_int_equal(lws__cpd_he_interleave(c, 6, o), 5);
    assert_string_equal(ad(&o[0], b), "2001:db8::1");
    assert_string_equal(ad(&o[1], b), "192.0.2.1");
    assert_string_equal(ad(&o[2], b), "2001:db8::2");
    assert_string_equal(ad(&o[3], b), "192.0.2.2");
    assert_string_equal(ad(&o[4], b), "2001:db8::3");

    /* one family only */
    assert_int_equal(lws__cpd_he_interleave(c + 3, 2, o), 2);
    assert_string_equal(ad(&o[1], b), "192.0.2.2");
    /* nothing usable */
    assert_int_equal(lws__cpd_he_interleave(c + 5, 1, o), 0);
}

/* Head start, then one attempt per step, until one connects. */
static void test_he_race_head_start_and_alternation(void **state)
{
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    lws_usec_t t0 = MS(1000);
    (void)state;

    lws__cpd_he_start(&he, t0, 4, 250, 100, 0, &o);
    assert_int_equal(o.start, 0);
    assert_int_equal(o.wake_at, t0 + MS(250)); /* the head start */
    /* an early timer does nothing */
    lws__cpd_he_timer(&he, t0 + MS(249), &o);
    assert_int_equal(o.start, -1);
    assert_int_equal(o.wake_at, t0 + MS(250));
    lws__cpd_he_timer(&he, t0 + MS(250), &o);
    assert_int_equal(o.start, 1);
    assert_int_equal(o.wake_at, t0 + MS(350)); /* then the step */
    lws__cpd_he_timer(&he, t0 + MS(350), &o);
    assert_int_equal(o.start, 2);
    assert_int_equal(o.wake_at, t0 + MS(450));
    /* attempt 1 connects: it wins, 0 and 2 are closed, 3 never starts */
    lws__cpd_he_connected(&he, t0 + MS(400), 1, &o);
    assert_int_equal(o.won, 1);
    assert_int_equal(o.close, (1u << 0) | (1u << 2));
    assert_int_equal(o.wake_at, 0);
    lws__cpd_he_timer(&he, t0 + MS(450), &o);
    assert_int_equal(o.start, -1);
    /* a late connect of a loser changes nothing */
    lws__cpd_he_connected(&he, t0 + MS(460), 0, &o);
    assert_int_equal(o.won, -1);
    assert_int_equal(o.close, 0);
}

/* A refused connect starts the next attempt at once, not after the delay. */
static void test_he_race_fast_failure(void **state)
{
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    (void)state;

    lws__cpd_he_start(&he, MS(0), 3, 250, 250, 0, &o);
    assert_int_equal(o.start, 0);
    lws__cpd_he_failed(&he, MS(3), 0, &o);
    assert_int_equal(o.start, 1);
    assert_false(o.failed);
    assert_int_equal(o.wake_at, MS(253)); /* the step counts from now */
    lws__cpd_he_connected(&he, MS(5), 1, &o);
    assert_int_equal(o.won, 1);
    assert_int_equal(o.close, 0);
    /* a failure report for an attempt that is not running is ignored */
    lws__cpd_he_failed(&he, MS(6), 0, &o);
    assert_int_equal(o.start, -1);
    assert_false(o.failed);
}

static void test_he_race_all_fail(void **state)
{
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    (void)state;

    lws__cpd_he_start(&he, MS(0), 2, 250, 250, 0, &o);
    lws__cpd_he_timer(&he, MS(250), &o);
    assert_int_equal(o.start, 1);
    assert_int_equal(o.wake_at, 0); /* nothing more to start */
    lws__cpd_he_failed(&he, MS(300), 1, &o);
    assert_int_equal(o.start, -1);
    assert_false(o.failed); /* attempt 0 still runs */
    lws__cpd_he_failed(&he, MS(900), 0, &o);
    assert_true(o.failed);
    /* no addresses at all */
    lws__cpd_he_start(&he, MS(0), 0, 250, 250, 0, &o);
    assert_true(o.failed);
    assert_int_equal(o.start, -1);
}

/* IPv6 first in the sorted, interleaved list; its SYNs vanish; IPv4 starts
 * at the end of the head start and connects: IPv6 is closed. */
static void test_he_race_v6_blackholed(void **state)
{
    struct lws__cpd_he_cand c[2];
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    lws_sockaddr46 a[2];
    lws_usec_t t0 = MS(5000);
    (void)state;

    cand(&c[0], "192.0.2.1", "192.0.2.9");
    cand(&c[1], "2001:db8::1", "2001:db8::9");
    lws__cpd_rfc6724_sort(c, 2);
    assert_int_equal(lws__cpd_he_interleave(c, 2, a), 2);
    assert_int_equal(a[0].sa4.sin_family, AF_INET6);
    lws__cpd_he_start(&he, t0, 2, LWS__CPD_DEF_HE_HEAD_MS,
                      LWS__CPD_DEF_HE_STEP_MS, 0, &o);
    assert_int_equal(o.start, 0);
    assert_int_equal(o.wake_at, t0 + MS(250));
    lws__cpd_he_timer(&he, o.wake_at, &o);
    assert_int_equal(o.start, 1);
    assert_int_equal(a[1].sa4.sin_family, AF_INET);
    lws__cpd_he_connected(&he, t0 + MS(251), 1, &o);
    assert_int_equal(o.won, 1);
    assert_int_equal(o.close, 1u << 0); /* the IPv6 attempt is closed */
}

/* A connect unanswered for conn_ms brings the next address forward, but
 * keeps running: a late answer to it still wins. */
static void test_he_race_connect_late(void **state)
{
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    (void)state;

    lws__cpd_he_start(&he, MS(0), 3, 250, 250, 100, &o);
    assert_int_equal(o.start, 0);
    assert_int_equal(o.wake_at, MS(100)); /* before the head start ends */
    lws__cpd_he_timer(&he, MS(100), &o);
    assert_int_equal(o.close, 0); /* address 1 starts, 0 keeps going */
    assert_int_equal(o.start, 1);
    assert_int_equal(he.addr[1], 1);
    assert_false(o.failed);
    assert_int_equal(o.wake_at, MS(200));
    lws__cpd_he_timer(&he, MS(200), &o);
    assert_int_equal(o.close, 0);
    assert_int_equal(o.start, 2);
    assert_int_equal(he.addr[2], 2);
    /* every address runs: the next is a hedge, conn_ms later */
    assert_int_equal(o.wake_at, MS(300));
    /* the first connect's SYN-ACK comes at last: it wins */
    lws__cpd_he_connected(&he, MS(250), 0, &o);
    assert_int_equal(o.won, 0);
    assert_int_equal(o.close, (1u << 1) | (1u << 2));
    assert_int_equal(o.wake_at, 0);
    lws__cpd_he_timer(&he, MS(300), &o);
    assert_int_equal(o.start, -1);

    /* the last address fails first; the silent one before it still runs,
     * and gets the hedges (the failed address gets none) */
    lws__cpd_he_start(&he, MS(0), 2, 250, 250, 300, &o);
    lws__cpd_he_timer(&he, MS(250), &o);
    assert_int_equal(o.start, 1);
    lws__cpd_he_failed(&he, MS(251), 1, &o);
    assert_false(o.failed);
    assert_int_equal(o.wake_at, MS(550)); /* 300 after the latest start */
    lws__cpd_he_timer(&he, MS(550), &o);
    assert_int_equal(o.close, 0);
    assert_int_equal(o.start, 2);
    assert_int_equal(he.addr[2], 0);
    lws__cpd_he_failed(&he, MS(600), 0, &o);
    assert_false(o.failed);         /* its hedge still runs */
    assert_int_equal(o.wake_at, 0); /* no live address left to hedge */
    lws__cpd_he_failed(&he, MS(700), 2, &o);
    assert_true(o.failed);
}

/* One address on a lossy link: its SYN (or the SYN-ACK) is lost.  A fresh
 * connect starts every conn_ms beside the running ones, up to
 * LWS__CPD_HE_HEDGES of them; the first that connects wins, an older one
 * as well as a newer one. */
static void test_he_race_hedge_single_address(void **state)
{
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    lws_usec_t t0 = MS(7000);
    (void)state;

    lws__cpd_he_start(&he, t0, 1, 250, 250, 1000, &o);
    assert_int_equal(o.start, 0);
    assert_int_equal(o.wake_at, t0 + MS(1000)); /* no head start: alone */
    lws__cpd_he_timer(&he, t0 + MS(999), &o);
    assert_int_equal(o.start, -1);
    assert_int_equal(o.wake_at, t0 + MS(1000));
    for (int k = 1; k <= LWS__CPD_HE_HEDGES; k++) {
        lws__cpd_he_timer(&he, t0 + MS(1000) * k, &o);
        assert_int_equal(o.start, k);
        assert_int_equal(he.addr[k], 0); /* the same address again */
        assert_int_equal(o.close, 0);    /* the older ones keep going */
        assert_int_equal(he.running, k + 1);
        assert_int_equal(o.wake_at, k < LWS__CPD_HE_HEDGES
                                        ? t0 + MS(1000) * (k + 1)
                                        : 0); /* no more hedges */
    }
    /* the second connect answers first: the others close */
    lws__cpd_he_connected(&he, t0 + MS(3500), 1, &o);
    assert_int_equal(o.won, 1);
    assert_int_equal(o.close, 0xfu & ~(1u << 1));
    assert_int_equal(o.wake_at, 0);
    lws__cpd_he_connected(&he, t0 + MS(3600), 0, &o);
    assert_int_equal(o.won, -1);

    /* the original connect is answered just after the first hedge began */
    lws__cpd_he_start(&he, t0, 1, 250, 250, 1000, &o);
    lws__cpd_he_timer(&he, t0 + MS(1000), &o);
    assert_int_equal(o.start, 1);
    lws__cpd_he_connected(&he, t0 + MS(1010), 0, &o);
    assert_int_equal(o.won, 0);
    assert_int_equal(o.close, 1u << 1);
}

/* A healthy network: each connect answers well within conn_ms, so no
 * hedge ever starts; a refused address gets no hedge either. */
static void test_he_race_hedge_quiet_when_healthy(void **state)
{
    struct lws__cpd_he he;
    struct lws__cpd_he_out o;
    int started = 0;
    (void)state;

    for (int run = 0; run < 100; run++) {
        lws_usec_t t0 = MS(10000) * run, now = t0;

        lws__cpd_he_start(&he, t0, 1, 250, 250, 1000, &o);
        started += o.start >= 0;
        /* timers that fire early (a loop wakes for other reasons) */
        for (int t = 0; t < 5; t++) {
            now += MS(1) + MS(run % 7);
            lws__cpd_he_timer(&he, now, &o);
            started += o.start >= 0;
        }
        lws__cpd_he_connected(&he, now + MS(1), 0, &o);
        assert_int_equal(o.won, 0);
        assert_int_equal(o.close, 0);
        lws__cpd_he_timer(&he, now + MS(5000), &o);
        started += o.start >= 0;
    }
    assert_int_equal(started, 100); /* one connect per race */

    lws__cpd_he_start(&he, MS(0), 1, 250, 250, 1000, &o);
    lws__cpd_he_failed(&he, MS(2), 0, &o); /* refused */
    assert_true(o.failed);
    assert_int_equal(o.start, -1);
    assert_int_equal(o.wake_at, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_he_rfc6724_rules),
        cmocka_unit_test(test_he_interleave),
        cmocka_unit_test(test_he_race_head_start_and_alternation),
        cmocka_unit_test(test_he_race_fast_failure),
        cmocka_unit_test(test_he_race_all_fail),
        cmocka_unit_test(test_he_race_v6_blackholed),
        cmocka_unit_test(test_he_race_connect_late),
        cmocka_unit_test(test_he_race_hedge_single_address),
        cmocka_unit_test(test_he_race_hedge_quiet_when_healthy),
    };

    return cmocka_run_group_tests_name("cpd-he", tests, NULL, NULL);
}
