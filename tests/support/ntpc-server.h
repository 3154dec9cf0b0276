/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * An in-process NTP server on loopback for the SNTP client's tests: on its
 * own thread, it answers each request according to a mode that the test
 * can change at any time, from a correct reply to each kind of hostile one.
 */
#ifndef LWS_NTPC_SERVER_H
#define LWS_NTPC_SERVER_H

#include <stdbool.h>
#include <stdint.h>

enum ntps_mode {
    NTPS_GOOD,
    NTPS_SILENT,       /* read and drop */
    NTPS_WRONG_ORIGIN, /* origin != the request's transmit timestamp */
    NTPS_KOD_RATE,
    NTPS_KOD_DENY,
    NTPS_KOD_RSTR,
    NTPS_LEAP3,
    NTPS_STRATUM0, /* a kiss-o'-death with an unknown code */
    NTPS_STRATUM16,
    NTPS_ZERO_XMT,
    NTPS_SHORT,      /* 47 bytes */
    NTPS_OTHER_PORT, /* a correct reply, sent from another port */
    NTPS_TEN_YEARS,  /* ten years ahead, root dispersion 16 s */
    NTPS_MODE3,      /* a correct reply in client mode */
    NTPS_WITH_EXT,   /* correct, with a 20-byte extension field appended */
    NTPS_MODE_COUNT
};

struct ntps;

/* Starts a server on 127.0.0.1, port chosen by the kernel.  Its clock is
 * the wall clock plus @ahead_ns.  NULL on failure. */
struct ntps *ntps_start(int64_t ahead_ns);
/* The same on @af's loopback (AF_INET: 127.0.0.1, AF_INET6: ::1). */
struct ntps *ntps_start_af(int64_t ahead_ns, int af);
void ntps_stop(struct ntps *s);
int ntps_port(const struct ntps *s);
void ntps_set_mode(struct ntps *s, enum ntps_mode m);
/* Requests received so far. */
uint32_t ntps_requests(const struct ntps *s);
/* The server clock: replace "wall + ahead" by an absolute Unix time, in
 * ns, advancing with the monotonic clock (0 = back to the wall clock). */
void ntps_set_base(struct ntps *s, int64_t unix_ns);
const char *ntps_mode_name(enum ntps_mode m);

#endif /* LWS_NTPC_SERVER_H */
