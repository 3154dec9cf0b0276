/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The built-in captive-portal probe: one attempt resolves the URL's host
 * through the async resolver (numeric hosts directly), races its addresses
 * (Happy Eyeballs, cpd-race.c: non-blocking TCP sockets adopted as wsis of
 * protocol "lws-cpd" on the system vhost), runs TLS for https (cpd-tls.c)
 * over the winner, sends one GET and classifies the reply (cpd-codec.c,
 * cpd-core.c), or, for the RFC 8908 API, reads it (cpd-portal.c).  The
 * attempt's end goes to the check core (cpd-core.c), and what it decided to
 * cpd-glue.c through the callback cpd-glue.c set (cpd->apply).
 */
#define LWS_LOGMOD cpd
#include "private-cpd.h"
#include "private-cpd-race.h"
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

/* Outlives the probe when the resolver still holds it (see cpd_dns_cb). */
struct cpd_dns_ticket {
    struct lws__cpd_probe *probe; /* NULL once the probe gave up on it */
    lws_sockaddr46 sa[CPD_ADDRS];
    int naddr;  /* valid entries of sa */
    int status; /* the resolver's n */
    bool done;  /* the callback ran */
};

struct lws__cpd_probe {
    struct lws__cpd *cpd;
    const struct lws__http_url *url; /* &url_parsed */
    struct lws *wsi;
    struct lws__tls *tls;
    struct cpd_dns_ticket *dns;
    struct lws__cpd_race race;      /* connecting (Happy Eyeballs) */
    lws_sockaddr46 addr[CPD_ADDRS]; /* resolved */
    int naddr;
    enum cpd_stage stage;
    bool in_query;  /* inside lws_async_dns_query() */
    bool truncated; /* TLS closed without close_notify */
    bool api;       /* fetching the RFC 8908 API (cpd-portal.c) */
    size_t tx_len, tx_sent, rx_len;
    char tx[LWS__HTTP_PATH_MAX + LWS__HTTP_HOST_MAX + 256];
    uint8_t rx[CPD_RX_MAX];
    uint8_t body[CPD_BODY_MAX];
    struct lws__http_url url_parsed; /* parsed on use: idle CPD keeps text */
};

/* ------------------------------------------------------------------------
 * Probe lifetime
 */

