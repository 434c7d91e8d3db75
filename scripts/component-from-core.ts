// `node scripts/component-from-core.ts CORE.wasm WORLD.wit WORLD-NAME OUT.wasm`: embeds the
// WIT world in a core module and wraps it as a component, through jco's API (the same
// steps as `jco embed` + `jco new`). The API is given the WIT text rather than a path:
// jco reads paths through preview2-shim, which grants no file access by default
// (../shared/FIXTURES.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';

const [core, wit, world, out] = process.argv.slice(2);
if (out === undefined) throw new Error('usage: component-from-core.ts CORE.wasm WORLD.wit WORLD-NAME OUT.wasm');
const embedded = await componentEmbed({ binary: readFileSync(core), witSource: readFileSync(wit, 'utf8'), world });
writeFileSync(out, await componentNew(embedded));
