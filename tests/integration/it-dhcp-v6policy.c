/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * IPv6 and the DHCP step, as root, in two network namespaces joined by a
 * veth pair that this test creates and removes.  The server namespace runs
 * radvd (prefix, RDNSS) and dnsmasq as a DNS server on its IPv6 address;
 * the client runs the DHCPv4 client and the RA client on its end.
 *  - RFC 8925: a second dnsmasq serves DHCPv4 with option 108
 *    (IPv6-only preferred, 1800 s).  Once IPv6 works on the link (a
 *    default router and the kernel's SLAAC address), the client takes the
 *    OFFER's hint: V6ONLY_WAIT for 1800 s, no REQUEST sent (dnsmasq's log),
 *    no IPv4 address on the interface, and the default policy (either)
 *    lets the DHCP state pass on IPv6.  The same server with the client
 *    configured not IPv6-only capable leases an address as usual.
 *  - The policy on an IPv6-only link (no DHCPv4 server): "either" and "v6"
 *    pass the DHCP state once there is a router, an address and an RDNSS
 *    server; "v4" and "both" hold it, with the DHCP client named as the
 *    holder.
 */
#include "private-ra6.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#define SRV_IP6 "2001:db8:78::1"
#define SRV_IP4 "10.78.0.1"

static struct dt_netpair np;
static char tmpdir[200], radvd_log[256], dns_log[256], dhcp_log[256];
static pid_t radvd_pid = -1, dns_pid = -1, dhcp_pid = -1;
static int saved_ns = -1;

static long long scaled(long long ms)
{
    return ms * lt_timeout_scale();
}

/* ---------------------------------------------------------------- servers */

static int radvd_start(void)
{
    return dt_radvd_start(
        &radvd_pid, np.ns_srv, np.if_srv, tmpdir, radvd_log,
        "  AdvSendAdvert on;\n"
        "  MinRtrAdvInterval 3;\n"
        "  MaxRtrAdvInterval 10;\n"
        "  AdvDefaultLifetime 1800;\n"
        "  prefix 2001:db8:78::/64 { AdvOnLink on; AdvAutonomous on; };\n"
        "  RDNSS " SRV_IP6 " { AdvRDNSSLifetime 600; };\n");
}

/* DHCPv4 only (no DNS), with RFC 8925's option 108 = 1800 s as raw bytes. */
static int dhcp_start(void)
{
    static const char *const extra[] = {
        "--port=0", "--dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,1h",
        "--dhcp-option=108,00:00:07:08", NULL};

    return dt_dnsmasq_start(&dhcp_pid, np.ns_srv, np.if_srv, tmpdir, dhcp_log,
                            extra);
}

/* ---------------------------------------------------------------- client */

static const unsigned v6_all =
    LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR | LWS_DHCPC_V6_DNS;

static struct lws_context *cx_new(const struct lws_dhcpc_info *di)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.dhcpc = di;
    info.target_state = LWS_SYSTATE_DHCP;
    return lws_create_context(&info);
}

struct cli {
    struct dt_cli d;
    lws_dhcpc_ifstate_t is;
    unsigned want_v6;
};

static bool v6_known(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc_get_ifstate(c->d.cx, np.if_cli, &c->is) &&
           (c->is.v6 & c->want_v6) == c->want_v6;
}

static bool in_v6only_wait(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc_get_ifstate(c->d.cx, np.if_cli, &c->is) &&
           c->is.state == LWS_DHCPC_STATE_V6ONLY_WAIT;
}

static bool dhcp_state_reached(void *arg)
{
    struct cli *c = arg;

    return lws_system_get_state_manager(c->d.cx)->state >= LWS_SYSTATE_DHCP;
}

static bool cli_bound(void *arg)
{
    return dt_cli_bound(&((struct cli *)arg)->d);
}

static void cli_start(struct cli *c, int policy)
{
    assert_non_null(c->d.cx);
    assert_int_equal(lws_dhcpc6_request(c->d.cx, np.if_cli), 0);
    assert_int_equal(
        lws_dhcpc_request_ex(c->d.cx,
                             &(lws_dhcpc_req_t){.iface = np.if_cli,
                                                .cb = dt_cli_cb,
                                                .opaque = &c->d,
                                                .policy = (uint8_t)policy}),
        0);
}

static bool has_ipv4(void)
{
    char out[2048];

    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 addr show dev %s",
                np.if_cli);
    return strstr(out, "inet ") != NULL;
}

/* ---------------------------------------------------------------- tests */

