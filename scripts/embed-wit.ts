// `node scripts/embed-wit.ts CORE.wasm WIT-DIR WORLD OUT.wasm`: embeds a WIT world, read from a
// folder with a deps/ folder of packages, in a core module (what `jco embed` does). jco reads
// WIT paths through preview2-shim, which grants no file access unless preopens are set
// (../shared/FIXTURES.md), so this script grants the folder to the shim jco itself loads.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [core, wit, world, out] = process.argv.slice(2);
if (out === undefined) throw new Error('usage: embed-wit.ts CORE.wasm WIT-DIR WORLD OUT.wasm');
// The shim instance jco's vendored wasm-tools imports: resolved from jco-transpile's folder.
const transpile = createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile/wasm-tools');
const shim = createRequire(transpile).resolve('@bytecodealliance/preview2-shim/filesystem');
const fs = await import(pathToFileURL(shim).href) as { _setPreopens(p: Record<string, string>): void };
const dir = resolve(wit);
fs._setPreopens({ [dir]: dir });
const { componentEmbed } = await import(pathToFileURL(transpile).href) as {
  componentEmbed(o: { binary: Uint8Array; witPath: string; world: string }): Promise<Uint8Array>;
};
writeFileSync(out, await componentEmbed({ binary: readFileSync(core), witPath: dir, world }));
