/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * bench/cpd: how long one captive-portal check takes against a real nginx on
 * loopback (certificate from a CA made at run time), over HTTP and HTTPS,
 * versus a bare blocking client doing the same exchange in the same run
 * (plain sockets for HTTP, mbedTLS with the same CA and verification for
 * HTTPS).  Prints medians and 90th percentiles of N runs and the ratios.
 *
 *   bench-cpd [runs]      (default 20; needs nginx and openssl)
 */
#include "private-cpd.h"

#include "cpd-spawn.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#define MAX_RUNS 200

static char dir[PATH_MAX];
static int port_http, port_https;

static int setup(void)
{
    char nginx[256], conf[PATH_MAX + 16], log[PATH_MAX + 16], cnf[8192];
    char pid[PATH_MAX + 16];
    pid_t pidn;

    if (!lt_which("nginx", nginx, sizeof(nginx)) ||
        !lt_which("openssl", cnf, sizeof(cnf)))
        return LT_SKIP;
    if (lt_mkdtemp(dir, sizeof(dir), "bench-cpd"))
        return 1;
    snprintf(conf, sizeof(conf), "%s/o.cnf", dir);
    if (lt_write_file(conf, "[req]\ndistinguished_name = dn\nprompt = no\n"
                            "[dn]\nCN = x\n[ca]\nbasicConstraints = "
                            "critical,CA:TRUE\nkeyUsage = critical,"
                            "keyCertSign\n[leaf]\nbasicConstraints = "
                            "CA:FALSE\nsubjectAltName = IP:127.0.0.1\n") ||
        lt_sh("cd %s && openssl req -x509 -config o.cnf -extensions ca "
              "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
              "-keyout ca.key -out ca.crt -days 2 -subj /CN=bench-ca "
              ">/dev/null 2>&1 && openssl req -new -config o.cnf -newkey ec "
              "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout s.key "
              "-out s.csr -subj /CN=127.0.0.1 >/dev/null 2>&1 && openssl x509 "
              "-req -in s.csr -CA ca.crt -CAkey ca.key -set_serial 7 -days 2 "
              "-extfile o.cnf -extensions leaf -out s.crt >/dev/null 2>&1",
              dir))
        return 1;
    port_http = lt_free_port(false);
    port_https = lt_free_port(false);
    snprintf(cnf, sizeof(cnf),
             "worker_processes 1;\nerror_log %s/error.log;\npid %s/n.pid;\n"
             "events { worker_connections 64; }\nhttp {\n access_log off;\n"
             " server {\n  listen 127.0.0.1:%d;\n  listen 127.0.0.1:%d ssl;\n"
             "  ssl_certificate %s/s.crt;\n  ssl_certificate_key %s/s.key;\n"
             "  location = /generate_204 { return 204; }\n }\n}\n",
             dir, dir, port_http, port_https, dir, dir);
    snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
    if (lt_write_file(conf, cnf))
        return 1;
    snprintf(log, sizeof(log), "%s/nginx.out", dir);
    char *argv[] = {nginx, "-p", dir, "-c", conf, "-g", "daemon off;", NULL};
    pidn = cpd_spawn_tied(argv, log);
    snprintf(pid, sizeof(pid), "%s/n.pid", dir);
    if (pidn < 0 || !lt_wait_file_contains(pid, "", 10000))
        return 1;
    return -(int)pidn; /* negative: started */
}

/* ------------------------------------------------------------------------
 * Baselines: a blocking client doing one exchange
 */

static const char req[] = "GET /generate_204 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\n\r\n";

static bool reply_is_204(const char *buf, int n)
{
    return n >= 12 && !memcmp(buf, "HTTP/1.1 204", 12);
}

static bool bare_http(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, n = 0, r;
    char buf[1024];

    sa.sin_port = htons((uint16_t)port_http);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
        close(fd);
        return false;
    }
    while ((r = (int)read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    return reply_is_204(buf, n);
}

struct bare_tls {
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
};

static int bare_tls_init(struct bare_tls *b)
{
    char ca[PATH_MAX + 16];

    snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
    mbedtls_entropy_init(&b->ent);
    mbedtls_ctr_drbg_init(&b->drbg);
    mbedtls_x509_crt_init(&b->ca);
    mbedtls_ssl_config_init(&b->conf);
    if (mbedtls_ctr_drbg_seed(&b->drbg, mbedtls_entropy_func, &b->ent, NULL,
                              0) ||
        mbedtls_x509_crt_parse_file(&b->ca, ca) ||
        mbedtls_ssl_config_defaults(&b->conf, MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT))
        return -1;
    mbedtls_ssl_conf_authmode(&b->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&b->conf, &b->ca, NULL);
    mbedtls_ssl_conf_rng(&b->conf, mbedtls_ctr_drbg_random, &b->drbg);
    return 0;
}

static void bare_tls_free(struct bare_tls *b)
{
    mbedtls_ssl_config_free(&b->conf);
    mbedtls_x509_crt_free(&b->ca);
    mbedtls_ctr_drbg_free(&b->drbg);
    mbedtls_entropy_free(&b->ent);
}

/* The server's certificate names 127.0.0.1 as an iPAddress, which mbedTLS
 * 2.28 cannot match: the baseline skips the name check (the library does
 * its own), everything else is verified. */
static bool bare_https(struct bare_tls *b)
{
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    char port[8], buf[1024];
    int n = 0, r, one = 1;
    bool ok = false;

    snprintf(port, sizeof(port), "%d", port_https);
    mbedtls_net_init(&net);
    mbedtls_ssl_init(&ssl);
    if (mbedtls_net_connect(&net, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP) ||
        mbedtls_ssl_setup(&ssl, &b->conf))
        goto out;
    setsockopt(net.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv, NULL);
    if (mbedtls_ssl_handshake(&ssl) ||
        mbedtls_ssl_write(&ssl, (const unsigned char *)req, sizeof(req) - 1) <
            0)
        goto out;
    while ((r = mbedtls_ssl_read(&ssl, (unsigned char *)buf + n,
                                 sizeof(buf) - 1 - (size_t)n)) > 0)
        n += r;
    ok = reply_is_204(buf, n);
out:
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&net);
    return ok;
}

