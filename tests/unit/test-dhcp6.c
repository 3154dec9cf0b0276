/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCPv6 client unit tests: the codec with a table of crafted server
 * messages (every option we read, broken framing that drops the message,
 * broken options that are dropped alone) and the messages we build; the
 * sans-I/O core on a virtual clock: RFC 8415 §15 retransmission (IRT,
 * doubling, MRT, MRC, the ±10 % factor), stateless information with its
 * refresh, Solicit / Advertise (preference, 255, the first RT) / Request /
 * Reply, Rapid Commit, Renew at T1, Rebind at T2, expiry, Release on stop,
 * and a table of replies that must be dropped or refused (transaction id,
 * client id, server id, type, status codes).  The out struct is filled
 * with garbage before every core call: each assertion on it checks the
 * reset too.
 */
#include "private-dhcp6-pure.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define S(x)  ((lws_usec_t)(x)*LWS_US_PER_SEC)
#define MS(x) ((lws_usec_t)(x)*1000)

static const uint8_t our_duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1};
static const uint8_t srv_a[] = {0, 3, 0, 1, 0xaa, 0, 0, 0, 0, 1};
static const uint8_t srv_b[] = {0, 3, 0, 1, 0xbb, 0, 0, 0, 0, 2};
#define IAID 7

/* ------------------------------------------------------------------------
 * Building server messages
 */

struct pkt {
    uint8_t b[1500];
    size_t len;
};

static void put(struct pkt *p, const void *d, size_t n)
{
    assert_true(p->len + n <= sizeof(p->b));
    if (n) /* an empty option passes NULL */
        memcpy(p->b + p->len, d, n);
    p->len += n;
}

static void put16(struct pkt *p, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

    put(p, b, 2);
}

static void put32(struct pkt *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p, (uint16_t)v);
}

static void put_ip(struct pkt *p, const char *s)
{
    uint8_t a[16];

    assert_int_equal(inet_pton(AF_INET6, s, a), 1);
    put(p, a, 16);
}

static void opt(struct pkt *p, uint16_t code, const void *d, size_t n)
{
    put16(p, code);
    put16(p, (uint16_t)n);
    put(p, d, n);
}

static void hdr(struct pkt *p, uint8_t type, uint32_t xid)
{
    p->len = 0;
    put32(p, (uint32_t)type << 24 | xid);
}

/* IA_NA with one IAADDR (@addr NULL: none) and an IA status (-1: none). */
static void opt_ia(struct pkt *p, uint32_t iaid, uint32_t t1, uint32_t t2,
                   const char *addr, uint32_t pref, uint32_t valid, int st)
{
    put16(p, 3);
    put16(p, (uint16_t)(12 + (addr ? 28 : 0) + (st >= 0 ? 6 : 0)));
    put32(p, iaid);
    put32(p, t1);
    put32(p, t2);
    if (addr) {
        put16(p, 5);
        put16(p, 24);
        put_ip(p, addr);
        put32(p, pref);
        put32(p, valid);
    }
    if (st >= 0) {
        put16(p, 13);
        put16(p, 2);
        put16(p, (uint16_t)st);
    }
}

static void opt_status(struct pkt *p, uint16_t code)
{
    put16(p, 13);
    put16(p, 4);
    put16(p, code);
    put(p, "no", 2);
}

/* A full reply: our client id, server @sid, DNS, domains, SNTP, NTP
 * (address and FQDN sub-options), the portal URI. */
static void msg_full(struct pkt *p, uint8_t type, uint32_t xid,
                     const uint8_t *sid, const char *addr)
{
    static const uint8_t dom[] = "\3lws\4test\0\7example\3lan\0";
    static const uint8_t fq[] = "\3ntp\3lws\4test\0";

    hdr(p, type, xid);
    opt(p, 1, our_duid, sizeof(our_duid));
    opt(p, 2, sid, 10);
    if (addr)
        opt_ia(p, IAID, 300, 480, addr, 600, 900, -1);
    put16(p, 23);
    put16(p, 32);
    put_ip(p, "2001:db8::53");
    put_ip(p, "2001:db8::54");
    opt(p, 24, dom, sizeof(dom) - 1);
    put16(p, 31);
    put16(p, 16);
    put_ip(p, "2001:db8::123");
    put16(p, 56);
    put16(p, 20 + 4 + (uint16_t)(sizeof(fq) - 1));
    put16(p, 1);
    put16(p, 16);
    put_ip(p, "2001:db8::124");
    put16(p, 3);
    put16(p, (uint16_t)(sizeof(fq) - 1));
    put(p, fq, sizeof(fq) - 1);
    opt(p, 103, "https://p.lws.test/x", 20);
}

/* ------------------------------------------------------------------------
 * Codec
 */

