# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# bench/dhcp: three DHCPv4 clients as processes (examples/minimal-dhcpc,
# busybox udhcpc, dhcpcd) against one dnsmasq in a private netns pair,
# process start -> address and DISCOVER -> ACK on the wire, Rapid Commit
# off and on.  Reuses the test support code, so it needs the tests and the
# examples built.  Run as root: ./bench-dhcp
if(LWS_WITH_SYS_DHCP_CLIENT AND TARGET lws-test-support AND
   TARGET minimal-dhcpc)
  add_executable(bench-dhcp ${CMAKE_CURRENT_SOURCE_DIR}/dhcp.c)
  target_compile_options(bench-dhcp PRIVATE ${LWS_TEST_WARN} ${LWS_SAN_FLAGS})
  target_compile_definitions(bench-dhcp PRIVATE _GNU_SOURCE
    LWS_BENCH_MINIMAL_DHCPC="$<TARGET_FILE:minimal-dhcpc>")
  target_include_directories(bench-dhcp PRIVATE
    ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
  target_link_libraries(bench-dhcp PRIVATE lws-test-support)
  add_dependencies(bench-dhcp minimal-dhcpc)
endif()
