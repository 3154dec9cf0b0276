/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the async DNS helper: the DNS message codec (query
 * builder, answer parser), the refcounted result chain, the TTL/LRU cache,
 * the hosts and resolv.conf parsers (all pure, no I/O) and the resolver
 * instance that glues them to c-ares and the loop.
 */
#ifndef LWS_PRIVATE_ASYNC_DNS_H
#define LWS_PRIVATE_ASYNC_DNS_H

#include "private-news.h"

#include <netdb.h>
#include <sys/stat.h>

/* RFC 1035 §2.3.4: 255 octets on the wire, so at most 253 characters of
 * dotted text without the trailing dot. */
#define LWS__ADNS_NAME_MAX 253
/* Addresses kept per answer (per family). */
#define LWS__ADNS_MAX_ADDRS 8
/* CNAME links followed inside one answer. */
#define LWS__ADNS_CNAME_DEPTH 8
/* RFC 9267 §2: compression pointers followed while reading one name.  A
 * name has at most 127 labels, but real compressors point once or twice;
 * longer chains only serve to make the reader work. */
#define LWS__ADNS_NAME_JUMPS 16
/* Steps (labels read plus pointers followed) all name reads of one message
 * may take together: linear in its size, so even a crafted 64 KiB message
 * costs the loop thread a bounded, small amount of work (RFC 9267 §2). */
#define LWS__ADNS_MSG_WORK(len)                                                \
    (8u * (unsigned int)((len) < 65536u ? (len) : 65536u) + 1024u)
/* RFC 6891 §6.2.5 / DNS Flag Day 2020: advertised EDNS0 UDP payload. */
#define LWS__ADNS_EDNS_SIZE 1232

#define LWS__ADNS_T_A     1
#define LWS__ADNS_T_CNAME 5
#define LWS__ADNS_T_SOA   6
#define LWS__ADNS_T_AAAA  28
#define LWS__ADNS_T_OPT   41
#define LWS__ADNS_C_IN    1

/* RFC 1035 §4.1.1 RCODEs we act on. */
#define LWS__ADNS_RCODE_NOERROR  0
#define LWS__ADNS_RCODE_NXDOMAIN 3

/* Cache classes: one entry per name per class. */
enum lws__adns_class {
    LWS__ADNS_CLS_ADDR = 1, /* A + AAAA */
    LWS__ADNS_CLS_CNAME = 2
};

/* ------------------------------------------------------------------------
 * Codec (adns-codec.c)
 */

/* What the parser keeps from one answer to one question. */
struct lws__adns_answer {
    int rcode;                             /* RFC 1035 §4.1.1 */
    int naddr;                             /* addresses in addr[] */
    uint8_t addr[LWS__ADNS_MAX_ADDRS][16]; /* network order, 4 or 16 used */
    uint32_t ttl;     /* seconds: min over the records used */
    uint32_t neg_ttl; /* seconds, RFC 2308 §5; valid if has_soa */
    bool has_soa;
    bool has_cname;                     /* the chain had at least one CNAME */
    char canon[LWS__ADNS_NAME_MAX + 1]; /* lower case, end of the chain */
};

/* Validates @name (RFC 1035 §2.3.4 lengths, printable, no empty label),
 * drops one trailing dot and writes it lower-cased to @lc (at least
 * LWS__ADNS_NAME_MAX + 1 bytes).  @return its length, or -EINVAL. */
int lws__adns_name_lc(const char *name, char *lc);

/* Writes a standard query (RD, one question, EDNS0 OPT with @edns_size if
 * non-zero) for @name_lc into @buf.  ID 0 (c-ares sets it).
 * @return length, -EINVAL or -ENOSPC. */
int lws__adns_build_query(uint8_t *buf, size_t len, const char *name_lc,
                          uint16_t qtype, uint16_t edns_size);

/* Parses a reply to (@name_lc, @qtype): follows CNAMEs from the question
 * name, collects @qtype records (A/AAAA/CNAME), keeps the SOA minimum from
 * the authority section for negative caching.
 * @return 0, or -EBADMSG (logged at INFO) for any malformation. */
int lws__adns_parse_answer(const uint8_t *buf, size_t len, const char *name_lc,
                           uint16_t qtype, struct lws__adns_answer *ans);

/* hosts(5): up to @max addresses listed for @name_lc, in file order.
 * @return the count (0 if none). */
int lws__adns_hosts_find(const char *buf, size_t len, const char *name_lc,
                         lws_sockaddr46 *out, int max);

/* resolv.conf(5): up to @max "nameserver" addresses (port 0).
 * @return the count. */
int lws__adns_resolv_parse(const char *buf, size_t len, lws_sockaddr46 *out,
                           int max);

/* ------------------------------------------------------------------------
 * Result chain (adns-cache.c): one immutable block, refcounted.
 */
