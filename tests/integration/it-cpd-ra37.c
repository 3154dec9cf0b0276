/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * End to end, as root, in two network namespaces of the test's own: an RA
 * sender of the test's own (dnsmasq's RAs cannot carry it) puts the
 * captive-portal URI of RFC 8910 in option 37; the RA client under test
 * reads it and CPD reports it (lws_system_cpd_get_status()) with the
 * result CAPTIVE_PORTAL carrying it (log, smd), while the DHCP step (policy
 * v6) holds the ladder: the RAs name a router but no DNS server yet.  Then
 * the RAs add an RDNSS server: IPv6 is usable, the DHCP step passes, and
 * the ladder's CPD_PRE_TIME check (the re-check) probes nginx in the server
 * namespace over IPv6, which answers 204: INTERNET_OK, the URI still
 * reported.  Every wait polls for its condition with a deadline.
 */
#define _GNU_SOURCE
#include "cpd-spawn.h"
#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#include <lws-system.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SRV6   "2001:db8:37::1"
#define CLI6   "2001:db8:37::2"
#define PORTAL "https://portal.ra37.test/capport-api"

static struct dt_netpair np;
static char dir[PATH_MAX], hosts[PATH_MAX + 16], alog[PATH_MAX + 16];
static pid_t nginx_pid = -1;
static int port, ra_fd = -1, saved_ns = -1;
static long long ra_last;
static bool ra_rdnss; /* the RAs carry an RDNSS option too */

static long long scaled(long long ms)
{
    return ms * lt_timeout_scale();
}

/* --------------------------------------------------- the RA sender */

/* An RA to all nodes every 300 ms: a router (lifetime 1800 s), option 37
 * and, once ra_rdnss is set, an RDNSS option naming the server. */
static void ra_send(void)
{
    uint8_t ra[16 + 24 + 48] = {ND_ROUTER_ADVERT, 0, 0, 0, 64, 0, 0x07, 0x08};
    struct sockaddr_in6 to = {.sin6_family = AF_INET6};
    size_t n = 16, ul = strlen(PORTAL), ol = (2 + ul + 7) / 8;

    if (lt_now_ms() - ra_last < 300)
        return;
    ra_last = lt_now_ms();
    if (ra_rdnss) {
        memcpy(ra + n, "\x19\x03\0\0\0\0\x02\x58", 8); /* 600 s */
        inet_pton(AF_INET6, SRV6, ra + n + 8);
        n += 24;
    }
    /* RFC 8910 section 2.3: type 37, length in 8 octets, zero padded */
    ra[n] = 37;
    ra[n + 1] = (uint8_t)ol;
    memcpy(ra + n + 2, PORTAL, ul);
    n += ol * 8;
    inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
    (void)!sendto(ra_fd, ra, n, 0, (struct sockaddr *)&to, sizeof(to));
}

/* ------------------------------------------------------ the client */

static int smd_captive, smd_ok; /* CPD results seen on lws_smd */

static int smd_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                  size_t len)
{
    (void)opaque, (void)cls, (void)ts;
    if (memmem(buf, len, "\"type\":\"cpd\",\"result\":\"Captive\"", 31))
        smd_captive++;
    if (memmem(buf, len, "\"type\":\"cpd\",\"result\":\"OK\"", 26))
        smd_ok++;
    return 0;
}

static struct lws_cpd_status st;

static bool portal_result(void *cx)
{
    ra_send();
    return !lws_system_cpd_get_status(cx, &st) &&
           st.result == LWS_CPD_CAPTIVE_PORTAL && smd_captive;
}

static bool ok_result(void *cx)
{
    ra_send();
    return !lws_system_cpd_get_status(cx, &st) &&
           st.result == LWS_CPD_INTERNET_OK && smd_ok;
}

