/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * SNTP client internals: the NTP packet codec (pure: bytes <-> struct, with
 * the RFC 4330 / 5905 reply checks and the timestamp maths), the sans-I/O
 * core (burst, sample selection, poll adaptation, backoff, kiss-o'-death;
 * driven with a virtual clock by the tests) and the glue's instance struct.
 */
#ifndef LWS_PRIVATE_NTPCLIENT_H
#define LWS_PRIVATE_NTPCLIENT_H

#include "private-news.h"

#include <lws-system/ntpclient.h>

/* ------------------------------------------------------------------------
 * Codec (ntp-packet.c)
 */

/* RFC 5905 §6: the 48-byte header, before any extension field or MAC. */
#define LWS__NTP_PKT_LEN 48
/* RFC 5905 §6: seconds between 1900-01-01 (NTP era 0) and 1970-01-01. */
#define LWS__NTP_UNIX_DELTA 2208988800u

#define LWS__NTP_MODE_CLIENT 3
#define LWS__NTP_MODE_SERVER 4
#define LWS__NTP_LI_UNSYNC   3

/* An NTP 64-bit timestamp: seconds and 2^-32 s fraction, host order. */
struct lws__ntp_ts {
    uint32_t sec;
    uint32_t frac;
};

/* A parsed NTP header; every field in host byte order. */
struct lws__ntp_pkt {
    uint8_t li;          /* leap indicator, 0..3 */
    uint8_t vn;          /* version, 0..7 */
    uint8_t mode;        /* 0..7 */
    uint8_t stratum;     /* 0 = kiss-o'-death / unspecified */
    int8_t poll;         /* log2 seconds */
    int8_t precision;    /* log2 seconds */
    uint32_t root_delay; /* NTP short format, 16.16 seconds */
    uint32_t root_disp;  /* NTP short format, 16.16 seconds */
    uint32_t refid;      /* kiss code (ASCII, big-endian packed) if stratum 0 */
    struct lws__ntp_ts ref;
    struct lws__ntp_ts org; /* origin: echo of our transmit timestamp */
    struct lws__ntp_ts rec; /* server receive time (T2) */
    struct lws__ntp_ts xmt; /* server transmit time (T3) */
};

/* Why a reply was refused (0 = good).  Names are in lws__ntp_verdict_name. */
#define LWS__NTP_VERDICT_LIST(X)                                               \
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

#define LWS__NTP_V_ENUM(n) LWS__NTP_V_##n,
enum lws__ntp_verdict {
    LWS__NTP_VERDICT_LIST(LWS__NTP_V_ENUM) LWS__NTP_V_COUNT
};
#undef LWS__NTP_V_ENUM

const char *lws__ntp_verdict_name(int v);

/*
 * Parses at least LWS__NTP_PKT_LEN bytes of @buf; extension fields and MACs
 * after the header are ignored.  Returns 0 or -EMSGSIZE.
 */
int lws__ntp_pkt_parse(struct lws__ntp_pkt *p, const uint8_t *buf,
                       size_t len) LWS__MUST_CHECK;

/* Writes a 48-byte client request carrying @xmt as transmit timestamp (the
 * cookie).  Returns the length written or -ENOSPC. */
int lws__ntp_pkt_write_request(uint8_t *buf, size_t len,
                               const struct lws__ntp_ts *xmt) LWS__MUST_CHECK;

/* Writes any header (servers in tests, the fuzzer).  Same returns. */
int lws__ntp_pkt_write(uint8_t *buf, size_t len,
                       const struct lws__ntp_pkt *p) LWS__MUST_CHECK;

/*
 * The reply checks of RFC 4330 §5 / RFC 5905 §8 that need only the packet:
 * mode, version, origin == @cookie, kiss-o'-death, leap, stratum, zero
 * timestamps and root distance <= @root_dist_max_us.
 * Returns an LWS__NTP_V_* verdict.
 */
int lws__ntp_pkt_check(const struct lws__ntp_pkt *p,
                       const struct lws__ntp_ts *cookie,
                       int64_t root_dist_max_us);

/* True when a refusal means "this reply answered our request" (the cookie
 * matched), as opposed to a stray or forged datagram to be ignored. */
