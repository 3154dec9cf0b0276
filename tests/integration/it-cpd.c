/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Integration test of captive-portal detection against a real nginx on
 * loopback, started by the test with a CA and server certificates made at
 * run time by openssl: 204 -> INTERNET_OK, 302 to a portal ->
 * CAPTIVE_PORTAL, unexpected body -> CAPTIVE_PORTAL, nothing listening and a
 * silent listener -> NO_INTERNET, a name whose first addresses are silent
 * and refused -> each tried with its own socket until the server answers, HTTPS
 * with a good certificate -> OK and with an expired certificate, a wrong host
 * name and an unknown CA -> refused with the reason, TLS refused before
 * TIME_VALID, the whole ladder with both probes in order, and a reply that
 * comes after its attempt timed out still counting.  Skips (77) without
 * nginx or openssl.
 */
#include "private-cpd.h"
#include "private-cpd-tls.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "ntpc-server.h"
#include "cpd-spawn.h"
#include "fi-log.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    P_HTTP,
    P_GOOD,
    P_EXPIRED,
    P_WRONGHOST,
    P_UNKNOWNCA,
    P_NAMED,
    P_FUTURE,
    P_CNONLY,
    P_V6, /* on [::1], only when IPv6 loopback works */
    P_COUNT
};

static char g_dir[PATH_MAX];
static char g_ca[PATH_MAX + 16];
static int g_port[P_COUNT];
static pid_t g_nginx = -1;

/* ------------------------------------------------------------------------
 * A hostile HTTP server of our own (a forked child): each listening port
 * answers every connection with one canned misbehaviour.
 */
enum {
    H_GARBAGE, /* not HTTP at all */
    H_CLOSE,   /* accepts and closes at once */
    H_HUGE,    /* a header block far over the limit */
    H_TRICKLE, /* half a status line, then silence */
    H_CHUNKED, /* a valid chunked 200 "success\n" */
    H_LATE,    /* 204 to a connection once the next one has asked */
    H_SLOW,    /* 204, 350 ms after the request */
    H_COUNT
};

static int g_hport[H_COUNT];
static pid_t g_hostile = -1;

static void hostile_answer(int kind, int c)
{
    static const char chunked[] =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\nsucc\r\n4;x=1\r\ness\n\r\n0\r\n\r\n";
    char buf[2048];

    if (kind == H_CLOSE)
        return;
    if (read(c, buf, sizeof(buf)) <= 0)
        return;
    if (kind == H_SLOW) {
        usleep(350000);
        (void)!write(c, "HTTP/1.1 204 No Content\r\n\r\n", 28);
    } else if (kind == H_GARBAGE)
        (void)!write(c, "SSH-2.0-OpenSSH_9.2\r\n", 21);
    else if (kind == H_TRICKLE)
        (void)!write(c, "HTTP/1.1 2", 10);
    else if (kind == H_CHUNKED)
        (void)!write(c, chunked, sizeof(chunked) - 1);
    else {
        (void)!write(c, "HTTP/1.1 204 No Content\r\n", 25);
        memset(buf, 'a', sizeof(buf));
        for (int i = 0; i < 8; i++)
            (void)!write(c, buf, sizeof(buf));
    }
}

/* The child: serves until killed.  A trickled connection stays open. */
static void hostile_serve(const int *fds)
{
    struct pollfd pfd[H_COUNT];
    int held = -1; /* H_LATE's connection waiting for the next */

    for (int i = 0; i < H_COUNT; i++)
        pfd[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    for (;;) {
        if (poll(pfd, H_COUNT, -1) < 0)
            _exit(1);
        for (int i = 0; i < H_COUNT; i++) {
            if (!(pfd[i].revents & POLLIN))
                continue;
            int c = accept(fds[i], NULL, NULL);
            if (c < 0)
                continue;
            if (i == H_LATE) {
                char buf[2048];

                if (read(c, buf, sizeof(buf)) > 0 && held >= 0) {
                    (void)!write(held, "HTTP/1.1 204 No Content\r\n\r\n", 28);
                    close(held);
                }
                held = c;
                continue;
            }
            hostile_answer(i, c);
            if (i != H_TRICKLE)
                close(c);
        }
    }
}

static int hostile_start(void)
{
    int fds[H_COUNT];
    pid_t parent;

    for (int i = 0; i < H_COUNT; i++) {
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t sl = sizeof(sa);

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&sa, sizeof(sa)) ||
            listen(fds[i], 16) ||
            getsockname(fds[i], (struct sockaddr *)&sa, &sl))
            return -1;
        g_hport[i] = ntohs(sa.sin_port);
    }
    /* Listening before the fork: no wait for readiness is needed. */
    parent = getpid();
    g_hostile = fork();
    if (!g_hostile) {
        if (cpd_tie_to_parent(parent))
            _exit(1);
        hostile_serve(fds);
    }
    for (int i = 0; i < H_COUNT; i++)
        close(fds[i]);
    return g_hostile < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * Fixture: certificates and nginx
 */

static const char ossl_cnf[] =
    "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = x\n"
    "[v3_ca]\nbasicConstraints = critical,CA:TRUE\n"
    "keyUsage = critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier = hash\n"
    "[v3_leaf]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = IP:127.0.0.1\n"
    "[v3_wrong]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:wrong.example, IP:127.0.0.2\n"
    "[v3_v6]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = IP:::1\n"
    "[v3_cnonly]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "[v3_named]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost\n"
    "[ca]\ndefault_ca = lwsca\n"
    "[lwsca]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
    "default_md = sha256\npolicy = lwspol\nunique_subject = no\n"
    "[lwspol]\ncommonName = supplied\n";

static int make_ca(const char *name)
{
    return lt_sh("cd %s && openssl req -x509 -config o.cnf -extensions v3_ca "
                 "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                 "-keyout %s.key -out %s.crt -days 60 -subj /CN=%s "
                 ">>openssl.log 2>&1",
                 g_dir, name, name, name);
}

/* A leaf for @cn signed by @ca, valid for @days (negative: expired), with
 * the extensions of section @ext. */
static int make_leaf_ext(const char *name, const char *cn, const char *ca,
                         int days, const char *ext)
{
    return lt_sh("cd %s && openssl req -new -config o.cnf -newkey ec "
                 "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "
                 "%s.key -out %s.csr -subj /CN=%s >>openssl.log 2>&1 && "
                 "openssl x509 -req -in %s.csr -CA %s.crt -CAkey %s.key "
                 "-set_serial %d -days %d -extfile o.cnf -extensions %s "
                 "-out %s.crt >>openssl.log 2>&1",
                 g_dir, name, name, cn, name, ca, ca, 1000 + days, days, ext,
                 name);
}

/* A leaf for 127.0.0.1 valid from 5 to 30 days from now (openssl ca is the
 * one tool of openssl 3.0 that sets a start date). */
