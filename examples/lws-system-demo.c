/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * lws-system-demo: a device bring-up from link up to OPERATIONAL.
 *
 * It requests DHCP on --iface (bringing the link up if it is down) and
 * watches its IPv6 router advertisements, passes the DHCP step by --policy
 * (v4, v6, both or either, the default), prints what each family gave,
 * learns DNS and NTP servers from the lease (DNS also from RA RDNSS)
 * unless --dns / --ntp are given,
 * validates the clock by SNTP (the time is reported, never set), checks for
 * a captive portal over HTTP and HTTPS (--cpd-url, --ca), resolves the names
 * it used, and prints the state ladder with millisecond timestamps.  Three
 * threads attach callbacks gated on DHCP, TIME_VALID and OPERATIONAL to show
 * the attach queue.  Exits 0 at OPERATIONAL (or keeps running with --stay
 * until SIGINT / SIGTERM), non-zero with the reason if OPERATIONAL is not
 * reached within --timeout (which stops applying once it is).  --json
 * prints one JSON object per event instead of text.  --lookup-every MS
 * SUFFIX resolves a fresh name "n<seq>.SUFFIX" every MS ms after
 * OPERATIONAL and prints each outcome and its time (the fault suite's
 * measure of DNS recovery); --lookup-cached MS NAME looks NAME itself up
 * every MS ms (answered from the cache within its TTL); --ntp-poll S fixes
 * the SNTP poll interval.  --wall-clock FILE gives the library a wall clock
 * of its own for tests: this machine's plus the seconds FILE holds (a test
 * steps it by replacing FILE), and set_clock requests are applied to it
 * (FILE replaced) instead of only being recorded.  The demo looks at FILE
 * every 100 ms and reports each step of half a second or more to the
 * library (lws_wall_clock_stepped()), as such a source must.
 */
#define _GNU_SOURCE
#include <lws-system.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define MAX_LIST 8

static struct demo {
    const char *iface;
    const char *dns[MAX_LIST + 1];
    const char *ntp[MAX_LIST + 1];
    const char *cpd_http, *cpd_https, *ca;
    const char *resolve[MAX_LIST];
    int nresolve, pending_resolves;
    const char *lookup_suffix; /* --lookup-every: "<n>.<suffix>" */
    bool lookup_same;          /* --lookup-cached: the suffix itself */
    const char *wall_file;     /* --wall-clock: offset in seconds */
    double wall_off;           /* the offset last seen */
    uv_timer_t wall_timer;     /* looks for steps of the offset */
    int lookup_ms;
    unsigned int lookup_seq;
    uv_timer_t lookup_timer;
    bool json, stay, acd;
    int timeout_s;
    int ntp_poll_s; /* --ntp-poll: fixed poll interval (0: the default) */
    int policy;     /* --policy: LWS_DHCPC_POLICY_* */
    uint64_t t0_ns; /* link up (or start) */
    struct lws_context *cx;
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    uv_timer_t deadline;
    int exit_code;
    bool operational, done;
    uint64_t operational_ms;
} d;

static double ms_since(void)
{
    return (double)(uv_hrtime() - d.t0_ns) / 1e6;
}

