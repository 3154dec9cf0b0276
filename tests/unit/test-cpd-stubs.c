/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * With LWS_WITH_SYS_CPD=OFF the CPD API still links: starting a check
 * reports -ENOTSUP, results are ignored, the state stays UNKNOWN and the
 * ladder passes the CPD steps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lws-system.h>

#include <errno.h>

/* Wakes the loop on each step so lws_service() returns. */
static int wake_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                       int current, int target)
{
    (void)l, (void)current, (void)target;
    lws_cancel_service(mgr->context);
    return 0;
}

static void test_cpd_stubs_report_enotsup(void **state)
{
    lws_state_notify_link_t nl = {.notify_cb = wake_notify, .name = "wake"};
    lws_state_notify_link_t *const nls[] = {&nl, NULL};
    struct lws_context_creation_info info = {0};
    const struct lws_cpd_info ci = {.http_url = "http://127.0.0.1:9/"};
    struct lws_context *cx;

    (void)state;
    info.cpd = &ci;
    info.register_notifier_list = nls;
    info.target_state = LWS_SYSTATE_CPD_POST_TIME;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    while (lws_system_get_state_manager(cx)->state < LWS_SYSTATE_CPD_POST_TIME)
        lws_service(cx, 0);
    assert_int_equal(lws_system_cpd_start(cx), -ENOTSUP);
    lws_system_cpd_set(cx, LWS_CPD_INTERNET_OK);
    assert_int_equal(lws_system_cpd_state_get(cx), LWS_CPD_UNKNOWN);
    assert_string_equal(lws_system_cpd_reason(cx), "");
    assert_string_equal(lws_cpd_result_name(LWS_CPD_CAPTIVE_PORTAL), "Captive");
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpd_stubs_report_enotsup),
    };

    lws_set_log_level(LLL_ERR, NULL);
    return cmocka_run_group_tests_name("cpd-stubs", tests, NULL, NULL);
}
