/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Router-advertisement client glue: the "lws-ra6" protocol on the system
 * vhost, one core per requested interface driven by a sul timer, by its
 * ICMPv6 socket and by an rtnetlink monitor (links up and down, the global
 * addresses the kernel's SLAAC made); what the cores learn goes to the
 * resolver through the news list (RDNSS), to lws_smd, and to the public
 * status calls.  No application callback runs from here but the DHCPv6
 * glue's dhcpc6_apply op inside lws__dhcp6_if_free(), called last, with
 * the interface already forgotten.
 */
#define LWS_LOGMOD ra6
#include "private-ra6.h"

#include <arpa/inet.h>

#define RA6_RX_BUF 1500

static void ra6_sul_cb(lws_sorted_usec_list_t *sul);

static struct lws__ra6 *ra6_get(struct lws_context *cx)
{
    return cx ? (struct lws__ra6 *)LWS__HELPER(cx, RA6) : NULL;
}

static struct lws__ra6_if *ra6_find(struct lws__ra6 *r, const char *ifname,
                                    int ifindex)
{
    for (lws_dll2_t *p = r->ifs.head; p; p = p->next) {
        struct lws__ra6_if *ifc = lws_container_of(p, struct lws__ra6_if, list);

        if (ifname ? !strcmp(ifc->ifname, ifname)
                   : ifindex && ifc->ifindex == ifindex)
            return ifc;
    }
    return NULL;
}

static uint32_t ra6_rand(void *ctx)
{
    return lws__random_u32(((struct lws__ra6 *)ctx)->cx);
}

static void ra6_sa6(lws_sockaddr46 *sa, const uint8_t *a, int ifindex)
{
    lws__d6_sa6(sa, a);
    if (lws__ra6_addr_linklocal(a))
        sa->sa6.sin6_scope_id = (uint32_t)ifindex;
}

/* ------------------------------------------------------------------------
 * What changed: the resolver, lws_smd, the log
 */

/* IPv6 is usable: a default router, a global address and a DNS server
 * (RDNSS or DHCPv6). */
static bool ra6_usable(const struct lws__ra6_if *ifc)
{
    const struct lws__ra6_core *c = &ifc->core;

    return lws__ra6_core_usable(c) ||
           (lws__ra6_core_count(c, LWS__RA6_CH_ROUTERS) &&
            lws__ra6_core_count(c, LWS__RA6_CH_ADDRS) &&
            lws__dhcp6_if_dns(ifc->d6, NULL, 1));
}

/* The RDNSS servers, then DHCPv6's, as one set for the interface. */
static void ra6_publish_dns(struct lws__ra6_if *ifc)
{
    lws_sockaddr46 sa[LWS__RA6_RDNSS + LWS__D6_MAX_DNS];
    size_t n = 0;

    for (int i = 0; i < LWS__RA6_RDNSS; i++) {
        const struct lws__ra6_timed *t = &ifc->core.rdnss[i];

        if (!t->expires)
            continue;
        if (lws__ra6_addr_linklocal(t->addr)) {
            /* the resolver's transport takes no scope id */
            lwsl_warn("%s: link-local RDNSS server not usable by the "
                      "resolver",
                      ifc->ifname);
            continue;
        }
        ra6_sa6(&sa[n++], t->addr, ifc->ifindex);
    }
    n += lws__dhcp6_if_dns(ifc->d6, sa + n, LWS__D6_MAX_DNS);
    if (!n && !ifc->ndns_pub)
        return;
    ifc->ndns_pub = (int)n;
    lws__news_publish(ifc->r->cx,
                      &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                          .iface = ifc->ifname,
                                          .sa46 = sa,
                                          .n = n});
}

/* A default router and a global address, for the DHCP step's policy and
 * RFC 8925 (the DHCPv4 client), when they change. */
static void ra6_publish_v6(struct lws__ra6_if *ifc, unsigned v6)
{
    if (v6 == ifc->v6_pub)
        return;
    ifc->v6_pub = (uint8_t)v6;
    lws__news_publish(ifc->r->cx, &(struct lws__news){.kind = LWS__NEWS_IP6,
                                                      .iface = ifc->ifname,
                                                      .v6 = (uint8_t)v6});
}

