/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private core header, the first include of every library .c outside the
 * codecs and helper cores: the context, vhost and wsi structs, the loop
 * thread check, the CSPRNG, the guard and the helper slots.  It includes
 * the wire header (private-wire.h: logging, allocator, wire reader/writer),
 * which is all a codec or a helper core may include.
 */
#ifndef LWS_PRIVATE_CORE_H
#define LWS_PRIVATE_CORE_H

#include "private-wire.h"

#include <stdatomic.h>
#include <stdlib.h>

#include <uv.h>

#include "lws-helper-ids.h"
#include "private-plat.h"

/* Allocator test/bench hooks (thread-safe; the allocator is in
 * private-wire.h).  Counting and failure injection work only
 * while tracking is on (the test support library turns it on). */
void lws__alloc_track(bool on);
void lws__alloc_fail_nth(long n); /* fail the nth allocation from now; 0 off */
long lws__alloc_count(void);      /* allocations made since process start */
size_t lws__heap_in_use(void);    /* bytes currently held via lws__malloc */
size_t lws__heap_peak_take(void); /* peak since the last call; resets */
bool lws__alloc_tracking(void);   /* is counting on now */
/* Blocks without the size header, for pools (counted or not for good);
 * allocation failures are injected as for lws__malloc(). */
void *lws__malloc_bare(size_t size, bool counted) LWS__MUST_CHECK;
void lws__free_bare(void *p, size_t size, bool counted);

/* Fault points (fi.c, built with LWS_WITH_FI; lws-system/fi.h lists them).
 * Each is one macro at its call site and compiles to nothing without the
 * option:
 *   if (LWS__FI(cx, "name")) ...            true when the fault fires
 *   r = LWS__FI_OR(cx, "name", -EIO, f());  -EIO instead of calling f()
 *   n = LWS__FI_GARBLE(cx, "name", buf, n); a datagram of n > 0 bytes cut
 *                                           short and garbled (long) */
#if LWS_WITH_FI
struct lws__fi_rule {
    char name[24];
    atomic_int kind;
    atomic_uint a, b; /* nth / range bounds / percent */
    atomic_uint evals, fired;
};
struct lws__fi { /* in the context: no allocation of its own */
    struct lws__fi_rule rule[LWS_FI_MAX_RULES];
    atomic_uint used; /* slots with a name */
    atomic_uint_fast64_t prng;
    uint64_t seed;
    bool on; /* set up */
};
int lws__fi_create(struct lws_context *cx,
                   const struct lws_context_creation_info *info);
void lws__fi_destroy(struct lws_context *cx);
bool lws__fi(struct lws_context *cx, const char *name);
bool lws__fi_alloc_fails(void); /* core.alloc, any thread */
long lws__fi_garble(struct lws_context *cx, const char *name, void *buf,
                    long n);
#define LWS__FI(cx, name)                lws__fi(cx, name)
#define LWS__FI_OR(cx, name, err, expr)  (lws__fi(cx, name) ? (err) : (expr))
#define LWS__FI_GARBLE(cx, name, buf, n) lws__fi_garble(cx, name, buf, n)
#define LWS__FI_CREATE(cx, info)         lws__fi_create(cx, info)
#define LWS__FI_DESTROY(cx)              lws__fi_destroy(cx)
#else
#define LWS__FI(cx, name)                ((void)(cx), false)
#define LWS__FI_OR(cx, name, err, expr)  (expr)
#define LWS__FI_GARBLE(cx, name, buf, n) ((void)(cx), (void)(buf), (n))
#define LWS__FI_CREATE(cx, info)         0
#define LWS__FI_DESTROY(cx)              ((void)0)
#endif

/* A recycler of same-size blocks between threads (pool.c): get on any
 * thread never waits (it allocates when the pool is empty or busy), put on
 * any thread is lock-free; at most @max blocks are kept.  A block's first
 * word is the pool's link while it is free (a chain given back is linked
 * through it). */
struct lws__pool {
    void *take;            /* owned by the taker holding busy */
    _Atomic(void *) given; /* lock-free stack of blocks given back */
    /* blocks in the pool: given_n - taken_n (both counted modulo 2^32);
     * taken_n is written only by the taker holding busy, so a take costs
     * no read-modify-write besides busy's */
    atomic_uint given_n;
    atomic_uint taken_n;
    atomic_bool busy; /* a taker owns take (never waited for) */
    unsigned int max;
    uint32_t size;
    bool bare;    /* blocks without the allocator's header */
    bool counted; /* bare blocks count in lws__heap_in_use() */
};
/* @bare: blocks without the allocator's size header (freed only through
 * the pool); otherwise lws__free() frees a block as well. */
