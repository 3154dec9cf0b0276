/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The router-advertisement client against a real radvd, as root, in two
 * network namespaces joined by a veth pair that this test creates and
 * removes.  The server namespace runs radvd (prefix, MTU, RDNSS, DNSSL, M/O
 * flags) and dnsmasq as a DNS server on its IPv6 address only; radvd
 * cannot send the RFC 8910 captive-portal option, so the test sends one
 * more RA of its own carrying it, from the same router.  The test thread
 * lives in the client namespace, where the kernel does SLAAC.  Asserted:
 * everything the RAs said was learnt, the global address the kernel made
 * is reported, lws_dhcpc6_status() says usable, lws_smd carries it (and
 * the resolver's note that it took the server), a DNS lookup then goes to
 * the RDNSS server (dnsmasq answers it and logs where it came from), a
 * link flap forgets and learns everything again, and RAs that arrive
 * forwarded (hop limit 64) or name loopback as a DNS server are refused.
 */
#include "private-ra6.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
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

#include <lws-system/smd.h>

#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "testutil.h"

#define SRV_IP6 "2001:db8:77::1"
#define PORTAL  "https://portal.lws.test/capport/api"

static struct dt_netpair np;
static char tmpdir[200], radvd_log[256], dns_log[256];
static pid_t radvd_pid = -1, dns_pid = -1;
static int saved_ns = -1, portal_fd = -1;
static long long portal_last;

/* ---------------------------------------------------------------- servers */

static int radvd_start(void)
{
    return dt_radvd_start(&radvd_pid, np.ns_srv, np.if_srv, tmpdir, radvd_log,
                          "  AdvSendAdvert on;\n"
                          "  MinRtrAdvInterval 3;\n"
                          "  MaxRtrAdvInterval 10;\n"
                          "  AdvDefaultLifetime 1800;\n"
                          "  AdvOtherConfigFlag on;\n"
                          "  AdvLinkMTU 1400;\n"
                          "  prefix 2001:db8:77::/64 {\n"
                          "    AdvOnLink on;\n"
                          "    AdvAutonomous on;\n"
                          "    AdvValidLifetime 3600;\n"
                          "    AdvPreferredLifetime 1800;\n"
                          "  };\n"
                          "  RDNSS " SRV_IP6 " { AdvRDNSSLifetime 600; };\n"
                          "  DNSSL lws.test example.lan { AdvDNSSLLifetime "
                          "600; };\n");
}

/* dnsmasq as a DNS server on the IPv6 address only, logging queries. */
static int dns_start(void)
{
    return dt_dns_start(&dns_pid, np.ns_srv, SRV_IP6, tmpdir, dns_log);
}

/* A raw ICMPv6 socket in the server namespace for our own RA.  It leaves
 * from the same link-local address as radvd's: one router splitting its
 * options over two RAs, as RFC 4861 §6.2.3 allows. */
static int portal_open(void)
{
    portal_fd = dt_ra_sock(np.ns_srv, np.if_srv);
    return portal_fd < 0 ? -1 : 0;
}

/* RFC 8910 §2.3 in an RA with radvd's flags and router lifetime, to all
 * nodes, every half second until the test has what it waits for.  Fails
 * quietly while the server's link-local address is still tentative. */
static void portal_send(void)
{
    uint8_t ra[16 + 48];
    size_t ul = strlen(PORTAL), olen = (2 + ul + 7) / 8 * 8;
    struct sockaddr_in6 to;

    if (lt_now_ms() - portal_last < 500)
        return;
    portal_last = lt_now_ms();
    memset(ra, 0, sizeof(ra));
    ra[0] = ND_ROUTER_ADVERT;
    ra[4] = 64;
    ra[5] = 0x40; /* O, as radvd's */
    ra[6] = 1800 >> 8;
    ra[7] = 1800 & 0xff;
    ra[16] = 37;
    ra[17] = (uint8_t)(olen / 8);
    memcpy(ra + 18, PORTAL, ul);
    memset(&to, 0, sizeof(to));
    to.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
    (void)!sendto(portal_fd, ra, 16 + olen, 0, (struct sockaddr *)&to,
                  sizeof(to));
}

/* Hostile RAs from the same router: one forwarded from off-link (hop
 * limit 64) naming another DNS server, one naming loopback as the DNS
 * server.  Every 300 ms. */
static long long hostile_last;

static void hostile_send(void)
{
    static const uint8_t other[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x66, 0, 0,
                                      0,    0,    0,    0,    0, 0,    0, 1};
    static const uint8_t loop6[16] = {[15] = 1};
    uint8_t ra[16 + 24];
    struct sockaddr_in6 to;

    if (lt_now_ms() - hostile_last < 300)
        return;
    hostile_last = lt_now_ms();
    memset(&to, 0, sizeof(to));
    to.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
    for (int i = 0; i < 2; i++) {
        int hops = i ? 255 : 64;

        memset(ra, 0, sizeof(ra));
        ra[0] = ND_ROUTER_ADVERT;
        ra[5] = 0x40;
        ra[6] = 1800 >> 8;
        ra[7] = 1800 & 0xff;
        ra[16] = 25; /* RDNSS, 3 units, lifetime 600 */
        ra[17] = 3;
        ra[22] = 600 >> 8;
        ra[23] = 600 & 0xff;
        memcpy(ra + 24, i ? loop6 : other, 16);
        setsockopt(portal_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
                   sizeof(hops));
        (void)!sendto(portal_fd, ra, sizeof(ra), 0, (struct sockaddr *)&to,
                      sizeof(to));
    }
}

/* The client's refusal counters: proof that the hostile RAs arrived and
 * were refused for the right reason (whole RA: hop limit; one option: the
 * loopback RDNSS), also in builds that compile the log lines out. */
static struct lws_context *hostile_cx;
static const char *hostile_if;

static bool saw_hostile(void *arg)
{
    lws_dhcpc6_ifstate_t *is = arg;
    uint32_t dropped = is->ras_dropped, refused = is->opts_refused;

    hostile_send();
    return !lws_dhcpc6_get_ifstate(hostile_cx, hostile_if, is) &&
           is->ras_dropped > dropped && is->opts_refused > refused;
}

/* ---------------------------------------------------------------- client */

struct cli {
    struct lws_context *cx;
    lws_dhcpc6_ifstate_t is;
};

static void cli_create(struct cli *c)
{
    struct lws_context_creation_info info;

    memset(c, 0, sizeof(*c));
    memset(&info, 0, sizeof(info));
    c->cx = lws_create_context(&info);
    assert_non_null(c->cx);
    assert_int_equal(lws_dhcpc6_request(c->cx, np.if_cli), 0);
}

static bool learnt_all(void *arg)
{
    struct cli *c = arg;

    portal_send();
    if (lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is))
        return false;
    return c->is.usable && c->is.dns_count == 1 && c->is.domain_count == 2 &&
           c->is.prefix_count == 1 && c->is.captive_portal[0] &&
           c->is.mtu == 1400;
}

