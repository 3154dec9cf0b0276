/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * SNTP client internals: the NTP packet codec (pure: bytes <-> struct, with
 * the RFC 4330 / 5905 reply checks and the timestamp maths), the sans-I/O
 * core (burst, sample selection, poll adaptation, backoff, kiss-o'-death;
 * driven with a virtual clock by the tests).  Pure: only the wire header
 * included; the glue's instance struct is in private-ntpc.h.
 */
#ifndef LWS_PRIVATE_NTPC_PURE_H
#define LWS_PRIVATE_NTPC_PURE_H

#include "private-wire.h"

#include <lws-system/ntpclient.h>

/* ------------------------------------------------------------------------
 * Codec (ntpc-codec.c)
 */

/* RFC 5905 §6: the 48-byte header, before any extension field or MAC. */
#define LWS__NTPC_PKT_LEN 48
/* RFC 5905 §6: seconds between 1900-01-01 (NTP era 0) and 1970-01-01. */
#define LWS__NTPC_UNIX_DELTA 2208988800u

#define LWS__NTPC_MODE_CLIENT 3
#define LWS__NTPC_MODE_SERVER 4
#define LWS__NTPC_LI_UNSYNC   3

/* An NTP 64-bit timestamp: seconds and 2^-32 s fraction, host order. */
struct lws__ntpc_ts {
    uint32_t sec;
    uint32_t frac;
};

/* A parsed NTP header; every field in host byte order. */
struct lws__ntpc_pkt {
    uint8_t li;          /* leap indicator, 0..3 */
    uint8_t vn;          /* version, 0..7 */
    uint8_t mode;        /* 0..7 */
    uint8_t stratum;     /* 0 = kiss-o'-death / unspecified */
    int8_t poll;         /* log2 seconds */
    int8_t precision;    /* log2 seconds */
    uint32_t root_delay; /* NTP short format, 16.16 seconds */
    uint32_t root_disp;  /* NTP short format, 16.16 seconds */
    uint32_t refid;      /* kiss code (ASCII, big-endian packed) if stratum 0 */
    struct lws__ntpc_ts ref;
    struct lws__ntpc_ts org; /* origin: echo of our transmit timestamp */
    struct lws__ntpc_ts rec; /* server receive time (T2) */
    struct lws__ntpc_ts xmt; /* server transmit time (T3) */
};

/* Why a reply was refused (0 = good).  Names are in lws__ntpc_verdict_name. */
#define LWS__NTPC_VERDICT_LIST(X)                                              \
    X(OK)                                                                      \
    X(SHORT)                                                                   \
    X(MODE)                                                                    \
    X(VERSION)                                                                 \
    X(ORIGIN)                                                                  \
    X(SOURCE)                                                                  \
    X(NOT_WAITING)                                                             \
    X(KOD_RATE)                                                                \
    X(KOD_DENY)                                                                \
    X(KOD_RSTR)                                                                \
    X(KOD_OTHER)                                                               \
    X(LEAP)                                                                    \
    X(STRATUM)                                                                 \
    X(ZERO_XMT)                                                                \
    X(ZERO_REC)                                                                \
    X(ROOT_DIST)                                                               \
    X(BEFORE_FLOOR)                                                            \
    X(TIME_ORDER)                                                              \
    X(BEYOND_HORIZON)

#define LWS__NTPC_V_ENUM(n) LWS__NTPC_V_##n,
enum lws__ntpc_verdict {
    LWS__NTPC_VERDICT_LIST(LWS__NTPC_V_ENUM) LWS__NTPC_V_COUNT
};
#undef LWS__NTPC_V_ENUM

const char *lws__ntpc_verdict_name(int v);

/*
 * Parses at least LWS__NTPC_PKT_LEN bytes of @buf; extension fields and MACs
 * after the header are ignored.  Returns 0 or -EMSGSIZE.
 */
int lws__ntpc_pkt_parse(struct lws__ntpc_pkt *p, const uint8_t *buf,
                        size_t len) LWS__MUST_CHECK;

/* Writes a 48-byte client request carrying @xmt as transmit timestamp (the
 * cookie).  Returns the length written or -ENOSPC. */
