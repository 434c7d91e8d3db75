// One script, start to end: parse it (UTF-8 text, the script parser of src/text), then run
// every command in a fresh runner (its own engine state, linker and `spectest`). A script
// that does not parse is one failure. Component scripts go to component-run.ts.
import { ParseError } from '../core/errors.ts';
import { decodeSource } from '../text/parse.ts';
import { parseWast, type Script } from '../text/wast.ts';
import { isComponentScript, runComponentWast, runComponentWastAsync } from './component-run.ts';
import { type Outcome, type RunOptions, ScriptRunner } from './run.ts';

/** Runs a WAST script given as text or UTF-8 bytes; one outcome per command. */
export function runWast(source: string | Uint8Array, options: RunOptions = {}): Outcome[] {
  let script: Script;
  try {
    const text = decodeSource(source);
    // The Component Model tests' dialect has a runner of its own.
    if (isComponentScript(text)) return runComponentWast(text).outcomes;
    script = parseWast(text);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return [{ line: e.line, command: 'script', status: 'failed', message: `script does not parse: ${e.message}` }];
  }
  return new ScriptRunner(options).runAll(script.commands);
}

/**
 * 🔀 runWast, awaiting component scripts' async exports (core scripts run as runWast does).
 */
export async function runWastAsync(source: string | Uint8Array, options: RunOptions = {}): Promise<Outcome[]> {
  let text: string;
  try {
    text = decodeSource(source);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return [{ line: e.line, command: 'script', status: 'failed', message: `script does not parse: ${e.message}` }];
  }
  if (isComponentScript(text)) return (await runComponentWastAsync(text)).outcomes;
  return runWast(text, options);
}
