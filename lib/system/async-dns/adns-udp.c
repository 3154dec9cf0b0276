/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The transport of the async DNS helper: questions go out on UDP sockets
 * of our own, a truncated answer is asked again over TCP.  Every UDP
 * socket is bound to a port from the context's CSPRNG and connected to its
 * server, so the kernel hands it only datagrams from that address and
 * port; a reply must then carry the 16-bit random ID of a question waiting
 * on that socket and echo its question (name, type, class) before our
 * parser reads the rest (RFC 5452 §9.1).  The socket taking new questions
 * (a->cur) is retired after questions_per_socket of them and closed once
 * none waits on it: with the default of one, every question goes out from
 * a fresh unpredictable port (§9.2).  Sockets are watched through one
 * descriptor set of the loop (lib/core/fdset.c: a socket costs one
 * registration, no loop handle); one sorted timer follows the earliest try
 * timeout of all questions.  A question's end reaches the glue through the
 * question_done callback it handed us.
 */
#define LWS_LOGMOD adns
#include "private-adns.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

/* 16 bits from the context's CSPRNG, drawn LWS__ADNS_RND at a time (one
 * DRBG call costs about what a socket does), or -1. */
static int adns_rnd16(struct lws__adns *a)
{
    int v;

    if (!a->rnd_left) {
        if (lws_get_random(a->cx, a->rnd, LWS__ADNS_RND * 2) !=
            LWS__ADNS_RND * 2)
            return -1;
        a->rnd_left = LWS__ADNS_RND;
    }
    v = a->rnd[--a->rnd_left];
    a->rnd[a->rnd_left] = 0; /* used bits do not linger */
    return v;
}

/* RFC 5452 §9.2: binds @fd to a uniform random port in 1024..65535. */
static int adns_bind_random(struct lws__adns *a, int fd, int domain)
{
    lws_sockaddr46 sa;

    for (int i = 0; i < 16;) {
        int v = adns_rnd16(a);

        if (v < 0)
            return -EIO;
        if (v >= 65536 - 1024) /* reject the partial top range */
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa4.sin_family = (sa_family_t)domain;
        lws__sa46_set_port(&sa, (uint16_t)(1024 + v));
        if (!bind(fd, (struct sockaddr *)&sa,
                  domain == AF_INET ? sizeof(sa.sa4) : sizeof(sa.sa6)))
            return 0;
        if (errno != EADDRINUSE)
            return -errno;
        i++;
    }
    return -EADDRINUSE;
}

void lws__adns_transport_trim(struct lws__adns *a)
{
    while (a->spares) {
        struct adns_lookup *lk = a->spares;

        a->spares = (struct adns_lookup *)(void *)lk->list.next;
        lws__free(lk);
    }
    while (a->dead_socks.head) {
        struct adns_sock *s =
            lws_container_of(a->dead_socks.head, struct adns_sock, list);

        lws_dll2_remove(&s->list);
        lws__free(s->rx);
        lws__free(s);
    }
}

/* A closed socket is kept (a readiness batch may still name it) for the
 * next one to open, until lws__adns_transport_trim(): one closed in the
 * batch running now is not reused before it ends. */
static void adns_sock_close(struct adns_sock *s)
{
    struct lws__adns *a = s->a;

    if (a->cur == s)
        a->cur = NULL;
    lws_dll2_remove(&s->list);
    close(s->fd); /* also leaves the descriptor set */
    s->dead = true;
    s->batch = a->batch;
    lws_dll2_add_tail(&s->list, &a->dead_socks);
    if (!a->socks.count) /* no try left to time */
        lws_sul_cancel(&a->sul_try);
}

static void adns_fd_batch(void *opaque, void *const *tags, const int *uv_events,
                          int n);

/* A new socket connected to @sa (port set), watched; NULL (logged, errno
 * set). */
