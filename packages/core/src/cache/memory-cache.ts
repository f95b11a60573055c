import type { CacheEntry, CacheKey, CachePlugin } from '../spec/cache.js';
import { SPECIFICATION_VERSION } from '../spec/version.js';
import { frozenCopy } from './frozen-copy.js';

/**
 * The cache used when no cache plugin is installed: entries live as long as the process,
 * and the lock serialises callers within it. An entry is copied and frozen once, at `set`;
 * every `get` hands out that frozen object.
 */
export function createMemoryCache(): CachePlugin {
  const entries = new Map<string, CacheEntry>();
  const lockTails = new Map<string, Promise<unknown>>();
  return {
    kind: 'cache',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'memory',
    async get(key: CacheKey) {
      return entries.get(key.id);
    },
    async set(key: CacheKey, entry: CacheEntry) {
      entries.set(key.id, frozenCopy(entry));
    },
    async delete(key: CacheKey) {
      entries.delete(key.id);
    },
    async withLock<T>(key: CacheKey, critical: () => Promise<T>): Promise<T> {
      const previous = lockTails.get(key.id) ?? Promise.resolve();
      const run = previous.then(critical, critical);
      const tail = run.catch(() => undefined);
      lockTails.set(key.id, tail);
      try {
        return await run;
      } finally {
        if (lockTails.get(key.id) === tail) lockTails.delete(key.id);
      }
    },
    resolvedCachePath() {
      return undefined;
    },
  };
}
