/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The header promises lws_context_destroy() is safe inside any library
 * callback.  Each case destroys the context from one op or callback the
 * library calls, returning each value the caller acts on, from
 * lws_service() and, where the application can start the call itself, from
 * outside it.  ASan / valgrind see any use of the freed helper state; the
 * callbacks count how often they ran.  Every call into application code:
 *
 *   core:   state notifier (notify_cb), attach callback       - here
 *   CPD:    captive_portal_detect_request op (from the loop and from
 *           lws_system_cpd_start()), result_cb                 - here
 *   SNTP:   set_clock op, stamp_load (inside lws_create_context(), which
 *           then returns NULL), stamp_save, sync_cb            - here
 *   DHCP:   lease_load, lease_save, dhcpc_apply and the dhcpc_cb need an
 *           Ethernet link and a DHCP server: integration/dhcpc-dnsmasq
 *           (destroy_in_ops, callback_reentry)
 *   DHCPv6: dhcpc6_apply needs an RA and a DHCPv6 server:
 *           integration/dhcp6-dnsmasq (apply_op_replaces_rtnetlink)
 *   ADNS:   the lookup callback                                 - here
 *           (a numeric name: answered without the network)
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#if LWS_WITH_SYS_NTPCLIENT
#include "ntpc-server.h"
#endif
#include "testutil.h"

static struct lws_context *g_cx;
static int g_calls;
#if LWS_WITH_SYS_CPD || LWS_WITH_SYS_NTPCLIENT
static int g_ret; /* what the destroying op returns */
#endif
static bool g_done;

static void destroy_now(void)
{
    g_calls++;
    g_done = true;
    lws_context_destroy(g_cx);
}

/* Services until a callback destroyed the context (then @cx is gone). */
static void serve_until_destroyed(struct lws_context *cx)
{
    long long end = lt_now_ms() + 5000;

    while (!g_done && lt_now_ms() < end)
        lws_service(cx, 0);
    assert_true(g_done);
}

static int setup(void **state)
{
    (void)state;
    g_cx = NULL;
    g_calls = 0;
    g_done = false;
    return 0;
}

static struct lws_context *mk(struct lws_context_creation_info *info)
{
    g_cx = lws_create_context(info);
    assert_non_null(g_cx);
    return g_cx;
}

/* ------------------------------------------------------------------------
 * Core: state notifier, attach callback
 */

static int notify_destroy(lws_state_manager_t *mgr,
                          lws_state_notify_link_t *link, int current,
                          int target)
{
    (void)mgr, (void)link, (void)current;
    if (target == LWS_SYSTATE_OPERATIONAL && !g_done)
        destroy_now();
    return 0;
}

static void test_destroy_in_state_notifier(void **state)
{
    static lws_state_notify_link_t nl = {.notify_cb = notify_destroy,
                                         .name = "destroyer"};
    static lws_state_notify_link_t *const nls[] = {&nl, NULL};
    struct lws_context_creation_info info;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.register_notifier_list = nls;
    serve_until_destroyed(mk(&info));
    assert_int_equal(g_calls, 1);
}

static void attach_destroy(struct lws_context *cx, int tsi, void *opaque)
{
    (void)cx, (void)tsi, (void)opaque;
    destroy_now();
}

static void attach_second(struct lws_context *cx, int tsi, void *opaque)
{
    (void)cx, (void)tsi, (void)opaque;
    g_calls += 100; /* must never run: the first one destroyed the context */
}

static void test_destroy_in_attach_cb(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = mk(&info);
    assert_int_equal(lws_system_get_ops(cx)->attach(cx, 0, attach_destroy,
                                                    LWS_SYSTATE_OPERATIONAL,
                                                    NULL, NULL),
                     0);
    assert_int_equal(lws_system_get_ops(cx)->attach(cx, 0, attach_second,
                                                    LWS_SYSTATE_OPERATIONAL,
                                                    NULL, NULL),
                     0);
    serve_until_destroyed(cx);
    assert_int_equal(g_calls, 1);
}

/* ------------------------------------------------------------------------
 * Captive portal detection: the op (returning 0 or refusing) and the
 * result callback
 */
#if LWS_WITH_SYS_CPD

static int cpd_op_destroy(struct lws_context *cx)
{
    (void)cx;
    destroy_now();
    return g_ret;
}

static struct lws_context *cpd_context(const struct lws_cpd_info *ci,
                                       int target)
{
    static const lws_system_ops_t ops = {.captive_portal_detect_request =
                                             cpd_op_destroy};
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.system_ops = &ops;
    info.cpd = ci;
    info.target_state = target;
    return mk(&info);
}

