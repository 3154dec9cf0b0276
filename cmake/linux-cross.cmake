# SPDX-License-Identifier: MIT
# Shared part of the toolchain files in this directory: cross-compiling for
# LWS_CROSS_TRIPLET with Debian's cross toolchain (gcc-<triplet>) and the
# multiarch -dev packages (libuv1-dev:<arch> ...); tests run under
# LWS_CROSS_QEMU (qemu-user).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${LWS_CROSS_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${LWS_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH /usr/${LWS_CROSS_TRIPLET} /usr/lib/${LWS_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# No "-L /usr/<triplet>" for qemu: the multiarch runtime libraries (libuv1
# and so libc6 of the target architecture) live in /lib/<triplet>, and the
# loader under /usr/<triplet> is the cross toolchain's older glibc build:
# mixing the two crashes every program in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR ${LWS_CROSS_QEMU})
# pkg-config: only the target's .pc files.
set(ENV{PKG_CONFIG_LIBDIR}
    /usr/lib/${LWS_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
