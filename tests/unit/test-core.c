/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Core unit tests: context on own and foreign loops, the state ladder with
 * vetoes, re-drives and deregistration inside walks, destroy from inside
 * callbacks, attach ordering and discard, blobs, wsi over loopback UDP,
 * the CSPRNG, wrong API use and out-of-memory at every allocation.
 */
#include "private-core.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#define HAVE_HELPERS                                                           \
    (LWS_WITH_SYS_ASYNC_DNS || LWS_WITH_SYS_NTPCLIENT ||                       \
     LWS_WITH_SYS_DHCP_CLIENT || LWS_WITH_SYS_CPD)

/* Runs the loop until the system state reaches @state (bounded). */
static void run_to(struct lws_context *cx, int state)
{
    for (int i = 0; i < 100 && lws_system_get_state_manager(cx)->state < state;
         i++)
        lws_service(cx, 0);
}

/* ---- helpers ---------------------------------------------------------- */

struct rec {
    int seen[64]; /* done-pass states in order */
    int nseen;
    int veto_at;     /* veto this step while > 0 */
    int vetoes;      /* probes vetoed */
    bool dereg_self; /* deregister inside the done pass */
    bool redrive_in_cb;
    int redrive_ret;
    bool destroy_at_operational;
    struct lws_context *cx;
};

static struct rec *rec_of(lws_state_notify_link_t *l);

struct rec_link {
    lws_state_notify_link_t link;
    struct rec *r;
};

static struct rec *rec_of(lws_state_notify_link_t *l)
{
    return ((struct rec_link *)l)->r;
}

static int rec_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                      int current, int target)
{
    struct rec *r = rec_of(l);

    if (current != target) {
        if (r->veto_at && target == r->veto_at) {
            r->vetoes++;
            if (r->redrive_in_cb)
                r->redrive_ret = lws_state_transition_steps(mgr, 12);
            return 1;
        }
        return 0;
    }
    if (r->nseen < 64)
        r->seen[r->nseen++] = target;
    if (r->dereg_self)
        lws_state_reg_deregister(l);
    if (r->destroy_at_operational && target == LWS_SYSTATE_OPERATIONAL)
        lws_context_destroy(r->cx);
    return 0;
}

static struct lws_context *make_cx(lws_state_notify_link_t *const *nl)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.register_notifier_list = nl;
    return lws_create_context(&info);
}

/* ---- state ladder ------------------------------------------------------ */

