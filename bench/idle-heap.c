/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Prints the heap an idle context holds at OPERATIONAL, counted through the
 * library's allocator (bench/footprint runs it).
 */
#include "private-core.h"

#include <stdio.h>

int main(void)
{
    struct lws_context_creation_info info;
    struct lws_context *cx;
    size_t held;

    lws__alloc_track(true);
    lws_set_log_level(LLL_ERR, NULL);
    memset(&info, 0, sizeof(info));
    cx = lws_create_context(&info);
    if (!cx)
        return 1;
    while (lws_system_get_state_manager(cx)->state < LWS_SYSTATE_OPERATIONAL)
        lws_service(cx, 0);
    held = lws__heap_in_use();
    lws_context_destroy(cx);
    printf("%zu\n", held);
    return 0;
}
