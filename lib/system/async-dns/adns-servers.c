/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Where the async DNS resolver's servers and local answers come from: the
 * explicit list and run-time changes, DHCP-learned servers per interface,
 * resolv.conf and the hosts file (both re-read when they change), numeric
 * literals and localhost.  Every change of the server list bumps a
 * generation that the c-ares channels pick up when next used.
 */
#define LWS_LOGMOD "adns"
#include "private-async-dns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files larger than this are read only up to it (with a warning). */
#define ADNS_FILE_MAX (64 * 1024)

/* ------------------------------------------------------------------------
 * Files: hosts and resolv.conf, re-read when they change
 */

/* Reads @path if its identity or mtime changed since @st.  @return 1 read
 * (new content in *buf), 0 unchanged, -errno if missing/unreadable. */
static int adns_file_refresh(const char *path, struct stat *st, bool *seen,
                             char **buf, size_t *len)
{
    struct stat nst;
    ssize_t r;
    size_t cap;
    char *nb;
    int fd;

    if (!path || !*path || stat(path, &nst))
        return -ENOENT;
    if (*seen && nst.st_ino == st->st_ino && nst.st_size == st->st_size &&
        nst.st_mtim.tv_sec == st->st_mtim.tv_sec &&
        nst.st_mtim.tv_nsec == st->st_mtim.tv_nsec)
        return 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    cap = nst.st_size > 0 && nst.st_size < ADNS_FILE_MAX ? (size_t)nst.st_size
                                                         : ADNS_FILE_MAX;
    nb = lws__malloc(cap + 1);
    if (!nb) {
        close(fd);
        return -ENOMEM;
    }
    r = read(fd, nb, cap);
    close(fd);
    if (r < 0) {
        lws__free(nb);
        return -EIO;
    }
    if (r == ADNS_FILE_MAX)
        lwsl_warn("%s: only the first %d bytes are used", path, ADNS_FILE_MAX);
    lws__free(*buf);
    *buf = nb;
    *len = (size_t)r;
    *st = nst;
    *seen = true;
    return 1;
}

void lws__adns_resolv_check(struct lws__adns *a)
{
    lws_sockaddr46 sa[LWS__ADNS_RESOLV_MAX];
    char *buf = NULL;
    size_t len = 0;
    int r, n;

    if (a->nexplicit || a->ndhcp_total)
        return; /* not in use: read again once it would be */
    r = adns_file_refresh(a->resolv_path, &a->resolv_st, &a->resolv_seen, &buf,
                          &len);
    if (!r)
        return;
    n = r > 0 ? lws__adns_resolv_parse(buf, len, sa, LWS__ADNS_RESOLV_MAX) : 0;
    lws__free(buf);
    if (r < 0)
        a->resolv_seen = false;
    if (n == a->nresolv &&
        !memcmp(sa, a->resolv_srv, sizeof(sa[0]) * (size_t)n))
        return;
    memcpy(a->resolv_srv, sa, sizeof(sa[0]) * (size_t)n);
    a->nresolv = n;
    if (!a->nexplicit && !a->ndhcp_total)
        a->server_gen++;
    lwsl_info("%s: %d server(s)", a->resolv_path, n);
}

/* Answers names that need no network: literals, the hosts file and
 * localhost (RFC 6761 §6.3).  @return true if answered (*status set). */
bool lws__adns_local(struct lws__adns *a, const char *name, const char *lc,
                     int *status, struct lws__adns_res **res)
{
    lws_sockaddr46 sa[LWS__ADNS_MAX_ADDRS];
    size_t ll = strlen(lc);
    int n;

    *res = NULL;
    if (!lws_sa46_parse_numeric(&sa[0], name)) {
        n = 1;
        goto out;
    }
    if (adns_file_refresh(a->hosts_path, &a->hosts_st, &a->hosts_seen,
                          &a->hosts_buf, &a->hosts_len) < 0) {
        lws__free(a->hosts_buf);
        a->hosts_buf = NULL;
        a->hosts_len = 0;
        a->hosts_seen = false;
    }
    n = lws__adns_hosts_find(a->hosts_buf, a->hosts_len, lc, sa,
                             LWS__ADNS_MAX_ADDRS);
    if (n)
        goto out;
    if (strcmp(lc, "localhost") &&
        (ll < 10 || strcmp(lc + ll - 10, ".localhost")))
        return false;
    memset(sa, 0, 2 * sizeof(sa[0]));
    sa[0].sa4.sin_family = AF_INET;
    sa[0].sa4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa[1].sa6.sin6_family = AF_INET6;
    sa[1].sa6.sin6_addr = in6addr_loopback;
    n = 2;
out:
    for (int i = 0; i < n; i++) /* ports are not part of an answer */
        sa[i].sa4.sin_family == AF_INET ? (void)(sa[i].sa4.sin_port = 0)
                                        : (void)(sa[i].sa6.sin6_port = 0);
    *res = lws__adns_res_create(sa, n, lc);
    *status = *res ? LADNS_RET_FOUND : LADNS_RET_FAILED;
    return true;
}

