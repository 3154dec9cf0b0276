/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fault injection (LWS_WITH_FI): rules from the creation info, LWS_FI and
 * lws_fi_enable(), each selector (always, once, Nth, range, probability
 * with a repeatable seed), and the core's points: core.alloc (at every
 * allocation of context creation, and at run time), core.random,
 * core.poll, plat.sock.create / bind / connect, core.wsi.rx and
 * core.wsi.rx.garble.  For each: the documented error and a log line, no
 * leaked memory or descriptor, and recovery once the rule is removed.
 */
#include "private-core.h"
#include "fi-log.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

static struct lws_context *cx_new(const char *fi, uint64_t seed,
                                  const struct lws_protocols *prots)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.fi = fi;
    info.fi_seed = seed;
    info.protocols = prots;
    return lws_create_context(&info);
}

static void cx_end(struct lws_context *cx)
{
    lws_context_destroy(cx);
    assert_int_equal(lws__heap_in_use(), 0);
}

/* ---- rules and selectors ---------------------------------------------- */

static bool rnd_ok(struct lws_context *cx)
{
    uint8_t b[8];

    return lws_get_random(cx, b, sizeof(b)) == sizeof(b);
}

/* Which of the next @n calls fail, as a string of '.' (ok) and 'x'. */
static void rnd_pattern(struct lws_context *cx, char *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = rnd_ok(cx) ? '.' : 'x';
    out[n] = '\0';
}

static void test_fi_bad_rules(void **state)
{
    static const char *const bad[] = {
        "no.such.point",
        "core.random(",
        "core.random()",
        "core.random(0)",
        "core.random(101%)",
        "core.random(5..2)",
        "core.random(x)",
        "core.random(3)x",
        "core.random(1..)",
        "(3)",
        "a-very-long-name-beyond-any-point(2)",
    };
    struct lws_context *cx;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fi_log_reset();
        assert_null(cx_new(bad[i], 1, NULL));
        assert_true(fi_logged("bad fault rule") ||
                    fi_logged("unknown fault point"));
        assert_int_equal(lws__heap_in_use(), 0);
    }
    /* A point that fails creation: core.timer. */
    fi_log_reset();
    assert_null(cx_new("core.timer", 1, NULL));
    assert_true(fi_logged("inject core.timer"));
    assert_true(fi_logged("setup failed"));
    assert_int_equal(lws__heap_in_use(), 0);
    /* The same through lws_fi_enable(): nothing is added. */
    cx = cx_new(NULL, 1, NULL);
    assert_non_null(cx);
    assert_int_equal(lws_fi_enable(cx, "core.random,nope"), -EINVAL);
    assert_true(rnd_ok(cx)); /* core.random was not added either */
    assert_int_equal(lws_fi_enable(cx, ""), 0);
    assert_int_equal(lws_fi_enable(cx, ",,"), 0);
    /* More than LWS_FI_MAX_RULES distinct names. */
    assert_int_equal(
        lws_fi_enable(cx, "core.random(999),core.poll(999),core.fdset(999),"
                          "plat.sock.create(999),plat.sock.bind(999),"
                          "plat.sock.connect(999),core.wsi.rx(999),"
                          "core.wsi.rx.garble(999),adns.channel(999),"
                          "adns.rx.garble(999),ntpc.tx(999),"
                          "ntpc.rx.garble(999),ntpc.clock.set(999),"
                          "dhcpc.pkt.open(999),dhcpc.nl.open(999),"
                          "dhcpc.nl.apply(999)"),
        0);
    fi_log_reset();
    assert_int_equal(lws_fi_enable(cx, "tls.setup"), -ENOSPC);
    assert_true(fi_logged("more than 16 fault rules"));
    cx_end(cx);
}

