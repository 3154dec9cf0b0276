/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv4 client unit tests: the codec with crafted packets (overload,
 * RFC 3396 split options, broken lengths, IPv4/UDP framing, ARP) and the
 * sans-I/O core on a virtual clock through the whole life of a lease:
 * DORA, rapid commit, every timer (retransmission backoff, T1, T2, expiry),
 * NAK and its backoff, INIT-REBOOT, link loss, conflict detection,
 * release, and the replies it must refuse.  Plus the public API's
 * argument checks and out-of-memory at each allocation.
 */
#include "private-dhcpc.h"
#include "dhcpc-msg.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define S(x)  ((lws_usec_t)(x)*LWS_US_PER_SEC)
#define MS(x) ((lws_usec_t)(x)*1000)

static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t other_mac[6] = {0x02, 0x99, 0x22, 0x33, 0x44, 0x55};

struct h {
    struct lws__dhcpc_cfg cfg;
    struct lws__dhcpc_core c;
    struct lws__dhcpc_out o;
    uint32_t seed;
    lws_usec_t now;
    uint32_t srv, ip;
};

static uint32_t h_rand(void *ctx)
{
    struct h *h = ctx;

    h->seed = h->seed * 1103515245u + 12345u;
    return h->seed >> 4;
}

static void h_init(struct h *h)
{
    memset(h, 0, sizeof(*h));
    h->cfg.retx_base_ms = 4000;
    h->cfg.retx_jitter_ms = 1000;
    h->cfg.renew_min_ms = 60000;
    h->cfg.decline_wait_ms = 10000;
    h->cfg.acd_probe_count = 3;
    h->cfg.acd_probe_ms = 1000;
    h->cfg.acd_wait_ms = 2000;
    h->cfg.rapid_commit = true;
    h->seed = 42;
    h->now = S(1000);
    h->srv = dt_ip("10.0.0.1");
    h->ip = dt_ip("10.0.0.50");
    lws__dhcpc_core_init(&h->c, &h->cfg, mac, 0x01020304, h_rand, h);
}

static void h_req(struct h *h, struct dt_req *r)
{
    assert_true(h->o.tx != LWS__DHCPC_TX_NONE);
    assert_int_equal(dt_req_parse(h->o.tx_buf, h->o.tx_len, r), 0);
    assert_int_equal(r->op, 1);
    assert_memory_equal(r->mac, mac, 6);
}

static void h_rx(struct h *h, const struct dt_msg *m)
{
    lws__dhcpc_core_rx(&h->c, h->now, m->buf, m->len, &h->o);
}

static void h_fire(struct h *h)
{
    assert_true(h->o.wake > 0);
    h->now = h->o.wake;
    lws__dhcpc_core_timer(&h->c, h->now, &h->o);
}

/* Runs DISCOVER/OFFER/REQUEST/ACK with a lease of @lease s (T1/T2 given
 * when non-zero) and checks every step. */
static void h_bind(struct h *h, uint32_t lease, uint32_t t1, uint32_t t2)
{
    struct dt_msg m;
    struct dt_req r;

    lws__dhcpc_core_start(&h->c, h->now, &h->o);
    h_req(h, &r);
    assert_int_equal(r.type, 1);
    assert_int_equal(h->c.state, LWS_DHCPC_STATE_SELECTING);
    dt_msg_std(&m, 2, r.xid, mac, h->ip, h->srv, lease, t1, t2);
    h->now += MS(3);
    h_rx(h, &m);
    assert_int_equal(h->c.state, LWS_DHCPC_STATE_REQUESTING);
    h_req(h, &r);
    assert_int_equal(r.type, 3);
    assert_int_equal(r.req_ip, h->ip);
    assert_int_equal(r.server_id, h->srv);
    assert_int_equal(r.ciaddr, 0);
    assert_int_equal(h->o.tx, LWS__DHCPC_TX_BCAST);
    dt_msg_std(&m, 5, r.xid, mac, h->ip, h->srv, lease, t1, t2);
    h->now += MS(2);
    h_rx(h, &m);
    assert_int_equal(h->c.state, LWS_DHCPC_STATE_BOUND);
    assert_int_equal(h->o.event, LWS_DHCPC_EVENT_BOUND);
    assert_true(h->o.apply);
    assert_true(h->o.save);
    assert_int_equal(h->o.socks, 0);
}

/* ---------------------------------------------------------------- codec */

static void test_dhcpc_codec_builds_discover(void **state)
{
    struct h h;
    struct dt_req r;
    static const uint8_t want[] = {1,  3,  6,  15, 26,  28, 42,
                                   51, 54, 58, 59, 119, 121};

    (void)state;
    h_init(&h);
    strcpy(h.cfg.hostname, "dev1");
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
    assert_true(r.rapid);
    assert_true(r.has_max_size);
    assert_string_equal(r.hostname, "dev1");
    for (size_t i = 0; i < sizeof(want); i++)
        assert_true(dt_req_prl_has(&r, want[i]));
    assert_false(dt_req_prl_has(&r, 4)); /* not the RFC 868 time server */
    /* RFC 4361: 255, IAID, DUID-LL (type 3, htype 1, MAC) */
    assert_int_equal(r.client_id_len, 15);
    assert_int_equal(r.client_id[0], 255);
    assert_int_equal(r.client_id[4], 4);
    assert_int_equal(r.client_id[6], 3);
    assert_memory_equal(r.client_id + 9, mac, 6);
    assert_true(h.o.tx_len >= 300);
    assert_int_equal(h.o.tx_dst, 0xffffffffu);
    assert_int_equal(h.o.socks, LWS__DHCPC_SOCK_RAW);
}

static void test_dhcpc_codec_client_id_mac(void **state)
{
    struct h h;
    struct dt_req r;

    (void)state;
    h_init(&h);
    h.cfg.client_id_mode = LWS_DHCPC_CLIENTID_MAC;
    lws__dhcpc_core_init(&h.c, &h.cfg, mac, 1, h_rand, &h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    assert_int_equal(r.client_id_len, 7);
    assert_int_equal(r.client_id[0], 1);
    assert_memory_equal(r.client_id + 1, mac, 6);
}

static void test_dhcpc_codec_parses_offer(void **state)
{
    struct lws__dhcpc_msg p;
    struct dt_msg m;
    uint8_t rt[] = {24, 192, 168, 5, 10, 0, 0, 1, 0, 10, 0, 0, 254};
    uint8_t mtu[2] = {0x05, 0xdc};

    (void)state;
    dt_msg_reply(&m, 2, 0x1234, mac, dt_ip("10.0.0.50"));
    dt_msg_opt32(&m, 54, dt_ip("10.0.0.1"));
    dt_msg_opt32(&m, 51, 3600);
    dt_msg_opt32(&m, 58, 1000);
    dt_msg_opt32(&m, 59, 2000);
    dt_msg_opt32(&m, 1, 0xffffff00u);
    dt_msg_opt32(&m, 28, dt_ip("10.0.0.255"));
    dt_msg_opt(&m, 26, mtu, 2);
    dt_msg_opt(&m, 15, "example.net", 11);
    dt_msg_opt(&m, 121, rt, sizeof(rt));
    dt_msg_opt32(&m, 3, dt_ip("10.0.0.2"));
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), 0);
    assert_int_equal(p.type, 2);
    assert_int_equal(p.xid, 0x1234);
    assert_int_equal(p.yiaddr, dt_ip("10.0.0.50"));
    assert_int_equal(p.server_id, dt_ip("10.0.0.1"));
    assert_int_equal(p.lease, 3600);
    assert_int_equal(p.t1, 1000);
    assert_int_equal(p.t2, 2000);
    assert_int_equal(p.mask, 0xffffff00u);
    assert_int_equal(p.broadcast, dt_ip("10.0.0.255"));
    assert_int_equal(p.mtu, 1500);
    assert_string_equal(p.domain, "example.net");
    assert_int_equal(p.route_count, 2);
    assert_int_equal(p.routes[0].dest, dt_ip("192.168.5.0"));
    assert_int_equal(p.routes[0].prefix, 24);
    assert_int_equal(p.routes[0].gw, dt_ip("10.0.0.1"));
    assert_int_equal(p.routes[1].dest, 0);
    assert_int_equal(p.routes[1].prefix, 0);
    assert_int_equal(p.routes[1].gw, dt_ip("10.0.0.254"));
    assert_int_equal(p.router_count, 1);
}

