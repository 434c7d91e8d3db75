// WASI preview1: the host, its streams and file systems. Everything here runs in a browser
// except ./node.ts and ./vfs/node-fs.ts.
export { WasiP1, WasiExit, WASI_P1, type WasiP1Options, type Preopen, type GuestInstance } from './p1/wasi.ts';
export { asyncInput, bufferOutput, bytesInput, callbackOutput, type BufferOutput, type InputStream, type OutputStream } from './shared/stdio.ts';
export type { Clocks } from './shared/clocks.ts';
export type { SocketConnection, SocketListener } from './p1/descriptors.ts';
export { MemoryFs, type MemoryFsOptions, type MemoryTree } from './vfs/memory.ts';
export type { DirEntry, FileKind, OpenOptions, Stat, Times, Vfs, VfsHandle, VfsPath } from './vfs/types.ts';
