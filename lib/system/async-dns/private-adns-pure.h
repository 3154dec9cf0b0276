/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the async DNS helper: the DNS message codec (query
 * builder, answer parser), the refcounted result chain, the TTL/LRU cache,
 * the hosts and resolv.conf parsers: all pure, no I/O, only the wire header
 * included.  The resolver instance that glues them to the sockets and the loop
 * is in private-adns.h.
 */
#ifndef LWS_PRIVATE_ADNS_PURE_H
#define LWS_PRIVATE_ADNS_PURE_H

#include "private-wire.h"

#include <netdb.h>

/* RFC 1035 §2.3.4: 255 octets on the wire, so at most 253 characters of
 * dotted text without the trailing dot. */
#define LWS__ADNS_NAME_MAX 253
/* Addresses kept per answer (per family). */
#define LWS__ADNS_MAX_ADDRS 8
/* Of an answer's addresses, those held inline (the rest are allocated):
 * few, so that a lookup with its two answers stays a small allocation. */
#define LWS__ADNS_INLINE_ADDRS 4
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

/* What the parser keeps from one answer to one question: every address
 * of the answer, the first LWS__ADNS_INLINE_ADDRS inline, the rest in @more
 * (read them with lws__adns_answer_addr(); release with
 * lws__adns_answer_clear() before the struct is reused or freed). */
struct lws__adns_answer {
    int rcode;                                /* RFC 1035 §4.1.1 */
    int naddr;                                /* addresses in the answer */
    uint8_t addr[LWS__ADNS_INLINE_ADDRS][16]; /* network order, 4/16 used */
    uint8_t (*more)[16]; /* lws__malloc'd: addresses LWS__ADNS_INLINE_ADDRS.. */
    uint32_t ttl;        /* seconds: min over the records used */
    uint32_t neg_ttl;    /* seconds, RFC 2308 §5; valid if has_soa */
    bool has_soa;
    bool has_cname;                     /* the chain had at least one CNAME */
    char canon[LWS__ADNS_NAME_MAX + 1]; /* lower case, end of the chain */
};

static inline const uint8_t *
lws__adns_answer_addr(const struct lws__adns_answer *ans, int i)
{
    return i < LWS__ADNS_INLINE_ADDRS ? ans->addr[i]
                                      : ans->more[i - LWS__ADNS_INLINE_ADDRS];
}

/* Frees the addresses past the inline ones and zeroes @ans. */
void lws__adns_answer_clear(struct lws__adns_answer *ans);

/* Validates @name (RFC 1035 §2.3.4 lengths, printable, no empty label),
 * drops one trailing dot and writes it lower-cased to @lc (at least
 * LWS__ADNS_NAME_MAX + 1 bytes).  @return its length, or -EINVAL. */
int lws__adns_name_lc(const char *name, char *lc);

/* Writes a standard query (RD, one question, EDNS0 OPT with @edns_size if
 * non-zero) for @name_lc into @buf.  ID 0 (the transport sets it).  Its
 * question's name (wire form) is at 12, of the query's length less 16
 * bytes (27 with EDNS0: LWS__ADNS_QNAME_LEN()).
 * @return length, -EINVAL or -ENOSPC. */
int lws__adns_build_query(uint8_t *buf, size_t len, const char *name_lc,
                          uint16_t qtype, uint16_t edns_size);
#define LWS__ADNS_QNAME_LEN(qlen, edns) ((size_t)(qlen) - ((edns) ? 27 : 16))

/* RFC 5452 §9.1: whether @buf is a reply (QR) with ID @id to the one
 * question (@qname, @qtype, IN): @qname the wire form of the name as the
 * query carried it (lower case), its letters matched case-insensitively.
 * Nothing past the question is read.  @return its flags (host order: TC
 * is 0x200, the RCODE the low 4 bits), or -ESRCH. */
int lws__adns_reply_match(const uint8_t *buf, size_t len, uint16_t id,
                          const uint8_t *qname, size_t qnlen, uint16_t qtype);

/* Parses a reply lws__adns_reply_match() took for (@name_lc, @qtype)
 * (@matched; false: -EBADMSG): follows CNAMEs from the question name,
 * collects @qtype records (A/AAAA/CNAME), keeps the SOA minimum from the
 * authority section for negative caching.  Its question is not compared
 * again.  @return 0, or -EBADMSG (logged at INFO) for any malformation. */
int lws__adns_parse_reply(const uint8_t *buf, size_t len, const char *name_lc,
                          uint16_t qtype, struct lws__adns_answer *ans,
                          bool matched);
/* The same for a reply to (@name_lc, @qtype) not matched before (its ID
 * not checked): the question compared first.  (The transport matches
 * replies itself: tests and fuzzers call this one, so it is not built
 * into the library.) */
