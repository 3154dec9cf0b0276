/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The context: its libuv loop (own or foreign), the wakeup handle shared by
 * the attach queue and lws_cancel_service(), the "system" state manager and
 * vhost, and teardown that closes every handle and frees everything, also
 * when called from inside a library callback.
 */
#define LWS_LOGMOD context
#include "private-core.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#define LWS__SYSTATE_NAME(n, v) #n,
static const char *context_state_names[] = {LWS_SYSTATE_LIST(LWS__SYSTATE_NAME)
                                                NULL};
#undef LWS__SYSTATE_NAME

/* Registry of live contexts, so destroy/service on a stale pointer is
 * reported instead of crashing in the common misuse cases. */
static uv_once_t context_reg_once = UV_ONCE_INIT;
static uv_mutex_t context_reg_lock;
static lws_dll2_owner_t context_reg;

/* lws_service() checks liveness on every call: a per-thread memo of the
 * last context found live, valid while no context has been freed since
 * (the generation), keeps that off the registry lock.  Release/acquire: a
 * thread that sees the new generation sees the registry change before it. */
static atomic_uint context_reg_gen;
static _Thread_local const struct lws_context *context_live_memo;
static _Thread_local unsigned int context_live_memo_gen;

static void context_reg_init(void)
{
    if (uv_mutex_init(&context_reg_lock))
        abort();
}

static void context_reg_add(struct lws_context *cx)
{
    uv_once(&context_reg_once, context_reg_init);
    uv_mutex_lock(&context_reg_lock);
    lws_dll2_add_tail(&cx->reg_list, &context_reg);
    uv_mutex_unlock(&context_reg_lock);
}

/* Compares addresses only: @cx may be a stale pointer. */
static bool context_reg_find_locked(const struct lws_context *cx)
{
    for (lws_dll2_t *d = context_reg.head; d; d = d->next)
        if (lws_container_of(d, struct lws_context, reg_list) == cx)
            return true;
    return false;
}

static void context_reg_del(struct lws_context *cx)
{
    uv_once(&context_reg_once, context_reg_init);
    uv_mutex_lock(&context_reg_lock);
    lws_dll2_remove(&cx->reg_list);
    atomic_fetch_add_explicit(&context_reg_gen, 1, memory_order_release);
    uv_mutex_unlock(&context_reg_lock);
}

bool lws__context_is_live(const struct lws_context *cx)
{
    unsigned int gen =
        atomic_load_explicit(&context_reg_gen, memory_order_acquire);
    bool r;

    if (cx && cx == context_live_memo && gen == context_live_memo_gen)
        return true;
    uv_once(&context_reg_once, context_reg_init);
    uv_mutex_lock(&context_reg_lock);
    r = context_reg_find_locked(cx);
    uv_mutex_unlock(&context_reg_lock);
    if (r) {
        context_live_memo = cx;
        context_live_memo_gen = gen;
    }
    return r;
}

const char *lws_get_library_version(void)
{
    return LWS_SYSTEM_VERSION;
}

static void context_wake_cb(uv_async_t *a)
{
    struct lws_context *cx = a->data;

    if (!cx->destroying)
        lws__attach_drain(cx);
    if (!cx->destroying)
        lws__smd_drain(cx);
}

static void context_boot_cb(lws_sorted_usec_list_t *sul)
{
    struct lws_context *cx =
        lws_container_of(sul, struct lws_context, sul_boot);

    lws_state_transition_steps(&cx->mgr_system, cx->target_state);
}

/* Frees what has no uv handle; the handles must all be closed. */
static void context_free(struct lws_context *cx)
{
    lws__cx_free_held(cx); /* helper instances torn down earlier */
    lws__attach_free_all(cx);
    lws__smd_free(cx);
    lws__vhost_free(cx->vhost_system);
    lws__blobs_destroy(cx);
    lws__rng_destroy(cx);
    context_reg_del(cx);
    LWS__FI_DESTROY(cx);
    lws__free(cx);
}

