/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Bounds-checked reader and writer for wire formats, and the numeric
 * address helpers.  A read or write past the end sets a sticky error and
 * yields zeros, so parsers check once at the end instead of at every step.
 */
#include "private-wire.h"

#include <arpa/inet.h>
#include <string.h>

const uint8_t *lws__wire_ptr(struct lws__wire *w, size_t n)
{
    const uint8_t *p;

    if (w->err || n > w->len - w->pos) {
        w->err = true;
        return NULL;
    }
    p = w->p + w->pos;
    w->pos += n;
    return p;
}

uint8_t lws__wire_u8(struct lws__wire *w)
{
    const uint8_t *p = lws__wire_ptr(w, 1);

    if (!p)
        return 0;
    return p[0];
}

uint16_t lws__wire_be16(struct lws__wire *w)
{
    const uint8_t *p = lws__wire_ptr(w, 2);

    if (!p)
        return 0;
    return (uint16_t)((unsigned int)p[0] << 8 | p[1]);
}

uint32_t lws__wire_be32(struct lws__wire *w)
{
    const uint8_t *p = lws__wire_ptr(w, 4);

    if (!p)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

bool lws__wire_bytes(struct lws__wire *w, void *dst, size_t n)
{
    const uint8_t *p = lws__wire_ptr(w, n);

    if (!p)
        return false;
    if (dst && n)
        memcpy(dst, p, n);
    return true;
}

bool lws__wire_skip(struct lws__wire *w, size_t n)
{
    return lws__wire_ptr(w, n) != NULL;
}

bool lws__wire_seek(struct lws__wire *w, size_t pos)
{
    if (w->err || pos > w->len) {
        w->err = true;
        return false;
    }
    w->pos = pos;
    return true;
}

static uint8_t *wbuf_ptr(struct lws__wbuf *b, size_t n)
{
    uint8_t *p;

    if (b->err || n > b->len - b->pos) {
        b->err = true;
        return NULL;
    }
    p = b->p + b->pos;
    b->pos += n;
    return p;
}

void lws__wbuf_u8(struct lws__wbuf *b, uint8_t v)
{
    uint8_t *p = wbuf_ptr(b, 1);

    if (p)
        p[0] = v;
}

void lws__wbuf_be16(struct lws__wbuf *b, uint16_t v)
{
    uint8_t *p = wbuf_ptr(b, 2);

    if (p) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    }
}

void lws__wbuf_be32(struct lws__wbuf *b, uint32_t v)
{
    uint8_t *p = wbuf_ptr(b, 4);

    if (p) {
        p[0] = (uint8_t)(v >> 24);
        p[1] = (uint8_t)(v >> 16);
        p[2] = (uint8_t)(v >> 8);
        p[3] = (uint8_t)v;
    }
}

void lws__wbuf_bytes(struct lws__wbuf *b, const void *src, size_t n)
{
    uint8_t *p = wbuf_ptr(b, n);

    if (p && n)
        memcpy(p, src, n);
}

void lws__wbuf_zero(struct lws__wbuf *b, size_t n)
{
    uint8_t *p = wbuf_ptr(b, n);

    if (p && n)
        memset(p, 0, n);
}

int lws_sa46_parse_numeric(lws_sockaddr46 *sa46, const char *buf)
{
    if (!sa46 || !buf)
        return -EINVAL;
    memset(sa46, 0, sizeof(*sa46));
    if (inet_pton(AF_INET, buf, &sa46->sa4.sin_addr) == 1) {
        sa46->sa4.sin_family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, &sa46->sa6.sin6_addr) == 1) {
        sa46->sa6.sin6_family = AF_INET6;
        return 0;
    }
    return -EINVAL;
}

int lws_sa46_write_numeric_address(const lws_sockaddr46 *sa46, char *buf,
                                   size_t len)
{
    const void *a;
    int af;

    if (!sa46 || !buf || !len)
        return -EINVAL;
    af = sa46->sa4.sin_family;
    if (af == AF_INET)
        a = &sa46->sa4.sin_addr;
    else if (af == AF_INET6)
        a = &sa46->sa6.sin6_addr;
    else
        return -EINVAL;
    if (!inet_ntop(af, a, buf, (socklen_t)len))
        return -ENOSPC;
    return (int)strlen(buf);
}

const char *lws__name_at(const char *names, int i)
{
    while (i > 0 && *names) {
        names += strlen(names) + 1;
        i--;
    }
    return i < 0 || !*names ? "?" : names;
}
