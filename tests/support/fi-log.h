/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The fault-injection tests' log capture: every line the library logs at
 * the chosen levels goes to one buffer the test searches.
 */
#ifndef LWS_FI_LOG_H
#define LWS_FI_LOG_H

#include <stdbool.h>

/* Captures the levels @level (LLL_* bits) from now on. */
void fi_log_start(int level);
void fi_log_reset(void);
bool fi_logged(const char *needle);
/* Everything captured since the last reset. */
const char *fi_log_text(void);

#endif
