/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Where the async DNS resolver's servers and local answers come from: the
 * explicit list and run-time changes, DHCP-learned servers per interface,
 * resolv.conf and the hosts file (both re-read when they change), numeric
 * literals and localhost.  Every change of the server list bumps a
 * generation that the transport picks up at its next question.  Also the
 * resolver's clock and the public API's entry check: the other glue files
 * (adns-glue.c, adns-udp.c) call down into this one, never the reverse.
 */
#define LWS_LOGMOD adns
#include "private-adns.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

lws_usec_t lws__adns_loop_us(const struct lws__adns *a)
{
    return (lws_usec_t)(uv_now(a->cx->loop) + 1) * LWS_US_PER_MS;
}

lws_usec_t lws__adns_now(const struct lws__adns *a)
{
    return a->now ? a->now() : lws__adns_loop_us(a);
}

struct lws__adns *lws__adns_api(struct lws_context *cx)
{
    /* one name for the whole API: the check's log line says which part
     * of the library was called off the loop thread */
    return lws__helper_api(cx, LWS__HELPER_ADNS, "lws_{async_dns,adns}_*");
}

/* Files larger than this are read only up to it (with a warning). */
#define ADNS_FILE_MAX (64 * 1024)

/* ------------------------------------------------------------------------
 * Files: hosts and resolv.conf, re-read when they change (not built with
 * LWS_WITH_SYS_ASYNC_DNS_FILES off: servers then come from the API and
 * DHCP only, and only literals and localhost answer locally)
 */
#if LWS_WITH_SYS_ASYNC_DNS_FILES

/* Reads @path if its identity or mtime changed since @st.  @return 1 read
 * (new content in *buf), 0 unchanged, -errno if missing/unreadable. */
static int adns_file_refresh(const char *path, struct lws__adns_fid *st,
                             bool *seen, char **buf, size_t *len)
{
    struct lws__adns_fid f;
    struct stat nst;
    ssize_t r;
    size_t cap;
    char *nb;
    int fd;

    if (!path || !*path || stat(path, &nst))
        return -ENOENT;
    memset(&f, 0, sizeof(f)); /* padding too: compared whole */
    f.ino = nst.st_ino;
    f.size = nst.st_size;
    f.mtim = nst.st_mtim;
    if (*seen && !memcmp(&f, st, sizeof(f)))
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
        lwsl_warn("%s: only %d bytes used", path, ADNS_FILE_MAX);
    lws__free(*buf);
    *buf = nb;
    *len = (size_t)r;
    *st = f; /* (padding that differs only costs one more read) */
    *seen = true;
    return 1;
}

#endif

void lws__adns_resolv_check(struct lws__adns *a)
{
#if LWS_WITH_SYS_ASYNC_DNS_FILES
    lws_sockaddr46 sa[LWS__ADNS_RESOLV_MAX];
    char *buf = NULL;
    size_t len = 0;
    int r, n;

    if (a->srv.nexplicit || a->srv.ndhcp_total)
        return; /* not in use: read again once it would be */
    r = adns_file_refresh(a->resolv_path, &a->resolv_st, &a->resolv_seen, &buf,
                          &len);
    if (!r)
        return;
    n = r > 0 ? lws__adns_resolv_parse(buf, len, sa, LWS__ADNS_RESOLV_MAX) : 0;
    lws__free(buf);
    if (r < 0)
        a->resolv_seen = false;
    if (n == a->srv.nresolv &&
        !memcmp(sa, a->srv.resolv_srv, sizeof(sa[0]) * (size_t)n))
        return;
    memcpy(a->srv.resolv_srv, sa, sizeof(sa[0]) * (size_t)n);
    a->srv.nresolv = n;
    if (!a->srv.nexplicit && !a->srv.ndhcp_total)
        a->srv.server_gen++;
    lwsl_info("%s: %d servers", a->resolv_path, n);
    lws__smd_publish(a->cx, LWSSMDCL_NETWORK,
                     "{\"type\":\"dns\",\"src\":\"resolv\",\"servers\":%d}", n);
#else
    (void)a;
#endif
}

