/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * lws_smd, the system message bus.  A message is one allocation: a small
 * header, then the payload the publisher writes.  Publishers on any thread
 * append it to one FIFO under a mutex (held only for the link) and wake the
 * loop with the context's uv_async handle when the FIFO was empty (the loop
 * takes everything queued on each wakeup, so one wakeup per batch is
 * enough); the loop thread takes the whole FIFO at once and, holding no
 * lock, hands each message to every peer whose class filter matches and who
 * registered before it was sent (a sequence number tells), then gives it
 * back.  One FIFO keeps each publisher's order.
 *
 * Messages of up to SMD_POOL_CAP payload bytes come from a pool of blocks
 * of that size which the loop refills as it delivers (lib/core/pool.c): a
 * message still costs one allocation as the user sees it, but steady
 * traffic stops going through malloc on one thread and free on another.
 * The pool keeps at most smd_queue_depth blocks.
 *
 * The queue is bounded: a send that finds smd_queue_depth messages not yet
 * delivered fails at once instead of blocking; a full queue is seen without
 * taking the lock.  The loop gives room back every SMD_ROOM_CHUNK messages
 * it has delivered, so publishers refill the queue while it delivers
 * instead of waiting for a whole batch.  A message older than
 * smd_ttl_us when its turn comes is dropped.  Peers are loop-thread objects;
 * one unregistered inside a delivery is only marked and is freed when the
 * drain ends, so the walk never touches freed memory.  Destroy marks the
 * bus closed under the queue lock, and senders wake the loop before they
 * unlock, so no sender touches the wakeup handle once it may close; the
 * bus itself is freed with the context's memory.
 */
#define LWS_LOGMOD smd
#include "private-core.h"

#include <stdalign.h>
#include <stdio.h>
#include <time.h>

#define SMD_DEFAULT_TTL_US (5 * LWS_US_PER_SEC)
#define SMD_DEFAULT_DEPTH  40
#define SMD_MAGIC          0x534d4431u /* "SMD1": catches foreign pointers */
#define SMD_POOL_CAP       128         /* payload bytes of a pooled block */
#define SMD_ROOM_CHUNK     16 /* messages delivered per room given back */

struct smd_msg {
    struct smd_msg *next; /* first: the pool's link once given back */
    lws_usec_t timestamp; /* lws_now_usecs() at send */
    uint64_t seq;         /* send order, assigned under the queue lock */
    lws_smd_class_t cls;
    uint32_t magic;
    uint16_t length; /* payload bytes */
    bool pooled;     /* a block of the pool's size */
};

/* The payload starts at this offset, keeping max_align_t alignment. */
#define SMD_HDR                                                                \
    ((sizeof(struct smd_msg) + alignof(max_align_t) - 1) &                     \
     ~(alignof(max_align_t) - 1))

struct lws_smd_peer {
    lws_dll2_t list;
    struct lws__smd *smd;
    lws_smd_notification_cb_t cb;
    void *opaque;
    uint64_t seq_from; /* hears messages with seq >= this */
    lws_smd_class_t filter;
    bool dead; /* unregistered during a drain, freed after it */
};

struct lws__smd {
    uv_mutex_t lock;
    struct smd_msg *head; /* queued, under lock */
    struct smd_msg *tail;
    uint64_t seq_next; /* under lock */
    /* sent, not yet delivered or dropped: raised under lock, lowered by
     * the loop without it (room only grows behind a publisher's check) */
    atomic_uint queued;
    struct lws__pool pool;   /* blocks of SMD_POOL_CAP payload bytes */
    atomic_uint class_union; /* OR of live peers' filters */
    atomic_uint full_fails;  /* sends refused since the last log line */
    atomic_uint full_logged; /* monotonic second of that line, 0 = never */
    unsigned int depth;
    lws_usec_t ttl_us;

    /* loop thread only */
    lws_dll2_owner_t peers;
    struct smd_msg *cur; /* the batch being delivered */
    bool delivering;
    bool destroy_pending; /* destroy asked for inside a delivery */
    bool closed;          /* under lock: destroy has begun, sends fail */
    bool have_dead;
    bool rewake; /* a drain was skipped: wake again when this one ends */
};