/* The ladder starts the check from the loop (cpd_defer_cb). */
static void test_destroy_in_cpd_op_from_loop(void **state)
{
    static const int rets[] = {0, 1, -EIO};

    (void)state;
    for (size_t i = 0; i < sizeof(rets) / sizeof(rets[0]); i++) {
        setup(NULL);
        g_ret = rets[i];
        serve_until_destroyed(cpd_context(NULL, LWS_SYSTATE_CPD_PRE_TIME));
        assert_int_equal(g_calls, 1);
    }
}

/* The application starts the check itself, outside lws_service(). */
static void test_destroy_in_cpd_op_from_api(void **state)
{
    static const int rets[] = {0, 1, -EIO};

    (void)state;
    for (size_t i = 0; i < sizeof(rets) / sizeof(rets[0]); i++) {
        struct lws_context *cx;

        setup(NULL);
        g_ret = 0;
        /* No gate waits for the check: the ladder never calls the op. */
        cx = cpd_context(NULL, LWS_SYSTATE_DHCP);
        g_ret = rets[i];
        assert_int_equal(lws_system_cpd_start(cx), rets[i]);
        assert_int_equal(g_calls, 1); /* @cx is gone now */
    }
}

static int cpd_op_answer(struct lws_context *cx)
{
    lws_system_cpd_set(cx, LWS_CPD_CAPTIVE_PORTAL);
    return 0;
}

static void cpd_result_destroy(struct lws_context *cx, lws_cpd_result_t r,
                               const char *reason, void *user)
{
    (void)cx, (void)r, (void)reason, (void)user;
    destroy_now();
}

static void test_destroy_in_cpd_result_cb(void **state)
{
    static const lws_system_ops_t ops = {.captive_portal_detect_request =
                                             cpd_op_answer};
    const struct lws_cpd_info ci = {.flags = LWS_CPD_F_HOLD_UNTIL_OK,
                                    .recheck_ms = 5,
                                    .result_cb = cpd_result_destroy};
    struct lws_context_creation_info info;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.system_ops = &ops;
    info.cpd = &ci;
    info.target_state = LWS_SYSTATE_CPD_PRE_TIME;
    serve_until_destroyed(mk(&info));
    assert_int_equal(g_calls, 1);
}
#endif

/* ------------------------------------------------------------------------
 * SNTP client: set_clock, stamp_save, sync callback
 */
#if LWS_WITH_SYS_NTPCLIENT

static int set_clock_destroy(lws_usec_t us)
{
    (void)us;
    destroy_now();
    return g_ret;
}

static int set_clock_ok(lws_usec_t us)
{
    (void)us;
    return 0;
}

static int stamp_save_destroy(struct lws_context *cx, lws_usec_t us)
{
    (void)cx, (void)us;
    destroy_now();
    return g_ret;
}

static void sync_destroy(struct lws_context *cx, int status,
                         const struct lws_ntpc_status *st, void *user)
{
    (void)cx, (void)status, (void)st, (void)user;
    destroy_now();
}

enum ntpc_case { NC_SET_CLOCK, NC_STAMP_SAVE, NC_SYNC_CB };

static void ntpc_case(enum ntpc_case which, int ret)
{
    static lws_system_ops_t ops;
    struct ntps *srv = ntps_start(0);
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    char sv[64];
    const char *servers[] = {sv, NULL};

    assert_non_null(srv);
    setup(NULL);
    g_ret = ret;
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    memset(&ni, 0, sizeof(ni));
    ni.servers = servers;
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.reply_timeout_ms = 100;
    memset(&ops, 0, sizeof(ops));
    ops.set_clock = which == NC_SET_CLOCK ? set_clock_destroy : set_clock_ok;
    if (which == NC_STAMP_SAVE)
        ni.stamp_save = stamp_save_destroy;
    if (which == NC_SYNC_CB)
        ni.sync_cb = sync_destroy;
    memset(&info, 0, sizeof(info));
    info.system_ops = &ops;
    info.ntpc = &ni;
    serve_until_destroyed(mk(&info));
    /* The stamp is saved once more by the destroy itself: that second
     * destroy from inside it is refused (logged). */
    assert_int_equal(g_calls, which == NC_STAMP_SAVE ? 2 : 1);
    ntps_stop(srv);
}

static int stamp_load_destroy(struct lws_context *cx, lws_usec_t *us)
{
    *us = 1700000000ll * LWS_US_PER_SEC;
    g_calls++;
    g_done = true;
    lws_context_destroy(cx); /* done when lws_create_context() ends */
    lws_context_destroy(cx); /* a second one is refused (logged) */
    return g_ret;
}