static void test_dhcpc_codec_rejects_broken(void **state)
{
    struct lws__dhcpc_msg p;
    struct dt_msg m;
    uint8_t past[] = {6, 8, 1, 2, 3, 4}; /* says 8, has 4 */
    uint8_t ov = 3;

    (void)state;
    /* too short for the header, no cookie */
    dt_msg_std(&m, 2, 1, mac, dt_ip("10.0.0.50"), 1, 60, 0, 0);
    assert_int_equal(lws__dhcpc_parse(m.buf, 200, &p), -EBADMSG);
    m.buf[236] = 0;
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* op 1, hlen 5 */
    dt_msg_std(&m, 2, 1, mac, dt_ip("10.0.0.50"), 1, 60, 0, 0);
    m.buf[0] = 1;
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    m.buf[0] = 2;
    m.buf[2] = 5;
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* an option running past the end */
    dt_msg_reply(&m, 2, 1, mac, dt_ip("10.0.0.50"));
    dt_msg_raw(&m, past, sizeof(past));
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* the length byte itself missing */
    dt_msg_reply(&m, 2, 1, mac, dt_ip("10.0.0.50"));
    dt_msg_raw(&m, past, 1);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* no message type */
    dt_msg_reply(&m, 2, 1, mac, dt_ip("10.0.0.50"));
    m.len -= 3;
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* overload into a file field whose options run past its end */
    dt_msg_reply(&m, 2, 1, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 52, &ov, 1);
    dt_msg_end(&m);
    m.buf[108 + 126] = 6;
    m.buf[108 + 127] = 4; /* 4 bytes of data would be past the field */
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* overload with a bad value */
    ov = 7;
    dt_msg_reply(&m, 2, 1, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 52, &ov, 1);
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    /* server id of the wrong length */
    dt_msg_reply(&m, 2, 1, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 54, "abc", 3);
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), -EBADMSG);
    assert_int_equal(lws__dhcpc_parse(NULL, 0, &p), -EBADMSG);
}

static void test_dhcpc_codec_overload(void **state)
{
    struct lws__dhcpc_msg p;
    struct dt_msg m;
    uint8_t ov = 3;

    (void)state;
    dt_msg_reply(&m, 5, 9, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 52, &ov, 1);
    dt_msg_end(&m);
    /* file: server id + lease, then END; sname: DNS, then END */
    {
        uint8_t file[] = {54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 0, 60, 255};
        uint8_t sname[] = {0, 0, 6, 4, 10, 0, 0, 53, 255};

        memcpy(m.buf + 108, file, sizeof(file));
        memcpy(m.buf + 44, sname, sizeof(sname));
    }
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), 0);
    assert_int_equal(p.server_id, dt_ip("10.0.0.1"));
    assert_int_equal(p.lease, 60);
    assert_int_equal(p.dns_count, 1);
    assert_int_equal(p.dns[0], dt_ip("10.0.0.53"));
}

static void test_dhcpc_codec_rfc3396_split(void **state)
{
    struct lws__dhcpc_msg p;
    struct dt_msg m;
    /* a 121 route split across two instances mid-route */
    uint8_t r1[] = {16, 172, 16, 10};
    uint8_t r2[] = {0, 0, 2, 0, 10, 0, 0, 1};
    uint8_t d1[] = {10, 0, 0, 53, 10, 0};
    uint8_t d2[] = {0, 54};

    (void)state;
    dt_msg_reply(&m, 5, 9, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 121, r1, sizeof(r1));
    dt_msg_opt(&m, 6, d1, sizeof(d1));
    dt_msg_opt(&m, 121, r2, sizeof(r2));
    dt_msg_opt(&m, 6, d2, sizeof(d2));
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), 0);
    assert_int_equal(p.dns_count, 2);
    assert_int_equal(p.dns[1], dt_ip("10.0.0.54"));
    assert_int_equal(p.route_count, 2);
    assert_int_equal(p.routes[0].dest, dt_ip("172.16.0.0"));
    assert_int_equal(p.routes[0].prefix, 16);
    assert_int_equal(p.routes[0].gw, dt_ip("10.0.0.2"));
    assert_int_equal(p.routes[1].prefix, 0);
    assert_int_equal(p.routes[1].gw, dt_ip("10.0.0.1"));
}

static void test_dhcpc_codec_bad_121_ignored(void **state)
{
    struct lws__dhcpc_msg p;
    struct dt_msg m;
    uint8_t r[] = {33, 1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t r2[] = {24, 10, 0, 0, 10}; /* gateway cut short */

    (void)state;
    dt_msg_reply(&m, 5, 9, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 121, r, sizeof(r));
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), 0);
    assert_int_equal(p.have & LWS__HAVE_ROUTES121, 0);
    dt_msg_reply(&m, 5, 9, mac, dt_ip("10.0.0.50"));
    dt_msg_opt(&m, 121, r2, sizeof(r2));
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &p), 0);
    assert_int_equal(p.have & LWS__HAVE_ROUTES121, 0);
}

static void test_dhcpc_codec_ip4udp(void **state)
{
    uint8_t pkt[LWS__DHCPC_IP4UDP_HDR + 400];
    size_t ofs, plen;
    uint32_t src;
    int n;

    (void)state;
    for (int i = 0; i < 400; i++)
        pkt[LWS__DHCPC_IP4UDP_HDR + i] = (uint8_t)(i * 7);
    n = lws__dhcpc_ip4udp_wrap(pkt, sizeof(pkt), 400, dt_ip("10.0.0.9"),
                               0xffffffffu);
    assert_int_equal(n, 428);
    /* our own packet goes 68 -> 67: swap the ports to read it as a reply
     * (a swap keeps the one's complement sum: the checksum still holds) */
    pkt[21] = 67;
    pkt[23] = 68;
    assert_int_equal(
        lws__dhcpc_ip4udp_unwrap(pkt, (size_t)n, true, &ofs, &plen, &src), 0);
    pkt[100] ^= 0x40; /* a payload bit: UDP checksum now wrong */
    assert_int_equal(
        lws__dhcpc_ip4udp_unwrap(pkt, (size_t)n, true, &ofs, &plen, &src),
        -EBADMSG);
    pkt[26] = pkt[27] = 0; /* no checksum */
    assert_int_equal(
        lws__dhcpc_ip4udp_unwrap(pkt, (size_t)n, true, &ofs, &plen, &src), 0);
    assert_int_equal(ofs, 28);
    assert_int_equal(plen, 400);
    assert_int_equal(src, dt_ip("10.0.0.9"));
    pkt[10] ^= 1; /* IP header checksum */
    assert_int_equal(
        lws__dhcpc_ip4udp_unwrap(pkt, (size_t)n, true, &ofs, &plen, &src),
        -EBADMSG);
    pkt[10] ^= 1;
    assert_int_equal(
        lws__dhcpc_ip4udp_unwrap(pkt, 100, true, &ofs, &plen, &src),
        -EBADMSG); /* total length beyond the buffer */
    pkt[23] = 69;
    assert_int_equal(
        lws__dhcpc_ip4udp_unwrap(pkt, (size_t)n, true, &ofs, &plen, &src),
        -EBADMSG);
    assert_int_equal(lws__dhcpc_ip4udp_wrap(pkt, 100, 400, 0, 0), -EINVAL);
}

static void test_dhcpc_codec_arp(void **state)
{
#if LWS_WITH_SYS_DHCP_ACD /* else only the mask checks */
    struct lws__dhcpc_arp a = {.op = 1, .spa = 0, .tpa = 0x0a000032}, b;
    uint8_t buf[LWS__DHCPC_ARP_LEN];

    memcpy(a.sha, mac, 6);
    assert_int_equal(lws__dhcpc_arp_build(buf, sizeof(buf), &a),
                     LWS__DHCPC_ARP_LEN);
    assert_int_equal(lws__dhcpc_arp_parse(buf, sizeof(buf), &b), 0);
    assert_int_equal(b.tpa, a.tpa);
    assert_memory_equal(b.sha, mac, 6);
    assert_int_equal(lws__dhcpc_arp_parse(buf, 20, &b), -EBADMSG);
    buf[1] = 6;
    assert_int_equal(lws__dhcpc_arp_parse(buf, sizeof(buf), &b), -EBADMSG);
#endif
    (void)state;
    assert_int_equal(lws__dhcpc_mask_to_prefix(0xffffff00u), 24);
    assert_int_equal(lws__dhcpc_mask_to_prefix(0), 0);
    assert_int_equal(lws__dhcpc_mask_to_prefix(0xffffffffu), 32);
    assert_int_equal(lws__dhcpc_mask_to_prefix(0xff00ff00u), -1);
}