static void test_core_reaches_operational_on_first_iteration(void **state)
{
    struct rec r = {0};
    struct rec_link rl = {{.notify_cb = rec_notify, .name = "rec"}, &r};
    lws_state_notify_link_t *nl[] = {&rl.link, NULL};
    struct lws_context *cx = make_cx(nl);

    (void)state;
    assert_non_null(cx);
    assert_int_equal(lws_system_get_state_manager(cx)->state,
                     LWS_SYSTATE_CONTEXT_CREATED);
    assert_int_equal(r.nseen, 0); /* nothing inside create */
    lws_service(cx, 0);
    /* Without helpers nothing holds: OPERATIONAL on the first iteration.
     * The DHCP helper's link monitor holds IFACE_COLDPLUG until the kernel
     * has listed the interfaces, which may take another wakeup. */
    for (int i = 0;
         HAVE_HELPERS && i < 100 &&
         lws_system_get_state_manager(cx)->state < LWS_SYSTATE_OPERATIONAL;
         i++)
        lws_service(cx, 0);
    assert_int_equal(lws_system_get_state_manager(cx)->state,
                     LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(r.nseen, LWS_SYSTATE_OPERATIONAL - 1);
    for (int i = 0; i < r.nseen; i++)
        assert_int_equal(r.seen[i], LWS_SYSTATE_PRE_PRIV_DROP + i);
    assert_non_null(lws_get_vhost_by_name(cx, "system"));
    assert_null(lws_get_vhost_by_name(cx, "nope"));
    assert_string_equal(
        lws_state_name(lws_system_get_state_manager(cx), LWS_SYSTATE_DHCP),
        "DHCP");
    lws_context_destroy(cx);
    assert_int_equal(r.seen[r.nseen - 1], LWS_SYSTATE_CONTEXT_DESTROYING);
    assert_int_equal(lws__heap_in_use(), 0);
}

static void test_core_veto_blocks_names_blocker_and_redrive(void **state)
{
    struct rec r = {.veto_at = LWS_SYSTATE_TIME_VALID};
    struct rec_link rl = {{.notify_cb = rec_notify, .name = "ntp-ish"}, &r};
    lws_state_notify_link_t *nl[] = {&rl.link, NULL};
    struct lws_context *cx = make_cx(nl);
    lws_state_manager_t *m;
    int step = 0;

    (void)state;
    assert_non_null(cx);
    m = lws_system_get_state_manager(cx);
    run_to(cx, LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(m->state, LWS_SYSTATE_CPD_PRE_TIME);
    assert_string_equal(lws_state_blocker(m, &step), "ntp-ish");
    assert_int_equal(step, LWS_SYSTATE_TIME_VALID);
    assert_int_equal(lws_state_transition_steps(m, LWS_SYSTATE_OPERATIONAL),
                     LWS_STATE_BLOCKED);
    r.veto_at = 0; /* condition met: re-drive */
    assert_int_equal(lws_state_transition_steps(m, LWS_SYSTATE_OPERATIONAL),
                     LWS_STATE_REACHED);
    assert_null(lws_state_blocker(m, &step));
    assert_int_equal(step, -1);
    assert_int_equal(m->state, LWS_SYSTATE_OPERATIONAL);
    lws_context_destroy(cx);
}

/* Every notifier is probed even after a veto, so parallel holders start. */
static int count_probe(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                       int current, int target)
{
    (void)mgr;
    if (current != target && target == LWS_SYSTATE_DHCP)
        rec_of(l)->vetoes++;
    return 0;
}

static void test_core_all_notifiers_probed_after_veto(void **state)
{
    struct rec a = {.veto_at = LWS_SYSTATE_DHCP}, b = {0};
    struct rec_link la = {{.notify_cb = rec_notify, .name = "a"}, &a};
    struct rec_link lb = {{.notify_cb = count_probe, .name = "b"}, &b};
    lws_state_notify_link_t *nl[] = {&la.link, &lb.link, NULL};
    struct lws_context *cx = make_cx(nl);

    (void)state;
    run_to(cx, LWS_SYSTATE_IFACE_COLDPLUG);
    assert_int_equal(a.vetoes, 1);
    assert_int_equal(b.vetoes, 1);
    lws_context_destroy(cx);
}

static void test_core_redrive_inside_probe_is_deferred(void **state)
{
    struct rec r = {.veto_at = LWS_SYSTATE_DHCP, .redrive_in_cb = true};
    struct rec_link rl = {{.notify_cb = rec_notify, .name = "redriver"}, &r};
    lws_state_notify_link_t *nl[] = {&rl.link, NULL};
    struct lws_context *cx = make_cx(nl);
    lws_state_manager_t *m;

    (void)state;
    m = lws_system_get_state_manager(cx);
    run_to(cx, LWS_SYSTATE_IFACE_COLDPLUG);
    assert_int_equal(r.redrive_ret, LWS_STATE_DEFERRED);
    /* The walk re-ran the step a bounded number of times and stopped. */
    assert_true(r.vetoes > 1 && r.vetoes <= 70);
    assert_int_equal(m->state, LWS_SYSTATE_IFACE_COLDPLUG);
    r.veto_at = 0;
    r.redrive_in_cb = false;
    assert_int_equal(lws_state_transition_steps(m, LWS_SYSTATE_OPERATIONAL),
                     LWS_STATE_REACHED);
    lws_context_destroy(cx);
}

static void test_core_deregister_inside_walk(void **state)
{
    struct rec a = {.dereg_self = true}, b = {0};
    struct rec_link la = {{.notify_cb = rec_notify, .name = "a"}, &a};
    struct rec_link lb = {{.notify_cb = rec_notify, .name = "b"}, &b};
    lws_state_notify_link_t *nl[] = {&la.link, &lb.link, NULL};
    struct lws_context *cx = make_cx(nl);

    (void)state;
    run_to(cx, LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(a.nseen, 1); /* heard INITIALIZED, then left */
    assert_int_equal(b.nseen, LWS_SYSTATE_OPERATIONAL - 1);
    assert_int_equal(lws_system_get_state_manager(cx)->state,
                     LWS_SYSTATE_OPERATIONAL);
    lws_context_destroy(cx);
}

static void test_core_target_state_and_jump(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    lws_state_manager_t *m;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.target_state = LWS_SYSTATE_DHCP;
    cx = lws_create_context(&info);
    m = lws_system_get_state_manager(cx);
    run_to(cx, LWS_SYSTATE_DHCP);
    assert_int_equal(m->state, LWS_SYSTATE_DHCP);
    assert_int_equal(lws_state_transition(m, LWS_SYSTATE_AUTH1),
                     LWS_STATE_REACHED);
    assert_int_equal(m->state, LWS_SYSTATE_AUTH1);
    /* steps never go backwards */
    assert_int_equal(lws_state_transition_steps(m, LWS_SYSTATE_DHCP),
                     LWS_STATE_REACHED);
    assert_int_equal(m->state, LWS_SYSTATE_AUTH1);
    assert_int_equal(lws_state_transition_steps(NULL, 3), -EINVAL);
    assert_int_equal(lws_state_transition(m, -1), -EINVAL);
    lws_context_destroy(cx);
}

/* ---- destroy ----------------------------------------------------------- */

static void test_core_destroy_inside_notifier_own_loop(void **state)
{
    struct rec r = {.destroy_at_operational = true};
    struct rec_link rl = {{.notify_cb = rec_notify, .name = "killer"}, &r};
    lws_state_notify_link_t *nl[] = {&rl.link, NULL};
    struct lws_context *cx = make_cx(nl);
    int n = 0;

    (void)state;
    r.cx = cx;
    while (n >= 0)
        n = lws_service(cx, 0);
    assert_int_equal(lws__heap_in_use(), 0);
    /* A second destroy of the freed context is reported, not a crash. */
    lws_context_destroy(cx);
    assert_int_equal(lws_service(cx, 0), -1);
}

static void test_core_foreign_loop_closes_clean(void **state)
{
    struct rec r = {.destroy_at_operational = true};
    struct rec_link rl = {{.notify_cb = rec_notify, .name = "killer"}, &r};
    lws_state_notify_link_t *nl[] = {&rl.link, NULL};
    struct lws_context_creation_info info;
    uv_loop_t loop;
    void *fl[] = {&loop, NULL};
    struct lws_context *cx;

    (void)state;
    assert_int_equal(uv_loop_init(&loop), 0);
    memset(&info, 0, sizeof(info));
    info.foreign_loops = fl;
    info.register_notifier_list = nl;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    r.cx = cx;
    assert_ptr_equal(lws_uv_getloop(cx, 0), &loop);
    assert_int_equal(lws_service(cx, 0), -1); /* not ours to run */
    /* The application runs its loop; destroy happens in a notifier. */
    uv_run(&loop, UV_RUN_DEFAULT);
    /* Destroyed inside the walk: the notifier still hears the jumps,
     * after OPERATIONAL, and everything is closed and freed. */
    assert_true(r.nseen >= 3);
    assert_int_equal(r.seen[r.nseen - 3], LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(r.seen[r.nseen - 2], LWS_SYSTATE_POLICY_INVALID);
    assert_int_equal(r.seen[r.nseen - 1], LWS_SYSTATE_CONTEXT_DESTROYING);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(lws__heap_in_use(), 0);
}

static void sul_destroy_cb(lws_sorted_usec_list_t *sul)
{
    lws_context_destroy(sul->cx);
}

static void test_core_destroy_inside_sul_foreign(void **state)
{
    struct lws_context_creation_info info;
    lws_sorted_usec_list_t sul;
    uv_loop_t loop;
    void *fl[] = {&loop, NULL};
    struct lws_context *cx;

    (void)state;
    memset(&sul, 0, sizeof(sul));
    uv_loop_init(&loop);
    memset(&info, 0, sizeof(info));
    info.foreign_loops = fl;
    cx = lws_create_context(&info);
    lws_sul_schedule(cx, 0, &sul, sul_destroy_cb, 1000);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(lws__heap_in_use(), 0);
}

/* ---- sul ------------------------------------------------------------- */

struct sul_order {
    lws_sorted_usec_list_t s[4];
    int order[4];
    int n;
};

static void sul_rec(lws_sorted_usec_list_t *s)
{
    struct sul_order *o = (struct sul_order *)s->cx->user;

    o->order[o->n++] = (int)(s - o->s);
}

static void test_core_sul_order_and_cancel(void **state)
{
    struct lws_context_creation_info info;
    struct sul_order o;
    struct lws_context *cx;

    (void)state;
    memset(&o, 0, sizeof(o));
    memset(&info, 0, sizeof(info));
    info.user = &o;
    cx = lws_create_context(&info);
    /* Gaps of 100 ms: a preempted test thread (valgrind on a loaded
     * machine) must not reorder the due times it computes. */
    lws_sul_schedule(cx, 0, &o.s[0], sul_rec, 300000);
    lws_sul_schedule(cx, 0, &o.s[1], sul_rec, 0);
    lws_sul_schedule(cx, 0, &o.s[2], sul_rec, 100000);
    lws_sul_schedule(cx, 0, &o.s[3], sul_rec, 200000);
    lws_sul_cancel(&o.s[3]);
    assert_int_equal(o.n, 0); /* never inside schedule */
    while (o.n < 3)
        lws_service(cx, 0);
    assert_int_equal(o.order[0], 1);
    assert_int_equal(o.order[1], 2);
    assert_int_equal(o.order[2], 0);
    lws_context_destroy(cx);
}

/* ---- attach (single thread) ------------------------------------------- */

struct att {
    int order[16];
    int n;
    int discarded;
};

static void att_cb(struct lws_context *cx, int tsi, void *opaque)
{
    struct att *a = lws_context_user(cx);

    (void)tsi;
    a->order[a->n++] = (int)(intptr_t)opaque;
}

static void att_discard(struct lws_context *cx, lws_attach_cb_t cb,
                        void *opaque)
{
    struct att *a = lws_context_user(cx);

    (void)cb, (void)opaque;
    a->discarded++;
}

static void test_core_attach_fifo_gates_and_discard(void **state)
{
    static const lws_system_ops_t ops = {.attach_discarded = att_discard};
    struct lws_context_creation_info info;
    struct att a;
    struct lws_context *cx;
    const lws_system_ops_t *o;
    lws_state_manager_t *m;

    (void)state;
    memset(&a, 0, sizeof(a));
    memset(&info, 0, sizeof(info));
    info.user = &a;
    info.system_ops = &ops;
    info.target_state = LWS_SYSTATE_DHCP;
    cx = lws_create_context(&info);
    o = lws_system_get_ops(cx);
    assert_non_null(o->attach);
    m = lws_system_get_state_manager(cx);
    assert_int_equal(
        o->attach(cx, 0, att_cb, LWS_SYSTATE_OPERATIONAL, (void *)1, NULL), 0);
    assert_int_equal(
        o->attach(cx, 0, att_cb, LWS_SYSTATE_DHCP, (void *)2, NULL), 0);
    assert_int_equal(
        o->attach(cx, 0, att_cb, LWS_SYSTATE_CONTEXT_CREATED, (void *)3, NULL),
        0);
    assert_int_equal(
        o->attach(cx, 0, att_cb, LWS_SYSTATE_DHCP, (void *)4, NULL), 0);
    assert_int_equal(
        o->attach(cx, 0, att_cb, LWS_SYSTATE_AUTH1, (void *)5, NULL), 0);
    assert_int_equal(a.n, 0); /* never inside the call */
    while (m->state < LWS_SYSTATE_DHCP)
        lws_service(cx, 0);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.order[0], 3);
    assert_int_equal(a.order[1], 2);
    assert_int_equal(a.order[2], 4);
    /* bad use */
    assert_int_equal(
        o->attach(cx, 0, att_cb, LWS_SYSTATE_POLICY_INVALID, NULL, NULL),
        -EINVAL);
    assert_int_equal(o->attach(cx, 1, att_cb, LWS_SYSTATE_DHCP, NULL, NULL),
                     -EINVAL);
    assert_int_equal(o->attach(cx, 0, NULL, LWS_SYSTATE_DHCP, NULL, NULL),
                     -EINVAL);
    assert_int_equal(lws_state_transition_steps(m, LWS_SYSTATE_AUTH2),
                     LWS_STATE_REACHED);
    /* the AUTH1 item fired in the step that reached AUTH1 */
    assert_int_equal(a.n, 4);
    assert_int_equal(a.order[3], 5);
    /* the OPERATIONAL item never runs: destroy's states are higher */
    lws_context_destroy(cx);
    assert_int_equal(a.n, 4);
    assert_int_equal(a.discarded, 1);
    assert_int_equal(lws__heap_in_use(), 0);
}

/* An application-supplied attach op with its own lock. */
static uv_mutex_t app_lock;
static int app_lock_calls;

static int app_attach(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                      lws_system_states_t st, void *opaque,
                      struct lws_attach_item **get)
{
    int r;

    uv_mutex_lock(&app_lock);
    app_lock_calls++;
    r = __lws_system_attach(cx, tsi, cb, st, opaque, get);
    uv_mutex_unlock(&app_lock);
    return r;
}

static void test_core_attach_app_op(void **state)
{
    static const lws_system_ops_t ops = {.attach = app_attach};
    struct lws_context_creation_info info;
    struct att a;
    struct lws_context *cx;

    (void)state;
    uv_mutex_init(&app_lock);
    memset(&a, 0, sizeof(a));
    memset(&info, 0, sizeof(info));
    info.user = &a;
    info.system_ops = &ops;
    cx = lws_create_context(&info);
    assert_ptr_equal(lws_system_get_ops(cx)->attach, app_attach);
    for (int i = 0; i < 5; i++)
        assert_int_equal(lws_system_get_ops(cx)->attach(
                             cx, 0, att_cb, LWS_SYSTATE_OPERATIONAL,
                             (void *)(intptr_t)i, NULL),
                         0);
    while (a.n < 5)
        lws_service(cx, 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(a.order[i], i);
    assert_true(app_lock_calls >= 10); /* adds + gets under the app lock */
    lws_context_destroy(cx);
    uv_mutex_destroy(&app_lock);
}

/* ---- destroy from attach / wsi callbacks, cancel_service ----------------- */

static void attach_destroy_cb(struct lws_context *cx, int tsi, void *opaque)
{
    (void)tsi;
    *(int *)opaque = 1;
    lws_context_destroy(cx);
}

static void test_core_destroy_inside_attach_cb(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    int ran = 0, n = 0;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    assert_int_equal(lws_system_get_ops(cx)->attach(cx, 0, attach_destroy_cb,
                                                    LWS_SYSTATE_OPERATIONAL,
                                                    &ran, NULL),
                     0);
    /* a second item queued behind it is discarded, not run */
    assert_int_equal(lws_system_get_ops(cx)->attach(
                         cx, 0, att_cb, LWS_SYSTATE_OPERATIONAL, NULL, NULL),
                     0);
    while (n >= 0)
        n = lws_service(cx, 0);
    assert_int_equal(ran, 1);
    assert_int_equal(lws__heap_in_use(), 0);
}

static int udp_destroy_cb(struct lws *wsi, enum lws_callback_reasons reason,
                          void *user, void *in, size_t len)
{
    (void)user, (void)in, (void)len;
    if (reason == LWS_CALLBACK_RAW_RX)
        lws_context_destroy(lws_get_context(wsi));
    return 0;
}

static void test_core_destroy_inside_wsi_rx(void **state)
{
    static const struct lws_protocols prots[] = {
        {"test-udp-d", udp_destroy_cb, 0, 0, 0, NULL, 0},
        LWS_PROTOCOL_LIST_TERM};
    struct lws_context_creation_info info;
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    struct lws_context *cx;
    struct lws *wsi;
    int fd, n = 0;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.protocols = prots;
    cx = lws_create_context(&info);
    wsi = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"), "127.0.0.1",
                               0, LWS_CAUDP_BIND, "test-udp-d", NULL, NULL,
                               NULL, NULL, NULL);
    assert_non_null(wsi);
    getsockname(lws_get_socket_fd(wsi), (struct sockaddr *)&sa, &sl);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sl), 1);
    while (n >= 0)
        n = lws_service(cx, 0);
    close(fd);
    assert_int_equal(lws__heap_in_use(), 0);
}

static void canceller(void *arg)
{
    lws_cancel_service(arg);
}

static void test_core_cancel_service_from_thread(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    uv_thread_t t;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    run_to(cx, LWS_SYSTATE_OPERATIONAL); /* boot; then nothing pending */
    assert_int_equal(uv_thread_create(&t, canceller, cx), 0);
    /* blocks until the other thread's wakeup arrives */
    assert_int_equal(lws_service(cx, 0), 0);
    uv_thread_join(&t);
    lws_context_destroy(cx);
}

/* ---- regressions from review: destroy in odd places, errors, limits ---- */

static int close_destroy_cb(struct lws *wsi, enum lws_callback_reasons reason,
                            void *user, void *in, size_t len)
{
    (void)user, (void)in, (void)len;
    if (reason == LWS_CALLBACK_RAW_CLOSE)
        lws_context_destroy(lws_get_context(wsi));
    return 0;
}

static void test_core_destroy_inside_raw_close(void **state)
{
    static const struct lws_protocols prots[] = {
        {"close-destroy", close_destroy_cb, 0, 0, 0, NULL, 0},
        LWS_PROTOCOL_LIST_TERM};
    struct lws_context_creation_info info;
    lws_sock_file_fd_type fd;
    struct lws_context *cx;
    int sv[2], n = 0, i = 0;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.protocols = prots;
    cx = lws_create_context(&info);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fd.sockfd = sv[0];
    assert_non_null(lws_adopt_descriptor_vhost(
        lws_get_vhost_by_name(cx, "system"), LWS_ADOPT_SOCKET, fd,
        "close-destroy", NULL));
    close(sv[1]); /* EOF -> close -> RAW_CLOSE -> destroy */
    while (n >= 0 && i++ < 100)
        n = lws_service(cx, 0);
    assert_int_equal(n, -1);
    assert_int_equal(lws__heap_in_use(), 0);
}

static int adopt_destroy_cb(struct lws *wsi, enum lws_callback_reasons reason,
                            void *user, void *in, size_t len)
{
    (void)user, (void)in, (void)len;
    if (reason == LWS_CALLBACK_RAW_ADOPT) {
        lws_context_destroy(lws_get_context(wsi));
        return 1;
    }
    return 0;
}

/* Outside lws_service(): the destroy is finished when the call unwinds. */
static void test_core_destroy_inside_raw_adopt(void **state)
{
    static const struct lws_protocols prots[] = {
        {"adopt-destroy", adopt_destroy_cb, 0, 0, 0, NULL, 0},
        LWS_PROTOCOL_LIST_TERM};
    struct lws_context_creation_info info;
    struct lws_context *cx;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.protocols = prots;
    cx = lws_create_context(&info);
    assert_null(lws_create_adopt_udp(
        lws_get_vhost_by_name(cx, "system"), "127.0.0.1", 0, LWS_CAUDP_BIND,
        "adopt-destroy", NULL, NULL, NULL, NULL, NULL));
    assert_int_equal(lws__heap_in_use(), 0);
}

static int probe_destroy(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                         int current, int target)
{
    (void)l;
    if (current != target && target == LWS_SYSTATE_INITIALIZED)
        lws_context_destroy(mgr->context);
    return 0;
}

/* Creates a context on a foreign loop with @nls, walks to DHCP, which a
 * notifier's destroy stops at CONTEXT_DESTROYING, runs @check, then the
 * loop until the context is freed. */
static void walk_into_destroy(lws_state_notify_link_t **nls,
                              void (*check)(void))
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    lws_state_manager_t *m;
    uv_loop_t loop;
    void *fl[] = {&loop, NULL};

    uv_loop_init(&loop);
    memset(&info, 0, sizeof(info));
    info.foreign_loops = fl;
    info.register_notifier_list = nls;
    info.target_state = LWS_SYSTATE_CONTEXT_CREATED;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    m = lws_system_get_state_manager(cx);
    /* The walk stops at destroy: the state is destroy's, not past it. */
    assert_int_equal(lws_state_transition_steps(m, LWS_SYSTATE_DHCP),
                     LWS_STATE_BLOCKED);
    assert_int_equal(m->state, LWS_SYSTATE_CONTEXT_DESTROYING);
    if (check)
        check();
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(lws__heap_in_use(), 0);
}