static void test_v6only_preferred_stops_ipv4(void **state)
{
    char log[1 << 16];
    struct cli c;

    (void)state;
    memset(&c, 0, sizeof(c));
    c.d.cx = cx_new(&c.d.di); /* defaults: IPv6-only capable */
    cli_start(&c, LWS_DHCPC_POLICY_EITHER);
    /* IPv6 first: the offer's hint only counts where IPv6 works */
    c.want_v6 = LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR;
    assert_true(dt_service_until(c.d.cx, v6_known, &c, scaled(30000), 20));
    assert_int_equal(dhcp_start(), 0);
    assert_true(
        dt_service_until(c.d.cx, in_v6only_wait, &c, scaled(30000), 20));
    assert_int_equal(c.is.v6only_secs, 1800);
    assert_int_equal(c.is.ipv4, 0);
    assert_true(dt_cli_has(&c.d, LWS_DHCPC_EVENT_V6ONLY));
    assert_false(dt_cli_has(&c.d, LWS_DHCPC_EVENT_BOUND));
    /* either: the DHCP state passes on IPv6 (RDNSS gives the DNS) */
    assert_true(
        dt_service_until(c.d.cx, dhcp_state_reached, &c, scaled(30000), 20));
    assert_int_equal(lws_dhcpc_get_ifstate(c.d.cx, np.if_cli, &c.is), 0);
    assert_int_equal(c.is.v6, v6_all);
    assert_int_equal(c.is.usable, 1);
    assert_int_equal(c.is.state, LWS_DHCPC_STATE_V6ONLY_WAIT);
    assert_false(has_ipv4());
    /* dnsmasq offered; nothing was requested */
    assert_true(lt_read_file(dhcp_log, log, sizeof(log)) > 0);
    assert_non_null(strstr(log, "DHCPOFFER"));
    assert_null(strstr(log, "DHCPREQUEST"));
    assert_null(strstr(log, "DHCPACK"));
    lws_context_destroy(c.d.cx);

    /* not IPv6-only capable: the same server leases an address */
    memset(&c, 0, sizeof(c));
    c.d.di.no_ipv6_only = 1;
    c.d.cx = cx_new(&c.d.di);
    cli_start(&c, LWS_DHCPC_POLICY_V4);
    assert_true(dt_service_until(c.d.cx, cli_bound, &c, scaled(30000), 20));
    assert_false(dt_cli_has(&c.d, LWS_DHCPC_EVENT_V6ONLY));
    assert_true(has_ipv4());
    assert_int_equal(lws_dhcpc_remove(c.d.cx, NULL), 0);
    assert_false(has_ipv4());
    lws_context_destroy(c.d.cx);
    dt_dnsmasq_stop(&dhcp_pid);
}

static void test_policy_on_ipv6_only_link(void **state)
{
    static const struct {
        int policy;
        bool passes;
    } rows[] = {
        {LWS_DHCPC_POLICY_EITHER, true},
        {LWS_DHCPC_POLICY_V6, true},
        {LWS_DHCPC_POLICY_V4, false},
        {LWS_DHCPC_POLICY_BOTH, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lws_state_manager_t *mgr;
        const char *who;
        struct cli c;
        int step = -1;

        memset(&c, 0, sizeof(c));
        c.d.cx = cx_new(&c.d.di);
        cli_start(&c, rows[i].policy);
        mgr = lws_system_get_state_manager(c.d.cx);
        if (rows[i].passes) {
            assert_true(dt_service_until(c.d.cx, dhcp_state_reached, &c,
                                         scaled(30000), 20));
            assert_int_equal(lws_dhcpc_get_ifstate(c.d.cx, np.if_cli, &c.is),
                             0);
            assert_int_equal(c.is.usable, 1);
        } else {
            c.want_v6 = v6_all;
            assert_true(
                dt_service_until(c.d.cx, v6_known, &c, scaled(30000), 20));
            /* what the news asked for has run: the redrive is a 0 ms
             * timer, so a few turns of the loop see it */
            for (int k = 0; k < 20; k++)
                lws_service(c.d.cx, -1);
            assert_true(mgr->state < LWS_SYSTATE_DHCP);
            who = lws_state_blocker(mgr, &step);
            assert_non_null(who);
            assert_string_equal(who, "dhcpc");
            assert_int_equal(step, LWS_SYSTATE_DHCP);
            assert_int_equal(c.is.usable, 0);
        }
        /* never an IPv4 lease here: no DHCPv4 server */
        assert_int_equal(c.is.v6, v6_all);
        assert_int_equal(c.is.ipv4, 0);
        assert_false(has_ipv4());
        lws_context_destroy(c.d.cx);
    }
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "v6pol"))
        return -1;
    snprintf(radvd_log, sizeof(radvd_log), "%s/radvd.log", tmpdir);
    snprintf(dns_log, sizeof(dns_log), "%s/dns.log", tmpdir);
    snprintf(dhcp_log, sizeof(dhcp_log), "%s/dhcp.log", tmpdir);
    if (dt_netpair_create(&np, "vp", SRV_IP4 "/24") ||
        dt_netns_sh(np.ns_srv, NULL, 0,
                    "sysctl -qw net.ipv6.conf.all.forwarding=1 && "
                    "ip -6 addr add " SRV_IP6 "/64 dev %s nodad",
                    np.if_srv) ||
        dt_dns_start(&dns_pid, np.ns_srv, SRV_IP6, tmpdir, dns_log) ||
        radvd_start())
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static void stop_all(void)
{
    if (radvd_pid > 0)
        lt_kill(radvd_pid, 2000);
    if (dns_pid > 0)
        lt_kill(dns_pid, 2000);
    radvd_pid = dns_pid = -1;
    dt_dnsmasq_stop(&dhcp_pid);
    dt_netpair_destroy(&np);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    saved_ns = -1;
    stop_all();
    if (!getenv("LWS_TEST_DEBUG"))
        lt_rmtree(tmpdir);
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
        cmocka_unit_test(test_v6only_preferred_stops_ipv4),
        cmocka_unit_test(test_policy_on_ipv6_only_link),
    };
    char buf[256];
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    if (!lt_which("radvd", buf, sizeof(buf))) {
        fprintf(stderr, "skipped: needs radvd\n");
        return LT_SKIP;
    }
    return cmocka_run_group_tests_name("dhcp-v6policy", tests, group_setup,
                                       group_teardown);
}
