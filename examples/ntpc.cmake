# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# minimal-ntpc: one SNTP sync gating TIME_VALID.
if(LWS_WITH_SYS_NTPCLIENT)
  add_executable(minimal-ntpc ${CMAKE_CURRENT_SOURCE_DIR}/minimal-ntpc.c)
  target_link_libraries(minimal-ntpc PRIVATE lws-system)
  if(LWS_WERROR)
    target_compile_options(minimal-ntpc PRIVATE -Wall -Wextra -Werror)
  endif()
  if(LWS_INSTALL)
    install(TARGETS minimal-ntpc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()
