/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The RFC 8908 Captive Portal API's fetch (LWS_WITH_SYS_CPD_CAPPORT_API):
 * the API at the URI the network named (cpd-glue.c) is fetched by the
 * probe (cpd-probe.c) on the first attempt of a check at CPD_POST_TIME
 * instead of the probe URL, and its answer, read by cpd-capport.c, becomes
 * the check's result and the status's API part.
 */
#define LWS_LOGMOD cpd
#include "private-cpd.h"

#include <stdio.h>

const char lws__cpd_not_capport[] = "not application/captive+json";

const char *lws__cpd_capport_url(const struct lws__cpd *cpd,
                                 struct lws__http_url *u)
{
    const struct lws__cpd_portal *pt = cpd->rec ? cpd->rec->portal : NULL;

    if (!pt || !pt->uri[0] || cpd->cur != LWS__CPD_PH_POST ||
        cpd->core.attempts != 1 || lws__http_url_parse(pt->uri, u))
        return NULL;
    if (!u->https) {
        /* RFC 8908 section 2: the API is only ever reached over TLS */
        lwsl_info("captive-portal URI %s is not https: not fetched", pt->uri);
        return NULL;
    }
    return pt->uri;
}

lws_cpd_result_t
lws__cpd_portal_api_reply(struct lws__cpd *cpd, const struct lws__http_resp *r,
                          const uint8_t *rx, const uint8_t *body, size_t blen,
                          bool *retryable, char *why, size_t wlen)
{
    struct lws__cpd_portal *pt = cpd->rec->portal;
    lws_cpd_result_t res = LWS_CPD_NO_INTERNET;
    struct lws__capport c;
    const char *what = NULL;
    size_t n = (size_t)snprintf(why, wlen, "captive portal API %s: ", pt->uri);
    int ret;

    /* every outcome is "captive portal API <uri>: " and what follows */
    if (n >= wlen)
        n = wlen - 1;
    why += n;
    wlen -= n;
    *retryable = true; /* the probe follows on the next attempt */
    if (r->status != 200)
        snprintf(why, wlen, "answered %d", r->status);
    else if (!lws__capport_ctype_ok(rx, r->hdr_len))
        what = lws__cpd_not_capport;
    else if ((ret = body ? lws__capport_parse(body, blen, &c) : -EBADMSG))
        what = ret == -EMSGSIZE ? "object too big"
                                : "malformed or without \"captive\"";
    else {
        *retryable = false;
        pt->api = c;
        pt->api_have = true;
        lws__smd_publish(
            cpd->cx, LWSSMDCL_NETWORK,
            "{\"type\":\"cpd\",\"capport\":{\"captive\":%s,"
            "\"user-portal-url\":\"%s\",\"seconds-remaining\":%lld}}",
            c.captive ? "true" : "false", c.user_portal_url,
            (long long)c.seconds_remaining);
        res = LWS_CPD_INTERNET_OK;
        what = "not captive";
        if (c.captive) {
            res = LWS_CPD_CAPTIVE_PORTAL;
            snprintf(why, wlen,
                     "captive, user-portal-url %s, "
                     "seconds-remaining %lld",
                     c.user_portal_url[0] ? c.user_portal_url : "-",
                     (long long)c.seconds_remaining);
            what = NULL;
        }
    }
    if (what)
        snprintf(why, wlen, "%s", what);
    return res;
}

void lws__cpd_capport_status(const struct lws__cpd_portal *pt,
                             struct lws_cpd_status *st)
{
    if (!pt->api_have)
        return;
    st->api = 1;
    st->captive = pt->api.captive;
    st->seconds_remaining = pt->api.seconds_remaining;
    _Static_assert(sizeof(st->user_portal_url) ==
                       sizeof(pt->api.user_portal_url),
                   "portal URL size");
    strcpy(st->user_portal_url, pt->api.user_portal_url);
}
