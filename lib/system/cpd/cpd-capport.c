/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * RFC 8908 Captive Portal API state object: a bounded JSON reader (one
 * object; the members RFC 8908 section 5 defines are kept, others are
 * skipped) and the reply's media type.  Pure: no allocation, no recursion
 * (nesting is counted), every read bounded by the input length.
 */
#define LWS_LOGMOD cpd
#include "private-cpd-capport.h"

struct cj {
    const uint8_t *p, *end;
    bool bad;
};

static void cj_ws(struct cj *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool cj_lit(struct cj *j, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
        return false;
    j->p += n;
    return true;
}

static int cj_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * A string at j->p (after its opening quote).  Copied, unescaped, into @out
 * (@cap bytes) when @out is given; *@ok is cleared when the result is not
 * usable as a URL (too long, a control or non-URL character, a non-ASCII
 * escape).  Malformed JSON sets j->bad.
 */
static void cj_string(struct cj *j, char *out, size_t cap, bool *ok)
{
    size_t o = 0;

    while (j->p < j->end && *j->p != '"') {
        unsigned int c = *j->p++;

        if (c < 0x20) {
            j->bad = true; /* RFC 8259 section 7: controls are escaped */
            return;
        }
        if (c == '\\') {
            if (j->p >= j->end) {
                j->bad = true;
                return;
            }
            c = *j->p++;
            switch (c) {
            case '"':
            case '\\':
            case '/':
                break;
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                c = 0x01; /* a control: not in a URL */
                break;
            case 'u':
                if (j->end - j->p < 4) {
                    j->bad = true;
                    return;
                }
                c = 0;
                for (int i = 0; i < 4; i++) {
                    int h = cj_hex(*j->p++);

                    if (h < 0) {
                        j->bad = true;
                        return;
                    }
                    c = c << 4 | (unsigned int)h;
                }
                break;
            default:
                j->bad = true;
                return;
            }
        }
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' ||
            c == '>')
            *ok = false;
        if (out && o + 1 < cap)
            out[o++] = (char)c;
        else if (out)
            *ok = false;
    }
    if (j->p >= j->end) {
        j->bad = true;
        return;
    }
    j->p++; /* closing quote */
    if (out)
        out[o] = '\0';
}

/* A run of digits (at least one, else j->bad); their value, capped just
 * past 2^53. */
static int64_t cj_digits(struct cj *j)
{
    const uint8_t *s = j->p;
    int64_t n = 0;

    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (n <= ((int64_t)1 << 53))
            n = n * 10 + (*j->p - '0');
        j->p++;
    }
    if (j->p == s)
        j->bad = true;
    return n;
}

/* A number; *@v gets it when it is a non-negative integer below 2^53,
 * else -1. */
static void cj_number(struct cj *j, int64_t *v)
{
    bool integer = true;
    const uint8_t *s;
    int64_t n;

    if (j->p < j->end && *j->p == '-') {
        integer = false;
        j->p++;
    }
    s = j->p;
    n = cj_digits(j);
    if (j->p - s > 1 && *s == '0')
        j->bad = true; /* RFC 8259: no leading zeros */
    if (!j->bad && j->p < j->end && *j->p == '.') {
        integer = false;
        j->p++;
        cj_digits(j);
    }
    if (!j->bad && j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        integer = false;
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        cj_digits(j);
    }
    if (v)
        *v = integer && n < ((int64_t)1 << 53) ? n : -1;
}

/* In an object, after '{' or ',': a key and its ':'. */
static void cj_key(struct cj *j)
{
    bool ok;

    cj_ws(j);
    if (!cj_lit(j, "\"")) {
        j->bad = true;
        return;
    }
    cj_string(j, NULL, 0, &ok);
    cj_ws(j);
    if (!j->bad && !cj_lit(j, ":"))
        j->bad = true;
}

/*
 * Skips one value of any kind; containers are counted on a small stack
 * (bit set: object), not recursed into.
 * @return the literal's truth for a top-level true/false (1/0), else -1.
 */
