import {
  type CacheEntry,
  type CacheKey,
  type CachePlugin,
  cacheKeyFor,
  SPECIFICATION_VERSION,
} from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';

export interface CacheContractSubject {
  /** A fresh, empty cache; called once per test. */
  create(): CachePlugin | Promise<CachePlugin>;
  /**
   * A second instance over the same storage as `cache`, as another process would open it.
   * Caches that share nothing between instances (memory) leave it out; the sharing tests are left out.
   */
  createPeer?(cache: CachePlugin): CachePlugin | Promise<CachePlugin>;
  /** Frees what `create` made (a temporary directory, a connection). */
  dispose?(cache: CachePlugin): void | Promise<void>;
  /** The cache honours `CacheLockOptions.signal` while it waits for the lock. @default false */
  abortableLock?: boolean;
}

/** Two keys that differ only in scopes, and one for a client flow. */
/**
 * The lock and the location are capabilities of a cache (core asks for them only when they are
 * there); this suite checks them, so a cache under test must have them.
 */
function locking(cache: CachePlugin): Required<Pick<CachePlugin, 'withLock'>> {
  expect(cache.withLock, `${cache.name} has no withLock: this suite checks the lock`).toBeTypeOf('function');
  return cache as Required<Pick<CachePlugin, 'withLock'>>;
}

function located(cache: CachePlugin): Required<Pick<CachePlugin, 'resolvedCachePath'>> {
  expect(cache.resolvedCachePath, `${cache.name} has no resolvedCachePath`).toBeTypeOf('function');
  return cache as Required<Pick<CachePlugin, 'resolvedCachePath'>>;
}

export function contractKeys(): { user: CacheKey; otherScopes: CacheKey; client: CacheKey } {
  const base = { issuer: 'https://idp.example.test', clientId: 'contract-cli' };
  return {
    user: cacheKeyFor({ ...base, scopes: ['openid'], family: 'user' }),
    otherScopes: cacheKeyFor({ ...base, scopes: ['openid', 'profile'], family: 'user' }),
    client: cacheKeyFor({ ...base, scopes: [], audience: 'https://api.example.test', family: 'client' }),
  };
}

