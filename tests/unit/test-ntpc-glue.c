/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client in a real context against an in-process NTP server on
 * loopback: the TIME_VALID policies and the time floor (build time, stamp
 * file and ops), the server sources (creation info, NTP_SERVER blob, DHCP,
 * names through async DNS), the status getter and sync callback, and
 * allocation failures.  The clock is never set: a recording set_clock op
 * stands in for it.
 */
#include "ntpclient/private-ntpc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#if LWS_WITH_SYS_ASYNC_DNS
#include <lws-system/async-dns.h>
#endif
#include <sys/socket.h>
#include <unistd.h>

#include "ntpc-loop.h"
#include "ntpc-server.h"
#include "testutil.h"

#define NS   1000000000ll
#define YEAR (365ll * 86400)
/* A time floor ten years from now (the era maths resolves timestamps
 * within 68 years of the floor, so today is "ten years before it"). */
static int64_t future_floor_s(void)
{
    return lws__wall_usecs() / LWS_US_PER_SEC + 315576000ll;
}

static struct {
    int calls;
    lws_usec_t last_us;
    lws_usec_t wall_at_call;
    int syncs_cb;
    int last_status;
    struct lws_ntpc_status last;
    lws_usec_t max_us; /* the latest time ever handed to the clock */
} rec;

static int rec_set_clock(lws_usec_t us)
{
    rec.calls++;
    rec.last_us = us;
    if (us > rec.max_us)
        rec.max_us = us;
    rec.wall_at_call = lws__wall_usecs();
    return 0;
}

static void rec_sync_cb(struct lws_context *cx, int status,
                        const struct lws_ntpc_status *st, void *user)
{
    (void)cx;
    rec.syncs_cb++;
    rec.last_status = status;
    rec.last = *st;
    if (user)
        (*(int *)user)++;
}

static const lws_system_ops_t rec_ops = {.set_clock = rec_set_clock};

static bool state_at_least(struct lws_context *cx, void *arg)
{
    return lws_system_get_state_manager(cx)->state >= *(int *)arg;
}

static bool syncs_at_least(struct lws_context *cx, void *arg)
{
    struct lws__ntpc_stats st;

    return !lws__ntpc_get_stats(cx, &st) && st.syncs >= *(uint32_t *)arg;
}

static bool verdict_seen(struct lws_context *cx, void *arg)
{
    struct lws__ntpc_stats st;

    return !lws__ntpc_get_stats(cx, &st) && st.verdicts[*(int *)arg] > 0;
}

struct reqs_arg {
    struct ntps *srv;
    uint32_t n;
};

static bool requests_at_least(struct lws_context *cx, void *arg)
{
    struct reqs_arg *ra = arg;

    (void)cx;
    return ntps_requests(ra->srv) >= ra->n;
}

static struct lws_context *mk(const struct lws_ntpc_info *ni,
                              const lws_system_ops_t *ops)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.ntpc = ni;
    info.system_ops = ops;
    return lws_create_context(&info);
}

static void base_info(struct lws_ntpc_info *ni, const char *const *servers)
{
    memset(ni, 0, sizeof(*ni));
    ni->servers = servers;
    ni->reply_timeout_ms = 100;
    ni->retry_min_ms = 30;
    ni->retry_max_ms = 200;
    ni->sync_cb = rec_sync_cb;
}

static int setup(void **state)
{
    (void)state;
    memset(&rec, 0, sizeof(rec));
    return 0;
}

/* ------------------------------------------------------------------------ */

static void test_ntpc_glue_plausible_clock_no_traffic(void **state)
{
    struct lws_context *cx = mk(NULL, NULL);
    struct lws__ntpc_stats st;
    struct lws_ntpc_status s;
    int op = LWS_SYSTATE_OPERATIONAL;

    (void)state;
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 2000));
    assert_int_equal(lws__ntpc_get_stats(cx, &st), 0);
    assert_int_equal(st.sent, 0);
    assert_int_equal(st.dns_lookups, 0);
    assert_int_equal(lws_ntpc_get_status(cx, &s), -EAGAIN);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    assert_int_equal(s.poll_s, 32);
    assert_int_equal(lws_ntpc_get_status(cx, NULL), -EINVAL);
    assert_int_equal(lws_ntpc_get_status(NULL, &s), -EINVAL);
    lws_context_destroy(cx);
}