static void test_parse_full(void **state)
{
    struct lws__d6_msg m;
    struct pkt p;
    char a[48];

    (void)state;
    msg_full(&p, LWS__D6_REPLY, 0x123456, srv_a, "2001:db8::1:5");
    opt(&p, 7, "\x09", 1);
    opt(&p, 14, NULL, 0);
    assert_int_equal(lws__d6_parse(p.b, p.len, IAID, &m), 0);
    assert_int_equal(m.type, LWS__D6_REPLY);
    assert_int_equal(m.xid, 0x123456);
    assert_int_equal(m.cid_len, sizeof(our_duid));
    assert_memory_equal(m.sid, srv_a, 10);
    assert_int_equal(m.pref, 9);
    assert_true(m.rapid_commit);
    assert_true(m.have_ia);
    assert_int_equal(m.t1_s, 300);
    assert_int_equal(m.t2_s, 480);
    assert_int_equal(m.naddr, 1);
    inet_ntop(AF_INET6, m.addr[0].addr, a, sizeof(a));
    assert_string_equal(a, "2001:db8::1:5");
    assert_int_equal(m.addr[0].preferred_s, 600);
    assert_int_equal(m.addr[0].valid_s, 900);
    assert_int_equal(m.status, LWS__D6_ST_NONE);
    assert_int_equal(m.info.ndns, 2);
    inet_ntop(AF_INET6, m.info.dns[1], a, sizeof(a));
    assert_string_equal(a, "2001:db8::54");
    assert_int_equal(m.info.ndomain, 2);
    assert_string_equal(m.info.domain[0], "lws.test");
    assert_string_equal(m.info.domain[1], "example.lan");
    assert_int_equal(m.info.nntp, 2); /* option 31's, then 56's address */
    inet_ntop(AF_INET6, m.info.ntp[1], a, sizeof(a));
    assert_string_equal(a, "2001:db8::124");
    assert_int_equal(m.info.nntp_fqdn, 1);
    assert_string_equal(m.info.ntp_fqdn[0], "ntp.lws.test");
    assert_string_equal(m.info.captive, "https://p.lws.test/x");
}

/* Broken messages and options: the expected parse result and what is
 * left of the message. */
struct parse_case {
    const char *name;
    void (*build)(struct pkt *p);
    int ret;
    int ndns, ndomain, naddr, nntp;
    bool have_ia;
};

static void b_short(struct pkt *p)
{
    p->len = 0;
    put16(p, 0x0200);
}
static void b_overrun(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    put16(p, 23);
    put16(p, 40); /* 40 bytes announced, 16 present */
    put_ip(p, "2001:db8::53");
}
static void b_half_hdr(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    put16(p, 23);
}
static void b_client_type(struct pkt *p)
{
    hdr(p, LWS__D6_SOLICIT, 1);
}
static void b_dns_len(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    put16(p, 23);
    put16(p, 17);
    put_ip(p, "2001:db8::53");
    put(p, "x", 1);
    opt(p, 24, "\3lws\4test\0", 10);
}
static void b_dns_hostile(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    put16(p, 23);
    put16(p, 48);
    put_ip(p, "::1");
    put_ip(p, "::");
    put_ip(p, "2001:db8::53");
    put16(p, 31);
    put16(p, 16);
    put_ip(p, "ff02::1"); /* an SNTP server that is multicast */
}
static void b_domain_ptr(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    opt(p, 24, "\3lws\0\xc0\x0c", 7); /* compression: rest ignored */
}
static void b_duid_long(struct pkt *p)
{
    uint8_t d[131] = {0, 3};

    hdr(p, LWS__D6_REPLY, 1);
    opt(p, 2, d, sizeof(d));
}
static void b_ia_other(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    opt_ia(p, IAID + 1, 1, 2, "2001:db8::9", 10, 20, -1);
}
static void b_ia_badlife(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    opt_ia(p, IAID, 1, 2, "2001:db8::9", 30, 20, -1); /* pref > valid */
}
static void b_ia_ll(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    opt_ia(p, IAID, 1, 2, "fe80::9", 10, 20, -1);
}
static void b_ia_inner_overrun(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    put16(p, 3);
    put16(p, 16);
    put32(p, IAID);
    put32(p, 0);
    put32(p, 0);
    put16(p, 5);
    put16(p, 24); /* IAADDR past the IA_NA's end */
}
static void b_ntp_bad(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    put16(p, 56);
    put16(p, 4 + 8 + 4 + 16 + 4 + 16);
    put16(p, 1);
    put16(p, 8); /* an address of 8 bytes: sub-option ignored */
    put32(p, 0);
    put32(p, 0);
    put16(p, 2);
    put16(p, 16);
    put_ip(p, "ff05::101"); /* multicast sub-option: kept */
    put16(p, 2);
    put16(p, 16);
    put_ip(p, "2001:db8::1"); /* "multicast" that is not: ignored */
}
static void b_uri_bad(struct pkt *p)
{
    hdr(p, LWS__D6_REPLY, 1);
    opt(p, 103, "http://a b", 10);
}

