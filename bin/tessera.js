#!/usr/bin/env node
// The `tessera` command. Tessera is TypeScript run directly by Node 24's type stripping, so
// check the version first and say what to do instead of failing on the first type annotation.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `tessera: Node.js 24 or later is required (this is ${process.version}).\n` +
      'Inside the project, run it through npm (`npx tessera ...`), which uses the pinned Node 24.\n',
  );
  process.exit(2);
}
// Node caches compiled (and type-stripped) modules on disk when asked: start-up then skips
// stripping Tessera's TypeScript again (about 0.6 s down to 0.2 s for `tessera run`).
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
// Output piped into `head` and the like may close early: that ends the command, quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
