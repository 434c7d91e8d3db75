#!/usr/bin/env bash
# Rebuilds the WASI 0.2 test components in test/fixtures/wasi-p2 from their C sources: Debian's
# clang-19, lld-19 and wasi-libc compile them to preview1 modules (../shared/FIXTURES.md:
#   apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32),
# npm's jco (a devDependency; through scripts/embed-wit.ts) embeds the WIT world of the 0.2
# interfaces a fixture calls directly (wit.wit, with jco's own WASI 0.2.12 packages as its
# deps) and wraps the module as a wasi:cli command with its bundled preview1 adapter. The syscall benchmark's component is
# the preview1 fixture test/fixtures/wasi/syscalls.wasm, wrapped the same way.
# The built components are committed, so tests and CI need no toolchain.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/test/fixtures/wasi-p2"
CC="${CC:-clang-19}"
JCO="$root/node_modules/.bin/jco"
# Debug info is stripped; the name section stays, for backtraces.
FLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wit/deps"
cp wit.wit "$tmp/wit/world.wit"
for pkg in io clocks random cli filesystem sockets http; do
  cp -r "$root/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12/wasi-$pkg" "$tmp/wit/deps/"
done

# A fixture with a world calls 0.2 interfaces itself (wasi-p2.h): it is a reactor that exports
# wasi:cli/run (wasm-ld wraps a command's exports, cabi_realloc included, in constructor and
# destructor calls), wrapped with the reactor adapter. The others are plain commands.
build() {
  local name="$1" world="$2"
  if [ -z "$world" ]; then
    "$CC" "${FLAGS[@]}" "$name.c" -o "$tmp/$name.wasm"
    "$JCO" new "$tmp/$name.wasm" --wasi-command -o "$name.component.wasm"
    return
  fi
  "$CC" "${FLAGS[@]}" -mexec-model=reactor "$name.c" -o "$tmp/$name.wasm"
  (cd "$root" && npx node scripts/embed-wit.ts "$tmp/$name.wasm" "$tmp/wit" "$world" "$tmp/$name.embed.wasm")
  "$JCO" new "$tmp/$name.embed.wasm" --wasi-reactor -o "$name.component.wasm"
}

build cli ''
build files ''
build tcp sockets
build udp sockets
build http http
build hostile hostile
"$JCO" new ../wasi/syscalls.wasm --wasi-command -o syscalls.component.wasm
ls -l *.component.wasm
