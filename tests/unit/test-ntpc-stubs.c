/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * With the SNTP client compiled out, its public functions are harmless
 * stubs, news meant for it (a lease's NTP servers, a link change) reaches
 * no one, and nothing holds TIME_VALID.
 */
#include "private-news.h"

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
#if LWS_WITH_SYS_ASYNC_DNS || LWS_WITH_SYS_DHCP_CLIENT || LWS_WITH_SYS_CPD
    /* The news list is built with any helper. */
    {
        uint32_t ntp = 0x7f000001;

        lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_NTP_SERVERS,
                                                  .iface = "eth0",
                                                  .addrs = &ntp,
                                                  .n = 1});
        lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_LINK,
                                                  .iface = "eth0",
                                                  .up = true});
    }
#endif
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
