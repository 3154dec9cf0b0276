/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The generic state manager: notifiers in registration order, a vetoable
 * probe pass and a "done" pass per step, a record of which notifier holds
 * the machine, and re-drives from inside a walk that are queued instead of
 * recursing.  The system manager also drains the attach queue after each
 * step it completes.
 */
#define LWS_LOGMOD state
#include "private-core.h"

/* A notifier that vetoes and re-drives on every probe would spin forever;
 * bound the re-drives one walk serves. */
#define STATE_MAX_REDRIVES 64

static lws_state_manager_t *state_mgr_of(lws_state_notify_link_t *nl)
{
    if (!nl->list.owner)
        return NULL;
    return lws_container_of(nl->list.owner, lws_state_manager_t, notify_list);
}

void lws_state_reg_notifier(lws_state_manager_t *mgr,
                            lws_state_notify_link_t *nl)
{
    if (!mgr || !nl || !nl->notify_cb) {
        lwsl_err("%s: bad args", __func__);
        return;
    }
    if (nl->list.owner) {
        lwsl_err("notifier '%s' is already registered",
                 nl->name ? nl->name : "?");
        return;
    }
    lws_dll2_add_tail(&nl->list, &mgr->notify_list);
}

void lws_state_reg_deregister(lws_state_notify_link_t *nl)
{
    lws_state_manager_t *mgr;

    if (!nl)
        return;
    mgr = state_mgr_of(nl);
    if (!mgr)
        return;
    /* Keep a running walk valid: step past the link being removed. */
    if (mgr->iter_next == &nl->list)
        mgr->iter_next = nl->list.next;
    if (mgr->blocker && nl->name && mgr->blocker == nl->name)
        mgr->blocker = NULL;
    lws_dll2_remove(&nl->list);
}

void lws_state_reg_notifier_list(lws_state_manager_t *mgr,
                                 lws_state_notify_link_t *const *arr)
{
    if (!mgr || !arr)
        return;
    while (*arr)
        lws_state_reg_notifier(mgr, *arr++);
}

const char *lws_state_name(const lws_state_manager_t *mgr, int state)
{
    if (!mgr || !mgr->state_names || state < 0)
        return "?";
    /* The names table is NULL-terminated. */
    for (int n = 0; n <= state; n++)
        if (!mgr->state_names[n])
            return "?";
    return mgr->state_names[state];
}

const char *lws_state_blocker(const lws_state_manager_t *mgr, int *step)
{
    if (!mgr)
        return NULL;
    if (step)
        *step = mgr->blocker ? mgr->blocked_step : -1;
    return mgr->blocker;
}

/* Destroy's own jumps go through lws__state_force(), not a walk: a walk
 * stops as soon as its context is going down. */
static bool state_ctx_gone(const lws_state_manager_t *mgr)
{
    return mgr->context && lws__cx_gone(mgr->context);
}

/* Every notifier is probed, even after a veto, so all the helpers a step
 * waits for start their work at once; the first vetoer is recorded. */
static bool state_probe(lws_state_manager_t *mgr, int target)
{
    const char *blocker = NULL;

    for (lws_dll2_t *d = mgr->notify_list.head; d; d = mgr->iter_next) {
        lws_state_notify_link_t *nl =
            lws_container_of(d, lws_state_notify_link_t, list);

        mgr->iter_next = d->next;
        if (nl->notify_cb(mgr, nl, mgr->state, target) && !blocker)
            blocker = nl->name ? nl->name : "(unnamed)";
    }
    mgr->iter_next = NULL;
    if (!blocker) {
        mgr->blocker = NULL;
        mgr->blocked_step = -1;
        return false;
    }
    if (mgr->blocker != blocker || mgr->blocked_step != target)
        lwsl_info("%s: '%s' holds %s (at %s)", mgr->name ? mgr->name : "?",
                  blocker, lws_state_name(mgr, target),
                  lws_state_name(mgr, mgr->state));
    mgr->blocker = blocker;
    mgr->blocked_step = target;
    return true;
}

static void state_done(lws_state_manager_t *mgr, int target)
{
    struct lws_context *cx = mgr->context;

    lwsl_info("%s: %s -> %s", mgr->name ? mgr->name : "?",
              lws_state_name(mgr, mgr->state), lws_state_name(mgr, target));
    mgr->state = target;
    if (cx && mgr == &cx->mgr_system) /* lws's format, class SYSTEM_STATE */
        lws__smd_publish(cx, LWSSMDCL_SYSTEM_STATE, "{\"state\":\"%s\"}",
                         lws_state_name(mgr, target));
    for (lws_dll2_t *d = mgr->notify_list.head; d; d = mgr->iter_next) {
        lws_state_notify_link_t *nl =
            lws_container_of(d, lws_state_notify_link_t, list);

        mgr->iter_next = d->next;
        nl->notify_cb(mgr, nl, target, target);
    }
    mgr->iter_next = NULL;
    if (cx && mgr == &cx->mgr_system && !lws__cx_gone(cx))
        lws__attach_drain(cx);
}

