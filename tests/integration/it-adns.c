/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Integration tests of the async DNS resolver against a real dnsmasq that
 * the test starts on a loopback port: A+AAAA, CNAME chains, NXDOMAIN,
 * NODATA, an answer too big for UDP (TCP fallback), coalescing and the
 * cache seen from the server's query log, a dead first server, run-time
 * server changes and a resolv.conf change picked up.
 */
#include "async-dns/private-adns.h"

#include "adns-util.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static struct adns_t_dnsmasq dm, dm2, dm6;
static char srv[64], srv2[64], srv6[64];
static char big6_args[60][64];

/* 60 AAAA records: about 1.9 KB of answer, over the 1232-byte EDNS0 size. */
static char big_args[60][64];

static int group_setup(void **state)
{
    static const char *extra[80] = {
        "--host-record=h1.test,10.0.0.1,fd00::1,300",
        "--host-record=h2.test,10.0.0.2",
        "--host-record=h2.test,10.0.0.3",
        "--cname=c1.test,h1.test,120",
        "--cname=c2.test,c1.test,60",
        "--txt-record=txtonly.test,hello",
        "--host-record=same.test,10.0.0.9",
        "--host-record=cached.test,10.0.0.10,600",
        "--address=/many.test/10.9.0.1",
        "--host-record=brief.test,10.0.0.12,1",
    };
    static const char *extra2[] = {"--host-record=h1.test,10.0.0.201",
                                   "--host-record=moved.test,10.0.0.202", NULL};
    int n = 10;

    (void)state;
    if (!adns_t_can_run_dnsmasq())
        exit(LT_SKIP);
    for (int i = 0; i < 60; i++, n++) {
        snprintf(big_args[i], sizeof(big_args[i]),
                 "--host-record=big.test,fd00::%x", i + 1);
        extra[n] = big_args[i];
    }
    extra[n] = NULL;
    if (adns_t_dnsmasq_start(&dm, "127.0.0.1", 0, extra))
        return -1;
    /* A second server on another loopback address, same port. */
    if (adns_t_dnsmasq_start(&dm2, "127.0.0.2", dm.port, extra2))
        return -1;
    {
        static const char *extra6[64] = {
            "--host-record=six.test,10.0.0.66,fd00::66"};

        for (int i = 0; i < 60; i++) {
            snprintf(big6_args[i], sizeof(big6_args[i]),
                     "--host-record=big6.test,fd00::%x", i + 1);
            extra6[i + 1] = big6_args[i];
        }
        /* Optional: only where IPv6 loopback exists. */
        if (!adns_t_dnsmasq_start(&dm6, "::1", 0, extra6))
            snprintf(srv6, sizeof(srv6), "[::1]:%d", dm6.port);
    }
    snprintf(srv, sizeof(srv), "127.0.0.1:%d", dm.port);
    snprintf(srv2, sizeof(srv2), "127.0.0.2:%d", dm.port);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    adns_t_dnsmasq_stop(&dm);
    adns_t_dnsmasq_stop(&dm2);
    if (srv6[0])
        adns_t_dnsmasq_stop(&dm6);
    return 0;
}

static struct lws_context *ctx_one(struct lws_adns_info *ai)
{
    static const char *servers[2];
    struct lws_context *cx;

    servers[0] = srv;
    servers[1] = NULL;
    cx = adns_t_context(ai, servers, NULL);
    assert_non_null(cx);
    return cx;
}

static void resolve(struct lws_context *cx, const char *name,
                    adns_query_type_t t, struct adns_t_res *r)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(lws_async_dns_query(cx, 0, name, t, adns_t_cb, NULL, r),
                     LADNS_RET_CONTINUING);
    assert_int_equal(r->calls, 0); /* never inside the call */
    assert_true(adns_t_run_until(cx, &r->calls, 1, 5000));
}

