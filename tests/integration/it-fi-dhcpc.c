/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The DHCPv4 client's fault points against a real dnsmasq, as root, in two
 * network namespaces of its own (LWS_WITH_FI):
 *   dhcpc.pkt.open   the packet socket cannot be opened: logged, retried,
 *                    bound once it opens;
 *   dhcpc.nl.open    no link monitor: logged, interfaces assumed up, bound;
 *   dhcpc.nl.apply   applying the lease fails: APPLY_FAILED reported, the
 *                    client restarts and binds;
 *   dhcpc.tx         sends failing: the first two DISCOVERs lost, bound on
 *                    the retransmit; with a lease held, every renewal and
 *                    rebinding send failing keeps the lease and the
 *                    address, renewed once the rule is removed; no
 *                    descriptor is left;
 *   dhcpc.rx.garble  with a lease held, every reply garbled: the lease and
 *                    the address stay; once the rule is removed the lease
 *                    is renewed;
 *   core.alloc       30 % of allocations failing from the request on: no
 *                    crash, bound once the rule is gone.
 * The heap is back to 0 after each context.
 */
#include "private-core.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "fi-log.h"
#include "testutil.h"

static struct dt_netpair np;
static char tmpdir[200], logfile[256];
static pid_t dm_pid = -1;
static int saved_ns = -1;

static void fresh_iface(void)
{
    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
    dt_link_set(np.ns_cli, np.if_cli, true);
}

static void cli_start(struct dt_cli *c, const char *fi)
{
    struct lws_context_creation_info info;

    fresh_iface();
    memset(c, 0, sizeof(*c));
    c->di.retx_base_ms = 500;
    c->di.retx_jitter_ms = 100;
    c->di.renew_min_ms = 500;
    memset(&info, 0, sizeof(info));
    info.dhcpc = &c->di;
    info.target_state = LWS_SYSTATE_DHCP;
    info.fi = fi;
    info.fi_seed = 3;
    fi_log_reset();
    c->cx = lws_create_context(&info);
    assert_non_null(c->cx);
    assert_int_equal(dt_cli_request(c, np.if_cli), 0);
}

static void cli_end(struct dt_cli *c)
{
    lws_context_destroy(c->cx);
    c->cx = NULL;
    assert_int_equal(lws__heap_in_use(), 0);
}

static bool has_addr(uint32_t ip)
{
    char out[2048], want[32];

    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 addr show dev %s",
                np.if_cli);
    snprintf(want, sizeof(want), "inet %u.%u.%u.%u/", ip >> 24,
             (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
    return strstr(out, want) != NULL;
}

static void test_fi_dhcpc_pkt_open(void **state)
{
    struct dt_cli c;

    (void)state;
    cli_start(&c, "dhcpc.pkt.open(1..3)");
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 15000));
    assert_int_equal(lws_fi_fired(c.cx, "dhcpc.pkt.open"), 3);
    assert_true(fi_logged("inject dhcpc.pkt.open"));
    assert_true(fi_logged("cannot open raw socket: Operation not permitted"));
    assert_true(has_addr(c.last.ipv4));
    cli_end(&c);
}

static void test_fi_dhcpc_nl_open(void **state)
{
    struct dt_cli c;

    (void)state;
    cli_start(&c, "dhcpc.nl.open");
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 15000));
    assert_true(lws_fi_fired(c.cx, "dhcpc.nl.open") >= 1);
    assert_true(fi_logged("inject dhcpc.nl.open"));
    assert_true(fi_logged("no link monitor: interfaces assumed up"));
    cli_end(&c);
}

static void test_fi_dhcpc_nl_apply(void **state)
{
    struct dt_cli c;

    (void)state;
    cli_start(&c, "dhcpc.nl.apply(once)");
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 15000));
    assert_int_equal(lws_fi_fired(c.cx, "dhcpc.nl.apply"), 1);
    assert_true(dt_cli_has(&c, LWS_DHCPC_EVENT_APPLY_FAILED));
    assert_true(fi_logged("inject dhcpc.nl.apply"));
    assert_true(has_addr(c.last.ipv4));
    cli_end(&c);
}

static bool garbled_some(struct dt_cli *c)
{
    return lws_fi_fired(c->cx, "dhcpc.rx.garble") >= 2;
}

static bool renewed_since(struct dt_cli *c, lws_usec_t since)
{
    lws_dhcpc_ifstate_t is;

    return !lws_dhcpc_get_ifstate(c->cx, np.if_cli, &is) &&
           is.state == LWS_DHCPC_STATE_BOUND && is.lease_start > since;
}

static lws_usec_t held_start;

static bool renewed_after_fault(struct dt_cli *c)
{
    return renewed_since(c, held_start);
}

/* With a lease held, @rule on through renewal (T1 3 s) and rebinding until
 * @some: @logged was logged, the lease and the address stay (nothing
 * renewed it); once the rule is removed the lease is renewed.  No
 * descriptor is left after destroy. */
