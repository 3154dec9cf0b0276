/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * wsi: one socket of one protocol on a vhost, polled on the loop.  The
 * protocol callback hears adopt, rx, writeable, timer and close.  Library
 * helpers may ask for readiness-only rx (they read the fd themselves).
 */
#define LWS_LOGMOD wsi
#include "private-core.h"

#include "plat-sock.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Datagrams and stream chunks are read into a stack buffer this big. */
#define WSI_RX_BUF 4096

static void wsi_poll_cb(uv_poll_t *h, int status, int events);

static void wsi_update_poll(struct lws *wsi)
{
    int ev = wsi->poll_events | (wsi->want_write ? UV_WRITABLE : 0);

    if (!wsi->poll_inited || wsi->closing)
        return;
    if (ev)
        uv_poll_start(&wsi->poll, ev, wsi_poll_cb);
    else
        uv_poll_stop(&wsi->poll);
}

static int wsi_cb(struct lws *wsi, enum lws_callback_reasons r, void *in,
                  size_t len)
{
    return wsi->protocol->callback(wsi, r, wsi->user_space, in, len);
}

static void wsi_read(struct lws *wsi)
{
    uint8_t buf[WSI_RX_BUF];
    ssize_t n;

    if (wsi->rx_notify) {
        if (wsi_cb(wsi, LWS_CALLBACK_RAW_RX, NULL, 0))
            lws_wsi_close(wsi);
        return;
    }
    if (wsi->udp) {
        socklen_t sl = sizeof(wsi->udp_peer);

        n = recvfrom(wsi->fd, buf, sizeof(buf), MSG_TRUNC,
                     (struct sockaddr *)&wsi->udp_peer, &sl);
        wsi->udp_peer_len = n >= 0 ? sl : 0;
        if (n > (ssize_t)sizeof(buf)) {
            lwsl_warn("%s: %zd-byte datagram truncated to %d",
                      wsi->protocol->name, n, WSI_RX_BUF);
            n = sizeof(buf);
        }
    } else {
        n = read(wsi->fd, buf, sizeof(buf));
        if (!n) { /* orderly shutdown */
            lws_wsi_close(wsi);
            return;
        }
    }
    if (n >= 0 && LWS__FI(wsi->vhost->context, "core.wsi.rx"))
        n = -1, errno = EIO; /* read, then lost */
    if (wsi->udp)
        n = (ssize_t)LWS__FI_GARBLE(wsi->vhost->context, "core.wsi.rx.garble",
                                    buf, n);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        lwsl_info("%s: read failed: %s", wsi->protocol->name, strerror(errno));
        if (!wsi->udp)
            lws_wsi_close(wsi);
        return;
    }
    if (wsi_cb(wsi, LWS_CALLBACK_RAW_RX, buf, (size_t)n))
        lws_wsi_close(wsi);
}

static void wsi_poll_cb(uv_poll_t *h, int status, int events)
{
    struct lws *wsi = h->data;

    if (wsi->closing)
        return;
    if (status < 0) {
        /* Let the owner see the error through a read attempt. */
        lwsl_debug("%s: poll error %s", wsi->protocol->name,
                   uv_strerror(status));
        events = UV_READABLE;
    }
    if (status < 0 && !wsi->closing) {
        /* libuv stopped the watcher on the error: after the owner has seen
         * it through a read, listen again (a UDP socket that got an ICMP
         * error must still hear later datagrams). */
        wsi_read(wsi);
        wsi_update_poll(wsi);
        return;
    }
    if (events & UV_WRITABLE) {
        wsi->want_write = 0;
        wsi_update_poll(wsi);
        if (wsi_cb(wsi, LWS_CALLBACK_RAW_WRITEABLE, NULL, 0)) {
            lws_wsi_close(wsi);
            return;
        }
    }
    if ((events & UV_READABLE) && !wsi->closing)
        wsi_read(wsi);
}

static void wsi_timer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws *wsi = lws_container_of(sul, struct lws, sul_timer);

    if (!wsi->closing && wsi_cb(wsi, LWS_CALLBACK_TIMER, NULL, 0))
        lws_wsi_close(wsi);
}

static void wsi_handle_closed(uv_handle_t *h)
{
    struct lws *wsi = h->data;
    struct lws_context *cx = wsi->vhost->context;

    lws__free(wsi->user_space);
    lws__free(wsi);
    lws__handle_closed(cx);
}

