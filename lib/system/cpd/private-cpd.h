/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal detection internals: the sans-I/O check core (attempts,
 * retries with backoff, per-attempt timeout, overall deadline) driven by a
 * virtual clock, the classification of a probe reply, and the ladder policy.
 * The glue in cpd.c owns the sockets, timers and TLS.
 */
#ifndef LWS_PRIVATE_CPD_H
#define LWS_PRIVATE_CPD_H

#include "private-core.h"
#include "private-http-client.h"

#if !LWS_WITH_SYS_ASYNC_DNS
/* CPD resolves its probe hosts through the async resolver. */
#error "LWS_WITH_SYS_CPD needs LWS_WITH_SYS_ASYNC_DNS"
#endif

#define LWS__CPD_DEF_STATUS      204
#define LWS__CPD_DEF_RETRIES     4
#define LWS__CPD_DEF_ATTEMPT_MS  2000u
#define LWS__CPD_DEF_DEADLINE_MS 10000u
#define LWS__CPD_DEF_RECHECK_MS  30000u
/* Retry backoff: base << (attempt - 1), capped; plus up to 25% jitter. */
#define LWS__CPD_BACKOFF_BASE_MS 250u
#define LWS__CPD_BACKOFF_CAP_MS  1000u

/* The check core's configuration (milliseconds). */
struct lws__cpd_core_cfg {
    uint32_t attempt_ms;
    uint32_t deadline_ms;
    int retries; /* further attempts after the first; >= 0 */
};

/* What the glue must do after a core call. */
struct lws__cpd_out {
    bool start_attempt; /* open a new probe attempt now */
    bool abort_attempt; /* close the running attempt (before any start) */
    bool done;          /* the check ended with @result */
    lws_cpd_result_t result;
    uint64_t wake_at_ms; /* call lws__cpd_core_timer() then; 0 = never */
};

struct lws__cpd_core {
    struct lws__cpd_core_cfg cfg;
    uint64_t deadline_at;  /* whole check */
    uint64_t attempt_end;  /* running attempt times out */
    uint64_t next_attempt; /* next attempt due (between attempts) */
    lws_cpd_result_t last; /* last attempt's classification */
    int attempts;          /* attempts started in this check */
    bool running;
    bool attempt_active;
};

/* Resolves zero fields of @info (may be NULL) to the defaults. */
void lws__cpd_core_cfg_from_info(struct lws__cpd_core_cfg *cfg,
                                 const struct lws_cpd_info *info);

/* Begins a check at @now: always asks for the first attempt. */
void lws__cpd_core_start(struct lws__cpd_core *c,
                         const struct lws__cpd_core_cfg *cfg, uint64_t now,
                         struct lws__cpd_out *out);

/*
 * The running attempt ended with @result; @retryable says whether another
 * attempt may change it (transport failures, 5xx).  @jitter_ms is added to
 * the backoff (the glue draws it from the CSPRNG).
 */
void lws__cpd_core_attempt_done(struct lws__cpd_core *c, uint64_t now,
                                lws_cpd_result_t result, bool retryable,
                                uint32_t jitter_ms, struct lws__cpd_out *out);

/* The wake time asked for has come. */
void lws__cpd_core_timer(struct lws__cpd_core *c, uint64_t now,
                         struct lws__cpd_out *out);

/* Stops the check (a result came from elsewhere, or destroy). */
void lws__cpd_core_stop(struct lws__cpd_core *c);

/* Backoff before attempt number @attempts + 1 (without jitter). */
uint32_t lws__cpd_backoff_ms(int attempts);

/* What the probe expects. */
struct lws__cpd_expect {
    int status;
    const char *body; /* NULL: any body */
};

/*
 * Classifies a parsed reply: the expected status (and body, when one is
 * expected) is INTERNET_OK; anything else is CAPTIVE_PORTAL (a 3xx with its
 * Location, RFC 6585 511, unexpected status or content).  5xx other than
 * 511 is marked retryable.  A short reason is written to @reason.
 */
