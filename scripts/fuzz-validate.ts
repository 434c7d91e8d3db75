// `node scripts/fuzz-validate.ts [iterations] [seed]`: a long differential fuzz of the
// validator against V8 (the test suite runs a bounded one). Seeds are the valid text modules
// of ../shared/testsuite/core (or TESSERA_TESTSUITE). Prints every disagreement with the
// mutant's bytes in hex, so it can be replayed; exits 1 if there are any.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModule } from '../src/binary/encode.ts';
import { parseWast } from '../src/text/wast.ts';
import { TESTSUITE_ROOT, wastFiles } from '../test/testsuite-files.ts';
import { fuzz, type Seed } from '../test/validate-fuzz.ts';

const iterations = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);

const seeds: Seed[] = [];
for (const file of wastFiles().filter((f) => f.startsWith('core/'))) {
  for (const c of parseWast(readFileSync(join(TESTSUITE_ROOT, file), 'utf8')).commands) {
    if (c.kind !== 'module' || c.module.kind !== 'text') continue;
    try {
      const bytes = encodeModule(c.module.parse()) as Uint8Array<ArrayBuffer>;
      if (bytes.length < 20_000 && WebAssembly.validate(bytes)) seeds.push({ name: `${file}:${c.line}`, bytes });
    } catch {
      // not a seed
    }
  }
}
console.log(`${seeds.length} seeds, ${iterations} iterations, seed ${seed}`);
const started = performance.now();
const report = fuzz(seeds, iterations, seed);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${report.agreed} agreed (${report.bothValid} valid mutants), ${report.disagreements.length} disagreements, in ${seconds} s`);
for (const [reason, count] of report.v8Departures) console.log(`  V8 departure (not counted): ${reason}: ${count}`);
for (const d of report.disagreements) {
  console.log(`${d.seed} #${d.iteration}: tessera: ${d.tessera}; V8: ${d.v8 ? 'valid' : 'invalid'}\n  ${Buffer.from(d.bytes).toString('hex')}`);
}
process.exitCode = report.disagreements.length > 0 ? 1 : 0;
