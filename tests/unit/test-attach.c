/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Attach queue under threads: 8 producers x 100 000 items with mixed gates
 * while the state ladder advances (each item runs exactly once, on the loop
 * thread, after its gate, FIFO per producer among items of one gate), and
 * producers racing a destroy (every accepted item is either run or
 * discarded, nothing leaks); the attach_max_queued cap (producers racing for
 * the last places get exactly the cap between them and -EAGAIN at once
 * after it, places come back as items run; the same through an
 * application op); a burst's items kept in the pool and trimmed back a
 * while after the queue empties; a large batch whose reference array
 * cannot be allocated runs in order all the same.
 * LWS_TEST_ATTACH_ITEMS overrides the count.
 */
#include "private-core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>

#include <cmocka.h>

#define PRODUCERS 8

static const int gates[] = {LWS_SYSTATE_CONTEXT_CREATED, LWS_SYSTATE_DHCP,
                            LWS_SYSTATE_TIME_VALID, LWS_SYSTATE_AUTH1,
                            LWS_SYSTATE_OPERATIONAL};
#define NGATES (int)(sizeof(gates) / sizeof(gates[0]))

struct run {
    struct lws_context *cx;
    uv_thread_t loop_thread;
    int per_producer;
    uint8_t *seen; /* PRODUCERS * per_producer */
    int last_seq[PRODUCERS][NGATES];
    atomic_long accepted;
    atomic_long perrors; /* producer-side failures */
    long delivered;
    long discarded;
    long errors; /* order/gate/thread violations */
    lws_sorted_usec_list_t sul_step;
    bool racing;
    atomic_bool stop;
};

struct producer {
    struct run *r;
    int id;
    uv_thread_t t;
};

static struct run *run_of(struct lws_context *cx)
{
    return lws_context_user(cx);
}

static void item_cb(struct lws_context *cx, int tsi, void *opaque)
{
    struct run *r = run_of(cx);
    uintptr_t v = (uintptr_t)opaque;
    int p = (int)(v >> 24), seq = (int)(v & 0xffffff);
    int g = seq % NGATES;
    uv_thread_t self = uv_thread_self();

    (void)tsi;
    if (!uv_thread_equal(&self, &r->loop_thread))
        r->errors++;
    if (lws_system_get_state_manager(cx)->state < gates[g])
        r->errors++;
    if (seq <= r->last_seq[p][g])
        r->errors++;
    r->last_seq[p][g] = seq;
    if (r->seen[p * r->per_producer + seq]++)
        r->errors++;
    r->delivered++;
}

static void item_discarded(struct lws_context *cx, lws_attach_cb_t cb,
                           void *opaque)
{
    (void)cb, (void)opaque;
    run_of(cx)->discarded++;
}

static void producer_main(void *arg)
{
    struct producer *pr = arg;
    struct run *r = pr->r;
    const lws_system_ops_t *ops = lws_system_get_ops(r->cx);

    for (int i = 0; i < r->per_producer; i++) {
        uintptr_t v = ((uintptr_t)pr->id << 24) | (uintptr_t)i;
        int e = ops->attach(r->cx, 0, item_cb,
                            (lws_system_states_t)gates[i % NGATES], (void *)v,
                            NULL);
        if (e == -ECANCELED && r->racing)
            return;
        if (e) {
            atomic_fetch_add(&r->perrors, 1);
            return;
        }
        atomic_fetch_add_explicit(&r->accepted, 1, memory_order_relaxed);
    }
}

/* Advance the ladder one step per millisecond while producers run. */
static void step_cb(lws_sorted_usec_list_t *sul)
{
    struct run *r = lws_container_of(sul, struct run, sul_step);
    lws_state_manager_t *m = lws_system_get_state_manager(r->cx);

    if (m->state < LWS_SYSTATE_OPERATIONAL) {
        lws_state_transition_steps(m, m->state + 1);
        lws_sul_schedule(r->cx, 0, &r->sul_step, step_cb, 1000);
    }
}

static int items_per_producer(void)
{
    const char *s = getenv("LWS_TEST_ATTACH_ITEMS");

    return s ? (int)strtol(s, NULL, 10) : 100000;
}

static void run_setup_cap(struct run *r, uv_loop_t *foreign, unsigned int cap,
                          const lws_system_ops_t *app_ops)
{
    static const lws_system_ops_t ops = {.attach_discarded = item_discarded};
    struct lws_context_creation_info info;
    void *fl[] = {foreign, NULL};

    memset(r, 0, sizeof(*r));
    r->per_producer = items_per_producer();
    r->seen = calloc((size_t)PRODUCERS * (size_t)r->per_producer, 1);
    assert_non_null(r->seen);
    for (int p = 0; p < PRODUCERS; p++)
        for (int g = 0; g < NGATES; g++)
            r->last_seq[p][g] = -1;
    r->loop_thread = uv_thread_self();
    memset(&info, 0, sizeof(info));
    info.user = r;
    info.system_ops = app_ops ? app_ops : &ops;
    info.target_state = LWS_SYSTATE_INITIALIZED;
    info.foreign_loops = foreign ? fl : NULL;
    info.attach_max_queued = cap;
    r->cx = lws_create_context(&info);
    assert_non_null(r->cx);
}

