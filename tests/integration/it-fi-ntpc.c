/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's fault points against an NTP server of our own on
 * loopback (LWS_WITH_FI):
 *   ntpc.rx.garble  garbled replies are refused, never set the clock or
 *                   pass TIME_VALID; once synced, a garbled reply leaves
 *                   the sync and the clock alone;
 *   ntpc.tx         a failed send is logged and costs a retry, nothing
 *                   reaches the server;
 *   ntpc.clock.set  a failing setter is logged and handed to the sync
 *                   callback; the next sync sets the clock;
 *   core.alloc      every allocation failing: a running client still
 *                   syncs (its exchanges allocate nothing);
 * each recovering once the rule is removed, with the heap back to 0.
 */
#include "ntpclient/private-ntpc.h"

#include <stdio.h>
#include <stdlib.h>

#include "fi-log.h"
#include "ntpc-loop.h"
#include "ntpc-server.h"
#include "testutil.h"

static int clock_calls, cb_calls, cb_last_status;

static int rec_set_clock(lws_usec_t us)
{
    (void)us;
    clock_calls++;
    return 0;
}

static void rec_sync(struct lws_context *cx, int status,
                     const struct lws_ntpc_status *st, void *user)
{
    (void)cx, (void)st, (void)user;
    cb_calls++;
    cb_last_status = status;
}

static const lws_system_ops_t ops = {.set_clock = rec_set_clock};

static struct lws__ntpc_stats stats(struct lws_context *cx)
{
    struct lws__ntpc_stats st;

    NTPC_CHECK(!lws__ntpc_get_stats(cx, &st));
    return st;
}

static bool syncs_at_least(struct lws_context *cx, void *arg)
{
    return stats(cx).syncs >= *(uint32_t *)arg;
}

static bool rx_at_least(struct lws_context *cx, void *arg)
{
    return stats(cx).rx >= *(uint32_t *)arg;
}

static bool fired_at_least(struct lws_context *cx, void *arg)
{
    return lws_fi_fired(cx, NULL) >= *(unsigned int *)arg;
}

static struct lws_context *mk(const char *server, const char *fi)
{
    static const char *servers[2];
    static struct lws_ntpc_info ni;
    struct lws_context_creation_info info;

    servers[0] = server;
    memset(&ni, 0, sizeof(ni));
    ni.servers = servers;
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.reply_timeout_ms = 100;
    ni.retry_min_ms = 30;
    ni.retry_max_ms = 200;
    ni.sync_cb = rec_sync;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.system_ops = &ops;
    info.fi = fi;
    info.fi_seed = 7;
    return lws_create_context(&info);
}

static bool time_held(struct lws_context *cx)
{
    int step;
    const char *who =
        lws_state_blocker(lws_system_get_state_manager(cx), &step);

    return who && !strcmp(who, "ntpclient") && step == LWS_SYSTATE_TIME_VALID;
}

static void garble(const char *srv)
{
    struct lws_ntpc_status st;
    struct lws_context *cx;
    uint32_t three = 3, one = 1, four;

    clock_calls = cb_calls = 0;
    fi_log_reset();
    cx = mk(srv, "ntpc.rx.garble");
    NTPC_CHECK(cx);
    NTPC_CHECK(ntpc_run_until(cx, rx_at_least, &three, 4000));
    NTPC_CHECK(fi_logged("inject ntpc.rx.garble"));
    NTPC_CHECK(fi_logged("datagram cut to"));
    NTPC_CHECK(stats(cx).verdicts[LWS__NTPC_V_SHORT] >= 3);
    NTPC_CHECK(stats(cx).syncs == 0 && clock_calls == 0 && cb_calls == 0);
    NTPC_CHECK(lws_ntpc_get_status(cx, &st) == -EAGAIN);
    NTPC_CHECK(time_held(cx));
    fprintf(stderr, "garble: %u replies refused, clock untouched\n",
            stats(cx).verdicts[LWS__NTPC_V_SHORT]);

    /* Removed: the next exchange syncs and releases TIME_VALID. */
    NTPC_CHECK(lws_fi_disable(cx, "ntpc.rx.garble") == 1);
    lws_ntpc_trigger(cx);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &one, 4000));
    NTPC_CHECK(clock_calls == 1 && !lws_ntpc_get_status(cx, &st));
    NTPC_CHECK(!time_held(cx));

    /* Synced, then garbled again: the sync and the clock stay as they
     * were. */
    NTPC_CHECK(!lws_fi_enable(cx, "ntpc.rx.garble"));
    four = stats(cx).rx + 3;
    lws_ntpc_trigger(cx);
    NTPC_CHECK(ntpc_run_until(cx, rx_at_least, &four, 4000));
    NTPC_CHECK(stats(cx).syncs == 1 && clock_calls == 1);
    NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
    lws_context_destroy(cx);
    NTPC_CHECK(lws__heap_in_use() == 0);
}

