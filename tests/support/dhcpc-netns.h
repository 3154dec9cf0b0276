/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Network namespace helpers for tests and benches: a pair of namespaces
 * joined by a veth pair ("server" and "client" ends, unique names that
 * carry the pid), running commands inside one, moving the calling thread
 * into one, and removing everything again (also namespaces left behind by
 * test processes that died).  Needs root.
 */
#ifndef LWS_DHCPC_NETNS_H
#define LWS_DHCPC_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dt_netpair {
    char ns_srv[40]; /* namespace of the server end */
    char ns_cli[40]; /* namespace of the client end */
    char if_srv[16]; /* veth end in ns_srv */
    char if_cli[16]; /* veth end in ns_cli */
    bool created;
};

/* Creates both namespaces and the veth pair, puts @srv_cidr (e.g.
 * "10.77.0.1/24", may be NULL) on the server end and brings both ends and
 * both loopbacks up.  @tag tells pairs of one process apart (short).
 * @return 0, or -1 (everything made so far is removed again). */
int dt_netpair_create(struct dt_netpair *p, const char *tag,
                      const char *srv_cidr);
/* Same, but the two ends are macvlans (bridge mode) on a veth kept up in
 * the server namespace: taking the client end down does not take the
 * server's carrier away (with veth it does, and the server's first
 * packets after the flap can be lost), so link-up timings measure the
 * client alone. */
int dt_netpair_create_macvlan(struct dt_netpair *p, const char *tag,
                              const char *srv_cidr);
/* Removes both namespaces (and so the veth pair).  Safe to call twice. */
void dt_netpair_destroy(struct dt_netpair *p);
/* Removes lws test namespaces whose creating process no longer exists,
 * ending the processes still running inside them. */
void dt_netns_reap_stale(void);

/* Moves the calling thread into namespace @ns; *saved gets an fd for the
 * previous one (give it to dt_netns_leave()).  @return 0 or -1. */
int dt_netns_enter(const char *ns, int *saved);
int dt_netns_leave(int saved);

/* Runs a shell command line inside @ns (NULL: here); returns its exit
 * code.  With @out, stdout is captured (NUL-terminated, truncated). */
int dt_netns_sh(const char *ns, char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets a veth end up or down. */
int dt_link_set(const char *ns, const char *ifname, bool up);
/* A raw ICMPv6 socket made in @ns, tied to @ifname, multicasting with hop
 * limit 255: what a router's RAs need (RFC 4861 §6.1.2), for RA senders
 * of the tests' own.  @return the fd, or -1. */
int dt_ra_sock(const char *ns, const char *ifname);

#endif /* LWS_DHCPC_NETNS_H */
