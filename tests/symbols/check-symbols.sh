#!/usr/bin/env bash
# The symbols libcrm.so exports are exactly the functions the public headers
# declare with CRM_EXTERN(...): nothing internal leaks out (every export is a
# crm_ function, no data), and nothing declared is missing.
#
#   tests/symbols/check-symbols.sh [BUILD_DIR]   (default: build)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
lib=$build/lib/libcrm.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ! -e $lib ]]; then
  echo "no $lib: the library did not build" >&2
  exit 1
fi

# Declared: `CRM_EXTERN(type) name(` in the headers, across line breaks,
# with comments and preprocessor lines removed first.
declared_functions() {
  local h
  for h in "$root"/include/crm/*.h "$root"/include/crm/sys/backend.h; do
    # -fpreprocessed: strip comments without expanding macros or includes.
    gcc -fpreprocessed -dD -E -P -x c "$h" 2>/dev/null | grep -v '^[[:space:]]*#'
  done | tr '\n' ' ' |
    grep -o 'CRM_EXTERN([^)]*)[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*(' |
    sed -E 's/^CRM_EXTERN\([^)]*\)[[:space:]]*([A-Za-z_][A-Za-z0-9_]*).*/\1/' |
    sort -u
}

# Exported: every defined dynamic symbol except the version node(s) (type A),
# with its version suffix removed, as "TYPE NAME".
nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $2, $3 }' |
  sort -u >"$tmp/exported-all"
awk '$1 == "T" { print $2 }' "$tmp/exported-all" | sort -u >"$tmp/exported"
declared_functions >"$tmp/declared"

indent() {
  sed 's/^/  /'
}

bad=0
if [[ ! -s "$tmp/declared" ]]; then
  echo "found no CRM_EXTERN declaration in include/: the header parsing is broken"
  bad=1
fi

leaks=$(awk '$1 != "T" || $2 !~ /^crm_/' "$tmp/exported-all")
if [[ -n $leaks ]]; then
  echo "exported symbols that are not crm_ functions (type name):"
  indent <<<"$leaks"
  bad=1
fi

undeclared=$(comm -23 "$tmp/exported" "$tmp/declared")
if [[ -n $undeclared ]]; then
  echo "exported but not declared with CRM_EXTERN in include/crm:"
  indent <<<"$undeclared"
  bad=1
fi

missing=$(comm -13 "$tmp/exported" "$tmp/declared")
if [[ -n $missing ]]; then
  echo "declared in include/crm but not exported by $lib (not implemented yet?):"
  indent <<<"$missing"
  bad=1
fi

if [[ $bad -eq 0 ]]; then
  echo "ok: $(wc -l <"$tmp/declared") functions declared and exported, nothing else exported"
fi
exit $bad