static void ra6_changed(struct lws__ra6_if *ifc, unsigned ch)
{
    static const unsigned kinds[] = {LWS__RA6_CH_ROUTERS, LWS__RA6_CH_RDNSS,
                                     LWS__RA6_CH_DNSSL, LWS__RA6_CH_PREFIXES,
                                     LWS__RA6_CH_ADDRS};
    const struct lws__ra6_core *c = &ifc->core;
    int k[5];

    if (ch & LWS__RA6_CH_RDNSS)
        ra6_publish_dns(ifc);
    for (int i = 0; i < 5; i++)
        k[i] = lws__ra6_core_count(c, kinds[i]);
    ra6_publish_v6(ifc, (k[0] ? LWS_DHCPC_V6_ROUTER : 0) |
                            (k[4] ? LWS_DHCPC_V6_ADDR : 0));
    lws__smd_tell(ifc->r->cx,
                  "{\"type\":\"ra6\",\"if\":\"%s\",\"routers\":%d,"
                  "\"dns\":%d,\"domains\":%d,\"prefixes\":%d,"
                  "\"addrs\":%d,\"m\":%d,\"o\":%d,\"usable\":%d}",
                  ifc->ifname, k[0], k[1], k[2], k[3], k[4],
                  !!(c->flags & LWS__RA6_F_MANAGED),
                  !!(c->flags & LWS__RA6_F_OTHER), ra6_usable(ifc));
    if (ch & LWS__RA6_CH_CAPTIVE) {
        lws__news_publish(ifc->r->cx,
                          &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                              .iface = ifc->ifname,
                                              .uri = c->captive});
        /* the codec let only URI characters through: no JSON escaping */
        lws__smd_tell(ifc->r->cx,
                      "{\"type\":\"ra6\",\"if\":\"%s\",\"portal\":\"%s\"}",
                      ifc->ifname, c->captive);
    }
}

/* Carries out what the core asked for. */
static void ra6_run(struct lws__ra6_if *ifc, const struct lws__ra6_out *o)
{
    lws_usec_t now = lws_now_usecs();
    struct lws__ra6_out o2;

    if (o->send_rs && ifc->wsi) {
        uint8_t rs[LWS__RA6_RS_LEN];
        size_t len = lws__ra6_rs_build(rs, sizeof(rs));
        int e = LWS__FI_OR(ifc->r->cx, "dhcp6.tx", -ENOBUFS,
                           lws__ra6_icmp_send(lws_get_socket_fd(ifc->wsi),
                                              ifc->ifindex, rs, len));

        if (e) {
            /* before DAD ends there is no source address yet: soon again
             * (the core's timer replaces the one in @o) */
            lwsl_info("%s: RS not sent: %s", ifc->ifname, strerror(-e));
            lws__ra6_core_rs_failed(&ifc->core, now, &o2);
            o2.changed |= o->changed;
            o = &o2;
        } else {
            lwsl_debug("%s: RS sent", ifc->ifname);
        }
    }
    if (o->wake)
        lws_sul_schedule(ifc->r->cx, 0, &ifc->sul, ra6_sul_cb,
                         o->wake > now ? o->wake - now : 0);
    else
        lws_sul_cancel(&ifc->sul);
    if (o->changed)
        ra6_changed(ifc, o->changed);
    /* DHCPv6 follows the link and the M/O flags (RFC 8415 §18.2) */
    if ((o->changed & LWS__RA6_CH_FLAGS) || !ifc->link_up)
        lws__dhcp6_if_ra(ifc->d6, ifc->ifindex,
                         ifc->link_up && ifc->core.state != LWS__RA6_ST_STOPPED,
                         ifc->core.flags);
}

/* ------------------------------------------------------------------------
 * Interfaces: starting, link changes, timers, reception
 */

static int ra6_open(struct lws__ra6_if *ifc)
{
    int fd;

    if (ifc->wsi)
        return 0;
    fd = lws__ra6_icmp_open(ifc->ifname);
    if (fd < 0) {
        lwsl_err("%s: cannot open the ICMPv6 socket: %s", ifc->ifname,
                 strerror(-fd));
        return fd;
    }
    ifc->wsi = lws__wsi_adopt(ifc->r->vh, LWS__RA6_PROTOCOL, fd,
                              LWS__WSI_RX_NOTIFY, ifc);
    if (!ifc->wsi) {
        lwsl_err("%s: cannot adopt the ICMPv6 socket", ifc->ifname);
        return -ENOMEM;
    }
    return 0;
}

