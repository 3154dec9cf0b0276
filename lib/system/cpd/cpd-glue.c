/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal detection glue: lws's CPD API, the state notifier that
 * holds CPD_PRE_TIME / CPD_POST_TIME while a configured check runs, the
 * ladder policy applied to each result, and the driving of a check: the
 * sans-I/O core (cpd-core.c) decides when attempts start, time out and end;
 * one attempt of the built-in probe is cpd-probe.c; the captive-portal URI
 * the network names (RFC 8910).
 */
#define LWS_LOGMOD cpd
#include "private-cpd.h"
#include "private-cpd-tls.h"

#include <stdio.h>
#include <strings.h>

/* ------------------------------------------------------------------------
 * Check driving
 */

/* The state a phase holds: CPD_PRE_TIME for PRE, CPD_POST_TIME for POST. */
#define CPD_STEP(ph) (LWS_SYSTATE_CPD_PRE_TIME - 2 + 2 * (int)(ph))
_Static_assert(CPD_STEP(LWS__CPD_PH_POST) == LWS_SYSTATE_CPD_POST_TIME,
               "CPD steps two states apart");

static void cpd_core_cb(lws_sorted_usec_list_t *sul);

/* The CPD of @cx for a public entry point (loop-only), or NULL.  One name
 * for the whole API: the check's log line says which part of the library
 * was called off the loop thread. */
static struct lws__cpd *cpd_of(struct lws_context *cx)
{
    return lws__helper_api(cx, LWS__HELPER_CPD, "lws_system_cpd_*");
}
#define CPD_OF(cx) cpd_of(cx)

/* Schedules @sul at the monotonic time @at (us; past: now). */
__attribute__((noinline)) static void cpd_at(struct lws__cpd *cpd,
                                             lws_sorted_usec_list_t *sul,
                                             sul_cb_t cb, lws_usec_t at)
{
    lws_usec_t now = lws_now_usecs();

    lws_sul_schedule(cpd->cx, 0, sul, cb, at > now ? at - now : 0);
}

/* Schedules @sul @ms from now. */
__attribute__((noinline)) static void cpd_in(struct lws__cpd *cpd,
                                             lws_sorted_usec_list_t *sul,
                                             sul_cb_t cb, uint32_t ms)
{
    lws_sul_schedule(cpd->cx, 0, sul, cb, (lws_usec_t)ms * LWS_US_PER_MS);
}

static void cpd_apply(struct lws__cpd *cpd, const struct lws__cpd_out *out)
{
    struct lws_context *cx = cpd->cx;

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
        /* its cpd_stop() cancels the timers (a stale one finds the core
         * stopped) */
        lws_system_cpd_set(cx, out->result);
        return;
    }
    if (out->start_attempt)
        cpd_in(cpd, &cpd->sul_kick, lws__cpd_kick_cb, 0);
    if (out->wake_at)
        cpd_at(cpd, &cpd->sul_core, cpd_core_cb, out->wake_at);
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

/* A new check on @ph (NONE: the op) begins: the last one's result and
 * reason go. */
static void cpd_reset(struct lws__cpd *cpd, enum lws__cpd_phase ph)
{
    cpd_stop(cpd);
    cpd->result = LWS_CPD_UNKNOWN;
    cpd->reason[0] = '\0';
    cpd->cur = ph;
}

