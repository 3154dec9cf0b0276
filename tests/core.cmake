# SPDX-License-Identifier: MIT
# Core tests: context, state machine, attach queue, blobs, wsi, install.
lws_add_test(NAME unit/core SOURCES unit/test-core.c LABELS unit TIMEOUT 60)
lws_add_test(NAME unit/destroy-in-callback
  SOURCES unit/test-destroy-in-callback.c LABELS unit TIMEOUT 60)
lws_add_test(NAME unit/attach SOURCES unit/test-attach.c LABELS unit
  TIMEOUT 240)
if(LWS_INSTALL AND NOT LWS_SANITIZE)
  add_test(NAME install/consumers COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/run.sh
    ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(install/consumers PROPERTIES TIMEOUT 180 LABELS install)
endif()
lws_add_valgrind_test(NAME valgrind/core TARGET test-unit-core)
add_test(NAME docs/readme-snippets COMMAND
  ${CMAKE_CURRENT_SOURCE_DIR}/install/readme-snippets.sh ${PROJECT_SOURCE_DIR}
  ${PROJECT_BINARY_DIR})
set_tests_properties(docs/readme-snippets PROPERTIES TIMEOUT 60 LABELS docs)
if(TARGET lws-system-demo AND LWS_WITH_SYS_DHCP_CLIENT AND LWS_WITH_SYS_NTPCLIENT
   AND LWS_WITH_SYS_ASYNC_DNS AND LWS_WITH_SYS_CPD)
  add_test(NAME integration/bringup COMMAND
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/it-bringup.sh
    $<TARGET_FILE:lws-system-demo> ${PROJECT_SOURCE_DIR})
  math(EXPR to "90 * ${LWS_TEST_TIMEOUT_SCALE}")
  set_tests_properties(integration/bringup PROPERTIES TIMEOUT ${to}
    LABELS integration SKIP_RETURN_CODE 77 RUN_SERIAL ON)
endif()
