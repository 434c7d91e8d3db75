// The keywords of the text format besides instruction mnemonics. The parser uses them only
// to word its errors as the reference interpreter does: a token it has never heard of is an
// "unknown operator", a known one in the wrong place an "unexpected token".
import { opcodeByName } from '../core/opcodes.ts';
import { NumberError, parseF64, parseU64 } from './numbers.ts';

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
  if (s === 'nan:canonical' || s === 'nan:arithmetic') return true;
  if (s.startsWith('offset=')) return isNumeral(s.slice(7), false);
  if (s.startsWith('align=')) return isNumeral(s.slice(6), false);
  return isNumeral(s, true);
}

/**
 * True if `s` is a numeral of the text format's grammar (a natural, an integer, or a
 * float when `signedOrFloat`): the reference lexer's NAT, INT and FLOAT tokens.
 */
export function isNumeral(s: string, signedOrFloat: boolean): boolean {
  if (!signedOrFloat) {
    try {
      parseU64(s, 0, s.length);
      return true;
    } catch (e) {
      return e instanceof NumberError && e.kind === 'range';
    }
  }
  try {
    parseF64(s, 0, s.length);
    return true;
  } catch (e) {
    return e instanceof NumberError && e.kind === 'range';
  }
}
