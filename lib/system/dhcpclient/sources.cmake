# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# DHCPv4 client sources (LWS_WITH_SYS_DHCP_CLIENT); stubs when it is off.
if(LWS_WITH_SYS_DHCP_CLIENT)
  target_sources(lws-system-pure PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/dhcpc-codec.c
    ${CMAKE_CURRENT_LIST_DIR}/dhcpc-core.c)
  target_sources(lws-system-obj PRIVATE
    ${PROJECT_SOURCE_DIR}/lib/plat/linux/packet-sock.c
    ${PROJECT_SOURCE_DIR}/lib/plat/linux/rtnetlink.c
    ${CMAKE_CURRENT_LIST_DIR}/dhcpc-glue.c
    ${CMAKE_CURRENT_LIST_DIR}/dhcpc-io.c)
  list(APPEND LWS_HELPER_PROTOCOLS lws__protocols_dhcpc)
else()
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/dhcpc-stubs.c)
endif()
