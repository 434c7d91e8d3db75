// Loading WIT from a file tree, as wasm-tools' `push_path` does: a `.wit` file is one
// package (plus its `package x { }` blocks); a directory's top-level `.wit` files form one
// package and each entry of its `deps/` (a file or a directory, not recursive) a dependency.
// The tree is an abstract interface so this runs in a browser; node.ts adapts node:fs.
import type { WitFile } from './ast.ts';
import type { PackageId, Resolve } from './model.ts';
import { groupPackages, type UnresolvedPackage } from './packages.ts';
import { parseWitFile } from './parse.ts';
import { type ResolveOptions, resolvePackages } from './resolve.ts';

export interface WitFileTree {
  isDirectory(path: string): boolean;
  /** Entry names of a directory. */
  readDir(path: string): string[];
  readText(path: string): string;
}

export interface LoadedWit {
  readonly resolve: Resolve;
  /** The root package (the file's or directory's own). */
  readonly main: PackageId;
}

const join = (a: string, b: string) => (a.endsWith('/') ? a + b : `${a}/${b}`);

function parseDir(tree: WitFileTree, dir: string): WitFile[] {
  return tree.readDir(dir).filter((n) => n.endsWith('.wit')).sort()
    .filter((n) => !tree.isDirectory(join(dir, n)))
    .map((n) => parseWitFile(tree.readText(join(dir, n)), join(dir, n)));
}

/** Parses and resolves a WIT file or directory (with its `deps/`). */
export function loadWit(tree: WitFileTree, path: string, options: ResolveOptions = {}): LoadedWit {
  const packages: UnresolvedPackage[] = [];
  let root: UnresolvedPackage[];
  if (tree.isDirectory(path)) {
    const deps = join(path, 'deps');
    if (tree.isDirectory(deps)) {
      for (const name of tree.readDir(deps).sort()) {
        const p = join(deps, name);
        if (tree.isDirectory(p)) packages.push(...groupPackages(parseDir(tree, p)));
        else if (name.endsWith('.wit')) packages.push(...groupPackages([parseWitFile(tree.readText(p), p)]));
        // Other files (.wasm, .wat packages of WIT) are the component encoder's business.
      }
    }
    root = groupPackages(parseDir(tree, path));
  } else {
    root = groupPackages([parseWitFile(tree.readText(path), path)]);
  }
  // Dependencies are visited before the root, nested packages before their file's own.
  const order = [...packages, ...root.slice(1), root[0]];
  const { resolve, ids } = resolvePackages(order, options);
  return { resolve, main: ids[ids.length - 1] };
}

/** Parses and resolves WIT held in memory: file name to text (one package and its nested ones). */
export function resolveWitText(files: Record<string, string>, options: ResolveOptions = {}): LoadedWit {
  const root = groupPackages(Object.entries(files).map(([name, text]) => parseWitFile(text, name)));
  const { resolve, ids } = resolvePackages([...root.slice(1), root[0]], options);
  return { resolve, main: ids[ids.length - 1] };
}
