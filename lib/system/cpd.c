/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal detection glue: lws's CPD API, the state notifier that
 * holds CPD_PRE_TIME / CPD_POST_TIME while a configured check runs, and the
 * built-in probe.  A probe attempt resolves the URL's host through the async
 * resolver (numeric hosts directly), connects a non-blocking TCP socket
 * adopted as a wsi of protocol "lws-cpd" on the system vhost, optionally
 * runs TLS (tls.c), sends one GET and classifies the reply (http-client.c,
 * cpd-core.c).  Retries, timeouts and the deadline come from the sans-I/O
 * core in cpd-core.c.
 */
#define LWS_LOGMOD "cpd"
#include "private-cpd.h"
#include "private-tls.h"

#include <lws-system/async-dns.h>

#include <netdb.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define CPD_PROTOCOL   "lws-cpd"
#define CPD_RX_MAX     16384 /* reply bytes kept (header + body) */
#define CPD_BODY_MAX   4096  /* decoded chunked body */
#define CPD_REASON_MAX 320

enum cpd_phase { CPD_PH_NONE, CPD_PH_PRE, CPD_PH_POST, CPD_PH_COUNT };

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

struct cpd_probe;

/* Outlives the probe when the resolver still holds it (see cpd_dns_cb). */
struct cpd_dns_ticket {
    struct cpd_probe *probe; /* NULL once the probe gave up on it */
    lws_sockaddr46 sa;
    int status;     /* the resolver's n */
    bool have_addr; /* sa is valid */
    bool done;      /* the callback ran */
};

struct cpd_probe {
    struct lws__cpd *cpd;
    const struct lws__http_url *url;
    struct lws *wsi;
    struct lws__tls *tls;
    struct cpd_dns_ticket *dns;
    enum cpd_stage stage;
    bool in_query; /* inside lws_async_dns_query() */
    size_t tx_len, tx_sent, rx_len;
    char tx[LWS__HTTP_PATH_MAX + LWS__HTTP_HOST_MAX + 256];
    uint8_t rx[CPD_RX_MAX];
    uint8_t body[CPD_BODY_MAX];
};

struct lws__cpd {
    struct lws_context *cx;
    lws_state_notify_link_t nl;
    bool nl_registered;
    struct lws__http_url url[CPD_PH_COUNT]; /* [PRE] http, [POST] https */
    char *url_text[CPD_PH_COUNT];           /* for reasons */
    struct lws__cpd_expect expect;
    char *expect_body;
    struct lws__tls_conf *tls_conf; /* loaded when an https_url is set */
    struct lws__cpd_core_cfg cfg;
    struct lws__cpd_core core;
    unsigned int flags;
    uint32_t recheck_ms;
    lws_sorted_usec_list_t sul_core;  /* core wake-up / op deadline */
    lws_sorted_usec_list_t sul_kick;  /* start an attempt */
    lws_sorted_usec_list_t sul_defer; /* deferred lws_system_cpd_start() */
    struct cpd_probe *probe;
    enum cpd_phase cur;  /* URL of the running check */
    enum cpd_phase held; /* step we are holding, or NONE */
    bool passed[CPD_PH_COUNT];
    bool op_running;
    lws_cpd_result_t result;
    char reason[CPD_REASON_MAX];
};

static const char *const cpd_result_names[] = {"Unknown", "OK", "Captive",
                                               "No internet"};

const char *lws_cpd_result_name(lws_cpd_result_t result)
{
    if ((unsigned int)result >=
        sizeof(cpd_result_names) / sizeof(cpd_result_names[0]))
        return "?";
    return cpd_result_names[result];
}

static uint64_t cpd_now_ms(void)
{
    return (uint64_t)(lws_now_usecs() / LWS_US_PER_MS);
}

static void cpd_reason(struct lws__cpd *cpd, const char *fmt, ...)
    LWS_FORMAT(2);

/* Sets the reason to "<url>: <text>". */
static void cpd_reason(struct lws__cpd *cpd, const char *fmt, ...)
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

/* ------------------------------------------------------------------------
 * Probe lifetime
 */