/* LWS_SERVER_OPTION_CPD_BYPASS: OK without a check. */
__attribute__((noinline)) static void cpd_bypass(struct lws__cpd *cpd)
{
    cpd_reset(cpd, LWS__CPD_PH_NONE);
    strcpy(cpd->reason, "bypassed (CPD_BYPASS)");
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

/* A configured check begins (rec is there). */
static void cpd_begin(struct lws__cpd *cpd, enum lws__cpd_phase ph)
{
    cpd_reset(cpd, ph);
    cpd->rec->checks++;
}

/* Whether two probe URLs name the same host (case-insensitive): the
 * ladder's HTTPS check races the addresses its HTTP check just reached
 * instead of asking DNS again over a lossy link. */
static bool cpd_same_host(const char *url_a, const char *url_b)
{
    struct lws__http_url a, b;

    return !lws__http_url_parse(url_a, &a) && !lws__http_url_parse(url_b, &b) &&
           !strcasecmp(a.host, b.host);
}

static int cpd_start_probe(struct lws__cpd *cpd)
{
    bool tv = lws__tls_time_valid(cpd->cx);
    char *const *url = cpd->url_text;
    /* HTTPS once the clock is valid, or when it is the only URL */
    enum lws__cpd_phase ph =
        url[LWS__CPD_PH_POST] && (tv || !url[LWS__CPD_PH_PRE])
            ? LWS__CPD_PH_POST
        : url[LWS__CPD_PH_PRE] ? LWS__CPD_PH_PRE
                               : LWS__CPD_PH_NONE;
    struct lws__cpd_out out;
    bool keep;

    if (ph == LWS__CPD_PH_NONE) {
        lwsl_err("no op and no probe URL");
        return -ENOENT;
    }
    if (ph == LWS__CPD_PH_POST && !tv) {
        lwsl_err("cannot probe %s before TIME_VALID", url[ph]);
        return -EAGAIN;
    }
    /* Each check resolves afresh, but the ladder's HTTPS check right after
     * its HTTP check reached the same host (cpd_same_host()). */
    keep = cpd->cur == LWS__CPD_PH_PRE && ph == LWS__CPD_PH_POST &&
           cpd->result == LWS_CPD_INTERNET_OK &&
           cpd_same_host(url[LWS__CPD_PH_PRE], url[ph]);
    cpd_begin(cpd, ph);
    if (!keep)
        cpd->rec->nknown = 0;
    lws__cpd_core_start(&cpd->core, lws_now_usecs(), &cpd->cfg, &out);
    lwsl_info("checking %s (%d attempts, %u ms)", url[ph], cpd->cfg.retries + 1,
              cpd->cfg.deadline_ms);
    cpd_apply(cpd, &out);
    return 0;
}

int lws_system_cpd_start(struct lws_context *cx)
{
    struct lws__cpd *cpd;
    int ret;

    if (!cx)
        lwsl_err("NULL context");
    cpd = CPD_OF(cx);
    if (!cpd || lws__cx_gone(cx))
        return -EINVAL;
    if (cx->options & LWS_SERVER_OPTION_CPD_BYPASS) {
        cpd_bypass(cpd);
        lws_system_cpd_set(cx, LWS_CPD_INTERNET_OK);
        return 0;
    }
    if (!cx->ops.captive_portal_detect_request)
        return cpd_start_probe(cpd);
    cpd_begin(cpd, LWS__CPD_PH_NONE);
    cpd->op_running = true;
    cpd_in(cpd, &cpd->sul_core, cpd_core_cb, cpd->cfg.deadline_ms);
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
    struct lws__cpd *cpd = CPD_OF(cx);

    if (cpd && !lws__cx_gone(cx))
        lws_sul_schedule(cx, 0, &cpd->sul_app_defer, cpd_app_defer_cb,
                         defer_us < 0 ? 0 : defer_us);
}

/* The NETWORK message {"type":"cpd",<@state>"result":"<result>"}. */
__attribute__((noinline)) static void cpd_smd_result(struct lws__cpd *cpd,
                                                     const char *state)
{
    lws__smd_publish(cpd->cx, LWSSMDCL_NETWORK,
                     "{\"type\":\"cpd\",%s\"result\":\"%s\"}", state,
                     lws_cpd_result_name(cpd->result));
}

/* ------------------------------------------------------------------------
 * Recovery after OPERATIONAL: the watch (cpd-core.c) says when to check
 * again; the state never moves backwards, a loss is only reported.
 */

static void cpd_watch_cb(lws_sorted_usec_list_t *sul);

static void cpd_watch_sched(struct lws__cpd *cpd)
{
    struct lws__cpd_rec *rec = cpd->rec;

    if (rec->watch.due_at)
        cpd_at(cpd, &rec->sul_watch, cpd_watch_cb, rec->watch.due_at);
    else
        lws_sul_cancel(&rec->sul_watch);
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
              lws_cpd_result_name(rec->last_result));
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
        lwsl_warn("internet lost (%s)", cpd->reason);
        cpd_smd_result(cpd, "\"state\":\"lost\",");
    } else if (wo.back) {
        /* logged as the message: the internet back after lost_ms */
        lws__smd_tell(cpd->cx,
                      "{\"type\":\"cpd\",\"state\":\"back\",\"lost_ms\":%llu}",
                      (unsigned long long)wo.lost_ms);
    }
    cpd_watch_sched(cpd);
}

/* ------------------------------------------------------------------------
 * Captive-portal URIs from the network (RFC 8910): the URI the news carries
 * (DHCPv4 option 114, DHCPv6 option 103, RA option 37, whoever published
 * it) kept and reported, a new one turned into a CAPTIVE_PORTAL result
 * until a check says otherwise (with LWS_WITH_SYS_CPD_CAPPORT_API the
 * probe fetches the RFC 8908 API there: cpd-capport-fetch.c).
 */