static struct smd_msg *smd_msg_of(void *payload)
{
    struct smd_msg *m =
        (struct smd_msg *)(void *)((uint8_t *)payload - SMD_HDR);

    return m->magic == SMD_MAGIC ? m : NULL;
}

void *lws_smd_msg_alloc(struct lws_context *ctx, lws_smd_class_t _class,
                        size_t len)
{
    struct smd_msg *m;

    if (!ctx || len > LWS_SMD_MAX_PAYLOAD) {
        lwsl_err("lws_smd_msg_alloc: %s",
                 ctx ? "payload over LWS_SMD_MAX_PAYLOAD" : "NULL context");
        return NULL;
    }
    if (len <= SMD_POOL_CAP && ctx->smd)
        m = lws__pool_get(&ctx->smd->pool);
    else
        m = lws__malloc(SMD_HDR + len + 1);
    if (!m) {
        lwsl_err("lws_smd_msg_alloc: out of memory");
        return NULL;
    }
    m->pooled = len <= SMD_POOL_CAP && ctx->smd;
    m->next = NULL;
    m->cls = _class;
    m->magic = SMD_MAGIC;
    m->length = (uint16_t)len;
    m->seq = 0;
    m->timestamp = 0;
    ((uint8_t *)m)[SMD_HDR + len] = 0; /* text payloads stay terminated */
    return (uint8_t *)m + SMD_HDR;
}

/* Frees @m to the allocator (a pooled block too: lws_smd_msg_free() has
 * no context, and the pool goes with the context). */
static void smd_msg_destroy(struct smd_msg *m)
{
    m->magic = 0;
    lws__free(m);
}

/* Gives @m back to @smd's pool if it came from there. */
static void smd_msg_recycle(struct lws__smd *smd, struct smd_msg *m)
{
    m->magic = 0;
    if (m->pooled)
        lws__pool_put(&smd->pool, m);
    else
        lws__free(m);
}

void lws_smd_msg_free(void **payload)
{
    struct smd_msg *m;

    if (!payload || !*payload)
        return;
    m = smd_msg_of(*payload);
    if (!m) {
        lwsl_err("lws_smd_msg_free: not a message from lws_smd_msg_alloc");
        return;
    }
    smd_msg_destroy(m);
    *payload = NULL;
}

/* The send stamp: lws_now_usecs()'s clock (CLOCK_MONOTONIC) read at the
 * kernel tick's resolution, a few ns instead of a few tens per message; TTLs
 * are milliseconds and more.  Taken outside the lock, so one publisher's
 * stamps never decrease. */
static lws_usec_t smd_stamp(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts))
        return lws_now_usecs();
    return (lws_usec_t)ts.tv_sec * LWS_US_PER_SEC + ts.tv_nsec / 1000;
}

/* Links @m under the lock.  @return 0, or 1 if the queue is full.  The
 * library's own messages (@sys) may go past the depth: they are few (one
 * per state change or network event), and a flood of application messages
 * must not hide a state change from the peers. */
static int smd_enqueue(struct lws_context *ctx, struct lws__smd *smd,
                       struct smd_msg *m, bool sys)
{
    /* Full, seen without the lock: a refused publisher polling the queue
     * does not contend with the loop for it. */
    if (!sys &&
        atomic_load_explicit(&smd->queued, memory_order_relaxed) >= smd->depth)
        return 1;
    m->timestamp = smd_stamp();
    m->next = NULL;
    uv_mutex_lock(&smd->lock);
    if (smd->closed) {
        uv_mutex_unlock(&smd->lock);
        return -ECANCELED;
    }
    /* Publishers raise it only under the lock and the loop only lowers
     * it, so the check holds until the add. */
    if (!sys && atomic_load_explicit(&smd->queued, memory_order_relaxed) >=
                    smd->depth) {
        uv_mutex_unlock(&smd->lock);
        return 1;
    }
    atomic_fetch_add_explicit(&smd->queued, 1, memory_order_relaxed);
    m->seq = smd->seq_next++;
    if (smd->tail) {
        smd->tail->next = m;
        smd->tail = m;
    } else {
        smd->head = smd->tail = m;
        /* The FIFO was empty: the loop has taken everything before this,
         * and takes this with whatever follows on the wakeup.  Inside the
         * lock: destroy closes the handle only after it has seen the bus
         * closed under this lock. */
        uv_async_send(&ctx->wake);
    }
    uv_mutex_unlock(&smd->lock);
    return 0;
}