static void test_core_destroy_inside_probe_foreign(void **state)
{
    lws_state_notify_link_t nl = {.notify_cb = probe_destroy, .name = "pd"};
    lws_state_notify_link_t *nls[] = {&nl, NULL};

    (void)state;
    walk_into_destroy(nls, NULL);
}

/* Destroy from inside a walk (in the probe or the done pass of a step):
 * every notifier still hears POLICY_INVALID then CONTEXT_DESTROYING, once,
 * and nothing after; one that leaves while hearing them (the walk's next
 * link) does not break the walk it interrupted. */
static struct {
    int destroy_on;  /* step whose probe (< 0: -step) or done destroys */
    int heard[3][8]; /* done states per notifier: destroyer, leaver, rec */
    int n[3];
} dw;

static int dw_note(int who, int current, int target)
{
    if (current == target && dw.n[who] < 8)
        dw.heard[who][dw.n[who]++] = target;
    return 0;
}

static int dw_destroyer(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                        int current, int target)
{
    (void)l;
    dw_note(0, current, target);
    if ((dw.destroy_on < 0 && current != target && target == -dw.destroy_on) ||
        (dw.destroy_on > 0 && current == target && target == dw.destroy_on))
        lws_context_destroy(mgr->context);
    return 0;
}

static int dw_leaver(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                     int current, int target)
{
    (void)mgr;
    dw_note(1, current, target);
    if (current == target && target == LWS_SYSTATE_POLICY_INVALID)
        lws_state_reg_deregister(l);
    return 0;
}

