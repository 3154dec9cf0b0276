/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client glue: the "lws-dhcp4client" protocol on the system vhost,
 * one core per requested interface driven by a sul timer and by what its
 * sockets receive, the rtnetlink link monitor, the hold of the
 * IFACE_COLDPLUG and DHCP system states, user callbacks (which may destroy
 * the context) and the public API.  The sockets, sending, applying and
 * persistence are in dhcpc-io.c.
 */
#define LWS_LOGMOD dhcpc
#include "private-dhcpc.h"

#include <stdio.h>

#define DHCPC_RX_BUF 2048

static void dhcpc_if_sul_cb(lws_sorted_usec_list_t *sul);
static bool dhcpc_run(struct lws__dhcpc_if *ifc, struct lws__dhcpc_out *o);

const char *lws_dhcpc_state_name(int state)
{
    return lws__dhcpc_state_name(state);
}

const char *lws_dhcpc_event_name(int event)
{
    return lws__name_at(LWS_DHCPC_EVENT_LIST(LWS__NAME_PACK), event);
}

static __attribute__((noinline)) struct lws__dhcpc *
dhcpc_get(struct lws_context *cx)
{
    return cx ? (struct lws__dhcpc *)LWS__HELPER(cx, DHCPC) : NULL;
}

static struct lws__dhcpc_if *dhcpc_find(struct lws__dhcpc *d,
                                        const char *ifname)
{
    for (lws_dll2_t *p = d->ifs.head; p; p = p->next) {
        struct lws__dhcpc_if *ifc =
            lws_container_of(p, struct lws__dhcpc_if, list);

        if (!ifc->dead && (!ifname || !strcmp(ifc->ifname, ifname)))
            return ifc;
    }
    return NULL;
}

static uint32_t dhcpc_rand(void *ctx)
{
    return lws__random_u32(((struct lws__dhcpc *)ctx)->cx);
}

/* ------------------------------------------------------------------------
 * System state: hold IFACE_COLDPLUG until the link dump ended and DHCP
 * until the requested interfaces are bound.
 */

static bool dhcpc_bound_enough(struct lws__dhcpc *d)
{
    int live = 0, bound = 0;

    for (lws_dll2_t *p = d->ifs.head; p; p = p->next) {
        struct lws__dhcpc_if *ifc =
            lws_container_of(p, struct lws__dhcpc_if, list);

        if (ifc->dead)
            continue;
        live++;
        bound += lws__dhcpc_usable(ifc);
    }
    if (!live)
        return true; /* nothing requested: never hang here */
    return d->info.wait_all ? bound == live : bound > 0;
}

/* Whether we hold the system state before @step. */
static bool dhcpc_holds(struct lws__dhcpc *d, int step)
{
    return (step == LWS_SYSTATE_IFACE_COLDPLUG && !d->coldplug_done) ||
           (step == LWS_SYSTATE_DHCP && !dhcpc_bound_enough(d));
}

static int dhcpc_notify(struct lws_state_manager *mgr,
                        struct lws_state_notify_link *link, int current,
                        int target)
{
    struct lws__dhcpc *d = lws_container_of(link, struct lws__dhcpc, nl);

    (void)mgr;
    return current != target && !lws__cx_gone(d->cx) && dhcpc_holds(d, target);
}

static void dhcpc_redrive_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__dhcpc *d =
        lws_container_of(sul, struct lws__dhcpc, sul_redrive);
    lws_state_manager_t *mgr = lws_system_get_state_manager(d->cx);

    if (mgr->state < d->cx->target_state)
        lws_state_transition_steps(mgr, d->cx->target_state);
}

/* Re-drive the system state if it waits on a step we may now release. */
static void dhcpc_maybe_redrive(struct lws__dhcpc *d)
{
    int step = -1;
    const char *who = lws_state_blocker(&d->cx->mgr_system, &step);

    if (who &&
        (step == LWS_SYSTATE_IFACE_COLDPLUG || step == LWS_SYSTATE_DHCP) &&
        !dhcpc_holds(d, step))
        lws_sul_schedule(d->cx, 0, &d->sul_redrive, dhcpc_redrive_cb, 0);
}