static struct adns_sock *adns_sock_open(struct lws__adns *a,
                                        const lws_sockaddr46 *sa, bool tcp)
{
    int fam = sa->sa4.sin_family, r = -ENOMEM;
    struct adns_sock *s;

    if (!a->fdset) {
        a->fdset = lws__fdset_new(a->cx, adns_fd_batch, a);
        if (!a->fdset) {
            errno = ENOMEM;
            return NULL; /* logged */
        }
    }
    s = a->dead_socks.head
            ? lws_container_of(a->dead_socks.head, struct adns_sock, list)
            : NULL;
    /* the oldest closed one, unless the batch running now closed it (then
     * so did it all the others: they queue in the order they closed) */
    if (s && (!(a->batch & 1) || s->batch != a->batch)) {
        lws_dll2_remove(&s->list);
        lws__free(s->rx);
        memset(s, 0, sizeof(*s));
    } else
        s = lws__calloc(1, sizeof(*s));
    if (!s)
        goto bail;
    s->fd = LWS__FI_OR(
        a->cx, "adns.channel", (errno = EMFILE, -1),
        socket(fam,
               (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
               0));
    if (s->fd < 0) {
        r = -errno;
        lws__free(s);
        goto bail;
    }
    r = tcp ? 0 : adns_bind_random(a, s->fd, fam);
    if (!r &&
        connect(s->fd, (const struct sockaddr *)sa,
                fam == AF_INET ? sizeof(sa->sa4) : sizeof(sa->sa6)) &&
        errno != EINPROGRESS)
        r = -errno;
    if (!r)
        r = lws__fdset_watch(a->fdset, s->fd, tcp ? UV_WRITABLE : UV_READABLE,
                             false, s);
    if (r) {
        close(s->fd);
        lws__free(s);
    bail:
        lwsl_warn("DNS socket: %s", strerror(-r));
        errno = -r;
        return NULL;
    }
    s->a = a;
    s->tcp = tcp;
    s->peer = *sa;
    lws_dll2_add_tail(&s->list, &a->socks);
    return s;
}

/* The servers in the order to ask them (cached per server generation);
 * a dead server's due probe puts it first for the next question only. */
static int adns_order(struct lws__adns *a)
{
    lws_usec_t now = lws__adns_now(a);
    bool probe = false;

    lws__adns_core_health_tick(&a->srv, now);
    if (a->order_gen == a->srv.server_gen && a->norder)
        return a->norder;
    a->norder = lws__adns_core_servers(&a->srv, now, a->order,
                                       LWS__ADNS_ORDER_MAX, &probe);
    for (int i = 0; i < a->norder; i++)
        if (!lws__sa46_port(&a->order[i]))
            lws__sa46_set_port(&a->order[i], a->srv.port);
    a->order_gen = a->srv.server_gen;
    if (probe) /* this question only: the next ones ask it last again */
        a->srv.server_gen++;
    return a->norder;
}

/* The socket a question to @sa goes out on: the current one when it is
 * connected there, else a new one (current from now, unless @fresh or one
 * question per socket). */
static struct adns_sock *adns_sock_for(struct lws__adns *a,
                                       const lws_sockaddr46 *sa, bool fresh,
                                       bool tcp)
{
    struct adns_sock *s = a->cur;

    if (s && !fresh) {
        if (lws__adns_core_sa_eq(&s->peer, sa, 0))
            return s;
        if (sa == &a->order[0]) { /* the first server changed */
            a->cur = NULL;
            if (!s->qs.count)
                adns_sock_close(s);
        }
    }
    s = adns_sock_open(a, sa, tcp);
    if (s && !fresh && !tcp && !a->cur && a->qps != 1)
        a->cur = s;
    return s;
}

/* Takes @wq off its socket; a retired socket left empty is closed. */
static void adns_wq_detach(struct adns_wq *wq)
{
    struct adns_sock *s = wq->s;

    if (!s)
        return;
    wq->s = NULL;
    lws_dll2_remove(&wq->on);
    if (!s->qs.count && s != s->a->cur)
        adns_sock_close(s);
}

static void adns_wq_end(struct adns_wq *wq, int status)
{
    adns_wq_detach(wq);
    wq->done = true;
    wq->status = status;
    wq->lk->a->question_done(wq); /* the last one frees the lookup */
}

static void adns_try_timer_cb(lws_sorted_usec_list_t *sul);

/* Writes @wq's query (its lookup's, with its type and ID; without the
 * OPT record after a FORMERR) at @q + 2, its length before it (TCP's
 * prefix).  @return the query's length. */
static int adns_query(const struct adns_wq *wq, uint8_t *q)
{
    const struct adns_lookup *lk = wq->lk;
    int n = lk->qlen - (wq->no_edns ? 11 : 0);

    memcpy(q + 2, lk->query, (size_t)n);
    q[0] = (uint8_t)(n >> 8);
    q[1] = (uint8_t)n;
    q[2] = (uint8_t)(wq->id >> 8);
    q[3] = (uint8_t)wq->id;
    q[2 + 11] = !wq->no_edns; /* ARCOUNT */
    q[2 + lk->qlen - 15] = (uint8_t)(wq->qtype >> 8);
    q[2 + lk->qlen - 14] = (uint8_t)wq->qtype;
    return n;
}

/* How a try follows the one before. */
enum adns_how {
    ADNS_SAME,  /* the same server (the first try: the first server) */
    ADNS_FRESH, /* the same server from a new socket, port and ID */
    ADNS_NEXT   /* the server after it in the current order */
};

/* Sends @wq to the server @how says (over TCP once wq->tcp); a try that
 * cannot go out moves on to the next server at once.  After the last try
 * (tries passes over the server list), @wq ends with @status. */
static void adns_try(struct adns_wq *wq, enum adns_how how, int status)
{
    struct adns_lookup *lk = wq->lk;
    struct lws__adns *a = lk->a;
    uint8_t q[2 + LWS__ADNS_NAME_MAX + 32];

    for (;; how = ADNS_NEXT) {
        int n = adns_order(a), len, id, i = 0;
        const lws_sockaddr46 *sa;
        struct adns_sock *s;
        lws_usec_t now;
        uint32_t pass;

        if (!n) {
            lwsl_warn("%s: no DNS server known", lk->name);
            status = LADNS_RET_FAILED;
            break;
        }
        /* The order may have changed since (a demotion, a probe, a new
         * list): the next server is the one after it as the order is now
         * (the first, if it is gone). */
        if (wq->srv.sa4.sin_family) {
            while (i < n && !lws__adns_core_sa_eq(&a->order[i], &wq->srv, 0))
                i++;
            if (i == n)
                i = 0;
            else if (how == ADNS_NEXT)
                i = (i + 1) % n;
        }
        if (how == ADNS_NEXT && ++wq->ntry >= (uint32_t)a->tries * (uint32_t)n)
            break;
        sa = &a->order[i];
        wq->srv = *sa;
        s = adns_sock_for(a, sa, how == ADNS_FRESH || wq->tcp, wq->tcp);
        if (!s && errno != ENOMEM && errno != EMFILE && errno != ENFILE) {
            /* not ours but this server's (no route, a link-local address
             * without its interface, no IPv6): a failed try of it */
            lws__adns_health_event(a, sa, false, -1);
            continue;
        }
        if (!s) {
            lwsl_err("%s: cannot start a query", lk->name);
            status = LADNS_RET_FAILED;
            break;
        }
        do { /* unique among the questions on the socket */
            id = adns_rnd16(a);
            for (lws_dll2_t *d = s->qs.head; d && id >= 0; d = d->next)
                if (lws_container_of(d, struct adns_wq, on)->id == id)
                    id = 65536;
        } while (id == 65536);
        wq->id = (uint16_t)id;
        len = id < 0 ? -EIO : adns_query(wq, q);
        wq->s = s;
        lws_dll2_add_tail(&wq->on, &s->qs);
        if (++s->nsent >= a->qps && a->qps != LWS_ADNS_REUSE_FREELY &&
            a->cur == s)
            a->cur = NULL; /* full: retired once its questions end */
        if (len < 0) {
            lwsl_err("%s: cannot build a query", lk->name);
            status = LADNS_RET_FAILED;
            break;
        }
        now = lws__adns_loop_us(a);
        wq->sent = now;
        /* the server's RTO, doubled at each pass over the list */
        pass = wq->ntry / (uint32_t)n;
        wq->due =
            now +
            ((lws_usec_t)lws__adns_core_rto_ms(&a->srv, sa, a->try_timeout_ms)
             << (pass < 8 ? pass : 8)) *
                LWS_US_PER_MS;
        if (!a->sul_try.list.owner || wq->due < a->try_due) {
            a->try_due = wq->due;
            lws_sul_schedule(a->cx, 0, &a->sul_try, adns_try_timer_cb,
                             wq->due - now);
        }
        a->st.wire_queries++;
        if (wq->tcp ||
            LWS__FI_OR(a->cx, "adns.tx", (errno = ENETUNREACH, -1),
                       send(s->fd, q + 2, (size_t)len, MSG_NOSIGNAL)) == len)
            return; /* (over TCP once connected) */
        lwsl_info("%s: send: %s", lk->name, strerror(errno));
        lws__adns_health_event(a, sa, false, -1);
        adns_wq_detach(wq);
        status = LADNS_RET_FAILED;
    }
    adns_wq_end(wq, status);
}

/* The earliest try timeout passed: each question whose try is over moves
 * on to its next try (or ends); the timer is set for the next one. */
static void adns_try_timer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__adns *a = lws_container_of(sul, struct lws__adns, sul_try);
    lws_usec_t now = lws__adns_loop_us(a), next;

again: /* (a try may open or close sockets: walk again after each) */
    next = 0;
    for (lws_dll2_t *d = a->socks.head; d; d = d->next) {
        struct adns_sock *s = lws_container_of(d, struct adns_sock, list);

        for (lws_dll2_t *e = s->qs.head; e; e = e->next) {
            struct adns_wq *wq = lws_container_of(e, struct adns_wq, on);

            if (wq->due > now) {
                if (!next || wq->due < next)
                    next = wq->due;
                continue;
            }
            /* (with one server, silence is no reason to demote it) */
            if (a->norder > 1)
                lws__adns_health_event(a, &s->peer, false, -1);
            adns_wq_detach(wq);
            adns_try(wq, ADNS_NEXT, LADNS_RET_TIMEDOUT);
            goto again;
        }
    }
    if (next) {
        a->try_due = next;
        lws_sul_schedule(a->cx, 0, &a->sul_try, adns_try_timer_cb, next - now);
    }
}

