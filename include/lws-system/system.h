/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Core public API: the context on libuv, the "system" vhost and its wsi,
 * sorted timers, the generic and system state managers, system ops, the
 * attach queue, blobs, logging and the CSPRNG.
 *
 * Thread rule: every function here is loop-thread only ("Thread: loop."),
 * except the attach op (lws_system_get_ops(cx)->attach), lws_cancel_service()
 * and the log-level setter, which are callable from any thread.  The loop
 * thread is the thread that called lws_create_context().
 */
#ifndef LWS_SYSTEM_SYSTEM_H
#define LWS_SYSTEM_SYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/* lws_sockaddr46 is part of the lws API (DNS servers, DHCP leases). */
#include <netinet/in.h>

#include <lws-system/lws_config.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LWS_SYSTEM_BUILDING)
#define LWS_API __attribute__((visibility("default")))
#else
#define LWS_API
#endif

#define LWS_FORMAT(fmt_idx)                                                    \
    __attribute__((format(printf, fmt_idx, fmt_idx + 1)))

struct uv_loop_s;
struct lws_context;
struct lws_vhost;
struct lws;
struct lws_attach_item;
struct lws_dhcpc_ifstate;
struct lws_dhcpc6_lease;
struct lws_adns_info;
struct lws_ntpc_info;
struct lws_dhcpc_info;
struct lws_cpd_info;

/** Microseconds; absolute values are monotonic unless a name says "wall". */
typedef int64_t lws_usec_t;

#define LWS_US_PER_SEC ((lws_usec_t)1000000)
#define LWS_US_PER_MS  ((lws_usec_t)1000)

/* ------------------------------------------------------------------------
 * Logging
 */

enum lws_log_levels {
    LLL_ERR = 1 << 0,    /**< the caller sees a failure */
    LLL_WARN = 1 << 1,   /**< something went wrong and was recovered */
    LLL_NOTICE = 1 << 2, /**< a noteworthy event */
    LLL_INFO = 1 << 3,   /**< state changes */
    LLL_DEBUG = 1 << 4,  /**< detail for developers */
    LLL_PARSER = 1 << 5,
    LLL_HEADER = 1 << 6,
    LLL_EXT = 1 << 7,
    LLL_CLIENT = 1 << 8,
    LLL_LATENCY = 1 << 9,
    LLL_USER = 1 << 10,
    LLL_THREAD = 1 << 11,
    LLL_COUNT = 12
};

/** Receives one formatted line (no trailing newline) per message. */
typedef void (*lws_log_emit_t)(int level, const char *line);

/**
 * lws_set_log_level() - choose which levels are logged and where to.
 *
 * @param[in] level  OR of LLL_* bits to emit (default ERR|WARN|NOTICE)
 * @param[in] log_emit_function  sink for each line, or NULL for the default
 *            emitter, which writes "[time] L: module: text" to stderr
 *
 * Thread: any.
 */
LWS_API void lws_set_log_level(int level, lws_log_emit_t log_emit_function);

/** Returns the current log level mask.  Thread: any. */
LWS_API int lws_get_log_level(void);

/**
 * lws_log_printf() - log one line at @level if that level is enabled.
 * The lwsl_* macros below call it.  Thread: any (the sink must cope).
 */
LWS_API void lws_log_printf(int level, const char *format, ...) LWS_FORMAT(2);

#define lwsl_err(...)    lws_log_printf(LLL_ERR, __VA_ARGS__)
#define lwsl_warn(...)   lws_log_printf(LLL_WARN, __VA_ARGS__)
#define lwsl_notice(...) lws_log_printf(LLL_NOTICE, __VA_ARGS__)
#define lwsl_info(...)   lws_log_printf(LLL_INFO, __VA_ARGS__)
#define lwsl_debug(...)  lws_log_printf(LLL_DEBUG, __VA_ARGS__)
#define lwsl_user(...)   lws_log_printf(LLL_USER, __VA_ARGS__)

/* ------------------------------------------------------------------------
 * Intrusive doubly-linked lists (lws's lws_dll2 shape)
 */

struct lws_dll2_owner;

typedef struct lws_dll2 {
    struct lws_dll2 *prev;
    struct lws_dll2 *next;
    struct lws_dll2_owner *owner; /**< NULL while not on a list */
} lws_dll2_t;

typedef struct lws_dll2_owner {
    struct lws_dll2 *head;
    struct lws_dll2 *tail;
    uint32_t count;
} lws_dll2_owner_t;

/* Through void * so -Wcast-align accepts it (the member is inside T). */
#define lws_container_of(P, T, M) ((T *)(void *)((char *)(P)-offsetof(T, M)))