static const struct parse_case parse_cases[] = {
    {"shorter than a header", b_short, -EINVAL, 0, 0, 0, 0, false},
    {"option past the end", b_overrun, -EINVAL, 0, 0, 0, 0, false},
    {"half an option header", b_half_hdr, -EINVAL, 0, 0, 0, 0, false},
    {"a client's message type", b_client_type, -EINVAL, 0, 0, 0, 0, false},
    {"DNS list not 16n: ignored alone", b_dns_len, 0, 0, 1, 0, 0, false},
    {"loopback, unspecified DNS, multicast SNTP: dropped", b_dns_hostile, 0, 1,
     0, 0, 0, false},
    {"compressed domain name", b_domain_ptr, 0, 0, 1, 0, 0, false},
    {"DUID of 131 bytes", b_duid_long, -EPROTO, 0, 0, 0, 0, false},
    {"IA_NA of another IAID", b_ia_other, 0, 0, 0, 0, 0, false},
    {"IAADDR preferred > valid", b_ia_badlife, 0, 0, 0, 0, 0, true},
    {"IAADDR link-local", b_ia_ll, 0, 0, 0, 0, 0, true},
    {"IAADDR past its IA_NA", b_ia_inner_overrun, -EINVAL, 0, 0, 0, 0, false},
    {"NTP sub-option of 8 bytes", b_ntp_bad, 0, 0, 0, 0, 1, false},
    {"URI with a space", b_uri_bad, 0, 0, 0, 0, 0, false},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *pc = &parse_cases[i];
        struct lws__d6_msg m;
        struct pkt p;
        int r;

        memset(&p, 0, sizeof(p));
        pc->build(&p);
        r = lws__d6_parse(p.b, p.len, IAID, &m);
        print_message("%s\n", pc->name);
        assert_int_equal(r, pc->ret);
        if (r)
            continue;
        assert_int_equal(m.info.ndns, pc->ndns);
        assert_int_equal(m.info.ndomain, pc->ndomain);
        assert_int_equal(m.naddr, pc->naddr);
        assert_int_equal(m.info.nntp, pc->nntp);
        assert_int_equal(m.have_ia, pc->have_ia);
        assert_string_equal(m.info.captive, "");
    }
}

/* Finds option @code at the top level of a message we built; its length
 * in *@len, or NULL. */
static const uint8_t *find_opt(const uint8_t *b, size_t n, uint16_t code,
                               size_t *len)
{
    size_t i = 4;

    while (i + 4 <= n) {
        uint16_t c = (uint16_t)(b[i] << 8 | b[i + 1]);
        uint16_t l = (uint16_t)(b[i + 2] << 8 | b[i + 3]);

        assert_true(i + 4 + l <= n);
        if (c == code) {
            *len = l;
            return b + i + 4;
        }
        i += 4u + l;
    }
    return NULL;
}

static void test_build(void **state)
{
    uint8_t b[LWS__D6_TX_MAX], addr[16] = {0x20, 1, 0xd, 0xb8, [15] = 5};
    const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    struct lws__d6_tx t = {.type = LWS__D6_SOLICIT,
                           .xid = 0xabcdef,
                           .elapsed_cs = 150,
                           .cid = our_duid,
                           .cid_len = sizeof(our_duid),
                           .ia = true,
                           .iaid = IAID,
                           .rapid_commit = true,
                           .oro = true};
    const uint8_t *o;
    uint8_t duid[14];
    size_t len;
    int n;

    (void)state;
    assert_int_equal(lws__d6_duid(duid, mac, 0), 10); /* DUID-LL */
    assert_memory_equal(duid, our_duid, 10);
    assert_int_equal(lws__d6_duid(duid, mac, 0x01020304), 14); /* LLT */
    assert_memory_equal(duid, "\0\1\0\1\1\2\3\4\2\0\0\0\0\1", 14);

    n = lws__d6_build(b, sizeof(b), &t);
    assert_true(n > 0);
    assert_memory_equal(b, "\x01\xab\xcd\xef", 4);
    assert_non_null(o = find_opt(b, (size_t)n, 1, &len));
    assert_int_equal(len, 10);
    assert_null(find_opt(b, (size_t)n, 2, &len));
    assert_non_null(o = find_opt(b, (size_t)n, 8, &len));
    assert_int_equal(o[0] << 8 | o[1], 150);
    assert_non_null(o = find_opt(b, (size_t)n, 3, &len));
    assert_int_equal(len, 12);
    assert_non_null(find_opt(b, (size_t)n, 14, &len));
    assert_non_null(o = find_opt(b, (size_t)n, 6, &len));
    assert_int_equal(len, 10); /* 23 24 31 56 103, no 32 */
    assert_memory_equal(o, "\0\x17\0\x18\0\x1f\0\x38\0\x67", 10);

    t.type = LWS__D6_INFO_REQ;
    t.ia = t.rapid_commit = false;
    n = lws__d6_build(b, sizeof(b), &t);
    assert_null(find_opt(b, (size_t)n, 3, &len));
    assert_non_null(o = find_opt(b, (size_t)n, 6, &len));
    assert_int_equal(len, 12); /* and 32 */

    t.type = LWS__D6_RELEASE;
    t.ia = true;
    t.oro = false;
    t.addr = addr;
    t.sid = srv_a;
    t.sid_len = 10;
    n = lws__d6_build(b, sizeof(b), &t);
    assert_non_null(o = find_opt(b, (size_t)n, 2, &len));
    assert_memory_equal(o, srv_a, 10);
    assert_non_null(o = find_opt(b, (size_t)n, 3, &len));
    assert_int_equal(len, 12 + 28);
    assert_memory_equal(o + 16, addr, 16);
    assert_null(find_opt(b, (size_t)n, 6, &len));
    assert_int_equal(lws__d6_build(b, 20, &t), -ENOSPC);
}

