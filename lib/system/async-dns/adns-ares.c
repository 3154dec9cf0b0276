/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The c-ares transport of the async DNS helper.  Questions share c-ares
 * channels: the current channel takes questions until it has carried
 * questions_per_socket of them (or the server list changed), then it is
 * retired, drains, and its sockets are closed before it serves again, so
 * no UDP socket carries more questions than that (c-ares 1.18 has no such
 * limit of its own: rotating channels is how it is imposed).  Every socket
 * is bound to a random port (RFC 5452 §9.2; c-ares 1.18 reuses one port per
 * server); with the default of one question per socket, every question
 * goes out from a fresh unpredictable port.  Sockets are created through
 * ares_set_socket_functions() and watched through one descriptor set of
 * the loop (lib/core/fdset.c: a socket costs one registration, no loop
 * handle); c-ares reads them through arecvfrom, where zero-length
 * datagrams are dropped (CVE-2023-32067).  The socket state callback sets
 * each socket's interest and one sorted timer per channel follows
 * ares_timeout().  A question's end reaches the glue
 * through the question_done callback it handed us.
 */
#define LWS_LOGMOD adns
#include "private-adns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct adns_sock {
    lws_dll2_t list; /* in adns_chan.socks, or lws__adns.dead_socks */
    struct adns_chan *chan;
    lws_sockaddr46 peer; /* the server it is connected to */
    lws_usec_t sent;     /* when a question last went out on it (loop) */
    int fd;
    bool udp;
    bool watched; /* in the resolver's descriptor set */
    bool dead;    /* closed, freed when the readiness batch ends */
};

struct adns_chan {
    lws_dll2_t list; /* in idle_chans or busy_chans */
    struct lws__adns *a;
    ares_channel ch;
    lws_sorted_usec_list_t sul; /* the next c-ares timeout */
    lws_dll2_owner_t socks;     /* struct adns_sock */
    uint32_t nq;                /* questions c-ares has not ended yet */
    uint32_t nlive;             /* of those, the ones a lookup waits for */
    uint32_t nsent;             /* questions taken since its sockets opened */
    uint32_t server_gen;        /* server list generation applied */
    int tmo_ms;                 /* c-ares's try timeout (0: no ares yet) */
    lws_sockaddr46 first_srv;   /* the server c-ares tries first */
    bool stayopen;              /* sockets outlive an empty channel */
};

/* c-ares's argument for one question: outlives the question when the
 * lookup ends first (deadline, destroy), since c-ares 1.18 cannot cancel
 * one query of a channel without the others. */
struct adns_qt {
    struct adns_wq *wq; /* NULL once abandoned */
    struct adns_chan *chan;
};

