// `tessera validate`: check a module, binary or text, as the spec does; like
// `wasm-tools validate`.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Module } from '../core/ast.ts';
import { DecodeError, ParseError, ValidationError } from '../core/errors.ts';
import { ALL_FEATURES, type FeatureSet, parseFeatureList } from '../core/features.ts';
import { decodeComponent, isComponent } from '../component/binary/decode.ts';
import { parseComponent } from '../component/text/parse.ts';
import { validateComponent } from '../component/validate/component.ts';
import { parseWat } from '../text/parse.ts';
import { validateModule } from '../validate/module.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** Text whose first form, after comments, is `(component`. */
const COMPONENT_TEXT = /^\s*(?:(?:;;[^\n]*\n|\(;[\s\S]*?;\))\s*)*\(component\b/;

export const validate: Command = {
  name: 'validate',
  summary: 'Check that a module or component (.wasm or .wat) is valid',
  help: `Usage: tessera validate [options] <file.wasm|file.wat>

Decodes (or parses) a module and validates it as the WebAssembly 3.0 spec does, or a
component as the Component Model does. A binary is recognised by its magic bytes (its layer
tells a component), anything else is read as text (\`(component ...)\` is a component).

Options:
  --features LIST   Features the module may use, comma-separated, applied left to right:
                    presets wasm1, wasm2, wasm3, all (the default), feature names
                    (e.g. threads, gc, memory64), and -name to remove one: 'wasm2,threads'
  --json            Print the result as JSON
  -h, --help        Show this help

Errors name the spec's rule and where it broke: a byte offset for binaries
(file:0x1f3: type mismatch: ...), line:column for text.

Exit codes: 0 valid, 1 invalid, malformed or unreadable, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, options: { features: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new UsageError('validate needs exactly one file');
    let features: FeatureSet = ALL_FEATURES;
    if (values.features !== undefined) {
      try {
        features = parseFeatureList(values.features);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const file = positionals[0];
    const bytes = new Uint8Array(await readFile(file));
    const isBinary = WASM_MAGIC.every((b, i) => bytes[i] === b);
    const report = (valid: boolean, error?: { kind: string; message: string; offset?: number; line?: number; column?: number }) => {
      if (values.json) process.stdout.write(`${JSON.stringify({ file, valid, ...(error ? { error } : {}) }, null, 2)}\n`);
      else if (valid) process.stdout.write(`${file}: valid\n`);
      else if (error) {
        const where = error.line !== undefined ? `:${error.line}:${error.column}` : error.offset !== undefined ? `:0x${error.offset.toString(16)}` : '';
        process.stderr.write(`${file}${where}: ${error.message}\n`);
      }
      return valid ? EXIT_OK : EXIT_FAILURE;
    };
    try {
      if (isBinary ? isComponent(bytes) : COMPONENT_TEXT.test(new TextDecoder().decode(bytes.subarray(0, 4096)))) {
        validateComponent(isBinary ? decodeComponent(bytes) : parseComponent(bytes), { features });
        return report(true);
      }
      const input: Module | Uint8Array = isBinary ? bytes : parseWat(bytes);
      validateModule(input, { features });
      return report(true);
    } catch (e) {
      if (e instanceof ParseError) return report(false, { kind: 'malformed', message: e.phrase, line: e.line, column: e.column });
      if (e instanceof DecodeError) return report(false, { kind: 'malformed', message: e.phrase, offset: e.offset });
      if (e instanceof ValidationError) {
        // Components parsed from text report a line and column instead of an offset.
        const where = e.line !== undefined && e.column !== undefined ? { line: e.line, column: e.column } : { offset: e.offset };
        return report(false, { kind: 'invalid', message: e.phrase, ...where });
      }
      throw e;
    }
  },
};
