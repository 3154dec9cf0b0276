/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The resolver's pure core: what the questions of a lookup amount to, how
 * long that is cached, and the health of each server: an RTT estimate,
 * consecutive failures, a dead server's back-off and probes, the order
 * servers are asked in and the try timeout that follows from it.  No loop, no
 * sockets, no clock of its own: the glue (adns-glue.c, adns-servers.c,
 * adns-udp.c) passes the time, and the unit tests drive it with a virtual one.
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
    lws_sockaddr46 a, b;

    if (lws__sa46_equal(x, y)) /* (ports given and the same: no copies) */
        return true;
    a = *x;
    b = *y;
    if (!lws__sa46_port(&a))
        lws__sa46_set_port(&a, defport);
    if (!lws__sa46_port(&b))
        lws__sa46_set_port(&b, defport);
    return lws__sa46_equal(&a, &b);
}

static struct lws__adns_health *adns_health(struct lws__adns_servers *s,
                                            const lws_sockaddr46 *sa,
                                            lws_usec_t now, bool create)
{
    struct lws__adns_health *h = s->health, *old = s->health;

    if (!h) {
        if (!create)
            return NULL;
        h = old = s->health =
            lws__calloc(LWS__ADNS_HEALTH_MAX, sizeof(*s->health));
        if (!h)
            return NULL; /* out of memory: no health kept */
    }
    for (int i = 0; i < LWS__ADNS_HEALTH_MAX; i++, h++) {
        if (h->sa.sa4.sin_family && lws__adns_core_sa_eq(&h->sa, sa, s->port))
            return h;
        if (old->sa.sa4.sin_family &&
            (!h->sa.sa4.sin_family || h->last < old->last))
            old = h; /* the first free slot, else the least recently heard
                      * of (so the servers in use sit first) */
    }
    if (!create)
        return NULL;
    memset(old, 0, sizeof(*old));
    old->sa = *sa;
    if (!lws__sa46_port(&old->sa))
        lws__sa46_set_port(&old->sa, s->port);
    old->last = now;
    return old;
}

const struct lws__adns_health *
lws__adns_core_health(const struct lws__adns_servers *s,
                      const lws_sockaddr46 *sa)
{
    return adns_health((struct lws__adns_servers *)(uintptr_t)s, sa, 0, false);
}

/* 0: dead with its probe due (when one may be taken), 1: up, 2: dead. */
static int adns_rank(struct lws__adns_servers *s, const lws_sockaddr46 *sa,
                     lws_usec_t now, bool probe_ok)
{
    struct lws__adns_health *h = adns_health(s, sa, now, false);

    if (!h || !h->down_at)
        return 1;
    return probe_ok && now >= h->probe_at ? 0 : 2;
}

static int adns_add(lws_sockaddr46 *out, int n, int max,
                    const lws_sockaddr46 *sa)
{
    if (out && n < max)
        out[n] = *sa;
    return n + 1;
}

int lws__adns_core_servers(struct lws__adns_servers *s, lws_usec_t now,
                           lws_sockaddr46 *out, int max, bool *probe)
{
    int n = 0, k = 0;

    for (int i = 0; i < s->nexplicit; i++)
        n = adns_add(out, n, max, &s->explicit_srv[i]);
    for (int i = 0; s->dhcp && i < LWS__ADNS_DHCP_IFACES; i++)
        for (int j = 0; j < s->dhcp[i].n; j++)
            n = adns_add(out, n, max, &s->dhcp[i].sa[j]);
    if (!n)
        for (int i = 0; i < s->nresolv; i++)
            n = adns_add(out, n, max, &s->resolv_srv[i]);
    if (probe)
        *probe = false;
    if (!out)
        return n;
    if (n > max)
        n = max;
    /* A stable selection by rank: a dead server whose probe is due first
     * (one), then the up ones, then the dead ones, each in list order. */
    for (int r = 0; r < 3; r++)
        for (int i = k; i < n; i++) {
            lws_sockaddr46 t = out[i];

            if (adns_rank(s, &t, now, now && probe && !*probe) != r)
                continue;
            memmove(&out[k + 1], &out[k], sizeof(t) * (size_t)(i - k));
            out[k++] = t;
            if (!r) { /* the probe: its next one only after a back-off */
                struct lws__adns_health *h = adns_health(s, &t, now, false);

                h->due = false;
                h->probing = true;
                h->probe_at = now + (h->probe_at - h->down_at);
                h->down_at = now;
                *probe = true;
            }
        }
    return n;
}

