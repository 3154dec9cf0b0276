/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for the DHCPv6 codec and core: the input is parsed as a
 * server message (and the result's invariants checked: counts within their
 * arrays, DUIDs within bounds, names and URI terminated, the URI free of
 * forbidden characters), then fed, with its transaction id replaced by
 * the core's, to a stateful core in each receiving state it can reach
 * (Solicit, Request, Renew, Rebind) and to a stateless one, followed by
 * the timers it asks for, checking that its wake time never lies in the
 * past, that what it holds stays bounded and that stop leaves nothing.
 * The corpus's messages carry the DUID the target's core uses
 * (00030001 020000000001), so they get past the client-id check.
 */
#include "private-dhcp6-pure.h"

#include "fuzz.h"

static uint32_t fz_seed;

static uint32_t fz_rand(void *ctx)
{
    (void)ctx;
    fz_seed = fz_seed * 1103515245u + 12345u;
    return fz_seed >> 4;
}

static void fz_name_check(const char *n, size_t size)
{
    FZ_CHECK(memchr(n, 0, size));
}

static void fz_msg_check(const struct lws__d6_msg *m)
{
    const struct lws__d6_info *in = &m->info;

    FZ_CHECK(m->cid_len <= LWS__D6_DUID_MAX && m->sid_len <= LWS__D6_DUID_MAX);
    FZ_CHECK(m->naddr <= LWS__D6_MSG_ADDRS);
    FZ_CHECK(in->ndns <= LWS__D6_MAX_DNS && in->nntp <= LWS__D6_MAX_NTP);
    FZ_CHECK(in->ndomain <= LWS__D6_MAX_DOMAIN);
    FZ_CHECK(in->nntp_fqdn <= LWS__D6_MAX_NTPFQ);
    for (int i = 0; i < in->ndomain; i++)
        fz_name_check(in->domain[i], sizeof(in->domain[i]));
    for (int i = 0; i < in->nntp_fqdn; i++)
        fz_name_check(in->ntp_fqdn[i], sizeof(in->ntp_fqdn[i]));
    fz_name_check(in->captive, sizeof(in->captive));
    for (const char *p = in->captive; *p; p++)
        FZ_CHECK(*p > ' ' && *p < 0x7f && *p != '"' && *p != '\\');
    for (int i = 0; i < m->naddr; i++)
        FZ_CHECK(m->addr[i].preferred_s <= m->addr[i].valid_s);
}

static void fz_core_check(const struct lws__d6_core *c,
                          const struct lws__d6_out *o, lws_usec_t now)
{
    FZ_CHECK(!o->wake || o->wake >= now);
    FZ_CHECK(o->len <= sizeof(o->pkt));
    FZ_CHECK(c->state >= LWS__D6_S_STOPPED && c->state <= LWS__D6_S_DECLINE);
    FZ_CHECK(!c->have_addr || c->state == LWS__D6_S_BOUND ||
             c->state == LWS__D6_S_RENEW || c->state == LWS__D6_S_REBIND ||
             c->state == LWS__D6_S_REQUEST || c->state == LWS__D6_S_SOLICIT);
    FZ_CHECK(c->sid_len <= LWS__D6_DUID_MAX);
}

/* Feeds @data with the core's transaction id, then runs its timers. */
static void fz_feed(struct lws__d6_core *c, lws_usec_t *now,
                    const uint8_t *data, size_t size, uint8_t *buf)
{
    struct lws__d6_out o;

    memcpy(buf, data, size);
    if (size >= 4) {
        buf[1] = (uint8_t)(c->xid >> 16);
        buf[2] = (uint8_t)(c->xid >> 8);
        buf[3] = (uint8_t)c->xid;
    }
    lws__d6_core_rx(c, *now, buf, size, &o);
    fz_core_check(c, &o, *now);
    for (int i = 0; i < 4 && o.wake; i++) {
        *now = o.wake;
        lws__d6_core_timer(c, *now, &o);
        fz_core_check(c, &o, *now);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct lws__d6_cfg cfg = {
        .duid = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1}, .duid_len = 10, .iaid = 1};
    static bool quiet;
    struct lws__d6_core c;
    struct lws__d6_out o;
    struct lws__d6_msg m;
    lws_usec_t now = 1000000;
    uint8_t *buf;

    if (!quiet) { /* the warnings about hostile input would flood */
        lws_set_log_level(LLL_ERR, NULL);
        quiet = true;
    }
    if (!lws__d6_parse(data, size, 1, &m))
        fz_msg_check(&m);
    buf = malloc(size ? size : 1);
    FZ_CHECK(buf);
    fz_seed = (uint32_t)size;
    for (int mode = 0; mode < 2; mode++) {
        lws__d6_core_init(&c, &cfg, fz_rand, NULL);
        lws__d6_core_ra(&c, now, mode ? LWS__RA6_F_OTHER : LWS__RA6_F_MANAGED,
                        &o);
        fz_core_check(&c, &o, now);
        now = o.wake;
        lws__d6_core_timer(&c, now, &o);
        FZ_CHECK(o.len > 0); /* the first Solicit / Information-request */
        /* the message three times: Advertise/Reply, then in whatever
         * state that led to, then again after the timers */
        for (int round = 0; round < 3; round++)
            fz_feed(&c, &now, data, size, buf);
        /* DAD failure (Decline), then the message to it; then Release
         * and the message to that */
        lws__d6_core_dad(&c, now, c.addr, &o);
        fz_core_check(&c, &o, now);
        fz_feed(&c, &now, data, size, buf);
        lws__d6_core_release(&c, now, &o);
        FZ_CHECK(!c.have_addr);
        fz_feed(&c, &now, data, size, buf);
        lws__d6_core_stop(&c, &o);
        FZ_CHECK(!c.have_addr && !c.info.ndns && o.wake == 0);
    }
    free(buf);
    return 0;
}