LWS_API void lws_dll2_add_tail(lws_dll2_t *d, lws_dll2_owner_t *owner);
LWS_API void lws_dll2_add_head(lws_dll2_t *d, lws_dll2_owner_t *owner);
LWS_API void lws_dll2_remove(lws_dll2_t *d);
LWS_API int lws_dll2_is_detached(const lws_dll2_t *d);

/* ------------------------------------------------------------------------
 * Addresses (lws's lws_sockaddr46): sa4.sin_family tells which member.
 */

typedef union {
    struct sockaddr_in6 sa6;
    struct sockaddr_in sa4;
} lws_sockaddr46;

/**
 * lws_sa46_parse_numeric() - parse a numeric IPv4 or IPv6 address (no port)
 * into @sa46 (port 0).  @return 0, or -EINVAL.  Thread: any.
 */
LWS_API int lws_sa46_parse_numeric(lws_sockaddr46 *sa46, const char *buf);

/**
 * lws_sa46_write_numeric_address() - write the address (no port) of @sa46 as
 * text.  @return the length written, or -EINVAL / -ENOSPC.  Thread: any.
 */
LWS_API int lws_sa46_write_numeric_address(const lws_sockaddr46 *sa46,
                                           char *buf, size_t len);

/* ------------------------------------------------------------------------
 * Sorted timers on the loop ("sul": sorted usec list).  One uv timer per
 * context drives all of them; an unscheduled sul costs no handle.
 */

typedef struct lws_sorted_usec_list lws_sorted_usec_list_t;
typedef void (*sul_cb_t)(lws_sorted_usec_list_t *sul);

struct lws_sorted_usec_list {
    lws_dll2_t list;        /**< library-private */
    lws_usec_t us;          /**< library-private: monotonic due time */
    sul_cb_t cb;            /**< library-private */
    struct lws_context *cx; /**< library-private */
};

#define LWS_SET_TIMER_USEC_CANCEL ((lws_usec_t)-1ll)

/**
 * lws_sul_schedule() - call @cb on the loop once @us microseconds passed.
 *
 * Rescheduling a scheduled sul moves it.  @us == 0 runs it on the next loop
 * iteration, never inside this call.  @us == LWS_SET_TIMER_USEC_CANCEL
 * cancels.  The sul memory must stay valid until it fires or is cancelled.
 * Thread: loop.
 */
LWS_API void lws_sul_schedule(struct lws_context *context, int tsi,
                              lws_sorted_usec_list_t *sul, sul_cb_t cb,
                              lws_usec_t us);

/** Cancels @sul if scheduled; safe on a zeroed sul.  Thread: loop. */
LWS_API void lws_sul_cancel(lws_sorted_usec_list_t *sul);

/** Monotonic microseconds (CLOCK_MONOTONIC).  Thread: any. */
LWS_API lws_usec_t lws_now_usecs(void);

/* ------------------------------------------------------------------------
 * States
 */

/* The system ladder: lws v5.0's names in lws v5.0's order.  The numbers
 * follow from the order and changed with it (lws inserts states mid-list
 * between versions): compare and store states by name, never by number. */
#define LWS_SYSTATE_LIST(X)                                                    \
    X(UNKNOWN, 0)                                                              \
    X(CONTEXT_CREATED, 1)                                                      \
    X(PRE_PRIV_DROP, 2)                                                        \
    X(INITIALIZED, 3)                                                          \
    X(COLLECTING_STDIN, 4)                                                     \
    X(IFACE_COLDPLUG, 5)                                                       \
    X(DHCP, 6)                                                                 \
    X(CPD_PRE_TIME, 7)                                                         \
    X(TIME_VALID, 8)                                                           \
    X(CPD_POST_TIME, 9)                                                        \
    X(POLICY_VALID, 10)                                                        \
    X(REGISTERED, 11)                                                          \
    X(AUTH1, 12)                                                               \
    X(AUTH2, 13)                                                               \
    X(ONE_TIME_UPDATES, 14)                                                    \
    X(OPERATIONAL, 15)                                                         \
    X(POLICY_INVALID, 16)                                                      \
    X(CONTEXT_DESTROYING, 17)                                                  \
    X(AWAITING_MODAL_UPDATING, 18)                                             \
    X(MODAL_UPDATING, 19)

#define LWS__SYSTATE_ENUM(n, v) LWS_SYSTATE_##n = v,
typedef enum lws_system_states {
    LWS_SYSTATE_LIST(LWS__SYSTATE_ENUM) LWS_SYSTATE_COUNT
} lws_system_states_t;
#undef LWS__SYSTATE_ENUM

struct lws_state_manager;
struct lws_state_notify_link;

