# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# IPv6 router-advertisement and DHCPv6 client sources (LWS_WITH_SYS_DHCP6); stubs when
# it is off.
if(LWS_WITH_SYS_DHCP6)
  target_sources(lws-system-pure PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ra6-codec.c
    ${CMAKE_CURRENT_LIST_DIR}/ra6-core.c
    ${CMAKE_CURRENT_LIST_DIR}/dhcp6-codec.c
    ${CMAKE_CURRENT_LIST_DIR}/dhcp6-core.c)
  target_sources(lws-system-obj PRIVATE
    ${PROJECT_SOURCE_DIR}/lib/plat/linux/icmp6-sock.c
    ${PROJECT_SOURCE_DIR}/lib/plat/linux/rtnetlink6.c
    ${CMAKE_CURRENT_LIST_DIR}/ra6-glue.c
    ${CMAKE_CURRENT_LIST_DIR}/dhcp6-glue.c)
  list(APPEND LWS_HELPER_PROTOCOLS lws__protocols_ra6)
else()
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ra6-stubs.c)
endif()
