# Every target installs what it needs first, so `make example` and `make test` work on a fresh clone.
JEST_ARGS ?=
NPM_CI := npm ci --no-audit --no-fund

.PHONY: all build test test-cov lint docs example e2e bench clean

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

lint: node_modules/.installed
	npx tsc -p tsconfig.json --noEmit

docs: node_modules/.installed
	npx typedoc

example: build
	npx ts-node --transpile-only examples/login/server.ts

e2e: build
	node test/e2e/run.js

bench: build
	node bench/run.js

clean:
	rm -rf dist coverage docs node_modules/.installed