/* A new URI makes the result CAPTIVE_PORTAL, reported as a check's is
 * (log, smd, result_cb, the watch), unless a check runs or holds a step:
 * that check decides.  Nothing is held for it, so the ladder cannot stall
 * on it; the re-check is the ladder's next CPD step or, after OPERATIONAL,
 * the watch's (a non-OK result re-checks in 2 s).  From the loop: never
 * inside the frame that published the news. */
static void cpd_portal_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd_portal *pt =
        lws_container_of(sul, struct lws__cpd_portal, sul);
    struct lws__cpd *cpd = pt->cpd;

    if (!pt->uri[0] || cpd->core.running || cpd->op_running ||
        cpd->held != LWS__CPD_PH_NONE ||
        (cpd->cx->options & LWS_SERVER_OPTION_CPD_BYPASS))
        return;
    snprintf(cpd->reason, sizeof(cpd->reason),
             "%s: the network's captive portal", pt->uri);
    cpd->result = LWS_CPD_UNKNOWN;
    /* reported as a check's result is */
    lws_system_cpd_set(cpd->cx, LWS_CPD_CAPTIVE_PORTAL);
}

static void cpd_portal_free(struct lws__cpd *cpd)
{
    if (cpd->rec->portal)
        lws_sul_cancel(&cpd->rec->portal->sul);
    lws__free(cpd->rec->portal);
}

static void cpd_portal_news(struct lws__cpd *cpd, const struct lws__news *n)
{
    struct lws__cpd_portal *pt = cpd->rec->portal;
    const char *uri = n->uri ? n->uri : "";

    /* RFC 8910 section 2: this URN says there is no captive portal */
    if (!strcmp(uri, "urn:ietf:params:capport:unrestricted"))
        uri = "";
    if (!uri[0]) { /* this interface's network names none (any more) */
        if (pt && pt->uri[0] && !strcmp(pt->iface, n->iface)) {
            lwsl_notice("%s: captive-portal URI gone", n->iface);
            pt->uri[0] = '\0';
        }
        return;
    }
    if (strlen(uri) >= sizeof(pt->uri)) {
        lwsl_warn("%s: portal URI too long", n->iface);
        return;
    }
    if (pt && !strcmp(pt->uri, uri))
        return; /* the same again (a renewal) */
    if (!pt) {
        pt = lws__calloc(1, sizeof(*pt));
        if (!pt) {
            lwsl_err("out of memory");
            return;
        }
        cpd->rec->portal = pt;
    }
    lws_sul_cancel(&pt->sul);
    memset(pt, 0, sizeof(*pt));
    pt->cpd = cpd;
    cpd_in(cpd, &pt->sul, cpd_portal_cb, 0);
    strcpy(pt->uri, uri); /* its length was checked above */
    snprintf(pt->iface, sizeof(pt->iface), "%s", n->iface);
    /* logged as the message; the news' URIs carry no character that needs
     * escaping in JSON */
    lws__smd_tell(cpd->cx, "{\"type\":\"cpd\",\"portal\":\"%s\",\"if\":\"%s\"}",
                  uri, n->iface);
}

static void cpd_portal_status(const struct lws__cpd *cpd,
                              struct lws_cpd_status *st)
{
    const struct lws__cpd_portal *pt = cpd->rec->portal;

    st->seconds_remaining = -1;
    if (!pt || !pt->uri[0])
        return;
    /* the same sizes: copied whole */
    _Static_assert(sizeof(st->portal_uri) == sizeof(pt->uri) &&
                       sizeof(st->portal_if) == sizeof(pt->iface),
                   "portal sizes");
    strcpy(st->portal_uri, pt->uri);
    strcpy(st->portal_if, pt->iface);
#if LWS_WITH_SYS_CPD_CAPPORT_API
    lws__cpd_capport_status(pt, st);
#endif
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
        cpd_portal_news(cpd, news);
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
        static const char *const what[] = {
            [LWS__CPD_CH_LINK_UP] = "link",
            [LWS__CPD_CH_LEASE] = "lease",
            [LWS__CPD_CH_DNS] = "DNS servers"}; /* LINK_DOWN re-checks not */

        lwsl_info("%s: %s changed: re-check soon", news->iface, what[ch]);
        cpd_watch_sched(cpd);
    }
}