static int dw_recorder(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                       int current, int target)
{
    (void)mgr, (void)l;
    return dw_note(2, current, target);
}

static void dw_check(void)
{
    int step = dw.destroy_on < 0 ? -dw.destroy_on : dw.destroy_on;

    /* the destroyer and the recorder: (step,) POLICY_INVALID,
     * CONTEXT_DESTROYING, then nothing; the leaver stops at POLICY_INVALID */
    for (int w = 0; w < 3; w += 2) {
        int i = dw.n[w] - 2;

        assert_true(i >= 0);
        assert_int_equal(dw.heard[w][i], LWS_SYSTATE_POLICY_INVALID);
        assert_int_equal(dw.heard[w][i + 1], LWS_SYSTATE_CONTEXT_DESTROYING);
        for (int k = 0; k < i; k++)
            assert_true(dw.heard[w][k] <= step);
    }
    assert_int_equal(dw.heard[1][dw.n[1] - 1], LWS_SYSTATE_POLICY_INVALID);
    /* the interrupted pass went no further: the recorder never heard the
     * step done when destroy came in its probe */
    if (dw.destroy_on < 0)
        for (int k = 0; k < dw.n[2]; k++)
            assert_true(dw.heard[2][k] != step);
}

static void dw_run(int destroy_on)
{
    lws_state_notify_link_t a = {.notify_cb = dw_destroyer, .name = "a"},
                            b = {.notify_cb = dw_leaver, .name = "b"},
                            c = {.notify_cb = dw_recorder, .name = "c"};
    lws_state_notify_link_t *nls[] = {&a, &b, &c, NULL};

    memset(&dw, 0, sizeof(dw));
    dw.destroy_on = destroy_on;
    walk_into_destroy(nls, dw_check);
}

