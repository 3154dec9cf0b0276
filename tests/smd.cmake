# SPDX-License-Identifier: MIT
# lws_smd and the lws v4.4-v5.0 API surface: unit tests (threads, overflow,
# TTL, unregister inside delivery) and lws_service() timeouts.
if(LWS_WITH_SYS_SMD)
  lws_add_test(NAME unit/smd SOURCES unit/test-smd.c LABELS "unit;smd"
    TIMEOUT 120)
  lws_add_valgrind_test(NAME valgrind/smd TARGET test-unit-smd LABELS smd)
endif()
lws_add_test(NAME unit/service SOURCES unit/test-service.c LABELS unit
  TIMEOUT 60)
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME unit/adns-api44 SOURCES unit/test-adns-api44.c
    LABELS "unit;adns" TIMEOUT 60)
endif()
if(LWS_INSTALL AND NOT LWS_SANITIZE AND LWS_WITH_SYS_SMD AND
   LWS_WITH_SYS_ASYNC_DNS)
  add_test(NAME install/compat COMMAND
    ${CMAKE_CURRENT_SOURCE_DIR}/install/compat.sh ${PROJECT_BINARY_DIR}
    ${PROJECT_SOURCE_DIR})
  set_tests_properties(install/compat PROPERTIES TIMEOUT 120 LABELS install)
endif()
if(LWS_WITH_SYS_SMD AND LWS_WITH_SYS_DHCP_CLIENT)
  lws_add_test(NAME integration/smd-net SOURCES integration/it-smd-net.c
    LABELS "integration;smd" TIMEOUT 120)
endif()
if(LWS_WITH_SYS_SMD AND LWS_WITH_SYS_NTPCLIENT)
  lws_add_test(NAME integration/smd-ntp SOURCES integration/it-smd-ntp.c
    LABELS "integration;smd" TIMEOUT 60)
endif()
