#!/usr/bin/env bash
# Rebuilds the component fixtures in test/fixtures/component with npm's jco (a
# devDependency) and, for the C guest, Debian's clang-19, lld-19 and wasi-libc
# (see ../shared/FIXTURES.md):
#   apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
#   hello.component.wasm  the WASI hello program (test/fixtures/wasi/hello.wasm) wrapped as a
#                         wasi:cli command component with jco's bundled preview1 adapter.
#   bench.component.wasm  bench.c (hand-written canonical-ABI exports) in the world
#                         tessera:bench/bench of wit/bench.wit: a reactor built with -O2, the
#                         WIT embedded and the component made by jco's API
#                         (scripts/component-from-core.ts, the steps of `jco embed` + `jco new`).
# The built binaries are committed, so tests need no toolchain. bench.wat, the same world in
# component text, needs no build: tests parse it.
set -euo pipefail
cd "$(dirname "$0")/.."
CC="${CC:-clang-19}"
dir=test/fixtures/component
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

node_modules/.bin/jco new test/fixtures/wasi/hello.wasm --wasi-command -o "$dir/hello.component.wasm"

# The guest uses only libc's allocator, which needs no WASI import, so the component
# imports nothing but its world's host interface.
"$CC" --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -Wall -Wextra -Werror \
  -Wl,--strip-debug "$dir/bench.c" -o "$tmp/bench.core.wasm"
npx node scripts/component-from-core.ts "$tmp/bench.core.wasm" "$dir/wit/bench.wit" bench "$dir/bench.component.wasm"
ls -l "$dir"/*.wasm