static void test_core_destroy_inside_walk_notifies(void **state)
{
    (void)state;
    dw_run(LWS_SYSTATE_INITIALIZED);  /* in the done pass */
    dw_run(-LWS_SYSTATE_INITIALIZED); /* in the probe */
    dw_run(-LWS_SYSTATE_IFACE_COLDPLUG);
}

static uv_mutex_t reatt_lock;
static long reatt_runs;

static int reatt_op(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                    lws_system_states_t st, void *opaque,
                    struct lws_attach_item **get)
{
    int r;

    uv_mutex_lock(&reatt_lock);
    r = __lws_system_attach(cx, tsi, cb, st, opaque, get);
    uv_mutex_unlock(&reatt_lock);
    return r;
}

static void reatt_cb(struct lws_context *cx, int tsi, void *opaque)
{
    (void)tsi;
    reatt_runs++;
    lws_system_get_ops(cx)->attach(cx, 0, reatt_cb, LWS_SYSTATE_UNKNOWN, opaque,
                                   NULL);
}

/* An item that attaches itself again runs once per wakeup, not forever. */
static void test_core_attach_app_op_reattach_no_livelock(void **state)
{
    static const lws_system_ops_t ops = {.attach = reatt_op};
    struct lws_context_creation_info info;
    struct lws_context *cx;

    (void)state;
    uv_mutex_init(&reatt_lock);
    memset(&info, 0, sizeof(info));
    info.system_ops = &ops;
    cx = lws_create_context(&info);
    run_to(cx, LWS_SYSTATE_OPERATIONAL);
    reatt_runs = 0;
    reatt_op(cx, 0, reatt_cb, LWS_SYSTATE_UNKNOWN, NULL, NULL);
    lws_service(cx, 0);
    assert_int_equal(reatt_runs, 1);
    lws_service(cx, 0);
    assert_int_equal(reatt_runs, 2);
    lws_context_destroy(cx);
    uv_mutex_destroy(&reatt_lock);
}

static int icmp_cb(struct lws *wsi, enum lws_callback_reasons reason,
                   void *user, void *in, size_t len)
{
    (void)user, (void)len;
    if (reason == LWS_CALLBACK_RAW_RX && in)
        (*(int *)lws_get_opaque_user_data(wsi))++;
    return 0;
}

static void test_core_udp_wsi_hears_after_icmp_error(void **state)
{
    static const struct lws_protocols prots[] = {
        {"icmp", icmp_cb, 0, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};
    struct lws_context_creation_info info;
    struct sockaddr_in me, peer;
    socklen_t ml = sizeof(me);
    struct lws_context *cx;
    struct lws *w;
    int rx = 0, port = lt_free_port(true), s, i;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.protocols = prots;
    cx = lws_create_context(&info);
    run_to(cx, LWS_SYSTATE_OPERATIONAL);
    w = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"), "127.0.0.1",
                             port, 0, "icmp", NULL, NULL, &rx, NULL, NULL);
    assert_non_null(w);
    getsockname(lws_get_socket_fd(w), (struct sockaddr *)&me, &ml);
    /* Nobody listens: the kernel answers with an ICMP error (POLLERR). */
    assert_int_equal(send(lws_get_socket_fd(w), "x", 1, 0), 1);
    lws_service(cx, 0);
    /* Now the peer appears and replies. */
    s = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&peer, 0, sizeof(peer));
    peer.sin_family = AF_INET;
    peer.sin_port = htons((uint16_t)port);
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&peer, sizeof(peer)), 0);
    assert_int_equal(
        sendto(s, "reply", 5, 0, (struct sockaddr *)&me, sizeof(me)), 5);
    for (i = 0; i < 10 && !rx; i++)
        lws_service(cx, 0);
    assert_int_equal(rx, 1);
    close(s);
    lws_context_destroy(cx);
}

