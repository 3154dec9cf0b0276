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
  if(LWS_WITH_SYS_DHCP6)
    # the same on an IPv6-only bed (scripts/demo --ipv6-only)
    add_test(NAME integration/bringup6 COMMAND
      ${CMAKE_CURRENT_SOURCE_DIR}/integration/it-bringup6.sh
      $<TARGET_FILE:lws-system-demo> ${PROJECT_SOURCE_DIR})
    math(EXPR to "150 * ${LWS_TEST_TIMEOUT_SCALE}")
    set_tests_properties(integration/bringup6 PROPERTIES TIMEOUT ${to}
      LABELS integration SKIP_RETURN_CODE 77 RUN_SERIAL ON)
  endif()
  # The fault suite (label faults): the release build runs it, the
  # sanitizer builds do not (scripts/test).
  math(EXPR to "240 * ${LWS_TEST_TIMEOUT_SCALE}")
  foreach(f bringup servers recovery lease dnshealth clock link relay)
    add_test(NAME faults/${f} COMMAND
      ${CMAKE_CURRENT_SOURCE_DIR}/faults/ft-${f}.sh
      $<TARGET_FILE:lws-system-demo> ${PROJECT_SOURCE_DIR})
    set_tests_properties(faults/${f} PROPERTIES TIMEOUT ${to}
      LABELS faults SKIP_RETURN_CODE 77 RUN_SERIAL ON)
  endforeach()
endif()
# Layering: no circle of files (but the vhost <-> wsi pair) and no call or
# include from a lower layer into a higher one (plat < core < system <
# helpers); the checker itself must see both in a small bad tree.
add_test(NAME layout/callgraph COMMAND ${PROJECT_SOURCE_DIR}/scripts/callgraph
  --check --allow-pair vhost.c:wsi.c ${PROJECT_SOURCE_DIR})
add_test(NAME layout/callgraph-catches COMMAND
  ${PROJECT_SOURCE_DIR}/scripts/callgraph ${CMAKE_CURRENT_SOURCE_DIR}/layout/bad)
set_tests_properties(layout/callgraph layout/callgraph-catches PROPERTIES
  TIMEOUT 60 LABELS "unit;layout")
set_tests_properties(layout/callgraph-catches PROPERTIES
  PASS_REGULAR_EXPRESSION "cycle: lib/system/a.c -> lib/system/b.c.*up-call: lib/core/low.c -> lib/system/a.c.*cycles >1 file: 1 .*up-calls: 1\n")
# Purity: the codecs and helper cores reference nothing outside the
# allowlist (no libuv, wsi, sul or glue).
add_test(NAME layout/pure-symbols COMMAND ${PROJECT_SOURCE_DIR}/scripts/pure-symbols
  ${CMAKE_CURRENT_SOURCE_DIR}/pure-allow.txt
  "$<JOIN:$<TARGET_OBJECTS:lws-system-pure>,;>" COMMAND_EXPAND_LISTS)
set_tests_properties(layout/pure-symbols PROPERTIES TIMEOUT 60
  LABELS "unit;layout")
# ... and the check sees a loop call when there is one (the runtime's own
# objects call libuv).
add_test(NAME layout/pure-symbols-catches COMMAND
  ${PROJECT_SOURCE_DIR}/scripts/pure-symbols
  ${CMAKE_CURRENT_SOURCE_DIR}/pure-allow.txt
  "$<JOIN:$<TARGET_OBJECTS:lws-system-obj>,;>" COMMAND_EXPAND_LISTS)
set_tests_properties(layout/pure-symbols-catches PROPERTIES TIMEOUT 60
  LABELS "unit;layout"
  PASS_REGULAR_EXPRESSION "not allowed in a pure object: uv_[a-z_]+")