static struct lws *cpd_dns_cb(struct lws *wsi, const char *ads,
                              const struct addrinfo *result, int n,
                              void *opaque);

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
    lws__cpd_race_stop(&p->race);
    lws__tls_destroy(p->tls);
    if (p->wsi) {
        lws_set_opaque_user_data(p->wsi, NULL);
        lws_wsi_close(p->wsi);
    }
    if (p->cpd->probe == p)
        p->cpd->probe = NULL;
    if (p->cpd->straggler == p)
        p->cpd->straggler = NULL;
    lws__free(p);
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
    int n = snprintf(cpd->reason, sizeof(cpd->reason), "%s: ",
                     cpd->url_text[cpd->cur] ? cpd->url_text[cpd->cur]
                                             : "captive_portal_detect_request");

    if (n < 0 || (size_t)n >= sizeof(cpd->reason))
        return;
    va_start(ap, fmt);
    vsnprintf(cpd->reason + n, sizeof(cpd->reason) - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The running attempt ended; the probe is freed here. */
static void cpd_attempt_end(struct lws__cpd_probe *p, lws_cpd_result_t result,
                            bool retryable)
{
    struct lws__cpd *cpd = p->cpd;
    struct lws__cpd_out out;
    uint32_t jitter;
    bool late = p == cpd->straggler;

    lws__cpd_probe_free(p);
    if (late) {
        if (retryable)
            return; /* the running attempt goes on */
        lwsl_info("a timed-out attempt answered: %s", cpd->reason);
        lws__cpd_probe_free(cpd->probe); /* it ends the running attempt */
        if (!cpd->core.attempt_active) {
            cpd->late = result; /* between attempts: the next takes it */
            return;
        }
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

static void cpd_fail(struct lws__cpd_probe *p, lws_cpd_result_t result,
                     bool retryable, const char *fmt, ...) LWS_FORMAT(4);

static void cpd_fail(struct lws__cpd_probe *p, lws_cpd_result_t result,
                     bool retryable, const char *fmt, ...)
{
    char text[LWS__CPD_REASON_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    lws__cpd_reason(p->cpd, "%s", text);
    cpd_attempt_end(p, result, retryable);
}

/* ------------------------------------------------------------------------
 * Reply
 */

static void cpd_probe_classify(struct lws__cpd_probe *p,
                               const struct lws__http_resp *r,
                               const uint8_t *body, size_t body_len)
{
    char text[LWS__CPD_REASON_MAX];
    bool retryable;
    lws_cpd_result_t res;

    res = lws__cpd_classify(&p->cpd->expect, r, p->rx, body, body_len,
                            &retryable, text, sizeof(text));
    lws__cpd_reason(p->cpd, "%s", text);
    cpd_attempt_end(p, res, retryable);
}

/* Looks at what arrived so far; @eof: the peer closed (or the buffer is
 * full).  Returns true when the attempt ended. */
static bool cpd_probe_evaluate(struct lws__cpd_probe *p, bool eof)
{
    struct lws__http_resp r;
    const uint8_t *body;
    size_t blen;
    int ret = lws__http_resp_parse(p->rx, p->rx_len, &r);

    if (ret == -EAGAIN) {
        if (!eof)
            return false;
        cpd_fail(p, LWS_CPD_NO_INTERNET, true,
                 "connection closed before a complete reply (%zu bytes)",
                 p->rx_len);
        return true;
    }
    if (ret) {
        cpd_fail(p, LWS_CPD_CAPTIVE_PORTAL, false, "malformed HTTP reply (%s)",
                 strerror(-ret));
        return true;
    }
#if LWS_WITH_SYS_CPD_CAPPORT_API
    if (p->api) {
        char why[LWS__CPD_REASON_MAX];
        bool retryable;
        lws_cpd_result_t res;

        ret = lws__http_resp_body(&r, p->rx, p->rx_len, eof && !p->truncated,
                                  p->body, sizeof(p->body), &body, &blen);
        if (ret == -EAGAIN && !eof && p->rx_len < sizeof(p->rx))
            return false;
        res = lws__cpd_portal_api_reply(p->cpd, &r, p->rx, ret ? NULL : body,
                                        ret ? 0 : blen, &retryable, why,
                                        sizeof(why));
        lws__cpd_reason(p->cpd, "%s", why);
        cpd_attempt_end(p, res, retryable);
        return true;
    }
#endif
    if (!p->cpd->expect.body || r.status != p->cpd->expect.status) {
        cpd_probe_classify(p, &r, NULL, 0);
        return true;
    }
    /* Only a clean end (TCP FIN without TLS, close_notify with it) can end
     * a body that runs to the close; after a truncated one it is missing. */
    ret = lws__http_resp_body(&r, p->rx, p->rx_len, eof && !p->truncated,
                              p->body, sizeof(p->body), &body, &blen);
    if (ret == -EAGAIN && !eof && p->rx_len < sizeof(p->rx))
        return false;
    if (ret == -EAGAIN)
        ret = -EBADMSG; /* closed (or full) before the body ended */
    if (ret && p->truncated) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, true,
                 "TLS closed without close_notify before the body was known "
                 "complete (%zu bytes)",
                 p->rx_len - r.hdr_len);
        return true;
    }
    if (ret) {
        body = NULL; /* truncated, malformed or too big: not the body */
        blen = p->rx_len - r.hdr_len;
    }
    cpd_probe_classify(p, &r, body, blen);
    return true;
}

static ssize_t cpd_probe_recv(struct lws__cpd_probe *p, uint8_t *buf,
                              size_t len)
{
    ssize_t n;

    if (!LWS_WITH_SYS_CPD_HTTP || p->tls) /* without: always TLS */
        return lws__tls_read(p->tls, buf, len);
    n = recv(lws_get_socket_fd(p->wsi), buf, len, 0);
    if (n >= 0)
        return n;
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -EAGAIN
                                                                       : -errno;
}

static void cpd_probe_readable(struct lws__cpd_probe *p)
{
    bool eof = false;

    while (!eof && p->rx_len < sizeof(p->rx)) {
        ssize_t n =
            cpd_probe_recv(p, p->rx + p->rx_len, sizeof(p->rx) - p->rx_len);
        if (n == -EAGAIN)
            break;
        if (n < 0 && !p->rx_len) {
            cpd_fail(p, LWS_CPD_NO_INTERNET, true, "receive failed: %s",
                     p->tls ? lws__tls_error(p->tls) : strerror((int)-n));
            return;
        }
        if (n == -EPIPE && p->tls) {
            p->truncated = true; /* closed without close_notify */
            lwsl_info("%s: closed without close_notify: a body running to "
                      "the close is not complete",
                      p->url->host);
        }
        if (n <= 0)
            eof = true;
        else
            p->rx_len += (size_t)n;
    }
    if (p->rx_len == sizeof(p->rx))
        eof = true;
    if (!cpd_probe_evaluate(p, eof) && p->tls && lws__tls_wants_write(p->tls))
        lws__wsi_poll(p->wsi, UV_READABLE | UV_WRITABLE);
}

/* ------------------------------------------------------------------------
 * Request, TLS, connect
 */

static void cpd_probe_send(struct lws__cpd_probe *p)
{
    while (p->tx_sent < p->tx_len) {
        const char *b = p->tx + p->tx_sent;
        size_t left = p->tx_len - p->tx_sent;
        ssize_t n;

        if (!LWS_WITH_SYS_CPD_HTTP || p->tls)
            n = lws__tls_write(p->tls, b, left);
        else {
            n = send(
                lws_get_socket_fd(p->wsi), b,
                LWS__FI_OR(p->cpd->cx, "cpd.tx.short", (left + 1) / 2, left),
                MSG_NOSIGNAL);
            if (n < 0)
                n = (errno == EAGAIN || errno == EWOULDBLOCK) ? -EAGAIN
                                                              : -errno;
        }
        if (n == -EAGAIN) {
            lws__wsi_poll(p->wsi, p->tls && !lws__tls_wants_write(p->tls)
                                      ? UV_READABLE
                                      : UV_WRITABLE);
            return;
        }
        if (n < 0) {
            cpd_fail(p, LWS_CPD_NO_INTERNET, true, "send failed: %s",
                     p->tls ? lws__tls_error(p->tls) : strerror((int)-n));
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
        cpd_fail(p, LWS_CPD_CAPTIVE_PORTAL, false, "TLS refused: %s",
                 lws__tls_error(p->tls));
        return;
    }
    cpd_fail(p, LWS_CPD_NO_INTERNET, true, "TLS: %s", lws__tls_error(p->tls));
}

/* The race ended: the first address that connected, or none. */
static void cpd_probe_connected(struct lws__cpd_race *r, struct lws *winner,
                                const char *why)
{
    struct lws__cpd_probe *p = lws_container_of(r, struct lws__cpd_probe, race);
    int ret, n = lws__cpd_race_tried(r);

    if (!winner) {
        if (n > 1)
            cpd_fail(p, LWS_CPD_NO_INTERNET, true,
                     "connect to %s (%d addresses tried)", why, n);
        else
            cpd_fail(p, LWS_CPD_NO_INTERNET, true, "connect to %s", why);
        return;
    }
    p->wsi = winner;
    if (LWS_WITH_SYS_CPD_HTTP && !p->url->https) {
        p->stage = CPD_ST_SENDING;
        cpd_probe_send(p);
        return;
    }
    ret = lws__tls_client_create(p->cpd->cx, p->cpd->tls_conf,
                                 lws_get_socket_fd(p->wsi), p->url->host,
                                 &p->tls);
    if (ret) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, ret != -EAGAIN, "TLS refused: %s",
                 ret == -EAGAIN ? "the clock is not validated yet"
                                : strerror(-ret));
        return;
    }
    p->stage = CPD_ST_TLS;
    cpd_probe_tls_step(p);
}

/* Races the resolved addresses (Happy Eyeballs); may end the attempt. */
static void cpd_probe_try(struct lws__cpd_probe *p)
{
    const struct lws__cpd_rec *rec = p->cpd->rec;

    lwsl_debug("attempt %d: connecting to %d address(es) of %s port %u",
               p->cpd->core.attempts, p->naddr, p->url->host,
               (unsigned int)p->url->port);
    p->stage = CPD_ST_CONNECTING;
    lws__cpd_race_start(&p->race, p->cpd->cx, p->addr, p->naddr, p->url->port,
                        rec->he_head_ms, rec->he_step_ms, rec->connect_ms, p,
                        cpd_probe_connected);
}

/* ------------------------------------------------------------------------
 * Name resolution
 */

static const char *cpd_dns_status(int n)
{
    switch (n) {
    case LADNS_RET_NXDOMAIN:
        return "no such name";
    case LADNS_RET_NODATA:
        return "no address for that name";
    case LADNS_RET_TIMEDOUT:
        return "the resolver did not answer in time";
    case -ECANCELED:
        return "cancelled";
    default:
        return "resolver failure";
    }
}

static void cpd_probe_resolved(struct lws__cpd_probe *p,
                               struct cpd_dns_ticket *t)
{
    int status = t->status;

    p->naddr = t->naddr;
    memcpy(p->addr, t->sa, sizeof(p->addr[0]) * (size_t)t->naddr);
    p->dns = NULL;
    lws__free(t);
    if (!p->naddr) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "cannot resolve %s: %s",
                 p->url->host, cpd_dns_status(status));
        return;
    }
    if (!p->api) {
        memcpy(p->cpd->rec->known, p->addr,
               sizeof(p->addr[0]) * (size_t)p->naddr);
        p->cpd->rec->nknown = (uint8_t)p->naddr;
    }
    cpd_probe_try(p);
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
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "out of memory");
        return;
    }
    t->probe = p;
    p->dns = t;
    p->stage = CPD_ST_RESOLVING;
    p->in_query = true;
    rc = (int)lws_async_dns_query(p->cpd->cx, 0, p->url->host,
                                  LWS_ADNS_RECORD_A, cpd_dns_cb, NULL, t);
    p->in_query = false;
    if (t->done) {
        cpd_probe_resolved(p, t);
        return;
    }
    if (rc < 0) {
        p->dns = NULL;
        lws__free(t);
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "cannot resolve %s: %s",
                 p->url->host, "lookup refused");
    }
}

