# Every target installs what it needs first, so `make example` and `make test` work on a fresh clone.
JEST_ARGS ?=
NPM_CI := npm ci --no-audit --no-fund

.PHONY: all build test test-cov test-scale test-frameworks lint docs example e2e bench clean

all: build

node_modules/.installed: package.json package-lock.json
	$(NPM_CI)
	@touch $@

build: node_modules/.installed
	rm -rf dist
	npx tsc -p tsconfig.build.json

test: build
	npx jest $(JEST_ARGS)

test-cov: build
	npx jest --coverage $(JEST_ARGS)

# Types, lint rules and formatting of lib/, test/, examples/ and bench/, then the package as npm and
# TypeScript users get it: publint checks package.json against the packed files, attw resolves both
# entry points as node10, node16 (CJS and ESM) and bundler would. Needs dist/, hence `build`.
lint: build
	npx tsc -p tsconfig.json --noEmit
	npx eslint .
	npx prettier --check .
	npx publint --strict
	npx attw --pack .

# API reference of both entry points into docs/ (settings in typedoc.json): a warning, such as an
# undocumented export or a broken link, fails the target.
docs: node_modules/.installed
	npx typedoc

# The example is compiled with tsc (no ts-node) and imports the BUILT package by its own name.
example: build
	rm -rf examples/login/dist
	npx tsc -p examples/login/tsconfig.json
	node examples/login/dist/server.js

# Browser test of the example, then the README's Playwright set-up in a fresh app installed from the npm registry
# (test/e2e/readme-playwright.test.ts); installs Debian's chromium when /usr/bin/chromium is missing.
e2e: build
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser test..."; \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	rm -rf examples/login/dist
	npx tsc -p examples/login/tsconfig.json
	node test/e2e/run.js
	npx jest -c test/e2e/jest.config.js $(JEST_ARGS)

# Two instances of the example sharing one real Redis, as behind a load balancer (test/scale, its own
# jest config: `make test` skips it). Installs Debian's redis-server when it is missing; each test file
# starts its own on 127.0.0.1 and a random port, with no persistence, and kills it when done.
test-scale: node_modules/.installed
	@command -v redis-server >/dev/null || { echo "Installing Debian's redis-server for the scale test..."; \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; }
	npx jest -c test/scale/jest.config.js --runInBand $(JEST_ARGS)

# The framework matrix (test/package/frameworks, its own jest config: `make test` skips it): Express 4 and 5,
# NestJS, Koa and Fastify with both session plugins, each installed from the npm registry (npm's cache
# first) with the packed tarball into a temporary directory and run against the mock; plus the README app
# type-checked with the newest TypeScript and @types/node (7, 26) and the oldest we support (5.0, 20).
test-frameworks: build
	npx jest -c test/package/frameworks/jest.config.js $(JEST_ARGS)

# Whole logins against the peers (bench/run.js, about 3 minutes on 2 cores: table in bench/results.json),
# then the parser and signer micro-benchmarks. Not part of `make test`.
bench: build
	node bench/run.js
	node bench/micro.js
	node bench/observe.js

clean:
	rm -rf dist coverage docs node_modules/.installed
