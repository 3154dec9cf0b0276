#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a staging DESTDIR, then builds and runs a consumer
# with find_package (shared and static) and with pkg-config.
set -euo pipefail
build=$1 src=$2
prefix=/opt/lws-system-test
# shellcheck source=stage.sh
. "$src/tests/install/stage.sh" "$build" "$prefix"

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

# The installed demo runs from the prefix with no LD_LIBRARY_PATH and no
# ldconfig: its $ORIGIN-relative run path finds the installed library (the
# build tree is not on its path: run from /, without the build's RUNPATH).
demo=$root/bin/lws-system-demo
if [ -x "$demo" ]; then
  readelf -d "$demo" | grep -q 'R.*PATH.*\$ORIGIN/\.\./lib' ||
    { echo "installed demo has no \$ORIGIN run path"; readelf -d "$demo"; exit 1; }
  if readelf -d "$demo" | grep -F -q "$build"; then
    echo "installed demo's run path names the build tree"; exit 1
  fi
  rc=0
  out=$(cd / && env -u LD_LIBRARY_PATH "$demo" --timeout 1 --ntp 127.0.0.1 \
        --dns 127.0.0.1 2>&1) || rc=$?
  # 2 = "no OPERATIONAL before the timeout" (no NTP server here), 0 when
  # built without the NTP client; 127 would be the loader failing to find
  # the library.
  if { [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; } ||
     ! grep -q "start .*lws-system" <<<"$out"; then
    echo "installed demo failed (rc $rc):"; echo "$out"; exit 1
  fi
  echo "installed demo runs from $prefix (\$ORIGIN run path)"
fi
echo "install consumers: find_package shared+static, pkg-config shared+static OK"
