/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * SNTP client glue: the "lws-ntpclient" protocol on the system vhost.  It
 * owns the UDP socket (a wsi) and the core's timer, carries out the core's
 * actions, applies validated time to the clock, keeps the time floor and
 * its stamp, holds LWS_SYSTATE_TIME_VALID per policy, and takes the DHCP
 * and link hooks.  The server list is in ntpc-servers.c.
 */
#define LWS_LOGMOD ntpc
#include "private-ntpc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define NTPC_PROTO    "lws-ntpclient"
#define NTPC_RX_BURST 16

#ifndef LWS_NTPC_BUILD_EPOCH
#define LWS_NTPC_BUILD_EPOCH 1767225600 /* 2026-01-01, if CMake gave none */
#endif

static void core_timer_cb(lws_sorted_usec_list_t *sul);

lws_usec_t lws__ntpc_build_floor_us(void)
{
    return (lws_usec_t)LWS_NTPC_BUILD_EPOCH * LWS_US_PER_SEC;
}

/* Thousandths (ns to us, us to ms) and seconds of a 64-bit count: one
 * 64-bit division each, out of line (on 32-bit targets a library call). */
static __attribute__((noinline)) int64_t div1000(int64_t v)
{
    return v / 1000;
}

static __attribute__((noinline)) long long secs_of(lws_usec_t us)
{
    return (long long)(us / LWS_US_PER_SEC);
}

/* Out of line: called from many places (noinline is smaller). */
static __attribute__((noinline)) struct lws__ntpc *
ntpc_get(struct lws_context *cx)
{
    return cx ? (struct lws__ntpc *)LWS__HELPER(cx, NTPC) : NULL;
}

static uint32_t ntpc_rand(void *opaque)
{
    return lws__random_u32((struct lws_context *)opaque);
}

/* ------------------------------------------------------------------------
 * Socket
 */

static int ntpc_socket(struct lws__ntpc *n, int family)
{
    int fd;

    if (n->wsi && n->wsi_family == family)
        return 0;
    if (n->wsi) {
        lws_wsi_close(n->wsi);
        n->wsi = NULL;
    }
    /* Not connected: we check the source of each reply ourselves, and
     * the kernel picks a random ephemeral source port. */
    fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        int e = errno;

        lwsl_err("socket: %s", strerror(e));
        return -e;
    }
    n->wsi = lws__wsi_adopt(n->vh, NTPC_PROTO, fd,
                            LWS__WSI_UDP | LWS__WSI_RX_NOTIFY, n);
    if (!n->wsi)
        return -ENOMEM;
    n->wsi_family = family;
    return 0;
}

static void ntpc_send(struct lws__ntpc *n, const struct lws__ntpc_out *a)
{
    const lws_sockaddr46 *sa = &n->core.server;
    socklen_t sl =
        sa->sa4.sin_family == AF_INET6 ? sizeof(sa->sa6) : sizeof(sa->sa4);
    char ab[64];

    if (ntpc_socket(n, sa->sa4.sin_family))
        return; /* the reply timeout will move on */
    if (LWS__FI_OR(n->cx, "ntpc.tx", (errno = ENETUNREACH, -1),
                   sendto(lws_get_socket_fd(n->wsi), a->pkt, a->pkt_len, 0,
                          (const struct sockaddr *)sa, sl)) < 0) {
        lwsl_info("send to %s: %s", lws__ntpc_sa46_str(sa, ab, sizeof(ab)),
                  strerror(errno));
        return;
    }
    n->stats.sent++;
}

/* ------------------------------------------------------------------------
 * Applying a validated sample
 */

static __attribute__((noinline)) lws_usec_t
true_now_us(const struct lws__ntpc *n)
{
    return n->st.last_sync_wall_us +
           (lws_now_usecs() - n->st.last_sync_mono_us);
}

/* Returns false when the stamp_save op destroyed the context. */
static bool stamp_save(struct lws__ntpc *n)
{
    struct lws_context *cx = n->cx;
    lws_usec_t now;
    int r;

    if (!n->synced)
        return true; /* only a validated time may raise the floor */
    now = true_now_us(n);
    if (n->stamp_path) {
        r = lws__ntpc_stamp_file_save(n->stamp_path, now);
        if (r)
            lwsl_warn("saving stamp (%s): %d", n->stamp_path, r);
    }
    if (n->stamp_save) {
        r = n->stamp_save(cx, now);
        if (lws__cx_gone(cx))
            return false;
        if (r)
            lwsl_warn("saving stamp (%s): %d", "op", r);
    }
    return true;
}

