#!/usr/bin/env bash
# Installs whatever enrol's build and tests need and this machine lacks; each step is skipped
# when its tool is already there at the right version. Used by `make run` and `make test`.
#
#   scripts/install-tools.sh          build tools (wasm target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/install-tools.sh --test   also Chromium, PostgreSQL's server, the browser-test
#                                     packages in end2end/, cargo-deny (the dependency checks),
#                                     schemathesis (the API fuzzer) and cargo-fuzz
#
# Nothing here downloads a browser or a prebuilt binary from outside the package registries:
# Chromium comes from Debian, wasm-opt from npm's binaryen, the Rust tools are built from crates.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tools="$root/.tools"
export PATH="$tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.11
# cargo-leptos 0.3.11 with --locked needs a newer rustc than the machine's stable; rustup
# fetches this one just for that install. The app itself builds on stable.
CARGO_LEPTOS_TOOLCHAIN=1.99.1
BINARYEN_VERSION=132
CARGO_DENY_VERSION=0.20.2
CARGO_FUZZ_VERSION=0.13.1
SCHEMATHESIS_VERSION=4.32.5
# The pages' own wasm bundles are built with this nightly's size options (rebuilding std for
# size, no panic messages): see scripts/build-bundles.sh. Pinned, so the wasm is reproducible.
BUNDLE_TOOLCHAIN=$(sed -n 's/^toolchain=//p' scripts/build-bundles.sh)

want_test=false
[ "${1:-}" = "--test" ] && want_test=true
total=6
$want_test && total=14
step=0

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
begin() {
  step=$((step + 1))
  started=$(date +%s)
  say "[$step/$total] $1"
}
apt_install() {
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@"
}
done_in() { printf '    done in %ss\n' "$(($(date +%s) - started))"; }

begin "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "    already installed"
else
  rustup target add wasm32-unknown-unknown
  done_in
fi

begin "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  echo "    already installed"
else
  echo "    not found: building it from crates.io (about 20 minutes on 2 cores, once per machine)"
  rustup toolchain install "$CARGO_LEPTOS_TOOLCHAIN" --profile minimal
  cargo "+$CARGO_LEPTOS_TOOLCHAIN" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  done_in
fi

# The CLI must match the wasm-bindgen library in Cargo.lock exactly.
if [ ! -f Cargo.lock ]; then
  cargo generate-lockfile
fi
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[version =" ]/, ""); print; exit }' Cargo.lock)
begin "wasm-bindgen-cli $bindgen_version (matches Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$bindgen_version" ]; then
  echo "    already installed"
else
  echo "    not found: building it from crates.io (about 6 minutes)"
  # Without --locked: its own lock file pins a crate the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
  done_in
fi

begin "wasm-opt (binaryen $BINARYEN_VERSION from npm)"
if [ -x "$tools/node_modules/.bin/wasm-opt" ] && wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  echo "    already installed"
else
  # Never Debian's binaryen: its old wasm-opt produces a wasm that fails to hydrate.
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
  done_in
fi

begin "Rust $BUNDLE_TOOLCHAIN with its source, for the pages' wasm bundles"
if rustup run "$BUNDLE_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  && rustup component list --installed --toolchain "$BUNDLE_TOOLCHAIN" | grep -q '^rust-src' \
  && rustup target list --installed --toolchain "$BUNDLE_TOOLCHAIN" | grep -qx wasm32-unknown-unknown; then
  echo "    already installed"
else
  rustup toolchain install "$BUNDLE_TOOLCHAIN" --profile minimal --component rust-src --target wasm32-unknown-unknown
  done_in
fi

begin "brotli (Debian package), to precompress the wasm bundles"
if command -v brotli >/dev/null; then
  echo "    already installed"
else
  apt_install brotli
  done_in
fi

if $want_test; then
  begin "Chromium (Debian package)"
  if [ -x /usr/bin/chromium ]; then
    echo "    already installed"
  else
    apt_install chromium
    done_in
  fi

  begin "PostgreSQL server (Debian package), for the tests on PostgreSQL"
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "    already installed"
  else
    apt_install postgresql
    done_in
  fi

  begin "Java (Debian package), for the W3C Nu HTML checker (vnu-jar, from npm)"
  if command -v java >/dev/null; then
    echo "    already installed"
  else
    apt_install default-jre-headless
    done_in
  fi

  begin "aiosmtpd (PyPI, under .tools/python), the SMTP server the email tests send to"
  if PYTHONPATH="$tools/python" python3 -c "import aiosmtpd" 2>/dev/null; then
    echo "    already installed"
  else
    python3 -m pip install --quiet --disable-pip-version-check --target "$tools/python" "aiosmtpd==1.4.6"
    done_in
  fi

  begin "Playwright, axe-core and the Nu HTML checker (npm, end2end/)"
  stamp="end2end/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt end2end/package-lock.json ]; then
    echo "    already installed"
  else
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    done_in
  fi

  begin "cargo-deny $CARGO_DENY_VERSION (licences, banned crates, sources)"
  if cargo deny --version 2>/dev/null | grep -q " $CARGO_DENY_VERSION\$"; then
    echo "    already installed"
  else
    echo "    not found: building it from crates.io (about 5 minutes, once per machine)"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
    done_in
  fi

  begin "schemathesis $SCHEMATHESIS_VERSION (PyPI, in .tools/schemathesis), the API contract fuzzer"
  if .tools/schemathesis/bin/st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    echo "    already installed"
  else
    rm -rf "$tools/schemathesis"
    python3 -m venv "$tools/schemathesis"
    "$tools/schemathesis/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    done_in
  fi

  begin "cargo-fuzz $CARGO_FUZZ_VERSION (fuzz targets of the parsers, with Rust $BUNDLE_TOOLCHAIN)"
  if cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
    echo "    already installed"
  else
    echo "    not found: building it from crates.io (about 3 minutes, once per machine)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
    done_in
  fi
fi
say "Tools ready"