static int make_future_leaf(void)
{
    char from[32], to[32];
    time_t now = time(NULL), a = now + 5 * 86400, b = now + 30 * 86400;
    struct tm tm;

    strftime(from, sizeof(from), "%Y%m%d%H%M%SZ", gmtime_r(&a, &tm));
    strftime(to, sizeof(to), "%Y%m%d%H%M%SZ", gmtime_r(&b, &tm));
    return lt_sh("cd %s && : > index.txt && echo 01 > serial && "
                 "openssl req -new -config o.cnf -newkey ec "
                 "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "
                 "future.key -out future.csr -subj /CN=127.0.0.1 "
                 ">>openssl.log 2>&1 && openssl ca -batch -config o.cnf "
                 "-cert ca.crt -keyfile ca.key -in future.csr -out future.crt "
                 "-startdate %s -enddate %s -extfile o.cnf -extensions "
                 "v3_leaf -notext >>openssl.log 2>&1",
                 g_dir, from, to);
}

static int make_leaf(const char *name, const char *cn, const char *ca, int days)
{
    return make_leaf_ext(name, cn, ca, days, "v3_leaf");
}

/* A free TCP port on [::1], or 0 when IPv6 loopback is unavailable. */
static int free_port_v6(void)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                              .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET6, SOCK_STREAM, 0), port = 0;

    if (fd < 0)
        return 0;
    if (!bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
        !getsockname(fd, (struct sockaddr *)&sa, &sl))
        port = ntohs(sa.sin6_port);
    close(fd);
    return port;
}

static int write_nginx_conf(void)
{
    static const char *const leaf[] = {NULL,        "good",   "expired",
                                       "wronghost", "rogue",  "named",
                                       "future",    "cnonly", "v6"};
    /* RFC 8908 Captive Portal API answers (P_GOOD only) */
    static const char capport[] =
        "  location = /capport-captive { default_type "
        "application/captive+json; return 200 '{\"captive\": true, "
        "\"user-portal-url\": \"https://127.0.0.1/login\", "
        "\"seconds-remaining\": 0, \"x\": [1, {\"y\": null}]}'; }\n"
        "  location = /capport-open { default_type "
        "application/captive+json; return 200 '{\"captive\":false,"
        "\"seconds-remaining\":326,\"can-extend-session\":true}'; }\n"
        "  location = /capport-html { return 200 '<html>hi</html>'; }\n";
    char conf[16384], path[PATH_MAX + 32];
    int o;

    o = snprintf(conf, sizeof(conf),
                 "worker_processes 1;\nerror_log %s/error.log;\n"
                 "pid %s/nginx.pid;\nevents { worker_connections 64; }\n"
                 "http {\n access_log off;\n"
                 " server {\n  listen 127.0.0.1:%d;\n"
                 "  location = /generate_204 { return 204; }\n"
                 "  location = /portal { return 302 "
                 "http://portal.example/login; }\n"
                 "  location = /success { return 200 \"success\\n\"; }\n"
                 "  location = /splash { return 200 \"<html>login</html>\"; }\n"
                 "  location = /auth { return 511; }\n"
                 " }\n",
                 g_dir, g_dir, g_port[P_HTTP]);
    for (int i = P_GOOD; i < P_COUNT; i++) {
        if (i == P_V6 && !g_port[i])
            continue;
        o += snprintf(conf + o, sizeof(conf) - (size_t)o,
                      " server {\n  listen %s:%d ssl;\n"
                      "  ssl_certificate %s/%s.crt;\n"
                      "  ssl_certificate_key %s/%s.key;\n"
                      "  location = /generate_204 { return 204; }\n%s }\n",
                      i == P_V6 ? "[::1]" : "127.0.0.1", g_port[i], g_dir,
                      leaf[i], g_dir, leaf[i], i == P_GOOD ? capport : "");
    }
    snprintf(conf + o, sizeof(conf) - (size_t)o, "}\n");
    snprintf(path, sizeof(path), "%s/nginx.conf", g_dir);
    return lt_write_file(path, conf);
}

static int group_setup(void **state)
{
    char nginx[256], openssl[256], conf[PATH_MAX + 16], log[PATH_MAX + 16],
        cnf[PATH_MAX + 16];

    (void)state;
    if (!lt_which("nginx", nginx, sizeof(nginx)) ||
        !lt_which("openssl", openssl, sizeof(openssl))) {
        fprintf(stderr, "nginx or openssl missing: skipped\n");
        exit(LT_SKIP);
    }
    if (lt_mkdtemp(g_dir, sizeof(g_dir), "cpd"))
        return -1;
    snprintf(cnf, sizeof(cnf), "%s/o.cnf", g_dir);
    snprintf(g_ca, sizeof(g_ca), "%s/ca.crt", g_dir);
    if (hostile_start())
        return -1;
    if (lt_write_file(cnf, ossl_cnf) || make_ca("ca") || make_ca("rogueca") ||
        make_leaf("good", "127.0.0.1", "ca", 2) ||
        make_leaf("expired", "127.0.0.1", "ca", -1) ||
        make_leaf_ext("wronghost", "wrong.example", "ca", 2, "v3_wrong") ||
        make_leaf_ext("cnonly", "127.0.0.1", "ca", 2, "v3_cnonly") ||
        make_leaf("rogue", "127.0.0.1", "rogueca", 2) ||
        make_leaf_ext("named", "localhost", "ca", 2, "v3_named") ||
        make_leaf_ext("v6", "ipv6-loopback", "ca", 2, "v3_v6") ||
        make_future_leaf()) {
        fprintf(stderr, "openssl failed, see %s/openssl.log\n", g_dir);
        return -1;
    }
    for (int i = 0; i < P_COUNT; i++)
        g_port[i] = i == P_V6 ? free_port_v6() : lt_free_port(false);
    if (write_nginx_conf())
        return -1;
    snprintf(conf, sizeof(conf), "%s/nginx.conf", g_dir);
    snprintf(log, sizeof(log), "%s/nginx.out", g_dir);
    char *argv[] = {nginx, "-p", g_dir, "-c", conf, "-g", "daemon off;", NULL};
    g_nginx = cpd_spawn_tied(argv, log);
    /* nginx writes its pid file once its listeners are bound. */
    if (g_nginx < 0 || !lt_wait_for(cpd_nginx_ready, g_dir, 10000)) {
        fprintf(stderr, "nginx did not start, see %s\n", log);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_nginx > 0)
        lt_kill(g_nginx, 3000);
    if (g_hostile > 0)
        lt_kill(g_hostile, 3000);
    if (g_dir[0])
        lt_rmtree(g_dir);
    return 0;
}

/* ------------------------------------------------------------------------
 * Running a context
 */

struct run {
    struct lws_context *cx;
    lws_sorted_usec_list_t sul_guard;
    lws_state_notify_link_t nl;
    bool timed_out;
    bool hold_time;                         /* veto TIME_VALID */
    int order[LWS_SYSTATE_COUNT];           /* "done" passes in order */
    lws_cpd_result_t at[LWS_SYSTATE_COUNT]; /* CPD result at each step */
    int norder;
};