static void stamp_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__ntpc *n = lws_container_of(sul, struct lws__ntpc, sul_stamp);

    if (!stamp_save(n))
        return;
    lws_sul_schedule(n->cx, 0, &n->sul_stamp, stamp_cb,
                     (lws_usec_t)n->stamp_interval_s * LWS_US_PER_SEC);
}

static __attribute__((noinline)) int
apply_clock(struct lws__ntpc *n, const struct lws__ntpc_sample *s)
{
    const lws_system_ops_t *ops = lws_system_get_ops(n->cx);
    /* Project the server's time to now along the monotonic clock. */
    lws_usec_t us =
        div1000(s->true_at_rx_ns) + (lws_now_usecs() - s->mono_rx_us);
    int r;

    if (LWS__FI(n->cx, "ntpc.clock.set"))
        return -EPERM;
    if (ops && ops->set_clock) {
        r = ops->set_clock(us);
        return r < 0 ? r : (r ? -EIO : 0);
    }
    if (n->flags & LWS_NTPC_FLAG_SET_CLOCK_LINUX)
        return lws__plat_set_clock(us);
    return 0; /* report only */
}

static void update_status(struct lws__ntpc *n, const struct lws__ntpc_sample *s)
{
    n->st.last_sync_wall_us = div1000(s->true_at_rx_ns);
    n->st.last_sync_mono_us = s->mono_rx_us;
    n->st.offset_us = div1000(s->offset_ns);
    n->st.delay_us = div1000(s->delay_ns);
    n->st.server = n->core.server;
    n->st.stratum = s->stratum;
    n->st.poll_s = n->core.poll_s;
    n->st.syncs++;
    n->stats.syncs++;
    n->synced = true;
    if (n->st.lost) {
        long long ms = div1000(lws_now_usecs() - n->st.lost_since_us);

        lwsl_notice("time source back after %lld ms", ms);
        lws__smd_publish(n->cx, LWSSMDCL_NETWORK,
                         "{\"type\":\"ntp\",\"state\":\"back\","
                         "\"lost_ms\":%lld}",
                         ms);
        n->st.lost = 0;
        n->st.lost_since_us = 0;
    }
    lws__time_sync_set(n->cx, n->st.last_sync_wall_us, n->st.last_sync_mono_us);
}

static int64_t abs_us(int64_t v)
{
    return v < 0 ? -v : v;
}

/* More than one address could answer: a large step can be cross-checked. */
static bool ntpc_several_sources(const struct lws__ntpc *n)
{
    return n->n_src > 1 || n->n_addrs > 1;
}

/*
 * Decides whether a validated sample may be believed (issue: one hostile
 * reply must not move the clock, nor through the stamp the next start's
 * floor).  A step of at most max_step from the last trusted time is taken
 * from one source.  A larger one needs a second server to agree within the
 * two samples' error when more than one address is known, and must be
 * forward when the server is the only one.  Until then the sample is kept
 * as a candidate and the next server asked.  Returns true to apply it.
 * Out of line: smaller than inlined into on_synced().
 */
static __attribute__((noinline)) bool
step_trusted(struct lws__ntpc *n, const struct lws__ntpc_sample *s)
{
    lws_usec_t mono = lws_now_usecs(), ref;
    int64_t at = div1000(s->true_at_rx_ns) + (mono - s->mono_rx_us);
    int64_t tol =
        div1000(s->root_dist_ns) + div1000(s->delay_ns) + LWS_US_PER_SEC / 2;
    const char *verdict;
    bool ok = false, same = n->have_cand &&
                            lws__sa46_equal(&n->cand_server, &n->core.server);
    char ab[64];

    if (n->synced)
        ref = true_now_us(n);
    else if ((ref = lws__cx_wall_usecs(n->cx)) < n->floor_us)
        ref = n->floor_us;
    if (abs_us(at - ref) <= n->max_step_us)
        goto trusted;
    if (!ntpc_several_sources(n)) {
        if (at > ref)
            return true; /* the only source, forward, inside the horizon */
        verdict = "back, lone server: refused";
    } else if (n->have_cand && !same &&
               abs_us(n->cand_base_us + mono - at) <= n->cand_tol_us + tol) {
        verdict = "agreed: believed";
        ok = true;
    } else if (same && n->cand_alone && n->n_src > 1 && n->n_addrs <= 1 &&
               n->cand_tries >= n->n_src && at > ref) {
        /* Every source, each of one address, answered from this same
         * address (an application's server that DHCP announces too): a
         * lone server, believed forward as above.  A name with several
         * addresses still needs a second one to agree. */
        verdict = "sole server, forward: ok";
        ok = true;
    } else {
        n->cand_alone = !n->have_cand || (n->cand_alone && same);
        verdict = "awaiting a 2nd server";
        n->cand_server = n->core.server;
        n->cand_base_us = at - mono;
        n->cand_tol_us = tol;
        n->have_cand = true;
    }
    LWS__LOGX(ok ? LLL_NOTICE : LLL_WARN, "%s: step of %lld s %s",
              lws__ntpc_sa46_str(&n->core.server, ab, sizeof(ab)),
              secs_of(at - ref), verdict);
    if (!ok)
        return false;
trusted:
    n->have_cand = false;
    n->cand_tries = 0;
    return true;
}

