/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Private header of the captive-portal glue shared by cpd-glue.c (API,
 * notifier, check driving) and cpd-probe.c (one probe attempt).  The check core
 * and the HTTP codec (pure) are in private-cpd-pure.h and private-cpd-codec.h.
 */
#ifndef LWS_PRIVATE_CPD_H
#define LWS_PRIVATE_CPD_H

#include "private-core.h"
#include "private-cpd-he.h"
#include "private-cpd-pure.h"
#include "private-news.h"
#if LWS_WITH_SYS_CPD_CAPPORT_API
#include "private-cpd-capport.h"
#endif

#if !LWS_WITH_SYS_ASYNC_DNS
/* CPD resolves its probe hosts through the async resolver. */
#error "LWS_WITH_SYS_CPD needs LWS_WITH_SYS_ASYNC_DNS"
#endif

/* ------------------------------------------------------------------------
 * Glue shared by cpd-glue.c (API, notifier, check driving) and cpd-probe.c (one
 * probe attempt).
 */
#define LWS__CPD_PROTOCOL   "lws-cpd"
#define LWS__CPD_REASON_MAX 320

/* Which URL / step: [PRE] http at CPD_PRE_TIME, [POST] https. */
enum lws__cpd_phase {
    LWS__CPD_PH_NONE,
    LWS__CPD_PH_PRE,
    LWS__CPD_PH_POST,
    LWS__CPD_PH_COUNT
};

struct lws__cpd_probe;  /* cpd-probe.c */
struct lws__cpd_portal; /* below */
struct lws__tls_conf;   /* cpd-tls.c */

/* What a configured CPD adds: recovery after OPERATIONAL and the status
 * (allocated only then: an idle, unconfigured CPD stays small). */
#define LWS__CPD_ADDRS 8 /* addresses of the host tried per attempt */

struct lws__cpd_rec {
    /* Hot members first (short Thumb-2 load offsets). */
    struct lws__cpd *cpd;
    struct lws__cpd_portal *portal; /* the network's URI (RFC 8910) */
    uint8_t nknown;
    struct lws__cpd_watch watch;      /* recovery after OPERATIONAL */
    lws_cpd_result_t last_result;     /* of the last finished check */
    unsigned int checks;              /* checks started */
    uint32_t connect_ms;              /* per address while another waits */
    uint32_t he_head_ms, he_step_ms;  /* Happy Eyeballs (cpd-probe.c) */
    struct lws__news_observer news;   /* links, leases, DNS servers */
    lws_sorted_usec_list_t sul_watch; /* the watch's next re-check */
    /* The addresses the running check resolved: its later attempts race
     * them again instead of asking DNS (a lossy lookup costs seconds). */
    lws_sockaddr46 known[LWS__CPD_ADDRS];
};

/* The CPD instance of a context (LWS__HELPER(cx, CPD)).  Hot scalars first
 * (short Thumb-2 load offsets); the reason, used often, before the timers
 * (reached only through their address). */