static void test_ntpc_glue_always_hold_until_sync(void **state)
{
    struct ntps *srv = ntps_start(5 * NS);
    struct lws_ntpc_info ni;
    struct lws_ntpc_status s;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    int op = LWS_SYSTATE_OPERATIONAL, blk = -1, user_count = 0;
    uint32_t two = 2;
    const char *who;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    base_info(&ni, servers);
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.sync_user = &user_count;
    ntps_set_mode(srv, NTPS_SILENT);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    /* Held at TIME_VALID while the server is silent. */
    int tv = LWS_SYSTATE_TIME_VALID - 1;
    assert_true(ntpc_run_until(cx, state_at_least, &tv, 2000));
    struct reqs_arg ra = {srv, ntps_requests(srv) + 3};
    assert_true(ntpc_run_until(cx, requests_at_least, &ra, 3000));
    who = lws_state_blocker(lws_system_get_state_manager(cx), &blk);
    assert_non_null(who);
    assert_string_equal(who, "ntpclient");
    assert_int_equal(blk, LWS_SYSTATE_TIME_VALID);
    assert_int_equal(rec.calls, 0);

    ntps_set_mode(srv, NTPS_GOOD);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 3000));
    assert_int_equal(rec.calls, 1);
    /* set_clock got the server's time: wall + 5 s */
    assert_true(llabs(rec.last_us - (rec.wall_at_call + 5000000)) < 50000);
    assert_int_equal(lws_ntpc_get_status(cx, &s), 0);
    assert_true(llabs(s.offset_us - 5000000) < 50000);
    assert_true(s.delay_us >= 0 && s.delay_us < 50000);
    assert_int_equal(s.stratum, 3);
    assert_int_equal(s.syncs, 1);
    assert_int_equal(ntohs(s.server.sa4.sin_port), ntps_port(srv));
    assert_int_equal(rec.syncs_cb, 1);
    assert_int_equal(user_count, 1);
    assert_int_equal(rec.last_status, 0);

    /* A trigger re-syncs at once. */
    lws_ntpc_trigger(cx);
    assert_int_equal(rec.calls, 1); /* never inside the call */
    assert_true(ntpc_run_until(cx, syncs_at_least, &two, 2000));
    assert_int_equal(rec.calls, 2);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

static void test_ntpc_glue_floor_refuses_then_syncs(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    struct lws_ntpc_status s;
    char sv[64];
    const char *servers[] = {sv, NULL};
    int op = LWS_SYSTATE_OPERATIONAL, v = LWS__NTPC_V_BEFORE_FLOOR;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    base_info(&ni, servers);
    /* Default policy with a floor ten years ahead: today's clock is not
     * plausible, as on a device that booted at 1970. */
    int64_t fl = future_floor_s();
    ni.time_floor_s = fl;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    /* The server says "now", which is before the floor: refused. */
    assert_true(ntpc_run_until(cx, verdict_seen, &v, 3000));
    assert_int_equal(rec.calls, 0);
    assert_true(lws_system_get_state_manager(cx)->state <
                LWS_SYSTATE_TIME_VALID);
    assert_int_equal(lws_ntpc_get_status(cx, &s), -EAGAIN);
    assert_int_equal(s.floor_us, fl * LWS_US_PER_SEC);

    /* A server past the floor is believed and releases the gate. */
    ntps_set_base(srv, (fl + 86400) * NS);
    lws_ntpc_trigger(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 3000));
    assert_int_equal(rec.calls, 1);
    assert_true(llabs(rec.last_us - (fl + 86400) * LWS_US_PER_SEC) <
                2 * LWS_US_PER_SEC);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

static void test_ntpc_glue_never_hold(void **state)
{
    struct lws_ntpc_info ni;
    struct lws__ntpc_stats st;
    struct lws_context *cx;
    int op = LWS_SYSTATE_OPERATIONAL;

    (void)state;
    base_info(&ni, NULL);
    ni.time_floor_s = future_floor_s();
    ni.time_policy = LWS_NTPC_TIME_NEVER_HOLD;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 2000));
    assert_int_equal(lws__ntpc_get_stats(cx, &st), 0);
    assert_int_equal(st.sent + st.dns_lookups, 0);
    lws_context_destroy(cx);

    ni.time_policy = 7;
    assert_null(mk(&ni, &rec_ops));
}

static void test_ntpc_glue_blob_server(void **state)
{
    struct ntps *srv = ntps_start(-3 * NS);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    struct lws_ntpc_status s;
    char sv[64];
    uint32_t one = 1;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d\n", ntps_port(srv));
    base_info(&ni, NULL);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    /* Set after creation, before the loop runs: still used. */
    lws_system_blob_direct_set(
        lws_system_get_blob(cx, LWS_SYSBLOB_TYPE_NTP_SERVER, 0),
        (const uint8_t *)sv, strlen(sv));
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    assert_int_equal(lws_ntpc_get_status(cx, &s), 0);
    assert_true(llabs(s.offset_us + 3000000) < 50000);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

static void test_ntpc_glue_dhcp_and_link(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws__ntpc_stats st;
    struct lws_context *cx;
    uint32_t lo = 0x7f000001, one = 1, two = 2, three = 3;
    int op = LWS_SYSTATE_OPERATIONAL;

    (void)state;
    assert_non_null(srv);
    base_info(&ni, NULL);
    ni.port = (uint16_t)ntps_port(srv);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 2000));
    assert_int_equal(lws__ntpc_get_stats(cx, &st), 0);
    assert_int_equal(st.sent, 0);
    /* A link-up with no server does nothing. */
    lws__ntpc_link_changed(cx, true);

    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth9", &lo, 1), 0);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    /* The same list again changes nothing; a link-up re-syncs. */
    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth9", &lo, 1), 0);
    lws__ntpc_link_changed(cx, false);
    lws__ntpc_link_changed(cx, true);
    assert_true(ntpc_run_until(cx, syncs_at_least, &two, 3000));
    /* A new list re-syncs. */
    uint32_t two_addrs[2] = {0x7f000001, 0x7f000001};
    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth9", two_addrs, 2), 0);
    assert_true(ntpc_run_until(cx, syncs_at_least, &three, 3000));
    assert_int_equal(lws__ntpc_dhcp_servers(cx, NULL, &lo, 1), -EINVAL);
    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth9", NULL, 1), -EINVAL);
    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth9", NULL, 0), 0);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

