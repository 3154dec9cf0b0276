/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Result chains and the answer cache of the async DNS helper.  A result is
 * one immutable heap block (header, addrinfo records, addresses, canonical
 * name) shared by reference between the cache and every callback that got
 * it, so expiry or eviction never frees memory a caller still reads.  The
 * cache is a hash table with an LRU list, bounded by entries and by bytes;
 * it never reads a clock itself (the caller passes "now").
 */
#define LWS_LOGMOD adns
#include "private-adns-pure.h"

#include <sys/socket.h>

/* A result of @nrec records with room for @n addresses and @canon (on the
 * first record); the records are chained, the addresses still to be put
 * in (res_put()).  @return NULL when out of memory. */
static struct lws__adns_res *res_alloc(size_t nrec, size_t n, const char *canon)
{
    size_t clen = canon ? strlen(canon) + 1 : 0;
    size_t size = sizeof(struct lws__adns_res) +
                  nrec * sizeof(struct addrinfo) + n * sizeof(lws_sockaddr46) +
                  clen;
    struct lws__adns_res *r = lws__calloc(1, size);
    char *cn;

    if (!r)
        return NULL;
    r->magic = LWS__ADNS_RES_MAGIC;
    r->refcount = 1;
    r->count = (uint32_t)nrec;
    r->bytes = (uint32_t)size;
    cn = (char *)((lws_sockaddr46 *)&r->ai[nrec] + n);
    if (canon)
        r->ai[0].ai_canonname = memcpy(cn, canon, clen);
    r->ai[0].ai_family = AF_UNSPEC;
    for (size_t i = 0; i + 1 < nrec; i++)
        r->ai[i].ai_next = &r->ai[i + 1];
    return r;
}

/* Puts @sa (AF_INET or AF_INET6) in record @k of @r. */
static void res_put(struct lws__adns_res *r, int k, const lws_sockaddr46 *sa)
{
    lws_sockaddr46 *sas = (lws_sockaddr46 *)&r->ai[r->count];
    struct addrinfo *ai = &r->ai[k];

    sas[k] = *sa;
    ai->ai_family = sa->sa4.sin_family;
    ai->ai_socktype = SOCK_STREAM;
    ai->ai_addr = (struct sockaddr *)&sas[k];
    ai->ai_addrlen = ai->ai_family == AF_INET ? sizeof(struct sockaddr_in)
                                              : sizeof(struct sockaddr_in6);
}

static const int fams[2] = {AF_INET, AF_INET6};

struct lws__adns_res *lws__adns_res_create(const lws_sockaddr46 *sa, int n,
                                           const char *canon)
{
    struct lws__adns_res *r;
    int k = 0;

    if (n < 0 || (!n && !canon))
        return NULL;
    r = res_alloc(n ? (size_t)n : 1, (size_t)n, canon);
    if (!r)
        return NULL;
    for (int f = 0; f < 2; f++)
        for (int i = 0; i < n; i++)
            if (sa[i].sa4.sin_family == fams[f])
                res_put(r, k++, &sa[i]);
    if (k != n) { /* an entry of neither family */
        lws__free(r);
        return NULL;
    }
    return r;
}

void lws__adns_res_ref(struct lws__adns_res *r)
{
    if (r)
        r->refcount++;
}

void lws__adns_res_unref(struct lws__adns_res *r)
{
    if (!r || --r->refcount)
        return;
    r->magic = 0;
    lws__free(r);
}

struct lws__adns_res *
lws__adns_res_from_answers(const struct lws__adns_answer *const *ans,
                           const uint16_t *types, int count)
{
    struct lws__adns_res *r;
    const char *canon = NULL;
    size_t total = 0;
    int n = 0;

    if (count > 2)
        count = 2;
    for (int i = 0; i < count; i++) {
        if (!ans[i])
            continue;
        total += (size_t)ans[i]->naddr;
        if (!canon || ans[i]->has_cname)
            canon = ans[i]->canon;
    }
    if (!total)
        return count == 1 && types[0] == LWS__ADNS_T_CNAME && ans[0] &&
                       ans[0]->has_cname
                   ? lws__adns_res_create(NULL, 0, ans[0]->canon)
                   : NULL;
    r = res_alloc(total, total, canon);
    for (int i = 0; r && i < count; i++) { /* A then AAAA, as documented */
        bool v4 = types[i] == LWS__ADNS_T_A;

        for (int j = 0; ans[i] && j < ans[i]->naddr; j++) {
            lws_sockaddr46 sa;

            memset(&sa, 0, sizeof(sa));
            sa.sa4.sin_family = v4 ? AF_INET : AF_INET6;
            memcpy(v4 ? (void *)&sa.sa4.sin_addr : (void *)&sa.sa6.sin6_addr,
                   lws__adns_answer_addr(ans[i], j), v4 ? 4 : 16);
            res_put(r, n++, &sa);
        }
    }
    return r;
}