static struct lws *cpd_dns_cb(struct lws *wsi, const char *ads,
                              const struct addrinfo *result, int n,
                              void *opaque);

static void cpd_probe_free(struct cpd_probe *p)
{
    if (!p)
        return;
    if (p->dns) {
        /* Orphan the ticket (the resolver's callback frees it) and stop
         * the lookup early. */
        p->dns->probe = NULL;
        lws_adns_cancel(p->cpd->cx, cpd_dns_cb, NULL, p->dns);
    }
    lws__tls_destroy(p->tls);
    if (p->wsi) {
        lws_set_opaque_user_data(p->wsi, NULL);
        lws_wsi_close(p->wsi);
    }
    if (p->cpd->probe == p)
        p->cpd->probe = NULL;
    lws__free(p);
}

static void cpd_apply(struct lws__cpd *cpd, const struct lws__cpd_out *out);

/* The running attempt ended; the probe is freed here. */
static void cpd_attempt_end(struct cpd_probe *p, lws_cpd_result_t result,
                            bool retryable)
{
    struct lws__cpd *cpd = p->cpd;
    struct lws__cpd_out out;
    uint32_t jitter;

    cpd_probe_free(p);
    jitter = lws__random_below(cpd->cx,
                               lws__cpd_backoff_ms(cpd->core.attempts) / 4 + 1);
    lws__cpd_core_attempt_done(&cpd->core, cpd_now_ms(), result, retryable,
                               jitter, &out);
    if (!out.done)
        lwsl_info("attempt %d: %s (%s)%s", cpd->core.attempts,
                  lws_cpd_result_name(result), cpd->reason,
                  out.wake_at_ms ? ", will retry" : "");
    cpd_apply(cpd, &out);
}

static void cpd_fail(struct cpd_probe *p, lws_cpd_result_t result,
                     bool retryable, const char *fmt, ...) LWS_FORMAT(4);

static void cpd_fail(struct cpd_probe *p, lws_cpd_result_t result,
                     bool retryable, const char *fmt, ...)
{
    char text[CPD_REASON_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cpd_reason(p->cpd, "%s", text);
    cpd_attempt_end(p, result, retryable);
}

/* ------------------------------------------------------------------------
 * Reply
 */

static void cpd_probe_classify(struct cpd_probe *p,
                               const struct lws__http_resp *r,
                               const uint8_t *body, size_t body_len)
{
    char text[CPD_REASON_MAX];
    bool retryable;
    lws_cpd_result_t res;

    res = lws__cpd_classify(&p->cpd->expect, r, p->rx, body, body_len,
                            &retryable, text, sizeof(text));
    cpd_reason(p->cpd, "%s", text);
    cpd_attempt_end(p, res, retryable);
}

/* Looks at what arrived so far; @eof: the peer closed (or the buffer is
 * full).  Returns true when the attempt ended. */
static bool cpd_probe_evaluate(struct cpd_probe *p, bool eof)
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
    if (!p->cpd->expect.body || r.status != p->cpd->expect.status) {
        cpd_probe_classify(p, &r, NULL, 0);
        return true;
    }
    ret = lws__http_resp_body(&r, p->rx, p->rx_len, eof, p->body,
                              sizeof(p->body), &body, &blen);
    if (ret == -EAGAIN && p->rx_len < sizeof(p->rx))
        return false;
    if (ret) {
        body = NULL; /* truncated, malformed or too big: not the body */
        blen = p->rx_len - r.hdr_len;
    }
    cpd_probe_classify(p, &r, body, blen);
    return true;
}

static ssize_t cpd_probe_recv(struct cpd_probe *p, uint8_t *buf, size_t len)
{
    ssize_t n;

    if (p->tls)
        return lws__tls_read(p->tls, buf, len);
    n = recv(lws_get_socket_fd(p->wsi), buf, len, 0);
    if (n >= 0)
        return n;
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -EAGAIN
                                                                       : -errno;
}

static void cpd_probe_readable(struct cpd_probe *p)
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