/* One line per second at most, however fast publishers hit a full queue.
 * Relaxed: a statistic; the exchange picks the one thread that logs. */
static void smd_log_full(struct lws__smd *smd)
{
    unsigned int now = (unsigned int)(smd_stamp() / LWS_US_PER_SEC) + 1,
                 last = atomic_load_explicit(&smd->full_logged,
                                             memory_order_relaxed),
                 n;

    atomic_fetch_add_explicit(&smd->full_fails, 1, memory_order_relaxed);
    if (last == now || !atomic_compare_exchange_strong_explicit(
                           &smd->full_logged, &last, now, memory_order_relaxed,
                           memory_order_relaxed))
        return;
    n = atomic_exchange_explicit(&smd->full_fails, 0, memory_order_relaxed);
    lwsl_warn("queue full (smd_queue_depth %u): %u send(s) refused", smd->depth,
              n);
}

static int smd_send(struct lws_context *ctx, void *payload, bool sys)
{
    struct lws__smd *smd = ctx ? ctx->smd : NULL;
    struct smd_msg *m;
    int r;

    if (!ctx || !payload || !(m = smd_msg_of(payload))) {
        lwsl_err("lws_smd_msg_send: bad arguments");
        return -EINVAL;
    }
    if (!smd)
        return -ECANCELED;
    /* Acquire pairs with the loop's release when it changes the filters. */
    if (!(atomic_load_explicit(&smd->class_union, memory_order_acquire) &
          m->cls)) {
        smd_msg_recycle(smd, m); /* nobody listens: done */
        return 0;
    }
    r = smd_enqueue(ctx, smd, m, sys);
    if (r == 1)
        smd_log_full(smd);
    return r;
}

int lws_smd_msg_send(struct lws_context *ctx, void *payload)
{
    return smd_send(ctx, payload, false);
}

static int smd_vprintf(struct lws_context *ctx, lws_smd_class_t cls, bool sys,
                       const char *format, va_list ap)
{
    va_list ap2;
    void *p;
    int n;

    if (!ctx || !format)
        return -EINVAL;
    /* Nobody listens: skip the formatting too. */
    if (ctx->smd &&
        !(atomic_load_explicit(&ctx->smd->class_union, memory_order_acquire) &
          cls))
        return 0;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, format, ap2);
    va_end(ap2);
    if (n < 0 || n > LWS_SMD_MAX_PAYLOAD) {
        lwsl_err("lws_smd_msg_printf: message over LWS_SMD_MAX_PAYLOAD");
        return -EMSGSIZE;
    }
    p = lws_smd_msg_alloc(ctx, cls, (size_t)n);
    if (!p)
        return -ENOMEM;
    vsnprintf(p, (size_t)n + 1, format, ap);
    if (smd_send(ctx, p, sys)) {
        lws_smd_msg_free(&p);
        return 1;
    }
    return 0;
}

int lws_smd_msg_printf(struct lws_context *ctx, lws_smd_class_t _class,
                       const char *format, ...)
{
    va_list ap;
    int r;

    va_start(ap, format);
    r = smd_vprintf(ctx, _class, false, format, ap);
    va_end(ap);
    return r;
}

int lws__smd_publish(struct lws_context *cx, lws_smd_class_t cls,
                     const char *format, ...)
{
    va_list ap;
    int r;

    va_start(ap, format);
    r = smd_vprintf(cx, cls, true, format, ap);
    va_end(ap);
    return r;
}

/* Loop thread: the OR of the live peers' filters, published to senders. */
static void smd_update_union(struct lws__smd *smd)
{
    lws_smd_class_t u = 0;

    for (lws_dll2_t *d = smd->peers.head; d; d = d->next) {
        struct lws_smd_peer *pr =
            lws_container_of(d, struct lws_smd_peer, list);

        if (!pr->dead)
            u |= pr->filter;
    }
    atomic_store_explicit(&smd->class_union, u, memory_order_release);
}

