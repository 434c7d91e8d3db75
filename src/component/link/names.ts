// JavaScript keys for WIT names (the runtime contract's `names` option): 'wit' keeps names as
// they are; 'camel' maps kebab-case labels to lowerCamelCase, and resource type names to
// UpperCamelCase (class names), as jco does. Interface names (`ns:pkg/iface@1.0.0`) are kept.
import { type ExternNameView, externNameView } from '../names.ts';
import { toCamelCase } from './abi.ts';

export type NameStyle = 'wit' | 'camel';

/** `my-field` → `myField` (the ABI's rule for record fields, so keys and fields agree). */
export function lowerCamel(label: string): string {
  return toCamelCase(label);
}

/** `my-resource` → `MyResource`. */
export function upperCamel(label: string): string {
  const c = toCamelCase(label);
  return c.length === 0 ? c : c[0].toUpperCase() + c.slice(1);
}

/** The key of an import or export named `name` (`type`: a resource type, named like a class). */
export function keyOf(name: string, style: NameStyle, type = false): string {
  if (style === 'wit') return name;
  const v = externNameView(name);
  if (v.kind !== 'plain') return name;
  return type ? upperCamel(v.label) : lowerCamel(v.label);
}

/** A method, static or constructor name's member key (`[method]r.get-x` → `getX`). */
export function memberKey(label: string, style: NameStyle): string {
  return style === 'wit' ? label : lowerCamel(label);
}

/** `ns:pkg/iface@1.2.3` → `ns:pkg/iface` (host imports may leave the version out). */
export function withoutVersion(name: string): string {
  const v = externNameView(name);
  if (v.kind !== 'interface' || v.version === undefined) return name;
  return name.slice(0, name.length - v.version.length - 1);
}

/** A resource type's class name: `my-resource` → `MyResource` (any name: the host's too). */
export function className(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase());
}

/** What linking needs of one import or export name in one style, worked out once. */
export interface NameInfo {
  readonly view: ExternNameView;
  /** `keyOf(name, style)`: the key of a func, instance, component, module or value. */
  readonly key: string;
  /** `keyOf(name, style, true)`: the key of a resource type (a class). */
  readonly typeKey: string;
  /** The keys a host import may be given under, in the order they are tried, without repeats. */
  readonly lookup: readonly string[];
  /** The same for a resource type import. */
  readonly typeLookup: readonly string[];
  /** A `[method]r.m` or `[static]r.s` name's member key (`m` in the style); undefined otherwise. */
  readonly member: string | undefined;
}

function distinct(keys: string[]): readonly string[] {
  return keys.filter((k, i) => keys.indexOf(k) === i);
}

/**
 * The names of one compiled component in one style, each parsed and mapped on first use and
 * then kept (link/prelink.ts): every instantiation resolves the same import names in the
 * host's objects and keys the same exports, and parsing a name costs more than the lookup.
 */
export class NameKeys {
  readonly style: NameStyle;
  readonly #infos = new Map<string, NameInfo>();
  readonly #classNames = new Map<string, string>();

  constructor(style: NameStyle) {
    this.style = style;
  }

  of(name: string): NameInfo {
    let info = this.#infos.get(name);
    if (info === undefined) {
      const style = this.style;
      const view = externNameView(name);
      const key = keyOf(name, style);
      const typeKey = keyOf(name, style, true);
      const bare = withoutVersion(name);
      info = {
        view, key, typeKey,
        lookup: distinct([key, name, bare]),
        typeLookup: distinct([typeKey, name, bare]),
        member: view.kind === 'method' || view.kind === 'static' ? memberKey(view.name, style) : undefined,
      };
      this.#infos.set(name, info);
    }
    return info;
  }

  className(name: string): string {
    let c = this.#classNames.get(name);
    if (c === undefined) this.#classNames.set(name, c = className(name));
    return c;
  }
}
