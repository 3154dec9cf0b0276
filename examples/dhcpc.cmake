# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# minimal-dhcpc: the DHCPv4 client on one interface, printing each change.
if(LWS_WITH_SYS_DHCP_CLIENT)
  add_executable(minimal-dhcpc ${CMAKE_CURRENT_SOURCE_DIR}/minimal-dhcpc.c)
  target_link_libraries(minimal-dhcpc PRIVATE lws-system)
  if(LWS_WERROR)
    target_compile_options(minimal-dhcpc PRIVATE -Wall -Wextra -Werror)
  endif()
  if(LWS_INSTALL)
    install(TARGETS minimal-dhcpc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()
