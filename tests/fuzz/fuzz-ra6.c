/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for the router-advertisement codec and core: the input is
 * parsed as an RA (and the result's invariants checked: counts within
 * their arrays, strings terminated, the URI free of forbidden
 * characters), then fed twice to a soliciting core, from a link-local
 * source, at times taken from the input, followed by the timers it asks
 * for and an address event, checking what the core holds stays bounded
 * and its wake time never lies in the past.
 */
#include "private-ra6-pure.h"

#include "fuzz.h"

static uint32_t fz_seed;

static uint32_t fz_rand(void *ctx)
{
    (void)ctx;
    fz_seed = fz_seed * 1103515245u + 12345u;
    return fz_seed >> 4;
}

static void fz_msg_check(const struct lws__ra6_msg *m)
{
    FZ_CHECK(m->nprefix <= LWS__RA6_MSG_PREFIXES);
    FZ_CHECK(m->nrdnss <= LWS__RA6_MSG_RDNSS);
    FZ_CHECK(m->ndnssl <= LWS__RA6_MSG_DNSSL);
    FZ_CHECK(memchr(m->captive, 0, sizeof(m->captive)));
    for (const char *p = m->captive; *p; p++)
        FZ_CHECK(*p > ' ' && *p < 0x7f && *p != '"' && *p != '\\');
    for (int i = 0; i < m->ndnssl; i++) {
        FZ_CHECK(memchr(m->dnssl[i], 0, sizeof(m->dnssl[i])));
        FZ_CHECK(m->dnssl[i][0]);
    }
    for (int i = 0; i < m->nprefix; i++) {
        FZ_CHECK(m->prefix[i].len <= 128);
        FZ_CHECK(m->prefix[i].preferred_s <= m->prefix[i].valid_s);
    }
    FZ_CHECK(!m->mtu || m->mtu >= 1280);
}

static void fz_core_check(const struct lws__ra6_core *c,
                          const struct lws__ra6_out *o, lws_usec_t now)
{
    FZ_CHECK(!o->wake || o->wake >= now);
    FZ_CHECK(c->rs_sent <= c->cfg->rs_count);
    for (int i = 0; i < LWS__RA6_RDNSS; i++)
        FZ_CHECK(!c->rdnss[i].expires ||
                 lws__ra6_addr_unicast(c->rdnss[i].addr));
    FZ_CHECK(memchr(c->captive, 0, sizeof(c->captive)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct lws__ra6_cfg cfg = {3, 4000, 1000};
    uint8_t src[16] = {0xfe, 0x80};
    struct lws__ra6_core c;
    struct lws__ra6_out o;
    struct lws__ra6_msg m;
    lws_usec_t now = 1000000;
    static bool quiet;

    if (!quiet) { /* the warnings about hostile input would flood */
        lws_set_log_level(LLL_ERR, NULL);
        quiet = true;
    }
    if (!lws__ra6_parse(data, size, &m))
        fz_msg_check(&m);
    fz_seed = (uint32_t)size;
    lws__ra6_core_init(&c, &cfg, fz_rand, NULL);
    lws__ra6_core_start(&c, now, &o);
    fz_core_check(&c, &o, now);
    if (size > 8)
        memcpy(src + 8, data + size - 8, 8);
    for (int round = 0; round < 2; round++) {
        lws__ra6_core_rx(&c, now, src, 255, data, size, &o);
        fz_core_check(&c, &o, now);
        for (int i = 0; i < 8 && o.wake; i++) {
            now = o.wake;
            lws__ra6_core_timer(&c, now, &o);
            fz_core_check(&c, &o, now);
            if (o.send_rs && size > (size_t)i && (data[i] & 1)) {
                lws__ra6_core_rs_failed(&c, now, &o); /* could not leave */
                fz_core_check(&c, &o, now);
            }
        }
        now += size > 6 ? (lws_usec_t)data[6] * LWS_US_PER_SEC : 1;
    }
    if (size >= 16) {
        lws__ra6_core_addr(&c, now, data, 64, false, &o);
        fz_core_check(&c, &o, now);
        FZ_CHECK(lws__ra6_core_count(&c, LWS__RA6_CH_ADDRS) == 1);
        lws__ra6_core_addr(&c, now, data, 64, true, &o);
        FZ_CHECK(lws__ra6_core_count(&c, LWS__RA6_CH_ADDRS) == 0);
    }
    lws__ra6_core_stop(&c, now, &o);
    FZ_CHECK(!lws__ra6_core_count(&c, LWS__RA6_CH_RDNSS));
    return 0;
}