void lws__pool_init(struct lws__pool *p, size_t size, unsigned int max,
                    bool bare);
void *lws__pool_get(struct lws__pool *p) LWS__MUST_CHECK;
void lws__pool_put(struct lws__pool *p, void *b);
void lws__pool_put_chain(struct lws__pool *p, void *head, void *tail,
                         unsigned int n);
void lws__pool_free(struct lws__pool *p, void *b); /* to the allocator */
unsigned int lws__pool_held(struct lws__pool *p);  /* blocks in it, a hint */
/* Frees blocks held beyond @keep (unless a taker holds the pool then). */
void lws__pool_trim(struct lws__pool *p, unsigned int keep);
void lws__pool_fini(struct lws__pool *p); /* no get/put may run */

/* ------------------------------------------------------------------------
 * Context, vhost, wsi
 */

struct lws_system_blob {
    lws_dll2_owner_t heap; /* segments (heap mode) */
    const uint8_t *direct; /* borrowed (direct mode) */
    size_t direct_len;
    bool is_direct;
};

struct lws_vhost {
    struct lws_context *context;
    const char *name;
    struct lws_protocols *protocols; /* owned copy, count entries */
    void **protocol_priv;            /* per protocol, lws__malloc'd */
    int count_protocols;             /* initialised (0 once destroyed) */
    int n_builtin;              /* protocols [0, n_builtin) are the helpers' */
    lws_dll2_owner_t wsi_owner; /* live wsi */
};

struct lws {
    lws_dll2_t vh_list;
    struct lws_vhost *vhost;
    const struct lws_protocols *protocol;
    void *user_space; /* per_session_data_size bytes, zeroed */
    void *opaque;
    uv_poll_t poll;
    lws_sorted_usec_list_t sul_timer;
    int fd;
    int poll_events; /* UV_READABLE | UV_WRITABLE currently wanted */
    struct sockaddr_storage udp_peer;
    size_t udp_peer_len;
    uint8_t udp : 1;
    uint8_t rx_notify : 1; /* RAW_RX reports readiness; protocol reads */
    uint8_t want_write : 1;
    uint8_t closing : 1;
    uint8_t poll_inited : 1;
};

/* lws__wsi_adopt() flags */
#define LWS__WSI_UDP       (1u << 0)
#define LWS__WSI_RX_NOTIFY (1u << 1) /* RAW_RX with in == NULL: "readable" */

/* Three words (four on 32-bit targets, where items are only 8-byte
 * aligned): an item's gate travels in the low bits of the reference that
 * leads to it, the item's address | its gate (attach.c). */
#define LWS__ATTACH_TAGGED (UINTPTR_MAX > 0xffffffffu)
/* Alignment of lws__malloc_bare() blocks: at least 16, so that on 64-bit
 * targets whose max_align_t is only 8-byte aligned (s390x) the gate still
 * fits an item's low bits. */
#define LWS__BARE_ALIGN                                                        \
    (_Alignof(max_align_t) > 16 ? _Alignof(max_align_t) : (size_t)16)
struct lws_attach_item {
    union { /* an item is in one list at a time; read before relinking */
        /* a reference to the next item: in the producers' stack (written
         * by the item's producer before it publishes the item), in a
         * taken batch, in the waiting list */
        uintptr_t next;
        struct lws_attach_item *done_next; /* run, on the way to the pool */
    };
    lws_attach_cb_t cb;
    void *opaque;
#if !LWS__ATTACH_TAGGED
    int state;
#endif
};

#define LWS__ATTACH_LEVELS (LWS_SYSTATE_OPERATIONAL + 1)

struct lws__rng; /* random.c */

struct lws_context {
    uv_loop_t *loop;
    uv_loop_t own_loop;
    uv_thread_t loop_thread;
    uv_timer_t sul_timer; /* drives sul_owner */
    uv_idle_t sul_idle;   /* 0-delay suls scheduled by sul callbacks */
    uv_async_t wake;
    uv_timer_t service_timer;   /* own loop: bounds lws_service(cx, ms > 0) */
    lws_dll2_owner_t sul_owner; /* sorted by due time */

