/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fault injection: named fault points inside the library that a test makes
 * fail on purpose, to walk the error paths a healthy machine never takes.
 * Compiled in only with the CMake option LWS_WITH_FI (test builds); without
 * it the points compile to nothing, the functions below are inline stubs
 * returning -ENOTSUP (or 0), and the creation-info fields and the LWS_FI
 * environment variable are ignored.
 *
 * A context's faults are a list of rules, each "name" or "name(selector)":
 *
 *   name          always: every time the point is reached
 *   name(once)    the first time only (same as name(1))
 *   name(N)       the Nth time only (N >= 1)
 *   name(A..B)    the Ath to the Bth time, both included
 *   name(P%)      each time with probability P (0..100) from a PRNG seeded
 *                 per context (lws_context_creation_info.fi_seed, else the
 *                 LWS_FI_SEED environment variable, else the clock); the
 *                 seed is logged at creation, so a run can be repeated
 *
 * "Times" count from when the rule was enabled.  Rules come from
 * lws_context_creation_info.fi, then the LWS_FI environment variable, both
 * comma-separated lists ("core.alloc(3),plat.sock.create(50%)"), and at run
 * time from lws_fi_enable().  An unknown name or a bad selector is an error
 * (logged): lws_create_context() returns NULL, lws_fi_enable() -EINVAL.
 * Every injected fault logs a warning naming the point ("fi: inject ..."),
 * and the failing site logs its own error as it would for the real fault.
 *
 * The points (what the fault does, and the documented outcome):
 *
 *   core.alloc         the library's allocator returns NULL.  Process-wide
 *                      (the allocator has no context) while the context
 *                      that enabled it lives.  The call that needed the
 *                      memory fails with -ENOMEM / NULL, logged.
 *   core.timer         registering the context's timer with the loop
 *                      (uv_timer_init) fails: lws_create_context() returns
 *                      NULL, logged.
 *   core.random        the CSPRNG fails: lws_get_random() returns 0, logged.
 *   core.poll          registering a descriptor with the loop (uv_poll_init)
 *                      fails: the adopt returns NULL, the fd is closed.
 *   core.fdset         creating a readiness set (epoll) fails (-EMFILE).
 *   plat.sock.create   creating a socket fails (-EMFILE) in
 *                      lws_create_adopt_udp(): NULL, logged, no fd left.
 *   plat.sock.bind     binding a UDP socket fails (-EADDRINUSE), as above.
 *   plat.sock.connect  connecting a UDP socket fails (-ENETUNREACH), as
 *                      above.  (The three are checked where the core asks
 *                      the platform for the socket: the platform layer has
 *                      no context.)
 *   core.wsi.rx        reading a datagram / stream fails (-EIO): the
 *                      datagram is lost, logged; a stream is closed.
 *   core.wsi.rx.garble a datagram read by the core is cut short and
 *                      garbled before the protocol sees it.
 *
 * A "garble" point cuts the datagram to 1..11 bytes (below any header the
 * library parses) and flips its first byte, so it can never pass as a
 * valid message.
 *   adns.channel       opening a socket for DNS questions fails (-EMFILE):
 *                      the lookup fails with LADNS_RET_FAILED, logged;
 *                      cached results are kept and still answer.
 *   adns.rx.garble     a DNS reply is truncated / garbled: it is dropped
 *                      (no question of ours matches it), the question
 *                      retries or times out.
 *   adns.tx            sending a DNS query fails (-ENETUNREACH): the
 *                      server is taken as failed and the question moves
 *                      on to its next try at once, then fails
 *                      (LADNS_RET_FAILED, logged); cached results are
 *                      kept and still answer.
 *   ntpc.tx            sending an NTP request fails (-ENETUNREACH): logged
 *                      (info), nothing leaves; the reply timeout retries.
 *   ntpc.rx.garble     an NTP reply is truncated / garbled: it is refused
 *                      (a short packet), no sync comes of it and the clock
 *                      is not set; a sync held before is kept.
 *   ntpc.clock.set     the clock setter (the set_clock op or the built-in
 *                      one) fails (-EPERM): logged ("setting the clock
 *                      failed"), the sync callback gets -EPERM; the sync
 *                      still counts, as with a real failing setter.
 *   dhcpc.pkt.open     opening the DHCP packet socket fails (-EPERM): the
 *                      interface waits and retries; a lease held is kept.
 *   dhcpc.nl.open      opening the rtnetlink link monitor fails (-ENOBUFS).
 *   dhcpc.nl.apply     applying a lease with rtnetlink fails (-ENOBUFS).
 *   dhcpc.tx           sending a DHCP packet (broadcast through the packet
 *                      socket or unicast through UDP) fails (-ENOBUFS):
 *                      logged ("send failed"), nothing leaves; the
 *                      retransmit timer sends again, a lease held is kept.
 *   dhcpc.rx.garble    a DHCP packet is truncated / garbled: it is
 *                      ignored; a lease held is kept.
 *   dhcp6.tx           sending a DHCPv6 message or a Router Solicitation
 *                      fails (-ENOBUFS): logged, nothing leaves; the
 *                      message is retransmitted (a Renew's failure leads on
 *                      to the Rebind), the RS is tried again soon; a lease
 *                      held is kept while its lifetime lasts.
 *   tls.setup          setting up a TLS session fails: the probe fails,
 *                      logged.
 *   tls.handshake      the TLS handshake fails: the probe fails, logged.
 *   tls.tx.short       a TLS record is written in halves (a short write):
 *                      the probe still completes.
 *   cpd.tx.short       the plain-HTTP probe's request is written a half at
 *                      a time: the probe still completes.
 */
#ifndef LWS_SYSTEM_FI_H
#define LWS_SYSTEM_FI_H

#include <errno.h>
#include <stdint.h>

#include <lws-system/system.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lws_context;

/** Most rules one context holds at once. */
#define LWS_FI_MAX_RULES 16

#if LWS_WITH_FI

/**
 * lws_fi_enable() - add rules to a context's faults.
 *
 * @param cx    the context
 * @param spec  "name[(selector)],..." as described above
 * @return 0; -EINVAL (bad spec or unknown name, logged, nothing added);
 *         -ENOSPC (more than LWS_FI_MAX_RULES rules).
 * A rule for a name already there replaces it (its counts restart).
 * Thread: loop.
 */
LWS_API int lws_fi_enable(struct lws_context *cx, const char *spec);

/**
 * lws_fi_disable() - remove the rule for @name (NULL: every rule).
 * @return how many rules were removed.  Thread: loop.
 */
LWS_API int lws_fi_disable(struct lws_context *cx, const char *name);

/**
 * lws_fi_fired() - how many faults the rule for @name injected (NULL: all
 * rules), 0 when there is no such rule.  Thread: any.
 */
LWS_API unsigned int lws_fi_fired(struct lws_context *cx, const char *name);

/** lws_fi_seed() - the seed of the context's fault PRNG.  Thread: any. */
LWS_API uint64_t lws_fi_seed(struct lws_context *cx);

#else /* fault points not compiled in */

static inline int lws_fi_enable(struct lws_context *cx, const char *spec)
{
    (void)cx, (void)spec;
    return -ENOTSUP;
}
static inline int lws_fi_disable(struct lws_context *cx, const char *name)
{
    (void)cx, (void)name;
    return 0;
}
static inline unsigned int lws_fi_fired(struct lws_context *cx,
                                        const char *name)
{
    (void)cx, (void)name;
    return 0;
}
static inline uint64_t lws_fi_seed(struct lws_context *cx)
{
    (void)cx;
    return 0;
}

#endif

#ifdef __cplusplus
}
#endif

#endif /* LWS_SYSTEM_FI_H */