struct lws *lws__wsi_adopt(struct lws_vhost *vh, const char *prot_name, int fd,
                           unsigned int flags, void *opaque)
{
    const struct lws_protocols *p;
    struct lws_context *cx;
    struct lws *wsi;
    int r;

    if (!vh || fd < 0 || vh->context->destroying) {
        lwsl_err("adopt: bad vhost or fd, or context going down");
        goto bail;
    }
    p = lws_vhost_name_to_protocol(vh, prot_name);
    if (!p) {
        lwsl_err("adopt: no protocol '%s' on vhost '%s'",
                 prot_name ? prot_name : "(null)", vh->name);
        goto bail;
    }
    wsi = lws__calloc(1, sizeof(*wsi));
    if (!wsi)
        goto bail;
    if (p->per_session_data_size) {
        wsi->user_space = lws__calloc(1, p->per_session_data_size);
        if (!wsi->user_space) {
            lws__free(wsi);
            goto bail;
        }
    }
    wsi->vhost = vh;
    wsi->protocol = p;
    wsi->fd = fd;
    wsi->opaque = opaque;
    wsi->udp = !!(flags & LWS__WSI_UDP);
    wsi->rx_notify = !!(flags & LWS__WSI_RX_NOTIFY);
    wsi->poll_events = UV_READABLE;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (LWS__FI_OR(vh->context, "core.poll", UV_EMFILE,
                   uv_poll_init(vh->context->loop, &wsi->poll, fd))) {
        lwsl_err("adopt: fd %d cannot be polled", fd);
        lws__free(wsi->user_space);
        lws__free(wsi);
        goto bail;
    }
    wsi->poll.data = wsi;
    wsi->poll_inited = 1;
    vh->context->handles_open++;
    lws_dll2_add_tail(&wsi->vh_list, &vh->wsi_owner);
    uv_poll_start(&wsi->poll, wsi->poll_events, wsi_poll_cb);
    cx = vh->context;
    lws__api_enter(cx);
    r = wsi_cb(wsi, LWS_CALLBACK_RAW_ADOPT, NULL, 0);
    if (lws__cx_gone(cx)) /* the callback destroyed the context: wsi closed */
        wsi = NULL;
    else if (r) {
        lws_wsi_close(wsi);
        wsi = NULL;
    }
    lws__api_leave(cx);
    return wsi;

bail:
    if (fd >= 0)
        close(fd);
    return NULL;
}

int lws__wsi_poll(struct lws *wsi, int uv_events)
{
    if (!wsi || wsi->closing)
        return -EINVAL;
    wsi->poll_events = uv_events & (UV_READABLE | UV_WRITABLE);
    wsi_update_poll(wsi);
    return 0;
}

struct lws *lws_adopt_descriptor_vhost(struct lws_vhost *vh,
                                       lws_adoption_type type,
                                       lws_sock_file_fd_type fd,
                                       const char *vh_prot_name,
                                       struct lws *parent)
{
    (void)parent;
    if (vh)
        LWS__LOOP_ONLY(vh->context);
    return lws__wsi_adopt(vh, vh_prot_name, fd.sockfd,
                          (type & LWS_ADOPT_FLAG_UDP) ? LWS__WSI_UDP : 0, NULL);
}

/* Parses @ads (numeric; NULL: any IPv4 address, bind only) and opens the
 * socket through the platform.  fd or -errno. */
static int wsi_udp_socket(struct lws_context *cx, const char *ads, int port,
                          int flags, const char *ifname)
{
    lws_sockaddr46 sa;

    if (port < 0 || port > 65535)
        return -EINVAL;
    if (ads && lws_sa46_parse_numeric(&sa, ads))
        return -EINVAL;
    if (!ads) {
        if (!(flags & LWS_CAUDP_BIND))
            return -EINVAL; /* nothing to connect to */
        memset(&sa, 0, sizeof(sa));
        sa.sa4.sin_family = AF_INET;
    }
    if (LWS__FI(cx, flags & LWS_CAUDP_BIND ? "plat.sock.bind"
                                           : "plat.sock.connect"))
        return flags & LWS_CAUDP_BIND ? -EADDRINUSE : -ENETUNREACH;
    return lws__plat_udp_open(&sa, (uint16_t)port, flags & LWS_CAUDP_BIND,
                              flags & LWS_CAUDP_BROADCAST, ifname);
}