/* IPv6 NTP servers from the news list (DHCPv6) are used over IPv6; an
 * interface's IPv4 list does not replace its IPv6 one; link-local and
 * non-IPv6 entries are left out. */
static void test_ntpc_glue_ntp6_news(void **state)
{
    struct ntps *srv = ntps_start_af(0, AF_INET6);
    lws_sockaddr46 sa[3];
    struct lws_ntpc_status st;
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    uint32_t none = 0;
    int op = LWS_SYSTATE_OPERATIONAL, one = 1, two = 2;

    (void)state;
    if (!srv) {
        print_message("no IPv6 loopback here: skipped\n");
        skip();
    }
    base_info(&ni, NULL);
    ni.port = (uint16_t)ntps_port(srv);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 2000));
    memset(sa, 0, sizeof(sa));
    sa[0].sa6.sin6_family = AF_INET6; /* fe80::1: left out */
    sa[0].sa6.sin6_addr.s6_addr[0] = 0xfe;
    sa[0].sa6.sin6_addr.s6_addr[1] = 0x80;
    sa[0].sa6.sin6_addr.s6_addr[15] = 1;
    sa[1].sa4.sin_family = AF_INET; /* not IPv6: left out */
    sa[1].sa4.sin_addr.s_addr = htonl(0x7f000001);
    sa[2].sa6.sin6_family = AF_INET6;
    sa[2].sa6.sin6_addr = in6addr_loopback;
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_NTP6_SERVERS,
                                              .iface = "eth9",
                                              .sa46 = sa,
                                              .n = 3});
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    assert_int_equal(lws_ntpc_get_status(cx, &st), 0);
    assert_int_equal(st.server.sa6.sin6_family, AF_INET6);
    assert_memory_equal(&st.server.sa6.sin6_addr, &in6addr_loopback, 16);
    assert_int_equal(ntohs(st.server.sa6.sin6_port), ntps_port(srv));
    /* the interface's (empty) IPv4 list leaves its IPv6 one alone */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_NTP_SERVERS,
                                              .iface = "eth9",
                                              .addrs = &none,
                                              .n = 0});
    lws__ntpc_link_changed(cx, true);
    assert_true(ntpc_run_until(cx, syncs_at_least, &two, 3000));
    assert_int_equal(lws_ntpc_get_status(cx, &st), 0);
    assert_int_equal(st.server.sa6.sin6_family, AF_INET6);
    assert_int_equal(lws__ntpc_dhcp6_servers(cx, "eth9", NULL, 1), -EINVAL);
    assert_int_equal(lws__ntpc_dhcp6_servers(cx, NULL, sa, 1), -EINVAL);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

static lws_usec_t op_stamp;
static int op_saves;

static int stamp_load_op(struct lws_context *cx, lws_usec_t *us)
{
    (void)cx;
    *us = op_stamp;
    return 0;
}

static int stamp_save_op(struct lws_context *cx, lws_usec_t us)
{
    (void)cx;
    op_stamp = us;
    op_saves++;
    return 0;
}

static void test_ntpc_glue_stamp_raises_floor(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_ntpc_status s;
    struct lws_context *cx;
    char dir[256], path[300], sv[64], buf[64];
    const char *servers[] = {sv, NULL};
    uint32_t one = 1;
    int op = LWS_SYSTATE_OPERATIONAL, v = LWS__NTPC_V_BEFORE_FLOOR;

    (void)state;
    assert_non_null(srv);
    assert_int_equal(lt_mkdtemp(dir, sizeof(dir), "ntpc"), 0);
    snprintf(path, sizeof(path), "%s/stamp", dir);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));

    /* A stamp ten years ahead makes today implausible and today's server
     * wrong. */
    int64_t fl = future_floor_s();
    snprintf(buf, sizeof(buf), "%lld\n", (long long)fl);
    assert_int_equal(lt_write_file(path, buf), 0);
    base_info(&ni, servers);
    ni.clock_stamp_path = path;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, verdict_seen, &v, 3000));
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, fl * LWS_US_PER_SEC);
    ntps_set_base(srv, (fl + 1000) * NS);
    lws_ntpc_trigger(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 3000));
    lws_context_destroy(cx);
    /* Saved after the sync and at destroy: the floor + 1000 s or later. */
    assert_true(lt_read_file(path, buf, sizeof(buf)) > 0);
    assert_true(strtoll(buf, NULL, 10) >= fl + 1000);

    /* A garbage stamp is ignored: the build time stays the floor. */
    assert_int_equal(lt_write_file(path, "12x4\n"), 0);
    ntps_set_base(srv, 0);
    memset(&rec, 0, sizeof(rec));
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    lws_context_destroy(cx);

    /* The ops: load raises the floor, save is called after syncs. */
    ni.clock_stamp_path = NULL;
    ni.stamp_load = stamp_load_op;
    ni.stamp_save = stamp_save_op;
    op_stamp = lws__wall_usecs() - 2 * LWS_US_PER_SEC;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, op_stamp > lws__ntpc_build_floor_us()
                                     ? op_stamp
                                     : lws__ntpc_build_floor_us());
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    assert_true(op_saves >= 1);
    assert_true(llabs(op_stamp - lws__wall_usecs()) < LWS_US_PER_SEC);
    lws_context_destroy(cx);
    assert_true(op_saves >= 2);
    lt_rmtree(dir);
    ntps_stop(srv);
}

