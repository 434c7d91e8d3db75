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
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