/* ------------------------------------------------------------------------
 * Core on a virtual clock
 */

static uint32_t rnd_val = 1000; /* 1000: no jitter; 0: -10 %; 2000: +10 % */

static uint32_t t_rand(void *ctx)
{
    (void)ctx;
    return rnd_val;
}

struct t {
    struct lws__d6_cfg cfg;
    struct lws__d6_core c;
    struct lws__d6_out o;
    lws_usec_t now;
};

static void garbage(struct t *t)
{
    memset(&t->o, 0xa5, sizeof(t->o));
}

static void t_init(struct t *t)
{
    memset(t, 0, sizeof(*t));
    memcpy(t->cfg.duid, our_duid, sizeof(our_duid));
    t->cfg.duid_len = sizeof(our_duid);
    t->cfg.iaid = IAID;
    t->now = S(100);
    rnd_val = 1000;
    lws__d6_core_init(&t->c, &t->cfg, t_rand, NULL);
}

static void t_ra(struct t *t, uint8_t flags)
{
    garbage(t);
    lws__d6_core_ra(&t->c, t->now, flags, &t->o);
}

static void t_timer(struct t *t)
{
    garbage(t);
    lws__d6_core_timer(&t->c, t->now, &t->o);
}

/* Moves the clock to the wake time and runs the timer. */
static void t_wake(struct t *t)
{
    assert_true(t->o.wake >= t->now);
    t->now = t->o.wake;
    t_timer(t);
}

static void t_rx(struct t *t, const struct pkt *p)
{
    garbage(t);
    lws__d6_core_rx(&t->c, t->now, p->b, p->len, &t->o);
}

static uint8_t sent_type(const struct t *t)
{
    assert_true(t->o.len >= 4);
    return t->o.pkt[0];
}

static uint32_t sent_xid(const struct t *t)
{
    return (uint32_t)(t->o.pkt[1] << 16 | t->o.pkt[2] << 8 | t->o.pkt[3]);
}

/* Solicit, then an Advertise of preference 255 from srv_a: the core is
 * in REQUEST, its Request just sent. */
static void to_request(struct t *t)
{
    struct pkt p;

    t_ra(t, LWS__RA6_F_MANAGED);
    t_wake(t);
    hdr(&p, LWS__D6_ADVERTISE, sent_xid(t));
    opt(&p, 1, our_duid, sizeof(our_duid));
    opt(&p, 2, srv_a, 10);
    opt(&p, 7, "\xff", 1);
    opt_ia(&p, IAID, 0, 0, "2001:db8::d", 100, 200, -1);
    t_rx(t, &p);
    assert_int_equal(t->c.state, LWS__D6_S_REQUEST);
}

static void test_stateless_info_and_refresh(void **state)
{
    struct pkt p;
    struct t t;

    (void)state;
    t_init(&t);
    t_ra(&t, LWS__RA6_F_OTHER);
    assert_int_equal(t.c.state, LWS__D6_S_INFO);
    assert_int_equal(t.o.len, 0);
    assert_int_equal(t.o.wake, t.now + MS(1000 % 1001)); /* INF_MAX_DELAY */
    t_wake(&t);
    assert_int_equal(sent_type(&t), LWS__D6_INFO_REQ);
    /* RFC 8415 §15: IRT 1 s, doubling, MRT 3600 s, no MRC */
    {
        lws_usec_t rt = S(1), start = t.now;
        int n = 0;

        for (; n < 16; n++) {
            assert_int_equal(t.o.wake - t.now, rt);
            t_wake(&t);
            assert_int_equal(sent_type(&t), LWS__D6_INFO_REQ);
            rt = rt * 2 > S(3600) ? S(3600) : rt * 2;
        }
        assert_int_equal(t.o.wake - t.now, S(3600));
        /* elapsed time of the last one: centiseconds since the first,
         * capped at 0xffff */
        assert_true(t.now - start > S(655));
        {
            size_t len;
            const uint8_t *o = find_opt(t.o.pkt, t.o.len, 8, &len);

            assert_non_null(o);
            assert_int_equal(o[0] << 8 | o[1], 0xffff);
        }
    }
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_a, NULL);
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_STATELESS);
    assert_true(t.o.changed & LWS__D6_CH_INFO);
    assert_false(t.o.unapply);
    assert_int_equal(t.o.len, 0);
    assert_int_equal(t.c.info.ndns, 2);
    assert_int_equal(t.o.wake, t.now + S(86400)); /* IRT_DEFAULT */
    /* the refresh asks again, and option 32 below 600 s means 600 s */
    t_wake(&t);
    assert_int_equal(t.c.state, LWS__D6_S_INFO);
    assert_int_equal(sent_type(&t), LWS__D6_INFO_REQ);
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_a, NULL);
    opt(&p, 32, "\0\0\0\x64", 4);
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_STATELESS);
    assert_int_equal(t.o.changed & LWS__D6_CH_INFO, 0); /* same info */
    assert_int_equal(t.o.wake, t.now + S(600));
    /* M appearing later starts the stateful exchange */
    t_ra(&t, LWS__RA6_F_MANAGED | LWS__RA6_F_OTHER);
    assert_int_equal(t.c.state, LWS__D6_S_SOLICIT);
    /* stop forgets the information */
    garbage(&t);
    lws__d6_core_stop(&t.c, &t.o);
    assert_true(t.o.changed & LWS__D6_CH_INFO);
    assert_int_equal(t.o.len, 0); /* no lease: no Release */
    assert_int_equal(t.o.wake, 0);
    assert_int_equal(t.c.info.ndns, 0);
}