static void context_handle_closed(uv_handle_t *h)
{
    lws__handle_closed(h->data);
}

/* Own loop: let the close callbacks run, close the loop, free. */
static void context_finish_own(struct lws_context *cx)
{
    int r;

    uv_run(cx->loop, UV_RUN_DEFAULT);
    r = uv_loop_close(cx->loop);
    if (r)
        lwsl_err("own loop did not close cleanly: %s", uv_strerror(r));
    context_free(cx);
}

/* The context's own uv handles, closed by teardown. */
static const unsigned short context_handles[] = {
    offsetof(struct lws_context, sul_timer),
    offsetof(struct lws_context, sul_idle),
    offsetof(struct lws_context, wake),
    offsetof(struct lws_context, attach_idle),
    offsetof(struct lws_context, service_timer),
};

/* Everything but freeing: state, attach, protocols, wsi, timers, handles. */
static void context_teardown(struct lws_context *cx)
{
    atomic_store_explicit(&cx->wake_closing, true, memory_order_seq_cst);
    cx->destroying = true;
    lws_sul_cancel(&cx->sul_boot);
    if (cx->mgr_system.state >= LWS_SYSTATE_CONTEXT_CREATED) {
        lws__state_force(&cx->mgr_system, LWS_SYSTATE_POLICY_INVALID);
        lws__state_force(&cx->mgr_system, LWS_SYSTATE_CONTEXT_DESTROYING);
    }
    /* As lws does: the notifiers leave with the context, so a static link
     * can be registered again on a new one. */
    while (cx->mgr_system.notify_list.head)
        lws_state_reg_deregister(lws_container_of(
            cx->mgr_system.notify_list.head, lws_state_notify_link_t, list));
    /* A walk under this destroy ends with the empty list (the place it
     * kept across the jumps' pass may be a link that pass removed). */
    cx->mgr_system.iter_next = NULL;
    /* Every thread inside the attach op or lws_cancel_service() leaves
     * (later ones see wake_closing) before the queue is emptied and the
     * wakeup handle closes. */
    lws__wake_quiesce(cx);
    lws__smd_destroy(cx);
    if (cx->ops.attach)
        lws__attach_discard_all(cx);

    lws__vhost_destroy(cx->vhost_system);
    lws__sul_destroy_all(cx);
    for (size_t n = 0; n < sizeof(context_handles) / sizeof(context_handles[0]);
         n++) {
        uv_handle_t *h = (void *)((char *)cx + context_handles[n]);

        if (h->data) /* set once the handle is initialised */
            uv_close(h, context_handle_closed);
    }
    cx->finalised = true;
}

static struct lws_context *context_setup_fail(struct lws_context *cx,
                                              bool loop_inited)
{
    context_teardown(cx);
    if (cx->foreign) {
        if (!cx->handles_open)
            context_free(cx);
        /* else: freed by the close callbacks when the application's loop
         * runs them. */
    } else if (loop_inited) {
        context_finish_own(cx);
    } else {
        context_free(cx);
    }
    return NULL;
}

static int context_loop_setup(struct lws_context *cx,
                              const struct lws_context_creation_info *info)
{
    if (info->foreign_loops) {
        if (!info->foreign_loops[0]) {
            lwsl_err("foreign_loops given without a loop");
            return -EINVAL;
        }
        cx->loop = info->foreign_loops[0];
        cx->foreign = true;
        return 0;
    }
    if (uv_loop_init(&cx->own_loop)) {
        lwsl_err("uv_loop_init failed");
        return -EIO;
    }
    cx->loop = &cx->own_loop;
    return 0;
}