static struct adns_sock *chan_sock(struct adns_chan *chan, int fd)
{
    for (lws_dll2_t *d = chan->socks.head; d; d = d->next) {
        struct adns_sock *s = lws_container_of(d, struct adns_sock, list);

        if (s->fd == fd)
            return s;
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Socket functions given to c-ares
 */

/* The loop's time (ms steps; + 1, never 0): enough for an RTT estimate
 * whose timeout floor is LWS__ADNS_RTO_MIN_MS, and no clock read. */
static lws_usec_t adns_loop_us(const struct adns_sock *s)
{
    return (lws_usec_t)(uv_now(s->chan->a->cx->loop) + 1) * LWS_US_PER_MS;
}

/* A uniform port in 1024..65535 from the context's CSPRNG, or 0. */
static uint16_t adns_random_port(struct lws__adns *a)
{
    for (;;) {
        uint16_t v;

        if (!a->port_rnd_left) {
            if (lws_get_random(a->cx, a->port_rnd, sizeof(a->port_rnd)) !=
                sizeof(a->port_rnd))
                return 0;
            a->port_rnd_left = (int)(sizeof(a->port_rnd) / 2);
        }
        v = a->port_rnd[--a->port_rnd_left];
        a->port_rnd[a->port_rnd_left] = 0; /* used bits do not linger */
        if (v < 65536 - 1024)              /* reject the partial top range */
            return (uint16_t)(1024 + v);
    }
}

/* RFC 5452 §9.2: an unpredictable source port for each question. */
static int adns_bind_random(struct lws__adns *a, int fd, int domain)
{
    lws_sockaddr46 sa;
    socklen_t sl;

    for (int i = 0; i < 16; i++) {
        uint16_t port = adns_random_port(a);

        if (!port)
            return -EIO;

        memset(&sa, 0, sizeof(sa));
        sa.sa4.sin_family = (sa_family_t)domain; /* AF_INET or AF_INET6 */
        lws__sa46_set_port(&sa, port);
        sl = domain == AF_INET ? sizeof(sa.sa4) : sizeof(sa.sa6);
        if (!bind(fd, (struct sockaddr *)&sa, sl))
            return 0;
        if (errno != EADDRINUSE)
            return -errno;
    }
    return -EADDRINUSE;
}

static ares_socket_t adns_asocket(int domain, int type, int protocol,
                                  void *user)
{
    struct adns_chan *chan = user;
    struct adns_sock *s;
    int fd, r;

    fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0)
        return ARES_SOCKET_BAD;
    if (type == SOCK_DGRAM) {
        r = adns_bind_random(chan->a, fd, domain);
        if (r) {
            lwsl_warn("no random source port: %s", strerror(-r));
            goto bail;
        }
    }
    r = -ENOMEM;
    s = lws__calloc(1, sizeof(*s));
    if (!s) {
    bail:
        close(fd);
        errno = -r;
        return ARES_SOCKET_BAD;
    }
    s->chan = chan;
    s->fd = fd;
    s->udp = type == SOCK_DGRAM;
    /* Watched once c-ares says what to wait for (adns_sock_state_cb). */
    lws_dll2_add_tail(&s->list, &chan->socks);
    return fd;
}

static int adns_aclose(ares_socket_t fd, void *user)
{
    struct adns_chan *chan = user;
    struct adns_sock *s = chan_sock(chan, fd);

    if (!s)
        return close(fd);
    lws_dll2_remove(&s->list);
    close(fd);               /* also leaves the descriptor set */
    if (chan->a->in_batch) { /* the batch may still name it */
        s->dead = true;
        lws_dll2_add_tail(&s->list, &chan->a->dead_socks);
    } else
        lws__free(s);
    return 0;
}

static int adns_aconnect(ares_socket_t fd, const struct sockaddr *sa,
                         ares_socklen_t len, void *user)
{
    struct adns_sock *s = chan_sock(user, fd);

    if (s && len <= sizeof(s->peer))
        memcpy(&s->peer, sa, len);
    return connect(fd, sa, len);
}

static ares_ssize_t adns_arecvfrom(ares_socket_t fd, void *buf, size_t len,
                                   int flags, struct sockaddr *from,
                                   ares_socklen_t *fromlen, void *user)
{
    struct adns_sock *s = chan_sock(user, fd);
    socklen_t fl0 = fromlen ? *fromlen : 0;
    ssize_t n;

    for (;;) {
        if (fromlen)
            *fromlen = fl0;
        n = recvfrom(fd, buf, len, flags, from, fromlen);
        n = (ssize_t)LWS__FI_GARBLE(((struct adns_chan *)user)->a->cx,
                                    "adns.rx.garble", buf, n);
        if (!s || !s->udp)
            return n;
        if (n < 0 && errno == ECONNREFUSED) /* nothing listens there */
            lws__adns_health_event(s->chan->a, &s->peer, false, -1);
        if (n >= 12 && (((uint8_t *)buf)[2] & 0x80)) {
            /* A reply (the socket is connected: from that server): its
             * health, the RTT from the last question sent on it.  SERVFAIL
             * sends the next questions elsewhere; REFUSED is the server's
             * policy for that name (dnsmasq without upstreams refuses what
             * it does not serve), not a sign of its health. */
            lws__adns_health_event(
                s->chan->a, &s->peer, (((uint8_t *)buf)[3] & 0xf) != 2,
                s->sent ? (int32_t)(adns_loop_us(s) - s->sent) : -1);
            s->sent = 0;
        }
        if (n)
            return n;
        /* CVE-2023-32067: c-ares < 1.19.1 takes a zero-length datagram
         * for a closed connection and fails every query on it. */
        lwsl_info("zero-length datagram dropped");
    }
}

static ares_ssize_t adns_asendv(ares_socket_t fd, const struct iovec *iov,
                                int iovcnt, void *user)
{
    struct adns_sock *s = chan_sock(user, fd);
    struct msghdr m;

    if (s && s->udp)
        s->sent = adns_loop_us(s);
    memset(&m, 0, sizeof(m));
    m.msg_iov = (struct iovec *)(uintptr_t)iov; /* sendmsg does not write */
    m.msg_iovlen = (size_t)iovcnt;
    return LWS__FI_OR(((struct adns_chan *)user)->a->cx, "adns.tx",
                      (errno = ENETUNREACH, -1), sendmsg(fd, &m, MSG_NOSIGNAL));
}

static const struct ares_socket_functions adns_sockfuncs = {
    adns_asocket, adns_aclose, adns_aconnect, adns_arecvfrom, adns_asendv};

static void adns_sock_ready(struct adns_sock *s, int uv_events);

/* One batch of ready sockets from the descriptor set. */
static void adns_fd_batch(void *opaque, void *const *tags, const int *uv_events,
                          int n)
{
    struct lws__adns *a = opaque;

    a->in_batch = true;
    for (int i = 0; i < n; i++)
        if (!((struct adns_sock *)tags[i])->dead)
            adns_sock_ready(tags[i], uv_events[i]);
    a->in_batch = false;
    while (a->dead_socks.head) {
        lws_dll2_t *d = a->dead_socks.head;

        lws_dll2_remove(d);
        lws__free(lws_container_of(d, struct adns_sock, list));
    }
}

static void adns_sock_state_cb(void *data, ares_socket_t fd, int readable,
                               int writable)
{
    struct adns_chan *chan = data;
    struct lws__adns *a = chan->a;
    struct adns_sock *s = chan_sock(chan, fd);
    int ev = (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0);
    int r;

    /* Nothing to wait for comes just before c-ares closes the socket, and
     * closing it leaves the set: no call for that. */
    if (!s || !ev)
        return;
    if (!a->fdset) {
        a->fdset = lws__fdset_new(a->cx, adns_fd_batch, a);
        if (!a->fdset)
            return; /* logged; its questions end at their deadline */
    }
    r = lws__fdset_watch(a->fdset, fd, ev, s->watched, s);
    if (r)
        lwsl_warn("cannot watch a DNS socket: %s", strerror(-r));
    else
        s->watched = true;
}

/* ------------------------------------------------------------------------
 * Channels
 */

static void adns_chan_timer_cb(lws_sorted_usec_list_t *sul);

/* A burst leaves up to 2 x max_outstanding idle channels (creating one
 * costs tens of microseconds, so they are reused); after a quiet spell
 * only a few are kept. */
#define ADNS_IDLE_KEEP    4
#define ADNS_IDLE_TRIM_US (30 * LWS_US_PER_SEC)
static void adns_chan_free(struct adns_chan *chan);
static int adns_chan_init(struct adns_chan *chan, int tmo_ms);

void lws__adns_channels_trim(struct lws__adns *a)
{
    /* The tail is the least recently used. */
    while (a->idle_chans.count > ADNS_IDLE_KEEP)
        adns_chan_free(
            lws_container_of(a->idle_chans.tail, struct adns_chan, list));
}

static void adns_chan_trim_cb(lws_sorted_usec_list_t *sul)
{
    lws__adns_channels_trim(lws_container_of(sul, struct lws__adns, sul_trim));
}

/* Applies the server list (only while no question is on @chan: c-ares
 * 1.18 refuses otherwise); closes the channel's sockets.  With @take, the
 * channel is about to carry a question and may carry a due probe. */
static int adns_chan_servers(struct adns_chan *chan, bool take)
{
    struct lws__adns *a = chan->a;
    lws_sockaddr46 sa[LWS__ADNS_MAX_SERVERS + LWS__ADNS_RESOLV_MAX +
                      LWS__ADNS_DHCP_IFACES * LWS__ADNS_DHCP_PER_IFACE];
    struct ares_addr_port_node nodes[sizeof(sa) / sizeof(sa[0])];
    bool probe = false;
    int n = lws__adns_core_servers(&a->srv, lws__adns_now(a), sa,
                                   (int)(sizeof(sa) / sizeof(sa[0])),
                                   take ? &probe : NULL);
    int r, tmo = n ? lws__adns_core_rto_ms(&a->srv, &sa[0], a->try_timeout_ms)
                   : a->try_timeout_ms;

    memset(nodes, 0, sizeof(nodes));
    for (int i = 0; i < n; i++) {
        uint16_t port = lws__sa46_port(&sa[i]);

        nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
        nodes[i].family = sa[i].sa4.sin_family;
        if (sa[i].sa4.sin_family == AF_INET)
            nodes[i].addr.addr4 = sa[i].sa4.sin_addr;
        else
            memcpy(&nodes[i].addr.addr6, &sa[i].sa6.sin6_addr, 16);
        nodes[i].udp_port = nodes[i].tcp_port = port ? port : a->srv.port;
    }
    if (n)
        chan->first_srv = sa[0];
    /* The try timeout follows the first server's RTT.  c-ares 1.18 sets it
     * only at init (tens of microseconds, /dev/urandom read included), so
     * a channel is initialised again only when its timeout is off by more
     * than a factor of two: a probe or a first server known fast behind a
     * long try_timeout_ms, not every RTT estimate. */
    if (!chan->ch || tmo * 2 < chan->tmo_ms || tmo > chan->tmo_ms * 2) {
        if (chan->ch)
            ares_destroy(chan->ch);
        chan->ch = NULL;
        if (adns_chan_init(chan, tmo))
            return -EIO;
    }
    r = ares_set_servers_ports(chan->ch, n ? nodes : NULL);
    if (r != ARES_SUCCESS) {
        lwsl_debug("ares_set_servers_ports: %s", ares_strerror(r));
        return -EIO;
    }
    /* Without @take: applied again when taken (a probe may be due). */
    chan->server_gen = a->srv.server_gen - (take ? 0u : 1u);
    if (probe) /* this channel only: the next ones ask it last again */
        a->srv.server_gen++;
    return 0;
}

static void adns_chan_free(struct adns_chan *chan)
{
    struct lws__adns *a = chan->a;

    if (a->cur == chan)
        a->cur = NULL;
    lws_sul_cancel(&chan->sul);
    lws_dll2_remove(&chan->list);
    if (chan->ch)
        ares_destroy(chan->ch); /* closes its sockets through adns_aclose */
    while (chan->socks.head)
        adns_aclose(
            lws_container_of(chan->socks.head, struct adns_sock, list)->fd,
            chan);
    lws__free(chan);
}

static int adns_chan_init(struct adns_chan *chan, int tmo_ms)
{
    static char lookups[] = "b"; /* DNS only: we do hosts ourselves */
    struct lws__adns *a = chan->a;
    struct ares_options o;
    int r;

    memset(&o, 0, sizeof(o));
    /* Everything set explicitly, so c-ares reads no system files. */
    o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES |
              (chan->stayopen ? ARES_FLAG_STAYOPEN : 0);
    o.timeout = tmo_ms;
    o.tries = a->tries;
    o.ndots = 1;
    o.sock_state_cb = adns_sock_state_cb;
    o.sock_state_cb_data = chan;
    o.lookups = lookups;
    r = ares_init_options(
        &chan->ch, &o,
        ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
            ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS | ARES_OPT_SERVERS |
            ARES_OPT_DOMAINS | ARES_OPT_SORTLIST | ARES_OPT_NOROTATE);
    if (!r && LWS__FI(a->cx, "adns.channel"))
        ares_destroy(chan->ch), r = ARES_ENOMEM;
    if (r != ARES_SUCCESS) {
        lwsl_err("ares_init_options: %s", ares_strerror(r));
        chan->ch = NULL;
        chan->tmo_ms = 0;
        return -EIO;
    }
    ares_set_socket_functions(chan->ch, &adns_sockfuncs, chan);
    chan->tmo_ms = tmo_ms;
    return 0;
}

/* A new channel in the idle pool; c-ares is initialised when its servers
 * are applied (adns_chan_servers: the try timeout depends on them). */
static struct adns_chan *adns_chan_new(struct lws__adns *a)
{
    struct adns_chan *chan = lws__calloc(1, sizeof(*chan));

