/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * System blobs: small per-context settings (auth tokens, device identity,
 * the NTP server) held either as a borrowed pointer (direct mode) or as a
 * chain of copied heap segments (heap mode).
 */
#define LWS_LOGMOD blob
#include "private-core.h"

struct blob_seg {
    lws_dll2_t list;
    size_t len;
    uint8_t data[]; /* len bytes */
};

lws_system_blob_t *lws_system_get_blob(struct lws_context *cx,
                                       lws_system_blob_item_t type, int idx)
{
    long slot = (long)type + idx;

    if (!cx || (int)type < 0 || idx < 0 || slot >= LWS_SYSBLOB_TYPE_COUNT ||
        idx > (type == LWS_SYSBLOB_TYPE_AUTH ? 1 : 0)) {
        lwsl_err("blob: no slot type %d idx %d", (int)type, idx);
        return NULL;
    }
    return &cx->blobs[slot];
}

void lws_system_blob_heap_empty(lws_system_blob_t *b)
{
    if (!b)
        return;
    while (b->heap.head) {
        struct blob_seg *s =
            lws_container_of(b->heap.head, struct blob_seg, list);
        lws_dll2_remove(&s->list);
        lws__free(s);
    }
    b->is_direct = false;
    b->direct = NULL;
    b->direct_len = 0;
}

void lws_system_blob_direct_set(lws_system_blob_t *b, const uint8_t *ptr,
                                size_t len)
{
    if (!b || (!ptr && len)) {
        lwsl_err("blob: bad direct_set");
        return;
    }
    lws_system_blob_heap_empty(b);
    b->is_direct = true;
    b->direct = ptr;
    b->direct_len = len;
}

int lws_system_blob_heap_append(lws_system_blob_t *b, const uint8_t *ptr,
                                size_t len)
{
    struct blob_seg *s;

    if (!b || (!ptr && len) || len > SIZE_MAX - sizeof(*s)) {
        lwsl_err("blob: bad heap_append");
        return -EINVAL;
    }
    if (b->is_direct)
        lws_system_blob_heap_empty(b);
    s = lws__malloc(sizeof(*s) + len);
    if (!s) {
        lwsl_err("blob: out of memory");
        return -ENOMEM;
    }
    memset(&s->list, 0, sizeof(s->list));
    s->len = len;
    if (len)
        memcpy(s->data, ptr, len);
    lws_dll2_add_tail(&s->list, &b->heap);
    return 0;
}

size_t lws_system_blob_get_size(lws_system_blob_t *b)
{
    size_t n = 0;

    if (!b)
        return 0;
    if (b->is_direct)
        return b->direct_len;
    for (lws_dll2_t *d = b->heap.head; d; d = d->next)
        n += lws_container_of(d, struct blob_seg, list)->len;
    return n;
}

int lws_system_blob_get_single_ptr(lws_system_blob_t *b, const uint8_t **ptr)
{
    if (!b || !ptr)
        return -1;
    if (b->is_direct) {
        *ptr = b->direct;
        return 0;
    }
    if (b->heap.count != 1)
        return -1;
    *ptr = lws_container_of(b->heap.head, struct blob_seg, list)->data;
    return 0;
}

int lws_system_blob_get(lws_system_blob_t *b, uint8_t *buf, size_t *len,
                        size_t ofs)
{
    size_t want, got = 0;

    if (!b || !len || (!buf && *len))
        return -1;
    want = *len;
    *len = 0;
    if (b->is_direct) {
        if (ofs >= b->direct_len)
            return 1;
        got = b->direct_len - ofs < want ? b->direct_len - ofs : want;
        memcpy(buf, b->direct + ofs, got);
        *len = got;
        return 0;
    }
    if (ofs >= lws_system_blob_get_size(b))
        return 1;
    for (lws_dll2_t *d = b->heap.head; d && got < want; d = d->next) {
        struct blob_seg *s = lws_container_of(d, struct blob_seg, list);
        size_t n;

        if (ofs >= s->len) {
            ofs -= s->len;
            continue;
        }
        n = s->len - ofs < want - got ? s->len - ofs : want - got;
        memcpy(buf + got, s->data + ofs, n);
        got += n;
        ofs = 0;
    }
    *len = got;
    return 0;
}

void lws_system_blob_destroy(lws_system_blob_t *b)
{
    lws_system_blob_heap_empty(b);
}

void lws__blobs_destroy(struct lws_context *cx)
{
    for (int n = 0; n < LWS_SYSBLOB_TYPE_COUNT; n++)
        lws_system_blob_destroy(&cx->blobs[n]);
}
