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

/* The default policy table (section 2.1), past ::1/128, ::ffff:0:0/96 and
 * ::/96 (classes 0, 1, 2: found by he_class() itself): the first 32 bits
 * of the address under a mask.  Each class has its own label, so labels
 * match when classes do (rule 5). */
static const struct {
    uint32_t pfx, mask;
} he_policy[] = {
    {0x20010000, 0xffffffff}, /* 3: 2001::/32 (Teredo) */
    {0x20020000, 0xffff0000}, /* 4: 2002::/16 (6to4) */
    {0x3ffe0000, 0xffff0000}, /* 5: 3ffe::/16 */
    {0xfec00000, 0xffc00000}, /* 6: fec0::/10 (site-local) */
    {0xfc000000, 0xfe000000}, /* 7: fc00::/7 (ULA) */
};                            /* 8: ::/0 */

/* Precedence of each class. */
static const uint8_t he_prec[] = {50, 35, 1, 5, 30, 1, 1, 3, 40};

static unsigned he_cpl(const uint8_t *a, const uint8_t *b, unsigned max)
{
    unsigned n = 0;

    while (n < max && !((a[n / 8] ^ b[n / 8]) & (0x80 >> (n % 8))))
        n++;
    return n;
}

/*
 * Writes the 16 bytes of @sa to @a (IPv4 mapped) and returns its class (its
 * policy entry, above) in bits 0-3 and its scope (section 3.1, IPv4: 3.2)
 * in bits 4-7.
 */
__attribute__((noinline)) static int he_class(const lws_sockaddr46 *sa,
                                              uint8_t a[16])
{
    uint32_t w;
    int i = 0, z = 0;

    he_a16(sa, a);
    while (z < 15 && !a[z])
        z++;                                       /* leading zero bytes */
    if (z == 10 && a[10] == 0xff && a[11] == 0xff) /* IPv4 */
        return 1 | (a[12] == 127 || (a[12] == 169 && a[13] == 254) ? 2 : 14)
                       << 4;
    if (z >= 12) /* ::1, else ::/96 */
        return z == 15 && a[15] == 1 ? 2 << 4 : 2 | 14 << 4;
    if (a[0] == 0xff) /* multicast: its own scope */
        return 8 | (a[1] & 0x0f) << 4;
    w = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 |
        a[3];
    while (i < 5 && (w & he_policy[i].mask) != he_policy[i].pfx)
        i++;
    if (i == 3) /* site-local */
        return 6 | 5 << 4;
    /* link-local fe80::/10 is of ::/0 */
    return (i + 3) | ((w & 0xffc00000) == 0xfe800000 ? 2 : 14) << 4;
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
    int cd = he_class(&c->dst, d), cs;
    uint32_t k = (uint32_t)he_prec[cd & 15] << 16 | (uint32_t)(15 - (cd >> 4))
                                                        << 8;

    if (!c->src.sa4.sin_family)
        return k; /* rule 1: no source, unusable */
    cs = he_class(&c->src, s);
    k |= 1u << 31;                                 /* rule 1 */
    k |= (uint32_t)((cd >> 4) == (cs >> 4)) << 30; /* rule 2 */
    k |= (uint32_t)((cd & 15) == (cs & 15)) << 29; /* rule 5 */
    if ((cd & 15) != 1 && (cs & 15) != 1)          /* neither is IPv4 */
        k |= he_cpl(d, s, 64);                     /* rule 9 */
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
    unsigned int used = 0;
    int k = 0, fam = 0; /* the family of the last one out (0: none yet) */

    /* each time the first usable one left of the other family, else the
     * first usable one left: families alternate until one runs out */
    for (;;) {
        int pick = -1;

        for (int i = 0; i < n; i++) {
            if (!c[i].src.sa4.sin_family || (used >> i) & 1)
                continue;
            if (pick < 0)
                pick = i;
            if (c[i].dst.sa4.sin_family != fam) {
                pick = i;
                break;
            }
        }
        if (pick < 0)
            return k;
        used |= 1u << pick;
        out[k++] = c[pick].dst;
        fam = c[pick].dst.sa4.sin_family;
    }
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
