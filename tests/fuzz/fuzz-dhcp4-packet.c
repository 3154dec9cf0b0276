/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for the DHCPv4 codec and core: the input is parsed as a
 * DHCP message, as an IPv4/UDP frame and as ARP, then fed to client cores
 * waiting in SELECTING, REQUESTING, RENEWING and CHECKING whose xid and
 * chaddr are taken from the input, so the fuzzer reaches past the
 * transaction checks into lease validation.
 */
#include "private-dhcpc.h"

#include "fuzz.h"

static uint32_t fz_seed;
static volatile int fz_sink; /* keeps the results alive */

static uint32_t fz_rand(void *ctx)
{
    (void)ctx;
    fz_seed = fz_seed * 1103515245u + 12345u;
    return fz_seed >> 4;
}

static void fz_core(const uint8_t *d, size_t n, int state)
{
    static struct lws__dhcpc_out o;
    struct lws__dhcpc_cfg cfg = {.retx_base_ms = 4000,
                                 .retx_jitter_ms = 1000,
                                 .renew_min_ms = 60000,
                                 .decline_wait_ms = 10000,
                                 .acd_probe_count = 3,
                                 .acd_probe_ms = 1000,
                                 .acd_wait_ms = 2000,
                                 .rapid_commit = true,
                                 .v6only = true,
                                 .acd = state == LWS_DHCPC_STATE_CHECKING};
    uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    struct lws__dhcpc_core c;

    if (n >= 34)
        memcpy(mac, d + 28, 6);
    lws__dhcpc_core_init(&c, &cfg, mac, 1, fz_rand, NULL);
    c.ipv6 = n & 1;         /* both MTU rules */
    c.v6_ok = (n & 2) != 0; /* RFC 8925: with and without IPv6 */
    lws__dhcpc_core_start(&c, 1000000, &o);
    if (n >= 8)
        c.xid = ((uint32_t)d[4] << 24) | ((uint32_t)d[5] << 16) |
                ((uint32_t)d[6] << 8) | d[7];
    if (state != LWS_DHCPC_STATE_SELECTING) {
        /* pretend a lease from the server named in the input */
        c.offer.ip = c.lease.ip = 0x0a000032;
        c.offer.server = c.lease.server = 0x0a000001;
        c.lease.lease = 3600;
        c.lease.lease_ms = 3600000;
        c.lease.t1_ms = 1800000;
        c.lease.t2_ms = 3150000;
        c.have_lease = state == LWS_DHCPC_STATE_RENEWING;
        c.state = state;
    }
    lws__dhcpc_core_rx(&c, 2000000, d, n, &o);
#if LWS_WITH_SYS_DHCP_ACD
    lws__dhcpc_core_arp(&c, 2000000, d, n, &o);
#endif
    lws__dhcpc_core_timer(&c, o.wake ? o.wake : 3000000, &o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lws__dhcpc_msg m;
#if LWS_WITH_SYS_DHCP_ACD
    struct lws__dhcpc_arp a;
#endif
    size_t ofs, plen;
    uint32_t src;

    int r;

    r = lws__dhcpc_parse(data, size, &m);
#if LWS_WITH_SYS_DHCP_ACD
    r |= lws__dhcpc_arp_parse(data, size, &a);
#endif
    if (!lws__dhcpc_ip4udp_unwrap(data, size, true, &ofs, &plen, &src))
        r |= lws__dhcpc_parse(data + ofs, plen, &m);
    r |= lws__dhcpc_ip4udp_unwrap(data, size, false, &ofs, &plen, &src);
    fz_sink = r;
    fz_core(data, size, LWS_DHCPC_STATE_SELECTING);
    fz_core(data, size, LWS_DHCPC_STATE_REQUESTING);
    fz_core(data, size, LWS_DHCPC_STATE_RENEWING);
    fz_core(data, size, LWS_DHCPC_STATE_CHECKING);
    return 0;
}