/**
 * A notifier.  Called twice per step: a probe with current != target, where
 * a non-zero return vetoes the step (the notifier then owns re-driving the
 * machine with lws_state_transition_steps() once its condition holds), and a
 * "done" pass with current == target whose return is ignored.
 */
typedef int (*lws_state_notify_t)(struct lws_state_manager *mgr,
                                  struct lws_state_notify_link *link,
                                  int current, int target);

typedef struct lws_state_notify_link {
    lws_dll2_t list;              /**< library-private */
    lws_state_notify_t notify_cb; /**< the callback */
    const char *name;             /**< for logs and lws_state_blocker() */
} lws_state_notify_link_t;

typedef struct lws_state_manager {
    lws_dll2_owner_t notify_list; /**< library-private */
    struct lws_context *context;  /**< optional back pointer */
    void *parent;                 /**< user's opaque pointer */
    const char **state_names;     /**< optional, indexed by state */
    const char *name;             /**< manager name, for logs */
    int state;                    /**< current state */
    /* library-private walk bookkeeping */
    lws_dll2_t *iter_next;
    const char *blocker; /**< name of the notifier holding a step */
    int blocked_step;    /**< the step it holds, or -1 */
    int redrive_target;  /**< re-drive requested during a walk, or -1 */
    int busy;            /**< inside a walk */
} lws_state_manager_t;

/** Appends @nl to @mgr's notifiers (they run in registration order).
 *  Safe from inside a notifier.  Thread: loop. */
LWS_API void lws_state_reg_notifier(lws_state_manager_t *mgr,
                                    lws_state_notify_link_t *nl);

/** Removes @nl; safe from inside any notifier, its own included.
 *  Thread: loop. */
LWS_API void lws_state_reg_deregister(lws_state_notify_link_t *nl);

/** Registers a NULL-terminated array of links in order.  Thread: loop. */
LWS_API void
lws_state_reg_notifier_list(lws_state_manager_t *mgr,
                            lws_state_notify_link_t *const *notify_link_array);

/* Return values of lws_state_transition_steps() / lws_state_transition(). */
#define LWS_STATE_REACHED 0 /**< the target (or a later state) is reached */
#define LWS_STATE_BLOCKED 1 /**< a notifier vetoed; see lws_state_blocker() */
#define LWS_STATE_DEFERRED                                                     \
    2 /**< called inside a walk: it will be re-driven                          \
       */

/**
 * lws_state_transition_steps() - step one state at a time up to @target.
 *
 * Never goes backwards.  Each step is probed by every notifier in order; the
 * first veto stops the walk and is remembered (lws_state_blocker(), an INFO
 * log line).  Called from inside a notifier or an attach callback it does
 * not recurse: the request is recorded and the running walk re-drives once it
 * finishes.
 *
 * @return LWS_STATE_REACHED, LWS_STATE_BLOCKED, LWS_STATE_DEFERRED, or
 *         -EINVAL (NULL manager, negative target).
 * Thread: loop.
 */
LWS_API int lws_state_transition_steps(lws_state_manager_t *mgr, int target);

/**
 * lws_state_transition() - one vetoable jump to any state, either way.
 * Same return values as lws_state_transition_steps().  Thread: loop.
 */
LWS_API int lws_state_transition(lws_state_manager_t *mgr, int target);

/** Name of @state from the manager's table, or "?".  Thread: loop. */
LWS_API const char *lws_state_name(const lws_state_manager_t *mgr, int state);

/**
 * lws_state_blocker() - which notifier holds the machine.
 *
 * @param[out] step  if non-NULL, the step being held
 * @return the notifier's name, or NULL when nothing holds the machine.
 * Thread: loop.
 */
LWS_API const char *lws_state_blocker(const lws_state_manager_t *mgr,
                                      int *step);

/* ------------------------------------------------------------------------
 * System ops
 */

/** Attach callback: runs on the loop thread once the gate is reached. */
typedef void (*lws_attach_cb_t)(struct lws_context *context, int tsi,
                                void *opaque);

/* Types of lws subsystems this library does not have: opaque, so code
 * that names them in lws_system_ops_t compiles (set them to NULL). */
typedef struct lws_metric_pub lws_metric_pub_t;
typedef struct lws_ota_ops lws_ota_ops_t;

/** lws v5.0's async DNS DNSSEC modes (no DNSSEC here: only OFF works). */
typedef enum {
    LWS_ADNS_DNSSEC_OFF,      /**< no validation (the only mode here) */
    LWS_ADNS_DNSSEC_TOLERATE, /**< validate where signed */
    LWS_ADNS_DNSSEC_REQUIRE   /**< fail unsigned answers */
} lws_adns_dnssec_mode_t;