static void dhcpc_close_socks(struct lws__dhcpc_if *ifc)
{
    lws__wsi_close_detached(&ifc->wsi_raw);
    lws__wsi_close_detached(&ifc->wsi_udp);
    lws__wsi_close_detached(&ifc->wsi_arp);
}

static void dhcpc_free_if(struct lws__dhcpc_if *ifc)
{
    lws_sul_cancel(&ifc->sul);
    dhcpc_close_socks(ifc);
    lws_dll2_remove(&ifc->list);
    lws__free(ifc);
}

/* The state of @ifc from lease @l; with @gone, nothing is held any more:
 * the address is reported as gone. */
static void dhcpc_user_state(struct lws__dhcpc_if *ifc,
                             const struct lws__dhcpc_lease *l,
                             lws_dhcpc_ifstate_t *is, bool gone)
{
    lws__dhcpc_fill(ifc, l, is);
    if (gone) {
        is->ipv4 = 0;
        memset(&is->sa46[LWSDH_SA46_IP], 0, sizeof(is->sa46[0]));
    }
}

static void dhcpc_notify_user(struct lws__dhcpc_if *ifc, int event,
                              bool dropped)
{
    lws_dhcpc_ifstate_t is;

    if (event == LWS_DHCPC_EVENT_CONFLICT)
        /* what was declined, for the application to see */
        lws__dhcpc_fill(ifc, &ifc->core.offer, &is);
    else
        dhcpc_user_state(ifc, dropped ? &ifc->core.old : &ifc->core.lease, &is,
                         dropped || !ifc->core.have_lease);
    is.event = event;
    lws__smd_tell(ifc->d->cx,
                  "{\"type\":\"dhcp\",\"if\":\"%s\",\"event\":\"%s\","
                  "\"ipv4\":\"%u.%u.%u.%u\",\"state\":\"%s\"}",
                  ifc->ifname, lws_dhcpc_event_name(event), is.ipv4 >> 24,
                  (is.ipv4 >> 16) & 255, (is.ipv4 >> 8) & 255, is.ipv4 & 255,
                  lws_dhcpc_state_name(is.state));
    if (!ifc->cb)
        return;
    ifc->busy++;
    ifc->cb(ifc->opaque, &is);
    ifc->busy--;
}

/* Carries out the core's actions.  @return true if @ifc was freed (it was
 * removed, maybe by its own callback): the caller must not touch it. */
static bool dhcpc_run(struct lws__dhcpc_if *ifc, struct lws__dhcpc_out *o)
{
    struct lws__dhcpc *d = ifc->d;

    bool applied = lws__dhcpc_do_apply(ifc, o);

    if (lws__cx_gone(d->cx))
        return true; /* the apply op destroyed the context */
    if (!applied) {
        struct lws__dhcpc_out o2;

        lwsl_err("%s: applying the lease failed", ifc->ifname);
        lws__dhcpc_core_apply_failed(&ifc->core, lws_now_usecs(), &o2);
        return dhcpc_run(ifc, &o2); /* applies nothing: one level deep */
    }
    lws__dhcpc_persist(ifc, o);
    if (lws__cx_gone(d->cx))
        return true; /* the lease_save op destroyed the context */
    lws__dhcpc_socks(ifc, o->socks);
    lws__dhcpc_send(ifc, o);
    if (o->wake) {
        lws_usec_t now = lws_now_usecs();

        lws_sul_schedule(d->cx, 0, &ifc->sul, dhcpc_if_sul_cb,
                         o->wake > now ? o->wake - now : 0);
    } else
        lws_sul_cancel(&ifc->sul);
    if (o->event >= 0)
        dhcpc_notify_user(ifc, o->event,
                          o->unapply && !o->apply && !ifc->core.have_lease);
    if (lws__cx_gone(d->cx))
        return true; /* torn down; the memory goes with the context's */
    if (ifc->dead) {
        if (ifc->busy)
            return true;
        dhcpc_free_if(ifc);
        dhcpc_maybe_redrive(d);
        return true;
    }
    dhcpc_maybe_redrive(d);
    return false;
}

