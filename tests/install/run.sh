#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a staging DESTDIR, then builds and runs a consumer
# with find_package (shared and static) and with pkg-config.
set -euo pipefail
build=$1 src=$2
stage=$(mktemp -d "${TMPDIR:-/tmp}/lwst-install-XXXXXX")
trap 'rm -rf "$stage"' EXIT
prefix=/opt/lws-system-test

DESTDIR=$stage cmake --install "$build" --prefix "$prefix" >/dev/null
root=$stage$prefix
lib=$(ls -d "$root"/lib*/ | head -n1)

cmake -S "$src/tests/install/consumer" -B "$stage/consumer" \
  -DCMAKE_PREFIX_PATH="$root" >/dev/null
cmake --build "$stage/consumer" >/dev/null
LD_LIBRARY_PATH=$lib "$stage/consumer/consumer-shared"
"$stage/consumer/consumer-static"

# pkg-config: rewrite the prefix to the staging area.
sed "s|^prefix=.*|prefix=$root|" "$lib/pkgconfig/lws-system.pc" \
  > "$stage/lws-system.pc"
export PKG_CONFIG_PATH=$stage
# shellcheck disable=SC2046
cc -o "$stage/consumer-pc" "$src/tests/install/consumer/main.c" \
  $(pkg-config --cflags --libs lws-system)
LD_LIBRARY_PATH=$lib "$stage/consumer-pc"
# shellcheck disable=SC2046
cc -o "$stage/consumer-pc-static" "$src/tests/install/consumer/main.c" \
  $(pkg-config --static --cflags lws-system) "$lib/liblws-system.a" \
  $(pkg-config --static --libs-only-l lws-system | sed 's/-llws-system//')
"$stage/consumer-pc-static"
echo "install consumers: find_package shared+static, pkg-config shared+static OK"
