// Component values in scripts (the wast crate's `WastVal`, as the component-model tests write
// them): `(bool.const true)`, `(u32.const 5)`, `(char.const "a")`, `(str.const "..")`,
// `(list.const v*)`, `(record.const (field "name" v)*)`, `(tuple.const v*)`,
// `(variant.const "case" v?)`, `(enum.const "case")`, `(flags.const "a"*)`,
// `(option.none)`, `(option.some v)`, `(result.ok v?)`, `(result.err v?)`. Inside `field`
// the value may be written without its parentheses: `(field "n" u32.const 7)`.
import { type Cursor, T_LPAREN, T_STRING } from '../../text/cursor.ts';

export type ScriptValue =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 'f32' | 'f64'; readonly value: number }
  | { readonly kind: 's64' | 'u64'; readonly value: bigint }
  | { readonly kind: 'char' | 'string'; readonly value: string }
  | { readonly kind: 'list' | 'tuple'; readonly items: readonly ScriptValue[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, ScriptValue])[] }
  | { readonly kind: 'variant'; readonly case: string; readonly value?: ScriptValue }
  | { readonly kind: 'enum'; readonly case: string }
  | { readonly kind: 'flags'; readonly names: readonly string[] }
  | { readonly kind: 'option'; readonly value?: ScriptValue }
  | { readonly kind: 'result'; readonly ok: boolean; readonly value?: ScriptValue };

const f32View = new DataView(new ArrayBuffer(8));

function f32(bits: number): number {
  f32View.setUint32(0, bits);
  return f32View.getFloat32(0);
}

function f64(bits: bigint): number {
  f32View.setBigUint64(0, bits);
  return f32View.getFloat64(0);
}

/** `( head ... )` at the cursor. */
export function parseScriptValue(c: Cursor): ScriptValue {
  c.lparen();
  const v = valueBody(c);
  c.rparen();
  return v;
}

/** Values until the closing parenthesis of the enclosing form. */
export function parseScriptValues(c: Cursor): ScriptValue[] {
  const out: ScriptValue[] = [];
  while (c.at(T_LPAREN)) out.push(parseScriptValue(c));
  return out;
}

function optionalValue(c: Cursor): ScriptValue | undefined {
  return c.at(T_LPAREN) ? parseScriptValue(c) : undefined;
}

/** A value's head keyword and operands, without its parentheses. */
function valueBody(c: Cursor): ScriptValue {
  const at = c.pos;
  const head = c.peekKeyword();
  if (head === undefined) c.unexpected();
  c.pos++;
  switch (head) {
    case 'bool.const': {
      if (c.eatKw('true')) return { kind: 'bool', value: true };
      if (c.eatKw('false')) return { kind: 'bool', value: false };
      return c.unexpected();
    }
    case 's8.const': case 's16.const': case 's32.const': {
      const bits = head === 's8.const' ? 8 : head === 's16.const' ? 16 : 32;
      const v = c.intN(bits);
      return { kind: head.slice(0, -6) as 's8', value: bits === 32 ? v | 0 : (v << (32 - bits)) >> (32 - bits) };
    }
    case 'u8.const': case 'u16.const': case 'u32.const': {
      const bits = head === 'u8.const' ? 8 : head === 'u16.const' ? 16 : 32;
      const v = c.intN(bits);
      return { kind: head.slice(0, -6) as 'u8', value: bits === 32 ? v >>> 0 : v & ((1 << bits) - 1) };
    }
    case 's64.const': return { kind: 's64', value: BigInt.asIntN(64, c.i64()) };
    case 'u64.const': return { kind: 'u64', value: BigInt.asUintN(64, c.i64()) };
    case 'f32.const': return { kind: 'f32', value: f32(c.f32()) };
    case 'f64.const': return { kind: 'f64', value: f64(c.f64()) };
    case 'char.const': {
      const s = c.name();
      if ([...s].length !== 1) c.fail(at, 'a char constant is one Unicode scalar value');
      return { kind: 'char', value: s };
    }
    case 'str.const': return { kind: 'string', value: c.name() };
    case 'list.const': return { kind: 'list', items: parseScriptValues(c) };
    case 'tuple.const': return { kind: 'tuple', items: parseScriptValues(c) };
    case 'record.const': {
      const fields: [string, ScriptValue][] = [];
      while (c.eatParen('field')) {
        const name = c.name();
        const v = c.at(T_LPAREN) ? parseScriptValue(c) : valueBody(c);
        c.rparen();
        fields.push([name, v]);
      }
      return { kind: 'record', fields };
    }
    case 'variant.const': {
      const name = c.name();
      const v = optionalValue(c);
      return v === undefined ? { kind: 'variant', case: name } : { kind: 'variant', case: name, value: v };
    }
    case 'enum.const': return { kind: 'enum', case: c.name() };
    case 'flags.const': {
      const names: string[] = [];
      while (c.at(T_STRING)) names.push(c.name());
      return { kind: 'flags', names };
    }
    case 'option.none': return { kind: 'option' };
    case 'option.some': return { kind: 'option', value: parseScriptValue(c) };
    case 'result.ok': case 'result.err': {
      const v = optionalValue(c);
      const ok = head === 'result.ok';
      return v === undefined ? { kind: 'result', ok } : { kind: 'result', ok, value: v };
    }
  }
  return c.fail(at, `unknown component value ${head}`);
}