typedef struct lws_system_ops {
    /** Reboot the device. */
    int (*reboot)(void);
    /** Set the wall clock to @us microseconds since the Unix epoch. */
    int (*set_clock)(lws_usec_t us);
    /**
     * The thread-safe attach entry point.  An application that supplies it
     * takes its own lock, calls __lws_system_attach() with the same
     * arguments, unlocks and returns the result.  Without it the library
     * supplies a built-in thread-safe one (lock-free for producers: a
     * stack that only the loop thread takes, in arrival order), so
     * lws_system_get_ops(cx)->attach is never NULL.  With
     * attach_max_queued set in the creation info, both return -EAGAIN at
     * once when that many items are queued.  Thread: any.
     */
    int (*attach)(struct lws_context *context, int tsi, lws_attach_cb_t cb,
                  lws_system_states_t state, void *opaque,
                  struct lws_attach_item **get);
    /** Start an asynchronous captive-portal check; report the result with
     *  lws_system_cpd_set(). */
    int (*captive_portal_detect_request)(struct lws_context *context);
    /** lws v4.2: receives lws_metrics reports.  Never called here (this
     *  library has no metrics subsystem); accepted for source compat. */
    int (*metric_report)(lws_metric_pub_t *mdata);
    /** lws v4.3: asked for a trusted CA by subject key id during a TLS
     *  handshake.  Never called here (CPD uses the system trust store). */
    int (*jit_trust_query)(struct lws_context *cx, const uint8_t *skid,
                           size_t skid_len, void *got_opaque);
    /** lws v4.4: over-the-air update ops.  Unused here (no OTA). */
    const lws_ota_ops_t *ota_ops;
    /** lws v4.5: gets what is read from stdin while the state is
     *  COLLECTING_STDIN.  Never called here (no stdin adoption). */
    int (*stdin_rx)(struct lws_context *cx, const uint8_t *buf, size_t len);
    /** Worst-case wakeup latency of the platform in us (lws uses it to
     *  schedule early).  Unused here: libuv timers are not coalesced. */
    uint32_t wake_latency_us;
    /** lws v5.0: DNSSEC policy of the async resolver.  Only
     *  LWS_ADNS_DNSSEC_OFF exists here; other values are logged and
     *  treated as OFF. */
    lws_adns_dnssec_mode_t async_dns_dnssec_mode;
    /** lws v5.0: DNSSEC trust anchor (DS records as text).  Unused here. */
    const char *async_dns_dnssec_trust_anchor;

    /* Members after this line are lws-system additions. */

    /**
     * Told of each attach item freed without running (at destroy), so the
     * application can free @opaque.  Called on the thread running
     * lws_context_destroy().  Optional.
     */
    void (*attach_discarded)(struct lws_context *context, lws_attach_cb_t cb,
                             void *opaque);
    /**
     * Apply (@op = LWS_DHCPC_APPLY_ADD) or remove (LWS_DHCPC_APPLY_REMOVE)
     * a DHCP lease on its interface; see <lws-system/dhcpclient.h>.
     * Return 0 on success, a negative errno otherwise.  Optional: without it
     * the DHCP client's own configuration (built-in rtnetlink or report-only)
     * applies.
     */
    int (*dhcpc_apply)(struct lws_context *context,
                       const struct lws_dhcpc_ifstate *is, int op);
    /**
     * Apply (@op = LWS_DHCPC_APPLY_ADD, also again with new lifetimes at
     * each renewal) or remove (LWS_DHCPC_APPLY_REMOVE) the DHCPv6 IA_NA
     * address on its interface; see lws_dhcpc6_lease_t in
     * <lws-system/dhcpclient.h>.  Return 0 on success, a negative errno
     * otherwise.  Optional: without it the built-in rtnetlink code applies
     * the address.
     */
    int (*dhcpc6_apply)(struct lws_context *context,
                        const struct lws_dhcpc6_lease *l, int op);
} lws_system_ops_t;

/**
 * lws_system_get_ops() - the context's system ops, never NULL for a live
 * context (the library fills in attach).  Thread: any.
 */
LWS_API const lws_system_ops_t *lws_system_get_ops(struct lws_context *context);

/**
 * __lws_system_attach() - the unlocked core of the attach queue.
 *
 * With @get == NULL, queues @cb(@opaque) to run on the loop thread once the
 * system state is at or past @state (at most OPERATIONAL), FIFO among ready
 * items, exactly once, then wakes the loop.  With @get != NULL (the library,
 * on the loop thread) takes the next ready item into *@get.
 *
 * The caller must hold the lock that guards this context's queue (the attach
 * op's lock).
 *
 * Lifetime: attach (and lws_cancel_service()) may race lws_context_destroy()
 * and then fail with -ECANCELED, but no thread may call them once the
 * context is freed: after lws_context_destroy() has returned on the
 * library's own loop, or after the foreign loop has run the close callbacks.
 * The built-in op waits for calls already inside it; an application op must
 * itself stop its producers before the context is freed.
 *
 * @return 0, -EINVAL (NULL context or cb, tsi != 0, state out of range),
 *         -ENOMEM, -ECANCELED (destroy has begun: @cb will never run),
 *         -EAGAIN (attach_max_queued items are queued: not queued, try
 *         again later; no log line).
 * Thread: any, under the attach op's lock.
 */
