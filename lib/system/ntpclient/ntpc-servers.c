/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's server list: application servers or the NTP_SERVER
 * blob, then DHCP-learned servers, then pool.ntp.org; "host[:port]" parsing;
 * walking the list address by address (numeric at once, names through
 * async DNS) and skipping servers that sent DENY or RSTR.
 */
#define LWS_LOGMOD ntpc
#include "private-ntpc.h"

#include <arpa/inet.h>
#include <stdio.h>

#define NTPC_POOL "pool.ntp.org"

static const char *const origin_names[] = {"app", "blob", "dhcp", "pool"};

const char *lws__ntpc_sa46_str(const lws_sockaddr46 *sa, char *buf, size_t len)
{
    if (lws_sa46_write_numeric_address(sa, buf, len) < 0 && len > 1)
        memcpy(buf, "?", 2);
    return buf;
}

/* ------------------------------------------------------------------------
 * Server list
 */

int lws__ntpc_split_hostport(const char *in, char *host, size_t host_len,
                             uint16_t *port)
{
    const char *h = in, *e, *p = NULL;
    size_t hl;

    *port = 0;
    if (!in || !*in)
        return -EINVAL;
    if (*in == '[') { /* "[v6]" or "[v6]:port" */
        e = strchr(in, ']');
        if (!e || (e[1] && e[1] != ':'))
            return -EINVAL;
        h = in + 1;
        hl = (size_t)(e - h);
        if (e[1])
            p = e + 2;
    } else {
        e = strchr(in, ':');
        /* One colon: host:port.  More: a bare IPv6 address. */
        if (e && !strchr(e + 1, ':')) {
            hl = (size_t)(e - in);
            p = e + 1;
        } else
            hl = strlen(in);
    }
    if (!hl || hl >= host_len)
        return -EINVAL;
    memcpy(host, h, hl);
    host[hl] = '\0';
    return p ? lws__port_parse(p, strlen(p), port) : 0;
}

void lws__ntpc_sources_free(struct lws__ntpc *n)
{
    for (size_t i = 0; i < n->n_src; i++)
        lws__free(n->src[i].host);
    n->n_src = 0;
    n->n_addrs = 0;
    n->next_addr = 0;
}

static int source_add(struct lws__ntpc *n, const char *spec, uint8_t origin)
{
    struct lws__ntpc_source *s;
    char host[LWS__NTPC_HOST_MAX];
    uint16_t port;

    if (n->n_src >= LWS__NTPC_MAX_SOURCES) {
        lwsl_warn("'%s' ignored: > %d servers", spec, LWS__NTPC_MAX_SOURCES);
        return -ENOSPC;
    }
    if (lws__ntpc_split_hostport(spec, host, sizeof(host), &port)) {
        lwsl_warn("bad server '%s' ignored", spec);
        return -EINVAL;
    }
    s = &n->src[n->n_src];
    s->host = lws__strdup(host);
    if (!s->host)
        return -ENOMEM;
    s->port = port ? port : n->port;
    s->origin = origin;
    n->n_src++;
    return 0;
}

/* The NTP_SERVER blob, read each time the list is built. */
static void sources_add_blob(struct lws__ntpc *n)
{
    lws_system_blob_t *b =
        lws_system_get_blob(n->cx, LWS_SYSBLOB_TYPE_NTP_SERVER, 0);
    char buf[LWS__NTPC_HOST_MAX];
    size_t len = sizeof(buf) - 1;

    if (!b || !lws_system_blob_get_size(b) ||
        lws_system_blob_get(b, (uint8_t *)buf, &len, 0) < 0)
        return;
    /* One server: up to the first NUL, space, comma or line end. */
    buf[len] = '\0';
    buf[strcspn(buf, " \n\r\t,")] = '\0';
    if (*buf)
        (void)source_add(n, buf, LWS__NTPC_SRC_BLOB);
}

void lws__ntpc_sources_build(struct lws__ntpc *n)
{
    char ab[INET6_ADDRSTRLEN];

    lws__ntpc_sources_free(n);
    for (size_t i = 0; i < n->n_app; i++)
        (void)source_add(n, n->app_servers[i], LWS__NTPC_SRC_APP);
    if (!n->n_app)
        sources_add_blob(n);
    for (size_t i = 0; i < n->n_dhcp; i++)
        if (lws_sa46_write_numeric_address(&n->dhcp[i].sa, ab, sizeof(ab)) > 0)
            (void)source_add(n, ab, LWS__NTPC_SRC_DHCP);
    if (!n->n_src && n->want_pool && !(n->flags & LWS_NTPC_FLAG_NO_POOL))
        (void)source_add(n, NTPC_POOL, LWS__NTPC_SRC_POOL);
    n->cur_src = n->n_src; /* so the next advance wraps to 0 */
}

static struct lws__ntpc_drop *drop_find(const struct lws__ntpc *n,
                                        const lws_sockaddr46 *sa)
{
    for (size_t i = 0; i < n->n_dropped; i++)
        if (lws__sa46_equal(&n->dropped[i].sa, sa))
            return (struct lws__ntpc_drop *)&n->dropped[i];
    return NULL;
}

