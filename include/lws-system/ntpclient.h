/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * SNTP client (RFC 4330 / RFC 5905 client side) and the TIME_VALID gate.
 *
 * Thread rule: every function here is loop-thread only ("Thread: loop."),
 * and the sync callback runs on the loop thread.
 *
 * The client asks its servers with a random transmit timestamp (a cookie)
 * and believes a reply only if it comes from the address and port asked,
 * echoes the cookie, is a mode 4 version 3/4 reply with leap indicator != 3,
 * stratum 1..15, non-zero timestamps, a root distance within the bound and
 * a time not before the time floor.  The first sync is a short burst and the
 * minimum-delay sample wins; then it re-syncs periodically with a poll
 * interval that adapts between bounds, backs off (with jitter) and moves to
 * the next server when a server does not answer, backs off on a RATE
 * kiss-o'-death and drops a server that sends DENY or RSTR.
 *
 * Servers, in order: lws_ntpc_info.servers, else the
 * LWS_SYSBLOB_TYPE_NTP_SERVER blob (read each time the client starts), then
 * the servers DHCP learned (option 42); "pool.ntp.org" only when there is
 * none of these.  Every address a name resolves to (async DNS) is a
 * candidate; numeric addresses need no DNS.
 *
 * The validated time goes to lws_system_ops_t.set_clock (microseconds since
 * the Unix epoch), else to the built-in Linux clock setter when
 * LWS_NTPC_FLAG_SET_CLOCK_LINUX is given, else it is only reported.
 */
#ifndef LWS_SYSTEM_NTPCLIENT_H
#define LWS_SYSTEM_NTPCLIENT_H

#include <lws-system/system.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What holds LWS_SYSTATE_TIME_VALID. */
enum lws_ntpc_time_policy {
    /** Default: the step passes at once when the wall clock is at or after
     *  the time floor; otherwise it is held until a validated sync. */
    LWS_NTPC_TIME_PLAUSIBLE = 0,
    /** Held until a validated sync, whatever the clock says. */
    LWS_NTPC_TIME_ALWAYS_HOLD = 1,
    /** Never held (the application trusts its clock). */
    LWS_NTPC_TIME_NEVER_HOLD = 2
};

/* lws_ntpc_info.flags */

/** Use the built-in clock setter when no set_clock op is given:
 *  clock_settime() steps, adjtime() slews offsets under 0.5 s.  Needs
 *  CAP_SYS_TIME. */
#define LWS_NTPC_FLAG_SET_CLOCK_LINUX (1u << 0)
/** Never fall back to pool.ntp.org. */
#define LWS_NTPC_FLAG_NO_POOL (1u << 1)

/** The client's view of its last validated sync. */
struct lws_ntpc_status {
    /** Unix microseconds the server gave at the last sync (0: never). */
    lws_usec_t last_sync_wall_us;
    /** Monotonic microseconds (lws_now_usecs()) of the last sync. */
    lws_usec_t last_sync_mono_us;
    /** Server time minus the local wall clock at that sync, us. */
    int64_t offset_us;
    /** Round-trip delay of the chosen sample, us. */
    int64_t delay_us;
    /** Address and port of the server that gave it. */
    lws_sockaddr46 server;
    /** The server's stratum (1..15). */
    int stratum;
    /** Current poll interval, seconds. */
    uint32_t poll_s;
    /** Validated syncs so far. */
    uint32_t syncs;
    /** The time floor in force (Unix us): server times before it are
     *  refused, and under the default policy a clock before it is not
     *  plausible. */
    lws_usec_t floor_us;
    /** Non-zero while the time source is lost: after a validated sync, a
     *  round got no usable answer and none has since (lws-system
     *  addition).  TIME_VALID stays (the state never moves backwards);
     *  the client keeps retrying with its backoff. */
    int lost;
    /** Monotonic time (lws_now_usecs()) the loss was seen, while @lost. */
    lws_usec_t lost_since_us;
    /** Times the source was lost since creation. */
    uint32_t losses;
};

/**
 * Called on the loop thread after each validated sync, once the time has
 * been handed to the clock.  @status is 0, or the negative errno the clock
 * setter returned (the sync still counts).  @st is borrowed for the call.
 */
typedef void (*lws_ntpc_sync_cb_t)(struct lws_context *context, int status,
                                   const struct lws_ntpc_status *st,
                                   void *user);

