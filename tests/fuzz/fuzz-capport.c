/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for the RFC 8908 Captive Portal API reader: the JSON state
 * object and the Content-Type check, on arbitrary bytes.  Checks the
 * reader's own invariants besides "no crash": what it keeps is bounded,
 * NUL-terminated and free of characters a URL cannot hold.
 */
#include "private-cpd-capport.h"

#include "fuzz.h"

static void fz_url(const char *u)
{
    size_t n = strnlen(u, LWS__CAPPORT_URL_MAX);

    FZ_CHECK(n < LWS__CAPPORT_URL_MAX);
    for (size_t i = 0; i < n; i++)
        FZ_CHECK(u[i] > ' ' && u[i] < 0x7f && u[i] != '"' && u[i] != '\\' &&
                 u[i] != '<' && u[i] != '>');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lws__capport c;
    int ret = lws__capport_parse(data, size, &c);

    FZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -EMSGSIZE);
    if (!ret) {
        FZ_CHECK(c.captive == 0 || c.captive == 1);
        FZ_CHECK(c.can_extend >= -1 && c.can_extend <= 1);
        FZ_CHECK(c.seconds_remaining >= -1 &&
                 c.seconds_remaining < ((int64_t)1 << 53));
        FZ_CHECK(c.bytes_remaining >= -1 &&
                 c.bytes_remaining < ((int64_t)1 << 53));
        fz_url(c.user_portal_url);
        fz_url(c.venue_info_url);
    }
    (void)lws__capport_ctype_ok(data, size);
    return 0;
}