/* Once there is a validated time to keep, and with the plat's wall clock
 * (no info.wall_clock: such a source reports its own steps), watch the
 * clock for steps on the loop (a wsi: nothing runs until one).  Before the
 * first sync no watch is needed: each try reads the clock afresh; without
 * the watch a step is seen at the next poll. */
static __attribute__((noinline)) void ntpc_clock_watch(struct lws__ntpc *n)
{
    int fd;

    if (n->cx->wall_clock)
        return;
    fd = lws__plat_clock_watch_open();
    if (fd < 0)
        lwsl_warn("no clock watch: %s", strerror(-fd));
    else
        n->clock_wsi =
            lws__wsi_adopt(n->vh, NTPC_PROTO, fd, LWS__WSI_RX_NOTIFY, n);
}

/* Returns false when the application destroyed the context meanwhile. */
static bool on_synced(struct lws__ntpc *n, const struct lws__ntpc_sample *s)
{
    struct lws_context *cx = n->cx;
    struct lws_ntpc_status st;
    char ab[64];
    bool first;
    int r;

    if (!step_trusted(n, s)) {
        /* Ask the next server now; once every source has disagreed, at
         * the poll interval (no tight loop between disagreeing servers). */
        bool now = n->cand_tries <= n->n_src;

        if (n->cand_tries < UINT8_MAX)
            n->cand_tries++;

        lws__ntpc_next_server(n, now);
        return !lws__cx_gone(cx);
    }
    first = !n->synced;
    update_status(n, s);
    r = apply_clock(n, s);
    if (lws__cx_gone(cx))
        return false; /* the set_clock op destroyed the context */
    if (first)        /* after our own step */
        ntpc_clock_watch(n);
    if (r)
        lwsl_err("setting the clock failed: %d", r);
    lwsl_notice("synced %s: offset %lld delay %lld us stratum %d poll %u s",
                lws__ntpc_sa46_str(&n->core.server, ab, sizeof(ab)),
                (long long)n->st.offset_us, (long long)n->st.delay_us,
                s->stratum, n->core.poll_s);
    lws__smd_publish(cx, LWSSMDCL_NETWORK,
                     "{\"type\":\"ntp\",\"state\":\"synced\","
                     "\"offset_us\":%lld}",
                     (long long)n->st.offset_us);
    if (!stamp_save(n))
        return false;
    if (!n->sul_stamp.list.owner)
        lws_sul_schedule(cx, 0, &n->sul_stamp, stamp_cb,
                         (lws_usec_t)n->stamp_interval_s * LWS_US_PER_SEC);
    /* Tell the application first, then release the gate. */
    if (n->sync_cb) {
        st = n->st;
        n->sync_cb(cx, r, &st, n->sync_user);
        if (lws__cx_gone(cx))
            return false;
    }
    if (n->held) {
        n->held = false;
        lws_state_transition_steps(lws_system_get_state_manager(cx),
                                   cx->target_state);
        if (lws__cx_gone(cx))
            return false;
    }
    return true;
}

/* Carries out the core's actions.  Returns false if @n is gone (the
 * application destroyed the context from a callback). */
