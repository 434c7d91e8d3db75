// `tessera print`: a binary module in the text format, like `wasm-tools print`.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeModule } from '../binary/decode.ts';
import type { Module } from '../core/ast.ts';
import { DecodeError, ParseError } from '../core/errors.ts';
import { parseWat } from '../text/parse.ts';
import { printWat } from '../text/print.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export const print: Command = {
  name: 'print',
  summary: 'Print a module in the text format (WAT)',
  help: `Usage: tessera print [options] <file.wasm | file.wat>

Prints a binary module in the WebAssembly text format. Names come from the name section;
the output parses back to the same module. A text module is parsed and printed again
(a formatter).

Options:
  -o, --output <file>  Write the text to a file instead of standard output
  --folded             Fold instructions: (i32.add (local.get 0) (i32.const 1))
  --offsets            Comment functions and instructions with their byte offsets
  -h, --help           Show this help

Exit codes: 0 printed, 1 malformed or unreadable input, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        folded: { type: 'boolean' },
        offsets: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('print needs exactly one file');
    const file = positionals[0];
    const bytes = new Uint8Array(await readFile(file));
    let text: string;
    try {
      // Bodies are decoded while they are printed; a malformed one throws before any output.
      const m: Module = WASM_MAGIC.every((b, i) => bytes[i] === b) ? decodeModule(bytes) : parseWat(bytes);
      text = printWat(m, { folded: values.folded, offsets: values.offsets });
    } catch (e) {
      if (!(e instanceof DecodeError) && !(e instanceof ParseError)) throw e;
      process.stderr.write(`${file}: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    if (values.output !== undefined) await writeFile(values.output, text);
    else process.stdout.write(text);
    return EXIT_OK;
  },
};