static int veto_jump_redrive(lws_state_manager_t *mgr,
                             lws_state_notify_link_t *l, int current,
                             int target)
{
    (void)l;
    if (current != target && target == 2) {
        lws_state_transition_steps(mgr, 9);
        return 1;
    }
    return 0;
}

static void test_core_vetoed_jump_reports_blocked(void **state)
{
    lws_state_notify_link_t nl = {.notify_cb = veto_jump_redrive, .name = "v"};
    lws_state_manager_t m;

    (void)state;
    memset(&m, 0, sizeof(m));
    m.name = "m";
    m.state = 5;
    lws_state_reg_notifier(&m, &nl);
    assert_int_equal(lws_state_transition(&m, 2), LWS_STATE_BLOCKED);
    assert_int_equal(m.state, 9); /* the re-drive it asked for happened */
}

struct sul_pass {
    lws_sorted_usec_list_t a, far;
    int runs;
};

static void sul_again(lws_sorted_usec_list_t *sul)
{
    struct sul_pass *p = lws_container_of(sul, struct sul_pass, a);

    if (++p->runs < 3)
        lws_sul_schedule(sul->cx, 0, sul, sul_again, 0);
}

static void sul_never(lws_sorted_usec_list_t *sul)
{
    (void)sul;
    fail_msg("far-future timer fired");
}

static void test_core_sul_zero_delay_next_pass_and_far_future(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    struct sul_pass p;

    (void)state;
    memset(&p, 0, sizeof(p));
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    run_to(cx, LWS_SYSTATE_OPERATIONAL);
    /* No overflow (UBSan) and no starving of the timers behind it. */
    lws_sul_schedule(cx, 0, &p.far, sul_never, INT64_MAX - 5);
    lws_sul_schedule(cx, 0, &p.a, sul_again, 0);
    lws_service(cx, 0);
    /* Rescheduled with 0 inside its callback: a later pass (at most one
     * more in the same loop iteration), never a spin in one phase. */
    assert_true(p.runs >= 1 && p.runs <= 2);
    while (p.runs < 3)
        lws_service(cx, 0);
    lws_sul_cancel(&p.far);
    lws_context_destroy(cx);
}

/* ---- blobs ------------------------------------------------------------ */

static void test_core_blobs_bounds_and_modes(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    lws_system_blob_t *b;
    const uint8_t *p;
    uint8_t buf[16];
    size_t len;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    assert_non_null(lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_AUTH, 1));
    assert_null(lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_AUTH, 2));
    assert_null(lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_MQTT_PASSWORD, 1));
    assert_null(lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_COUNT, 0));
    assert_null(lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_NTP_SERVER, -1));
    b = lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_NTP_SERVER, 0);
    lws_system_blob_direct_set(b, (const uint8_t *)"abc", 3);
    assert_int_equal(lws_system_blob_get_size(b), 3);
    assert_int_equal(lws_system_blob_get_single_ptr(b, &p), 0);
    assert_memory_equal(p, "abc", 3);
    /* append after direct switches to heap mode (lws asserts here) */
    assert_int_equal(lws_system_blob_heap_append(b, (const uint8_t *)"he", 2),
                     0);
    assert_int_equal(lws_system_blob_heap_append(b, (const uint8_t *)"llo", 3),
                     0);
    assert_int_equal(lws_system_blob_get_size(b), 5);
    assert_int_equal(lws_system_blob_get_single_ptr(b, &p), -1);
    len = sizeof(buf);
    assert_int_equal(lws_system_blob_get(b, buf, &len, 1), 0);
    assert_int_equal(len, 4);
    assert_memory_equal(buf, "ello", 4);
    len = sizeof(buf);
    assert_int_equal(lws_system_blob_get(b, buf, &len, 5), 1);
    assert_int_equal(len, 0);
    lws__alloc_fail_nth(1);
    assert_int_equal(lws_system_blob_heap_append(b, (const uint8_t *)"x", 1),
                     -ENOMEM);
    assert_int_equal(lws_system_blob_get_size(b), 5); /* nothing lost */
    lws_context_destroy(cx);                          /* frees heap segments */
    assert_int_equal(lws__heap_in_use(), 0);
}

/* ---- wsi over loopback UDP ------------------------------------------- */

struct udp_t {
    int rx, writeable, timers, closed, adopted;
    char got[32];
    int peer_port;
};

static int udp_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                  void *in, size_t len)
{
    struct udp_t *t;
    const struct sockaddr_in *peer;
    size_t sl;

    if (reason == LWS_CALLBACK_PROTOCOL_INIT ||
        reason == LWS_CALLBACK_PROTOCOL_DESTROY)
        return 0;
    t = lws_get_opaque_user_data(wsi);
    switch (reason) {
    case LWS_CALLBACK_RAW_ADOPT:
        t->adopted++;
        assert_non_null(user); /* per_session_data */
        break;
    case LWS_CALLBACK_RAW_RX:
        t->rx++;
        memcpy(t->got, in, len < 31 ? len : 31);
        peer = lws_get_udp_peer(wsi, &sl);
        assert_non_null(peer);
        t->peer_port = ntohs(peer->sin_port);
        lws_callback_on_writable(wsi);
        break;
    case LWS_CALLBACK_RAW_WRITEABLE:
        t->writeable++;
        lws_set_timer_usecs(wsi, 1000);
        break;
    case LWS_CALLBACK_TIMER:
        t->timers++;
        return 1; /* close */
    case LWS_CALLBACK_RAW_CLOSE:
        t->closed++;
        break;
    default:
        break;
    }
    return 0;
}

static int count_wsi(struct lws *wsi, const char *pn, void *user)
{
    (void)wsi;
    if (!strcmp(pn, "test-udp"))
        (*(int *)user)++;
    return 0;
}