static bool learnt_late(void *arg)
{
    struct cli *c = arg;
    char late[16];

    portal_send();
    snprintf(late, sizeof(late), "%.14sx", np.if_cli);
    return !lws_dhcpc6_get_ifstate(c->cx, late, &c->is) && c->is.usable &&
           c->is.dns_count == 1 && c->is.captive_portal[0];
}

static bool forgot_all(void *arg)
{
    struct cli *c = arg;

    return !lws_dhcpc6_get_ifstate(c->cx, np.if_cli, &c->is) &&
           c->is.ra_state == LWS_DHCPC6_RA_STOPPED && !c->is.dns_count &&
           !c->is.router_count;
}

static int dns_done;
static char dns_result[INET6_ADDRSTRLEN];

static struct lws *dns_cb(struct lws *wsi, const char *ads,
                          const struct addrinfo *result, int n, void *opaque)
{
    (void)wsi, (void)ads, (void)opaque;
    dns_done = n < 0 ? n : 1;
    for (const struct addrinfo *a = result; a; a = a->ai_next)
        if (a->ai_family == AF_INET6)
            inet_ntop(AF_INET6,
                      &((const struct sockaddr_in6 *)a->ai_addr)->sin6_addr,
                      dns_result, sizeof(dns_result));
    lws_async_dns_freeaddrinfo(&result);
    return NULL;
}

static bool dns_finished(void *arg)
{
    (void)arg;
    return dns_done != 0;
}

/* What lws_smd carried: the RA summary, the portal URI, the resolver's
 * note that it took the RDNSS server. */
static bool smd_usable, smd_portal, smd_dns;

static int smd_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts, void *buf,
                  size_t len)
{
    char m[LWS_SMD_MAX_PAYLOAD + 1];

    (void)opaque, (void)cls, (void)ts;
    memcpy(m, buf, len < sizeof(m) - 1 ? len : sizeof(m) - 1);
    m[len < sizeof(m) - 1 ? len : sizeof(m) - 1] = '\0';
    if (strstr(m, "\"type\":\"ra6\"") && strstr(m, "\"usable\":1"))
        smd_usable = true;
    if (strstr(m, "\"portal\":\"" PORTAL "\""))
        smd_portal = true;
    if (strstr(m, "\"src\":\"ra6\"") && strstr(m, "\"servers\":1"))
        smd_dns = true;
    return 0;
}

