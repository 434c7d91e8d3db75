// wasi:filesystem's `error-code` from the errno values the file systems report
// (src/wasi/vfs/errno.ts). The enum's cases say which POSIX error each stands for
// (https://github.com/WebAssembly/WASI/blob/main/proposals/filesystem/wit/types.wit); an
// errno with no case of its own is `io`, as in wasmtime's conversion of host errors.
import {
  EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFBIG, EILSEQ, EINTR, EINVAL, EIO, EISDIR, ELOOP, EMLINK,
  ENAMETOOLONG, ENOENT, ENOMEM, ENOSPC, ENOSYS, ENOTCAPABLE, ENOTDIR, ENOTEMPTY, ENOTSUP, ENOTTY,
  EOVERFLOW, EPERM, EPIPE, EROFS, ESPIPE, EXDEV, type Errno,
} from '../../vfs/errno.ts';
import { IoError } from '../io/error.ts';
import { fail } from '../result.ts';

export type FsErrorCode =
  | 'access' | 'would-block' | 'already' | 'bad-descriptor' | 'busy' | 'deadlock' | 'quota' | 'exist'
  | 'file-too-large' | 'illegal-byte-sequence' | 'in-progress' | 'interrupted' | 'invalid' | 'io'
  | 'is-directory' | 'loop' | 'too-many-links' | 'message-size' | 'name-too-long' | 'no-device'
  | 'no-entry' | 'no-lock' | 'insufficient-memory' | 'insufficient-space' | 'not-directory'
  | 'not-empty' | 'not-recoverable' | 'unsupported' | 'no-tty' | 'no-such-device' | 'overflow'
  | 'not-permitted' | 'pipe' | 'read-only' | 'invalid-seek' | 'text-file-busy' | 'cross-device';

const BY_ERRNO = new Map<Errno, FsErrorCode>([
  [EACCES, 'access'], [EAGAIN, 'would-block'], [EBADF, 'bad-descriptor'], [EBUSY, 'busy'],
  [EEXIST, 'exist'], [EFBIG, 'file-too-large'], [EILSEQ, 'illegal-byte-sequence'],
  [EINTR, 'interrupted'], [EINVAL, 'invalid'], [EIO, 'io'], [EISDIR, 'is-directory'], [ELOOP, 'loop'],
  [EMLINK, 'too-many-links'], [ENAMETOOLONG, 'name-too-long'], [ENOENT, 'no-entry'],
  [ENOMEM, 'insufficient-memory'], [ENOSPC, 'insufficient-space'], [ENOTDIR, 'not-directory'],
  [ENOTEMPTY, 'not-empty'], [ENOTSUP, 'unsupported'], [ENOSYS, 'unsupported'], [ENOTTY, 'no-tty'],
  [EOVERFLOW, 'overflow'], [EPERM, 'not-permitted'], [ENOTCAPABLE, 'not-permitted'], [EPIPE, 'pipe'],
  [EROFS, 'read-only'], [ESPIPE, 'invalid-seek'], [EXDEV, 'cross-device'],
]);

export function errorCodeOf(errno: Errno): FsErrorCode {
  return BY_ERRNO.get(errno) ?? 'io';
}

/** Ends the call with `err(code)`. */
export function failFs(errno: Errno): never {
  return fail(errorCodeOf(errno));
}

/** The stream error for a failed file read or write, with the code `filesystem-error-code` gives back. */
export function fsIoError(errno: Errno, what: string): IoError {
  const code = errorCodeOf(errno);
  return new IoError(`${what}: ${code}`, { filesystem: code });
}