static void out(const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One line per event: text, or a JSON object whose "msg" is the text. */
static void out(const char *kind, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (d.json) {
        printf("{\"t_ms\":%.1f,\"event\":\"%s\",\"msg\":\"", ms_since(), kind);
        for (const char *p = msg; *p; p++)
            if (*p == '"' || *p == '\\')
                printf("\\%c", *p);
            else
                putchar(*p);
        printf("\"}\n");
    } else {
        printf("[%9.1f ms] %-9s %s\n", ms_since(), kind, msg);
    }
    fflush(stdout);
}

static const char *const policy_names[] = {"either", "v4", "v6", "both"};

static void ip4(uint32_t host, char *buf, size_t len)
{
    struct in_addr a = {.s_addr = htonl(host)};

    inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/* ---- the bring-up ------------------------------------------------------ */

static void finish(int code)
{
    if (d.done)
        return;
    d.done = true;
    d.exit_code = code;
    uv_timer_stop(&d.deadline);
    uv_close((uv_handle_t *)&d.deadline, NULL);
    if (d.lookup_ms) {
        uv_timer_stop(&d.lookup_timer);
        uv_close((uv_handle_t *)&d.lookup_timer, NULL);
    }
    if (d.wall_file)
        uv_close((uv_handle_t *)&d.wall_timer, NULL);
    uv_close((uv_handle_t *)&d.sigint, NULL);
    uv_close((uv_handle_t *)&d.sigterm, NULL);
    lws_context_destroy(d.cx);
}

static void print_lease(void)
{
    lws_dhcpc_ifstate_t is;
    char a[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

    if (!d.iface || lws_dhcpc_get_ifstate(d.cx, d.iface, &is))
        return;
    out("policy", "%s: %s, usable: %s (v4 %s, v6 router %d address %d dns %d)",
        is.ifname, policy_names[is.policy], is.usable ? "yes" : "no",
        lws_dhcpc_state_name(is.state), !!(is.v6 & LWS_DHCPC_V6_ROUTER),
        !!(is.v6 & LWS_DHCPC_V6_ADDR), !!(is.v6 & LWS_DHCPC_V6_DNS));
    if (is.state == LWS_DHCPC_STATE_V6ONLY_WAIT)
        out("lease", "%s: IPv4 off for %us (IPv6-only preferred, RFC 8925)",
            is.ifname, is.v6only_secs);
    if (!is.ipv4)
        return;
    ip4(is.ipv4, a, sizeof(a));
    ip4(is.route_count ? is.routes[0].gw : 0, r, sizeof(r));
    ip4(is.server, s, sizeof(s));
    out("lease", "%s %s/%u router %s server %s lease %us (T1 %us T2 %us)%s",
        is.ifname, a, is.prefix_len, r, s, is.lease_secs, is.t1_secs,
        is.t2_secs, is.rapid_commit ? " rapid-commit" : "");
    for (int i = 0; i < is.dns_count; i++) {
        ip4(is.dns[i], a, sizeof(a));
        out("lease", "dns server %s", a);
    }
    for (int i = 0; i < is.ntp_count; i++) {
        ip4(is.ntp[i], a, sizeof(a));
        out("lease", "ntp server %s", a);
    }
}

/* What IPv6 gave: routers, global addresses, DNS servers. */
static void print_ipv6(void)
{
    lws_dhcpc6_ifstate_t is;
    char a[INET6_ADDRSTRLEN];

    if (!d.iface || lws_dhcpc6_get_ifstate(d.cx, d.iface, &is))
        return;
    out("ipv6", "%s: %u RA(s), M%u O%u, mtu %u", is.ifname, is.ras, is.managed,
        is.other, is.mtu);
    for (int i = 0; i < is.router_count; i++) {
        lws_sa46_write_numeric_address(&is.routers[i], a, sizeof(a));
        out("ipv6", "router %s", a);
    }
    for (int i = 0; i < is.addr_count; i++) {
        lws_sa46_write_numeric_address(&is.addrs[i], a, sizeof(a));
        out("ipv6", "address %s/%u", a, is.addr_plen[i]);
    }
    for (int i = 0; i < is.dns_count; i++) {
        lws_sa46_write_numeric_address(&is.dns[i], a, sizeof(a));
        out("ipv6", "dns server %s (%us)", a, is.dns_secs[i]);
    }
}

static void print_ntp(void)
{
    struct lws_ntpc_status st;
    char a[INET6_ADDRSTRLEN] = "?";

    if (lws_ntpc_get_status(d.cx, &st))
        return;
    lws_sa46_write_numeric_address(&st.server, a, sizeof(a));
    out("ntp", "server %s stratum %d offset %+.3f ms delay %.3f ms", a,
        st.stratum, (double)st.offset_us / 1000.0,
        (double)st.delay_us / 1000.0);
}

static struct lws *resolved(struct lws *wsi, const char *ads,
                            const struct addrinfo *res, int n, void *opaque)
{
    (void)opaque;
    if (!res) {
        out("dns", "%s: failed (%d)", ads ? ads : "?", n);
    } else {
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            char a[INET6_ADDRSTRLEN] = "?";
            const void *p =
                ai->ai_family == AF_INET
                    ? (const void *)&((struct sockaddr_in *)ai->ai_addr)
                          ->sin_addr
                    : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)
                          ->sin6_addr;
            inet_ntop(ai->ai_family, p, a, sizeof(a));
            out("dns", "%s -> %s", ads, a);
        }
        lws_async_dns_freeaddrinfo(&res);
    }
    if (--d.pending_resolves == 0 && !d.stay)
        finish(0);
    return wsi ? wsi : (struct lws *)1;
}

/* --lookup-every: one fresh name per tick (never cached), its outcome and
 * how long it took. */
struct lookup {
    uint64_t t0_ns;
    unsigned int seq;
};

static struct lws *looked_up(struct lws *wsi, const char *ads,
                             const struct addrinfo *res, int n, void *opaque)
{
    struct lookup *l = opaque;

    out("lookup", "#%u %s: %s in %.1f ms", l->seq, ads ? ads : "?",
        res ? "ok" : "failed", (double)(uv_hrtime() - l->t0_ns) / 1e6);
    (void)n;
    free(l);
    lws_async_dns_freeaddrinfo(&res);
    return wsi ? wsi : (struct lws *)1;
}

static void on_lookup_tick(uv_timer_t *t)
{
    struct lookup *l = malloc(sizeof(*l));
    char name[256];

    (void)t;
    if (!l || d.done) {
        free(l);
        return;
    }
    l->seq = ++d.lookup_seq;
    l->t0_ns = uv_hrtime();
    if (d.lookup_same)
        snprintf(name, sizeof(name), "%s", d.lookup_suffix);
    else
        snprintf(name, sizeof(name), "n%u.%s", l->seq, d.lookup_suffix);
    if (lws_async_dns_query(d.cx, 0, name, LWS_ADNS_RECORD_A, looked_up, NULL,
                            l) == LADNS_RET_FAILED) {
        out("lookup", "#%u %s: refused", l->seq, name);
        free(l);
    }
}

static void at_operational(void)
{
    /* The timeout bounds the bring-up only: with --stay the demo keeps
     * running at OPERATIONAL until a signal. */
    uv_timer_stop(&d.deadline);
    d.operational_ms = (uint64_t)ms_since();
    print_lease();
    print_ipv6();
    print_ntp();
    {
        const char *why = lws_system_cpd_reason(d.cx);
        bool has = why && *why;

        out("cpd", "%s%s%s",
            lws_cpd_result_name(lws_system_cpd_state_get(d.cx)),
            has ? ": " : "", has ? why : "");
    }
    out("headline", "link up -> OPERATIONAL in %llu ms",
        (unsigned long long)d.operational_ms);
    for (int i = 0; i < d.nresolve; i++) {
        d.pending_resolves++;
        if (lws_async_dns_query(d.cx, 0, d.resolve[i], LWS_ADNS_RECORD_A,
                                resolved, NULL, NULL) == LADNS_RET_FAILED) {
            out("dns", "%s: query refused", d.resolve[i]);
            d.pending_resolves--;
        }
    }
    if (d.lookup_ms)
        uv_timer_start(&d.lookup_timer, on_lookup_tick, 0,
                       (uint64_t)d.lookup_ms);
    if (!d.pending_resolves && !d.stay)
        finish(0);
}

static int notify(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
                  int current, int target)
{
    (void)link;
    if (current != target)
        return 0;
    out("state", "%s", lws_state_name(mgr, target));
    if (target == LWS_SYSTATE_OPERATIONAL && !d.operational) {
        d.operational = true;
        at_operational();
    }
    return 0;
}

static int dhcp_cb(void *opaque, lws_dhcpc_ifstate_t *is)
{
    char a[INET_ADDRSTRLEN];

    (void)opaque;
    ip4(is->ipv4, a, sizeof(a));
    out("dhcp", "%s: %s (%s) %s", is->ifname, lws_dhcpc_event_name(is->event),
        lws_dhcpc_state_name(is->state), a);
    return 0;
}

static void ntp_synced(struct lws_context *cx, int status,
                       const struct lws_ntpc_status *st, void *user)
{
    (void)cx, (void)user;
    out("ntp", "validated sync #%u: offset %+.3f ms, delay %.3f ms%s",
        st->syncs, (double)st->offset_us / 1000.0,
        (double)st->delay_us / 1000.0, status ? " (clock op failed)" : "");
}

/* Every CPD result, re-checks after OPERATIONAL included (the state never
 * moves back: a portal found later is reported as a loss). */
static void cpd_result(struct lws_context *cx, lws_cpd_result_t result,
                       const char *reason, void *user)
{
    struct lws_cpd_status st;

    (void)user;
    if (lws_system_cpd_get_status(cx, &st))
        return;
    out("cpd-check", "%s%s%s (state %s, %s, losses %u)",
        lws_cpd_result_name(result), *reason ? ": " : "", reason,
        lws_state_name(lws_system_get_state_manager(cx),
                       lws_system_get_state_manager(cx)->state),
        st.lost ? "lost" : "not lost", st.losses);
    /* RFC 8910: the network named its captive portal; RFC 8908: its API */
    if (st.portal_uri[0])
        out("cpd-portal", "%s names %s%s%s%s", st.portal_if, st.portal_uri,
            st.api ? (st.captive ? ": captive, log in at " : ": not captive")
                   : "",
            st.api && st.captive ? st.user_portal_url : "",
            st.api && st.captive && !st.user_portal_url[0] ? "?" : "");
}

/* --wall-clock: this machine's clock plus FILE's offset in seconds. */
static int64_t realtime_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double wall_offset(void)
{
    FILE *f = fopen(d.wall_file, "r");
    double off = 0;

    if (f) {
        if (fscanf(f, "%lf", &off) != 1)
            off = 0;
        fclose(f);
    }
    return off;
}

static lws_usec_t test_wall_clock(void)
{
    return (lws_usec_t)(realtime_us() + (int64_t)(wall_offset() * 1e6));
}

/* A clock source of its own reports its steps: the offset moved by half a
 * second or more since the last look (every 100 ms), whoever moved it
 * (the test, or the library through set_clock). */
static void on_wall_tick(uv_timer_t *t)
{
    double off = wall_offset(), by = off - d.wall_off;

    (void)t;
    d.wall_off = off;
    if (by > -0.5 && by < 0.5)
        return;
    out("clock", "wall clock stepped %+.3f s: reported", by);
    lws_wall_clock_stepped(d.cx);
}

/* The demo never sets this machine's clock: it records the request, and
 * with --wall-clock applies it to the test's clock (FILE replaced at once,
 * so that a reader never sees it half written). */
static int record_clock(lws_usec_t us)
{
    char tmp[4096];
    FILE *f;

    if (!d.wall_file) {
        out("clock", "set_clock(%lld.%06lld) requested (recorded, not applied)",
            (long long)(us / 1000000), (long long)(us % 1000000));
        return 0;
    }
    out("clock", "set_clock(%lld.%06lld): test wall clock stepped %+.3f s",
        (long long)(us / 1000000), (long long)(us % 1000000),
        (double)(us - test_wall_clock()) / 1e6);
    snprintf(tmp, sizeof(tmp), "%s.tmp", d.wall_file);
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%.6f\n", (double)(us - realtime_us()) / 1e6);
    return fclose(f) || rename(tmp, d.wall_file) ? -1 : 0;
}

/* ---- attach from other threads ---------------------------------------- */

struct attacher {
    uv_thread_t t;
    lws_system_states_t gate;
    const char *name;
};

static void attached_cb(struct lws_context *cx, int tsi, void *opaque)
{
    struct attacher *a = opaque;

    (void)tsi;
    out("attach", "thread '%s' callback ran on the loop at %s (gate %s)",
        a->name,
        lws_state_name(lws_system_get_state_manager(cx),
                       lws_system_get_state_manager(cx)->state),
        lws_state_name(lws_system_get_state_manager(cx), (int)a->gate));
}

static void attacher_main(void *arg)
{
    struct attacher *a = arg;

    /* Thread: any.  The library supplies the locked attach op. */
    if (lws_system_get_ops(d.cx)->attach(d.cx, 0, attached_cb, a->gate, a,
                                         NULL))
        fprintf(stderr, "attach from thread '%s' failed\n", a->name);
}

/* ---- plumbing ---------------------------------------------------------- */

static void on_deadline(uv_timer_t *t)
{
    lws_state_manager_t *m = lws_system_get_state_manager(d.cx);
    int step = -1;
    const char *who = lws_state_blocker(m, &step);

    (void)t;
    out("timeout", "no OPERATIONAL after %d s: at %s, %s%s%s", d.timeout_s,
        lws_state_name(m, m->state), who ? "held by '" : "",
        who ? who : "no notifier holds the machine", who ? "'" : "");
    if (who)
        out("timeout", "'%s' holds %s", who, lws_state_name(m, step));
    print_lease(); /* what each family has so far */
    print_ipv6();
    finish(2);
}

static void on_sigint(uv_signal_t *s, int signum)
{
    (void)s, (void)signum;
    out("exit", "interrupted");
    finish(d.operational ? 0 : 130);
}

/* Brings the interface up if it is down; t0 is that moment. */
static void link_up(void)
{
    struct ifreq ifr;
    int fd;

    d.t0_ns = uv_hrtime();
    if (!d.iface)
        return;
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", d.iface);
    if (!ioctl(fd, SIOCGIFFLAGS, &ifr) && !(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr))
            perror("SIOCSIFFLAGS");
        d.t0_ns = uv_hrtime();
        out("link", "%s set up", d.iface);
    }
    close(fd);
}