static void test_core_wsi_udp_rx_writeable_timer_close(void **state)
{
    static const struct lws_protocols prots[] = {
        {"test-udp", udp_cb, 16, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};
    struct lws_context_creation_info info;
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    struct udp_t t;
    struct lws_context *cx;
    struct lws *wsi;
    int fd, n = 0;

    (void)state;
    memset(&t, 0, sizeof(t));
    memset(&info, 0, sizeof(info));
    info.protocols = prots;
    cx = lws_create_context(&info);
    wsi = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"), "127.0.0.1",
                               0, LWS_CAUDP_BIND, "test-udp", NULL, NULL, &t,
                               NULL, NULL);
    assert_non_null(wsi);
    assert_int_equal(t.adopted, 1);
    assert_null(lws_create_adopt_udp(
        lws_get_vhost_by_name(cx, "system"), "127.0.0.1", 0, LWS_CAUDP_BIND,
        "no-such-protocol", NULL, NULL, NULL, NULL, NULL));
    assert_null(lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"),
                                     "not-an-ip", 53, 0, "test-udp", NULL, NULL,
                                     NULL, NULL, NULL));
    lws_vhost_foreach_wsi(lws_get_vhost_by_name(cx, "system"), count_wsi, &n);
    assert_int_equal(n, 1);
    getsockname(lws_get_socket_fd(wsi), (struct sockaddr *)&sa, &sl);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(sendto(fd, "hello", 5, 0, (struct sockaddr *)&sa, sl), 5);
    while (!t.closed)
        lws_service(cx, 0);
    assert_int_equal(t.rx, 1);
    assert_string_equal(t.got, "hello");
    assert_int_equal(t.writeable, 1);
    assert_int_equal(t.timers, 1);
    n = 0;
    lws_vhost_foreach_wsi(lws_get_vhost_by_name(cx, "system"), count_wsi, &n);
    assert_int_equal(n, 0);
    close(fd);
    lws_context_destroy(cx);
    assert_int_equal(lws__heap_in_use(), 0);
}

static void test_core_random(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    uint8_t a[32], b[32], z[32] = {0};

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    assert_int_equal(lws_get_random(cx, a, sizeof(a)), sizeof(a));
    assert_int_equal(lws_get_random(cx, b, sizeof(b)), sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, z, sizeof(a));
    assert_int_equal(lws_get_random(NULL, a, 4), 0);
    for (int i = 0; i < 1000; i++)
        assert_true(lws__random_below(cx, 7) < 7);
    lws_context_destroy(cx);
}

/* ---- bad use and OOM -------------------------------------------------- */

static void test_core_bad_api_use(void **state)
{
    struct lws_context_creation_info info;

    (void)state;
    assert_null(lws_create_context(NULL));
    memset(&info, 0, sizeof(info));
    info.count_threads = 2;
    assert_null(lws_create_context(&info));
    info.count_threads = 0;
    void *fl[] = {NULL};
    info.foreign_loops = fl;
    assert_null(lws_create_context(&info));
    lws_context_destroy(NULL);
    assert_int_equal(lws_service(NULL, 0), -1);
    assert_null(lws_uv_getloop(NULL, 0));
    lws_cancel_service(NULL);
    assert_int_equal(__lws_system_attach(NULL, 0, att_cb, 1, NULL, NULL),
                     -EINVAL);
    assert_null(lws_system_get_blob(NULL, LWS_SYSBLOB_TYPE_AUTH, 0));
    assert_int_equal(lws__heap_in_use(), 0);
}

static void test_core_oom_every_allocation_in_create(void **state)
{
    struct lws_context_creation_info info;
    int failures = 0;

    (void)state;
    memset(&info, 0, sizeof(info));
    for (long n = 1; n < 200; n++) {
        struct lws_context *cx;

        lws__alloc_fail_nth(n);
        cx = lws_create_context(&info);
        lws__alloc_fail_nth(0);
        if (cx) {
            run_to(cx, LWS_SYSTATE_OPERATIONAL);
            assert_int_equal(lws_system_get_state_manager(cx)->state,
                             LWS_SYSTATE_OPERATIONAL);
            lws_context_destroy(cx);
            assert_int_equal(lws__heap_in_use(), 0);
            break;
        }
        failures++;
        assert_int_equal(lws__heap_in_use(), 0);
    }
    assert_true(failures >= 3);
}

/* The allocator's high-water mark: the peak since the last take, whatever
 * was freed before the take; each take starts the next period at the heap
 * held then. */
static void test_core_heap_peak_take(void **state)
{
    size_t base = lws__heap_in_use();
    void *a, *b, *c;

    (void)state;
    (void)lws__heap_peak_take();
    a = lws__malloc(1000);
    b = lws__malloc(500);
    assert_non_null(a);
    assert_non_null(b);
    lws__free(a);
    assert_int_equal(lws__heap_in_use(), base + 500);
    assert_int_equal(lws__heap_peak_take(), base + 1500);
    assert_int_equal(lws__heap_peak_take(), base + 500); /* nothing since */
    b = lws__realloc(b, 2000); /* a growth raises the peak */
    assert_non_null(b);
    c = lws__malloc_bare(300, true);
    assert_non_null(c);
    lws__free_bare(c, 300, true);
    lws__free(b);
    assert_int_equal(lws__heap_peak_take(), base + 2300);
    c = lws__malloc_bare(300, false); /* uncounted blocks do not count */
    assert_non_null(c);
    lws__free_bare(c, 300, false);
    assert_int_equal(lws__heap_peak_take(), base);
}

static void test_core_idle_context_heap(void **state)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;

    (void)state;
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    run_to(cx, LWS_SYSTATE_OPERATIONAL);
    print_message("idle context heap (this build): %zu bytes\n",
                  lws__heap_in_use());
    lws_context_destroy(cx);
}

/* ---- shared address helpers of the helpers --------------------------- */

