/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The CPD API when captive-portal detection is compiled out
 * (LWS_WITH_SYS_CPD=OFF): starting a check reports -ENOTSUP, results are
 * ignored and the state is always LWS_CPD_UNKNOWN.
 */
#define LWS_LOGMOD cpd
#include "private-core.h"

int lws_system_cpd_start(struct lws_context *context)
{
    (void)context;
    lwsl_err("lws_system_cpd_start: CPD is compiled out (LWS_WITH_SYS_CPD)");
    return -ENOTSUP;
}

void lws_system_cpd_start_defer(struct lws_context *cx, lws_usec_t defer_us)
{
    (void)cx, (void)defer_us;
    lwsl_err("lws_system_cpd_start_defer: CPD is compiled out");
}

void lws_system_cpd_set(struct lws_context *context, lws_cpd_result_t result)
{
    (void)context, (void)result;
    lwsl_warn("lws_system_cpd_set: CPD is compiled out, result ignored");
}

lws_cpd_result_t lws_system_cpd_state_get(struct lws_context *context)
{
    (void)context;
    return LWS_CPD_UNKNOWN;
}

const char *lws_system_cpd_reason(struct lws_context *context)
{
    (void)context;
    return "";
}

int lws_system_cpd_get_status(struct lws_context *context,
                              struct lws_cpd_status *st)
{
    (void)context;
    if (st)
        memset(st, 0, sizeof(*st));
    return -ENOTSUP;
}

const char *lws_cpd_result_name(lws_cpd_result_t result)
{
    static const char *const names[] = {"Unknown", "OK", "Captive",
                                        "No internet"};

    if ((unsigned int)result >= sizeof(names) / sizeof(names[0]))
        return "?";
    return names[result];
}
