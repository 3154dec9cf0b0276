/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The library's TLS client on mbedTLS 2.28: CA bundle loading, verified
 * client connections over caller-owned non-blocking sockets, and the
 * translation of mbedTLS codes into negative errno values plus a readable
 * reason.  Verification is mandatory (MBEDTLS_SSL_VERIFY_REQUIRED and a host
 * name are always set) and refused before TIME_VALID.  Validity periods are
 * checked against the time a time source (the NTP client) validated, as the
 * context records it (not the machine clock, which the library only sets
 * when told to).
 */
#define LWS_LOGMOD cpd
#include "private-cpd-tls.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <time.h>

#include <mbedtls/asn1.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

struct lws__tls_conf {
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
};

struct lws__tls {
    int fd;
    const char *host; /* the caller's, as long as the connection lives */
    bool want_write;  /* the last WANT_* was a write */
    size_t ip_len;    /* 4, 16, or 0 for a host name */
#if LWS_WITH_FI
    struct lws_context *cx; /* for the fault points */
#endif
    uint8_t ip[16]; /* the host as an address, when it is a literal */
    int now[6];     /* trusted UTC time the certificates are checked at: year,
                     * month (1..12), day, hour, minute, second */
    mbedtls_ssl_context ssl;
    char err[600];
};

/* mbedTLS's RNG callback: the context's CSPRNG. */
static int tls_rng(void *p, unsigned char *buf, size_t len)
{
    struct lws_context *cx = p;

    return lws_get_random(cx, buf, len) == len ? 0
                                               : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

static int tls_load_ca(struct lws__tls_conf *c, const char *path)
{
    char e[128];
    int n = mbedtls_x509_crt_parse_file(&c->ca, path);

    if (n < 0 || !c->ca.version) {
        /* mbedTLS's reason ("PK - Read/write of file failed", ...) */
        mbedtls_strerror(n, e, sizeof(e));
        lwsl_err("CA bundle %s: %s", path, n < 0 ? e : "no certificate");
        return n == MBEDTLS_ERR_PK_FILE_IO_ERROR ? -ENOENT : -EINVAL;
    }
    if (n > 0)
        lwsl_info("CA bundle %s: %d certificates skipped", path, n);
    return 0;
}

int lws__tls_conf_create(struct lws_context *cx, const char *ca_path,
                         struct lws__tls_conf **out)
{
    struct lws__tls_conf *c;
    int ret;

    *out = NULL;
    c = lws__calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_x509_crt_init(&c->ca);
    ret = tls_load_ca(c, ca_path ? ca_path : LWS__TLS_DEFAULT_CA_BUNDLE);
    if (ret)
        goto out_free;
    if (mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT)) {
        ret = -ENOMEM;
        goto out_free;
    }
    /* Verification is never optional. */
    mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
    mbedtls_ssl_conf_rng(&c->conf, tls_rng, cx);
    /* TLS 1.2 is the floor (RFC 8996 deprecates 1.0 and 1.1). */
    mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    *out = c;
    return 0;

out_free:
    lws__tls_conf_destroy(c);
    return ret;
}

void lws__tls_conf_destroy(struct lws__tls_conf *conf)
{
    if (!conf)
        return;
    mbedtls_ssl_config_free(&conf->conf);
    mbedtls_x509_crt_free(&conf->ca);
    lws__free(conf);
}

bool lws__tls_time_valid(struct lws_context *cx)
{
    return cx && cx->mgr_system.state >= LWS_SYSTATE_TIME_VALID;
}

/* The Unix time (us) certificate validity is checked at: the time the NTP
 * client validated, carried forward on the monotonic clock, else (no sync:
 * TIME_VALID by plausibility or policy) the wall clock. */
static lws_usec_t tls_trusted_now(struct lws_context *cx)
{
    lws_usec_t wall, mono;

    /* The server's time at the last validated sync, carried forward along
     * the monotonic clock. */
    if (lws__time_sync_get(cx, &wall, &mono))
        return wall + (lws_now_usecs() - mono);
    /* No sync: TIME_VALID came from a plausible clock or from policy. */
    return lws__cx_wall_usecs(cx);
}

/* Orders two UTC times field by field (mbedTLS keeps full years, months
 * 1..12, as @a does). */
