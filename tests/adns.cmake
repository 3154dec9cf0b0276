# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# Async DNS tests: codec/cache/core unit tests, integration against a real
# dnsmasq and a hostile in-process server, fuzz corpus replays.
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME integration/adns SOURCES integration/it-adns.c
    LABELS integration adns TIMEOUT 60)
endif()
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME integration/adns-hostile
    SOURCES integration/it-adns-hostile.c LABELS integration adns TIMEOUT 60)
endif()
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME unit/adns SOURCES unit/test-adns.c LABELS unit adns
    TIMEOUT 60)
endif()
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME unit/adns-core SOURCES unit/test-adns-core.c
    LABELS unit adns TIMEOUT 30)
endif()
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME fuzz/adns SOURCES fuzz/fuzz-adns.c fuzz/replay-main.c
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/adns LABELS fuzz adns
    TIMEOUT 60)
  # replay-main.c uses scandir(), which strict C11 hides.
  target_compile_definitions(test-fuzz-adns PRIVATE _DEFAULT_SOURCE)
  if(LWS_BUILD_FUZZERS)
    # The parsers are compiled in again so libFuzzer sees their coverage.
    add_executable(fuzzer-adns fuzz/fuzz-adns.c
      ${PROJECT_SOURCE_DIR}/lib/system/async-dns/adns-codec.c
      ${PROJECT_SOURCE_DIR}/lib/system/async-dns/adns-cache.c)
    target_include_directories(fuzzer-adns PRIVATE ${LWS_PRIV_INCLUDE_DIRS})
    target_compile_options(fuzzer-adns PRIVATE -fsanitize=fuzzer,address)
    target_link_options(fuzzer-adns PRIVATE -fsanitize=fuzzer,address)
    target_link_libraries(fuzzer-adns PRIVATE lws-test-support)
  endif()
endif()
if(NOT LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME unit/adns-stubs SOURCES unit/test-adns-stubs.c
    LABELS unit adns TIMEOUT 30)
endif()
# The resolver's own tests once more under valgrind (leaks and invalid
# accesses; c-ares included).
if(LWS_WITH_SYS_ASYNC_DNS)
  foreach(t unit-adns integration-adns-hostile)
    lws_add_valgrind_test(NAME valgrind/${t} TARGET test-${t} LABELS adns)
  endforeach()
endif()