static void guard_cb(lws_sorted_usec_list_t *sul)
{
    lws_container_of(sul, struct run, sul_guard)->timed_out = true;
}

static int run_notify(lws_state_manager_t *mgr, lws_state_notify_link_t *l,
                      int current, int target)
{
    struct run *r = lws_container_of(l, struct run, nl);

    (void)mgr;
    /* Make lws_service() return so the test loop re-checks its condition. */
    lws_cancel_service(r->cx);
    if (current != target)
        return r->hold_time && target == LWS_SYSTATE_TIME_VALID;
    if (r->norder < LWS_SYSTATE_COUNT) {
        r->at[r->norder] = lws_system_cpd_state_get(r->cx);
        r->order[r->norder++] = current;
    }
    return 0;
}

/* Resolver settings for the next contexts (NULL: defaults). */
static const struct lws_adns_info *g_adns;
static const char **g_dns_servers;
static const struct lws_ntpc_info *g_ntpc;

static void run_start(struct run *r, struct lws_cpd_info *ci, int target)
{
    struct lws_context_creation_info info;
    lws_state_notify_link_t *nls[] = {&r->nl, NULL};

    memset(&info, 0, sizeof(info));
    r->nl.name = "it-cpd";
    r->nl.notify_cb = run_notify;
    info.register_notifier_list = nls;
    info.cpd = ci;
    info.adns = g_adns;
    info.async_dns_servers = g_dns_servers;
    info.ntpc = g_ntpc;
    info.target_state = target;
    /* Generous unless a case sets its own: success ends a check at once,
     * and a TLS handshake under valgrind on a loaded machine is slow. */
    if (!ci->attempt_timeout_ms)
        ci->attempt_timeout_ms = 5000u * (unsigned int)lt_timeout_scale();
    if (!ci->deadline_ms)
        ci->deadline_ms = 15000u * (unsigned int)lt_timeout_scale();
    if (!ci->retries)
        ci->retries = 1;
    r->cx = lws_create_context(&info);
    assert_non_null(r->cx);
}

/* Runs until @target or @ms.  Returns the state reached. */
static int run_until(struct run *r, int target, int ms)
{
    lws_state_manager_t *mgr = lws_system_get_state_manager(r->cx);

    r->timed_out = false;
    lws_sul_schedule(r->cx, 0, &r->sul_guard, guard_cb,
                     (lws_usec_t)ms * lt_timeout_scale() * LWS_US_PER_MS);
    while (mgr->state < target && !r->timed_out)
        lws_service(r->cx, 0);
    lws_sul_cancel(&r->sul_guard);
    return mgr->state;
}

static void url(char *buf, size_t len, bool https, int port, const char *p)
{
    snprintf(buf, len, "%s://127.0.0.1:%d%s", https ? "https" : "http", port,
             p);
}

/* One check at CPD_PRE_TIME (http) or CPD_POST_TIME (https). */
static lws_cpd_result_t check(struct lws_cpd_info *ci, char *reason,
                              size_t rlen)
{
    int target =
        ci->https_url ? LWS_SYSTATE_CPD_POST_TIME : LWS_SYSTATE_CPD_PRE_TIME;
    struct run r = {0};
    lws_cpd_result_t res;

    if (ci->https_url && !ci->ca_bundle)
        ci->ca_bundle = g_ca;
    run_start(&r, ci, target);
    assert_int_equal(run_until(&r, target, 60000), target);
    res = lws_system_cpd_state_get(r.cx);
    snprintf(reason, rlen, "%s", lws_system_cpd_reason(r.cx));
    fprintf(stderr, "  -> %s: %s\n", lws_cpd_result_name(res), reason);
    lws_context_destroy(r.cx);
    return res;
}

/* ------------------------------------------------------------------------
 * Cases
 */

static void test_cpd_it_http_204_ok(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    (void)state;
    url(u, sizeof(u), false, g_port[P_HTTP], "/generate_204");
    ci.http_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(reason, "204 as expected"));
#endif
}

static void test_cpd_it_http_302_portal(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    (void)state;
    url(u, sizeof(u), false, g_port[P_HTTP], "/portal");
    ci.http_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "302 redirect to "
                                   "http://portal.example/login"));
#endif
}

static void test_cpd_it_http_body(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    (void)state;
    url(u, sizeof(u), false, g_port[P_HTTP], "/success");
    ci.http_url = u;
    ci.expect_status = 200;
    ci.expect_body = "success\n";
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
    url(u, sizeof(u), false, g_port[P_HTTP], "/splash");
    assert_int_equal(check(&ci, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "unexpected content"));
    url(u, sizeof(u), false, g_port[P_HTTP], "/auth");
    assert_int_equal(check(&ci, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "511"));
#endif
}

static void test_cpd_it_nothing_listening(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];
    long long t0 = lt_now_ms();

    (void)state;
    url(u, sizeof(u), false, lt_free_port(false), "/generate_204");
    ci.http_url = u;
    ci.retries = 2;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(reason, "refused"));
    /* Three attempts with backoff (250 + 500 ms) in between. */
    assert_true(lt_now_ms() - t0 >= 750);
#endif
}

/* A name, nothing listening: three attempts, one lookup -- the later
 * attempts of a check race the addresses its first resolved.  The next
 * check resolves afresh. */
static void test_cpd_it_reuses_addresses(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_adns_info ai = {.resolv_conf_path = ""};
    struct lws_cpd_info ci = {0};
    char hosts[PATH_MAX + 16], u[128];
    struct lws_adns_stats st;
    struct run r = {0};
    FILE *f;

    (void)state;
    snprintf(hosts, sizeof(hosts), "%s/hosts-reuse", g_dir);
    f = fopen(hosts, "w");
    assert_non_null(f);
    fprintf(f, "127.0.0.1 reuse.test\n");
    fclose(f);
    ai.hosts_path = hosts;
    g_adns = &ai;
    snprintf(u, sizeof(u), "http://reuse.test:%d/generate_204",
             lt_free_port(false));
    ci.http_url = u;
    ci.retries = 2;
    run_start(&r, &ci, LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(run_until(&r, LWS_SYSTATE_CPD_PRE_TIME, 60000),
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(lws_system_cpd_state_get(r.cx), LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(lws_system_cpd_reason(r.cx), "refused"));
    assert_int_equal(lws_adns_get_stats(r.cx, &st), 0);
    assert_int_equal(st.queries, 1);
    lws_context_destroy(r.cx);
    g_adns = NULL;
    unlink(hosts);
#endif
}

static void test_cpd_it_silent_listener(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sa);
    char u[128], reason[400];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    (void)state;
    /* Accepts connections into its backlog and never answers. */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    url(u, sizeof(u), false, ntohs(sa.sin_port), "/generate_204");
    ci.http_url = u;
    ci.attempt_timeout_ms = 200;
    ci.deadline_ms = 600;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(reason, "no reply within"));
    close(fd);
#endif
}