static inline int lws__adns_parse_answer(const uint8_t *buf, size_t len,
                                         const char *name_lc, uint16_t qtype,
                                         struct lws__adns_answer *ans)
{
    uint8_t q[12 + LWS__ADNS_NAME_MAX + 2 + 4];
    int n = lws__adns_build_query(q, sizeof(q), name_lc, qtype, 0);

    return lws__adns_parse_reply(
        buf, len, name_lc, qtype, ans,
        n > 0 && buf && len >= 12 &&
            lws__adns_reply_match(buf, len, (uint16_t)(buf[0] << 8 | buf[1]),
                                  q + 12, LWS__ADNS_QNAME_LEN(n, 0),
                                  qtype) >= 0);
}

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

/* A zeroed struct of @off bytes followed by a copy of @name (its flexible
 * name[] member at @off), lws__malloc'd, or NULL. */
void *lws__adns_named_new(size_t off, const char *name);
uint32_t lws__adns_hash(const char *name_lc, uint8_t cls);
int lws__adns_cache_setup(struct lws__adns_cache *c, uint32_t max_entries,
                          size_t max_bytes) LWS__MUST_CHECK;
void lws__adns_cache_destroy(struct lws__adns_cache *c);
void lws__adns_cache_flush(struct lws__adns_cache *c);
/* A live entry (moved to the LRU head), or NULL; expired ones are dropped.
 * @h is lws__adns_hash(@name_lc, @cls) (the caller has it already). */
struct lws__adns_centry *lws__adns_cache_get_h(struct lws__adns_cache *c,
                                               const char *name_lc, uint8_t cls,
                                               uint32_t h, lws_usec_t now);
/* Stores (replacing) an entry; takes its own reference on @res.  Evicts
 * least recently used entries to stay within both limits.  @h as above.
 * @return 0, -ENOMEM, or -ENOSPC (one entry larger than the byte cap). */
int lws__adns_cache_put_h(struct lws__adns_cache *c, const char *name_lc,
                          uint8_t cls, uint32_t h, int status,
                          struct lws__adns_res *res, lws_usec_t expires);
/* The same, hashing @name_lc themselves. */
static inline struct lws__adns_centry *
lws__adns_cache_get(struct lws__adns_cache *c, const char *name_lc, uint8_t cls,
                    lws_usec_t now)
{
    return lws__adns_cache_get_h(c, name_lc, cls, lws__adns_hash(name_lc, cls),
                                 now);
}
static inline int lws__adns_cache_put(struct lws__adns_cache *c,
                                      const char *name_lc, uint8_t cls,
                                      int status, struct lws__adns_res *res,
                                      lws_usec_t expires)
{
    return lws__adns_cache_put_h(c, name_lc, cls, lws__adns_hash(name_lc, cls),
                                 status, res, expires);
}
static inline uint32_t lws__adns_cache_count(const struct lws__adns_cache *c)
{
    return c->lru.count;
}

/* ------------------------------------------------------------------------
 * Core (adns-core.c): what a finished lookup amounts to, how long it is
 * cached, and which servers are asked in which order.  No clock of its own:
 * the caller passes the time, as every helper core takes it (lws_usec_t now,
 * monotonic, after the state it works on).  Unlike the other cores it keeps
 * no protocol state between events (the glue's transport does),
 * so its functions return what they decide instead of filling an out
 * struct.
 */

/* One question's end as the core sees it. */
struct lws__adns_qres {
    uint16_t qtype; /* LWS__ADNS_T_* */
    int status;     /* LADNS_RET_* */
    const struct lws__adns_answer *ans;
};

/* Combines @n question ends into one status (FOUND if any family found
 * addresses, else NXDOMAIN, NODATA when all say so, TIMEDOUT, FAILED) and,
 * for FOUND, a new result chain in *@res (else NULL; FAILED when it cannot
 * be allocated). */
int lws__adns_core_outcome(const struct lws__adns_qres *q, int n,
                           struct lws__adns_res **res);

/* The cache policy for an outcome @status of @q: positive answers for
 * their minimum TTL clamped to [@ttl_min_s, @ttl_max_s]; negative ones
 * (RFC 2308 §5) only with an SOA, for at most @neg_max_s; nothing when a
 * family failed or the TTL is 0.  @return seconds, 0 = do not cache. */
uint32_t lws__adns_core_cache_ttl(const struct lws__adns_qres *q, int n,
                                  int status, uint32_t ttl_min_s,
                                  uint32_t ttl_max_s, uint32_t neg_max_s);

