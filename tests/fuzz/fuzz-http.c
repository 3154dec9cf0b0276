/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for the captive-portal probe's HTTP client codec: the
 * response header parser, body framing (both with and without EOF), the
 * chunked decoder and the URL parser, on arbitrary bytes.  Checks the
 * parser's own invariants besides "no crash".
 */
#include "private-cpd-codec.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

/* Checks that stay in release (NDEBUG) builds too. */

static void fuzz_http_body(const struct lws__http_resp *r, const uint8_t *data,
                           size_t size)
{
    static uint8_t scratch[4096];
    const uint8_t *body;
    size_t blen;

    for (int eof = 0; eof < 2; eof++) {
        int ret = lws__http_resp_body(r, data, size, eof, scratch,
                                      sizeof(scratch), &body, &blen);
        if (ret)
            continue;
        /* The body lies inside the input or the scratch buffer. */
        if (body == scratch)
            FZ_CHECK(blen <= sizeof(scratch));
        else
            FZ_CHECK(body >= data && blen <= size - (size_t)(body - data));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[4096];
    struct lws__http_resp r;
    struct lws__http_url u;
    size_t olen, used;
    char url[1024];

    if (!lws__http_resp_parse(data, size, &r)) {
        FZ_CHECK(r.hdr_len <= size);
        FZ_CHECK(r.status >= 101 && r.status <= 999);
        FZ_CHECK(!r.location_len ||
                 r.location_ofs + r.location_len <= r.hdr_len);
        fuzz_http_body(&r, data, size);
    }
    if (!lws__http_dechunk(data, size, out, sizeof(out), &olen, &used))
        FZ_CHECK(olen <= sizeof(out) && used <= size);
    if (size < sizeof(url)) {
        memcpy(url, data, size);
        url[size] = '\0';
        if (!lws__http_url_parse(url, &u)) {
            char req[2048];
            FZ_CHECK(u.port && u.path[0] == '/');
            FZ_CHECK(lws__http_request_write(&u, req, sizeof(req)) > 0);
        }
    }
    return 0;
}
