// Processes killed with SIGKILL (no cleanup runs) in the middle of writing, or while they
// hold the lock: the next process must find a readable cache and a lock it can take.
import { readdir } from 'node:fs/promises';
import { cacheKeyFor, ErrorCode, OidcflowError } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileCache } from '../src/index.js';
import { fixture, killAll, startNode } from './processes.js';
import { temporaryDirectories } from './temporary-directory.js';

const directories = temporaryDirectories();
afterEach(async () => {
  killAll();
  await directories.removeAll();
});

/** A fixed-seed generator (mulberry32), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const writerKey = cacheKeyFor({
  issuer: 'https://idp.example.test',
  clientId: 'killed-writer',
  scopes: [],
  family: 'client',
});
const holderKey = cacheKeyFor({
  issuer: 'https://idp.example.test',
  clientId: 'lock-holder',
  scopes: [],
  family: 'client',
});

describe('a process killed with SIGKILL', () => {
  it('while writing leaves a readable cache holding a complete entry (6 kills at varied moments)', async () => {
    const cachePath = await directories.make();
    const random = seededRandom(20_240_611);
    let lastCompleted = 0;
    for (let round = 1; round <= 6; round++) {
      const writer = startNode(fixture('write-loop.mjs'), [cachePath, String(512 * 1024)]);
      // Let it complete a few writes, then kill it at a varied moment of its loop.
      await writer.waitForLine((line) => Number(line) >= 3, 30_000);
      await pause(Math.floor(random() * 25));
      writer.process.kill('SIGKILL');
      await writer.exited;
      expect(writer.process.signalCode).toBe('SIGKILL');
      const completed = Math.max(0, ...writer.lines.map(Number).filter(Number.isFinite));

      const warnings: string[] = [];
      const entry = await createFileCache({ cachePath, warn: (m) => warnings.push(m) }).get(writerKey);
      expect(warnings).toEqual([]);
      expect(entry?.tokens.accessToken).toMatch(/^fake-access-\d+$/);
      // The file holds the last completed write, or the one the kill interrupted after its rename.
      const sequence = Number(entry!.tokens.accessToken.slice('fake-access-'.length));
      expect(sequence).toBeGreaterThanOrEqual(completed);
      expect(sequence).toBeLessThanOrEqual(completed + 1);
      expect(entry!.tokens.scope).toHaveLength(512 * 1024);
      lastCompleted = completed;
    }
    expect(lastCompleted).toBeGreaterThanOrEqual(3);
    // Torn temporary files may be left; they are never read as the cache file.
    const names = await readdir(cachePath);
    expect(names.filter((name) => name.endsWith('.json'))).toEqual([`${writerKey.id}.json`]);
  });

  it('while holding the lock does not block the next process (its owner is gone)', async () => {
    const cachePath = await directories.make();
    const holder = startNode(fixture('hold-lock.mjs'), [cachePath]);
    await holder.waitForLine((line) => line === 'locked', 30_000);
    holder.process.kill('SIGKILL');
    await holder.exited;
    // The stale bound (60 s) is far beyond the wait (10 s): only "owner gone" can free the lock.
    const cache = createFileCache({ cachePath, lockTimeoutSeconds: 10, lockStaleSeconds: 60 });
    expect(await cache.withLock(holderKey, async () => 'taken over')).toBe('taken over');
    expect(await readdir(cachePath)).toEqual([]);
  });

  it('a live holder makes the next process wait, boundedly: CACHE_LOCK_TIMEOUT naming the holder and the fix', async () => {
    const cachePath = await directories.make();
    const holder = startNode(fixture('hold-lock.mjs'), [cachePath]);
    await holder.waitForLine((line) => line === 'locked', 30_000);
    const cache = createFileCache({ cachePath, lockTimeoutSeconds: 0.5 });
    let entered = false;
    const error = await cache
      .withLock(holderKey, async () => {
        entered = true;
      })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(entered).toBe(false);
    expect(OidcflowError.isInstance(error)).toBe(true);
    const failure = error as OidcflowError;
    expect(failure.code).toBe(ErrorCode.CACHE_LOCK_TIMEOUT);
    const lockPath = `${cache.resolvedCachePath(holderKey)}.lock`;
    expect(failure.message).toContain(lockPath);
    expect(failure.message).toContain(`process ${holder.process.pid}`);
    expect(failure.message).toContain(`delete ${lockPath}`);
  });
});
