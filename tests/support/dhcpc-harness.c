/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * dnsmasq, client and service loop for the DHCP client's tests; see
 * dhcpc-harness.h.
 */
#include "dhcpc-harness.h"
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int dt_dnsmasq_start(pid_t *pid, const char *ns, const char *ifname,
                     const char *dir, const char *logfile,
                     const char *const extra[])
{
    char a_if[64], a_lf[300], a_pid[300];
    char *argv[32] = {"dnsmasq",
                      "-k",
                      "--conf-file=/dev/null",
                      "--bind-interfaces",
                      a_if,
                      a_lf,
                      a_pid,
                      "--no-ping",
                      "--log-dhcp",
                      "--log-facility=-",
                      "--user=root"};
    size_t n = 11;

    for (; extra && *extra; extra++) {
        if (n + 1 >= sizeof(argv) / sizeof(argv[0])) {
            fprintf(stderr, "dnsmasq: too many options\n");
            *pid = -1;
            return -1;
        }
        argv[n++] = (char *)*extra;
    }
    argv[n] = NULL;
    snprintf(a_if, sizeof(a_if), "--interface=%s", ifname);
    snprintf(a_lf, sizeof(a_lf), "--dhcp-leasefile=%s/leases", dir);
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s/dnsmasq.pid", dir);
    unlink(logfile);
    *pid = lt_spawn(argv, logfile, ns);
    if (*pid < 0 ||
        !lt_wait_file_contains(logfile, "DHCP, sockets bound", 5000)) {
        fprintf(stderr, "dnsmasq did not start\n");
        dt_dnsmasq_stop(pid);
        return -1;
    }
    return 0;
}

void dt_dnsmasq_stop(pid_t *pid)
{
    if (*pid > 0)
        lt_kill(*pid, 2000);
    *pid = -1;
}

int dt_radvd_start(pid_t *pid, const char *ns, const char *ifname,
                   const char *dir, const char *logfile, const char *body)
{
    char conf[300], pidf[300], text[2048], bin[256];
    char *argv[] = {bin,  "-n", "-d", "1",  "-m", "stderr",
                    "-C", conf, "-p", pidf, NULL};

    *pid = -1;
    snprintf(conf, sizeof(conf), "%s/radvd.conf", dir);
    snprintf(pidf, sizeof(pidf), "%s/radvd.pid", dir);
    snprintf(text, sizeof(text), "interface %s {\n%s};\n", ifname, body);
    if (!lt_which("radvd", bin, sizeof(bin)) || lt_write_file(conf, text))
        return -1;
    unlink(logfile);
    *pid = lt_spawn(argv, logfile, ns);
    return *pid < 0 ? -1 : 0;
}

int dt_dns_start(pid_t *pid, const char *ns, const char *listen,
                 const char *dir, const char *logfile)
{
    char bin[256], a_pid[300], a_listen[80];
    char *argv[] = {bin,
                    "-k",
                    "--conf-file=/dev/null",
                    "--bind-interfaces",
                    a_listen,
                    "--no-resolv",
                    "--no-hosts",
                    "--log-queries",
                    "--log-facility=-",
                    "--user=root",
                    "--address=/host.lws.test/2001:db8:99::7",
                    "--address=/host.lws.test/10.9.8.7",
                    a_pid,
                    NULL};

    *pid = -1;
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s/dns.pid", dir);
    snprintf(a_listen, sizeof(a_listen), "--listen-address=%s", listen);
    if (!lt_which("dnsmasq", bin, sizeof(bin)))
        return -1;
    unlink(logfile);
    *pid = lt_spawn(argv, logfile, ns);
    if (*pid < 0 || !lt_wait_file_contains(logfile, "started", 5000)) {
        fprintf(stderr, "dnsmasq (DNS) did not start\n");
        return -1;
    }
    return 0;
}

static void tick_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;
}

bool dt_service_until(struct lws_context *cx, bool (*cond)(void *arg),
                      void *arg, long long ms, int tick_ms)
{
    static lws_sorted_usec_list_t tick;
    long long end = lt_now_ms() + ms;

    while (!cond(arg)) {
        if (lt_now_ms() > end)
            return false;
        lws_sul_schedule(cx, 0, &tick, tick_cb,
                         (lws_usec_t)tick_ms * LWS_US_PER_MS);
        lws_service(cx, 0);
    }
    lws_sul_cancel(&tick);
    return true;
}

int dt_cli_create(struct dt_cli *c)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.dhcpc = &c->di;
    info.target_state = LWS_SYSTATE_DHCP;
    c->cx = lws_create_context(&info);
    return c->cx ? 0 : -1;
}

int dt_cli_request(struct dt_cli *c, const char *ifname)
{
    return lws_dhcpc_request(c->cx, ifname, AF_INET, dt_cli_cb, c);
}

int dt_cli_cb(void *opaque, lws_dhcpc_ifstate_t *is)
{
    struct dt_cli *c = opaque;

    if (c->n_events < 64)
        c->events[c->n_events++] = is->event;
    c->last = *is;
    return 0;
}

struct cli_cond {
    struct dt_cli *c;
    bool (*cond)(struct dt_cli *c);
};

static bool cli_cond(void *arg)
{
    struct cli_cond *cc = arg;

    return cc->cond(cc->c);
}

bool dt_cli_run_until(struct dt_cli *c, bool (*cond)(struct dt_cli *c), int ms)
{
    struct cli_cond cc = {c, cond};

    return dt_service_until(c->cx, cli_cond, &cc,
                            (long long)ms * lt_timeout_scale(), 20);
}

int dt_cli_count(const struct dt_cli *c, int ev)
{
    int n = 0;

    for (int i = 0; i < c->n_events; i++)
        n += c->events[i] == ev;
    return n;
}

bool dt_cli_has(const struct dt_cli *c, int ev)
{
    return dt_cli_count(c, ev) > 0;
}

bool dt_cli_bound(struct dt_cli *c)
{
    return dt_cli_has(c, LWS_DHCPC_EVENT_BOUND);
}

int dt_main_begin(bool need_dnsmasq, void (*on_signal)(int sig))
{
    char buf[256];

    if (!lt_is_root() ||
        (need_dnsmasq && !lt_which("dnsmasq", buf, sizeof(buf))) ||
        !lt_which("ip", buf, sizeof(buf))) {
        fprintf(stderr, "skipped: needs root%s and ip\n",
                need_dnsmasq ? ", dnsmasq" : "");
        return LT_SKIP;
    }
    if (getenv("LWS_TEST_DEBUG"))
        lws_set_log_level(
            LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO | LLL_DEBUG, NULL);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    return 0;
}

void dt_reraise(int sig)
{
    signal(sig, SIG_DFL);
    raise(sig);
}