struct lws__adns_res {
    uint32_t magic;    /* LWS__ADNS_RES_MAGIC while alive */
    uint32_t refcount; /* holders: the cache and each callback */
    uint32_t count;    /* records in ai[] */
    uint32_t bytes;    /* size of this allocation */
    struct addrinfo ai[];
};
#define LWS__ADNS_RES_MAGIC 0x61646e73u

/* Builds a chain of @n addresses (IPv4 ones first, then IPv6, each in the
 * given order), ai_canonname = @canon on the first record.  With @n == 0
 * and @canon, one AF_UNSPEC record carries the name (CNAME answers).
 * Returned with refcount 1.  @return NULL on OOM or nothing to hold. */
struct lws__adns_res *lws__adns_res_create(const lws_sockaddr46 *sa, int n,
                                           const char *canon);
void lws__adns_res_ref(struct lws__adns_res *r);
void lws__adns_res_unref(struct lws__adns_res *r);
static inline const struct addrinfo *
lws__adns_res_ai(const struct lws__adns_res *r)
{
    return r ? r->ai : NULL;
}

/* Converts one or two parsed answers (A then AAAA) into a chain. */
struct lws__adns_res *
lws__adns_res_from_answers(const struct lws__adns_answer *const *ans,
                           const uint16_t *types, int count);

/* ------------------------------------------------------------------------
 * Cache (adns-cache.c): sans-I/O, the caller passes the time.
 */
struct lws__adns_centry {
    struct lws__adns_centry *hnext; /* hash chain */
    lws_dll2_t lru;                 /* head = most recently used */
    lws_usec_t expires;             /* monotonic us */
    struct lws__adns_res *res;      /* one reference, NULL if negative */
    uint32_t hash;
    uint32_t bytes; /* accounted: entry + result */
    int status;     /* LADNS_RET_FOUND/NXDOMAIN/NODATA */
    uint8_t cls;    /* enum lws__adns_class */
    char name[];    /* lower case */
};

struct lws__adns_cache {
    struct lws__adns_centry **buckets;
    uint32_t nbuckets; /* power of two */
    lws_dll2_owner_t lru;
    size_t bytes;
    uint32_t max_entries;
    size_t max_bytes;
    uint64_t evictions;
};

uint32_t lws__adns_hash(const char *name_lc, uint8_t cls);
int lws__adns_cache_setup(struct lws__adns_cache *c, uint32_t max_entries,
                          size_t max_bytes) LWS__MUST_CHECK;
void lws__adns_cache_destroy(struct lws__adns_cache *c);
void lws__adns_cache_flush(struct lws__adns_cache *c);
/* A live entry (moved to the LRU head), or NULL; expired ones are dropped. */
struct lws__adns_centry *lws__adns_cache_get(struct lws__adns_cache *c,
                                             const char *name_lc, uint8_t cls,
                                             lws_usec_t now);
/* Stores (replacing) an entry; takes its own reference on @res.  Evicts
 * least recently used entries to stay within both limits.
 * @return 0, -ENOMEM, or -ENOSPC (one entry larger than the byte cap). */
int lws__adns_cache_put(struct lws__adns_cache *c, const char *name_lc,
                        uint8_t cls, int status, struct lws__adns_res *res,
                        lws_usec_t expires);
static inline uint32_t lws__adns_cache_count(const struct lws__adns_cache *c)
{
    return c->lru.count;
}

/* ------------------------------------------------------------------------
 * Resolver instance (async-dns.c: lookups, API; adns-ares.c: c-ares)
 */
#define LWS__ADNS_MAX_SERVERS    16 /* explicit servers */
#define LWS__ADNS_RESOLV_MAX     8  /* resolv.conf servers */
#define LWS__ADNS_DHCP_IFACES    4  /* interfaces with DHCP-learned servers */
#define LWS__ADNS_DHCP_PER_IFACE 4  /* servers kept per interface */
#define LWS__ADNS_DEMOTED_MAX    4  /* servers remembered as slow */
#define LWS__ADNS_DEMOTE_US      (30 * LWS_US_PER_SEC)

struct adns_chan;
struct adns_lookup;

/* One question (name, type) on the wire, on its own c-ares channel. */
struct adns_wq {
    struct adns_lookup *lk;
    struct adns_chan *chan; /* while in flight */
    uint16_t qtype;         /* LWS__ADNS_T_* */
    bool done;
    bool no_edns; /* asked again without EDNS0 after FORMERR */
    int status;   /* LADNS_RET_* outcome of this question */
    struct lws__adns_answer ans;
};

/* One name + class being resolved, shared by every waiter. */
struct adns_lookup {
    lws_dll2_t list;          /* in lws__adns.lookups */
    lws_dll2_owner_t waiters; /* struct adns_waiter */
    lws_sorted_usec_list_t sul_deadline;
    struct lws__adns *a;
    struct adns_wq wq[2];
    int nwq;
    int pending;      /* questions not done yet */
    int abort_status; /* status for questions cancelled */
    uint32_t hash;
    uint8_t cls;
    char name[]; /* lower case */
};

