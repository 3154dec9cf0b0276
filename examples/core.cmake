# SPDX-License-Identifier: MIT
# The device bring-up demo (the README's first command runs it).
add_executable(lws-system-demo lws-system-demo.c)
target_link_libraries(lws-system-demo PRIVATE lws-system)
# Installed, it finds the installed library from any prefix (no ldconfig,
# no LD_LIBRARY_PATH): its run path is relative to its own location.
set_target_properties(lws-system-demo PROPERTIES
  INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
if(LWS_INSTALL)
  install(TARGETS lws-system-demo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