bool lws__ntpc_perform(struct lws__ntpc *n, struct lws__ntpc_out *a)
{
    if (a->flags & LWS__NTPC_ACT_DROP_SERVER) {
        uint32_t s = lws__ntpc_drop(n, &n->core.server, lws_now_usecs());
        char ab[64];

        lwsl_warn("%s port %u: %s, left out %u s",
                  lws__ntpc_sa46_str(&n->core.server, ab, sizeof(ab)),
                  lws__sa46_port(&n->core.server),
                  lws__ntpc_verdict_name(n->core.last_verdict), s);
    }
    if (a->flags & LWS__NTPC_ACT_SEND)
        ntpc_send(n, a);
    if (a->flags & LWS__NTPC_ACT_WAKE) {
        lws_usec_t d = a->wake_at - lws_now_usecs();

        lws_sul_schedule(n->cx, 0, &n->sul_core, core_timer_cb, d > 0 ? d : 0);
    }
    if ((a->flags & LWS__NTPC_ACT_SYNCED) && !on_synced(n, &a->sample))
        return false;
    if ((a->flags & LWS__NTPC_ACT_NEXT_SERVER) && n->synced &&
        !n->st.lost) { /* it stopped: reported once per loss */
        char ab[64];

        n->st.lost = 1;
        n->st.lost_since_us = lws_now_usecs();
        n->st.losses++;
        lwsl_warn("time source lost: %s silent",
                  lws__ntpc_sa46_str(&n->core.server, ab, sizeof(ab)));
        lws__smd_publish(n->cx, LWSSMDCL_NETWORK,
                         "{\"type\":\"ntp\",\"state\":\"lost\"}");
    }
    if (a->flags & LWS__NTPC_ACT_NEXT_SERVER)
        lws__ntpc_next_server(n, false);
    return true;
}

/* ------------------------------------------------------------------------
 * Events
 */

static void core_timer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__ntpc *n = lws_container_of(sul, struct lws__ntpc, sul_core);
    struct lws__ntpc_out a;

    lws__ntpc_core_on_timer(&n->core, lws_now_usecs(),
                            lws__cx_wall_usecs(n->cx), &a);
    (void)lws__ntpc_perform(n, &a); /* nothing follows */
}

static void log_refusal(int v, const lws_sockaddr46 *sa)
{
    bool ans = lws__ntpc_verdict_is_answer(v);
    char ab[64];

    if (v == LWS__NTPC_V_OK)
        return;
    /* Answers we refused are worth a warning; strays only an info line. */
    LWS__LOGX(ans ? LLL_WARN : LLL_INFO, "%s from %s: %s",
              ans ? "refused reply" : "ignored datagram",
              lws__ntpc_sa46_str(sa, ab, sizeof(ab)),
              lws__ntpc_verdict_name(v));
}

static void ntpc_rx(struct lws__ntpc *n, struct lws *wsi)
{
    uint8_t buf[1024];
    lws_sockaddr46 from;
    struct lws__ntpc_out a;
    socklen_t sl;
    ssize_t r;
    int v;

    for (int i = 0; i < NTPC_RX_BURST && n->wsi == wsi; i++) {
        /* The socket is AF_INET or AF_INET6: its peers fit. */
        sl = sizeof(from);
        memset(&from, 0, sizeof(from));
        r = recvfrom(lws_get_socket_fd(wsi), buf, sizeof(buf), 0,
                     (struct sockaddr *)&from, &sl);
        if (r < 0)
            return; /* EAGAIN, or an ICMP error: the timeout handles it */
        r = (ssize_t)LWS__FI_GARBLE(n->cx, "ntpc.rx.garble", buf, r);
        n->stats.rx++;
        v = lws__ntpc_core_on_rx(&n->core, lws_now_usecs(),
                                 lws__cx_wall_usecs(n->cx), &from, buf,
                                 (size_t)r, &a);
        n->stats.verdicts[v]++; /* the core's verdicts are in range */
        log_refusal(v, &from);
        if (!lws__ntpc_perform(n, &a))
            return;
    }
}

/* Deferred work: start, trigger, list change. */
static void kick_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__ntpc *n = lws_container_of(sul, struct lws__ntpc, sul_kick);
    struct lws__ntpc_out a;

    if (!n->running || n->list_dirty || (!n->n_src && n->want_pool)) {
        n->list_dirty = false;
        n->kick = false;
        lws__ntpc_core_clear_server(&n->core);
        /* The list a lookup was resolving for is going away. */
        lws__ntpc_resolve_orphan(n->dns_tok); /* NULL: none */
        n->dns_tok = NULL;
        lws__ntpc_sources_build(n);
        n->running = n->n_src > 0;
        if (n->running)
            lws__ntpc_next_server(n, true);
        else if (n->held)
            lwsl_warn("TIME_VALID held: no server");
        return;
    }
    if (n->kick) {
        n->kick = false;
        lws__ntpc_core_kick(&n->core, lws_now_usecs(),
                            lws__cx_wall_usecs(n->cx), &a);
        (void)lws__ntpc_perform(n, &a);
    }
}