    struct lws_vhost *vhost_system;
    lws_state_manager_t mgr_system;
    lws_sorted_usec_list_t sul_boot;

    lws_system_ops_t ops; /* copy; attach always set */
    bool ops_attach_builtin;
    int target_state; /* beside the bool and the counters: no padding */

    /* wakeup guard: threads inside the attach op or lws_cancel_service()
     * are counted, and destroy frees nothing they use until it has set
     * wake_closing and seen the count at zero (both seq_cst). */
    atomic_int wake_users;
    atomic_bool wake_closing;
    /* loop thread: the most items one drain ran since the attach pool was
     * last trimmed, what the pool keeps (attach.c; in the hole before the
     * counter below) */
    uint16_t attach_hw;
    /* attach items queued and not yet run or discarded, counted only with
     * a cap (attach_max_queued; 0 = none) */
    atomic_uint attach_queued;
    unsigned int attach_max;
    struct lws__pool attach_pool; /* recycled items */
    /* built-in op: a lock-free stack of references (item | gate) that
     * producers push with one compare-and-swap and the loop takes whole
     * with one exchange, reversing it into arrival order (attach.c) */
    _Atomic(uintptr_t) push_top;
    /* built-in op: the loop looks at the stack again without a wakeup
     * (from the start of a drain to its end, and on while attach_idle
     * runs), so a producer that finds the stack empty need not wake it
     * (seq_cst both ways, see attach.c) */
    atomic_bool attach_awake;
    uv_idle_t attach_idle; /* drains again while producers keep pushing */
    lws_sorted_usec_list_t attach_trim; /* the pool back to its idle size */
    /* loop thread: references of a large batch, newest first (attach.c) */
    uintptr_t *attach_batch;
    size_t attach_batch_cap;
    /* the waiting list (items whose gate was not open, and those behind
     * them once it opens), in arrival order, with a count per gate level:
     * under the application op's lock, or loop-private with the built-in
     * op */
    uintptr_t wait_head; /* a reference: the item | its gate */
    struct lws_attach_item *wait_tail;
    unsigned int wait_count[LWS__ATTACH_LEVELS];
    uint32_t attach_nonempty; /* bit n: wait_count[n] is not 0 */
    bool attach_closed;
    /* loop thread only: a drain is running / was asked for again / the
     * first get of an application-op drain must take the limit, the
     * newest waiting item then (items after it wait a drain) */
    bool attach_draining;
    bool attach_redrain;
    bool attach_limit_pending;
    bool attach_limit_hit;
    struct lws_attach_item *attach_limit;
    /* where the drain's last take unlinked an item (the link, the item
     * holding it, the state then), NULL outside a drain */
    uintptr_t *wait_cur;
    struct lws_attach_item *wait_cur_prev;
    int wait_cur_state;

    struct lws_system_blob blobs[LWS_SYSBLOB_TYPE_COUNT];
    struct lws__rng *rng;

    /* helper instances, owned by their modules: one slot per helper the
     * build registered (LWS__HELPER()) */
    void *helper[LWS__HELPER_COUNT ? LWS__HELPER_COUNT : 1];
    struct lws__smd *smd; /* lib/system/smd/ */

    uint64_t options;
    void *user;

    /* The last validated time sync: wall clock (Unix us) at a monotonic
     * time, 0 when there is none.  Written by a time source (the SNTP
     * client), read by TLS; see lws__time_sync_get(). */
    lws_usec_t sync_wall_us, sync_mono_us;
    lws_usec_t (*wall_clock)(void); /* creation info; NULL = the plat's */
    lws_dll2_owner_t news; /* observers of cross-helper news (news.c) */

#if LWS_WITH_FI
    struct lws__fi fi; /* fault rules (fi.c) */
#endif
    struct lws__later *later; /* helper memory freed with the context's */
    int handles_open;         /* uv handles not yet closed */
    int api_depth; /* library calls on the stack that may call back */
    bool foreign;
    bool destroying;
    bool in_service; /* inside lws_service()'s uv_run */
    bool free_at_unwind;
    bool creating;          /* inside lws_create_context() */
    bool destroy_requested; /* destroyed by an op during creation */
    bool finalised;         /* handles closed, memory may be freed */
    bool sul_running;       /* inside a pass of sul callbacks (sul.c) */
    /* Set by the context at creation; called by the guard (guard.c). */
    void (*guard_free)(struct lws_context *cx);   /* last handle closed */
    void (*guard_finish)(struct lws_context *cx); /* destroy at unwind */
    lws_dll2_t reg_list; /* in context.c's registry of live contexts */
};

