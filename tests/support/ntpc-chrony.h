/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * A real chronyd for the SNTP client's integration tests and bench: the
 * calling process moves into a network namespace of its own (so chronyd can
 * own 127.0.0.1:123 there and the reference client, ntpdig, needs no port
 * option), chronyd runs there with -x (it never touches the clock) as a
 * "local stratum 10" server, and everything is removed at exit.
 */
#ifndef LWS_NTPC_CHRONY_H
#define LWS_NTPC_CHRONY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ntpc_chrony {
    char dir[256];  /* scratch directory */
    char netns[64]; /* "ntpc-<pid>" */
    char conf[320];
    char log[320];
    pid_t pid; /* chronyd, or 0 */
    bool in_netns;
};

/* 0, or 77 (skip: not root, chronyd missing) or -1 (failure, logged).
 * Registers cleanup at exit, so @c must outlive main() (make it static).
 * Call before creating any thread. */
int ntpc_chrony_setup(struct ntpc_chrony *c);
/* Starts chronyd and waits until it answers as a synchronised server. */
int ntpc_chrony_start(struct ntpc_chrony *c);
/* The same, with chronyd's clock shifted by @shift (libfaketime syntax,
 * e.g. "+2.5"): 0, 77 when libfaketime is not installed, or -1. */
int ntpc_chrony_start_shifted(struct ntpc_chrony *c, const char *shift);
void ntpc_chrony_stop(struct ntpc_chrony *c);
/* One plain SNTP exchange with 127.0.0.1:@port: true if a synchronised
 * server answered within @timeout_ms. */
bool ntpc_ntp_probe(int port, int timeout_ms);
/* Offset (server - local, us) measured by the reference client: ntpdig if
 * installed, else "chronyd -Q".  @span_us (may be NULL) gets how long the
 * reference client ran: a bound on its round trip, so its offset is within
 * @span_us / 2 of the truth however loaded the machine is.  0 or -1. */
int ntpc_ref_offset_us(struct ntpc_chrony *c, int64_t *off_us,
                       int64_t *span_us);

#endif /* LWS_NTPC_CHRONY_H */
