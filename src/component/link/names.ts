// JavaScript keys for WIT names (the runtime contract's `names` option): 'wit' keeps names as
// they are; 'camel' maps kebab-case labels to lowerCamelCase, and resource type names to
// UpperCamelCase (class names), as jco does. Interface names (`ns:pkg/iface@1.0.0`) are kept.
import { externNameView } from '../names.ts';

export type NameStyle = 'wit' | 'camel';

function words(label: string): string[] {
  return label.split('-').filter((w) => w.length > 0);
}

/** `my-field` → `myField`. */
export function lowerCamel(label: string): string {
  const ws = words(label);
  return ws.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1))).join('');
}

/** `my-resource` → `MyResource`. */
export function upperCamel(label: string): string {
  return words(label).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
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