/* ------------------------------------------------------------------------
 * Starting, link events, timers
 */

static int dhcpc_if_prepare(struct lws__dhcpc_if *ifc)
{
    struct lws_dhcpc_saved_lease sl;
    uint8_t mac[6];
    uint32_t iaid = 2166136261u; /* FNV-1a of the name: a stable IAID */
    int r, idx = 0;

    bool up = false;

    r = lws__if_info(ifc->ifname, &idx, &up, mac);
    if (r > 0) /* not Ethernet */
        r = -EPROTONOSUPPORT;
    if (r)
        return r;
    if (!ifc->link_known) {
        ifc->link_known = true;
        ifc->link_up = up;
    }
    if (ifc->ifindex && idx != ifc->ifindex) {
        /* the interface was re-created: sockets bound to the old one */
        dhcpc_close_socks(ifc);
    }
    ifc->ifindex = idx;
    if (ifc->have_mac && !memcmp(mac, ifc->core.mac, 6))
        return 0;
    for (const char *p = ifc->ifname; *p; p++)
        iaid = (iaid ^ (uint8_t)*p) * 16777619u;
    /* A new MAC is a new network identity: start from scratch. */
    lws__dhcpc_core_init(&ifc->core, &ifc->d->cfg, mac, iaid, dhcpc_rand,
                         ifc->d);
    ifc->core.ipv6 = lws__dhcpc_if_ipv6(ifc->ifname);
    ifc->core.v6_ok = LWS__DHCPC_V6_OK(ifc->v6);
    ifc->have_mac = true;
    memset(&sl, 0, sizeof(sl));
    r = lws__dhcpc_lease_load(ifc->d, ifc->ifname, &sl);
    if (lws__cx_gone(ifc->d->cx))
        return -ECANCELED; /* the lease_load op destroyed the context */
    if (!r) {
        if (!memcmp(sl.mac, mac, 6) && sl.ipv4) {
            ifc->core.reboot_ip = sl.ipv4;
            ifc->core.reboot_server = sl.server;
            lwsl_info("%s: remembered lease %08x", ifc->ifname, sl.ipv4);
        } else {
            lws__dhcpc_lease_save(ifc->d, ifc->ifname, NULL);
        }
    }
    return 0;
}

/* Start the core if the interface exists and its link is up. */
static void dhcpc_if_kick(struct lws__dhcpc_if *ifc)
{
    struct lws__dhcpc_out o;
    int r;

    if (ifc->started || ifc->dead)
        return;
    r = dhcpc_if_prepare(ifc);
    if (r && lws__cx_gone(ifc->d->cx))
        return;
    if (r) {
        lwsl_info("%s: not usable yet: %s", ifc->ifname, strerror(-r));
        if (!ifc->d->wsi_nl) /* no monitor: poll for it */
            lws_sul_schedule(ifc->d->cx, 0, &ifc->sul, dhcpc_if_sul_cb,
                             LWS_US_PER_SEC);
        return;
    }
    if (ifc->d->wsi_nl && !ifc->link_up)
        return; /* the monitor tells us when it comes up */
    /* Until the monitor's first listing is read, wait (dhcpc_nl_rx kicks
     * again; at most 100 ms, for a listing that never ends): the first
     * DISCOVER is then the last thing this process does before it sleeps.
     * A server on the same CPU answers only once we yield it (bench/dhcp).
     */
    if (ifc->d->wsi_nl && !ifc->d->coldplug_done && !ifc->held) {
        ifc->held = true;
        lws_sul_schedule(ifc->d->cx, 0, &ifc->sul, dhcpc_if_sul_cb,
                         100 * LWS_US_PER_MS);
        return;
    }
    ifc->started = true;
    lws__dhcpc_core_start(&ifc->core, lws_now_usecs(), &o);
    (void)dhcpc_run(ifc, &o);
}