bool lws__ntp_verdict_is_answer(int v);

/* 16.16 short format to nanoseconds. */
int64_t lws__ntp_short_to_ns(uint32_t s);

/*
 * NTP timestamp to Unix nanoseconds, picking the era (RFC 5905 §6: 2^32 s
 * each; era 1 starts in 2036) that puts the result within +-2^31 s of
 * @pivot_ns (the time floor).
 */
int64_t lws__ntp_ts_to_unix_ns(const struct lws__ntp_ts *ts, int64_t pivot_ns);

/* Unix nanoseconds to an NTP timestamp (any era; the era number is lost). */
void lws__ntp_unix_ns_to_ts(int64_t ns, struct lws__ntp_ts *ts);

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
 * Returns LWS__NTP_V_OK, _BEFORE_FLOOR (T2 or T3 before @floor_ns) or
 * _TIME_ORDER (T3 before T2).
 */
int lws__ntp_sample(const struct lws__ntp_pkt *p, lws_usec_t wall_tx_us,
                    lws_usec_t mono_tx_us, lws_usec_t mono_rx_us,
                    int64_t floor_ns, struct lws__ntpc_sample *s);

/* ------------------------------------------------------------------------
 * Sans-I/O core (ntpc-core.c)
 */

struct lws__ntpc_cfg {
    uint32_t poll_min_s;        /* 0 = 32 */
    uint32_t poll_max_s;        /* 0 = 2048 */
    uint32_t root_dist_max_ms;  /* 0 = 5000 */
    uint32_t reply_timeout_ms;  /* 0 = 1000 */
    uint32_t retry_min_ms;      /* 0 = 2000: first backoff */
    uint32_t retry_max_ms;      /* 0 = 300000: backoff cap */
    uint32_t burst_interval_ms; /* gap between burst exchanges, 0 = none */
    uint32_t accuracy_ms;       /* 0 = 50: poll grows while error below */
    uint8_t burst;              /* 0 = 4 exchanges on first sync / trigger */
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

/* What the core asks the glue to do.  Every core entry point that takes one
 * resets it first (the caller need not). */
struct lws__ntpc_act {
    unsigned int flags;
    uint8_t pkt[LWS__NTP_PKT_LEN];
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
    struct lws__ntp_ts cookie;
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

/* Fills defaults; cannot fail. */
void lws__ntpc_core_init(struct lws__ntpc_core *c,
                         const struct lws__ntpc_cfg *cfg);

/*
 * The glue's answer to NEXT_SERVER (or the first server): @sa46 (port set).
 * Starts a round at once when @start, else waits for the backoff already
 * scheduled.
 */
void lws__ntpc_core_set_server(struct lws__ntpc_core *c,
                               const lws_sockaddr46 *sa46, bool start,
                               lws_usec_t mono, lws_usec_t wall,
                               struct lws__ntpc_act *a);

/* The glue has no usable server now: back off, then ask again. */
void lws__ntpc_core_no_server(struct lws__ntpc_core *c, lws_usec_t mono,
                              struct lws__ntpc_act *a);

/* Forget the server (the list changed); the glue must set one again. */
void lws__ntpc_core_clear_server(struct lws__ntpc_core *c);

/* Start a full burst now (trigger, new DHCP server, link up); resets the
 * backoff.  No-op while a round is running. */
void lws__ntpc_core_kick(struct lws__ntpc_core *c, lws_usec_t mono,
                         lws_usec_t wall, struct lws__ntpc_act *a);

/* A datagram arrived from @from.  Returns the LWS__NTP_V_* verdict. */
int lws__ntpc_core_on_rx(struct lws__ntpc_core *c, lws_usec_t mono,
                         lws_usec_t wall, const lws_sockaddr46 *from,
                         const uint8_t *buf, size_t len,
                         struct lws__ntpc_act *a);

/* The wake time passed. */
void lws__ntpc_core_on_timer(struct lws__ntpc_core *c, lws_usec_t mono,
                             lws_usec_t wall, struct lws__ntpc_act *a);

/* ------------------------------------------------------------------------
 * Glue (ntpclient.c; the clock setter is lws__plat_set_clock())
 */

/* Counters for tests and diagnostics. */
struct lws__ntpc_stats {
    uint32_t sent;                       /* requests sent */
    uint32_t rx;                         /* datagrams read */
    uint32_t verdicts[LWS__NTP_V_COUNT]; /* per verdict, OK included */
    uint32_t syncs;                      /* validated syncs */
    uint32_t dns_lookups;                /* names given to async DNS */
    uint32_t server_switches;            /* addresses handed to the core */
};

/* 0, -EINVAL, or -ENOTSUP when the client is not running in @cx. */
int lws__ntpc_get_stats(struct lws_context *cx, struct lws__ntpc_stats *st);

/* Limits of the server list, and the client instance (context slot
 * "ntpc"). */
#define LWS__NTPC_HOST_MAX    256
#define LWS__NTPC_MAX_SOURCES 12
#define LWS__NTPC_MAX_ADDRS   8
#define LWS__NTPC_MAX_DROPPED 16
#define LWS__NTPC_MAX_DHCP    8

enum lws__ntpc_origin {
    LWS__NTPC_SRC_APP,
    LWS__NTPC_SRC_BLOB,
    LWS__NTPC_SRC_DHCP,
    LWS__NTPC_SRC_POOL
};

struct lws__ntpc_source {
    char *host;    /* name or numeric address, owned */
    uint16_t port; /* host order */
    uint8_t origin;
};

/* A server that sent a kiss-o'-death DENY or RSTR (RFC 5905 §7.4).  One
 * such packet may be an on-path forgery, so the server is only left out for
 * a backoff: 1 h, doubling with each new refusal up to 24 h. */
struct lws__ntpc_drop {
    lws_sockaddr46 sa;
    lws_usec_t until; /* monotonic us: left out until then */
    uint8_t count;    /* refusals so far */
};

#define LWS__NTPC_DROP_MIN_S (3600u)
#define LWS__NTPC_DROP_MAX_S (24u * 3600u)

struct lws__ntpc_dhcp {
    char iface[16];
    uint32_t addr; /* IPv4, host order */
};

struct lws__ntpc {
    struct lws_context *cx;
    struct lws_vhost *vh;
    struct lws *wsi;
    int wsi_family;
    struct lws__ntpc_core core;
    lws_sorted_usec_list_t sul_core;  /* the core's wake time */
    lws_sorted_usec_list_t sul_kick;  /* deferred start / trigger */
    lws_sorted_usec_list_t sul_stamp; /* periodic stamp save */
    lws_state_notify_link_t nl;

