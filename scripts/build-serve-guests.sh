#!/usr/bin/env bash
# Rebuilds the wasi:http components of `tessera serve` from their C sources: the example
# examples/notes/notes.wasm and the test and benchmark guests in test/fixtures/serve.
# Debian's clang-19, lld-19 and wasi-libc compile each to a core module that imports only
# WASI 0.2 interfaces, declared by hand in examples/include (../shared/FIXTURES.md:
#   apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32);
# npm's jco (a devDependency; through scripts/embed-wit.ts) embeds a world of examples/wit,
# with jco's own WASI 0.2.12 packages as its deps, and makes the component. No preview1
# adapter is needed: the modules make no preview1 calls (wasi-libc's malloc and string
# functions need none), so each component holds one small module of its own.
# The built components are committed, so tests, CI and the README need no toolchain.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CC="${CC:-clang-19}"
JCO="$root/node_modules/.bin/jco"
# A reactor without crt1 (nothing runs before `handle`); debug info stripped, names kept.
FLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -nostartfiles -Wl,--no-entry -Wl,--strip-debug)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wit/deps"
cp "$root/examples/wit/world.wit" "$tmp/wit/world.wit"
cp -r "$root/examples/wit/deps/"* "$tmp/wit/deps/"
for pkg in io clocks random cli filesystem sockets http; do
  cp -r "$root/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12/wasi-$pkg" "$tmp/wit/deps/"
done

build() {
  local src="$1" world="$2" out="$3"
  shift 3
  local name
  name="$(basename "$src" .c)"
  "$CC" "${FLAGS[@]}" "$@" "$src" -o "$tmp/$name.wasm"
  (cd "$root" && npx node scripts/embed-wit.ts "$tmp/$name.wasm" "$tmp/wit" "$world" "$tmp/$name.embed.wasm")
  "$JCO" new "$tmp/$name.embed.wasm" -o "$out"
  ls -l "$out"
}

build "$root/examples/notes/notes.c" server-with-keyvalue "$root/examples/notes/notes.wasm"
build "$root/test/fixtures/serve/guest.c" server "$root/test/fixtures/serve/guest.component.wasm"
build "$root/test/fixtures/serve/hello.c" server "$root/test/fixtures/serve/hello.component.wasm"
build "$root/test/fixtures/serve/state.c" server "$root/test/fixtures/serve/state.component.wasm" -mreference-types
