# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# minimal-adns: resolve names from the command line and print the addresses.
if(LWS_WITH_SYS_ASYNC_DNS)
  add_executable(minimal-adns ${CMAKE_CURRENT_SOURCE_DIR}/minimal-adns.c)
  target_link_libraries(minimal-adns PRIVATE lws-system)
  if(LWS_WERROR)
    target_compile_options(minimal-adns PRIVATE -Wall -Wextra -Werror)
  endif()
  if(LWS_INSTALL)
    install(TARGETS minimal-adns RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()