/* ----------------------------------------------------------------- core */

static void test_dhcpc_core_dora_and_timers(void **state)
{
    struct h h;
    struct dt_req r;
    lws_usec_t start;
    lws_dhcpc_ifstate_t is;

    (void)state;
    h_init(&h);
    h_bind(&h, 3600, 0, 0);
    start = h.c.lease_start;
    /* lease starts when the REQUEST went out (RFC 2131 §4.4.1) */
    assert_int_equal(start, S(1000) + MS(3));
    assert_int_equal(h.o.wake, start + S(1800)); /* default T1 = 0.5 */
    memset(&is, 0, sizeof(is));
    lws__dhcpc_core_ifstate(&h.c, &h.c.lease, &is);
    assert_int_equal(is.ipv4, h.ip);
    assert_int_equal(is.prefix_len, 24);
    assert_int_equal(is.t1_secs, 1800);
    assert_int_equal(is.t2_secs, 3150);                /* 0.875 */
    assert_int_equal(is.nums[LWSDH_LEASE_SECS], 3600); /* host order */
    assert_int_equal(is.dns[0], dt_ip("10.0.0.53"));
    assert_int_equal(is.ntp[0], dt_ip("10.0.0.123"));
    assert_int_equal(is.route_count, 1);
    assert_int_equal(is.routes[0].gw, h.srv);
    assert_int_equal(is.sa46[LWSDH_SA46_IP].sa4.sin_addr.s_addr, htonl(h.ip));
    assert_int_equal(is.sa46[LWSDH_SA46_DHCP_SERVER].sa4.sin_addr.s_addr,
                     htonl(h.srv));
    assert_true(lws__dhcpc_core_bound(&h.c));

    /* T1: RENEWING, unicast REQUEST with ciaddr, no 50/54 */
    h_fire(&h);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_RENEWING);
    h_req(&h, &r);
    assert_int_equal(r.type, 3);
    assert_int_equal(r.ciaddr, h.ip);
    assert_int_equal(r.req_ip, 0);
    assert_int_equal(r.server_id, 0);
    assert_int_equal(h.o.tx, LWS__DHCPC_TX_UNICAST);
    assert_int_equal(h.o.tx_dst, h.srv);
    assert_int_equal(h.o.socks, LWS__DHCPC_SOCK_UDP);
    /* retransmit at half the time left to T2 (1350 s -> 675 s) */
    assert_int_equal(h.o.wake - h.now, S(675));
    h_fire(&h);
    assert_int_equal(h.o.wake - h.now, S(337) + MS(500));
    h_fire(&h);
    h_fire(&h);
    /* then the 60 s minimum, never past T2 */
    while (h.c.state == LWS_DHCPC_STATE_RENEWING) {
        assert_true(h.o.wake - h.now >= S(60) || h.o.wake == start + S(3150));
        h_fire(&h);
    }
    assert_int_equal(h.now, start + S(3150));
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_REBINDING);
    h_req(&h, &r);
    assert_int_equal(r.ciaddr, h.ip);
    assert_int_equal(h.o.tx, LWS__DHCPC_TX_BCAST);
    assert_int_equal(h.o.tx_src, h.ip);
    assert_int_equal(h.o.socks, LWS__DHCPC_SOCK_RAW);
    while (h.c.state == LWS_DHCPC_STATE_REBINDING)
        h_fire(&h);
    /* expiry: removed, reported, forgotten, DISCOVER at once */
    assert_int_equal(h.now, start + S(3600));
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_EXPIRED);
    assert_true(h.o.unapply);
    assert_true(h.o.forget);
    assert_false(h.c.have_lease);
    assert_int_equal(h.c.old.ip, h.ip);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
}

static void test_dhcpc_core_renew_ack(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;
    lws_usec_t t1;

    (void)state;
    h_init(&h);
    h_bind(&h, 40, 10, 20);
    t1 = h.o.wake;
    assert_int_equal(t1 - h.c.lease_start, S(10));
    h_fire(&h);
    h_req(&h, &r);
    /* same lease again: renewed silently, timers restart */
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 40, 10, 20);
    h.now += MS(1);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_BOUND);
    assert_int_equal(h.o.event, -1);
    assert_true(h.o.apply);
    assert_false(h.o.unapply);
    assert_int_equal(h.o.wake, h.now - MS(1) + S(10));
    /* next renewal changes the lease time: RENEWED */
    h_fire(&h);
    h_req(&h, &r);
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 80, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_RENEWED);
    /* an ACK from another server while RENEWING is ignored */
    h_fire(&h);
    h_req(&h, &r);
    dt_msg_std(&m, 5, r.xid, mac, h.ip, dt_ip("10.0.0.9"), 80, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_RENEWING);
    /* a new address at renewal: old one removed, new one applied */
    dt_msg_std(&m, 5, r.xid, mac, dt_ip("10.0.0.77"), h.srv, 80, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_RENEWED);
    assert_true(h.o.unapply);
    assert_true(h.o.apply);
    assert_int_equal(h.c.old.ip, h.ip);
    assert_int_equal(h.c.lease.ip, dt_ip("10.0.0.77"));
    /* same address, another router: the old routes go too */
    h_fire(&h);
    h_req(&h, &r);
    dt_msg_reply(&m, 5, r.xid, mac, dt_ip("10.0.0.77"));
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_opt32(&m, 51, 80);
    dt_msg_opt32(&m, 1, 0xffffff00u);
    dt_msg_opt32(&m, 3, dt_ip("10.0.0.254"));
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_RENEWED);
    assert_true(h.o.unapply);
    assert_int_equal(h.c.old.routes[0].gw, h.srv);
    assert_int_equal(h.c.lease.routes[0].gw, dt_ip("10.0.0.254"));
}

static void test_dhcpc_core_rebind_ack(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;

    (void)state;
    h_init(&h);
    h.cfg.renew_min_ms = 1000;
    h_bind(&h, 40, 10, 20);
    while (h.c.state != LWS_DHCPC_STATE_REBINDING)
        h_fire(&h);
    h_req(&h, &r);
    /* any server may answer now */
    dt_msg_std(&m, 5, r.xid, mac, h.ip, dt_ip("10.0.0.2"), 40, 10, 20);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_REBOUND);
    assert_int_equal(h.c.lease.server, dt_ip("10.0.0.2"));
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_BOUND);
}

static void test_dhcpc_core_retransmit_backoff(void **state)
{
    static const int base[] = {4, 8, 16, 32, 64, 64, 64};
    struct h h;
    struct dt_req r;
    uint32_t xid;

    (void)state;
    h_init(&h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    xid = r.xid;
    for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
        lws_usec_t d = h.o.wake - h.now;

        /* RFC 2131 §4.1: 4, 8, 16, 32, 64 s, +/- 1 s */
        assert_true(d >= S(base[i] - 1) && d <= S(base[i] + 1));
        h_fire(&h);
        h_req(&h, &r);
        assert_int_equal(r.type, 1);
        assert_int_equal(r.xid, xid);
    }
    /* secs counts from the start of the exchange */
    assert_true(h.o.tx_buf[8] || h.o.tx_buf[9]);
}

/* The fast phase: every 2 s +/- 0.5 s for the first minute of getting a
 * lease, never more than one packet a second on average over that minute
 * (REQUESTs that go unanswered and the DISCOVERs after them included);
 * then RFC 2131 §4.1's doubling. */
static void test_dhcpc_core_retransmit_fast_phase(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;
    lws_usec_t start, last;
    int sent = 1, offers = 0;

    (void)state;
    h_init(&h);
    h.cfg.retx_fast_ms = 2000;
    h.cfg.retx_fast_window_ms = 60000;
    start = h.now;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    last = h.now;
    while (h.o.wake - start < S(60)) {
        lws_usec_t d = h.o.wake - h.now;

        assert_true(d >= MS(1500) && d <= MS(2500));
        /* every third DISCOVER gets an OFFER whose REQUESTs are lost */
        if (r.type == 1 && !(++offers % 3)) {
            dt_msg_std(&m, 2, r.xid, mac, h.ip, h.srv, 60, 0, 0);
            h_rx(&h, &m);
            h_req(&h, &r);
            assert_int_equal(r.type, 3);
            sent++;
            continue;
        }
        h_fire(&h);
        h_req(&h, &r);
        sent++;
        last = h.now;
    }
    /* a REQUEST given up on does not restart the fast phase */
    assert_true(sent >= 25 && sent <= 60);
    assert_true(last - start < S(61));
    /* after the minute: the RFC schedule from 4 s */
    {
        lws_usec_t d;

        h_fire(&h);
        h_req(&h, &r);
        d = h.o.wake - h.now;
        assert_true(d >= S(3));
    }
}