static void cpd_probe_send(struct cpd_probe *p)
{
    while (p->tx_sent < p->tx_len) {
        const char *b = p->tx + p->tx_sent;
        size_t left = p->tx_len - p->tx_sent;
        ssize_t n;

        if (p->tls)
            n = lws__tls_write(p->tls, b, left);
        else {
            n = send(lws_get_socket_fd(p->wsi), b, left, MSG_NOSIGNAL);
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

static void cpd_probe_tls_step(struct cpd_probe *p)
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

static void cpd_probe_connected(struct cpd_probe *p)
{
    int err = 0, ret;
    socklen_t sl = sizeof(err);

    if (getsockopt(lws_get_socket_fd(p->wsi), SOL_SOCKET, SO_ERROR, &err,
                   &sl) ||
        err) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "connect failed: %s",
                 strerror(err ? err : errno));
        return;
    }
    if (!p->url->https) {
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

static void cpd_probe_connect(struct cpd_probe *p, lws_sockaddr46 *sa)
{
    struct lws_vhost *vh = lws_get_vhost_by_name(p->cpd->cx, "system");
    socklen_t sl =
        sa->sa4.sin_family == AF_INET ? sizeof(sa->sa4) : sizeof(sa->sa6);
    char ads[64] = "?";
    int fd, one = 1;

    if (sa->sa4.sin_family == AF_INET)
        sa->sa4.sin_port = htons(p->url->port);
    else
        sa->sa6.sin6_port = htons(p->url->port);
    lws_sa46_write_numeric_address(sa, ads, sizeof(ads));
    lwsl_debug("attempt %d: connecting to %s port %u", p->cpd->core.attempts,
               ads, (unsigned int)p->url->port);
    fd = socket(sa->sa4.sin_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "socket: %s", strerror(errno));
        return;
    }
    /* The TLS handshake writes several small records in a row: without
     * this, Nagle holds them for the peer's delayed ACK (~40 ms). */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)sa, sl) && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "connect to %s failed: %s", ads,
                 strerror(e));
        return;
    }
    p->stage = CPD_ST_CONNECTING;
    p->wsi = lws__wsi_adopt(vh, CPD_PROTOCOL, fd, LWS__WSI_RX_NOTIFY, p);
    if (!p->wsi) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "cannot adopt the socket");
        return;
    }
    lws__wsi_poll(p->wsi, UV_WRITABLE);
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

static void cpd_probe_resolved(struct cpd_probe *p, struct cpd_dns_ticket *t)
{
    lws_sockaddr46 sa = t->sa;
    bool have = t->have_addr;
    int status = t->status;

    p->dns = NULL;
    lws__free(t);
    if (!have) {
        cpd_fail(p, LWS_CPD_NO_INTERNET, true, "cannot resolve %s: %s",
                 p->url->host, cpd_dns_status(status));
        return;
    }
    cpd_probe_connect(p, &sa);
}

/* Keeps the first IPv4 or IPv6 address of @ai. */
static bool cpd_pick_addr(const struct addrinfo *ai, lws_sockaddr46 *sa)
{
    for (; ai; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sa->sa4)) {
            memset(sa, 0, sizeof(*sa));
            memcpy(&sa->sa4, ai->ai_addr, sizeof(sa->sa4));
            return true;
        }
        if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sa->sa6)) {
            memcpy(&sa->sa6, ai->ai_addr, sizeof(sa->sa6));
            return true;
        }
    }
    return false;
}

