/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The lws v4.4-v5.0 async DNS API: the 8-argument lws_async_dns_query()
 * with its pq handle (set while pending, cleared before the callback,
 * cancellable, stale handles harmless), the 7-argument form through the
 * macro, the function's address being the 8-argument one, the flags OR-ed
 * into the type (NOCACHE, IGNORE_HOSTS_FILE) and
 * lws_async_dns_server_reload() re-reading an unchanged-looking file.
 * Local answers only (literals, a hosts file): no network.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "testutil.h"

struct res {
    int calls;
    int n;
    bool had_result;
    struct lws_adns_q *q; /* the handle the library fills and clears */
    bool q_null_in_cb;
};

static struct lws *res_cb(struct lws *wsi, const char *ads,
                          const struct addrinfo *result, int n, void *opaque)
{
    struct res *r = opaque;

    (void)ads;
    r->calls++;
    r->n = n;
    r->had_result = result != NULL;
    r->q_null_in_cb = r->q == NULL;
    lws_async_dns_freeaddrinfo(&result);
    return wsi;
}

struct fx {
    char dir[256];
    char hosts[300];
    char resolv[300];
    struct lws_adns_info ai;
    struct lws_context *cx;
};

static int fx_setup(void **state)
{
    static struct fx f;
    struct lws_context_creation_info info = {0};

    memset(&f, 0, sizeof(f));
    assert_int_equal(lt_mkdtemp(f.dir, sizeof(f.dir), "adns44"), 0);
    snprintf(f.hosts, sizeof(f.hosts), "%s/hosts", f.dir);
    snprintf(f.resolv, sizeof(f.resolv), "%s/resolv", f.dir);
    assert_int_equal(lt_write_file(f.hosts, "10.1.2.3 h.test\n"), 0);
    assert_int_equal(lt_write_file(f.resolv, "nameserver 127.0.0.1\n"), 0);
    f.ai.hosts_path = f.hosts;
    f.ai.resolv_conf_path = f.resolv;
    f.ai.query_deadline_ms = 300;
    f.ai.try_timeout_ms = 100;
    info.adns = &f.ai;
    info.target_state = LWS_SYSTATE_INITIALIZED;
    f.cx = lws_create_context(&info);
    assert_non_null(f.cx);
    *state = &f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;

    lws_context_destroy(f->cx);
    lt_rmtree(f->dir);
    return 0;
}

static void run_until(struct lws_context *cx, const int *calls, int want)
{
    for (int i = 0; i < 1000 && *calls < want; i++)
        lws_service(cx, 50);
}

static void test_adns44_pq_set_then_cleared(void **state)
{
    struct fx *f = *state;
    struct res r = {0};

    assert_int_equal(lws_async_dns_query(f->cx, 0, "127.0.0.1",
                                         LWS_ADNS_RECORD_A, res_cb, NULL, &r,
                                         &r.q),
                     LADNS_RET_CONTINUING);
    assert_non_null(r.q); /* pending: a handle */
    assert_int_equal(r.calls, 0);
    run_until(f->cx, &r.calls, 1);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_true(r.q_null_in_cb); /* cleared before the callback */
    assert_null(r.q);
}

static void test_adns44_cancel_by_handle(void **state)
{
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* LWS_WITH_SYS_ASYNC_DNS_FILES is off in this build */
#else
    struct fx *f = *state;
    struct res r = {0}, other = {0};
    struct lws_adns_q *stale;

    assert_int_equal(lws_async_dns_query(f->cx, 0, "h.test", LWS_ADNS_RECORD_A,
                                         res_cb, NULL, &r, &r.q),
                     LADNS_RET_CONTINUING);
    assert_int_equal(lws_async_dns_query(f->cx, 0, "h.test", LWS_ADNS_RECORD_A,
                                         res_cb, NULL, &other, &other.q),
                     LADNS_RET_CONTINUING);
    stale = r.q;
    assert_int_equal(lws_adns_q_cancel(f->cx, r.q), 1);
    assert_int_equal(lws_adns_q_cancel(f->cx, r.q), 0); /* already */
    assert_int_equal(r.calls, 0); /* never inside the cancel */
    run_until(f->cx, &other.calls, 1);
    run_until(f->cx, &r.calls, 1);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.n, -ECANCELED);
    assert_false(r.had_result);
    assert_int_equal(other.n, LADNS_RET_FOUND); /* the other one is kept */
    /* A handle whose callback ran matches nothing (not dereferenced). */
    assert_int_equal(lws_adns_q_cancel(f->cx, stale), 0);
    assert_int_equal(lws_adns_q_cancel(NULL, stale), -EINVAL);
