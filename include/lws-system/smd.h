/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * lws_smd: system message distribution, lws's thread-safe publish/subscribe
 * bus.  Publishers on any thread queue short messages (usually JSON) of one
 * class; the loop thread hands each message, in send order, to every peer
 * whose class filter has that class's bit.  The library itself publishes its
 * state changes, captive-portal results and network events (see README.md,
 * "SMD").
 *
 * Thread rule: lws_smd_msg_alloc(), lws_smd_msg_free(), lws_smd_msg_send()
 * and lws_smd_msg_printf() are "Thread: any." (until destroy has begun);
 * lws_smd_register() and lws_smd_unregister() are "Thread: loop.".  Peer
 * callbacks always run on the loop thread, never under a library lock.
 */
#ifndef LWS_SYSTEM_SMD_H
#define LWS_SYSTEM_SMD_H

#include <stddef.h>
#include <stdint.h>

#include <lws-system/system.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The largest payload of one message, in bytes. */
#define LWS_SMD_MAX_PAYLOAD 384
/** Bytes in a class bitfield (lws's constant; classes are 32 bits). */
#define LWS_SMD_CLASS_BITFIELD_BYTES 4

/* lws_smd_class_t (a class bitmask, one bit per class) and
 * lws_smd_notification_cb_t are declared in <lws-system/system.h>. */

enum {
    /** user interaction (button presses, ...) */
    LWSSMDCL_INTERACTION = (1 << 0),
    /** system state changes: {"state":"OPERATIONAL"} */
    LWSSMDCL_SYSTEM_STATE = (1 << 1),
    /** network events: captive portal, DHCP, link, DNS servers, NTP */
    LWSSMDCL_NETWORK = (1 << 2),
    /** metrics reports (this library publishes none) */
    LWSSMDCL_METRICS = (1 << 3),

    /** application classes use bits from this one up */
    LWSSMDCL_USER_BASE_BITNUM = 24
};

/** lws_smd_register() flag: the peer proxies for a Secure Streams client
 *  (accepted for source compatibility; no effect here). */
#define LWSSMDREG_FLAG_PROXIED_SS (1 << 0)

/*
 * lws_smd_notification_cb_t: a peer's callback, on the loop thread, once per
 * message of a class in its filter that was sent after the peer registered.
 *
 * @param opaque     the peer's opaque pointer
 * @param _class     the message's class
 * @param timestamp  when it was sent (lws_now_usecs() clock, read at the
 *                   kernel tick's resolution)
 * @param buf        the payload, borrowed for this call
 * @param len        payload length in bytes
 * @return 0; the value is ignored (lws's shape).  The callback may send,
 *         register, and unregister any peer, itself included.
 */

struct lws_smd_peer;

/**
 * lws_smd_msg_alloc() - allocate a message of @len payload bytes.
 *
 * One allocation holds the library's header and the payload; write the
 * payload through the returned pointer, then lws_smd_msg_send() it or
 * lws_smd_msg_free() it.
 *
 * @return the payload pointer, or NULL (logged) when @len is over
 *         LWS_SMD_MAX_PAYLOAD, @ctx is NULL or memory ran out.
 * Thread: any.
 */
LWS_API void *lws_smd_msg_alloc(struct lws_context *ctx, lws_smd_class_t _class,
                                size_t len);

/**
 * lws_smd_msg_free() - free an unsent message and set *@payload to NULL.
 * NULL and *NULL are accepted.  Thread: any.
 */
LWS_API void lws_smd_msg_free(void **payload);

/**
 * lws_smd_msg_send() - queue a message from lws_smd_msg_alloc() for the loop.
 *
 * Never blocks.  On success the library owns the message.  A message whose
 * class no peer listens to is freed at once and counts as sent.
 *
 * @return 0 (queued, or nobody listens), or non-zero without taking the
 *         message (the caller still owns it and frees it): the queue holds
 *         smd_queue_depth messages already (logged once per overflow
 *         episode), bad arguments, or destroy has begun.
 * Thread: any.
 */
LWS_API int lws_smd_msg_send(struct lws_context *ctx, void *payload);

/**
 * lws_smd_msg_printf() - format and send a message in one call.
 *
 * @return 0 sent (or nobody listens), non-zero if it was not sent (the
 *         formatted text is over LWS_SMD_MAX_PAYLOAD, out of memory, or
 *         lws_smd_msg_send() failed); the message is freed either way.
 * Thread: any.
 */
LWS_API int lws_smd_msg_printf(struct lws_context *ctx, lws_smd_class_t _class,
                               const char *format, ...) LWS_FORMAT(3);

/**
 * lws_smd_register() - add a peer that hears messages of @_class_filter.
 *
 * The peer hears only messages sent after this call.  The context frees
 * still-registered peers at destroy.
 *
 * @param opaque  passed back to @cb
 * @param flags   LWSSMDREG_FLAG_* (no effect here)
 * @return the peer, or NULL (logged) on bad arguments or out of memory.
 * Thread: loop.
 */
LWS_API struct lws_smd_peer *lws_smd_register(struct lws_context *ctx,
                                              void *opaque, int flags,
                                              lws_smd_class_t _class_filter,
                                              lws_smd_notification_cb_t cb);

/**
 * lws_smd_unregister() - remove a peer; it hears nothing more.  Safe from
 * inside any peer's callback, its own included.  NULL is a no-op.  Not
 * after the context is destroyed (destroy frees the peers).
 * Thread: loop.
 */
LWS_API void lws_smd_unregister(struct lws_smd_peer *pr);

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_SMD_H */
