# SPDX-License-Identifier: MIT
add_executable(bench-attach attach.c)
target_link_libraries(bench-attach PRIVATE lws-system-static)
add_executable(bench-idle-heap idle-heap.c)
target_include_directories(bench-idle-heap PRIVATE ${LWS_PRIV_INCLUDE_DIRS})
target_link_libraries(bench-idle-heap PRIVATE lws-system-static)
if(LWS_WITH_SYS_SMD)
  add_executable(bench-smd smd.c)
  target_link_libraries(bench-smd PRIVATE lws-system-static)
endif()
# bench/soak's device: every helper, samples of RSS, fds, heap and timers.
if(LWS_WITH_SYS_DHCP_CLIENT AND LWS_WITH_SYS_NTPCLIENT AND
   LWS_WITH_SYS_ASYNC_DNS AND LWS_WITH_SYS_CPD)
  add_executable(bench-soak soak.c)
  target_include_directories(bench-soak PRIVATE ${LWS_PRIV_INCLUDE_DIRS})
  target_link_libraries(bench-soak PRIVATE lws-system-static)
  # The 2-minute soak, with the fault suite (label faults: the release build
  # of scripts/test runs it, the sanitizer builds do not).
  if(LWS_BUILD_TESTS AND NOT LWS_SANITIZE)
    add_test(NAME faults/soak-2min COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/soak
      --time 120 --sample 3 ${PROJECT_BINARY_DIR})
    math(EXPR to "300 * ${LWS_TEST_TIMEOUT_SCALE}")
    set_tests_properties(faults/soak-2min PROPERTIES TIMEOUT ${to}
      LABELS "faults;soak" SKIP_RETURN_CODE 77 RUN_SERIAL ON)
  endif()
endif()
