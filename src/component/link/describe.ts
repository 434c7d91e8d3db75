// Types and JavaScript values in words, for LinkError messages ("expected func(x: u32) ->
// string, got a number").
import type { EntityT, FuncT, VT } from '../validate/model.ts';

const MAX = 200;

function cut(s: string): string {
  return s.length <= MAX ? s : `${s.slice(0, MAX - 3)}...`;
}

export function describeVT(t: VT, depth = 0): string {
  if (typeof t === 'string') return t;
  if (depth > 4) return '...';
  const d = t.def;
  const v = (x: VT): string => describeVT(x, depth + 1);
  switch (d.kind) {
    case 'prim': return d.type;
    case 'record': return `record { ${d.fields.map(([n, f]) => `${n}: ${v(f)}`).join(', ')} }`;
    case 'variant': return `variant { ${d.cases.map(([n, c]) => (c === undefined ? n : `${n}(${v(c)})`)).join(', ')} }`;
    case 'list': return d.length === undefined ? `list<${v(d.element)}>` : `list<${v(d.element)}, ${d.length}>`;
    case 'tuple': return `tuple<${d.types.map(v).join(', ')}>`;
    case 'flags': return `flags { ${d.names.join(', ')} }`;
    case 'enum': return `enum { ${d.names.join(', ')} }`;
    case 'option': return `option<${v(d.type)}>`;
    case 'result': return `result<${d.ok === undefined ? '_' : v(d.ok)}, ${d.error === undefined ? '_' : v(d.error)}>`;
    case 'own': return 'own<resource>';
    case 'borrow': return 'borrow<resource>';
    case 'stream': case 'future': return d.element === undefined ? d.kind : `${d.kind}<${v(d.element)}>`;
    case 'map': return `map<${v(d.key)}, ${v(d.value)}>`;
    default: return d.kind;
  }
}

export function describeFunc(f: FuncT): string {
  const params = f.params.map(([n, t]) => `${n}: ${describeVT(t)}`).join(', ');
  return cut(`${f.async ? 'async ' : ''}func(${params})${f.result === undefined ? '' : ` -> ${describeVT(f.result)}`}`);
}

export function describeEntity(e: EntityT): string {
  switch (e.kind) {
    case 'func': return describeFunc(e.type);
    case 'value': return `value ${describeVT(e.type)}`;
    case 'type': return e.type.def.kind === 'resource' ? 'resource type (a class)' : `type ${describeVT(e.type)}`;
    case 'instance': return cut(`instance { ${[...e.type.exports.keys()].join(', ')} }`);
    case 'component': return 'component (a CompiledComponent)';
    case 'module': return 'core module (a WebAssembly.Module)';
  }
}

/** What kind of JavaScript value `v` is. */
export function describeJs(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'function': {
      const src = Function.prototype.toString.call(v);
      return src.startsWith('class') ? `a class (${(v as { name: string }).name || 'anonymous'})` : 'a function';
    }
    case 'object': {
      if (Array.isArray(v)) return 'an array';
      const name = (v as { constructor?: { name?: string } }).constructor?.name;
      return name && name !== 'Object' ? `an object (${name})` : 'an object';
    }
    case 'string': return `a string (${cut(JSON.stringify(v))})`;
    case 'bigint': return `a bigint (${v}n)`;
    default: return `a ${typeof v} (${String(v)})`;
  }
}
