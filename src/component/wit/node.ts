// The node adapter: a WitFileTree over node:fs, the only WIT file that touches the filesystem.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { WitFileTree } from './load.ts';

export const nodeWitFileTree: WitFileTree = {
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  readDir: (path) => readdirSync(path),
  readText: (path) => readFileSync(path, 'utf8'),
  readBytes: (path) => readFileSync(path),
};
