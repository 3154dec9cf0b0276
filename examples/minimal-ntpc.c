/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * minimal-ntpc: sync once with an SNTP server and print what the client
 * learned.  The system state machine is held at TIME_VALID until the sync
 * validates (always-hold policy); an attach callback gated on OPERATIONAL
 * shows that the rest of the device may start then.
 *
 *   minimal-ntpc [-p PORT] [-t SECONDS] [-s] [SERVER ...]
 *
 * SERVER is a name or a numeric address, optionally with ":port"; with
 * none, the NTP_SERVER blob / DHCP / pool.ntp.org order applies.  -s sets
 * the system clock with the built-in Linux setter (needs CAP_SYS_TIME);
 * without it the time is only reported.
 */
#include <lws-system.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int done, failed;

static void on_sync(struct lws_context *cx, int status,
                    const struct lws_ntpc_status *st, void *user)
{
    char addr[64];

    (void)cx, (void)user;
    if (lws_sa46_write_numeric_address(&st->server, addr, sizeof(addr)) < 0)
        strcpy(addr, "?");
    printf("synced from %s port %u, stratum %d\n", addr,
           ntohs(st->server.sa4.sin_port), st->stratum);
    printf("  offset %+lld us, round trip %lld us, next poll in %u s\n",
           (long long)st->offset_us, (long long)st->delay_us, st->poll_s);
    if (status)
        printf("  setting the clock failed: %s\n", strerror(-status));
}

static void on_operational(struct lws_context *cx, int tsi, void *opaque)
{
    (void)cx, (void)tsi, (void)opaque;
    printf("system state OPERATIONAL: time is valid\n");
    done = 1;
}

static lws_sorted_usec_list_t sul_timeout;

static void on_timeout(lws_sorted_usec_list_t *sul)
{
    (void)sul;
    fprintf(stderr, "no validated sync in time\n");
    failed = done = 1;
}

int main(int argc, char **argv)
{
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    const char *servers[16];
    int ns = 0, timeout_s = 10;

    memset(&ni, 0, sizeof(ni));
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc)
            ni.port = (uint16_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            timeout_s = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-s"))
            ni.flags |= LWS_NTPC_FLAG_SET_CLOCK_LINUX;
        else if (argv[i][0] == '-') {
            fprintf(stderr,
                    "usage: %s [-p PORT] [-t SECONDS] [-s] "
                    "[SERVER ...]\n",
                    argv[0]);
            return 2;
        } else if (ns < 15)
            servers[ns++] = argv[i];
    }
    servers[ns] = NULL;
    ni.servers = ns ? servers : NULL;
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.sync_cb = on_sync;

    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    cx = lws_create_context(&info);
    if (!cx)
        return 1;
    /* Runs on the loop thread once the state machine is OPERATIONAL. */
    lws_system_get_ops(cx)->attach(cx, 0, on_operational,
                                   LWS_SYSTATE_OPERATIONAL, NULL, NULL);
    lws_sul_schedule(cx, 0, &sul_timeout, on_timeout,
                     (lws_usec_t)timeout_s * LWS_US_PER_SEC);
    while (!done && lws_service(cx, 0) >= 0)
        ;
    lws_sul_cancel(&sul_timeout);
    lws_context_destroy(cx);
    return failed;
}
