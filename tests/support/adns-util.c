/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Helpers for the async DNS tests and bench (see adns-util.h).
 */
#define _GNU_SOURCE
#include "adns-util.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool adns_t_can_run_dnsmasq(void)
{
    char buf[256];

    if (!lt_is_root()) {
        fprintf(stderr, "skip: needs root\n");
        return false;
    }
    if (!lt_which("dnsmasq", buf, sizeof(buf))) {
        fprintf(stderr, "skip: dnsmasq not installed\n");
        return false;
    }
    return true;
}

int adns_t_dnsmasq_start(struct adns_t_dnsmasq *d, const char *listen, int port,
                         const char *const *extra)
{
    return adns_t_dnsmasq_start2(d, listen, port, extra, true);
}

int adns_t_dnsmasq_start2(struct adns_t_dnsmasq *d, const char *listen,
                          int port, const char *const *extra, bool log_queries)
{
    char bin[256], a_port[32], a_listen[80], a_pid[300];
    const char *argv[200];
    int n = 0;

    memset(d, 0, sizeof(*d));
    d->pid = -1;
    if (!lt_which("dnsmasq", bin, sizeof(bin)) ||
        lt_mkdtemp(d->dir, sizeof(d->dir), "adns-dnsmasq"))
        return -1;
    d->port = port ? port : lt_free_port(true);
    snprintf(d->log, sizeof(d->log), "%s/log", d->dir);
    snprintf(a_port, sizeof(a_port), "--port=%d", d->port);
    snprintf(a_listen, sizeof(a_listen), "--listen-address=%s", listen);
    snprintf(a_pid, sizeof(a_pid), "--pid-file=%s/pid", d->dir);
    argv[n++] = bin;
    argv[n++] = "-k";
    argv[n++] = "--conf-file=/dev/null";
    argv[n++] = a_port;
    argv[n++] = a_listen;
    argv[n++] = a_pid;
    argv[n++] = "--bind-interfaces";
    argv[n++] = "--no-resolv";
    argv[n++] = "--no-hosts";
    argv[n++] = "--user=root";
    if (log_queries)
        argv[n++] = "--log-queries=extra";
    argv[n++] = "--log-facility=-";
    argv[n++] = "--cache-size=0";
    argv[n++] = "--local=/test/";
    for (int i = 0; extra && extra[i] && n < 198; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    d->pid = lt_spawn((char *const *)argv, d->log, NULL);
    if (d->pid < 0 || !lt_wait_file_contains(d->log, "started", 5000)) {
        fprintf(stderr, "dnsmasq did not start (log %s)\n", d->log);
        adns_t_dnsmasq_stop(d);
        return -1;
    }
    return 0;
}

void adns_t_dnsmasq_stop(struct adns_t_dnsmasq *d)
{
    if (d->pid > 0)
        lt_kill(d->pid, 2000);
    d->pid = -1;
    if (d->dir[0] && !getenv("ADNS_KEEP_LOGS"))
        lt_rmtree(d->dir);
    d->dir[0] = '\0';
}

int adns_t_dnsmasq_count(const struct adns_t_dnsmasq *d, const char *needle)
{
    char line[1024];
    FILE *f = fopen(d->log, "r");
    int n = 0;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strstr(line, needle))
            n++;
    fclose(f);
    return n;
}

struct lws *adns_t_cb(struct lws *wsi, const char *ads,
                      const struct addrinfo *result, int n, void *opaque)
{
    struct adns_t_res *r = opaque;
    const struct addrinfo *ai;

    r->calls++;
    r->n = n;
    r->wsi = wsi;
    snprintf(r->ads, sizeof(r->ads), "%s", ads ? ads : "");
    r->canon[0] = '\0';
    r->naddr = 0;
    if (result && result->ai_canonname)
        snprintf(r->canon, sizeof(r->canon), "%s", result->ai_canonname);
    for (ai = result; ai && r->naddr < ADNS_T_MAX; ai = ai->ai_next) {
        int i = r->naddr++;

        r->family[i] = ai->ai_family;
        r->addr[i][0] = '\0';
        if (ai->ai_family == AF_INET)
            inet_ntop(AF_INET,
                      &((const struct sockaddr_in *)ai->ai_addr)->sin_addr,
                      r->addr[i], sizeof(r->addr[i]));
        else if (ai->ai_family == AF_INET6)
            inet_ntop(AF_INET6,
                      &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr,
                      r->addr[i], sizeof(r->addr[i]));
    }
    if (r->keep && result)
        r->held = result;
    else
        lws_async_dns_freeaddrinfo(&result);
    return wsi;
}

struct adns_t_deadline {
    lws_sorted_usec_list_t sul;
    bool expired;
};

static void adns_t_deadline_cb(lws_sorted_usec_list_t *sul)
{
    ((struct adns_t_deadline *)sul)->expired = true;
}

bool adns_t_run_until(struct lws_context *cx, const int *counter, int target,
                      int timeout_ms)
{
    struct adns_t_deadline dl;

    memset(&dl, 0, sizeof(dl));
    lws_sul_schedule(cx, 0, &dl.sul, adns_t_deadline_cb,
                     (lws_usec_t)timeout_ms * lt_timeout_scale() *
                         LWS_US_PER_MS);
    while (*counter < target && !dl.expired)
        if (lws_service(cx, 0))
            break;
    lws_sul_cancel(&dl.sul);
    return *counter >= target;
}

struct lws_context *adns_t_context(struct lws_adns_info *ai,
                                   const char **servers,
                                   const struct lws_protocols *prots)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    if (ai && !ai->hosts_path)
        ai->hosts_path = "";
    if (ai && !ai->resolv_conf_path)
        ai->resolv_conf_path = "";
    info.adns = ai;
    info.async_dns_servers = servers;
    info.protocols = prots;
    info.target_state = LWS_SYSTATE_INITIALIZED;
    return lws_create_context(&info);
}
