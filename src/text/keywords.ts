// The keywords of the text format besides instruction mnemonics. The parser uses them only
// to word its errors as the reference interpreter does: a token it has never heard of is an
// "unknown operator", a known one in the wrong place an "unexpected token".
import { opcodeByName } from '../core/opcodes.ts';

const SYNTAX = new Set([
  'module', 'func', 'param', 'result', 'local', 'type', 'import', 'export', 'table', 'memory',
  'global', 'elem', 'data', 'start', 'offset', 'item', 'declare', 'mut', 'sub', 'final', 'rec',
  'struct', 'array', 'field', 'ref', 'null', 'tag', 'then', 'do', 'shared', 'pagesize',
  'i32', 'i64', 'f32', 'f64', 'v128', 'i8', 'i16', 'i8x16', 'i16x8', 'i32x4', 'i64x2', 'f32x4',
  'f64x2', 'funcref', 'externref', 'anyref', 'eqref', 'i31ref', 'structref', 'arrayref',
  'nullref', 'nullfuncref', 'nullexternref', 'exnref', 'nullexnref', 'extern', 'any', 'eq',
  'i31', 'none', 'nofunc', 'noextern', 'exn', 'noexn', 'catch_ref', 'catch_all_ref', 'inf',
  'nan', 'quote', 'binary', 'definition', 'instance', 'register', 'invoke', 'get', 'either',
  'assert_return', 'assert_trap', 'assert_exhaustion', 'assert_exception', 'assert_invalid',
  'assert_malformed', 'assert_unlinkable', 'assert_uninstantiable', 'script', 'input', 'output',
]);

export function isKnownKeyword(s: string): boolean {
  if (SYNTAX.has(s) || opcodeByName(s) !== undefined) return true;
  return s.startsWith('offset=') || s.startsWith('align=') || s.startsWith('nan:');
}
