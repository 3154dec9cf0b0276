/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal detection internals: the sans-I/O check core (attempts,
 * retries with backoff, per-attempt timeout, overall deadline) driven by a
 * virtual clock, the classification of a probe reply, and the ladder policy.
 * Pure: only the wire header and the HTTP codec included.  The glue
 * (private-cpd.h: cpd-glue.c, cpd-probe.c) owns the sockets, timers and TLS.
 */
#ifndef LWS_PRIVATE_CPD_PURE_H
#define LWS_PRIVATE_CPD_PURE_H

#include "private-cpd-codec.h"

#define LWS__CPD_DEF_STATUS      204
#define LWS__CPD_DEF_RETRIES     4
#define LWS__CPD_DEF_ATTEMPT_MS  2000u
#define LWS__CPD_DEF_DEADLINE_MS 10000u
#define LWS__CPD_DEF_RECHECK_MS  30000u
/* One address's connect, when another address waits behind it. */
#define LWS__CPD_DEF_CONNECT_MS 1000u
/* Recovery after OPERATIONAL: the first re-check of a non-OK result comes
 * after RECHECK_MIN, doubling up to recheck_ms; a network change (link up,
 * new lease, new DNS servers) re-checks after SETTLE, so that the rest of
 * the news (the resolver's new servers) lands first. */
#define LWS__CPD_RECHECK_MIN_MS 2000u
#define LWS__CPD_SETTLE_MS      500u
#define LWS__CPD_WATCH_IFACES   4
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
    lws_usec_t wake_at; /* monotonic us: call lws__cpd_core_timer() then;
                         * 0 = never */
};

struct lws__cpd_core {
    bool running;
    bool attempt_active;
    lws_cpd_result_t last; /* last attempt's classification */
    int attempts;          /* attempts started in this check */
    struct lws__cpd_core_cfg cfg;
    lws_usec_t deadline_at;  /* whole check (monotonic us, as below) */
    lws_usec_t attempt_end;  /* running attempt times out */
    lws_usec_t next_attempt; /* next attempt due (between attempts) */
};

/* Resolves zero fields of @info (may be NULL) to the defaults. */
void lws__cpd_core_cfg_from_info(struct lws__cpd_core_cfg *cfg,
                                 const struct lws_cpd_info *info);

/* The core's entry points have the helpers' shape (core, now, event...,
 * out): @now is the monotonic clock in us, and each resets @out first. */

/* Begins a check at @now: always asks for the first attempt. */
void lws__cpd_core_start(struct lws__cpd_core *c, lws_usec_t now,
                         const struct lws__cpd_core_cfg *cfg,
                         struct lws__cpd_out *out);

/*
 * The running attempt ended with @result; @retryable says whether another
 * attempt may change it (transport failures, 5xx).  @jitter_ms is added to
 * the backoff (the glue draws it from the CSPRNG).
 */
void lws__cpd_core_attempt_done(struct lws__cpd_core *c, lws_usec_t now,
                                lws_cpd_result_t result, bool retryable,
                                uint32_t jitter_ms, struct lws__cpd_out *out);

/* The wake time asked for has come. */
void lws__cpd_core_timer(struct lws__cpd_core *c, lws_usec_t now,
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

/* ------------------------------------------------------------------------
 * Recovery after OPERATIONAL (the watch): when to check again, and whether a
 * result is a loss of the internet or its return.  Times are the monotonic
 * clock in us, as in the check core.  The state never moves
 * backwards: the glue only reports and re-checks.
 */

/* What the network news said, as the watch sees it. */
enum lws__cpd_change {
    LWS__CPD_CH_LINK_UP,
    LWS__CPD_CH_LINK_DOWN,
    LWS__CPD_CH_LEASE, /* the lease of an interface (fingerprint @fp) */
    LWS__CPD_CH_DNS,   /* the DNS servers of an interface (@fp) */
};

struct lws__cpd_watch_if {
    uint32_t name; /* fingerprint of the interface name; 0 = free slot */
    uint32_t lease, dns;
};

struct lws__cpd_watch {
    bool armed; /* OPERATIONAL was reached: recovery is on */
    bool have;  /* a result was seen */
    bool ok;    /* the last result was INTERNET_OK */
    bool lost;  /* OK, then not OK, and not back yet */
    uint32_t recheck_max_ms;
    int fails; /* non-OK results in a row */
    unsigned int losses;
    lws_usec_t due_at;  /* next re-check (monotonic us); 0 = none */
    lws_usec_t lost_at; /* when the loss was seen */
    struct lws__cpd_watch_if ifs[LWS__CPD_WATCH_IFACES];
};

struct lws__cpd_watch_out {
    bool lost;        /* this result lost the internet */
    bool back;        /* this result brought it back */
    uint64_t lost_ms; /* with @back: how long it was lost */
};

/* FNV-1a of @len bytes, never 0 (0 marks "nothing seen"). */
uint32_t lws__cpd_fp(uint32_t h, const void *p, size_t len);

void lws__cpd_watch_init(struct lws__cpd_watch *w, uint32_t recheck_max_ms);

/* OPERATIONAL reached: from now on changes and results re-check.  A non-OK
 * result already in hand is re-checked.  @return the due time (0: none). */
lws_usec_t lws__cpd_watch_arm(struct lws__cpd_watch *w, lws_usec_t now);

/*
 * The network changed on interface @ifname.  LEASE and DNS count only when
 * their fingerprint differs from the last one for that interface (a renewal
 * of the same lease is no change); LINK_DOWN forgets them, so the lease
 * re-verified after the link returns counts.  @return the due time (0: no
 * re-check).
 */
lws_usec_t lws__cpd_watch_change(struct lws__cpd_watch *w, lws_usec_t now,
                                 enum lws__cpd_change ch, const char *ifname,
                                 uint32_t fp);

/* A check ended with @result (UNKNOWN is ignored).  A non-OK result is
 * re-checked (backoff from RECHECK_MIN to recheck_max_ms) once armed. */
void lws__cpd_watch_result(struct lws__cpd_watch *w, lws_usec_t now,
                           lws_cpd_result_t result,
                           struct lws__cpd_watch_out *out);

/* The due time came: @return true (and forgets it) if a check should
 * start now. */
bool lws__cpd_watch_fire(struct lws__cpd_watch *w, lws_usec_t now);

/* Delay before re-check number @fails (1 = first) of a non-OK result. */
uint32_t lws__cpd_recheck_ms(const struct lws__cpd_watch *w, int fails);

/* Ladder policy: whether @result releases the held step. */
bool lws__cpd_releases_step(lws_cpd_result_t result, unsigned int flags);

#endif /* LWS_PRIVATE_CPD_PURE_H */