void lws__cpd_kick_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_kick);
    struct lws__cpd_probe *p;

    if (!cpd->core.attempt_active || cpd->probe)
        return;
    p = cpd->late ? NULL : lws__calloc(1, sizeof(*p));
    if (!p) {
        /* A timed-out attempt answered in the pause: this one's result. */
        lws_cpd_result_t late = cpd->late;
        struct lws__cpd_out out;

        if (!late)
            lws__cpd_reason(cpd, "out of memory");
        cpd->late = LWS_CPD_UNKNOWN;
        lws__cpd_core_attempt_done(&cpd->core, lws_now_usecs(),
                                   late ? late : LWS_CPD_NO_INTERNET, !late, 0,
                                   &out);
        cpd->apply(cpd, &out);
        return;
    }
    p->cpd = cpd;
    p->url = &p->url_parsed;
    cpd->probe = p;
    /* cpd_url_setup() accepted this text, so it parses again. */
    if (lws__http_url_parse(cpd->url_text[cpd->cur], &p->url_parsed))
        lwsl_err("url '%s' no longer parses", cpd->url_text[cpd->cur]);
    p->tx_len = (size_t)lws__http_request_write(p->url, p->tx, sizeof(p->tx));
#if LWS_WITH_SYS_CPD_CAPPORT_API
    {
        const char *api = lws__cpd_portal_api_url(cpd);
        struct lws__http_url *u = &p->url_parsed;
        int n;

        if (api && !lws__http_url_parse(api, u) &&
            (n = lws__cpd_portal_request(u, p->tx, sizeof(p->tx))) > 0) {
            p->api = true;
            p->tx_len = (size_t)n;
            lwsl_info("attempt %d: GET %s (captive portal API)",
                      cpd->core.attempts, api);
        } else if (api && lws__http_url_parse(cpd->url_text[cpd->cur], u))
            lwsl_err("url '%s' no longer parses", cpd->url_text[cpd->cur]);
    }