#if LWS_WITH_SYS_CPD_HTTP
/* A listener on @addr:@port whose backlog is full: further SYNs are dropped,
 * so a connect to it hangs.  @filler receives the client that fills it. */
static int full_listener(const char *addr, int port, int *filler)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct pollfd pfd;

    inet_pton(AF_INET, addr, &sa.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 0), 0);
    *filler = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)!connect(*filler, (struct sockaddr *)&sa, sizeof(sa));
    pfd = (struct pollfd){.fd = *filler, .events = POLLOUT};
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    return fd;
}
#endif

/* A name with several addresses: a silent one (its SYN dropped), a refused
 * one, then the server.  Each gets a fresh socket (Happy Eyeballs: the
 * second starts when the first's head start ends, the refusal starts the
 * third at once), so one attempt reaches the server. */
static void test_cpd_it_every_address(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    char hosts[PATH_MAX + 16], u[128], reason[400];
    struct lws_adns_info ai = {.resolv_conf_path = ""};
    struct lws_cpd_info ci = {0};
    int lfd, filler;
    long long t0, ms;
    FILE *f;

    (void)state;
    snprintf(hosts, sizeof(hosts), "%s/hosts-multi", g_dir);
    f = fopen(hosts, "w");
    assert_non_null(f);
    fprintf(f, "127.0.0.2 multi.test\n127.0.0.3 multi.test\n"
               "127.0.0.1 multi.test\n");
    fclose(f);
    ai.hosts_path = hosts;
    g_adns = &ai;
    lfd = full_listener("127.0.0.2", g_port[P_HTTP], &filler);
    snprintf(u, sizeof(u), "http://multi.test:%d/generate_204", g_port[P_HTTP]);
    ci.http_url = u;
    ci.connect_timeout_ms = 300;
    ci.retries = -1; /* one attempt */
    t0 = lt_now_ms();
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
    ms = lt_now_ms() - t0;
    assert_true(ms >= 250); /* the silent address's head start */
    assert_non_null(strstr(reason, "204 as expected"));

    /* Only the two bad ones: the silent one is not given up (a lossy
     * link may answer late), it keeps its connects running until the
     * attempt times out. */
    f = fopen(hosts, "w");
    assert_non_null(f);
    fprintf(f, "127.0.0.2 multi.test\n127.0.0.3 multi.test\n");
    fclose(f);
    memset(&ci, 0, sizeof(ci));
    ci.http_url = u;
    ci.connect_timeout_ms = 300;
    ci.attempt_timeout_ms = ci.deadline_ms = 1500;
    ci.retries = -1;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_NO_INTERNET);
    assert_non_null(
        strstr(reason, "no reply within the deadline (connecting)"));
    g_adns = NULL;
    close(filler);
    close(lfd);
    unlink(hosts);
#endif
}

#if LWS_WITH_SYS_CPD_HTTP
static lws_cpd_result_t hostile_check(int kind, const char *body, char *reason,
                                      size_t rlen)
{
    struct lws_cpd_info ci = {0};
    char u[128];

    url(u, sizeof(u), false, g_hport[kind], "/generate_204");
    ci.http_url = u;
    if (body) {
        ci.expect_status = 200;
        ci.expect_body = body;
    }
    ci.retries = -1;
    if (kind == H_TRICKLE) {
        ci.attempt_timeout_ms = 300;
        ci.deadline_ms = 300;
    }
    if (kind == H_LATE || kind == H_SLOW) {
        ci.retries = 4;
        ci.attempt_timeout_ms = 300;
        ci.deadline_ms = 5000u * (unsigned int)lt_timeout_scale();
    }
    return check(&ci, reason, rlen);
}
#endif

static void test_cpd_it_hostile_server(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    char reason[400];

    (void)state;
    assert_int_equal(hostile_check(H_GARBAGE, NULL, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "malformed HTTP reply"));
    assert_int_equal(hostile_check(H_CLOSE, NULL, reason, sizeof(reason)),
                     LWS_CPD_NO_INTERNET);
    /* Closed with our request unread: the kernel resets the connection
     * (or, racing it, we see the end of the stream). */
    assert_true(strstr(reason, "reset by peer") ||
                strstr(reason, "before a complete reply"));
    assert_int_equal(hostile_check(H_HUGE, NULL, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "malformed HTTP reply"));
    assert_int_equal(hostile_check(H_TRICKLE, NULL, reason, sizeof(reason)),
                     LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(reason, "(waiting for the reply)"));
    /* A chunked body is decoded before it is compared. */
    assert_int_equal(
        hostile_check(H_CHUNKED, "success\n", reason, sizeof(reason)),
        LWS_CPD_INTERNET_OK);
    assert_int_equal(
        hostile_check(H_CHUNKED, "failure\n", reason, sizeof(reason)),
        LWS_CPD_CAPTIVE_PORTAL);
    /* Attempts that time out run on beside the next: a server that answers
     * each connection only once the next one has asked (as a lossy link
     * delivers a reply late) is answered through the timed-out attempt's
     * connection (closing it, as before, left every attempt unanswered).
     * A reply 350 ms after the request, past the 300 ms attempt timeout,
     * counts too (in the pause before the next attempt, or during it). */
    assert_int_equal(hostile_check(H_LATE, NULL, reason, sizeof(reason)),
                     LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(reason, "204 as expected"));
    assert_int_equal(hostile_check(H_SLOW, NULL, reason, sizeof(reason)),
                     LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(reason, "204 as expected"));
#endif
}

static void test_cpd_it_https_good(void **state)
{
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    (void)state;
    url(u, sizeof(u), true, g_port[P_GOOD], "/generate_204");
    ci.https_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
}

#if LWS_WITH_SYS_CPD_CAPPORT_API
/* The smd NETWORK messages about the portal URI and the API's answer. */
static char g_smd_portal[256], g_smd_capport[256];

static int capport_smd_cb(void *opaque, lws_smd_class_t cls, lws_usec_t ts,
                          void *buf, size_t len)
{
    char m[LWS_SMD_MAX_PAYLOAD + 1];

    (void)opaque, (void)cls, (void)ts;
    snprintf(m, sizeof(m), "%.*s", (int)len, (const char *)buf);
    if (strstr(m, "\"portal\":"))
        snprintf(g_smd_portal, sizeof(g_smd_portal), "%.255s", m);
    if (strstr(m, "\"capport\":"))
        snprintf(g_smd_capport, sizeof(g_smd_capport), "%.255s", m);
    return 0;
}

/* RFC 8908: the network named https://127.0.0.1:<good>@api (the news a
 * DHCP or RA client publishes); the check at CPD_POST_TIME probes @probe. */
