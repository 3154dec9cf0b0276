/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Async DNS: libwebsockets' lws_async_dns_* API, driven by the context's
 * libuv loop, on a transport of the library's own (UDP; TCP after a
 * truncated reply).  Address lookups ask for A and AAAA together (A
 * first in the result chain, every address of each answer in server
 * order); answers are kept in a TTL cache (positive and
 * RFC 2308 negative), concurrent lookups of one name share one query on the
 * wire, and by default every UDP query leaves from a fresh random source port
 * with a random ID; a reply counts only from the server's address and
 * port, with that ID and that question.
 *
 * Thread rule: every function here is loop-thread only ("Thread: loop.").
 * Callbacks run on the loop thread, never inside the call that started the
 * lookup (not even for cache hits, literals or the hosts file).
 */
#ifndef LWS_SYSTEM_ADNS_H
#define LWS_SYSTEM_ADNS_H

#include <stdint.h>

#include <lws-system/system.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo;

/** Return codes of lws_async_dns_query() and status codes ("n") passed to
 *  the callback. */
typedef enum {
    /** Callback status (lws-system addition): the name exists but has no
     *  record of the asked type (NODATA). */
    LADNS_RET_NODATA = -5,
    /** Kept for libwebsockets source compatibility; never produced. */
    LADNS_RET_FAILED_WSI_CLOSED = -4,
    /** Callback status: the name does not exist (RCODE 3). */
    LADNS_RET_NXDOMAIN = -3,
    /** Callback status: no usable answer before the per-query deadline,
     *  or every server stayed silent. */
    LADNS_RET_TIMEDOUT = -2,
    /** Query refused at once (callback never called), or callback status
     *  for other failures (SERVFAIL/REFUSED from every server, a malformed
     *  answer, no server known). */
    LADNS_RET_FAILED = -1,
    /** Callback status: the result chain is non-NULL.  Never returned by
     *  lws_async_dns_query() (delivery is always deferred). */
    LADNS_RET_FOUND = 0,
    /** The lookup was accepted: the callback will run exactly once. */
    LADNS_RET_CONTINUING = 1
} lws_async_dns_retcode_t;

/** Query types, with lws v4.4's flags OR-ed in.  A and AAAA both ask for an
 *  address: A and AAAA records are looked up together and returned in one
 *  chain, A records first. */
typedef enum {
    LWS_ADNS_RECORD_A = 0x01,
    LWS_ADNS_RECORD_CNAME = 0x05,
    LWS_ADNS_RECORD_AAAA = 0x1c,

    /** Bits of the type; the flags below sit above them. */
    LWS_ADNS_QTYPE_MASK = 0xffff,
    /** Do not answer from the cache (the fresh answer is still cached). */
    LWS_ADNS_NOCACHE = 1 << 16,
    /** Skip the hosts file and "localhost" (numeric literals still answer
     *  locally). */
    LWS_ADNS_IGNORE_HOSTS_FILE = 1 << 17,
    /** lws marks its own internal queries with it; accepted, no effect. */
    LWS_ADNS_SYNTHETIC = 1 << 18,
    /** Accepted, no effect: there is no DNSSEC here, so no answer is ever
     *  marked as validated. */
    LWS_ADNS_INDICATE_LACKS_DNSSEC = 1 << 19,
    /** Accepted, no effect (no DNSSEC here; see the README). */
    LWS_ADNS_WANT_DNSSEC = 1 << 20
} adns_query_type_t;

/** A pending lookup, as handed out through lws_async_dns_query()'s @pq. */
struct lws_adns_q;

