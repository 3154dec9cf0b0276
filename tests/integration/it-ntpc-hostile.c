/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client against a hostile NTP server of our own on loopback:
 * wrong origin, kiss-o'-death RATE, LI=3, stratum 0 and 16, zero transmit,
 * a short packet, a reply from another port, client mode, and a time ten
 * years off with a bad root distance.  None may move the clock or, under
 * the always-hold policy, let TIME_VALID pass; a good reply afterwards
 * still syncs.  DENY and RSTR drop their server for the next one.
 */
#include "ntpclient/private-ntpc.h"

#include <stdio.h>
#include <stdlib.h>

#include "ntpc-loop.h"
#include "ntpc-server.h"
#include "testutil.h"

#define NS 1000000000ll

static int clock_calls;

static int rec_set_clock(lws_usec_t us)
{
    (void)us;
    clock_calls++;
    return 0;
}

static const lws_system_ops_t ops = {.set_clock = rec_set_clock};

static struct lws__ntpc_stats stats(struct lws_context *cx)
{
    struct lws__ntpc_stats st;

    NTPC_CHECK(!lws__ntpc_get_stats(cx, &st));
    return st;
}

struct vwait {
    int verdict;
    uint32_t at_least;
};

static bool verdict_count(struct lws_context *cx, void *arg)
{
    struct vwait *w = arg;

    return stats(cx).verdicts[w->verdict] >= w->at_least;
}

static bool syncs_at_least(struct lws_context *cx, void *arg)
{
    return stats(cx).syncs >= *(uint32_t *)arg;
}

static bool switches_at_least(struct lws_context *cx, void *arg)
{
    return stats(cx).server_switches >= *(uint32_t *)arg;
}

static struct lws_context *mk(const char *const *servers)
{
    static struct lws_ntpc_info ni;
    struct lws_context_creation_info info;

    memset(&ni, 0, sizeof(ni));
    ni.servers = servers;
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.reply_timeout_ms = 100;
    ni.retry_min_ms = 30;
    ni.retry_max_ms = 200;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.system_ops = &ops;
    return lws_create_context(&info);
}

static const struct {
    enum ntps_mode mode;
    int verdict;
} hostile[] = {
    {NTPS_WRONG_ORIGIN, LWS__NTPC_V_ORIGIN},
    {NTPS_KOD_RATE, LWS__NTPC_V_KOD_RATE},
    {NTPS_LEAP3, LWS__NTPC_V_LEAP},
    {NTPS_STRATUM0, LWS__NTPC_V_KOD_OTHER},
    {NTPS_STRATUM16, LWS__NTPC_V_STRATUM},
    {NTPS_ZERO_XMT, LWS__NTPC_V_ZERO_XMT},
    {NTPS_SHORT, LWS__NTPC_V_SHORT},
    {NTPS_OTHER_PORT, LWS__NTPC_V_SOURCE},
    {NTPS_TEN_YEARS, LWS__NTPC_V_ROOT_DIST},
    {NTPS_MODE3, LWS__NTPC_V_MODE},
};

static void hostile_then_good(void)
{
    struct ntps *srv = ntps_start(1500 * 1000000ll);
    struct lws_context *cx;
    struct lws_ntpc_status st;
    char sv[64];
    const char *const servers[] = {sv, NULL};
    const char *who;
    uint32_t one = 1;
    int step = -1;

    NTPC_CHECK(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    ntps_set_mode(srv, NTPS_SILENT);
    cx = mk(servers);
    NTPC_CHECK(cx);
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        struct vwait w = {hostile[i].verdict,
                          stats(cx).verdicts[hostile[i].verdict] + 2};

        ntps_set_mode(srv, hostile[i].mode);
        lws_ntpc_trigger(cx);
        /* Seen and refused twice (the RATE kiss ends its round: once). */
        if (hostile[i].mode == NTPS_KOD_RATE)
            w.at_least--;
        NTPC_CHECK(ntpc_run_until(cx, verdict_count, &w, 4000));
        fprintf(stderr, "%-12s refused as %s\n",
                ntps_mode_name(hostile[i].mode),
                lws__ntpc_verdict_name(hostile[i].verdict));
        NTPC_CHECK(clock_calls == 0);
        NTPC_CHECK(stats(cx).syncs == 0);
        who = lws_state_blocker(lws_system_get_state_manager(cx), &step);
        NTPC_CHECK(who && !strcmp(who, "ntpclient"));
        NTPC_CHECK(step == LWS_SYSTATE_TIME_VALID);
    }
    NTPC_CHECK(lws_ntpc_get_status(cx, &st) == -EAGAIN);

    /* A good reply (with an extension field) still syncs. */
    ntps_set_mode(srv, NTPS_WITH_EXT);
    lws_ntpc_trigger(cx);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    NTPC_CHECK(clock_calls == 1);
    NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
    NTPC_CHECK(llabs(st.offset_us - 1500000) < 50000);
    NTPC_CHECK(
        lws_state_blocker(lws_system_get_state_manager(cx), NULL) == NULL ||
        lws_system_get_state_manager(cx)->state > LWS_SYSTATE_TIME_VALID);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

/* DENY / RSTR: that server is dropped and the next one used. */
static void kod_drops(enum ntps_mode mode)
{
    struct ntps *bad = ntps_start(0), *good = ntps_start(700 * 1000000ll);
    struct lws_context *cx;
    struct lws_ntpc_status st;
    char s1[64], s2[64];
    const char *const servers[] = {s1, s2, NULL};
    uint32_t one = 1, two = 2, bad_reqs;

    NTPC_CHECK(bad && good);
    ntps_set_mode(bad, mode);
    snprintf(s1, sizeof(s1), "127.0.0.1:%d", ntps_port(bad));
    snprintf(s2, sizeof(s2), "127.0.0.1:%d", ntps_port(good));
    clock_calls = 0;
    cx = mk(servers);
    NTPC_CHECK(cx);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
    NTPC_CHECK(ntohs(st.server.sa4.sin_port) == ntps_port(good));
    NTPC_CHECK(llabs(st.offset_us - 700000) < 50000);
    NTPC_CHECK(ntps_requests(bad) == 1);
    NTPC_CHECK(
        stats(cx).verdicts[mode == NTPS_KOD_DENY ? LWS__NTPC_V_KOD_DENY
                                                 : LWS__NTPC_V_KOD_RSTR] == 1);
    /* Even when the good one fails and the list wraps, the dropped
     * server is never asked again. */
    ntps_set_mode(good, NTPS_SILENT);
    bad_reqs = ntps_requests(bad);
    lws_ntpc_trigger(cx);
    uint32_t sw = stats(cx).server_switches + 2;
    NTPC_CHECK(ntpc_run_until(cx, switches_at_least, &sw, 3000));
    NTPC_CHECK(ntps_requests(bad) == bad_reqs);
    ntps_set_mode(good, NTPS_GOOD);
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &two, 3000));
    NTPC_CHECK(ntps_requests(bad) == bad_reqs);
    fprintf(stderr, "%s: server dropped, next one used\n",
            ntps_mode_name(mode));
    lws_context_destroy(cx);
    ntps_stop(bad);
    ntps_stop(good);
}

int main(void)
{
    hostile_then_good();
    kod_drops(NTPS_KOD_DENY);
    kod_drops(NTPS_KOD_RSTR);
    fprintf(stderr, "ok\n");
    return 0;
}
