/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Happy Eyeballs v2 (RFC 8305) for the CPD HTTP/HTTPS client, the pure part
 * (cpd-he.c): destination address ordering (RFC 6724 section 6) and the
 * connection race's decisions on a virtual clock.  The glue (cpd-probe.c)
 * finds each destination's source address, opens the sockets and carries
 * out what the race core says.
 */
#ifndef LWS_PRIVATE_CPD_HE_H
#define LWS_PRIVATE_CPD_HE_H

#include "private-wire.h"

#define LWS__CPD_HE_MAX         8    /* addresses raced per attempt */
#define LWS__CPD_DEF_HE_HEAD_MS 250u /* first family's head start */
#define LWS__CPD_DEF_HE_STEP_MS 250u /* Connection Attempt Delay */

/* A destination and the source the host would use to reach it (the glue
 * asks the kernel); src.sa4.sin_family == 0: no route, unusable. */
struct lws__cpd_he_cand {
    lws_sockaddr46 dst;
    lws_sockaddr46 src;
};

/*
 * Sorts @c (stable) by RFC 6724 destination address selection: rule 1
 * (avoid unusable destinations), 2 (prefer matching scope), 5 (prefer
 * matching label), 6 (prefer higher precedence), 8 (prefer smaller scope),
 * 9 (longest matching prefix, IPv6 only, at most 64 bits), 10 (otherwise
 * keep the resolver's order), with the default policy table of section
 * 2.1.  Rules 3, 4 and 7 need what the kernel does not tell (deprecated
 * and home addresses, tunnels) and are not applied.
 */
void lws__cpd_rfc6724_sort(struct lws__cpd_he_cand *c, int n);

/*
 * RFC 8305 section 4: the sorted list reordered so that families alternate,
 * starting with the family of the first.  Writes the destinations to @out
 * (room for @n) and returns how many are usable (rule 1: those without a
 * source are left out).
 */
int lws__cpd_he_interleave(const struct lws__cpd_he_cand *c, int n,
                           lws_sockaddr46 *out);

/*
 * The race core: one per connection.  Connect i (a slot) goes to address
 * he->addr[i]: the first n slots to the interleaved addresses in order, the
 * rest are hedges.  A connect unanswered for conn_ms is not given up: it
 * keeps running (its SYN may still be answered, or its SYN-ACK be resent)
 * while the next connect starts beside it, to the next address or, once
 * every address runs, to the live address with the fewest connects running
 * (a fresh socket sends its SYN at once instead of after the kernel's
 * retransmission backoff of 1, 2, 4 s...).  At most LWS__CPD_HE_HEDGES such
 * further connects per race; the first to connect wins.
 */
#define LWS__CPD_HE_HEDGES 3
#define LWS__CPD_HE_SLOTS  (LWS__CPD_HE_MAX + LWS__CPD_HE_HEDGES)

enum { LWS__HE_IDLE, LWS__HE_RUNNING, LWS__HE_FAILED, LWS__HE_WON };

struct lws__cpd_he {
    /* bytes first: Thumb-2's short byte loads reach offsets below 32 */
    uint8_t st[LWS__CPD_HE_SLOTS];
    uint8_t addr[LWS__CPD_HE_SLOTS]; /* each slot's address */
    int n;                           /* addresses */
    int next;                        /* connects started (slots used) */
    int running;
    unsigned int dead; /* bit a: a connect to address a failed */
    uint32_t head_ms, step_ms, conn_ms;
    lws_usec_t next_at; /* the next address is due (0: none) */
    lws_usec_t last_at; /* the latest connect started */
};

struct lws__cpd_he_out {
    int start;          /* slot of a connect to start now, or -1 */
    int won;            /* the slot that connected first, or -1 */
    unsigned int close; /* bit i: close slot i now (the losers) */
    bool failed;        /* every connect failed */
    lws_usec_t wake_at; /* call lws__cpd_he_timer() then; 0: never */
};

/* Starts the race over @n (1..LWS__CPD_HE_MAX) addresses: address 0 now,
 * address 1 after @head_ms, each further one @step_ms after the one before
 * or as soon as a running connect fails, or @conn_ms after the latest
 * connect started if that comes first; then hedges @conn_ms apart (see
 * above).  @conn_ms 0: no hedges, each address is tried once. */
void lws__cpd_he_start(struct lws__cpd_he *he, lws_usec_t now, int n,
                       uint32_t head_ms, uint32_t step_ms, uint32_t conn_ms,
                       struct lws__cpd_he_out *out);
/* @ev: LWS__HE_IDLE, the wake time asked for came; LWS__HE_FAILED, connect
 * @i failed (refused, unreachable, socket error): its address gets no more
 * connects; LWS__HE_WON, connect @i connected: it wins if none won before
 * (out->won), the other running connects are to be closed. */
void lws__cpd_he_event(struct lws__cpd_he *he, lws_usec_t now, int i, int ev,
                       struct lws__cpd_he_out *out);
#define lws__cpd_he_timer(he, now, out)                                        \
    lws__cpd_he_event(he, now, -1, LWS__HE_IDLE, out)
#define lws__cpd_he_failed(he, now, i, out)                                    \
    lws__cpd_he_event(he, now, i, LWS__HE_FAILED, out)
#define lws__cpd_he_connected(he, now, i, out)                                 \
    lws__cpd_he_event(he, now, i, LWS__HE_WON, out)

#endif /* LWS_PRIVATE_CPD_HE_H */