#define LWS__ADNS_MAX_SERVERS    16 /* explicit servers */
#define LWS__ADNS_RESOLV_MAX     8  /* resolv.conf servers */
#define LWS__ADNS_DHCP_IFACES    4  /* interfaces with DHCP-learned servers */
#define LWS__ADNS_DHCP_PER_IFACE 4  /* servers kept per interface */
/* Server health: how many servers are remembered, the back-off of a dead
 * one between probes, and the bounds of the adaptive try timeout. */
#define LWS__ADNS_HEALTH_MAX   8
#define LWS__ADNS_PROBE_MIN_US (1 * LWS_US_PER_SEC)
#define LWS__ADNS_PROBE_MAX_US (30 * LWS_US_PER_SEC)
#define LWS__ADNS_RTO_MIN_MS   250

struct lws__adns_dhcp {
    char iface[16];
    lws_sockaddr46 sa[LWS__ADNS_DHCP_PER_IFACE];
    int n;
};

/* What the core remembers of one server. */
struct lws__adns_health {
    lws_sockaddr46 sa;    /* family 0: free slot */
    lws_usec_t down_at;   /* 0 = up; else when it was found dead */
    lws_usec_t probe_at;  /* down: when one question may test it */
    lws_usec_t last;      /* last event, to reuse the oldest slot */
    int32_t srtt, rttvar; /* us; srtt 0 = no sample yet */
    uint16_t fails;       /* consecutive failures */
    bool due;             /* down, probe due, order changed for it */
    bool probing;         /* a probe went out, its outcome not yet in */
};

/* The resolver's servers; every change bumps @server_gen. */
struct lws__adns_servers {
    lws_sockaddr46 *explicit_srv; /* [LWS__ADNS_MAX_SERVERS], on first add */
    int nexplicit;
    struct lws__adns_dhcp *dhcp; /* [LWS__ADNS_DHCP_IFACES], on first use */
    int ndhcp_total;
    lws_sockaddr46 resolv_srv[LWS__ADNS_RESOLV_MAX];
    int nresolv;
    uint32_t server_gen;
    uint16_t port; /* host order: default server port */
    /* health of the servers asked lately (RFC 6298 style estimates):
     * [LWS__ADNS_HEALTH_MAX], allocated at the first event (an idle
     * resolver holds none) */
    struct lws__adns_health *health;
};

/* Same family, address and port (port 0 standing for @defport). */
bool lws__adns_core_sa_eq(const lws_sockaddr46 *x, const lws_sockaddr46 *y,
                          uint16_t defport);
/* The servers to ask, in order: the explicit ones and the DHCP-learned
 * ones, or resolv.conf's when there are none; up servers first (in that
 * order), then the dead ones.  With @now non-zero and @out, a dead server
 * whose probe is due goes first for this one list (*@probe set true; the
 * caller applies it to one channel only) and its next probe is pushed a
 * back-off further.  Up to @max into @out (NULL: just count).  @return how
 * many (at most @max with @out). */
int lws__adns_core_servers(struct lws__adns_servers *s, lws_usec_t now,
                           lws_sockaddr46 *out, int max, bool *probe);
/* An answer came from @sa @rtt_us after the question went out (< 0:
 * unknown): its RTT estimate (RFC 6298 §2) is updated and it is up again.
 * @return true if it was down (the order changed). */
bool lws__adns_core_server_ok(struct lws__adns_servers *s, lws_usec_t now,
                              const lws_sockaddr46 *sa, int32_t rtt_us);
/* @sa failed a question (no answer in time, unreachable, SERVFAIL): one more
 * consecutive failure; it is down, probed again after a back-off doubling
 * from LWS__ADNS_PROBE_MIN_US up to LWS__ADNS_PROBE_MAX_US.  Once down, only
 * a failed probe counts again (the questions already out when it died do
 * not each double the back-off).  @return true if it was up (the order
 * changed). */
bool lws__adns_core_server_fail(struct lws__adns_servers *s, lws_usec_t now,
                                const lws_sockaddr46 *sa);
/* Bumps @server_gen once when a dead server's probe comes due by @now, so
 * that the next channel asks it first. */
void lws__adns_core_health_tick(struct lws__adns_servers *s, lws_usec_t now);
/* The try timeout for questions that go to @sa first: its SRTT + 4 RTTVAR
 * (RFC 6298 §2.3) in ms, at least LWS__ADNS_RTO_MIN_MS, at most @max_ms,
 * which is also the answer for a server without a sample or a dead one. */
int lws__adns_core_rto_ms(const struct lws__adns_servers *s,
                          const lws_sockaddr46 *sa, int max_ms);
/* The health record of @sa, or NULL. */
const struct lws__adns_health *
lws__adns_core_health(const struct lws__adns_servers *s,
                      const lws_sockaddr46 *sa);

#endif /* LWS_PRIVATE_ADNS_PURE_H */