/* ------------------------------------------------------------------------
 * The library: one lws_system_cpd_start() -> result, on a live context
 */

static bool lws_check(struct lws_context *cx)
{
    if (lws_system_cpd_start(cx))
        return false;
    while (lws_system_cpd_state_get(cx) == LWS_CPD_UNKNOWN)
        lws_service(cx, 0);
    return lws_system_cpd_state_get(cx) == LWS_CPD_INTERNET_OK;
}

static void wake(struct lws_context *cx, lws_cpd_result_t r, const char *why,
                 void *user)
{
    (void)r, (void)why, (void)user;
    lws_cancel_service(cx);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return x < y ? -1 : x > y;
}

struct stats {
    double median_ms, p90_ms;
};

static struct stats stats_of(long long *us, int n)
{
    struct stats s;

    qsort(us, (size_t)n, sizeof(*us), cmp_ll);
    s.median_ms = (double)us[n / 2] / 1000.0;
    s.p90_ms = (double)us[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1] / 1000.0;
    return s;
}

static long long now_us(void)
{
    return (long long)lws_now_usecs();
}

static int run_pair(const char *name, struct lws_context *cx,
                    struct bare_tls *b, int runs)
{
    long long lib[MAX_RUNS], base[MAX_RUNS];
    struct stats sl, sb;

    for (int i = 0; i < runs; i++) {
        long long t0 = now_us();
        if (!(b ? bare_https(b) : bare_http()))
            return 1;
        base[i] = now_us() - t0;
        t0 = now_us();
        if (!lws_check(cx))
            return 1;
        lib[i] = now_us() - t0;
    }
    sl = stats_of(lib, runs);
    sb = stats_of(base, runs);
    printf("%-6s lws CPD check: median %7.3f ms (p90 %7.3f) | bare %s: "
           "median %7.3f ms (p90 %7.3f) | ratio %.2f\n",
           name, sl.median_ms, sl.p90_ms, b ? "mbedTLS" : "socket",
           sb.median_ms, sb.p90_ms, sl.median_ms / sb.median_ms);
    return 0;
}

static struct lws_context *context_for(const char *http, const char *https,
                                       const char *ca, struct lws_cpd_info *ci)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    memset(ci, 0, sizeof(*ci));
    ci->http_url = http;
    ci->https_url = https;
    ci->ca_bundle = ca;
    ci->result_cb = wake;
    info.cpd = ci;
    return lws_create_context(&info);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 20, ret = 1, st;
    char hu[96], su[96], ca[PATH_MAX + 16];
    struct lws_cpd_info ci;
    struct lws_context *cx;
    struct bare_tls b;
    pid_t nginx;

    if (runs < 1 || runs > MAX_RUNS)
        runs = 20;
    lws_set_log_level(LLL_ERR, NULL);
    st = setup();
    if (st >= 0) {
        fprintf(stderr, "bench-cpd: %s\n",
                st == LT_SKIP ? "nginx or openssl missing" : "setup failed");
        if (dir[0])
            lt_rmtree(dir);
        return st;
    }
    nginx = -st;
    snprintf(hu, sizeof(hu), "http://127.0.0.1:%d/generate_204", port_http);
    snprintf(su, sizeof(su), "https://127.0.0.1:%d/generate_204", port_https);
    snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
    printf("bench-cpd: %d runs each, nginx on loopback, ECDSA P-256 "
           "certificate\n",
           runs);
    cx = context_for(hu, NULL, NULL, &ci);
    if (cx) {
        ret = run_pair("HTTP", cx, NULL, runs);
        lws_context_destroy(cx);
    }
    cx = context_for(NULL, su, ca, &ci);
    if (!ret && cx && !bare_tls_init(&b)) {
        /* Reach CPD_POST_TIME first: the checks below then use HTTPS. */
        while (lws_system_get_state_manager(cx)->state <
               LWS_SYSTATE_OPERATIONAL)
            lws_service(cx, 0);
        ret = run_pair("HTTPS", cx, &b, runs);
        bare_tls_free(&b);
    }
    if (cx)
        lws_context_destroy(cx);
    lt_kill(nginx, 3000);
    lt_rmtree(dir);
    if (ret)
        fprintf(stderr, "bench-cpd: a check failed\n");
    return ret;
}