struct lws__cpd {
    /* bytes first: Thumb-2's short byte loads reach offsets below 32 */
    bool op_running;
    bool passed[LWS__CPD_PH_COUNT];
    uint8_t cur;  /* URL of the running check (enum lws__cpd_phase) */
    uint8_t held; /* step we are holding, or NONE */
    struct lws_context *cx;
    struct lws__cpd_rec *rec; /* NULL while CPD is not configured */
    struct lws__cpd_core core;
    struct lws__cpd_probe *probe;
    struct lws__cpd_probe *straggler; /* a timed-out attempt still running */
    /* Carries out what the check core asked for: set by cpd-glue.c, called by
     * the probe when an attempt ends. */
    void (*apply)(struct lws__cpd *cpd, const struct lws__cpd_out *out);
    char *notify_reason; /* LWS__CPD_REASON_MAX, allocated on first use */
    struct lws__tls_conf *tls_conf;    /* loaded when an https_url is set */
    char *url_text[LWS__CPD_PH_COUNT]; /* [PRE] http, [POST] https; parsed
                                        * by each probe */
    lws_cpd_result_t result;
    lws_cpd_result_t late; /* its answer, between attempts (UNKNOWN: none) */
    unsigned int flags;
    uint32_t recheck_ms;
    /* result_cb delivery, from a sul (never inside lws_system_cpd_set()) */
    lws_cpd_result_cb_t result_cb;
    void *result_user;
    lws_cpd_result_t notify_result;
    struct lws__cpd_expect expect; /* .body: our copy */
    struct lws__cpd_core_cfg cfg;
    char reason[LWS__CPD_REASON_MAX];
    lws_state_notify_link_t nl;           /* registered while rec is there */
    lws_sorted_usec_list_t sul_core;      /* core wake-up / op deadline */
    lws_sorted_usec_list_t sul_kick;      /* start an attempt */
    lws_sorted_usec_list_t sul_defer;     /* ladder start / recheck */
    lws_sorted_usec_list_t sul_app_defer; /* lws_system_cpd_start_defer() */
    lws_sorted_usec_list_t sul_notify;
};

/* Sets cpd->reason to "<url>: <text>" (cpd-probe.c). */
void lws__cpd_reason(struct lws__cpd *cpd, const char *fmt, ...) LWS_FORMAT(2);
/* Starts the attempt the core asked for (a sul callback, cpd-probe.c). */
void lws__cpd_kick_cb(lws_sorted_usec_list_t *sul);
/* Abandons a probe: closes its wsi, cancels its lookup, frees it. */
void lws__cpd_probe_free(struct lws__cpd_probe *p);
/* The core timed the attempt out (not the check): the probe keeps running
 * as cpd->straggler beside the next attempt (a late answer on a lossy link
 * is not thrown away); its answer, not its failure, ends that attempt. */
void lws__cpd_probe_timed_out(struct lws__cpd_probe *p);
/* What the probe is doing, for reasons ("TLS handshake"). */
const char *lws__cpd_probe_stage(const struct lws__cpd_probe *p);
/* RAW_WRITEABLE / RAW_RX / RAW_CLOSE of a probe wsi. */
int lws__cpd_probe_event(struct lws *wsi, enum lws_callback_reasons reason);

/* What the network said (allocated on the first URI). */
struct lws__cpd_portal {
    char uri[256];
    char iface[16];
    struct lws__cpd *cpd;
    lws_sorted_usec_list_t sul; /* the "portal" result, from the loop */
#if LWS_WITH_SYS_CPD_CAPPORT_API
    struct lws__capport api;
    bool api_have;
#endif
};

#if LWS_WITH_SYS_CPD_CAPPORT_API
/* The RFC 8908 API's fetch (cpd-capport-fetch.c, built with the option). */

/* The API URI to fetch in this attempt instead of the probe URL, parsed
 * into @u, or NULL. */
const char *lws__cpd_capport_url(const struct lws__cpd *cpd,
                                 struct lws__http_url *u);
/* "not " and the API's media type: what a reply of another type says,
 * and from + 4 the type the request accepts. */
extern const char lws__cpd_not_capport[];
#define LWS__CPD_CAPPORT_TYPE (lws__cpd_not_capport + 4)
#define lws__cpd_portal_request(u, buf, len)                                   \
    lws__http_request_write_as(u, buf, len, LWS__CPD_CAPPORT_TYPE)
/* The API's reply (status, header, complete body or NULL) as a result,
 * and why in @why. */
lws_cpd_result_t
lws__cpd_portal_api_reply(struct lws__cpd *cpd, const struct lws__http_resp *r,
                          const uint8_t *rx, const uint8_t *body, size_t blen,
                          bool *retryable, char *why, size_t wlen);
/* What the API said, for lws_system_cpd_get_status(). */
void lws__cpd_capport_status(const struct lws__cpd_portal *pt,
                             struct lws_cpd_status *st);
#endif

#endif /* LWS_PRIVATE_CPD_H */
