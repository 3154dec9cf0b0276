/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The async DNS resolver: lookups, waiters and delivery, the cache policy,
 * server sources (explicit, run time, DHCP, resolv.conf), local answers
 * (literals, localhost, hosts file) and the public lws_async_dns_* API.
 * The c-ares transport (channels, sockets as wsi, timers) is in
 * adns-ares.c.
 *
 * Each lookup (name + class) asks one question per record type; concurrent
 * callers of the same name and class wait on the same lookup.  Callbacks
 * are queued and delivered from a 0-delay timer, never from inside the call
 * that started the lookup.
 */
#define LWS_LOGMOD "adns"
#include "private-async-dns.h"

#include <arpa/inet.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files larger than this are read only up to it (with a warning). */
#define ADNS_FILE_MAX (64 * 1024)

static lws_usec_t adns_now(const struct lws__adns *a)
{
    return a->now ? a->now() : lws_now_usecs();
}

/* ------------------------------------------------------------------------
 * Delivery
 */

static void adns_deliver_cb(lws_sorted_usec_list_t *sul);
static void adns_free(struct lws__adns *a);

static void adns_schedule_delivery(struct lws__adns *a)
{
    if (!a->sul_deliver.list.owner && !a->destroying)
        lws_sul_schedule(a->cx, 0, &a->sul_deliver, adns_deliver_cb, 0);
}

/* Queues @w for its callback with @status and (a new reference to) @res. */
static void adns_waiter_ready(struct lws__adns *a, struct adns_waiter *w,
                              int status, struct lws__adns_res *res)
{
    lws_dll2_remove(&w->list);
    w->status = status;
    lws__adns_res_unref(w->res);
    w->res = res;
    lws__adns_res_ref(res);
    lws_dll2_add_tail(&w->list, &a->ready);
    adns_schedule_delivery(a);
}

static void adns_call(struct lws__adns *a, struct adns_waiter *w)
{
    const struct addrinfo *ai = NULL;

    lws_dll2_remove(&w->list);
    a->nwaiters--;
    if (w->res && w->status == LADNS_RET_FOUND)
        ai = w->res->ai; /* the reference passes to the callee */
    else
        lws__adns_res_unref(w->res);
    w->cb(w->wsi, w->name, ai, w->status, w->opaque);
    lws__free(w);
}

static void adns_deliver_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__adns *a = lws_container_of(sul, struct lws__adns, sul_deliver);

    /* Only what is ready now: callbacks that query again land in the next
     * round, so a callback loop cannot starve the event loop. */
    while (a->ready.head) {
        lws_dll2_t *d = a->ready.head;

        lws_dll2_remove(d);
        lws_dll2_add_tail(d, &a->delivering);
    }
    a->in_delivery = true;
    while (a->delivering.head) {
        adns_call(
            a, lws_container_of(a->delivering.head, struct adns_waiter, list));
        if (a->dead) { /* the callback destroyed the context */
            adns_free(a);
            return;
        }
    }
    a->in_delivery = false;
}

/* ------------------------------------------------------------------------
 * Lookups
 */

static struct adns_waiter *adns_waiter_new(struct lws__adns *a,
                                           const char *name,
                                           lws_async_dns_cb_t cb,
                                           struct lws *wsi, void *opaque)
{
    size_t n = strlen(name) + 1;
    struct adns_waiter *w = lws__malloc(sizeof(*w) + n);

    if (!w)
        return NULL;
    memset(w, 0, sizeof(*w));
    memcpy(w->name, name, n);
    w->cb = cb;
    w->wsi = wsi;
    w->opaque = opaque;
    a->nwaiters++;
    return w;
}

static void adns_waiter_drop(struct lws__adns *a, struct adns_waiter *w)
{
    a->nwaiters--;
    lws__adns_res_unref(w->res);
    lws__free(w);
}

