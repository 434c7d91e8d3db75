// The parsed view of import and export names (Explainer.md, "Import and Export
// Definitions"): a plain name, possibly annotated `[constructor]`, `[method]` or `[static]`,
// or an interface name `ns:pkg/iface@version`. The AST keeps the raw string; this view is
// computed on demand so it never goes stale when a name is edited.

export type ExternNameView =
  | { kind: 'plain'; label: string }
  | { kind: 'constructor'; resource: string }
  | { kind: 'method' | 'static'; resource: string; name: string }
  | {
    kind: 'interface';
    /** `a:b:` of a nested namespace (🪺) gives ['a', 'b']. */
    namespaces: string[];
    package: string;
    /** `/x/y` of a nested projection (🪺) gives ['x', 'y']. */
    projections: string[];
    version?: string;
  }
  /** Not a valid extern name; validation reports it. */
  | { kind: 'invalid'; raw: string };

const WORD = '[a-z][0-9a-z]*(?:-[0-9a-z]+)*';
const LABEL_RE = /^(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)(?:-(?:[0-9a-z]+|[0-9A-Z]+))*$/;
const INTERFACE_RE = new RegExp(
  `^((?:${WORD}:)+)(${WORD})((?:/(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)(?:-(?:[0-9a-z]+|[0-9A-Z]+))*)+)(?:@(.+))?$`,
);

/** True if `s` is a kebab-case `label`. */
export function isLabel(s: string): boolean {
  return LABEL_RE.test(s);
}

export function externNameView(raw: string): ExternNameView {
  if (isLabel(raw)) return { kind: 'plain', label: raw };
  const annotated = /^\[(constructor|method|static)\](.*)$/.exec(raw);
  if (annotated) {
    const [, kind, rest] = annotated;
    if (kind === 'constructor') return isLabel(rest) ? { kind, resource: rest } : { kind: 'invalid', raw };
    const dot = rest.indexOf('.');
    const resource = rest.slice(0, dot);
    const name = rest.slice(dot + 1);
    if (dot < 0 || !isLabel(resource) || !isLabel(name)) return { kind: 'invalid', raw };
    return { kind: kind as 'method' | 'static', resource, name };
  }
  const m = INTERFACE_RE.exec(raw);
  if (!m) return { kind: 'invalid', raw };
  const namespaces = m[1].slice(0, -1).split(':');
  const view: ExternNameView = { kind: 'interface', namespaces, package: m[2], projections: m[3].slice(1).split('/') };
  if (m[4] !== undefined) view.version = m[4];
  return view;
}
