/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The network messages the library publishes on lws_smd, heard by a peer
 * of class NETWORK while the DHCP client runs against a real dnsmasq in
 * network namespaces this test creates (as root): the lease bound with its
 * address, the DNS servers it handed to the resolver, link down and up,
 * and the lease's events after the link returns.
 */
#include <lws-system.h>

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
#include "testutil.h"

#define SRV_IP "10.78.0.1"

static struct dt_netpair np;
static char tmpdir[200], logfile[256];
static pid_t dm_pid = -1;
static int saved_ns = -1;

struct heard {
    char log[8192]; /* every payload, one per line */
};

static int net_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                  size_t len)
{
    struct heard *h = opaque;
    size_t used = strlen(h->log);

    (void)ts;
    assert_int_equal(cls, LWSSMDCL_NETWORK);
    if (used + len + 2 < sizeof(h->log))
        snprintf(h->log + used, sizeof(h->log) - used, "%.*s\n", (int)len,
                 (const char *)buf);
    return 0;
}

static struct heard heard;
static char want[256];

static bool heard_want(struct dt_cli *c)
{
    (void)c;
    return strstr(heard.log, want) != NULL;
}

static void expect(struct dt_cli *c, int ms, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    if (!dt_cli_run_until(c, heard_want, ms))
        fail_msg("not heard: %s\nheard:\n%s", want, heard.log);
}

static void test_smd_net_dhcp_dns_link(void **state)
{
    struct dt_cli c;

    (void)state;
    memset(&c, 0, sizeof(c));
    memset(&heard, 0, sizeof(heard));
    c.di.retx_base_ms = 1000;
    c.di.retx_jitter_ms = 100;
    assert_int_equal(dt_cli_create(&c), 0);
    assert_non_null(
        lws_smd_register(c.cx, &heard, 0, LWSSMDCL_NETWORK, net_cb));
    assert_int_equal(dt_cli_request(&c, np.if_cli), 0);
    expect(&c, 10000,
           "{\"type\":\"dhcp\",\"if\":\"%s\",\"event\":\"BOUND\","
           "\"ipv4\":\"10.78.0.",
           np.if_cli);
    if (LWS_WITH_SYS_ASYNC_DNS)
        expect(&c, 3000,
               "{\"type\":\"dns\",\"src\":\"dhcp\",\"if\":\"%s\","
               "\"servers\":1}",
               np.if_cli);
    dt_link_set(np.ns_cli, np.if_cli, false);
    expect(&c, 3000, "{\"type\":\"link\",\"if\":\"%s\",\"state\":\"down\"}",
           np.if_cli);
    expect(&c, 3000, "\"if\":\"%s\",\"event\":\"LINK_DOWN\"", np.if_cli);
    dt_link_set(np.ns_cli, np.if_cli, true);
    expect(&c, 3000, "{\"type\":\"link\",\"if\":\"%s\",\"state\":\"up\"}",
           np.if_cli);
    expect(&c, 10000, "\"if\":\"%s\",\"event\":\"LINK_UP\"", np.if_cli);
    lws_context_destroy(c.cx);
}

static int group_setup(void **state)
{
    const char *extra[] = {"--no-resolv", "--no-hosts",
                           "--dhcp-range=10.78.0.50,10.78.0.99,255.255.255.0,"
                           "2m",
                           "--dhcp-option=option:dns-server," SRV_IP, NULL};

    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "smd-net"))
        return -1;
    snprintf(logfile, sizeof(logfile), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "sm", SRV_IP "/24"))
        return -1;
    if (dt_dnsmasq_start(&dm_pid, np.ns_srv, np.if_srv, tmpdir, logfile, extra))
        return -1;
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
        cmocka_unit_test(test_smd_net_dhcp_dns_link),
    };
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("smd-net", tests, group_setup,
                                       group_teardown);
}