static void ra6_link(struct lws__ra6_if *ifc, bool up)
{
    struct lws__ra6_out o;
    bool running = ifc->core.state != LWS__RA6_ST_STOPPED;

    ifc->link_up = up;
    if (up == running)
        return;
    lwsl_info("%s: link %s", ifc->ifname, up ? "up" : "down");
    if (!up) {
        lws__ra6_core_stop(&ifc->core, lws_now_usecs(), &o);
        ra6_run(ifc, &o);
        return;
    }
    if (ra6_open(ifc)) { /* logged; tried again in a second */
        lws_sul_schedule(ifc->r->cx, 0, &ifc->sul, ra6_sul_cb, LWS_US_PER_SEC);
        return;
    }
    lws__ra6_core_start(&ifc->core, lws_now_usecs(), &o);
    ra6_run(ifc, &o);
}

/* First look at a requested interface (from the loop, never inside
 * lws_dhcpc6_request()). */
static void ra6_kick(struct lws__ra6_if *ifc)
{
    struct lws__ra6 *r = ifc->r;
    bool up = false;
    int idx = 0;

    if (lws__if_info(ifc->ifname, &idx, &up, NULL)) {
        lwsl_info("%s: not there yet", ifc->ifname);
        if (!r->wsi_nl) /* no monitor: poll for it */
            lws_sul_schedule(r->cx, 0, &ifc->sul, ra6_sul_cb, LWS_US_PER_SEC);
        return;
    }
    ifc->ifindex = idx;
    /* the addresses already there: list them (again), unless the first
     * listing is still to come */
    if (r->wsi_nl && r->dump == 2) {
        r->dump = 1;
        lws__ra6_nl_dump(lws_get_socket_fd(r->wsi_nl), ++r->nl_seq, true);
    } else if (r->wsi_nl && r->dump == 1) {
        r->redump = true;
    }
    ra6_link(ifc, up);
}

static void ra6_sul_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__ra6_if *ifc = lws_container_of(sul, struct lws__ra6_if, sul);
    struct lws__ra6_out o;

    if (!ifc->ifindex) {
        ra6_kick(ifc);
        return;
    }
    if (ifc->core.state == LWS__RA6_ST_STOPPED) {
        if (ifc->link_up) /* the socket could not be opened: again */
            ra6_link(ifc, true);
        return;
    }
    lws__ra6_core_timer(&ifc->core, lws_now_usecs(), &o);
    ra6_run(ifc, &o);
}

static void ra6_rx(struct lws__ra6_if *ifc)
{
    uint8_t buf[RA6_RX_BUF], src[16];
    struct lws__ra6_out o;

    for (;;) {
        int hops = -1, n;

        if (!ifc->wsi)
            return;
        n = lws__ra6_icmp_recv(lws_get_socket_fd(ifc->wsi), buf, sizeof(buf),
                               src, &hops);
        if (n <= 0)
            return;
        lws__ra6_core_rx(&ifc->core, lws_now_usecs(), src, hops, buf, (size_t)n,
                         &o);
        ra6_run(ifc, &o);
    }
}

static void ra6_on_nl(void *ctx, const struct lws__ra6_nl_ev *e)
{
    struct lws__ra6 *r = ctx;
    struct lws__ra6_if *ifc;
    struct lws__ra6_out o;

    if (!e->is_addr) {
        ifc = ra6_find(r, e->ifname, 0);
        if (!ifc)
            return;
        if (e->removed || (ifc->ifindex && ifc->ifindex != e->ifindex)) {
            /* gone, or re-created: the socket is tied to the old one */
            ra6_link(ifc, false);
            lws__wsi_close_detached(&ifc->wsi);
            ifc->ifindex = 0;
            if (e->removed)
                return;
        }
        ifc->ifindex = e->ifindex;
        ra6_link(ifc, e->up);
        return;
    }
    ifc = ra6_find(r, NULL, e->ifindex);
    if (!ifc)
        return;
    if (e->dadfailed) /* (a lease's address: RTM_DELADDR, the kernel's) */
        lws__dhcp6_if_dad(ifc->d6, e->addr);
    lws__ra6_core_addr(&ifc->core, lws_now_usecs(), e->addr, e->plen,
                       e->removed || !e->usable, &o);
    ra6_run(ifc, &o);
}