static struct adns_lookup *adns_lookup_find(struct lws__adns *a, const char *lc,
                                            uint8_t cls)
{
    uint32_t h = lws__adns_hash(lc, cls);

    for (lws_dll2_t *d = a->lookups.head; d; d = d->next) {
        struct adns_lookup *lk = lws_container_of(d, struct adns_lookup, list);

        if (lk->hash == h && lk->cls == cls && !strcmp(lk->name, lc))
            return lk;
    }
    return NULL;
}

static uint32_t adns_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* The cache policy: positive answers for their clamped minimum TTL,
 * negative ones (RFC 2308 §5) only with an SOA, capped. */
static void adns_lookup_cache(struct adns_lookup *lk, int status,
                              struct lws__adns_res *res)
{
    struct lws__adns *a = lk->a;
    uint32_t ttl = UINT32_MAX;
    int r;

    for (int i = 0; i < lk->nwq; i++) {
        const struct adns_wq *q = &lk->wq[i];

        if (q->status == LADNS_RET_FOUND)
            ttl = q->ans.ttl < ttl ? q->ans.ttl : ttl;
        else if (q->status == LADNS_RET_NXDOMAIN ||
                 q->status == LADNS_RET_NODATA) {
            /* RFC 2308 §5: without an SOA a negative answer is not
             * cached (beside a positive one it just does not bound it). */
            if (q->ans.has_soa)
                ttl = q->ans.neg_ttl < ttl ? q->ans.neg_ttl : ttl;
            else if (status != LADNS_RET_FOUND)
                return;
        } else
            return; /* a family failed: do not remember half an answer */
    }
    if (status == LADNS_RET_FOUND)
        ttl = adns_clamp(ttl, a->ttl_min_s, a->ttl_max_s);
    else
        ttl = ttl < a->neg_ttl_max_s ? ttl : a->neg_ttl_max_s;
    if (!ttl)
        return; /* RFC 1035 §3.2.1: TTL 0 means use once */
    r = lws__adns_cache_put(&a->cache, lk->name, lk->cls, status, res,
                            adns_now(a) + (lws_usec_t)ttl * LWS_US_PER_SEC);
    if (r)
        lwsl_debug("%s not cached: %d", lk->name, r);
}

/* Combines the questions' outcomes into one status and result chain. */
static int adns_lookup_outcome(struct adns_lookup *lk,
                               struct lws__adns_res **res)
{
    const struct lws__adns_answer *ans[2] = {NULL, NULL};
    uint16_t types[2] = {0, 0};
    int nx = 0, nodata = 0, tmo = 0, found = 0;

    for (int i = 0; i < lk->nwq; i++) {
        switch (lk->wq[i].status) {
        case LADNS_RET_FOUND:
            ans[found] = &lk->wq[i].ans;
            types[found++] = lk->wq[i].qtype;
            break;
        case LADNS_RET_NXDOMAIN:
            nx++;
            break;
        case LADNS_RET_NODATA:
            nodata++;
            break;
        case LADNS_RET_TIMEDOUT:
            tmo++;
            break;
        default:
            break;
        }
    }
    *res = NULL;
    if (found) {
        *res = lws__adns_res_from_answers(ans, types, found);
        return *res ? LADNS_RET_FOUND : LADNS_RET_FAILED;
    }
    if (nx)
        return LADNS_RET_NXDOMAIN;
    if (nodata == lk->nwq)
        return LADNS_RET_NODATA;
    return tmo ? LADNS_RET_TIMEDOUT : LADNS_RET_FAILED;
}

void lws__adns_lookup_complete(struct adns_lookup *lk)
{
    struct lws__adns *a = lk->a;
    struct lws__adns_res *res;
    int status = adns_lookup_outcome(lk, &res);

    lws_sul_cancel(&lk->sul_deadline);
    if (!a->destroying)
        adns_lookup_cache(lk, status, res);
    lwsl_debug("%s: status %d, %u waiter(s)", lk->name, status,
               lk->waiters.count);
    while (lk->waiters.head)
        adns_waiter_ready(
            a, lws_container_of(lk->waiters.head, struct adns_waiter, list),
            status, res);
    lws__adns_res_unref(res);
    lws_dll2_remove(&lk->list);
    lws__free(lk);
}

