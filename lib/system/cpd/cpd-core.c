/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The sans-I/O core of a captive-portal check: one check is a series of
 * probe attempts, each with its own timeout, retried with capped exponential
 * backoff while the failure may be transient, all within one deadline.  Also
 * the classification of a probe reply and the ladder policy.  Time comes in
 * as the monotonic clock in us (now) from the caller, so tests drive it with
 * a virtual clock.
 */
#define LWS_LOGMOD cpd
#include "private-cpd-pure.h"

#include <stdio.h>

void lws__cpd_core_cfg_from_info(struct lws__cpd_core_cfg *cfg,
                                 const struct lws_cpd_info *info)
{
    cfg->attempt_ms = LWS__CPD_DEF_ATTEMPT_MS;
    cfg->deadline_ms = LWS__CPD_DEF_DEADLINE_MS;
    cfg->retries = LWS__CPD_DEF_RETRIES;
    if (!info)
        return;
    if (info->attempt_timeout_ms)
        cfg->attempt_ms = info->attempt_timeout_ms;
    if (info->deadline_ms)
        cfg->deadline_ms = info->deadline_ms;
    if (info->retries)
        cfg->retries = info->retries < 0 ? 0 : info->retries;
}

uint32_t lws__cpd_backoff_ms(int attempts)
{
    uint32_t ms = LWS__CPD_BACKOFF_BASE_MS;

    for (int i = 1; i < attempts && ms < LWS__CPD_BACKOFF_CAP_MS; i++)
        ms *= 2;
    return ms < LWS__CPD_BACKOFF_CAP_MS ? ms : LWS__CPD_BACKOFF_CAP_MS;
}

static lws_usec_t cpd_min(lws_usec_t a, lws_usec_t b)
{
    return a < b ? a : b;
}

static lws_usec_t cpd_us(uint32_t ms)
{
    return (lws_usec_t)ms * LWS_US_PER_MS;
}

/* The first attempt has attempt_ms, the second twice that, the rest four
 * times: on a lossy link a handshake slowed by TCP retransmissions finishes
 * within a later attempt instead of being cut and started again. */
__attribute__((noinline)) static void
cpd_core_begin_attempt(struct lws__cpd_core *c, lws_usec_t now,
                       struct lws__cpd_out *out)
{
    lws_usec_t d = cpd_us(c->cfg.attempt_ms)
                   << (c->attempts < 2 ? c->attempts : 2);

    c->attempts++;
    c->attempt_active = true;
    c->attempt_end = cpd_min(now + d, c->deadline_at);
    out->start_attempt = true;
    out->wake_at = c->attempt_end;
}

static void cpd_core_finish(struct lws__cpd_core *c, lws_cpd_result_t result,
                            struct lws__cpd_out *out)
{
    c->running = false;
    c->attempt_active = false;
    out->done = true;
    out->result = result;
    out->wake_at = 0;
}

void lws__cpd_core_start(struct lws__cpd_core *c, lws_usec_t now,
                         const struct lws__cpd_core_cfg *cfg,
                         struct lws__cpd_out *out)
{
    memset(out, 0, sizeof(*out));
    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    c->running = true;
    c->last = LWS_CPD_NO_INTERNET;
    c->deadline_at = now + cpd_us(cfg->deadline_ms);
    cpd_core_begin_attempt(c, now, out);
}

__attribute__((noinline)) static void
cpd_core_ended(struct lws__cpd_core *c, lws_usec_t now, lws_cpd_result_t result,
               bool retryable, uint32_t jitter_ms, struct lws__cpd_out *out)
{
    lws_usec_t next;

    c->attempt_active = false;
    c->last = result;
    if (!retryable || c->attempts > c->cfg.retries) {
        cpd_core_finish(c, result, out);
        return;
    }
    next = now + cpd_us(lws__cpd_backoff_ms(c->attempts) + jitter_ms);
    if (next >= c->deadline_at) {
        /* No room for another attempt before the deadline. */
        cpd_core_finish(c, result, out);
        return;
    }
    c->next_attempt = next;
    out->wake_at = next;
}

