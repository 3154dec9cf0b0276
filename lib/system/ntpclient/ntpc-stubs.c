/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The SNTP client's public functions when it is compiled out
 * (LWS_WITH_SYS_NTPCLIENT=OFF): they do nothing and say so.
 */
#define LWS_LOGMOD ntpc
#include "private-core.h"

void lws_ntpc_trigger(struct lws_context *context)
{
    (void)context;
    lwsl_err("lws_ntpc_trigger: the NTP client is compiled out");
}

int lws_ntpc_get_status(struct lws_context *context, struct lws_ntpc_status *st)
{
    (void)context;
    if (st)
        memset(st, 0, sizeof(*st));
    return -ENOTSUP;
}