#endif
    lwsl_info("attempt %d: GET %s", cpd->core.attempts,
              p->api ? "the API" : cpd->url_text[cpd->cur]);
    if (!lws_sa46_parse_numeric(&p->addr[0], p->url->host)) {
        p->naddr = 1;
    } else if (cpd->rec->nknown && !p->api) {
        /* A later attempt of this check: the addresses it resolved. */
        p->naddr = cpd->rec->nknown;
        memcpy(p->addr, cpd->rec->known, sizeof(p->addr[0]) * (size_t)p->naddr);
    } else {
        cpd_probe_resolve(p);
        return;
    }
    cpd_probe_try(p);
}

const char *lws__cpd_probe_stage(const struct lws__cpd_probe *p)
{
    return p ? cpd_stage_names[p->stage] : "idle";
}

int lws__cpd_probe_event(struct lws *wsi, enum lws_callback_reasons reason)
{
    struct lws__cpd_probe *p = lws_get_opaque_user_data(wsi);

    switch (reason) {
    case LWS_CALLBACK_RAW_WRITEABLE:
        if (!p)
            return -1;
        if (p->stage == CPD_ST_CONNECTING)
            lws__cpd_race_event(&p->race, wsi, false);
        else if (p->stage == CPD_ST_TLS)
            cpd_probe_tls_step(p);
        else if (p->stage == CPD_ST_SENDING)
            cpd_probe_send(p);
        else if (p->stage == CPD_ST_RECEIVING)
            cpd_probe_readable(p); /* TLS wanted to write while reading */
        return 0;
    case LWS_CALLBACK_RAW_RX:
        if (!p)
            return -1;
        if (p->stage == CPD_ST_TLS)
            cpd_probe_tls_step(p);
        else if (p->stage == CPD_ST_SENDING)
            cpd_probe_send(p);
        else if (p->stage == CPD_ST_RECEIVING)
            cpd_probe_readable(p);
        else if (p->stage == CPD_ST_CONNECTING)
            /* a refused connect shows as readable */
            lws__cpd_race_event(&p->race, wsi, false);
        return 0;
    case LWS_CALLBACK_RAW_CLOSE:
        if (p && p->stage == CPD_ST_CONNECTING)
            lws__cpd_race_event(&p->race, wsi, true);
        else if (p && p->wsi == wsi) {
            p->wsi = NULL;
            cpd_fail(p, LWS_CPD_NO_INTERNET, true, "connection closed (%s)",
                     cpd_stage_names[p->stage]);
        }
        return 0;
    default:
        return 0;
    }
}
