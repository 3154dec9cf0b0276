/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * With LWS_WITH_SYS_DHCP_CLIENT off, the DHCP API fails the documented way
 * (1, 0, -ENOTSUP) on a live context.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_dhcpc_stubs_fail_cleanly(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    lws_dhcpc_ifstate_t is;
    lws_sockaddr46 sa;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    assert_non_null(cx);
    assert_int_equal(lws_dhcpc_request(cx, "eth0", AF_INET, NULL, NULL), 1);
    assert_int_equal(lws_dhcpc_remove(cx, NULL), 1);
    assert_int_equal(lws_dhcpc_status(cx, &sa), 0);
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "eth0", &is), -ENOTSUP);
    assert_string_equal(lws_dhcpc_state_name(0), "?");
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_stubs_fail_cleanly),
    };

    return cmocka_run_group_tests_name("dhcpc-stubs", tests, NULL, NULL);
}