/**
 * The lookup callback (libwebsockets' shape).
 *
 * @param[in] wsi     the wsi given to lws_async_dns_query() (may be NULL)
 * @param[in] ads     the name as given to lws_async_dns_query(), borrowed
 * @param[in] result  getaddrinfo-style chain (ai_family AF_INET/AF_INET6,
 *                    ai_addr filled, ai_canonname on the first record is the
 *                    canonical name), or NULL.  For a CNAME query the chain
 *                    holds one AF_UNSPEC record whose ai_canonname is the
 *                    target.  A non-NULL chain is a reference the callee
 *                    owns: release it with lws_async_dns_freeaddrinfo()
 *                    (now or later, on the loop thread).
 * @param[in] n       LADNS_RET_FOUND (result != NULL), LADNS_RET_NXDOMAIN,
 *                    LADNS_RET_NODATA, LADNS_RET_TIMEDOUT, LADNS_RET_FAILED,
 *                    or -ECANCELED (lws_adns_cancel() or context destroy)
 * @param[in] opaque  the caller's pointer
 * @return the wsi (or NULL if the callback closed it); the value is not
 *         used by lws-system.
 */
typedef struct lws *(*lws_async_dns_cb_t)(struct lws *wsi, const char *ads,
                                          const struct addrinfo *result, int n,
                                          void *opaque);

/**
 * Resolver configuration, reached through lws_context_creation_info.adns
 * (NULL = all defaults).  Zero-initialise, then set fields; zero means the
 * default shown.  Explicit servers come from
 * lws_context_creation_info.async_dns_servers.
 */
struct lws_adns_info {
    /** Cache size limit in entries; 0 = 32. */
    uint32_t cache_max_entries;
    /** Cache size limit in bytes (entries and their results); 0 = 8192. */
    uint32_t cache_max_bytes;
    /** Lower clamp for positive TTLs in seconds; 0 = none. */
    uint32_t ttl_min_s;
    /** Upper clamp for positive TTLs in seconds; 0 = 3600. */
    uint32_t ttl_max_s;
    /** Cap for negative (NXDOMAIN/NODATA) TTLs in seconds; 0 = 300. */
    uint32_t neg_ttl_max_s;
    /** Overall deadline of one lookup in milliseconds; 0 = 5000. */
    uint32_t query_deadline_ms;
    /** Longest wait for one server before trying the next, ms; 0 = 500
     *  (doubled at each pass over the list).  A server with a
     *  known round-trip time gets SRTT + 4 RTTVAR of it instead, at least
     *  250 ms (RFC 6298 style, per server).  Once A has addresses,
     *  AAAA gets 50 ms more (RFC 8305's resolution delay); once AAAA
     *  has, A gets 1.5 x this (one retry): not the rest of the deadline.
     *  Then the lookup delivers the family it has (and caches nothing),
     *  so a lost datagram costs little. */
    uint32_t try_timeout_ms;
    /** Passes over the server list; 0 = 4: with one server a query goes
     *  at 0, 0.5, 1.5 and 3.5 s, inside the 5 s deadline, so a lost
     *  datagram costs half a second, not a second. */
    uint32_t tries;
    /** Lookups in flight on the network at once; 0 = 64.  Past it, new
     *  lookups wait in FIFO order (see max_queued). */
    uint32_t max_outstanding;
    /** Cap on callbacks not yet delivered (every caller, queued or not);
     *  0 = max_outstanding + max_queued + 1024 (2112 with their defaults,
     *  so the queue bound is what refuses first). */
    uint32_t max_waiters;
    /** Hosts file; NULL = "/etc/hosts", "" = none.  Neither file is read
     *  in a build with LWS_WITH_SYS_ASYNC_DNS_FILES off (the lean profile):
     *  there servers come from the API and DHCP only. */
    const char *hosts_path;
    /** resolv.conf, used only while no explicit or DHCP-learned server is
     *  known; NULL = "/etc/resolv.conf", "" = none. */
    const char *resolv_conf_path;
    /** Port of servers given without one; 0 = 53. */
    uint16_t port;
    /** Lookups that may wait for a place while max_outstanding are in
     *  flight; 0 = 1024.  They start in FIFO order as places free up (a
     *  name already in flight or cached is answered without waiting).
     *  Past this bound lws_async_dns_query() refuses (LADNS_RET_FAILED,
     *  logged "NAME refused: N queued (max_queued)").  A lookup still
     *  waiting after query_deadline_ms ends LADNS_RET_TIMEDOUT without
     *  going on the wire. */
    uint32_t max_queued;
    /** Questions one UDP socket (and so one source port) may carry before
     *  it is closed and a new one, bound to a new random port, takes
     *  over; 0 = 1: every question gets a fresh unpredictable source port
     *  (RFC 5452 §9.2), so a spoofer who learned one port cannot aim at
     *  the next question, and must guess 16 bits of ID and ~16 of port.
     *  Larger values trade that for speed, several questions then
     *  sharing a socket, told apart by ID (c-ares's own default is one
     *  socket per server, reused until idle; later c-ares calls this
     *  UDP_MAX_QUERIES); LWS_ADNS_REUSE_FREELY never retires a socket. */
    uint32_t questions_per_socket;
};

