/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's use of the async resolver: every address a server name
 * resolves to becomes a candidate.  A lookup is tracked by a small token so
 * that an answer arriving after the client is gone is dropped safely.
 * Without the resolver only numeric servers work.
 */
#define LWS_LOGMOD ntpc
#include "private-ntpc.h"

#if LWS_WITH_SYS_ASYNC_DNS

#include <lws-system/async-dns.h>
#include <netdb.h>

#define DNS_MAX_ADDRS 8

struct ntpc_dns_tok {
    struct lws__ntpc *n; /* NULL once orphaned */
    lws__ntpc_resolved_cb done;
};

static struct lws *ntpc_dns_cb(struct lws *wsi, const char *ads,
                               const struct addrinfo *result, int status,
                               void *opaque)
{
    struct ntpc_dns_tok *tok = opaque;
    lws_sockaddr46 addrs[DNS_MAX_ADDRS];
    size_t c = lws__sa46_from_addrinfo(result, addrs, DNS_MAX_ADDRS);

    lws_async_dns_freeaddrinfo(&result);
    if (tok->n) {
        if (status != LADNS_RET_FOUND)
            lwsl_warn("resolving '%s' failed: %d", ads ? ads : "?", status);
        tok->done(tok->n, addrs, c);
    }
    lws__free(tok);
    return wsi;
}

int lws__ntpc_resolve(struct lws__ntpc *n, struct lws_context *cx,
                      const char *host, lws__ntpc_resolved_cb done, void **ptok)
{
    struct ntpc_dns_tok *tok = lws__calloc(1, sizeof(*tok));

    if (!tok)
        return -ENOMEM;
    tok->n = n;
    tok->done = done;
    if (lws_async_dns_query(cx, 0, host, LWS_ADNS_RECORD_A, ntpc_dns_cb, NULL,
                            tok) != LADNS_RET_CONTINUING) {
        lws__free(tok);
        return -EIO;
    }
    *ptok = tok;
    return 0;
}

void lws__ntpc_resolve_orphan(void *ptok)
{
    struct ntpc_dns_tok *tok = ptok;

    if (tok)
        tok->n = NULL;
}

#else /* !LWS_WITH_SYS_ASYNC_DNS */

int lws__ntpc_resolve(struct lws__ntpc *n, struct lws_context *cx,
                      const char *host, lws__ntpc_resolved_cb done, void **ptok)
{
    (void)n, (void)cx, (void)done, (void)ptok;
    lwsl_warn("'%s' is a name and async DNS is compiled out", host);
    return -ENOTSUP;
}

void lws__ntpc_resolve_orphan(void *ptok)
{
    (void)ptok;
}

#endif /* LWS_WITH_SYS_ASYNC_DNS */
