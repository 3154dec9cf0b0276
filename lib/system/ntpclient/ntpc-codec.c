/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * NTP packet codec: the 48-byte header to and from a struct through the
 * bounds-checked wire reader, the reply checks that need only the packet,
 * and the timestamp maths (2^-32 s fractions, the 2036 era rollover, offset
 * and delay from the four timestamps).  Pure: no I/O, no clock, no state.
 */
#define LWS_LOGMOD ntpc
#include "private-ntpc-pure.h"

#define NS_PER_SEC 1000000000ll
#define TWO_POW_31 ((int64_t)1 << 31)
#define TWO_POW_32 ((int64_t)1 << 32)

/* RFC 5905 §7.4: kiss codes are four ASCII bytes in the reference ID. */
#define KOD_RATE 0x52415445u /* "RATE" */
#define KOD_DENY 0x44454e59u /* "DENY" */
#define KOD_RSTR 0x52535452u /* "RSTR" */

#define LWS__NTPC_V_NAME(n) #n,
static const char *const verdict_names[] = {
    LWS__NTPC_VERDICT_LIST(LWS__NTPC_V_NAME)};
#undef LWS__NTPC_V_NAME

const char *lws__ntpc_verdict_name(int v)
{
    if (v < 0 || (size_t)v >= sizeof(verdict_names) / sizeof(verdict_names[0]))
        return "?";
    return verdict_names[v];
}

static void read_ts(struct lws__wire *w, struct lws__ntpc_ts *ts)
{
    ts->sec = lws__wire_be32(w);
    ts->frac = lws__wire_be32(w);
}

int lws__ntpc_pkt_parse(struct lws__ntpc_pkt *p, const uint8_t *buf, size_t len)
{
    struct lws__wire w;
    uint8_t b0;

    memset(p, 0, sizeof(*p));
    /* RFC 5905 §7.3: the header is 48 bytes; extension fields and a MAC
     * may follow, we ignore them. */
    if (!buf || len < LWS__NTPC_PKT_LEN)
        return -EMSGSIZE;
    lws__wire_init(&w, buf, LWS__NTPC_PKT_LEN);
    b0 = lws__wire_u8(&w);
    p->li = (uint8_t)(b0 >> 6);
    p->vn = (uint8_t)((b0 >> 3) & 7);
    p->mode = (uint8_t)(b0 & 7);
    p->stratum = lws__wire_u8(&w);
    p->poll = (int8_t)lws__wire_u8(&w);
    p->precision = (int8_t)lws__wire_u8(&w);
    p->root_delay = lws__wire_be32(&w);
    p->root_disp = lws__wire_be32(&w);
    p->refid = lws__wire_be32(&w);
    read_ts(&w, &p->ref);
    read_ts(&w, &p->org);
    read_ts(&w, &p->rec);
    read_ts(&w, &p->xmt);

    return w.err ? -EMSGSIZE : 0;
}

int lws__ntpc_pkt_write_request(uint8_t *buf, size_t len,
                                const struct lws__ntpc_ts *xmt)
{
    struct lws__wbuf b;

    /* RFC 4330 §5: a client request may leave every field zero except the
     * first byte and the transmit timestamp, which the server copies into
     * the origin of its reply.  We put a random cookie there instead of our
     * clock (which may be wrong and need not leak). */
    if (!buf || len < LWS__NTPC_PKT_LEN)
        return -ENOSPC;
    memset(buf, 0, LWS__NTPC_PKT_LEN);
    buf[0] = (4 << 3) | LWS__NTPC_MODE_CLIENT; /* LI 0, version 4 */
    lws__wbuf_init(&b, buf + LWS__NTPC_PKT_LEN - 8, 8);
    lws__wbuf_be32(&b, xmt->sec);
    lws__wbuf_be32(&b, xmt->frac);
    return LWS__NTPC_PKT_LEN;
}

int64_t lws__ntpc_short_to_ns(uint32_t s)
{
    /* 16.16 fixed point: scale by 10^9 before dropping the 16 fraction
     * bits (fits: s < 2^32, 10^9 < 2^30). */
    return (int64_t)(((uint64_t)s * (uint64_t)NS_PER_SEC) >> 16);
}

static int check_kod(const struct lws__ntpc_pkt *p)
{
    /* RFC 4330 §8 / RFC 5905 §7.4: stratum 0 is a kiss-o'-death. */
    switch (p->refid) {
    case KOD_RATE:
        return LWS__NTPC_V_KOD_RATE;
    case KOD_DENY:
        return LWS__NTPC_V_KOD_DENY;
    case KOD_RSTR:
        return LWS__NTPC_V_KOD_RSTR;
    default:
        return LWS__NTPC_V_KOD_OTHER;
    }
}

