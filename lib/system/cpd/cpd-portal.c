/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Captive-portal URIs from the network (RFC 8910): the URI the news carries
 * (DHCPv4 option 114, DHCPv6 option 103, RA option 37, whoever published
 * it) kept and reported, a new one turned into a CAPTIVE_PORTAL result
 * until a check says otherwise (with LWS_WITH_SYS_CPD_CAPPORT_API the
 * probe fetches the RFC 8908 API there: cpd-capport-fetch.c).
 */
#define LWS_LOGMOD cpd
#include "private-cpd.h"

#include <stdio.h>

/* A new URI makes the result CAPTIVE_PORTAL, reported as a check's is
 * (log, smd, result_cb, the watch), unless a check runs or holds a step:
 * that check decides.  Nothing is held for it, so the ladder cannot stall
 * on it; the re-check is the ladder's next CPD step or, after OPERATIONAL,
 * the watch's (a non-OK result re-checks in 2 s).  From the loop: never
 * inside the frame that published the news. */
static void cpd_portal_cb(lws_sorted_usec_list_t *sul)
{
    struct lws__cpd_portal *pt =
        lws_container_of(sul, struct lws__cpd_portal, sul);
    struct lws__cpd *cpd = pt->cpd;

    if (!pt->uri[0] || cpd->core.running || cpd->op_running ||
        cpd->held != LWS__CPD_PH_NONE ||
        (cpd->cx->options & LWS_SERVER_OPTION_CPD_BYPASS))
        return;
    snprintf(cpd->reason, sizeof(cpd->reason),
             "%s: the network's captive portal", pt->uri);
    cpd->result = LWS_CPD_UNKNOWN;
    /* reported as a check's result is (lws_system_cpd_set()) */
    cpd->apply(cpd, &(struct lws__cpd_out){.done = true,
                                           .result = LWS_CPD_CAPTIVE_PORTAL});
}

void lws__cpd_portal_free(struct lws__cpd *cpd)
{
    if (cpd->rec->portal)
        lws_sul_cancel(&cpd->rec->portal->sul);
    lws__free(cpd->rec->portal);
}

void lws__cpd_portal_news(struct lws__cpd *cpd, const struct lws__news *n)
{
    struct lws__cpd_portal *pt = cpd->rec->portal;
    const char *uri = n->uri ? n->uri : "";

    /* RFC 8910 section 2: this URN says there is no captive portal */
    if (!strcmp(uri, "urn:ietf:params:capport:unrestricted"))
        uri = "";
    if (!uri[0]) { /* this interface's network names none (any more) */
        if (pt && pt->uri[0] && !strcmp(pt->iface, n->iface)) {
            lwsl_notice("%s: captive-portal URI gone", n->iface);
            pt->uri[0] = '\0';
        }
        return;
    }
    if (strlen(uri) >= sizeof(pt->uri)) {
        lwsl_warn("%s: portal URI too long: ignored", n->iface);
        return;
    }
    if (pt && !strcmp(pt->uri, uri))
        return; /* the same again (a renewal) */
    if (!pt) {
        pt = lws__calloc(1, sizeof(*pt));
        if (!pt) {
            lwsl_err("out of memory");
            return;
        }
        cpd->rec->portal = pt;
    }
    lws_sul_cancel(&pt->sul);
    memset(pt, 0, sizeof(*pt));
    pt->cpd = cpd;
    lws_sul_schedule(cpd->cx, 0, &pt->sul, cpd_portal_cb, 0);
    strcpy(pt->uri, uri); /* its length was checked above */
    snprintf(pt->iface, sizeof(pt->iface), "%s", n->iface);
    /* logged as the message; the news' URIs carry no character that needs
     * escaping in JSON */
    lws__smd_tell(cpd->cx, "{\"type\":\"cpd\",\"portal\":\"%s\",\"if\":\"%s\"}",
                  uri, n->iface);
}

void lws__cpd_portal_status(const struct lws__cpd *cpd,
                            struct lws_cpd_status *st)
{
    const struct lws__cpd_portal *pt = cpd->rec->portal;

    st->seconds_remaining = -1;
    if (!pt || !pt->uri[0])
        return;
    /* the same sizes: copied whole */
    _Static_assert(sizeof(st->portal_uri) == sizeof(pt->uri) &&
                       sizeof(st->portal_if) == sizeof(pt->iface),
                   "portal sizes");
    strcpy(st->portal_uri, pt->uri);
    strcpy(st->portal_if, pt->iface);
#if LWS_WITH_SYS_CPD_CAPPORT_API
    lws__cpd_capport_status(pt, st);
#endif
}