static int split_list(char *s, const char **v)
{
    int n = 0;

    for (char *save = NULL, *t = strtok_r(s, ",", &save); t && n < MAX_LIST;
         t = strtok_r(NULL, ",", &save))
        v[n++] = t;
    v[n] = NULL;
    return n;
}

static void usage(const char *me)
{
    fprintf(stderr,
            "usage: %s [--iface IF] [--dns A[,B]] [--ntp S[,S]] "
            "[--cpd-url URL]... [--ca PEM] [--resolve NAME]... [--json] "
            "[--stay] [--acd] [--timeout S] [--lookup-every MS SUFFIX] "
            "[--lookup-cached MS NAME] [--ntp-poll S] [--wall-clock FILE]\n"
            "[--policy v4|v6|both|either]\n",
            me);
}

static int parse_args(int argc, char **argv)
{
    d.timeout_s = 30;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--json")) {
            d.json = true;
        } else if (!strcmp(a, "--stay")) {
            d.stay = true;
        } else if (!strcmp(a, "--acd")) {
            d.acd = true;
        } else if (!v) {
            usage(argv[0]);
            return -1;
        } else if (!strcmp(a, "--iface")) {
            d.iface = v, i++;
        } else if (!strcmp(a, "--dns")) {
            split_list(v, d.dns), i++;
        } else if (!strcmp(a, "--ntp")) {
            split_list(v, d.ntp), i++;
        } else if (!strcmp(a, "--cpd-url")) {
            if (!strncmp(v, "https://", 8))
                d.cpd_https = v;
            else if (LWS_WITH_SYS_CPD_HTTP)
                d.cpd_http = v;
            else /* the lean profile has no plain-HTTP probe */
                fprintf(stderr,
                        "%s: no plain-HTTP probe in this build: "
                        "ignored\n",
                        v);
            i++;
        } else if (!strcmp(a, "--ca")) {
            d.ca = v, i++;
        } else if (!strcmp(a, "--resolve") && d.nresolve < MAX_LIST) {
            d.resolve[d.nresolve++] = v, i++;
        } else if (!strcmp(a, "--lookup-every") && i + 2 < argc) {
            d.lookup_ms = atoi(v), i++;
            d.lookup_suffix = argv[++i];
        } else if (!strcmp(a, "--lookup-cached") && i + 2 < argc) {
            d.lookup_ms = atoi(v), i++;
            d.lookup_suffix = argv[++i];
            d.lookup_same = true;
        } else if (!strcmp(a, "--wall-clock")) {
            d.wall_file = v, i++;
        } else if (!strcmp(a, "--ntp-poll")) {
            d.ntp_poll_s = atoi(v), i++;
        } else if (!strcmp(a, "--policy")) {
            d.policy = -1;
            for (int k = 0; k < 4; k++)
                if (!strcmp(v, policy_names[k]))
                    d.policy = k;
            if (d.policy < 0) {
                usage(argv[0]);
                return -1;
            }
            i++;
        } else if (!strcmp(a, "--timeout")) {
            d.timeout_s = atoi(v), i++;
        } else {
            usage(argv[0]);
            return -1;
        }
    }
    return 0;
}

