/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * RFC 8908 Captive Portal API, the pure part (cpd-capport.c): the reply's
 * media type and a small bounded JSON reader for the API's state object.
 * The glue (cpd-capport-fetch.c, cpd-probe.c) fetches it over HTTPS.
 */
#ifndef LWS_PRIVATE_CPD_CAPPORT_H
#define LWS_PRIVATE_CPD_CAPPORT_H

#include "private-wire.h"

#define LWS__CAPPORT_URL_MAX   256  /* URLs kept, NUL included */
#define LWS__CAPPORT_JSON_MAX  4096 /* bigger API objects are refused */
#define LWS__CAPPORT_DEPTH_MAX 8    /* nesting of values we skip */

/* The API's state (RFC 8908 section 5).  -1: the member was absent. */
struct lws__capport {
    int captive; /* required: 0 or 1 */
    int can_extend;
    int64_t seconds_remaining;
    int64_t bytes_remaining;
    char user_portal_url[LWS__CAPPORT_URL_MAX];
    char venue_info_url[LWS__CAPPORT_URL_MAX];
};

/*
 * Parses one JSON object (RFC 8259; at most LWS__CAPPORT_JSON_MAX bytes,
 * nesting at most LWS__CAPPORT_DEPTH_MAX) into @c.  Members other than the
 * above are skipped; a URL member that is not a string of printable ASCII
 * without '"', '\\', '<', '>' or space (after unescaping), or longer than
 * the buffer, is treated as absent; a number member that is not a
 * non-negative integer below 2^53 is too.
 * Returns 0, -EBADMSG (not one well-formed object, or "captive" missing or
 * not a boolean) or -EMSGSIZE.
 */
int lws__capport_parse(const uint8_t *buf, size_t len,
                       struct lws__capport *c) LWS__MUST_CHECK;

/* True if the header block @hdr (@len bytes, as received) has a
 * Content-Type of application/captive+json (parameters allowed). */
bool lws__capport_ctype_ok(const uint8_t *hdr, size_t len);

#endif /* LWS_PRIVATE_CPD_CAPPORT_H */