    /* configuration (copied) */
    char **app_servers;
    size_t n_app;
    uint16_t port;
    int policy;
    unsigned int flags;
    char *stamp_path;
    uint32_t stamp_interval_s;
    int (*stamp_load)(struct lws_context *cx, lws_usec_t *wall_us);
    int (*stamp_save)(struct lws_context *cx, lws_usec_t wall_us);
    lws_ntpc_sync_cb_t sync_cb;
    void *sync_user;

    /* the server list and where we are in it */
    struct lws__ntpc_source src[LWS__NTPC_MAX_SOURCES];
    size_t n_src;
    size_t cur_src; /* index of the source whose addresses are loaded */
    lws_sockaddr46 addrs[LWS__NTPC_MAX_ADDRS];
    size_t n_addrs;
    size_t next_addr; /* next address of the source to hand out */
    /* DENY / RSTR: LWS__NTPC_MAX_DROPPED entries, allocated on the first
     * refusal (most devices never see one) */
    struct lws__ntpc_drop *dropped;
    size_t n_dropped;
    struct lws__ntpc_dhcp dhcp[LWS__NTPC_MAX_DHCP];
    size_t n_dhcp;
    void *dns_tok; /* lookup in flight */

    bool running;    /* has a server list and works it */
    bool want_pool;  /* the gate or a trigger needs time at any cost */
    bool kick;       /* a trigger / link-up asks for a burst */
    bool list_dirty; /* DHCP servers changed */
    bool held;       /* our notifier vetoes TIME_VALID */
    bool synced;     /* a validated sync happened */

