/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Built without any helper: no news, and nobody whom a wall-clock step
 * concerns.
 */
#include "private-core.h"

void lws_wall_clock_stepped(struct lws_context *context)
{
    (void)context;
}
