/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Unit tests of captive-portal detection: the HTTP client codec (URL,
 * request, status line and header fields, body framing, chunked), the
 * sans-I/O check core on a virtual clock, the reply classification, and the
 * CPD state logic on a real context driven through the application op
 * (hold, release, deadline, first result wins, hold-until-OK, bypass,
 * configuration errors, OOM), and recovery after OPERATIONAL: the watch on
 * a virtual clock, and on a real context a link-up re-check that finds a
 * portal (reported as a loss, the state stays) and the timed re-check that
 * finds the internet back.
 */
#include "private-cpd.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * HTTP codec
 */

static int parse_str(const char *s, struct lws__http_resp *r)
{
    return lws__http_resp_parse((const uint8_t *)s, strlen(s), r);
}

static void test_cpd_http_parses_204(void **state)
{
    const char *s = "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
    struct lws__http_resp r;

    (void)state;
    assert_int_equal(parse_str(s, &r), 0);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.minor, 1);
    assert_int_equal(r.hdr_len, strlen(s));
    assert_int_equal(r.content_length, -1);
    assert_int_equal(r.fields, 1);
}

static void test_cpd_http_every_prefix_needs_more(void **state)
{
    const char *s = "HTTP/1.0 302 Found\r\nLocation: http://portal/\r\n"
                    "Content-Length: 0\r\n\r\n";
    struct lws__http_resp r;
    size_t n = strlen(s);

    (void)state;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lws__http_resp_parse((const uint8_t *)s, i, &r),
                         -EAGAIN);
    assert_int_equal(lws__http_resp_parse((const uint8_t *)s, n, &r), 0);
    assert_int_equal(r.status, 302);
    assert_int_equal(r.minor, 0);
    assert_int_equal(r.content_length, 0);
}

static void test_cpd_http_location_and_bare_lf(void **state)
{
    const char *s = "HTTP/1.1 302\nLocation: \t http://portal.example/x \n\n";
    struct lws__http_resp r;

    (void)state;
    assert_int_equal(parse_str(s, &r), 0);
    assert_int_equal(r.status, 302);
    assert_int_equal(r.location_len, strlen("http://portal.example/x"));
    assert_memory_equal(s + r.location_ofs, "http://portal.example/x",
                        r.location_len);
}

static void test_cpd_http_rejects_malformed(void **state)
{
    static const char *const bad[] = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nName : v\r\n\r\n",   /* space before colon */
        "HTTP/1.1 200 OK\r\n: v\r\n\r\n",        /* empty name */
        "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", /* obs-fold */
        "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",    /* bare CR */
        "HTTP/1.1 200 O\x01K\r\n\r\n",           /* control in reason */
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456\r\n\r\n",
    };
    struct lws__http_resp r;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int ret = parse_str(bad[i], &r);
        if (ret != -EBADMSG)
            fail_msg("case %zu: got %d", i, ret);
    }
    /* A NUL inside a field value. */
    static const uint8_t nul[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
    assert_int_equal(lws__http_resp_parse(nul, sizeof(nul) - 1, &r), -EBADMSG);
}

static void test_cpd_http_same_length_twice_ok(void **state)
{
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n"
                    "content-length: 7\r\n\r\nsuccess";
    struct lws__http_resp r;

    (void)state;
    assert_int_equal(parse_str(s, &r), 0);
    assert_int_equal(r.content_length, 7);
}

static void test_cpd_http_limits(void **state)
{
    char *big = malloc(LWS__HTTP_MAX_HDR_BYTES + 200);
    struct lws__http_resp r;
    size_t o;

    (void)state;
    assert_non_null(big);
    o = (size_t)snprintf(big, 64, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= LWS__HTTP_MAX_FIELDS; i++)
        o += (size_t)snprintf(big + o, 32, "X-%d: y\r\n", i);
    o += (size_t)snprintf(big + o, 8, "\r\n");
    assert_int_equal(lws__http_resp_parse((uint8_t *)big, o, &r), -EMSGSIZE);

    /* One huge field, no end in sight. */
    o = (size_t)snprintf(big, 64, "HTTP/1.1 200 OK\r\nX: ");
    memset(big + o, 'a', LWS__HTTP_MAX_HDR_BYTES + 100 - o);
    assert_int_equal(
        lws__http_resp_parse((uint8_t *)big, LWS__HTTP_MAX_HDR_BYTES + 100, &r),
        -EMSGSIZE);
    free(big);
}

static void test_cpd_http_skips_100_continue(void **state)
{
    const char *s = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n"
                    "\r\n";
    struct lws__http_resp r;

    (void)state;
    assert_int_equal(parse_str(s, &r), 0);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.hdr_len, strlen(s));
}

static void test_cpd_http_te_overrides_cl(void **state)
{
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n"
                    "Transfer-Encoding: gzip, Chunked\r\n\r\n";
    struct lws__http_resp r;

    (void)state;
    assert_int_equal(parse_str(s, &r), 0);
    assert_true(r.chunked);
    assert_int_equal(r.content_length, -1);
}

static int body_of(const char *s, bool eof, uint8_t *scratch, size_t sl,
                   const uint8_t **b, size_t *bl)
{
    struct lws__http_resp r;
    int ret = parse_str(s, &r);

    if (ret)
        return ret;
    return lws__http_resp_body(&r, (const uint8_t *)s, strlen(s), eof, scratch,
                               sl, b, bl);
}

