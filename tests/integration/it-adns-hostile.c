/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The resolver against a hostile DNS server living in the test's own loop
 * (a UDP socket on loopback, a protocol of the test): forged IDs, a wrong
 * question, a compression-pointer loop, a label running past the end,
 * counts larger than the records, a zero-length datagram, one larger than
 * the receive buffer (then TCP, a thread of the test), an answer from
 * another source port and silence.  Each is ignored or ends in a clear
 * error, good queries keep working afterwards and nothing leaks.
 */
#define _GNU_SOURCE
#include "async-dns/private-adns.h"

#include "adns-util.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

enum hmode {
    H_GOOD,
    H_WRONG_ID,
    H_WRONG_QUESTION,
    H_PTR_LOOP,
    H_LABEL_PAST_END,
    H_COUNTS_LARGER,
    H_ZERO_LEN,
    H_OTHER_PORT,
    H_OTHER_ADDR, /* from 127.0.0.2, the server's port */
    H_NEVER,
    H_NXDOMAIN_SOA, /* not hostile: NXDOMAIN with an SOA (TTL 900, min 60) */
    H_SERVFAIL,
    H_REFUSED,
    H_NO_EDNS, /* an old server: FORMERR to any query with an OPT record */
    H_NO_AAAA, /* answers A, never AAAA (as when those datagrams are lost) */
    H_TWICE,   /* answers AAAA twice (a duplicate, as after a retry) */
    H_HUGE,    /* a datagram over the receive buffer (TC clear), then TCP */
};

static enum hmode mode;
static int other_fd = -1;      /* a second socket, another source port */
static int other_addr_fd = -1; /* 127.0.0.2, the first server's port */
static int seen;               /* queries received */
static struct lws *hwsi;       /* the scripted server */
static struct lws *hwsi2;      /* a well-behaved second server (10.9.9.8) */
static struct lws *rx_wsi;     /* the one that received the query */

static const uint8_t good_addr[4] = {10, 9, 9, 9};
static const uint8_t evil_addr[4] = {6, 6, 6, 6};
static const uint8_t second_addr[4] = {10, 9, 9, 8};

/* End of the (uncompressed) question of a query we received. */
static size_t q_end(const uint8_t *q, size_t len)
{
    size_t p = 12;

    while (p < len && q[p])
        p += 1u + q[p];
    return p + 5 <= len ? p + 5 : 0;
}

static size_t put_header(uint8_t *r, uint16_t id, uint16_t an)
{
    r[0] = (uint8_t)(id >> 8);
    r[1] = (uint8_t)id;
    r[2] = 0x81; /* QR, RD */
    r[3] = 0x80; /* RA, NOERROR */
    r[4] = 0;
    r[5] = 1;
    r[6] = (uint8_t)(an >> 8);
    r[7] = (uint8_t)an;
    memset(r + 8, 0, 4);
    return 12;
}

static size_t put_a(uint8_t *r, size_t n, const uint8_t *addr)
{
    static const uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};

    memcpy(r + n, rr, sizeof(rr));
    memcpy(r + n + sizeof(rr), addr, 4);
    return n + sizeof(rr) + 4;
}

/* A reply to query @q: @an records claimed, one A record of @addr present
 * when @addr is set (only for A questions). */
static size_t reply(uint8_t *r, const uint8_t *q, size_t qe, uint16_t id,
                    uint16_t an, const uint8_t *addr)
{
    size_t n = put_header(r, id, an);

    memcpy(r + n, q + 12, qe - 12);
    n += qe - 12;
    return addr ? put_a(r, n, addr) : n;
}

/* Source ports of the queries with and without EDNS0 (H_NO_EDNS). */
static int edns_ports[8], plain_ports[8], n_edns, n_plain;

static void send_to_peer(int fd, const void *buf, size_t len)
{
    size_t sl;
    const void *peer = lws_get_udp_peer(rx_wsi, &sl);

    assert_non_null(peer);
    sendto(fd, buf, len, 0, peer, (socklen_t)sl);
}

