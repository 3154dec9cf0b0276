/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Fault injection (built with LWS_WITH_FI only): a context's rules, parsed
 * from "name[(selector)],..." (lws-system/fi.h), and the check a fault
 * point makes.  A point is a one-line macro at its call site
 * (LWS__FI(), LWS__FI_OR(), LWS__FI_GARBLE() in private-core.h) that
 * compiles to nothing without the option.
 *
 * Threads: rules change on the loop thread; points are checked on it too,
 * except core.alloc, which any thread may reach.  Its rule is therefore a
 * static one (the allocator has no context), owned by the context that
 * enabled it and switched off, not freed, when that context goes.  Slots
 * are append-only (a name keeps its slot), so a reader never sees a name
 * change under it.
 */
#define LWS_LOGMOD fi
#include "private-core.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { FI_OFF, FI_ALWAYS, FI_NTH, FI_RANGE, FI_PROB };

#define FI_NAME_MAX 24

/* Every point the library has (lws-system/fi.h documents each). */
static const char *const fi_points[] = {
    "core.alloc",      "core.timer",
    "core.random",     "core.poll",
    "core.fdset",      "plat.sock.create",
    "plat.sock.bind",  "plat.sock.connect",
    "core.wsi.rx",     "core.wsi.rx.garble",
    "adns.channel",    "adns.rx.garble",
    "ntpc.tx",         "ntpc.rx.garble",
    "ntpc.clock.set",  "dhcpc.pkt.open",
    "dhcpc.nl.open",   "dhcpc.nl.apply",
    "dhcpc.rx.garble", "tls.setup",
    "tls.handshake",   "tls.tx.short",
    "cpd.tx.short",    "adns.tx",
    "dhcpc.tx",        "dhcp6.tx",
};

static const char fi_alloc_name[] = "core.alloc";
static struct lws__fi_rule fi_alloc_rule;
static atomic_uint_fast64_t fi_alloc_prng;
static _Atomic(struct lws__fi *) fi_alloc_owner;

/* splitmix64: one atomic add per draw, so draws from any thread are
 * distinct and a single-threaded run repeats exactly. */