static void test_adns_it_a_and_aaaa(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct adns_t_res r;

    (void)state;
    resolve(cx, "H1.Test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.ads, "H1.Test");
    assert_int_equal(r.naddr, 2);
    assert_int_equal(r.family[0], AF_INET); /* A first */
    assert_string_equal(r.addr[0], "10.0.0.1");
    assert_int_equal(r.family[1], AF_INET6);
    assert_string_equal(r.addr[1], "fd00::1");
    assert_string_equal(r.canon, "h1.test");

    resolve(cx, "h2.test", LWS_ADNS_RECORD_AAAA, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 2);
    assert_int_equal(r.family[0], AF_INET);
    assert_int_equal(r.family[1], AF_INET);
    lws_context_destroy(cx);
}

static void test_adns_it_cname_chain(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct adns_t_res r;

    (void)state;
    resolve(cx, "c2.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 2);
    assert_string_equal(r.addr[0], "10.0.0.1");
    assert_string_equal(r.canon, "h1.test");

    resolve(cx, "c2.test", LWS_ADNS_RECORD_CNAME, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 1);
    assert_int_equal(r.family[0], AF_UNSPEC);
    assert_string_equal(r.canon, "c1.test");
    lws_context_destroy(cx);
}

static void test_adns_it_nxdomain_nodata(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct adns_t_res r;

    (void)state;
    resolve(cx, "nope.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_NXDOMAIN);
    assert_int_equal(r.naddr, 0);
    resolve(cx, "txtonly.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_NODATA);
    assert_int_equal(r.naddr, 0);
    lws_context_destroy(cx);
}

static void test_adns_it_tcp_fallback(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct adns_t_res r;

    (void)state;
    resolve(cx, "big.test", LWS_ADNS_RECORD_AAAA, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 60); /* all of them, over TCP */
    for (int i = 0; i < r.naddr; i++)
        assert_int_equal(r.family[i], AF_INET6);
    lws_context_destroy(cx);
}

static void test_adns_it_coalesce_and_cache(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    static struct adns_t_res r[50];
    struct lws_adns_stats st;
    int before = adns_t_dnsmasq_count(&dm, "query[A] same.test");
    int calls = 0;

    (void)state;
    memset(r, 0, sizeof(r));
    for (int i = 0; i < 50; i++)
        assert_int_equal(lws_async_dns_query(cx, 0, "same.test",
                                             LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                             &r[i]),
                         LADNS_RET_CONTINUING);
    for (int t = 0; t < 500 && calls < 50; t++) {
        lws_service(cx, 0);
        calls = 0;
        for (int i = 0; i < 50; i++)
            calls += r[i].calls;
    }
    for (int i = 0; i < 50; i++) {
        assert_int_equal(r[i].calls, 1);
        assert_int_equal(r[i].n, LADNS_RET_FOUND);
        assert_string_equal(r[i].addr[0], "10.0.0.9");
    }
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] same.test"),
                     before + 1);
    assert_int_equal(lws_adns_get_stats(cx, &st), 0);
    assert_int_equal(st.coalesced, 49);

    /* Cached now (TTL 600 s in dnsmasq's answer): no new query. */
    before = adns_t_dnsmasq_count(&dm, "query[A] cached.test");
    resolve(cx, "cached.test", LWS_ADNS_RECORD_A, &r[0]);
    resolve(cx, "CACHED.test.", LWS_ADNS_RECORD_A, &r[1]);
    assert_int_equal(r[1].n, LADNS_RET_FOUND);
    assert_string_equal(r[1].addr[0], "10.0.0.10");
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] cached.test"),
                     before + 1);
    assert_int_equal(lws_adns_cache_flush(cx), 0);
    resolve(cx, "cached.test", LWS_ADNS_RECORD_A, &r[2]);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] cached.test"),
                     before + 2);
    lws_context_destroy(cx);
}

/* More distinct names at once than max_outstanding: the rest wait in the
 * queue, start in FIFO order, and every one gets its answer. */
static struct adns_t_res many[200];
static int many_order[200], many_done;

static struct lws *many_cb(struct lws *wsi, const char *ads,
                           const struct addrinfo *result, int n, void *opaque)
{
    struct adns_t_res *r = opaque;

    many_order[many_done++] = (int)(r - many);
    return adns_t_cb(wsi, ads, result, n, opaque);
}

