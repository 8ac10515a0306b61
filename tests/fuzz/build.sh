#!/usr/bin/env bash
# Build the libFuzzer target tests/fuzz/fuzz_mail.c with clang
# (-fsanitize=fuzzer,address,undefined) against a static, sanitized libcrm,
# then fuzz crm_mail_ingest for SECONDS seconds starting from the corpus
# tests/data/mail (copied: new inputs never land in the source tree).
#
#   tests/fuzz/build.sh [SECONDS] [BUILD_DIR]     (defaults: 60, build-fuzz)
#
# Exit status: 0 when the time ran out without a finding, 77 when clang or
# its libFuzzer runtime is missing (skipped), anything else on a crash, a
# sanitizer report or a broken promise (the reproducer is left in BUILD_DIR).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
build=${2:-$root/build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac

if ! command -v clang >/dev/null; then
  echo "clang not found: fuzzing skipped" >&2
  exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
  >"$probe/probe.c"
if ! clang -fsanitize=fuzzer "$probe/probe.c" -o "$probe/probe" 2>/dev/null; then
  echo "clang has no libFuzzer runtime: fuzzing skipped" >&2
  exit 77
fi

if [[ ! -f $build/build.ninja ]]; then
  CC=clang meson setup "$build" "$root" \
    -Ddefault_library=static -Dtests=false -Dpostgresql=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fsanitize=fuzzer-no-link
fi
ninja -C "$build" lib/libcrm.a

deps=(sqlite3 glib-2.0 json-glib-1.0 gmime-3.0 libxml-2.0)
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -I"$root/include" \
  "$root/tests/fuzz/fuzz_mail.c" "$build/lib/libcrm.a" \
  $(pkg-config --libs "${deps[@]}") -lm -o "$build/fuzz_mail"

corpus=$build/fuzz-corpus
mkdir -p "$corpus"
cp "$root"/tests/data/mail/*.eml "$corpus/"

cd "$build"
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ./fuzz_mail -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=4096 \
  -timeout=30 -print_final_stats=1 "$corpus"