/* ------------------------------------------------------------------------
 * Servers
 */

static bool adns_sa_eq(const lws_sockaddr46 *x, const lws_sockaddr46 *y,
                       uint16_t defport);

static bool adns_is_demoted(const struct lws__adns *a, const lws_sockaddr46 *sa)
{
    for (int i = 0; i < LWS__ADNS_DEMOTED_MAX; i++)
        if (a->demoted[i].until && adns_sa_eq(&a->demoted[i].sa, sa, a->port))
            return true;
    return false;
}

/* Stable partition: servers that timed out lately go to the end. */
static void adns_demoted_last(const struct lws__adns *a, lws_sockaddr46 *sa,
                              int n)
{
    lws_sockaddr46 tmp[LWS__ADNS_DEMOTED_MAX];
    int k = 0, nd = 0;

    for (int i = 0; i < n; i++) {
        if (adns_is_demoted(a, &sa[i]) && nd < LWS__ADNS_DEMOTED_MAX)
            tmp[nd++] = sa[i];
        else
            sa[k++] = sa[i];
    }
    memcpy(&sa[k], tmp, sizeof(tmp[0]) * (size_t)nd);
}

int lws__adns_servers_effective(struct lws__adns *a, lws_sockaddr46 *out,
                                int max)
{
    int n = 0;

#define ADNS_ADD(s)                                                            \
    do {                                                                       \
        if (out && n < max)                                                    \
            out[n] = (s);                                                      \
        n++;                                                                   \
    } while (0)
    for (int i = 0; i < a->nexplicit; i++)
        ADNS_ADD(a->explicit_srv[i]);
    for (int i = 0; a->dhcp && i < LWS__ADNS_DHCP_IFACES; i++)
        for (int j = 0; j < a->dhcp[i].n; j++)
            ADNS_ADD(a->dhcp[i].sa[j]);
    if (!n)
        for (int i = 0; i < a->nresolv; i++)
            ADNS_ADD(a->resolv_srv[i]);
#undef ADNS_ADD
    if (out)
        adns_demoted_last(a, out, n > max ? max : n);
    return out && n > max ? max : n;
}

