# SPDX-License-Identifier: MIT
# The device bring-up demo (the README's first command runs it).
add_executable(lws-system-demo lws-system-demo.c)
target_link_libraries(lws-system-demo PRIVATE lws-system)
if(LWS_INSTALL)
  install(TARGETS lws-system-demo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
