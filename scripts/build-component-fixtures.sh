#!/usr/bin/env bash
# Rebuilds the component fixtures in test/fixtures/component with npm's jco (a
# devDependency): the WASI hello program (test/fixtures/wasi/hello.wasm) wrapped as a
# wasi:cli command component with jco's bundled preview1 adapter (see ../shared/FIXTURES.md).
# The built binary is committed, so tests need no toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/jco new test/fixtures/wasi/hello.wasm --wasi-command -o test/fixtures/component/hello.component.wasm
ls -l test/fixtures/component/*.wasm