static void test_fi_selectors(void **state)
{
    struct lws_context *cx;
    char p[16];

    (void)state;
    cx = cx_new(NULL, 1, NULL);
    assert_non_null(cx);

    assert_int_equal(lws_fi_enable(cx, "core.random"), 0);
    fi_log_reset();
    rnd_pattern(cx, p, 4);
    assert_string_equal(p, "xxxx");
    assert_true(fi_logged("inject core.random (time 4)"));
    assert_true(fi_logged("CTR-DRBG failed"));
    assert_int_equal(lws_fi_fired(cx, "core.random"), 4);

    /* A rule for the same name replaces it, counts restart. */
    assert_int_equal(lws_fi_enable(cx, "core.random(once)"), 0);
    rnd_pattern(cx, p, 4);
    assert_string_equal(p, "x...");
    assert_int_equal(lws_fi_enable(cx, "core.random(3)"), 0);
    rnd_pattern(cx, p, 5);
    assert_string_equal(p, "..x..");
    assert_int_equal(lws_fi_enable(cx, "core.random(2..4)"), 0);
    rnd_pattern(cx, p, 6);
    assert_string_equal(p, ".xxx..");
    assert_int_equal(lws_fi_fired(cx, "core.random"), 3);
    assert_int_equal(lws_fi_enable(cx, "core.random(0%)"), 0);
    rnd_pattern(cx, p, 8);
    assert_string_equal(p, "........");
    assert_int_equal(lws_fi_enable(cx, "core.random(100%)"), 0);
    rnd_pattern(cx, p, 8);
    assert_string_equal(p, "xxxxxxxx");

    /* Removed: recovers at once. */
    assert_int_equal(lws_fi_disable(cx, "core.random"), 1);
    assert_int_equal(lws_fi_disable(cx, "core.random"), 0);
    rnd_pattern(cx, p, 4);
    assert_string_equal(p, "....");
    cx_end(cx);
}

static void test_fi_probability_repeats_with_seed(void **state)
{
    char a[65], b[65], c[65];
    struct lws_context *cx;
    int fails = 0;

    (void)state;
    fi_log_reset();
    cx = cx_new("core.random(50%)", 12345, NULL);
    assert_non_null(cx);
    assert_true(fi_logged("seed 12345"));
    assert_true(lws_fi_seed(cx) == 12345);
    rnd_pattern(cx, a, 64);
    cx_end(cx);
    cx = cx_new("core.random(50%)", 12345, NULL);
    rnd_pattern(cx, b, 64);
    cx_end(cx);
    assert_string_equal(a, b); /* the same seed, the same faults */
    cx = cx_new("core.random(50%)", 54321, NULL);
    rnd_pattern(cx, c, 64);
    cx_end(cx);
    assert_string_not_equal(a, c);
    for (int i = 0; i < 64; i++)
        fails += a[i] == 'x';
    assert_true(fails > 10 && fails < 54);

    /* No seed given: LWS_FI_SEED, and LWS_FI adds rules. */
    setenv("LWS_FI_SEED", "12345", 1);
    setenv("LWS_FI", "core.random(50%)", 1);
    fi_log_reset();
    cx = cx_new(NULL, 0, NULL);
    unsetenv("LWS_FI");
    unsetenv("LWS_FI_SEED");
    assert_non_null(cx);
    assert_true(lws_fi_seed(cx) == 12345);
    assert_true(fi_logged("fault rule core.random(50%) (seed 12345)"));
    rnd_pattern(cx, b, 64);
    assert_string_equal(a, b);
    cx_end(cx);
}

/* ---- core.alloc -------------------------------------------------------- */

static void test_fi_alloc_every_allocation_in_create(void **state)
{
    int failures = 0;
    char spec[32];

    (void)state;
    for (int n = 1; n < 300; n++) {
        struct lws_context *cx;

        snprintf(spec, sizeof(spec), "core.alloc(%d)", n);
        fi_log_reset();
        cx = cx_new(spec, 1, NULL);
        if (cx && !lws_fi_fired(cx, "core.alloc")) {
            /* every allocation of creation passed: walk to OPERATIONAL */
            for (int i = 0; i < 100 && lws_system_get_state_manager(cx)->state <
                                           LWS_SYSTATE_OPERATIONAL;
                 i++)
                lws_service(cx, 0);
            assert_int_equal(lws_system_get_state_manager(cx)->state,
                             LWS_SYSTATE_OPERATIONAL);
            cx_end(cx);
            break;
        }
        failures++;
        assert_true(fi_logged("inject core.alloc"));
        if (cx) {
            /* an optional allocation failed (logged): still usable */
            assert_true(rnd_ok(cx));
            cx_end(cx);
        } else {
            if (!fi_logged("out of memory") && !fi_logged("failed") &&
                !fi_logged("cannot"))
                fail_msg("allocation %d: no error logged:\n%s", n,
                         fi_log_text());
            assert_int_equal(lws__heap_in_use(), 0);
        }
    }
    print_message("core.alloc: %d allocations of creation failed one by one\n",
                  failures);
    assert_true(failures >= 3);
}