static int cj_skip(struct cj *j)
{
    unsigned int objs = 0;
    int depth = 0, v;
    bool ok;

    for (;;) {
        cj_ws(j);
        if (j->p >= j->end) {
            j->bad = true;
            return -1;
        }
        v = -1;
        switch (*j->p) {
        case '{':
        case '[':
            if (depth == LWS__CAPPORT_DEPTH_MAX) {
                j->bad = true;
                return -1;
            }
            objs = (objs << 1) | (*j->p == '{');
            depth++;
            j->p++;
            cj_ws(j);
            if (j->p < j->end && *j->p == ((objs & 1) ? '}' : ']'))
                goto close;
            if (objs & 1)
                cj_key(j);
            if (j->bad)
                return -1;
            continue;
        case '"':
            j->p++;
            cj_string(j, NULL, 0, &ok);
            break;
        case 't':
            v = 1;
            if (!cj_lit(j, "true"))
                j->bad = true;
            break;
        case 'f':
            v = 0;
            if (!cj_lit(j, "false"))
                j->bad = true;
            break;
        case 'n':
            if (!cj_lit(j, "null"))
                j->bad = true;
            break;
        default:
            cj_number(j, NULL);
            break;
        }
        for (;;) { /* after a value */
            if (j->bad)
                return -1;
            if (!depth)
                return v;
            v = -1;
            cj_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                if (objs & 1)
                    cj_key(j);
                break; /* the next value */
            }
            if (j->p >= j->end || *j->p != ((objs & 1) ? '}' : ']')) {
                j->bad = true;
                return -1;
            }
        close:
            j->p++;
            objs >>= 1;
            depth--;
        }
        if (j->bad)
            return -1;
    }
}

static const char *const cj_keys[] = {"captive",           "can-extend-session",
                                      "seconds-remaining", "bytes-remaining",
                                      "user-portal-url",   "venue-info-url"};

int lws__capport_parse(const uint8_t *buf, size_t len, struct lws__capport *c)
{
    struct cj j = {buf, buf + len, false};

    memset(c, 0, sizeof(*c));
    c->captive = c->can_extend = -1;
    c->seconds_remaining = c->bytes_remaining = -1;
    if (len > LWS__CAPPORT_JSON_MAX)
        return -EMSGSIZE;
    cj_ws(&j);
    if (!cj_lit(&j, "{"))
        return -EBADMSG;
    cj_ws(&j);
    if (cj_lit(&j, "}"))
        goto end;
    for (;;) {
        char key[24];
        bool ok = true;
        int k = -1;

        cj_ws(&j);
        if (!cj_lit(&j, "\""))
            return -EBADMSG;
        cj_string(&j, key, sizeof(key), &ok);
        if (j.bad)
            return -EBADMSG;
        for (int i = 0; ok && i < (int)(sizeof(cj_keys) / sizeof(cj_keys[0]));
             i++)
            if (!strcmp(key, cj_keys[i]))
                k = i;
        cj_ws(&j);
        if (!cj_lit(&j, ":"))
            return -EBADMSG;
        cj_ws(&j);
        if (k >= 4 && j.p < j.end && *j.p == '"') {
            char *out = k == 4 ? c->user_portal_url : c->venue_info_url;

            j.p++;
            ok = true;
            cj_string(&j, out, LWS__CAPPORT_URL_MAX, &ok);
            if (!ok)
                out[0] = '\0';
        } else if ((k == 2 || k == 3) && j.p < j.end && *j.p != '"' &&
                   *j.p != '{' && *j.p != '[' && *j.p != 't' && *j.p != 'f' &&
                   *j.p != 'n') {
            cj_number(&j, k == 2 ? &c->seconds_remaining : &c->bytes_remaining);
        } else {
            int b = cj_skip(&j);

            if (k == 0)
                c->captive = b;
            else if (k == 1)
                c->can_extend = b;
        }
        if (j.bad)
            return -EBADMSG;
        cj_ws(&j);
        if (cj_lit(&j, "}"))
            break;
        if (!cj_lit(&j, ","))
            return -EBADMSG;
    }
end:
    cj_ws(&j);
    if (j.p != j.end || c->captive < 0)
        return -EBADMSG;
    return 0;
}

bool lws__capport_ctype_ok(const uint8_t *hdr, size_t len)
{
    static const char name[] = "content-type:",
                      type[] = "application/captive+json";
    size_t i = 0;

    while (i < len) {
        size_t e = i, k;

        while (e < len && hdr[e] != '\n')
            e++;
        for (k = 0; k < sizeof(name) - 1 && i + k < e; k++)
            if ((hdr[i + k] | 0x20) != name[k] && hdr[i + k] != name[k])
                break;
        if (k == sizeof(name) - 1) {
            size_t v = i + k, t;

            while (v < e && (hdr[v] == ' ' || hdr[v] == '\t'))
                v++;
            for (t = 0; t < sizeof(type) - 1 && v + t < e; t++)
                if ((hdr[v + t] | 0x20) != type[t] && hdr[v + t] != type[t])
                    break;
            if (t == sizeof(type) - 1) {
                v += t;
                while (v < e && (hdr[v] == ' ' || hdr[v] == '\t'))
                    v++;
                return v >= e || hdr[v] == ';' || hdr[v] == '\r';
            }
            return false;
        }
        i = e + 1;
    }
    return false;
}
