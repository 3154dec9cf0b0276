/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the async DNS glue: the resolver instance, its lookups
 * and waiters, the server list and the transport.  The codec, the
 * result chain and the cache (pure) are in private-adns-pure.h.
 */
#ifndef LWS_PRIVATE_ADNS_H
#define LWS_PRIVATE_ADNS_H

#include "private-adns-pure.h"
#include "private-news.h"

#include <sys/stat.h>

/* Buckets of the lookups in flight, by name hash (a power of two). */
#define LWS__ADNS_LK_BUCKETS 16

/* 16-bit random draws taken from the CSPRNG at once. */
#define LWS__ADNS_RND 64

/* Servers a resolver may know at once (explicit, resolv.conf, DHCP). */
#define LWS__ADNS_ORDER_MAX                                                    \
    (LWS__ADNS_MAX_SERVERS + LWS__ADNS_RESOLV_MAX +                            \
     LWS__ADNS_DHCP_IFACES * LWS__ADNS_DHCP_PER_IFACE)

/* ------------------------------------------------------------------------
 * Resolver instance (adns-glue.c: lookups, API; adns-udp.c: transport)
 */

struct adns_lookup;
struct adns_sock;

/* A DNS socket of the transport (adns-udp.c). */
struct adns_sock {
    lws_dll2_t list;     /* in lws__adns.socks, or lws__adns.dead_socks */
    lws_dll2_owner_t qs; /* struct adns_wq waiting on it */
    struct lws__adns *a;
    uint8_t *rx;    /* TCP: the reply being read */
    uint32_t nsent; /* questions it carried */
    uint32_t got;   /* TCP: bytes read, length prefix included */
    uint16_t rxlen; /* TCP: the reply's length */
    uint8_t hdr[2]; /* TCP: the length prefix */
    int fd;
    bool tcp;
    bool asked;          /* TCP: the question went out */
    bool dead;           /* closed, kept in lws__adns.dead_socks */
    uint8_t batch;       /* lws__adns.batch when it closed */
    lws_sockaddr46 peer; /* the server it is connected to */
};

/* One question (name, type) on the wire (adns-udp.c), on a UDP socket
 * shared with up to questions_per_socket - 1 others, or on TCP. */
struct adns_wq {
    lws_dll2_t on; /* in its socket's questions, while on the wire */
    struct adns_lookup *lk;
    struct adns_sock *s; /* the socket its try waits on, or NULL */
    lws_usec_t sent;     /* loop time its try went out */
    lws_usec_t due;      /* loop time its try is over */
    uint32_t ntry;       /* tries made before this one */
    lws_sockaddr46 srv;  /* the server of its try (family 0: none yet) */
    uint16_t qtype;      /* LWS__ADNS_T_* */
    uint16_t id;         /* its try's random ID */
    bool done;
    bool no_edns; /* asked again without EDNS0 after FORMERR */
    bool tcp;     /* truncated over UDP: over TCP from then on */
    int status;   /* LADNS_RET_* outcome of this question */
    struct lws__adns_answer ans;
};

/* One name + class being resolved, shared by every waiter. */
struct adns_lookup {
    lws_dll2_t list;          /* in lws__adns.lookups */
    lws_dll2_t hlist;         /* in lws__adns.lk_hash[] */
    lws_dll2_owner_t waiters; /* struct adns_waiter */
    /* loop time its deadline passes, or earlier its grace (one family
     * in, the other late) */
    lws_usec_t due;
    struct lws__adns *a;
    struct adns_wq wq[2];
    int nwq;
    int pending;      /* questions not done yet */
    int abort_status; /* status for questions cancelled */
    bool graced;      /* one family answered: the other has a short while */
    uint32_t hash;
    uint8_t cls;
    uint8_t room;         /* name[]: room for 32 * room - 1 characters */
    uint16_t qlen;        /* of query[] */
    const uint8_t *query; /* after name[]: its query (type A, ID 0, EDNS0) */
    char name[];          /* lower case */
};

/* One callback owed. */
struct adns_waiter {
    lws_dll2_t list; /* in a lookup, the queue or ready */
    lws_async_dns_cb_t cb;
    struct lws *wsi;
    void *opaque;
    struct lws_adns_q **pq;    /* the caller's handle, cleared before cb */
    struct lws__adns_res *res; /* reference handed to the callee */
    lws_usec_t queued_at;      /* monotonic us, while in lws__adns.queued */
    unsigned int flags;        /* LWS_ADNS_NOCACHE etc. */
    int status;
    uint8_t cls; /* enum lws__adns_class */
    char name[]; /* as the caller spelled it */
};

/* What tells a changed file from the one read before (adns-servers.c):
 * the part of struct stat compared, not all of it. */
struct lws__adns_fid {
    ino_t ino;
    off_t size;
    struct timespec mtim;
};