static void many_run(struct lws_context *cx, int count, const char *tag)
{
    char name[64];

    memset(many, 0, sizeof(many));
    many_done = 0;
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof(name), "n%d.%s.many.test", i, tag);
        assert_int_equal(lws_async_dns_query(cx, 0, name, LWS_ADNS_RECORD_A,
                                             many_cb, NULL, &many[i]),
                         LADNS_RET_CONTINUING);
    }
    assert_true(adns_t_run_until(cx, &many_done, count, 20000));
    for (int i = 0; i < count; i++) {
        assert_int_equal(many[i].calls, 1);
        assert_int_equal(many[i].n, LADNS_RET_FOUND);
        assert_string_equal(many[i].addr[0], "10.9.0.1");
    }
}

static void test_adns_it_queue_200(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai); /* defaults: 64 in flight */
    struct lws_adns_stats st;
    char name[64];

    (void)state;
    many_run(cx, 200, "q");
    assert_int_equal(lws_adns_get_stats(cx, &st), 0);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.in_flight, 0);
    assert_int_equal(st.wire_queries, 400); /* A + AAAA each */
    lws_context_destroy(cx);

    /* One at a time on the wire: answers come back in the callers' order. */
    memset(&ai, 0, sizeof(ai));
    ai.max_outstanding = 1;
    cx = ctx_one(&ai);
    many_run(cx, 30, "fifo");
    for (int i = 0; i < 30; i++)
        assert_int_equal(many_order[i], i);
    lws_context_destroy(cx);

    /* Past the queue's bound: refused, logged, no callback; the accepted
     * ones all answered. */
    memset(&ai, 0, sizeof(ai));
    ai.max_outstanding = 4;
    ai.max_queued = 6;
    cx = ctx_one(&ai);
    memset(many, 0, sizeof(many));
    many_done = 0;
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof(name), "n%d.cap.many.test", i);
        assert_int_equal(lws_async_dns_query(cx, 0, name, LWS_ADNS_RECORD_A,
                                             many_cb, NULL, &many[i]),
                         i < 10 ? LADNS_RET_CONTINUING : LADNS_RET_FAILED);
    }
    assert_int_equal(lws_adns_get_stats(cx, &st), 0);
    assert_int_equal(st.in_flight, 4);
    assert_int_equal(st.queued, 6);
    assert_true(adns_t_run_until(cx, &many_done, 10, 20000));
    for (int i = 0; i < 12; i++)
        assert_int_equal(many[i].calls, i < 10);
    lws_context_destroy(cx);
}

/* A bound UDP socket nobody reads (queries to it vanish); its address in
 * *@sin.  @return the fd. */
static int silent_socket(struct sockaddr_in *sin)
{
    socklen_t sl = sizeof(*sin);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
    getsockname(fd, (struct sockaddr *)sin, &sl);
    return fd;
}

/* Source ports dnsmasq saw for the A and AAAA questions of names holding
 * @tag: how many distinct, and the most questions one port carried. */
static int ports_of(const char *tag, int *max_per_port)
{
    static unsigned short count[65536];
    char line[1024];
    FILE *f = fopen(dm.log, "r");
    int n = 0;

    memset(count, 0, sizeof(count));
    *max_per_port = 0;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        char *slash = strstr(line, "127.0.0.1/");
        long p;

        if (!strstr(line, "query[") || !strstr(line, tag) || !slash)
            continue;
        p = strtol(slash + 10, NULL, 10);
        if (p <= 0 || p > 65535)
            continue;
        n += !count[p]++;
        if (count[p] > *max_per_port)
            *max_per_port = count[p];
    }
    fclose(f);
    return n;
}

/* 40 names (80 questions) with @qps questions per socket: the distinct
 * source ports dnsmasq saw, the most questions one port carried in @most. */
static int ports_with_qps(uint32_t qps, const char *tag, int *most)
{
    struct lws_adns_info ai = {.questions_per_socket = qps};
    struct lws_context *cx = ctx_one(&ai);
    char suffix[32];

    many_run(cx, 40, tag);
    lws_context_destroy(cx);
    snprintf(suffix, sizeof(suffix), ".%s.many.test", tag);
    return ports_of(suffix, most);
}

/* questions_per_socket: by default every question gets a socket (and a
 * random port) of its own; with K, no socket carries more than K. */
