/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Thread placement shared by the queue benches (attach, smd): with 2+ CPUs
 * the loop thread runs on CPU 0 and producers on the others, for ours and
 * the baseline alike, since scheduler placement otherwise dominates the
 * spread between runs.  LWS_BENCH_NOPIN=1 turns it off.  Needs
 * _GNU_SOURCE before the first include.
 */
#ifndef LWS_BENCH_PIN_H
#define LWS_BENCH_PIN_H

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

static inline void pin(int loop_side)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;

    if (n < 2 || getenv("LWS_BENCH_NOPIN"))
        return;
    CPU_ZERO(&set);
    if (loop_side)
        CPU_SET(0, &set);
    else
        for (long c = 1; c < n; c++)
            CPU_SET((int)c, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

#endif /* LWS_BENCH_PIN_H */
