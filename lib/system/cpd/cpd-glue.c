/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal detection glue: lws's CPD API, the state notifier that
 * holds CPD_PRE_TIME / CPD_POST_TIME while a configured check runs, the
 * ladder policy applied to each result, and the driving of a check: the
 * sans-I/O core (cpd-core.c) decides when attempts start, time out and end;
 * one attempt of the built-in probe is cpd-probe.c.
 */
#define LWS_LOGMOD cpd
#include "private-cpd.h"
#include "private-cpd-race.h"
#include "private-cpd-tls.h"

#include <stdio.h>

/* ------------------------------------------------------------------------
 * Check driving
 */

static void cpd_core_cb(lws_sorted_usec_list_t *sul);

static void cpd_apply(struct lws__cpd *cpd, const struct lws__cpd_out *out)
{
    struct lws_context *cx = cpd->cx;
    lws_usec_t now = lws_now_usecs();

    if (out->abort_attempt && cpd->probe) {
        lws__cpd_reason(cpd, "no reply within the %s (%s)",
                        out->done ? "deadline" : "attempt timeout",
                        lws__cpd_probe_stage(cpd->probe));
        if (out->done)
            lws__cpd_probe_free(cpd->probe);
        else
            lws__cpd_probe_timed_out(cpd->probe);
    }
    if (out->done) {
        lws_sul_cancel(&cpd->sul_core);
        lws_sul_cancel(&cpd->sul_kick);
        lws_system_cpd_set(cx, out->result);
        return;
    }
    if (out->start_attempt)
        lws_sul_schedule(cx, 0, &cpd->sul_kick, lws__cpd_kick_cb, 0);
    if (out->wake_at)
        lws_sul_schedule(cx, 0, &cpd->sul_core, cpd_core_cb,
                         out->wake_at > now ? out->wake_at - now : 0);
}

static void cpd_core_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_core);
    struct lws__cpd_out out;

    if (cpd->op_running) {
        cpd->op_running = false;
        lws__cpd_reason(cpd, "no result within %u ms", cpd->cfg.deadline_ms);
        lws_system_cpd_set(cpd->cx, LWS_CPD_NO_INTERNET);
        return;
    }
    lws__cpd_core_timer(&cpd->core, lws_now_usecs(), &out);
    cpd_apply(cpd, &out);
}

/* Stops whatever check is running, without a result. */
static void cpd_stop(struct lws__cpd *cpd)
{
    lws__cpd_core_stop(&cpd->core);
    lws__cpd_probe_free(cpd->probe);
    lws__cpd_probe_free(cpd->straggler);
    cpd->late = LWS_CPD_UNKNOWN;
    cpd->op_running = false;
    lws_sul_cancel(&cpd->sul_core);
    lws_sul_cancel(&cpd->sul_kick);
}

static void cpd_defer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_defer);
    struct lws_context *cx = cpd->cx; /* valid until lws_service() unwinds */
    int ret = lws_system_cpd_start(cx);

    if (lws__cx_gone(cx))
        return; /* the op destroyed the context: @cpd is freed */
    if (ret && cpd->held != LWS__CPD_PH_NONE) {
        /* Nothing can run the check: report it rather than hang. */
        lws__cpd_reason(cpd, "cannot start the check (%s)",
                        ret < 0 ? strerror(-ret) : "the op refused");
        lws_system_cpd_set(cpd->cx, LWS_CPD_NO_INTERNET);
    }
}

/* The application's deferred start: its own timer, so it never moves the
 * start of a check the ladder is waiting for (or the other way round). */
static void cpd_app_defer_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd =
        lws_container_of(sul, struct lws__cpd, sul_app_defer);

    lws_system_cpd_start(cpd->cx);
}

static enum lws__cpd_phase cpd_pick(struct lws__cpd *cpd)
{
    lws_state_manager_t *mgr = lws_system_get_state_manager(cpd->cx);
    bool https = cpd->url_text[LWS__CPD_PH_POST] != NULL;

    if (https && (mgr->state >= LWS_SYSTATE_TIME_VALID ||
                  !cpd->url_text[LWS__CPD_PH_PRE]))
        return LWS__CPD_PH_POST;
    return cpd->url_text[LWS__CPD_PH_PRE] ? LWS__CPD_PH_PRE : LWS__CPD_PH_NONE;
}

