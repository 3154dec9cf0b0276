# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The lws-system authors
# Async DNS tests: codec/cache/core unit tests, integration against a real
# dnsmasq and a hostile in-process server, fuzz corpus replays.
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME integration/adns SOURCES integration/it-adns.c
    LABELS integration adns TIMEOUT 60)
endif()
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME integration/adns-hostile
    SOURCES integration/it-adns-hostile.c LABELS integration adns TIMEOUT 60)
endif()
if(LWS_WITH_SYS_ASYNC_DNS)
  lws_add_test(NAME unit/adns SOURCES unit/test-adns.c LABELS unit adns
    TIMEOUT 60)
endif()
