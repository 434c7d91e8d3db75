// wasi:cli (https://github.com/WebAssembly/WASI/blob/main/proposals/cli/wit/): arguments and
// environment, exit, the standard streams and the terminal interfaces. Deny by default, as in
// the preview1 host: no arguments, no variables, empty stdin and discarded output unless the
// host grants them; the guest's environment is exactly what it was given.
import { WasiExit } from '../../core/errors.ts';
import type { InputStream as ByteInput } from '../shared/stdio.ts';
import type { IoContext } from './io/poll.ts';
import { type ByteSink, InputStream, OutputStream } from './io/streams.ts';

/** `wasi:cli/environment` */
export function environment(args: readonly string[], env: readonly (readonly [string, string])[], cwd: string | undefined) {
  // Fresh arrays per call: the runtime may keep what a host function returns.
  return {
    'get-environment': (): [string, string][] => env.map(([k, v]) => [k, v]),
    'get-arguments': (): string[] => [...args],
    'initial-cwd': (): string | undefined => cwd,
  };
}

/** `wasi:cli/exit`: unwinds the guest with a WasiExit; whoever started it turns that into a status. */
export function exit() {
  return {
    exit(status: { readonly tag: 'ok' | 'err' }): never {
      throw new WasiExit(status.tag === 'ok' ? 0 : 1);
    },
    'exit-with-code'(code: number): never {
      throw new WasiExit(code & 0xff);
    },
  };
}

/** The `terminal-input` resource: no methods in 0.2, its presence says stdin is a terminal. */
export class TerminalInput {}
/** The `terminal-output` resource. */
export class TerminalOutput {}

export interface StdioOptions {
  readonly stdin: ByteInput;
  readonly stdout: ByteSink;
  readonly stderr: ByteSink;
}

/**
 * `wasi:cli/stdin`, `stdout`, `stderr` and the terminal interfaces. Each call gives a new
 * stream over the same host stream; dropping one does not close the host's.
 */
export function stdio(io: IoContext, s: StdioOptions) {
  return {
    stdin: { 'get-stdin': (): InputStream => new InputStream(io, s.stdin) },
    stdout: { 'get-stdout': (): OutputStream => new OutputStream(io, s.stdout) },
    stderr: { 'get-stderr': (): OutputStream => new OutputStream(io, s.stderr) },
    'terminal-input': { 'terminal-input': TerminalInput },
    'terminal-output': { 'terminal-output': TerminalOutput },
    'terminal-stdin': { 'get-terminal-stdin': (): TerminalInput | undefined => (s.stdin.isTTY === true ? new TerminalInput() : undefined) },
    'terminal-stdout': { 'get-terminal-stdout': (): TerminalOutput | undefined => (s.stdout.isTTY === true ? new TerminalOutput() : undefined) },
    'terminal-stderr': { 'get-terminal-stderr': (): TerminalOutput | undefined => (s.stderr.isTTY === true ? new TerminalOutput() : undefined) },
  };
}
