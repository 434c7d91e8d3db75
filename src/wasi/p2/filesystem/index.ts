// wasi:filesystem/types and wasi:filesystem/preopens as interface objects.
import type { Vfs } from '../../vfs/types.ts';
import { Descriptor, DirectoryEntryStream, filesystemErrorCode, type FsContext } from './descriptor.ts';

/** A directory the guest sees under `guest` (e.g. `/data` or `.`). */
export interface Preopen {
  readonly guest: string;
  readonly fs: Vfs;
}

/** `wasi:filesystem/types` */
export function filesystemTypes() {
  return {
    descriptor: Descriptor,
    'directory-entry-stream': DirectoryEntryStream,
    'filesystem-error-code': filesystemErrorCode,
  };
}

/** `wasi:filesystem/preopens`: each call opens the preopened directories anew (the guest owns what it gets). */
export function preopens(fs: FsContext, list: readonly Preopen[]) {
  return {
    'get-directories': (): [Descriptor, string][] => list.map((p) => [Descriptor.preopen(fs, p.fs), p.guest]),
  };
}

export { Descriptor, DirectoryEntryStream };