struct lws__adns {
    struct lws_context *cx;
    struct lws_vhost *vh;
    struct lws__adns_cache cache;
    lws_dll2_owner_t lookups; /* in flight, oldest first */
    /* blocks of lookups ended, kept while busy: a stack through
     * list.next */
    struct adns_lookup *spares;
    /* the same by name hash, to join one without walking them all
     * ([LWS__ADNS_LK_BUCKETS]); one block with order[], made by the first
     * lookup that needs the network, so an idle resolver holds neither */
    lws_dll2_owner_t *lk_hash;
    /* the earliest deadline or grace of a lookup, and its loop time */
    lws_sorted_usec_list_t sul_deadline;
    lws_usec_t deadline_due;
    lws_dll2_owner_t queued;          /* waiters past max_outstanding, FIFO */
    lws_sorted_usec_list_t sul_queue; /* start queued ones; their deadline */
    lws_dll2_owner_t ready;           /* waiters to call back, in order */
    lws_sorted_usec_list_t sul_deliver;
    lws_dll2_owner_t socks;         /* open DNS sockets */
    struct adns_sock *cur;          /* the UDP socket taking questions */
    lws_sorted_usec_list_t sul_try; /* the earliest try timeout */
    lws_usec_t try_due;             /* when sul_try fires (loop time) */
    struct lws__fdset *fdset;       /* every DNS socket */
    lws_dll2_owner_t dead_socks;    /* closed, kept for the next to open */
    uint8_t batch; /* odd while a readiness batch runs: 2 per batch */
    /* random bits for source ports and IDs, drawn from the CSPRNG
     * LWS__ADNS_RND of them at a time (one DRBG call costs about what a
     * socket does): [LWS__ADNS_RND], in lk_hash's block */
    uint16_t *rnd;
    int rnd_left;
    uint32_t qps;      /* questions_per_socket */
    uint32_t nwaiters; /* callbacks owed, all lists */

    /* configuration */
    uint32_t ttl_min_s, ttl_max_s, neg_ttl_max_s;
    lws_usec_t deadline_us;
    int try_timeout_ms, tries;
    uint32_t max_outstanding, max_waiters, max_queued;
    char *hosts_path, *resolv_path;

    /* servers and their order (adns-core.c); the port is in there too */
    struct lws__adns_servers srv;
    /* the servers in the order to ask them, as of order_gen (port set):
     * [LWS__ADNS_ORDER_MAX], in lk_hash's block */
    lws_sockaddr46 *order;
    int norder;
    uint32_t order_gen;
    struct lws__adns_fid resolv_st;
    bool resolv_seen;

    /* hosts file, re-read when it changes */
    char *hosts_buf;
    size_t hosts_len;
    struct lws__adns_fid hosts_st;
    bool hosts_seen;

    lws_usec_t (*now)(void); /* test hook; NULL = lws_now_usecs */
    /* The end of one question (wq->done and wq->status set), handed to
     * the transport (adns-udp.c) by adns-glue.c; the last one of a
     * lookup completes and frees it. */
    void (*question_done)(struct adns_wq *wq);
    struct lws__news_observer news; /* DHCP-learned DNS servers */
    struct lws_adns_stats st;
    bool destroying;
    bool draining; /* starting queued waiters (no recursion) */
};

/* adns-servers.c (the lowest of the glue's files: the others call it) */
/* The resolver of @cx for a public API call (checked to be on the loop),
 * or NULL. */
struct lws__adns *lws__adns_api(struct lws_context *cx);
/* The loop's time (ms steps, + 1: never 0), no clock read: enough for try
 * timeouts of at least LWS__ADNS_RTO_MIN_MS and RTT estimates. */
lws_usec_t lws__adns_loop_us(const struct lws__adns *a);
/* The resolver's monotonic time: the loop's (cache lifetimes, queue waits
 * and server health need no finer one), or the test clock when one is
 * set. */
lws_usec_t lws__adns_now(const struct lws__adns *a);
/* Replace the DHCP-learned DNS servers of @iface with @addrs (IPv4, host
 * order; n may be 0).  Fed by cross-helper news. */
int lws__adns_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n);
/* Replace the @family (AF_INET or AF_INET6) servers of @iface with those of
 * @sa[@n] of that family (the others are skipped). */
int lws__adns_iface_servers(struct lws_context *cx, const char *iface,
                            int family, const lws_sockaddr46 *sa, size_t n);
/* Server health news: @sa answered (@ok, after @rtt_us, < 0 unknown) or
 * failed a question (timed out, unreachable, SERVFAIL).  Kept by the core
 * (lws__adns_core_server_ok/_fail); a server going down or coming back is
 * logged. */
void lws__adns_health_event(struct lws__adns *a, const lws_sockaddr46 *sa,
                            bool ok, int32_t rtt_us);
int lws__adns_explicit_add(struct lws__adns *a, const lws_sockaddr46 *sa);
/* Re-reads resolv.conf if it changed (at each network lookup). */
void lws__adns_resolv_check(struct lws__adns *a);
/* Literals, the hosts file, localhost: true if answered (*status, *res). */
bool lws__adns_local(struct lws__adns *a, const char *name, const char *lc,
                     int *status, struct lws__adns_res **res);

/* adns-udp.c */
/* Sends question @idx of @lk (it may end, and the lookup with it, before
 * this returns). */
void lws__adns_wq_start(struct adns_lookup *lk, int idx);
/* Ends every question of @lk still out with @status (the last completes
 * and frees @lk). */
void lws__adns_lookup_abort(struct adns_lookup *lk, int status);
/* Closes every socket (lookups aborted first). */
void lws__adns_transport_destroy(struct lws__adns *a);
/* Frees the closed sockets and the blocks of ended lookups kept for reuse
 * (not from a readiness batch). */
void lws__adns_transport_trim(struct lws__adns *a);

/* Test hook: replace the monotonic clock the cache uses (NULL restores). */
void lws__adns_set_clock(struct lws_context *cx, lws_usec_t (*now)(void));

/* Parses "a.b.c.d[:port]", "v6" or "[v6][:port]" (port 0 if none).
 * @return 0 or -EINVAL. */
int lws__adns_parse_server(const char *s, lws_sockaddr46 *sa);

#endif /* LWS_PRIVATE_ADNS_H */