static void test_dhcpc_core_request_gives_up(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;
    uint32_t xid;

    (void)state;
    h_init(&h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    dt_msg_std(&m, 2, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    xid = r.xid;
    for (int i = 0; i < 3; i++) {
        h_fire(&h);
        h_req(&h, &r);
        assert_int_equal(r.type, 3);
    }
    h_fire(&h); /* no ACK after 4 REQUESTs: back to DISCOVER, new xid */
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
    assert_true(r.xid != xid);
}

static void test_dhcpc_core_initial_delay(void **state)
{
    struct h h;
    struct dt_req r;

    (void)state;
    h_init(&h);
    h.cfg.initial_delay_max_ms = 5000;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    assert_int_equal(h.o.tx, LWS__DHCPC_TX_NONE);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT);
    assert_true(h.o.wake - h.now <= S(5));
    h_fire(&h);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
}

static void test_dhcpc_core_rapid_commit(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;

    (void)state;
    h_init(&h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    /* an ACK without option 80 while SELECTING is not a rapid commit */
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    dt_msg_reply(&m, 5, r.xid, mac, h.ip);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_opt32(&m, 51, 60);
    dt_msg_opt(&m, 80, NULL, 0);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_BOUND);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_BOUND);
    assert_int_equal(h.c.lease.rapid, 1);
    /* no routers, no mask: classful /8 for 10.x */
    assert_int_equal(h.c.lease.mask, 0xff000000u);
    assert_int_equal(h.c.lease.route_count, 0);

    /* with rapid commit off, the same ACK is ignored */
    h_init(&h);
    h.cfg.rapid_commit = false;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    assert_false(r.rapid);
    dt_msg_reply(&m, 5, r.xid, mac, h.ip);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_opt32(&m, 51, 60);
    dt_msg_opt(&m, 80, NULL, 0);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
}

static void test_dhcpc_core_refuses_bad_replies(void **state)
{
    /* Offers the client must not take, one per row: xid offset, hardware
     * address, offered address and lease (s). */
    static const struct {
        const char *what;
        uint32_t xid_off;
        bool other_chaddr;
        const char *yiaddr; /* NULL: 0.0.0.0; "": the expected address */
        uint32_t lease;
    } rows[] = {
        {"wrong xid", 1, false, "", 60},
        {"wrong chaddr", 0, true, "", 60},
        {"lease 0", 0, false, "", 0},
        {"address 0.0.0.0", 0, false, NULL, 60},
        {"loopback address", 0, false, "127.0.0.5", 60},
        {"multicast address", 0, false, "224.0.0.5", 60},
        {"the /24's broadcast address", 0, false, "10.0.0.255", 60},
    };
    struct h h;
    struct dt_msg m;
    struct dt_req r;

    (void)state;
    h_init(&h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint32_t yi = !rows[i].yiaddr   ? 0
                      : *rows[i].yiaddr ? dt_ip(rows[i].yiaddr)
                                        : h.ip;

        dt_msg_std(&m, 2, r.xid + rows[i].xid_off,
                   rows[i].other_chaddr ? other_mac : mac, yi, h.srv,
                   rows[i].lease, 0, 0);
        h_rx(&h, &m);
        if (h.c.state != LWS_DHCPC_STATE_SELECTING)
            fail_msg("%s: state %d", rows[i].what, (int)h.c.state);
    }
    /* no server id */
    dt_msg_reply(&m, 2, r.xid, mac, h.ip);
    dt_msg_opt32(&m, 51, 60);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    /* a NAK while SELECTING means nothing */
    dt_msg_std(&m, 6, r.xid, mac, 0, h.srv, 0, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    assert_int_equal(h.o.event, -1);
    /* garbage */
    lws__dhcpc_core_rx(&h.c, h.now, (const uint8_t *)"x", 1, &h.o);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
}

/* ------------------------------------------------- lease contents (#10) */

static size_t put_ips(uint8_t *p, const char *const *ips, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t v = dt_ip(ips[i]);

        p[4 * i] = (uint8_t)(v >> 24);
        p[4 * i + 1] = (uint8_t)(v >> 16);
        p[4 * i + 2] = (uint8_t)(v >> 8);
        p[4 * i + 3] = (uint8_t)v;
    }
    return 4 * n;
}

/* A reply for h->ip with server id, a 3600 s lease, @mask and the raw
 * options @opts (code, len, data...). */
static void lease_msg(struct h *h, struct dt_msg *m, uint8_t type, uint32_t xid,
                      uint32_t mask, const uint8_t *opts, size_t olen)
{
    dt_msg_reply(m, type, xid, mac, h->ip);
    dt_msg_opt32(m, 54, h->srv);
    dt_msg_opt32(m, 51, 3600);
    dt_msg_opt32(m, 1, mask);
    dt_msg_raw(m, opts, olen);
    dt_msg_end(m);
}

/* DISCOVER / OFFER / REQUEST / ACK with lease_msg(); true when bound. */
static bool h_bind_opts(struct h *h, uint32_t mask, const uint8_t *opts,
                        size_t olen)
{
    struct dt_msg m;
    struct dt_req r;

    lws__dhcpc_core_start(&h->c, h->now, &h->o);
    h_req(h, &r);
    lease_msg(h, &m, 2, r.xid, mask, opts, olen);
    h_rx(h, &m);
    if (h->c.state != LWS_DHCPC_STATE_REQUESTING)
        return false;
    h_req(h, &r);
    lease_msg(h, &m, 5, r.xid, mask, opts, olen);
    h_rx(h, &m);
    return h->c.state == LWS_DHCPC_STATE_BOUND && h->o.apply;
}

/* Appends option @code carrying @n addresses. */
static size_t opt_ips(uint8_t *p, uint8_t code, const char *const *ips,
                      size_t n)
{
    p[0] = code;
    p[1] = (uint8_t)(4 * n);
    return 2 + put_ips(p + 2, ips, n);
}

static size_t opt_mtu(uint8_t *p, unsigned mtu)
{
    p[0] = 26;
    p[1] = 2;
    p[2] = (uint8_t)(mtu >> 8);
    p[3] = (uint8_t)mtu;
    return 4;
}

/* Issue 10 item 7: every field of a lease has a rule; what fails it is
 * dropped and the rest still binds. */
static void test_dhcpc_core_lease_contents_checked(void **state)
{
    static const char *const routers[] = {"10.9.9.1", "10.0.0.255", "224.0.0.1",
                                          "10.0.0.1"};
    static const char *const dns[] = {"0.0.0.0", "224.0.0.251", "10.0.0.53",
                                      "240.0.0.1"};
    static const char *const ntp[] = {"127.0.0.1", "255.255.255.255",
                                      "10.0.0.123"};
    static const char *const bcast[] = {"10.0.1.255"};
    static const char *const outside[] = {"10.9.9.1"};
    uint8_t o[256];
    size_t n = 0;
    struct h h;

    (void)state;
    h_init(&h);
    n += opt_ips(o + n, 3, routers, 4);
    n += opt_ips(o + n, 6, dns, 4);
    n += opt_ips(o + n, 42, ntp, 3);
    n += opt_ips(o + n, 28, bcast, 1);
    n += opt_mtu(o + n, 500);
    assert_true(h_bind_opts(&h, 0xffffff00u, o, n));
    assert_int_equal(h.c.lease.ip, h.ip);
    /* the first router in the subnet, not broadcast nor multicast */
    assert_int_equal(h.c.lease.route_count, 1);
    assert_int_equal(h.c.lease.routes[0].gw, dt_ip("10.0.0.1"));
    assert_int_equal(h.c.lease.dns_count, 1);
    assert_int_equal(h.c.lease.dns[0], dt_ip("10.0.0.53"));
    assert_int_equal(h.c.lease.ntp_count, 1);
    assert_int_equal(h.c.lease.ntp[0], dt_ip("10.0.0.123"));
    assert_int_equal(h.c.lease.broadcast, dt_ip("10.0.0.255"));
    assert_int_equal(h.c.lease.mtu, 0); /* < 576: the link keeps its own */

    /* Below 1280 only while IPv6 is enabled on the interface. */
    for (int v6 = 0; v6 < 2; v6++) {
        h_init(&h);
        h.c.ipv6 = v6;
        assert_true(h_bind_opts(&h, 0xffffff00u, o, opt_mtu(o, 1000)));
        assert_int_equal(h.c.lease.mtu, v6 ? 0 : 1000);
    }
    h_init(&h);
    h.c.ipv6 = true;
    assert_true(h_bind_opts(&h, 0xffffff00u, o, opt_mtu(o, 1280)));
    assert_int_equal(h.c.lease.mtu, 1280);

    /* Only a router outside the subnet: no default route, still bound. */
    h_init(&h);
    assert_true(h_bind_opts(&h, 0xffffff00u, o, opt_ips(o, 3, outside, 1)));
    assert_int_equal(h.c.lease.route_count, 0);

    /* Option 121: a gateway outside the subnet drops that route only. */
    static const uint8_t r121[] = {121, 19, 16, 10, 1, 10, 9,
                                   9,   9,                    /* via outside */
                                   16,  10, 2,  0,  0, 0,  0, /* on link */
                                   0,   10, 0,  0,  1};       /* default */
    h_init(&h);
    assert_true(h_bind_opts(&h, 0xffffff00u, r121, sizeof(r121)));
    assert_int_equal(h.c.lease.route_count, 2);
    assert_int_equal(h.c.lease.routes[0].dest, dt_ip("10.2.0.0"));
    assert_int_equal(h.c.lease.routes[0].gw, 0);
    assert_int_equal(h.c.lease.routes[1].gw, dt_ip("10.0.0.1"));
}