static void hostile_rx(const uint8_t *q, size_t len)
{
    uint8_t r[600];
    size_t qe = q_end(q, len), n;
    uint16_t id, qtype;
    int fd = lws_get_socket_fd(rx_wsi);

    if (!qe)
        return;
    id = (uint16_t)((q[0] << 8) | q[1]);
    qtype = (uint16_t)((q[qe - 4] << 8) | q[qe - 3]);
    if (rx_wsi == hwsi2) {
        n = reply(r, q, qe, id, qtype == 1, qtype == 1 ? second_addr : NULL);
        send_to_peer(fd, r, n);
        return;
    }
    seen++;
    if (mode == H_NO_EDNS) { /* note each query's source port */
        size_t sl;
        const struct sockaddr_in *peer = lws_get_udp_peer(rx_wsi, &sl);
        int *ports = q[11] ? edns_ports : plain_ports;
        int *np = q[11] ? &n_edns : &n_plain;

        if (peer && *np < 8)
            ports[(*np)++] = ntohs(peer->sin_port);
    }
    if (mode == H_NO_AAAA && qtype != 1)
        return;
    if (mode == H_NXDOMAIN_SOA)
        qtype = 1; /* both questions get the negative answer */
    if (mode == H_NO_EDNS && q[11])
        qtype = 1; /* both questions need the fallback */
    if (qtype != 1 || mode == H_GOOD) {
        n = reply(r, q, qe, id, qtype == 1, qtype == 1 ? good_addr : NULL);
        send_to_peer(fd, r, n);
        if (mode == H_TWICE)
            send_to_peer(fd, r, n);
        return;
    }
    switch (mode) {
    case H_WRONG_ID:
        n = reply(r, q, qe, id ^ 0x5a5a, 1, evil_addr);
        send_to_peer(fd, r, n);
        break;
    case H_WRONG_QUESTION: {
        static const uint8_t evil_q[] = {4,   'e', 'v', 'i', 'l', 4, 't', 'e',
                                         's', 't', 0,   0,   1,   0, 1};
        n = put_header(r, id, 1);
        memcpy(r + n, evil_q, sizeof(evil_q));
        n = put_a(r, n + sizeof(evil_q), evil_addr);
        send_to_peer(fd, r, n);
        break;
    }
    case H_PTR_LOOP:
        n = reply(r, q, qe, id, 1, NULL);
        /* The owner name is a pointer to itself. */
        r[n] = (uint8_t)(0xc0 | (n >> 8));
        r[n + 1] = (uint8_t)n;
        memcpy(r + n + 2, "\0\1\0\1\0\0\0\x3c\0\4", 10);
        memcpy(r + n + 12, evil_addr, 4);
        send_to_peer(fd, r, n + 16);
        return;
    case H_LABEL_PAST_END:
        n = reply(r, q, qe, id, 1, NULL);
        r[n] = 50; /* a 50-byte label, 2 bytes present */
        r[n + 1] = 'a';
        r[n + 2] = 'b';
        send_to_peer(fd, r, n + 3);
        return;
    case H_COUNTS_LARGER:
        n = reply(r, q, qe, id, 5, good_addr);
        send_to_peer(fd, r, n);
        return;
    case H_ZERO_LEN:
        send_to_peer(fd, r, 0);
        break;
    case H_OTHER_PORT:
        n = reply(r, q, qe, id, 1, evil_addr);
        send_to_peer(other_fd, r, n);
        break;
    case H_OTHER_ADDR:
        n = reply(r, q, qe, id, 1, evil_addr);
        send_to_peer(other_addr_fd, r, n);
        break;
    case H_NEVER:
        return;
    case H_HUGE: { /* 300 A records claimed and present: 4 800 bytes */
        static uint8_t big[12 + 260 + 300 * 16];

        n = reply(big, q, qe, id, 300, NULL);
        for (int i = 0; i < 300; i++)
            n = put_a(big, n, evil_addr);
        send_to_peer(fd, big, n);
        return;
    }
    case H_NO_EDNS:
        if (q[11]) { /* ARCOUNT: the OPT record */
            n = reply(r, q, qe, id, 0, NULL);
            r[3] = 0x81; /* FORMERR */
            send_to_peer(fd, r, n);
            return;
        }
        break; /* then the genuine answer */
    case H_SERVFAIL:
    case H_REFUSED:
        n = reply(r, q, qe, id, 0, NULL);
        r[3] = mode == H_SERVFAIL ? 0x82 : 0x85;
        send_to_peer(fd, r, n);
        return;
    case H_NXDOMAIN_SOA: {
        static const uint8_t soa[] = {
            0xc0, 0x0c, /* owner: the question name */
            0,    6,    0, 1,   0,   0, 0x03, 0x84, /* SOA IN TTL 900 */
            0,    31,   2, 'n', 's', 0, 5,    'a',  'd', 'm', 'i',
            'n',  0,    0, 0,   0,   1, 0,    0,    0,   2,   0,
            0,    0,    3, 0,   0,   0, 4,    0,    0,   0,   60};

        n = reply(r, q, qe, id, 0, NULL);
        r[3] = 0x83; /* NXDOMAIN */
        r[9] = 1;    /* one authority record */
        memcpy(r + n, soa, sizeof(soa));
        send_to_peer(fd, r, n + sizeof(soa));
        return;
    }
    default:
        break;
    }
    /* Then the genuine answer, which must be the one used. */
    n = reply(r, q, qe, id, 1, good_addr);
    send_to_peer(fd, r, n);
}