/* Solicit with the RT jitter at both ends, Advertises collected for the
 * first RT, the best preference requested. */
static void solicit_to_bound(struct t *t, const char *addr)
{
    struct pkt p;
    size_t len;
    const uint8_t *o;
    uint32_t xid;

    t_ra(t, LWS__RA6_F_MANAGED);
    assert_int_equal(t->c.state, LWS__D6_S_SOLICIT);
    t_wake(t);
    assert_int_equal(sent_type(t), LWS__D6_SOLICIT);
    assert_non_null(find_opt(t->o.pkt, t->o.len, 14, &len)); /* rapid */
    xid = sent_xid(t);
    hdr(&p, LWS__D6_ADVERTISE, xid);
    opt(&p, 1, our_duid, sizeof(our_duid));
    opt(&p, 2, srv_a, 10);
    opt_ia(&p, IAID, 0, 0, "2001:db8::a", 100, 200, -1);
    t_rx(t, &p); /* preference 0: wait for the first RT */
    assert_int_equal(t->c.state, LWS__D6_S_SOLICIT);
    assert_int_equal(t->o.len, 0);
    hdr(&p, LWS__D6_ADVERTISE, xid);
    opt(&p, 1, our_duid, sizeof(our_duid));
    opt(&p, 2, srv_b, 10);
    opt(&p, 7, "\5", 1);
    opt_ia(&p, IAID, 0, 0, addr, 100, 200, -1);
    t_rx(t, &p);
    assert_int_equal(t->c.state, LWS__D6_S_SOLICIT);
    t_wake(t); /* the first RT ends: Request to the preferred one */
    assert_int_equal(t->c.state, LWS__D6_S_REQUEST);
    assert_int_equal(sent_type(t), LWS__D6_REQUEST);
    assert_non_null(o = find_opt(t->o.pkt, t->o.len, 2, &len));
    assert_memory_equal(o, srv_b, 10);
    assert_non_null(o = find_opt(t->o.pkt, t->o.len, 3, &len));
    assert_int_equal(len, 40); /* the advertised address in it */
    msg_full(&p, LWS__D6_REPLY, sent_xid(t), srv_b, addr);
    t_rx(t, &p);
    assert_int_equal(t->c.state, LWS__D6_S_BOUND);
    assert_true(t->o.changed & LWS__D6_CH_ADDR);
    assert_true(t->o.changed & LWS__D6_CH_INFO);
    assert_false(t->c.rapid);
}

static void test_stateful_renew_rebind_expire(void **state)
{
    uint8_t a[16];
    struct pkt p;
    size_t len;
    struct t t;

    (void)state;
    t_init(&t);
    rnd_val = 2000; /* +10 %: the first Solicit's RT is above IRT */
    solicit_to_bound(&t, "2001:db8::b");
    inet_pton(AF_INET6, "2001:db8::b", a);
    assert_memory_equal(t.c.addr, a, 16);
    assert_int_equal(t.c.t1_s, 300);
    assert_int_equal(t.c.t2_s, 480);
    assert_int_equal(t.o.wake, t.now + S(300));
    /* T1: Renew to the server, with its id */
    t_wake(&t);
    assert_int_equal(t.c.state, LWS__D6_S_RENEW);
    assert_int_equal(sent_type(&t), LWS__D6_RENEW);
    assert_non_null(find_opt(t.o.pkt, t.o.len, 2, &len));
    assert_int_equal(t.o.wake - t.now, S(10) + S(10) / 10); /* REN_TIMEOUT */
    /* a Reply from another server to a Renew: dropped */
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_a, "2001:db8::b");
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_RENEW);
    assert_int_equal(t.c.dropped, 1);
    /* retransmissions until T2, then Rebind without a server id */
    while (t.c.state == LWS__D6_S_RENEW)
        t_wake(&t);
    assert_int_equal(t.c.state, LWS__D6_S_REBIND);
    assert_int_equal(sent_type(&t), LWS__D6_REBIND);
    assert_null(find_opt(t.o.pkt, t.o.len, 2, &len));
    /* no answer until the valid lifetime ends: the address goes */
    while (t.c.state == LWS__D6_S_REBIND)
        t_wake(&t);
    assert_true(t.o.unapply);
    assert_memory_equal(t.o.old_addr, a, 16);
    assert_int_equal(t.c.state, LWS__D6_S_SOLICIT);
    assert_int_equal(sent_type(&t), LWS__D6_SOLICIT);
}