static void test_adns_it_questions_per_socket(void **state)
{
    int ports, most;

    (void)state;
    ports = ports_with_qps(0, "k1", &most);
    /* 80 questions, 80 random ports: a few may coincide by chance. */
    assert_true(ports >= 76);

    ports = ports_with_qps(3, "k3", &most);
    assert_true(most <= 3);
    assert_true(ports >= 26 && ports <= 27); /* 27 sockets for 80 */

    ports = ports_with_qps(4, "k4", &most);
    assert_true(most <= 4);
    assert_true(ports >= 19 && ports <= 20);

    ports = ports_with_qps(LWS_ADNS_REUSE_FREELY, "kinf", &most);
    assert_int_equal(ports, 1);
    assert_int_equal(most, 80);
}

/* A server list change while questions are outstanding on a shared
 * socket: new questions go out at once to the new first server (on a new
 * socket: a socket is connected to one server); the one waiting on the old
 * server's socket stays there until its try is over, and its retry asks
 * the list as it is then, so the new server answers it. */
static void test_adns_it_server_change_while_busy(void **state)
{
    struct lws_adns_info ai = {0};
    static struct adns_t_res slow;
    struct lws_context *cx;
    struct sockaddr_in sin;
    lws_sockaddr46 silent, good;
    struct adns_t_res r;
    int fd;

    (void)state;
    fd = silent_socket(&sin);
    memset(&silent, 0, sizeof(silent));
    silent.sa4 = sin;
    ai.questions_per_socket = LWS_ADNS_REUSE_FREELY;
    ai.query_deadline_ms = 1500;
    cx = adns_t_context(&ai, NULL, NULL);
    assert_non_null(cx);
    assert_int_equal(lws_async_dns_server_add(cx, &silent), 0);
    memset(&slow, 0, sizeof(slow));
    assert_int_equal(lws_async_dns_query(cx, 0, "slow.many.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &slow),
                     LADNS_RET_CONTINUING);
    lws_service(cx, 0);
    lws_async_dns_server_remove(cx, &silent);
    assert_int_equal(lws__adns_parse_server(srv, &good), 0);
    assert_int_equal(lws_async_dns_server_add(cx, &good), 0);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.0.0.1");
    assert_int_equal(slow.calls, 0); /* still waiting on the old socket */
    assert_true(adns_t_run_until(cx, &slow.calls, 1, 5000));
    assert_int_equal(slow.n, LADNS_RET_FOUND);
    assert_string_equal(slow.addr[0], "10.9.0.1");
    lws_context_destroy(cx);
    close(fd);
}

static void test_adns_it_dead_first_server(void **state)
{
    struct lws_adns_info ai = {0};
    const char *servers[3];
    char dead[64];
    struct lws_context *cx;
    struct adns_t_res r;
    long long t0;

    (void)state;
    /* Nothing listens there: the kernel answers port unreachable. */
    snprintf(dead, sizeof(dead), "127.0.0.1:%d", lt_free_port(true));
    servers[0] = dead;
    servers[1] = srv;
    servers[2] = NULL;
    ai.try_timeout_ms = 300;
    cx = adns_t_context(&ai, servers, NULL);
    assert_non_null(cx);
    t0 = lt_now_ms();
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.0.0.1");
    assert_true(lt_now_ms() - t0 < 2000);
    lws_context_destroy(cx);
}

static void test_adns_it_silent_server_timeout(void **state)
{
    struct lws_adns_info ai = {0};
    const char *servers[2];
    char silent[64];
    struct lws_context *cx;
    struct adns_t_res r;
    int fd, port;
    struct sockaddr_in sin;

    (void)state;
    fd = silent_socket(&sin);
    port = ntohs(sin.sin_port);
    snprintf(silent, sizeof(silent), "127.0.0.1:%d", port);
    servers[0] = silent;
    servers[1] = NULL;
    ai.try_timeout_ms = 2000;
    ai.query_deadline_ms = 300;
    cx = adns_t_context(&ai, servers, NULL);
    assert_non_null(cx);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_TIMEDOUT);
    lws_context_destroy(cx);
    close(fd);
}

