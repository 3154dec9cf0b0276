/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The lws_smd API when the bus is compiled out (LWS_WITH_SYS_SMD=OFF):
 * nothing can be allocated, sent or registered, and the library's own
 * publishing hooks cost one failed call each.
 */
#define LWS_LOGMOD smd
#include "private-core.h"

void *lws_smd_msg_alloc(struct lws_context *ctx, lws_smd_class_t _class,
                        size_t len)
{
    (void)ctx, (void)_class, (void)len;
    lwsl_err("lws_smd_msg_alloc: smd is compiled out (LWS_WITH_SYS_SMD)");
    return NULL;
}

void lws_smd_msg_free(void **payload)
{
    (void)payload;
}

int lws_smd_msg_send(struct lws_context *ctx, void *payload)
{
    (void)ctx, (void)payload;
    return -ENOTSUP;
}

int lws_smd_msg_printf(struct lws_context *ctx, lws_smd_class_t _class,
                       const char *format, ...)
{
    (void)ctx, (void)_class, (void)format;
    return -ENOTSUP;
}

struct lws_smd_peer *lws_smd_register(struct lws_context *ctx, void *opaque,
                                      int flags, lws_smd_class_t _class_filter,
                                      lws_smd_notification_cb_t cb)
{
    (void)ctx, (void)opaque, (void)flags, (void)_class_filter, (void)cb;
    lwsl_err("lws_smd_register: smd is compiled out (LWS_WITH_SYS_SMD)");
    return NULL;
}

void lws_smd_unregister(struct lws_smd_peer *pr)
{
    (void)pr;
}

int lws__smd_publish(struct lws_context *cx, lws_smd_class_t cls,
                     const char *format, ...)
{
    (void)cx, (void)cls, (void)format;
    return -ENOTSUP;
}

int lws__smd_create(struct lws_context *cx,
                    const struct lws_context_creation_info *info)
{
    (void)cx;
    if (info->early_smd_cb)
        lwsl_warn("early_smd_cb ignored: smd is compiled out");
    return 0;
}

void lws__smd_drain(struct lws_context *cx)
{
    (void)cx;
}

void lws__smd_destroy(struct lws_context *cx)
{
    (void)cx;
}

void lws__smd_free(struct lws_context *cx)
{
    (void)cx;
}