static struct lws *cpd_dns_cb(struct lws *wsi, const char *ads,
                              const struct addrinfo *result, int n,
                              void *opaque)
{
    struct cpd_dns_ticket *t = opaque;
    struct cpd_probe *p = t->probe;

    (void)wsi, (void)ads;
    t->have_addr = result && cpd_pick_addr(result, &t->sa);
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

static void cpd_probe_resolve(struct cpd_probe *p)
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

static void cpd_kick_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_kick);
    struct cpd_probe *p;
    lws_sockaddr46 sa;

    if (!cpd->core.attempt_active || cpd->probe)
        return;
    p = lws__calloc(1, sizeof(*p));
    if (!p) {
        struct lws__cpd_out out;
        cpd_reason(cpd, "out of memory");
        lws__cpd_core_attempt_done(&cpd->core, cpd_now_ms(),
                                   LWS_CPD_NO_INTERNET, true, 0, &out);
        cpd_apply(cpd, &out);
        return;
    }
    p->cpd = cpd;
    p->url = &cpd->url[cpd->cur];
    cpd->probe = p;
    p->tx_len = (size_t)lws__http_request_write(p->url, p->tx, sizeof(p->tx));
    lwsl_info("attempt %d: GET %s", cpd->core.attempts,
              cpd->url_text[cpd->cur]);
    if (!lws_sa46_parse_numeric(&sa, p->url->host))
        cpd_probe_connect(p, &sa);
    else
        cpd_probe_resolve(p);
}

/* ------------------------------------------------------------------------
 * Check driving
 */

static void cpd_core_cb(lws_sorted_usec_list_t *sul);

static void cpd_apply(struct lws__cpd *cpd, const struct lws__cpd_out *out)
{
    struct lws_context *cx = cpd->cx;
    uint64_t now = cpd_now_ms();

    if (out->abort_attempt && cpd->probe) {
        cpd_reason(cpd, "no reply within the %s (%s)",
                   out->done ? "deadline" : "attempt timeout",
                   cpd_stage_names[cpd->probe->stage]);
        cpd_probe_free(cpd->probe);
    }
    if (out->done) {
        lws_sul_cancel(&cpd->sul_core);
        lws_sul_cancel(&cpd->sul_kick);
        lws_system_cpd_set(cx, out->result);
        return;
    }
    if (out->start_attempt)
        lws_sul_schedule(cx, 0, &cpd->sul_kick, cpd_kick_cb, 0);
    if (out->wake_at_ms)
        lws_sul_schedule(cx, 0, &cpd->sul_core, cpd_core_cb,
                         out->wake_at_ms > now
                             ? (lws_usec_t)(out->wake_at_ms - now) *
                                   LWS_US_PER_MS
                             : 0);
}

static void cpd_core_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_core);
    struct lws__cpd_out out;

    if (cpd->op_running) {
        cpd->op_running = false;
        cpd_reason(cpd, "no result within %u ms", cpd->cfg.deadline_ms);
        lws_system_cpd_set(cpd->cx, LWS_CPD_NO_INTERNET);
        return;
    }
    lws__cpd_core_timer(&cpd->core, cpd_now_ms(), &out);
    cpd_apply(cpd, &out);
}

/* Stops whatever check is running, without a result. */
static void cpd_stop(struct lws__cpd *cpd)
{
    lws__cpd_core_stop(&cpd->core);
    cpd_probe_free(cpd->probe);
    cpd->op_running = false;
    lws_sul_cancel(&cpd->sul_core);
    lws_sul_cancel(&cpd->sul_kick);
}

static void cpd_defer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_defer);
    int ret = lws_system_cpd_start(cpd->cx);

    if (ret && cpd->held != CPD_PH_NONE) {
        /* Nothing can run the check: report it rather than hang. */
        cpd_reason(cpd, "cannot start the check (%s)", strerror(-ret));
        lws_system_cpd_set(cpd->cx, LWS_CPD_NO_INTERNET);
    }
}

static enum cpd_phase cpd_pick(struct lws__cpd *cpd)
{
    lws_state_manager_t *mgr = lws_system_get_state_manager(cpd->cx);
    bool https = cpd->url_text[CPD_PH_POST] != NULL;

    if (https &&
        (mgr->state >= LWS_SYSTATE_TIME_VALID || !cpd->url_text[CPD_PH_PRE]))
        return CPD_PH_POST;
    return cpd->url_text[CPD_PH_PRE] ? CPD_PH_PRE : CPD_PH_NONE;
}

