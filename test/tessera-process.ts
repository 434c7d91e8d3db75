// `tessera run` as a user runs it, for the CLI tests: a child process of bin/tessera.js that
// does not block this process (a test may serve the guest meanwhile), its output collected.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which then ends. */
  readonly input?: string;
}

/** Runs `tessera run ARGS`. */
export function tesseraRun(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, 'run', ...args], { cwd: options.cwd, env: options.env ?? process.env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('close', (code) => resolve({ code, out, err }));
    p.stdin.end(options.input ?? '');
  });
}
