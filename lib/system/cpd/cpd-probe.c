/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The built-in captive-portal probe: one attempt resolves the URL's host
 * through the async resolver (numeric hosts directly), races its addresses
 * (Happy Eyeballs: non-blocking TCP sockets adopted as wsis of protocol
 * "lws-cpd" on the system vhost), runs TLS for https (cpd-tls.c)
 * over the winner, sends one GET and classifies the reply (cpd-codec.c,
 * cpd-core.c), or, for the RFC 8908 API, reads it (cpd-capport-fetch.c).  The
 * attempt's end goes to the check core (cpd-core.c), and what it decided to
 * cpd-glue.c through the callback cpd-glue.c set (cpd->apply).
 */
#define LWS_LOGMOD cpd
#include "private-cpd.h"
#include "private-cpd-tls.h"

#include <lws-system/async-dns.h>

#include <netdb.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define CPD_RX_MAX   16384 /* reply bytes kept (header + body) */
#define CPD_BODY_MAX 4096  /* decoded chunked body */
#define CPD_ADDRS    LWS__CPD_ADDRS

enum cpd_stage {
    CPD_ST_RESOLVING,
    CPD_ST_CONNECTING,
    CPD_ST_TLS,
    CPD_ST_SENDING,
    CPD_ST_RECEIVING
};

static const char *const cpd_stage_names[] = {"resolving", "connecting",
                                              "TLS handshake", "sending",
                                              "waiting for the reply"};

/* The connection race of one attempt (see "The connection race" below). */
struct cpd_race {
    struct lws__cpd_he he;
    struct lws *wsi[LWS__CPD_HE_SLOTS]; /* each connect's socket */
    lws_sorted_usec_list_t sul;
    lws_sockaddr46 addr[LWS__CPD_HE_MAX];
    char why[128]; /* the last failure */
};

/* Outlives the probe when the resolver still holds it (see cpd_dns_cb). */
struct cpd_dns_ticket {
    struct lws__cpd_probe *probe; /* NULL once the probe gave up on it */
    int naddr;                    /* valid entries of sa */
    int status;                   /* the resolver's n */
    bool done;                    /* the callback ran */
    lws_sockaddr46 sa[CPD_ADDRS];
};

struct lws__cpd_probe {
    struct lws__cpd *cpd;
    struct lws *wsi;
    struct lws__tls *tls;
    struct cpd_dns_ticket *dns;
    enum cpd_stage stage;
    bool in_query;  /* inside lws_async_dns_query() */
    bool truncated; /* TLS closed without close_notify */
    bool api;       /* fetching the RFC 8908 API (cpd-capport-fetch.c) */
    size_t tx_len, tx_sent, rx_len;
    /* the race before the URL: read more often, at shorter offsets */
    struct cpd_race race;     /* connecting (Happy Eyeballs) */
    struct lws__http_url url; /* parsed on use: idle CPD keeps text */
    char tx[LWS__HTTP_PATH_MAX + LWS__HTTP_HOST_MAX + 256];
    uint8_t rx[CPD_RX_MAX];
    uint8_t body[CPD_BODY_MAX];
};
/* Fetching the API (never without LWS_WITH_SYS_CPD_CAPPORT_API). */
#define CPD_API(p) (LWS_WITH_SYS_CPD_CAPPORT_API && (p)->api)

/* ------------------------------------------------------------------------
 * Probe lifetime
 */

static struct lws *cpd_dns_cb(struct lws *wsi, const char *ads,
                              const struct addrinfo *result, int n,
                              void *opaque);
static void race_stop(struct cpd_race *r);

/* Closes *@w (NULL: none) as the probe's no more: its events find no
 * probe. */
static void cpd_wsi_close(struct lws **w)
{
    if (!*w)
        return;
    (*w)->opaque = NULL;
    lws_wsi_close(*w);
    *w = NULL;
}