/** lws_adns_info.questions_per_socket: reuse sockets without a limit. */
#define LWS_ADNS_REUSE_FREELY 0xffffffffu

/** Counters, see lws_adns_get_stats(). */
struct lws_adns_stats {
    uint64_t queries;       /**< lws_async_dns_query() calls accepted */
    uint64_t cache_hits;    /**< answered from the cache */
    uint64_t coalesced;     /**< joined a lookup already in flight */
    uint64_t wire_queries;  /**< DNS questions handed to the network */
    uint64_t local;         /**< answered from a literal, localhost, hosts */
    uint32_t cache_entries; /**< entries in the cache now */
    uint32_t cache_bytes;   /**< bytes the cache accounts for now */
    uint32_t in_flight;     /**< lookups on the network now */
    uint32_t queued;        /**< lookups waiting for a place (max_queued) */
    uint32_t servers;       /**< servers in use now */
};

/**
 * lws_async_dns_query() - resolve @name.
 *
 * Numeric IPv4/IPv6 literals, "localhost" and names in the hosts file are
 * answered without the network; other names from the cache or by one query
 * per type on the wire, shared by every concurrent caller of that name and
 * type.
 *
 * @param[in] context  the context
 * @param[in] tsi      service thread index, must be 0
 * @param[in] name     the name (copied; up to 253 characters)
 * @param[in] qtype    LWS_ADNS_RECORD_A, _AAAA (both mean "addresses") or
 *                     _CNAME, OR-ed with LWS_ADNS_NOCACHE etc.
 * @param[in] cb       callback, required
 * @param[in] wsi      passed back to @cb, may be NULL
 * @param[in] opaque   passed back to @cb
 * @param[out] pq      NULL, or where to store the pending lookup's handle
 *                     (for lws_adns_q_cancel()) when LADNS_RET_CONTINUING
 *                     is returned; the library sets *@pq back to NULL just
 *                     before @cb runs, so *@pq must stay valid until then
 * @return LADNS_RET_CONTINUING: @cb will run exactly once, from the loop,
 *         after this call returns.  LADNS_RET_FAILED (logged): bad
 *         arguments, invalid name, out of memory, the queue full
 *         (max_queued lookups already waiting behind max_outstanding in
 *         flight) or the cap on waiters reached, context going down or the
 *         resolver compiled
 *         out; @cb will never run (*@pq is set to NULL).  LADNS_RET_FOUND
 *         and LADNS_RET_FAILED_WSI_CLOSED are never returned.
 *
 * lws v4.4 added @pq; code written for the older 7-argument form still
 * compiles: lws_async_dns_query is also a macro that supplies pq = NULL
 * when given 7 arguments.  The function's address (e.g. for a pointer) is
 * that of the 8-argument function.
 * Thread: loop.
 */
LWS_API lws_async_dns_retcode_t
lws_async_dns_query(struct lws_context *context, int tsi, const char *name,
                    adns_query_type_t qtype, lws_async_dns_cb_t cb,
                    struct lws *wsi, void *opaque, struct lws_adns_q **pq);

/* 7 or 8 arguments: the eighth (pq) defaults to NULL. */
#define LWS__ADNS_QUERY8(cx, tsi, name, qtype, cb, wsi, opaque, pq, ...)       \
    (lws_async_dns_query)(cx, tsi, name, qtype, cb, wsi, opaque, pq)