static int cpd_start_probe(struct lws__cpd *cpd)
{
    enum cpd_phase ph = cpd_pick(cpd);
    struct lws__cpd_out out;

    if (ph == CPD_PH_NONE) {
        lwsl_err("cannot start: no captive_portal_detect_request op and no "
                 "probe URL configured");
        return -ENOENT;
    }
    if (ph == CPD_PH_POST && !lws__tls_time_valid(cpd->cx)) {
        lwsl_err("cannot probe %s yet: TLS is refused until the system state "
                 "reaches TIME_VALID",
                 cpd->url_text[ph]);
        return -EAGAIN;
    }
    cpd_stop(cpd);
    cpd->result = LWS_CPD_UNKNOWN;
    cpd->reason[0] = '\0';
    cpd->cur = ph;
    lws__cpd_core_start(&cpd->core, &cpd->cfg, cpd_now_ms(), &out);
    lwsl_info("check started: %s (up to %d attempts, deadline %u ms)",
              cpd->url_text[ph], cpd->cfg.retries + 1, cpd->cfg.deadline_ms);
    cpd_apply(cpd, &out);
    return 0;
}

int lws_system_cpd_start(struct lws_context *cx)
{
    struct lws__cpd *cpd;
    int ret;

    if (!cx) {
        lwsl_err("lws_system_cpd_start: NULL context");
        return -EINVAL;
    }
    LWS__LOOP_ONLY(cx);
    cpd = cx->cpd;
    if (!cpd || cx->destroying)
        return -EINVAL;
    if (cx->options & LWS_SERVER_OPTION_CPD_BYPASS) {
        cpd_stop(cpd);
        cpd->result = LWS_CPD_UNKNOWN;
        snprintf(cpd->reason, sizeof(cpd->reason),
                 "bypassed (LWS_SERVER_OPTION_CPD_BYPASS)");
        lws_system_cpd_set(cx, LWS_CPD_INTERNET_OK);
        return 0;
    }
    if (!cx->ops.captive_portal_detect_request)
        return cpd_start_probe(cpd);
    cpd_stop(cpd);
    cpd->result = LWS_CPD_UNKNOWN;
    cpd->reason[0] = '\0';
    cpd->cur = CPD_PH_NONE;
    cpd->op_running = true;
    lws_sul_schedule(cx, 0, &cpd->sul_core, cpd_core_cb,
                     (lws_usec_t)cpd->cfg.deadline_ms * LWS_US_PER_MS);
    ret = cx->ops.captive_portal_detect_request(cx);
    if (ret && cpd->op_running) {
        cpd->op_running = false;
        lws_sul_cancel(&cpd->sul_core);
    }
    return ret;
}

void lws_system_cpd_start_defer(struct lws_context *cx, lws_usec_t defer_us)
{
    struct lws__cpd *cpd;

    if (!cx)
        return;
    LWS__LOOP_ONLY(cx);
    cpd = cx->cpd;
    if (cpd && !cx->destroying)
        lws_sul_schedule(cx, 0, &cpd->sul_defer, cpd_defer_cb,
                         defer_us < 0 ? 0 : defer_us);
}

/* Applies the ladder policy to a fresh result. */
static void cpd_release_or_hold(struct lws__cpd *cpd)
{
    lws_state_manager_t *mgr = lws_system_get_state_manager(cpd->cx);
    int step = cpd->held == CPD_PH_PRE ? LWS_SYSTATE_CPD_PRE_TIME
                                       : LWS_SYSTATE_CPD_POST_TIME;

    if (cpd->held == CPD_PH_NONE)
        return;
    if (lws__cpd_releases_step(cpd->result, cpd->flags)) {
        cpd->passed[cpd->held] = true;
        cpd->held = CPD_PH_NONE;
        return;
    }
    lwsl_notice("holding %s until the check says OK: next check in %u ms",
                lws_state_name(mgr, step), cpd->recheck_ms);
    lws_sul_schedule(cpd->cx, 0, &cpd->sul_defer, cpd_defer_cb,
                     (lws_usec_t)cpd->recheck_ms * LWS_US_PER_MS);
}

