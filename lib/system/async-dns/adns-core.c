/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The resolver's pure core: what the questions of a lookup amount to, how
 * long that is cached, and the order servers are asked in (with the ones
 * that timed out lately tried last).  No loop, no c-ares, no clock of its
 * own: the glue (adns-glue.c, adns-servers.c, adns-ares.c) passes the
 * time, and the unit tests drive it with a virtual one.
 */
#define LWS_LOGMOD adns
#include "private-adns-pure.h"

#include <sys/socket.h>

/* ------------------------------------------------------------------------
 * Outcome and cache policy
 */

int lws__adns_core_outcome(const struct lws__adns_qres *q, int n,
                           struct lws__adns_res **res)
{
    const struct lws__adns_answer *ans[2] = {NULL, NULL};
    uint16_t types[2] = {0, 0};
    int nx = 0, nodata = 0, tmo = 0, found = 0;

    for (int i = 0; i < n; i++) {
        switch (q[i].status) {
        case LADNS_RET_FOUND:
            if (found < 2) {
                ans[found] = q[i].ans;
                types[found++] = q[i].qtype;
            }
            break;
        case LADNS_RET_NXDOMAIN:
            nx++;
            break;
        case LADNS_RET_NODATA:
            nodata++;
            break;
        case LADNS_RET_TIMEDOUT:
            tmo++;
            break;
        default:
            break;
        }
    }
    *res = NULL;
    if (found) {
        *res = lws__adns_res_from_answers(ans, types, found);
        return *res ? LADNS_RET_FOUND : LADNS_RET_FAILED;
    }
    if (nx)
        return LADNS_RET_NXDOMAIN;
    if (nodata == n)
        return LADNS_RET_NODATA;
    return tmo ? LADNS_RET_TIMEDOUT : LADNS_RET_FAILED;
}

uint32_t lws__adns_core_cache_ttl(const struct lws__adns_qres *q, int n,
                                  int status, uint32_t ttl_min_s,
                                  uint32_t ttl_max_s, uint32_t neg_max_s)
{
    uint32_t ttl = UINT32_MAX;

    for (int i = 0; i < n; i++) {
        if (q[i].status == LADNS_RET_FOUND)
            ttl = q[i].ans->ttl < ttl ? q[i].ans->ttl : ttl;
        else if (q[i].status == LADNS_RET_NXDOMAIN ||
                 q[i].status == LADNS_RET_NODATA) {
            /* RFC 2308 §5: without an SOA a negative answer is not
             * cached (beside a positive one it just does not bound it). */
            if (q[i].ans->has_soa)
                ttl = q[i].ans->neg_ttl < ttl ? q[i].ans->neg_ttl : ttl;
            else if (status != LADNS_RET_FOUND)
                return 0;
        } else
            return 0; /* a family failed: do not remember half an answer */
    }
    if (status == LADNS_RET_FOUND)
        ttl = ttl < ttl_min_s ? ttl_min_s : (ttl > ttl_max_s ? ttl_max_s : ttl);
    else
        ttl = ttl < neg_max_s ? ttl : neg_max_s;
    return ttl; /* 0: RFC 1035 §3.2.1, use once */
}

/* ------------------------------------------------------------------------
 * Server choice
 */

bool lws__adns_core_sa_eq(const lws_sockaddr46 *x, const lws_sockaddr46 *y,
                          uint16_t defport)
{
    lws_sockaddr46 a = *x, b = *y;

    if (!lws__sa46_port(&a))
        lws__sa46_set_port(&a, defport);
    if (!lws__sa46_port(&b))
        lws__sa46_set_port(&b, defport);
    return lws__sa46_equal(&a, &b);
}

static bool adns_is_demoted(const struct lws__adns_servers *s,
                            const lws_sockaddr46 *sa)
{
    for (int i = 0; i < LWS__ADNS_DEMOTED_MAX; i++)
        if (s->demoted[i].until &&
            lws__adns_core_sa_eq(&s->demoted[i].sa, sa, s->port))
            return true;
    return false;
}

/* Stable partition: servers that timed out lately go to the end. */
static void adns_demoted_last(const struct lws__adns_servers *s,
                              lws_sockaddr46 *sa, int n)
{
    lws_sockaddr46 tmp[LWS__ADNS_DEMOTED_MAX];
    int k = 0, nd = 0;

    for (int i = 0; i < n; i++) {
        if (adns_is_demoted(s, &sa[i]) && nd < LWS__ADNS_DEMOTED_MAX)
            tmp[nd++] = sa[i];
        else
            sa[k++] = sa[i];
    }
    memcpy(&sa[k], tmp, sizeof(tmp[0]) * (size_t)nd);
}

int lws__adns_core_servers(const struct lws__adns_servers *s,
                           lws_sockaddr46 *out, int max)
{
    int n = 0;

#define ADNS_ADD(x)                                                            \
    do {                                                                       \
        if (out && n < max)                                                    \
            out[n] = (x);                                                      \
        n++;                                                                   \
    } while (0)
    for (int i = 0; i < s->nexplicit; i++)
        ADNS_ADD(s->explicit_srv[i]);
    for (int i = 0; s->dhcp && i < LWS__ADNS_DHCP_IFACES; i++)
        for (int j = 0; j < s->dhcp[i].n; j++)
            ADNS_ADD(s->dhcp[i].sa[j]);
    if (!n)
        for (int i = 0; i < s->nresolv; i++)
            ADNS_ADD(s->resolv_srv[i]);
#undef ADNS_ADD
    if (out)
        adns_demoted_last(s, out, n > max ? max : n);
    return out && n > max ? max : n;
}

bool lws__adns_core_demote(struct lws__adns_servers *s, lws_usec_t now,
                           const lws_sockaddr46 *sa)
{
    int slot = -1;

    for (int i = 0; i < LWS__ADNS_DEMOTED_MAX; i++) {
        if (s->demoted[i].until &&
            lws__adns_core_sa_eq(&s->demoted[i].sa, sa, s->port))
            return false; /* already */
        if (!s->demoted[i].until && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return false;
    s->demoted[slot].sa = *sa;
    s->demoted[slot].until = now + LWS__ADNS_DEMOTE_US;
    s->server_gen++;
    return true;
}

void lws__adns_core_demote_expire(struct lws__adns_servers *s, lws_usec_t now)
{
    for (int i = 0; i < LWS__ADNS_DEMOTED_MAX; i++)
        if (s->demoted[i].until && now >= s->demoted[i].until) {
            s->demoted[i].until = 0;
            s->server_gen++;
        }
}
