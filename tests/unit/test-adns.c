/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Unit tests of the async DNS helper: the codec with crafted packets, the
 * hosts and resolv.conf parsers, result chains and their refcount, the
 * cache with a controlled clock (TTL expiry, LRU, byte limit, refcount
 * against expiry), and the resolver in a context without any DNS server:
 * literals, localhost, the hosts file and its reload, deferred callbacks,
 * coalescing with N waiters, cancel, caps and out-of-memory at every
 * allocation.
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
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

/* ------------------------------------------------------------------------
 * Crafted packets
 */
struct pk {
    uint8_t b[2048];
    size_t n;
};

static void pk_u8(struct pk *p, unsigned v)
{
    p->b[p->n++] = (uint8_t)v;
}

static void pk_be16(struct pk *p, unsigned v)
{
    pk_u8(p, v >> 8);
    pk_u8(p, v & 0xff);
}

static void pk_be32(struct pk *p, uint32_t v)
{
    pk_be16(p, v >> 16);
    pk_be16(p, v & 0xffff);
}

static void pk_name(struct pk *p, const char *name)
{
    while (*name) {
        const char *d = strchr(name, '.');
        size_t l = d ? (size_t)(d - name) : strlen(name);

        pk_u8(p, (unsigned)l);
        memcpy(p->b + p->n, name, l);
        p->n += l;
        name += l + (d ? 1 : 0);
    }
    pk_u8(p, 0);
}

static void pk_head(struct pk *p, unsigned flags, unsigned an, unsigned ns,
                    unsigned ar)
{
    p->n = 0;
    pk_be16(p, 0x1234);
    pk_be16(p, flags);
    pk_be16(p, 1);
    pk_be16(p, an);
    pk_be16(p, ns);
    pk_be16(p, ar);
}

static void pk_q(struct pk *p, const char *name, unsigned type)
{
    pk_name(p, name);
    pk_be16(p, type);
    pk_be16(p, 1);
}

static void pk_rr(struct pk *p, const char *owner, unsigned type, uint32_t ttl,
                  const void *rd, unsigned rdlen)
{
    if (owner)
        pk_name(p, owner);
    else
        pk_be16(p, 0xc00c); /* the question name */
    pk_be16(p, type);
    pk_be16(p, 1);
    pk_be32(p, ttl);
    pk_be16(p, rdlen);
    memcpy(p->b + p->n, rd, rdlen);
    p->n += rdlen;
}

static void pk_cname(struct pk *p, const char *owner, uint32_t ttl,
                     const char *target)
{
    struct pk t = {.n = 0};

    pk_name(&t, target);
    pk_rr(p, owner, 5, ttl, t.b, (unsigned)t.n);
}

static void pk_soa(struct pk *p, uint32_t ttl, uint32_t minimum)
{
    struct pk t = {.n = 0};

    pk_name(&t, "ns.test");
    pk_name(&t, "admin.test");
    for (int i = 0; i < 4; i++)
        pk_be32(&t, 100);
    pk_be32(&t, minimum);
    pk_rr(p, "test", 6, ttl, t.b, (unsigned)t.n);
}

static const uint8_t A1[4] = {10, 0, 0, 1}, A2[4] = {10, 0, 0, 2};

/* ------------------------------------------------------------------------
 * Codec
 */

static void test_adns_name_lc(void **state)
{
    char lc[LWS__ADNS_NAME_MAX + 1], big[300];

    (void)state;
    assert_int_equal(lws__adns_name_lc("WwW.Example.COM.", lc), 15);
    assert_string_equal(lc, "www.example.com");
    assert_int_equal(lws__adns_name_lc("a..b", lc), -EINVAL);
    assert_int_equal(lws__adns_name_lc("", lc), -EINVAL);
    assert_int_equal(lws__adns_name_lc(".", lc), -EINVAL);
    assert_int_equal(lws__adns_name_lc("a b", lc), -EINVAL);
    memset(big, 'a', 64);
    big[64] = '\0';
    assert_int_equal(lws__adns_name_lc(big, lc), -EINVAL); /* label > 63 */
    for (int i = 0; i < 254; i++)
        big[i] = (i % 2) ? '.' : 'a';
    big[253] = '\0'; /* 253 characters: the maximum */
    assert_int_equal(lws__adns_name_lc(big, lc), 253);
    big[253] = 'a';
    big[254] = '\0';
    assert_int_equal(lws__adns_name_lc(big, lc), -EINVAL);
}

