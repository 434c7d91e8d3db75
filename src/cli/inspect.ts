// `tessera inspect`: a section-by-section summary of a binary module or component, like
// `wasm-tools objdump`.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeModule } from '../binary/decode.ts';
import { type Module, SECTION_ID, SECTION_ORDER, type SectionName } from '../core/ast.ts';
import { DecodeError } from '../core/errors.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';
import { decodeComponent, isComponent } from '../component/binary/decode.ts';
import { componentText, summarizeComponent } from './inspect-component.ts';

const NAME_OF_ID = new Map(SECTION_ORDER.map((name) => [SECTION_ID[name], name]));

export interface SectionSummary {
  section: string;
  start: number;
  end: number;
  size: number;
  count?: number;
}

/** One row per section, in file order. */
export function summarize(m: Module): SectionSummary[] {
  const counts: Partial<Record<SectionName, number>> = {
    type: m.types.reduce((n, g) => n + g.types.length, 0), import: m.imports.length,
    func: m.funcs.length, table: m.tables.length, memory: m.memories.length, tag: m.tags.length,
    global: m.globals.length, export: m.exports.length, elem: m.elems.length, code: m.funcs.length,
    data: m.datas.length, datacount: m.dataCount,
  };
  const customs = m.customs.values();
  return (m.source?.sections ?? []).map((s) => {
    const row = { start: s.start, end: s.end, size: s.end - s.contentStart };
    if (s.id === 0) return { section: `custom "${customs.next().value?.name ?? ''}"`, ...row };
    const name = NAME_OF_ID.get(s.id) as SectionName;
    return { section: name, ...row, count: counts[name] };
  });
}

const hex = (n: number) => `0x${n.toString(16)}`;

export const inspect: Command = {
  name: 'inspect',
  summary: 'Show the sections of a binary module or component',
  help: `Usage: tessera inspect [options] <file.wasm>

Decodes a binary module and prints each section with its byte range, size and item count.
For a component: its sections (offsets from the start of the file), nested core modules
and components, imports and exports with their types, and the canonical built-ins it uses.

Options:
  --json        Print the summary as JSON
  -h, --help    Show this help

Exit codes: 0 decoded, 1 malformed or unreadable input, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, options: { json: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new UsageError('inspect needs exactly one file');
    const file = positionals[0];
    const bytes = new Uint8Array(await readFile(file));
    if (isComponent(bytes)) {
      let c;
      try {
        c = decodeComponent(bytes);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        process.stderr.write(`${file}: ${e.message}\n`);
        return EXIT_FAILURE;
      }
      const summary = summarizeComponent(c);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ file, kind: 'component', ...summary }, null, 2)}\n`);
        return EXIT_OK;
      }
      const head = `${file}: component, ${bytes.length} bytes, ${summary.sections.length} sections`;
      process.stdout.write(`${[head, ...componentText(summary)].join('\n')}\n`);
      return EXIT_OK;
    }
    let m: Module;
    try {
      m = decodeModule(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      process.stderr.write(`${file}: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    const rows = summarize(m);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ file, size: bytes.length, sections: rows }, null, 2)}\n`);
      return EXIT_OK;
    }
    const width = Math.max(...rows.map((r) => r.section.length), 7);
    const lines = rows.map((r) =>
      `${r.section.padEnd(width)}  ${hex(r.start).padStart(10)} - ${hex(r.end).padStart(10)}  ` +
      `${String(r.size).padStart(10)} bytes${r.count === undefined ? '' : `  ${r.count} ${r.section === 'datacount' ? '' : 'items'}`.trimEnd()}`);
    process.stdout.write(`${file}: ${bytes.length} bytes, ${rows.length} sections\n${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

