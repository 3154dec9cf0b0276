/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The resolver's fault points against a real dnsmasq on loopback
 * (LWS_WITH_FI):
 *   adns.channel    no DNS socket can be opened: the lookup fails with
 *                   LADNS_RET_FAILED, logged; what the cache holds still
 *                   answers; the lookup works once the rule is removed;
 *   adns.tx         no query can be sent: the lookup fails, logged, no
 *                   descriptor is left; the cache still answers; the name
 *                   resolves once the rule is removed;
 *   adns.rx.garble  garbled replies never make an answer: the lookup ends
 *                   in failure, logged, nothing false is cached, and the
 *                   same name resolves once the rule is removed;
 *   core.fdset      no readiness set for the DNS sockets: logged, the
 *                   lookup ends at its deadline, the next one works;
 *   core.alloc      10 % of allocations failing during lookups: right
 *                   answers or errors, never a wrong one; all resolve once
 *                   the rule is gone.
 * The heap is back to 0 after each context.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "adns-util.h"
#include "fi-log.h"
#include "testutil.h"

static struct adns_t_dnsmasq dm;
static char srv[64];

static int group_setup(void **state)
{
    static const char *const extra[] = {
        "--host-record=a.test,10.0.0.1", "--host-record=b.test,10.0.0.2",
        "--host-record=c.test,10.0.0.3", "--host-record=d.test,10.0.0.4", NULL};

    (void)state;
    if (!adns_t_can_run_dnsmasq())
        exit(LT_SKIP);
    if (adns_t_dnsmasq_start(&dm, "127.0.0.1", 0, extra))
        return -1;
    snprintf(srv, sizeof(srv), "127.0.0.1:%d", dm.port);
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    adns_t_dnsmasq_stop(&dm);
    return 0;
}

/* @ttl_min_s: how long the cache keeps an answer at least (dnsmasq gives
 * its host records TTL 0). */
static struct lws_context *ctx_ttl(uint32_t ttl_min_s)
{
    static const char *servers[2];
    static struct lws_adns_info ai;

    servers[0] = srv;
    memset(&ai, 0, sizeof(ai));
    ai.ttl_min_s = ttl_min_s;
    ai.query_deadline_ms = 1500;
    ai.try_timeout_ms = 200;
    ai.tries = 2;
    return adns_t_context(&ai, servers, NULL);
}

static struct lws_context *ctx(void)
{
    return ctx_ttl(0);
}

static void resolve(struct lws_context *cx, const char *name,
                    struct adns_t_res *r)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(
        lws_async_dns_query(cx, 0, name, LWS_ADNS_RECORD_A, adns_t_cb, NULL, r),
        LADNS_RET_CONTINUING);
    assert_true(adns_t_run_until(cx, &r->calls, 1, 5000));
}