static void dhcpc_if_timer(struct lws__dhcpc_if *ifc)
{
    struct lws__dhcpc_out o;

    if (!ifc->started) {
        dhcpc_if_kick(ifc);
        return;
    }
    lws__dhcpc_core_timer(&ifc->core, lws_now_usecs(), &o);
    (void)dhcpc_run(ifc, &o);
}

static void dhcpc_if_sul_cb(lws_sorted_usec_list_t *sul)
{
    dhcpc_if_timer(lws_container_of(sul, struct lws__dhcpc_if, sul));
}

static void dhcpc_on_link(void *ctx, const struct lws__dhcpc_link *l)
{
    struct lws__dhcpc *d = ctx;
    struct lws__dhcpc_if *ifc =
        lws__cx_gone(d->cx) ? NULL : dhcpc_find(d, l->ifname);
    struct lws__dhcpc_out o;
    bool was_up;

    if (!ifc)
        return;
    was_up = ifc->link_known && ifc->link_up;
    ifc->link_known = true;
    ifc->link_up = l->up;
    if (was_up == l->up)
        return;
    lwsl_info("%s: link %s", l->ifname, l->up ? "up" : "down");
    lws__news_publish(d->cx, &(struct lws__news){.kind = LWS__NEWS_LINK,
                                                 .iface = l->ifname,
                                                 .up = l->up});
    lws__smd_publish(d->cx, LWSSMDCL_NETWORK,
                     "{\"type\":\"link\",\"if\":\"%s\",\"state\":\"%s\"}",
                     l->ifname, l->up ? "up" : "down");
    if (!ifc->started) {
        if (l->up)
            lws_sul_schedule(d->cx, 0, &ifc->sul, dhcpc_if_sul_cb, 0);
        return;
    }
    if (l->up && dhcpc_if_prepare(ifc))
        return;
    if (l->up && ifc->core.state == LWS_DHCPC_STATE_STOPPED) {
        /* A new MAC reset the core: a fresh start. */
        ifc->started = false;
        dhcpc_if_kick(ifc);
        return;
    }
    lws__dhcpc_core_link(&ifc->core, lws_now_usecs(), l->up, &o);
    (void)dhcpc_run(ifc, &o);
}

/* Starts the interfaces held back until the links were listed. */
static void dhcpc_kick_waiting(struct lws__dhcpc *d)
{
    for (lws_dll2_t *p = d->ifs.head; p; p = p->next) {
        struct lws__dhcpc_if *ifc =
            lws_container_of(p, struct lws__dhcpc_if, list);

        if (!ifc->started)
            lws_sul_schedule(d->cx, 0, &ifc->sul, dhcpc_if_sul_cb, 0);
    }
}

static int dhcpc_nl_rx(struct lws__dhcpc *d)
{
    bool done = false;
    int r = lws__dhcpc_nl_monitor_read(lws_get_socket_fd(d->wsi_nl),
                                       dhcpc_on_link, d, &done);

    if (lws__cx_gone(d->cx))
        return 0;
    if (r == -ENOBUFS) {
        lwsl_warn("link monitor overrun: relisting");
        lws__dhcpc_nl_dump_links(lws_get_socket_fd(d->wsi_nl), ++d->nl_seq);
    }
    if (done && !d->coldplug_done) {
        d->coldplug_done = true;
        lwsl_info("interfaces listed");
        dhcpc_maybe_redrive(d);
        dhcpc_kick_waiting(d); /* after the redrive: see dhcpc_if_kick */
    }
    return 0;
}