static void test_adns_build_query(void **state)
{
    static const uint8_t want[] = {
        0, 0,   1,  0,    0,    1,   0,   0, 0, 0,  0,
        1, /* header, RD, 1 q, 1 add */
        1, 'a', 4,  't',  'e',  's', 't', 0, 0, 28, 0,
        1,                                              /* question */
        0, 0,   41, 0x04, 0xd0, 0,   0,   0, 0, 0,  0}; /* OPT 1232 */
    uint8_t buf[512];

    (void)state;
    assert_int_equal(
        lws__adns_build_query(buf, sizeof(buf), "a.test", 28, 1232),
        (int)sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
    assert_int_equal(lws__adns_build_query(buf, 10, "a.test", 1, 0), -ENOSPC);
}

/* lws__adns_reply_match() for the question of our query for @name_lc. */
static int reply_match(const uint8_t *b, size_t n, uint16_t id,
                       const char *name_lc, uint16_t qtype)
{
    uint8_t q[300];
    int ql = lws__adns_build_query(q, sizeof(q), name_lc, qtype, 0);

    assert_true(ql > 16);
    return lws__adns_reply_match(b, n, id, q + 12, LWS__ADNS_QNAME_LEN(ql, 0),
                                 qtype);
}

/* RFC 5452 §9.1: a reply is ours only with our ID, QR set and our one
 * question (name compared case-insensitively, type, class IN); nothing
 * past the question is read, so a truncated reply still matches and shows
 * its TC bit. */
static void test_adns_reply_match(void **state)
{
    struct pk p;

    (void)state;
    pk_head(&p, 0x8180, 0, 0, 0);
    pk_q(&p, "WWW.Test", 1);
    assert_int_equal(reply_match(p.b, p.n, 0x1234, "www.test", 1), 0x8180);
    assert_int_equal(reply_match(p.b, p.n, 0x1235, "www.test", 1),
                     -ESRCH); /* another ID */
    assert_int_equal(reply_match(p.b, p.n, 0x1234, "www.test", 28),
                     -ESRCH); /* another type */
    assert_int_equal(reply_match(p.b, p.n, 0x1234, "ww.test", 1),
                     -ESRCH); /* another name */
    assert_int_equal(reply_match(p.b, p.n - 1, 0x1234, "www.test", 1),
                     -ESRCH); /* the class cut short */
    assert_int_equal(reply_match(p.b, 11, 0x1234, "www.test", 1),
                     -ESRCH);     /* under a header */
    pk_head(&p, 0x0100, 0, 0, 0); /* a query, not a reply */
    pk_q(&p, "www.test", 1);
    assert_int_equal(reply_match(p.b, p.n, 0x1234, "www.test", 1), -ESRCH);
    pk_head(&p, 0x8380, 9, 0, 0); /* TC, 9 answers claimed, none present */
    pk_q(&p, "www.test", 1);
    assert_int_equal(reply_match(p.b, p.n, 0x1234, "www.test", 1), 0x8380);
    p.b[5] = 2; /* two questions */
    assert_int_equal(reply_match(p.b, p.n, 0x1234, "www.test", 1), -ESRCH);
}

static void test_adns_parse_a(void **state)
{
    struct lws__adns_answer ans;
    struct pk p;

    (void)state;
    pk_head(&p, 0x8180, 2, 0, 0);
    pk_q(&p, "Host.Test", 1);
    pk_rr(&p, NULL, 1, 300, A1, 4);
    pk_rr(&p, "host.test", 1, 100, A2, 4);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "host.test", 1, &ans), 0);
    assert_int_equal(ans.rcode, 0);
    assert_int_equal(ans.naddr, 2);
    assert_memory_equal(ans.addr[0], A1, 4);
    assert_memory_equal(ans.addr[1], A2, 4);
    assert_int_equal(ans.ttl, 100); /* the minimum */
    assert_string_equal(ans.canon, "host.test");

    /* RFC 2181 §8: a TTL with the top bit set counts as zero. */
    pk_head(&p, 0x8180, 1, 0, 0);
    pk_q(&p, "host.test", 1);
    pk_rr(&p, NULL, 1, 0x80000001u, A1, 4);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "host.test", 1, &ans), 0);
    assert_int_equal(ans.ttl, 0);
}

static void test_adns_parse_cname_chain(void **state)
{
    struct lws__adns_answer ans;
    struct pk p;

    (void)state;
    pk_head(&p, 0x8180, 4, 0, 0);
    pk_q(&p, "c2.test", 1);
    pk_cname(&p, "c2.test", 500, "c1.test");
    pk_cname(&p, "c1.test", 50, "real.test");
    pk_rr(&p, "real.test", 1, 400, A1, 4);
    pk_rr(&p, "other.test", 1, 400, A2, 4); /* not on the chain */
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "c2.test", 1, &ans), 0);
    assert_true(ans.has_cname);
    assert_int_equal(ans.naddr, 1);
    assert_memory_equal(ans.addr[0], A1, 4);
    assert_int_equal(ans.ttl, 50);
    assert_string_equal(ans.canon, "real.test");

    /* The CNAME question takes the first link only. */
    p.b[p.n - 32 - 3] = 0; /* unchanged packet, other question type: */
    pk_head(&p, 0x8180, 2, 0, 0);
    pk_q(&p, "c2.test", 5);
    pk_cname(&p, "c2.test", 500, "c1.test");
    pk_cname(&p, "c1.test", 50, "real.test");
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "c2.test", 5, &ans), 0);
    assert_string_equal(ans.canon, "c1.test");
    assert_int_equal(ans.ttl, 500);

    /* A CNAME loop stops at the depth limit without addresses. */
    pk_head(&p, 0x8180, 2, 0, 0);
    pk_q(&p, "x.test", 1);
    pk_cname(&p, "x.test", 5, "y.test");
    pk_cname(&p, "y.test", 5, "x.test");
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "x.test", 1, &ans), 0);
    assert_int_equal(ans.naddr, 0);
}

static void test_adns_parse_negative(void **state)
{
    struct lws__adns_answer ans;
    struct pk p;

    (void)state;
    pk_head(&p, 0x8183, 0, 1, 0); /* NXDOMAIN */
    pk_q(&p, "nx.test", 1);
    pk_soa(&p, 900, 60);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "nx.test", 1, &ans), 0);
    assert_int_equal(ans.rcode, 3);
    assert_true(ans.has_soa);
    assert_int_equal(ans.neg_ttl, 60); /* RFC 2308 §5: min(TTL, MINIMUM) */
    pk_head(&p, 0x8180, 0, 1, 0);      /* NODATA */
    pk_q(&p, "nd.test", 28);
    pk_soa(&p, 30, 3600);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "nd.test", 28, &ans), 0);
    assert_int_equal(ans.naddr, 0);
    assert_int_equal(ans.neg_ttl, 30);
}

static void test_adns_parse_rejects(void **state)
{
    struct lws__adns_answer ans;
    struct pk p;
    size_t n;

    (void)state;
    /* Not a response. */
    pk_head(&p, 0x0100, 0, 0, 0);
    pk_q(&p, "a.test", 1);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* Another question. */
    pk_head(&p, 0x8180, 0, 0, 0);
    pk_q(&p, "b.test", 1);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    pk_head(&p, 0x8180, 0, 0, 0);
    pk_q(&p, "a.test", 28);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* Counts larger than the records. */
    pk_head(&p, 0x8180, 3, 0, 0);
    pk_q(&p, "a.test", 1);
    pk_rr(&p, NULL, 1, 5, A1, 4);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* A record with 5 bytes of data. */
    pk_head(&p, 0x8180, 1, 0, 0);
    pk_q(&p, "a.test", 1);
    pk_rr(&p, NULL, 1, 5, "\1\2\3\4\5", 5);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* Pointer to itself. */
    pk_head(&p, 0x8180, 1, 0, 0);
    pk_q(&p, "a.test", 1);
    n = p.n;
    pk_be16(&p, 0xc000 | (unsigned)n);
    pk_be16(&p, 1);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* Forward pointer, pointer into the header. */
    p.b[n + 1] = (uint8_t)(n + 4);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    p.b[n + 1] = 4;
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* A label running past the end; a truncated header; empty. */
    pk_head(&p, 0x8180, 1, 0, 0);
    pk_q(&p, "a.test", 1);
    pk_u8(&p, 40);
    pk_u8(&p, 'x');
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    assert_int_equal(lws__adns_parse_answer(p.b, 7, "a.test", 1, &ans),
                     -EBADMSG);
    assert_int_equal(lws__adns_parse_answer(p.b, 0, "a.test", 1, &ans),
                     -EBADMSG);
    /* Non-printable byte in a name. */
    pk_head(&p, 0x8180, 0, 0, 0);
    pk_q(&p, "a\001.test", 1);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
}