LWS_API int __lws_system_attach(struct lws_context *context, int tsi,
                                lws_attach_cb_t cb, lws_system_states_t state,
                                void *opaque, struct lws_attach_item **get);

/** The "system" state manager of @context.  Thread: loop. */
LWS_API lws_state_manager_t *
lws_system_get_state_manager(struct lws_context *context);

/* ------------------------------------------------------------------------
 * Blobs
 */

typedef enum {
    LWS_SYSBLOB_TYPE_AUTH,
    LWS_SYSBLOB_TYPE_CLIENT_CERT_DER = LWS_SYSBLOB_TYPE_AUTH + 2,
    LWS_SYSBLOB_TYPE_CLIENT_KEY_DER,
    LWS_SYSBLOB_TYPE_DEVICE_SERIAL,
    LWS_SYSBLOB_TYPE_DEVICE_FW_VERSION,
    LWS_SYSBLOB_TYPE_DEVICE_TYPE,
    LWS_SYSBLOB_TYPE_NTP_SERVER,
    LWS_SYSBLOB_TYPE_MQTT_CLIENT_ID,
    LWS_SYSBLOB_TYPE_MQTT_USERNAME,
    LWS_SYSBLOB_TYPE_MQTT_PASSWORD,

    LWS_SYSBLOB_TYPE_COUNT /* ... always last */
} lws_system_blob_item_t;

typedef struct lws_system_blob lws_system_blob_t;

/**
 * lws_system_get_blob() - the blob slot @type + @idx, or NULL (logged) if
 * that slot is outside the table (AUTH has two slots, the others one).
 * Thread: loop.
 */
LWS_API lws_system_blob_t *lws_system_get_blob(struct lws_context *context,
                                               lws_system_blob_item_t type,
                                               int idx);

/** Points the blob at caller-owned memory (no copy; keep it alive). */
LWS_API void lws_system_blob_direct_set(lws_system_blob_t *b,
                                        const uint8_t *ptr, size_t len);
/** Switches to heap mode and frees any heap content. */
LWS_API void lws_system_blob_heap_empty(lws_system_blob_t *b);
/** Copies and appends @len bytes (heap mode; a direct blob is switched to
 *  heap mode first).  @return 0, -EINVAL or -ENOMEM. */
LWS_API int lws_system_blob_heap_append(lws_system_blob_t *b,
                                        const uint8_t *ptr, size_t len);
/** Total length in bytes (0 for NULL). */
LWS_API size_t lws_system_blob_get_size(lws_system_blob_t *b);
/** Borrowed pointer to the whole content when it is contiguous.
 *  @return 0, or -1 (empty or several heap segments). */
LWS_API int lws_system_blob_get_single_ptr(lws_system_blob_t *b,
                                           const uint8_t **ptr);
/** Copies up to *@len bytes from offset @ofs into @buf, sets *@len to the
 *  count copied.  @return 0, 1 when @ofs is at or past the end, -1 on
 *  bad arguments. */
LWS_API int lws_system_blob_get(lws_system_blob_t *b, uint8_t *buf, size_t *len,
                                size_t ofs);
/** Frees heap content; the slot stays usable. */
LWS_API void lws_system_blob_destroy(lws_system_blob_t *b);

/* ------------------------------------------------------------------------
 * Protocols and wsi
 */

enum lws_callback_reasons {
    LWS_CALLBACK_PROTOCOL_INIT = 27, /**< in: creation info (const) */
    LWS_CALLBACK_PROTOCOL_DESTROY = 28,
    LWS_CALLBACK_WSI_CREATE = 29,
    LWS_CALLBACK_WSI_DESTROY = 30,
    LWS_CALLBACK_RAW_RX = 59, /**< in/len: data read */
    LWS_CALLBACK_RAW_CLOSE = 60,
    LWS_CALLBACK_RAW_WRITEABLE = 61,
    LWS_CALLBACK_RAW_ADOPT = 62,
    LWS_CALLBACK_TIMER = 73,
    LWS_CALLBACK_USER = 1000
};

/**
 * A protocol callback.  Return non-zero from RAW_RX / RAW_WRITEABLE /
 * RAW_ADOPT to close the wsi; from PROTOCOL_INIT to fail context creation.
 */
