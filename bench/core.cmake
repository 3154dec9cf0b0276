# SPDX-License-Identifier: MIT
add_executable(bench-attach attach.c)
target_link_libraries(bench-attach PRIVATE lws-system-static)