struct lws *lws_create_adopt_udp(struct lws_vhost *vhost, const char *ads,
                                 int port, int flags, const char *protocol_name,
                                 const char *ifname, struct lws *parent_wsi,
                                 void *opaque, const void *retry_policy,
                                 const char *fi_wsi_name)
{
    int fd;

    (void)parent_wsi, (void)retry_policy, (void)fi_wsi_name;
    if (!vhost) {
        lwsl_err("create_adopt_udp: NULL vhost");
        return NULL;
    }
    LWS__LOOP_ONLY(vhost->context);
    fd = LWS__FI_OR(
        vhost->context, "plat.sock.create", -EMFILE,
        (flags & LWS_CAUDP_PF_PACKET)
            ? lws__plat_packet_ip_open(ifname)
            : wsi_udp_socket(vhost->context, ads, port, flags, ifname));
    if (fd < 0) {
        lwsl_err("create_adopt_udp: %s:%d: %s", ads ? ads : "*", port,
                 strerror(-fd));
        return NULL;
    }
    return lws__wsi_adopt(vhost, protocol_name, fd, LWS__WSI_UDP, opaque);
}

int lws_callback_on_writable(struct lws *wsi)
{
    if (!wsi || wsi->closing)
        return -1;
    LWS__LOOP_ONLY(wsi->vhost->context);
    if (!wsi->want_write) {
        wsi->want_write = 1;
        wsi_update_poll(wsi);
    }
    return 0;
}

void lws_set_timer_usecs(struct lws *wsi, lws_usec_t usecs)
{
    if (!wsi || wsi->closing)
        return;
    if (usecs == LWS_SET_TIMER_USEC_CANCEL) {
        lws_sul_cancel(&wsi->sul_timer);
        return;
    }
    lws_sul_schedule(wsi->vhost->context, 0, &wsi->sul_timer, wsi_timer_cb,
                     usecs);
}

void lws_wsi_close(struct lws *wsi)
{
    struct lws_context *cx;

    if (!wsi || wsi->closing)
        return;
    cx = wsi->vhost->context;
    wsi->closing = 1;
    lws_sul_cancel(&wsi->sul_timer);
    /* Off the vhost first: a RAW_CLOSE handler that destroys the context
     * must not meet this wsi again in destroy's scans. */
    lws_dll2_remove(&wsi->vh_list);
    lws__api_enter(cx);
    /* After protocol destroy, owners are gone: close silently. */
    if (wsi->vhost->count_protocols)
        wsi_cb(wsi, LWS_CALLBACK_RAW_CLOSE, NULL, 0);
    /* uv_close stops polling at once, so the fd can go now. */
    uv_close((uv_handle_t *)&wsi->poll, wsi_handle_closed);
    close(wsi->fd);
    wsi->fd = -1;
    lws__api_leave(cx);
}

int lws__if_info(const char *ifname, int *ifindex, bool *up, uint8_t *mac)
{
    struct ifreq ifr;
    int fd, r = 0;

    if (strlen(ifname) >= sizeof(ifr.ifr_name))
        return -EINVAL;
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, ifname, strlen(ifname));
    if (ioctl(fd, SIOCGIFINDEX, &ifr))
        goto fail;
    *ifindex = ifr.ifr_ifindex;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr))
        goto fail;
    *up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
    if (mac) {
        if (ioctl(fd, SIOCGIFHWADDR, &ifr))
            goto fail;
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
        r = ifr.ifr_hwaddr.sa_family != 1; /* ARPHRD_ETHER */
    }
    goto out;
fail:
    r = -errno;
out:
    close(fd);
    return r;
}

void lws__wsi_close_detached(struct lws **pw)
{
    struct lws *w = *pw;

    *pw = NULL;
    if (w) {
        lws_set_opaque_user_data(w, NULL);
        lws_wsi_close(w);
    }
}

void lws__vhost_close_all(struct lws_vhost *vh)
{
    while (vh->wsi_owner.head)
        lws_wsi_close(
            lws_container_of(vh->wsi_owner.head, struct lws, vh_list));
}

int lws_get_socket_fd(struct lws *wsi)
{
    return wsi ? wsi->fd : -1;
}

struct lws_vhost *lws_get_vhost(struct lws *wsi)
{
    return wsi ? wsi->vhost : NULL;
}

struct lws_context *lws_get_context(const struct lws *wsi)
{
    return wsi ? wsi->vhost->context : NULL;
}

const struct lws_protocols *lws_get_protocol(struct lws *wsi)
{
    return wsi ? wsi->protocol : NULL;
}

void *lws_wsi_user(struct lws *wsi)
{
    return wsi ? wsi->user_space : NULL;
}

void lws_set_opaque_user_data(struct lws *wsi, void *data)
{
    if (wsi)
        wsi->opaque = data;
}

void *lws_get_opaque_user_data(const struct lws *wsi)
{
    return wsi ? wsi->opaque : NULL;
}

const void *lws_get_udp_peer(struct lws *wsi, size_t *salen)
{
    if (!wsi || !wsi->udp || !wsi->udp_peer_len)
        return NULL;
    if (salen)
        *salen = wsi->udp_peer_len;
    return &wsi->udp_peer;
}