static int hostile_cb(struct lws *wsi, enum lws_callback_reasons reason,
                      void *user, void *in, size_t len)
{
    if (reason == LWS_CALLBACK_RAW_RX && in) {
        rx_wsi = wsi;
        hostile_rx(in, len);
    }
    return 0;
}

static const struct lws_protocols prots[] = {
    {"hostile", hostile_cb, 0, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};

struct hctx {
    struct lws_context *cx;
    size_t heap0;
};

static struct lws *hostile_server(struct lws_context *cx, uint16_t *port)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    struct lws *wsi;

    wsi = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "system"), "127.0.0.1",
                               0, LWS_CAUDP_BIND, "hostile", NULL, NULL, NULL,
                               NULL, NULL);
    assert_non_null(wsi);
    assert_int_equal(
        getsockname(lws_get_socket_fd(wsi), (struct sockaddr *)&sin, &sl), 0);
    *port = sin.sin_port; /* network order */
    return wsi;
}

static void add_server(struct lws_context *cx, uint16_t port)
{
    lws_sockaddr46 sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa4.sin_family = AF_INET;
    sa.sa4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sa4.sin_port = port;
    assert_int_equal(lws_async_dns_server_add(cx, &sa), 0);
}

static uint16_t port1, port2;

static uint32_t hsetup_qps; /* questions_per_socket of the next setup */

static int hsetup(void **state, uint32_t deadline_ms, uint32_t try_ms)
{
    static struct hctx h;
    struct lws_adns_info ai = {0};

    h.heap0 = lws__heap_in_use();
    ai.query_deadline_ms = deadline_ms;
    ai.try_timeout_ms = try_ms;
    ai.questions_per_socket = hsetup_qps;
    hsetup_qps = 0;
    h.cx = adns_t_context(&ai, NULL, prots);
    assert_non_null(h.cx);
    /* Bind the servers first, then point the resolver at the first. */
    hwsi = hostile_server(h.cx, &port1);
    hwsi2 = hostile_server(h.cx, &port2);
    add_server(h.cx, port1);
    other_fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(other_fd >= 0);
    {
        struct sockaddr_in o;

        memset(&o, 0, sizeof(o));
        o.sin_family = AF_INET;
        o.sin_addr.s_addr = htonl(0x7f000002); /* 127.0.0.2 */
        o.sin_port = port1;
        other_addr_fd = socket(AF_INET, SOCK_DGRAM, 0);
        assert_true(other_addr_fd >= 0);
        assert_int_equal(bind(other_addr_fd, (struct sockaddr *)&o, sizeof(o)),
                         0);
    }
    mode = H_GOOD;
    seen = 0;
    *state = &h;
    return 0;
}