static lws_cpd_result_t capport_check(const char *api, const char *probe,
                                      struct lws_cpd_status *st, char *reason,
                                      size_t rlen)
{
    struct lws_cpd_info ci = {0};
    struct run r = {0};
    char u[128], a[128];
    lws_cpd_result_t res;

    url(u, sizeof(u), true, g_port[P_GOOD], probe);
    url(a, sizeof(a), true, g_port[P_GOOD], api);
    ci.https_url = u;
    ci.ca_bundle = g_ca;
    run_start(&r, &ci, LWS_SYSTATE_CPD_POST_TIME);
    g_smd_portal[0] = g_smd_capport[0] = '\0';
    assert_true(
        !LWS_WITH_SYS_SMD ||
        lws_smd_register(r.cx, NULL, 0, LWSSMDCL_NETWORK, capport_smd_cb));
    lws__news_publish(r.cx, &(struct lws__news){.kind = LWS__NEWS_CAPTIVE_URI,
                                                .iface = "it0",
                                                .uri = a});
    assert_int_equal(run_until(&r, LWS_SYSTATE_CPD_POST_TIME, 60000),
                     LWS_SYSTATE_CPD_POST_TIME);
    res = lws_system_cpd_state_get(r.cx);
    snprintf(reason, rlen, "%s", lws_system_cpd_reason(r.cx));
    fprintf(stderr, "  -> %s: %s\n", lws_cpd_result_name(res), reason);
    assert_int_equal(lws_system_cpd_get_status(r.cx, st), 0);
    assert_string_equal(st->portal_uri, a);
    /* smd delivers from the loop: let it run until both arrived (the API's
     * answer only when the API answered) */
    lws_sul_schedule(r.cx, 0, &r.sul_guard, guard_cb,
                     (lws_usec_t)5000 * lt_timeout_scale() * LWS_US_PER_MS);
    r.timed_out = !LWS_WITH_SYS_SMD;
    while ((!g_smd_portal[0] || (st->api && !g_smd_capport[0])) && !r.timed_out)
        lws_service(r.cx, 0);
    lws_sul_cancel(&r.sul_guard);
    assert_true(!LWS_WITH_SYS_SMD || strstr(g_smd_portal, a));
    if (LWS_WITH_SYS_SMD && st->api)
        assert_non_null(strstr(g_smd_capport, st->captive
                                                  ? "\"captive\":true"
                                                  : "\"captive\":false"));
    lws_context_destroy(r.cx);
    return res;
}

#endif

static void test_cpd_it_capport_api(void **state)
{
#if !LWS_WITH_SYS_CPD_CAPPORT_API
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_CAPPORT_API is off in this build */
#else
    struct lws_cpd_status st;
    char reason[400];

    (void)state;
    /* captive: the API decides, the probe (a 204) is not asked */
    assert_int_equal(capport_check("/capport-captive", "/generate_204", &st,
                                   reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "captive, user-portal-url "
                                   "https://127.0.0.1/login, "
                                   "seconds-remaining 0"));
    assert_int_equal(st.api, 1);
    assert_int_equal(st.captive, 1);
    assert_int_equal(st.seconds_remaining, 0);
    assert_string_equal(st.user_portal_url, "https://127.0.0.1/login");
    /* not captive: OK without the probe (no /portal on this server: the
     * probe would say portal) */
    assert_int_equal(
        capport_check("/capport-open", "/portal", &st, reason, sizeof(reason)),
        LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(reason, "not captive"));
    assert_int_equal(st.api, 1);
    assert_int_equal(st.captive, 0);
    assert_int_equal(st.seconds_remaining, 326);
    /* not the API's media type: the next attempt probes */
    assert_int_equal(capport_check("/capport-html", "/generate_204", &st,
                                   reason, sizeof(reason)),
                     LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(reason, "204 as expected"));
    assert_int_equal(st.api, 0);
    /* nothing there (404): the same */
    assert_int_equal(
        capport_check("/capport-none", "/portal", &st, reason, sizeof(reason)),
        LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "unexpected status"));
    assert_int_equal(st.api, 0);
#endif
}

#if LWS_WITH_FI
/* Fault points tls.setup and tls.handshake (LWS_FI, read at context
 * creation): the probe fails with the reason, nothing leaks, and the same
 * check passes once the rule is gone. */
static void fi_tls(const char *rule, const char *why)
{
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];
    lws_cpd_result_t res;

    url(u, sizeof(u), true, g_port[P_GOOD], "/generate_204");
    ci.https_url = u;
    setenv("LWS_FI", rule, 1);
    res = check(&ci, reason, sizeof(reason));
    unsetenv("LWS_FI");
    assert_int_not_equal(res, LWS_CPD_INTERNET_OK);
    if (!strstr(reason, why))
        fail_msg("reason '%s' lacks '%s'", reason, why);
    assert_int_equal(lws__heap_in_use(), 0);
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
}

static void test_cpd_it_fi_tls_setup(void **state)
{
    (void)state;
    fi_tls("tls.setup", "TLS refused: Cannot allocate memory");
}

static void test_cpd_it_fi_tls_handshake(void **state)
{
    (void)state;
    fi_tls("tls.handshake", "handshake failed");
}

/* Short writes (tls.tx.short, cpd.tx.short: every send takes half of what
 * is left): the probe still completes, with the request sent in pieces. */
static void fi_short(const char *rule, bool https)
{
    struct lws_cpd_info ci = {0};
    char u[128], reason[400], inject[64];
    lws_cpd_result_t res;

    url(u, sizeof(u), https, https ? g_port[P_GOOD] : g_port[P_HTTP],
        "/generate_204");
    if (https)
        ci.https_url = u;
    else
        ci.http_url = u;
    fi_log_start(LLL_ERR | LLL_WARN | LLL_NOTICE);
    fi_log_reset();
    setenv("LWS_FI", rule, 1);
    res = check(&ci, reason, sizeof(reason));
    unsetenv("LWS_FI");
    lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, NULL);
    assert_int_equal(res, LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(reason, "204 as expected"));
    snprintf(inject, sizeof(inject), "inject %s (time 3)", rule);
    if (!fi_logged(inject))
        fail_msg("'%s' not logged:\n%s", inject, fi_log_text());
    assert_int_equal(lws__heap_in_use(), 0);
}

static void test_cpd_it_fi_short_writes(void **state)
{
    (void)state;
    fi_short("tls.tx.short", true);
#if LWS_WITH_SYS_CPD_HTTP
    fi_short("cpd.tx.short", false);
#endif
}
#endif

static void https_refused(int port, const char *why)
{
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    url(u, sizeof(u), true, port, "/generate_204");
    ci.https_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "TLS refused: certificate verification "
                                   "failed"));
    if (!strstr(reason, why))
        fail_msg("reason '%s' lacks '%s'", reason, why);
}

static void test_cpd_it_https_expired(void **state)
{
    (void)state;
    https_refused(g_port[P_EXPIRED], "expired");
}

static void test_cpd_it_https_wrong_host(void **state)
{
    (void)state;
    https_refused(g_port[P_WRONGHOST], "Common Name (CN) does not match");
}

static void test_cpd_it_https_address_needs_ip_san(void **state)
{
    /* RFC 6125 §6.2: an address in the URL is matched against iPAddress
     * names only, not against a CN that happens to read "127.0.0.1". */
    (void)state;
    https_refused(g_port[P_CNONLY], "Common Name (CN) does not match");
}