static void dhcpc_if_rx(struct lws__dhcpc_if *ifc, struct lws *wsi)
{
    uint8_t buf[DHCPC_RX_BUF];
    struct lws__dhcpc_out o;
    int fd = lws_get_socket_fd(wsi);

    /* Drain what is queued, feeding each packet to the core. */
    for (;;) {
        size_t ofs = 0, plen;
        bool csum_ok = true;
        uint32_t src;
        ssize_t n;

        if (wsi == ifc->wsi_udp)
            n = recv(fd, buf, DHCPC_RX_BUF, MSG_DONTWAIT);
        else
            n = lws__dhcpc_raw_recv(fd, buf, DHCPC_RX_BUF, &csum_ok);
        if (n <= 0)
            break;
        n = (ssize_t)LWS__FI_GARBLE(ifc->d->cx, "dhcpc.rx.garble", buf, n);
#if LWS_WITH_SYS_DHCP_ACD
        if (wsi == ifc->wsi_arp) {
            lws__dhcpc_core_arp(&ifc->core, lws_now_usecs(), buf, (size_t)n,
                                &o);
        } else
#endif
        {
            plen = (size_t)n;
            if (wsi == ifc->wsi_raw &&
                lws__dhcpc_ip4udp_unwrap(buf, (size_t)n, csum_ok, &ofs, &plen,
                                         &src)) {
                lwsl_debug("%s: bad IP/UDP frame", ifc->ifname);
                continue;
            }
            lws__dhcpc_core_rx(&ifc->core, lws_now_usecs(), buf + ofs, plen,
                               &o);
        }
        if (dhcpc_run(ifc, &o))
            break;
        /* dhcpc_run may have closed this very socket */
        if (wsi != ifc->wsi_raw && wsi != ifc->wsi_udp && wsi != ifc->wsi_arp)
            break;
    }
}

/* IPv6 news of a requested interface: RFC 8925's "IPv6 works" and the
 * DHCP step's policy. */
static void dhcpc_news(struct lws_context *cx, const struct lws__news *nw,
                       void *opaque)
{
    struct lws__dhcpc *d = opaque;
    struct lws__dhcpc_if *ifc;

    (void)cx;
    if ((nw->kind != LWS__NEWS_IP6 && nw->kind != LWS__NEWS_DNS6_SERVERS) ||
        !nw->iface || !(ifc = dhcpc_find(d, nw->iface)))
        return;
    if (nw->kind == LWS__NEWS_IP6)
        ifc->v6 = (uint8_t)((ifc->v6 & LWS_DHCPC_V6_DNS) | nw->v6);
    else
        ifc->v6 = (uint8_t)((ifc->v6 & ~LWS_DHCPC_V6_DNS) |
                            (nw->n ? LWS_DHCPC_V6_DNS : 0));
    ifc->core.v6_ok = LWS__DHCPC_V6_OK(ifc->v6);
    dhcpc_maybe_redrive(d);
}

/* ------------------------------------------------------------------------
 * Protocol
 */

#define CFG_U32(f, dflt)                                                       \
    {                                                                          \
        offsetof(struct lws_dhcpc_info, f),                                    \
            offsetof(struct lws__dhcpc_cfg, f), dflt                           \
    }
static const struct {
    uint8_t info, cfg; /* offsets (the info's last is below 256) */
    uint16_t def;
} cfg_u32[] = {
    CFG_U32(retx_base_ms, 4000),      CFG_U32(retx_jitter_ms, 1000),
    CFG_U32(retx_fast_ms, 2000),      CFG_U32(retx_fast_window_ms, 60000),
    CFG_U32(renew_min_ms, 60000),     CFG_U32(decline_wait_ms, 10000),
    CFG_U32(initial_delay_max_ms, 0), CFG_U32(acd_probe_count, 3),
    CFG_U32(acd_probe_ms, 1000),      CFG_U32(acd_wait_ms, 2000),
    CFG_U32(route_metric, 100),
};

