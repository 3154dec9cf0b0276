/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * What the SNTP client's integration tests share around the context under
 * test: a check that ends the test on failure, and a service loop that
 * runs until a condition holds or a deadline passes.
 */
#ifndef LWS_NTPC_LOOP_H
#define LWS_NTPC_LOOP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <lws-system.h>

/* Logs the failed condition with its place and exits with 1. */
#define NTPC_CHECK(c)                                                          \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #c);                                                       \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

typedef bool (*ntpc_cond_t)(struct lws_context *cx, void *arg);

/* Services @cx, woken at least every 5 ms, until @cond(@cx, @arg) holds or
 * @timeout_ms (scaled by lt_timeout_scale()) passed.  @return @cond's last
 * value. */
bool ntpc_run_until(struct lws_context *cx, ntpc_cond_t cond, void *arg,
                    int timeout_ms);

#endif /* LWS_NTPC_LOOP_H */
