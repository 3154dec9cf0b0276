# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# IPv6 router-advertisement and DHCPv6 client tests: codecs + cores on a
# virtual clock (unit), the glue against a real radvd and dnsmasq in network
# namespaces the test creates (integration, root), the codec fuzzers'
# corpus replay.
if(LWS_WITH_SYS_DHCP6)
  function(lws_ra6_test name)
    lws_add_test(NAME ${name} ${ARGN})
    string(REPLACE "/" "-" exe "test-${name}")
    target_include_directories(${exe} PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
  endfunction()
  lws_ra6_test(unit/ra6 SOURCES unit/test-ra6.c LABELS unit dhcp6 TIMEOUT 60)
  lws_ra6_test(fuzz/ra6 SOURCES fuzz/fuzz-ra6.c fuzz/replay-main.c
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/ra6
    LABELS fuzz dhcp6 TIMEOUT 60)
  target_compile_definitions(test-fuzz-ra6 PRIVATE _DEFAULT_SOURCE)
  lws_ra6_test(unit/dhcp6 SOURCES unit/test-dhcp6.c LABELS unit dhcp6
    TIMEOUT 60)
  lws_ra6_test(fuzz/dhcp6 SOURCES fuzz/fuzz-dhcp6.c fuzz/replay-main.c
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/dhcp6
    LABELS fuzz dhcp6 TIMEOUT 60)
  if(LWS_WITH_SYS_ASYNC_DNS AND LWS_WITH_SYS_SMD)
    lws_ra6_test(integration/ra6-radvd SOURCES integration/it-ra6-radvd.c
      LABELS integration dhcp6 TIMEOUT 120)
  endif()
  if(LWS_WITH_SYS_DHCP_CLIENT)
    # RFC 8925 and the DHCP step's policy: both clients against dnsmasq
    # (DHCPv4 with option 108) and radvd
    lws_ra6_test(integration/dhcp-v6policy
      SOURCES integration/it-dhcp-v6policy.c
      LABELS integration dhcp6 dhcpc TIMEOUT 180)
  endif()
  if(LWS_WITH_SYS_CPD AND LWS_WITH_SYS_DHCP_CLIENT AND LWS_WITH_SYS_SMD)
    # RA option 37 (an RA sender of the test's own) to CPD's portal result,
    # then the probe (nginx over IPv6) says OK
    lws_ra6_test(integration/cpd-ra37 SOURCES integration/it-cpd-ra37.c
      LABELS integration dhcp6 cpd TIMEOUT 120)
  endif()
  if(LWS_WITH_SYS_SMD)
    lws_ra6_test(integration/dhcp6-dnsmasq
      SOURCES integration/it-dhcp6-dnsmasq.c
      LABELS integration dhcp6 TIMEOUT 120)
    if(LWS_WITH_FI) # its dhcp6.tx case
      set_property(TEST integration/dhcp6-dnsmasq APPEND PROPERTY LABELS fi)
    endif()
  endif()
  lws_add_valgrind_test(NAME valgrind/unit-ra6 TARGET test-unit-ra6
    LABELS dhcp6)
  lws_add_valgrind_test(NAME valgrind/unit-dhcp6 TARGET test-unit-dhcp6
    LABELS dhcp6)
  if(TARGET test-integration-ra6-radvd)
    lws_add_valgrind_test(NAME valgrind/integration-ra6-radvd
      TARGET test-integration-ra6-radvd LABELS dhcp6)
  endif()
  if(LWS_BUILD_FUZZERS AND CMAKE_C_COMPILER_ID MATCHES "Clang")
    # The codec and the core again, instrumented for libFuzzer.
    add_executable(fuzz-ra6 fuzz/fuzz-ra6.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/ra6-codec.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/ra6-core.c)
    target_compile_options(fuzz-ra6 PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz-ra6 PRIVATE -fsanitize=fuzzer,address,undefined)
    target_include_directories(fuzz-ra6 PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
    target_link_libraries(fuzz-ra6 PRIVATE lws-test-support)
    add_executable(fuzz-dhcp6 fuzz/fuzz-dhcp6.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/ra6-codec.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/dhcp6-codec.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/dhcp6-core.c)
    target_compile_options(fuzz-dhcp6 PRIVATE
      -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz-dhcp6 PRIVATE -fsanitize=fuzzer,address,undefined)
    target_include_directories(fuzz-dhcp6 PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
    target_link_libraries(fuzz-dhcp6 PRIVATE lws-test-support)
  endif()
else()
  lws_add_test(NAME unit/ra6-stubs SOURCES unit/test-ra6-stubs.c
    LABELS unit dhcp6 TIMEOUT 30)
endif()
