// The `tessera` command line: dispatches to one file per command.
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './command.ts';
import { inspect } from './inspect.ts';
import { parse } from './parse.ts';
import { validate } from './validate.ts';
import { run } from './run.ts';
import { wast } from './wast.ts';

const COMMANDS: readonly Command[] = [inspect, parse, validate, run, wast];

const USAGE = `Tessera: a WebAssembly toolkit and runtime for TypeScript.

Usage: tessera <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)}${c.summary}`).join('\n')}

Run \`tessera <command> --help\` for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${topic ? topic.help : USAGE}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`tessera: unknown command '${name}'\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(`${command.help}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`tessera ${name}: ${e.message}\n\n${command.help}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES')) {
      process.stderr.write(`tessera ${name}: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    throw e;
  }
}