_Static_assert(offsetof(struct lws_dhcpc_info, retx_fast_window_ms) < 256,
               "cfg_u32 offsets are bytes");

static void dhcpc_cfg(struct lws__dhcpc *d, const struct lws_dhcpc_info *i)
{
    struct lws__dhcpc_cfg *c = &d->cfg;

    if (i)
        d->info = *i;
    d->info.hostname = d->info.lease_dir = NULL;
    /* Each timing from the info, or its default when 0. */
    for (size_t k = 0; k < sizeof(cfg_u32) / sizeof(cfg_u32[0]); k++) {
        uint32_t v;

        memcpy(&v, (const uint8_t *)&d->info + cfg_u32[k].info, 4);
        if (!v)
            v = cfg_u32[k].def;
        memcpy((uint8_t *)c + cfg_u32[k].cfg, &v, 4);
    }
    if (c->retx_jitter_ms > c->retx_base_ms / 2)
        c->retx_jitter_ms = c->retx_base_ms / 2;
    if (c->retx_fast_ms > c->retx_base_ms)
        c->retx_fast_ms = c->retx_base_ms;
    c->acd = LWS_WITH_SYS_DHCP_ACD && d->info.acd;
    if (d->info.acd && !LWS_WITH_SYS_DHCP_ACD)
        lwsl_warn("acd not built in (LWS_WITH_SYS_DHCP_ACD): no probes");
    c->rapid_commit = !d->info.no_rapid_commit;
    c->v6only = !d->info.no_ipv6_only;
    c->client_id_mode = d->info.client_id_mode;
    if (i && i->hostname)
        snprintf(c->hostname, sizeof(c->hostname), "%s", i->hostname);
}

static void dhcpc_monitor_start(struct lws__dhcpc *d)
{
    int fd;

    if (d->info.no_link_monitor) {
        d->coldplug_done = true;
        return;
    }
    fd = LWS__FI_OR(d->cx, "dhcpc.nl.open", -ENOBUFS,
                    lws__dhcpc_nl_monitor_open());
    if (fd >= 0)
        d->wsi_nl = lws__wsi_adopt(d->vh, LWS__DHCPC_PROTOCOL, fd,
                                   LWS__WSI_RX_NOTIFY, d);
    if (!d->wsi_nl ||
        lws__dhcpc_nl_dump_links(lws_get_socket_fd(d->wsi_nl), ++d->nl_seq)) {
        lwsl_warn("no link monitor: interfaces assumed up");
        lws__wsi_close_detached(&d->wsi_nl);
        d->coldplug_done = true;
    }
}

static int dhcpc_init(struct lws *wsi,
                      const struct lws_context_creation_info *info)
{
    struct lws_context *cx = lws_get_context(wsi);
    struct lws__dhcpc *d = lws__calloc(1, sizeof(*d));

    if (!d)
        return -ENOMEM;
    d->cx = cx;
    d->vh = lws_get_vhost(wsi);
    dhcpc_cfg(d, info ? info->dhcpc : NULL);
    if (info && info->dhcpc && info->dhcpc->lease_dir) {
        d->lease_dir = lws__strdup(info->dhcpc->lease_dir);
        if (!d->lease_dir) {
            lws__free(d);
            return -ENOMEM;
        }
    }
    LWS__HELPER(cx, DHCPC) = d;
    d->nl.name = "dhcpc";
    d->nl.notify_cb = dhcpc_notify;
    lws_state_reg_notifier(lws_system_get_state_manager(cx), &d->nl);
    d->news.cb = dhcpc_news;
    d->news.opaque = d;
    lws__news_subscribe(cx, &d->news);
    dhcpc_monitor_start(d);
    return 0;
}

static void dhcpc_free_all(struct lws__dhcpc *d)
{
    while (d->ifs.head)
        dhcpc_free_if(
            lws_container_of(d->ifs.head, struct lws__dhcpc_if, list));
    lws__free(d->lease_dir);
    lws__free(d);
}