void lws_system_cpd_set(struct lws_context *cx, lws_cpd_result_t result)
{
    struct lws__cpd *cpd;
    lws_state_manager_t *mgr;

    if (!cx)
        return;
    LWS__LOOP_ONLY(cx);
    cpd = cx->cpd;
    if (!cpd || (unsigned int)result > LWS_CPD_NO_INTERNET)
        return;
    if (result == LWS_CPD_UNKNOWN) {
        lwsl_warn("lws_system_cpd_set: UNKNOWN is not a result, ignored");
        return;
    }
    if (cpd->result != LWS_CPD_UNKNOWN) {
        lwsl_info("result %s ignored: %s was already reported",
                  lws_cpd_result_name(result),
                  lws_cpd_result_name(cpd->result));
        return;
    }
    cpd_stop(cpd);
    cpd->result = result;
    lwsl_notice("result: %s%s%s", lws_cpd_result_name(result),
                cpd->reason[0] ? " - " : "", cpd->reason);
    cpd_release_or_hold(cpd);
    mgr = lws_system_get_state_manager(cx);
    if (!cx->destroying && mgr->state != LWS_SYSTATE_POLICY_INVALID)
        lws_state_transition_steps(mgr, cx->target_state);
}

lws_cpd_result_t lws_system_cpd_state_get(struct lws_context *cx)
{
    if (!cx || !cx->cpd)
        return LWS_CPD_UNKNOWN;
    LWS__LOOP_ONLY(cx);
    return ((struct lws__cpd *)cx->cpd)->result;
}

const char *lws_system_cpd_reason(struct lws_context *cx)
{
    if (!cx || !cx->cpd)
        return "";
    LWS__LOOP_ONLY(cx);
    return ((struct lws__cpd *)cx->cpd)->reason;
}

/* ------------------------------------------------------------------------
 * State notifier
 */

static bool cpd_phase_configured(struct lws__cpd *cpd, enum cpd_phase ph)
{
    if (cpd->cx->ops.captive_portal_detect_request)
        return ph == CPD_PH_PRE;
    return cpd->url_text[ph] != NULL;
}

static int cpd_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
                      int current, int target)
{
    struct lws__cpd *cpd = lws_container_of(link, struct lws__cpd, nl);
    enum cpd_phase ph = target == LWS_SYSTATE_CPD_PRE_TIME    ? CPD_PH_PRE
                        : target == LWS_SYSTATE_CPD_POST_TIME ? CPD_PH_POST
                                                              : CPD_PH_NONE;

    (void)mgr;
    if (current == target || ph == CPD_PH_NONE || cpd->cx->destroying ||
        !cpd_phase_configured(cpd, ph) || cpd->passed[ph])
        return 0;
    if (cpd->cx->options & LWS_SERVER_OPTION_CPD_BYPASS) {
        cpd->result = LWS_CPD_INTERNET_OK;
        snprintf(cpd->reason, sizeof(cpd->reason),
                 "bypassed (LWS_SERVER_OPTION_CPD_BYPASS)");
        return 0;
    }
    if (cpd->held != ph) {
        cpd->held = ph;
        /* Start from the loop, never inside the state walk. */
        lws_sul_schedule(cpd->cx, 0, &cpd->sul_defer, cpd_defer_cb, 0);
    }
    return 1;
}

/* ------------------------------------------------------------------------
 * Protocol
 */

static int cpd_url_setup(struct lws__cpd *cpd, enum cpd_phase ph,
                         const char *url, bool https)
{
    int ret;

    if (!url)
        return 0;
    ret = lws__http_url_parse(url, &cpd->url[ph]);
    if (ret || cpd->url[ph].https != https) {
        lwsl_err("bad %s '%s': %s", https ? "https_url" : "http_url", url,
                 ret ? strerror(-ret)
                     : (https ? "must be https://" : "must be http://"));
        return -EINVAL;
    }
    cpd->url_text[ph] = lws__strdup(url);
    return cpd->url_text[ph] ? 0 : -ENOMEM;
}

