# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# SNTP client tests: codec + core (unit), the glue against a real chronyd
# and a hostile in-process server (integration), the packet fuzzer replay.
if(LWS_WITH_SYS_NTPCLIENT)
  lws_add_test(NAME unit/ntpc SOURCES unit/test-ntpc.c LABELS unit ntpc
    TIMEOUT 30)
endif()
