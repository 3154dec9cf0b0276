/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * A program written the way lws v5.0 code is written, built against the
 * installed lws-system with only the include changed: system ops with the
 * v4.2-v5.0 members, notifiers naming the v5.0 states, an early smd peer
 * hearing the states from CONTEXT_CREATED, a user smd class registered and
 * unregistered, an overflow of the smd queue, two threads spamming
 * lws_smd_msg_printf() while the loop delivers, an async DNS lookup with
 * the v4.4 pq handle, and the usual `while (!interrupted) lws_service(cx,
 * 50)` loop.  Exit 0 when every check held.
 */
#include <lws-system.h> /* was: #include <libwebsockets.h> */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define LWSSMDCL_USER_TEST (1u << LWSSMDCL_USER_BASE_BITNUM)
#define SPAM_PER_THREAD    2000

static struct lws_context *context;
static volatile int interrupted;
static int failures;
static atomic_int threads_done;
static int user_heard, states_heard;
static int saw_pre_priv_drop, saw_one_time_updates, saw_operational;
static struct lws_smd_peer *user_peer;
static struct lws_adns_q *dns_q;
static int dns_done;

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);       \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static int early_smd_cb(void *opaque, lws_smd_class_t _class,
                        lws_usec_t timestamp, void *buf, size_t len)
{
    (void)opaque, (void)timestamp;
    if (_class == LWSSMDCL_SYSTEM_STATE) {
        if (!states_heard)
            CHECK(len == 27 &&
                  !memcmp(buf, "{\"state\":\"CONTEXT_CREATED\"}", len));
        states_heard++;
    }
    return 0;
}

static int user_smd_cb(void *opaque, lws_smd_class_t _class,
                       lws_usec_t timestamp, void *buf, size_t len)
{
    (void)opaque, (void)timestamp, (void)buf, (void)len;
    CHECK(_class == LWSSMDCL_USER_TEST);
    user_heard++;
    return 0;
}

static void *spam_thread(void *d)
{
    int sent = 0;

    (void)d;
    while (sent < SPAM_PER_THREAD)
        if (!lws_smd_msg_printf(context, LWSSMDCL_USER_TEST,
                                "{\"s\":\"spam\",\"n\":%d}", sent))
            sent++; /* a full queue refuses at once: try again */
    atomic_fetch_add(&threads_done, 1);
    return NULL;
}

static struct lws *dns_cb(struct lws *wsi, const char *ads,
                          const struct addrinfo *result, int n, void *opaque)
{
    (void)ads, (void)opaque;
    CHECK(n == LADNS_RET_FOUND && result);
    CHECK(!dns_q); /* the library clears the handle before calling */
    lws_async_dns_freeaddrinfo(&result);
    dns_done = 1;
    return wsi;
}

static int notifier(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
                    int current, int target)
{
    (void)mgr, (void)link;
    if (current != target)
        return 0;
    switch (target) {
    case LWS_SYSTATE_PRE_PRIV_DROP:
        saw_pre_priv_drop = 1;
        break;
    case LWS_SYSTATE_ONE_TIME_UPDATES:
        saw_one_time_updates = 1;
        break;
    case LWS_SYSTATE_OPERATIONAL:
        saw_operational = 1;
        CHECK(lws_async_dns_query(context, 0, "127.0.0.1", LWS_ADNS_RECORD_A,
                                  dns_cb, NULL, NULL,
                                  &dns_q) == LADNS_RET_CONTINUING);
        CHECK(dns_q != NULL);
        break;
    default:
        break;
    }
    return 0;
}

static int reboot_op(void)
{
    return 0;
}

int main(void)
{
    static const lws_system_ops_t ops = {
        .reboot = reboot_op,
        .metric_report = NULL,
        .jit_trust_query = NULL,
        .stdin_rx = NULL,
        .wake_latency_us = 0,
    };
    static lws_state_notify_link_t nl = {.notify_cb = notifier, .name = "app"};
    static lws_state_notify_link_t *const nls[] = {&nl, NULL};
    struct lws_context_creation_info info;
    pthread_t pts[2];
    int overflowed = 0, accepted = 0;

    memset(&info, 0, sizeof info);
    info.system_ops = &ops;
    info.register_notifier_list = nls;
    info.early_smd_cb = early_smd_cb;
    info.early_smd_opaque = NULL;
    info.early_smd_class_filter = LWSSMDCL_SYSTEM_STATE | LWSSMDCL_NETWORK;
    info.smd_queue_depth = 20;
    info.smd_ttl_us = 10 * LWS_US_PER_SEC;
    info.options = LWS_SERVER_OPTION_CPD_BYPASS;

    context = lws_create_context(&info);
    if (!context) {
        fprintf(stderr, "context creation failed\n");
        return 1;
    }

    user_peer =
        lws_smd_register(context, NULL, 0, LWSSMDCL_USER_TEST, user_smd_cb);
    CHECK(user_peer != NULL);

    /* Overflow: nothing is delivered until the loop runs. */
    for (int n = 0; n < 40; n++) {
        if (lws_smd_msg_printf(context, LWSSMDCL_USER_TEST,
                               "{\"s\":\"overflow\",\"n\":%d}", n))
            overflowed++;
        else
            accepted++;
    }
    CHECK(overflowed > 0);
    CHECK(accepted > 0 && accepted <= 20);

    for (int n = 0; n < 2; n++)
        CHECK(!pthread_create(&pts[n], NULL, spam_thread, NULL));

    while (!interrupted && lws_service(context, 50) >= 0)
        if (atomic_load(&threads_done) == 2 &&
            user_heard >= accepted + 2 * SPAM_PER_THREAD && saw_operational &&
            dns_done)
            interrupted = 1;

    for (int n = 0; n < 2; n++)
        pthread_join(pts[n], NULL);

    CHECK(user_heard == accepted + 2 * SPAM_PER_THREAD);
    CHECK(saw_pre_priv_drop && saw_one_time_updates && saw_operational);
    CHECK(states_heard >= LWS_SYSTATE_OPERATIONAL); /* CREATED..OPERATIONAL */
    CHECK(dns_done);

    lws_smd_unregister(user_peer);
    CHECK(!lws_smd_msg_printf(context, LWSSMDCL_USER_TEST, "{\"late\":1}"));
    lws_context_destroy(context);

    printf("lws v5.0-style program: %s (%d user messages, %d refused at "
           "overflow, %d states)\n",
           failures ? "FAILED" : "OK", user_heard, overflowed, states_heard);
    return failures ? 1 : 0;
}
