/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The async DNS resolver: lookups, waiters and delivery, the public
 * lws_async_dns_* API and the life cycle.  What a lookup amounts to, how
 * long it is cached and the server order are decided by the pure core
 * (adns-core.c).  Server sources, the hosts file and resolv.conf are in
 * adns-servers.c, the transport (UDP and TCP sockets, try timers) in
 * adns-udp.c.
 *
 * Each lookup (name + class) asks one question per record type; concurrent
 * callers of the same name and class wait on the same lookup.  Callbacks
 * are queued and delivered from a 0-delay timer, never from inside the call
 * that started the lookup.
 */
#define LWS_LOGMOD adns
#include "private-adns.h"

#include <arpa/inet.h>

/* How long AAAA may follow an A answer (RFC 8305 section 3). */
#define ADNS_AAAA_GRACE_MS 50

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
    if (w->pq)
        *w->pq = NULL;
    w->cb(w->wsi, w->name, ai, w->status, w->opaque);
    lws__free(w);
}

static void adns_deliver_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__adns *a = lws_container_of(sul, struct lws__adns, sul_deliver);
    struct lws_context *cx = a->cx;

    /* Only what is ready now (the first of the list: what becomes ready
     * meanwhile is added after them): callbacks that query again land in
     * the next round, so a callback loop cannot starve the event loop. */
    for (uint32_t n = a->ready.count; n && a->ready.head; n--) {
        adns_call(a, lws_container_of(a->ready.head, struct adns_waiter, list));
        /* The callback destroyed the context: the resolver went with it
         * (adns_destroy() ran the callbacks still owed). */
        if (lws__cx_gone(cx))
            return;
    }
    if (!a->lookups.count) /* idle: nothing kept for the next lookups */
        lws__adns_transport_trim(a);
}

/* ------------------------------------------------------------------------
 * Lookups
 */

static struct adns_waiter *adns_waiter_new(struct lws__adns *a,
                                           const char *name,
                                           lws_async_dns_cb_t cb,
                                           struct lws *wsi, void *opaque)
{
    struct adns_waiter *w =
        lws__adns_named_new(offsetof(struct adns_waiter, name), name);

    if (!w)
        return NULL;
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
                                            uint8_t cls, uint32_t h)
{
    if (!a->lk_hash)
        return NULL; /* no lookup went to the network yet */
    for (lws_dll2_t *d = a->lk_hash[h & (LWS__ADNS_LK_BUCKETS - 1)].head; d;
         d = d->next) {
        struct adns_lookup *lk = lws_container_of(d, struct adns_lookup, hlist);

        if (lk->hash == h && lk->cls == cls && !strcmp(lk->name, lc))
            return lk;
    }
    return NULL;
}

/* The questions' ends, as the core takes them. */
static int adns_lookup_qres(const struct adns_lookup *lk,
                            struct lws__adns_qres *q)
{
    for (int i = 0; i < lk->nwq; i++) {
        q[i].qtype = lk->wq[i].qtype;
        q[i].status = lk->wq[i].status;
        q[i].ans = &lk->wq[i].ans;
    }
    return lk->nwq;
}

/* Caches the outcome for as long as the core's policy says. */
static void adns_lookup_cache(struct adns_lookup *lk,
                              const struct lws__adns_qres *q, int n, int status,
                              struct lws__adns_res *res)
{
    struct lws__adns *a = lk->a;
    uint32_t ttl = lws__adns_core_cache_ttl(q, n, status, a->ttl_min_s,
                                            a->ttl_max_s, a->neg_ttl_max_s);
    int r;

    if (!ttl)
        return;
    r = lws__adns_cache_put_h(
        &a->cache, lk->name, lk->cls, lk->hash, status, res,
        lws__adns_now(a) + (lws_usec_t)ttl * LWS_US_PER_SEC);
    if (r)
        lwsl_debug("%s not cached: %d", lk->name, r);
}

static void adns_queue_cb(lws_sorted_usec_list_t *sul);

