// `tessera print`: a binary module or component in the text format, like `wasm-tools print`.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeModule } from '../binary/decode.ts';
import type { Module } from '../core/ast.ts';
import { DecodeError, ParseError } from '../core/errors.ts';
import { parseWat } from '../text/parse.ts';
import { printWat } from '../text/print.ts';
import { decodeComponent } from '../component/binary/decode.ts';
import { parseComponent } from '../component/text/parse.ts';
import { printComponent } from '../component/text/print.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';
import { inputKind } from './component-input.ts';

export const print: Command = {
  name: 'print',
  summary: 'Print a module or component in the text format (WAT)',
  help: `Usage: tessera print [options] <file.wasm | file.wat>

Prints a binary module or component in the WebAssembly text format. Names come from the
name section (component-name for components); the output parses back to the same module
or component. A text module or component is parsed and printed again (a formatter).

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
      const options = { folded: values.folded, offsets: values.offsets };
      const kind = inputKind(bytes);
      if (kind.component) {
        text = printComponent(kind.binary ? decodeComponent(bytes) : parseComponent(bytes), options);
      } else {
        // Bodies are decoded while they are printed; a malformed one throws before any output.
        const m: Module = kind.binary ? decodeModule(bytes) : parseWat(bytes);
        text = printWat(m, options);
      }
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
