/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Happy Eyeballs v2 (RFC 8305), pure: RFC 6724 destination ordering, the
 * family interleaving of RFC 8305 section 4 and the race of connection
 * attempts on a virtual clock (the glue is cpd-probe.c).
 */
#define LWS_LOGMOD cpd
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

/* Section 3.1 (IPv4: 3.2) of @a, whose policy entry is @pol (he_pol(): 0
 * is ::1, 1 IPv4). */
static int he_scope(const uint8_t a[16], int pol)
{
    if (pol == 1)
        return (a[12] == 127 || (a[12] == 169 && a[13] == 254)) ? 2 : 14;
    if (a[0] == 0xff)
        return a[1] & 0x0f;
    if (!pol || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
        return 2;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return 5;
    return 14;
}

/* The default policy table (section 2.1): precedence and label; ::1/128,
 * ::ffff:0:0/96 and ::/96 are found by he_pol() itself. */
static const struct {
    uint8_t pfx[2], bits, prec, label; /* bits: of pfx that must match */
} he_policy[] = {
    {{0}, 0, 50, 0},           /* ::1/128 */
    {{0}, 0, 35, 4},           /* ::ffff:0:0/96 (IPv4) */
    {{0}, 0, 1, 3},            /* ::/96 */
    {{0x20, 0x01}, 16, 5, 5},  /* 2001::/32 (Teredo: the next 16 bits 0) */
    {{0x20, 0x02}, 16, 30, 2}, /* 2002::/16 (6to4) */
    {{0x3f, 0xfe}, 16, 1, 12}, /* 3ffe::/16 */
    {{0xfe, 0xc0}, 10, 1, 11}, /* fec0::/10 */
    {{0xfc, 0x00}, 7, 3, 13},  /* fc00::/7 (ULA) */
    {{0x00, 0x00}, 0, 40, 1},  /* ::/0 */
};

#define HE_NPOL ((int)(sizeof(he_policy) / sizeof(he_policy[0])))

static unsigned he_cpl(const uint8_t *a, const uint8_t *b, unsigned max)
{
    unsigned n = 0;

    while (n < max && !((a[n / 8] ^ b[n / 8]) & (0x80 >> (n % 8))))
        n++;
    return n;
}

__attribute__((noinline)) static int he_pol(const uint8_t a[16])
{
    static const uint8_t z[16];
    int i = 3;

    if (!memcmp(a, z, 10)) {
        if (a[10] == 0xff && a[11] == 0xff)
            return 1;         /* ::ffff:0:0/96 */
        if (!a[10] && !a[11]) /* ::1, else ::/96 */
            return memcmp(a, z, 15) || a[15] != 1 ? 2 : 0;
    }
    if (a[0] == 0x20 && a[1] == 0x01 && (a[2] || a[3]))
        i = 4; /* 2001:xxxx:: with xxxx != 0 is not Teredo */
    while (i < HE_NPOL - 1 &&
           he_cpl(a, he_policy[i].pfx, he_policy[i].bits) < he_policy[i].bits)
        i++;
    return i;
}

/*
 * One candidate's place as a number, larger first: the rules compare each
 * destination with its own source only, so they fold into one key (rule 1,
 * 2, 5, 6, 8, then 9).  Equal precedence means the same family (no IPv6
 * class shares IPv4's 35), so rule 9 never compares across families.
 */
__attribute__((noinline)) static uint32_t
he_key(const struct lws__cpd_he_cand *c)
{
    uint8_t d[16], s[16];
    int pd, ps, sd, ss;
    uint32_t k;

    he_a16(&c->dst, d);
    pd = he_pol(d);
    sd = he_scope(d, pd);
    k = (uint32_t)he_policy[pd].prec << 16 | (uint32_t)(15 - sd) << 8;
    if (!c->src.sa4.sin_family)
        return k; /* rule 1: no source, unusable */
    he_a16(&c->src, s);
    ps = he_pol(s);
    ss = he_scope(s, ps);
    k |= 1u << 31;                   /* rule 1 */
    k |= (uint32_t)(sd == ss) << 30; /* rule 2 */
    k |= (uint32_t)(he_policy[ps].label == he_policy[pd].label)
         << 29;                /* rule 5 */
    if (pd != 1 && ps != 1)    /* neither is IPv4 */
        k |= he_cpl(d, s, 64); /* rule 9 */
    return k;
}

void lws__cpd_rfc6724_sort(struct lws__cpd_he_cand *c, int n)
{
    struct lws__cpd_he_cand t[LWS__CPD_HE_MAX];
    uint32_t key[LWS__CPD_HE_MAX];
    uint8_t ord[LWS__CPD_HE_MAX];

    if (n > LWS__CPD_HE_MAX)
        n = LWS__CPD_HE_MAX;
    /* insertion sort of the order: stable (rule 10), n is small */
    for (int i = 0; i < n; i++) {
        uint32_t k = key[i] = he_key(&c[i]);
        int j = i;

        for (; j > 0 && k > key[ord[j - 1]]; j--)
            ord[j] = ord[j - 1];
        ord[j] = (uint8_t)i;
    }
    memcpy(t, c, (size_t)n * sizeof(*c));
    for (int i = 0; i < n; i++)
        c[i] = t[ord[i]];
}

int lws__cpd_he_interleave(const struct lws__cpd_he_cand *c, int n,
                           lws_sockaddr46 *out)
{
    int fam0 = 0, k = 0, p[2] = {0, 0};

    for (int i = 0; i < n; i++)
        if (!fam0 && c[i].src.sa4.sin_family)
            fam0 = c[i].dst.sa4.sin_family;
    /* f 0: the first family, 1: the other; stop once both ran out */
    for (int f = 0, dry = 0; dry < 2; f ^= 1) {
        while (p[f] < n && (!c[p[f]].src.sa4.sin_family ||
                            (c[p[f]].dst.sa4.sin_family != fam0) != f))
            p[f]++;
        if (p[f] < n) {
            out[k++] = c[p[f]++].dst;
            dry = 0;
        } else
            dry++;
    }
    return k;
}

/* ------------------------------------------------------------------------
 * The race
 */

/* The live address (no connect to it failed) with the fewest connects
 * running, the earlier in order on a tie; -1: none. */
static int he_hedge_addr(const struct lws__cpd_he *he)
{
    int best = -1, best_run = LWS__CPD_HE_SLOTS + 1;

    for (int a = 0; a < he->n; a++) {
        int run = 0;

        if (he->dead & (1u << a))
            continue;
        for (int k = 0; k < he->next; k++)
            run += he->addr[k] == a && he->st[k] == LWS__HE_RUNNING;
        if (run < best_run) {
            best = a;
            best_run = run;
        }
    }
    return best;
}

/* When the next connect is due (0: none): the next address after its
 * delay, or sooner when the latest connect went unanswered for conn_ms;
 * once every address runs, a hedge conn_ms after the latest start. */
static lws_usec_t he_due(const struct lws__cpd_he *he)
{
    lws_usec_t late =
        he->conn_ms ? he->last_at + (lws_usec_t)he->conn_ms * LWS_US_PER_MS : 0;

    if (!he->running) /* won, or every connect failed */
        return 0;
    if (he->next < he->n)
        return late && late < he->next_at ? late : he->next_at;
    if (!late || he->next >= he->n + LWS__CPD_HE_HEDGES ||
        he->next >= LWS__CPD_HE_SLOTS || he_hedge_addr(he) < 0)
        return 0;
    return late;
}

/* Starts the next connect now (an address in order, else a hedge); the
 * address after it is due @ms later. */
static void he_next(struct lws__cpd_he *he, lws_usec_t now, uint32_t ms,
                    struct lws__cpd_he_out *out)
{
    int k = he->next++;

    he->addr[k] = (uint8_t)(k < he->n ? k : he_hedge_addr(he));
    out->start = k;
    he->st[k] = LWS__HE_RUNNING;
    he->running++;
    he->last_at = now;
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
    out->wake_at = he_due(he);
}

void lws__cpd_he_event(struct lws__cpd_he *he, lws_usec_t now, int i, int ev,
                       struct lws__cpd_he_out *out)
{
    lws_usec_t due = he_due(he);

    he_reset(out);
    if (ev == LWS__HE_IDLE) { /* the timer */
        if (due && now >= due)
            he_next(he, now, he->step_ms, out);
    } else if ((unsigned int)i < (unsigned int)he->next &&
               he->st[i] == LWS__HE_RUNNING) {
        he->st[i] = (uint8_t)ev;
        if (ev == LWS__HE_WON) {
            out->won = i;
            for (int k = 0; k < he->next; k++)
                if (he->st[k] == LWS__HE_RUNNING) {
                    he->st[k] = LWS__HE_FAILED;
                    out->close |= 1u << k;
                }
            he->running = 0; /* no more connects (he_due) */
            he->next_at = 0;
        } else {
            he->running--;
            he->dead |= 1u << he->addr[i];
            if (he->next < he->n)
                /* a failure does not wait for the delay (RFC 8305
                 * section 5) */
                he_next(he, now, he->step_ms, out);
            else if (!he->running)
                out->failed = true;
        }
    }
    out->wake_at = he_due(he);
}
