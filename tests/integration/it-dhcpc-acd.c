/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * RFC 5227 conflict detection against a real dnsmasq, as root.  Three
 * namespaces: dnsmasq's, ours, and a second host already holding the
 * address dnsmasq is told to give us; the server namespace bridges the
 * two links.  Our ARP probe is answered by that host, so the client must
 * DECLINE (seen in dnsmasq's log), report CONFLICT and never put the
 * address on its interface.  Without a conflict, ACD binds after the
 * probes.
 */
#include "private-dhcpc.h"

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
#include "dhcpc-msg.h"
#include "dhcpc-netns.h"
#include "testutil.h"

static struct dt_netpair np, np3; /* np3: server <-> second host */
static char tmpdir[200], logfile[256], clientmac[32];
static pid_t dm_pid = -1;
static int saved_ns = -1;

static bool conflict(struct dt_cli *c)
{
    return dt_cli_has(c, LWS_DHCPC_EVENT_CONFLICT);
}

/* dnsmasq on the bridge, giving our MAC @ip. */
static int dm_start(const char *ip)
{
    char a_host[96];
    const char *extra[] = {
        "--port=0", "--dhcp-range=10.79.0.50,10.79.0.99,255.255.255.0,2m",
        a_host, NULL};

    snprintf(a_host, sizeof(a_host), "--dhcp-host=%s,%s", clientmac, ip);
    return dt_dnsmasq_start(&dm_pid, np.ns_srv, "br0", tmpdir, logfile, extra);
}

static void cli_start(struct dt_cli *c)
{
    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
    memset(c, 0, sizeof(*c));
    c->di.retx_base_ms = 1000;
    c->di.retx_jitter_ms = 100;
    c->di.acd = 1;
    c->di.acd_probe_count = 2;
    c->di.acd_probe_ms = 150;
    c->di.acd_wait_ms = 300;
    c->di.decline_wait_ms = 60000; /* stay DECLINED for the assertions */
    assert_int_equal(dt_cli_create(c), 0);
    assert_int_equal(dt_cli_request(c, np.if_cli), 0);
}

static bool addr_on_iface(const char *ip)
{
    char out[2048], want[64];

    snprintf(want, sizeof(want), "inet %s/", ip);
    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 addr show dev %s",
                np.if_cli);
    return strstr(out, want) != NULL;
}

static void test_dhcpc_acd_conflict_declines(void **state)
{
    struct dt_cli c;

    (void)state;
    assert_int_equal(dm_start("10.79.0.60"), 0);
    cli_start(&c);
    assert_true(dt_cli_run_until(&c, conflict, 10000));
    assert_int_equal(c.last.state, LWS_DHCPC_STATE_DECLINED);
    assert_int_equal(c.last.ipv4, dt_ip("10.79.0.60")); /* declined */
    assert_false(dt_cli_has(&c, LWS_DHCPC_EVENT_BOUND));
    assert_false(addr_on_iface("10.79.0.60"));
    assert_true(lt_wait_file_contains(logfile, "DHCPDECLINE", 3000));
    /* the other host still has its address and the state is held */
    assert_true(lws_system_get_state_manager(c.cx)->state < LWS_SYSTATE_DHCP);
    lws_context_destroy(c.cx);
    dt_dnsmasq_stop(&dm_pid);
}

static void test_dhcpc_acd_no_conflict_binds(void **state)
{
    struct dt_cli c;
    long long t0;

    (void)state;
    assert_int_equal(dm_start("10.79.0.61"), 0);
    t0 = lt_now_ms();
    cli_start(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    /* two probes 150 ms apart and a 300 ms wait */
    assert_true(lt_now_ms() - t0 >= 450);
    assert_false(dt_cli_has(&c, LWS_DHCPC_EVENT_CONFLICT));
    assert_true(addr_on_iface("10.79.0.61"));
    lws_context_destroy(c.cx);
    dt_dnsmasq_stop(&dm_pid);
}

static int group_setup(void **state)
{
    char out[256];
    char *p;

    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "dhcpc-acd"))
        return -1;
    snprintf(logfile, sizeof(logfile), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "ac", NULL) ||
        dt_netpair_create(&np3, "a3", NULL))
        return -1;
    /* move np3's server end into np's server namespace, bridge both */
    if (dt_netns_sh(np3.ns_srv, NULL, 0, "ip link set %s netns %s", np3.if_srv,
                    np.ns_srv) ||
        dt_netns_sh(np.ns_srv, NULL, 0,
                    "ip link add br0 type bridge && "
                    "ip link set %s master br0 && ip link set %s master br0 "
                    "&& ip link set %s up && ip link set br0 up && "
                    "ip addr add 10.79.0.1/24 dev br0",
                    np.if_srv, np3.if_srv, np3.if_srv) ||
        dt_netns_sh(np3.ns_cli, NULL, 0, "ip addr add 10.79.0.60/24 dev %s",
                    np3.if_cli))
        return -1;
    if (dt_netns_sh(np.ns_cli, out, sizeof(out),
                    "cat /sys/class/net/%s/address", np.if_cli))
        return -1;
    p = strchr(out, '\n');
    if (p)
        *p = '\0';
    out[sizeof(clientmac) - 1] = '\0';
    memcpy(clientmac, out, sizeof(clientmac));
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    dt_dnsmasq_stop(&dm_pid);
    dt_netpair_destroy(&np3);
    dt_netpair_destroy(&np);
    lt_rmtree(tmpdir);
    return 0;
}

static void on_signal(int sig)
{
    dt_dnsmasq_stop(&dm_pid);
    dt_netpair_destroy(&np3);
    dt_netpair_destroy(&np);
    dt_reraise(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_acd_conflict_declines),
        cmocka_unit_test(test_dhcpc_acd_no_conflict_binds),
    };
    int r;

#if !LWS_WITH_SYS_DHCP_ACD
    puts("LWS_WITH_SYS_DHCP_ACD is off in this build: skipped");
    return 77;
#endif
    r = dt_main_begin(true, on_signal);
    if (r)
        return r;
    return cmocka_run_group_tests_name("dhcpc-acd", tests, group_setup,
                                       group_teardown);
}
