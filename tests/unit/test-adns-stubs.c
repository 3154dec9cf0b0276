/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * With LWS_WITH_SYS_ASYNC_DNS=OFF the API links, refuses every call and
 * never calls back.
 */
#include <lws-system.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static int calls;

static struct lws *cb(struct lws *wsi, const char *ads,
                      const struct addrinfo *result, int n, void *opaque)
{
    calls++;
    return wsi;
}

static void test_adns_stubs_refuse(void **state)
{
    struct lws_context_creation_info info;
    struct lws_adns_stats st;
    struct lws_context *cx;
    lws_sockaddr46 sa;
    const struct addrinfo *ai = (const struct addrinfo *)&sa;

    memset(&info, 0, sizeof(info));
    info.target_state = LWS_SYSTATE_INITIALIZED;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    memset(&sa, 0, sizeof(sa));
    assert_int_equal(lws_async_dns_query(cx, 0, "localhost", LWS_ADNS_RECORD_A,
                                         cb, NULL, NULL),
                     LADNS_RET_FAILED);
    assert_int_equal(calls, 0);
    assert_int_equal(lws_async_dns_server_add(cx, &sa), -ENOTSUP);
    lws_async_dns_server_remove(cx, &sa);
    assert_int_equal(lws_adns_cancel(cx, cb, NULL, NULL), -ENOTSUP);
    assert_int_equal(lws_adns_cache_flush(cx), -ENOTSUP);
    assert_int_equal(lws_adns_get_stats(cx, &st), -ENOTSUP);
    lws_async_dns_freeaddrinfo(&ai);
    assert_null(ai);
    lws_context_destroy(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adns_stubs_refuse),
    };

    return cmocka_run_group_tests_name("adns-stubs", tests, NULL, NULL);
}