static void test_ntpc_glue_report_only(void **state)
{
    struct ntps *srv = ntps_start(2 * NS);
    struct lws_ntpc_info ni;
    struct lws_ntpc_status s;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    int op = LWS_SYSTATE_OPERATIONAL;

    (void)state;
    assert_non_null(srv);
    /* An IPv6 server address (v4-mapped, to reach the IPv4 test server):
     * the client's IPv6 socket and source check are used. */
    snprintf(sv, sizeof(sv), "[::ffff:127.0.0.1]:%d", ntps_port(srv));
    base_info(&ni, servers);
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    /* No set_clock op and no built-in setter: only reported, and a
     * validated report still releases TIME_VALID. */
    cx = mk(&ni, NULL);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, state_at_least, &op, 3000));
    assert_int_equal(lws_ntpc_get_status(cx, &s), 0);
    assert_true(llabs(s.offset_us - 2000000) < 50000);
    assert_int_equal(s.server.sa6.sin6_family, AF_INET6);
    assert_int_equal(ntohs(s.server.sa6.sin6_port), ntps_port(srv));
    assert_int_equal(rec.calls, 0);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

#if LWS_WITH_SYS_ASYNC_DNS
static void test_ntpc_glue_name_through_dns(void **state)
{
    struct ntps *srv = ntps_start(NS);
    struct lws_ntpc_info ni;
    struct lws__ntpc_stats st;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    uint32_t one = 1;

    (void)state;
    assert_non_null(srv);
    /* "localhost" is answered by the resolver without the network. */
    snprintf(sv, sizeof(sv), "localhost:%d", ntps_port(srv));
    base_info(&ni, servers);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 5000));
    assert_int_equal(lws__ntpc_get_stats(cx, &st), 0);
    assert_true(st.dns_lookups >= 1);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

/* A DNS "server" on loopback that reads nothing and never answers: its
 * socket, and "127.0.0.1:port" written to @dns. */
static int silent_dns_open(char *dns, size_t len)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(dns, len, "127.0.0.1:%d", ntohs(sa.sin_port));
    return fd;
}

/* A name whose DNS server never answers: the lookup is still in flight when
 * DHCP changes the list (the answer must be dropped safely), and once it
 * times out the client moves on to the next server. */
static void test_ntpc_glue_unresolvable_then_next(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_context_creation_info info;
    struct lws_adns_info ai;
    struct lws_ntpc_info ni;
    struct lws_ntpc_status st;
    struct lws__ntpc_stats sts;
    struct lws_context *cx;
    const char *servers[] = {"ntp.silent.invalid", NULL};
    char dns[64];
    const char *dns_servers[] = {dns, NULL};
    uint32_t lo = 0x7f000001, one = 1;
    int dfd;

    (void)state;
    assert_non_null(srv);
    dfd = silent_dns_open(dns, sizeof(dns));

    memset(&ai, 0, sizeof(ai));
    ai.query_deadline_ms = 300;
    ai.try_timeout_ms = 100;
    ai.hosts_path = "";
    ai.resolv_conf_path = "";
    base_info(&ni, servers);
    ni.port = (uint16_t)ntps_port(srv);
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.adns = &ai;
    info.async_dns_servers = dns_servers;
    info.system_ops = &rec_ops;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    /* Let the first lookup start, then change the list under it. */
    lws_service(cx, 0);
    assert_int_equal(lws__ntpc_dhcp_servers(cx, "eth7", &lo, 1), 0);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 5000));
    assert_int_equal(lws_ntpc_get_status(cx, &st), 0);
    assert_int_equal(ntohs(st.server.sa4.sin_port), ntps_port(srv));
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_true(sts.dns_lookups >= 1);
    lws_context_destroy(cx);

    /* Destroyed with the lookup in flight: its token is freed by the
     * cancelled callback, nothing leaks (ASan). */
    cx = lws_create_context(&info);
    assert_non_null(cx);
    lws_service(cx, 0);
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_int_equal(sts.dns_lookups, 1);
    lws_context_destroy(cx);
    close(dfd);
    ntps_stop(srv);
}
/* A name that cannot be resolved yet (no DNS server known) is looked up
 * again as soon as DNS servers arrive on the news list, not after the
 * backoff; the news is ignored once synced. */
