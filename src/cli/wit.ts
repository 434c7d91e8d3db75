// `tessera wit`: parse, resolve and print a WIT package (a file, or a directory with its
// `deps/`), like `wasm-tools component wit` on a WIT path.
import { parseArgs } from 'node:util';
import { loadWit } from '../component/wit/load.ts';
import { nodeWitFileTree } from '../component/wit/node.ts';
import { printWit } from '../component/wit/print.ts';
import { ParseError } from '../core/errors.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';

export const wit: Command = {
  name: 'wit',
  summary: 'Check a WIT package (file or folder with deps/) and print it resolved',
  help: `Usage: tessera wit [options] <file.wit|dir>

Parses and resolves WIT: a .wit file is one package (with any nested \`package x { }\`
blocks); a directory's .wit files form one package and each entry of its deps/ folder a
dependency. Prints the resolved package, dependencies as nested packages after it.

Options:
  --features LIST   Enable @unstable(feature = NAME) items, comma-separated
  --check           Only check; print nothing when the WIT is good
  -h, --help        Show this help

Exit codes: 0 resolved, 1 malformed or unresolvable (printed with file:line:column), 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, options: { features: { type: 'string' }, check: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new UsageError('wit needs exactly one file or directory');
    const features = (values.features ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const path = positionals[0];
    try {
      const { resolve, main } = loadWit(nodeWitFileTree, path, { features });
      if (!values.check) process.stdout.write(printWit(resolve, main));
      return EXIT_OK;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      process.stderr.write(`${e.message}\n`);
      return EXIT_FAILURE;
    }
  },
};
