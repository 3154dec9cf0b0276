# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# Captive-portal detection: HTTP codec + check core + state logic (unit),
# the HTTP codec's fuzz corpus, and the probe against a real nginx with
# certificates made at run time (integration); both under valgrind too.
if(LWS_WITH_SYS_CPD)
  lws_add_test(NAME unit/cpd SOURCES unit/test-cpd.c LABELS unit cpd
    TIMEOUT 60)
  lws_add_test(NAME unit/cpd-he SOURCES unit/test-cpd-he.c LABELS unit cpd
    TIMEOUT 30)
  lws_add_test(NAME fuzz/http SOURCES fuzz/fuzz-http.c fuzz/replay-main.c
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/http LABELS fuzz cpd
    TIMEOUT 60)
  # replay-main.c uses scandir(), which strict C11 hides.
  target_compile_definitions(test-fuzz-http PRIVATE _DEFAULT_SOURCE)
  lws_add_test(NAME integration/cpd SOURCES integration/it-cpd.c
    LABELS integration cpd TIMEOUT 120)
  lws_add_test(NAME integration/cpd-he SOURCES integration/it-cpd-he.c
    LABELS integration cpd TIMEOUT 120)
  if(LWS_WITH_SYS_CPD_CAPPORT_API)
    lws_add_test(NAME unit/cpd-capport SOURCES unit/test-cpd-capport.c
      LABELS unit cpd TIMEOUT 30)
    lws_add_test(NAME fuzz/capport SOURCES fuzz/fuzz-capport.c
      fuzz/replay-main.c
      ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/capport LABELS fuzz cpd
      TIMEOUT 60)
    target_compile_definitions(test-fuzz-capport PRIVATE _DEFAULT_SOURCE)
    if(LWS_BUILD_FUZZERS)
      add_executable(fuzzer-capport fuzz/fuzz-capport.c)
      target_compile_options(fuzzer-capport PRIVATE -fsanitize=fuzzer,address)
      target_link_options(fuzzer-capport PRIVATE -fsanitize=fuzzer,address)
      target_link_libraries(fuzzer-capport PRIVATE lws-test-support)
    endif()
  endif()
  if(LWS_WITH_SYS_DHCP_CLIENT)
    lws_add_test(NAME integration/cpd-uri SOURCES integration/it-cpd-uri.c
      LABELS integration cpd TIMEOUT 120)
  endif()
  # Everything runs tens of times slower under valgrind.
  set(vg unit/cpd unit/cpd-he integration/cpd integration/cpd-he)
  if(LWS_WITH_SYS_CPD_CAPPORT_API)
    list(APPEND vg unit/cpd-capport)
  endif()
  foreach(t ${vg})
    string(REPLACE "/" "-" exe "test-${t}")
    lws_add_valgrind_test(NAME valgrind/${t} TARGET ${exe} LABELS cpd
      ENV LWS_TEST_TIMEOUT_SCALE=4)
  endforeach()
  if(LWS_BUILD_FUZZERS)
    add_executable(fuzzer-http fuzz/fuzz-http.c)
    target_compile_options(fuzzer-http PRIVATE -fsanitize=fuzzer,address)
    target_link_options(fuzzer-http PRIVATE -fsanitize=fuzzer,address)
    target_link_libraries(fuzzer-http PRIVATE lws-test-support)
  endif()
else()
  lws_add_test(NAME unit/cpd-stubs SOURCES unit/test-cpd-stubs.c
    LABELS unit cpd TIMEOUT 30)
endif()