static int setup(void **state)
{
    return hsetup(state, 400, 2000);
}

/* Failover: a long deadline, a short wait per server. */
static int setup_failover(void **state)
{
    return hsetup(state, 3000, 200);
}

/* Every question on one socket: the ID is what tells them apart. */
static int setup_reuse(void **state)
{
    hsetup_qps = LWS_ADNS_REUSE_FREELY;
    return hsetup(state, 400, 2000);
}

static int setup_failover_reuse(void **state)
{
    hsetup_qps = LWS_ADNS_REUSE_FREELY;
    return hsetup(state, 3000, 200);
}

/* A deadline far beyond the test's own wait, and c-ares's own tries
 * (1 + 2 + 4 + 8 s) too. */
static int setup_long_deadline(void **state)
{
    return hsetup(state, 60000, 1000);
}

static int teardown(void **state)
{
    struct hctx *h = *state;

    lws_context_destroy(h->cx);
    close(other_fd);
    close(other_addr_fd);
    /* Everything the library held is back. */
    assert_int_equal(lws__heap_in_use(), h->heap0);
    return 0;
}

static void resolve(struct lws_context *cx, const char *name,
                    struct adns_t_res *r)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(
        lws_async_dns_query(cx, 0, name, LWS_ADNS_RECORD_A, adns_t_cb, NULL, r),
        LADNS_RET_CONTINUING);
    assert_true(adns_t_run_until(cx, &r->calls, 1, 5000));
    assert_int_equal(r->calls, 1);
}

/* The hostile reply is ignored: the genuine one wins. */
static void expect_ignored(void **state, enum hmode m)
{
    struct hctx *h = *state;
    struct adns_t_res r;

    mode = m;
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 1);
    assert_string_equal(r.addr[0], "10.9.9.9");
    mode = H_GOOD;
    resolve(h->cx, "after.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
}

/* The hostile reply ends the lookup with @status, nothing is cached and the
 * resolver still answers good queries. */
static void expect_error(void **state, enum hmode m, int status)
{
    struct hctx *h = *state;
    struct adns_t_res r;
    struct lws_adns_stats st;

    mode = m;
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, status);
    assert_int_equal(r.naddr, 0);
    assert_int_equal(lws_adns_get_stats(h->cx, &st), 0);
    assert_int_equal(st.cache_entries, 0);
    mode = H_GOOD;
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.9.9.9");
}

static void test_adns_hostile_wrong_id(void **state)
{
    expect_ignored(state, H_WRONG_ID);
}

static void test_adns_hostile_wrong_question(void **state)
{
    expect_ignored(state, H_WRONG_QUESTION);
}

static void test_adns_hostile_zero_length(void **state)
{
    expect_ignored(state, H_ZERO_LEN);
}

static void test_adns_hostile_other_port(void **state)
{
    expect_ignored(state, H_OTHER_PORT);
}

/* The kernel drops it: the socket is connected to the server's address
 * and port. */
static void test_adns_hostile_other_addr(void **state)
{
    expect_ignored(state, H_OTHER_ADDR);
}

/* With every question on one socket that stays open, a duplicate reply
 * arriving after the last question ended is read and dropped at once: left
 * queued, it would wake the loop again and again. */
