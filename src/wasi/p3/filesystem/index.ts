// wasi:filesystem@0.3.0's interfaces as import objects: `types` (the descriptor resource; the
// records, flags and variants need nothing at run time) and `preopens`.
import { Descriptor as DescriptorP2, type FsContext } from '../../p2/filesystem/descriptor.ts';
import type { Preopen } from '../../p2/filesystem/index.ts';
import type { Vfs } from '../../vfs/types.ts';
import { Descriptor } from './descriptor.ts';

export type { Preopen };

/** The `preopens` option as WasiP2 takes it (`{ '/data': fs }`, or a list) as a list. */
export function preopenList(preopens: Readonly<Record<string, Vfs>> | readonly Preopen[] | undefined): readonly Preopen[] {
  if (preopens === undefined) return [];
  if (Array.isArray(preopens)) return preopens as readonly Preopen[];
  return Object.entries(preopens as Readonly<Record<string, Vfs>>).map(([guest, fs]) => ({ guest, fs }));
}

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