/* stamp_load runs inside lws_create_context(): the destroy is carried out
 * when creation ends, which then reports no context. */
static void test_destroy_in_ntpc_stamp_load(void **state)
{
    static const int rets[] = {0, -ENOENT};
    const char *servers[] = {"127.0.0.1", NULL};

    (void)state;
    for (size_t i = 0; i < sizeof(rets) / sizeof(rets[0]); i++) {
        struct lws_context_creation_info info;
        struct lws_ntpc_info ni;

        setup(NULL);
        g_ret = rets[i];
        memset(&ni, 0, sizeof(ni));
        ni.servers = servers;
        ni.stamp_load = stamp_load_destroy;
        memset(&info, 0, sizeof(info));
        info.ntpc = &ni;
        g_cx = lws_create_context(&info);
        assert_null(g_cx);
        assert_int_equal(g_calls, 1);
    }
}

static void test_destroy_in_ntpc_callbacks(void **state)
{
    (void)state;
    ntpc_case(NC_SET_CLOCK, 0);
    ntpc_case(NC_SET_CLOCK, -EPERM);
    ntpc_case(NC_STAMP_SAVE, 0);
    ntpc_case(NC_STAMP_SAVE, -EIO);
    ntpc_case(NC_SYNC_CB, 0);
}
#endif

/* ------------------------------------------------------------------------
 * Async DNS: the lookup callback
 */
#if LWS_WITH_SYS_ASYNC_DNS

static struct lws *adns_cb_destroy(struct lws *wsi, const char *ads,
                                   const struct addrinfo *result, int n,
                                   void *opaque)
{
    (void)wsi, (void)ads, (void)n, (void)opaque;
    destroy_now();
    lws_async_dns_freeaddrinfo(&result); /* ours, context or not */
    return NULL;
}

static void test_destroy_in_adns_cb(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = mk(&info);
    (void)lws_async_dns_query(cx, 0, "127.0.0.1", LWS_ADNS_RECORD_A,
                              adns_cb_destroy, NULL, NULL);
    if (!g_done)
        serve_until_destroyed(cx);
    assert_int_equal(g_calls, 1);
}

static int adns_after, adns_after_cancelled;

static struct lws *adns_cb_count(struct lws *wsi, const char *ads,
                                 const struct addrinfo *result, int n,
                                 void *opaque)
{
    (void)wsi, (void)ads, (void)opaque;
    adns_after++;
    adns_after_cancelled += n == -ECANCELED;
    lws_async_dns_freeaddrinfo(&result);
    return NULL;
}

/* The destroying callback is the first of three in one delivery round: the
 * destroy runs the two still owed (cancelled), frees the resolver at once,
 * and the delivery loop returns without touching it. */
static void test_destroy_in_adns_cb_mid_delivery(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;

    (void)state;
    adns_after = adns_after_cancelled = 0;
    memset(&info, 0, sizeof(info));
    cx = mk(&info);
    (void)lws_async_dns_query(cx, 0, "127.0.0.1", LWS_ADNS_RECORD_A,
                              adns_cb_destroy, NULL, NULL);
    (void)lws_async_dns_query(cx, 0, "127.0.0.2", LWS_ADNS_RECORD_A,
                              adns_cb_count, NULL, NULL);
    (void)lws_async_dns_query(cx, 0, "127.0.0.3", LWS_ADNS_RECORD_A,
                              adns_cb_count, NULL, NULL);
    if (!g_done)
        serve_until_destroyed(cx);
    assert_int_equal(g_calls, 1);
    assert_int_equal(adns_after, 2);
    assert_int_equal(adns_after_cancelled, 2);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_destroy_in_state_notifier, setup),
        cmocka_unit_test_setup(test_destroy_in_attach_cb, setup),
#if LWS_WITH_SYS_CPD
        cmocka_unit_test_setup(test_destroy_in_cpd_op_from_loop, setup),
        cmocka_unit_test_setup(test_destroy_in_cpd_op_from_api, setup),
        cmocka_unit_test_setup(test_destroy_in_cpd_result_cb, setup),
#endif
#if LWS_WITH_SYS_NTPCLIENT
        cmocka_unit_test_setup(test_destroy_in_ntpc_callbacks, setup),
        cmocka_unit_test_setup(test_destroy_in_ntpc_stamp_load, setup),
#endif
#if LWS_WITH_SYS_ASYNC_DNS
        cmocka_unit_test_setup(test_destroy_in_adns_cb, setup),
        cmocka_unit_test_setup(test_destroy_in_adns_cb_mid_delivery, setup),
#endif
    };

    return cmocka_run_group_tests_name("destroy-in-callback", tests, NULL,
                                       NULL);
}