static void test_adns_it_server_add_remove(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = adns_t_context(&ai, NULL, NULL);
    lws_sockaddr46 sa;
    struct adns_t_res r;

    (void)state;
    assert_non_null(cx);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FAILED); /* no server at all */
    memset(&sa, 0, sizeof(sa));
    assert_int_equal(lws__adns_parse_server(srv2, &sa), 0);
    assert_int_equal(lws_async_dns_server_add(cx, &sa), 0);
    resolve(cx, "moved.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.0.0.202");
    lws_async_dns_server_remove(cx, &sa);
    lws_adns_cache_flush(cx);
    resolve(cx, "moved.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FAILED);
    lws_context_destroy(cx);
}

static void test_adns_it_resolv_conf_reload(void **state)
{
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* LWS_WITH_SYS_ASYNC_DNS_FILES is off in this build */
#else
    struct lws_adns_info ai = {0};
    char dir[200], path[260];
    struct lws_context *cx;
    struct adns_t_res r;

    (void)state;
    assert_int_equal(lt_mkdtemp(dir, sizeof(dir), "adns-resolv"), 0);
    snprintf(path, sizeof(path), "%s/resolv.conf", dir);
    assert_int_equal(lt_write_file(path, "# test\nnameserver 127.0.0.1\n"), 0);
    ai.resolv_conf_path = path;
    ai.port = (uint16_t)dm.port;
    cx = adns_t_context(&ai, NULL, NULL);
    assert_non_null(cx);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.0.0.1");

    /* Point it at the other server; a new answer must come from there. */
    assert_int_equal(lt_write_file(path, "nameserver 127.0.0.2 # moved\n"), 0);
    lws_adns_cache_flush(cx);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.0.0.201");
    lws_context_destroy(cx);
    lt_rmtree(dir);
#endif
}

static void test_adns_it_dhcp_servers(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = adns_t_context(&ai, NULL, NULL);
    uint32_t a2 = 0x7f000002u, a1 = 0x7f000001u;
    struct adns_t_res r;

    (void)state;
    ai.port = 0;
    assert_non_null(cx);
    /* DHCP gives addresses only: use the configured port through a
     * context whose default port is dnsmasq's. */
    lws_context_destroy(cx);
    ai.port = (uint16_t)dm.port;
    cx = adns_t_context(&ai, NULL, NULL);
    assert_int_equal(lws__adns_dhcp_servers(cx, "eth9", &a2, 1), 0);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_string_equal(r.addr[0], "10.0.0.201");
    /* A new lease replaces the older servers of that interface. */
    assert_int_equal(lws__adns_dhcp_servers(cx, "eth9", &a1, 1), 0);
    lws_adns_cache_flush(cx);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_string_equal(r.addr[0], "10.0.0.1");
    lws_context_destroy(cx);
}

static lws_usec_t clock_offset;

static lws_usec_t fake_now(void)
{
    return lws_now_usecs() + clock_offset;
}

/* TTLs counted from now, with a clock the test moves: the entry lives for
 * the answer's TTL (300 s for h1.test), then dnsmasq is asked again. */
static void test_adns_it_ttl_expiry(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct adns_t_res r;
    int c0 = adns_t_dnsmasq_count(&dm, "query[A] h1.test ");

    (void)state;
    clock_offset = 0;
    lws__adns_set_clock(cx, fake_now);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] h1.test "), c0 + 1);
    clock_offset = 299 * LWS_US_PER_SEC;
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] h1.test "), c0 + 1);
    clock_offset = 301 * LWS_US_PER_SEC;
    resolve(cx, "h1.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] h1.test "), c0 + 2);
    lws_context_destroy(cx);

    /* The upper clamp: cached.test says 600 s, the cap is 10 s. */
    ai.ttl_max_s = 10;
    cx = ctx_one(&ai);
    clock_offset = 0;
    lws__adns_set_clock(cx, fake_now);
    c0 = adns_t_dnsmasq_count(&dm, "query[A] cached.test ");
    resolve(cx, "cached.test", LWS_ADNS_RECORD_A, &r);
    clock_offset = 9 * LWS_US_PER_SEC;
    resolve(cx, "cached.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] cached.test "),
                     c0 + 1);
    clock_offset = 11 * LWS_US_PER_SEC;
    resolve(cx, "cached.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] cached.test "),
                     c0 + 2);
    lws_context_destroy(cx);
}

