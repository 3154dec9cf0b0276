/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's lws_smd messages, heard by a NETWORK peer: a validated
 * sync from an in-process NTP server on loopback, then the loss of sync
 * once that server falls silent (once, however many rounds fail; the
 * status says lost, the state stays), and its return when the server
 * answers again.  The clock is never set (a recording set_clock op).
 */
#include <lws-system.h>

#include <stdio.h>
#include <string.h>

#include "ntpc-loop.h"
#include "ntpc-server.h"

static char heard[4096];
static int clock_calls;

static int record_clock(lws_usec_t us)
{
    (void)us;
    clock_calls++;
    return 0;
}

static int net_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                  size_t len)
{
    size_t used = strlen(heard);

    (void)opaque, (void)cls, (void)ts;
    if (used + len + 2 < sizeof(heard))
        snprintf(heard + used, sizeof(heard) - used, "%.*s\n", (int)len,
                 (const char *)buf);
    return 0;
}

static bool heard_it(struct lws_context *cx, void *arg)
{
    (void)cx;
    return strstr(heard, arg) != NULL;
}

int main(void)
{
    static const lws_system_ops_t ops = {.set_clock = record_clock};
    struct ntps *srv = ntps_start(0);
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char sv[64];
    const char *const servers[] = {sv, NULL};

    if (!LWS_WITH_SYS_NTPCLIENT || !LWS_WITH_SYS_SMD)
        return 77;
    NTPC_CHECK(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    memset(&ni, 0, sizeof(ni));
    ni.servers = servers;
    ni.reply_timeout_ms = 100;
    ni.retry_min_ms = 30;
    ni.retry_max_ms = 200;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.system_ops = &ops;
    info.early_smd_cb = net_cb;
    info.early_smd_class_filter = LWSSMDCL_NETWORK;
    cx = lws_create_context(&info);
    NTPC_CHECK(cx);
    NTPC_CHECK(ntpc_run_until(cx, heard_it,
                              "{\"type\":\"ntp\",\"state\":\"synced\","
                              "\"offset_us\":",
                              5000));
    ntps_set_mode(srv, NTPS_SILENT);
    lws_ntpc_trigger(cx);
    NTPC_CHECK(ntpc_run_until(cx, heard_it,
                              "{\"type\":\"ntp\",\"state\":\"lost\"}", 10000));
    {
        struct lws_ntpc_status st;
        const char *first;

        NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
        NTPC_CHECK(st.lost && st.losses == 1 && st.lost_since_us > 0);
        NTPC_CHECK(lws_system_get_state_manager(cx)->state ==
                   LWS_SYSTATE_OPERATIONAL);
        ntps_set_mode(srv, NTPS_GOOD);
        NTPC_CHECK(ntpc_run_until(cx, heard_it,
                                  "{\"type\":\"ntp\",\"state\":\"back\","
                                  "\"lost_ms\":",
                                  10000));
        NTPC_CHECK(!lws_ntpc_get_status(cx, &st));
        NTPC_CHECK(!st.lost && st.losses == 1 && st.lost_since_us == 0);
        /* One "lost" for the whole outage, however many rounds failed. */
        first = strstr(heard, "\"lost\"}");
        NTPC_CHECK(first && !strstr(first + 1, "\"lost\"}"));
    }
    lws_context_destroy(cx);
    ntps_stop(srv);
    fprintf(stderr, "heard:\n%s", heard);
    return 0;
}
