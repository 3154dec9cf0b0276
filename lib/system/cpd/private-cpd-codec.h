/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * A small, pure HTTP/1.1 client codec for the captive-portal probe: URL
 * parsing, the GET request, and a bounds-checked parser for the status line,
 * the header fields and the body framing (Content-Length, chunked, or until
 * close) of a response.  No I/O, no allocation: everything works on
 * caller-owned buffers, so it is unit-tested and fuzzed on its own.
 */
#ifndef LWS_PRIVATE_CPD_CODEC_H
#define LWS_PRIVATE_CPD_CODEC_H

#include "private-wire.h"

/* A header block larger than this is refused (-EMSGSIZE). */
#define LWS__HTTP_MAX_HDR_BYTES 8192
/* More header fields than this are refused (-EMSGSIZE). */
#define LWS__HTTP_MAX_FIELDS 64
/* Longest host name (RFC 1035 §2.3.4) and longest path we accept. */
#define LWS__HTTP_HOST_MAX 253
#define LWS__HTTP_PATH_MAX 512

/* A parsed "http://" or "https://" URL. */
struct lws__http_url {
    uint16_t port; /* host byte order */
    bool https;
    bool ipv6_literal;                 /* host was given as [v6] */
    char host[LWS__HTTP_HOST_MAX + 1]; /* without [] for IPv6 literals */
    char path[LWS__HTTP_PATH_MAX + 1]; /* starts with '/', query included */
};

/*
 * Parses @url.  The scheme is case-insensitive; userinfo and fragments are
 * refused; an empty path becomes "/".
 * Returns 0, -EINVAL (malformed) or -ENAMETOOLONG.
 */
int lws__http_url_parse(const char *url,
                        struct lws__http_url *u) LWS__MUST_CHECK;

/*
 * Writes "GET path HTTP/1.1" with Host, User-Agent, Accept: @accept,
 * Cache-Control: no-cache and Connection: close into @buf.
 * Returns the length written, or -ENOSPC.
 */
int lws__http_request_write_as(const struct lws__http_url *u, char *buf,
                               size_t len, const char *accept) LWS__MUST_CHECK;
/* The probe's request: Accept: any type. */
#define lws__http_request_write(u, buf, len)                                   \
    lws__http_request_write_as(u, buf, len, "*/*")

/* What the header parser found.  Offsets index the parsed buffer. */
struct lws__http_resp {
    int status;             /* 100..999 (a final, non-1xx status) */
    uint8_t minor;          /* HTTP/1.<minor> */
    size_t hdr_len;         /* bytes up to and including the empty line */
    int64_t content_length; /* -1 when absent */
    bool chunked;           /* Transfer-Encoding ends in "chunked" */
    bool te_other;          /* another transfer coding: read until close */
    size_t location_ofs;    /* Location value, when location_len != 0 */
    size_t location_len;
    unsigned int fields; /* number of header fields seen */
};

/*
 * Parses the status line and header fields at the start of @buf (interim
 * 1xx responses other than 101 are skipped, RFC 9110 §15.2).
 * Returns 0 (header complete, @r filled), -EAGAIN (need more bytes),
 * -EBADMSG (malformed) or -EMSGSIZE (over the limits above).
 */
int lws__http_resp_parse(const uint8_t *buf, size_t len,
                         struct lws__http_resp *r) LWS__MUST_CHECK;

/*
 * Locates the body of the response whose header @r was parsed from @buf
 * (RFC 9112 §6.3).  @eof says the peer closed after these @len bytes.  A
 * chunked body is decoded into @scratch.  On 0, *@body / *@body_len point
 * into @buf or @scratch.
 * Returns 0 (complete body), -EAGAIN (need more), -EBADMSG (malformed or
 * truncated) or -EMSGSIZE (decoded body larger than @scratch_len).
 */
int lws__http_resp_body(const struct lws__http_resp *r, const uint8_t *buf,
                        size_t len, bool eof, uint8_t *scratch,
                        size_t scratch_len, const uint8_t **body,
                        size_t *body_len) LWS__MUST_CHECK;

/*
 * Decodes a chunked body (RFC 9112 §7.1) from @buf into @out.  On 0,
 * *@out_len is the decoded length and *@used the bytes of @buf consumed
 * (trailer section included).
 * Returns 0, -EAGAIN (incomplete), -EBADMSG or -EMSGSIZE.
 */
int lws__http_dechunk(const uint8_t *buf, size_t len, uint8_t *out,
                      size_t out_cap, size_t *out_len,
                      size_t *used) LWS__MUST_CHECK;

#endif /* LWS_PRIVATE_CPD_CODEC_H */
