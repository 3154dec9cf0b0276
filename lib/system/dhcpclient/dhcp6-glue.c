/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv6 client glue: one core per interface driven by a sul timer and
 * its UDP socket (port 546, tied to the interface, adopted on the caller's
 * protocol: no protocol, and no per-vhost memory, of its own), started and
 * stopped by the router-advertisement glue with the link state and the
 * RA's M/O flags, which also hands it its socket's datagrams.  It sends what
 * the core built to ff02::1:2, puts the IA_NA address on the interface and
 * takes it off (the application's dhcpc6_apply op, or rtnetlink with the
 * lease's lifetimes, so the kernel also drops it if we cannot), and
 * publishes what it learnt on the news list and lws_smd.  The op is the one
 * application code run from here: from a timer of its own (d6_sync()), or
 * inside lws__dhcp6_if_free(), whose caller has forgotten @d already.
 */
#define LWS_LOGMOD dhcp6
#include "private-dhcp6.h"

#include <arpa/inet.h>

_Static_assert(LWS__D6_S_DECLINE == LWS_DHCPC6_D6_DECLINE &&
                   LWS__D6_S_REBIND == LWS_DHCPC6_D6_REBIND &&
                   LWS__D6_S_BOUND == LWS_DHCPC6_D6_BOUND &&
                   LWS__D6_S_INFO == LWS_DHCPC6_D6_INFO,
               "public DHCPv6 states are the core's");
_Static_assert(sizeof(((lws_dhcpc6_ifstate_t *)0)->dhcp6_domains) ==
                       sizeof(((struct lws__d6_info *)0)->domain) &&
                   sizeof(((lws_dhcpc6_ifstate_t *)0)->dhcp6_ntp_fqdn) ==
                       sizeof(((struct lws__d6_info *)0)->ntp_fqdn) &&
                   sizeof(((lws_dhcpc6_ifstate_t *)0)->dhcp6_captive_portal) ==
                       sizeof(((struct lws__d6_info *)0)->captive) &&
                   LWS__D6_MAX_DNS <= LWS_DHCPC6_MAX_DNS &&
                   LWS__D6_MAX_NTP <= LWS_DHCPC6_MAX_DNS,
               "public DHCPv6 arrays hold the core's");

static void d6_sul_cb(lws_sorted_usec_list_t *sul);

static uint32_t d6_rand(void *ctx)
{
    return lws__random_u32(((struct lws__dhcp6_if *)ctx)->cx);
}

void lws__d6_sa6(lws_sockaddr46 *sa, const uint8_t *a)
{
    memset(sa, 0, sizeof(*sa));
    sa->sa6.sin6_family = AF_INET6;
    memcpy(&sa->sa6.sin6_addr, a, 16);
}

uint32_t lws__d6_left(lws_usec_t exp, lws_usec_t now)
{
    if (exp == LWS__RA6_NEVER)
        return LWS__D6_INFINITE;
    return exp > now ? (uint32_t)((exp - now) / LWS_US_PER_SEC) : 0;
}

/* The addresses @a[@n] as sockaddr46 (@sa has room for @n). */
static size_t d6_sa6s(lws_sockaddr46 *sa, const uint8_t (*a)[16], size_t n)
{
    for (size_t i = 0; i < n; i++)
        lws__d6_sa6(&sa[i], a[i]);
    return n;
}

static void d6_publish(struct lws__dhcp6_if *d)
{
    const struct lws__d6_info *in = &d->core.info;
    lws_sockaddr46 sa[LWS__D6_MAX_NTP];
    const char *names[LWS__D6_MAX_DOMAIN];
    struct lws__news n = {.iface = d->ifname, .sa46 = sa, .names = names};

    n.kind = LWS__NEWS_DHCP6_INFO;
    n.n = d6_sa6s(sa, in->dns, in->ndns);
    for (n.nnames = 0; n.nnames < in->ndomain; n.nnames++)
        names[n.nnames] = in->domain[n.nnames];
    lws__news_publish(d->cx, &n);
    n.kind = LWS__NEWS_NTP6_SERVERS;
    n.n = 0;
    for (int i = 0; i < in->nntp; i++)
        if (in->ntp[i][0] != 0xff) /* RFC 5908 multicast: not to ask */
            lws__d6_sa6(&sa[n.n++], in->ntp[i]);
    for (n.nnames = 0; n.nnames < in->nntp_fqdn; n.nnames++)
        names[n.nnames] = in->ntp_fqdn[n.nnames];
    lws__news_publish(d->cx, &n);
    lws__news_publish(d->cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                                 .iface = d->ifname,
                                                 .uri = in->captive});
    lwsl_notice("%s: DHCPv6 gave %u DNS, %u domain(s), %u+%u NTP%s%s",
                d->ifname, in->ndns, in->ndomain, in->nntp, in->nntp_fqdn,
                in->captive[0] ? ", portal " : "", in->captive);
}