/* The real clock: an answer with a TTL of 1 s, then the caller blocks the
 * loop thread for longer than that (it does not service the loop, so the
 * loop's idea of the time stays where it was) and asks again: the entry has
 * expired by the time of the query, so dnsmasq is asked again rather than a
 * stale answer served. */
static void test_adns_it_ttl_after_caller_blocked(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct timespec ts = {1, 200 * 1000 * 1000};
    struct lws_adns_stats st;
    struct adns_t_res r;
    int c0 = adns_t_dnsmasq_count(&dm, "query[A] brief.test ");

    (void)state;
    resolve(cx, "brief.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(lws_adns_get_stats(cx, &st), 0);
    assert_int_equal(st.cache_entries, 1); /* cached, for 1 s */
    /* The caller's own work, blocking: the precondition, not a wait for
     * something (longer on a loaded machine only makes it more so). */
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
    resolve(cx, "brief.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.0.0.12");
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] brief.test "), c0 + 2);
    assert_int_equal(lws_adns_get_stats(cx, &st), 0);
    assert_int_equal(st.cache_hits, 0);
    lws_context_destroy(cx);
}

/* RFC 2308 §5: dnsmasq's NXDOMAIN carries no SOA, so it is not cached:
 * each lookup asks again.  (The in-process server of it-adns-hostile.c
 * shows the cached case.) */
static void test_adns_it_negative_not_cached_without_soa(void **state)
{
    struct lws_adns_info ai = {0};
    struct lws_context *cx = ctx_one(&ai);
    struct adns_t_res r;
    int c0 = adns_t_dnsmasq_count(&dm, "query[A] gone.test ");

    (void)state;
    resolve(cx, "gone.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_NXDOMAIN);
    resolve(cx, "gone.test", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_NXDOMAIN);
    assert_int_equal(adns_t_dnsmasq_count(&dm, "query[A] gone.test "), c0 + 2);
    lws_context_destroy(cx);
}

static void test_adns_it_ipv6_server(void **state)
{
    const char *servers[2];
    struct lws_adns_info ai = {0};
    struct lws_context *cx;
    struct adns_t_res r;

    (void)state;
    if (!srv6[0]) {
        print_message("no ::1 server, skipped\n");
        return;
    }
    servers[0] = srv6;
    servers[1] = NULL;
    cx = adns_t_context(&ai, servers, NULL);
    assert_non_null(cx);
    resolve(cx, "six.test", LWS_ADNS_RECORD_AAAA, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 2);
    assert_string_equal(r.addr[0], "10.0.0.66");
    assert_string_equal(r.addr[1], "fd00::66");
    resolve(cx, "big6.test", LWS_ADNS_RECORD_AAAA, &r); /* TCP over v6 */
    assert_int_equal(r.n, LADNS_RET_FOUND);
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adns_it_a_and_aaaa),
        cmocka_unit_test(test_adns_it_cname_chain),
        cmocka_unit_test(test_adns_it_nxdomain_nodata),
        cmocka_unit_test(test_adns_it_tcp_fallback),
        cmocka_unit_test(test_adns_it_coalesce_and_cache),
        cmocka_unit_test(test_adns_it_queue_200),
        cmocka_unit_test(test_adns_it_questions_per_socket),
        cmocka_unit_test(test_adns_it_server_change_while_busy),
        cmocka_unit_test(test_adns_it_dead_first_server),
        cmocka_unit_test(test_adns_it_silent_server_timeout),
        cmocka_unit_test(test_adns_it_server_add_remove),
        cmocka_unit_test(test_adns_it_resolv_conf_reload),
        cmocka_unit_test(test_adns_it_dhcp_servers),
        cmocka_unit_test(test_adns_it_ttl_expiry),
        cmocka_unit_test(test_adns_it_ttl_after_caller_blocked),
        cmocka_unit_test(test_adns_it_negative_not_cached_without_soa),
        cmocka_unit_test(test_adns_it_ipv6_server),
    };

    return cmocka_run_group_tests_name("adns-it", tests, group_setup,
                                       group_teardown);
}