bool lws__ntpc_is_dropped(const struct lws__ntpc *n, const lws_sockaddr46 *sa,
                          lws_usec_t mono)
{
    const struct lws__ntpc_drop *d = drop_find(n, sa);

    return d && mono < d->until;
}

uint32_t lws__ntpc_drop(struct lws__ntpc *n, const lws_sockaddr46 *sa,
                        lws_usec_t mono)
{
    struct lws__ntpc_drop *d = drop_find(n, sa);
    uint32_t s = LWS__NTPC_DROP_MIN_S;

    if (!d && !n->dropped) {
        n->dropped = lws__calloc(LWS__NTPC_MAX_DROPPED, sizeof(*n->dropped));
        if (!n->dropped) {
            lwsl_warn("refusal: out of memory");
            return s;
        }
    }
    if (!d) {
        if (n->n_dropped < LWS__NTPC_MAX_DROPPED)
            d = &n->dropped[n->n_dropped++];
        else /* full: reuse the entry whose backoff ends first */
            for (size_t i = 0; i < n->n_dropped; i++)
                if (!d || n->dropped[i].until < d->until)
                    d = &n->dropped[i];
        memset(d, 0, sizeof(*d));
        d->sa = *sa;
    }
    /* Doubles with each refusal, up to the maximum (2^5 x min is past it) */
    s = d->count < 5 ? s << d->count : LWS__NTPC_DROP_MAX_S;
    if (s > LWS__NTPC_DROP_MAX_S)
        s = LWS__NTPC_DROP_MAX_S;
    if (d->count < UINT8_MAX)
        d->count++;
    d->until = mono + (lws_usec_t)s * LWS_US_PER_SEC;
    return s;
}

/* Hands the next usable address of the loaded source to the core. */
static bool give_addr(struct lws__ntpc *n, bool start)
{
    struct lws__ntpc_out a;
    char ab[64];

    while (n->next_addr < n->n_addrs) {
        const lws_sockaddr46 *sa = &n->addrs[n->next_addr++];

        if (lws__ntpc_is_dropped(n, sa, lws_now_usecs()))
            continue;
        lwsl_info("server %s port %u (%s)",
                  lws__ntpc_sa46_str(sa, ab, sizeof(ab)), lws__sa46_port(sa),
                  origin_names[n->src[n->cur_src].origin]);
        n->stats.server_switches++;
        lws__ntpc_core_set_server(&n->core, lws_now_usecs(),
                                  lws__cx_wall_usecs(n->cx), sa, start, &a);
        (void)n->act(n, &a); /* set_server never syncs */
        return true;
    }
    return false;
}

/* Loads the source after the current one: numeric at once, names through
 * async DNS (the answer continues in ntpc_resolved()).  Returns true
 * when an address was handed out or a lookup is under way. */
static void ntpc_resolved(struct lws__ntpc *n, const lws_sockaddr46 *addrs,
                          size_t count);

static bool load_next_source(struct lws__ntpc *n, bool start)
{
    for (size_t tries = 0; tries < n->n_src; tries++) {
        struct lws__ntpc_source *s;

        n->cur_src = n->cur_src + 1 >= n->n_src ? 0 : n->cur_src + 1;
        s = &n->src[n->cur_src];
        n->n_addrs = 0;
        n->next_addr = 0;
        if (!lws_sa46_parse_numeric(&n->addrs[0], s->host)) {
            lws__sa46_set_port(&n->addrs[0], s->port);
            n->n_addrs = 1;
            if (give_addr(n, start))
                return true;
            continue;
        }
        if (!lws__ntpc_resolve(n, n->cx, s->host, ntpc_resolved, &n->dns_tok)) {
            n->stats.dns_lookups++;
            return true;
        }
        lwsl_warn("cannot resolve '%s'", s->host);
    }
    return false;
}

/* Nothing usable now: back off; the core asks for a server again. */
static void no_server(struct lws__ntpc *n)
{
    struct lws__ntpc_out a;

    lwsl_info("no usable server");
    lws__ntpc_core_no_server(&n->core, lws_now_usecs(), &a);
    (void)n->act(n, &a);
}

/* The core asked for the next server (or the list is new). */
void lws__ntpc_next_server(struct lws__ntpc *n, bool start)
{
    if (n->dns_tok)
        return; /* a lookup is already on its way */
    if (give_addr(n, start) || load_next_source(n, start))
        return;
    no_server(n);
}

static void ntpc_resolved(struct lws__ntpc *n, const lws_sockaddr46 *addrs,
                          size_t count)
{
    struct lws__ntpc_source *s;

    n->dns_tok = NULL;
    if (n->cur_src >= n->n_src)
        return;
    s = &n->src[n->cur_src];
    if (count > LWS__NTPC_MAX_ADDRS)
        count = LWS__NTPC_MAX_ADDRS;
    for (size_t i = 0; i < count; i++) {
        n->addrs[i] = addrs[i];
        lws__sa46_set_port(&n->addrs[i], s->port);
    }
    n->n_addrs = count;
    n->next_addr = 0;
    lwsl_info("'%s': %zu address(es)", s->host, count);
    if (!give_addr(n, false))
        no_server(n); /* the next name is tried after a backoff */
}