static void schedule_kick(struct lws__ntpc *n)
{
    lws_sul_schedule(n->cx, 0, &n->sul_kick, kick_cb, 0);
}

/* ------------------------------------------------------------------------
 * The TIME_VALID gate
 */

static int ntpc_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
                       int current, int target)
{
    struct lws__ntpc *n = lws_container_of(link, struct lws__ntpc, nl);

    (void)mgr;
    if (target != LWS_SYSTATE_TIME_VALID || current == target)
        return 0;
    if (n->synced || n->policy == LWS_NTPC_TIME_NEVER_HOLD)
        return 0;
    if (n->policy == LWS_NTPC_TIME_PLAUSIBLE &&
        lws__cx_wall_usecs(n->cx) >= n->floor_us)
        return 0;
    if (!n->held)
        lwsl_notice("holding TIME_VALID until a sync");
    n->held = true;
    n->want_pool = true;
    n->kick = true;
    schedule_kick(n);
    return 1;
}

/* ------------------------------------------------------------------------
 * Life cycle
 */

static int copy_servers(struct lws__ntpc *n, const char *const *servers)
{
    size_t c = 0;

    while (servers && servers[c])
        c++;
    if (!c)
        return 0;
    n->app_servers = lws__calloc(c, sizeof(char *));
    if (!n->app_servers)
        return -ENOMEM;
    for (size_t i = 0; i < c; i++) {
        n->app_servers[i] = lws__strdup(servers[i]);
        if (!n->app_servers[i])
            return -ENOMEM;
        n->n_app++;
    }
    return 0;
}

static void load_stamp(struct lws__ntpc *n, lws_usec_t t, const char *from)
{
    if (t > n->ceil_us || t < 0) {
        lwsl_warn("stamp %lld (%s) past horizon", secs_of(t), from);
        return;
    }
    if (t > n->floor_us)
        n->floor_us = t;
}

static void load_floor(struct lws__ntpc *n, const struct lws_ntpc_info *ni)
{
    lws_usec_t t;

    n->floor_us = lws__ntpc_build_floor_us();
    if (ni->time_floor_s) {
        if (ni->time_floor_s < 0 || ni->time_floor_s > LWS__NTPC_TIME_MAX_S)
            lwsl_err("bad time_floor_s %lld", (long long)ni->time_floor_s);
        else
            n->floor_us = (lws_usec_t)ni->time_floor_s * LWS_US_PER_SEC;
    }
    /* The horizon counts from the later of the build time and the floor
     * the application configured. */
    n->ceil_us =
        n->floor_us +
        (lws_usec_t)(ni->horizon_s ? ni->horizon_s : LWS__NTPC_HORIZON_S) *
            LWS_US_PER_SEC;
    if (n->ceil_us > LWS__NTPC_TIME_MAX_S * LWS_US_PER_SEC)
        n->ceil_us = LWS__NTPC_TIME_MAX_S * LWS_US_PER_SEC;
    n->max_step_us =
        (lws_usec_t)(ni->max_step_s ? ni->max_step_s : LWS__NTPC_MAX_STEP_S) *
        LWS_US_PER_SEC;
    /* A stamp only raises the floor up to the horizon: one later than that
     * came from a time nobody should have believed. */
    if (n->stamp_path && !lws__ntpc_stamp_file_load(n->stamp_path, &t))
        load_stamp(n, t, n->stamp_path);
    if (n->stamp_load) {
        int r = n->stamp_load(n->cx, &t);

        if (lws__cx_gone(n->cx))
            return; /* the op destroyed the context: creation fails */
        if (!r)
            load_stamp(n, t, "stamp_load op");
    }
    n->st.floor_us = n->floor_us;
    lwsl_info("time floor %lld", secs_of(n->floor_us));
}

