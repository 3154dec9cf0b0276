/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * lws_smd: the early peer hears every state from CONTEXT_CREATED in lws's
 * format; class filters; threads publishing while the loop delivers (every
 * accepted message once, in order per publisher, on the loop thread); the
 * bounded queue failing at once; TTL; peers registered after a send; sends
 * and unregisters (own and other) inside a delivery; destroy inside a
 * delivery and with messages queued; bad arguments; out of memory.
 */
#include "private-core.h"
#if LWS_WITH_SYS_ASYNC_DNS
#include "private-news.h"
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>

#include <cmocka.h>

#define USER_CL (1u << LWSSMDCL_USER_BASE_BITNUM)

struct heard {
    int n;
    char last[LWS_SMD_MAX_PAYLOAD + 1];
    char log[4096]; /* every payload, one per line */
    char states[32][40];
    int nstates;
    lws_smd_class_t classes;
    uv_thread_t loop;
    int off_loop;
    /* actions from inside the callback */
    struct lws_smd_peer *unreg;
    struct lws_smd_peer *self;
    bool unreg_self, send_inside, destroy_inside;
    struct lws_context *cx;
};

static int heard_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                    size_t len)
{
    struct heard *h = opaque;
    uv_thread_t self = uv_thread_self();

    (void)ts;
    if (!uv_thread_equal(&self, &h->loop))
        h->off_loop++;
    h->n++;
    h->classes |= cls;
    snprintf(h->last, sizeof(h->last), "%.*s", (int)len, (const char *)buf);
    if (strlen(h->log) + len + 2 < sizeof(h->log))
        snprintf(h->log + strlen(h->log), sizeof(h->log) - strlen(h->log),
                 "%.*s\n", (int)len, (const char *)buf);
    if (cls == LWSSMDCL_SYSTEM_STATE && h->nstates < 32)
        snprintf(h->states[h->nstates++], 40, "%.*s", (int)len,
                 (const char *)buf);
    if (h->send_inside) { /* would deadlock if a lock were held */
        h->send_inside = false;
        assert_int_equal(lws_smd_msg_printf(h->cx, USER_CL, "{\"inner\":1}"),
                         0);
    }
    if (h->unreg) {
        lws_smd_unregister(h->unreg);
        h->unreg = NULL;
    }
    if (h->unreg_self) {
        h->unreg_self = false;
        lws_smd_unregister(h->self);
    }
    if (h->destroy_inside) {
        h->destroy_inside = false;
        lws_context_destroy(h->cx);
    }
    return 0;
}

static struct lws_context *make_cx(struct heard *early, uint16_t depth,
                                   lws_usec_t ttl)
{
    struct lws_context_creation_info info = {0};

    info.early_smd_cb = early ? heard_cb : NULL;
    info.early_smd_opaque = early;
    info.early_smd_class_filter = LWSSMDCL_SYSTEM_STATE;
    info.smd_queue_depth = depth;
    info.smd_ttl_us = ttl;
    info.target_state = LWS_SYSTATE_INITIALIZED; /* no helper activity */
    if (early)
        early->loop = uv_thread_self();
    return lws_create_context(&info);
}

static void service_until(struct lws_context *cx, int *n, int want)
{
    for (int i = 0; i < 10000 && *n < want; i++)
        lws_service(cx, 0);
}

