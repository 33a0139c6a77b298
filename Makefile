# enrol: the two commands. See README.md.
#   make run   install what is missing, build, serve http://127.0.0.1:3000 with demo data
#   make test  install what is missing, run every test (Rust, then Playwright in Chromium)

SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# sqlx never reaches for a live database at compile time.
export SQLX_OFFLINE := true

.PHONY: run test tools test-tools build test-deps test-rust test-survival test-e2e clean-data

run: tools build
	@echo "Starting enrol in demo mode (data in data/enrol.db; Ctrl-C stops it)"
	ENROL_DEMO=1 LEPTOS_SITE_ADDR=$${LEPTOS_SITE_ADDR:-127.0.0.1:3000} target/release/server

test: test-tools test-deps test-rust build test-survival test-e2e

tools:
	@scripts/install-tools.sh

test-tools:
	@scripts/install-tools.sh --test

build:
	@scripts/build.sh

test-deps:
	@echo "==> Dependencies: licences, banned crates, sources (cargo deny; see docs/security.md)"
	cargo deny --all-features check licenses bans sources

test-rust:
	scripts/test-rust.sh

# Short versions of the survival runs (bench/README.md has the long ones): crash cycles on
# both databases, a full disk and a stopped database, the API against its contract, the
# parsers' fuzz targets.
test-survival:
	@echo "==> Crash cycles: 10 SIGKILLs during a join race, on SQLite and PostgreSQL"
	ENROL_BUILT=1 bench/crash-cycles.sh 10
	@echo "==> Faults: a full disk, a read-only file system, a stopped database"
	scripts/test-faults.sh
	scripts/test-api-contract.sh
	scripts/test-fuzz.sh

test-e2e:
	@echo "==> Browser tests (Playwright, headless Chromium)"
	scripts/e2e.sh

clean-data:
	rm -f data/enrol.db data/enrol.db-wal data/enrol.db-shm
