/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The DHCPv6 client against a real dnsmasq (its RAs and its DHCPv6
 * server), as root, in two network namespaces joined by a veth pair that
 * this test creates and removes.  Stateless: dnsmasq's RA sets O
 * (ra-stateless), the client asks with Information-request and gets the
 * DNS server, the search domain, an SNTP server and the captive-portal
 * URI.  Stateful: the RA sets M, the client solicits (dnsmasq answers
 * with Rapid Commit), gets an IA_NA address, which is then on the
 * interface (`ip -6 addr`, in the client namespace), and the DNS server; removing the client releases the lease
 * (dnsmasq logs the Release) and takes the address off.  Every wait polls
 * for its condition with a deadline.
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

#include <lws-system/smd.h>

#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#define SRV_IP6 "2001:db8:66::1"
#define PORTAL  "https://portal.lws.test/capport"

static struct dt_netpair np;
static char tmpdir[200], dns_log[256];
static pid_t dns_pid = -1;
static int saved_ns = -1;

static long long scaled(long long ms)
{
    return ms * lt_timeout_scale();
}

static void dnsmasq_stop(void)
{
    if (dns_pid > 0)
        lt_kill(dns_pid, 2000);
    dns_pid = -1;
}

/* dnsmasq with router advertisements and DHCPv6 on the server end; @range
 * is its dhcp-range. */
static int dnsmasq_start(const char *range)
{
    char bin[256], a_pid[300], a_if[64], a_range[200], a_lease[300];
    char *argv[] = {bin,
                    "-k",
                    "--conf-file=/dev/null",
                    "--bind-interfaces",
                    a_if,
                    "--no-resolv",
                    "--no-hosts",
                    "--log-facility=-",
                    "--log-dhcp",
                    "--user=root",
                    "--enable-ra",
                    a_range,
                    "--dhcp-option=option6:domain-search,lws.test",
                    "--dhcp-option=option6:sntp-server,[" SRV_IP6 "]",
                    "--dhcp-option=option6:103," PORTAL,
                    a_lease,
                    a_pid,
                    NULL};

    dnsmasq_stop(); /* a failed test's */
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s/dnsmasq.pid", tmpdir);
    snprintf(a_lease, sizeof(a_lease), "--dhcp-leasefile=%s/leases", tmpdir);
    snprintf(a_if, sizeof(a_if), "--interface=%s", np.if_srv);
    snprintf(a_range, sizeof(a_range), "--dhcp-range=%s", range);
    if (!lt_which("dnsmasq", bin, sizeof(bin)))
        return -1;
    unlink(dns_log);
    dns_pid = lt_spawn(argv, dns_log, np.ns_srv);
    if (dns_pid < 0 || !lt_wait_file_contains(dns_log, "started", 5000)) {
        fprintf(stderr, "dnsmasq did not start\n");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- client */

struct cli {
    struct lws_context *cx;
    lws_dhcpc6_ifstate_t is;
};

static void cli_create(struct cli *c)
{
    memset(c, 0, sizeof(*c));
    c->cx = lws_create_context(&(struct lws_context_creation_info){0});
    assert_non_null(c->cx);
    assert_int_equal(lws_dhcpc6_request(c->cx, np.if_cli), 0);
}

static bool stateless_done(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) &&
           c->is.dhcp6_state == LWS_DHCPC6_D6_STATELESS &&
           c->is.dhcp6_dns_count && c->is.dhcp6_domain_count;
}

static bool usable(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) && c->is.usable;
}

static bool bound(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) &&
           c->is.dhcp6_state == LWS_DHCPC6_D6_BOUND && c->is.dhcp6_dns_count;
}

static char want_addr[80];

/* `ip -6 addr` in the client namespace shows (or no longer shows) it. */
static bool addr_shown(void *arg)
{
    char out[4096];

    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -6 addr show dev %s",
                np.if_cli);
    return (strstr(out, want_addr) != NULL) == (arg != NULL);
}

static bool smd_lease6;

static int smd_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                  size_t len)
{
    (void)opaque, (void)cls, (void)ts;
    if (memmem(buf, len, "\"type\":\"dhcp6\"", 14) &&
        memmem(buf, len, "\"state\":\"BOUND\"", 15))
        smd_lease6 = true;
    return 0;
}

static bool smd_bound(void *arg)
{
    (void)arg;
    return smd_lease6;
}

/* ---------------------------------------------------------------- tests */

