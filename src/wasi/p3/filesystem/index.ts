// wasi:filesystem@0.3.0's interfaces as import objects: `types` (the descriptor resource; the
// records, flags and variants need nothing at run time) and `preopens`.
import { Descriptor as DescriptorP2, type FsContext } from '../../p2/filesystem/descriptor.ts';
import type { Preopen } from '../../p2/filesystem/index.ts';
import { Descriptor } from './descriptor.ts';

export type { Preopen };

/** `wasi:filesystem/types` */
export function filesystemTypes() {
  return { descriptor: Descriptor };
}

/** `wasi:filesystem/preopens`: each call opens the preopened directories anew (the guest owns what it gets). */
export function preopens(fs: FsContext, list: readonly Preopen[]) {
  return {
    'get-directories': (): [Descriptor, string][] => list.map((p) => [new Descriptor(DescriptorP2.preopen(fs, p.fs)), p.guest]),
    descriptor: Descriptor,
  };
}

export { Descriptor };
