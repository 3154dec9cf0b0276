/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Happy Eyeballs v2 (RFC 8305), pure: RFC 6724 destination ordering, the
 * family interleaving of RFC 8305 section 4 and the race of connection
 * attempts on a virtual clock (the glue is cpd-race.c).
 */
#define LWS_LOGMOD "cpd"
#include "private-cpd-he.h"

/* ------------------------------------------------------------------------
 * RFC 6724: addresses as 16 bytes, IPv4 mapped (::ffff:a.b.c.d)
 */

static void he_a16(const lws_sockaddr46 *sa, uint8_t a[16])
{
    memset(a, 0, 16);
    if (sa->sa4.sin_family == AF_INET) {
        a[10] = a[11] = 0xff;
        memcpy(a + 12, &sa->sa4.sin_addr, 4);
    } else
        memcpy(a, &sa->sa6.sin6_addr, 16);
}

static bool he_mapped(const uint8_t a[16])
{
    static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    return !memcmp(a, pfx, 12);
}

/* Section 3.1 (IPv4: 3.2). */
static int he_scope(const uint8_t a[16])
{
    static const uint8_t lo[16] = {[15] = 1};

    if (he_mapped(a))
        return (a[12] == 127 || (a[12] == 169 && a[13] == 254)) ? 2 : 14;
    if (a[0] == 0xff)
        return a[1] & 0x0f;
    if (!memcmp(a, lo, 16) || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
        return 2;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return 5;
    return 14;
}

/* The default policy table (section 2.1), longest prefix first. */
static const struct {
    uint8_t pfx[4], bits, prec, label;
} he_policy[] = {
    {{0}, 128, 50, 0},              /* ::1/128 (checked whole below) */
    {{0}, 96, 35, 4},               /* ::ffff:0:0/96 (mapped) */
    {{0}, 95, 1, 3},                /* ::/96 (marker: whole zero) */
    {{0x20, 0x01, 0, 0}, 32, 5, 5}, /* 2001::/32 (Teredo) */
    {{0x20, 0x02}, 16, 30, 2},      /* 2002::/16 (6to4) */
    {{0x3f, 0xfe}, 16, 1, 12},      /* 3ffe::/16 */
    {{0xfe, 0xc0}, 10, 1, 11},      /* fec0::/10 */
    {{0xfc}, 7, 3, 13},             /* fc00::/7 (ULA) */
    {{0}, 0, 40, 1},                /* ::/0 */
};

#define HE_NPOL ((int)(sizeof(he_policy) / sizeof(he_policy[0])))

static unsigned he_cpl(const uint8_t *a, const uint8_t *b, unsigned max)
{
    unsigned n = 0;

    while (n < max && !((a[n / 8] ^ b[n / 8]) & (0x80 >> (n % 8))))
        n++;
    return n;
}

static int he_pol(const uint8_t a[16])
{
    static const uint8_t z[12];

    if (!memcmp(a, z, 12)) {
        if (!a[12] && !a[13] && !a[14] && a[15] == 1)
            return 0; /* ::1 */
        return 2;     /* ::/96 */
    }
    if (he_mapped(a))
        return 1;
    for (int i = 3; i < HE_NPOL - 1; i++)
        if (he_cpl(a, he_policy[i].pfx, he_policy[i].bits) == he_policy[i].bits)
            return i;
    return HE_NPOL - 1;
}

/* < 0: @a goes before @b. */
static int he_cmp(const struct lws__cpd_he_cand *ca,
                  const struct lws__cpd_he_cand *cb)
{
    uint8_t da[16], db[16], sa[16], sb[16];
    bool ua = ca->src.sa4.sin_family, ub = cb->src.sa4.sin_family;
    int pa, pb, x;

    if (ua != ub) /* rule 1 */
        return ua ? -1 : 1;
    he_a16(&ca->dst, da);
    he_a16(&cb->dst, db);
    if (!ua)
        goto rule6;
    he_a16(&ca->src, sa);
    he_a16(&cb->src, sb);
    /* rule 2: matching scope */
    x = (he_scope(da) == he_scope(sa)) - (he_scope(db) == he_scope(sb));
    if (x)
        return -x;
    /* rule 5: matching label */
    x = (he_policy[he_pol(da)].label == he_policy[he_pol(sa)].label) -
        (he_policy[he_pol(db)].label == he_policy[he_pol(sb)].label);
    if (x)
        return -x;
rule6:
    pa = he_policy[he_pol(da)].prec;
    pb = he_policy[he_pol(db)].prec;
    if (pa != pb) /* rule 6 */
        return pb - pa;
    x = he_scope(da) - he_scope(db); /* rule 8: smaller scope */
    if (x)
        return x;
    if (ua && !he_mapped(da) && !he_mapped(db) && !he_mapped(sa) &&
        !he_mapped(sb)) /* rule 9 */
        return (int)he_cpl(db, sb, 64) - (int)he_cpl(da, sa, 64);
    return 0; /* rule 10 */
}

void lws__cpd_rfc6724_sort(struct lws__cpd_he_cand *c, int n)
{
    /* insertion sort: stable, n is small */
    for (int i = 1; i < n; i++) {
        struct lws__cpd_he_cand t = c[i];
        int j = i;

        while (j > 0 && he_cmp(&t, &c[j - 1]) < 0) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = t;
    }
}

int lws__cpd_he_interleave(const struct lws__cpd_he_cand *c, int n,
                           lws_sockaddr46 *out)
{
    int fam[2] = {0, 0}, pos[2] = {0, 0}, k = 0;

    for (int i = 0; i < n; i++)
        if (!fam[0] && c[i].src.sa4.sin_family)
            fam[0] = c[i].dst.sa4.sin_family;
    fam[1] = fam[0] == AF_INET ? AF_INET6 : AF_INET;
    for (int f = 0; k < n; f ^= 1) {
        int p = pos[f];

        while (p < n &&
               (!c[p].src.sa4.sin_family || c[p].dst.sa4.sin_family != fam[f]))
            p++;
        if (p < n) {
            out[k++] = c[p].dst;
            pos[f] = p + 1;
        } else {
            pos[f] = n;
            if (pos[f ^ 1] >= n)
                break;
        }
    }
    return k;
}

/* ------------------------------------------------------------------------
 * The race
 */

/* The attempt @k's connect timeout (0: none). */
static lws_usec_t he_conn_end(const struct lws__cpd_he *he, int k)
{
    if (!he->conn_ms || k == he->n - 1 || he->st[k] != LWS__HE_RUNNING)
        return 0;
    return he->started[k] + (lws_usec_t)he->conn_ms * LWS_US_PER_MS;
}

static void he_out(struct lws__cpd_he *he, struct lws__cpd_he_out *out)
{
    lws_usec_t w = he->next < he->n ? he->next_at : 0;

    for (int k = 0; k < he->n && k < LWS__CPD_HE_MAX; k++) {
        lws_usec_t e = he_conn_end(he, k);

        if (e && (!w || e < w))
            w = e;
    }
    out->wake_at = w;
}

/* Starts the next attempt now, the one after it @ms later. */
static void he_next(struct lws__cpd_he *he, lws_usec_t now, uint32_t ms,
                    struct lws__cpd_he_out *out)
{
    out->start = he->next;
    he->started[he->next] = now;
    he->st[he->next++] = LWS__HE_RUNNING;
    he->running++;
    he->next_at = now + (lws_usec_t)ms * LWS_US_PER_MS;
}

static void he_reset(struct lws__cpd_he_out *out)
{
    memset(out, 0, sizeof(*out));
    out->start = out->won = -1;
}

void lws__cpd_he_start(struct lws__cpd_he *he, lws_usec_t now, int n,
                       uint32_t head_ms, uint32_t step_ms, uint32_t conn_ms,
                       struct lws__cpd_he_out *out)
{
    he_reset(out);
    memset(he, 0, sizeof(*he));
    he->n = n < 0 ? 0 : n > LWS__CPD_HE_MAX ? LWS__CPD_HE_MAX : n;
    he->head_ms = head_ms;
    he->step_ms = step_ms;
    he->conn_ms = conn_ms;
    if (!he->n) {
        out->failed = true;
        return;
    }
    he_next(he, now, head_ms, out);
    he_out(he, out);
}

void lws__cpd_he_timer(struct lws__cpd_he *he, lws_usec_t now,
                       struct lws__cpd_he_out *out)
{
    he_reset(out);
    for (int k = 0; k < he->n && k < LWS__CPD_HE_MAX; k++) {
        lws_usec_t e = he_conn_end(he, k);

        if (e && now >= e) {
            he->st[k] = LWS__HE_FAILED;
            he->running--;
            out->close |= 1u << k;
            out->timed_out = true;
        }
    }
    if (he->next < he->n && (out->close || (he->next_at && now >= he->next_at)))
        he_next(he, now, he->step_ms, out);
    else if (out->close && !he->running && he->next >= he->n)
        out->failed = true;
    he_out(he, out);
}

void lws__cpd_he_failed(struct lws__cpd_he *he, lws_usec_t now, int i,
                        struct lws__cpd_he_out *out)
{
    he_reset(out);
    if (i < 0 || i >= he->n || he->st[i] != LWS__HE_RUNNING) {
        he_out(he, out);
        return;
    }
    he->st[i] = LWS__HE_FAILED;
    he->running--;
    if (he->next < he->n)
        /* a failure does not wait for the delay (RFC 8305 section 5) */
        he_next(he, now, he->step_ms, out);
    else if (!he->running)
        out->failed = true;
    he_out(he, out);
}

void lws__cpd_he_connected(struct lws__cpd_he *he, lws_usec_t now, int i,
                           struct lws__cpd_he_out *out)
{
    (void)now;
    he_reset(out);
    if (i < 0 || i >= he->n || he->st[i] != LWS__HE_RUNNING)
        return;
    he->st[i] = LWS__HE_WON;
    out->won = i;
    for (int k = 0; k < he->n && k < LWS__CPD_HE_MAX; k++)
        if (he->st[k] == LWS__HE_RUNNING) {
            he->st[k] = LWS__HE_FAILED;
            out->close |= 1u << k;
        }
    he->running = 0;
    he->next = he->n; /* no more attempts */
    he->next_at = 0;
}
