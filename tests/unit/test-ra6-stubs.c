/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * With LWS_WITH_SYS_DHCP6 off, the IPv6 API fails the documented way
 * (-ENOTSUP, 0) on a live context.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_ra6_stubs_fail_cleanly(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    lws_dhcpc6_ifstate_t is;
    lws_sockaddr46 sa;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    assert_non_null(cx);
    assert_int_equal(lws_dhcpc6_request(cx, "eth0"), -ENOTSUP);
    assert_int_equal(lws_dhcpc6_remove(cx, NULL), -ENOTSUP);
    assert_int_equal(lws_dhcpc6_status(cx, &sa), 0);
    assert_int_equal(lws_dhcpc6_get_ifstate(cx, "eth0", &is), -ENOTSUP);
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ra6_stubs_fail_cleanly),
    };

    return cmocka_run_group_tests_name("ra6-stubs", tests, NULL, NULL);
}
