import { hostname } from 'node:os';
import { processWide } from './process-wide.js';

/** What a lock file holds: who owns it, so others can tell a live owner from a dead one. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Epoch ms when the lock was taken. */
  acquiredAt: number;
  /** Random per acquisition: tells this lock from a later one in the same place. */
  token: string;
}

/**
 * Tokens of the locks this process holds, shared by every copy of this package loaded in the
 * process (a lock file naming our pid but no held token was left by an earlier process that
 * had the same pid, as happens in containers). Kept on the process, not in this module, so
 * that a copy of the module (the keyring cache's build carries one) finds the same set.
 */
const HELD_KEY = Symbol.for('oidcflow.cache-file.held-locks');
export const heldLockTokens = () => processWide(HELD_KEY, () => new Set<string>());

export function newLockOwner(now: number): LockOwner {
  return { pid: process.pid, host: hostname(), acquiredAt: now, token: globalThis.crypto.randomUUID() };
}

export function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      value &&
      typeof value.pid === 'number' &&
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.acquiredAt === 'number' &&
      typeof value.token === 'string'
    ) {
      return { pid: value.pid, host: value.host, acquiredAt: value.acquiredAt, token: value.token };
    }
  } catch {
    // An unreadable owner is judged by the lock file's age alone.
  }
  return undefined;
}

/** Whether a process with this id runs on this machine (EPERM: it does, as another user). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner named in a lock file is certainly gone: it ran on this host and its
 * process no longer exists, or it is this process but no lock of ours has that token.
 * Owners on other hosts (a shared home directory) are judged by the heartbeat alone.
 */
export function ownerIsGone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !heldLockTokens().has(owner.token);
  return !processIsAlive(owner.pid);
}
