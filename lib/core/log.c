/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Logging: a level mask, a replaceable sink, and the default sink that
 * writes one timestamped line per message to stderr.
 */
#define LWS_LOGMOD log
#include "private-core.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

/* Relaxed: the mask and sink are configuration read on every log call; a
 * racing change may apply one message late, which is harmless. */
static atomic_int log_level = LLL_ERR | LLL_WARN | LLL_NOTICE;
static _Atomic(lws_log_emit_t) log_emit;

static const char log_letters[] = "EWNIDPHXCLUT";

/* The module names of lws__log()'s sites, NUL-separated in enum order. */
#define LWS__LOG_MOD_NAME(n) #n "\0"
static const char log_modules[] = LWS__LOG_MODULES(LWS__LOG_MOD_NAME);
_Static_assert(LWS__LOGMOD_COUNT <= 32, "LWS__LOG_LM() has 5 module bits");

static const char *log_module(int mod)
{
    const char *p = log_modules;

    if (mod >= LWS__LOGMOD_COUNT)
        return "?";
    while (mod--)
        p += strlen(p) + 1;
    return p;
}

static void log_emit_stderr(int level, const char *line)
{
    struct timespec ts;
    struct tm tm;
    char tbuf[32];

    (void)level;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(stderr, "[%s.%03ld] %s\n", tbuf, ts.tv_nsec / 1000000L, line);
}

void lws_set_log_level(int level, lws_log_emit_t log_emit_function)
{
    atomic_store_explicit(&log_level, level, memory_order_relaxed);
    atomic_store_explicit(&log_emit, log_emit_function, memory_order_relaxed);
}

int lws_get_log_level(void)
{
    return atomic_load_explicit(&log_level, memory_order_relaxed);
}

bool lws__log_enabled(int level)
{
    return (atomic_load_explicit(&log_level, memory_order_relaxed) & level) !=
           0;
}

static char log_letter(int level)
{
    for (int n = 0; n < LLL_COUNT; n++)
        if (level & (1 << n))
            return log_letters[n];
    return '?';
}

static void log_vemit(int level, const char *mod, const char *format,
                      va_list ap)
{
    lws_log_emit_t emit = atomic_load_explicit(&log_emit, memory_order_relaxed);
    char line[512];
    int n;

    if (!lws__log_enabled(level))
        return;
    n = snprintf(line, sizeof(line), "%c: %s%s", log_letter(level),
                 mod ? mod : "", mod ? ": " : "");
    if (n < 0)
        return;
    vsnprintf(line + n, sizeof(line) - (size_t)n, format, ap);
    (emit ? emit : log_emit_stderr)(level, line);
}

void lws__log(int lm, const char *format, ...)
{
    int level = 1 << (lm & 7);
    va_list ap;

    if (!lws__log_enabled(level))
        return; /* before the name is looked up */
    va_start(ap, format);
    log_vemit(level, log_module(lm >> 3), format, ap);
    va_end(ap);
}

void lws_log_printf(int level, const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    log_vemit(level, NULL, format, ap);
    va_end(ap);
}