int lws__ntpc_pkt_check(const struct lws__ntpc_pkt *p,
                        const struct lws__ntpc_ts *cookie,
                        int64_t root_dist_max_us)
{
    int64_t rd;

    /* RFC 4330 §5: a reply is mode 4 (server). */
    if (p->mode != LWS__NTPC_MODE_SERVER)
        return LWS__NTPC_V_MODE;
    /* RFC 5905 §8: the origin must echo our transmit timestamp, else the
     * datagram is bogus or a replay.  Checked before anything that could
     * make us act on a forged kiss-o'-death. */
    if (p->org.sec != cookie->sec || p->org.frac != cookie->frac)
        return LWS__NTPC_V_ORIGIN;
    if (p->vn != 3 && p->vn != 4)
        return LWS__NTPC_V_VERSION;
    if (!p->stratum)
        return check_kod(p);
    /* RFC 4330 §5: LI 3 means the server clock is not synchronised. */
    if (p->li == LWS__NTPC_LI_UNSYNC)
        return LWS__NTPC_V_LEAP;
    /* RFC 5905 §7.3: 16 is unsynchronised, 17-255 reserved. */
    if (p->stratum > 15)
        return LWS__NTPC_V_STRATUM;
    /* RFC 4330 §5: a zero transmit timestamp is an invalid reply. */
    if (!p->xmt.sec && !p->xmt.frac)
        return LWS__NTPC_V_ZERO_XMT;
    if (!p->rec.sec && !p->rec.frac)
        return LWS__NTPC_V_ZERO_REC;
    /* RFC 5905 §11.2: root distance = root delay / 2 + root dispersion. */
    rd = lws__ntpc_short_to_ns(p->root_delay) / 2 +
         lws__ntpc_short_to_ns(p->root_disp);
    if (rd > root_dist_max_us * 1000)
        return LWS__NTPC_V_ROOT_DIST;

    return LWS__NTPC_V_OK;
}

bool lws__ntpc_verdict_is_answer(int v)
{
    switch (v) {
    case LWS__NTPC_V_SHORT:
    case LWS__NTPC_V_MODE:
    case LWS__NTPC_V_ORIGIN:
    case LWS__NTPC_V_SOURCE:
    case LWS__NTPC_V_NOT_WAITING:
        return false;
    default:
        return true;
    }
}

/* Floor division for a positive divisor. */
static int64_t div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b) && a < 0)
        q--;
    return q;
}

int64_t lws__ntpc_ts_to_unix_ns(const struct lws__ntpc_ts *ts, int64_t pivot_ns)
{
    int64_t base = (int64_t)ts->sec - (int64_t)LWS__NTPC_UNIX_DELTA;
    int64_t pivot_s = div_floor(pivot_ns, NS_PER_SEC);
    int64_t era;
    uint64_t frac_ns;

    /* RFC 5905 §6: the 32-bit seconds wrap every 2^32 s (next in 2036);
     * choose the era that lands within +-2^31 s of the pivot. */
    era = div_floor(pivot_s - base + TWO_POW_31, TWO_POW_32);
    /* The fraction is in units of 2^-32 s: scale, round to nearest. */
    frac_ns =
        ((uint64_t)ts->frac * (uint64_t)NS_PER_SEC + ((uint64_t)1 << 31)) >> 32;

    return (base + era * TWO_POW_32) * NS_PER_SEC + (int64_t)frac_ns;
}

/* Wall clock readings outside 1970..2096 are clamped so the maths cannot
 * overflow; such a clock is wrong anyway and the offset says by how much. */
#define WALL_MAX_US ((lws_usec_t)4000000000ll * 1000000ll)

int lws__ntpc_sample_compute(const struct lws__ntpc_pkt *p,
                             lws_usec_t wall_tx_us, lws_usec_t mono_tx_us,
                             lws_usec_t mono_rx_us, int64_t floor_ns,
                             struct lws__ntpc_sample *s)
{
    int64_t t1, t2, t3, t4;
    lws_usec_t el = mono_rx_us - mono_tx_us;

    memset(s, 0, sizeof(*s));
    if (wall_tx_us < 0)
        wall_tx_us = 0;
    if (wall_tx_us > WALL_MAX_US)
        wall_tx_us = WALL_MAX_US;
    if (el < 0)
        el = 0;
    if (el > 3600 * LWS_US_PER_SEC)
        return LWS__NTPC_V_TIME_ORDER;

    /* T1 and T4 are local: T4 is T1 plus monotonic time elapsed, so a wall
     * clock step while the request was out cannot skew the sample. */
    t1 = wall_tx_us * 1000;
    t4 = t1 + el * 1000;
    t2 = lws__ntpc_ts_to_unix_ns(&p->rec, floor_ns);
    t3 = lws__ntpc_ts_to_unix_ns(&p->xmt, floor_ns);
    if (t2 < floor_ns || t3 < floor_ns)
        return LWS__NTPC_V_BEFORE_FLOOR;
    if (t3 < t2)
        return LWS__NTPC_V_TIME_ORDER;

    /* RFC 5905 §8: offset = ((T2 - T1) + (T3 - T4)) / 2 and
     * delay = (T4 - T1) - (T3 - T2); halves taken first to stay in range. */
    s->offset_ns = (t2 - t1) / 2 + (t3 - t4) / 2;
    s->delay_ns = (t4 - t1) - (t3 - t2);
    if (s->delay_ns < 0)
        s->delay_ns = 0;
    s->true_at_rx_ns = t4 + s->offset_ns;
    s->mono_rx_us = mono_rx_us;
    s->root_dist_ns = lws__ntpc_short_to_ns(p->root_delay) / 2 +
                      lws__ntpc_short_to_ns(p->root_disp);
    s->stratum = p->stratum;
    s->leap = p->li;

    return LWS__NTPC_V_OK;
}
