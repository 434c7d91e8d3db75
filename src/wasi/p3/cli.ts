// wasi:cli@0.3.0 (https://github.com/WebAssembly/WASI/tree/v0.3.0/proposals/cli/wit): arguments
// and environment, exit, the standard streams and the terminal interfaces. In 0.3 the standard
// streams are Component Model streams (src/component/async): `stdin.read-via-stream` gives the
// guest a stream<u8> the host fills from its input, `stdout.write-via-stream` takes the
// guest's stream<u8> and the host drains it into its output; each also gives a future that
// settles, with ok or an error code, once the stream is done. Deny by default, as the 0.2 host:
// no arguments, no variables, empty stdin and discarded output unless granted.
import { environment as environmentP2 } from '../p2/cli.ts';
import type { ComponentStream } from '../../component/link/index.ts';
import type { InputStream as ByteInput, OutputStream as ByteOutput } from '../shared/stdio.ts';

/** `wasi:cli/environment`: 0.2's, with `initial-cwd` renamed `get-initial-cwd` in 0.3. */
export function environment(args: readonly string[], env: readonly (readonly [string, string])[], cwd: string | undefined) {
  const { 'initial-cwd': initialCwd, ...rest } = environmentP2(args, env, cwd);
  return { ...rest, 'get-initial-cwd': initialCwd };
}

/** `wasi:cli/exit`: the same as 0.2's; `WasiP3.run` turns the WasiExit into a status. */
export { exit } from '../p2/cli.ts';

/** `result<_, error-code>` as a value inside a future. */
type Outcome = { tag: 'ok' } | { tag: 'err'; val: 'io' | 'illegal-byte-sequence' | 'pipe' };
const OK: Outcome = { tag: 'ok' };

/** The host's input as an async iterable of chunks: read what is there, wait when told to. */
async function* chunksOf(input: ByteInput, outcome: (o: Outcome) => void): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const bytes = input.read(1 << 16);
      if (bytes === undefined) {
        await (input.whenReadable?.() ?? Promise.resolve());
        continue;
      }
      if (bytes.length === 0) break;
      yield bytes;
    }
    outcome(OK);
  } catch {
    outcome({ tag: 'err', val: 'io' });
  }
}

/** Drains a guest's stream into an output; settles with the outcome. */
async function drain(data: ComponentStream, output: ByteOutput): Promise<Outcome> {
  try {
    for (;;) {
      const chunk = await data.read();
      if (chunk === undefined) return OK;
      output.write(chunk as Uint8Array);
    }
  } catch {
    await data.cancel();
    return { tag: 'err', val: 'pipe' };
  }
}

/** The `terminal-input` resource: its presence says stdin is a terminal. */
export class TerminalInput {}
/** The `terminal-output` resource. */
export class TerminalOutput {}

export interface Stdio {
  readonly stdin: ByteInput;
  readonly stdout: ByteOutput;
  readonly stderr: ByteOutput;
}

/** `wasi:cli/types`, `stdin`, `stdout`, `stderr` and the terminal interfaces. */
export function stdio(s: Stdio) {
  return {
    types: {},
    stdin: {
      'read-via-stream': (): [AsyncIterable<Uint8Array>, Promise<Outcome>] => {
        let settle!: (o: Outcome) => void;
        const done = new Promise<Outcome>((resolve) => { settle = resolve; });
        return [chunksOf(s.stdin, settle), done];
      },
    },
    stdout: { 'write-via-stream': (data: ComponentStream): Promise<Outcome> => drain(data, s.stdout) },
    stderr: { 'write-via-stream': (data: ComponentStream): Promise<Outcome> => drain(data, s.stderr) },
    'terminal-input': { 'terminal-input': TerminalInput },
    'terminal-output': { 'terminal-output': TerminalOutput },
    'terminal-stdin': { 'get-terminal-stdin': (): TerminalInput | undefined => (s.stdin.isTTY === true ? new TerminalInput() : undefined) },
    'terminal-stdout': { 'get-terminal-stdout': (): TerminalOutput | undefined => (s.stdout.isTTY === true ? new TerminalOutput() : undefined) },
    'terminal-stderr': { 'get-terminal-stderr': (): TerminalOutput | undefined => (s.stderr.isTTY === true ? new TerminalOutput() : undefined) },
  };
}