static void keeps_lease(const char *rule, bool (*some)(struct dt_cli *c),
                        const char *logged)
{
    int fds = lt_count_fds();
    lws_dhcpc_ifstate_t is;
    struct dt_cli c;
    uint32_t ip;

    cli_start(&c, NULL);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 15000));
    ip = c.last.ipv4;
    held_start = c.last.lease_start;
    assert_int_equal(lws_fi_enable(c.cx, rule), 0);
    assert_true(dt_cli_run_until(&c, some, 15000));
    assert_true(fi_logged(logged));
    assert_int_equal(lws_dhcpc_get_ifstate(c.cx, np.if_cli, &is), 0);
    assert_int_equal(is.ipv4, ip);
    assert_true(is.lease_start == held_start);
    assert_true(lws_dhcpc_status(c.cx, NULL));
    assert_true(has_addr(ip));
    print_message("%s: %u faults, lease kept (state %d)\n", rule,
                  lws_fi_fired(c.cx, rule), (int)is.state);
    /* Removed: the next exchange renews it. */
    assert_int_equal(lws_fi_disable(c.cx, NULL), 1);
    assert_true(dt_cli_run_until(&c, renewed_after_fault, 15000));
    assert_int_equal(c.last.ipv4, ip);
    cli_end(&c);
    assert_int_equal(lt_count_fds(), fds);
}

static void test_fi_dhcpc_rx_garble_keeps_lease(void **state)
{
    (void)state;
    keeps_lease("dhcpc.rx.garble", garbled_some, "datagram cut to");
}

static bool tx_failed_some(struct dt_cli *c)
{
    return lws_fi_fired(c->cx, "dhcpc.tx") >= 3;
}

static void test_fi_dhcpc_tx_discover(void **state)
{
    int fds = lt_count_fds();
    struct dt_cli c;

    (void)state;
    cli_start(&c, "dhcpc.tx(1..2)");
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 15000));
    assert_int_equal(lws_fi_fired(c.cx, "dhcpc.tx"), 2);
    assert_true(fi_logged("inject dhcpc.tx"));
    assert_true(fi_logged("send failed: No buffer space available"));
    assert_true(has_addr(c.last.ipv4));
    cli_end(&c);
    assert_int_equal(lt_count_fds(), fds);
}

static void test_fi_dhcpc_tx_keeps_lease(void **state)
{
    (void)state;
    keeps_lease("dhcpc.tx", tx_failed_some,
                "send failed: No buffer space available");
}

static bool alloc_fired_some(struct dt_cli *c)
{
    return dt_cli_bound(c) || lws_fi_fired(c->cx, "core.alloc") >= 5;
}

/* 30 % of allocations failing (seed printed) from the request on, until
 * bound or 5 failed: no crash; once the rule is gone the client binds, and
 * the heap is back to 0 after destroy.  (Each single allocation of DORA is
 * failed in turn by integration/dhcpc-dnsmasq.) */
static void test_fi_dhcpc_alloc_random(void **state)
{
    struct dt_cli c;

    (void)state;
    fresh_iface();
    memset(&c, 0, sizeof(c));
    c.di.retx_base_ms = 500;
    c.di.retx_jitter_ms = 100;
    c.di.renew_min_ms = 500;
    assert_int_equal(dt_cli_create(&c), 0);
    assert_int_equal(lws_fi_enable(c.cx, "core.alloc(30%)"), 0);
    if (dt_cli_request(&c, np.if_cli))
        print_message("request refused (allocation failed)\n");
    dt_cli_run_until(&c, alloc_fired_some, 5000);
    print_message("core.alloc(30%%), seed %llu: %u allocations failed, "
                  "%d events\n",
                  (unsigned long long)lws_fi_seed(c.cx),
                  lws_fi_fired(c.cx, "core.alloc"), c.n_events);
    assert_int_equal(lws_fi_disable(c.cx, NULL), 1);
    dt_cli_request(&c, np.if_cli); /* 0: already managed, or a new one */
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 15000));
    assert_true(has_addr(c.last.ipv4));
    cli_end(&c);
}

static int group_setup(void **state)
{
    static const char *const extra[] = {
        "--no-resolv",
        "--no-hosts",
        "--dhcp-range=10.78.0.50,10.78.0.99,255.255.255.0,2m",
        "--dhcp-option=option:T1,3",
        "--dhcp-option=option:T2,5",
        NULL};

    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "fi-dhcpc"))
        return -1;
    snprintf(logfile, sizeof(logfile), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "fi", "10.78.0.1/24"))
        return -1;
    if (dt_dnsmasq_start(&dm_pid, np.ns_srv, np.if_srv, tmpdir, logfile, extra))
        return -1;
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO);
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    saved_ns = -1;
    dt_dnsmasq_stop(&dm_pid);
    dt_netpair_destroy(&np);
    if (!getenv("LWS_TEST_DEBUG"))
        lt_rmtree(tmpdir);
    return 0;
}

static void on_signal(int sig)
{
    dt_dnsmasq_stop(&dm_pid);
    dt_netpair_destroy(&np);
    dt_reraise(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fi_dhcpc_pkt_open),
        cmocka_unit_test(test_fi_dhcpc_nl_open),
        cmocka_unit_test(test_fi_dhcpc_nl_apply),
        cmocka_unit_test(test_fi_dhcpc_tx_discover),
        cmocka_unit_test(test_fi_dhcpc_tx_keeps_lease),
        cmocka_unit_test(test_fi_dhcpc_rx_garble_keeps_lease),
        cmocka_unit_test(test_fi_dhcpc_alloc_random),
    };
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("fi-dhcpc", tests, group_setup,
                                       group_teardown);
}