static void test_dhcp6_stateless_gets_dns_and_domain(void **state)
{
    char a[INET6_ADDRSTRLEN];
    lws_sockaddr46 sa;
    struct cli c;

    (void)state;
    assert_int_equal(dnsmasq_start(SRV_IP6 ",ra-stateless"), 0);
    cli_create(&c);
    assert_true(dt_service_until(c.cx, stateless_done, &c, scaled(30000), 20));
    assert_int_equal(c.is.other, 1);
    assert_int_equal(c.is.managed, 0);
    inet_ntop(AF_INET6, &c.is.dhcp6_dns[0].sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    assert_string_equal(c.is.dhcp6_domains[0], "lws.test");
    assert_int_equal(c.is.dhcp6_ntp_count, 1);
    inet_ntop(AF_INET6, &c.is.dhcp6_ntp[0].sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    assert_string_equal(c.is.dhcp6_captive_portal, PORTAL);
    assert_int_equal(c.is.dhcp6_addr.sa6.sin6_family, 0);
    assert_true(c.is.dhcp6_server_duid_len >= 4);
    assert_true(c.is.dhcp6_replies >= 1);
    /* usable: dnsmasq's router, the kernel's SLAAC address, a DNS server */
    assert_true(dt_service_until(c.cx, usable, &c, scaled(10000), 20));
    assert_int_equal(lws_dhcpc6_status(c.cx, &sa), 1);
    assert_int_equal(sa.sa6.sin6_family, AF_INET6);
    assert_true(
        lt_wait_file_contains(dns_log, "DHCPINFORMATION-REQUEST", 2000));
    lws_context_destroy(c.cx);
    dnsmasq_stop();
}

static void test_dhcp6_stateful_address_applied_and_released(void **state)
{
    char a[INET6_ADDRSTRLEN];
    struct cli c;

    (void)state;
    assert_int_equal(dnsmasq_start("2001:db8:66::100,2001:db8:66::1ff,64,600"),
                     0);
    cli_create(&c);
    assert_non_null(lws_smd_register(c.cx, NULL, 0, LWSSMDCL_NETWORK, smd_cb));
    assert_true(dt_service_until(c.cx, bound, &c, scaled(30000), 20));
    assert_int_equal(c.is.managed, 1);
    assert_int_equal(c.is.dhcp6_addr.sa6.sin6_family, AF_INET6);
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    assert_int_equal(strncmp(a, "2001:db8:66::1", 14), 0); /* ::100-::1ff */
    assert_true(c.is.dhcp6_valid_secs > 0 && c.is.dhcp6_valid_secs <= 600);
    assert_true(c.is.dhcp6_t1_secs <= c.is.dhcp6_t2_secs);
    assert_true(c.is.dhcp6_server_duid_len >= 4);
    /* dnsmasq answers a Solicit with Rapid Commit at once (the Advertise /
     * Request path is the unit tests') */
    assert_int_equal(c.is.dhcp6_rapid_commit, 1);
    inet_ntop(AF_INET6, &c.is.dhcp6_dns[0].sa6.sin6_addr, a + 0, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", a);
    /* on the interface (the kernel's view, in the client namespace) */
    assert_true(lt_wait_for(addr_shown, (void *)1, (int)scaled(5000)));
    assert_true(dt_service_until(c.cx, smd_bound, NULL, scaled(5000), 20));
    /* the RA (router) and the DHCPv6 address and DNS server: usable */
    assert_int_equal(lws_dhcpc6_status(c.cx, NULL), 1);
    /* release on stop: dnsmasq sees it, the address goes */
    assert_int_equal(lws_dhcpc6_remove(c.cx, np.if_cli), 0);
    assert_true(lt_wait_file_contains(dns_log, "DHCPRELEASE", 5000));
    assert_true(lt_wait_for(addr_shown, NULL, (int)scaled(5000)));
    lws_context_destroy(c.cx);
    dnsmasq_stop();
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "dhcp6"))
        return -1;
    snprintf(dns_log, sizeof(dns_log), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "d6", NULL) ||
        dt_netns_sh(np.ns_srv, NULL, 0,
                    "sysctl -qw net.ipv6.conf.all.forwarding=1 && "
                    "ip -6 addr add " SRV_IP6 "/64 dev %s nodad",
                    np.if_srv))
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static void stop_all(void)
{
    dnsmasq_stop();
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
        cmocka_unit_test(test_dhcp6_stateless_gets_dns_and_domain),
        cmocka_unit_test(test_dhcp6_stateful_address_applied_and_released),
    };
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("dhcp6-dnsmasq", tests, group_setup,
                                       group_teardown);
}
