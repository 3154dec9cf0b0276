/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCP message crafting for tests (see dhcpc-msg.h).
 */
#include "dhcpc-msg.h"

#include <arpa/inet.h>
#include <string.h>

static void put(struct dt_msg *m, const void *p, size_t n)
{
    if (m->len + n > sizeof(m->buf))
        n = sizeof(m->buf) - m->len;
    memcpy(m->buf + m->len, p, n);
    m->len += n;
}

static void put32(struct dt_msg *m, uint32_t v)
{
    uint32_t be = htonl(v);

    put(m, &be, 4);
}

void dt_msg_reply(struct dt_msg *m, uint8_t type, uint32_t xid,
                  const uint8_t *mac, uint32_t yiaddr)
{
    uint8_t hdr[4] = {2, 1, 6, 0};
    uint8_t zero[202];

    memset(m, 0, sizeof(*m));
    memset(zero, 0, sizeof(zero));
    put(m, hdr, 4);
    put32(m, xid);
    put(m, zero, 4); /* secs, flags */
    put32(m, 0);     /* ciaddr */
    put32(m, yiaddr);
    put(m, zero, 8); /* siaddr, giaddr */
    put(m, mac, 6);
    put(m, zero, 10 + 64 + 128);
    put32(m, 0x63825363u);
    dt_msg_opt(m, 53, &type, 1);
}

void dt_msg_opt(struct dt_msg *m, uint8_t code, const void *data, size_t len)
{
    uint8_t h[2] = {code, (uint8_t)len};

    put(m, h, 2);
    if (len)
        put(m, data, len);
}

void dt_msg_opt32(struct dt_msg *m, uint8_t code, uint32_t v)
{
    uint32_t be = htonl(v);

    dt_msg_opt(m, code, &be, 4);
}

void dt_msg_raw(struct dt_msg *m, const void *data, size_t len)
{
    put(m, data, len);
}

void dt_msg_end(struct dt_msg *m)
{
    uint8_t e = 255;

    put(m, &e, 1);
}

void dt_msg_std(struct dt_msg *m, uint8_t type, uint32_t xid,
                const uint8_t *mac, uint32_t yiaddr, uint32_t server,
                uint32_t lease, uint32_t t1, uint32_t t2)
{
    uint32_t net = server & 0xffffff00u;

    dt_msg_reply(m, type, xid, mac, yiaddr);
    dt_msg_opt32(m, 54, server);
    dt_msg_opt32(m, 51, lease);
    if (t1)
        dt_msg_opt32(m, 58, t1);
    if (t2)
        dt_msg_opt32(m, 59, t2);
    dt_msg_opt32(m, 1, 0xffffff00u);
    dt_msg_opt32(m, 3, server);
    dt_msg_opt32(m, 6, net | 53);
    dt_msg_opt32(m, 42, net | 123);
    dt_msg_end(m);
}

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

int dt_req_parse(const uint8_t *buf, size_t len, struct dt_req *r)
{
    size_t i = 240;

    memset(r, 0, sizeof(*r));
    if (len < 240 || rd32(buf + 236) != 0x63825363u)
        return -1;
    r->op = buf[0];
    r->xid = rd32(buf + 4);
    r->ciaddr = rd32(buf + 12);
    memcpy(r->mac, buf + 28, 6);
    while (i < len) {
        uint8_t code = buf[i++], olen;
        const uint8_t *v;

        if (code == 0)
            continue;
        if (code == 255)
            break;
        if (i >= len)
            return -1;
        olen = buf[i++];
        if (i + olen > len)
            return -1;
        v = buf + i;
        i += olen;
        switch (code) {
        case 53:
            r->type = olen ? v[0] : 0;
            break;
        case 50:
            r->req_ip = olen == 4 ? rd32(v) : 0;
            break;
        case 54:
            r->server_id = olen == 4 ? rd32(v) : 0;
            break;
        case 61:
            r->client_id_len = olen < sizeof(r->client_id) ? olen : 0;
            memcpy(r->client_id, v, r->client_id_len);
            break;
        case 12:
            if (olen < sizeof(r->hostname))
                memcpy(r->hostname, v, olen);
            break;
        case 55:
            r->prl_len = olen < sizeof(r->prl) ? olen : 0;
            memcpy(r->prl, v, r->prl_len);
            break;
        case 57:
            r->has_max_size = true;
            break;
        case 80:
            r->rapid = true;
            break;
        default:
            break;
        }
    }
    return r->type ? 0 : -1;
}

bool dt_req_prl_has(const struct dt_req *r, uint8_t code)
{
    return memchr(r->prl, code, r->prl_len) != NULL;
}

uint32_t dt_ip(const char *s)
{
    struct in_addr a;

    if (inet_pton(AF_INET, s, &a) != 1)
        return 0;
    return ntohl(a.s_addr);
}
