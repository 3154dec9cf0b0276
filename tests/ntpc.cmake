# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# SNTP client tests: codec + core (unit), the glue in a real context against
# an in-process server (unit), a real chronyd and a hostile server
# (integration), the packet fuzzer's corpus replay.
if(LWS_WITH_SYS_NTPCLIENT)
  lws_add_test(NAME unit/ntpc SOURCES unit/test-ntpc.c LABELS unit ntpc
    TIMEOUT 30)
  lws_add_test(NAME unit/ntpc-glue SOURCES unit/test-ntpc-glue.c
    LABELS unit ntpc TIMEOUT 90)
  lws_add_valgrind_test(NAME valgrind/ntpc-glue TARGET test-unit-ntpc-glue
    LABELS ntpc)
  lws_add_test(NAME integration/ntpc-chronyd
    SOURCES integration/it-ntpc-chronyd.c LABELS integration ntpc
    TIMEOUT 120)
  lws_add_test(NAME integration/ntpc-hostile
    SOURCES integration/it-ntpc-hostile.c LABELS integration ntpc
    TIMEOUT 60)
  lws_add_test(NAME fuzz/ntp-packet SOURCES fuzz/fuzz-ntp-packet.c
    fuzz/replay-main.c ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/ntp-packet
    LABELS fuzz ntpc TIMEOUT 60)
  # replay-main.c uses scandir(), which strict C11 hides.
  target_compile_definitions(test-fuzz-ntp-packet PRIVATE _DEFAULT_SOURCE)
  if(LWS_BUILD_FUZZERS)
    # The codec and the core are compiled in again so libFuzzer sees their
    # coverage (the library itself is not instrumented).
    add_executable(fuzzer-ntp-packet fuzz/fuzz-ntp-packet.c
      ${PROJECT_SOURCE_DIR}/lib/system/ntpclient/ntpc-codec.c
      ${PROJECT_SOURCE_DIR}/lib/system/ntpclient/ntpc-core.c)
    target_include_directories(fuzzer-ntp-packet PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system)
    target_compile_options(fuzzer-ntp-packet PRIVATE
      -fsanitize=fuzzer,address)
    target_link_options(fuzzer-ntp-packet PRIVATE -fsanitize=fuzzer,address)
    target_link_libraries(fuzzer-ntp-packet PRIVATE lws-test-support)
  endif()
else()
  lws_add_test(NAME unit/ntpc-stubs SOURCES unit/test-ntpc-stubs.c
    LABELS unit ntpc TIMEOUT 30)
endif()