/* Puts @l on the interface or takes it off: the application's dhcpc6_apply
 * op, else rtnetlink. */
static int d6_apply(struct lws__dhcp6_if *d, const lws_dhcpc6_lease_t *l,
                    int op)
{
    if (d->cx->ops.dhcpc6_apply)
        return d->cx->ops.dhcpc6_apply(d->cx, l, op);
    return lws__dhcp6_nl_addr(l->ifindex, l->addr.sa6.sin6_addr.s6_addr,
                              l->preferred_secs, l->valid_secs,
                              op == LWS_DHCPC_APPLY_ADD);
}

/* Brings the interface to the core's address: a REMOVE of what is there if
 * the core holds another or none, an ADD when the address or its lifetimes
 * changed.  The op may remove @d (dead) or destroy the context: @d stays
 * while it runs (busy), what changed meanwhile is done after it, and a dead
 * @d is freed here.  @return true if @d was freed. */
static bool d6_sync(struct lws__dhcp6_if *d)
{
    const struct lws__d6_core *c = &d->core;
    lws_dhcpc6_lease_t l;
    char a[48];
    int op, e;

    while (!d->busy) {
        if (d->applied &&
            (!c->have_addr || memcmp(&d->ap.addr.sa6.sin6_addr, c->addr, 16))) {
            l = d->ap;
            op = LWS_DHCPC_APPLY_REMOVE;
        } else if (c->have_addr && d->apply_due) {
            memset(&l, 0, sizeof(l));
            memcpy(l.ifname, d->ifname, sizeof(l.ifname));
            l.ifindex = d->ifindex;
            lws__d6_sa6(&l.addr, c->addr);
            l.prefix_len = 128;
            l.preferred_secs = c->preferred_s;
            l.valid_secs = c->valid_s;
            l.t1_secs = c->t1_s;
            l.t2_secs = c->t2_s;
            d->apply_due = false;
            op = LWS_DHCPC_APPLY_ADD;
        } else {
            break;
        }
        inet_ntop(AF_INET6, &l.addr.sa6.sin6_addr, a, sizeof(a));
        d->busy = true;
        e = d6_apply(d, &l, op);
        d->busy = false;
        if (op == LWS_DHCPC_APPLY_REMOVE) {
            if (e && e != -EADDRNOTAVAIL)
                lwsl_warn("%s: removing %s: %s", d->ifname, a, strerror(-e));
            d->applied = false;
            lws__news_publish(d->cx,
                              &(struct lws__news){.kind = LWS__NEWS_LEASE6,
                                                  .iface = d->ifname});
            continue;
        }
        if (e) {
            lwsl_err("%s: cannot add %s/128: %s", d->ifname, a, strerror(-e));
            if (e == -EADDRINUSE && !d->dead) /* the op's: DAD failed */
                lws__dhcp6_if_dad(d, c->addr);
            continue;
        }
        d->applied = true;
        d->ap = l;
        lwsl_notice("%s: %s/128 applied (preferred %us, valid %us)", d->ifname,
                    a, l.preferred_secs, l.valid_secs);
        lws__news_publish(d->cx,
                          &(struct lws__news){.kind = LWS__NEWS_LEASE6,
                                              .iface = d->ifname,
                                              .sa46 = &l.addr,
                                              .n = 1,
                                              .preferred_s = l.preferred_secs,
                                              .valid_s = l.valid_secs});
    }
    if (!d->dead || d->busy)
        return false;
    lws__free(d);
    return true;
}

static void d6_apply_cb(lws_sorted_usec_list_t *sul)
{
    d6_sync(lws_container_of(sul, struct lws__dhcp6_if, sul_apply));
}

