// 🔀 Structural identity of value types at run time, for the dynamic type checks of the async
// ABI: a stream or future end used with a `stream.read` of another element type, or a
// `task.return` whose result type is not the task's (CanonicalABI.md: `trap_if(e.shared.t !=
// stream_t.t)`, `trap_if(result_type != task.ft.result)`). Component value types are equal
// when their structures are, resources compared by their runtime types (generative per
// instance), so a key is the type's structure with each resource replaced by a number.
import type { ValDef, VT } from '../validate/model.ts';

const resourceIds = new WeakMap<object, number>();
let nextId = 1;

function resourceId(rt: object | undefined, rid: number): string {
  if (rt === undefined) return `?${rid}`;
  let id = resourceIds.get(rt);
  if (id === undefined) resourceIds.set(rt, id = nextId++);
  return `r${id}`;
}

/** The key of `t` (undefined: no type) in an instance whose resource types `bind` resolves. */
export function typeKey(t: VT | undefined, bind: (rid: number) => object | undefined): string {
  if (t === undefined) return '_';
  if (typeof t === 'string') return t;
  const d = t.def as ValDef;
  const k = (x: VT | undefined): string => typeKey(x, bind);
  switch (d.kind) {
    case 'prim': return d.type;
    case 'record': return `record{${d.fields.map(([n, f]) => `${n}:${k(f)}`).join(',')}}`;
    case 'variant': return `variant{${d.cases.map(([n, c]) => `${n}:${k(c)}`).join(',')}}`;
    case 'list': return d.length === undefined ? `list<${k(d.element)}>` : `list<${k(d.element)},${d.length}>`;
    case 'tuple': return `tuple<${d.types.map(k).join(',')}>`;
    case 'flags': return `flags{${d.names.join(',')}}`;
    case 'enum': return `enum{${d.names.join(',')}}`;
    case 'option': return `option<${k(d.type)}>`;
    case 'result': return `result<${k(d.ok)},${k(d.error)}>`;
    case 'own': case 'borrow': {
      const r = d.resource.def;
      return `${d.kind}<${r.kind === 'resource' ? resourceId(bind(r.rid), r.rid) : '?'}>`;
    }
    case 'stream': case 'future': return `${d.kind}<${k(d.element)}>`;
    case 'map': return `map<${k(d.key)},${k(d.value)}>`;
  }
}
