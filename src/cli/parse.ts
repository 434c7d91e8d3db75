// `tessera parse`: a text module or component (WAT) to its binary encoding, like
// `wasm-tools parse`.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { encodeModule } from '../binary/encode.ts';
import { DecodeError, ParseError } from '../core/errors.ts';
import { parseWat } from '../text/parse.ts';
import { encodeComponent } from '../component/binary/encode.ts';
import { parseComponent } from '../component/text/parse.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';
import { inputKind } from './component-input.ts';

export const parse: Command = {
  name: 'parse',
  summary: 'Parse a text module or component (WAT) into its binary',
  help: `Usage: tessera parse [options] <file.wat>

Parses a module or component (\`(component ...)\`) in the WebAssembly text format and writes
its binary encoding. Identifiers become the name section (component-name for components).
Nothing is validated.

Options:
  -o, --output <file>  Write the binary to a file (default: standard output)
  -h, --help           Show this help

Exit codes: 0 parsed, 1 malformed or unreadable input (printed as file:line:column: message),
2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, options: { output: { type: 'string', short: 'o' } },
    });
    if (positionals.length !== 1) throw new UsageError('parse needs exactly one file');
    const file = positionals[0];
    const source = new Uint8Array(await readFile(file));
    let bytes: Uint8Array;
    try {
      bytes = inputKind(source).component ? encodeComponent(parseComponent(source)) : encodeModule(parseWat(source));
    } catch (e) {
      // A `binary "..."` module or component inside the text can be malformed too.
      if (e instanceof DecodeError) {
        process.stderr.write(`${file}: ${e.message}\n`);
        return EXIT_FAILURE;
      }
      if (!(e instanceof ParseError)) throw e;
      process.stderr.write(`${file}:${e.line}:${e.column}: ${e.phrase}\n`);
      return EXIT_FAILURE;
    }
    if (values.output !== undefined) await writeFile(values.output, bytes);
    else process.stdout.write(bytes);
    return EXIT_OK;
  },
};
