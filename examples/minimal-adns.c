/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * minimal-adns: resolve the names given on the command line with the async
 * DNS resolver and print every address, then exit.
 *
 *   minimal-adns [-s 127.0.0.1:5353] [-t cname] name...
 *
 * Without -s the servers come from /etc/resolv.conf.  Each name is looked
 * up once as given and once more from the cache, to show both paths.
 */
#define _GNU_SOURCE
#include <lws-system.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

static int pending;

static const char *status_name(int n)
{
    switch (n) {
    case LADNS_RET_FOUND:
        return "found";
    case LADNS_RET_NXDOMAIN:
        return "no such name";
    case LADNS_RET_NODATA:
        return "no record of that type";
    case LADNS_RET_TIMEDOUT:
        return "timed out";
    default:
        return "failed";
    }
}

static struct lws *on_result(struct lws *wsi, const char *ads,
                             const struct addrinfo *result, int n, void *opaque)
{
    const struct addrinfo *ai;
    char buf[INET6_ADDRSTRLEN];

    printf("%s (%s): %s\n", ads, (const char *)opaque, status_name(n));
    for (ai = result; ai; ai = ai->ai_next) {
        const void *a = NULL;

        if (ai->ai_family == AF_INET)
            a = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
        else if (ai->ai_family == AF_INET6)
            a = &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (a && inet_ntop(ai->ai_family, a, buf, sizeof(buf)))
            printf("  %s\n", buf);
        else if (ai->ai_canonname)
            printf("  alias of %s\n", ai->ai_canonname);
    }
    if (result && result->ai_canonname && result->ai_family != AF_UNSPEC)
        printf("  canonical name %s\n", result->ai_canonname);
    /* The chain is ours until we release it. */
    lws_async_dns_freeaddrinfo(&result);
    pending--;
    return wsi;
}

int main(int argc, char **argv)
{
    struct lws_context_creation_info info;
    adns_query_type_t qtype = LWS_ADNS_RECORD_A;
    const char *servers[2] = {NULL, NULL};
    struct lws_context *cx;
    int i = 1;

    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "-s"))
            servers[0] = argv[i + 1];
        else if (!strcmp(argv[i], "-t") && !strcmp(argv[i + 1], "cname"))
            qtype = LWS_ADNS_RECORD_CNAME;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [-s server[:port]] [-t cname] name...\n",
                argv[0]);
        return 2;
    }
    memset(&info, 0, sizeof(info));
    info.async_dns_servers = servers[0] ? servers : NULL;
    info.target_state = LWS_SYSTATE_INITIALIZED; /* DNS only, no bring-up */
    cx = lws_create_context(&info);
    if (!cx)
        return 1;
    /* Two rounds: the network (or hosts file), then the cache. */
    for (int round = 0; round < 2; round++) {
        for (int k = i; k < argc; k++)
            if (lws_async_dns_query(cx, 0, argv[k], qtype, on_result, NULL,
                                    round ? "cache" : "lookup") ==
                LADNS_RET_CONTINUING)
                pending++;
        while (pending > 0 && !lws_service(cx, 0))
            ;
    }
    lws_context_destroy(cx);
    return 0;
}