static void test_ntpc_glue_dns_news_resolves_again(void **state)
{
    static const lws_sockaddr46 dns6 = {
        .sa6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT}};
    const char *servers[] = {"time.lws.invalid", NULL};
    struct lws_context_creation_info info;
    struct lws__ntpc_stats sts;
    struct lws_adns_info ai;
    struct lws_ntpc_info ni;
    struct lws_context *cx;

    (void)state;
    memset(&ai, 0, sizeof(ai));
    ai.hosts_path = "";
    ai.resolv_conf_path = "";
    base_info(&ni, servers);
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.adns = &ai;
    info.system_ops = &rec_ops;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    for (int k = 0; k < 20; k++)
        lws_service(cx, -1);
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_int_equal(sts.dns_lookups, 1); /* failed: no server */
    /* no servers in the news: nothing */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                              .iface = "eth9"});
    for (int k = 0; k < 20; k++)
        lws_service(cx, -1);
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_int_equal(sts.dns_lookups, 1);
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                              .iface = "eth9",
                                              .sa46 = &dns6,
                                              .n = 1});
    for (int k = 0; k < 20; k++)
        lws_service(cx, -1);
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_int_equal(sts.dns_lookups, 2);
    lws_context_destroy(cx);
}
#endif

#if LWS_WITH_SYS_ASYNC_DNS
/* DNS servers arriving while the name's lookup waits on a server that
 * never answers: the lookup is dropped and asked again at once (it could
 * use the new servers), not after the old one's timeouts and the backoff
 * (an IPv6-only link's RDNSS servers come while the first try waits). */
static void test_ntpc_glue_dns_news_restarts_lookup(void **state)
{
    static const lws_sockaddr46 dns6 = {
        .sa6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT}};
    const char *servers[] = {"time.lws.invalid", NULL};
    struct lws_context_creation_info info;
    struct lws__ntpc_stats sts;
    struct lws_adns_info ai;
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char dns[64];
    const char *dns_servers[] = {dns, NULL};
    int dfd;

    (void)state;
    dfd = silent_dns_open(dns, sizeof(dns));
    memset(&ai, 0, sizeof(ai));
    ai.hosts_path = "";
    ai.resolv_conf_path = "";
    base_info(&ni, servers);
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.adns = &ai;
    info.async_dns_servers = dns_servers;
    info.system_ops = &rec_ops;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    for (int k = 0; k < 20; k++)
        lws_service(cx, -1);
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_int_equal(sts.dns_lookups, 1); /* waiting on the silent server */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                              .iface = "eth9",
                                              .sa46 = &dns6,
                                              .n = 1});
    for (int k = 0; k < 20; k++)
        lws_service(cx, -1);
    assert_int_equal(lws__ntpc_get_stats(cx, &sts), 0);
    assert_int_equal(sts.dns_lookups, 2); /* asked again, not waited out */
    lws_context_destroy(cx);
    close(dfd);
}
#endif

/* Wall-clock steps (issue 12).  The test's wall clock is the host's plus
 * step_off; its set_clock op moves step_off, as the kernel's clock would
 * move, and the test reports each step as a source of its own must. */
static lws_usec_t step_off;

static lws_usec_t step_wall(void)
{
    return lws__wall_usecs() + step_off;
}

static int step_set_clock(lws_usec_t us)
{
    rec.calls++;
    rec.last_us = us;
    step_off = us - lws__wall_usecs();
    return 0;
}

static bool kicked(struct lws_context *cx)
{
    struct lws__ntpc *n = LWS__HELPER(cx, NTPC);

    return n->kick || n->sul_kick.list.owner;
}

/* Steps the test clock by @by_s (0: only reports the step set_clock just
 * made) and expects a burst and a sync that sets the clock back, or (@by_s
 * 0) nothing at all. */
static void clock_step(struct lws_context *cx, int64_t by_s, uint32_t *syncs)
{
    struct lws__ntpc_stats a, b;
    struct lws_ntpc_status s;
    int calls = rec.calls;

    step_off += by_s * LWS_US_PER_SEC;
    assert_int_equal(lws__ntpc_get_stats(cx, &a), 0);
    lws_wall_clock_stepped(cx);
    if (!by_s) {
        /* Our own step: the clock agrees with the validated time. */
        assert_false(kicked(cx));
        return;
    }
    assert_true(kicked(cx));
    assert_int_equal(rec.calls, calls); /* never inside the call */
    (*syncs)++;
    /* The poll is 15 s away: a sync now is the step's. */
    assert_true(ntpc_run_until(cx, syncs_at_least, syncs, 3000));
    assert_int_equal(lws__ntpc_get_stats(cx, &b), 0);
    assert_true(b.sent - a.sent >= 4); /* a full burst */
    assert_int_equal(rec.calls, calls + 1);
    assert_int_equal(lws_ntpc_get_status(cx, &s), 0);
    assert_true(llabs(s.offset_us + by_s * LWS_US_PER_SEC) < 100000);
    assert_true(llabs(step_off) < 100000); /* set back */
}

static void test_ntpc_glue_clock_step(void **state)
{
    static const lws_system_ops_t ops = {.set_clock = step_set_clock};
    struct ntps *srv = ntps_start(0);
    struct lws_context_creation_info info;
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    uint32_t syncs = 1;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    base_info(&ni, servers);
    ni.poll_min_s = 15;
    step_off = 0;
    memset(&info, 0, sizeof(info));
    info.ntpc = &ni;
    info.system_ops = &ops;
    info.wall_clock = step_wall;
    cx = lws_create_context(&info);
    assert_non_null(cx);
    /* the test's source reports its steps */
    assert_null(((struct lws__ntpc *)LWS__HELPER(cx, NTPC))->clock_wsi);
    assert_true(ntpc_run_until(cx, syncs_at_least, &syncs, 3000));
    clock_step(cx, 0, &syncs);
    clock_step(cx, 5 * 3600, &syncs); /* 5 h forward */
    clock_step(cx, 0, &syncs);
    clock_step(cx, -2 * YEAR, &syncs); /* 2 years back */
    clock_step(cx, 0, &syncs);
    clock_step(cx, 30 * YEAR, &syncs); /* past the horizon */
    clock_step(cx, 0, &syncs);
    lws_context_destroy(cx);
    lws_wall_clock_stepped(NULL); /* a no-op */
    ntps_stop(srv);
}