void lws__cpd_core_attempt_done(struct lws__cpd_core *c, lws_usec_t now,
                                lws_cpd_result_t result, bool retryable,
                                uint32_t jitter_ms, struct lws__cpd_out *out)
{
    memset(out, 0, sizeof(*out));
    if (!c->running || !c->attempt_active)
        return; /* a late report from an aborted attempt */
    cpd_core_ended(c, now, result, retryable, jitter_ms, out);
}

void lws__cpd_core_timer(struct lws__cpd_core *c, lws_usec_t now,
                         struct lws__cpd_out *out)
{
    lws_usec_t due;

    memset(out, 0, sizeof(*out));
    if (!c->running)
        return;
    if (now >= c->deadline_at) {
        out->abort_attempt = c->attempt_active;
        cpd_core_finish(c, c->attempt_active ? LWS_CPD_NO_INTERNET : c->last,
                        out);
        return;
    }
    due = c->attempt_active ? c->attempt_end : c->next_attempt;
    if (now < due) {
        out->wake_at = due;
        return;
    }
    if (!c->attempt_active) {
        cpd_core_begin_attempt(c, now, out);
        return;
    }
    /* The attempt timed out: a transport failure, worth a retry. */
    out->abort_attempt = true;
    cpd_core_ended(c, now, LWS_CPD_NO_INTERNET, true, 0, out);
}

void lws__cpd_core_stop(struct lws__cpd_core *c)
{
    c->running = false;
    c->attempt_active = false;
}

lws_cpd_result_t lws__cpd_classify(const struct lws__cpd_expect *e,
                                   const struct lws__http_resp *r,
                                   const uint8_t *buf, const uint8_t *body,
                                   size_t body_len, bool *retryable,
                                   char *reason, size_t reason_len)
{
    int loc_len = r->location_len > 200 ? 200 : (int)r->location_len;

    *retryable = false;
    if (r->status == e->status) {
        if (!e->body || (body && body_len == strlen(e->body) &&
                         !memcmp(body, e->body, body_len))) {
            snprintf(reason, reason_len, "%d as expected", r->status);
            return LWS_CPD_INTERNET_OK;
        }
        snprintf(reason, reason_len, "%d with unexpected content (%zu bytes)",
                 r->status, body_len);
        return LWS_CPD_CAPTIVE_PORTAL;
    }
    if (r->status >= 300 && r->status < 400) {
        /* without a Location, ofs 0 and length 0: nothing printed */
        snprintf(reason, reason_len, "%d redirect to %.*s", r->status, loc_len,
                 (const char *)buf + r->location_ofs);
        return LWS_CPD_CAPTIVE_PORTAL;
    }
    if (r->status == 511) {
        /* RFC 6585 §6: the network wants the user to log in. */
        snprintf(reason, reason_len, "511 network authentication required");
        return LWS_CPD_CAPTIVE_PORTAL;
    }
    *retryable = r->status >= 500;
    snprintf(reason, reason_len, "unexpected status %d (expected %d)",
             r->status, e->status);
    return LWS_CPD_CAPTIVE_PORTAL;
}

/* ------------------------------------------------------------------------
 * Recovery after OPERATIONAL
 */

uint32_t lws__cpd_fp(uint32_t h, const void *p, size_t len)
{
    const uint8_t *b = p;

    if (!h)
        h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 16777619u;
    return h ? h : 1;
}

void lws__cpd_watch_init(struct lws__cpd_watch *w, uint32_t recheck_max_ms)
{
    memset(w, 0, sizeof(*w));
    w->recheck_max_ms = recheck_max_ms < LWS__CPD_RECHECK_MIN_MS
                            ? LWS__CPD_RECHECK_MIN_MS
                            : recheck_max_ms;
}

uint32_t lws__cpd_recheck_ms(const struct lws__cpd_watch *w, int fails)
{
    uint32_t ms = LWS__CPD_RECHECK_MIN_MS;

    for (int i = 1; i < fails && ms < w->recheck_max_ms; i++)
        ms *= 2;
    return ms < w->recheck_max_ms ? ms : w->recheck_max_ms;
}

