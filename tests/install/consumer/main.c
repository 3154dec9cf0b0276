/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Consumer of an installed lws-system: creates a context, runs it to
 * OPERATIONAL and exits 0.
 */
#include <lws-system.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    int n = 0;

    memset(&info, 0, sizeof(info));
    lws_set_log_level(LLL_ERR, NULL);
    cx = lws_create_context(&info);
    if (!cx)
        return 1;
    while (lws_system_get_state_manager(cx)->state < LWS_SYSTATE_OPERATIONAL &&
           n++ < 1000)
        lws_service(cx, 0);
    n = lws_system_get_state_manager(cx)->state == LWS_SYSTATE_OPERATIONAL;
    printf("lws-system %s: %s\n", lws_get_library_version(),
           n ? "OPERATIONAL" : "stuck");
    lws_context_destroy(cx);
    return n ? 0 : 1;
}
