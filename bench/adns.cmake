# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# bench/dns: cache hits, misses against a real dnsmasq versus bare c-ares on
# libuv, the fresh-port floor and glibc in the same run, coalescing,
# source-port spread and bytes per cached entry.  Reuses the test support
# code, so it needs the tests built.  Run as root: ./bench-dns [names] [rounds]
if(LWS_WITH_SYS_ASYNC_DNS AND TARGET lws-test-support)
  add_executable(bench-dns ${CMAKE_CURRENT_SOURCE_DIR}/dns.c)
  target_compile_options(bench-dns PRIVATE ${LWS_TEST_WARN} ${LWS_SAN_FLAGS})
  target_compile_definitions(bench-dns PRIVATE _GNU_SOURCE)
  target_link_libraries(bench-dns PRIVATE lws-test-support PkgConfig::CARES
    PkgConfig::LIBUV Threads::Threads)
endif()