static void test_cpd_http_body_framing(void **state)
{
    uint8_t sc[64];
    const uint8_t *b;
    size_t bl;

    (void)state;
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"
                             "success+extra",
                             false, sc, sizeof(sc), &b, &bl),
                     0);
    assert_int_equal(bl, 7);
    assert_memory_equal(b, "success", 7);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"
                             "succ",
                             false, sc, sizeof(sc), &b, &bl),
                     -EAGAIN);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"
                             "succ",
                             true, sc, sizeof(sc), &b, &bl),
                     -EBADMSG);
    assert_int_equal(body_of("HTTP/1.0 200 OK\r\n\r\nuntil close", false, sc,
                             sizeof(sc), &b, &bl),
                     -EAGAIN);
    assert_int_equal(body_of("HTTP/1.0 200 OK\r\n\r\nuntil close", true, sc,
                             sizeof(sc), &b, &bl),
                     0);
    assert_int_equal(bl, 11);
    assert_int_equal(body_of("HTTP/1.1 204 No Content\r\n\r\n", false, sc,
                             sizeof(sc), &b, &bl),
                     0);
    assert_int_equal(bl, 0);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n3;ext=1\r\nsuc\r\n4\r\ncess\r\n0\r\n"
                             "X-Trailer: 1\r\n\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     0);
    assert_int_equal(bl, 7);
    assert_memory_equal(b, "success", 7);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n3\r\nsuc\r\n",
                             true, sc, sizeof(sc), &b, &bl),
                     -EBADMSG);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n3\r\nsuc\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     -EAGAIN);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n3\r\nsucc\r\n0\r\n\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     -EBADMSG);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n41\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     -EMSGSIZE);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\nfffffffffffffffff\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     -EMSGSIZE);
    /* 4 GiB: on a 32-bit target it once wrapped to 0, the last chunk. */
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n100000000\r\n\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     -EMSGSIZE);
    assert_int_equal(body_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                             "\r\n\r\nzz\r\n",
                             false, sc, sizeof(sc), &b, &bl),
                     -EBADMSG);
}

static void test_cpd_url_parses(void **state)
{
    struct lws__http_url u;

    (void)state;
    assert_int_equal(lws__http_url_parse("http://cpd.example/gen_204", &u), 0);
    assert_false(u.https);
    assert_int_equal(u.port, 80);
    assert_string_equal(u.host, "cpd.example");
    assert_string_equal(u.path, "/gen_204");
    assert_int_equal(lws__http_url_parse("HTTPS://Cpd.Example:8443/a?b=c", &u),
                     0);
    assert_true(u.https);
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.host, "Cpd.Example");
    assert_string_equal(u.path, "/a?b=c");
    assert_int_equal(lws__http_url_parse("http://[::1]:8080", &u), 0);
    assert_true(u.ipv6_literal);
    assert_string_equal(u.host, "::1");
    assert_string_equal(u.path, "/");
    assert_int_equal(u.port, 8080);
    assert_int_equal(lws__http_url_parse("http://h?x", &u), 0);
    assert_string_equal(u.path, "/?x");
    assert_int_equal(lws__http_url_parse("https://127.0.0.1", &u), 0);
    assert_int_equal(u.port, 443);
}

static void test_cpd_url_rejects(void **state)
{
    static const char *const bad[] = {
        "ftp://h/",
        "http:/h/",
        "http://",
        "http://user@h/",
        "http://h:0/",
        "http://h:65536/",
        "http://h:/",
        "http://h:8x/",
        "http://[::1/",
        "http://[]/",
        "http://h/a b",
        "http://h/#frag",
        "http://h a/",
        "http://[zz::1]/",
        "http://h:1:2/",
        "http://ho$t/",
        "",
    };
    struct lws__http_url u;
    char longhost[400];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (lws__http_url_parse(bad[i], &u) != -EINVAL)
            fail_msg("accepted '%s'", bad[i]);
    assert_int_equal(lws__http_url_parse(NULL, &u), -EINVAL);
    memcpy(longhost, "http://", 7);
    memset(longhost + 7, 'a', 300);
    longhost[307] = '\0';
    assert_int_equal(lws__http_url_parse(longhost, &u), -ENAMETOOLONG);
}

static void test_cpd_request_text(void **state)
{
    struct lws__http_url u;
    char buf[512];
    int n;

    (void)state;
    assert_int_equal(lws__http_url_parse("http://[fe80::1]:81/g?x=1", &u), 0);
    n = lws__http_request_write(&u, buf, sizeof(buf));
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(buf));
    assert_true(
        !strncmp(buf, "GET /g?x=1 HTTP/1.1\r\nHost: [fe80::1]:81\r\n", 41));
    assert_non_null(strstr(buf, "Connection: close\r\n\r\n"));
    assert_int_equal(lws__http_url_parse("https://h.example/", &u), 0);
    n = lws__http_request_write(&u, buf, sizeof(buf));
    assert_non_null(strstr(buf, "Host: h.example\r\n"));
    assert_int_equal(lws__http_request_write(&u, buf, 20), -ENOSPC);
}

/* ------------------------------------------------------------------------
 * Check core (virtual clock)
 */

/* The core's clock is in us. */
#define MS ((lws_usec_t)LWS_US_PER_MS)

static const struct lws__cpd_core_cfg cfg3 = {
    .attempt_ms = 1000, .deadline_ms = 10000, .retries = 2};

static void test_cpd_core_ok_first_attempt(void **state)
{
    struct lws__cpd_core c;
    struct lws__cpd_out o;

    (void)state;
    lws__cpd_core_start(&c, 100 * MS, &cfg3, &o);
    assert_true(o.start_attempt);
    assert_false(o.done);
    assert_int_equal(o.wake_at, 1100 * MS);
    lws__cpd_core_attempt_done(&c, 150 * MS, LWS_CPD_INTERNET_OK, false, 0, &o);
    assert_true(o.done);
    assert_int_equal(o.result, LWS_CPD_INTERNET_OK);
    assert_false(c.running);
    /* A late report changes nothing. */
    lws__cpd_core_attempt_done(&c, 160 * MS, LWS_CPD_NO_INTERNET, true, 0, &o);
    assert_false(o.done);
    assert_false(o.start_attempt);
}

static void test_cpd_core_portal_is_conclusive(void **state)
{
    struct lws__cpd_core c;
    struct lws__cpd_out o;

    (void)state;
    lws__cpd_core_start(&c, 0, &cfg3, &o);
    lws__cpd_core_attempt_done(&c, 10 * MS, LWS_CPD_CAPTIVE_PORTAL, false, 0,
                               &o);
    assert_true(o.done);
    assert_int_equal(o.result, LWS_CPD_CAPTIVE_PORTAL);
    assert_int_equal(c.attempts, 1);
}