static int cpd_start_probe(struct lws__cpd *cpd)
{
    enum lws__cpd_phase ph = cpd_pick(cpd);
    struct lws__cpd_out out;
    bool keep;

    if (ph == LWS__CPD_PH_NONE) {
        lwsl_err("cannot start: no captive_portal_detect_request op and no "
                 "probe URL configured");
        return -ENOENT;
    }
    if (ph == LWS__CPD_PH_POST && !lws__tls_time_valid(cpd->cx)) {
        lwsl_err("cannot probe %s yet: TLS is refused until the system state "
                 "reaches TIME_VALID",
                 cpd->url_text[ph]);
        return -EAGAIN;
    }
    /* Each check resolves afresh, but the ladder's HTTPS check right after
     * its HTTP check reached the same host (cpd-race.c). */
    keep = cpd->cur == LWS__CPD_PH_PRE && ph == LWS__CPD_PH_POST &&
           cpd->result == LWS_CPD_INTERNET_OK &&
           lws__cpd_race_same_host(cpd->url_text[LWS__CPD_PH_PRE],
                                   cpd->url_text[ph]);
    cpd_stop(cpd);
    cpd->result = LWS_CPD_UNKNOWN;
    cpd->reason[0] = '\0';
    cpd->cur = ph;
    cpd->rec->checks++; /* a probe URL: configured */
    if (!keep)
        cpd->rec->nknown = 0;
    lws__cpd_core_start(&cpd->core, lws_now_usecs(), &cpd->cfg, &out);
    lwsl_info("check started: %s (up to %d attempts, deadline %u ms)",
              cpd->url_text[ph], cpd->cfg.retries + 1, cpd->cfg.deadline_ms);
    cpd_apply(cpd, &out);
    return 0;
}

int lws_system_cpd_start(struct lws_context *cx)
{
    struct lws__cpd *cpd;
    int ret;

    if (!cx) {
        lwsl_err("lws_system_cpd_start: NULL context");
        return -EINVAL;
    }
    LWS__LOOP_ONLY(cx);
    cpd = LWS__HELPER(cx, CPD);
    if (!cpd || lws__cx_gone(cx))
        return -EINVAL;
    if (cx->options & LWS_SERVER_OPTION_CPD_BYPASS) {
        cpd_stop(cpd);
        cpd->result = LWS_CPD_UNKNOWN;
        snprintf(cpd->reason, sizeof(cpd->reason),
                 "bypassed (LWS_SERVER_OPTION_CPD_BYPASS)");
        lws_system_cpd_set(cx, LWS_CPD_INTERNET_OK);
        return 0;
    }
    if (!cx->ops.captive_portal_detect_request)
        return cpd_start_probe(cpd);
    cpd_stop(cpd);
    cpd->result = LWS_CPD_UNKNOWN;
    cpd->reason[0] = '\0';
    cpd->cur = LWS__CPD_PH_NONE;
    cpd->op_running = true;
    cpd->rec->checks++; /* an op: configured */
    lws_sul_schedule(cx, 0, &cpd->sul_core, cpd_core_cb,
                     (lws_usec_t)cpd->cfg.deadline_ms * LWS_US_PER_MS);
    /* The op may destroy the context: held open across the call, and
     * nothing of @cpd is touched once it did. */
    lws__api_enter(cx);
    ret = cx->ops.captive_portal_detect_request(cx);
    if (!lws__cx_gone(cx) && ret && cpd->op_running) {
        cpd->op_running = false;
        lws_sul_cancel(&cpd->sul_core);
    }
    lws__api_leave(cx); /* may free @cx */
    return ret;
}

void lws_system_cpd_start_defer(struct lws_context *cx, lws_usec_t defer_us)
{
    struct lws__cpd *cpd;

    if (!cx)
        return;
    LWS__LOOP_ONLY(cx);
    cpd = LWS__HELPER(cx, CPD);
    if (cpd && !lws__cx_gone(cx))
        lws_sul_schedule(cx, 0, &cpd->sul_app_defer, cpd_app_defer_cb,
                         defer_us < 0 ? 0 : defer_us);
}

/* ------------------------------------------------------------------------
 * Recovery after OPERATIONAL: the watch (cpd-core.c) says when to check
 * again; the state never moves backwards, a loss is only reported.
 */

static void cpd_watch_cb(lws_sorted_usec_list_t *sul);

static void cpd_watch_sched(struct lws__cpd *cpd)
{
    struct lws__cpd_rec *rec = cpd->rec;
    lws_usec_t now = lws_now_usecs(), due = rec->watch.due_at;

    if (!due) {
        lws_sul_cancel(&rec->sul_watch);
        return;
    }
    lws_sul_schedule(cpd->cx, 0, &rec->sul_watch, cpd_watch_cb,
                     due > now ? due - now : 0);
}

