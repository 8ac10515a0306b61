#!/usr/bin/env bash
# Install a build into a temporary directory and use it the way a user's
# program does: compile tests/install/app.c against the installed headers with
# `pkg-config --cflags --libs libcrm` only, run it, and check what was
# installed (headers, the .pc file, the shared library and its links).
#
#   tests/install/check-install.sh [BUILD_DIR]   (default: build)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

meson install -C "$build" --no-rebuild --quiet --destdir "$dest"

# Where meson put things: <dest><prefix>/<libdir>/pkgconfig/libcrm.pc.
pc=$(find "$dest" -name libcrm.pc -path '*/pkgconfig/*' | head -n 1)
if [[ -z $pc ]]; then
  echo "libcrm.pc was not installed" >&2
  exit 1
fi
prefix=$(sed -n 's/^prefix=//p' "$pc")

# The .pc file names the real prefix; point it at the staging directory
# (the only change: the rest of the file is used as installed).
mkdir -p "$tmp/pkgconfig"
sed "s|^prefix=.*|prefix=$dest$prefix|" "$pc" >"$tmp/pkgconfig/libcrm.pc"
export PKG_CONFIG_PATH=$tmp/pkgconfig

bad=0
require() {
  if [[ ! -e $1 ]]; then
    echo "not installed: ${1#"$dest"}"
    bad=1
  fi
}
includedir=$(pkg-config --variable=includedir libcrm)
libdir=$(pkg-config --variable=libdir libcrm)
require "$includedir/crm.h"
for h in "$root"/include/crm/*.h "$root"/include/crm/sys/*.h; do
  require "$includedir/${h#"$root"/include/}"
done
for so in libcrm.so libcrm.so.0; do
  require "$libdir/$so"
done
if [[ -n $(find "$includedir" -name '*.h' -exec grep -lE '#include <(glib|sqlite3|json-glib|libpq)' {} +) ]]; then
  echo "an installed header includes a third-party header"
  bad=1
fi

read -r -a flags <<<"$(pkg-config --cflags --libs libcrm)"
echo "pkg-config --cflags --libs libcrm: ${flags[*]}"
"$CC" -std=c99 -pedantic -Wall -Wextra -Werror -o "$tmp/app" "$root/tests/install/app.c" \
  "${flags[@]}"

# Run it against the installed library (not the build tree's).
LD_LIBRARY_PATH=$libdir "$tmp/app" "$tmp/app.db"
resolved=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/app" | awk '/libcrm\.so/ { print $3 }')
if [[ $resolved != "$libdir"/* ]]; then
  echo "the app ran with $resolved, not the installed library in $libdir"
  bad=1
fi

exit $bad
