// The WIT printer: a resolved package back to WIT text. The main package is printed as the
// file's package and every other package as a nested `package x { }` block, so the output
// resolves on its own to the same model (print → parse → resolve round-trips).
import { KEYWORDS, kebabProblem } from './lexer.ts';
import {
  type Func, type InterfaceId, type PackageId, type PackageName, type Resolve, type Stability,
  type Type, type TypeId, type WorldItem,
} from './model.ts';

/** WIT text for `main` and, as nested packages, every other package of `resolve`. */
export function printWit(resolve: Resolve, main: PackageId): string {
  const out: string[] = [];
  const pkg = resolve.packages[main];
  docs(out, pkg.docs, '');
  out.push(`package ${packageText(pkg.name)};`, '');
  body(resolve, main, out, '');
  // Other packages in name order: arena order depends on how dependencies were walked.
  const others = resolve.packages.map((p, id) => ({ p, id })).filter((x) => x.id !== main)
    .sort((a, b) => (packageText(a.p.name) < packageText(b.p.name) ? -1 : 1));
  others.forEach(({ p, id }) => {
    docs(out, p.docs, '');
    out.push(`package ${packageText(p.name)} {`);
    body(resolve, id, out, '  ');
    out.push('}', '');
  });
  return `${out.join('\n').trimEnd()}\n`;
}

function packageText(n: PackageName): string {
  return `${ident(n.namespace)}:${ident(n.name)}${n.version ? `@${n.version}` : ''}`;
}

/** An identifier, `%`-escaped when it is a keyword. */
export function ident(name: string): string {
  return KEYWORDS.has(name) || kebabProblem(name) ? `%${name}` : name;
}

function docs(out: string[], text: string | undefined, indent: string): void {
  if (text === undefined) return;
  for (const line of text.split('\n')) out.push(`${indent}///${line === '' ? '' : ` ${line}`}`);
}

function gates(out: string[], s: Stability, indent: string): void {
  if (s.since) out.push(`${indent}@since(version = ${s.since})`);
  if (s.unstable) out.push(`${indent}@unstable(feature = ${s.unstable})`);
  if (s.deprecated) out.push(`${indent}@deprecated(version = ${s.deprecated})`);
}

function body(resolve: Resolve, pkgId: PackageId, out: string[], indent: string): void {
  const pkg = resolve.packages[pkgId];
  for (const [name, id] of pkg.interfaces) {
    const iface = resolve.interfaces[id];
    docs(out, iface.docs, indent);
    gates(out, iface.stability, indent);
    out.push(`${indent}interface ${ident(name)} {`);
    interfaceItems(resolve, pkgId, id, out, `${indent}  `);
    out.push(`${indent}}`, '');
  }
  for (const [name, id] of pkg.worlds) {
    const world = resolve.worlds[id];
    docs(out, world.docs, indent);
    gates(out, world.stability, indent);
    out.push(`${indent}world ${ident(name)} {`);
    const inner = `${indent}  `;
    const types: TypeId[] = [];
    for (const [dir, items] of [['import', world.imports], ['export', world.exports]] as const) {
      for (const [key, item] of items) {
        if (item.tag === 'type') types.push(item.id);
        else worldItem(resolve, pkgId, dir, key, item, out, inner);
      }
    }
    typeItems(resolve, pkgId, types, [...world.imports.values()].flatMap((i) => (i.tag === 'function' ? [i.func] : [])), out, inner);
    out.push(`${indent}}`, '');
  }
}

/** How a package refers to an interface: its bare name at home, its full name elsewhere. */
function interfacePath(resolve: Resolve, from: PackageId, id: InterfaceId): string {
  const iface = resolve.interfaces[id];
  if (iface.package === from || iface.package === undefined) return ident(iface.name ?? '');
  const p = resolve.packages[iface.package].name;
  return `${ident(p.namespace)}:${ident(p.name)}/${ident(iface.name ?? '')}${p.version ? `@${p.version}` : ''}`;
}