/* With the host's clock, the client watches its steps once it has synced
 * (the test may not step it: only the watch itself is checked). */
static void test_ntpc_glue_clock_watch(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    uint32_t one = 1;
    int fd = lws__plat_clock_watch_open();
    size_t heap = lws__heap_in_use(); /* a failed test before may leak */

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    base_info(&ni, servers);
    ntps_set_mode(srv, NTPS_SILENT);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    struct reqs_arg ra = {srv, 1};
    assert_true(ntpc_run_until(cx, requests_at_least, &ra, 2000));
    /* No validated time yet: nothing to watch. */
    assert_null(((struct lws__ntpc *)LWS__HELPER(cx, NTPC))->clock_wsi);
    ntps_set_mode(srv, NTPS_GOOD);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    assert_non_null(((struct lws__ntpc *)LWS__HELPER(cx, NTPC))->clock_wsi);
    lws_context_destroy(cx);
    assert_int_equal(lws__heap_in_use(), heap); /* the watch went too */
    ntps_stop(srv);
    assert_true(fd >= 0);
    assert_false(lws__plat_clock_watch_stepped(fd));
    close(fd);
}

static void destroy_in_cb(struct lws_context *cx, int status,
                          const struct lws_ntpc_status *st, void *user)
{
    (void)status, (void)st;
    (*(int *)user)++;
    lws_context_destroy(cx);
}

static void test_ntpc_glue_destroy_from_sync_cb(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    int called = 0;
    long long end = lt_now_ms() + 3000;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    base_info(&ni, servers);
    ni.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD;
    ni.sync_cb = destroy_in_cb;
    ni.sync_user = &called;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    /* The callback destroys the context mid-sync: the client must not
     * touch itself afterwards (ASan would see it). */
    while (!called && lt_now_ms() < end)
        if (lws_service(cx, 0) < 0)
            break;
    assert_int_equal(called, 1);
    assert_int_equal(rec.calls, 1);
    ntps_stop(srv);
}

static void test_ntpc_glue_split_hostport(void **state)
{
    char h[64];
    uint16_t p;

    (void)state;
    assert_int_equal(lws__ntpc_split_hostport("a.b:123", h, sizeof(h), &p), 0);
    assert_string_equal(h, "a.b");
    assert_int_equal(p, 123);
    assert_int_equal(lws__ntpc_split_hostport("1.2.3.4", h, sizeof(h), &p), 0);
    assert_string_equal(h, "1.2.3.4");
    assert_int_equal(p, 0);
    assert_int_equal(lws__ntpc_split_hostport("::1", h, sizeof(h), &p), 0);
    assert_string_equal(h, "::1");
    assert_int_equal(
        lws__ntpc_split_hostport("[fe80::1]:65535", h, sizeof(h), &p), 0);
    assert_string_equal(h, "fe80::1");
    assert_int_equal(p, 65535);
    assert_int_equal(lws__ntpc_split_hostport("[::1]", h, sizeof(h), &p), 0);
    assert_int_equal(p, 0);
    assert_int_equal(lws__ntpc_split_hostport("h:65536", h, sizeof(h), &p),
                     -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("h:0", h, sizeof(h), &p),
                     -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("h:", h, sizeof(h), &p), -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("h:1x", h, sizeof(h), &p),
                     -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("[::1", h, sizeof(h), &p),
                     -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("[::1]x", h, sizeof(h), &p),
                     -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("", h, sizeof(h), &p), -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport(":12", h, sizeof(h), &p),
                     -EINVAL);
    assert_int_equal(lws__ntpc_split_hostport("abcdef", h, 4, &p), -EINVAL);
}

static void test_ntpc_glue_oom(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_context *cx = NULL;
    char sv[64], dir[256], path[300];
    const char *servers[] = {sv, "127.0.0.2", NULL};
    uint32_t one = 1;
    long nth;

    (void)state;
    assert_non_null(srv);
    assert_int_equal(lt_mkdtemp(dir, sizeof(dir), "ntpc"), 0);
    snprintf(path, sizeof(path), "%s/stamp", dir);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    base_info(&ni, servers);
    ni.clock_stamp_path = path;
    /* Fail allocation 1, 2, ... until creation succeeds: each failure is
     * a clean NULL (ASan checks for leaks at exit). */
    for (nth = 1; nth < 500; nth++) {
        lws__alloc_fail_nth(nth);
        cx = mk(&ni, &rec_ops);
        lws__alloc_fail_nth(0);
        if (cx)
            break;
    }
    assert_non_null(cx);
    assert_true(nth > 1);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    lws_context_destroy(cx);

    /* Failures while running (sockets, stamps): no crash, no leak. */
    for (nth = 1; nth < 12; nth++) {
        cx = mk(&ni, &rec_ops);
        assert_non_null(cx);
        lws__alloc_fail_nth(nth);
        ntpc_run_until(cx, syncs_at_least, &one, 300);
        lws__alloc_fail_nth(0);
        lws_context_destroy(cx);
    }
    lt_rmtree(dir);
    ntps_stop(srv);
}