static void dhcpc_free_later(struct lws__later *l)
{
    dhcpc_free_all(lws_container_of(l, struct lws__dhcpc, later));
}

static void dhcpc_destroy(struct lws_context *cx)
{
    struct lws__dhcpc *d = dhcpc_get(cx);

    if (!d)
        return;
    /* At destroy the lease stays on the interface (the kernel drops it at
     * its lifetime) and is remembered for INIT-REBOOT: no RELEASE. */
    for (lws_dll2_t *p = d->ifs.head; p; p = p->next) {
        struct lws__dhcpc_if *ifc =
            lws_container_of(p, struct lws__dhcpc_if, list);

        ifc->dead = true;
        lws_sul_cancel(&ifc->sul);
        dhcpc_close_socks(ifc);
    }
    lws__wsi_close_detached(&d->wsi_nl);
    lws_sul_cancel(&d->sul_redrive);
    lws_state_reg_deregister(&d->nl);
    lws__news_unsubscribe(&d->news);
    LWS__HELPER(cx, DHCPC) = NULL;
    /* One of our frames may be below this (a callback destroyed the
     * context): the memory goes with the context's. */
    lws__cx_free_later(cx, &d->later, dhcpc_free_later);
}

static int dhcpc_callback(struct lws *wsi, enum lws_callback_reasons reason,
                          void *user, void *in, size_t len)
{
    struct lws__dhcpc *d = dhcpc_get(lws_get_context(wsi));
    void *op = lws_get_opaque_user_data(wsi);

    (void)user, (void)len;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_INIT:
        return dhcpc_init(wsi, in) ? -1 : 0;
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        dhcpc_destroy(lws_get_context(wsi));
        break;
    case LWS_CALLBACK_RAW_RX:
        if (!d || !op)
            break;
        if (wsi == d->wsi_nl)
            dhcpc_nl_rx(d);
        else
            dhcpc_if_rx(op, wsi);
        break;
    case LWS_CALLBACK_RAW_CLOSE:
        if (d && wsi == d->wsi_nl)
            d->wsi_nl = NULL;
        else if (op) {
            struct lws__dhcpc_if *ifc = op;

            if (ifc->wsi_raw == wsi)
                ifc->wsi_raw = NULL;
            if (ifc->wsi_udp == wsi)
                ifc->wsi_udp = NULL;
            if (ifc->wsi_arp == wsi)
                ifc->wsi_arp = NULL;
        }
        break;
    default:
        break;
    }
    return 0;
}

const struct lws_protocols lws__protocols_dhcpc[] = {
    {LWS__DHCPC_PROTOCOL, dhcpc_callback, 0, 0, 0, NULL, 0},
    LWS_PROTOCOL_LIST_TERM};

/* ------------------------------------------------------------------------
 * Public API
 */

int lws_dhcpc_request_ex(struct lws_context *cx, const lws_dhcpc_req_t *r)
{
    struct lws__dhcpc *d = dhcpc_get(cx);
    const char *iface = r ? r->iface : NULL;
    struct lws__dhcpc_if *ifc;

    if (!d || !iface || !iface[0] || strlen(iface) >= sizeof(ifc->ifname) ||
        (r->af && r->af != AF_INET) || r->policy > LWS_DHCPC_POLICY_BOTH ||
        lws__cx_gone(cx)) {
        lwsl_err("%s: bad arguments", __func__);
        return 1;
    }
    LWS__LOOP_ONLY(cx);
    ifc = dhcpc_find(d, iface);
    if (ifc) {
        ifc->policy = r->policy;
        dhcpc_maybe_redrive(d);
        return 0;
    }
    ifc = lws__calloc(1, sizeof(*ifc));
    if (!ifc) {
        lwsl_err("%s: out of memory", __func__);
        return 1;
    }
    ifc->d = d;
    strcpy(ifc->ifname, iface); /* its length was checked */
    ifc->cb = r->cb;
    ifc->opaque = r->opaque;
    ifc->policy = r->policy;
    ifc->core.state = LWS_DHCPC_STATE_STOPPED;
    lws_dll2_add_tail(&ifc->list, &d->ifs);
    /* Never inside this call: the first step runs from the loop. */
    lws_sul_schedule(cx, 0, &ifc->sul, dhcpc_if_sul_cb, 0);
    lwsl_info("%s: requested", iface);
    return 0;
}