#if HAVE_HELPERS /* sa46.c is built with any helper */
static void test_core_port_parse_and_addrinfo(void **state)
{
    struct sockaddr_in s4 = {.sin_family = AF_INET, .sin_port = htons(1)};
    struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
    struct addrinfo ai[4];
    lws_sockaddr46 sa[4];
    uint16_t port = 7;

    (void)state;
    assert_int_equal(lws__port_parse("65535", 5, &port), 0);
    assert_int_equal(port, 65535);
    assert_int_equal(lws__port_parse("000080", 6, &port), 0);
    assert_int_equal(port, 80);
    assert_int_equal(lws__port_parse("1234", 2, &port), 0); /* @n bytes */
    assert_int_equal(port, 12);
    assert_int_equal(lws__port_parse("65536", 5, &port), -EINVAL);
    assert_int_equal(lws__port_parse("99999999999", 11, &port), -EINVAL);
    assert_int_equal(lws__port_parse("0", 1, &port), -EINVAL);
    assert_int_equal(lws__port_parse("", 0, &port), -EINVAL);
    assert_int_equal(lws__port_parse("8a", 2, &port), -EINVAL);
    assert_int_equal(lws__port_parse("-1", 2, &port), -EINVAL);
    assert_int_equal(port, 12); /* untouched on failure */

    /* IPv4, a short IPv6 entry, another family, IPv6: two kept, in order. */
    memset(ai, 0, sizeof(ai));
    s4.sin_addr.s_addr = htonl(0x7f000001);
    s6.sin6_addr.s6_addr[15] = 1;
    ai[0] = (struct addrinfo){.ai_family = AF_INET,
                              .ai_addrlen = sizeof(s4),
                              .ai_addr = (struct sockaddr *)&s4,
                              .ai_next = &ai[1]};
    ai[1] = (struct addrinfo){.ai_family = AF_INET6,
                              .ai_addrlen = sizeof(s4),
                              .ai_addr = (struct sockaddr *)&s6,
                              .ai_next = &ai[2]};
    ai[2] = (struct addrinfo){.ai_family = AF_UNIX,
                              .ai_addrlen = sizeof(s6),
                              .ai_addr = (struct sockaddr *)&s6,
                              .ai_next = &ai[3]};
    ai[3] = (struct addrinfo){.ai_family = AF_INET6,
                              .ai_addrlen = sizeof(s6),
                              .ai_addr = (struct sockaddr *)&s6};
    memset(sa, 0xa5, sizeof(sa));
    assert_int_equal(lws__sa46_from_addrinfo(ai, sa, 4), 2);
    assert_int_equal(sa[0].sa4.sin_family, AF_INET);
    assert_int_equal(ntohl(sa[0].sa4.sin_addr.s_addr), 0x7f000001);
    assert_int_equal(lws__sa46_port(&sa[0]), 1);
    assert_int_equal(sa[1].sa6.sin6_family, AF_INET6);
    assert_memory_equal(&sa[1].sa6, &s6, sizeof(s6));
    assert_int_equal(lws__sa46_from_addrinfo(ai, sa, 1), 1); /* the cap */
    assert_int_equal(lws__sa46_from_addrinfo(NULL, sa, 4), 0);
}
#endif

/* ---- log lines carry their module's name ------------------------------ */

static char log_seen[256];
static int log_seen_level;

static void log_capture(int level, const char *line)
{
    log_seen_level = level;
    snprintf(log_seen, sizeof(log_seen), "%s", line);
}

static void test_core_log_module_names(void **state)
{
#define LOG_NAME(n) #n,
    static const char *const names[] = {LWS__LOG_MODULES(LOG_NAME)};
#undef LOG_NAME
    char want[64];

    (void)state;
    assert_int_equal(sizeof(names) / sizeof(names[0]), LWS__LOGMOD_COUNT);
    lws_set_log_level(LLL_ERR | LLL_WARN, log_capture);
    for (int m = 0; m < LWS__LOGMOD_COUNT; m++) {
        log_seen[0] = '\0';
        lws__log(LWS__LOG_LM(m, LLL_WARN), "line %d", m);
        snprintf(want, sizeof(want), "W: %s: line %d", names[m], m);
        assert_string_equal(log_seen, want);
        assert_int_equal(log_seen_level, LLL_WARN);
    }
    /* A site's own module, through the macro (this file: "core"). */
    lwsl_err("via %s", "macro");
    assert_string_equal(log_seen, "E: core: via macro");
    /* A level not enabled emits nothing; a module out of range says so. */
    log_seen[0] = '\0';
    lws__log(LWS__LOG_LM(LWS__LOGMOD_dhcpc, LLL_INFO), "quiet");
    assert_string_equal(log_seen, "");
    lws__log(LWS__LOG_LM(LWS__LOGMOD_COUNT, LLL_ERR), "odd");
    assert_string_equal(log_seen, "E: ?: odd");
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_reaches_operational_on_first_iteration),
        cmocka_unit_test(test_core_veto_blocks_names_blocker_and_redrive),
        cmocka_unit_test(test_core_all_notifiers_probed_after_veto),
        cmocka_unit_test(test_core_redrive_inside_probe_is_deferred),
        cmocka_unit_test(test_core_deregister_inside_walk),
        cmocka_unit_test(test_core_target_state_and_jump),
        cmocka_unit_test(test_core_destroy_inside_notifier_own_loop),
        cmocka_unit_test(test_core_foreign_loop_closes_clean),
        cmocka_unit_test(test_core_destroy_inside_sul_foreign),
        cmocka_unit_test(test_core_sul_order_and_cancel),
        cmocka_unit_test(test_core_attach_fifo_gates_and_discard),
        cmocka_unit_test(test_core_attach_app_op),
        cmocka_unit_test(test_core_destroy_inside_attach_cb),
        cmocka_unit_test(test_core_destroy_inside_wsi_rx),
        cmocka_unit_test(test_core_cancel_service_from_thread),
        cmocka_unit_test(test_core_destroy_inside_raw_close),
        cmocka_unit_test(test_core_destroy_inside_raw_adopt),
        cmocka_unit_test(test_core_destroy_inside_probe_foreign),
        cmocka_unit_test(test_core_destroy_inside_walk_notifies),
        cmocka_unit_test(test_core_attach_app_op_reattach_no_livelock),
        cmocka_unit_test(test_core_udp_wsi_hears_after_icmp_error),
        cmocka_unit_test(test_core_vetoed_jump_reports_blocked),
        cmocka_unit_test(test_core_sul_zero_delay_next_pass_and_far_future),
        cmocka_unit_test(test_core_blobs_bounds_and_modes),
        cmocka_unit_test(test_core_wsi_udp_rx_writeable_timer_close),
        cmocka_unit_test(test_core_random),
        cmocka_unit_test(test_core_bad_api_use),
        cmocka_unit_test(test_core_oom_every_allocation_in_create),
        cmocka_unit_test(test_core_heap_peak_take),
        cmocka_unit_test(test_core_idle_context_heap),
        cmocka_unit_test(test_core_log_module_names),
#if HAVE_HELPERS
        cmocka_unit_test(test_core_port_parse_and_addrinfo),
#endif
    };

    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