/* ------------------------------------------------------------------------
 * Hostile time (issue 10): one exchange per round, quick re-polls, the
 * stamp through the ops.
 */

static void harden_info(struct lws_ntpc_info *ni, const char *const *servers)
{
    base_info(ni, servers);
    ni->sync_cb = NULL;
    ni->burst = 1;
    ni->stamp_load = stamp_load_op;
    ni->stamp_save = stamp_save_op;
    op_stamp = 0;
}

static lws_usec_t now_us(void)
{
    return lws__wall_usecs();
}

/* Issue 10 item 1: one server fifteen years ahead among three never moves
 * the clock nor the stamp; the two honest ones agree and win. */
static void test_ntpc_harden_hostile_ahead_outvoted(void **state)
{
    struct ntps *bad = ntps_start(15 * YEAR * NS), *g1 = ntps_start(0),
                *g2 = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char s0[64], s1[64], s2[64];
    const char *servers[] = {s0, s1, s2, NULL};
    uint32_t one = 1;

    (void)state;
    assert_non_null(bad);
    assert_non_null(g1);
    assert_non_null(g2);
    snprintf(s0, sizeof(s0), "127.0.0.1:%d", ntps_port(bad));
    snprintf(s1, sizeof(s1), "127.0.0.1:%d", ntps_port(g1));
    snprintf(s2, sizeof(s2), "127.0.0.1:%d", ntps_port(g2));
    harden_info(&ni, servers);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 8000));
    lws_context_destroy(cx);
    /* The clock and the stamp only ever saw "now". */
    assert_true(rec.calls >= 1);
    assert_true(rec.max_us < now_us() + 60 * LWS_US_PER_SEC);
    assert_true(op_stamp > 0);
    assert_true(op_stamp < now_us() + 60 * LWS_US_PER_SEC);
    ntps_stop(bad);
    ntps_stop(g1);
    ntps_stop(g2);
}

/* Issue 10 item 1: a server beyond the horizon is refused even when alone;
 * a lone server ahead within the horizon (a shelved device) is believed. */
static void test_ntpc_harden_horizon(void **state)
{
    struct ntps *srv = ntps_start(30 * YEAR * NS);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, NULL};
    int v = LWS__NTPC_V_BEYOND_HORIZON;
    uint32_t one = 1;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    harden_info(&ni, servers);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, verdict_seen, &v, 3000));
    assert_int_equal(rec.calls, 0);
    lws_context_destroy(cx);
    assert_int_equal(op_stamp, 0);

    /* Alone and three years ahead, inside the horizon: believed. */
    ntps_set_base(srv, (now_us() / LWS_US_PER_SEC + 3 * YEAR) * NS);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    assert_true(rec.last_us > now_us() + 2 * YEAR * LWS_US_PER_SEC);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

/* Two sources naming one address (say an application's server that DHCP
 * also announces) are one server: a forward step beyond max_step from it
 * is believed as from a lone server, not held forever waiting for
 * "another server" to agree. */
static void test_ntpc_harden_same_address_twice(void **state)
{
    struct ntps *srv = ntps_start(0);
    struct lws_ntpc_info ni;
    struct lws_context *cx;
    char sv[64];
    const char *servers[] = {sv, sv, NULL};
    uint32_t one = 1;

    (void)state;
    assert_non_null(srv);
    snprintf(sv, sizeof(sv), "127.0.0.1:%d", ntps_port(srv));
    /* Two hours ahead of this machine's clock (max_step is 1000 s). */
    ntps_set_base(srv, (now_us() / LWS_US_PER_SEC + 7200) * NS);
    harden_info(&ni, servers);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    assert_true(ntpc_run_until(cx, syncs_at_least, &one, 3000));
    assert_true(rec.last_us > now_us() + 7000 * LWS_US_PER_SEC);
    lws_context_destroy(cx);
    ntps_stop(srv);
}

/* Issue 10 items 1 and 4: stamps beyond the horizon (or so large the floor
 * maths would overflow) and absurd configured floors are ignored. */