int lws__ntpc_pkt_write_request(uint8_t *buf, size_t len,
                                const struct lws__ntpc_ts *xmt) LWS__MUST_CHECK;

/*
 * The reply checks of RFC 4330 §5 / RFC 5905 §8 that need only the packet:
 * mode, version, origin == @cookie, kiss-o'-death, leap, stratum, zero
 * timestamps and root distance <= @root_dist_max_us.
 * Returns an LWS__NTPC_V_* verdict.
 */
int lws__ntpc_pkt_check(const struct lws__ntpc_pkt *p,
                        const struct lws__ntpc_ts *cookie,
                        int64_t root_dist_max_us);

/* True when a refusal means "this reply answered our request" (the cookie
 * matched), as opposed to a stray or forged datagram to be ignored. */
bool lws__ntpc_verdict_is_answer(int v);

/* 16.16 short format to nanoseconds. */
int64_t lws__ntpc_short_to_ns(uint32_t s);

/*
 * NTP timestamp to Unix nanoseconds, picking the era (RFC 5905 §6: 2^32 s
 * each; era 1 starts in 2036) that puts the result within +-2^31 s of
 * @pivot_ns (the time floor).
 */
int64_t lws__ntpc_ts_to_unix_ns(const struct lws__ntpc_ts *ts,
                                int64_t pivot_ns);

/* One exchange's result.  Local times come from the monotonic clock, so a
 * step of the wall clock between send and receive cannot corrupt it. */
struct lws__ntpc_sample {
    int64_t offset_ns;     /* server time minus local wall clock */
    int64_t delay_ns;      /* round trip minus server processing (>= 0) */
    int64_t true_at_rx_ns; /* Unix ns the server says it was at mono_rx_us */
    lws_usec_t mono_rx_us; /* monotonic time the reply arrived */
    int64_t root_dist_ns;  /* root delay / 2 + root dispersion */
    uint8_t stratum;
    uint8_t leap;
};

/*
 * Offset and delay from the four timestamps (RFC 5905 §8, RFC 4330 §5):
 * T1 = @wall_tx_us (local wall clock when sending, Unix us), T4 = T1 plus the
 * monotonic time elapsed, T2/T3 the server's receive/transmit times.
 * Returns LWS__NTPC_V_OK, _BEFORE_FLOOR (T2 or T3 before @floor_ns) or
 * _TIME_ORDER (T3 before T2).
 */
int lws__ntpc_sample_compute(const struct lws__ntpc_pkt *p,
                             lws_usec_t wall_tx_us, lws_usec_t mono_tx_us,
                             lws_usec_t mono_rx_us, int64_t floor_ns,
                             struct lws__ntpc_sample *s);

/* ------------------------------------------------------------------------
 * Sans-I/O core (ntpc-core.c)
 */

/* From poll_min_s to retry_max_ms laid out as in struct lws_ntpc_info, so
 * the glue copies them in one go. */
struct lws__ntpc_cfg {
    uint32_t poll_min_s;        /* 0 = 32 */
    uint32_t poll_max_s;        /* 0 = 2048 */
    uint32_t root_dist_max_ms;  /* 0 = 5000 */
    uint8_t burst;              /* 0 = 4 exchanges on first sync / trigger */
    uint32_t burst_interval_ms; /* gap between burst exchanges, 0 = none */
    uint32_t reply_timeout_ms;  /* 0 = 1000 */
    uint32_t retry_min_ms;      /* 0 = 2000: first backoff */
    uint32_t retry_max_ms;      /* 0 = 300000: backoff cap */
    uint32_t accuracy_ms;       /* 0 = 50: poll grows while error below */
    bool clock_applied;         /* each sync is applied to the clock */
    int64_t floor_ns;           /* earliest acceptable server time, Unix ns */
    int64_t ceil_ns;            /* latest acceptable (the horizon), 0 = none */
    uint32_t (*rand32)(void *opaque); /* cookies and jitter */
    void *rand_opaque;
};

enum lws__ntpc_phase {
    LWS__NTPC_IDLE,     /* no server, nothing scheduled */
    LWS__NTPC_WAIT_RX,  /* a request is out */
    LWS__NTPC_GAP,      /* between two exchanges of a round */
    LWS__NTPC_POLL,     /* synced, waiting for the next poll */
    LWS__NTPC_BACKOFF,  /* failed, waiting to retry */
    LWS__NTPC_NEED_SRV, /* asked the glue for the next server */
};

