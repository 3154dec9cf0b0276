/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client against a hostile DHCP server of our own, for what dnsmasq
 * will not do: leases of a few seconds (T1/T2/expiry really run, with the
 * address removed at expiry), and malformed or forged replies -- wrong
 * xid, wrong chaddr, an option running past the end, option overload
 * pointing past its field, a truncated message, lease 0, no server id, an
 * unusable address, a NAK from another server.  None may be accepted and
 * a held lease must survive them.  As root, in namespaces the test makes:
 * the server is a thread that moved into the server namespace.
 */
#include "private-dhcpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "dhcpc-harness.h"
#include "dhcpc-msg.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#define SRV     "10.78.0.1"
#define POOL_IP "10.78.0.42"

enum mode {
    M_GOOD,    /* proper OFFER/ACK */
    M_SILENT,  /* answers nothing */
    M_BAD,     /* every broken variant, nothing good */
    M_NAK,     /* NAKs every REQUEST */
    M_SLASH32, /* a /32 address, its gateway off-subnet (a cloud's lease) */
};

static struct {
    uv_mutex_t lock;
    enum mode mode;
    uint32_t lease, t1, t2;
    int discovers, requests, renew_unicast, rebind_bcast;
    int fd, stop_pipe[2];
    uv_thread_t thread;
} srv;

static struct dt_netpair np;
static int saved_ns = -1;

static void srv_send(int fd, const struct dt_req *rq, const struct dt_msg *m)
{
    struct sockaddr_in to;

    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons(68);
    /* RFC 2131 §4.1: unicast to ciaddr when set, else broadcast */
    to.sin_addr.s_addr = rq->ciaddr ? htonl(rq->ciaddr) : INADDR_BROADCAST;
    (void)sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&to, sizeof(to));
}

/* Every broken reply we can think of, as @type. */
static void srv_send_bad(int fd, const struct dt_req *rq, uint8_t type,
                         uint32_t lease)
{
    const uint32_t s = dt_ip(SRV), ip = dt_ip(POOL_IP);
    uint8_t wrong_mac[6], past[] = {3, 40, 1, 2, 3, 4}, ov = 1;
    struct dt_msg m;

    memcpy(wrong_mac, rq->mac, 6);
    wrong_mac[5] ^= 0xff;
    dt_msg_std(&m, type, rq->xid + 1, rq->mac, ip, s, lease, 0, 0);
    srv_send(fd, rq, &m); /* wrong xid */
    dt_msg_std(&m, type, rq->xid, wrong_mac, ip, s, lease, 0, 0);
    srv_send(fd, rq, &m); /* wrong chaddr */
    dt_msg_reply(&m, type, rq->xid, rq->mac, ip);
    dt_msg_opt32(&m, 54, s);
    dt_msg_opt32(&m, 51, lease);
    dt_msg_raw(&m, past, sizeof(past)); /* option past the end */
    srv_send(fd, rq, &m);
    dt_msg_reply(&m, type, rq->xid, rq->mac, ip);
    dt_msg_opt(&m, 52, &ov, 1); /* file field: option past its end */
    dt_msg_opt32(&m, 54, s);
    dt_msg_end(&m);
    m.buf[108] = 51;
    m.buf[109] = 200;
    srv_send(fd, rq, &m);
    dt_msg_std(&m, type, rq->xid, rq->mac, ip, s, lease, 0, 0);
    m.len = 200; /* truncated before the cookie */
    srv_send(fd, rq, &m);
    dt_msg_std(&m, type, rq->xid, rq->mac, ip, s, 0, 0, 0);
    srv_send(fd, rq, &m); /* lease 0 */
    dt_msg_reply(&m, type, rq->xid, rq->mac, ip);
    dt_msg_opt32(&m, 51, lease);
    dt_msg_end(&m);
    srv_send(fd, rq, &m); /* no server id */
    dt_msg_std(&m, type, rq->xid, rq->mac, 0xffffffffu, s, lease, 0, 0);
    srv_send(fd, rq, &m); /* unusable address */
    dt_msg_std(&m, 6, rq->xid, rq->mac, 0, dt_ip("10.78.0.66"), 0, 0, 0);
    srv_send(fd, rq, &m); /* NAK from a server we never asked */
}

