/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The "system" vhost: the helpers' built-in protocols plus any the
 * application adds, their per-vhost private data, protocol init/destroy and
 * the list of live wsi.
 */
#define LWS_LOGMOD vhost
#include "private-core.h"

static int vhost_count(const struct lws_protocols *p)
{
    int n = 0;

    while (p && p[n].name)
        n++;
    return n;
}

/* Calls a protocol-level reason with a stand-in wsi bound to the vhost, so
 * lws_get_vhost()/lws_get_context() work inside it. */
static int vhost_proto_cb(struct lws_vhost *vh, int idx,
                          enum lws_callback_reasons reason, void *in)
{
    struct lws fake;

    memset(&fake, 0, sizeof(fake));
    fake.vhost = vh;
    fake.protocol = &vh->protocols[idx];
    fake.fd = -1;
    fake.closing = 1;
    return vh->protocols[idx].callback(&fake, reason, NULL, in, 0);
}

int lws__vhost_system_create(struct lws_context *cx,
                             const struct lws_context_creation_info *info)
{
    const struct lws_protocols *l;
    struct lws_vhost *vh;
    int total = 0, at = 0, b;

    /* The helpers' lists, then, at their NULL end, the application's. */
    for (b = 0;; b++) {
        l = lws__helper_protocols[b];
        total += vhost_count(l ? l : info->protocols);
        if (!l)
            break;
    }
    vh = lws__calloc(1, sizeof(*vh));
    if (!vh)
        return -ENOMEM;
    vh->context = cx;
    vh->name = "system";
    cx->vhost_system = vh;
    vh->protocols = lws__calloc((size_t)total + 1, sizeof(*vh->protocols));
    vh->protocol_priv = lws__calloc((size_t)total + 1, sizeof(void *));
    if (!vh->protocols || !vh->protocol_priv)
        return -ENOMEM;
    for (b = 0;; b++) {
        l = lws__helper_protocols[b];
        if (!l) {
            vh->n_builtin = at;
            l = info->protocols;
        }
        for (int n = 0; l && l[n].name; n++) {
            if (!l[n].callback) { /* the helpers' all have one */
                lwsl_err("protocol '%s' has no callback", l[n].name);
                return -EINVAL;
            }
            vh->protocols[at++] = l[n];
        }
        if (!lws__helper_protocols[b])
            break;
    }
    /* Init in order; count only those initialised, so a failure part-way
     * destroys exactly what was set up. */
    for (int n = 0; n < total; n++) {
        if (vhost_proto_cb(vh, n, LWS_CALLBACK_PROTOCOL_INIT, (void *)info)) {
            lwsl_err("protocol '%s' init failed", vh->protocols[n].name);
            return -EIO;
        }
        vh->count_protocols = n + 1;
    }
    return 0;
}

void lws__vhost_destroy(struct lws_vhost *vh)
{
    if (!vh)
        return;
    /* The application's own sockets hear RAW_CLOSE while its protocols
     * still exist; the helpers close theirs in PROTOCOL_DESTROY.  A close
     * may close others, so rescan from the head each time. */
    for (;;) {
        struct lws *victim = NULL;

        for (lws_dll2_t *d = vh->wsi_owner.head; d && !victim; d = d->next) {
            struct lws *wsi = lws_container_of(d, struct lws, vh_list);
            if (wsi->protocol >= &vh->protocols[vh->n_builtin])
                victim = wsi;
        }
        if (!victim)
            break;
        lws_wsi_close(victim);
    }
    /* Reverse order: later protocols may use earlier ones (CPD uses DNS). */
    for (int n = vh->count_protocols - 1; n >= 0; n--)
        vhost_proto_cb(vh, n, LWS_CALLBACK_PROTOCOL_DESTROY, NULL);
    vh->count_protocols = 0;
    lws__vhost_close_all(vh);
}

void lws__vhost_free(struct lws_vhost *vh)
{
    if (!vh)
        return;
    for (int n = 0; vh->protocol_priv && vh->protocols && vh->protocols[n].name;
         n++)
        lws__free(vh->protocol_priv[n]);
    lws__free(vh->protocol_priv);
    lws__free(vh->protocols);
    lws__free(vh);
}

struct lws_vhost *lws_get_vhost_by_name(struct lws_context *cx,
                                        const char *name)
{
    if (!cx || !name)
        return NULL;
    if (cx->vhost_system && !strcmp(name, cx->vhost_system->name))
        return cx->vhost_system;
    return NULL;
}

const char *lws_get_vhost_name(struct lws_vhost *vh)
{
    return vh ? vh->name : NULL;
}

struct lws_context *lws_get_vhost_context(struct lws_vhost *vh)
{
    return vh ? vh->context : NULL;
}

static int vhost_proto_index(struct lws_vhost *vh,
                             const struct lws_protocols *prot)
{
    for (int n = 0; vh->protocols[n].name; n++)
        if (&vh->protocols[n] == prot ||
            !strcmp(vh->protocols[n].name, prot->name))
            return n;
    return -1;
}

const struct lws_protocols *lws_vhost_name_to_protocol(struct lws_vhost *vh,
                                                       const char *name)
{
    if (!vh || !name)
        return NULL;
    for (int n = 0; vh->protocols[n].name; n++)
        if (!strcmp(vh->protocols[n].name, name))
            return &vh->protocols[n];
    return NULL;
}

void *lws_protocol_vh_priv_zalloc(struct lws_vhost *vh,
                                  const struct lws_protocols *prot, size_t size)
{
    int n;

    if (!vh || !prot || !prot->name)
        return NULL;
    n = vhost_proto_index(vh, prot);
    if (n < 0) {
        lwsl_err("vh_priv: unknown protocol '%s'", prot->name);
        return NULL;
    }
    if (!vh->protocol_priv[n])
        vh->protocol_priv[n] = lws__calloc(1, size);
    return vh->protocol_priv[n];
}

void *lws_protocol_vh_priv_get(struct lws_vhost *vh,
                               const struct lws_protocols *prot)
{
    int n;

    if (!vh || !prot || !prot->name)
        return NULL;
    n = vhost_proto_index(vh, prot);
    return n < 0 ? NULL : vh->protocol_priv[n];
}

int lws_vhost_foreach_wsi(struct lws_vhost *vh,
                          int (*cb)(struct lws *wsi, const char *protocol_name,
                                    void *user),
                          void *user)
{
    lws_dll2_t *d, *next;
    int n = 0;

    if (!vh || !cb)
        return -EINVAL;
    for (d = vh->wsi_owner.head; d; d = next) {
        struct lws *wsi = lws_container_of(d, struct lws, vh_list);

        next = d->next;
        n++;
        if (cb(wsi, wsi->protocol->name, user))
            break;
    }
    return n;
}
