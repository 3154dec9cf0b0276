/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * An NTP header writer for the tests and the fuzzer (servers' replies, the
 * codec's round trip).  The library itself only writes client requests
 * (lws__ntpc_pkt_write_request).
 */
#ifndef LWS_NTPC_PKT_H
#define LWS_NTPC_PKT_H

#include "ntpclient/private-ntpc-pure.h"

/* Writes any 48-byte header.  Returns the length written or -ENOSPC. */
int lws__ntpc_pkt_write(uint8_t *buf, size_t len,
                        const struct lws__ntpc_pkt *p) LWS__MUST_CHECK;

#endif