static void srv_handle(int fd, const struct dt_req *rq, uint32_t dst)
{
    struct dt_msg m;
    enum mode mode;
    uint32_t lease, t1, t2;
    uint8_t type = rq->type == 1 ? 2 : 5;

    uv_mutex_lock(&srv.lock);
    mode = srv.mode;
    lease = srv.lease, t1 = srv.t1, t2 = srv.t2;
    if (rq->type == 1)
        srv.discovers++;
    if (rq->type == 3) {
        srv.requests++;
        if (rq->ciaddr && dst != 0xffffffffu)
            srv.renew_unicast++;
        if (rq->ciaddr && dst == 0xffffffffu)
            srv.rebind_bcast++;
    }
    uv_mutex_unlock(&srv.lock);
    if (rq->type != 1 && rq->type != 3)
        return;
    switch (mode) {
    case M_GOOD:
        dt_msg_std(&m, type, rq->xid, rq->mac, dt_ip(POOL_IP), dt_ip(SRV),
                   lease, t1, t2);
        srv_send(fd, rq, &m);
        break;
    case M_BAD:
        srv_send_bad(fd, rq, type, lease);
        break;
    case M_SLASH32:
        dt_msg_reply(&m, type, rq->xid, rq->mac, dt_ip(POOL_IP));
        dt_msg_opt32(&m, 54, dt_ip(SRV));
        dt_msg_opt32(&m, 51, lease);
        dt_msg_opt32(&m, 1, 0xffffffffu);
        dt_msg_opt32(&m, 3, dt_ip("10.99.0.1"));
        dt_msg_end(&m);
        srv_send(fd, rq, &m);
        break;
    case M_NAK:
        if (rq->type == 3) {
            dt_msg_std(&m, 6, rq->xid, rq->mac, 0, dt_ip(SRV), 0, 0, 0);
            srv_send(fd, rq, &m);
        }
        break;
    default:
        break;
    }
}

static void srv_thread(void *arg)
{
    int saved;

    (void)arg;
    if (dt_netns_enter(np.ns_srv, &saved))
        return;
    for (;;) {
        struct pollfd p[2] = {{srv.fd, POLLIN, 0},
                              {srv.stop_pipe[0], POLLIN, 0}};
        uint8_t buf[1500];
        union {
            struct cmsghdr h;
            uint8_t b[CMSG_SPACE(sizeof(struct in_pktinfo))];
        } cb;
        struct iovec iov = {buf, sizeof(buf)};
        struct msghdr mh;
        struct dt_req rq;
        uint32_t dst = 0;
        ssize_t n;

        if (poll(p, 2, -1) < 0 || p[1].revents)
            break;
        memset(&mh, 0, sizeof(mh));
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = &cb;
        mh.msg_controllen = sizeof(cb);
        n = recvmsg(srv.fd, &mh, 0);
        if (n <= 0)
            continue;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo pi;

                memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                dst = ntohl(pi.ipi_addr.s_addr);
            }
        if (!dt_req_parse(buf, (size_t)n, &rq) && rq.op == 1)
            srv_handle(srv.fd, &rq, dst);
    }
    dt_netns_leave(saved);
}

