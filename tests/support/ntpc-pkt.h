/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * An NTP header writer for the tests and the fuzzer (servers' replies, the
 * codec's round trip) and the Unix-to-NTP timestamp conversion they need.
 * The library itself only writes client requests
 * (lws__ntpc_pkt_write_request) and only reads timestamps.
 */
#ifndef LWS_NTPC_PKT_H
#define LWS_NTPC_PKT_H

#include "ntpclient/private-ntpc-pure.h"

/* Writes any 48-byte header.  Returns the length written or -ENOSPC. */
int lws__ntpc_pkt_write(uint8_t *buf, size_t len,
                        const struct lws__ntpc_pkt *p) LWS__MUST_CHECK;

/* Unix nanoseconds to an NTP timestamp (any era; the era number is lost):
 * the servers' side of the codec's lws__ntpc_ts_to_unix_ns(). */
void lws__ntpc_unix_ns_to_ts(int64_t ns, struct lws__ntpc_ts *ts);

#endif
