/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client against a real chronyd started by the test in a network
 * namespace of its own: the first sync releases TIME_VALID (always-hold
 * policy), the offset agrees with a reference client's (ntpdig, or chronyd
 * -Q) against the same server, with the server down the client backs off
 * and retries until the server is back and it syncs again, and (with
 * libfaketime) a server whose clock is 2.5 s ahead is measured as such.  The
 * clock is never set: a recording set_clock op stands in for it.
 */
#include "ntpclient/private-ntpc.h"

#include <stdio.h>
#include <stdlib.h>

#include "ntpc-chrony.h"
#include "ntpc-loop.h"
#include "testutil.h"

static int clock_calls;
static lws_usec_t clock_last_us, clock_wall_at;

static int rec_set_clock(lws_usec_t us)
{
    clock_calls++;
    clock_last_us = us;
    clock_wall_at = lws__wall_usecs();
    return 0;
}

static struct lws__ntpc_stats stats(struct lws_context *cx)
{
    struct lws__ntpc_stats st;

    NTPC_CHECK(!lws__ntpc_get_stats(cx, &st));
    return st;
}

static bool operational(struct lws_context *cx, void *arg)
{
    (void)arg;
    return lws_system_get_state_manager(cx)->state >= LWS_SYSTATE_OPERATIONAL;
}

static bool syncs_at_least(struct lws_context *cx, void *arg)
{
    return stats(cx).syncs >= *(uint32_t *)arg;
}

static bool switches_at_least(struct lws_context *cx, void *arg)
{
    return stats(cx).server_switches >= *(uint32_t *)arg;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

#define ROUNDS 7

int main(void)
{
    static const lws_system_ops_t ops = {.set_clock = rec_set_clock};
    static const char *const servers[] = {"127.0.0.1", NULL};
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    struct lws_ntpc_status st;
    static struct ntpc_chrony ch; /* its cleanup runs at exit */
    struct lws_context *cx;
    int64_t ours[ROUNDS], ref[ROUNDS], dly[ROUNDS], span[ROUNDS], diff, bound;
    uint32_t want;
    int r;

    r = ntpc_chrony_setup(&ch);
    if (r)
        return r == LT_SKIP ? LT_SKIP : 1;
    NTPC_CHECK(!ntpc_chrony_start(&ch));

    memset(&ni, 0, sizeof(ni));
    ni.servers = servers;
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.reply_timeout_ms = 200;
    ni.retry_min_ms = 100;
    ni.retry_max_ms = 800;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.system_ops = &ops;
    cx = lws_create_context(&info);
    NTPC_CHECK(cx);

    /* 1. First sync: a burst, then TIME_VALID passes. */
    NTPC_CHECK(ntpc_run_until(cx, operational, NULL, 5000));
    NTPC_CHECK(clock_calls == 1);
    NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
    NTPC_CHECK(st.stratum == 10);
    NTPC_CHECK(ntohs(st.server.sa4.sin_port) == 123);
    /* chronyd serves this machine's own clock, so the true offset is 0 and
     * the error of a sample is bounded by half its round trip. */
    NTPC_CHECK(llabs(st.offset_us) <= st.delay_us / 2 + 500);
    NTPC_CHECK(llabs(clock_last_us - clock_wall_at) < 20000);
    NTPC_CHECK(stats(cx).sent >= 4);
    fprintf(stderr, "first sync: offset %lld us, delay %lld us\n",
            (long long)st.offset_us, (long long)st.delay_us);

    /* 2. Offset agreement with the reference client, medians. */
    for (int i = 0; i < ROUNDS; i++) {
        want = stats(cx).syncs + 1;
        lws_ntpc_trigger(cx);
        NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &want, 3000));
        NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
        ours[i] = st.offset_us;
        dly[i] = st.delay_us;
        NTPC_CHECK(!ntpc_ref_offset_us(&ch, &ref[i], &span[i]));
    }
    qsort(ours, ROUNDS, sizeof(ours[0]), cmp64);
    qsort(ref, ROUNDS, sizeof(ref[0]), cmp64);
    qsort(dly, ROUNDS, sizeof(dly[0]), cmp64);
    qsort(span, ROUNDS, sizeof(span[0]), cmp64);
    diff = ours[ROUNDS / 2] - ref[ROUNDS / 2];
    /* Each client is within half its round trip of the truth (for the
     * reference, half the time it ran); the bench holds the 200 us target,
     * here under sanitizers and a loaded machine 5 ms on top of the two
     * error bars still catches any scaling or formula error. */
    bound = 5000 + dly[ROUNDS - 1] / 2 + span[ROUNDS - 1] / 2;
    fprintf(stderr,
            "median offset: ours %lld us, reference %lld us (bound %lld)\n",
            (long long)ours[ROUNDS / 2], (long long)ref[ROUNDS / 2],
            (long long)bound);
    NTPC_CHECK(llabs(diff) < bound);

    /* 3. Server down: the client times out, backs off, retries. */
    ntpc_chrony_stop(&ch);
    uint32_t syncs = stats(cx).syncs, sent = stats(cx).sent;
    want = stats(cx).server_switches + 3;
    lws_ntpc_trigger(cx);
    NTPC_CHECK(ntpc_run_until(cx, switches_at_least, &want, 8000));
    NTPC_CHECK(stats(cx).syncs == syncs);
    NTPC_CHECK(stats(cx).sent >= sent + 6);
    NTPC_CHECK(lws_system_get_state_manager(cx)->state ==
               LWS_SYSTATE_OPERATIONAL);

    /* 4. Server back: the next retry syncs. */
    NTPC_CHECK(!ntpc_chrony_start(&ch));
    want = syncs + 1;
    NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &want, 5000));
    NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
    NTPC_CHECK(llabs(st.offset_us) <= st.delay_us / 2 + 500);

    /* 5. A server 2.5 s ahead (chronyd under libfaketime, when
     * installed): both clients must see +2.5 s and agree. */
    ntpc_chrony_stop(&ch);
    r = ntpc_chrony_start_shifted(&ch, "+2.5");
    if (r == LT_SKIP)
        fprintf(stderr, "libfaketime not installed: shifted server check "
                        "skipped\n");
    else {
        NTPC_CHECK(!r);
        want = stats(cx).syncs + 1;
        lws_ntpc_trigger(cx);
        NTPC_CHECK(ntpc_run_until(cx, syncs_at_least, &want, 5000));
        NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
        NTPC_CHECK(llabs(st.offset_us - 2500000) <= st.delay_us / 2 + 500);
        NTPC_CHECK(!ntpc_ref_offset_us(&ch, &ref[0], &span[0]));
        bound = 5000 + st.delay_us / 2 + span[0] / 2;
        fprintf(stderr,
                "shifted server: ours %lld us, reference %lld us (bound "
                "%lld)\n",
                (long long)st.offset_us, (long long)ref[0], (long long)bound);
        NTPC_CHECK(llabs(st.offset_us - ref[0]) < bound);
    }

    lws_context_destroy(cx);
    fprintf(stderr, "ok\n");
    return 0;
}