static void cpd_watch_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd_rec *rec =
        lws_container_of(sul, struct lws__cpd_rec, sul_watch);
    struct lws__cpd *cpd = rec->cpd;
    struct lws_context *cx = cpd->cx;
    lws_usec_t now = lws_now_usecs();
    int ret;

    if (!lws__cpd_watch_fire(&rec->watch, now)) {
        cpd_watch_sched(cpd);
        return;
    }
    if (cpd->core.running || cpd->op_running || cpd->held != LWS__CPD_PH_NONE)
        return; /* the running check's result decides what comes next */
    lwsl_info("re-check (last result %s)",
              rec->watch.have ? lws_cpd_result_name(rec->last_result) : "none");
    ret = lws_system_cpd_start(cx);
    if (lws__cx_gone(cx) || !ret)
        return; /* the op destroyed the context, or the check runs */
    /* Nothing could start it: try again later. */
    rec->watch.due_at = now + (lws_usec_t)lws__cpd_recheck_ms(
                                  &rec->watch, rec->watch.fails + 1) *
                                  LWS_US_PER_MS;
    cpd_watch_sched(cpd);
}

/* The result of a finished check, as the watch sees it. */
static void cpd_watch_result(struct lws__cpd *cpd)
{
    struct lws__cpd_watch_out wo;
    lws_usec_t now = lws_now_usecs();

    if (!cpd->rec)
        return; /* not configured: the application reports by itself */
    cpd->rec->last_result = cpd->result;
    lws__cpd_watch_result(&cpd->rec->watch, now, cpd->result, &wo);
    if (wo.lost) {
        lwsl_warn("internet lost after OPERATIONAL (%s): the state stays, "
                  "re-checking in %llu ms",
                  cpd->reason,
                  (unsigned long long)((cpd->rec->watch.due_at - now) /
                                       LWS_US_PER_MS));
        lws__smd_publish(cpd->cx, LWSSMDCL_NETWORK,
                         "{\"type\":\"cpd\",\"state\":\"lost\","
                         "\"result\":\"%s\"}",
                         lws_cpd_result_name(cpd->result));
    } else if (wo.back) {
        lwsl_notice("internet back after %llu ms",
                    (unsigned long long)wo.lost_ms);
        lws__smd_publish(cpd->cx, LWSSMDCL_NETWORK,
                         "{\"type\":\"cpd\",\"state\":\"back\","
                         "\"lost_ms\":%llu}",
                         (unsigned long long)wo.lost_ms);
    }
    cpd_watch_sched(cpd);
}

static void cpd_news(struct lws_context *cx, const struct lws__news *news,
                     void *opaque)
{
    struct lws__cpd *cpd = opaque;
    enum lws__cpd_change ch;
    uint32_t fp = 0;

    if (lws__cx_gone(cx))
        return; /* leases dropped during destroy: nothing to check */
    switch (news->kind) {
    case LWS__NEWS_LINK:
        ch = news->up ? LWS__CPD_CH_LINK_UP : LWS__CPD_CH_LINK_DOWN;
        break;
    case LWS__NEWS_CAPTIVE_URI:
        lws__cpd_portal_news(cpd, news);
        return;
    case LWS__NEWS_LEASE:
    case LWS__NEWS_DNS_SERVERS:
        ch =
            news->kind == LWS__NEWS_LEASE ? LWS__CPD_CH_LEASE : LWS__CPD_CH_DNS;
        fp = lws__cpd_fp(0, news->addrs, news->n * sizeof(news->addrs[0]));
        break;
    default:
        return;
    }
    if (lws__cpd_watch_change(&cpd->rec->watch, lws_now_usecs(), ch,
                              news->iface, fp)) {
        lwsl_info("%s: %s changed: re-check soon", news->iface,
                  ch == LWS__CPD_CH_LINK_UP ? "link"
                  : ch == LWS__CPD_CH_LEASE ? "lease"
                                            : "DNS servers");
        cpd_watch_sched(cpd);
    }
}