static void run_setup(struct run *r, uv_loop_t *foreign)
{
    run_setup_cap(r, foreign, 0, NULL);
}

static void test_attach_8_producers_exactly_once_fifo(void **state)
{
    struct producer pr[PRODUCERS];
    struct run r;
    long total;

    (void)state;
    run_setup(&r, NULL);
    total = (long)PRODUCERS * r.per_producer;
    lws_sul_schedule(r.cx, 0, &r.sul_step, step_cb, 1000);
    for (int p = 0; p < PRODUCERS; p++) {
        pr[p].r = &r;
        pr[p].id = p;
        assert_int_equal(uv_thread_create(&pr[p].t, producer_main, &pr[p]), 0);
    }
    while (r.delivered < total && !r.errors)
        lws_service(r.cx, 0);
    for (int p = 0; p < PRODUCERS; p++)
        uv_thread_join(&pr[p].t);
    assert_int_equal(r.errors, 0);
    assert_int_equal(atomic_load(&r.perrors), 0);
    assert_int_equal(r.delivered, total);
    assert_int_equal(atomic_load(&r.accepted), total);
    for (long i = 0; i < total; i++)
        assert_int_equal(r.seen[i], 1);
    lws_context_destroy(r.cx);
    assert_int_equal(r.discarded, 0);
    assert_int_equal(lws__heap_in_use(), 0);
    free(r.seen);
}

/* After a destroy raced by producers (all joined): the loop runs the close
 * callbacks and can close; every accepted item was run or discarded. */
static void raced_finish(struct run *r, uv_loop_t *loop)
{
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(loop), 0);
    assert_int_equal(r->errors, 0);
    assert_int_equal(atomic_load(&r->perrors), 0);
    assert_int_equal(r->delivered + r->discarded, atomic_load(&r->accepted));
    assert_int_equal(lws__heap_in_use(), 0);
    free(r->seen);
}

static void test_attach_producers_racing_destroy(void **state)
{
    struct producer pr[PRODUCERS];
    uv_loop_t loop;
    struct run r;

    (void)state;
    assert_int_equal(uv_loop_init(&loop), 0);
    run_setup(&r, &loop);
    r.racing = true;
    lws_sul_schedule(r.cx, 0, &r.sul_step, step_cb, 1000);
    for (int p = 0; p < PRODUCERS; p++) {
        pr[p].r = &r;
        pr[p].id = p;
        assert_int_equal(uv_thread_create(&pr[p].t, producer_main, &pr[p]), 0);
    }
    /* Let some work through, then destroy while producers still attach. */
    while (r.delivered < r.per_producer / 4 && !r.errors)
        uv_run(&loop, UV_RUN_ONCE);
    lws_context_destroy(r.cx);
    /* The memory stays valid until the loop runs the close callbacks:
     * producers see -ECANCELED and stop; join them first. */
    for (int p = 0; p < PRODUCERS; p++)
        uv_thread_join(&pr[p].t);
    raced_finish(&r, &loop);
}

/* Issue 10 item 6: many short rounds of producers (attach and
 * lws_cancel_service) racing a destroy, so the destroy guard's window (the
 * count read against the closing flag) is crossed many times.  A wrong
 * memory order cannot fail here on x86-64 or under TSan (see the protocol
 * beside lws__wake_quiesce); on weaker CPUs this is the run that would. */
static void canceller_main(void *arg)
{
    struct run *r = arg;

    while (!atomic_load(&r->stop))
        lws_cancel_service(r->cx);
}

static void test_attach_destroy_guard_stress(void **state)
{
    const int rounds = 200;

    (void)state;
    for (int round = 0; round < rounds; round++) {
        struct producer pr[4];
        uv_thread_t canceller;
        uv_loop_t loop;
        struct run r;

        assert_int_equal(uv_loop_init(&loop), 0);
        run_setup(&r, &loop);
        r.racing = true;
        for (int p = 0; p < 4; p++) {
            pr[p].r = &r;
            pr[p].id = p;
            assert_int_equal(uv_thread_create(&pr[p].t, producer_main, &pr[p]),
                             0);
        }
        assert_int_equal(uv_thread_create(&canceller, canceller_main, &r), 0);
        /* Destroy as soon as anything arrived (at once on odd rounds). */
        while (round % 2 && !r.delivered && !r.errors)
            uv_run(&loop, UV_RUN_ONCE);
        lws_context_destroy(r.cx);
        for (int p = 0; p < 4; p++)
            uv_thread_join(&pr[p].t);
        atomic_store(&r.stop, true);
        uv_thread_join(&canceller);
        raced_finish(&r, &loop);
    }
}

