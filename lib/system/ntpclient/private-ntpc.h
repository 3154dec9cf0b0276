/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the SNTP client glue: the instance, its server list,
 * lookups and clock-stamp file.  The packet codec and the core (pure) are in
 * private-ntpc-pure.h.
 */
#ifndef LWS_PRIVATE_NTPC_H
#define LWS_PRIVATE_NTPC_H

#include "private-ntpc-pure.h"
#include "private-news.h"

/* ------------------------------------------------------------------------
 * Glue (ntpc-glue.c; the clock setter is lws__plat_set_clock())
 */

/* Counters for tests and diagnostics. */
struct lws__ntpc_stats {
    uint32_t sent;                        /* requests sent */
    uint32_t rx;                          /* datagrams read */
    uint32_t verdicts[LWS__NTPC_V_COUNT]; /* per verdict, OK included */
    uint32_t syncs;                       /* validated syncs */
    uint32_t dns_lookups;                 /* names given to async DNS */
    uint32_t server_switches;             /* addresses handed to the core */
};

/* 0, -EINVAL, or -ENOTSUP when the client is not running in @cx. */
int lws__ntpc_get_stats(struct lws_context *cx, struct lws__ntpc_stats *st);

/* Limits of the server list, and the client instance (context slot
 * "ntpc"). */
#define LWS__NTPC_HOST_MAX    256
#define LWS__NTPC_MAX_SOURCES 12
#define LWS__NTPC_MAX_ADDRS   8
#define LWS__NTPC_MAX_DROPPED 16
#define LWS__NTPC_MAX_DHCP    8

enum lws__ntpc_origin {
    LWS__NTPC_SRC_APP,
    LWS__NTPC_SRC_BLOB,
    LWS__NTPC_SRC_DHCP,
    LWS__NTPC_SRC_POOL
};

struct lws__ntpc_source {
    char *host;    /* name or numeric address, owned */
    uint16_t port; /* host order */
    uint8_t origin;
};

/* A server that sent a kiss-o'-death DENY or RSTR (RFC 5905 §7.4).  One
 * such packet may be an on-path forgery, so the server is only left out for
 * a backoff: 1 h, doubling with each new refusal up to 24 h. */
struct lws__ntpc_drop {
    lws_sockaddr46 sa;
    lws_usec_t until; /* monotonic us: left out until then */
    uint8_t count;    /* refusals so far */
};

#define LWS__NTPC_DROP_MIN_S (3600u)
#define LWS__NTPC_DROP_MAX_S (24u * 3600u)

struct lws__ntpc_dhcp {
    char iface[16];
    lws_sockaddr46 sa; /* AF_INET (DHCPv4) or AF_INET6 (DHCPv6) */
};

struct lws__ntpc {
    struct lws_context *cx;
    struct lws_vhost *vh;
    struct lws *wsi;
    struct lws *clock_wsi; /* the watch on the clock's steps, or NULL */
    int wsi_family;
    struct lws__ntpc_core core;
    lws_sorted_usec_list_t sul_core;  /* the core's wake time */
    lws_sorted_usec_list_t sul_kick;  /* deferred start / trigger */
    lws_sorted_usec_list_t sul_stamp; /* periodic stamp save */
    lws_state_notify_link_t nl;

    /* configuration (copied) */
    char **app_servers;
    size_t n_app;
    uint16_t port;
    int policy;
    unsigned int flags;
    char *stamp_path;
    uint32_t stamp_interval_s;
    int (*stamp_load)(struct lws_context *cx, lws_usec_t *wall_us);
    int (*stamp_save)(struct lws_context *cx, lws_usec_t wall_us);
    lws_ntpc_sync_cb_t sync_cb;
    void *sync_user;

    /* the server list and where we are in it */
    struct lws__ntpc_source src[LWS__NTPC_MAX_SOURCES];
    size_t n_src;
    size_t cur_src; /* index of the source whose addresses are loaded */
    lws_sockaddr46 addrs[LWS__NTPC_MAX_ADDRS];
    size_t n_addrs;
    size_t next_addr; /* next address of the source to hand out */
    /* DENY / RSTR: LWS__NTPC_MAX_DROPPED entries, allocated on the first
     * refusal (most devices never see one) */
    struct lws__ntpc_drop *dropped;
    size_t n_dropped;
    struct lws__ntpc_dhcp *dhcp; /* LWS__NTPC_MAX_DHCP, on first use */
    size_t n_dhcp;
    void *dns_tok; /* lookup in flight */

    bool running;    /* has a server list and works it */
    bool want_pool;  /* the gate or a trigger needs time at any cost */
    bool kick;       /* a trigger / link-up asks for a burst */
    bool list_dirty; /* DHCP servers changed */
    bool held;       /* our notifier vetoes TIME_VALID */
    bool synced;     /* a validated sync happened */

