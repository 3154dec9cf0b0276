# SPDX-License-Identifier: MIT
# Sourced by the install tests: installs build $1 under a fresh staging
# DESTDIR with prefix $2 and sets stage (removed on exit), root (the staged
# prefix) and lib (its library directory).
stage=$(mktemp -d "${TMPDIR:-/tmp}/lwst-install-XXXXXX")
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage cmake --install "$1" --prefix "$2" >/dev/null
root=$stage$2
lib=$(ls -d "$root"/lib*/ | head -n1)
