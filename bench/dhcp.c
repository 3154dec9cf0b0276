/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/dhcp: link up -> BOUND (lease on the interface) against a real
 * dnsmasq in a private network namespace pair made here, median of 20
 * runs each, all in the same run:
 *
 *  - lws-system, fresh client (DISCOVER/OFFER/REQUEST/ACK);
 *  - busybox udhcpc started at link up, with a script that puts the
 *    address and default route on the interface (what a device does),
 *    and with a no-op script (its protocol time alone, for reference);
 *  - dhcpcd (when installed) started at link up, one-shot, IPv4 only,
 *    without ARP probing, applying the lease itself;
 *  - lws-system with Rapid Commit (dnsmasq --dhcp-rapid-commit);
 *  - lws-system on a link flap with a known lease (INIT-REBOOT);
 *  - the time RFC 5227 conflict detection adds at its default timing
 *    (fewer runs: each takes seconds by design).
 *
 * Targets: faster than udhcpc without rapid commit, and faster again with
 * it.  Exit 0 when met, 1 when not, 77 when it cannot run (not root,
 * dnsmasq or busybox missing).  Run as root: ./bench-dhcp [runs]
 */
#include "private-dhcpc.h"

#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhcpc-harness.h"
#include "dhcpc-netns.h"
#include "testutil.h"

static struct dt_netpair np;
static char tmpdir[200], logfile[256], script[256];
static pid_t dm_pid = -1;
static int runs = 20;

struct cli {
    struct lws_context *cx;
    int n_bound, n_down, n_up;
    lws_usec_t t_bound;
};

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return x < y ? -1 : x > y;
}

static long long median(long long *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_ll);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void dm_stop(void)
{
    dt_dnsmasq_stop(&dm_pid);
}

static int dm_start(bool rapid)
{
    const char *extra[] = {
        "--port=0", "--dhcp-range=10.80.0.50,10.80.0.199,255.255.255.0,1h",
        rapid ? "--dhcp-rapid-commit" : NULL, NULL};

    return dt_dnsmasq_start(&dm_pid, np.ns_srv, np.if_srv, tmpdir, logfile,
                            extra);
}

/* Link up/down with one ioctl: no process start inside the measurement. */
static int link_set(bool up)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", np.if_cli);
    r = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (!r) {
        if (up)
            ifr.ifr_flags |= IFF_UP;
        else
            ifr.ifr_flags &= ~IFF_UP;
        r = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
    return r;
}

static int cb(void *opaque, lws_dhcpc_ifstate_t *is)
{
    struct cli *c = opaque;

    if (is->event == LWS_DHCPC_EVENT_BOUND) {
        c->n_bound++;
        c->t_bound = lws_now_usecs();
    }
    c->n_down += is->event == LWS_DHCPC_EVENT_LINK_DOWN;
    c->n_up += is->event == LWS_DHCPC_EVENT_LINK_UP;
    return 0;
}

/* Not scaled by lt_timeout_scale(): a bench, not a test. */
static bool run_until(struct cli *c, bool (*cond)(void *), int ms)
{
    return dt_service_until(c->cx, cond, c, ms, 5);
}

static bool waiting_for_link(void *arg)
{
    struct cli *c = arg;
    int step;
    const char *who =
        lws_state_blocker(lws_system_get_state_manager(c->cx), &step);

    return who && step == LWS_SYSTATE_DHCP; /* coldplug done, link down */
}

static bool bound(void *arg)
{
    const struct cli *c = arg;

    return c->n_bound > 0;
}

static bool down(void *arg)
{
    const struct cli *c = arg;

    return c->n_down > 0;
}

static struct lws_context *ctx_new(struct lws_dhcpc_info *di)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.dhcpc = di;
    info.target_state = LWS_SYSTATE_DHCP;
    return lws_create_context(&info);
}

static void iface_reset(void)
{
    link_set(false);
    dt_netns_sh(np.ns_cli, NULL, 0, "ip addr flush dev %s", np.if_cli);
}

/* Fresh client per run: link down, client waiting, link up -> BOUND. */
static int bench_fresh(long long *us, int n, uint32_t acd)
{
    for (int i = 0; i < n; i++) {
        struct lws_dhcpc_info di;
        struct cli c;
        lws_usec_t t0;

        memset(&di, 0, sizeof(di));
        memset(&c, 0, sizeof(c));
        di.acd = (uint8_t)acd;
        iface_reset();
        c.cx = ctx_new(&di);
        if (!c.cx || lws_dhcpc_request(c.cx, np.if_cli, AF_INET, cb, &c) ||
            !run_until(&c, waiting_for_link, 3000))
            return -1;
        t0 = lws_now_usecs();
        link_set(true);
        if (!run_until(&c, bound, 20000))
            return -1;
        us[i] = c.t_bound - t0;
        lws_context_destroy(c.cx);
    }
    return 0;
}

