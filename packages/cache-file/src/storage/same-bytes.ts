// Not an ES import: that would build node:fs's module facade on every new process's cache hit.
const { closeSync, constants, openSync, readSync } = process.getBuiltinModule('node:fs');

/**
 * Whether the file at a path still holds exactly the bytes it held when it was parsed: open,
 * read into one buffer reused across calls, close, compare. No string, no parse, no object is
 * made per call, and no timestamp is trusted (two writes within one clock tick, an inode
 * number reused after a logout, a network file system's attribute cache: identical metadata
 * can hide new bytes, identical bytes cannot). A file that is gone, unreadable, shorter or
 * longer answers false, and the caller reads it the usual way, with its checks and warnings.
 */
export function createSameBytesCheck(): (path: string, known: Uint8Array) => boolean {
  let scratch = Buffer.alloc(0);
  return (path, known) => {
    // One byte more than known: a file that grew reads longer and differs.
    const wanted = known.byteLength + 1;
    if (scratch.byteLength < wanted) scratch = Buffer.alloc(Math.max(wanted, 4096));
    let descriptor: number;
    try {
      descriptor = openSync(path, constants.O_RDONLY);
    } catch {
      return false;
    }
    let length = 0;
    try {
      for (;;) {
        const read = readSync(descriptor, scratch, length, wanted - length, null);
        if (read === 0) break;
        length += read;
        if (length === wanted) return false;
      }
    } catch {
      return false;
    } finally {
      try {
        closeSync(descriptor);
      } catch {
        // Closing a descriptor only read from cannot lose data.
      }
    }
    return length === known.byteLength && scratch.compare(known, 0, length, 0, length) === 0;
  };
}