/* Names the demo used: the NTP server and the CPD hosts, if not numeric. */
static void add_resolve_from_url(const char *url)
{
    static char hosts[2][256];
    static int nh;
    const char *p = url ? strstr(url, "://") : NULL;
    size_t n;
    lws_sockaddr46 sa;

    if (!p || nh >= 2 || d.nresolve >= MAX_LIST)
        return;
    p += 3;
    n = strcspn(p, ":/");
    if (!n || n >= sizeof(hosts[0]))
        return;
    memcpy(hosts[nh], p, n);
    hosts[nh][n] = '\0';
    if (!lws_sa46_parse_numeric(&sa, hosts[nh]))
        return;
    for (int i = 0; i < d.nresolve; i++)
        if (!strcmp(d.resolve[i], hosts[nh]))
            return;
    d.resolve[d.nresolve++] = hosts[nh++];
}

int main(int argc, char **argv)
{
    static const lws_system_ops_t ops = {.set_clock = record_clock};
    static struct attacher att[] = {
        {.gate = LWS_SYSTATE_OPERATIONAL, .name = "app"},
        {.gate = LWS_SYSTATE_TIME_VALID, .name = "tls-user"},
        {.gate = LWS_SYSTATE_DHCP, .name = "net-user"},
    };
    lws_state_notify_link_t nl = {.notify_cb = notify, .name = "demo"};
    lws_state_notify_link_t *nls[] = {&nl, NULL};
    struct lws_context_creation_info info;
    struct lws_ntpc_info ntpc;
    struct lws_dhcpc_info dhcpc;
    struct lws_cpd_info cpd;
    void *fl[] = {&d.loop, NULL};

    if (parse_args(argc, argv))
        return 1;
    add_resolve_from_url(d.cpd_http);
    add_resolve_from_url(d.cpd_https);
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    uv_loop_init(&d.loop);

    memset(&ntpc, 0, sizeof(ntpc));
    ntpc.servers = d.ntp[0] ? d.ntp : NULL;
    ntpc.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD; /* show a real sync */
    ntpc.flags = LWS_NTPC_FLAG_NO_POOL;
    ntpc.sync_cb = ntp_synced;
    if (d.ntp_poll_s > 0)
        ntpc.poll_min_s = ntpc.poll_max_s = (uint32_t)d.ntp_poll_s;
    memset(&dhcpc, 0, sizeof(dhcpc));
    dhcpc.acd = d.acd;
    memset(&cpd, 0, sizeof(cpd));
    cpd.http_url = d.cpd_http;
    cpd.https_url = d.cpd_https;
    cpd.ca_bundle = d.ca;
    cpd.result_cb = cpd_result;

    memset(&info, 0, sizeof(info));
    info.foreign_loops = fl;
    info.system_ops = &ops;
    info.register_notifier_list = nls;
    info.async_dns_servers = d.dns[0] ? d.dns : NULL;
    info.ntpc = &ntpc;
    info.dhcpc = &dhcpc;
    info.cpd = &cpd;
    if (d.wall_file)
        info.wall_clock = test_wall_clock;

    link_up();
    out("start", "lws-system %s demo on %s", lws_get_library_version(),
        d.iface ? d.iface : "(no interface)");
    d.cx = lws_create_context(&info);
    if (!d.cx) {
        out("exit", "context creation failed");
        return 1;
    }
    if (d.iface && lws_dhcpc_request_ex(
                       d.cx, &(lws_dhcpc_req_t){.iface = d.iface,
                                                .cb = dhcp_cb,
                                                .policy = (uint8_t)d.policy}))
        out("dhcp", "request on %s refused", d.iface);
    /* IPv6 too: router advertisements (not built: only IPv4) */
    if (d.iface && lws_dhcpc6_request(d.cx, d.iface) &&
        d.policy != LWS_DHCPC_POLICY_V4)
        out("ipv6", "%s: no IPv6 (router advertisements not built)", d.iface);
    for (size_t i = 0; i < sizeof(att) / sizeof(att[0]); i++)
        uv_thread_create(&att[i].t, attacher_main, &att[i]);
    for (size_t i = 0; i < sizeof(att) / sizeof(att[0]); i++)
        uv_thread_join(&att[i].t);

    if (d.lookup_ms > 0)
        uv_timer_init(&d.loop, &d.lookup_timer);
    else
        d.lookup_ms = 0;
    if (d.wall_file) {
        d.wall_off = wall_offset();
        uv_timer_init(&d.loop, &d.wall_timer);
        uv_timer_start(&d.wall_timer, on_wall_tick, 100, 100);
    }
    uv_timer_init(&d.loop, &d.deadline);
    uv_timer_start(&d.deadline, on_deadline, (uint64_t)d.timeout_s * 1000, 0);
    uv_signal_init(&d.loop, &d.sigint);
    uv_signal_start(&d.sigint, on_sigint, SIGINT);
    uv_signal_init(&d.loop, &d.sigterm);
    uv_signal_start(&d.sigterm, on_sigint, SIGTERM);

    uv_run(&d.loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&d.loop))
        fprintf(stderr, "loop did not close cleanly\n");
    return d.exit_code;
}
