/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * A small TLS client on mbedTLS, reusable inside the library: a shared
 * configuration holding the trusted CA chain, and non-blocking connections
 * over a connected socket the caller owns and polls.  The server certificate
 * is always verified against the CA chain and the host name (there is no
 * option to skip either), and no connection starts before the system state
 * reaches TIME_VALID, because certificate validity periods mean nothing
 * without a validated clock; validity is then checked at the validated
 * time, not the machine clock.  mbedTLS types stay inside cpd-tls.c.
 */
#ifndef LWS_PRIVATE_CPD_TLS_H
#define LWS_PRIVATE_CPD_TLS_H

#include "private-core.h"

#include <sys/types.h>

/* The system CA bundle used when no path is configured. */
#define LWS__TLS_DEFAULT_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct lws__tls_conf;
struct lws__tls;

/*
 * Loads the PEM CA bundle @ca_path (NULL: the default) into a new
 * configuration whose random numbers come from @cx's CSPRNG.
 * Returns 0, -ENOENT (no such file), -EINVAL (no usable certificate in it)
 * or -ENOMEM; each failure is logged with the reason.
 */
int lws__tls_conf_create(struct lws_context *cx, const char *ca_path,
                         struct lws__tls_conf **out) LWS__MUST_CHECK;

/* Frees @conf (NULL is fine); no connection may still use it. */
void lws__tls_conf_destroy(struct lws__tls_conf *conf);

/* True once the system state is at least TIME_VALID. */
bool lws__tls_time_valid(struct lws_context *cx);

/*
 * Creates a client connection on the connected non-blocking socket @fd (the
 * caller keeps owning it) that will verify @host: a name is sent as SNI and
 * matched by mbedTLS (subjectAltName dNSName, else CN); a numeric IPv4/IPv6
 * address is not sent and must equal an iPAddress subjectAltName.  @host
 * (at most 255 bytes) is kept by reference: it must outlive the connection.
 * Returns 0, -EINVAL (no host, or too long), -EAGAIN (the clock is not
 * validated yet: the connection is refused, and the reason is logged), -ENOMEM
 * or -EPROTO.
 */
int lws__tls_client_create(struct lws_context *cx, struct lws__tls_conf *conf,
                           int fd, const char *host,
                           struct lws__tls **out) LWS__MUST_CHECK;

/*
 * Advances the handshake.  Returns 0 (done, verified), -EAGAIN (call again
 * when the socket is readable, or writable if lws__tls_wants_write()),
 * -EKEYREJECTED (the certificate failed verification), -ECONNRESET (the
 * peer closed) or -EPROTO (another TLS failure).  lws__tls_error() says why.
 */
int lws__tls_handshake(struct lws__tls *t) LWS__MUST_CHECK;

/* Returns bytes read (> 0), 0 at the end of the stream (the peer's
 * close_notify), -EPIPE when the connection closed without one (the data
 * may be truncated: never take it as complete), -EAGAIN, or -ECONNRESET /
 * -EPROTO. */
ssize_t lws__tls_read(struct lws__tls *t, void *buf,
                      size_t len) LWS__MUST_CHECK;

/* Returns bytes written (> 0), -EAGAIN, or -ECONNRESET / -EPROTO. */
ssize_t lws__tls_write(struct lws__tls *t, const void *buf,
                       size_t len) LWS__MUST_CHECK;

/* True when the last -EAGAIN waits for the socket to become writable. */
bool lws__tls_wants_write(const struct lws__tls *t);

/* A human-readable reason for the last failure, or "". */
const char *lws__tls_error(const struct lws__tls *t);

/* Frees @t (NULL is fine) without closing the socket. */
void lws__tls_destroy(struct lws__tls *t);

#endif /* LWS_PRIVATE_CPD_TLS_H */