static void adns_lookup_complete(struct adns_lookup *lk)
{
    struct lws__adns *a = lk->a;
    struct lws__adns_qres q[2];
    struct lws__adns_res *res;
    int n = adns_lookup_qres(lk, q);
    int status = lws__adns_core_outcome(q, n, &res);

    if (!a->destroying)
        adns_lookup_cache(lk, q, n, status, res);
    lwsl_debug("%s: status %d, %u waiter(s)", lk->name, status,
               lk->waiters.count);
    while (lk->waiters.head)
        adns_waiter_ready(
            a, lws_container_of(lk->waiters.head, struct adns_waiter, list),
            status, res);
    lws__adns_res_unref(res);
    lws_dll2_remove(&lk->list);
    lws_dll2_remove(&lk->hlist);
    for (int i = 0; i < lk->nwq; i++)
        lws__free(lk->wq[i].ans.more); /* (lk goes: no need to zero) */
    lk->list.next = (lws_dll2_t *)(void *)a->spares; /* for the next one */
    a->spares = lk;
    /* A place on the wire is free.  The queue moves on from the loop, not
     * from in here: this may run inside the transport's handling of a
     * socket that a new question must not retire under it. */
    if (a->queued.head && !a->destroying &&
        (!a->sul_queue.list.owner || a->sul_queue.us > lws_now_usecs()))
        lws_sul_schedule(a->cx, 0, &a->sul_queue, adns_queue_cb, 0);
}

/* One timer for every lookup's deadline and grace, set for the earliest:
 * it ends each lookup whose time is up and is set for the next.  (Firing
 * early, after that lookup completed, it only moves on.) */
static void adns_deadline_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__adns *a = lws_container_of(sul, struct lws__adns, sul_deadline);
    lws_usec_t now = lws__adns_loop_us(a), next = INT64_MAX;

    for (lws_dll2_t *d = a->lookups.head, *n; d; d = n) {
        struct adns_lookup *lk = lws_container_of(d, struct adns_lookup, list);

        n = d->next; /* (an abort frees this lookup only) */
        if (lk->due > now) {
            if (lk->due < next)
                next = lk->due;
            continue;
        }
        lwsl_info("%s: %s", lk->name,
                  lk->graced ? "other family late: delivering one"
                             : "deadline passed");
        /* The last question cancelled completes (and frees) the lookup. */
        lws__adns_lookup_abort(lk, LADNS_RET_TIMEDOUT);
    }
    if (a->lookups.count) {
        a->deadline_due = next;
        lws_sul_schedule(a->cx, 0, &a->sul_deadline, adns_deadline_cb,
                         next - now);
    }
}

/* A question ended.  The last one completes the lookup.  When one family
 * has addresses and the other is still out (its datagram or the answer
 * lost, most likely), the other gets a grace instead of the rest of the
 * deadline, then the lookup delivers the family it has, uncached.  AAAA
 * after A gets RFC 8305 section 3's resolution delay, 50 ms: IPv4
 * addresses in hand are enough to connect (and an answer sent with the A
 * one is in by then).  A after AAAA gets 1.5 x try_timeout_ms, room for
 * one retry: on an IPv4-only network IPv6 addresses alone are no use. */
static void adns_question_done(struct adns_wq *wq)
{
    struct adns_lookup *lk = wq->lk;
    struct lws__adns *a = lk->a;
    lws_usec_t grace =
        wq->qtype == LWS__ADNS_T_A
            ? ADNS_AAAA_GRACE_MS * LWS_US_PER_MS
            : (lws_usec_t)((unsigned)a->try_timeout_ms * 3 / 2) * LWS_US_PER_MS;
    lws_usec_t now;

    if (!--lk->pending) {
        adns_lookup_complete(lk);
        return;
    }
    if (wq->status != LADNS_RET_FOUND || lk->graced || a->destroying)
        return;
    lk->graced = true;
    now = lws__adns_loop_us(a);
    if (lk->due - now <= grace)
        return;
    /* (the timer is set while lookups are out: moved only when earlier) */
    lk->due = now + grace;
    if (a->deadline_due > lk->due) {
        a->deadline_due = lk->due;
        lws_sul_schedule(a->cx, 0, &a->sul_deadline, adns_deadline_cb, grace);
    }
}