static int srv_start(void)
{
    struct sockaddr_in sin;
    int one = 1, saved;

    if (dt_netns_enter(np.ns_srv, &saved))
        return -1;
    srv.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(67);
    if (srv.fd < 0 ||
        setsockopt(srv.fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
        setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        setsockopt(srv.fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
        setsockopt(srv.fd, SOL_SOCKET, SO_BINDTODEVICE, np.if_srv,
                   (socklen_t)strlen(np.if_srv)) ||
        bind(srv.fd, (struct sockaddr *)&sin, sizeof(sin))) {
        perror("hostile server socket");
        dt_netns_leave(saved);
        return -1;
    }
    dt_netns_leave(saved);
    if (pipe(srv.stop_pipe))
        return -1;
    return uv_thread_create(&srv.thread, srv_thread, NULL) ? -1 : 0;
}

static void srv_stop(void)
{
    if (write(srv.stop_pipe[1], "x", 1) == 1)
        uv_thread_join(&srv.thread);
    close(srv.fd);
    close(srv.stop_pipe[0]);
    close(srv.stop_pipe[1]);
}

static void srv_set(enum mode mode, uint32_t lease, uint32_t t1, uint32_t t2)
{
    uv_mutex_lock(&srv.lock);
    srv.mode = mode;
    srv.lease = lease, srv.t1 = t1, srv.t2 = t2;
    srv.discovers = srv.requests = srv.renew_unicast = srv.rebind_bcast = 0;
    uv_mutex_unlock(&srv.lock);
}

static int srv_get(int *what)
{
    int v;

    uv_mutex_lock(&srv.lock);
    v = *what;
    uv_mutex_unlock(&srv.lock);
    return v;
}

/* ------------------------------------------------------------ client */

static void cli_start(struct dt_cli *c)
{
    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
    memset(c, 0, sizeof(*c));
    c->di.retx_base_ms = 300;
    c->di.retx_jitter_ms = 50;
    c->di.renew_min_ms = 200;
    assert_int_equal(dt_cli_create(c), 0);
    assert_int_equal(dt_cli_request(c, np.if_cli), 0);
}

static bool addr_on_iface(void)
{
    char out[2048];

    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 addr show dev %s",
                np.if_cli);
    return strstr(out, "inet " POOL_IP "/24") != NULL;
}

static int cur_state(struct dt_cli *c)
{
    lws_dhcpc_ifstate_t is;

    assert_int_equal(lws_dhcpc_get_ifstate(c->cx, np.if_cli, &is), 0);
    return is.state;
}

/* ------------------------------------------------------------- tests */

static bool expired(struct dt_cli *c)
{
    return dt_cli_count(c, LWS_DHCPC_EVENT_EXPIRED) > 0;
}

static void test_dhcpc_hostile_short_lease_runs_out(void **state)
{
    struct dt_cli c;
    long long t0;

    (void)state;
    srv_set(M_GOOD, 6, 2, 4);
    cli_start(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 5000));
    assert_int_equal(c.last.t1_secs, 2);
    assert_true(addr_on_iface());
    t0 = lt_now_ms();
    /* from now on nobody answers: RENEWING (unicast) at T1, REBINDING
     * (broadcast) at T2, expiry at 6 s */
    srv_set(M_SILENT, 6, 2, 4);
    assert_true(dt_cli_run_until(&c, expired, 10000));
    assert_true(lt_now_ms() - t0 >= 5000);
    assert_true(srv_get(&srv.renew_unicast) >= 1);
    assert_true(srv_get(&srv.rebind_bcast) >= 1);
    assert_false(addr_on_iface());
    assert_int_equal(c.last.ipv4, 0);
    assert_int_equal(lws_dhcpc_status(c.cx, NULL), 0);
    assert_int_equal(cur_state(&c), LWS_DHCPC_STATE_SELECTING);
    lws_context_destroy(c.cx);
}

static bool saw_discovers(struct dt_cli *c)
{
    (void)c;
    return srv_get(&srv.discovers) >= 3;
}

