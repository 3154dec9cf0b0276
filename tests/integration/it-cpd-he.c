/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Integration test of Happy Eyeballs v2 in the CPD client, in network
 * namespaces of its own: nginx in the server namespace answers the probe on
 * 10.78.0.1 and 2001:db8:78::1 (one name, both in the hosts file, IPv4
 * listed first); the probe runs in the client namespace, where nftables
 * drops what it sends to one family.  With both working the probe uses
 * IPv6 (RFC 6724); with IPv6 black-holed it reaches the server over IPv4,
 * with IPv4 dropped over IPv6, over HTTP and over HTTPS (the TLS handshake
 * runs over the connection that won; a self-signed certificate for the
 * name is its own trust anchor).  nginx's access log tells which family
 * carried the request.  The time of each check is printed, not asserted
 * (the machine may be loaded): with IPv6 black-holed it is the 250 ms head
 * start plus one round trip.
 */
#define _GNU_SOURCE
#include "cpd-spawn.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#include <lws-system.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct dt_netpair g_np;
static char g_dir[PATH_MAX], g_hosts[PATH_MAX + 16], g_alog[PATH_MAX + 16];
static pid_t g_nginx = -1;
static int g_port, g_tport; /* HTTP, HTTPS */

static int group_setup(void **state)
{
    char nginx[256], conf[PATH_MAX + 16], log[PATH_MAX + 16],
        text[5 * PATH_MAX + 1024];

    (void)state;
    if (!lt_is_root() || !lt_which("nginx", nginx, sizeof(nginx)) ||
        !lt_which("nft", text, sizeof(text)) ||
        !lt_which("openssl", text, sizeof(text))) {
        fprintf(stderr, "needs root, nginx, nft and openssl: skipped\n");
        exit(LT_SKIP);
    }
    dt_netns_reap_stale();
    if (lt_mkdtemp(g_dir, sizeof(g_dir), "cpd-he") ||
        dt_netpair_create(&g_np, "he", "10.78.0.1/24"))
        return -1;
    if (dt_netns_sh(g_np.ns_srv, NULL, 0,
                    "ip addr add 2001:db8:78::1/64 dev %s nodad",
                    g_np.if_srv) ||
        dt_netns_sh(g_np.ns_cli, NULL, 0,
                    "ip addr add 10.78.0.2/24 dev %s && "
                    "ip addr add 2001:db8:78::2/64 dev %s nodad",
                    g_np.if_cli, g_np.if_cli))
        return -1;
    /* one self-signed certificate for the name: its own trust anchor */
    if (lt_sh("cd %s && openssl req -x509 -newkey ec -pkeyopt "
              "ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=cpd.he.test "
              "-addext subjectAltName=DNS:cpd.he.test -keyout he.key "
              "-out he.crt >openssl.log 2>&1",
              g_dir))
        return -1;
    g_port = lt_free_port(false);
    do
        g_tport = lt_free_port(false);
    while (g_tport == g_port);
    snprintf(g_alog, sizeof(g_alog), "%s/access.log", g_dir);
    snprintf(text, sizeof(text),
             "worker_processes 1;\nerror_log %s/error.log;\n"
             "pid %s/nginx.pid;\nevents { worker_connections 64; }\n"
             "http {\n log_format peer '$remote_addr';\n"
             " access_log %s peer;\n"
             " server {\n  listen %d;\n  listen [::]:%d ipv6only=on;\n"
             "  location = /generate_204 { return 204; }\n }\n"
             " server {\n  listen %d ssl;\n  listen [::]:%d ssl ipv6only=on;\n"
             "  ssl_certificate %s/he.crt;\n  ssl_certificate_key %s/he.key;\n"
             "  location = /generate_204 { return 204; }\n }\n}\n",
             g_dir, g_dir, g_alog, g_port, g_port, g_tport, g_tport, g_dir,
             g_dir);
    snprintf(conf, sizeof(conf), "%s/nginx.conf", g_dir);
    snprintf(log, sizeof(log), "%s/nginx.out", g_dir);
    snprintf(g_hosts, sizeof(g_hosts), "%s/hosts", g_dir);
    if (lt_write_file(conf, text) ||
        lt_write_file(g_hosts, "10.78.0.1 cpd.he.test\n"
                               "2001:db8:78::1 cpd.he.test\n"))
        return -1;
    char *argv[] = {nginx, "-p", g_dir, "-c", conf, "-g", "daemon off;", NULL};
    g_nginx = lt_spawn(argv, log, g_np.ns_srv);
    if (g_nginx < 0 || !lt_wait_for(cpd_nginx_ready, g_dir, 10000)) {
        fprintf(stderr, "nginx did not start, see %s\n", log);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_nginx > 0)
        lt_kill(g_nginx, 3000);
    dt_netpair_destroy(&g_np);
    if (g_dir[0])
        lt_rmtree(g_dir);
    return 0;
}

