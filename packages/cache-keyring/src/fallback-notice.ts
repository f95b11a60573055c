// "No keyring here, tokens go to a clear-text file" is said once per cache location, not on
// every call: kubectl and git run oidcflow for every command, and a warning each time teaches
// users to ignore warnings. The first process that falls back creates a notice file in the
// cache directory (exclusively: among processes started together, one says it); later ones
// find it and stay quiet, while `explain()` / `oidcflow status` keep showing the fallback
// and since when. Once the keyring answers again the notice is removed, so a later fallback
// is said again.

const fs = () => process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** The notice's file name in the cache directory (not `.json`: it is no cache entry). */
export const FALLBACK_NOTICE_FILE = 'keyring-fallback.notice';

export interface FallbackNotice {
  /** True for the process that must say it (it created the notice, or could not remember it). */
  sayNow: boolean;
  /** When it was first said, as an ISO date; undefined when the notice there holds none (unreadable, or edited). */
  since: string | undefined;
  /** The notice file, or undefined when the directory cannot be written. */
  path: string | undefined;
}

/**
 * The notice at `path`, or undefined when there is none: `since` is when the fallback was first
 * said (its first line, when a date). An unreadable notice is there all the same: it was said,
 * only the date is unknown.
 */
function readNotice(path: string): { since: string | undefined } | undefined {
  let text: string;
  try {
    text = fs().readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : { since: undefined };
  }
  const recorded = text.split('\n', 1)[0] ?? '';
  return { since: Number.isNaN(Date.parse(recorded)) ? undefined : recorded };
}

/**
 * Records the fallback in `directory` (created 0700 when missing) unless it is recorded already.
 * The notice is read first: after the first call (every later one, on the machines that fall
 * back) that is one read and no exception, no mkdir and no failed exclusive create.
 */
export function recordFallback(directory: string, reason: string): FallbackNotice {
  const path = join(directory, FALLBACK_NOTICE_FILE);
  const existing = readNotice(path);
  if (existing) return { sayNow: false, since: existing.since, path };
  // Only here, where the notice is made: the first toISOString of a process costs 0.2 ms (Node 20).
  const now = new Date().toISOString();
  try {
    fs().mkdirSync(directory, { recursive: true, mode: 0o700 });
    fs().writeFileSync(path, `${now}\n${reason}\n`, { mode: 0o600, flag: 'wx' });
    return { sayNow: true, since: now, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      return { sayNow: true, since: now, path: undefined };
  }
  // Another process created it in between: it says it.
  return { sayNow: false, since: readNotice(path)?.since, path };
}

/** The keyring answers at `directory`: a later fallback there is news again. */
export function forgetFallback(directory: string): void {
  const path = join(directory, FALLBACK_NOTICE_FILE);
  // Every keyring hit comes here: one access(2), not a failed unlink and the exception it throws
  // (0.06–0.07 ms against 0.01–0.03 in a new process, medians of 21, Node 20 and 24).
  if (!fs().existsSync(path)) return;
  try {
    fs().unlinkSync(path);
  } catch {
    // Usually absent; a notice that cannot be removed only keeps a later fallback quiet.
  }
}
