# SPDX-License-Identifier: MIT
# Core tests: context, state machine, attach queue, blobs, wsi, install.
lws_add_test(NAME unit/core SOURCES unit/test-core.c LABELS unit TIMEOUT 60)
lws_add_test(NAME unit/attach SOURCES unit/test-attach.c LABELS unit
  TIMEOUT 240)