/* ------------------------------------------------------------------------
 * Replies
 */

static int adns_answer_status(struct adns_wq *wq, const uint8_t *abuf,
                              size_t alen)
{
    struct adns_lookup *lk = wq->lk;

    /* (a question is answered once: nothing of an earlier try to free) */
    if (lws__adns_parse_reply(abuf, alen, lk->name, wq->qtype, &wq->ans,
                              true)) /* (adns_reply() matched it) */
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

/* A message from @s's server (the socket is connected: the kernel checked
 * the source address and port). */
static void adns_reply(struct adns_sock *s, const uint8_t *buf, size_t len)
{
    struct lws__adns *a = s->a;
    struct adns_wq *wq = NULL;
    int flags, rc;

    for (lws_dll2_t *d = s->qs.head; d && len >= 12; d = d->next) {
        struct adns_wq *w = lws_container_of(d, struct adns_wq, on);

        if (w->id == ((buf[0] << 8) | buf[1])) {
            wq = w;
            break;
        }
    }
    flags = wq ? lws__adns_reply_match(buf, len, wq->id, wq->lk->query + 12,
                                       LWS__ADNS_QNAME_LEN(wq->lk->qlen, 1),
                                       wq->qtype)
               : -ESRCH;
    if (flags < 0) {
        lwsl_info("reply to no question of ours dropped (%zu bytes)", len);
        return;
    }
    rc = flags & 0xf;
    /* Its server's health, the RTT from this try.  SERVFAIL sends the
     * next questions elsewhere; REFUSED is the server's policy for that
     * name (dnsmasq without upstreams refuses what it does not serve),
     * not a sign of its health. */
    lws__adns_health_event(a, &s->peer, rc != 2,
                           (int32_t)(lws__adns_loop_us(a) - wq->sent));
    adns_wq_detach(wq);
    if ((flags & 0x200) && !wq->tcp) { /* TC: ask again over TCP */
        lwsl_info("%s: truncated: again over TCP", wq->lk->name);
        wq->tcp = true;
        adns_try(wq, ADNS_FRESH, LADNS_RET_FAILED);
        return;
    }
    /* RFC 6891 §7: a FORMERR to a query with an OPT record may come from
     * a server without EDNS0: ask once more without it.  The FORMERR may
     * as well be forged by someone who saw the query: the retry goes out
     * from a new socket and source port, with a new ID. */
    if (rc == 1 && !wq->no_edns) {
        lwsl_info("%s: FORMERR: again without EDNS0", wq->lk->name);
        wq->no_edns = true;
        adns_try(wq, ADNS_FRESH, LADNS_RET_FAILED);
        return;
    }
    /* SERVFAIL, NOTIMP, REFUSED: the next server, until each was asked
     * in this pass. */
    if ((rc == 2 || rc == 4 || rc == 5) && a->norder &&
        (wq->ntry + 1) % (uint32_t)a->norder) {
        adns_try(wq, ADNS_NEXT, LADNS_RET_FAILED);
        return;
    }
    adns_wq_end(wq, adns_answer_status(wq, buf, len));
}

/* Every question on @s moves on to its next try (@s failed) and @s is
 * closed (in a readiness batch: freed once it ends). */
static void adns_sock_fail(struct adns_sock *s)
{
    struct lws__adns *a = s->a;

    lwsl_info("DNS socket: %s", strerror(errno));
    lws__adns_health_event(a, &s->peer, false, -1);
    if (a->cur == s)
        a->cur = NULL; /* the retries go out elsewhere */
    while (s->qs.head) {
        struct adns_wq *wq = lws_container_of(s->qs.head, struct adns_wq, on);

        adns_wq_detach(wq);
        adns_try(wq, ADNS_NEXT, LADNS_RET_FAILED);
    }
    if (!s->dead) /* none waited on it: the last detach did not close it */
        adns_sock_close(s);
}

static void adns_udp_ready(struct adns_sock *s)
{
    uint8_t buf[4096];

    /* Until the queue is empty: a datagram left unread (a duplicate after
     * the last question ended) would wake the loop again and again. */
    while (!s->dead) {
        ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_TRUNC);

        if (n > (ssize_t)sizeof(buf)) {
            /* Cut by the buffer (a server past our EDNS0 size): not the
             * whole message, so truncated (TC): asked again over TCP. */
            lwsl_info("%zd-byte datagram: taken as truncated", n);
            buf[2] |= 0x02;
            n = (ssize_t)sizeof(buf);
        }
        if (n > 0)
            adns_reply(
                s, buf,
                (size_t)LWS__FI_GARBLE(s->a->cx, "adns.rx.garble", buf, n));
        else if (!n)
            /* CVE-2023-32067: an empty datagram is no reply (c-ares <
             * 1.19.1 took it for a closed connection) */
            lwsl_info("zero-length datagram dropped");
        else if (errno != EAGAIN && errno != EINTR)
            adns_sock_fail(s); /* ECONNREFUSED: nothing listens there */
        else
            return;
    }
}

