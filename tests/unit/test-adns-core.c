/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The resolver's pure core (adns-core.c) on its own: the outcome of a
 * lookup's questions, the cache policy, and the server order with
 * demotions expiring on a virtual clock.  No loop, no c-ares.
 */
#define _GNU_SOURCE
#include "async-dns/private-adns-pure.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#define S(x) ((lws_usec_t)(x)*LWS_US_PER_SEC)

/* Answers the rows below point at. */
static struct lws__adns_answer a4, a6, soa, nosoa;

static void answers(void)
{
    memset(&a4, 0, sizeof(a4));
    a4.naddr = 2;
    a4.ttl = 300;
    memcpy(a4.addr[0], "\x0a\x00\x00\x01", 4);
    memcpy(a4.addr[1], "\x0a\x00\x00\x02", 4);
    strcpy(a4.canon, "example.com");
    a6 = a4;
    a6.naddr = 1;
    a6.ttl = 120;
    memset(a6.addr[0], 0, 16);
    a6.addr[0][0] = 0x20;
    a6.addr[0][15] = 1;
    memset(&soa, 0, sizeof(soa));
    soa.has_soa = true;
    soa.neg_ttl = 60;
    memset(&nosoa, 0, sizeof(nosoa));
}

#define Q(t, st, an)                                                           \
    {                                                                          \
        LWS__ADNS_T_##t, LADNS_RET_##st, &(an)                                 \
    }

static void test_adns_core_outcome(void **state)
{
    static const struct {
        const char *what;
        struct lws__adns_qres q[2];
        int n, status, count; /* count: addresses in the chain */
    } rows[] = {
        {"A and AAAA",
         {Q(A, FOUND, a4), Q(AAAA, FOUND, a6)},
         2,
         LADNS_RET_FOUND,
         3},
        {"A only",
         {Q(A, FOUND, a4), Q(AAAA, NODATA, soa)},
         2,
         LADNS_RET_FOUND,
         2},
        {"AAAA only, A timed out",
         {Q(A, TIMEDOUT, nosoa), Q(AAAA, FOUND, a6)},
         2,
         LADNS_RET_FOUND,
         1},
        {"NXDOMAIN beats NODATA",
         {Q(A, NXDOMAIN, soa), Q(AAAA, NODATA, soa)},
         2,
         LADNS_RET_NXDOMAIN,
         0},
        {"NODATA from both",
         {Q(A, NODATA, soa), Q(AAAA, NODATA, nosoa)},
         2,
         LADNS_RET_NODATA,
         0},
        {"NODATA and a timeout",
         {Q(A, NODATA, soa), Q(AAAA, TIMEDOUT, nosoa)},
         2,
         LADNS_RET_TIMEDOUT,
         0},
        {"failure and NODATA",
         {Q(A, FAILED, nosoa), Q(AAAA, NODATA, soa)},
         2,
         LADNS_RET_FAILED,
         0},
        {"CNAME", {Q(CNAME, NODATA, soa)}, 1, LADNS_RET_NODATA, 0},
    };

    (void)state;
    answers();
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct lws__adns_res *res = (void *)1;
        int st = lws__adns_core_outcome(rows[i].q, rows[i].n, &res);

        if (st != rows[i].status)
            fail_msg("%s: status %d, expected %d", rows[i].what, st,
                     rows[i].status);
        if (!rows[i].count) {
            assert_null(res);
            continue;
        }
        assert_non_null(res);
        assert_int_equal(res->count, rows[i].count);
        /* IPv4 first, in answer order */
        if (rows[i].q[0].status == LADNS_RET_FOUND) {
            assert_int_equal(res->ai[0].ai_family, AF_INET);
            assert_memory_equal(
                &((struct sockaddr_in *)res->ai[0].ai_addr)->sin_addr,
                a4.addr[0], 4);
        } else
            assert_int_equal(res->ai[0].ai_family, AF_INET6);
        assert_string_equal(res->ai[0].ai_canonname, "example.com");
        lws__adns_res_unref(res);
    }
}

