#!/usr/bin/env bash
# A bounded run of each fuzz target in fuzz/ (cargo fuzz, libFuzzer, the pinned nightly of the
# wasm bundles): the Zoom report reader, the joining form's and coordinators' form parsers,
# the email and name types. Any input that makes one panic is saved under
# fuzz/artifacts/<target>/ and fails the run; turn it into a unit test beside the parser.
#   scripts/test-fuzz.sh [seconds per target]     (default 20; `make test` uses the default)
# Sanitizer off: the targets are safe Rust, and libFuzzer's coverage guidance is what finds
# the panics (it also keeps the build to a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${1:-20}
toolchain=$(sed -n 's/^toolchain=//p' scripts/build-bundles.sh)
echo "==> Fuzz targets: building with $toolchain (about a minute the first time)"
cargo "+$toolchain" fuzz build --fuzz-dir fuzz --sanitizer none
# One target per core at a time: each libFuzzer run uses a single thread.
fuzz() {
  local target=$1 corpus="target/fuzz-corpus/$1" log="target/fuzz-$1.log" seeds=()
  mkdir -p "$corpus"
  [ "$target" = zoom_report ] && seeds=(app/tests/fixtures/zoom)
  cargo "+$toolchain" fuzz run --fuzz-dir fuzz --sanitizer none "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"$log" 2>&1
}
failed=()
for pair in "zoom_report joining_form" "coordinator_forms email_and_name"; do
  read -r first second <<<"$pair"
  echo "==> Fuzzing $first and $second for ${seconds}s"
  fuzz "$first" & one=$!
  fuzz "$second" & two=$!
  wait "$one" || failed+=("$first")
  wait "$two" || failed+=("$second")
  for target in $first $second; do
    echo "    $target:"
    grep -E '^stat::(number_of_executed_units|new_units_added)' "target/fuzz-$target.log" | sed 's/^/      /' || true
  done
done
for target in "${failed[@]}"; do
  tail -n 40 "target/fuzz-$target.log" >&2
  echo "FAILED: $target panicked (or could not run); the input is under fuzz/artifacts/$target/" >&2
done
[ ${#failed[@]} -eq 0 ] || exit 1
echo "Fuzz targets ran without a panic"
