import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const RENAME_ATTEMPTS = 5;

function temporaryPathFor(path: string): string {
  const suffix = `${process.pid}.${globalThis.crypto.randomUUID().slice(0, 8)}.tmp`;
  return join(dirname(path), `${basename(path)}.${suffix}`);
}

/** Flushes the directory, so the rename itself survives a power cut (not possible on Windows). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a directory; some file systems refuse fsync on one. The rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Windows refuses to replace a file another process has open for a moment; retry briefly. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient =
        process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY');
      if (!transient || attempt >= RENAME_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * Replaces `path` with `text` so that a reader, or a process killed at any instant, sees the
 * old content or the new, never a mix: write a temporary file in the same directory (mode
 * 0600 from its creation), fsync it, rename it over the target, fsync the directory.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = temporaryPathFor(path);
  const handle = await open(temporary, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temporary, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temporary).catch(() => undefined);
  }
  await syncDirectory(dirname(path));
}

/** Temporary files are named `<target>.<pid>.<random>.tmp`; this tells whether `name` is one for `target`. */
export function isTemporaryFileOf(name: string, target: string): boolean {
  return name.startsWith(`${basename(target)}.`) && name.endsWith('.tmp');
}
