# SPDX-License-Identifier: MIT
# Captive-portal detection: the CPD API, the built-in HTTP/HTTPS probe, the
# HTTP client codec and the mbedTLS client.  Without LWS_WITH_SYS_CPD only
# stubs are compiled (the public functions report -ENOTSUP / UNKNOWN).
if(LWS_WITH_SYS_CPD)
  target_sources(lws-system-pure PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/cpd-core.c
    ${CMAKE_CURRENT_LIST_DIR}/cpd-he.c
    ${CMAKE_CURRENT_LIST_DIR}/cpd-codec.c)
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/cpd-glue.c
    ${CMAKE_CURRENT_LIST_DIR}/cpd-probe.c
    ${CMAKE_CURRENT_LIST_DIR}/cpd-tls.c)
  if(LWS_WITH_SYS_CPD_CAPPORT_API)
    target_sources(lws-system-pure PRIVATE
      ${CMAKE_CURRENT_LIST_DIR}/cpd-capport.c)
    target_sources(lws-system-obj PRIVATE
      ${CMAKE_CURRENT_LIST_DIR}/cpd-capport-fetch.c)
  endif()
  list(APPEND LWS_HELPER_PROTOCOLS lws__protocols_cpd)
else()
  target_sources(lws-system-obj PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/cpd-stubs.c)
endif()