static bool smd_all(void *arg)
{
    (void)arg;
    return smd_usable && smd_portal && smd_dns;
}

static long long scaled(long long ms)
{
    return ms * lt_timeout_scale();
}

static void assert_learnt(const struct cli *c)
{
    char a[INET6_ADDRSTRLEN];

    assert_int_equal(c->is.router_count, 1);
    assert_int_equal(c->is.routers[0].sa6.sin6_family, AF_INET6);
    assert_int_equal(c->is.routers[0].sa6.sin6_addr.s6_addr[0], 0xfe);
    assert_int_equal(c->is.routers[0].sa6.sin6_scope_id, c->is.ifindex);
    inet_ntop(AF_INET6, &c->is.dns[0].sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    assert_true(c->is.dns_secs[0] > 590 && c->is.dns_secs[0] <= 600);
    assert_string_equal(c->is.domains[0], "lws.test");
    assert_string_equal(c->is.domains[1], "example.lan");
    inet_ntop(AF_INET6, c->is.prefixes[0].prefix, a, sizeof(a));
    assert_string_equal(a, "2001:db8:77::");
    assert_int_equal(c->is.prefixes[0].len, 64);
    assert_int_equal(c->is.prefixes[0].autoconf, 1);
    assert_int_equal(c->is.prefixes[0].onlink, 1);
    assert_int_equal(c->is.prefixes[0].preferred_secs, 1800);
    assert_int_equal(c->is.managed, 0);
    assert_int_equal(c->is.other, 1);
    assert_string_equal(c->is.captive_portal, PORTAL);
    /* the kernel's SLAAC address, from the advertised prefix */
    assert_true(c->is.addr_count >= 1);
    assert_int_equal(c->is.addr_plen[0], 64);
    assert_memory_equal(c->is.addrs[0].sa6.sin6_addr.s6_addr,
                        c->is.prefixes[0].prefix, 8);
}

/* ---------------------------------------------------------------- tests */

static void test_ra6_radvd_learns_and_resolves_over_rdnss(void **state)
{
    char out[4096], want[128], a[INET6_ADDRSTRLEN];
    lws_sockaddr46 sa;
    struct cli c;

    (void)state;
    cli_create(&c);
    assert_non_null(lws_smd_register(c.cx, NULL, 0, LWSSMDCL_NETWORK, smd_cb));
    assert_true(dt_service_until(c.cx, learnt_all, &c, scaled(30000), 20));
    assert_learnt(&c);
    assert_true(dt_service_until(c.cx, smd_all, NULL, scaled(5000), 20));
    assert_true(c.is.ras >= 2);             /* radvd's and ours */
    assert_int_equal(c.is.router_count, 1); /* both from one router */
    assert_int_equal(lws_dhcpc6_status(c.cx, &sa), 1);
    inet_ntop(AF_INET6, &sa.sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);

    /* the address is really the kernel's, on the interface */
    inet_ntop(AF_INET6, &c.is.addrs[0].sa6.sin6_addr, a, sizeof(a));
    dt_netns_sh(NULL, out, sizeof(out), "ip -6 addr show dev %s scope global",
                np.if_cli);
    snprintf(want, sizeof(want), "inet6 %s/64", a);
    assert_non_null(strstr(out, want));

    /* a lookup goes to the RDNSS server: nothing else is configured
     * (the namespace's resolv.conf is not read while RA servers exist) */
    dns_done = 0;
    dns_result[0] = '\0';
    assert_true(lws_async_dns_query(c.cx, 0, "host.lws.test",
                                    LWS_ADNS_RECORD_AAAA, dns_cb, NULL,
                                    NULL) != LADNS_RET_FAILED);
    assert_true(dt_service_until(c.cx, dns_finished, NULL, scaled(5000), 20));
    assert_int_equal(dns_done, 1);
    assert_string_equal(dns_result, "2001:db8:99::7");
    assert_true(
        lt_wait_file_contains(dns_log, "query[AAAA] host.lws.test", 2000));
    lws_context_destroy(c.cx);
}

static void test_ra6_radvd_link_flap_forgets_and_relearns(void **state)
{
    struct cli c;

    (void)state;
    cli_create(&c);
    assert_true(dt_service_until(c.cx, learnt_all, &c, scaled(30000), 20));
    dt_link_set(np.ns_cli, np.if_cli, false);
    assert_true(dt_service_until(c.cx, forgot_all, &c, scaled(5000), 20));
    dt_link_set(np.ns_cli, np.if_cli, true);
    /* the RS at link up brings radvd's answer at once; the portal RA
     * comes from the test */
    assert_true(dt_service_until(c.cx, learnt_all, &c, scaled(30000), 20));
    assert_learnt(&c);
    assert_int_equal(lws_dhcpc6_remove(c.cx, np.if_cli), 0);
    assert_int_equal(lws_dhcpc6_status(c.cx, NULL), 0);
    lws_context_destroy(c.cx);
}

static void test_ra6_radvd_refuses_hostile_ras(void **state)
{
    char a[INET6_ADDRSTRLEN];
    lws_dhcpc6_ifstate_t base;
    struct cli c;

    (void)state;
    cli_create(&c);
    assert_true(dt_service_until(c.cx, learnt_all, &c, scaled(30000), 20));
    hostile_cx = c.cx;
    hostile_if = np.if_cli;
    assert_int_equal(lws_dhcpc6_get_ifstate(c.cx, np.if_cli, &base), 0);
    assert_true(dt_service_until(c.cx, saw_hostile, &base, scaled(10000), 20));
    /* still only the real server */
    assert_int_equal(lws_dhcpc6_get_ifstate(c.cx, np.if_cli, &c.is), 0);
    assert_int_equal(c.is.dns_count, 1);
    inet_ntop(AF_INET6, &c.is.dns[0].sa6.sin6_addr, a, sizeof(a));
    assert_string_equal(a, SRV_IP6);
    lws_context_destroy(c.cx);
}

static void rename_cli(const char *from, const char *to)
{
    assert_int_equal(dt_netns_sh(np.ns_cli, NULL, 0,
                                 "ip link set %s down && "
                                 "ip link set %s name %s && ip link set %s up",
                                 from, from, to, to),
                     0);
}

/* Requested before it exists: the link monitor starts it when it appears
 * (here by a rename, which the monitor sees as a new link name). */
static void test_ra6_radvd_interface_appears_later(void **state)
{
    char late[16];
    struct cli c;
    bool ok;

    (void)state;
    snprintf(late, sizeof(late), "%.14sx", np.if_cli);
    memset(&c, 0, sizeof(c));
    c.cx = lws_create_context(&(struct lws_context_creation_info){0});
    assert_non_null(c.cx);
    assert_int_equal(lws_dhcpc6_request(c.cx, late), 0);
    lws_service(c.cx, 0);
    assert_int_equal(lws_dhcpc6_get_ifstate(c.cx, late, &c.is), 0);
    assert_int_equal(c.is.ifindex, 0);
    rename_cli(np.if_cli, late);
    ok = dt_service_until(c.cx, learnt_late, &c, scaled(30000), 20);
    rename_cli(late, np.if_cli);
    assert_true(ok);
    assert_true(c.is.ifindex > 0);
    lws_context_destroy(c.cx);
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    (void)state;
    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "ra6"))
        return -1;
    snprintf(radvd_log, sizeof(radvd_log), "%s/radvd.log", tmpdir);
    snprintf(dns_log, sizeof(dns_log), "%s/dnsmasq.log", tmpdir);
    if (dt_netpair_create(&np, "ra", NULL) ||
        dt_netns_sh(np.ns_srv, NULL, 0,
                    "sysctl -qw net.ipv6.conf.all.forwarding=1 && "
                    "ip -6 addr add " SRV_IP6 "/64 dev %s nodad",
                    np.if_srv) ||
        dns_start() || radvd_start() || portal_open())
        return -1;
    return dt_netns_enter(np.ns_cli, &saved_ns);
}

static void stop_all(void)
{
    if (portal_fd >= 0)
        close(portal_fd);
    portal_fd = -1;
    if (radvd_pid > 0)
        lt_kill(radvd_pid, 2000);
    if (dns_pid > 0)
        lt_kill(dns_pid, 2000);
    radvd_pid = dns_pid = -1;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ra6_radvd_learns_and_resolves_over_rdnss),
        cmocka_unit_test(test_ra6_radvd_link_flap_forgets_and_relearns),
        cmocka_unit_test(test_ra6_radvd_refuses_hostile_ras),
        cmocka_unit_test(test_ra6_radvd_interface_appears_later),
    };
    char buf[256];
    int r = dt_main_begin(true, on_signal);

    if (r)
        return r;
    if (!lt_which("radvd", buf, sizeof(buf))) {
        fprintf(stderr, "skipped: needs radvd\n");
        return LT_SKIP;
    }
    return cmocka_run_group_tests_name("ra6-radvd", tests, group_setup,
                                       group_teardown);
}
