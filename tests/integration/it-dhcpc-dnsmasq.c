/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client against a real dnsmasq, as root, in two network namespaces
 * joined by a veth pair that this test creates and removes.  The test
 * thread itself moves into the client namespace; dnsmasq runs in the
 * server one.  Covered: DORA with the lease really on the interface
 * (`ip addr`, `ip route`), the system state held at DHCP until BOUND, DNS
 * servers handed to the resolver (a real lookup through dnsmasq), NTP
 * servers reported, renewal at a short T1, RELEASE seen in dnsmasq's lease
 * file, INIT-REBOOT after a restart from the lease file, link down/up, and
 * Rapid Commit.
 */
#include "private-dhcpc.h"

#include <arpa/inet.h>
#include <netdb.h>
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

#define SRV_IP "10.77.0.1"

static struct dt_netpair np;
static char tmpdir[200], leasefile[256], logfile[256], statedir[256];
static pid_t dm_pid = -1, ch_pid = -1;
static int saved_ns = -1;

/* @x1, @x2: more options, or NULL. */
static int dm_start_with(bool rapid, const char *x1, const char *x2)
{
    const char *extra[] = {
        "--no-resolv",
        "--no-hosts",
        "--address=/lws.test/10.9.8.7",
        "--dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,2m",
        "--dhcp-option=option:ntp-server,10.77.0.1",
        "--dhcp-option=option:T1,3",
        "--dhcp-option=option:T2,5",
        rapid ? "--dhcp-rapid-commit" : "--log-dhcp",
        x1,
        x2,
        NULL};

    return dt_dnsmasq_start(&dm_pid, np.ns_srv, np.if_srv, tmpdir, logfile,
                            extra);
}

static int dm_start(bool rapid)
{
    return dm_start_with(rapid, NULL, NULL);
}