static int cpd_setup(struct lws__cpd *cpd, const struct lws_cpd_info *ci)
{
    int ret;

    lws__cpd_core_cfg_from_info(&cpd->cfg, ci);
    cpd->expect.status = LWS__CPD_DEF_STATUS;
    cpd->recheck_ms = LWS__CPD_DEF_RECHECK_MS;
    if (!ci)
        return 0;
    cpd->flags = ci->flags;
    if (ci->recheck_ms)
        cpd->recheck_ms = ci->recheck_ms;
    if (ci->expect_status) {
        if (ci->expect_status < 100 || ci->expect_status > 999) {
            lwsl_err("bad expect_status %d", ci->expect_status);
            return -EINVAL;
        }
        cpd->expect.status = ci->expect_status;
    }
    if (ci->expect_body) {
        cpd->expect_body = lws__strdup(ci->expect_body);
        if (!cpd->expect_body)
            return -ENOMEM;
        cpd->expect.body = cpd->expect_body;
    }
    ret = cpd_url_setup(cpd, CPD_PH_PRE, ci->http_url, false);
    if (!ret)
        ret = cpd_url_setup(cpd, CPD_PH_POST, ci->https_url, true);
    if (!ret && ci->https_url)
        ret = lws__tls_conf_create(cpd->cx, ci->ca_bundle, &cpd->tls_conf);
    return ret;
}

static void cpd_destroy(struct lws_context *cx)
{
    struct lws__cpd *cpd = cx->cpd;

    if (!cpd)
        return;
    cpd_stop(cpd);
    lws_sul_cancel(&cpd->sul_defer);
    if (cpd->nl_registered)
        lws_state_reg_deregister(&cpd->nl);
    lws__tls_conf_destroy(cpd->tls_conf);
    for (int i = 0; i < CPD_PH_COUNT; i++)
        lws__free(cpd->url_text[i]);
    lws__free(cpd->expect_body);
    lws__free(cpd);
    cx->cpd = NULL;
}

static int cpd_init(struct lws_context *cx,
                    const struct lws_context_creation_info *info)
{
    struct lws__cpd *cpd = lws__calloc(1, sizeof(*cpd));

    if (!cpd) {
        lwsl_err("out of memory");
        return -1;
    }
    cpd->cx = cx;
    cx->cpd = cpd;
    if (cpd_setup(cpd, info ? info->cpd : NULL)) {
        cpd_destroy(cx);
        return -1;
    }
    if (cx->ops.captive_portal_detect_request && cpd->url_text[CPD_PH_POST])
        lwsl_warn("https_url unused: the captive_portal_detect_request op "
                  "replaces the built-in probe");
    if (cx->ops.captive_portal_detect_request || cpd->url_text[CPD_PH_PRE] ||
        cpd->url_text[CPD_PH_POST]) {
        cpd->nl.name = "cpd";
        cpd->nl.notify_cb = cpd_notify;
        lws_state_reg_notifier(lws_system_get_state_manager(cx), &cpd->nl);
        cpd->nl_registered = true;
    }
    return 0;
}

static int cpd_callback(struct lws *wsi, enum lws_callback_reasons reason,
                        void *user, void *in, size_t len)
{
    struct cpd_probe *p = lws_get_opaque_user_data(wsi);

    (void)user, (void)len;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_INIT:
        return cpd_init(lws_get_context(wsi), in);
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        cpd_destroy(lws_get_context(wsi));
        return 0;
    case LWS_CALLBACK_RAW_WRITEABLE:
        if (!p)
            return -1;
        if (p->stage == CPD_ST_CONNECTING)
            cpd_probe_connected(p);
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
            cpd_probe_connected(p); /* a refused connect shows as readable */
        return 0;
    case LWS_CALLBACK_RAW_CLOSE:
        if (p && p->wsi == wsi) {
            p->wsi = NULL;
            cpd_fail(p, LWS_CPD_NO_INTERNET, true, "connection closed (%s)",
                     cpd_stage_names[p->stage]);
        }
        return 0;
    default:
        return 0;
    }
}

const struct lws_protocols lws__protocols_cpd[] = {
    {CPD_PROTOCOL, cpd_callback, 0, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};