/* Loop-thread check for loop-only entry points (guard.c): aborts, logged,
 * when called off the loop thread. */
#if LWS_THREAD_CHECKS
void lws__loop_check(const struct lws_context *cx, const char *fn);
#define LWS__LOOP_ONLY(cx) lws__loop_check((cx), __func__)
#else
#define LWS__LOOP_ONLY(cx)                                                     \
    do {                                                                       \
        (void)(cx);                                                            \
    } while (0)
#endif

/* wsi internals (wsi.c) */
struct lws *lws__wsi_adopt(struct lws_vhost *vh, const char *prot_name, int fd,
                           unsigned int flags, void *opaque);
int lws__wsi_poll(struct lws *wsi, int uv_events);
/* The interface @ifname's index, whether it is up with carrier, and (@mac
 * not NULL) its 6-byte hardware address.  @return 0, 1 if that address is
 * not Ethernet's (@mac filled all the same), or -errno. */
int lws__if_info(const char *ifname, int *ifindex, bool *up, uint8_t *mac);
/* Closes *@pw, if any, without its owner hearing of it (no opaque: the
 * RAW_CLOSE finds none), and sets *@pw to NULL first. */
void lws__wsi_close_detached(struct lws **pw);
void lws__vhost_close_all(struct lws_vhost *vh);

/* descriptor sets (fdset.c): sockets watched through one loop handle.
 * @cb gets each batch of ready sockets: their tags and UV_* events. */
struct lws__fdset;
typedef void (*lws__fdset_cb)(void *opaque, void *const *tags,
                              const int *uv_events, int n);
struct lws__fdset *lws__fdset_new(struct lws_context *cx, lws__fdset_cb cb,
                                  void *opaque);
/* Watches @fd for @uv_events (@added: already watched, change them);
 * closing @fd ends the watch.  0 or a negative errno. */
int lws__fdset_watch(struct lws__fdset *s, int fd, int uv_events, bool added,
                     void *tag);
/* Stops watching; freed once the loop has released the handle. */
void lws__fdset_destroy(struct lws__fdset *s);

/* guard (guard.c) */
void lws__handle_closed(struct lws_context *cx); /* a handle finished closing */

/* context internals */
void lws__attach_drain(struct lws_context *cx);
void lws__attach_discard_all(struct lws_context *cx);
void lws__attach_init(struct lws_context *cx,
                      const struct lws_context_creation_info *info);
void lws__attach_free_all(struct lws_context *cx);
/* Waits until no thread is inside the attach op or lws_cancel_service(). */
void lws__wake_quiesce(struct lws_context *cx);
void lws__sul_destroy_all(struct lws_context *cx);
int lws__vhost_system_create(struct lws_context *cx,
                             const struct lws_context_creation_info *info);
void lws__vhost_destroy(struct lws_vhost *vh);
void lws__vhost_free(struct lws_vhost *vh);
int lws__sul_init(struct lws_context *cx);
void lws__state_force(lws_state_manager_t *mgr, int target);
int lws__attach_builtin(struct lws_context *cx, int tsi, lws_attach_cb_t cb,
                        lws_system_states_t state, void *opaque,
                        struct lws_attach_item **get);
void lws__blobs_destroy(struct lws_context *cx);
bool lws__context_is_live(const struct lws_context *cx);
/* After a walk outside lws_service(): finish a destroy requested inside it. */
void lws__context_unwind(struct lws_context *cx);
/* Bracket a library call that may run application callbacks outside
 * lws_service(): a destroy inside them is finished at the outermost leave
 * (which may free @cx: touch nothing of it afterwards). */
static inline void lws__api_enter(struct lws_context *cx)
{
    cx->api_depth++;
}
void lws__api_leave(struct lws_context *cx);
/* The one "is it gone?" question of every layer, asked right after any call
 * into application code (op, notifier, callback): true when that code
 * destroyed the context (or asked to, during creation).  Then touch nothing
 * of the context's helpers again and unwind; the context memory itself
 * stays valid until the outermost lws__api_leave() or lws_service()
 * returns. */
