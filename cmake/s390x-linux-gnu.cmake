# SPDX-License-Identifier: MIT
# Debian s390x: gcc-s390x-linux-gnu, multiarch :s390x -dev packages, qemu-s390x.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(LWS_CROSS_TRIPLET s390x-linux-gnu)
set(LWS_CROSS_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