static void adns_deadline_cb(lws_sorted_usec_list_t *sul)
{
    struct adns_lookup *lk =
        lws_container_of(sul, struct adns_lookup, sul_deadline);

    lwsl_info("%s: no answer within the deadline", lk->name);
    /* The last question cancelled completes (and frees) the lookup. */
    lws__adns_lookup_abort(lk, LADNS_RET_TIMEDOUT);
}

static int adns_lookup_start(struct lws__adns *a, const char *lc, uint8_t cls,
                             struct adns_waiter *w)
{
    size_t n = strlen(lc) + 1;
    struct adns_lookup *lk = lws__malloc(sizeof(*lk) + n);
    int nwq;

    if (!lk)
        return -ENOMEM;
    memset(lk, 0, sizeof(*lk));
    memcpy(lk->name, lc, n);
    lk->a = a;
    lk->cls = cls;
    lk->hash = lws__adns_hash(lc, cls);
    if (cls == LWS__ADNS_CLS_CNAME) {
        lk->wq[0].qtype = LWS__ADNS_T_CNAME;
        lk->nwq = 1;
    } else {
        lk->wq[0].qtype = LWS__ADNS_T_A; /* A first */
        lk->wq[1].qtype = LWS__ADNS_T_AAAA;
        lk->nwq = 2;
    }
    lws_dll2_add_tail(&w->list, &lk->waiters);
    lws_dll2_add_tail(&lk->list, &a->lookups);
    lws_sul_schedule(a->cx, 0, &lk->sul_deadline, adns_deadline_cb,
                     a->deadline_us);
    /* Every question counts as pending before the first starts, so a
     * synchronous failure of one cannot complete the lookup early.  The
     * last start may complete (and free) it: do not touch lk after. */
    nwq = lk->nwq;
    lk->pending = nwq;
    for (int i = 0; i < nwq; i++)
        lws__adns_wq_start(lk, i);
    return 0; /* started; may already be complete */
}

/* ------------------------------------------------------------------------
 * Files: hosts and resolv.conf, re-read when they change
 */

/* Reads @path if its identity or mtime changed since @st.  @return 1 read
 * (new content in *buf), 0 unchanged, -errno if missing/unreadable. */
static int adns_file_refresh(const char *path, struct stat *st, bool *seen,
                             char **buf, size_t *len)
{
    struct stat nst;
    ssize_t r;
    size_t cap;
    char *nb;
    int fd;

    if (!path || !*path || stat(path, &nst))
        return -ENOENT;
    if (*seen && nst.st_ino == st->st_ino && nst.st_size == st->st_size &&
        nst.st_mtim.tv_sec == st->st_mtim.tv_sec &&
        nst.st_mtim.tv_nsec == st->st_mtim.tv_nsec)
        return 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    cap = nst.st_size > 0 && nst.st_size < ADNS_FILE_MAX ? (size_t)nst.st_size
                                                         : ADNS_FILE_MAX;
    nb = lws__malloc(cap + 1);
    if (!nb) {
        close(fd);
        return -ENOMEM;
    }
    r = read(fd, nb, cap);
    close(fd);
    if (r < 0) {
        lws__free(nb);
        return -EIO;
    }
    if (r == ADNS_FILE_MAX)
        lwsl_warn("%s: only the first %d bytes are used", path, ADNS_FILE_MAX);
    lws__free(*buf);
    *buf = nb;
    *len = (size_t)r;
    *st = nst;
    *seen = true;
    return 1;
}

static void adns_resolv_check(struct lws__adns *a)
{
    lws_sockaddr46 sa[LWS__ADNS_RESOLV_MAX];
    char *buf = NULL;
    size_t len = 0;
    int r, n;

    r = adns_file_refresh(a->resolv_path, &a->resolv_st, &a->resolv_seen, &buf,
                          &len);
    if (!r)
        return;
    n = r > 0 ? lws__adns_resolv_parse(buf, len, sa, LWS__ADNS_RESOLV_MAX) : 0;
    lws__free(buf);
    if (r < 0)
        a->resolv_seen = false;
    if (n == a->nresolv &&
        !memcmp(sa, a->resolv_srv, sizeof(sa[0]) * (size_t)n))
        return;
    memcpy(a->resolv_srv, sa, sizeof(sa[0]) * (size_t)n);
    a->nresolv = n;
    if (!a->nexplicit && !a->ndhcp_total)
        a->server_gen++;
    lwsl_info("%s: %d server(s)", a->resolv_path, n);
}

