/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal detection (CPD): lws's result API and op, plus a built-in
 * probe that does an HTTP GET at CPD_PRE_TIME and an HTTPS GET (mbedTLS,
 * verified against a CA bundle and the host name) at CPD_POST_TIME.
 *
 * Thread rule: every function here is loop-thread only ("Thread: loop."),
 * except lws_cpd_result_name().
 *
 * How CPD holds the state ladder.  CPD takes part only when it is
 * configured: an http_url holds CPD_PRE_TIME, an https_url holds
 * CPD_POST_TIME, and an application captive_portal_detect_request op (which
 * replaces the built-in probe) holds CPD_PRE_TIME.  Without any of these the
 * two steps pass at once.  A held step is released as soon as a result is
 * reported, whatever it is: INTERNET_OK, CAPTIVE_PORTAL and NO_INTERNET all
 * let the ladder continue, and the application reads the result with
 * lws_system_cpd_state_get() (and the reason with lws_system_cpd_reason()),
 * for example in its OPERATIONAL notifier.  A check that gets no result
 * within its deadline ends as NO_INTERNET, so the ladder never hangs on CPD.
 * With LWS_CPD_F_HOLD_UNTIL_OK a non-OK result is still reported but keeps
 * the step held, and the check is repeated every recheck_ms until it says
 * INTERNET_OK.
 *
 * After OPERATIONAL (recovery).  The check runs again, without the
 * application asking, when a link comes up, when an interface's lease or
 * its DNS servers change (news from the DHCP client; a renewal of the same
 * lease is no change), and on a timer while the last result is not
 * INTERNET_OK (2 s after the first failure, doubling up to recheck_ms).  The
 * system state never moves backwards (attach gates rely on it): a check
 * that loses the internet after it was OK is reported instead — a warning
 * in the log, lws_system_cpd_get_status() (lost, losses, the next re-check),
 * result_cb and an smd NETWORK message {"type":"cpd","state":"lost",...} —
 * and re-checked until it says OK again ({"type":"cpd","state":"back",
 * "lost_ms":N}).  The built-in probe tries every address the host resolves
 * to (A and AAAA are asked together), with Happy Eyeballs v2 (RFC 8305):
 * the addresses are ordered by RFC 6724 destination address selection
 * (rules 1, 2, 5, 6, 8 and 9, default policy table, each address with the
 * source the kernel would use for it), families alternate, the first
 * address has a head start (he_head_start_ms), each further one starts
 * he_attempt_delay_ms later or at once when a connect fails, the first
 * connection to complete carries the request (and the TLS handshake for
 * HTTPS), and the others are closed.  A connect unanswered for
 * connect_timeout_ms is not given up: the next address starts beside it
 * at once, and once every address runs, a fresh connect to the same
 * address(es) starts every connect_timeout_ms (at most 3 more; a lost SYN
 * is resent now, not after the kernel's 1, 2, 4 s backoff).  An attempt
 * that times out keeps running beside the next one: its answer (not its
 * failure) ends the check.  A check resolves the name in its first
 * attempt; its later attempts race the same addresses (the next check
 * asks again, except the ladder's HTTPS check right after an HTTP check
 * that reached the same host: it races that check's addresses).
 *
 * Captive-portal URIs from the network (RFC 8910).  A URI that DHCPv4
 * option 114, DHCPv6 option 103 or an RA's option 37 names is kept (the
 * latest one; a network that stops naming it, or names
 * urn:ietf:params:capport:unrestricted, clears it), logged, published
 * as an smd NETWORK message {"type":"cpd","portal":"<uri>","if":"<if>"}
 * and reported by lws_system_cpd_get_status() (portal_uri).  A new URI
 * also moves the result to CAPTIVE_PORTAL, its reason naming the URI,
 * reported like any result (the log, {"type":"cpd","result":"Captive"},
 * result_cb, after OPERATIONAL a loss if it was OK), from the loop once the
 * news is in, unless a check is running or holds its step (that check
 * decides) or LWS_SERVER_OPTION_CPD_BYPASS is set.  Nothing is held for
 * it: the portal result never holds CPD_PRE_TIME or CPD_POST_TIME, and the
 * system state never moves back.  The re-check decides: the ladder's next
 * CPD step before OPERATIONAL, the timed re-check of a non-OK result after
 * it (2 s, then doubling up to recheck_ms); INTERNET_OK when the network
 * lets the probe (or the RFC 8908 API below) through.  The same URI again
 * (a renewal) changes nothing.  With
 * LWS_WITH_SYS_CPD_CAPPORT_API (default ON) and an https_url configured,
 * the first attempt of each check at CPD_POST_TIME (the clock is valid
 * then: TLS needs it) fetches that URI as an RFC 8908 Captive Portal API
 * over HTTPS (Accept: application/captive+json; the same CA bundle as the
 * probe): "captive": true ends the check as CAPTIVE_PORTAL, its reason and
 * the status carrying "user-portal-url" and "seconds-remaining";
 * "captive": false ends it as INTERNET_OK without the probe.  Either is
 * published as {"type":"cpd","capport":{"captive":...}}.  Any other answer
 * (not 200, not application/captive+json, malformed JSON, no connection)
 * costs that attempt; the check's further attempts probe https_url as
 * usual.  The check at CPD_PRE_TIME is never decided by the API (it would
 * need a valid clock that comes later), so the ladder cannot deadlock.
 */
#ifndef LWS_SYSTEM_CPD_H
#define LWS_SYSTEM_CPD_H

#include <lws-system/system.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The outcome of a captive-portal check (lws's values and order). */
typedef enum {
    LWS_CPD_UNKNOWN = 0,    /**< no result yet (or a check is running) */
    LWS_CPD_INTERNET_OK,    /**< the probe got exactly the expected reply */
    LWS_CPD_CAPTIVE_PORTAL, /**< a redirect, unexpected content, or an
                                 HTTPS peer that failed verification */
    LWS_CPD_NO_INTERNET     /**< no reply: DNS, connect or timeout failure */
} lws_cpd_result_t;

/**
 * Told of each result (lws-system addition), on the loop thread, from the
 * loop: never inside the lws_system_cpd_set() that reported it.  @reason is
 * borrowed for the call (see lws_system_cpd_reason()).
 */
typedef void (*lws_cpd_result_cb_t)(struct lws_context *context,
                                    lws_cpd_result_t result, const char *reason,
                                    void *user);

/** With this flag a non-OK result keeps the step held; see above. */
#define LWS_CPD_F_HOLD_UNTIL_OK (1u << 0)

/**
 * Configuration of the built-in probe, given through
 * lws_context_creation_info.cpd.  Zero-initialise; zero means default.  The
 * strings are copied at context creation.
 */
struct lws_cpd_info {
    /** "http://host[:port]/path" probed at CPD_PRE_TIME, or NULL.  A
     *  build with LWS_WITH_SYS_CPD_HTTP off (the lean profile) has no
     *  plain-HTTP probe: context creation fails (logged) if this is set. */
    const char *http_url;
    /** "https://host[:port]/path" probed at CPD_POST_TIME, or NULL. */
    const char *https_url;
    /** HTTP status that means INTERNET_OK; 0 = 204. */
    int expect_status;
    /** If non-NULL the response body must equal this string exactly. */
    const char *expect_body;
    /** PEM CA bundle for the HTTPS probe; NULL = the system bundle,
     *  /etc/ssl/certs/ca-certificates.crt. */
    const char *ca_bundle;
    /** Further attempts after a failed one; 0 = 4, negative = none. */
    int retries;
    /** The first attempt (resolve, connect, TLS, reply), ms; 0 = 2000.
     *  The second has twice this, later ones four times (a handshake slowed
     *  by a lossy link finishes instead of starting over), all within
     *  deadline_ms.  A timed-out attempt is not closed: it runs on beside
     *  the next, and the first answer ends the check. */
    unsigned int attempt_timeout_ms;
    /** One whole check, all attempts included, ms; 0 = 10000. */
    unsigned int deadline_ms;
    /** With LWS_CPD_F_HOLD_UNTIL_OK: delay before checking again, ms;
     *  after OPERATIONAL: the longest delay between re-checks of a non-OK
     *  result (at least 2000); 0 = 30000. */
    unsigned int recheck_ms;
    /** LWS_CPD_F_* bits. */
    unsigned int flags;
    /** Optional: told of each result (also for checks the application
     *  starts after OPERATIONAL, and results it reports itself). */
    lws_cpd_result_cb_t result_cb;
    /** Passed back to result_cb. */
    void *result_user;
    /** How long a connect may go unanswered before another one starts
     *  beside it (the next address, or once every address runs, the same
     *  one again, at most 3 times), ms; 0 = 1000 (lws-system addition).
     *  No connect is given up before the attempt ends. */
    unsigned int connect_timeout_ms;
    /** Happy Eyeballs v2 (RFC 8305; lws-system addition): the first
     *  address (IPv6 when the host has a usable IPv6 route, RFC 6724
     *  order) connects alone for this long before the next address
     *  (the other family) starts racing it, ms; 0 = 250. */
    unsigned int he_head_start_ms;
    /** Happy Eyeballs: the Connection Attempt Delay between each further
     *  address (families alternating), ms; 0 = 250.  A failed connect
     *  starts the next address at once; the first to connect wins and
     *  the others are closed. */
    unsigned int he_attempt_delay_ms;
};

/** What the CPD helper knows (lws-system addition). */
struct lws_cpd_status {
    /** The last result of a finished check (kept while a re-check runs;
     *  LWS_CPD_UNKNOWN before the first). */
    lws_cpd_result_t result;
    /** Non-zero while a check runs. */
    int checking;
    /** Non-zero: the result was OK after OPERATIONAL and is not now. */
    int lost;
    /** Times it was lost since OPERATIONAL. */
    unsigned int losses;
    /** Checks started since creation. */
    unsigned int checks;
    /** Monotonic time (lws_now_usecs()) of the loss, while @lost. */
    lws_usec_t lost_since_us;
    /** Monotonic time of the next automatic re-check; 0 = none due. */
    lws_usec_t next_check_us;
    /** The captive-portal URI the network named (RFC 8910: DHCPv4 option
     *  114, DHCPv6 option 103 or RA option 37), "" when none did. */
    char portal_uri[256];
    /** Interface whose network named @portal_uri. */
    char portal_if[16];
    /** Non-zero once the RFC 8908 Captive Portal API at @portal_uri
     *  answered (LWS_WITH_SYS_CPD_CAPPORT_API); the three below are its
     *  answer.  A new URI forgets it. */
    int api;
    /** The API's "captive": non-zero while the network holds us back. */
    int captive;
    /** The API's "seconds-remaining" when it was fetched, -1 absent. */
    long long seconds_remaining;
    /** The API's "user-portal-url" (where a user logs in), "" absent. */
    char user_portal_url[256];
};

/**
 * lws_system_cpd_start() - start a captive-portal check.
 *
 * With LWS_SERVER_OPTION_CPD_BYPASS the result is set to INTERNET_OK at
 * once.  Otherwise the stored result is reset to LWS_CPD_UNKNOWN and the
 * application's captive_portal_detect_request op is called, or, without an
 * op, the built-in probe starts: the HTTPS URL once the system state is at
 * least TIME_VALID, else the HTTP URL.  The result arrives later through
 * lws_system_cpd_set(); a check that produces none within the deadline ends
 * as NO_INTERNET.
 *
 * @return 0 (a check is running), the op's own return value, -EINVAL (NULL
 *         context), -ENOENT (no op and no probe URL configured), -EAGAIN
 *         (only an HTTPS URL is configured and the clock is not validated
 *         yet: TLS is refused before TIME_VALID), -ENOTSUP (CPD compiled
 *         out).
 * Thread: loop.
 */
LWS_API int lws_system_cpd_start(struct lws_context *context);

/**
 * lws_system_cpd_start_defer() - call lws_system_cpd_start() from a timer
 * after @defer_us microseconds (rescheduling any pending deferred start).
 * Thread: loop.
 */
LWS_API void lws_system_cpd_start_defer(struct lws_context *cx,
                                        lws_usec_t defer_us);

/**
 * lws_system_cpd_set() - report the result of a check.
 *
 * Accepted only while the stored result is LWS_CPD_UNKNOWN, so the first
 * result of a check wins until the next lws_system_cpd_start().  Logs the
 * result at NOTICE, stops the built-in probe if it is still running,
 * releases the step CPD holds (see the header comment) and re-drives the
 * state machine toward the context's target, unless the state is
 * POLICY_INVALID or the context is being destroyed.  UNKNOWN is ignored.
 * Thread: loop.
 */
LWS_API void lws_system_cpd_set(struct lws_context *context,
                                lws_cpd_result_t result);

/** The stored result (LWS_CPD_UNKNOWN while a check runs).  Thread: loop. */
LWS_API lws_cpd_result_t lws_system_cpd_state_get(struct lws_context *context);

/**
 * lws_system_cpd_reason() - why the last check ended as it did, for logs and
 * user interfaces, e.g. "http://cpd.example/gen_204: 302 redirect to
 * http://portal/" or "https://cpd.example/: TLS refused: certificate has
 * expired".
 *
 * @return a borrowed string valid until the next start or result, or "" when
 *         there is none.
 * Thread: loop.
 */
LWS_API const char *lws_system_cpd_reason(struct lws_context *context);

/**
 * lws_system_cpd_get_status() - copy the CPD helper's status into @st
 * (zeroed first).
 *
 * @return 0, -EINVAL (NULL argument, or CPD not configured in this
 *         context), -ENOTSUP (CPD compiled out).
 * Thread: loop.
 */
LWS_API int lws_system_cpd_get_status(struct lws_context *context,
                                      struct lws_cpd_status *st);

/** "Unknown", "OK", "Captive" or "No internet" (lws's names).
 *  Thread: any. */
LWS_API const char *lws_cpd_result_name(lws_cpd_result_t result);

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_CPD_H */