/** An entry with every optional field set, with obviously fake token values. */
export function contractEntry(overrides: Partial<CacheEntry['tokens']> = {}): CacheEntry {
  const savedAt = 1_750_000_000_000;
  return {
    tokens: {
      accessToken: 'fake-access-token',
      tokenType: 'Bearer',
      expiresAt: savedAt + 3_600_000,
      refreshToken: 'fake-refresh-token',
      idToken: 'fake.id.token',
      scope: 'openid profile',
      idTokenClaims: {
        iss: 'https://idp.example.test',
        sub: 'user-1',
        aud: 'contract-cli',
        nested: { a: [1, 2] },
      },
      ...overrides,
    },
    flow: 'auth_code',
    metadata: {
      document: { issuer: 'https://idp.example.test', token_endpoint: 'https://idp.example.test/token' },
      fetchedAt: savedAt - 1000,
    },
    savedAt,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every cache plugin must have, as a vitest suite. Run it from a test file:
 *
 * ```ts
 * import { describeCacheContract } from '@oidcflow/cache-file/testing';
 * describeCacheContract('my cache', { create: () => createMyCache(), dispose: (c) => c.close() });
 * ```
 */
export function describeCacheContract(name: string, subject: CacheContractSubject): void {
  describe(`cache plugin contract: ${name}`, () => {
    const created: CachePlugin[] = [];
    const make = async () => {
      const cache = await subject.create();
      created.push(cache);
      return cache;
    };
    afterEach(async () => {
      for (const cache of created.splice(0)) await subject.dispose?.(cache);
    });

    it('declares itself as a v1 cache plugin with every method', async () => {
      const cache = await make();
      expect(cache.kind).toBe('cache');
      expect(cache.specificationVersion).toBe(SPECIFICATION_VERSION);
      expect(typeof cache.name).toBe('string');
      expect(cache.name.length).toBeGreaterThan(0);
      for (const method of ['get', 'set', 'delete', 'withLock', 'resolvedCachePath'] as const) {
        expect(typeof cache[method]).toBe('function');
      }
    });

    it('misses when nothing was stored', async () => {
      const cache = await make();
      expect(await cache.get(contractKeys().user)).toBeUndefined();
    });

    it('returns what was stored, every field intact', async () => {
      const cache = await make();
      const { user } = contractKeys();
      await cache.set(user, contractEntry());
      expect(await cache.get(user)).toEqual(contractEntry());
    });

    it('stores an entry with only the required fields', async () => {
      const cache = await make();
      const { client } = contractKeys();
      const minimal: CacheEntry = {
        tokens: { accessToken: 'fake-a', tokenType: 'bearer', expiresAt: 2_000_000_000_000 },
        flow: 'client_credentials',
        savedAt: 1_999_999_000_000,
      };
      await cache.set(client, minimal);
      expect(await cache.get(client)).toEqual(minimal);
    });

    it('replaces an entry on set', async () => {
      const cache = await make();
      const { user } = contractKeys();
      await cache.set(user, contractEntry());
      await cache.set(user, contractEntry({ accessToken: 'fake-second', refreshToken: 'fake-rotated' }));
      const entry = await cache.get(user);
      expect(entry?.tokens.accessToken).toBe('fake-second');
      expect(entry?.tokens.refreshToken).toBe('fake-rotated');
    });

    it('keeps entries of different keys apart', async () => {
      const cache = await make();
      const { user, otherScopes, client } = contractKeys();
      await cache.set(user, contractEntry({ accessToken: 'fake-user' }));
      await cache.set(client, contractEntry({ accessToken: 'fake-client' }));
      expect((await cache.get(user))?.tokens.accessToken).toBe('fake-user');
      expect((await cache.get(client))?.tokens.accessToken).toBe('fake-client');
      expect(await cache.get(otherScopes)).toBeUndefined();
    });

    it('hands out copies or frozen entries: changing a returned or stored object does not change the cache', async () => {
      const cache = await make();
      const { user } = contractKeys();
      const stored = contractEntry();
      await cache.set(user, stored);
      stored.tokens.accessToken = 'fake-mutated-after-set';
      const nestedOf = (entry: CacheEntry | undefined) =>
        (entry?.tokens.idTokenClaims?.nested ?? { a: [] }) as { a: number[] };
      nestedOf(stored).a.push(3);
      const first = await cache.get(user);
      // A frozen entry refuses the change (a TypeError in strict code); a copy takes it alone.
      const change = (apply: () => void) => {
        try {
          apply();
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      };
      change(() => {
        if (first) first.tokens.accessToken = 'fake-mutated-after-get';
      });
      change(() => nestedOf(first).a.push(4));
      const again = await cache.get(user);
      expect(again?.tokens.accessToken).toBe('fake-access-token');
      expect(again?.tokens.idTokenClaims?.nested).toEqual({ a: [1, 2] });
    });

    it('deletes an entry, and deleting a missing one is not an error', async () => {
      const cache = await make();
      const { user, client } = contractKeys();
      await cache.set(user, contractEntry());
      await cache.delete(user);
      expect(await cache.get(user)).toBeUndefined();
      await expect(cache.delete(client)).resolves.toBeUndefined();
    });

    it('gives a stable location (or none) per key', async () => {
      const cache = await make();
      const { user, client } = contractKeys();
      const path = located(cache).resolvedCachePath(user);
      expect(path === undefined || typeof path === 'string').toBe(true);
      expect(located(cache).resolvedCachePath(user)).toBe(path);
      if (path !== undefined) expect(located(cache).resolvedCachePath(client)).not.toBe(path);
    });

    it("withLock returns the critical section's result and passes its error on", async () => {
      const cache = await make();
      const { user } = contractKeys();
      expect(await locking(cache).withLock(user, async () => 42)).toBe(42);
      const failure = new Error('inside the lock');
      await expect(
        locking(cache).withLock(user, async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      // The failed section released the lock.
      expect(await locking(cache).withLock(user, async () => 'again')).toBe('again');
    });

    it('withLock never runs two critical sections of one key at once', async () => {
      const cache = await make();
      const { user } = contractKeys();
      let inside = 0;
      let mostInside = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          locking(cache).withLock(user, async () => {
            inside++;
            mostInside = Math.max(mostInside, inside);
            await pause(5);
            order.push(index);
            inside--;
          }),
        ),
      );
      expect(mostInside).toBe(1);
      expect(order).toHaveLength(8);
    });

    it('withLock lets a waiter see what the previous holder stored', async () => {
      const cache = await make();
      const { user } = contractKeys();
      let logins = 0;
      const obtain = () =>
        locking(cache).withLock(user, async () => {
          const cached = await cache.get(user);
          if (cached) return cached.tokens.accessToken;
          logins++;
          await pause(10);
          await cache.set(user, contractEntry({ accessToken: 'fake-from-the-one-login' }));
          return 'fake-from-the-one-login';
        });
      const tokens = await Promise.all([obtain(), obtain(), obtain(), obtain()]);
      expect(logins).toBe(1);
      expect(new Set(tokens)).toEqual(new Set(['fake-from-the-one-login']));
    });

    // Capabilities a cache lacks are left out rather than skipped, so a run has no skipped tests.
    const itIf = (condition: boolean) => (condition ? it : () => undefined);

    itIf(Boolean(subject.abortableLock))('withLock stops waiting when its signal aborts', async () => {
      const cache = await make();
      const { user } = contractKeys();
      let releaseHolder!: () => void;
      const holderInside = new Promise<void>((entered) => {
        void locking(cache).withLock(user, async () => {
          entered();
          await new Promise<void>((release) => {
            releaseHolder = release;
          });
        });
      });
      await holderInside;
      const controller = new AbortController();
      let waiterRan = false;
      const waiter = locking(cache).withLock(
        user,
        async () => {
          waiterRan = true;
        },
        { signal: controller.signal },
      );
      controller.abort(new Error('caller gave up'));
      await expect(waiter).rejects.toBeDefined();
      releaseHolder();
      expect(await locking(cache).withLock(user, async () => 'free again')).toBe('free again');
      expect(waiterRan).toBe(false);
    });

    /** The subject's cache, a second instance over the same storage, and a key to use. */
    const makeWithPeer = async () => {
      const cache = await make();
      return { cache, peer: await subject.createPeer!(cache), user: contractKeys().user };
    };

    itIf(Boolean(subject.createPeer))(
      'a second instance over the same storage sees the entries',
      async () => {
        const { cache, peer, user } = await makeWithPeer();
        await cache.set(user, contractEntry());
        expect(await peer.get(user)).toEqual(contractEntry());
        await peer.delete(user);
        expect(await cache.get(user)).toBeUndefined();
      },
    );

    itIf(Boolean(subject.createPeer))(
      'a second instance over the same storage respects the lock',
      async () => {
        const { cache, peer, user } = await makeWithPeer();
        let inside = 0;
        let mostInside = 0;
        const section = async () => {
          inside++;
          mostInside = Math.max(mostInside, inside);
          await pause(15);
          inside--;
        };
        await Promise.all([
          locking(cache).withLock(user, section),
          locking(peer).withLock(user, section),
          locking(cache).withLock(user, section),
          locking(peer).withLock(user, section),
        ]);
        expect(mostInside).toBe(1);
      },
    );
  });
}