static void ra6_nl_rx(struct lws__ra6 *r)
{
    int fd = lws_get_socket_fd(r->wsi_nl);
    bool done = false;
    int e = lws__ra6_nl_read(fd, ra6_on_nl, r, &done);

    if (e == -ENOBUFS) {
        lwsl_warn("IPv6 monitor overrun: listing links again");
        r->dump = 0;
        lws__ra6_nl_dump(fd, ++r->nl_seq, false);
        return;
    }
    if (!done || r->dump == 2)
        return;
    /* links listed: now the addresses; after those, again if asked */
    if (r->dump == 0 || r->redump) {
        r->redump = false;
        r->dump = 1;
        lws__ra6_nl_dump(fd, ++r->nl_seq, true);
        return;
    }
    r->dump = 2;
}

/* ------------------------------------------------------------------------
 * Protocol
 */

static void ra6_free_if(struct lws__ra6_if *ifc, lws_dll2_owner_t *linger)
{
    struct lws__dhcp6_if *d6 = ifc->d6;

    lws_sul_cancel(&ifc->sul);
    lws__wsi_close_detached(&ifc->wsi);
    lws_dll2_remove(&ifc->list);
    lws__free(ifc);
    /* last, with @ifc gone: its dhcpc6_apply op may remove interfaces or
     * destroy the context */
    lws__dhcp6_if_free(d6, linger);
}

/* DHCPv6 information changed on one of ours: its DNS servers join the
 * RA's for the resolver. */
static void ra6_news(struct lws_context *cx, const struct lws__news *news,
                     void *opaque)
{
    struct lws__ra6_if *ifc;

    (void)cx;
    if (news->kind != LWS__NEWS_DHCP6_INFO)
        return;
    ifc = ra6_find(opaque, news->iface, 0);
    if (ifc)
        ra6_publish_dns(ifc);
}

/* The instance, made at the first request: a context that never asks for
 * IPv6 holds no memory and no socket for it (and its loop sees no
 * rtnetlink traffic). */
static struct lws__ra6 *ra6_instance(struct lws_context *cx)
{
    struct lws__ra6 *r = ra6_get(cx);
    int fd;

    if (r)
        return r;
    r = lws__calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cx = cx;
    r->vh = cx->vhost_system;
    /* RFC 4861 §10 */
    r->cfg.rs_count = 3;
    r->cfg.rs_interval_ms = 4000;
    r->cfg.rs_delay_max_ms = 1000;
    LWS__HELPER(cx, RA6) = r;
    r->news.cb = ra6_news;
    r->news.opaque = r;
    lws__news_subscribe(cx, &r->news);
    fd = lws__ra6_nl_open();
    if (fd >= 0)
        r->wsi_nl =
            lws__wsi_adopt(r->vh, LWS__RA6_PROTOCOL, fd, LWS__WSI_RX_NOTIFY, r);
    if (!r->wsi_nl ||
        lws__ra6_nl_dump(lws_get_socket_fd(r->wsi_nl), ++r->nl_seq, false)) {
        lwsl_warn("no IPv6 monitor: links assumed up, addresses unknown");
        lws__wsi_close_detached(&r->wsi_nl);
    }
    return r;
}

static void ra6_destroy(struct lws_context *cx)
{
    struct lws__ra6 *r = ra6_get(cx);

    if (!r)
        return;
    while (r->ifs.head)
        ra6_free_if(lws_container_of(r->ifs.head, struct lws__ra6_if, list),
                    NULL);
    while (r->releasing.head) /* their first Release went */
        lws__dhcp6_if_free(
            lws_container_of(r->releasing.head, struct lws__dhcp6_if, list),
            NULL);
    lws__news_unsubscribe(&r->news);
    lws__wsi_close_detached(&r->wsi_nl);
    LWS__HELPER(cx, RA6) = NULL;
    lws__free(r);
}