static void test_dhcpc_hostile_bad_offers_refused(void **state)
{
    struct dt_cli c;

    (void)state;
    srv_set(M_BAD, 60, 0, 0);
    cli_start(&c);
    assert_true(dt_cli_run_until(&c, saw_discovers, 8000));
    assert_int_equal(c.n_events, 0);
    assert_int_equal(cur_state(&c), LWS_DHCPC_STATE_SELECTING);
    assert_int_equal(srv_get(&srv.requests), 0);
    assert_false(addr_on_iface());
    /* the system state is still held at DHCP */
    assert_true(lws_system_get_state_manager(c.cx)->state < LWS_SYSTATE_DHCP);
    srv_set(M_GOOD, 60, 0, 0);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 8000));
    assert_true(addr_on_iface());
    lws_context_destroy(c.cx);
}

static bool saw_renewals(struct dt_cli *c)
{
    (void)c;
    return srv_get(&srv.requests) >= 4;
}

static bool naked(struct dt_cli *c)
{
    return dt_cli_count(c, LWS_DHCPC_EVENT_NAK) > 0;
}

static void test_dhcpc_hostile_bad_acks_keep_lease(void **state)
{
    struct dt_cli c;

    (void)state;
    srv_set(M_GOOD, 30, 1, 3);
    cli_start(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 5000));
    srv_set(M_BAD, 30, 1, 3);
    /* renewals at 1 s and 2 s, rebinding from 3 s, all answered badly */
    assert_true(dt_cli_run_until(&c, saw_renewals, 8000));
    /* nothing accepted, nothing lost */
    assert_int_equal(c.n_events, 1);
    assert_true(cur_state(&c) == LWS_DHCPC_STATE_RENEWING ||
                cur_state(&c) == LWS_DHCPC_STATE_REBINDING);
    assert_true(addr_on_iface());
    assert_int_equal(lws_dhcpc_status(c.cx, NULL), 1);
    /* a NAK from our own server is honoured: address removed */
    srv_set(M_NAK, 30, 1, 3);
    assert_true(dt_cli_run_until(&c, naked, 8000));
    assert_false(addr_on_iface());
    assert_int_equal(lws_dhcpc_status(c.cx, NULL), 0);
    lws_context_destroy(c.cx);
}

/* Issue 10 item 3: a /32 lease whose gateway is outside it (the common
 * cloud pattern) is applied: address, then the default route marked on
 * link.  It used to fail with ENETUNREACH, be dropped and retried every
 * few seconds for ever. */
static void test_dhcpc_hostile_slash32_gateway_off_subnet(void **state)
{
    struct dt_cli c;
    char out[2048];

    (void)state;
    srv_set(M_SLASH32, 600, 0, 0);
    cli_start(&c);
    assert_true(dt_cli_run_until(&c, dt_cli_bound, 5000));
    assert_int_equal(dt_cli_count(&c, LWS_DHCPC_EVENT_APPLY_FAILED), 0);
    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 addr show dev %s",
                np.if_cli);
    assert_non_null(strstr(out, "inet " POOL_IP "/32"));
    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 route show dev %s",
                np.if_cli);
    assert_non_null(strstr(out, "default via 10.99.0.1"));
    assert_non_null(strstr(out, "onlink"));
    lws_context_destroy(c.cx);
}

static int group_setup(void **state)
{
    (void)state;
    uv_mutex_init(&srv.lock);
    if (dt_netpair_create(&np, "ho", SRV "/24"))
        return -1;
    if (srv_start())
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    srv_stop();
    dt_netpair_destroy(&np);
    uv_mutex_destroy(&srv.lock);
    return 0;
}

static void on_signal(int sig)
{
    dt_netpair_destroy(&np);
    dt_reraise(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_hostile_short_lease_runs_out),
        cmocka_unit_test(test_dhcpc_hostile_bad_offers_refused),
        cmocka_unit_test(test_dhcpc_hostile_bad_acks_keep_lease),
        cmocka_unit_test(test_dhcpc_hostile_slash32_gateway_off_subnet),
    };
    int r = dt_main_begin(false, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("dhcpc-hostile", tests, group_setup,
                                       group_teardown);
}