static void test_adns_parse_caps_addresses(void **state)
{
    struct lws__adns_answer ans;
    struct pk p;

    (void)state;
    /* Every address of the answer, in order (no cap but the message). */
    pk_head(&p, 0x8180, 40, 0, 0);
    pk_q(&p, "many.test", 1);
    for (int i = 0; i < 40; i++) {
        const uint8_t a[4] = {10, 0, 0, (uint8_t)(i + 1)};

        pk_rr(&p, NULL, 1, 60, a, 4);
    }
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "many.test", 1, &ans), 0);
    assert_int_equal(ans.naddr, 40);
    for (int i = 0; i < 40; i++)
        assert_int_equal(lws__adns_answer_addr(&ans, i)[3], i + 1);
    lws__adns_answer_clear(&ans);
    /* The same once the transport matched the question (its name is not
     * compared again); the rest of the message is checked as before. */
    assert_int_equal(
        lws__adns_parse_reply(p.b, p.n, "many.test", 1, &ans, true), 0);
    assert_int_equal(ans.naddr, 40);
    assert_int_equal(lws__adns_answer_addr(&ans, 39)[3], 40);
    lws__adns_answer_clear(&ans);
    assert_int_equal(
        lws__adns_parse_reply(p.b, p.n - 1, "many.test", 1, &ans, true),
        -EBADMSG);
}

/* Appends an unknown-type record whose RDATA is a chain of @n compression
 * pointers, each to the one before, the first to the question name (RFC
 * 9267 §2 attack shape).  @return the offset of the last pointer. */
static size_t pk_chain(struct pk *p, unsigned n)
{
    size_t prev = 12, at;

    pk_be16(p, 0xc00c);
    pk_be16(p, 99);
    pk_be16(p, 1);
    pk_be32(p, 60);
    pk_be16(p, 2 * n);
    for (unsigned i = 0; i < n; i++) {
        at = p->n;
        pk_be16(p, 0xc000 | (unsigned)prev);
        prev = at;
    }
    return prev;
}

/* Answer to "a.test" whose one A record is owned by a chain of @n + 1
 * pointers: its own and the @n of pk_chain(). */
static void pk_chained_a(struct pk *p, unsigned n)
{
    uint8_t owner[2];
    size_t last;

    pk_head(p, 0x8180, 2, 0, 0);
    pk_q(p, "a.test", 1);
    last = pk_chain(p, n);
    owner[0] = (uint8_t)(0xc0 | (last >> 8));
    owner[1] = (uint8_t)last;
    memcpy(p->b + p->n, owner, 2);
    p->n += 2;
    pk_be16(p, 1);
    pk_be16(p, 1);
    pk_be32(p, 60);
    pk_be16(p, 4);
    memcpy(p->b + p->n, A1, 4);
    p->n += 4;
}

/* Pointer chains are capped per name and the name reads of
 * one message share a work budget linear in its size. */
