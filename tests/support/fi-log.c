/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Log capture for the fault-injection tests (fi-log.h).  Lines beyond the
 * buffer are dropped; tests reset it before each step they check.
 */
#include "fi-log.h"

#include <string.h>

#include <lws-system.h>

static char fi_buf[256 * 1024];
static size_t fi_len;

static void fi_emit(int level, const char *line)
{
    size_t n = strlen(line);

    (void)level;
    if (fi_len + n + 2 < sizeof(fi_buf)) {
        memcpy(fi_buf + fi_len, line, n);
        fi_len += n;
        fi_buf[fi_len++] = '\n';
        fi_buf[fi_len] = '\0';
    }
}

void fi_log_start(int level)
{
    lws_set_log_level(level, fi_emit);
}

void fi_log_reset(void)
{
    fi_len = 0;
    fi_buf[0] = '\0';
}

bool fi_logged(const char *needle)
{
    return strstr(fi_buf, needle) != NULL;
}

const char *fi_log_text(void)
{
    return fi_buf;
}
