// `node scripts/build-js-component.ts APP [OUT.wasm]`: componentizes one of the project's
// JavaScript apps with npm's componentize-js (a devDependency) and prints where the component
// is. APP is `hello-js` (examples/hello-js, a wasi:http server using wasi:keyvalue) or
// `wasi-p2-js` (test/fixtures/wasi-p2/js, a wasi:cli command). A component is about 12 MB
// (the StarlingMonkey engine inside), so it is built, not committed: without OUT it goes to
// node_modules/.cache/tessera/APP.component.wasm, and is built again only when its inputs
// (the app's files, its WIT, this script, the tools' versions) changed. Tests and the
// benchmark get it through `jsComponent(APP)`, which builds it in a child process when needed.
//
// componentize-js 0.22's engine implements WASI 0.2.10: the world's dependencies are jco's
// 0.2.12 WIT named 0.2.10, with the interfaces 0.2.12 marks unstable made stable, as that
// engine has them (but one, LEFT_UNSTABLE) (../shared/FIXTURES.md). The WIT is read through preview2-shim, which needs a
// preopen to read anything.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CJS = join(ROOT, 'node_modules/@bytecodealliance/componentize-js');
const JCO = join(ROOT, 'node_modules/@bytecodealliance/jco');
const JCO_WIT = join(JCO, 'lib/wit/builtin/0.2.12');
const CACHE = join(ROOT, 'node_modules/.cache/tessera');

interface JsApp {
  /** The folder with the app's source and its world.wit. */
  readonly dir: string;
  readonly source: string;
  readonly world: string;
  /** jco's WASI packages the world needs (renamed to 0.2.10). */
  readonly wasi: readonly string[];
  /** More WIT packages: folders copied into deps/. */
  readonly deps: readonly string[];
}

// wasi:http 0.2.10 had no response-outparam.send-informational (and Tessera's host has none):
// left unstable, the WIT parser leaves it out of the world.
const LEFT_UNSTABLE = 'informational-outbound-responses';

const WASI_CORE = ['io', 'clocks', 'random', 'cli', 'filesystem', 'sockets'];

export const JS_APPS: Readonly<Record<string, JsApp>> = {
  'hello-js': { dir: 'examples/hello-js', source: 'app.js', world: 'hello', wasi: [...WASI_CORE, 'http'], deps: ['examples/wit/deps/wasi-keyvalue'] },
  'wasi-p2-js': { dir: 'test/fixtures/wasi-p2/js', source: 'app.js', world: 'cmd', wasi: WASI_CORE, deps: [] },
};

function appOf(name: string): JsApp {
  const app = JS_APPS[name];
  if (app === undefined) throw new Error(`no JavaScript app ${name} (there are: ${Object.keys(JS_APPS).join(', ')})`);
  return app;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A digest of everything the component is made from. */
function inputsDigest(app: JsApp): string {
  const hash = createHash('sha256');
  const version = (pkg: string) => (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  hash.update(`componentize-js ${version(CJS)} jco ${version(JCO)}\n`);
  for (const file of [fileURLToPath(import.meta.url), ...filesUnder(join(ROOT, app.dir)), ...app.deps.flatMap((d) => filesUnder(join(ROOT, d)))]) {
    hash.update(`${relative(ROOT, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** Where APP's component is cached, and whether what is there was made from the current inputs. */
function cacheEntry(name: string): { out: string; digest: string; fresh: boolean } {
  const out = join(CACHE, `${name}.component.wasm`);
  const digest = inputsDigest(appOf(name));
  const stamp = `${out}.inputs`;
  return { out, digest, fresh: existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest };
}

/**
 * The path of APP's component in node_modules/.cache/tessera, built first (in a child
 * process: componentize-js sets process-wide preopens) when it is missing or its inputs
 * changed. A build takes about half a minute.
 */
export function jsComponent(name: string): string {
  const entry = cacheEntry(name);
  if (!entry.fresh) execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], { stdio: ['ignore', 'ignore', 'inherit'] });
  return entry.out;
}

/** Builds APP's component into OUT. */
async function build(name: string, out: string): Promise<void> {
  const app = appOf(name);
  const tmp = mkdtempSync(join(tmpdir(), 'tessera-js-component-'));
  try {
    mkdirSync(join(tmp, 'wit/deps'), { recursive: true });
    cpSync(join(ROOT, app.dir, 'world.wit'), join(tmp, 'wit/world.wit'));
    for (const pkg of app.wasi) {
      const text = readFileSync(join(JCO_WIT, `wasi-${pkg}/package.wit`), 'utf8')
        .replaceAll('@0.2.12', '@0.2.10')
        .replace(/@unstable\(feature = ([a-z-]+)\)/g, (all, feature: string) => feature === LEFT_UNSTABLE ? all : '@since(version = 0.2.0)');
      mkdirSync(join(tmp, `wit/deps/wasi-${pkg}`));
      writeFileSync(join(tmp, `wit/deps/wasi-${pkg}/package.wit`), text);
    }
    for (const dep of app.deps) cpSync(join(ROOT, dep), join(tmp, 'wit/deps', dep.split('/').at(-1) ?? dep), { recursive: true });
    const splicer = join(CJS, 'lib/spidermonkey-embedding-splicer.js');
    const shim = createRequire(splicer).resolve('@bytecodealliance/preview2-shim/filesystem');
    (await import(pathToFileURL(shim).href) as { _setPreopens(p: Record<string, string>): void })._setPreopens({ '/': '/' });
    const { componentize } = await import(pathToFileURL(join(CJS, 'src/componentize.js')).href) as {
      componentize(o: { sourcePath: string; witPath: string; worldName: string }): Promise<{ component: Uint8Array }>;
    };
    const { component } = await componentize({ sourcePath: join(ROOT, app.dir, app.source), witPath: join(tmp, 'wit'), worldName: app.world });
    mkdirSync(dirname(out), { recursive: true });
    // Written beside and renamed, so a reader never sees half a component.
    const partial = `${out}.${process.pid}.partial`;
    writeFileSync(partial, component);
    renameSync(partial, out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [name, given] = process.argv.slice(2);
  if (name === undefined) throw new Error(`usage: build-js-component.ts APP [OUT.wasm] (APP: ${Object.keys(JS_APPS).join(', ')})`);
  if (given !== undefined) {
    await build(name, resolve(given));
    console.log(given);
  } else {
    const entry = cacheEntry(name);
    if (!entry.fresh) {
      await build(name, entry.out);
      writeFileSync(`${entry.out}.inputs`, entry.digest);
    }
    console.log(relative(process.cwd(), entry.out));
  }
}