    if (!chan)
        return NULL;
    chan->a = a;
    /* One question per socket: c-ares closes the sockets of an empty
     * channel by itself.  More: keep them for the next question, until
     * the channel is retired. */
    chan->stayopen = a->qps != 1;
    chan->server_gen = a->srv.server_gen - 1; /* servers still to apply */
    lws_dll2_add_tail(&chan->list, &a->idle_chans);
    return chan;
}

/* An idle channel (or a new one) with the current servers and no socket
 * open, marked busy; NULL when out of memory. */
static struct adns_chan *adns_chan_get(struct lws__adns *a, bool reuse)
{
    struct adns_chan *chan = NULL;

    if (reuse && a->idle_chans.head)
        chan = lws_container_of(a->idle_chans.head, struct adns_chan, list);
    else
        chan = adns_chan_new(a);
    if (!chan)
        return NULL;
    if (chan->server_gen != a->srv.server_gen &&
        adns_chan_servers(chan, true)) {
        adns_chan_free(chan);
        return NULL;
    }
    chan->nsent = 0;
    lws_dll2_remove(&chan->list);
    lws_dll2_add_tail(&chan->list, &a->busy_chans);
    return chan;
}

static void adns_chan_after(struct adns_chan *chan);

/* The channel the next question goes out on.  The current one keeps
 * taking questions until it carried questions_per_socket of them or the
 * server list (or its order) changed; then it is retired, finishes the
 * questions it has (c-ares 1.18 refuses a new server list while any is
 * outstanding) and a fresh one takes over. */
static struct adns_chan *adns_chan_take(struct lws__adns *a)
{
    struct adns_chan *chan = a->cur;