static void test_cpd_core_retries_then_gives_up(void **state)
{
    struct lws__cpd_core c;
    struct lws__cpd_out o;
    lws_usec_t t = 0;

    (void)state;
    lws__cpd_core_start(&c, t, &cfg3, &o);
    for (int a = 1; a <= 3; a++) {
        assert_int_equal(c.attempts, a);
        t += 5 * MS;
        lws__cpd_core_attempt_done(&c, t, LWS_CPD_NO_INTERNET, true, 7, &o);
        if (a == 3)
            break;
        assert_false(o.done);
        assert_false(o.start_attempt);
        assert_int_equal(o.wake_at, t + (lws__cpd_backoff_ms(a) + 7) * MS);
        /* Early wake: nothing to do yet. */
        lws__cpd_core_timer(&c, t + 1, &o);
        assert_false(o.start_attempt);
        assert_int_equal(o.wake_at, c.next_attempt);
        t = c.next_attempt;
        lws__cpd_core_timer(&c, t, &o);
        assert_true(o.start_attempt);
    }
    assert_true(o.done);
    assert_int_equal(o.result, LWS_CPD_NO_INTERNET);
}

static void test_cpd_core_attempt_timeout_and_deadline(void **state)
{
    const struct lws__cpd_core_cfg cfg = {
        .attempt_ms = 1000, .deadline_ms = 2500, .retries = 5};
    struct lws__cpd_core c;
    struct lws__cpd_out o;

    (void)state;
    lws__cpd_core_start(&c, 0, &cfg, &o);
    lws__cpd_core_timer(&c, 1000 * MS, &o); /* first attempt times out */
    assert_true(o.abort_attempt);
    assert_false(o.done);
    assert_int_equal(o.wake_at, (1000 + lws__cpd_backoff_ms(1)) * MS);
    lws__cpd_core_timer(&c, o.wake_at, &o);
    assert_true(o.start_attempt);
    /* The second attempt's timeout (twice the first's) is clipped to the
     * deadline. */
    assert_int_equal(o.wake_at, 2500 * MS);
    /* It times out at the deadline: the check ends now. */
    lws__cpd_core_timer(&c, 2500 * MS, &o);
    assert_true(o.abort_attempt);
    assert_true(o.done);
    assert_int_equal(o.result, LWS_CPD_NO_INTERNET);
}

static void test_cpd_core_deadline_during_attempt(void **state)
{
    const struct lws__cpd_core_cfg cfg = {
        .attempt_ms = 5000, .deadline_ms = 300, .retries = 1};
    struct lws__cpd_core c;
    struct lws__cpd_out o;

    (void)state;
    lws__cpd_core_start(&c, 0, &cfg, &o);
    assert_int_equal(o.wake_at, 300 * MS);
    lws__cpd_core_timer(&c, 300 * MS, &o);
    assert_true(o.abort_attempt);
    assert_true(o.done);
    assert_int_equal(o.result, LWS_CPD_NO_INTERNET);
    /* After the end, timers do nothing. */
    lws__cpd_core_timer(&c, 400 * MS, &o);
    assert_false(o.done || o.start_attempt || o.abort_attempt);
}

static void test_cpd_core_backoff_and_cfg(void **state)
{
    struct lws__cpd_core_cfg cfg;
    struct lws_cpd_info info;

    (void)state;
    assert_int_equal(lws__cpd_backoff_ms(1), 250);
    assert_int_equal(lws__cpd_backoff_ms(2), 500);
    assert_int_equal(lws__cpd_backoff_ms(3), 1000);
    assert_int_equal(lws__cpd_backoff_ms(40), 1000);
    /* when every attempt times out, the default check has three within its
     * deadline, of 2 s (which holds the kernel's 1 s SYN retransmission),
     * 4 s and the rest (3.25 s) */
    {
        struct lws__cpd_core c;
        struct lws__cpd_out o;
        lws_usec_t now = 1000 * MS;
        int n = 1;

        lws__cpd_core_cfg_from_info(&cfg, NULL);
        lws__cpd_core_start(&c, now, &cfg, &o);
        while (!o.done) {
            assert_true(o.wake_at > now);
            now = o.wake_at;
            lws__cpd_core_timer(&c, now, &o);
            if (o.start_attempt)
                n++;
        }
        assert_int_equal(n, 3);
        assert_true(now <= (1000 + (lws_usec_t)cfg.deadline_ms) * MS);
    }
    lws__cpd_core_cfg_from_info(&cfg, NULL);
    assert_int_equal(cfg.retries, LWS__CPD_DEF_RETRIES);
    assert_int_equal(cfg.attempt_ms, LWS__CPD_DEF_ATTEMPT_MS);
    assert_int_equal(cfg.deadline_ms, LWS__CPD_DEF_DEADLINE_MS);
    memset(&info, 0, sizeof(info));
    info.retries = -1;
    info.deadline_ms = 5;
    lws__cpd_core_cfg_from_info(&cfg, &info);
    assert_int_equal(cfg.retries, 0);
    assert_int_equal(cfg.deadline_ms, 5);
}

/* ------------------------------------------------------------------------
 * Recovery after OPERATIONAL (the watch, virtual clock)
 */

