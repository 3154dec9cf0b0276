/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The library's allocator.  Every allocation carries a small header with its
 * size so the heap held by the library can be counted, and tests can make
 * the Nth allocation fail to walk every out-of-memory path.
 */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#define LWS_LOGMOD      alloc
#include "private-core.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>

/* Header in front of each block, sized to keep max_align_t alignment. */
typedef union {
    struct {
        size_t size;
        size_t counted; /* allocated while tracking was on */
    } h;
    max_align_t align;
} alloc_hdr_t;

/* Relaxed ordering is enough: these are statistics and a test trigger.
 * Counting costs shared-cache-line atomics on every call, so it is off
 * unless a test or bench turns it on. */
static atomic_bool alloc_track;
static atomic_size_t alloc_in_use;
static atomic_size_t alloc_peak; /* high-water of alloc_in_use */
static atomic_long alloc_calls;
static atomic_long alloc_fail_at; /* value of alloc_calls that fails; 0 off */

void lws__alloc_track(bool on)
{
    atomic_store_explicit(&alloc_track, on, memory_order_relaxed);
}

void lws__alloc_fail_nth(long n)
{
    long now = atomic_load_explicit(&alloc_calls, memory_order_relaxed);

    atomic_store_explicit(&alloc_fail_at, n > 0 ? now + n : 0,
                          memory_order_relaxed);
}

long lws__alloc_count(void)
{
    return atomic_load_explicit(&alloc_calls, memory_order_relaxed);
}

size_t lws__heap_in_use(void)
{
    return atomic_load_explicit(&alloc_in_use, memory_order_relaxed);
}

/* The peak since the last call; the next period starts at what is held now.
 * An allocation racing with the reset counts in this period's peak. */
size_t lws__heap_peak_take(void)
{
    return atomic_exchange_explicit(&alloc_peak, lws__heap_in_use(),
                                    memory_order_relaxed);
}

/* Counts n more bytes held; the peak costs a load, and a CAS only when the
 * count passes it. */
static void heap_add(size_t n)
{
    size_t now = atomic_fetch_add_explicit(&alloc_in_use, n,
                                           memory_order_relaxed) +
                 n,
           pk = atomic_load_explicit(&alloc_peak, memory_order_relaxed);

    while (now > pk && !atomic_compare_exchange_weak_explicit(
                           &alloc_peak, &pk, now, memory_order_relaxed,
                           memory_order_relaxed))
        ;
}

static bool alloc_should_fail(void)
{
    long n, at;

#if LWS_WITH_FI
    if (lws__fi_alloc_fails()) /* "core.alloc" (fi.c) */
        return true;
#endif
    if (!atomic_load_explicit(&alloc_track, memory_order_relaxed))
        return false;
    n = atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed) + 1;
    at = atomic_load_explicit(&alloc_fail_at, memory_order_relaxed);
    if (at && n == at) {
        lwsl_debug("injected allocation failure #%ld", n);
        return true;
    }
    return false;
}

void *lws__malloc(size_t size)
{
    alloc_hdr_t *h;

    if (size > SIZE_MAX - sizeof(*h) || alloc_should_fail())
        return NULL;
    h = malloc(sizeof(*h) + size);
    if (!h)
        return NULL;
    h->h.size = size;
    h->h.counted = atomic_load_explicit(&alloc_track, memory_order_relaxed);
    if (h->h.counted)
        heap_add(size);
    return h + 1;
}

bool lws__alloc_tracking(void)
{
    return atomic_load_explicit(&alloc_track, memory_order_relaxed);
}

/* Without the header: the caller knows the size, and whether the block was
 * counted (a pool decides once, at init, for all its blocks).  Aligned for
 * LWS__BARE_ALIGN (at least max_align_t and 16) whatever the allocator does
 * for small sizes (the attach queue keeps an item's gate in the low bits of
 * its address). */
void *lws__malloc_bare(size_t size, bool counted)
{
    void *p;

    if (alloc_should_fail() ||
        posix_memalign(&p, LWS__BARE_ALIGN, size ? size : 1))
        return NULL;
    if (counted)
        heap_add(size);
    return p;
}

void lws__free_bare(void *p, size_t size, bool counted)
{
    if (p && counted)
        atomic_fetch_sub_explicit(&alloc_in_use, size, memory_order_relaxed);
    free(p);
}

void *lws__calloc(size_t n, size_t size)
{
    void *p;

    if (size && n > SIZE_MAX / size)
        return NULL;
    p = lws__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *lws__realloc(void *p, size_t size)
{
    alloc_hdr_t *h, *nh;
    size_t old;

    if (!p)
        return lws__malloc(size);
    if (size > SIZE_MAX - sizeof(*h) || alloc_should_fail())
        return NULL;
    h = (alloc_hdr_t *)p - 1;
    old = h->h.size;
    nh = realloc(h, sizeof(*nh) + size);
    if (!nh)
        return NULL;
    nh->h.size = size;
    if (nh->h.counted) {
        atomic_fetch_sub_explicit(&alloc_in_use, old, memory_order_relaxed);
        heap_add(size);
    }
    return nh + 1;
}

void lws__free(void *p)
{
    alloc_hdr_t *h;

    if (!p)
        return;
    h = (alloc_hdr_t *)p - 1;
    if (h->h.counted)
        atomic_fetch_sub_explicit(&alloc_in_use, h->h.size,
                                  memory_order_relaxed);
    free(h);
}

char *lws__strdup(const char *s)
{
    size_t n;
    char *d;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = lws__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