    lws_usec_t floor_us;
    lws_usec_t ceil_us;     /* build time + horizon: later is not believed */
    lws_usec_t max_step_us; /* a larger step needs a second source */
    /* A large step one source proposed, waiting for another to agree:
     * its server and its time projected to the monotonic clock's zero. */
    lws_sockaddr46 cand_server;
    int64_t cand_base_us;
    int64_t cand_tol_us;
    bool have_cand;
    bool cand_alone;    /* every source asked since answered from cand_server */
    uint8_t cand_tries; /* sources asked in a row without agreement */
    struct lws_ntpc_status st;
    struct lws__ntpc_stats stats;
    /* Carries out what the core decided; false when @n is gone.  Set by
     * the glue (ntpc-glue.c), called by the server list too. */
    bool (*act)(struct lws__ntpc *n, struct lws__ntpc_out *a);
    struct lws__news_observer news; /* DHCP-learned servers, links */
};

/* Glue (ntpc-glue.c) */
bool lws__ntpc_perform(struct lws__ntpc *n, struct lws__ntpc_out *a);
/* Replace the DHCP-learned NTP servers of @iface with @addrs (IPv4, host
 * order; n may be 0).  Fed by cross-helper news. */
int lws__ntpc_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n);
/* The same for the IPv6 NTP servers of @iface (@sa: AF_INET6, used over
 * IPv6; link-local ones are left out: the list keeps no scope).  The
 * IPv4 and IPv6 lists of an interface replace only themselves. */
int lws__ntpc_dhcp6_servers(struct lws_context *cx, const char *iface,
                            const lws_sockaddr46 *sa, size_t n);
/* A link came back (or went away): re-sync soon if appropriate. */
void lws__ntpc_link_changed(struct lws_context *cx, bool up);

/* Server list (ntpc-servers.c) */
const char *lws__ntpc_sa46_str(const lws_sockaddr46 *sa, char *buf, size_t len);
void lws__ntpc_sources_free(struct lws__ntpc *n);
void lws__ntpc_sources_build(struct lws__ntpc *n);
void lws__ntpc_next_server(struct lws__ntpc *n, bool start);
/* Leaves @sa out for its next backoff from @mono; returns that backoff in
 * seconds.  True while @sa is left out at @mono. */
uint32_t lws__ntpc_drop(struct lws__ntpc *n, const lws_sockaddr46 *sa,
                        lws_usec_t mono);
bool lws__ntpc_is_dropped(const struct lws__ntpc *n, const lws_sockaddr46 *sa,
                          lws_usec_t mono);

/* The answer to a lookup: @addrs (port 0), @count may be 0. */
typedef void (*lws__ntpc_resolved_cb)(struct lws__ntpc *n,
                                      const lws_sockaddr46 *addrs,
                                      size_t count);
/* Async DNS glue (ntpc-dns.c): start resolving @host for @n; the
 * answer comes back through @done unless the lookup *@tok is orphaned
 * first.  0, or a negative errno (-ENOTSUP without the resolver): nothing
 * will be called back. */
int lws__ntpc_resolve(struct lws__ntpc *n, struct lws_context *cx,
                      const char *host, lws__ntpc_resolved_cb done, void **tok);
/* Forget the lookup @tok in flight (at destroy); its answer is dropped. */
void lws__ntpc_resolve_orphan(void *tok);

/* Default time floor: the build time of the library, Unix us. */
lws_usec_t lws__ntpc_build_floor_us(void);

/* Latest Unix time (seconds) any stamp, floor or wall reading is taken as
 * (2096): microseconds, and nanoseconds of it, stay far from overflow. */
#define LWS__NTPC_TIME_MAX_S 4000000000ll
/* Default horizon after the build time: 20 years. */
#define LWS__NTPC_HORIZON_S (20u * 365u * 86400u)
/* Default largest step one source alone may make. */
#define LWS__NTPC_MAX_STEP_S 1000u

/* Stamp file helpers: read/write decimal Unix seconds. */
int lws__ntpc_stamp_file_load(const char *path, lws_usec_t *wall_us);
int lws__ntpc_stamp_file_save(const char *path, lws_usec_t wall_us);

/* Parses "host", "1.2.3.4", "1.2.3.4:port", "[v6]:port" or "v6"; writes the
 * host part into @host and the port (or 0) into *@port.  0 or -EINVAL. */
int lws__ntpc_split_hostport(const char *in, char *host, size_t host_len,
                             uint16_t *port);

#endif /* LWS_PRIVATE_NTPC_H */
