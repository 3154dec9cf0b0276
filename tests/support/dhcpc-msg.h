/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * DHCP message crafting for tests: a server-side writer for replies (every
 * field and option under the test's control, including broken ones) and a
 * reader for the client's requests.  Independent of the library's codec,
 * so the two check each other.
 */
#ifndef LWS_DHCPC_MSG_H
#define LWS_DHCPC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_msg {
    uint8_t buf[1500];
    size_t len; /* bytes written so far */
};

/* Starts a BOOTREPLY (op 2): header, magic cookie, option 53 = @type.
 * Addresses in host order. */
void dt_msg_reply(struct dt_msg *m, uint8_t type, uint32_t xid,
                  const uint8_t *mac, uint32_t yiaddr);
/* Appends a raw option (code, len, data). */
void dt_msg_opt(struct dt_msg *m, uint8_t code, const void *data, size_t len);
void dt_msg_opt32(struct dt_msg *m, uint8_t code, uint32_t v);
void dt_msg_raw(struct dt_msg *m, const void *data, size_t len);
void dt_msg_end(struct dt_msg *m);
/* A typical reply: 54 server, 51 lease, 1 mask, 3 router, 6 dns, 42 ntp,
 * 58/59 when t1/t2 are non-zero; then END. */
void dt_msg_std(struct dt_msg *m, uint8_t type, uint32_t xid,
                const uint8_t *mac, uint32_t yiaddr, uint32_t server,
                uint32_t lease, uint32_t t1, uint32_t t2);

/* What a client request said. */
struct dt_req {
    uint8_t op, type;
    uint32_t xid, ciaddr;
    uint8_t mac[6];
    uint32_t req_ip, server_id; /* 0 if absent */
    uint8_t client_id[64];
    size_t client_id_len;
    char hostname[64];
    uint8_t prl[64];
    size_t prl_len;
    bool rapid;
    bool has_max_size;
};
/* Parses a BOOTREQUEST.  @return 0 or -1. */
int dt_req_parse(const uint8_t *buf, size_t len, struct dt_req *r);
bool dt_req_prl_has(const struct dt_req *r, uint8_t code);

/* Host-order dotted quad. */
uint32_t dt_ip(const char *s);

#endif /* LWS_DHCPC_MSG_H */