typedef int (*lws_callback_function)(struct lws *wsi,
                                     enum lws_callback_reasons reason,
                                     void *user, void *in, size_t len);

struct lws_protocols {
    const char *name; /**< NULL ends an array */
    lws_callback_function callback;
    size_t per_session_data_size; /**< zeroed "user" area per wsi */
    size_t rx_buffer_size;        /**< unused; kept for lws source compat */
    unsigned int id;
    void *user; /**< protocol-wide user pointer */
    size_t tx_packet_size;
};

#define LWS_PROTOCOL_LIST_TERM                                                 \
    {                                                                          \
        NULL, NULL, 0, 0, 0, NULL, 0                                           \
    }

typedef enum {
    LWS_ADOPT_RAW_FILE_DESC = 0,
    LWS_ADOPT_HTTP = 1,
    LWS_ADOPT_SOCKET = 2,
    LWS_ADOPT_ALLOW_SSL = 4,
    LWS_ADOPT_FLAG_UDP = 16,
    LWS_ADOPT_FLAG_RAW_PROXY = 32,
    LWS_ADOPT_RAW_SOCKET_UDP = LWS_ADOPT_SOCKET | LWS_ADOPT_FLAG_UDP
} lws_adoption_type;

typedef union {
    int sockfd;
    int filefd;
} lws_sock_file_fd_type;

/**
 * lws_adopt_descriptor_vhost() - put an existing fd on the loop as a wsi of
 * protocol @vh_prot_name on @vh.  The wsi owns the fd from now on (closed
 * with the wsi), also on failure.  RAW_ADOPT is called before return.
 *
 * @return the wsi, or NULL (logged) on bad arguments, unknown protocol or OOM.
 * Thread: loop.
 */
LWS_API struct lws *lws_adopt_descriptor_vhost(struct lws_vhost *vh,
                                               lws_adoption_type type,
                                               lws_sock_file_fd_type fd,
                                               const char *vh_prot_name,
                                               struct lws *parent);

#define LWS_CAUDP_BIND      (1 << 0) /**< bind to @ads:@port, don't connect */
#define LWS_CAUDP_BROADCAST (1 << 1) /**< SO_BROADCAST */
#define LWS_CAUDP_PF_PACKET (1 << 2) /**< raw AF_PACKET (IPv4 ethertype) */

/**
 * lws_create_adopt_udp() - make a UDP socket and adopt it.
 *
 * @param[in] ads  numeric IPv4/IPv6 address: with LWS_CAUDP_BIND the local
 *            address (NULL = any), otherwise the peer to connect() to
 * @param[in] port local port with BIND, else peer port
 * @param[in] flags LWS_CAUDP_*
 * @param[in] ifname bind to this interface (SO_BINDTODEVICE / packet
 *            socket interface), or NULL
 * @param[in] opaque becomes the wsi's opaque user data
 * The last two arguments exist for lws source compatibility and are ignored.
 * @return the wsi, or NULL (logged).
 * Thread: loop.
 */
LWS_API struct lws *
lws_create_adopt_udp(struct lws_vhost *vhost, const char *ads, int port,
                     int flags, const char *protocol_name, const char *ifname,
                     struct lws *parent_wsi, void *opaque,
                     const void *retry_policy, const char *fi_wsi_name);

/** Ask for one LWS_CALLBACK_RAW_WRITEABLE when the socket can be written.
 *  @return 0, or -1 if the wsi is closing.  Thread: loop. */
LWS_API int lws_callback_on_writable(struct lws *wsi);

/** Arms (or with LWS_SET_TIMER_USEC_CANCEL cancels) the wsi's one timer,
 *  which calls LWS_CALLBACK_TIMER.  Thread: loop. */
LWS_API void lws_set_timer_usecs(struct lws *wsi, lws_usec_t usecs);

/**
 * lws_wsi_close() - close a wsi: RAW_CLOSE is called once, the fd closed, the
 * memory freed once libuv has released the handle.  Safe from inside the
 * wsi's own callbacks.  Thread: loop.
 */
LWS_API void lws_wsi_close(struct lws *wsi);

LWS_API int lws_get_socket_fd(struct lws *wsi);
LWS_API struct lws_vhost *lws_get_vhost(struct lws *wsi);
LWS_API struct lws_context *lws_get_context(const struct lws *wsi);
LWS_API const struct lws_protocols *lws_get_protocol(struct lws *wsi);
LWS_API void *lws_wsi_user(struct lws *wsi);
LWS_API void lws_set_opaque_user_data(struct lws *wsi, void *data);
LWS_API void *lws_get_opaque_user_data(const struct lws *wsi);