static int copy_info(struct lws__ntpc *n, const struct lws_ntpc_info *ni)
{
    n->port = ni->port ? ni->port : 123;
    n->stamp_interval_s = ni->stamp_interval_s ? ni->stamp_interval_s : 60;
    n->policy = ni->time_policy;
    if (n->policy < LWS_NTPC_TIME_PLAUSIBLE ||
        n->policy > LWS_NTPC_TIME_NEVER_HOLD) {
        lwsl_err("bad time_policy %d", ni->time_policy);
        return -EINVAL;
    }
    n->flags = ni->flags;
    n->stamp_load = ni->stamp_load;
    n->stamp_save = ni->stamp_save;
    n->sync_cb = ni->sync_cb;
    n->sync_user = ni->sync_user;
    if (ni->clock_stamp_path) {
        n->stamp_path = lws__strdup(ni->clock_stamp_path);
        if (!n->stamp_path)
            return -ENOMEM;
    }
    return copy_servers(n, ni->servers);
}

/* The tunables copied from the creation info as they are. */
#define CFG_AT(s, f) (offsetof(s, f) - offsetof(s, poll_min_s))
#define CFG_SAME(f, g)                                                         \
    _Static_assert(CFG_AT(struct lws__ntpc_cfg, f) ==                          \
                       CFG_AT(struct lws_ntpc_info, g),                        \
                   "cfg layout: " #f)
CFG_SAME(poll_max_s, poll_max_s);
CFG_SAME(root_dist_max_ms, root_distance_max_ms);
CFG_SAME(burst, burst);
CFG_SAME(burst_interval_ms, burst_interval_ms);
CFG_SAME(reply_timeout_ms, reply_timeout_ms);
CFG_SAME(retry_min_ms, retry_min_ms);
CFG_SAME(retry_max_ms, retry_max_ms);
_Static_assert(offsetof(struct lws__ntpc_cfg, poll_min_s) == 0, "cfg first");
#define CFG_COPIED (CFG_AT(struct lws_ntpc_info, retry_max_ms) + 4)

static void core_setup(struct lws__ntpc *n, const struct lws_ntpc_info *ni)
{
    const lws_system_ops_t *ops = lws_system_get_ops(n->cx);
    struct lws__ntpc_cfg cfg;

    memset(&cfg, 0, sizeof(cfg));
    memcpy(&cfg, &ni->poll_min_s, CFG_COPIED);
    cfg.clock_applied =
        (ops && ops->set_clock) || (n->flags & LWS_NTPC_FLAG_SET_CLOCK_LINUX);
    cfg.floor_ns = n->floor_us * 1000;
    cfg.ceil_ns = n->ceil_us * 1000;
    cfg.rand32 = ntpc_rand;
    cfg.rand_opaque = n->cx;
    lws__ntpc_core_init(&n->core, &cfg);
    n->st.poll_s = n->core.poll_s;
}

static void ntpc_free(struct lws__ntpc *n)
{
    for (size_t i = 0; i < n->n_app; i++)
        lws__free(n->app_servers[i]);
    lws__free(n->app_servers);
    lws__free(n->stamp_path);
    lws__free(n->dropped);
    lws__free(n->dhcp);
    lws__ntpc_sources_free(n);
    lws__free(n);
}

/* DNS servers arrived: a name that could not be resolved may be now.
 * Before the first sync, with no address yet, the list starts again at
 * once instead of after the backoff (on an IPv6-only link the RDNSS
 * servers come after the first try); a lookup under way, asked before
 * the news, is dropped for a new one that can use the new servers. */
static void ntpc_dns_news(struct lws_context *cx)
{
    struct lws__ntpc *n = ntpc_get(cx);

    if (!n || n->synced || !n->running || n->n_addrs)
        return;
    n->list_dirty = true; /* resolved again */
    schedule_kick(n);
}

/* A burst soon, when the client runs (a link up, a clock step). */
static void ntpc_resync(struct lws__ntpc *n)
{
    if (n && n->running) {
        n->kick = true;
        schedule_kick(n);
    }
}

/* The wall clock was stepped: re-sync at once (a burst) unless it still
 * agrees with the validated time (our own set_clock, or a harmless step),
 * so our own steps never start a round of their own.  Before a sync (only
 * an application's wall_clock source tells of steps then), a step starts a
 * burst at once, as a trigger does. */
static void ntpc_clock_step(struct lws_context *cx)
{
    struct lws__ntpc *n = ntpc_get(cx);
    int64_t d = lws__cx_wall_usecs(cx) - true_now_us(n);

    if (n->synced) {
        if ((uint64_t)(d + LWS_US_PER_SEC) < 2 * LWS_US_PER_SEC)
            return; /* within a second */
        lwsl_notice("clock stepped %+lld us", (long long)d);
    }
    ntpc_resync(n);
}

static void ntpc_news(struct lws_context *cx, const struct lws__news *news,
                      void *opaque)
{
    (void)opaque;
    if (news->kind == LWS__NEWS_CLOCK_STEP)
        ntpc_clock_step(cx);
    else if (news->kind == LWS__NEWS_NTP_SERVERS)
        lws__ntpc_dhcp_servers(cx, news->iface, news->addrs, news->n);
    else if (news->kind == LWS__NEWS_NTP6_SERVERS)
        lws__ntpc_dhcp6_servers(cx, news->iface, news->sa46, news->n);
    else if (news->kind == LWS__NEWS_LINK)
        lws__ntpc_link_changed(cx, news->up);
    else if ((news->kind == LWS__NEWS_DNS_SERVERS ||
              news->kind == LWS__NEWS_DNS6_SERVERS) &&
             news->n)
        ntpc_dns_news(cx);
}

static int ntpc_init(struct lws *wsi, const struct lws_context_creation_info *i)
{
    struct lws_context *cx = lws_get_context(wsi);
    const struct lws_ntpc_info *ni = i ? i->ntpc : NULL;
    struct lws_ntpc_info none; /* no info: every default */
    struct lws__ntpc *n;
    int r;

    if (!ni) {
        memset(&none, 0, sizeof(none));
        ni = &none;
    }
    n = lws__calloc(1, sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->cx = cx;
    n->act = lws__ntpc_perform;
    n->vh = lws_get_vhost(wsi);
    r = copy_info(n, ni);
    if (r) {
        ntpc_free(n);
        return r;
    }
    load_floor(n, ni);
    core_setup(n, ni);
    n->sul_core.cb = core_timer_cb;
    n->nl.name = "ntpclient";
    n->nl.notify_cb = ntpc_notify;
    lws_state_reg_notifier(lws_system_get_state_manager(cx), &n->nl);
    LWS__HELPER(cx, NTPC) = n;
    n->news.cb = ntpc_news;
    lws__news_subscribe(cx, &n->news);
    /* Servers given by the application (or the blob, which may be set
     * after creation) start the client on the first loop iteration. */
    schedule_kick(n);
    return 0;
}

static void ntpc_destroy(struct lws_context *cx)
{
    struct lws__ntpc *n = ntpc_get(cx);

    if (!n)
        return;
    (void)stamp_save(n); /* destroy is under way: a second one is refused */
    lws_sul_cancel(&n->sul_core);
    lws_sul_cancel(&n->sul_kick);
    lws_sul_cancel(&n->sul_stamp);
    lws_state_reg_deregister(&n->nl);
    lws__ntpc_resolve_orphan(n->dns_tok); /* NULL: none */
    if (n->wsi)
        lws_wsi_close(n->wsi);
    if (n->clock_wsi)
        lws_wsi_close(n->clock_wsi);
    lws__time_sync_set(cx, 0, 0);
    lws__news_unsubscribe(&n->news);
    LWS__HELPER(cx, NTPC) = NULL;
    ntpc_free(n);
}

static int ntpc_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         void *user, void *in, size_t len)
{
    struct lws__ntpc *n;

    (void)user, (void)len;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_INIT:
        return ntpc_init(wsi, in) ? -1 : 0;
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        ntpc_destroy(lws_get_context(wsi));
        break;
    case LWS_CALLBACK_RAW_RX:
    case LWS_CALLBACK_RAW_CLOSE:
        n = lws_get_opaque_user_data(wsi);
        if (!n)
            break;
        if (wsi == n->clock_wsi) {
            if (reason == LWS_CALLBACK_RAW_RX &&
                lws__plat_clock_watch_stepped(lws_get_socket_fd(wsi)))
                lws_wall_clock_stepped(n->cx);
            break;
        }
        if (n->wsi != wsi)
            break;
        if (reason == LWS_CALLBACK_RAW_RX)
            ntpc_rx(n, wsi);
        else
            n->wsi = NULL;
        break;
    default:
        break;
    }
    return 0;
}