/* One client, link flaps: INIT-REBOOT with the known lease. */
static int bench_flap(long long *us, int n)
{
    struct lws_dhcpc_info di;
    struct cli c;

    memset(&di, 0, sizeof(di));
    memset(&c, 0, sizeof(c));
    iface_reset();
    link_set(true);
    c.cx = ctx_new(&di);
    if (!c.cx || lws_dhcpc_request(c.cx, np.if_cli, AF_INET, cb, &c) ||
        !run_until(&c, bound, 10000))
        return -1;
    for (int i = 0; i < n; i++) {
        lws_usec_t t0;

        c.n_down = c.n_bound = 0;
        link_set(false);
        if (!run_until(&c, down, 3000))
            return -1;
        t0 = lws_now_usecs();
        link_set(true);
        if (!run_until(&c, bound, 10000))
            return -1;
        us[i] = c.t_bound - t0;
    }
    lws_context_destroy(c.cx);
    return 0;
}

/* dhcpcd keeps its leases in the host's state directory: remove ours so
 * each run is a fresh DORA and nothing is left behind. */
static void dhcpcd_forget(void)
{
    char path[128];

    snprintf(path, sizeof(path), "/var/lib/dhcpcd/%s.lease", np.if_cli);
    unlink(path);
}

/* Starts an external client (@argv) at link up, waits for it to exit
 * after binding. */
static int bench_external(long long *us, int n, char *const argv[])
{
    for (int i = 0; i < n; i++) {
        long long t0;
        int st;
        pid_t pid;

        iface_reset();
        dhcpcd_forget();
        t0 = (long long)lws_now_usecs();
        link_set(true);
        pid = fork(); /* the child inherits this thread's namespace */
        if (pid < 0)
            return -1;
        if (!pid) {
            int fd = open("/dev/null", O_WRONLY);

            dup2(fd, 1);
            dup2(fd, 2);
            execvp(argv[0], argv);
            _exit(127);
        }
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
            return -1;
        us[i] = (long long)lws_now_usecs() - t0;
    }
    dhcpcd_forget();
    return 0;
}

/* @sc: the script udhcpc runs ("/bin/true": the protocol alone). */
static int bench_udhcpc(long long *us, int n, const char *sc)
{
    char *argv[] = {"busybox", "udhcpc", "-i", np.if_cli, "-f",       "-q",
                    "-n",      "-t",     "5",  "-s",      (char *)sc, NULL};

    return bench_external(us, n, argv);
}

/* dhcpcd as a one-shot IPv4 client, no config file, no hook scripts (they
 * would edit the host's resolv.conf), no ARP probe (like the others). */
static int bench_dhcpcd(long long *us, int n)
{
    char *argv[] = {"dhcpcd", "-1",        "-4", "-B",        "-A",
                    "-f",     "/dev/null", "-c", "/bin/true", "-t",
                    "10",     np.if_cli,   NULL};

    return bench_external(us, n, argv);
}

static bool addr_present(void)
{
    char out[1024];

    dt_netns_sh(np.ns_cli, out, sizeof(out), "ip -4 addr show dev %s",
                np.if_cli);
    return strstr(out, "inet 10.80.0.") != NULL;
}

static int setup(void)
{
    static const char sh[] =
        "#!/bin/sh\n"
        "case \"$1\" in\n"
        "bound|renew)\n"
        "  ip addr add \"$ip/$mask\" dev \"$interface\"\n"
        "  [ -n \"$router\" ] && ip route replace default via "
        "\"${router%% *}\" dev \"$interface\"\n"
        "  ;;\n"
        "esac\n"
        "exit 0\n";

    if (lt_mkdtemp(tmpdir, sizeof(tmpdir), "bench-dhcp"))
        return -1;
    snprintf(logfile, sizeof(logfile), "%s/dnsmasq.log", tmpdir);
    snprintf(script, sizeof(script), "%s/udhcpc.sh", tmpdir);
    if (lt_write_file(script, sh) || chmod(script, 0755))
        return -1;
    if (dt_netpair_create_macvlan(&np, "bn", "10.80.0.1/24"))
        return -1;
    return dm_start(false);
}

