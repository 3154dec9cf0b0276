#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Compiles every ```c block of README.md against the headers, so the
# examples there cannot drift from the API.
set -euo pipefail
src=$1 build=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/lwst-readme-XXXXXX")
trap 'rm -rf "$work"' EXIT
awk -v dir="$work" '
  /^```c$/ {n++; f=sprintf("%s/snippet-%02d.c", dir, n); inblk=1; next}
  /^```/ {inblk=0; next}
  inblk {print > f}' "$src/README.md"
count=0
# A block with #include is a whole file; any other block is a fragment and
# is compiled inside a function that has `info` and `cx` in scope.
for f in "$work"/snippet-*.c; do
  [ -e "$f" ] || continue
  if ! grep -q '#include' "$f"; then
    { printf '#include <lws-system.h>\n#include <string.h>\n#include <arpa/inet.h>\n'
      printf 'void snippet(struct lws_context *cx);\n'
      printf 'void snippet(struct lws_context *cx)\n{\n'
      printf 'struct lws_context_creation_info info;\n'
      printf 'memset(&info, 0, sizeof(info));\n'
      cat "$f"
      printf '(void)cx;\n(void)info;\n}\n'; } > "$f.frag.c"
    mv "$f.frag.c" "$f"
  fi
  cc -std=c11 -Wno-unused-variable -Wno-unused-but-set-variable -D_GNU_SOURCE -Wall -Wextra -Werror -c -I"$src/include" \
    -I"$build/include" "$f" -o "$f.o"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "no C snippets found in README.md"; exit 1; }
echo "README.md: $count C snippet(s) compile"