static void test_smd_early_peer_hears_states_from_created(void **state)
{
    struct heard h = {0};
    struct lws_context *cx;
    struct lws_context_creation_info info = {0};

    (void)state;
    h.loop = uv_thread_self();
    info.early_smd_cb = heard_cb;
    info.early_smd_opaque = &h;
    info.early_smd_class_filter = LWSSMDCL_SYSTEM_STATE;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    assert_int_equal(h.n, 0); /* nothing inside create */
    for (int i = 0; i < 1000 && strcmp(h.last, "{\"state\":\"OPERATIONAL\"}");
         i++)
        lws_service(cx, 100);
    assert_string_equal(h.states[0], "{\"state\":\"CONTEXT_CREATED\"}");
    assert_string_equal(h.states[1], "{\"state\":\"PRE_PRIV_DROP\"}");
    assert_string_equal(h.states[2], "{\"state\":\"INITIALIZED\"}");
    assert_string_equal(h.states[3], "{\"state\":\"COLLECTING_STDIN\"}");
    assert_int_equal(h.nstates, LWS_SYSTATE_OPERATIONAL);
    assert_string_equal(h.states[LWS_SYSTATE_ONE_TIME_UPDATES - 1],
                        "{\"state\":\"ONE_TIME_UPDATES\"}");
    assert_string_equal(h.last, "{\"state\":\"OPERATIONAL\"}");
    assert_int_equal(h.off_loop, 0);
    lws_context_destroy(cx);
}

static void test_smd_class_filter_and_late_register(void **state)
{
    struct heard net = {0}, user = {0}, late = {0};
    struct lws_context *cx = make_cx(NULL, 0, 0);
    struct lws_smd_peer *pn, *pu, *pl;

    (void)state;
    net.loop = user.loop = late.loop = uv_thread_self();
    pn = lws_smd_register(cx, &net, 0, LWSSMDCL_NETWORK, heard_cb);
    pu = lws_smd_register(cx, &user, 0, USER_CL | LWSSMDCL_INTERACTION,
                          heard_cb);
    assert_non_null(pn);
    assert_non_null(pu);
    assert_int_equal(lws_smd_msg_printf(cx, LWSSMDCL_NETWORK, "{\"n\":1}"), 0);
    assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"u\":1}"), 0);
    /* nobody listens to METRICS: freed at once, still a success */
    assert_int_equal(lws_smd_msg_printf(cx, LWSSMDCL_METRICS, "{\"m\":1}"), 0);
    pl = lws_smd_register(cx, &late, 0, USER_CL, heard_cb);
    service_until(cx, &user.n, 1);
    assert_int_equal(net.n, 1);
    assert_string_equal(net.last, "{\"n\":1}");
    assert_int_equal(user.n, 1);
    assert_string_equal(user.last, "{\"u\":1}");
    assert_int_equal(late.n, 0); /* sent before it registered */
    assert_int_equal(net.classes, LWSSMDCL_NETWORK);
    lws_smd_unregister(pu);
    assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"u\":2}"), 0);
    service_until(cx, &late.n, 1);
    assert_int_equal(late.n, 1);
    assert_int_equal(user.n, 1); /* unregistered */
    lws_smd_unregister(pl);
    lws_context_destroy(cx); /* frees pn */
}

/* Threads */

#define PUBLISHERS 2
#define PER_PUB    20000

struct pub {
    struct lws_context *cx;
    int id;
    uv_thread_t t;
    atomic_int accepted;
    atomic_int full;
    atomic_int *done;
};

struct order {
    int next[PUBLISHERS];
    int errors;
    int n;
    uv_thread_t loop;
    int off_loop;
};

static int order_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                    size_t len)
{
    struct order *o = opaque;
    uv_thread_t self = uv_thread_self();
    int id = -1, seq = -1;

    (void)cls, (void)ts, (void)len;
    if (!uv_thread_equal(&self, &o->loop))
        o->off_loop++;
    /* {"p":<id>,"s":<seq>} written by pub_main */
    if (sscanf(buf, "{\"p\":%d,\"s\":%d}", &id, &seq) != 2 || id < 0 ||
        id >= PUBLISHERS || seq < o->next[id])
        o->errors++;
    else
        o->next[id] = seq + 1;
    o->n++;
    return 0;
}

static void pub_main(void *arg)
{
    struct pub *p = arg;

    for (int s = 0; s < PER_PUB; s++) {
        /* A full queue fails at once; this publisher retries. */
        while (lws_smd_msg_printf(p->cx, USER_CL, "{\"p\":%d,\"s\":%d}", p->id,
                                  s)) {
            atomic_fetch_add(&p->full, 1);
            sched_yield();
        }
        atomic_fetch_add(&p->accepted, 1);
    }
    atomic_fetch_add(p->done, 1);
}