/* Probe one step or jump, then, unless it was vetoed or the probe moved the
 * state or destroyed the context, the done pass. */
static bool state_step(lws_state_manager_t *mgr, int next)
{
    int from = mgr->state;

    if (state_probe(mgr, next) || mgr->state != from || state_ctx_gone(mgr))
        return false;
    state_done(mgr, next);
    return true;
}

static int state_walk(lws_state_manager_t *mgr, int target, bool steps)
{
    const int want = target; /* the caller's target, for the result */
    const bool jump = !steps;
    bool jumped = false;
    int redrives = 0;

    mgr->busy = 1;
    mgr->redrive_target = -1;
    if (jump)
        jumped = mgr->state == target ||
                 (!state_ctx_gone(mgr) && state_step(mgr, target));
    for (;;) {
        while (steps && mgr->state < target && !state_ctx_gone(mgr) &&
               state_step(mgr, mgr->state + 1))
            ;
        if (mgr->redrive_target < 0 || state_ctx_gone(mgr))
            break;
        if (++redrives > STATE_MAX_REDRIVES) {
            lwsl_warn("%s: re-drive loop stopped at %s",
                      mgr->name ? mgr->name : "?",
                      lws_state_name(mgr, mgr->state));
            break;
        }
        /* A re-drive asks for steps up to its target. */
        if (!steps || mgr->redrive_target > target)
            target = mgr->redrive_target;
        steps = true;
        mgr->redrive_target = -1;
    }
    mgr->redrive_target = -1;
    mgr->busy = 0;
    if (state_ctx_gone(mgr)) /* destroyed under the walk */
        return LWS_STATE_BLOCKED;
    if (jump)
        return jumped ? LWS_STATE_REACHED : LWS_STATE_BLOCKED;
    return mgr->state >= want ? LWS_STATE_REACHED : LWS_STATE_BLOCKED;
}

/* A destroy requested inside the walk may free the manager with its
 * context: take the result first, then let the context finish. */
static int state_walk_unwind(lws_state_manager_t *mgr, int target, bool steps)
{
    struct lws_context *cx = mgr->context;
    int r;

    if (cx)
        lws__api_enter(cx);
    r = state_walk(mgr, target, steps);
    if (cx)
        lws__api_leave(cx);
    return r;
}

/* Both requests: checks, a deferral inside a walk (as steps up to
 * @target), else the walk.  @fn names the public entry point. */
static int state_request(lws_state_manager_t *mgr, int target, bool steps,
                         const char *fn)
{
    if (!mgr || target < 0) {
        lwsl_err("%s: bad args", fn);
        return -EINVAL;
    }
#if LWS_THREAD_CHECKS
    lws__loop_check(mgr->context, fn);
#endif
    if (mgr->busy) {
        if (!steps)
            lwsl_warn("%s: jump to %s requested inside a walk: deferred as "
                      "steps",
                      mgr->name ? mgr->name : "?", lws_state_name(mgr, target));
        if (target > mgr->redrive_target)
            mgr->redrive_target = target;
        return LWS_STATE_DEFERRED;
    }
    if (steps ? mgr->state >= target : mgr->state == target)
        return LWS_STATE_REACHED;
    return state_walk_unwind(mgr, target, steps);
}

int lws_state_transition_steps(lws_state_manager_t *mgr, int target)
{
    return state_request(mgr, target, true, __func__);
}

int lws_state_transition(lws_state_manager_t *mgr, int target)
{
    return state_request(mgr, target, false, __func__);
}

/* Destroy's unvetoable jump; notifiers hear it, inside a walk too. */
void lws__state_force(lws_state_manager_t *mgr, int target)
{
    if (mgr->state == target)
        return;
    if (mgr->busy) {
        /* Destroy started inside a walk: the notifiers still hear the
         * jump, in a pass of its own.  The walk's place in the list is
         * kept across it; the walk then stops (the context is going). */
        lws_dll2_t *walk_next = mgr->iter_next;

        state_done(mgr, target);
        mgr->iter_next = walk_next;
        return;
    }
    mgr->busy = 1;
    state_done(mgr, target);
    mgr->busy = 0;
}