static void test_adns_core_cache_ttl(void **state)
{
    static const struct {
        const char *what;
        struct lws__adns_qres q[2];
        int n, status;
        uint32_t min, max, neg_max, ttl;
    } rows[] = {
        {"positive: minimum of the families",
         {Q(A, FOUND, a4), Q(AAAA, FOUND, a6)},
         2,
         LADNS_RET_FOUND,
         0,
         86400,
         3600,
         120},
        {"positive: raised to the floor",
         {Q(A, FOUND, a4), Q(AAAA, FOUND, a6)},
         2,
         LADNS_RET_FOUND,
         600,
         86400,
         3600,
         600},
        {"positive: cut to the ceiling",
         {Q(A, FOUND, a4), Q(AAAA, FOUND, a6)},
         2,
         LADNS_RET_FOUND,
         0,
         100,
         3600,
         100},
        {"positive beside NODATA with SOA",
         {Q(A, FOUND, a4), Q(AAAA, NODATA, soa)},
         2,
         LADNS_RET_FOUND,
         0,
         86400,
         3600,
         60},
        {"positive beside NODATA without SOA",
         {Q(A, FOUND, a4), Q(AAAA, NODATA, nosoa)},
         2,
         LADNS_RET_FOUND,
         0,
         86400,
         3600,
         300},
        {"negative with SOA",
         {Q(A, NXDOMAIN, soa), Q(AAAA, NXDOMAIN, soa)},
         2,
         LADNS_RET_NXDOMAIN,
         0,
         86400,
         3600,
         60},
        {"negative with SOA, capped",
         {Q(A, NODATA, soa), Q(AAAA, NODATA, soa)},
         2,
         LADNS_RET_NODATA,
         0,
         86400,
         30,
         30},
        {"negative without SOA: not cached",
         {Q(A, NXDOMAIN, nosoa), Q(AAAA, NXDOMAIN, soa)},
         2,
         LADNS_RET_NXDOMAIN,
         0,
         86400,
         3600,
         0},
        {"a family timed out: not cached",
         {Q(A, FOUND, a4), Q(AAAA, TIMEDOUT, nosoa)},
         2,
         LADNS_RET_FOUND,
         0,
         86400,
         3600,
         0},
        {"a family failed: not cached",
         {Q(A, FAILED, nosoa), Q(AAAA, NODATA, soa)},
         2,
         LADNS_RET_FAILED,
         0,
         86400,
         3600,
         0},
    };

    (void)state;
    answers();
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint32_t t =
            lws__adns_core_cache_ttl(rows[i].q, rows[i].n, rows[i].status,
                                     rows[i].min, rows[i].max, rows[i].neg_max);

        if (t != rows[i].ttl)
            fail_msg("%s: %u s, expected %u s", rows[i].what, t, rows[i].ttl);
    }
    /* TTL 0 means use once (RFC 1035 §3.2.1): not cached, even with a
     * floor of 0 */
    a4.ttl = 0;
    {
        struct lws__adns_qres q[1] = {Q(A, FOUND, a4)};

        assert_int_equal(
            lws__adns_core_cache_ttl(q, 1, LADNS_RET_FOUND, 0, 86400, 3600), 0);
    }
}

static lws_sockaddr46 v4(const char *a, uint16_t port)
{
    lws_sockaddr46 sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa4.sin_family = AF_INET;
    sa.sa4.sin_port = htons(port);
    assert_int_equal(inet_pton(AF_INET, a, &sa.sa4.sin_addr), 1);
    return sa;
}

/* @out[0..n) are, in order, @want (dotted quads). */
static void order_is(struct lws__adns_servers *s, const char *const *want,
                     int n)
{
    lws_sockaddr46 out[8];
    char txt[64];

    assert_int_equal(lws__adns_core_servers(s, 0, NULL, 0, NULL), n);
    assert_int_equal(lws__adns_core_servers(s, 0, out, 8, NULL), n);
    for (int i = 0; i < n; i++) {
        inet_ntop(AF_INET, &out[i].sa4.sin_addr, txt, sizeof(txt));
        if (strcmp(txt, want[i]))
            fail_msg("server %d is %s, expected %s", i, txt, want[i]);
    }
}

