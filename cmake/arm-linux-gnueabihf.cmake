# SPDX-License-Identifier: MIT
# Debian armhf: gcc-arm-linux-gnueabihf, multiarch :armhf -dev packages, qemu-arm.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(LWS_CROSS_TRIPLET arm-linux-gnueabihf)
set(LWS_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
