// Tessera's own decode tasks. Loaded at run time so the peers can be measured on a tree
// where the decoder is not written yet.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { decodeModule, encodeModule } from '../src/index.ts';
import type { Prepared, Subject, Task } from './task.ts';

interface BinaryApi {
  decodeModule: typeof decodeModule;
  encodeModule: typeof encodeModule;
}

const INDEX = new URL('../src/index.ts', import.meta.url);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function tasksFor({ decodeModule, encodeModule }: BinaryApi): Task[] {
  return [
    {
      name: 'tessera lazy',
      measures: 'decodeModule(bytes): every section decoded, function bodies only located',
      ours: true,
      prepare: (subject: Subject): Prepared => ({ run: () => decodeModule(subject.bytes) }),
    },
    {
      name: 'tessera full',
      measures: 'decodeModule(bytes), then every funcs[i].body read (instructions materialised)',
      ours: true,
      prepare: (subject: Subject): Prepared => ({
        run: () => {
          const module = decodeModule(subject.bytes);
          let count = 0;
          for (const func of module.funcs) count += func.body.length;
          return count;
        },
      }),
    },
    {
      name: 'tessera rt',
      measures: 'encodeModule(decodeModule(bytes)): lazy decode plus encode of the unchanged module',
      ours: true,
      prepare: (subject: Subject): Prepared => {
        const same = sameBytes(encodeModule(decodeModule(subject.bytes)), subject.bytes);
        return {
          run: () => encodeModule(decodeModule(subject.bytes)),
          note: same ? undefined : 'round trip is NOT byte-identical',
        };
      },
    },
  ];
}

/** Tessera's decode tasks, or none with a note when src/index.ts does not exist yet. */
export async function tesseraDecodeTasks(): Promise<{ tasks: Task[]; notes: string[] }> {
  if (!existsSync(fileURLToPath(INDEX))) {
    return { tasks: [], notes: ['Tessera tasks left out: src/index.ts does not exist yet'] };
  }
  const api = (await import(INDEX.href)) as BinaryApi;
  return { tasks: tasksFor(api), notes: [] };
}