/* Option 54 is where renewals are unicast to: a server identifier that is
 * not a unicast address of another host drops the reply (logged), both an
 * OFFER and an ACK that any server may send (INIT-REBOOT). */
static void test_dhcpc_core_server_id_unicast(void **state)
{
    static const char *const bad[] = {
        "224.0.0.1", "255.255.255.255", "127.0.0.1",
        "0.1.2.3",   "240.0.0.1",       "10.0.0.50" /* the offered address */};
    struct dt_msg m;
    struct dt_req r;
    struct h h;

    (void)state;
    h_init(&h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        dt_msg_std(&m, 2, r.xid, mac, dt_ip("10.0.0.50"), dt_ip(bad[i]), 60, 0,
                   0);
        h_rx(&h, &m);
        assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    }
    dt_msg_std(&m, 2, r.xid, mac, dt_ip("10.0.0.50"), h.srv, 60, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_REQUESTING);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        h_init(&h);
        h.c.reboot_ip = dt_ip("10.0.0.50");
        lws__dhcpc_core_start(&h.c, h.now, &h.o);
        assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT_REBOOT);
        h_req(&h, &r);
        dt_msg_std(&m, 5, r.xid, mac, dt_ip("10.0.0.50"), dt_ip(bad[i]), 60, 0,
                   0);
        h_rx(&h, &m);
        assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT_REBOOT);
        assert_false(h.o.apply);
    }
}

/* Issue 10 item 3: /32 leases with a gateway (clouds) and RFC 3021 /31
 * leases bind; a lease that cannot be applied backs off exponentially. */
static void test_dhcpc_core_slash32_slash31_and_apply_backoff(void **state)
{
    static const char *const gw[] = {"172.31.0.1"};
    lws_usec_t prev = 0;
    uint8_t o[16];
    struct h h;

    (void)state;
    h_init(&h);
    h.ip = dt_ip("172.31.5.9");
    assert_true(h_bind_opts(&h, 0xffffffffu, o, opt_ips(o, 3, gw, 1)));
    assert_int_equal(h.c.lease.route_count, 1);
    assert_int_equal(h.c.lease.routes[0].gw, dt_ip("172.31.0.1"));
    assert_int_equal(h.c.lease.broadcast, 0);
    /* Both addresses of a /31 are hosts (the even one used to be refused
     * as a "network address"). */
    for (int odd = 0; odd < 2; odd++) {
        static const char *const peer[2][1] = {{"10.0.0.51"}, {"10.0.0.50"}};

        h_init(&h);
        h.ip = dt_ip(odd ? "10.0.0.51" : "10.0.0.50");
        assert_true(
            h_bind_opts(&h, 0xfffffffeu, o, opt_ips(o, 3, peer[odd], 1)));
        assert_int_equal(h.c.lease.broadcast, 0);
        assert_int_equal(h.c.lease.route_count, 1);
    }
    /* Apply failures: 4, 8, 16 ... 256 s (+/- 1 s), not ~4 s for ever. */
    for (int i = 0; i < 9; i++) {
        lws_usec_t want = S(4) << (i > 6 ? 6 : i), d;

        lws__dhcpc_core_apply_failed(&h.c, h.now, &h.o);
        assert_int_equal(h.o.event, LWS_DHCPC_EVENT_APPLY_FAILED);
        d = h.o.wake - h.now;
        assert_true(d >= want - S(1) && d <= want + S(1));
        assert_true(d >= prev || i > 6);
        prev = d;
        /* the next attempt binds the same lease again, and fails again */
        h.now = h.o.wake;
        lws__dhcpc_core_timer(&h.c, h.now, &h.o);
    }
}

static void test_dhcpc_core_t1_t2_sanity(void **state)
{
    struct h h;

    (void)state;
    h_init(&h);
    h_bind(&h, 100, 90, 80); /* T1 > T2: defaults */
    assert_int_equal(h.c.lease.t1_ms, 50000);
    assert_int_equal(h.c.lease.t2_ms, 87500);
    h_init(&h);
    h_bind(&h, 100, 10, 100); /* T2 == lease: defaults */
    assert_int_equal(h.c.lease.t1_ms, 50000);
    h_init(&h);
    h_bind(&h, 0xffffffffu, 0, 0); /* infinite: no timers */
    assert_int_equal(h.o.wake, 0);
}

static void test_dhcpc_core_nak(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;

    (void)state;
    h_init(&h);
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    dt_msg_std(&m, 2, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    h_req(&h, &r);
    /* NAK from a server we did not ask: ignored */
    dt_msg_reply(&m, 6, r.xid, mac, 0);
    dt_msg_opt32(&m, 54, dt_ip("10.0.0.66"));
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_REQUESTING);
    /* NAK from ours: restart at once */
    dt_msg_reply(&m, 6, r.xid, mac, 0);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_opt(&m, 56, "go away", 7);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_NAK);
    assert_true(h.o.forget);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
    /* a second NAK in a row backs off before the DISCOVER */
    dt_msg_std(&m, 2, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    h_req(&h, &r);
    dt_msg_reply(&m, 6, r.xid, mac, 0);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT);
    assert_int_equal(h.o.tx, LWS__DHCPC_TX_NONE);
    assert_true(h.o.wake > h.now);
    h_fire(&h);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
}

static void test_dhcpc_core_nak_while_renewing(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;

    (void)state;
    h_init(&h);
    h_bind(&h, 40, 10, 20);
    h_fire(&h);
    h_req(&h, &r);
    dt_msg_reply(&m, 6, r.xid, mac, 0);
    dt_msg_opt32(&m, 54, dt_ip("10.0.0.66"));
    dt_msg_end(&m);
    h_rx(&h, &m); /* not our server: lease kept */
    assert_true(h.c.have_lease);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_RENEWING);
    dt_msg_reply(&m, 6, r.xid, mac, 0);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_NAK);
    assert_true(h.o.unapply);
    assert_false(h.c.have_lease);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
}

static void test_dhcpc_core_init_reboot(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;

    (void)state;
    h_init(&h);
    h.c.reboot_ip = h.ip;
    h.c.reboot_server = h.srv;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT_REBOOT);
    h_req(&h, &r);
    /* RFC 2131 §4.3.2: 50 set, no 54, ciaddr 0 */
    assert_int_equal(r.type, 3);
    assert_int_equal(r.req_ip, h.ip);
    assert_int_equal(r.server_id, 0);
    assert_int_equal(r.ciaddr, 0);
    /* a quarter of the normal timeout */
    assert_true(h.o.wake - h.now <= S(1) + MS(250));
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_BOUND);
    assert_false(h.o.save); /* already remembered */

    /* unanswered: two tries, then DISCOVER suggesting the address */
    h_init(&h);
    h.c.reboot_ip = h.ip;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_fire(&h);
    h_req(&h, &r);
    assert_int_equal(r.type, 3);
    h_fire(&h);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
    assert_int_equal(r.req_ip, h.ip);

    /* NAK: forget the address */
    h_init(&h);
    h.c.reboot_ip = h.ip;
    h.c.reboot_server = h.srv;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    dt_msg_reply(&m, 6, r.xid, mac, 0);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_NAK);
    assert_int_equal(h.c.reboot_ip, 0);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
    assert_int_equal(r.req_ip, 0);
}

