/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The DHCPv6 client against a real dnsmasq (its RAs and its DHCPv6
 * server), as root, in two network namespaces joined by a veth pair that
 * this test creates and removes.  Stateless: dnsmasq's RA sets O
 * (ra-stateless), the client asks with Information-request and gets the
 * DNS server, the search domain, an SNTP server and the captive-portal
 * URI.  Stateful: the RA sets M, the client solicits (dnsmasq answers
 * with Rapid Commit), gets an IA_NA address, which is then on the
 * interface (`ip -6 addr`, in the client namespace), and the DNS server;
 * removing the client releases the lease (dnsmasq logs the Release) and takes
 * the address off.  Hostile: a DHCPv6 server and RA sender of the test's own
 * answer the Solicit with a wrong transaction id, broken option framing and no
 * client id before the real Advertise, and the Request with UseMulticast before
 * the real Reply (infinite lifetimes): each is dropped or refused, counted, and
 * the lease still comes.  The same server leaves the first two Releases
 * unanswered: the client, already removed, sends the Release again with
 * the same transaction id until the third is answered, then stops.  With
 * the server's side of the link holding the address first, the kernel's
 * DAD fails on the client's: the client declines it and gets another.  The
 * application's dhcpc6_apply op: it is told of the address (ADD, /128,
 * lifetimes) instead of the library putting it on the interface, and of its
 * removal at destroy and after the Release of lws_dhcpc6_remove(); a new client
 * gets the same address without stored state; the op removing its interface or
 * destroying the context from inside its ADD; an ADD again at each renewal (the
 * test's own server, T1 2 s).  With LWS_WITH_FI, the dhcp6.tx fault point
 * (sends failing): the first sends lost, bound on the retries; with a lease
 * held the Renew lost, the address stays and the Rebind renews it; the heap
 * back to 0 and no descriptor left after destroy.  Every wait polls for its
 * condition with a deadline.
 */
#include "private-ra6.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <lws-system/smd.h>

#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "fi-log.h"
#include "testutil.h"

#define SRV_IP6 "2001:db8:66::1"
#define PORTAL  "https://portal.lws.test/capport"

static struct dt_netpair np;
static char tmpdir[200], dns_log[256];
static pid_t dns_pid = -1;
static int saved_ns = -1;

static long long scaled(long long ms)
{
    return ms * lt_timeout_scale();
}

static void dnsmasq_stop(void)
{
    if (dns_pid > 0)
        lt_kill(dns_pid, 2000);
    dns_pid = -1;
}

/* dnsmasq with router advertisements and DHCPv6 on the server end; @range
 * is its dhcp-range. */
static int dnsmasq_start(const char *range)
{
    char bin[256], a_pid[300], a_if[64], a_range[200], a_lease[300];
    char *argv[] = {bin,
                    "-k",
                    "--conf-file=/dev/null",
                    "--bind-interfaces",
                    a_if,
                    "--no-resolv",
                    "--no-hosts",
                    "--log-facility=-",
                    "--log-dhcp",
                    "--user=root",
                    "--enable-ra",
                    a_range,
                    "--dhcp-option=option6:domain-search,lws.test",
                    "--dhcp-option=option6:sntp-server,[" SRV_IP6 "]",
                    "--dhcp-option=option6:103," PORTAL,
                    a_lease,
                    a_pid,
                    NULL};

    dnsmasq_stop(); /* a failed test's */
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s/dnsmasq.pid", tmpdir);
    snprintf(a_lease, sizeof(a_lease), "--dhcp-leasefile=%s/leases", tmpdir);
    snprintf(a_if, sizeof(a_if), "--interface=%s", np.if_srv);
    snprintf(a_range, sizeof(a_range), "--dhcp-range=%s", range);
    if (!lt_which("dnsmasq", bin, sizeof(bin)))
        return -1;
    unlink(dns_log);
    dns_pid = lt_spawn(argv, dns_log, np.ns_srv);
    if (dns_pid < 0 || !lt_wait_file_contains(dns_log, "started", 5000)) {
        fprintf(stderr, "dnsmasq did not start\n");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- client */

struct cli {
    struct lws_context *cx;
    lws_dhcpc6_ifstate_t is;
};

static void cli_create(struct cli *c)
{
    memset(c, 0, sizeof(*c));
    c->cx = lws_create_context(&(struct lws_context_creation_info){0});
    assert_non_null(c->cx);
    assert_int_equal(lws_dhcpc6_request(c->cx, np.if_cli), 0);
}

static bool stateless_done(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) &&
           c->is.dhcp6_state == LWS_DHCPC6_D6_STATELESS &&
           c->is.dhcp6_dns_count && c->is.dhcp6_domain_count;
}

static bool usable(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) && c->is.usable;
}

static bool bound(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) &&
           c->is.dhcp6_state == LWS_DHCPC6_D6_BOUND && c->is.dhcp6_dns_count;
}