/* Answers names that need no network: literals, the hosts file and
 * localhost (RFC 6761 §6.3).  @return true if answered (*status set). */
static bool adns_local(struct lws__adns *a, const char *name, const char *lc,
                       int *status, struct lws__adns_res **res)
{
    lws_sockaddr46 sa[LWS__ADNS_MAX_ADDRS];
    size_t ll = strlen(lc);
    int n;

    *res = NULL;
    if (!lws_sa46_parse_numeric(&sa[0], name)) {
        n = 1;
        goto out;
    }
    if (adns_file_refresh(a->hosts_path, &a->hosts_st, &a->hosts_seen,
                          &a->hosts_buf, &a->hosts_len) < 0) {
        lws__free(a->hosts_buf);
        a->hosts_buf = NULL;
        a->hosts_len = 0;
        a->hosts_seen = false;
    }
    n = lws__adns_hosts_find(a->hosts_buf, a->hosts_len, lc, sa,
                             LWS__ADNS_MAX_ADDRS);
    if (n)
        goto out;
    if (strcmp(lc, "localhost") &&
        (ll < 10 || strcmp(lc + ll - 10, ".localhost")))
        return false;
    memset(sa, 0, 2 * sizeof(sa[0]));
    sa[0].sa4.sin_family = AF_INET;
    sa[0].sa4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa[1].sa6.sin6_family = AF_INET6;
    sa[1].sa6.sin6_addr = in6addr_loopback;
    n = 2;
out:
    for (int i = 0; i < n; i++) /* ports are not part of an answer */
        sa[i].sa4.sin_family == AF_INET ? (void)(sa[i].sa4.sin_port = 0)
                                        : (void)(sa[i].sa6.sin6_port = 0);
    *res = lws__adns_res_create(sa, n, lc);
    *status = *res ? LADNS_RET_FOUND : LADNS_RET_FAILED;
    return true;
}

/* ------------------------------------------------------------------------
 * Public API
 */

static int adns_class_of(adns_query_type_t qtype)
{
    switch (qtype) {
    case LWS_ADNS_RECORD_A:
    case LWS_ADNS_RECORD_AAAA:
        return LWS__ADNS_CLS_ADDR;
    case LWS_ADNS_RECORD_CNAME:
        return LWS__ADNS_CLS_CNAME;
    default:
        return -EINVAL;
    }
}

/* After the waiter exists: answer it locally, from the cache, by joining a
 * lookup in flight, or by starting one.  @return 0 or -errno. */
static int adns_dispatch(struct lws__adns *a, struct adns_waiter *w,
                         const char *name, const char *lc, uint8_t cls)
{
    struct lws__adns_centry *e;
    struct lws__adns_res *res;
    struct adns_lookup *lk;
    int status;

    /* Only network answers are cached, so the cache comes first. */
    e = lws__adns_cache_get(&a->cache, lc, cls, adns_now(a));
    if (e) {
        a->st.cache_hits++;
        adns_waiter_ready(a, w, e->status, e->res);
        return 0;
    }
    if (cls == LWS__ADNS_CLS_ADDR && adns_local(a, name, lc, &status, &res)) {
        a->st.local++;
        adns_waiter_ready(a, w, status, res);
        lws__adns_res_unref(res);
        return 0;
    }
    lk = adns_lookup_find(a, lc, cls);
    if (lk) {
        a->st.coalesced++;
        lws_dll2_add_tail(&w->list, &lk->waiters);
        return 0;
    }
    if (a->lookups.count >= a->max_outstanding) {
        lwsl_err("query %s refused: %u lookups in flight (the cap)", lc,
                 a->lookups.count);
        return -EBUSY;
    }
    adns_resolv_check(a);
    return adns_lookup_start(a, lc, cls, w);
}