static void test_cpd_ra_option37_portal_then_probe_ok(void **state)
{
    char url[128], log[4096];
    struct lws_adns_info ai = {.resolv_conf_path = "", .hosts_path = hosts};
    struct lws_cpd_info ci = {0};
    struct lws_context_creation_info info;
    struct lws_context *cx;
    ssize_t n;

    (void)state;
    snprintf(url, sizeof(url), "http://cpd.ra37.test:%d/generate_204", port);
    ci.http_url = url;
    memset(&info, 0, sizeof(info));
    info.cpd = &ci;
    info.adns = &ai;
    info.target_state = LWS_SYSTATE_CPD_PRE_TIME;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    assert_non_null(lws_smd_register(cx, NULL, 0, LWSSMDCL_NETWORK, smd_cb));
    assert_int_equal(lws_dhcpc6_request(cx, np.if_cli), 0);
    assert_int_equal(lws_dhcpc_request_ex(
                         cx, &(lws_dhcpc_req_t){.iface = np.if_cli,
                                                .policy = LWS_DHCPC_POLICY_V6}),
                     0);

    /* option 37 with a router but no DNS server: the portal result, the
     * ladder held at the DHCP step (nothing probed yet) */
    assert_true(dt_service_until(cx, portal_result, cx, scaled(30000), 20));
    assert_string_equal(st.portal_uri, PORTAL);
    assert_string_equal(st.portal_if, np.if_cli);
    assert_non_null(strstr(lws_system_cpd_reason(cx), PORTAL));
    assert_int_equal(st.checks, 0);
    assert_true(lws_system_get_state_manager(cx)->state <
                LWS_SYSTATE_CPD_PRE_TIME);
    assert_non_null(lws_state_blocker(lws_system_get_state_manager(cx), NULL));
    assert_string_equal(
        lws_state_blocker(lws_system_get_state_manager(cx), NULL), "dhcpc");

    /* an RDNSS server too: IPv6 usable, DHCP passes, the CPD_PRE_TIME
     * check probes nginx over IPv6 and the result is OK */
    ra_rdnss = true;
    assert_true(dt_service_until(cx, ok_result, cx, scaled(30000), 20));
    assert_int_equal(lws_system_get_state_manager(cx)->state,
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_string_equal(st.portal_uri, PORTAL); /* still reported */
    assert_int_equal(st.checks, 1);
    assert_int_equal(smd_captive, 1);
    lws_context_destroy(cx);
    /* nginx logs the request after the reply went out */
    assert_true(lt_wait_file_contains(alog, "\n", 5000));
    n = lt_read_file(alog, log, sizeof(log));
    assert_true(n > 0);
    assert_int_equal(strncmp(log, CLI6 " ", strlen(CLI6) + 1), 0);
}

/* ------------------------------------------------------------ setup */

/* The server end's link-local address is past DAD: RAs can go out. */
static bool srv_ll_ready(void *arg)
{
    char out[2048];

    (void)arg;
    dt_netns_sh(np.ns_srv, out, sizeof(out),
                "ip -6 addr show dev %s scope link", np.if_srv);
    return strstr(out, "fe80") && !strstr(out, "tentative");
}

static int group_setup(void **state)
{
    char bin[256], conf[PATH_MAX + 16], out[PATH_MAX + 16],
        text[4 * PATH_MAX + 512];

    (void)state;
    if (!lt_which("nginx", bin, sizeof(bin))) {
        fprintf(stderr, "no nginx: skipped\n");
        exit(LT_SKIP);
    }
    if (lt_mkdtemp(dir, sizeof(dir), "cpd-ra37") ||
        dt_netpair_create(&np, "r7", NULL) ||
        dt_netns_sh(np.ns_srv, NULL, 0,
                    "ip -6 addr add " SRV6 "/64 dev %s nodad", np.if_srv) ||
        dt_netns_sh(np.ns_cli, NULL, 0,
                    "ip -6 addr add " CLI6 "/64 dev %s nodad", np.if_cli))
        return -1;
    port = lt_free_port(false);
    snprintf(alog, sizeof(alog), "%s/access.log", dir);
    snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
    snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
    snprintf(out, sizeof(out), "%s/nginx.out", dir);
    snprintf(text, sizeof(text),
             "worker_processes 1;\nerror_log %s/error.log;\n"
             "pid %s/nginx.pid;\nevents { worker_connections 64; }\n"
             "http {\n log_format peer '$remote_addr $request';\n"
             " access_log %s peer;\n"
             " server {\n  listen [::]:%d ipv6only=on;\n"
             "  location = /generate_204 { return 204; }\n }\n}\n",
             dir, dir, alog, port);
    if (lt_write_file(conf, text) ||
        lt_write_file(hosts, SRV6 " cpd.ra37.test\n"))
        return -1;
    char *argv[] = {bin, "-p", dir, "-c", conf, "-g", "daemon off;", NULL};
    nginx_pid = lt_spawn(argv, out, np.ns_srv);
    if (nginx_pid < 0 || !lt_wait_for(cpd_nginx_ready, dir, 10000) ||
        !lt_wait_for(srv_ll_ready, NULL, (int)scaled(10000)) ||
        (ra_fd = dt_ra_sock(np.ns_srv, np.if_srv)) < 0) {
        fprintf(stderr, "nginx, the link or the RA socket not ready\n");
        return -1;
    }
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static void stop_all(void)
{
    if (ra_fd >= 0)
        close(ra_fd);
    ra_fd = -1;
    if (nginx_pid > 0)
        lt_kill(nginx_pid, 3000);
    nginx_pid = -1;
    dt_netpair_destroy(&np);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    saved_ns = -1;
    stop_all();
    if (!getenv("LWS_TEST_DEBUG") && dir[0])
        lt_rmtree(dir);
    return 0;
}

static void on_signal(int sig)
{
    stop_all();
    dt_reraise(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpd_ra_option37_portal_then_probe_ok),
    };
    int r;

#if !LWS_WITH_SYS_CPD_HTTP
    fprintf(stderr, "LWS_WITH_SYS_CPD_HTTP is off: skipped\n");
    return LT_SKIP;
#endif
    r = dt_main_begin(false, on_signal);
    if (r)
        return r;
    return cmocka_run_group_tests_name("cpd-ra37", tests, group_setup,
                                       group_teardown);
}