static char want_addr[80];

/* `ip -6 addr` in the client namespace shows (or no longer shows) it. */
static bool addr_shown(void *arg)
{
    char out[4096];

    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -6 addr show dev %s",
                np.if_cli);
    return (strstr(out, want_addr) != NULL) == (arg != NULL);
}

static bool smd_lease6;
static int smd_rel;       /* 1: RELEASE seen, 2: then STOPPED */
static int smd_dns6 = -1; /* IPv6 servers the resolver last said it took */

static int smd_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                  size_t len)
{
    (void)opaque, (void)cls, (void)ts;
    if (memmem(buf, len, "\"type\":\"dhcp6\"", 14) &&
        memmem(buf, len, "\"state\":\"BOUND\"", 15))
        smd_lease6 = true;
    if (memmem(buf, len, "\"state\":\"RELEASE\"", 17))
        smd_rel = 1;
    if (smd_rel && memmem(buf, len, "\"state\":\"STOPPED\"", 17))
        smd_rel = 2;
    if (memmem(buf, len, "\"src\":\"ra6\"", 11)) {
        const char *p = memmem(buf, len, "\"servers\":", 10);

        if (p)
            smd_dns6 = atoi(p + 10);
    }
    return 0;
}

/* ------------------------------------------------------- a hostile server */

static int hs_fd = -1, hs_ra = -1;
static long long hs_ra_last;
static int hs_solicits, hs_requests, hs_renews;
/* Releases seen (the first two left unanswered), one with another
 * transaction id than the first's; Declines seen (each answered, and the
 * address handed out changed to ::78) */
static int hs_releases, hs_declines;
static bool hs_rel_other_xid;
static uint32_t hs_rel_xid;
static const char *hs_addr = "2001:db8:66::77";
/* the lease: T1 2 s, T2 3 s, preferred 4 s, valid 8 s (else T1 and T2 the
 * client's to choose, lifetimes infinite) */
static bool hs_short;