/**
 * SNTP client configuration, reached through
 * lws_context_creation_info.ntpc.  Zero-initialise it: zero (NULL) means the
 * default for every field.  The library copies what it keeps.
 */
struct lws_ntpc_info {
    /** NULL-terminated server list: names or numeric addresses, each
     *  optionally with ":port" ("[v6]:port" for IPv6).  NULL = use the
     *  NTP_SERVER blob. */
    const char *const *servers;
    /** Default server port (0 = 123); tests use a high port. */
    uint16_t port;
    /** An enum lws_ntpc_time_policy value. */
    int time_policy;
    /** LWS_NTPC_FLAG_* */
    unsigned int flags;
    /** Poll interval bounds, seconds (0 = 32 and 2048). */
    uint32_t poll_min_s;
    uint32_t poll_max_s;
    /** Largest root distance accepted, ms (0 = 5000). */
    uint32_t root_distance_max_ms;
    /** Exchanges on a first sync or trigger (0 = 4, at most 16). */
    uint8_t burst;
    /** Gap between the exchanges of a burst, ms (0 = none: the next request
     *  goes out when the previous reply arrives). */
    uint32_t burst_interval_ms;
    /** Wait for a reply, ms (0 = 1000); once the round has a sample, 8 of
     *  its best round trips + 250 ms if that is shorter. */
    uint32_t reply_timeout_ms;
    /** Backoff after a failed round: starts at retry_min_ms (0 = 2000),
     *  doubles with up to 25% jitter, capped at retry_max_ms
     *  (0 = 300000). */
    uint32_t retry_min_ms;
    uint32_t retry_max_ms;
    /** Earliest plausible time, Unix seconds (0 = the library's build
     *  time).  A saved clock stamp raises it. */
    int64_t time_floor_s;
    /** File holding the clock stamp (decimal Unix seconds), read at start
     *  and written after each sync, every stamp_interval_s and at destroy
     *  (only once a sync validated the time).  NULL = none. */
    const char *clock_stamp_path;
    /** Save interval of the stamp, seconds (0 = 60). */
    uint32_t stamp_interval_s;
    /** Optional stamp storage instead of / besides the file: load returns
     *  0 and fills *wall_us, or a negative errno; save returns 0 or a
     *  negative errno.  Load runs inside lws_create_context(): destroying
     *  the context there makes lws_create_context() return NULL. */
    int (*stamp_load)(struct lws_context *context, lws_usec_t *wall_us);
    int (*stamp_save)(struct lws_context *context, lws_usec_t wall_us);
    /** Told of each validated sync; @sync_user is passed back. */
    lws_ntpc_sync_cb_t sync_cb;
    void *sync_user;
    /** Latest time believed, as seconds after the build time (0 = 20
     *  years): servers saying later are refused (BEYOND_HORIZON), stamps
     *  later are ignored with a warning. */
    uint32_t horizon_s;
    /** Largest step from the last trusted time (the last sync, else a
     *  plausible wall clock, else the floor) one source alone may make,
     *  seconds (0 = 1000).  A larger step needs a second source to agree
     *  when more than one address is known; with a single address only a
     *  forward step (inside the horizon) is believed. */
    uint32_t max_step_s;
};

/**
 * lws_ntpc_trigger() - sync now.
 *
 * Starts the client if it is idle (falling back to pool.ntp.org when no
 * server is known, unless LWS_NTPC_FLAG_NO_POOL), or starts a new burst at
 * once if it is waiting for its next poll or a backoff.  Work starts on the
 * next loop iteration, never inside this call.  Does nothing (logged) when
 * the client is compiled out or the context is being destroyed.
 *
 * @param[in] context  the context
 * Thread: loop.
 */
LWS_API void lws_ntpc_trigger(struct lws_context *context);

/**
 * lws_ntpc_get_status() - copy the client's status into @st.
 *
 * @param[in] context  the context
 * @param[out] st      filled (zeroed first); valid even when no sync yet
 *                     (floor_us and poll_s are set)
 * @return 0 after at least one validated sync, -EAGAIN when none yet,
 *         -EINVAL (NULL argument), -ENOTSUP (client compiled out).
 * Thread: loop.
 */
LWS_API int lws_ntpc_get_status(struct lws_context *context,
                                struct lws_ntpc_status *st);

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_NTPCLIENT_H */
