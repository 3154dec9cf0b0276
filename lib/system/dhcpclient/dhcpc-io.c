/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client glue, the I/O side: lease persistence (file or callbacks),
 * the per-interface sockets as wsi (raw, UDP, ARP; packet sockets parked
 * rather than closed), sending what the core built, and applying leases
 * (system op, built-in rtnetlink, report only) with the hand-over of DNS
 * and NTP servers to the other helpers.
 */
#define LWS_LOGMOD dhcpc
#include "private-dhcpc.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define LEASE_MAGIC "LWSDHCP1"

/* ------------------------------------------------------------------------
 * Lease persistence (for INIT-REBOOT across restarts)
 */

static __attribute__((noinline)) int dhcpc_lease_path(struct lws__dhcpc *d,
                                                      const char *ifname,
                                                      char *buf, size_t len,
                                                      bool tmp)
{
    int n = snprintf(buf, len, "%s/dhcpc-%s.lease%s", d->lease_dir, ifname,
                     tmp ? ".tmp" : "");

    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int lws__dhcpc_lease_load(struct lws__dhcpc *d, const char *ifname,
                          struct lws_dhcpc_saved_lease *sl)
{
    uint8_t b[32];
    char path[256];
    struct lws__wire w;
    ssize_t n;
    int fd;

    if (d->info.lease_load)
        return d->info.lease_load(d->info.lease_user, ifname, sl);
    if (!d->lease_dir || dhcpc_lease_path(d, ifname, path, sizeof(path), 0))
        return -ENOENT;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    n = read(fd, b, sizeof(b));
    close(fd);
    lws__wire_init(&w, b, n > 0 ? (size_t)n : 0);
    if (!lws__wire_ptr(&w, 8) || memcmp(b, LEASE_MAGIC, 8))
        return -EINVAL;
    sl->ipv4 = lws__wire_be32(&w);
    sl->server = lws__wire_be32(&w);
    lws__wire_bytes(&w, sl->mac, 6);
    return w.err ? -EINVAL : 0;
}

__attribute__((noinline)) int
lws__dhcpc_lease_save(struct lws__dhcpc *d, const char *ifname,
                      const struct lws_dhcpc_saved_lease *sl)
{
    char path[256], tpath[256];
    uint8_t b[32];
    struct lws__wbuf wb;
    int fd, r = 0;

    if (d->info.lease_save)
        return d->info.lease_save(d->info.lease_user, ifname, sl);
    if (!d->lease_dir || dhcpc_lease_path(d, ifname, path, sizeof(path), 0) ||
        dhcpc_lease_path(d, ifname, tpath, sizeof(tpath), 1))
        return 0;
    if (!sl)
        return unlink(path) && errno != ENOENT ? -errno : 0;
    lws__wbuf_init(&wb, b, sizeof(b));
    lws__wbuf_bytes(&wb, LEASE_MAGIC, 8);
    lws__wbuf_be32(&wb, sl->ipv4);
    lws__wbuf_be32(&wb, sl->server);
    lws__wbuf_bytes(&wb, sl->mac, 6);
    fd = open(tpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (write(fd, b, wb.pos) != (ssize_t)wb.pos)
        r = -EIO;
    close(fd);
    if (!r && rename(tpath, path))
        r = -errno;
    if (r)
        lwsl_warn("%s: cannot save lease: %s", ifname, strerror(-r));
    return r;
}

/* ------------------------------------------------------------------------
 * Sockets
 */

static struct lws *dhcpc_adopt(struct lws__dhcpc_if *ifc, int fd,
                               const char *what)
{
    struct lws *w = NULL;

    if (fd >= 0 &&
        !(w = lws__wsi_adopt(ifc->d->vh, lws__protocols_dhcpc[0].name, fd,
                             LWS__WSI_UDP | LWS__WSI_RX_NOTIFY, ifc)))
        fd = -ENOMEM; /* not adopted (the socket is closed) */
    if (!w)
        lwsl_err("%s: cannot open %s socket: %s", ifc->ifname, what,
                 strerror(-fd));
    return w;
}

/* Packet sockets are parked, not closed, when a state does not need them:
 * closing one blocks for an RCU grace period.  They close with the
 * interface's client. */
static void dhcpc_packet_sock(struct lws__dhcpc_if *ifc, struct lws **pw,
                              bool *parked, bool want, bool arp)
{
    if (want && !*pw) {
#if LWS_WITH_SYS_DHCP_ACD
        *pw = dhcpc_adopt(ifc,
                          arp ? lws__dhcpc_arp_open(ifc->ifindex)
                              : LWS__FI_OR(ifc->d->cx, "dhcpc.pkt.open", -EPERM,
                                           lws__dhcpc_raw_open(ifc->ifindex)),
                          arp ? "arp" : "raw");
#else
        *pw = dhcpc_adopt(ifc,
                          LWS__FI_OR(ifc->d->cx, "dhcpc.pkt.open", -EPERM,
                                     lws__dhcpc_raw_open(ifc->ifindex)),
                          "raw");
#endif
        *parked = false;
        return;
    }
    if (!*pw || want == !*parked)
        return;
    if (lws__dhcpc_packet_park(lws_get_socket_fd(*pw), !want, arp)) {
        lws__wsi_close_detached(pw); /* reopened when next wanted */
        return;
    }
    lws__wsi_poll(*pw, want ? UV_READABLE : 0);
    *parked = !want;
}

void lws__dhcpc_socks(struct lws__dhcpc_if *ifc, unsigned int want)
{
    dhcpc_packet_sock(ifc, &ifc->wsi_raw, &ifc->raw_parked,
                      want & LWS__DHCPC_SOCK_RAW, false);
#if LWS_WITH_SYS_DHCP_ACD
    dhcpc_packet_sock(ifc, &ifc->wsi_arp, &ifc->arp_parked,
                      want & LWS__DHCPC_SOCK_ARP, true);
#endif
    if ((want & LWS__DHCPC_SOCK_UDP) && !ifc->wsi_udp)
        ifc->wsi_udp = dhcpc_adopt(
            ifc, lws__dhcpc_udp_open(ifc->ifname, ifc->core.lease.ip), "udp");
    if (!(want & LWS__DHCPC_SOCK_UDP))
        lws__wsi_close_detached(&ifc->wsi_udp);
}

/* Broadcast (or, as a fallback, unicast IP in a broadcast frame) through
 * the raw socket, or a short-lived one when none is open. */
static int dhcpc_send_raw(struct lws__dhcpc_if *ifc,
                          const struct lws__dhcpc_out *o)
{
    uint8_t pkt[LWS__DHCPC_IP4UDP_HDR + LWS__DHCPC_MAX];
    int n, fd, r;

    memcpy(pkt + LWS__DHCPC_IP4UDP_HDR, o->tx_buf, o->tx_len);
    n = lws__dhcpc_ip4udp_wrap(pkt, sizeof(pkt), o->tx_len, o->tx_src,
                               o->tx_dst);
    if (n < 0)
        return n;
    fd = ifc->wsi_raw ? lws_get_socket_fd(ifc->wsi_raw)
                      : LWS__FI_OR(ifc->d->cx, "dhcpc.pkt.open", -EPERM,
                                   lws__dhcpc_raw_open(ifc->ifindex));
    if (fd < 0)
        return fd;
    r = LWS__FI_OR(ifc->d->cx, "dhcpc.tx", -ENOBUFS,
                   lws__dhcpc_raw_send(fd, ifc->ifindex, pkt, (size_t)n));
    if (!ifc->wsi_raw)
        close(fd);
    return r;
}

static int dhcpc_send_unicast(struct lws__dhcpc_if *ifc,
                              const struct lws__dhcpc_out *o)
{
    int fd = ifc->wsi_udp ? lws_get_socket_fd(ifc->wsi_udp)
                          : lws__dhcpc_udp_open(ifc->ifname, o->tx_src),
        r;

    if (fd < 0)
        return fd;
    r = LWS__FI_OR(ifc->d->cx, "dhcpc.tx", -ENOBUFS,
                   lws__dhcpc_udp_send(fd, o->tx_dst, o->tx_buf, o->tx_len));
    if (!ifc->wsi_udp)
        close(fd);
    return r;
}

void lws__dhcpc_send(struct lws__dhcpc_if *ifc, const struct lws__dhcpc_out *o)
{
    int r = 0;

    if (o->tx == LWS__DHCPC_TX_UNICAST) {
        r = dhcpc_send_unicast(ifc, o);
        if (r) {
            /* No route yet (report-only mode): same datagram, by hand. */
            lwsl_debug("%s: unicast: %s, using raw", ifc->ifname, strerror(-r));
            r = dhcpc_send_raw(ifc, o);
        }
    } else if (o->tx == LWS__DHCPC_TX_BCAST) {
        r = dhcpc_send_raw(ifc, o);
    }
    if (r)
        lwsl_warn("%s: send failed: %s", ifc->ifname, strerror(-r));
#if LWS_WITH_SYS_DHCP_ACD
    if (o->arp) {
        int fd = ifc->wsi_arp ? lws_get_socket_fd(ifc->wsi_arp)
                              : lws__dhcpc_arp_open(ifc->ifindex);

        if (fd >= 0) {
            lws__dhcpc_arp_send(fd, ifc->ifindex, o->arp_buf,
                                sizeof(o->arp_buf));
            if (!ifc->wsi_arp)
                close(fd);
        }
    }
#endif
}

/* ------------------------------------------------------------------------
 * Applying leases, handing on servers, notifying
 */

bool lws__dhcpc_usable(const struct lws__dhcpc_if *ifc)
{
    return lws__dhcpc_policy_ok(ifc->policy, lws__dhcpc_core_bound(&ifc->core),
                                ifc->v6);
}

void lws__dhcpc_fill(struct lws__dhcpc_if *ifc,
                     const struct lws__dhcpc_lease *l, lws_dhcpc_ifstate_t *is)
{
    memset(is, 0, sizeof(*is));
    memcpy(is->ifname, ifc->ifname, sizeof(is->ifname));
    is->ifindex = ifc->ifindex;
    lws__dhcpc_core_ifstate(&ifc->core, l, is);
    is->policy = ifc->policy;
    is->v6 = ifc->v6;
    is->usable = lws__dhcpc_usable(ifc);
}

static int dhcpc_apply(struct lws__dhcpc_if *ifc, const lws_dhcpc_ifstate_t *is,
                       int op)
{
    struct lws__dhcpc *d = ifc->d;

    if (LWS__FI(d->cx, "dhcpc.nl.apply"))
        return -ENOBUFS;
    if (d->cx->ops.dhcpc_apply)
        return d->cx->ops.dhcpc_apply(d->cx, is, op);
    if (d->info.no_builtin_apply)
        return 0;
    return lws__dhcpc_nl_apply(is, op, d->cfg.route_metric);
}

static void dhcpc_servers(struct lws__dhcpc_if *ifc,
                          const lws_dhcpc_ifstate_t *is)
{
    static const uint8_t kind[] = {LWS__NEWS_LEASE, LWS__NEWS_DNS_SERVERS,
                                   LWS__NEWS_NTP_SERVERS,
                                   LWS__NEWS_CAPTIVE_URI};
    uint32_t la[2] = {is ? is->ipv4 : 0, is ? is->server : 0};

    /* The lease, the DNS and NTP servers, the captive-portal URI; with
     * @is NULL, each as gone. */
    for (int k = 0; k < 4; k++) {
        struct lws__news n = {.kind = kind[k], .iface = ifc->ifname};

        if (is && k == 3)
            n.uri = ifc->core.lease.captive;
        else if (is) {
            n.addrs = k == 0 ? la : k == 1 ? is->dns : is->ntp;
            n.n = k == 0 ? 2 : k == 1 ? is->dns_count : is->ntp_count;
        }
        lws__news_publish(ifc->d->cx, &n);
    }
}

void lws__dhcpc_persist(struct lws__dhcpc_if *ifc,
                        const struct lws__dhcpc_out *o)
{
    struct lws_dhcpc_saved_lease sl;

    if (o->save) {
        memset(&sl, 0, sizeof(sl));
        sl.ipv4 = ifc->core.lease.ip;
        sl.server = ifc->core.lease.server;
        memcpy(sl.mac, ifc->core.mac, 6);
        lws__dhcpc_lease_save(ifc->d, ifc->ifname, &sl);
    } else if (o->forget) {
        lws__dhcpc_lease_save(ifc->d, ifc->ifname, NULL);
    }
}

/* Returns false if applying failed (the core then restarts). */
bool lws__dhcpc_do_apply(struct lws__dhcpc_if *ifc,
                         const struct lws__dhcpc_out *o)
{
    lws_dhcpc_ifstate_t is;
    int r;

    /* The dhcpc_apply op may destroy the context: then nothing more is
     * done (the caller sees lws__cx_gone(); the memory lives until the
     * context's goes). */
    if (o->unapply) {
        lws__dhcpc_fill(ifc, &ifc->core.old, &is);
        dhcpc_apply(ifc, &is, LWS_DHCPC_APPLY_REMOVE);
        if (lws__cx_gone(ifc->d->cx))
            return true;
        if (!o->apply)
            dhcpc_servers(ifc, NULL);
    }
    if (!o->apply)
        return true;
    lws__dhcpc_fill(ifc, &ifc->core.lease, &is);
    r = dhcpc_apply(ifc, &is, LWS_DHCPC_APPLY_ADD);
    if (lws__cx_gone(ifc->d->cx))
        return true;
    if (r) {
        dhcpc_apply(ifc, &is, LWS_DHCPC_APPLY_REMOVE);
        dhcpc_servers(ifc, NULL);
        return false;
    }
    dhcpc_servers(ifc, &is);
    return true;
}