static void tx(struct ntps *srv, const char *addr)
{
    struct lws_context *cx;
    unsigned int three = 3;
    uint32_t one = 1, req0 = ntps_requests(srv);

    clock_calls = 0;
    fi_log_reset();
    cx = mk(addr, "ntpc.tx");
    NTPC_CHECK(cx);
    NTPC_CHECK(ntpc_run_until(cx, fired_at_least, &three, 4000));
    NTPC_CHECK(fi_logged("inject ntpc.tx"));
    NTPC_CHECK(fi_logged("Network is unreachable"));
    NTPC_CHECK(stats(cx).sent == 0 && ntps_requests(srv) == req0);
    NTPC_CHECK(time_held(cx) && clock_calls == 0);
    fprintf(stderr, "tx: %u sends failed, retried\n", lws_fi_fired(cx, NULL));
    NTPC_CHECK(lws_fi_disable(cx, NULL) == 1);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &one, 4000));
    NTPC_CHECK(clock_calls == 1 && !time_held(cx));
    lws_context_destroy(cx);
    NTPC_CHECK(lws__heap_in_use() == 0);
}

static void clock_set(const char *addr)
{
    struct lws_context *cx;
    uint32_t one = 1, two = 2;

    clock_calls = cb_calls = 0;
    cb_last_status = 0;
    fi_log_reset();
    cx = mk(addr, "ntpc.clock.set(once)");
    NTPC_CHECK(cx);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &one, 4000));
    NTPC_CHECK(fi_logged("inject ntpc.clock.set"));
    NTPC_CHECK(fi_logged("setting the clock failed: -1"));
    NTPC_CHECK(clock_calls == 0);
    NTPC_CHECK(cb_calls == 1 && cb_last_status == -EPERM);
    /* once: the next sync sets the clock */
    lws_ntpc_trigger(cx);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &two, 4000));
    NTPC_CHECK(clock_calls == 1 && cb_calls == 2 && cb_last_status == 0);
    lws_context_destroy(cx);
    NTPC_CHECK(lws__heap_in_use() == 0);
}

/* With every allocation failing (core.alloc), a running client still
 * syncs from a numeric server: its exchanges allocate nothing. */
static void alloc_none(const char *addr)
{
    struct lws_context *cx;
    uint32_t one = 1, more;

    clock_calls = 0;
    cx = mk(addr, NULL);
    NTPC_CHECK(cx);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &one, 4000));
    NTPC_CHECK(!lws_fi_enable(cx, "core.alloc"));
    more = stats(cx).syncs + 3;
    for (int i = 0; i < 30 && stats(cx).syncs < more; i++) {
        lws_ntpc_trigger(cx);
        ntpc_run_until(cx, syncs_at_least, &more, 300);
    }
    NTPC_CHECK(stats(cx).syncs >= more);
    NTPC_CHECK(lws_fi_fired(cx, "core.alloc") == 0);
    fprintf(stderr,
            "core.alloc: %u syncs with every allocation failing, "
            "none attempted\n",
            stats(cx).syncs);
    NTPC_CHECK(lws_fi_disable(cx, NULL) == 1);
    lws_context_destroy(cx);
    NTPC_CHECK(lws__heap_in_use() == 0);
}

int main(void)
{
    struct ntps *srv = ntps_start(1500 * 1000000ll);
    char addr[64];

    NTPC_CHECK(srv);
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntps_port(srv));
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO);
    garble(addr);
    tx(srv, addr);
    clock_set(addr);
    alloc_none(addr);
    ntps_stop(srv);
    fprintf(stderr, "ok\n");
    return 0;
}
