/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The DHCPv4 client's public API when LWS_WITH_SYS_DHCP_CLIENT is off:
 * every call fails the way its documentation says a disabled helper does.
 */
#include "private-core.h"

int lws_dhcpc_request(struct lws_context *context, const char *iface, int af,
                      dhcpc_cb_t cb, void *opaque)
{
    (void)context, (void)iface, (void)af, (void)cb, (void)opaque;
    return 1;
}

int lws_dhcpc_request_ex(struct lws_context *context,
                         const lws_dhcpc_req_t *req)
{
    (void)context, (void)req;
    return 1;
}

int lws_dhcpc_remove(struct lws_context *context, const char *iface)
{
    (void)context, (void)iface;
    return 1;
}

int lws_dhcpc_status(struct lws_context *context, lws_sockaddr46 *sa46)
{
    (void)context, (void)sa46;
    return 0;
}

int lws_dhcpc_get_ifstate(struct lws_context *context, const char *iface,
                          lws_dhcpc_ifstate_t *is)
{
    (void)context, (void)iface, (void)is;
    return -ENOTSUP;
}

const char *lws_dhcpc_state_name(int state)
{
    (void)state;
    return "?";
}

const char *lws_dhcpc_event_name(int event)
{
    (void)event;
    return "?";
}
