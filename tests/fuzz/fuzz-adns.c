/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fuzz target for everything the async DNS helper parses itself: DNS
 * answers (and their conversion into a result chain), the hosts file,
 * resolv.conf and server strings.  Input: one selector byte, then for
 * answers a name length byte, the name and the packet; otherwise the text.
 */
#define _GNU_SOURCE
#include "async-dns/private-adns.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static void fz_chain(const struct lws__adns_answer *ans, uint16_t qtype)
{
    const struct lws__adns_answer *a[1] = {ans};
    struct lws__adns_res *r = lws__adns_res_from_answers(a, &qtype, 1);
    const struct addrinfo *ai = lws__adns_res_ai(r);
    int n = 0;

    for (; ai; ai = ai->ai_next, n++) {
        FZ_CHECK(ai->ai_family == AF_INET || ai->ai_family == AF_INET6 ||
                 (ai->ai_family == AF_UNSPEC && qtype == LWS__ADNS_T_CNAME));
        if (ai->ai_family != AF_UNSPEC)
            FZ_CHECK(ai->ai_addr && ai->ai_addr->sa_family == ai->ai_family);
    }
    FZ_CHECK(n == ans->naddr || (n == 1 && !ans->naddr));
    if (r)
        FZ_CHECK(lws__adns_res_ai(r)->ai_canonname &&
                 strlen(lws__adns_res_ai(r)->ai_canonname) <=
                     LWS__ADNS_NAME_MAX);
    lws__adns_res_unref(r);
}

static void fz_answer(const uint8_t *data, size_t size)
{
    static const uint16_t types[] = {LWS__ADNS_T_A, LWS__ADNS_T_AAAA,
                                     LWS__ADNS_T_CNAME};
    char name[64], lc[LWS__ADNS_NAME_MAX + 1];
    struct lws__adns_answer ans;
    uint8_t q[LWS__ADNS_NAME_MAX + 32];
    size_t nl;
    uint16_t qtype;

    if (size < 2)
        return;
    qtype = types[data[0] % 3];
    nl = data[1] < sizeof(name) ? data[1] : sizeof(name) - 1;
    if (nl > size - 2)
        nl = size - 2;
    memcpy(name, data + 2, nl);
    name[nl] = '\0';
    if (lws__adns_name_lc(name, lc) < 0)
        snprintf(lc, sizeof(lc), "a.test");
    data += 2 + nl;
    size -= 2 + nl;
    if (!lws__adns_parse_answer(data, size, lc, qtype, &ans)) {
        /* Every address, bounded by the message (an address record is at
         * least 15 bytes). */
        FZ_CHECK(ans.naddr >= 0 && (size_t)ans.naddr <= size / 15);
        FZ_CHECK(strlen(ans.canon) <= LWS__ADNS_NAME_MAX);
        fz_chain(&ans, qtype);
        lws__adns_answer_clear(&ans);
    }
    /* Our own query is never taken for an answer. */
    int ql = lws__adns_build_query(q, sizeof(q), lc, qtype, 1232);
    FZ_CHECK(ql > 12);
    FZ_CHECK(lws__adns_parse_answer(q, (size_t)ql, lc, qtype, &ans) ==
             -EBADMSG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lws_sockaddr46 sa[LWS__ADNS_MAX_ADDRS];
    char *txt;
#if LWS_WITH_SYS_ASYNC_DNS_FILES
    int n;
#endif

    if (!size)
        return 0;
    switch (data[0] % 4) {
    case 0:
        fz_answer(data + 1, size - 1);
        return 0;
#if LWS_WITH_SYS_ASYNC_DNS_FILES
    case 1:
        n = lws__adns_hosts_find((const char *)data + 1, size - 1, "web.lan",
                                 sa, LWS__ADNS_MAX_ADDRS);
        FZ_CHECK(n >= 0 && n <= LWS__ADNS_MAX_ADDRS);
        return 0;
    case 2:
        n = lws__adns_resolv_parse((const char *)data + 1, size - 1, sa,
                                   LWS__ADNS_MAX_ADDRS);
        FZ_CHECK(n >= 0 && n <= LWS__ADNS_MAX_ADDRS);
        return 0;
#endif
    default:
        txt = malloc(size);
        if (!txt)
            return 0;
        memcpy(txt, data + 1, size - 1);
        txt[size - 1] = '\0';
        if (!lws__adns_parse_server(txt, &sa[0]))
            FZ_CHECK(sa[0].sa4.sin_family == AF_INET ||
                     sa[0].sa4.sin_family == AF_INET6);
        free(txt);
        return 0;
    }
}