    lws_usec_t floor_us;
    lws_usec_t ceil_us;     /* build time + horizon: later is not believed */
    lws_usec_t max_step_us; /* a larger step needs a second source */
    /* A large step one source proposed, waiting for another to agree:
     * its server and its time projected to the monotonic clock's zero. */
    lws_sockaddr46 cand_server;
    int64_t cand_base_us;
    int64_t cand_tol_us;
    bool have_cand;
    uint8_t cand_tries; /* sources asked in a row without agreement */
    struct lws_ntpc_status st;
    struct lws__ntpc_stats stats;
    /* Carries out what the core decided; false when @n is gone.  Set by
     * the glue (ntpclient.c), called by the server list too. */
    bool (*act)(struct lws__ntpc *n, struct lws__ntpc_act *a);
    struct lws__news_observer news; /* DHCP-learned servers, links */
};

/* Glue (ntpclient.c) */
bool lws__ntpc_act(struct lws__ntpc *n, struct lws__ntpc_act *a);
/* Replace the DHCP-learned NTP servers of @iface with @addrs (IPv4, host
 * order; n may be 0).  Fed by cross-helper news. */
int lws__ntpc_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n);
/* A link came back (or went away): re-sync soon if appropriate. */
void lws__ntpc_link_changed(struct lws_context *cx, bool up);

/* Server list (ntpc-servers.c) */
const char *lws__ntpc_sa46_str(const lws_sockaddr46 *sa, char *buf, size_t len);
void lws__ntpc_sources_free(struct lws__ntpc *n);
void lws__ntpc_sources_build(struct lws__ntpc *n);
void lws__ntpc_next_server(struct lws__ntpc *n, bool start);
/* Leaves @sa out for its next backoff from @mono; returns that backoff in
 * seconds.  True while @sa is left out at @mono. */
uint32_t lws__ntpc_drop(struct lws__ntpc *n, const lws_sockaddr46 *sa,
                        lws_usec_t mono);
bool lws__ntpc_is_dropped(const struct lws__ntpc *n, const lws_sockaddr46 *sa,
                          lws_usec_t mono);

/* The answer to a lookup: @addrs (port 0), @count may be 0. */
typedef void (*lws__ntpc_resolved_cb)(struct lws__ntpc *n,
                                      const lws_sockaddr46 *addrs,
                                      size_t count);
/* Async DNS glue (ntpclient-dns.c): start resolving @host for @n; the
 * answer comes back through @done unless the lookup *@tok is orphaned
 * first.  0, or a negative errno (-ENOTSUP without the resolver): nothing
 * will be called back. */
int lws__ntpc_resolve(struct lws__ntpc *n, struct lws_context *cx,
                      const char *host, lws__ntpc_resolved_cb done, void **tok);
/* Forget the lookup @tok in flight (at destroy); its answer is dropped. */
void lws__ntpc_resolve_orphan(void *tok);

/* Default time floor: the build time of the library, Unix us. */
lws_usec_t lws__ntpc_build_floor_us(void);

/* Latest Unix time (seconds) any stamp, floor or wall reading is taken as
 * (2096): microseconds, and nanoseconds of it, stay far from overflow. */
#define LWS__NTPC_TIME_MAX_S 4000000000ll
/* Default horizon after the build time: 20 years. */
#define LWS__NTPC_HORIZON_S (20u * 365u * 86400u)
/* Default largest step one source alone may make. */
#define LWS__NTPC_MAX_STEP_S 1000u

/* Stamp file helpers: read/write decimal Unix seconds. */
int lws__ntpc_stamp_file_load(const char *path, lws_usec_t *wall_us);
int lws__ntpc_stamp_file_save(const char *path, lws_usec_t wall_us);

/* Parses "host", "1.2.3.4", "1.2.3.4:port", "[v6]:port" or "v6"; writes the
 * host part into @host and the port (or 0) into *@port.  0 or -EINVAL. */
int lws__ntpc_split_hostport(const char *in, char *host, size_t host_len,
                             uint16_t *port);

#endif /* LWS_PRIVATE_NTPCLIENT_H */
