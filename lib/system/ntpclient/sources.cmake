# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# SNTP client sources.  The build time (honouring SOURCE_DATE_EPOCH) is the
# default time floor.
if(LWS_WITH_SYS_NTPCLIENT)
  target_sources(lws-system-pure PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-codec.c
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-core.c)
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-glue.c
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-servers.c
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-dns.c
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-stamp.c
    ${PROJECT_SOURCE_DIR}/lib/plat/linux/clock-set.c)
  string(TIMESTAMP LWS_NTPC_BUILD_EPOCH "%s" UTC)
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/ntpc-glue.c
    PROPERTIES COMPILE_DEFINITIONS LWS_NTPC_BUILD_EPOCH=${LWS_NTPC_BUILD_EPOCH})
  list(APPEND LWS_HELPER_PROTOCOLS lws__protocols_ntpc)
else()
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ntpc-stubs.c)
endif()
