/** Store failures, each with the exit code the CLI reports (DESIGN §5). */
export class StoreError extends Error {
  constructor(
    message: string,
    /** 73 not writable, 75 locked, 65 corrupt data, 64 a --store this build cannot open. */
    readonly exitCode: 64 | 65 | 73 | 75,
  ) {
    super(message);
  }
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

/** Turns a filesystem error while writing into a StoreError (73) with what and where. */
export function writeFailure(err: unknown, what: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  // A folder where the store keeps a file (made by hand, or by a tool gone wrong): a sentence, not an internal error.
  if (code === 'EISDIR' || code === 'ERR_FS_EISDIR') {
    return new StoreError(`cannot write ${what}: it is a directory, where rollgate keeps a file; move it aside, then check again`, 73);
  }
  if (code && NOT_WRITABLE.has(code)) {
    return new StoreError(`cannot write ${what} (${code}): the store must be a writable directory with free space; pick another with --store`, 73);
  }
  return err as Error;
}
