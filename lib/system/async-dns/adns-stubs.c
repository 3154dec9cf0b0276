/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The async DNS API when the helper is compiled out
 * (LWS_WITH_SYS_ASYNC_DNS=OFF): every call fails without side effects and
 * no callback ever runs.
 */
#define LWS_LOGMOD adns
#include "private-core.h"

lws_async_dns_retcode_t(lws_async_dns_query)(struct lws_context *cx, int tsi,
                                             const char *name,
                                             adns_query_type_t qtype,
                                             lws_async_dns_cb_t cb,
                                             struct lws *wsi, void *opaque,
                                             struct lws_adns_q **pq)
{
    (void)cx, (void)tsi, (void)name, (void)qtype, (void)cb, (void)wsi;
    (void)opaque;
    if (pq)
        *pq = NULL;
    lwsl_err("async DNS is not built in");
    return LADNS_RET_FAILED;
}

int lws_adns_q_cancel(struct lws_context *cx, struct lws_adns_q *q)
{
    (void)cx, (void)q;
    return -ENOTSUP;
}

int lws_async_dns_server_reload(struct lws_context *cx)
{
    (void)cx;
    return -ENOTSUP;
}

void lws_async_dns_freeaddrinfo(const struct addrinfo **ai)
{
    if (ai)
        *ai = NULL;
}

int lws_async_dns_server_add(struct lws_context *cx, const lws_sockaddr46 *sa46)
{
    (void)cx, (void)sa46;
    return -ENOTSUP;
}

void lws_async_dns_server_remove(struct lws_context *cx,
                                 const lws_sockaddr46 *sa46)
{
    (void)cx, (void)sa46;
}

int lws_adns_cancel(struct lws_context *cx, lws_async_dns_cb_t cb,
                    struct lws *wsi, void *opaque)
{
    (void)cx, (void)cb, (void)wsi, (void)opaque;
    return -ENOTSUP;
}

int lws_adns_cache_flush(struct lws_context *cx)
{
    (void)cx;
    return -ENOTSUP;
}

int lws_adns_get_stats(struct lws_context *cx, struct lws_adns_stats *st)
{
    (void)cx, (void)st;
    return -ENOTSUP;
}

const struct lws_protocols lws__protocols_adns[] = {LWS_PROTOCOL_LIST_TERM};
