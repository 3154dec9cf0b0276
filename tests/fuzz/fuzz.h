/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Shared by the fuzz targets: the libFuzzer entry point and a check that
 * aborts (so libFuzzer and the corpus replay both report it) in every build,
 * NDEBUG included.
 */
#ifndef LWS_FUZZ_H
#define LWS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FZ_CHECK(c)                                                            \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);            \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* LWS_FUZZ_H */