static void test_smd_threads_publish_in_order(void **state)
{
    struct lws_context *cx = make_cx(NULL, 64, 60 * LWS_US_PER_SEC);
    struct order o = {0};
    struct pub p[PUBLISHERS] = {0};
    atomic_int done = 0;

    (void)state;
    o.loop = uv_thread_self();
    assert_non_null(lws_smd_register(cx, &o, 0, USER_CL, order_cb));
    for (int i = 0; i < PUBLISHERS; i++) {
        p[i].cx = cx;
        p[i].id = i;
        p[i].done = &done;
        assert_int_equal(uv_thread_create(&p[i].t, pub_main, &p[i]), 0);
    }
    /* The loop delivers while the publishers run (bounded waits, so the
     * last wakeup cannot be missed). */
    while (atomic_load(&done) < PUBLISHERS || o.n < PUBLISHERS * PER_PUB)
        lws_service(cx, 5);
    for (int i = 0; i < PUBLISHERS; i++)
        assert_int_equal(uv_thread_join(&p[i].t), 0);
    assert_int_equal(o.n, PUBLISHERS * PER_PUB);
    for (int i = 0; i < PUBLISHERS; i++)
        assert_int_equal(o.next[i], PER_PUB);
    assert_int_equal(o.errors, 0);
    assert_int_equal(o.off_loop, 0);
    lws_context_destroy(cx);
}

static void test_smd_full_queue_fails_at_once(void **state)
{
    struct lws_context *cx = make_cx(NULL, 4, 0);
    struct heard h = {0};
    void *p;

    (void)state;
    h.loop = uv_thread_self();
    assert_non_null(lws_smd_register(cx, &h, 0, USER_CL, heard_cb));
    for (int i = 0; i < 4; i++)
        assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"i\":%d}", i), 0);
    assert_int_not_equal(lws_smd_msg_printf(cx, USER_CL, "{\"i\":4}"), 0);
    p = lws_smd_msg_alloc(cx, USER_CL, 3);
    assert_non_null(p);
    memcpy(p, "abc", 3);
    assert_int_not_equal(lws_smd_msg_send(cx, p), 0); /* caller still owns */
    lws_smd_msg_free(&p);
    assert_null(p);
    service_until(cx, &h.n, 4);
    assert_int_equal(h.n, 4);
    assert_string_equal(h.last, "{\"i\":3}");
    /* drained: sends work again */
    assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"i\":5}"), 0);
    service_until(cx, &h.n, 5);
    assert_string_equal(h.last, "{\"i\":5}");
    lws_context_destroy(cx);
}

/* A flood of application messages does not hide a state change. */
static void test_smd_state_messages_pass_a_full_queue(void **state)
{
    struct heard h = {0}, u = {0};
    struct lws_context *cx = make_cx(&h, 4, 0);

    (void)state;
    u.loop = uv_thread_self();
    assert_non_null(lws_smd_register(cx, &u, 0, USER_CL, heard_cb));
    while (!lws_smd_msg_printf(cx, USER_CL, "{\"fill\":1}"))
        ;
    assert_int_equal(
        lws_state_transition_steps(lws_system_get_state_manager(cx),
                                   LWS_SYSTATE_COLLECTING_STDIN),
        LWS_STATE_REACHED);
    for (int i = 0;
         i < 100 && strcmp(h.last, "{\"state\":\"COLLECTING_STDIN\"}"); i++)
        lws_service(cx, 10);
    assert_string_equal(h.last, "{\"state\":\"COLLECTING_STDIN\"}");
    assert_string_equal(h.states[0], "{\"state\":\"CONTEXT_CREATED\"}");
    lws_context_destroy(cx);
}

