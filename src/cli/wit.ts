// `tessera wit`: WIT in and out, like `wasm-tools component wit`: check and print a WIT
// package (a file, or a directory with its `deps/`), print the WIT of a component (the
// package a WIT-package component encodes, or the world an ordinary component
// implements), and write a package as a component (`--wasm`).
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DecodeError, ParseError, ValidationError } from '../core/errors.ts';
import { decodeComponent } from '../component/binary/decode.ts';
import { encodeComponent } from '../component/binary/encode.ts';
import { parseComponent } from '../component/text/parse.ts';
import { decodeWit } from '../component/wit/decode.ts';
import { encodeWitPackage } from '../component/wit/encode.ts';
import { loadWit } from '../component/wit/load.ts';
import type { PackageId, Resolve } from '../component/wit/model.ts';
import { nodeWitFileTree } from '../component/wit/node.ts';
import { printWit } from '../component/wit/print.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';
import { inputKind } from './component-input.ts';

export const wit: Command = {
  name: 'wit',
  summary: 'Check and print WIT (a file or folder with deps/), print a component\'s WIT, or encode WIT as a component',
  help: `Usage: tessera wit [options] <file.wit|dir|component.wasm|component.wat>

WIT text: a .wit file is one package (with any nested \`package x { }\` blocks); a
directory's .wit files form one package and each entry of its deps/ folder a dependency
(a .wit file, a folder, or a WIT package encoded as a component, .wasm or .wat). Prints
the resolved package, dependencies as nested packages after it.

A component (binary or text): prints the package it encodes when it is a WIT package
encoded as a component, otherwise the world it implements (its imports and exports), as
world \`root\` of package \`root:component\`, with the interfaces it uses.

Options:
  --wasm               Write the package as a component (wasm-tools' "WIT package as a
                       component" encoding) instead of printing it
  -o, --output <file>  Write to a file (default: standard output)
  --features LIST      Enable @unstable(feature = NAME) items, comma-separated
  --check              Only check; print nothing when the WIT is good
  -h, --help           Show this help

Exit codes: 0 good, 1 malformed, unresolvable or undecodable input (printed as
file:line:column: message for WIT and component text, file: message for binaries),
2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        features: { type: 'string' }, check: { type: 'boolean' }, wasm: { type: 'boolean' }, output: { type: 'string', short: 'o' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('wit needs exactly one file or directory');
    if (values.check && (values.wasm || values.output !== undefined)) throw new UsageError('--check writes nothing: it takes neither --wasm nor --output');
    if (values.wasm && values.output === undefined && process.stdout.isTTY) throw new UsageError('--wasm writes a binary: name a file with -o');
    const features = (values.features ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const path = positionals[0];
    const isWit = nodeWitFileTree.isDirectory(path) || path.endsWith('.wit');
    let loaded: { resolve: Resolve; main: PackageId };
    try {
      loaded = isWit ? loadWit(nodeWitFileTree, path, { features }) : await loadComponent(path);
    } catch (e) {
      const message = errorText(path, e, !isWit);
      if (message === undefined) throw e;
      process.stderr.write(`${message}\n`);
      return EXIT_FAILURE;
    }
    if (values.check) return EXIT_OK;
    const { resolve, main } = loaded;
    const out: Uint8Array | string = values.wasm ? encodeComponent(encodeWitPackage(resolve, main)) : printWit(resolve, main);
    if (values.output !== undefined) await writeFile(values.output, out);
    else process.stdout.write(out);
    return EXIT_OK;
  },
};

/** The WIT of a component file, binary or text. */
async function loadComponent(path: string): Promise<{ resolve: Resolve; main: PackageId }> {
  const bytes = new Uint8Array(await readFile(path));
  const kind = inputKind(bytes);
  if (!kind.component) throw new NotAComponent(kind.binary ? 'a core module, not a component: WIT describes components' : 'neither WIT (.wit) nor a component');
  const decoded = decodeWit(kind.binary ? decodeComponent(bytes) : parseComponent(bytes));
  return { resolve: decoded.resolve, main: decoded.package };
}

class NotAComponent extends Error {}

/**
 * How a rejected input is reported, or undefined for errors that are not about the input.
 * Errors from WIT loading name their file already (a dependency's, perhaps).
 */
function errorText(path: string, e: unknown, component: boolean): string | undefined {
  if (e instanceof ParseError) {
    // WIT errors carry their file in the message ("... (at dir/a.wit:2:26)").
    const at = /\(at (.*):(\d+):(\d+)\)$/.exec(e.message);
    return at ? `${at[1]}:${at[2]}:${at[3]}: ${e.phrase}` : `${path}:${e.line}:${e.column}: ${e.phrase}`;
  }
  if (e instanceof DecodeError || e instanceof ValidationError || e instanceof NotAComponent) return component ? `${path}: ${e.message}` : e.message;
  return undefined;
}
