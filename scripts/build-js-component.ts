// `node scripts/build-js-component.ts OUT.wasm`: componentizes the JavaScript fixture
// (test/fixtures/wasi-p2/js/app.js) with npm's componentize-js (a devDependency). The result
// is about 12 MB (the StarlingMonkey engine inside), so it is built, not committed: the test
// builds it once into node_modules/.cache. componentize-js 0.22's engine implements WASI
// 0.2.10: the world's dependencies are jco's 0.2.12 WIT named 0.2.10, with the interfaces
// 0.2.12 marks unstable made stable, as that engine has them (../shared/FIXTURES.md). The
// WIT is read through preview2-shim, which needs a preopen to read anything.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: build-js-component.ts OUT.wasm');
const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = join(root, 'test/fixtures/wasi-p2/js');
const cjs = join(root, 'node_modules/@bytecodealliance/componentize-js');
const jcoWit = join(root, 'node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12');

const tmp = mkdtempSync(join(tmpdir(), 'tessera-js-component-'));
try {
  mkdirSync(join(tmp, 'wit/deps'), { recursive: true });
  cpSync(join(fixture, 'world.wit'), join(tmp, 'wit/world.wit'));
  for (const pkg of ['io', 'clocks', 'random', 'cli', 'filesystem', 'sockets']) {
    const text = readFileSync(join(jcoWit, `wasi-${pkg}/package.wit`), 'utf8')
      .replaceAll('@0.2.12', '@0.2.10')
      .replace(/@unstable\(feature = [a-z-]+\)/g, '@since(version = 0.2.0)');
    mkdirSync(join(tmp, `wit/deps/wasi-${pkg}`));
    writeFileSync(join(tmp, `wit/deps/wasi-${pkg}/package.wit`), text);
  }
  const splicer = join(cjs, 'lib/spidermonkey-embedding-splicer.js');
  const shim = createRequire(splicer).resolve('@bytecodealliance/preview2-shim/filesystem');
  (await import(pathToFileURL(shim).href) as { _setPreopens(p: Record<string, string>): void })._setPreopens({ '/': '/' });
  const { componentize } = await import(pathToFileURL(join(cjs, 'src/componentize.js')).href) as {
    componentize(o: { sourcePath: string; witPath: string; worldName: string }): Promise<{ component: Uint8Array }>;
  };
  const { component } = await componentize({ sourcePath: join(fixture, 'app.js'), witPath: join(tmp, 'wit'), worldName: 'cmd' });
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, component);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