lws_async_dns_retcode_t lws_async_dns_query(struct lws_context *cx, int tsi,
                                            const char *name,
                                            adns_query_type_t qtype,
                                            lws_async_dns_cb_t cb,
                                            struct lws *wsi, void *opaque)
{
    char lc[LWS__ADNS_NAME_MAX + 1];
    struct adns_waiter *w;
    struct lws__adns *a;
    int cls;

    if (!cx || tsi || !name || !cb) {
        lwsl_err("lws_async_dns_query: bad arguments");
        return LADNS_RET_FAILED;
    }
    LWS__LOOP_ONLY(cx);
    a = cx->adns;
    cls = adns_class_of(qtype);
    if (!a || a->destroying || cls < 0) {
        lwsl_err("query %.64s: %s", name,
                 cls < 0 ? "unsupported type" : "resolver not running");
        return LADNS_RET_FAILED;
    }
    if (lws__adns_name_lc(name, lc) < 0) {
        lwsl_err("query: invalid name '%.64s'", name);
        return LADNS_RET_FAILED;
    }
    if (a->nwaiters >= a->max_waiters) {
        lwsl_err("query %s refused: %u callbacks pending (the cap)", lc,
                 a->nwaiters);
        return LADNS_RET_FAILED;
    }
    w = adns_waiter_new(a, name, cb, wsi, opaque);
    if (!w) {
        lwsl_err("query %s: out of memory", lc);
        return LADNS_RET_FAILED;
    }
    if (adns_dispatch(a, w, name, lc, (uint8_t)cls)) {
        adns_waiter_drop(a, w);
        return LADNS_RET_FAILED;
    }
    a->st.queries++;
    return LADNS_RET_CONTINUING;
}

void lws_async_dns_freeaddrinfo(const struct addrinfo **ai)
{
    struct lws__adns_res *r;

    if (!ai || !*ai)
        return;
    r = lws_container_of(*ai, struct lws__adns_res, ai);
    *ai = NULL;
    if (r->magic != LWS__ADNS_RES_MAGIC || !r->refcount) {
        lwsl_err("lws_async_dns_freeaddrinfo: not a live result (%p)",
                 (void *)r);
        return;
    }
    lws__adns_res_unref(r);
}

static int adns_cancel_list(struct lws__adns *a, lws_dll2_owner_t *o,
                            lws_async_dns_cb_t cb, struct lws *wsi,
                            void *opaque)
{
    lws_dll2_t *d, *next;
    int n = 0;

    for (d = o->head; d; d = next) {
        struct adns_waiter *w = lws_container_of(d, struct adns_waiter, list);

        next = d->next;
        /* Without a callback, everything owed to @wsi matches. */
        if ((cb && (w->cb != cb || w->opaque != opaque)) || w->wsi != wsi ||
            w->status == -ECANCELED)
            continue;
        if (o == &a->delivering) { /* keep its place in this round */
            w->status = -ECANCELED;
            lws__adns_res_unref(w->res);
            w->res = NULL;
        } else
            adns_waiter_ready(a, w, -ECANCELED, NULL);
        n++;
    }
    return n;
}

int lws_adns_cancel(struct lws_context *cx, lws_async_dns_cb_t cb,
                    struct lws *wsi, void *opaque)
{
    struct lws__adns *a;
    int n = 0;

    if (!cx)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    a = cx->adns;
    if (!a)
        return -EINVAL;
    /* Lookups keep running without waiters: their answer still fills the
     * cache. */
    for (lws_dll2_t *d = a->lookups.head; d; d = d->next)
        n += adns_cancel_list(
            a, &lws_container_of(d, struct adns_lookup, list)->waiters, cb, wsi,
            opaque);
    n += adns_cancel_list(a, &a->ready, cb, wsi, opaque);
    n += adns_cancel_list(a, &a->delivering, cb, wsi, opaque);
    return n;
}

