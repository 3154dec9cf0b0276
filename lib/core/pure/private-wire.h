/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * The wire header: all that a codec or a helper's pure core may include
 * besides the public headers (the lws-system-pure target has only include/
 * and this folder on its include path).  Module-prefixed logging, the
 * allocator, the bounds-checked wire reader/writer and the sockaddr46
 * helpers; no loop, no context internals.
 */
#ifndef LWS_PRIVATE_WIRE_H
#define LWS_PRIVATE_WIRE_H

#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <lws-system.h>

#define LWS__MUST_CHECK __attribute__((warn_unused_result))

/* ------------------------------------------------------------------------
 * Logging: each .c may #define LWS_LOGMOD to one of the module names below
 * (a bare name, e.g. "#define LWS_LOGMOD dhcpc") before including this.
 * The name is passed as a number in the level argument, so a log site
 * loads one constant rather than the address of a name string.
 */
/* clang-format off */
#define LWS__LOG_MODULES(X)                                                    \
    X(core) X(log) X(alloc) X(pool) X(random) X(sul) X(wsi) X(vhost)          \
    X(context) X(state) X(attach) X(blob) X(smd) X(adns) X(ntpc) X(dhcpc)      \
    X(ra6) X(cpd) X(fi) X(dhcp6)
/* clang-format on */
#define LWS__LOG_MOD_ENUM(n) LWS__LOGMOD_##n,
enum lws__log_module { LWS__LOG_MODULES(LWS__LOG_MOD_ENUM) LWS__LOGMOD_COUNT };
#undef LWS__LOG_MOD_ENUM
#ifndef LWS_LOGMOD
#define LWS_LOGMOD core
#endif
#define LWS__LOGMOD_ID_(n) LWS__LOGMOD_##n
#define LWS__LOGMOD_ID(n)  LWS__LOGMOD_ID_(n)

/* Levels compiled in (LWS_LOG_BUILD_MASK from lws_config.h); the rest
 * compile to nothing.  lws__log() itself drops a level not enabled at run
 * time: one call per log site, not two (a test and a call), which is what
 * a site costs in text.  Arguments are evaluated either way: keep them free
 * of side effects and cheap.  @lm is LWS__LOG_LM(): the module << 3 | the
 * level's bit number (LLL_ERR 0 .. LLL_EXT 7), below 256 for up to 32
 * modules, so one short immediate on every target. */
#define LWS__LOG_LM(mod, lvl) ((int)(mod) << 3 | __builtin_ctz((unsigned)(lvl)))

void lws__log(int lm, const char *format, ...) LWS_FORMAT(2);
bool lws__log_enabled(int level);

#undef lwsl_err
#undef lwsl_warn
#undef lwsl_notice
#undef lwsl_info
#undef lwsl_debug
#define LWS__LOGX(lvl, ...)                                                    \
    do {                                                                       \
        if (LWS_LOG_BUILD_MASK & (lvl))                                        \
            lws__log(LWS__LOG_LM(LWS__LOGMOD_ID(LWS_LOGMOD), lvl),             \
                     __VA_ARGS__);                                             \
    } while (0)
#define lwsl_err(...)    LWS__LOGX(LLL_ERR, __VA_ARGS__)
#define lwsl_warn(...)   LWS__LOGX(LLL_WARN, __VA_ARGS__)
#define lwsl_notice(...) LWS__LOGX(LLL_NOTICE, __VA_ARGS__)
#define lwsl_info(...)   LWS__LOGX(LLL_INFO, __VA_ARGS__)
#define lwsl_debug(...)  LWS__LOGX(LLL_DEBUG, __VA_ARGS__)

/* ------------------------------------------------------------------------
 * Allocator: everything the library holds goes through these, so tests can
 * fail the Nth allocation and benches can count the heap in use.
 */
void *lws__malloc(size_t size) LWS__MUST_CHECK;
void *lws__calloc(size_t n, size_t size) LWS__MUST_CHECK;
void *lws__realloc(void *p, size_t size) LWS__MUST_CHECK;
void lws__free(void *p);
char *lws__strdup(const char *s) LWS__MUST_CHECK;

/* ------------------------------------------------------------------------
 * Bounds-checked wire reader/writer (wire.c).  Every read past the end sets
 * err and yields zeros; check err once at the end.
 */
struct lws__wire {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool err;
};

static inline void lws__wire_init(struct lws__wire *w, const void *p,
                                  size_t len)
{
    w->p = (const uint8_t *)p;
    w->len = len;
    w->pos = 0;
    w->err = false;
}

static inline size_t lws__wire_left(const struct lws__wire *w)
{
    return w->err ? 0 : w->len - w->pos;
}

uint8_t lws__wire_u8(struct lws__wire *w);
uint16_t lws__wire_be16(struct lws__wire *w);
uint32_t lws__wire_be32(struct lws__wire *w);
/* Copies n bytes into dst (dst may be NULL to skip). */
bool lws__wire_bytes(struct lws__wire *w, void *dst, size_t n);
bool lws__wire_skip(struct lws__wire *w, size_t n);
bool lws__wire_seek(struct lws__wire *w, size_t pos);
/* Borrowed pointer to the next n bytes, advancing; NULL (err set) if short. */
const uint8_t *lws__wire_ptr(struct lws__wire *w, size_t n);

struct lws__wbuf {
    uint8_t *p;
    size_t len;
    size_t pos;
    bool err;
};

static inline void lws__wbuf_init(struct lws__wbuf *b, void *p, size_t len)
{
    b->p = (uint8_t *)p;
    b->len = len;
    b->pos = 0;
    b->err = false;
}

void lws__wbuf_u8(struct lws__wbuf *b, uint8_t v);
void lws__wbuf_be16(struct lws__wbuf *b, uint16_t v);
void lws__wbuf_be32(struct lws__wbuf *b, uint32_t v);
void lws__wbuf_bytes(struct lws__wbuf *b, const void *src, size_t n);
void lws__wbuf_zero(struct lws__wbuf *b, size_t n);

/* Name @i of @names, names packed one after the other, each with its NUL,
 * and an empty one last ("A\0B\0" as a literal); "?" past the end. */
#define LWS__NAME_PACK(n) #n "\0"
const char *lws__name_at(const char *names, int i);

/* Addresses (sa46.c, built with any helper).  Ports in host byte order; the
 * family decides the member (IPv6 for AF_INET6, IPv4 otherwise). */
uint16_t lws__sa46_port(const lws_sockaddr46 *sa);
void lws__sa46_set_port(lws_sockaddr46 *sa, uint16_t port);
/* True when family, address and port are equal (false for other families). */
bool lws__sa46_equal(const lws_sockaddr46 *a, const lws_sockaddr46 *b);
/* The IPv4 and IPv6 addresses of a getaddrinfo()-style list, in order, up
 * to @max (entries zeroed first); returns how many were kept. */
struct addrinfo;
size_t lws__sa46_from_addrinfo(const struct addrinfo *ai, lws_sockaddr46 *sa,
                               size_t max);
/* A port number "1".."65535" (decimal digits only, leading zeros allowed)
 * from the @n bytes at @p.  Returns 0 or -EINVAL. */
int lws__port_parse(const char *p, size_t n, uint16_t *port);

#endif /* LWS_PRIVATE_WIRE_H */
