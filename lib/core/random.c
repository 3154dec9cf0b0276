/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The context's CSPRNG: mbedTLS CTR-DRBG (AES-256) seeded and reseeded from
 * mbedTLS's platform entropy source (getrandom(2) on Linux).  The source is
 * polled directly rather than through an mbedtls_entropy_context, which
 * costs tens of KiB per context with Debian's configuration.  Every nonce,
 * transaction id and jitter in the library comes from here.
 */
#define LWS_LOGMOD "random"
#include "private-core.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy_poll.h>

struct lws__rng {
    mbedtls_ctr_drbg_context drbg;
};

/* CTR-DRBG entropy callback over the platform source: all or nothing. */
static int rng_entropy(void *data, unsigned char *out, size_t len)
{
    size_t done = 0;

    (void)data;
    while (done < len) {
        size_t got = 0;

        if (mbedtls_platform_entropy_poll(NULL, out + done, len - done, &got) ||
            !got)
            return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
        done += got;
    }
    return 0;
}

int lws__rng_create(struct lws_context *cx)
{
    static const char pers[] = "lws-system";
    struct lws__rng *r = lws__calloc(1, sizeof(*r));
    int e;

    if (!r)
        return -ENOMEM;
    mbedtls_ctr_drbg_init(&r->drbg);
    e = mbedtls_ctr_drbg_seed(&r->drbg, rng_entropy, NULL,
                              (const unsigned char *)pers, sizeof(pers) - 1);
    if (e) {
        lwsl_err("CTR-DRBG seeding failed (mbedtls -0x%04x)", (unsigned)-e);
        mbedtls_ctr_drbg_free(&r->drbg);
        lws__free(r);
        return -EIO;
    }
    cx->rng = r;
    return 0;
}

void lws__rng_destroy(struct lws_context *cx)
{
    struct lws__rng *r = cx->rng;

    if (!r)
        return;
    mbedtls_ctr_drbg_free(&r->drbg);
    lws__free(r);
    cx->rng = NULL;
}

size_t lws_get_random(struct lws_context *cx, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t done = 0;

    if (!cx || !cx->rng || (!buf && len)) {
        lwsl_err("lws_get_random: bad args");
        return 0;
    }
    LWS__LOOP_ONLY(cx);
    while (done < len) {
        size_t n = len - done;
        int e;

        if (n > MBEDTLS_CTR_DRBG_MAX_REQUEST)
            n = MBEDTLS_CTR_DRBG_MAX_REQUEST;
        e = LWS__FI_OR(cx, "core.random",
                       MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED,
                       mbedtls_ctr_drbg_random(&cx->rng->drbg, p + done, n));
        if (e) {
            lwsl_err("CTR-DRBG failed (mbedtls -0x%04x)", (unsigned)-e);
            return 0;
        }
        done += n;
    }
    return len;
}

uint32_t lws__random_u32(struct lws_context *cx)
{
    uint32_t v = 0;

    if (lws_get_random(cx, &v, sizeof(v)) != sizeof(v))
        lwsl_err("random: DRBG failure, returning 0");
    return v;
}

uint32_t lws__random_below(struct lws_context *cx, uint32_t n)
{
    uint32_t v, lim;

    if (n <= 1)
        return 0;
    /* Reject the top partial range so the result is uniform. */
    lim = UINT32_MAX - (UINT32_MAX % n);
    do
        v = lws__random_u32(cx);
    while (v >= lim);
    return v % n;
}