__attribute__((noinline)) static void cpd_watch_due(struct lws__cpd_watch *w,
                                                    lws_usec_t at)
{
    if (!w->due_at || at < w->due_at)
        w->due_at = at;
}

lws_usec_t lws__cpd_watch_arm(struct lws__cpd_watch *w, lws_usec_t now)
{
    if (w->armed)
        return w->due_at;
    w->armed = true;
    if (w->have && !w->ok) {
        w->fails = 1;
        cpd_watch_due(w, now + cpd_us(lws__cpd_recheck_ms(w, 1)));
    }
    return w->due_at;
}

static struct lws__cpd_watch_if *cpd_watch_if(struct lws__cpd_watch *w,
                                              uint32_t name)
{
    struct lws__cpd_watch_if *free_slot = NULL;

    for (int i = 0; i < LWS__CPD_WATCH_IFACES; i++) {
        if (w->ifs[i].name == name)
            return &w->ifs[i];
        if (!w->ifs[i].name && !free_slot)
            free_slot = &w->ifs[i];
    }
    if (!free_slot) /* more interfaces than slots: reuse the last */
        free_slot = &w->ifs[LWS__CPD_WATCH_IFACES - 1];
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->name = name;
    return free_slot;
}

lws_usec_t lws__cpd_watch_change(struct lws__cpd_watch *w, lws_usec_t now,
                                 enum lws__cpd_change ch, const char *ifname,
                                 uint32_t fp)
{
    struct lws__cpd_watch_if *f = cpd_watch_if(
        w, lws__cpd_fp(0, ifname ? ifname : "", ifname ? strlen(ifname) : 0));
    bool changed = false;

    switch (ch) {
    case LWS__CPD_CH_LINK_DOWN:
        f->lease = f->dns = 0;
        return 0;
    case LWS__CPD_CH_LINK_UP:
        changed = true;
        break;
    case LWS__CPD_CH_LEASE:
        changed = f->lease != fp;
        f->lease = fp;
        break;
    case LWS__CPD_CH_DNS:
        changed = f->dns != fp;
        f->dns = fp;
        break;
    }
    if (!changed || !w->armed)
        return 0;
    cpd_watch_due(w, now + cpd_us(LWS__CPD_SETTLE_MS));
    return w->due_at;
}

void lws__cpd_watch_result(struct lws__cpd_watch *w, lws_usec_t now,
                           lws_cpd_result_t result,
                           struct lws__cpd_watch_out *out)
{
    bool ok = result == LWS_CPD_INTERNET_OK;

    memset(out, 0, sizeof(*out));
    if (result == LWS_CPD_UNKNOWN)
        return;
    if (w->armed && ok && w->lost) {
        out->back = true;
        out->lost_ms = (uint64_t)((now - w->lost_at) / LWS_US_PER_MS);
        w->lost = false;
    }
    if (w->armed && !ok && w->have && w->ok) {
        out->lost = true;
        w->lost = true;
        w->lost_at = now;
        w->losses++;
    }
    w->have = true;
    w->ok = ok;
    if (ok) {
        /* A change seen while this check ran still re-checks. */
        w->fails = 0;
        return;
    }
    w->fails++;
    if (w->armed)
        cpd_watch_due(w, now + cpd_us(lws__cpd_recheck_ms(w, w->fails)));
}

bool lws__cpd_watch_fire(struct lws__cpd_watch *w, lws_usec_t now)
{
    if (!w->due_at || now < w->due_at)
        return false;
    w->due_at = 0;
    return true;
}

bool lws__cpd_releases_step(lws_cpd_result_t result, unsigned int flags)
{
    if (result == LWS_CPD_UNKNOWN)
        return false;
    return result == LWS_CPD_INTERNET_OK || !(flags & LWS_CPD_F_HOLD_UNTIL_OK);
}

static const char *const cpd_result_names[] = {"Unknown", "OK", "Captive",
                                               "No internet"};

const char *lws_cpd_result_name(lws_cpd_result_t result)
{
    if ((unsigned int)result >=
        sizeof(cpd_result_names) / sizeof(cpd_result_names[0]))
        return "?";
    return cpd_result_names[result];
}