static void test_smd_ttl_drops_stale(void **state)
{
    struct lws_context *cx = make_cx(NULL, 0, 1);
    struct heard h = {0}, h2 = {0};
    lws_usec_t t0;

    (void)state;
    h.loop = h2.loop = uv_thread_self();
    assert_non_null(lws_smd_register(cx, &h, 0, USER_CL, heard_cb));
    assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"old\":1}"), 0);
    /* Let the clock pass the 1 us TTL (no sleep: read the clock; send
     * stamps have the kernel tick's resolution, at most 10 ms). */
    t0 = lws_now_usecs();
    while (lws_now_usecs() - t0 < 25 * LWS_US_PER_MS)
        ;
    assert_non_null(lws_smd_register(cx, &h2, 0, LWSSMDCL_NETWORK, heard_cb));
    for (int i = 0; i < 3; i++)
        lws_service(cx, -1);
    assert_int_equal(h.n, 0);
    lws_context_destroy(cx);
}

static void test_smd_unregister_and_send_inside_delivery(void **state)
{
    struct lws_context *cx = make_cx(NULL, 0, 0);
    struct heard a = {0}, b = {0}, c = {0};

    (void)state;
    a.loop = b.loop = c.loop = uv_thread_self();
    a.cx = b.cx = c.cx = cx;
    a.self = lws_smd_register(cx, &a, 0, USER_CL, heard_cb);
    b.self = lws_smd_register(cx, &b, 0, USER_CL, heard_cb);
    c.self = lws_smd_register(cx, &c, 0, USER_CL, heard_cb);
    a.unreg = b.self;    /* a removes the next peer during the walk */
    c.unreg_self = true; /* c removes itself */
    c.send_inside = true;
    assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"x\":1}"), 0);
    service_until(cx, &a.n, 2); /* the inner message reaches a next time */
    assert_int_equal(a.n, 2);
    assert_string_equal(a.last, "{\"inner\":1}");
    assert_int_equal(b.n, 0);
    assert_int_equal(c.n, 1);
    lws_context_destroy(cx);
}

static void test_smd_destroy_inside_delivery_and_with_queue(void **state)
{
    struct lws_context *cx = make_cx(NULL, 0, 0);
    struct heard a = {0}, b = {0};

    (void)state;
    a.loop = b.loop = uv_thread_self();
    a.cx = cx;
    a.destroy_inside = true;
    assert_non_null(lws_smd_register(cx, &a, 0, USER_CL, heard_cb));
    assert_non_null(lws_smd_register(cx, &b, 0, USER_CL, heard_cb));
    for (int i = 0; i < 5; i++)
        assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"i\":%d}", i), 0);
    assert_int_equal(lws_service(cx, 0), -1); /* destroyed inside */
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 0);

    cx = make_cx(NULL, 0, 0);
    assert_non_null(lws_smd_register(cx, &b, 0, USER_CL, heard_cb));
    for (int i = 0; i < 5; i++)
        assert_int_equal(lws_smd_msg_printf(cx, USER_CL, "{\"i\":%d}", i), 0);
    lws_context_destroy(cx); /* queued messages and the peer are freed */
    assert_int_equal(b.n, 0);
}

static void test_smd_bad_args(void **state)
{
    struct lws_context *cx = make_cx(NULL, 0, 0);
    char big[LWS_SMD_MAX_PAYLOAD + 2];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    assert_non_null(lws_smd_register(cx, big, 0, USER_CL, heard_cb));
    assert_null(lws_smd_msg_alloc(cx, USER_CL, LWS_SMD_MAX_PAYLOAD + 1));
    assert_null(lws_smd_msg_alloc(NULL, USER_CL, 1));
    assert_int_not_equal(lws_smd_msg_send(cx, NULL), 0);
    assert_int_not_equal(lws_smd_msg_send(NULL, NULL), 0);
    assert_int_not_equal(lws_smd_msg_printf(cx, USER_CL, "%s", big), 0);
    assert_null(lws_smd_register(cx, NULL, 0, USER_CL, NULL));
    assert_null(lws_smd_register(NULL, NULL, 0, USER_CL, heard_cb));
    lws_smd_unregister(NULL);
    lws_smd_msg_free(NULL);
    lws_context_destroy(cx);
}

