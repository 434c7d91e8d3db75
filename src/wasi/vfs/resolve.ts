// Path resolution under a directory descriptor, shared by the preview1 and 0.2 hosts:
// component by component, as capability-based WASI hosts do (wasmtime through cap-std's `open_beneath`). The guest's path never reaches a
// file system as a string: each component is checked, symlinks are read and spliced in by
// this code, and `..` is a pop that may not go above the descriptor's directory.
// Refused: absolute paths and symlink targets, `..` past the base, more than 40 symlinks
// (ELOOP, Linux's MAXSYMLINKS). An escape is EPERM, what wasmtime returns for it
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-path_openfd-fd-dirflags-lookupflags-path-string-oflags-oflags-fs_rights_base-rights-fs_rights_inheriting-rights-fdflags-fdflags---resultfd-errno).
import type { Vfs, VfsPath } from './types.ts';
import { EINVAL, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EPERM, type Errno } from './errno.ts';

const MAX_SYMLINKS = 40;
const MAX_PATH = 4096;

export interface Resolved {
  /** The entry's path in the file system. */
  readonly path: VfsPath;
  /** The guest wrote a trailing `/` (or ended in `.`/`..`): the entry must be a directory. */
  readonly dirOnly: boolean;
}

/**
 * Resolves `guest` below `base` in `vfs`. Every component but the last is followed; the last
 * is followed too when `follow` is set (or when a `/` follows it). The last entry need not
 * exist (so it can be created), but its parent must.
 */
export function resolvePath(vfs: Vfs, base: VfsPath, guest: string, follow: boolean): Resolved | Errno {
  if (guest.length === 0) return ENOENT;
  if (guest.length > MAX_PATH) return ENAMETOOLONG;
  if (guest.includes('\0')) return EINVAL;
  if (guest.startsWith('/')) return EPERM;
  // Pending components, last at index 0 so splicing a link's target is a push.
  const pending = guest.split('/').reverse();
  const cur = [...base];
  let links = 0;
  let dirOnly = false;
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const last = pending.length === 0;
    if (name === '' || name === '.') {
      if (last) dirOnly = true;
      continue;
    }
    if (name === '..') {
      if (cur.length <= base.length) return EPERM;
      cur.pop();
      if (last) dirOnly = true;
      continue;
    }
    const trailingSlash = !last && pending.every((c) => c === '' || c === '.');
    const mustFollow = !last || follow;
    if (last && !mustFollow) {
      cur.push(name);
      break;
    }
    const child = [...cur, name];
    const st = vfs.lstat(child);
    if (typeof st === 'number') {
      // A missing last component (even with a trailing slash) may be about to be created.
      if (st === ENOENT && (last || trailingSlash)) {
        cur.push(name);
        if (trailingSlash) dirOnly = true;
        break;
      }
      return st;
    }
    if (st.kind === 'symlink') {
      if (++links > MAX_SYMLINKS) return ELOOP;
      const target = vfs.readlink(child);
      if (typeof target === 'number') return target;
      if (target.startsWith('/')) return EPERM;
      if (target.length === 0) return ENOENT;
      // The target's components are resolved relative to the link's directory (cur).
      const parts = target.split('/');
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
      continue;
    }
    if (!last && st.kind !== 'dir') return ENOTDIR;
    cur.push(name);
  }
  return { path: cur, dirOnly };
}

/** Whether `target`, read from a directory `depth` levels below the base, leads above it. */
export function climbsOut(target: string, depth: number): boolean {
  let d = depth;
  for (const c of target.split('/')) {
    if (c === '..') {
      if (--d < 0) return true;
    } else if (c !== '' && c !== '.') d++;
  }
  return false;
}
