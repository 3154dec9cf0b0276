# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# minimal-cpd: the state ladder with captive-portal detection configured.
if(LWS_WITH_SYS_CPD)
  add_executable(minimal-cpd ${CMAKE_CURRENT_SOURCE_DIR}/minimal-cpd.c)
  target_link_libraries(minimal-cpd PRIVATE lws-system)
  if(LWS_WERROR)
    target_compile_options(minimal-cpd PRIVATE -Wall -Wextra -Werror)
  endif()
  if(LWS_INSTALL)
    install(TARGETS minimal-cpd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()
