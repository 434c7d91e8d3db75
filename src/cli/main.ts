// The `tessera` command line: dispatches to one file per command. Commands load on demand:
// Node strips the types of every TypeScript file it imports, so `tessera run` should not pay
// for the text parser or the spec runner.
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './command.ts';

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  inspect: async () => (await import('./inspect.ts')).inspect,
  parse: async () => (await import('./parse.ts')).parse,
  print: async () => (await import('./print.ts')).print,
  validate: async () => (await import('./validate.ts')).validate,
  run: async () => (await import('./run.ts')).run,
  serve: async () => (await import('./serve.ts')).serve,
  wast: async () => (await import('./wast.ts')).wast,
  wit: async () => (await import('./wit.ts')).wit,
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return `Tessera: a WebAssembly toolkit and runtime for TypeScript.

Usage: tessera <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)}${c.summary}`).join('\n')}

Run \`tessera <command> --help\` for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' && Object.hasOwn(COMMANDS, rest[0] ?? '') ? await COMMANDS[rest[0]]() : undefined;
    process.stdout.write(`${topic ? topic.help : await usage()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`tessera: unknown command '${name}'\n\n${await usage()}\n`);
    return EXIT_USAGE;
  }
  const command = await COMMANDS[name]();
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