int lws_adns_cache_flush(struct lws_context *cx)
{
    if (!cx || !cx->adns)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    lws__adns_cache_flush(&((struct lws__adns *)cx->adns)->cache);
    return 0;
}

int lws_adns_get_stats(struct lws_context *cx, struct lws_adns_stats *st)
{
    struct lws__adns *a;

    if (!cx || !st || !cx->adns)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    a = cx->adns;
    *st = a->st;
    st->cache_entries = lws__adns_cache_count(&a->cache);
    st->cache_bytes = (uint32_t)a->cache.bytes;
    st->in_flight = a->lookups.count;
    st->servers = (uint32_t)lws__adns_servers_effective(a, NULL, 0);
    return 0;
}

void lws__adns_set_clock(struct lws_context *cx, lws_usec_t (*now)(void))
{
    if (cx && cx->adns)
        ((struct lws__adns *)cx->adns)->now = now;
}

/* ------------------------------------------------------------------------
 * Servers
 */

int lws__adns_servers_effective(struct lws__adns *a, lws_sockaddr46 *out,
                                int max)
{
    int n = 0;

#define ADNS_ADD(s)                                                            \
    do {                                                                       \
        if (out && n < max)                                                    \
            out[n] = (s);                                                      \
        n++;                                                                   \
    } while (0)
    for (int i = 0; i < a->nexplicit; i++)
        ADNS_ADD(a->explicit_srv[i]);
    for (int i = 0; i < LWS__ADNS_DHCP_IFACES; i++)
        for (int j = 0; j < a->dhcp[i].n; j++)
            ADNS_ADD(a->dhcp[i].sa[j]);
    if (!n)
        for (int i = 0; i < a->nresolv; i++)
            ADNS_ADD(a->resolv_srv[i]);
#undef ADNS_ADD
    return out && n > max ? max : n;
}

static uint16_t adns_sa_port(const lws_sockaddr46 *sa)
{
    return ntohs(sa->sa4.sin_family == AF_INET ? sa->sa4.sin_port
                                               : sa->sa6.sin6_port);
}

static bool adns_sa_eq(const lws_sockaddr46 *x, const lws_sockaddr46 *y,
                       uint16_t defport)
{
    uint16_t px = adns_sa_port(x), py = adns_sa_port(y);

    if (x->sa4.sin_family != y->sa4.sin_family ||
        (px ? px : defport) != (py ? py : defport))
        return false;
    if (x->sa4.sin_family == AF_INET)
        return x->sa4.sin_addr.s_addr == y->sa4.sin_addr.s_addr;
    return !memcmp(&x->sa6.sin6_addr, &y->sa6.sin6_addr, 16);
}

static int adns_explicit_add(struct lws__adns *a, const lws_sockaddr46 *sa)
{
    lws_sockaddr46 c;

    if (sa->sa4.sin_family != AF_INET && sa->sa4.sin_family != AF_INET6)
        return -EINVAL;
    for (int i = 0; i < a->nexplicit; i++)
        if (adns_sa_eq(&a->explicit_srv[i], sa, a->port))
            return 0;
    if (a->nexplicit == LWS__ADNS_MAX_SERVERS)
        return -ENOSPC;
    memset(&c, 0, sizeof(c));
    if (sa->sa4.sin_family == AF_INET)
        c.sa4 = sa->sa4;
    else
        c.sa6 = sa->sa6;
    a->explicit_srv[a->nexplicit++] = c;
    a->server_gen++;
    return 0;
}

int lws_async_dns_server_add(struct lws_context *cx, const lws_sockaddr46 *sa46)
{
    int r;

    if (!cx || !sa46 || !cx->adns)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    r = adns_explicit_add(cx->adns, sa46);
    if (r)
        lwsl_err("server_add: %d", r);
    return r;
}