int lws_system_cpd_get_status(struct lws_context *cx, struct lws_cpd_status *st)
{
    struct lws__cpd *cpd;

    if (!st)
        return -EINVAL;
    memset(st, 0, sizeof(*st));
    if (!cx)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    cpd = LWS__HELPER(cx, CPD);
    if (!cpd || !cpd->rec)
        return -EINVAL;
    st->result = cpd->rec->last_result;
    st->checking = cpd->core.running || cpd->op_running;
    st->lost = cpd->rec->watch.lost;
    st->losses = cpd->rec->watch.losses;
    st->checks = cpd->rec->checks;
    if (cpd->rec->watch.lost)
        st->lost_since_us = cpd->rec->watch.lost_at;
    if (cpd->rec->watch.due_at)
        st->next_check_us = cpd->rec->watch.due_at;
    lws__cpd_portal_status(cpd, st);
    return 0;
}

/* Applies the ladder policy to a fresh result. */
static void cpd_release_or_hold(struct lws__cpd *cpd)
{
    lws_state_manager_t *mgr = lws_system_get_state_manager(cpd->cx);
    int step = cpd->held == LWS__CPD_PH_PRE ? LWS_SYSTATE_CPD_PRE_TIME
                                            : LWS_SYSTATE_CPD_POST_TIME;

    if (cpd->held == LWS__CPD_PH_NONE)
        return;
    if (lws__cpd_releases_step(cpd->result, cpd->flags)) {
        cpd->passed[cpd->held] = true;
        cpd->held = LWS__CPD_PH_NONE;
        return;
    }
    lwsl_notice("holding %s until the check says OK: next check in %u ms",
                lws_state_name(mgr, step), cpd->recheck_ms);
    lws_sul_schedule(cpd->cx, 0, &cpd->sul_defer, cpd_defer_cb,
                     (lws_usec_t)cpd->recheck_ms * LWS_US_PER_MS);
}

static void cpd_notify_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd *cpd = lws_container_of(sul, struct lws__cpd, sul_notify);

    cpd->result_cb(cpd->cx, cpd->notify_result,
                   cpd->notify_reason ? cpd->notify_reason : "",
                   cpd->result_user);
}

/* Hands a copy of the result to result_cb from the loop.  A result still
 * waiting is replaced: the callback hears the latest one. */
static void cpd_notify_result(struct lws__cpd *cpd)
{
    lws__smd_publish(cpd->cx, LWSSMDCL_NETWORK, /* lws's format */
                     "{\"type\":\"cpd\",\"result\":\"%s\"}",
                     lws_cpd_result_name(cpd->result));
    if (!cpd->result_cb)
        return;
    cpd->notify_result = cpd->result;
    if (!cpd->notify_reason)
        cpd->notify_reason = lws__malloc(sizeof(cpd->reason));
    if (cpd->notify_reason)
        memcpy(cpd->notify_reason, cpd->reason, sizeof(cpd->reason));
    else
        lwsl_err("out of memory: result_cb gets no reason");
    lws_sul_schedule(cpd->cx, 0, &cpd->sul_notify, cpd_notify_cb, 0);
}

void lws_system_cpd_set(struct lws_context *cx, lws_cpd_result_t result)
{
    struct lws__cpd *cpd;
    lws_state_manager_t *mgr;

    if (!cx)
        return;
    LWS__LOOP_ONLY(cx);
    cpd = LWS__HELPER(cx, CPD);
    if (!cpd || (unsigned int)result > LWS_CPD_NO_INTERNET)
        return;
    if (result == LWS_CPD_UNKNOWN) {
        lwsl_warn("lws_system_cpd_set: UNKNOWN is not a result, ignored");
        return;
    }
    if (cpd->result != LWS_CPD_UNKNOWN) {
        lwsl_info("result %s ignored: %s was already reported",
                  lws_cpd_result_name(result),
                  lws_cpd_result_name(cpd->result));
        return;
    }
    cpd_stop(cpd);
    cpd->result = result;
    lwsl_notice("result: %s%s%s", lws_cpd_result_name(result),
                cpd->reason[0] ? " - " : "", cpd->reason);
    cpd_notify_result(cpd);
    cpd_watch_result(cpd);
    cpd_release_or_hold(cpd);
    mgr = lws_system_get_state_manager(cx);
    if (!lws__cx_gone(cx) && mgr->state != LWS_SYSTATE_POLICY_INVALID)
        lws_state_transition_steps(mgr, cx->target_state);
}

lws_cpd_result_t lws_system_cpd_state_get(struct lws_context *cx)
{
    if (!cx || !LWS__HELPER(cx, CPD))
        return LWS_CPD_UNKNOWN;
    LWS__LOOP_ONLY(cx);
    return ((struct lws__cpd *)LWS__HELPER(cx, CPD))->result;
}