/* Answers names that need no network: literals, the hosts file and
 * localhost (RFC 6761 §6.3).  @return true if answered (*status set). */
bool lws__adns_local(struct lws__adns *a, const char *name, const char *lc,
                     int *status, struct lws__adns_res **res)
{
    static const char dotlocal[] = ".localhost";
    lws_sockaddr46 sa[LWS__ADNS_MAX_ADDRS];
    size_t ll = strlen(lc);
    int n;

    *res = NULL;
    /* (a literal ends in a digit (IPv4) or has a colon (IPv6): other
     * names are not parsed) */
    if (((unsigned int)(lc[ll - 1] - '0') < 10u || strchr(lc, ':')) &&
        !lws_sa46_parse_numeric(&sa[0], name)) {
        n = 1;
        goto out;
    }
#if !LWS_WITH_SYS_ASYNC_DNS_FILES
    (void)a;
#else
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
#endif
    /* "localhost" or a name under it: one comparison of the tail */
    if (ll < 9 || strcmp(lc + ll - 9, dotlocal + 1) ||
        (ll > 9 && lc[ll - 10] != '.'))
        return false;
    lws_sa46_parse_numeric(&sa[0], "127.0.0.1");
    lws_sa46_parse_numeric(&sa[1], "::1");
    n = 2;
out: /* (numeric addresses, parsed without a port) */
    *res = lws__adns_res_create(sa, n, lc);
    *status = *res ? LADNS_RET_FOUND : LADNS_RET_FAILED;
    return true;
}

/* ------------------------------------------------------------------------
 * Servers
 */

void lws__adns_health_event(struct lws__adns *a, const lws_sockaddr46 *sa,
                            bool ok, int32_t rtt_us)
{
    lws_usec_t now = lws__adns_now(a);
    const struct lws__adns_health *h;
    char txt[64];

    if (!(ok ? lws__adns_core_server_ok(&a->srv, now, sa, rtt_us)
             : lws__adns_core_server_fail(&a->srv, now, sa)))
        return; /* no change of state: nothing to say */
    /* (a change of state: the core holds its record) */
    h = lws__adns_core_health(&a->srv, sa);
    if (lws_sa46_write_numeric_address(sa, txt, sizeof(txt)) < 0)
        txt[0] = '\0';
    /* (a probe is due at most LWS__ADNS_PROBE_MAX_US on: 32 bits) */
    LWS__LOGX(ok ? LLL_NOTICE : LLL_WARN, "server %s %s %d %s", txt,
              ok ? "answers again: rtt" : "failed: asked last, probed in",
              ok ? (int)h->srtt : (int32_t)(h->probe_at - now) / 1000,
              ok ? "us" : "ms");
}

int lws__adns_explicit_add(struct lws__adns *a, const lws_sockaddr46 *sa)
{
    lws_sockaddr46 c;

    if (sa->sa4.sin_family != AF_INET && sa->sa4.sin_family != AF_INET6)
        return -EINVAL;
    for (int i = 0; i < a->srv.nexplicit; i++)
        if (lws__adns_core_sa_eq(&a->srv.explicit_srv[i], sa, a->srv.port))
            return 0;
    if (a->srv.nexplicit == LWS__ADNS_MAX_SERVERS)
        return -ENOSPC;
    if (!a->srv.explicit_srv) {
        a->srv.explicit_srv =
            lws__calloc(LWS__ADNS_MAX_SERVERS, sizeof(*a->srv.explicit_srv));
        if (!a->srv.explicit_srv)
            return -ENOMEM;
    }
    memset(&c, 0, sizeof(c)); /* only the family's part is copied */
    memcpy(&c, sa,
           sa->sa4.sin_family == AF_INET ? sizeof(c.sa4) : sizeof(c.sa6));
    a->srv.explicit_srv[a->srv.nexplicit++] = c;
    a->srv.server_gen++;
    return 0;
}