/* TCP (RFC 7766): once connected the question goes out with its length
 * first; the reply is read the same way, then handled like a datagram. */
static void adns_tcp_ready(struct adns_sock *s)
{
    struct adns_wq *wq =
        lws_container_of(s->qs.head, struct adns_wq, on); /* its one */
    uint8_t q[2 + LWS__ADNS_NAME_MAX + 32];
    ssize_t n;
    int len;

    if (!s->asked) {
        len = adns_query(wq, q);
        if (LWS__FI_OR(s->a->cx, "adns.tx", (errno = ENETUNREACH, -1),
                       send(s->fd, q, (size_t)len + 2, MSG_NOSIGNAL)) !=
                len + 2 ||
            lws__fdset_watch(s->a->fdset, s->fd, UV_READABLE, true, s))
            goto fail;
        s->asked = true;
        return;
    }
    for (;;) {
        if (s->got < 2)
            n = recv(s->fd, s->hdr + s->got, 2 - s->got, 0);
        else
            n = recv(s->fd, s->rx + s->got - 2, s->rxlen + 2u - s->got, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0)
            goto fail;
        s->got += (uint32_t)n;
        if (s->got == 2) {
            s->rxlen = (uint16_t)((s->hdr[0] << 8) | s->hdr[1]);
            s->rx = lws__malloc(s->rxlen + 1u);
            if (!s->rx)
                goto fail;
        }
        if (s->got == s->rxlen + 2u) {
            adns_reply(s, s->rx, s->rxlen);
            if (s->dead) { /* taken (the socket kept: not its reply) */
                lws__free(s->rx);
                s->rx = NULL;
                return;
            }
            errno = EPROTO;
            goto fail;
        }
    }
fail:
    adns_sock_fail(s);
}