static int t_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                void *in, size_t len);

static const struct lws_protocols t_prots[] = {
    {"fi-udp", t_cb, 16, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};

struct t_udp {
    int rx, closed;
    size_t len;
    uint8_t got[64];
};

static int t_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                void *in, size_t len)
{
    struct t_udp *t;

    (void)user;
    if (reason == LWS_CALLBACK_PROTOCOL_INIT ||
        reason == LWS_CALLBACK_PROTOCOL_DESTROY)
        return 0;
    t = lws_get_opaque_user_data(wsi);
    if (!t)
        return 0;
    if (reason == LWS_CALLBACK_RAW_RX) {
        t->rx++;
        t->len = len < sizeof(t->got) ? len : sizeof(t->got);
        memcpy(t->got, in, t->len);
    } else if (reason == LWS_CALLBACK_RAW_CLOSE) {
        t->closed++;
    }
    return 0;
}

static struct lws *udp_bind(struct lws_context *cx, struct t_udp *t)
{
    return lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"),
                                "127.0.0.1", 0, LWS_CAUDP_BIND, "fi-udp", NULL,
                                NULL, t, NULL, NULL);
}

static void test_fi_alloc_at_run_time(void **state)
{
    struct lws_context *cx, *cx2;
    struct t_udp t;
    struct lws *w;
    int fds0 = lt_count_fds(), fds;

    (void)state;
    memset(&t, 0, sizeof(t));
    cx = cx_new(NULL, 1, t_prots);
    assert_non_null(cx);
    cx2 = cx_new(NULL, 1, NULL);
    assert_non_null(cx2);
    assert_int_equal(lws_fi_enable(cx, "core.alloc(once)"), 0);
    /* One context owns the allocator's rule at a time. */
    fi_log_reset();
    assert_int_equal(lws_fi_enable(cx2, "core.alloc"), -EBUSY);
    assert_true(fi_logged("core.alloc is enabled by another context"));
    lws_context_destroy(cx2);

    fds = lt_count_fds();
    fi_log_reset();
    assert_null(udp_bind(cx, &t)); /* the wsi's memory */
    assert_true(fi_logged("inject core.alloc (time 1)"));
    assert_int_equal(lt_count_fds(), fds); /* the socket was closed */
    w = udp_bind(cx, &t);                  /* once: the next one works */
    assert_non_null(w);
    lws_wsi_close(w);
    lws_service(cx, -1);
    assert_int_equal(lws_fi_fired(cx, "core.alloc"), 1);
    cx_end(cx);
    assert_int_equal(lt_count_fds(), fds0);
    /* The owner is gone: another context may take the rule. */
    cx = cx_new("core.alloc(99999)", 1, NULL);
    assert_non_null(cx);
    cx_end(cx);
}

/* ---- sockets and the loop --------------------------------------------- */

