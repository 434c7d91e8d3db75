#!/usr/bin/env bash
# Rebuilds the WASI test programs in test/fixtures/wasi from their C sources with Debian's
# clang-19, lld-19 and wasi-libc (see ../shared/FIXTURES.md):
#   apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
# The built binaries are committed, so tests and CI need no compiler.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/wasi"
CC="${CC:-clang-19}"
# Debug info is stripped; the name section stays, for backtraces.
FLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug)
for src in hello files escape misc trap syscalls echo pollin; do
  "$CC" "${FLAGS[@]}" "$src.c" -o "$src.wasm"
done
"$CC" "${FLAGS[@]}" -mexec-model=reactor reactor.c -o reactor.wasm
ls -l *.wasm