static void test_cpd_it_https_ipv6_literal(void **state)
{
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    (void)state;
    if (!g_port[P_V6])
        skip(); /* no IPv6 loopback here */
    snprintf(u, sizeof(u), "https://[::1]:%d/generate_204", g_port[P_V6]);
    ci.https_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
}

static void test_cpd_it_https_unknown_ca(void **state)
{
    (void)state;
    https_refused(g_port[P_UNKNOWNCA], "not correctly signed by the trusted "
                                       "CA");
}

static void test_cpd_it_https_checked_at_ntp_time(void **state)
{
    struct lws_ntpc_info ni = {.time_policy = LWS_NTPC_TIME_ALWAYS_HOLD,
                               .flags = LWS_NTPC_FLAG_NO_POOL};
    struct lws_cpd_info ci = {0};
    char u[128], reason[400], srv[64];
    const char *servers[] = {srv, NULL};
    struct ntps *ns;

    (void)state;
    /* By the machine clock this certificate is not valid for 5 days... */
    https_refused(g_port[P_FUTURE], "validity starts in the future");
    /* ...but the time NTP validated (a server 10 days ahead; the machine
     * clock is left alone) is inside its validity period. */
    if (!LWS_WITH_SYS_NTPCLIENT)
        skip();
    ns = ntps_start((int64_t)10 * 86400 * 1000000000);
    assert_non_null(ns);
    snprintf(srv, sizeof(srv), "127.0.0.1:%d", ntps_port(ns));
    ni.servers = servers;
    g_ntpc = &ni;
    url(u, sizeof(u), true, g_port[P_FUTURE], "/generate_204");
    ci.https_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
    g_ntpc = NULL;
    assert_true(ntps_requests(ns) > 0);
    ntps_stop(ns);
}

static void test_cpd_it_names_via_dns(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    char u[128], reason[400];

    (void)state;
    /* "localhost" goes through the async resolver (answered locally). */
    snprintf(u, sizeof(u), "http://localhost:%d/generate_204", g_port[P_HTTP]);
    ci.http_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
    /* The certificate names "localhost" in its subjectAltName. */
    memset(&ci, 0, sizeof(ci));
    snprintf(u, sizeof(u), "https://localhost:%d/generate_204",
             g_port[P_NAMED]);
    ci.https_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_INTERNET_OK);
    /* A certificate for another name, reached by name. */
    snprintf(u, sizeof(u), "https://localhost:%d/generate_204",
             g_port[P_WRONGHOST]);
    assert_int_equal(check(&ci, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "Common Name (CN) does not match"));
    /* The same server reached by address: the name does not match. */
    url(u, sizeof(u), true, g_port[P_NAMED], "/generate_204");
    ci.ca_bundle = NULL;
    assert_int_equal(check(&ci, reason, sizeof(reason)),
                     LWS_CPD_CAPTIVE_PORTAL);
    assert_non_null(strstr(reason, "TLS refused"));
#endif
}

static void test_cpd_it_dns_failure(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    /* A resolver on loopback that never answers, no hosts file. */
    const struct lws_adns_info ai = {.hosts_path = "",
                                     .resolv_conf_path = "",
                                     .query_deadline_ms = 300,
                                     .try_timeout_ms = 100};
    struct lws_cpd_info ci = {0};
    char u[128], reason[400], srv[64];
    const char *servers[] = {srv, NULL};

    (void)state;
    snprintf(srv, sizeof(srv), "127.0.0.1:%d", lt_free_port(true));
    g_adns = &ai;
    g_dns_servers = servers;
    snprintf(u, sizeof(u), "http://cpd.example:%d/generate_204",
             g_port[P_HTTP]);
    ci.http_url = u;
    assert_int_equal(check(&ci, reason, sizeof(reason)), LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(reason, "cannot resolve cpd.example"));

    g_adns = NULL;
    g_dns_servers = NULL;
#endif
}

#if LWS_WITH_SYS_CPD_HTTP
static bool adns_in_flight(struct lws_context *cx)
{
    struct lws_adns_stats st;

    return !lws_adns_get_stats(cx, &st) && st.in_flight > 0;
}
#endif

/* Destroy (and, before it, a finished check) while a lookup is in flight:
 * the resolver's late callback must find an orphaned ticket, never the
 * freed probe.  The resolver is a UDP socket that never answers. */
static void test_cpd_it_destroy_mid_lookup(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    const struct lws_adns_info ai = {.hosts_path = "",
                                     .resolv_conf_path = "",
                                     .query_deadline_ms = 20000,
                                     .try_timeout_ms = 10};
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sa);
    struct lws_cpd_info ci = {0};
    struct run r = {0};
    char u[128], srv[64];
    const char *servers[] = {srv, NULL};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    (void)state;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(srv, sizeof(srv), "127.0.0.1:%d", ntohs(sa.sin_port));
    g_adns = &ai;
    g_dns_servers = servers;
    snprintf(u, sizeof(u), "http://cpd.example:%d/generate_204",
             g_port[P_HTTP]);
    ci.http_url = u;
    ci.attempt_timeout_ms = 10000;
    ci.deadline_ms = 15000;
    run_start(&r, &ci, LWS_SYSTATE_OPERATIONAL);
    r.timed_out = false;
    lws_sul_schedule(r.cx, 0, &r.sul_guard, guard_cb, 10 * LWS_US_PER_SEC);
    while (!adns_in_flight(r.cx) && !r.timed_out)
        lws_service(r.cx, 0);
    lws_sul_cancel(&r.sul_guard);
    assert_true(adns_in_flight(r.cx));
    /* A result from elsewhere ends the check: the probe goes away. */
    lws_system_cpd_set(r.cx, LWS_CPD_INTERNET_OK);
    assert_int_equal(lws_system_cpd_state_get(r.cx), LWS_CPD_INTERNET_OK);
    /* A new check, then destroy with its lookup in flight. */
    assert_int_equal(lws_system_cpd_start(r.cx), 0);
    r.timed_out = false;
    lws_sul_schedule(r.cx, 0, &r.sul_guard, guard_cb, 10 * LWS_US_PER_SEC);
    while (!adns_in_flight(r.cx) && !r.timed_out)
        lws_service(r.cx, 0);
    lws_sul_cancel(&r.sul_guard);
    lws_context_destroy(r.cx);
    g_adns = NULL;
    g_dns_servers = NULL;
    close(fd);
#endif
}