static void test_renew_reply_extends_and_release(void **state)
{
    struct pkt p;
    size_t len;
    const uint8_t *o;
    struct t t;

    (void)state;
    t_init(&t);
    solicit_to_bound(&t, "2001:db8::c");
    t_wake(&t);
    assert_int_equal(t.c.state, LWS__D6_S_RENEW);
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_b, "2001:db8::c");
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_BOUND);
    assert_false(t.o.unapply);
    /* the same lifetimes, from now: the glue applies the address again
     * (dhcpc6_apply ADD, or rtnetlink), restarting the kernel's count */
    assert_true(t.o.changed & LWS__D6_CH_ADDR);
    assert_int_equal(t.c.bound_at, t.now);
    assert_int_equal(t.o.wake, t.now + S(300));
    /* release: the address off at once, Release to the server with the
     * address and no option request */
    garbage(&t);
    lws__d6_core_release(&t.c, t.now, &t.o);
    assert_int_equal(sent_type(&t), LWS__D6_RELEASE);
    assert_non_null(o = find_opt(t.o.pkt, t.o.len, 2, &len));
    assert_memory_equal(o, srv_b, 10);
    assert_non_null(o = find_opt(t.o.pkt, t.o.len, 3, &len));
    assert_int_equal(len, 40);
    assert_null(find_opt(t.o.pkt, t.o.len, 6, &len));
    assert_true(t.o.unapply);
    assert_false(t.c.have_addr);
    assert_int_equal(t.c.state, LWS__D6_S_RELEASE);
}

/* Release or Decline (@dad) of the lease of a bound core: the first
 * message sent, the address off.  @return its transaction id. */
static uint32_t give_back(struct t *t, bool dad)
{
    uint8_t a[16];

    solicit_to_bound(t, "2001:db8::c");
    inet_pton(AF_INET6, "2001:db8::c", a);
    garbage(t);
    if (dad) {
        lws__d6_core_dad(&t->c, t->now, a, &t->o);
        assert_int_equal(sent_type(t), LWS__D6_DECLINE);
        assert_int_equal(t->c.state, LWS__D6_S_DECLINE);
    } else {
        lws__d6_core_release(&t->c, t->now, &t->o);
        assert_int_equal(sent_type(t), LWS__D6_RELEASE);
        assert_int_equal(t->c.state, LWS__D6_S_RELEASE);
    }
    assert_true(t->o.unapply);
    assert_memory_equal(t->o.old_addr, a, 16);
    assert_false(t->c.have_addr);
    return sent_xid(t);
}

/* The exchange ended: stopped after Release, soliciting after Decline. */
static void given_back(const struct t *t, bool dad)
{
    if (dad) {
        assert_int_equal(t->c.state, LWS__D6_S_SOLICIT);
        assert_int_equal(sent_type(t), LWS__D6_SOLICIT);
    } else {
        assert_int_equal(t->c.state, LWS__D6_S_STOPPED);
        assert_int_equal(t->o.len, 0);
        assert_int_equal(t->o.wake, 0);
    }
}

/* RFC 8415 §18.2.7 / §18.2.8 with §15: REL/DEC_TIMEOUT 1 s doubling with
 * the jitter, REL/DEC_MAX_RC 4, then stopped (Release) or soliciting
 * (Decline); the same transaction id throughout. */
static void test_release_decline_retransmit(void **state)
{
    static const uint32_t rt_ms[2][4] = {{1000, 2000, 4000, 8000},
                                         {900, 1620, 2916, 5249}};
    struct t t;

    (void)state;
    for (int dad = 0; dad < 2; dad++)
        for (int jit = 0; jit < 2; jit++) {
            uint32_t xid;
            int n = 1;

            t_init(&t);
            rnd_val = jit ? 0 : 1000; /* -10 % at every step, or none */
            xid = give_back(&t, dad);
            for (;;) {
                lws_usec_t was = t.now;

                assert_int_equal(t.o.wake - was, MS(rt_ms[jit][n - 1]));
                t_wake(&t);
                if (t.c.state != (dad ? LWS__D6_S_DECLINE : LWS__D6_S_RELEASE))
                    break;
                assert_int_equal(sent_type(&t),
                                 dad ? LWS__D6_DECLINE : LWS__D6_RELEASE);
                assert_int_equal(sent_xid(&t), xid);
                n++;
            }
            assert_int_equal(n, 4);
            given_back(&t, dad);
        }
}

/* A Reply with the transaction id ends the exchange whatever its status;
 * another id is dropped; DAD of another address changes nothing. */
