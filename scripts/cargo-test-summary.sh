#!/usr/bin/env bash
# Runs `cargo test` with the given arguments, passes its output through, and closes with one
# line totalling every test binary's results: "N passed, N failed, N skipped".
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
awk '/^test result:/ {
       for (i = 1; i <= NF; i++) {
         if ($(i+1) ~ /^passed;?$/) p += $i
         if ($(i+1) ~ /^failed;?$/) f += $i
         if ($(i+1) ~ /^ignored;?$/) s += $i
       }
     }
     END { printf "\ntests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
