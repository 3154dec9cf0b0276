/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * With the SNTP client compiled out, its public functions are harmless
 * stubs and nothing holds TIME_VALID.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_ntpc_stubs(void **state)
{
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    struct lws_ntpc_status st;
    struct lws_context *cx;

    (void)state;
    memset(&ni, 0, sizeof(ni));
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    lws_ntpc_trigger(cx);
    assert_int_equal(lws_ntpc_get_status(cx, &st), -ENOTSUP);
    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth0", NULL, 0), -ENOTSUP);
    lws__ntpc_link_changed(cx, true);
    for (int i = 0; i < 100 && lws_system_get_state_manager(cx)->state <
                                   LWS_SYSTATE_OPERATIONAL;
         i++)
        lws_service(cx, 0);
    assert_int_equal(lws_system_get_state_manager(cx)->state,
                     LWS_SYSTATE_OPERATIONAL);
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ntpc_stubs)};

    return cmocka_run_group_tests_name("ntpc-stubs", tests, NULL, NULL);
}