/* Whether @op is one of @r's interfaces (else a DHCPv6 client's). */
static bool ra6_is_if(struct lws__ra6 *r, const void *op)
{
    for (struct lws_dll2 *p = r->ifs.head; p; p = p->next)
        if (op == lws_container_of(p, struct lws__ra6_if, list))
            return true;
    return false;
}

static int ra6_callback(struct lws *wsi, enum lws_callback_reasons reason,
                        void *user, void *in, size_t len)
{
    struct lws__ra6 *r = ra6_get(lws_get_context(wsi));
    void *op = lws_get_opaque_user_data(wsi);

    (void)user;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        ra6_destroy(lws_get_context(wsi));
        break;
    case LWS_CALLBACK_RAW_RX:
        if (!r || !op)
            break;
        if (op == r)
            ra6_nl_rx(r);
        else if (in) /* the DHCPv6 socket (UDP: the datagram comes in) */
            lws__dhcp6_if_rx(op, in, len);
        else
            ra6_rx(op);
        break;
    case LWS_CALLBACK_RAW_CLOSE:
        if (!r || !op) /* (what r owned closes detached) */
            break;
        if (op == r)
            r->wsi_nl = NULL;
        else if (ra6_is_if(r, op))
            ((struct lws__ra6_if *)op)->wsi = NULL;
        else /* a DHCPv6 socket, perhaps of a Release lingering */
            lws__dhcp6_if_closed(op);
        break;
    default:
        break;
    }
    return 0;
}

const struct lws_protocols lws__protocols_ra6[] = {
    {LWS__RA6_PROTOCOL, ra6_callback, 0, 0, 0, NULL, 0},
    LWS_PROTOCOL_LIST_TERM};

/* ------------------------------------------------------------------------
 * Public API
 */

int lws_dhcpc6_request(struct lws_context *cx, const char *iface)
{
    struct lws__ra6_if *ifc;
    struct lws__ra6 *r;

    if (!cx || !iface || !iface[0] || strlen(iface) >= sizeof(ifc->ifname)) {
        lwsl_err("%s: bad arguments", __func__);
        return -EINVAL;
    }
    LWS__LOOP_ONLY(cx);
    if (lws__cx_gone(cx))
        return -ECANCELED;
    r = ra6_instance(cx);
    if (r && ra6_find(r, iface, 0))
        return 0;
    ifc = r ? lws__calloc(1, sizeof(*ifc)) : NULL;
    if (ifc)
        ifc->d6 = lws__dhcp6_if_new(cx, r->vh, iface, LWS__RA6_PROTOCOL);
    if (!ifc || !ifc->d6) {
        lws__free(ifc);
        lwsl_err("%s: out of memory", __func__);
        return -ENOMEM;
    }
    ifc->r = r;
    memcpy(ifc->ifname, iface, strlen(iface) + 1);
    lws__ra6_core_init(&ifc->core, &r->cfg, ra6_rand, r);
    lws_dll2_add_tail(&ifc->list, &r->ifs);
    lws_sul_schedule(cx, 0, &ifc->sul, ra6_sul_cb, 0);
    lwsl_info("%s: requested", iface);
    return 0;
}

int lws_dhcpc6_remove(struct lws_context *cx, const char *iface)
{
    struct lws__ra6 *r;
    int removed = 0;

    if (!ra6_get(cx))
        return -ENOENT;
    LWS__LOOP_ONLY(cx);
    /* the dhcpc6_apply op runs inside (the REMOVE after the Release) and
     * may destroy the context: held until we leave; rescan after each */
    lws__api_enter(cx);
    while (!lws__cx_gone(cx) && (r = ra6_get(cx))) {
        struct lws__ra6_if *ifc =
            iface ? ra6_find(r, iface, 0)
            : r->ifs.head
                ? lws_container_of(r->ifs.head, struct lws__ra6_if, list)
                : NULL;

        if (!ifc)
            break;
        /* the servers are taken back from the resolver, then DHCPv6 goes
         * (its Release and the REMOVE of its address) */
        if (ifc->ndns_pub)
            lws__news_publish(
                cx, &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                        .iface = ifc->ifname});
        ra6_publish_v6(ifc, 0);
        ra6_free_if(ifc, &r->releasing);
        removed++;
    }
    lws__api_leave(cx); /* may free the context */
    return removed ? 0 : -ENOENT;
}

