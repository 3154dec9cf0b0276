/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for the NTP packet codec and the SNTP core: parse, check,
 * sample maths and re-encode any bytes (the header must round-trip), feed
 * them to a core that waits for exactly that origin, and split them as a
 * "host:port" server string.
 */
#include "ntpclient/private-ntpc.h"
#include "ntpc-pkt.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static uint32_t fz_rand(void *opaque)
{
    uint32_t *s = opaque;

    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static void fuzz_core(const struct lws__ntpc_pkt *p, const uint8_t *data,
                      size_t size)
{
    struct lws__ntpc_cfg cfg;
    struct lws__ntpc_core c;
    struct lws__ntpc_out a;
    lws_sockaddr46 srv;
    uint32_t seed = (uint32_t)size;

    memset(&cfg, 0, sizeof(cfg));
    cfg.rand32 = fz_rand;
    cfg.rand_opaque = &seed;
    cfg.floor_ns = 1767225600ll * 1000000000ll;
    cfg.ceil_ns = cfg.floor_ns + 631152000ll * 1000000000ll; /* 20 years */
    lws__ntpc_core_init(&c, &cfg);
    memset(&srv, 0, sizeof(srv));
    srv.sa4.sin_family = AF_INET;
    srv.sa4.sin_port = htons(123);
    srv.sa4.sin_addr.s_addr = htonl(0x7f000001);
    memset(&a, 0, sizeof(a));
    lws__ntpc_core_set_server(&c, 1000, 1767225600000000ll, &srv, true, &a);
    /* Pretend we asked with the origin this packet carries. */
    c.cookie = p->org;
    for (int i = 0; i < 6; i++) {
        memset(&a, 0, sizeof(a));
        lws__ntpc_core_on_rx(&c, 2000 + i, 1767225600001000ll, &srv, data, size,
                             &a);
        /* Nothing beyond the horizon is ever handed out as time. */
        FZ_CHECK(!(a.flags & LWS__NTPC_ACT_SYNCED) ||
                 a.sample.true_at_rx_ns <= cfg.ceil_ns);
        if (a.flags & LWS__NTPC_ACT_SEND)
            c.cookie = p->org;
        memset(&a, 0, sizeof(a));
        lws__ntpc_core_on_timer(&c, c.deadline, 1767225600001000ll, &a);
        if (a.flags & LWS__NTPC_ACT_NEXT_SERVER)
            lws__ntpc_core_set_server(&c, c.deadline, 0, &srv, false, &a);
        c.cookie = p->org;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lws__ntpc_pkt p, q;
    struct lws__ntpc_sample s;
    uint8_t out[LWS__NTPC_PKT_LEN];
    char str[300], host[256];
    uint16_t port;
    int v;

    if (!lws__ntpc_pkt_parse(&p, data, size)) {
        FZ_CHECK(lws__ntpc_pkt_write(out, sizeof(out), &p) ==
                 LWS__NTPC_PKT_LEN);
        FZ_CHECK(!memcmp(out, data, LWS__NTPC_PKT_LEN));
        FZ_CHECK(!lws__ntpc_pkt_parse(&q, out, sizeof(out)));
        FZ_CHECK(!memcmp(&p, &q, sizeof(p)));
        v = lws__ntpc_pkt_check(&p, &p.org, 5000000);
        FZ_CHECK(v >= 0 && v < LWS__NTPC_V_COUNT);
        (void)lws__ntpc_verdict_name(v);
        if (v == LWS__NTPC_V_OK) {
            v = lws__ntpc_sample_compute(&p, (lws_usec_t)p.ref.sec * 1000000, 0,
                                         (lws_usec_t)(p.ref.frac & 0xffffff), 0,
                                         &s);
            FZ_CHECK(v == LWS__NTPC_V_OK || v == LWS__NTPC_V_BEFORE_FLOOR ||
                     v == LWS__NTPC_V_TIME_ORDER);
            if (v == LWS__NTPC_V_OK)
                FZ_CHECK(s.delay_ns >= 0);
        }
        fuzz_core(&p, data, size);
    } else
        FZ_CHECK(size < LWS__NTPC_PKT_LEN);

    if (size < sizeof(str)) {
        memcpy(str, data, size);
        str[size] = '\0';
        if (!lws__ntpc_split_hostport(str, host, sizeof(host), &port))
            FZ_CHECK(strlen(host) < sizeof(host) && strlen(host) > 0);
    }
    return 0;
}