static void test_adns_parse_pointer_work_capped(void **state)
{
    static struct pk big; /* too large for the stack of a test */
    struct lws__adns_answer ans;
    struct pk p;
    size_t last;

    (void)state;
    /* Within the per-name cap: an A record owned by a chain of exactly the cap
     * ending at the question name is read normally. */
    pk_chained_a(&p, LWS__ADNS_NAME_JUMPS - 1);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans), 0);
    assert_int_equal(ans.naddr, 1);
    /* Longer chains than the cap: refused. */
    pk_chained_a(&p, LWS__ADNS_NAME_JUMPS);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    pk_chained_a(&p, LWS__ADNS_NAME_JUMPS + 40);
    assert_int_equal(lws__adns_parse_answer(p.b, p.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* Many records, each owned by a chain under the cap, read again on every
     * pass of the CNAME walk (the links sit after them): each name is fine,
     * the message as a whole costs more than its budget. */
    pk_head(&big, 0x8180, 0, 0, 0);
    pk_q(&big, "a.test", 1);
    last = pk_chain(&big, LWS__ADNS_NAME_JUMPS - 1);
    unsigned nrr = 1;
    while (big.n + 64 < sizeof(big.b) - 200) {
        pk_be16(&big, 0xc000 | (unsigned)last);
        pk_be16(&big, 99);
        pk_be16(&big, 1);
        pk_be32(&big, 60);
        pk_be16(&big, 0);
        nrr++;
    }
    const char *links[] = {"a.test", "b.test", "c.test", "d.test",
                           "e.test", "f.test", "g.test", "h.test"};
    for (unsigned i = 0; i + 1 < sizeof(links) / sizeof(links[0]); i++, nrr++)
        pk_cname(&big, links[i], 60, links[i + 1]);
    big.b[6] = (uint8_t)(nrr >> 8);
    big.b[7] = (uint8_t)nrr;
    assert_int_equal(lws__adns_parse_answer(big.b, big.n, "a.test", 1, &ans),
                     -EBADMSG);
    /* The same message without the long chains is a normal answer. */
    pk_head(&big, 0x8180, 0, 0, 0);
    pk_q(&big, "a.test", 1);
    nrr = 0;
    for (unsigned i = 0; i < 20; i++, nrr++)
        pk_rr(&big, NULL, 99, 60, "", 0);
    for (unsigned i = 0; i + 1 < sizeof(links) / sizeof(links[0]); i++, nrr++)
        pk_cname(&big, links[i], 60, links[i + 1]);
    pk_rr(&big, "h.test", 1, 60, A1, 4);
    nrr++;
    big.b[7] = (uint8_t)nrr;
    assert_int_equal(lws__adns_parse_answer(big.b, big.n, "a.test", 1, &ans),
                     0);
    assert_int_equal(ans.naddr, 1);
    assert_string_equal(ans.canon, "h.test");
}

static void test_adns_hosts_and_resolv(void **state)
{
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* LWS_WITH_SYS_ASYNC_DNS_FILES is off in this build */
#else
    static const char hosts[] =
        "# comment\n127.0.0.1 localhost\n"
        "10.1.1.1\tweb.lan  Web2.LAN # web2.lan\n"
        "fd00::5 web.lan\n"
        "bogus web.lan\n"
        "10.1.1.2 "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        " web3.lan\n"
        "10.1.1.3 last.lan";
    static const char rc[] = "search lan\nnameserver 10.0.0.53\n"
                             "nameserver   fd00::53 ; v6\n"
                             "; nameserver 1.1.1.1\n"
                             "nameserver fe80::1%eth0\nnameserver junk\n"
                             "nameserverx 2.2.2.2\nnameserver 10.0.0.54";
    lws_sockaddr46 sa[8];
    char txt[64];

    (void)state;
    assert_int_equal(
        lws__adns_hosts_find(hosts, strlen(hosts), "web.lan", sa, 8), 2);
    assert_int_equal(sa[0].sa4.sin_family, AF_INET);
    assert_int_equal(sa[1].sa6.sin6_family, AF_INET6);
    assert_int_equal(
        lws__adns_hosts_find(hosts, strlen(hosts), "web2.lan", sa, 8), 1);
    assert_int_equal(
        lws__adns_hosts_find(hosts, strlen(hosts), "web3.lan", sa, 8), 1);
    assert_int_equal(
        lws__adns_hosts_find(hosts, strlen(hosts), "last.lan", sa, 8), 1);
    assert_int_equal(
        lws__adns_hosts_find(hosts, strlen(hosts), "comment", sa, 8), 0);
    assert_int_equal(
        lws__adns_hosts_find(hosts, strlen(hosts), "web.lan", sa, 1), 1);
    assert_int_equal(lws__adns_resolv_parse(rc, strlen(rc), sa, 8), 3);
    lws_sa46_write_numeric_address(&sa[1], txt, sizeof(txt));
    assert_string_equal(txt, "fd00::53");
    lws_sa46_write_numeric_address(&sa[2], txt, sizeof(txt));
    assert_string_equal(txt, "10.0.0.54");
#endif
}

static void test_adns_parse_server(void **state)
{
    lws_sockaddr46 sa;

    (void)state;
    assert_int_equal(lws__adns_parse_server("127.0.0.1:5353", &sa), 0);
    assert_int_equal(ntohs(sa.sa4.sin_port), 5353);
    assert_int_equal(lws__adns_parse_server("[::1]:53", &sa), 0);
    assert_int_equal(sa.sa6.sin6_family, AF_INET6);
    assert_int_equal(ntohs(sa.sa6.sin6_port), 53);
    assert_int_equal(lws__adns_parse_server("fd00::1", &sa), 0);
    assert_int_equal(lws__adns_parse_server("10.0.0.1", &sa), 0);
    assert_int_equal(sa.sa4.sin_port, 0);
    assert_int_equal(lws__adns_parse_server("10.0.0.1:0", &sa), -EINVAL);
    assert_int_equal(lws__adns_parse_server("10.0.0.1:70000", &sa), -EINVAL);
    assert_int_equal(lws__adns_parse_server("[::1", &sa), -EINVAL);
    assert_int_equal(lws__adns_parse_server("host:53", &sa), -EINVAL);
}

/* ------------------------------------------------------------------------
 * Result chains and the cache
 */

static void mk_sa(lws_sockaddr46 *sa, const char *a)
{
    memset(sa, 0, sizeof(*sa));
    assert_int_equal(lws_sa46_parse_numeric(sa, a), 0);
}

static void test_adns_result_chain(void **state)
{
    lws_sockaddr46 sa[3];
    struct lws__adns_res *r;
    const struct addrinfo *ai;
    size_t h0 = lws__heap_in_use();

    (void)state;
    mk_sa(&sa[0], "fd00::1");
    mk_sa(&sa[1], "10.0.0.1");
    mk_sa(&sa[2], "10.0.0.2");
    r = lws__adns_res_create(sa, 3, "x.test");
    assert_non_null(r);
    ai = lws__adns_res_ai(r);
    assert_int_equal(ai->ai_family, AF_INET); /* IPv4 first */
    assert_string_equal(ai->ai_canonname, "x.test");
    assert_int_equal(ai->ai_next->ai_family, AF_INET);
    assert_int_equal(ai->ai_next->ai_next->ai_family, AF_INET6);
    assert_null(ai->ai_next->ai_next->ai_next);
    assert_null(ai->ai_next->ai_canonname);
    lws__adns_res_ref(r);
    lws_async_dns_freeaddrinfo(&ai);
    assert_null(ai);
    assert_int_equal(r->refcount, 1);
    lws__adns_res_unref(r);
    assert_int_equal(lws__heap_in_use(), h0);
    assert_null(lws__adns_res_create(NULL, 0, NULL));
}

#define S (LWS_US_PER_SEC)

static struct lws__adns_res *res1(const char *a)
{
    lws_sockaddr46 sa;

    mk_sa(&sa, a);
    return lws__adns_res_create(&sa, 1, NULL);
}

static void test_adns_cache_ttl(void **state)
{
    struct lws__adns_cache c;
    struct lws__adns_res *r = res1("10.0.0.1");
    struct lws__adns_centry *e;
    const struct addrinfo *held;
    size_t h0;

    (void)state;
    assert_int_equal(lws__adns_cache_setup(&c, 8, 4096), 0);
    h0 = lws__heap_in_use();
    assert_int_equal(lws__adns_cache_put(&c, "a.test", LWS__ADNS_CLS_ADDR,
                                         LADNS_RET_FOUND, r, 100 * S),
                     0);
    lws__adns_res_unref(r); /* the cache holds it now */
    assert_non_null(
        lws__adns_cache_get(&c, "a.test", LWS__ADNS_CLS_ADDR, 99 * S));
    assert_null(lws__adns_cache_get(&c, "a.test", LWS__ADNS_CLS_CNAME, 99 * S));
    /* A caller holds the result across expiry: it stays valid. */
    e = lws__adns_cache_get(&c, "a.test", LWS__ADNS_CLS_ADDR, 99 * S);
    lws__adns_res_ref(e->res);
    held = lws__adns_res_ai(e->res);
    assert_null(lws__adns_cache_get(&c, "a.test", LWS__ADNS_CLS_ADDR,
                                    100 * S)); /* expired, dropped */
    assert_int_equal(lws__adns_cache_count(&c), 0);
    assert_int_equal(c.bytes, 0);
    assert_int_equal(held->ai_family, AF_INET);
    lws_async_dns_freeaddrinfo(&held);
    assert_true(lws__heap_in_use() < h0);
    /* Negative entry. */
    assert_int_equal(lws__adns_cache_put(&c, "nx.test", LWS__ADNS_CLS_ADDR,
                                         LADNS_RET_NXDOMAIN, NULL, 10 * S),
                     0);
    e = lws__adns_cache_get(&c, "nx.test", LWS__ADNS_CLS_ADDR, 5 * S);
    assert_non_null(e);
    assert_int_equal(e->status, LADNS_RET_NXDOMAIN);
    assert_null(e->res);
    lws__adns_cache_destroy(&c);
}

static void test_adns_cache_lru_entries(void **state)
{
    struct lws__adns_cache c;
    char name[32];

    (void)state;
    assert_int_equal(lws__adns_cache_setup(&c, 4, 1 << 20), 0);
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "n%d.test", i);
        assert_int_equal(
            lws__adns_cache_put(&c, name, 1, LADNS_RET_NODATA, NULL, 100 * S),
            0);
    }
    /* Touch n0: n1 becomes the least recently used. */
    assert_non_null(lws__adns_cache_get(&c, "n0.test", 1, 0));
    assert_int_equal(
        lws__adns_cache_put(&c, "n4.test", 1, LADNS_RET_NODATA, NULL, 100 * S),
        0);
    assert_int_equal(lws__adns_cache_count(&c), 4);
    assert_null(lws__adns_cache_get(&c, "n1.test", 1, 0));
    assert_non_null(lws__adns_cache_get(&c, "n0.test", 1, 0));
    assert_non_null(lws__adns_cache_get(&c, "n4.test", 1, 0));
    /* Replacing keeps one entry per key. */
    assert_int_equal(lws__adns_cache_put(&c, "n4.test", 1, LADNS_RET_NXDOMAIN,
                                         NULL, 100 * S),
                     0);
    assert_int_equal(lws__adns_cache_count(&c), 4);
    assert_int_equal(lws__adns_cache_get(&c, "n4.test", 1, 0)->status,
                     LADNS_RET_NXDOMAIN);
    lws__adns_cache_flush(&c);
    assert_int_equal(lws__adns_cache_count(&c), 0);
    assert_int_equal(c.bytes, 0);
    lws__adns_cache_destroy(&c);
}

