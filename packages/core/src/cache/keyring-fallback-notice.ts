// "No keyring here, tokens go to a clear-text file" is said once per cache location, not on
// every call: kubectl and git run oidcflow for every command, and a warning each time teaches
// users to ignore warnings. The first process that falls back (@oidcflow/cache-keyring's
// selectKeyringCache) creates a notice file in the cache directory (exclusively: among processes
// started together, one says it); later ones find it and stay quiet, while `explain()` /
// `oidcflow status` keep showing the fallback and since when. Once the keyring answers again the
// notice is removed, so a later fallback is said again. Core reads it too: under `cache: 'auto'`
// a location whose fallback is recorded, where still no session bus exists, takes the file cache
// without loading the keyring cache (registry/load-cache.ts).

const fs = () => process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** The notice's file name in a cache directory (no `.json`, as it is no cache entry). */
export const KEYRING_FALLBACK_NOTICE_FILE = 'keyring-fallback.notice';

/** What recordKeyringFallback found or made: whether to say the fallback now, since when, and where it is remembered. */
export interface KeyringFallbackNotice {
  /** True for the process that must say it (it created the notice, or could not remember it). */
  sayNow: boolean;
  /** When it was first said, as an ISO date; undefined when the notice there holds none (unreadable, or edited). */
  since: string | undefined;
  /** The notice file, or undefined when the directory cannot be written. */
  path: string | undefined;
}

/** What a notice holds: when the fallback was first said, and what was said (each when readable). */
interface NoticeText {
  since: string | undefined;
  reason: string | undefined;
}

/**
 * What was said, as a notice may hold it: one line of text without control or format (bidi)
 * characters, of a bounded length. Anything else (edited, planted) is not shown as what was said.
 */
const SAID = /^[^\p{Cc}\p{Cf}]{1,2000}$/u;

/**
 * The notice at `path`, or undefined when there is none: its first line is when the fallback
 * was first said (when a date), its second what was said (when it looks so: SAID). An unreadable
 * notice is there all the same: it was said, only what and when are unknown.
 */
function readNotice(path: string): NoticeText | undefined {
  let text: string;
  try {
    text = fs().readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? undefined
      : { since: undefined, reason: undefined };
  }
  const [recorded = '', reason = ''] = text.split('\n', 2);
  return {
    since: Number.isNaN(Date.parse(recorded)) ? undefined : recorded,
    reason: SAID.test(reason) ? reason : undefined,
  };
}

/** How `explain()` and `oidcflow status` end the fallback's reason once it was said. */
export const rememberedFallback = (since: string | undefined, path: string) =>
  `; said once${since ? `, on ${since}` : ''} (remembered in ${path})`;

/**
 * Records the fallback in `directory` (created 0700 when missing) unless it is recorded already.
 * The notice is read first: after the first call (every later one, on the machines that fall
 * back) that is one read and no exception, no mkdir and no failed exclusive create.
 */
export function recordKeyringFallback(directory: string, reason: string): KeyringFallbackNotice {
  const path = join(directory, KEYRING_FALLBACK_NOTICE_FILE);
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

/**
 * The fallback recorded in `directory` as `explain()` shows it (what was said, when, and where
 * it is remembered), or undefined when none is recorded or the notice does not say what was said.
 */
export function recordedKeyringFallback(directory: string): string | undefined {
  const path = join(directory, KEYRING_FALLBACK_NOTICE_FILE);
  const notice = readNotice(path);
  return notice?.reason && `${notice.reason}${rememberedFallback(notice.since, path)}`;
}

/** Removes the notice of `directory`, where the keyring answers again, so that a later fallback there is said again. */
export function forgetKeyringFallback(directory: string): void {
  const path = join(directory, KEYRING_FALLBACK_NOTICE_FILE);
  // Every keyring hit comes here: one access(2), not a failed unlink and the exception it throws
  // (0.06–0.07 ms against 0.01–0.03 in a new process, medians of 21, Node 20 and 24).
  if (!fs().existsSync(path)) return;
  try {
    fs().unlinkSync(path);
  } catch {
    // Usually absent; a notice that cannot be removed only keeps a later fallback quiet.
  }
}