function worldItem(resolve: Resolve, pkgId: PackageId, dir: string, key: string, item: WorldItem, out: string[], indent: string): void {
  if (item.tag === 'function') {
    if (item.func.kind.tag !== 'freestanding') return; // printed inside its resource
    docs(out, item.func.docs, indent);
    gates(out, item.func.stability, indent);
    if (item.externalId !== undefined) out.push(`${indent}@external-id(${JSON.stringify(item.externalId)})`);
    out.push(`${indent}${dir} ${ident(key)}: ${funcType(resolve, item.func)};`);
    return;
  }
  if (item.tag !== 'interface') return;
  docs(out, item.docs, indent);
  gates(out, item.stability, indent);
  if (item.externalId !== undefined) out.push(`${indent}@external-id(${JSON.stringify(item.externalId)})`);
  const iface = resolve.interfaces[item.id];
  if (key.includes(':')) out.push(`${indent}${dir} ${interfacePath(resolve, pkgId, item.id)};`);
  else if (iface.name === undefined) {
    out.push(`${indent}${dir} ${ident(key)}: interface {`);
    interfaceItems(resolve, pkgId, item.id, out, `${indent}  `);
    out.push(`${indent}}`);
  } else out.push(`${indent}${dir} ${ident(key)}: ${interfacePath(resolve, pkgId, item.id)};`);
}

function interfaceItems(resolve: Resolve, pkgId: PackageId, id: InterfaceId, out: string[], indent: string): void {
  const iface = resolve.interfaces[id];
  typeItems(resolve, pkgId, [...iface.types.values()], [...iface.functions.values()], out, indent);
  for (const f of iface.functions.values()) {
    if (f.kind.tag !== 'freestanding') continue;
    docs(out, f.docs, indent);
    gates(out, f.stability, indent);
    out.push(`${indent}${ident(f.name)}: ${funcType(resolve, f)};`);
  }
}

/** `use`s, then type definitions in dependency (arena) order, resources with their functions. */
function typeItems(resolve: Resolve, pkgId: PackageId, ids: TypeId[], funcs: Func[], out: string[], indent: string): void {
  const sorted = [...ids].sort((a, b) => a - b);
  for (const id of sorted) {
    const def = resolve.types[id];
    if (def.kind.tag !== 'type' || typeof def.kind.type !== 'number') continue;
    const target = resolve.types[def.kind.type];
    if (!target.owner || !('interface' in target.owner) || (def.owner && 'interface' in def.owner && def.owner.interface === target.owner.interface)) continue;
    docs(out, def.docs, indent);
    gates(out, def.stability, indent);
    const name = target.name === def.name ? ident(def.name ?? '') : `${ident(target.name ?? '')} as ${ident(def.name ?? '')}`;
    out.push(`${indent}use ${interfacePath(resolve, pkgId, target.owner.interface)}.{${name}};`);
  }
  for (const id of sorted) {
    const def = resolve.types[id];
    const name = ident(def.name ?? '');
    const k = def.kind;
    if (k.tag === 'type' && typeof k.type === 'number') {
      const target = resolve.types[k.type];
      if (target.owner && 'interface' in target.owner && !(def.owner && 'interface' in def.owner && def.owner.interface === target.owner.interface)) continue;
    }
    docs(out, def.docs, indent);
    gates(out, def.stability, indent);
    // Members print one per line, each after its own doc comment.
    const list = <T extends { docs?: string }>(items: readonly T[], text: (item: T) => string): string => {
      if (items.length === 0) return '{}';
      const lines: string[] = [];
      for (const item of items) {
        docs(lines, item.docs, `${indent}  `);
        lines.push(`${indent}  ${text(item)},`);
      }
      return `{\n${lines.join('\n')}\n${indent}}`;
    };
    switch (k.tag) {
      case 'record': out.push(`${indent}record ${name} ${list(k.fields, (f) => `${ident(f.name)}: ${typeText(resolve, f.type)}`)}`); break;
      case 'variant': out.push(`${indent}variant ${name} ${list(k.cases, (c) => (c.type === undefined ? ident(c.name) : `${ident(c.name)}(${typeText(resolve, c.type)})`))}`); break;
      case 'enum': out.push(`${indent}enum ${name} ${list(k.cases, (c) => ident(c.name))}`); break;
      case 'flags': out.push(`${indent}flags ${name} ${list(k.flags, (c) => ident(c.name))}`); break;
      case 'resource': {
        const own = funcs.filter((f) => f.kind.tag !== 'freestanding' && f.kind.resource === id);
        if (own.length === 0) {
          out.push(`${indent}resource ${name};`);
          break;
        }
        out.push(`${indent}resource ${name} {`);
        for (const f of own) {
          docs(out, f.docs, `${indent}  `);
          gates(out, f.stability, `${indent}  `);
          if (f.kind.tag === 'constructor') {
            const result = f.result !== undefined && typeof f.result === 'number' && resolve.types[f.result].kind.tag === 'result' ? ` -> ${typeText(resolve, f.result)}` : '';
            out.push(`${indent}  constructor(${params(resolve, f.params)})${result};`);
          } else {
            const short = f.name.slice(f.name.indexOf('.') + 1);
            const ps = f.kind.tag === 'method' ? f.params.slice(1) : f.params;
            const result = f.result === undefined ? '' : ` -> ${typeText(resolve, f.result)}`;
            out.push(`${indent}  ${ident(short)}: ${f.kind.tag === 'static' ? 'static ' : ''}${f.async ? 'async ' : ''}func(${params(resolve, ps)})${result};`);
          }
        }
        out.push(`${indent}}`);
        break;
      }
      case 'type': out.push(`${indent}type ${name} = ${typeText(resolve, k.type)};`); break;
      default: out.push(`${indent}type ${name} = ${kindText(resolve, id)};`);
    }
  }
}

