/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Integration test of the captive-portal URI of RFC 8910 from DHCPv4: a
 * real dnsmasq in a network namespace of our own hands out option 114; the
 * DHCP client under test (in the other namespace) asks for it, and the CPD
 * helper of the same context reports it through lws_system_cpd_get_status()
 * once the lease is bound, with the result CAPTIVE_PORTAL carrying it.  A
 * lease without the option, or with one that holds a character no URI can,
 * reports none and leaves the result alone.
 */
#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#include <lws-system.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URI "https://portal.example/capport-api"

static struct dt_netpair np;
static char tmpdir[200], logfile[256];
static pid_t dm_pid = -1;
static int saved_ns = -1;

/* @opt: dnsmasq's option 114, or NULL. */
static int dm_start(const char *opt)
{
    const char *extra[] = {
        "--no-resolv", "--no-hosts",
        "--port=0",    "--dhcp-range=10.79.0.50,10.79.0.99,255.255.255.0,2m",
        opt,           NULL};

    dt_dnsmasq_stop(&dm_pid);
    return dt_dnsmasq_start(&dm_pid, np.ns_srv, np.if_srv, tmpdir, logfile,
                            extra);
}

struct cli {
    struct lws_context *cx;
    bool bound;
};

static int cli_cb(void *opaque, lws_dhcpc_ifstate_t *is)
{
    struct cli *c = opaque;

    if (is->event == LWS_DHCPC_EVENT_BOUND)
        c->bound = true;
    return 0;
}

static bool cli_bound(void *arg)
{
    return ((struct cli *)arg)->bound;
}

static bool cpd_captive(void *arg)
{
    struct lws_cpd_status st;

    return !lws_system_cpd_get_status(arg, &st) &&
           st.result == LWS_CPD_CAPTIVE_PORTAL;
}

/* A DHCP client and CPD (configured, but the ladder stops before it
 * checks): @uri is what CPD reports once bound. */
static void bound_then_status(char *uri, size_t len)
{
    struct lws_context_creation_info info;
    struct lws_dhcpc_info di = {0};
    struct lws_cpd_info ci = {0};
    struct lws_cpd_status st;
    struct cli c = {0};

    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
    memset(&info, 0, sizeof(info));
    di.retx_base_ms = 1000;
    ci.https_url = "https://cpd.example/generate_204";
    info.dhcpc = &di;
    info.cpd = &ci;
    info.target_state = LWS_SYSTATE_DHCP;
    c.cx = lws_create_context(&info);
    assert_non_null(c.cx);
    assert_int_equal(lws_dhcpc_request(c.cx, np.if_cli, AF_INET, cli_cb, &c),
                     0);
    assert_true(dt_service_until(c.cx, cli_bound, &c,
                                 20000LL * lt_timeout_scale(), 20));
    assert_int_equal(lws_system_cpd_get_status(c.cx, &st), 0);
    snprintf(uri, len, "%s", st.portal_uri);
    fprintf(stderr, "  bound; CPD's portal URI: '%s' (%s)\n", st.portal_uri,
            st.portal_if);
    if (st.portal_uri[0]) {
        assert_string_equal(st.portal_if, np.if_cli);
        /* the URI is a "portal" result until a check says otherwise (the
         * ladder stops before CPD here: nothing re-checks) */
        assert_true(dt_service_until(c.cx, cpd_captive, c.cx,
                                     5000LL * lt_timeout_scale(), 20));
        assert_non_null(strstr(lws_system_cpd_reason(c.cx), st.portal_uri));
    } else {
        assert_int_equal(st.result, LWS_CPD_UNKNOWN);
    }
    lws_context_destroy(c.cx);
}

static void test_cpd_uri_from_dhcpv4_option_114(void **state)
{
    char uri[256];

    (void)state;
    assert_int_equal(dm_start("--dhcp-option=114," URI), 0);
    bound_then_status(uri, sizeof(uri));
    assert_string_equal(uri, URI);
}

static void test_cpd_uri_none_without_option(void **state)
{
    char uri[256];

    (void)state;
    assert_int_equal(dm_start(NULL), 0);
    bound_then_status(uri, sizeof(uri));
    assert_string_equal(uri, "");
}

/* dnsmasq sends a quoted value with its quotes: '"' cannot be in a URI,
 * so the option is dropped (logged) and the lease binds without it. */
static void test_cpd_uri_bad_characters_dropped(void **state)
{
    char uri[256];

    (void)state;
    assert_int_equal(dm_start("--dhcp-option=114,\"" URI "\""), 0);
    bound_then_status(uri, sizeof(uri));
    assert_string_equal(uri, "");
}

static int group_setup(void **state)
{
    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "cpd-uri"))
        return -1;
    snprintf(logfile, sizeof(logfile), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "cu", "10.79.0.1/24"))
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
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
        cmocka_unit_test(test_cpd_uri_from_dhcpv4_option_114),
        cmocka_unit_test(test_cpd_uri_none_without_option),
        cmocka_unit_test(test_cpd_uri_bad_characters_dropped),
    };
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("integration/cpd-uri", tests,
                                       group_setup, group_teardown);
}