static void on_signal(int sig)
{
    dm_stop();
    dt_netpair_destroy(&np);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void report(const char *what, long long *v, int n)
{
    long long m = median(v, n); /* sorts v */

    printf("  %-44s median %8.2f ms  (min %.2f, max %.2f, n=%d)\n", what,
           (double)m / 1000.0, (double)v[0] / 1000.0, (double)v[n - 1] / 1000.0,
           n);
}

int main(int argc, char **argv)
{
    long long ours[64], rapid[64], flap[64], udh[64], udh0[64], dcd[64], acd[8];
    long long m_ours, m_rapid, m_udh, m_acd, m_plain5;
    char buf[256];
    int saved = -1, rc = 1, nacd = 3;
    bool have_dhcpcd;

    if (argc > 1)
        runs = atoi(argv[1]);
    if (runs < 1 || runs > 64)
        runs = 20;
    if (getenv("LWS_BENCH_ACD_RUNS"))
        nacd = atoi(getenv("LWS_BENCH_ACD_RUNS"));
    if (nacd < 1 || nacd > 8)
        nacd = 3;
    if (!lt_is_root() || !lt_which("dnsmasq", buf, sizeof(buf)) ||
        !lt_which("busybox", buf, sizeof(buf))) {
        fprintf(stderr, "bench-dhcp: needs root, dnsmasq and busybox\n");
        return LT_SKIP;
    }
    have_dhcpcd = lt_which("dhcpcd", buf, sizeof(buf)) != NULL;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, on_signal);
    lws_set_log_level(getenv("LWS_BENCH_DEBUG") ? 0x1f : LLL_ERR, NULL);
    if (setup() || dt_netns_enter(np.ns_cli, &saved)) {
        fprintf(stderr, "bench-dhcp: setup failed\n");
        goto out;
    }
    /* warm dnsmasq's lease table for both clients: not measured */
    if (bench_fresh(ours, 1, 0) || bench_udhcpc(udh, 1, script)) {
        fprintf(stderr, "bench-dhcp: warm-up failed\n");
        goto out;
    }
    if (bench_fresh(ours, runs, 0) || !addr_present() ||
        bench_udhcpc(udh, runs, script) || !addr_present() ||
        bench_udhcpc(udh0, runs, "/bin/true") ||
        (have_dhcpcd && (bench_dhcpcd(dcd, runs) || !addr_present())) ||
        bench_flap(flap, runs) || bench_fresh(acd, nacd, 1)) {
        fprintf(stderr, "bench-dhcp: a run failed\n");
        goto out;
    }
    m_ours = median(ours, runs);
    m_udh = median(udh, runs);
    m_acd = median(acd, nacd);
    m_plain5 = m_ours;
    dm_stop();
    if (dm_start(true) || bench_fresh(rapid, runs, 0)) {
        fprintf(stderr, "bench-dhcp: rapid commit runs failed\n");
        goto out;
    }
    m_rapid = median(rapid, runs);
    printf("bench/dhcp: link up -> BOUND, dnsmasq in a netns, %d runs\n", runs);
    report("lws-system (DORA)", ours, runs);
    report("busybox udhcpc (DORA + script)", udh, runs);
    report("busybox udhcpc (DORA, no-op script)", udh0, runs);
    if (have_dhcpcd)
        report("dhcpcd -1 -4 -A (DORA, applies itself)", dcd, runs);
    else
        printf("  dhcpcd: not installed, skipped\n");
    report("lws-system (Rapid Commit)", rapid, runs);
    report("lws-system (link flap, INIT-REBOOT)", flap, runs);
    report("lws-system (DORA + RFC 5227 ACD, defaults)", acd, nacd);
    printf("  udhcpc / lws-system DORA:          %.1fx\n",
           (double)m_udh / (double)m_ours);
    printf("  lws-system DORA / Rapid Commit:    %.2fx\n",
           (double)m_ours / (double)m_rapid);
    printf("  time added by ACD at its defaults: %.0f ms\n",
           (double)(m_acd - m_plain5) / 1000.0);
    rc = m_ours < m_udh && m_rapid < m_ours ? 0 : 1;
    printf("  target (faster than udhcpc, faster again with rapid "
           "commit): %s\n",
           rc ? "MISSED" : "met");
out:
    if (saved >= 0)
        dt_netns_leave(saved);
    dm_stop();
    dt_netpair_destroy(&np);
    lt_rmtree(tmpdir);
    return rc;
}
