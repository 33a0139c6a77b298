#!/usr/bin/env bash
# Builds each page group's own wasm bundle into target/site/pkg, beside the full wasm that
# `cargo leptos build --release` makes (run it first: it empties target/site). A bundle holds
# only its group's islands (app/build.rs): `site` for most pages, `join` for the joining form,
# `tasters` for the calendar and a session's page. The server picks a page's bundle
# (app/src/bundles.rs) and falls back to the full wasm for any bundle not built here.
#
# The bundles are built with a pinned nightly that rebuilds std for size and drops panic
# messages and debug formatting (a panic stops the island with "unreachable" in the console,
# nothing more): about 15 % smaller than the same code on stable. scripts/install-tools.sh
# installs it. Output: enrol-<group>.<hash>.{js,wasm} with .br and .gz copies, and
# hash-<group>.txt beside the server binary, as cargo-leptos does for the full wasm.
set -euo pipefail

toolchain=nightly-2026-05-20

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
pkg=target/site/pkg
server_dir=target/release
work=target/bundles
if [ ! -d "$pkg" ]; then
  echo "build-bundles: $pkg is missing; run 'cargo leptos build --release' first" >&2
  exit 1
fi
mkdir -p "$work/out" "$server_dir"

for group in site join tasters; do
  started=$(date +%s)
  echo "==> wasm bundle '$group'"
  # The same cfg as .cargo/config.toml (RUSTFLAGS replaces that file's flags).
  RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" \
    cargo "+$toolchain" build --quiet -p frontend --lib --features "bundle-$group" \
    --target wasm32-unknown-unknown --profile wasm-bundle -Zbuild-std=std,panic_abort --target-dir "$work"
  name="enrol-$group"
  out="$work/out/$group"
  rm -rf "$out"
  wasm-bindgen --target web --no-typescript --out-name "$name" --out-dir "$out" \
    "$work/wasm32-unknown-unknown/wasm-bundle/frontend.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$out/${name}_bg.wasm" -o "$out/$name.wasm"

  # Names carry a hash of the contents, so browsers may keep them for a year.
  js_hash=$(sha256sum "$out/$name.js" | cut -c1-20)
  wasm_hash=$(sha256sum "$out/$name.wasm" | cut -c1-20)
  rm -f "$pkg/$name".*
  cp "$out/$name.js" "$pkg/$name.$js_hash.js"
  cp "$out/$name.wasm" "$pkg/$name.$wasm_hash.wasm"
  for file in "$pkg/$name.$js_hash.js" "$pkg/$name.$wasm_hash.wasm"; do
    brotli --force --quality=11 --keep "$file"
    gzip --force --best --keep "$file"
  done
  printf 'js: %s\nwasm: %s\n' "$js_hash" "$wasm_hash" >"$server_dir/hash-$group.txt"
  printf '    %s bytes, %s brotli, in %ss\n' "$(stat -c %s "$pkg/$name.$wasm_hash.wasm")" \
    "$(stat -c %s "$pkg/$name.$wasm_hash.wasm.br")" "$(($(date +%s) - started))"
done