static void test_adns_cache_byte_limit(void **state)
{
    struct lws__adns_cache c;
    struct lws__adns_res *r = res1("10.0.0.1");
    size_t one, limit;
    char name[32];

    (void)state;
    assert_int_equal(lws__adns_cache_setup(&c, 100, 1 << 20), 0);
    assert_int_equal(lws__adns_cache_put(&c, "b0.test", 1, 0, r, S), 0);
    one = c.bytes;
    lws__adns_cache_destroy(&c);
    limit = 3 * one + one / 2; /* room for three */
    assert_int_equal(lws__adns_cache_setup(&c, 100, limit), 0);
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof(name), "b%d.test", i);
        assert_int_equal(lws__adns_cache_put(&c, name, 1, 0, r, 100 * S), 0);
        assert_true(c.bytes <= limit);
    }
    assert_int_equal(lws__adns_cache_count(&c), 3);
    assert_non_null(lws__adns_cache_get(&c, "b9.test", 1, 0));
    assert_null(lws__adns_cache_get(&c, "b6.test", 1, 0));
    /* One entry bigger than the whole cache is refused. */
    lws__adns_cache_destroy(&c);
    assert_int_equal(lws__adns_cache_setup(&c, 100, one - 1), 0);
    assert_int_equal(lws__adns_cache_put(&c, "b0.test", 1, 0, r, S), -ENOSPC);
    lws__adns_cache_destroy(&c);
    assert_int_equal(r->refcount, 1);
    lws__adns_res_unref(r);
}

static void test_adns_cache_oom(void **state)
{
    struct lws__adns_cache c;
    struct lws__adns_res *r = res1("10.0.0.1");
    size_t h0;

    (void)state;
    assert_int_equal(lws__adns_cache_setup(&c, 8, 4096), 0);
    h0 = lws__heap_in_use();
    lws__alloc_fail_nth(1);
    assert_int_equal(lws__adns_cache_put(&c, "o.test", 1, 0, r, S), -ENOMEM);
    lws__alloc_fail_nth(0);
    assert_int_equal(lws__heap_in_use(), h0);
    assert_int_equal(r->refcount, 1);
    lws__adns_cache_destroy(&c);
    lws__adns_res_unref(r);
    lws__alloc_fail_nth(1);
    assert_int_equal(lws__adns_cache_setup(&c, 8, 4096), -ENOMEM);
    lws__alloc_fail_nth(0);
    lws__alloc_fail_nth(1);
    assert_null(res1("10.0.0.1"));
    lws__alloc_fail_nth(0);
}

/* ------------------------------------------------------------------------
 * The resolver in a context, without the network
 */

struct fx {
    struct lws_context *cx;
    char dir[200];
    char hosts[260];
    size_t heap0;
};

static int fx_setup(void **state)
{
    static struct fx f;
    struct lws_adns_info ai = {0};

    memset(&f, 0, sizeof(f));
    f.heap0 = lws__heap_in_use();
    assert_int_equal(lt_mkdtemp(f.dir, sizeof(f.dir), "adns-unit"), 0);
    snprintf(f.hosts, sizeof(f.hosts), "%s/hosts", f.dir);
    assert_int_equal(lt_write_file(f.hosts, "10.7.7.7 printer.lan\n"
                                            "fd00::7 printer.lan\n"),
                     0);
    ai.hosts_path = f.hosts;
    ai.max_waiters = 64;
    ai.max_outstanding = 2;
    ai.max_queued = 2;
    ai.query_deadline_ms = 200;
    f.cx = adns_t_context(&ai, NULL, NULL);
    assert_non_null(f.cx);
    *state = &f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;

    lws_context_destroy(f->cx);
    lt_rmtree(f->dir);
    assert_int_equal(lws__heap_in_use(), f->heap0);
    return 0;
}