static void test_dhcpc_core_link_down_up(void **state)
{
    struct h h;
    struct dt_msg m;
    struct dt_req r;
    lws_usec_t start;

    (void)state;
    h_init(&h);
    h_bind(&h, 600, 0, 0);
    start = h.c.lease_start;
    lws__dhcpc_core_link(&h.c, h.now, false, &h.o);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_LINK_DOWN);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_LINK_DOWN);
    assert_int_equal(h.o.socks, 0);
    assert_int_equal(h.o.wake, start + S(600)); /* only expiry runs */
    assert_true(lws__dhcpc_core_bound(&h.c) == false);
    h.now += S(5);
    lws__dhcpc_core_link(&h.c, h.now, true, &h.o);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_LINK_UP);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT_REBOOT);
    h_req(&h, &r);
    assert_int_equal(r.req_ip, h.ip);
    /* nobody answers: keep the still-valid lease */
    h_fire(&h);
    h_fire(&h);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_BOUND);
    assert_true(h.c.have_lease);
    assert_int_equal(h.o.wake, start + S(300));
    /* down again until the lease ran out: expired while down */
    lws__dhcpc_core_link(&h.c, h.now, false, &h.o);
    h_fire(&h);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_EXPIRED);
    assert_true(h.o.unapply);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_LINK_DOWN);
    lws__dhcpc_core_link(&h.c, h.now, true, &h.o);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
    (void)m;
}

static void test_dhcpc_core_acd(void **state)
{
#if !LWS_WITH_SYS_DHCP_ACD
    (void)state;
    skip(); /* LWS_WITH_SYS_DHCP_ACD is off in this build */
#else
    struct h h;
    struct dt_msg m;
    struct dt_req r;
    struct lws__dhcpc_arp a;
    uint8_t buf[LWS__DHCPC_ARP_LEN];
    lws_usec_t t0;

    (void)state;
    h_init(&h);
    h.cfg.acd = true;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    dt_msg_std(&m, 2, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    h_req(&h, &r);
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    t0 = h.now;
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_CHECKING);
    assert_false(h.o.apply);
    assert_true(h.o.arp);
    assert_int_equal(h.o.socks, LWS__DHCPC_SOCK_ARP);
    assert_int_equal(lws__dhcpc_arp_parse(h.o.arp_buf, LWS__DHCPC_ARP_LEN, &a),
                     0);
    assert_int_equal(a.spa, 0);
    assert_int_equal(a.tpa, h.ip);
    h_fire(&h);
    h_fire(&h);
    assert_true(h.o.arp);
    h_fire(&h); /* after the wait: announce and bind */
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_BOUND);
    assert_true(h.o.apply);
    assert_int_equal(lws__dhcpc_arp_parse(h.o.arp_buf, LWS__DHCPC_ARP_LEN, &a),
                     0);
    assert_int_equal(a.spa, h.ip);
    /* 3 probes 1 s apart + 2 s wait */
    assert_int_equal(h.now - t0, S(4));

    /* conflict: another host answers for the address */
    h_init(&h);
    h.cfg.acd = true;
    lws__dhcpc_core_start(&h.c, h.now, &h.o);
    h_req(&h, &r);
    dt_msg_std(&m, 2, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    h_req(&h, &r);
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 60, 0, 0);
    h_rx(&h, &m);
    memset(&a, 0, sizeof(a));
    a.op = 2;
    memcpy(a.sha, mac, 6);
    a.spa = h.ip;
    lws__dhcpc_arp_build(buf, sizeof(buf), &a);
    lws__dhcpc_core_arp(&h.c, h.now, buf, sizeof(buf), &h.o);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_CHECKING); /* our own */
    memcpy(a.sha, other_mac, 6);
    lws__dhcpc_arp_build(buf, sizeof(buf), &a);
    lws__dhcpc_core_arp(&h.c, h.now, buf, sizeof(buf), &h.o);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_CONFLICT);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_DECLINED);
    h_req(&h, &r);
    assert_int_equal(r.type, 4);
    assert_int_equal(r.req_ip, h.ip);
    assert_int_equal(r.server_id, h.srv);
    assert_false(h.o.apply);
    assert_int_equal(h.o.wake - h.now, S(10));
    h_fire(&h);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
#endif
}

static void test_dhcpc_core_release(void **state)
{
    struct h h;
    struct dt_req r;

    (void)state;
    h_init(&h);
    h_bind(&h, 600, 0, 0);
    lws__dhcpc_core_stop(&h.c, h.now, true, &h.o);
    h_req(&h, &r);
    assert_int_equal(r.type, 7);
    assert_int_equal(r.ciaddr, h.ip);
    assert_int_equal(r.server_id, h.srv);
    assert_int_equal(h.o.tx, LWS__DHCPC_TX_UNICAST);
    assert_int_equal(h.o.tx_dst, h.srv);
    assert_true(h.o.unapply);
    assert_true(h.o.forget);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_RELEASED);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_STOPPED);
    assert_int_equal(h.o.wake, 0);
    /* without release: no packet, the lease is still remembered */
    h_init(&h);
    h_bind(&h, 600, 0, 0);
    lws__dhcpc_core_stop(&h.c, h.now, false, &h.o);
    assert_int_equal(h.o.tx, LWS__DHCPC_TX_NONE);
    assert_false(h.o.forget);
    assert_true(h.o.unapply);
}

static void test_dhcpc_core_names(void **state)
{
    (void)state;
    assert_string_equal(lws_dhcpc_state_name(LWS_DHCPC_STATE_REBINDING),
                        "REBINDING");
    assert_string_equal(lws_dhcpc_state_name(99), "?");
    assert_string_equal(lws_dhcpc_event_name(LWS_DHCPC_EVENT_NAK), "NAK");
    assert_string_equal(lws_dhcpc_event_name(-1), "?");
    /* the ends of the packed tables */
    assert_string_equal(lws_dhcpc_state_name(LWS_DHCPC_STATE_STOPPED),
                        "STOPPED");
    assert_string_equal(lws_dhcpc_state_name(LWS_DHCPC_STATE_V6ONLY_WAIT),
                        "V6ONLY_WAIT");
    assert_string_equal(lws_dhcpc_state_name(LWS_DHCPC_STATE_COUNT), "?");
    assert_string_equal(lws_dhcpc_state_name(-1), "?");
    assert_string_equal(lws_dhcpc_event_name(LWS_DHCPC_EVENT_BOUND), "BOUND");
    assert_string_equal(lws_dhcpc_event_name(LWS_DHCPC_EVENT_V6ONLY), "V6ONLY");
    assert_string_equal(lws_dhcpc_event_name(LWS_DHCPC_EVENT_COUNT), "?");
}

/* ------------------------------------------------ RFC 8925, the policy */

static void test_dhcpc_codec_v6only(void **state)
{
    static const uint8_t three[] = {0, 0, 3};
    struct lws__dhcpc_msg pm;
    struct dt_msg m;
    struct dt_req r;
    struct h h;

    (void)state;
    /* asked for only when IPv6-only capable */
    for (int ask = 0; ask < 2; ask++) {
        h_init(&h);
        h.cfg.v6only = ask;
        lws__dhcpc_core_start(&h.c, h.now, &h.o);
        h_req(&h, &r);
        assert_int_equal(dt_req_prl_has(&r, 108), ask);
        assert_true(dt_req_prl_has(&r, 121));
    }
    /* four bytes: taken; any other length: ignored, message kept */
    dt_msg_reply(&m, 2, 1, mac, h.ip);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_opt32(&m, 108, 1800);
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &pm), 0);
    assert_true(pm.have & LWS__HAVE_V6ONLY);
    assert_int_equal(pm.v6only, 1800);
    dt_msg_reply(&m, 2, 1, mac, h.ip);
    dt_msg_opt32(&m, 54, h.srv);
    dt_msg_opt(&m, 108, three, sizeof(three));
    dt_msg_end(&m);
    assert_int_equal(lws__dhcpc_parse(m.buf, m.len, &pm), 0);
    assert_false(pm.have & LWS__HAVE_V6ONLY);
    assert_int_equal(pm.server_id, h.srv);
}

/* An OFFER with option 108 of @secs (-1: none) to a client in SELECTING;
 * rapid: a rapid-commit ACK instead. */