bool lws__cx_gone(const struct lws_context *cx);
/* A helper's instance memory outlives its teardown until the context's own
 * memory goes (after the outermost frame unwinds), so a frame of the helper
 * that sees lws__cx_gone() may still read its own state on the way out.
 * The helper embeds the node and hands its free function in at teardown. */
struct lws__later {
    struct lws__later *next;
    void (*free_fn)(struct lws__later *l);
};
void lws__cx_free_later(struct lws_context *cx, struct lws__later *l,
                        void (*free_fn)(struct lws__later *l));
/* Runs the free functions handed in (the context's free path). */
void lws__cx_free_held(struct lws_context *cx);

/* lws_smd (lib/system/smd/, stubs when compiled out): created with the
 * context (early_smd peer included), drained on each wakeup, closed at
 * teardown before the wakeup handle closes, freed with the context. */
struct lws__smd;
int lws__smd_create(struct lws_context *cx,
                    const struct lws_context_creation_info *info);
void lws__smd_drain(struct lws_context *cx);
void lws__smd_destroy(struct lws_context *cx); /* closes the bus */
void lws__smd_free(struct lws_context *cx);    /* with the context memory */
/* The library's own messages (state changes, network events): as
 * lws_smd_msg_printf(), but never refused for a full queue. */
int lws__smd_publish(struct lws_context *cx, lws_smd_class_t cls,
                     const char *format, ...) LWS_FORMAT(3);
/* One notice line that is also the NETWORK message (context.c): the JSON
 * object @format makes, up to 319 bytes (its values need no escaping). */
void lws__smd_tell(struct lws_context *cx, const char *format, ...)
    LWS_FORMAT(2);

/* ------------------------------------------------------------------------
 * CSPRNG (random.c): mbedTLS CTR-DRBG seeded from mbedTLS entropy.
 */
int lws__rng_create(struct lws_context *cx) LWS__MUST_CHECK;
void lws__rng_destroy(struct lws_context *cx);
uint32_t lws__random_u32(struct lws_context *cx);
/* Uniform in [0, n) (n > 0). */
uint32_t lws__random_below(struct lws_context *cx, uint32_t n);

/* ------------------------------------------------------------------------
 * Validated time: a time source records its last sync (0, 0 when it goes
 * away); anyone may ask for it without knowing the source.
 */
static inline void lws__time_sync_set(struct lws_context *cx, lws_usec_t wall,
                                      lws_usec_t mono)
{
    cx->sync_wall_us = wall;
    cx->sync_mono_us = mono;
}

/* The wall clock as @cx reads it: the creation info's wall_clock (tests
 * step it), else CLOCK_REALTIME.  Never for timers (monotonic). */
static inline lws_usec_t lws__cx_wall_usecs(const struct lws_context *cx)
{
    return cx->wall_clock ? cx->wall_clock() : lws__wall_usecs();
}

/* True with *@wall at *@mono when a source has synced. */
static inline bool lws__time_sync_get(const struct lws_context *cx,
                                      lws_usec_t *wall, lws_usec_t *mono)
{
    *wall = cx->sync_wall_us;
    *mono = cx->sync_mono_us;
    return cx->sync_wall_us != 0;
}

/* The helpers registered by the build: each one's built-in protocols of
 * the system vhost (NULL-name terminated; PROTOCOL_INIT gets in = the
 * creation info), NULL after the last.  The table is generated by CMake
 * from the helper selection (LWS_HELPER_PROTOCOLS). */
extern const struct lws_protocols *const lws__helper_protocols[];

/* A helper's instance in @cx (an lvalue): LWS__HELPER(cx, ADNS).  The ids
 * exist only for the helpers built (lws-helper-ids.h). */
#define LWS__HELPER(cx, id) ((cx)->helper[LWS__HELPER_##id])

/* For a helper's public entry point @fn: helper @idx (LWS__HELPER_<id>) of
 * @cx, or NULL without a context; the call is checked to be on the loop
 * thread, as LWS__LOOP_ONLY() does.  Wrap it once per helper: inlined at
 * every entry point it costs text. */
static inline void *lws__helper_api(struct lws_context *cx, int idx,
                                    const char *fn)
{
    if (!cx)
        return NULL;
#if LWS_THREAD_CHECKS
    lws__loop_check(cx, fn);
#else
    (void)fn;
#endif
    return cx->helper[idx];
}

#endif /* LWS_PRIVATE_CORE_H */
