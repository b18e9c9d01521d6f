# commerce-fetch: `make test` installs what is missing and runs every suite; `make demo` shows it working.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

NPM_STAMP := node_modules/.package-lock.json
# The Rust example is a workspace of its own, built in a target dir of its own (scripts/examples-test.mjs
# says why not target/ itself).
EXAMPLE_CRATE := www/examples/rust/Cargo.toml
EXAMPLE_TARGET := $(CURDIR)/target/example-rust

.PHONY: test-smoke test-js-node24 bench test-faults fuzz test-fuzz fuzz-tools pack test-examples test-demo
.PHONY: test test-core lint-rust lint-js build tools test-js demo browsers test-wasm test-wasm-node
WASM_BROWSERS := chromium firefox webkit
.PHONY: $(addprefix test-wasm-,$(WASM_BROWSERS))

test: test-core test-wasm test-examples build lint-js test-js test-smoke test-js-node24 test-faults test-demo \
	test-fuzz
	@echo; echo "smoke matrix: the packed package in each stack"; cat .cache/smoke/matrix.txt

## The pure core on the host: formatting, lints, unit and property tests.
test-core: lint-rust
	cargo test --quiet --lib
	cargo test --quiet --doc --features web

lint-rust: tools
	cargo fmt --check
	cargo clippy --all-targets --quiet -- -D warnings
	cargo clippy --all-targets --features web --quiet -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --features web
	cargo clippy --target wasm32-unknown-unknown --lib --quiet -- -D warnings
	# The package's two wasm files (scripts/build.sh), each in the target directory its build uses.
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features js-fetch \
		--quiet -- -D warnings
	CARGO_TARGET_DIR=target/extras cargo clippy --target wasm32-unknown-unknown --lib \
		--no-default-features --features js-interpret,js-client,js-protect --quiet -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets --features std --quiet -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets --features web --quiet -- -D warnings
	cargo fmt --check --manifest-path tests/crosscheck/Cargo.toml
	CARGO_TARGET_DIR=target/crosscheck cargo clippy --manifest-path tests/crosscheck/Cargo.toml \
		--target wasm32-unknown-unknown --quiet -- -D warnings
	cargo fmt --check --manifest-path $(EXAMPLE_CRATE)
	CARGO_TARGET_DIR=$(EXAMPLE_TARGET) cargo clippy --manifest-path $(EXAMPLE_CRATE) \
		--target wasm32-unknown-unknown --quiet -- -D warnings

## Coverage-guided fuzzing of the core (fuzz/: cargo-fuzz on nightly), a minute a target; prints runs,
## corpus size and crash per target and fails on a crash.
fuzz: fuzz-tools
	bash scripts/fuzz.sh 60

## The same, 20 s a target (about 3 minutes with the build).
test-fuzz: fuzz-tools
	bash scripts/fuzz.sh 20

fuzz-tools:
	bash scripts/install-fuzz-tools.sh

## Build and test tools from npm (wasm-opt, esbuild, workerd, deno, playwright-core, biome).
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

tools: $(NPM_STAMP)
	bash scripts/install-wasm-tools.sh

## The npm package in pkg/: release wasm, bindings, wasm-opt; prints the download size.
build: tools
	bash scripts/build.sh

## The package's types in each setup users have (tests/types/tsconfig.<setup>.json): DOM with NodeNext and with
## a bundler, Node (@types/node, no DOM), DOM with @types/node (Next.js), Cloudflare Workers, WebWorker.
TYPE_SETUPS := tsconfig.json tsconfig.bundler.json tsconfig.node.json tsconfig.next.json tsconfig.workers.json \
	tsconfig.webworker.json

## The tarball users install until the package is published: commerce-fetch-<version>.tgz, here.
pack: build
	cd pkg && npm pack --silent --pack-destination ..

lint-js: $(NPM_STAMP)
	node_modules/.bin/biome ci --colors=off pkg/src pkg/lib tests/js tests/types tests/emulator tests/smoke tests/faults tests/lib tests/workerd \
		tests/crosscheck tests/demo scripts www bench
	for setup in $(TYPE_SETUPS); do echo "tsc -p tests/types/$$setup"; node_modules/.bin/tsc -p tests/types/$$setup; done

## The package's JavaScript API in Node, against a loopback server; the suites whose server is the
## emulator (tests/workerd/run.mjs lists them) in workerd too, with the package's workerd entry; and
## four Worker isolates sharing a store's pacing through the StoreQuota Durable Object (about 15 s).
JS_TESTS := tests/js/*.test.mjs tests/emulator/*.test.mjs
NODE24 := .tools/node24/node_modules/.bin/node

test-js: build browsers
	node --test $(JS_TESTS)
	node tests/workerd/run.mjs
	node tests/workerd/shared-quota.mjs

## The same suites in Node 24 LTS (from npm's node@24, which the smoke suite installs into .tools/).
test-js-node24: test-smoke
	$(NODE24) --test $(JS_TESTS)

## The terminal tour, then the demo storefront in the browser (www/demo/): prints its URL, Ctrl-C stops it.
demo: build
	node www/examples/node.mjs
	node www/demo/serve.mjs

## The demo storefront in Chromium, Firefox and WebKit against the emulator: its products, a 429 storm's
## waits on the timeline with their source, a 422's field errors; screenshots in .cache/demo/ (about 15 s).
test-demo: build browsers
	node --test --test-reporter=spec tests/demo/demo.test.mjs

## Debian's Chromium, Firefox ESR and WebKitGTK with their WebDriver servers, and geckodriver.
browsers:
	bash scripts/install-browsers.sh

## wasm-bindgen tests (tests/web.rs) in Node and in three headless browser engines.
test-wasm: test-wasm-node $(addprefix test-wasm-,$(WASM_BROWSERS))

## Per engine: the boundary suite, then the Rust shell (feature `web`) against the emulator. In Node also
## the cross-check: the same scenarios through the npm package and the Rust shell must give the same
## attempts, waits and reasons (tests/crosscheck/scenarios.json).
test-wasm-node: tools build
	bash scripts/wasm-test.sh node
	bash scripts/wasm-test.sh node web_api
	bash scripts/crosscheck.sh

$(addprefix test-wasm-,$(WASM_BROWSERS)): test-wasm-%: tools browsers
	bash scripts/wasm-test.sh $*
	bash scripts/wasm-test.sh $* web_api

## The Rust example in www/examples/rust/: its crate built with cargo and wasm-bindgen, then its page in
## Chromium and its Worker in workerd against the emulator, a 429 before the products (a few seconds
## once built).
test-examples: tools browsers
	node scripts/examples-test.mjs

## The packed package as users install it, in every stack (see tests/smoke/run.mjs); ends with one row per stack.
test-smoke: build browsers
	node tests/smoke/run.mjs

## The fault scenarios (tests/faults/scenarios.js) against the emulator in Node, Deno, workerd, Chromium,
## Firefox and WebKit; ends with a runtime × scenario table.
test-faults: build browsers
	node tests/faults/run.mjs

## Benchmarks (not part of `make test`): prints one table and writes BENCHMARKS.md (about 2.5 min).
bench: build
	node bench/run.mjs
	node bench/protect.mjs