const struct lws_protocols lws__protocols_ntpc[] = {
    {NTPC_PROTO, ntpc_callback, 0, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};

/* ------------------------------------------------------------------------
 * Public API and cross-helper hooks
 */

void lws_ntpc_trigger(struct lws_context *context)
{
    struct lws__ntpc *n;

    LWS__LOOP_ONLY(context);
    n = ntpc_get(context);
    if (!n || lws__cx_gone(context)) {
        lwsl_err("no NTP client");
        return;
    }
    n->want_pool = true;
    n->kick = true;
    schedule_kick(n);
}

int lws_ntpc_get_status(struct lws_context *context, struct lws_ntpc_status *st)
{
    struct lws__ntpc *n;

    if (!context || !st)
        return -EINVAL;
    LWS__LOOP_ONLY(context);
    memset(st, 0, sizeof(*st));
    n = ntpc_get(context);
    if (!n)
        return -EINVAL;
    *st = n->st;
    st->poll_s = n->core.poll_s;
    return n->synced ? 0 : -EAGAIN;
}

int lws__ntpc_get_stats(struct lws_context *cx, struct lws__ntpc_stats *st)
{
    struct lws__ntpc *n = ntpc_get(cx);

    if (!st)
        return -EINVAL;
    if (!n)
        return -ENOTSUP;
    *st = n->stats;
    return 0;
}

/* Replaces the IPv6 (@v6) or IPv4 servers of @iface with the @count in
 * @in: lws_sockaddr46 (AF_INET6), or IPv4 addresses in host order (0:
 * none). */
static int ntpc_iface_servers(struct lws_context *cx, const char *iface,
                              bool v6, const void *in, size_t count)
{
    struct lws__ntpc *n = ntpc_get(cx);
    struct lws__ntpc_dhcp nd[LWS__NTPC_MAX_DHCP];
    int family = v6 ? AF_INET6 : AF_INET;
    size_t w = 0;

    if (!n || !iface || (count && !in))
        return -EINVAL;
    /* The other interfaces' and family's entries, then the new ones. */
    memset(nd, 0, sizeof(nd));
    for (size_t i = 0; i < n->n_dhcp; i++)
        if (strcmp(n->dhcp[i].iface, iface) ||
            n->dhcp[i].sa.sa4.sin_family != family)
            nd[w++] = n->dhcp[i];
    for (size_t i = 0; i < count && w < LWS__NTPC_MAX_DHCP; i++) {
        lws_sockaddr46 *sa = &nd[w].sa;

        if (v6) {
            *sa = ((const lws_sockaddr46 *)in)[i];
            if (sa->sa4.sin_family != AF_INET6 ||
                IN6_IS_ADDR_LINKLOCAL(&sa->sa6.sin6_addr) ||
                IN6_IS_ADDR_UNSPECIFIED(&sa->sa6.sin6_addr)) {
                lwsl_warn("%s: bad NTP server %zu", iface, i);
                continue;
            }
        } else {
            if (!((const uint32_t *)in)[i])
                continue;
            sa->sa4.sin_family = AF_INET;
            sa->sa4.sin_addr.s_addr = htonl(((const uint32_t *)in)[i]);
        }
        snprintf(nd[w++].iface, sizeof(nd[0].iface), "%s", iface);
    }
    if (w == n->n_dhcp &&
        !memcmp(nd, n->dhcp ? n->dhcp : nd, w * sizeof(nd[0])))
        return 0; /* the same list again (a renewal) */
    if (!n->dhcp) {
        n->dhcp = lws__malloc(sizeof(nd));
        if (!n->dhcp) {
            lwsl_err("%s: out of memory", iface);
            return -ENOMEM;
        }
    }
    memcpy(n->dhcp, nd, sizeof(nd));
    n->n_dhcp = w;
    lwsl_info("%s: %zu NTP server(s)", iface, count);
    /* RFC 2132 §8.3: a new server list means a fresh sync. */
    n->list_dirty = true;
    schedule_kick(n);
    return 0;
}

int lws__ntpc_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t count)
{
    return ntpc_iface_servers(cx, iface, false, addrs, count);
}

int lws__ntpc_dhcp6_servers(struct lws_context *cx, const char *iface,
                            const lws_sockaddr46 *sa, size_t count)
{
    return ntpc_iface_servers(cx, iface, true, sa, count);
}

void lws__ntpc_link_changed(struct lws_context *cx, bool up)
{
    if (up)
        ntpc_resync(ntpc_get(cx));
}