static void test_adns_hostile_duplicate_drained(void **state)
{
    struct hctx *h = *state;
    struct lws__adns *a = LWS__HELPER(h->cx, ADNS);
    struct adns_t_res r;
    int queued = -1;

    mode = H_TWICE;
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_non_null(a->cur); /* kept open for the next questions */
    assert_int_equal(a->cur->qs.count, 0);
    assert_int_equal(ioctl(a->cur->fd, FIONREAD, &queued), 0);
    assert_int_equal(queued, 0);
    mode = H_GOOD;
    resolve(h->cx, "after.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
}

/* A TCP server on the first server's port (a thread of the test): reads
 * one length-prefixed query and answers it with good_addr. */
static int tcp_lfd = -1, tcp_queries;
/* The first connection is closed after one byte of the length; the next
 * replies in pieces (the length split, the message in two) with bytes past
 * the length announced. */
static bool tcp_choppy;

static void send_choppy(int fd, const uint8_t *r, size_t n)
{
    const size_t cut[] = {1, 2, 2 + (n - 2) / 2, n};
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (size_t i = 0, at = 0; i < 4; at = cut[i++]) {
        send(fd, r + at, cut[i] - at, MSG_NOSIGNAL);
        usleep(20000); /* separate reads, most likely (not relied upon) */
    }
    send(fd, "junk after", 10, MSG_NOSIGNAL);
}

static bool read_full(int fd, uint8_t *p, size_t len)
{
    while (len) {
        ssize_t n = recv(fd, p, len, 0);

        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static void *tcp_server(void *arg)
{
    uint8_t q[600], r[600 + 2];
    size_t len, qe, n;
    int fd;

    (void)arg;
    while ((fd = accept(tcp_lfd, NULL, NULL)) >= 0) {
        if (read_full(fd, q, 2) && (len = (size_t)(q[0] << 8 | q[1])) &&
            len <= sizeof(q) && read_full(fd, q, len) && (qe = q_end(q, len))) {
            n = reply(r + 2, q, qe, (uint16_t)(q[0] << 8 | q[1]), 1, good_addr);
            r[0] = (uint8_t)(n >> 8);
            r[1] = (uint8_t)n;
            if (tcp_choppy && !tcp_queries)
                send(fd, r, 1, MSG_NOSIGNAL); /* then closed */
            else if (tcp_choppy)
                send_choppy(fd, r, n + 2);
            else
                send(fd, r, n + 2, MSG_NOSIGNAL);
            tcp_queries++;
        }
        close(fd);
    }
    return NULL;
}

/* A reply larger than the receive buffer (a server past our EDNS0 size,
 * TC clear): what was read is not the whole message, so it is taken as
 * truncated and the question asked again over TCP, not parsed as is. */
static void huge_then_tcp(void **state, bool choppy, int queries)
{
    struct hctx *h = *state;
    struct sockaddr_in sin;
    struct adns_t_res r;
    pthread_t t;
    int one = 1;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = port1;
    tcp_lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(tcp_lfd >= 0);
    setsockopt(tcp_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(bind(tcp_lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(listen(tcp_lfd, 4), 0);
    tcp_queries = 0;
    tcp_choppy = choppy;
    assert_int_equal(pthread_create(&t, NULL, tcp_server, NULL), 0);

    mode = H_HUGE;
    resolve(h->cx, "victim.test", &r);
    shutdown(tcp_lfd, SHUT_RDWR); /* ends the thread's accept() */
    pthread_join(t, NULL);
    close(tcp_lfd);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 1);
    assert_string_equal(r.addr[0], "10.9.9.9");
    assert_int_equal(tcp_queries, queries);
    mode = H_GOOD;
    resolve(h->cx, "after.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
}

static void test_adns_hostile_huge_datagram(void **state)
{
    huge_then_tcp(state, false, 1);
}

/* RFC 7766 framing from a TCP server that closes the first connection
 * early, then splits the length and the message across writes and sends
 * more than it announced: the early close is a failed try (asked again),
 * the pieces are put together, the extra bytes ignored. */
static void test_adns_hostile_tcp_choppy(void **state)
{
    huge_then_tcp(state, true, 2);
}

/* An error queued on the socket taking questions while none waits on it
 * (here an ICMP port unreachable, as a late one for an ended question): the
 * socket is retired and closed, not left open for the resolver's life. */
static void test_adns_hostile_error_idle_socket(void **state)
{
    struct hctx *h = *state;
    struct lws__adns *a = LWS__HELPER(h->cx, ADNS);
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    struct adns_t_res r;
    int fd;

    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_non_null(a->cur);
    assert_int_equal(a->cur->qs.count, 0);
    assert_int_equal(a->socks.count, 1);
    /* A port nothing listens on; a datagram to it from that socket. */
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
    close(fd);
    assert_int_equal(connect(a->cur->fd, (struct sockaddr *)&sin, sizeof(sin)),
                     0);
    assert_int_equal(send(a->cur->fd, "x", 1, 0), 1);
    for (int i = 0; i < 100 && a->cur; i++)
        lws_service(h->cx, 0);
    assert_null(a->cur);
    assert_int_equal(a->socks.count, 0);
    resolve(h->cx, "after.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
}

static void test_adns_hostile_pointer_loop(void **state)
{
    expect_error(state, H_PTR_LOOP, LADNS_RET_FAILED);
}

static void test_adns_hostile_label_past_end(void **state)
{
    expect_error(state, H_LABEL_PAST_END, LADNS_RET_FAILED);
}

static void test_adns_hostile_counts_larger(void **state)
{
    expect_error(state, H_COUNTS_LARGER, LADNS_RET_FAILED);
}

static void test_adns_hostile_never(void **state)
{
    struct hctx *h = *state;
    long long t0 = lt_now_ms();

    expect_error(state, H_NEVER, LADNS_RET_TIMEDOUT);
    (void)h;
    assert_true(lt_now_ms() - t0 < 3000);
}

static lws_usec_t clock_offset;

static lws_usec_t fake_now(void)
{
    return lws_now_usecs() + clock_offset;
}

/* RFC 2308 §5: an NXDOMAIN with an SOA is cached for min(SOA TTL, SOA
 * MINIMUM) = 60 s here, capped by neg_ttl_max_s. */
static void test_adns_negative_cached_with_soa(void **state)
{
    struct hctx *h = *state;
    struct adns_t_res r;

    mode = H_NXDOMAIN_SOA;
    clock_offset = 0;
    lws__adns_set_clock(h->cx, fake_now);
    resolve(h->cx, "gone.test", &r);
    assert_int_equal(r.n, LADNS_RET_NXDOMAIN);
    assert_int_equal(seen, 2); /* A and AAAA */
    clock_offset = 59 * LWS_US_PER_SEC;
    resolve(h->cx, "gone.test", &r);
    assert_int_equal(r.n, LADNS_RET_NXDOMAIN);
    assert_int_equal(seen, 2); /* from the cache */
    clock_offset = 61 * LWS_US_PER_SEC;
    resolve(h->cx, "gone.test", &r);
    assert_int_equal(seen, 4);
}

/* SERVFAIL, REFUSED or silence from the first server: the second answers. */
static void expect_failover(void **state, enum hmode m)
{
    struct hctx *h = *state;
    struct adns_t_res r;

    add_server(h->cx, port2);
    mode = m;
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.9.9.8");
    assert_true(seen >= 1); /* the first server was asked */
}

static void test_adns_failover_servfail(void **state)
{
    expect_failover(state, H_SERVFAIL);
}

/* One family answered, the other never: the lookup delivers what it has
 * (not at the 60 s deadline, which resolve() does not wait for), and
 * caches nothing.  AAAA after A gets RFC 8305's 50 ms, not a retry: the
 * server was asked A and AAAA once each (c-ares would ask AAAA again at
 * its 1 s try timeout). */
static void test_adns_hostile_one_family_lost(void **state)
{
    struct hctx *h = *state;
    struct lws_adns_stats st;
    struct adns_t_res r;

    mode = H_NO_AAAA;
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 1);
    assert_string_equal(r.addr[0], "10.9.9.9");
    assert_int_equal(seen, 2);
    assert_int_equal(lws_adns_get_stats(h->cx, &st), 0);
    assert_int_equal(st.cache_entries, 0);
    assert_int_equal(st.in_flight, 0);
    mode = H_GOOD;
}

static void test_adns_failover_refused(void **state)
{
    expect_failover(state, H_REFUSED);
}

static void test_adns_failover_silent(void **state)
{
    struct hctx *h = *state;
    struct adns_t_res r;
    long long t0 = lt_now_ms();
    int asked;

    clock_offset = 0;
    lws__adns_set_clock(h->cx, fake_now);
    expect_failover(state, H_NEVER);
    assert_true(lt_now_ms() - t0 < 2000);
    /* The silent server is now tried last: the next name does not wait
     * for it. */
    asked = seen;
    t0 = lt_now_ms();
    resolve(h->cx, "next.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.9.9.8");
    assert_int_equal(seen, asked);
    assert_true(lt_now_ms() - t0 < 150);
    /* Its back-off over (the resolver's clock moved on), one question
     * probes it; it answers: it is asked first again. */
    clock_offset = 3 * LWS_US_PER_SEC;
    mode = H_GOOD;
    resolve(h->cx, "probe.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_true(seen > asked);
    asked = seen;
    resolve(h->cx, "back.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.9.9.9");
    assert_int_equal(seen, asked + 2); /* A and AAAA */
}

/* A first server no socket can be connected to (a link-local address
 * without its interface: connect() fails at once, EINVAL; no route and no
 * IPv6 fail the same way) is a failed try of that server: the question goes
 * on to the next one, as after a send error, and it is asked first no more. */
static void test_adns_connect_fails_next_server(void **state)
{
    struct hctx *h = *state;
    lws_sockaddr46 bad, good;
    struct adns_t_res r;

    memset(&good, 0, sizeof(good));
    good.sa4.sin_family = AF_INET;
    good.sa4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    good.sa4.sin_port = port1;
    memset(&bad, 0, sizeof(bad));
    bad.sa6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "fe80::1", &bad.sa6.sin6_addr), 1);
    bad.sa6.sin6_port = port1;
    lws_async_dns_server_remove(h->cx, &good);
    assert_int_equal(lws_async_dns_server_add(h->cx, &bad), 0);
    assert_int_equal(lws_async_dns_server_add(h->cx, &good), 0);
    resolve(h->cx, "victim.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.9.9.9");
    resolve(h->cx, "after.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
}

/* Alone, a server answering SERVFAIL ends the lookup with a failure. */
static void test_adns_servfail_only(void **state)
{
    expect_error(state, H_SERVFAIL, LADNS_RET_FAILED);
}

/* RFC 6891 §7: a server without EDNS0 answers FORMERR; asked again without
 * the OPT record, it answers. */
static void test_adns_edns_formerr_fallback(void **state)
{
    struct hctx *h = *state;
    struct adns_t_res r;

    mode = H_NO_EDNS;
    n_edns = n_plain = 0;
    resolve(h->cx, "old.test", &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.addr[0], "10.9.9.9");
    assert_int_equal(seen, 4); /* A and AAAA, each twice */
    /* Issue 10: the retry comes from a fresh source port, so an off-path
     * attacker who forged the FORMERR learns nothing reusable about it. */
    assert_int_equal(n_edns, 2);
    assert_int_equal(n_plain, 2);
    for (int i = 0; i < n_plain; i++)
        for (int j = 0; j < n_edns; j++)
            assert_int_not_equal(plain_ports[i], edns_ports[j]);
}

/* Under steady load (lookups always in flight, so the resolver is never
 * idle at a delivery round, where it frees what it kept), sockets opened
 * inside a readiness batch (here each question's retry without EDNS0 after
 * a FORMERR) reuse the records of sockets closed in earlier batches: the
 * closed records kept stay bounded by the sockets in use, not by the
 * lookups made. */
static void test_adns_closed_sockets_bounded(void **state)
{
    struct hctx *h = *state;
    struct lws__adns *a = LWS__HELPER(h->cx, ADNS);
    static struct adns_t_res r[120];
    unsigned int most = 0;
    int started = 0, done = 0;
    char name[32];

    mode = H_NO_EDNS;
    memset(r, 0, sizeof(r));
    for (int t = 0; t < 20000 && done < 120; t++) {
        while (started < 120 && started - done < 4) { /* 4 in flight */
            snprintf(name, sizeof(name), "n%d.steady.test", started);
            assert_int_equal(lws_async_dns_query(h->cx, 0, name,
                                                 LWS_ADNS_RECORD_A, adns_t_cb,
                                                 NULL, &r[started]),
                             LADNS_RET_CONTINUING);
            started++;
        }
        lws_service(h->cx, 0);
        done = 0;
        for (int i = 0; i < started; i++)
            done += r[i].calls;
        if (a->dead_socks.count > most)
            most = a->dead_socks.count;
    }
    assert_int_equal(done, 120);
    for (int i = 0; i < 120; i++)
        assert_int_equal(r[i].n, LADNS_RET_FOUND);
    /* 480 sockets opened, 240 of them inside a batch; at most 8 open at
     * once, 16 with the retries */
    assert_true(most <= 24);
}

/* Out of memory at every allocation of a network lookup (waiter, lookup,
 * channel, socket, wsi, result, cache entry): each failure is a refusal or
 * one callback, and nothing leaks. */
static void test_adns_network_oom(void **state)
{
    struct hctx *h = *state;
    struct adns_t_res r;
    int clean = 0;
    size_t h0;

    resolve(h->cx, "warm.test", &r); /* fills the channel pool */
    lws_adns_cache_flush(h->cx);
    h0 = lws__heap_in_use();
    for (long n = 1; n < 400 && clean < 2; n++) {
        long a0 = lws__alloc_count();

        memset(&r, 0, sizeof(r));
        lws__alloc_fail_nth(n);
        if (lws_async_dns_query(h->cx, 0, "oom.test", LWS_ADNS_RECORD_A,
                                adns_t_cb, NULL, &r) == LADNS_RET_CONTINUING) {
            assert_true(adns_t_run_until(h->cx, &r.calls, 1, 3000));
            assert_int_equal(r.calls, 1);
        }
        lws__alloc_fail_nth(0);
        /* Done once a run makes fewer than n allocations (none failed). */
        if (lws__alloc_count() - a0 < n) {
            assert_int_equal(r.n, LADNS_RET_FOUND);
            clean++;
        }
        lws_adns_cache_flush(h->cx);
        assert_true(lws__heap_in_use() <= h0);
    }
    assert_int_equal(clean, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_adns_hostile_wrong_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_wrong_question, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_zero_length, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_other_port, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_other_addr, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_wrong_id, setup_reuse,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_wrong_question,
                                        setup_reuse, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_zero_length,
                                        setup_reuse, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_other_port,
                                        setup_reuse, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_duplicate_drained,
                                        setup_reuse, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_huge_datagram, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_connect_fails_next_server,
                                        setup_failover, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_tcp_choppy,
                                        setup_failover, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_error_idle_socket,
                                        setup_reuse, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_pointer_loop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_label_past_end, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_counts_larger, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_never, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_negative_cached_with_soa,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_adns_servfail_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_edns_formerr_fallback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_closed_sockets_bounded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adns_failover_servfail,
                                        setup_failover, teardown),
        cmocka_unit_test_setup_teardown(test_adns_hostile_one_family_lost,
                                        setup_long_deadline, teardown),
        cmocka_unit_test_setup_teardown(test_adns_failover_refused,
                                        setup_failover, teardown),
        cmocka_unit_test_setup_teardown(test_adns_failover_silent,
                                        setup_failover, teardown),
        cmocka_unit_test_setup_teardown(test_adns_failover_silent,
                                        setup_failover_reuse, teardown),
        cmocka_unit_test_setup_teardown(test_adns_network_oom, setup, teardown),
    };

    return cmocka_run_group_tests_name("adns-hostile", tests, NULL, NULL);
}