static void test_cpd_watch_changes(void **state)
{
    struct lws__cpd_watch w;
    uint32_t a = lws__cpd_fp(0, "A", 1), b = lws__cpd_fp(0, "B", 1);

    (void)state;
    lws__cpd_watch_init(&w, 30000);
    /* Before OPERATIONAL nothing re-checks, but the fingerprints are
     * kept: the lease of the bring-up is no change afterwards. */
    assert_int_equal(
        lws__cpd_watch_change(&w, 10 * MS, LWS__CPD_CH_LEASE, "eth0", a), 0);
    assert_int_equal(lws__cpd_watch_arm(&w, 100 * MS), 0);
    assert_int_equal(
        lws__cpd_watch_change(&w, 200 * MS, LWS__CPD_CH_LEASE, "eth0", a), 0);
    /* A new lease: a re-check once the rest of the news landed. */
    assert_int_equal(
        lws__cpd_watch_change(&w, 200 * MS, LWS__CPD_CH_LEASE, "eth0", b),
        700 * MS);
    assert_false(lws__cpd_watch_fire(&w, 699 * MS));
    assert_true(lws__cpd_watch_fire(&w, 700 * MS));
    assert_false(lws__cpd_watch_fire(&w, 701 * MS));
    /* New DNS servers; another interface's lease is its own. */
    assert_int_equal(
        lws__cpd_watch_change(&w, 1000 * MS, LWS__CPD_CH_DNS, "eth0", a),
        1500 * MS);
    /* An earlier due time stays. */
    assert_int_equal(
        lws__cpd_watch_change(&w, 1200 * MS, LWS__CPD_CH_LEASE, "wlan0", a),
        1500 * MS);
    assert_true(lws__cpd_watch_fire(&w, 1500 * MS));
    assert_int_equal(
        lws__cpd_watch_change(&w, 1600 * MS, LWS__CPD_CH_LEASE, "wlan0", a), 0);
    /* Link down forgets: the same lease re-verified after it counts. */
    assert_int_equal(
        lws__cpd_watch_change(&w, 2000 * MS, LWS__CPD_CH_LINK_DOWN, "eth0", 0),
        0);
    assert_int_equal(
        lws__cpd_watch_change(&w, 2100 * MS, LWS__CPD_CH_LINK_UP, "eth0", 0),
        2600 * MS);
    assert_true(lws__cpd_watch_fire(&w, 2600 * MS));
    assert_int_equal(
        lws__cpd_watch_change(&w, 3000 * MS, LWS__CPD_CH_LEASE, "eth0", b),
        3500 * MS);
    assert_true(lws__cpd_watch_fire(&w, 3500 * MS));
    /* More interfaces than slots: still answers, never overruns. */
    for (int i = 0; i < 3 * LWS__CPD_WATCH_IFACES; i++) {
        char n[8];

        snprintf(n, sizeof(n), "if%d", i);
        assert_int_equal(
            lws__cpd_watch_change(&w, 4000 * MS, LWS__CPD_CH_LEASE, n, a),
            4500 * MS);
    }
    assert_int_not_equal(lws__cpd_fp(0, NULL, 0), 0);
}

static void test_cpd_watch_loss_and_recheck(void **state)
{
    struct lws__cpd_watch w;
    struct lws__cpd_watch_out o;
    lws_usec_t t = 1000 * MS;

    (void)state;
    lws__cpd_watch_init(&w, 20000);
    lws__cpd_watch_result(&w, t, LWS_CPD_INTERNET_OK, &o);
    assert_false(o.lost || o.back);
    assert_int_equal(lws__cpd_watch_arm(&w, t), 0);
    /* OK -> portal after OPERATIONAL: a loss, re-checked with backoff
     * 2, 4, 8, 16, 20, 20 s. */
    t = 5000 * MS;
    lws__cpd_watch_result(&w, t, LWS_CPD_CAPTIVE_PORTAL, &o);
    assert_true(o.lost);
    assert_true(w.lost);
    assert_int_equal(w.losses, 1);
    assert_int_equal(w.due_at, t + 2000 * MS);
    {
        const uint32_t want[] = {4000, 8000, 16000, 20000, 20000};

        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
            t = w.due_at;
            assert_true(lws__cpd_watch_fire(&w, t));
            lws__cpd_watch_result(&w, t + 10 * MS, LWS_CPD_NO_INTERNET, &o);
            assert_false(o.lost); /* one loss, not one per check */
            assert_int_equal(w.due_at, t + (10 + want[i]) * MS);
        }
    }
    assert_int_equal(w.losses, 1);
    /* Back: how long it was gone, and no more re-checks. */
    t = w.due_at;
    assert_true(lws__cpd_watch_fire(&w, t));
    lws__cpd_watch_result(&w, t + 5 * MS, LWS_CPD_INTERNET_OK, &o);
    assert_true(o.back);
    assert_int_equal(o.lost_ms, (t + 5 * MS - 5000 * MS) / MS);
    assert_false(w.lost);
    assert_int_equal(w.due_at, 0);
    lws__cpd_watch_result(&w, t + 6 * MS, LWS_CPD_UNKNOWN, &o); /* ignored */
    assert_true(w.ok);
    /* A second loss is counted. */
    lws__cpd_watch_result(&w, t + 100 * MS, LWS_CPD_NO_INTERNET, &o);
    assert_true(o.lost);
    assert_int_equal(w.losses, 2);
}

static void test_cpd_watch_arm_after_failure(void **state)
{
    struct lws__cpd_watch w;
    struct lws__cpd_watch_out o;

    (void)state;
    /* recheck_ms below the first step is raised to it. */
    lws__cpd_watch_init(&w, 20);
    assert_int_equal(lws__cpd_recheck_ms(&w, 1), LWS__CPD_RECHECK_MIN_MS);
    assert_int_equal(lws__cpd_recheck_ms(&w, 5), LWS__CPD_RECHECK_MIN_MS);
    /* Not OK at bring-up (the ladder went on): no loss, but OPERATIONAL
     * re-checks it. */
    lws__cpd_watch_result(&w, 100 * MS, LWS_CPD_NO_INTERNET, &o);
    assert_false(o.lost);
    assert_int_equal(w.due_at, 0);
    assert_int_equal(lws__cpd_watch_arm(&w, 300 * MS), (300 + 2000) * MS);
    /* Arming twice changes nothing. */
    assert_int_equal(lws__cpd_watch_arm(&w, 900 * MS), (300 + 2000) * MS);
    /* OK for the first time: neither lost nor back. */
    lws__cpd_watch_result(&w, 2400 * MS, LWS_CPD_INTERNET_OK, &o);
    assert_false(o.lost || o.back);
}

static lws_cpd_result_t classify(const char *s, const struct lws__cpd_expect *e,
                                 bool *retry, char *reason)
{
    struct lws__http_resp r;
    const uint8_t *b;
    size_t bl;
    uint8_t sc[64];

    assert_int_equal(parse_str(s, &r), 0);
    assert_int_equal(lws__http_resp_body(&r, (const uint8_t *)s, strlen(s),
                                         true, sc, sizeof(sc), &b, &bl),
                     0);
    return lws__cpd_classify(e, &r, (const uint8_t *)s, b, bl, retry, reason,
                             128);
}

