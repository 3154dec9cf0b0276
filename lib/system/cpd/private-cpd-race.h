/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Happy Eyeballs v2 glue (cpd-race.c): the connection race of one probe
 * attempt.  The addresses are ordered (RFC 6724, with the source the kernel
 * picks for each) and interleaved by family, then raced by the pure core
 * (private-cpd-he.h): non-blocking sockets adopted as wsis of the CPD
 * protocol, further sockets beside a connect that goes unanswered, the
 * first connected one handed to the caller, the others closed at once.
 */
#ifndef LWS_PRIVATE_CPD_RACE_H
#define LWS_PRIVATE_CPD_RACE_H

#include "private-core.h"
#include "private-cpd-he.h"

struct lws__cpd_race;

/* The race ended: @winner (now the caller's, its opaque user data is the
 * race's @opaque) or NULL with @why.  The race may be freed from inside. */
typedef void (*lws__cpd_race_cb_t)(struct lws__cpd_race *r, struct lws *winner,
                                   const char *why);

struct lws__cpd_race {
    struct lws_context *cx;
    lws__cpd_race_cb_t done;
    void *opaque; /* the racing wsis' opaque user data */
    struct lws__cpd_he he;
    struct lws *wsi[LWS__CPD_HE_SLOTS]; /* each connect's socket */
    lws_sorted_usec_list_t sul;
    lws_sockaddr46 addr[LWS__CPD_HE_MAX];
    char why[128]; /* the last failure */
};

/*
 * Orders @sa (@n of them, port @port) and starts the race.  @done may run
 * before this returns (nothing usable, every socket refused at once).
 */
void lws__cpd_race_start(struct lws__cpd_race *r, struct lws_context *cx,
                         const lws_sockaddr46 *sa, int n, uint16_t port,
                         uint32_t head_ms, uint32_t step_ms, uint32_t conn_ms,
                         void *opaque, lws__cpd_race_cb_t done);

/* A racing wsi became writable or readable (@closed: it closed).  @return
 * false when @wsi is not one of the race's. */
bool lws__cpd_race_event(struct lws__cpd_race *r, struct lws *wsi, bool closed);

/* Closes every racing socket and the timer (the winner, once handed over,
 * is not the race's any more).  Safe on a race never started. */
void lws__cpd_race_stop(struct lws__cpd_race *r);

/* Addresses tried so far. */
static inline int lws__cpd_race_tried(const struct lws__cpd_race *r)
{
    return r->he.next < r->he.n ? r->he.next : r->he.n;
}

#endif /* LWS_PRIVATE_CPD_RACE_H */