static int count_in_file(const char *path, const char *needle)
{
    static char buf[1 << 18];
    int n = 0;

    if (lt_read_file(path, buf, sizeof(buf)) < 0)
        return 0;
    for (const char *p = buf; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void cli_create(struct dt_cli *c, const char *lease_dir)
{
    memset(c, 0, sizeof(*c));
    c->di.retx_base_ms = 1000;
    c->di.retx_jitter_ms = 100;
    c->di.renew_min_ms = 500;
    c->di.hostname = "lwsdut";
    c->di.lease_dir = lease_dir;
    assert_int_equal(dt_cli_create(c), 0);
}

static void cli_request(struct dt_cli *c)
{
    assert_int_equal(dt_cli_request(c, np.if_cli), 0);
}

static void cli_destroy(struct dt_cli *c)
{
    lws_context_destroy(c->cx);
    c->cx = NULL;
}

static void sh_cli(char *out, size_t len, const char *what)
{
    dt_netns_sh(np.ns_cli, out, len, "ip -4 %s show dev %s", what, np.if_cli);
}

static void fresh_iface(void)
{
    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
    dt_link_set(np.ns_cli, np.if_cli, true);
}

/* ---------------------------------------------------------------- tests */

static int dns_done;
static char dns_result[64];

static struct lws *dns_cb(struct lws *wsi, const char *ads,
                          const struct addrinfo *result, int n, void *opaque)
{
    (void)wsi, (void)ads, (void)opaque;
    dns_done = n < 0 ? n : 1;
    if (result && result->ai_family == AF_INET)
        inet_ntop(AF_INET,
                  &((const struct sockaddr_in *)result->ai_addr)->sin_addr,
                  dns_result, sizeof(dns_result));
    lws_async_dns_freeaddrinfo(&result);
    return NULL;
}

static bool dns_finished(struct dt_cli *c)
{
    (void)c;
    return dns_done != 0;
}

static void test_dhcpc_dnsmasq_dora_applies_lease(void **state)
{
    struct dt_cli c;
    char out[2048], mac[32];
    lws_state_manager_t *mgr;

    (void)state;
    fresh_iface();
    cli_create(&c, NULL);
    cli_request(&c);
    mgr = lws_system_get_state_manager(c.cx);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    assert_int_equal(c.last.state, LWS_DHCPC_STATE_BOUND);
    assert_true(c.last.ipv4 >= dt_ip("10.77.0.50") &&
                c.last.ipv4 <= dt_ip("10.77.0.99"));
    assert_int_equal(c.last.server, dt_ip(SRV_IP));
    assert_int_equal(c.last.prefix_len, 24);
    assert_int_equal(c.last.lease_secs, 120);
    assert_int_equal(c.last.t1_secs, 3);
    assert_int_equal(c.last.t2_secs, 5);
    assert_int_equal(c.last.ntp_count, 1);
    assert_int_equal(c.last.ntp[0], dt_ip(SRV_IP));
    assert_int_equal(c.last.dns_count, 1);
    assert_int_equal(c.last.dns[0], dt_ip(SRV_IP));
    assert_int_equal(c.last.rapid_commit, 0);
    assert_int_equal(lws_dhcpc_status(c.cx, NULL), 1);

    /* really on the interface */
    sh_cli(out, sizeof(out), "addr");
    {
        char want[64];
        struct in_addr ia = {htonl(c.last.ipv4)};

        snprintf(want, sizeof(want), "inet %s/24", inet_ntoa(ia));
        assert_non_null(strstr(out, want));
        assert_non_null(strstr(out, "brd 10.77.0.255"));
    }
    sh_cli(out, sizeof(out), "route");
    assert_non_null(strstr(out, "default via " SRV_IP));
    assert_non_null(strstr(out, "proto dhcp"));

    /* the DHCP step passed once bound */
    assert_true(mgr->state >= LWS_SYSTATE_DHCP);

    /* dnsmasq recorded the lease with our hostname */
    snprintf(mac, sizeof(mac), "%02x:%02x:%02x", c.last.mac[3], c.last.mac[4],
             c.last.mac[5]);
    assert_true(count_in_file(leasefile, mac) >= 1);
    assert_true(count_in_file(leasefile, "lwsdut") >= 1);

    /* DNS servers handed to the resolver: a real lookup via dnsmasq */
    dns_done = 0;
    dns_result[0] = '\0';
    lws_async_dns_query(c.cx, 0, "host.lws.test", LWS_ADNS_RECORD_A, dns_cb,
                        NULL, NULL);
    assert_true(dt_cli_run_until(&c, dns_finished, 5000));
    assert_int_equal(dns_done, 1);
    assert_string_equal(dns_result, "10.9.8.7");
    cli_destroy(&c);
}

static bool renewed(struct dt_cli *c)
{
    lws_dhcpc_ifstate_t is;

    return !lws_dhcpc_get_ifstate(c->cx, np.if_cli, &is) &&
           is.state == LWS_DHCPC_STATE_BOUND &&
           is.lease_start > c->last.lease_start;
}

static void test_dhcpc_dnsmasq_renews_at_t1(void **state)
{
    struct dt_cli c;
    int acks;

    (void)state;
    fresh_iface();
    cli_create(&c, NULL);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    acks = count_in_file(logfile, "DHCPACK");
    /* T1 = 3 s: a unicast REQUEST and dnsmasq's ACK restart the lease */
    assert_true(dt_cli_run_until(&c, renewed, 8000));
    assert_true(count_in_file(logfile, "DHCPACK") > acks);
    assert_true(lws_dhcpc_status(c.cx, NULL));
    cli_destroy(&c);
}

static bool released(struct dt_cli *c)
{
    return dt_cli_has(c, LWS_DHCPC_EVENT_RELEASED);
}

static bool dnsmasq_saw_release(struct dt_cli *c)
{
    (void)c;
    return count_in_file(logfile, "DHCPRELEASE") > 0;
}

static bool lease_gone(void *ip)
{
    return count_in_file(leasefile, ip) == 0;
}

static void test_dhcpc_dnsmasq_release_on_remove(void **state)
{
    struct dt_cli c;
    char out[2048], ipbuf[32];
    struct in_addr ia;

    (void)state;
    fresh_iface();
    cli_create(&c, NULL);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    ia.s_addr = htonl(c.last.ipv4);
    snprintf(ipbuf, sizeof(ipbuf), "%s ", inet_ntoa(ia));
    assert_true(count_in_file(leasefile, ipbuf) == 1);
    assert_int_equal(lws_dhcpc_remove(c.cx, np.if_cli), 0);
    assert_true(released(&c));
    assert_int_equal(lws_dhcpc_status(c.cx, NULL), 0);
    /* dnsmasq drops the lease from its file */
    assert_true(lt_wait_file_contains(logfile, "DHCPRELEASE", 3000));
    assert_true(dt_cli_run_until(&c, dnsmasq_saw_release, 1000));
    assert_true(lt_wait_for(lease_gone, ipbuf, 3000));
    /* and the address is off the interface */
    sh_cli(out, sizeof(out), "addr");
    assert_null(strstr(out, ipbuf));
    cli_destroy(&c);
}

static void test_dhcpc_dnsmasq_init_reboot_after_restart(void **state)
{
    struct dt_cli c;
    uint32_t ip;
    int discovers;
    char path[300];

    (void)state;
    fresh_iface();
    cli_create(&c, statedir);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    ip = c.last.ipv4;
    cli_destroy(&c); /* no RELEASE at destroy: the lease is remembered */
    snprintf(path, sizeof(path), "%s/dhcpc-%s.lease", statedir, np.if_cli);
    assert_int_equal(access(path, R_OK), 0);

    discovers = count_in_file(logfile, "DHCPDISCOVER");
    cli_create(&c, statedir);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    assert_int_equal(c.last.ipv4, ip);
    /* INIT-REBOOT: straight to REQUEST, no DISCOVER */
    assert_int_equal(count_in_file(logfile, "DHCPDISCOVER"), discovers);
    cli_destroy(&c);
}

/* Option 121 wins over option 3 (RFC 3442), and option 26 sets the MTU. */
static void test_dhcpc_dnsmasq_classless_routes_and_mtu(void **state)
{
    struct dt_cli c;
    char out[4096];

    (void)state;
    dt_dnsmasq_stop(&dm_pid);
    assert_int_equal(
        dm_start_with(false,
                      "--dhcp-option=121,192.168.99.0/24,10.77.0.1,"
                      "0.0.0.0/0,10.77.0.254",
                      "--dhcp-option=option:mtu,1400"),
        0);
    fresh_iface();
    cli_create(&c, NULL);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    assert_int_equal(c.last.route_count, 2);
    assert_int_equal(c.last.mtu, 1400);
    sh_cli(out, sizeof(out), "route");
    assert_non_null(strstr(out, "192.168.99.0/24 via 10.77.0.1"));
    assert_non_null(strstr(out, "default via 10.77.0.254"));
    assert_null(strstr(out, "default via 10.77.0.1 ")); /* 3 ignored */
    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip link show dev %s", np.if_cli);
    assert_non_null(strstr(out, "mtu 1400"));
    cli_destroy(&c);
    dt_netns_sh(np.ns_cli, NULL, 0, "ip link set %s mtu 1500", np.if_cli);
    dt_dnsmasq_stop(&dm_pid);
    assert_int_equal(dm_start(false), 0);
}

static bool ntp_synced(struct dt_cli *c)
{
    struct lws_ntpc_status st;

    return !lws_ntpc_get_status(c->cx, &st);
}

/* Option 42 reaches the SNTP client: a real chronyd next to dnsmasq is the
 * only NTP server the client knows, and it syncs from it. */
static void test_dhcpc_dnsmasq_ntp_server_handed_on(void **state)
{
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    struct lws_ntpc_status st;
    char conf[300], clog[300], cfg[512], a_conf[320], buf[256];
    char *argv[] = {"chronyd", "-d", "-x", "-f", a_conf, NULL};
    struct dt_cli c;

    (void)state;
    if (!LWS_WITH_SYS_NTPCLIENT || !lt_which("chronyd", buf, sizeof(buf)))
        skip();
    snprintf(conf, sizeof(conf), "%s/chrony.conf", tmpdir);
    snprintf(clog, sizeof(clog), "%s/chrony.log", tmpdir);
    snprintf(cfg, sizeof(cfg),
             "bindaddress " SRV_IP "\nallow 10.77.0.0/24\nlocal stratum 10\n"
             "cmdport 0\nport 123\npidfile %s/chrony.pid\n",
             tmpdir);
    snprintf(a_conf, sizeof(a_conf), "%s", conf);
    assert_int_equal(lt_write_file(conf, cfg), 0);
    ch_pid = lt_spawn(argv, clog, np.ns_srv);
    assert_true(ch_pid > 0);
    assert_true(lt_wait_file_contains(clog, "Disabled control", 5000));

    fresh_iface();
    memset(&c, 0, sizeof(c));
    memset(&info, 0, sizeof(info));
    memset(&ni, 0, sizeof(ni));
    ni.flags = LWS_NTPC_FLAG_NO_POOL;
    ni.burst = 1;
    ni.reply_timeout_ms = 300;
    ni.retry_min_ms = 200;
    ni.retry_max_ms = 1000;
    info.ntpc = &ni;
    info.dhcpc = &c.di;
    c.cx = lws_create_context(&info);
    assert_non_null(c.cx);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    assert_true(dt_cli_run_until(&c, ntp_synced, 15000));
    assert_int_equal(lws_ntpc_get_status(c.cx, &st), 0);
    assert_int_equal(st.server.sa4.sin_family, AF_INET);
    assert_int_equal(ntohl(st.server.sa4.sin_addr.s_addr), dt_ip(SRV_IP));
    assert_int_equal(st.stratum, 10); /* chronyd's "local stratum 10" */
    cli_destroy(&c);
    lt_kill(ch_pid, 2000);
    ch_pid = -1;
}

/* The application's dhcpc_apply op replaces the built-in rtnetlink code. */
static int op_adds, op_removes, op_fail_first;
static uint32_t op_ip;

static int apply_op(struct lws_context *cx, const lws_dhcpc_ifstate_t *is,
                    int op)
{
    (void)cx;
    if (op == LWS_DHCPC_APPLY_ADD) {
        op_adds++;
        op_ip = is->ipv4;
        if (op_fail_first && op_adds == 1)
            return -EIO;
    } else if (op == LWS_DHCPC_APPLY_REMOVE) {
        op_removes++;
    }
    return 0;
}

static bool applied_twice(struct dt_cli *c)
{
    return dt_cli_bound(c) && op_adds >= 2;
}

static void test_dhcpc_dnsmasq_apply_op(void **state)
{
    struct lws_context_creation_info info;
    lws_system_ops_t ops;
    struct dt_cli c;
    char out[2048];

    (void)state;
    for (op_fail_first = 0; op_fail_first < 2; op_fail_first++) {
        fresh_iface();
        op_adds = op_removes = 0;
        op_ip = 0;
        memset(&c, 0, sizeof(c));
        memset(&info, 0, sizeof(info));
        memset(&ops, 0, sizeof(ops));
        ops.dhcpc_apply = apply_op;
        c.di.retx_base_ms = 500;
        c.di.no_release_on_remove = 1;
        info.dhcpc = &c.di;
        info.system_ops = &ops;
        c.cx = lws_create_context(&info);
        assert_non_null(c.cx);
        cli_request(&c);
        assert_true(dt_cli_run_until(
            &c, op_fail_first ? applied_twice : dt_cli_bound, 10000));
        if (op_fail_first) {
            /* the failed apply was undone and reported, then retried */
            assert_int_equal(c.events[0], LWS_DHCPC_EVENT_APPLY_FAILED);
            assert_true(op_removes >= 1);
        }
        assert_int_equal(c.last.event, LWS_DHCPC_EVENT_BOUND);
        assert_int_equal(op_ip, c.last.ipv4);
        /* the op did the work: the built-in code stayed away */
        sh_cli(out, sizeof(out), "addr");
        assert_null(strstr(out, "inet 10.77.0."));
        op_removes = 0;
        assert_int_equal(lws_dhcpc_remove(c.cx, np.if_cli), 0);
        assert_int_equal(op_removes, 1);
        cli_destroy(&c);
    }
}

/* Issue 10 item 2: an op destroys the context (accepting or refusing):
 * dhcpc_apply, lease_load (the first step of the request) or lease_save
 * (after the lease is applied).  The client touches nothing of itself
 * afterwards and reports nothing more. */
enum destroy_op { DO_APPLY, DO_LEASE_LOAD, DO_LEASE_SAVE };
static int destroy_ret, destroy_calls, events_at_destroy;
static enum destroy_op destroy_in;
static struct dt_cli *destroy_cli;

static int destroy_from(enum destroy_op op)
{
    if (op != destroy_in || destroy_calls)
        return op == DO_LEASE_LOAD ? -ENOENT : 0;
    destroy_calls++;
    events_at_destroy = destroy_cli->n_events;
    lws_context_destroy(destroy_cli->cx);
    return destroy_ret;
}

static int apply_op_destroy(struct lws_context *cx,
                            const lws_dhcpc_ifstate_t *is, int op)
{
    (void)cx, (void)is;
    return op == LWS_DHCPC_APPLY_ADD ? destroy_from(DO_APPLY) : 0;
}

static int lease_load_destroy(void *user, const char *ifname,
                              struct lws_dhcpc_saved_lease *sl)
{
    (void)user, (void)ifname, (void)sl;
    return destroy_from(DO_LEASE_LOAD);
}

static int lease_save_destroy(void *user, const char *ifname,
                              const struct lws_dhcpc_saved_lease *sl)
{
    (void)user, (void)ifname, (void)sl;
    return destroy_from(DO_LEASE_SAVE);
}

static void test_dhcpc_dnsmasq_destroy_in_ops(void **state)
{
    static const int rets[] = {0, -EIO};
    struct lws_context_creation_info info;
    lws_system_ops_t ops;
    struct dt_cli c;

    (void)state;
    for (size_t i = 0; i < 3 * sizeof(rets) / sizeof(rets[0]); i++) {
        long long end = lt_now_ms() + 10000 * lt_timeout_scale();

        fresh_iface();
        destroy_in = (enum destroy_op)(i / 2);
        destroy_ret = rets[i % 2];
        destroy_calls = 0;
        memset(&c, 0, sizeof(c));
        memset(&info, 0, sizeof(info));
        memset(&ops, 0, sizeof(ops));
        ops.dhcpc_apply = apply_op_destroy;
        c.di.retx_base_ms = 500;
        c.di.lease_load = lease_load_destroy;
        c.di.lease_save = lease_save_destroy;
        info.dhcpc = &c.di;
        info.system_ops = &ops;
        destroy_cli = &c;
        c.cx = lws_create_context(&info);
        assert_non_null(c.cx);
        cli_request(&c);
        /* The client's own timers keep the loop turning until the op ran;
         * then the context is gone and never touched again. */
        while (!destroy_calls && lt_now_ms() < end)
            lws_service(c.cx, 0);
        assert_int_equal(destroy_calls, 1);
        /* Nothing was reported (APPLY_FAILED...) from a destroyed context. */
        assert_int_equal(c.n_events, events_at_destroy);
        c.cx = NULL;
    }
}

/* Persistence through the application's callbacks instead of a file. */
static struct lws_dhcpc_saved_lease saved;
static int saves, forgets;

static int lease_load(void *user, const char *ifname,
                      struct lws_dhcpc_saved_lease *sl)
{
    (void)user, (void)ifname;
    if (!saved.ipv4)
        return -ENOENT;
    *sl = saved;
    return 0;
}

static int lease_save(void *user, const char *ifname,
                      const struct lws_dhcpc_saved_lease *sl)
{
    (void)user, (void)ifname;
    if (sl) {
        saved = *sl;
        saves++;
    } else {
        memset(&saved, 0, sizeof(saved));
        forgets++;
    }
    return 0;
}

static void test_dhcpc_dnsmasq_lease_callbacks(void **state)
{
    struct lws_context_creation_info info;
    struct dt_cli c;
    int discovers;

    (void)state;
    memset(&saved, 0, sizeof(saved));
    saves = forgets = 0;
    for (int round = 0; round < 2; round++) {
        fresh_iface();
        memset(&c, 0, sizeof(c));
        memset(&info, 0, sizeof(info));
        c.di.lease_load = lease_load;
        c.di.lease_save = lease_save;
        info.dhcpc = &c.di;
        c.cx = lws_create_context(&info);
        assert_non_null(c.cx);
        discovers = count_in_file(logfile, "DHCPDISCOVER");
        cli_request(&c);
        assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
        assert_int_equal(saved.ipv4, c.last.ipv4);
        assert_int_equal(saved.server, dt_ip(SRV_IP));
        assert_memory_equal(saved.mac, c.last.mac, 6);
        if (round) /* INIT-REBOOT from what the callback gave back */
            assert_int_equal(count_in_file(logfile, "DHCPDISCOVER"), discovers);
        cli_destroy(&c);
    }
    assert_int_equal(saves, 1); /* the same lease is not saved again */
    assert_int_equal(forgets, 0);
}

static bool link_down(struct dt_cli *c)
{
    return dt_cli_has(c, LWS_DHCPC_EVENT_LINK_DOWN);
}

static bool rebound_after_up(struct dt_cli *c)
{
    bool up = false;

    for (int i = 0; i < c->n_events; i++) {
        if (c->events[i] == LWS_DHCPC_EVENT_LINK_UP)
            up = true;
        if (up && c->events[i] == LWS_DHCPC_EVENT_BOUND)
            return true;
    }
    return false;
}

static void test_dhcpc_dnsmasq_link_down_up(void **state)
{
    struct dt_cli c;
    char out[2048];
    int discovers;

    (void)state;
    fresh_iface();
    cli_create(&c, NULL);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    discovers = count_in_file(logfile, "DHCPDISCOVER");
    dt_link_set(np.ns_cli, np.if_cli, false);
    assert_true(dt_cli_run_until(&c, link_down, 3000));
    assert_int_equal(c.last.state, LWS_DHCPC_STATE_LINK_DOWN);
    dt_link_set(np.ns_cli, np.if_cli, true);
    assert_true(dt_cli_run_until(&c, rebound_after_up, 10000));
    /* re-verified by INIT-REBOOT, and the route is back */
    assert_int_equal(count_in_file(logfile, "DHCPDISCOVER"), discovers);
    sh_cli(out, sizeof(out), "route");
    assert_non_null(strstr(out, "default via " SRV_IP));
    cli_destroy(&c);
}

static void test_dhcpc_dnsmasq_rapid_commit(void **state)
{
    struct dt_cli c;

    (void)state;
    dt_dnsmasq_stop(&dm_pid);
    assert_int_equal(dm_start(true), 0);
    fresh_iface();
    cli_create(&c, NULL);
    cli_request(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    assert_int_equal(c.last.rapid_commit, 1);
    assert_int_equal(count_in_file(logfile, "DHCPOFFER"), 0);
    assert_true(count_in_file(logfile, "DHCPACK") >= 1);
    cli_destroy(&c);
    dt_dnsmasq_stop(&dm_pid);
    assert_int_equal(dm_start(false), 0);
}

/* Out of memory at each allocation made between the request and BOUND:
 * the client still gets its lease (by retransmission where a socket could
 * not be opened) and nothing leaks. */
static void test_dhcpc_dnsmasq_oom_during_dora(void **state)
{
    long allocs;
    size_t base;
    struct dt_cli c;

    (void)state;
    fresh_iface();
    base = lws__heap_in_use();
    cli_create(&c, NULL);
    cli_request(&c);
    allocs = lws__alloc_count();
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    allocs = lws__alloc_count() - allocs;
    cli_destroy(&c);
    assert_int_equal(lws__heap_in_use(), base);
    for (long n = 1; n <= allocs; n++) {
        bool ok;

        fresh_iface();
        cli_create(&c, NULL);
        cli_request(&c);
        lws__alloc_fail_nth(n);
        ok = dt_cli_run_until(&c, dt_cli_bound, 10000);
        lws__alloc_fail_nth(0);
        assert_true(ok);
        cli_destroy(&c);
        assert_int_equal(lws__heap_in_use(), base);
    }
}

static int iterations;

static bool some_iterations(struct dt_cli *c)
{
    (void)c;
    return ++iterations > 5;
}

static bool past_dhcp(struct dt_cli *c)
{
    return lws_system_get_state_manager(c->cx)->state >= LWS_SYSTATE_DHCP;
}

/* Two interfaces, one with no server: with wait_all the DHCP step stays
 * held after the first is bound, until the other is removed. */
static void test_dhcpc_dnsmasq_wait_all(void **state)
{
    struct lws_context_creation_info info;
    lws_state_manager_t *mgr;
    struct dt_cli c;
    int step;

    (void)state;
    fresh_iface();
    assert_int_equal(dt_netns_sh(np.ns_cli, NULL, 0,
                                 "ip link add lwsw0 type veth peer name "
                                 "lwsw1 && ip link set lwsw1 up && "
                                 "ip link set lwsw0 up"),
                     0);
    memset(&c, 0, sizeof(c));
    memset(&info, 0, sizeof(info));
    c.di.wait_all = 1;
    info.dhcpc = &c.di;
    info.target_state = LWS_SYSTATE_DHCP;
    c.cx = lws_create_context(&info);
    assert_non_null(c.cx);
    mgr = lws_system_get_state_manager(c.cx);
    cli_request(&c);
    assert_int_equal(lws_dhcpc_request(c.cx, "lwsw0", AF_INET, NULL, NULL), 0);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 10000));
    iterations = 0;
    assert_true(dt_cli_run_until(&c, some_iterations, 5000));
    assert_true(mgr->state < LWS_SYSTATE_DHCP);
    assert_string_equal(lws_state_blocker(mgr, &step), "dhcpc");
    assert_int_equal(step, LWS_SYSTATE_DHCP);
    assert_int_equal(lws_dhcpc_remove(c.cx, "lwsw0"), 0);
    assert_true(dt_cli_run_until(&c, past_dhcp, 3000));
    cli_destroy(&c);
    dt_netns_sh(np.ns_cli, NULL, 0, "ip link del lwsw0");
}

/* A callback may destroy the context or remove its own interface. */
static int reentry_mode;
static struct lws_context *reentry_cx;
static int reentry_calls;

static int reentry_cb(void *opaque, lws_dhcpc_ifstate_t *is)
{
    (void)opaque;
    reentry_calls++;
    if (reentry_mode == 3) {
        /* lws_dhcpc_remove() called from outside lws_service(): its
         * RELEASED callback destroys the context inside that call. */
        if (is->event == LWS_DHCPC_EVENT_RELEASED) {
            lws_context_destroy(reentry_cx);
            reentry_cx = NULL;
        }
        return 0;
    }
    if (is->event != LWS_DHCPC_EVENT_BOUND)
        return 0;
    if (reentry_mode == 1) {
        lws_context_destroy(reentry_cx);
        reentry_cx = NULL;
    } else {
        assert_int_equal(lws_dhcpc_remove(reentry_cx, is->ifname), 0);
    }
    return 0;
}

static void test_dhcpc_dnsmasq_callback_reentry(void **state)
{
    struct lws_context_creation_info info;
    struct lws_dhcpc_info di;
    long long end;

    (void)state;
    for (reentry_mode = 1; reentry_mode <= 3; reentry_mode++) {
        fresh_iface();
        memset(&info, 0, sizeof(info));
        memset(&di, 0, sizeof(di));
        info.dhcpc = &di;
        reentry_calls = 0;
        reentry_cx = lws_create_context(&info);
        assert_non_null(reentry_cx);
        assert_int_equal(
            lws_dhcpc_request(reentry_cx, np.if_cli, AF_INET, reentry_cb, NULL),
            0);
        end = lt_now_ms() + 10000;
        while (reentry_cx && lt_now_ms() < end &&
               reentry_calls < (reentry_mode == 3 ? 1 : 2)) {
            if (lws_service(reentry_cx, 0))
                break;
        }
        if (reentry_mode == 3) {
            assert_int_equal(reentry_calls, 1); /* BOUND */
            assert_int_equal(lws_dhcpc_remove(reentry_cx, np.if_cli), 0);
            assert_null(reentry_cx); /* destroyed inside the call */
            assert_int_equal(reentry_calls, 2);
        } else if (reentry_mode == 1) {
            assert_null(reentry_cx); /* destroyed from inside the callback */
            assert_int_equal(reentry_calls, 1);
        } else {
            /* BOUND, then RELEASED from inside the same callback */
            assert_int_equal(reentry_calls, 2);
            assert_int_equal(lws_dhcpc_status(reentry_cx, NULL), 0);
            lws_context_destroy(reentry_cx);
        }
    }
}

static int group_setup(void **state)
{
    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "dhcpc-dm"))
        return -1;
    snprintf(leasefile, sizeof(leasefile), "%s/leases", tmpdir);
    snprintf(logfile, sizeof(logfile), "%s/dnsmasq.log", tmpdir);
    snprintf(statedir, sizeof(statedir), "%s", tmpdir);
    if (dt_netpair_create(&np, "dm", SRV_IP "/24"))
        return -1;
    if (dm_start(false))
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    saved_ns = -1;
    dt_dnsmasq_stop(&dm_pid);
    if (ch_pid > 0)
        lt_kill(ch_pid, 2000);
    dt_netpair_destroy(&np);
    if (!getenv("LWS_TEST_DEBUG"))
        lt_rmtree(tmpdir);
    return 0;
}

