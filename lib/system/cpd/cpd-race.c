/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Happy Eyeballs v2 (RFC 8305) for the CPD HTTP/HTTPS client: the sockets
 * of the connection race.  The decisions (order, head start, delays,
 * winner) are the pure core's (cpd-he.c).
 */
#define LWS_LOGMOD cpd
#include "private-cpd-race.h"
#include "private-cpd.h"

#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static socklen_t race_sl(const lws_sockaddr46 *sa)
{
    return sa->sa4.sin_family == AF_INET ? sizeof(sa->sa4) : sizeof(sa->sa6);
}

/* The source the kernel would use for @dst (a UDP connect sends nothing),
 * or family 0 when there is no route: RFC 6724's candidate source. */
__attribute__((noinline)) static void race_source(const lws_sockaddr46 *dst,
                                                  lws_sockaddr46 *src)
{
    int fd = socket(dst->sa4.sin_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    socklen_t sl = sizeof(*src);

    memset(src, 0, sizeof(*src));
    if (fd < 0)
        return;
    if (connect(fd, (const struct sockaddr *)dst, race_sl(dst)) ||
        getsockname(fd, (struct sockaddr *)src, &sl))
        memset(src, 0, sizeof(*src));
    close(fd);
}

static void race_close(struct lws__cpd_race *r, int i)
{
    if (!r->wsi[i])
        return;
    r->wsi[i]->opaque = NULL;
    lws_wsi_close(r->wsi[i]);
    r->wsi[i] = NULL;
}

/* Notes why connect @i failed (errno @err). */
static void race_why(struct lws__cpd_race *r, int i, int err)
{
    char ads[64] = "?";

    lws_sa46_write_numeric_address(&r->addr[r->he.addr[i]], ads, sizeof(ads));
    snprintf(r->why, sizeof(r->why), "%s: %s", ads, strerror(err));
    lwsl_info("connect to %s", r->why);
}

static void race_timer_cb(lws_sorted_usec_list_t *sul);

/* Opens connect @i's socket: 0, or -1 (failed at once, reason noted). */
static int race_open(struct lws__cpd_race *r, int i)
{
    struct lws_vhost *vh = r->cx->vhost_system; /* the protocol's */
    const lws_sockaddr46 *sa = &r->addr[r->he.addr[i]];
    int fd, one = 1;

    if (i < r->he.n)
        lwsl_debug("racing address %d of %d", i + 1, r->he.n);
    else
        lwsl_info("no answer within %u ms: connect %d to address %d beside "
                  "the running one(s)",
                  r->he.conn_ms, i + 1, r->he.addr[i] + 1);
    fd = socket(sa->sa4.sin_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        race_why(r, i, errno);
        return -1;
    }
    /* The TLS handshake writes several small records in a row: without
     * this, Nagle holds them for the peer's delayed ACK (~40 ms). */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (const struct sockaddr *)sa, race_sl(sa)) &&
        errno != EINPROGRESS) {
        race_why(r, i, errno);
        close(fd);
        return -1;
    }
    r->wsi[i] = lws__wsi_adopt(vh, LWS__CPD_PROTOCOL, fd, LWS__WSI_RX_NOTIFY,
                               r->opaque);
    if (!r->wsi[i]) {
        race_why(r, i, ENOMEM); /* cannot adopt the socket */
        return -1;
    }
    lws__wsi_poll(r->wsi[i], UV_WRITABLE);
    return 0;
}

/* Carries out what the core said; may end the race (and free @r). */
static void race_apply(struct lws__cpd_race *r, struct lws__cpd_he_out *o)
{
    for (;;) {
        for (int k = 0; k < LWS__CPD_HE_SLOTS; k++)
            if (o->close & (1u << k))
                race_close(r, k);
        if (o->start < 0 || !race_open(r, o->start))
            break;
        lws__cpd_he_failed(&r->he, lws_now_usecs(), o->start, o);
    }
    lws_sul_cancel(&r->sul);
    if (o->wake_at)
        lws_sul_schedule(r->cx, 0, &r->sul, race_timer_cb,
                         o->wake_at - lws_now_usecs());
    if (o->won >= 0) {
        struct lws *w = r->wsi[o->won];

        r->wsi[o->won] = NULL;
        r->done(r, w, NULL);
    } else if (o->failed)
        r->done(r, NULL, r->why);
}

static void race_timer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd_race *r = lws_container_of(sul, struct lws__cpd_race, sul);
    struct lws__cpd_he_out o;

    lws__cpd_he_timer(&r->he, lws_now_usecs(), &o);
    race_apply(r, &o);
}

void lws__cpd_race_start(struct lws__cpd_race *r, struct lws_context *cx,
                         const lws_sockaddr46 *sa, int n, uint16_t port,
                         uint32_t head_ms, uint32_t step_ms, uint32_t conn_ms,
                         void *opaque, lws__cpd_race_cb_t done)
{
    struct lws__cpd_he_cand c[LWS__CPD_HE_MAX];
    struct lws__cpd_he_out o;

    r->cx = cx;
    r->done = done;
    r->opaque = opaque;
    if (n > LWS__CPD_HE_MAX)
        n = LWS__CPD_HE_MAX;
    for (int i = 0; i < n; i++) {
        c[i].dst = sa[i];
        lws__sa46_set_port(&c[i].dst, port);
        race_source(&c[i].dst, &c[i].src);
    }
    lws__cpd_rfc6724_sort(c, n);
    n = lws__cpd_he_interleave(c, n, r->addr);
    snprintf(r->why, sizeof(r->why), "no route to any address");
    lws__cpd_he_start(&r->he, lws_now_usecs(), n, head_ms, step_ms, conn_ms,
                      &o);
    race_apply(r, &o);
}

bool lws__cpd_race_event(struct lws__cpd_race *r, struct lws *wsi, bool closed)
{
    struct lws__cpd_he_out o;
    socklen_t sl = sizeof(int);
    int i = 0, err = 0, ev = LWS__HE_FAILED;

    while (i < LWS__CPD_HE_SLOTS && r->wsi[i] != wsi)
        i++;
    if (i == LWS__CPD_HE_SLOTS || !wsi)
        return false;
    if (closed) {
        r->wsi[i] = NULL;           /* the wsi goes by itself */
        race_why(r, i, ECONNRESET); /* closed while connecting */
    } else if (getsockopt(wsi->fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err) {
        race_why(r, i, err ? err : errno);
        race_close(r, i);
    } else
        ev = LWS__HE_WON;
    lws__cpd_he_event(&r->he, lws_now_usecs(), i, ev, &o);
    race_apply(r, &o);
    return true;
}

void lws__cpd_race_stop(struct lws__cpd_race *r)
{
    if (!r->cx)
        return;
    lws_sul_cancel(&r->sul);
    for (int i = 0; i < LWS__CPD_HE_SLOTS; i++)
        race_close(r, i);
}
