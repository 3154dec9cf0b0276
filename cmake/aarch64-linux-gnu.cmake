# SPDX-License-Identifier: MIT
# Debian arm64: gcc-aarch64-linux-gnu, multiarch :arm64 -dev packages, qemu-aarch64.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LWS_CROSS_TRIPLET aarch64-linux-gnu)
set(LWS_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