void lws__adns_demote(struct lws__adns *a, const lws_sockaddr46 *sa)
{
    int slot = -1;
    char txt[64];

    for (int i = 0; i < LWS__ADNS_DEMOTED_MAX; i++) {
        if (a->demoted[i].until && adns_sa_eq(&a->demoted[i].sa, sa, a->port))
            return; /* already */
        if (!a->demoted[i].until && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return;
    a->demoted[slot].sa = *sa;
    a->demoted[slot].until = lws__adns_now(a) + LWS__ADNS_DEMOTE_US;
    a->server_gen++;
    if (lws_sa46_write_numeric_address(sa, txt, sizeof(txt)) < 0)
        txt[0] = '\0';
    lwsl_info("server %s timed out: tried last for %d s", txt,
              (int)(LWS__ADNS_DEMOTE_US / LWS_US_PER_SEC));
}

void lws__adns_demote_expire(struct lws__adns *a)
{
    lws_usec_t now = lws__adns_now(a);

    for (int i = 0; i < LWS__ADNS_DEMOTED_MAX; i++)
        if (a->demoted[i].until && now >= a->demoted[i].until) {
            a->demoted[i].until = 0;
            a->server_gen++;
        }
}

static bool adns_sa_eq(const lws_sockaddr46 *x, const lws_sockaddr46 *y,
                       uint16_t defport)
{
    uint16_t px = lws__sa46_port(x), py = lws__sa46_port(y);

    if (x->sa4.sin_family != y->sa4.sin_family ||
        (px ? px : defport) != (py ? py : defport))
        return false;
    if (x->sa4.sin_family == AF_INET)
        return x->sa4.sin_addr.s_addr == y->sa4.sin_addr.s_addr;
    return !memcmp(&x->sa6.sin6_addr, &y->sa6.sin6_addr, 16);
}

int lws__adns_explicit_add(struct lws__adns *a, const lws_sockaddr46 *sa)
{
    lws_sockaddr46 c;

    if (sa->sa4.sin_family != AF_INET && sa->sa4.sin_family != AF_INET6)
        return -EINVAL;
    for (int i = 0; i < a->nexplicit; i++)
        if (adns_sa_eq(&a->explicit_srv[i], sa, a->port))
            return 0;
    if (a->nexplicit == LWS__ADNS_MAX_SERVERS)
        return -ENOSPC;
    if (!a->explicit_srv) {
        a->explicit_srv =
            lws__calloc(LWS__ADNS_MAX_SERVERS, sizeof(*a->explicit_srv));
        if (!a->explicit_srv)
            return -ENOMEM;
    }
    memset(&c, 0, sizeof(c));
    if (sa->sa4.sin_family == AF_INET)
        c.sa4 = sa->sa4;
    else
        c.sa6 = sa->sa6;
    a->explicit_srv[a->nexplicit++] = c;
    a->server_gen++;
    return 0;
}

int lws_async_dns_server_add(struct lws_context *cx, const lws_sockaddr46 *sa46)
{
    int r;

    if (!cx || !sa46 || !cx->adns)
        return -EINVAL;
    LWS__LOOP_ONLY(cx);
    r = lws__adns_explicit_add(cx->adns, sa46);
    if (r)
        lwsl_err("server_add: %d", r);
    return r;
}

void lws_async_dns_server_remove(struct lws_context *cx,
                                 const lws_sockaddr46 *sa46)
{
    struct lws__adns *a;

    if (!cx || !sa46 || !cx->adns)
        return;
    LWS__LOOP_ONLY(cx);
    a = cx->adns;
    for (int i = 0; i < a->nexplicit; i++) {
        if (!adns_sa_eq(&a->explicit_srv[i], sa46, a->port))
            continue;
        memmove(&a->explicit_srv[i], &a->explicit_srv[i + 1],
                sizeof(a->explicit_srv[0]) * (size_t)(a->nexplicit - i - 1));
        a->nexplicit--;
        a->server_gen++;
        return;
    }
}

int lws__adns_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n)
{
    struct lws__adns *a = cx ? cx->adns : NULL;
    int slot = -1;

    if (!a || !iface || (n && !addrs))
        return -EINVAL;
    if (!a->dhcp) {
        a->dhcp = lws__calloc(LWS__ADNS_DHCP_IFACES, sizeof(*a->dhcp));
        if (!a->dhcp)
            return -ENOMEM;
    }
    for (int i = 0; i < LWS__ADNS_DHCP_IFACES; i++) {
        if (a->dhcp[i].n && !strcmp(a->dhcp[i].iface, iface)) {
            slot = i;
            break;
        }
        if (!a->dhcp[i].n && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return -ENOSPC;
    if (strlen(iface) >= sizeof(a->dhcp[slot].iface))
        return -EINVAL;
    a->ndhcp_total -= a->dhcp[slot].n;
    memset(&a->dhcp[slot], 0, sizeof(a->dhcp[slot]));
    for (size_t i = 0; i < n && i < LWS__ADNS_DHCP_PER_IFACE; i++) {
        lws_sockaddr46 *sa = &a->dhcp[slot].sa[a->dhcp[slot].n++];

        sa->sa4.sin_family = AF_INET;
        sa->sa4.sin_addr.s_addr = htonl(addrs[i]);
    }
    if (a->dhcp[slot].n)
        strcpy(a->dhcp[slot].iface, iface); /* length checked above */
    a->ndhcp_total += a->dhcp[slot].n;
    a->server_gen++;
    lwsl_info("%s: %d DHCP-learned server(s)", iface, a->dhcp[slot].n);
    return 0;
}

/* "a.b.c.d", "a.b.c.d:port", "::1", "[v6]", "[v6]:port". */
int lws__adns_parse_server(const char *s, lws_sockaddr46 *sa)
{
    char buf[64];
    const char *port = NULL, *end;
    size_t l;
    long p = 0;

    if (!s)
        return -EINVAL;
    if (*s == '[') {
        end = strchr(s, ']');
        if (!end || (end[1] && end[1] != ':'))
            return -EINVAL;
        l = (size_t)(end - s - 1);
        s++;
        port = end[1] ? end + 2 : NULL;
    } else {
        end = strchr(s, ':');
        if (end && !strchr(end + 1, ':')) { /* exactly one colon: v4:port */
            l = (size_t)(end - s);
            port = end + 1;
        } else
            l = strlen(s);
    }
    if (l >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, s, l);
    buf[l] = '\0';
    if (lws_sa46_parse_numeric(sa, buf))
        return -EINVAL;
    if (port) {
        char *ep;

        p = strtol(port, &ep, 10);
        if (*ep || ep == port || p <= 0 || p > 65535)
            return -EINVAL;
    }
    lws__sa46_set_port(sa, (uint16_t)p);
    return 0;
}