struct lws_smd_peer *lws_smd_register(struct lws_context *ctx, void *opaque,
                                      int flags, lws_smd_class_t _class_filter,
                                      lws_smd_notification_cb_t cb)
{
    struct lws_smd_peer *pr;

    (void)flags;
    if (!ctx || !cb || !ctx->smd || ctx->destroying) {
        lwsl_err("lws_smd_register: bad arguments or context going down");
        return NULL;
    }
    LWS__LOOP_ONLY(ctx);
    pr = lws__calloc(1, sizeof(*pr));
    if (!pr) {
        lwsl_err("lws_smd_register: out of memory");
        return NULL;
    }
    pr->smd = ctx->smd;
    pr->cb = cb;
    pr->opaque = opaque;
    pr->filter = _class_filter;
    /* Filter first, then the sequence point: a message sent after the
     * point sees the filter and is queued, so the peer hears it. */
    lws_dll2_add_tail(&pr->list, &ctx->smd->peers);
    smd_update_union(ctx->smd);
    uv_mutex_lock(&ctx->smd->lock);
    pr->seq_from = ctx->smd->seq_next;
    uv_mutex_unlock(&ctx->smd->lock);
    return pr;
}

void lws_smd_unregister(struct lws_smd_peer *pr)
{
    struct lws__smd *smd;

    if (!pr || pr->dead)
        return;
    smd = pr->smd;
    pr->dead = true;
    smd_update_union(smd);
    if (smd->delivering) {
        smd->have_dead = true; /* freed when the drain ends */
        return;
    }
    lws_dll2_remove(&pr->list);
    lws__free(pr);
}

static void smd_free_peers(struct lws__smd *smd, bool only_dead)
{
    lws_dll2_t *d = smd->peers.head;

    while (d) {
        struct lws_smd_peer *pr =
            lws_container_of(d, struct lws_smd_peer, list);

        d = d->next;
        if (only_dead && !pr->dead)
            continue;
        lws_dll2_remove(&pr->list);
        lws__free(pr);
    }
    smd->have_dead = false;
}

static void smd_free_chain(struct smd_msg *m)
{
    while (m) {
        struct smd_msg *next = m->next;

        smd_msg_destroy(m);
        m = next;
    }
}

/* Messages and peers; the bus struct stays until lws__smd_free(). */
static void smd_free_contents(struct lws__smd *smd)
{
    smd_free_chain(smd->cur);
    smd->cur = NULL;
    smd_free_chain(smd->head);
    smd->head = smd->tail = NULL;
    smd_free_peers(smd, false);
    atomic_store_explicit(&smd->class_union, 0, memory_order_release);
}

/* Hands @m to each matching peer.  @return true if a callback destroyed
 * the context (lws__cx_gone(): then nothing of @smd may be touched but
 * freeing it). */
static bool smd_deliver(struct lws_context *cx, struct lws__smd *smd,
                        struct smd_msg *m)
{
    uint8_t *payload = (uint8_t *)m + SMD_HDR;

    for (lws_dll2_t *d = smd->peers.head; d; d = d->next) {
        struct lws_smd_peer *pr =
            lws_container_of(d, struct lws_smd_peer, list);

        if (pr->dead || !(pr->filter & m->cls) || m->seq < pr->seq_from)
            continue;
        pr->cb(pr->opaque, m->cls, m->timestamp, payload, m->length);
        if (lws__cx_gone(cx))
            return true;
    }
    return false;
}

/* Every SMD_ROOM_CHUNK messages delivered (and at the end), their blocks
 * go back to the pool as one chain and their room back to the queue. */
struct smd_done {
    struct smd_msg *head, *tail; /* pooled blocks, linked through next */
    unsigned int np;             /* pooled blocks */
    unsigned int n;              /* messages, pooled or not */
};

static void smd_give_back(struct lws__smd *smd, struct smd_done *d)
{
    lws__pool_put_chain(&smd->pool, d->head, d->tail, d->np);
    /* Release: the blocks are back before publishers see the room. */
    atomic_fetch_sub_explicit(&smd->queued, d->n, memory_order_release);
    d->head = d->tail = NULL;
    d->n = d->np = 0;
}

