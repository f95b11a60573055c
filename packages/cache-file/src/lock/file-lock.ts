import type { Stats } from 'node:fs';
import { link, mkdir, open, readFile, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { ErrorCode, OidcflowError } from '@oidcflow/core';
import { heldLockTokens, type LockOwner, newLockOwner, ownerIsGone, parseLockOwner } from './lock-owner.js';

export interface LockTiming {
  /** Give up waiting after this long (CACHE_LOCK_TIMEOUT). */
  timeoutMs: number;
  /** A lock whose owner cannot be read (no owner, torn JSON) and not touched for this long is taken over. */
  staleMs: number;
  /**
   * A lock held longer than this is taken over whoever holds it: the bound for a holder that
   * is alive but never finishes, or runs on another host (whose process we cannot check).
   */
  maxHoldMs: number;
  /** The owner touches its lock this often. */
  heartbeatMs: number;
}

export interface AcquireOptions {
  timing: LockTiming;
  /** Epoch ms when the caller began to wait (in-process queue included). */
  startedAt: number;
  /** Epoch ms after which waiting is over; shared with the in-process queue. */
  deadline: number;
  signal?: AbortSignal;
  warn(message: string): void;
}

export interface HeldFileLock {
  release(): Promise<void>;
}

/** The guard that makes "check it is stale, then delete it" one step among processes. */
const BREAK_GUARD_STALE_MS = 5_000;
const FIRST_RETRY_MS = 10;
const LONGEST_RETRY_MS = 250;

interface Inspection {
  stats: Stats;
  owner?: LockOwner;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

async function inspect(lockPath: string): Promise<Inspection | undefined> {
  try {
    const [stats, text] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
    const owner = parseLockOwner(text);
    return owner ? { stats, owner } : { stats };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether a lock may be taken over. A holder is never judged by its silence: a process
 * stopped with Ctrl-Z or on a sleeping laptop touches nothing, but wakes up in the middle of
 * a refresh, and two refreshes of one rotating refresh token make the IdP revoke them all.
 * So a lock is stale only when its holder is provably gone (same host, process no longer
 * alive), or after `maxHoldMs` from when it was taken. A lock file without a readable owner
 * names no one to wait for: it is judged by how long it has not been touched.
 */
function isStale(inspection: Inspection, timing: LockTiming, now: number): boolean {
  const { owner } = inspection;
  if (!owner) return now - inspection.stats.mtimeMs > timing.staleMs;
  if (ownerIsGone(owner)) return true;
  // The earlier of the owner's clock and the file's: a skewed clock cannot extend the bound.
  const takenAt = Math.min(owner.acquiredAt, inspection.stats.birthtimeMs || owner.acquiredAt);
  return now - takenAt > timing.maxHoldMs;
}

function sameLock(a: Inspection, b: Inspection): boolean {
  return (
    a.stats.ino === b.stats.ino && a.stats.mtimeMs === b.stats.mtimeMs && a.owner?.token === b.owner?.token
  );
}

/**
 * Creates the lock file with its owner already inside: the owner is written to a private
 * temporary file that is then hard-linked into place, which fails if the lock exists. A
 * waiter therefore never reads a half-written owner. File systems without hard links get
 * an exclusive create instead.
 */
async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  const text = JSON.stringify(owner);
  const temporary = `${lockPath}.${owner.token.slice(0, 8)}.tmp`;
  await writeNew(temporary, text);
  try {
    await link(temporary, lockPath);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  try {
    await writeNew(lockPath, text);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function writeNew(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Deletes a stale lock, unless it changed since it was judged stale. The check and the delete
 * run under a guard directory, so two waiters cannot both judge the same old lock stale and
 * the second delete the lock the first just took.
 */
async function breakStaleLock(lockPath: string, judged: Inspection, timing: LockTiming): Promise<void> {
  const guard = `${lockPath}.break`;
  try {
    await mkdir(guard);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // A breaker that died between mkdir and rmdir leaves the guard behind: remove it after a while.
    const guardStats = await stat(guard).catch(() => undefined);
    if (guardStats && Date.now() - guardStats.mtimeMs > BREAK_GUARD_STALE_MS) {
      await rmdir(guard).catch(() => undefined);
    }
    return;
  }
  try {
    const current = await inspect(lockPath);
    if (current && sameLock(current, judged) && isStale(current, timing, Date.now())) {
      await unlink(lockPath).catch((error) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    }
  } finally {
    await rmdir(guard).catch(() => undefined);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedWhileWaiting(lockPath: string, reason: unknown): OidcflowError {
  return new OidcflowError(
    ErrorCode.LOGIN_ABORTED,
    `Stopped while waiting for the token cache lock ${lockPath} (another login or refresh was running).`,
    { cause: reason },
  );
}

export function lockTimeout(lockPath: string, waitedMs: number, owner?: LockOwner): OidcflowError {
  const holder = owner
    ? ` It is held by process ${owner.pid} on ${owner.host}, since ${new Date(owner.acquiredAt).toISOString()}.`
    : '';
  return new OidcflowError(
    ErrorCode.CACHE_LOCK_TIMEOUT,
    `Waited ${Math.round(waitedMs / 1000)} s for the token cache lock ${lockPath}.${holder} ` +
      `If no oidcflow login or refresh is running, delete ${lockPath} and try again.`,
  );
}

function startHeartbeat(lockPath: string, owner: LockOwner, timing: LockTiming, warn: (m: string) => void) {
  const timer = setInterval(() => {
    void (async () => {
      const current = await inspect(lockPath).catch(() => undefined);
      if (current?.owner?.token !== owner.token) {
        clearInterval(timer);
        warn(
          `another process took over the token cache lock ${lockPath} while this one held it ` +
            `(held for more than ${timing.maxHoldMs / 1000} s, or removed by hand); two logins or refreshes may have run at once.`,
        );
        return;
      }
      const now = new Date();
      await utimes(lockPath, now, now).catch(() => undefined);
    })();
  }, timing.heartbeatMs);
  timer.unref();
  return timer;
}

/**
 * Takes the cross-process lock at `lockPath`, waiting (with growing pauses) while another
 * live process holds it. A lock is taken over only when its owner process is provably gone
 * or it was taken more than `maxHoldMs` ago (see `isStale`); the holder touches it every
 * `heartbeatMs`, which tells a lock file without a readable owner from a live one. Rejects with CACHE_LOCK_TIMEOUT after the deadline, LOGIN_ABORTED
 * on abort, or the file system's error (the caller handles an unwritable directory).
 */
export async function acquireFileLock(lockPath: string, options: AcquireOptions): Promise<HeldFileLock> {
  const { timing, deadline, signal } = options;
  let pause = FIRST_RETRY_MS;
  let lastSeen: Inspection | undefined;
  for (;;) {
    if (signal?.aborted) throw abortedWhileWaiting(lockPath, signal.reason);
    const owner = newLockOwner(Date.now());
    heldLockTokens().add(owner.token);
    let created = false;
    try {
      created = await tryCreate(lockPath, owner);
    } finally {
      if (!created) heldLockTokens().delete(owner.token);
    }
    if (created) {
      const heartbeat = startHeartbeat(lockPath, owner, timing, options.warn);
      return {
        async release() {
          clearInterval(heartbeat);
          heldLockTokens().delete(owner.token);
          const current = await inspect(lockPath).catch(() => undefined);
          if (current?.owner?.token === owner.token) await unlink(lockPath).catch(() => undefined);
        },
      };
    }
    const inspection = await inspect(lockPath);
    if (!inspection) continue; // released between our attempt and our look: try again at once
    lastSeen = inspection;
    if (isStale(inspection, timing, Date.now())) {
      await breakStaleLock(lockPath, inspection, timing);
      pause = FIRST_RETRY_MS;
      // Fall through to a short pause: when the guard was busy, another waiter is breaking it.
    }
    const now = Date.now();
    if (now >= deadline) throw lockTimeout(lockPath, now - options.startedAt, lastSeen.owner);
    const jittered = pause * (0.5 + Math.random());
    try {
      await sleep(Math.min(jittered, deadline - now), signal);
    } catch (reason) {
      throw abortedWhileWaiting(lockPath, reason);
    }
    pause = Math.min(pause * 1.5, LONGEST_RETRY_MS);
  }
}
