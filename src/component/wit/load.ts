// Loading WIT from a file tree, as wasm-tools' `push_path` does: a `.wit` file is one
// package (plus its `package x { }` blocks); a directory's top-level `.wit` files form one
// package and each entry of its `deps/` (a file or a directory, not recursive) a dependency.
// The tree is an abstract interface so this runs in a browser; node.ts adapts node:fs.
// A `.wasm` or `.wat` file (as a dependency or the path itself) is a WIT package encoded
// as a component (decode.ts), merged in before the text packages are resolved.
import { DecodeError, ParseError, ValidationError } from '../../core/errors.ts';
import { decodeComponent } from '../binary/decode.ts';
import { parseComponent } from '../text/parse.ts';
import type { WitFile } from './ast.ts';
import { decodeWit } from './decode.ts';
import { mergeResolve } from './merge.ts';
import { emptyResolve, type PackageId, type Resolve } from './model.ts';
import { groupPackages, type UnresolvedPackage } from './packages.ts';
import { parseWitFile } from './parse.ts';
import { type ResolveOptions, resolvePackages } from './resolve.ts';

export interface WitFileTree {
  isDirectory(path: string): boolean;
  /** Entry names of a directory. */
  readDir(path: string): string[];
  readText(path: string): string;
  /** A file's bytes, for WIT packages encoded as binary components (`.wasm`). */
  readBytes?(path: string): Uint8Array;
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

const isComponentFile = (path: string) => /\.(wasm|wat)$/.test(path);

/**
 * Reads the WIT of a component file into `resolve`: the package it encodes or, unless
 * `packageOnly`, the world of an ordinary component. Returns the package's id.
 */
function loadComponentFile(tree: WitFileTree, path: string, resolve: Resolve, packageOnly: boolean): PackageId {
  let decoded;
  try {
    let component;
    if (path.endsWith('.wat')) component = parseComponent(tree.readText(path));
    else {
      if (!tree.readBytes) throw new ValidationError('this file tree cannot read binary files');
      component = decodeComponent(tree.readBytes(path));
    }
    decoded = decodeWit(component);
  } catch (e) {
    // Errors name the file, as WIT text errors do.
    if (e instanceof ParseError) {
      const err = new ParseError(e.phrase, e.line, e.column);
      err.message = `${e.phrase} (at ${path}:${e.line}:${e.column})`;
      throw err;
    }
    if (e instanceof DecodeError || e instanceof ValidationError) throw new ValidationError(`${path}: ${e.message}`);
    throw e;
  }
  if (packageOnly && decoded.kind !== 'package') throw new ValidationError(`${path}: expected a WIT package encoded as a component, found a component`);
  return mergeResolve(resolve, decoded.resolve)[decoded.package];
}

/** Parses and resolves a WIT file or directory (with its `deps/`), or reads a component's WIT. */
export function loadWit(tree: WitFileTree, path: string, options: ResolveOptions = {}): LoadedWit {
  const packages: UnresolvedPackage[] = [];
  const base = emptyResolve();
  let root: UnresolvedPackage[];
  if (!tree.isDirectory(path) && isComponentFile(path)) {
    const main = loadComponentFile(tree, path, base, false);
    return { resolve: base, main };
  }
  if (tree.isDirectory(path)) {
    const deps = join(path, 'deps');
    if (tree.isDirectory(deps)) {
      for (const name of tree.readDir(deps).sort()) {
        const p = join(deps, name);
        if (tree.isDirectory(p)) packages.push(...groupPackages(parseDir(tree, p)));
        else if (name.endsWith('.wit')) packages.push(...groupPackages([parseWitFile(tree.readText(p), p)]));
        else if (isComponentFile(name)) loadComponentFile(tree, p, base, true);
      }
    }
    root = groupPackages(parseDir(tree, path));
  } else {
    root = groupPackages([parseWitFile(tree.readText(path), path)]);
  }
  // Dependencies are visited before the root, nested packages before their file's own.
  const order = [...packages, ...root.slice(1), root[0]];
  const { resolve, ids } = resolvePackages(order, options, base);
  return { resolve, main: ids[ids.length - 1] };
}

/** Parses and resolves WIT held in memory: file name to text (one package and its nested ones). */
export function resolveWitText(files: Record<string, string>, options: ResolveOptions = {}): LoadedWit {
  const root = groupPackages(Object.entries(files).map(([name, text]) => parseWitFile(text, name)));
  const { resolve, ids } = resolvePackages([...root.slice(1), root[0]], options);
  return { resolve, main: ids[ids.length - 1] };
}