static void test_cpd_it_tls_refused_before_time_valid(void **state)
{
    struct lws_cpd_info ci = {0};
    struct lws__tls_conf *conf;
    struct lws__tls *t = NULL;
    struct run r = {.hold_time = true};
    char u[128];
    int fds[2];

    (void)state;
    url(u, sizeof(u), true, g_port[P_GOOD], "/generate_204");
    ci.https_url = u;
    ci.ca_bundle = g_ca;
    run_start(&r, &ci, LWS_SYSTATE_OPERATIONAL);
    /* Our notifier holds TIME_VALID: the ladder stops at CPD_PRE_TIME. */
    while (!lws_state_blocker(lws_system_get_state_manager(r.cx), NULL) ||
           strcmp(lws_state_blocker(lws_system_get_state_manager(r.cx), NULL),
                  "it-cpd"))
        lws_service(r.cx, 0);
    assert_int_equal(lws_system_get_state_manager(r.cx)->state,
                     LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(lws_system_cpd_start(r.cx), -EAGAIN);
    assert_int_equal(lws_system_cpd_state_get(r.cx), LWS_CPD_UNKNOWN);
    /* The TLS client itself refuses too, whoever asks. */
    assert_int_equal(lws__tls_conf_create(r.cx, g_ca, &conf), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    assert_int_equal(
        lws__tls_client_create(r.cx, conf, fds[0], "127.0.0.1", &t), -EAGAIN);
    assert_null(t);
    close(fds[0]);
    close(fds[1]);
    lws__tls_conf_destroy(conf);
    lws_context_destroy(r.cx);
}

#if LWS_WITH_SYS_CPD_HTTP
#if LWS_WITH_SYS_ASYNC_DNS_FILES
static void file_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}
#endif

/* Starts a check on a running context and runs until its result (or
 * @secs). */
static lws_cpd_result_t recheck(struct run *r, int secs)
{
    assert_int_equal(lws_system_cpd_start(r->cx), 0);
    r->timed_out = false;
    lws_sul_schedule(r->cx, 0, &r->sul_guard, guard_cb,
                     (lws_usec_t)secs * LWS_US_PER_SEC);
    while (lws_system_cpd_state_get(r->cx) == LWS_CPD_UNKNOWN && !r->timed_out)
        lws_service(r->cx, 0);
    lws_sul_cancel(&r->sul_guard);
    return lws_system_cpd_state_get(r->cx);
}
#endif

/* The ladder's HTTPS check races the addresses its HTTP check reached for
 * the same host instead of asking again: between the two the hosts file
 * moves the name to an address nothing listens on, and the HTTPS check
 * still reaches the server (resolving afresh, it was refused). */
static void test_cpd_it_ladder_keeps_addresses(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP || !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)state;
    skip(); /* no plain-HTTP probe or no hosts file in this build */
#else
    char hosts[PATH_MAX + 16], tmp[PATH_MAX + 24], hu[128], su[128];
    struct lws_adns_info ai = {.resolv_conf_path = ""};
    struct lws_cpd_info ci = {0};
    struct run r = {.hold_time = true};
    lws_state_manager_t *mgr;

    (void)state;
    snprintf(hosts, sizeof(hosts), "%s/hosts-ladder", g_dir);
    snprintf(tmp, sizeof(tmp), "%s/hosts-ladder.new", g_dir);
    file_write(hosts, "127.0.0.1 localhost\n");
    ai.hosts_path = hosts;
    g_adns = &ai;
    snprintf(hu, sizeof(hu), "http://localhost:%d/generate_204",
             g_port[P_HTTP]);
    snprintf(su, sizeof(su), "https://LOCALHOST:%d/generate_204",
             g_port[P_NAMED]);
    ci.http_url = hu;
    ci.https_url = su;
    ci.ca_bundle = g_ca;
    ci.retries = -1;
    run_start(&r, &ci, LWS_SYSTATE_OPERATIONAL);
    mgr = lws_system_get_state_manager(r.cx);
    /* Our notifier holds TIME_VALID: the HTTP check has ended. */
    while (!lws_state_blocker(mgr, NULL) ||
           strcmp(lws_state_blocker(mgr, NULL), "it-cpd"))
        lws_service(r.cx, 0);
    assert_int_equal(mgr->state, LWS_SYSTATE_CPD_PRE_TIME);
    assert_int_equal(lws_system_cpd_state_get(r.cx), LWS_CPD_INTERNET_OK);
    file_write(tmp, "127.0.0.3   localhost\n"); /* new inode, other size */
    assert_int_equal(rename(tmp, hosts), 0);
    r.hold_time = false;
    lws_state_transition_steps(mgr, LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(run_until(&r, LWS_SYSTATE_OPERATIONAL, 30000),
                     LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(lws_system_cpd_state_get(r.cx), LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(lws_system_cpd_reason(r.cx), "https://"));
    /* A later check asks again: now the name leads nowhere. */
    assert_int_equal(recheck(&r, 30), LWS_CPD_NO_INTERNET);
    assert_non_null(strstr(lws_system_cpd_reason(r.cx), "127.0.0.3"));
    lws_context_destroy(r.cx);
    g_adns = NULL;
    unlink(hosts);
#endif
}

static void test_cpd_it_full_ladder(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    struct lws_cpd_info ci = {0};
    struct run r = {0};
    char hu[128], su[128];
    int pre = -1, post = -1, tv = -1;

    (void)state;
    url(hu, sizeof(hu), false, g_port[P_HTTP], "/generate_204");
    url(su, sizeof(su), true, g_port[P_GOOD], "/generate_204");
    ci.http_url = hu;
    ci.https_url = su;
    ci.ca_bundle = g_ca;
    run_start(&r, &ci, LWS_SYSTATE_OPERATIONAL);
    assert_int_equal(run_until(&r, LWS_SYSTATE_OPERATIONAL, 60000),
                     LWS_SYSTATE_OPERATIONAL);
    for (int i = 0; i < r.norder; i++) {
        if (r.order[i] == LWS_SYSTATE_CPD_PRE_TIME)
            pre = i;
        if (r.order[i] == LWS_SYSTATE_TIME_VALID)
            tv = i;
        if (r.order[i] == LWS_SYSTATE_CPD_POST_TIME)
            post = i;
        if (i)
            assert_true(r.order[i] == r.order[i - 1] + 1);
    }
    assert_true(pre >= 0 && tv == pre + 1 && post == tv + 1);
    /* Each CPD step was reached with its own probe's result. */
    assert_int_equal(r.at[pre], LWS_CPD_INTERNET_OK);
    assert_int_equal(r.at[post], LWS_CPD_INTERNET_OK);
    assert_non_null(strstr(lws_system_cpd_reason(r.cx), "https://"));
    /* A re-check after OPERATIONAL uses the HTTPS probe. */
    assert_int_equal(recheck(&r, 15), LWS_CPD_INTERNET_OK);
    lws_context_destroy(r.cx);
#endif
}

#if LWS_WITH_SYS_CPD_HTTP
static int count_cpd_wsi(struct lws *wsi, const char *protocol_name, void *user)
{
    (void)wsi;
    *(int *)user += !strcmp(protocol_name, "lws-cpd");
    return 0;
}
#endif

/* Destroy with the probe's connection in flight; then with two: an attempt
 * that timed out (unanswered, it runs on) and the next one beside it. */
static void test_cpd_it_destroy_mid_probe(void **state)
{
#if !LWS_WITH_SYS_CPD_HTTP
    (void)state;
    skip(); /* LWS_WITH_SYS_CPD_HTTP is off in this build */
#else
    static const struct {
        unsigned int attempt_ms;
        int wsis;
    } c[] = {{5000, 1}, {200, 2}};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sa);
    char u[128];

    (void)state;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    url(u, sizeof(u), false, ntohs(sa.sin_port), "/generate_204");
    for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
        struct lws_cpd_info ci = {0};
        struct run r = {0};
        long long end = lt_now_ms() + 5000LL * lt_timeout_scale();
        int n = 0;

        ci.http_url = u;
        ci.attempt_timeout_ms = c[k].attempt_ms;
        ci.deadline_ms = 10000;
        run_start(&r, &ci, LWS_SYSTATE_OPERATIONAL);
        /* Run until the wsis of protocol "lws-cpd" exist (the listener
         * never answers), then destroy with them in flight. */
        while (n < c[k].wsis && lt_now_ms() < end) {
            lws_service(r.cx, 0);
            n = 0;
            lws_vhost_foreach_wsi(lws_get_vhost_by_name(r.cx, "system"),
                                  count_cpd_wsi, &n);
        }
        assert_int_equal(n, c[k].wsis);
        lws_context_destroy(r.cx);
    }
    close(fd);
#endif
}

