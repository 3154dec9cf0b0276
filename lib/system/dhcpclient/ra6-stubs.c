/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The IPv6 (router advertisement) public API when LWS_WITH_SYS_DHCP6 is
 * off: every call fails the way its documentation says a disabled helper
 * does.
 */
#include "private-core.h"

int lws_dhcpc6_request(struct lws_context *context, const char *iface)
{
    (void)context, (void)iface;
    return -ENOTSUP;
}

int lws_dhcpc6_remove(struct lws_context *context, const char *iface)
{
    (void)context, (void)iface;
    return -ENOTSUP;
}

int lws_dhcpc6_get_ifstate(struct lws_context *context, const char *iface,
                           lws_dhcpc6_ifstate_t *is)
{
    (void)context, (void)iface, (void)is;
    return -ENOTSUP;
}

int lws_dhcpc6_status(struct lws_context *context, lws_sockaddr46 *sa46)
{
    (void)context, (void)sa46;
    return 0;
}
