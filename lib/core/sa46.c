/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Port and equality helpers of lws_sockaddr46, shared by the helpers (built
 * when at least one helper is; the numeric parser and printer of the public
 * API are in wire.c).
 */
#include "private-wire.h"

#include <arpa/inet.h>
#include <netdb.h>

uint16_t lws__sa46_port(const lws_sockaddr46 *sa)
{
    return ntohs(sa->sa4.sin_family == AF_INET6 ? sa->sa6.sin6_port
                                                : sa->sa4.sin_port);
}

void lws__sa46_set_port(lws_sockaddr46 *sa, uint16_t port)
{
    if (sa->sa4.sin_family == AF_INET6)
        sa->sa6.sin6_port = htons(port);
    else
        sa->sa4.sin_port = htons(port);
}

bool lws__sa46_equal(const lws_sockaddr46 *a, const lws_sockaddr46 *b)
{
    if (a->sa4.sin_family != b->sa4.sin_family)
        return false;
    if (a->sa4.sin_family == AF_INET)
        return a->sa4.sin_port == b->sa4.sin_port &&
               a->sa4.sin_addr.s_addr == b->sa4.sin_addr.s_addr;
    if (a->sa4.sin_family == AF_INET6)
        return a->sa6.sin6_port == b->sa6.sin6_port &&
               !memcmp(&a->sa6.sin6_addr, &b->sa6.sin6_addr,
                       sizeof(a->sa6.sin6_addr));
    return false;
}

size_t lws__sa46_from_addrinfo(const struct addrinfo *ai, lws_sockaddr46 *sa,
                               size_t max)
{
    size_t n = 0;

    for (; ai && n < max; ai = ai->ai_next) {
        size_t sl = ai->ai_family == AF_INET    ? sizeof(sa->sa4)
                    : ai->ai_family == AF_INET6 ? sizeof(sa->sa6)
                                                : 0;

        if (!sl || ai->ai_addrlen < sl)
            continue;
        memset(&sa[n], 0, sizeof(sa[n]));
        memcpy(&sa[n++], ai->ai_addr, sl);
    }
    return n;
}

int lws__port_parse(const char *p, size_t n, uint16_t *port)
{
    uint32_t v = 0;

    if (!n)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -EINVAL;
        v = v * 10 + (uint32_t)(p[i] - '0');
        if (v > 65535)
            return -EINVAL;
    }
    if (!v)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}