/* ------------------------------------------------------------------------
 * Issue 10: a TLS server of our own (a forked child, mbedTLS) answering a
 * 200 whose body runs to the close, then closing with or without
 * close_notify.  Without it the body may be cut by an attacker: it must
 * never be taken as complete.
 */

static int tls_fd_send(void *ctx, const unsigned char *buf, size_t len)
{
    ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);

    return n < 0 ? MBEDTLS_ERR_NET_SEND_FAILED : (int)n;
}

static int tls_fd_recv(void *ctx, unsigned char *buf, size_t len)
{
    ssize_t n = recv(*(int *)ctx, buf, len, 0);

    return n < 0 ? MBEDTLS_ERR_NET_RECV_FAILED : (int)n;
}

/* Serves one connection on @lfd: handshake, read the request, answer
 * "success\n" up to the close, then close with close_notify or not. */
static void tls_close_serve_one(int lfd, bool notify)
{
    static const char resp[] =
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsuccess\n";
    char path[PATH_MAX + 16], req[2048];
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt crt;
    mbedtls_pk_context pk;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    int c = accept(lfd, NULL, NULL), r;

    if (c < 0)
        return;
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&pk);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    snprintf(path, sizeof(path), "%s/good.crt", g_dir);
    r = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) ||
        mbedtls_x509_crt_parse_file(&crt, path);
    snprintf(path, sizeof(path), "%s/good.key", g_dir);
    r = r || mbedtls_pk_parse_keyfile(&pk, path, NULL) ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
    if (!r) {
        mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
        r = mbedtls_ssl_conf_own_cert(&conf, &crt, &pk) ||
            mbedtls_ssl_setup(&ssl, &conf);
    }
    if (!r) {
        mbedtls_ssl_set_bio(&ssl, &c, tls_fd_send, tls_fd_recv, NULL);
        if (!mbedtls_ssl_handshake(&ssl) &&
            mbedtls_ssl_read(&ssl, (unsigned char *)req, sizeof(req)) > 0 &&
            mbedtls_ssl_write(&ssl, (const unsigned char *)resp,
                              sizeof(resp) - 1) > 0 &&
            notify)
            mbedtls_ssl_close_notify(&ssl);
    }
    close(c); /* without notify: a bare FIN after the data */
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_pk_free(&pk);
    mbedtls_x509_crt_free(&crt);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
}

/* Check of https://127.0.0.1:port/ expecting 200 "success\n", against a
 * child serving one connection. */
static lws_cpd_result_t tls_close_check(bool notify, char *reason, size_t rlen)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    struct lws_cpd_info ci = {0};
    socklen_t sl = sizeof(sa);
    lws_cpd_result_t res;
    pid_t parent = getpid(), child;
    char u[128];
    int lfd;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(lfd, 4), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
    child = fork();
    assert_true(child >= 0);
    if (!child) {
        if (cpd_tie_to_parent(parent))
            _exit(1);
        tls_close_serve_one(lfd, notify);
        _exit(0);
    }
    close(lfd);
    url(u, sizeof(u), true, ntohs(sa.sin_port), "/success");
    ci.https_url = u;
    ci.expect_status = 200;
    ci.expect_body = "success\n";
    ci.retries = -1;
    res = check(&ci, reason, rlen);
    lt_kill(child, 3000);
    return res;
}

static void test_cpd_it_tls_close_without_notify_not_complete(void **state)
{
    char reason[400];

    (void)state;
    /* With close_notify the body that ran to the close is complete. */
    assert_int_equal(tls_close_check(true, reason, sizeof(reason)),
                     LWS_CPD_INTERNET_OK);
    /* Without it the same bytes are not known to be the whole body. */
    assert_int_not_equal(tls_close_check(false, reason, sizeof(reason)),
                         LWS_CPD_INTERNET_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpd_it_http_204_ok),
        cmocka_unit_test(test_cpd_it_http_302_portal),
        cmocka_unit_test(test_cpd_it_http_body),
        cmocka_unit_test(test_cpd_it_nothing_listening),
        cmocka_unit_test(test_cpd_it_reuses_addresses),
        cmocka_unit_test(test_cpd_it_silent_listener),
        cmocka_unit_test(test_cpd_it_hostile_server),
        cmocka_unit_test(test_cpd_it_every_address),
        cmocka_unit_test(test_cpd_it_https_good),
        cmocka_unit_test(test_cpd_it_capport_api),
#if LWS_WITH_FI
        cmocka_unit_test(test_cpd_it_fi_tls_setup),
        cmocka_unit_test(test_cpd_it_fi_tls_handshake),
        cmocka_unit_test(test_cpd_it_fi_short_writes),
#endif
        cmocka_unit_test(test_cpd_it_https_expired),
        cmocka_unit_test(test_cpd_it_https_wrong_host),
        cmocka_unit_test(test_cpd_it_https_unknown_ca),
        cmocka_unit_test(test_cpd_it_https_address_needs_ip_san),
        cmocka_unit_test(test_cpd_it_https_ipv6_literal),
        cmocka_unit_test(test_cpd_it_https_checked_at_ntp_time),
        cmocka_unit_test(test_cpd_it_names_via_dns),
        cmocka_unit_test(test_cpd_it_dns_failure),
        cmocka_unit_test(test_cpd_it_destroy_mid_lookup),
        cmocka_unit_test(test_cpd_it_tls_refused_before_time_valid),
        cmocka_unit_test(test_cpd_it_full_ladder),
        cmocka_unit_test(test_cpd_it_ladder_keeps_addresses),
        cmocka_unit_test(test_cpd_it_destroy_mid_probe),
        cmocka_unit_test(test_cpd_it_tls_close_without_notify_not_complete),
    };

    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, NULL);
    return cmocka_run_group_tests_name("cpd-integration", tests, group_setup,
                                       group_teardown);
}