/* Ready at once; counts and checks the thread and exactly-once. */
static void cap_item_cb(struct lws_context *cx, int tsi, void *opaque)
{
    struct run *r = run_of(cx);
    uintptr_t v = (uintptr_t)opaque;
    int p = (int)(v >> 24), seq = (int)(v & 0xffffff);
    uv_thread_t self = uv_thread_self();

    (void)tsi;
    if (!uv_thread_equal(&self, &r->loop_thread))
        r->errors++;
    if (r->seen[p * r->per_producer + seq]++)
        r->errors++;
    r->delivered++;
}

/* Attaches until refused; the loop does not run meanwhile, so nothing
 * frees a place and the producers race for the last ones. */
static void cap_producer_main(void *arg)
{
    struct producer *pr = arg;
    struct run *r = pr->r;
    const lws_system_ops_t *ops = lws_system_get_ops(r->cx);

    for (int i = 0; i < r->per_producer; i++) {
        uintptr_t v = ((uintptr_t)pr->id << 24) | (uintptr_t)i;
        int e = ops->attach(r->cx, 0, cap_item_cb, LWS_SYSTATE_CONTEXT_CREATED,
                            (void *)v, NULL);
        if (e == -EAGAIN)
            return;
        if (e) {
            atomic_fetch_add(&r->perrors, 1);
            return;
        }
        atomic_fetch_add_explicit(&r->accepted, 1, memory_order_relaxed);
    }
    atomic_fetch_add(&r->perrors, 1); /* never refused */
}

static void test_attach_cap_refuses_at_once(void **state)
{
    const unsigned int cap = 500;
    struct producer pr[PRODUCERS];
    struct run r;

    (void)state;
    run_setup_cap(&r, NULL, cap, NULL);
    assert_true(r.per_producer > (int)cap); /* each would pass the cap */
    for (int round = 0; round < 3; round++) {
        long before = atomic_load(&r.accepted);

        for (int p = 0; p < PRODUCERS; p++) {
            pr[p].r = &r;
            pr[p].id = p;
            assert_int_equal(
                uv_thread_create(&pr[p].t, cap_producer_main, &pr[p]), 0);
        }
        for (int p = 0; p < PRODUCERS; p++)
            uv_thread_join(&pr[p].t);
        assert_int_equal(atomic_load(&r.perrors), 0);
        assert_int_equal(atomic_load(&r.accepted) - before, cap);
        /* Places come back as the items run. */
        for (int i = 0; i < 1000 && r.delivered < atomic_load(&r.accepted); i++)
            lws_service(r.cx, 10);
        assert_int_equal(r.errors, 0);
        assert_int_equal(r.delivered, atomic_load(&r.accepted));
        memset(r.seen, 0, (size_t)PRODUCERS * (size_t)r.per_producer);
    }
    lws_context_destroy(r.cx);
    assert_int_equal(r.discarded, 0);
    assert_int_equal(lws__heap_in_use(), 0);
    free(r.seen);
}

/* An application op (single-threaded here, so no lock of its own): the
 * cap applies to __lws_system_attach() too. */
static int app_attach(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                      lws_system_states_t state, void *opaque,
                      struct lws_attach_item **get)
{
    return __lws_system_attach(cx, tsi, cb, state, opaque, get);
}

static void test_attach_cap_app_op(void **state)
{
    static const lws_system_ops_t ops = {.attach = app_attach,
                                         .attach_discarded = item_discarded};
    struct run r;

    (void)state;
    run_setup_cap(&r, NULL, 3, &ops);
    for (int i = 0; i < 3; i++)
        assert_int_equal(app_attach(r.cx, 0, item_cb, LWS_SYSTATE_OPERATIONAL,
                                    (void *)(uintptr_t)(i * NGATES + 4), NULL),
                         0);
    assert_int_equal(app_attach(r.cx, 0, item_cb, LWS_SYSTATE_OPERATIONAL,
                                (void *)(uintptr_t)(3 * NGATES + 4), NULL),
                     -EAGAIN);
    /* Waiting at their gate, they hold their places; discarded at destroy,
     * nothing leaks. */
    lws_context_destroy(r.cx);
    assert_int_equal(r.discarded, 3);
    assert_int_equal(lws__heap_in_use(), 0);
    free(r.seen);
}

/* Items attached from the loop thread, each checking it runs in order. */
static long seq_next, seq_bad;
static void seq_cb(struct lws_context *cx, int tsi, void *opaque)
{
    (void)cx, (void)tsi;
    if ((long)(uintptr_t)opaque != seq_next++)
        seq_bad++;
}