static void h_offer_v6only(struct h *h, int64_t secs, bool rapid)
{
    struct dt_msg m;
    struct dt_req r;

    lws__dhcpc_core_start(&h->c, h->now, &h->o);
    h_req(h, &r);
    dt_msg_reply(&m, rapid ? 5 : 2, r.xid, mac, h->ip);
    dt_msg_opt32(&m, 54, h->srv);
    dt_msg_opt32(&m, 51, 3600);
    if (rapid)
        dt_msg_opt(&m, 80, NULL, 0);
    if (secs >= 0)
        dt_msg_opt32(&m, 108, (uint32_t)secs);
    dt_msg_end(&m);
    h->now += MS(3);
    h_rx(h, &m);
}

static void test_dhcpc_core_v6only_wait(void **state)
{
    static const struct {
        bool ask, v6_ok, rapid;
        int64_t secs;    /* option 108, -1: absent (64 bits: 0xffffffff
                          * fits on 32-bit targets too) */
        int want_state;  /* after the OFFER / ACK */
        uint32_t wait_s; /* V6ONLY_WAIT's length */
    } rows[] = {
        /* RFC 8925 §3.2: not requested, wait for the option's time */
        {true, true, false, 1800, LWS_DHCPC_STATE_V6ONLY_WAIT, 1800},
        /* §3.4: at least MIN_V6ONLY_WAIT, 300 s (0 included) */
        {true, true, false, 0, LWS_DHCPC_STATE_V6ONLY_WAIT, 300},
        {true, true, false, 299, LWS_DHCPC_STATE_V6ONLY_WAIT, 300},
        {true, true, false, 300, LWS_DHCPC_STATE_V6ONLY_WAIT, 300},
        {true, true, false, 0xffffffffll, LWS_DHCPC_STATE_V6ONLY_WAIT,
         0xffffffffu},
        /* a rapid-commit ACK saying it is not taken either */
        {true, true, true, 600, LWS_DHCPC_STATE_V6ONLY_WAIT, 600},
        /* no working IPv6 on the link: IPv4 as usual */
        {true, false, false, 1800, LWS_DHCPC_STATE_REQUESTING, 0},
        {true, false, true, 1800, LWS_DHCPC_STATE_BOUND, 0},
        /* not IPv6-only capable (configured off): option ignored */
        {false, true, false, 1800, LWS_DHCPC_STATE_REQUESTING, 0},
        /* no option */
        {true, true, false, -1, LWS_DHCPC_STATE_REQUESTING, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lws_dhcpc_ifstate_t is;
        struct dt_req r;
        lws_usec_t at;
        struct h h;

        h_init(&h);
        h.cfg.v6only = rows[i].ask;
        h.c.v6_ok = rows[i].v6_ok;
        h_offer_v6only(&h, rows[i].secs, rows[i].rapid);
        assert_int_equal(h.c.state, rows[i].want_state);
        if (rows[i].want_state != LWS_DHCPC_STATE_V6ONLY_WAIT)
            continue;
        /* nothing sent, no address, no socket, reported */
        assert_int_equal(h.o.tx, LWS__DHCPC_TX_NONE);
        assert_false(h.o.apply);
        assert_false(h.c.have_lease);
        assert_false(lws__dhcpc_core_bound(&h.c));
        assert_int_equal(h.o.socks, 0);
        assert_int_equal(h.o.event, LWS_DHCPC_EVENT_V6ONLY);
        assert_int_equal(h.o.wake - h.now, S(rows[i].wait_s));
        memset(&is, 0, sizeof(is));
        lws__dhcpc_core_ifstate(&h.c, &h.c.lease, &is);
        assert_int_equal(is.v6only_secs, rows[i].wait_s);
        assert_int_equal(is.ipv4, 0);
        /* a stray OFFER while waiting changes nothing */
        at = h.o.wake;
        h_offer_v6only(&h, 1800, false);
        h.c.state = LWS_DHCPC_STATE_V6ONLY_WAIT; /* start() restarted */
        h.c.wake = at;
        h.o.wake = at;
        /* early wake-ups are ignored; at the end: DISCOVER again */
        lws__dhcpc_core_timer(&h.c, at - 1, &h.o);
        assert_int_equal(h.c.state, LWS_DHCPC_STATE_V6ONLY_WAIT);
        assert_int_equal(h.o.tx, LWS__DHCPC_TX_NONE);
        h.now = at;
        lws__dhcpc_core_timer(&h.c, h.now, &h.o);
        assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
        h_req(&h, &r);
        assert_int_equal(r.type, 1);
        assert_true(dt_req_prl_has(&r, 108));
    }
}

static void test_dhcpc_core_v6only_link_down(void **state)
{
    struct dt_req r;
    struct h h;

    (void)state;
    h_init(&h);
    h.cfg.v6only = true;
    h.c.v6_ok = true;
    h_offer_v6only(&h, 1800, false);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_V6ONLY_WAIT);
    /* a new attachment (link down, up) starts over at once */
    lws__dhcpc_core_link(&h.c, h.now, false, &h.o);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_LINK_DOWN);
    assert_int_equal(h.o.wake, 0);
    lws__dhcpc_core_link(&h.c, h.now, true, &h.o);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_SELECTING);
    h_req(&h, &r);
    assert_int_equal(r.type, 1);
}

/* RFC 8925 §3.2 in INIT-REBOOT: an ACK carrying option 108 is not taken,
 * the remembered lease (here one still held across a link flap) is
 * dropped and forgotten. */
static void test_dhcpc_core_v6only_init_reboot(void **state)
{
    struct dt_msg m;
    struct dt_req r;
    struct h h;

    (void)state;
    h_init(&h);
    h.cfg.v6only = true;
    h_bind(&h, 3600, 0, 0);
    lws__dhcpc_core_link(&h.c, h.now, false, &h.o);
    h.c.v6_ok = true;
    lws__dhcpc_core_link(&h.c, h.now, true, &h.o);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_INIT_REBOOT);
    h_req(&h, &r);
    assert_true(dt_req_prl_has(&r, 108));
    dt_msg_std(&m, 5, r.xid, mac, h.ip, h.srv, 3600, 0, 0);
    m.len--; /* END off: 108 after the standard options */
    dt_msg_opt32(&m, 108, 900);
    dt_msg_end(&m);
    h_rx(&h, &m);
    assert_int_equal(h.c.state, LWS_DHCPC_STATE_V6ONLY_WAIT);
    assert_int_equal(h.o.event, LWS_DHCPC_EVENT_V6ONLY);
    assert_true(h.o.unapply);
    assert_true(h.o.forget);
    assert_false(h.c.have_lease);
    assert_int_equal(h.c.reboot_ip, 0);
    assert_int_equal(h.o.wake - h.now, S(900));
}

