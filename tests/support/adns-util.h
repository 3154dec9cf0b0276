/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Helpers for the async DNS tests and bench: a real dnsmasq started on a
 * loopback port, a result collector for lws_async_dns_query() callbacks and
 * a loop runner with a deadline.
 */
#ifndef LWS_ADNS_UTIL_H
#define LWS_ADNS_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include <lws-system.h>

struct adns_t_dnsmasq {
    pid_t pid;
    int port;
    char dir[200];
    char log[260];
};

/* Starts dnsmasq on @listen:@port (@port 0: a free one) answering only from
 * its command line (@extra: NULL-terminated extra arguments), logging every
 * query.  @return 0, or -1 (logged). */
int adns_t_dnsmasq_start(struct adns_t_dnsmasq *d, const char *listen, int port,
                         const char *const *extra);
/* The same, choosing whether each query is logged (logging costs dnsmasq
 * time: benches that measure throughput turn it off). */
int adns_t_dnsmasq_start2(struct adns_t_dnsmasq *d, const char *listen,
                          int port, const char *const *extra,
                          bool log_queries);
void adns_t_dnsmasq_stop(struct adns_t_dnsmasq *d);
/* Lines of the dnsmasq log containing @needle. */
int adns_t_dnsmasq_count(const struct adns_t_dnsmasq *d, const char *needle);
/* True when dnsmasq exists and we are root; else prints why. */
bool adns_t_can_run_dnsmasq(void);

#define ADNS_T_MAX 64
/* What one callback saw. */
struct adns_t_res {
    int calls;
    int n;
    int naddr;
    int family[ADNS_T_MAX];
    char addr[ADNS_T_MAX][48];
    char canon[256];
    char ads[256];
    struct lws *wsi;
    bool keep; /* keep the chain in .held instead of freeing it */
    const struct addrinfo *held;
};

/* lws_async_dns_cb_t filling the struct adns_t_res at @opaque. */
struct lws *adns_t_cb(struct lws *wsi, const char *ads,
                      const struct addrinfo *result, int n, void *opaque);

/* Runs the context's loop until *@counter >= @target or @timeout_ms.
 * @return true if reached. */
bool adns_t_run_until(struct lws_context *cx, const int *counter, int target,
                      int timeout_ms);

/* A context with the resolver configured by @ai and @servers, no DHCP, NTP
 * or CPD activity, hosts and resolv.conf disabled unless @ai says. */
struct lws_context *adns_t_context(struct lws_adns_info *ai,
                                   const char **servers,
                                   const struct lws_protocols *prots);

#endif /* LWS_ADNS_UTIL_H */