static void on_signal(int sig)
{
    dt_dnsmasq_stop(&dm_pid);
    if (ch_pid > 0)
        lt_kill(ch_pid, 500);
    dt_netpair_destroy(&np);
    dt_reraise(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_dnsmasq_dora_applies_lease),
        cmocka_unit_test(test_dhcpc_dnsmasq_renews_at_t1),
        cmocka_unit_test(test_dhcpc_dnsmasq_release_on_remove),
        cmocka_unit_test(test_dhcpc_dnsmasq_init_reboot_after_restart),
        cmocka_unit_test(test_dhcpc_dnsmasq_link_down_up),
        cmocka_unit_test(test_dhcpc_dnsmasq_rapid_commit),
        cmocka_unit_test(test_dhcpc_dnsmasq_classless_routes_and_mtu),
        cmocka_unit_test(test_dhcpc_dnsmasq_ntp_server_handed_on),
        cmocka_unit_test(test_dhcpc_dnsmasq_apply_op),
        cmocka_unit_test(test_dhcpc_dnsmasq_destroy_in_ops),
        cmocka_unit_test(test_dhcpc_dnsmasq_lease_callbacks),
        cmocka_unit_test(test_dhcpc_dnsmasq_callback_reentry),
        cmocka_unit_test(test_dhcpc_dnsmasq_wait_all),
        cmocka_unit_test(test_dhcpc_dnsmasq_oom_during_dora),
    };
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("dhcpc-dnsmasq", tests, group_setup,
                                       group_teardown);
}
