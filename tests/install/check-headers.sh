#!/usr/bin/env bash
# Every public header compiles on its own (it includes what it uses) as C99
# and C11 with -pedantic -Wall -Wextra -Werror, and <crm.h> (plus the backend
# header) compiles as C++11 with the same strictness, using the initialiser
# macros the way a user does.
#
#   tests/install/check-headers.sh [INCLUDE_DIR]   (default: include/)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
incdir=${1:-$root/include}
CC=${CC:-cc}
CXX=${CXX:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

strict=(-pedantic -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow
  -Wundef -I "$incdir")
bad=0

# compile LABEL COMPILER ARGS... < SOURCE: compile stdin, report the outcome.
compile() {
  local label=$1
  shift
  if "$@" -o "$tmp/out.o" -c - 2>"$tmp/err"; then
    echo "ok      $label"
  else
    echo "FAILED  $label"
    sed 's/^/        /' "$tmp/err"
    bad=1
  fi
}

headers=(crm.h)
for h in "$incdir"/crm/*.h "$incdir"/crm/sys/*.h; do
  headers+=("${h#"$incdir"/}")
done

for h in "${headers[@]}"; do
  for std in c99 c11; do
    printf '#include <%s>\n#include <%s>\n' "$h" "$h" |
      compile "$h alone, -std=$std (included twice)" "$CC" -std="$std" "${strict[@]}" -x c
  done
done

# A C++ user: the umbrella header, the backend header, and every initialiser.
cxx_source() {
  cat <<'EOF'
#include <crm.h>
#include <crm/sys/backend.h>
int main()
{
  crm_open_options o = CRM_OPEN_OPTIONS_INIT;
  crm_interaction_spec i = CRM_INTERACTION_SPEC_INIT;
  crm_case_spec c = CRM_CASE_SPEC_INIT;
  crm_case_query q = CRM_CASE_QUERY_INIT;
  crm_timeline_query t = CRM_TIMELINE_QUERY_INIT;
  crm_customer_update_spec u = CRM_CUSTOMER_UPDATE_SPEC_INIT;
  crm_buf b = CRM_BUF_INIT;
  return (int)(o.version + i.version + c.version + q.version + t.version + u.version +
               b.size) + (CRM_CHECK_VERSION(0, 1, 0) ? 0 : 1);
}
EOF
}
for std in c++11 c++17; do
  cxx_source | compile "crm.h + crm/sys/backend.h as C++, -std=$std" \
    "$CXX" -std="$std" -pedantic -Wall -Wextra -Werror -I "$incdir" -x c++
done

# The same initialisers in C, where designated initialisers keep
# -Wmissing-field-initializers quiet.
for std in c99 c11; do
  cxx_source | sed 's/^int main()$/int main(void)/' |
    compile "initialiser macros, -std=$std" "$CC" -std="$std" "${strict[@]}" -x c
done

exit $bad