static void attach_seq(struct lws_context *cx, long n)
{
    const lws_system_ops_t *ops = lws_system_get_ops(cx);

    seq_next = seq_bad = 0;
    for (long i = 0; i < n; i++)
        assert_int_equal(ops->attach(cx, 0, seq_cb, LWS_SYSTATE_CONTEXT_CREATED,
                                     (void *)(uintptr_t)i, NULL),
                         0);
}

static void service_until_run(struct lws_context *cx, long n)
{
    for (int i = 0; i < 1000 && seq_next < n; i++)
        lws_service(cx, 10);
    assert_int_equal(seq_next, n);
    assert_int_equal(seq_bad, 0);
}

/* A burst beyond the pool's idle size: the items run go back to the pool
 * (the loop frees nothing per item), which is trimmed back to at most 1024
 * items a while after the queue was found empty; nothing leaks. */
static void test_attach_burst_pool_trimmed(void **state)
{
    const long n = 4096;
    size_t h0, isz = sizeof(struct lws_attach_item);
    uint64_t until;
    struct run r;

    (void)state;
    run_setup(&r, NULL);
    lws_service(r.cx, -1);
    h0 = lws__heap_in_use();
    attach_seq(r.cx, n);
    service_until_run(r.cx, n);
    assert_true(lws__heap_in_use() >= h0 + (size_t)n * isz);
    until = uv_hrtime() + 10 * 1000000000ull; /* the trim is due in 100 ms */
    while (lws__heap_in_use() > h0 + 1024 * isz && uv_hrtime() < until)
        lws_service(r.cx, 20);
    assert_true(lws__heap_in_use() <= h0 + 1024 * isz);
    assert_null(r.cx->attach_batch); /* freed with the trim */
    lws_context_destroy(r.cx);
    assert_int_equal(lws__heap_in_use(), 0);
    free(r.seen);
}

/* Items a producer allocated because another held the pool go back to the
 * pool once run, so the items in circulation creep up under contention
 * (a soak of two threads attaching 20 times a second saw the pool grow by
 * an item every few seconds): once the queue is quiet the pool is trimmed
 * to the most items one drain ran, not left to grow to ATTACH_POOL_MAX. */
static void test_attach_pool_keeps_what_drains_need(void **state)
{
    struct lws__pool *p;
    void *extra[40];
    uint64_t until;
    struct run r;

    (void)state;
    run_setup(&r, NULL);
    lws_service(r.cx, -1);
    p = &r.cx->attach_pool;
    for (int i = 0; i < 40; i++) /* what contended producers allocated */
        assert_non_null(extra[i] = lws__pool_get(p));
    for (int i = 0; i < 40; i++)
        lws__pool_put(p, extra[i]);
    assert_true(lws__pool_held(p) >= 40);
    attach_seq(r.cx, 2);
    service_until_run(r.cx, 2);
    until = uv_hrtime() + 10 * 1000000000ull; /* the trim is due in 100 ms */
    while (lws__pool_held(p) > 2 && uv_hrtime() < until)
        lws_service(r.cx, 20);
    assert_true(lws__pool_held(p) <= 2);
    lws_context_destroy(r.cx);
    assert_int_equal(lws__heap_in_use(), 0);
    free(r.seen);
}

/* A batch larger than the loop's stack array whose reference array cannot
 * be allocated: the batch is reversed in place and still runs in order. */
static void test_attach_batch_array_oom(void **state)
{
    const long n = 300;
    struct run r;

    (void)state;
    run_setup(&r, NULL);
    lws_service(r.cx, -1);
    attach_seq(r.cx, n);
    lws__alloc_fail_nth(1); /* the drain's batch array */
    service_until_run(r.cx, n);
    lws__alloc_fail_nth(0);
    assert_null(r.cx->attach_batch);
    /* With memory, the next large batch takes the array. */
    attach_seq(r.cx, n);
    service_until_run(r.cx, n);
    assert_non_null(r.cx->attach_batch);
    lws_context_destroy(r.cx);
    assert_int_equal(lws__heap_in_use(), 0);
    free(r.seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach_8_producers_exactly_once_fifo),
        cmocka_unit_test(test_attach_producers_racing_destroy),
        cmocka_unit_test(test_attach_destroy_guard_stress),
        cmocka_unit_test(test_attach_cap_refuses_at_once),
        cmocka_unit_test(test_attach_cap_app_op),
        cmocka_unit_test(test_attach_burst_pool_trimmed),
        cmocka_unit_test(test_attach_batch_array_oom),
        cmocka_unit_test(test_attach_pool_keeps_what_drains_need),
    };

    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    return cmocka_run_group_tests_name("attach", tests, NULL, NULL);
}
