// WASI preview1 errno values
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#errno). Every error a
// guest can observe is one of these, returned from the call; the host never throws for them.
// The file systems (./types.ts) report errors in this vocabulary too; the 0.2 host maps them
// to wasi:filesystem's error-code.
export const ESUCCESS = 0;
export const E2BIG = 1;
export const EACCES = 2;
export const EAGAIN = 6;
export const EBADF = 8;
export const EBUSY = 10;
export const EEXIST = 20;
export const EFAULT = 21;
export const EFBIG = 22;
export const EILSEQ = 25;
export const EINTR = 27;
export const EINVAL = 28;
export const EIO = 29;
export const EISDIR = 31;
export const ELOOP = 32;
export const EMFILE = 33;
export const EMLINK = 34;
export const ENAMETOOLONG = 37;
export const ENOENT = 44;
export const ENOMEM = 48;
export const ENOSPC = 51;
export const ENOSYS = 52;
export const ENOTDIR = 54;
export const ENOTEMPTY = 55;
export const ENOTSOCK = 57;
export const ENOTSUP = 58;
export const ENOTTY = 59;
export const EOVERFLOW = 61;
export const EPERM = 63;
export const EPIPE = 64;
export const EROFS = 69;
export const ESPIPE = 70;
export const EXDEV = 75;
export const ENOTCAPABLE = 76;

/** An errno value (a number, so `typeof r === 'number'` tells an error from a result object). */
export type Errno = number;

/** POSIX error codes (as Node's `code` names them) → WASI errno; anything else is EIO. */
const BY_CODE: Readonly<Record<string, Errno>> = {
  E2BIG, EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFAULT, EFBIG, EILSEQ, EINTR, EINVAL, EIO, EISDIR,
  ELOOP, EMFILE, EMLINK, ENAMETOOLONG, ENOENT, ENOMEM, ENOSPC, ENOSYS, ENOTDIR, ENOTEMPTY,
  ENOTSOCK, ENOTSUP, ENOTTY, EOVERFLOW, EPERM, EPIPE, EROFS, ESPIPE, EXDEV,
  EWOULDBLOCK: EAGAIN, EOPNOTSUPP: ENOTSUP,
};

export function errnoOfCode(code: unknown): Errno {
  return (typeof code === 'string' ? BY_CODE[code] : undefined) ?? EIO;
}