/* Carries out what the core asked for. */
static void d6_run(struct lws__dhcp6_if *d, const struct lws__d6_out *o)
{
    lws_usec_t now = lws_now_usecs();

    if (o->len && d->wsi) {
        int e = LWS__FI_OR(d->cx, "dhcp6.tx", -ENOBUFS,
                           lws__dhcp6_sock_send(lws_get_socket_fd(d->wsi),
                                                d->ifindex, o->pkt, o->len));

        /* lost like a datagram: the core retransmits */
        if (e)
            lwsl_info("%s: send: %s", d->ifname, strerror(-e));
    }
    /* the application's op runs from the loop, never inside this */
    if (o->unapply || (o->changed & LWS__D6_CH_ADDR)) {
        d->apply_due = true;
        lws_sul_schedule(d->cx, 0, &d->sul_apply, d6_apply_cb, 0);
    }
    if (o->changed & LWS__D6_CH_INFO)
        d6_publish(d);
    if (o->changed & LWS__D6_CH_STATE)
        lws__smd_publish(d->cx, LWSSMDCL_NETWORK,
                         "{\"type\":\"dhcp6\",\"if\":\"%s\",\"state\":\"%s\","
                         "\"addr\":%d}",
                         d->ifname, lws__d6_state_name(d->core.state),
                         d->core.have_addr);
    if (o->wake || d->linger) /* (lingering: freed from the timer) */
        lws_sul_schedule(d->cx, 0, &d->sul, d6_sul_cb,
                         o->wake > now ? o->wake - now : 0);
    else
        lws_sul_cancel(&d->sul);
}

static void d6_start(struct lws__dhcp6_if *d);

static void d6_sul_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__dhcp6_if *d = lws_container_of(sul, struct lws__dhcp6_if, sul);
    struct lws__d6_out o;

    if (d->linger && (!d->wsi || !d->core.state)) { /* Release done */
        lws__dhcp6_if_free(d, NULL);
        return;
    }
    if (!d->wsi) { /* the socket could not be opened: again */
        d6_start(d);
        return;
    }
    lws__d6_core_timer(&d->core, lws_now_usecs(), &o);
    d6_run(d, &o);
}

static int d6_open(struct lws__dhcp6_if *d)
{
    uint8_t mac[6];
    bool up;
    int idx;

    if (d->wsi)
        return 0;
    /* (not Ethernet: its address all the same) */
    if (lws__if_info(d->ifname, &idx, &up, mac) < 0) {
        lwsl_err("%s: no hardware address for a DUID", d->ifname);
        return -ENODEV;
    }
    /* DUID-LL (RFC 8415 §11.4): stable without storage */
    d->cfg.duid_len = (uint8_t)lws__d6_duid(d->cfg.duid, mac, 0);
    d->cfg.iaid = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
                  (uint32_t)mac[4] << 8 | mac[5];
    /* [::]:546 tied to the interface (SO_BINDTODEVICE, SO_REUSEADDR) */
    d->wsi = lws_create_adopt_udp(d->vh, "::", 546, LWS_CAUDP_BIND, d->proto,
                                  d->ifname, NULL, d, NULL, NULL);
    return d->wsi ? 0 : -EIO; /* logged */
}

struct lws__dhcp6_if *lws__dhcp6_if_new(struct lws_context *cx,
                                        struct lws_vhost *vh,
                                        const char *ifname, const char *proto)
{
    struct lws__dhcp6_if *d = lws__calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->cx = cx;
    d->vh = vh;
    d->proto = proto;
    memcpy(d->ifname, ifname, strnlen(ifname, sizeof(d->ifname) - 1));
    lws__d6_core_init(&d->core, &d->cfg, d6_rand, d);
    return d;
}

static void d6_stop(struct lws__dhcp6_if *d)
{
    struct lws__d6_out o;

    lws__d6_core_stop(&d->core, &o);
    d6_run(d, &o); /* the information is forgotten: published empty */
}

static void d6_start(struct lws__dhcp6_if *d)
{
    struct lws__d6_out o;

    if (d6_open(d)) { /* logged; again in 5 s */
        lws_sul_schedule(d->cx, 0, &d->sul, d6_sul_cb, 5 * LWS_US_PER_SEC);
        return;
    }
    lws__d6_core_ra(&d->core, lws_now_usecs(), d->flags, &o);
    d6_run(d, &o);
}