static int tls_time_cmp(const int a[6], const mbedtls_x509_time *t)
{
    const int b[] = {t->year, t->mon, t->day, t->hour, t->min, t->sec};

    for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/*
 * Whether @crt names the address @ip in its subjectAltName (RFC 5280
 * section 4.2.1.6: iPAddress, [7] of 4 or 16 bytes).  mbedTLS 2.28 lists
 * every entry of the extension in subject_alt_names (it only parses
 * dNSName and otherName), with its tag.
 */
static bool tls_crt_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip,
                           size_t ip_len)
{
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s;
         s = s->next)
        if (s->buf.tag ==
                (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_IP_ADDRESS) &&
            s->buf.len == ip_len && !memcmp(s->buf.p, ip, ip_len))
            return true;
    return false;
}

/*
 * Called by mbedTLS for each certificate of the chain: replaces its
 * machine-clock validity verdict with one at the trusted time.  Every other
 * flag (signature, name, trust) stays as mbedTLS set it.
 */
static int tls_verify_cb(void *data, mbedtls_x509_crt *crt, int depth,
                         uint32_t *flags)
{
    struct lws__tls *t = data;

    *flags &=
        ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
    /* RFC 6125 §6.2: an address is matched against iPAddress names only
     * (mbedTLS had no name to check: see lws__tls_client_create()). */
    if (!depth && t->ip_len && !tls_crt_has_ip(crt, t->ip, t->ip_len))
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    if (tls_time_cmp(t->now, &crt->valid_to) > 0)
        *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    if (tls_time_cmp(t->now, &crt->valid_from) < 0)
        *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    return 0;
}

/* A failed send (@w) or recv as an mbedTLS code. */
static int tls_io_err(struct lws__tls *t, bool w)
{
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        t->want_write = w;
        return w ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (errno == ECONNRESET || (w && errno == EPIPE))
        return MBEDTLS_ERR_NET_CONN_RESET;
    return w ? MBEDTLS_ERR_NET_SEND_FAILED : MBEDTLS_ERR_NET_RECV_FAILED;
}

static int tls_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct lws__tls *t = ctx;
    ssize_t n =
        send(t->fd, buf, LWS__FI_OR(t->cx, "tls.tx.short", (len + 1) / 2, len),
             MSG_NOSIGNAL);

    return n >= 0 ? (int)n : tls_io_err(t, true);
}

static int tls_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct lws__tls *t = ctx;
    ssize_t n = recv(t->fd, buf, len, 0);

    return n >= 0 ? (int)n : tls_io_err(t, false);
}