/* ------------------------------------------------------------------------
 * Cache
 */

void *lws__adns_named_new(size_t off, const char *name)
{
    size_t n = strlen(name) + 1;
    char *p = lws__malloc(off + n);

    if (p) {
        memset(p, 0, off);
        memcpy(p + off, name, n);
    }
    return p;
}

uint32_t lws__adns_hash(const char *name_lc, uint8_t cls)
{
    uint32_t h = 2166136261u ^ cls; /* FNV-1a */

    for (const char *p = name_lc; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return h;
}

int lws__adns_cache_setup(struct lws__adns_cache *c, uint32_t max_entries,
                          size_t max_bytes)
{
    uint32_t nb = 8;

    memset(c, 0, sizeof(*c));
    if (!max_entries || max_entries > (1u << 20) || !max_bytes)
        return -EINVAL;
    while (nb < max_entries)
        nb <<= 1;
    c->buckets = lws__calloc(nb, sizeof(*c->buckets));
    if (!c->buckets)
        return -ENOMEM;
    c->nbuckets = nb;
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    return 0;
}

static void cache_unlink(struct lws__adns_cache *c, struct lws__adns_centry *e)
{
    struct lws__adns_centry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    lws_dll2_remove(&e->lru);
    c->bytes -= e->bytes;
    lws__adns_res_unref(e->res);
    lws__free(e);
}

void lws__adns_cache_flush(struct lws__adns_cache *c)
{
    while (c->buckets && c->lru.head)
        cache_unlink(
            c, lws_container_of(c->lru.head, struct lws__adns_centry, lru));
}

void lws__adns_cache_destroy(struct lws__adns_cache *c)
{
    if (!c)
        return;
    lws__adns_cache_flush(c);
    lws__free(c->buckets);
    c->buckets = NULL;
}

static struct lws__adns_centry *cache_find(struct lws__adns_cache *c,
                                           const char *name_lc, uint8_t cls,
                                           uint32_t h)
{
    struct lws__adns_centry *e = c->buckets[h & (c->nbuckets - 1)];

    for (; e; e = e->hnext)
        if (e->hash == h && e->cls == cls && !strcmp(e->name, name_lc))
            return e;
    return NULL;
}

struct lws__adns_centry *lws__adns_cache_get_h(struct lws__adns_cache *c,
                                               const char *name_lc, uint8_t cls,
                                               uint32_t h, lws_usec_t now)
{
    struct lws__adns_centry *e;

    if (!c->buckets)
        return NULL;
    e = cache_find(c, name_lc, cls, h);
    if (!e)
        return NULL;
    if (now >= e->expires) {
        cache_unlink(c, e);
        return NULL;
    }
    if (c->lru.head != &e->lru) {
        lws_dll2_remove(&e->lru);
        lws_dll2_add_head(&e->lru, &c->lru);
    }
    return e;
}

int lws__adns_cache_put_h(struct lws__adns_cache *c, const char *name_lc,
                          uint8_t cls, uint32_t h, int status,
                          struct lws__adns_res *res, lws_usec_t expires)
{
    size_t nlen = strlen(name_lc) + 1, bytes;
    struct lws__adns_centry *e;

    if (!c->buckets)
        return -EINVAL;
    bytes = sizeof(*e) + nlen + (res ? res->bytes : 0);
    e = cache_find(c, name_lc, cls, h);
    if (e)
        cache_unlink(c, e);
    if (bytes > c->max_bytes)
        return -ENOSPC;
    while (c->lru.tail && (c->lru.count + 1 > c->max_entries ||
                           c->bytes + bytes > c->max_bytes)) {
        cache_unlink(
            c, lws_container_of(c->lru.tail, struct lws__adns_centry, lru));
        c->evictions++;
    }
    e = lws__adns_named_new(offsetof(struct lws__adns_centry, name), name_lc);
    if (!e)
        return -ENOMEM;
    e->hash = h;
    e->cls = cls;
    e->status = status;
    e->expires = expires;
    e->bytes = (uint32_t)bytes;
    e->res = res;
    lws__adns_res_ref(res);
    e->hnext = c->buckets[h & (c->nbuckets - 1)];
    c->buckets[h & (c->nbuckets - 1)] = e;
    lws_dll2_add_head(&e->lru, &c->lru);
    c->bytes += bytes;
    return 0;
}
