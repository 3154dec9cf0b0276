# SPDX-License-Identifier: MIT
# Fault injection (LWS_WITH_FI, label fi): the rules and the core's points
# (unit/fi), and each helper's points against real servers on loopback or
# in namespaces (integration/fi-*).  Without the option there are no
# fault points, and nothing here is built.
if(LWS_WITH_FI)
  lws_add_test(NAME unit/fi SOURCES unit/test-fi.c LABELS "unit;fi" TIMEOUT 60)
endif()
if(LWS_WITH_FI AND LWS_WITH_SYS_NTPCLIENT)
  lws_add_test(NAME integration/fi-ntpc SOURCES integration/it-fi-ntpc.c
    LABELS "integration;fi" TIMEOUT 60)
endif()
if(LWS_WITH_FI AND LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME integration/fi-adns SOURCES integration/it-fi-adns.c
    LABELS "integration;fi" TIMEOUT 60)
endif()
if(LWS_WITH_FI AND LWS_WITH_SYS_DHCP_CLIENT)
  lws_add_test(NAME integration/fi-dhcpc SOURCES integration/it-fi-dhcpc.c
    LABELS "integration;fi" TIMEOUT 120)
endif()
# Every point has a call site, its documentation and a test.
add_test(NAME layout/fi-points COMMAND ${PROJECT_SOURCE_DIR}/scripts/fi-points
  ${PROJECT_SOURCE_DIR})
set_tests_properties(layout/fi-points PROPERTIES TIMEOUT 60
  LABELS "unit;layout;fi")