void lws__dhcp6_if_ra(struct lws__dhcp6_if *d, int ifindex, bool up,
                      uint8_t flags)
{
    flags &= LWS__RA6_F_MANAGED | LWS__RA6_F_OTHER;
    if (!up || (d->ifindex && d->ifindex != ifindex)) {
        if (d->core.state != LWS__D6_S_STOPPED)
            d6_stop(d);
        lws__wsi_close_detached(&d->wsi);
        lws_sul_cancel(&d->sul);
        d->flags = 0;
        if (!up)
            return;
    }
    d->ifindex = ifindex;
    if (!flags || (flags == d->flags && d->core.state != LWS__D6_S_STOPPED))
        return;
    d->flags = flags;
    d6_start(d);
}

void lws__dhcp6_if_free(struct lws__dhcp6_if *d, lws_dll2_owner_t *linger)
{
    struct lws__d6_out o;

    if (!d)
        return;
    lws_dll2_remove(&d->list);
    if (linger && d->wsi && d->core.have_addr) {
        /* the address off now (the REMOVE inside this call), the
         * Release retransmitted from @linger until done */
        lws_dll2_add_tail(&d->list, linger);
        d->linger = true;
        lws__d6_core_release(&d->core, lws_now_usecs(), &o);
        d6_run(d, &o);
        lws_sul_cancel(&d->sul_apply);
        d6_sync(d);
        return;
    }
    if (d->core.state != LWS__D6_S_STOPPED)
        d6_stop(d);
    lws_sul_cancel(&d->sul);
    lws_sul_cancel(&d->sul_apply);
    lws__wsi_close_detached(&d->wsi);
    d->dead = true;
    d6_sync(d); /* the address off (op or rtnetlink), then freed */
}

size_t lws__dhcp6_if_dns(const struct lws__dhcp6_if *d, lws_sockaddr46 *sa,
                         size_t max)
{
    size_t n;

    if (!d)
        return 0;
    n = d->core.info.ndns < max ? d->core.info.ndns : max;
    return sa ? d6_sa6s(sa, d->core.info.dns, n) : n;
}

void lws__dhcp6_if_fill(const struct lws__dhcp6_if *d, lws_dhcpc6_ifstate_t *is)
{
    const struct lws__d6_core *c = &d->core;
    const struct lws__d6_info *in = &c->info;
    lws_usec_t now = lws_now_usecs();

    is->dhcp6_state = c->state;
    if (c->have_addr) {
        lws__d6_sa6(&is->dhcp6_addr, c->addr);
        is->dhcp6_preferred_secs = c->preferred_s;
        is->dhcp6_valid_secs = c->valid_s;
        is->dhcp6_valid_left = lws__d6_left(c->valid_at, now);
        is->dhcp6_t1_secs = c->t1_s;
        is->dhcp6_t2_secs = c->t2_s;
        is->dhcp6_rapid_commit = c->rapid;
    }
    is->dhcp6_server_duid_len = c->sid_len;
    memcpy(is->dhcp6_server_duid, c->sid, c->sid_len);
    is->dhcp6_replies = c->replies;
    is->dhcp6_dropped = c->dropped;
    is->dhcp6_refused = c->refused;
    is->dhcp6_dns_count = (uint8_t)d6_sa6s(is->dhcp6_dns, in->dns, in->ndns);
    is->dhcp6_ntp_count = (uint8_t)d6_sa6s(is->dhcp6_ntp, in->ntp, in->nntp);
    is->dhcp6_domain_count = in->ndomain;
    memcpy(is->dhcp6_domains, in->domain, sizeof(is->dhcp6_domains));
    is->dhcp6_ntp_fqdn_count = in->nntp_fqdn;
    memcpy(is->dhcp6_ntp_fqdn, in->ntp_fqdn, sizeof(is->dhcp6_ntp_fqdn));
    memcpy(is->dhcp6_captive_portal, in->captive,
           sizeof(is->dhcp6_captive_portal));
}

void lws__dhcp6_if_rx(struct lws__dhcp6_if *d, const void *in, size_t len)
{
    struct lws__d6_out o;

    lws__d6_core_rx(&d->core, lws_now_usecs(), in, len, &o);
    d6_run(d, &o);
}

void lws__dhcp6_if_dad(struct lws__dhcp6_if *d, const uint8_t *addr)
{
    struct lws__d6_out o;

    lws__d6_core_dad(&d->core, lws_now_usecs(), addr, &o);
    d6_run(d, &o);
}

void lws__dhcp6_if_closed(struct lws__dhcp6_if *d)
{
    d->wsi = NULL;
}