static int adns_lookup_start(struct lws__adns *a, const char *lc, uint8_t cls,
                             uint32_t h, struct adns_waiter *w)
{
    /* room for the name and its query (12 + name + 1 + 16 bytes) */
    size_t room = strlen(lc) / 32 + 1;
    struct adns_lookup *lk;
    int nwq;

    /* The first lookup on the network: the buckets, the server order and
     * the random bits, one block (an idle resolver holds none of them). */
    if (!a->lk_hash) {
        _Static_assert(LWS__ADNS_LK_BUCKETS * sizeof(*a->lk_hash) %
                               _Alignof(lws_sockaddr46) ==
                           0,
                       "order[] follows the buckets aligned");
        a->lk_hash =
            lws__calloc(1, LWS__ADNS_LK_BUCKETS * sizeof(*a->lk_hash) +
                               LWS__ADNS_ORDER_MAX * sizeof(*a->order) +
                               LWS__ADNS_RND * sizeof(*a->rnd));
        if (!a->lk_hash)
            return -ENOMEM;
        a->order =
            (lws_sockaddr46 *)(void *)(a->lk_hash + LWS__ADNS_LK_BUCKETS);
        a->rnd = (uint16_t *)(void *)(a->order + LWS__ADNS_ORDER_MAX);
    }
    /* the block of the lookup that ended last (no allocation per lookup
     * while busy), or a new one in its place when it has not the room (so
     * the spares never outnumber the lookups once in flight) */
    lk = a->spares;
    if (lk)
        a->spares = (struct adns_lookup *)(void *)lk->list.next;
    if (!lk || lk->room < room) {
        lws__free(lk);
        lk = lws__malloc(offsetof(struct adns_lookup, name) + room * 64 + 28);
        if (!lk)
            return -ENOMEM;
    }
    memset(lk, 0, offsetof(struct adns_lookup, name));
    strcpy(lk->name, lc);
    lk->room = (uint8_t)room;
    /* its query, built once for every try of its questions */
    lk->query = (uint8_t *)lk->name + room * 32;
    lk->qlen = (uint16_t)lws__adns_build_query(
        (uint8_t *)lk->name + room * 32, room * 32 + 28, lc, LWS__ADNS_T_A,
        LWS__ADNS_EDNS_SIZE); /* (a valid name: it fits) */
    lk->a = a;
    lk->cls = cls;
    lk->hash = h;
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
    lws_dll2_add_tail(&lk->hlist, &a->lk_hash[h & (LWS__ADNS_LK_BUCKETS - 1)]);
    lk->due = lws__adns_loop_us(a) + a->deadline_us;
    if (!a->sul_deadline.list.owner) {
        a->deadline_due = lk->due;
        lws_sul_schedule(a->cx, 0, &a->sul_deadline, adns_deadline_cb,
                         a->deadline_us);
    }
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
 * Public API
 */

static int adns_class_of(adns_query_type_t qtype)
{
    switch ((int)qtype & LWS_ADNS_QTYPE_MASK) {
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
 * lookup in flight, by starting one, or queue it while max_outstanding
 * lookups are in flight (@from_queue: it is the queue's head being
 * started).  @return 0 or -errno. */
static int adns_dispatch(struct lws__adns *a, struct adns_waiter *w,
                         const char *name, const char *lc, uint8_t cls,
                         unsigned int flags, bool from_queue)
{
    struct lws__adns_centry *e = NULL;
    uint32_t h = lws__adns_hash(lc, cls); /* (one hash for all three) */
    struct lws__adns_res *res;
    struct adns_lookup *lk;
    lws_sockaddr46 sa;
    int status;

    /* Only network answers are cached, so the cache comes first. */
    if (!(flags & LWS_ADNS_NOCACHE))
        e = lws__adns_cache_get_h(&a->cache, lc, cls, h, lws__adns_now(a));
    if (e) {
        a->st.cache_hits++;
        adns_waiter_ready(a, w, e->status, e->res);
        return 0;
    }
    if (cls == LWS__ADNS_CLS_ADDR &&
        (!(flags & LWS_ADNS_IGNORE_HOSTS_FILE) ||
         !lws_sa46_parse_numeric(&sa, name)) &&
        lws__adns_local(a, name, lc, &status, &res)) {
        a->st.local++;
        adns_waiter_ready(a, w, status, res);
        lws__adns_res_unref(res);
        return 0;
    }
    lk = adns_lookup_find(a, lc, cls, h);
    if (lk) {
        a->st.coalesced++;
        lws_dll2_add_tail(&w->list, &lk->waiters);
        return 0;
    }
    /* Past max_outstanding, and behind anyone already waiting: FIFO. */
    if (!from_queue &&
        (a->queued.count || a->lookups.count >= a->max_outstanding)) {
        if (a->queued.count >= a->max_queued) {
            lwsl_err("%s refused: %u queued (max_queued)", lc, a->queued.count);
            return -EBUSY;
        }
        w->cls = cls;
        w->flags = flags;
        w->queued_at = lws__adns_now(a);
        lws_dll2_add_tail(&w->list, &a->queued);
        if (!a->sul_queue.list.owner)
            lws_sul_schedule(a->cx, 0, &a->sul_queue, adns_queue_cb,
                             a->deadline_us);
        return 0;
    }
    lws__adns_resolv_check(a);
    return adns_lookup_start(a, lc, cls, h, w);
}

/* Starts waiting lookups, oldest first, while there is room on the wire.
 * A start may complete at once (and land here again): the flag keeps that
 * from recursing, the loop below carries on. */
static void adns_queue_drain(struct lws__adns *a)
{
    if (a->draining || a->destroying)
        return;
    a->draining = true;
    while (a->queued.head && a->lookups.count < a->max_outstanding) {
        struct adns_waiter *w =
            lws_container_of(a->queued.head, struct adns_waiter, list);
        char lc[LWS__ADNS_NAME_MAX + 1];

        lws_dll2_remove(&w->list);
        if (lws__adns_name_lc(w->name, lc) < 0 ||
            adns_dispatch(a, w, w->name, lc, w->cls, w->flags, true)) {
            lwsl_err("query %s: out of memory", lc);
            adns_waiter_ready(a, w, LADNS_RET_FAILED, NULL);
        }
    }
    a->draining = false;
    if (!a->queued.head)
        lws_sul_cancel(&a->sul_queue);
}

/* The queue's timer: starts what there is room for, then ends the lookups
 * that waited in the queue for a whole deadline (TIMEDOUT, without going
 * on the wire: the queue never adds more than one deadline to a caller's
 * wait), and is set for the next of those. */
static void adns_queue_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__adns *a = lws_container_of(sul, struct lws__adns, sul_queue);
    lws_usec_t now = lws__adns_now(a);

    adns_queue_drain(a);
    while (a->queued.head) {
        struct adns_waiter *w =
            lws_container_of(a->queued.head, struct adns_waiter, list);

        if (w->queued_at + a->deadline_us > now) {
            lws_sul_schedule(a->cx, 0, &a->sul_queue, adns_queue_cb,
                             w->queued_at + a->deadline_us - now);
            return;
        }
        lwsl_info("%s: deadline passed in the queue", w->name);
        adns_waiter_ready(a, w, LADNS_RET_TIMEDOUT, NULL);
    }
}

lws_async_dns_retcode_t(lws_async_dns_query)(struct lws_context *cx, int tsi,
                                             const char *name,
                                             adns_query_type_t qtype,
                                             lws_async_dns_cb_t cb,
                                             struct lws *wsi, void *opaque,
                                             struct lws_adns_q **pq)
{
    char lc[LWS__ADNS_NAME_MAX + 1];
    struct adns_waiter *w;
    struct lws__adns *a;
    int cls, r;

    if (pq)
        *pq = NULL;
    if (!cx || tsi || !name || !cb) {
        lwsl_err("query: bad arguments");
        return LADNS_RET_FAILED;
    }
    a = lws__adns_api(cx);
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
        lwsl_err("%s refused: %u pending (max_waiters)", lc, a->nwaiters);
        return LADNS_RET_FAILED;
    }
    w = adns_waiter_new(a, name, cb, wsi, opaque);
    if (!w) {
        lwsl_err("query %s: out of memory", lc);
        return LADNS_RET_FAILED;
    }
    /* The loop's time as of now (the resolver's clock, lws__adns_now()):
     * the caller may have blocked since the loop last looked. */
    uv_update_time(cx->loop);
    r = adns_dispatch(a, w, name, lc, (uint8_t)cls,
                      (unsigned int)qtype & ~(unsigned int)LWS_ADNS_QTYPE_MASK,
                      false);
    if (r) {
        if (r == -ENOMEM)
            lwsl_err("query %s: out of memory", lc);
        adns_waiter_drop(a, w);
        return LADNS_RET_FAILED;
    }
    a->st.queries++;
    if (pq) {
        w->pq = pq;
        *pq = (struct lws_adns_q *)(void *)w;
    }
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
        lwsl_err("freeaddrinfo: not a live result (%p)", (void *)r);
        return;
    }
    lws__adns_res_unref(r);
}

