#!/usr/bin/env bash
# ABI check: build the last release (the newest tag v<digits>...) beside the
# current build and compare the two libcrm.so with abidiff (abigail-tools),
# looking only at the types of the public headers. Added functions, and
# fields appended to versioned structs, are fine; any other change (a removed
# function, a changed signature or public type) fails. With no release tag yet
# (or no git history, as in a shallow CI clone) there is nothing to compare:
# exit 77 (skipped).
#
#   tests/symbols/check-abi.sh [BUILD_DIR]   (default: build)
#   CRM_ABI_BASELINE=<git ref>               compare against this ref instead
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
new_lib=$build/lib/libcrm.so

if ! command -v abidiff >/dev/null 2>&1; then
  echo "abidiff not found (Debian package abigail-tools): skipped"
  exit 77
fi
baseline=${CRM_ABI_BASELINE:-}
if [[ -z $baseline ]]; then
  baseline=$(git -C "$root" describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || true)
fi
if [[ -z $baseline ]]; then
  echo "no release tag (v*) to compare against yet: skipped"
  exit 77
fi

if [[ ! -e $new_lib ]]; then
  echo "no $new_lib: the library did not build" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Read the baseline's tree out of git without touching the working tree.
echo "baseline: $baseline ($(git -C "$root" rev-parse --short "$baseline^{commit}"))"
mkdir "$tmp/src"
git -C "$root" archive --format=tar "$baseline" | tar -x -C "$tmp/src"
meson setup "$tmp/build" "$tmp/src" --buildtype=debugoptimized >"$tmp/setup.log" 2>&1 || {
  cat "$tmp/setup.log"
  exit 1
}
meson compile -C "$tmp/build" lib/crm:shared_library >"$tmp/compile.log" 2>&1 || {
  tail -n 50 "$tmp/compile.log"
  exit 1
}
old_lib=$(find "$tmp/build/lib" -maxdepth 1 -type f -name 'libcrm.so*' | head -n 1)
if [[ -z $old_lib ]]; then
  echo "the baseline's libcrm.so was not built"
  exit 1
fi

# Judge abidiff's report line by line: only the lines below may appear,
# i.e. added functions (not even listed, --no-added-syms), and fields
# appended to a versioned struct (options, specs, queries, results, stats,
# params, ops: the caller sets `version` and the library reads only that
# version's fields, STYLE.md "Options and ABI"). Anything else (a removed
# function, a changed parameter, return or field type, a field inserted in
# the middle, a grown struct that is not versioned) is a break. Enumerators
# added at the end are filtered by abidiff itself.
judge_report() {
  awk '
    function fail(why) { print "ABI break: " why ": " $0; bad = 1 }
    { line = $0; sub(/^[ \t]+/, "", line) }
    line == "" { next }
    line ~ /^(Functions|Variables) changes summary: 0 Removed, / { next }
    line ~ /^(Function|Variable) symbols changes summary: 0 Removed/ { next }
    line ~ /^[0-9]+ functions? with some indirect sub-type changes?:$/ { next }
    line ~ /^\[C\] .function .* has some indirect sub-type changes:$/ { next }
    line ~ /^parameter [0-9]+ of type .* has sub-type changes:$/ { next }
    line ~ /^in (pointed to|unqualified underlying|referenced) type / ||
    line ~ /^underlying type .* changed:$/ {
      # Remember which type the following lines are about.
      name = line
      sub(/^[^\047]*\047/, "", name); sub(/\047.*$/, "", name)
      gsub(/(const|struct|typedef|union|volatile) /, "", name); gsub(/[ *]/, "", name)
      next
    }
    line ~ /^type size changed from [0-9]+ to [0-9]+ \(in bits\)$/ ||
    line ~ /^[0-9]+ data member insertions?:$/ ||
    line ~ /^\047.*\047, at offset [0-9]+ \(in bits\) at / {
      if (name !~ /^crm_[a-z0-9_]*_(options|spec|query|result|stats|params|ops)$/)
        fail("grown type " name " is not a versioned struct")
      next
    }
    line ~ /^no data member changes? \([0-9]+ filtered\);?$/ { next }
    { fail("not a compatible change") }
    END { exit bad }
  '
}

rc=0
abidiff --no-added-syms \
  --headers-dir1 "$tmp/src/include" --headers-dir2 "$root/include" \
  "$old_lib" "$(readlink -f "$new_lib")" >"$tmp/report" || rc=$?
cat "$tmp/report"

# abidiff's status is a bit mask: 1 error, 2 usage error, 4 ABI change,
# 8 incompatible ABI change.
if ((rc & 3)); then
  echo "abidiff could not compare the libraries (status $rc)"
  exit 1
fi
if ((rc & 8)) || ! judge_report <"$tmp/report"; then
  echo "ABI change against $baseline (see above): keep published signatures and"
  echo "types; add _ext functions or append fields to versioned structs instead"
  exit 1
fi
echo "ok: the ABI is compatible with $baseline"
