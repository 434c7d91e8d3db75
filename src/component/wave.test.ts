import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FuncT, TypeEntry, VT } from './validate/model.ts';
import { jsToWave, parseWave, parseWaveCall, waveArgs, waveToJs } from './wave.ts';

const entry = (def: TypeEntry['def']): TypeEntry => ({ def });
const rec = entry({ kind: 'record', fields: [['must-have', 'u8'], ['optional', entry({ kind: 'option', type: 'u8' })]] });
const variant = entry({ kind: 'variant', cases: [['empty', undefined], ['body', entry({ kind: 'list', element: 'u8' })], ['err', 'string']] });
const en = entry({ kind: 'enum', names: ['ok', 'not-found'] });
const fl = entry({ kind: 'flags', names: ['read', 'write', 'exec'] });
const optU8 = entry({ kind: 'option', type: 'u8' });
const optOpt = entry({ kind: 'option', type: optU8 });
const res = entry({ kind: 'result', ok: 'u8', error: 'string' });
const unitRes = entry({ kind: 'result' });
const tuple = entry({ kind: 'tuple', types: ['string', 's64', 'f32'] });
const strings = entry({ kind: 'list', element: 'string' });

const read = (text: string, t: VT) => waveToJs(parseWave(text), t);
const roundTrip = (text: string, t: VT) => jsToWave(read(text, t), t);

test('primitives', () => {
  assert.equal(read('true', 'bool'), true);
  assert.equal(read('-9', 's32'), -9);
  assert.equal(read('18446744073709551615', 'u64'), 2n ** 64n - 1n);
  assert.throws(() => read('256', 'u8'), /out of range/);
  assert.throws(() => read('1.5', 'u32'), /expected an integer/);
  assert.equal(read('6.022e+23', 'f64'), 6.022e23);
  assert.ok(Number.isNaN(read('nan', 'f64') as number));
  assert.equal(read('-inf', 'f32'), -Infinity);
  assert.equal(read("'\\u{2603}'", 'char'), '☃');
  assert.equal(read('"abc\\t123 \\"q\\""', 'string'), 'abc\t123 "q"');
  assert.equal(read('"""\n    Indentation determined\n      by ending delimiter\n  """', 'string'), '  Indentation determined\n    by ending delimiter');
  assert.equal(jsToWave('a"b\n', 'string'), '"a\\"b\\n"');
  assert.equal(jsToWave("'", 'char'), "'\\''");
  assert.equal(jsToWave(-0, 'f64'), '-0');
});

test('compound values both ways', () => {
  assert.deepEqual(read('{must-have: 123}', rec), { 'must-have': 123, optional: undefined });
  assert.equal(roundTrip('{ optional: 5, must-have: 1, }', rec), '{must-have: 1, optional: some(5)}');
  assert.throws(() => read('{optional: 5}', rec), /missing field `must-have`/);
  assert.deepEqual(read('body([79, 75])', variant), { tag: 'body', val: new Uint8Array([79, 75]) });
  assert.equal(roundTrip('%err("oops")', variant), '%err("oops")');
  assert.throws(() => read('err("oops")', variant), /keyword/);
  assert.deepEqual(read('empty', variant), { tag: 'empty' });
  assert.equal(read('not-found', en), 'not-found');
  assert.equal(roundTrip('%ok', en), '%ok');
  assert.deepEqual(read('{write, read,}', fl), { read: true, write: true, exec: false });
  assert.equal(roundTrip('{}', fl), '{}');
  assert.deepEqual(read('("abc", -5, 1.5)', tuple), ['abc', -5n, 1.5]);
  assert.deepEqual(read('["a", "b"]', strings), ['a', 'b']);
  assert.equal(read('123', optU8), 123);
  assert.equal(read('some(123)', optU8), 123);
  assert.equal(read('none', optU8), undefined);
  assert.deepEqual(read('some(none)', optOpt), { tag: 'some', val: undefined });
  assert.deepEqual(read('none', optOpt), { tag: 'none' });
  assert.equal(jsToWave({ tag: 'some', val: 4 }, optOpt), 'some(some(4))');
  assert.deepEqual(read('7', res), { tag: 'ok', val: 7 });
  assert.deepEqual(read('err("no") // comment', res), { tag: 'err', val: 'no' });
  assert.equal(roundTrip('ok', unitRes), 'ok');
  assert.throws(() => read('ok(1)', unitRes), /no payload/);
});

test('calls: names, arguments, trailing nones', () => {
  const f: FuncT = { async: false, params: [['a', 'string'], ['b', optU8], ['c', optU8]] };
  const call = parseWaveCall('greet("hi", some(1))');
  assert.equal(call.name, 'greet');
  assert.deepEqual(waveArgs(f, call.args), ['hi', 1, undefined]);
  assert.deepEqual(parseWaveCall('wasi:cli/run@0.2.12#run()'), { name: 'wasi:cli/run@0.2.12#run', args: [] });
  assert.throws(() => waveArgs(f, []), /missing argument `a`/);
  assert.throws(() => waveArgs(f, parseWaveCall('g(1, 2, 3, 4)').args), /3 arguments expected/);
  assert.throws(() => parseWaveCall('g(1, 2'), /expected/);
  assert.throws(() => parseWave('[1, 2] x'), /unexpected text/);
});