/* One batch of ready sockets from the descriptor set. */
static void adns_fd_batch(void *opaque, void *const *tags, const int *uv_events,
                          int n)
{
    struct lws__adns *a = opaque;

    (void)uv_events;
    a->batch++;
    for (int i = 0; i < n; i++) {
        struct adns_sock *s = tags[i];

        if (!s->dead) /* (a TCP socket always has its one question) */
            (s->tcp ? adns_tcp_ready : adns_udp_ready)(s);
    }
    a->batch++;
}

void lws__adns_transport_destroy(struct lws__adns *a)
{
    lws_sul_cancel(&a->sul_try);
    while (a->socks.head)
        adns_sock_close(
            lws_container_of(a->socks.head, struct adns_sock, list));
    lws__adns_transport_trim(a);
    lws__fdset_destroy(a->fdset);
    a->fdset = NULL;
}

/* ------------------------------------------------------------------------
 * Questions
 */

void lws__adns_wq_start(struct adns_lookup *lk, int idx)
{
    lk->wq[idx].lk = lk;
    adns_try(&lk->wq[idx], ADNS_SAME, LADNS_RET_FAILED);
}

void lws__adns_lookup_abort(struct adns_lookup *lk, int status)
{
    struct adns_wq *left[2];
    int n = 0;

    for (int i = 0; i < lk->nwq; i++)
        if (!lk->wq[i].done)
            left[n++] = &lk->wq[i];
    /* The last one completes and frees lk: only left[] is used. */
    for (int i = 0; i < n; i++)
        adns_wq_end(left[i], status);
}
