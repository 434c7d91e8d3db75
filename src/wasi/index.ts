// WASI preview1 and 0.2: the hosts, their streams and file systems. Everything here runs in
// a browser except ./node.ts, ./vfs/node-fs.ts and the 0.2 host's ./p2/node-*.ts adapters.
export { WasiP1, WasiExit, WASI_P1, type WasiP1Options, type Preopen, type GuestInstance } from './p1/wasi.ts';
export { asyncInput, bufferOutput, bytesInput, callbackOutput, type BufferOutput, type InputStream, type OutputStream } from './shared/stdio.ts';
export type { Clocks } from './shared/clocks.ts';
export type { SocketConnection, SocketListener } from './p1/descriptors.ts';
export { MemoryFs, type MemoryFsOptions, type MemoryTree } from './vfs/memory.ts';
export type { DirEntry, FileKind, OpenOptions, Stat, Times, Vfs, VfsHandle, VfsPath } from './vfs/types.ts';
// WASI 0.2 (src/wasi/p2): the host of components, over the same file systems and streams.
// Its node adapters (sockets, HTTP) are src/wasi/p2/node-sockets.ts and node-http.ts.
export { WasiP2, WASI_P2_VERSION, runCommand, runExport, type WasiP2Options } from './p2/host.ts';
export { NetPolicy } from './p2/sockets/policy.ts';
export type { NetBackend, NetErrorCode } from './p2/sockets/backend.ts';
export { fetchTransport, type HttpTransport, type HttpRequestSpec, type HttpResponseSpec } from './p2/http/transport.ts';
export type { ByteSink } from './p2/io/streams.ts';
// WASI 0.3 (src/wasi/p3): wasi:cli, wasi:clocks, wasi:random, wasi:filesystem and wasi:sockets at 0.3.0 on
// the Component Model's native async (streams, futures, async functions).
export { WasiP3, WASI_P3_VERSION, type WasiP3Options } from './p3/host.ts';