static int context_handles_setup(struct lws_context *cx)
{
    if (lws__sul_init(cx))
        return -EIO;
    if (uv_async_init(cx->loop, &cx->wake, context_wake_cb))
        return -EIO;
    cx->wake.data = cx;
    cx->handles_open++;
    if (uv_idle_init(cx->loop, &cx->attach_idle))
        return -EIO;
    cx->attach_idle.data = cx;
    cx->handles_open++;
    if (cx->foreign)
        return 0;
    if (uv_timer_init(cx->loop, &cx->service_timer))
        return -EIO;
    cx->service_timer.data = cx;
    cx->handles_open++;
    return 0;
}

static void context_state_setup(struct lws_context *cx,
                                const struct lws_context_creation_info *info)
{
    lws_state_manager_t *mgr = &cx->mgr_system;

    mgr->name = "system";
    mgr->context = cx;
    mgr->state_names = context_state_names;
    mgr->state = LWS_SYSTATE_CONTEXT_CREATED;
    mgr->blocked_step = -1;
    mgr->redrive_target = -1;
    cx->target_state =
        info->target_state > 0 && info->target_state <= LWS_SYSTATE_OPERATIONAL
            ? info->target_state
            : LWS_SYSTATE_OPERATIONAL;
    if (info->system_ops)
        cx->ops = *info->system_ops;
    if (cx->ops.async_dns_dnssec_mode != LWS_ADNS_DNSSEC_OFF)
        lwsl_warn("async_dns_dnssec_mode: no DNSSEC here, treated as OFF");
    if (!cx->ops.attach) {
        cx->ops.attach = lws__attach_builtin;
        cx->ops_attach_builtin = true;
    }
}

struct lws_context *
lws_create_context(const struct lws_context_creation_info *info)
{
    struct lws_context *cx;
    int r;

    if (!info || info->count_threads > 1) {
        lwsl_err("%s: %s", __func__,
                 info ? "only one service thread is supported" : "NULL info");
        return NULL;
    }
    cx = lws__calloc(1, sizeof(*cx));
    if (!cx) {
        lwsl_err("%s: %s", __func__, "out of memory");
        return NULL;
    }
    cx->loop_thread = uv_thread_self();
    if (LWS__FI_CREATE(cx, info)) {
        lws__free(cx);
        return NULL;
    }
    cx->guard_free = context_free;
    cx->guard_finish = context_finish_own;
    cx->options = info->options;
    cx->wall_clock = info->wall_clock;
    cx->user = info->user;
    context_state_setup(cx, info);
    lws__attach_init(cx, info);
    context_reg_add(cx);
    if (context_loop_setup(cx, info))
        return context_setup_fail(cx, false);
    if (context_handles_setup(cx) || lws__rng_create(cx) ||
        lws__smd_create(cx, info))
        goto fail;
    /* The early peer hears the first state before any helper speaks. */
    lws__smd_publish(cx, LWSSMDCL_SYSTEM_STATE, "{\"state\":\"%s\"}",
                     lws_state_name(&cx->mgr_system, cx->mgr_system.state));
    /* Helpers call ops while they are created (stamp_load): a destroy from
     * one is only recorded here and carried out once creation is done. */
    cx->creating = true;
    r = lws__vhost_system_create(cx, info);
    cx->creating = false;
    if (r)
        goto fail; /* the vhost has logged which protocol, unless OOM */
    if (cx->destroy_requested) {
        lwsl_warn("%s: an op destroyed the context during creation", __func__);
        cx->destroy_requested = false;
        lws_context_destroy(cx);
        return NULL;
    }
    lws_state_reg_notifier_list(&cx->mgr_system, info->register_notifier_list);
    /* Step toward the target on the first loop iteration, after the caller
     * has its context pointer. */
    lws_sul_schedule(cx, 0, &cx->sul_boot, context_boot_cb, 0);
    lwsl_info("context created (%s loop)", cx->foreign ? "foreign" : "own");
    return cx;

fail:
    lwsl_err("%s: setup failed", __func__);
    return context_setup_fail(cx, true);
}