/* The library's own network messages: CPD (lws's format) and a DNS server
 * list change. */
static void test_smd_library_publishes_network_events(void **state)
{
    struct lws_context_creation_info info = {0};
    struct heard h = {0};
    struct lws_context *cx;
    const uint32_t srv[2] = {0x0a000001, 0x0a000002};
    /* Any configured probe will do (the bypass answers at once). */
    struct lws_cpd_info cpdi = {
        .http_url = LWS_WITH_SYS_CPD_HTTP ? "http://127.0.0.1:9/gen204" : NULL,
        .https_url = LWS_WITH_SYS_CPD_HTTP ? NULL : "https://127.0.0.1:9/"};
    bool cpd = false, dns = false;

    (void)state;
    h.loop = uv_thread_self();
    info.early_smd_cb = heard_cb;
    info.early_smd_opaque = &h;
    info.early_smd_class_filter = LWSSMDCL_NETWORK;
    info.options = LWS_SERVER_OPTION_CPD_BYPASS;
    info.cpd = &cpdi;
    cx = lws_create_context(&info);
    assert_non_null(cx);
#if LWS_WITH_SYS_ASYNC_DNS
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_DNS_SERVERS,
                                              .iface = "eth9",
                                              .addrs = srv,
                                              .n = 2});
#else
    dns = true;
    (void)srv;
#endif
    for (int i = 0; i < 200 && !(cpd && dns); i++) {
        lws_service(cx, 10);
        if (strstr(h.log, "{\"type\":\"cpd\",\"result\":\"OK\"}\n"))
            cpd = true;
        if (strstr(h.log, "{\"type\":\"dns\",\"src\":\"dhcp\","
                          "\"if\":\"eth9\",\"servers\":2}\n"))
            dns = true;
        if (!LWS_WITH_SYS_CPD &&
            lws_system_get_state_manager(cx)->state == LWS_SYSTATE_OPERATIONAL)
            cpd = true;
    }
    assert_true(cpd);
    assert_true(dns);
    if (LWS_WITH_SYS_CPD || LWS_WITH_SYS_ASYNC_DNS) /* else nothing to say */
        assert_int_equal(h.classes, LWSSMDCL_NETWORK);
    lws_context_destroy(cx);
}

static void test_smd_oom(void **state)
{
    struct heard h = {0};

    (void)state;
    lws__alloc_track(true);
    for (long n = 1; n < 200; n++) {
        struct lws_context *cx;

        lws__alloc_fail_nth(n);
        cx = make_cx(&h, 0, 0);
        lws__alloc_fail_nth(0);
        if (!cx)
            continue;
        lws__alloc_fail_nth(1);
        assert_int_not_equal(
            lws_smd_msg_printf(cx, LWSSMDCL_SYSTEM_STATE, "{\"a\":1}"), 0);
        lws__alloc_fail_nth(0);
        lws_context_destroy(cx);
        break;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smd_early_peer_hears_states_from_created),
        cmocka_unit_test(test_smd_class_filter_and_late_register),
        cmocka_unit_test(test_smd_threads_publish_in_order),
        cmocka_unit_test(test_smd_full_queue_fails_at_once),
        cmocka_unit_test(test_smd_state_messages_pass_a_full_queue),
        cmocka_unit_test(test_smd_ttl_drops_stale),
        cmocka_unit_test(test_smd_unregister_and_send_inside_delivery),
        cmocka_unit_test(test_smd_destroy_inside_delivery_and_with_queue),
        cmocka_unit_test(test_smd_bad_args),
        cmocka_unit_test(test_smd_library_publishes_network_events),
        cmocka_unit_test(test_smd_oom),
    };

    return cmocka_run_group_tests_name("smd", tests, NULL, NULL);
}
