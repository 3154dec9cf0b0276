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
#include "private-dhcpclient.h"

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

#include "dhcpc-msg.h"
#include "dhcpc-netns.h"
#include "testutil.h"

static struct dt_netpair np, np3; /* np3: server <-> second host */
static char tmpdir[200], logfile[256], clientmac[32];
static pid_t dm_pid = -1;
static int saved_ns = -1;

struct cli {
    struct lws_context *cx;
    struct lws_dhcpc_info di;
    int events[64];
    int n_events;
    lws_dhcpc_ifstate_t last;
};

static int cli_cb(void *opaque, lws_dhcpc_ifstate_t *is)
{
    struct cli *c = opaque;

    if (c->n_events < 64)
        c->events[c->n_events++] = is->event;
    c->last = *is;
    return 0;
}

static void tick_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;
}

static bool run_until(struct cli *c, bool (*cond)(struct cli *c), int ms)
{
    static lws_sorted_usec_list_t tick;
    long long end = lt_now_ms() + ms * lt_timeout_scale();

    while (!cond(c)) {
        if (lt_now_ms() > end)
            return false;
        lws_sul_schedule(c->cx, 0, &tick, tick_cb, 20 * LWS_US_PER_MS);
        lws_service(c->cx, 0);
    }
    lws_sul_cancel(&tick);
    return true;
}

static bool has(struct cli *c, int ev)
{
    for (int i = 0; i < c->n_events; i++)
        if (c->events[i] == ev)
            return true;
    return false;
}

static bool conflict(struct cli *c)
{
    return has(c, LWS_DHCPC_EVENT_CONFLICT);
}

static bool bound(struct cli *c)
{
    return has(c, LWS_DHCPC_EVENT_BOUND);
}

static void dm_stop(void)
{
    if (dm_pid > 0)
        lt_kill(dm_pid, 2000);
    dm_pid = -1;
}

/* dnsmasq on the bridge, giving our MAC @ip. */
static int dm_start(const char *ip)
{
    char a_host[96], a_lf[300], a_pid[300];
    char *argv[] = {"dnsmasq",
                    "-k",
                    "--conf-file=/dev/null",
                    "--port=0",
                    "--bind-interfaces",
                    "--interface=br0",
                    "--dhcp-range=10.79.0.50,10.79.0.99,255.255.255.0,2m",
                    a_host,
                    a_lf,
                    a_pid,
                    "--no-ping",
                    "--log-dhcp",
                    "--log-facility=-",
                    "--user=root",
                    NULL};

    snprintf(a_host, sizeof(a_host), "--dhcp-host=%s,%s", clientmac, ip);
    snprintf(a_lf, sizeof(a_lf), "--dhcp-leasefile=%s/leases", tmpdir);
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s/dnsmasq.pid", tmpdir);
    unlink(logfile);
    dm_pid = lt_spawn(argv, logfile, np.ns_srv);
    if (dm_pid < 0 ||
        !lt_wait_file_contains(logfile, "DHCP, sockets bound", 5000)) {
        dm_stop();
        return -1;
    }
    return 0;
}

static void cli_start(struct cli *c)
{
    struct lws_context_creation_info info;

    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
    memset(c, 0, sizeof(*c));
    memset(&info, 0, sizeof(info));
    c->di.retx_base_ms = 1000;
    c->di.retx_jitter_ms = 100;
    c->di.acd = 1;
    c->di.acd_probe_count = 2;
    c->di.acd_probe_ms = 150;
    c->di.acd_wait_ms = 300;
    c->di.decline_wait_ms = 60000; /* stay DECLINED for the assertions */
    info.dhcpc = &c->di;
    info.target_state = LWS_SYSTATE_DHCP;
    c->cx = lws_create_context(&info);
    assert_non_null(c->cx);
    assert_int_equal(lws_dhcpc_request(c->cx, np.if_cli, AF_INET, cli_cb, c),
                     0);
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
    struct cli c;

    (void)state;
    assert_int_equal(dm_start("10.79.0.60"), 0);
    cli_start(&c);
    assert_true(run_until(&c, conflict, 10000));
    assert_int_equal(c.last.state, LWS_DHCPC_STATE_DECLINED);
    assert_int_equal(c.last.ipv4, dt_ip("10.79.0.60")); /* declined */
    assert_false(has(&c, LWS_DHCPC_EVENT_BOUND));
    assert_false(addr_on_iface("10.79.0.60"));
    assert_true(lt_wait_file_contains(logfile, "DHCPDECLINE", 3000));
    /* the other host still has its address and the state is held */
    assert_true(lws_system_get_state_manager(c.cx)->state < LWS_SYSTATE_DHCP);
    lws_context_destroy(c.cx);
    dm_stop();
}

static void test_dhcpc_acd_no_conflict_binds(void **state)
{
    struct cli c;
    long long t0;

    (void)state;
    assert_int_equal(dm_start("10.79.0.61"), 0);
    t0 = lt_now_ms();
    cli_start(&c);
    assert_true(run_until(&c, bound, 10000));
    /* two probes 150 ms apart and a 300 ms wait */
    assert_true(lt_now_ms() - t0 >= 450);
    assert_false(has(&c, LWS_DHCPC_EVENT_CONFLICT));
    assert_true(addr_on_iface("10.79.0.61"));
    lws_context_destroy(c.cx);
    dm_stop();
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
    dm_stop();
    dt_netpair_destroy(&np3);
    dt_netpair_destroy(&np);
    lt_rmtree(tmpdir);
    return 0;
}

static void on_signal(int sig)
{
    dm_stop();
    dt_netpair_destroy(&np3);
    dt_netpair_destroy(&np);
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_acd_conflict_declines),
        cmocka_unit_test(test_dhcpc_acd_no_conflict_binds),
    };
    char buf[256];

    if (!lt_is_root() || !lt_which("dnsmasq", buf, sizeof(buf)) ||
        !lt_which("ip", buf, sizeof(buf))) {
        fprintf(stderr, "skipped: needs root, dnsmasq and ip\n");
        return LT_SKIP;
    }
    if (getenv("LWS_TEST_DEBUG"))
        lws_set_log_level(
            LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO | LLL_DEBUG, NULL);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    return cmocka_run_group_tests_name("dhcpc-acd", tests, group_setup,
                                       group_teardown);
}