lws_cpd_result_t lws__cpd_classify(const struct lws__cpd_expect *e,
                                   const struct lws__http_resp *r,
                                   const uint8_t *buf, const uint8_t *body,
                                   size_t body_len, bool *retryable,
                                   char *reason, size_t reason_len);

/* Ladder policy: whether @result releases the held step. */
bool lws__cpd_releases_step(lws_cpd_result_t result, unsigned int flags);

/* ------------------------------------------------------------------------
 * Glue shared by cpd.c (API, notifier, check driving) and cpd-probe.c (one
 * probe attempt).
 */
#define LWS__CPD_PROTOCOL   "lws-cpd"
#define LWS__CPD_REASON_MAX 320

/* Which URL / step: [PRE] http at CPD_PRE_TIME, [POST] https. */
enum lws__cpd_phase {
    LWS__CPD_PH_NONE,
    LWS__CPD_PH_PRE,
    LWS__CPD_PH_POST,
    LWS__CPD_PH_COUNT
};

struct lws__cpd_probe; /* cpd-probe.c */
struct lws__tls_conf;  /* tls.c */

/* The CPD instance of a context (cx->cpd). */
struct lws__cpd {
    struct lws_context *cx;
    lws_state_notify_link_t nl;
    bool nl_registered;
    struct lws__http_url url[LWS__CPD_PH_COUNT]; /* [PRE] http, [POST] https */
    char *url_text[LWS__CPD_PH_COUNT];           /* for reasons */
    struct lws__cpd_expect expect;
    char *expect_body;
    struct lws__tls_conf *tls_conf; /* loaded when an https_url is set */
    struct lws__cpd_core_cfg cfg;
    struct lws__cpd_core core;
    unsigned int flags;
    uint32_t recheck_ms;
    lws_sorted_usec_list_t sul_core;      /* core wake-up / op deadline */
    lws_sorted_usec_list_t sul_kick;      /* start an attempt */
    lws_sorted_usec_list_t sul_defer;     /* ladder start / recheck */
    lws_sorted_usec_list_t sul_app_defer; /* lws_system_cpd_start_defer() */
    struct lws__cpd_probe *probe;
    enum lws__cpd_phase cur;  /* URL of the running check */
    enum lws__cpd_phase held; /* step we are holding, or NONE */
    bool passed[LWS__CPD_PH_COUNT];
    bool op_running;
    lws_cpd_result_t result;
    char reason[LWS__CPD_REASON_MAX];
    /* result_cb delivery, from a sul (never inside lws_system_cpd_set()) */
    lws_cpd_result_cb_t result_cb;
    void *result_user;
    lws_sorted_usec_list_t sul_notify;
    lws_cpd_result_t notify_result;
    char notify_reason[LWS__CPD_REASON_MAX];
    /* Carries out what the check core asked for: set by cpd.c, called by
     * the probe when an attempt ends. */
    void (*apply)(struct lws__cpd *cpd, const struct lws__cpd_out *out);
};

/* Monotonic milliseconds. */
static inline uint64_t lws__cpd_now_ms(void)
{
    return (uint64_t)(lws_now_usecs() / LWS_US_PER_MS);
}
/* Sets cpd->reason to "<url>: <text>" (cpd-probe.c). */
void lws__cpd_reason(struct lws__cpd *cpd, const char *fmt, ...) LWS_FORMAT(2);
/* Starts the attempt the core asked for (a sul callback, cpd-probe.c). */
void lws__cpd_kick_cb(lws_sorted_usec_list_t *sul);
/* Abandons a probe: closes its wsi, cancels its lookup, frees it. */
void lws__cpd_probe_free(struct lws__cpd_probe *p);
/* What the probe is doing, for reasons ("TLS handshake"). */
const char *lws__cpd_probe_stage(const struct lws__cpd_probe *p);
/* RAW_WRITEABLE / RAW_RX / RAW_CLOSE of a probe wsi. */
int lws__cpd_probe_event(struct lws *wsi, enum lws_callback_reasons reason);

#endif /* LWS_PRIVATE_CPD_H */