int lws_dhcpc_request(struct lws_context *cx, const char *iface, int af,
                      dhcpc_cb_t cb, void *opaque)
{
    return lws_dhcpc_request_ex(
        cx, &(lws_dhcpc_req_t){
                .iface = iface, .af = af, .cb = cb, .opaque = opaque});
}

static void dhcpc_remove_one(struct lws__dhcpc_if *ifc)
{
    struct lws__dhcpc_out o;

    ifc->dead = true;
    lws_sul_cancel(&ifc->sul);
    if (ifc->started) {
        lws__dhcpc_core_stop(&ifc->core, lws_now_usecs(),
                             !ifc->d->info.no_release_on_remove, &o);
        (void)dhcpc_run(ifc, &o); /* frees ifc unless its cb is running */
    } else if (!ifc->busy) {
        dhcpc_free_if(ifc);
    }
}

int lws_dhcpc_remove(struct lws_context *cx, const char *iface)
{
    struct lws__dhcpc *d = dhcpc_get(cx);
    struct lws__dhcpc_if *ifc;
    int removed = 0;

    if (!d)
        return 1;
    LWS__LOOP_ONLY(cx);
    /* RELEASED callbacks run inside this call and may destroy the context:
     * the guard keeps its memory until we leave. */
    lws__api_enter(cx);
    /* Rescan after each removal: its callback may remove others (they are
     * marked dead) or destroy the context. */
    while (!lws__cx_gone(d->cx) && (ifc = dhcpc_find(d, iface))) {
        dhcpc_remove_one(ifc);
        removed++;
    }
    if (removed && !lws__cx_gone(d->cx))
        dhcpc_maybe_redrive(d);
    lws__api_leave(cx); /* may free the context */
    return removed ? 0 : 1;
}

int lws_dhcpc_status(struct lws_context *cx, lws_sockaddr46 *sa46)
{
    struct lws__dhcpc *d = dhcpc_get(cx);

    if (!d)
        return 0;
    LWS__LOOP_ONLY(cx);
    for (lws_dll2_t *p = d->ifs.head; p; p = p->next) {
        struct lws__dhcpc_if *ifc =
            lws_container_of(p, struct lws__dhcpc_if, list);
        uint32_t dns = ifc->core.lease.dns[0];

        if (ifc->dead || !lws__dhcpc_core_bound(&ifc->core))
            continue;
        if (sa46) {
            /* as is.sa46[LWSDH_SA46_DNS_SRV_1] of lws_dhcpc_get_ifstate() */
            memset(sa46, 0, sizeof(*sa46));
            if (dns) {
                sa46->sa4.sin_family = AF_INET;
                sa46->sa4.sin_addr.s_addr = htonl(dns);
            }
        }
        return 1;
    }
    return 0;
}

int lws_dhcpc_get_ifstate(struct lws_context *cx, const char *iface,
                          lws_dhcpc_ifstate_t *is)
{
    struct lws__dhcpc *d = dhcpc_get(cx);
    struct lws__dhcpc_if *ifc;

    if (!d || !iface || !is)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    ifc = dhcpc_find(d, iface);
    if (!ifc)
        return -ENOENT;
    /* zeros before a start */
    dhcpc_user_state(ifc, &ifc->core.lease, is, !ifc->core.have_lease);
    is->state = ifc->core.state;
    is->event = ifc->core.last_event;
    return 0;
}
