/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * lws_service() timeouts as lws-era loops use them: a negative timeout runs
 * what is ready and returns without waiting, a positive one returns within
 * its bound when nothing happens (a loop polling a flag set elsewhere keeps
 * turning), 0 waits for work and returns once some ran.  The v5.0 states
 * and ops members compile by name.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static struct lws_context *make_cx(void)
{
    struct lws_context_creation_info info = {0};

    info.target_state = LWS_SYSTATE_INITIALIZED;
    return lws_create_context(&info);
}

/* Runs until the boot walk has happened, so nothing more is pending. */
static void settle(struct lws_context *cx)
{
    for (int i = 0; i < 100 && lws_system_get_state_manager(cx)->state <
                                   LWS_SYSTATE_INITIALIZED;
         i++)
        lws_service(cx, 10);
    assert_int_equal(lws_system_get_state_manager(cx)->state,
                     LWS_SYSTATE_INITIALIZED);
}

static void test_service_negative_returns_without_waiting(void **state)
{
    struct lws_context *cx = make_cx();

    (void)state;
    settle(cx);
    /* Nothing is pending and no timer is armed: a blocking run would
     * never return, so returning at all is the proof. */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(lws_service(cx, -1), 0);
    lws_context_destroy(cx);
}

static void test_service_positive_bounds_the_wait(void **state)
{
    struct lws_context *cx = make_cx();
    lws_usec_t t0;
    int turns = 0;

    (void)state;
    settle(cx);
    /* The lws-era idiom: the loop turns although nothing happens. */
    t0 = lws_now_usecs();
    while (turns < 5) {
        assert_int_equal(lws_service(cx, 20), 0);
        turns++;
    }
    /* At least the bound passed each turn (no upper bound asserted: the
     * machine may be loaded). */
    assert_true(lws_now_usecs() - t0 >= 5 * 19 * LWS_US_PER_MS);
    lws_context_destroy(cx);
}

static void att_cb(struct lws_context *cx, int tsi, void *opaque)
{
    (void)cx, (void)tsi;
    (*(int *)opaque)++;
}

static void test_service_zero_waits_for_work(void **state)
{
    struct lws_context *cx = make_cx();
    int ran = 0;

    (void)state;
    settle(cx);
    assert_int_equal(lws_system_get_ops(cx)->attach(cx, 0, att_cb,
                                                    LWS_SYSTATE_CONTEXT_CREATED,
                                                    &ran, NULL),
                     0);
    while (!ran)
        assert_int_equal(lws_service(cx, 0), 0);
    assert_int_equal(ran, 1);
    lws_context_destroy(cx);
}

static void test_service_v5_states_and_ops_by_name(void **state)
{
    const lws_system_ops_t ops = {
        .metric_report = NULL,
        .jit_trust_query = NULL,
        .ota_ops = NULL,
        .stdin_rx = NULL,
        .wake_latency_us = 1000,
        .async_dns_dnssec_mode = LWS_ADNS_DNSSEC_OFF,
        .async_dns_dnssec_trust_anchor = NULL,
    };
    struct lws_context_creation_info info = {0};
    struct lws_context *cx;
    lws_state_manager_t *m;

    (void)state;
    info.system_ops = &ops;
    info.target_state = LWS_SYSTATE_ONE_TIME_UPDATES;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    m = lws_system_get_state_manager(cx);
    for (int i = 0; i < 100 && m->state < LWS_SYSTATE_ONE_TIME_UPDATES; i++)
        lws_service(cx, 10);
    assert_int_equal(m->state, LWS_SYSTATE_ONE_TIME_UPDATES);
    assert_true(LWS_SYSTATE_PRE_PRIV_DROP < LWS_SYSTATE_INITIALIZED);
    assert_true(LWS_SYSTATE_ONE_TIME_UPDATES < LWS_SYSTATE_OPERATIONAL);
    assert_string_equal(lws_state_name(m, LWS_SYSTATE_COLLECTING_STDIN),
                        "COLLECTING_STDIN");
    assert_string_equal(lws_state_name(m, LWS_SYSTATE_MODAL_UPDATING),
                        "MODAL_UPDATING");
    assert_int_equal(lws_system_get_ops(cx)->wake_latency_us, 1000);
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_negative_returns_without_waiting),
        cmocka_unit_test(test_service_positive_bounds_the_wait),
        cmocka_unit_test(test_service_zero_waits_for_work),
        cmocka_unit_test(test_service_v5_states_and_ops_by_name),
    };

    return cmocka_run_group_tests_name("service", tests, NULL, NULL);
}
