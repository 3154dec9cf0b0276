/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * What the DHCP client's integration tests and bench share around the
 * client under test: a dnsmasq started in the server namespace, a client
 * context that records the events its callback gets, and a service loop
 * that runs until a condition holds or a deadline passes.
 */
#ifndef LWS_DHCPC_HARNESS_H
#define LWS_DHCPC_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include <lws-system.h>

/* Starts dnsmasq (DHCP only as far as the caller's options say) in
 * namespace @ns, bound to @ifname, lease file @dir/leases, pid file
 * @dir/dnsmasq.pid, output to @logfile (removed first), logging DHCP, not
 * pinging offered addresses; @extra: more options, NULL-terminated.  Waits
 * until dnsmasq says its DHCP sockets are bound.  *@pid gets its pid.
 * @return 0, or -1 (logged, nothing left running, *@pid is -1). */
int dt_dnsmasq_start(pid_t *pid, const char *ns, const char *ifname,
                     const char *dir, const char *logfile,
                     const char *const extra[]);
/* Stops it (SIGTERM, then SIGKILL after 2 s) when *@pid > 0; *@pid = -1. */
void dt_dnsmasq_stop(pid_t *pid);

/* Starts radvd in namespace @ns with "interface @ifname { @body };" as its
 * configuration (@dir/radvd.conf, pid file @dir/radvd.pid), output to
 * @logfile.  @return 0, or -1 (*@pid is -1). */
int dt_radvd_start(pid_t *pid, const char *ns, const char *ifname,
                   const char *dir, const char *logfile, const char *body);
/* Starts dnsmasq as a DNS server only, on address @listen in @ns, logging
 * queries to @logfile, answering host.lws.test with 2001:db8:99::7 and
 * 10.9.8.7; pid file @dir/dns.pid.  Waits until it runs.  @return 0 or -1
 * (*@pid is -1 when it did not start). */
int dt_dns_start(pid_t *pid, const char *ns, const char *listen,
                 const char *dir, const char *logfile);

/* Services @cx until @cond(@arg) is true (true) or @ms passed (false),
 * waking at least every @tick_ms. */
bool dt_service_until(struct lws_context *cx, bool (*cond)(void *arg),
                      void *arg, long long ms, int tick_ms);

/* A client under test, with the events its callback got, in order. */
struct dt_cli {
    struct lws_context *cx;
    struct lws_dhcpc_info di;
    int events[64];
    int n_events;
    lws_dhcpc_ifstate_t last; /* the state given with the last event */
};

/* Creates c->cx for c->di (set by the caller), with target state DHCP.
 * @return 0 or -1. */
int dt_cli_create(struct dt_cli *c);
/* lws_dhcpc_request() on @ifname (IPv4) with dt_cli_cb() and @c. */
int dt_cli_request(struct dt_cli *c, const char *ifname);
/* The lws_dhcpc_request() callback for a struct dt_cli (@opaque). */
int dt_cli_cb(void *opaque, lws_dhcpc_ifstate_t *is);
/* dt_service_until() on c->cx, every 20 ms, @ms scaled by
 * lt_timeout_scale(). */
bool dt_cli_run_until(struct dt_cli *c, bool (*cond)(struct dt_cli *c), int ms);
int dt_cli_count(const struct dt_cli *c, int ev);
bool dt_cli_has(const struct dt_cli *c, int ev);
bool dt_cli_bound(struct dt_cli *c);

/* The start of the integration tests' main(): 0, or LT_SKIP (logged) when
 * not root or ip (or, with @need_dnsmasq, dnsmasq) is missing.  Turns on
 * debug logging when LWS_TEST_DEBUG is set and installs @on_signal for
 * SIGTERM and SIGINT. */
int dt_main_begin(bool need_dnsmasq, void (*on_signal)(int sig));
/* The end of such an @on_signal: default action for @sig, raised again. */
void dt_reraise(int sig);

#endif /* LWS_DHCPC_HARNESS_H */