static void test_release_decline_reply(void **state)
{
    uint8_t other[16];
    struct pkt p;
    struct t t;

    (void)state;
    for (int dad = 0; dad < 2; dad++) {
        uint32_t xid;

        t_init(&t);
        if (dad) {
            solicit_to_bound(&t, "2001:db8::c");
            inet_pton(AF_INET6, "2001:db8::99", other);
            garbage(&t);
            lws__d6_core_dad(&t.c, t.now, other, &t.o);
            assert_int_equal(t.c.state, LWS__D6_S_BOUND);
            assert_int_equal(t.o.len, 0);
            assert_false(t.o.unapply);
            assert_int_equal(t.o.wake, t.c.t1_at); /* the timer kept */
            t_init(&t);
        }
        xid = give_back(&t, dad);
        t.now += MS(500);
        msg_full(&p, LWS__D6_REPLY, xid ^ 1, srv_b, NULL);
        t_rx(&t, &p);
        assert_int_equal(t.c.dropped, 1);
        assert_int_equal(t.c.state,
                         dad ? LWS__D6_S_DECLINE : LWS__D6_S_RELEASE);
        assert_int_equal(t.o.len, 0);
        hdr(&p, LWS__D6_REPLY, xid);
        opt(&p, 1, our_duid, sizeof(our_duid));
        opt(&p, 2, srv_b, 10);
        opt_status(&p, LWS__D6_ST_NO_BINDING);
        t_rx(&t, &p);
        given_back(&t, dad);
    }
}

static void test_advertise_255_and_rapid_commit(void **state)
{
    struct pkt p;
    struct t t;

    (void)state;
    t_init(&t);
    to_request(&t); /* 255: at once */
    assert_int_equal(sent_type(&t), LWS__D6_REQUEST);

    t_init(&t);
    t_ra(&t, LWS__RA6_F_MANAGED);
    t_wake(&t);
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_a, NULL);
    opt_ia(&p, IAID, 0, 0, "2001:db8::e", 1000, 2000, -1);
    t_rx(&t, &p); /* a Reply to Solicit without Rapid Commit: dropped */
    assert_int_equal(t.c.state, LWS__D6_S_SOLICIT);
    assert_int_equal(t.c.dropped, 1);
    opt(&p, 14, NULL, 0);
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_BOUND);
    assert_true(t.c.rapid);
    /* T1 and T2 of 0: 0.5 and 0.8 times the preferred lifetime */
    assert_int_equal(t.c.t1_s, 500);
    assert_int_equal(t.c.t2_s, 800);
}

static void test_request_gives_up_after_mrc(void **state)
{
    struct t t;
    int n = 1;

    (void)state;
    t_init(&t);
    to_request(&t);
    rnd_val = 0; /* -10 % */
    while (t.c.state == LWS__D6_S_REQUEST) {
        t_wake(&t);
        n += t.c.state == LWS__D6_S_REQUEST;
    }
    assert_int_equal(n, 10); /* REQ_MAX_RC */
    assert_int_equal(t.c.state, LWS__D6_S_SOLICIT);
    assert_int_equal(sent_type(&t), LWS__D6_SOLICIT);
}

/* Replies to a Request that must be dropped (counted) or refused. */
struct rx_case {
    const char *name;
    void (*build)(struct pkt *p, uint32_t xid);
    int state_after; /* enum lws__d6_state */
    uint32_t dropped, refused;
};

static void r_xid(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid ^ 1, srv_a, "2001:db8::d");
}
static void r_no_cid(struct pkt *p, uint32_t xid)
{
    hdr(p, LWS__D6_REPLY, xid);
    opt(p, 2, srv_a, 10);
    opt_ia(p, IAID, 0, 0, "2001:db8::d", 100, 200, -1);
}
static void r_other_cid(struct pkt *p, uint32_t xid)
{
    hdr(p, LWS__D6_REPLY, xid);
    opt(p, 1, srv_b, 10);
    opt(p, 2, srv_a, 10);
    opt_ia(p, IAID, 0, 0, "2001:db8::d", 100, 200, -1);
}
static void r_no_sid(struct pkt *p, uint32_t xid)
{
    hdr(p, LWS__D6_REPLY, xid);
    opt(p, 1, our_duid, sizeof(our_duid));
    opt_ia(p, IAID, 0, 0, "2001:db8::d", 100, 200, -1);
}
static void r_other_sid(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_b, "2001:db8::d");
}
static void r_advertise(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_ADVERTISE, xid, srv_a, "2001:db8::d");
}
static void r_reconfigure(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_RECONFIGURE, xid, srv_a, NULL);
}
static void r_truncated(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, "2001:db8::d");
    p->len -= 3;
}
static void r_use_multicast(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, "2001:db8::d");
    opt_status(p, LWS__D6_ST_USE_MULTICAST);
}
static void r_unspec(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, "2001:db8::d");
    opt_status(p, LWS__D6_ST_UNSPEC_FAIL);
}
static void r_no_addrs(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, NULL);
    opt_ia(p, IAID, 0, 0, NULL, 0, 0, LWS__D6_ST_NO_ADDRS);
}
static void r_not_on_link(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, NULL);
    opt_ia(p, IAID, 0, 0, "2001:db8::d", 0, 0, LWS__D6_ST_NOT_ON_LINK);
}
static void r_t1_gt_t2(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, NULL);
    opt_ia(p, IAID, 500, 400, "2001:db8::d", 1000, 2000, -1);
}
static void r_ok(struct pkt *p, uint32_t xid)
{
    msg_full(p, LWS__D6_REPLY, xid, srv_a, "2001:db8::d");
}