int lws_system_cpd_get_status(struct lws_context *cx, struct lws_cpd_status *st)
{
    struct lws__cpd *cpd;

    if (!st)
        return -EINVAL;
    memset(st, 0, sizeof(*st));
    cpd = CPD_OF(cx);
    if (!cpd || !cpd->rec)
        return -EINVAL;
    st->result = cpd->rec->last_result;
    st->checking = cpd->core.running || cpd->op_running;
    st->lost = cpd->rec->watch.lost;
    st->losses = cpd->rec->watch.losses;
    st->checks = cpd->rec->checks;
    if (cpd->rec->watch.lost)
        st->lost_since_us = cpd->rec->watch.lost_at;
    st->next_check_us = cpd->rec->watch.due_at; /* 0: none */
    cpd_portal_status(cpd, st);
    return 0;
}

/* Applies the ladder policy to a fresh result. */
static void cpd_release_or_hold(struct lws__cpd *cpd, lws_state_manager_t *mgr)
{
    int step = CPD_STEP(cpd->held);

    if (cpd->held == LWS__CPD_PH_NONE)
        return;
    if (lws__cpd_releases_step(cpd->result, cpd->flags)) {
        cpd->passed[cpd->held] = true;
        cpd->held = LWS__CPD_PH_NONE;
        return;
    }
    lwsl_notice("holding %s until OK: re-check in %u ms",
                lws_state_name(mgr, step), cpd->recheck_ms);
    cpd_in(cpd, &cpd->sul_defer, cpd_defer_cb, cpd->recheck_ms);
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
    cpd_smd_result(cpd, ""); /* lws's format */
    if (!cpd->result_cb)
        return;
    cpd->notify_result = cpd->result;
    if (!cpd->notify_reason)
        cpd->notify_reason = lws__malloc(sizeof(cpd->reason));
    if (cpd->notify_reason)
        memcpy(cpd->notify_reason, cpd->reason, sizeof(cpd->reason));
    else
        lwsl_err("out of memory");
    cpd_in(cpd, &cpd->sul_notify, cpd_notify_cb, 0);
}

void lws_system_cpd_set(struct lws_context *cx, lws_cpd_result_t result)
{
    struct lws__cpd *cpd = CPD_OF(cx);
    lws_state_manager_t *mgr;

    if (!cpd)
        return;
    if ((unsigned int)result - 1u >= LWS_CPD_NO_INTERNET) { /* or UNKNOWN */
        lwsl_warn("%d is no result: ignored", (int)result);
        return;
    }
    if (cpd->result != LWS_CPD_UNKNOWN) {
        lwsl_info("%s ignored: %s came first", lws_cpd_result_name(result),
                  lws_cpd_result_name(cpd->result));
        return;
    }
    cpd_stop(cpd);
    cpd->result = result;
    lwsl_notice("result: %s%s%s", lws_cpd_result_name(result),
                cpd->reason[0] ? " - " : "", cpd->reason);
    cpd_notify_result(cpd);
    cpd_watch_result(cpd);
    mgr = &cx->mgr_system;
    cpd_release_or_hold(cpd, mgr);
    if (!lws__cx_gone(cx) && mgr->state != LWS_SYSTATE_POLICY_INVALID)
        lws_state_transition_steps(mgr, cx->target_state);
}

lws_cpd_result_t lws_system_cpd_state_get(struct lws_context *cx)
{
    struct lws__cpd *cpd = CPD_OF(cx);

    return cpd ? cpd->result : LWS_CPD_UNKNOWN;
}