/* nftables in the client namespace: drop what goes to @daddr ("ip daddr
 * 10.78.0.1") on the HTTP and HTTPS ports, or nothing (NULL). */
static void drop(const char *daddr)
{
    dt_netns_sh(g_np.ns_cli, NULL, 0,
                "nft delete table inet lwshe 2>/dev/null");
    if (daddr)
        assert_int_equal(
            dt_netns_sh(g_np.ns_cli, NULL, 0,
                        "nft add table inet lwshe && nft add chain inet lwshe "
                        "out \"{ type filter hook output priority 0; }\" && "
                        "nft add rule inet lwshe out %s tcp dport "
                        "\"{ %d, %d }\" drop",
                        daddr, g_port, g_tport),
            0);
}

struct run {
    struct lws_context *cx;
    lws_sorted_usec_list_t sul_guard;
    bool timed_out;
};

static void guard_cb(lws_sorted_usec_list_t *sul)
{
    lws_container_of(sul, struct run, sul_guard)->timed_out = true;
}

/* One CPD check in the client namespace; @return the result, @ms its time
 * and @peer the address nginx saw. */
static lws_cpd_result_t check(bool tls, long long *ms, char *peer, size_t plen)
{
    char ca[PATH_MAX + 16];
    struct lws_adns_info ai = {.resolv_conf_path = "", .hosts_path = g_hosts};
    struct lws_context_creation_info info;
    struct lws_cpd_info ci = {0};
    struct run r = {0};
    lws_state_manager_t *mgr;
    lws_cpd_result_t res;
    char u[96], alog[4096];
    long long t0;
    ssize_t n;
    int saved;

    assert_int_equal(truncate(g_alog, 0), 0);
    snprintf(u, sizeof(u), "%s://cpd.he.test:%d/generate_204",
             tls ? "https" : "http", tls ? g_tport : g_port);
    snprintf(ca, sizeof(ca), "%s/he.crt", g_dir);
    if (tls) {
        ci.https_url = u;
        ci.ca_bundle = ca;
    } else
        ci.http_url = u;
    ci.retries = -1; /* one attempt: the race, not a retry, must win */
    ci.attempt_timeout_ms = 5000u * (unsigned int)lt_timeout_scale();
    memset(&info, 0, sizeof(info));
    info.cpd = &ci;
    info.adns = &ai;
    info.target_state =
        tls ? LWS_SYSTATE_CPD_POST_TIME : LWS_SYSTATE_CPD_PRE_TIME;
    assert_int_equal(dt_netns_enter(g_np.ns_cli, &saved), 0);
    r.cx = lws_create_context(&info);
    assert_non_null(r.cx);
    mgr = lws_system_get_state_manager(r.cx);
    lws_sul_schedule(r.cx, 0, &r.sul_guard, guard_cb,
                     (lws_usec_t)30000 * lt_timeout_scale() * LWS_US_PER_MS);
    t0 = lt_now_ms();
    while (lws_system_cpd_state_get(r.cx) == LWS_CPD_UNKNOWN && !r.timed_out)
        lws_service(r.cx, 0);
    *ms = lt_now_ms() - t0;
    lws_sul_cancel(&r.sul_guard);
    (void)mgr;
    res = lws_system_cpd_state_get(r.cx);
    fprintf(stderr, "  -> %s in %lld ms: %s\n", lws_cpd_result_name(res), *ms,
            lws_system_cpd_reason(r.cx));
    lws_context_destroy(r.cx);
    assert_int_equal(dt_netns_leave(saved), 0);
    /* nginx logs the request after the reply went out */
    lt_wait_file_contains(g_alog, "\n", 5000);
    n = lt_read_file(g_alog, alog, sizeof(alog));
    alog[n > 0 ? strcspn(alog, "\n") : 0] = '\0';
    if (strlen(alog) >= plen)
        alog[plen - 1] = '\0';
    memcpy(peer, alog, strlen(alog) + 1);
    return res;
}