static const struct rx_case rx_cases[] = {
    {"wrong transaction id", r_xid, LWS__D6_S_REQUEST, 1, 0},
    {"no client id", r_no_cid, LWS__D6_S_REQUEST, 1, 0},
    {"another client id", r_other_cid, LWS__D6_S_REQUEST, 1, 0},
    {"no server id", r_no_sid, LWS__D6_S_REQUEST, 1, 0},
    {"another server id", r_other_sid, LWS__D6_S_REQUEST, 1, 0},
    {"an Advertise to a Request", r_advertise, LWS__D6_S_REQUEST, 1, 0},
    {"a Reconfigure", r_reconfigure, LWS__D6_S_REQUEST, 1, 0},
    {"truncated", r_truncated, LWS__D6_S_REQUEST, 1, 0},
    {"UseMulticast: keep retransmitting", r_use_multicast, LWS__D6_S_REQUEST, 0,
     1},
    {"UnspecFail: keep retransmitting", r_unspec, LWS__D6_S_REQUEST, 0, 1},
    {"NoAddrsAvail: solicit", r_no_addrs, LWS__D6_S_SOLICIT, 0, 1},
    {"NotOnLink: solicit", r_not_on_link, LWS__D6_S_SOLICIT, 0, 1},
    {"T1 > T2: solicit", r_t1_gt_t2, LWS__D6_S_SOLICIT, 0, 1},
    {"the real one", r_ok, LWS__D6_S_BOUND, 0, 0},
};

static void test_reply_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rx_cases) / sizeof(rx_cases[0]); i++) {
        const struct rx_case *rc = &rx_cases[i];
        struct pkt p;
        struct t t;

        print_message("%s\n", rc->name);
        t_init(&t);
        to_request(&t);
        rc->build(&p, sent_xid(&t));
        t_rx(&t, &p);
        assert_int_equal(t.c.state, rc->state_after);
        assert_int_equal(t.c.dropped, rc->dropped);
        assert_int_equal(t.c.refused, rc->refused);
        assert_int_equal(t.c.have_addr, rc->state_after == LWS__D6_S_BOUND);
        /* a new Solicit goes out at once */
        if (rc->state_after == LWS__D6_S_SOLICIT)
            assert_int_equal(sent_type(&t), LWS__D6_SOLICIT);
        assert_true(t.o.wake >= t.now);
    }
}

static void test_no_binding_in_renew_requests(void **state)
{
    struct pkt p;
    struct t t;

    (void)state;
    t_init(&t);
    solicit_to_bound(&t, "2001:db8::f");
    t_wake(&t);
    assert_int_equal(t.c.state, LWS__D6_S_RENEW);
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_b, NULL);
    opt_ia(&p, IAID, 0, 0, NULL, 0, 0, LWS__D6_ST_NO_BINDING);
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_REQUEST);
    assert_int_equal(sent_type(&t), LWS__D6_REQUEST);
    assert_int_equal(t.c.refused, 1);
    assert_true(t.c.have_addr); /* still valid meanwhile */
    /* a message nobody asked for (bound, stateless) is dropped */
    msg_full(&p, LWS__D6_REPLY, sent_xid(&t), srv_b, "2001:db8::f");
    t_rx(&t, &p);
    assert_int_equal(t.c.state, LWS__D6_S_BOUND);
    t_rx(&t, &p);
    assert_int_equal(t.c.dropped, 1);
}

static void test_no_flags_nothing(void **state)
{
    struct t t;

    (void)state;
    t_init(&t);
    t_ra(&t, 0);
    assert_int_equal(t.c.state, LWS__D6_S_STOPPED);
    assert_int_equal(t.o.wake, 0);
    assert_int_equal(t.o.len, 0);
    assert_int_equal(t.o.changed, 0);
    assert_string_equal(lws__d6_state_name(LWS__D6_S_REBIND), "REBIND");
    assert_string_equal(lws__d6_state_name(99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_full),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_stateless_info_and_refresh),
        cmocka_unit_test(test_stateful_renew_rebind_expire),
        cmocka_unit_test(test_renew_reply_extends_and_release),
        cmocka_unit_test(test_release_decline_retransmit),
        cmocka_unit_test(test_release_decline_reply),
        cmocka_unit_test(test_advertise_255_and_rapid_commit),
        cmocka_unit_test(test_request_gives_up_after_mrc),
        cmocka_unit_test(test_reply_table),
        cmocka_unit_test(test_no_binding_in_renew_requests),
        cmocka_unit_test(test_no_flags_nothing),
    };

    lws_set_log_level(LLL_ERR, NULL);
    return cmocka_run_group_tests_name("dhcp6", tests, NULL, NULL);
}
