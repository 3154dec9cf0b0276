# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# lws_smd, the system message bus, or stubs when disabled.
if(LWS_WITH_SYS_SMD)
  target_sources(lws-system-obj PRIVATE ${CMAKE_CURRENT_LIST_DIR}/smd.c)
else()
  target_sources(lws-system-obj PRIVATE ${CMAKE_CURRENT_LIST_DIR}/smd-stubs.c)
endif()