static void hs_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int hs_open(void)
{
    struct ipv6_mreq mr;
    struct sockaddr_in6 sa;
    int saved, one = 1;

    if (dt_netns_enter(np.ns_srv, &saved))
        return -1;
    hs_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    dt_netns_leave(saved);
    hs_ra = dt_ra_sock(np.ns_srv, np.if_srv);
    if (hs_fd < 0 || hs_ra < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(547);
    memset(&mr, 0, sizeof(mr));
    inet_pton(AF_INET6, "ff02::1:2", &mr.ipv6mr_multiaddr);
    mr.ipv6mr_interface = if_nametoindex(np.if_srv);
    if (setsockopt(hs_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        setsockopt(hs_fd, SOL_SOCKET, SO_BINDTODEVICE, np.if_srv,
                   (socklen_t)strlen(np.if_srv)) ||
        bind(hs_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        setsockopt(hs_fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
        return -1;
    return 0;
}

static void hs_close(void)
{
    if (hs_fd >= 0)
        close(hs_fd);
    if (hs_ra >= 0)
        close(hs_ra);
    hs_fd = hs_ra = -1;
}

static size_t hs_opt(uint8_t *b, size_t n, uint16_t code, const void *d,
                     size_t len)
{
    b[n] = (uint8_t)(code >> 8);
    b[n + 1] = (uint8_t)code;
    b[n + 2] = (uint8_t)(len >> 8);
    b[n + 3] = (uint8_t)len;
    memcpy(b + n + 4, d, len);
    return n + 4 + len;
}

/* Finds option @code in a client message; its length in *@len. */
static const uint8_t *hs_find(const uint8_t *b, size_t n, uint16_t code,
                              size_t *len)
{
    for (size_t i = 4; i + 4 <= n;) {
        size_t l = (size_t)(b[i + 2] << 8 | b[i + 3]);

        if (i + 4 + l > n)
            return NULL;
        if ((b[i] << 8 | b[i + 1]) == code) {
            *len = l;
            return b + i + 4;
        }
        i += 4 + l;
    }
    return NULL;
}

enum { HS_OK, HS_XID, HS_FRAMING, HS_NO_CID, HS_MCAST };

/* An Advertise (@type 2) or Reply (7) to @req, broken as @how says. */
static size_t hs_build(uint8_t *b, const uint8_t *req, size_t rlen,
                       uint8_t type, int how)
{
    static const uint8_t sid[] = {0, 3, 0, 1, 0x02, 0x55, 0, 0, 0, 1};
    const uint8_t *cid, *ia;
    size_t clen = 0, ilen = 0, n = 4;
    uint8_t iabuf[12 + 28];

    cid = hs_find(req, rlen, 1, &clen);
    ia = hs_find(req, rlen, 3, &ilen);
    if (!cid || !ia || ilen < 4)
        return 0;
    b[0] = type;
    memcpy(b + 1, req + 1, 3);
    if (how == HS_XID)
        b[3] ^= 0x5a;
    if (how != HS_NO_CID)
        n = hs_opt(b, n, 1, cid, clen);
    n = hs_opt(b, n, 2, sid, sizeof(sid));
    memcpy(iabuf, ia, 4);    /* the client's IAID */
    memset(iabuf + 4, 0, 8); /* T1, T2: the client's to choose */
    iabuf[12] = 0;
    iabuf[13] = 5;
    iabuf[14] = 0;
    iabuf[15] = 24;
    inet_pton(AF_INET6, hs_addr, iabuf + 16);
    memset(iabuf + 32, 0xff, 8); /* preferred and valid: infinite */
    if (hs_short) {
        hs_be32(iabuf + 4, 2);
        hs_be32(iabuf + 8, 3);
        hs_be32(iabuf + 32, 4);
        hs_be32(iabuf + 36, 8);
    }
    n = hs_opt(b, n, 3, iabuf, sizeof(iabuf));
    n = hs_opt(b, n, 7, "\xff", 1); /* preference 255 */
    if (how == HS_MCAST)
        n = hs_opt(b, n, 13, "\0\5", 2);
    if (how == HS_FRAMING) {
        b[n++] = 0;
        b[n++] = 23;
        b[n++] = 0;
        b[n++] = 64; /* 64 bytes announced, none there */
    }
    return n;
}

/* Answers what the client sent; an RA with M every half second. */
static void hs_serve(void)
{
    static const int sol[] = {HS_XID, HS_FRAMING, HS_NO_CID, HS_OK};
    static const int req[] = {HS_MCAST, HS_OK}, ren[] = {HS_OK};
    uint8_t in[1500], out[300];
    struct sockaddr_in6 from;
    socklen_t fl = sizeof(from);
    ssize_t n;

    if (lt_now_ms() - hs_ra_last >= 500) {
        uint8_t ra[16] = {ND_ROUTER_ADVERT, 0, 0, 0, 64, 0x80, 0x07, 0x08};
        struct sockaddr_in6 to = {.sin6_family = AF_INET6};

        hs_ra_last = lt_now_ms();
        inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
        (void)!sendto(hs_ra, ra, sizeof(ra), 0, (struct sockaddr *)&to,
                      sizeof(to));
    }
    while ((n = recvfrom(hs_fd, in, sizeof(in), 0, (struct sockaddr *)&from,
                         &fl)) >= 4) {
        uint32_t xid = (uint32_t)(in[1] << 16 | in[2] << 8 | in[3]);
        const int *seq = in[0] == 1                               ? sol
                         : in[0] == 3                             ? req
                         : in[0] == 5 || in[0] == 6 || in[0] >= 8 ? ren
                                                                  : NULL;
        size_t cnt = in[0] == 1 ? 4 : in[0] == 3 ? 2 : 1;

        fl = sizeof(from);
        if (in[0] == 8) { /* Release: the third is answered */
            if (!hs_releases++)
                hs_rel_xid = xid;
            hs_rel_other_xid |= xid != hs_rel_xid;
            if (hs_releases < 3)
                continue;
        }
        if (in[0] == 9) { /* Decline: another address from now on */
            hs_declines++;
            hs_addr = "2001:db8:66::78";
        }
        if (!seq || in[0] > 9)
            continue;
        if (in[0] < 8)
            *(in[0] == 1   ? &hs_solicits
              : in[0] == 3 ? &hs_requests
                           : &hs_renews) += 1;
        for (size_t i = 0; i < cnt; i++) {
            size_t len =
                hs_build(out, in, (size_t)n, in[0] == 1 ? 2 : 7, seq[i]);

            if (len)
                (void)!sendto(hs_fd, out, len, 0, (struct sockaddr *)&from, fl);
        }
        fl = sizeof(from);
    }
}

static bool hs_state_bound(void *arg)
{
    struct cli *c = arg;

    hs_serve();
    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) &&
           c->is.dhcp6_state == LWS_DHCPC6_D6_BOUND;
}

static bool smd_bound(void *arg)
{
    (void)arg;
    return smd_lease6;
}

static bool smd_dns_gone(void *arg)
{
    (void)arg;
    return smd_dns6 == 0;
}

/* ---------------------------------------------------------------- tests */

static void test_dhcp6_stateless_gets_dns_and_domain(void **state)
{
    char a[INET6_ADDRSTRLEN];
    lws_sockaddr46 sa;
    struct cli c;

    (void)state;
    assert_int_equal(dnsmasq_start(SRV_IP6 ",ra-stateless"), 0);
    cli_create(&c);
    assert_true(dt_service_until(c.cx, stateless_done, &c, scaled(30000), 20));
    assert_int_equal(c.is.other, 1);
    assert_int_equal(c.is.managed, 0);
    inet_ntop(AF_INET6, &c.is.dhcp6_dns[0].sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    assert_string_equal(c.is.dhcp6_domains[0], "lws.test");
    assert_int_equal(c.is.dhcp6_ntp_count, 1);
    inet_ntop(AF_INET6, &c.is.dhcp6_ntp[0].sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    assert_string_equal(c.is.dhcp6_captive_portal, PORTAL);
    assert_int_equal(c.is.dhcp6_addr.sa6.sin6_family, 0);
    assert_true(c.is.dhcp6_server_duid_len >= 4);
    assert_true(c.is.dhcp6_replies >= 1);
    /* usable: dnsmasq's router, the kernel's SLAAC address, a DNS server */
    assert_true(dt_service_until(c.cx, usable, &c, scaled(10000), 20));
    assert_int_equal(lws_dhcpc6_status(c.cx, &sa), 1);
    assert_int_equal(sa.sa6.sin6_family, AF_INET6);
    assert_true(
        lt_wait_file_contains(dns_log, "DHCPINFORMATION-REQUEST", 2000));
    lws_context_destroy(c.cx);
    dnsmasq_stop();
}

static void test_dhcp6_stateful_address_applied_and_released(void **state)
{
    char a[INET6_ADDRSTRLEN];
    struct cli c;

    (void)state;
    assert_int_equal(dnsmasq_start("2001:db8:66::100,2001:db8:66::1ff,64,600"),
                     0);
    cli_create(&c);
    assert_non_null(lws_smd_register(c.cx, NULL, 0, LWSSMDCL_NETWORK, smd_cb));
    assert_true(dt_service_until(c.cx, bound, &c, scaled(30000), 20));
    assert_int_equal(c.is.managed, 1);
    assert_int_equal(c.is.dhcp6_addr.sa6.sin6_family, AF_INET6);
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    assert_int_equal(strncmp(a, "2001:db8:66::1", 14), 0); /* ::100-::1ff */
    assert_true(c.is.dhcp6_valid_secs > 0 && c.is.dhcp6_valid_secs <= 600);
    assert_true(c.is.dhcp6_t1_secs <= c.is.dhcp6_t2_secs);
    assert_true(c.is.dhcp6_server_duid_len >= 4);
    /* dnsmasq answers a Solicit with Rapid Commit at once (the Advertise /
     * Request path is the unit tests') */
    assert_int_equal(c.is.dhcp6_rapid_commit, 1);
    inet_ntop(AF_INET6, &c.is.dhcp6_dns[0].sa6.sin6_addr, a + 0, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", a);
    /* on the interface (the kernel's view, in the client namespace) */
    assert_true(lt_wait_for(addr_shown, (void *)1, (int)scaled(5000)));
    assert_true(dt_service_until(c.cx, smd_bound, NULL, scaled(5000), 20));
    /* the RA (router) and the DHCPv6 address and DNS server: usable */
    assert_int_equal(lws_dhcpc6_status(c.cx, NULL), 1);
    /* release on stop: dnsmasq sees it, the address goes */
#if defined(LWS_WITH_SYS_ASYNC_DNS)
    assert_int_equal(smd_dns6, 1); /* dnsmasq's, from DHCPv6 */
    smd_dns6 = -1;
#endif
    assert_int_equal(lws_dhcpc6_remove(c.cx, np.if_cli), 0);
#if defined(LWS_WITH_SYS_ASYNC_DNS)
    /* the resolver was told (lws_smd) that the interface's IPv6 servers
     * are gone, after the DHCPv6 and RA ones were withdrawn */
    assert_true(dt_service_until(c.cx, smd_dns_gone, NULL, scaled(5000), 20));
#endif
    assert_true(lt_wait_file_contains(dns_log, "DHCPRELEASE", 5000));
    assert_true(lt_wait_for(addr_shown, NULL, (int)scaled(5000)));
    lws_context_destroy(c.cx);
    dnsmasq_stop();
}

static void test_dhcp6_hostile_server_refused_then_bound(void **state)
{
    char a[INET6_ADDRSTRLEN];
    struct cli c;

    (void)state;
    dnsmasq_stop();
    assert_int_equal(hs_open(), 0);
    cli_create(&c);
    assert_true(dt_service_until(c.cx, hs_state_bound, &c, scaled(30000), 20));
    assert_true(c.is.dhcp6_dropped >= 3); /* xid, framing, no client id */
    assert_true(c.is.dhcp6_refused >= 1); /* UseMulticast */
    assert_int_equal(c.is.dhcp6_valid_secs, 0xffffffffu);
    assert_int_equal(c.is.dhcp6_valid_left, 0xffffffffu);
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, "2001:db8:66::77");
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", a);
    assert_true(lt_wait_for(addr_shown, (void *)1, (int)scaled(5000)));
    lws_context_destroy(c.cx);
    /* destroying the context takes the address off too */
    assert_true(lt_wait_for(addr_shown, NULL, (int)scaled(5000)));
    hs_close();
}

static bool hs_released(void *arg)
{
    (void)arg;
    hs_serve();
    return smd_rel == 2;
}

/* lws_dhcpc6_remove(): the address is off when the call returns; the
 * Release is sent again (the same transaction id) while the test's own
 * server ignores it, and the third, answered, ends it: the removed
 * interface's client stops (lws_smd RELEASE, then STOPPED). */
static void test_dhcp6_release_retransmitted(void **state)
{
    struct cli c;

    (void)state;
    dnsmasq_stop();
    hs_releases = 0;
    hs_rel_other_xid = false;
    smd_rel = 0;
    assert_int_equal(hs_open(), 0);
    cli_create(&c);
    assert_non_null(lws_smd_register(c.cx, NULL, 0, LWSSMDCL_NETWORK, smd_cb));
    assert_true(dt_service_until(c.cx, hs_state_bound, &c, scaled(30000), 20));
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", hs_addr);
    assert_true(lt_wait_for(addr_shown, (void *)1, (int)scaled(5000)));
    assert_int_equal(lws_dhcpc6_remove(c.cx, np.if_cli), 0);
    assert_true(addr_shown(NULL)); /* off before the Release */
    assert_true(dt_service_until(c.cx, hs_released, NULL, scaled(30000), 20));
    assert_int_equal(hs_releases, 3);
    assert_false(hs_rel_other_xid);
    lws_context_destroy(c.cx);
    /* destroyed while the Release lingers: it ends there, nothing leaks
     * (the sanitizer builds say) */
    hs_releases = 0;
    cli_create(&c);
    assert_true(dt_service_until(c.cx, hs_state_bound, &c, scaled(30000), 20));
    assert_int_equal(lws_dhcpc6_remove(c.cx, np.if_cli), 0);
    lws_context_destroy(c.cx);
    hs_close();
}

static bool hs_bound_78(void *arg)
{
    struct cli *c = arg;
    char a[INET6_ADDRSTRLEN] = "";

    if (!hs_state_bound(arg))
        return false;
    inet_ntop(AF_INET6, &c->is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    return !strcmp(a, "2001:db8:66::78");
}

/* The server's side holds ::77, its own DAD done (a tentative address
 * does not defend itself). */
static bool srv_holds_77(void *arg)
{
    char out[4096];

    (void)arg;
    dt_netns_sh(np.ns_srv, out, sizeof(out), "ip -6 addr show dev %s",
                np.if_srv);
    return strstr(out, "2001:db8:66::77/128 scope global \n") != NULL;
}

/* Duplicate address detection: the server's side of the link holds ::77
 * (with DAD) before the test's own server hands ::77 out; the kernel
 * flags it DADFAILED on the client's side, the client takes it off,
 * declines it (the server then hands out ::78) and solicits again: bound
 * to ::78, which is on the interface, ::77 not. */
static void test_dhcp6_dad_failure_declined(void **state)
{
    struct cli c;

    (void)state;
    dnsmasq_stop();
    hs_declines = 0;
    hs_addr = "2001:db8:66::77";
    assert_int_equal(dt_netns_sh(np.ns_srv, NULL, 0,
                                 "ip -6 addr add 2001:db8:66::77/128 dev %s",
                                 np.if_srv),
                     0);
    assert_true(lt_wait_for(srv_holds_77, NULL, (int)scaled(5000)));
    assert_int_equal(hs_open(), 0);
    cli_create(&c);
    assert_true(dt_service_until(c.cx, hs_bound_78, &c, scaled(30000), 20));
    assert_true(hs_declines >= 1);
    snprintf(want_addr, sizeof(want_addr), "inet6 2001:db8:66::78/128");
    assert_true(lt_wait_for(addr_shown, (void *)1, (int)scaled(5000)));
    snprintf(want_addr, sizeof(want_addr), "inet6 2001:db8:66::77/128");
    assert_true(addr_shown(NULL));
    lws_context_destroy(c.cx);
    hs_close();
    dt_netns_sh(np.ns_srv, NULL, 0, "ip -6 addr del 2001:db8:66::77/128 dev %s",
                np.if_srv);
    hs_addr = "2001:db8:66::77";
}

/* ------------------------------------------- the application's apply op */

/* What the dhcpc6_apply op was told, in order. */
static struct {
    int op;
    lws_dhcpc6_lease_t l;
} rec[16];
static int nrec;
/* What the op does on its first ADD: 0 nothing, 1 lws_dhcpc6_remove(),
 * 2 lws_context_destroy(), 3 return -EADDRINUSE (DAD failed) */
static int rec_then;
static struct cli *rec_cli;

static int rec_op(struct lws_context *cx, const lws_dhcpc6_lease_t *l, int op)
{
    bool first_add = op == LWS_DHCPC_APPLY_ADD &&
                     !(nrec && rec[nrec - 1].op == LWS_DHCPC_APPLY_ADD);

    if (nrec < (int)(sizeof(rec) / sizeof(rec[0]))) {
        rec[nrec].op = op;
        rec[nrec++].l = *l;
    }
    if (first_add && rec_then == 1)
        assert_int_equal(lws_dhcpc6_remove(cx, np.if_cli), 0);
    if (first_add && rec_then == 2) {
        rec_then = 0;
        lws_context_destroy(cx);
        rec_cli->cx = NULL;
    }
    if (first_add && rec_then == 3) {
        rec_then = 0;
        return -EADDRINUSE;
    }
    return 0;
}

static int rec_count(int op)
{
    int n = 0;

    for (int i = 0; i < nrec; i++)
        n += rec[i].op == op;
    return n;
}

static bool rec_added(void *arg)
{
    (void)arg;
    return rec_count(LWS_DHCPC_APPLY_ADD) > 0;
}

static void cli_create_op(struct cli *c)
{
    static lws_system_ops_t ops = {.dhcpc6_apply = rec_op};

    memset(c, 0, sizeof(*c));
    nrec = 0;
    rec_cli = c;
    c->cx = lws_create_context(
        &(struct lws_context_creation_info){.system_ops = &ops});
    assert_non_null(c->cx);
    assert_int_equal(lws_dhcpc6_request(c->cx, np.if_cli), 0);
}

/* The op's first ADD: the lease the client reports, as a /128 with its
 * lifetimes, and nothing on the interface from the library. */
static void check_add(struct cli *c, char *a, size_t alen)
{
    const lws_dhcpc6_lease_t *l = &rec[0].l;

    assert_int_equal(rec[0].op, LWS_DHCPC_APPLY_ADD);
    assert_string_equal(l->ifname, np.if_cli);
    assert_int_equal(l->ifindex, (int)if_nametoindex(np.if_cli));
    assert_int_equal(l->addr.sa6.sin6_family, AF_INET6);
    assert_int_equal(l->prefix_len, 128);
    assert_true(l->valid_secs > 0 && l->valid_secs <= 600);
    assert_true(l->preferred_secs <= l->valid_secs);
    assert_true(l->t1_secs <= l->t2_secs);
    inet_ntop(AF_INET6, &l->addr.sa6.sin6_addr, a, alen);
    assert_int_equal(strncmp(a, "2001:db8:66::1", 14), 0); /* ::100-::1ff */
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", a);
    assert_true(addr_shown(NULL)); /* not there: the op is the applier */
    if (c) {
        assert_true(bound(c));
        assert_memory_equal(&c->is.dhcp6_addr.sa6.sin6_addr,
                            &l->addr.sa6.sin6_addr, 16);
        assert_int_equal(c->is.dhcp6_valid_secs, l->valid_secs);
    }
}

/* The last REMOVE names the address of the first ADD. */
static void check_removed(void)
{
    assert_int_equal(rec[nrec - 1].op, LWS_DHCPC_APPLY_REMOVE);
    assert_memory_equal(&rec[nrec - 1].l.addr.sa6.sin6_addr,
                        &rec[0].l.addr.sa6.sin6_addr, 16);
    assert_int_equal(rec[nrec - 1].l.prefix_len, 128);
    assert_int_equal(rec_count(LWS_DHCPC_APPLY_REMOVE), 1);
}

static void tick_noop(lws_sorted_usec_list_t *sul)
{
    (void)sul;
}

static void test_dhcp6_apply_op_replaces_rtnetlink(void **state)
{
    char a[INET6_ADDRSTRLEN], first[INET6_ADDRSTRLEN];
    long long end;
    struct cli c;

    (void)state;
    assert_int_equal(dnsmasq_start("2001:db8:66::100,2001:db8:66::1ff,64,600"),
                     0);
    /* ADD at bind; REMOVE at destroy (no Release: dnsmasq keeps the
     * binding) */
    rec_then = 0;
    cli_create_op(&c);
    assert_true(dt_service_until(c.cx, bound, &c, scaled(30000), 20));
    assert_true(dt_service_until(c.cx, rec_added, NULL, scaled(5000), 20));
    check_add(&c, first, sizeof(first));
    lws_context_destroy(c.cx);
    check_removed();
    assert_true(addr_shown(NULL));
    /* a new client (no stored lease) gets the same address: the server
     * keys the binding on our DUID-LL and IAID; REMOVE after the Release
     * of lws_dhcpc6_remove() */
    cli_create_op(&c);
    assert_true(dt_service_until(c.cx, rec_added, NULL, scaled(30000), 20));
    check_add(&c, a, sizeof(a));
    assert_string_equal(a, first);
    assert_int_equal(lws_dhcpc6_remove(c.cx, np.if_cli), 0);
    check_removed();
    assert_true(lt_wait_file_contains(dns_log, "DHCPRELEASE", 5000));
    lws_context_destroy(c.cx);
    assert_int_equal(rec_count(LWS_DHCPC_APPLY_REMOVE), 1);

    /* the op removes its own interface from inside its ADD: the client
     * goes (Release) after it returns, and the REMOVE follows */
    rec_then = 1;
    cli_create_op(&c);
    assert_true(dt_service_until(c.cx, rec_added, NULL, scaled(30000), 20));
    check_add(NULL, a, sizeof(a));
    check_removed();
    assert_int_equal(lws_dhcpc6_get_ifstate(c.cx, np.if_cli, &c.is), -ENOENT);
    lws_context_destroy(c.cx);
    assert_int_equal(nrec, 2);

    /* the op destroys the context from inside its ADD: a REMOVE follows,
     * then nothing (ASan sees no use after free) */
    rec_then = 2;
    cli_create_op(&c);
    end = lt_now_ms() + scaled(30000);
    while (c.cx && lt_now_ms() < end) {
        lws_sorted_usec_list_t tick;

        memset(&tick, 0, sizeof(tick));
        lws_sul_schedule(c.cx, 0, &tick, tick_noop, 20 * LWS_US_PER_MS);
        lws_service(c.cx, 0);
        if (c.cx)
            lws_sul_cancel(&tick);
    }
    assert_null(c.cx);
    check_add(NULL, a, sizeof(a));
    check_removed();
    assert_int_equal(nrec, 2);
    dnsmasq_stop();
}

static bool hs_renewed_twice(void *arg)
{
    (void)arg;
    hs_serve();
    return rec_count(LWS_DHCPC_APPLY_ADD) >= 3;
}

/* The op at renewal: a lease of the test's own server with T1 2 s and
 * lifetimes 4 / 8 s is renewed (Renew / Reply): each Reply is an ADD of the
 * same address with its lifetimes again, and no REMOVE until destroy. */
static void test_dhcp6_apply_op_at_renewal(void **state)
{
    struct cli c;
    char a[INET6_ADDRSTRLEN];

    (void)state;
    dnsmasq_stop();
    hs_short = true;
    hs_renews = 0;
    assert_int_equal(hs_open(), 0);
    rec_then = 0;
    cli_create_op(&c);
    assert_true(
        dt_service_until(c.cx, hs_renewed_twice, NULL, scaled(30000), 20));
    assert_true(hs_renews >= 2);
    assert_int_equal(rec_count(LWS_DHCPC_APPLY_REMOVE), 0);
    for (int i = 0; i < nrec; i++) {
        inet_ntop(AF_INET6, &rec[i].l.addr.sa6.sin6_addr, a, sizeof(a));
        assert_string_equal(a, "2001:db8:66::77");
        assert_int_equal(rec[i].l.preferred_secs, 4);
        assert_int_equal(rec[i].l.valid_secs, 8);
        assert_int_equal(rec[i].l.t1_secs, 2);
        assert_int_equal(rec[i].l.t2_secs, 3);
    }
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", a);
    assert_true(addr_shown(NULL)); /* the op applies, not the library */
    lws_context_destroy(c.cx);
    assert_int_equal(rec_count(LWS_DHCPC_APPLY_REMOVE), 1);
    assert_int_equal(rec[nrec - 1].op, LWS_DHCPC_APPLY_REMOVE);
    hs_close();
    hs_short = false;
}

static bool rec_added_twice(void *arg)
{
    (void)arg;
    hs_serve();
    return rec_count(LWS_DHCPC_APPLY_ADD) >= 2;
}

/* The op reports a DAD failure (-EADDRINUSE from its first ADD): the
 * client declines the address (the test's own server then hands out ::78)
 * and the next ADD is of ::78, with no REMOVE of what was never applied. */
static void test_dhcp6_apply_op_dad_declined(void **state)
{
    char a[INET6_ADDRSTRLEN];
    struct cli c;

    (void)state;
    dnsmasq_stop();
    hs_declines = 0;
    hs_addr = "2001:db8:66::77";
    assert_int_equal(hs_open(), 0);
    rec_then = 3;
    cli_create_op(&c);
    assert_true(
        dt_service_until(c.cx, rec_added_twice, NULL, scaled(30000), 20));
    assert_int_equal(hs_declines, 1);
    assert_int_equal(rec[0].op, LWS_DHCPC_APPLY_ADD);
    inet_ntop(AF_INET6, &rec[0].l.addr.sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, "2001:db8:66::77");
    assert_int_equal(rec[1].op, LWS_DHCPC_APPLY_ADD);
    inet_ntop(AF_INET6, &rec[1].l.addr.sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, "2001:db8:66::78");
    lws_context_destroy(c.cx);
    assert_int_equal(rec[nrec - 1].op, LWS_DHCPC_APPLY_REMOVE);
    assert_int_equal(rec_count(LWS_DHCPC_APPLY_REMOVE), 1);
    hs_close();
    hs_addr = "2001:db8:66::77";
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "dhcp6"))
        return -1;
    snprintf(dns_log, sizeof(dns_log), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "d6", NULL) ||
        dt_netns_sh(np.ns_srv, NULL, 0,
                    "sysctl -qw net.ipv6.conf.all.forwarding=1 && "
                    "ip -6 addr add " SRV_IP6 "/64 dev %s nodad",
                    np.if_srv))
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static void stop_all(void)
{
    hs_close();
    dnsmasq_stop();
    dt_netpair_destroy(&np);
}

static int group_teardown(void **state)
{
    (void)state;
    dt_netns_leave(saved_ns);
    saved_ns = -1;
    stop_all();
    if (!getenv("LWS_TEST_DEBUG"))
        lt_rmtree(tmpdir);
    return 0;
}

static void on_signal(int sig)
{
    stop_all();
    dt_reraise(sig);
}

#if LWS_WITH_FI
static int fi_renews0;

static bool hs_fi_fired(void *arg)
{
    struct cli *c = arg;

    hs_serve();
    return lws_fi_fired(c->cx, "dhcp6.tx") >= 1;
}

/* Answered (Renew or Rebind) since the fault, bound again. */
static bool hs_fi_renewed(void *arg)
{
    return hs_state_bound(arg) && hs_renews > fi_renews0;
}

/* dhcp6.tx, the test's own server (T1 2 s, T2 3 s, valid 8 s): the first
 * two sends (RS, Solicit) lost: logged, sent again, bound; then the Renew
 * lost: logged, the address stays on the interface, the Rebind (answered)
 * renews the lease.  The heap is back to 0 and no descriptor is left. */
static void test_dhcp6_fi_tx(void **state)
{
    int fds = lt_count_fds();
    char a[INET6_ADDRSTRLEN];
    struct cli c;

    (void)state;
    dnsmasq_stop();
    hs_short = true;
    hs_renews = 0;
    assert_int_equal(hs_open(), 0);
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO);
    memset(&c, 0, sizeof(c));
    c.cx = lws_create_context(&(struct lws_context_creation_info){
        .fi = "dhcp6.tx(1..2)", .fi_seed = 3});
    assert_non_null(c.cx);
    assert_int_equal(lws_dhcpc6_request(c.cx, np.if_cli), 0);
    assert_true(dt_service_until(c.cx, hs_state_bound, &c, scaled(30000), 20));
    assert_int_equal(lws_fi_fired(c.cx, "dhcp6.tx"), 2);
    assert_true(fi_logged("inject dhcp6.tx"));
    assert_true(fi_logged("No buffer space available"));
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, "2001:db8:66::77");
    snprintf(want_addr, sizeof(want_addr), "inet6 %s/128", a);
    assert_true(lt_wait_for(addr_shown, (void *)1, (int)scaled(5000)));
    /* the lease held: the next send (the Renew at T1) lost */
    fi_log_reset();
    fi_renews0 = hs_renews;
    assert_int_equal(lws_fi_enable(c.cx, "dhcp6.tx(once)"), 0);
    assert_true(dt_service_until(c.cx, hs_fi_fired, &c, scaled(10000), 20));
    assert_true(fi_logged("send: No buffer space available"));
    assert_int_equal(hs_renews, fi_renews0); /* nothing left */
    assert_true(addr_shown((void *)1));
    assert_int_equal(lws_dhcpc6_get_ifstate(c.cx, np.if_cli, &c.is), 0);
    assert_true(c.is.dhcp6_addr.sa6.sin6_family == AF_INET6);
    /* the rule spent: the Rebind goes out and is answered */
    assert_true(dt_service_until(c.cx, hs_fi_renewed, &c, scaled(10000), 20));
    assert_int_equal(lws_fi_fired(c.cx, "dhcp6.tx"), 1);
    inet_ntop(AF_INET6, &c.is.dhcp6_addr.sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, "2001:db8:66::77");
    assert_true(addr_shown((void *)1));
    print_message("Renew lost, %d answered since, address kept\n",
                  hs_renews - fi_renews0);
    lws_context_destroy(c.cx);
    assert_int_equal(lws__heap_in_use(), 0);
    hs_close();
    hs_short = false;
    assert_int_equal(lt_count_fds(), fds);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcp6_stateless_gets_dns_and_domain),
        cmocka_unit_test(test_dhcp6_stateful_address_applied_and_released),
        cmocka_unit_test(test_dhcp6_hostile_server_refused_then_bound),
        cmocka_unit_test(test_dhcp6_release_retransmitted),
        cmocka_unit_test(test_dhcp6_dad_failure_declined),
        cmocka_unit_test(test_dhcp6_apply_op_replaces_rtnetlink),
        cmocka_unit_test(test_dhcp6_apply_op_at_renewal),
        cmocka_unit_test(test_dhcp6_apply_op_dad_declined),
#if LWS_WITH_FI
        cmocka_unit_test(test_dhcp6_fi_tx),
#endif
    };
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    return cmocka_run_group_tests_name("dhcp6-dnsmasq", tests, group_setup,
                                       group_teardown);
}
