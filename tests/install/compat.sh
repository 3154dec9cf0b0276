#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a staging prefix and builds the lws v5.0-style
# program against it with pkg-config (only the include differs from lws
# code), then runs it with the installed shared library.
set -euo pipefail
build=$1 src=$2
# shellcheck source=stage.sh
. "$src/tests/install/stage.sh" "$build" /opt/lws-system-compat
sed "s|^prefix=.*|prefix=$root|" "$lib/pkgconfig/lws-system.pc" \
  > "$stage/lws-system.pc"
export PKG_CONFIG_PATH=$stage
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pthread -o "$stage/lws-v5-compat" \
  "$src/tests/install/compat/lws-v5-compat.c" \
  $(pkg-config --cflags --libs lws-system)
cd / && LD_LIBRARY_PATH=$lib "$stage/lws-v5-compat"