const char *lws_system_cpd_reason(struct lws_context *cx)
{
    if (!cx || !LWS__HELPER(cx, CPD))
        return "";
    LWS__LOOP_ONLY(cx);
    return ((struct lws__cpd *)LWS__HELPER(cx, CPD))->reason;
}

/* ------------------------------------------------------------------------
 * State notifier
 */

static bool cpd_phase_configured(struct lws__cpd *cpd, enum lws__cpd_phase ph)
{
    if (cpd->cx->ops.captive_portal_detect_request)
        return ph == LWS__CPD_PH_PRE;
    return cpd->url_text[ph] != NULL;
}

static int cpd_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
                      int current, int target)
{
    struct lws__cpd *cpd = lws_container_of(link, struct lws__cpd, nl);
    enum lws__cpd_phase ph =
        target == LWS_SYSTATE_CPD_PRE_TIME    ? LWS__CPD_PH_PRE
        : target == LWS_SYSTATE_CPD_POST_TIME ? LWS__CPD_PH_POST
                                              : LWS__CPD_PH_NONE;

    (void)mgr;
    if (target == LWS_SYSTATE_OPERATIONAL && current == target &&
        !lws__cx_gone(cpd->cx) && !cpd->rec->watch.armed) {
        lws__cpd_watch_arm(&cpd->rec->watch, lws_now_usecs());
        cpd_watch_sched(cpd);
        return 0;
    }
    if (current == target || ph == LWS__CPD_PH_NONE || lws__cx_gone(cpd->cx) ||
        !cpd_phase_configured(cpd, ph) || cpd->passed[ph])
        return 0;
    if (cpd->cx->options & LWS_SERVER_OPTION_CPD_BYPASS) {
        cpd->result = LWS_CPD_INTERNET_OK;
        snprintf(cpd->reason, sizeof(cpd->reason),
                 "bypassed (LWS_SERVER_OPTION_CPD_BYPASS)");
        cpd_notify_result(cpd);
        return 0;
    }
    if (cpd->held != ph) {
        cpd->held = ph;
        /* Start from the loop, never inside the state walk. */
        lws_sul_schedule(cpd->cx, 0, &cpd->sul_defer, cpd_defer_cb, 0);
    }
    return 1;
}

/* ------------------------------------------------------------------------
 * Protocol
 */

static int cpd_url_setup(struct lws__cpd *cpd, enum lws__cpd_phase ph,
                         const char *url, bool https)
{
    struct lws__http_url u; /* validated here, parsed again per probe */
    int ret;

    if (!url)
        return 0;
    ret = lws__http_url_parse(url, &u);
    if (ret || u.https != https) {
        lwsl_err("bad %s '%s': %s", https ? "https_url" : "http_url", url,
                 ret ? strerror(-ret)
                     : (https ? "must be https://" : "must be http://"));
        return -EINVAL;
    }
    cpd->url_text[ph] = lws__strdup(url);
    return cpd->url_text[ph] ? 0 : -ENOMEM;
}

static int cpd_setup(struct lws__cpd *cpd, const struct lws_cpd_info *ci)
{
    int ret;

    lws__cpd_core_cfg_from_info(&cpd->cfg, ci);
    cpd->expect.status = LWS__CPD_DEF_STATUS;
    cpd->recheck_ms = LWS__CPD_DEF_RECHECK_MS;
    if (!ci)
        return 0;
    cpd->flags = ci->flags;
    cpd->result_cb = ci->result_cb;
    cpd->result_user = ci->result_user;
    if (ci->recheck_ms)
        cpd->recheck_ms = ci->recheck_ms;
    if (ci->expect_status) {
        if (ci->expect_status < 100 || ci->expect_status > 999) {
            lwsl_err("bad expect_status %d", ci->expect_status);
            return -EINVAL;
        }
        cpd->expect.status = ci->expect_status;
    }
    if (ci->expect_body) {
        cpd->expect_body = lws__strdup(ci->expect_body);
        if (!cpd->expect_body)
            return -ENOMEM;
        cpd->expect.body = cpd->expect_body;
    }
    ret = 0;
    if (LWS_WITH_SYS_CPD_HTTP)
        ret = cpd_url_setup(cpd, LWS__CPD_PH_PRE, ci->http_url, false);
    else if (ci->http_url) {
        lwsl_err("http_url: the plain-HTTP probe is not built in "
                 "(LWS_WITH_SYS_CPD_HTTP); use https_url");
        ret = -ENOTSUP;
    }
    if (!ret)
        ret = cpd_url_setup(cpd, LWS__CPD_PH_POST, ci->https_url, true);
    if (!ret && ci->https_url)
        ret = lws__tls_conf_create(cpd->cx, ci->ca_bundle, &cpd->tls_conf);
    return ret;
}