/* Cancels the waiters of @o still owed a callback that match: @q itself
 * when given, else @cb + @opaque (any callback when @cb is NULL) for @wsi.
 * @return how many. */
static int adns_cancel_list(struct lws__adns *a, lws_dll2_owner_t *o,
                            const struct lws_adns_q *q, lws_async_dns_cb_t cb,
                            struct lws *wsi, void *opaque)
{
    lws_dll2_t *d, *next;
    int n = 0;

    for (d = o->head; d; d = next) {
        struct adns_waiter *w = lws_container_of(d, struct adns_waiter, list);

        next = d->next;
        if ((q ? (const void *)w != (const void *)q
               : (cb && (w->cb != cb || w->opaque != opaque)) ||
                     w->wsi != wsi) ||
            w->status == -ECANCELED)
            continue;
        if (o == &a->ready) { /* keep its place (maybe in this round) */
            w->status = -ECANCELED;
            lws__adns_res_unref(w->res);
            w->res = NULL;
        } else
            adns_waiter_ready(a, w, -ECANCELED, NULL);
        n++;
    }
    return n;
}

/* Every list a waiter can be on, for one cancel call.  A lookup's waiters
 * first: lookups keep running without waiters (their answer still fills
 * the cache). */
static int adns_cancel(struct lws__adns *a, const struct lws_adns_q *q,
                       lws_async_dns_cb_t cb, struct lws *wsi, void *opaque)
{
    lws_dll2_owner_t *lists[] = {&a->queued, &a->ready};
    int n = 0;

    for (lws_dll2_t *d = a->lookups.head; d; d = d->next)
        n += adns_cancel_list(
            a, &lws_container_of(d, struct adns_lookup, list)->waiters, q, cb,
            wsi, opaque);
    for (int i = 0; i < 2; i++)
        n += adns_cancel_list(a, lists[i], q, cb, wsi, opaque);
    return n;
}

