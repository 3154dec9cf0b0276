# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# bench/ntp: SNTP client accuracy against a reference client and
# trigger -> validated sync latency, both against a real chronyd.  It
# reuses the test support code (chronyd in a private netns), so it needs
# the tests to be built.  Run as root: ./bench-ntp
if(LWS_WITH_SYS_NTPCLIENT AND TARGET lws-test-support)
  add_executable(bench-ntp ${CMAKE_CURRENT_SOURCE_DIR}/ntp.c)
  target_compile_options(bench-ntp PRIVATE ${LWS_TEST_WARN} ${LWS_SAN_FLAGS})
  target_link_libraries(bench-ntp PRIVATE lws-test-support)
endif()