static void test_cpd_he_both_work_v6_used(void **state)
{
    char peer[64];
    long long ms;

    (void)state;
    drop(NULL);
    assert_int_equal(check(false, &ms, peer, sizeof(peer)),
                     LWS_CPD_INTERNET_OK);
    fprintf(stderr, "  both families work: %lld ms, over %s\n", ms, peer);
    assert_string_equal(peer, "2001:db8:78::2");
}

static void test_cpd_he_v6_blackholed(void **state)
{
    char peer[64];
    long long ms;

    (void)state;
    drop("ip6 daddr 2001:db8:78::1");
    assert_int_equal(check(false, &ms, peer, sizeof(peer)),
                     LWS_CPD_INTERNET_OK);
    fprintf(stderr, "  IPv6 black-holed: result in %lld ms, over %s\n", ms,
            peer);
    assert_string_equal(peer, "10.78.0.2");
    drop(NULL);
}

static void test_cpd_he_v4_dropped(void **state)
{
    char peer[64];
    long long ms;

    (void)state;
    drop("ip daddr 10.78.0.1");
    assert_int_equal(check(false, &ms, peer, sizeof(peer)),
                     LWS_CPD_INTERNET_OK);
    fprintf(stderr, "  IPv4 dropped: result in %lld ms, over %s\n", ms, peer);
    assert_string_equal(peer, "2001:db8:78::2");
    drop(NULL);
}

/* HTTPS: the TLS handshake runs over the connection that won. */
static void test_cpd_he_https_v6_blackholed(void **state)
{
    char peer[64];
    long long ms;

    (void)state;
    drop("ip6 daddr 2001:db8:78::1");
    assert_int_equal(check(true, &ms, peer, sizeof(peer)), LWS_CPD_INTERNET_OK);
    fprintf(stderr, "  HTTPS, IPv6 black-holed: result in %lld ms, over %s\n",
            ms, peer);
    assert_string_equal(peer, "10.78.0.2");
    drop("ip daddr 10.78.0.1");
    assert_int_equal(check(true, &ms, peer, sizeof(peer)), LWS_CPD_INTERNET_OK);
    fprintf(stderr, "  HTTPS, IPv4 dropped: result in %lld ms, over %s\n", ms,
            peer);
    assert_string_equal(peer, "2001:db8:78::2");
    drop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpd_he_both_work_v6_used),
        cmocka_unit_test(test_cpd_he_v6_blackholed),
        cmocka_unit_test(test_cpd_he_v4_dropped),
        cmocka_unit_test(test_cpd_he_https_v6_blackholed),
    };

#if !LWS_WITH_SYS_CPD_HTTP
    fprintf(stderr, "LWS_WITH_SYS_CPD_HTTP is off: skipped\n");
    return LT_SKIP;
#endif
    lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, NULL);
    return cmocka_run_group_tests_name("integration/cpd-he", tests, group_setup,
                                       group_teardown);
}