int lws_adns_cancel(struct lws_context *cx, lws_async_dns_cb_t cb,
                    struct lws *wsi, void *opaque)
{
    struct lws__adns *a = lws__adns_api(cx);

    return a ? adns_cancel(a, NULL, cb, wsi, opaque) : -EINVAL;
}

/* Cancels @q if it is still owed a callback.  @return 1 or 0.  Looked up,
 * never dereferenced: a stale handle just matches nothing. */
int lws_adns_q_cancel(struct lws_context *cx, struct lws_adns_q *q)
{
    struct lws__adns *a = lws__adns_api(cx);

    if (!a)
        return -EINVAL;
    return q ? adns_cancel(a, q, NULL, NULL, NULL) : 0;
}

int lws_async_dns_server_reload(struct lws_context *cx)
{
    struct lws__adns *a = lws__adns_api(cx);

    if (!a)
        return -EINVAL;
    a->resolv_seen = false; /* read it again even if it looks unchanged */
    lws__adns_resolv_check(a);
    return 0;
}

int lws_adns_cache_flush(struct lws_context *cx)
{
    struct lws__adns *a = lws__adns_api(cx);

    if (!a)
        return -EINVAL;
    lws__adns_cache_flush(&a->cache);
    return 0;
}

int lws_adns_get_stats(struct lws_context *cx, struct lws_adns_stats *st)
{
    struct lws__adns *a = lws__adns_api(cx);

    if (!a || !st)
        return -EINVAL;
    *st = a->st;
    st->cache_entries = lws__adns_cache_count(&a->cache);
    st->cache_bytes = (uint32_t)a->cache.bytes;
    st->in_flight = a->lookups.count;
    st->queued = a->queued.count;
    st->servers = (uint32_t)lws__adns_core_servers(&a->srv, 0, NULL, 0, NULL);
    return 0;
}

void lws__adns_set_clock(struct lws_context *cx, lws_usec_t (*now)(void))
{
    if (cx && LWS__HELPER(cx, ADNS))
        ((struct lws__adns *)LWS__HELPER(cx, ADNS))->now = now;
}

/* ------------------------------------------------------------------------
 * Life cycle
 */

#define ADNS_DEF(v, d) ((v) ? (v) : (d))