    lws__adns_core_health_tick(&a->srv, lws__adns_now(a));
    if (chan && chan->server_gen != a->srv.server_gen) {
        a->cur = NULL;
        adns_chan_after(chan); /* to the idle pool once empty */
        chan = NULL;
    }
    if (!chan) {
        chan = adns_chan_get(a, true);
        a->cur = chan;
    }
    if (chan && ++chan->nsent >= a->qps && a->qps != LWS_ADNS_REUSE_FREELY)
        a->cur = NULL; /* full: retired after this question */
    return chan;
}

/* A channel of its own, never used before (new sockets, so new source
 * ports), servers applied, marked busy but not current; NULL when out of
 * memory. */
static struct adns_chan *adns_chan_fresh(struct lws__adns *a)
{
    return adns_chan_get(a, false);
}

/* ares_timeout() fills a struct timeval laid out with the time_t c-ares was
 * built with, the C library's default.  Where the build widens time_t
 * (32-bit targets, LWS_WIDENED_TIME_T from CMakeLists.txt) that default
 * was two longs, not this build's struct timeval. */
union adns_ares_tv {
    struct timeval tv;
#ifdef LWS_WIDENED_TIME_T
    struct {
        long tv_sec, tv_usec;
    } ares;
#endif
};

static lws_usec_t adns_ares_tv_us(const union adns_ares_tv *u)
{
#ifdef LWS_WIDENED_TIME_T
    return (lws_usec_t)u->ares.tv_sec * LWS_US_PER_SEC + u->ares.tv_usec;
#else
    return (lws_usec_t)u->tv.tv_sec * LWS_US_PER_SEC + u->tv.tv_usec;
#endif
}

/* After every c-ares call on @chan: follow its timeout; once a retired
 * channel is empty, close its sockets and put it back in the pool. */
static void adns_chan_after(struct adns_chan *chan)
{
    struct lws__adns *a = chan->a;
    union adns_ares_tv tv;

    if (chan->nq) {
        if (ares_timeout(chan->ch, NULL, &tv.tv)) {
            lws_usec_t due = lws_now_usecs() + adns_ares_tv_us(&tv);

            /* A timer due earlier is kept (rescheduling walks the sorted
             * list): firing early only processes nothing and re-arms. */
            if (!chan->sul.list.owner || due < chan->sul.us)
                lws_sul_schedule(a->cx, 0, &chan->sul, adns_chan_timer_cb,
                                 adns_ares_tv_us(&tv));
        } else
            lws_sul_cancel(&chan->sul);
        return;
    }
    lws_sul_cancel(&chan->sul);
    if (chan == a->cur || chan->list.owner == &a->idle_chans)
        return;
    if (a->destroying || a->idle_chans.count >= 2 * a->max_outstanding ||
        (chan->stayopen && adns_chan_servers(chan, false))) {
        /* (re-applying the servers is what closes kept-open sockets) */
        adns_chan_free(chan);
        return;
    }
    lws_dll2_remove(&chan->list);
    lws_dll2_add_head(&chan->list, &a->idle_chans);
    if (a->idle_chans.count > ADNS_IDLE_KEEP && !a->sul_trim.list.owner)
        lws_sul_schedule(a->cx, 0, &a->sul_trim, adns_chan_trim_cb,
                         ADNS_IDLE_TRIM_US);
}

static void adns_chan_timer_cb(lws_sorted_usec_list_t *sul)
{
    struct adns_chan *chan = lws_container_of(sul, struct adns_chan, sul);

    ares_process_fd(chan->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    adns_chan_after(chan);
}

static void adns_sock_ready(struct adns_sock *s, int uv_events)
{
    struct adns_chan *chan = s->chan;
    int fd = s->fd;

    /* c-ares may close this socket (s then dead) in here. */
    ares_process_fd(chan->ch, (uv_events & UV_READABLE) ? fd : ARES_SOCKET_BAD,
                    (uv_events & UV_WRITABLE) ? fd : ARES_SOCKET_BAD);
    adns_chan_after(chan);
}

void lws__adns_channels_destroy(struct lws__adns *a)
{
    lws_sul_cancel(&a->sul_trim);
    a->cur = NULL;
    while (a->busy_chans.head)
        adns_chan_free(
            lws_container_of(a->busy_chans.head, struct adns_chan, list));
    while (a->idle_chans.head)
        adns_chan_free(
            lws_container_of(a->idle_chans.head, struct adns_chan, list));
    lws__fdset_destroy(a->fdset);
    a->fdset = NULL;
}

/* ------------------------------------------------------------------------
 * Questions
 */

static void adns_wq_done(struct adns_wq *wq, int status)
{
    struct adns_lookup *lk = wq->lk;

    wq->done = true;
    wq->status = status;
    lk->a->question_done(wq); /* the last one frees lk */
}

static int adns_answer_status(struct adns_wq *wq, const uint8_t *abuf, int alen)
{
    struct adns_lookup *lk = wq->lk;

    lws__adns_answer_clear(&wq->ans); /* an earlier try's answer */
    if (alen < 0 || lws__adns_parse_answer(abuf, (size_t)alen, lk->name,
                                           wq->qtype, &wq->ans))
        return LADNS_RET_FAILED;
    switch (wq->ans.rcode) {
    case LWS__ADNS_RCODE_NOERROR:
        if (wq->qtype == LWS__ADNS_T_CNAME ? wq->ans.has_cname
                                           : wq->ans.naddr > 0)
            return LADNS_RET_FOUND;
        return LADNS_RET_NODATA;
    case LWS__ADNS_RCODE_NXDOMAIN:
        return LADNS_RET_NXDOMAIN;
    default:
        lwsl_info("%s: RCODE %d", lk->name, wq->ans.rcode);
        return LADNS_RET_FAILED;
    }
}

/* c-ares codes never escape: this is the one conversion (STYLE §4). */
static int adns_ares_status(const struct adns_lookup *lk, int st)
{
    switch (st) {
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        return lk->abort_status;
    case ARES_ETIMEOUT:
        return LADNS_RET_TIMEDOUT;
    case ARES_ENOTFOUND:
        return LADNS_RET_NXDOMAIN;
    case ARES_ENODATA:
        return LADNS_RET_NODATA;
    default: /* (the ones above reach the caller as a status of their own) */
        lwsl_info("%s: c-ares: %s", lk->name, ares_strerror(st));
        return LADNS_RET_FAILED;
    }
}

static void adns_ares_cb(void *arg, int status, int timeouts,
                         unsigned char *abuf, int alen);

/* Hands the question to c-ares on @chan (with EDNS0 unless wq->no_edns).
 * @return 0, or -errno if it could not be built. */
static int adns_wq_send(struct adns_wq *wq, struct adns_chan *chan)
{
    uint8_t q[LWS__ADNS_NAME_MAX + 32];
    int len = lws__adns_build_query(q, sizeof(q), wq->lk->name, wq->qtype,
                                    wq->no_edns ? 0 : LWS__ADNS_EDNS_SIZE);
    struct adns_qt *qt;

    if (len < 0)
        return len;
    qt = lws__malloc(sizeof(*qt));
    if (!qt)
        return -ENOMEM;
    qt->wq = wq;
    qt->chan = chan;
    wq->qt = qt;
    chan->nq++;
    chan->nlive++;
    chan->a->st.wire_queries++;
    /* May call adns_ares_cb (and free the lookup) before returning. */
    ares_send(chan->ch, q, len, adns_ares_cb, qt);
    return 0;
}

static void adns_ares_cb(void *arg, int status, int timeouts,
                         unsigned char *abuf, int alen)
{
    struct adns_qt *qt = arg;
    struct adns_wq *wq = qt->wq;
    struct adns_chan *chan = qt->chan;
    struct lws__adns *a = chan->a;

    chan->nq--;
    lws__free(qt);
    if (!wq) /* its lookup already ended */
        return;
    chan->nlive--;
    wq->qt = NULL;
    /* c-ares 1.18 starts every question at its first server and
     * forgets; we remember, so the next questions skip a dead one (even
     * one that answers other questions: it failed this one). */
    if (timeouts > 0 && !a->destroying &&
        lws__adns_core_servers(&a->srv, 0, NULL, 0, NULL) > 1)
        lws__adns_health_event(a, &chan->first_srv, false, -1);
    /* RFC 6891 §7: a FORMERR to a query with an OPT record may come from a
     * server without EDNS0: ask once more without it.  The FORMERR may as
     * well be forged by someone who saw the query: the retry goes out on a
     * new channel, so from a new socket and source port (and ID), not on
     * the one they now know. */
    if (status == ARES_SUCCESS && abuf && alen >= 4 && (abuf[3] & 0xf) == 1 &&
        !wq->no_edns && !a->destroying) {
        struct adns_chan *fresh = adns_chan_fresh(a);

        lwsl_info("%s: FORMERR: again without EDNS0", wq->lk->name);
        wq->no_edns = true;
        if (fresh) {
            int r = adns_wq_send(wq, fresh);

            adns_chan_after(fresh);
            if (!r)
                return;
        }
    }
    adns_wq_done(wq, status == ARES_SUCCESS && abuf
                         ? adns_answer_status(wq, abuf, alen)
                         : adns_ares_status(wq->lk, status));
}

void lws__adns_wq_start(struct adns_lookup *lk, int idx)
{
    struct lws__adns *a = lk->a;
    struct adns_wq *wq = &lk->wq[idx];
    struct adns_chan *chan;

    wq->lk = lk;
    if (!lws__adns_core_servers(&a->srv, 0, NULL, 0, NULL)) {
        lwsl_warn("%s: no DNS server known", lk->name);
        adns_wq_done(wq, LADNS_RET_FAILED);
        return;
    }
    chan = adns_chan_take(a);
    if (!chan || adns_wq_send(wq, chan)) {
        lwsl_err("%s: cannot start a query", lk->name);
        if (chan)
            adns_chan_after(chan);
        adns_wq_done(wq, LADNS_RET_FAILED);
        return;
    }
    /* A query's first try waits the channel's try timeout: when the
     * channel's timer is due by then, it stands (ares_timeout() walks every
     * query of the channel, so it is not asked again at each send); alone
     * on its channel (one question per socket), the timer is set to that
     * without asking c-ares (firing no earlier than c-ares's own). */
    if (chan->nq == 1 && !chan->sul.list.owner) {
        lws_sul_schedule(a->cx, 0, &chan->sul, adns_chan_timer_cb,
                         (lws_usec_t)chan->tmo_ms * LWS_US_PER_MS);
        return;
    }
    if (chan->nq > 1 && chan->sul.list.owner &&
        chan->sul.us <=
            lws_now_usecs() + (lws_usec_t)chan->tmo_ms * LWS_US_PER_MS)
        return;
    adns_chan_after(chan);
}

void lws__adns_lookup_abort(struct adns_lookup *lk, int status)
{
    struct adns_chan *idle[2];
    struct adns_wq *left[2];
    int n = 0, ni = 0;

    lk->abort_status = status;
    /* A question still on the wire is left to c-ares while its channel
     * carries others (c-ares 1.18 cancels only whole channels), its end
     * ignored; a channel left with no one waiting is cancelled now. */
    for (int i = 0; i < lk->nwq; i++) {
        struct adns_qt *qt = lk->wq[i].qt;

        if (lk->wq[i].done)
            continue;
        if (qt) {
            qt->wq = NULL;
            if (!--qt->chan->nlive)
                idle[ni++] = qt->chan;
        }
        lk->wq[i].qt = NULL;
        left[n++] = &lk->wq[i];
    }
    for (int i = 0; i < ni; i++) {
        if (i && idle[i] == idle[0])
            continue;
        ares_cancel(idle[i]->ch); /* ends (and frees) the abandoned ones */
        adns_chan_after(idle[i]);
    }
    /* The last one completes and frees lk: only left[] is used. */
    for (int i = 0; i < n; i++)
        adns_wq_done(left[i], status);
}