/* The queue bound counts a message until it is delivered.  @return true
 * if a callback destroyed the context. */
static bool smd_run_batch(struct lws_context *cx, struct lws__smd *smd)
{
    lws_usec_t now = smd_stamp();
    struct smd_done d = {0};
    bool gone = false;

    while (smd->cur && !gone) {
        struct smd_msg *m = smd->cur;

        smd->cur = m->next;
        if (smd->ttl_us && now - m->timestamp > smd->ttl_us)
            lwsl_info("dropped a message of class 0x%x queued %lld us "
                      "(over smd_ttl_us)",
                      (unsigned int)m->cls, (long long)(now - m->timestamp));
        else
            gone = smd_deliver(cx, smd, m);
        m->magic = 0;
        if (m->pooled) {
            m->next = NULL;
            if (d.tail)
                d.tail->next = m;
            else
                d.head = m;
            d.tail = m;
            d.np++;
        } else {
            lws__free(m);
        }
        if (++d.n == SMD_ROOM_CHUNK && !gone)
            smd_give_back(smd, &d);
    }
    if (!gone) {
        smd_give_back(smd, &d);
    } else { /* everything else is about to be freed */
        while (d.head) {
            struct smd_msg *next = d.head->next;

            lws__free(d.head);
            d.head = next;
        }
    }
    return gone;
}

void lws__smd_drain(struct lws_context *cx)
{
    struct lws__smd *smd = cx->smd;

    if (!smd || smd->destroy_pending)
        return;
    if (smd->delivering) { /* the FIFO stays: publishers will not wake */
        smd->rewake = true;
        return;
    }
    uv_mutex_lock(&smd->lock);
    smd->cur = smd->head;
    smd->head = smd->tail = NULL;
    uv_mutex_unlock(&smd->lock);
    if (!smd->cur)
        return;
    smd->delivering = true;
    if (smd_run_batch(cx, smd)) {
        smd_free_contents(smd); /* destroy was asked for by a callback */
        return;
    }
    smd->delivering = false;
    if (smd->have_dead)
        smd_free_peers(smd, true);
    if (smd->rewake) {
        smd->rewake = false;
        uv_async_send(&cx->wake);
    }
}

int lws__smd_create(struct lws_context *cx,
                    const struct lws_context_creation_info *info)
{
    struct lws__smd *smd = lws__calloc(1, sizeof(*smd));

    if (!smd)
        return -ENOMEM;
    smd->depth =
        info->smd_queue_depth ? info->smd_queue_depth : SMD_DEFAULT_DEPTH;
    if (uv_mutex_init(&smd->lock)) {
        lws__free(smd);
        return -EIO;
    }
    lws__pool_init(&smd->pool, SMD_HDR + SMD_POOL_CAP + 1, smd->depth, false);
    smd->ttl_us = info->smd_ttl_us > 0 ? info->smd_ttl_us : SMD_DEFAULT_TTL_US;
    cx->smd = smd;
    if (info->early_smd_cb &&
        !lws_smd_register(cx, info->early_smd_opaque, 0,
                          info->early_smd_class_filter, info->early_smd_cb))
        return -ENOMEM; /* lws__smd_free() at the context's free */
    return 0;
}

void lws__smd_destroy(struct lws_context *cx)
{
    struct lws__smd *smd = cx->smd;

    if (!smd)
        return;
    uv_mutex_lock(&smd->lock);
    smd->closed = true; /* no sender wakes the loop after this */
    uv_mutex_unlock(&smd->lock);
    if (smd->delivering) {
        smd->destroy_pending = true; /* the drain frees the contents */
        return;
    }
    smd_free_contents(smd);
}

void lws__smd_free(struct lws_context *cx)
{
    struct lws__smd *smd = cx->smd;

    if (!smd)
        return;
    smd_free_contents(smd); /* nothing left unless destroy never ran */
    lws__pool_fini(&smd->pool);
    uv_mutex_destroy(&smd->lock);
    lws__free(smd);
    cx->smd = NULL;
}