static void cpd_destroy(struct lws_context *cx)
{
    struct lws__cpd *cpd = LWS__HELPER(cx, CPD);

    if (!cpd)
        return;
    cpd_stop(cpd);
    if (cpd->rec) {
        lws__news_unsubscribe(&cpd->rec->news);
        lws_sul_cancel(&cpd->rec->sul_watch);
        lws__free(cpd->rec->portal);
        lws__free(cpd->rec);
    }
    lws_sul_cancel(&cpd->sul_defer);
    lws_sul_cancel(&cpd->sul_app_defer);
    lws_sul_cancel(&cpd->sul_notify);
    if (cpd->nl_registered)
        lws_state_reg_deregister(&cpd->nl);
    lws__tls_conf_destroy(cpd->tls_conf);
    for (int i = 0; i < LWS__CPD_PH_COUNT; i++)
        lws__free(cpd->url_text[i]);
    lws__free(cpd->expect_body);
    lws__free(cpd->notify_reason);
    lws__free(cpd);
    LWS__HELPER(cx, CPD) = NULL;
}

static int cpd_init(struct lws_context *cx,
                    const struct lws_context_creation_info *info)
{
    struct lws__cpd *cpd = lws__calloc(1, sizeof(*cpd));

    if (!cpd) {
        lwsl_err("out of memory");
        return -1;
    }
    cpd->cx = cx;
    cpd->apply = cpd_apply;
    LWS__HELPER(cx, CPD) = cpd;
    if (cpd_setup(cpd, info ? info->cpd : NULL)) {
        cpd_destroy(cx);
        return -1;
    }
    if (cx->ops.captive_portal_detect_request &&
        cpd->url_text[LWS__CPD_PH_POST])
        lwsl_warn("https_url unused: the captive_portal_detect_request op "
                  "replaces the built-in probe");
    if (cx->ops.captive_portal_detect_request ||
        cpd->url_text[LWS__CPD_PH_PRE] || cpd->url_text[LWS__CPD_PH_POST]) {
        const struct lws_cpd_info *ci = info ? info->cpd : NULL;

        cpd->rec = lws__calloc(1, sizeof(*cpd->rec));
        if (!cpd->rec) {
            lwsl_err("out of memory");
            cpd_destroy(cx);
            return -1;
        }
        cpd->rec->cpd = cpd;
        cpd->rec->connect_ms = ci && ci->connect_timeout_ms
                                   ? ci->connect_timeout_ms
                                   : LWS__CPD_DEF_CONNECT_MS;
        cpd->rec->he_head_ms = ci && ci->he_head_start_ms
                                   ? ci->he_head_start_ms
                                   : LWS__CPD_DEF_HE_HEAD_MS;
        cpd->rec->he_step_ms = ci && ci->he_attempt_delay_ms
                                   ? ci->he_attempt_delay_ms
                                   : LWS__CPD_DEF_HE_STEP_MS;
        lws__cpd_watch_init(&cpd->rec->watch, cpd->recheck_ms);
        cpd->nl.name = "cpd";
        cpd->nl.notify_cb = cpd_notify;
        lws_state_reg_notifier(lws_system_get_state_manager(cx), &cpd->nl);
        cpd->nl_registered = true;
        cpd->rec->news.cb = cpd_news;
        cpd->rec->news.opaque = cpd;
        lws__news_subscribe(cx, &cpd->rec->news);
    }
    return 0;
}

static int cpd_callback(struct lws *wsi, enum lws_callback_reasons reason,
                        void *user, void *in, size_t len)
{
    (void)user, (void)len;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_INIT:
        return cpd_init(lws_get_context(wsi), in);
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        cpd_destroy(lws_get_context(wsi));
        return 0;
    case LWS_CALLBACK_RAW_WRITEABLE:
    case LWS_CALLBACK_RAW_RX:
    case LWS_CALLBACK_RAW_CLOSE:
        return lws__cpd_probe_event(wsi, reason);
    default:
        return 0;
    }
}

const struct lws_protocols lws__protocols_cpd[] = {
    {LWS__CPD_PROTOCOL, cpd_callback, 0, 0, 0, NULL, 0},
    LWS_PROTOCOL_LIST_TERM};