void lws__cpd_probe_free(struct lws__cpd_probe *p)
{
    if (!p)
        return;
    if (p->dns) {
        /* Orphan the ticket (the resolver's callback frees it) and stop
         * the lookup early. */
        p->dns->probe = NULL;
        lws_adns_cancel(p->cpd->cx, cpd_dns_cb, NULL, p->dns);
    }
    race_stop(&p->race);
    lws__tls_destroy(p->tls);
    cpd_wsi_close(&p->wsi);
    if (p->cpd->probe == p)
        p->cpd->probe = NULL;
    if (p->cpd->straggler == p)
        p->cpd->straggler = NULL;
    lws__free(p);
}

/* Sets cpd->reason to "<url>: "; returns its length (cut to the
 * buffer's). */
static size_t cpd_reason_prefix(struct lws__cpd *cpd)
{
    size_t n = (size_t)snprintf(cpd->reason, sizeof(cpd->reason), "%s: ",
                                cpd->url_text[cpd->cur]
                                    ? cpd->url_text[cpd->cur]
                                    : "captive_portal_detect_request");

    return n < sizeof(cpd->reason) ? n : sizeof(cpd->reason) - 1;
}

/* Sets cpd->reason to "<url>: " + @fmt. */
static void cpd_vreason(struct lws__cpd *cpd, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

__attribute__((noinline)) static void cpd_vreason(struct lws__cpd *cpd,
                                                  const char *fmt, va_list ap)
{
    size_t n = cpd_reason_prefix(cpd);

    vsnprintf(cpd->reason + n, sizeof(cpd->reason) - n, fmt, ap);
}

void lws__cpd_probe_timed_out(struct lws__cpd_probe *p)
{
    struct lws__cpd *cpd = p->cpd;

    lwsl_info("attempt %d timed out (%s): it keeps running beside the next",
              cpd->core.attempts, cpd_stage_names[p->stage]);
    lws__cpd_probe_free(cpd->straggler);
    cpd->probe = NULL;
    cpd->straggler = p;
}

void lws__cpd_reason(struct lws__cpd *cpd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cpd_vreason(cpd, fmt, ap);
    va_end(ap);
}

/* Sets the reason's "<url>: " prefix; the text goes at the return value,
 * *@room bytes. */
static char *cpd_reason_tail(struct lws__cpd *cpd, size_t *room)
{
    size_t n = cpd_reason_prefix(cpd);

    *room = sizeof(cpd->reason) - n;
    return cpd->reason + n;
}

/* Probe @p (NULL: none) ended with @result: the running attempt ends, or,
 * when @p is a timed-out attempt still running beside it (cpd->straggler),
 * only an answer that is no retryable failure ends it.  Probes are freed
 * here. */
static void cpd_attempt_end(struct lws__cpd *cpd, struct lws__cpd_probe *p,
                            lws_cpd_result_t result, bool retryable)
{
    struct lws__cpd_out out;
    uint32_t jitter;
    bool late = p && p == cpd->straggler;

    if (late) {
        lws__cpd_probe_free(p);
        if (retryable)
            return; /* the running attempt goes on */
        lwsl_info("a timed-out attempt answered: %s", cpd->reason);
    }
    lws__cpd_probe_free(cpd->probe); /* the running attempt ends */
    if (late && !cpd->core.attempt_active) {
        cpd->late = result; /* between attempts: the next takes it */
        return;
    }
    jitter = lws__random_below(cpd->cx,
                               lws__cpd_backoff_ms(cpd->core.attempts) / 4 + 1);
    lws__cpd_core_attempt_done(&cpd->core, lws_now_usecs(), result, retryable,
                               jitter, &out);
    if (!out.done)
        lwsl_info("attempt %d: %s (%s)%s", cpd->core.attempts,
                  lws_cpd_result_name(result), cpd->reason,
                  out.wake_at ? ", will retry" : "");
    cpd->apply(cpd, &out);
}

/* How an attempt failed: NO_INTERNET, retryable (a transport failure);
 * CAPTIVE_PORTAL, final; NO_INTERNET, final. */
enum { CPD_F_NET, CPD_F_PORTAL, CPD_F_NET_FINAL };

static void cpd_fail(struct lws__cpd_probe *p, int how, const char *fmt, ...)
    LWS_FORMAT(3);

static void cpd_fail(struct lws__cpd_probe *p, int how, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cpd_vreason(p->cpd, fmt, ap);
    va_end(ap);
    cpd_attempt_end(p->cpd, p,
                    how == CPD_F_PORTAL ? LWS_CPD_CAPTIVE_PORTAL
                                        : LWS_CPD_NO_INTERNET,
                    how == CPD_F_NET);
}

/* ------------------------------------------------------------------------
 * Reply
 */

/* Looks at what arrived so far; @eof: the peer closed (or the buffer is
 * full).  Returns true when the attempt ended. */
static bool cpd_probe_evaluate(struct lws__cpd_probe *p, bool eof)
{
    struct lws__cpd *cpd = p->cpd;
    struct lws__http_resp r;
    const uint8_t *body = NULL;
    size_t blen = 0, room;
    bool retryable;
    lws_cpd_result_t res;
    char *why;
    int ret = lws__http_resp_parse(p->rx, p->rx_len, &r);

    if (ret == -EAGAIN) {
        if (!eof)
            return false;
        cpd_fail(p, CPD_F_NET, "closed before a complete reply (%zu bytes)",
                 p->rx_len);
        return true;
    }
    if (ret) {
        cpd_fail(p, CPD_F_PORTAL, "malformed HTTP reply (%s)", strerror(-ret));
        return true;
    }
    if (CPD_API(p) || (cpd->expect.body && r.status == cpd->expect.status)) {
        /* Only a clean end (TCP FIN without TLS, close_notify with it)
         * can end a body that runs to the close; after a truncated one it
         * is missing. */
        ret = lws__http_resp_body(&r, p->rx, p->rx_len, eof && !p->truncated,
                                  p->body, sizeof(p->body), &body, &blen);
        if (ret == -EAGAIN && !eof) /* (a full buffer came as eof) */
            return false;
        if (ret && p->truncated && !CPD_API(p)) {
            /* "body cut: TLS closed without close_notify (n bytes)" */
            cpd_fail(p, CPD_F_NET, "body cut: TLS %s (%zu bytes)",
                     lws__tls_error(p->tls), p->rx_len - r.hdr_len);
            return true;
        }
        if (ret) {
            /* truncated, malformed or too big: not the body (what came
             * is counted in the probe's reason; the API's reads none) */
            body = NULL;
            blen = p->rx_len - r.hdr_len;
        }
    }
    why = cpd_reason_tail(cpd, &room);
#if LWS_WITH_SYS_CPD_CAPPORT_API
    if (CPD_API(p))
        res = lws__cpd_portal_api_reply(cpd, &r, p->rx, body, blen, &retryable,
                                        why, room);
    else
#endif
        res = lws__cpd_classify(&cpd->expect, &r, p->rx, body, blen, &retryable,
                                why, room);
    cpd_attempt_end(cpd, p, res, retryable);
    return true;
}

/* Sends (@tx) or receives over TLS, or the plain socket. */
static ssize_t cpd_probe_io(struct lws__cpd_probe *p, bool tx, void *buf,
                            size_t len)
{
    int fd;
    ssize_t n;

    if (!LWS_WITH_SYS_CPD_HTTP || p->tls) /* without: always TLS */
        return tx ? lws__tls_write(p->tls, buf, len)
                  : lws__tls_read(p->tls, buf, len);
    fd = p->wsi->fd;
    n = tx ? send(fd, buf,
                  LWS__FI_OR(p->cpd->cx, "cpd.tx.short", (len + 1) / 2, len),
                  MSG_NOSIGNAL)
           : recv(fd, buf, len, 0);
    if (n >= 0)
        return n;
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -EAGAIN
                                                                       : -errno;
}

static void cpd_probe_io_fail(struct lws__cpd_probe *p, const char *what,
                              ssize_t n)
{
    cpd_fail(p, CPD_F_NET, "%s failed: %s", what,
             p->tls ? lws__tls_error(p->tls) : strerror((int)-n));
}

static void cpd_probe_readable(struct lws__cpd_probe *p)
{
    bool eof = false;

    while (!eof && p->rx_len < sizeof(p->rx)) {
        ssize_t n = cpd_probe_io(p, false, p->rx + p->rx_len,
                                 sizeof(p->rx) - p->rx_len);
        if (n == -EAGAIN)
            break;
        if (n < 0 && !p->rx_len) {
            cpd_probe_io_fail(p, "receive", n);
            return;
        }
        if (n == -EPIPE && p->tls)
            p->truncated = true; /* closed without close_notify (logged) */
        if (n <= 0)
            eof = true;
        else
            p->rx_len += (size_t)n;
    }
    if (p->rx_len == sizeof(p->rx))
        eof = true;
    if (!cpd_probe_evaluate(p, eof) && lws__tls_wants_write(p->tls))
        lws__wsi_poll(p->wsi, UV_READABLE | UV_WRITABLE);
}

/* ------------------------------------------------------------------------
 * Request, TLS, connect
 */

static void cpd_probe_send(struct lws__cpd_probe *p)
{
    while (p->tx_sent < p->tx_len) {
        ssize_t n =
            cpd_probe_io(p, true, p->tx + p->tx_sent, p->tx_len - p->tx_sent);

        if (n == -EAGAIN) {
            lws__wsi_poll(p->wsi, p->tls && !lws__tls_wants_write(p->tls)
                                      ? UV_READABLE
                                      : UV_WRITABLE);
            return;
        }
        if (n < 0) {
            cpd_probe_io_fail(p, "send", n);
            return;
        }
        p->tx_sent += (size_t)n;
    }
    p->stage = CPD_ST_RECEIVING;
    lws__wsi_poll(p->wsi, UV_READABLE);
}

static void cpd_probe_tls_step(struct lws__cpd_probe *p)
{
    int ret = lws__tls_handshake(p->tls);

    if (!ret) {
        p->stage = CPD_ST_SENDING;
        cpd_probe_send(p);
        return;
    }
    if (ret == -EAGAIN) {
        lws__wsi_poll(p->wsi,
                      lws__tls_wants_write(p->tls) ? UV_WRITABLE : UV_READABLE);
        return;
    }
    if (ret == -EKEYREJECTED) {
        /* Someone answers for this name but cannot prove it is the probe
         * server: an intercepting portal (or a misconfigured CA bundle). */
        cpd_fail(p, CPD_F_PORTAL, "TLS refused: %s", lws__tls_error(p->tls));
        return;
    }
    cpd_fail(p, CPD_F_NET, "TLS: %s", lws__tls_error(p->tls));
}

/* The race ended: the first address that connected, or none. */
__attribute__((noinline)) static void
cpd_probe_connected(struct lws__cpd_probe *p, struct lws *winner)
{
    const struct lws__cpd_he *he = &p->race.he;
    int ret;

    if (!winner) {
        cpd_fail(p, CPD_F_NET, "connect to %s (%d tried)", p->race.why,
                 he->next < he->n ? he->next : he->n);
        return;
    }
    p->wsi = winner;
    if (LWS_WITH_SYS_CPD_HTTP && !p->url.https) {
        p->stage = CPD_ST_SENDING;
        cpd_probe_send(p);
        return;
    }
    ret = lws__tls_client_create(p->cpd->cx, p->cpd->tls_conf, p->wsi->fd,
                                 p->url.host, &p->tls);
    if (ret) {
        cpd_fail(p, ret == -EAGAIN ? CPD_F_NET_FINAL : CPD_F_NET,
                 "TLS refused: %s",
                 ret == -EAGAIN ? "clock not valid yet" : strerror(-ret));
        return;
    }
    p->stage = CPD_ST_TLS;
    cpd_probe_tls_step(p);
}

/* ------------------------------------------------------------------------
 * The connection race: Happy Eyeballs v2 (RFC 8305).  The addresses are
 * ordered (RFC 6724, with the source the kernel picks for each) and
 * interleaved by family, then raced: non-blocking sockets adopted as wsis
 * of the CPD protocol, further sockets beside a connect that goes
 * unanswered, the first connected one taken, the others closed at once.
 * The decisions (order, head start, delays, winner) are the pure core's
 * (cpd-he.c).
 */

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

static void race_close(struct cpd_race *r, int i)
{
    cpd_wsi_close(&r->wsi[i]);
}

/* Notes why connect @i failed (errno @err). */
static void race_why(struct cpd_race *r, int i, int err)
{
    char ads[64];

    ads[0] = '?', ads[1] = '\0'; /* if it cannot be written */
    lws_sa46_write_numeric_address(&r->addr[r->he.addr[i]], ads, sizeof(ads));
    snprintf(r->why, sizeof(r->why), "%s: %s", ads, strerror(err));
    lwsl_info("connect to %s", r->why);
}

static void race_timer_cb(lws_sorted_usec_list_t *sul);

/* Opens connect @i's socket: 0, or -1 (failed at once, reason noted). */
static int race_open(struct lws__cpd_probe *p, int i)
{
    struct cpd_race *r = &p->race;
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
    /* on the system vhost, the protocol's */
    r->wsi[i] = lws__wsi_adopt(p->cpd->cx->vhost_system, LWS__CPD_PROTOCOL, fd,
                               LWS__WSI_RX_NOTIFY, p);
    if (!r->wsi[i]) {
        race_why(r, i, ENOMEM); /* cannot adopt the socket */
        return -1;
    }
    lws__wsi_poll(r->wsi[i], UV_WRITABLE);
    return 0;
}

/* Carries out what the core said; may end the race (and the attempt). */
static void race_apply(struct lws__cpd_probe *p, struct lws__cpd_he_out *o)
{
    struct cpd_race *r = &p->race;

    for (;;) {
        for (int k = 0; k < LWS__CPD_HE_SLOTS; k++)
            if (o->close & (1u << k))
                race_close(r, k);
        if (o->start < 0 || !race_open(p, o->start))
            break;
        lws__cpd_he_failed(&r->he, lws_now_usecs(), o->start, o);
    }
    lws_sul_cancel(&r->sul);
    if (o->wake_at)
        lws_sul_schedule(p->cpd->cx, 0, &r->sul, race_timer_cb,
                         o->wake_at - lws_now_usecs());
    if (o->won >= 0) {
        struct lws *w = r->wsi[o->won];

        r->wsi[o->won] = NULL;
        cpd_probe_connected(p, w);
    } else if (o->failed)
        cpd_probe_connected(p, NULL);
}

/* Tells the race core @ev (LWS__HE_IDLE: the timer) of connect @i now and
 * carries out what it says. */
static void race_step(struct lws__cpd_probe *p, int i, int ev)
{
    struct lws__cpd_he_out o;

    lws__cpd_he_event(&p->race.he, lws_now_usecs(), i, ev, &o);
    race_apply(p, &o);
}

static void race_timer_cb(lws_sorted_usec_list_t *sul)
{
    race_step(lws_container_of(sul, struct lws__cpd_probe, race.sul), -1,
              LWS__HE_IDLE);
}

/* Orders @sa (@n of them) and starts the race to the URL's port; may end
 * the attempt (nothing usable, every socket refused at once). */
static void race_start(struct lws__cpd_probe *p, const lws_sockaddr46 *sa,
                       int n)
{
    const struct lws__cpd_rec *rec = p->cpd->rec;
    struct cpd_race *r = &p->race;
    struct lws__cpd_he_cand c[LWS__CPD_HE_MAX];
    struct lws__cpd_he_out o;

    if (n > LWS__CPD_HE_MAX)
        n = LWS__CPD_HE_MAX;
    for (int i = 0; i < n; i++) {
        c[i].dst = sa[i];
        lws__sa46_set_port(&c[i].dst, p->url.port);
        race_source(&c[i].dst, &c[i].src);
    }
    lws__cpd_rfc6724_sort(c, n);
    n = lws__cpd_he_interleave(c, n, r->addr);
    snprintf(r->why, sizeof(r->why), "no route to any address");
    lws__cpd_he_start(&r->he, lws_now_usecs(), n, rec->he_head_ms,
                      rec->he_step_ms, rec->connect_ms, &o);
    race_apply(p, &o);
}

/* A racing wsi became writable or readable (@closed: it closed). */
static void race_event(struct lws__cpd_probe *p, struct lws *wsi, bool closed)
{
    struct cpd_race *r = &p->race;
    socklen_t sl = sizeof(int);
    int i = 0, err = 0, ev = LWS__HE_FAILED;

    while (i < LWS__CPD_HE_SLOTS && r->wsi[i] != wsi)
        i++;
    if (i == LWS__CPD_HE_SLOTS || !wsi)
        return; /* not one of the race's */
    if (closed) {
        r->wsi[i] = NULL;           /* the wsi goes by itself */
        race_why(r, i, ECONNRESET); /* closed while connecting */
    } else if (getsockopt(wsi->fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err) {
        race_why(r, i, err ? err : errno);
        race_close(r, i);
    } else
        ev = LWS__HE_WON;
    race_step(p, i, ev);
}

/* Closes every racing socket and the timer (the winner, once taken, is
 * not the race's any more).  Safe on a race never started. */
static void race_stop(struct cpd_race *r)
{
    lws_sul_cancel(&r->sul);
    for (int i = 0; i < LWS__CPD_HE_SLOTS; i++)
        race_close(r, i);
}

/* Races the @n addresses @sa (Happy Eyeballs); may end the attempt. */
static void cpd_probe_try(struct lws__cpd_probe *p, const lws_sockaddr46 *sa,
                          int n)
{
    lwsl_debug("attempt %d: %d address(es) of %s port %u",
               p->cpd->core.attempts, n, p->url.host,
               (unsigned int)p->url.port);
    p->stage = CPD_ST_CONNECTING;
    race_start(p, sa, n);
}

/* ------------------------------------------------------------------------
 * Name resolution
 */

/* Why a lookup gave no address: the resolver's n (LADNS_RET_*, -5..-1),
 * or 1: the query was refused. */
static const char *cpd_dns_status(int n)
{
    static const char *const why[] = {"lookup refused",   "resolver failure",
                                      "resolver timeout", "no such name",
                                      "resolver failure", "no address"};

    if (n == -ECANCELED)
        return "cancelled";
    return why[n == 1 ? 0 : n < 0 && n >= LADNS_RET_NODATA ? -n : 1];
}

static void cpd_probe_resolved(struct lws__cpd_probe *p,
                               struct cpd_dns_ticket *t)
{
    struct lws__cpd_rec *rec = p->cpd->rec;

    p->dns = NULL;
    if (!t->naddr)
        cpd_fail(p, CPD_F_NET, "cannot resolve %s: %s", p->url.host,
                 cpd_dns_status(t->status));
    else {
        if (!CPD_API(p)) {
            memcpy(rec->known, t->sa, sizeof(t->sa[0]) * (size_t)t->naddr);
            rec->nknown = (uint8_t)t->naddr;
        }
        cpd_probe_try(p, t->sa, t->naddr);
    }
    lws__free(t);
}

static struct lws *cpd_dns_cb(struct lws *wsi, const char *ads,
                              const struct addrinfo *result, int n,
                              void *opaque)
{
    struct cpd_dns_ticket *t = opaque;
    struct lws__cpd_probe *p = t->probe;

    (void)wsi, (void)ads;
    t->naddr = (int)lws__sa46_from_addrinfo(result, t->sa, CPD_ADDRS);
    t->status = n;
    t->done = true;
    lws_async_dns_freeaddrinfo(&result);
    if (!p) {
        lws__free(t); /* the probe is gone */
        return NULL;
    }
    if (!p->in_query)
        cpd_probe_resolved(p, t);
    return NULL;
}

static void cpd_probe_resolve(struct lws__cpd_probe *p)
{
    struct cpd_dns_ticket *t = lws__calloc(1, sizeof(*t));
    int rc;

    if (!t) {
        cpd_fail(p, CPD_F_NET, "out of memory");
        return;
    }
    t->probe = p;
    p->dns = t;
    p->stage = CPD_ST_RESOLVING;
    p->in_query = true;
    rc = (int)lws_async_dns_query(p->cpd->cx, 0, p->url.host, LWS_ADNS_RECORD_A,
                                  cpd_dns_cb, NULL, t);
    p->in_query = false;
    if (t->done) {
        cpd_probe_resolved(p, t);
        return;
    }
    if (rc < 0) {
        t->status = 1; /* refused */
        cpd_probe_resolved(p, t);
    }
}

void lws__cpd_kick_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_kick);
    struct lws__cpd_probe *p;
    const char *url, *accept = "*/*";
    lws_sockaddr46 sa;

    if (!cpd->core.attempt_active || cpd->probe)
        return;
    p = cpd->late ? NULL : lws__calloc(1, sizeof(*p));
    if (!p) {
        /* A timed-out attempt answered in the pause: this one's result. */
        lws_cpd_result_t late = cpd->late;

        if (!late)
            lws__cpd_reason(cpd, "out of memory");
        cpd->late = LWS_CPD_UNKNOWN;
        cpd_attempt_end(cpd, NULL, late ? late : LWS_CPD_NO_INTERNET, !late);
        return;
    }
    p->cpd = cpd;
    cpd->probe = p;
    url = cpd->url_text[cpd->cur];
#if LWS_WITH_SYS_CPD_CAPPORT_API
    {
        const char *api = lws__cpd_capport_url(cpd, &p->url);

        if (api) {
            p->api = true;
            url = api;
            accept = LWS__CPD_CAPPORT_TYPE;
        }
    }
#endif
    /* cpd_url_setup() accepted this text, so it parses again. */
    if (!CPD_API(p) && lws__http_url_parse(url, &p->url))
        lwsl_err("url '%s' no longer parses", url);
    /* tx has room for the longest path and host with every field */
    p->tx_len = (size_t)lws__http_request_write_as(&p->url, p->tx,
                                                   sizeof(p->tx), accept);
    lwsl_info("attempt %d: GET %s%s", cpd->core.attempts, url,
              CPD_API(p) ? " (captive portal API)" : "");
    if (!lws_sa46_parse_numeric(&sa, p->url.host))
        cpd_probe_try(p, &sa, 1);
    else if (cpd->rec->nknown && !CPD_API(p))
        /* A later attempt of this check: the addresses it resolved. */
        cpd_probe_try(p, cpd->rec->known, cpd->rec->nknown);
    else
        cpd_probe_resolve(p);
}

const char *lws__cpd_probe_stage(const struct lws__cpd_probe *p)
{
    return p ? cpd_stage_names[p->stage] : "idle";
}

int lws__cpd_probe_event(struct lws *wsi, enum lws_callback_reasons reason)
{
    struct lws__cpd_probe *p = wsi->opaque;
    bool closed = reason == LWS_CALLBACK_RAW_CLOSE;

    if (!p)
        return closed ? 0 : -1;
    if (p->stage == CPD_ST_CONNECTING)
        /* a refused connect shows as readable */
        race_event(p, wsi, closed);
    else if (closed) {
        if (p->wsi == wsi) {
            p->wsi = NULL;
            cpd_fail(p, CPD_F_NET, "connection closed (%s)",
                     cpd_stage_names[p->stage]);
        }
    } else if (p->stage == CPD_ST_TLS)
        cpd_probe_tls_step(p);
    else if (p->stage == CPD_ST_SENDING)
        cpd_probe_send(p);
    else if (p->stage == CPD_ST_RECEIVING)
        cpd_probe_readable(p); /* TLS may want to write while reading */
    return 0;
}