static void ra6_fill(const struct lws__ra6_if *ifc, lws_dhcpc6_ifstate_t *is)
{
    const struct lws__ra6_core *c = &ifc->core;
    lws_usec_t now = lws_now_usecs();

    memset(is, 0, sizeof(*is));
    memcpy(is->ifname, ifc->ifname, sizeof(is->ifname));
    is->ifindex = ifc->ifindex;
    is->ra_state = c->state;
    is->ras = c->ras;
    is->ras_dropped = c->ras_dropped;
    is->opts_refused = c->opts_refused;
    is->managed = !!(c->flags & LWS__RA6_F_MANAGED);
    is->other = !!(c->flags & LWS__RA6_F_OTHER);
    is->hop_limit = c->hop_limit;
    is->usable = ra6_usable(ifc);
    is->mtu = c->mtu;
    for (int i = 0; i < LWS__RA6_ROUTERS; i++)
        if (c->routers[i].expires)
            ra6_sa6(&is->routers[is->router_count++], c->routers[i].addr,
                    ifc->ifindex);
    for (int i = 0; i < LWS__RA6_RDNSS; i++)
        if (c->rdnss[i].expires) {
            is->dns_secs[is->dns_count] =
                lws__d6_left(c->rdnss[i].expires, now);
            ra6_sa6(&is->dns[is->dns_count++], c->rdnss[i].addr, ifc->ifindex);
        }
    for (int i = 0; i < LWS__RA6_DNSSL; i++)
        if (c->dnssl[i].expires)
            memcpy(is->domains[is->domain_count++], c->dnssl[i].name,
                   sizeof(is->domains[0]));
    for (int i = 0; i < LWS__RA6_PREFIXES; i++) {
        struct lws_dhcpc6_prefix *p = &is->prefixes[is->prefix_count];

        if (!c->prefixes[i].expires)
            continue;
        memcpy(p->prefix, c->prefixes[i].p.prefix, 16);
        p->len = c->prefixes[i].p.len;
        p->onlink = !!(c->prefixes[i].p.flags & LWS__RA6_PF_ONLINK);
        p->autoconf = !!(c->prefixes[i].p.flags & LWS__RA6_PF_AUTO);
        p->valid_secs = lws__d6_left(c->prefixes[i].expires, now);
        p->preferred_secs = c->prefixes[i].p.preferred_s;
        is->prefix_count++;
    }
    for (int i = 0; i < LWS__RA6_ADDRS; i++)
        if (c->addrs[i].used) {
            is->addr_plen[is->addr_count] = c->addrs[i].plen;
            ra6_sa6(&is->addrs[is->addr_count++], c->addrs[i].addr,
                    ifc->ifindex);
        }
    memcpy(is->captive_portal, c->captive, sizeof(is->captive_portal));
    lws__dhcp6_if_fill(ifc->d6, is);
}

int lws_dhcpc6_get_ifstate(struct lws_context *cx, const char *iface,
                           lws_dhcpc6_ifstate_t *is)
{
    struct lws__ra6 *r = ra6_get(cx);
    struct lws__ra6_if *ifc;

    if (!cx || !iface || !is)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    ifc = r ? ra6_find(r, iface, 0) : NULL;
    if (!ifc)
        return -ENOENT;
    ra6_fill(ifc, is);
    return 0;
}

int lws_dhcpc6_status(struct lws_context *cx, lws_sockaddr46 *sa46)
{
    struct lws__ra6 *r = ra6_get(cx);

    if (!r)
        return 0;
    LWS__LOOP_ONLY(cx);
    for (lws_dll2_t *p = r->ifs.head; p; p = p->next) {
        struct lws__ra6_if *ifc = lws_container_of(p, struct lws__ra6_if, list);

        if (!ra6_usable(ifc))
            continue;
        for (int i = 0; sa46 && i < LWS__RA6_RDNSS; i++)
            if (ifc->core.rdnss[i].expires) {
                ra6_sa6(sa46, ifc->core.rdnss[i].addr, ifc->ifindex);
                sa46 = NULL;
                break;
            }
        if (sa46)
            lws__dhcp6_if_dns(ifc->d6, sa46, 1);
        return 1;
    }
    return 0;
}