/* For the entry points that take only a context: false (logged) for NULL
 * or a pointer that is no live context (destroyed twice?); else checks the
 * call is on the loop thread. */
static bool context_check_live(struct lws_context *cx, const char *fn)
{
    if (!lws__context_is_live(cx)) {
        lwsl_err("%s: %p is not a live context (NULL, or destroyed?)", fn,
                 (void *)cx);
        return false;
    }
#if LWS_THREAD_CHECKS
    lws__loop_check(cx, fn);
#endif
    return true;
}

void lws_context_destroy(struct lws_context *cx)
{
    if (!context_check_live(cx, __func__))
        return;
    if (cx->destroying || cx->destroy_requested) {
        lwsl_warn("%s: destroy already in progress", __func__);
        return;
    }
    if (cx->creating) {
        cx->destroy_requested = true; /* lws_create_context() finishes it */
        return;
    }
    context_teardown(cx);
    if (cx->foreign) {
        /* Freed by the last close callback, on the application's loop. */
        return;
    }
    /* Walks, adopts and closes hold api_depth while they call back. */
    if (cx->in_service || cx->api_depth) {
        cx->free_at_unwind = true;
        return;
    }
    context_finish_own(cx);
}

/* Only wakes uv_run: lws_service()'s bound has passed. */
static void context_service_timeout_cb(uv_timer_t *t)
{
    (void)t;
}

/* < 0: what is ready, no wait; 0: wait for work; > 0: wait at most that. */
static void context_service_run(struct lws_context *cx, int timeout_ms)
{
    if (timeout_ms < 0) {
        uv_run(cx->loop, UV_RUN_NOWAIT);
        return;
    }
    if (timeout_ms > 0)
        uv_timer_start(&cx->service_timer, context_service_timeout_cb,
                       (uint64_t)timeout_ms, 0);
    uv_run(cx->loop, UV_RUN_ONCE);
    if (!cx->destroying)
        uv_timer_stop(&cx->service_timer);
}

int lws_service(struct lws_context *cx, int timeout_ms)
{
    if (!context_check_live(cx, __func__))
        return -1;
    if (cx->foreign) {
        lwsl_err("%s: the context runs on a foreign loop", __func__);
        return -1;
    }
    if (cx->destroying)
        return -1;
    cx->in_service = true;
    context_service_run(cx, timeout_ms);
    cx->in_service = false;
    if (cx->free_at_unwind) {
        lws__context_unwind(cx);
        return -1;
    }
    return 0;
}

struct uv_loop_s *lws_uv_getloop(struct lws_context *cx, int tsi)
{
    if (!cx || tsi)
        return NULL;
    return cx->loop;
}

void lws_cancel_service(struct lws_context *cx)
{
    if (!cx)
        return;
    /* Counted like the attach op: destroy waits for this call. */
    atomic_fetch_add_explicit(&cx->wake_users, 1, memory_order_seq_cst);
    if (!atomic_load_explicit(&cx->wake_closing, memory_order_seq_cst))
        uv_async_send(&cx->wake);
    atomic_fetch_sub_explicit(&cx->wake_users, 1, memory_order_release);
}

void *lws_context_user(struct lws_context *cx)
{
    return cx ? cx->user : NULL;
}

const lws_system_ops_t *lws_system_get_ops(struct lws_context *cx)
{
    return cx ? &cx->ops : NULL;
}

lws_state_manager_t *lws_system_get_state_manager(struct lws_context *cx)
{
    return cx ? &cx->mgr_system : NULL;
}

void lws__smd_tell(struct lws_context *cx, const char *format, ...)
{
    char line[320];
    va_list ap;

    va_start(ap, format);
    vsnprintf(line, sizeof(line), format, ap);
    va_end(ap);
    lwsl_notice("%s", line);
    lws__smd_publish(cx, LWSSMDCL_NETWORK, "%s", line);
}
