# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# Async DNS helper: codec, cache, core and the transport, or stubs when disabled.
if(LWS_WITH_SYS_ASYNC_DNS)
  target_sources(lws-system-pure PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/adns-codec.c
    ${CMAKE_CURRENT_LIST_DIR}/adns-cache.c
    ${CMAKE_CURRENT_LIST_DIR}/adns-core.c)
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/adns-udp.c
    ${CMAKE_CURRENT_LIST_DIR}/adns-servers.c
    ${CMAKE_CURRENT_LIST_DIR}/adns-glue.c
    ${PROJECT_SOURCE_DIR}/lib/core/fdset.c
    ${PROJECT_SOURCE_DIR}/lib/plat/linux/pollset.c)
  list(APPEND LWS_HELPER_PROTOCOLS lws__protocols_adns)
else()
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/adns-stubs.c)
endif()