int lws__tls_client_create(struct lws_context *cx, struct lws__tls_conf *conf,
                           int fd, const char *host, struct lws__tls **out)
{
    struct lws__tls *t;

    *out = NULL;
    if (!conf || !host || !*host || strlen(host) > 255)
        return -EINVAL;
    if (!lws__tls_time_valid(cx)) {
        lwsl_err("refusing TLS to %s before TIME_VALID", host);
        return -EAGAIN;
    }
    t = lws__calloc(1, sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->fd = fd;
#if LWS_WITH_FI
    t->cx = cx;
#endif
    {
        time_t sec = (time_t)(tls_trusted_now(cx) / LWS_US_PER_SEC);
        struct tm tm;

        gmtime_r(&sec, &tm);
        t->now[0] = tm.tm_year + 1900;
        t->now[1] = tm.tm_mon + 1;
        t->now[2] = tm.tm_mday;
        t->now[3] = tm.tm_hour;
        t->now[4] = tm.tm_min;
        t->now[5] = tm.tm_sec;
    }
    t->host = host;
    mbedtls_ssl_init(&t->ssl);
    if (LWS__FI_OR(cx, "tls.setup", MBEDTLS_ERR_SSL_ALLOC_FAILED,
                   mbedtls_ssl_setup(&t->ssl, &conf->conf)))
        goto oom;
    /* An address: no SNI (RFC 6066 §3 forbids literals there), and the
     * verify callback matches it against iPAddress names. */
    if (inet_pton(AF_INET, host, t->ip) == 1)
        t->ip_len = 4;
    else if (inet_pton(AF_INET6, host, t->ip) == 1)
        t->ip_len = 16;
    else if (mbedtls_ssl_set_hostname(&t->ssl, t->host))
        goto oom;
    mbedtls_ssl_set_bio(&t->ssl, t, tls_send, tls_recv, NULL);
    mbedtls_ssl_set_verify(&t->ssl, tls_verify_cb, t);
    *out = t;
    return 0;

oom:
    lws__tls_destroy(t);
    return -ENOMEM;
}

/* Turns the verification flags into "...: reason; reason". */
static void tls_verify_reason(struct lws__tls *t, uint32_t flags)
{
    size_t o = (size_t)snprintf(t->err, sizeof(t->err),
                                "certificate verification failed:");
    /* one " reason\n" per flag: joined as " a; b" */
    int n = mbedtls_x509_crt_verify_info(t->err + o, sizeof(t->err) - o, " ",
                                         flags);

    if (n <= 0)
        snprintf(t->err + o, sizeof(t->err) - o, " flags 0x%x",
                 (unsigned int)flags);
    for (char *p = t->err + o; *p; p++)
        if (*p == '\n')
            *p = p[1] ? ';' : '\0';
}

__attribute__((noinline)) static int tls_map(struct lws__tls *t, int code,
                                             const char *what)
{
    int ret = -EKEYREJECTED;
    size_t n;

    if (code == MBEDTLS_ERR_SSL_WANT_READ || code == MBEDTLS_ERR_SSL_WANT_WRITE)
        return -EAGAIN;
    if (code == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
        tls_verify_reason(t, mbedtls_ssl_get_verify_result(&t->ssl));
    else {
        lwsl_debug("%s: %s: mbedTLS -0x%04x", t->host, what,
                   (unsigned int)-code);
        n = (size_t)snprintf(t->err, sizeof(t->err), "%s failed: ", what);
        if (code == MBEDTLS_ERR_NET_CONN_RESET ||
            code == MBEDTLS_ERR_SSL_CONN_EOF ||
            code == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            strcpy(t->err + n, "connection closed by peer");
            return -ECONNRESET;
        }
        mbedtls_strerror(code, t->err + n, sizeof(t->err) - n);
        ret = -EPROTO;
    }
    /* a refused certificate, or another TLS failure */
    lwsl_err("%s: %s", t->host, t->err);
    return ret;
}

int lws__tls_handshake(struct lws__tls *t)
{
    int n =
        LWS__FI_OR(t->cx, "tls.handshake", MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO,
                   mbedtls_ssl_handshake(&t->ssl));

    /* VERIFY_REQUIRED already failed the handshake on any flag; this
     * re-check keeps that promise even if the mode were ever relaxed. */
    if (!n && mbedtls_ssl_get_verify_result(&t->ssl))
        n = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    if (n)
        return tls_map(t, n, "handshake");
    lwsl_info("%s: %s handshake done (%s)", t->host,
              mbedtls_ssl_get_version(&t->ssl),
              mbedtls_ssl_get_ciphersuite(&t->ssl));
    return 0;
}

ssize_t lws__tls_read(struct lws__tls *t, void *buf, size_t len)
{
    int n = mbedtls_ssl_read(&t->ssl, buf, len);

    if (n > 0)
        return n;
    if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return 0; /* the only end of the stream we believe */
    if (!n || n == MBEDTLS_ERR_SSL_CONN_EOF) {
        /* RFC 8446 §6.1: a close without close_notify may be an attacker
         * cutting the stream; what arrived is not known to be complete. */
        strcpy(t->err, "closed without close_notify");
        lwsl_info("%s: %s", t->host, t->err);
        return -EPIPE;
    }
    return tls_map(t, n, "read");
}

ssize_t lws__tls_write(struct lws__tls *t, const void *buf, size_t len)
{
    int n = mbedtls_ssl_write(&t->ssl, buf, len);

    if (n > 0)
        return n;
    return tls_map(t, n, "write");
}

bool lws__tls_wants_write(const struct lws__tls *t)
{
    return t && t->want_write;
}

const char *lws__tls_error(const struct lws__tls *t)
{
    return t ? t->err : "";
}

void lws__tls_destroy(struct lws__tls *t)
{
    if (!t)
        return;
    mbedtls_ssl_free(&t->ssl);
    lws__free(t);
}
