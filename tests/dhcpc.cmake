# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# DHCPv4 client tests: codec + core on a virtual clock (unit), the glue
# against a real dnsmasq and a hostile server of our own in network
# namespaces the tests create (integration, root), the codec fuzzer replay.
if(LWS_WITH_SYS_DHCP_CLIENT)
  function(lws_dhcpc_test name)
    lws_add_test(NAME ${name} ${ARGN})
    string(REPLACE "/" "-" exe "test-${name}")
    target_include_directories(${exe} PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/system/dhcpclient)
  endfunction()
  lws_dhcpc_test(unit/dhcpc SOURCES unit/test-dhcpc.c LABELS unit dhcpc
    TIMEOUT 60)
  lws_dhcpc_test(integration/dhcpc-dnsmasq
    SOURCES integration/it-dhcpc-dnsmasq.c LABELS integration dhcpc
    TIMEOUT 120)
  lws_dhcpc_test(integration/dhcpc-hostile
    SOURCES integration/it-dhcpc-hostile.c LABELS integration dhcpc
    TIMEOUT 120)
endif()
