// Grouping parsed files into packages (WIT.md "Package Names", "Filesystem structure"): the
// files of one directory form one package whose name their `package` headers give; every
// `package x { }` block is a package of its own.
import type { PackageName as AstPackageName, TopItem, WitFile } from './ast.ts';
import type { Source, Span } from './lexer.ts';

/** One package's items, each with the file (Source) it came from, not yet resolved. */
export interface UnresolvedPackage {
  readonly name: AstPackageName;
  readonly source: Source;
  readonly docs?: string;
  /** Items per file: top-level `use` names are scoped to their file. */
  readonly files: { readonly source: Source; readonly items: TopItem[] }[];
}

export function packageKey(name: { namespace: string; name: string; version?: string }): string {
  return `${name.namespace}:${name.name}${name.version ? `@${name.version}` : ''}`;
}

/**
 * The packages of a group of files that form one package (a directory, or one file): the
 * main one first, then the nested `package x { }` blocks in file order.
 */
export function groupPackages(files: readonly WitFile[]): UnresolvedPackage[] {
  let main: { name: AstPackageName; source: Source } | undefined;
  let docs: { text: string; source: Source; span: Span } | undefined;
  for (const file of files) {
    if (!file.package) continue;
    if (main && packageKey(main.name) !== packageKey(file.package)) {
      throw file.source.error(
        `package identifier \`${packageKey(file.package)}\` does not match previous package name of \`${packageKey(main.name)}\``,
        file.package.span.start,
      );
    }
    main ??= { name: file.package, source: file.source };
    if (file.packageDocs !== undefined && file.packageDocsSpan) {
      if (docs) throw file.source.error("found doc comments on multiple 'package' items", file.packageDocsSpan.start);
      docs = { text: file.packageDocs, source: file.source, span: file.packageDocsSpan };
    }
  }
  if (!main) {
    const first = files[0];
    throw first
      ? first.source.error('no `package` header was found in any WIT file for this package', 0)
      : new Error('no WIT files found');
  }
  const out: UnresolvedPackage[] = [{
    name: main.name,
    source: main.source,
    docs: docs?.text,
    files: files.map((f) => ({ source: f.source, items: f.items })),
  }];
  for (const file of files) {
    for (const n of file.nested) out.push({ name: n.name, source: file.source, docs: n.docs, files: [{ source: file.source, items: n.items }] });
  }
  return out;
}