static void found(struct lws_context *cx, const char *name, const char *addr)
{
    struct adns_t_res r;

    resolve(cx, name, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_true(r.naddr >= 1);
    assert_string_equal(r.addr[0], addr);
}

static void end(struct lws_context *cx)
{
    lws_context_destroy(cx);
    assert_int_equal(lws__heap_in_use(), 0);
}

static void test_fi_adns_channel(void **state)
{
    struct lws_context *cx = ctx_ttl(60);
    struct adns_t_res r;

    (void)state;
    assert_non_null(cx);
    found(cx, "a.test", "10.0.0.1"); /* now in the cache */
    assert_int_equal(lws_fi_enable(cx, "adns.channel"), 0);
    fi_log_reset();
    resolve(cx, "b.test", &r);
    assert_int_equal(r.n, LADNS_RET_FAILED);
    assert_int_equal(r.naddr, 0);
    assert_true(fi_logged("inject adns.channel"));
    assert_true(fi_logged("DNS socket: Too many open files"));
    assert_true(fi_logged("cannot start a query"));
    /* The cache survives the failed sockets. */
    found(cx, "a.test", "10.0.0.1");
    assert_true(lws_fi_fired(cx, "adns.channel") >= 1);
    /* Removed: recovers. */
    assert_int_equal(lws_fi_disable(cx, NULL), 1);
    found(cx, "b.test", "10.0.0.2");
    end(cx);
}

static void test_fi_adns_tx(void **state)
{
    int fds = lt_count_fds();
    struct lws_context *cx = ctx_ttl(60);
    struct adns_t_res r;

    (void)state;
    assert_non_null(cx);
    found(cx, "a.test", "10.0.0.1"); /* now in the cache */
    assert_int_equal(lws_fi_enable(cx, "adns.tx"), 0);
    fi_log_reset();
    resolve(cx, "b.test", &r);
    assert_int_equal(r.n, LADNS_RET_FAILED);
    assert_int_equal(r.naddr, 0);
    assert_true(lws_fi_fired(cx, "adns.tx") >= 1);
    assert_true(fi_logged("inject adns.tx"));
    assert_true(fi_logged("b.test: send: Network is unreachable"));
    print_message("sends failing: lookup failed after %u faults\n",
                  lws_fi_fired(cx, "adns.tx"));
    /* The cache still answers (nothing is sent for it). */
    found(cx, "a.test", "10.0.0.1");
    /* Removed: the same name resolves (no failure was cached). */
    assert_int_equal(lws_fi_disable(cx, "adns.tx"), 1);
    found(cx, "b.test", "10.0.0.2");
    end(cx);
    assert_int_equal(lt_count_fds(), fds); /* no descriptor left */
}

static void test_fi_adns_rx_garble(void **state)
{
    struct lws_context *cx = ctx();
    struct adns_t_res r;

    (void)state;
    assert_non_null(cx);
    assert_int_equal(lws_fi_enable(cx, "adns.rx.garble"), 0);
    fi_log_reset();
    resolve(cx, "c.test", &r);
    assert_true(r.n < 0 && r.naddr == 0);
    assert_true(fi_logged("inject adns.rx.garble"));
    assert_true(fi_logged("datagram cut to"));
    print_message("garbled replies: lookup ended with %d after %u faults\n",
                  r.n, lws_fi_fired(cx, "adns.rx.garble"));
    /* Removed: the same name resolves (no failure was cached). */
    assert_int_equal(lws_fi_disable(cx, "adns.rx.garble"), 1);
    found(cx, "c.test", "10.0.0.3");
    end(cx);
}

static void test_fi_core_fdset(void **state)
{
    struct lws_context *cx = ctx();
    struct adns_t_res r;

    (void)state;
    assert_non_null(cx);
    assert_int_equal(lws_fi_enable(cx, "core.fdset(once)"), 0);
    fi_log_reset();
    resolve(cx, "d.test", &r);
    assert_true(r.n < 0);
    assert_true(fi_logged("inject core.fdset"));
    assert_true(fi_logged("fdset: no readiness set: Too many open files"));
    found(cx, "d.test", "10.0.0.4");
    end(cx);
}

/* Allocations failing at random (core.alloc(10%), seed printed) during
 * lookups: each ends with an answer that is right or with an error, never
 * a wrong address or a crash; once the rule is gone every name resolves,
 * and the heap is back to 0 after destroy. */
static void test_fi_adns_alloc_random(void **state)
{
    static const char *const names[] = {"a.test", "b.test", "c.test", "d.test"};
    static const char *const addrs[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3",
                                        "10.0.0.4"};
    struct lws_context *cx = ctx();
    int ok = 0, failed = 0;
    struct adns_t_res r;

    (void)state;
    assert_non_null(cx);
    assert_int_equal(lws_fi_enable(cx, "core.alloc(10%)"), 0);
    for (int i = 0; i < 40; i++) {
        memset(&r, 0, sizeof(r));
        if (lws_async_dns_query(cx, 0, names[i % 4], LWS_ADNS_RECORD_A,
                                adns_t_cb, NULL, &r) != LADNS_RET_CONTINUING) {
            failed++; /* refused at once (logged) */
            continue;
        }
        assert_true(adns_t_run_until(cx, &r.calls, 1, 5000));
        if (r.n == LADNS_RET_FOUND && r.naddr) {
            assert_string_equal(r.addr[0], addrs[i % 4]);
            ok++;
        } else {
            failed++;
        }
        if (i % 8 == 7)
            lws_adns_cache_flush(cx); /* the network path again */
    }
    print_message("core.alloc(10%%), seed %llu: %u allocations failed, "
                  "%d lookups answered, %d failed\n",
                  (unsigned long long)lws_fi_seed(cx),
                  lws_fi_fired(cx, "core.alloc"), ok, failed);
    assert_true(lws_fi_fired(cx, "core.alloc") > 0);
    assert_int_equal(lws_fi_disable(cx, NULL), 1);
    lws_adns_cache_flush(cx);
    for (int i = 0; i < 4; i++)
        found(cx, names[i], addrs[i]);
    end(cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fi_adns_channel),
        cmocka_unit_test(test_fi_adns_tx),
        cmocka_unit_test(test_fi_adns_rx_garble),
        cmocka_unit_test(test_fi_core_fdset),
        cmocka_unit_test(test_fi_adns_alloc_random),
    };

    return cmocka_run_group_tests_name("fi-adns", tests, group_setup,
                                       group_teardown);
}