static void test_ntpc_harden_stamp_ceiling(void **state)
{
    struct lws_ntpc_info ni;
    struct lws_ntpc_status s;
    struct lws_context *cx;
    char dir[256], path[300];
    const char *servers[] = {NULL};

    (void)state;
    assert_int_equal(lt_mkdtemp(dir, sizeof(dir), "ntpch"), 0);
    snprintf(path, sizeof(path), "%s/stamp", dir);
    harden_info(&ni, servers);
    ni.stamp_load = NULL;
    ni.stamp_save = NULL;
    ni.clock_stamp_path = path;
    /* 99999999999 s: accepted by the loader once, then 1e20 ns (UB). */
    assert_int_equal(lt_write_file(path, "99999999999\n"), 0);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    lws_context_destroy(cx);
    /* Thirty years after the build: past the default 20-year horizon. */
    char buf[64];
    snprintf(
        buf, sizeof(buf), "%lld\n",
        (long long)(lws__ntpc_build_floor_us() / LWS_US_PER_SEC + 30 * YEAR));
    assert_int_equal(lt_write_file(path, buf), 0);
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    lws_context_destroy(cx);
    /* The same through the stamp_load op, and a huge configured floor. */
    ni.clock_stamp_path = NULL;
    ni.stamp_load = stamp_load_op;
    op_stamp = INT64_MAX / 2;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    lws_context_destroy(cx);
    ni.stamp_load = NULL;
    ni.time_floor_s = INT64_MAX / 1000;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    lws_context_destroy(cx);
    ni.time_floor_s = -5;
    cx = mk(&ni, &rec_ops);
    assert_non_null(cx);
    lws_ntpc_get_status(cx, &s);
    assert_int_equal(s.floor_us, lws__ntpc_build_floor_us());
    lws_context_destroy(cx);
    lt_rmtree(dir);
}

/* Issue 10, decision: a kiss-o'-death DENY / RSTR (perhaps forged on path)
 * leaves a server out for 1 h, doubling per refusal up to 24 h, not for
 * the context's life. */
static void test_ntpc_harden_kod_readmitted(void **state)
{
    static struct lws__ntpc n; /* only the drop list is used */
    lws_sockaddr46 sa, other;
    const lws_usec_t t0 = 1000 * LWS_US_PER_SEC;
    lws_usec_t t = t0;
    uint32_t want = 3600;

    (void)state;
    memset(&n, 0, sizeof(n));
    assert_int_equal(lws_sa46_parse_numeric(&sa, "192.0.2.1"), 0);
    assert_int_equal(lws_sa46_parse_numeric(&other, "192.0.2.2"), 0);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(lws__ntpc_drop(&n, &sa, t), want);
        assert_true(lws__ntpc_is_dropped(&n, &sa, t));
        assert_true(lws__ntpc_is_dropped(
            &n, &sa, t + (lws_usec_t)want * LWS_US_PER_SEC - 1));
        assert_false(lws__ntpc_is_dropped(
            &n, &sa, t + (lws_usec_t)want * LWS_US_PER_SEC));
        assert_false(lws__ntpc_is_dropped(&n, &other, t));
        t += (lws_usec_t)want * LWS_US_PER_SEC;
        want = want * 2 > 24 * 3600 ? 24 * 3600 : want * 2;
    }
    assert_int_equal(want, 24 * 3600);
    /* A full table still takes a new server (the soonest back is reused). */
    for (int i = 0; i < LWS__NTPC_MAX_DROPPED + 4; i++) {
        char ab[32];

        snprintf(ab, sizeof(ab), "198.51.100.%d", i + 1);
        assert_int_equal(lws_sa46_parse_numeric(&other, ab), 0);
        assert_int_equal(lws__ntpc_drop(&n, &other, t0 + i), 3600);
        assert_true(lws__ntpc_is_dropped(&n, &other, t0 + i));
    }
    lws__free(n.dropped);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ntpc_glue_plausible_clock_no_traffic,
                               setup),
        cmocka_unit_test_setup(test_ntpc_glue_always_hold_until_sync, setup),
        cmocka_unit_test_setup(test_ntpc_glue_floor_refuses_then_syncs, setup),
        cmocka_unit_test_setup(test_ntpc_glue_never_hold, setup),
        cmocka_unit_test_setup(test_ntpc_glue_blob_server, setup),
        cmocka_unit_test_setup(test_ntpc_glue_dhcp_and_link, setup),
        cmocka_unit_test_setup(test_ntpc_glue_ntp6_news, setup),
        cmocka_unit_test_setup(test_ntpc_glue_stamp_raises_floor, setup),
        cmocka_unit_test_setup(test_ntpc_glue_report_only, setup),
#if LWS_WITH_SYS_ASYNC_DNS
        cmocka_unit_test_setup(test_ntpc_glue_name_through_dns, setup),
        cmocka_unit_test_setup(test_ntpc_glue_unresolvable_then_next, setup),
        cmocka_unit_test_setup(test_ntpc_glue_dns_news_resolves_again, setup),
        cmocka_unit_test_setup(test_ntpc_glue_dns_news_restarts_lookup, setup),
#endif
        cmocka_unit_test_setup(test_ntpc_glue_destroy_from_sync_cb, setup),
        cmocka_unit_test(test_ntpc_glue_split_hostport),
        cmocka_unit_test_setup(test_ntpc_glue_clock_step, setup),
        cmocka_unit_test_setup(test_ntpc_glue_clock_watch, setup),
        cmocka_unit_test_setup(test_ntpc_glue_oom, setup),
        cmocka_unit_test_setup(test_ntpc_harden_hostile_ahead_outvoted, setup),
        cmocka_unit_test_setup(test_ntpc_harden_horizon, setup),
        cmocka_unit_test_setup(test_ntpc_harden_same_address_twice, setup),
        cmocka_unit_test_setup(test_ntpc_harden_stamp_ceiling, setup),
        cmocka_unit_test(test_ntpc_harden_kod_readmitted),
    };

    return cmocka_run_group_tests_name("ntpc-glue", tests, NULL, NULL);
}
