// Conformance against the Component Model reference tests (../shared/component-model-tests,
// or TESSERA_COMPONENT_TESTS), read in place. For validation/ and binary/: every component
// parses (text) or decodes (binary), encodes, and its encoding decodes back to the same
// bytes, and validates; every assert_malformed is rejected; every assert_invalid is rejected
// (by validateComponent, or already by the parser), its message matched separately.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DecodeError, ParseError, ValidationError } from '../src/core/errors.ts';
import { decodeComponent } from '../src/component/binary/decode.ts';
import { encodeComponent } from '../src/component/binary/encode.ts';
import { validateComponent } from '../src/component/validate/component.ts';
import type { Component } from '../src/component/ast.ts';
import { type ScriptComponent, parseComponentWast } from '../src/component/text/wast.ts';
import { KNOWN_COMPONENT_FAILURES } from './component-tests.known.ts';

const DIR = process.env.TESSERA_COMPONENT_TESTS ?? join(import.meta.dirname, '../../shared/component-model-tests');
const FOLDERS = ['validation', 'binary'];

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Parses, encodes, decodes the encoding and re-encodes it: the same bytes both times. */
function roundTrip(sc: ScriptComponent): Component {
  const component = sc.parse();
  const bytes = encodeComponent(component);
  const again = encodeComponent(decodeComponent(bytes));
  if (!equal(bytes, again)) throw new Error('encoding does not survive decode and encode');
  return component;
}

test('component-model-tests: validation/ and binary/', { skip: !existsSync(DIR) && `no ${DIR}` }, () => {
  let passed = 0;
  let skipped = 0;
  let invalidTotal = 0;
  let invalidByParser = 0;
  let invalidByValidator = 0;
  let phraseMatched = 0;
  const phraseMismatches: string[] = [];
  const failures: string[] = [];
  const knownSeen = new Set<string>();
  for (const folder of FOLDERS) {
    const dir = join(DIR, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.wast')).sort()) {
      const commands = parseComponentWast(readFileSync(join(dir, file), 'utf8'));
      for (const cmd of commands) {
        const key = `${folder}/${file}:${cmd.line}`;
        let error: string | undefined;
        if (cmd.kind === 'component') {
          try { validateComponent(roundTrip(cmd.component)); } catch (e) { error = e instanceof Error ? e.message : String(e); }
        } else if (cmd.kind === 'assert_malformed') {
          try {
            roundTrip(cmd.component);
            error = `not rejected (expected "${cmd.message}")`;
          } catch (e) {
            if (!(e instanceof DecodeError || e instanceof ParseError)) error = `wrong error: ${String(e)}`;
          }
        } else if (cmd.kind === 'assert_invalid') {
          invalidTotal++;
          let component: Component | undefined;
          try { component = roundTrip(cmd.component); } catch (e) {
            invalidByParser++;
            if (e instanceof Error && e.message.includes(cmd.message)) phraseMatched++;
            else phraseMismatches.push(`${key}: expected "${cmd.message}", parser said "${String(e)}"`);
          }
          if (component !== undefined) {
            try {
              validateComponent(component);
              error = `not rejected (expected "${cmd.message}")`;
            } catch (e) {
              if (!(e instanceof ValidationError)) error = `wrong error: ${String(e)}`;
              else {
                invalidByValidator++;
                if (e.message.includes(cmd.message)) phraseMatched++;
                else phraseMismatches.push(`${key}: expected "${cmd.message}", got "${e.phrase}"`);
              }
            }
          }
        } else {
          skipped++;
          continue;
        }
        const known = KNOWN_COMPONENT_FAILURES.get(key);
        if (known !== undefined) {
          knownSeen.add(key);
          if (error === undefined) failures.push(`${key}: listed as a known failure but passes`);
          else skipped++;
        } else if (error === undefined) passed++;
        else failures.push(`${key}: ${error}`);
      }
    }
  }
  console.log(`component-tests: ${passed} passed, ${failures.length} failed, ${skipped} skipped; ` +
    `assert_invalid: ${invalidTotal}, rejected by the validator ${invalidByValidator}, by the parser ` +
    `${invalidByParser}; ${phraseMatched} with the expected phrase (TESSERA_SHOW_PHRASES=1 lists the others)`);
  if (process.env.TESSERA_SHOW_PHRASES) for (const m of phraseMismatches) console.log(`  phrase: ${m}`);
  for (const key of KNOWN_COMPONENT_FAILURES.keys()) {
    if (!knownSeen.has(key)) failures.push(`${key}: known failure no longer found`);
  }
  assert.deepEqual(failures, []);
});