#define lws_async_dns_query(...) LWS__ADNS_QUERY8(__VA_ARGS__, NULL, 0)

/**
 * lws_adns_q_cancel() - cancel the pending lookup @q (from @pq of
 * lws_async_dns_query()).  Its callback then runs once from the loop with
 * n == -ECANCELED and a NULL result (never inside this call).  A handle
 * whose callback already ran is not dereferenced: the caller's *pq was set
 * to NULL then, and a stale pointer is looked up, not followed.
 *
 * @return 1 cancelled, 0 not pending (already answered or cancelled),
 *         -EINVAL (NULL context or resolver not running).
 * Thread: loop.
 */
LWS_API int lws_adns_q_cancel(struct lws_context *context,
                              struct lws_adns_q *q);

/**
 * lws_async_dns_server_reload() - read the system's server list
 * (resolv.conf) again now, instead of on the next lookup that notices the
 * file changed.  It is used while no explicit or DHCP-learned server is
 * known.  Lookups in flight keep their servers.
 *
 * @return 0, -EINVAL (NULL context, resolver not running) or -ENOTSUP
 *         (compiled out).
 * Thread: loop.
 */
LWS_API int lws_async_dns_server_reload(struct lws_context *context);

/**
 * lws_async_dns_freeaddrinfo() - release a result chain given to a
 * callback, and set *@ai to NULL.  The chain stays valid, even if its cache
 * entry expires or is flushed, until its last holder releases it.  NULL
 * and *@ai == NULL are no-ops.  Thread: loop.
 */
LWS_API void lws_async_dns_freeaddrinfo(const struct addrinfo **ai);

/**
 * lws_async_dns_server_add() - add a server at run time (kept until
 * removed, like the creation-time list).  Explicit servers are tried in
 * the order added, before servers learned by DHCP; resolv.conf is used only
 * while there are neither.  Lookups already in flight keep their servers.
 *
 * @param[in] sa46  IPv4 or IPv6 address (copied); a non-zero port in it is
 *                  used, otherwise lws_adns_info.port (53)
 * @return 0 (also when already present), -EINVAL (NULL, another address
 *         family, resolver not running), -ENOSPC (16 explicit servers
 *         already), -ENOMEM, -ENOTSUP (compiled out).
 * Thread: loop.
 */
LWS_API int lws_async_dns_server_add(struct lws_context *cx,
                                     const lws_sockaddr46 *sa46);

/**
 * lws_async_dns_server_remove() - remove a server added at creation or at
 * run time.
 *
 * @param[in] sa46  address and port to match (port 0 matches the default);
 *                  unknown servers are ignored
 * Lookups in flight finish on the servers they started with.
 * Thread: loop.
 */
LWS_API void lws_async_dns_server_remove(struct lws_context *cx,
                                         const lws_sockaddr46 *sa46);

/**
 * lws_adns_cancel() - cancel every pending lookup whose callback, wsi and
 * opaque equal @cb, @wsi and @opaque; with @cb NULL, every lookup of @wsi
 * (whatever its callback and opaque).  Each one's callback then runs once
 * from the loop with n == -ECANCELED and a NULL result (never inside this
 * call).  lws-system does not see an application's wsi close: cancel its
 * lookups with lws_adns_cancel(cx, NULL, wsi, NULL) before closing it.
 *
 * @return the number of lookups cancelled (0 if none), or -EINVAL.
 * Thread: loop.
 */
LWS_API int lws_adns_cancel(struct lws_context *context, lws_async_dns_cb_t cb,
                            struct lws *wsi, void *opaque);

/**
 * lws_adns_cache_flush() - drop every cache entry.  Results held by
 * callers stay valid until released.
 * @return 0, -EINVAL or -ENOTSUP.  Thread: loop.
 */
LWS_API int lws_adns_cache_flush(struct lws_context *context);

/**
 * lws_adns_get_stats() - copy the resolver's counters into @st.
 * @return 0, -EINVAL or -ENOTSUP.  Thread: loop.
 */
LWS_API int lws_adns_get_stats(struct lws_context *context,
                               struct lws_adns_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_ADNS_H */