static void test_adns_core_servers(void **state)
{
    static const char *const resolv[] = {"10.0.0.9"};
    static const char *const all[] = {"10.0.0.1", "10.0.0.2", "10.0.1.1"};
    static const char *const a_last[] = {"10.0.0.2", "10.0.1.1", "10.0.0.1"};
    static const char *const two_last[] = {"10.0.1.1", "10.0.0.1", "10.0.0.2"};
    struct lws__adns_servers s;
    lws_sockaddr46 out[2], x, explicit_srv[LWS__ADNS_MAX_SERVERS];
    struct lws__adns_dhcp dhcp[LWS__ADNS_DHCP_IFACES];
    lws_usec_t now = S(1000); /* virtual clock */
    uint32_t gen;

    (void)state;
    memset(&s, 0, sizeof(s));
    memset(dhcp, 0, sizeof(dhcp));
    s.port = 53;
    s.resolv_srv[s.nresolv++] = v4("10.0.0.9", 0);
    order_is(&s, resolv, 1); /* only resolv.conf */

    s.explicit_srv = explicit_srv; /* the glue allocates these on first use */
    s.dhcp = dhcp;
    s.explicit_srv[s.nexplicit++] = v4("10.0.0.1", 0);
    s.explicit_srv[s.nexplicit++] = v4("10.0.0.2", 53);
    s.dhcp[2].sa[s.dhcp[2].n++] = v4("10.0.1.1", 0);
    s.ndhcp_total = 1;
    order_is(&s, all, 3); /* resolv.conf only when nothing else */

    /* A failure of 10.0.0.1 sends it last; port 0 is the default. */
    gen = s.server_gen;
    x = v4("10.0.0.1", 53);
    assert_true(lws__adns_core_server_fail(&s, now, &x));
    assert_false(lws__adns_core_server_fail(&s, now, &s.explicit_srv[0]));
    assert_int_equal(s.server_gen, gen + 1);
    order_is(&s, a_last, 3);
    assert_true(lws__adns_core_server_fail(&s, now, &s.explicit_srv[1]));
    order_is(&s, two_last, 3); /* the dead keep their own order */

    /* Output is cut at @max before the dead go last (the glue asks with
     * room for every server). */
    assert_int_equal(lws__adns_core_servers(&s, 0, out, 2, NULL), 2);
    assert_true(lws__adns_core_sa_eq(&out[0], &s.explicit_srv[0], 53));
    assert_true(lws__adns_core_sa_eq(&out[1], &s.explicit_srv[1], 53));

    /* An answer brings a server back at once. */
    assert_true(lws__adns_core_server_ok(&s, now, &x, 1000));
    assert_false(lws__adns_core_server_ok(&s, now, &x, 1000));
    {
        static const char *const b_last[] = {"10.0.0.1", "10.0.1.1",
                                             "10.0.0.2"};

        order_is(&s, b_last, 3);
    }

    /* Slots are bounded: the least recently heard of is forgotten. */
    for (int i = 0; i < LWS__ADNS_HEALTH_MAX; i++) {
        char a[16];

        snprintf(a, sizeof(a), "10.9.0.%d", i + 1);
        x = v4(a, 0);
        assert_true(lws__adns_core_server_fail(&s, now + i + 1, &x));
    }
    assert_null(lws__adns_core_health(&s, &s.explicit_srv[1]));
    order_is(&s, all, 3);
    lws__free(s.health);
}

/* Server health on a virtual clock: one table of events against two
 * servers A (10.0.0.1) and B (10.0.0.2), each row checked after it. */
enum { H_OK, H_FAIL, H_TICK, H_ORDER };
struct hstep {
    int t_ms;          /* virtual time */
    int op;            /* H_* */
    int srv;           /* 0 = A, 1 = B */
    int rtt_us;        /* H_OK: the sample (-1 unknown) */
    bool changed;      /* H_OK/H_FAIL: order changed; H_TICK: gen bumped */
    const char *first; /* H_ORDER: "A" or "B" first */
    bool probe;        /* H_ORDER: the list carries a probe */
    int rto_a;         /* A's try timeout after the row (ms, max 500) */
};