/* One callback owed. */
struct adns_waiter {
    lws_dll2_t list; /* in a lookup, ready or delivering */
    lws_async_dns_cb_t cb;
    struct lws *wsi;
    void *opaque;
    struct lws__adns_res *res; /* reference handed to the callee */
    int status;
    char name[]; /* as the caller spelled it */
};

struct lws__adns_dhcp {
    char iface[16];
    lws_sockaddr46 sa[LWS__ADNS_DHCP_PER_IFACE];
    int n;
};

struct lws__adns {
    struct lws_context *cx;
    struct lws_vhost *vh;
    struct lws__adns_cache cache;
    lws_dll2_owner_t lookups;    /* in flight */
    lws_dll2_owner_t ready;      /* waiters to call back next round */
    lws_dll2_owner_t delivering; /* waiters of the round running now */
    lws_sorted_usec_list_t sul_deliver;
    lws_dll2_owner_t idle_chans;     /* c-ares channels without a question */
    lws_sorted_usec_list_t sul_trim; /* frees idle channels after a burst */
    lws_dll2_owner_t busy_chans;
    uint32_t nwaiters; /* callbacks owed, all lists */

    /* configuration */
    uint32_t ttl_min_s, ttl_max_s, neg_ttl_max_s;
    lws_usec_t deadline_us;
    int try_timeout_ms, tries;
    uint32_t max_outstanding, max_waiters;
    uint16_t port; /* host order: default server port */
    char *hosts_path, *resolv_path;

    /* servers; every change bumps server_gen */
    lws_sockaddr46 *explicit_srv; /* [LWS__ADNS_MAX_SERVERS], on first add */
    int nexplicit;
    struct lws__adns_dhcp *dhcp; /* [LWS__ADNS_DHCP_IFACES], on first use */
    int ndhcp_total;
    lws_sockaddr46 resolv_srv[LWS__ADNS_RESOLV_MAX];
    int nresolv;
    struct stat resolv_st;
    bool resolv_seen;
    uint32_t server_gen;
    /* servers that made a question time out: tried last until .until */
    struct {
        lws_sockaddr46 sa;
        lws_usec_t until; /* monotonic us; 0 = free slot */
    } demoted[LWS__ADNS_DEMOTED_MAX];

    /* hosts file, re-read when it changes */
    char *hosts_buf;
    size_t hosts_len;
    struct stat hosts_st;
    bool hosts_seen;

    lws_usec_t (*now)(void); /* test hook; NULL = lws_now_usecs */
    /* Completion of a lookup's questions, handed to the transport
     * (adns-ares.c) by async-dns.c; frees @lk. */
    void (*lookup_done)(struct adns_lookup *lk);
    struct lws__news_observer news; /* DHCP-learned DNS servers */
    struct lws_adns_stats st;
    bool destroying;
    bool in_delivery;
    bool dead; /* destroyed during delivery: freed when it unwinds */
};

/* async-dns.c */
int lws__adns_servers_effective(struct lws__adns *a, lws_sockaddr46 *out,
                                int max);

static inline lws_usec_t lws__adns_now(const struct lws__adns *a)
{
    return a->now ? a->now() : lws_now_usecs();
}

/* adns-servers.c */
/* Replace the DHCP-learned DNS servers of @iface with @addrs (IPv4, host
 * order; n may be 0).  Fed by cross-helper news. */
int lws__adns_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n);
/* A question timed out on @sa (the first server tried): try it last for a
 * while.  Expired demotions are dropped by lws__adns_demote_expire(). */
void lws__adns_demote(struct lws__adns *a, const lws_sockaddr46 *sa);
void lws__adns_demote_expire(struct lws__adns *a);
int lws__adns_explicit_add(struct lws__adns *a, const lws_sockaddr46 *sa);
/* Re-reads resolv.conf if it changed (at each network lookup). */
void lws__adns_resolv_check(struct lws__adns *a);
/* Literals, the hosts file, localhost: true if answered (*status, *res). */
bool lws__adns_local(struct lws__adns *a, const char *name, const char *lc,
                     int *status, struct lws__adns_res **res);

/* adns-ares.c */
void lws__adns_wq_start(struct adns_lookup *lk, int idx);
void lws__adns_lookup_abort(struct adns_lookup *lk, int status);
void lws__adns_sock_ready(void *sock, int uv_events);
void lws__adns_sock_closed(void *sock);
void lws__adns_channels_destroy(struct lws__adns *a);
/* Frees idle channels beyond a few (30 s after a burst, or by tests). */
void lws__adns_channels_trim(struct lws__adns *a);

/* Test hook: replace the monotonic clock the cache uses (NULL restores). */
void lws__adns_set_clock(struct lws_context *cx, lws_usec_t (*now)(void));

/* Parses "a.b.c.d[:port]", "v6" or "[v6][:port]" (port 0 if none).
 * @return 0 or -EINVAL. */
int lws__adns_parse_server(const char *s, lws_sockaddr46 *sa);

#endif /* LWS_PRIVATE_ASYNC_DNS_H */
