/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * An NTP header writer for the tests and the fuzzer (ntpc-pkt.h).
 */
#include "ntpc-pkt.h"

static void write_ts(struct lws__wbuf *b, const struct lws__ntpc_ts *ts)
{
    lws__wbuf_be32(b, ts->sec);
    lws__wbuf_be32(b, ts->frac);
}

int lws__ntpc_pkt_write(uint8_t *buf, size_t len, const struct lws__ntpc_pkt *p)
{
    struct lws__wbuf b;

    lws__wbuf_init(&b, buf, len);
    lws__wbuf_u8(
        &b, (uint8_t)(((p->li & 3) << 6) | ((p->vn & 7) << 3) | (p->mode & 7)));
    lws__wbuf_u8(&b, p->stratum);
    lws__wbuf_u8(&b, (uint8_t)p->poll);
    lws__wbuf_u8(&b, (uint8_t)p->precision);
    lws__wbuf_be32(&b, p->root_delay);
    lws__wbuf_be32(&b, p->root_disp);
    lws__wbuf_be32(&b, p->refid);
    write_ts(&b, &p->ref);
    write_ts(&b, &p->org);
    write_ts(&b, &p->rec);
    write_ts(&b, &p->xmt);

    return b.err ? -ENOSPC : (int)b.pos;
}

void lws__ntpc_unix_ns_to_ts(int64_t ns, struct lws__ntpc_ts *ts)
{
    const int64_t ns_per_s = 1000000000ll;
    int64_t s = ns / ns_per_s;

    if (ns % ns_per_s < 0)
        s--; /* floor */
    ts->sec =
        (uint32_t)((uint64_t)(s + (int64_t)LWS__NTPC_UNIX_DELTA) & 0xffffffffu);
    ts->frac =
        (uint32_t)(((uint64_t)(ns - s * ns_per_s) << 32) / (uint64_t)ns_per_s);
}