const char *lws_system_cpd_reason(struct lws_context *cx)
{
    struct lws__cpd *cpd = CPD_OF(cx);

    return cpd ? cpd->reason : "";
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
        target == CPD_STEP(LWS__CPD_PH_PRE) ||
                target == CPD_STEP(LWS__CPD_PH_POST)
            ? (enum lws__cpd_phase)((target - CPD_STEP(0)) / 2)
            : LWS__CPD_PH_NONE;

    (void)mgr;
    if (lws__cx_gone(cpd->cx))
        return 0;
    if (current == target) {
        if (target == LWS_SYSTATE_OPERATIONAL && !cpd->rec->watch.armed) {
            lws__cpd_watch_arm(&cpd->rec->watch, lws_now_usecs());
            cpd_watch_sched(cpd);
        }
        return 0;
    }
    if (ph == LWS__CPD_PH_NONE || !cpd_phase_configured(cpd, ph) ||
        cpd->passed[ph])
        return 0;
    if (cpd->cx->options & LWS_SERVER_OPTION_CPD_BYPASS) {
        cpd_bypass(cpd);
        cpd->result = LWS_CPD_INTERNET_OK;
        cpd_notify_result(cpd);
        return 0;
    }
    if (cpd->held != ph) {
        cpd->held = ph;
        /* Start from the loop, never inside the state walk. */
        cpd_in(cpd, &cpd->sul_defer, cpd_defer_cb, 0);
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

    if (!url)
        return 0;
    if (lws__http_url_parse(url, &u) || u.https != https) {
        lwsl_err("bad http%s_url '%s'", https ? "s" : "", url);
        return -EINVAL;
    }
    cpd->url_text[ph] = lws__strdup(url);
    return cpd->url_text[ph] ? 0 : -ENOMEM;
}

/* A configured time, or its default. */
static uint32_t cpd_ms(unsigned int ms, uint32_t def)
{
    return ms ? ms : def;
}

static int cpd_setup(struct lws__cpd *cpd, const struct lws_cpd_info *ci)
{
    int ret;

    lws__cpd_core_cfg_from_info(&cpd->cfg, ci);
    cpd->flags = ci->flags;
    cpd->result_cb = ci->result_cb;
    cpd->result_user = ci->result_user;
    cpd->recheck_ms = cpd_ms(ci->recheck_ms, LWS__CPD_DEF_RECHECK_MS);
    cpd->expect.status =
        ci->expect_status ? ci->expect_status : LWS__CPD_DEF_STATUS;
    if (cpd->expect.status < 100 || cpd->expect.status > 999) {
        lwsl_err("bad expect_status %d", ci->expect_status);
        return -EINVAL;
    }
    if (ci->expect_body && !(cpd->expect.body = lws__strdup(ci->expect_body)))
        return -ENOMEM;
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
    if (cpd->rec) { /* registered with it */
        lws_state_reg_deregister(&cpd->nl);
        lws__news_unsubscribe(&cpd->rec->news);
        lws_sul_cancel(&cpd->rec->sul_watch);
        cpd_portal_free(cpd);
        lws__free(cpd->rec);
    }
    lws_sul_cancel(&cpd->sul_defer);
    lws_sul_cancel(&cpd->sul_app_defer);
    lws_sul_cancel(&cpd->sul_notify);
    lws__tls_conf_destroy(cpd->tls_conf);
    for (int i = 0; i < LWS__CPD_PH_COUNT; i++)
        lws__free(cpd->url_text[i]);
    lws__free((char *)cpd->expect.body); /* our copy */
    lws__free(cpd->notify_reason);
    lws__free(cpd);
    LWS__HELPER(cx, CPD) = NULL;
}

static int cpd_init(struct lws_context *cx,
                    const struct lws_context_creation_info *info)
{
    struct lws__cpd *cpd = lws__calloc(1, sizeof(*cpd));
    const struct lws_cpd_info none = {0},
                              *ci = info && info->cpd ? info->cpd : &none;
    struct lws__cpd_rec *rec;

    if (!cpd)
        goto oom;
    cpd->cx = cx;
    cpd->apply = cpd_apply;
    LWS__HELPER(cx, CPD) = cpd;
    if (cpd_setup(cpd, ci))
        goto bail;
    if (cx->ops.captive_portal_detect_request &&
        cpd->url_text[LWS__CPD_PH_POST])
        lwsl_warn("op set: https_url unused");
    if (!cx->ops.captive_portal_detect_request &&
        !cpd->url_text[LWS__CPD_PH_PRE] && !cpd->url_text[LWS__CPD_PH_POST])
        return 0;
    rec = cpd->rec = lws__calloc(1, sizeof(*cpd->rec));
    if (!rec)
        goto oom;
    rec->cpd = cpd;
    rec->connect_ms = cpd_ms(ci->connect_timeout_ms, LWS__CPD_DEF_CONNECT_MS);
    rec->he_head_ms = cpd_ms(ci->he_head_start_ms, LWS__CPD_DEF_HE_HEAD_MS);
    rec->he_step_ms = cpd_ms(ci->he_attempt_delay_ms, LWS__CPD_DEF_HE_STEP_MS);
    lws__cpd_watch_init(&rec->watch, cpd->recheck_ms);
    cpd->nl.name = "cpd";
    cpd->nl.notify_cb = cpd_notify;
    lws_state_reg_notifier(&cx->mgr_system, &cpd->nl);
    rec->news.cb = cpd_news;
    rec->news.opaque = cpd;
    lws__news_subscribe(cx, &rec->news);
    return 0;

oom:
    lwsl_err("out of memory");
bail:
    cpd_destroy(cx);
    return -1;
}

static int cpd_callback(struct lws *wsi, enum lws_callback_reasons reason,
                        void *user, void *in, size_t len)
{
    (void)user, (void)len;
    switch (reason) {
    case LWS_CALLBACK_PROTOCOL_INIT:
        return cpd_init(wsi->vhost->context, in);
    case LWS_CALLBACK_PROTOCOL_DESTROY:
        cpd_destroy(wsi->vhost->context);
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
