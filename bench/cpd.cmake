# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# bench/cpd: one captive-portal check over HTTP and HTTPS against a real
# nginx on loopback, versus a bare blocking client (sockets / mbedTLS) in
# the same run.  Reuses the test support code, so it needs the tests built.
# Run: ./bench-cpd [runs]
if(LWS_WITH_SYS_CPD AND TARGET lws-test-support)
  add_executable(bench-cpd ${CMAKE_CURRENT_SOURCE_DIR}/cpd.c)
  target_compile_options(bench-cpd PRIVATE ${LWS_TEST_WARN} ${LWS_SAN_FLAGS})
  target_include_directories(bench-cpd PRIVATE ${MBEDTLS_INCLUDE_DIR})
  target_link_libraries(bench-cpd PRIVATE lws-test-support ${MBEDTLS_LIB}
    ${MBEDX509_LIB} ${MBEDCRYPTO_LIB})
endif()