static void q_run(struct fx *f, const char *name, adns_query_type_t t,
                  struct adns_t_res *r)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(lws_async_dns_query(f->cx, 0, name, t, adns_t_cb, NULL, r),
                     LADNS_RET_CONTINUING);
    assert_int_equal(r->calls, 0);
    assert_true(adns_t_run_until(f->cx, &r->calls, 1, 2000));
}

static void test_adns_literals_and_localhost(void **state)
{
    struct fx *f = *state;
    struct adns_t_res r;

    q_run(f, "192.0.2.7", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 1);
    assert_string_equal(r.addr[0], "192.0.2.7");
    q_run(f, "2001:db8::1", LWS_ADNS_RECORD_AAAA, &r);
    assert_int_equal(r.family[0], AF_INET6);
    assert_string_equal(r.addr[0], "2001:db8::1");
    q_run(f, "LocalHost", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.naddr, 2);
    assert_string_equal(r.addr[0], "127.0.0.1");
    assert_string_equal(r.addr[1], "::1");
    q_run(f, "app.localhost", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_string_equal(r.ads, "app.localhost");
}

static void test_adns_hosts_file_reload(void **state)
{
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* LWS_WITH_SYS_ASYNC_DNS_FILES is off in this build */
#else
    struct fx *f = *state;
    struct adns_t_res r;

    q_run(f, "Printer.LAN", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.n, LADNS_RET_FOUND);
    assert_int_equal(r.naddr, 2);
    assert_string_equal(r.addr[0], "10.7.7.7");
    assert_string_equal(r.addr[1], "fd00::7");
    /* A longer file (size changes too), read again on the next query. */
    assert_int_equal(lt_write_file(f->hosts, "# moved\n10.8.8.8 printer.lan\n"),
                     0);
    q_run(f, "printer.lan", LWS_ADNS_RECORD_A, &r);
    assert_int_equal(r.naddr, 1);
    assert_string_equal(r.addr[0], "10.8.8.8");
#endif
}

static void test_adns_bad_calls(void **state)
{
    struct fx *f = *state;
    struct adns_t_res r;

    memset(&r, 0, sizeof(r));
    assert_int_equal(lws_async_dns_query(NULL, 0, "a", 1, adns_t_cb, NULL, &r),
                     LADNS_RET_FAILED);
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, NULL, 1, adns_t_cb, NULL, &r),
        LADNS_RET_FAILED);
    assert_int_equal(lws_async_dns_query(f->cx, 0, "a.test", 1, NULL, NULL, &r),
                     LADNS_RET_FAILED);
    assert_int_equal(
        lws_async_dns_query(f->cx, 1, "a.test", 1, adns_t_cb, NULL, &r),
        LADNS_RET_FAILED);
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "a.test", 99, adns_t_cb, NULL, &r),
        LADNS_RET_FAILED);
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "bad..name", 1, adns_t_cb, NULL, &r),
        LADNS_RET_FAILED);
    lws_service(f->cx, 0);
    assert_int_equal(r.calls, 0); /* refused => never called */
    lws_async_dns_freeaddrinfo(NULL);
    assert_int_equal(lws_adns_cancel(NULL, NULL, NULL, NULL), -EINVAL);
    assert_int_equal(lws_async_dns_server_add(f->cx, NULL), -EINVAL);
}

static int silent_port(int *fd)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);

    *fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(*fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    getsockname(*fd, (struct sockaddr *)&sin, &sl);
    return ntohs(sin.sin_port);
}

static void add_silent_server(struct fx *f, int *fd)
{
    lws_sockaddr46 sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa4.sin_family = AF_INET;
    sa.sa4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sa4.sin_port = htons((uint16_t)silent_port(fd));
    assert_int_equal(lws_async_dns_server_add(f->cx, &sa), 0);
}