static int adns_config(struct lws__adns *a,
                       const struct lws_context_creation_info *info)
{
    const struct lws_adns_info *ai = info->adns;
    struct lws_adns_info defaults; /* zero: all defaults (not in rodata) */

    if (!ai) {
        memset(&defaults, 0, sizeof(defaults));
        ai = &defaults;
    }

    a->ttl_min_s = ai->ttl_min_s;
    a->ttl_max_s = ADNS_DEF(ai->ttl_max_s, 3600);
    if (a->ttl_max_s < a->ttl_min_s)
        a->ttl_max_s = a->ttl_min_s;
    a->neg_ttl_max_s = ADNS_DEF(ai->neg_ttl_max_s, 300);
    a->deadline_us =
        (lws_usec_t)ADNS_DEF(ai->query_deadline_ms, 5000) * LWS_US_PER_MS;
    a->try_timeout_ms = (int)ADNS_DEF(ai->try_timeout_ms, 500);
    a->tries = (int)ADNS_DEF(ai->tries, 4);
    a->max_outstanding = ADNS_DEF(ai->max_outstanding, 64);
    a->max_queued = ADNS_DEF(ai->max_queued, 1024);
    /* By default the queue bound, not this one, is what refuses. */
    a->max_waiters =
        ADNS_DEF(ai->max_waiters, a->max_outstanding + a->max_queued + 1024);
    a->srv.port = ADNS_DEF(ai->port, 53);
    a->qps = ADNS_DEF(ai->questions_per_socket, 1);
    a->hosts_path = lws__strdup(ai->hosts_path ? ai->hosts_path : "/etc/hosts");
    a->resolv_path = lws__strdup(ai->resolv_conf_path ? ai->resolv_conf_path
                                                      : "/etc/resolv.conf");
    if (!a->hosts_path || !a->resolv_path)
        return -ENOMEM;
    for (const char **s = info->async_dns_servers; s && *s; s++) {
        lws_sockaddr46 sa;

        if (lws__adns_parse_server(*s, &sa) || lws__adns_explicit_add(a, &sa)) {
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
    lws__free(a->srv.explicit_srv);
    lws__free(a->srv.dhcp);
    lws__free(a->srv.health);
    lws__free(a->lk_hash); /* and order[], rnd[] */
    lws__free(a);
}

static void adns_news(struct lws_context *cx, const struct lws__news *news,
                      void *opaque)
{
    (void)opaque;
    if (news->kind == LWS__NEWS_DNS_SERVERS)
        lws__adns_dhcp_servers(cx, news->iface, news->addrs, news->n);
    else if (news->kind == LWS__NEWS_DNS6_SERVERS)
        lws__adns_iface_servers(cx, news->iface, AF_INET6, news->sa46, news->n);
}

static int adns_create(struct lws_context *cx, struct lws_vhost *vh,
                       const struct lws_context_creation_info *info)
{
    struct lws__adns *a = lws__calloc(1, sizeof(*a));

    if (!a)
        return -ENOMEM;
    a->cx = cx;
    a->question_done = adns_question_done;
    a->vh = vh;
    if (adns_config(a, info)) {
        adns_free(a);
        return -EINVAL;
    }
    LWS__HELPER(cx, ADNS) = a;
    a->news.cb = adns_news;
    lws__news_subscribe(cx, &a->news);
    lwsl_info("ready, %d explicit servers", a->srv.nexplicit);
    return 0;
}

static void adns_destroy(struct lws_context *cx)
{
    struct lws__adns *a = LWS__HELPER(cx, ADNS);

    if (!a)
        return;
    /* API calls from callbacks below see no resolver */
    LWS__HELPER(cx, ADNS) = NULL;
    lws__news_unsubscribe(&a->news);
    a->destroying = true;
    lws_sul_cancel(&a->sul_deliver);
    lws_sul_cancel(&a->sul_queue);
    lws_sul_cancel(&a->sul_deadline);
    while (a->queued.head)
        adns_waiter_ready(
            a, lws_container_of(a->queued.head, struct adns_waiter, list),
            -ECANCELED, NULL);
    /* Questions in flight end (their lookups complete into "ready"). */
    while (a->lookups.head)
        lws__adns_lookup_abort(
            lws_container_of(a->lookups.head, struct adns_lookup, list),
            -ECANCELED);
    lws__adns_transport_destroy(a);
    /* Every callback still owed runs now, with -ECANCELED. */
    while (a->ready.head) {
        struct adns_waiter *w =
            lws_container_of(a->ready.head, struct adns_waiter, list);

        w->status = -ECANCELED;
        adns_call(a, w);
    }
    adns_free(a); /* a delivery under way returns without touching it */
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
    default:
        return 0;
    }
}

const struct lws_protocols lws__protocols_adns[] = {
    {"lws-async-dns", adns_callback, 0, 0, 0, NULL, 0}, LWS_PROTOCOL_LIST_TERM};