static uint64_t fi_draw(atomic_uint_fast64_t *s)
{
    uint64_t z = atomic_fetch_add_explicit(s, 0x9e3779b97f4a7c15ull,
                                           memory_order_relaxed) +
                 0x9e3779b97f4a7c15ull;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool fi_known(const char *name)
{
    for (size_t i = 0; i < sizeof(fi_points) / sizeof(fi_points[0]); i++)
        if (!strcmp(fi_points[i], name))
            return true;
    return false;
}

/* The rule of @fi for @name, or NULL. */
static struct lws__fi_rule *fi_find(struct lws__fi *fi, const char *name)
{
    unsigned int n;

    if (!strcmp(name, fi_alloc_name))
        return atomic_load_explicit(&fi_alloc_owner, memory_order_acquire) == fi
                   ? &fi_alloc_rule
                   : NULL;
    n = atomic_load_explicit(&fi->used, memory_order_acquire);
    for (unsigned int i = 0; i < n; i++)
        if (!strcmp(fi->rule[i].name, name))
            return &fi->rule[i];
    return NULL;
}

static bool fi_hit(struct lws__fi_rule *r, atomic_uint_fast64_t *prng)
{
    int k = atomic_load_explicit(&r->kind, memory_order_acquire);
    unsigned int n, a, b;
    bool hit = false;

    if (k == FI_OFF)
        return false;
    n = atomic_fetch_add_explicit(&r->evals, 1, memory_order_relaxed) + 1;
    a = atomic_load_explicit(&r->a, memory_order_relaxed);
    b = atomic_load_explicit(&r->b, memory_order_relaxed);
    switch (k) {
    case FI_ALWAYS:
        hit = true;
        break;
    case FI_NTH:
        hit = n == a;
        break;
    case FI_RANGE:
        hit = n >= a && n <= b;
        break;
    case FI_PROB:
        hit = fi_draw(prng) % 100 < a;
        break;
    default:
        break;
    }
    if (hit) {
        atomic_fetch_add_explicit(&r->fired, 1, memory_order_relaxed);
        lwsl_warn("inject %s (time %u)", r->name, n);
    }
    return hit;
}

bool lws__fi(struct lws_context *cx, const char *name)
{
    struct lws__fi_rule *r;

    if (!cx || !cx->fi.on)
        return false;
    r = fi_find(&cx->fi, name);
    if (!r)
        return false;
    return fi_hit(r, r == &fi_alloc_rule ? &fi_alloc_prng : &cx->fi.prng);
}

bool lws__fi_alloc_fails(void)
{
    return fi_hit(&fi_alloc_rule, &fi_alloc_prng);
}

long lws__fi_garble(struct lws_context *cx, const char *name, void *buf, long n)
{
    uint8_t *p = buf;
    uint64_t v;
    long keep;

    if (n <= 0 || !lws__fi(cx, name))
        return n;
    /* Below any header the library parses (12 bytes: DNS), first byte
     * flipped: no parser can take it for a valid message. */
    v = fi_draw(&cx->fi.prng);
    keep = n > 1 ? 1 + (long)(v % (uint64_t)(n - 1 < 11 ? n - 1 : 11)) : 1;
    p[0] ^= 0xa5;
    lwsl_warn("%s: %ld-byte datagram cut to %ld, garbled", name, n, keep);
    return keep;
}

/* One item "name" or "name(sel)" of @len bytes at @s, into @r (not yet
 * visible).  0 or -EINVAL (logged). */
static int fi_parse_one(const char *s, size_t len, char *name, int *kind,
                        unsigned int *a, unsigned int *b)
{
    const char *o = memchr(s, '(', len);
    size_t nl = o ? (size_t)(o - s) : len;
    char sel[24], *e;
    unsigned long x, y;

    if (!nl || nl >= FI_NAME_MAX)
        goto bad;
    memcpy(name, s, nl);
    name[nl] = '\0';
    if (!fi_known(name)) {
        lwsl_err("unknown fault point '%s'", name);
        return -EINVAL;
    }
    *kind = FI_ALWAYS;
    *a = *b = 0;
    if (!o)
        return 0;
    if (s[len - 1] != ')' || len - nl - 2 >= sizeof(sel) || len - nl < 3)
        goto bad;
    memcpy(sel, o + 1, len - nl - 2);
    sel[len - nl - 2] = '\0';
    if (!strcmp(sel, "once")) {
        *kind = FI_NTH;
        *a = 1;
        return 0;
    }
    if (sel[0] < '0' || sel[0] > '9')
        goto bad;
    x = strtoul(sel, &e, 10);
    if (x > 0xffffffffu)
        goto bad;
    if (*e == '%' && !e[1] && x <= 100) {
        *kind = FI_PROB;
        *a = (unsigned int)x;
        return 0;
    }
    if (!*e && x) {
        *kind = FI_NTH;
        *a = (unsigned int)x;
        return 0;
    }
    if (e[0] == '.' && e[1] == '.' && e[2] >= '0' && e[2] <= '9') {
        y = strtoul(e + 2, &e, 10);
        if (*e || !x || y < x || y > 0xffffffffu)
            goto bad;
        *kind = FI_RANGE;
        *a = (unsigned int)x;
        *b = (unsigned int)y;
        return 0;
    }
bad:
    lwsl_err("bad fault rule '%.*s' (name, name(once), name(N), "
             "name(A..B) or name(P%%))",
             (int)len, s);
    return -EINVAL;
}

/* Calls @apply for each item of @spec; the first pass only checks. */
static int fi_walk(struct lws__fi *fi, const char *spec, bool apply)
{
    const char *s = spec;

    while (*s) {
        const char *c = strchr(s, ',');
        size_t len = c ? (size_t)(c - s) : strlen(s);
        char name[FI_NAME_MAX];
        unsigned int a, b;
        struct lws__fi_rule *r;
        int kind;

        if (len && fi_parse_one(s, len, name, &kind, &a, &b))
            return -EINVAL;
        if (len && !strcmp(name, fi_alloc_name)) {
            struct lws__fi *o = atomic_load(&fi_alloc_owner);

            if (o && o != fi) {
                lwsl_err("core.alloc is enabled by another context");
                return -EBUSY;
            }
        }
        if (len && apply) {
            r = fi_find(fi, name);
            if (!r && !strcmp(name, fi_alloc_name)) {
                /* the allocator's rule: one context owns it */
                r = &fi_alloc_rule;
                atomic_store_explicit(&r->kind, FI_OFF, memory_order_release);
                memcpy(r->name, fi_alloc_name, sizeof(fi_alloc_name));
                atomic_store(&fi_alloc_prng, fi->seed ^ 0xa110c);
                atomic_store_explicit(&fi_alloc_owner, fi,
                                      memory_order_release);
            } else if (!r) {
                unsigned int u = atomic_load(&fi->used);

                if (u == LWS_FI_MAX_RULES) {
                    lwsl_err("more than %d fault rules", LWS_FI_MAX_RULES);
                    return -ENOSPC;
                }
                r = &fi->rule[u];
                memcpy(r->name, name, sizeof(name));
                atomic_store_explicit(&fi->used, u + 1, memory_order_release);
            }
            atomic_store_explicit(&r->kind, FI_OFF, memory_order_release);
            atomic_store(&r->evals, 0);
            atomic_store(&r->fired, 0);
            atomic_store(&r->a, a);
            atomic_store(&r->b, b);
            atomic_store_explicit(&r->kind, kind, memory_order_release);
            lwsl_notice("fault rule %.*s (seed %llu)", (int)len, s,
                        (unsigned long long)fi->seed);
        }
        s += len + (c ? 1 : 0);
    }
    return 0;
}

int lws_fi_enable(struct lws_context *cx, const char *spec)
{
    int r;

    if (!cx || !cx->fi.on || !spec) {
        lwsl_err("lws_fi_enable: bad args");
        return -EINVAL;
    }
    LWS__LOOP_ONLY(cx);
    r = fi_walk(&cx->fi, spec, false);
    return r ? r : fi_walk(&cx->fi, spec, true);
}

int lws_fi_disable(struct lws_context *cx, const char *name)
{
    unsigned int n;
    int k = 0;

    if (!cx || !cx->fi.on)
        return 0;
    LWS__LOOP_ONLY(cx);
    n = atomic_load(&cx->fi.used);
    for (unsigned int i = 0; i < n; i++) {
        struct lws__fi_rule *r = &cx->fi.rule[i];

        if ((!name || !strcmp(r->name, name)) &&
            atomic_exchange(&r->kind, FI_OFF) != FI_OFF)
            k++;
    }
    if (atomic_load(&fi_alloc_owner) == &cx->fi &&
        (!name || !strcmp(name, fi_alloc_name)) &&
        atomic_exchange(&fi_alloc_rule.kind, FI_OFF) != FI_OFF)
        k++;
    if (k)
        lwsl_notice("%d fault rule(s) off (%s)", k, name ? name : "all");
    return k;
}

unsigned int lws_fi_fired(struct lws_context *cx, const char *name)
{
    unsigned int n, t = 0;
    struct lws__fi_rule *r;

    if (!cx || !cx->fi.on)
        return 0;
    if (name) {
        r = fi_find(&cx->fi, name);
        return r ? atomic_load(&r->fired) : 0;
    }
    n = atomic_load(&cx->fi.used);
    for (unsigned int i = 0; i < n; i++)
        t += atomic_load(&cx->fi.rule[i].fired);
    if (atomic_load(&fi_alloc_owner) == &cx->fi)
        t += atomic_load(&fi_alloc_rule.fired);
    return t;
}

uint64_t lws_fi_seed(struct lws_context *cx)
{
    return cx && cx->fi.on ? cx->fi.seed : 0;
}

int lws__fi_create(struct lws_context *cx,
                   const struct lws_context_creation_info *info)
{
    const char *env = getenv("LWS_FI"), *es = getenv("LWS_FI_SEED");
    struct lws__fi *fi = &cx->fi;

    fi->seed = info->fi_seed;
    if (!fi->seed && es && *es)
        fi->seed = strtoull(es, NULL, 0);
    if (!fi->seed) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        fi->seed = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
                   ((uint64_t)getpid() << 16);
    }
    atomic_init(&fi->prng, fi->seed);
    fi->on = true;
    if ((info->fi && lws_fi_enable(cx, info->fi)) ||
        (env && *env && lws_fi_enable(cx, env))) {
        lwsl_err("bad fault rules (creation info or LWS_FI)");
        lws__fi_destroy(cx);
        return -EINVAL;
    }
    return 0;
}

void lws__fi_destroy(struct lws_context *cx)
{
    struct lws__fi *fi = &cx->fi;

    if (atomic_load(&fi_alloc_owner) == fi) {
        atomic_store(&fi_alloc_rule.kind, FI_OFF);
        atomic_store(&fi_alloc_owner, NULL);
    }
    fi->on = false;
}
