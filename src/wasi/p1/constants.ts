// Flags, enums and rights of WASI preview1
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md). Rights occupy bits
// 0-29, so Tessera keeps them in a plain number (bit operations on bigints allocate).

// filetype
export const FILETYPE_UNKNOWN = 0;
export const FILETYPE_BLOCK_DEVICE = 1;
export const FILETYPE_CHARACTER_DEVICE = 2;
export const FILETYPE_DIRECTORY = 3;
export const FILETYPE_REGULAR_FILE = 4;
export const FILETYPE_SOCKET_STREAM = 6;
export const FILETYPE_SYMBOLIC_LINK = 7;

// rights
export const RIGHT_FD_DATASYNC = 1 << 0;
export const RIGHT_FD_READ = 1 << 1;
export const RIGHT_FD_SEEK = 1 << 2;
export const RIGHT_FD_FDSTAT_SET_FLAGS = 1 << 3;
export const RIGHT_FD_SYNC = 1 << 4;
export const RIGHT_FD_TELL = 1 << 5;
export const RIGHT_FD_WRITE = 1 << 6;
export const RIGHT_FD_ADVISE = 1 << 7;
export const RIGHT_FD_ALLOCATE = 1 << 8;
export const RIGHT_PATH_CREATE_DIRECTORY = 1 << 9;
export const RIGHT_PATH_CREATE_FILE = 1 << 10;
export const RIGHT_PATH_LINK_SOURCE = 1 << 11;
export const RIGHT_PATH_LINK_TARGET = 1 << 12;
export const RIGHT_PATH_OPEN = 1 << 13;
export const RIGHT_FD_READDIR = 1 << 14;
export const RIGHT_PATH_READLINK = 1 << 15;
export const RIGHT_PATH_RENAME_SOURCE = 1 << 16;
export const RIGHT_PATH_RENAME_TARGET = 1 << 17;
export const RIGHT_PATH_FILESTAT_GET = 1 << 18;
export const RIGHT_PATH_FILESTAT_SET_SIZE = 1 << 19;
export const RIGHT_PATH_FILESTAT_SET_TIMES = 1 << 20;
export const RIGHT_FD_FILESTAT_GET = 1 << 21;
export const RIGHT_FD_FILESTAT_SET_SIZE = 1 << 22;
export const RIGHT_FD_FILESTAT_SET_TIMES = 1 << 23;
export const RIGHT_PATH_SYMLINK = 1 << 24;
export const RIGHT_PATH_REMOVE_DIRECTORY = 1 << 25;
export const RIGHT_PATH_UNLINK_FILE = 1 << 26;
export const RIGHT_POLL_FD_READWRITE = 1 << 27;
export const RIGHT_SOCK_SHUTDOWN = 1 << 28;
export const RIGHT_SOCK_ACCEPT = 1 << 29;
export const RIGHTS_ALL = (1 << 30) - 1;

/** What a regular file descriptor can do. */
export const RIGHTS_FILE = RIGHT_FD_DATASYNC | RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_FDSTAT_SET_FLAGS |
  RIGHT_FD_SYNC | RIGHT_FD_TELL | RIGHT_FD_WRITE | RIGHT_FD_ADVISE | RIGHT_FD_ALLOCATE |
  RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_POLL_FD_READWRITE;

/** What a directory descriptor can do. */
export const RIGHTS_DIR = RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC | RIGHT_FD_ADVISE |
  RIGHT_PATH_CREATE_DIRECTORY | RIGHT_PATH_CREATE_FILE | RIGHT_PATH_LINK_SOURCE | RIGHT_PATH_LINK_TARGET |
  RIGHT_PATH_OPEN | RIGHT_FD_READDIR | RIGHT_PATH_READLINK | RIGHT_PATH_RENAME_SOURCE |
  RIGHT_PATH_RENAME_TARGET | RIGHT_PATH_FILESTAT_GET | RIGHT_PATH_FILESTAT_SET_SIZE |
  RIGHT_PATH_FILESTAT_SET_TIMES | RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_PATH_SYMLINK |
  RIGHT_PATH_REMOVE_DIRECTORY | RIGHT_PATH_UNLINK_FILE | RIGHT_FD_DATASYNC;

/** stdin, stdout, stderr: no seek or tell, which is how wasi-libc's isatty recognises a terminal. */
export const RIGHTS_STREAM = RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_FILESTAT_GET |
  RIGHT_POLL_FD_READWRITE;

/** Rights that need a descriptor opened for reading, and for writing (as wasmtime decides the access mode). */
export const RIGHTS_READING = RIGHT_FD_READ | RIGHT_FD_READDIR;
export const RIGHTS_WRITING = RIGHT_FD_WRITE | RIGHT_FD_DATASYNC | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE;

/** A rights i64 as Tessera's number; unknown high bits are dropped. */
export function rightsOf(r: bigint): number {
  return Number(BigInt.asUintN(30, r));
}

// oflags
export const OFLAGS_CREAT = 1;
export const OFLAGS_DIRECTORY = 2;
export const OFLAGS_EXCL = 4;
export const OFLAGS_TRUNC = 8;

// fdflags
export const FDFLAGS_APPEND = 1;
export const FDFLAGS_DSYNC = 2;
export const FDFLAGS_NONBLOCK = 4;
export const FDFLAGS_RSYNC = 8;
export const FDFLAGS_SYNC = 16;

// lookupflags
export const LOOKUPFLAGS_SYMLINK_FOLLOW = 1;

// fstflags
export const FSTFLAGS_ATIM = 1;
export const FSTFLAGS_ATIM_NOW = 2;
export const FSTFLAGS_MTIM = 4;
export const FSTFLAGS_MTIM_NOW = 8;

// whence
export const WHENCE_SET = 0;
export const WHENCE_CUR = 1;
export const WHENCE_END = 2;

// clockid
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME = 2;
export const CLOCK_THREAD_CPUTIME = 3;

// eventtype, subclockflags, eventrwflags
export const EVENTTYPE_CLOCK = 0;
export const EVENTTYPE_FD_READ = 1;
export const EVENTTYPE_FD_WRITE = 2;
export const SUBCLOCKFLAGS_ABSTIME = 1;

// preopentype
export const PREOPENTYPE_DIR = 0;