static void test_adns_core_health(void **state)
{
    static const struct hstep steps[] = {
        /* unknown: the configured maximum, A first */
        {0, H_ORDER, 0, 0, false, "A", false, 500},
        /* first sample 10 ms: srtt 10, rttvar 5 -> 30 ms, floored */
        {1, H_OK, 0, 10000, false, NULL, false, 250},
        /* samples near 100 ms move SRTT by 1/8 each time */
        {2, H_OK, 0, 100000, false, NULL, false, 250},
        {3, H_OK, 0, 100000, false, NULL, false, 250},
        {4, H_OK, 0, 100000, false, NULL, false, 250},
        {5, H_OK, 0, 200000, false, NULL, false, 361},
        /* A silent: a timeout sends it down, B goes first */
        {100, H_FAIL, 0, 0, true, NULL, false, 500},
        /* the other questions already out on it fail too: counted once */
        {150, H_FAIL, 0, 0, false, NULL, false, 500},
        {200, H_ORDER, 0, 0, false, "B", false, 500},
        /* its probe is due 1 s after: the tick bumps the generation once */
        {1099, H_TICK, 0, 0, false, NULL, false, 500},
        {1100, H_TICK, 0, 0, true, NULL, false, 500},
        {1150, H_TICK, 0, 0, false, NULL, false, 500},
        /* one list carries the probe (A first), the next ones do not */
        {1200, H_ORDER, 0, 0, false, "A", true, 500},
        {1210, H_ORDER, 0, 0, false, "B", false, 500},
        /* the probe times out: back-off 2 s */
        {1700, H_FAIL, 0, 0, false, NULL, false, 500},
        {3600, H_ORDER, 0, 0, false, "B", false, 500},
        {3700, H_ORDER, 0, 0, false, "A", true, 500},
        /* and again: 4 s, 8 s, 16 s, then capped at 30 s */
        {4200, H_FAIL, 0, 0, false, NULL, false, 500},
        {8100, H_ORDER, 0, 0, false, "B", false, 500},
        {8200, H_ORDER, 0, 0, false, "A", true, 500},
        {8700, H_FAIL, 0, 0, false, NULL, false, 500},
        {16700, H_ORDER, 0, 0, false, "A", true, 500},
        {17200, H_FAIL, 0, 0, false, NULL, false, 500},
        {33200, H_ORDER, 0, 0, false, "A", true, 500},
        {33700, H_FAIL, 0, 0, false, NULL, false, 500},
        {63600, H_ORDER, 0, 0, false, "B", false, 500},
        {63700, H_ORDER, 0, 0, false, "A", true, 500},
        /* the probe is answered: A is up and first again, its old
         * estimate kept */
        {63701, H_OK, 0, 90000, true, NULL, false, 320},
        {63800, H_ORDER, 0, 0, false, "A", false, 320},
        /* both down: configured order, the first due probe first */
        {70000, H_FAIL, 0, 0, true, NULL, false, 500},
        {70001, H_FAIL, 1, 0, true, NULL, false, 500},
        {70500, H_ORDER, 0, 0, false, "A", false, 500},
        {71001, H_ORDER, 0, 0, false, "A", true, 500},
        {71002, H_ORDER, 0, 0, false, "B", true, 500},
        {71003, H_ORDER, 0, 0, false, "A", false, 500},
        /* SERVFAIL-style failure and an answer without a sample */
        {71500, H_OK, 1, -1, true, NULL, false, 500},
        {71501, H_ORDER, 0, 0, false, "B", false, 500},
    };
    struct lws__adns_servers s;
    lws_sockaddr46 explicit_srv[LWS__ADNS_MAX_SERVERS], out[2], sv[2];
    uint32_t gen;
    bool probe, r;

    (void)state;
    memset(&s, 0, sizeof(s));
    s.port = 53;
    s.explicit_srv = explicit_srv;
    sv[0] = s.explicit_srv[s.nexplicit++] = v4("10.0.0.1", 0);
    sv[1] = s.explicit_srv[s.nexplicit++] = v4("10.0.0.2", 0);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        const struct hstep *st = &steps[i];
        lws_usec_t now = S(1000) + (lws_usec_t)st->t_ms * 1000;

        gen = s.server_gen;
        switch (st->op) {
        case H_OK:
            r = lws__adns_core_server_ok(&s, now, &sv[st->srv], st->rtt_us);
            if (r != st->changed)
                fail_msg("row %zu: ok changed %d", i, r);
            break;
        case H_FAIL:
            r = lws__adns_core_server_fail(&s, now, &sv[st->srv]);
            if (r != st->changed)
                fail_msg("row %zu: fail changed %d", i, r);
            break;
        case H_TICK:
            lws__adns_core_health_tick(&s, now);
            if ((s.server_gen != gen) != st->changed)
                fail_msg("row %zu: tick gen %u -> %u", i, gen, s.server_gen);
            break;
        default:
            assert_int_equal(lws__adns_core_servers(&s, now, out, 2, &probe),
                             2);
            if (probe != st->probe ||
                !lws__adns_core_sa_eq(&out[0], &sv[*st->first == 'B'], 53) ||
                !lws__adns_core_sa_eq(&out[1], &sv[*st->first != 'B'], 53))
                fail_msg("row %zu: order/probe wrong (probe %d)", i, probe);
            break;
        }
        if (lws__adns_core_rto_ms(&s, &sv[0], 500) != st->rto_a)
            fail_msg("row %zu: rto %d, expected %d", i,
                     lws__adns_core_rto_ms(&s, &sv[0], 500), st->rto_a);
    }
    /* the maximum below the floor wins */
    assert_int_equal(lws__adns_core_rto_ms(&s, &sv[0], 100), 100);
    lws__free(s.health);
}

static void test_adns_core_sa_eq(void **state)
{
    lws_sockaddr46 a = v4("192.0.2.1", 0), b = v4("192.0.2.1", 53),
                   c = v4("192.0.2.1", 5353), d = v4("192.0.2.2", 53);

    (void)state;
    assert_true(lws__adns_core_sa_eq(&a, &b, 53));
    assert_false(lws__adns_core_sa_eq(&a, &b, 5353));
    assert_false(lws__adns_core_sa_eq(&b, &c, 53));
    assert_false(lws__adns_core_sa_eq(&b, &d, 53));
    memset(&d, 0, sizeof(d));
    d.sa6.sin6_family = AF_INET6;
    assert_false(lws__adns_core_sa_eq(&b, &d, 53));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adns_core_outcome),
        cmocka_unit_test(test_adns_core_cache_ttl),
        cmocka_unit_test(test_adns_core_servers),
        cmocka_unit_test(test_adns_core_health),
        cmocka_unit_test(test_adns_core_sa_eq),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
