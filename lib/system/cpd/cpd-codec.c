/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The pure HTTP/1.1 client codec of the captive-portal probe: URL parsing,
 * the request, and the response status line, header fields and body framing
 * (RFC 9110, RFC 9112).  Every byte is read through the bounds-checked wire
 * reader; nothing here allocates or does I/O.
 */
#define LWS_LOGMOD cpd
#include "private-cpd-codec.h"

#include <stdio.h>

static bool http_is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool http_is_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int http_hex_value(uint8_t c)
{
    if (http_is_digit(c))
        return c - '0';
    c |= 0x20; /* lower case, and no other byte becomes a-f */
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static uint8_t http_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* RFC 9110 §5.6.2: token characters, the visible ones but delimiters. */
static bool http_is_tchar(uint8_t c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

/* RFC 9110 §5.5: field-vchar, SP or HTAB. */
static bool http_is_field_char(uint8_t c)
{
    return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

/* -EBADMSG unless bytes @i up to @n of @p are all field characters. */
__attribute__((noinline)) static int http_field_chars(const uint8_t *p,
                                                      size_t i, size_t n)
{
    for (; i < n; i++)
        if (!http_is_field_char(p[i]))
            return -EBADMSG;
    return 0;
}

/* Case-insensitive comparison of @n bytes at @p with the lower-case string
 * @s. */
static bool http_ieq(const uint8_t *p, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || http_lower(p[i]) != (uint8_t)s[i])
            return false;
    return !s[n];
}

/* ------------------------------------------------------------------------
 * URL
 */

/* Host name characters we accept in a URL: letters, digits, '-', '.', '_'
 * (RFC 3986 §3.2.2 reg-name, without percent-encoding). */
static bool url_is_host_char(uint8_t c)
{
    return http_is_digit(c) || http_is_alpha(c) || c == '-' || c == '.' ||
           c == '_';
}

static bool url_is_v6_char(uint8_t c)
{
    return http_hex_value(c) >= 0 || c == ':' || c == '.';
}

static int url_copy(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        return -ENAMETOOLONG;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/* One scan, left to right: the scheme, the authority (RFC 3986 §3.2:
 * host [":" port]; userinfo is refused, '@' being no host character,
 * RFC 9110 §4.2.4), then the path with its query. */
int lws__http_url_parse(const char *url, struct lws__http_url *u)
{
    const char *p = url, *h;
    size_t hl;
    int ret;

    if (!url || !u)
        return -EINVAL;
    memset(u, 0, sizeof(*u));
    /* "http" or "https" (any case), then "://"; a shorter url differs at
     * its NUL: nothing past it is read */
    if (!http_ieq((const uint8_t *)p, 4, "http"))
        return -EINVAL;
    p += 4;
    if ((*p | 0x20) == 's') {
        u->https = true;
        p++;
    }
    u->port = u->https ? 443 : 80;
    if (strncmp(p, "://", 3))
        return -EINVAL;
    h = p += 3;
    for (; *h; h++)
        if ((uint8_t)*h <= 0x20 || (uint8_t)*h >= 0x7f || *h == '#')
            return -EINVAL; /* no spaces, controls or fragments */
    h = p;
    if (*p == '[') { /* an IPv6 literal: kept without the [] */
        h = ++p;
        while (url_is_v6_char((uint8_t)*p))
            p++;
        if (*p != ']' || p == h)
            return -EINVAL;
        u->ipv6_literal = true;
        hl = (size_t)(p++ - h);
    } else {
        while (url_is_host_char((uint8_t)*p))
            p++;
        hl = (size_t)(p - h);
        if (!hl)
            return -EINVAL;
    }
    if (*p == ':') { /* the port: up to the path or the query */
        const char *q = ++p;

        p += strcspn(p, "/?");
        if (lws__port_parse(q, (size_t)(p - q), &u->port))
            return -EINVAL;
    }
    if (*p && *p != '/' && *p != '?')
        return -EINVAL;
    ret = url_copy(u->host, sizeof(u->host), h, hl);
    if (ret)
        return ret;
    /* RFC 9112 §3.2.1: an empty path (nothing, or a query) is sent as "/" */
    hl = *p != '/';
    u->path[0] = '/';
    return url_copy(u->path + hl, sizeof(u->path) - hl, p, strlen(p));
}

int lws__http_request_write_as(const struct lws__http_url *u, char *buf,
                               size_t len, const char *accept)
{
    /* a port other than the scheme's: ":" and the port, else nothing (a
     * precision of 0 prints a 0 as nothing); [] around an IPv6 literal */
    int p = u->port != (u->https ? 443 : 80), v6 = u->ipv6_literal;
    int n;

    /* RFC 9112 §3.2: Host carries the authority, [] around IPv6. */
    n = snprintf(buf, len,
                 "GET %s HTTP/1.1\r\n"
                 "Host: %.*s%s%.*s%.*s%.*u\r\n"
                 "User-Agent: lws-system-cpd/" LWS_SYSTEM_VERSION "\r\n"
                 "Accept: %s\r\n"
                 "Cache-Control: no-cache\r\n"
                 "Connection: close\r\n\r\n",
                 u->path, v6, "[", u->host, v6, "]", p, ":", p,
                 (unsigned int)u->port * (unsigned int)p, accept);
    if (n < 0 || (size_t)n >= len)
        return -ENOSPC;
    return n;
}

/* ------------------------------------------------------------------------
 * Response header
 */

/*
 * Finds the next line from the reader's position: *@ofs and *@n delimit it
 * without its line ending.  RFC 9112 §2.2: a bare LF also ends a line; a CR
 * anywhere else is refused by the line validators.
 */
static int http_line(struct lws__wire *w, size_t *ofs, size_t *n)
{
    size_t start = w->pos;

    while (lws__wire_left(w)) {
        if (lws__wire_u8(w) != '\n')
            continue;
        size_t end = w->pos - 1;
        if (end > start && w->p[end - 1] == '\r')
            end--;
        *ofs = start;
        *n = end - start;
        return 0;
    }
    return -EAGAIN;
}

/* RFC 9112 §4: status-line = HTTP-version SP status-code SP [reason]. */
static int http_status_line(const uint8_t *p, size_t n,
                            struct lws__http_resp *r)
{
    int st = 0;

    if (n < 12 || !http_ieq(p, 7, "http/1.") || !http_is_digit(p[7]) ||
        p[8] != ' ')
        return -EBADMSG;
    r->minor = (uint8_t)(p[7] - '0');
    for (size_t i = 9; i < 12; i++) {
        if (!http_is_digit(p[i]))
            return -EBADMSG;
        st = st * 10 + (p[i] - '0');
    }
    r->status = st;
    /* Tolerate a missing SP when the reason phrase is empty. */
    if (st < 100 || (n > 12 && p[12] != ' '))
        return -EBADMSG;
    return http_field_chars(p, 13, n);
}

/* RFC 9112 §6.3 item 5: only a single decimal value is accepted. */
static int http_content_length(const uint8_t *v, size_t n, int64_t *cl)
{
    int64_t x = 0;

    if (!n || n > 15)
        return -EBADMSG;
    for (size_t i = 0; i < n; i++) {
        if (!http_is_digit(v[i]))
            return -EBADMSG;
        x = x * 10 + (v[i] - '0');
    }
    if (*cl >= 0 && *cl != x)
        return -EBADMSG; /* conflicting duplicates: a smuggling sign */
    *cl = x;
    return 0;
}

/* RFC 9112 §6.1: the final transfer coding decides the framing. */
static void http_transfer_encoding(const uint8_t *v, size_t n,
                                   struct lws__http_resp *r)
{
    size_t s = n;

    while (s && v[s - 1] != ',')
        s--;
    while (s < n && (v[s] == ' ' || v[s] == '\t'))
        s++;
    r->chunked = http_ieq(v + s, n - s, "chunked");
    r->te_other = !r->chunked;
}

/* A field line: name ":" OWS value OWS (RFC 9112 §5).  A line starting
 * with whitespace (§5.2 obs-fold) has no name: refused, as folding is a
 * smuggling vector and no probe server needs it. */
static int http_field(const uint8_t *base, size_t ofs, size_t n,
                      struct lws__http_resp *r)
{
    const uint8_t *p = base + ofs;
    size_t name = 0, vs, ve;

    while (name < n && http_is_tchar(p[name]))
        name++;
    /* §5.1: no whitespace between the name and the colon. */
    if (!name || name == n || p[name] != ':')
        return -EBADMSG;
    vs = name + 1;
    ve = n;
    if (http_field_chars(p, vs, n))
        return -EBADMSG;
    while (vs < ve && (p[vs] == ' ' || p[vs] == '\t'))
        vs++;
    while (ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\t'))
        ve--;
    if (http_ieq(p, name, "content-length"))
        return http_content_length(p + vs, ve - vs, &r->content_length);
    if (http_ieq(p, name, "transfer-encoding"))
        http_transfer_encoding(p + vs, ve - vs, r);
    else if (http_ieq(p, name, "location")) {
        r->location_ofs = ofs + vs;
        r->location_len = ve - vs;
    }
    return 0;
}

/* Parses one message header at the reader's position. */
__attribute__((noinline)) static int http_one_header(struct lws__wire *w,
                                                     struct lws__http_resp *r)
{
    size_t ofs, n, start = w->pos;

    while (!http_line(w, &ofs, &n)) {
        if (w->pos - start > LWS__HTTP_MAX_HDR_BYTES)
            return -EMSGSIZE;
        if (ofs == start) { /* the first line */
            if (http_status_line(w->p + ofs, n, r))
                return -EBADMSG;
            continue;
        }
        if (!n) {
            r->hdr_len = w->pos;
            return 0;
        }
        if (++r->fields > LWS__HTTP_MAX_FIELDS)
            return -EMSGSIZE;
        if (http_field(w->p, ofs, n, r))
            return -EBADMSG;
    }
    return w->len - start > LWS__HTTP_MAX_HDR_BYTES ? -EMSGSIZE : -EAGAIN;
}

int lws__http_resp_parse(const uint8_t *buf, size_t len,
                         struct lws__http_resp *r)
{
    struct lws__wire w;
    int ret;

    if (!buf || !r)
        return -EINVAL;
    lws__wire_init(&w, buf, len);
    do {
        memset(r, 0, sizeof(*r));
        r->content_length = -1;
        ret = http_one_header(&w, r);
        if (ret)
            return ret;
        /* RFC 9110 §15.2: skip interim responses (101 is final here). */
    } while (r->status < 200 && r->status != 101);
    if (r->chunked || r->te_other)
        r->content_length = -1; /* RFC 9112 §6.3 item 3 */
    return 0;
}

/* ------------------------------------------------------------------------
 * Body
 */

/* chunk-size [ chunk-ext ] (RFC 9112 §7.1). */
static int http_chunk_size(const uint8_t *p, size_t n, size_t *size)
{
    size_t v = 0, i = 0;
    int h;

    while (i < n && (h = http_hex_value(p[i])) >= 0) {
        /* More hex digits than size_t holds less one (15, or 7 on 32-bit
         * targets) would wrap: far past any body we keep anyway. */
        if (i == 2 * sizeof(size_t) - 1)
            return -EMSGSIZE;
        v = v * 16 + (size_t)h;
        i++;
    }
    if (!i || http_field_chars(p, i, n))
        return -EBADMSG;
    *size = v;
    return 0;
}

static int http_trailers(struct lws__wire *w, size_t *used)
{
    size_t ofs, n;

    while (!http_line(w, &ofs, &n)) {
        if (!n) {
            *used = w->pos;
            return 0;
        }
    }
    return -EAGAIN;
}

int lws__http_dechunk(const uint8_t *buf, size_t len, uint8_t *out,
                      size_t out_cap, size_t *out_len, size_t *used)
{
    struct lws__wire w;
    size_t ofs, n, size, o = 0;
    int ret;

    lws__wire_init(&w, buf, len);
    for (;;) {
        if (http_line(&w, &ofs, &n))
            return -EAGAIN;
        ret = http_chunk_size(buf + ofs, n, &size);
        if (ret)
            return ret;
        if (!size)
            break;
        if (size > out_cap - o)
            return -EMSGSIZE;
        if (lws__wire_left(&w) < size)
            return -EAGAIN;
        lws__wire_bytes(&w, out + o, size);
        o += size;
        if (http_line(&w, &ofs, &n))
            return -EAGAIN;
        if (n)
            return -EBADMSG; /* data longer than its chunk-size */
    }
    ret = http_trailers(&w, used);
    if (!ret)
        *out_len = o;
    return ret;
}

int lws__http_resp_body(const struct lws__http_resp *r, const uint8_t *buf,
                        size_t len, bool eof, uint8_t *scratch,
                        size_t scratch_len, const uint8_t **body,
                        size_t *body_len)
{
    size_t have, used;
    int ret;

    if (!r || !buf || r->hdr_len > len)
        return -EINVAL;
    have = len - r->hdr_len;
    *body = buf + r->hdr_len;
    *body_len = 0;
    /* RFC 9112 §6.3 item 1: these never carry content. */
    if (r->status < 200 || r->status == 204 || r->status == 304)
        return 0;
    if (r->chunked) {
        ret = lws__http_dechunk(buf + r->hdr_len, have, scratch, scratch_len,
                                body_len, &used);
        if (!ret)
            *body = scratch;
        else if (ret == -EAGAIN && eof)
            ret = -EBADMSG;
        return ret;
    }
    if (r->content_length >= 0) {
        if (have >= (uint64_t)r->content_length) {
            *body_len = (size_t)r->content_length;
            return 0;
        }
        return eof ? -EBADMSG : -EAGAIN;
    }
    if (!eof)
        return -EAGAIN;
    *body_len = have;
    return 0;
}