bool lws__adns_core_server_ok(struct lws__adns_servers *s, lws_usec_t now,
                              const lws_sockaddr46 *sa, int32_t rtt_us)
{
    struct lws__adns_health *h = adns_health(s, sa, now, true);
    bool was_down;

    if (!h)
        return false;
    was_down = h->down_at != 0;

    h->last = now;
    if (rtt_us >= 0) {
        if (rtt_us < 1)
            rtt_us = 1;
        if (!h->srtt) { /* RFC 6298 §2.2: the first measurement */
            h->srtt = rtt_us;
            h->rttvar = rtt_us / 2;
            s->server_gen++; /* its try timeout is known now */
        } else {             /* §2.3, alpha 1/8, beta 1/4 */
            int32_t d = h->srtt - rtt_us;

            h->rttvar += ((d < 0 ? -d : d) - h->rttvar) / 4;
            h->srtt += (rtt_us - h->srtt) / 8;
        }
    }
    h->fails = 0;
    h->down_at = 0;
    h->due = h->probing = false;
    if (was_down)
        s->server_gen++;
    return was_down;
}

bool lws__adns_core_server_fail(struct lws__adns_servers *s, lws_usec_t now,
                                const lws_sockaddr46 *sa)
{
    struct lws__adns_health *h = adns_health(s, sa, now, true);
    bool was_up;

    if (!h)
        return false;
    was_up = !h->down_at;
    if (!was_up && !h->probing)
        return false; /* already known dead */
    h->probing = false;

    h->last = now;
    if (h->fails < UINT16_MAX)
        h->fails++;
    h->down_at = now;
    /* RFC 6298 §5.5: back off, doubling from the minimum (1 s << 5 is
     * past the maximum, 30 s) */
    _Static_assert(LWS__ADNS_PROBE_MIN_US << 5 > LWS__ADNS_PROBE_MAX_US &&
                       LWS__ADNS_PROBE_MIN_US << 4 < LWS__ADNS_PROBE_MAX_US,
                   "back-off steps");
    h->probe_at = now + (h->fails > 5 ? LWS__ADNS_PROBE_MAX_US
                                      : (uint32_t)LWS__ADNS_PROBE_MIN_US
                                            << (h->fails - 1));
    h->due = false;
    if (was_up)
        s->server_gen++;
    return was_up;
}

void lws__adns_core_health_tick(struct lws__adns_servers *s, lws_usec_t now)
{
    for (int i = 0; s->health && i < LWS__ADNS_HEALTH_MAX; i++) {
        struct lws__adns_health *h = &s->health[i];

        if (h->down_at && !h->due && now >= h->probe_at) {
            h->due = true;
            s->server_gen++;
        }
    }
}

int lws__adns_core_rto_ms(const struct lws__adns_servers *s,
                          const lws_sockaddr46 *sa, int max_ms)
{
    const struct lws__adns_health *h = lws__adns_core_health(s, sa);
    int64_t ms;

    if (!h || !h->srtt || h->down_at)
        return max_ms;
    ms = ((int64_t)h->srtt + 4 * (int64_t)h->rttvar + 999) / 1000;
    if (ms < LWS__ADNS_RTO_MIN_MS)
        ms = LWS__ADNS_RTO_MIN_MS;
    return ms < max_ms ? (int)ms : max_ms;
}
