# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# SNTP client tests: codec + core (unit), the glue in a real context against
# an in-process server (unit), a real chronyd and a hostile server
# (integration), the packet fuzzer's corpus replay.
if(LWS_WITH_SYS_NTPCLIENT)
  lws_add_test(NAME unit/ntpc SOURCES unit/test-ntpc.c LABELS unit ntpc
    TIMEOUT 30)
  lws_add_test(NAME unit/ntpc-glue SOURCES unit/test-ntpc-glue.c
    LABELS unit ntpc TIMEOUT 90)
  lws_add_test(NAME integration/ntpc-chronyd
    SOURCES integration/it-ntpc-chronyd.c LABELS integration ntpc
    TIMEOUT 120)
  lws_add_test(NAME integration/ntpc-hostile
    SOURCES integration/it-ntpc-hostile.c LABELS integration ntpc
    TIMEOUT 60)
endif()
