# SPDX-License-Identifier: MIT
add_executable(bench-attach attach.c)
target_link_libraries(bench-attach PRIVATE lws-system-static)
add_executable(bench-idle-heap idle-heap.c)
target_include_directories(bench-idle-heap PRIVATE ${LWS_PRIV_INCLUDE_DIRS})
target_link_libraries(bench-idle-heap PRIVATE lws-system-static)