static void test_fi_sock_points(void **state)
{
    static const struct {
        const char *rule;
        const char *err; /* strerror of the documented code */
        bool bind;
    } c[] = {
        {"plat.sock.create", "Too many open files", true},
        {"plat.sock.bind", "Address already in use", true},
        {"plat.sock.connect", "Network is unreachable", false},
        {"core.poll", "cannot be polled", true},
    };
    struct lws_context *cx;
    struct t_udp t;
    struct lws *w;
    int fds0 = lt_count_fds(), fds;

    (void)state;
    memset(&t, 0, sizeof(t));
    cx = cx_new(NULL, 1, t_prots);
    assert_non_null(cx);
    fds = lt_count_fds();
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        fi_log_reset();
        assert_int_equal(lws_fi_enable(cx, c[i].rule), 0);
        w = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"),
                                 "127.0.0.1", c[i].bind ? 0 : 9,
                                 c[i].bind ? LWS_CAUDP_BIND : 0, "fi-udp", NULL,
                                 NULL, &t, NULL, NULL);
        assert_null(w);
        assert_true(fi_logged("inject "));
        assert_true(fi_logged(c[i].err));
        assert_int_equal(lt_count_fds(), fds);
        assert_int_equal(lws_fi_fired(cx, c[i].rule), 1);
        /* removed: the same call works */
        assert_int_equal(lws_fi_disable(cx, c[i].rule), 1);
        w = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"),
                                 "127.0.0.1", c[i].bind ? 0 : 9,
                                 c[i].bind ? LWS_CAUDP_BIND : 0, "fi-udp", NULL,
                                 NULL, &t, NULL, NULL);
        assert_non_null(w);
        lws_wsi_close(w);
        lws_service(cx, -1);
    }
    cx_end(cx);
    assert_int_equal(lt_count_fds(), fds0);
}

static void send_to(struct lws *w, int fd, const char *s)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);

    getsockname(lws_get_socket_fd(w), (struct sockaddr *)&sa, &sl);
    assert_int_equal(sendto(fd, s, strlen(s), 0, (struct sockaddr *)&sa, sl),
                     (ssize_t)strlen(s));
}

static void run_until_rx(struct lws_context *cx, struct t_udp *t, int n)
{
    long long end = lt_now_ms() + 5000LL * lt_timeout_scale();

    while (t->rx < n && lt_now_ms() < end)
        lws_service(cx, 20);
}

static void test_fi_wsi_rx(void **state)
{
    struct lws_context *cx;
    struct t_udp t;
    struct lws *w;
    int fd;

    (void)state;
    memset(&t, 0, sizeof(t));
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO);
    cx = cx_new("core.wsi.rx(once)", 1, t_prots);
    assert_non_null(cx);
    w = udp_bind(cx, &t);
    assert_non_null(w);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    fi_log_reset();
    /* The first datagram is read and lost, the second arrives. */
    send_to(w, fd, "first");
    send_to(w, fd, "second");
    run_until_rx(cx, &t, 1);
    assert_int_equal(t.rx, 1);
    assert_int_equal(t.len, 6);
    assert_memory_equal(t.got, "second", 6);
    assert_true(fi_logged("inject core.wsi.rx (time 1)"));
    assert_true(fi_logged("read failed: Input/output error"));
    assert_int_equal(t.closed, 0); /* a datagram socket stays open */

    /* Garbled: cut below 12 bytes, first byte flipped. */
    assert_int_equal(lws_fi_enable(cx, "core.wsi.rx.garble(once)"), 0);
    fi_log_reset();
    send_to(w, fd, "a-datagram-of-30-bytes-exactly");
    run_until_rx(cx, &t, 2);
    assert_int_equal(t.rx, 2);
    assert_true(t.len >= 1 && t.len <= 11);
    assert_int_equal(t.got[0], 'a' ^ 0xa5);
    assert_true(fi_logged("30-byte datagram cut to"));
    /* and the next is whole */
    send_to(w, fd, "whole");
    run_until_rx(cx, &t, 3);
    assert_int_equal(t.len, 5);
    assert_memory_equal(t.got, "whole", 5);
    close(fd);
    cx_end(cx);
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fi_bad_rules),
        cmocka_unit_test(test_fi_selectors),
        cmocka_unit_test(test_fi_probability_repeats_with_seed),
        cmocka_unit_test(test_fi_alloc_every_allocation_in_create),
        cmocka_unit_test(test_fi_alloc_at_run_time),
        cmocka_unit_test(test_fi_sock_points),
        cmocka_unit_test(test_fi_wsi_rx),
    };

    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE);
    return cmocka_run_group_tests_name("fi", tests, NULL, NULL);
}