static void test_adns_coalesce_cancel_and_caps(void **state)
{
    struct fx *f = *state;
    static struct adns_t_res r[10], other[5];
    struct lws_adns_stats st;
    int fd, total = 0;

    add_silent_server(f, &fd);
    memset(r, 0, sizeof(r));
    memset(other, 0, sizeof(other));
    for (int i = 0; i < 10; i++)
        assert_int_equal(lws_async_dns_query(f->cx, 0, "slow.test",
                                             LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                             &r[i]),
                         LADNS_RET_CONTINUING);
    assert_int_equal(lws_adns_get_stats(f->cx, &st), 0);
    assert_int_equal(st.in_flight, 1);
    assert_int_equal(st.coalesced, 9);
    assert_int_equal(st.wire_queries, 2); /* A and AAAA */
    /* Past the cap on lookups in flight (2 here) a third name waits in
     * the queue (max_queued 2 here), and a fourth; a fifth is refused. */
    assert_int_equal(lws_async_dns_query(f->cx, 0, "slow2.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &other[0]),
                     LADNS_RET_CONTINUING);
    assert_int_equal(lws_async_dns_query(f->cx, 0, "slow3.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &other[1]),
                     LADNS_RET_CONTINUING);
    assert_int_equal(lws_async_dns_query(f->cx, 0, "slow4.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &other[2]),
                     LADNS_RET_CONTINUING);
    assert_int_equal(lws_async_dns_query(f->cx, 0, "slow5.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &other[3]),
                     LADNS_RET_FAILED);
    /* A name in flight is joined at once, even with the queue full. */
    assert_int_equal(lws_async_dns_query(f->cx, 0, "slow2.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &other[4]),
                     LADNS_RET_CONTINUING);
    assert_int_equal(lws_adns_get_stats(f->cx, &st), 0);
    assert_int_equal(st.in_flight, 2);
    assert_int_equal(st.queued, 2);
    assert_int_equal(st.wire_queries, 4); /* queued ones asked nothing */
    /* A queued lookup can be cancelled like any other (all checked before
     * the loop runs: a deadline may free a place then). */
    assert_int_equal(lws_adns_cancel(f->cx, adns_t_cb, NULL, &other[2]), 1);
    assert_int_equal(lws_adns_get_stats(f->cx, &st), 0);
    assert_int_equal(st.queued, 1);
    /* Cancel one waiter of the shared lookup: it alone hears -ECANCELED,
     * later, once. */
    assert_int_equal(lws_adns_cancel(f->cx, adns_t_cb, NULL, &r[3]), 1);
    assert_int_equal(r[3].calls, 0);
    assert_true(adns_t_run_until(f->cx, &r[3].calls, 1, 1000));
    assert_true(adns_t_run_until(f->cx, &other[2].calls, 1, 1000));
    assert_int_equal(r[3].n, -ECANCELED);
    assert_int_equal(other[2].n, -ECANCELED);
    assert_int_equal(lws_adns_cancel(f->cx, adns_t_cb, NULL, &r[3]), 0);
    /* The deadline ends the rest with TIMEDOUT, each exactly once: the
     * one still queued after a whole deadline without asking. */
    for (int t = 0; t < 1000 && total < 13; t++) {
        lws_service(f->cx, 0);
        total = other[0].calls + other[1].calls + other[4].calls;
        for (int i = 0; i < 10; i++)
            total += r[i].calls;
    }
    for (int i = 0; i < 10; i++) {
        assert_int_equal(r[i].calls, 1);
        if (i != 3)
            assert_int_equal(r[i].n, LADNS_RET_TIMEDOUT);
    }
    assert_int_equal(other[0].calls, 1);
    assert_int_equal(other[1].calls, 1);
    assert_int_equal(other[1].n, LADNS_RET_TIMEDOUT);
    assert_int_equal(other[3].calls, 0);
    assert_int_equal(other[4].calls, 1);
    close(fd);
}

/* Every unanswered try is sent again after its try timeout (the wait
 * doubling each pass), before the overall deadline ends the lookup.  (On
 * armhf under c-ares, a time_t layout mismatch once put the retry timer
 * decades away.) */
static void test_adns_retries_after_try_timeout(void **state)
{
    struct lws_adns_info ai = {0};
    static struct adns_t_res r;
    uint8_t buf[512];
    struct fx f;
    int fd, sent = 0;

    (void)state;
    memset(&f, 0, sizeof(f));
    f.heap0 = lws__heap_in_use();
    ai.try_timeout_ms = 50;
    ai.tries = 3;
    ai.query_deadline_ms = 10000;
    f.cx = adns_t_context(&ai, NULL, NULL);
    assert_non_null(f.cx);
    add_silent_server(&f, &fd);
    memset(&r, 0, sizeof(r));
    assert_int_equal(lws_async_dns_query(f.cx, 0, "retry.test",
                                         LWS_ADNS_RECORD_A, adns_t_cb, NULL,
                                         &r),
                     LADNS_RET_CONTINUING);
    assert_true(adns_t_run_until(f.cx, &r.calls, 1, 15000));
    assert_true(r.n < 0);
    while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        sent++;
    /* A and AAAA once per try: 3 tries, so 6 (at least one retry: 4). */
    assert_true(sent >= 4);
    close(fd);
    lws_context_destroy(f.cx);
    assert_int_equal(lws__heap_in_use(), f.heap0);
}

static void test_adns_destroy_cancels(void **state)
{
    struct fx *f = *state;
    static struct adns_t_res r[3];
    int fd;

    add_silent_server(f, &fd);
    memset(r, 0, sizeof(r));
    assert_int_equal(lws_async_dns_query(f->cx, 0, "pending.test", 1, adns_t_cb,
                                         NULL, &r[0]),
                     LADNS_RET_CONTINUING);
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "10.0.0.1", 1, adns_t_cb, NULL, &r[1]),
        LADNS_RET_CONTINUING);
    lws_context_destroy(f->cx);
    assert_int_equal(r[0].calls, 1);
    assert_int_equal(r[0].n, -ECANCELED);
    assert_int_equal(r[1].calls, 1);
    assert_int_equal(r[1].n, -ECANCELED);
    f->cx = adns_t_context(NULL, NULL, NULL); /* for the teardown */
    close(fd);
}

static struct lws_context *destroy_cx;
static int destroy_calls[2], destroy_n[2];

static struct lws *destroy_cb(struct lws *wsi, const char *ads,
                              const struct addrinfo *result, int n,
                              void *opaque)
{
    int i = opaque ? 1 : 0;

    destroy_calls[i]++;
    destroy_n[i] = n;
    lws_async_dns_freeaddrinfo(&result);
    if (!i)
        lws_context_destroy(destroy_cx); /* from inside its own callback */
    return wsi;
}

static void test_adns_destroy_from_callback(void **state)
{
    struct fx *f = *state;

    destroy_cx = f->cx;
    memset(destroy_calls, 0, sizeof(destroy_calls));
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "10.0.0.1", 1, destroy_cb, NULL, NULL),
        LADNS_RET_CONTINUING);
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "10.0.0.2", 1, destroy_cb, NULL, f),
        LADNS_RET_CONTINUING);
    for (int t = 0; t < 100 && !destroy_calls[0]; t++)
        if (lws_service(f->cx, 0))
            break;
    assert_int_equal(destroy_calls[0], 1);
    assert_int_equal(destroy_n[0], LADNS_RET_FOUND);
    assert_int_equal(destroy_calls[1], 1);
    assert_int_equal(destroy_n[1], -ECANCELED);
    f->cx = adns_t_context(NULL, NULL, NULL); /* for the teardown */
}

static void test_adns_cancel_by_wsi(void **state)
{
    struct fx *f = *state;
    static struct adns_t_res r[3];
    struct lws *fake_wsi = (struct lws *)&r[2]; /* never dereferenced */
    int fd;

    add_silent_server(f, &fd);
    memset(r, 0, sizeof(r));
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "w1.test", 1, adns_t_cb, fake_wsi, &r[0]),
        LADNS_RET_CONTINUING);
    assert_int_equal(lws_async_dns_query(f->cx, 0, "10.1.1.1", 1, adns_t_cb,
                                         fake_wsi, &r[1]),
                     LADNS_RET_CONTINUING);
    assert_int_equal(
        lws_async_dns_query(f->cx, 0, "w1.test", 1, adns_t_cb, NULL, &r[2]),
        LADNS_RET_CONTINUING);
    assert_int_equal(lws_adns_cancel(f->cx, NULL, fake_wsi, NULL), 2);
    assert_true(adns_t_run_until(f->cx, &r[1].calls, 1, 1000));
    assert_true(adns_t_run_until(f->cx, &r[0].calls, 1, 1000));
    assert_int_equal(r[0].n, -ECANCELED);
    assert_true(r[0].wsi == fake_wsi);
    assert_int_equal(r[1].n, -ECANCELED);
    assert_int_equal(r[1].naddr, 0);
    assert_int_equal(r[2].calls, 0); /* still waiting for its answer */
    assert_true(adns_t_run_until(f->cx, &r[2].calls, 1, 2000));
    assert_int_equal(r[2].n, LADNS_RET_TIMEDOUT);
    close(fd);
}