void lws_async_dns_server_remove(struct lws_context *cx,
                                 const lws_sockaddr46 *sa46)
{
    struct lws__adns *a;

    if (!cx || !sa46 || !cx->adns)
        return;
    LWS__LOOP_ONLY(cx);
    a = cx->adns;
    for (int i = 0; i < a->nexplicit; i++) {
        if (!adns_sa_eq(&a->explicit_srv[i], sa46, a->port))
            continue;
        memmove(&a->explicit_srv[i], &a->explicit_srv[i + 1],
                sizeof(a->explicit_srv[0]) * (size_t)(a->nexplicit - i - 1));
        a->nexplicit--;
        a->server_gen++;
        return;
    }
}

int lws__adns_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n)
{
    struct lws__adns *a = cx ? cx->adns : NULL;
    int slot = -1;

    if (!a || !iface || (n && !addrs))
        return -EINVAL;
    for (int i = 0; i < LWS__ADNS_DHCP_IFACES; i++) {
        if (a->dhcp[i].n && !strcmp(a->dhcp[i].iface, iface)) {
            slot = i;
            break;
        }
        if (!a->dhcp[i].n && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return -ENOSPC;
    if (strlen(iface) >= sizeof(a->dhcp[slot].iface))
        return -EINVAL;
    a->ndhcp_total -= a->dhcp[slot].n;
    memset(&a->dhcp[slot], 0, sizeof(a->dhcp[slot]));
    for (size_t i = 0; i < n && i < LWS__ADNS_DHCP_PER_IFACE; i++) {
        lws_sockaddr46 *sa = &a->dhcp[slot].sa[a->dhcp[slot].n++];

        sa->sa4.sin_family = AF_INET;
        sa->sa4.sin_addr.s_addr = htonl(addrs[i]);
    }
    if (a->dhcp[slot].n)
        strcpy(a->dhcp[slot].iface, iface); /* length checked above */
    a->ndhcp_total += a->dhcp[slot].n;
    a->server_gen++;
    lwsl_info("%s: %d DHCP-learned server(s)", iface, a->dhcp[slot].n);
    return 0;
}

/* "a.b.c.d", "a.b.c.d:port", "::1", "[v6]", "[v6]:port". */
int lws__adns_parse_server(const char *s, lws_sockaddr46 *sa)
{
    char buf[64];
    const char *port = NULL, *end;
    size_t l;
    long p = 0;

    if (!s)
        return -EINVAL;
    if (*s == '[') {
        end = strchr(s, ']');
        if (!end || (end[1] && end[1] != ':'))
            return -EINVAL;
        l = (size_t)(end - s - 1);
        s++;
        port = end[1] ? end + 2 : NULL;
    } else {
        end = strchr(s, ':');
        if (end && !strchr(end + 1, ':')) { /* exactly one colon: v4:port */
            l = (size_t)(end - s);
            port = end + 1;
        } else
            l = strlen(s);
    }
    if (l >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, s, l);
    buf[l] = '\0';
    if (lws_sa46_parse_numeric(sa, buf))
        return -EINVAL;
    if (port) {
        char *ep;

        p = strtol(port, &ep, 10);
        if (*ep || ep == port || p <= 0 || p > 65535)
            return -EINVAL;
    }
    if (sa->sa4.sin_family == AF_INET)
        sa->sa4.sin_port = htons((uint16_t)p);
    else
        sa->sa6.sin6_port = htons((uint16_t)p);
    return 0;
}

/* ------------------------------------------------------------------------
 * Life cycle
 */

#define ADNS_DEF(v, d) ((v) ? (v) : (d))

static int adns_config(struct lws__adns *a,
                       const struct lws_context_creation_info *info)
{
    static const struct lws_adns_info defaults;
    const struct lws_adns_info *ai = info->adns ? info->adns : &defaults;

    a->ttl_min_s = ai->ttl_min_s;
    a->ttl_max_s = ADNS_DEF(ai->ttl_max_s, 3600);
    if (a->ttl_max_s < a->ttl_min_s)
        a->ttl_max_s = a->ttl_min_s;
    a->neg_ttl_max_s = ADNS_DEF(ai->neg_ttl_max_s, 300);
    a->deadline_us =
        (lws_usec_t)ADNS_DEF(ai->query_deadline_ms, 5000) * LWS_US_PER_MS;
    a->try_timeout_ms = (int)ADNS_DEF(ai->try_timeout_ms, 1000);
    a->tries = (int)ADNS_DEF(ai->tries, 2);
    a->max_outstanding = ADNS_DEF(ai->max_outstanding, 64);
    a->max_waiters = ADNS_DEF(ai->max_waiters, 1024);
    a->port = ADNS_DEF(ai->port, 53);
    a->hosts_path = lws__strdup(ai->hosts_path ? ai->hosts_path : "/etc/hosts");
    a->resolv_path = lws__strdup(ai->resolv_conf_path ? ai->resolv_conf_path
                                                      : "/etc/resolv.conf");
    if (!a->hosts_path || !a->resolv_path)
        return -ENOMEM;
    for (const char **s = info->async_dns_servers; s && *s; s++) {
        lws_sockaddr46 sa;

        if (lws__adns_parse_server(*s, &sa) || adns_explicit_add(a, &sa)) {
            lwsl_err("async_dns_servers: cannot use '%s'", *s);
            return -EINVAL;
        }
    }
    return lws__adns_cache_setup(&a->cache, ADNS_DEF(ai->cache_max_entries, 32),
                                 ADNS_DEF(ai->cache_max_bytes, 8192));
}

static void adns_free(struct lws__adns *a)
{
    lws__adns_cache_destroy(&a->cache);
    lws__free(a->hosts_buf);
    lws__free(a->hosts_path);
    lws__free(a->resolv_path);
    lws__free(a);
}

static int adns_create(struct lws_context *cx, struct lws_vhost *vh,
                       const struct lws_context_creation_info *info)
{
    struct lws__adns *a = lws__calloc(1, sizeof(*a));

    if (!a)
        return -ENOMEM;
    a->cx = cx;
    a->vh = vh;
    if (adns_config(a, info)) {
        adns_free(a);
        return -EINVAL;
    }
    cx->adns = a;
    lwsl_info("resolver ready: %d explicit server(s)", a->nexplicit);
    return 0;
}

static void adns_destroy(struct lws_context *cx)
{
    struct lws__adns *a = cx->adns;

    if (!a)
        return;
    cx->adns = NULL; /* API calls from callbacks below see no resolver */
    a->destroying = true;
    lws_sul_cancel(&a->sul_deliver);
    /* Questions in flight end (their lookups complete into "ready"). */
    while (a->lookups.head)
        lws__adns_lookup_abort(
            lws_container_of(a->lookups.head, struct adns_lookup, list),
            -ECANCELED);
    lws__adns_channels_destroy(a);
    /* Every callback still owed runs now, with -ECANCELED. */
    while (a->ready.head) {
        lws_dll2_t *d = a->ready.head;

        lws_dll2_remove(d);
        lws_dll2_add_tail(d, &a->delivering);
    }
    while (a->delivering.head) {
        struct adns_waiter *w =
            lws_container_of(a->delivering.head, struct adns_waiter, list);

        w->status = -ECANCELED;
        adns_call(a, w);
    }
    if (a->in_delivery)
        a->dead = true; /* the delivery loop frees it when it unwinds */
    else
        adns_free(a);
}

static int adns_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         void *user, void *in, size_t len)
{
    (void)user, (void)len;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_INIT:
        return adns_create(lws_get_context(wsi), lws_get_vhost(wsi), in) ? 1
                                                                         : 0;
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        adns_destroy(lws_get_context(wsi));
        return 0;
    case LWS_CALLBACK_RAW_RX:
        lws__adns_sock_ready(lws_get_opaque_user_data(wsi), UV_READABLE);
        return 0;
    case LWS_CALLBACK_RAW_WRITEABLE:
        lws__adns_sock_ready(lws_get_opaque_user_data(wsi), UV_WRITABLE);
        return 0;
    case LWS_CALLBACK_RAW_CLOSE:
        lws__adns_sock_closed(lws_get_opaque_user_data(wsi));
        return 0;
    default:
        return 0;
    }
}

const struct lws_protocols lws__protocols_adns[] = {
    {"lws-async-dns", adns_callback, 0, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};