static void test_dhcpc_policy_table(void **state)
{
    enum {
        R = LWS_DHCPC_V6_ROUTER,
        A = LWS_DHCPC_V6_ADDR,
        D = LWS_DHCPC_V6_DNS
    };
    static const struct {
        int policy;
        bool v4;
        unsigned v6;
        bool ok;
    } rows[] = {
        {LWS_DHCPC_POLICY_EITHER, false, 0, false},
        {LWS_DHCPC_POLICY_EITHER, true, 0, true},
        {LWS_DHCPC_POLICY_EITHER, false, R | A | D, true},
        {LWS_DHCPC_POLICY_EITHER, false, R | A, false}, /* no DNS */
        {LWS_DHCPC_POLICY_EITHER, false, A | D, false}, /* no router */
        {LWS_DHCPC_POLICY_EITHER, false, R | D, false}, /* no address */
        {LWS_DHCPC_POLICY_EITHER, true, R | A | D, true},
        {LWS_DHCPC_POLICY_V4, false, R | A | D, false},
        {LWS_DHCPC_POLICY_V4, true, 0, true},
        {LWS_DHCPC_POLICY_V6, true, R | A, false},
        {LWS_DHCPC_POLICY_V6, false, R | A | D, true},
        {LWS_DHCPC_POLICY_V6, true, R | A | D, true},
        {LWS_DHCPC_POLICY_BOTH, true, R | A, false},
        {LWS_DHCPC_POLICY_BOTH, false, R | A | D, false},
        {LWS_DHCPC_POLICY_BOTH, true, R | A | D, true},
        {LWS_DHCPC_POLICY_BOTH, true, 0xff, true}, /* unknown bits */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(
            lws__dhcpc_policy_ok(rows[i].policy, rows[i].v4, rows[i].v6),
            rows[i].ok);
}

/* ------------------------------------------------------------ API / OOM */

static struct lws_context *api_context(void)
{
    struct lws_context_creation_info info;
    static struct lws_dhcpc_info di;

    memset(&info, 0, sizeof(info));
    memset(&di, 0, sizeof(di));
    di.no_link_monitor = 1;
    di.no_builtin_apply = 1;
    info.dhcpc = &di;
    return lws_create_context(&info);
}

static void test_dhcpc_api_args(void **state)
{
    struct lws_context *cx;
    lws_dhcpc_ifstate_t is;
    lws_sockaddr46 sa;

    (void)state;
    cx = api_context();
    assert_non_null(cx);
    assert_int_equal(lws_dhcpc_request(cx, NULL, AF_INET, NULL, NULL), 1);
    assert_int_equal(lws_dhcpc_request(cx, "", AF_INET, NULL, NULL), 1);
    assert_int_equal(
        lws_dhcpc_request(cx, "a-name-far-too-long0", AF_INET, NULL, NULL), 1);
    assert_int_equal(lws_dhcpc_request(cx, "x0", AF_INET6, NULL, NULL), 1);
    assert_int_equal(lws_dhcpc_request(NULL, "x0", AF_INET, NULL, NULL), 1);
    assert_int_equal(lws_dhcpc_request(cx, "lwsnone0", AF_INET, NULL, NULL), 0);
    assert_int_equal(lws_dhcpc_request(cx, "lwsnone0", 0, NULL, NULL), 0);
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_int_equal(is.state, LWS_DHCPC_STATE_STOPPED);
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "other", &is), -ENOENT);
    assert_int_equal(lws_dhcpc_status(cx, &sa), 0);
    assert_int_equal(lws_dhcpc_remove(cx, "other"), 1);
    assert_int_equal(lws_dhcpc_remove(cx, "lwsnone0"), 0);
    assert_int_equal(lws_dhcpc_remove(cx, NULL), 1);
    assert_int_equal(lws_dhcpc_request(cx, "lwsnone1", AF_INET, NULL, NULL), 0);
    lws_context_destroy(cx); /* frees the pending request */
}

/* The policy through the API: IPv6 news of the interface (what the RA
 * client and DHCPv6 publish) decides "usable" as the policy says. */
static void test_dhcpc_api_policy(void **state)
{
    static const lws_sockaddr46 dns6 = {.sa6 = {.sin6_family = AF_INET6}};
    struct lws_context *cx;
    lws_dhcpc_ifstate_t is;

    (void)state;
    cx = api_context();
    assert_non_null(cx);
    assert_int_equal(
        lws_dhcpc_request_ex(
            cx, &(lws_dhcpc_req_t){.iface = "lwsnone0", .policy = 4}),
        1);
    assert_int_equal(lws_dhcpc_request_ex(cx, NULL), 1);
    assert_int_equal(lws_dhcpc_request_ex(
                         cx, &(lws_dhcpc_req_t){.iface = "lwsnone0",
                                                .policy = LWS_DHCPC_POLICY_V6}),
                     0);
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_int_equal(is.policy, LWS_DHCPC_POLICY_V6);
    assert_int_equal(is.v6, 0);
    assert_int_equal(is.usable, 0);
    lws__news_publish(
        cx, &(struct lws__news){.kind = LWS__NEWS_IP6,
                                .iface = "lwsnone0",
                                .v6 = LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR});
    lws__news_publish(
        cx,
        &(struct lws__news){.kind = LWS__NEWS_IP6, .iface = "other0", .v6 = 0});
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_int_equal(is.v6, LWS_DHCPC_V6_ROUTER | LWS_DHCPC_V6_ADDR);
    assert_int_equal(is.usable, 0); /* no DNS yet */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                              .iface = "lwsnone0",
                                              .sa46 = &dns6,
                                              .n = 1});
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_int_equal(is.v6, 7);
    assert_int_equal(is.usable, 1);
    /* the same interface again: only the policy changes */
    assert_int_equal(lws_dhcpc_request_ex(
                         cx, &(lws_dhcpc_req_t){.iface = "lwsnone0",
                                                .policy = LWS_DHCPC_POLICY_V4}),
                     0);
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_int_equal(is.usable, 0);
    assert_int_equal(is.v6, 7);
    /* the servers go away: not usable by v6 any more */
    lws__news_publish(cx, &(struct lws__news){.kind = LWS__NEWS_DNS6_SERVERS,
                                              .iface = "lwsnone0"});
    assert_int_equal(
        lws_dhcpc_request_ex(
            cx, &(lws_dhcpc_req_t){.iface = "lwsnone0",
                                   .policy = LWS_DHCPC_POLICY_EITHER}),
        0);
    assert_int_equal(lws_dhcpc_get_ifstate(cx, "lwsnone0", &is), 0);
    assert_int_equal(is.v6, 3);
    assert_int_equal(is.usable, 0);
    lws_context_destroy(cx);
}

static void test_dhcpc_api_oom(void **state)
{
    size_t base = lws__heap_in_use();
    int ok = 0;

    (void)state;
    for (long n = 1; n < 200 && !ok; n++) {
        struct lws_context *cx;
        int r;

        lws__alloc_fail_nth(n);
        cx = api_context();
        if (!cx) {
            lws__alloc_fail_nth(0);
            assert_int_equal(lws__heap_in_use(), base);
            continue;
        }
        r = lws_dhcpc_request(cx, "lwsnone0", AF_INET, NULL, NULL);
        lws__alloc_fail_nth(0);
        if (!r) {
            lws_service(cx, 0); /* the deferred first step runs */
            ok = 1;
        }
        lws_context_destroy(cx);
        assert_int_equal(lws__heap_in_use(), base);
    }
    lws__alloc_fail_nth(0);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcpc_codec_builds_discover),
        cmocka_unit_test(test_dhcpc_codec_client_id_mac),
        cmocka_unit_test(test_dhcpc_codec_parses_offer),
        cmocka_unit_test(test_dhcpc_codec_rejects_broken),
        cmocka_unit_test(test_dhcpc_codec_overload),
        cmocka_unit_test(test_dhcpc_codec_rfc3396_split),
        cmocka_unit_test(test_dhcpc_codec_bad_121_ignored),
        cmocka_unit_test(test_dhcpc_codec_ip4udp),
        cmocka_unit_test(test_dhcpc_codec_arp),
        cmocka_unit_test(test_dhcpc_codec_v6only),
        cmocka_unit_test(test_dhcpc_core_v6only_wait),
        cmocka_unit_test(test_dhcpc_core_v6only_link_down),
        cmocka_unit_test(test_dhcpc_core_v6only_init_reboot),
        cmocka_unit_test(test_dhcpc_policy_table),
        cmocka_unit_test(test_dhcpc_api_policy),
        cmocka_unit_test(test_dhcpc_core_dora_and_timers),
        cmocka_unit_test(test_dhcpc_core_renew_ack),
        cmocka_unit_test(test_dhcpc_core_rebind_ack),
        cmocka_unit_test(test_dhcpc_core_retransmit_backoff),
        cmocka_unit_test(test_dhcpc_core_retransmit_fast_phase),
        cmocka_unit_test(test_dhcpc_core_request_gives_up),
        cmocka_unit_test(test_dhcpc_core_initial_delay),
        cmocka_unit_test(test_dhcpc_core_rapid_commit),
        cmocka_unit_test(test_dhcpc_core_refuses_bad_replies),
        cmocka_unit_test(test_dhcpc_core_t1_t2_sanity),
        cmocka_unit_test(test_dhcpc_core_lease_contents_checked),
        cmocka_unit_test(test_dhcpc_core_server_id_unicast),
        cmocka_unit_test(test_dhcpc_core_slash32_slash31_and_apply_backoff),
        cmocka_unit_test(test_dhcpc_core_nak),
        cmocka_unit_test(test_dhcpc_core_nak_while_renewing),
        cmocka_unit_test(test_dhcpc_core_init_reboot),
        cmocka_unit_test(test_dhcpc_core_link_down_up),
        cmocka_unit_test(test_dhcpc_core_acd),
        cmocka_unit_test(test_dhcpc_core_release),
        cmocka_unit_test(test_dhcpc_core_names),
        cmocka_unit_test(test_dhcpc_api_args),
        cmocka_unit_test(test_dhcpc_api_oom),
    };

    return cmocka_run_group_tests_name("dhcpc", tests, NULL, NULL);
}