/* Sockets live as long as their questions: with one question per socket,
 * five lookups to a silent server hold ten (A and AAAA each, every one on
 * a port of its own) until their deadline, then none is left open. */
static void test_adns_sockets_closed_after_questions(void **state)
{
    struct lws_adns_info ai = {0};
    static struct adns_t_res r[5];
    int fds0 = lt_count_fds();
    struct lws_context *cx;
    struct lws__adns *a;
    lws_sockaddr46 sa;
    char name[16];
    int fd;

    (void)state;
    ai.query_deadline_ms = 200;
    cx = adns_t_context(&ai, NULL, NULL);
    assert_non_null(cx);
    a = LWS__HELPER(cx, ADNS);
    memset(&sa, 0, sizeof(sa));
    sa.sa4.sin_family = AF_INET;
    sa.sa4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sa4.sin_port = htons((uint16_t)silent_port(&fd));
    assert_int_equal(lws_async_dns_server_add(cx, &sa), 0);
    memset(r, 0, sizeof(r));
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "n%d.test", i);
        assert_int_equal(
            lws_async_dns_query(cx, 0, name, 1, adns_t_cb, NULL, &r[i]),
            LADNS_RET_CONTINUING);
    }
    assert_int_equal(a->socks.count, 10); /* A and AAAA each */
    assert_null(a->cur);
    for (int i = 0; i < 5; i++) {
        assert_true(adns_t_run_until(cx, &r[i].calls, 1, 2000));
        assert_int_equal(r[i].n, LADNS_RET_TIMEDOUT);
    }
    assert_int_equal(a->socks.count, 0);
    assert_null(a->sul_try.list.owner);
    lws_context_destroy(cx);
    close(fd);
    assert_int_equal(lt_count_fds(), fds0);
}

/* OOM at every allocation of the query path: each failure is a clean
 * LADNS_RET_FAILED (no callback) or a callback reporting failure, and the
 * heap returns to where it was. */
static void test_adns_query_oom(void **state)
{
    struct fx *f = *state;
    /* Without LWS_WITH_SYS_ASYNC_DNS_FILES no hosts file: a localhost name
     * takes its place as the second local answer. */
    static const char *const names[] = {
        "10.0.0.1",
        LWS_WITH_SYS_ASYNC_DNS_FILES ? "printer.lan" : "a.localhost",
        "localhost", "cname.test"};
    struct adns_t_res warm;
    int ok_runs = 0;

    /* Read the hosts file and fill the channel pool before measuring. */
    q_run(f, names[1], LWS_ADNS_RECORD_A, &warm);
    q_run(f, "cname.test", LWS_ADNS_RECORD_CNAME, &warm);
    for (long n = 1; n < 200 && ok_runs < 2; n++) {
        struct adns_t_res r[4];
        size_t h0;
        int accepted = 0, failed = 0, calls = 0;
        bool acc[4];

        lws_adns_cache_flush(f->cx);
        h0 = lws__heap_in_use();
        memset(r, 0, sizeof(r));
        lws__alloc_fail_nth(n);
        for (int i = 0; i < 4; i++) {
            acc[i] = lws_async_dns_query(
                         f->cx, 0, names[i],
                         i == 3 ? LWS_ADNS_RECORD_CNAME : LWS_ADNS_RECORD_A,
                         adns_t_cb, NULL, &r[i]) == LADNS_RET_CONTINUING;
            accepted += acc[i];
            failed += !acc[i];
        }
        lws__alloc_fail_nth(0);
        for (int i = 0; i < 4; i++) {
            if (acc[i])
                assert_true(adns_t_run_until(f->cx, &r[i].calls, 1, 1000));
            calls += r[i].calls;
        }
        assert_int_equal(calls, accepted);
        for (int i = 0; i < 4; i++)
            assert_true(r[i].calls <= 1);
        lws_adns_cache_flush(f->cx);
        assert_int_equal(lws__heap_in_use(), h0);
        if (!failed && r[0].n == LADNS_RET_FOUND && r[1].n == LADNS_RET_FOUND &&
            r[2].n == LADNS_RET_FOUND)
            ok_runs++;
    }
    assert_int_equal(ok_runs, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adns_name_lc),
        cmocka_unit_test(test_adns_build_query),
        cmocka_unit_test(test_adns_reply_match),
        cmocka_unit_test(test_adns_parse_a),
        cmocka_unit_test(test_adns_parse_cname_chain),
        cmocka_unit_test(test_adns_parse_negative),
        cmocka_unit_test(test_adns_parse_rejects),
        cmocka_unit_test(test_adns_parse_caps_addresses),
        cmocka_unit_test(test_adns_parse_pointer_work_capped),
        cmocka_unit_test(test_adns_hosts_and_resolv),
        cmocka_unit_test(test_adns_parse_server),
        cmocka_unit_test(test_adns_result_chain),
        cmocka_unit_test(test_adns_cache_ttl),
        cmocka_unit_test(test_adns_cache_lru_entries),
        cmocka_unit_test(test_adns_cache_byte_limit),
        cmocka_unit_test(test_adns_cache_oom),
        cmocka_unit_test_setup_teardown(test_adns_literals_and_localhost,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_hosts_file_reload, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_bad_calls, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_coalesce_cancel_and_caps,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_destroy_cancels, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_destroy_from_callback,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_cancel_by_wsi, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_adns_query_oom, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_adns_sockets_closed_after_questions),
        cmocka_unit_test(test_adns_retries_after_try_timeout),
    };

    return cmocka_run_group_tests_name("adns", tests, NULL, NULL);
}