static void test_cpd_classify(void **state)
{
    const struct lws__cpd_expect e204 = {.status = 204};
    const struct lws__cpd_expect e200 = {.status = 200, .body = "success\n"};
    char reason[128];
    bool retry;

    (void)state;
    assert_int_equal(
        classify("HTTP/1.1 204 No Content\r\n\r\n", &e204, &retry, reason),
        LWS_CPD_INTERNET_OK);
    assert_int_equal(classify("HTTP/1.1 302 Found\r\nLocation: http://p/l\r\n"
                              "Content-Length: 0\r\n\r\n",
                              &e204, &retry, reason),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_false(retry);
    assert_string_equal(reason, "302 redirect to http://p/l");
    assert_int_equal(classify("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"
                              "html",
                              &e204, &retry, reason),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_int_equal(classify("HTTP/1.1 511 Auth\r\nContent-Length: 0\r\n\r\n",
                              &e204, &retry, reason),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_false(retry);
    assert_int_equal(classify("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
                              &e204, &retry, reason),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_true(retry);
    assert_int_equal(classify("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n"
                              "success\n",
                              &e200, &retry, reason),
                     LWS_CPD_INTERNET_OK);
    assert_int_equal(classify("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n"
                              "failure\n",
                              &e200, &retry, reason),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_true(lws__cpd_releases_step(LWS_CPD_INTERNET_OK, 0));
    assert_true(lws__cpd_releases_step(LWS_CPD_NO_INTERNET, 0));
    assert_true(lws__cpd_releases_step(LWS_CPD_CAPTIVE_PORTAL, 0));
    assert_false(lws__cpd_releases_step(LWS_CPD_UNKNOWN, 0));
    assert_true(
        lws__cpd_releases_step(LWS_CPD_INTERNET_OK, LWS_CPD_F_HOLD_UNTIL_OK));
    assert_false(lws__cpd_releases_step(LWS_CPD_CAPTIVE_PORTAL,
                                        LWS_CPD_F_HOLD_UNTIL_OK));
    assert_string_equal(lws_cpd_result_name(LWS_CPD_NO_INTERNET),
                        "No internet");
    assert_string_equal(lws_cpd_result_name((lws_cpd_result_t)9), "?");
}

/* ------------------------------------------------------------------------
 * State logic on a real context, through the application op
 */

struct op_fix {
    struct lws_context *cx;
    lws_sorted_usec_list_t sul_answer;
    lws_sorted_usec_list_t sul_guard;
    lws_cpd_result_t answers[4]; /* answer for call n (UNKNOWN: none) */
    int calls;
    int state_at_call;
    int step_at_call;
    const char *blocker_at_call;
    bool timed_out;
    bool in_set;               /* inside our lws_system_cpd_set() */
    lws_cpd_result_t heard[8]; /* results given to result_cb */
    char heard_reason[8][128];
    int nheard;
    lws_state_notify_link_t wake_nl; /* one per context */
    lws_state_notify_link_t *wake_nls[2];
};

/* Wakes the loop on every state step, so lws_service() returns and the test
 * re-checks its condition. */
static int wake_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                       int current, int target)
{
    (void)l, (void)current, (void)target;
    lws_cancel_service(mgr->context);
    return 0;
}

static lws_state_notify_link_t *const *wake_list(struct op_fix *f)
{
    f->wake_nl.notify_cb = wake_notify;
    f->wake_nl.name = "test-wake";
    f->wake_nls[0] = &f->wake_nl;
    f->wake_nls[1] = NULL;
    return f->wake_nls;
}

static struct op_fix *g_fix;

static void op_answer_cb(lws_sorted_usec_list_t *sul)
{
    struct op_fix *f = lws_container_of(sul, struct op_fix, sul_answer);

    f->in_set = true;
    lws_system_cpd_set(f->cx, f->answers[(f->calls - 1) & 3]);
    f->in_set = false;
    lws_cancel_service(f->cx);
}

static void op_result_cb(struct lws_context *cx, lws_cpd_result_t result,
                         const char *reason, void *user)
{
    struct op_fix *f = user;

    assert_ptr_equal(cx, f->cx);
    /* Never inside the lws_system_cpd_set() that reported it. */
    assert_false(f->in_set);
    if (f->nheard < 8) {
        snprintf(f->heard_reason[f->nheard], sizeof(f->heard_reason[0]), "%s",
                 reason);
        f->heard[f->nheard++] = result;
    }
}

static int op_cpd_request(struct lws_context *cx)
{
    struct op_fix *f = g_fix;

    f->state_at_call = lws_system_get_state_manager(cx)->state;
    f->blocker_at_call =
        lws_state_blocker(lws_system_get_state_manager(cx), &f->step_at_call);
    f->calls++;
    lws_cancel_service(cx);
    if (f->answers[(f->calls - 1) & 3] != LWS_CPD_UNKNOWN)
        lws_sul_schedule(cx, 0, &f->sul_answer, op_answer_cb,
                         5 * LWS_US_PER_MS);
    return 0;
}

static void guard_cb(lws_sorted_usec_list_t *sul)
{
    struct op_fix *f = lws_container_of(sul, struct op_fix, sul_guard);

    f->timed_out = true;
}

static struct lws_context *op_context(struct op_fix *f,
                                      const struct lws_cpd_info *ci,
                                      uint64_t options, int target)
{
    static lws_system_ops_t ops = {.captive_portal_detect_request =
                                       op_cpd_request};
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.system_ops = &ops;
    info.register_notifier_list = wake_list(f);
    info.cpd = ci;
    info.options = options;
    info.target_state = target;
    g_fix = f;
    f->cx = lws_create_context(&info);
    return f->cx;
}

/* Runs the loop until the state reaches @target or @ms pass. */
static int run_until(struct op_fix *f, int target, int ms)
{
    lws_state_manager_t *mgr = lws_system_get_state_manager(f->cx);

    f->timed_out = false;
    lws_sul_schedule(f->cx, 0, &f->sul_guard, guard_cb,
                     (lws_usec_t)ms * LWS_US_PER_MS);
    while (mgr->state < target && !f->timed_out)
        lws_service(f->cx, 0);
    lws_sul_cancel(&f->sul_guard);
    return mgr->state;
}

static void test_cpd_state_op_holds_pre_time(void **state)
{
    struct op_fix f = {.answers = {LWS_CPD_INTERNET_OK}};

    (void)state;
    assert_non_null(op_context(&f, NULL, 0, LWS_SYSTATE_CPD_PRE_TIME));
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_UNKNOWN);
    /* The op is never called inside lws_create_context(). */
    assert_int_equal(f.calls, 0);
    while (!f.calls)
        lws_service(f.cx, 0);
    /* It ran while "cpd" held DHCP -> CPD_PRE_TIME. */
    assert_int_equal(f.state_at_call, LWS_SYSTATE_DHCP);
    assert_non_null(f.blocker_at_call);
    assert_string_equal(f.blocker_at_call, "cpd");
    assert_int_equal(f.step_at_call, LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(run_until(&f, LWS_SYSTATE_CPD_PRE_TIME, 5000),
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    assert_int_equal(f.calls, 1);
    /* A deferred start calls the op after the delay, from the loop. */
    {
        lws_usec_t t0 = lws_now_usecs();

        f.answers[1] = LWS_CPD_CAPTIVE_PORTAL;
        lws_system_cpd_start_defer(f.cx, 30 * LWS_US_PER_MS);
        assert_int_equal(f.calls, 1);
        while (f.calls < 2)
            lws_service(f.cx, 0);
        assert_true(lws_now_usecs() - t0 >= 30 * LWS_US_PER_MS);
        while (lws_system_cpd_state_get(f.cx) == LWS_CPD_UNKNOWN)
            lws_service(f.cx, 0);
        assert_int_equal(lws_system_cpd_state_get(f.cx),
                         LWS_CPD_CAPTIVE_PORTAL);
    }
    lws_context_destroy(f.cx);
}

static void test_cpd_state_deadline_releases(void **state)
{
    struct op_fix f = {.answers = {LWS_CPD_UNKNOWN}};
    const struct lws_cpd_info ci = {
        .deadline_ms = 50, .result_cb = op_result_cb, .result_user = &f};
    long long t0 = (long long)(lws_now_usecs() / 1000);

    (void)state;
    assert_non_null(op_context(&f, &ci, 0, LWS_SYSTATE_CPD_PRE_TIME));
    assert_int_equal(run_until(&f, LWS_SYSTATE_CPD_PRE_TIME, 5000),
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_true((long long)(lws_now_usecs() / 1000) - t0 >= 50);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(lws_system_cpd_reason(f.cx), "no result within"));
    while (!f.nheard)
        lws_service(f.cx, 0);
    assert_int_equal(f.heard[0], LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(f.heard_reason[0], "no result within"));
    /* A late answer does not overwrite the first result. */
    lws_system_cpd_set(f.cx, LWS_CPD_INTERNET_OK);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_NO_INTERNET);
    /* A new check starts from UNKNOWN. */
    f.answers[1] = LWS_CPD_CAPTIVE_PORTAL;
    assert_int_equal(lws_system_cpd_start(f.cx), 0);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_UNKNOWN);
    while (lws_system_cpd_state_get(f.cx) == LWS_CPD_UNKNOWN)
        lws_service(f.cx, 0); /* op_answer_cb wakes the loop */
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_CAPTIVE_PORTAL);
    lws_system_cpd_set(f.cx, LWS_CPD_UNKNOWN); /* ignored */
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_CAPTIVE_PORTAL);
    lws_context_destroy(f.cx);
}

static void test_cpd_state_hold_until_ok(void **state)
{
    struct op_fix f = {.answers = {LWS_CPD_CAPTIVE_PORTAL, LWS_CPD_NO_INTERNET,
                                   LWS_CPD_INTERNET_OK}};
    const struct lws_cpd_info ci = {.flags = LWS_CPD_F_HOLD_UNTIL_OK,
                                    .recheck_ms = 20,
                                    .result_cb = op_result_cb,
                                    .result_user = &f};

    (void)state;
    assert_non_null(op_context(&f, &ci, 0, LWS_SYSTATE_CPD_PRE_TIME));
    assert_int_equal(run_until(&f, LWS_SYSTATE_CPD_PRE_TIME, 5000),
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(f.calls, 3);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    /* The application heard every result, in order (the last one may still
     * be on its way). */
    while (f.nheard < 3)
        lws_service(f.cx, 0);
    assert_int_equal(f.nheard, 3);
    assert_int_equal(f.heard[0], LWS_CPD_CAPTIVE_PORTAL);
    assert_int_equal(f.heard[1], LWS_CPD_NO_INTERNET);
    assert_int_equal(f.heard[2], LWS_CPD_INTERNET_OK);
    lws_context_destroy(f.cx);
}

/* After OPERATIONAL: a link coming up re-checks; a portal found then is a
 * loss (status, result_cb) while the state stays OPERATIONAL, and the timed
 * re-check finds the internet back. */
static void test_cpd_state_recovery(void **state)
{
    struct op_fix f = {.answers = {LWS_CPD_INTERNET_OK, LWS_CPD_CAPTIVE_PORTAL,
                                   LWS_CPD_INTERNET_OK}};
    const struct lws_cpd_info ci = {.result_cb = op_result_cb,
                                    .result_user = &f};
    lws_state_manager_t *mgr;
    struct lws_cpd_status st;
    lws_usec_t t0;

    (void)state;
    assert_int_equal(lws_system_cpd_get_status(NULL, &st), -EINVAL);
    assert_non_null(op_context(&f, &ci, 0, LWS_SYSTATE_OPERATIONAL));
    mgr = lws_system_get_state_manager(f.cx);
    assert_int_equal(run_until(&f, LWS_SYSTATE_OPERATIONAL, 5000),
                     LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_int_equal(st.result, LWS_CPD_INTERNET_OK);
    assert_int_equal(st.checks, 1);
    assert_false(st.lost || st.checking);
    assert_int_equal(st.next_check_us, 0);
    /* A renewal of the same lease is no change; a link up is. */
    {
        const uint32_t la[2] = {0x0a000005, 0x0a000001};
        struct lws__news n = {
            .kind = LWS__NEWS_LEASE, .iface = "eth0", .addrs = la, .n = 2};

        lws__news_publish(f.cx, &n);
        assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
        assert_int_not_equal(st.next_check_us, 0); /* first one seen */
        while (f.calls < 2)
            lws_service(f.cx, 0);
        while (lws_system_cpd_state_get(f.cx) == LWS_CPD_UNKNOWN)
            lws_service(f.cx, 0);
        assert_int_equal(lws_system_cpd_state_get(f.cx),
                         LWS_CPD_CAPTIVE_PORTAL);
        lws__news_publish(f.cx, &n);
        assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
        /* only the timed re-check of the portal result is due */
        assert_true(st.next_check_us > lws_now_usecs() + 1000 * LWS_US_PER_MS);
    }
    /* The portal was a loss: reported, the state did not move. */
    assert_int_equal(mgr->state, LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_int_equal(st.result, LWS_CPD_CAPTIVE_PORTAL);
    assert_true(st.lost);
    assert_int_equal(st.losses, 1);
    assert_int_equal(st.checks, 2);
    assert_true(st.lost_since_us > 0 && st.lost_since_us <= lws_now_usecs());
    /* The timed re-check (2 s) finds it back. */
    t0 = lws_now_usecs();
    while (f.calls < 3)
        lws_service(f.cx, 0);
    assert_true(lws_now_usecs() - t0 >= 1500 * LWS_US_PER_MS);
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_true(st.checking);
    assert_int_equal(st.result, LWS_CPD_CAPTIVE_PORTAL); /* kept meanwhile */
    while (lws_system_cpd_state_get(f.cx) == LWS_CPD_UNKNOWN)
        lws_service(f.cx, 0);
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_int_equal(st.result, LWS_CPD_INTERNET_OK);
    assert_false(st.lost || st.checking);
    assert_int_equal(st.losses, 1);
    assert_int_equal(st.next_check_us, 0);
    assert_int_equal(mgr->state, LWS_SYSTATE_OPERATIONAL);
    while (f.nheard < 3)
        lws_service(f.cx, 0);
    assert_int_equal(f.heard[1], LWS_CPD_CAPTIVE_PORTAL);
    assert_int_equal(f.heard[2], LWS_CPD_INTERNET_OK);
    /* Link down, then up: a re-check after the settle time. */
    f.answers[3] = LWS_CPD_INTERNET_OK;
    lws__news_publish(
        f.cx, &(struct lws__news){.kind = LWS__NEWS_LINK, .iface = "eth0"});
    lws__news_publish(f.cx, &(struct lws__news){.kind = LWS__NEWS_LINK,
                                                .iface = "eth0",
                                                .up = true});
    while (f.calls < 4)
        lws_service(f.cx, 0);
    lws_context_destroy(f.cx);
}

/* A captive-portal URI from the network (RFC 8910): the result becomes
 * CAPTIVE_PORTAL carrying it (from the loop, not inside the news), the
 * state stays, and the re-check decides; one arriving while the ladder's
 * check runs leaves that check to decide, and the ladder does not stall. */
static void test_cpd_state_portal_uri(void **state)
{
    static const char uri[] = "https://cp.example/api";
    struct op_fix f = {.answers = {LWS_CPD_INTERNET_OK, LWS_CPD_INTERNET_OK,
                                   LWS_CPD_INTERNET_OK}};
    const struct lws_cpd_info ci = {.result_cb = op_result_cb,
                                    .result_user = &f};
    struct lws__news n = {
        .kind = LWS__NEWS_CAPTIVE_URI, .iface = "wlan0", .uri = uri};
    struct lws_cpd_status st;

    (void)state;
    assert_non_null(op_context(&f, &ci, 0, LWS_SYSTATE_OPERATIONAL));
    assert_int_equal(run_until(&f, LWS_SYSTATE_OPERATIONAL, 5000),
                     LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    lws__news_publish(f.cx, &n);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    while (lws_system_cpd_state_get(f.cx) == LWS_CPD_INTERNET_OK)
        lws_service(f.cx, 0);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(lws_system_cpd_reason(f.cx), uri));
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_int_equal(st.result, LWS_CPD_CAPTIVE_PORTAL);
    assert_string_equal(st.portal_uri, uri);
    assert_string_equal(st.portal_if, "wlan0");
    assert_true(st.lost); /* reported as any loss; the state stays */
    assert_int_not_equal(st.next_check_us, 0);
    assert_int_equal(lws_system_get_state_manager(f.cx)->state,
                     LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(f.calls, 1); /* no check ran for it */
    /* the same URI again (a renewal) is no news */
    lws__news_publish(f.cx, &n);
    /* the re-check lets us through: OK, carrying the URI still */
    while (f.calls < 2)
        lws_service(f.cx, 0);
    while (lws_system_cpd_state_get(f.cx) == LWS_CPD_UNKNOWN)
        lws_service(f.cx, 0);
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_int_equal(st.result, LWS_CPD_INTERNET_OK);
    assert_false(st.lost);
    assert_string_equal(st.portal_uri, uri);
    while (f.nheard < 3)
        lws_service(f.cx, 0);
    assert_int_equal(f.heard[1], LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(f.heard_reason[1], uri));
    assert_int_equal(f.heard[2], LWS_CPD_INTERNET_OK);
    /* "unrestricted" (RFC 8910 section 2) clears it */
    n.uri = "urn:ietf:params:capport:unrestricted";
    lws__news_publish(f.cx, &n);
    assert_int_equal(lws_system_cpd_get_status(f.cx, &st), 0);
    assert_string_equal(st.portal_uri, "");
    assert_int_equal(st.result, LWS_CPD_INTERNET_OK);
    lws_context_destroy(f.cx);

    /* before the ladder's check: that check decides, CPD_PRE_TIME passes */
    memset(&f, 0, sizeof(f));
    f.answers[0] = f.answers[1] = LWS_CPD_INTERNET_OK;
    assert_non_null(op_context(&f, NULL, 0, LWS_SYSTATE_CPD_PRE_TIME));
    n.uri = uri;
    lws__news_publish(f.cx, &n);
    assert_int_equal(run_until(&f, LWS_SYSTATE_CPD_PRE_TIME, 5000),
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    assert_int_equal(f.calls, 1);
    lws_context_destroy(f.cx);
}

static void test_cpd_state_bypass(void **state)
{
    struct op_fix f = {.answers = {LWS_CPD_CAPTIVE_PORTAL}};

    (void)state;
    assert_non_null(op_context(&f, NULL, LWS_SERVER_OPTION_CPD_BYPASS,
                               LWS_SYSTATE_CPD_PRE_TIME));
    assert_int_equal(run_until(&f, LWS_SYSTATE_CPD_PRE_TIME, 5000),
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(f.calls, 0);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    assert_int_equal(lws_system_cpd_start(f.cx), 0);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_INTERNET_OK);
    lws_context_destroy(f.cx);
}

static void test_cpd_state_unconfigured_passes(void **state)
{
    struct lws_context_creation_info info;
    struct op_fix f = {0};

    (void)state;
    memset(&info, 0, sizeof(info));
    info.register_notifier_list = wake_list(&f);
    info.target_state = LWS_SYSTATE_CPD_POST_TIME;
    f.cx = lws_create_context(&info);
    assert_non_null(f.cx);
    assert_int_equal(run_until(&f, LWS_SYSTATE_CPD_POST_TIME, 5000),
                     LWS_SYSTATE_CPD_POST_TIME);
    assert_int_equal(lws_system_cpd_start(f.cx), -ENOENT);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_UNKNOWN);
    assert_int_equal(lws_system_cpd_start(NULL), -EINVAL);
    /* An application can still report a result of its own. */
    lws_system_cpd_set(f.cx, LWS_CPD_CAPTIVE_PORTAL);
    assert_int_equal(lws_system_cpd_state_get(f.cx), LWS_CPD_CAPTIVE_PORTAL);
    lws_context_destroy(f.cx);
}

static void test_cpd_state_bad_config_fails_creation(void **state)
{
    static const struct lws_cpd_info bad[] = {
        {.http_url = "https://x/"}, /* wrong scheme for CPD_PRE_TIME */
        {.https_url = "http://x/"}, /* wrong scheme for CPD_POST_TIME */
        {.http_url = "http://x y/"},
        {.expect_status = 42, .http_url = "http://x/"},
        {.https_url = "https://x/", .ca_bundle = "/nonexistent/ca.pem"},
        {.https_url = "https://x/", .ca_bundle = "/dev/null"},
#if !LWS_WITH_SYS_CPD_HTTP
        {.http_url = "http://x/"}, /* no plain-HTTP probe in this build */
#endif
    };
    struct lws_context_creation_info info;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&info, 0, sizeof(info));
        info.cpd = &bad[i];
        struct lws_context *cx = lws_create_context(&info);
        if (cx) {
            lws_context_destroy(cx);
            fail_msg("case %zu accepted", i);
        }
    }
}

static void test_cpd_state_oom(void **state)
{
    struct lws_cpd_info ci = {
        .http_url = LWS_WITH_SYS_CPD_HTTP ? "http://127.0.0.1:9/x" : NULL,
        .expect_body = "ok"};
    struct lws_context_creation_info info;
    struct lws_context *cx;
    long total, before;
    int failed = 0;

    (void)state;
    /* With the system CA bundle, the TLS configuration is made too. */
    if (!access("/etc/ssl/certs/ca-certificates.crt", R_OK))
        ci.https_url = "https://127.0.0.1:9/x";
    memset(&info, 0, sizeof(info));
    info.cpd = &ci;
    /* Count the allocations of one successful creation... */
    before = lws__alloc_count();
    cx = lws_create_context(&info);
    assert_non_null(cx);
    total = lws__alloc_count() - before;
    lws_context_destroy(cx);
    /* ...then fail each of them in turn: creation fails cleanly. */
    for (long n = 1; n <= total; n++) {
        size_t heap = lws__heap_in_use();
        lws__alloc_fail_nth(n);
        cx = lws_create_context(&info);
        lws__alloc_fail_nth(0);
        if (cx) {
            lws_context_destroy(cx);
            continue;
        }
        failed++;
        assert_int_equal(lws__heap_in_use(), heap);
    }
    assert_true(failed > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpd_http_parses_204),
        cmocka_unit_test(test_cpd_http_every_prefix_needs_more),
        cmocka_unit_test(test_cpd_http_location_and_bare_lf),
        cmocka_unit_test(test_cpd_http_rejects_malformed),
        cmocka_unit_test(test_cpd_http_same_length_twice_ok),
        cmocka_unit_test(test_cpd_http_limits),
        cmocka_unit_test(test_cpd_http_skips_100_continue),
        cmocka_unit_test(test_cpd_http_te_overrides_cl),
        cmocka_unit_test(test_cpd_http_body_framing),
        cmocka_unit_test(test_cpd_url_parses),
        cmocka_unit_test(test_cpd_url_rejects),
        cmocka_unit_test(test_cpd_request_text),
        cmocka_unit_test(test_cpd_core_ok_first_attempt),
        cmocka_unit_test(test_cpd_core_portal_is_conclusive),
        cmocka_unit_test(test_cpd_core_retries_then_gives_up),
        cmocka_unit_test(test_cpd_core_attempt_timeout_and_deadline),
        cmocka_unit_test(test_cpd_core_deadline_during_attempt),
        cmocka_unit_test(test_cpd_core_backoff_and_cfg),
        cmocka_unit_test(test_cpd_watch_changes),
        cmocka_unit_test(test_cpd_watch_loss_and_recheck),
        cmocka_unit_test(test_cpd_watch_arm_after_failure),
        cmocka_unit_test(test_cpd_classify),
        cmocka_unit_test(test_cpd_state_op_holds_pre_time),
        cmocka_unit_test(test_cpd_state_deadline_releases),
        cmocka_unit_test(test_cpd_state_hold_until_ok),
        cmocka_unit_test(test_cpd_state_recovery),
        cmocka_unit_test(test_cpd_state_portal_uri),
        cmocka_unit_test(test_cpd_state_bypass),
        cmocka_unit_test(test_cpd_state_unconfigured_passes),
        cmocka_unit_test(test_cpd_state_bad_config_fails_creation),
        cmocka_unit_test(test_cpd_state_oom),
    };

    lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, NULL);
    return cmocka_run_group_tests_name("cpd", tests, NULL, NULL);
}
