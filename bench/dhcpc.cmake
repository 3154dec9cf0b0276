# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# bench/dhcp: link up -> BOUND against a real dnsmasq in a private netns
# pair, versus busybox udhcpc in the same run, plus Rapid Commit,
# INIT-REBOOT on a link flap and the cost of RFC 5227 ACD.  Reuses the
# test support code, so it needs the tests built.  Run as root: ./bench-dhcp
if(LWS_WITH_SYS_DHCP_CLIENT AND TARGET lws-test-support)
  add_executable(bench-dhcp ${CMAKE_CURRENT_SOURCE_DIR}/dhcp.c)
  target_compile_options(bench-dhcp PRIVATE ${LWS_TEST_WARN} ${LWS_SAN_FLAGS})
  target_compile_definitions(bench-dhcp PRIVATE _GNU_SOURCE)
  target_include_directories(bench-dhcp PRIVATE
    ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
  target_link_libraries(bench-dhcp PRIVATE lws-test-support)
endif()