/**
 * lws_get_udp_peer() - for a UDP wsi inside LWS_CALLBACK_RAW_RX, the source
 * address of the datagram as a struct sockaddr (IPv4 or IPv6).
 * @param[out] salen  its length
 * @return borrowed pointer valid for that callback, or NULL.
 */
LWS_API const void *lws_get_udp_peer(struct lws *wsi, size_t *salen);

/** The vhost named @name ("system"), or NULL.  Thread: loop. */
LWS_API struct lws_vhost *lws_get_vhost_by_name(struct lws_context *context,
                                                const char *name);
LWS_API const char *lws_get_vhost_name(struct lws_vhost *vh);
LWS_API struct lws_context *lws_get_vhost_context(struct lws_vhost *vh);

/** The protocol called @name on @vh, or NULL.  Thread: loop. */
LWS_API const struct lws_protocols *
lws_vhost_name_to_protocol(struct lws_vhost *vh, const char *name);

/** Per-vhost protocol private data: zeroed on first call, freed at destroy.
 *  @return NULL on OOM or unknown protocol.  Thread: loop. */
LWS_API void *lws_protocol_vh_priv_zalloc(struct lws_vhost *vh,
                                          const struct lws_protocols *prot,
                                          size_t size);
LWS_API void *lws_protocol_vh_priv_get(struct lws_vhost *vh,
                                       const struct lws_protocols *prot);

/**
 * lws_vhost_foreach_wsi() - call @cb for each live wsi on @vh with its
 * protocol name (diagnostics).  @cb returning non-zero stops the walk.
 * @return the number of wsi visited.  Thread: loop.
 */
LWS_API int lws_vhost_foreach_wsi(struct lws_vhost *vh,
                                  int (*cb)(struct lws *wsi,
                                            const char *protocol_name,
                                            void *user),
                                  void *user);

/* ------------------------------------------------------------------------
 * Context
 */

/* lws_smd types the creation info names (the API is in <lws-system/smd.h>). */
typedef uint32_t lws_smd_class_t;
typedef int (*lws_smd_notification_cb_t)(void *opaque, lws_smd_class_t _class,
                                         lws_usec_t timestamp, void *buf,
                                         size_t len);

/** The loop runs on a loop the application owns (foreign_loops[0]). */
#define LWS_SERVER_OPTION_LIBUV (1ull << 10)
/** CPD reports INTERNET_OK without probing. */
#define LWS_SERVER_OPTION_CPD_BYPASS (1ull << 36)

struct lws_context_creation_info {
    /** Extra protocols for the "system" vhost (NULL-name terminated). */
    const struct lws_protocols *protocols;
    /** LWS_SERVER_OPTION_* bits. */
    uint64_t options;
    /** Opaque user pointer, see lws_context_user(). */
    void *user;
    /** foreign_loops[0]: a uv_loop_t * the application runs; NULL = own. */
    void **foreign_loops;
    /** Only 1 service thread is supported (0 means 1). */
    int count_threads;
    /** System ops, copied; NULL = none (attach is built in). */
    const lws_system_ops_t *system_ops;
    /** NULL-terminated notifiers registered on the "system" manager. */
    lws_state_notify_link_t *const *register_notifier_list;
    /** NULL-terminated numeric DNS servers, "a.b.c.d[:port]" / "[v6]:port". */
    const char **async_dns_servers;
    /** Optional per-helper configuration; NULL = defaults. */
    const struct lws_adns_info *adns;
    const struct lws_ntpc_info *ntpc;
    const struct lws_dhcpc_info *dhcpc;
    const struct lws_cpd_info *cpd;
    /** Stop the state machine at this level (0 = OPERATIONAL). */
    int target_state;
    /** lws_smd peer registered before anything is published, so it hears
     *  {"state":"CONTEXT_CREATED"} onwards; NULL = none. */
    lws_smd_notification_cb_t early_smd_cb;
    /** Opaque pointer given to early_smd_cb. */
    void *early_smd_opaque;
    /** Class filter (LWSSMDCL_* bits) of the early peer. */
    lws_smd_class_t early_smd_class_filter;
    /** A queued smd message older than this is dropped, not delivered
     *  (0 = 5 s). */
    lws_usec_t smd_ttl_us;
    /** Most smd messages queued and not yet delivered; a send beyond it
     *  fails at once (0 = 40). */
    uint16_t smd_queue_depth;
    /** lws-system addition: most attach items queued at once (attached,
     *  not yet run or discarded, those waiting for their gate included).
     *  Beyond it the attach op (built in, or __lws_system_attach() under an
     *  application's lock) returns -EAGAIN at once, never blocking the
     *  producer, which may try again later; places come back as items run.
     *  Bounds the memory a flood of attaches can hold (about 32 bytes an
     *  item on 64-bit).  0 = unbounded (as lws). */
    unsigned int attach_max_queued;
    /** lws-system addition: faults to inject, "name[(selector)],..." (see
     *  lws-system/fi.h); NULL = none.  Ignored unless built with
     *  LWS_WITH_FI. */
    const char *fi;
    /** Seed of the fault PRNG (0: LWS_FI_SEED from the environment, else
     *  the clock; the seed used is logged).  Ignored without LWS_WITH_FI. */
    uint64_t fi_seed;
    /** lws-system addition, for tests: the wall clock (microseconds since
     *  the Unix epoch) the library reads where it needs wall time (the
     *  SNTP client's transmit time and time floor, the TLS time check
     *  before a sync), so a test can step it without touching the host's
     *  clock.  Timers never read it: they run on the monotonic clock.
     *  NULL = CLOCK_REALTIME, whose steps the library notices at once on
     *  Linux (a timerfd with TFD_TIMER_CANCEL_ON_SET that the SNTP client
     *  watches once it has synced).  A source of one's own reports its
     *  steps with lws_wall_clock_stepped().  Thread: loop thread. */
    lws_usec_t (*wall_clock)(void);
};