function params(resolve: Resolve, ps: Func['params']): string {
  return ps.map((p) => `${ident(p.name)}: ${typeText(resolve, p.type)}`).join(', ');
}

function funcType(resolve: Resolve, f: Func): string {
  return `${f.async ? 'async ' : ''}func(${params(resolve, f.params)})${f.result === undefined ? '' : ` -> ${typeText(resolve, f.result)}`}`;
}

/** A type as written where it is used: a named type by name, an anonymous one spelled out. */
export function typeText(resolve: Resolve, t: Type): string {
  if (typeof t === 'string') return t;
  const def = resolve.types[t];
  if (def.name !== undefined) return ident(def.name);
  return kindText(resolve, t);
}

function kindText(resolve: Resolve, id: TypeId): string {
  const k = resolve.types[id].kind;
  const ty = (t: Type) => typeText(resolve, t);
  switch (k.tag) {
    case 'handle': return k.handle === 'own' ? ident(resolve.types[k.resource].name ?? '') : `borrow<${ident(resolve.types[k.resource].name ?? '')}>`;
    case 'list': return k.size === undefined ? `list<${ty(k.element)}>` : `list<${ty(k.element)}, ${k.size}>`;
    case 'option': return `option<${ty(k.type)}>`;
    case 'result':
      if (k.ok === undefined && k.err === undefined) return 'result';
      if (k.err === undefined) return `result<${ty(k.ok as Type)}>`;
      return `result<${k.ok === undefined ? '_' : ty(k.ok)}, ${ty(k.err)}>`;
    case 'tuple': return `tuple<${k.types.map(ty).join(', ')}>`;
    case 'map': return `map<${ty(k.key)}, ${ty(k.value)}>`;
    case 'future': case 'stream': return k.payload === undefined ? k.tag : `${k.tag}<${ty(k.payload)}>`;
    case 'type': return ty(k.type);
    default: throw new Error(`printWit: a ${k.tag} type needs a name`);
  }
}