/* Action flags returned to the glue. */
#define LWS__NTPC_ACT_SEND        (1u << 0) /* send pkt[0..pkt_len) to the server */
#define LWS__NTPC_ACT_WAKE        (1u << 1) /* call on_timer at wake_at (mono) */
#define LWS__NTPC_ACT_SYNCED      (1u << 2) /* sample is a validated result */
#define LWS__NTPC_ACT_NEXT_SERVER (1u << 3) /* give the next server */
#define LWS__NTPC_ACT_DROP_SERVER (1u << 4) /* leave it out for a backoff */

/* What the core asks the glue to do (its out struct).  Every core entry
 * point that takes one resets it first (the caller need not). */
struct lws__ntpc_out {
    unsigned int flags;
    uint8_t pkt[LWS__NTPC_PKT_LEN];
    size_t pkt_len;
    lws_usec_t wake_at; /* monotonic us */
    struct lws__ntpc_sample sample;
};

struct lws__ntpc_core {
    struct lws__ntpc_cfg cfg;
    enum lws__ntpc_phase phase;
    lws_sockaddr46 server; /* the address asked; replies must come from it */
    bool have_server;
    bool synced; /* at least one validated sync ever */
    /* the exchange in flight */
    struct lws__ntpc_ts cookie;
    lws_usec_t mono_tx_us;
    lws_usec_t wall_tx_us;
    lws_usec_t deadline; /* monotonic */
    /* the round (a burst, or one re-sync) */
    uint8_t want_good;
    uint8_t max_tries;
    uint8_t tries;
    uint8_t good;
    uint8_t fails_in_row; /* timeouts or refused answers */
    struct lws__ntpc_sample best;
    /* schedule */
    uint32_t poll_s;     /* current poll interval */
    uint32_t backoff_ms; /* last backoff, 0 after a sync */
    int64_t prev_offset_ns;
    int last_verdict;
};

/*
 * Every entry point has the helpers' shape (core, now, event..., out): @now
 * is the monotonic clock in us, and the core resets @out first.  Those that
 * may send a request also take @wall, the wall clock (Unix us) at the same
 * moment: it is T1 of the exchange (RFC 5905 §8), which the offset needs;
 * all scheduling uses @now.
 */

/* Fills defaults; cannot fail. */
void lws__ntpc_core_init(struct lws__ntpc_core *c,
                         const struct lws__ntpc_cfg *cfg);

/*
 * The glue's answer to NEXT_SERVER (or the first server): @sa46 (port set).
 * Starts a round at once when @start, else waits for the backoff already
 * scheduled.
 */
void lws__ntpc_core_set_server(struct lws__ntpc_core *c, lws_usec_t now,
                               lws_usec_t wall, const lws_sockaddr46 *sa46,
                               bool start, struct lws__ntpc_out *out);

/* The glue has no usable server now: back off, then ask again. */
void lws__ntpc_core_no_server(struct lws__ntpc_core *c, lws_usec_t now,
                              struct lws__ntpc_out *out);

/* Forget the server (the list changed); the glue must set one again. */
void lws__ntpc_core_clear_server(struct lws__ntpc_core *c);

/* Start a full burst now (trigger, new DHCP server, link up); resets the
 * backoff.  No-op while a round is running. */
void lws__ntpc_core_kick(struct lws__ntpc_core *c, lws_usec_t now,
                         lws_usec_t wall, struct lws__ntpc_out *out);

/* A datagram arrived from @from.  Returns the LWS__NTPC_V_* verdict. */
int lws__ntpc_core_on_rx(struct lws__ntpc_core *c, lws_usec_t now,
                         lws_usec_t wall, const lws_sockaddr46 *from,
                         const uint8_t *buf, size_t len,
                         struct lws__ntpc_out *out);

/* The wake time passed. */
void lws__ntpc_core_on_timer(struct lws__ntpc_core *c, lws_usec_t now,
                             lws_usec_t wall, struct lws__ntpc_out *out);

#endif /* LWS_PRIVATE_NTPC_PURE_H */
