import { processWide } from './process-wide.js';

/**
 * Callers in one process that want the same lock wait here, in order, before they contend
 * for the lock file with other processes: they need no polling among themselves, and where
 * the directory cannot be used (no lock file) this queue alone keeps them apart. One queue per
 * process, shared by every copy of this package loaded in it (the keyring cache's build carries
 * one, scripts/bundle-package.mjs; an install may hold two versions), as the held locks are
 * (lock-owner.ts): a queue per copy would let callers through two copies overlap. Another shape
 * would take another key.
 */
const QUEUE_KEY = Symbol.for('oidcflow.cache-file.lock-queue');
const tailsOfProcess = () => processWide(QUEUE_KEY, () => new Map<string, Promise<void>>());

export interface QueueTurn {
  release(): void;
}

/**
 * Waits until every earlier caller for `name` has released its turn. `wait` decides how
 * long one may wait (it rejects on abort or timeout); the turn then passes on untaken.
 */
export async function takeTurn(
  name: string,
  wait: (previous: Promise<void>) => Promise<void>,
): Promise<QueueTurn> {
  const tails = tailsOfProcess();
  const previous = tails.get(name) ?? Promise.resolve();
  let releaseMine!: () => void;
  const mine = new Promise<void>((resolve) => {
    releaseMine = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(name, tail);
  const release = () => {
    releaseMine();
    if (tails.get(name) === tail) tails.delete(name);
  };
  try {
    await wait(previous);
  } catch (error) {
    // Our turn comes after `previous`; give it up at once so later callers are not stuck behind us.
    void previous.then(release);
    throw error;
  }
  return { release };
}
