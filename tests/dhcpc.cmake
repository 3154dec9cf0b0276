# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# DHCPv4 client tests: codec + core on a virtual clock (unit), the glue
# against a real dnsmasq and a hostile server of our own in network
# namespaces the tests create (integration, root), the codec fuzzer replay.
if(LWS_WITH_SYS_DHCP_CLIENT)
  function(lws_dhcpc_test name)
    lws_add_test(NAME ${name} ${ARGN})
    string(REPLACE "/" "-" exe "test-${name}")
    target_include_directories(${exe} PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
  endfunction()
  lws_dhcpc_test(unit/dhcpc SOURCES unit/test-dhcpc.c LABELS unit dhcpc
    TIMEOUT 60)
  lws_dhcpc_test(unit/dhcpc-uri SOURCES unit/test-dhcpc-uri.c LABELS unit dhcpc
    TIMEOUT 30)
  lws_dhcpc_test(integration/dhcpc-dnsmasq
    SOURCES integration/it-dhcpc-dnsmasq.c LABELS integration dhcpc
    TIMEOUT 120)
  lws_dhcpc_test(integration/dhcpc-hostile
    SOURCES integration/it-dhcpc-hostile.c LABELS integration dhcpc
    TIMEOUT 120)
  lws_dhcpc_test(integration/dhcpc-acd
    SOURCES integration/it-dhcpc-acd.c LABELS integration dhcpc
    TIMEOUT 120)
  lws_dhcpc_test(fuzz/dhcp4-packet SOURCES fuzz/fuzz-dhcp4-packet.c
    fuzz/replay-main.c
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/dhcp4-packet
    LABELS fuzz dhcpc TIMEOUT 60)
  # replay-main.c uses scandir()/alphasort(), outside strict C11.
  target_compile_definitions(test-fuzz-dhcp4-packet PRIVATE _DEFAULT_SOURCE)
  # The client's own tests once more under valgrind (leaks, invalid
  # accesses), the dnsmasq one included (dnsmasq itself is not traced).
  foreach(t unit-dhcpc integration-dhcpc-dnsmasq)
    lws_add_valgrind_test(NAME valgrind/${t} TARGET test-${t} LABELS dhcpc)
  endforeach()
  if(LWS_BUILD_FUZZERS AND CMAKE_C_COMPILER_ID MATCHES "Clang")
    # The codec and the core are compiled in again so libFuzzer sees their
    # coverage (the library itself is not instrumented).
    add_executable(fuzz-dhcp4-packet fuzz/fuzz-dhcp4-packet.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/dhcpc-codec.c
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient/dhcpc-core.c)
    target_compile_options(fuzz-dhcp4-packet PRIVATE -fsanitize=fuzzer,address)
    target_link_options(fuzz-dhcp4-packet PRIVATE -fsanitize=fuzzer,address)
    target_include_directories(fuzz-dhcp4-packet PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
    target_link_libraries(fuzz-dhcp4-packet PRIVATE lws-test-support)
  endif()
else()
  lws_add_test(NAME unit/dhcpc-stubs SOURCES unit/test-dhcpc-stubs.c
    LABELS unit dhcpc TIMEOUT 30)
endif()