/**
 * lws_wall_clock_stepped() - lws-system addition: the wall clock was
 * stepped (set at once rather than slewed) by someone else.
 *
 * With CLOCK_REALTIME (no info.wall_clock) the library sees its steps by
 * itself on Linux; an application whose info.wall_clock source steps, or
 * that knows of a step the kernel did not report, calls this.  The SNTP
 * client then re-syncs at once (a full burst, with its usual checks) unless
 * the clock still agrees with its last validated time within a second
 * (a step the library made itself through set_clock, or a harmless one):
 * it sets the clock back through set_clock when it is applied.  Timers,
 * DNS cache lifetimes and DHCP lease times run on the monotonic clock and
 * do not move; TLS checks certificates against the validated time once
 * there is one.
 *
 * @param[in] context  the context; NULL or one being destroyed: no-op
 * Thread: loop thread only.
 */
LWS_API void lws_wall_clock_stepped(struct lws_context *context);

/**
 * lws_create_context() - create a context, its "system" vhost and helpers.
 *
 * The state machine starts stepping toward OPERATIONAL on the first loop
 * iteration after this returns.
 *
 * @param[in] info  zero-initialised, then fields set; zero means default
 * @return the context, or NULL (logged) on bad info or out of memory.
 * Thread: the calling thread becomes the loop thread.
 */
LWS_API struct lws_context *
lws_create_context(const struct lws_context_creation_info *info);

/**
 * lws_context_destroy() - tear down.  Safe from inside any library callback
 * and with work in flight; a second call is a logged no-op.  Pending attach
 * items are freed without running (ops->attach_discarded is told).
 *
 * On the library's own loop, memory is freed before return (or, when called
 * from inside lws_service() or from a callback of another library call, as
 * soon as that call unwinds); the loop is run until every handle on it has
 * closed, so an application must not leave handles of its own on the
 * library's own loop (use a foreign loop for that).  On a foreign loop
 * the handles close asynchronously: keep running that loop until
 * uv_run() returns; uv_loop_close() then returns 0.  Thread: loop.
 */
LWS_API void lws_context_destroy(struct lws_context *context);

/**
 * lws_service() - run the library's own loop once.
 *
 * @param timeout_ms  < 0: run what is ready and return at once (lws);
 *                    0: block until there is work, then run it (lws);
 *                    > 0: as 0, but return after at most @timeout_ms ms
 *                    even if nothing happened (an lws-system extension, so
 *                    `while (!interrupted) lws_service(cx, 50);` sees a flag
 *                    set by a signal handler within 50 ms).
 * @return 0, or -1 when the context is gone or being destroyed, or on a
 *         foreign loop.  Thread: loop.
 */
LWS_API int lws_service(struct lws_context *context, int timeout_ms);

/** The context's uv_loop_t (own or foreign).  Thread: loop. */
LWS_API struct uv_loop_s *lws_uv_getloop(struct lws_context *context, int tsi);

/** Wakes the loop (coalesced).  Thread: any, until destroy has begun. */
LWS_API void lws_cancel_service(struct lws_context *context);

LWS_API void *lws_context_user(struct lws_context *context);

/**
 * lws_get_random() - fill @buf from the context's CSPRNG (mbedTLS CTR-DRBG
 * seeded from its entropy source).  @return @len, or 0 on failure (logged).
 * Thread: loop.
 */
LWS_API size_t lws_get_random(struct lws_context *context, void *buf,
                              size_t len);

/** The library's version string, e.g. "2.0.0".  Thread: any. */
LWS_API const char *lws_get_library_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_SYSTEM_H */
