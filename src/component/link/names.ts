// JavaScript keys for WIT names (the runtime contract's `names` option): 'wit' keeps names as
// they are; 'camel' maps kebab-case labels to lowerCamelCase, and resource type names to
// UpperCamelCase (class names), as jco does. Interface names (`ns:pkg/iface@1.0.0`) are kept.
import { externNameView } from '../names.ts';
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