#endif
}

static void test_adns44_seven_args_and_function_address(void **state)
{
    struct fx *f = *state;
    struct res r = {0};
    /* Without a following '(' the name is the 8-argument function. */
    lws_async_dns_retcode_t (*fp)(struct lws_context *, int, const char *,
                                  adns_query_type_t, lws_async_dns_cb_t,
                                  struct lws *, void *, struct lws_adns_q **) =
        lws_async_dns_query;

    /* The pre-v4.4 form: 7 arguments. */
    assert_int_equal(lws_async_dns_query(f->cx, 0, "::1", LWS_ADNS_RECORD_AAAA,
                                         res_cb, NULL, &r),
                     LADNS_RET_CONTINUING);
    run_until(f->cx, &r.calls, 1);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(
        fp(f->cx, 0, "127.0.0.2", LWS_ADNS_RECORD_A, res_cb, NULL, &r, NULL),
        LADNS_RET_CONTINUING);
    run_until(f->cx, &r.calls, 2);
    assert_int_equal(r.n, LADNS_RET_FOUND);
}

static void test_adns44_flags(void **state)
{
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* LWS_WITH_SYS_ASYNC_DNS_FILES is off in this build */
#else
    struct fx *f = *state;
    struct res r = {0}, lit = {0};

    /* The hosts file answers h.test ... */
    assert_int_equal(lws_async_dns_query(f->cx, 0, "h.test",
                                         LWS_ADNS_RECORD_A | LWS_ADNS_NOCACHE |
                                             LWS_ADNS_SYNTHETIC,
                                         res_cb, NULL, &r, NULL),
                     LADNS_RET_CONTINUING);
    run_until(f->cx, &r.calls, 1);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    /* ... unless it is to be ignored: then the (dead) server is asked. */
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "h.test",
                            LWS_ADNS_RECORD_A | LWS_ADNS_IGNORE_HOSTS_FILE,
                            res_cb, NULL, &r, NULL),
        LADNS_RET_CONTINUING);
    run_until(f->cx, &r.calls, 2);
    assert_int_not_equal(r.n, LADNS_RET_FOUND);
    /* Literals still answer locally with the flag. */
    assert_int_equal(lws_async_dns_query(f->cx, 0, "10.9.9.9",
                                         LWS_ADNS_RECORD_A |
                                             LWS_ADNS_IGNORE_HOSTS_FILE |
                                             LWS_ADNS_WANT_DNSSEC,
                                         res_cb, NULL, &lit, NULL),
                     LADNS_RET_CONTINUING);
    run_until(f->cx, &lit.calls, 1);
    assert_int_equal(lit.n, LADNS_RET_FOUND);
#endif
}

static void test_adns44_server_reload(void **state)
{
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* LWS_WITH_SYS_ASYNC_DNS_FILES is off in this build */
#else
    struct fx *f = *state;
    struct lws_adns_stats st;

    assert_int_equal(lws_async_dns_server_reload(f->cx), 0);
    assert_int_equal(lws_adns_get_stats(f->cx, &st), 0);
    assert_int_equal(st.servers, 1);
    /* Same size; a change the stat check may miss (same second). */
    assert_int_equal(lt_write_file(f->resolv, "nameserver 127.0.0.9\n"), 0);
    assert_int_equal(lws_async_dns_server_reload(f->cx), 0);
    assert_int_equal(lt_write_file(f->resolv, "nameserver 127.0.0.1\n"
                                              "nameserver 127.0.0.2\n"),
                     0);
    assert_int_equal(lws_async_dns_server_reload(f->cx), 0);
    assert_int_equal(lws_adns_get_stats(f->cx, &st), 0);
    assert_int_equal(st.servers, 2);
    assert_int_equal(lws_async_dns_server_reload(NULL), -EINVAL);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_adns44_pq_set_then_cleared,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns44_cancel_by_handle, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(
            test_adns44_seven_args_and_function_address, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns44_flags, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns44_server_reload, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests_name("adns-api44", tests, NULL, NULL);
}