int lws_async_dns_server_add(struct lws_context *cx, const lws_sockaddr46 *sa46)
{
    struct lws__adns *a = lws__adns_api(cx);
    int r;

    if (!a || !sa46)
        return -EINVAL;
    r = lws__adns_explicit_add(a, sa46);
    if (r)
        lwsl_err("server_add: %d", r);
    return r;
}

void lws_async_dns_server_remove(struct lws_context *cx,
                                 const lws_sockaddr46 *sa46)
{
    struct lws__adns *a = lws__adns_api(cx);

    if (!a || !sa46)
        return;
    for (int i = 0; i < a->srv.nexplicit; i++) {
        if (!lws__adns_core_sa_eq(&a->srv.explicit_srv[i], sa46, a->srv.port))
            continue;
        memmove(&a->srv.explicit_srv[i], &a->srv.explicit_srv[i + 1],
                sizeof(a->srv.explicit_srv[0]) *
                    (size_t)(a->srv.nexplicit - i - 1));
        a->srv.nexplicit--;
        a->srv.server_gen++;
        return;
    }
}

int lws__adns_iface_servers(struct lws_context *cx, const char *iface,
                            int family, const lws_sockaddr46 *sa, size_t n)
{
    struct lws__adns *a = cx ? LWS__HELPER(cx, ADNS) : NULL;
    const char *src = family == AF_INET6 ? "ra6" : "dhcp";
    struct lws__adns_dhcp *d;
    int slot = -1;

    if (!a || !iface || (n && !sa))
        return -EINVAL;
    if (!a->srv.dhcp) {
        a->srv.dhcp = lws__calloc(LWS__ADNS_DHCP_IFACES, sizeof(*a->srv.dhcp));
        if (!a->srv.dhcp)
            return -ENOMEM;
    }
    /* One slot per interface and family: DHCPv4 and IPv6 RAs (RDNSS)
     * replace only their own servers. */
    for (int i = 0; i < LWS__ADNS_DHCP_IFACES; i++) {
        d = &a->srv.dhcp[i];
        if (d->n && d->sa[0].sa4.sin_family == family &&
            !strcmp(d->iface, iface)) {
            slot = i;
            break;
        }
        if (!d->n && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return -ENOSPC;
    d = &a->srv.dhcp[slot];
    if (strlen(iface) >= sizeof(d->iface))
        return -EINVAL;
    a->srv.ndhcp_total -= d->n;
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < n && d->n < LWS__ADNS_DHCP_PER_IFACE; i++)
        if (sa[i].sa4.sin_family == family)
            d->sa[d->n++] = sa[i];
    if (d->n)
        strcpy(d->iface, iface); /* length checked above */
    a->srv.ndhcp_total += d->n;
    a->srv.server_gen++;
    lwsl_info("%s: %d servers from %s", iface, d->n, src);
    lws__smd_publish(cx, LWSSMDCL_NETWORK,
                     "{\"type\":\"dns\",\"src\":\"%s\",\"if\":\"%s\","
                     "\"servers\":%d}",
                     src, iface, d->n);
    return 0;
}

int lws__adns_dhcp_servers(struct lws_context *cx, const char *iface,
                           const uint32_t *addrs, size_t n)
{
    lws_sockaddr46 sa[LWS__ADNS_DHCP_PER_IFACE];

    if (n && !addrs)
        return -EINVAL;
    if (n > LWS__ADNS_DHCP_PER_IFACE)
        n = LWS__ADNS_DHCP_PER_IFACE;
    memset(sa, 0, sizeof(sa));
    for (size_t i = 0; i < n; i++) {
        sa[i].sa4.sin_family = AF_INET;
        sa[i].sa4.sin_addr.s_addr = htonl(addrs[i]);
    }
    return lws__adns_iface_servers(cx, iface, AF_INET, sa, n);
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
